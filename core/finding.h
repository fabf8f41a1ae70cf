/*
 * finding.h - the verdict of a check: check id, severity, title, detail,
 * evidence lines, remedy and help topic.
 *
 * A check that finds a problem returns a finding; a check that could not run
 * returns a skip finding that says why. Every string a finding holds is clean
 * (see text.h): setters clean what they are given.
 */
#ifndef EW_FINDING_H
#define EW_FINDING_H

#include <jansson.h>
#include <stddef.h>

enum ew_severity {
	EW_PASS,
	EW_INFO,
	EW_WARN,
	EW_FAIL,
	EW_SKIP,
};
#define EW_NSEVERITY 5

struct ew_finding {
	char *check;	/* id from the check catalogue, e.g. "DNS-SRV" */
	enum ew_severity severity;
	char *title;	/* one line */
	char *detail;	/* may be NULL */
	char **evidence;
	size_t nevidence;
	char *remedy;	/* may be NULL */
	char *help;	/* help topic; defaults to the check id */
	/*
	 * The cause of the diagnosis (causes.h) this finding is evidence of,
	 * set by the rule that made it when it knows (a warn or fail finding
	 * that proves a cause); NULL: none. "cause" in its JSON when set.
	 */
	char *cause;
};

const char *ew_severity_name(enum ew_severity sev);	/* "pass", ... */
const char *ew_severity_tag(enum ew_severity sev);	/* "PASS", ... */
/* 0 and *out set, or -1 for an unknown name. */
int ew_severity_parse(const char *name, enum ew_severity *out);

struct ew_finding *ew_finding_new(const char *check, enum ew_severity sev,
				  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ew_finding_free(struct ew_finding **f);
/* A copy the caller owns; NULL when f is NULL or out of memory. */
struct ew_finding *ew_finding_dup(const struct ew_finding *f);

int ew_finding_detail(struct ew_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ew_finding_remedy(struct ew_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ew_finding_evidence(struct ew_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ew_finding_set_help(struct ew_finding *f, const char *topic);
int ew_finding_set_cause(struct ew_finding *f, const char *cause);

json_t *ew_finding_to_json(const struct ew_finding *f);
/* NULL with a message in err when obj is not a finding. */
struct ew_finding *ew_finding_from_json(const json_t *obj, char *err, size_t errlen);

#endif
