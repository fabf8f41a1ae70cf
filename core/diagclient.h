/*
 * diagclient.h - what the user's Windows client showed, for the diagnosis
 * (diagclient.c): the client step's data, the SPN an event names, and the
 * links of the client's evidence to the causes the domain's findings prove.
 * Pure. It knows the causes by id, not the diagnosis being made: the
 * diagnosis adds the links as evidence.
 */
#ifndef EW_DIAGCLIENT_H
#define EW_DIAGCLIENT_H

#include <jansson.h>
#include <stddef.h>

#include "causes.h"
#include "result.h"

/* The client step's data under key ("symptoms", "missing", "dns_servers"), or NULL. */
const json_t *ew_diag_client_data(const struct ew_step_result *const *steps, size_t n,
				  const char *key);
/* The SPN the client's event of symptom id names, or NULL. */
const char *ew_diag_client_symptom_spn(const struct ew_step_result *const *steps, size_t n,
				       const char *id);

/* A piece of the client's evidence for a cause found. */
struct ew_diag_link {
	const struct ew_cause *cause;
	const char *check;	/* EW_CK_CLIENT_TICKETS, EW_CK_CLIENT_RESOLVERS */
	char title[512];
};

/*
 * The client's evidence for the causes found (found[k]: ew_causes[k] was):
 * a DNS server it asks that DNS-SERVERS blames, for dns-resolver-split; its
 * missing ticket for an SPN an event names, for the KRB-SVC cause of that
 * SPN, or, when this host got the ticket, for a DNS cause the client's own
 * output proves. Alone it proves no cause. At most max into out; how many.
 */
size_t ew_diag_client_links(const struct ew_step_result *const *steps, size_t n,
			    const unsigned char *found, struct ew_diag_link *out, size_t max);

#endif
