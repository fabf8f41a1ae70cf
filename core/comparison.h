/*
 * comparison.h - two identities' step results side by side ("it works when
 * the administrator logs on"): for the tickets, groups and mailbox steps, one
 * row per aspect (a session ticket per Exchange SPN, ticket sizes and
 * transport, token counts and estimates, the SID limit, mailbox attributes
 * and consistency, the descriptor's grant, protected-account state, the mover
 * and its verdict, the groups one has and the other lacks) with both values,
 * whether they differ, and the cause the user's side proves and the other's
 * looked for and did not find. A side whose step did not gather its data
 * says "not checked": such a row is not compared (never a difference, never
 * a cause) and is listed apart, with why. Pure: step results, the step
 * data, the causes and jansson.
 */
#ifndef EW_COMPARISON_H
#define EW_COMPARISON_H

#include <jansson.h>
#include <stddef.h>

#include "result.h"

/* What a side says when its step gathered nothing for the aspect. */
#define EW_COMPARISON_NOT_CHECKED "not checked"

struct ew_comparison_row {
	char *aspect;		/* "homeMDB", "session ticket for HTTP/exch1...", ... */
	char *user, *other;	/* the values, cleaned; never NULL */
	int compared;		/* both sides were checked */
	int differs;		/* compared, and the values differ */
	/* A cause id (causes.h, static) the user's side proves and the other's
	 * does not, when the row differs and both sides were checked; else NULL. */
	const char *explains;
};

struct ew_comparison {
	char *user, *other;	/* the two identities' names, cleaned */
	struct ew_comparison_row *rows;	/* every aspect, in a fixed order */
	size_t nrows;
	/* Cause ids (static) proved by the user's findings of the compared
	 * steps and by none of the other's, where the other's step ran: in the
	 * order the user's findings name them. */
	const char **user_only;
	size_t nuser_only;
};

/*
 * Compare user's step results u[0..nu) with other's o[0..no) (either may
 * lack a step; NULL entries are skipped). NULL only when out of memory.
 */
struct ew_comparison *ew_compare(const char *user, const struct ew_step_result *const *u,
				 size_t nu, const char *other,
				 const struct ew_step_result *const *o, size_t no);
void ew_comparison_free(struct ew_comparison **c);

/* The number of rows that differ, and of those not compared. */
size_t ew_comparison_ndifferences(const struct ew_comparison *c);
size_t ew_comparison_nnot_compared(const struct ew_comparison *c);

/*
 * {"user", "other", "differences": [{"aspect", "user", "other", "explains"}],
 * "not_compared": [{"aspect", "user", "other"}]}: the rows that differ
 * ("explains" null when none), and those a side could not check (its value
 * says why). NULL when out of memory.
 */
json_t *ew_comparison_to_json(const struct ew_comparison *c);

/*
 * "Compared with OTHER:" and the rows that differ, the cause a row explains
 * under it; "no difference" when none. As aspect | user | other columns
 * when every value fits whole in width (at least 40), else each row on
 * lines of its own (the aspect, then "user: value" and "other: value",
 * wrapped): nothing is cut. The caller frees.
 */
char *ew_comparison_to_text(const struct ew_comparison *c, int width);

/* The causes of the user and not of the other identity (user_only): *ids
 * points into c (do not free), *n their number. 0, or -1 when c is NULL. */
int ew_comparison_user_only_causes(const struct ew_comparison *c, const char *const **ids,
				   size_t *n);

#endif
