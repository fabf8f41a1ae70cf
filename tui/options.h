/*
 * options.h - the command line: the subcommand (wizard, check, show, diff, help),
 * the table of options (the one place an option is declared), the options
 * checked for syntax and for the command they apply to, the usage text
 * made from the table and the usage error message. No curses, so the fuzzer
 * and the unit test can link it alone.
 */
#ifndef EW_OPTIONS_H
#define EW_OPTIONS_H

#include <stdio.h>

#include "secret.h"
#include "target.h"

struct ew_target;

enum ew_cmd { EW_CMD_WIZARD, EW_CMD_CHECK, EW_CMD_SHOW, EW_CMD_HELP, EW_CMD_DIFF,
	      EW_CMD_SWEEP };

/* The commands' names by enum ew_cmd ("wizard": none is typed), for the
 * usage text and the bash completion (completion/lists.c). */
extern const char *const ew_cmd_names[];
extern const size_t ew_ncmds;

/* The options, in the order of the table (and of the usage text). */
enum ew_opt {
	EW_OPT_REALM,
	EW_OPT_DOMAIN,
	EW_OPT_USER,
	EW_OPT_EXCHANGE,
	EW_OPT_MOVER,
	EW_OPT_DC,
	EW_OPT_DNS_SERVER,
	EW_OPT_CCACHE,
	EW_OPT_KINIT,
	EW_OPT_SIMPLE_BIND,
	EW_OPT_CA_FILE,
	EW_OPT_PASSWORD_FILE,
	EW_OPT_SYMPTOM,
	EW_OPT_CLIENT_FILE,
	EW_OPT_COMPARE,
	EW_OPT_COMPARE_MOVER,
	EW_OPT_COMPARE_CCACHE,
	EW_OPT_COMPARE_KINIT,
	EW_OPT_COMPARE_PASSWORD_FILE,
	EW_OPT_TIMEOUT,
	EW_OPT_TRIES,
	EW_OPT_FLUSH,
	EW_OPT_BASE,
	EW_OPT_CAUSE,
	EW_OPT_TRANSCRIPT,
	EW_OPT_NO_TRANSCRIPT,
	EW_OPT_JSON,
	EW_OPT_CSV,
	EW_OPT_OUTPUT,
	EW_OPT_TEXT,
	EW_OPT_BRIEF,
	EW_OPT_ASCII,
	EW_OPT_NO_COLOR,
	EW_OPT_HELP,
	EW_OPT_VERSION,
	EW_NOPT
};

/* The heading an option is listed under in the usage text. */
enum ew_opt_group { EW_GROUP_NONE, EW_GROUP_TARGET, EW_GROUP_NETWORK, EW_GROUP_OUTPUT };

/*
 * One option: the table drives getopt_long, the usage text, the check of
 * the command an option applies to and of the options it goes with.
 */
struct ew_option {
	const char *name;	/* long name, without "--" */
	char letter;		/* short option, or 0 */
	const char *arg;	/* the value's name in the usage text, or NULL */
	unsigned applies;	/* 1u << enum ew_cmd, for each command it applies to */
	unsigned long long with;	/* 1ull << enum ew_opt: one of them must be given too */
	enum ew_opt_group group;	/* EW_GROUP_NONE: in the usage lines at the top */
	const char *usage;	/* the usage text's line, or NULL (see group) */
};

extern const struct ew_option ew_options[EW_NOPT];

struct ew_opts {
	enum ew_cmd cmd;
	struct ew_target *target;	/* the caller's; the parser fills it in */
	const char *transcript;
	const char *output;		/* sweep: --output, or -o */
	const char *base;		/* sweep: --base DN */
	const char *causes[16];		/* sweep: --cause ID */
	int ncauses;
	int csv;
	int no_transcript;
	int json;
	int text;
	int brief;
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
	const char *compare_kinit;	/* --compare-kinit PRINCIPAL */
	const char *compare_password_file;
	const char *client_files[EW_TARGET_MAX_LIST];	/* --client-file, "-": stdin */
	int nclient_files;
	char **args;		/* after the subcommand */
	int nargs;
	enum ew_opt seen[EW_NOPT];	/* options seen, to check against the command */
	int nseen;
};

/*
 * Parse argv into o (zeroed by the caller, o->target set). Returns -1 to go
 * on, or an exit status (0 after --help or --version, EW_EXIT_USAGE after a
 * message on stderr). Strings in o point into argv, which getopt reorders.
 * Resets getopt, so it can be called again.
 */
int ew_options_parse(int argc, char **argv, struct ew_opts *o);
void ew_usage(FILE *fp);
/* "exwizard: MESSAGE" and a hint on stderr; returns EW_EXIT_USAGE. */
int ew_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
