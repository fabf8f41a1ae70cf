/*
 * The interactive wizard: the loop, the worker and its jobs, the report.
 * One poll() over the terminal, a wake-up pipe from the worker thread and
 * the pipe that catches stderr; a timeout only while a step runs (for the
 * spinner). Steps run on the worker with their own krb5 contexts and LDAP
 * handles (inside core); the UI never calls them itself. Drawing, views,
 * keys and the form are in wizdraw.c, wizviews.c, wizkeys.c and wizform.c.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <locale.h>
#include <ncurses.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "comparison.h"
#include "diagnosis.h"
#include "finding.h"
#include "krb.h"
#include "text.h"

/* ---- the worker ---- */

static void wake_ui(int fd)
{
	char b = 1;

	if (write(fd, &b, 1) < 0) {
		/* the UI also polls with a timeout while a job runs */
	}
}

/* On the worker, as each of the session's batches ends. */
static void job_took(void *arg, const struct ew_step *step, struct ew_step_result *res,
		     int compared)
{
	struct job *j = arg;
	size_t i = (size_t)(step - ew_steps);

	pthread_mutex_lock(&j->mu);
	if (compared) {
		ew_step_result_free(&j->cres[i]);
		j->cres[i] = res;
		j->cgot[i] = 1;
	} else {
		j->res[i] = res;
		j->got[i] = 1;
	}
	pthread_mutex_unlock(&j->mu);
	wake_ui(j->wake_fd);
}

static void *worker(void *arg)
{
	struct job *j = arg;
	size_t ran = 0;

	if (j->task)
		j->task(j->arg, &j->cancel);
	else
		ran = ew_session_run_steps(j->session, &j->run, j->steps, j->n, job_took, j);
	pthread_mutex_lock(&j->mu);
	j->ran = ran;
	j->finished = 1;
	pthread_mutex_unlock(&j->mu);
	wake_ui(j->wake_fd);
	return NULL;
}

static struct job *job_new(struct ui *u)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	atomic_init(&j->cancel, 0);
	pthread_mutex_init(&j->mu, NULL);
	j->wake_fd = u->wake[1];
	return j;
}

static void job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < MAX_STEPS; i++) {
		ew_step_result_free(&j->res[i]);
		ew_step_result_free(&j->cres[i]);
	}
	ew_target_free(&j->target);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

int ew_wiz_job_runs(const struct ui *u, size_t i)
{
	return u->job && i < MAX_STEPS && u->job->running[i];
}

void ew_wiz_start_steps(struct ui *u, const size_t *places, size_t n, unsigned extra_flags)
{
	char names[256] = "";
	struct job *j;
	size_t i;

	if (u->w->view || u->w->session == NULL) {
		snprintf(u->message, sizeof(u->message), "A saved transcript: nothing runs here");
		return;
	}
	if (u->job) {
		snprintf(u->message, sizeof(u->message), "A step is running: wait for it, or Esc "
			 "cancels it");
		return;
	}
	if (n == 0 || (j = job_new(u)) == NULL)
		return;
	for (i = 0; i < n && j->n < MAX_STEPS; i++) {
		j->steps[j->n++] = &ew_steps[places[i]];
		j->running[places[i]] = 1;
	}
	j->session = u->w->session;
	j->run = *u->w->run;
	j->run.flags |= extra_flags;
	j->run.cancel = &j->cancel;
	j->target = ew_target_dup(u->w->run->target);
	j->run.target = j->target;
	if (j->target == NULL || pthread_create(&j->th, NULL, worker, j) != 0) {
		job_free(j);
		snprintf(u->message, sizeof(u->message), "cannot start the worker thread");
		return;
	}
	u->job = j;
	if (j->n == 1) {
		snprintf(u->message, sizeof(u->message), "Running %s... (Esc cancels)",
			 j->steps[0]->title);
		return;
	}
	for (i = 0; i < j->n; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? ", " : "", j->steps[i]->id);
	snprintf(u->message, sizeof(u->message), "Running %s... (Esc cancels)", names);
}

int ew_wiz_step_shown(const struct ui *u, size_t i)
{
	const struct ew_target *t = u->w->run ? u->w->run->target : NULL;

	return i >= ew_nsteps || !(ew_steps[i].flags & EW_STEP_CLIENT) || u->res[i] != NULL ||
	       (t && t->nclient > 0);
}

void ew_wiz_start_job(struct ui *u, size_t step, unsigned extra_flags)
{
	size_t places[MAX_STEPS], n = 0, i;

	if (step >= ew_nsteps)
		return;
	for (i = 0; i < ew_nsteps; i++)
		if (i != step && (ew_steps[i].flags & EW_STEP_FIRST) && u->res[i] == NULL)
			places[n++] = i;
	places[n++] = step;
	ew_wiz_start_steps(u, places, n, extra_flags);
}

int ew_wiz_start_task(struct ui *u, void (*task)(void *, atomic_int *),
		      void (*done)(struct ui *, void *, int), void *arg)
{
	struct job *j;

	if (u->job || (j = job_new(u)) == NULL)
		return -1;
	j->task = task;
	j->done = done;
	j->arg = arg;
	if (pthread_create(&j->th, NULL, worker, j) != 0) {
		job_free(j);
		return -1;
	}
	u->job = j;
	return 0;
}

/* Wait for the worker; the target the steps worked on becomes the wizard's. */
static void join_job(struct ui *u, struct job *j)
{
	struct ew_target tmp;

	pthread_join(j->th, NULL);
	if (j->task)
		return;
	tmp = *u->w->run->target;
	*u->w->run->target = *j->target;
	*j->target = tmp;
	ew_wiz_results_changed(u);
}

/* The results handed over so far; at the end of the job, the job. */
static void take_job(struct ui *u)
{
	struct job *j = u->job;
	char buf[16];
	const char *taken;
	size_t i, ran;
	int finished;

	/* Drained first, job or not: the worker's last byte can come after the
	 * job was taken (it ends after saying finished), and a byte left in the
	 * pipe would wake the loop without end. */
	while (read(u->wake[0], buf, sizeof(buf)) > 0)
		;
	if (j == NULL)
		return;
	pthread_mutex_lock(&j->mu);
	for (i = 0; i < ew_nsteps; i++) {
		if (j->cgot[i]) {
			j->cgot[i] = 0;
			ew_wiz_results_changed(u);
			ew_step_result_free(&u->cres[i]);
			u->cres[i] = j->cres[i];
			j->cres[i] = NULL;
		}
		if (!j->got[i])
			continue;
		j->got[i] = 0;
		j->running[i] = 0;
		if (j->res[i] == NULL)
			continue;
		ew_step_result_free(&u->res[i]);
		u->res[i] = j->res[i];
		j->res[i] = NULL;
		ew_wiz_results_changed(u);
		taken = u->paste.taken;
		/* After a paste, what it gave stays said. */
		if (!(ew_steps[i].flags & EW_STEP_CLIENT))
			taken = "";
		snprintf(u->message, sizeof(u->message), "%s%s%s: %s", taken,
			 taken[0] ? ". " : "", ew_steps[i].title,
			 atomic_load(&j->cancel) ? "cancelled" : "done");
		if (taken[0])
			u->paste.taken[0] = '\0';
		if (i == u->cur) {
			u->sel = 0;
			u->top = 0;
		}
	}
	finished = j->finished;
	ran = j->ran;
	pthread_mutex_unlock(&j->mu);
	if (!finished)
		return;
	join_job(u, j);
	u->job = NULL;
	if (j->task) {
		j->done(u, j->arg, atomic_load(&j->cancel));
		job_free(j);
		return;
	}
	if (j->n > 1 && ran < j->n && !atomic_load(&j->cancel))
		snprintf(u->message, sizeof(u->message), "The other steps were not run: the "
			 "target cannot be diagnosed as given (e edits it)");
	else if (j->n > 1)
		snprintf(u->message, sizeof(u->message), "%zu steps: %s", ran,
			 atomic_load(&j->cancel) ? "cancelled" : "done");
	ew_wiz_compare_end(u, atomic_load(&j->cancel), ran == j->n);
	job_free(j);
	if (u->run_all) {
		u->run_all = 0;
		u->cur = ew_nsteps;	/* every step ran: the summary */
		u->sel = u->top = 0;
	}
}

/* ---- the report (for save and the summary) ---- */

void ew_wiz_results_changed(struct ui *u)
{
	u->report_made = u->comparison_made = 0;
	ew_comparison_free(&u->comparison);
	ew_diagnosis_free(&u->diagnosis);
}

const struct ew_report *ew_wiz_report(struct ui *u)
{
	ew_wiz_rebuild_report(u);
	return u->w->view ? u->w->view : u->w->report;
}

const struct ew_comparison *ew_wiz_comparison(struct ui *u)
{
	const struct ew_report *r = ew_wiz_report(u);

	if (!u->comparison_made) {
		u->comparison = ew_report_comparison(r);
		u->comparison_made = 1;
	}
	return u->comparison;
}

const struct ew_diagnosis *ew_wiz_diagnosis(struct ui *u)
{
	const struct ew_comparison *c = ew_wiz_comparison(u);

	if (u->diagnosis == NULL)
		u->diagnosis = ew_report_diagnose_with(ew_wiz_report(u), c);
	return u->diagnosis;
}

void ew_wiz_rebuild_report(struct ui *u)
{
	struct ew_report *r = u->w->report;
	size_t i;

	if (u->w->view || u->report_made)
		return;	/* the saved report is what is shown; or made since the last change */
	u->report_made = 1;
	for (i = 0; i < r->nsteps; i++)
		ew_step_result_free(&r->steps[i]);
	r->nsteps = 0;
	json_decref(r->target);
	r->target = ew_target_to_json(u->w->run->target);
	for (i = 0; i < ew_nsteps; i++) {
		struct ew_step_result *c;

		if (u->res[i] == NULL)
			continue;
		c = ew_step_result_dup(u->res[i]);
		if (c == NULL)
			continue;
		ew_report_add_step(r, c);
	}
	for (i = 0; i < r->ncompared; i++)
		ew_step_result_free(&r->compared[i]);
	r->ncompared = 0;
	for (i = 0; i < ew_nsteps; i++) {
		struct ew_step_result *c = u->cres[i] ? ew_step_result_dup(u->cres[i]) : NULL;

		if (c)
			ew_report_add_step(r, c);
	}
}

void ew_wiz_save_report(struct ui *u)
{
	char path[4096], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *text;
	int fd;

	ew_wiz_rebuild_report(u);
	text = ew_report_to_text(u->w->view ? u->w->view : u->w->report, 80);
	if (text && ew_wiz_sweep_text(u)) {
		/* The last sweep after the user's report, under a heading of its
		 * own: other accounts, never the user's findings. */
		char *both = ew_strprintf("%s\nWho else is affected (domain-wide sweep)\n%s",
					  text, ew_wiz_sweep_text(u));

		free(text);
		text = both;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	if (u->w->transcript_path)
		snprintf(path, sizeof(path), "%.*s-report-%s.txt",
			 (int)(strlen(u->w->transcript_path) - 6), u->w->transcript_path, stamp);
	else
		snprintf(path, sizeof(path), "exwizard-report-%s.txt", stamp);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || text == NULL || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		snprintf(u->message, sizeof(u->message), "Could not save the report: %s",
			 fd < 0 ? strerror(errno) : "write failed");
	} else {
		snprintf(u->message, sizeof(u->message), "Report saved: %s", path);
		if (u->w->session)
			ew_session_action(u->w->session, "save report", path);
	}
	if (fd >= 0)
		close(fd);
	free(text);
}

/* stderr into a pipe while curses is up: library output must not reach the screen. */
static void capture_stderr(struct ui *u)
{
	u->saved_stderr = -1;
	if (pipe2(u->err_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		u->err_pipe[0] = u->err_pipe[1] = -1;
		return;
	}
	fflush(stderr);
	u->saved_stderr = dup(2);
	dup2(u->err_pipe[1], 2);
}

static void drain_stderr(struct ui *u)
{
	char buf[1024];
	ssize_t n;

	while (u->err_pipe[0] >= 0 && (n = read(u->err_pipe[0], buf, sizeof(buf) - 1)) > 0) {
		char *clean = ew_text_clean(buf, (size_t)n);

		if (clean && u->w->session)
			ew_session_note(u->w->session, "stderr", clean);
		free(clean);
	}
}

static void restore_stderr(struct ui *u)
{
	if (u->saved_stderr >= 0) {
		fflush(stderr);
		dup2(u->saved_stderr, 2);
		close(u->saved_stderr);
	}
	drain_stderr(u);
	if (u->err_pipe[0] >= 0) {
		close(u->err_pipe[0]);
		close(u->err_pipe[1]);
	}
}

int ew_wizard_run(struct ew_wizard *w)
{
	struct ui u;
	size_t i, k;
	int quit = 0;

	memset(&u, 0, sizeof(u));
	u.w = w;
	u.nsteps = ew_nsteps;
	if (ew_nsteps > MAX_STEPS || pipe2(u.wake, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	setlocale(LC_ALL, "");
	capture_stderr(&u);
	if (initscr() == NULL) {
		restore_stderr(&u);
		return -1;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Home and End as tmux, screen and the Linux console send them, whatever TERM says. */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[4~", KEY_END);
	define_key("\033[7~", KEY_HOME);
	define_key("\033[8~", KEY_END);
	/* The client pane's bracketed pastes: each marker one key, not six bytes. */
	define_key("\033[200~", EW_KEY_PASTE_START);
	define_key("\033[201~", EW_KEY_PASTE_END);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ew_wiz_colors(w->color);
	if (w->view) {
		/* A saved transcript: its step results, by id, in the table's places. */
		for (k = 0; k < w->view->nsteps; k++) {
			const struct ew_step *s = ew_step_find(w->view->steps[k]->id);

			if (s == NULL)
				continue;
			i = (size_t)(s - ew_steps);
			ew_step_result_free(&u.res[i]);
			u.res[i] = ew_step_result_dup(w->view->steps[k]);
		}
		snprintf(u.message, sizeof(u.message), "A saved transcript, read-only: %s",
			 w->transcript_path ? w->transcript_path : "");
	} else {
		/* The first frame at once; the target step (no network) fills the header. */
		ew_wiz_start_job(&u, 0, 0);
	}
	ew_wiz_draw(&u);
	while (!quit && !(w->quit && atomic_load(w->quit))) {
		struct pollfd p[3] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = u.wake[0], .events = POLLIN },
			{ .fd = u.err_pipe[0], .events = POLLIN },
		};
		int ch, changed = 0;

		if (poll(p, u.err_pipe[0] >= 0 ? 3 : 2, u.job ? 120 : -1) < 0 && errno != EINTR)
			break;
		if (u.job) {
			u.spin++;
			changed = 1;
		}
		if (p[1].revents)
			take_job(&u);
		if (p[2].revents)
			drain_stderr(&u);
		while ((ch = getch()) != ERR) {
			changed = 1;
			if (ch == KEY_RESIZE)
				continue;
			/* While the client pane is open every key is its own (a
			 * paste may start at any time), also on a screen too small
			 * to show it: no byte of a paste may be lost. */
			if (u.too_small && ch != 'q' && u.ov != OV_CLIENT)
				continue;
			if (ew_wiz_key(&u, ch)) {
				quit = 1;
				break;
			}
		}
		if (p[0].revents & (POLLHUP | POLLERR))
			break;	/* the terminal is gone (a lost SSH session) */
		if (changed || p[1].revents)
			ew_wiz_draw(&u);
	}
	if (u.job) {
		atomic_store(&u.job->cancel, 1);
		join_job(&u, u.job);
		if (u.job->task)
			u.job->done(&u, u.job->arg, 1);
		job_free(u.job);
		u.job = NULL;
	}
	if (u.ov == OV_FORM)
		ew_wiz_form_close(&u);
	ew_wiz_client_close(&u);	/* the terminal stops bracketing pastes */
	ew_wiz_overlay_close(&u);
	endwin();
	restore_stderr(&u);
	ew_wiz_compare_drop(&u);
	ew_wiz_rebuild_report(&u);
	ew_comparison_free(&u.comparison);
	ew_diagnosis_free(&u.diagnosis);
	ew_wiz_sweep_free(&u);
	for (i = 0; i < ew_nsteps; i++) {
		ew_step_result_free(&u.res[i]);
		ew_step_result_free(&u.cres[i]);
	}
	close(u.wake[0]);
	close(u.wake[1]);
	if (u.kinit_cache[0])
		ew_krb_destroy(u.kinit_cache);
	if (u.bind_pw.buf && w->run->bind_password == u.bind_pw.buf) {
		w->run->bind_dn = NULL;
		w->run->bind_password = NULL;
	}
	ew_secret_wipe(&u.bind_pw);
	free(u.bind_dn);
	return 0;
}
