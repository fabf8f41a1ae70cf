#include "groupsstep.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "clientrules.h"
#include "datafields.h"
#include "dirsession.h"
#include "directory.h"
#include "finding.h"
#include "krb.h"
#include "sid.h"
#include "run.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"
#include "groupsrules.h"

#define BATCH 100		/* SIDs per OR filter */
#define MAX_GROUPS 20000
#define UAC_TRUSTED_FOR_DELEGATION 0x80000u

struct group {
	struct ew_token_group g;
	char *name;		/* cleaned sAMAccountName */
	char *dn;		/* raw DN, to follow memberOf */
	char **parents;		/* raw memberOf DNs */
	size_t nparents;
	int depth;		/* 1: direct; 0: not reached */
	int via;		/* index of the group it was reached through, -1: the user */
};

struct groups {
	struct group *v;
	size_t n;
};

static void groups_free(struct groups *gs)
{
	size_t i, k;

	for (i = 0; i < gs->n; i++) {
		free(gs->v[i].name);
		free(gs->v[i].dn);
		for (k = 0; k < gs->v[i].nparents; k++)
			free(gs->v[i].parents[k]);
		free(gs->v[i].parents);
	}
	free(gs->v);
	gs->v = NULL;
	gs->n = 0;
}

static char *sid_filter(const struct ew_sid *s)
{
	unsigned char bin[8 + 4 * EW_SID_MAX_SUB];
	size_t n = ew_sid_to_binary(s, bin, sizeof(bin));
	char *esc, *f;

	if (n == 0)
		return NULL;
	esc = ew_dir_filter_escape((const char *)bin, n);
	if (esc == NULL)
		return NULL;
	f = ew_strprintf("(objectSid=%s)", esc);
	free(esc);
	return f;
}

static void take_group_entry(struct groups *gs, const struct ew_dir_entry *e)
{
	const struct ew_dir_attr *sid = ew_dir_entry_attr(e, "objectSid");
	const struct ew_dir_attr *gt = ew_dir_entry_attr(e, "groupType");
	const struct ew_dir_attr *nm = ew_dir_entry_attr(e, "sAMAccountName");
	const struct ew_dir_attr *mo = ew_dir_entry_attr(e, "memberOf");
	struct ew_sid s;
	size_t i, k;

	if (sid == NULL || sid->nvalues == 0 ||
	    ew_sid_parse_exact((const unsigned char *)sid->values[0].val, sid->values[0].len,
			       &s) != 0)
		return;
	for (i = 0; i < gs->n; i++) {
		struct group *g = &gs->v[i];

		if (g->g.resolved || !ew_sid_equal(&g->g.sid, &s))
			continue;
		g->g.resolved = gt && gt->nvalues;
		g->g.group_type = g->g.resolved ? (unsigned)strtol(gt->values[0].val, NULL, 10) : 0;
		g->name = ew_text_cleanz(nm && nm->nvalues ? ew_dir_text(&nm->values[0]) : e->dn);
		g->g.name = g->name;
		g->dn = strdup(e->dn);
		if (mo && mo->nvalues) {
			g->parents = calloc(mo->nvalues, sizeof(*g->parents));
			for (k = 0; g->parents && k < mo->nvalues; k++)
				if ((g->parents[g->nparents] = strdup(mo->values[k].val)) != NULL)
					g->nparents++;
		}
	}
}

/*
 * Why a search failed, without the search: msg is "search of BASE for FILTER:
 * why" (the filter of a batch is a hundred escaped SIDs, of no use to a reader).
 */
static const char *search_cause(const char *msg, const char *filter)
{
	const char *p = filter ? strstr(msg, filter) : NULL;

	if (p == NULL) {
		/* A long filter is given shortened: "...(N bytes): why". */
		p = strstr(msg, " bytes): ");
		return p ? p + 9 : msg;
	}
	p += strlen(filter);
	return strncmp(p, ": ", 2) == 0 ? p + 2 : msg;
}

/* Breadth first from the user's direct groups: depth and the way each is reached. */
static void nesting(struct groups *gs, char **direct, size_t ndirect)
{
	size_t i, k, p, level_items = 1;
	int depth;

	for (i = 0; i < gs->n; i++) {
		gs->v[i].depth = 0;
		gs->v[i].via = -1;
		for (k = 0; k < ndirect; k++)
			if (gs->v[i].dn && strcasecmp(gs->v[i].dn, direct[k]) == 0)
				gs->v[i].depth = 1;
	}
	for (depth = 1; level_items > 0 && depth < 64; depth++) {
		level_items = 0;
		for (i = 0; i < gs->n; i++) {
			if (gs->v[i].depth != depth)
				continue;
			for (p = 0; p < gs->v[i].nparents; p++) {
				for (k = 0; k < gs->n; k++) {
					if (gs->v[k].depth == 0 && gs->v[k].dn &&
					    strcasecmp(gs->v[k].dn, gs->v[i].parents[p]) == 0) {
						gs->v[k].depth = depth + 1;
						gs->v[k].via = (int)i;
						level_items++;
					}
				}
			}
		}
	}
}

static char *path_of(const struct groups *gs, size_t i)
{
	struct ew_buf b = {0};
	int k = (int)i, hops = 0;

	ew_buf_add(&b, "", 0);
	while (k >= 0 && hops++ < 64) {
		if (b.len)
			ew_buf_adds(&b, " < ");
		ew_buf_adds(&b, gs->v[k].name ? gs->v[k].name : "?");
		k = gs->v[k].via;
	}
	return ew_buf_take(&b);
}

/* The TGT of the user's cache and a service ticket of the private one. */
static void measure(const struct ew_target *t, const char *account, const char *priv,
		    size_t *tgt, size_t *svc)
{
	struct ew_krb_caches c;
	char err[256];
	size_t i, j;

	*tgt = *svc = 0;
	if (ew_krb_list(t->ccache, &c, err, sizeof(err)) == 0) {
		for (i = 0; i < c.n; i++) {
			char who[256];

			if (!c.caches[i].is_default || c.caches[i].principal == NULL)
				continue;
			ew_account_name(c.caches[i].principal, who, sizeof(who));
			if (strcasecmp(who, account) != 0)
				continue;
			for (j = 0; j < c.caches[i].ncreds; j++)
				if (c.caches[i].creds[j].is_tgt)
					*tgt = c.caches[i].creds[j].ticket_size;
		}
		ew_krb_caches_clear(&c);
	}
	if (priv && ew_krb_list(priv, &c, err, sizeof(err)) == 0) {
		for (i = 0; i < c.n; i++) {
			char who[256];

			if (c.caches[i].principal == NULL)
				continue;
			ew_account_name(c.caches[i].principal, who, sizeof(who));
			if (strcasecmp(who, account) != 0)
				continue;
			for (j = 0; j < c.caches[i].ncreds; j++)
				if (!c.caches[i].creds[j].is_tgt)
					*svc = c.caches[i].creds[j].ticket_size;
		}
		ew_krb_caches_clear(&c);
	}
}

int ew_groups_step(struct ew_run *run, struct ew_step_result *res)
{
	static const char *const user_attrs[] = { "objectSid", "sAMAccountName",
						  "userAccountControl", "sIDHistory",
						  "primaryGroupID", NULL };
	static const char *const tg_attrs[] = { "tokenGroups", NULL };
	static const char *const grp_attrs[] = { "objectSid", "sAMAccountName", "groupType",
						 "memberOf", NULL };
	struct ew_target *t = run->target;
	struct ew_dirsession c;
	struct ew_finding *why = NULL, *f;
	struct ew_dir_result *ur = NULL, *tr = NULL, **br = NULL;
	struct ew_dir_req *reqs = NULL;
	struct ew_dir_attr direct = {0};
	struct groups gs = {0};
	struct ew_token_counts counts;
	struct ew_sid user_sid, domain_sid;
	char account[256], err[512], sidtext[EW_SID_STRLEN];
	char **errs = NULL, **filters = NULL;
	const struct ew_dir_entry *ue;
	const struct ew_dir_attr *a;
	const char *base, *user_dn;
	size_t i, nb = 0, tgt = 0, svc = 0, nfailed = 0;
	char lookup_err[512];
	unsigned uac = 0, sid_history = 0;
	int complete = 0, delegation, via_chain = 0;
	long rt0;
	struct ew_groups_data data = {0};

	if (t->user == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_TOK_COUNT, EW_SKIP, "No user to look "
						       "at: give -u NAME"));
		return 0;
	}
	if (ew_dirsession_open(run, 0, EW_CK_TOK_COUNT, &c, &why) != 0) {
		data.bound = 1;
		ew_dirsession_credentials(run, NULL, &data.credentials);
		ew_step_data_put(res->data, ew_groups_data_to_json(&data));
		ew_groups_data_free(&data);
		ew_step_result_add(res, why);
		return 0;
	}
	data.bound = 1;
	ew_dirsession_credentials(run, &c, &data.credentials);
	rt0 = ew_dir_round_trips(c.dir);
	base = ew_dir_rootdse(c.dir, "defaultNamingContext");
	ew_account_name(t->user, account, sizeof(account));
	if (base == NULL || (ur = ew_dirsession_find_account(c.dir, base, t->user, user_attrs, NULL,
							  err, sizeof(err))) == NULL) {
		f = ew_finding_new(EW_CK_TOK_COUNT, EW_SKIP, "The user could not be looked up");
		if (f)
			ew_finding_evidence(f, "%s", base ? err : "no defaultNamingContext");
		ew_step_result_add(res, f);
		goto out;
	}
	if (ur->nentries == 0) {
		f = ew_finding_new(EW_CK_TOK_COUNT, EW_FAIL, "No user %s in the directory", t->user);
		if (f) {
			ew_finding_evidence(f, "searched %s for sAMAccountName %s or UPN %s", base,
					    account, t->user);
			ew_finding_remedy(f, "Check the name (-u takes the sAMAccountName or the "
					  "UPN).");
		}
		ew_step_result_add(res, f);
		goto out;
	}
	ue = &ur->entries[0];
	user_dn = ue->dn;
	a = ew_dir_entry_attr(ue, "objectSid");
	if (a == NULL || a->nvalues == 0 ||
	    ew_sid_parse_exact((const unsigned char *)a->values[0].val, a->values[0].len,
			       &user_sid) != 0 || ew_sid_domain(&user_sid, &domain_sid) != 0) {
		ew_step_result_add(res, ew_finding_new(EW_CK_TOK_COUNT, EW_SKIP, "The user's "
						       "objectSid cannot be read"));
		goto out;
	}
	a = ew_dir_entry_attr(ue, "userAccountControl");
	if (a && a->nvalues)
		uac = (unsigned)strtoul(a->values[0].val, NULL, 10);
	delegation = (uac & UAC_TRUSTED_FOR_DELEGATION) != 0;
	a = ew_dir_entry_attr(ue, "sIDHistory");
	sid_history = a ? (unsigned)a->nvalues : 0;

	/* tokenGroups: computed by the DC, base scope only. */
	if (ew_dir_search(c.dir, user_dn, LDAP_SCOPE_BASE, "(objectClass=*)", tg_attrs, NULL,
			  &tr, err, sizeof(err)) == 0 && tr->nentries &&
	    (a = ew_dir_entry_attr(&tr->entries[0], "tokenGroups")) != NULL && a->nvalues) {
		gs.v = calloc(a->nvalues, sizeof(*gs.v));
		for (i = 0; gs.v && i < a->nvalues && gs.n < MAX_GROUPS; i++)
			if (ew_sid_parse_exact((const unsigned char *)a->values[i].val,
					       a->values[i].len, &gs.v[gs.n].g.sid) == 0)
				gs.n++;
	} else {
		/* No tokenGroups: the groups in the chain of membership instead. */
		char *dnesc = ew_dir_filter_escape(user_dn, strlen(user_dn));
		char *chain = dnesc ? ew_strprintf("(member:1.2.840.113556.1.4.1941:=%s)", dnesc)
				    : NULL;
		struct ew_dir_result *cr = NULL;

		char tg_err[512];

		free(dnesc);
		via_chain = 1;
		snprintf(tg_err, sizeof(tg_err), "%s", tr ? "no tokenGroups came back" : err);
		if (chain == NULL || ew_dir_search(c.dir, base, LDAP_SCOPE_SUBTREE, chain,
						   grp_attrs, NULL, &cr, err, sizeof(err)) != 0) {
			/* Neither way worked: no count at all, rather than a count of 0. */
			f = ew_finding_new(EW_CK_TOK_COUNT, EW_SKIP, "The groups of %s could not "
					   "be read", t->user);
			if (f) {
				ew_finding_evidence(f, "tokenGroups: %s", tg_err);
				ew_finding_evidence(f, "the chain of membership: %s",
						    chain ? err : "out of memory");
				ew_finding_remedy(f, "Run the step again; if it fails the same "
						  "way, see the fault in the evidence (the DC, the "
						  "network, the rights of the account bound as).");
			}
			ew_step_result_add(res, f);
			ew_step_result_add(res, ew_finding_new(EW_CK_TOK_SIZE, EW_SKIP, "No token "
							       "size without the groups"));
			ew_step_result_add(res, ew_finding_new(EW_CK_TOK_LSA, EW_SKIP, "No SID count "
							       "without the groups"));
			free(chain);
			goto out;
		}
		{
			gs.v = calloc(cr->nentries + 1, sizeof(*gs.v));
			for (i = 0; gs.v && i < cr->nentries; i++) {
				a = ew_dir_entry_attr(&cr->entries[i], "objectSid");
				if (a && a->nvalues &&
				    ew_sid_parse_exact((const unsigned char *)a->values[0].val,
						       a->values[0].len, &gs.v[gs.n].g.sid) == 0)
					gs.n++;
			}
			for (i = 0; i < cr->nentries; i++)
				take_group_entry(&gs, &cr->entries[i]);
		}
		free(chain);
		ew_dir_result_free(&cr);
	}

	/* Resolve the SIDs: one OR filter per batch, every batch in flight at once. */
	if (!via_chain && gs.n) {
		nb = (gs.n + BATCH - 1) / BATCH;
		reqs = calloc(nb, sizeof(*reqs));
		br = calloc(nb, sizeof(*br));
		errs = calloc(nb, sizeof(*errs));
		filters = calloc(nb, sizeof(*filters));
		for (i = 0; reqs && br && errs && filters && i < nb; i++) {
			struct ew_buf fb = {0};
			size_t k;

			ew_buf_adds(&fb, "(|");
			for (k = i * BATCH; k < gs.n && k < (i + 1) * BATCH; k++) {
				char *one = sid_filter(&gs.v[k].g.sid);

				if (one)
					ew_buf_adds(&fb, one);
				free(one);
			}
			ew_buf_adds(&fb, ")");
			filters[i] = ew_buf_take(&fb);
			reqs[i].base = base;
			reqs[i].scope = LDAP_SCOPE_SUBTREE;
			reqs[i].filter = filters[i];
			reqs[i].attrs = grp_attrs;
		}
		if (reqs && br && errs && filters)
			ew_dir_search_many(c.dir, reqs, nb, br, errs, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "out of memory");
		/*
		 * A batch that failed (the connection died, a time limit, cancel)
		 * says nothing of its SIDs: they are "not looked up", never
		 * "foreign or deleted", which only a lookup that ran can tell.
		 */
		for (i = 0; i < nb; i++) {
			size_t k;

			if (br && br[i]) {
				for (k = 0; k < br[i]->nentries; k++)
					take_group_entry(&gs, &br[i]->entries[k]);
				continue;
			}
			for (k = i * BATCH; k < gs.n && k < (i + 1) * BATCH; k++)
				gs.v[k].g.not_looked_up = !gs.v[k].g.resolved;
			if (nfailed++ == 0)
				snprintf(lookup_err, sizeof(lookup_err), "%s",
					 search_cause(errs && errs[i] ? errs[i] : err,
						      filters ? filters[i] : NULL));
		}
	}

	/* The direct groups, with ranged retrieval (TOK-RANGE). */
	if (ew_dir_read_all_values(c.dir, user_dn, "memberOf", &direct, &complete, err,
				   sizeof(err)) == 0) {
		f = ew_finding_new(EW_CK_TOK_RANGE, complete ? EW_PASS : EW_WARN, complete ?
				   "memberOf read in full: %zu direct groups" :
				   "memberOf could not be read to the end (%zu values)",
				   direct.nvalues);
		if (f && !complete)
			ew_finding_remedy(f, "The server stopped giving ranges; the direct group "
					  "list is incomplete (the token counts come from "
					  "tokenGroups and are not affected).");
		ew_step_result_add(res, f);
	} else {
		f = ew_finding_new(EW_CK_TOK_RANGE, EW_SKIP, "memberOf could not be read");
		if (f)
			ew_finding_evidence(f, "%s", err);
		ew_step_result_add(res, f);
	}
	{
		char **dns = calloc(direct.nvalues + 1, sizeof(*dns));

		for (i = 0; dns && i < direct.nvalues; i++)
			dns[i] = direct.values[i].val;
		if (dns)
			nesting(&gs, dns, direct.nvalues);
		free(dns);
	}

	{
		struct ew_token_group *tg = calloc(gs.n + 1, sizeof(*tg));

		for (i = 0; tg && i < gs.n; i++)
			tg[i] = gs.v[i].g;
		ew_token_count(&domain_sid, tg, tg ? gs.n : 0, sid_history, &counts);
		free(tg);
	}
	measure(t, account, c.ccache, &tgt, &svc);

	ew_token_rule_count(&counts, t->user, res);
	if (via_chain)
		ew_finding_evidence(res->findings[res->nfindings - 1],
				    "tokenGroups was not available: counted from the chain of "
				    "membership (LDAP_MATCHING_RULE_IN_CHAIN)");
	if (nfailed)
		ew_finding_evidence(res->findings[res->nfindings - 1], "%zu of %zu lookups (of "
				    "up to %d SIDs each) failed; the first: %s", nfailed, nb, BATCH,
				    lookup_err);
	ew_token_rule_size(&counts, delegation, t->user, res);
	if (delegation)
		ew_finding_evidence(res->findings[res->nfindings - 1], "the account is trusted "
				    "for delegation: the estimate is doubled");
	/* The biggest contributors: domain local groups cost 40 bytes each (2008 R2 rules). */
	if (res->findings[res->nfindings - 1]->severity == EW_WARN ||
	    res->findings[res->nfindings - 1]->severity == EW_FAIL) {
		size_t shown = 0;

		for (i = 0; i < gs.n && shown < 8; i++) {
			if (!gs.v[i].g.resolved ||
			    ew_token_scope(gs.v[i].g.group_type) != EW_SCOPE_DOMAIN_LOCAL)
				continue;
			{
				char *p = path_of(&gs, i);

				ew_finding_evidence(res->findings[res->nfindings - 1],
						    "domain local (40 bytes): %s", p ? p : "?");
				free(p);
			}
			shown++;
		}
	}
	ew_token_rule_lsa(&counts, t->user, res);
	if (t->cache_principal && !ew_same_account(account, t->cache_principal, t->realm)) {
		/* The tickets at hand are another account's: never measured as this user's. */
		f = ew_finding_new(EW_CK_TOK_MEASURED, EW_SKIP, "%s's tickets were not measured: the "
				   "credential cache holds %s's", t->user, t->cache_principal);
		/* The compared user's tickets are measured in its tickets step. */
		if (f)
			ew_finding_remedy(f, "Run again with %s %s to measure %s's own "
					  "tickets against the estimate.", run->identity ?
					  "--compare-kinit" : "--kinit", t->user, t->user);
		ew_step_result_add(res, f);
	} else {
		ew_token_rule_measured(counts.not_looked_up ? -1 :
				       ew_token_estimate_legacy(&counts, delegation), tgt, svc, 0,
				       res);
	}

	/* The data. */
	ew_sid_format(&user_sid, sidtext, sizeof(sidtext));
	data.gathered = 1;
	data.groups = gs.n ? calloc(gs.n, sizeof(*data.groups)) : NULL;
	for (i = 0; data.groups && i < gs.n; i++, data.ngroups++) {
		struct ew_group_data *g = &data.groups[i];
		char s[EW_SID_STRLEN];

		ew_sid_format(&gs.v[i].g.sid, s, sizeof(s));
		g->sid = ew_field_dup(s);
		g->name = ew_field_dup(gs.v[i].name);
		g->scope = ew_field_dup(gs.v[i].g.resolved ? ew_scope_name(ew_token_scope(
			gs.v[i].g.group_type)) : gs.v[i].g.not_looked_up ? "not looked up" :
			"unknown");
		g->security = gs.v[i].g.resolved ? (gs.v[i].g.group_type & EW_GT_SECURITY) != 0 : 1;
		g->depth = gs.v[i].depth;
		g->path = gs.v[i].depth ? path_of(&gs, i) : NULL;
	}
	data.direct_groups = direct.nvalues ? calloc(direct.nvalues, sizeof(char *)) : NULL;
	for (i = 0; data.direct_groups && i < direct.nvalues; i++)
		data.direct_groups[data.ndirect_groups++] =
			ew_field_dup(ew_dir_text(&direct.values[i]));
	data.user_dn = ew_field_dup(user_dn);
	data.user_sid = ew_field_dup(sidtext);
	data.counts = (struct ew_group_counts_data){
		counts.global, counts.domain_local, counts.universal_in, counts.universal_out,
		counts.builtin, counts.sid_history, counts.distribution,
		counts.unresolved_in + counts.unresolved_out, counts.not_looked_up
	};
	/* With SIDs not looked up the estimates are their least (8 bytes each). */
	data.estimate_complete = counts.not_looked_up == 0;
	data.token_sids = counts.token_sids;
	data.lsa_sids = ew_token_lsa_sids(&counts);
	data.estimate_legacy = ew_token_estimate_legacy(&counts, delegation);
	data.estimate_2012 = ew_token_estimate_2012(&counts, delegation);
	data.delegation = delegation;
	data.measured_tgt_size = (long long)tgt;
	data.measured_service_ticket_size = (long long)svc;
	data.source = ew_field_dup(via_chain ? "LDAP_MATCHING_RULE_IN_CHAIN" : "tokenGroups");
	data.ldap_requests = ew_dir_round_trips(c.dir) - rt0;
	data.dc = ew_field_dup(c.host);
	data.bind = ew_field_dup(c.method);
	if (t->nclient && data.user_sid)
		ew_client_rule_token(t, data.user_sid, data.groups, data.ngroups, res);
out:
	ew_step_data_put(res->data, ew_groups_data_to_json(&data));
	ew_groups_data_free(&data);
	for (i = 0; i < nb; i++) {
		if (br)
			ew_dir_result_free(&br[i]);
		if (errs)
			free(errs[i]);
		if (filters)
			free(filters[i]);
	}
	free(br);
	free(errs);
	free(filters);
	free(reqs);
	ew_dir_attr_clear(&direct);
	groups_free(&gs);
	ew_dir_result_free(&ur);
	ew_dir_result_free(&tr);
	ew_dirsession_close(&c);
	return 0;
}
