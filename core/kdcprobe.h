/*
 * kdcprobe.h - is a KDC there, over UDP and over TCP, and what time does it
 * say it is? A minimal AS-REQ (for a principal that need not exist, with no
 * pre-authentication, so no secret is involved) is sent to each KDC address
 * on each transport at once; any Kerberos reply counts as an answer, and the
 * server time of a KRB-ERROR gives the clock difference. Also TCP connect
 * to the kpasswd port. The DER encoder and the reply parser are pure.
 */
#ifndef EW_KDCPROBE_H
#define EW_KDCPROBE_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

enum ew_kdc_proto { EW_KDC_UDP, EW_KDC_TCP, EW_KDC_KPASSWD_TCP };

struct ew_kdc_probe {
	char *host;		/* KDC name (for the report) */
	char *addr;		/* IP literal */
	unsigned port;
	enum ew_kdc_proto proto;
	int ok;			/* a reply (or, for kpasswd, a connection) */
	int cancelled;		/* stopped by the cancel flag before an answer came */
	char *error;		/* why not */
	long rtt_ms;
	int have_time;		/* the reply carried the KDC's time */
	double skew;		/* KDC time minus local time, seconds */
	int krb_error;		/* error-code of a KRB-ERROR reply, or -1 */
	size_t reply_len;
};

/* The AS-REQ for client@realm (krbtgt/realm), written to buf. Its length, or 0. */
size_t ew_kdc_asreq(const char *realm, const char *client, unsigned nonce,
		    unsigned char *buf, size_t len);

/*
 * Parse a reply: 1 for AS-REP, 2 for KRB-ERROR (then *code, and *stime the
 * server time with susec in *usec if present), 0 for anything else.
 */
int ew_kdc_parse_reply(const unsigned char *buf, size_t len, int *code, time_t *stime,
		       long *usec);

/* "YYYYMMDDHHMMSSZ" to time_t; -1 if malformed. */
time_t ew_kdc_parse_gtime(const char *s, size_t len);

/*
 * Probe every entry at once; each bounded by timeout_ms (UDP: tries sends).
 * When cancel is set, those still waiting end with cancelled set: they
 * neither answered nor timed out.
 */
void ew_kdc_probe_all(struct ew_kdc_probe *p, size_t n, const char *realm, int timeout_ms,
		      int tries, atomic_int *cancel);
void ew_kdc_probe_clear(struct ew_kdc_probe *p);

#endif
