/*
 * spawn.h - run a helper program with execve and a fixed argument vector:
 * no shell, a minimal environment, standard input from /dev/null, output
 * captured, a bounded wait (the helper is killed past it).
 */
#ifndef EW_SPAWN_H
#define EW_SPAWN_H

#include <stddef.h>

/*
 * Run path with argv (argv[0] first, NULL-terminated). Returns the exit
 * status (0-255), or -1 with the reason in err (not found, killed, timed
 * out). What it printed (stdout and stderr, cleaned, at most outlen-1
 * bytes) goes to out.
 */
int ew_spawn(const char *path, char *const argv[], int timeout_ms,
	     char *out, size_t outlen, char *err, size_t errlen);

#endif
