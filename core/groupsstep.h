/*
 * groupsstep.h - the groups step: which groups really enter the user's
 * token (tokenGroups, read with base scope; the SIDs resolved in batches,
 * all in flight at once), counted by scope; the token size estimated both
 * ways KB327825 gives, set beside the measured ticket sizes and the UDP
 * limit; the SIDs in the access token (KB328889); the direct groups read
 * with ranged retrieval; and the nesting path by which each group is
 * reached. Checks TOK-COUNT, TOK-SIZE, TOK-LSA, TOK-MEASURED, TOK-RANGE.
 */
#ifndef EW_GROUPSSTEP_H
#define EW_GROUPSSTEP_H

struct ew_run;
struct ew_step_result;

int ew_groups_step(struct ew_run *run, struct ew_step_result *res);

#endif
