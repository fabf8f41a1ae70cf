/*
 * mailbox.h - a user's Exchange mailbox as the directory describes it, the
 * Exchange configuration it should agree with, and the verdicts MBX-ATTRS
 * and MBX-CONSISTENT (a half-finished move: homeMDB on the new server while
 * msExchHomeServerName, homeMTA or legacyExchangeDN still name the old one;
 * no mailbox security descriptor giving the user full mailbox access).
 * Pure: the step reads the directory, these functions judge.
 */
#ifndef EW_MAILBOX_H
#define EW_MAILBOX_H

#include <stddef.h>

#include "sid.h"

struct ew_step_result;

struct ew_mbx_user {
	const char *dn;
	const char *home_mdb, *home_mta, *home_server;	/* homeMDB, homeMTA, msExchHomeServerName */
	const char *legacy_dn, *nickname, *target_address;
	int has_guid;			/* msExchMailboxGuid */
	const unsigned char *sd;	/* msExchMailboxSecurityDescriptor */
	size_t sdlen;
	const char *const *proxies;	/* proxyAddresses */
	size_t nproxies;
	size_t show_in_ab;		/* showInAddressBook values */
	int has_uac;			/* msExchUserAccountControl */
	struct ew_sid sid;
};

/* One object of the Exchange configuration tree. */
enum ew_mbx_kind { EW_MBX_ORG, EW_MBX_ADMIN_GROUP, EW_MBX_SERVER, EW_MBX_DATABASE,
		   EW_MBX_MTA, EW_MBX_OTHER };
struct ew_mbx_object {
	const char *dn;
	enum ew_mbx_kind kind;
	const char *legacy_dn;
	const char *name;	/* cn */
};

struct ew_mbx_config {
	const struct ew_mbx_object *objects;
	size_t n;
};

/* The object of that DN (case-insensitive), or NULL. */
const struct ew_mbx_object *ew_mbx_find(const struct ew_mbx_config *c, const char *dn);
/* The nearest ancestor of dn of that kind, or NULL. */
const struct ew_mbx_object *ew_mbx_ancestor(const struct ew_mbx_config *c, const char *dn,
					    enum ew_mbx_kind kind);
/* "/o=EXWIZ/ou=First Administrative Group" of a legacyExchangeDN (up to the
 * first "/cn="), into buf. */
void ew_mbx_legacy_site(const char *legacy, char *buf, size_t len);

/* Does the user have a mailbox at all (homeMDB or msExchHomeServerName)? */
int ew_mbx_has_mailbox(const struct ew_mbx_user *u);
void ew_mbx_rule_attrs(const struct ew_mbx_user *u, struct ew_step_result *res);
void ew_mbx_rule_consistent(const struct ew_mbx_user *u, const struct ew_mbx_config *c,
			    struct ew_step_result *res);

#endif
