/*
 * plan.h - which steps a session runs, in what order and in which batches,
 * from the step table's flags alone (no network, nothing run): the
 * EW_STEP_FIRST steps lead and run alone, an EW_STEP_ALONE_WHEN_FLUSHING step
 * runs alone under EW_RUN_FLUSH, the others run side by side.
 */
#ifndef EW_PLAN_H
#define EW_PLAN_H

#include <stddef.h>

#include "run.h"

/*
 * The steps named by ids (nids 0: every step of the table, in its order),
 * each once, after the table's EW_STEP_FIRST steps (planned whether named or
 * not), into out (at most max). Returns how many, or -1 with a message for
 * the user in err ("unknown step 'NAME'").
 */
int ew_plan_steps(const struct ew_step *table, size_t ntable, const char *const *ids,
		  size_t nids, const struct ew_step **out, size_t max, char *err, size_t errlen);

/* Moves the EW_STEP_FIRST steps of v to its front; the others keep their order. */
void ew_plan_order(const struct ew_step **v, size_t n);

/*
 * How many steps from todo[i] on run together as one batch (at least 1 when
 * i < n): a first step alone; under EW_RUN_FLUSH in run_flags a flushing step
 * alone; else every step up to the next that runs alone.
 */
size_t ew_plan_batch(const struct ew_step *const *todo, size_t n, size_t i,
		     unsigned run_flags);

/* Whether one of the steps reads the directory (EW_STEP_DIRECTORY). */
int ew_plan_needs_directory(const struct ew_step *const *todo, size_t n);

#endif
