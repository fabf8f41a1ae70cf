/*
 * The command line: the options, checked for syntax as they are read, the
 * subcommand, and whether each option applies to it. Our own messages, with
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
#include "target.h"
#include "text.h"
#include "version.h"

/* Which subcommands an option applies to. */
#define FOR_WIZARD (1u << CMD_WIZARD)
#define FOR_CHECK (1u << CMD_CHECK)
#define FOR_SHOW (1u << CMD_SHOW)
#define FOR_RUN (FOR_WIZARD | FOR_CHECK)

enum {
	OPT_DC = 256,
	OPT_DNS_SERVER,
	OPT_CCACHE,
	OPT_NO_TRANSCRIPT,
	OPT_JSON,
	OPT_FLUSH,
	OPT_TIMEOUT,
	OPT_TRIES,
	OPT_KINIT,
	OPT_SIMPLE_BIND,
	OPT_ASCII,
	OPT_TEXT,
	OPT_NO_COLOR,
	OPT_CA_FILE,
	OPT_PASSWORD_FILE,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "realm", required_argument, NULL, 'r' },
	{ "domain", required_argument, NULL, 'd' },
	{ "user", required_argument, NULL, 'u' },
	{ "exchange", required_argument, NULL, 'x' },
	{ "mover", required_argument, NULL, 'm' },
	{ "dc", required_argument, NULL, OPT_DC },
	{ "dns-server", required_argument, NULL, OPT_DNS_SERVER },
	{ "ccache", required_argument, NULL, OPT_CCACHE },
	{ "transcript", required_argument, NULL, 'o' },
	{ "no-transcript", no_argument, NULL, OPT_NO_TRANSCRIPT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "flush", no_argument, NULL, OPT_FLUSH },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "tries", required_argument, NULL, OPT_TRIES },
	{ "kinit", required_argument, NULL, OPT_KINIT },
	{ "simple-bind", required_argument, NULL, OPT_SIMPLE_BIND },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void ew_usage(FILE *fp)
{
	fputs("Usage: exwizard [OPTIONS]                  the interactive wizard\n"
	      "       exwizard check [OPTIONS] [STEP...]  run steps; report on stdout\n"
	      "       exwizard show [--json|--text] FILE  a saved transcript: on a terminal in\n"
	      "                                           the wizard's views, else as text\n"
	      "       exwizard help [TOPIC]               a help topic; without TOPIC, the list\n"
	      "       exwizard --version | --help\n"
	      "\n"
	      "Target:\n"
	      "  -r, --realm REALM        default: default_realm of krb5.conf\n"
	      "  -d, --domain DOMAIN      AD DNS domain; default: the realm in lower case\n"
	      "  -u, --user NAME          sAMAccountName or UPN; default: the cache's principal\n"
	      "  -x, --exchange FQDN      Exchange server, repeatable (front and back end)\n"
	      "  -m, --mover NAME         account that moved (or will move) the mailbox\n"
	      "      --dc HOST            domain controller; default: located through DNS\n"
	      "      --dns-server IP[:PORT]  also query this DNS server, repeatable\n"
	      "      --ccache NAME        credential cache; default: KRB5CCNAME or the default\n"
	      "      --kinit PRINCIPAL    get a TGT into a private in-memory cache first\n"
	      "      --simple-bind DN     LDAP simple bind over StartTLS instead of Kerberos\n"
	      "      --ca-file FILE       CA certificates for StartTLS (default: ldap.conf)\n"
	      "      --password-file F    password for --kinit/--simple-bind (mode 0600)\n"
	      "Network:\n"
	      "      --timeout SECONDS    wait per try for a server (default 2)\n"
	      "      --tries N            tries per question (default 2)\n"
	      "      --flush              (check) allowed to flush local DNS caches\n"
	      "Output:\n"
	      "  -o, --transcript FILE    default: $XDG_STATE_HOME/exwizard/"
	      "exwizard-HOST-TIME.jsonl\n"
	      "      --no-transcript      keep no transcript\n"
	      "      --json               (check, show) JSON instead of text\n"
	      "      --ascii              (wizard) ASCII line drawing\n"
	      "      --no-color           (wizard) no colours (NO_COLOR is honoured too)\n"
	      "\n"
	      "Steps: ", fp);
	for (size_t i = 0; i < ew_nsteps; i++)
		fprintf(fp, "%s%s", i ? ", " : "", ew_steps[i].id);
	fputs("\nExit status of check: 0 nothing above info, 1 a warning, 2 a failure,\n"
	      "3 usage or configuration error, 4 nothing could run.\n"
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

static void note_option(struct opts *o, const char *name, unsigned mask)
{
	int i;

	for (i = 0; i < o->nseen; i++)
		if (o->seen_name[i] == name)
			return;
	if (o->nseen < (int)(sizeof(o->seen_name) / sizeof(o->seen_name[0]))) {
		o->seen_name[o->nseen] = name;
		o->seen_for[o->nseen++] = mask;
	}
}

/*
 * getopt_long's complaint, in words: c is ':' (a value is missing) or '?'
 * (unknown, or a value given to an option that takes none); optopt is then
 * the short option, a long option's code (256 and up), or 0 for an unknown
 * long option. A long option is named as the user typed it (--realm, not
 * -r), and the user's text is shown cleaned.
 */
static int bad_option(int c, const char *arg)
{
	char name[64], *clean;
	int rc;

	if (strncmp(arg, "--", 2) == 0 || optopt <= 0 || optopt >= 256)
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
	else if (isgraph(optopt))
		snprintf(name, sizeof(name), "-%c", optopt);
	else
		snprintf(name, sizeof(name), "-\\x%02x", (unsigned)optopt);
	clean = ew_text_cleanz(name);
	if (c != ':' && optopt == 0 && strncmp(name, "--", 2) == 0 && name[2]) {
		char list[256] = "";
		size_t i, n = 0, used = 0;

		for (i = 0; long_options[i].name; i++) {
			if (strncmp(long_options[i].name, name + 2, strlen(name + 2)) != 0)
				continue;
			n++;
			if (used < sizeof(list))
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s--%s",
							 used ? ", " : "", long_options[i].name);
		}
		if (n > 1) {
			rc = ew_usage_error("option %s is ambiguous: %s", clean ? clean : "?", list);
			free(clean);
			return rc;
		}
	}
	if (c == ':')
		rc = ew_usage_error("option %s needs a value", clean ? clean : "?");
	else if (optopt >= 256)
		rc = ew_usage_error("option %s takes no value", clean ? clean : "?");
	else
		rc = ew_usage_error("unknown option %s", clean ? clean : "?");
	free(clean);
	return rc;
}

int ew_options_parse(int argc, char **argv, struct opts *o)
{
	char err[256];
	const char *name;
	unsigned mask;
	int c, rc;

	/* Our own messages, with the option named. optind = 0: glibc starts
	 * afresh (argument order, a half-read "-abc"), so a second call in the
	 * same process (the fuzzer) sees no state of the first. */
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":r:d:u:x:m:o:hV", long_options, NULL)) != -1) {
		rc = 0;
		err[0] = '\0';
		mask = FOR_RUN;
		name = NULL;
		switch (c) {
		case 'r': name = "--realm"; rc = ew_target_set_realm(o->target, optarg, err, sizeof(err)); break;
		case 'd': name = "--domain"; rc = ew_target_set_domain(o->target, optarg, err, sizeof(err)); break;
		case 'u': name = "--user"; rc = ew_target_set_user(o->target, optarg, err, sizeof(err)); break;
		case 'x': name = "--exchange"; rc = ew_target_add_exchange(o->target, optarg, err, sizeof(err)); break;
		case 'm': name = "--mover"; rc = ew_target_set_mover(o->target, optarg, err, sizeof(err)); break;
		case OPT_DC: name = "--dc"; rc = ew_target_set_dc(o->target, optarg, err, sizeof(err)); break;
		case OPT_DNS_SERVER: name = "--dns-server"; rc = ew_target_add_dns_server(o->target, optarg, err, sizeof(err)); break;
		case OPT_CCACHE: name = "--ccache"; rc = ew_target_set_ccache(o->target, optarg, err, sizeof(err)); break;
		case 'o':
			name = "--transcript";
			if (*optarg == '\0')
				return ew_usage_error("--transcript: empty file name");
			o->transcript = optarg;
			break;
		case OPT_NO_TRANSCRIPT: name = "--no-transcript"; o->no_transcript = 1; break;
		case OPT_JSON: name = "--json"; mask = FOR_CHECK | FOR_SHOW; o->json = 1; break;
		case OPT_FLUSH: name = "--flush"; mask = FOR_CHECK; o->flush = 1; break;
		case OPT_TIMEOUT: {
			char *end;
			double s = strtod(optarg, &end);

			name = "--timeout";
			if (end == optarg || *end != '\0' || !(s >= 0.05 && s <= 60))
				return ew_usage_error("--timeout: give seconds from 0.05 to 60");
			o->timeout_ms = (int)(s * 1000 + 0.5);
			break;
		}
		case OPT_KINIT: {
			const char *why;

			name = "--kinit";
			mask = FOR_RUN;
			if (!ew_valid_account(optarg, &why))
				return ew_usage_error("--kinit: invalid principal: %s", why);
			o->kinit = optarg;
			break;
		}
		case OPT_SIMPLE_BIND:
			name = "--simple-bind";
			if (*optarg == '\0' || strlen(optarg) > 1024 ||
			    !ew_text_is_clean(optarg, strlen(optarg)))
				return ew_usage_error("--simple-bind: give the DN of the account");
			o->simple_bind = optarg;
			break;
		case OPT_ASCII: name = "--ascii"; mask = FOR_WIZARD | FOR_SHOW; o->ascii = 1; break;
		case OPT_NO_COLOR:
			name = "--no-color";
			mask = FOR_WIZARD | FOR_SHOW;
			o->no_color = 1;
			break;
		case OPT_TEXT: name = "--text"; mask = FOR_SHOW; o->text = 1; break;
		case OPT_CA_FILE:
			name = "--ca-file";
			if (access(optarg, R_OK) != 0)
				return ew_usage_error("--ca-file %s: %s", optarg, strerror(errno));
			o->ca_file = optarg;
			break;
		case OPT_PASSWORD_FILE:
			name = "--password-file";
			if (*optarg == '\0')
				return ew_usage_error("--password-file: empty file name");
			o->password_file = optarg;
			break;
		case OPT_TRIES: {
			char *end;
			long n = strtol(optarg, &end, 10);

			name = "--tries";
			if (end == optarg || *end != '\0' || n < 1 || n > 5)
				return ew_usage_error("--tries: give a number from 1 to 5");
			o->tries = (int)n;
			break;
		}
		case 'h':
		case OPT_HELP:
			ew_usage(stdout);
			return 0;
		case 'V':
		case OPT_VERSION:
			printf("exwizard %s\n", EW_VERSION);
			return 0;
		case ':':
		default:
			return bad_option(c, argv[optind - 1]);
		}
		if (rc != 0)
			return ew_usage_error("%s: %s", name, err);
		note_option(o, name, mask);
	}
	o->cmd = CMD_WIZARD;
	if (optind < argc) {
		const char *sub = argv[optind];

		if (strcmp(sub, "check") == 0)
			o->cmd = CMD_CHECK;
		else if (strcmp(sub, "show") == 0)
			o->cmd = CMD_SHOW;
		else if (strcmp(sub, "help") == 0)
			o->cmd = CMD_HELP;
		else
		{
			char *clean = ew_text_cleanz(sub);
			int rc2 = ew_usage_error("unknown command '%s' (commands: check, show, help)",
						 clean ? clean : "?");

			free(clean);
			return rc2;
		}
		optind++;
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	for (c = 0; c < o->nseen; c++)
		if (!(o->seen_for[c] & (1u << o->cmd)))
			return ew_usage_error("option %s does not apply to %s", o->seen_name[c],
					      o->cmd == CMD_WIZARD ? "the wizard" :
					      o->cmd == CMD_CHECK ? "check" :
					      o->cmd == CMD_SHOW ? "show" : "help");
	return -1;
}
