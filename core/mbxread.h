/*
 * mbxread.h - what the reader got of the Exchange configuration and of a
 * user's mailbox attributes, put in the form mailboxrules.c judges: the
 * configuration's objects from several searches (what came back without its
 * attributes is there but not readable; a container whose one-level search
 * came back is listed in full), the containers still to list to tell a
 * missing object from a hidden one, and which of the user's attributes the
 * reader may read. Strings point into the searches' results. Shared by the
 * mailbox step and the sweep.
 */
#ifndef EW_MBXREAD_H
#define EW_MBXREAD_H

#include <stddef.h>

#include "mailboxrules.h"

struct ew_dir_entry;
struct ew_dir_result;

/*
 * The Exchange configuration as the reader got it, one object per DN, from
 * several searches: what came back without its attributes is there but not
 * readable; a container whose one-level (objectClass=*) search came back is
 * listed in full. The strings point into the searches' results.
 */
struct ew_mbx_cfg_build {
	struct ew_mbx_object *objs;
	size_t n, cap;
	struct ew_mbx_cfg_version {	/* a server's, beside its object */
		const char *serial, *msexchversion;
	} *ver;
};

/* The objects of a search of the configuration (objectClass, cn,
 * legacyExchangeDN, serialNumber, msExchVersion). */
void ew_mbx_cfg_add_entries(struct ew_mbx_cfg_build *b, const struct ew_dir_result *r);
/* The children of base, from a one-level (objectClass=*) search that came
 * back (r): base is then listed in full. */
void ew_mbx_cfg_add_listing(struct ew_mbx_cfg_build *b, const char *base,
			    const struct ew_dir_result *r);
/*
 * The containers to list (one-level) so that the rules can tell whether dn,
 * not read, is missing or hidden: added to out (up to max, no repeats).
 */
void ew_mbx_list_path(const struct ew_mbx_config *cfg, const char *dn, const char **out,
		      size_t *n, size_t max);
/* The schema entry (lDAPDisplayName, schemaIDGUID, attributeSecurityGUID)
 * of an attribute, from the one search for all of them; NULL: none. */
const struct ew_dir_entry *ew_mbx_schema_entry(const struct ew_dir_result *sr,
					       const char *name);
/*
 * Who reads, worked out once: its SIDs (the rootDSE's tokenGroups: its own
 * SID and its groups; Everyone, Authenticated Users; SELF where it reads
 * itself), and the schema entries of the attributes (sch: lDAPDisplayName,
 * schemaIDGUID, attributeSecurityGUID; borrowed). ew_mbx_reader_init: 0, or
 * -1 when the SIDs did not come back (then nothing is known readable).
 */
struct ew_mbx_reader {
	struct ew_sid *sids;		/* own SIDs, Everyone, Authenticated Users; SELF */
	size_t n, own;			/* without SELF; the reader's own */
	const struct ew_dir_result *sch;
};
int ew_mbx_reader_init(struct ew_mbx_reader *r, const struct ew_dir_result *tg,
		       const struct ew_dir_result *sch);
void ew_mbx_reader_clear(struct ew_mbx_reader *r);
/*
 * u->readable[] from the user's nTSecurityDescriptor (u->nt_sd): READ_PROPERTY
 * on each attribute, or its property set, for the reader; left EW_MBX_UNKNOWN
 * where the DACL, the reader's SIDs or the schema entry did not come back.
 */
void ew_mbx_user_readable(struct ew_mbx_user *u, const struct ew_mbx_reader *r);
/* The same for one attribute of the user, by its lDAPDisplayName. */
enum ew_mbx_right ew_mbx_user_may_read(const struct ew_mbx_user *u,
				       const struct ew_mbx_reader *r, const char *name);

/*
 * u filled from the user's entry ue (homeMDB, homeMTA, msExchHomeServerName,
 * legacyExchangeDN, mailNickname, targetAddress, msExchMailboxGuid,
 * msExchUserAccountControl, msExchMailboxSecurityDescriptor,
 * showInAddressBook, proxyAddresses, objectSid, adminCount,
 * nTSecurityDescriptor), named name; readable[] left unknown. Returns the
 * array u->proxies points into (caller frees; NULL when none).
 */
const char **ew_mbx_user_from_entry(struct ew_mbx_user *u, const struct ew_dir_entry *ue,
				    const char *name);

#endif
