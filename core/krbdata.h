/*
 * krbdata.h - Kerberos as plain data: the credentials of a cache and the
 * results of service-ticket requests as krb.c gathers them and the tickets
 * step's rules judge them, and the names of their numbers (enctypes, RFC
 * 3961 and the IANA registry; ticket flags, RFC 4120 5.3; the error codes
 * the rules tell apart). No krb5 header and no krb5 call: a rules module
 * that includes this links without the library.
 */
#ifndef EW_KRBDATA_H
#define EW_KRBDATA_H

#include <stddef.h>

/* Ticket flags (the bits of MIT krb5's TKT_FLG_*). */
#define EW_TKT_FLG_FORWARDABLE 0x40000000u
#define EW_TKT_FLG_FORWARDED 0x20000000u
#define EW_TKT_FLG_PROXIABLE 0x10000000u
#define EW_TKT_FLG_PROXY 0x08000000u
#define EW_TKT_FLG_MAY_POSTDATE 0x04000000u
#define EW_TKT_FLG_POSTDATED 0x02000000u
#define EW_TKT_FLG_INVALID 0x01000000u
#define EW_TKT_FLG_RENEWABLE 0x00800000u
#define EW_TKT_FLG_INITIAL 0x00400000u
#define EW_TKT_FLG_PRE_AUTH 0x00200000u
#define EW_TKT_FLG_HW_AUTH 0x00100000u
#define EW_TKT_FLG_TRANSIT_POLICY_CHECKED 0x00080000u
#define EW_TKT_FLG_OK_AS_DELEGATE 0x00040000u
#define EW_TKT_FLG_ANONYMOUS 0x00008000u

/* MIT krb5's code for a protocol error (RFC 4120 7.5.9): the base of its
 * error table plus the protocol's number. */
#define EW_KRB5_PROTO_ERR(n) (-1765328384L + (n))
#define EW_KRB5_KDC_ERR_S_PRINCIPAL_UNKNOWN EW_KRB5_PROTO_ERR(7)
#define EW_KRB5_KDC_ERR_ETYPE_NOSUPP EW_KRB5_PROTO_ERR(14)
#define EW_KRB5_KRB_AP_ERR_SKEW EW_KRB5_PROTO_ERR(37)
/* KRB5_KDC_UNREACH: "Cannot contact any KDC for realm" */
#define EW_KRB5_KDC_UNREACH (-1765328228L)

struct ew_krb_cred {
	char *client;
	char *server;
	long long authtime, starttime, endtime, renew_till;
	unsigned flags;		/* EW_TKT_FLG_* */
	int session_enctype;
	int ticket_enctype;	/* -1 when the ticket cannot be decoded */
	size_t ticket_size;
	int is_tgt;		/* krbtgt/REALM@REALM */
};

struct ew_krb_cache {
	char *name;		/* TYPE:residual */
	char *principal;	/* NULL: empty or unreadable */
	int is_default;
	char *error;
	struct ew_krb_cred *creds;
	size_t ncreds;
};

struct ew_krb_caches {
	struct ew_krb_cache *caches;
	size_t n;
};

void ew_krb_caches_clear(struct ew_krb_caches *c);

struct ew_krb_svc {
	char *spn;		/* in: "exchangeRFR/exch1.exwiz.test" (the realm is added) */
	int ok;
	long code;		/* krb5 error code */
	char *error;		/* the library's message */
	const char *cause;	/* what it means here */
	const char *remedy;
	size_t ticket_size;
	int enctype;		/* ticket enctype */
	int session_enctype;
	long long starttime, authtime, endtime;
	double local_time;	/* local clock when the answer came (for skew) */
	long rtt_ms;
	int timed_out;		/* abandoned: no answer in time, or cancelled */
	int cancelled;		/* abandoned because the cancel flag was set */
	char **trace;		/* the library's trace for this request, redacted */
	size_t ntrace;
};

/* Frees what a request filled in (not spn, the caller's). */
void ew_krb_svc_clear(struct ew_krb_svc *s);

/* "forwardable, renewable, initial, pre-authent"; klist letters in letters (>= 16 bytes). */
char *ew_krb_flags_text(unsigned flags, char *letters);
/* "aes256-cts-hmac-sha1-96" (MIT krb5's name), or "enctype N". */
void ew_krb_enctype_name(int enctype, char *buf, size_t len);
/* Weak: 1 for DES, 2 for RC4, 0 otherwise. */
int ew_krb_enctype_weakness(int enctype);

#endif
