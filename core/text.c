#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void buf_grow(struct ew_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->oom)
		return;
	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + need + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = 1;
			return;
		}
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (p == NULL) {
		b->oom = 1;
		return;
	}
	b->data = p;
	b->cap = cap;
}

void ew_buf_add(struct ew_buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	if (b->oom)
		return;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ew_buf_adds(struct ew_buf *b, const char *s)
{
	ew_buf_add(b, s, strlen(s));
}

void ew_buf_addc(struct ew_buf *b, char c)
{
	ew_buf_add(b, &c, 1);
}

void ew_buf_vprintf(struct ew_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	buf_grow(b, (size_t)n);
	if (b->oom)
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ew_buf_printf(struct ew_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ew_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void ew_buf_reset(struct ew_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

char *ew_buf_take(struct ew_buf *b)
{
	char *s;

	if (b->oom) {
		ew_buf_reset(b);
		return NULL;
	}
	s = b->data ? b->data : strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

char *ew_vstrprintf(const char *fmt, va_list ap)
{
	struct ew_buf b = {0};

	ew_buf_vprintf(&b, fmt, ap);
	return ew_buf_take(&b);
}

char *ew_vstrprintf_clean(const char *fmt, va_list ap)
{
	char *raw = ew_vstrprintf(fmt, ap), *clean;

	if (raw == NULL)
		return NULL;
	clean = ew_text_cleanz(raw);
	free(raw);
	return clean;
}

char *ew_strprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = ew_vstrprintf(fmt, ap);
	va_end(ap);
	return s;
}

size_t ew_text_columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

size_t ew_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Code points that must not reach a terminal as they are. */
static int cp_unsafe(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	       c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200e || c == 0x200f || c == 0x061c || c == 0xfeff;
}

static void add_escape(struct ew_buf *b, uint32_t c)
{
	switch (c) {
	case '\0': ew_buf_adds(b, "\\0"); break;
	case '\t': ew_buf_adds(b, "\\t"); break;
	case '\n': ew_buf_adds(b, "\\n"); break;
	case '\r': ew_buf_adds(b, "\\r"); break;
	default:
		if (c < 0x80)
			ew_buf_printf(b, "\\x%02x", (unsigned)c);
		else
			ew_buf_printf(b, "\\u%04x", (unsigned)c);
	}
}

static void clean_into(struct ew_buf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, n;
	uint32_t c;

	while (i < len) {
		n = ew_utf8_decode(s + i, len - i, &c);
		if (n > 0 && !cp_unsafe(c)) {
			i += n;
			continue;
		}
		ew_buf_add(b, str + start, i - start);
		if (n == 0) {
			ew_buf_printf(b, "\\x%02x", s[i]);
			i++;
		} else {
			add_escape(b, c);
			i += n;
		}
		start = i;
	}
	ew_buf_add(b, str + start, i - start);
}

char *ew_text_clean(const char *s, size_t len)
{
	struct ew_buf b = {0};

	if (s == NULL)
		len = 0;
	ew_buf_add(&b, "", 0);
	if (len)
		clean_into(&b, s, len);
	return ew_buf_take(&b);
}

char *ew_text_cleanz(const char *s)
{
	return ew_text_clean(s, s ? strlen(s) : 0);
}

void ew_buf_add_clean(struct ew_buf *b, const char *s)
{
	if (s)
		clean_into(b, s, strlen(s));
}

void ew_buf_add_clean_max(struct ew_buf *b, const char *s, size_t max)
{
	size_t len, cut;

	if (s == NULL)
		return;
	len = strlen(s);
	if (len <= max) {
		clean_into(b, s, len);
		return;
	}
	/* Not inside a UTF-8 sequence: back up over continuation bytes. */
	cut = max;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	clean_into(b, s, cut);
	ew_buf_printf(b, "... [%zu bytes in all; the whole value is in the JSON report]", len);
}

int ew_text_is_clean(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	uint32_t c;

	while (i < len) {
		n = ew_utf8_decode(s + i, len - i, &c);
		if (n == 0 || cp_unsafe(c))
			return 0;
		i += n;
	}
	return 1;
}

json_t *ew_json_clean(const json_t *v)
{
	json_t *out = NULL, *item;
	const char *key;
	char *clean;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		clean = ew_text_clean(json_string_value(v), json_string_length(v));
		out = clean ? json_string(clean) : NULL;
		free(clean);
		return out;
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(v, i, item) {
			if (out && json_array_append_new(out, ew_json_clean(item)) != 0) {
				json_decref(out);
				out = NULL;
			}
		}
		return out;
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach((json_t *)v, key, item) {
			clean = ew_text_cleanz(key);
			if (out && (clean == NULL ||
				    json_object_set_new(out, clean, ew_json_clean(item)) != 0)) {
				json_decref(out);
				out = NULL;
			}
			free(clean);
		}
		return out;
	default:
		return json_deep_copy(v);
	}
}

json_t *ew_json_string_clean(const char *s)
{
	char *c;
	json_t *j;

	if (s == NULL)
		return json_null();
	c = ew_text_cleanz(s);
	j = c ? json_string(c) : NULL;
	free(c);
	return j ? j : json_null();
}

/* See text.h. */
void ew_buf_add_wrapped(struct ew_buf *b, const char *text, int col, int indent, int width)
{
	char *clean = ew_text_cleanz(text);
	const char *p, *word;
	size_t wlen, piece;
	/* At the start of a line (no space before the word): a line of its own
	 * begun by the caller, or after a wrap. */
	int start = col <= indent;

	if (clean == NULL) {
		b->oom = 1;
		return;
	}
	if (width < indent + 20)
		width = indent + 20;
	for (p = clean; *p;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p && *p != ' ')
			p++;
		wlen = (size_t)(p - word);
		if (!start && col + 1 + (int)wlen > width) {
			ew_buf_printf(b, "\n%*s", indent, "");
			col = indent;
		} else if (!start) {
			ew_buf_addc(b, ' ');
			col++;
		}
		start = 0;
		/* Too long for a line: cut between characters. */
		while ((int)wlen > width - col) {
			if (col >= width) {
				ew_buf_printf(b, "\n%*s", indent, "");
				col = indent;
				continue;
			}
			piece = (size_t)(width - col);
			while (piece > 0 && ((unsigned char)word[piece] & 0xc0) == 0x80)
				piece--;
			if (piece == 0)
				piece = 1;
			while (piece < wlen && ((unsigned char)word[piece] & 0xc0) == 0x80)
				piece++;
			ew_buf_add(b, word, piece);
			ew_buf_printf(b, "\n%*s", indent, "");
			col = indent;
			word += piece;
			wlen -= piece;
		}
		ew_buf_add(b, word, wlen);
		col += (int)wlen;
	}
	ew_buf_addc(b, '\n');
	free(clean);
}

void ew_buf_list(struct ew_buf *b, const char *const *v, size_t n, const char *last)
{
	size_t i;

	for (i = 0; i < n; i++)
		ew_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == n ? last : ", ", v[i]);
}

const char *ew_thousands(long long v, char buf[32])
{
	char t[32];
	size_t i, n, o = 0;
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	snprintf(t, sizeof(t), "%llu", m);
	n = strlen(t);
	if (v < 0)
		buf[o++] = '-';
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = t[i];
	}
	buf[o] = '\0';
	return buf;
}
