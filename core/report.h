/*
 * report.h - the report of a session: target, steps with their findings and
 * data, summary and diagnosis (diagnosis.h); as JSON (DESIGN.md's schema), as
 * ticket-ready text and as the few lines of its diagnosis for a ticket; and
 * the exit status of `exwizard check`.
 */
#ifndef EW_REPORT_H
#define EW_REPORT_H

#include <jansson.h>
#include <stddef.h>

#include "finding.h"

struct ew_diagnosis;
struct ew_step_result;

struct ew_report {
	char *version;
	char *started;		/* ISO 8601 */
	char *host;
	json_t *target;		/* object, owned */
	struct ew_step_result **steps;
	size_t nsteps;
	/* The steps of the identity put beside the user (target "compare"):
	 * never counted in the summary or the exit status, never diagnosed as
	 * the user's; they make the comparison. */
	struct ew_step_result **compared;
	size_t ncompared;
	char *transcript;	/* path, or NULL */
	char **notes;		/* remarks about the report itself */
	size_t nnotes;
};

/* Exit status of `exwizard check`. */
enum {
	EW_EXIT_OK = 0,		/* nothing above info */
	EW_EXIT_WARN = 1,
	EW_EXIT_FAIL = 2,
	EW_EXIT_USAGE = 3,	/* usage or configuration error */
	EW_EXIT_NOTHING = 4,	/* nothing could run */
};

struct ew_report *ew_report_new(const char *version, const char *host);
void ew_report_free(struct ew_report **r);
/* Takes ownership of step (also on failure); a compared one goes among the
 * compared steps. */
int ew_report_add_step(struct ew_report *r, struct ew_step_result *step);
int ew_report_add_note(struct ew_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* counts[sev] = number of findings of each severity, stale results left out. */
void ew_report_summary(const struct ew_report *r, unsigned counts[EW_NSEVERITY]);
/* How many results were run for an earlier target (not counted above). */
unsigned ew_report_stale_steps(const struct ew_report *r);
/* How many steps were cancelled (stopped by the user or a signal). */
unsigned ew_report_cancelled_steps(const struct ew_report *r);
/* A step whose result has setup set diagnoses nothing: when every other step
 * only skipped, nothing could run. */
int ew_report_exit_code(const struct ew_report *r);

/*
 * A result computed for an earlier target than the report's: its data gets
 * "stale" (what it was run for), the text report and the wizard mark it, and
 * running it again replaces it. earlier is that target's JSON (may be NULL).
 */
void ew_step_result_mark_stale(struct ew_step_result *s, const json_t *earlier);
/* "user bob, realm EXWIZ.TEST, Exchange exch1.exwiz.test": who and what a
 * target JSON names, for a person (caller frees). */
char *ew_target_json_brief(const json_t *target);

/* "As bob@EXWIZ.TEST (GSSAPI), asked dc1.exwiz.test": whose credentials a step
 * used and which server it asked (caller frees); NULL when it does not say. */
char *ew_step_credentials_text(const struct ew_step_result *s);

/*
 * The diagnosis of the report's steps (stale ones left out) for its target
 * and the symptoms its target lists ("symptoms"); NULL only when out of
 * memory. The JSON report, the text report and the brief are built on it.
 */
struct ew_diagnosis *ew_report_diagnose(const struct ew_report *r);

struct ew_comparison;
/* The same with the comparison c of r already made (NULL: none). */
struct ew_diagnosis *ew_report_diagnose_with(const struct ew_report *r,
					     const struct ew_comparison *c);
/* The user beside the compared identity (comparison.h), from the steps of
 * both; NULL when the target compares nothing (or out of memory). */
struct ew_comparison *ew_report_comparison(const struct ew_report *r);
/* The name of the compared identity (the target's compare user), or NULL. */
const char *ew_report_compared_user(const struct ew_report *r);

json_t *ew_report_to_json(const struct ew_report *r);
/* The results' setup flags stay 0: the JSON does not carry them. */
struct ew_report *ew_report_from_json(const json_t *obj, char *err, size_t errlen);
/* Text for a terminal or a ticket: every string escaped, lines wrapped at width;
 * the diagnosis first, the comparison (with --compare), then the steps. */
char *ew_report_to_text(const struct ew_report *r, int width);
/*
 * The verdict and the ranked causes (rank, severity, title, cause id, the
 * check ids of the evidence), then who was checked: plain text for a ticket,
 * no line longer than width columns (long words are cut), the verdict on
 * the first line.
 */
char *ew_report_brief(const struct ew_report *r, int width);

#endif
