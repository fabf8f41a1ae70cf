/*
 * wizui.h - the wizard's state, shared by its parts: wizard.c (the loop,
 * the worker and its jobs, the report), wizdraw.c (drawing), wizviews.c
 * (what the panes and overlays hold), wizkeys.c (the keys and the key bar)
 * and wizform.c (the target form and the login). Used by the UI thread only;
 * a job's own fields are the worker's until the UI takes the job back.
 */
#ifndef EW_WIZUI_H
#define EW_WIZUI_H

#include <form.h>
#include <ncurses.h>
#include <panel.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "report.h"
#include "secret.h"
#include "run.h"
#include "session.h"
#include "step.h"
#include "sweep.h"
#include "target.h"
#include "wizard.h"
#include "wizlines.h"

#define MIN_COLS 60
#define MIN_LINES 16
#define MAX_STEPS 16
#define NFIELDS 9		/* the target form */

enum { C_PASS = 1, C_INFO, C_WARN, C_FAIL, C_SKIP, C_HEAD, C_SEL };
enum overlay { OV_NONE, OV_TEXT, OV_CONFIRM_QUIT, OV_CONFIRM_FLUSH, OV_FORM, OV_CLIENT,
	       OV_SWEEP };
enum pane { PANE_STEPS, PANE_FINDINGS };
/* The terminal's bracketed-paste markers (ESC [ 2 0 0 ~, ESC [ 2 0 1 ~) as
 * one key each (define_key): codes no terminal key has. */
#define EW_KEY_PASTE_START (KEY_MAX + 1)
#define EW_KEY_PASTE_END (KEY_MAX + 2)

/*
 * The client pane (v): what the user's PC showed, pasted (bracketed or not)
 * or typed, until the paste ends or Ctrl-D on an empty line. Bytes as they
 * come, at most EW_TARGET_CLIENT_MAX; inside a bracketed paste no byte is a
 * key (keypad is off, so ncurses hands over every byte as it is).
 */
struct wiz_paste {
	char *buf;
	size_t len, cap;
	int pasting;			/* inside ESC [ 200 ~ ... ESC [ 201 ~ */
	size_t end_match;		/* bytes of ESC [ 201 ~ seen so far */
	int over;			/* more came than one text may hold */
	unsigned npasted;		/* texts taken from the pane: "pasted N" */
	char note[256];			/* the pane's own message line */
	char taken[160];		/* what the last paste gave, until its step ends */
};

/*
 * Steps on the worker, run by the session in its batches (the first step
 * alone, the others side by side), or a task (the form's kinit). Steps work
 * on a copy of the target (the target step fills in its defaults there)
 * while the UI draws from the wizard's own; the copy becomes the wizard's
 * target when the job ends. Each batch's results are handed over as it ends.
 */
/*
 * The sweep screen (wizsweep.c): a sweep on the worker as a task, with a
 * copy of the wizard's run and options of its own. The worker writes
 * progress (atomics, read by the UI whenever it draws) and res; the UI
 * takes res once the worker is joined. last is the UI's: kept apart from
 * the steps' results, so that it is never diagnosed as the user's.
 */
struct wiz_sweep {
	struct ew_sweep_progress progress;
	struct ew_sweep_opts opts;
	char cause[64];			/* "": every cause a sweep finds */
	const char *cause_v[1];
	struct ew_run run;
	struct ew_target *target;
	struct ew_step_result *res;	/* the worker's until the task is done */
	int running;
	int shown;			/* the screen is open (under help, a question) */
	long long t0, users_t0, duration_ms;
	struct ew_step_result *last;	/* the last sweep's result */
	char *text;			/* its report (ew_sweep_text) */
	size_t top;
};

struct ui;
struct job {
	pthread_t th;
	const struct ew_step *steps[MAX_STEPS];
	size_t n;			/* 0: a task, not steps */
	struct ew_session *session;
	struct ew_run run;
	struct ew_target *target;
	atomic_int cancel;		/* set by the UI, read by the step's threads */
	unsigned char running[MAX_STEPS];	/* by table place: no result taken yet (UI's) */
	pthread_mutex_t mu;		/* guards res, got, ran and finished */
	struct ew_step_result *res[MAX_STEPS];	/* by table place: handed over */
	unsigned char got[MAX_STEPS];
	/* The compared identity's results (--compare), by table place too. */
	struct ew_step_result *cres[MAX_STEPS];
	unsigned char cgot[MAX_STEPS];
	size_t ran;			/* how many steps the session ran */
	int finished;
	int wake_fd;
	/* A task (the form's kinit): task on the worker, then done on the UI thread. */
	void (*task)(void *arg, atomic_int *cancel);
	void (*done)(struct ui *u, void *arg, int cancelled);
	void *arg;
};

struct ui {
	struct ew_wizard *w;
	size_t nsteps;			/* steps of the table, then the summary */
	struct ew_step_result *res[MAX_STEPS];
	struct ew_step_result *cres[MAX_STEPS];	/* the compared identity's */
	size_t cur;			/* selected step (nsteps: the summary) */
	size_t sel;			/* selected finding (on the summary: cause) */
	size_t top;			/* first finding shown */
	enum pane pane;
	int data_view;
	size_t left;			/* data view: first column shown (h/l) */
	enum overlay ov;
	char **ov_lines;		/* text of the overlay */
	size_t ov_n, ov_top;
	char ov_title[128];
	int ov_help;			/* the overlay is a help topic */
	int ov_identities;		/* the user beside the compared identity:
					 * 1 the rows that differ, 2 every row */
	char message[4400];		/* one line above the key bar */
	struct job *job;		/* running, or NULL */
	int wake[2];
	int err_pipe[2];
	int saved_stderr;
	int spin;
	int run_all;			/* 'a': go on with the next step not run */
	/* c: the check before and, once every step ran again, the comparison
	 * (wizcompare.c); comparing while the steps run again. */
	struct ew_wiz_compare *cmp;
	int comparing;
	int too_small;
	/* The summary as last laid out: how many causes it lists, the line of
	 * the selected one, and whether a move of the selection must bring it
	 * into view. */
	size_t ncauses;
	size_t cause_line;
	int follow_cause;
	/* The report made from the results, its comparison and diagnosis:
	 * made once after each change of the results or the target (a redraw
	 * makes none of them again). */
	int report_made, comparison_made;
	struct ew_comparison *comparison;
	struct ew_diagnosis *diagnosis;
	FORM *form;
	FIELD *fields[NFIELDS + 1];
	char *bind_dn;			/* a simple bind chosen in the form */
	struct ew_secret bind_pw;	/* its password (locked); wiped at the end */
	char kinit_cache[256];		/* a TGT got in the form; destroyed at the end */
	WINDOW *form_win, *form_sub;
	PANEL *form_panel;
	struct wiz_paste paste;
	struct wiz_sweep sweep;
};


/* wizard.c */
/* A step, after the first step (the target) when that has not run yet. */
void ew_wiz_start_job(struct ui *u, size_t step, unsigned extra_flags);
/* Steps (places in the table) side by side, ordered by the session. */
void ew_wiz_start_steps(struct ui *u, const size_t *places, size_t n, unsigned extra_flags);
/* Whether the step list shows step i: the client step only once the target
 * has some of the client's output (or it has a result). */
int ew_wiz_step_shown(const struct ui *u, size_t i);
/* Whether step i is in the running job and has no result yet. */
int ew_wiz_job_runs(const struct ui *u, size_t i);
/* task(arg, cancel) on the worker; done(u, arg, cancelled) on the UI thread
 * once it is back (also when the wizard ends). 0, or -1 (a job runs, or no thread). */
int ew_wiz_start_task(struct ui *u, void (*task)(void *, atomic_int *),
		      void (*done)(struct ui *, void *, int), void *arg);
/* The report from the results, when they or the target changed since. */
void ew_wiz_rebuild_report(struct ui *u);
/* The results or the target changed: the report, its comparison and its
 * diagnosis are made again when next asked for. */
void ew_wiz_results_changed(struct ui *u);
/* The report shown (a saved transcript's, or made from the results), its
 * comparison (NULL: none) and its diagnosis (NULL: out of memory); owned by u. */
const struct ew_report *ew_wiz_report(struct ui *u);
const struct ew_comparison *ew_wiz_comparison(struct ui *u);
const struct ew_diagnosis *ew_wiz_diagnosis(struct ui *u);
void ew_wiz_save_report(struct ui *u);

/* wizdraw.c */
void ew_wiz_put(WINDOW *win, int y, int x, int width, const char *s);
/* The mark of a cut value: "…", or "~" with --ascii or a locale without UTF-8. */
const char *ew_wiz_cut_mark(const struct ui *u);
/* A window's border from the glyph table. */
void ew_wiz_box(const struct ui *u, WINDOW *win);
void ew_wiz_draw(struct ui *u);
void ew_wiz_colors(int on);

/* wizviews.c */
void ew_wiz_data_lines(const struct ui *u, size_t i, char ***v, size_t *n, int width,
		       int whole);
void ew_wiz_summary_lines(struct ui *u, char ***v, size_t *n, int width);
void ew_wiz_overlay_close(struct ui *u);
void ew_wiz_open_help(struct ui *u);
/* A help topic by name (the sweep screen's). */
void ew_wiz_open_help_topic(struct ui *u, const char *name);
void ew_wiz_open_details(struct ui *u);
/* The summary's selected cause: its evidence, fix and how to confirm. */
void ew_wiz_open_cause(struct ui *u);
/* The user beside the compared identity (--compare): the rows that differ,
 * or every row with all set. */
void ew_wiz_open_identities(struct ui *u, int all);
/* Whether there is a compared identity with results to show. */
int ew_wiz_identities_offered(const struct ui *u);

/* wizkeys.c */
void ew_wiz_draw_keys(const struct ui *u);
/* Returns 1 to quit. */
int ew_wiz_key(struct ui *u, int ch);

/* wizcompare.c */
/* c: keep the check as it is, run every step again (or say why not). */
void ew_wiz_compare_start(struct ui *u);
/* The steps of c ended (cancelled, or complete: every step ran). */
void ew_wiz_compare_end(struct ui *u, int cancelled, int complete);
/* Whether c can run: the summary, every step run, nothing running, not a view. */
int ew_wiz_compare_offered(const struct ui *u);
/* The comparison as lines for the top of the summary (none when there is none). */
void ew_wiz_compare_lines(const struct ui *u, char ***v, size_t *n, int width);
/* No comparison any more (the target changed, the wizard ends). */
void ew_wiz_compare_drop(struct ui *u);

/* wizform.c */
void ew_wiz_form_open(struct ui *u);
void ew_wiz_form_close(struct ui *u);
void ew_wiz_form_key(struct ui *u, int ch);
/* The form's window onto the screen, with a ticket request's progress. */
void ew_wiz_form_draw(struct ui *u);

/* wizclient.c */
/* v: the client pane (or why not: a saved transcript, a step running, no
 * room for another text). */
void ew_wiz_client_open(struct ui *u);
/* Closed (Esc, the end of the wizard): what it holds is dropped; the texts
 * given before stay. The terminal stops bracketing pastes. */
void ew_wiz_client_close(struct ui *u);
/* A key or, inside a paste, a byte for the pane. */
void ew_wiz_client_key(struct ui *u, int ch);
/* Ctrl-D: the text typed so far is taken (on an empty line). */
void ew_wiz_client_end(struct ui *u);
void ew_wiz_client_draw(struct ui *u, WINDOW *win, int h, int w);

/* wizsweep.c */
/* A sweep for cause (NULL: every cause a sweep finds), on the sweep screen. */
void ew_wiz_sweep_start(struct ui *u, const char *cause);
/* f on the summary: the selected cause, or which causes a sweep can find. */
void ew_wiz_sweep_find_others(struct ui *u);
int ew_wiz_sweep_runs(const struct ui *u);
/* The screen closed (not while the sweep runs). */
void ew_wiz_sweep_close(struct ui *u);
void ew_wiz_sweep_scroll(struct ui *u, int ch);
void ew_wiz_sweep_draw(struct ui *u);
/* The last sweep's report as text, for the saved report (NULL: none). */
const char *ew_wiz_sweep_text(const struct ui *u);
void ew_wiz_sweep_free(struct ui *u);

#endif
