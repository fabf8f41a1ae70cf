/*
 * sweep.h - who else is affected: every user of the domain (or under a
 * base DN) judged by the causes a directory can decide alone (token too
 * large, SID limit, half-moved mailbox, mailbox descriptor, protected
 * account with a mailbox), and the forest's SPNs (duplicates, the Exchange
 * servers' SPNs no account holds). Paged searches streamed page by page,
 * the next page asked for while the last is judged; the groups read once
 * as a graph; the users counted, the SPNs read from the global catalog, on
 * connections of their own beside the users. Memory grows with the groups,
 * the SPNs and the problems found, not with the users. What the reader may
 * not read is counted and said, never taken for absent. Runs as a step
 * (its findings and data in the transcript like any step's), stopped by
 * the run's cancel flag: then partial, with what was covered.
 */
#ifndef EW_SWEEP_H
#define EW_SWEEP_H

#include <stdatomic.h>
#include <stddef.h>

#include "run.h"

#define EW_SWEEP_LARGEST 10		/* the largest tokens listed */

enum ew_sweep_phase { EW_SWEEP_STARTING, EW_SWEEP_GROUPS, EW_SWEEP_USERS, EW_SWEEP_FINISHING,
		      EW_SWEEP_DONE };

/* How far it got; written by the sweep, read by anyone at any time. */
struct ew_sweep_progress {
	atomic_int phase;		/* enum ew_sweep_phase */
	atomic_long groups;		/* groups read */
	atomic_long users_done;		/* users judged */
	atomic_long users_total;	/* -1 until counted */
	atomic_long problems;		/* problems found so far */
	atomic_long spns;		/* SPNs read */
};

struct ew_sweep_opts {
	const char *base;		/* the users under this DN; NULL: the domain */
	const char *const *causes;	/* only these (ew_sweep_causes); none: all */
	size_t ncauses;
	struct ew_sweep_progress *progress;	/* may be NULL */
	/* Called on the sweeping thread after each page of users (may be NULL). */
	void (*on_page)(void *arg);
	void *on_page_arg;
};

/*
 * The step: run->sweep holds the options. Its data: {"sweep": {base, users,
 * mailboxes, disabled, groups, spns, duration_ms, partial, covered, read_as,
 * dc, gc, notes}, "problems": [{account, dn, cause, title, evidence, check,
 * severity}], "counts": {cause: n}, "not_checked": [{what, users, causes,
 * text}], "largest_tokens": [...]}; its findings: one SWEEP finding per
 * cause found (the accounts as evidence), a skip per thing not checked.
 */
int ew_sweep_step(struct ew_run *run, struct ew_step_result *res);
extern const struct ew_step ew_sweep_step_def;

#endif
