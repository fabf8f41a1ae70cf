#include "step.h"

#include <string.h>

#include "clientrules.h"
#include "dnsstep.h"
#include "groupsstep.h"
#include "mailboxstep.h"
#include "targetstep.h"
#include "ticketsstep.h"

const struct ew_step ew_steps[] = {
	{ "target", "Target and defaults", "target",
	  "Who and what is diagnosed: realm, domain, user, Exchange servers.",
	  ew_target_step, EW_STEP_SETUP | EW_STEP_FIRST, EW_DATA_JSON },
	{ "client", "What the Windows client sees", "client",
	  "The client's klist, DNS cache, DNS servers, token and Kerberos events, as pasted.",
	  ew_client_step, EW_STEP_CLIENT, EW_DATA_JSON },
	{ "dns", "DNS: flush and inspect", "dns",
	  "The SRV records Kerberos needs, every resolver, caches, disjoint names.",
	  ew_dns_step, EW_STEP_ALONE_WHEN_FLUSHING, EW_DATA_DNS },
	{ "tickets", "Kerberos tickets", "tickets",
	  "KerbTray and klist: the user's tickets, the Exchange session tickets, KDCs, skew.",
	  ew_tickets_step, EW_STEP_DIRECTORY | EW_STEP_IDENTITY | EW_STEP_CACHE,
	  EW_DATA_TICKETS },
	{ "groups", "Group membership and token size", "groups",
	  "The groups in the user's token, the token size estimate, ticket sizes.",
	  ew_groups_step, EW_STEP_DIRECTORY | EW_STEP_IDENTITY, EW_DATA_GROUPS },
	{ "mailbox", "Mailbox move and permissions", "mailbox",
	  "A half-moved mailbox, and whether the mover had the rights to move it.",
	  ew_mailbox_step, EW_STEP_DIRECTORY | EW_STEP_IDENTITY, EW_DATA_MAILBOX },
};
const size_t ew_nsteps = sizeof(ew_steps) / sizeof(ew_steps[0]);

const struct ew_step *ew_step_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < ew_nsteps; i++)
		if (strcmp(ew_steps[i].id, id) == 0)
			return &ew_steps[i];
	return NULL;
}

const struct ew_step *ew_step_with(unsigned flag)
{
	size_t i;

	for (i = 0; i < ew_nsteps; i++)
		if (ew_steps[i].flags & flag)
			return &ew_steps[i];
	return NULL;
}

void ew_step_result_from_table(struct ew_step_result *r)
{
	const struct ew_step *s = r ? ew_step_find(r->id) : NULL;

	if (s == NULL)
		return;
	r->setup = (s->flags & EW_STEP_SETUP) != 0;
	r->kind = s->data;
}
