/*
 * groupsrules.h - the groups step's rules: how big a user's Kerberos token
 * is: the groups that enter it counted by scope (from groupType and the
 * domain SID), the two estimates of KB327825 (Windows Server 2008 R2 and
 * earlier; 2012 and later), doubled for accounts trusted for delegation,
 * the SIDs in the LSA access token (KB328889), and the verdicts TOK-COUNT,
 * TOK-SIZE, TOK-LSA, TOK-MEASURED. All pure.
 */
#ifndef EW_GROUPSRULES_H
#define EW_GROUPSRULES_H

#include <stddef.h>

#include "sid.h"

/* groupType bits */
#define EW_GT_BUILTIN 0x1u
#define EW_GT_GLOBAL 0x2u
#define EW_GT_DOMAIN_LOCAL 0x4u
#define EW_GT_UNIVERSAL 0x8u
#define EW_GT_SECURITY 0x80000000u

/* Limits. */
#define EW_TOKEN_LEGACY_MAX 12000	/* MaxTokenSize default up to 2008 R2 / Windows 7 */
#define EW_TOKEN_2012_MAX 48000		/* default from Windows Server 2012 */
#define EW_TOKEN_HARD_MAX 65535
#define EW_HTTP_HEADER_MAX 16384	/* http.sys MaxFieldLength, MaxRequestBytes default */
#define EW_LSA_WARN 900
#define EW_LSA_MAX 1010			/* 1,024 minus room for the logon SIDs */
#define EW_LSA_WELL_KNOWN 14		/* SIDs the LSA adds at logon */
#define EW_UDP_LIMIT 1465

enum ew_scope {
	EW_SCOPE_GLOBAL,
	EW_SCOPE_DOMAIN_LOCAL,
	EW_SCOPE_UNIVERSAL,
	EW_SCOPE_BUILTIN,
	EW_SCOPE_UNKNOWN,	/* not resolved (foreign or deleted) */
};

struct ew_token_group {
	struct ew_sid sid;
	int resolved;		/* groupType below is known */
	unsigned group_type;
	const char *name;	/* may be NULL */
	int not_looked_up;	/* not resolved because the lookup failed (not
				 * because the directory has no such group) */
};

struct ew_token_counts {
	unsigned global, domain_local, universal_in, universal_out, builtin;
	unsigned sid_history, distribution, unresolved_in, unresolved_out;
	unsigned not_looked_up;	/* in the token, scope unknown: the lookup failed */
	unsigned token_sids;	/* group SIDs that enter the token (with the primary group) plus the user's */
};

enum ew_scope ew_token_scope(unsigned group_type);
const char *ew_scope_name(enum ew_scope s);

/*
 * Count the groups by what enters the token. account_domain is the user's
 * domain SID; a SID outside it is "out". Distribution groups are counted
 * apart and left out. Unresolved SIDs (looked up, not found: foreign or
 * deleted) are counted in the worse place (40 bytes each). SIDs whose lookup
 * failed are counted apart (not_looked_up): nothing is known of their scope.
 */
void ew_token_count(const struct ew_sid *account_domain, const struct ew_token_group *g,
		    size_t n, unsigned sid_history, struct ew_token_counts *out);

/*
 * KB327825: TokenSize = 1200 + 40d + 8s; doubled if trusted for delegation.
 * A SID not looked up is counted at 8 bytes, the least it can cost: with
 * any, the estimate is a lower bound, and ew_token_estimate_unknown() is
 * the most they can add to it (32 bytes more each, doubled for delegation).
 */
long ew_token_estimate_legacy(const struct ew_token_counts *c, int delegation);
long ew_token_estimate_2012(const struct ew_token_counts *c, int delegation);
long ew_token_estimate_unknown(const struct ew_token_counts *c, int delegation);
/* SIDs in the access token: the token SIDs plus those the LSA adds. */
unsigned ew_token_lsa_sids(const struct ew_token_counts *c);

struct ew_step_result;

/*
 * With SIDs not looked up, TOK-COUNT says how many, and TOK-SIZE works from
 * the range the estimate can be in: a pass only when its upper end is within
 * the limits, a warn or fail only when its lower end is over them (stated as
 * "at least"), else a skip that gives the range.
 */
void ew_token_rule_count(const struct ew_token_counts *c, const char *user,
			 struct ew_step_result *res);
void ew_token_rule_size(const struct ew_token_counts *c, int delegation, const char *user,
			struct ew_step_result *res);
void ew_token_rule_lsa(const struct ew_token_counts *c, const char *user,
		       struct ew_step_result *res);
/* measured_tgt 0: unknown. estimate < 0: not known. tcp_blocked: TCP/88 known to be closed. */
void ew_token_rule_measured(long estimate, size_t measured_tgt, size_t measured_service,
			    int tcp_blocked, struct ew_step_result *res);

#endif
