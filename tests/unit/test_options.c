/*
 * test_options.c - the option table of tui/options.c against the manual
 * page (its OPTIONS section, EW_MANPAGE) and the usage text: every option of
 * the table is documented with the same short letter and value, the manual
 * documents no option the table lacks, and --help lists every option. And
 * that the table's command sets and "goes with" decide what the parser
 * refuses.
 */
#include "testutil.h"

#include <fcntl.h>

#include "causes.h"
#include "options.h"
#include "report.h"
#include "target.h"

#ifndef EW_MANPAGE
#error "EW_MANPAGE: the path of exwizard.1"
#endif

/* An option as the manual documents it. */
struct man_option {
	char name[32];
	char letter;
	int has_arg;
	int matched;
};

#define MAX_MAN 64

/*
 * The ".It Fl ..." lines of the OPTIONS section: ".It Fl r , Fl Fl realm Ar
 * realm", ".It Fl Fl flush". Returns the number read.
 */
static int read_man_options(struct man_option *mo)
{
	size_t len;
	char *text = tu_slurp(EW_MANPAGE, &len);
	char *line, *save = NULL;
	int in_options = 0, n = 0;

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok[32], *tsave = NULL, *t;
		int ntok = 0;

		if (strncmp(line, ".Sh ", 4) == 0) {
			in_options = strcmp(line, ".Sh OPTIONS") == 0;
			continue;
		}
		if (!in_options || strncmp(line, ".It Fl ", 7) != 0)
			continue;
		for (t = strtok_r(line, " ", &tsave); t && ntok < 32; t = strtok_r(NULL, " ", &tsave))
			tok[ntok++] = t;
		assert_true(n < MAX_MAN);
		memset(&mo[n], 0, sizeof(mo[n]));
		for (int i = 1; i < ntok; i++) {
			if (strcmp(tok[i], "Ar") == 0)
				mo[n].has_arg = 1;
			if (strcmp(tok[i], "Fl") != 0 || i + 1 >= ntok)
				continue;
			if (strcmp(tok[i + 1], "Fl") == 0 && i + 2 < ntok) {
				snprintf(mo[n].name, sizeof(mo[n].name), "%s", tok[i + 2]);
				i += 2;
			} else if (strlen(tok[i + 1]) == 1) {
				mo[n].letter = tok[i + 1][0];
				i++;
			}
		}
		if (mo[n].name[0] == '\0')
			fail_msg("manual: an option without a long name: %s", line);
		n++;
	}
	free(text);
	return n;
}

static void test_manual_matches_table(void **state)
{
	struct man_option mo[MAX_MAN];
	int n = read_man_options(mo), bad = 0;

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < EW_NOPT; i++) {
		const struct ew_option *op = &ew_options[i];
		int j;

		for (j = 0; j < n; j++)
			if (strcmp(mo[j].name, op->name) == 0)
				break;
		if (j == n) {
			print_message("exwizard.1 lacks --%s\n", op->name);
			bad++;
			continue;
		}
		mo[j].matched = 1;
		if (mo[j].letter != op->letter) {
			print_message("--%s: short option '%c' in the table, '%c' in exwizard.1\n",
				      op->name, op->letter ? op->letter : ' ',
				      mo[j].letter ? mo[j].letter : ' ');
			bad++;
		}
		if (mo[j].has_arg != (op->arg != NULL)) {
			print_message("--%s: takes a value in %s only\n", op->name,
				      op->arg ? "the table" : "exwizard.1");
			bad++;
		}
	}
	for (int j = 0; j < n; j++)
		if (!mo[j].matched) {
			print_message("exwizard.1 documents --%s, which the table lacks\n",
				      mo[j].name);
			bad++;
		}
	assert_int_equal(bad, 0);
}

/* Whether "--name" occurs in s as a whole option name. */
static int has_option(const char *s, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = strstr(s, "--"); p; p = strstr(p + 2, "--"))
		if (strncmp(p + 2, name, len) == 0 &&
		    !(p[2 + len] == '-' || (p[2 + len] >= 'a' && p[2 + len] <= 'z')))
			return 1;
	return 0;
}

static void test_usage_lists_every_option(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	int bad = 0;

	(void)state;
	assert_non_null(fp);
	ew_usage(fp);
	assert_int_equal(fclose(fp), 0);
	for (size_t i = 0; i < EW_NOPT; i++) {
		const struct ew_option *op = &ew_options[i];
		char head[64];

		if (!has_option(text, op->name)) {
			print_message("--help does not name --%s\n", op->name);
			bad++;
			continue;
		}
		if (op->group == EW_GROUP_NONE)
			continue;
		/* A line of its own in the list, short letter first. */
		if (op->letter)
			snprintf(head, sizeof(head), "\n  -%c, --%s", op->letter, op->name);
		else
			snprintf(head, sizeof(head), "\n      --%s", op->name);
		if (strstr(text, head) == NULL || op->usage == NULL) {
			print_message("--help has no line for --%s\n", op->name);
			bad++;
		}
	}
	assert_false(tu_has_raw_control(text, len));
	free(text);
	assert_int_equal(bad, 0);
}

/* Parse "exwizard ARGS..." (NULL-terminated); returns ew_options_parse's
 * result. */
static int parse(struct ew_opts *o, ...)
{
	char *argv[16];
	int argc = 0, saved, null, rc;
	va_list ap;

	memset(o, 0, sizeof(*o));
	o->target = ew_target_new();
	assert_non_null(o->target);
	argv[argc++] = "exwizard";
	va_start(ap, o);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	/* The parser's complaints, expected here, go to /dev/null. */
	fflush(stderr);
	saved = dup(2);
	null = open("/dev/null", O_WRONLY);
	assert_true(saved >= 0 && null >= 0);
	dup2(null, 2);
	close(null);
	rc = ew_options_parse(argc, argv, o);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return rc;
}

static void test_applies_to(void **state)
{
	/* Each option without a value, before each command: accepted exactly
	 * where the table says it applies. */
	static const char *const cmds[] = { NULL, "check", "show", "help", "diff" };
	struct ew_opts o;

	(void)state;
	for (size_t i = 0; i < EW_NOPT; i++) {
		char name[40];

		if (ew_options[i].arg || i == EW_OPT_HELP || i == EW_OPT_VERSION)
			continue;
		snprintf(name, sizeof(name), "--%s", ew_options[i].name);
		for (int c = EW_CMD_WIZARD; c <= EW_CMD_DIFF; c++) {
			int rc = parse(&o, name, cmds[c], NULL);
			int want = ew_options[i].applies & (1u << c) ? -1 : EW_EXIT_USAGE;

			if (rc != want)
				fail_msg("%s %s: %d, not %d", name, cmds[c] ? cmds[c] : "(wizard)",
					 rc, want);
			ew_target_free(&o.target);
		}
	}
	assert_int_equal(parse(&o, "show", "--text", "f", NULL), -1);
	assert_int_equal(o.text, 1);
	assert_int_equal(o.cmd, EW_CMD_SHOW);
	ew_target_free(&o.target);
}

static void test_goes_with(void **state)
{
	struct ew_opts o;

	(void)state;
	assert_int_equal(parse(&o, "--password-file", "pw", "check", NULL), EW_EXIT_USAGE);
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "--password-file", "pw", "--kinit", "alice", "check", NULL), -1);
	assert_string_equal(o.password_file, "pw");
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "--simple-bind", "CN=a,DC=example,DC=com",
			       "--password-file", "pw", NULL), -1);
	ew_target_free(&o.target);
}

static void test_short_and_long(void **state)
{
	struct ew_opts o;

	(void)state;
	assert_int_equal(parse(&o, "-o", "a.jsonl", "check", NULL), -1);
	assert_string_equal(o.transcript, "a.jsonl");
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "--transcript=b.jsonl", "check", NULL), -1);
	assert_string_equal(o.transcript, "b.jsonl");
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "--tries", "3", "--timeout", "0.5", "check", "dns", NULL), -1);
	assert_int_equal(o.tries, 3);
	assert_int_equal(o.timeout_ms, 500);
	assert_int_equal(o.nargs, 1);
	ew_target_free(&o.target);
	/* Unknown, ambiguous, missing value, value to a flag. */
	assert_int_equal(parse(&o, "-q", NULL), EW_EXIT_USAGE);
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "--no", NULL), EW_EXIT_USAGE);
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "-r", NULL), EW_EXIT_USAGE);
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "--json=1", "check", NULL), EW_EXIT_USAGE);
	ew_target_free(&o.target);
}

/* --symptom: repeatable, for check and the wizard, ids of the catalogue
 * only; into the target's list, and into its JSON only when given. */
static void test_symptom(void **state)
{
	struct ew_opts o;
	char err[512];
	json_t *j;

	(void)state;
	assert_int_equal(parse(&o, "--symptom", "40960", "--symptom", "unavailable",
			       "--symptom", "40960", "check", NULL), -1);
	assert_int_equal(o.target->nsymptoms, 2);
	assert_string_equal(o.target->symptoms[0], "40960");
	assert_string_equal(o.target->symptoms[1], "unavailable");
	j = ew_target_to_json(o.target);
	assert_int_equal(json_array_size(json_object_get(j, "symptoms")), 2);
	json_decref(j);
	ew_target_free(&o.target);
	/* Without it, the target's JSON has no "symptoms" at all. */
	assert_int_equal(parse(&o, "check", NULL), -1);
	j = ew_target_to_json(o.target);
	assert_null(json_object_get(j, "symptoms"));
	json_decref(j);
	ew_target_free(&o.target);
	/* Unknown ids, and a case that is not the catalogue's, are usage errors. */
	assert_int_equal(parse(&o, "--symptom", "40962", "check", NULL), EW_EXIT_USAGE);
	assert_int_equal(o.target->nsymptoms, 0);
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "--symptom", "Unavailable", NULL), EW_EXIT_USAGE);
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "--symptom", "40960", "show", "f", NULL), EW_EXIT_USAGE);
	ew_target_free(&o.target);
	/* The message lists every valid id. */
	o.target = ew_target_new();
	assert_non_null(o.target);
	assert_int_equal(ew_target_add_symptom(o.target, "bogus", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bogus"));
	for (size_t i = 0; i < ew_nsymptoms; i++)
		if (strstr(err, ew_symptoms[i].id) == NULL)
			fail_msg("the message does not list %s: %s", ew_symptoms[i].id, err);
	/* The form's field: ids separated by spaces; one bad id changes nothing. */
	assert_int_equal(ew_target_set_symptoms(o.target, " prompts  http-400 ", err,
						sizeof(err)), 0);
	assert_int_equal(o.target->nsymptoms, 2);
	assert_int_equal(ew_target_set_symptoms(o.target, "kdc-11 nope", err, sizeof(err)), -1);
	assert_int_equal(o.target->nsymptoms, 2);
	assert_string_equal(o.target->symptoms[1], "http-400");
	{
		struct ew_target *d = ew_target_dup(o.target);

		assert_non_null(d);
		assert_int_equal(d->nsymptoms, 2);
		assert_string_equal(d->symptoms[0], "prompts");
		ew_target_free(&d);
	}
	assert_int_equal(ew_target_set_symptoms(o.target, "", err, sizeof(err)), 0);
	assert_int_equal(o.target->nsymptoms, 0);
	ew_target_free(&o.target);
	/* show --brief, diff with two files. */
	assert_int_equal(parse(&o, "show", "--brief", "f", NULL), -1);
	assert_int_equal(o.brief, 1);
	ew_target_free(&o.target);
	assert_int_equal(parse(&o, "diff", "a", "b", NULL), -1);
	assert_int_equal(o.cmd, EW_CMD_DIFF);
	assert_int_equal(o.nargs, 2);
	ew_target_free(&o.target);
}

/* Every line of --help fits 80 columns. */
static void test_usage_fits(void **state)
{
	char *text = NULL, *p, *nl;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	(void)state;
	assert_non_null(fp);
	ew_usage(fp);
	assert_int_equal(fclose(fp), 0);
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if (nl - p > 80)
			fail_msg("--help line of %d columns: %.*s", (int)(nl - p), (int)(nl - p), p);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_matches_table),
		cmocka_unit_test(test_usage_lists_every_option),
		cmocka_unit_test(test_applies_to),
		cmocka_unit_test(test_goes_with),
		cmocka_unit_test(test_short_and_long),
		cmocka_unit_test(test_symptom),
		cmocka_unit_test(test_usage_fits),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
