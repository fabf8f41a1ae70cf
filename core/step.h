/*
 * step.h - the step table. One table (ew_steps) drives the wizard,
 * `exwizard check` and the tests: each entry names a step, its help topic,
 * its run function (run.h says what a step is and runs it) and its flags.
 */
#ifndef EW_STEP_H
#define EW_STEP_H

#include <stddef.h>

#include "result.h"
#include "run.h"

extern const struct ew_step ew_steps[];
extern const size_t ew_nsteps;

const struct ew_step *ew_step_find(const char *id);
/* r's setup flag and data kind from the table entry of its id (a result
 * read back from a transcript or a JSON report). */
void ew_step_result_from_table(struct ew_step_result *r);
/* The first step whose flags have flag (EW_STEP_*), or NULL. */
const struct ew_step *ew_step_with(unsigned flag);

#endif
