/*
 * test_session.c - the session's plan: which steps run, in what order and in
 * which batches, from the step table's flags (plan.h). A table of its own
 * with the real table's flags: nothing here runs a step or needs the network.
 */
#include "testutil.h"

#include <string.h>

#include "plan.h"

static int no_run(struct ew_run *run, struct ew_step_result *res)
{
	(void)run;
	(void)res;
	return 0;
}

/* The first step is not at the table's start: its flag places it, not its place. */
static const struct ew_step table[] = {
	{ "dns", "DNS", "dns", "", no_run, EW_STEP_ALONE_WHEN_FLUSHING, EW_DATA_JSON },
	{ "tickets", "Tickets", "tickets", "", no_run, EW_STEP_DIRECTORY, EW_DATA_JSON },
	{ "target", "Target", "target", "", no_run, EW_STEP_SETUP | EW_STEP_FIRST, EW_DATA_JSON },
	{ "groups", "Groups", "groups", "", no_run, EW_STEP_DIRECTORY, EW_DATA_JSON },
	{ "later", "Not yet", "later", "", NULL, 0, EW_DATA_JSON },
	{ "mailbox", "Mailbox", "mailbox", "", no_run, EW_STEP_DIRECTORY, EW_DATA_JSON },
};
#define NT (sizeof(table) / sizeof(table[0]))

static void assert_ids(const struct ew_step **v, int n, const char *want)
{
	char got[256] = "";
	int i;

	for (i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
			 v[i]->id);
	assert_string_equal(got, want);
}

static void test_every_step_first_step_leads(void **state)
{
	const struct ew_step *v[16];
	char err[128] = "";
	int n;

	(void)state;
	n = ew_plan_steps(table, NT, NULL, 0, v, 16, err, sizeof(err));
	/* The step without a run function is not planned. */
	assert_ids(v, n, "target dns tickets groups mailbox");
	assert_string_equal(err, "");
}

static void test_named_steps_keep_their_order(void **state)
{
	const char *ids[] = { "mailbox", "tickets", "target", "dns", "mailbox" };
	const struct ew_step *v[16];
	char err[128];
	int n;

	(void)state;
	n = ew_plan_steps(table, NT, ids, 5, v, 16, err, sizeof(err));
	assert_ids(v, n, "target mailbox tickets dns");
	/* The first step is planned even when not named. */
	n = ew_plan_steps(table, NT, ids + 3, 1, v, 16, err, sizeof(err));
	assert_ids(v, n, "target dns");
	/* No more than the room there is. */
	n = ew_plan_steps(table, NT, ids, 5, v, 2, err, sizeof(err));
	assert_ids(v, n, "target mailbox");
}

static void test_unknown_step(void **state)
{
	const char *ids[] = { "dns", "bogus\033[2J", "tickets" };
	const struct ew_step *v[16];
	char err[128] = "";

	(void)state;
	assert_int_equal(ew_plan_steps(table, NT, ids, 3, v, 16, err, sizeof(err)), -1);
	/* Said as typed, with the terminal escape made harmless. */
	assert_non_null(strstr(err, "unknown step 'bogus"));
	assert_null(strchr(err, '\033'));
	ids[1] = "Target";	/* ids are exact */
	assert_int_equal(ew_plan_steps(table, NT, ids, 3, v, 16, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown step 'Target'");
}

/* The batches of a plan as "a | b c | d". */
static void batches(const struct ew_step **v, size_t n, unsigned flags, char *out, size_t len)
{
	size_t i = 0, k, b;

	out[0] = '\0';
	while (i < n) {
		b = ew_plan_batch(v, n, i, flags);
		assert_true(b >= 1);
		for (k = 0; k < b; k++)
			snprintf(out + strlen(out), len - strlen(out), "%s%s",
				 k ? " " : i ? " | " : "", v[i + k]->id);
		i += b;
	}
	assert_int_equal(ew_plan_batch(v, n, n, flags), 0);
}

static void test_batches(void **state)
{
	const char *ids[] = { "tickets", "dns", "groups" };
	const struct ew_step *v[16];
	char err[128], got[256];
	int n;

	(void)state;
	n = ew_plan_steps(table, NT, NULL, 0, v, 16, err, sizeof(err));
	batches(v, (size_t)n, 0, got, sizeof(got));
	assert_string_equal(got, "target | dns tickets groups mailbox");
	batches(v, (size_t)n, EW_RUN_FLUSH, got, sizeof(got));
	assert_string_equal(got, "target | dns | tickets groups mailbox");
	/* Flushing in the middle: the steps before it, it, the steps after it. */
	n = ew_plan_steps(table, NT, ids, 3, v, 16, err, sizeof(err));
	batches(v, (size_t)n, EW_RUN_FLUSH, got, sizeof(got));
	assert_string_equal(got, "target | tickets | dns | groups");
	batches(v, (size_t)n, 0, got, sizeof(got));
	assert_string_equal(got, "target | tickets dns groups");
}

static void test_order_for_the_wizard(void **state)
{
	const struct ew_step *v[] = { &table[3], &table[0], &table[2], &table[5] };
	const struct ew_step *one[] = { &table[2] };
	char got[256];

	(void)state;
	ew_plan_order(v, 4);
	assert_ids(v, 4, "target groups dns mailbox");
	batches(v, 4, 0, got, sizeof(got));
	assert_string_equal(got, "target | groups dns mailbox");
	ew_plan_order(one, 1);
	assert_ids(one, 1, "target");
	ew_plan_order(v, 0);
}

static void test_needs_directory(void **state)
{
	const struct ew_step *v[] = { &table[2], &table[0], &table[1] };

	(void)state;
	assert_false(ew_plan_needs_directory(v, 2));	/* target, dns */
	assert_true(ew_plan_needs_directory(v, 3));	/* and tickets */
	assert_false(ew_plan_needs_directory(v, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_step_first_step_leads),
		cmocka_unit_test(test_named_steps_keep_their_order),
		cmocka_unit_test(test_unknown_step),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_order_for_the_wizard),
		cmocka_unit_test(test_needs_directory),
	};

	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
