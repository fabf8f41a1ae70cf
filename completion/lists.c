/*
 * lists.c - the words of exwizard's command line as the shell variables of
 * its bash completion (completion/exwizard.bash): the commands, the options
 * each command takes, the options that take a value and which of them take
 * a file or a symptom, the steps, the help topics (the checks' among them,
 * by their ids), the symptoms and the causes a sweep decides. Built and run at build time from the
 * tables the binary parses with, so that the completion cannot drift from
 * the binary.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "help.h"
#include "options.h"
#include "step.h"
#include "sweeprules.h"

/* An option's spellings, short first: "-r --realm". */
static void option_words(const struct ew_option *op, const char **sep)
{
	if (op->letter) {
		printf("%s-%c", *sep, op->letter);
		*sep = " ";
	}
	printf("%s--%s", *sep, op->name);
	*sep = " ";
}

/* name='the options whose value is of that kind' (NULL kind: any value). */
static void value_options(const char *name, const char *const *kinds)
{
	const char *sep = "";

	printf("%s='", name);
	for (size_t i = 0; i < EW_NOPT; i++) {
		const struct ew_option *op = &ew_options[i];
		int match = op->arg != NULL && kinds == NULL;

		for (size_t k = 0; op->arg && kinds && kinds[k] && !match; k++)
			match = strcmp(op->arg, kinds[k]) == 0;
		if (match)
			option_words(op, &sep);
	}
	puts("'");
}

/* Whether a help topic is the topic of a check (as `exwizard help` tells). */
static int is_check_topic(const char *name)
{
	for (size_t i = 0; i < ew_nchecks; i++)
		if (strcasecmp(ew_checks[i].help, name) == 0)
			return 1;
	return 0;
}

int main(void)
{
	static const char *const files[] = { "FILE", "F", NULL };
	static const char *const symptoms[] = { "ID", NULL };
	static const char *const causes[] = { "CAUSE", NULL };
	const char *sep;

	puts("# The words of exwizard's command line (completion/lists.c).");
	sep = "";
	fputs("_exwizard_commands='", stdout);
	for (size_t c = 0; c < ew_ncmds; c++)
		if (c != EW_CMD_WIZARD) {
			printf("%s%s", sep, ew_cmd_names[c]);
			sep = " ";
		}
	puts("'");
	/* The options of each command; the wizard's are those before any. */
	for (size_t c = 0; c < ew_ncmds; c++) {
		sep = "";
		printf("_exwizard_options_%s='", ew_cmd_names[c]);
		for (size_t i = 0; i < EW_NOPT; i++)
			if (ew_options[i].applies & (1u << c))
				option_words(&ew_options[i], &sep);
		puts("'");
	}
	value_options("_exwizard_value_options", NULL);
	value_options("_exwizard_file_options", files);
	value_options("_exwizard_symptom_options", symptoms);
	value_options("_exwizard_cause_options", causes);
	sep = "";
	fputs("_exwizard_steps='", stdout);
	for (size_t i = 0; i < ew_nsteps; i++, sep = " ")
		printf("%s%s", sep, ew_steps[i].id);
	puts("'");
	/* The help topics as `exwizard help` lists them: the guides and the
	 * steps, then the checks (a check id is its topic's name). */
	sep = "";
	fputs("_exwizard_topics='", stdout);
	for (size_t i = 0; i < ew_help_ntopics; i++)
		if (!is_check_topic(ew_help_topics[i].name)) {
			printf("%s%s", sep, ew_help_topics[i].name);
			sep = " ";
		}
	for (size_t i = 0; i < ew_nchecks; i++, sep = " ")
		printf("%s%s", sep, ew_checks[i].help);
	puts("'");
	sep = "";
	fputs("_exwizard_symptoms='", stdout);
	for (size_t i = 0; i < ew_nsymptoms; i++, sep = " ")
		printf("%s%s", sep, ew_symptoms[i].id);
	puts("'");
	sep = "";
	fputs("_exwizard_causes='", stdout);
	for (size_t i = 0; i < ew_sweep_ncauses; i++, sep = " ")
		printf("%s%s", sep, ew_sweep_causes[i]);
	puts("'");
	return ferror(stdout) || fflush(stdout) != 0;
}
