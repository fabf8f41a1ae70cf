/*
 * test_comparison.c - two identities side by side (core/comparison.c): the
 * step results of each are made here from the typed step data and findings
 * like the rules make them; the comparison's rows, the causes they explain,
 * the user's own causes, its JSON and its text.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "causes.h"
#include "comparison.h"
#include "result.h"
#include "stepdata.h"

#define SPN_HTTP "HTTP/exch1.exwiz.test"
#define SPN_MDB "exchangeMDB/exch1.exwiz.test"
#define MDB1 "CN=DB1,CN=Databases,CN=EXCH1,CN=Servers,CN=Exchange"
#define MDB2 "CN=DB2,CN=Databases,CN=EXCH2,CN=Servers,CN=Exchange"
#define SRV1 "/o=EXWIZ/ou=First Administrative Group/cn=Configuration/cn=Servers/cn=EXCH1"
#define SRV2 "/o=EXWIZ/ou=First Administrative Group/cn=Configuration/cn=Servers/cn=EXCH2"

/* One identity's steps. */
struct ident {
	struct ew_step_result *tk, *gr, *mb;
	const struct ew_step_result *v[4];
	size_t n;
};

static char *sdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void add(struct ew_step_result *r, const char *check, enum ew_severity sev,
		const char *cause, const char *title)
{
	struct ew_finding *f = ew_finding_new(check, sev, "%s", title);

	assert_non_null(f);
	if (cause)
		ew_finding_set_cause(f, cause);
	assert_int_equal(ew_step_result_add(r, f), 0);
}

/* Tickets: both SPNs; http_ok says whether HTTP's ticket was obtained. */
static struct ew_step_result *tickets(int http_ok, long long http_size, int tcp)
{
	struct ew_step_result *r = ew_step_result_new("tickets", "Kerberos tickets");

	assert_non_null(r);
	r->kind = EW_DATA_TICKETS;
	struct ew_tickets_data d = {0};

	d.gathered = 1;
	d.nservices = 2;
	d.services = calloc(2, sizeof(*d.services));
	d.services[0].spn = sdup(SPN_HTTP);
	d.services[0].status = sdup(http_ok ? "ok" : "error");
	d.services[0].error = sdup(http_ok ? NULL : "KDC_ERR_S_PRINCIPAL_UNKNOWN");
	d.services[0].cause = sdup(http_ok ? NULL : EW_CAUSE_SPN_MISSING);
	d.services[0].ticket_size = http_ok ? http_size : 0;
	d.services[1].spn = sdup(SPN_MDB);
	d.services[1].status = sdup("ok");
	d.services[1].ticket_size = 1400;
	d.ntickets = 1;
	d.tickets = calloc(1, sizeof(*d.tickets));
	d.tickets[0].tgt = 1;
	d.tickets[0].ticket_size = 1300;
	r->status = EW_ST_PASS;
	json_decref(r->data);
	r->data = ew_tickets_data_to_json(&d);
	ew_tickets_data_free(&d);
	if (!http_ok)
		add(r, EW_CK_KRB_SVC, EW_FAIL, EW_CAUSE_SPN_MISSING, "No session ticket for "
		    SPN_HTTP);
	else
		add(r, EW_CK_KRB_SVC, EW_PASS, NULL, "Every session ticket");
	add(r, EW_CK_KRB_TRANSPORT, tcp ? EW_INFO : EW_PASS, NULL, "transport");
	return r;
}

/* Groups: n global groups (G0..), big: the token estimate warns. */
static struct ew_step_result *groups(const char *const *names, size_t n, int big)
{
	struct ew_step_result *r = ew_step_result_new("groups", "Group membership");

	assert_non_null(r);
	r->kind = EW_DATA_GROUPS;
	struct ew_groups_data d = {0};
	size_t i;

	d.bound = d.gathered = d.estimate_complete = 1;
	d.counts.global = (long long)n;
	d.token_sids = (long long)n + 1;
	d.lsa_sids = d.token_sids + 15;
	d.estimate_legacy = big ? 14000 : 1400;
	d.estimate_2012 = big ? 9000 : 1300;
	d.ngroups = n;
	d.groups = calloc(n ? n : 1, sizeof(*d.groups));
	for (i = 0; i < n; i++) {
		const char *lt = strchr(names[i], '<');

		d.groups[i].name = lt ? strndup(names[i], (size_t)(lt - names[i] - 1)) :
				   sdup(names[i]);
		d.groups[i].path = lt ? sdup(names[i]) : NULL;
		d.groups[i].depth = lt != NULL;
		d.groups[i].scope = sdup("global");
		d.groups[i].security = 1;
	}
	r->status = EW_ST_PASS;
	json_decref(r->data);
	r->data = ew_groups_data_to_json(&d);
	ew_groups_data_free(&d);
	add(r, EW_CK_TOK_SIZE, big ? EW_WARN : EW_PASS, big ? EW_CAUSE_TOKEN_TOO_LARGE : NULL,
	    "token estimate");
	add(r, EW_CK_TOK_LSA, EW_PASS, NULL, "SIDs in the token");
	return r;
}

/* Mailbox: on db (MDB1 or MDB2) with home server srv; mover and its rights. */
static struct ew_step_result *mailbox(const char *db, const char *srv, const char *mover,
				      int mover_ok, int admin)
{
	struct ew_step_result *r = ew_step_result_new("mailbox", "Mailbox");

	assert_non_null(r);
	r->kind = EW_DATA_MAILBOX;
	struct ew_mailbox_data d = {0};
	int half = strcmp(db, MDB2) == 0 && strcmp(srv, SRV1) == 0;

	d.bound = d.read = d.gathered = 1;
	d.attributes.homeMDB = sdup(db);
	d.attributes.msExchHomeServerName = sdup(srv);
	d.attributes.legacyExchangeDN = sdup("/o=EXWIZ/ou=First Administrative Group/cn=Recipi"
					    "ents/cn=someone");
	d.attributes.msExchMailboxGuid = d.attributes.msExchMailboxSecurityDescriptor = 1;
	d.nconsistency = 1;
	d.consistency = calloc(1, sizeof(*d.consistency));
	d.consistency[0].severity = sdup(half ? "fail" : "pass");
	d.consistency[0].title = sdup(half ? "msExchHomeServerName names another server than "
				     "the one holding homeMDB" : "The mailbox agrees");
	d.mover_state = mover ? EW_MOVER_JUDGED : EW_MOVER_NULL;
	d.mover.account = sdup(mover);
	r->status = EW_ST_PASS;
	json_decref(r->data);
	r->data = ew_mailbox_data_to_json(&d);
	ew_mailbox_data_free(&d);
	add(r, EW_CK_MBX_CONSISTENT, half ? EW_FAIL : EW_PASS,
	    half ? EW_CAUSE_MAILBOX_HALF_MOVED : NULL, half ? "msExchHomeServerName names "
	    "another server" : "The mailbox agrees");
	if (mover)
		add(r, EW_CK_MBX_MOVER, mover_ok ? EW_PASS : EW_FAIL,
		    mover_ok ? NULL : EW_CAUSE_MOVER_RIGHTS, mover_ok ?
		    "could have moved the mailbox" : "lacks the rights to move a mailbox");
	add(r, EW_CK_MBX_PROTECTED, admin ? EW_WARN : EW_PASS, NULL, "protected");
	return r;
}

static void ident_set(struct ident *id, struct ew_step_result *tk, struct ew_step_result *gr,
		      struct ew_step_result *mb)
{
	id->tk = tk;
	id->gr = gr;
	id->mb = mb;
	id->n = 0;
	if (tk)
		id->v[id->n++] = tk;
	if (gr)
		id->v[id->n++] = gr;
	if (mb)
		id->v[id->n++] = mb;
}

static void ident_free(struct ident *id)
{
	ew_step_result_free(&id->tk);
	ew_step_result_free(&id->gr);
	ew_step_result_free(&id->mb);
}

/* The two identities of a test and their last comparison, freed after it. */
struct pair {
	struct ident u, o;
	struct ew_comparison *c;
};

static int pair_new(void **state)
{
	*state = calloc(1, sizeof(struct pair));
	return *state ? 0 : -1;
}

static int pair_free(void **state)
{
	struct pair *p = *state;

	ew_comparison_free(&p->c);
	ident_free(&p->u);
	ident_free(&p->o);
	free(p);
	return 0;
}

/* The tickets step of id ran with a cache of who's (unless it says already). */
static void cache_of(const struct ident *id, const char *who)
{
	json_t *cr;

	if (id->tk == NULL || !json_is_object(id->tk->data))
		return;
	cr = json_object_get(id->tk->data, "credentials");
	if (!json_is_object(cr)) {
		cr = json_object();
		json_object_set_new(id->tk->data, "credentials", cr);
	}
	if (!json_is_string(json_object_get(cr, "as")))
		json_object_set_new(cr, "as", json_string(who));
}

/* a compared with b, replacing the pair's last comparison; each identity's
 * tickets are its own unless the test said otherwise. */
static struct ew_comparison *compare(struct pair *p, const char *an, const struct ident *a,
				     const char *bn, const struct ident *b)
{
	cache_of(a, an);
	cache_of(b, bn);
	ew_comparison_free(&p->c);
	p->c = ew_compare(an, a->v, a->n, bn, b->v, b->n);
	assert_non_null(p->c);
	return p->c;
}

/* The user's own causes (ew_comparison_user_only_causes), their number. */
static size_t own(const struct ew_comparison *c, const char *const **ids)
{
	size_t n = 99;

	assert_int_equal(ew_comparison_user_only_causes(c, ids, &n), 0);
	return n;
}

static const struct ew_comparison_row *row(const struct ew_comparison *c, const char *aspect)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (strcmp(c->rows[i].aspect, aspect) == 0)
			return &c->rows[i];
	fail_msg("no row %s", aspect);
	return NULL;
}

static const char *const HEALTHY[] = { "Staff", "Sales < Staff" };
static const char *const ADMIN[] = { "Staff", "Domain Admins", "Exchange Admins",
				     "Org Mgmt < Exchange Admins" };

static void healthy(struct ident *id, const char *mover)
{
	ident_set(id, tickets(1, 1500, 0), groups(HEALTHY, 2, 0),
		  mailbox(MDB1, SRV1, mover, 1, 0));
}

/* Two healthy identities: no difference, none explains a cause, no cause is
 * the user's own; the rows are all there. */
static void test_two_healthy(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	const char *const *ids = NULL;
	size_t i;

	healthy(&p->u, "exadmin");
	healthy(&p->o, "exadmin");
	/* Only a warn or fail finding proves its cause. */
	add(p->u.gr, EW_CK_TOK_SIZE, EW_INFO, EW_CAUSE_TOKEN_TOO_LARGE, "near the limit");
	c = compare(p, "carol", &p->u, "Administrator", &p->o);
	assert_true(c->nrows > 20);
	assert_int_equal(ew_comparison_ndifferences(c), 0);
	for (i = 0; i < c->nrows; i++)
		assert_null(c->rows[i].explains);
	assert_int_equal(own(c, &ids), 0);
	assert_string_equal(row(c, "session ticket for " SPN_HTTP)->user, "obtained");
	assert_string_equal(row(c, "homeMDB")->other, MDB1);
	ew_comparison_free(&p->c);
	assert_null(p->c);
}

/* The story: carol's mailbox half-moved by junior without the rights; the
 * administrator's consistent, moved by exadmin. */
static void test_story(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	const struct ew_comparison_row *r;
	const char *const *ids = NULL;
	size_t n = 0, i;
	int moved = 0, rights = 0;

	ident_set(&p->u, tickets(1, 1500, 0), groups(HEALTHY, 2, 0),
		  mailbox(MDB2, SRV1, "junior", 0, 0));
	ident_set(&p->o, tickets(1, 1500, 0), groups(ADMIN, 4, 0),
		  mailbox(MDB2, SRV2, "exadmin", 1, 1));
	c = compare(p, "carol", &p->u, "Administrator", &p->o);
	r = row(c, "msExchHomeServerName");
	assert_true(r->differs);
	assert_string_equal(r->user, SRV1);
	assert_string_equal(r->other, SRV2);
	assert_string_equal(r->explains, EW_CAUSE_MAILBOX_HALF_MOVED);
	/* Both on DB2: homeMDB does not differ, explains nothing. */
	r = row(c, "homeMDB");
	assert_false(r->differs);
	assert_null(r->explains);
	r = row(c, "mailbox consistency");
	assert_true(r->differs);
	assert_non_null(strstr(r->user, "fail"));
	assert_string_equal(r->explains, EW_CAUSE_MAILBOX_HALF_MOVED);
	r = row(c, "mover");
	assert_string_equal(r->user, "junior");
	assert_string_equal(r->other, "exadmin");
	assert_string_equal(r->explains, EW_CAUSE_MOVER_RIGHTS);
	r = row(c, "mover's verdict");
	assert_true(r->differs);
	assert_string_equal(r->explains, EW_CAUSE_MOVER_RIGHTS);
	/* The administrator is protected; the user is not: a difference, no cause. */
	r = row(c, "protected account");
	assert_string_equal(r->user, "not protected");
	assert_string_equal(r->other, "protected");
	assert_null(r->explains);
	/* Groups the user lacks, largest first; the one the admin lacks. */
	r = row(c, "group Sales");
	assert_string_equal(r->user, "member through Sales < Staff (1 group)");
	assert_string_equal(r->other, "not a member");
	assert_string_equal(row(c, "security groups the other identity lacks")->other, "3");
	/* Exchange Admins brings Org Mgmt in: the largest, first. */
	for (i = 0; i < c->nrows && strcmp(c->rows[i].other, "not a member") != 0; i++)
		;
	assert_true(i + 3 < c->nrows);
	assert_string_equal(c->rows[i + 1].aspect, "group Exchange Admins");
	assert_string_equal(c->rows[i + 1].other, "member (2 groups)");
	assert_string_equal(c->rows[i + 2].aspect, "group Domain Admins");
	assert_string_equal(c->rows[i + 3].aspect, "group Org Mgmt");
	assert_string_equal(c->rows[i + 3].other,
			    "member through Org Mgmt < Exchange Admins (1 group)");
	n = own(c, &ids);
	for (i = 0; i < n; i++) {
		moved += strcmp(ids[i], EW_CAUSE_MAILBOX_HALF_MOVED) == 0;
		rights += strcmp(ids[i], EW_CAUSE_MOVER_RIGHTS) == 0;
	}
	assert_int_equal(n, 2);
	assert_int_equal(moved, 1);
	assert_int_equal(rights, 1);
	/* Turned round: the administrator's side proves nothing the user's lacks. */
	c = compare(p, "Administrator", &p->o, "carol", &p->u);
	assert_null(row(c, "msExchHomeServerName")->explains);
	assert_null(row(c, "mover")->explains);
	assert_int_equal(own(c, &ids), 0);
}

/* Token sizes: only the user's TOK-SIZE warns; the estimates differ and
 * explain token-too-large. Both warning: they differ, explain nothing. */
static void test_token(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	const struct ew_comparison_row *r;

	ident_set(&p->u, tickets(1, 9000, 1), groups(HEALTHY, 2, 1), NULL);
	ident_set(&p->o, tickets(1, 1500, 0), groups(HEALTHY, 2, 0), NULL);
	c = compare(p, "bob", &p->u, "Administrator", &p->o);
	r = row(c, "token estimate (2008 R2 rules)");
	assert_string_equal(r->user, "14000 bytes");
	assert_string_equal(r->other, "1400 bytes");
	assert_string_equal(r->explains, EW_CAUSE_TOKEN_TOO_LARGE);
	assert_string_equal(row(c, "token estimate (2012 rules)")->explains,
			    EW_CAUSE_TOKEN_TOO_LARGE);
	r = row(c, "ticket size for " SPN_HTTP);
	assert_string_equal(r->user, "9000 bytes");
	assert_true(r->differs);
	r = row(c, "Kerberos transport");
	assert_string_equal(r->user, "TCP");
	assert_string_equal(r->other, "UDP");
	assert_false(row(c, "groups: global")->differs);
	ident_free(&p->o);
	ident_set(&p->o, tickets(1, 1500, 0), groups(HEALTHY, 1, 1), NULL);
	c = compare(p, "bob", &p->u, "Administrator", &p->o);
	r = row(c, "groups: global");
	assert_true(r->differs);
	assert_null(r->explains);
}

/* A step missing on one side, or that gathered nothing: its aspects say
 * "not checked" for that side and explain no cause; no cause of that step is
 * the user's own. */
static void test_not_checked(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	const struct ew_comparison_row *r;
	size_t i;
	const char *const *ids = NULL;

	ident_set(&p->u, tickets(0, 0, 0), groups(HEALTHY, 2, 1), mailbox(MDB2, SRV1, "junior", 0, 0));
	ident_set(&p->o, NULL, groups(HEALTHY, 2, 0), NULL);
	p->o.mb = ew_step_result_new("mailbox", "Mailbox");
	assert_non_null(p->o.mb);
	p->o.mb->kind = EW_DATA_MAILBOX;
	p->o.mb->status = EW_ST_SKIP;
	add(p->o.mb, EW_CK_MBX_ATTRS, EW_SKIP, NULL, "No directory to read");
	p->o.v[p->o.n++] = p->o.mb;
	c = compare(p, "carol", &p->u, "Administrator", &p->o);
	/* No tickets on one side: one row says so, none per SPN. */
	r = row(c, "Kerberos tickets");
	assert_string_equal(r->other, EW_COMPARISON_NOT_CHECKED);
	assert_string_equal(r->user, "1 of 2 session tickets obtained, TGT 1300 bytes");
	assert_false(r->compared);
	assert_false(r->differs);
	assert_null(r->explains);
	for (i = 0; i < c->nrows; i++)
		assert_null(strstr(c->rows[i].aspect, "session ticket for"));
	r = row(c, "msExchHomeServerName");
	assert_string_equal(r->other, EW_COMPARISON_NOT_CHECKED ": No directory to read");
	assert_null(r->explains);
	for (i = 0; i < c->nrows; i++)
		if (strstr(c->rows[i].other, EW_COMPARISON_NOT_CHECKED))
			assert_null(c->rows[i].explains);
	/* The groups step ran on both sides: its cause is the user's own. */
	assert_string_equal(row(c, "token estimate (2008 R2 rules)")->explains,
			    EW_CAUSE_TOKEN_TOO_LARGE);
	assert_int_equal(own(c, &ids), 1);
	assert_string_equal(ids[0], EW_CAUSE_TOKEN_TOO_LARGE);
}

/* The user's tickets step showed another account's cache (the reader's):
 * never compared as the user's, no cause of it taken for the user's own. */
static void test_foreign_tickets(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	const struct ew_comparison_row *r;
	const char *const *ids = NULL;
	size_t i;

	ident_set(&p->u, tickets(0, 0, 1), groups(HEALTHY, 2, 0),
		  mailbox(MDB1, SRV1, NULL, 0, 0));
	healthy(&p->o, NULL);
	cache_of(&p->u, "Administrator@EXWIZ.TEST");
	c = compare(p, "carol", &p->u, "dave", &p->o);
	r = row(c, "Kerberos tickets");
	assert_string_equal(r->user, EW_COMPARISON_NOT_CHECKED ": the tickets shown are "
			    "Administrator@EXWIZ.TEST's, not carol's");
	assert_non_null(strstr(r->other, "session tickets obtained"));
	assert_null(r->explains);
	for (i = 0; i < c->nrows; i++)
		assert_null(strstr(c->rows[i].aspect, "session ticket for"));
	/* spn-missing and the TCP transport were Administrator's, not carol's. */
	assert_int_equal(own(c, &ids), 0);
	/* carol's own cache: her missing ticket is hers, and dave's is there. */
	json_object_del(json_object_get(p->u.tk->data, "credentials"), "as");
	c = compare(p, "carol", &p->u, "dave", &p->o);
	assert_string_equal(row(c, "session ticket for " SPN_HTTP)->explains,
			    EW_CAUSE_SPN_MISSING);
	assert_true(own(c, &ids) >= 1);
	assert_string_equal(ids[0], EW_CAUSE_SPN_MISSING);
}

/* The other's check did not look (a skip): the user's cause is not taken
 * for the user's own, and the row explains nothing. */
static void test_other_did_not_look(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	const char *const *ids = NULL;
	size_t i;

	ident_set(&p->u, tickets(1, 1500, 0), groups(HEALTHY, 2, 0),
		  mailbox(MDB1, SRV1, "junior", 0, 0));
	/* alice: no mover given; her MBX-MOVER skipped. */
	ident_set(&p->o, tickets(1, 1500, 0), groups(HEALTHY, 2, 0),
		  mailbox(MDB1, SRV1, NULL, 0, 0));
	add(p->o.mb, EW_CK_MBX_MOVER, EW_SKIP, NULL, "No mover given");
	c = compare(p, "bob", &p->u, "alice", &p->o);
	assert_null(row(c, "mover")->explains);
	assert_null(row(c, "mover's verdict")->explains);
	for (i = 0; i < own(c, &ids); i++)
		assert_string_not_equal(ids[i], EW_CAUSE_MOVER_RIGHTS);
}

/* A transcript may hold several runs of a step: the latest one counts, and
 * one run for an earlier target never does. */
static void test_latest_result(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	struct ew_step_result *old, *stale;

	healthy(&p->u, "exadmin");
	healthy(&p->o, "exadmin");
	/* The user's mailbox ran first on DB2, then on DB1 again. */
	old = mailbox(MDB2, SRV1, "exadmin", 1, 0);
	p->u.v[p->u.n] = p->u.v[p->u.n - 1];
	p->u.v[p->u.n - 1] = old;
	p->u.n++;
	c = compare(p, "carol", &p->u, "dave", &p->o);
	assert_false(row(c, "homeMDB")->differs);
	assert_string_equal(row(c, "homeMDB")->user, MDB1);
	/* The latest run was for an earlier target: the one before it counts. */
	stale = (struct ew_step_result *)p->u.v[p->u.n - 1];
	json_object_set_new(stale->data, "stale", json_string("user bob"));
	c = compare(p, "carol", &p->u, "dave", &p->o);
	assert_string_equal(row(c, "homeMDB")->user, MDB2);
	assert_true(row(c, "homeMDB")->differs);
	/* Both mailbox runs stale on one side: not compared, no difference. */
	json_object_set_new(old->data, "stale", json_string("user bob"));
	c = compare(p, "carol", &p->u, "dave", &p->o);
	assert_false(row(c, "homeMDB")->compared);
	assert_false(row(c, "homeMDB")->differs);
	ew_step_result_free(&old);
}

/* Nothing checked on either side is "nothing compared", never "no
 * difference"; the rows not compared are listed with why. */
static void test_nothing_compared(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	char *text;

	ident_set(&p->u, NULL, NULL, NULL);
	ident_set(&p->o, NULL, NULL, NULL);
	c = compare(p, "carol", &p->u, "dave", &p->o);
	assert_int_equal(ew_comparison_ndifferences(c), 0);
	assert_int_equal(ew_comparison_nnot_compared(c), c->nrows);
	text = ew_comparison_to_text(c, 80);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "Compared with dave:\n  nothing compared\nNot compared:\n",
				 52), 0);
	assert_null(strstr(text, "no difference"));
	free(text);
}

/* Hostile names and values are cleaned in the rows, the JSON and the text. */
static void test_hostile(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	json_t *j, *e;
	char *text, *dump;
	size_t i;
	const char *const evil[] = { "Evil\x1b[2J\xe2\x80\xae" };

	ident_set(&p->u, tickets(1, 1500, 0), groups(evil, 1, 0),
		  mailbox(MDB1, "\x1b]0;owned\x07" SRV1, "jun\rior", 1, 0));
	healthy(&p->o, "exadmin");
	/* As a report read back without cleaning would hold them. */
	json_object_set_new(json_object_get(p->u.mb->data, "attributes"), "homeMTA",
			    json_string("CN=MTA\x1b[8m"));
	json_object_set_new(json_array_get(json_object_get(p->u.tk->data, "services"), 0), "spn",
			    json_string("HTTP/\x1b[1mexch9"));
	c = compare(p, "car\x1b[31mol", &p->u, "Admin\nistrator", &p->o);
	assert_true(ew_comparison_ndifferences(c) > 0);
	text = ew_comparison_to_text(c, 200);
	assert_non_null(text);
	assert_false(tu_has_raw_control(text, strlen(text)));
	assert_null(strstr(text, "\xe2\x80\xae"));
	assert_non_null(strstr(text, "\\x1b"));
	assert_non_null(strstr(text, "jun\\rior"));
	assert_non_null(strstr(text, "HTTP/\\x1b[1mexch9"));
	assert_non_null(strstr(text, "CN=MTA\\x1b[8m"));
	j = ew_comparison_to_json(c);
	assert_non_null(j);
	dump = json_dumps(j, 0);
	assert_non_null(dump);
	assert_null(strstr(dump, "\\u001b"));
	assert_null(strstr(dump, "\xe2\x80\xae"));
	assert_false(tu_has_raw_control(json_string_value(json_object_get(j, "other")),
					strlen(json_string_value(json_object_get(j, "other")))));
	json_array_foreach(json_object_get(j, "differences"), i, e)
		assert_false(tu_has_raw_control(json_string_value(json_object_get(e, "user")),
						strlen(json_string_value(json_object_get(e, "user")))));
	free(dump);
	json_decref(j);
	free(text);
}

/* The JSON: user, other and the differing rows only, with explains. */
static void test_json(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	json_t *j, *d, *e;
	size_t i, nexpl = 0;

	ident_set(&p->u, tickets(1, 1500, 0), groups(HEALTHY, 2, 0),
		  mailbox(MDB2, SRV1, "junior", 0, 0));
	healthy(&p->o, "exadmin");
	c = compare(p, "carol", &p->u, "Administrator", &p->o);
	j = ew_comparison_to_json(c);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 4);
	assert_true(json_is_array(json_object_get(j, "not_compared")));
	assert_int_equal(json_array_size(json_object_get(j, "not_compared")),
			 ew_comparison_nnot_compared(c));
	assert_string_equal(json_string_value(json_object_get(j, "user")), "carol");
	assert_string_equal(json_string_value(json_object_get(j, "other")), "Administrator");
	d = json_object_get(j, "differences");
	assert_true(json_is_array(d));
	assert_int_equal(json_array_size(d), ew_comparison_ndifferences(c));
	assert_true(json_array_size(d) > 0 && json_array_size(d) < c->nrows);
	json_array_foreach(d, i, e) {
		assert_int_equal(json_object_size(e), 4);
		assert_true(json_is_string(json_object_get(e, "aspect")));
		assert_true(json_is_string(json_object_get(e, "user")));
		assert_true(json_is_string(json_object_get(e, "other")));
		assert_true(json_is_string(json_object_get(e, "explains")) ||
			    json_is_null(json_object_get(e, "explains")));
		assert_false(json_equal(json_object_get(e, "user"), json_object_get(e, "other")));
		nexpl += json_is_string(json_object_get(e, "explains"));
	}
	assert_true(nexpl >= 3);
	json_decref(j);
}

/* The text: the section, only the differing rows, lines within the width;
 * in columns when the values fit, else each row on lines of its own, and
 * nothing cut either way. */
static void test_text(void **state)
{
	struct pair *p = *state;
	struct ew_comparison *c;
	char *text, *line, *save = NULL;

	ident_set(&p->u, tickets(1, 1500, 0), groups(HEALTHY, 2, 0),
		  mailbox(MDB2, SRV1, "junior", 0, 0));
	healthy(&p->o, "exadmin");
	c = compare(p, "carol", &p->u, "Administrator", &p->o);
	text = ew_comparison_to_text(c, 80);
	assert_non_null(text);
	assert_int_equal(strncmp(text, "Compared with Administrator:\n", 29), 0);
	/* The DNs do not fit in 80 columns: stacked, whole. */
	assert_non_null(strstr(text, "\n  homeMDB\n    carol:         " MDB2));
	assert_non_null(strstr(text, "\n    Administrator: "));
	assert_non_null(strstr(text, "explains mailbox-half-moved"));
	assert_null(strstr(text, "session ticket"));
	assert_null(strstr(text, " | "));
	assert_null(strstr(text, "\xe2\x80\xa6"));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_true(tu_columns(line, strlen(line)) <= 80);
	free(text);
	text = ew_comparison_to_text(c, 400);
	assert_non_null(text);
	assert_null(strstr(text, "\xe2\x80\xa6"));
	assert_non_null(strstr(text, "  homeMDB  "));
	assert_non_null(strstr(text, " | "));
	assert_non_null(strstr(text, MDB2));
	free(text);
	ident_free(&p->o);
	healthy(&p->o, "junior");
	ident_free(&p->u);
	healthy(&p->u, "junior");
	c = compare(p, "carol", &p->u, "Administrator", &p->o);
	text = ew_comparison_to_text(c, 80);
	assert_string_equal(text, "Compared with Administrator:\n  no difference\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_healthy, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_story, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_token, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_not_checked, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_foreign_tickets, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_other_did_not_look, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_latest_result, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_nothing_compared, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_hostile, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_json, pair_new, pair_free),
		cmocka_unit_test_setup_teardown(test_text, pair_new, pair_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
