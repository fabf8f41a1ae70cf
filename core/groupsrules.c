#include "groupsrules.h"

#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "causes.h"
#include "finding.h"
#include "result.h"

enum ew_scope ew_token_scope(unsigned t)
{
	if (t & EW_GT_BUILTIN)
		return EW_SCOPE_BUILTIN;
	if (t & EW_GT_GLOBAL)
		return EW_SCOPE_GLOBAL;
	if (t & EW_GT_DOMAIN_LOCAL)
		return EW_SCOPE_DOMAIN_LOCAL;
	if (t & EW_GT_UNIVERSAL)
		return EW_SCOPE_UNIVERSAL;
	return EW_SCOPE_UNKNOWN;
}

const char *ew_scope_name(enum ew_scope s)
{
	switch (s) {
	case EW_SCOPE_GLOBAL: return "global";
	case EW_SCOPE_DOMAIN_LOCAL: return "domain local";
	case EW_SCOPE_UNIVERSAL: return "universal";
	case EW_SCOPE_BUILTIN: return "builtin";
	default: return "unknown";
	}
}

void ew_token_count(const struct ew_sid *account_domain, const struct ew_token_group *g,
		    size_t n, unsigned sid_history, struct ew_token_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->sid_history = sid_history;
	for (i = 0; i < n; i++) {
		int in = account_domain && ew_sid_is_domain_of(account_domain, &g[i].sid);

		if (!g[i].resolved && g[i].not_looked_up) {
			/* In the token (tokenGroups says so), of unknown scope. */
			c->not_looked_up++;
			c->token_sids++;
			continue;
		}
		if (!g[i].resolved) {
			if (in)
				c->unresolved_in++;
			else
				c->unresolved_out++;
			c->token_sids++;
			continue;
		}
		if (!(g[i].group_type & EW_GT_SECURITY)) {
			c->distribution++;
			continue;
		}
		c->token_sids++;
		switch (ew_token_scope(g[i].group_type)) {
		case EW_SCOPE_BUILTIN: c->builtin++; break;
		case EW_SCOPE_GLOBAL: c->global++; break;
		case EW_SCOPE_DOMAIN_LOCAL: c->domain_local++; break;
		case EW_SCOPE_UNIVERSAL:
			if (in)
				c->universal_in++;
			else
				c->universal_out++;
			break;
		default:
			c->unresolved_in++;
		}
	}
	/* The user's own SID is in every token too (tokenGroups holds the primary group). */
	c->token_sids += 1 + sid_history;
}

/*
 * Unresolved SIDs: counted at 40 bytes (the worse case), so the estimate is
 * never low. SIDs not looked up: at 8, the least (see ew_token_estimate_unknown).
 */
long ew_token_estimate_legacy(const struct ew_token_counts *c, int delegation)
{
	long d = (long)c->domain_local + c->builtin + c->universal_out + c->sid_history +
		 c->unresolved_in + c->unresolved_out;
	long s = (long)c->global + c->universal_in + c->not_looked_up;
	long size = 1200 + 40 * d + 8 * s;

	return delegation ? 2 * size : size;
}

long ew_token_estimate_2012(const struct ew_token_counts *c, int delegation)
{
	long d = (long)c->universal_out + c->sid_history + c->unresolved_out;
	long s = (long)c->global + c->universal_in + c->domain_local + c->builtin +
		 c->unresolved_in + c->not_looked_up;
	long size = 1200 + 40 * d + 8 * s;

	return delegation ? 2 * size : size;
}

long ew_token_estimate_unknown(const struct ew_token_counts *c, int delegation)
{
	long extra = 32L * c->not_looked_up;

	return delegation ? 2 * extra : extra;
}

unsigned ew_token_lsa_sids(const struct ew_token_counts *c)
{
	return c->token_sids + EW_LSA_WELL_KNOWN;
}

void ew_token_rule_count(const struct ew_token_counts *c, const char *user,
			 struct ew_step_result *res)
{
	struct ew_finding *f;

	unsigned total = c->global + c->domain_local + c->universal_in + c->universal_out +
			 c->builtin + c->unresolved_in + c->unresolved_out + c->not_looked_up;

	if (c->not_looked_up)
		f = ew_finding_new(EW_CK_TOK_COUNT, EW_INFO, "%s is in %u security groups "
				   "(transitively); %u of them could not be looked up",
				   user ? user : "The user", total, c->not_looked_up);
	else
		f = ew_finding_new(EW_CK_TOK_COUNT, EW_INFO, "%s is in %u security groups "
				   "(transitively)", user ? user : "The user", total);
	if (f == NULL)
		return;
	ew_finding_evidence(f, "global %u, domain local %u, universal %u in the account "
			    "domain + %u outside, builtin %u", c->global, c->domain_local,
			    c->universal_in, c->universal_out, c->builtin);
	if (c->sid_history)
		ew_finding_evidence(f, "sIDHistory: %u SIDs", c->sid_history);
	if (c->unresolved_in + c->unresolved_out)
		ew_finding_evidence(f, "not resolved (foreign or deleted): %u in the domain, %u "
				    "outside (counted where they cost most: 40 bytes, or 8 inside "
				    "the domain by the 2012 rules)", c->unresolved_in,
				    c->unresolved_out);
	if (c->not_looked_up)
		ew_finding_evidence(f, "not looked up (the lookup failed): %u, of unknown "
				    "scope; not counted as foreign or deleted", c->not_looked_up);
	if (c->distribution)
		ew_finding_evidence(f, "distribution groups (not in the token): %u",
				    c->distribution);
	ew_step_result_add(res, f);
}

static enum ew_severity size_severity(long legacy, long modern)
{
	if (legacy > EW_TOKEN_HARD_MAX || modern > EW_TOKEN_2012_MAX)
		return EW_FAIL;
	if (legacy > EW_TOKEN_LEGACY_MAX)
		return EW_WARN;
	return EW_PASS;
}

static void size_detail(struct ew_finding *f, enum ew_severity sev, const char *user)
{
	ew_finding_detail(f, "%s carries a Kerberos token larger than %s. Clients with "
			  "the default MaxTokenSize cannot build it: logons and "
			  "Kerberos to services fail (\"Kerberos authentication failed\", "
			  "HTTP 400 with a large header), and Outlook falls back to NTLM.",
			  user ? user : "The user", sev == EW_WARN ?
			  "12,000 bytes (the default of Windows 7 / 2008 R2 and earlier)" :
			  "the limit");
	ew_finding_remedy(f, "Remove the user from groups not needed (nested groups "
			  "count too; domain local groups cost the most), clean up "
			  "sIDHistory, or raise MaxTokenSize (REG_DWORD under "
			  "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\Kerberos\\"
			  "Parameters, at most 65535) on clients and servers (KB327825).");
}

/*
 * The sums behind the two estimates, as evidence; with group SIDs not looked
 * up, their part and the range it makes (extra: the most they can add).
 */
static void size_evidence(struct ew_finding *f, const struct ew_token_counts *c, int delegation,
			  long legacy, long modern, long extra)
{
	unsigned nl = c->not_looked_up;
	const char *dbl = delegation ? ", doubled for delegation" : "";
	char unk[64] = "", lr[64], mr[64];

	if (nl) {
		snprintf(unk, sizeof(unk), " + 8 to 40 x %u (not looked up)", nl);
		snprintf(lr, sizeof(lr), "%ld to %ld", legacy, legacy + extra);
		snprintf(mr, sizeof(mr), "%ld to %ld", modern, modern + extra);
	} else {
		snprintf(lr, sizeof(lr), "%ld", legacy);
		snprintf(mr, sizeof(mr), "%ld", modern);
	}
	ew_finding_evidence(f, "2008 R2 and earlier: 1200 + 40 x %u (domain local, builtin, "
			    "universal outside, sIDHistory, unresolved) + 8 x %u (global, "
			    "universal inside)%s%s = %s",
			    c->domain_local + c->builtin + c->universal_out + c->sid_history +
			    c->unresolved_in + c->unresolved_out, c->global + c->universal_in,
			    unk, dbl, lr);
	ew_finding_evidence(f, "2012 and later: 1200 + 40 x %u (universal outside, "
			    "sIDHistory) + 8 x %u (global, domain local, universal inside, "
			    "builtin)%s%s = %s", c->universal_out + c->sid_history + c->unresolved_out,
			    c->global + c->universal_in + c->domain_local + c->builtin +
			    c->unresolved_in, unk, dbl, mr);
}

/*
 * Over HTTP the token travels base64-encoded in the Authorization header:
 * 4 bytes for each 3 (KB2020943); over http.sys MaxFieldLength and
 * MaxRequestBytes (16,384 by default) the server answers HTTP 400. An
 * evidence line when the estimate (by the rules named) gets there.
 */
static void http_evidence(struct ew_finding *f, long token, const char *rules)
{
	long header = (token * 4 + 2) / 3;	/* rounded up, as the fix of token-too-large */

	if (header <= EW_HTTP_HEADER_MAX)
		return;
	ew_finding_evidence(f, "over HTTP (OWA, EWS, MAPI over HTTP, Outlook Anywhere) the "
			    "token goes base64-encoded in the Authorization header: 4/3 x %ld "
			    "(%s) = %ld bytes, over http.sys MaxFieldLength and MaxRequestBytes "
			    "(16,384 by default): HTTP 400 \"Request Header Too Long\" "
			    "(KB2020943)", token, rules, header);
}

/* TOK-SIZE when some SIDs could not be looked up: the estimate is a range. */
static void rule_size_range(const struct ew_token_counts *c, int delegation, const char *user,
			    struct ew_step_result *res)
{
	long legacy = ew_token_estimate_legacy(c, delegation);
	long modern = ew_token_estimate_2012(c, delegation);
	long extra = ew_token_estimate_unknown(c, delegation);
	enum ew_severity low = size_severity(legacy, modern);
	enum ew_severity high = size_severity(legacy + extra, modern + extra);
	enum ew_severity sev;
	struct ew_finding *f;
	unsigned nl = c->not_looked_up;

	/* Over a limit at its least, or within them at its most; else not known. */
	sev = low != EW_PASS ? low : high == EW_PASS ? EW_PASS : EW_SKIP;
	if (sev == EW_PASS)
		f = ew_finding_new(EW_CK_TOK_SIZE, sev, "Token estimate at most %ld bytes (2008 R2 "
				   "rules), %ld (2012 rules): within the limits, though %u group "
				   "SIDs could not be looked up", legacy + extra, modern + extra,
				   nl);
	else if (sev == EW_WARN)
		f = ew_finding_new(EW_CK_TOK_SIZE, sev, "Token estimate at least %ld bytes (2008 R2 "
				   "rules) exceeds MaxTokenSize 12,000 of older Windows; %u group "
				   "SIDs could not be looked up, so it may be larger", legacy, nl);
	else if (sev == EW_FAIL)
		f = ew_finding_new(EW_CK_TOK_SIZE, sev, "Token estimate at least %ld bytes (2008 R2 "
				   "rules), %ld (2012 rules): over the limit; %u group SIDs could "
				   "not be looked up, so it may be larger", legacy, modern, nl);
	else
		f = ew_finding_new(EW_CK_TOK_SIZE, sev, "Token size not known: %u group SIDs could "
				   "not be looked up (between %ld and %ld bytes by the 2008 R2 "
				   "rules)", nl, legacy, legacy + extra);
	if (f == NULL)
		return;
	size_evidence(f, c, delegation, legacy, modern, extra);
	if (sev == EW_WARN || sev == EW_FAIL)
		http_evidence(f, legacy, "at least, 2008 R2 rules");
	if (sev == EW_WARN || sev == EW_FAIL) {
		ew_finding_set_cause(f, EW_CAUSE_TOKEN_TOO_LARGE);
		size_detail(f, sev, user);
	}
	else if (sev == EW_SKIP)
		ew_finding_remedy(f, "Run the step again to look every group up; TOK-COUNT "
				  "says why the lookups failed.");
	ew_step_result_add(res, f);
}

void ew_token_rule_size(const struct ew_token_counts *c, int delegation, const char *user,
			struct ew_step_result *res)
{
	long legacy = ew_token_estimate_legacy(c, delegation);
	long modern = ew_token_estimate_2012(c, delegation);
	enum ew_severity sev;
	struct ew_finding *f;

	if (c->not_looked_up) {
		rule_size_range(c, delegation, user, res);
		return;
	}
	sev = size_severity(legacy, modern);
	f = ew_finding_new(EW_CK_TOK_SIZE, sev, sev == EW_PASS ?
			   "Token estimate %ld bytes (2008 R2 rules), %ld (2012 rules): within "
			   "the limits" : sev == EW_WARN ?
			   "Token estimate %ld bytes (2008 R2 rules) exceeds MaxTokenSize 12,000 "
			   "of older Windows; %ld by the 2012 rules" :
			   "Token estimate %ld bytes (2008 R2 rules), %ld (2012 rules): over the "
			   "limit", legacy, modern);
	if (f == NULL)
		return;
	size_evidence(f, c, delegation, legacy, modern, 0);
	if ((modern * 4 + 2) / 3 > EW_HTTP_HEADER_MAX)
		http_evidence(f, modern, "2012 rules");
	else
		http_evidence(f, legacy, "2008 R2 rules");
	if (sev != EW_PASS) {
		ew_finding_set_cause(f, EW_CAUSE_TOKEN_TOO_LARGE);
		size_detail(f, sev, user);
	}
	ew_step_result_add(res, f);
}

void ew_token_rule_lsa(const struct ew_token_counts *c, const char *user,
		       struct ew_step_result *res)
{
	unsigned n = ew_token_lsa_sids(c);
	struct ew_finding *f;

	if (n > EW_LSA_MAX)
		f = ew_finding_new(EW_CK_TOK_LSA, EW_FAIL, "%u SIDs in the access token of %s: over "
				   "the limit of 1,024 (KB328889)", n, user ? user : "the user");
	else if (n > EW_LSA_WARN)
		f = ew_finding_new(EW_CK_TOK_LSA, EW_WARN, "%u SIDs in the access token of %s: close "
				   "to the limit of 1,024", n, user ? user : "the user");
	else
		f = ew_finding_new(EW_CK_TOK_LSA, EW_PASS, "%u SIDs in the access token (limit "
				   "1,024)", n);
	if (f == NULL)
		return;
	ew_finding_evidence(f, "%u group and user SIDs + about %u the LSA adds at logon "
			    "(Everyone, Authenticated Users, logon type, ...)", c->token_sids,
			    EW_LSA_WELL_KNOWN);
	if (f->severity == EW_FAIL) {
		ew_finding_set_cause(f, EW_CAUSE_SID_LIMIT);
		ew_finding_detail(f, "Windows refuses the logon: \"During a logon attempt, the "
				  "user's security context accumulated too many security IDs\" "
				  "(event 4 / LSASRV 40960 on the client).");
		ew_finding_remedy(f, "Take the user out of groups (nested ones count) until the "
				  "token holds fewer than 1,010 SIDs; no registry value raises "
				  "this limit.");
	}
	ew_step_result_add(res, f);
}

void ew_token_rule_measured(long estimate, size_t tgt, size_t service, int tcp_blocked,
			    struct ew_step_result *res)
{
	struct ew_finding *f;
	char est[64];

	if (tgt == 0 && service == 0) {
		ew_step_result_add(res, ew_finding_new(EW_CK_TOK_MEASURED, EW_SKIP, "No ticket of "
						       "this user to measure (no TGT in the cache)"));
		return;
	}
	if (estimate >= 0)
		snprintf(est, sizeof(est), "estimate %ld", estimate);
	else
		snprintf(est, sizeof(est), "no estimate (groups not looked up)");
	f = ew_finding_new(EW_CK_TOK_MEASURED, tcp_blocked && (tgt > EW_UDP_LIMIT ||
							   service > EW_UDP_LIMIT) ?
			   EW_WARN : EW_INFO, "Measured: TGT %zu bytes%s; %s; UDP limit %d",
			   tgt, service ? ", a service ticket" : "", est, EW_UDP_LIMIT);
	if (f == NULL)
		return;
	if (f->severity == EW_WARN)
		ew_finding_set_cause(f, EW_CAUSE_KDC_TCP_BLOCKED);
	if (service)
		ew_finding_evidence(f, "a service ticket: %zu bytes", service);
	if (tgt > EW_UDP_LIMIT || service > EW_UDP_LIMIT)
		ew_finding_detail(f, "Tickets larger than the UDP limit make Kerberos run over "
				  "TCP%s.", tcp_blocked ? ", and TCP/88 is blocked" : "");
	ew_step_result_add(res, f);
}
