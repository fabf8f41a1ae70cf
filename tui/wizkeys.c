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
#include "transcript.h"

/*
 * The key bar: only the keys that work on the screen shown, long labels from
 * 100 columns. When they do not fit, the least important go first (the
 * highest rank); rank 0 (help, quit, close) always stays.
 */
struct keyitem {
	const char *lng, *shrt;
	int rank;
};

static int dns_cache_warns(const struct ui *u);

static size_t screen_keys(const struct ui *u, struct keyitem *k)
{
	size_t n = 0;
	int summary = u->cur == ew_nsteps;
	const struct ew_step_result *r = summary ? NULL : u->res[u->cur];

#define KEY(l, s, rk) (k[n++] = (struct keyitem){ (l), (s), (rk) })
	switch (u->ov) {
	case OV_FORM:
		KEY("Tab/Down next field", "Tab:next", 0);
		KEY("Up previous field", "Up:prev", 1);
		KEY("Enter apply", "Enter:apply", 0);
		KEY("Esc cancel", "Esc:cancel", 0);
		return n;
	case OV_CONFIRM_QUIT:
	case OV_CONFIRM_FLUSH:
		KEY("y yes", "y:yes", 0);
		KEY("n no", "n:no", 0);
		return n;
	case OV_TEXT:
		KEY("Esc/q close", "Esc/q:close", 0);
		KEY("j/k scroll", "j/k:scroll", 1);
		KEY("PgUp/PgDn page", "PgUp/PgDn", 2);
		if (!u->ov_help)
			KEY("F1/? help", "?:help", 1);
		return n;
	case OV_NONE:
		break;
	}
	KEY("F1/? help", "?:help", 0);
	if (!summary && (r ? r->nfindings > 0 : !u->w->view))
		KEY(r ? "Enter details" : "Enter run", r ? "Enter:details" : "Enter:run", 1);
	if (!summary && r && !u->w->view && !u->job)
		KEY("F5 re-run", "F5:rerun", 4);
	KEY("n/p next/prev", "n/p:step", 2);
	if (summary || (r && r->nfindings) || u->data_view)
		KEY(summary ? "Tab/j/k scroll" : "Tab pane", summary ? "Tab/j/k:scroll" : "Tab",
		    summary ? 1 : 4);
	if (!summary && r)
		KEY("d data", "d:data", 3);
	if (u->data_view)
		KEY("h/l sideways", "h/l:side", 3);
	if (!u->w->view && !u->job) {
		KEY("e edit", "e:edit", 3);
		KEY("a run all", "a:all", 2);
		if (dns_cache_warns(u))
			KEY("f flush DNS", "f:flush", 2);
	}
	KEY("s save", "s:save", 3);
	if (u->job)
		KEY("Esc cancel", "Esc:cancel", 0);
	KEY("q quit", "q:quit", 0);
#undef KEY
	return n;
}

void ew_wiz_draw_keys(const struct ui *u)
{
	struct keyitem k[16];
	size_t n = screen_keys(u, k), i;
	int lng = COLS >= 100, sep = lng ? 2 : 1, total;
	struct ew_buf b = {0};

	for (;;) {
		size_t drop = n;

		total = 1;
		for (i = 0; i < n; i++)
			total += (int)strlen(lng ? k[i].lng : k[i].shrt) + (i ? sep : 0);
		if (total <= COLS)
			break;
		for (i = 0; i < n; i++)
			if (k[i].rank > 0 && (drop == n || k[i].rank >= k[drop].rank))
				drop = i;
		if (drop == n)
			break;
		memmove(&k[drop], &k[drop + 1], (n - drop - 1) * sizeof(*k));
		n--;
	}
	ew_buf_addc(&b, ' ');
	for (i = 0; i < n; i++)
		ew_buf_printf(&b, "%s%s", i ? (lng ? "  " : " ") : "", lng ? k[i].lng : k[i].shrt);
	if (u->message[0])
		ew_wiz_put(stdscr, LINES - 2, 1, COLS - 2, u->message);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	ew_wiz_put(stdscr, LINES - 1, 0, COLS, b.data ? b.data : "");
	attroff(A_REVERSE);
	ew_buf_reset(&b);
}

static int dns_cache_warns(const struct ui *u)
{
	const struct ew_step *dns = ew_step_find("dns");
	const struct ew_step_result *r = dns ? u->res[dns - ew_steps] : NULL;
	size_t i;

	for (i = 0; r && i < r->nfindings; i++)
		if (strcmp(r->findings[i]->check, EW_CK_DNS_CACHE) == 0 &&
		    r->findings[i]->severity == EW_WARN)
			return 1;
	return 0;
}

static void move_step(struct ui *u, int delta)
{
	if (delta < 0 && u->cur > 0)
		u->cur--;
	else if (delta > 0 && u->cur < ew_nsteps)
		u->cur++;
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

/* Returns 1 to quit. */
int ew_wiz_key(struct ui *u, int ch)
{
	const struct ew_step_result *r = u->cur < ew_nsteps ? u->res[u->cur] : NULL;

	if (u->ov == OV_FORM) {
		ew_wiz_form_key(u, ch);
		return 0;
	}
	if (u->ov == OV_CONFIRM_QUIT) {
		u->ov = OV_NONE;
		if (ch == 'y' || ch == 'Y') {
			if (u->job)
				atomic_store(&u->job->cancel, 1);
			return 1;
		}
		return 0;
	}
	if (u->ov == OV_CONFIRM_FLUSH) {
		u->ov = OV_NONE;
		if (ch == 'y' || ch == 'Y') {
			const struct ew_step *dns = ew_step_find("dns");

			if (u->w->run->transcript)
				ew_transcript_event(u->w->run->transcript, "input",
						    json_pack("{s:s, s:s}", "source", "confirmation",
							      "text", "flush the local DNS caches"));
			ew_wiz_start_job(u, (size_t)(dns - ew_steps), EW_RUN_FLUSH);
		} else {
			snprintf(u->message, sizeof(u->message), "Nothing flushed");
		}
		return 0;
	}
	if (u->ov == OV_TEXT) {
		switch (ch) {
		case 27: case 'q': case '\n': case '\r': case KEY_ENTER:
			ew_wiz_overlay_close(u);
			break;
		case 'j': case KEY_DOWN:
			if (u->ov_top + 1 < u->ov_n)
				u->ov_top++;
			break;
		case 'k': case KEY_UP:
			if (u->ov_top)
				u->ov_top--;
			break;
		case ' ': case KEY_NPAGE:
			u->ov_top = u->ov_top + 10 < u->ov_n ? u->ov_top + 10 : u->ov_top;
			break;
		case KEY_PPAGE:
			u->ov_top = u->ov_top > 10 ? u->ov_top - 10 : 0;
			break;
		case KEY_F(1): case '?':
			ew_wiz_open_help(u);
			break;
		}
		return 0;
	}
	switch (ch) {
	case 'q':
		if (u->job) {
			u->ov = OV_CONFIRM_QUIT;
			snprintf(u->ov_title, sizeof(u->ov_title), " Quit ");
			return 0;
		}
		return 1;
	case 27:
		u->run_all = 0;
		if (u->job) {
			atomic_store(&u->job->cancel, 1);
			snprintf(u->message, sizeof(u->message), "Cancelling...");
		}
		break;
	case KEY_F(1): case '?':
		ew_wiz_open_help(u);
		break;
	case 'l': case 'h':
		/* Sideways in the data view: the columns shown whole. */
		if (!u->data_view) {
			snprintf(u->message, sizeof(u->message),
				 "h and l scroll the data view sideways: d shows it");
			break;
		}
		if (ch == 'l')
			u->left += 8;
		else
			u->left = u->left > 8 ? u->left - 8 : 0;
		break;
	case 'n': case KEY_RIGHT:
		move_step(u, 1);
		break;
	case 'p': case KEY_LEFT:
		move_step(u, -1);
		break;
	case '\t':
		u->pane = u->pane == PANE_STEPS &&
			  ((r && r->nfindings) || u->cur == ew_nsteps || u->data_view) ?
			  PANE_FINDINGS : PANE_STEPS;
		break;
	/* Pages and ends of the summary and the data (clamped when drawn). */
	case KEY_NPAGE: case ' ':
		if (u->data_view || u->cur == ew_nsteps)
			u->top += (size_t)(LINES > 8 ? LINES - 8 : 1);
		break;
	case KEY_PPAGE:
		if (u->data_view || u->cur == ew_nsteps)
			u->top = u->top > (size_t)(LINES - 8) ? u->top - (size_t)(LINES - 8) : 0;
		break;
	case KEY_HOME: case 'g':
		if (u->data_view || u->cur == ew_nsteps)
			u->top = 0;
		break;
	case KEY_END: case 'G':
		if (u->data_view || u->cur == ew_nsteps)
			u->top = (size_t)-1;
		break;
	case 'j': case KEY_DOWN:
		if (u->pane == PANE_STEPS)
			move_step(u, 1);
		else if (u->data_view || u->cur == ew_nsteps)
			u->top++;
		else if (r && u->sel + 1 < r->nfindings)
			u->sel++;
		break;
	case 'k': case KEY_UP:
		if (u->pane == PANE_STEPS)
			move_step(u, -1);
		else if (u->data_view || u->cur == ew_nsteps)
			u->top = u->top ? u->top - 1 : 0;
		else if (u->sel)
			u->sel--;
		break;
	case 'd':
		if (!u->data_view && (r == NULL || r->data == NULL)) {
			snprintf(u->message, sizeof(u->message), u->cur == ew_nsteps ?
				 "d shows a step's data: the summary has none (n, p choose a step)" :
				 "No data yet: Enter runs this step, then d shows what it gathered");
			break;
		}
		u->data_view = !u->data_view;
		u->top = 0;
		u->left = 0;
		break;
	case 'e':
		if (!u->job && !u->w->view)
			ew_wiz_form_open(u);
		break;
	case 'f':
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
		break;
	case 's':
		ew_wiz_save_report(u);
		break;
	case 'a':
		/* Run every step not run yet, one after the other. */
		if (!u->job) {
			size_t i;

			for (i = 0; i < ew_nsteps; i++)
				if (u->res[i] == NULL || ew_step_result_is_stale(u->res[i])) {
					u->cur = i;
					u->run_all = 1;
					ew_wiz_start_job(u, i, 0);
					break;
				}
			if (i == ew_nsteps)
				snprintf(u->message, sizeof(u->message), "Every step has run: nothing "
					 "left for a (F5 runs the selected step again)");
		} else {
			snprintf(u->message, sizeof(u->message), u->w->view ?
				 "A saved transcript: nothing runs here" :
				 "A step is running: a waits for it");
		}
		break;
	case KEY_F(5):
		if (u->cur < ew_nsteps)
			ew_wiz_start_job(u, u->cur, 0);
		break;
	case '\n': case '\r': case KEY_ENTER:
		if (u->cur == ew_nsteps)
			break;
		/* The first entry is the target: Enter opens its form. */
		if (u->cur == 0 && u->pane == PANE_STEPS && !u->job && !u->w->view) {
			ew_wiz_form_open(u);
			break;
		}
		if (r == NULL || u->pane == PANE_STEPS) {
			if (r == NULL)
				ew_wiz_start_job(u, u->cur, 0);
			else if (r->nfindings) {
				u->pane = PANE_FINDINGS;
				ew_wiz_open_details(u);
			}
		} else {
			ew_wiz_open_details(u);
		}
		break;
	}
	return 0;
}
