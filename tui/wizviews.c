/*
 * What the wizard's panes and overlays hold: a step's data as tables, the
 * summary (the diagnosis first), a finding's details, a cause's details, a
 * help topic.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <jansson.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comparison.h"
#include "diagnosis.h"
#include "help.h"
#include "text.h"
#include "wizdata.h"

/*
 * A step's data as lines, by the view of its kind (wizdata.c). Columns are
 * cut to fit width (marked), or with whole set as wide as their values, for
 * a sideways scroll to reach them.
 */
void ew_wiz_data_lines(const struct ui *u, size_t i, char ***v, size_t *n, int width, int whole)
{
	const json_t *d = u->res[i] ? u->res[i]->data : NULL;

	if (d == NULL) {
		ew_lines_add(v, n, "Not run yet: press Enter to run this step.");
		return;
	}
	ew_wiz_data_view(ew_steps[i].data, d, ew_wiz_cut_mark(u), width, whole, v, n);
}

/* The check ids of a cause's evidence, each once: "KRB-SVC, SPN-UNIQUE". */
static void evidence_checks(const struct ew_diag_cause *c, struct ew_buf *b)
{
	size_t k, j;

	for (k = 0; k < c->nevidence; k++) {
		for (j = 0; j < k && strcmp(c->evidence[j].check, c->evidence[k].check); j++)
			;
		if (j == k)
			ew_buf_printf(b, "%s%s", b->len ? ", " : "", c->evidence[k].check);
	}
}

/*
 * The diagnosis as the summary opens with it: the verdict, the symptoms
 * given, then each cause (rank, severity, title, the check ids of its
 * evidence), the selected one marked.
 */
static void diagnosis_lines(struct ui *u, char ***v, size_t *n, int width)
{
	const struct ew_diagnosis *d = ew_wiz_diagnosis(u);
	struct ew_buf b = {0};
	size_t i;

	u->ncauses = 0;
	if (d == NULL) {
		ew_lines_add(v, n, "Diagnosis: out of memory");
		return;
	}
	ew_buf_printf(&b, "Diagnosis: %s", d->verdict ? d->verdict : "none");
	ew_lines_wrap(v, n, b.data ? b.data : "Diagnosis", 0, width);
	ew_buf_reset(&b);
	for (i = 0; i < d->nsymptoms; i++)
		ew_buf_printf(&b, "%s%s", i ? ", " : "Symptoms: ", d->symptoms[i]);
	if (b.len)
		ew_lines_wrap(v, n, b.data, 0, width);
	ew_buf_reset(&b);
	u->ncauses = d->ncauses;
	if (u->sel >= d->ncauses)
		u->sel = d->ncauses ? d->ncauses - 1 : 0;
	for (i = 0; i < d->ncauses; i++) {
		const struct ew_diag_cause *c = &d->causes[i];

		size_t first = *n;

		ew_buf_printf(&b, "%d. [%s] %s", c->rank, ew_severity_tag(c->severity),
			      c->title ? c->title : c->def->title);
		ew_lines_wrap(v, n, b.data ? b.data : "", 2, width);
		ew_buf_reset(&b);
		/* The selected cause: marked on its first line. */
		if (i == u->sel && *n > first && (*v)[first][0] == ' ') {
			u->cause_line = first;
			(*v)[first][0] = '>';
		}
		evidence_checks(c, &b);
		if (b.len)
			ew_lines_wrap(v, n, b.data, 6, width);
		ew_buf_reset(&b);
	}
	if (d->ncauses)
		ew_lines_wrap(v, n, "Enter shows the selected cause: evidence, fix, how to "
			      "confirm.", 0, width);
	if (!u->w->view)
		ew_lines_wrap(v, n, d->ncauses ? "Who else: f sweeps the domain for the "
			      "selected cause, W for every cause a sweep finds." :
			      "Who else: W sweeps the domain for every cause a sweep finds.",
			      0, width);
	ew_lines_add(v, n, "");
}

/* The summary: a comparison after c, the user beside the compared one, the
 * diagnosis, then every finding above info, with its remedy. */
void ew_wiz_summary_lines(struct ui *u, char ***v, size_t *n, int width)
{
	unsigned c[EW_NSEVERITY];
	size_t i, k, stale = 0;
	int any = 0;

	ew_wiz_rebuild_report(u);
	ew_wiz_compare_lines(u, v, n, width);
	{
		/* The user beside the compared identity: how much differs. */
		const struct ew_comparison *cmp = ew_wiz_identities_offered(u) ?
			ew_wiz_comparison(u) : NULL;

		if (cmp) {
			size_t nc = ew_comparison_nnot_compared(cmp);

			struct ew_buf b = {0};

			ew_buf_printf(&b, "%s beside %s: %zu aspects differ%s%.0zu%s; i shows "
				      "them.", cmp->user, cmp->other,
				      ew_comparison_ndifferences(cmp), nc ? ", " : "", nc,
				      nc ? " not compared" : "");
			ew_lines_wrap(v, n, b.data ? b.data : "", 0, width);
			ew_buf_reset(&b);
			ew_lines_add(v, n, "");
		}
	}
	diagnosis_lines(u, v, n, width);
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
	u->ov_identities = 0;
	/* Help or a question over the sweep screen: back to it. */
	u->ov = u->sweep.shown ? OV_SWEEP : OV_NONE;
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

void ew_wiz_open_help_topic(struct ui *u, const char *name)
{
	const struct ew_help_topic *t = ew_help_find(name);

	ew_wiz_overlay_close(u);
	if (t == NULL)
		return;
	ew_lines_layout(&u->ov_lines, &u->ov_n, t->text, COLS - 10);
	open_text(u, t->name);
	u->ov_help = 1;
}

int ew_wiz_identities_offered(const struct ui *u)
{
	const struct ew_report *r = u->w->view ? u->w->view : u->w->report;
	size_t i;

	if (u->w->view)
		return ew_report_compared_user(r) != NULL && r->ncompared > 0;
	for (i = 0; i < ew_nsteps; i++)
		if (u->cres[i])
			return u->w->run->target->compare != NULL;
	return 0;
}

/*
 * A line of the view: lead, then text wrapped in width columns under itself
 * (nothing cut), and mark in the column after width on the first line.
 */
static void view_line(struct ui *u, const char *lead, size_t lead_cols, const char *text,
		      int width, const char *mark)
{
	char **part = NULL;
	size_t np = 0, i;

	ew_lines_wrap(&part, &np, text, 0, width);
	for (i = 0; i < np || i == 0; i++) {
		const char *p = i < np ? part[i] : "";
		int pad = mark && i == 0 ? width - (int)ew_text_columns(p) + 1 : 0;

		ew_lines_addf(&u->ov_lines, &u->ov_n, "%s%*s%s%*s%s", i ? "" : lead,
			      i ? (int)lead_cols : 0, "", p, pad > 0 ? pad : 1, "",
			      mark && i == 0 ? mark : "");
	}
	ew_lines_free(part, np);
}

/* One side's value under a row: "  carol value", the value wrapped under itself. */
static void identity_value(struct ui *u, const char *who, size_t wname, const char *value,
			   int width)
{
	char lead[128];
	size_t k = ew_text_columns(who);

	snprintf(lead, sizeof(lead), "  %s%*s ", who, k < wname ? (int)(wname - k) : 0, "");
	view_line(u, lead, wname + 3, value, width - (int)wname - 3, NULL);
}

void ew_wiz_open_identities(struct ui *u, int all)
{
	const struct ew_comparison *c = ew_wiz_comparison(u);
	int w = COLS - 10;
	size_t i, wname, shown = 0, nd;
	char title[100];

	ew_wiz_overlay_close(u);
	if (c == NULL) {
		snprintf(u->message, sizeof(u->message), "Nothing to compare: give a user to "
			 "compare with (e edits the target), then run the steps");
		return;
	}
	nd = ew_comparison_ndifferences(c);
	wname = ew_text_columns(c->user);
	if (ew_text_columns(c->other) > wname)
		wname = ew_text_columns(c->other);
	if (wname > 20)
		wname = 20;
	/* The aspect, and in the column on the right whether the two differ. */
	ew_lines_addf(&u->ov_lines, &u->ov_n, "%-*s %s", w - 9, all ? "Every aspect" :
		      "The aspects that differ (? not compared)", "DIFFERS");
	for (i = 0; i < c->nrows; i++) {
		const struct ew_comparison_row *r = &c->rows[i];

		/* By default what differs, and what could not be compared (why). */
		if (!all && !r->differs && r->compared)
			continue;
		shown++;
		view_line(u, "", 0, r->aspect, w - 9, r->differs ? "yes" : r->compared ? "-" : "?");
		if (r->differs || !r->compared) {
			identity_value(u, c->user, wname, r->user, w);
			identity_value(u, c->other, wname, r->other, w);
		} else {
			identity_value(u, "both", wname, r->user, w);
		}
		if (r->explains)
			ew_lines_addf(&u->ov_lines, &u->ov_n, "  explains %s", r->explains);
	}
	if (shown == 0)
		ew_lines_add(&u->ov_lines, &u->ov_n, "No difference.");
	ew_lines_add(&u->ov_lines, &u->ov_n, "");
	ew_lines_wrap(&u->ov_lines, &u->ov_n, all ? "w shows only the aspects that differ." :
		      "w shows every aspect, the same ones too.", 0, w);
	snprintf(title, sizeof(title), "%s beside %s: %zu of %zu differ", c->user, c->other, nd,
		 c->nrows);
	open_text(u, title);
	u->ov_identities = all ? 2 : 1;
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

static void add_list(struct ui *u, const char *heading, char *const *v, size_t n, int w)
{
	size_t i;

	if (n == 0)
		return;
	ew_lines_add(&u->ov_lines, &u->ov_n, "");
	ew_lines_add(&u->ov_lines, &u->ov_n, heading);
	for (i = 0; i < n; i++)
		ew_lines_wrap(&u->ov_lines, &u->ov_n, v[i], 2, w);
}

void ew_wiz_open_cause(struct ui *u)
{
	const struct ew_diagnosis *d = ew_wiz_diagnosis(u);
	const struct ew_diag_cause *c;
	struct ew_buf b = {0};
	size_t i;
	int w = COLS - 10;

	if (d == NULL || u->sel >= d->ncauses) {
		snprintf(u->message, sizeof(u->message), d ? "No cause found: nothing to open" :
			 "Out of memory");
		return;
	}
	c = &d->causes[u->sel];
	ew_wiz_overlay_close(u);
	ew_lines_addf(&u->ov_lines, &u->ov_n, "%d. [%s] %s", c->rank, ew_severity_tag(c->severity),
		      c->def->id);
	ew_lines_wrap(&u->ov_lines, &u->ov_n, c->title ? c->title : c->def->title, 0, w);
	ew_buf_printf(&b, "Who else is hit: %s", c->def->scope);
	ew_lines_wrap(&u->ov_lines, &u->ov_n, b.data ? b.data : "", 2, w);
	ew_buf_reset(&b);
	for (i = 0; i < c->nbecause; i++)
		ew_buf_printf(&b, "%s%s", i ? ", " : "A consequence of: ", c->because[i]);
	if (b.len)
		ew_lines_wrap(&u->ov_lines, &u->ov_n, b.data, 2, w);
	ew_buf_reset(&b);
	for (i = 0; i < c->nexplains; i++)
		ew_buf_printf(&b, "%s%s", i ? ", " : "Explains the symptoms: ", c->explains[i]);
	if (b.len)
		ew_lines_wrap(&u->ov_lines, &u->ov_n, b.data, 2, w);
	ew_buf_reset(&b);
	ew_lines_add(&u->ov_lines, &u->ov_n, "");
	ew_lines_add(&u->ov_lines, &u->ov_n, "Evidence:");
	for (i = 0; i < c->nevidence; i++) {
		ew_buf_printf(&b, "[%s] %s (%s): %s", ew_severity_tag(c->evidence[i].severity),
			      c->evidence[i].check, c->evidence[i].step, c->evidence[i].title);
		ew_lines_wrap(&u->ov_lines, &u->ov_n, b.data ? b.data : "", 4, w);
		ew_buf_reset(&b);
	}
	add_list(u, "Fix on Windows:", c->fix_windows, c->nfix_windows, w);
	add_list(u, "Fix on this host:", c->fix_linux, c->nfix_linux, w);
	if (c->confirm) {
		ew_lines_add(&u->ov_lines, &u->ov_n, "");
		ew_lines_add(&u->ov_lines, &u->ov_n, "Confirm:");
		ew_lines_wrap(&u->ov_lines, &u->ov_n, c->confirm, 2, w);
	}
	ew_lines_add(&u->ov_lines, &u->ov_n, "");
	if (c->nevidence)
		ew_lines_addf(&u->ov_lines, &u->ov_n, "On a check: exwizard help %s",
			      c->evidence[0].check);
	{
		char title[96];

		snprintf(title, sizeof(title), "Cause %d: %s", c->rank, c->def->id);
		open_text(u, title);
	}
}
