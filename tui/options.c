/*
 * The command line: the table of options (getopt_long's tables, the usage
 * text and the command each option applies to are made from it), the
 * options checked for syntax as they are read, the subcommand, and whether
 * each option applies to it. Our own messages, with
 * the option named; exit status EW_EXIT_USAGE on any mistake.
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "step.h"
#include "sweeprules.h"
#include "target.h"
#include "text.h"
#include "version.h"

/* Which subcommands an option applies to. */
#define FOR_WIZARD (1u << EW_CMD_WIZARD)
#define FOR_CHECK (1u << EW_CMD_CHECK)
#define FOR_SHOW (1u << EW_CMD_SHOW)
#define FOR_HELP (1u << EW_CMD_HELP)
#define FOR_DIFF (1u << EW_CMD_DIFF)
#define FOR_SWEEP (1u << EW_CMD_SWEEP)
#define FOR_RUN (FOR_WIZARD | FOR_CHECK)
/* What reads the directory: the wizard, check and sweep. */
#define FOR_DIR (FOR_RUN | FOR_SWEEP)
#define FOR_ALL (FOR_DIR | FOR_SHOW | FOR_HELP | FOR_DIFF)

/* getopt_long's code for a long option: its index in the table, above any
 * byte a short option can be. */
#define LONG_BASE 256

/*
 * The options. To add one: a name in enum ew_opt, a row here, its case in
 * ew_options_parse and its entry in exwizard.1 (tests/unit/test_options.c
 * compares the table with the manual page).
 */
const struct ew_option ew_options[EW_NOPT] = {
	[EW_OPT_REALM] = { "realm", 'r', "REALM", FOR_DIR, 0, EW_GROUP_TARGET,
			   "default: default_realm of krb5.conf" },
	[EW_OPT_DOMAIN] = { "domain", 'd', "DOMAIN", FOR_DIR, 0, EW_GROUP_TARGET,
			    "AD DNS domain; default: the realm in lower case" },
	[EW_OPT_USER] = { "user", 'u', "NAME", FOR_RUN, 0, EW_GROUP_TARGET,
			  "sAMAccountName or UPN; default: the cache's principal" },
	[EW_OPT_EXCHANGE] = { "exchange", 'x', "FQDN", FOR_RUN, 0, EW_GROUP_TARGET,
			      "Exchange server, repeatable (front and back end)" },
	[EW_OPT_MOVER] = { "mover", 'm', "NAME", FOR_RUN, 0, EW_GROUP_TARGET,
			   "account that moved (or will move) the mailbox" },
	[EW_OPT_DC] = { "dc", 0, "HOST", FOR_DIR, 0, EW_GROUP_TARGET,
			"domain controller; default: located through DNS" },
	[EW_OPT_DNS_SERVER] = { "dns-server", 0, "IP[:PORT]", FOR_RUN, 0, EW_GROUP_TARGET,
				"also query this DNS server, repeatable" },
	[EW_OPT_CCACHE] = { "ccache", 0, "NAME", FOR_DIR, 0, EW_GROUP_TARGET,
			    "credential cache; default: KRB5CCNAME or the default" },
	[EW_OPT_KINIT] = { "kinit", 0, "PRINCIPAL", FOR_DIR, 0, EW_GROUP_TARGET,
			   "get a TGT into a private in-memory cache first" },
	[EW_OPT_SIMPLE_BIND] = { "simple-bind", 0, "DN", FOR_DIR, 0, EW_GROUP_TARGET,
				 "LDAP simple bind over StartTLS instead of Kerberos" },
	[EW_OPT_CA_FILE] = { "ca-file", 0, "FILE", FOR_DIR, 0, EW_GROUP_TARGET,
			     "CA certificates for StartTLS (default: ldap.conf)" },
	[EW_OPT_PASSWORD_FILE] = { "password-file", 0, "F", FOR_DIR,
				   (1ull << EW_OPT_KINIT) | (1ull << EW_OPT_SIMPLE_BIND),
				   EW_GROUP_TARGET,
				   "password for --kinit/--simple-bind (mode 0600)" },
	[EW_OPT_SYMPTOM] = { "symptom", 0, "ID", FOR_RUN, 0, EW_GROUP_TARGET,
			     "what the user saw, repeatable; see 'help symptoms'" },
	[EW_OPT_CLIENT_FILE] = { "client-file", 0, "FILE", FOR_RUN, 0, EW_GROUP_TARGET,
				 "the client's klist, ipconfig...; see 'help client'" },
	[EW_OPT_COMPARE] = { "compare", 0, "NAME", FOR_RUN, 0, EW_GROUP_TARGET,
			     "another user beside this one (\"works for the admin\")" },
	[EW_OPT_COMPARE_MOVER] = { "compare-mover", 0, "NAME", FOR_RUN, 1ull << EW_OPT_COMPARE,
				   EW_GROUP_TARGET, "account that moved that user's mailbox" },
	[EW_OPT_COMPARE_CCACHE] = { "compare-ccache", 0, "NAME", FOR_RUN, 1ull << EW_OPT_COMPARE,
				    EW_GROUP_TARGET, "credential cache with that user's tickets" },
	[EW_OPT_COMPARE_KINIT] = { "compare-kinit", 0, "PRINCIPAL", FOR_RUN,
				   1ull << EW_OPT_COMPARE, EW_GROUP_TARGET,
				   "get that user's TGT into a private cache first" },
	[EW_OPT_COMPARE_PASSWORD_FILE] = { "compare-password-file", 0, "F", FOR_RUN,
					   1ull << EW_OPT_COMPARE_KINIT, EW_GROUP_TARGET,
					   "password for --compare-kinit (mode 0600)" },
	[EW_OPT_TIMEOUT] = { "timeout", 0, "SECONDS", FOR_DIR, 0, EW_GROUP_NETWORK,
			     "wait per try for a server (default 2)" },
	[EW_OPT_TRIES] = { "tries", 0, "N", FOR_DIR, 0, EW_GROUP_NETWORK,
			   "tries per question (default 2)" },
	[EW_OPT_FLUSH] = { "flush", 0, NULL, FOR_CHECK, 0, EW_GROUP_NETWORK,
			   "allowed to flush local DNS caches" },
	[EW_OPT_BASE] = { "base", 0, "DN", FOR_SWEEP, 0, EW_GROUP_TARGET,
			  "only the users under this DN" },
	[EW_OPT_CAUSE] = { "cause", 0, "CAUSE", FOR_SWEEP, 0, EW_GROUP_TARGET,
			   "only this cause, repeatable" },
	[EW_OPT_TRANSCRIPT] = { "transcript", 'o', "FILE", FOR_DIR, 0, EW_GROUP_OUTPUT,
				"default: $XDG_STATE_HOME/exwizard/exwizard-HOST-TIME" },
	[EW_OPT_NO_TRANSCRIPT] = { "no-transcript", 0, NULL, FOR_DIR, 0, EW_GROUP_OUTPUT,
				   "keep no transcript" },
	[EW_OPT_JSON] = { "json", 0, NULL, FOR_CHECK | FOR_SHOW | FOR_SWEEP, 0, EW_GROUP_OUTPUT,
			  "JSON instead of text" },
	[EW_OPT_CSV] = { "csv", 0, NULL, FOR_SWEEP, 0, EW_GROUP_OUTPUT,
			 "CSV instead of text" },
	[EW_OPT_OUTPUT] = { "output", 0, "FILE", FOR_SWEEP, 0, EW_GROUP_OUTPUT,
			    "the report into FILE (-o FILE too)" },
	[EW_OPT_TEXT] = { "text", 0, NULL, FOR_SHOW, 0, EW_GROUP_OUTPUT,
			  "text, also on a terminal" },
	[EW_OPT_BRIEF] = { "brief", 0, NULL, FOR_SHOW, 0, EW_GROUP_OUTPUT,
			   "only the verdict and the causes, for a ticket" },
	[EW_OPT_ASCII] = { "ascii", 0, NULL, FOR_WIZARD | FOR_SHOW, 0, EW_GROUP_OUTPUT,
			   "ASCII line drawing" },
	[EW_OPT_NO_COLOR] = { "no-color", 0, NULL, FOR_WIZARD | FOR_SHOW, 0, EW_GROUP_OUTPUT,
			      "no colours (NO_COLOR is honoured too)" },
	[EW_OPT_HELP] = { "help", 'h', NULL, FOR_ALL, 0, EW_GROUP_NONE, NULL },
	[EW_OPT_VERSION] = { "version", 'V', NULL, FOR_ALL, 0, EW_GROUP_NONE, NULL },
};

_Static_assert(EW_NOPT <= 64, "ew_option.with is a mask of 64 options");

static const char *const group_title[] = {
	[EW_GROUP_TARGET] = "Target:",
	[EW_GROUP_NETWORK] = "Network:",
	[EW_GROUP_OUTPUT] = "Output:",
};

const char *const ew_cmd_names[] = {
	[EW_CMD_WIZARD] = "wizard",
	[EW_CMD_CHECK] = "check",
	[EW_CMD_SHOW] = "show",
	[EW_CMD_HELP] = "help",
	[EW_CMD_DIFF] = "diff",
	[EW_CMD_SWEEP] = "sweep",
};
const size_t ew_ncmds = sizeof(ew_cmd_names) / sizeof(ew_cmd_names[0]);

/* The column the usage text of an option starts at. */
#define USAGE_COLUMN 27

static void usage_option(FILE *fp, const struct ew_option *op)
{
	int n;

	if (op->letter)
		n = fprintf(fp, "  -%c, --%s", op->letter, op->name);
	else
		n = fprintf(fp, "      --%s", op->name);
	if (op->arg)
		n += fprintf(fp, " %s", op->arg);
	fprintf(fp, "%*s", n < USAGE_COLUMN - 1 ? USAGE_COLUMN - n : 2, "");
	/* The commands it applies to, when not the wizard and check alike. */
	if (op->applies != FOR_RUN && op->applies != FOR_DIR) {
		const char *sep = "(";

		for (size_t c = 0; c < ew_ncmds; c++)
			if (op->applies & (1u << c)) {
				fprintf(fp, "%s%s", sep, ew_cmd_names[c]);
				sep = ", ";
			}
		fputs(") ", fp);
	}
	fprintf(fp, "%s\n", op->usage);
}

void ew_usage(FILE *fp)
{
	fputs("Usage: exwizard [OPTIONS]                  the interactive wizard\n"
	      "       exwizard check [OPTIONS] [STEP...]  run steps; report on stdout\n"
	      "       exwizard show [--json|--text] FILE  a saved transcript: on a terminal in\n"
	      "                                           the wizard's views, else as text\n"
	      "       exwizard show --brief FILE          the verdict and causes, for a ticket\n"
	      "       exwizard diff OLD NEW               causes fixed, left, new between two\n"
	      "                                           transcripts or JSON reports\n"
	      "       exwizard sweep [--base DN] [--cause ID]... [--json|--csv] [-o FILE]\n"
	      "                                           every user of the domain, by cause\n"
	      "       exwizard help [TOPIC]               a help topic; without TOPIC, the list\n"
	      "       exwizard --version | --help\n"
	      "\n", fp);
	for (size_t g = EW_GROUP_TARGET; g <= EW_GROUP_OUTPUT; g++) {
		fprintf(fp, "%s\n", group_title[g]);
		for (size_t i = 0; i < EW_NOPT; i++)
			if (ew_options[i].group == g)
				usage_option(fp, &ew_options[i]);
	}
	/* The options without a note that the sweep takes too. */
	{
		int col = fprintf(fp, "\nThe sweep command also takes");
		const char *sep = ":";

		for (size_t i = 0; i < EW_NOPT; i++) {
			int w;

			if (ew_options[i].applies != FOR_DIR)
				continue;
			w = (int)strlen(ew_options[i].name) + 4;
			if (col + w > 78) {
				fprintf(fp, "%s\n ", sep);
				col = 1;
				sep = "";
			}
			col += fprintf(fp, "%s --%s", sep, ew_options[i].name);
			sep = ",";
		}
		fputs(".\n", fp);
	}
	fputs("\nSteps: ", fp);
	for (size_t i = 0; i < ew_nsteps; i++)
		fprintf(fp, "%s%s", i ? ", " : "", ew_steps[i].id);
	fputs("\nExit status of check: 0 nothing above info, 1 a warning, 2 a failure,\n"
	      "3 usage or configuration error, 4 nothing could run.\n"
	      "Exit status of sweep: 0 nothing found, 1 nothing found but not all checked,\n"
	      "2 problems found, 3 usage error, 4 nothing could be read.\n"
	      "Exit status of diff: 0 no cause remains, 1 a cause remains, 3 usage error\n"
	      "or different targets.\n"
	      "See exwizard(1) and 'exwizard help'.\n", fp);
}

int ew_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("exwizard: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'exwizard --help'.\n", stderr);
	return EW_EXIT_USAGE;
}

static void note_option(struct ew_opts *o, enum ew_opt id)
{
	int i;

	for (i = 0; i < o->nseen; i++)
		if (o->seen[i] == id)
			return;
	if (o->nseen < EW_NOPT)
		o->seen[o->nseen++] = id;
}

/* Whether option id was given. */
static int seen(const struct ew_opts *o, enum ew_opt id)
{
	for (int i = 0; i < o->nseen; i++)
		if (o->seen[i] == id)
			return 1;
	return 0;
}

/* The long options and the short-option string for getopt_long. */
static void getopt_tables(struct option *lo, char *shorts)
{
	size_t i, n = 0;

	shorts[n++] = ':';
	for (i = 0; i < EW_NOPT; i++) {
		lo[i].name = ew_options[i].name;
		lo[i].has_arg = ew_options[i].arg ? required_argument : no_argument;
		lo[i].flag = NULL;
		lo[i].val = LONG_BASE + (int)i;
		if (ew_options[i].letter) {
			shorts[n++] = ew_options[i].letter;
			if (ew_options[i].arg)
				shorts[n++] = ':';
		}
	}
	memset(&lo[EW_NOPT], 0, sizeof(lo[EW_NOPT]));
	shorts[n] = '\0';
}

/*
 * getopt_long's complaint, in words: c is ':' (a value is missing) or '?'
 * (unknown, or a value given to an option that takes none); optopt is then
 * the short option, a long option's code (LONG_BASE and up), or 0 for an unknown
 * long option. A long option is named as the user typed it (--realm, not
 * -r), and the user's text is shown cleaned.
 */
static int bad_option(int c, const char *arg)
{
	char name[64], *clean;
	int rc;

	if (strncmp(arg, "--", 2) == 0 || optopt <= 0 || optopt >= LONG_BASE)
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
	else if (isgraph(optopt))
		snprintf(name, sizeof(name), "-%c", optopt);
	else
		snprintf(name, sizeof(name), "-\\x%02x", (unsigned)optopt);
	clean = ew_text_cleanz(name);
	if (c != ':' && optopt == 0 && strncmp(name, "--", 2) == 0 && name[2]) {
		char list[256] = "";
		size_t i, n = 0, used = 0;

		for (i = 0; i < EW_NOPT; i++) {
			if (strncmp(ew_options[i].name, name + 2, strlen(name + 2)) != 0)
				continue;
			n++;
			if (used < sizeof(list))
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s--%s",
							 used ? ", " : "", ew_options[i].name);
		}
		if (n > 1) {
			rc = ew_usage_error("option %s is ambiguous: %s", clean ? clean : "?", list);
			free(clean);
			return rc;
		}
	}
	if (c == ':')
		rc = ew_usage_error("option %s needs a value", clean ? clean : "?");
	else if (optopt >= LONG_BASE)
		rc = ew_usage_error("option %s takes no value", clean ? clean : "?");
	else
		rc = ew_usage_error("unknown option %s", clean ? clean : "?");
	free(clean);
	return rc;
}

/* The option getopt_long returned as c, or -1 for its complaint. */
static int option_id(int c)
{
	if (c >= LONG_BASE && c < LONG_BASE + EW_NOPT)
		return c - LONG_BASE;
	for (int i = 0; i < EW_NOPT; i++)
		if (ew_options[i].letter && ew_options[i].letter == c)
			return i;
	return -1;
}

int ew_options_parse(int argc, char **argv, struct ew_opts *o)
{
	struct option long_options[EW_NOPT + 1];
	char shorts[2 + 2 * EW_NOPT], err[256], name[32];
	const char *dash_o = NULL;
	int c, id, rc;

	getopt_tables(long_options, shorts);
	/* Our own messages, with the option named. optind = 0: glibc starts
	 * afresh (argument order, a half-read "-abc"), so a second call in the
	 * same process (the fuzzer) sees no state of the first. */
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, shorts, long_options, NULL)) != -1) {
		id = option_id(c);
		if (id < 0)
			return bad_option(c, argv[optind - 1]);
		rc = 0;
		err[0] = '\0';
		snprintf(name, sizeof(name), "--%s", ew_options[id].name);
		switch ((enum ew_opt)id) {
		case EW_OPT_REALM: rc = ew_target_set_realm(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_DOMAIN: rc = ew_target_set_domain(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_USER: rc = ew_target_set_user(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_EXCHANGE: rc = ew_target_add_exchange(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_MOVER: rc = ew_target_set_mover(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_DC: rc = ew_target_set_dc(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_DNS_SERVER: rc = ew_target_add_dns_server(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_CCACHE: rc = ew_target_set_ccache(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_SYMPTOM: rc = ew_target_add_symptom(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_CLIENT_FILE: {
			int k;

			if (o->nclient_files >= EW_TARGET_MAX_LIST) {
				snprintf(err, sizeof(err), "at most %d client files", EW_TARGET_MAX_LIST);
				rc = -1;
			} else if (*optarg == '\0') {
				snprintf(err, sizeof(err), "an empty file name");
				rc = -1;
			} else {
				for (k = 0; k < o->nclient_files; k++)
					if (strcmp(optarg, "-") == 0 && strcmp(o->client_files[k], "-") == 0)
						break;
				if (k < o->nclient_files) {
					snprintf(err, sizeof(err), "standard input (-) given twice");
					rc = -1;
				} else {
					o->client_files[o->nclient_files++] = optarg;
				}
			}
			break;
		}
		case EW_OPT_COMPARE: rc = ew_target_set_compare(o->target, optarg, err, sizeof(err)); break;
		case EW_OPT_COMPARE_MOVER:
			rc = ew_target_set_compare_mover(o->target, optarg, err, sizeof(err));
			break;
		case EW_OPT_COMPARE_CCACHE:
			rc = ew_target_set_compare_ccache(o->target, optarg, err, sizeof(err));
			break;
		case EW_OPT_COMPARE_KINIT: {
			const char *why;

			if (!ew_valid_account(optarg, &why))
				return ew_usage_error("--compare-kinit: invalid principal: %s", why);
			o->compare_kinit = optarg;
			break;
		}
		case EW_OPT_COMPARE_PASSWORD_FILE:
			if (*optarg == '\0')
				return ew_usage_error("--compare-password-file: empty file name");
			o->compare_password_file = optarg;
			break;
		case EW_OPT_TRANSCRIPT:
			if (*optarg == '\0')
				return ew_usage_error("%s: empty file name", c == 'o' ? "-o" :
						      "--transcript");
			/* -o: the sweep's report, else the transcript (the
			 * command is known only at the end) */
			if (c == 'o')
				dash_o = optarg;
			else
				o->transcript = optarg;
			break;
		case EW_OPT_OUTPUT:
			if (*optarg == '\0')
				return ew_usage_error("--output: empty file name");
			o->output = optarg;
			break;
		case EW_OPT_CSV: o->csv = 1; break;
		case EW_OPT_BASE:
			if (*optarg == '\0' || strlen(optarg) > 1024 ||
			    !ew_text_is_clean(optarg, strlen(optarg)) || !strchr(optarg, '='))
				return ew_usage_error("--base: give a DN, such as "
						      "OU=Sales,DC=example,DC=com");
			o->base = optarg;
			break;
		case EW_OPT_CAUSE:
			if (!ew_sweep_cause_known(optarg)) {
				char *clean = ew_text_cleanz(optarg);
				struct ew_buf b = { 0 };

				ew_buf_list(&b, ew_sweep_causes, ew_sweep_ncauses, " or ");
				rc = ew_usage_error("--cause %s: a sweep decides %s", clean ? clean :
						    "?", b.data ? b.data : "");
				ew_buf_reset(&b);
				free(clean);
				return rc;
			}
			if (o->ncauses < (int)(sizeof(o->causes) / sizeof(o->causes[0])))
				o->causes[o->ncauses++] = optarg;
			break;
		case EW_OPT_NO_TRANSCRIPT: o->no_transcript = 1; break;
		case EW_OPT_JSON: o->json = 1; break;
		case EW_OPT_FLUSH: o->flush = 1; break;
		case EW_OPT_TIMEOUT: {
			char *end;
			double s = strtod(optarg, &end);

			if (end == optarg || *end != '\0' || !(s >= 0.05 && s <= 60))
				return ew_usage_error("--timeout: give seconds from 0.05 to 60");
			o->timeout_ms = (int)(s * 1000 + 0.5);
			break;
		}
		case EW_OPT_KINIT: {
			const char *why;

			if (!ew_valid_account(optarg, &why))
				return ew_usage_error("--kinit: invalid principal: %s", why);
			o->kinit = optarg;
			break;
		}
		case EW_OPT_SIMPLE_BIND:
			if (*optarg == '\0' || strlen(optarg) > 1024 ||
			    !ew_text_is_clean(optarg, strlen(optarg)))
				return ew_usage_error("--simple-bind: give the DN of the account");
			o->simple_bind = optarg;
			break;
		case EW_OPT_ASCII: o->ascii = 1; break;
		case EW_OPT_NO_COLOR: o->no_color = 1; break;
		case EW_OPT_TEXT: o->text = 1; break;
		case EW_OPT_BRIEF: o->brief = 1; break;
		case EW_OPT_CA_FILE:
			if (access(optarg, R_OK) != 0)
				return ew_usage_error("--ca-file %s: %s", optarg, strerror(errno));
			o->ca_file = optarg;
			break;
		case EW_OPT_PASSWORD_FILE:
			if (*optarg == '\0')
				return ew_usage_error("--password-file: empty file name");
			o->password_file = optarg;
			break;
		case EW_OPT_TRIES: {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (end == optarg || *end != '\0' || n < 1 || n > 5)
				return ew_usage_error("--tries: give a number from 1 to 5");
			o->tries = (int)n;
			break;
		}
		case EW_OPT_HELP:
			ew_usage(stdout);
			return 0;
		case EW_OPT_VERSION:
			printf("exwizard %s\n", EW_VERSION);
			return 0;
		case EW_NOPT:
			break;
		}
		if (rc != 0)
			return ew_usage_error("%s: %s", name, err);
		note_option(o, (enum ew_opt)id);
	}
	o->cmd = EW_CMD_WIZARD;
	if (optind < argc) {
		const char *sub = argv[optind];

		if (strcmp(sub, "check") == 0)
			o->cmd = EW_CMD_CHECK;
		else if (strcmp(sub, "show") == 0)
			o->cmd = EW_CMD_SHOW;
		else if (strcmp(sub, "help") == 0)
			o->cmd = EW_CMD_HELP;
		else if (strcmp(sub, "diff") == 0)
			o->cmd = EW_CMD_DIFF;
		else if (strcmp(sub, "sweep") == 0)
			o->cmd = EW_CMD_SWEEP;
		else
		{
			char *clean = ew_text_cleanz(sub);
			int rc2 = ew_usage_error("unknown command '%s' (commands: check, show, diff, sweep, help)",
						 clean ? clean : "?");

			free(clean);
			return rc2;
		}
		optind++;
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	/* -o names the sweep's report, the others' transcript */
	if (dash_o && o->cmd == EW_CMD_SWEEP) {
		if (o->output)
			return ew_usage_error("-o and --output: give one of them");
		o->output = dash_o;
		for (c = 0; c < o->nseen; c++)
			if (o->seen[c] == EW_OPT_TRANSCRIPT && o->transcript == NULL)
				o->seen[c] = EW_OPT_OUTPUT;
	} else if (dash_o) {
		o->transcript = dash_o;
	}
	for (c = 0; c < o->nseen; c++)
		if (!(ew_options[o->seen[c]].applies & (1u << o->cmd)))
			return ew_usage_error("option --%s does not apply to %s",
					      ew_options[o->seen[c]].name,
					      o->cmd == EW_CMD_WIZARD ? "the wizard" : ew_cmd_names[o->cmd]);
	/* An option that goes with others: one of them is given too. */
	for (c = 0; c < o->nseen; c++) {
		const struct ew_option *op = &ew_options[o->seen[c]];
		char list[256] = "";
		size_t used = 0;
		int found = 0;

		if (op->with == 0)
			continue;
		for (id = 0; id < EW_NOPT; id++) {
			if (!(op->with & (1ull << id)))
				continue;
			found |= seen(o, (enum ew_opt)id);
			if (used < sizeof(list))
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s--%s",
							 used ? " or " : "", ew_options[id].name);
		}
		if (!found)
			return ew_usage_error("--%s goes with %s", op->name, list);
	}
	if (o->target->compare_ccache && o->compare_kinit)
		return ew_usage_error("--compare-ccache and --compare-kinit: give one of them");
	if (o->compare_kinit && !ew_same_account(o->target->compare, o->compare_kinit, NULL))
		return ew_usage_error("--compare-kinit %s is not --compare %s: the tickets must be "
				      "that user's own", o->compare_kinit, o->target->compare);
	if (o->target->compare && o->target->user &&
	    ew_same_account(o->target->user, o->target->compare, NULL))
		return ew_usage_error("--compare %s is the user itself: give another account, "
				      "one for whom it works", o->target->compare);
	return -1;
}
