/*
 * test_sweeprules.c - the sweep's pure parts (sweeprules.c): a user's token
 * from the group graph (nesting, cycles, distribution groups, the primary
 * group, groups the graph does not have), the forest's SPNs (holders,
 * duplicates), the problem lines and their counts, the text and CSV
 * reports. Inputs built by hand; no directory.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "groupsrules.h"
#include "sid.h"
#include "sweepreport.h"
#include "sweeprules.h"

#define DOM "S-1-5-21-1-2-3"
#define SEC_GLOBAL (EW_GT_SECURITY | EW_GT_GLOBAL)
#define SEC_UNIVERSAL (EW_GT_SECURITY | EW_GT_UNIVERSAL)
#define SEC_DL (EW_GT_SECURITY | EW_GT_DOMAIN_LOCAL)
#define DIST_GLOBAL EW_GT_GLOBAL

static struct ew_sid sid_of(const char *s)
{
	struct ew_sid v;

	assert_int_equal(ew_sid_from_string(s, &v), 0);
	return v;
}

static void add(struct ew_sweep_graph *g, const char *dn, const char *sid, unsigned gt,
		const char *up1, const char *up2)
{
	const char *up[2] = { up1, up2 };
	struct ew_sid s = sid_of(sid);

	assert_int_equal(ew_sweep_graph_add(g, dn, &s, gt, up, up2 ? 2 : up1 ? 1 : 0, 1), 0);
}

/*
 * user -> G1 (global) -> U1 (universal) -> DL1 (domain local)
 *      -> G2 (global) -> G1 (again: counted once)
 *      -> D1 (distribution) -> G3: not followed
 * primary group Domain Users (513) -> U1
 * C1 <-> C2: a cycle
 */
static struct ew_sweep_graph *lab_graph(void)
{
	struct ew_sweep_graph *g = ew_sweep_graph_new();

	assert_non_null(g);
	add(g, "CN=G1,DC=x", DOM "-1101", SEC_GLOBAL, "CN=U1,DC=x", NULL);
	add(g, "CN=G2,DC=x", DOM "-1102", SEC_GLOBAL, "cn=g1,dc=x", NULL);	/* case differs */
	add(g, "CN=U1,DC=x", DOM "-1103", SEC_UNIVERSAL, "CN=DL1,DC=x", NULL);
	add(g, "CN=DL1,DC=x", DOM "-1104", SEC_DL, NULL, NULL);
	add(g, "CN=D1,DC=x", DOM "-1105", DIST_GLOBAL, "CN=G3,DC=x", NULL);
	add(g, "CN=G3,DC=x", DOM "-1106", SEC_GLOBAL, NULL, NULL);
	add(g, "CN=Domain Users,DC=x", DOM "-513", SEC_GLOBAL, "CN=U1,DC=x", NULL);
	add(g, "CN=C1,DC=x", DOM "-1107", SEC_GLOBAL, "CN=C2,DC=x", NULL);
	add(g, "CN=C2,DC=x", DOM "-1108", SEC_GLOBAL, "CN=C1,DC=x", "CN=Gone,DC=x");
	/* the same DN again keeps the first */
	add(g, "CN=G1,DC=x", DOM "-1199", SEC_DL, NULL, NULL);
	assert_int_equal(ew_sweep_graph_link(g), 0);
	assert_int_equal(ew_sweep_graph_size(g), 9);
	return g;
}

static void test_token(void **state)
{
	struct ew_sweep_graph *g = lab_graph();
	struct ew_sid dom = sid_of(DOM), primary = sid_of(DOM "-513");
	struct ew_token_counts c;
	const char *direct[] = { "CN=G1,DC=x", "CN=G2,DC=x", "CN=D1,DC=x" };
	const char *cycle[] = { "CN=C1,DC=x" };
	const char *unknown[] = { "CN=Hidden,DC=x", "CN=G3,DC=x" };

	(void)state;
	ew_sweep_graph_token(g, direct, 3, &primary, &dom, 0, &c);
	/* G1, G2, Domain Users, G3? no: only through the distribution group */
	assert_int_equal(c.global, 3);
	assert_int_equal(c.universal_in, 1);
	assert_int_equal(c.domain_local, 1);
	assert_int_equal(c.distribution, 1);
	assert_int_equal(c.not_looked_up, 0);
	/* five groups and the user's SID */
	assert_int_equal(c.token_sids, 6);
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 1200 + 40 * 1 + 8 * 4);
	assert_int_equal(ew_token_estimate_2012(&c, 0), 1200 + 8 * 5);
	assert_int_equal(ew_token_estimate_2012(&c, 1), 2 * (1200 + 8 * 5));

	/* a cycle ends; each group once; C2's parent the graph does not have
	 * (not readable, or of another domain) is a group not looked up, never
	 * left out */
	ew_sweep_graph_token(g, cycle, 1, NULL, &dom, 0, &c);
	assert_int_equal(c.global, 2);
	assert_int_equal(c.not_looked_up, 1);
	assert_int_equal(c.token_sids, 4);

	/* a DN the graph does not have is not looked up, never left out; a
	 * primary group it does not have neither */
	primary = sid_of(DOM "-9999");
	ew_sweep_graph_token(g, unknown, 2, &primary, &dom, 2, &c);
	assert_int_equal(c.not_looked_up, 2);
	assert_int_equal(c.global, 1);
	assert_int_equal(c.sid_history, 2);
	assert_int_equal(c.token_sids, 2 + 1 + 1 + 2);

	/* the marks of one user do not leak into the next */
	ew_sweep_graph_token(g, direct, 3, NULL, &dom, 0, &c);
	assert_int_equal(c.global, 2);
	assert_int_equal(c.universal_in, 1);
	ew_sweep_graph_free(&g);
	assert_null(g);
}

/*
 * Parents the reader may not read: each counted once, however many groups
 * lead to it; a memberOf cut short hides groups too.
 */
static void test_token_hidden(void **state)
{
	struct ew_sweep_graph *g = ew_sweep_graph_new();
	struct ew_sid dom = sid_of(DOM), s1 = sid_of(DOM "-1201"), s2 = sid_of(DOM "-1202");
	struct ew_sid s3 = sid_of(DOM "-1203");
	const char *hid[] = { "CN=Hidden,DC=x" };
	const char *both[] = { "CN=A,DC=x", "CN=B,DC=x" };
	const char *cut[] = { "CN=Cut,DC=x" };
	struct ew_token_counts c;

	(void)state;
	assert_int_equal(ew_sweep_graph_add(g, "CN=A,DC=x", &s1, SEC_GLOBAL, hid, 1, 1), 0);
	assert_int_equal(ew_sweep_graph_add(g, "CN=B,DC=x", &s2, SEC_GLOBAL, hid, 1, 1), 0);
	/* its memberOf read only in part (a range not completed) */
	assert_int_equal(ew_sweep_graph_add(g, "CN=Cut,DC=x", &s3, SEC_GLOBAL, NULL, 0, 0), 0);
	assert_int_equal(ew_sweep_graph_link(g), 0);
	assert_int_equal(ew_sweep_graph_size(g), 3);
	ew_sweep_graph_token(g, both, 2, NULL, &dom, 0, &c);
	assert_int_equal(c.global, 2);
	assert_int_equal(c.not_looked_up, 1);
	ew_sweep_graph_token(g, cut, 1, NULL, &dom, 0, &c);
	assert_int_equal(c.global, 1);
	assert_int_equal(c.not_looked_up, 1);
	ew_sweep_graph_free(&g);
}

/* Enough groups to make the tables grow several times: 3,000 globals in a
 * chain, each a member of the next. */
static void test_token_large(void **state)
{
	struct ew_sweep_graph *g = ew_sweep_graph_new();
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;
	char dn[64], up[64], sid[64];
	const char *first[] = { "CN=G0,DC=x" };
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		snprintf(dn, sizeof(dn), "CN=G%d,DC=x", i);
		snprintf(up, sizeof(up), "CN=G%d,DC=x", i + 1);
		snprintf(sid, sizeof(sid), DOM "-%d", 2000 + i);
		add(g, dn, sid, SEC_GLOBAL, i < 2999 ? up : NULL, NULL);
	}
	assert_int_equal(ew_sweep_graph_link(g), 0);
	ew_sweep_graph_token(g, first, 1, NULL, &dom, 0, &c);
	assert_int_equal(c.global, 3000);
	assert_int_equal(ew_token_lsa_sids(&c), 3000 + 1 + EW_LSA_WELL_KNOWN);
	ew_sweep_graph_free(&g);
}

struct dups {
	char seen[8][160];
	size_t n, holders[8];
};

static void on_dup(void *arg, const char *spn, const char *const *accounts,
		   const char *const *dns, size_t n)
{
	struct dups *d = arg;

	assert_true(d->n < 8);
	snprintf(d->seen[d->n], sizeof(d->seen[0]), "%s=%s,%s", spn, accounts[0],
		 accounts[n - 1]);
	assert_non_null(dns[0]);
	d->holders[d->n++] = n;
}

static void test_spns(void **state)
{
	struct ew_sweep_spns *s = ew_sweep_spns_new();
	const char *exch1[] = { "HTTP/exch1.exwiz.test", "HOST/EXCH1", "http/EXCH1.exwiz.test" };
	const char *web[] = { "HTTP/exch1.exwiz.test" };
	const char *sql[] = { "MSSQLSvc/sql1:1433" };
	const char *acc[4], *dns[4];
	struct dups d = { .n = 0 };

	(void)state;
	assert_int_equal(ew_sweep_spns_add(s, "EXCH1$", "CN=EXCH1,DC=x", exch1, 3), 0);
	assert_int_equal(ew_sweep_spns_add(s, "websvc", "CN=web,DC=x", web, 1), 0);
	assert_int_equal(ew_sweep_spns_add(s, "sql1", "CN=sql1,DC=x", sql, 1), 0);
	assert_int_equal(ew_sweep_spns_add(s, "sql2", "CN=sql2,DC=x", sql, 1), 0);
	/* one account naming an SPN twice (in two cases) holds it once */
	assert_int_equal(ew_sweep_spns_count(s), 3);
	assert_int_equal(ew_sweep_spns_holders(s, "host/exch1", acc, dns, 4), 1);
	assert_string_equal(acc[0], "EXCH1$");
	assert_int_equal(ew_sweep_spns_holders(s, "HTTP/EXCH1.EXWIZ.TEST", acc, dns, 4), 2);
	assert_string_equal(acc[1], "websvc");
	assert_string_equal(dns[1], "CN=web,DC=x");
	assert_int_equal(ew_sweep_spns_holders(s, "exchangeRFR/ex55", NULL, NULL, 0), 0);
	ew_sweep_spns_duplicates(s, on_dup, &d);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.seen[0], "HTTP/exch1.exwiz.test=EXCH1$,websvc");
	assert_string_equal(d.seen[1], "MSSQLSvc/sql1:1433=sql1,sql2");
	ew_sweep_spns_free(&s);
	assert_null(s);
}

static json_t *report_of(json_t *problems)
{
	return json_pack("{s:{s:s, s:i, s:i, s:i, s:i, s:b, s:s, s:s, s:s}, s:o, s:o, s:[], s:[]}",
			 "sweep", "base", "DC=exwiz,DC=test", "users", 3104, "mailboxes", 312,
			 "groups", 6402, "duration_ms", 4200, "partial", 0, "read_as",
			 "alice@EXWIZ.TEST", "dc", "dc1.exwiz.test", "covered", "all 3104 users",
			 "problems", problems, "counts", ew_sweep_counts(problems),
			 "not_checked", "largest_tokens");
}

static void test_problems_and_reports(void **state)
{
	json_t *problems = json_array(), *r;
	const char *ev[] = { "estimate 12,408 bytes", "nasty \x1b[31m" };
	char *text, *csv;

	(void)state;
	json_array_append_new(problems, ew_sweep_problem("carol", "CN=Carol,DC=x",
							 EW_CAUSE_MAILBOX_HALF_MOVED,
							 "half-moved", NULL, 0));
	json_array_append_new(problems, ew_sweep_problem("bob", "CN=Bob, Jr.,DC=x",
							 EW_CAUSE_TOKEN_TOO_LARGE,
							 "bob's \"token\" is too large", ev, 2));
	json_array_append_new(problems, ew_sweep_problem("erin", "CN=Erin,DC=x",
							 EW_CAUSE_TOKEN_TOO_LARGE, "too large",
							 NULL, 0));
	/* terminal escapes from the directory never reach the report */
	assert_null(strchr(json_string_value(json_array_get(json_object_get(
		json_array_get(problems, 1), "evidence"), 1)), '\x1b'));
	r = report_of(problems);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "counts"),
							    EW_CAUSE_TOKEN_TOO_LARGE)), 2);
	assert_null(json_object_get(json_object_get(r, "counts"), EW_CAUSE_SID_LIMIT));

	text = ew_sweep_text(r);
	assert_non_null(text);
	assert_non_null(strstr(text, "Sweep of DC=exwiz,DC=test: 3,104 users (312 with a "
				     "mailbox), 6,402 groups;"));
	assert_non_null(strstr(text, "4.2"));
	/* an 80-column terminal */
	{
		const char *l = text, *nl;

		for (; (nl = strchr(l, '\n')) != NULL; l = nl + 1)
			assert_true(nl - l <= 79);
	}
	/* the largest group first, though listed second */
	assert_true(strstr(text, "token-too-large: 2") < strstr(text, "mailbox-half-moved: 1"));
	assert_non_null(strstr(text, "exwizard check -u bob groups"));
	assert_non_null(strstr(text, "exwizard check -u carol mailbox"));
	assert_false(tu_has_raw_control(text, strlen(text)));
	free(text);

	csv = ew_sweep_csv(r);
	assert_non_null(csv);
	assert_non_null(strstr(csv, "account,dn,cause,title,evidence\r\n"));
	assert_non_null(strstr(csv, "bob,\"CN=Bob, Jr.,DC=x\",token-too-large,"
				    "\"bob's \"\"token\"\" is too large\",\"estimate 12,408 bytes; nasty "));
	assert_non_null(strstr(csv, "carol,\"CN=Carol,DC=x\",mailbox-half-moved,half-moved,\r\n"));
	free(csv);
	json_decref(r);

	/* nothing found, partial: said so */
	r = report_of(json_array());
	json_object_set_new(json_object_get(r, "sweep"), "partial", json_true());
	json_object_set_new(json_object_get(r, "sweep"), "covered",
			    json_string("1000 of 3104 users judged (cancelled)"));
	text = ew_sweep_text(r);
	assert_non_null(strstr(text, "PARTIAL: 1000 of 3104 users judged (cancelled)"));
	assert_non_null(strstr(text, "No problem found in what was covered."));
	free(text);
	json_decref(r);
}

static void test_causes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ew_sweep_ncauses; i++) {
		assert_true(ew_sweep_cause_known(ew_sweep_causes[i]));
		/* every one is a cause of the diagnosis */
		assert_non_null(ew_cause_find(ew_sweep_causes[i]));
	}
	assert_false(ew_sweep_cause_known("no-tgt"));
	assert_false(ew_sweep_cause_known("Token-too-large"));
	assert_false(ew_sweep_cause_known(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_token_hidden),
		cmocka_unit_test(test_token_large),
		cmocka_unit_test(test_spns),
		cmocka_unit_test(test_problems_and_reports),
		cmocka_unit_test(test_causes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
