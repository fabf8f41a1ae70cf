/*
 * catalogue.h - the check catalogue: every check id a step can report, the
 * step it belongs to, a one-line title of what it checks and its help topic.
 *
 * Steps name their checks by the EW_CK_* constants below, never by a literal,
 * so that a check id cannot exist outside the catalogue (tests/unit/
 * test_catalogue.c reads the core sources to hold that). `exwizard help` lists the
 * checks from ew_checks[].
 *
 * One id is not in the table: when a step is cancelled or cannot run before
 * it has any finding, ew_step_execute() reports a skip under the step's own
 * id ("dns", ...), whose help topic is the step's guide (ew_step.help).
 */
#ifndef EW_CATALOGUE_H
#define EW_CATALOGUE_H

#include <stddef.h>

#define EW_CK_CLIENT_DNS	"CLIENT-DNS"
#define EW_CK_CLIENT_EVENT	"CLIENT-EVENT"
#define EW_CK_CLIENT_READ	"CLIENT-READ"
#define EW_CK_CLIENT_RESOLVERS	"CLIENT-RESOLVERS"
#define EW_CK_CLIENT_TICKETS	"CLIENT-TICKETS"
#define EW_CK_CLIENT_TOKEN	"CLIENT-TOKEN"
#define EW_CK_DNS_AUTODISCOVER	"DNS-AUTODISCOVER"
#define EW_CK_DNS_CACHE		"DNS-CACHE"
#define EW_CK_DNS_NAMESPACE	"DNS-NAMESPACE"
#define EW_CK_DNS_REALM		"DNS-REALM"
#define EW_CK_DNS_SERVERS	"DNS-SERVERS"
#define EW_CK_DNS_SRV		"DNS-SRV"
#define EW_CK_DNS_TARGETS	"DNS-TARGETS"
#define EW_CK_DNS_TC		"DNS-TC"
#define EW_CK_EXCH_SCP		"EXCH-SCP"
#define EW_CK_KRB_CACHE		"KRB-CACHE"
#define EW_CK_KRB_CONF		"KRB-CONF"
#define EW_CK_KRB_ETYPES	"KRB-ETYPES"
#define EW_CK_KRB_KDC		"KRB-KDC"
#define EW_CK_KRB_SKEW		"KRB-SKEW"
#define EW_CK_KRB_SVC		"KRB-SVC"
#define EW_CK_KRB_TRANSPORT	"KRB-TRANSPORT"
#define EW_CK_MBX_ATTRS		"MBX-ATTRS"
#define EW_CK_MBX_CONSISTENT	"MBX-CONSISTENT"
#define EW_CK_MBX_MOVER		"MBX-MOVER"
#define EW_CK_MBX_PROTECTED	"MBX-PROTECTED"
#define EW_CK_SPN_ASA		"SPN-ASA"
#define EW_CK_SPN_UNIQUE	"SPN-UNIQUE"
#define EW_CK_SWEEP_DOMAIN	"SWEEP-DOMAIN"
#define EW_CK_TARGET_DC		"TARGET-DC"
#define EW_CK_TOK_CLIENT	"TOK-CLIENT"
#define EW_CK_TARGET_DOMAIN	"TARGET-DOMAIN"
#define EW_CK_TARGET_EXCHANGE	"TARGET-EXCHANGE"
#define EW_CK_TARGET_REALM	"TARGET-REALM"
#define EW_CK_TARGET_USER	"TARGET-USER"
#define EW_CK_TOK_COUNT		"TOK-COUNT"
#define EW_CK_TOK_LSA		"TOK-LSA"
#define EW_CK_TOK_MEASURED	"TOK-MEASURED"
#define EW_CK_TOK_RANGE		"TOK-RANGE"
#define EW_CK_TOK_SIZE		"TOK-SIZE"

struct ew_check {
	const char *id;		/* EW_CK_*, e.g. "DNS-SRV" */
	const char *step;	/* id of the step that reports it (ew_steps) */
	const char *title;	/* one line: what it checks */
	const char *help;	/* help topic (help/<topic>.txt) */
};

/* In the order `exwizard help` lists them. */
extern const struct ew_check ew_checks[];
extern const size_t ew_nchecks;

/* The check of that id (exact case), or NULL. */
const struct ew_check *ew_check_find(const char *id);

#endif
