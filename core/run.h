/*
 * run.h - what a step is and how it runs. A step has an id, a title, a help
 * topic and a run function; the run function adds findings and structured
 * data to its result, and its return value only says whether it could run (a
 * step that could not run leaves a skip finding that says why).
 * ew_step_execute() times a step, records it in the transcript and sets its
 * status. The table of the steps is step.h's.
 */
#ifndef EW_RUN_H
#define EW_RUN_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>

#include "result.h"

struct ew_target;
struct ew_transcript;
struct ew_sweep_opts;

/* ew_run.flags */
#define EW_RUN_FLUSH 0x1	/* allowed to flush local DNS caches */

/* What a step runs with. */
struct ew_run {
	struct ew_target *target;
	struct ew_transcript *transcript;	/* NULL: not recorded */
	atomic_int *cancel;			/* set to stop; may be NULL */
	unsigned flags;
	int timeout_ms;				/* per network try */
	int tries;
	/* LDAP simple bind over StartTLS (--simple-bind); NULL: GSSAPI */
	const char *bind_dn;
	const char *bind_password;		/* not owned; wiped by the caller */
	const char *ca_file;			/* NULL: ldap.conf / LDAPTLS_CACERT */
	/* The compared identity's account (--compare) when the steps run for
	 * it: its results are marked compared and its transcript events carry
	 * "identity". NULL: the target user. */
	const char *identity;
	/* The sweep's options (sweep.h); NULL for every other step. */
	const struct ew_sweep_opts *sweep;
};

/* Whether the user asked to stop. */
int ew_run_cancelled(const struct ew_run *run);
/* A "probe" event (what was asked, of whom, what came back) in the transcript. */
void ew_run_probe(struct ew_run *run, const char *step, json_t *fields);
void ew_run_note(struct ew_run *run, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

typedef int (*ew_step_fn)(struct ew_run *run, struct ew_step_result *res);

struct ew_step {
	const char *id;
	const char *title;
	const char *help;	/* help topic */
	const char *summary;	/* one line: what it checks */
	ew_step_fn run;
	unsigned flags;		/* EW_STEP_* */
	enum ew_data_kind data;
};

/* ew_step.flags */
#define EW_STEP_SETUP 0x1	/* settles the target; diagnoses nothing by itself */
#define EW_STEP_FIRST 0x2	/* always planned, runs first and alone: the others
				 * need what it settles; its failure stops a session */
#define EW_STEP_ALONE_WHEN_FLUSHING 0x4	/* with EW_RUN_FLUSH it runs by itself, so
					 * the steps after it see the flushed caches */
#define EW_STEP_DIRECTORY 0x8	/* reads the directory (warmed up beforehand) */
#define EW_STEP_IDENTITY 0x10	/* about the user: runs for the compared identity
				 * too (--compare), beside the user's */
#define EW_STEP_CACHE 0x20	/* shows a credential cache's tickets: for the
				 * compared identity it runs with that identity's
				 * own cache, and not at all without one */
#define EW_STEP_CLIENT 0x40	/* reads what the user's Windows client showed (the
				 * target's client texts): planned only when there
				 * are some, or when named */

/*
 * Run one step: start event, the step, its findings and end event in the
 * transcript (fsync'ed), status and duration set, and the result's setup
 * flag from the step's EW_STEP_SETUP. The status is
 * EW_ST_CANCELLED when run->cancel was set by the time the step returned
 * (a step that then has no finding gets a skip saying it was cancelled);
 * else the worst of its findings. Returns the result, NULL only when out of
 * memory.
 */
struct ew_step_result *ew_step_execute(const struct ew_step *step, struct ew_run *run);

/*
 * Run n steps side by side, step i with runs[i], each on its own thread (none
 * of the steps after the target step needs another's result), and wait for
 * all of them: every network wait in a step is bounded, and each step sees
 * its run's cancel flag. out[i] is step i's result (NULL when out of
 * memory). When a thread cannot be started, that step runs on the calling
 * thread instead.
 */
void ew_steps_execute_parallel(const struct ew_step *const *steps, size_t n,
			       struct ew_run *const *runs, struct ew_step_result **out);

#endif
