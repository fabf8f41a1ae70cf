/*
 * clisession.h - the session of a command run from the command line
 * (check, the wizard, sweep): its settings from the options parsed, the
 * steps planned, opened; what goes wrong said on standard error.
 */
#ifndef EW_CLISESSION_H
#define EW_CLISESSION_H

#include <stdatomic.h>
#include <stddef.h>

struct ew_opts;
struct ew_session;

/*
 * A session of command ("check", "wizard", "sweep") with o's target,
 * transcript, timeouts and login, stopped by cancel, the steps ids planned
 * (nids 0: all), opened (warm: the directory warmed up whatever the plan).
 * NULL with the exit status in *rc (EW_EXIT_USAGE) after a message.
 */
struct ew_session *ew_cli_session(const struct ew_opts *o, const char *command, int warm,
				  atomic_int *cancel, const char *const *ids, size_t nids,
				  int *rc);

#endif
