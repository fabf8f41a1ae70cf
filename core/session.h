/*
 * session.h - one diagnosis session, the same for `exwizard check` and the
 * wizard: plan the steps (plan.h's rules), open it (the report, the
 * transcript and its "session" event), run steps in batches, record what the
 * user gave and did, close it (the "end" event) with its exit status. The
 * session is the one writer of the transcript's session, input, action, note
 * and end events (the steps' own events are run.h's). It owns the report and
 * the transcript; the target stays the caller's. Nothing here prints.
 */
#ifndef EW_SESSION_H
#define EW_SESSION_H

#include <jansson.h>
#include <stddef.h>

#include "run.h"

struct ew_report;
struct ew_session;

enum ew_transcript_choice {
	EW_TRANSCRIPT_DEFAULT,	/* the default place; none (and a note) if it fails */
	EW_TRANSCRIPT_PATH,	/* transcript_path, which must not exist */
	EW_TRANSCRIPT_NONE,
};

struct ew_session_opts {
	const char *command;		/* "check" or "wizard": the session event's */
	struct ew_run run;		/* target, cancel flag, flags, timeouts, bind */
	enum ew_transcript_choice transcript;
	const char *transcript_path;
	const char *host;		/* NULL: gethostname() */
	const char *version;
	int warm_directory;		/* warm the directory up whatever the plan */
};

/* A session not yet open; NULL when out of memory. */
struct ew_session *ew_session_new(const struct ew_session_opts *o);
void ew_session_free(struct ew_session **s);

/*
 * The steps to run: ids as given on the command line (nids 0: every step).
 * 0, or -1 with the usage error in err ("unknown step 'NAME'").
 */
int ew_session_plan(struct ew_session *s, const char *const *ids, size_t nids,
		    char *err, size_t errlen);

/*
 * Warms the directory up (when a planned step reads it, or always with
 * warm_directory), makes the report, opens the transcript and writes the
 * "session" event. 0; 1 when the default transcript could not be made (the
 * session goes on without one; err says why, the report has a note); -1 when
 * the chosen transcript cannot be made or out of memory (err says why).
 */
int ew_session_open(struct ew_session *s, char *err, size_t errlen);

/*
 * Called with each step result as its batch ends, in plan order (the
 * compared identity's after the user's, compared set), on the thread that
 * runs the steps; the callee owns res (NULL: out of memory).
 */
typedef void (*ew_session_took_fn)(void *arg, const struct ew_step *step,
				   struct ew_step_result *res, int compared);

/*
 * Runs steps in plan order and batches (see plan.h) with run (NULL: the
 * session's settings; the wizard passes its own target copy and cancel
 * flag), until run->cancel is set or a first step fails (a configuration
 * error). After a first step the target it settled goes into the report and
 * an "input" event. took NULL: each result goes into the report. Returns
 * how many of the n steps ran.
 */
size_t ew_session_run_steps(struct ew_session *s, struct ew_run *run,
			    const struct ew_step **steps, size_t n,
			    ew_session_took_fn took, void *arg);

/* `check`: runs the planned steps into the report, with the notes on a run
 * stopped by a signal or by a configuration error. Returns how many results
 * were lost for want of memory. */
int ew_session_run_plan(struct ew_session *s);

/* Events of what the user gave and did (fields taken over; nothing happens
 * without a transcript or with s NULL): "input", "action" {what, text}, "note" {source, text}. */
void ew_session_input(struct ew_session *s, json_t *fields);
struct ew_client_text;
/* A text the user's client showed, as given (decoded to UTF-8), in an input
 * event of the transcript ("source": "client"). */
void ew_session_client_text(struct ew_session *s, const struct ew_client_text *c);
void ew_session_action(struct ew_session *s, const char *what, const char *text);
void ew_session_note(struct ew_session *s, const char *source, const char *text);

/*
 * The "end" event (summary, exit status, cancelled) and the transcript
 * closed. Returns the exit status: EW_EXIT_USAGE after a configuration error,
 * else the report's. *write_failed (may be NULL) says whether the transcript
 * may be incomplete (the report then has a note).
 */
int ew_session_close(struct ew_session *s, int *write_failed);

struct ew_report *ew_session_report(struct ew_session *s);
/* The settings steps run with (its target is the caller's). */
struct ew_run *ew_session_run(struct ew_session *s);
/* Whether the latest first step failed: the target cannot be diagnosed. */
int ew_session_config_error(const struct ew_session *s);

#endif
