/*
 * dnsrules.h - the verdicts of the DNS step, as pure functions from DNS
 * results (and what the machine says of its caches and realm mapping) to
 * findings, so that they are tested without a network. Check ids: DNS-SRV,
 * DNS-SERVERS, DNS-TARGETS, DNS-TC, DNS-CACHE, DNS-REALM, DNS-AUTODISCOVER.
 */
#ifndef EW_DNSRULES_H
#define EW_DNSRULES_H

#include <stddef.h>

#include "dns.h"

/* The source of a DNS server the Windows client asks (its ipconfig /all,
 * given with --client-file) and this machine does not. */
#define EW_DNS_SOURCE_WINDOWS "windows-client"

struct ew_step_result;
struct ew_cache;

/* The SRV records domain controller location needs (CHECKS.md, DNS-SRV). */
struct ew_srv_name {
	const char *prefix;	/* "_ldap._tcp.dc._msdcs." then the domain or forest */
	int forest;		/* the forest root follows, not the domain */
	int critical;		/* missing everywhere: fail (else warn) */
};
extern const struct ew_srv_name ew_srv_names[];
extern const size_t ew_nsrv_names;

struct ew_dns_server_info {
	const char *addr;	/* as in results' server */
	const char *source;	/* "resolv.conf", "option", "dc" or EW_DNS_SOURCE_WINDOWS */
};

struct ew_dns_view {
	const char *domain;
	const char *forest;
	const char *realm;
	const struct ew_dns_server_info *servers;
	size_t nservers;
	struct ew_dns_result *const *results;
	size_t nresults;
};

/* What krb5 says about an Exchange host's realm (DNS-REALM). */
struct ew_realm_probe {
	const char *host;
	const char *mit_realm;	/* krb5_get_host_realm; "" = referral (no mapping) */
	const char *fallback;	/* krb5_get_fallback_host_realm, or NULL */
};

/* A result for (name, type) from that server, or NULL. */
struct ew_dns_result *ew_dns_view_find(const struct ew_dns_view *v, const char *name,
				       int type, const char *server);
/* Is the server one a client of this machine asks (not a DC asked directly)? */
int ew_dns_view_is_client(const struct ew_dns_view *v, const char *server);

void ew_dns_rule_srv(const struct ew_dns_view *v, struct ew_step_result *res);
void ew_dns_rule_servers(const struct ew_dns_view *v, struct ew_step_result *res);
void ew_dns_rule_targets(const struct ew_dns_view *v, const char *const *names,
			 size_t nnames, int rdns, struct ew_step_result *res);
void ew_dns_rule_tc(const struct ew_dns_view *v, struct ew_step_result *res);
void ew_dns_rule_autodiscover(const struct ew_dns_view *v, struct ew_step_result *res);
void ew_dns_rule_realm(const struct ew_dns_view *v, const struct ew_realm_probe *p,
		       size_t n, struct ew_step_result *res);
/*
 * Caches: what sits where, and whether a cached answer differs from the
 * DCs' own. flushed[i] is 1 if cache i was flushed (results are then the
 * answers after the flush), -1 if a flush failed, 0 if none was asked.
 */
void ew_dns_rule_cache(const struct ew_dns_view *v, const struct ew_cache *caches,
		       size_t ncaches, const int *flushed, struct ew_step_result *res);

/* The domain part of a host name ("region1.exwiz.test" of fe1.region1...), or NULL. */
const char *ew_dns_suffix(const char *host);

#endif
