/*
 * sweepreport.h - the sweep's report, made from its JSON ({"sweep",
 * "problems", "counts", "not_checked", "largest_tokens"}): the text and the
 * CSV, the things not checked, and the findings of the sweep's step. Pure.
 */
#ifndef EW_SWEEPREPORT_H
#define EW_SWEEPREPORT_H

#include <jansson.h>
#include <stddef.h>

/*
 * The text report of a sweep's JSON ({"sweep": {...}, "problems": [...],
 * "counts": {...}, ...}): what was covered, the problems grouped by cause,
 * the largest group first, each with its fix in a line, what could not be
 * read and for how many users, the largest tokens. A new string.
 */
char *ew_sweep_text(const json_t *report);
/*
 * The problems as CSV (RFC 4180: account,dn,cause,title,evidence; evidence
 * joined with "; "; fields quoted when they hold a comma, a quote or a line
 * break). A new string.
 */
char *ew_sweep_csv(const json_t *report);

/*
 * One thing not checked, appended to arr: what could not be read, for how
 * many users (unit "users"; or "objects", "sources": how many of it), the
 * causes not judged for them, and the text. Nothing when n is not above 0.
 */
void ew_sweep_not_checked(json_t *arr, const char *what, const char *unit, long n,
			  const char *const *causes, size_t ncauses, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

struct ew_step_result;
/*
 * The sweep's findings into res: one SWEEP-DOMAIN finding per cause found
 * (how many accounts, each named as evidence; the cause id in the title
 * only: the accounts are not the user under diagnosis), a skip per thing
 * not checked (nc), a skip when partial (sw: the report's "sweep").
 */
void ew_sweep_findings(struct ew_step_result *res, const json_t *problems, const json_t *nc,
		       const json_t *sw);

#endif
