#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int ew_spawn(const char *path, char *const argv[], int timeout_ms,
	     char *out, size_t outlen, char *err, size_t errlen)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	char raw[4096], chunk[1024];
	size_t got = 0;
	long deadline;
	int pipefd[2], status = 0, timed_out = 0;
	pid_t pid;

	if (out && outlen)
		out[0] = '\0';
	if (access(path, X_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(pipefd[1], 1) < 0 ||
		    dup2(pipefd[1], 2) < 0)
			_exit(127);
		execve(path, argv, envp);
		_exit(127);
	}
	close(pipefd[1]);
	deadline = now_ms() + timeout_ms;
	for (;;) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0) {
			timed_out = 1;
			break;
		}
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			timed_out = r == 0;
			break;
		}
		n = read(pipefd[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* Keep the beginning; read on so the helper never blocks on a full pipe. */
		if ((size_t)n > sizeof(raw) - 1 - got)
			n = (ssize_t)(sizeof(raw) - 1 - got);
		memcpy(raw + got, chunk, (size_t)n);
		got += (size_t)n;
	}
	close(pipefd[0]);
	/* The output may close before the helper ends: wait for it, bounded too. */
	while (!timed_out) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			timed_out = 1;
			break;
		}
		if (now_ms() >= deadline) {
			timed_out = 1;
			break;
		}
		usleep(10000);
	}
	if (timed_out) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	raw[got] = '\0';
	if (out && outlen) {
		char *clean = ew_text_clean(raw, got);

		snprintf(out, outlen, "%s", clean ? clean : "");
		free(clean);
	}
	if (timed_out) {
		snprintf(err, errlen, "%s did not finish within %d ms and was stopped", path,
			 timeout_ms);
		return -1;
	}
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s was killed by signal %d", path, WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}
