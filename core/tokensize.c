#include "tokensize.h"

#include <stdio.h>
#include <string.h>

#include "finding.h"
#include "step.h"

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

/* Unresolved SIDs: counted at 40 bytes (the worse case), so the estimate is never low. */
long ew_token_estimate_legacy(const struct ew_token_counts *c, int delegation)
{
	long d = (long)c->domain_local + c->builtin + c->universal_out + c->sid_history +
		 c->unresolved_in + c->unresolved_out;
	long s = (long)c->global + c->universal_in;
	long size = 1200 + 40 * d + 8 * s;

	return delegation ? 2 * size : size;
}

long ew_token_estimate_2012(const struct ew_token_counts *c, int delegation)
{
	long d = (long)c->universal_out + c->sid_history + c->unresolved_out;
	long s = (long)c->global + c->universal_in + c->domain_local + c->builtin +
		 c->unresolved_in;
	long size = 1200 + 40 * d + 8 * s;

	return delegation ? 2 * size : size;
}

unsigned ew_token_lsa_sids(const struct ew_token_counts *c)
{
	return c->token_sids + EW_LSA_WELL_KNOWN;
}

void ew_token_rule_count(const struct ew_token_counts *c, const char *user,
			 struct ew_step_result *res)
{
	struct ew_finding *f;

	f = ew_finding_new("TOK-COUNT", EW_INFO, "%s is in %u security groups (transitively)",
			   user ? user : "The user",
			   c->global + c->domain_local + c->universal_in + c->universal_out +
			   c->builtin + c->unresolved_in + c->unresolved_out);
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
	if (c->distribution)
		ew_finding_evidence(f, "distribution groups (not in the token): %u",
				    c->distribution);
	ew_step_result_add(res, f);
}

void ew_token_rule_size(const struct ew_token_counts *c, int delegation, const char *user,
			struct ew_step_result *res)
{
	long legacy = ew_token_estimate_legacy(c, delegation);
	long modern = ew_token_estimate_2012(c, delegation);
	enum ew_severity sev = EW_PASS;
	struct ew_finding *f;

	if (legacy > EW_TOKEN_HARD_MAX || modern > EW_TOKEN_2012_MAX)
		sev = EW_FAIL;
	else if (legacy > EW_TOKEN_LEGACY_MAX)
		sev = EW_WARN;
	f = ew_finding_new("TOK-SIZE", sev, sev == EW_PASS ?
			   "Token estimate %ld bytes (2008 R2 rules), %ld (2012 rules): within "
			   "the limits" : sev == EW_WARN ?
			   "Token estimate %ld bytes (2008 R2 rules) exceeds MaxTokenSize 12,000 "
			   "of older Windows; %ld by the 2012 rules" :
			   "Token estimate %ld bytes (2008 R2 rules), %ld (2012 rules): over the "
			   "limit", legacy, modern);
	if (f == NULL)
		return;
	ew_finding_evidence(f, "2008 R2 and earlier: 1200 + 40 x %u (domain local, builtin, "
			    "universal outside, sIDHistory, unresolved) + 8 x %u (global, "
			    "universal inside)%s = %ld",
			    c->domain_local + c->builtin + c->universal_out + c->sid_history +
			    c->unresolved_in + c->unresolved_out, c->global + c->universal_in,
			    delegation ? ", doubled for delegation" : "", legacy);
	ew_finding_evidence(f, "2012 and later: 1200 + 40 x %u (universal outside, "
			    "sIDHistory) + 8 x %u (global, domain local, universal inside, "
			    "builtin)%s = %ld", c->universal_out + c->sid_history + c->unresolved_out,
			    c->global + c->universal_in + c->domain_local + c->builtin +
			    c->unresolved_in, delegation ? ", doubled for delegation" : "", modern);
	if (sev != EW_PASS) {
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
	ew_step_result_add(res, f);
}

void ew_token_rule_lsa(const struct ew_token_counts *c, const char *user,
		       struct ew_step_result *res)
{
	unsigned n = ew_token_lsa_sids(c);
	struct ew_finding *f;

	if (n > EW_LSA_MAX)
		f = ew_finding_new("TOK-LSA", EW_FAIL, "%u SIDs in the access token of %s: over "
				   "the limit of 1,024 (KB328889)", n, user ? user : "the user");
	else if (n > EW_LSA_WARN)
		f = ew_finding_new("TOK-LSA", EW_WARN, "%u SIDs in the access token of %s: close "
				   "to the limit of 1,024", n, user ? user : "the user");
	else
		f = ew_finding_new("TOK-LSA", EW_PASS, "%u SIDs in the access token (limit "
				   "1,024)", n);
	if (f == NULL)
		return;
	ew_finding_evidence(f, "%u group and user SIDs + about %u the LSA adds at logon "
			    "(Everyone, Authenticated Users, logon type, ...)", c->token_sids,
			    EW_LSA_WELL_KNOWN);
	if (f->severity == EW_FAIL) {
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

	if (tgt == 0 && service == 0) {
		ew_step_result_add(res, ew_finding_new("TOK-MEASURED", EW_SKIP, "No ticket of "
						       "this user to measure (no TGT in the cache)"));
		return;
	}
	f = ew_finding_new("TOK-MEASURED", tcp_blocked && (tgt > EW_UDP_LIMIT ||
							   service > EW_UDP_LIMIT) ?
			   EW_WARN : EW_INFO, "Measured: TGT %zu bytes%s; estimate %ld; UDP "
			   "limit %d", tgt, service ? ", a service ticket" : "", estimate,
			   EW_UDP_LIMIT);
	if (f == NULL)
		return;
	if (service)
		ew_finding_evidence(f, "a service ticket: %zu bytes", service);
	if (tgt > EW_UDP_LIMIT || service > EW_UDP_LIMIT)
		ew_finding_detail(f, "Tickets larger than the UDP limit make Kerberos run over "
				  "TCP%s.", tcp_blocked ? ", and TCP/88 is blocked" : "");
	ew_step_result_add(res, f);
}
