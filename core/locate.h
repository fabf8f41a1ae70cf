/*
 * locate.h - where a domain's service runs: its SRV records asked of every
 * resolver this machine uses (those Kerberos and the host lookups go to, not
 * --dns-server), all at once and bounded, the targets in the order a client
 * tries them, and each target's addresses. One lookup for the DC and the
 * global catalog (dirsession.c), the KDCs the tickets step probes and the
 * KDCs kinit is pinned to (krb.c).
 *
 * Order: lowest priority first, then the highest weight (RFC 2782, without
 * its random draw, so that a report says the same each time); records alike
 * in both keep the order the resolvers gave them, resolver by resolver as
 * resolv.conf lists them. A target named twice is one target. A record whose
 * target is "." or whose port is 0 says the service is not offered there and
 * gives no target.
 *
 * Addresses are IPv4 (A records), all those of the first resolver that knows
 * the name; a target that is an address already is taken as it is. When that
 * answer came through a CNAME chain, the target keeps the name the chain
 * leads to (its canonical name: the one a Kerberos client builds the SPN
 * from).
 *
 * Merging answers into targets and addresses is pure (ew_locate_add,
 * ew_locate_merge_srv, ew_locate_merge_addrs; unit-tested without a network);
 * ew_locate_ask, ew_locate_srv and ew_locate_addresses ask.
 */
#ifndef EW_LOCATE_H
#define EW_LOCATE_H

#include <stddef.h>

#include "dns.h"

#define EW_LOCATE_NAMES 2	/* SRV names asked together (_kerberos._udp and _tcp) */
#define EW_LOCATE_MAX 16	/* targets kept at most */

struct ew_locate_target {
	char *host;			/* as the SRV record (or the caller) names it */
	unsigned port[EW_LOCATE_NAMES];	/* by SRV name asked; 0: not named by it */
	unsigned priority, weight;	/* of its record that comes first */
	char **addrs;			/* its addresses, as answered */
	size_t naddrs;
	char *why;			/* no address: why ("HOST A @SERVER: timeout") */
	char *canonical;		/* the last name of the CNAME chain its addresses
					   came through; NULL: no CNAME */
};

/* Owned by the caller: ew_locate_clear frees it. Zeroed is empty. */
struct ew_locate {
	struct ew_locate_target *t;
	size_t n;
	char error[256];	/* no target from SRV: why ("NAME SRV @SERVER: nxdomain") */
};

struct ew_locate_opts {
	struct ew_dns_opts dns;	/* per question: timeout, tries; the run's cancel flag or NULL */
	size_t max;		/* targets kept (0: EW_LOCATE_MAX) */
	/*
	 * Only the targets of the first resolver that names any, as the
	 * resolver library would use (kinit's pins); else every resolver's,
	 * merged (a DC one resolver knows is still a DC).
	 */
	int first_resolver;
};

void ew_locate_clear(struct ew_locate *l);

/*
 * A target (host, its port by SRV name, its record's priority and weight),
 * or more ports for one already there: a port not 0 replaces the one kept.
 * 1 added, 0 merged, -1 full (max) or out of memory.
 */
int ew_locate_add(struct ew_locate *l, const char *host, const unsigned port[EW_LOCATE_NAMES],
		  unsigned priority, unsigned weight, size_t max);

/*
 * SRV results (names[k] asked gives port[k]) into targets, ordered as above,
 * after those already there. The number of targets added; with none, why in
 * l->error (the first resolver that failed), unless l->error says already.
 */
size_t ew_locate_merge_srv(struct ew_locate *l, struct ew_dns_result *const *rs, size_t n,
			   const char *const *names, size_t nnames,
			   const struct ew_locate_opts *o);

/* A results into the addresses of targets that have none (by name, first
 * resolver that answers), with the canonical name when that answer followed
 * a CNAME chain; a target left without one gets its why. */
void ew_locate_merge_addrs(struct ew_locate *l, struct ew_dns_result *const *rs, size_t n);

/* Targets that are an IPv4 or IPv6 address: that address, asked of no one. */
void ew_locate_literals(struct ew_locate *l);

/*
 * Ask each question (names[q], types[q]) of every resolver of this machine,
 * all at once, bounded by o. Up to max results in rs, resolver by resolver
 * (the caller frees them); their number.
 */
size_t ew_locate_ask(const char *const *names, const int *types, size_t nq,
		     const struct ew_dns_opts *o, struct ew_dns_result **rs, size_t max);

/* Ask the SRV names and merge the answers (ew_locate_merge_srv). */
size_t ew_locate_srv(struct ew_locate *l, const char *const *names, size_t nnames,
		     const struct ew_locate_opts *o);

/* The addresses of every target that has none, in one round of questions. */
void ew_locate_addresses(struct ew_locate *l, const struct ew_locate_opts *o);

#endif
