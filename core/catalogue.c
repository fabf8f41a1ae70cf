#include "catalogue.h"

#include <string.h>

/*
 * The title is the first line of the check's help topic (the test holds them
 * equal), so that `exwizard help` and `exwizard help ID` say the same.
 */
const struct ew_check ew_checks[] = {
	{ EW_CK_CLIENT_DNS, "client",
	  "negative answers in the client's DNS cache", EW_CK_CLIENT_DNS },
	{ EW_CK_CLIENT_EVENT, "client",
	  "the Kerberos events of the client (40960, 40961)", EW_CK_CLIENT_EVENT },
	{ EW_CK_CLIENT_READ, "client",
	  "what was read of the client's output", EW_CK_CLIENT_READ },
	{ EW_CK_CLIENT_RESOLVERS, "client",
	  "the DNS servers the client asks", EW_CK_CLIENT_RESOLVERS },
	{ EW_CK_CLIENT_TICKETS, "client",
	  "the tickets the client holds (its klist)", EW_CK_CLIENT_TICKETS },
	{ EW_CK_CLIENT_TOKEN, "client",
	  "the groups in the client's token (whoami /groups)", EW_CK_CLIENT_TOKEN },
	{ EW_CK_DNS_AUTODISCOVER, "dns",
	  "how Outlook finds Exchange", EW_CK_DNS_AUTODISCOVER },
	{ EW_CK_DNS_CACHE, "dns",
	  "caches between this host and the DCs", EW_CK_DNS_CACHE },
	{ EW_CK_DNS_NAMESPACE, "tickets",
	  "names behind CNAMEs (Exchange namespaces)", EW_CK_DNS_NAMESPACE },
	{ EW_CK_DNS_REALM, "dns",
	  "which realm an Exchange name maps to (disjoint namespace)", EW_CK_DNS_REALM },
	{ EW_CK_DNS_SERVERS, "dns",
	  "every resolver must agree", EW_CK_DNS_SERVERS },
	{ EW_CK_DNS_SRV, "dns",
	  "the SRV records domain controller location needs", EW_CK_DNS_SRV },
	{ EW_CK_DNS_TARGETS, "dns",
	  "the names behind the records", EW_CK_DNS_TARGETS },
	{ EW_CK_DNS_TC, "dns",
	  "answers too big for UDP", EW_CK_DNS_TC },
	{ EW_CK_EXCH_SCP, "tickets",
	  "the Autodiscover service connection points", EW_CK_EXCH_SCP },
	{ EW_CK_KRB_CACHE, "tickets",
	  "the tickets the user has (klist, KerbTray)", EW_CK_KRB_CACHE },
	{ EW_CK_KRB_CONF, "tickets",
	  "the effective Kerberos settings", EW_CK_KRB_CONF },
	{ EW_CK_KRB_ETYPES, "tickets",
	  "the encryption types of the service accounts", EW_CK_KRB_ETYPES },
	{ EW_CK_KRB_KDC, "tickets",
	  "can this host reach the KDCs?", EW_CK_KRB_KDC },
	{ EW_CK_KRB_SKEW, "tickets",
	  "the clock difference to the KDC", EW_CK_KRB_SKEW },
	{ EW_CK_KRB_SVC, "tickets",
	  "session tickets for the Exchange services", EW_CK_KRB_SVC },
	{ EW_CK_KRB_TRANSPORT, "tickets",
	  "UDP or TCP?", EW_CK_KRB_TRANSPORT },
	{ EW_CK_MBX_ATTRS, "mailbox",
	  "the attributes of a mailbox-enabled user", EW_CK_MBX_ATTRS },
	{ EW_CK_MBX_CONSISTENT, "mailbox",
	  "a half-finished move", EW_CK_MBX_CONSISTENT },
	{ EW_CK_MBX_MOVER, "mailbox",
	  "could the mover complete a move?", EW_CK_MBX_MOVER },
	{ EW_CK_MBX_PROTECTED, "mailbox",
	  "protected accounts", EW_CK_MBX_PROTECTED },
	{ EW_CK_SPN_ASA, "tickets",
	  "load-balanced names and the alternate service account", EW_CK_SPN_ASA },
	{ EW_CK_SPN_UNIQUE, "tickets",
	  "one holder per service principal name", EW_CK_SPN_UNIQUE },
	{ EW_CK_SWEEP_DOMAIN, "sweep",
	  "who else is affected, domain-wide", EW_CK_SWEEP_DOMAIN },
	{ EW_CK_TARGET_DC, "target",
	  "the domain controller given with --dc", EW_CK_TARGET_DC },
	{ EW_CK_TARGET_DOMAIN, "target",
	  "the AD DNS domain", EW_CK_TARGET_DOMAIN },
	{ EW_CK_TARGET_EXCHANGE, "target",
	  "the Exchange servers", EW_CK_TARGET_EXCHANGE },
	{ EW_CK_TARGET_REALM, "target",
	  "which Kerberos realm is diagnosed", EW_CK_TARGET_REALM },
	{ EW_CK_TARGET_USER, "target",
	  "the user under diagnosis", EW_CK_TARGET_USER },
	{ EW_CK_TOK_CLIENT, "groups",
	  "the client's token beside the directory's groups", EW_CK_TOK_CLIENT },
	{ EW_CK_TOK_COUNT, "groups",
	  "the groups in the token", EW_CK_TOK_COUNT },
	{ EW_CK_TOK_LSA, "groups",
	  "SIDs in the access token (KB328889)", EW_CK_TOK_LSA },
	{ EW_CK_TOK_MEASURED, "groups",
	  "the real ticket sizes", EW_CK_TOK_MEASURED },
	{ EW_CK_TOK_RANGE, "groups",
	  "large multi-valued attributes", EW_CK_TOK_RANGE },
	{ EW_CK_TOK_SIZE, "groups",
	  "the Kerberos token size estimate (KB327825)", EW_CK_TOK_SIZE },
};
const size_t ew_nchecks = sizeof(ew_checks) / sizeof(ew_checks[0]);

const struct ew_check *ew_check_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < ew_nchecks; i++)
		if (strcmp(ew_checks[i].id, id) == 0)
			return &ew_checks[i];
	return NULL;
}
