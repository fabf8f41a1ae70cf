/*
 * test_groupsrules.c - the token size (core/groupsrules.c): counting groups by
 * scope, the two KB327825 estimates, the LSA SID count (KB328889) and the
 * verdicts TOK-COUNT, TOK-SIZE, TOK-LSA, TOK-MEASURED, against examples
 * worked out by hand below.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "finding.h"
#include "sid.h"
#include "result.h"
#include "text.h"
#include "groupsrules.h"

#define SEC EW_GT_SECURITY
#define GT_GLOBAL (SEC | EW_GT_GLOBAL)			/* 0x80000002 */
#define GT_DLOCAL (SEC | EW_GT_DOMAIN_LOCAL)		/* 0x80000004 */
#define GT_UNIVERSAL (SEC | EW_GT_UNIVERSAL)		/* 0x80000008 */
#define GT_BUILTIN (SEC | EW_GT_BUILTIN | EW_GT_DOMAIN_LOCAL)	/* 0x80000005, BUILTIN\Users */

/* ---- building group lists ---- */

struct glist {
	struct ew_token_group g[6000];
	size_t n;
};

static struct ew_sid sid_of(const char *s)
{
	struct ew_sid sid;

	assert_int_equal(ew_sid_from_string(s, &sid), 0);
	return sid;
}

/* count groups in domain dom (a SID string), RIDs from rid up. */
static void add(struct glist *l, const char *dom, unsigned rid, size_t count, int resolved,
		unsigned group_type)
{
	struct ew_sid d = sid_of(dom);
	size_t i;

	for (i = 0; i < count; i++) {
		struct ew_token_group *g;

		assert_true(l->n < sizeof(l->g) / sizeof(l->g[0]));
		g = &l->g[l->n++];
		memset(g, 0, sizeof(*g));
		g->sid = d;
		g->sid.sub[g->sid.nsub++] = rid + (unsigned)i;
		g->resolved = resolved;
		g->group_type = group_type;
		g->name = "group";
	}
}

#define DOM "S-1-5-21-1004336348-1177238915-682003330"	/* the account domain */
#define OTHER "S-1-5-21-7-8-9"				/* another domain of the forest */
#define BUILTIN "S-1-5-32"

/* ---- looking at results ---- */

static struct ew_step_result *new_res(void)
{
	struct ew_step_result *r = ew_step_result_new("groups", "Groups");

	assert_non_null(r);
	return r;
}

/* The one finding of res (there must be exactly one), with its check id. */
static const struct ew_finding *only(const struct ew_step_result *res, const char *check)
{
	assert_int_equal(res->nfindings, 1);
	assert_string_equal(res->findings[0]->check, check);
	tu_assert_findings_clean(res);
	return res->findings[0];
}

static int has_evidence(const struct ew_finding *f, const char *needle)
{
	size_t i;

	for (i = 0; i < f->nevidence; i++)
		if (strstr(f->evidence[i], needle))
			return 1;
	return 0;
}

static void assert_evidence(const struct ew_finding *f, const char *needle)
{
	size_t i;

	if (has_evidence(f, needle))
		return;
	for (i = 0; i < f->nevidence; i++)
		print_message("evidence[%zu]: %s\n", i, f->evidence[i]);
	fail_msg("no evidence line with \"%s\"", needle);
}

/* ---- scope ---- */

static void test_scope(void **state)
{
	(void)state;
	assert_int_equal(ew_token_scope(GT_GLOBAL), EW_SCOPE_GLOBAL);
	assert_int_equal(ew_token_scope(GT_DLOCAL), EW_SCOPE_DOMAIN_LOCAL);
	assert_int_equal(ew_token_scope(GT_UNIVERSAL), EW_SCOPE_UNIVERSAL);
	assert_int_equal(ew_token_scope(0x80000005u), EW_SCOPE_BUILTIN);
	assert_int_equal(ew_token_scope(EW_GT_GLOBAL), EW_SCOPE_GLOBAL);	/* distribution */
	assert_int_equal(ew_token_scope(SEC), EW_SCOPE_UNKNOWN);
	assert_string_equal(ew_scope_name(EW_SCOPE_GLOBAL), "global");
	assert_string_equal(ew_scope_name(EW_SCOPE_DOMAIN_LOCAL), "domain local");
	assert_string_equal(ew_scope_name(EW_SCOPE_UNIVERSAL), "universal");
	assert_string_equal(ew_scope_name(EW_SCOPE_BUILTIN), "builtin");
	assert_string_equal(ew_scope_name(EW_SCOPE_UNKNOWN), "unknown");
}

/* ---- counting ---- */

/*
 * Worked example 1 (KB327825, TokenSize = 1200 + 40d + 8s):
 *   10 global, 300 domain local, 5 universal in the account domain,
 *   3 universal from another domain, 2 sIDHistory SIDs, plus 4 distribution
 *   groups (not in the token).
 *   2008 R2 and earlier: d = 300 + 3 + 2 = 305, s = 10 + 5 = 15
 *     1200 + 40 * 305 + 8 * 15 = 1200 + 12200 + 120 = 13520
 *   2012 and later: d = 3 + 2 = 5, s = 10 + 5 + 300 = 315
 *     1200 + 40 * 5 + 8 * 315 = 1200 + 200 + 2520 = 3920
 *   Trusted for delegation: 27040 and 7840.
 *   Token SIDs: 10 + 300 + 5 + 3 groups + the user's own SID + 2 history = 321
 *   (tokenGroups already holds the primary group, so it is not added again);
 *   LSA: 321 + 14 = 335.
 */
static void example1(struct glist *l)
{
	l->n = 0;
	add(l, DOM, 1000, 10, 1, GT_GLOBAL);
	add(l, DOM, 2000, 300, 1, GT_DLOCAL);
	add(l, DOM, 3000, 5, 1, GT_UNIVERSAL);
	add(l, OTHER, 4000, 3, 1, GT_UNIVERSAL);
	add(l, DOM, 5000, 2, 1, EW_GT_UNIVERSAL);	/* distribution, universal */
	add(l, DOM, 5100, 2, 1, EW_GT_GLOBAL);		/* distribution, global */
}

static void test_count_example1(void **state)
{
	static struct glist l;
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;

	(void)state;
	example1(&l);
	ew_token_count(&dom, l.g, l.n, 2, &c);
	assert_int_equal(c.global, 10);
	assert_int_equal(c.domain_local, 300);
	assert_int_equal(c.universal_in, 5);
	assert_int_equal(c.universal_out, 3);
	assert_int_equal(c.builtin, 0);
	assert_int_equal(c.sid_history, 2);
	assert_int_equal(c.distribution, 4);
	assert_int_equal(c.unresolved_in, 0);
	assert_int_equal(c.unresolved_out, 0);
	assert_int_equal(c.token_sids, 321);

	assert_int_equal(ew_token_estimate_legacy(&c, 0), 13520);
	assert_int_equal(ew_token_estimate_2012(&c, 0), 3920);
	assert_int_equal(ew_token_estimate_legacy(&c, 1), 27040);
	assert_int_equal(ew_token_estimate_2012(&c, 1), 7840);
	assert_int_equal(ew_token_lsa_sids(&c), 335);
}

/*
 * Worked example 2: builtin, unresolved and distribution.
 *   2 global (account domain), BUILTIN\Users (S-1-5-32-545, groupType
 *   0x80000005) and BUILTIN\Administrators (0x80000005), 1 unresolved SID in
 *   the account domain, 1 unresolved from another domain, 1 distribution
 *   group, no sIDHistory.
 *   legacy: d = builtin 2 + unresolved 1 + 1 = 4, s = global 2
 *     1200 + 40 * 4 + 8 * 2 = 1200 + 160 + 16 = 1376
 *   2012:   d = unresolved outside 1, s = global 2 + builtin 2 + unresolved inside 1 = 5
 *     1200 + 40 * 1 + 8 * 5 = 1200 + 40 + 40 = 1280
 *   Token SIDs: 2 + 2 + 1 + 1 groups + the user = 7.
 */
static void test_count_builtin_unresolved(void **state)
{
	static struct glist l;
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;

	(void)state;
	l.n = 0;
	add(&l, DOM, 1100, 2, 1, GT_GLOBAL);
	add(&l, BUILTIN, 544, 2, 1, 0x80000005u);
	add(&l, DOM, 7777, 1, 0, 0);		/* unresolved, groupType unknown */
	add(&l, OTHER, 8888, 1, 0, GT_GLOBAL);	/* unresolved: groupType not looked at */
	add(&l, DOM, 9999, 1, 1, EW_GT_DOMAIN_LOCAL);	/* distribution */
	ew_token_count(&dom, l.g, l.n, 0, &c);
	assert_int_equal(c.global, 2);
	assert_int_equal(c.builtin, 2);
	assert_int_equal(c.domain_local, 0);	/* 0x80000005 is builtin, not domain local */
	assert_int_equal(c.unresolved_in, 1);
	assert_int_equal(c.unresolved_out, 1);
	assert_int_equal(c.distribution, 1);
	assert_int_equal(c.universal_in + c.universal_out, 0);
	assert_int_equal(c.token_sids, 7);
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 1376);
	assert_int_equal(ew_token_estimate_2012(&c, 0), 1280);
}

static void test_count_universal_in_out(void **state)
{
	static struct glist l;
	struct ew_sid dom = sid_of(DOM), other = sid_of(OTHER);
	struct ew_token_counts c;

	(void)state;
	l.n = 0;
	add(&l, DOM, 1200, 4, 1, GT_UNIVERSAL);
	add(&l, OTHER, 1300, 6, 1, GT_UNIVERSAL);
	/* A SID one level deeper than the domain's RIDs is not "in". */
	add(&l, DOM "-1", 5, 1, 1, GT_UNIVERSAL);

	ew_token_count(&dom, l.g, l.n, 0, &c);
	assert_int_equal(c.universal_in, 4);
	assert_int_equal(c.universal_out, 7);

	/* Seen from the other domain it is the other way round. */
	ew_token_count(&other, l.g, l.n, 0, &c);
	assert_int_equal(c.universal_in, 6);
	assert_int_equal(c.universal_out, 5);

	/* No account domain known: everything is outside (the worse case). */
	ew_token_count(NULL, l.g, l.n, 3, &c);
	assert_int_equal(c.universal_in, 0);
	assert_int_equal(c.universal_out, 11);
	assert_int_equal(c.sid_history, 3);
	assert_int_equal(c.token_sids, 11 + 1 + 3);
	/* 1200 + 40 * (11 + 3) = 1760 by both rules. */
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 1760);
	assert_int_equal(ew_token_estimate_2012(&c, 0), 1760);
}

static void test_count_empty(void **state)
{
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;

	(void)state;
	memset(&c, 0xff, sizeof(c));
	ew_token_count(&dom, NULL, 0, 0, &c);
	assert_int_equal(c.global + c.domain_local + c.universal_in + c.universal_out +
			 c.builtin + c.distribution + c.unresolved_in + c.unresolved_out, 0);
	assert_int_equal(c.token_sids, 1);	/* the user's own SID */
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 1200);
	assert_int_equal(ew_token_estimate_2012(&c, 1), 2400);
	assert_int_equal(ew_token_lsa_sids(&c), 15);
}

/* ---- TOK-COUNT ---- */

static void test_rule_count(void **state)
{
	static struct glist l;
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;
	struct ew_step_result *res = new_res();
	const struct ew_finding *f;

	(void)state;
	example1(&l);
	ew_token_count(&dom, l.g, l.n, 2, &c);
	ew_token_rule_count(&c, "alice", res);
	f = only(res, "TOK-COUNT");
	assert_int_equal(f->severity, EW_INFO);
	assert_string_equal(f->title, "alice is in 318 security groups (transitively)");
	assert_int_equal(f->nevidence, 3);
	assert_string_equal(f->evidence[0], "global 10, domain local 300, universal 5 in the "
			    "account domain + 3 outside, builtin 0");
	assert_string_equal(f->evidence[1], "sIDHistory: 2 SIDs");
	assert_string_equal(f->evidence[2], "distribution groups (not in the token): 4");
	ew_step_result_free(&res);

	/* No sIDHistory, no distribution: one line; unresolved get theirs. */
	memset(&c, 0, sizeof(c));
	c.global = 3;
	c.unresolved_in = 1;
	c.unresolved_out = 2;
	res = new_res();
	ew_token_rule_count(&c, NULL, res);
	f = only(res, "TOK-COUNT");
	assert_string_equal(f->title, "The user is in 6 security groups (transitively)");
	assert_int_equal(f->nevidence, 2);
	assert_false(has_evidence(f, "sIDHistory"));
	assert_false(has_evidence(f, "distribution"));
	assert_evidence(f, "not resolved (foreign or deleted): 1 in the domain, 2 outside");
	ew_step_result_free(&res);

	/* A user name with escape sequences comes out clean. */
	res = new_res();
	ew_token_rule_count(&c, "ev\x1b[2Jil\r\n", res);
	f = only(res, "TOK-COUNT");
	assert_null(strchr(f->title, '\x1b'));
	ew_step_result_free(&res);
}

/* ---- TOK-SIZE ---- */

static enum ew_severity size_sev(const struct ew_token_counts *c, int delegation)
{
	struct ew_step_result *res = new_res();
	enum ew_severity sev;

	ew_token_rule_size(c, delegation, "bob", res);
	sev = only(res, "TOK-SIZE")->severity;
	ew_step_result_free(&res);
	return sev;
}

static void test_rule_size_example(void **state)
{
	static struct glist l;
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;
	struct ew_step_result *res = new_res();
	const struct ew_finding *f;

	(void)state;
	example1(&l);
	ew_token_count(&dom, l.g, l.n, 2, &c);
	ew_token_rule_size(&c, 0, "alice", res);
	f = only(res, "TOK-SIZE");
	assert_int_equal(f->severity, EW_WARN);	/* 13520 > 12000, 3920 <= 48000 */
	tu_assert_cause(f, EW_CAUSE_TOKEN_TOO_LARGE);
	assert_non_null(strstr(f->title, "13520"));
	assert_non_null(strstr(f->title, "3920"));
	assert_non_null(strstr(f->title, "12,000"));
	assert_int_equal(f->nevidence, 3);
	assert_non_null(strstr(f->evidence[0], "2008 R2"));
	assert_non_null(strstr(f->evidence[0], "1200 + 40 x 305"));
	/* over HTTP: base64, 4/3 x 13520 = 18027 > 16,384 (the http-400 symptom) */
	assert_non_null(strstr(f->evidence[2], "4/3 x 13520 (2008 R2 rules) = 18027 bytes"));
	assert_non_null(strstr(f->evidence[2], "HTTP 400"));
	assert_non_null(strstr(f->evidence[0], "+ 8 x 15"));
	assert_non_null(strstr(f->evidence[0], "= 13520"));
	assert_non_null(strstr(f->evidence[1], "2012"));
	assert_non_null(strstr(f->evidence[1], "1200 + 40 x 5"));
	assert_non_null(strstr(f->evidence[1], "+ 8 x 315"));
	assert_non_null(strstr(f->evidence[1], "= 3920"));
	assert_null(strstr(f->evidence[0], "delegation"));
	assert_non_null(f->detail);
	assert_non_null(strstr(f->detail, "alice"));
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "MaxTokenSize"));
	ew_step_result_free(&res);

	res = new_res();
	ew_token_rule_size(&c, 1, "alice", res);
	f = only(res, "TOK-SIZE");
	assert_int_equal(f->severity, EW_WARN);
	assert_non_null(strstr(f->evidence[0], "doubled for delegation = 27040"));
	assert_non_null(strstr(f->evidence[1], "doubled for delegation = 7840"));
	ew_step_result_free(&res);
}

static void test_rule_size_boundaries(void **state)
{
	struct ew_token_counts c;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	/* 1200 + 40d + 8s is a multiple of 8: 12000 and 12008 are the neighbours. */
	memset(&c, 0, sizeof(c));
	c.domain_local = 270;			/* 1200 + 10800 = 12000 */
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 12000);
	assert_int_equal(size_sev(&c, 0), EW_PASS);
	res = new_res();
	ew_token_rule_size(&c, 0, "bob", res);
	f = only(res, "TOK-SIZE");
	assert_non_null(strstr(f->title, "12000"));
	assert_non_null(strstr(f->title, "within"));
	assert_int_equal(f->nevidence, 2);	/* both computations on a pass too */
	assert_non_null(strstr(f->evidence[0], "= 12000"));
	assert_non_null(strstr(f->evidence[1], "= 3360"));	/* 1200 + 8 * 270 */
	assert_null(f->detail);
	assert_null(f->remedy);
	ew_step_result_free(&res);

	c.global = 1;				/* 12008 */
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 12008);
	assert_int_equal(size_sev(&c, 0), EW_WARN);

	/* HTTP: base64 of 12288 bytes is 16384, the http.sys default: not over;
	 * 12296 (16395) is */
	memset(&c, 0, sizeof(c));
	c.global = 1386;			/* 1200 + 8 x 1386 = 12288 both ways */
	res = new_res();
	ew_token_rule_size(&c, 0, "bob", res);
	f = only(res, "TOK-SIZE");
	assert_int_equal(f->nevidence, 2);
	ew_step_result_free(&res);
	c.global = 1387;			/* 12296 */
	res = new_res();
	ew_token_rule_size(&c, 0, "bob", res);
	f = only(res, "TOK-SIZE");
	assert_int_equal(f->nevidence, 3);
	assert_non_null(strstr(f->evidence[2], "4/3 x 12296 (2012 rules) = 16395 bytes"));
	ew_step_result_free(&res);

	/* Delegation doubles: 6000 -> 12000 pass, 6008 -> 12016 warn. */
	memset(&c, 0, sizeof(c));
	c.domain_local = 120;
	assert_int_equal(ew_token_estimate_legacy(&c, 1), 12000);
	assert_int_equal(size_sev(&c, 1), EW_PASS);
	c.global = 1;
	assert_int_equal(size_sev(&c, 0), EW_PASS);
	assert_int_equal(ew_token_estimate_legacy(&c, 1), 12016);
	assert_int_equal(size_sev(&c, 1), EW_WARN);

	/* 2012 rules: 48000 is still allowed (warn for the legacy one), 48008 fails. */
	memset(&c, 0, sizeof(c));
	c.universal_out = 1170;			/* 1200 + 46800 = 48000 both ways */
	assert_int_equal(ew_token_estimate_2012(&c, 0), 48000);
	assert_int_equal(size_sev(&c, 0), EW_WARN);
	c.global = 1;				/* 48008 */
	assert_int_equal(ew_token_estimate_2012(&c, 0), 48008);
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 48008);	/* < 65535 */
	assert_int_equal(size_sev(&c, 0), EW_FAIL);

	/* Legacy over 65535 fails even with a small 2012 estimate. */
	memset(&c, 0, sizeof(c));
	c.domain_local = 1608;
	c.global = 1;				/* 1200 + 64320 + 8 = 65528 */
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 65528);
	assert_int_equal(ew_token_estimate_2012(&c, 0), 14072);
	assert_int_equal(size_sev(&c, 0), EW_WARN);
	c.global = 2;				/* 65536 */
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 65536);
	assert_int_equal(ew_token_estimate_2012(&c, 0), 14080);
	assert_int_equal(size_sev(&c, 0), EW_FAIL);
	res = new_res();
	ew_token_rule_size(&c, 0, NULL, res);
	f = only(res, "TOK-SIZE");
	assert_non_null(strstr(f->title, "over the limit"));
	assert_non_null(f->detail);
	assert_non_null(strstr(f->detail, "The user"));
	assert_non_null(f->remedy);
	ew_step_result_free(&res);
}

/* ---- TOK-LSA ---- */

static const struct ew_finding *lsa(unsigned token_sids, struct ew_step_result **res)
{
	struct ew_token_counts c;

	memset(&c, 0, sizeof(c));
	c.token_sids = token_sids;
	*res = new_res();
	ew_token_rule_lsa(&c, "carol", *res);
	return only(*res, "TOK-LSA");
}

static void test_rule_lsa_boundaries(void **state)
{
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	f = lsa(886, &res);		/* 886 + 14 = 900: not over 900 */
	assert_int_equal(f->severity, EW_PASS);
	assert_non_null(strstr(f->title, "900 SIDs"));
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->evidence[0], "886 group and user SIDs + about 14"));
	assert_null(f->remedy);
	ew_step_result_free(&res);

	f = lsa(887, &res);		/* 901 */
	assert_int_equal(f->severity, EW_WARN);
	tu_assert_cause(f, NULL);
	assert_non_null(strstr(f->title, "901 SIDs"));
	assert_non_null(strstr(f->title, "carol"));
	ew_step_result_free(&res);

	f = lsa(996, &res);		/* 1010: not over 1010 */
	assert_int_equal(f->severity, EW_WARN);
	tu_assert_cause(f, NULL);
	assert_non_null(strstr(f->title, "1010 SIDs"));
	ew_step_result_free(&res);

	f = lsa(997, &res);		/* 1011 */
	assert_int_equal(f->severity, EW_FAIL);
	tu_assert_cause(f, EW_CAUSE_SID_LIMIT);
	assert_non_null(strstr(f->title, "1011 SIDs"));
	assert_non_null(strstr(f->title, "KB328889"));
	assert_non_null(f->detail);
	assert_non_null(f->remedy);
	ew_step_result_free(&res);
}

/* From the groups: 885 global groups (the primary group among them) + the user = 886. */
static void test_rule_lsa_from_groups(void **state)
{
	static struct glist l;
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;
	struct ew_step_result *res = new_res();

	(void)state;
	l.n = 0;
	add(&l, DOM, 10000, 885, 1, GT_GLOBAL);
	add(&l, DOM, 20000, 50, 1, EW_GT_GLOBAL);	/* distribution: do not count */
	ew_token_count(&dom, l.g, l.n, 0, &c);
	assert_int_equal(c.token_sids, 886);
	ew_token_rule_lsa(&c, "dave", res);
	assert_int_equal(only(res, "TOK-LSA")->severity, EW_PASS);
	ew_step_result_free(&res);

	/* One sIDHistory SID more tips it over 900. */
	ew_token_count(&dom, l.g, l.n, 1, &c);
	assert_int_equal(c.token_sids, 887);
	res = new_res();
	ew_token_rule_lsa(&c, "dave", res);
	assert_int_equal(only(res, "TOK-LSA")->severity, EW_WARN);
	ew_step_result_free(&res);
}

/* ---- TOK-MEASURED ---- */

static void test_rule_measured(void **state)
{
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	res = new_res();
	ew_token_rule_measured(4000, 0, 0, 1, res);
	f = only(res, "TOK-MEASURED");
	assert_int_equal(f->severity, EW_SKIP);
	assert_non_null(strstr(f->title, "no TGT"));
	ew_step_result_free(&res);

	res = new_res();
	ew_token_rule_measured(1336, 1100, 0, 0, res);
	f = only(res, "TOK-MEASURED");
	assert_int_equal(f->severity, EW_INFO);
	assert_string_equal(f->title, "Measured: TGT 1100 bytes; estimate 1336; UDP limit 1465");
	assert_int_equal(f->nevidence, 0);
	assert_null(f->detail);
	ew_step_result_free(&res);

	/* Exactly the UDP limit with TCP blocked: still info. */
	res = new_res();
	ew_token_rule_measured(1336, 1465, 1465, 1, res);
	assert_int_equal(only(res, "TOK-MEASURED")->severity, EW_INFO);
	ew_step_result_free(&res);

	/* Large TGT, TCP open: info, with the explanation. */
	res = new_res();
	ew_token_rule_measured(13520, 4300, 0, 0, res);
	f = only(res, "TOK-MEASURED");
	assert_int_equal(f->severity, EW_INFO);
	tu_assert_cause(f, NULL);
	assert_non_null(f->detail);
	assert_non_null(strstr(f->detail, "TCP"));
	assert_null(strstr(f->detail, "blocked"));
	ew_step_result_free(&res);

	/* Large TGT, TCP blocked: warn. */
	res = new_res();
	ew_token_rule_measured(13520, 1466, 0, 1, res);
	f = only(res, "TOK-MEASURED");
	assert_int_equal(f->severity, EW_WARN);
	tu_assert_cause(f, EW_CAUSE_KDC_TCP_BLOCKED);
	assert_non_null(strstr(f->detail, "TCP/88 is blocked"));
	ew_step_result_free(&res);

	/* A large service ticket alone, TCP blocked: warn, with its evidence. */
	res = new_res();
	ew_token_rule_measured(13520, 1000, 5000, 1, res);
	f = only(res, "TOK-MEASURED");
	assert_int_equal(f->severity, EW_WARN);
	tu_assert_cause(f, EW_CAUSE_KDC_TCP_BLOCKED);
	assert_non_null(strstr(f->title, "a service ticket"));
	assert_int_equal(f->nevidence, 1);
	assert_string_equal(f->evidence[0], "a service ticket: 5000 bytes");
	ew_step_result_free(&res);
}

/* ---- SIDs whose lookup failed ---- */

/*
 * As frank (the lab's --scale user) by the 2008 R2 rules: tokenGroups gives
 * 5,000 SIDs, 1,999 that cost 40 bytes (frank has 1,998 domain local and 1
 * builtin) and 3,001 that cost 8 (2,001 global, 1,000 universal); here as
 * 1,999 domain local and 3,001 global groups of the account domain.
 *   complete:  1200 + 40 * 1999 + 8 * 3001 = 1200 + 79960 + 24008 = 105168
 * When every lookup fails (the connection died as they began), counting the
 * SIDs as foreign or deleted at 40 bytes gave 1200 + 40 * 5000 = 201200. Not
 * looked up, they count 8 to 40 bytes each: 41200 to 201200.
 */
static void frank(struct glist *l)
{
	l->n = 0;
	add(l, DOM, 100000, 1999, 1, GT_DLOCAL);
	add(l, DOM, 200000, 3001, 1, GT_GLOBAL);
}

/* As the groups step leaves a batch whose lookup failed: nothing known of it. */
static void lookup_failed(struct glist *l, size_t from, size_t count)
{
	size_t i;

	for (i = from; i < from + count && i < l->n; i++) {
		l->g[i].resolved = 0;
		l->g[i].group_type = 0;
		l->g[i].name = NULL;
		l->g[i].not_looked_up = 1;
	}
}

static void test_count_not_looked_up(void **state)
{
	static struct glist l;
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;

	(void)state;
	frank(&l);
	ew_token_count(&dom, l.g, l.n, 0, &c);
	assert_int_equal(c.not_looked_up, 0);
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 105168);
	assert_int_equal(ew_token_estimate_unknown(&c, 0), 0);

	/* Every lookup failed: not one SID is foreign or deleted. */
	lookup_failed(&l, 0, l.n);
	ew_token_count(&dom, l.g, l.n, 0, &c);
	assert_int_equal(c.not_looked_up, 5000);
	assert_int_equal(c.unresolved_in + c.unresolved_out, 0);
	assert_int_equal(c.global + c.domain_local, 0);
	assert_int_equal(c.token_sids, 5001);		/* still in the token */
	assert_int_equal(ew_token_lsa_sids(&c), 5015);
	assert_int_equal(ew_token_estimate_legacy(&c, 0), 41200);	/* at least */
	assert_int_equal(ew_token_estimate_2012(&c, 0), 41200);
	assert_int_equal(ew_token_estimate_unknown(&c, 0), 160000);	/* at most 201200 */
	assert_int_equal(ew_token_estimate_unknown(&c, 1), 320000);

	/* A SID looked up and not found is still foreign or deleted. */
	l.n = 0;
	add(&l, DOM, 7777, 1, 0, 0);
	ew_token_count(&dom, l.g, l.n, 0, &c);
	assert_int_equal(c.unresolved_in, 1);
	assert_int_equal(c.not_looked_up, 0);
}

static const struct ew_finding *size_of(struct glist *l, int delegation,
					struct ew_step_result **res)
{
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;

	ew_token_count(&dom, l->g, l->n, 0, &c);
	*res = new_res();
	ew_token_rule_size(&c, delegation, "frank", *res);
	return only(*res, "TOK-SIZE");
}

static void test_rule_size_not_looked_up(void **state)
{
	static struct glist l;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	/* All 5,000 not looked up: at least 41200 is over 12,000 (a lower bound, said so). */
	frank(&l);
	lookup_failed(&l, 0, l.n);
	f = size_of(&l, 0, &res);
	assert_int_equal(f->severity, EW_WARN);
	tu_assert_cause(f, EW_CAUSE_TOKEN_TOO_LARGE);
	assert_string_equal(f->title, "Token estimate at least 41200 bytes (2008 R2 rules) "
			    "exceeds MaxTokenSize 12,000 of older Windows; 5000 group SIDs "
			    "could not be looked up, so it may be larger");
	assert_null(strstr(f->title, "201200"));
	assert_evidence(f, "+ 8 to 40 x 5000 (not looked up) = 41200 to 201200");
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	/* Two batches of global groups failed: still over 65535 at its least. */
	frank(&l);
	lookup_failed(&l, 1999, 200);
	f = size_of(&l, 0, &res);
	assert_int_equal(f->severity, EW_FAIL);
	tu_assert_cause(f, EW_CAUSE_TOKEN_TOO_LARGE);
	assert_non_null(strstr(f->title, "at least 105168 bytes"));
	assert_non_null(strstr(f->title, "200 group SIDs could not be looked up"));
	assert_evidence(f, "= 105168 to 111568");
	ew_step_result_free(&res);

	/* Within the limits at its most: a pass, that says what is missing. */
	l.n = 0;
	add(&l, DOM, 1000, 10, 1, GT_GLOBAL);
	add(&l, DOM, 2000, 5, 1, GT_DLOCAL);
	lookup_failed(&l, 10, 5);
	f = size_of(&l, 0, &res);
	assert_int_equal(f->severity, EW_PASS);
	assert_string_equal(f->title, "Token estimate at most 1480 bytes (2008 R2 rules), "
			    "1480 (2012 rules): within the limits, though 5 group SIDs could "
			    "not be looked up");
	ew_step_result_free(&res);

	/* Within at its least, over at its most: not known, and the range is given. */
	l.n = 0;
	add(&l, DOM, 2000, 250, 1, GT_DLOCAL);
	add(&l, DOM, 3000, 50, 1, GT_DLOCAL);
	lookup_failed(&l, 250, 50);		/* 11600 to 13200 */
	f = size_of(&l, 0, &res);
	assert_int_equal(f->severity, EW_SKIP);
	tu_assert_cause(f, NULL);
	assert_string_equal(f->title, "Token size not known: 50 group SIDs could not be "
			    "looked up (between 11600 and 13200 bytes by the 2008 R2 rules)");
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "TOK-COUNT"));
	ew_step_result_free(&res);
	/* ... and doubled for delegation, at its least already over 12,000. */
	f = size_of(&l, 1, &res);
	assert_int_equal(f->severity, EW_WARN);
	tu_assert_cause(f, EW_CAUSE_TOKEN_TOO_LARGE);
	assert_non_null(strstr(f->title, "at least 23200 bytes"));
	assert_evidence(f, "doubled for delegation = 23200 to 26400");
	ew_step_result_free(&res);
}

static void test_rule_count_not_looked_up(void **state)
{
	static struct glist l;
	struct ew_sid dom = sid_of(DOM);
	struct ew_token_counts c;
	struct ew_step_result *res = new_res();
	const struct ew_finding *f;

	(void)state;
	frank(&l);
	lookup_failed(&l, 0, 100);
	ew_token_count(&dom, l.g, l.n, 0, &c);
	ew_token_rule_count(&c, "frank", res);
	f = only(res, "TOK-COUNT");
	assert_int_equal(f->severity, EW_INFO);
	assert_string_equal(f->title, "frank is in 5000 security groups (transitively); 100 "
			    "of them could not be looked up");
	assert_evidence(f, "global 3001, domain local 1899");
	assert_evidence(f, "not looked up (the lookup failed): 100, of unknown scope");
	assert_false(has_evidence(f, "not resolved (foreign or deleted)"));
	ew_step_result_free(&res);

	/* TOK-MEASURED with no estimate to compare. */
	res = new_res();
	ew_token_rule_measured(-1, 6000, 0, 0, res);
	f = only(res, "TOK-MEASURED");
	assert_string_equal(f->title, "Measured: TGT 6000 bytes; no estimate (groups not looked "
			    "up); UDP limit 1465");
	ew_step_result_free(&res);
}

/* The sums behind TOK-SIZE, word for word, known and with SIDs not looked up. */
static void test_size_evidence_lines(void **state)
{
	struct ew_token_counts c;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.global = 10;
	c.domain_local = 30;
	c.universal_in = 5;
	c.universal_out = 2;
	res = new_res();
	ew_token_rule_size(&c, 0, "alice", res);
	f = only(res, "TOK-SIZE");
	assert_int_equal(f->nevidence, 2);
	/* 1200 + 40 x 32 + 8 x 15 = 2600; 1200 + 40 x 2 + 8 x 45 = 1640 */
	assert_string_equal(f->evidence[0], "2008 R2 and earlier: 1200 + 40 x 32 (domain local, "
			    "builtin, universal outside, sIDHistory, unresolved) + 8 x 15 (global, "
			    "universal inside) = 2600");
	assert_string_equal(f->evidence[1], "2012 and later: 1200 + 40 x 2 (universal outside, "
			    "sIDHistory) + 8 x 45 (global, domain local, universal inside, "
			    "builtin) = 1640");
	ew_step_result_free(&res);

	c.not_looked_up = 3;
	res = new_res();
	ew_token_rule_size(&c, 1, "alice", res);
	f = only(res, "TOK-SIZE");
	assert_int_equal(f->nevidence, 2);
	/* 3 unknown SIDs add 8 to 40 bytes each, then doubled: 5248 to 5440, 3328 to 3520 */
	assert_string_equal(f->evidence[0], "2008 R2 and earlier: 1200 + 40 x 32 (domain local, "
			    "builtin, universal outside, sIDHistory, unresolved) + 8 x 15 (global, "
			    "universal inside) + 8 to 40 x 3 (not looked up), doubled for "
			    "delegation = 5248 to 5440");
	assert_string_equal(f->evidence[1], "2012 and later: 1200 + 40 x 2 (universal outside, "
			    "sIDHistory) + 8 x 45 (global, domain local, universal inside, "
			    "builtin) + 8 to 40 x 3 (not looked up), doubled for delegation = 3328 "
			    "to 3520");
	ew_step_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_evidence_lines),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_count_example1),
		cmocka_unit_test(test_count_builtin_unresolved),
		cmocka_unit_test(test_count_universal_in_out),
		cmocka_unit_test(test_count_empty),
		cmocka_unit_test(test_rule_count),
		cmocka_unit_test(test_rule_size_example),
		cmocka_unit_test(test_rule_size_boundaries),
		cmocka_unit_test(test_rule_lsa_boundaries),
		cmocka_unit_test(test_rule_lsa_from_groups),
		cmocka_unit_test(test_rule_measured),
		cmocka_unit_test(test_count_not_looked_up),
		cmocka_unit_test(test_rule_size_not_looked_up),
		cmocka_unit_test(test_rule_count_not_looked_up),
	};

	return cmocka_run_group_tests_name("groupsrules", tests, NULL, NULL);
}
