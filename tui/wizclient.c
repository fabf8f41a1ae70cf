/*
 * The wizard's client pane (v): the output of klist, ipconfig, whoami and
 * the events, as the user's PC showed it, pasted into the wizard. The pane
 * asks the terminal to bracket pastes (ESC [ ? 2004 h): a bracketed paste is
 * taken whole, byte for byte, and no byte of it is a key. Without bracketed
 * paste, lines typed or pasted are taken on Ctrl-D. A text taken goes into
 * the target and the transcript, and the client step runs on it.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clientparse.h"
#include "text.h"

#define ESC 27
static const char paste_end[] = "\033[201~";

/* The terminal's bracketed-paste mode: on while the pane is open. */
static void bracketed_paste(int on)
{
	const char *s = on ? "\033[?2004h" : "\033[?2004l";

	fflush(stdout);
	if (write(STDOUT_FILENO, s, strlen(s)) < 0) {
		/* a terminal that is gone: nothing to tell it */
	}
}

static size_t client_step(void)
{
	const struct ew_step *s = ew_step_with(EW_STEP_CLIENT);

	return s ? (size_t)(s - ew_steps) : ew_nsteps;
}

void ew_wiz_client_open(struct ui *u)
{
	struct wiz_paste *p = &u->paste;

	if (u->w->view || u->w->session == NULL) {
		snprintf(u->message, sizeof(u->message), "A saved transcript: nothing can be "
			 "added to it");
		return;
	}
	if (u->job) {
		snprintf(u->message, sizeof(u->message), "A step is running: v waits for it");
		return;
	}
	if (u->w->run->target->nclient >= EW_TARGET_MAX_LIST) {
		snprintf(u->message, sizeof(u->message), "%d texts from the client already: "
			 "no room for another", EW_TARGET_MAX_LIST);
		return;
	}
	ew_wiz_overlay_close(u);
	p->len = 0;
	p->pasting = 0;
	p->end_match = 0;
	p->over = 0;
	p->note[0] = '\0';
	u->ov = OV_CLIENT;
	snprintf(u->ov_title, sizeof(u->ov_title), " Client output ");
	u->message[0] = '\0';
	bracketed_paste(1);
}

void ew_wiz_client_close(struct ui *u)
{
	struct wiz_paste *p = &u->paste;

	if (u->ov != OV_CLIENT)
		return;
	free(p->buf);
	p->buf = NULL;
	p->len = p->cap = 0;
	p->pasting = 0;
	p->end_match = 0;
	p->over = 0;
	keypad(stdscr, TRUE);
	bracketed_paste(0);
	u->ov = OV_NONE;
}

/* One byte into the pane's text; past EW_TARGET_CLIENT_MAX none is kept. */
static void add_byte(struct wiz_paste *p, int c)
{
	if (p->over)
		return;
	if (p->len >= EW_TARGET_CLIENT_MAX) {
		p->over = 1;
		return;
	}
	if (p->len == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4096;
		char *b;

		if (cap > EW_TARGET_CLIENT_MAX)
			cap = EW_TARGET_CLIENT_MAX;
		b = realloc(p->buf, cap);
		if (b == NULL) {
			p->over = 1;
			return;
		}
		p->buf = b;
		p->cap = cap;
	}
	p->buf[p->len++] = (char)c;
}

/* "34 lines (klist, event)": what the parser recognised in the text; the
 * kinds of output it holds as a bit set (1 << kind, another language's
 * left out). */
static unsigned describe(const char *data, size_t len, char *out, size_t outlen)
{
	struct ew_client_paste *cp = ew_client_parse(data, len);
	int seen[EW_CLIENT_KINDS] = {0};
	char kinds[128] = "";
	unsigned mask = 0;
	size_t i;

	if (cp == NULL) {
		snprintf(out, outlen, "%zu bytes", len);
		return 0;
	}
	for (i = 0; i < cp->nblocks; i++) {
		enum ew_client_kind k = cp->blocks[i].kind;

		if (k == EW_CLIENT_UNKNOWN || (unsigned)k >= EW_CLIENT_KINDS || seen[k])
			continue;
		seen[k] = 1;
		if (k != EW_CLIENT_FOREIGN)
			mask |= 1u << k;
		snprintf(kinds + strlen(kinds), sizeof(kinds) - strlen(kinds), "%s%s",
			 kinds[0] ? ", " : "", ew_client_kind_name(k));
	}
	snprintf(out, outlen, "%u line%s (%s)", cp->lines, cp->lines == 1 ? "" : "s",
		 kinds[0] ? kinds : "nothing recognised");
	ew_client_free(&cp);
	return mask;
}

/* The kinds of output a text holds, as a bit set (describe's). */
static unsigned kinds_of(const char *data, size_t len)
{
	char said[128];

	return describe(data, len, said, sizeof(said));
}

/*
 * Earlier texts that the new one shows again (every kind of output they
 * hold is in it: a klist after the fix in place of the klist before) are
 * taken away, so that what the PC shows now is what is diagnosed; their
 * names in replaced. The transcript keeps them and says so.
 */
static void replace_older(struct ui *u, unsigned kinds, size_t older, char *replaced,
			  size_t len)
{
	struct ew_target *t = u->w->run->target;
	size_t i = 0;

	replaced[0] = '\0';
	while (kinds && i < older) {
		unsigned old = kinds_of(t->client[i].data, t->client[i].len);

		if (old == 0 || (old & ~kinds) != 0) {
			i++;
			continue;
		}
		snprintf(replaced + strlen(replaced), len - strlen(replaced), "%s%s",
			 replaced[0] ? ", " : "", t->client[i].source);
		ew_session_action(u->w->session, "client text replaced", t->client[i].source);
		ew_target_remove_client(t, i);
		older--;
	}
}

/* The pane's text into the target and the transcript; the client step runs. */
static void take(struct ui *u)
{
	struct wiz_paste *p = &u->paste;
	struct ew_target *t = u->w->run->target;
	char source[32], err[200], what[128], replaced[300];
	size_t step = client_step(), older = t->nclient;
	unsigned kinds = describe(p->buf ? p->buf : "", p->len, what, sizeof(what));

	snprintf(source, sizeof(source), "pasted %u", p->npasted + 1);
	if (ew_target_add_client(t, source, p->buf ? p->buf : "", p->len, err,
				 sizeof(err)) != 0) {
		snprintf(p->note, sizeof(p->note), "Not taken: %s", err);
		p->len = 0;
		return;
	}
	p->npasted++;
	ew_session_client_text(u->w->session, &t->client[t->nclient - 1]);
	replace_older(u, kinds, older, replaced, sizeof(replaced));
	if (replaced[0])
		snprintf(what + strlen(what), sizeof(what) - strlen(what), ", in place of %s",
			 replaced);
	ew_wiz_results_changed(u);
	ew_wiz_client_close(u);
	if (step >= ew_nsteps) {
		snprintf(u->message, sizeof(u->message), "Pasted %s", what);
		return;
	}
	u->cur = step;
	u->sel = u->top = 0;
	u->pane = PANE_STEPS;
	u->data_view = 0;
	u->left = 0;
	ew_wiz_start_job(u, step, 0);
	if (u->job) {
		snprintf(p->taken, sizeof(p->taken), "Pasted %s", what);
		snprintf(u->message, sizeof(u->message), "%s: the client step runs", p->taken);
	}
}

static void paste_ended(struct ui *u)
{
	struct wiz_paste *p = &u->paste;

	p->pasting = 0;
	p->end_match = 0;
	keypad(stdscr, TRUE);
	if (p->over) {
		snprintf(p->note, sizeof(p->note), "That paste was longer than %u MiB, the most "
			 "one text may hold: nothing taken. Paste one command's output at a time.",
			 EW_TARGET_CLIENT_MAX >> 20);
		p->over = 0;
		p->len = 0;
		return;
	}
	take(u);
}

/* Inside a bracketed paste: every byte is text, up to ESC [ 2 0 1 ~. */
static void paste_byte(struct ui *u, int ch)
{
	struct wiz_paste *p = &u->paste;
	size_t i;

	if (ch == EW_KEY_PASTE_END) {
		paste_ended(u);
		return;
	}
	if (ch < 0 || ch > 255)
		return;		/* keypad is off: no key codes come */
	if (ch == (unsigned char)paste_end[p->end_match]) {
		if (++p->end_match == sizeof(paste_end) - 1)
			paste_ended(u);
		return;
	}
	/* What looked like the end marker was text. */
	for (i = 0; i < p->end_match; i++)
		add_byte(p, (unsigned char)paste_end[i]);
	p->end_match = 0;
	if (ch == ESC)
		p->end_match = 1;
	else
		add_byte(p, ch);
}

static void paste_started(struct ui *u)
{
	struct wiz_paste *p = &u->paste;

	/* Every byte as it comes: no sequence becomes a key inside the paste. */
	keypad(stdscr, FALSE);
	p->pasting = 1;
	p->end_match = 0;
	p->note[0] = '\0';
}

/*
 * Esc: alone, it closes the pane. ESC [ 2 0 0 ~ that ncurses did not take
 * as one key (its bytes came apart) starts a paste; other sequences are no
 * text and are dropped.
 */
static void escape(struct ui *u)
{
	char seq[5] = "";
	size_t n = 0;
	int c = getch();

	if (c == ERR) {
		ew_wiz_client_close(u);
		snprintf(u->message, sizeof(u->message), u->w->run->target->nclient ?
			 "Client pane closed; the client's texts given before stay" :
			 "Client pane closed: nothing taken");
		return;
	}
	if (c != '[')
		return;
	while (n < 4 && (c = getch()) != ERR) {
		seq[n++] = (char)c;
		if (c < 0x20 || c > 0x3f)
			break;	/* the last byte of a sequence */
	}
	if (strcmp(seq, "200~") == 0)
		paste_started(u);
}

void ew_wiz_client_key(struct ui *u, int ch)
{
	struct wiz_paste *p = &u->paste;

	if (u->ov != OV_CLIENT)
		return;
	if (p->pasting) {
		paste_byte(u, ch);
		return;
	}
	if (ch == EW_KEY_PASTE_START) {
		paste_started(u);
		return;
	}
	if (ch == ESC) {
		escape(u);
		return;
	}
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		/* a whole character: its UTF-8 continuation bytes too */
		while (p->len && ((unsigned char)p->buf[p->len - 1] & 0xc0) == 0x80)
			p->len--;
		if (p->len)
			p->len--;
		p->over = 0;
		p->note[0] = '\0';
		return;
	}
	if (ch == KEY_ENTER)
		ch = '\r';
	if (ch < 0 || ch > 255 || (ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n'))
		return;		/* a key, not text */
	add_byte(p, ch);
	if (p->over)
		snprintf(p->note, sizeof(p->note), "%u MiB, the most one text may hold: the "
			 "rest is not kept. Ctrl-D takes what is kept, Esc drops it.",
			 EW_TARGET_CLIENT_MAX >> 20);
}

void ew_wiz_client_end(struct ui *u)
{
	struct wiz_paste *p = &u->paste;

	if (u->ov != OV_CLIENT)
		return;
	if (p->len == 0) {
		ew_wiz_client_close(u);
		snprintf(u->message, sizeof(u->message), "Nothing pasted: the client pane is "
			 "closed (v opens it again)");
		return;
	}
	p->over = 0;
	take(u);
}

/* The last lines of the text so far, tabs as spaces, cleaned. */
static void tail_lines(const struct wiz_paste *p, char ***v, size_t *n, size_t most)
{
	size_t start = p->len > 4096 ? p->len - 4096 : 0, end = p->len, i, k;
	char **all = NULL;
	size_t nall = 0;

	for (i = start; i <= end; i++) {
		if (i < end && p->buf[i] != '\r' && p->buf[i] != '\n')
			continue;
		{
			/* tabs as spaces: the columns the PC showed */
			char *raw = malloc(i - start + 1), *line;

			for (k = 0; raw && k < i - start; k++)
				raw[k] = p->buf[start + k] == '\t' ? ' ' : p->buf[start + k];
			line = raw ? ew_text_clean(raw, i - start) : NULL;
			ew_lines_add(&all, &nall, line ? line : "");
			free(line);
			free(raw);
		}
		if (i + 1 < end && p->buf[i] == '\r' && p->buf[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	for (i = nall > most ? nall - most : 0; i < nall; i++)
		ew_lines_add(v, n, all[i]);
	ew_lines_free(all, nall);
}

void ew_wiz_client_draw(struct ui *u, WINDOW *win, int h, int w)
{
	const struct wiz_paste *p = &u->paste;
	const struct ew_target *t = u->w->run->target;
	char **lines = NULL;
	struct ew_buf b = {0};
	size_t n = 0, i, k;
	int y = 1, width = w - 4, rows;

	ew_lines_wrap(&lines, &n, "Paste what the user's PC showed, as it is. Ask the user to "
		      "start Outlook once, then run in a Command Prompt:", 0, width);
	ew_lines_wrap(&lines, &n, "klist, ipconfig /displaydns, ipconfig /all, "
		      "whoami /all,", 2, width);
	ew_lines_wrap(&lines, &n, "wevtutil qe System /f:text (events 40960, 40961)", 2, width);
	ew_lines_wrap(&lines, &n, "exwizard help client has the whole command lines.", 0, width);
	ew_lines_add(&lines, &n, "");
	if (t->nclient == 0)
		ew_buf_adds(&b, "Given so far: none");
	else
		ew_buf_printf(&b, "Given so far: %zu text%s: ", t->nclient,
			      t->nclient == 1 ? "" : "s");
	for (k = 0; k < t->nclient; k++)
		ew_buf_printf(&b, "%s%s", k ? ", " : "", t->client[k].source);
	ew_lines_wrap(&lines, &n, b.data ? b.data : "", 0, width);
	ew_buf_reset(&b);
	ew_lines_add(&lines, &n, "");
	if (p->pasting)
		ew_lines_addf(&lines, &n, "Pasting: %zu bytes so far...", p->len);
	else if (p->len)
		ew_lines_wrap(&lines, &n, "Typed so far (the last lines below): Ctrl-D takes "
			      "it, Esc drops it.", 0, width);
	else
		ew_lines_wrap(&lines, &n, "Waiting for a paste. Without bracketed paste, type "
			      "or paste the lines, then Ctrl-D; Esc closes.", 0, width);
	rows = h - 2 - (p->note[0] ? 2 : 0);
	if (!p->pasting && p->len && (int)n < rows)
		tail_lines(p, &lines, &n, (size_t)(rows - (int)n));
	for (i = 0; i < n && y <= rows; i++)
		ew_wiz_put(win, y++, 2, width, lines[i]);
	ew_lines_free(lines, n);
	if (p->note[0]) {
		lines = NULL;
		n = 0;
		ew_lines_wrap(&lines, &n, p->note, 0, width);
		wattron(win, A_BOLD);
		for (i = 0; i < n && i < 2; i++)
			ew_wiz_put(win, h - 3 + (int)i, 2, width, lines[i]);
		wattroff(win, A_BOLD);
		ew_lines_free(lines, n);
	}
}
