/*
 * Drawing the wizard: the header, the step list, the step pane (intro,
 * findings, data, summary), overlays and the too-small screen. The screen is
 * drawn whole from struct ui on every change; nothing here changes state
 * but the scroll positions it clamps.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <jansson.h>
#include <ncurses.h>
#include <panel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "help.h"
#include "text.h"

static int sev_color(enum ew_status st)
{
	switch (st) {
	case EW_ST_PASS: return C_PASS;
	case EW_ST_INFO: return C_INFO;
	case EW_ST_WARN: return C_WARN;
	case EW_ST_FAIL: return C_FAIL;
	default: return C_SKIP;
	}
}

static const char *status_tag(const struct ui *u, size_t i)
{
	static const char *const spin[] = { "|", "/", "-", "\\" };

	if (ew_wiz_job_runs(u, i))
		return spin[u->spin % 4];
	if (u->res[i] == NULL)
		return "";
	if (ew_step_result_is_stale(u->res[i]))
		return "STALE";
	if ((int)u->res[i]->status < EW_NSEVERITY)
		return ew_severity_tag((enum ew_severity)u->res[i]->status);
	return u->res[i]->status == EW_ST_CANCELLED ? "STOP" : "?";
}

void ew_wiz_put(WINDOW *win, int y, int x, int width, const char *s)
{
	char *clean;

	if (width <= 0)
		return;
	clean = ew_text_cleanz(s);
	mvwaddnstr(win, y, x, clean ? clean : "", width);
	free(clean);
}

/*
 * The glyph table: line drawing from the terminal's alternate character set,
 * or plain ASCII with --ascii; the cut mark "…" only where the locale is
 * UTF-8. The ACS values exist only once curses is up: read when drawn.
 */
struct glyphs {
	chtype hline, vline, ul, ur, ll, lr;
	const char *cut;
};

static struct glyphs glyphs_of(const struct ui *u)
{
	struct glyphs g = { '-', '|', '+', '+', '+', '+', "~" };

	if (!u->w->ascii) {
		g = (struct glyphs){ ACS_HLINE, ACS_VLINE, ACS_ULCORNER, ACS_URCORNER,
				     ACS_LLCORNER, ACS_LRCORNER, "~" };
	}
	if (!u->w->ascii && MB_CUR_MAX > 1)
		g.cut = "\xe2\x80\xa6";
	return g;
}

const char *ew_wiz_cut_mark(const struct ui *u)
{
	return glyphs_of(u).cut;
}

void ew_wiz_box(const struct ui *u, WINDOW *win)
{
	struct glyphs g = glyphs_of(u);

	wborder(win, g.vline, g.vline, g.hline, g.hline, g.ul, g.ur, g.ll, g.lr);
}

static const struct ew_step *step_of(size_t i)
{
	return i < ew_nsteps ? &ew_steps[i] : NULL;
}

static void hline_at(const struct ui *u, int y, int x, int w)
{
	mvhline(y, x, glyphs_of(u).hline, w);
}

static void draw_header(const struct ui *u)
{
	const struct ew_target *t = u->w->run->target;
	const char *path = u->w->transcript_path;
	char line[4600];
	int room;

	if (u->w->view) {
		const json_t *vt = u->w->view->target;
		const char *realm = json_string_value(json_object_get(vt, "realm"));
		const char *user = json_string_value(json_object_get(vt, "user"));
		const char *ex = json_string_value(json_array_get(json_object_get(vt, "exchange"), 0));

		snprintf(line, sizeof(line), " exwizard | %s | %s | %s | VIEW (read-only) ",
			 realm ? realm : "?", user ? user : "no user", ex ? ex : "no Exchange");
	} else {
		snprintf(line, sizeof(line), " exwizard | %s | %s | %s | %s",
			 t->realm ? t->realm : "?", t->user ? t->user : "no user",
			 t->nexchange ? t->exchange[0] : "no Exchange", path ? "REC " : "not recorded");
	}
	/* The end of the transcript path is what tells it apart: keep that. */
	room = COLS - (int)strlen(line) - 1;
	if (path && room > 8 && (int)strlen(path) > room)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "...%s",
			 path + strlen(path) - (room - 3));
	else if (path)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", path);
	attron(COLOR_PAIR(C_HEAD) | A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	ew_wiz_put(stdscr, 0, 0, COLS, line);
	attroff(COLOR_PAIR(C_HEAD) | A_REVERSE);
}

static void draw_steps(const struct ui *u, int lw)
{
	size_t i;
	int y = 2;

	mvaddnstr(1, 1, "Steps", lw - 1);
	for (i = 0; i <= ew_nsteps && y < LINES - 2; i++) {
		const char *name = i < ew_nsteps ? ew_steps[i].id : "summary";
		const char *tag = i < ew_nsteps ? status_tag(u, i) : "";
		char buf[64];

		if (!ew_wiz_step_shown(u, i))
			continue;
		snprintf(buf, sizeof(buf), "%c %-9s %s", i == u->cur ? '>' : ' ', name, tag);
		if (i == u->cur)
			attron(u->pane == PANE_STEPS ? A_REVERSE : A_BOLD);
		if (i < ew_nsteps && u->res[i] && !(ew_wiz_job_runs(u, i)))
			attron(COLOR_PAIR(sev_color(u->res[i]->status)));
		ew_wiz_put(stdscr, y++, 0, lw - 1, buf);
		attroff(A_REVERSE | A_BOLD | A_COLOR);
	}
	mvvline(1, lw, glyphs_of(u).vline, LINES - 2);
}

static void draw_pane(struct ui *u, int x, int w)
{
	char **lines = NULL;
	size_t n = 0, i;
	int y = 1, rows;

	if (u->cur == ew_nsteps) {
		char title[128];

		ew_wiz_summary_lines(u, &lines, &n, w);
		rows = LINES - 2 - (y + 1);
		/* A cause selected by j/k is brought into view, with its evidence line. */
		if (u->follow_cause && u->ncauses) {
			if (u->cause_line < u->top)
				u->top = u->cause_line;
			else if (rows > 1 && u->cause_line + 2 > u->top + (size_t)rows)
				u->top = u->cause_line + 2 - (size_t)rows;
			u->follow_cause = 0;
		}
		ew_lines_clamp_top(&u->top, n, rows);
		snprintf(title, sizeof(title), "Summary%s%s%s",
			 u->pane == PANE_FINDINGS ? " (j/k, PgUp/PgDn scroll)" : "",
			 u->top ? "  ^ more above" : "",
			 u->top + (size_t)rows < n ? "  v more below" : "");
		if (u->top + (size_t)rows < n && u->pane != PANE_FINDINGS)
			snprintf(title, sizeof(title), "Summary%s  v more below (Tab, then j)",
				 u->top ? "  ^ more above" : "");
		attron(A_BOLD);
		ew_wiz_put(stdscr, y++, x, w, title);
		attroff(A_BOLD);
		for (i = u->top; i < n && y < LINES - 2; i++)
			ew_wiz_put(stdscr, y++, x, w, lines[i]);
		ew_lines_free(lines, n);
		return;
	}
	{
		const struct ew_step *s = step_of(u->cur);
		const struct ew_step_result *r = u->res[u->cur];
		char title[256];

		snprintf(title, sizeof(title), "%s%s%s", s->title, r ? "  " : "",
			 r ? status_tag(u, u->cur) : "");
		attron(A_BOLD);
		ew_wiz_put(stdscr, y++, x, w, title);
		attroff(A_BOLD);
		{
			/* What it checks and why: the first lines of its help topic. */
			const struct ew_help_topic *ht = ew_help_find(s->help);
			const char *body = ht ? strchr(ht->text, '\n') : NULL;

			ew_lines_intro(body ? body + 1 : NULL, s->summary, w, &lines, &n);
		}
		for (i = 0; i < n && i < 2 * EW_INTRO_LINES; i++)
			ew_wiz_put(stdscr, y++, x, w, lines[i]);
		ew_lines_free(lines, n);
		lines = NULL;
		n = 0;
		hline_at(u, y++, x, w);
		rows = LINES - 2 - y;
		if (u->data_view) {
			ew_wiz_data_lines(u, u->cur, &lines, &n, w, u->left > 0);
			ew_lines_clamp_top(&u->top, n, rows);
			{
				/* No further right than the end of the longest line. */
				size_t most = 0, c;

				for (i = 0; i < n; i++)
					if ((c = ew_lines_cols(lines[i])) > most)
						most = c;
				if (u->left + (size_t)w > most + 1)
					u->left = most + 1 > (size_t)w ? most + 1 - (size_t)w : 0;
			}
			for (i = u->top; i < n && rows-- > 0; i++) {
				char *l = ew_lines_fit(lines[i], u->left, (size_t)w, ew_wiz_cut_mark(u));

				mvaddstr(y++, x, l ? l : "");
				free(l);
			}
			ew_lines_free(lines, n);
			return;
		}
		if (r == NULL) {
			ew_wiz_put(stdscr, y++, x, w, ew_wiz_job_runs(u, u->cur) ?
			    "Running; the findings appear here." :
			    "Not run yet. Enter runs it; n and p move between steps.");
			if (u->cur == 0)
				ew_wiz_put(stdscr, y++, x, w, "Enter (or e) edits the target: realm, user, "
				    "servers, login.");
			return;
		}
		{
			/* Whose credentials and which server; whether it is stale:
			 * wrapped, never cut. */
			char *who = ew_step_credentials_text(r), *stale = NULL;
			size_t first_stale;

			if (who)
				ew_lines_wrap(&lines, &n, who, 0, w);
			first_stale = n;
			if (ew_step_result_is_stale(r)) {
				stale = ew_strprintf("STALE: run for %s. a runs it again.",
						     json_string_value(json_object_get(r->data,
										      "stale")));
				ew_lines_wrap(&lines, &n, stale ? stale : "STALE", 0, w);
			}
			for (i = 0; i < n && rows > 0; i++, rows--) {
				if (i == first_stale)
					attron(A_BOLD);
				ew_wiz_put(stdscr, y++, x, w, lines[i]);
			}
			attroff(A_BOLD);
			ew_lines_free(lines, n);
			lines = NULL;
			n = 0;
			free(who);
			free(stale);
		}
		if (u->sel >= r->nfindings)
			u->sel = r->nfindings ? r->nfindings - 1 : 0;
		if (u->sel < u->top)
			u->top = u->sel;
		if (rows > 0 && u->sel >= u->top + (size_t)rows)
			u->top = u->sel - (size_t)rows + 1;
		for (i = u->top; i < r->nfindings && rows-- > 0; i++) {
			const struct ew_finding *f = r->findings[i];
			char line[1024];

			snprintf(line, sizeof(line), "[%s] %s %s", ew_severity_tag(f->severity),
				 f->check, f->title);
			if (i == u->sel && u->pane == PANE_FINDINGS)
				attron(A_REVERSE);
			attron(COLOR_PAIR(sev_color((enum ew_status)f->severity)));
			ew_wiz_put(stdscr, y++, x, w, line);
			attroff(A_REVERSE | A_COLOR);
		}
	}
}

static void draw_overlay(struct ui *u)
{
	int h = LINES - 4, w = COLS - 6, y0 = 2, x0 = 3, rows, i;
	size_t k;
	WINDOW *win;
	PANEL *pan;

	if (u->ov == OV_NONE || u->ov == OV_FORM || u->ov == OV_SWEEP)
		return;
	if (u->ov == OV_CONFIRM_QUIT || u->ov == OV_CONFIRM_FLUSH) {
		h = 5;
		y0 = LINES / 2 - 3;
	}
	win = newwin(h, w, y0, x0);
	if (win == NULL)
		return;
	pan = new_panel(win);
	werase(win);
	ew_wiz_box(u, win);
	wattron(win, A_BOLD);
	ew_wiz_put(win, 0, 2, w - 4, u->ov_title);
	wattroff(win, A_BOLD);
	if (u->ov == OV_CONFIRM_QUIT) {
		ew_wiz_put(win, 2, 2, w - 4, ew_wiz_sweep_runs(u) ?
			   "A sweep is running. Stop it and quit? (y/n)" :
			   "A step is running. Stop it and quit? (y/n)");
	} else if (u->ov == OV_CONFIRM_FLUSH) {
		ew_wiz_put(win, 1, 2, w - 4, "Flush the local DNS caches (dnsmasq, systemd-resolved, ...)");
		ew_wiz_put(win, 2, 2, w - 4, "and look again? This changes the system; it is recorded. (y/n)");
	} else if (u->ov == OV_CLIENT) {
		ew_wiz_client_draw(u, win, h, w);
	} else {
		rows = h - 2;
		for (i = 0, k = u->ov_top; k < u->ov_n && i < rows; i++, k++)
			ew_wiz_put(win, 1 + i, 2, w - 4, u->ov_lines[k]);
	}
	update_panels();
	del_panel(pan);
	delwin(win);
	/* Taking the window away marked stdscr changed: left so, the next
	 * getch() would refresh stdscr over the overlay. The screen to come
	 * is the one update_panels() made. */
	untouchwin(stdscr);
}

void ew_wiz_draw(struct ui *u)
{
	int lw;

	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		/* The longest text whose words all fit, wrapped, in the window. */
		const char *const fmt[] = {
			"Terminal too small: %dx%d. exwizard needs at least %dx%d. "
			"Make the window larger, or press q to quit.",
			"Too small: %dx%d, needs %dx%d. Make it larger, or press q to quit.",
			"Too small (%dx%d, needs %dx%d). q quits.",
			"Too small. q quits.",
		};
		size_t f, i;

		u->too_small = 1;
		for (f = 0; f < sizeof(fmt) / sizeof(fmt[0]); f++) {
			char **lines = NULL, *msg;
			size_t n = 0;
			int fits = 1;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
			msg = ew_strprintf(fmt[f], COLS, LINES, MIN_COLS, MIN_LINES);
#pragma GCC diagnostic pop
			ew_lines_wrap(&lines, &n, msg ? msg : "", 0, COLS);
			for (i = 0; i < n; i++)
				fits &= (int)strlen(lines[i]) <= COLS;
			if ((fits && (int)n <= LINES) || f + 1 == sizeof(fmt) / sizeof(fmt[0]))
				for (i = 0; i < n && (int)i < LINES; i++)
					mvaddnstr((LINES - (int)n) / 2 > 0 ? (LINES - (int)n) / 2 + (int)i :
						  (int)i, 0, lines[i], COLS);
			ew_lines_free(lines, n);
			free(msg);
			if (fits && (int)n <= LINES)
				break;
		}
		refresh();
		return;
	}
	u->too_small = 0;
	lw = COLS >= 100 ? 24 : 18;
	draw_header(u);
	if (u->sweep.shown) {
		/* The sweep screen: the whole width, under help or a question. */
		ew_wiz_sweep_draw(u);
	} else {
		draw_steps(u, lw);
		draw_pane(u, lw + 2, COLS - lw - 3);
	}
	ew_wiz_draw_keys(u);
	wnoutrefresh(stdscr);
	draw_overlay(u);
	if (u->ov == OV_FORM)
		ew_wiz_form_draw(u);
	doupdate();
}

/* ---- set-up and the loop ---- */

void ew_wiz_colors(int on)
{
	if (!on || !has_colors())
		return;
	start_color();
	use_default_colors();
	init_pair(C_PASS, COLOR_GREEN, -1);
	init_pair(C_INFO, COLOR_CYAN, -1);
	init_pair(C_WARN, COLOR_YELLOW, -1);
	init_pair(C_FAIL, COLOR_RED, -1);
	init_pair(C_SKIP, -1, -1);
	init_pair(C_HEAD, COLOR_BLUE, -1);
}
