#include "causes.h"

#include <string.h>

#include "catalogue.h"

const struct ew_symptom ew_symptoms[] = {
	{ EW_SYM_40960, "event 40960 on the client: \"attempted downgrade attack\" for an "
	  "Exchange SPN (exchangeRFR/, exchangeMDB/, HTTP/)" },
	{ EW_SYM_40961, "event 40961 on the client: \"could not establish a secured "
	  "connection with the server\"" },
	{ EW_SYM_UNAVAILABLE, "Outlook: \"Your Microsoft Exchange Server is unavailable\", "
	  "slow to open; it works with NTLM authentication" },
	{ EW_SYM_PROMPTS, "Outlook asks for the password again and again (Outlook "
	  "Anywhere, MAPI over HTTP)" },
	{ EW_SYM_ADMIN_WORKS, "it works when an administrator logs on, not for this user" },
	{ EW_SYM_EXPROX_1000, "EXPROX event 1000 on an Exchange 2003 front end (KB909094)" },
	{ EW_SYM_HTTP_400, "\"Bad Request - Request Header Too Long\" (HTTP 400) from OWA, "
	  "EWS or MAPI over HTTP" },
	{ EW_SYM_KDC_11, "KDC event 11 on a domain controller: duplicate names" },
};
const size_t ew_nsymptoms = sizeof(ew_symptoms) / sizeof(ew_symptoms[0]);

/* What each symptom points at (DIAGNOSIS.md), spelled out per cause below. */
#define K40960 EW_SYM_40960
#define K40961 EW_SYM_40961
#define KUNAV EW_SYM_UNAVAILABLE

const struct ew_cause ew_causes[] = {
	{ EW_CAUSE_NO_TGT, "No valid Kerberos ticket-granting ticket", "this host's "
	  "credential cache", { EW_CK_KRB_CACHE }, { KUNAV, K40961 }, { NULL }, 1, 0 },
	{ EW_CAUSE_DNS_SRV_MISSING, "SRV records that DC location and Kerberos need are "
	  "missing", "the domain", { EW_CK_DNS_SRV }, { K40961, KUNAV, K40960 }, { NULL }, 1, 0 },
	{ EW_CAUSE_DNS_RESOLVER_SPLIT, "A DNS server the clients use does not serve the AD "
	  "zone", "the clients of that DNS server", { EW_CK_DNS_SERVERS }, { K40961, KUNAV },
	  { NULL }, 1, 0 },
	{ EW_CAUSE_DNS_CACHE_STALE, "A DNS cache holds an old or negative answer", "this "
	  "host", { EW_CK_DNS_CACHE }, { K40961, KUNAV }, { NULL }, 0, 0 },
	{ EW_CAUSE_NAME_CANON, "The client asks for the SPN of another name than the one "
	  "registered (CNAME or PTR name)", "the server", { EW_CK_DNS_TARGETS, EW_CK_KRB_SVC },
	  { K40960, KUNAV, EW_SYM_PROMPTS }, { NULL }, 1, 0 },
	{ EW_CAUSE_REALM_HINT, "Disjoint namespace: the server's DNS suffix is no AD "
	  "domain, so the realm hint is wrong", "the server", { EW_CK_DNS_REALM },
	  { EW_SYM_EXPROX_1000, K40960, KUNAV }, { NULL }, 1, 0 },
	{ EW_CAUSE_KDC_UNREACHABLE, "No KDC answers on port 88", "this host or its network",
	  { EW_CK_KRB_KDC }, { K40961, KUNAV, K40960 },
	  { EW_CAUSE_DNS_SRV_MISSING, EW_CAUSE_DNS_RESOLVER_SPLIT, EW_CAUSE_DNS_CACHE_STALE },
	  1, 0 },
	{ EW_CAUSE_KDC_TCP_BLOCKED, "Tickets exceed the UDP limit and Kerberos over TCP is "
	  "blocked", "users with many groups", { EW_CK_KRB_KDC, EW_CK_KRB_TRANSPORT,
	  EW_CK_TOK_MEASURED }, { KUNAV, K40961, EW_SYM_ADMIN_WORKS }, { NULL }, 1, 0 },
	{ EW_CAUSE_CLOCK_SKEW, "The clock is off by more than Kerberos allows", "this host",
	  { EW_CK_KRB_SKEW }, { K40960, KUNAV }, { NULL }, 1, 0 },
	{ EW_CAUSE_SPN_MISSING, "No account holds the Exchange SPN: no session ticket",
	  "the server", { EW_CK_KRB_SVC, EW_CK_SPN_UNIQUE }, { K40960, KUNAV, EW_SYM_PROMPTS },
	  { EW_CAUSE_NAME_CANON, EW_CAUSE_REALM_HINT }, 1, 0 },
	{ EW_CAUSE_SPN_DUPLICATE, "Two accounts hold the Exchange SPN", "the server",
	  { EW_CK_KRB_SVC, EW_CK_SPN_UNIQUE }, { K40960, KUNAV, EW_SYM_PROMPTS, EW_SYM_KDC_11 },
	  { NULL }, 1, 0 },
	{ EW_CAUSE_SPN_WRONG_ACCOUNT, "A shared name has its HTTP/ SPN on one server "
	  "instead of the alternate service account", "the load-balanced namespace",
	  { EW_CK_SPN_UNIQUE, EW_CK_SPN_ASA }, { EW_SYM_PROMPTS, KUNAV }, { NULL }, 0, 0 },
	{ EW_CAUSE_ENCTYPE_MISMATCH, "No encryption type that both the client and the "
	  "service account's keys allow", "the service account",
	  { EW_CK_KRB_SVC, EW_CK_KRB_CACHE }, { K40960, KUNAV }, { NULL }, 1, 0 },
	{ EW_CAUSE_TOKEN_TOO_LARGE, "The user's Kerberos token is too large",
	  "this user", { EW_CK_TOK_SIZE, EW_CK_TOK_MEASURED },
	  { EW_SYM_HTTP_400, EW_SYM_PROMPTS, EW_SYM_ADMIN_WORKS, KUNAV }, { NULL }, 1, 0 },
	{ EW_CAUSE_SID_LIMIT, "More than 1,010 SIDs in the user's token: logon fails",
	  "this user", { EW_CK_TOK_LSA }, { EW_SYM_ADMIN_WORKS, KUNAV }, { NULL }, 1, 0 },
	{ EW_CAUSE_MAILBOX_HALF_MOVED, "The mailbox is half-moved: its attributes name "
	  "different servers", "this user", { EW_CK_MBX_CONSISTENT },
	  { EW_SYM_ADMIN_WORKS, KUNAV }, { EW_CAUSE_MOVER_RIGHTS }, 0, 0 },
	{ EW_CAUSE_MAILBOX_DESCRIPTOR, "The mailbox security descriptor gives the user no "
	  "full mailbox access", "this user", { EW_CK_MBX_CONSISTENT },
	  { EW_SYM_ADMIN_WORKS, KUNAV }, { NULL }, 0, 0 },
	{ EW_CAUSE_MAILBOX_PROTECTED, "The mailbox user is a protected account: Exchange's "
	  "inherited permissions do not reach it", "this user", { EW_CK_MBX_PROTECTED },
	  { NULL }, { NULL }, 0, 0 },
	{ EW_CAUSE_MOVER_RIGHTS, "The account that moved the mailbox could not write "
	  "everything a move writes", "the mover's moves", { EW_CK_MBX_MOVER },
	  { EW_SYM_ADMIN_WORKS }, { NULL }, 0, 0 },
	{ EW_CAUSE_STALE_LOGON, "The user's logon on the client is older than a change of "
	  "their groups: the token has other groups than the directory",
	  "this user on that client", { EW_CK_TOK_CLIENT }, { EW_SYM_ADMIN_WORKS }, { NULL }, 0,
	  1 },
};
const size_t ew_ncauses = sizeof(ew_causes) / sizeof(ew_causes[0]);

const struct ew_cause *ew_cause_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < ew_ncauses; i++)
		if (strcmp(ew_causes[i].id, id) == 0)
			return &ew_causes[i];
	return NULL;
}

const struct ew_symptom *ew_symptom_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < ew_nsymptoms; i++)
		if (strcmp(ew_symptoms[i].id, id) == 0)
			return &ew_symptoms[i];
	return NULL;
}

int ew_cause_explains(const struct ew_cause *c, const char *symptom)
{
	size_t i;

	for (i = 0; c && symptom && i < EW_CAUSE_MAX_LIST && c->explains[i]; i++)
		if (strcmp(c->explains[i], symptom) == 0)
			return 1;
	return 0;
}
