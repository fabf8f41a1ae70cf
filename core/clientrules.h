/*
 * clientrules.h - what the user's Windows client showed, as findings of the
 * client step: what was read of each text (CLIENT-READ), the Kerberos events
 * (CLIENT-EVENT), the client's tickets for the SPNs an event names and for
 * the Exchange servers (CLIENT-TICKETS), negative answers in its DNS cache
 * (CLIENT-DNS), its DNS servers (CLIENT-RESOLVERS) and its token
 * (CLIENT-TOKEN). Pure: the texts read by clientparse.h, the target's names,
 * findings and JSON out.
 *
 * A client text shows one account's view: tickets or groups of another
 * account than the target user are said to be that account's and never
 * read as the user's.
 */
#ifndef EW_CLIENTRULES_H
#define EW_CLIENTRULES_H

#include <jansson.h>
#include <stddef.h>

#include "clientparse.h"
#include "result.h"

/* What the texts are read against. */
struct ew_client_context {
	const char *user;	/* the target user: "alice", "alice@REALM" or "DOM\\alice" */
	const char *realm;	/* "EXWIZ.TEST"; may be NULL */
	const char *domain;	/* "exwiz.test"; may be NULL */
	const char *const *exchange;	/* the target's Exchange servers */
	size_t nexchange;
};

/*
 * The findings of n texts (p[i] read from the text named source[i]) into
 * res, and the step's data into res->data: "texts" [{source, bytes,
 * encoding, kinds, unread, read: (ew_client_to_json)}], "symptoms" [{id,
 * spn, computer, time, code}] (the events, as diagnosis symptoms), "missing"
 * [{spn, title}] (an SPN an event names that the user's klist holds no
 * ticket for), "dns_servers" [...] (the client's, ipconfig /all).
 * Returns 0, or -1 when out of memory (res then holds what was made).
 */
int ew_client_rules(const struct ew_client_paste *const *p, const char *const *source,
		    size_t n, const struct ew_client_context *cx, struct ew_step_result *res);

/*
 * TOK-CLIENT, a check of the groups step: the groups of the user's token on
 * the client (whoami /all or /groups among the target's client texts) beside
 * the groups the directory gives the user now (tokenGroups: groups of the
 * user's domain, user_sid's). A difference is a logon older than the change
 * (stale-logon) when whoami /all shows the user's SID; with whoami /groups,
 * which does not say whose token it is, it is only said. Nothing without a
 * whoami of the user.
 */
struct ew_target;
struct ew_group_data;
void ew_client_rule_token(const struct ew_target *t, const char *user_sid,
			  const struct ew_group_data *groups, size_t ngroups,
			  struct ew_step_result *res);

/* The step: the target's client texts read, then ew_client_rules (run.h). */
struct ew_run;
int ew_client_step(struct ew_run *run, struct ew_step_result *res);

#endif
