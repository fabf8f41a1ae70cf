/* test_help.c - the help topics compiled in from help/NAME.txt. */
#include "testutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "causes.h"
#include "finding.h"
#include "help.h"
#include "step.h"
#include "target.h"
#include "text.h"

static void test_topics_present(void **state)
{
	size_t i;

	(void)state;
	assert_true(ew_help_ntopics > 0);
	assert_non_null(ew_help_find("overview"));
	for (i = 0; i < ew_help_ntopics; i++) {
		const struct ew_help_topic *t = &ew_help_topics[i];
		size_t n;

		assert_non_null(t->name);
		assert_non_null(t->text);
		assert_true(strlen(t->name) > 0);
		n = strlen(t->text);
		assert_true(n > 0);
		/* Every line of the file, each with its newline. */
		assert_int_equal(t->text[n - 1], '\n');
		/* Plain text: no tab, escape or other control byte reaches the terminal. */
		assert_false(tu_has_raw_control(t->text, n));
		{
			const char *p = t->text, *nl;

			while ((nl = strchr(p, '\n')) != NULL) {
				if (!ew_text_is_clean(p, (size_t)(nl - p)))
					fail_msg("topic %s: a line is not clean text", t->name);
				p = nl + 1;
			}
		}
	}
}

/* `exwizard help symptoms` lists every id --symptom takes, each at the
 * start of a line of its own, and no id the catalogue lacks. */
static void test_symptoms_topic_lists_every_symptom(void **state)
{
	const struct ew_help_topic *t = ew_help_find("symptoms");
	const char *p;
	size_t i, listed = 0;

	(void)state;
	assert_non_null(t);
	assert_true(ew_nsymptoms > 0);
	for (i = 0; i < ew_nsymptoms; i++) {
		char want[64];

		snprintf(want, sizeof(want), "\n  %s ", ew_symptoms[i].id);
		if (strstr(t->text, want) == NULL)
			fail_msg("help symptoms does not list %s", ew_symptoms[i].id);
	}
	/* Every line "  ID  text" names a symptom of the catalogue. */
	for (p = t->text; (p = strstr(p, "\n  ")) != NULL; p++) {
		char id[32];

		if (p[3] == ' ' || sscanf(p + 3, "%31s", id) != 1 || strcmp(id, "exwizard") == 0)
			continue;
		if (ew_symptom_find(id) == NULL)
			fail_msg("help symptoms lists %s, which is no symptom", id);
		listed++;
	}
	assert_int_equal(listed, ew_nsymptoms);
}

static void test_every_step_has_help(void **state)
{
	size_t i, missing = 0;

	(void)state;
	assert_true(ew_nsteps > 0);
	for (i = 0; i < ew_nsteps; i++) {
		assert_non_null(ew_steps[i].help);
		if (ew_help_find(ew_steps[i].help) == NULL) {
			print_error("step %s: no help topic \"%s\"\n", ew_steps[i].id, ew_steps[i].help);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

/* The check ids the target step reports have a topic each. */
static void test_target_checks_have_help(void **state)
{
	static const char *const checks[] = {
		"TARGET-REALM", "TARGET-DOMAIN", "TARGET-USER", "TARGET-EXCHANGE",
	};
	const char *saved_config = getenv("KRB5_CONFIG"), *saved_cc = getenv("KRB5CCNAME");
	char *config = saved_config ? strdup(saved_config) : NULL;
	char *cc = saved_cc ? strdup(saved_cc) : NULL;
	struct ew_target *t = ew_target_new();
	struct ew_step_result *res;
	struct ew_run run;
	size_t i, missing = 0;

	(void)state;
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (ew_help_find(checks[i]) == NULL) {
			print_error("check %s: no help topic\n", checks[i]);
			missing++;
		}
	}
	/* And so has every finding the step really makes (help defaults to the id). */
	setenv("KRB5_CONFIG", "/dev/null", 1);
	setenv("KRB5CCNAME", "FILE:/nonexistent", 1);
	memset(&run, 0, sizeof(run));
	run.target = t;
	res = ew_step_execute(ew_step_find("target"), &run);
	if (config)
		setenv("KRB5_CONFIG", config, 1);
	else
		unsetenv("KRB5_CONFIG");
	if (cc)
		setenv("KRB5CCNAME", cc, 1);
	else
		unsetenv("KRB5CCNAME");
	free(config);
	free(cc);
	assert_non_null(res);
	assert_true(res->setup);	/* from the table's EW_STEP_SETUP */
	assert_true(res->nfindings >= 4);
	for (i = 0; i < res->nfindings; i++) {
		if (ew_help_find(res->findings[i]->help) == NULL) {
			print_error("finding %s: no help topic \"%s\"\n", res->findings[i]->check,
				    res->findings[i]->help);
			missing++;
		}
	}
	ew_step_result_free(&res);
	ew_target_free(&t);
	assert_int_equal(missing, 0);
}

static void test_find_case_insensitive(void **state)
{
	char upper[128], lower[128], mixed[128];
	size_t i, k;

	(void)state;
	for (i = 0; i < ew_help_ntopics; i++) {
		const char *name = ew_help_topics[i].name;

		assert_true(strlen(name) < sizeof(upper));
		for (k = 0; name[k]; k++) {
			upper[k] = (char)toupper((unsigned char)name[k]);
			lower[k] = (char)tolower((unsigned char)name[k]);
			mixed[k] = k % 2 ? upper[k] : lower[k];
		}
		upper[k] = lower[k] = mixed[k] = '\0';
		assert_ptr_equal(ew_help_find(name), &ew_help_topics[i]);
		assert_ptr_equal(ew_help_find(upper), &ew_help_topics[i]);
		assert_ptr_equal(ew_help_find(lower), &ew_help_topics[i]);
		assert_ptr_equal(ew_help_find(mixed), &ew_help_topics[i]);
		/* Names are unique whatever their case. */
		for (k = 0; k < ew_help_ntopics; k++)
			if (k != i)
				assert_true(strcasecmp(name, ew_help_topics[k].name) != 0);
	}
	assert_ptr_equal(ew_help_find("OVERVIEW"), ew_help_find("overview"));
	assert_ptr_equal(ew_help_find("Overview"), ew_help_find("overview"));
	assert_null(ew_help_find(NULL));
	assert_null(ew_help_find(""));
	assert_null(ew_help_find("no-such-topic"));
	assert_null(ew_help_find("overview "));
	assert_null(ew_help_find("overvie"));
	assert_null(ew_help_find("overview.txt"));
}

static void test_title_synthetic(void **state)
{
	static const struct ew_help_topic plain = { "guide", "First line\nSecond line\n" };
	static const struct ew_help_topic named = { "DNS-SRV", "DNS-SRV: the SRV records\nBody\n" };
	static const struct ew_help_topic other = { "DNS-SRV", "DNS-SRVX: not the name\n" };
	static const struct ew_help_topic colon = { "X", "X:no space\n" };
	static const struct ew_help_topic one = { "a", "no newline" };
	static const struct ew_help_topic empty = { "a", "" };
	static const struct ew_help_topic blank = { "a", "\nafter a blank line\n" };
	char buf[64], small[5];

	(void)state;
	ew_help_title(&plain, buf, sizeof(buf));
	assert_string_equal(buf, "First line");
	ew_help_title(&named, buf, sizeof(buf));
	assert_string_equal(buf, "the SRV records");	/* "NAME: " is left out */
	ew_help_title(&other, buf, sizeof(buf));
	assert_string_equal(buf, "DNS-SRVX: not the name");
	ew_help_title(&colon, buf, sizeof(buf));
	assert_string_equal(buf, "X:no space");
	ew_help_title(&one, buf, sizeof(buf));
	assert_string_equal(buf, "no newline");
	ew_help_title(&empty, buf, sizeof(buf));
	assert_string_equal(buf, "");
	ew_help_title(&blank, buf, sizeof(buf));
	assert_string_equal(buf, "");
	memset(small, 'z', sizeof(small));
	ew_help_title(&plain, small, sizeof(small));
	assert_string_equal(small, "Firs");		/* cut, terminated */
}

static void test_title_of_every_topic(void **state)
{
	char buf[256], first[256];
	size_t i, n, name;

	(void)state;
	for (i = 0; i < ew_help_ntopics; i++) {
		const struct ew_help_topic *t = &ew_help_topics[i];

		n = strcspn(t->text, "\n");
		assert_true(n < sizeof(first));
		memcpy(first, t->text, n);
		first[n] = '\0';
		ew_help_title(t, buf, sizeof(buf));
		assert_null(strchr(buf, '\n'));
		if (strlen(buf) == 0)
			fail_msg("topic %s has an empty title", t->name);
		name = strlen(t->name);
		if (strncmp(first, t->name, name) == 0 && first[name] == ':' && first[name + 1] == ' ')
			assert_string_equal(buf, first + name + 2);
		else
			assert_string_equal(buf, first);
	}
	{
		const struct ew_help_topic *o = ew_help_find("overview");

		assert_non_null(o);
		ew_help_title(o, buf, sizeof(buf));
		assert_int_equal(strncmp(o->text, buf, strlen(buf)), 0);
		assert_int_equal(o->text[strlen(buf)], '\n');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topics_present),
		cmocka_unit_test(test_symptoms_topic_lists_every_symptom),
		cmocka_unit_test(test_every_step_has_help),
		cmocka_unit_test(test_target_checks_have_help),
		cmocka_unit_test(test_find_case_insensitive),
		cmocka_unit_test(test_title_synthetic),
		cmocka_unit_test(test_title_of_every_topic),
	};

	return cmocka_run_group_tests_name("help", tests, NULL, NULL);
}
