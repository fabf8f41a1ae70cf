/*
 * wizard.h - the interactive wizard: an ncurses front end over the step
 * table. A header (realm, user, Exchange server, the recording indicator),
 * the step list with each step's status, the step pane (what it checks, the
 * findings, the step's data as tables), details and help on request, and a
 * summary. The session runs the steps on a worker thread, side by side as
 * `check` does; the UI stays live and Esc cancels.
 */
#ifndef EW_WIZARD_H
#define EW_WIZARD_H

#include <stdatomic.h>

struct ew_report;
struct ew_run;
struct ew_session;

struct ew_wizard {
	struct ew_session *session;	/* runs the steps, records; NULL: a saved one */
	struct ew_run *run;		/* the session's: target, transcript, options */
	struct ew_report *report;	/* the session's: the latest result of each step */
	const char *transcript_path;	/* NULL: not recorded */
	int ascii;			/* ASCII line drawing */
	int color;			/* colours (off: NO_COLOR or --no-color) */
	atomic_int *quit;		/* set by SIGTERM/SIGHUP */
	const struct ew_report *view;	/* non-NULL: show a saved transcript, read-only */
};

/* Run the wizard until the user quits; the terminal is restored on return. */
int ew_wizard_run(struct ew_wizard *w);

#endif
