#include "result.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* After the severities' own names, which the first statuses share. */
static const char *const status_names[] = {
	"pending", "running", "cancelled", "interrupted",
};
#define NSTATUS (EW_NSEVERITY + sizeof(status_names) / sizeof(status_names[0]))

const char *ew_status_name(enum ew_status st)
{
	if ((unsigned)st < EW_NSEVERITY)
		return ew_severity_name((enum ew_severity)st);
	return (unsigned)st < NSTATUS ? status_names[st - EW_NSEVERITY] : "?";
}

int ew_status_parse(const char *name, enum ew_status *out)
{
	size_t i;

	for (i = 0; name && i < NSTATUS; i++) {
		if (strcmp(name, ew_status_name((enum ew_status)i)) == 0) {
			*out = (enum ew_status)i;
			return 0;
		}
	}
	return -1;
}

struct ew_step_result *ew_step_result_new(const char *id, const char *title)
{
	struct ew_step_result *r;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->id = ew_text_cleanz(id);
	r->title = ew_text_cleanz(title);
	r->status = EW_ST_PENDING;
	r->data = json_object();
	if (r->id == NULL || r->title == NULL || r->data == NULL)
		ew_step_result_free(&r);
	return r;
}

void ew_step_result_free(struct ew_step_result **rp)
{
	struct ew_step_result *r;
	size_t i;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	for (i = 0; i < r->nfindings; i++)
		ew_finding_free(&r->findings[i]);
	free(r->findings);
	free(r->id);
	free(r->title);
	json_decref(r->data);
	free(r);
	*rp = NULL;
}

struct ew_step_result *ew_step_result_dup(const struct ew_step_result *r)
{
	struct ew_step_result *c;
	size_t i;

	if (r == NULL || (c = ew_step_result_new(r->id, r->title)) == NULL)
		return NULL;
	c->status = r->status;
	c->duration_ms = r->duration_ms;
	c->setup = r->setup;
	c->kind = r->kind;
	c->compared = r->compared;
	json_decref(c->data);
	c->data = json_deep_copy(r->data);
	for (i = 0; c->data && i < r->nfindings; i++)
		if (ew_step_result_add(c, ew_finding_dup(r->findings[i])) != 0)
			break;
	if (c->data == NULL || c->nfindings != r->nfindings)
		ew_step_result_free(&c);
	return c;
}

int ew_step_result_is_stale(const struct ew_step_result *s)
{
	return s && json_is_string(json_object_get(s->data, "stale"));
}

int ew_step_result_add(struct ew_step_result *r, struct ew_finding *f)
{
	struct ew_finding **v;

	if (f == NULL)
		return -1;
	v = realloc(r->findings, (r->nfindings + 1) * sizeof(*v));
	if (v == NULL) {
		ew_finding_free(&f);
		return -1;
	}
	r->findings = v;
	r->findings[r->nfindings++] = f;
	return 0;
}

enum ew_status ew_step_result_worst(const struct ew_step_result *r)
{
	enum ew_status worst = EW_ST_PASS;
	size_t i, skips = 0;

	for (i = 0; i < r->nfindings; i++) {
		enum ew_severity s = r->findings[i]->severity;

		if (s == EW_SKIP)
			skips++;
		else if ((int)s > (int)worst)
			worst = (enum ew_status)s;
	}
	if (r->nfindings > 0 && skips == r->nfindings)
		return EW_ST_SKIP;
	return worst;
}
