/*
 * secdesc.h - Windows security descriptors as the directory returns them
 * (nTSecurityDescriptor, msExchMailboxSecurityDescriptor): the self-relative
 * binary form of MS-DTYP 2.4.6 parsed with strict bounds checks, a simplified
 * access check of the DACL for a set of SIDs (MS-DTYP 2.5.3.2), and an
 * SDDL-style rendering for evidence.
 *
 * The parser refuses, with a message, anything it cannot read safely:
 * offsets into the header or past the end, overlapping parts, ACLs larger
 * than their buffer or claiming more ACEs than fit, ACE sizes below the
 * minimum or not a multiple of 4, SIDs of more than 15 sub-authorities.
 * The SACL is checked for bounds and skipped; it is never kept or rendered.
 */
#ifndef EW_SECDESC_H
#define EW_SECDESC_H

#include <stddef.h>
#include <stdint.h>

#include "sid.h"

#define EW_SD_MAX_ACES 4096
#define EW_SD_MAX_SIZE (1024 * 1024)	/* a whole descriptor */
#define EW_SD_RIGHTS_STRLEN 64		/* enough for ew_sd_rights_text() */
#define EW_GUID_STRLEN 37		/* 36 characters and the NUL */

/* Access mask bits (directory service rights and standard/generic rights). */
#define EW_DS_CREATE_CHILD 0x1		/* CC; in msExchMailboxSecurityDescriptor: full mailbox access */
#define EW_DS_DELETE_CHILD 0x2		/* DC */
#define EW_DS_LIST 0x4			/* LC */
#define EW_DS_SELF 0x8			/* SW */
#define EW_DS_READ_PROP 0x10		/* RP */
#define EW_DS_WRITE_PROP 0x20		/* WP */
#define EW_DS_DELETE_TREE 0x40		/* DT */
#define EW_DS_LIST_OBJECT 0x80		/* LO */
#define EW_DS_CONTROL_ACCESS 0x100	/* CR */
#define EW_SD_DELETE 0x10000		/* SD */
#define EW_SD_READ_CONTROL 0x20000	/* RC */
#define EW_SD_WRITE_DAC 0x40000		/* WD */
#define EW_SD_WRITE_OWNER 0x80000	/* WO */
#define EW_GENERIC_ALL 0x10000000	/* GA */
#define EW_GENERIC_EXECUTE 0x20000000	/* GX */
#define EW_GENERIC_WRITE 0x40000000	/* GW */
#define EW_GENERIC_READ 0x80000000u	/* GR */
#define EW_DS_FULL_CONTROL 0xF01FF

/* Security descriptor control bits. */
#define EW_SE_OWNER_DEFAULTED 0x1
#define EW_SE_GROUP_DEFAULTED 0x2
#define EW_SE_DACL_PRESENT 0x4
#define EW_SE_DACL_DEFAULTED 0x8
#define EW_SE_SACL_PRESENT 0x10
#define EW_SE_DACL_AUTO_INHERIT_REQ 0x100
#define EW_SE_SACL_AUTO_INHERIT_REQ 0x200
#define EW_SE_DACL_AUTO_INHERITED 0x400
#define EW_SE_SACL_AUTO_INHERITED 0x800
#define EW_SE_DACL_PROTECTED 0x1000
#define EW_SE_SACL_PROTECTED 0x2000
#define EW_SE_SELF_RELATIVE 0x8000

/* ACE types; other types are kept as their raw number and never apply. */
enum ew_ace_type {
	EW_ACE_ALLOWED = 0,
	EW_ACE_DENIED = 1,
	EW_ACE_AUDIT = 2,
	EW_ACE_ALLOWED_OBJECT = 5,
	EW_ACE_DENIED_OBJECT = 6,
	EW_ACE_AUDIT_OBJECT = 7,
};

/* ACE flags. */
#define EW_ACE_OBJECT_INHERIT 0x1	/* OI */
#define EW_ACE_CONTAINER_INHERIT 0x2	/* CI */
#define EW_ACE_NO_PROPAGATE 0x4		/* NP */
#define EW_ACE_INHERIT_ONLY 0x8		/* IO */
#define EW_ACE_INHERITED 0x10		/* ID */
#define EW_ACE_SUCCESSFUL_ACCESS 0x40	/* SA, audit ACEs */
#define EW_ACE_FAILED_ACCESS 0x80	/* FA, audit ACEs */

struct ew_ace {
	uint8_t type, flags;
	uint32_t mask;
	int has_object_type, has_inherited_object_type;
	unsigned char object_type[16], inherited_object_type[16];	/* GUIDs as stored */
	struct ew_sid sid;	/* revision 0 (all zero) for a type whose layout is unknown */
};

struct ew_acl {
	uint8_t revision;
	struct ew_ace *aces;
	size_t naces;
};

struct ew_sd {
	uint16_t control;	/* EW_SE_* */
	int has_owner, has_group;
	struct ew_sid owner, group;
	/* DACL present with an ACL. A NULL DACL (present flag, offset 0) is
	 * has_dacl 0 and null_dacl 1. A DACL at an offset whose present flag
	 * is clear is checked for bounds but ignored, as Windows does. */
	int has_dacl;
	int null_dacl;
	struct ew_acl dacl;
	int has_sacl;		/* parsed only to be skipped; never rendered */
};

/*
 * Parse the self-relative descriptor buf[0..len). 0 and *out (the caller
 * frees it with ew_sd_free), or -1 with *out NULL and a message in err.
 * Bytes after the parts the offsets name are allowed.
 */
int ew_sd_parse(const unsigned char *buf, size_t len, struct ew_sd **out, char *err,
		size_t errlen);
void ew_sd_free(struct ew_sd **sd);

/* Generic bits of mask mapped for a directory object (GA -> full control,
 * GR -> RC|LC|RP|LO, GW -> RC|SW|WP, GX -> RC|LC); other bits unchanged. */
uint32_t ew_sd_map_generic(uint32_t mask);

/*
 * Access check for a principal holding the SIDs sids[0..n) (user, groups,
 * and the well-known SIDs the caller adds: for msExchMailboxSecurityDescriptor
 * add S-1-5-10 SELF, since an ACE for the user's own SID and one for SELF are
 * the same there). MS-DTYP 2.5.3.2 simplified:
 *  - no DACL, or a NULL DACL: everything desired is granted;
 *  - the owner gets READ_CONTROL and WRITE_DAC first, unless a DACL ACE names
 *    OWNER RIGHTS (S-1-3-4): then those ACEs apply to the owner instead;
 *  - ACEs in order, INHERIT_ONLY ones skipped, generic bits mapped; for each
 *    right the first allow or deny ACE that names it decides;
 *  - an object ACE without an object type applies to the whole object; with
 *    one, only when object_guid (an attribute, class or extended right) or
 *    property_set_guid (the property set holding the attribute) equals it.
 *    The inherited object type plays no part: on the object it is set on,
 *    the directory marks such an ACE INHERIT_ONLY when it is not for it;
 *  - audit, callback and unknown ACE types never apply.
 * Returns the granted subset of desired (after mapping desired's generic
 * bits). *denied_out (may be NULL) gets the rights of desired that an ACE
 * explicitly denied. sd NULL grants nothing.
 */
uint32_t ew_sd_access(const struct ew_sd *sd, const struct ew_sid *sids, size_t n,
		      const unsigned char *object_guid, const unsigned char *property_set_guid,
		      uint32_t desired, uint32_t *denied_out);

/*
 * Rights as SDDL letters in bit order ("CCRC", "GA", "RPWPCR",
 * "CCDCLCSWRPWPDTLOCRSDRCWDWO" for full control), or "0x%x" when some bit has
 * no letter or the mask is 0. An empty string when buf is too small.
 */
void ew_sd_rights_text(uint32_t mask, char *buf, size_t len);

/*
 * SDDL-style rendering for evidence:
 * "O:PSG:PSD:(A;CI;CCRC;;;PS)", "D:PAI(OA;CI;WP;<guid>;<guid>;S-1-5-21-...)".
 * Well-known SIDs as their aliases (PS, SY, BA, AU, WD, CO, ED, RU, ...);
 * domain-relative SIDs in the S-1-5-21-... form. A NULL DACL is
 * "D:NO_ACCESS_CONTROL"; no DACL, no "D:". Never the SACL. A new string the
 * caller frees; NULL if sd is NULL or out of memory.
 */
char *ew_sd_to_sddl(const struct ew_sd *sd);

/* GUID text ("bf967aba-0de6-11d0-a285-00aa003049e2", optionally in braces,
 * any case) to the 16 bytes stored in the directory (the first three fields
 * little-endian); 0 or -1. */
int ew_guid_parse(const char *text, unsigned char out[16]);
/* The lower-case text form; an empty string when buf is too small. */
void ew_guid_format(const unsigned char g[16], char *buf, size_t len);

#endif
