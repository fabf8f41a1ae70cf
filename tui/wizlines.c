/*
 * Text as lines for the wizard's panes: filled and wrapped paragraphs, help
 * topics laid out as written, table cells cut and marked, a line seen from a
 * column on, a step's intro in whole sentences. Pure: no curses.
 */
#include "wizlines.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void ew_lines_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void ew_lines_add(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return;
	*v = nv;
	(*v)[*n] = ew_text_cleanz(s);
	if ((*v)[*n])
		(*n)++;
}

void ew_lines_addf(char ***v, size_t *n, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = ew_vstrprintf(fmt, ap);
	va_end(ap);
	if (s)
		ew_lines_add(v, n, s);
	free(s);
}

/* Word-wrapped lines of text, indented, at most width columns. */
void ew_lines_wrap(char ***v, size_t *n, const char *text, int indent, int width)
{
	struct ew_buf b = {0};
	const char *p = text, *word;
	int col = 0;

	if (width < indent + 10)
		width = indent + 10;
	while (p && *p) {
		size_t wl;

		while (*p == ' ' || *p == '\n') {
			if (*p == '\n' && b.len) {
				ew_lines_add(v, n, b.data);
				ew_buf_reset(&b);
				col = 0;
			}
			p++;
		}
		if (!*p)
			break;
		word = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		wl = (size_t)(p - word);
		if (col == 0) {
			ew_buf_printf(&b, "%*s", indent, "");
			col = indent;
		} else if (col + 1 + (int)wl > width) {
			ew_lines_add(v, n, b.data);
			ew_buf_reset(&b);
			ew_buf_printf(&b, "%*s", indent, "");
			col = indent;
		} else {
			ew_buf_addc(&b, ' ');
			col++;
		}
		ew_buf_add(&b, word, wl);
		col += (int)wl;
	}
	if (b.len)
		ew_lines_add(v, n, b.data);
	ew_buf_reset(&b);
}

/* Columns s takes on the screen: one per character (UTF-8 code point). */
size_t ew_lines_cols(const char *s)
{
	size_t c = 0;

	for (; s && *s; s++)
		c += ((unsigned char)*s & 0xC0) != 0x80;
	return c;
}

/* The first cols characters of s, in bytes. */
static size_t cols_bytes(const char *s, size_t cols)
{
	size_t i = 0;

	while (s[i] && cols) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cols--;
	}
	return i;
}

/*
 * A column of a table: s in exactly w columns, padded; a longer s is cut to
 * w - 1 and marked, so that a cut is always seen. w 0: s whole.
 */
void ew_lines_cell(struct ew_buf *b, const char *s, size_t w, const char *mark)
{
	size_t c;

	s = s ? s : "";
	c = ew_lines_cols(s);
	if (w == 0 || c <= w) {
		ew_buf_adds(b, s);
		for (; w && c < w; c++)
			ew_buf_addc(b, ' ');
		return;
	}
	ew_buf_add(b, s, cols_bytes(s, w - 1));
	ew_buf_adds(b, mark);
}

/*
 * A line of the data view as shown: from column left, in w columns; what is
 * cut off on either side is marked.
 */
char *ew_lines_fit(const char *s, size_t left, size_t w, const char *mark)
{
	struct ew_buf b = {0};
	size_t c = ew_lines_cols(s);

	if (w == 0)
		return ew_buf_take(&b);
	if (left >= c)
		return ew_buf_take(&b);
	if (left) {
		s += cols_bytes(s, left + 1);
		ew_buf_adds(&b, mark);
		c -= left + 1;
		w--;
	}
	if (c <= w)
		ew_buf_adds(&b, s);
	else if (w) {
		ew_buf_add(&b, s, cols_bytes(s, w - 1));
		ew_buf_adds(&b, mark);
	}
	return ew_buf_take(&b);
}

/*
 * One line of a help topic, wrapped only when wider than width, at a space.
 * The continuation of a table row lines up with its last column (after a gap
 * of two spaces or more), that of a list item ("- ") with its text, that of
 * any other indented line with the line.
 */
static void layout_line(char ***v, size_t *n, const char *line, int width)
{
	const char *q = line;
	size_t ind = 0, k;

	while (line[ind] == ' ')
		ind++;
	if (ind > (size_t)width / 2)
		ind = (size_t)width / 2;
	if (line[ind] == '-' && line[ind + 1] == ' ')
		ind += 2;
	for (k = ind; line[k] && k + 20 < (size_t)width; k++)
		if (line[k] == ' ' && line[k + 1] == ' ' && line[k + 2] != ' ' &&
		    line[k + 2] != '\0')
			ind = k + 2;
	for (;;) {
		struct ew_buf b = {0};
		size_t room = (size_t)width - (q == line ? 0 : ind), cut, sp;

		if (q != line)
			ew_buf_printf(&b, "%*s", (int)ind, "");
		if (ew_lines_cols(q) <= room) {
			ew_buf_adds(&b, q);
			ew_lines_add(v, n, b.data ? b.data : "");
			ew_buf_reset(&b);
			return;
		}
		cut = cols_bytes(q, room);
		for (sp = cut; sp > 0 && q[sp] != ' '; sp--)
			;
		if (sp > (q == line ? ind : 0))
			cut = sp;
		ew_buf_add(&b, q, cut);
		ew_lines_add(v, n, b.data ? b.data : "");
		ew_buf_reset(&b);
		q += cut;
		while (*q == ' ')
			q++;
		if (*q == '\0')
			return;
	}
}

/*
 * Text laid out as written (a help topic): the first line (its title) alone,
 * blank lines kept, the lines of a paragraph at the margin filled to width,
 * and so the lines of a list item ("- "); any other indented line (a table
 * row) kept as it is, spaces inside it too (see add_layout_line).
 */
void ew_lines_layout(char ***v, size_t *n, const char *text, int width)
{
	const char *p = text;
	struct ew_buf para = {0}, item = {0};
	size_t item_ind = 0;
	int first = 1;

	if (width < 30)
		width = 30;
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), ind = 0;
		char *line = ew_text_clean(p, len);

		p = e ? e + 1 : p + len;
		if (line == NULL)
			break;
		while (line[ind] == ' ')
			ind++;
		if (item.len && line[0] && ind == item_ind + 2 && line[ind] != '-') {
			/* The next line of a list item. */
			ew_buf_addc(&item, ' ');
			ew_buf_adds(&item, line + ind);
			free(line);
			continue;
		}
		if (item.len)
			layout_line(v, n, item.data, width);
		ew_buf_reset(&item);
		if (!first && ind == 0 && line[0] && !(line[0] == '-' && line[1] == ' ')) {
			/* A line of a paragraph at the margin: filled below. */
			if (para.len)
				ew_buf_addc(&para, ' ');
			ew_buf_adds(&para, line);
			free(line);
			continue;
		}
		if (para.len)
			ew_lines_wrap(v, n, para.data, 0, width);
		ew_buf_reset(&para);
		first = 0;
		if (line[ind] == '-' && line[ind + 1] == ' ') {
			ew_buf_adds(&item, line);
			item_ind = ind;
		} else {
			layout_line(v, n, line, width);
		}
		free(line);
	}
	if (para.len)
		ew_lines_wrap(v, n, para.data, 0, width);
	if (item.len)
		layout_line(v, n, item.data, width);
	ew_buf_reset(&para);
	ew_buf_reset(&item);
}
/*
 * A step's intro: the first whole sentences of its help topic's first
 * paragraph that fit in two lines (a long first sentence gets up to four);
 * never a sentence cut in the middle.
 */
void ew_lines_intro(const char *body, const char *fallback, int w, char ***v, size_t *n)
{
	const char *end = body ? strstr(body, "\n\n") : NULL;
	size_t plen = body ? (end ? (size_t)(end - body) : strlen(body)) : 0, k, best = 0;

	for (k = 1; k <= plen; k++) {
		char *part, **tmp = NULL;
		size_t nt = 0;

		if (body[k - 1] != '.' || (k < plen && body[k] != ' ' && body[k] != '\n'))
			continue;
		part = strndup(body, k);
		if (part == NULL)
			break;
		ew_lines_wrap(&tmp, &nt, part, 0, w);
		free(part);
		ew_lines_free(tmp, nt);
		if (nt <= EW_INTRO_LINES || (best == 0 && nt <= 2 * EW_INTRO_LINES))
			best = k;
		if (nt > EW_INTRO_LINES)
			break;
	}
	if (best) {
		char *part = strndup(body, best);

		ew_lines_wrap(v, n, part ? part : fallback, 0, w);
		free(part);
	} else {
		ew_lines_wrap(v, n, fallback, 0, w);
	}
}

/* Keeps *top so that the last of n lines is the last of rows shown. */
void ew_lines_clamp_top(size_t *top, size_t n, int rows)
{
	size_t max = rows > 0 && n > (size_t)rows ? n - (size_t)rows : 0;

	if (*top > max)
		*top = max;
}
