/* testutil.h - small helpers shared by the cmocka test programs. */
#ifndef EW_TESTUTIL_H
#define EW_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "finding.h"
#include "result.h"
#include "text.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The helpers are static inline so that a test program that does not use one
 * gets no unused-function warning.
 */

/* 1 if s[0..n) holds a byte a terminal acts on: C0 controls other than
 * '\n', and DEL. */
static inline int tu_has_raw_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return 1;
	}
	return 0;
}

/* Number of code points of a UTF-8 line (continuation bytes not counted). */
static inline size_t tu_columns(const char *s, size_t n)
{
	size_t i, cols = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cols++;
	return cols;
}

/* A fresh private directory under $TMPDIR (or /tmp); the caller frees it. */
static inline char *tu_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path;
	size_t n;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	n = strlen(tmp) + sizeof("/exwiz-test-XXXXXX");
	path = malloc(n);
	assert_non_null(path);
	snprintf(path, n, "%s/exwiz-test-XXXXXX", tmp);
	assert_non_null(mkdtemp(path));
	return path;
}

static inline int tu_rm_one(const char *path, const struct stat *st, int type,
			    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* rm -rf path (symbolic links are removed, not followed). */
static inline void tu_rm_rf(const char *path)
{
	if (path)
		nftw(path, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* path joined with name; the caller frees it. */
static inline char *tu_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The whole file (NUL-terminated, length in *len); NULL if it cannot be read. */
static inline char *tu_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *b;

			cap = cap ? cap * 2 : 8192;
			b = realloc(buf, cap);
			if (b == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = b;
		}
		got = fread(buf + n, 1, 4096, fp);
		n += got;
		if (got < 4096)
			break;
	}
	fclose(fp);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Write exactly n bytes to a new or truncated file. */
static inline void tu_write_file(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* Append exactly n bytes to a file. */
static inline void tu_append_file(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "ab");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* Every string of every finding of a step result is clean (no raw control
 * bytes, valid UTF-8). */
static inline void tu_assert_text_clean(const char *s)
{
	assert_non_null(s);
	assert_false(tu_has_raw_control(s, strlen(s)));
	assert_true(ew_text_is_clean(s, strlen(s)));
}

static inline void tu_assert_findings_clean(const struct ew_step_result *res)
{
	size_t i, k;

	for (i = 0; i < res->nfindings; i++) {
		const struct ew_finding *f = res->findings[i];

		assert_non_null(f);
		tu_assert_text_clean(f->check);
		tu_assert_text_clean(f->title);
		if (f->detail)
			tu_assert_text_clean(f->detail);
		if (f->remedy)
			tu_assert_text_clean(f->remedy);
		if (f->help)
			tu_assert_text_clean(f->help);
		for (k = 0; k < f->nevidence; k++)
			tu_assert_text_clean(f->evidence[k]);
	}
}

/* The cause of the diagnosis finding f proves (causes.h); NULL: none. */
static inline void tu_assert_cause(const struct ew_finding *f, const char *cause)
{
	assert_non_null(f);
	if (cause == NULL) {
		assert_null(f->cause);
		return;
	}
	assert_non_null(f->cause);
	assert_string_equal(f->cause, cause);
}

/*
 * A file of the lab's client files (tests/lab/client): under
 * $EXWIZ_TOP/tests/lab/client, else under dir (the source tree's, from the
 * Makefile); its bytes (length in *len), or a failed test that says where.
 */
static inline char *tu_clientlab_slurp(const char *dir, const char *name, size_t *len)
{
	const char *top = getenv("EXWIZ_TOP");
	char path[4096], *buf;

	if (top && top[0])
		snprintf(path, sizeof(path), "%s/tests/lab/client/%s", top, name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf = tu_slurp(path, len);
	if (buf == NULL)
		fail_msg("cannot read %s (set EXWIZ_TOP to the source tree): %s", path,
			 strerror(errno));
	return buf;
}

#endif
