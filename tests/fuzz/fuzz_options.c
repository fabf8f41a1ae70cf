/*
 * libFuzzer target: the command line (tui/options.c). The input is the
 * arguments after argv[0], separated by NUL bytes (at most 64). The parser's
 * messages (usage errors, --help, --version) go to /dev/null.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "target.h"

#define MAX_ARGS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null = fopen("/dev/null", "w");

	(void)argc;
	(void)argv;
	/*
	 * Quieten the parser (usage errors on stderr, --help and --version on
	 * stdout) by pointing the stdio streams elsewhere (glibc lets a program
	 * assign them). Not dup2() onto fd 2: libFuzzer kept the old stderr
	 * FILE for its statistics, and the sanitizers write to fd 2 directly,
	 * so reports still show.
	 */
	if (null) {
		stdout = null;
		stderr = null;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	struct ew_opts o = {0};
	char *buf;
	size_t i, start = 0;
	int argc = 0;

	/* One NUL past the end, so the last argument is terminated too. */
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "exwizard";
	for (i = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (buf[i] != '\0')
			continue;
		if (i < size || i > start)	/* no empty argument from the end NUL alone */
			argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;

	o.target = ew_target_new();
	if (o.target)
		ew_options_parse(argc, argv, &o);
	/* The parser never fills bind_pw (main reads the password later), so
	 * there is nothing to wipe here. */
	ew_target_free(&o.target);
	free(buf);
	return 0;
}
