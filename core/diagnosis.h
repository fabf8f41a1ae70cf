/*
 * diagnosis.h - the answer to "why does Outlook fall back to NTLM for this
 * user, and what do I do?" (DIAGNOSIS.md): from the step results of a
 * report, the causes (causes.h) that warn or fail findings prove, ranked,
 * each with its evidence, the symptoms it explains, the causes it is a
 * consequence of ("because"), the fix to paste with the names found, and
 * how to confirm the fix worked; the causes whose checks passed (ruled out)
 * and those whose checks could not look (not checked); a verdict for the
 * ticket. Pure: findings, results, step data, text and jansson only; it
 * takes the steps and the target, not the report, so that the report can
 * carry it.
 *
 * A finding proves a cause when its severity is warn or fail and its cause
 * field names it (the rule that made the finding knows); every cause is
 * reported once, with all the findings that prove it (both forms of an SPN,
 * KRB-SVC and SPN-UNIQUE for one name).
 */
#ifndef EW_DIAGNOSIS_H
#define EW_DIAGNOSIS_H

#include <jansson.h>
#include <stddef.h>

#include "causes.h"
#include "finding.h"
#include "result.h"

struct ew_diag_evidence {
	char *step, *check, *title;
	enum ew_severity severity;
};

struct ew_diag_cause {
	const struct ew_cause *def;	/* id, scope, ... (never NULL) */
	int rank;			/* 1: the first to look at */
	enum ew_severity severity;	/* the worst of its evidence: warn or fail */
	char *title;			/* with the names found */
	char **because;			/* ids of the causes found that explain it */
	size_t nbecause;
	char **explains;		/* ids of the given symptoms it explains */
	size_t nexplains;
	struct ew_diag_evidence *evidence;
	size_t nevidence;
	char **fix_windows;		/* commands to paste, names filled in */
	size_t nfix_windows;
	char **fix_linux;
	size_t nfix_linux;
	char *confirm;			/* how to know the fix worked */
	/* The user has it and the compared identity (ew_diagnosis.compared_with)
	 * does not: ranked first. */
	int user_only;
};

/* A cause ruled out (its checks ran and passed) or not checked (they could
 * not look, or did not run): id and why. */
struct ew_diag_ruling {
	char *id, *why;
};

struct ew_diagnosis {
	char **symptoms;		/* as given (ids), may be none */
	size_t nsymptoms;
	char *verdict;			/* one sentence for the ticket */
	struct ew_diag_cause *causes;	/* in rank order */
	size_t ncauses;
	struct ew_diag_ruling *ruled_out;
	size_t nruled_out;
	struct ew_diag_ruling *not_checked;
	size_t nnot_checked;
	/* The identity put beside the user (--compare), or NULL. */
	char *compared_with;
};

/*
 * The diagnosis of n step results (a report's steps, in any order; stale
 * ones are left out) for target (the report's target JSON: user, realm,
 * Exchange servers, mover; may be NULL) and the symptoms given (ids from
 * causes.h; unknown ids are kept but explain nothing). NULL only when out
 * of memory.
 */
struct ew_diagnosis *ew_diagnose(const struct ew_step_result *const *steps, size_t n,
				 const json_t *target, const char *const *symptoms,
				 size_t nsymptoms);
/*
 * The same with an identity put beside the user (--compare): the causes the
 * user has and other does not (user_only, cause ids; comparison.h) are
 * marked so and ranked before every other cause. other NULL: ew_diagnose.
 */
struct ew_diagnosis *ew_diagnose_compared(const struct ew_step_result *const *steps, size_t n,
					  const json_t *target, const char *const *symptoms,
					  size_t nsymptoms, const char *other,
					  const char *const *user_only, size_t nuser_only);
void ew_diagnosis_free(struct ew_diagnosis **d);

/* The "diagnosis" object of the JSON report and the transcript. */
json_t *ew_diagnosis_to_json(const struct ew_diagnosis *d);
/* Back from that object (show, diff); NULL with a message in err. */
struct ew_diagnosis *ew_diagnosis_from_json(const json_t *j, char *err, size_t errlen);

/* The diagnosis as the text report opens with it, lines of at most width
 * columns; owned by the caller. */
char *ew_diagnosis_to_text(const struct ew_diagnosis *d, int width);

/*
 * The fix for cause c (diagfix.c): its title with the names found, the
 * commands to paste on Windows and on this host, and how to confirm, from
 * the step results and the target. Called by ew_diagnose for each cause.
 */
void ew_diag_fix(struct ew_diag_cause *c, const struct ew_step_result *const *steps,
		 size_t n, const json_t *target);

#endif
