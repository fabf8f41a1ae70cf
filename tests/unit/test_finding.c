/* test_finding.c - findings, severities, their JSON form and the worst-of rule. */
#include "testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "result.h"
#include "text.h"

static void assert_clean(const char *s)
{
	assert_non_null(s);
	assert_true(ew_text_is_clean(s, strlen(s)));
}

static void assert_opt_string_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_findings_equal(const struct ew_finding *a, const struct ew_finding *b)
{
	size_t i;

	assert_string_equal(a->check, b->check);
	assert_int_equal(a->severity, b->severity);
	assert_string_equal(a->title, b->title);
	assert_opt_string_equal(a->detail, b->detail);
	assert_opt_string_equal(a->remedy, b->remedy);
	assert_opt_string_equal(a->help, b->help);
	assert_int_equal(a->nevidence, b->nevidence);
	for (i = 0; i < a->nevidence; i++)
		assert_string_equal(a->evidence[i], b->evidence[i]);
}

static void test_severity_names(void **state)
{
	static const char *const names[EW_NSEVERITY] = {
		"pass", "info", "warn", "fail", "skip",
	};
	static const char *const tags[EW_NSEVERITY] = {
		"PASS", "INFO", "WARN", "FAIL", "SKIP",
	};
	enum ew_severity sev;
	int i;

	(void)state;
	for (i = 0; i < EW_NSEVERITY; i++) {
		assert_string_equal(ew_severity_name((enum ew_severity)i), names[i]);
		assert_string_equal(ew_severity_tag((enum ew_severity)i), tags[i]);
		sev = EW_SKIP;
		assert_int_equal(ew_severity_parse(names[i], &sev), 0);
		assert_int_equal(sev, i);
	}
	assert_string_equal(ew_severity_name((enum ew_severity)EW_NSEVERITY), "?");
	assert_string_equal(ew_severity_tag((enum ew_severity)-1), "?");
}

static void test_severity_parse_unknown(void **state)
{
	static const char *const bad[] = {
		"", "PASS", "Fail", "warning", "error", "fail ", " pass", "pending",
	};
	enum ew_severity sev = EW_INFO;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ew_severity_parse(bad[i], &sev), -1);
		assert_int_equal(sev, EW_INFO);	/* untouched */
	}
	assert_int_equal(ew_severity_parse(NULL, &sev), -1);
	assert_int_equal(sev, EW_INFO);
}

static void test_new_and_setters(void **state)
{
	struct ew_finding *f;

	(void)state;
	f = ew_finding_new("DNS-SRV", EW_WARN, "%d SRV record(s) for %s", 2, "exwiz.test");
	assert_non_null(f);
	assert_string_equal(f->check, "DNS-SRV");
	assert_int_equal(f->severity, EW_WARN);
	assert_string_equal(f->title, "2 SRV record(s) for exwiz.test");
	assert_null(f->detail);
	assert_null(f->remedy);
	assert_int_equal(f->nevidence, 0);
	assert_null(f->evidence);
	assert_string_equal(f->help, "DNS-SRV");	/* defaults to the check id */

	assert_int_equal(ew_finding_detail(f, "first %s", "detail"), 0);
	assert_string_equal(f->detail, "first detail");
	assert_int_equal(ew_finding_detail(f, "second"), 0);	/* replaces */
	assert_string_equal(f->detail, "second");
	assert_int_equal(ew_finding_remedy(f, "Run %s", "setspn -L"), 0);
	assert_string_equal(f->remedy, "Run setspn -L");
	assert_int_equal(ew_finding_remedy(f, "Other"), 0);
	assert_string_equal(f->remedy, "Other");
	assert_int_equal(ew_finding_evidence(f, "line %d", 1), 0);
	assert_int_equal(ew_finding_evidence(f, "line %d", 2), 0);
	assert_int_equal(ew_finding_evidence(f, "%s", ""), 0);
	assert_int_equal(f->nevidence, 3);
	assert_string_equal(f->evidence[0], "line 1");
	assert_string_equal(f->evidence[1], "line 2");
	assert_string_equal(f->evidence[2], "");
	assert_int_equal(ew_finding_set_help(f, "dns"), 0);
	assert_string_equal(f->help, "dns");
	assert_int_equal(ew_finding_set_help(f, NULL), 0);	/* NULL gives "" */
	assert_string_equal(f->help, "");
	ew_finding_free(&f);
	assert_null(f);
}

static void test_free_clears_and_null(void **state)
{
	struct ew_finding *f = NULL;

	(void)state;
	ew_finding_free(NULL);
	ew_finding_free(&f);
	assert_null(f);
	f = ew_finding_new("X", EW_PASS, "t");
	assert_non_null(f);
	ew_finding_free(&f);
	assert_null(f);
	ew_finding_free(&f);	/* twice: harmless */
	assert_null(f);
}

static void test_hostile_strings_cleaned(void **state)
{
	struct ew_finding *f;

	(void)state;
	f = ew_finding_new("CHK\x1b[31m", EW_FAIL, "title %s", "\x1b[2J\r\xff");
	assert_non_null(f);
	assert_string_equal(f->check, "CHK\\x1b[31m");
	assert_string_equal(f->help, "CHK\\x1b[31m");
	assert_string_equal(f->title, "title \\x1b[2J\\r\\xff");
	assert_int_equal(ew_finding_detail(f, "%s", "line1\nline2\t\xc2\x9b"), 0);
	assert_string_equal(f->detail, "line1\\nline2\\t\\u009b");
	assert_int_equal(ew_finding_remedy(f, "%s", "kinit \xe2\x80\xae" "resu"), 0);
	assert_string_equal(f->remedy, "kinit \\u202eresu");
	assert_int_equal(ew_finding_evidence(f, "%s", "\x1b]0;pwned\x07"), 0);
	assert_string_equal(f->evidence[0], "\\x1b]0;pwned\\x07");
	assert_int_equal(ew_finding_evidence(f, "%s", "\xed\xa0\x80\x7f"), 0);
	assert_string_equal(f->evidence[1], "\\xed\\xa0\\x80\\x7f");
	assert_int_equal(ew_finding_set_help(f, "topic\x1b"), 0);
	assert_string_equal(f->help, "topic\\x1b");
	assert_clean(f->check);
	assert_clean(f->title);
	assert_clean(f->detail);
	assert_clean(f->remedy);
	assert_clean(f->evidence[0]);
	assert_clean(f->evidence[1]);
	assert_clean(f->help);
	ew_finding_free(&f);
}

static void test_to_json_fields(void **state)
{
	struct ew_finding *f;
	json_t *j, *ev;

	(void)state;
	f = ew_finding_new("KRB-SPN", EW_FAIL, "No SPN");
	ew_finding_detail(f, "d");
	ew_finding_evidence(f, "e1");
	ew_finding_evidence(f, "e2");
	ew_finding_remedy(f, "r");
	j = ew_finding_to_json(f);
	assert_non_null(j);
	assert_true(json_is_object(j));
	assert_string_equal(json_string_value(json_object_get(j, "check")), "KRB-SPN");
	assert_string_equal(json_string_value(json_object_get(j, "severity")), "fail");
	assert_string_equal(json_string_value(json_object_get(j, "title")), "No SPN");
	assert_string_equal(json_string_value(json_object_get(j, "detail")), "d");
	assert_string_equal(json_string_value(json_object_get(j, "remedy")), "r");
	assert_string_equal(json_string_value(json_object_get(j, "help")), "KRB-SPN");
	ev = json_object_get(j, "evidence");
	assert_true(json_is_array(ev));
	assert_int_equal(json_array_size(ev), 2);
	assert_string_equal(json_string_value(json_array_get(ev, 0)), "e1");
	assert_string_equal(json_string_value(json_array_get(ev, 1)), "e2");
	json_decref(j);
	ew_finding_free(&f);

	/* No detail or remedy: those are not strings in the JSON. */
	f = ew_finding_new("X", EW_PASS, "t");
	j = ew_finding_to_json(f);
	assert_non_null(j);
	assert_null(json_string_value(json_object_get(j, "detail")));
	assert_null(json_string_value(json_object_get(j, "remedy")));
	assert_int_equal(json_array_size(json_object_get(j, "evidence")), 0);
	json_decref(j);
	ew_finding_free(&f);
}

static void round_trip(const struct ew_finding *f)
{
	struct ew_finding *g;
	char err[128] = "";
	json_t *j, *j2;
	char *text;

	j = ew_finding_to_json(f);
	assert_non_null(j);
	/* Through the serialized text, as in a transcript or report file. */
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	json_decref(j);
	j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	g = ew_finding_from_json(j, err, sizeof(err));
	assert_non_null(g);
	assert_string_equal(err, "");
	assert_findings_equal(f, g);
	j2 = ew_finding_to_json(g);
	assert_true(json_equal(j, j2));
	json_decref(j2);
	json_decref(j);
	ew_finding_free(&g);
}

static void test_json_round_trip(void **state)
{
	struct ew_finding *f;
	int sev;

	(void)state;
	for (sev = 0; sev < EW_NSEVERITY; sev++) {
		f = ew_finding_new("DNS-SRV", (enum ew_severity)sev, "Title %d", sev);
		round_trip(f);
		ew_finding_detail(f, "Some detail with \xc3\xa9 and \\x1b already escaped");
		round_trip(f);
		ew_finding_evidence(f, "_ldap._tcp.dc._msdcs.exwiz.test SRV 0 100 389 dc1.");
		ew_finding_evidence(f, "%s", "\x1b]0;pwned\x07");
		round_trip(f);
		ew_finding_remedy(f, "Add the record.");
		ew_finding_set_help(f, "dns");
		round_trip(f);
		ew_finding_free(&f);
	}
}

static void test_from_json_rejects(void **state)
{
	static const char *const bad[] = {
		"[]",
		"\"finding\"",
		"{}",
		"{\"severity\":\"fail\",\"title\":\"t\"}",			/* no check */
		"{\"check\":\"X\",\"severity\":\"fail\"}",			/* no title */
		"{\"check\":7,\"severity\":\"fail\",\"title\":\"t\"}",	/* check not a string */
		"{\"check\":\"X\",\"severity\":\"fail\",\"title\":null}",
		"{\"check\":\"X\",\"severity\":\"fatal\",\"title\":\"t\"}",	/* unknown severity */
		"{\"check\":\"X\",\"severity\":\"FAIL\",\"title\":\"t\"}",
		"{\"check\":\"X\",\"title\":\"t\"}",				/* no severity */
		"{\"check\":\"X\",\"severity\":3,\"title\":\"t\"}",
	};
	char err[128];
	size_t i;
	json_t *j;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i], JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		strcpy(err, "");
		assert_null(ew_finding_from_json(j, err, sizeof(err)));
		assert_true(strlen(err) > 0);
		json_decref(j);
	}
	strcpy(err, "");
	assert_null(ew_finding_from_json(NULL, err, sizeof(err)));
	assert_true(strlen(err) > 0);

	/* The messages say what is wrong. */
	j = json_loads("{\"check\":\"X\",\"severity\":\"fatal\",\"title\":\"t\"}", 0, NULL);
	assert_null(ew_finding_from_json(j, err, sizeof(err)));
	assert_non_null(strstr(err, "severity"));
	assert_non_null(strstr(err, "X"));
	json_decref(j);
	j = json_loads("{\"severity\":\"fail\",\"title\":\"t\"}", 0, NULL);
	assert_null(ew_finding_from_json(j, err, sizeof(err)));
	assert_non_null(strstr(err, "check"));
	json_decref(j);
	/* A tiny err buffer is not overrun. */
	{
		char small[4] = "zzz";

		j = json_loads("{}", 0, NULL);
		assert_null(ew_finding_from_json(j, small, sizeof(small)));
		assert_int_equal(strlen(small), 3);
		json_decref(j);
	}
}

static void test_from_json_cleans(void **state)
{
	struct ew_finding *f;
	char err[128] = "";
	json_t *j;

	(void)state;
	j = json_loads("{\"check\":\"A\\u001bB\",\"severity\":\"warn\","
		       "\"title\":\"t\\r\\n\\u009b\",\"detail\":\"\\u202ed\","
		       "\"remedy\":\"r\\u0000r\",\"help\":\"h\\u0007\","
		       "\"evidence\":[\"\\u001b]0;x\\u0007\", 5, null, \"ok\"]}",
		       JSON_ALLOW_NUL, NULL);
	assert_non_null(j);
	f = ew_finding_from_json(j, err, sizeof(err));
	assert_non_null(f);
	assert_string_equal(f->check, "A\\x1bB");
	assert_int_equal(f->severity, EW_WARN);
	assert_string_equal(f->title, "t\\r\\n\\u009b");
	assert_string_equal(f->detail, "\\u202ed");
	/* A NUL inside a JSON string ends the C string: the rest is lost, not raw. */
	assert_string_equal(f->remedy, "r");
	assert_string_equal(f->help, "h\\x07");
	/* Evidence that is not a string is left out. */
	assert_int_equal(f->nevidence, 2);
	assert_string_equal(f->evidence[0], "\\x1b]0;x\\x07");
	assert_string_equal(f->evidence[1], "ok");
	ew_finding_free(&f);
	json_decref(j);

	/* No help in the JSON: the check id. Evidence not an array: none. */
	j = json_loads("{\"check\":\"C\",\"severity\":\"info\",\"title\":\"t\","
		       "\"evidence\":\"x\"}", 0, NULL);
	f = ew_finding_from_json(j, err, sizeof(err));
	assert_non_null(f);
	assert_string_equal(f->help, "C");
	assert_int_equal(f->nevidence, 0);
	assert_null(f->detail);
	assert_null(f->remedy);
	ew_finding_free(&f);
	json_decref(j);
}

static struct ew_step_result *result_with(const enum ew_severity *sevs, size_t n)
{
	struct ew_step_result *r = ew_step_result_new("s", "S");
	size_t i;

	assert_non_null(r);
	for (i = 0; i < n; i++)
		assert_int_equal(ew_step_result_add(r, ew_finding_new("C", sevs[i], "f%zu", i)), 0);
	assert_int_equal(r->nfindings, n);
	return r;
}

static enum ew_status worst_of(const enum ew_severity *sevs, size_t n)
{
	struct ew_step_result *r = result_with(sevs, n);
	enum ew_status st = ew_step_result_worst(r);

	ew_step_result_free(&r);
	assert_null(r);
	return st;
}

#define WORST(...) worst_of((const enum ew_severity[]){ __VA_ARGS__ }, \
	sizeof((const enum ew_severity[]){ __VA_ARGS__ }) / sizeof(enum ew_severity))

static void test_worst_rules(void **state)
{
	(void)state;
	assert_int_equal(worst_of(NULL, 0), EW_ST_PASS);
	assert_int_equal(WORST(EW_PASS), EW_ST_PASS);
	assert_int_equal(WORST(EW_SKIP), EW_ST_SKIP);
	assert_int_equal(WORST(EW_SKIP, EW_SKIP, EW_SKIP), EW_ST_SKIP);
	assert_int_equal(WORST(EW_SKIP, EW_INFO), EW_ST_INFO);
	assert_int_equal(WORST(EW_INFO, EW_SKIP), EW_ST_INFO);
	assert_int_equal(WORST(EW_SKIP, EW_PASS), EW_ST_PASS);
	assert_int_equal(WORST(EW_WARN, EW_FAIL), EW_ST_FAIL);
	assert_int_equal(WORST(EW_FAIL, EW_WARN), EW_ST_FAIL);
	assert_int_equal(WORST(EW_PASS, EW_INFO, EW_WARN, EW_PASS), EW_ST_WARN);
	assert_int_equal(WORST(EW_SKIP, EW_FAIL, EW_SKIP), EW_ST_FAIL);
	assert_int_equal(WORST(EW_INFO, EW_PASS), EW_ST_INFO);
}

static void test_step_result_basics(void **state)
{
	struct ew_step_result *r;
	enum ew_status st;
	int i;

	(void)state;
	r = ew_step_result_new("dns\x1b", "DNS \r title");
	assert_non_null(r);
	assert_string_equal(r->id, "dns\\x1b");
	assert_string_equal(r->title, "DNS \\r title");
	assert_int_equal(r->status, EW_ST_PENDING);
	assert_true(json_is_object(r->data));
	assert_int_equal(json_object_size(r->data), 0);
	assert_int_equal(r->nfindings, 0);
	assert_int_equal(ew_step_result_add(r, NULL), -1);
	assert_int_equal(r->nfindings, 0);
	ew_step_result_free(&r);
	assert_null(r);
	ew_step_result_free(&r);
	ew_step_result_free(NULL);

	for (i = EW_ST_PASS; i <= EW_ST_INTERRUPTED; i++) {
		const char *name = ew_status_name((enum ew_status)i);

		assert_string_not_equal(name, "?");
		assert_int_equal(ew_status_parse(name, &st), 0);
		assert_int_equal(st, i);
		/* The finding severities and the step statuses share their names. */
		if (i < EW_NSEVERITY)
			assert_string_equal(name, ew_severity_name((enum ew_severity)i));
	}
	assert_string_equal(ew_status_name(EW_ST_INTERRUPTED), "interrupted");
	assert_string_equal(ew_status_name((enum ew_status)(EW_ST_INTERRUPTED + 1)), "?");
	st = EW_ST_PASS;
	assert_int_equal(ew_status_parse("done", &st), -1);
	assert_int_equal(ew_status_parse(NULL, &st), -1);
	assert_int_equal(st, EW_ST_PASS);
}

/* A copy is deep: equal, sharing no string, owned on its own. */
static void test_dup(void **state)
{
	struct ew_step_result *r, *c;
	struct ew_finding *f, *g;
	size_t i;

	(void)state;
	assert_null(ew_finding_dup(NULL));
	assert_null(ew_step_result_dup(NULL));
	f = ew_finding_new("KRB-TGT", EW_FAIL, "No ticket for %s", "bob");
	assert_non_null(f);
	assert_int_equal(ew_finding_detail(f, "detail"), 0);
	assert_int_equal(ew_finding_evidence(f, "line 1"), 0);
	assert_int_equal(ew_finding_evidence(f, "line 2"), 0);
	assert_int_equal(ew_finding_set_help(f, "tickets"), 0);
	g = ew_finding_dup(f);
	assert_non_null(g);
	assert_findings_equal(f, g);
	assert_ptr_not_equal(f->title, g->title);
	assert_ptr_not_equal(f->evidence[1], g->evidence[1]);
	assert_null(g->remedy);

	r = ew_step_result_new("tickets", "Kerberos tickets");
	assert_non_null(r);
	r->status = EW_ST_FAIL;
	r->duration_ms = 42;
	r->setup = 1;
	assert_int_equal(json_object_set_new(r->data, "n", json_integer(3)), 0);
	assert_int_equal(ew_step_result_add(r, f), 0);
	assert_int_equal(ew_step_result_add(r, g), 0);
	c = ew_step_result_dup(r);
	assert_non_null(c);
	assert_string_equal(c->id, r->id);
	assert_string_equal(c->title, r->title);
	assert_int_equal(c->status, EW_ST_FAIL);
	assert_int_equal(c->duration_ms, 42);
	assert_int_equal(c->setup, 1);
	assert_true(json_equal(c->data, r->data));
	assert_ptr_not_equal(c->data, r->data);
	assert_int_equal(c->nfindings, 2);
	for (i = 0; i < 2; i++) {
		assert_ptr_not_equal(c->findings[i], r->findings[i]);
		assert_findings_equal(c->findings[i], r->findings[i]);
	}
	ew_step_result_free(&r);
	assert_string_equal(c->findings[0]->evidence[0], "line 1");
	ew_step_result_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity_names),
		cmocka_unit_test(test_severity_parse_unknown),
		cmocka_unit_test(test_new_and_setters),
		cmocka_unit_test(test_free_clears_and_null),
		cmocka_unit_test(test_hostile_strings_cleaned),
		cmocka_unit_test(test_to_json_fields),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_from_json_rejects),
		cmocka_unit_test(test_from_json_cleans),
		cmocka_unit_test(test_worst_rules),
		cmocka_unit_test(test_step_result_basics),
		cmocka_unit_test(test_dup),
	};

	return cmocka_run_group_tests_name("finding", tests, NULL, NULL);
}
