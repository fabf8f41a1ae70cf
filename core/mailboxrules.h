/*
 * mailboxrules.h - the mailbox step's rules: a user's Exchange mailbox as
 * the directory describes it, the Exchange configuration it should agree
 * with, and the verdicts MBX-ATTRS, MBX-CONSISTENT (a half-finished move:
 * homeMDB on the new server while msExchHomeServerName, homeMTA or
 * legacyExchangeDN still name the old one; no mailbox security descriptor
 * giving the user full mailbox access), MBX-MOVER (could the mover have
 * moved it) and MBX-PROTECTED (is the user a protected account, out of
 * reach of Exchange's inherited permissions). What the reader could not
 * read is never taken for absent: the configuration records which objects
 * came back without their attributes and which containers were listed in
 * full, and a comparison whose one side could not be read is a skip that
 * names what, and as whom. Pure: the step reads the directory, these
 * functions judge.
 */
#ifndef EW_MAILBOXRULES_H
#define EW_MAILBOXRULES_H

#include <stddef.h>
#include <stdint.h>

#include "sid.h"

struct ew_step_result;

enum ew_mbx_right { EW_MBX_UNKNOWN, EW_MBX_NO, EW_MBX_YES };

/*
 * The user's attributes whose absence the verdicts judge. The directory
 * leaves out, without a word, an attribute the reader may not read: an
 * absent one is missing only when the reader may read it (READ_PROPERTY in
 * the user's DACL for the reader's SIDs).
 */
enum ew_mbx_attr { EW_MBX_A_HOME_MDB, EW_MBX_A_HOME_MTA, EW_MBX_A_HOME_SERVER,
		   EW_MBX_A_LEGACY_DN, EW_MBX_A_NICKNAME, EW_MBX_A_GUID, EW_MBX_A_SD,
		   EW_MBX_A_PROXIES, EW_MBX_A_N };
/* Their lDAPDisplayNames, in that order. */
extern const char *const ew_mbx_attr_names[EW_MBX_A_N];

struct ew_mbx_user {
	const char *name;		/* the user as given (-u NAME), as findings name it */
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
	const char *admin_count;	/* adminCount; NULL: none came back */
	const unsigned char *nt_sd;	/* nTSecurityDescriptor (owner, group, DACL);
					 * NULL: none came back */
	size_t nt_sdlen;
	/* May the reader read each attribute: EW_MBX_UNKNOWN when the user's
	 * DACL, the reader's SIDs or the attribute's schema entry could not be
	 * read. Only an absent attribute's entry matters. */
	enum ew_mbx_right readable[EW_MBX_A_N];
	const char *reader;	/* who read the user; NULL: not known */
};

/* One object of the Exchange configuration tree, as the reader got it. */
enum ew_mbx_kind { EW_MBX_ORG, EW_MBX_ADMIN_GROUP, EW_MBX_SERVER, EW_MBX_DATABASE,
		   EW_MBX_MTA, EW_MBX_OTHER };
struct ew_mbx_object {
	const char *dn;
	enum ew_mbx_kind kind;	/* EW_MBX_OTHER when unreadable */
	const char *legacy_dn;
	const char *name;	/* cn */
	int unreadable;		/* came back without its attributes: it is there, the
				 * reader may not read it (nor, as a rule, list it) */
	int listed;		/* every child came back (a one-level search that shows
				 * unreadable objects too): a child not among the
				 * objects is not there */
};

struct ew_mbx_config {
	const struct ew_mbx_object *objects;
	size_t n;
	const char *reader;	/* who read it: a principal or a bind DN; NULL: not known */
	const char *root;	/* CN=Microsoft Exchange,CN=Services,<configuration>,
				 * NULL: not known */
	const char *error;	/* why it could not be searched; NULL: it was */
};

/* The object of that DN (case-insensitive), or NULL. */
const struct ew_mbx_object *ew_mbx_find(const struct ew_mbx_config *c, const char *dn);

/*
 * Whether the reader could see dn:
 * EW_MBX_READ		it is there and readable (*obj: it);
 * EW_MBX_ABSENT	it is not there, and the reader could have seen it: the
 *			nearest object above it is readable and was listed in
 *			full (*obj: that object, or NULL when dn is outside the
 *			root, where no Exchange object is);
 * EW_MBX_NOT_READABLE	it, or the nearest object above it, could not be read
 *			or listed (*obj: that object, or NULL when nothing above
 *			it came back).
 * obj may be NULL.
 */
enum ew_mbx_seen { EW_MBX_READ, EW_MBX_ABSENT, EW_MBX_NOT_READABLE };
enum ew_mbx_seen ew_mbx_lookup(const struct ew_mbx_config *c, const char *dn,
			       const struct ew_mbx_object **obj);
/* The parent of dn (after the first ',' not escaped by '\'), or NULL. */
const char *ew_mbx_parent(const char *dn);
/* The nearest ancestor of dn of that kind, or NULL. */
const struct ew_mbx_object *ew_mbx_ancestor(const struct ew_mbx_config *c, const char *dn,
					    enum ew_mbx_kind kind);
/* "/o=EXWIZ/ou=First Administrative Group" of a legacyExchangeDN (up to the
 * first "/cn="), into buf. */
void ew_mbx_legacy_site(const char *legacy, char *buf, size_t len);

/* Does the user have a mailbox at all (homeMDB or msExchHomeServerName)? */
int ew_mbx_has_mailbox(const struct ew_mbx_user *u);
/*
 * MBX-ATTRS. An absent attribute the reader may read is missing (FAIL); one
 * it may not read, or whose readability is not known, cannot be checked:
 * SKIP naming it and u->reader, unless something else fails.
 */
void ew_mbx_rule_attrs(const struct ew_mbx_user *u, struct ew_step_result *res);
/*
 * MBX-CONSISTENT. Each comparison with the configuration is made only when
 * both sides were read; one that could not be made is a skip that says what
 * could not be read as c->reader, never a fail.
 */
void ew_mbx_rule_consistent(const struct ew_mbx_user *u, const struct ew_mbx_config *c,
			    struct ew_step_result *res);

/*
 * MBX-MOVER. The rights the verdict needs: Full Control on the organization,
 * or on both the target and the source administrative group; and write
 * access to each attribute a move writes on the user.
 */
/* An object whose DACL the verdict needs or shows. */
struct ew_mbx_acl {
	const char *label;	/* "the organization"; NULL: not part of this move */
	const char *dn;		/* NULL: the object could not be identified */
	int read;		/* its DACL was read: rights is what the mover gets */
	uint32_t rights;	/* EW_DS_* */
	const char *why;	/* not identified or not read: why (may be NULL) */
};

struct ew_mbx_attr_right {
	const char *name;	/* "homeMDB" */
	enum ew_mbx_right general;	/* write property on the user, every attribute:
					 * EW_MBX_UNKNOWN when the user's DACL was not read */
	enum ew_mbx_right granted;	/* write property on this attribute or its property
					 * set: EW_MBX_UNKNOWN when the schema entries were
					 * not read (none for the attribute: EW_MBX_NO) */
};

/* Whether the mover may write the attribute: by the general right, else by
 * its own grant. */
enum ew_mbx_right ew_mbx_attr_write(const struct ew_mbx_attr_right *a);

#define EW_MBX_MOVED_MAX 8
struct ew_mbx_mover {
	const char *account;		/* the mover, as given; NULL: none given */
	const char *reader;		/* who read the DACLs; NULL: not known */
	int looked_up;			/* the search for the account came back */
	const char *lookup_error;	/* why it did not (may be NULL) */
	int found;			/* and found it */
	int groups_read;		/* the mover's tokenGroups came back */
	size_t admin_groups;		/* Exchange admin groups the mover is in */
	struct ew_mbx_acl org, ag_new, ag_old, srv_new, srv_old, user;
	int need_old;			/* the source group must be judged too */
	struct ew_mbx_attr_right attrs[EW_MBX_MOVED_MAX];
	size_t nattrs;
};

/*
 * No mover given (m NULL or m->account NULL): SKIP saying how to give one.
 * The account not looked up: SKIP with why; not found: FAIL. Else FAIL when
 * the rights that were read deny the move (no Full Control on the
 * organization nor on both groups; an attribute that cannot be written);
 * PASS when they were all read and allow it; otherwise SKIP, naming what
 * could not be read as m->reader and how to read it.
 */
void ew_mbx_rule_mover(const struct ew_mbx_mover *m, struct ew_step_result *res);

/*
 * MBX-PROTECTED, from u->admin_count and u->nt_sd: WARN when adminCount is 1
 * or the DACL is protected from inheritance (AdminSDHolder's accounts);
 * SKIP naming u->reader when neither came back; else PASS.
 */
void ew_mbx_rule_protected(const struct ew_mbx_user *u, struct ew_step_result *res);

#endif
