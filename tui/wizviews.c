/*
 * What the wizard's panes and overlays hold: a step's data as tables, the
 * summary, a finding's details, a help topic.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <jansson.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "help.h"
#include "text.h"

/*
 * A step's data as lines. Columns are cut to fit width (marked), or with
 * whole set as wide as their values, for a sideways scroll to reach them.
 */
void ew_wiz_data_lines(const struct ui *u, size_t i, char ***v, size_t *n, int width, int whole)
{
	const char *mark = ew_wiz_cut_mark(u);
	const json_t *d = u->res[i] ? u->res[i]->data : NULL;
	const char *id = ew_steps[i].id;
	json_t *x, *y;
	size_t k;

	if (d == NULL) {
		ew_lines_add(v, n, "Not run yet: press Enter to run this step.");
		return;
	}
	if (strcmp(id, "dns") == 0) {
		/* Columns as wide as their widest value; cut (and marked) to fit
		 * the pane unless shown whole for a sideways scroll. The server
		 * column holds "127.0.0.10" and "[::1]:5353" whole. */
		const json_t *recs = json_object_get(d, "records");
		size_t nw = 4, tw = 4, sw = 6, stw = 6, room;
		struct ew_buf h = {0};

		json_array_foreach(recs, k, x) {
			size_t c;

			if ((c = ew_lines_cols(json_string_value(json_object_get(x, "name")))) > nw)
				nw = c;
			if ((c = ew_lines_cols(json_string_value(json_object_get(x, "type")))) > tw)
				tw = c;
			if ((c = ew_lines_cols(json_string_value(json_object_get(x, "server")))) > sw)
				sw = c;
			if ((c = ew_lines_cols(json_string_value(json_object_get(x, "status")))) > stw)
				stw = c;
		}
		if (!whole) {
			if (tw > 5)
				tw = 5;
			if (sw > 15)
				sw = 15;
			if (stw > 8)
				stw = 8;
			room = width > (int)(tw + sw + stw + 4 + 16) ?
			       (size_t)width - (tw + sw + stw + 4) : 16;
			if (nw > room)
				nw = room;
		}
		ew_lines_cell(&h, "Name", nw, mark);
		ew_buf_addc(&h, ' ');
		ew_lines_cell(&h, "Type", tw, mark);
		ew_buf_addc(&h, ' ');
		ew_lines_cell(&h, "Server", sw, mark);
		ew_buf_addc(&h, ' ');
		ew_lines_cell(&h, "Status", stw, mark);
		ew_buf_adds(&h, " Answers");
		ew_lines_add(v, n, h.data);
		ew_buf_reset(&h);
		json_array_foreach(recs, k, x) {
			struct ew_buf b = {0};
			size_t a;

			ew_lines_cell(&b, json_string_value(json_object_get(x, "name")), nw, mark);
			ew_buf_addc(&b, ' ');
			ew_lines_cell(&b, json_string_value(json_object_get(x, "type")), tw, mark);
			ew_buf_addc(&b, ' ');
			ew_lines_cell(&b, json_string_value(json_object_get(x, "server")), sw, mark);
			ew_buf_addc(&b, ' ');
			ew_lines_cell(&b, json_string_value(json_object_get(x, "status")), stw, mark);
			ew_buf_addc(&b, ' ');
			json_array_foreach(json_object_get(x, "answers"), a, y) {
				if (a)
					ew_buf_adds(&b, ", ");
				ew_buf_adds(&b, json_string_value(y) ? json_string_value(y) : "");
			}
			ew_lines_add(v, n, b.data ? b.data : "");
			ew_buf_reset(&b);
		}
	} else if (strcmp(id, "tickets") == 0) {
		size_t sw = whole ? 0 : 38;

		ew_lines_add(v, n, "Cached tickets (klist / KerbTray):");
		json_array_foreach(json_object_get(d, "tickets"), k, x) {
			struct ew_buf b = {0};

			ew_buf_adds(&b, "  ");
			ew_lines_cell(&b, json_string_value(json_object_get(x, "server")), sw, mark);
			ew_buf_printf(&b, " %s ",
				      json_string_value(json_object_get(x, "endtime")) ?
				      json_string_value(json_object_get(x, "endtime")) : "-");
			ew_lines_cell(&b, json_string_value(json_object_get(x, "flag_letters")),
				 whole ? 0 : 5, mark);
			ew_buf_printf(&b, " %s %lld B",
				      json_string_value(json_object_get(x, "ticket_enctype")) ?
				      json_string_value(json_object_get(x, "ticket_enctype")) : "?",
				      (long long)json_integer_value(json_object_get(x, "ticket_size")));
			ew_lines_add(v, n, b.data ? b.data : "");
			ew_buf_reset(&b);
		}
		ew_lines_add(v, n, "Session tickets asked for:");
		json_array_foreach(json_object_get(d, "services"), k, x) {
			struct ew_buf b = {0};

			ew_buf_adds(&b, "  ");
			ew_lines_cell(&b, json_string_value(json_object_get(x, "spn")), sw, mark);
			ew_buf_addc(&b, ' ');
			ew_lines_cell(&b, json_string_value(json_object_get(x, "status")), whole ? 0 : 7,
				 mark);
			ew_buf_printf(&b, " %lld B %s",
				      (long long)json_integer_value(json_object_get(x, "ticket_size")),
				      json_string_value(json_object_get(x, "error")) ?
				      json_string_value(json_object_get(x, "error")) : "");
			ew_lines_add(v, n, b.data ? b.data : "");
			ew_buf_reset(&b);
		}
	} else if (strcmp(id, "groups") == 0) {
		const json_t *c = json_object_get(d, "counts");
		long legacy = (long)json_integer_value(json_object_get(d, "estimate_legacy"));
		long modern = (long)json_integer_value(json_object_get(d, "estimate_2012"));
		int gw = width - 30 > 10 ? width - 30 : 10, fill;
		char bar[256];

		ew_lines_addf(v, n, "global %lld  domain local %lld  universal %lld+%lld  builtin %lld",
			  (long long)json_integer_value(json_object_get(c, "global")),
			  (long long)json_integer_value(json_object_get(c, "domain_local")),
			  (long long)json_integer_value(json_object_get(c, "universal_in")),
			  (long long)json_integer_value(json_object_get(c, "universal_out")),
			  (long long)json_integer_value(json_object_get(c, "builtin")));
		/* The gauge: the estimate against 12,000 (older Windows) and 48,000. */
		if (gw > (int)sizeof(bar) - 1)
			gw = (int)sizeof(bar) - 1;
		fill = (int)(legacy * gw / 48000);
		if (fill > gw)
			fill = gw;
		for (k = 0; k < (size_t)gw; k++)
			bar[k] = (int)k < fill ? '#' : (int)k == gw / 4 ? '|' : '.';
		bar[gw] = '\0';
		ew_lines_addf(v, n, "2008R2 %6ld [%s] 48000", legacy, bar);
		ew_lines_addf(v, n, "2012   %6ld bytes; the | marks 12,000", modern);
		ew_lines_addf(v, n, "token SIDs %lld, measured TGT %lld B",
			  (long long)json_integer_value(json_object_get(d, "token_sids")),
			  (long long)json_integer_value(json_object_get(d, "measured_tgt_size")));
		json_array_foreach(json_object_get(d, "groups"), k, x)
			ew_lines_addf(v, n, "  %-12s %s", json_string_value(json_object_get(x, "scope")),
				  json_string_value(json_object_get(x, "path")) ?
				  json_string_value(json_object_get(x, "path")) :
				  json_string_value(json_object_get(x, "sid")));
	} else if (strcmp(id, "mailbox") == 0) {
		const char *key;

		json_object_foreach((json_t *)json_object_get(d, "attributes"), key, x)
			if (json_is_string(x))
				ew_lines_addf(v, n, "%s: %s", key, json_string_value(x));
		json_object_foreach((json_t *)json_object_get(d, "map"), key, x)
			ew_lines_addf(v, n, "map %s: %s", key, json_is_string(x) ?
				  json_string_value(x) : "-");
		json_array_foreach(json_object_get(json_object_get(d, "mover"), "rights"), k, x)
			ew_lines_addf(v, n, "mover on %s: %s", json_string_value(json_object_get(x, "object")),
				  json_string_value(json_object_get(x, "rights")) ?
				  json_string_value(json_object_get(x, "rights")) :
				  json_is_true(json_object_get(x, "granted")) ? "may write" :
				  "may not write");
	} else {
		char *s = json_dumps(d, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		char *p, *save = NULL;

		for (p = s ? strtok_r(s, "\n", &save) : NULL; p; p = strtok_r(NULL, "\n", &save))
			ew_lines_add(v, n, p);
		free(s);
	}
}

/* The summary: every finding above info, with its remedy. */
void ew_wiz_summary_lines(struct ui *u, char ***v, size_t *n, int width)
{
	unsigned c[EW_NSEVERITY];
	size_t i, k, stale = 0;
	int any = 0;

	ew_wiz_rebuild_report(u);
	ew_report_summary(u->w->view ? u->w->view : u->w->report, c);
	{
		unsigned cut = ew_report_cancelled_steps(u->w->view ? u->w->view : u->w->report);

		ew_lines_addf(v, n, "%u fail, %u warn, %u info, %u pass, %u skip%s", c[EW_FAIL],
			  c[EW_WARN], c[EW_INFO], c[EW_PASS], c[EW_SKIP],
			  cut ? "; cancelled steps are not complete" : "");
	}
	/* Failures first, then warnings; a stale result is not listed. */
	for (i = 0; i < 2 * ew_nsteps; i++) {
		const struct ew_step_result *sr = u->res[i % ew_nsteps];
		enum ew_severity want = i < ew_nsteps ? EW_FAIL : EW_WARN;

		if (ew_step_result_is_stale(sr)) {
			stale += i < ew_nsteps;
			continue;
		}
		for (k = 0; sr && k < sr->nfindings; k++) {
			const struct ew_finding *f = sr->findings[k];

			if (f->severity != want)
				continue;
			any = 1;
			ew_lines_addf(v, n, "[%s] %s %s", ew_severity_tag(f->severity), f->check,
				  f->title);
			if (f->remedy)
				ew_lines_wrap(v, n, f->remedy, 7, width);
		}
	}
	if (!any)
		ew_lines_add(v, n, "Nothing above info so far.");
	if (stale) {
		struct ew_buf b = {0};

		ew_buf_adds(&b, "STALE, run for an earlier target (their findings are not "
			    "listed; a runs them again):");
		for (i = 0; i < ew_nsteps; i++)
			if (ew_step_result_is_stale(u->res[i]))
				ew_buf_printf(&b, " %s", ew_steps[i].id);
		ew_lines_wrap(v, n, b.data ? b.data : "STALE", 0, width);
		ew_buf_reset(&b);
	}
	{
		/* A path has no spaces to wrap at: on lines of its own, in pieces. */
		const char *tp = u->w->transcript_path ? u->w->transcript_path : "(none)";
		size_t len = strlen(tp), off;

		if ((int)len + 12 <= width || width < 10) {
			ew_lines_addf(v, n, "Transcript: %s", tp);
		} else {
			ew_lines_add(v, n, "Transcript:");
			for (off = 0; off < len; off += (size_t)width - 2)
				ew_lines_addf(v, n, "  %.*s", width - 2, tp + off);
		}
	}
	ew_lines_add(v, n, "s saves this report as text; q quits.");
}

void ew_wiz_overlay_close(struct ui *u)
{
	ew_lines_free(u->ov_lines, u->ov_n);
	u->ov_lines = NULL;
	u->ov_n = u->ov_top = 0;
	u->ov_help = 0;
	u->ov = OV_NONE;
}

static void open_text(struct ui *u, const char *title)
{
	u->ov = OV_TEXT;
	u->ov_top = 0;
	snprintf(u->ov_title, sizeof(u->ov_title), " %s ", title);
}

void ew_wiz_open_help(struct ui *u)
{
	const struct ew_help_topic *t = NULL;
	const struct ew_step_result *r = u->cur < ew_nsteps ? u->res[u->cur] : NULL;

	ew_wiz_overlay_close(u);
	if (u->pane == PANE_FINDINGS && r && u->sel < r->nfindings)
		t = ew_help_find(r->findings[u->sel]->help);
	if (t == NULL)
		t = ew_help_find(u->cur < ew_nsteps ? ew_steps[u->cur].help : "overview");
	if (t == NULL)
		return;
	ew_lines_layout(&u->ov_lines, &u->ov_n, t->text, COLS - 10);
	open_text(u, t->name);
	u->ov_help = 1;
}

void ew_wiz_open_details(struct ui *u)
{
	const struct ew_step_result *r = u->res[u->cur];
	const struct ew_finding *f;
	size_t i;
	int w = COLS - 10;

	if (r == NULL || u->sel >= r->nfindings)
		return;
	f = r->findings[u->sel];
	ew_wiz_overlay_close(u);
	ew_lines_addf(&u->ov_lines, &u->ov_n, "[%s] %s", ew_severity_tag(f->severity), f->check);
	ew_lines_wrap(&u->ov_lines, &u->ov_n, f->title, 0, w);
	if (f->detail) {
		ew_lines_add(&u->ov_lines, &u->ov_n, "");
		ew_lines_wrap(&u->ov_lines, &u->ov_n, f->detail, 0, w);
	}
	if (f->nevidence) {
		ew_lines_add(&u->ov_lines, &u->ov_n, "");
		ew_lines_add(&u->ov_lines, &u->ov_n, "Evidence:");
		for (i = 0; i < f->nevidence; i++) {
			struct ew_buf e = {0};

			ew_buf_add_clean_max(&e, f->evidence[i], EW_TEXT_SHOW_MAX);
			ew_lines_wrap(&u->ov_lines, &u->ov_n, e.data ? e.data : "", 2, w);
			ew_buf_reset(&e);
		}
	}
	if (f->remedy) {
		ew_lines_add(&u->ov_lines, &u->ov_n, "");
		ew_lines_add(&u->ov_lines, &u->ov_n, "Remedy:");
		ew_lines_wrap(&u->ov_lines, &u->ov_n, f->remedy, 2, w);
	}
	ew_lines_add(&u->ov_lines, &u->ov_n, "");
	ew_lines_addf(&u->ov_lines, &u->ov_n, "F1 or ?: help on %s", f->help);
	open_text(u, "Details");
}
