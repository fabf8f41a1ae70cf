#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

void ew_secret_protect_process(void)
{
	struct rlimit none = { 0, 0 };

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &none);
}

/*
 * A page of its own, not heap: locked (kept out of swap, best effort),
 * left out of core dumps (MADV_DONTDUMP: also what gcore honours) and
 * unmapped when wiped, so no copy is left behind in a freed heap chunk.
 */
static int secret_alloc(struct ew_secret *s, char *err, size_t errlen)
{
	void *p;

	s->len = 0;
	p = mmap(NULL, EW_SECRET_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		s->buf = NULL;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	madvise(p, EW_SECRET_MAX, MADV_DONTDUMP);
	mlock(p, EW_SECRET_MAX);
	s->buf = p;
	return 0;
}

void ew_secret_wipe(struct ew_secret *s)
{
	if (s->buf == NULL)
		return;
	explicit_bzero(s->buf, EW_SECRET_MAX);
	munlock(s->buf, EW_SECRET_MAX);
	munmap(s->buf, EW_SECRET_MAX);
	s->buf = NULL;
	s->len = 0;
}

static void strip_newline(struct ew_secret *s)
{
	while (s->len > 0 && (s->buf[s->len - 1] == '\n' || s->buf[s->len - 1] == '\r'))
		s->buf[--s->len] = '\0';
}

int ew_secret_from_file(struct ew_secret *s, const char *path, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: must be yours and readable by you only (chmod 600); "
			 "it is mode %03o", path, (unsigned)(st.st_mode & 0777));
		close(fd);
		return -1;
	}
	if (secret_alloc(s, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	n = read(fd, s->buf, EW_SECRET_MAX - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		ew_secret_wipe(s);
		return -1;
	}
	s->len = strcspn(s->buf, "\n");
	s->buf[s->len] = '\0';
	strip_newline(s);
	if (s->len == 0) {
		snprintf(err, errlen, "%s: empty password", path);
		ew_secret_wipe(s);
		return -1;
	}
	return 0;
}

int ew_secret_from_text(struct ew_secret *s, const char *text, size_t len, char *err,
			size_t errlen)
{
	if (len == 0) {
		s->buf = NULL;
		s->len = 0;
		snprintf(err, errlen, "empty password");
		return -1;
	}
	if (len >= EW_SECRET_MAX) {
		s->buf = NULL;
		s->len = 0;
		snprintf(err, errlen, "password too long");
		return -1;
	}
	if (secret_alloc(s, err, errlen) != 0)
		return -1;
	memcpy(s->buf, text, len);
	s->buf[len] = '\0';
	s->len = len;
	return 0;
}

static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved;

static void restore_and_die(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

int ew_secret_from_tty(struct ew_secret *s, const char *prompt, char *err, size_t errlen)
{
	struct sigaction sa, old_int, old_term, old_hup;
	struct termios quiet;
	ssize_t n;
	int fd, rc = -1;
	char c;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || tcgetattr(fd, &tty_saved) != 0) {
		snprintf(err, errlen, "no terminal to ask the password on (use --password-file)");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (secret_alloc(s, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_and_die;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	tty_fd = fd;
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON | ISIG;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		snprintf(err, errlen, "cannot turn the terminal's echo off");
		goto out;
	}
	while ((n = read(fd, &c, 1)) == 1 && c != '\n' && c != '\r') {
		if (s->len < EW_SECRET_MAX - 1)
			s->buf[s->len++] = c;
	}
	explicit_bzero(&c, sizeof(c));
	s->buf[s->len] = '\0';
	if (n < 0) {
		snprintf(err, errlen, "reading the password: %s", strerror(errno));
		goto out;
	}
	if (s->len == 0) {
		snprintf(err, errlen, "empty password");
		goto out;
	}
	rc = 0;
out:
	tcsetattr(fd, TCSAFLUSH, &tty_saved);
	tty_fd = -1;
	if (write(fd, "\n", 1) < 0) {
		/* nothing to do: the prompt line stays open */
	}
	close(fd);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	if (rc != 0)
		ew_secret_wipe(s);
	return rc;
}
