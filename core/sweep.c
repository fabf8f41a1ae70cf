/*
 * The sweep reads on three connections side by side: the users (after the
 * groups) here, their count and the forest's SPNs beside them
 * (sweepside.c). Each page of users is judged by the groups and mailbox
 * steps' own rules while the next page is on its way; the report is made
 * from what was found (sweepreport.c).
 */
#include "sweep.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "catalogue.h"
#include "causes.h"
#include "directory.h"
#include "dirsession.h"
#include "finding.h"
#include "groupsrules.h"
#include "mailboxrules.h"
#include "mbxread.h"
#include "result.h"
#include "sid.h"
#include "sweepreport.h"
#include "sweeprules.h"
#include "sweepside.h"
#include "target.h"
#include "text.h"

#define UAC_DISABLED 0x2u
#define UAC_TRUSTED_FOR_DELEGATION 0x80000u
#define MAX_LISTS 64

static const char *const cfilter = "(|(objectClass=msExchOrganizationContainer)"
	"(objectClass=msExchAdminGroup)(objectClass=msExchExchangeServer)"
	"(objectClass=msExchPrivateMDB)(objectClass=mTA))";
static const char *const cattrs[] = { "objectClass", "cn", "legacyExchangeDN", "serialNumber",
				      "msExchVersion", NULL };

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *first(const struct ew_dir_entry *e, const char *attr)
{
	const struct ew_dir_attr *a = ew_dir_entry_attr(e, attr);

	return a && a->nvalues ? ew_dir_text(&a->values[0]) : NULL;
}

/* The values of a multi-valued attribute, its ranges followed when the
 * server split it ("memberOf;range=0-1499"): into out (moved out of the
 * entry or read again). *complete 0 when a range could not be completed. */
static void all_values(struct ew_dir *d, const struct ew_dir_entry *e, const char *attr,
		       struct ew_dir_attr *out, int *complete)
{
	const struct ew_dir_attr *a = ew_dir_entry_attr(e, attr);
	char err[256];

	memset(out, 0, sizeof(*out));
	*complete = 1;
	if (a == NULL)
		return;
	if (strcasecmp(a->name, attr) == 0) {
		*out = *a;
		/* borrowed: the caller must not clear it */
		out->name = NULL;
		return;
	}
	if (ew_dir_read_all_values(d, e->dn, attr, out, complete, err, sizeof(err)) != 0)
		*complete = 0;
}

static void values_done(struct ew_dir_attr *v)
{
	if (v->name)	/* read again: owned */
		ew_dir_attr_clear(v);
	memset(v, 0, sizeof(*v));
}

/* ---- what the sweep keeps ---- */

struct largest {
	char *account;
	long sids, legacy, e2012;
	int delegation;
};

struct sweep {
	struct ew_run *run;
	const struct ew_sweep_opts *o;
	struct ew_sweep_progress *pr;
	struct ew_sweep_progress own;
	unsigned want;			/* bit i: ew_sweep_causes[i] */
	struct ew_dirsession c;
	const char *domain_nc, *base, *reader;
	struct ew_sid domain_sid;
	struct ew_dir_result *tg, *sch, *cfg_r[3];
	/* containers listed (the configuration's strings point into them) */
	struct {
		char *base;
		struct ew_dir_result *r;	/* NULL: not answered */
	} listed[MAX_LISTS];
	size_t nlisted;
	struct ew_mbx_cfg_build cb;
	struct ew_mbx_config cfg;
	const char *exch, *services;
	struct ew_sweep_graph *graph;
	json_t *problems;
	long users, mailboxes, disabled, groups;
	/* not checked, by what could not be read */
	long unread[EW_MBX_A_N], unread_memberof, unread_mailbox, groups_unreadable,
	     memberof_cut;
	/* what the rules could not judge, by check */
	struct skipped {
		const char *check;
		long users;
		char *example;		/* "carol: homeMDB cannot be compared ..." */
	} skipped[8];
	size_t nskipped;
	long exch_unreadable;		/* objects of the Exchange configuration not readable */
	long ndomains;			/* domains of the forest (crossRefs); 0: not known */
	struct largest top[EW_SWEEP_LARGEST];
	size_t ntop;
	int users_done_all;		/* every page of users came */
	char users_why[512];		/* why not */
	int oom;
};

static int wants(const struct sweep *s, const char *cause)
{
	size_t i;

	for (i = 0; i < ew_sweep_ncauses; i++)
		if (strcmp(ew_sweep_causes[i], cause) == 0)
			return (s->want >> i) & 1;
	return 0;
}

static int wants_token(const struct sweep *s)
{
	return wants(s, EW_CAUSE_TOKEN_TOO_LARGE) || wants(s, EW_CAUSE_SID_LIMIT);
}

static int wants_mailbox(const struct sweep *s)
{
	return wants(s, EW_CAUSE_MAILBOX_HALF_MOVED) || wants(s, EW_CAUSE_MAILBOX_DESCRIPTOR) ||
	       wants(s, EW_CAUSE_MAILBOX_PROTECTED);
}

static int wants_spn(const struct sweep *s)
{
	return wants(s, EW_CAUSE_SPN_DUPLICATE) || wants(s, EW_CAUSE_SPN_MISSING);
}

/* The rules' skips for one account, counted by check (the first kept as an
 * example). Those of the token are counted by why (groups not readable). */
static void count_skips(struct sweep *s, const struct ew_step_result *res, const char *account)
{
	size_t i, j, k;

	for (i = 0; i < res->nfindings; i++) {
		const struct ew_finding *f = res->findings[i];

		if (f->severity != EW_SKIP || strncmp(f->check, "MBX-", 4) != 0)
			continue;
		/* each user once per check */
		for (j = 0; j < i; j++)
			if (res->findings[j]->severity == EW_SKIP &&
			    strcmp(res->findings[j]->check, f->check) == 0)
				break;
		if (j < i)
			continue;
		for (k = 0; k < s->nskipped && strcmp(s->skipped[k].check, f->check) != 0; k++)
			;
		if (k == s->nskipped) {
			if (k == sizeof(s->skipped) / sizeof(s->skipped[0]))
				continue;
			s->skipped[k].check = f->check == NULL ? "" :
					      ew_check_find(f->check) ? ew_check_find(f->check)->id :
					      "MBX";
			s->skipped[k].example = ew_strprintf("%s: %s", account, f->title);
			s->nskipped++;
		}
		s->skipped[k].users++;
	}
}

/*
 * The findings of the rules run for one account that prove a wanted cause,
 * as problem lines: one per cause (its first finding's title; the others'
 * titles and every finding's evidence as evidence), the worst severity.
 */
static void take_problems(struct sweep *s, json_t *into, const struct ew_step_result *res,
			  const char *account, const char *dn)
{
	size_t i, k, j;

	for (k = 0; k < ew_sweep_ncauses; k++) {
		const struct ew_finding *head = NULL;
		enum ew_severity worst = EW_WARN;
		json_t *p, *ev;

		if (!((s->want >> k) & 1))
			continue;
		for (i = 0; i < res->nfindings; i++) {
			const struct ew_finding *f = res->findings[i];

			if ((f->severity != EW_WARN && f->severity != EW_FAIL) || f->cause == NULL ||
			    strcmp(f->cause, ew_sweep_causes[k]) != 0)
				continue;
			if (head == NULL)
				head = f;
			if (f->severity == EW_FAIL)
				worst = EW_FAIL;
		}
		if (head == NULL)
			continue;
		p = ew_sweep_problem(account, dn, head->cause, head->title,
				     (const char *const *)head->evidence, head->nevidence);
		if (p == NULL || json_array_append_new(into, p) != 0) {
			s->oom = 1;
			continue;
		}
		ev = json_object_get(p, "evidence");
		for (i = 0; i < res->nfindings; i++) {
			const struct ew_finding *f = res->findings[i];

			if (f == head || (f->severity != EW_WARN && f->severity != EW_FAIL) ||
			    f->cause == NULL || strcmp(f->cause, head->cause) != 0)
				continue;
			json_array_append_new(ev, ew_json_string_clean(f->title));
			for (j = 0; j < f->nevidence; j++)
				json_array_append_new(ev, ew_json_string_clean(f->evidence[j]));
		}
		json_object_set_new(p, "check", json_string(head->check));
		json_object_set_new(p, "severity", json_string(ew_severity_name(worst)));
		atomic_fetch_add(&s->pr->problems, 1);
	}
}

static void keep_largest(struct sweep *s, const char *account, const struct ew_token_counts *c,
			 int delegation)
{
	long legacy = ew_token_estimate_legacy(c, delegation);
	size_t i, at;

	if (s->ntop == EW_SWEEP_LARGEST && legacy <= s->top[s->ntop - 1].legacy)
		return;
	if (s->ntop == EW_SWEEP_LARGEST) {
		free(s->top[--s->ntop].account);
		s->top[s->ntop].account = NULL;
	}
	for (at = s->ntop; at > 0 && s->top[at - 1].legacy < legacy; at--)
		;
	for (i = s->ntop; i > at; i--)
		s->top[i] = s->top[i - 1];
	s->top[at].account = strdup(account);
	s->top[at].sids = ew_token_lsa_sids(c) - EW_LSA_WELL_KNOWN;
	s->top[at].legacy = legacy;
	s->top[at].e2012 = ew_token_estimate_2012(c, delegation);
	s->top[at].delegation = delegation;
	s->ntop++;
}

/* ---- the users ---- */

struct page_ctx {
	struct sweep *s;
	struct ew_mbx_reader rd;
};

/*
 * Listings of the containers above the homeMDB and homeMTA of a page's
 * users that were not read, so that missing is told from hidden. One search
 * at a time, each waiting for its own reply only: the next page of users is
 * on its way on the same connection (ew_dir_search_many would take its
 * replies for strays). A container is listed once per sweep.
 */
static void list_for_page(struct sweep *s, const struct ew_dir_result *page)
{
	const char *need[MAX_LISTS];
	size_t n = 0, i, k, added = 0;
	char err[256];

	for (i = 0; i < page->nentries; i++) {
		ew_mbx_list_path(&s->cfg, first(&page->entries[i], "homeMDB"), need, &n, MAX_LISTS);
		ew_mbx_list_path(&s->cfg, first(&page->entries[i], "homeMTA"), need, &n, MAX_LISTS);
	}
	for (i = 0; i < n && s->nlisted < MAX_LISTS; i++) {
		/* a container asked for once is not asked again, answered or not */
		for (k = 0; k < s->nlisted && strcasecmp(s->listed[k].base, need[i]) != 0; k++)
			;
		if (k < s->nlisted || (s->listed[k].base = strdup(need[i])) == NULL)
			continue;
		s->nlisted++;
		if (ew_dir_search(s->c.dir, need[i], LDAP_SCOPE_ONELEVEL, "(objectClass=*)", cattrs,
				  NULL, &s->listed[k].r, err, sizeof(err)) == 0)
			added++;
	}
	/* twice: a parent's listing may come later in the list */
	for (i = 0; added && i < 2 * s->nlisted; i++)
		ew_mbx_cfg_add_listing(&s->cb, s->listed[i % s->nlisted].base,
				       s->listed[i % s->nlisted].r);
	s->cfg.objects = s->cb.objs;
	s->cfg.n = s->cb.n;
}

static void judge_user(struct page_ctx *pc, const struct ew_dir_entry *e)
{
	struct sweep *s = pc->s;
	const char *sam = first(e, "sAMAccountName");
	const char *uacs = first(e, "userAccountControl");
	unsigned long uac = uacs ? strtoul(uacs, NULL, 10) : 0;
	int token = !(uac & UAC_DISABLED) && wants_token(s), complete = 1, has_mbx, i;
	struct ew_step_result *res = NULL;
	struct ew_dir_attr mo;
	struct ew_mbx_user u;
	const char **proxies = NULL;

	memset(&mo, 0, sizeof(mo));
	/* Stopped: a user not judged is not counted, and is never clean. */
	if (ew_run_cancelled(s->run))
		return;
	/* Only an account that can log on has a token. Its memberOf first: a
	 * range being read when the sweep is stopped leaves the user out. */
	if (token) {
		all_values(s->c.dir, e, "memberOf", &mo, &complete);
		if (ew_run_cancelled(s->run)) {
			values_done(&mo);
			return;
		}
	}
	if ((res = ew_step_result_new("sweep", "")) == NULL) {
		values_done(&mo);
		s->oom = 1;
		return;
	}
	if (sam == NULL)
		sam = e->dn;
	s->users++;
	if (uac & UAC_DISABLED)
		s->disabled++;
	proxies = ew_mbx_user_from_entry(&u, e, sam);
	u.reader = s->reader;
	ew_mbx_user_readable(&u, &pc->rd);
	has_mbx = ew_mbx_has_mailbox(&u);
	s->mailboxes += has_mbx;
	if (!has_mbx && u.readable[EW_MBX_A_HOME_MDB] != EW_MBX_YES &&
	    u.readable[EW_MBX_A_HOME_SERVER] != EW_MBX_YES)
		s->unread_mailbox++;

	if (token && !complete) {
		/* groups not all read: no estimate made of a part */
		s->memberof_cut++;
	} else if (token && mo.nvalues == 0 && ew_mbx_user_may_read(&u, &pc->rd, "memberOf") != EW_MBX_YES) {
		/* no groups to be seen, and no telling whether there are none */
		s->unread_memberof++;
	} else if (token) {
		const struct ew_dir_attr *a;
		const char **dns = NULL;
		struct ew_sid primary = { 0 };
		struct ew_token_counts counts;
		const char *pg = first(e, "primaryGroupID");
		unsigned sid_history;
		int delegation = (uac & UAC_TRUSTED_FOR_DELEGATION) != 0;
		size_t k;

		if (mo.nvalues && (dns = calloc(mo.nvalues, sizeof(*dns))) == NULL) {
			s->oom = 1;
			goto mailbox;
		}
		for (k = 0; k < mo.nvalues; k++)
			dns[k] = ew_dir_text(&mo.values[k]);
		if (pg && s->domain_sid.revision && s->domain_sid.nsub < EW_SID_MAX_SUB) {
			primary = s->domain_sid;
			primary.sub[primary.nsub++] = (uint32_t)strtoul(pg, NULL, 10);
		}
		a = ew_dir_entry_attr(e, "sIDHistory");
		sid_history = a ? (unsigned)a->nvalues : 0;
		ew_sweep_graph_token(s->graph, dns, mo.nvalues, &primary,
				     s->domain_sid.revision ? &s->domain_sid : NULL, sid_history,
				     &counts);
		free(dns);
		if (counts.not_looked_up)
			s->groups_unreadable++;
		ew_token_rule_size(&counts, delegation, sam, res);
		ew_token_rule_lsa(&counts, sam, res);
		if (counts.not_looked_up == 0)
			keep_largest(s, sam, &counts, delegation);
	}
mailbox:
	values_done(&mo);
	if (has_mbx && wants_mailbox(s)) {
		ew_mbx_rule_consistent(&u, &s->cfg, res);
		ew_mbx_rule_protected(&u, res);
		for (i = 0; i < EW_MBX_A_N; i++) {
			const char *name = ew_mbx_attr_names[i];

			if (u.readable[i] != EW_MBX_YES && ew_dir_entry_attr(e, name) == NULL)
				s->unread[i]++;
		}
	}
	take_problems(s, s->problems, res, sam, e->dn);
	count_skips(s, res, sam);
	free(proxies);
	ew_step_result_free(&res);
	atomic_fetch_add(&s->pr->users_done, 1);
}

static int on_users(void *arg, struct ew_dir_result *page)
{
	struct page_ctx *pc = arg;
	size_t i;

	if (wants_mailbox(pc->s))
		list_for_page(pc->s, page);
	for (i = 0; i < page->nentries; i++)
		judge_user(pc, &page->entries[i]);
	if (pc->s->o->on_page)
		pc->s->o->on_page(pc->s->o->on_page_arg);
	return 0;
}

/* ---- the groups ---- */

static int on_groups(void *arg, struct ew_dir_result *page)
{
	struct sweep *s = arg;
	size_t i, k;

	for (i = 0; i < page->nentries; i++) {
		const struct ew_dir_entry *e = &page->entries[i];
		const struct ew_dir_attr *a = ew_dir_entry_attr(e, "objectSid");
		const char *gt = first(e, "groupType");
		struct ew_dir_attr mo;
		struct ew_sid sid = { 0 };
		const char **dns = NULL;
		int complete;

		if (a && a->nvalues)
			ew_sid_parse_exact((const unsigned char *)a->values[0].val, a->values[0].len,
					   &sid);
		all_values(s->c.dir, e, "memberOf", &mo, &complete);
		if (mo.nvalues && (dns = calloc(mo.nvalues, sizeof(*dns))) == NULL) {
			values_done(&mo);
			return -1;
		}
		for (k = 0; k < mo.nvalues; k++)
			dns[k] = ew_dir_text(&mo.values[k]);
		/* groupType is a signed 32-bit value in the directory */
		if (ew_sweep_graph_add(s->graph, e->dn, &sid,
				       gt ? (unsigned)strtol(gt, NULL, 10) : 0, dns,
				       mo.nvalues, complete) != 0) {
			free(dns);
			values_done(&mo);
			return -1;
		}
		free(dns);
		values_done(&mo);
		s->groups++;
		atomic_fetch_add(&s->pr->groups, 1);
	}
	return 0;
}

/* ---- the report ---- */

static void add_not_checked(struct sweep *s, json_t *arr)
{
	static const char *const tok[] = { EW_CAUSE_TOKEN_TOO_LARGE, EW_CAUSE_SID_LIMIT };
	static const char *const mbx[] = { EW_CAUSE_MAILBOX_HALF_MOVED,
					   EW_CAUSE_MAILBOX_DESCRIPTOR,
					   EW_CAUSE_MAILBOX_PROTECTED };
	const char *as = s->reader ? s->reader : "the account exwizard binds as";
	size_t i;

	ew_sweep_not_checked(arr, "memberOf", "users", s->unread_memberof, tok, 2,
		    "memberOf is not readable as %s for %ld user%s: their token was not worked "
		    "out", as, s->unread_memberof, s->unread_memberof == 1 ? "" : "s");
	ew_sweep_not_checked(arr, "memberOf ranges", "users", s->memberof_cut, tok, 2,
		    "The memberOf of %ld user%s could not be read to the end (ranged retrieval "
		    "stopped early): no token worked out from a part", s->memberof_cut,
		    s->memberof_cut == 1 ? "" : "s");
	ew_sweep_not_checked(arr, "groups", "users", s->groups_unreadable, tok, 2,
		    "%ld user%s in groups that could not be read (not readable as %s, of another "
		    "domain, or their memberOf cut short): their token size is known only as a "
		    "range", s->groups_unreadable, s->groups_unreadable == 1 ? " is" : "s are", as);
	ew_sweep_not_checked(arr, "homeMDB", "users", s->unread_mailbox, mbx, 3,
		    "Whether %ld user%s a mailbox could not be told: homeMDB and msExchHomeServerName are not readable as %s",
		    s->unread_mailbox, s->unread_mailbox == 1 ? " has" : "s have", as);
	for (i = 0; i < s->nskipped; i++) {
		const char *cs[2] = { EW_CAUSE_MAILBOX_HALF_MOVED, EW_CAUSE_MAILBOX_DESCRIPTOR };
		int prot = strcmp(s->skipped[i].check, EW_CK_MBX_PROTECTED) == 0;

		if (prot)
			cs[0] = EW_CAUSE_MAILBOX_PROTECTED;
		ew_sweep_not_checked(arr, s->skipped[i].check, "users", s->skipped[i].users, cs, prot ? 1 : 2,
			    "%s could not judge %ld mailbox user%s, for example %s",
			    s->skipped[i].check, s->skipped[i].users,
			    s->skipped[i].users == 1 ? "" : "s", s->skipped[i].example ?
			    s->skipped[i].example : "");
	}
	ew_sweep_not_checked(arr, "Exchange configuration", "objects", s->exch_unreadable, NULL, 0,
		    "%ld object%s of "
		    "the Exchange configuration %s not readable as %s: Exchange servers among "
		    "them are not judged for spn-missing, and mailboxes on them only in part",
		    s->exch_unreadable, s->exch_unreadable == 1 ? "" : "s",
		    s->exch_unreadable == 1 ? "is" : "are", as);
	for (i = 0; i < EW_MBX_A_N; i++) {
		const char *c1[1] = { i == EW_MBX_A_SD ? EW_CAUSE_MAILBOX_DESCRIPTOR :
				      EW_CAUSE_MAILBOX_HALF_MOVED };

		if (i == EW_MBX_A_NICKNAME || i == EW_MBX_A_GUID || i == EW_MBX_A_PROXIES)
			continue;	/* no cause of the sweep rests on them */
		ew_sweep_not_checked(arr, ew_mbx_attr_names[i], "users", s->unread[i], c1, 1, "%s is not readable "
			    "as %s for %ld mailbox user%s: %s not checked for %s",
			    ew_mbx_attr_names[i], as, s->unread[i], s->unread[i] == 1 ? "" : "s",
			    c1[0], s->unread[i] == 1 ? "it" : "them");
	}
}

int ew_sweep_step(struct ew_run *run, struct ew_step_result *res)
{
	static const char *const uattrs[] = {
		"sAMAccountName", "objectSid", "userAccountControl", "memberOf", "primaryGroupID",
		"sIDHistory", "homeMDB", "homeMTA", "msExchHomeServerName", "legacyExchangeDN",
		"mailNickname", "msExchMailboxGuid", "msExchMailboxSecurityDescriptor",
		"proxyAddresses", "showInAddressBook", "msExchUserAccountControl", "targetAddress",
		"adminCount", "nTSecurityDescriptor", NULL };
	static const char *const gattrs[] = { "objectSid", "groupType", "memberOf", NULL };
	static const char *const tgattrs[] = { "tokenGroups", NULL };
	static const char *const sattrs[] = { "lDAPDisplayName", "schemaIDGUID",
					      "attributeSecurityGUID", NULL };
	static const char *const dattrs[] = { "objectSid", NULL };
	static const char *const xattrs[] = { "nCName", NULL };
	const struct ew_sweep_opts *o = run->sweep;
	struct sweep *s = calloc(1, sizeof(*s));
	struct ew_sweep_side *x = calloc(1, sizeof(*x));
	struct ew_sweep_spn *sj = x ? &x->spn : NULL;
	struct page_ctx pc = { 0 };
	struct ew_finding *why = NULL;
	struct ew_dir_req reqs[8];
	struct ew_dir_result *rs[8] = { NULL };
	char *errs[8] = { NULL }, err[512], *reader = NULL;
	struct ew_buf sf = { 0 };
	LDAPControl *sdctl = NULL, *ctrls[2] = { NULL, NULL };
	const char *config, *schema;
	char *partitions = NULL;
	json_t *data = NULL, *sw, *nc, *lt, *notes;
	long long t0 = now_ms();
	size_t i;
	int groups_ok = 0, opened = 0, fatal = 0;	/* fatal: nothing to report */

	if (s == NULL || x == NULL || o == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_SWEEP_DOMAIN, EW_SKIP, o ? "Out of memory" :
						       "No sweep was asked for"));
		if (o && o->progress)
			atomic_store(&o->progress->phase, EW_SWEEP_DONE);
		free(s);
		s = NULL;
		goto out;
	}
	s->run = run;
	s->o = o;
	s->pr = o->progress ? o->progress : &s->own;
	atomic_store(&s->pr->users_total, -1);
	atomic_store(&s->pr->phase, EW_SWEEP_STARTING);
	for (i = 0; i < ew_sweep_ncauses; i++) {
		size_t k;
		int on = o->ncauses == 0;

		for (k = 0; k < o->ncauses; k++)
			on |= strcmp(o->causes[k], ew_sweep_causes[i]) == 0;
		s->want |= (unsigned)on << i;
	}
	s->problems = json_array();
	s->graph = ew_sweep_graph_new();
	if (s->problems == NULL || s->graph == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_SWEEP_DOMAIN, EW_SKIP, "Out of memory"));
		goto out;
	}
	if (ew_dirsession_open(run, 0, EW_CK_SWEEP_DOMAIN, &s->c, &why) != 0) {
		ew_step_result_add(res, why);
		goto out;
	}
	opened = 1;
	reader = ew_target_reader(run->target, run->bind_dn) ?
		 strdup(ew_target_reader(run->target, run->bind_dn)) : NULL;
	s->reader = reader;
	s->domain_nc = ew_dir_rootdse(s->c.dir, "defaultNamingContext");
	config = ew_dir_rootdse(s->c.dir, "configurationNamingContext");
	schema = ew_dir_rootdse(s->c.dir, "schemaNamingContext");
	s->base = o->base ? o->base : s->domain_nc;
	if (s->domain_nc == NULL || s->base == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_SWEEP_DOMAIN, EW_SKIP, "The domain "
						       "controller %s gave no defaultNamingContext",
						       s->c.host ? s->c.host : ""));
		fatal = 1;
		goto out;
	}
	/* The counting and the SPNs start at once, each on its own connection. */
	/* (an SPN pass that could not start leaves them "not read": partial) */
	{
		struct ew_sweep_counters pr = { &s->pr->users_total, &s->pr->spns,
						&s->pr->problems };

		ew_sweep_side_start(x, run, s->base, &pr, wants(s, EW_CAUSE_SPN_DUPLICATE),
				    wants(s, EW_CAUSE_SPN_MISSING));
	}

	/* Everything else the judging needs, in one round trip. */
	s->exch = config ? ew_strprintf("CN=Microsoft Exchange,CN=Services,%s", config) : NULL;
	s->services = config ? ew_strprintf("CN=Services,%s", config) : NULL;
	partitions = config ? ew_strprintf("CN=Partitions,%s", config) : NULL;
	ew_buf_adds(&sf, "(|(lDAPDisplayName=memberOf)");
	for (i = 0; i < EW_MBX_A_N; i++)
		ew_buf_printf(&sf, "(lDAPDisplayName=%s)", ew_mbx_attr_names[i]);
	ew_buf_adds(&sf, ")");
	{
		/* the exchange configuration (three), the reader's SIDs, the schema
		 * entries, the domain's SID, the base, the forest's domains */
		const char *bases[8] = { s->exch, s->services, s->exch, "", schema, s->domain_nc,
					 s->base, partitions };
		const int scopes[8] = { LDAP_SCOPE_SUBTREE, LDAP_SCOPE_ONELEVEL,
					LDAP_SCOPE_ONELEVEL, LDAP_SCOPE_BASE, LDAP_SCOPE_ONELEVEL,
					LDAP_SCOPE_BASE, LDAP_SCOPE_BASE, LDAP_SCOPE_ONELEVEL };
		const char *filters[8] = { cfilter, "(objectClass=*)", "(objectClass=*)",
					   "(objectClass=*)", sf.data, "(objectClass=*)",
					   "(objectClass=*)", "(&(objectClass=crossRef)"
					   "(systemFlags:1.2.840.113556.1.4.803:=2))" };
		const char *const *attrs[8] = { cattrs, cattrs, cattrs, tgattrs, sattrs, dattrs,
						dattrs, xattrs };
		size_t n = 0, idx[8];

		for (i = 0; i < 8; i++) {
			idx[i] = (size_t)-1;
			if (bases[i] == NULL || filters[i] == NULL)
				continue;
			reqs[n].base = bases[i];
			reqs[n].scope = scopes[i];
			reqs[n].filter = filters[i];
			reqs[n].attrs = attrs[i];
			reqs[n].ctrls = NULL;
			idx[i] = n++;
		}
		ew_dir_search_many(s->c.dir, reqs, n, rs, errs, err, sizeof(err));
		/* The base must be there: a DN mistyped is not "nobody affected". */
		if (idx[6] == (size_t)-1 || rs[idx[6]] == NULL || rs[idx[6]]->nentries == 0) {
			struct ew_finding *f = ew_finding_new(EW_CK_SWEEP_DOMAIN, EW_SKIP, "%s is not in "
							      "the directory as read by %s",
							      s->base, reader ? reader :
							      "this account");

			if (f && idx[6] != (size_t)-1 && errs[idx[6]])
				ew_finding_evidence(f, "%s", errs[idx[6]]);
			ew_step_result_add(res, f);
			for (i = 0; i < n; i++) {
				ew_dir_result_free(&rs[i]);
				free(errs[i]);
			}
			fatal = 1;
			goto out;
		}
		for (i = 0; i < 3; i++)
			if (idx[i] != (size_t)-1)
				s->cfg_r[i] = rs[idx[i]], rs[idx[i]] = NULL;
		if (idx[3] != (size_t)-1)
			s->tg = rs[idx[3]], rs[idx[3]] = NULL;
		if (idx[4] != (size_t)-1)
			s->sch = rs[idx[4]], rs[idx[4]] = NULL;
		if (idx[5] != (size_t)-1 && rs[idx[5]] && rs[idx[5]]->nentries) {
			const struct ew_dir_attr *a = ew_dir_entry_attr(&rs[idx[5]]->entries[0],
									"objectSid");

			if (a && a->nvalues)
				ew_sid_parse_exact((const unsigned char *)a->values[0].val,
						   a->values[0].len, &s->domain_sid);
		}
		if (idx[7] != (size_t)-1 && rs[idx[7]])
			s->ndomains = (long)rs[idx[7]]->nentries;
		if (idx[0] == (size_t)-1 || s->cfg_r[0] == NULL)
			snprintf(s->users_why, sizeof(s->users_why), "%s",
				 idx[0] != (size_t)-1 && errs[idx[0]] ? errs[idx[0]] :
				 "no configurationNamingContext");
		for (i = 0; i < n; i++) {
			ew_dir_result_free(&rs[i]);
			free(errs[i]);
		}
	}
	ew_mbx_cfg_add_entries(&s->cb, s->cfg_r[0]);
	ew_mbx_cfg_add_listing(&s->cb, s->services, s->cfg_r[1]);
	ew_mbx_cfg_add_listing(&s->cb, s->exch, s->cfg_r[2]);
	s->cfg.objects = s->cb.objs;
	s->cfg.n = s->cb.n;
	s->cfg.reader = reader;
	s->cfg.root = s->exch;
	s->cfg.error = s->cfg_r[0] ? NULL : s->users_why;
	for (i = 0; i < s->cb.n; i++)
		s->exch_unreadable += s->cb.objs[i].unreadable;

	/* The group graph, once: every group of the domain and its memberOf. */
	atomic_store(&s->pr->phase, EW_SWEEP_GROUPS);
	if (wants_token(s)) {
		if (ew_dir_search_stream(s->c.dir, s->domain_nc, LDAP_SCOPE_SUBTREE,
					 "(objectClass=group)", gattrs, NULL, EW_SWEEP_PAGE,
					 EW_SWEEP_PAGE_TIMEOUT_MS, on_groups, s, err,
					 sizeof(err)) == 0 && ew_sweep_graph_link(s->graph) == 0)
			groups_ok = 1;
		else if (ew_run_cancelled(run))
			snprintf(s->users_why, sizeof(s->users_why), "stopped while the groups "
				 "were read, %ld of them", s->groups);
		else
			snprintf(s->users_why, sizeof(s->users_why), "the groups could not be "
				 "read: %.400s", err);
	}
	/* The users, page by page. */
	atomic_store(&s->pr->phase, EW_SWEEP_USERS);
	if (groups_ok || !wants_token(s)) {
		sdctl = ew_dir_sd_flags_control(EW_DIR_SD_OWNER | EW_DIR_SD_GROUP | EW_DIR_SD_DACL);
		ctrls[0] = sdctl;
		pc.s = s;
		ew_mbx_reader_init(&pc.rd, s->tg, s->sch);
		if (ew_dir_search_stream(s->c.dir, s->base, LDAP_SCOPE_SUBTREE,
					 EW_SWEEP_USER_FILTER, uattrs, sdctl ? ctrls : NULL, EW_SWEEP_PAGE,
					 EW_SWEEP_PAGE_TIMEOUT_MS, on_users, &pc, err,
					 sizeof(err)) == 0)
			s->users_done_all = 1;
		else
			snprintf(s->users_why, sizeof(s->users_why), "%s", ew_run_cancelled(run) ?
				 "stopped" : err);
		ew_mbx_reader_clear(&pc.rd);
	}
	atomic_store(&s->pr->phase, EW_SWEEP_FINISHING);

out:
	/* the helpers: at once when nothing will be reported */
	if (x)
		ew_sweep_side_end(x, fatal, run->cancel);
	if (s && s->problems && opened && !fatal) {
		int partial = !s->users_done_all || (wants_spn(s) && !sj->read) || s->oom;
		struct ew_buf cov = { 0 };
		long total = atomic_load(&s->pr->users_total);
		size_t k;

		json_array_extend(s->problems, sj->problems);
		if (!s->users_done_all) {
			if (total >= 0)
				ew_buf_printf(&cov, "%ld of %ld users", s->users, total);
			else
				ew_buf_printf(&cov, "%ld users (of a number not known)", s->users);
			ew_buf_printf(&cov, " judged (%s)", s->users_why[0] ? s->users_why :
				      "stopped");
		} else {
			ew_buf_printf(&cov, "all %ld users", s->users);
		}
		if (wants_spn(s))
			ew_buf_printf(&cov, "; SPNs: %s", sj->read ? "all read" :
				      ew_run_cancelled(run) ? "stopped before they were all read" :
				      sj->why[0] ? sj->why : "not read");
		if (s->oom)
			ew_buf_adds(&cov, "; out of memory: some problems may be missing");
		notes = json_array();
		if (s->ndomains > 1 && wants_token(s)) {
			char *t = ew_strprintf("The forest has %ld domains: universal groups of the "
					       "others may be missing from this domain's memberOf, "
					       "so a token is at least what is shown", s->ndomains);

			if (t)
				json_array_append_new(notes, json_string(t));
			free(t);
		}
		if (s->cfg.error && wants_mailbox(s))
			json_array_append_new(notes, ew_json_string_clean("The Exchange "
									  "configuration could not be read: half-moved mailboxes are not told apart"));
		sw = json_pack("{s:o, s:I, s:I, s:I, s:I, s:b, s:s?, s:o, s:o, s:o, s:o}",
			       "base", ew_json_string_clean(s->base),
			       "users", (json_int_t)s->users,
			       "mailboxes", (json_int_t)s->mailboxes,
			       "disabled", (json_int_t)s->disabled,
			       "duration_ms", (json_int_t)(now_ms() - t0),
			       "partial", partial,
			       "covered", cov.data,
			       "read_as", ew_json_string_clean(reader ? reader : ""),
			       "dc", ew_json_string_clean(s->c.host ? s->c.host : ""),
			       "gc", ew_json_string_clean(sj->gc ? sj->gc : ""),
			       "notes", notes);
		if (sw && groups_ok)
			json_object_set_new(sw, "groups", json_integer((json_int_t)s->groups));
		if (sw && wants_spn(s) && sj->read) {
			json_object_set_new(sw, "spns", json_integer((json_int_t)
								     ew_sweep_spns_count(sj->spns)));
			json_object_set_new(sw, "spn_scope", json_string(sj->scope));
		}
		if (sw && wants_spn(s))
			json_object_set_new(sw, "exchange_servers",
					    json_integer((json_int_t)sj->nservers));
		if (sw && total >= 0)
			json_object_set_new(sw, "users_total", json_integer(total));
		ew_buf_reset(&cov);
		nc = json_array();
		add_not_checked(s, nc);
		{
			static const char *const dup[] = { EW_CAUSE_SPN_DUPLICATE };
			static const char *const mis[] = { EW_CAUSE_SPN_MISSING };

			if (wants_spn(s) && sj->read && strcmp(sj->scope, "domain") == 0)
				ew_sweep_not_checked(nc, "global catalog", "sources", 1, dup, 1,
					    "The global catalog could not be reached: the SPNs of "
					    "this domain only were read, a duplicate with an account "
					    "of another domain is not seen");
			if (wants(s, EW_CAUSE_SPN_MISSING) && sj->read && !sj->exch_read)
				ew_sweep_not_checked(nc, "Exchange servers", "sources", 1, mis, 1,
					    "The Exchange servers could not be read (%s): their SPNs "
					    "were not judged", sj->exch_why[0] ? sj->exch_why :
					    "no reason given");
		}
		lt = json_array();
		for (k = 0; k < s->ntop; k++)
			json_array_append_new(lt, json_pack("{s:o, s:I, s:I, s:I, s:b}", "account",
							    ew_json_string_clean(s->top[k].account),
							    "sids", (json_int_t)s->top[k].sids,
							    "estimate_legacy",
							    (json_int_t)s->top[k].legacy,
							    "estimate_2012",
							    (json_int_t)s->top[k].e2012,
							    "delegation", s->top[k].delegation));
		data = json_pack("{s:o, s:O, s:o, s:o, s:o}", "sweep", sw, "problems", s->problems,
				 "counts", ew_sweep_counts(s->problems), "not_checked", nc,
				 "largest_tokens", lt);
		if (data) {
			ew_sweep_findings(res, s->problems, nc, sw);
			if (res->nfindings == 0)
				ew_step_result_add(res, ew_finding_new(EW_CK_SWEEP_DOMAIN, EW_PASS, "No "
								       "problem found among %ld "
								       "users", s->users));
			ew_step_data_put(res->data, data);
			data = NULL;
		} else {
			ew_step_result_add(res, ew_finding_new(EW_CK_SWEEP_DOMAIN, EW_SKIP,
							       "Out of memory"));
		}
	}
	if (s)
		atomic_store(&s->pr->phase, EW_SWEEP_DONE);
	if (sdctl)
		ldap_control_free(sdctl);
	ew_buf_reset(&sf);
	if (s) {
		for (i = 0; i < s->ntop; i++)
			free(s->top[i].account);
		for (i = 0; i < s->nskipped; i++)
			free(s->skipped[i].example);
		for (i = 0; i < s->nlisted; i++) {
			ew_dir_result_free(&s->listed[i].r);
			free(s->listed[i].base);
		}
		for (i = 0; i < 3; i++)
			ew_dir_result_free(&s->cfg_r[i]);
		ew_dir_result_free(&s->tg);
		ew_dir_result_free(&s->sch);
		free(s->cb.objs);
		free(s->cb.ver);
		free((char *)s->exch);
		free((char *)s->services);
		json_decref(s->problems);
		ew_sweep_graph_free(&s->graph);
		if (opened)
			ew_dirsession_close(&s->c);
	}
	if (x) {
		ew_sweep_side_free(x);
		free(x);
	}
	json_decref(data);
	free(partitions);
	free(reader);
	free(s);
	return 0;
}

const struct ew_step ew_sweep_step_def = {
	"sweep", "Who else is affected (domain-wide sweep)", "sweep",
	"every user of the domain by the causes the directory shows", ew_sweep_step,
	EW_STEP_DIRECTORY, EW_DATA_JSON,
};
