/*
 * Two identities compared: each side's tickets, groups and mailbox data read
 * back from its step results, one row per aspect, the cause a differing row
 * proves from the findings' cause fields.
 */
#include "comparison.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "mailboxrules.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"

/* At most this many rows of groups for each side (the largest first). */
#define MAX_GROUP_ROWS 20

struct side {
	const struct ew_step_result *tk, *gr, *mb;
	struct ew_tickets_data tkd;
	struct ew_groups_data grd;
	struct ew_mailbox_data mbd;
	int has_tk, has_gr, has_mb;
	char *why_tk, *why_gr, *why_mb;	/* "not checked: ..." */
};

struct rows {
	struct ew_comparison *c;
	size_t cap;
	int oom;
};

/* The latest result of that kind run for the current target (a transcript
 * may hold earlier runs of the step, and runs for an earlier target). */
static const struct ew_step_result *step_of(const struct ew_step_result *const *s, size_t n,
					    enum ew_data_kind kind)
{
	size_t i;

	for (i = n; s && i > 0; i--)
		if (s[i - 1] && s[i - 1]->kind == kind && !ew_step_result_is_stale(s[i - 1]))
			return s[i - 1];
	return NULL;
}

/* Whether the step ran to its end (a cancelled or interrupted one did not). */
static int ran(const struct ew_step_result *r)
{
	return r && r->data && r->status != EW_ST_PENDING && r->status != EW_ST_RUNNING &&
	       r->status != EW_ST_CANCELLED && r->status != EW_ST_INTERRUPTED;
}

/* "not checked", with the first skip finding's title when the step says why. */
static char *why_not(const struct ew_step_result *r)
{
	size_t i;

	for (i = 0; r && i < r->nfindings; i++)
		if (r->findings[i]->severity == EW_SKIP && r->findings[i]->title)
			return ew_strprintf("%s: %s", EW_COMPARISON_NOT_CHECKED,
					    r->findings[i]->title);
	return ew_strprintf("%s", EW_COMPARISON_NOT_CHECKED);
}

static void side_read(struct side *s, const char *name, const struct ew_step_result *const *r,
		      size_t n)
{
	char err[256], *as;

	s->tk = step_of(r, n, EW_DATA_TICKETS);
	s->gr = step_of(r, n, EW_DATA_GROUPS);
	s->mb = step_of(r, n, EW_DATA_MAILBOX);
	s->has_tk = ran(s->tk) &&
		    ew_tickets_data_from_json(s->tk->data, &s->tkd, err, sizeof(err)) == 0 &&
		    s->tkd.gathered;
	s->has_gr = ran(s->gr) &&
		    ew_groups_data_from_json(s->gr->data, &s->grd, err, sizeof(err)) == 0 &&
		    s->grd.gathered;
	s->has_mb = ran(s->mb) &&
		    ew_mailbox_data_from_json(s->mb->data, &s->mbd, err, sizeof(err)) == 0 &&
		    s->mbd.gathered;
	/* Tickets are an identity's only when its own cache held them: another
	 * account's are never shown under its name. */
	as = s->tkd.credentials.as ? ew_text_cleanz(s->tkd.credentials.as) : NULL;
	if (s->has_tk && !ew_same_account(name, as, NULL)) {
		s->has_tk = 0;
		s->why_tk = s->tkd.credentials.as ?
			    ew_strprintf("%s: the tickets shown are %s's, not %s's",
					 EW_COMPARISON_NOT_CHECKED, as, name) :
			    ew_strprintf("%s: no credential cache of %s",
					 EW_COMPARISON_NOT_CHECKED, name);
	}
	free(as);
	if (s->why_tk == NULL)
		s->why_tk = s->has_tk ? NULL : why_not(s->tk);
	s->why_gr = s->has_gr ? NULL : why_not(s->gr);
	s->why_mb = s->has_mb ? NULL : why_not(s->mb);
}

static void side_free(struct side *s)
{
	ew_tickets_data_free(&s->tkd);
	ew_groups_data_free(&s->grd);
	ew_mailbox_data_free(&s->mbd);
	free(s->why_tk);
	free(s->why_gr);
	free(s->why_mb);
}

static int has_cause(const struct ew_step_result *r, const char *check, const char *cause)
{
	size_t i;

	for (i = 0; r && i < r->nfindings; i++) {
		const struct ew_finding *f = r->findings[i];

		if (f->cause && strcmp(f->cause, cause) == 0 &&
		    (check == NULL || strcmp(f->check, check) == 0) &&
		    (f->severity == EW_WARN || f->severity == EW_FAIL))
			return 1;
	}
	return 0;
}

/* Whether r's check looked (a finding of it that is no skip): only then does
 * its lacking a cause say that the identity does not have it. */
static int looked(const struct ew_step_result *r, const char *check)
{
	size_t i;

	for (i = 0; r && i < r->nfindings; i++)
		if (strcmp(r->findings[i]->check, check) == 0 &&
		    r->findings[i]->severity != EW_SKIP)
			return 1;
	return 0;
}

/*
 * The cause (static id) of the first warn or fail finding of check in u
 * (only that cause when only is set) that o's same check looked for and
 * did not find.
 */
static const char *proves(const struct ew_step_result *u, const struct ew_step_result *o,
			  const char *check, const char *only)
{
	const struct ew_cause *def;
	size_t i;

	for (i = 0; u && i < u->nfindings; i++) {
		const struct ew_finding *f = u->findings[i];

		if (f->cause == NULL || strcmp(f->check, check) != 0 ||
		    (f->severity != EW_WARN && f->severity != EW_FAIL) ||
		    (only && strcmp(f->cause, only) != 0) || has_cause(o, check, f->cause) ||
		    !looked(o, check))
			continue;
		if ((def = ew_cause_find(f->cause)) != NULL)
			return def->id;
	}
	return NULL;
}

static void row_clear(struct ew_comparison_row *r)
{
	free(r->aspect);
	free(r->user);
	free(r->other);
}

/*
 * A row: uval and oval (NULL: that side was not checked, why_u/why_o says
 * so). Compared only when both sides were checked; explains is kept only
 * when the row differs.
 */
static void add_row(struct rows *rs, const char *aspect, const char *uval, const char *why_u,
		    const char *oval, const char *why_o, const char *explains)
{
	struct ew_comparison *c = rs->c;
	struct ew_comparison_row *r;

	if (c->nrows == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 32;
		struct ew_comparison_row *n = realloc(c->rows, cap * sizeof(*n));

		if (n == NULL) {
			rs->oom = 1;
			return;
		}
		c->rows = n;
		rs->cap = cap;
	}
	r = &c->rows[c->nrows];
	r->aspect = ew_text_cleanz(aspect);
	r->user = ew_text_cleanz(uval ? uval : why_u ? why_u : EW_COMPARISON_NOT_CHECKED);
	r->other = ew_text_cleanz(oval ? oval : why_o ? why_o : EW_COMPARISON_NOT_CHECKED);
	if (r->aspect == NULL || r->user == NULL || r->other == NULL) {
		row_clear(r);
		rs->oom = 1;
		return;
	}
	/* A side not checked is not compared: never a difference. */
	r->compared = uval && oval;
	r->differs = r->compared && strcasecmp(r->user, r->other) != 0;
	r->explains = r->differs ? explains : NULL;
	c->nrows++;
}

/* The same with values to free. */
static void add_row_take(struct rows *rs, const char *aspect, char *uval, const char *why_u,
			 char *oval, const char *why_o, const char *explains)
{
	add_row(rs, aspect, uval, why_u, oval, why_o, explains);
	free(uval);
	free(oval);
}

/* tickets */

static const struct ew_service_data *service_of(const struct side *s, const char *spn)
{
	const struct ew_service_data *sv = s->tkd.services, *end;

	if (!s->has_tk || sv == NULL)
		return NULL;
	for (end = sv + s->tkd.nservices; sv < end; sv++)
		if (sv->spn && strcasecmp(sv->spn, spn) == 0)
			return sv;
	return NULL;
}

static int service_ok(const struct ew_service_data *sv)
{
	return sv->status && strcmp(sv->status, "ok") == 0;
}

static char *ticket_text(const struct ew_service_data *sv)
{
	if (sv == NULL)
		return NULL;
	if (service_ok(sv))
		return ew_strprintf("obtained");
	if (sv->error)
		return ew_strprintf("%s: %s", sv->status ? sv->status : "error", sv->error);
	return ew_strprintf("%s", sv->status ? sv->status : "error");
}

static char *size_text(const struct ew_service_data *sv)
{
	if (sv == NULL)
		return NULL;
	if (!service_ok(sv))
		return ew_strprintf("no ticket");
	return ew_strprintf("%lld bytes", sv->ticket_size);
}

/* The cause the user's failed ticket for an SPN names, when the other's
 * ticket for it was obtained or failed for another cause. */
static const char *ticket_cause(const struct ew_service_data *u, const struct ew_service_data *o)
{
	const struct ew_cause *def;

	if (u == NULL || o == NULL || service_ok(u) || u->cause == NULL)
		return NULL;
	if (!service_ok(o) && o->cause && strcmp(o->cause, u->cause) == 0)
		return NULL;
	def = ew_cause_find(u->cause);
	return def ? def->id : NULL;
}

static void spn_rows(struct rows *rs, const struct side *u, const struct side *o,
		     const char *spn)
{
	const struct ew_service_data *su = service_of(u, spn), *so = service_of(o, spn);
	const char *nu = u->has_tk ? "not asked for" : u->why_tk;
	const char *no = o->has_tk ? "not asked for" : o->why_tk;
	char *aspect = ew_strprintf("session ticket for %s", spn);
	char *saspect = ew_strprintf("ticket size for %s", spn);

	add_row_take(rs, aspect ? aspect : spn, ticket_text(su), nu, ticket_text(so), no,
		     ticket_cause(su, so));
	add_row_take(rs, saspect ? saspect : spn, size_text(su), nu, size_text(so), no, NULL);
	free(aspect);
	free(saspect);
}

static char *tgt_text(const struct side *s)
{
	size_t i;

	if (!s->has_tk)
		return NULL;
	for (i = 0; i < s->tkd.ntickets; i++)
		if (s->tkd.tickets[i].tgt)
			return ew_strprintf("%lld bytes", s->tkd.tickets[i].ticket_size);
	return ew_strprintf("no TGT");
}

/* UDP or TCP, from KRB-TRANSPORT's verdict (pass: UDP; info: TCP; fail:
 * TCP blocked). */
static char *transport_text(const struct side *s)
{
	const struct ew_finding *f = NULL;
	size_t i;

	if (!s->has_tk)
		return NULL;
	for (i = 0; i < s->tk->nfindings && f == NULL; i++)
		if (strcmp(s->tk->findings[i]->check, EW_CK_KRB_TRANSPORT) == 0)
			f = s->tk->findings[i];
	if (f == NULL)
		return ew_strprintf("not traced");
	switch (f->severity) {
	case EW_PASS: return ew_strprintf("UDP");
	case EW_INFO: return ew_strprintf("TCP");
	case EW_WARN:
	case EW_FAIL: return ew_strprintf("TCP, blocked");
	default: return ew_strprintf("not traced");
	}
}

/* "9 of 10 session tickets obtained, TGT 1300 bytes". */
static char *tickets_summary(const struct side *s)
{
	size_t i, ok = 0;
	char *tgt, *line;

	if (!s->has_tk)
		return NULL;
	for (i = 0; i < s->tkd.nservices; i++)
		ok += service_ok(&s->tkd.services[i]);
	tgt = tgt_text(s);
	line = ew_strprintf("%zu of %zu session tickets obtained, TGT %s", ok, s->tkd.nservices,
			    tgt ? tgt : "?");
	free(tgt);
	return line;
}

static void tickets_rows(struct rows *rs, const struct side *u, const struct side *o)
{
	size_t i;

	/* One side's tickets not seen: one row that says why, not one per SPN. */
	if (!u->has_tk || !o->has_tk) {
		add_row_take(rs, "Kerberos tickets", tickets_summary(u), u->why_tk,
			     tickets_summary(o), o->why_tk, NULL);
		return;
	}
	for (i = 0; i < u->tkd.nservices; i++)
		if (u->tkd.services[i].spn)
			spn_rows(rs, u, o, u->tkd.services[i].spn);
	for (i = 0; i < o->tkd.nservices; i++)
		if (o->tkd.services[i].spn && service_of(u, o->tkd.services[i].spn) == NULL)
			spn_rows(rs, u, o, o->tkd.services[i].spn);
	add_row_take(rs, "TGT size", tgt_text(u), u->why_tk, tgt_text(o), o->why_tk, NULL);
	add_row_take(rs, "Kerberos transport", transport_text(u), u->why_tk, transport_text(o),
		     o->why_tk, proves(u->tk, o->tk, EW_CK_KRB_TRANSPORT, NULL));
}

/* groups */

static char *count_text(const struct side *s, size_t off)
{
	if (!s->has_gr)
		return NULL;
	return ew_strprintf("%lld", *(const long long *)((const char *)&s->grd.counts + off));
}

static char *estimate_text(const struct side *s, long long v)
{
	if (!s->has_gr)
		return NULL;
	return ew_strprintf("%s%lld bytes", s->grd.estimate_complete ? "" : "at least ", v);
}

static int same_group(const struct ew_group_data *a, const struct ew_group_data *b)
{
	if (a->sid && b->sid)
		return strcasecmp(a->sid, b->sid) == 0;
	return a->name && b->name && strcasecmp(a->name, b->name) == 0;
}

static int in_groups(const struct ew_groups_data *d, const struct ew_group_data *g)
{
	size_t i;

	for (i = 0; i < d->ngroups; i++)
		if (same_group(&d->groups[i], g))
			return 1;
	return 0;
}

/* How many of d's groups g brings into the token: itself and those nested
 * in it (their path, "C < B < A", names it). */
static size_t brings(const struct ew_groups_data *d, const struct ew_group_data *g)
{
	size_t i, n = 1, len;
	const char *p;

	if (g->name == NULL)
		return n;
	len = strlen(g->name);
	for (i = 0; i < d->ngroups; i++) {
		if (&d->groups[i] == g || d->groups[i].path == NULL)
			continue;
		for (p = d->groups[i].path; (p = strstr(p, g->name)) != NULL; p += len)
			if ((p == d->groups[i].path || strncmp(p - 3, " < ", 3) == 0) &&
			    (p[len] == '\0' || strncmp(p + len, " < ", 3) == 0)) {
				n++;
				break;
			}
	}
	return n;
}

struct lack {
	const struct ew_group_data *g;
	size_t size;
};

static int lack_cmp(const void *a, const void *b)
{
	const struct lack *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return strcasecmp(x->g->name ? x->g->name : "", y->g->name ? y->g->name : "");
}

/* The security groups of has that lacks is not in, largest first. */
static struct lack *lacking(const struct ew_groups_data *has, const struct ew_groups_data *lacks,
			    size_t *n)
{
	struct lack *v = has->ngroups ? calloc(has->ngroups, sizeof(*v)) : NULL;
	size_t i;

	*n = 0;
	for (i = 0; v && i < has->ngroups; i++)
		if (has->groups[i].security && !in_groups(lacks, &has->groups[i])) {
			v[*n].g = &has->groups[i];
			v[(*n)++].size = brings(has, &has->groups[i]);
		}
	if (*n)
		qsort(v, *n, sizeof(*v), lack_cmp);
	return v;
}

static char *member_text(const struct ew_group_data *g, size_t size)
{
	if (g->path)
		return ew_strprintf("member through %s (%zu group%s)", g->path, size,
				    size == 1 ? "" : "s");
	return ew_strprintf("member (%zu group%s)", size, size == 1 ? "" : "s");
}

static void lack_rows(struct rows *rs, const struct lack *v, size_t n, int user_has)
{
	size_t i;

	for (i = 0; i < n && i < MAX_GROUP_ROWS; i++) {
		char *aspect = ew_strprintf("group %s", v[i].g->name ? v[i].g->name :
					    v[i].g->sid ? v[i].g->sid : "?");
		char *m = member_text(v[i].g, v[i].size);

		add_row(rs, aspect ? aspect : "group", user_has ? m : "not a member", NULL,
			user_has ? "not a member" : m, NULL, NULL);
		free(aspect);
		free(m);
	}
}

static void groups_rows(struct rows *rs, const struct side *u, const struct side *o)
{
	static const struct {
		const char *aspect;
		size_t off;
	} counts[] = {
		{ "groups: global", offsetof(struct ew_group_counts_data, global) },
		{ "groups: domain local", offsetof(struct ew_group_counts_data, domain_local) },
		{ "groups: universal (this domain)",
		  offsetof(struct ew_group_counts_data, universal_in) },
		{ "groups: universal (other domains)",
		  offsetof(struct ew_group_counts_data, universal_out) },
		{ "groups: builtin", offsetof(struct ew_group_counts_data, builtin) },
		{ "SID history", offsetof(struct ew_group_counts_data, sid_history) },
		{ "groups not looked up", offsetof(struct ew_group_counts_data, not_looked_up) },
	};
	const char *size_cause = proves(u->gr, o->gr, EW_CK_TOK_SIZE, NULL);
	struct lack *lu = NULL, *lo = NULL;
	size_t i, nlu = 0, nlo = 0;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		add_row_take(rs, counts[i].aspect, count_text(u, counts[i].off), u->why_gr,
			     count_text(o, counts[i].off), o->why_gr, size_cause);
	add_row_take(rs, "token estimate (2008 R2 rules)",
		     estimate_text(u, u->grd.estimate_legacy), u->why_gr,
		     estimate_text(o, o->grd.estimate_legacy), o->why_gr, size_cause);
	add_row_take(rs, "token estimate (2012 rules)", estimate_text(u, u->grd.estimate_2012),
		     u->why_gr, estimate_text(o, o->grd.estimate_2012), o->why_gr, size_cause);
	add_row_take(rs, "SIDs in the token (limit 1,024)",
		     u->has_gr ? ew_strprintf("%lld", u->grd.lsa_sids) : NULL, u->why_gr,
		     o->has_gr ? ew_strprintf("%lld", o->grd.lsa_sids) : NULL, o->why_gr,
		     proves(u->gr, o->gr, EW_CK_TOK_LSA, NULL));
	if (!u->has_gr || !o->has_gr)
		return;
	lu = lacking(&u->grd, &o->grd, &nlu);
	lo = lacking(&o->grd, &u->grd, &nlo);
	add_row_take(rs, "security groups the other identity lacks", ew_strprintf("%zu", nlu),
		     NULL, ew_strprintf("%zu", nlo), NULL, NULL);
	lack_rows(rs, lu, nlu, 1);
	lack_rows(rs, lo, nlo, 0);
	free(lu);
	free(lo);
}

/* mailbox */

static char *attr_text(const struct side *s, const char *v)
{
	return s->has_mb ? ew_strprintf("%s", v ? v : "none") : NULL;
}

static char *site_text(const struct side *s)
{
	char site[512];

	if (!s->has_mb)
		return NULL;
	if (s->mbd.attributes.legacyExchangeDN == NULL)
		return ew_strprintf("none");
	ew_mbx_legacy_site(s->mbd.attributes.legacyExchangeDN, site, sizeof(site));
	return ew_strprintf("%s", site);
}

static char *consistency_text(const struct side *s)
{
	struct ew_buf b = {0};
	enum ew_severity worst = EW_PASS, sev;
	const char *sep = ": ";
	size_t i;

	if (!s->has_mb)
		return NULL;
	for (i = 0; i < s->mbd.nconsistency; i++)
		if (ew_severity_parse(s->mbd.consistency[i].severity, &sev) == 0 &&
		    sev != EW_SKIP && sev > worst)
			worst = sev;
	if (s->mbd.nconsistency == 0)
		return ew_strprintf("not compared");
	ew_buf_adds(&b, ew_severity_name(worst));
	for (i = 0; worst != EW_PASS && i < s->mbd.nconsistency; i++)
		if (ew_severity_parse(s->mbd.consistency[i].severity, &sev) == 0 && sev == worst) {
			ew_buf_printf(&b, "%s%s", sep, s->mbd.consistency[i].title ?
				      s->mbd.consistency[i].title : "?");
			sep = "; ";
		}
	return ew_buf_take(&b);
}

/* The finding of check with the worst severity (skips last), or NULL. */
static const struct ew_finding *worst_finding(const struct ew_step_result *r, const char *check,
					      const char *cause)
{
	static const int weight[EW_NSEVERITY] = { 1, 2, 3, 4, 0 };
	const struct ew_finding *w = NULL;
	size_t i;

	for (i = 0; r && i < r->nfindings; i++) {
		const struct ew_finding *f = r->findings[i];

		if (strcmp(f->check, check) != 0 ||
		    (cause && (f->cause == NULL || strcmp(f->cause, cause) != 0)))
			continue;
		if (w == NULL || weight[f->severity] > weight[w->severity])
			w = f;
	}
	return w;
}

static char *grant_text(const struct side *s)
{
	const struct ew_finding *f;

	if (!s->has_mb)
		return NULL;
	f = worst_finding(s->mb, EW_CK_MBX_CONSISTENT, EW_CAUSE_MAILBOX_DESCRIPTOR);
	if (f)
		return ew_strprintf("%s", f->title);
	if (s->mbd.attributes.msExchMailboxSecurityDescriptor)
		return ew_strprintf("the user has full mailbox access");
	return ew_strprintf("no descriptor read");
}

static char *protected_text(const struct side *s)
{
	const struct ew_finding *f;

	if (!s->has_mb)
		return NULL;
	f = worst_finding(s->mb, EW_CK_MBX_PROTECTED, NULL);
	if (f == NULL)
		return ew_strprintf("not told");
	return ew_strprintf("%s", f->severity == EW_WARN || f->severity == EW_FAIL ? "protected" :
			    f->severity == EW_PASS ? "not protected" : "not known");
}

static char *mover_text(const struct side *s)
{
	if (!s->has_mb)
		return NULL;
	if (s->mbd.mover_state == EW_MOVER_JUDGED && s->mbd.mover.account)
		return ew_strprintf("%s", s->mbd.mover.account);
	return ew_strprintf("%s", s->mbd.mover_state == EW_MOVER_NONE ? "not looked at" :
			    "none given");
}

static char *verdict_text(const struct side *s)
{
	const struct ew_finding *f;

	if (!s->has_mb)
		return NULL;
	f = worst_finding(s->mb, EW_CK_MBX_MOVER, NULL);
	return ew_strprintf("%s", f ? f->title : "not judged");
}

static void mailbox_rows(struct rows *rs, const struct side *u, const struct side *o)
{
	const char *moved = proves(u->mb, o->mb, EW_CK_MBX_CONSISTENT, EW_CAUSE_MAILBOX_HALF_MOVED);
	const struct ew_mbx_attrs_data *ua = &u->mbd.attributes, *oa = &o->mbd.attributes;

	add_row_take(rs, "homeMDB", attr_text(u, ua->homeMDB), u->why_mb,
		     attr_text(o, oa->homeMDB), o->why_mb, moved);
	add_row_take(rs, "msExchHomeServerName", attr_text(u, ua->msExchHomeServerName),
		     u->why_mb, attr_text(o, oa->msExchHomeServerName), o->why_mb, moved);
	add_row_take(rs, "homeMTA", attr_text(u, ua->homeMTA), u->why_mb,
		     attr_text(o, oa->homeMTA), o->why_mb, moved);
	add_row_take(rs, "legacyExchangeDN (administrative group)", site_text(u), u->why_mb,
		     site_text(o), o->why_mb, moved);
	add_row_take(rs, "msExchMailboxGuid",
		     attr_text(u, ua->msExchMailboxGuid ? "set" : NULL), u->why_mb,
		     attr_text(o, oa->msExchMailboxGuid ? "set" : NULL), o->why_mb, moved);
	add_row_take(rs, "mailbox consistency", consistency_text(u), u->why_mb,
		     consistency_text(o), o->why_mb,
		     proves(u->mb, o->mb, EW_CK_MBX_CONSISTENT, NULL));
	add_row_take(rs, "mailbox descriptor's grant", grant_text(u), u->why_mb, grant_text(o),
		     o->why_mb, proves(u->mb, o->mb, EW_CK_MBX_CONSISTENT,
				       EW_CAUSE_MAILBOX_DESCRIPTOR));
	add_row_take(rs, "protected account", protected_text(u), u->why_mb, protected_text(o),
		     o->why_mb, proves(u->mb, o->mb, EW_CK_MBX_PROTECTED, NULL));
	add_row_take(rs, "mover", mover_text(u), u->why_mb, mover_text(o), o->why_mb,
		     proves(u->mb, o->mb, EW_CK_MBX_MOVER, NULL));
	add_row_take(rs, "mover's verdict", verdict_text(u), u->why_mb, verdict_text(o),
		     o->why_mb, proves(u->mb, o->mb, EW_CK_MBX_MOVER, NULL));
}

/* The causes of u's warn and fail findings that o's same step, run, looked
 * for with the same check and did not find. */
static int user_only(struct ew_comparison *c, const struct ew_step_result *u,
		     const struct ew_step_result *o, int o_checked)
{
	size_t i, j;

	for (i = 0; o_checked && u && i < u->nfindings; i++) {
		const struct ew_finding *f = u->findings[i];
		const struct ew_cause *def;
		const char **n;

		if (f->cause == NULL || (f->severity != EW_WARN && f->severity != EW_FAIL) ||
		    has_cause(o, NULL, f->cause) || !looked(o, f->check) ||
		    (def = ew_cause_find(f->cause)) == NULL)
			continue;
		for (j = 0; j < c->nuser_only && c->user_only[j] != def->id; j++)
			;
		if (j < c->nuser_only)
			continue;
		n = realloc(c->user_only, (c->nuser_only + 1) * sizeof(*n));
		if (n == NULL)
			return -1;
		c->user_only = n;
		c->user_only[c->nuser_only++] = def->id;
	}
	return 0;
}

struct ew_comparison *ew_compare(const char *user, const struct ew_step_result *const *u,
				 size_t nu, const char *other,
				 const struct ew_step_result *const *o, size_t no)
{
	struct side su = {0}, so = {0};
	struct rows rs = {0};
	struct ew_comparison *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	rs.c = c;
	c->user = ew_text_cleanz(user ? user : "the user");
	c->other = ew_text_cleanz(other ? other : "the other identity");
	side_read(&su, c->user, u, nu);
	side_read(&so, c->other, o, no);
	tickets_rows(&rs, &su, &so);
	groups_rows(&rs, &su, &so);
	mailbox_rows(&rs, &su, &so);
	if (c->user == NULL || c->other == NULL || rs.oom ||
	    user_only(c, su.has_tk ? su.tk : NULL, so.tk, so.has_tk) != 0 ||
	    user_only(c, su.gr, so.gr, so.has_gr) != 0 ||
	    user_only(c, su.mb, so.mb, so.has_mb) != 0)
		ew_comparison_free(&c);
	side_free(&su);
	side_free(&so);
	return c;
}

void ew_comparison_free(struct ew_comparison **pc)
{
	struct ew_comparison *c = pc ? *pc : NULL;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nrows; i++)
		row_clear(&c->rows[i]);
	free(c->rows);
	free(c->user_only);
	free(c->user);
	free(c->other);
	free(c);
	*pc = NULL;
}

size_t ew_comparison_ndifferences(const struct ew_comparison *c)
{
	size_t i, n = 0;

	for (i = 0; c && i < c->nrows; i++)
		n += c->rows[i].differs != 0;
	return n;
}

size_t ew_comparison_nnot_compared(const struct ew_comparison *c)
{
	size_t i, n = 0;

	for (i = 0; c && i < c->nrows; i++)
		n += !c->rows[i].compared;
	return n;
}

json_t *ew_comparison_to_json(const struct ew_comparison *c)
{
	json_t *diffs, *apart;
	size_t i;
	int bad = 0;

	if (c == NULL)
		return NULL;
	diffs = json_array();
	apart = json_array();
	for (i = 0; diffs && apart && i < c->nrows && !bad; i++) {
		const struct ew_comparison_row *r = &c->rows[i];

		if (r->differs)
			bad = json_array_append_new(diffs, json_pack("{s:s, s:s, s:s, s:o}", "aspect",
								     r->aspect, "user", r->user,
								     "other", r->other, "explains",
								     ew_json_string_clean(r->explains)));
		else if (!r->compared)
			bad = json_array_append_new(apart, json_pack("{s:s, s:s, s:s}", "aspect",
								     r->aspect, "user", r->user,
								     "other", r->other));
	}
	if (diffs == NULL || apart == NULL || bad) {
		json_decref(diffs);
		json_decref(apart);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:o, s:o}", "user", c->user, "other", c->other,
			 "differences", diffs, "not_compared", apart);
}

int ew_comparison_user_only_causes(const struct ew_comparison *c, const char *const **ids,
				   size_t *n)
{
	if (c == NULL)
		return -1;
	*ids = c->user_only;
	*n = c->nuser_only;
	return 0;
}
