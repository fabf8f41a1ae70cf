/*
 * The wizard's "check again and compare" (c on the summary): the step
 * results and the diagnosis as they are kept as the check before, every
 * step runs again, and when that ends the summary opens on what changed:
 * the causes fixed, remaining and new, and the checks whose severity
 * changed (core/diagdiff.h). The comparison stays until the next c or
 * until the target changes.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "wizui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diagdiff.h"
#include "diagnosis.h"
#include "text.h"

struct ew_wiz_compare {
	struct ew_step_result *before[MAX_STEPS];	/* the check before (compacted) */
	size_t nbefore;
	struct ew_diagnosis *old, *new_;
	struct ew_diagdiff *dd;		/* into old and new_; NULL while the steps run */
	char when[16];			/* the check before: HH:MM:SS */
	char *line;			/* "Compared with the check at ...: ..." */
};

static void compare_free(struct ew_wiz_compare **pc)
{
	struct ew_wiz_compare *c = *pc;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nbefore; i++)
		ew_step_result_free(&c->before[i]);
	ew_diagdiff_free(&c->dd);
	ew_diagnosis_free(&c->old);
	ew_diagnosis_free(&c->new_);
	free(c->line);
	free(c);
	*pc = NULL;
}

void ew_wiz_compare_drop(struct ui *u)
{
	compare_free(&u->cmp);
	u->comparing = 0;
}

/* Whether every step has a result for the target as it is. */
static int every_step_ran(const struct ui *u)
{
	size_t i;

	for (i = 0; i < ew_nsteps; i++)
		if (ew_wiz_step_shown(u, i) &&
		    (u->res[i] == NULL || ew_step_result_is_stale(u->res[i])))
			return 0;
	return 1;
}

int ew_wiz_compare_offered(const struct ui *u)
{
	return u->cur == ew_nsteps && !u->w->view && !u->job && every_step_ran(u);
}

void ew_wiz_compare_start(struct ui *u)
{
	struct ew_wiz_compare *c;
	size_t places[MAX_STEPS], i;
	time_t now = time(NULL);
	struct tm tm;

	if (u->w->view) {
		snprintf(u->message, sizeof(u->message), "A saved transcript: nothing runs here");
		return;
	}
	if (u->job) {
		snprintf(u->message, sizeof(u->message), "A step is running: c waits for it");
		return;
	}
	if (!every_step_ran(u)) {
		snprintf(u->message, sizeof(u->message), "c compares a new check with this one: "
			 "run every step first (a)");
		return;
	}
	ew_wiz_compare_drop(u);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto oom;
	u->cmp = c;
	for (i = 0; i < ew_nsteps; i++) {
		if (!ew_wiz_step_shown(u, i))
			continue;	/* not run: nothing of it to compare */
		if ((c->before[c->nbefore] = ew_step_result_dup(u->res[i])) == NULL)
			goto oom;
		places[c->nbefore++] = i;
	}
	ew_wiz_rebuild_report(u);
	if ((c->old = ew_report_diagnose(u->w->report)) == NULL)
		goto oom;
	localtime_r(&now, &tm);
	strftime(c->when, sizeof(c->when), "%H:%M:%S", &tm);
	u->cur = 0;
	u->sel = u->top = 0;
	u->run_all = 1;
	u->comparing = 1;
	ew_wiz_start_steps(u, places, c->nbefore, 0);
	if (u->job == NULL) {
		/* The worker did not start: its message stays. */
		ew_wiz_compare_drop(u);
		u->run_all = 0;
		return;
	}
	snprintf(u->message, sizeof(u->message), "Checking every step again, to compare with "
		 "the check at %s... (Esc cancels)", c->when);
	return;
oom:
	ew_wiz_compare_drop(u);
	snprintf(u->message, sizeof(u->message), "Out of memory: no comparison");
}

static void add_ids(struct ew_buf *b, const char *what, const struct ew_diag_cause *const *v,
		    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ew_buf_printf(b, "%s%s", i ? ", " : what, v[i]->def->id);
}

void ew_wiz_compare_end(struct ui *u, int cancelled, int complete)
{
	struct ew_wiz_compare *c = u->cmp;
	const struct ew_step_result *now[MAX_STEPS];
	struct ew_buf b = {0};
	size_t i, n = 0;

	if (!u->comparing || c == NULL)
		return;
	u->comparing = 0;
	if (cancelled || !complete) {
		snprintf(u->message, sizeof(u->message), "%s: no comparison (c checks again when "
			 "every step has run)", cancelled ? "Cancelled" : "The check stopped early");
		ew_session_action(u->w->session, "compare", cancelled ?
				  "cancelled: no comparison" : "the check stopped early: no comparison");
		ew_wiz_compare_drop(u);
		return;
	}
	ew_wiz_rebuild_report(u);
	for (i = 0; i < ew_nsteps; i++)
		if (u->res[i])
			now[n++] = u->res[i];
	c->new_ = ew_report_diagnose(u->w->report);
	c->dd = c->new_ ? ew_diagdiff(c->old, (const struct ew_step_result *const *)c->before,
				      c->nbefore, c->new_, now, n) : NULL;
	if (c->dd == NULL) {
		ew_wiz_compare_drop(u);
		snprintf(u->message, sizeof(u->message), "Out of memory: no comparison");
		return;
	}
	c->line = ew_strprintf("Compared with the check at %s: %zu fixed, %zu remaining, "
			       "%zu new", c->when, c->dd->nfixed, c->dd->nremaining,
			       c->dd->nadded);
	ew_buf_adds(&b, c->line ? c->line : "Compared");
	add_ids(&b, "; fixed: ", c->dd->fixed, c->dd->nfixed);
	add_ids(&b, "; remaining: ", c->dd->remaining, c->dd->nremaining);
	add_ids(&b, "; new: ", c->dd->added, c->dd->nadded);
	ew_session_action(u->w->session, "compare", b.data ? b.data : "");
	ew_buf_reset(&b);
	snprintf(u->message, sizeof(u->message), "%s", c->dd->nremaining + c->dd->nadded ?
		 "Checked again: the summary opens on what changed" :
		 "Checked again: no cause remains");
}

static void cause_lines(char ***v, size_t *n, const char *heading,
			const struct ew_diag_cause *const *cs, size_t nc, int width)
{
	struct ew_buf b = {0};
	size_t i;

	if (nc == 0) {
		ew_lines_addf(v, n, "%s: none", heading);
		return;
	}
	ew_lines_addf(v, n, "%s:", heading);
	for (i = 0; i < nc; i++) {
		ew_buf_printf(&b, "%d. %s: %s", cs[i]->rank, cs[i]->def->id,
			      cs[i]->title ? cs[i]->title : cs[i]->def->title);
		ew_lines_wrap(v, n, b.data ? b.data : "", 2, width);
		ew_buf_reset(&b);
	}
}

void ew_wiz_compare_lines(const struct ui *u, char ***v, size_t *n, int width)
{
	const struct ew_wiz_compare *c = u->cmp;
	const struct ew_diagdiff *dd = c ? c->dd : NULL;
	size_t i;

	if (dd == NULL)
		return;
	ew_lines_wrap(v, n, c->line ? c->line : "Compared", 0, width);
	cause_lines(v, n, "Fixed", dd->fixed, dd->nfixed, width);
	cause_lines(v, n, "Remaining", dd->remaining, dd->nremaining, width);
	cause_lines(v, n, "New", dd->added, dd->nadded, width);
	ew_lines_addf(v, n, "Checks changed:%s", dd->nchanges ? "" : " none");
	for (i = 0; i < dd->nchanges; i++)
		ew_lines_addf(v, n, "  %s %s -> %s", dd->changes[i].check,
			      ew_diagdiff_severity_name(dd->changes[i].before),
			      ew_diagdiff_severity_name(dd->changes[i].after));
	ew_lines_add(v, n, "");
}
