/*
 * diagdiff.h - two diagnoses of the same target compared (`exwizard diff
 * OLD NEW`): the causes fixed (in the old one, not in the new), those that
 * remain and those that are new, and the checks whose severity changed
 * between the two reports' steps. Whether two targets are the same (realm,
 * user, Exchange servers). Pure: diagnoses, step results and jansson.
 */
#ifndef EW_DIAGDIFF_H
#define EW_DIAGDIFF_H

#include <jansson.h>
#include <stddef.h>

#include "diagnosis.h"
#include "finding.h"
#include "result.h"

/* A check whose severity changed: the worst of its findings in each report
 * (a check that only skipped counts as skip; absent: before or after is
 * -1). */
struct ew_diagdiff_change {
	char *check;
	int before, after;	/* enum ew_severity, or -1: not in that report */
	char *title;		/* of its worst finding, the newer report's when it has one */
};

struct ew_diagdiff {
	/* Pointers into the diagnoses compared (they must outlive this). */
	const struct ew_diag_cause **fixed;	/* old's, in its rank order */
	size_t nfixed;
	const struct ew_diag_cause **remaining;	/* new's, in its rank order */
	size_t nremaining;
	const struct ew_diag_cause **added;	/* new's, in its rank order */
	size_t nadded;
	struct ew_diagdiff_change *changes;	/* in the order of the old steps, then the new */
	size_t nchanges;
};

/*
 * Compare old and new (each with the step results it was made from; stale
 * results are left out of the findings compared). NULL only when out of
 * memory.
 */
struct ew_diagdiff *ew_diagdiff(const struct ew_diagnosis *old,
				const struct ew_step_result *const *old_steps, size_t nold,
				const struct ew_diagnosis *new_,
				const struct ew_step_result *const *new_steps, size_t nnew);
void ew_diagdiff_free(struct ew_diagdiff **dd);

/*
 * Whether two report targets (their JSON) name the same target: realm (case
 * does not matter), user (account names, without case) and Exchange servers
 * (as a set, without case or a final dot). 1, or 0 with what differs in why
 * ("realm EXWIZ.TEST against OTHER.TEST").
 */
int ew_diagdiff_same_target(const json_t *old, const json_t *new_, char *why, size_t len);

/* 0 when no cause remains in the new diagnosis (none remained, none is new), else 1. */
int ew_diagdiff_exit_code(const struct ew_diagdiff *dd);
/* A change's severity by name: "fail", ..., or "absent" for -1. */
const char *ew_diagdiff_severity_name(int sev);

/* The comparison as text, lines of at most width columns; the caller frees. */
char *ew_diagdiff_to_text(const struct ew_diagdiff *dd, int width);

#endif
