/*
 * The command line: exwizard [OPTIONS], check, show, help, --help, --version.
 * Parses and validates what the user typed, then hands over to core (the
 * steps, the report, the transcript) and prints the result.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "help.h"
#include "directory.h"
#include "krb.h"
#include "options.h"
#include "report.h"
#include "login.h"
#include "secret.h"
#include "step.h"
#include "target.h"
#include "text.h"
#include "transcript.h"
#include "transcriptread.h"
#include "version.h"
#include "wizard.h"

/* At the end, for the threads that use the libraries and still run. */
#define EXIT_WAIT_MS 2000

/* Set by SIGINT/SIGTERM/SIGHUP, read by the UI and by every step's threads:
 * a lock-free atomic, which a signal handler may store to. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int is not lock-free");
static atomic_int cancel_flag;

/* Whether a help topic is the topic of a check (listed from the catalogue). */
static int is_check_topic(const char *name)
{
	size_t i;

	for (i = 0; i < ew_nchecks; i++)
		if (strcasecmp(ew_checks[i].help, name) == 0)
			return 1;
	return 0;
}

static int cmd_help(const struct opts *o)
{
	const struct ew_help_topic *t;
	char title[160];
	size_t i;

	if (o->nargs > 1)
		return ew_usage_error("help takes one topic");
	if (o->nargs == 0) {
		/* Guides and steps first, then the checks of the catalogue. */
		puts("Help topics (exwizard help TOPIC):");
		for (i = 0; i < ew_help_ntopics; i++) {
			if (is_check_topic(ew_help_topics[i].name))
				continue;
			ew_help_title(&ew_help_topics[i], title, sizeof(title));
			printf("  %-16s %s\n", ew_help_topics[i].name, title);
		}
		for (i = 0; i < ew_nchecks; i++)
			printf("  %-16s %s\n", ew_checks[i].help, ew_checks[i].title);
		return 0;
	}
	t = ew_help_find(o->args[0]);
	if (t == NULL) {
		char *clean = ew_text_cleanz(o->args[0]);

		ew_usage_error("no help topic '%s'; 'exwizard help' lists them",
			       clean ? clean : "?");
		free(clean);
		return EW_EXIT_USAGE;
	}
	fputs(t->text, stdout);
	return 0;
}

static int print_report(const struct ew_report *r, int json)
{
	char *text;

	if (json) {
		json_t *j = ew_report_to_json(r);

		text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(j);
	} else {
		text = ew_report_to_text(r, 80);
	}
	if (text == NULL) {
		fputs("exwizard: out of memory\n", stderr);
		return -1;
	}
	fputs(text, stdout);
	if (json)
		fputc('\n', stdout);
	free(text);
	if (fflush(stdout) != 0) {
		int e = errno;

		fprintf(stderr, "exwizard: writing the report: %s\n", strerror(e));
		errno = e;	/* the caller tells EPIPE apart */
		return -1;
	}
	return 0;
}

static int cmd_show(const struct opts *o)
{
	struct ew_report *r;
	char err[512];
	int rc;

	if (o->nargs != 1)
		return ew_usage_error("show takes one transcript file");
	r = ew_transcript_read(o->args[0], err, sizeof(err));
	if (r == NULL) {
		char *clean = ew_text_cleanz(err);

		fprintf(stderr, "exwizard: %s\n", clean ? clean : "cannot read the transcript");
		free(clean);
		return EW_EXIT_USAGE;
	}
	if (!o->json && !o->text && isatty(0) && isatty(1)) {
		/* On a terminal: the same views as the wizard, read-only. */
		struct ew_target *none = ew_target_new();
		struct ew_run run = {0};
		struct ew_report *scratch = ew_report_new(EW_VERSION, NULL);
		struct ew_wizard w = { &run, scratch, o->args[0], o->ascii,
				       !o->no_color && getenv("NO_COLOR") == NULL, &cancel_flag, r };

		run.target = none;
		rc = none && scratch && ew_wizard_run(&w) == 0 ? 0 : EW_EXIT_USAGE;
		ew_report_free(&scratch);
		ew_target_free(&none);
		ew_report_free(&r);
		return rc;
	}
	rc = print_report(r, o->json) == 0 ? 0 : EW_EXIT_USAGE;
	ew_report_free(&r);
	return rc;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cancel_flag, 1);
}

static struct ew_transcript *open_transcript(const struct opts *o, struct ew_report *r,
					     int *exitcode)
{
	struct ew_transcript *t = NULL;
	char err[512];

	*exitcode = -1;
	if (o->no_transcript)
		return NULL;
	if (o->transcript) {
		if (ew_transcript_open(o->transcript, &t, err, sizeof(err)) != 0) {
			fprintf(stderr, "exwizard: transcript: %s\n", err);
			*exitcode = EW_EXIT_USAGE;
		}
		return t;
	}
	if (ew_transcript_open_default(&t, err, sizeof(err)) == 0)
		return t;
	/* The diagnosis matters more than the record of it: go on without. */
	fprintf(stderr, "exwizard: no transcript: %s\n", err);
	ew_report_add_note(r, "No transcript was written: %s", err);
	return NULL;
}

/*
 * --kinit: a TGT into a private in-memory cache, which the steps then use.
 * The password comes from --password-file or the terminal; it is wiped as
 * soon as the KDC has answered.
 */
static int do_kinit(struct opts *o, char *ccname, size_t len)
{
	struct ew_secret pw = {0};
	char err[512], principal[600], prompt[700];

	ew_login_principal(o->target, o->kinit, principal, sizeof(principal));
	snprintf(prompt, sizeof(prompt), "Password for %s: ", principal);
	if (ew_login_password(&pw, o->password_file, prompt, err, sizeof(err)) != 0) {
		fprintf(stderr, "exwizard: --kinit: %s\n", err);
		return EW_EXIT_USAGE;
	}
	if (ew_login_kinit(principal, &pw, o->timeout_ms, o->tries, NULL, ccname, len, err,
			   sizeof(err)) != 0) {
		fprintf(stderr, "exwizard: --kinit %s: %s\n", principal, err);
		return EW_EXIT_USAGE;
	}
	/* With --simple-bind as well, its line stays (it was read first). */
	if (ew_login_use_cache(o->target, principal, ccname, 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "exwizard: --kinit: %s\n", err);
		return EW_EXIT_USAGE;
	}
	return -1;
}

/* --simple-bind: the password, kept (locked) for the steps' binds. */
static int read_bind_password(struct opts *o)
{
	char err[512], prompt[1200];

	snprintf(prompt, sizeof(prompt), "LDAP password for %s: ", o->simple_bind);
	if (ew_login_password(&o->bind_pw, o->password_file, prompt, err, sizeof(err)) != 0) {
		fprintf(stderr, "exwizard: --simple-bind: %s\n", err);
		return EW_EXIT_USAGE;
	}
	if (ew_login_use_simple(o->target, o->simple_bind, 1) != 0) {
		fputs("exwizard: out of memory\n", stderr);
		return EW_EXIT_USAGE;
	}
	return -1;
}

#define EW_MAX_TODO 64

/* The target step's result: the report's target, and whether it failed (a
 * configuration error). */
static int took_target(const struct opts *o, struct ew_report *r, struct ew_transcript *t,
		       const struct ew_step_result *res)
{
	size_t k;
	int bad = 0;

	/* A target step stopped by a signal settled nothing: no verdict on it. */
	for (k = 0; k < res->nfindings && res->status != EW_ST_CANCELLED; k++)
		if (res->findings[k]->severity == EW_FAIL)
			bad = 1;
	json_decref(r->target);
	r->target = ew_target_to_json(o->target);
	if (t)
		ew_transcript_event(t, "input", json_pack("{s:s, s:O}", "source", "defaults",
							  "target", r->target));
	return bad;
}

static int run_steps(const struct opts *o, int wizard)
{
	const struct ew_step *todo[EW_MAX_TODO];
	struct ew_transcript *t = NULL;
	struct ew_report *r = NULL;
	struct ew_run run = {0};
	struct sigaction sa;
	char host[256] = "";
	size_t n = 0, i;
	int rc, code, config_error = 0;
	json_t *steps;

	/* The target step always runs first: the others need what it resolves. */
	todo[n++] = ew_step_find("target");
	for (i = 0; i < (size_t)o->nargs; i++) {
		const struct ew_step *s = ew_step_find(o->args[i]);
		size_t k;
		int dup = 0;

		if (s == NULL) {
			char *clean = ew_text_cleanz(o->args[i]);

			ew_usage_error("unknown step '%s'", clean ? clean : "?");
			free(clean);
			return EW_EXIT_USAGE;
		}
		for (k = 0; k < n; k++)
			dup |= todo[k] == s;
		if (!dup && n < sizeof(todo) / sizeof(todo[0]))
			todo[n++] = s;
	}
	if (o->nargs == 0)
		for (i = 0; i < ew_nsteps; i++)
			if (ew_steps[i].run && &ew_steps[i] != todo[0])
				todo[n++] = &ew_steps[i];

	/* The tickets, groups and mailbox steps read the directory. */
	for (i = 0; i < n; i++)
		if (wizard || (strcmp(todo[i]->id, "target") != 0 &&
			       strcmp(todo[i]->id, "dns") != 0)) {
			ew_dir_warm_up();
			break;
		}
	gethostname(host, sizeof(host) - 1);
	r = ew_report_new(EW_VERSION, host);
	if (r == NULL) {
		fputs("exwizard: out of memory\n", stderr);
		return EW_EXIT_USAGE;
	}
	{
		char now[40];

		ew_time_iso(now, sizeof(now));
		r->started = strdup(now);
	}
	t = open_transcript(o, r, &code);
	if (code >= 0) {
		ew_report_free(&r);
		return code;
	}
	if (t)
		r->transcript = strdup(ew_transcript_path(t));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;	/* a second signal ends the program */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	run.target = o->target;
	run.transcript = t;
	run.cancel = &cancel_flag;
	run.timeout_ms = o->timeout_ms ? o->timeout_ms : 2000;
	run.tries = o->tries ? o->tries : 2;
	run.flags = o->flush ? EW_RUN_FLUSH : 0;
	run.bind_dn = o->simple_bind;
	run.bind_password = o->simple_bind ? o->bind_pw.buf : NULL;
	run.ca_file = o->ca_file;

	steps = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(steps, json_string(todo[i]->id));
	if (t) {
		ew_transcript_event(t, "session",
				    json_pack("{s:s, s:s, s:s, s:o, s:o}", "version", EW_VERSION,
					      "host", r->host ? r->host : "", "command", "check",
					      "steps", steps, "target",
					      ew_target_to_json(o->target)));
		ew_transcript_sync(t);
	} else {
		json_decref(steps);
	}

	if (wizard) {
		struct ew_wizard w = { &run, r, r->transcript, o->ascii,
				       !o->no_color && getenv("NO_COLOR") == NULL, &cancel_flag, NULL };

		/* The wizard runs the steps itself; the report holds what it ran. */
		if (ew_wizard_run(&w) != 0)
			fputs("exwizard: the terminal could not be set up\n", stderr);
		n = 0;
	}
	/*
	 * The target step first: the others need what it resolves. Then, with
	 * --flush, the DNS step (the others then see the flushed caches). Then
	 * every other step at once: none needs another's result, and over a
	 * slow link the run takes as long as the longest step, not their sum.
	 */
	for (i = 0; i < n && !atomic_load(&cancel_flag) && !config_error; ) {
		struct ew_step_result *res[EW_MAX_TODO] = { NULL };
		size_t batch = 1, k;

		if (i > 0 && !(o->flush && strcmp(todo[i]->id, "dns") == 0))
			while (i + batch < n && !(o->flush && strcmp(todo[i + batch]->id, "dns") == 0))
				batch++;
		if (batch == 1)
			res[0] = ew_step_execute(todo[i], &run);
		else
			ew_steps_execute_parallel(todo + i, batch, &run, res);
		for (k = 0; k < batch; k++) {
			if (res[k] == NULL) {
				fputs("exwizard: out of memory\n", stderr);
				continue;
			}
			if (strcmp(todo[i + k]->id, "target") == 0)
				config_error |= took_target(o, r, t, res[k]);
			ew_report_add_step(r, res[k]);
		}
		i += batch;
	}
	if (atomic_load(&cancel_flag))
		ew_report_add_note(r, "Stopped by a signal before every step had run.");
	else if (config_error && i < n)
		ew_report_add_note(r, "The other steps were not run: the target above cannot be "
				   "diagnosed as given.");

	rc = config_error ? EW_EXIT_USAGE : ew_report_exit_code(r);
	if (t) {
		json_t *j = ew_report_to_json(r);

		ew_transcript_event(t, "end",
				    json_pack("{s:O, s:i, s:b}", "summary",
					      json_object_get(j, "summary"), "exit", rc,
					      "cancelled", atomic_load(&cancel_flag) != 0));
		json_decref(j);
		if (ew_transcript_close(&t) != 0) {
			fprintf(stderr, "exwizard: transcript %s: writing failed; it may be "
				"incomplete\n", r->transcript);
			ew_report_add_note(r, "Writing the transcript failed; it may be incomplete.");
		}
	}
	if (wizard) {
		unsigned c[EW_NSEVERITY];

		unsigned cut = ew_report_cancelled_steps(r);

		ew_report_summary(r, c);
		printf("exwizard: %u fail, %u warn, %u info, %u pass, %u skip%s%.0u%s.%s%s\n",
		       c[EW_FAIL], c[EW_WARN], c[EW_INFO], c[EW_PASS], c[EW_SKIP],
		       cut ? "; " : "", cut, cut == 1 ? " step cancelled" : cut ? " steps cancelled" :
		       "", r->transcript ? " Transcript: " : "", r->transcript ? r->transcript : "");
	} else if (print_report(r, o->json) != 0 && errno != EPIPE && rc < EW_EXIT_FAIL) {
		/* A reader that stopped reading (exwizard check | head) chose to:
		 * the status stays the diagnosis's. */
		rc = EW_EXIT_FAIL;
	}
	ew_report_free(&r);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	struct timespec until;
	char kinit_cache[256] = "";
	int rc;

	/* Before any thread: see krb.h. */
	ew_krb_process_config();
	/* A DC that resets a connection while it is written to makes the write
	 * fail with EPIPE, which the step reports; it must not end the process. */
	signal(SIGPIPE, SIG_IGN);
	o.target = ew_target_new();
	if (o.target == NULL) {
		fputs("exwizard: out of memory\n", stderr);
		return EW_EXIT_USAGE;
	}
	rc = ew_options_parse(argc, argv, &o);
	if (rc < 0 && o.simple_bind && (o.cmd == CMD_CHECK || o.cmd == CMD_WIZARD))
		rc = read_bind_password(&o);
	if (rc < 0 && o.kinit && (o.cmd == CMD_CHECK || o.cmd == CMD_WIZARD))
		rc = do_kinit(&o, kinit_cache, sizeof(kinit_cache));
	if (rc < 0) {
		switch (o.cmd) {
		case CMD_HELP:
			rc = cmd_help(&o);
			break;
		case CMD_SHOW:
			rc = cmd_show(&o);
			break;
		case CMD_WIZARD:
			if (o.nargs > 0) {
				char *clean = ew_text_cleanz(o.args[0]);

				rc = ew_usage_error("unexpected argument '%s'", clean ? clean : "?");
				free(clean);
				break;
			}
			if (isatty(0) && isatty(1)) {
				rc = run_steps(&o, 1);
				break;
			}
			fputs("exwizard: no terminal for the wizard; running 'exwizard check'.\n",
			      stderr);
			rc = run_steps(&o, 0);
			break;
		case CMD_CHECK:
			rc = run_steps(&o, 0);
			break;
		}
	}
	if (kinit_cache[0])
		ew_krb_destroy(kinit_cache);
	ew_secret_wipe(&o.bind_pw);
	ew_target_free(&o.target);
	/* The threads that use the libraries end before the libraries'
	 * destructors (exit) free what they use; a Kerberos request a step
	 * stopped waiting for may still run: then no destructor runs. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += EXIT_WAIT_MS / 1000;
	until.tv_nsec += (long)(EXIT_WAIT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if ((ew_dir_warm_up_end(&until) != 0) | (ew_krb_settle(&until) > 0)) {
		fflush(NULL);
		_exit(rc);
	}
	return rc;
}
