/*
 * sweepcmd.h - `exwizard sweep`: the session (target settled, transcript),
 * the sweep run as a step, a progress line on standard error when it is a
 * terminal, and the report as text, JSON or CSV on standard output or in
 * the file of -o. No curses.
 */
#ifndef EW_SWEEPCMD_H
#define EW_SWEEPCMD_H

#include <jansson.h>
#include <stdatomic.h>

struct ew_opts;

/*
 * Runs the sweep; cancel is set (by a signal) to stop it: the report is then
 * partial. Returns the exit status: 0 nothing found, 1 nothing found but not
 * everything checked, 2 problems found, 3 usage or configuration error, 4
 * nothing could be read.
 */
int ew_sweep_cmd(const struct ew_opts *o, atomic_int *cancel);

/* The exit status of a sweep's data ({"sweep", "problems", "not_checked"}):
 * 2 problems, 1 partial or not all checked, 0 neither, 4 no sweep in it. */
int ew_sweep_exit_code(const json_t *data);

#endif
