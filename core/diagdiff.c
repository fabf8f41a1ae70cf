/*
 * Two diagnoses compared: causes fixed, remaining and new, by cause id; the
 * checks whose worst severity changed; whether two targets are the same.
 */
#include "diagdiff.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report.h"
#include "target.h"
#include "text.h"

static const struct ew_diag_cause *cause_in(const struct ew_diagnosis *d, const char *id)
{
	size_t i;

	for (i = 0; d && i < d->ncauses; i++)
		if (strcmp(d->causes[i].def->id, id) == 0)
			return &d->causes[i];
	return NULL;
}

/* Worse: fail > warn > info > pass > skip (a skip says nothing). */
static int weight(int sev)
{
	switch (sev) {
	case EW_FAIL: return 4;
	case EW_WARN: return 3;
	case EW_INFO: return 2;
	case EW_PASS: return 1;
	case EW_SKIP: return 0;
	default: return -1;
	}
}

/* The worst severity of check's findings in steps, and that finding's title. */
static int worst_of(const struct ew_step_result *const *steps, size_t n, const char *check,
		    const char **title)
{
	int worst = -1;
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (steps[i] == NULL || ew_step_result_is_stale(steps[i]))
			continue;
		for (k = 0; k < steps[i]->nfindings; k++) {
			const struct ew_finding *f = steps[i]->findings[k];

			if (strcmp(f->check, check) != 0 || weight((int)f->severity) <= weight(worst))
				continue;
			worst = (int)f->severity;
			*title = f->title;
		}
	}
	return worst;
}

static int has_change(const struct ew_diagdiff *dd, const char *check)
{
	size_t i;

	for (i = 0; i < dd->nchanges; i++)
		if (strcmp(dd->changes[i].check, check) == 0)
			return 1;
	return 0;
}

/* The checks of steps not compared yet, compared. */
static int add_changes(struct ew_diagdiff *dd, const struct ew_step_result *const *steps,
		       size_t n, const struct ew_step_result *const *os, size_t on,
		       const struct ew_step_result *const *ns, size_t nn)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (steps[i] == NULL || ew_step_result_is_stale(steps[i]))
			continue;
		for (k = 0; k < steps[i]->nfindings; k++) {
			const char *check = steps[i]->findings[k]->check, *ot = NULL, *nt = NULL;
			struct ew_diagdiff_change *c;
			int before, after;

			if (has_change(dd, check))
				continue;
			before = worst_of(os, on, check, &ot);
			after = worst_of(ns, nn, check, &nt);
			if (before == after)
				continue;
			c = realloc(dd->changes, (dd->nchanges + 1) * sizeof(*c));
			if (c == NULL)
				return -1;
			dd->changes = c;
			c = &dd->changes[dd->nchanges];
			c->before = before;
			c->after = after;
			c->check = strdup(check);
			c->title = strdup(nt ? nt : ot ? ot : "");
			if (c->check == NULL || c->title == NULL) {
				free(c->check);
				free(c->title);
				return -1;
			}
			dd->nchanges++;
		}
	}
	return 0;
}

struct ew_diagdiff *ew_diagdiff(const struct ew_diagnosis *old,
				const struct ew_step_result *const *old_steps, size_t nold,
				const struct ew_diagnosis *new_,
				const struct ew_step_result *const *new_steps, size_t nnew)
{
	struct ew_diagdiff *dd = calloc(1, sizeof(*dd));
	size_t i, no = old ? old->ncauses : 0, nn = new_ ? new_->ncauses : 0;

	if (dd == NULL)
		return NULL;
	dd->fixed = calloc(no + 1, sizeof(*dd->fixed));
	dd->remaining = calloc(nn + 1, sizeof(*dd->remaining));
	dd->added = calloc(nn + 1, sizeof(*dd->added));
	if (dd->fixed == NULL || dd->remaining == NULL || dd->added == NULL)
		goto oom;
	for (i = 0; i < no; i++)
		if (cause_in(new_, old->causes[i].def->id) == NULL)
			dd->fixed[dd->nfixed++] = &old->causes[i];
	for (i = 0; i < nn; i++) {
		if (cause_in(old, new_->causes[i].def->id))
			dd->remaining[dd->nremaining++] = &new_->causes[i];
		else
			dd->added[dd->nadded++] = &new_->causes[i];
	}
	if (add_changes(dd, old_steps, nold, old_steps, nold, new_steps, nnew) != 0 ||
	    add_changes(dd, new_steps, nnew, old_steps, nold, new_steps, nnew) != 0)
		goto oom;
	return dd;
oom:
	ew_diagdiff_free(&dd);
	return NULL;
}

void ew_diagdiff_free(struct ew_diagdiff **ddp)
{
	struct ew_diagdiff *dd = ddp ? *ddp : NULL;
	size_t i;

	if (dd == NULL)
		return;
	for (i = 0; i < dd->nchanges; i++) {
		free(dd->changes[i].check);
		free(dd->changes[i].title);
	}
	{
		/* The causes are the diagnoses': only the lists go. */
		void *lists[] = { dd->changes, (void *)dd->fixed, (void *)dd->remaining,
				  (void *)dd->added, dd };

		for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			free(lists[i]);
	}
	*ddp = NULL;
}

int ew_diagdiff_exit_code(const struct ew_diagdiff *dd)
{
	return dd->nremaining + dd->nadded ? 1 : 0;
}

/* A host name without case or a final dot. */
static int same_host(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	la -= la && a[la - 1] == '.';
	lb -= lb && b[lb - 1] == '.';
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Every name of a is in b. */
static int hosts_within(const json_t *a, const json_t *b)
{
	size_t i, k;
	json_t *x, *y;

	json_array_foreach(a, i, x) {
		int found = 0;

		if (!json_is_string(x))
			continue;
		json_array_foreach(b, k, y)
			found |= json_is_string(y) &&
				 same_host(json_string_value(x), json_string_value(y));
		if (!found)
			return 0;
	}
	return 1;
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

int ew_diagdiff_same_target(const json_t *old, const json_t *new_, char *why, size_t len)
{
	const char *ro = json_string_value(json_object_get(old, "realm"));
	const char *rn = json_string_value(json_object_get(new_, "realm"));
	const char *uo = json_string_value(json_object_get(old, "user"));
	const char *un = json_string_value(json_object_get(new_, "user"));
	const json_t *xo = json_object_get(old, "exchange"), *xn = json_object_get(new_, "exchange");
	char ao[256] = "", an[256] = "";

	if ((ro == NULL) != (rn == NULL) || (ro && strcasecmp(ro, rn) != 0)) {
		snprintf(why, len, "realm %s against %s", or_none(ro), or_none(rn));
		return 0;
	}
	if (uo)
		ew_account_name(uo, ao, sizeof(ao));
	if (un)
		ew_account_name(un, an, sizeof(an));
	if ((uo == NULL) != (un == NULL) || strcasecmp(ao, an) != 0) {
		snprintf(why, len, "user %s against %s", or_none(uo), or_none(un));
		return 0;
	}
	if (!hosts_within(xo, xn) || !hosts_within(xn, xo)) {
		char *bo = ew_target_json_brief(old), *bn = ew_target_json_brief(new_);

		snprintf(why, len, "Exchange servers differ (%s against %s)", or_none(bo),
			 or_none(bn));
		free(bo);
		free(bn);
		return 0;
	}
	return 1;
}

const char *ew_diagdiff_severity_name(int sev)
{
	return sev < 0 ? "absent" : ew_severity_name((enum ew_severity)sev);
}

static void add_causes(struct ew_buf *b, const char *heading,
		       const struct ew_diag_cause *const *v, size_t n, int width)
{
	size_t i;

	ew_buf_printf(b, "%s (%zu)%s\n", heading, n, n ? ":" : ": none");
	for (i = 0; i < n; i++) {
		char *line = ew_strprintf("[%s] %s: %s", ew_severity_tag(v[i]->severity),
					  v[i]->def->id, v[i]->title ? v[i]->title :
					  v[i]->def->title);

		ew_buf_adds(b, "  ");
		ew_buf_add_wrapped(b, line ? line : v[i]->def->id, 2, 9, width);
		free(line);
	}
}

char *ew_diagdiff_to_text(const struct ew_diagdiff *dd, int width)
{
	struct ew_buf b = {0};
	size_t i;

	add_causes(&b, "Fixed", dd->fixed, dd->nfixed, width);
	add_causes(&b, "Remaining", dd->remaining, dd->nremaining, width);
	add_causes(&b, "New", dd->added, dd->nadded, width);
	ew_buf_printf(&b, "Findings changed (%zu)%s\n", dd->nchanges, dd->nchanges ? ":" : ": none");
	for (i = 0; i < dd->nchanges; i++) {
		const struct ew_diagdiff_change *c = &dd->changes[i];
		char *line = ew_strprintf("%s %s -> %s: %s", c->check, ew_diagdiff_severity_name(c->before),
					  ew_diagdiff_severity_name(c->after), c->title);

		ew_buf_adds(&b, "  ");
		ew_buf_add_wrapped(&b, line ? line : c->check, 2, 6, width);
		free(line);
	}
	if (ew_diagdiff_exit_code(dd))
		ew_buf_printf(&b, "%zu cause%s still to fix.\n", dd->nremaining + dd->nadded,
			      dd->nremaining + dd->nadded == 1 ? "" : "s");
	else
		ew_buf_adds(&b, "No cause remains.\n");
	return ew_buf_take(&b);
}
