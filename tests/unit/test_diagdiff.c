/*
 * test_diagdiff.c - two diagnoses compared (`exwizard diff`): causes fixed,
 * remaining and new by id, the checks whose worst severity changed, the exit
 * status, the text (80 columns), and whether two targets are the same.
 * The diagnoses are built by hand: this tests the comparison, not the rules
 * that find the causes.
 */
#include "testutil.h"

#include "causes.h"
#include "diagdiff.h"
#include "report.h"

/* A diagnosis with the causes of ids (NULL-ended), ranked in that order. */
static struct ew_diagnosis *diag(const char *const *ids)
{
	struct ew_diagnosis *d = calloc(1, sizeof(*d));
	size_t n = 0;

	assert_non_null(d);
	while (ids[n])
		n++;
	d->causes = calloc(n + 1, sizeof(*d->causes));
	assert_non_null(d->causes);
	for (d->ncauses = 0; d->ncauses < n; d->ncauses++) {
		struct ew_diag_cause *c = &d->causes[d->ncauses];

		c->def = ew_cause_find(ids[d->ncauses]);
		assert_non_null(c->def);
		c->rank = (int)d->ncauses + 1;
		c->severity = EW_FAIL;
		c->title = strdup(c->def->title);
	}
	d->verdict = strdup("verdict");
	return d;
}

static void diag_free(struct ew_diagnosis *d)
{
	for (size_t i = 0; i < d->ncauses; i++)
		free(d->causes[i].title);
	free(d->causes);
	free(d->verdict);
	free(d);
}

/* A step result with findings "CHECK:severity", NULL-ended. */
static struct ew_step_result *step(const char *id, ...)
{
	struct ew_step_result *s = ew_step_result_new(id, id);
	const char *spec;
	va_list ap;

	assert_non_null(s);
	va_start(ap, id);
	while ((spec = va_arg(ap, const char *)) != NULL) {
		char check[32];
		enum ew_severity sev;
		const char *colon = strchr(spec, ':');

		assert_non_null(colon);
		snprintf(check, sizeof(check), "%.*s", (int)(colon - spec), spec);
		assert_int_equal(ew_severity_parse(colon + 1, &sev), 0);
		assert_int_equal(ew_step_result_add(s, ew_finding_new(check, sev, "%s is %s",
								     check, colon + 1)), 0);
	}
	va_end(ap);
	return s;
}

static void test_fixed_remaining_new(void **state)
{
	static const char *const before[] = { EW_CAUSE_SPN_MISSING, EW_CAUSE_DNS_SRV_MISSING,
					      EW_CAUSE_TOKEN_TOO_LARGE, NULL };
	static const char *const after[] = { EW_CAUSE_TOKEN_TOO_LARGE, EW_CAUSE_CLOCK_SKEW, NULL };
	struct ew_diagnosis *o = diag(before), *n = diag(after);
	struct ew_step_result *os[2], *ns[2];
	static const char *const want[] = {
		"Fixed (2):", "Remaining (1):", "New (1):", "DNS-SRV fail -> pass",
		"TOK-SIZE absent -> warn", "2 causes still to fix.",
	};
	struct ew_diagdiff *dd;
	char *text;

	(void)state;
	os[0] = step("dns", "DNS-SRV:fail", "DNS-SERVERS:pass", NULL);
	os[1] = step("tickets", "KRB-SVC:fail", "KRB-SVC:pass", "KRB-SKEW:pass", NULL);
	ns[0] = step("dns", "DNS-SRV:pass", "DNS-SERVERS:pass", NULL);
	ns[1] = step("tickets", "KRB-SVC:pass", "KRB-SKEW:warn", "TOK-SIZE:warn", NULL);
	dd = ew_diagdiff(o, (const struct ew_step_result *const *)os, 2, n,
			 (const struct ew_step_result *const *)ns, 2);
	assert_non_null(dd);
	assert_int_equal(dd->nfixed, 2);
	assert_string_equal(dd->fixed[0]->def->id, EW_CAUSE_SPN_MISSING);
	assert_string_equal(dd->fixed[1]->def->id, EW_CAUSE_DNS_SRV_MISSING);
	assert_int_equal(dd->nremaining, 1);
	assert_string_equal(dd->remaining[0]->def->id, EW_CAUSE_TOKEN_TOO_LARGE);
	/* The remaining cause is the new report's (its rank, its title). */
	assert_ptr_equal(dd->remaining[0], &n->causes[0]);
	assert_int_equal(dd->nadded, 1);
	assert_string_equal(dd->added[0]->def->id, EW_CAUSE_CLOCK_SKEW);
	assert_int_equal(ew_diagdiff_exit_code(dd), 1);
	/* Changed: DNS-SRV fail -> pass, KRB-SVC (worst) fail -> pass, KRB-SKEW pass ->
	 * warn, TOK-SIZE absent -> warn; DNS-SERVERS did not change. */
	assert_int_equal(dd->nchanges, 4);
	assert_string_equal(dd->changes[0].check, "DNS-SRV");
	assert_int_equal(dd->changes[0].before, EW_FAIL);
	assert_int_equal(dd->changes[0].after, EW_PASS);
	assert_string_equal(dd->changes[1].check, "KRB-SVC");
	assert_int_equal(dd->changes[1].before, EW_FAIL);
	assert_int_equal(dd->changes[1].after, EW_PASS);
	assert_string_equal(dd->changes[2].check, "KRB-SKEW");
	assert_int_equal(dd->changes[2].after, EW_WARN);
	assert_string_equal(dd->changes[3].check, "TOK-SIZE");
	assert_int_equal(dd->changes[3].before, -1);
	assert_string_equal(dd->changes[3].title, "TOK-SIZE is warn");
	text = ew_diagdiff_to_text(dd, 80);
	assert_non_null(text);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("the text lacks \"%s\":\n%s", want[i], text);
	for (char *p = text, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		assert_true(nl - p <= 80);
	free(text);
	ew_diagdiff_free(&dd);
	assert_null(dd);
	for (int i = 0; i < 2; i++) {
		ew_step_result_free(&os[i]);
		ew_step_result_free(&ns[i]);
	}
	diag_free(o);
	diag_free(n);
}

/* Everything fixed: exit 0; the same causes twice: nothing fixed, exit 1. */
static void test_exit_codes(void **state)
{
	static const char *const some[] = { EW_CAUSE_SPN_DUPLICATE, EW_CAUSE_REALM_HINT, NULL };
	static const char *const none[] = { NULL };
	struct ew_diagnosis *a = diag(some), *b = diag(some), *z = diag(none);
	struct ew_diagdiff *dd;
	char *text;

	(void)state;
	dd = ew_diagdiff(a, NULL, 0, z, NULL, 0);
	assert_non_null(dd);
	assert_int_equal(dd->nfixed, 2);
	assert_int_equal(dd->nremaining + dd->nadded + dd->nchanges, 0);
	assert_int_equal(ew_diagdiff_exit_code(dd), 0);
	text = ew_diagdiff_to_text(dd, 80);
	assert_non_null(strstr(text, "No cause remains."));
	free(text);
	ew_diagdiff_free(&dd);
	dd = ew_diagdiff(a, NULL, 0, b, NULL, 0);
	assert_int_equal(dd->nfixed, 0);
	assert_int_equal(dd->nremaining, 2);
	assert_int_equal(dd->nadded, 0);
	assert_int_equal(ew_diagdiff_exit_code(dd), 1);
	ew_diagdiff_free(&dd);
	/* Nothing before, a cause after: it is new, and remains to fix. */
	dd = ew_diagdiff(z, NULL, 0, a, NULL, 0);
	assert_int_equal(dd->nadded, 2);
	assert_int_equal(ew_diagdiff_exit_code(dd), 1);
	ew_diagdiff_free(&dd);
	diag_free(a);
	diag_free(b);
	diag_free(z);
}

/* A stale result (run for an earlier target) is not compared. */
static void test_stale_left_out(void **state)
{
	static const char *const none[] = { NULL };
	struct ew_diagnosis *a = diag(none), *b = diag(none);
	struct ew_step_result *os = step("dns", "DNS-SRV:fail", NULL);
	struct ew_step_result *ns = step("dns", "DNS-SRV:pass", NULL);
	json_t *earlier = json_pack("{s:s}", "user", "alice");
	struct ew_diagdiff *dd;

	(void)state;
	ew_step_result_mark_stale(os, earlier);
	dd = ew_diagdiff(a, (const struct ew_step_result *const *)&os, 1, b,
			 (const struct ew_step_result *const *)&ns, 1);
	assert_int_equal(dd->nchanges, 1);
	assert_int_equal(dd->changes[0].before, -1);
	assert_int_equal(dd->changes[0].after, EW_PASS);
	ew_diagdiff_free(&dd);
	json_decref(earlier);
	ew_step_result_free(&os);
	ew_step_result_free(&ns);
	diag_free(a);
	diag_free(b);
}

static void test_same_target(void **state)
{
	json_t *a = json_pack("{s:s, s:s, s:[s, s], s:[s]}", "realm", "EXWIZ.TEST", "user",
			      "bob@EXWIZ.TEST", "exchange", "exch1.exwiz.test",
			      "fe1.region1.exwiz.test", "symptoms", "40960");
	json_t *b = json_pack("{s:s, s:s, s:[s, s]}", "realm", "exwiz.test", "user", "BOB",
			      "exchange", "FE1.region1.exwiz.test.", "exch1.exwiz.test");
	char why[256];

	(void)state;
	/* Case, order, a final dot, the symptoms and the user's form do not matter. */
	assert_int_equal(ew_diagdiff_same_target(a, b, why, sizeof(why)), 1);
	json_object_set_new(b, "user", json_string("alice"));
	assert_int_equal(ew_diagdiff_same_target(a, b, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "user bob@EXWIZ.TEST against alice"));
	json_object_set_new(b, "user", json_string("bob"));
	json_object_set_new(b, "realm", json_string("OTHER.TEST"));
	assert_int_equal(ew_diagdiff_same_target(a, b, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "realm EXWIZ.TEST against OTHER.TEST"));
	json_object_set_new(b, "realm", json_string("EXWIZ.TEST"));
	json_array_remove(json_object_get(b, "exchange"), 0);
	assert_int_equal(ew_diagdiff_same_target(a, b, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "Exchange servers differ"));
	json_object_del(b, "realm");
	assert_int_equal(ew_diagdiff_same_target(a, b, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "against (none)"));
	json_decref(a);
	json_decref(b);
}

/* The wrapping the brief and diff print with: no line over width, words
 * cut only when longer than a line, never inside a UTF-8 character. */
static void test_wrapped_cut(void **state)
{
	struct ew_buf b = {0};
	char *text, *p, *nl;

	(void)state;
	ew_buf_adds(&b, "Verdict:");
	ew_buf_add_wrapped(&b, "short words here and a "
			   "CN=very-long-distinguished-name-without-any-space-\xc3\xa9\xc3\xa9"
			   "\xc3\xa9-that-goes-on-and-on,OU=Staff,DC=exwiz,DC=test end", 8, 2, 40);
	text = ew_buf_take(&b);
	assert_non_null(text);
	assert_true(strncmp(text, "Verdict: short words", 20) == 0);
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		assert_true(nl - p <= 40);
		assert_true(ew_text_is_clean(p, (size_t)(nl - p)));
	}
	assert_non_null(strstr(text, "end\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_remaining_new),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_stale_left_out),
		cmocka_unit_test(test_same_target),
		cmocka_unit_test(test_wrapped_cut),
	};

	return cmocka_run_group_tests_name("diagdiff", tests, NULL, NULL);
}
