/*
 * wizlines.h - text as lines for the wizard's panes. A list of lines is a
 * char ** and a count, grown by the ew_lines_add* functions (each line
 * cleaned of control characters) and freed with ew_lines_free. Widths are
 * in screen columns (one per UTF-8 code point). Pure: no curses.
 */
#ifndef EW_WIZLINES_H
#define EW_WIZLINES_H

#include <stddef.h>

struct ew_buf;

void ew_lines_free(char **v, size_t n);
void ew_lines_add(char ***v, size_t *n, const char *s);
void ew_lines_addf(char ***v, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Word-wrapped lines of text, indented, at most width columns. */
void ew_lines_wrap(char ***v, size_t *n, const char *text, int indent, int width);
/* A help topic laid out as written: paragraphs filled, blank lines, list
 * items and table rows kept. */
void ew_lines_layout(char ***v, size_t *n, const char *text, int width);
#define EW_INTRO_LINES 2
/* A step's intro: whole sentences of body's first paragraph in two lines
 * (a long first sentence up to four); fallback when there is none. */
void ew_lines_intro(const char *body, const char *fallback, int w, char ***v, size_t *n);
/* Columns s takes on the screen. */
size_t ew_lines_cols(const char *s);
/* A table cell: s in exactly w columns, a longer s cut to w - 1 and mark
 * added; w 0: s whole. */
void ew_lines_cell(struct ew_buf *b, const char *s, size_t w, const char *mark);
/* s seen from column left in w columns, what is cut off on either side
 * marked. Owned by the caller. */
char *ew_lines_fit(const char *s, size_t left, size_t w, const char *mark);
/* Keeps *top so that the last of n lines is the last of rows shown. */
void ew_lines_clamp_top(size_t *top, size_t n, int rows);

#endif
