/*
 * sweeprules.h - the pure parts of the domain-wide sweep (`exwizard sweep`):
 * which causes a sweep can decide from the directory alone; the group graph
 * (every group once, with the groups it is a member of), from which each
 * user's token is worked out as the DC would (security groups followed
 * transitively from memberOf and the primary group) instead of one
 * tokenGroups read per user; the forest's SPNs, to find those two accounts
 * hold and the Exchange servers' SPNs no account holds; and the problems
 * found, one line per account, with their counts (the report made of them
 * is sweepreport.h's). No directory, no network.
 */
#ifndef EW_SWEEPRULES_H
#define EW_SWEEPRULES_H

#include <jansson.h>
#include <stddef.h>

#include "groupsrules.h"
#include "sid.h"

/* The causes of DIAGNOSIS.md a sweep decides, in the order of its report. */
extern const char *const ew_sweep_causes[];
extern const size_t ew_sweep_ncauses;
/* Whether id is one of them (exact case). */
int ew_sweep_cause_known(const char *id);

/* ---- the group graph ---- */

struct ew_sweep_graph;

struct ew_sweep_graph *ew_sweep_graph_new(void);
void ew_sweep_graph_free(struct ew_sweep_graph **g);
/*
 * One group: its DN, SID, groupType and the DNs of the groups it is a
 * member of (its memberOf; complete 0: cut short, there are more). 0, or -1
 * when out of memory. A DN added twice keeps the first.
 */
int ew_sweep_graph_add(struct ew_sweep_graph *g, const char *dn, const struct ew_sid *sid,
		       unsigned group_type, const char *const *member_of, size_t n,
		       int complete);
/*
 * Link the groups (after the last add): 0, or -1 when out of memory. A
 * parent DN that is no group of the graph (one the reader may not read, or
 * of another domain), and the rest of a memberOf cut short, are groups not
 * looked up in the tokens that reach them, each counted once.
 */
int ew_sweep_graph_link(struct ew_sweep_graph *g);
/* The groups added (not the phantoms). */
size_t ew_sweep_graph_size(const struct ew_sweep_graph *g);

/*
 * A user's token from the graph: the security groups reached from the
 * groups of member_of (the user's memberOf DNs) and from the primary group
 * (primary: its SID; NULL when not known), following only security groups
 * (a distribution group is counted, not followed), each group once
 * whatever the cycles. A memberOf DN that is no group of the graph (one the
 * reader may not read, or of another domain) is counted as not looked up.
 * domain: the user's domain SID. Fills out as ew_token_count() does; the
 * number of groups that entered the token in *ngroups (may be NULL).
 * Not for two threads at once on one graph (it marks the groups it visits).
 */
void ew_sweep_graph_token(struct ew_sweep_graph *g, const char *const *member_of, size_t n,
			  const struct ew_sid *primary, const struct ew_sid *domain,
			  unsigned sid_history, struct ew_token_counts *out);

/* ---- the forest's SPNs ---- */

struct ew_sweep_spns;

struct ew_sweep_spns *ew_sweep_spns_new(void);
void ew_sweep_spns_free(struct ew_sweep_spns **s);
/* One account's SPNs (account: its sAMAccountName; dn: its DN). 0, or -1 when
 * out of memory. */
int ew_sweep_spns_add(struct ew_sweep_spns *s, const char *account, const char *dn,
		      const char *const *spns, size_t n);
size_t ew_sweep_spns_count(const struct ew_sweep_spns *s);
/*
 * The accounts that hold spn (case-insensitive): their number; the first
 * max of them into accounts and dns (borrowed; may be NULL when max is 0).
 */
size_t ew_sweep_spns_holders(const struct ew_sweep_spns *s, const char *spn,
			     const char **accounts, const char **dns, size_t max);
/*
 * Each SPN two or more accounts hold, in the order first seen: fn(arg, spn,
 * accounts, dns, n) once per SPN (at most 16 holders passed).
 */
void ew_sweep_spns_duplicates(const struct ew_sweep_spns *s,
			      void (*fn)(void *arg, const char *spn, const char *const *accounts,
					 const char *const *dns, size_t n),
			      void *arg);

/* ---- the problems found ---- */

/*
 * One problem line: {"account", "dn", "cause", "title", "evidence": [...]},
 * every string cleaned for a terminal. evidence may be NULL.
 */
json_t *ew_sweep_problem(const char *account, const char *dn, const char *cause,
			 const char *title, const char *const *evidence, size_t nevidence);
/* {cause: n} of a problems array, for the causes that have any. */
json_t *ew_sweep_counts(const json_t *problems);

#endif
