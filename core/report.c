#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "comparison.h"
#include "diagnosis.h"
#include "result.h"
#include "text.h"

struct ew_report *ew_report_new(const char *version, const char *host)
{
	struct ew_report *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->version = version ? strdup(version) : NULL;
	r->host = host ? ew_text_cleanz(host) : NULL;
	r->target = json_object();
	if ((version && r->version == NULL) || (host && r->host == NULL) ||
	    r->target == NULL)
		ew_report_free(&r);
	return r;
}

void ew_report_free(struct ew_report **rp)
{
	struct ew_report *r;
	size_t i;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	for (i = 0; i < r->nsteps; i++)
		ew_step_result_free(&r->steps[i]);
	free(r->steps);
	for (i = 0; i < r->ncompared; i++)
		ew_step_result_free(&r->compared[i]);
	free(r->compared);
	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->version);
	free(r->started);
	free(r->host);
	free(r->transcript);
	json_decref(r->target);
	free(r);
	*rp = NULL;
}

int ew_report_add_step(struct ew_report *r, struct ew_step_result *step)
{
	struct ew_step_result ***list, **v;
	size_t *n;

	if (step == NULL)
		return -1;
	list = step->compared ? &r->compared : &r->steps;
	n = step->compared ? &r->ncompared : &r->nsteps;
	v = realloc(*list, (*n + 1) * sizeof(*v));
	if (v == NULL) {
		ew_step_result_free(&step);
		return -1;
	}
	*list = v;
	v[(*n)++] = step;
	return 0;
}

int ew_report_add_note(struct ew_report *r, const char *fmt, ...)
{
	va_list ap;
	char *s, **v;

	va_start(ap, fmt);
	s = ew_vstrprintf_clean(fmt, ap);
	va_end(ap);
	if (s == NULL)
		return -1;
	v = realloc(r->notes, (r->nnotes + 1) * sizeof(*v));
	if (v == NULL) {
		free(s);
		return -1;
	}
	r->notes = v;
	r->notes[r->nnotes++] = s;
	return 0;
}

unsigned ew_report_cancelled_steps(const struct ew_report *r)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < r->nsteps; i++)
		n += r->steps[i]->status == EW_ST_CANCELLED;
	return n;
}

/* A sweep's result (the step of SWEEP-DOMAIN), kept in a wizard's
 * transcript beside the user's steps: its findings are other accounts',
 * never counted as the user's. */
static int of_other_accounts(const struct ew_step_result *s)
{
	const struct ew_check *ck = ew_check_find(EW_CK_SWEEP_DOMAIN);

	return ck && strcmp(s->id, ck->step) == 0;
}

void ew_report_summary(const struct ew_report *r, unsigned counts[EW_NSEVERITY])
{
	size_t i, j;

	memset(counts, 0, EW_NSEVERITY * sizeof(counts[0]));
	for (i = 0; i < r->nsteps; i++)
		for (j = 0; j < r->steps[i]->nfindings && !ew_step_result_is_stale(r->steps[i]) &&
		     !of_other_accounts(r->steps[i]); j++)
			counts[r->steps[i]->findings[j]->severity]++;
}

unsigned ew_report_stale_steps(const struct ew_report *r)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < r->nsteps; i++)
		n += ew_step_result_is_stale(r->steps[i]);
	return n;
}

int ew_report_exit_code(const struct ew_report *r)
{
	unsigned c[EW_NSEVERITY], ran = 0, diagnosing = 0;
	size_t i, j;

	/*
	 * Nothing could run when every step that diagnoses (all but the one
	 * that settles the target) only skipped: whatever the target step said,
	 * nothing was checked.
	 */
	for (i = 0; i < r->nsteps; i++) {
		if (r->steps[i]->setup || ew_step_result_is_stale(r->steps[i]) ||
		    of_other_accounts(r->steps[i]))
			continue;
		diagnosing++;
		for (j = 0; j < r->steps[i]->nfindings; j++)
			ran += r->steps[i]->findings[j]->severity != EW_SKIP;
	}
	if (diagnosing && ran == 0)
		return EW_EXIT_NOTHING;
	ew_report_summary(r, c);
	if (c[EW_FAIL])
		return EW_EXIT_FAIL;
	if (c[EW_WARN])
		return EW_EXIT_WARN;
	/* A run cut short never says "all is well": it did not look at everything. */
	if (c[EW_PASS] + c[EW_INFO] == 0 || ew_report_cancelled_steps(r) ||
	    (diagnosing == 0 && r->nsteps && r->steps[0]->status == EW_ST_CANCELLED))
		return EW_EXIT_NOTHING;
	return EW_EXIT_OK;
}

static json_t *summary_json(const struct ew_report *r)
{
	unsigned c[EW_NSEVERITY];
	json_t *j = json_object();
	int s;

	ew_report_summary(r, c);
	for (s = 0; j && s < EW_NSEVERITY; s++)
		json_object_set_new(j, ew_severity_name((enum ew_severity)s), json_integer(c[s]));
	if (j) {
		json_object_set_new(j, "cancelled", json_integer(ew_report_cancelled_steps(r)));
		json_object_set_new(j, "stale", json_integer(ew_report_stale_steps(r)));
	}
	return j;
}

/* The diagnosis of r's steps, the user's own causes of c (may be NULL) first. */
static struct ew_diagnosis *diagnose(const struct ew_report *r, const struct ew_comparison *c)
{
	const json_t *given = json_object_get(r->target, "symptoms");
	const char *sym[EW_CAUSE_MAX_LIST];
	const char *const *own = NULL;
	size_t i, nsym = 0, nown = 0;
	json_t *v;

	json_array_foreach(given, i, v)
		if (json_is_string(v) && nsym < EW_CAUSE_MAX_LIST)
			sym[nsym++] = json_string_value(v);
	if (c)
		ew_comparison_user_only_causes(c, &own, &nown);
	return ew_diagnose_compared((const struct ew_step_result *const *)r->steps, r->nsteps,
				    r->target, sym, nsym, c ? c->other : NULL, own, nown);
}

struct ew_diagnosis *ew_report_diagnose_with(const struct ew_report *r,
					     const struct ew_comparison *c)
{
	return diagnose(r, c);
}

struct ew_diagnosis *ew_report_diagnose(const struct ew_report *r)
{
	struct ew_comparison *c = ew_report_comparison(r);
	struct ew_diagnosis *d = diagnose(r, c);

	ew_comparison_free(&c);
	return d;
}

const char *ew_report_compared_user(const struct ew_report *r)
{
	return json_string_value(json_object_get(json_object_get(r->target, "compare"), "user"));
}

struct ew_comparison *ew_report_comparison(const struct ew_report *r)
{
	const char *other = ew_report_compared_user(r);

	if (other == NULL)
		return NULL;
	return ew_compare(json_string_value(json_object_get(r->target, "user")),
			  (const struct ew_step_result *const *)r->steps, r->nsteps, other,
			  (const struct ew_step_result *const *)r->compared, r->ncompared);
}

static json_t *steps_json(struct ew_step_result *const *v, size_t n)
{
	json_t *steps = json_array();
	size_t i, j;

	for (i = 0; steps && i < n; i++) {
		const struct ew_step_result *s = v[i];
		json_t *findings = json_array();

		for (j = 0; findings && j < s->nfindings; j++)
			json_array_append_new(findings, ew_finding_to_json(s->findings[j]));
		json_array_append_new(steps,
				      json_pack("{s:s, s:s, s:s, s:I, s:o, s:O}",
						"id", s->id, "title", s->title,
						"status", ew_status_name(s->status),
						"duration_ms", (json_int_t)s->duration_ms,
						"findings", findings ? findings : json_array(),
						"data", s->data));
	}
	return steps ? steps : json_array();
}

json_t *ew_report_to_json(const struct ew_report *r)
{
	struct ew_comparison *c = ew_report_comparison(r);
	struct ew_diagnosis *d = diagnose(r, c);
	json_t *steps, *notes, *o;
	size_t i;

	steps = steps_json(r->steps, r->nsteps);
	notes = json_array();
	for (i = 0; notes && i < r->nnotes; i++)
		json_array_append_new(notes, json_string(r->notes[i]));
	o = json_pack("{s:s?, s:s?, s:s?, s:O, s:o, s:o, s:o?, s:s?, s:o}",
		      "exwizard", r->version, "started", r->started, "host", r->host,
		      "target", r->target, "steps", steps,
		      "summary", summary_json(r),
		      "diagnosis", d ? ew_diagnosis_to_json(d) : NULL,
		      "transcript", r->transcript, "notes", notes ? notes : json_array());
	/* The compared identity's steps, and what differs: only with --compare. */
	if (o && c) {
		json_object_set_new(o, "compare", json_pack("{s:s, s:o}", "user", c->other, "steps",
							    steps_json(r->compared,
								       r->ncompared)));
		json_object_set_new(o, "comparison", ew_comparison_to_json(c));
	}
	ew_comparison_free(&c);
	ew_diagnosis_free(&d);
	return o;
}

static char *opt_clean(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? ew_text_cleanz(s) : NULL;
}

/* The steps of a JSON report into r (compared: the compared identity's). */
static int steps_from(struct ew_report *r, const json_t *steps, int compared, char *err,
		      size_t errlen)
{
	const json_t *st, *fs, *f;
	size_t i, j;

	json_array_foreach(steps, i, st) {
		const char *id = json_string_value(json_object_get(st, "id"));
		const char *title = json_string_value(json_object_get(st, "title"));
		struct ew_step_result *s;
		enum ew_status status;
		json_t *data;

		if (id == NULL) {
			snprintf(err, errlen, "step %zu has no id", i);
			return -1;
		}
		s = ew_step_result_new(id, title ? title : id);
		if (s)
			s->compared = compared;
		if (s == NULL || ew_report_add_step(r, s) != 0)
			goto oom;
		if (ew_status_parse(json_string_value(json_object_get(st, "status")),
				    &status) == 0)
			s->status = status;
		s->duration_ms = (long)json_integer_value(json_object_get(st, "duration_ms"));
		data = json_object_get(st, "data");
		if (json_is_object(data)) {
			json_decref(s->data);
			s->data = ew_json_clean(data);
		}
		fs = json_object_get(st, "findings");
		json_array_foreach(fs, j, f) {
			struct ew_finding *fd = ew_finding_from_json(f, err, errlen);

			if (fd == NULL)
				return -1;
			if (ew_step_result_add(s, fd) != 0)
				goto oom;
		}
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

struct ew_report *ew_report_from_json(const json_t *obj, char *err, size_t errlen)
{
	struct ew_report *r;
	json_t *target, *notes, *n;
	size_t i;

	if (!json_is_object(obj) || !json_is_string(json_object_get(obj, "exwizard"))) {
		snprintf(err, errlen, "not an exwizard report");
		return NULL;
	}
	r = ew_report_new(NULL, NULL);
	if (r == NULL)
		goto oom;
	r->version = opt_clean(obj, "exwizard");
	r->started = opt_clean(obj, "started");
	r->host = opt_clean(obj, "host");
	r->transcript = opt_clean(obj, "transcript");
	target = json_object_get(obj, "target");
	if (json_is_object(target)) {
		json_decref(r->target);
		r->target = ew_json_clean(target);
	}
	if (steps_from(r, json_object_get(obj, "steps"), 0, err, errlen) != 0 ||
	    steps_from(r, json_object_get(json_object_get(obj, "compare"), "steps"), 1, err,
		       errlen) != 0) {
		ew_report_free(&r);
		return NULL;
	}
	notes = json_object_get(obj, "notes");
	json_array_foreach(notes, i, n)
		if (json_is_string(n))
			ew_report_add_note(r, "%s", json_string_value(n));
	return r;
oom:
	ew_report_free(&r);
	snprintf(err, errlen, "out of memory");
	return NULL;
}

static void add_target_line(struct ew_buf *b, const char *label, const json_t *v, int width)
{
	struct ew_buf line = {0};
	size_t i;
	json_t *x;

	if (json_is_object(v) && json_is_string(json_object_get(v, "user"))) {
		/* The identity beside the user: who, and who moved its mailbox. */
		ew_buf_adds(&line, json_string_value(json_object_get(v, "user")));
		if (json_is_string(json_object_get(v, "mover")))
			ew_buf_printf(&line, " (mover %s)",
				      json_string_value(json_object_get(v, "mover")));
	} else if (json_is_string(v)) {
		ew_buf_adds(&line, json_string_value(v));
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (!json_is_string(x))
				continue;
			if (line.len)
				ew_buf_adds(&line, ", ");
			ew_buf_adds(&line, json_string_value(x));
		}
	}
	if (line.len) {
		ew_buf_printf(b, "  %-10s ", label);
		ew_buf_add_wrapped(b, line.data, 13, 13, width);
	}
	ew_buf_reset(&line);
}

char *ew_target_json_brief(const json_t *target)
{
	static const char *const keys[][2] = {
		{ "user", "user" }, { "realm", "realm" }, { "dc", "DC" }, { "mover", "mover" },
		{ "cache_principal", "tickets of" },
	};
	struct ew_buf b = {0};
	const json_t *ex = json_object_get(target, "exchange");
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = json_string_value(json_object_get(target, keys[i][0]));

		if (v)
			ew_buf_printf(&b, "%s%s %s", b.len ? ", " : "", keys[i][1], v);
	}
	for (i = 0; i < json_array_size(ex); i++)
		if (json_is_string(json_array_get(ex, i)))
			ew_buf_printf(&b, "%s%s", i ? " " : b.len ? ", Exchange " : "Exchange ",
				      json_string_value(json_array_get(ex, i)));
	if (json_is_string(json_object_get(json_object_get(target, "compare"), "user")))
		ew_buf_printf(&b, "%sbeside %s", b.len ? ", " : "",
			      json_string_value(json_object_get(json_object_get(target, "compare"),
								"user")));
	if (b.len == 0)
		ew_buf_adds(&b, "no target");
	return ew_buf_take(&b);
}

void ew_step_result_mark_stale(struct ew_step_result *s, const json_t *earlier)
{
	char *brief;

	if (s == NULL || ew_step_result_is_stale(s))
		return;
	brief = ew_target_json_brief(earlier);
	{
		/* A transcript's target is read from a file: cleaned like the rest. */
		char *clean = brief ? ew_text_cleanz(brief) : NULL;

		json_object_set_new(s->data, "stale", json_string(clean ? clean :
								  "an earlier target"));
		free(clean);
	}
	free(brief);
}

/* A result run for an earlier target says so under its heading. */
static void add_stale_line(struct ew_buf *b, const struct ew_step_result *s, int width)
{
	char *line;

	if (!ew_step_result_is_stale(s))
		return;
	line = ew_strprintf("STALE: run for an earlier target (%s), not for the one above; "
			    "run it again", json_string_value(json_object_get(s->data, "stale")));
	ew_buf_adds(b, "  ");
	ew_buf_add_wrapped(b, line ? line : "STALE", 2, 2, width);
	free(line);
}

/* Whose credentials a step used and which server it asked. */
char *ew_step_credentials_text(const struct ew_step_result *s)
{
	const json_t *cr = s ? json_object_get(s->data, "credentials") : NULL;
	const char *as = json_string_value(json_object_get(cr, "as"));
	const char *method = json_string_value(json_object_get(cr, "method"));
	const char *server = json_string_value(json_object_get(cr, "server"));
	struct ew_buf line = {0};

	if (!json_is_object(cr))
		return NULL;
	if (as)
		ew_buf_printf(&line, "As %s%s%s%s", as, method ? " (" : "", method ? method : "",
			      method ? ")" : "");
	else
		ew_buf_adds(&line, method ? method : "No credentials");
	ew_buf_printf(&line, "%s%s", server ? ", asked " : ", no server reached",
		      server ? server : "");
	return ew_buf_take(&line);
}

static void add_credentials_line(struct ew_buf *b, const struct ew_step_result *s, int width)
{
	char *line = ew_step_credentials_text(s);

	if (line == NULL)
		return;
	ew_buf_adds(b, "  ");
	ew_buf_add_wrapped(b, line, 2, 2, width);
	free(line);
}

static void add_finding_text(struct ew_buf *b, const struct ew_finding *f, int width)
{
	size_t i;

	ew_buf_printf(b, "  [%s] ", ew_severity_tag(f->severity));
	ew_buf_add_clean(b, f->check);
	ew_buf_adds(b, ":");
	ew_buf_add_wrapped(b, f->title, 10 + (int)strlen(f->check), 9, width);
	if (f->detail) {
		ew_buf_printf(b, "%9s", "");
		ew_buf_add_wrapped(b, f->detail, 9, 9, width);
	}
	for (i = 0; i < f->nevidence; i++) {
		ew_buf_printf(b, "%9s| ", "");
		ew_buf_add_clean_max(b, f->evidence[i], EW_TEXT_SHOW_MAX);
		ew_buf_addc(b, '\n');
	}
	if (f->remedy) {
		ew_buf_printf(b, "%9sRemedy: ", "");
		ew_buf_add_wrapped(b, f->remedy, 17, 17, width);
	}
	if (f->help && f->severity != EW_PASS) {
		ew_buf_printf(b, "%9sHelp: exwizard help ", "");
		ew_buf_add_clean(b, f->help);
		ew_buf_addc(b, '\n');
	}
}

char *ew_report_to_text(const struct ew_report *r, int width)
{
	static const char *const target_keys[][2] = {
		{ "realm", "Realm:" }, { "domain", "Domain:" }, { "user", "User:" },
		{ "exchange", "Exchange:" }, { "mover", "Mover:" }, { "dc", "DC:" },
		{ "dns_servers", "DNS:" }, { "symptoms", "Symptoms:" }, { "compare", "Compared:" },
		{ "ccache", "Cache:" },
		{ "cache_principal", "Tickets:" }, { "credentials", "Login:" },
	};
	struct ew_buf b = {0};
	unsigned c[EW_NSEVERITY], cancelled;
	size_t i, j;

	ew_buf_adds(&b, "exwizard ");
	ew_buf_add_clean(&b, r->version ? r->version : "?");
	ew_buf_adds(&b, " report");
	if (r->host) {
		ew_buf_adds(&b, " from ");
		ew_buf_add_clean(&b, r->host);
	}
	if (r->started) {
		ew_buf_adds(&b, ", started ");
		ew_buf_add_clean(&b, r->started);
	}
	ew_buf_addc(&b, '\n');
	for (i = 0; i < sizeof(target_keys) / sizeof(target_keys[0]); i++)
		add_target_line(&b, target_keys[i][1],
				json_object_get(r->target, target_keys[i][0]), width);
	{
		/* The answer before the evidence; then what differs between the
		 * user and the identity beside it. */
		struct ew_comparison *cmp = ew_report_comparison(r);
		struct ew_diagnosis *d = diagnose(r, cmp);
		char *dt = d ? ew_diagnosis_to_text(d, width) : NULL;
		char *ct = cmp ? ew_comparison_to_text(cmp, width) : NULL;

		if (dt) {
			ew_buf_addc(&b, '\n');
			ew_buf_adds(&b, dt);
		} else {
			b.oom = 1;
		}
		if (ct) {
			ew_buf_addc(&b, '\n');
			ew_buf_adds(&b, ct);
		} else if (ew_report_compared_user(r)) {
			b.oom = 1;
		}
		free(dt);
		free(ct);
		ew_diagnosis_free(&d);
		ew_comparison_free(&cmp);
	}
	for (i = 0; i < r->nsteps; i++) {
		const struct ew_step_result *s = r->steps[i];
		char st[24];
		size_t k;

		snprintf(st, sizeof(st), "%s", ew_status_name(s->status));
		for (k = 0; st[k]; k++)
			if (st[k] >= 'a' && st[k] <= 'z')
				st[k] = (char)(st[k] - 'a' + 'A');
		ew_buf_adds(&b, "\n== ");
		ew_buf_add_clean(&b, s->id);
		ew_buf_adds(&b, ": ");
		ew_buf_add_clean(&b, s->title);
		ew_buf_printf(&b, " [%s] (%ld ms)\n", st, s->duration_ms);
		add_stale_line(&b, s, width);
		add_credentials_line(&b, s, width);
		for (j = 0; j < s->nfindings; j++)
			add_finding_text(&b, s->findings[j], width);
	}
	ew_report_summary(r, c);
	ew_buf_printf(&b, "\nSummary: %u fail, %u warn, %u info, %u pass, %u skip",
		      c[EW_FAIL], c[EW_WARN], c[EW_INFO], c[EW_PASS], c[EW_SKIP]);
	cancelled = ew_report_cancelled_steps(r);
	if (cancelled)
		ew_buf_printf(&b, "; %u step%s cancelled", cancelled, cancelled == 1 ? "" : "s");
	if (ew_report_stale_steps(r))
		ew_buf_printf(&b, "; %u stale step%s not counted", ew_report_stale_steps(r),
			      ew_report_stale_steps(r) == 1 ? "" : "s");
	ew_buf_addc(&b, '\n');
	for (i = 0; i < r->nnotes; i++) {
		ew_buf_adds(&b, "Note: ");
		ew_buf_add_wrapped(&b, r->notes[i], 6, 6, width);
	}
	if (r->transcript) {
		ew_buf_adds(&b, "Transcript: ");
		ew_buf_add_clean(&b, r->transcript);
		ew_buf_addc(&b, '\n');
	}
	return ew_buf_take(&b);
}

char *ew_report_brief(const struct ew_report *r, int width)
{
	struct ew_diagnosis *d = ew_report_diagnose(r);
	struct ew_buf b = {0}, line = {0};
	char *who;
	size_t i, k, j;

	if (d == NULL)
		return NULL;
	if (width < 40)
		width = 40;
	ew_buf_adds(&b, "Verdict:");
	ew_buf_add_wrapped(&b, d->verdict ? d->verdict : "no verdict", 8, 2, width);
	if (d->nsymptoms) {
		for (i = 0; i < d->nsymptoms; i++)
			ew_buf_printf(&line, "%s%s", i ? ", " : "", d->symptoms[i]);
		ew_buf_adds(&b, "Symptoms:");
		ew_buf_add_wrapped(&b, line.data ? line.data : "", 9, 2, width);
		ew_buf_reset(&line);
	}
	if (d->ncauses == 0)
		ew_buf_adds(&b, "Causes: none found\n");
	else
		ew_buf_printf(&b, "Causes (%zu, the first to fix first):\n", d->ncauses);
	for (i = 0; i < d->ncauses; i++) {
		const struct ew_diag_cause *c = &d->causes[i];

		ew_buf_printf(&b, "%2d. ", c->rank);
		ew_buf_printf(&line, "[%s] %s (%s)", ew_severity_tag(c->severity),
			      c->title ? c->title : c->def->title, c->def->id);
		if (c->nbecause) {
			ew_buf_adds(&line, "; because of");
			for (k = 0; k < c->nbecause; k++)
				ew_buf_printf(&line, "%s %s", k ? "," : "", c->because[k]);
		}
		ew_buf_add_wrapped(&b, line.data ? line.data : "", 4, 4, width);
		ew_buf_reset(&line);
		/* The check ids of its evidence, each once. */
		for (k = 0; k < c->nevidence; k++) {
			for (j = 0; j < k; j++)
				if (strcmp(c->evidence[j].check, c->evidence[k].check) == 0)
					break;
			if (j == k)
				ew_buf_printf(&line, "%s%s", line.len ? ", " : "",
					      c->evidence[k].check);
		}
		if (line.len) {
			ew_buf_adds(&b, "    Evidence:");
			ew_buf_add_wrapped(&b, line.data, 13, 6, width);
		}
		ew_buf_reset(&line);
	}
	who = ew_target_json_brief(r->target);
	if (who) {
		ew_buf_adds(&b, "Checked:");
		ew_buf_add_wrapped(&b, who, 8, 2, width);
		free(who);
	} else {
		b.oom = 1;
	}
	if (r->started || r->host) {
		ew_buf_printf(&line, "%s%s%s%s", r->started ? r->started : "",
			      r->started && r->host ? " " : "", r->host ? "from " : "",
			      r->host ? r->host : "");
		ew_buf_adds(&b, "When:");
		ew_buf_add_wrapped(&b, line.data ? line.data : "", 5, 2, width);
		ew_buf_reset(&line);
	}
	ew_diagnosis_free(&d);
	return ew_buf_take(&b);
}
