#include "transcriptread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "report.h"
#include "result.h"
#include "step.h"
#include "text.h"

/* A line longer than this is not a transcript event. */
#define EW_TRANSCRIPT_MAX_LINE (16u << 20)

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static char *dup_clean(const char *s)
{
	return s ? ew_text_cleanz(s) : NULL;
}

/*
 * The latest step of that id among the user's, or among the compared
 * identity's when the event names an identity. Step ids are stored cleaned:
 * compare with the cleaned id of the event.
 */
static struct ew_step_result *find_step(struct ew_report *r, const char *id, const json_t *ev)
{
	int compared = json_is_string(json_object_get(ev, "identity"));
	struct ew_step_result *const *v = compared ? r->compared : r->steps;
	struct ew_step_result *found = NULL;
	char *clean;
	size_t i;

	if (id == NULL || (clean = ew_text_cleanz(id)) == NULL)
		return NULL;
	for (i = compared ? r->ncompared : r->nsteps; i > 0 && found == NULL; i--)
		if (strcmp(v[i - 1]->id, clean) == 0)
			found = v[i - 1];
	free(clean);
	return found;
}

static void take_step(struct ew_report *r, json_t *ev, char *err, size_t errlen)
{
	const char *id = jstr(ev, "id"), *phase = jstr(ev, "phase");
	struct ew_step_result *s;
	enum ew_status st;
	json_t *data;

	if (id == NULL || phase == NULL)
		return;
	if (strcmp(phase, "start") == 0) {
		s = ew_step_result_new(id, jstr(ev, "title") ? jstr(ev, "title") : id);
		if (s == NULL) {
			snprintf(err, errlen, "out of memory");
			return;
		}
		s->status = EW_ST_INTERRUPTED;
		s->compared = json_is_string(json_object_get(ev, "identity"));
		ew_step_result_from_table(s);
		ew_report_add_step(r, s);
		return;
	}
	s = find_step(r, id, ev);
	if (s == NULL)
		return;
	if (ew_status_parse(jstr(ev, "status"), &st) == 0)
		s->status = st;
	s->duration_ms = (long)json_integer_value(json_object_get(ev, "duration_ms"));
	data = json_object_get(ev, "data");
	if (json_is_object(data)) {
		json_decref(s->data);
		s->data = ew_json_clean(data);
	}
}

static void take_session(struct ew_report *r, json_t *ev)
{
	json_t *target = json_object_get(ev, "target");

	free(r->version);
	r->version = dup_clean(jstr(ev, "version"));
	free(r->host);
	r->host = dup_clean(jstr(ev, "host"));
	free(r->started);
	r->started = dup_clean(jstr(ev, "time"));
	if (json_is_object(target)) {
		json_decref(r->target);
		r->target = ew_json_clean(target);
	}
}

struct ew_report *ew_transcript_read(const char *path, char *err, size_t errlen)
{
	struct ew_report *r = NULL;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int have_session = 0, ended = 0, cut = 0;

	err[0] = '\0';
	fp = fopen(path, "re");
	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	r = ew_report_new(NULL, NULL);
	if (r == NULL) {
		fclose(fp);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		json_error_t jerr;
		const char *event;
		json_t *ev;

		lineno++;
		if ((size_t)n > EW_TRANSCRIPT_MAX_LINE || line[n - 1] != '\n') {
			cut = 1;
			break;
		}
		ev = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(ev)) {
			json_decref(ev);
			cut = 1;
			break;
		}
		event = jstr(ev, "event");
		if (event == NULL) {
		} else if (strcmp(event, "session") == 0) {
			take_session(r, ev);
			have_session = 1;
		} else if (strcmp(event, "step") == 0) {
			take_step(r, ev, err, errlen);
		} else if (strcmp(event, "finding") == 0) {
			struct ew_step_result *s = find_step(r, jstr(ev, "step"), ev);
			char ferr[128];

			if (s)
				ew_step_result_add(s, ew_finding_from_json(ev, ferr, sizeof(ferr)));
		} else if (strcmp(event, "input") == 0) {
			json_t *target = json_object_get(ev, "target");

			/* A target changed in the wizard's form: what ran before it
			 * was for the earlier target. */
			if (jstr(ev, "source") && strcmp(jstr(ev, "source"), "form") == 0) {
				json_t *before = json_object_get(ev, "before");
				json_t *was = before ? before : r->target;
				const json_t *c0 = json_object_get(was, "compare");
				const json_t *c1 = json_object_get(target, "compare");
				int changed = json_is_true(json_object_get(ev, "changed"));
				/* Another user to compare with: what ran for the one
				 * before is not this one's. */
				int other = json_is_object(target) && (c0 || c1) &&
					    !(c0 && c1 && json_equal(c0, c1));
				size_t k;

				for (k = 0; changed && k < r->nsteps; k++)
					ew_step_result_mark_stale(r->steps[k], was);
				for (k = 0; (changed || other) && k < r->ncompared; k++)
					ew_step_result_mark_stale(r->compared[k], was);
			}
			/* The target as settled by the defaults replaces the one typed. */
			if (json_is_object(target)) {
				json_decref(r->target);
				r->target = ew_json_clean(target);
			}
		} else if (strcmp(event, "action") == 0) {
			ew_report_add_note(r, "action: %s", jstr(ev, "text") ? jstr(ev, "text") : "?");
		} else if (strcmp(event, "end") == 0) {
			ended = 1;
			/* As `check` said it in its own report. */
			if (json_is_true(json_object_get(ev, "cancelled")))
				ew_report_add_note(r, "Stopped by a signal before every step had "
						   "run.");
		}
		json_decref(ev);
		if (err[0])
			break;
	}
	if (ferror(fp) && !err[0])
		snprintf(err, errlen, "%s: read error after line %zu", path, lineno);
	free(line);
	fclose(fp);
	if (err[0] || !have_session) {
		if (!err[0])
			snprintf(err, errlen, "%s: not an exwizard transcript (no session event)",
				 path);
		ew_report_free(&r);
		return NULL;
	}
	r->transcript = strdup(path);
	if (cut)
		ew_report_add_note(r, "The transcript is cut short at line %zu (the session "
				   "was killed while writing); shown up to the last complete "
				   "event.", lineno);
	else if (!ended)
		ew_report_add_note(r, "The session did not end normally (no end event): it "
				   "was killed or is still running.");
	return r;
}

struct ew_report *ew_report_read_file(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *j;
	struct ew_report *r;
	size_t i;

	err[0] = '\0';
	/* A transcript has an object per line: as one document it does not
	 * load (data after the first object), or it is one event without
	 * "exwizard". */
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (json_is_object(j) && json_is_string(json_object_get(j, "exwizard")) &&
	    json_is_array(json_object_get(j, "steps"))) {
		r = ew_report_from_json(j, err, errlen);
		json_decref(j);
		for (i = 0; r && i < r->nsteps; i++)
			ew_step_result_from_table(r->steps[i]);
		for (i = 0; r && i < r->ncompared; i++)
			ew_step_result_from_table(r->compared[i]);
		if (r == NULL) {
			char *clean = ew_text_cleanz(err);

			snprintf(err, errlen, "%s: %s", path, clean ? clean : "not a report");
			free(clean);
		}
		return r;
	}
	json_decref(j);
	return ew_transcript_read(path, err, errlen);
}
