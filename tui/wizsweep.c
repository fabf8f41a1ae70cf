/*
 * The wizard's sweep screen: who else is affected, domain-wide (sweep.h).
 * W sweeps for every cause a sweep finds; f on a cause of the summary for
 * that cause. The sweep runs on the worker as a task, with a copy of the
 * wizard's run (its target, the transcript: the sweep is recorded like a
 * step) and options whose progress (atomics) the screen reads each time it
 * is drawn: the loop redraws while a job runs, and sleeps when none does.
 * Esc stops it: the result is partial, with what it covered. The result is
 * kept here, never among the steps of the user under diagnosis: its
 * findings are facts about other accounts, not causes of the user's.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <jansson.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diagnosis.h"
#include "sweepcmd.h"
#include "sweepreport.h"
#include "sweeprules.h"
#include "text.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ew_wiz_sweep_runs(const struct ui *u)
{
	return u->sweep.running;
}

/* On the worker: the sweep as a step (recorded in the transcript). */
static void sweep_task(void *arg, atomic_int *cancel)
{
	struct wiz_sweep *s = arg;

	s->run.cancel = cancel;
	s->res = ew_step_execute(&ew_sweep_step_def, &s->run);
}

/* On the UI thread, the worker joined: the result becomes the screen's. */
static void sweep_done(struct ui *u, void *arg, int cancelled)
{
	struct wiz_sweep *s = arg;
	const json_t *sw;

	s->running = 0;
	ew_target_free(&s->target);
	ew_step_result_free(&s->last);
	s->last = s->res;
	s->res = NULL;
	free(s->text);
	s->text = NULL;
	s->top = 0;
	s->duration_ms = now_ms() - s->t0;
	sw = s->last ? json_object_get(s->last->data, "sweep") : NULL;
	if (json_is_object(sw))
		s->text = ew_sweep_text(s->last->data);
	if (s->last == NULL)
		snprintf(u->message, sizeof(u->message), "Sweep: out of memory");
	else if (!json_is_object(sw))
		snprintf(u->message, sizeof(u->message), "Sweep: %s", cancelled ?
			 "stopped before anything was read" : "the directory could not be read");
	else if (json_is_true(json_object_get(sw, "partial")))
		/* stopped by Esc, or cut short by what could not be read */
		snprintf(u->message, sizeof(u->message), "Sweep %s: partial, %ld "
			 "problem%s in what it covered", cancelled ? "stopped" : "cut short",
			 (long)json_array_size(json_object_get(s->last->data, "problems")),
			 json_array_size(json_object_get(s->last->data, "problems")) == 1 ?
			 "" : "s");
	else
		snprintf(u->message, sizeof(u->message), "Sweep done: %ld problem%s; s saves "
			 "them with the report", (long)json_array_size(json_object_get(
			 s->last->data, "problems")), json_array_size(json_object_get(
			 s->last->data, "problems")) == 1 ? "" : "s");
}

void ew_wiz_sweep_start(struct ui *u, const char *cause)
{
	struct wiz_sweep *s = &u->sweep;

	if (u->w->view || u->w->session == NULL) {
		snprintf(u->message, sizeof(u->message), "A saved transcript: nothing runs here");
		return;
	}
	if (u->job) {
		snprintf(u->message, sizeof(u->message), ew_wiz_sweep_runs(u) ?
			 "A sweep is running: Esc stops it" :
			 "A step is running: wait for it, or Esc cancels it");
		return;
	}
	if (u->res[0] == NULL || ew_session_config_error(u->w->session)) {
		snprintf(u->message, sizeof(u->message), "The target is not settled: the "
			 "first step must run before a sweep (e edits the target)");
		return;
	}
	/* W again passes the cause of the last sweep, this very buffer */
	if (cause != s->cause)
		snprintf(s->cause, sizeof(s->cause), "%s", cause ? cause : "");
	s->cause_v[0] = s->cause;
	memset(&s->opts, 0, sizeof(s->opts));
	s->opts.causes = s->cause_v;
	s->opts.ncauses = cause ? 1 : 0;
	s->opts.progress = &s->progress;
	atomic_store(&s->progress.phase, EW_SWEEP_STARTING);
	atomic_store(&s->progress.groups, 0);
	atomic_store(&s->progress.users_done, 0);
	atomic_store(&s->progress.users_total, -1);
	atomic_store(&s->progress.problems, 0);
	atomic_store(&s->progress.spns, 0);
	/* The run as the steps get it, on a target of its own. */
	s->run = *u->w->run;
	s->target = ew_target_dup(u->w->run->target);
	s->run.target = s->target;
	s->run.sweep = &s->opts;
	s->t0 = now_ms();
	s->users_t0 = 0;
	s->running = 1;
	if (s->target == NULL || ew_wiz_start_task(u, sweep_task, sweep_done, s) != 0) {
		s->running = 0;
		ew_target_free(&s->target);
		snprintf(u->message, sizeof(u->message), "cannot start the worker thread");
		return;
	}
	if (u->ov != OV_SWEEP)
		ew_wiz_overlay_close(u);
	u->ov = OV_SWEEP;
	s->shown = 1;
	snprintf(u->message, sizeof(u->message), "Sweeping the domain%s%s... (Esc stops it)",
		 cause ? " for " : "", cause ? cause : "");
}

/* f on the summary: the selected cause, if a sweep can find it. */
void ew_wiz_sweep_find_others(struct ui *u)
{
	const struct ew_diagnosis *d = ew_wiz_diagnosis(u);
	const char *id;
	struct ew_buf b = {0};

	if (d == NULL || u->sel >= d->ncauses) {
		snprintf(u->message, sizeof(u->message), "No cause selected: f finds the others "
			 "with the selected cause of the diagnosis (W sweeps for every cause)");
		return;
	}
	id = d->causes[u->sel].def->id;
	if (ew_sweep_cause_known(id)) {
		ew_wiz_sweep_start(u, id);
		return;
	}
	ew_buf_list(&b, ew_sweep_causes, ew_sweep_ncauses, " and ");
	snprintf(u->message, sizeof(u->message), "A sweep cannot find %s from the directory: "
		 "it finds %s (W sweeps for them all)", id, b.data ? b.data : "");
	ew_buf_reset(&b);
}

void ew_wiz_sweep_close(struct ui *u)
{
	if (ew_wiz_sweep_runs(u))
		return;
	u->sweep.shown = 0;
	if (u->ov == OV_SWEEP)
		u->ov = OV_NONE;
}

void ew_wiz_sweep_scroll(struct ui *u, int ch)
{
	struct wiz_sweep *s = &u->sweep;
	size_t page = (size_t)(LINES > 8 ? LINES - 8 : 1);

	if (ch == 'j' || ch == KEY_DOWN)
		s->top++;
	else if ((ch == 'k' || ch == KEY_UP) && s->top)
		s->top--;
	else if (ch == ' ' || ch == KEY_NPAGE)
		s->top += page;
	else if (ch == KEY_PPAGE)
		s->top = s->top > page ? s->top - page : 0;
	else if (ch == KEY_HOME || ch == 'g')
		s->top = 0;
	else if (ch == KEY_END || ch == 'G')
		s->top = (size_t)-1;	/* clamped when drawn */
}

/* The progress: the phase, a bar of the users judged, the rate, the problems. */
static void progress_lines(struct ui *u, char ***v, size_t *n, int width)
{
	struct wiz_sweep *s = &u->sweep;
	long done = atomic_load(&s->progress.users_done);
	long total = atomic_load(&s->progress.users_total);
	long problems = atomic_load(&s->progress.problems);
	int phase = atomic_load(&s->progress.phase);
	long long now = now_ms();
	char a[32], b2[32];
	struct ew_buf b = {0};
	int barw = width - 34, fill, i;

	if (phase >= EW_SWEEP_USERS && s->users_t0 == 0)
		s->users_t0 = now;
	ew_lines_addf(v, n, "Sweeping %s, for %s.", u->w->run->target->realm ?
		      u->w->run->target->realm : "the domain",
		      s->cause[0] ? s->cause : "every cause a sweep finds");
	ew_lines_add(v, n, "");
	switch (phase) {
	case EW_SWEEP_STARTING:
		ew_lines_add(v, n, "Phase: connecting to the directory");
		break;
	case EW_SWEEP_GROUPS:
		ew_lines_addf(v, n, "Phase: reading the groups (%s read)",
			      ew_thousands(atomic_load(&s->progress.groups), a));
		break;
	case EW_SWEEP_USERS:
		ew_lines_add(v, n, "Phase: judging the users");
		break;
	default:
		ew_lines_addf(v, n, "Phase: reading the SPNs (%s), finishing",
			      ew_thousands(atomic_load(&s->progress.spns), a));
		break;
	}
	/* [#####-----] 1,500 / 3,012 users (49%) */
	if (barw > 50)
		barw = 50;
	if (barw < 10)
		barw = 10;
	fill = total > 0 ? (int)((double)barw * (double)(done < total ? done : total) /
				 (double)total) : 0;
	ew_buf_addc(&b, '[');
	for (i = 0; i < barw; i++)
		ew_buf_addc(&b, i < fill ? '#' : '-');
	ew_buf_printf(&b, "] users %s", ew_thousands(done, a));
	if (total >= 0)
		ew_buf_printf(&b, " / %s (%d%%)", ew_thousands(total, b2),
			      total > 0 ? (int)(100.0 * (double)done / (double)total) : 100);
	else
		ew_buf_adds(&b, " / not counted yet");
	ew_lines_add(v, n, b.data ? b.data : "");
	ew_buf_reset(&b);
	{
		double secs = s->users_t0 ? (double)(now - s->users_t0) / 1000.0 : 0;
		double rate = secs > 0.2 ? (double)done / secs : 0;

		if (rate > 0)
			ew_buf_printf(&b, "%.0f users/s", rate);
		if (rate > 0 && total > done)
			ew_buf_printf(&b, ", %.0f s left", (double)(total - done) / rate + 0.5);
		ew_buf_printf(&b, "%s%ld problem%s so far; %.0f s since the start", b.len ? "; " : "",
			      problems, problems == 1 ? "" : "s", (double)(now - s->t0) / 1000.0);
		ew_lines_add(v, n, b.data ? b.data : "");
		ew_buf_reset(&b);
	}
	ew_lines_add(v, n, "");
	ew_lines_wrap(v, n, "Esc stops the sweep: what it covered so far is kept and said "
		      "(partial). q quits.", 0, width);
}

/* The result: done or partial, then the report by cause (ew_sweep_text). */
static void result_lines(struct ui *u, char ***v, size_t *n, int width)
{
	const struct wiz_sweep *s = &u->sweep;
	const json_t *data = s->last ? s->last->data : NULL;
	const json_t *sw = json_object_get(data, "sweep");
	const char *p, *e;
	size_t i;

	if (s->last == NULL) {
		ew_lines_add(v, n, "No sweep yet: W sweeps the domain.");
		return;
	}
	if (!json_is_object(sw)) {
		/* Nothing could be read: the findings say why. */
		ew_lines_add(v, n, s->last->status == EW_ST_CANCELLED ?
			     "Stopped before anything was read (cancelled)." :
			     "The sweep could not read the directory:");
		for (i = 0; i < s->last->nfindings; i++)
			ew_lines_wrap(v, n, s->last->findings[i]->title, 2, width);
		return;
	}
	if (json_is_true(json_object_get(sw, "partial")))
		ew_lines_wrap(v, n, s->last->status == EW_ST_CANCELLED ?
			      "Stopped (Esc): partial, cancelled, not failed. What it covered "
			      "and what it found there:" :
			      "Partial: not every user could be judged. What it covered:",
			      0, width);
	else
		ew_lines_addf(v, n, "Done in %.1f s. Who else is affected, by cause, the "
			      "largest first:", (double)s->duration_ms / 1000.0);
	ew_lines_add(v, n, "");
	/* The report's lines, wrapped again where the screen is narrower. */
	for (p = s->text ? s->text : ""; *p; p = *e ? e + 1 : e) {
		char *line;
		int lead = 0;

		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		line = strndup(p, (size_t)(e - p));
		if (line == NULL)
			break;
		while (line[lead] == ' ')
			lead++;
		if ((int)ew_lines_cols(line) <= width)
			ew_lines_add(v, n, line);
		else
			ew_lines_wrap(v, n, line, lead, width);
		free(line);
	}
	ew_lines_add(v, n, "W sweeps again; s saves it with the report; Esc closes.");
}

void ew_wiz_sweep_draw(struct ui *u)
{
	struct wiz_sweep *s = &u->sweep;
	char **lines = NULL, title[160];
	size_t n = 0, i;
	int y = 1, w = COLS, rows = LINES - 3 - (y + 1);

	if (ew_wiz_sweep_runs(u))
		progress_lines(u, &lines, &n, w);
	else
		result_lines(u, &lines, &n, w);
	ew_lines_clamp_top(&s->top, n, rows);
	snprintf(title, sizeof(title), "Who else is affected: %s%s%s%s",
		 s->cause[0] ? s->cause : "domain-wide sweep",
		 ew_wiz_sweep_runs(u) ? " (running)" : "",
		 s->top ? "  ^ more above" : "",
		 s->top + (size_t)rows < n ? "  v more below (j, PgDn)" : "");
	attron(A_BOLD);
	ew_wiz_put(stdscr, y++, 0, w, title);
	attroff(A_BOLD);
	for (i = s->top; i < n && y < LINES - 2; i++)
		ew_wiz_put(stdscr, y++, 0, w, lines[i]);
	ew_lines_free(lines, n);
}

/* The last sweep's report for the saved report (NULL: none). */
const char *ew_wiz_sweep_text(const struct ui *u)
{
	return u->sweep.running ? NULL : u->sweep.text;
}

void ew_wiz_sweep_free(struct ui *u)
{
	ew_step_result_free(&u->sweep.last);
	ew_step_result_free(&u->sweep.res);
	ew_target_free(&u->sweep.target);
	free(u->sweep.text);
	u->sweep.text = NULL;
}
