#include "transcript.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

struct ew_transcript {
	pthread_mutex_t mu;	/* the wizard's worker and UI both write events */
	int fd;
	char *path;
	unsigned long seq;
	int error;
};

void ew_time_iso(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	char base[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", base, (long)(tv.tv_usec / 1000));
}

static int sync_dir_of(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd, rc = 0;

	if (dir == NULL)
		return -1;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(dir);
	return rc;
}

int ew_transcript_open(const char *path, struct ew_transcript **out,
		       char *err, size_t errlen)
{
	struct ew_transcript *t;
	int fd;

	*out = NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		int e = errno;

		if (e == EEXIST)
			snprintf(err, errlen, "%s: already exists (a transcript is never "
				 "overwritten)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	/* umask can only take bits away; make sure no other bit was inherited. */
	if (fchmod(fd, 0600) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL || (t->path = strdup(path)) == NULL) {
		free(t);
		close(fd);
		unlink(path);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->fd = fd;
	pthread_mutex_init(&t->mu, NULL);
	sync_dir_of(path);
	*out = t;
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (w == 0)
			return EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int ew_transcript_event(struct ew_transcript *t, const char *event, json_t *fields)
{
	char now[40];
	json_t *o;
	char *line;
	size_t n;
	int e;

	if (t == NULL) {
		json_decref(fields);
		return -1;
	}
	o = json_is_object(fields) ? fields : json_object();
	if (o != fields)
		json_decref(fields);
	if (o == NULL) {
		json_decref(o);
		return -1;
	}
	pthread_mutex_lock(&t->mu);
	if (t->error) {
		pthread_mutex_unlock(&t->mu);
		json_decref(o);
		return -1;
	}
	ew_time_iso(now, sizeof(now));
	json_object_set_new(o, "seq", json_integer((json_int_t)++t->seq));
	json_object_set_new(o, "time", json_string(now));
	json_object_set_new(o, "event", json_string(event));
	/* Compact, one line; JSON escapes every control character (\u001b ...). */
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (line == NULL) {
		t->error = ENOMEM;
		pthread_mutex_unlock(&t->mu);
		return -1;
	}
	n = strlen(line);
	line[n] = '\n';	/* json_dumps leaves room for the NUL; reuse it */
	e = write_all(t->fd, line, n + 1);
	free(line);
	if (e)
		t->error = e;
	pthread_mutex_unlock(&t->mu);
	return e ? -1 : 0;
}

int ew_transcript_sync(struct ew_transcript *t)
{
	int rc;

	if (t == NULL)
		return -1;
	pthread_mutex_lock(&t->mu);
	if (fsync(t->fd) != 0 && errno != EINVAL && !t->error)
		t->error = errno;
	rc = t->error ? -1 : 0;
	pthread_mutex_unlock(&t->mu);
	return rc;
}

int ew_transcript_error(const struct ew_transcript *t)
{
	return t ? t->error : 0;
}

const char *ew_transcript_path(const struct ew_transcript *t)
{
	return t ? t->path : NULL;
}

int ew_transcript_close(struct ew_transcript **tp)
{
	struct ew_transcript *t;
	int rc;

	if (tp == NULL || *tp == NULL)
		return 0;
	t = *tp;
	ew_transcript_sync(t);
	rc = t->error;
	if (close(t->fd) != 0 && rc == 0)
		rc = errno;
	pthread_mutex_destroy(&t->mu);
	free(t->path);
	free(t);
	*tp = NULL;
	return rc;
}

static int mkdir_p(char *path, mode_t mode)
{
	struct stat st;
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, mode) != 0 && errno != EEXIST)
		return -1;
	if (lstat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	/* Our own directory, readable by nobody else: transcripts name users. */
	if (st.st_uid != geteuid()) {
		errno = EPERM;
		return -1;
	}
	if ((st.st_mode & 07777) != mode && chmod(path, mode) != 0)
		return -1;
	return 0;
}

char *ew_transcript_default_path(char *err, size_t errlen)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char host[256] = "host", stamp[32];
	struct passwd *pw;
	struct tm tm;
	time_t now;
	char *dir, *path, *p;

	if (state == NULL || state[0] != '/') {
		if (home == NULL || home[0] != '/') {
			pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (home == NULL) {
			snprintf(err, errlen, "no home directory for the transcript; use -o FILE");
			return NULL;
		}
		dir = ew_strprintf("%s/.local/state/exwizard", home);
	} else {
		dir = ew_strprintf("%s/exwizard", state);
	}
	if (dir == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (mkdir_p(dir, 0700) != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	for (p = host; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			*p = '_';
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	path = ew_strprintf("%s/exwizard-%s-%s.jsonl", dir, host, stamp);
	free(dir);
	if (path == NULL)
		snprintf(err, errlen, "out of memory");
	return path;
}

int ew_transcript_open_default(struct ew_transcript **out, char *err, size_t errlen)
{
	char *path, *alt;
	size_t len;
	int i, rc;

	*out = NULL;
	path = ew_transcript_default_path(err, errlen);
	if (path == NULL)
		return -1;
	rc = ew_transcript_open(path, out, err, errlen);
	len = strlen(path) - strlen(".jsonl");
	for (i = 2; rc != 0 && errno == EEXIST && i < 100; i++) {
		alt = ew_strprintf("%.*s-%d.jsonl", (int)len, path, i);
		if (alt == NULL)
			break;
		rc = ew_transcript_open(alt, out, err, errlen);
		free(alt);
	}
	free(path);
	return rc;
}
