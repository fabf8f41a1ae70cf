/*
 * test_catalogue.c - the check catalogue: every entry has a help topic and a
 * step, every check topic has an entry, and every check id the core can put
 * in a report comes from the catalogue (read from the sources in core/).
 *
 * The sources are found under $EXWIZ_TOP, else from this file's own path
 * (make compiles it as tests/unit/test_catalogue.c from the top directory).
 */
#include "testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "finding.h"
#include "help.h"
#include "step.h"
#include "sweep.h"

#define SELF "tests/unit/test_catalogue.c"

/* A source file, comments blanked out (string literals kept). */
struct src {
	char *name;
	char *text;
};

/* The top of the source tree, malloc'ed. */
static char *top_dir(void)
{
	const char *env = getenv("EXWIZ_TOP");
	const char *file = __FILE__;
	size_t n = strlen(file), s = strlen(SELF);

	if (env && env[0])
		return strdup(env);
	if (n >= s && strcmp(file + n - s, SELF) == 0) {
		if (n == s)
			return strdup(".");
		return strndup(file, n - s - 1);	/* without the '/' */
	}
	return strdup(".");
}

static char *read_all(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (fp == NULL)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
	} while (got > 0);
	if (ferror(fp))
		fail_msg("cannot read %s", path);
	fclose(fp);
	buf[len] = '\0';
	return buf;
}

/* Comments become blanks (newlines kept); strings and chars are skipped over. */
static void blank_comments(char *s)
{
	char *p = s;

	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			char *end = strstr(p + 2, "*/");

			if (end == NULL)
				end = p + strlen(p) - 2;
			for (; p < end + 2; p++)
				if (*p != '\n')
					*p = ' ';
		} else if (p[0] == '/' && p[1] == '/') {
			for (; *p && *p != '\n'; p++)
				*p = ' ';
		} else if (*p == '"' || *p == '\'') {
			char q = *p++;

			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			if (*p)
				p++;
		} else {
			p++;
		}
	}
}

/* The sources under core/, read and without comments. */
static struct src *read_core(size_t *count)
{
	char *top = top_dir(), path[4096];
	struct src *v = NULL;
	struct dirent *de;
	DIR *d;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/core", top);
	d = opendir(path);
	if (d == NULL)
		fail_msg("cannot open %s (set EXWIZ_TOP to the source tree): %s", path,
			 strerror(errno));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 3 || strcmp(de->d_name + len - 2, ".c") != 0)
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		assert_non_null(v);
		snprintf(path, sizeof(path), "%s/core/%s", top, de->d_name);
		v[n].name = strdup(de->d_name);
		v[n].text = read_all(path);
		blank_comments(v[n].text);
		n++;
	}
	closedir(d);
	free(top);
	/* A tree without the step sources is not the tree. */
	if (n < 10)
		fail_msg("only %zu sources under core/: not the source tree", n);
	*count = n;
	return v;
}

static void free_srcs(struct src *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].text);
	}
	free(v);
}

/* The argument number argn (0-based) of the call whose '(' is at p, trimmed,
 * malloc'ed; NULL when the call has fewer arguments. */
static char *call_arg(const char *p, int argn)
{
	const char *start = p + 1, *q = p + 1;
	int depth = 0, k = 0;

	for (; *q; q++) {
		if (*q == '"' || *q == '\'') {
			char c = *q++;

			while (*q && *q != c) {
				if (*q == '\\' && q[1])
					q++;
				q++;
			}
			if (*q == '\0')
				break;
			continue;
		}
		if (*q == '(' || *q == '[' || *q == '{') {
			depth++;
		} else if ((*q == ')' || *q == ']' || *q == '}') && depth > 0) {
			depth--;
		} else if ((*q == ',' || *q == ')') && depth == 0) {
			if (k == argn) {
				while (start < q && isspace((unsigned char)*start))
					start++;
				while (q > start && isspace((unsigned char)q[-1]))
					q--;
				return strndup(start, (size_t)(q - start));
			}
			if (*q == ')')
				return NULL;
			k++;
			start = q + 1;
		}
	}
	return NULL;
}

/* The id a macro EW_CK_* stands for, from catalogue.h; NULL if none. */
static const char *macro_id(const char *header, const char *macro, char *buf, size_t len)
{
	const char *p = header;
	size_t m = strlen(macro);

	while ((p = strstr(p, "#define ")) != NULL) {
		p += strlen("#define ");
		if (strncmp(p, macro, m) == 0 && isspace((unsigned char)p[m])) {
			const char *q = strchr(p + m, '"'), *e;

			if (q == NULL || (e = strchr(q + 1, '"')) == NULL)
				return NULL;
			snprintf(buf, len, "%.*s", (int)(e - q - 1), q + 1);
			return buf;
		}
	}
	return NULL;
}

/*
 * Whether arg, the check id given at a call in file, is one the catalogue
 * holds. The only other ids, each documented where it is passed on:
 * - run.c, step->id: a step cancelled or unable to run before any finding
 *   reports a skip under its own id, whose help topic is the step's guide
 *   (test_step_skip_id below);
 * - dirsession.c, check_id: the caller's id (its calls are checked too);
 * - finding.c, check: a finding read back from a transcript keeps the id it
 *   was written with.
 */
static int arg_ok(const char *header, const char *file, const char *arg)
{
	char id[64];

	if (strcmp(file, "run.c") == 0 && strcmp(arg, "step->id") == 0)
		return 1;
	if (strcmp(file, "dirsession.c") == 0 && strcmp(arg, "check_id") == 0)
		return 1;
	if (strcmp(file, "finding.c") == 0 && strcmp(arg, "check") == 0)
		return 1;
	if (strncmp(arg, "EW_CK_", 6) != 0 || macro_id(header, arg, id, sizeof(id)) == NULL)
		return 0;
	return ew_check_find(id) != NULL;
}

/* Whether the parenthesis at open starts a parameter list (a declaration). */
static int is_declaration(const char *open)
{
	char *first = call_arg(open, 0);
	int decl = first && (strncmp(first, "struct ", 7) == 0 || strncmp(first, "const ", 6) == 0);

	free(first);
	return decl;
}

/* Every call of fn in the sources, its argument argn checked; returns the
 * number of calls seen, counts the bad ones in *bad (told unless quiet). */
static size_t scan_calls(const struct src *v, size_t n, const char *header, const char *fn,
			 int argn, int quiet, size_t *bad)
{
	size_t i, calls = 0, fl = strlen(fn);

	for (i = 0; i < n; i++) {
		const char *p = v[i].text;

		while ((p = strstr(p, fn)) != NULL) {
			const char *open = p + fl;
			char *arg;
			int line = 1;
			const char *c;

			/* A call, not a longer name and not the declaration. */
			if (*open != '(' ||
			    (p > v[i].text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) ||
			    is_declaration(open)) {
				p = open;
				continue;
			}
			arg = call_arg(open, argn);
			for (c = v[i].text; c < p; c++)
				line += *c == '\n';
			calls++;
			if (arg == NULL || !arg_ok(header, v[i].name, arg)) {
				if (!quiet)
					print_error("core/%s:%d: %s with check id %s: not "
						    "from the catalogue\n", v[i].name, line, fn,
						    arg ? arg : "?");
				(*bad)++;
			}
			free(arg);
			p = open;
		}
	}
	return calls;
}

static void test_entries(void **state)
{
	size_t i, j, bad = 0;

	(void)state;
	assert_true(ew_nchecks > 0);
	for (i = 0; i < ew_nchecks; i++) {
		const struct ew_check *c = &ew_checks[i];
		const struct ew_help_topic *t;
		char title[200];

		assert_non_null(c->id);
		assert_non_null(c->step);
		assert_non_null(c->title);
		assert_non_null(c->help);
		assert_true(c->title[0] != '\0');
		assert_ptr_equal(ew_check_find(c->id), c);
		for (j = i + 1; j < ew_nchecks; j++) {
			if (strcasecmp(ew_checks[j].id, c->id) == 0) {
				print_error("check %s: listed twice\n", c->id);
				bad++;
			}
		}
		/* the sweep is a step of its own command, not of the step table */
		if (ew_step_find(c->step) == NULL && strcmp(c->step, ew_sweep_step_def.id) != 0) {
			print_error("check %s: unknown step \"%s\"\n", c->id, c->step);
			bad++;
		}
		t = ew_help_find(c->help);
		if (t == NULL) {
			print_error("check %s: no help topic \"%s\"\n", c->id, c->help);
			bad++;
			continue;
		}
		/* `exwizard help` and `exwizard help ID` say the same. */
		ew_help_title(t, title, sizeof(title));
		if (strcmp(title, c->title) != 0) {
			print_error("check %s: title \"%s\", help topic says \"%s\"\n", c->id,
				    c->title, title);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_find(void **state)
{
	(void)state;
	assert_null(ew_check_find(NULL));
	assert_null(ew_check_find(""));
	assert_null(ew_check_find("NO-SUCH-CHECK"));
	assert_null(ew_check_find("dns-srv"));	/* ids are exact */
	assert_string_equal(ew_check_find(EW_CK_DNS_SRV)->id, "DNS-SRV");
	assert_string_equal(ew_check_find(EW_CK_MBX_PROTECTED)->step, "mailbox");
}

/* A help topic in upper case is a check's: none without an entry. */
static void test_every_check_topic_listed(void **state)
{
	size_t i, upper = 0, bad = 0;

	(void)state;
	for (i = 0; i < ew_help_ntopics; i++) {
		const char *name = ew_help_topics[i].name;

		if (!isupper((unsigned char)name[0]))
			continue;
		upper++;
		if (ew_check_find(name) == NULL) {
			print_error("help topic %s: no check in the catalogue\n", name);
			bad++;
		}
	}
	assert_int_equal(upper, ew_nchecks);
	assert_int_equal(bad, 0);
}

/* Every EW_CK_* macro stands for a catalogue id, every entry has a macro. */
static void test_macros(void **state)
{
	char *top = top_dir(), path[4096], *header, id[64], macro[80];
	size_t i, defines = 0;
	const char *p;

	(void)state;
	snprintf(path, sizeof(path), "%s/core/catalogue.h", top);
	header = read_all(path);
	for (p = header; (p = strstr(p, "#define EW_CK_")) != NULL; p++) {
		size_t n = strcspn(p + 8, " \t");

		snprintf(macro, sizeof(macro), "%.*s", (int)n, p + 8);
		assert_non_null(macro_id(header, macro, id, sizeof(id)));
		if (ew_check_find(id) == NULL)
			fail_msg("%s is \"%s\": not in the catalogue", macro, id);
		defines++;
	}
	assert_int_equal(defines, ew_nchecks);
	for (i = 0; i < ew_nchecks; i++) {
		char *q;

		snprintf(macro, sizeof(macro), "EW_CK_%s", ew_checks[i].id);
		for (q = macro; *q; q++)
			if (*q == '-')
				*q = '_';
		assert_non_null(macro_id(header, macro, id, sizeof(id)));
		assert_string_equal(id, ew_checks[i].id);
	}
	free(header);
	free(top);
}

/* The check ids in core/ come from the catalogue: no literal, no unknown name. */
static void test_sources_use_catalogue(void **state)
{
	char *top = top_dir(), path[4096], *header;
	struct src *v;
	size_t n, i, calls, bad = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/core/catalogue.h", top);
	header = read_all(path);
	v = read_core(&n);
	calls = scan_calls(v, n, header, "ew_finding_new", 0, 0, &bad);
	/* Well over one call per check: the scan found the steps. */
	assert_true(calls > ew_nchecks);
	calls = scan_calls(v, n, header, "ew_dirsession_open", 2, 0, &bad);
	assert_true(calls > 0);
	/* Nor is an id spelt out anywhere else (a comparison, a table). */
	for (i = 0; i < n; i++) {
		const char *p = v[i].text;
		size_t k;

		if (strcmp(v[i].name, "catalogue.c") == 0)
			continue;
		for (k = 0; k < ew_nchecks; k++) {
			char lit[80];

			snprintf(lit, sizeof(lit), "\"%s\"", ew_checks[k].id);
			if (strstr(p, lit)) {
				print_error("core/%s: check id %s spelt out\n", v[i].name, lit);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
	free_srcs(v, n);
	free(header);
	free(top);
}

/* The scan itself: a literal, an unknown name and a known constant. */
static void test_scan_catches(void **state)
{
	const char *header = "#define EW_CK_DNS_SRV\t\t\"DNS-SRV\"\n"
			     "#define EW_CK_BOGUS\t\"NO-SUCH\"\n";
	char text[] = "f = ew_finding_new(\"DNS-SRV\", EW_WARN, \"a, b\");\n"
		      "/* ew_finding_new(\"IN-A-COMMENT\", ...) */\n"
		      "g = ew_finding_new(EW_CK_BOGUS, EW_WARN, \"x\");\n"
		      "h = ew_finding_new(EW_CK_UNDEFINED, EW_WARN, \"x\");\n"
		      "i = ew_finding_new( EW_CK_DNS_SRV , fn(1, 2), \"x\");\n"
		      "j = my_ew_finding_new(\"OTHER\", 1);\n"
		      "struct ew_finding *ew_finding_new(const char *check, int);\n";
	struct src v = { "x.c", text };
	size_t bad = 0;

	(void)state;
	blank_comments(text);
	assert_int_equal(scan_calls(&v, 1, header, "ew_finding_new", 0, 1, &bad), 4);
	assert_int_equal(bad, 3);
	/* The exceptions hold only where they are documented. */
	assert_true(arg_ok(header, "run.c", "step->id"));
	assert_false(arg_ok(header, "dnsstep.c", "step->id"));
	assert_false(arg_ok(header, "run.c", "\"dns\""));
}

static int no_finding_run(struct ew_run *run, struct ew_step_result *res)
{
	(void)run;
	(void)res;
	return -1;
}

/*
 * The one id outside the catalogue: a step that cannot run reports a skip
 * under its own id. That id is no check's, and its help topic is the step's.
 */
static void test_step_skip_id(void **state)
{
	struct ew_step_result *res;
	struct ew_run run;
	size_t i;

	(void)state;
	for (i = 0; i < ew_nsteps; i++) {
		struct ew_step fake = ew_steps[i];

		assert_null(ew_check_find(ew_steps[i].id));
		fake.run = no_finding_run;
		memset(&run, 0, sizeof(run));
		res = ew_step_execute(&fake, &run);
		assert_non_null(res);
		assert_int_equal(res->nfindings, 1);
		assert_int_equal(res->findings[0]->severity, EW_SKIP);
		assert_string_equal(res->findings[0]->check, ew_steps[i].id);
		assert_non_null(ew_help_find(res->findings[0]->help));
		assert_ptr_equal(ew_help_find(res->findings[0]->help),
				 ew_help_find(ew_steps[i].help));
		ew_step_result_free(&res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_every_check_topic_listed),
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_scan_catches),
		cmocka_unit_test(test_sources_use_catalogue),
		cmocka_unit_test(test_step_skip_id),
	};

	return cmocka_run_group_tests_name("catalogue", tests, NULL, NULL);
}
