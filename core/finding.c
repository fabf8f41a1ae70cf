#include "finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *const sev_names[EW_NSEVERITY] = {
	"pass", "info", "warn", "fail", "skip",
};
static const char *const sev_tags[EW_NSEVERITY] = {
	"PASS", "INFO", "WARN", "FAIL", "SKIP",
};

const char *ew_severity_name(enum ew_severity sev)
{
	return (unsigned)sev < EW_NSEVERITY ? sev_names[sev] : "?";
}

const char *ew_severity_tag(enum ew_severity sev)
{
	return (unsigned)sev < EW_NSEVERITY ? sev_tags[sev] : "?";
}

int ew_severity_parse(const char *name, enum ew_severity *out)
{
	int i;

	for (i = 0; name && i < EW_NSEVERITY; i++) {
		if (strcmp(name, sev_names[i]) == 0) {
			*out = (enum ew_severity)i;
			return 0;
		}
	}
	return -1;
}

/* Format, then clean: format arguments may come from the network. */
struct ew_finding *ew_finding_new(const char *check, enum ew_severity sev,
				  const char *fmt, ...)
{
	struct ew_finding *f;
	va_list ap;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->severity = sev;
	f->check = ew_text_cleanz(check);
	f->help = ew_text_cleanz(check);
	va_start(ap, fmt);
	f->title = ew_vstrprintf_clean(fmt, ap);
	va_end(ap);
	if (f->check == NULL || f->help == NULL || f->title == NULL)
		ew_finding_free(&f);
	return f;
}

void ew_finding_free(struct ew_finding **fp)
{
	struct ew_finding *f;
	size_t i;

	if (fp == NULL || *fp == NULL)
		return;
	f = *fp;
	free(f->check);
	free(f->title);
	free(f->detail);
	for (i = 0; i < f->nevidence; i++)
		free(f->evidence[i]);
	free(f->evidence);
	free(f->remedy);
	free(f->help);
	free(f->cause);
	free(f);
	*fp = NULL;
}

struct ew_finding *ew_finding_dup(const struct ew_finding *f)
{
	struct ew_finding *c;
	size_t i;

	if (f == NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->severity = f->severity;
	c->check = strdup(f->check);
	c->title = strdup(f->title);
	c->help = strdup(f->help);
	c->cause = f->cause ? strdup(f->cause) : NULL;
	c->detail = f->detail ? strdup(f->detail) : NULL;
	c->remedy = f->remedy ? strdup(f->remedy) : NULL;
	c->evidence = f->nevidence ? calloc(f->nevidence, sizeof(*c->evidence)) : NULL;
	for (i = 0; c->evidence && i < f->nevidence; i++)
		if ((c->evidence[c->nevidence] = strdup(f->evidence[i])) != NULL)
			c->nevidence++;
	if (!c->check || !c->title || !c->help || (f->detail && !c->detail) ||
	    (f->cause && !c->cause) ||
	    (f->remedy && !c->remedy) || c->nevidence != f->nevidence)
		ew_finding_free(&c);
	return c;
}

static int set_field(char **field, const char *fmt, va_list ap)
{
	char *s = ew_vstrprintf_clean(fmt, ap);

	if (s == NULL)
		return -1;
	free(*field);
	*field = s;
	return 0;
}

int ew_finding_detail(struct ew_finding *f, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = set_field(&f->detail, fmt, ap);
	va_end(ap);
	return rc;
}

int ew_finding_remedy(struct ew_finding *f, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = set_field(&f->remedy, fmt, ap);
	va_end(ap);
	return rc;
}

static int add_evidence(struct ew_finding *f, char *line)
{
	char **v;

	if (line == NULL)
		return -1;
	v = realloc(f->evidence, (f->nevidence + 1) * sizeof(*v));
	if (v == NULL) {
		free(line);
		return -1;
	}
	f->evidence = v;
	f->evidence[f->nevidence++] = line;
	return 0;
}

int ew_finding_evidence(struct ew_finding *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = ew_vstrprintf_clean(fmt, ap);
	va_end(ap);
	return add_evidence(f, s);
}

int ew_finding_set_help(struct ew_finding *f, const char *topic)
{
	char *s = ew_text_cleanz(topic);

	if (s == NULL)
		return -1;
	free(f->help);
	f->help = s;
	return 0;
}

int ew_finding_set_cause(struct ew_finding *f, const char *cause)
{
	char *s = ew_text_cleanz(cause);

	if (s == NULL)
		return -1;
	free(f->cause);
	f->cause = s;
	return 0;
}

json_t *ew_finding_to_json(const struct ew_finding *f)
{
	json_t *o, *ev;
	size_t i;

	ev = json_array();
	for (i = 0; ev && i < f->nevidence; i++)
		json_array_append_new(ev, json_string(f->evidence[i]));
	o = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:s?, s:s}",
		      "check", f->check,
		      "severity", ew_severity_name(f->severity),
		      "title", f->title,
		      "detail", f->detail,
		      "evidence", ev ? ev : json_array(),
		      "remedy", f->remedy,
		      "help", f->help);
	if (o && f->cause)
		json_object_set_new(o, "cause", json_string(f->cause));
	return o;
}

static const char *jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int copy_opt(char **dst, const char *src)
{
	if (src == NULL)
		return 0;
	*dst = ew_text_cleanz(src);
	return *dst ? 0 : -1;
}

struct ew_finding *ew_finding_from_json(const json_t *obj, char *err, size_t errlen)
{
	struct ew_finding *f = NULL;
	enum ew_severity sev;
	const char *check, *title;
	json_t *ev, *line;
	size_t i;

	check = jstr(obj, "check");
	title = jstr(obj, "title");
	if (!json_is_object(obj) || check == NULL || title == NULL) {
		snprintf(err, errlen, "finding without check or title");
		return NULL;
	}
	if (ew_severity_parse(jstr(obj, "severity"), &sev) != 0) {
		char *shown = ew_text_cleanz(check);

		snprintf(err, errlen, "finding %s: unknown severity", shown ? shown : "?");
		free(shown);
		return NULL;
	}
	f = ew_finding_new(check, sev, "%s", title);
	if (f == NULL)
		goto oom;
	if (copy_opt(&f->detail, jstr(obj, "detail")) != 0 ||
	    copy_opt(&f->remedy, jstr(obj, "remedy")) != 0)
		goto oom;
	if (jstr(obj, "help") && ew_finding_set_help(f, jstr(obj, "help")) != 0)
		goto oom;
	if (copy_opt(&f->cause, jstr(obj, "cause")) != 0)
		goto oom;
	ev = json_object_get(obj, "evidence");
	json_array_foreach(ev, i, line) {
		if (json_is_string(line) &&
		    add_evidence(f, ew_text_cleanz(json_string_value(line))) != 0)
			goto oom;
	}
	return f;
oom:
	ew_finding_free(&f);
	snprintf(err, errlen, "out of memory");
	return NULL;
}
