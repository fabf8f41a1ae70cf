/* test_transcript.c - writing a session transcript and reading it back. */
#include "testutil.h"

#include <errno.h>
#include <jansson.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "comparison.h"
#include "finding.h"
#include "report.h"
#include "stepdata.h"
#include "step.h"
#include "text.h"
#include "transcript.h"
#include "transcriptread.h"

#define HOSTILE_EVIDENCE "\x1b]0;pwned\x07"

static void write_str(const char *path, const char *s)
{
	tu_write_file(path, s, strlen(s));
}

static void append_str(const char *path, const char *s)
{
	tu_append_file(path, s, strlen(s));
}

struct fixture {
	char *dir;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->dir = tu_mkdtemp();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_rm_rf(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

/* ---- steps with known findings, run through the real step API ---- */

static int run_alpha(struct ew_run *run, struct ew_step_result *res)
{
	struct ew_finding *f;

	ew_step_result_add(res, ew_finding_new("ALPHA-OK", EW_PASS, "Alpha answers"));
	f = ew_finding_new("ALPHA-WARN", EW_WARN, "Odd answer %s", "\x1b[31mred\r");
	ew_finding_detail(f, "The server said something odd.");
	ew_finding_evidence(f, "%s", HOSTILE_EVIDENCE);
	ew_finding_evidence(f, "plain evidence line");
	ew_finding_remedy(f, "Look at the server.");
	ew_finding_set_help(f, "alpha");
	ew_step_result_add(res, f);
	json_object_set_new(res->data, "answer", json_integer(42));
	json_object_set_new(res->data, "raw", json_string("\x1b[2J\r"));
	json_object_set_new(res->data, "list", json_pack("[s, i, b]", "x", 1, 1));
	ew_run_probe(run, "alpha", json_pack("{s:s, s:s}", "ask", "SRV _ldap._tcp.exwiz.test",
					     "answer", "\x1b[31m"));
	ew_run_note(run, "alpha", "note with %s", "\x1b\r");
	return 0;
}

static int run_beta(struct ew_run *run, struct ew_step_result *res)
{
	struct ew_finding *f = ew_finding_new("BETA-FAIL", EW_FAIL, "Beta is broken");

	(void)run;
	ew_finding_remedy(f, "Fix beta.");
	ew_step_result_add(res, f);
	ew_step_result_add(res, ew_finding_new("BETA-INFO", EW_INFO, "Beta said hello"));
	json_object_set_new(res->data, "tries", json_integer(2));
	return 0;
}

/* Could not run: ew_step_execute adds the skip finding. */
static int run_gamma(struct ew_run *run, struct ew_step_result *res)
{
	(void)run;
	(void)res;
	return -1;
}

static const struct ew_step test_steps[] = {
	{ "alpha", "Alpha step", "alpha", "Checks alpha.", run_alpha, 0, EW_DATA_JSON },
	{ "beta", "Beta step", "beta", "Checks beta.", run_beta, 0, EW_DATA_JSON },
	{ "gamma", "Gamma step", "gamma", "Checks gamma.", run_gamma, 0, EW_DATA_JSON },
};
#define NTEST_STEPS (sizeof(test_steps) / sizeof(test_steps[0]))

static int write_session(struct ew_transcript *t)
{
	return ew_transcript_event(t, "session",
				   json_pack("{s:s, s:s, s:s, s:[s, s, s], s:{s:s, s:s}}",
					     "version", "0.1.0", "host", "jump1",
					     "command", "check", "steps", "alpha", "beta", "gamma",
					     "target", "realm", "EXWIZ.TEST", "domain", "exwiz.test"));
}

/* Open path, write a whole session of the test steps; the report built live. */
static struct ew_report *write_full_session(const char *path, int with_end)
{
	struct ew_transcript *t = NULL;
	struct ew_run run;
	struct ew_report *r;
	char err[256];
	size_t i;

	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	assert_int_equal(write_session(t), 0);
	memset(&run, 0, sizeof(run));
	run.transcript = t;
	r = ew_report_new("0.1.0", "jump1");
	assert_non_null(r);
	for (i = 0; i < NTEST_STEPS; i++) {
		struct ew_step_result *res = ew_step_execute(&test_steps[i], &run);

		assert_non_null(res);
		assert_int_equal(ew_report_add_step(r, res), 0);
	}
	if (with_end)
		assert_int_equal(ew_transcript_event(t, "end", json_pack("{s:i}", "exit", 2)), 0);
	assert_int_equal(ew_transcript_error(t), 0);
	assert_int_equal(ew_transcript_close(&t), 0);
	assert_null(t);
	return r;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The file's lines as JSON objects (a NULL-terminated array). */
static json_t **read_lines(const char *path, size_t *n)
{
	char *data, *p, *nl;
	json_t **v = NULL;
	size_t len = 0;

	*n = 0;
	data = tu_slurp(path, &len);
	assert_non_null(data);
	assert_true(len > 0);
	assert_int_equal(data[len - 1], '\n');
	for (p = data; p < data + len; p = nl + 1) {
		json_error_t jerr;
		json_t *o;

		nl = memchr(p, '\n', (size_t)(data + len - p));
		assert_non_null(nl);
		o = json_loadb(p, (size_t)(nl - p), JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(o))
			fail_msg("line %zu is not a JSON object: %s", *n + 1, jerr.text);
		v = realloc(v, (*n + 2) * sizeof(*v));
		assert_non_null(v);
		v[(*n)++] = o;
		v[*n] = NULL;
	}
	free(data);
	return v;
}

static void free_lines(json_t **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_decref(v[i]);
	free(v);
}

static int iso_time_ok(const char *s)
{
	regex_t re;
	int ok;

	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
				 "\\.[0-9]{3}Z$", REG_EXTENDED | REG_NOSUB), 0);
	ok = s != NULL && regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static void assert_no_raw_control_in_file(const char *path)
{
	size_t len = 0, i;
	char *data = tu_slurp(path, &len);

	assert_non_null(data);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == 0x1b || c == '\r' || c == '\0' || (c < 0x20 && c != '\n'))
			fail_msg("raw control byte 0x%02x at offset %zu", c, i);
	}
	free(data);
}

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

static int has_note(const struct ew_report *r, const char *needle)
{
	size_t i;

	for (i = 0; i < r->nnotes; i++)
		if (strstr(r->notes[i], needle))
			return 1;
	return 0;
}

/* ---- opening ---- */

static void test_open_mode_0600(void **state)
{
	static const mode_t masks[] = { 0, 022, 077, 0777 };
	struct fixture *fx = *state;
	struct ew_transcript *t;
	char err[256], name[32];
	size_t i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		mode_t old = umask(masks[i]);
		char *path;
		int rc;

		snprintf(name, sizeof(name), "t%zu.jsonl", i);
		path = tu_path(fx->dir, name);
		t = (struct ew_transcript *)1;
		rc = ew_transcript_open(path, &t, err, sizeof(err));
		umask(old);
		assert_int_equal(rc, 0);
		assert_non_null(t);
		assert_string_equal(ew_transcript_path(t), path);
		assert_int_equal(mode_of(path), 0600);
		{
			struct stat st;

			assert_int_equal(lstat(path, &st), 0);
			assert_true(S_ISREG(st.st_mode));
			assert_int_equal(st.st_size, 0);
			assert_int_equal(st.st_uid, geteuid());
		}
		assert_int_equal(ew_transcript_close(&t), 0);
		assert_null(t);
		assert_int_equal(mode_of(path), 0600);
		free(path);
	}
}

static void test_open_existing_refused(void **state)
{
	struct fixture *fx = *state;
	struct ew_transcript *t = (struct ew_transcript *)1;
	char *path = tu_path(fx->dir, "old.jsonl");
	char err[256] = "";
	char *data;
	size_t len = 0;

	write_str(path, "keep me\n");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), -1);
	assert_null(t);
	assert_non_null(strstr(err, "already exists"));
	assert_non_null(strstr(err, path));
	data = tu_slurp(path, &len);
	assert_int_equal(len, 8);
	assert_string_equal(data, "keep me\n");
	assert_int_equal(mode_of(path), 0644);
	free(data);

	/* An empty file is not overwritten either. */
	write_str(path, "");
	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), -1);
	assert_null(t);
	free(path);
}

static void test_open_symlink_refused(void **state)
{
	struct fixture *fx = *state;
	struct ew_transcript *t = NULL;
	char *link = tu_path(fx->dir, "link.jsonl");
	char *target = tu_path(fx->dir, "target.jsonl");
	char *link2 = tu_path(fx->dir, "link2.jsonl");
	char *victim = tu_path(fx->dir, "victim");
	char err[256] = "";
	char *data;
	size_t len = 0;

	/* A dangling link: following it would create the target. */
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(ew_transcript_open(link, &t, err, sizeof(err)), -1);
	assert_null(t);
	assert_true(strlen(err) > 0);
	assert_false(exists(target));
	{
		struct stat st;

		assert_int_equal(lstat(link, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
	}

	/* A link to an existing file: the file is left as it was. */
	tu_write_file(victim, "precious", 8);
	assert_int_equal(chmod(victim, 0640), 0);
	assert_int_equal(symlink(victim, link2), 0);
	strcpy(err, "");
	assert_int_equal(ew_transcript_open(link2, &t, err, sizeof(err)), -1);
	assert_null(t);
	assert_true(strlen(err) > 0);
	data = tu_slurp(victim, &len);
	assert_int_equal(len, 8);
	assert_string_equal(data, "precious");
	assert_int_equal(mode_of(victim), 0640);
	free(data);

	free(link);
	free(link2);
	free(target);
	free(victim);
}

static void test_open_bad_directory(void **state)
{
	struct fixture *fx = *state;
	struct ew_transcript *t = NULL;
	char *path = tu_path(fx->dir, "no/such/dir/t.jsonl");
	char err[256] = "";

	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), -1);
	assert_null(t);
	assert_non_null(strstr(err, strerror(ENOENT)));
	free(path);
}

static void test_null_handles(void **state)
{
	struct ew_transcript *t = NULL;

	(void)state;
	assert_int_equal(ew_transcript_event(NULL, "x", json_pack("{s:s}", "a", "b")), -1);
	assert_int_equal(ew_transcript_sync(NULL), -1);
	assert_int_equal(ew_transcript_error(NULL), 0);
	assert_null(ew_transcript_path(NULL));
	assert_int_equal(ew_transcript_close(NULL), 0);
	assert_int_equal(ew_transcript_close(&t), 0);
}

/* ---- writing ---- */

static void test_event_lines(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "ev.jsonl");
	struct ew_transcript *t;
	char err[256];
	json_t **lines;
	size_t n, i;

	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	assert_int_equal(write_session(t), 0);
	assert_int_equal(ew_transcript_event(t, "input", NULL), 0);
	/* Not an object: replaced by an empty one. */
	assert_int_equal(ew_transcript_event(t, "note", json_string("not an object")), 0);
	/* seq, time and event are the transcript's: a caller cannot forge them. */
	assert_int_equal(ew_transcript_event(t, "probe",
					     json_pack("{s:i, s:s, s:s, s:s}", "seq", 999, "time",
						       "yesterday", "event", "forged", "step", "dns")), 0);
	assert_int_equal(ew_transcript_sync(t), 0);
	assert_int_equal(ew_transcript_event(t, "end", json_object()), 0);
	assert_int_equal(ew_transcript_close(&t), 0);

	lines = read_lines(path, &n);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		assert_int_equal(json_integer_value(json_object_get(lines[i], "seq")), (json_int_t)i + 1);
		assert_true(iso_time_ok(json_string_value(json_object_get(lines[i], "time"))));
		assert_non_null(json_string_value(json_object_get(lines[i], "event")));
	}
	assert_string_equal(json_string_value(json_object_get(lines[0], "event")), "session");
	assert_string_equal(json_string_value(json_object_get(lines[0], "version")), "0.1.0");
	assert_string_equal(json_string_value(json_object_get(lines[1], "event")), "input");
	assert_int_equal(json_object_size(lines[1]), 3);
	assert_string_equal(json_string_value(json_object_get(lines[2], "event")), "note");
	assert_int_equal(json_object_size(lines[2]), 3);
	assert_string_equal(json_string_value(json_object_get(lines[3], "event")), "probe");
	assert_string_equal(json_string_value(json_object_get(lines[3], "step")), "dns");
	assert_int_equal(json_integer_value(json_object_get(lines[3], "seq")), 4);
	assert_string_not_equal(json_string_value(json_object_get(lines[3], "time")), "yesterday");
	assert_string_equal(json_string_value(json_object_get(lines[4], "event")), "end");
	free_lines(lines, n);
	free(path);
}

static void test_hostile_strings_in_events(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "hostile.jsonl");
	struct ew_transcript *t;
	char err[256];
	char *cleaned;
	json_t **lines, *o;
	size_t n;

	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	o = json_object();
	json_object_set_new(o, "esc", json_string("\x1b[31m\x1b]0;pwned\x07\r\n"));
	json_object_set_new(o, "nul", json_stringn("a\0b\x1b\r", 5));
	cleaned = ew_text_cleanz("\xff\xfe\x1b\xc2\x9b");	/* invalid UTF-8: cleaned first */
	json_object_set_new(o, "bad", json_string(cleaned));
	json_object_set_new(o, "key\x1b\r", json_true());
	assert_int_equal(ew_transcript_event(t, "probe", o), 0);
	/* Raw invalid UTF-8 cannot become a JSON string at all: the event still
	 * goes out, without the field. */
	assert_int_equal(ew_transcript_event(t, "probe", json_pack("{s:s}", "x", "\xff")), 0);
	assert_int_equal(ew_transcript_close(&t), 0);

	assert_no_raw_control_in_file(path);
	lines = read_lines(path, &n);
	assert_int_equal(n, 2);
	/* What was written comes back as it was. */
	assert_string_equal(json_string_value(json_object_get(lines[0], "esc")),
			    "\x1b[31m\x1b]0;pwned\x07\r\n");
	assert_int_equal(json_string_length(json_object_get(lines[0], "nul")), 5);
	assert_memory_equal(json_string_value(json_object_get(lines[0], "nul")), "a\0b\x1b\r", 5);
	assert_string_equal(json_string_value(json_object_get(lines[0], "bad")), cleaned);
	assert_string_equal(cleaned, "\\xff\\xfe\\x1b\\u009b");
	assert_true(json_is_true(json_object_get(lines[0], "key\x1b\r")));
	assert_null(json_object_get(lines[1], "x"));
	assert_string_equal(json_string_value(json_object_get(lines[1], "event")), "probe");
	free_lines(lines, n);
	free(cleaned);
	free(path);
}

/* ---- reading ---- */

static void assert_steps_equal(const struct ew_report *a, const struct ew_report *b)
{
	size_t i, k, e;

	assert_int_equal(a->nsteps, b->nsteps);
	for (i = 0; i < a->nsteps; i++) {
		const struct ew_step_result *x = a->steps[i], *y = b->steps[i];

		assert_string_equal(x->id, y->id);
		assert_string_equal(x->title, y->title);
		assert_int_equal(x->status, y->status);
		assert_int_equal(x->duration_ms, y->duration_ms);
		{
			/* Data read back has its strings cleaned (raw ESC -> "\\x1b"). */
			json_t *want = ew_json_clean(x->data);
			int same = json_equal(want, y->data);

			json_decref(want);
			assert_true(same);
		}
		assert_int_equal(x->nfindings, y->nfindings);
		for (k = 0; k < x->nfindings; k++) {
			const struct ew_finding *f = x->findings[k], *g = y->findings[k];

			assert_string_equal(f->check, g->check);
			assert_int_equal(f->severity, g->severity);
			assert_string_equal(f->title, g->title);
			assert_true((f->detail == NULL) == (g->detail == NULL));
			if (f->detail)
				assert_string_equal(f->detail, g->detail);
			assert_true((f->remedy == NULL) == (g->remedy == NULL));
			if (f->remedy)
				assert_string_equal(f->remedy, g->remedy);
			assert_string_equal(f->help, g->help);
			assert_int_equal(f->nevidence, g->nevidence);
			for (e = 0; e < f->nevidence; e++)
				assert_string_equal(f->evidence[e], g->evidence[e]);
		}
	}
}

static void test_round_trip_through_steps(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "session.jsonl");
	struct ew_report *live, *read;
	char err[256] = "";
	json_t *j1, *j2, **lines;
	char *text;
	size_t n, i;

	live = write_full_session(path, 1);
	assert_int_equal(mode_of(path), 0600);
	/* The live results are what the steps said. */
	assert_int_equal(live->nsteps, 3);
	assert_int_equal(live->steps[0]->status, EW_ST_WARN);
	assert_int_equal(live->steps[1]->status, EW_ST_FAIL);
	assert_int_equal(live->steps[2]->status, EW_ST_SKIP);
	assert_int_equal(live->steps[2]->nfindings, 1);
	assert_string_equal(live->steps[2]->findings[0]->check, "gamma");
	assert_string_equal(live->steps[0]->findings[1]->evidence[0], "\\x1b]0;pwned\\x07");

	/* The file: one object a line, seq from 1, the events in order. */
	assert_no_raw_control_in_file(path);
	lines = read_lines(path, &n);
	{
		static const char *const want[] = {
			"session",
			"step", "probe", "note", "finding", "finding", "step",	/* alpha */
			"step", "finding", "finding", "step",			/* beta */
			"step", "finding", "step",				/* gamma */
			"end",
		};

		assert_int_equal(n, sizeof(want) / sizeof(want[0]));
		for (i = 0; i < n; i++) {
			assert_int_equal(json_integer_value(json_object_get(lines[i], "seq")),
					 (json_int_t)i + 1);
			assert_true(iso_time_ok(json_string_value(json_object_get(lines[i], "time"))));
			assert_string_equal(json_string_value(json_object_get(lines[i], "event")),
					    want[i]);
		}
		assert_string_equal(json_string_value(json_object_get(lines[1], "phase")), "start");
		assert_string_equal(json_string_value(json_object_get(lines[6], "phase")), "end");
		assert_string_equal(json_string_value(json_object_get(lines[6], "status")), "warn");
		assert_string_equal(json_string_value(json_object_get(lines[4], "step")), "alpha");
		assert_string_equal(json_string_value(json_object_get(lines[3], "text")),
				    "note with \\x1b\\r");
	}
	free_lines(lines, n);

	read = ew_transcript_read(path, err, sizeof(err));
	if (read == NULL)
		fail_msg("read: %s", err);
	assert_string_equal(read->version, "0.1.0");
	assert_string_equal(read->host, "jump1");
	assert_true(iso_time_ok(read->started));
	assert_string_equal(read->transcript, path);
	assert_string_equal(json_string_value(json_object_get(read->target, "realm")), "EXWIZ.TEST");
	assert_int_equal(read->nnotes, 0);	/* ended normally, nothing cut */
	assert_steps_equal(live, read);
	assert_int_equal(ew_report_exit_code(read), ew_report_exit_code(live));

	/* What `exwizard show --json` prints has the same steps (with the raw
	 * bytes the live data held cleaned). */
	j1 = ew_report_to_json(live);
	j2 = ew_report_to_json(read);
	{
		json_t *want = ew_json_clean(json_object_get(j1, "steps"));
		int same = json_equal(want, json_object_get(j2, "steps"));

		json_decref(want);
		assert_true(same);
	}
	assert_true(json_equal(json_object_get(j1, "summary"), json_object_get(j2, "summary")));
	json_decref(j1);
	json_decref(j2);

	/* And what `exwizard show` prints carries no raw control byte. */
	text = ew_report_to_text(read, 80);
	assert_non_null(text);
	assert_text_clean(text);
	assert_non_null(strstr(text, "| \\x1b]0;pwned\\x07\n"));
	assert_non_null(strstr(text, "[WARN] ALPHA-WARN: Odd answer \\x1b[31mred\\r"));
	assert_non_null(strstr(text, "== gamma: Gamma step [SKIP]"));
	free(text);

	ew_report_free(&live);
	ew_report_free(&read);
	free(path);
}

/* Esc or SIGINT while a request waits: the step sets the flag as the user would. */
static int run_delta(struct ew_run *run, struct ew_step_result *res)
{
	ew_step_result_add(res, ew_finding_new("DELTA-CONF", EW_INFO, "Settings read"));
	atomic_store(run->cancel, 1);
	ew_step_result_add(res, ew_finding_new("DELTA-KDC", EW_SKIP, "Cancelled before any "
					       "KDC answered"));
	return 0;
}

static const struct ew_step cancel_steps[] = {
	{ "alpha", "Alpha step", "alpha", "Checks alpha.", run_alpha, 0, EW_DATA_JSON },
	{ "delta", "Delta step", "delta", "Checks delta.", run_delta, 0, EW_DATA_JSON },
	{ "gamma", "Gamma step", "gamma", "Checks gamma.", run_gamma, 0, EW_DATA_JSON },
};

/*
 * A cancelled step is its own outcome: "cancelled" in the step's end event,
 * read back by show, counted apart in the summary; a step cancelled before
 * it had any finding says so, not that it "could not run"; the exit status
 * is the worst of what was found (never a failure for what was cut short).
 */
static void test_cancelled_steps(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "cancelled.jsonl");
	struct ew_transcript *t = NULL;
	atomic_int cancel = 0;
	struct ew_report *live, *read;
	struct ew_run run;
	char err[256] = "", *text;
	json_t **lines, *j;
	size_t i, n, ends = 0;

	(void)state;
	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	assert_int_equal(write_session(t), 0);
	memset(&run, 0, sizeof(run));
	run.transcript = t;
	run.cancel = &cancel;
	live = ew_report_new("0.1.0", "jump1");
	for (i = 0; i < 3; i++)
		assert_int_equal(ew_report_add_step(live, ew_step_execute(&cancel_steps[i], &run)), 0);
	assert_int_equal(ew_transcript_event(t, "end", json_pack("{s:i, s:b}", "exit", 1,
								 "cancelled", 1)), 0);
	assert_int_equal(ew_transcript_close(&t), 0);

	assert_int_equal(live->steps[0]->status, EW_ST_WARN);
	assert_int_equal(live->steps[1]->status, EW_ST_CANCELLED);
	assert_int_equal(live->steps[2]->status, EW_ST_CANCELLED);
	assert_int_equal(live->steps[2]->nfindings, 1);
	assert_int_equal(live->steps[2]->findings[0]->severity, EW_SKIP);
	assert_string_equal(live->steps[2]->findings[0]->title,
			    "Cancelled before the gamma step had a result");
	assert_int_equal(ew_report_cancelled_steps(live), 2);

	/* The step end events say "cancelled". */
	lines = read_lines(path, &n);
	for (i = 0; i < n; i++) {
		const char *ev = json_string_value(json_object_get(lines[i], "event"));
		const char *phase = json_string_value(json_object_get(lines[i], "phase"));

		if (ev && strcmp(ev, "step") == 0 && phase && strcmp(phase, "end") == 0) {
			const char *id = json_string_value(json_object_get(lines[i], "id"));

			assert_string_equal(json_string_value(json_object_get(lines[i], "status")),
					    strcmp(id, "alpha") == 0 ? "warn" : "cancelled");
			ends++;
		}
	}
	assert_int_equal(ends, 3);
	free_lines(lines, n);

	/* show reads them back: status, summary, note, exit status. */
	read = ew_transcript_read(path, err, sizeof(err));
	if (read == NULL)
		fail_msg("read: %s", err);
	assert_steps_equal(live, read);
	assert_int_equal(read->steps[1]->status, EW_ST_CANCELLED);
	assert_true(has_note(read, "Stopped by a signal before every step had run."));
	j = ew_report_to_json(read);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"),
							    "cancelled")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"),
							    "fail")), 0);
	json_decref(j);
	text = ew_report_to_text(read, 80);
	assert_non_null(text);
	assert_non_null(strstr(text, "== delta: Delta step [CANCELLED]"));
	assert_non_null(strstr(text, "Summary: 0 fail, 1 warn, 1 info, 1 pass, 2 skip; 2 steps "
			       "cancelled\n"));
	free(text);
	assert_int_equal(ew_report_exit_code(read), 1);
	ew_report_free(&live);
	ew_report_free(&read);
	free(path);
}

static int run_skip_only(struct ew_run *run, struct ew_step_result *res)
{
	(void)run;
	ew_step_result_add(res, ew_finding_new("DNS-SRV", EW_SKIP, "No resolver answered"));
	return 0;
}

/*
 * The step that settles the target (EW_STEP_SETUP in the table) diagnoses
 * nothing: its result says so when run and when read back from the
 * transcript (the reader asks the table by the step's id), so `show` gives
 * the exit status `check` gave: nothing could run.
 */
static void test_setup_step_read_back(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "setup.jsonl");
	const struct ew_step steps[] = {
		{ "target", "Target", "target", "Settles the target.", run_alpha,
		  EW_STEP_SETUP, EW_DATA_JSON },
		{ "dns", "DNS", "dns", "Checks DNS.", run_skip_only, 0, EW_DATA_DNS },
	};
	struct ew_transcript *t = NULL;
	struct ew_report *live, *read;
	struct ew_run run;
	char err[256] = "";
	size_t i;

	assert_non_null(ew_step_find("target"));
	assert_true(ew_step_find("target")->flags & EW_STEP_SETUP);
	assert_false(ew_step_find("dns")->flags & EW_STEP_SETUP);
	/* The wizard finds the step that flushes by its flag, not its name. */
	assert_ptr_equal(ew_step_with(EW_STEP_ALONE_WHEN_FLUSHING), ew_step_find("dns"));
	assert_ptr_equal(ew_step_with(EW_STEP_FIRST), ew_step_find("target"));
	assert_null(ew_step_with(0x80000000u));
	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	assert_int_equal(write_session(t), 0);
	memset(&run, 0, sizeof(run));
	run.transcript = t;
	live = ew_report_new("0.1.0", "jump1");
	for (i = 0; i < 2; i++)
		assert_int_equal(ew_report_add_step(live, ew_step_execute(&steps[i], &run)), 0);
	assert_int_equal(ew_transcript_event(t, "end", NULL), 0);
	assert_int_equal(ew_transcript_close(&t), 0);
	assert_true(live->steps[0]->setup);
	assert_false(live->steps[1]->setup);
	/* The kind of data: what the rules find a step's data by. */
	assert_int_equal(live->steps[0]->kind, EW_DATA_JSON);
	assert_int_equal(live->steps[1]->kind, EW_DATA_DNS);
	assert_int_equal(live->steps[0]->status, EW_ST_WARN);
	assert_int_equal(ew_report_exit_code(live), EW_EXIT_NOTHING);

	read = ew_transcript_read(path, err, sizeof(err));
	if (read == NULL)
		fail_msg("read: %s", err);
	assert_int_equal(read->nsteps, 2);
	assert_true(read->steps[0]->setup);
	assert_false(read->steps[1]->setup);
	/* Read back, from the step table of the real steps by their ids. */
	assert_int_equal(read->steps[0]->kind, ew_step_find("target")->data);
	assert_int_equal(read->steps[1]->kind, EW_DATA_DNS);
	assert_int_equal(ew_report_exit_code(read), EW_EXIT_NOTHING);
	ew_report_free(&live);
	ew_report_free(&read);
	free(path);
}

static void test_sigkill_mid_session(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "killed.jsonl");
	struct ew_report *r;
	char err[256] = "";
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ew_transcript *t = NULL;
		struct ew_step_result *res;
		struct ew_run run;
		char cerr[256];

		if (ew_transcript_open(path, &t, cerr, sizeof(cerr)) != 0)
			_exit(10);
		if (write_session(t) != 0)
			_exit(11);
		memset(&run, 0, sizeof(run));
		run.transcript = t;
		res = ew_step_execute(&test_steps[0], &run);	/* alpha, complete */
		if (res == NULL)
			_exit(12);
		if (ew_transcript_event(t, "step",
					json_pack("{s:s, s:s, s:s}", "id", "beta", "phase", "start",
						  "title", "Beta step")) != 0)
			_exit(13);
		ew_run_probe(&run, "beta", json_pack("{s:s}", "ask", "something"));
		raise(SIGKILL);
		_exit(14);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status))
		fail_msg("child exited with status %d before the kill", WEXITSTATUS(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);

	r = ew_transcript_read(path, err, sizeof(err));
	if (r == NULL)
		fail_msg("read: %s", err);
	assert_int_equal(r->nsteps, 2);
	assert_string_equal(r->steps[0]->id, "alpha");
	assert_int_equal(r->steps[0]->status, EW_ST_WARN);
	assert_int_equal(r->steps[0]->nfindings, 2);
	assert_string_equal(r->steps[0]->findings[0]->check, "ALPHA-OK");
	assert_string_equal(r->steps[0]->findings[1]->check, "ALPHA-WARN");
	assert_string_equal(r->steps[0]->findings[1]->evidence[0], "\\x1b]0;pwned\\x07");
	assert_int_equal(json_integer_value(json_object_get(r->steps[0]->data, "answer")), 42);
	assert_string_equal(r->steps[1]->id, "beta");
	assert_string_equal(r->steps[1]->title, "Beta step");
	assert_int_equal(r->steps[1]->status, EW_ST_INTERRUPTED);
	assert_int_equal(r->steps[1]->nfindings, 0);
	assert_true(has_note(r, "did not end normally"));
	{
		char *text = ew_report_to_text(r, 80);

		assert_non_null(strstr(text, "== beta: Beta step [INTERRUPTED]"));
		assert_non_null(strstr(text, "Note: The session did not end normally"));
		assert_text_clean(text);
		free(text);
	}
	ew_report_free(&r);
	free(path);
}

static size_t count_lines(const char *path)
{
	size_t len = 0, i, n = 0;
	char *data = tu_slurp(path, &len);

	assert_non_null(data);
	for (i = 0; i < len; i++)
		if (data[i] == '\n')
			n++;
	free(data);
	return n;
}

static void test_cut_last_line(void **state)
{
	static const char half[] = "{\"seq\":16,\"time\":\"2026-11-22T10:00:00.000Z\",\"event\":\"fin";
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "cut.jsonl");
	struct ew_report *live, *r;
	char err[256] = "", want[64];
	size_t complete;

	live = write_full_session(path, 0);
	complete = count_lines(path);
	tu_append_file(path, half, sizeof(half) - 1);

	r = ew_transcript_read(path, err, sizeof(err));
	if (r == NULL)
		fail_msg("read: %s", err);
	assert_steps_equal(live, r);
	assert_true(has_note(r, "cut short"));
	snprintf(want, sizeof(want), "at line %zu ", complete + 1);
	assert_true(has_note(r, want));
	ew_report_free(&r);
	ew_report_free(&live);
	free(path);
}

static void test_cut_inside_step(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "cut2.jsonl");
	struct ew_transcript *t;
	struct ew_report *r;
	struct ew_run run;
	struct ew_step_result *res;
	char err[256] = "";

	/* alpha complete, beta started, then a line cut mid-way and garbage. */
	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	write_session(t);
	memset(&run, 0, sizeof(run));
	run.transcript = t;
	res = ew_step_execute(&test_steps[0], &run);
	ew_step_result_free(&res);
	ew_transcript_event(t, "step", json_pack("{s:s, s:s}", "id", "beta", "phase", "start"));
	ew_transcript_close(&t);
	append_str(path, "{\"seq\":9,\"event\":\"finding\",\"step\":\"beta\",\"check\":\"B\",\n");
	/* Events after a damaged line are not believed. */
	append_str(path, "{\"seq\":10,\"event\":\"end\"}\n");

	r = ew_transcript_read(path, err, sizeof(err));
	if (r == NULL)
		fail_msg("read: %s", err);
	assert_int_equal(r->nsteps, 2);
	assert_int_equal(r->steps[0]->status, EW_ST_WARN);
	assert_int_equal(r->steps[1]->status, EW_ST_INTERRUPTED);
	assert_string_equal(r->steps[1]->title, "beta");	/* no title: the id */
	assert_int_equal(r->steps[1]->nfindings, 0);
	assert_true(has_note(r, "cut short"));
	ew_report_free(&r);
	free(path);
}

static void test_damaged_lines(void **state)
{
	static const char *const damaged[] = {
		"{\"event\":\"note\",\"text\":\"raw \xff" " byte\"}\n",	/* invalid UTF-8 */
		"{\"event\":\"note\",\"text\":\"raw \x1b esc\"}\n",	/* raw control in a string */
		"{\"event\":\"note\",\"event\":\"end\"}\n",		/* duplicate key */
		"[\"not\",\"an\",\"object\"]\n",
		"\n",
	};
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "damaged.jsonl");
	static const char session[] =
		"{\"seq\":1,\"time\":\"2026-11-22T10:00:00.000Z\",\"event\":\"session\","
		"\"version\":\"0.1.0\",\"host\":\"h\"}\n";
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		struct ew_report *r;

		tu_write_file(path, session, sizeof(session) - 1);
		tu_append_file(path, damaged[i], strlen(damaged[i]));
		append_str(path, "{\"event\":\"end\"}\n");
		strcpy(err, "");
		r = ew_transcript_read(path, err, sizeof(err));
		if (r == NULL)
			fail_msg("damaged line %zu: read failed: %s", i, err);
		assert_string_equal(r->host, "h");
		assert_true(has_note(r, "cut short at line 2"));
		ew_report_free(&r);
	}
	free(path);
}

static void test_odd_events_tolerated(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "odd.jsonl");
	static const char text[] =
		"{\"event\":\"session\",\"version\":\"0.1.0\",\"host\":\"h\\u001b\","
		"\"time\":\"2026-11-22T10:00:00.000Z\"}\n"
		"{\"event\":\"mystery\",\"x\":1}\n"
		"{\"no_event\":true}\n"
		"{\"event\":\"step\",\"id\":\"ghost\",\"phase\":\"end\",\"status\":\"fail\"}\n"
		"{\"event\":\"finding\",\"step\":\"ghost\",\"check\":\"G\",\"severity\":\"fail\","
		"\"title\":\"t\"}\n"
		"{\"event\":\"step\",\"id\":\"dns\",\"phase\":\"start\",\"title\":\"DNS\\r\"}\n"
		"{\"event\":\"finding\",\"step\":\"dns\",\"check\":\"D\",\"severity\":\"bogus\","
		"\"title\":\"t\"}\n"
		"{\"event\":\"finding\",\"step\":\"dns\",\"check\":\"D\\u001b\","
		"\"severity\":\"warn\",\"title\":\"t\\u001b[2J\"}\n"
		"{\"event\":\"step\",\"id\":\"dns\",\"phase\":\"end\",\"status\":\"warn\","
		"\"duration_ms\":7,\"data\":{\"k\":\"v\"}}\n"
		"{\"event\":\"step\",\"id\":\"dns\",\"phase\":\"start\",\"title\":\"again\"}\n"
		"{\"event\":\"step\",\"id\":\"dns\",\"phase\":\"end\",\"status\":\"pass\"}\n"
		"{\"event\":\"action\",\"text\":\"user pressed \\u001b[q\"}\n"
		"{\"event\":\"action\"}\n"
		"{\"event\":\"end\"}\n";
	struct ew_report *r;
	char err[256] = "";
	char *out;

	tu_write_file(path, text, sizeof(text) - 1);
	r = ew_transcript_read(path, err, sizeof(err));
	if (r == NULL)
		fail_msg("read: %s", err);
	assert_string_equal(r->host, "h\\x1b");
	assert_string_equal(r->started, "2026-11-22T10:00:00.000Z");
	/* The end of a step never started is ignored, so are its findings. */
	assert_int_equal(r->nsteps, 2);
	assert_string_equal(r->steps[0]->id, "dns");
	assert_string_equal(r->steps[0]->title, "DNS\\r");
	assert_int_equal(r->steps[0]->status, EW_ST_WARN);
	assert_int_equal(r->steps[0]->duration_ms, 7);
	assert_string_equal(json_string_value(json_object_get(r->steps[0]->data, "k")), "v");
	/* A finding with a bad severity is dropped, the good one kept, cleaned. */
	assert_int_equal(r->steps[0]->nfindings, 1);
	assert_string_equal(r->steps[0]->findings[0]->check, "D\\x1b");
	assert_string_equal(r->steps[0]->findings[0]->title, "t\\x1b[2J");
	/* The step run a second time is a second entry. */
	assert_string_equal(r->steps[1]->title, "again");
	assert_int_equal(r->steps[1]->status, EW_ST_PASS);
	assert_int_equal(r->steps[1]->nfindings, 0);
	assert_int_equal(r->nnotes, 2);
	assert_string_equal(r->notes[0], "action: user pressed \\x1b[q");
	assert_string_equal(r->notes[1], "action: ?");
	out = ew_report_to_text(r, 80);
	assert_text_clean(out);
	free(out);
	ew_report_free(&r);
	free(path);
}

/*
 * `exwizard check` writes the target as given in the session event, runs the
 * target step (which fills in realm, domain, user from krb5.conf and the
 * cache), then writes the settled target in an "input" event and prints its
 * report with that settled target. Reading the transcript back must give the
 * same target, or `exwizard show` loses the Realm/Domain/User lines the live
 * report had. ew_transcript_read ignores "input" events.
 */
static void test_input_event_updates_target(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "input.jsonl");
	struct ew_transcript *t;
	struct ew_report *r;
	char err[256] = "";
	const char *realm;
	char *text;
	int realm_ok, text_ok;

	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	ew_transcript_event(t, "session",
			    json_pack("{s:s, s:s, s:s, s:{s:n, s:n, s:o}}", "version", "0.1.0",
				      "host", "jump1", "command", "check", "target",
				      "realm", "domain", "exchange", json_array()));
	ew_transcript_event(t, "step", json_pack("{s:s, s:s, s:s}", "id", "target",
						 "phase", "start", "title", "Target and defaults"));
	ew_transcript_event(t, "step", json_pack("{s:s, s:s, s:s, s:i, s:{}}", "id", "target",
						 "phase", "end", "status", "info",
						 "duration_ms", 1, "data"));
	ew_transcript_event(t, "input",
			    json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:o}}", "source", "defaults",
				      "target", "realm", "LAB.EXAMPLE", "realm_source", "krb5.conf",
				      "domain", "lab.example", "domain_source", "realm",
				      "exchange", json_array()));
	ew_transcript_event(t, "end", json_pack("{s:i}", "exit", 0));
	assert_int_equal(ew_transcript_close(&t), 0);

	r = ew_transcript_read(path, err, sizeof(err));
	free(path);
	if (r == NULL)
		fail_msg("read: %s", err);
	realm = json_string_value(json_object_get(r->target, "realm"));
	realm_ok = realm != NULL && strcmp(realm, "LAB.EXAMPLE") == 0;
	text = ew_report_to_text(r, 80);
	text_ok = text != NULL && strstr(text, "Realm:     LAB.EXAMPLE") != NULL;
	free(text);
	ew_report_free(&r);
	assert_true(realm_ok);
	assert_true(text_ok);
}

/* A mailbox step's end event with homeMDB db, for identity who (NULL: the user). */
static void mailbox_step(struct ew_transcript *t, const char *db, const char *who)
{
	struct ew_mailbox_data d = {0};

	d.bound = d.read = d.gathered = 1;
	d.attributes.homeMDB = (char *)db;
	ew_transcript_event(t, "step", json_pack("{s:s, s:s, s:s, s:s*}", "id", "mailbox",
						 "phase", "start", "title", "Mailbox",
						 "identity", who));
	ew_transcript_event(t, "step", json_pack("{s:s, s:s, s:s, s:i, s:o, s:s*}", "id",
						 "mailbox", "phase", "end", "status", "pass",
						 "duration_ms", 1, "data",
						 ew_mailbox_data_to_json(&d), "identity", who));
}

/* The form changed only the user to compare with (alice, then admin): what
 * ran for alice is never shown as admin's when the transcript is read back. */
static void test_compare_changed_in_form(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "compare.jsonl");
	struct ew_transcript *t;
	struct ew_report *r;
	struct ew_comparison *c;
	char err[256] = "", *text;
	size_t i;
	int alice_as_admin = 0, homemdb_compared = -1, named_admin;

	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	ew_transcript_event(t, "session",
			    json_pack("{s:s, s:s, s:s, s:{s:s, s:o, s:{s:s}}}", "version", "0.1.0",
				      "host", "jump1", "command", "wizard", "target", "user",
				      "carol", "exchange", json_array(), "compare", "user", "alice"));
	mailbox_step(t, "DB-CAROL", NULL);
	mailbox_step(t, "DB-ALICE", "alice");
	ew_transcript_event(t, "input",
			    json_pack("{s:s, s:b, s:{s:s, s:o, s:{s:s}}, s:{s:s, s:o, s:{s:s}}}",
				      "source", "form", "changed", 0, "target", "user", "carol",
				      "exchange", json_array(), "compare", "user", "admin",
				      "before", "user", "carol", "exchange", json_array(),
				      "compare", "user", "alice"));
	ew_transcript_event(t, "end", json_pack("{s:i}", "exit", 0));
	assert_int_equal(ew_transcript_close(&t), 0);

	r = ew_transcript_read(path, err, sizeof(err));
	free(path);
	if (r == NULL)
		fail_msg("read: %s", err);
	named_admin = ew_report_compared_user(r) && strcmp(ew_report_compared_user(r), "admin") == 0;
	c = ew_report_comparison(r);
	assert_non_null(c);
	for (i = 0; i < c->nrows; i++)
		if (strcmp(c->rows[i].aspect, "homeMDB") == 0) {
			homemdb_compared = c->rows[i].compared;
			alice_as_admin = strstr(c->rows[i].other, "DB-ALICE") != NULL;
		}
	text = ew_report_to_text(r, 80);
	assert_non_null(text);
	alice_as_admin |= strstr(text, "DB-ALICE") != NULL;
	free(text);
	ew_comparison_free(&c);
	ew_report_free(&r);
	assert_true(named_admin);
	assert_int_equal(homemdb_compared, 0);
	assert_false(alice_as_admin);
}

static void test_not_a_transcript(void **state)
{
	struct fixture *fx = *state;
	char *path = tu_path(fx->dir, "x.txt");
	char *missing = tu_path(fx->dir, "missing.jsonl");
	char err[256];
	unsigned char junk[512];
	size_t i;

	/* Random text. */
	write_str(path, "Hello, this is not JSON.\nNor is this.\n");
	strcpy(err, "");
	assert_null(ew_transcript_read(path, err, sizeof(err)));
	assert_non_null(strstr(err, "not an exwizard transcript"));

	/* Random bytes. */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7919u >> 3);
	tu_write_file(path, (const char *)junk, sizeof(junk));
	strcpy(err, "");
	assert_null(ew_transcript_read(path, err, sizeof(err)));
	assert_true(strlen(err) > 0);

	/* Empty. */
	write_str(path, "");
	strcpy(err, "");
	assert_null(ew_transcript_read(path, err, sizeof(err)));
	assert_non_null(strstr(err, "not an exwizard transcript"));

	/* JSON lines, but no session. */
	write_str(path, "{\"event\":\"step\",\"id\":\"a\",\"phase\":\"start\"}\n{\"a\":1}\n");
	strcpy(err, "");
	assert_null(ew_transcript_read(path, err, sizeof(err)));
	assert_non_null(strstr(err, "no session"));

	/* A session line cut short is no session. */
	write_str(path, "{\"event\":\"session\",\"version\":\"0.");
	strcpy(err, "");
	assert_null(ew_transcript_read(path, err, sizeof(err)));
	assert_true(strlen(err) > 0);

	/* Nonexistent. */
	strcpy(err, "");
	assert_null(ew_transcript_read(missing, err, sizeof(err)));
	assert_non_null(strstr(err, missing));
	assert_non_null(strstr(err, strerror(ENOENT)));

	/* A directory. */
	strcpy(err, "");
	assert_null(ew_transcript_read(fx->dir, err, sizeof(err)));
	assert_true(strlen(err) > 0);

	free(path);
	free(missing);
}

/* ---- the default file name ---- */

struct saved_env {
	char *xdg, *home;
};

static void save_env(struct saved_env *s)
{
	const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");

	s->xdg = x ? strdup(x) : NULL;
	s->home = h ? strdup(h) : NULL;
}

static void restore_env(struct saved_env *s)
{
	if (s->xdg)
		setenv("XDG_STATE_HOME", s->xdg, 1);
	else
		unsetenv("XDG_STATE_HOME");
	if (s->home)
		setenv("HOME", s->home, 1);
	else
		unsetenv("HOME");
	free(s->xdg);
	free(s->home);
}

/* path is DIR/exwizard-HOST-STAMP.jsonl with this host and a stamp of now. */
static void check_default_name(const char *path, const char *dir)
{
	char host[256] = "host", want_host[256], stamp[16];
	const char *base;
	regmatch_t m[3];
	regex_t re;
	struct tm tm;
	time_t t, now;
	char *p;

	assert_int_equal(strncmp(path, dir, strlen(dir)), 0);
	assert_int_equal(path[strlen(dir)], '/');
	base = path + strlen(dir) + 1;
	assert_null(strchr(base, '/'));
	assert_int_equal(regcomp(&re, "^exwizard-(.+)-([0-9]{8}T[0-9]{6})\\.jsonl$",
				 REG_EXTENDED), 0);
	if (regexec(&re, base, 3, m, 0) != 0)
		fail_msg("unexpected name %s", base);
	regfree(&re);

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	for (p = host; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			*p = '_';
	snprintf(want_host, sizeof(want_host), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
		 base + m[1].rm_so);
	assert_string_equal(want_host, host);

	snprintf(stamp, sizeof(stamp), "%.*s", (int)(m[2].rm_eo - m[2].rm_so), base + m[2].rm_so);
	memset(&tm, 0, sizeof(tm));
	assert_non_null(strptime(stamp, "%Y%m%dT%H%M%S", &tm));
	t = timegm(&tm);
	now = time(NULL);
	assert_true(t <= now && now - t < 60);	/* UTC, and just made */
}

static void test_default_path_xdg(void **state)
{
	struct fixture *fx = *state;
	char *state_home = tu_path(fx->dir, "state/deeper");
	char *dir = tu_path(state_home, "exwizard");
	struct ew_transcript *t;
	struct saved_env env;
	char err[256] = "";
	mode_t old;
	char *path;

	save_env(&env);
	setenv("XDG_STATE_HOME", state_home, 1);
	old = umask(0);
	path = ew_transcript_default_path(err, sizeof(err));
	umask(old);
	restore_env(&env);
	if (path == NULL)
		fail_msg("default path: %s", err);
	{
		struct stat st;

		assert_int_equal(lstat(dir, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0700);
	}
	check_default_name(path, dir);
	assert_false(exists(path));	/* a name only */
	assert_int_equal(ew_transcript_open(path, &t, err, sizeof(err)), 0);
	assert_int_equal(ew_transcript_close(&t), 0);
	assert_int_equal(mode_of(path), 0600);

	/* Called again with the directory there: fine. */
	free(path);
	save_env(&env);
	setenv("XDG_STATE_HOME", state_home, 1);
	path = ew_transcript_default_path(err, sizeof(err));
	restore_env(&env);
	assert_non_null(path);
	check_default_name(path, dir);
	free(path);
	free(dir);
	free(state_home);
}

static void test_default_path_home(void **state)
{
	struct fixture *fx = *state;
	char *home = tu_path(fx->dir, "home");
	char *dir = tu_path(home, ".local/state/exwizard");
	struct saved_env env;
	char err[256] = "";
	char *path;
	int existed;

	assert_int_equal(mkdir(home, 0700), 0);
	save_env(&env);
	/* A relative XDG_STATE_HOME is ignored, as the XDG spec says. */
	existed = exists("exwiz-test-relative");
	setenv("XDG_STATE_HOME", "exwiz-test-relative/state", 1);
	setenv("HOME", home, 1);
	path = ew_transcript_default_path(err, sizeof(err));
	unsetenv("XDG_STATE_HOME");
	{
		char *path2 = ew_transcript_default_path(err, sizeof(err));

		assert_non_null(path2);
		check_default_name(path2, dir);
		free(path2);
	}
	restore_env(&env);
	if (path == NULL)
		fail_msg("default path: %s", err);
	check_default_name(path, dir);
	assert_int_equal(mode_of(dir), 0700);
	assert_int_equal(exists("exwiz-test-relative"), existed);	/* not created */
	free(path);
	free(dir);
	free(home);
}

static void test_default_path_not_a_directory(void **state)
{
	struct fixture *fx = *state;
	char *sh1 = tu_path(fx->dir, "s1"), *sh2 = tu_path(fx->dir, "s2");
	char *file = tu_path(sh1, "exwizard"), *link = tu_path(sh2, "exwizard");
	char *elsewhere = tu_path(fx->dir, "elsewhere");
	struct saved_env env;
	char err[256];
	char *path;

	assert_int_equal(mkdir(sh1, 0700), 0);
	assert_int_equal(mkdir(sh2, 0700), 0);
	assert_int_equal(mkdir(elsewhere, 0777), 0);
	write_str(file, "x");
	assert_int_equal(symlink(elsewhere, link), 0);

	save_env(&env);
	setenv("XDG_STATE_HOME", sh1, 1);
	strcpy(err, "");
	path = ew_transcript_default_path(err, sizeof(err));
	assert_null(path);
	assert_non_null(strstr(err, file));
	/* A symbolic link in place of the directory is not followed. */
	setenv("XDG_STATE_HOME", sh2, 1);
	strcpy(err, "");
	path = ew_transcript_default_path(err, sizeof(err));
	restore_env(&env);
	assert_null(path);
	assert_non_null(strstr(err, link));
	free(sh1);
	free(sh2);
	free(file);
	free(link);
	free(elsewhere);
}

static void test_time_iso(void **state)
{
	char buf[40], small[5];

	(void)state;
	ew_time_iso(buf, sizeof(buf));
	assert_true(iso_time_ok(buf));
	memset(small, 'x', sizeof(small));
	ew_time_iso(small, sizeof(small));
	assert_int_equal(strlen(small), 4);	/* truncated, terminated */
	assert_memory_equal(small, buf, 2);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_mode_0600),
		T(test_open_existing_refused),
		T(test_open_symlink_refused),
		T(test_open_bad_directory),
		cmocka_unit_test(test_null_handles),
		T(test_event_lines),
		T(test_hostile_strings_in_events),
		T(test_round_trip_through_steps),
		T(test_cancelled_steps),
		T(test_setup_step_read_back),
		T(test_sigkill_mid_session),
		T(test_cut_last_line),
		T(test_cut_inside_step),
		T(test_damaged_lines),
		T(test_odd_events_tolerated),
		T(test_input_event_updates_target),
		T(test_compare_changed_in_form),
		T(test_not_a_transcript),
		T(test_default_path_xdg),
		T(test_default_path_home),
		T(test_default_path_not_a_directory),
		cmocka_unit_test(test_time_iso),
	};
#undef T

	return cmocka_run_group_tests_name("transcript", tests, NULL, NULL);
}
