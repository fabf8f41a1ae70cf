/*
 * options.h - the command line: the subcommand (wizard, check, show, help),
 * the options checked for syntax and for the command they apply to, the
 * usage text and the usage error message. No curses, so the fuzzer can link
 * it alone.
 */
#ifndef EW_OPTIONS_H
#define EW_OPTIONS_H

#include <stdio.h>

#include "secret.h"

struct ew_target;

enum cmd { CMD_WIZARD, CMD_CHECK, CMD_SHOW, CMD_HELP };

struct opts {
	enum cmd cmd;
	struct ew_target *target;	/* the caller's; the parser fills it in */
	const char *transcript;
	int no_transcript;
	int json;
	int text;
	int flush;
	int timeout_ms;
	int tries;
	const char *kinit;
	const char *simple_bind;
	int ascii;
	int no_color;
	const char *ca_file;
	struct ew_secret bind_pw;	/* not touched by the parser */
	const char *password_file;
	char **args;		/* after the subcommand */
	int nargs;
	const char *seen_name[32];	/* options seen, to check against the command */
	unsigned seen_for[32];
	int nseen;
};

/*
 * Parse argv into o (zeroed by the caller, o->target set). Returns -1 to go
 * on, or an exit status (0 after --help or --version, EW_EXIT_USAGE after a
 * message on stderr). Strings in o point into argv, which getopt reorders.
 * Resets getopt, so it can be called again.
 */
int ew_options_parse(int argc, char **argv, struct opts *o);
void ew_usage(FILE *fp);
/* "exwizard: MESSAGE" and a hint on stderr; returns EW_EXIT_USAGE. */
int ew_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
