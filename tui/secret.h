/*
 * secret.h - passwords: from the terminal without echo, or from a file that
 * only its owner can read; held in locked memory, wiped after use; the
 * process made non-dumpable first so no core file can hold one.
 */
#ifndef EW_SECRET_H
#define EW_SECRET_H

#include <stddef.h>

#define EW_SECRET_MAX 1024

struct ew_secret {
	char *buf;		/* EW_SECRET_MAX bytes, locked */
	size_t len;
};

/* Non-dumpable, no core files. Call before any secret is read. */
void ew_secret_protect_process(void);
/* Read the first line of path (mode 0600 or stricter, ours, a regular file). */
int ew_secret_from_file(struct ew_secret *s, const char *path, char *err, size_t errlen);
/* Ask on the controlling terminal with echo off. */
int ew_secret_from_tty(struct ew_secret *s, const char *prompt, char *err, size_t errlen);
/* A copy of the first len bytes of text (a password typed into a form). */
int ew_secret_from_text(struct ew_secret *s, const char *text, size_t len, char *err,
			size_t errlen);
/* Wipe and free. */
void ew_secret_wipe(struct ew_secret *s);

#endif
