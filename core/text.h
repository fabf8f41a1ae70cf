/*
 * text.h - strings that came from the network or a file, made safe to keep and
 * to show.
 *
 * Directory and DNS data may hold anything: terminal escape sequences, CR,
 * NUL, invalid UTF-8, bidirectional overrides. ew_text_clean() turns such
 * bytes into visible escapes (\x1b, \r, \0, \u202e) so that what is stored in
 * a transcript, a JSON report or printed on a terminal is always valid UTF-8
 * without control characters. A growable buffer for building text is here too.
 */
#ifndef EW_TEXT_H
#define EW_TEXT_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A clean copy of the first len bytes of s; NULL only when out of memory. */
char *ew_text_clean(const char *s, size_t len);
/* The same for a NUL-terminated string; s == NULL gives "". */
char *ew_text_cleanz(const char *s);
/* 1 if s needs no escaping (what ew_text_clean would return unchanged). */
int ew_text_is_clean(const char *s, size_t len);

struct ew_buf {
	char *data;	/* always NUL-terminated once something was added */
	size_t len;
	size_t cap;
	int oom;	/* an allocation failed; data holds what fitted */
};

void ew_buf_add(struct ew_buf *b, const char *s, size_t n);
void ew_buf_adds(struct ew_buf *b, const char *s);
void ew_buf_addc(struct ew_buf *b, char c);
void ew_buf_printf(struct ew_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ew_buf_vprintf(struct ew_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append s cleaned (see ew_text_clean). */
void ew_buf_add_clean(struct ew_buf *b, const char *s);
/*
 * Append s cleaned, but at most about max bytes of it: a longer s is cut at
 * a character boundary and followed by "... [N bytes in all]", so that one
 * 64 KB directory value does not fill a terminal. For the text views; JSON
 * keeps whole values.
 */
void ew_buf_add_clean_max(struct ew_buf *b, const char *s, size_t max);
#define EW_TEXT_SHOW_MAX 480
/* The text, owned by the caller (an empty string if nothing was added);
 * NULL if an allocation failed. The buffer is reset. */
char *ew_buf_take(struct ew_buf *b);
/* The n strings of v as a list: "a, b" then last ("and ", "or ") before the
 * last one: "a, b and c". */
void ew_buf_list(struct ew_buf *b, const char *const *v, size_t n, const char *last);
/* v with thousands separated: 12345 -> "12,345" (26 characters at most), in
 * buf; returns buf. */
const char *ew_thousands(long long v, char buf[32]);
/*
 * text cleaned and word-wrapped, then a newline: the first line goes on at
 * column col, later lines start with indent spaces; a word too long for a
 * line is cut into pieces (between characters): no line is longer than
 * width bytes, so no wider than width columns.
 */
void ew_buf_add_wrapped(struct ew_buf *b, const char *text, int col, int indent, int width);
void ew_buf_reset(struct ew_buf *b);

/*
 * A deep copy of a JSON value with every string (keys included) cleaned, for
 * JSON read from a file: jansson escapes only C0 controls when it writes.
 * NULL when out of memory.
 */
json_t *ew_json_clean(const json_t *v);

/* A JSON string of s cleaned; JSON null for NULL (or when out of memory). */
json_t *ew_json_string_clean(const char *s);

/* printf into a new string; NULL when out of memory. */
char *ew_strprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *ew_vstrprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* ew_vstrprintf cleaned (see ew_text_cleanz); NULL when out of memory. */
char *ew_vstrprintf_clean(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* The columns UTF-8 text s takes: one per code point. */
size_t ew_text_columns(const char *s);

/*
 * Decode one UTF-8 sequence at s (n bytes available, n > 0). Returns its
 * length and the code point, or 0 for an invalid sequence (overlong forms,
 * surrogates and values above U+10FFFF included).
 */
size_t ew_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
