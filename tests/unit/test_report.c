/* test_report.c - the session report: JSON round trip, summary, exit code, text. */
#include "testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "finding.h"
#include "report.h"
#include "step.h"
#include "text.h"

#define LONG_TITLE "The service principal name HTTP/exch1.exwiz.test is registered on " \
	"two accounts, so the KDC refuses to issue a ticket for it and Outlook falls " \
	"back to NTLM every time it connects to the mailbox server"
#define LONG_DETAIL "A duplicate SPN makes the KDC answer KDC_ERR_PRINCIPAL_NOT_UNIQUE. " \
	"The client then negotiates NTLM, which is logged as event 40960 on the " \
	"workstation and is what the user notices as repeated password prompts."
#define LONG_REMEDY "Remove the SPN from the account that should not hold it with " \
	"setspn -D HTTP/exch1.exwiz.test EXWIZ\\olduser and check again with setspn -X " \
	"on a domain controller of the forest root domain."
#define LONG_EVIDENCE "servicePrincipalName=HTTP/exch1.exwiz.test on " \
	"CN=EXCH1,OU=Servers,DC=exwiz,DC=test and CN=olduser,OU=Users,DC=exwiz,DC=test " \
	"(and more text to make this line well over eighty columns wide)"
#define LONG_NOTE "This report was produced from a transcript that was copied from " \
	"another machine; times are those of that machine and may be off by a lot."

static struct ew_finding *finding(const char *check, enum ew_severity sev, const char *title)
{
	struct ew_finding *f = ew_finding_new(check, sev, "%s", title);

	assert_non_null(f);
	return f;
}

/* Two steps: target (pass + info), dns (fail + warn). */
static struct ew_report *sample_report(void)
{
	struct ew_report *r = ew_report_new("0.1.0", "jump1");
	struct ew_step_result *s;
	struct ew_finding *f;

	assert_non_null(r);
	r->started = strdup("2026-11-22T10:00:00.123Z");
	r->transcript = strdup("/home/u/.local/state/exwizard/exwizard-jump1-20261122T100000.jsonl");
	json_object_set_new(r->target, "realm", json_string("EXWIZ.TEST"));
	json_object_set_new(r->target, "realm_source", json_string("option"));
	json_object_set_new(r->target, "domain", json_string("exwiz.test"));
	json_object_set_new(r->target, "user", json_string("bob@EXWIZ.TEST"));
	json_object_set_new(r->target, "exchange",
			    json_pack("[s, s]", "exch1.exwiz.test", "exch2.exwiz.test"));
	json_object_set_new(r->target, "mover", json_null());

	s = ew_step_result_new("target", "Target and defaults");
	assert_non_null(s);
	assert_int_equal(ew_step_result_add(s, finding("TARGET-REALM", EW_PASS,
						       "Realm EXWIZ.TEST (given on the command line)")), 0);
	assert_int_equal(ew_step_result_add(s, finding("TARGET-DOMAIN", EW_INFO,
						       "AD DNS domain exwiz.test (the realm in lower case)")), 0);
	s->status = ew_step_result_worst(s);
	s->duration_ms = 3;
	json_object_set_new(s->data, "ccache", json_string("FILE:/tmp/krb5cc_1000"));
	assert_int_equal(ew_report_add_step(r, s), 0);

	s = ew_step_result_new("dns", "DNS records");
	assert_non_null(s);
	f = finding("DNS-SRV", EW_FAIL, "No _ldap._tcp SRV record for exwiz.test");
	ew_finding_detail(f, "The domain controllers cannot be located.");
	ew_finding_evidence(f, "_ldap._tcp.exwiz.test: NXDOMAIN from 10.0.0.1");
	ew_finding_evidence(f, "_ldap._tcp.exwiz.test: NXDOMAIN from 10.0.0.2");
	ew_finding_remedy(f, "Register the DC records (nltest /dsregdns).");
	assert_int_equal(ew_step_result_add(s, f), 0);
	f = finding("DNS-PTR", EW_WARN, "No PTR record for 10.0.0.5");
	ew_finding_set_help(f, "dns");
	assert_int_equal(ew_step_result_add(s, f), 0);
	s->status = ew_step_result_worst(s);
	s->duration_ms = 1234;
	json_object_set_new(s->data, "servers", json_pack("[s, s]", "10.0.0.1", "10.0.0.2"));
	json_object_set_new(s->data, "answers", json_integer(0));
	json_object_set_new(s->data, "nested", json_pack("{s:{s:b}}", "a", "b", 1));
	assert_int_equal(ew_report_add_step(r, s), 0);

	assert_int_equal(ew_report_add_note(r, "Stopped by %s.", "a signal"), 0);
	return r;
}

static void test_new_free_add(void **state)
{
	struct ew_report *r;

	(void)state;
	ew_report_free(NULL);
	r = ew_report_new(NULL, NULL);
	assert_non_null(r);
	assert_null(r->version);
	assert_null(r->host);
	assert_true(json_is_object(r->target));
	assert_int_equal(r->nsteps, 0);
	assert_int_equal(ew_report_add_step(r, NULL), -1);
	assert_int_equal(r->nsteps, 0);
	assert_int_equal(ew_report_add_note(r, "%s", "a\x1b[1mb\r"), 0);
	assert_int_equal(r->nnotes, 1);
	assert_string_equal(r->notes[0], "a\\x1b[1mb\\r");
	ew_report_free(&r);
	assert_null(r);
	ew_report_free(&r);

	r = ew_report_new("1.0", "host\x1b");
	assert_string_equal(r->version, "1.0");
	assert_string_equal(r->host, "host\\x1b");
	ew_report_free(&r);
}

static void test_to_json_fields(void **state)
{
	struct ew_report *r = sample_report();
	json_t *j, *steps, *s, *sum;

	(void)state;
	j = ew_report_to_json(r);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "exwizard")), "0.1.0");
	assert_string_equal(json_string_value(json_object_get(j, "host")), "jump1");
	assert_string_equal(json_string_value(json_object_get(j, "started")),
			    "2026-11-22T10:00:00.123Z");
	assert_true(json_equal(json_object_get(j, "target"), r->target));
	steps = json_object_get(j, "steps");
	assert_int_equal(json_array_size(steps), 2);
	s = json_array_get(steps, 0);
	assert_string_equal(json_string_value(json_object_get(s, "id")), "target");
	assert_string_equal(json_string_value(json_object_get(s, "title")), "Target and defaults");
	assert_string_equal(json_string_value(json_object_get(s, "status")), "info");
	assert_int_equal(json_integer_value(json_object_get(s, "duration_ms")), 3);
	assert_int_equal(json_array_size(json_object_get(s, "findings")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(s, "data"), "ccache")),
			    "FILE:/tmp/krb5cc_1000");
	s = json_array_get(steps, 1);
	assert_string_equal(json_string_value(json_object_get(s, "status")), "fail");
	assert_int_equal(json_integer_value(json_object_get(s, "duration_ms")), 1234);
	sum = json_object_get(j, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "pass")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "info")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "warn")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "fail")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "skip")), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "notes"), 0)),
			    "Stopped by a signal.");
	assert_string_equal(json_string_value(json_object_get(j, "transcript")), r->transcript);
	json_decref(j);
	ew_report_free(&r);
}

static void test_json_round_trip(void **state)
{
	struct ew_report *r = sample_report(), *r2;
	char err[256] = "";
	char *text1, *text2;
	json_t *j1, *parsed, *j2;
	size_t i, k;

	(void)state;
	j1 = ew_report_to_json(r);
	assert_non_null(j1);
	text1 = json_dumps(j1, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(text1);
	parsed = json_loads(text1, 0, NULL);
	assert_non_null(parsed);
	r2 = ew_report_from_json(parsed, err, sizeof(err));
	assert_non_null(r2);
	assert_string_equal(err, "");
	j2 = ew_report_to_json(r2);
	assert_non_null(j2);
	assert_true(json_equal(j1, j2));
	text2 = json_dumps(j2, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text1, text2);

	/* And the structures agree. */
	assert_string_equal(r2->version, r->version);
	assert_string_equal(r2->host, r->host);
	assert_string_equal(r2->started, r->started);
	assert_string_equal(r2->transcript, r->transcript);
	assert_int_equal(r2->nsteps, r->nsteps);
	for (i = 0; i < r->nsteps; i++) {
		assert_string_equal(r2->steps[i]->id, r->steps[i]->id);
		assert_string_equal(r2->steps[i]->title, r->steps[i]->title);
		assert_int_equal(r2->steps[i]->status, r->steps[i]->status);
		assert_int_equal(r2->steps[i]->duration_ms, r->steps[i]->duration_ms);
		assert_true(json_equal(r2->steps[i]->data, r->steps[i]->data));
		assert_int_equal(r2->steps[i]->nfindings, r->steps[i]->nfindings);
		for (k = 0; k < r->steps[i]->nfindings; k++) {
			assert_string_equal(r2->steps[i]->findings[k]->check,
					    r->steps[i]->findings[k]->check);
			assert_int_equal(r2->steps[i]->findings[k]->severity,
					 r->steps[i]->findings[k]->severity);
		}
	}
	assert_int_equal(r2->nnotes, 1);
	assert_string_equal(r2->notes[0], r->notes[0]);
	assert_int_equal(ew_report_exit_code(r2), ew_report_exit_code(r));

	free(text1);
	free(text2);
	json_decref(j1);
	json_decref(j2);
	json_decref(parsed);
	ew_report_free(&r);
	ew_report_free(&r2);
}

static void test_json_round_trip_every_status(void **state)
{
	struct ew_report *r = ew_report_new("0.1.0", NULL), *r2;
	char err[256];
	json_t *j1, *j2;
	int st;

	(void)state;
	for (st = EW_ST_PASS; st <= EW_ST_INTERRUPTED; st++) {
		struct ew_step_result *s = ew_step_result_new(ew_status_name((enum ew_status)st), "T");

		s->status = (enum ew_status)st;
		assert_int_equal(ew_report_add_step(r, s), 0);
	}
	j1 = ew_report_to_json(r);
	r2 = ew_report_from_json(j1, err, sizeof(err));
	assert_non_null(r2);
	for (st = EW_ST_PASS; st <= EW_ST_INTERRUPTED; st++)
		assert_int_equal(r2->steps[st]->status, st);
	j2 = ew_report_to_json(r2);
	assert_true(json_equal(j1, j2));
	json_decref(j1);
	json_decref(j2);
	ew_report_free(&r);
	ew_report_free(&r2);
}

static void test_from_json_rejects(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{}",
		"{\"exwizard\":1}",
		"{\"exwizard\":\"0.1.0\",\"steps\":[{\"title\":\"no id\"}]}",
		"{\"exwizard\":\"0.1.0\",\"steps\":[{\"id\":\"s\",\"findings\":"
			"[{\"check\":\"C\",\"severity\":\"bad\",\"title\":\"t\"}]}]}",
		"{\"exwizard\":\"0.1.0\",\"steps\":[{\"id\":\"s\",\"findings\":[{}]}]}",
	};
	char err[256];
	size_t i;
	json_t *j;

	(void)state;
	strcpy(err, "");
	assert_null(ew_report_from_json(NULL, err, sizeof(err)));
	assert_true(strlen(err) > 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i], 0, NULL);
		assert_non_null(j);
		strcpy(err, "");
		assert_null(ew_report_from_json(j, err, sizeof(err)));
		assert_true(strlen(err) > 0);
		json_decref(j);
	}
	/* The smallest report: defaults everywhere. */
	j = json_loads("{\"exwizard\":\"9\",\"steps\":[{\"id\":\"x\"}]}", 0, NULL);
	{
		struct ew_report *r = ew_report_from_json(j, err, sizeof(err));

		assert_non_null(r);
		assert_int_equal(r->nsteps, 1);
		assert_string_equal(r->steps[0]->title, "x");	/* title defaults to the id */
		assert_int_equal(r->steps[0]->status, EW_ST_PENDING);
		assert_true(json_is_object(r->target));
		assert_null(r->host);
		assert_int_equal(ew_report_exit_code(r), EW_EXIT_NOTHING);
		ew_report_free(&r);
	}
	json_decref(j);
}

static void test_summary_counts(void **state)
{
	struct ew_report *r = sample_report();
	unsigned c[EW_NSEVERITY];
	struct ew_step_result *s;

	(void)state;
	memset(c, 0xff, sizeof(c));
	ew_report_summary(r, c);
	assert_int_equal(c[EW_PASS], 1);
	assert_int_equal(c[EW_INFO], 1);
	assert_int_equal(c[EW_WARN], 1);
	assert_int_equal(c[EW_FAIL], 1);
	assert_int_equal(c[EW_SKIP], 0);
	s = ew_step_result_new("ldap", "LDAP");
	ew_step_result_add(s, finding("LDAP-BIND", EW_SKIP, "no DC"));
	ew_step_result_add(s, finding("LDAP-SPN", EW_SKIP, "no DC"));
	ew_step_result_add(s, finding("LDAP-X", EW_FAIL, "x"));
	ew_report_add_step(r, s);
	ew_report_summary(r, c);
	assert_int_equal(c[EW_SKIP], 2);
	assert_int_equal(c[EW_FAIL], 2);
	/* a sweep's findings are other accounts': not counted, not the exit status */
	s = ew_step_result_new("sweep", "Who else is affected");
	ew_step_result_add(s, finding("SWEEP-DOMAIN", EW_FAIL, "3 accounts: token too large"));
	ew_step_result_add(s, finding("SWEEP-DOMAIN", EW_FAIL, "1 account: SID limit"));
	ew_report_add_step(r, s);
	ew_report_summary(r, c);
	assert_int_equal(c[EW_FAIL], 2);
	ew_report_free(&r);

	r = ew_report_new(NULL, NULL);
	memset(c, 0xff, sizeof(c));
	ew_report_summary(r, c);
	assert_int_equal(c[EW_PASS] + c[EW_INFO] + c[EW_WARN] + c[EW_FAIL] + c[EW_SKIP], 0);
	assert_int_equal(ew_report_cancelled_steps(r), 0);
	ew_report_free(&r);
}

/* A cancelled step: counted apart, in the JSON summary and the text; its skips stay skips. */
static void test_summary_cancelled(void **state)
{
	struct ew_report *r = sample_report();
	struct ew_step_result *s;
	json_t *j, *sum;
	char *text;

	(void)state;
	j = ew_report_to_json(r);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"),
							    "cancelled")), 0);
	json_decref(j);
	text = ew_report_to_text(r, 80);
	assert_null(strstr(text, "cancelled"));
	free(text);

	s = ew_step_result_new("tickets", "Kerberos tickets");
	ew_step_result_add(s, finding("KRB-CACHE", EW_PASS, "a valid TGT"));
	ew_step_result_add(s, finding("KRB-KDC", EW_SKIP, "Cancelled before any KDC answered"));
	s->status = EW_ST_CANCELLED;
	ew_report_add_step(r, s);
	assert_int_equal(ew_report_cancelled_steps(r), 1);
	j = ew_report_to_json(r);
	sum = json_object_get(j, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "cancelled")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "fail")), 1);	/* dns's */
	assert_int_equal(json_integer_value(json_object_get(sum, "skip")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "pass")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(j, "steps"), 2), "status")), "cancelled");
	json_decref(j);
	text = ew_report_to_text(r, 80);
	assert_non_null(strstr(text, "== tickets: Kerberos tickets [CANCELLED]"));
	assert_non_null(strstr(text, "Summary: 1 fail, 1 warn, 1 info, 2 pass, 1 skip; 1 step "
			       "cancelled\n"));
	free(text);
	ew_report_free(&r);
}

static int exit_code_of(const enum ew_severity *sevs, size_t n)
{
	struct ew_report *r = ew_report_new("0.1.0", "h");
	struct ew_step_result *s = ew_step_result_new("s", "S");
	size_t i;
	int code;

	for (i = 0; i < n; i++)
		ew_step_result_add(s, finding("C", sevs[i], "t"));
	ew_report_add_step(r, s);
	code = ew_report_exit_code(r);
	ew_report_free(&r);
	return code;
}

#define EXIT_OF(...) exit_code_of((const enum ew_severity[]){ __VA_ARGS__ }, \
	sizeof((const enum ew_severity[]){ __VA_ARGS__ }) / sizeof(enum ew_severity))

static void test_exit_code(void **state)
{
	struct ew_report *r;

	(void)state;
	assert_int_equal(EXIT_OF(EW_FAIL), EW_EXIT_FAIL);
	assert_int_equal(EW_EXIT_FAIL, 2);
	assert_int_equal(EXIT_OF(EW_PASS, EW_WARN, EW_FAIL, EW_SKIP), 2);
	assert_int_equal(EXIT_OF(EW_WARN), EW_EXIT_WARN);
	assert_int_equal(EW_EXIT_WARN, 1);
	assert_int_equal(EXIT_OF(EW_PASS, EW_INFO, EW_WARN, EW_SKIP), 1);
	assert_int_equal(EXIT_OF(EW_PASS), EW_EXIT_OK);
	assert_int_equal(EW_EXIT_OK, 0);
	assert_int_equal(EXIT_OF(EW_INFO), 0);
	assert_int_equal(EXIT_OF(EW_PASS, EW_INFO, EW_PASS), 0);
	assert_int_equal(EXIT_OF(EW_SKIP, EW_INFO), 0);
	assert_int_equal(EXIT_OF(EW_SKIP), EW_EXIT_NOTHING);
	assert_int_equal(EW_EXIT_NOTHING, 4);
	assert_int_equal(EXIT_OF(EW_SKIP, EW_SKIP), 4);
	assert_int_equal(exit_code_of(NULL, 0), 4);	/* a step with no finding */
	r = ew_report_new("0.1.0", "h");		/* no step at all */
	assert_int_equal(ew_report_exit_code(r), 4);
	ew_report_free(&r);
	r = sample_report();
	assert_int_equal(ew_report_exit_code(r), 2);
	ew_report_free(&r);

	/* Interrupted: the worst of what was found, and never 0 (not everything
	 * was looked at); what was cut short is a skip. */
	{
		struct ew_step_result *s;

		r = ew_report_new("0.1.0", "h");
		s = ew_step_result_new("tickets", "T");
		ew_step_result_add(s, finding("KRB-CACHE", EW_PASS, "a valid TGT"));
		ew_step_result_add(s, finding("KRB-KDC", EW_SKIP, "Cancelled before any KDC "
					      "answered"));
		s->status = EW_ST_CANCELLED;
		ew_report_add_step(r, s);
		assert_int_equal(ew_report_exit_code(r), EW_EXIT_NOTHING);
		ew_step_result_add(s, finding("KRB-SKEW", EW_WARN, "a clock 90 s off"));
		assert_int_equal(ew_report_exit_code(r), EW_EXIT_WARN);
		ew_report_free(&r);
		r = ew_report_new("0.1.0", "h");
		s = ew_step_result_new("dns", "D");
		ew_step_result_add(s, finding("dns", EW_SKIP, "Cancelled before the dns step had "
					      "a result"));
		s->status = EW_ST_CANCELLED;
		ew_report_add_step(r, s);
		assert_int_equal(ew_report_exit_code(r), EW_EXIT_NOTHING);
		ew_report_free(&r);
	}
}

/* The target step's passes and warnings do not make a run whose every
 * diagnosing step skipped (a wrong bind password, an unreachable DC) exit 0. */
static void test_exit_code_nothing_ran(void **state)
{
	struct ew_report *r = ew_report_new("0.1.0", "h");
	struct ew_step_result *t = ew_step_result_new("target", "Target");
	struct ew_step_result *g = ew_step_result_new("groups", "Groups");
	struct ew_step_result *m = ew_step_result_new("mailbox", "Mailbox");

	(void)state;
	t->setup = 1;	/* as the step table's EW_STEP_SETUP makes it */
	ew_step_result_add(t, finding("TARGET-REALM", EW_PASS, "t"));
	ew_step_result_add(t, finding("TARGET-USER", EW_WARN, "t"));
	ew_step_result_add(g, finding("TOK-COUNT", EW_SKIP, "t"));
	ew_step_result_add(m, finding("MBX-ATTRS", EW_SKIP, "t"));
	ew_report_add_step(r, t);
	ew_report_add_step(r, g);
	ew_report_add_step(r, m);
	assert_int_equal(ew_report_exit_code(r), EW_EXIT_NOTHING);
	/* One diagnosing finding that ran: the usual worst-of rule again. */
	ew_step_result_add(m, finding("MBX-ATTRS", EW_PASS, "t"));
	assert_int_equal(ew_report_exit_code(r), EW_EXIT_WARN);
	ew_report_free(&r);
	/* The target step alone keeps its own verdict. */
	r = ew_report_new("0.1.0", "h");
	t = ew_step_result_new("target", "Target");
	t->setup = 1;
	ew_step_result_add(t, finding("TARGET-REALM", EW_PASS, "t"));
	ew_report_add_step(r, t);
	assert_int_equal(ew_report_exit_code(r), EW_EXIT_OK);
	ew_report_free(&r);
}

/* Every line of text is clean (what ew_text_clean leaves alone). */
static void assert_text_clean(const char *text)
{
	const char *p = text, *nl;

	assert_false(tu_has_raw_control(text, strlen(text)));
	while (*p) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		assert_true(ew_text_is_clean(p, (size_t)(nl - p)));
		p = *nl ? nl + 1 : nl;
	}
}

/* Lines longer than width columns that are not evidence lines; 0 if none. */
static size_t count_long_lines(const char *text, size_t width, int print)
{
	const char *p = text, *nl;
	size_t bad = 0, cols;

	while (*p) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		cols = tu_columns(p, (size_t)(nl - p));
		if (cols > width && strncmp(p, "         | ", 11) != 0) {
			if (print)
				print_message("# line of %zu columns: %.*s\n", cols, (int)(nl - p), p);
			bad++;
		}
		p = *nl ? nl + 1 : nl;
	}
	return bad;
}

/* The text with every run of spaces and newlines made one space. */
static char *squeeze(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	int space = 0;

	assert_non_null(out);
	for (; *text; text++) {
		if (*text == ' ' || *text == '\n') {
			space = 1;
			continue;
		}
		if (space && o > out)
			*o++ = ' ';
		space = 0;
		*o++ = *text;
	}
	*o = '\0';
	return out;
}

static void test_text_content(void **state)
{
	struct ew_report *r = sample_report();
	char *text;

	(void)state;
	text = ew_report_to_text(r, 80);
	assert_non_null(text);
	assert_non_null(strstr(text, "exwizard 0.1.0 report from jump1, started 2026-11-22T10:00:00.123Z\n"));
	assert_non_null(strstr(text, "Realm:"));
	assert_non_null(strstr(text, "EXWIZ.TEST"));
	assert_non_null(strstr(text, "exch1.exwiz.test, exch2.exwiz.test"));
	assert_non_null(strstr(text, "== target: Target and defaults [INFO] (3 ms)"));
	assert_non_null(strstr(text, "== dns: DNS records [FAIL] (1234 ms)"));
	assert_non_null(strstr(text, "[FAIL] DNS-SRV: No _ldap._tcp SRV record for exwiz.test\n"));
	assert_non_null(strstr(text, "[WARN] DNS-PTR:"));
	assert_non_null(strstr(text, "[PASS] TARGET-REALM:"));
	assert_non_null(strstr(text, "The domain controllers cannot be located."));
	assert_non_null(strstr(text, "| _ldap._tcp.exwiz.test: NXDOMAIN from 10.0.0.1\n"));
	assert_non_null(strstr(text, "Remedy: Register the DC records (nltest /dsregdns).\n"));
	assert_non_null(strstr(text, "Help: exwizard help DNS-SRV\n"));
	assert_non_null(strstr(text, "Help: exwizard help dns\n"));
	/* A pass needs no help pointer. */
	assert_null(strstr(text, "Help: exwizard help TARGET-REALM"));
	assert_non_null(strstr(text, "Summary: 1 fail, 1 warn, 1 info, 1 pass, 0 skip\n"));
	assert_non_null(strstr(text, "Note: Stopped by a signal.\n"));
	assert_non_null(strstr(text, "Transcript: /home/u/.local/state/exwizard/"));
	/* The failing step comes after the target step, as run. */
	assert_true(strstr(text, "== target") < strstr(text, "== dns"));
	assert_text_clean(text);
	assert_int_equal(count_long_lines(text, 80, 1), 0);
	free(text);
	ew_report_free(&r);
}

/* A report whose every string came from a hostile JSON document. */
static const char hostile_json[] =
	"{\"exwizard\":\"0.1\\u001b[31m\",\"started\":\"2026\\r\",\"host\":\"h\\u001b]0;x\\u0007\","
	"\"target\":{\"realm\":\"R\\u001bX\",\"domain\":\"d\\r\",\"user\":\"u\\u009b\","
	"\"exchange\":[\"e1\\u001b\",\"e2\\n\",3],\"mover\":\"\\u202em\",\"dc\":\"dc\\u007f\","
	"\"dns_servers\":[\"\\u001b\"],\"ccache\":\"FILE:\\u001b[2J\"},"
	"\"steps\":[{\"id\":\"s\\u001b\",\"title\":\"T\\r\\n\",\"status\":\"fail\","
	"\"duration_ms\":5,\"findings\":[{\"check\":\"C\\u001b\",\"severity\":\"fail\","
	"\"title\":\"t\\u001b[2J\",\"detail\":\"d\\r\\u0000x\",\"evidence\":"
	"[\"\\u001b]0;pwned\\u0007\",\"\\u009b2J\"],\"remedy\":\"r\\u001b\\t\","
	"\"help\":\"h\\u001b\"}],\"data\":{\"x\":\"\\u001b\"}}],"
	"\"transcript\":\"/tmp/\\u001b\",\"notes\":[\"n\\u001b\\r\",\"\\u2028\"]}";

static void test_text_hostile_from_json(void **state)
{
	struct ew_report *r;
	json_error_t jerr;
	char err[256] = "";
	char *text;
	json_t *j;

	(void)state;
	j = json_loads(hostile_json, JSON_ALLOW_NUL, &jerr);
	if (j == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	r = ew_report_from_json(j, err, sizeof(err));
	json_decref(j);
	assert_non_null(r);
	text = ew_report_to_text(r, 80);
	assert_non_null(text);
	assert_null(memchr(text, 0x1b, strlen(text)));
	assert_null(memchr(text, '\r', strlen(text)));
	assert_text_clean(text);
	/* What was there is shown, escaped. */
	assert_non_null(strstr(text, "R\\x1bX"));
	assert_non_null(strstr(text, "e1\\x1b, e2\\n"));
	assert_non_null(strstr(text, "\\u202em"));
	assert_non_null(strstr(text, "dc\\x7f"));
	assert_non_null(strstr(text, "FILE:\\x1b[2J"));
	assert_non_null(strstr(text, "h\\x1b]0;x\\x07"));
	assert_non_null(strstr(text, "[FAIL] C\\x1b: t\\x1b[2J"));
	assert_non_null(strstr(text, "| \\x1b]0;pwned\\x07"));
	assert_non_null(strstr(text, "| \\u009b2J"));
	assert_non_null(strstr(text, "Note: n\\x1b\\r"));
	assert_non_null(strstr(text, "Note: \\u2028"));
	assert_non_null(strstr(text, "Transcript: /tmp/\\x1b"));
	free(text);

	/* The JSON form escapes the C0 controls JSON's way (\u001b). */
	j = ew_report_to_json(r);
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	{
		size_t i, n = strlen(text);

		for (i = 0; i < n; i++)
			assert_true((unsigned char)text[i] >= 0x20);
	}
	/* Read back from JSON, the strings were cleaned: a visible \x1b. */
	assert_non_null(strstr(text, "\\\\x1b"));
	free(text);
	json_decref(j);
	ew_report_free(&r);
}

/* Strings put in the structures directly, bypassing the cleaning setters:
 * the text is still clean. */
static void test_text_hostile_raw_structs(void **state)
{
	struct ew_report *r = ew_report_new("0.1.0", "h");
	struct ew_step_result *s = ew_step_result_new("s", "S");
	struct ew_finding *f = finding("C", EW_WARN, "t");
	char *text;

	(void)state;
	free(f->title);
	f->title = strdup("title\x1b[2J\rmore words");
	f->detail = strdup("detail\x1b");
	free(f->check);
	f->check = strdup("C\x1b");
	f->remedy = strdup("remedy\r\x07");
	free(f->help);
	f->help = strdup("help\x1b");
	f->evidence = malloc(sizeof(char *));
	f->evidence[0] = strdup("ev\x1b]0;pwned\x07");
	f->nevidence = 1;
	ew_step_result_add(s, f);
	free(s->id);
	s->id = strdup("id\x1b");
	free(s->title);
	s->title = strdup("title\r");
	s->status = EW_ST_WARN;
	ew_report_add_step(r, s);
	free(r->host);
	r->host = strdup("h\x1b");
	r->started = strdup("st\r");
	r->version = (free(r->version), strdup("v\x1b"));
	r->transcript = strdup("/tmp/\x1b");
	json_object_set_new(r->target, "realm", json_string("R\x1b"));
	json_object_set_new(r->target, "exchange", json_pack("[s]", "x\x1b"));
	r->notes = malloc(sizeof(char *));
	r->notes[0] = strdup("note\x1b");
	r->nnotes = 1;

	text = ew_report_to_text(r, 80);
	assert_non_null(text);
	assert_text_clean(text);
	assert_non_null(strstr(text, "title\\x1b[2J\\rmore words"));
	assert_non_null(strstr(text, "C\\x1b"));
	assert_non_null(strstr(text, "remedy\\r\\x07"));
	assert_non_null(strstr(text, "ev\\x1b]0;pwned\\x07"));
	assert_non_null(strstr(text, "Help: exwizard help help\\x1b"));
	free(text);
	ew_report_free(&r);
}

static void test_text_wrapping(void **state)
{
	struct ew_report *r = sample_report();
	struct ew_finding *f;
	char *text, *flat;

	(void)state;
	f = finding("KRB-SPN-DUP", EW_FAIL, LONG_TITLE);
	ew_finding_detail(f, "%s", LONG_DETAIL);
	ew_finding_evidence(f, "%s", LONG_EVIDENCE);
	ew_finding_remedy(f, "%s", LONG_REMEDY);
	ew_step_result_add(r->steps[1], f);
	ew_report_add_note(r, "%s", LONG_NOTE);

	text = ew_report_to_text(r, 80);
	assert_non_null(text);
	assert_text_clean(text);
	/* Nothing is wider than 80 columns, but evidence is kept on one line. */
	assert_int_equal(count_long_lines(text, 80, 1), 0);
	assert_non_null(strstr(text, "         | " LONG_EVIDENCE "\n"));
	assert_true(strlen("         | " LONG_EVIDENCE) > 80);
	/* Wrapping loses no word and keeps their order. */
	flat = squeeze(text);
	assert_non_null(strstr(flat, "[FAIL] KRB-SPN-DUP: " LONG_TITLE));
	assert_non_null(strstr(flat, LONG_DETAIL));
	assert_non_null(strstr(flat, "Remedy: " LONG_REMEDY));
	assert_non_null(strstr(flat, "Note: " LONG_NOTE));
	free(flat);
	/* The continuation lines are indented under the text. */
	assert_non_null(strstr(text, "\n                 "));	/* remedy: 17 */
	free(text);
	ew_report_free(&r);
}

/*
 * The header says "lines wrapped at width"; a realistic target (four Exchange
 * servers, the front and back end of two sites) gives a target line wider
 * than 80 columns, because target lines are not wrapped.
 */
static void test_text_wrapping_target_list(void **state)
{
	struct ew_report *r = sample_report();
	size_t long_lines;
	char *text;
	int found;

	(void)state;
	json_object_set_new(r->target, "exchange",
			    json_pack("[s, s, s, s]", "mail-fe01.paris.corp.example.com",
				      "mail-be01.paris.corp.example.com",
				      "mail-fe01.lyon.corp.example.com",
				      "mail-be01.lyon.corp.example.com"));
	text = ew_report_to_text(r, 80);
	ew_report_free(&r);
	assert_non_null(text);
	long_lines = count_long_lines(text, 80, 1);
	found = strstr(text, "mail-be01.lyon.corp.example.com") != NULL;
	free(text);	/* before asserting: a failure must not leak */
	assert_true(found);
	assert_int_equal(long_lines, 0);
}

/* A result run for an earlier target says so in its data and in the text. */
static void test_stale(void **state)
{
	struct ew_report *r = ew_report_new("0.1.0", "h");
	struct ew_step_result *g = ew_step_result_new("groups", "Groups");
	json_t *earlier = json_pack("{s:s, s:s, s:[s]}", "user", "bob", "realm", "EXWIZ.TEST",
				    "exchange", "exch1.exwiz.test");
	char *text, *brief;

	(void)state;
	brief = ew_target_json_brief(earlier);
	assert_string_equal(brief, "user bob, realm EXWIZ.TEST, Exchange exch1.exwiz.test");
	free(brief);
	ew_step_result_add(g, finding("TOK-COUNT", EW_INFO, "bob is in 603 security groups"));
	assert_false(ew_step_result_is_stale(g));
	ew_step_result_mark_stale(g, earlier);
	assert_true(ew_step_result_is_stale(g));
	/* Marked once: a second change keeps what it was first run for. */
	json_object_set_new(earlier, "user", json_string("carol"));
	ew_step_result_mark_stale(g, earlier);
	assert_non_null(strstr(json_string_value(json_object_get(g->data, "stale")), "user bob"));
	ew_report_add_step(r, g);
	text = ew_report_to_text(r, 80);
	assert_non_null(strstr(text, "STALE: run for an earlier target (user bob, realm"));
	free(text);
	/* Not counted, and no verdict on the target of the report. */
	{
		unsigned c[EW_NSEVERITY];

		ew_step_result_add(g, finding("TOK-SIZE", EW_FAIL, "bob's token is too big"));
		ew_report_summary(r, c);
		assert_int_equal(c[EW_FAIL] + c[EW_INFO], 0);
		assert_int_equal(ew_report_stale_steps(r), 1);
		assert_int_equal(ew_report_exit_code(r), EW_EXIT_NOTHING);
	}
	ew_step_result_mark_stale(NULL, earlier);	/* no result: nothing to mark */
	brief = ew_target_json_brief(NULL);
	assert_string_equal(brief, "no target");
	free(brief);
	json_decref(earlier);
	ew_report_free(&r);
}

/*
 * The diagnosis in the report: the JSON's "diagnosis" right after
 * "summary", with the target's symptoms; the text opens with it before the
 * steps; the brief starts with the verdict, names each cause with the check
 * ids of its evidence, and has no line over its width, not even for a name
 * with no space to wrap at.
 */
static void test_diagnosis_in_report(void **state)
{
	struct ew_report *r = sample_report();
	struct ew_finding *f = r->steps[1]->findings[0];
	char *text, *brief, *p, *nl;
	const char *key;
	json_t *j, *v;
	int after_summary = 0, prev_summary = 0;

	(void)state;
	assert_int_equal(ew_finding_set_cause(f, EW_CAUSE_DNS_SRV_MISSING), 0);
	json_object_set_new(r->target, "symptoms", json_pack("[s]", "40961"));
	json_object_set_new(r->target, "dc", json_string("dc-with-a-name-far-too-long-to-wrap-"
							 "anywhere-in-a-line.region1.exwiz.test"));
	j = ew_report_to_json(r);
	json_object_foreach(j, key, v) {
		after_summary |= prev_summary && strcmp(key, "diagnosis") == 0;
		prev_summary = strcmp(key, "summary") == 0;
	}
	assert_true(after_summary);
	v = json_object_get(j, "diagnosis");
	assert_string_equal(json_string_value(json_array_get(json_object_get(v, "symptoms"), 0)),
			    "40961");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(v, "causes"), 0), "id")), EW_CAUSE_DNS_SRV_MISSING);
	json_decref(j);

	text = ew_report_to_text(r, 80);
	assert_non_null(text);
	p = strstr(text, "dns-srv-missing");
	assert_non_null(p);
	assert_true(p < strstr(text, "\n== target:"));
	free(text);

	brief = ew_report_brief(r, 60);
	assert_non_null(brief);
	assert_true(strncmp(brief, "Verdict: ", 9) == 0);
	assert_non_null(strstr(brief, "(dns-srv-missing)"));
	assert_non_null(strstr(brief, "Evidence: DNS-SRV\n"));
	assert_non_null(strstr(brief, "Symptoms: 40961\n"));
	assert_text_clean(brief);
	for (p = brief; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if (nl - p > 60)
			fail_msg("a line of %d columns: %.*s", (int)(nl - p), (int)(nl - p), p);
	free(brief);
	ew_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_free_add),
		cmocka_unit_test(test_to_json_fields),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_round_trip_every_status),
		cmocka_unit_test(test_from_json_rejects),
		cmocka_unit_test(test_summary_counts),
		cmocka_unit_test(test_summary_cancelled),
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_exit_code_nothing_ran),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_diagnosis_in_report),
		cmocka_unit_test(test_text_content),
		cmocka_unit_test(test_text_hostile_from_json),
		cmocka_unit_test(test_text_hostile_raw_structs),
		cmocka_unit_test(test_text_wrapping),
		cmocka_unit_test(test_text_wrapping_target_list),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
