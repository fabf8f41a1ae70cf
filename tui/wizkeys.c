/*
 * The wizard's keys: what each key does on each screen, and the key bar
 * that shows the keys of the screen shown.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "text.h"

/*
 * Each screen has a table of actions, like htop's: the keys an action takes,
 * its labels in the key bar (long from 100 columns, short below; none for a
 * key that is not listed), its rank there (when the bar does not fit, the
 * highest rank goes first; rank 0 always stays), when it is offered, and
 * what it does. The same table dispatches the keys and draws the bar, so
 * the bar shows what works on the screen shown.
 */
struct action {
	int keys[6];			/* 0-terminated */
	const char *lng, *shrt;		/* NULL: not in the key bar */
	int rank;
	int (*offered)(const struct ui *u);	/* NULL: always */
	int (*run)(struct ui *u, int ch);	/* 1: quit */
};

struct screen {
	const struct action *acts;
	size_t n;
	int (*other)(struct ui *u, int ch);	/* a key no action takes; NULL: ignored */
};

#define ESC 27
#define ENTER_KEYS '\n', '\r', KEY_ENTER

/* ---- what the main screen's offers depend on ---- */

static const struct ew_step_result *cur_result(const struct ui *u)
{
	return u->cur < ew_nsteps ? u->res[u->cur] : NULL;
}

static int on_summary(const struct ui *u)
{
	return u->cur == ew_nsteps;
}

/* The step that flushes the local DNS caches when allowed to. */
static const struct ew_step *flush_step(void)
{
	return ew_step_with(EW_STEP_ALONE_WHEN_FLUSHING);
}

static int dns_cache_warns(const struct ui *u)
{
	const struct ew_step *dns = flush_step();
	const struct ew_step_result *r = dns ? u->res[dns - ew_steps] : NULL;
	size_t i;

	for (i = 0; r && i < r->nfindings; i++)
		if (strcmp(r->findings[i]->check, EW_CK_DNS_CACHE) == 0 &&
		    r->findings[i]->severity == EW_WARN)
			return 1;
	return 0;
}

static int can_run(const struct ui *u)
{
	return !u->w->view && !u->job;
}

static int offer_details(const struct ui *u)
{
	const struct ew_step_result *r = cur_result(u);

	return !on_summary(u) && r && r->nfindings > 0;
}

static int offer_run(const struct ui *u)
{
	return !on_summary(u) && !cur_result(u) && !u->w->view;
}

static int offer_rerun(const struct ui *u)
{
	return !on_summary(u) && cur_result(u) && can_run(u);
}

/* The summary lists causes: Enter opens the selected one. */
static int offer_cause(const struct ui *u)
{
	return on_summary(u) && u->ncauses > 0;
}

static int offer_scroll_summary(const struct ui *u)
{
	return on_summary(u);
}

static int offer_pane(const struct ui *u)
{
	const struct ew_step_result *r = cur_result(u);

	return !on_summary(u) && ((r && r->nfindings) || u->data_view);
}

static int offer_data(const struct ui *u)
{
	return !on_summary(u) && cur_result(u);
}

static int offer_sideways(const struct ui *u)
{
	return u->data_view;
}

static int offer_flush(const struct ui *u)
{
	return can_run(u) && dns_cache_warns(u);
}

static int offer_cancel(const struct ui *u)
{
	return u->job != NULL;
}

/* f on a cause of the summary: find the others with it. */
static int offer_find_others(const struct ui *u)
{
	return on_summary(u) && u->ncauses > 0 && !u->w->view;
}

/* f elsewhere: the DNS flush, when there is a cache to flush. */
static int offer_flush_here(const struct ui *u)
{
	return offer_flush(u) && !offer_find_others(u);
}

static int offer_more_help(const struct ui *u)
{
	return !u->ov_help;
}

/* ---- the main screen's actions ---- */

static void move_step(struct ui *u, int delta)
{
	size_t to = u->cur;

	/* To the next (previous) step the list shows. */
	while (delta < 0 && to > 0 && !ew_wiz_step_shown(u, --to))
		;
	while (delta > 0 && to < ew_nsteps && !ew_wiz_step_shown(u, ++to))
		;
	if (ew_wiz_step_shown(u, to))
		u->cur = to;
	u->sel = u->top = 0;
	u->data_view = 0;
	u->left = 0;
	u->message[0] = '\0';
	if (u->cur < ew_nsteps && u->res[u->cur] == NULL && !u->job)
		snprintf(u->message, sizeof(u->message), "Enter runs this step: %s",
			 ew_steps[u->cur].summary);
	else if (u->cur == ew_nsteps)
		snprintf(u->message, sizeof(u->message), "The summary of every step run so far");
}

static int act_quit(struct ui *u, int ch)
{
	(void)ch;
	if (u->job) {
		u->ov = OV_CONFIRM_QUIT;
		snprintf(u->ov_title, sizeof(u->ov_title), " Quit ");
		return 0;
	}
	return 1;
}

static int act_cancel(struct ui *u, int ch)
{
	(void)ch;
	u->run_all = 0;
	if (u->job) {
		atomic_store(&u->job->cancel, 1);
		snprintf(u->message, sizeof(u->message), "Cancelling...");
	}
	return 0;
}

static int act_help(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_open_help(u);
	return 0;
}

static int act_identities(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_open_identities(u, 0);
	return 0;
}

static int act_sideways(struct ui *u, int ch)
{
	/* Sideways in the data view: the columns shown whole. */
	if (!u->data_view)
		snprintf(u->message, sizeof(u->message),
			 "h and l scroll the data view sideways: d shows it");
	else if (ch == 'l')
		u->left += 8;
	else
		u->left = u->left > 8 ? u->left - 8 : 0;
	return 0;
}

static int act_step(struct ui *u, int ch)
{
	move_step(u, ch == 'n' || ch == KEY_RIGHT ? 1 : -1);
	return 0;
}

static int act_pane(struct ui *u, int ch)
{
	const struct ew_step_result *r = cur_result(u);

	(void)ch;
	u->pane = u->pane == PANE_STEPS &&
		  ((r && r->nfindings) || on_summary(u) || u->data_view) ?
		  PANE_FINDINGS : PANE_STEPS;
	return 0;
}

/* Pages and ends of the summary and the data (clamped when drawn). */
static int act_page(struct ui *u, int ch)
{
	size_t page = (size_t)(LINES > 8 ? LINES - 8 : 1);

	if (!u->data_view && !on_summary(u))
		return 0;
	if (ch == KEY_NPAGE || ch == ' ')
		u->top += page;
	else if (ch == KEY_PPAGE)
		u->top = u->top > page ? u->top - page : 0;
	else if (ch == KEY_HOME || ch == 'g')
		u->top = 0;
	else
		u->top = (size_t)-1;
	return 0;
}

static int act_line(struct ui *u, int ch)
{
	const struct ew_step_result *r = cur_result(u);
	int down = ch == 'j' || ch == KEY_DOWN;

	if (u->pane == PANE_STEPS)
		move_step(u, down ? 1 : -1);
	else if (on_summary(u) && u->ncauses &&
		 (down ? u->sel + 1 < u->ncauses : u->sel > 0)) {
		/* The causes first: j/k select; past the last one, j scrolls. */
		u->sel = down ? u->sel + 1 : u->sel - 1;
		u->follow_cause = 1;
	} else if (u->data_view || on_summary(u))
		u->top = down ? u->top + 1 : u->top ? u->top - 1 : 0;
	else if (down && r && u->sel + 1 < r->nfindings)
		u->sel++;
	else if (!down && u->sel)
		u->sel--;
	return 0;
}

static int act_data(struct ui *u, int ch)
{
	const struct ew_step_result *r = cur_result(u);

	(void)ch;
	if (!u->data_view && (r == NULL || r->data == NULL)) {
		snprintf(u->message, sizeof(u->message), on_summary(u) ?
			 "d shows a step's data: the summary has none (n, p choose a step)" :
			 "No data yet: Enter runs this step, then d shows what it gathered");
		return 0;
	}
	u->data_view = !u->data_view;
	u->top = 0;
	u->left = 0;
	return 0;
}

static int act_edit(struct ui *u, int ch)
{
	(void)ch;
	if (can_run(u))
		ew_wiz_form_open(u);
	return 0;
}

static int act_flush(struct ui *u, int ch)
{
	(void)ch;
	if (u->w->view)
		snprintf(u->message, sizeof(u->message), "A saved transcript: nothing runs here");
	else if (u->job)
		snprintf(u->message, sizeof(u->message), "A step is running: f waits for it");
	else if (dns_cache_warns(u)) {
		u->ov = OV_CONFIRM_FLUSH;
		snprintf(u->ov_title, sizeof(u->ov_title), " Flush DNS caches ");
	} else
		snprintf(u->message, sizeof(u->message), "Nothing to flush: f is for when the "
			 "DNS step finds a local cache that disagrees (DNS-CACHE)");
	return 0;
}

/* f: on a cause of the summary, find the others with it; else the flush. */
static int act_f(struct ui *u, int ch)
{
	if (on_summary(u) && u->ncauses > 0) {
		ew_wiz_sweep_find_others(u);
		return 0;
	}
	return act_flush(u, ch);
}

/* W: who else is affected, every cause a sweep finds. */
static int act_sweep(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_sweep_start(u, NULL);
	return 0;
}

static int act_client(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_client_open(u);
	return 0;
}

static int act_save(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_save_report(u);
	return 0;
}

/* Every step not run yet (or stale), side by side as `check` runs them. */
static int act_all(struct ui *u, int ch)
{
	size_t places[MAX_STEPS], n = 0, i;

	(void)ch;
	if (!can_run(u)) {
		snprintf(u->message, sizeof(u->message), u->w->view ?
			 "A saved transcript: nothing runs here" :
			 "A step is running: a waits for it");
		return 0;
	}
	for (i = 0; i < ew_nsteps && n < MAX_STEPS; i++)
		if (ew_wiz_step_shown(u, i) &&
		    (u->res[i] == NULL || ew_step_result_is_stale(u->res[i])))
			places[n++] = i;
	if (n == 0) {
		snprintf(u->message, sizeof(u->message), "Every step has run: nothing "
			 "left for a (F5 runs the selected step again)");
		return 0;
	}
	u->cur = places[0];
	u->sel = u->top = 0;
	u->run_all = 1;
	ew_wiz_start_steps(u, places, n, 0);
	return 0;
}

/* Every step again, compared with the results as they are (wizcompare.c). */
static int act_compare(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_compare_start(u);
	return 0;
}

static int act_rerun(struct ui *u, int ch)
{
	(void)ch;
	if (u->cur < ew_nsteps)
		ew_wiz_start_job(u, u->cur, 0);
	return 0;
}

static int act_enter(struct ui *u, int ch)
{
	const struct ew_step_result *r = cur_result(u);

	(void)ch;
	if (on_summary(u)) {
		if (u->ncauses == 0) {
			snprintf(u->message, sizeof(u->message), "No cause found: Enter opens a "
				 "cause when the diagnosis lists one");
			return 0;
		}
		u->pane = PANE_FINDINGS;
		ew_wiz_open_cause(u);
		return 0;
	}
	/* The first entry is the target: Enter opens its form. */
	if (u->cur == 0 && u->pane == PANE_STEPS && can_run(u)) {
		ew_wiz_form_open(u);
		return 0;
	}
	if (r == NULL)
		ew_wiz_start_job(u, u->cur, 0);
	else if (u->pane != PANE_STEPS)
		ew_wiz_open_details(u);
	else if (r->nfindings) {
		u->pane = PANE_FINDINGS;
		ew_wiz_open_details(u);
	}
	return 0;
}

static const struct action main_acts[] = {
	{ { KEY_F(1), '?' }, "F1/? help", "?:help", 0, NULL, act_help },
	{ { ENTER_KEYS }, "Enter details", "Enter:details", 1, offer_details, act_enter },
	{ { ENTER_KEYS }, "Enter run", "Enter:run", 1, offer_run, act_enter },
	{ { ENTER_KEYS }, "Enter cause", "Enter:cause", 1, offer_cause, act_enter },
	{ { KEY_F(5) }, "F5 re-run", "F5:rerun", 4, offer_rerun, act_rerun },
	{ { 'n', 'p', KEY_RIGHT, KEY_LEFT }, "n/p next/prev", "n/p:step", 2, NULL, act_step },
	{ { '\t' }, "Tab/j/k scroll", "Tab/j/k:scroll", 1, offer_scroll_summary, act_pane },
	{ { '\t' }, "Tab pane", "Tab", 4, offer_pane, act_pane },
	{ { 'd' }, "d data", "d:data", 3, offer_data, act_data },
	{ { 'h', 'l' }, "h/l sideways", "h/l:side", 3, offer_sideways, act_sideways },
	/* Before e: on the summary, of the two, e goes first when the bar is full. */
	{ { 'f' }, "f find others with it", "f:others", 3, offer_find_others, act_f },
	{ { 'e' }, "e edit", "e:edit", 3, can_run, act_edit },
	{ { 'a' }, "a run all", "a:all", 2, can_run, act_all },
	{ { 'f' }, "f flush DNS", "f:flush", 2, offer_flush_here, act_f },
	{ { 'W' }, "W sweep the domain", "W:sweep", 3, can_run, act_sweep },
	{ { 'c' }, "c check again, compare", "c:compare", 2, ew_wiz_compare_offered, act_compare },
	{ { 'i' }, "i beside the other user", "i:beside", 2, ew_wiz_identities_offered,
	  act_identities },
	{ { 's' }, "s save", "s:save", 3, NULL, act_save },
	{ { 'v' }, "v client output", "v:client", 4, can_run, act_client },
	{ { ESC }, "Esc cancel", "Esc:cancel", 0, offer_cancel, act_cancel },
	{ { 'q' }, "q quit", "q:quit", 0, NULL, act_quit },
	{ { 'j', 'k', KEY_DOWN, KEY_UP }, NULL, NULL, 0, NULL, act_line },
	{ { KEY_NPAGE, ' ', KEY_PPAGE }, NULL, NULL, 0, NULL, act_page },
	{ { KEY_HOME, 'g', KEY_END, 'G' }, NULL, NULL, 0, NULL, act_page },
};

/* ---- a text overlay (help, details) ---- */

static int text_close(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_overlay_close(u);
	return 0;
}

static int text_scroll(struct ui *u, int ch)
{
	if ((ch == 'j' || ch == KEY_DOWN) && u->ov_top + 1 < u->ov_n)
		u->ov_top++;
	else if ((ch == 'k' || ch == KEY_UP) && u->ov_top)
		u->ov_top--;
	else if (ch == ' ' || ch == KEY_NPAGE)
		u->ov_top = u->ov_top + 10 < u->ov_n ? u->ov_top + 10 : u->ov_top;
	else if (ch == KEY_PPAGE)
		u->ov_top = u->ov_top > 10 ? u->ov_top - 10 : 0;
	return 0;
}

static int offer_all_rows(const struct ui *u)
{
	return u->ov_identities != 0;
}

/* The comparison: every aspect, or only those that differ. */
static int text_all_rows(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_open_identities(u, u->ov_identities == 1);
	return 0;
}

static const struct action text_acts[] = {
	{ { 'w' }, "w all rows / differing", "w:rows", 1, offer_all_rows, text_all_rows },
	{ { ESC, 'q', ENTER_KEYS }, "Esc/q close", "Esc/q:close", 0, NULL, text_close },
	{ { 'j', 'k', KEY_DOWN, KEY_UP }, "j/k scroll", "j/k:scroll", 1, NULL, text_scroll },
	{ { KEY_PPAGE, KEY_NPAGE, ' ' }, "PgUp/PgDn page", "PgUp/PgDn", 2, NULL, text_scroll },
	{ { KEY_F(1), '?' }, "F1/? help", "?:help", 1, offer_more_help, act_help },
};

/* ---- the sweep screen (wizsweep.c) ---- */

static int offer_sweep_running(const struct ui *u)
{
	return ew_wiz_sweep_runs(u);
}

static int offer_sweep_ended(const struct ui *u)
{
	return !ew_wiz_sweep_runs(u);
}

static int offer_sweep_again(const struct ui *u)
{
	return !ew_wiz_sweep_runs(u) && can_run(u);
}

/* Esc: stops the sweep (what it covered is kept); once ended, closes. */
static int sweep_esc(struct ui *u, int ch)
{
	(void)ch;
	if (ew_wiz_sweep_runs(u)) {
		if (u->job)
			atomic_store(&u->job->cancel, 1);
		snprintf(u->message, sizeof(u->message), "Stopping the sweep...");
		return 0;
	}
	ew_wiz_sweep_close(u);
	u->message[0] = '\0';
	return 0;
}

static int sweep_scroll(struct ui *u, int ch)
{
	ew_wiz_sweep_scroll(u, ch);
	return 0;
}

static int sweep_again(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_sweep_start(u, u->sweep.cause[0] ? u->sweep.cause : NULL);
	return 0;
}

static int sweep_help(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_open_help_topic(u, "sweep");
	return 0;
}

static const struct action sweep_acts[] = {
	{ { ESC }, "Esc stop", "Esc:stop", 0, offer_sweep_running, sweep_esc },
	{ { ESC }, "Esc close", "Esc:close", 0, offer_sweep_ended, sweep_esc },
	{ { 'j', 'k', KEY_DOWN, KEY_UP }, "j/k scroll", "j/k:scroll", 1, offer_sweep_ended,
	  sweep_scroll },
	{ { KEY_PPAGE, KEY_NPAGE, ' ' }, "PgUp/PgDn page", "PgUp/PgDn", 2, offer_sweep_ended,
	  sweep_scroll },
	{ { KEY_HOME, 'g', KEY_END, 'G' }, NULL, NULL, 0, NULL, sweep_scroll },
	{ { 'W' }, "W sweep again", "W:again", 2, offer_sweep_again, sweep_again },
	{ { 's' }, "s save", "s:save", 3, offer_sweep_ended, act_save },
	{ { KEY_F(1), '?' }, "F1/? help", "?:help", 1, NULL, sweep_help },
	{ { 'q' }, "q quit", "q:quit", 0, NULL, act_quit },
};

/* ---- a question (y/n): any other key is no ---- */

static int confirm_no(struct ui *u, int ch)
{
	(void)ch;
	if (u->ov == OV_CONFIRM_FLUSH)
		snprintf(u->message, sizeof(u->message), "Nothing flushed");
	u->ov = u->sweep.shown ? OV_SWEEP : OV_NONE;
	return 0;
}

static int confirm_yes(struct ui *u, int ch)
{
	enum overlay ov = u->ov;

	(void)ch;
	u->ov = OV_NONE;
	if (ov == OV_CONFIRM_QUIT) {
		if (u->job)
			atomic_store(&u->job->cancel, 1);
		return 1;
	}
	if (flush_step()) {
		ew_session_input(u->w->session,
				 json_pack("{s:s, s:s}", "source", "confirmation",
					   "text", "flush the local DNS caches"));
		ew_wiz_start_job(u, (size_t)(flush_step() - ew_steps), EW_RUN_FLUSH);
	}
	return 0;
}

static const struct action confirm_acts[] = {
	{ { 'y', 'Y' }, "y yes", "y:yes", 0, NULL, confirm_yes },
	{ { 'n', 'N' }, "n no", "n:no", 0, NULL, confirm_no },
};

/* ---- the target form: the form library takes every key ---- */

static int form_key(struct ui *u, int ch)
{
	ew_wiz_form_key(u, ch);
	return 0;
}

static const struct action form_acts[] = {
	{ { '\t', KEY_DOWN }, "Tab/Down next field", "Tab:next", 0, NULL, form_key },
	{ { KEY_UP, KEY_BTAB }, "Up previous field", "Up:prev", 1, NULL, form_key },
	{ { ENTER_KEYS }, "Enter apply", "Enter:apply", 0, NULL, form_key },
	{ { ESC }, "Esc cancel", "Esc:cancel", 0, NULL, form_key },
};

/* ---- the client pane: every other key is text; inside a paste, every key ---- */

static int client_key(struct ui *u, int ch)
{
	ew_wiz_client_key(u, ch);
	return 0;
}

static int client_end(struct ui *u, int ch)
{
	(void)ch;
	ew_wiz_client_end(u);
	return 0;
}

static const struct action client_acts[] = {
	{ { 4 }, "Ctrl-D take the text", "^D:take", 0, NULL, client_end },
	{ { ESC }, "Esc close", "Esc:close", 0, NULL, client_key },
};

#define SCREEN(a, other) { (a), sizeof(a) / sizeof((a)[0]), (other) }

static struct screen screen_of(const struct ui *u)
{
	static const struct screen main_s = SCREEN(main_acts, NULL);
	static const struct screen text_s = SCREEN(text_acts, NULL);
	static const struct screen confirm_s = SCREEN(confirm_acts, confirm_no);
	static const struct screen form_s = SCREEN(form_acts, form_key);
	static const struct screen client_s = SCREEN(client_acts, client_key);
	static const struct screen paste_s = { NULL, 0, client_key };
	static const struct screen sweep_s = SCREEN(sweep_acts, NULL);

	switch (u->ov) {
	case OV_FORM:
		return form_s;
	case OV_CLIENT:
		return u->paste.pasting ? paste_s : client_s;
	case OV_CONFIRM_QUIT:
	case OV_CONFIRM_FLUSH:
		return confirm_s;
	case OV_TEXT:
		return text_s;
	case OV_SWEEP:
		return sweep_s;
	case OV_NONE:
		break;
	}
	return main_s;
}

int ew_wiz_key(struct ui *u, int ch)
{
	struct screen s = screen_of(u);
	size_t i, k;

	for (i = 0; i < s.n; i++)
		for (k = 0; k < 6 && s.acts[i].keys[k]; k++)
			if (s.acts[i].keys[k] == ch)
				return s.acts[i].run(u, ch);
	return s.other ? s.other(u, ch) : 0;
}

/*
 * The key bar: the labels of the actions offered on the screen shown. When
 * they do not fit, the highest rank goes first (the last of equals).
 */
void ew_wiz_draw_keys(const struct ui *u)
{
	struct screen s = screen_of(u);
	const struct action *k[32];
	size_t n = 0, i;
	int lng = COLS >= 100, sep = lng ? 2 : 1, total;
	struct ew_buf b = {0};

	for (i = 0; i < s.n && n < sizeof(k) / sizeof(k[0]); i++)
		if (s.acts[i].lng && (s.acts[i].offered == NULL || s.acts[i].offered(u)))
			k[n++] = &s.acts[i];
	for (;;) {
		size_t drop = n;

		total = 1;
		for (i = 0; i < n; i++)
			total += (int)strlen(lng ? k[i]->lng : k[i]->shrt) + (i ? sep : 0);
		if (total <= COLS)
			break;
		for (i = 0; i < n; i++)
			if (k[i]->rank > 0 && (drop == n || k[i]->rank >= k[drop]->rank))
				drop = i;
		if (drop == n)
			break;
		memmove(&k[drop], &k[drop + 1], (n - drop - 1) * sizeof(*k));
		n--;
	}
	ew_buf_addc(&b, ' ');
	for (i = 0; i < n; i++)
		ew_buf_printf(&b, "%s%s", i ? (lng ? "  " : " ") : "", lng ? k[i]->lng : k[i]->shrt);
	if (u->message[0])
		ew_wiz_put(stdscr, LINES - 2, 1, COLS - 2, u->message);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	ew_wiz_put(stdscr, LINES - 1, 0, COLS, b.data ? b.data : "");
	attroff(A_REVERSE);
	ew_buf_reset(&b);
}
