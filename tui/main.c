/*
 * The command line: exwizard [OPTIONS], check, show, diff, help, --help, --version.
 * Parses and validates what the user typed, then hands over to core (the
 * steps, the report, the transcript) and prints the result.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "clisession.h"
#include "diagdiff.h"
#include "diagnosis.h"
#include "help.h"
#include "directory.h"
#include "krb.h"
#include "options.h"
#include "report.h"
#include "login.h"
#include "secret.h"
#include "sweepcmd.h"
#include "sweepreport.h"
#include "sweeprules.h"
#include "session.h"
#include "target.h"
#include "text.h"
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

static int cmd_help(const struct ew_opts *o)
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

static int cmd_show(const struct ew_opts *o)
{
	struct ew_report *r;
	char err[512];
	int rc;

	if (o->nargs != 1)
		return ew_usage_error("show takes one transcript file");
	if (o->brief && (o->json || o->text))
		return ew_usage_error("--brief is plain text: it goes with neither --json nor "
				      "--text");
	r = ew_transcript_read(o->args[0], err, sizeof(err));
	if (r == NULL) {
		char *clean = ew_text_cleanz(err);

		fprintf(stderr, "exwizard: %s\n", clean ? clean : "cannot read the transcript");
		free(clean);
		return EW_EXIT_USAGE;
	}
	/* The transcript of exwizard sweep (its target step and the sweep, no
	 * step of a user): the sweep's report, about the accounts it found. A
	 * wizard's transcript with a sweep beside the user's steps is shown as
	 * any other: the user's diagnosis leaves the sweep out. */
	for (size_t i = 0; !o->json && i < r->nsteps; i++) {
		char *text;
		size_t k;

		for (k = 0; k < r->nsteps; k++)
			if (strcmp(r->steps[k]->id, "target") != 0 &&
			    strcmp(r->steps[k]->id, "sweep") != 0)
				break;
		if (k < r->nsteps || strcmp(r->steps[i]->id, "sweep") != 0 ||
		    json_object_get(r->steps[i]->data, "sweep") == NULL)
			continue;
		text = ew_sweep_text(r->steps[i]->data);
		printf("exwizard %s sweep from %s, started %s\n\n", r->version ? r->version : "",
		       r->host ? r->host : "", r->started ? r->started : "");
		rc = text && fputs(text, stdout) >= 0 && fflush(stdout) == 0 ? 0 : EW_EXIT_USAGE;
		free(text);
		ew_report_free(&r);
		return rc;
	}
	if (o->brief) {
		/* The lines for a ticket: plain text, 80 columns, wherever it goes. */
		char *text = ew_report_brief(r, 80);

		rc = text && fputs(text, stdout) >= 0 && fflush(stdout) == 0 ? 0 : EW_EXIT_USAGE;
		if (text == NULL)
			fputs("exwizard: out of memory\n", stderr);
		free(text);
		ew_report_free(&r);
		return rc;
	}
	if (!o->json && !o->text && isatty(0) && isatty(1)) {
		/* On a terminal: the same views as the wizard, read-only. */
		struct ew_target *none = ew_target_new();
		struct ew_run run = {0};
		struct ew_report *scratch = ew_report_new(EW_VERSION, NULL);
		struct ew_wizard w = { NULL, &run, scratch, o->args[0], o->ascii,
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

/* A transcript or a JSON report, or NULL after a message. */
static struct ew_report *read_for_diff(const char *path)
{
	struct ew_report *r;
	char err[512];

	r = ew_report_read_file(path, err, sizeof(err));
	if (r == NULL) {
		char *clean = ew_text_cleanz(err);

		fprintf(stderr, "exwizard: diff: %s\n", clean ? clean : "cannot read the file");
		free(clean);
	}
	return r;
}

/*
 * diff OLD NEW: the causes fixed, remaining and new between two reports of
 * the same target, each diagnosed again from its steps; 0 when no cause
 * remains.
 */
static int cmd_diff(const struct ew_opts *o)
{
	struct ew_report *old = NULL, *new_ = NULL;
	struct ew_diagnosis *dold = NULL, *dnew = NULL;
	struct ew_diagdiff *dd = NULL;
	char why[1024], *text = NULL, *who = NULL, *verdict = NULL;
	int rc = EW_EXIT_USAGE;

	if (o->nargs != 2)
		return ew_usage_error("diff takes two files: the transcript or JSON report "
				      "from before and the one from after");
	old = read_for_diff(o->args[0]);
	new_ = old ? read_for_diff(o->args[1]) : NULL;
	if (old == NULL || new_ == NULL)
		goto out;
	if (!ew_diagdiff_same_target(old->target, new_->target, why, sizeof(why))) {
		char *clean = ew_text_cleanz(why);

		char *p0 = ew_text_cleanz(o->args[0]), *p1 = ew_text_cleanz(o->args[1]);

		fprintf(stderr, "exwizard: diff: %s and %s are of different targets: %s; "
			"compare two runs for the same realm, user and Exchange servers\n",
			p0 ? p0 : "OLD", p1 ? p1 : "NEW", clean ? clean : "?");
		free(p0);
		free(p1);
		free(clean);
		goto out;
	}
	dold = ew_report_diagnose(old);
	dnew = ew_report_diagnose(new_);
	dd = dold && dnew ?
	     ew_diagdiff(dold, (const struct ew_step_result *const *)old->steps, old->nsteps,
			 dnew, (const struct ew_step_result *const *)new_->steps, new_->nsteps) :
	     NULL;
	text = dd ? ew_diagdiff_to_text(dd, 80) : NULL;
	who = ew_target_json_brief(new_->target);
	if (text == NULL || who == NULL) {
		fputs("exwizard: out of memory\n", stderr);
		goto out;
	}
	{
		struct ew_buf b = {0};

		ew_buf_adds(&b, "Target:");
		ew_buf_add_wrapped(&b, who, 7, 2, 80);
		ew_buf_adds(&b, "Old:");
		ew_buf_add_wrapped(&b, o->args[0], 4, 2, 80);
		ew_buf_adds(&b, "New:");
		ew_buf_add_wrapped(&b, o->args[1], 4, 2, 80);
		ew_buf_adds(&b, "Now:");
		ew_buf_add_wrapped(&b, dnew->verdict ? dnew->verdict : "no verdict", 4, 2, 80);
		verdict = ew_buf_take(&b);
	}
	if (verdict == NULL) {
		fputs("exwizard: out of memory\n", stderr);
		goto out;
	}
	fputs(verdict, stdout);
	fputs(text, stdout);
	rc = fflush(stdout) == 0 ? ew_diagdiff_exit_code(dd) : EW_EXIT_USAGE;
out:
	free(verdict);
	free(who);
	free(text);
	ew_diagdiff_free(&dd);
	ew_diagnosis_free(&dold);
	ew_diagnosis_free(&dnew);
	ew_report_free(&old);
	ew_report_free(&new_);
	return rc;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cancel_flag, 1);
}

/* SIGINT, SIGTERM and SIGHUP stop what runs cleanly; a second one ends the
 * program. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * A TGT for name (the realm added when it has none) into a private in-memory
 * cache: the password from pwfile or the terminal, wiped as soon as the KDC
 * has answered. -1 to go on, or EW_EXIT_USAGE after a message naming opt.
 */
static int kinit_private(const struct ew_opts *o, const char *opt, const char *name,
			 const char *pwfile, char *principal, size_t plen, char *ccname,
			 size_t len)
{
	struct ew_secret pw = {0};
	char err[512], prompt[700];

	ew_login_principal(o->target, name, principal, plen);
	snprintf(prompt, sizeof(prompt), "Password for %s: ", principal);
	if (ew_login_password(&pw, pwfile, prompt, err, sizeof(err)) != 0) {
		fprintf(stderr, "exwizard: %s: %s\n", opt, err);
		return EW_EXIT_USAGE;
	}
	if (ew_login_kinit(principal, &pw, o->timeout_ms, o->tries, NULL, ccname, len, err,
			   sizeof(err)) != 0) {
		fprintf(stderr, "exwizard: %s %s: %s\n", opt, principal, err);
		return EW_EXIT_USAGE;
	}
	return -1;
}

/* --kinit: the steps use the private cache. */
static int do_kinit(struct ew_opts *o, char *ccname, size_t len)
{
	char err[512], principal[600];
	int rc = kinit_private(o, "--kinit", o->kinit, o->password_file, principal,
			       sizeof(principal), ccname, len);

	if (rc >= 0)
		return rc;
	/* With --simple-bind as well, its line stays (it was read first). */
	if (ew_login_use_cache(o->target, principal, ccname, 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "exwizard: --kinit: %s\n", err);
		return EW_EXIT_USAGE;
	}
	return -1;
}

/* --compare-kinit: the compared user's tickets step uses the private cache. */
static int do_compare_kinit(struct ew_opts *o, char *ccname, size_t len)
{
	char err[512], principal[600];
	int rc = kinit_private(o, "--compare-kinit", o->compare_kinit, o->compare_password_file,
			       principal, sizeof(principal), ccname, len);

	if (rc >= 0)
		return rc;
	if (ew_target_set_compare_ccache(o->target, ccname, err, sizeof(err)) != 0) {
		fprintf(stderr, "exwizard: --compare-kinit: %s\n", err);
		return EW_EXIT_USAGE;
	}
	return -1;
}

/* --simple-bind: the password, kept (locked) for the steps' binds. */
static int read_bind_password(struct ew_opts *o)
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

/*
 * The client's output (--client-file) into the target, each file whole (at
 * most EW_TARGET_CLIENT_MAX bytes); - is standard input, which the wizard
 * needs for the keyboard. -1 to go on, or EW_EXIT_USAGE after a message.
 */
static int read_client_files(struct ew_opts *o, int wizard)
{
	int i;

	for (i = 0; i < o->nclient_files; i++) {
		const char *path = o->client_files[i];
		int std = strcmp(path, "-") == 0;
		int fd = std ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		char *buf = NULL, *clean = ew_text_cleanz(path), err[300];
		size_t len = 0, cap = 0;
		ssize_t got = 1;

		if (std && wizard) {
			free(clean);
			return ew_usage_error("--client-file -: the wizard reads the keyboard from "
					      "standard input; give a file");
		}
		if (fd < 0) {
			fprintf(stderr, "exwizard: --client-file %s: %s\n", clean ? clean : "?",
				strerror(errno));
			free(clean);
			return EW_EXIT_USAGE;
		}
		while (got > 0 && len <= EW_TARGET_CLIENT_MAX) {
			if (len == cap) {
				char *nb = realloc(buf, cap ? cap * 2 : 65536);

				if (nb == NULL) {
					got = -1;
					errno = ENOMEM;
					break;
				}
				buf = nb;
				cap = cap ? cap * 2 : 65536;
			}
			got = read(fd, buf + len, cap - len);
			if (got < 0 && errno == EINTR)
				got = 1;
			else if (got > 0)
				len += (size_t)got;
		}
		if (!std)
			close(fd);
		if (got < 0) {
			fprintf(stderr, "exwizard: --client-file %s: %s\n",
				clean ? clean : "?", strerror(errno));
			free(buf);
			free(clean);
			return EW_EXIT_USAGE;
		}
		if (ew_target_add_client(o->target, std ? "standard input" : path, buf, len, err,
					 sizeof(err)) != 0) {
			fprintf(stderr, "exwizard: --client-file %s\n", err);
			free(buf);
			free(clean);
			return EW_EXIT_USAGE;
		}
		free(buf);
		free(clean);
	}
	return -1;
}

static int run_steps(const struct ew_opts *o, int wizard)
{
	struct ew_session *s;
	struct ew_report *r;
	int rc, lost, write_failed;

	/* The wizard may run any step: the directory is warmed up for all. */
	s = ew_cli_session(o, wizard ? "wizard" : "check", wizard, &cancel_flag,
			   (const char *const *)o->args, (size_t)o->nargs, &rc);
	if (s == NULL)
		return rc;
	r = ew_session_report(s);

	catch_signals();

	if (wizard) {
		struct ew_wizard w = { s, ew_session_run(s), r, r->transcript, o->ascii,
				       !o->no_color && getenv("NO_COLOR") == NULL, &cancel_flag, NULL };

		/* The wizard runs the steps itself; the report holds what it ran. */
		if (ew_wizard_run(&w) != 0)
			fputs("exwizard: the terminal could not be set up\n", stderr);
	} else {
		for (lost = ew_session_run_plan(s); lost > 0; lost--)
			fputs("exwizard: out of memory\n", stderr);
	}
	rc = ew_session_close(s, &write_failed);
	if (write_failed)
		fprintf(stderr, "exwizard: transcript %s: writing failed; it may be "
			"incomplete\n", r->transcript);
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
	ew_session_free(&s);
	return rc;
}

int main(int argc, char **argv)
{
	struct ew_opts o = {0};
	struct timespec until;
	char kinit_cache[256] = "", compare_cache[256] = "";
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
	if (rc < 0 && o.nclient_files && (o.cmd == EW_CMD_CHECK || o.cmd == EW_CMD_WIZARD))
		rc = read_client_files(&o, o.cmd == EW_CMD_WIZARD && isatty(0) && isatty(1));
	if (rc < 0 && o.simple_bind && (o.cmd == EW_CMD_CHECK || o.cmd == EW_CMD_WIZARD ||
					 o.cmd == EW_CMD_SWEEP))
		rc = read_bind_password(&o);
	if (rc < 0 && o.kinit && (o.cmd == EW_CMD_CHECK || o.cmd == EW_CMD_WIZARD ||
				   o.cmd == EW_CMD_SWEEP))
		rc = do_kinit(&o, kinit_cache, sizeof(kinit_cache));
	if (rc < 0 && o.compare_kinit && (o.cmd == EW_CMD_CHECK || o.cmd == EW_CMD_WIZARD))
		rc = do_compare_kinit(&o, compare_cache, sizeof(compare_cache));
	if (rc < 0) {
		switch (o.cmd) {
		case EW_CMD_HELP:
			rc = cmd_help(&o);
			break;
		case EW_CMD_SHOW:
			rc = cmd_show(&o);
			break;
		case EW_CMD_DIFF:
			rc = cmd_diff(&o);
			break;
		case EW_CMD_WIZARD:
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
		case EW_CMD_CHECK:
			rc = run_steps(&o, 0);
			break;
		case EW_CMD_SWEEP:
			catch_signals();
			rc = ew_sweep_cmd(&o, &cancel_flag);
			break;
		}
	}
	if (kinit_cache[0])
		ew_krb_destroy(kinit_cache);
	if (compare_cache[0])
		ew_krb_destroy(compare_cache);
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
