/*
 * exchstep.h - the Exchange organization as the tickets step needs it,
 * gathered: the servers of the configuration partition (cn, serialNumber,
 * msExchVersion, networkAddress) and their Autodiscover service connection
 * points, read over one directory connection to a DC; the addresses of the
 * -x names, of the servers and of the SCP hosts, in one round of DNS
 * questions; and, for the load-balanced names, the accounts that hold HTTP/
 * SPNs of the members' names (the alternate service accounts). The verdicts
 * are exchrules.c's.
 */
#ifndef EW_EXCHSTEP_H
#define EW_EXCHSTEP_H

#include <stddef.h>

#include "exchrules.h"

struct ew_run;
struct ew_dir_result;

#define EW_EXCH_MAX_SERVERS 64
#define EW_EXCH_MAX_SCPS 64
#define EW_EXCH_MAX_NAMES 16

struct ew_exch_host {
	char *name;
	char **addrs;
	size_t naddrs;
	int resolves;		/* 1 an address, 0 NXDOMAIN/NODATA, -1 not known */
	char *why;		/* resolves != 1: what the resolver said */
	char *canonical;	/* an alias: the name its CNAME chain leads to; NULL: none */
};

struct ew_exch_cfg {
	int read;			/* the configuration was read */
	char why[512];			/* !read: why not */
	struct {
		char *dn, *name, *fqdn, *serial, *msexchversion;
		struct ew_exch_version v;
		struct ew_exch_host *host;	/* of fqdn, borrowed from hosts */
	} s[EW_EXCH_MAX_SERVERS];
	size_t n;
	struct {
		char *server, *url, *site;	/* server: cn of its server object */
		struct ew_exch_host *host;	/* of the URL's host */
	} scp[EW_EXCH_MAX_SCPS];
	size_t nscp;
	struct ew_exch_host hosts[EW_EXCH_MAX_SERVERS + EW_EXCH_MAX_SCPS + EW_EXCH_MAX_NAMES];
	size_t nhosts;
};

/* Read the servers and SCPs (x zeroed first; x->why says why not read). */
void ew_exch_cfg_read(struct ew_run *run, struct ew_exch_cfg *x);
/* The host entry for name, added when new (NULL when full or out of memory). */
struct ew_exch_host *ew_exch_cfg_host(struct ew_exch_cfg *x, const char *name);
/* Resolve every host not asked yet, in one round. */
void ew_exch_cfg_resolve(struct ew_run *run, struct ew_exch_cfg *x);
/* The servers as exchrules.c takes them (addresses borrowed); their number. */
size_t ew_exch_cfg_servers(const struct ew_exch_cfg *x, struct ew_exch_server *out);
void ew_exch_cfg_clear(struct ew_exch_cfg *x);

/*
 * The alternate service accounts of a shared name: the computer accounts of
 * r (a search for HTTP/ holders, with sAMAccountName, dNSHostName and
 * servicePrincipalName) that are none of the members (member cn + "$") and
 * hold HTTP/ for a name that resolves to a member's address (hosts of x,
 * resolved; a name not among them is not judged). Up to max, strings
 * borrowed from r.
 */
size_t ew_exch_asas(const struct ew_dir_result *r, const struct ew_exch_cfg *x,
		    const char *const *member_addrs, size_t naddrs,
		    const char *const *members, size_t nmembers, const char **out, size_t max);
/* Every host of an HTTP/ SPN in r, added to x's hosts (to be resolved). */
void ew_exch_asa_hosts(const struct ew_dir_result *r, struct ew_exch_cfg *x);

#endif
