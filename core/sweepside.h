/*
 * sweepside.h - what the sweep reads beside the users, each on a connection
 * and a thread of its own: the number of users under the base (for the
 * progress: users_total), and the forest's SPNs from the global catalog (a
 * domain controller's when no global catalog answers): the problem lines
 * of spn-duplicate and spn-missing. They stop on a flag of their own, set by
 * ew_sweep_side_end when the user stops or when told.
 */
#ifndef EW_SWEEPSIDE_H
#define EW_SWEEPSIDE_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "run.h"
#include "sweeprules.h"

#define EW_SWEEP_PAGE 1000		/* AD's MaxPageSize */
#define EW_SWEEP_PAGE_TIMEOUT_MS 60000	/* a DC may work out a whole search first */
#define EW_SWEEP_USER_FILTER "(&(objectCategory=person)(objectClass=user))"

/* The counters the helpers add to (the sweep's progress, sweep.h). */
struct ew_sweep_counters {
	atomic_long *users_total;	/* set once counted */
	atomic_long *spns;		/* SPNs read */
	atomic_long *problems;		/* problem lines found */
};

struct ew_target;

struct ew_sweep_count {
	struct ew_run run;
	struct ew_target *target;
	const char *base;
	struct ew_sweep_counters pr;
	long n;
	pthread_t th;
	int started;
	atomic_int done;		/* the thread has ended its work */
};

struct ew_sweep_spn {
	struct ew_run run;
	struct ew_target *target;
	struct ew_sweep_counters pr;
	int duplicates, missing;	/* what to look for */
	struct ew_sweep_spns *spns;
	json_t *problems;
	int read;			/* every page came */
	char why[512];			/* !read: why */
	char scope[16];			/* "forest", or "domain" (no global catalog) */
	char *gc;
	int exch_read;
	char exch_why[512];
	size_t nservers;
	pthread_t th;
	int started;
	atomic_int done;		/* the thread has ended its work */
};

struct ew_sweep_side {
	struct ew_sweep_count count;
	struct ew_sweep_spn spn;
	atomic_int cancel;		/* the helpers stop on this */
};

/*
 * Start the count of the users under base, and the SPNs' pass when
 * duplicates or missing is asked for (x zeroed first), adding to pr.
 * 0, or -1 when the SPNs' pass could not start (out of memory, no thread).
 */
int ew_sweep_side_start(struct ew_sweep_side *x, const struct ew_run *run, const char *base,
			const struct ew_sweep_counters *pr, int duplicates, int missing);
/* Wait for both to end; stop them at once when stop_now, or as soon as
 * user_cancel is set. */
void ew_sweep_side_end(struct ew_sweep_side *x, int stop_now, const atomic_int *user_cancel);
/* What they kept (after ew_sweep_side_end). */
void ew_sweep_side_free(struct ew_sweep_side *x);

#endif
