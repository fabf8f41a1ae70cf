/*
 * comparisontext.c - the comparison of two identities as text (the text
 * report's and show's section): in columns when every value fits, else each
 * row on lines of its own; then the rows not compared, by reason.
 */
#include "comparison.h"

#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "text.h"

/* s in at most cols code points, cut with "…", padded with spaces when pad. */
static void add_cell(struct ew_buf *b, const char *s, size_t cols, int pad)
{
	size_t i, n = 0, cut = 0, len = strlen(s);

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (n == (cols ? cols - 1 : 0))
				cut = i;
			n++;
		}
	if (n > cols) {
		ew_buf_add(b, s, cols ? cut : 0);
		if (cols)
			ew_buf_adds(b, "\xe2\x80\xa6");
		n = cols;
	} else {
		ew_buf_adds(b, s);
	}
	while (pad && n++ < cols)
		ew_buf_addc(b, ' ');
}

/* Under a row, the cause it explains. */
static void add_explains(struct ew_buf *b, const struct ew_comparison_row *r, int width)
{
	const struct ew_cause *def;
	char *line;

	if (r->explains == NULL)
		return;
	def = ew_cause_find(r->explains);
	line = ew_strprintf("explains %s: %s", r->explains, def ? def->title : "");
	ew_buf_adds(b, "    ");
	ew_buf_add_wrapped(b, line ? line : r->explains, 4, 6, width);
	free(line);
}

/* A row as lines of their own: the aspect, then each side's value wrapped. */
static void add_stacked(struct ew_buf *b, const struct ew_comparison *c,
			const struct ew_comparison_row *r, size_t wname, int width)
{
	ew_buf_adds(b, "  ");
	ew_buf_add_wrapped(b, r->aspect, 2, 4, width);
	ew_buf_adds(b, "    ");
	add_cell(b, c->user, wname, 0);
	ew_buf_adds(b, ":");
	ew_buf_printf(b, "%*s", (int)(wname - ew_text_columns(c->user) + 1), "");
	ew_buf_add_wrapped(b, r->user, (int)wname + 6, (int)wname + 6, width);
	ew_buf_adds(b, "    ");
	add_cell(b, c->other, wname, 0);
	ew_buf_adds(b, ":");
	ew_buf_printf(b, "%*s", (int)(wname - ew_text_columns(c->other) + 1), "");
	ew_buf_add_wrapped(b, r->other, (int)wname + 6, (int)wname + 6, width);
	add_explains(b, r, width);
}

/* A side's text when it could not check the row, else "". */
static const char *why_side(const char *v)
{
	return strncmp(v, EW_COMPARISON_NOT_CHECKED, strlen(EW_COMPARISON_NOT_CHECKED)) == 0 ?
	       v : "";
}

/*
 * "Not compared:" and the rows a side could not check, those for the same
 * reasons together: their aspects, then each side's reason.
 */
static void add_not_compared(struct ew_buf *b, const struct ew_comparison *c, int width)
{
	size_t i, k;

	if (ew_comparison_nnot_compared(c) == 0)
		return;
	ew_buf_adds(b, "Not compared:\n");
	for (i = 0; i < c->nrows; i++) {
		const struct ew_comparison_row *r = &c->rows[i];
		const char *wu = why_side(r->user), *wo = why_side(r->other);
		struct ew_buf line = {0};

		if (r->compared)
			continue;
		for (k = 0; k < i; k++)	/* the first row of its reasons only */
			if (!c->rows[k].compared && strcmp(why_side(c->rows[k].user), wu) == 0 &&
			    strcmp(why_side(c->rows[k].other), wo) == 0)
				break;
		if (k < i)
			continue;
		for (k = i; k < c->nrows; k++)
			if (!c->rows[k].compared && strcmp(why_side(c->rows[k].user), wu) == 0 &&
			    strcmp(why_side(c->rows[k].other), wo) == 0)
				ew_buf_printf(&line, "%s%s", line.len ? ", " : "", c->rows[k].aspect);
		ew_buf_adds(b, "  ");
		ew_buf_add_wrapped(b, line.data ? line.data : "", 2, 4, width);
		ew_buf_reset(&line);
		if (*wu) {
			ew_buf_printf(&line, "%s: %s", c->user, wu);
			ew_buf_adds(b, "    ");
			ew_buf_add_wrapped(b, line.data ? line.data : "", 4, 6, width);
			ew_buf_reset(&line);
		}
		if (*wo) {
			ew_buf_printf(&line, "%s: %s", c->other, wo);
			ew_buf_adds(b, "    ");
			ew_buf_add_wrapped(b, line.data ? line.data : "", 4, 6, width);
			ew_buf_reset(&line);
		}
	}
}

char *ew_comparison_to_text(const struct ew_comparison *c, int width)
{
	struct ew_buf b = {0};
	size_t i, wa = 6, wu = 0, wo = 0, wname;

	if (c == NULL)
		return NULL;
	if (width < 40)
		width = 40;
	ew_buf_adds(&b, "Compared with ");
	ew_buf_adds(&b, c->other);
	ew_buf_adds(&b, ":\n");
	if (ew_comparison_ndifferences(c) == 0) {
		/* Nothing checked on both sides is not "no difference". */
		ew_buf_adds(&b, ew_comparison_nnot_compared(c) == c->nrows ?
			    "  nothing compared\n" : "  no difference\n");
		add_not_compared(&b, c, width);
		return ew_buf_take(&b);
	}
	wu = ew_text_columns(c->user);
	wo = ew_text_columns(c->other);
	for (i = 0; i < c->nrows; i++) {
		const struct ew_comparison_row *r = &c->rows[i];

		if (!r->differs)
			continue;
		if (ew_text_columns(r->aspect) > wa)
			wa = ew_text_columns(r->aspect);
		if (ew_text_columns(r->user) > wu)
			wu = ew_text_columns(r->user);
		if (ew_text_columns(r->other) > wo)
			wo = ew_text_columns(r->other);
	}
	/*
	 * "  aspect | user | other" when every value fits whole; else each row
	 * on lines of its own: a DN cut short is of no use in a ticket.
	 */
	if (2 + wa + 3 + wu + 3 + wo > (size_t)width) {
		wname = ew_text_columns(c->user) > ew_text_columns(c->other) ? ew_text_columns(c->user) :
			ew_text_columns(c->other);
		if (wname > (size_t)width / 3)
			wname = (size_t)width / 3;
		for (i = 0; i < c->nrows; i++)
			if (c->rows[i].differs)
				add_stacked(&b, c, &c->rows[i], wname, width);
		add_not_compared(&b, c, width);
		return ew_buf_take(&b);
	}
	ew_buf_adds(&b, "  ");
	add_cell(&b, "aspect", wa, 1);
	ew_buf_adds(&b, " | ");
	add_cell(&b, c->user, wu, 1);
	ew_buf_adds(&b, " | ");
	add_cell(&b, c->other, wo, 0);
	ew_buf_addc(&b, '\n');
	for (i = 0; i < c->nrows; i++) {
		const struct ew_comparison_row *r = &c->rows[i];

		if (!r->differs)
			continue;
		ew_buf_adds(&b, "  ");
		add_cell(&b, r->aspect, wa, 1);
		ew_buf_adds(&b, " | ");
		add_cell(&b, r->user, wu, 1);
		ew_buf_adds(&b, " | ");
		add_cell(&b, r->other, wo, 0);
		ew_buf_addc(&b, '\n');
		add_explains(&b, r, width);
	}
	add_not_compared(&b, c, width);
	return ew_buf_take(&b);
}
