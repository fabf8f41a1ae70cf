#include "diagnosis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "diagclient.h"
#include "text.h"

/* A sweep's result (the step of SWEEP-DOMAIN): its findings are other
 * accounts' (the wizard records it beside the user's steps), never the
 * user's causes. */
static int of_other_accounts(const struct ew_step_result *s)
{
	const struct ew_check *ck = ew_check_find(EW_CK_SWEEP_DOMAIN);

	return ck && strcmp(s->id, ck->step) == 0;
}

/* A result the user's diagnosis reads: not stale, not a sweep's. */
static int usable(const struct ew_step_result *s)
{
	return s && !ew_step_result_is_stale(s) && !of_other_accounts(s);
}

/* Appends a copy of s; -1 when out of memory. */
static int push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int has(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void strings_free(char ***v, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

static void cause_clear(struct ew_diag_cause *c)
{
	size_t i;

	free(c->title);
	strings_free(&c->because, &c->nbecause);
	strings_free(&c->explains, &c->nexplains);
	for (i = 0; i < c->nevidence; i++) {
		free(c->evidence[i].step);
		free(c->evidence[i].check);
		free(c->evidence[i].title);
	}
	free(c->evidence);
	strings_free(&c->fix_windows, &c->nfix_windows);
	strings_free(&c->fix_linux, &c->nfix_linux);
	free(c->confirm);
	memset(c, 0, sizeof(*c));
}

static void rulings_free(struct ew_diag_ruling **v, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		free((*v)[i].id);
		free((*v)[i].why);
	}
	free(*v);
	*v = NULL;
	*n = 0;
}

void ew_diagnosis_free(struct ew_diagnosis **d)
{
	size_t i;

	if (d == NULL || *d == NULL)
		return;
	strings_free(&(*d)->symptoms, &(*d)->nsymptoms);
	free((*d)->verdict);
	for (i = 0; i < (*d)->ncauses; i++)
		cause_clear(&(*d)->causes[i]);
	free((*d)->causes);
	rulings_free(&(*d)->ruled_out, &(*d)->nruled_out);
	rulings_free(&(*d)->not_checked, &(*d)->nnot_checked);
	free((*d)->compared_with);
	free(*d);
	*d = NULL;
}

/* One piece of evidence; the same step, check and title only once. */
static int add_evidence(struct ew_diag_cause *c, const char *step, const char *check,
			const char *title, enum ew_severity sev)
{
	struct ew_diag_evidence *e;
	size_t i;

	for (i = 0; i < c->nevidence; i++) {
		e = &c->evidence[i];
		if (strcmp(e->step, step) == 0 && strcmp(e->check, check) == 0 &&
		    strcmp(e->title, title) == 0) {
			if (sev > e->severity)
				e->severity = sev;
			return 0;
		}
	}
	e = realloc(c->evidence, (c->nevidence + 1) * sizeof(*e));
	if (e == NULL)
		return -1;
	c->evidence = e;
	e = &e[c->nevidence];
	e->step = strdup(step);
	e->check = strdup(check);
	e->title = strdup(title);
	e->severity = sev;
	if (e->step == NULL || e->check == NULL || e->title == NULL) {
		/* Not counted: every piece of evidence counted is whole. */
		free(e->step);
		free(e->check);
		free(e->title);
		return -1;
	}
	c->nevidence++;
	if (sev > c->severity)
		c->severity = sev;
	return 0;
}

/* The scope "this user": what differs between the user and an administrator. */
static int narrow(const struct ew_diag_cause *c)
{
	return strcmp(c->def->scope, "this user") == 0;
}

/* <0 when a ranks before b: with an identity beside the user, the user's
 * own causes first; then DIAGNOSIS.md, Ranking 1 and 3, then table order. */
static int rank_cmp(const struct ew_diag_cause *a, const struct ew_diag_cause *b,
		    int admin_works)
{
	if (a->user_only != b->user_only)
		return a->user_only ? -1 : 1;
	if ((a->nexplains > 0) != (b->nexplains > 0))
		return a->nexplains > 0 ? -1 : 1;
	if (a->nexplains != b->nexplains)
		return a->nexplains > b->nexplains ? -1 : 1;
	if (admin_works && narrow(a) != narrow(b))
		return narrow(a) ? -1 : 1;
	if (a->def->stops_kerberos != b->def->stops_kerberos)
		return a->def->stops_kerberos ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity == EW_FAIL ? -1 : 1;
	return a->def < b->def ? -1 : a->def > b->def;
}

/* Whether found cause a is a root of b (in b's because). */
static int is_root(const struct ew_diag_cause *a, const struct ew_diag_cause *b)
{
	return has(b->because, b->nbecause, a->def->id);
}

struct order {
	struct ew_diag_cause *c;	/* the found causes, sorted */
	size_t n;
	size_t *out;			/* indexes into c, in rank order */
	size_t nout;
	int *placed;
	int *group;
};

/* i after the roots it has (root before consequence). */
static void emit(struct order *o, size_t i)
{
	size_t j;

	if (o->placed[i])
		return;
	o->placed[i] = 1;
	for (j = 0; j < o->n; j++)
		if (j != i && is_root(&o->c[j], &o->c[i]))
			emit(o, j);
	o->out[o->nout++] = (size_t)i;
}

/*
 * Sorts c (rank_cmp), then joins each consequence and its roots: the group
 * takes the place of its best member, roots right before what they explain.
 */
static int rank_causes(struct ew_diag_cause *c, size_t n, int admin_works)
{
	struct order o = { c, n, NULL, 0, NULL, NULL };
	struct ew_diag_cause tmp, *sorted = NULL;
	size_t i, j, k;
	int changed, rc = -1;

	/* Insertion sort: stable, and n is at most the table's size. */
	for (i = 1; i < n; i++) {
		tmp = c[i];
		for (j = i; j > 0 && rank_cmp(&tmp, &c[j - 1], admin_works) < 0; j--)
			c[j] = c[j - 1];
		c[j] = tmp;
	}
	o.out = calloc(n + 1, sizeof(*o.out));
	o.placed = calloc(n + 1, sizeof(*o.placed));
	o.group = calloc(n + 1, sizeof(*o.group));
	sorted = calloc(n + 1, sizeof(*sorted));
	if (o.out == NULL || o.placed == NULL || o.group == NULL || sorted == NULL)
		goto cleanup;
	for (i = 0; i < n; i++)
		o.group[i] = (int)i;
	do {	/* groups: the lowest index of a chain of because links */
		changed = 0;
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if ((is_root(&c[i], &c[j]) || is_root(&c[j], &c[i])) &&
				    o.group[j] > o.group[i]) {
					o.group[j] = o.group[i];
					changed = 1;
				}
	} while (changed);
	for (i = 0; i < n; i++)
		for (k = 0; k < n; k++)
			if (o.group[k] == o.group[i])
				emit(&o, k);
	for (i = 0; i < n; i++)
		sorted[i] = c[o.out[i]];
	memcpy(c, sorted, n * sizeof(*c));
	for (i = 0; i < n; i++)
		c[i].rank = (int)i + 1;
	rc = 0;
cleanup:
	free(o.out);
	free(o.placed);
	free(o.group);
	free(sorted);
	return rc;
}

enum look { LOOK_PASSED, LOOK_NOT_CHECKED, LOOK_OTHER };

/*
 * What check found in the steps: only pass or info (passed), a skip or no
 * run (not checked, why in *why), or warn/fail findings of other causes.
 */
static enum look look_at(const struct ew_step_result *const *steps, size_t n,
			 const char *check, char **why)
{
	const struct ew_check *ck = ew_check_find(check);
	const struct ew_step_result *s = NULL;
	const char *skip = NULL;
	size_t i, j, ok = 0, other = 0;

	*why = NULL;
	for (i = 0; ck && i < n; i++)
		if (usable(steps[i]) && strcmp(steps[i]->id, ck->step) == 0)
			s = steps[i];
	if (s == NULL) {
		*why = ew_strprintf("the %s step did not run", ck ? ck->step : check);
		return LOOK_NOT_CHECKED;
	}
	for (j = 0; j < s->nfindings; j++) {
		const struct ew_finding *f = s->findings[j];
		int mine = strcmp(f->check, check) == 0;

		if (f->severity == EW_SKIP && (mine || strcmp(f->check, s->id) == 0)) {
			if (skip == NULL)
				skip = f->title;
		} else if (mine && (f->severity == EW_WARN || f->severity == EW_FAIL)) {
			other++;
		} else if (mine) {
			ok++;
		}
	}
	if (skip) {
		*why = ew_strprintf("%s", skip);
		return LOOK_NOT_CHECKED;
	}
	if (other)
		return LOOK_OTHER;
	if (ok == 0) {
		*why = s->status == EW_ST_PENDING || s->status == EW_ST_RUNNING ||
			s->status == EW_ST_CANCELLED || s->status == EW_ST_INTERRUPTED ?
			ew_strprintf("the %s step did not run", s->id) :
			ew_strprintf("%s did not look", check);
		return LOOK_NOT_CHECKED;
	}
	return LOOK_PASSED;
}

static int add_ruling(struct ew_diag_ruling **v, size_t *n, const char *id, char *why)
{
	struct ew_diag_ruling *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL || why == NULL) {
		free(why);
		if (nv)
			*v = nv;
		return -1;
	}
	*v = nv;
	nv[*n].why = why;
	if ((nv[*n].id = strdup(id)) == NULL) {
		free(why);
		return -1;
	}
	(*n)++;
	return 0;
}

/* Whether a finding of one of def's checks is there (any severity). */
static int has_finding_of(const struct ew_step_result *const *steps, size_t n,
			  const struct ew_cause *def)
{
	size_t i, j, k;

	for (i = 0; i < n; i++)
		for (j = 0; usable(steps[i]) && j < steps[i]->nfindings; j++)
			for (k = 0; k < 4 && def->checks[k]; k++)
				if (strcmp(steps[i]->findings[j]->check, def->checks[k]) == 0)
					return 1;
	return 0;
}

/* Ruled out when every check of def passed; not checked when one could not look. */
static int rule_on(struct ew_diagnosis *d, const struct ew_cause *def,
		   const struct ew_step_result *const *steps, size_t n)
{
	struct ew_buf passed = {0};
	char *why = NULL, *first = NULL;
	size_t i, nchecks = 0;
	int other = 0;

	if (def->needs_client && !has_finding_of(steps, n, def))
		return 0;	/* no client output: not looked at */
	for (i = 0; i < 4 && def->checks[i]; i++, nchecks++) {
		enum look l = look_at(steps, n, def->checks[i], &why);

		if (l == LOOK_NOT_CHECKED && first == NULL)
			first = why;
		else
			free(why);
		other |= l == LOOK_OTHER;
	}
	if (first)
		return add_ruling(&d->not_checked, &d->nnot_checked, def->id, first);
	if (other || nchecks == 0)
		return 0;
	for (i = 0; i < nchecks; i++)
		ew_buf_printf(&passed, "%s%s", i == 0 ? "" : i + 1 == nchecks ? " and " : ", ",
			      def->checks[i]);
	ew_buf_adds(&passed, " passed");
	return add_ruling(&d->ruled_out, &d->nruled_out, def->id, ew_buf_take(&passed));
}

/* How the verdict names a symptom. */
static const char *symptom_words(const char *id)
{
	static const struct { const char *id, *words; } w[] = {
		{ EW_SYM_40960, "Event 40960" },
		{ EW_SYM_40961, "Event 40961" },
		{ EW_SYM_UNAVAILABLE, "\"Exchange Server is unavailable\"" },
		{ EW_SYM_PROMPTS, "The password prompts" },
		{ EW_SYM_ADMIN_WORKS, "That it works for an administrator" },
		{ EW_SYM_EXPROX_1000, "EXPROX event 1000" },
		{ EW_SYM_HTTP_400, "HTTP 400 \"Request Header Too Long\"" },
		{ EW_SYM_KDC_11, "KDC event 11" },
	};
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strcmp(w[i].id, id) == 0)
			return w[i].words;
	return id;
}

static char *verdict(const struct ew_diagnosis *d, const struct ew_step_result *const *steps,
		     size_t n)
{
	struct ew_buf b = {0};
	const struct ew_diag_cause *top = d->ncauses ? &d->causes[0] : NULL;
	size_t i, j, bad = 0;

	if (top == NULL) {
		for (i = 0; i < n; i++)
			for (j = 0; usable(steps[i]) && j < steps[i]->nfindings; j++)
				bad += steps[i]->findings[j]->severity == EW_WARN ||
					steps[i]->findings[j]->severity == EW_FAIL;
		ew_buf_adds(&b, bad ? "No cause found: the warnings point at none of the known "
			    "causes" : "No cause found: every check that ran passed");
		if (d->nnot_checked)
			ew_buf_printf(&b, "; %zu cause%s not checked", d->nnot_checked,
				      d->nnot_checked == 1 ? "" : "s");
		ew_buf_addc(&b, '.');
		return ew_buf_take(&b);
	}
	if (top->nexplains && ew_diag_client_symptom_spn(steps, n, top->explains[0]))
		ew_buf_printf(&b, "%s for %s is explained by: ", symptom_words(top->explains[0]),
			      ew_diag_client_symptom_spn(steps, n, top->explains[0]));
	else if (top->nexplains)
		ew_buf_printf(&b, "%s is explained by: ", symptom_words(top->explains[0]));
	else if (d->nsymptoms)
		ew_buf_printf(&b, "No cause found explains %s; found: ",
			      symptom_words(d->symptoms[0]));
	ew_buf_adds(&b, top->title ? top->title : top->def->title);
	if (top->nbecause)
		ew_buf_printf(&b, ", because of %s", top->because[0]);
	if (d->ncauses > 1)
		ew_buf_printf(&b, "; %zu more cause%s", d->ncauses - 1, d->ncauses == 2 ? "" : "s");
	ew_buf_addc(&b, '.');
	return ew_buf_take(&b);
}

struct ew_diagnosis *ew_diagnose(const struct ew_step_result *const *steps, size_t n,
				 const json_t *target, const char *const *symptoms,
				 size_t nsymptoms)
{
	return ew_diagnose_compared(steps, n, target, symptoms, nsymptoms, NULL, NULL, 0);
}

struct ew_diagnosis *ew_diagnose_compared(const struct ew_step_result *const *steps, size_t n,
					  const json_t *target, const char *const *symptoms,
					  size_t nsymptoms, const char *other,
					  const char *const *user_only, size_t nuser_only)
{
	struct ew_diagnosis *d = calloc(1, sizeof(*d));
	struct ew_diag_cause *all = calloc(ew_ncauses, sizeof(*all));
	size_t i, j, k;
	int admin_works = 0, oom = 0;

	if (d == NULL || all == NULL)
		goto fail;
	for (i = 0; i < nsymptoms; i++) {
		if (symptoms[i] == NULL || has(d->symptoms, d->nsymptoms, symptoms[i]))
			continue;
		oom |= push(&d->symptoms, &d->nsymptoms, symptoms[i]);
		admin_works |= strcmp(symptoms[i], EW_SYM_ADMIN_WORKS) == 0;
	}
	/* The client's events are symptoms too, as if given. */
	{
		const json_t *v;

		json_array_foreach(ew_diag_client_data(steps, n, "symptoms"), i, v) {
			const char *id = json_string_value(json_object_get(v, "id"));

			if (id && !has(d->symptoms, d->nsymptoms, id))
				oom |= push(&d->symptoms, &d->nsymptoms, id);
		}
	}
	/* The proving findings, by cause. */
	for (i = 0; i < n; i++) {
		for (j = 0; usable(steps[i]) && j < steps[i]->nfindings; j++) {
			const struct ew_finding *f = steps[i]->findings[j];
			const struct ew_cause *def = ew_cause_find(f->cause);

			if (def == NULL || (f->severity != EW_WARN && f->severity != EW_FAIL))
				continue;
			k = (size_t)(def - ew_causes);
			all[k].def = def;
			oom |= add_evidence(&all[k], steps[i]->id, f->check, f->title, f->severity);
		}
	}
	{
		/* What the client showed, beside the causes the findings prove. */
		unsigned char *found = calloc(ew_ncauses, 1);
		struct ew_diag_link links[32];
		size_t nl = 0;

		for (k = 0; found && k < ew_ncauses; k++)
			found[k] = all[k].def != NULL;
		if (found)
			nl = ew_diag_client_links(steps, n, found, links, 32);
		oom |= found == NULL;
		for (i = 0; i < nl; i++)
			oom |= add_evidence(&all[links[i].cause - ew_causes], "client",
					    links[i].check, links[i].title, EW_WARN);
		free(found);
	}
	for (k = 0; k < ew_ncauses; k++)
		d->ncauses += all[k].def != NULL;
	d->causes = calloc(d->ncauses + 1, sizeof(*d->causes));
	if (d->causes == NULL)
		goto fail;
	for (k = 0; k < ew_ncauses; k++) {
		struct ew_diag_cause *c = &all[k];

		for (i = 0; c->def && i < 4 && c->def->because_of[i]; i++) {
			const struct ew_cause *root = ew_cause_find(c->def->because_of[i]);

			if (root && all[root - ew_causes].def)
				oom |= push(&c->because, &c->nbecause, root->id);
		}
		for (i = 0; c->def && i < d->nsymptoms; i++)
			if (ew_cause_explains(c->def, d->symptoms[i]))
				oom |= push(&c->explains, &c->nexplains, d->symptoms[i]);
		for (i = 0; c->def && other && i < nuser_only; i++)
			c->user_only |= user_only[i] && strcmp(user_only[i], c->def->id) == 0;
	}
	if (other && (d->compared_with = ew_text_cleanz(other)) == NULL)
		goto fail;
	for (k = 0, j = 0; k < ew_ncauses; k++) {
		if (all[k].def == NULL)
			continue;
		d->causes[j++] = all[k];
		memset(&all[k], 0, sizeof(all[k]));
	}
	if (oom || rank_causes(d->causes, d->ncauses, admin_works) != 0)
		goto fail;
	for (i = 0; i < d->ncauses; i++) {
		ew_diag_fix(&d->causes[i], steps, n, target);
		if (d->causes[i].title == NULL)
			goto fail;
	}
	for (k = 0; k < ew_ncauses; k++) {
		for (i = 0; i < d->ncauses && d->causes[i].def != &ew_causes[k]; i++)
			;
		if (i == d->ncauses && rule_on(d, &ew_causes[k], steps, n) != 0)
			goto fail;
	}
	if ((d->verdict = verdict(d, steps, n)) == NULL)
		goto fail;
	free(all);
	return d;
fail:
	for (k = 0; all && k < ew_ncauses; k++)
		cause_clear(&all[k]);
	free(all);
	ew_diagnosis_free(&d);
	return NULL;
}

/* JSON */

static json_t *strings_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *rulings_json(const struct ew_diag_ruling *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "id", v[i].id, "why", v[i].why));
	return a;
}

json_t *ew_diagnosis_to_json(const struct ew_diagnosis *d)
{
	json_t *causes = json_array(), *j;
	size_t i, k;

	for (i = 0; causes && i < d->ncauses; i++) {
		const struct ew_diag_cause *c = &d->causes[i];
		json_t *ev = json_array();

		for (k = 0; ev && k < c->nevidence; k++)
			json_array_append_new(ev, json_pack("{s:s, s:s, s:s}", "step",
							    c->evidence[k].step, "check",
							    c->evidence[k].check, "title",
							    c->evidence[k].title));
		json_t *cj = json_pack(
			"{s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:{s:o, s:o}, s:s?}",
			"id", c->def->id, "rank", c->rank, "severity",
			ew_severity_name(c->severity), "title", c->title, "scope", c->def->scope,
			"because", strings_json(c->because, c->nbecause),
			"explains", strings_json(c->explains, c->nexplains), "evidence", ev,
			"fix", "windows", strings_json(c->fix_windows, c->nfix_windows),
			"linux", strings_json(c->fix_linux, c->nfix_linux), "confirm", c->confirm);

		/* Only with an identity beside the user: whether it is the user's own. */
		if (cj && d->compared_with)
			json_object_set_new(cj, "user_only", json_boolean(c->user_only));
		json_array_append_new(causes, cj);
	}
	j = json_pack("{s:o, s:s, s:o, s:o, s:o}", "symptoms",
		      strings_json(d->symptoms, d->nsymptoms), "verdict", d->verdict,
		      "causes", causes, "ruled_out", rulings_json(d->ruled_out, d->nruled_out),
		      "not_checked", rulings_json(d->not_checked, d->nnot_checked));
	if (j && d->compared_with)
		json_object_set_new(j, "compared_with", json_string(d->compared_with));
	return j;
}

/* 1: a list to read; 0: absent (read as empty); -1: something else. */
static int list_kind(const json_t *a)
{
	return a == NULL ? 0 : json_is_array(a) ? 1 : -1;
}

/* An array of strings, cleaned; -1 when it is not one. */
static int strings_from(const json_t *a, char ***v, size_t *n)
{
	size_t i;
	json_t *x;
	int kind = list_kind(a);

	if (kind <= 0)
		return kind;
	json_array_foreach(a, i, x) {
		char *s = json_is_string(x) ? ew_text_cleanz(json_string_value(x)) : NULL;
		int rc = s ? push(v, n, s) : -1;

		free(s);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int rulings_from(const json_t *a, struct ew_diag_ruling **v, size_t *n)
{
	size_t i, count = json_array_size(a);

	if (list_kind(a) < 0)
		return -1;
	for (i = 0; i < count; i++) {
		const json_t *r = json_array_get(a, i);
		const char *id = json_string_value(json_object_get(r, "id"));
		const char *why = json_string_value(json_object_get(r, "why"));

		if (id == NULL || why == NULL || add_ruling(v, n, id, ew_text_cleanz(why)) != 0)
			return -1;
	}
	return 0;
}

static int cause_from(const json_t *x, struct ew_diag_cause *c, char *err, size_t errlen)
{
	const char *id = json_string_value(json_object_get(x, "id"));
	const char *sev = json_string_value(json_object_get(x, "severity"));
	const char *title = json_string_value(json_object_get(x, "title"));
	const json_t *ev = json_object_get(x, "evidence"), *fix = json_object_get(x, "fix");
	const json_t *conf = json_object_get(x, "confirm"), *e;
	size_t i;

	if ((c->def = ew_cause_find(id)) == NULL) {
		snprintf(err, errlen, "unknown cause \"%s\"", id ? id : "(none)");
		return -1;
	}
	c->user_only = json_is_true(json_object_get(x, "user_only"));
	if (sev == NULL || ew_severity_parse(sev, &c->severity) != 0 || title == NULL ||
	    !json_is_integer(json_object_get(x, "rank")) || (ev && !json_is_array(ev)) ||
	    (fix && !json_is_object(fix)) || (conf && !json_is_null(conf) &&
					       !json_is_string(conf))) {
		snprintf(err, errlen, "cause %s: rank, severity, title or evidence missing or "
			 "wrong", id);
		return -1;
	}
	c->rank = (int)json_integer_value(json_object_get(x, "rank"));
	c->title = ew_text_cleanz(title);
	if (json_is_string(conf))
		c->confirm = ew_text_cleanz(json_string_value(conf));
	if (c->title == NULL || (json_is_string(conf) && c->confirm == NULL) ||
	    strings_from(json_object_get(x, "because"), &c->because, &c->nbecause) ||
	    strings_from(json_object_get(x, "explains"), &c->explains, &c->nexplains) ||
	    strings_from(json_object_get(fix, "windows"), &c->fix_windows, &c->nfix_windows) ||
	    strings_from(json_object_get(fix, "linux"), &c->fix_linux, &c->nfix_linux)) {
		snprintf(err, errlen, "cause %s: because, explains or fix is not a list of "
			 "strings", id);
		return -1;
	}
	json_array_foreach(ev, i, e) {
		const char *st = json_string_value(json_object_get(e, "step"));
		const char *ck = json_string_value(json_object_get(e, "check"));
		const char *ti = json_string_value(json_object_get(e, "title"));
		char *cst, *cck, *cti;
		int rc;

		if (st == NULL || ck == NULL || ti == NULL) {
			snprintf(err, errlen, "cause %s: evidence without step, check or title", id);
			return -1;
		}
		cst = ew_text_cleanz(st);
		cck = ew_text_cleanz(ck);
		cti = ew_text_cleanz(ti);
		rc = cst && cck && cti ? add_evidence(c, cst, cck, cti, c->severity) : -1;
		free(cst);
		free(cck);
		free(cti);
		if (rc != 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

struct ew_diagnosis *ew_diagnosis_from_json(const json_t *j, char *err, size_t errlen)
{
	struct ew_diagnosis *d = NULL;
	const json_t *causes = json_object_get(j, "causes"), *x;
	const char *verdict_text = json_string_value(json_object_get(j, "verdict"));
	size_t i;

	snprintf(err, errlen, "out of memory");
	if (!json_is_object(j) || verdict_text == NULL || !json_is_array(causes)) {
		snprintf(err, errlen, "not a diagnosis: verdict or causes missing");
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->causes = calloc(json_array_size(causes) + 1, sizeof(*d->causes))) == NULL ||
	    (d->verdict = ew_text_cleanz(verdict_text)) == NULL)
		goto fail;
	if (strings_from(json_object_get(j, "symptoms"), &d->symptoms, &d->nsymptoms) ||
	    rulings_from(json_object_get(j, "ruled_out"), &d->ruled_out, &d->nruled_out) ||
	    rulings_from(json_object_get(j, "not_checked"), &d->not_checked,
			 &d->nnot_checked)) {
		snprintf(err, errlen, "symptoms, ruled_out or not_checked malformed");
		goto fail;
	}
	if (json_is_string(json_object_get(j, "compared_with")) &&
	    (d->compared_with = ew_text_cleanz(json_string_value(json_object_get(j,
							      "compared_with")))) == NULL)
		goto fail;
	json_array_foreach(causes, i, x) {
		if (cause_from(x, &d->causes[i], err, errlen) != 0) {
			cause_clear(&d->causes[i]);
			goto fail;
		}
		d->ncauses++;
	}
	return d;
fail:
	ew_diagnosis_free(&d);
	return NULL;
}

/* Text */

/*
 * Words of text after lead (both cleaned), on lines of at most width
 * columns, the lines after the first indented by hang spaces.
 */
static void put_para(struct ew_buf *b, const char *lead, const char *text, int hang, int width)
{
	char *words = ew_text_cleanz(text), *save = NULL, *w;
	size_t at = strlen(lead), limit = width > hang + 24 ? (size_t)width : (size_t)hang + 24;
	int fresh = 1;	/* nothing on this line yet but the lead or the hang */

	ew_buf_add_clean(b, lead);
	if (words == NULL) {
		b->oom = 1;
		return;
	}
	for (w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(w);

		if (!fresh && at + 1 + len > limit) {
			ew_buf_printf(b, "\n%*s", hang, "");
			at = (size_t)hang;
			fresh = 1;
		}
		if (!fresh) {
			ew_buf_addc(b, ' ');
			at++;
		}
		/* A word longer than the line (a DN, an SPN): cut at the width, at
		 * a character's start, and go on under the hang. */
		while (at + len > limit && limit > at) {
			size_t part = limit - at;

			while (part > 0 && ((unsigned char)w[part] & 0xC0) == 0x80)
				part--;
			if (part == 0)
				break;
			ew_buf_add(b, w, part);
			w += part;
			len -= part;
			ew_buf_printf(b, "\n%*s", hang, "");
			at = (size_t)hang;
		}
		ew_buf_add(b, w, len);
		at += len;
		fresh = 0;
	}
	ew_buf_addc(b, '\n');
	free(words);
}

static void put_commands(struct ew_buf *b, const char *head, char *const *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	ew_buf_printf(b, "   %s\n", head);
	/* Whole lines, never wrapped: they are pasted. */
	for (i = 0; i < n; i++) {
		ew_buf_adds(b, "     ");
		ew_buf_add_clean(b, v[i]);
		ew_buf_addc(b, '\n');
	}
}

static void put_rulings(struct ew_buf *b, const char *lead, const struct ew_diag_ruling *v,
			size_t n, int width)
{
	struct ew_buf line = {0};
	char *text;
	size_t i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		ew_buf_printf(&line, "%s (%s)%s", v[i].id, v[i].why, i + 1 < n ? "; " : ".");
	text = ew_buf_take(&line);
	if (text == NULL) {
		b->oom = 1;
		return;
	}
	put_para(b, lead, text, 2, width);
	free(text);
}

char *ew_diagnosis_to_text(const struct ew_diagnosis *d, int width)
{
	struct ew_buf b = {0};
	char lead[64];
	size_t i, k;

	put_para(&b, "", d->verdict, 0, width);
	for (i = 0; i < d->ncauses; i++) {
		const struct ew_diag_cause *c = &d->causes[i];
		struct ew_buf line = {0};
		char *text;

		ew_buf_addc(&b, '\n');
		snprintf(lead, sizeof(lead), "%d. [%s] ", c->rank, ew_severity_tag(c->severity));
		ew_buf_printf(&line, "%s (%s)", c->title, c->def->id);
		text = ew_buf_take(&line);
		put_para(&b, lead, text ? text : "", (int)strlen(lead), width);
		free(text);
		for (k = 0; k < c->nbecause; k++)
			ew_buf_printf(&line, "%s%s", k ? ", " : "", c->because[k]);
		if (c->nbecause && (text = ew_buf_take(&line)) != NULL) {
			put_para(&b, "   because: ", text, 12, width);
			free(text);
		}
		for (k = 0; k < c->nexplains; k++)
			ew_buf_printf(&line, "%s%s", k ? ", " : "", c->explains[k]);
		if (c->nexplains && (text = ew_buf_take(&line)) != NULL) {
			put_para(&b, "   explains: ", text, 13, width);
			free(text);
		}
		if (c->user_only && d->compared_with) {
			ew_buf_printf(&line, "%s does not have it.", d->compared_with);
			if ((text = ew_buf_take(&line)) != NULL)
				put_para(&b, "   ", text, 3, width);
			free(text);
		}
		for (k = 0; k < c->nevidence; k++) {
			const struct ew_diag_evidence *e = &c->evidence[k];

			snprintf(lead, sizeof(lead), "   - [%s] %s: ", ew_severity_tag(e->severity),
				 e->check);
			put_para(&b, lead, e->title, 7, width);
		}
		put_commands(&b, "Fix on Windows:", c->fix_windows, c->nfix_windows);
		put_commands(&b, "Fix on this host:", c->fix_linux, c->nfix_linux);
		if (c->confirm)
			put_para(&b, "   Confirm: ", c->confirm, 5, width);
	}
	if (d->nruled_out || d->nnot_checked)
		ew_buf_addc(&b, '\n');
	put_rulings(&b, "Ruled out: ", d->ruled_out, d->nruled_out, width);
	put_rulings(&b, "Not checked: ", d->not_checked, d->nnot_checked, width);
	return ew_buf_take(&b);
}
