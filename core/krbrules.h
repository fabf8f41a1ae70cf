/*
 * krbrules.h - the verdicts of the tickets step as pure functions: from the
 * krb5 settings, the cache listing, the service-ticket results, the KDC
 * probes and the library trace to findings. Check ids: KRB-CONF, KRB-CACHE,
 * KRB-SVC, KRB-SKEW, KRB-KDC, KRB-TRANSPORT, SPN-UNIQUE.
 */
#ifndef EW_KRBRULES_H
#define EW_KRBRULES_H

#include <stddef.h>

#include "kdcprobe.h"
#include "krbdata.h"

struct ew_step_result;

struct ew_krb_conf {
	char *default_realm;
	int dns_lookup_kdc;		/* default true */
	int dns_lookup_realm;		/* default false */
	int rdns;			/* default true */
	int dns_canonicalize_hostname;	/* default true */
	int udp_preference_limit;	/* default 1465 */
	int clockskew;			/* default 300 */
	char **kdcs;			/* [realms] REALM kdc */
	size_t nkdcs;
	char **domain_realm;		/* "suffix = REALM" */
	size_t ndomain_realm;
	char *tgs_enctypes;		/* default_tgs_enctypes; NULL: the library's */
};

void ew_krb_conf_defaults(struct ew_krb_conf *c);
void ew_krb_conf_clear(struct ew_krb_conf *c);

/* KRB-CONF: srv_kdcs is how many KDCs the _kerberos SRV records gave. */
void ew_krb_rule_conf(const struct ew_krb_conf *c, const char *realm, size_t srv_kdcs,
		      struct ew_step_result *res);
/* KRB-CACHE: now is the local time. */
void ew_krb_rule_cache(const struct ew_krb_caches *caches, const char *realm, long long now,
		       struct ew_step_result *res);
/* A host for which HTTP/ works and every exchange* SPN is unknown: a front end. */
int ew_krb_is_front_end(const struct ew_krb_svc *svc, size_t n, const char *host);
/* KRB-SVC. */
void ew_krb_rule_svc(const struct ew_krb_svc *svc, size_t n, struct ew_step_result *res);
/* The KRB-SVC failure for spn, taken for a missing SPN (unknown to the KDC),
 * proves a duplicate when the global catalog found nholders >= 2 holders. */
void ew_krb_svc_holders(struct ew_step_result *res, const char *spn, size_t nholders);
/* KRB-SKEW from the KDC probes and the fresh tickets. */
void ew_krb_rule_skew(const struct ew_kdc_probe *p, size_t np, const struct ew_krb_svc *svc,
		      size_t ns, int clockskew, struct ew_step_result *res);
/*
 * KRB-SVC, KRB-SKEW, KRB-KDC and KRB-TRANSPORT take a request or probe that
 * was cancelled (the cancelled flag) as no evidence either way: the verdict
 * that needed it is a skip that says it was cancelled, never a fail or warn.
 */
/* KRB-KDC: largest_ticket is the biggest TGT or TGS request seen. */
void ew_krb_rule_kdc(const struct ew_kdc_probe *p, size_t n, size_t largest_request,
		     int udp_limit, struct ew_step_result *res);
/*
 * KRB-TRANSPORT from the trace of the requests. tcp_ok: 1 a KDC answered over
 * TCP/88, 0 none did, -1 not known (the TCP probes were cancelled).
 */
void ew_krb_rule_transport(const struct ew_krb_svc *svc, size_t n, const char *principal,
			   int udp_limit, int tcp_ok, struct ew_step_result *res);

/* Scan a trace: largest request size, UDP used, TCP used, "too big" seen. */
void ew_krb_trace_scan(char *const *lines, size_t n, size_t *largest, int *udp, int *tcp,
		       int *too_big);

struct ew_spn_holder {
	const char *dn;
	const char *account;	/* sAMAccountName */
};
/* SPN-UNIQUE for one SPN: its holders in the forest (global catalog). */
void ew_krb_rule_spn_unique(const char *spn, const struct ew_spn_holder *h, size_t n,
			    struct ew_step_result *res);

#endif
