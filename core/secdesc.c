#include "secdesc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define SD_HEADER 20
#define ACL_HEADER 8
#define ACE_HEADER 4
/* Header, mask and a SID without sub-authorities: every ACE type has them. */
#define ACE_MIN 16
#define ACL_MAX 65535

/* Object ACE flags (the Flags field after the mask). */
#define OBJECT_TYPE_PRESENT 0x1
#define INHERITED_OBJECT_TYPE_PRESENT 0x2

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The ACE types laid out as header, mask, SID (and maybe application data). */
static int plain_layout(uint8_t type)
{
	switch (type) {
	case 0x0: case 0x1: case 0x2: case 0x3:	/* allowed, denied, audit, alarm */
	case 0x9: case 0xA:			/* callback allowed, denied */
	case 0xD: case 0xE:			/* callback audit, alarm */
	case 0x11: case 0x12: case 0x13:	/* label, resource attribute, scoped policy */
		return 1;
	default:
		return 0;
	}
}

/* The object ACE types: header, mask, flags, optional GUIDs, SID. */
static int object_layout(uint8_t type)
{
	switch (type) {
	case 0x5: case 0x6: case 0x7: case 0x8:	/* allowed, denied, audit, alarm */
	case 0xB: case 0xC: case 0xF: case 0x10:	/* their callback forms */
		return 1;
	default:
		return 0;
	}
}

/* An object ACE's GUID at *pos (which it passes), named name in an error. */
static int take_guid(const unsigned char *p, size_t size, size_t *pos, unsigned char *guid,
		     int *has, const char *name, const char *what, size_t idx, char *err,
		     size_t errlen)
{
	if (size - *pos < 16 + 8) {
		set_err(err, errlen, "%s ACE %zu: object ACE of %zu bytes is too short for its "
			"%s GUID", what, idx, size, name);
		return -1;
	}
	*has = 1;
	memcpy(guid, p + *pos, 16);
	*pos += 16;
	return 0;
}

/*
 * One ACE at p (size bytes, already checked against the ACL). ace may be
 * NULL (the SACL is only checked).
 */
static int parse_ace(const unsigned char *p, size_t size, struct ew_ace *ace, const char *what,
		     size_t idx, char *err, size_t errlen)
{
	struct ew_ace a;
	size_t pos = 8, used;

	memset(&a, 0, sizeof(a));
	a.type = p[0];
	a.flags = p[1];
	a.mask = le32(p + 4);
	if (object_layout(a.type)) {
		uint32_t oflags;

		if (size < pos + 4 + 8) {
			set_err(err, errlen, "%s ACE %zu: object ACE of %zu bytes is too short", what,
				idx, size);
			return -1;
		}
		oflags = le32(p + pos);
		pos += 4;
		if ((oflags & OBJECT_TYPE_PRESENT) &&
		    take_guid(p, size, &pos, a.object_type, &a.has_object_type, "object type",
			      what, idx, err, errlen) != 0)
			return -1;
		if ((oflags & INHERITED_OBJECT_TYPE_PRESENT) &&
		    take_guid(p, size, &pos, a.inherited_object_type, &a.has_inherited_object_type,
			      "inherited object type", what, idx, err, errlen) != 0)
			return -1;
	} else if (!plain_layout(a.type)) {
		/* Unknown layout: type, flags and mask only; it never applies. */
		if (ace)
			*ace = a;
		return 0;
	}
	if (ew_sid_parse(p + pos, size - pos, &a.sid, &used) != 0) {
		if (size - pos >= 2 && p[pos] == 1 && p[pos + 1] > EW_SID_MAX_SUB)
			set_err(err, errlen, "%s ACE %zu: SID with %u sub-authorities (at most %d)",
				what, idx, p[pos + 1], EW_SID_MAX_SUB);
		else if (size - pos >= 1 && p[pos] != 1)
			set_err(err, errlen, "%s ACE %zu: SID revision %u (expected 1)", what, idx,
				p[pos]);
		else
			set_err(err, errlen, "%s ACE %zu: SID does not fit in the ACE (%zu bytes)",
				what, idx, size);
		return -1;
	}
	if (ace)
		*ace = a;
	return 0;
}

/*
 * The ACL at buf + off. *end gets the offset just past it. acl may be NULL
 * (the SACL is only checked).
 */
static int parse_acl(const unsigned char *buf, size_t len, size_t off, const char *what,
		     struct ew_acl *acl, size_t *end, char *err, size_t errlen)
{
	const unsigned char *p = buf + off;
	size_t size, count, pos, i;
	struct ew_ace *aces = NULL;
	int rc = -1;

	if (len - off < ACL_HEADER) {
		set_err(err, errlen, "%s at offset %zu: no room for the 8-byte ACL header in %zu bytes",
			what, off, len);
		goto cleanup;
	}
	if (p[0] != 2 && p[0] != 4) {
		set_err(err, errlen, "%s: ACL revision %u (expected 2 or 4)", what, p[0]);
		goto cleanup;
	}
	size = le16(p + 2);
	count = le16(p + 4);
	if (size < ACL_HEADER || size % 4 != 0) {
		set_err(err, errlen, "%s: ACL size %zu is below 8 or not a multiple of 4", what,
			size);
		goto cleanup;
	}
	if (size > len - off) {
		set_err(err, errlen, "%s: ACL of %zu bytes at offset %zu runs past the end (%zu bytes)",
			what, size, off, len);
		goto cleanup;
	}
	if (count > EW_SD_MAX_ACES) {
		set_err(err, errlen, "%s: ACL claims %zu ACEs, more than the %d accepted", what,
			count, EW_SD_MAX_ACES);
		goto cleanup;
	}
	if (count > (size - ACL_HEADER) / ACE_MIN) {
		set_err(err, errlen, "%s: ACL claims %zu ACEs but %zu bytes hold at most %zu", what,
			count, size, (size - ACL_HEADER) / ACE_MIN);
		goto cleanup;
	}
	if (acl && count) {
		aces = calloc(count, sizeof(*aces));
		if (aces == NULL) {
			set_err(err, errlen, "%s: out of memory", what);
			goto cleanup;
		}
	}
	pos = ACL_HEADER;
	for (i = 0; i < count; i++) {
		size_t asize;

		if (size - pos < ACE_HEADER) {
			set_err(err, errlen, "%s ACE %zu: header past the end of the ACL", what, i);
			goto cleanup;
		}
		asize = le16(p + pos + 2);
		if (asize < ACE_MIN || asize % 4 != 0) {
			set_err(err, errlen,
				"%s ACE %zu: size %zu is below %d or not a multiple of 4", what, i,
				asize, ACE_MIN);
			goto cleanup;
		}
		if (asize > size - pos) {
			set_err(err, errlen, "%s ACE %zu: %zu bytes run past the end of the ACL", what,
				i, asize);
			goto cleanup;
		}
		if (parse_ace(p + pos, asize, aces ? &aces[i] : NULL, what, i, err, errlen) != 0)
			goto cleanup;
		pos += asize;
	}
	if (acl) {
		acl->revision = p[0];
		acl->aces = aces;
		acl->naces = count;
		aces = NULL;
	}
	*end = off + size;
	rc = 0;
cleanup:
	free(aces);
	return rc;
}

/* A nonzero offset must point past the header and inside the buffer. */
static int check_offset(uint32_t off, size_t len, const char *what, char *err, size_t errlen)
{
	if (off < SD_HEADER) {
		set_err(err, errlen, "%s offset %lu points into the 20-byte header", what,
			(unsigned long)off);
		return -1;
	}
	if (off >= len) {
		set_err(err, errlen, "%s offset %lu is past the end (%zu bytes)", what,
			(unsigned long)off, len);
		return -1;
	}
	return 0;
}

static int parse_sid_at(const unsigned char *buf, size_t len, uint32_t off, const char *what,
			struct ew_sid *sid, size_t *end, char *err, size_t errlen)
{
	size_t used;

	if (check_offset(off, len, what, err, errlen) != 0)
		return -1;
	if (ew_sid_parse(buf + off, len - off, sid, &used) != 0) {
		set_err(err, errlen, "%s SID at offset %lu is truncated or invalid", what,
			(unsigned long)off);
		return -1;
	}
	*end = off + used;
	return 0;
}

struct region {
	const char *what;
	size_t start, end;
};

int ew_sd_parse(const unsigned char *buf, size_t len, struct ew_sd **out, char *err,
		size_t errlen)
{
	struct ew_sd *sd = NULL;
	struct region reg[4];
	size_t nreg = 0, i, j, end;
	uint32_t off_owner, off_group, off_sacl, off_dacl;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (out == NULL) {
		set_err(err, errlen, "no result pointer");
		return -1;
	}
	*out = NULL;
	if (buf == NULL || len < SD_HEADER) {
		set_err(err, errlen, "security descriptor of %zu bytes: the header needs 20",
			buf ? len : 0);
		goto cleanup;
	}
	if (len > EW_SD_MAX_SIZE) {
		set_err(err, errlen, "security descriptor of %zu bytes: more than the %d accepted", len,
			EW_SD_MAX_SIZE);
		goto cleanup;
	}
	if (buf[0] != 1) {
		set_err(err, errlen, "security descriptor revision %u (expected 1)", buf[0]);
		goto cleanup;
	}
	sd = calloc(1, sizeof(*sd));
	if (sd == NULL) {
		set_err(err, errlen, "out of memory");
		goto cleanup;
	}
	sd->control = le16(buf + 2);
	if (!(sd->control & EW_SE_SELF_RELATIVE)) {
		set_err(err, errlen, "security descriptor is not self-relative (control 0x%04x)",
			sd->control);
		goto cleanup;
	}
	off_owner = le32(buf + 4);
	off_group = le32(buf + 8);
	off_sacl = le32(buf + 12);
	off_dacl = le32(buf + 16);

	if (off_owner) {
		if (parse_sid_at(buf, len, off_owner, "owner", &sd->owner, &end, err, errlen) != 0)
			goto cleanup;
		sd->has_owner = 1;
		reg[nreg++] = (struct region){ "owner", off_owner, end };
	}
	if (off_group) {
		if (parse_sid_at(buf, len, off_group, "group", &sd->group, &end, err, errlen) != 0)
			goto cleanup;
		sd->has_group = 1;
		reg[nreg++] = (struct region){ "group", off_group, end };
	}
	if (off_sacl) {
		if (check_offset(off_sacl, len, "SACL", err, errlen) != 0 ||
		    parse_acl(buf, len, off_sacl, "SACL", NULL, &end, err, errlen) != 0)
			goto cleanup;
		sd->has_sacl = (sd->control & EW_SE_SACL_PRESENT) != 0;
		reg[nreg++] = (struct region){ "SACL", off_sacl, end };
	}
	if (off_dacl) {
		struct ew_acl acl = { 0, NULL, 0 };

		if (check_offset(off_dacl, len, "DACL", err, errlen) != 0 ||
		    parse_acl(buf, len, off_dacl, "DACL", &acl, &end, err, errlen) != 0)
			goto cleanup;
		/* Windows ignores a DACL whose present flag is clear. */
		if (sd->control & EW_SE_DACL_PRESENT) {
			sd->dacl = acl;
			sd->has_dacl = 1;
		} else {
			free(acl.aces);
		}
		reg[nreg++] = (struct region){ "DACL", off_dacl, end };
	} else if (sd->control & EW_SE_DACL_PRESENT) {
		sd->null_dacl = 1;
	}
	for (i = 0; i < nreg; i++)
		for (j = i + 1; j < nreg; j++)
			if (reg[i].start < reg[j].end && reg[j].start < reg[i].end) {
				set_err(err, errlen, "%s [%zu, %zu) and %s [%zu, %zu) overlap",
					reg[i].what, reg[i].start, reg[i].end, reg[j].what,
					reg[j].start, reg[j].end);
				goto cleanup;
			}
	*out = sd;
	sd = NULL;
	rc = 0;
cleanup:
	ew_sd_free(&sd);
	return rc;
}

void ew_sd_free(struct ew_sd **sd)
{
	if (sd == NULL || *sd == NULL)
		return;
	free((*sd)->dacl.aces);
	free(*sd);
	*sd = NULL;
}

/* ---- access check ---- */

uint32_t ew_sd_map_generic(uint32_t mask)
{
	uint32_t m = mask & ~(uint32_t)(EW_GENERIC_ALL | EW_GENERIC_EXECUTE | EW_GENERIC_WRITE |
					EW_GENERIC_READ);

	if (mask & EW_GENERIC_ALL)
		m |= EW_DS_FULL_CONTROL;
	if (mask & EW_GENERIC_READ)
		m |= EW_SD_READ_CONTROL | EW_DS_LIST | EW_DS_READ_PROP | EW_DS_LIST_OBJECT;
	if (mask & EW_GENERIC_WRITE)
		m |= EW_SD_READ_CONTROL | EW_DS_SELF | EW_DS_WRITE_PROP;
	if (mask & EW_GENERIC_EXECUTE)
		m |= EW_SD_READ_CONTROL | EW_DS_LIST;
	return m;
}

static const struct ew_sid OWNER_RIGHTS = { 1, 1, 3, { 4 } };

static int sid_in(const struct ew_sid *sid, const struct ew_sid *sids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ew_sid_equal(sid, &sids[i]))
			return 1;
	return 0;
}

/* 1 allow, -1 deny, 0 not an access ACE. */
static int ace_kind(const struct ew_ace *a)
{
	switch (a->type) {
	case EW_ACE_ALLOWED:
	case EW_ACE_ALLOWED_OBJECT:
		return 1;
	case EW_ACE_DENIED:
	case EW_ACE_DENIED_OBJECT:
		return -1;
	default:
		return 0;
	}
}

static int ace_object_applies(const struct ew_ace *a, const unsigned char *object_guid,
			      const unsigned char *property_set_guid)
{
	if (a->type != EW_ACE_ALLOWED_OBJECT && a->type != EW_ACE_DENIED_OBJECT)
		return 1;
	if (!a->has_object_type)
		return 1;
	if (object_guid && memcmp(object_guid, a->object_type, 16) == 0)
		return 1;
	if (property_set_guid && memcmp(property_set_guid, a->object_type, 16) == 0)
		return 1;
	return 0;
}

uint32_t ew_sd_access(const struct ew_sd *sd, const struct ew_sid *sids, size_t n,
		      const unsigned char *object_guid, const unsigned char *property_set_guid,
		      uint32_t desired, uint32_t *denied_out)
{
	uint32_t want, remaining, granted = 0, denied = 0;
	int is_owner, owner_rights_aces = 0;
	size_t i;

	if (denied_out)
		*denied_out = 0;
	if (sd == NULL)
		return 0;
	if (sids == NULL)
		n = 0;
	want = ew_sd_map_generic(desired);
	if (!sd->has_dacl)
		return want;	/* NULL DACL, or none at all */
	remaining = want;
	is_owner = sd->has_owner && sid_in(&sd->owner, sids, n);
	if (is_owner) {
		for (i = 0; i < sd->dacl.naces; i++) {
			const struct ew_ace *a = &sd->dacl.aces[i];

			if (ace_kind(a) != 0 && !(a->flags & EW_ACE_INHERIT_ONLY) &&
			    ew_sid_equal(&a->sid, &OWNER_RIGHTS))
				owner_rights_aces = 1;
		}
		if (!owner_rights_aces) {
			granted = remaining & (EW_SD_READ_CONTROL | EW_SD_WRITE_DAC);
			remaining &= ~granted;
		}
	}
	for (i = 0; i < sd->dacl.naces && remaining; i++) {
		const struct ew_ace *a = &sd->dacl.aces[i];
		int kind = ace_kind(a);
		uint32_t m;

		if (kind == 0 || (a->flags & EW_ACE_INHERIT_ONLY))
			continue;
		if (!sid_in(&a->sid, sids, n) &&
		    !(owner_rights_aces && ew_sid_equal(&a->sid, &OWNER_RIGHTS)))
			continue;
		if (!ace_object_applies(a, object_guid, property_set_guid))
			continue;
		m = ew_sd_map_generic(a->mask) & remaining;
		if (kind > 0)
			granted |= m;
		else
			denied |= m;
		remaining &= ~m;
	}
	if (denied_out)
		*denied_out = denied;
	return granted;
}

/* ---- text ---- */

static const struct {
	uint32_t bit;
	const char *text;
} RIGHTS[] = {
	{ EW_DS_CREATE_CHILD, "CC" },
	{ EW_DS_DELETE_CHILD, "DC" },
	{ EW_DS_LIST, "LC" },
	{ EW_DS_SELF, "SW" },
	{ EW_DS_READ_PROP, "RP" },
	{ EW_DS_WRITE_PROP, "WP" },
	{ EW_DS_DELETE_TREE, "DT" },
	{ EW_DS_LIST_OBJECT, "LO" },
	{ EW_DS_CONTROL_ACCESS, "CR" },
	{ EW_SD_DELETE, "SD" },
	{ EW_SD_READ_CONTROL, "RC" },
	{ EW_SD_WRITE_DAC, "WD" },
	{ EW_SD_WRITE_OWNER, "WO" },
	{ EW_GENERIC_ALL, "GA" },
	{ EW_GENERIC_EXECUTE, "GX" },
	{ EW_GENERIC_WRITE, "GW" },
	{ EW_GENERIC_READ, "GR" },
};

void ew_sd_rights_text(uint32_t mask, char *buf, size_t len)
{
	char tmp[EW_SD_RIGHTS_STRLEN];
	uint32_t known = 0;
	size_t i, off = 0, n;

	if (buf == NULL || len == 0)
		return;
	for (i = 0; i < sizeof(RIGHTS) / sizeof(RIGHTS[0]); i++)
		known |= RIGHTS[i].bit;
	if (mask == 0 || (mask & ~known)) {
		snprintf(tmp, sizeof(tmp), "0x%lx", (unsigned long)mask);
	} else {
		for (i = 0; i < sizeof(RIGHTS) / sizeof(RIGHTS[0]); i++)
			if (mask & RIGHTS[i].bit) {
				memcpy(tmp + off, RIGHTS[i].text, 2);
				off += 2;
			}
		tmp[off] = '\0';
	}
	n = strlen(tmp);
	if (n >= len) {
		buf[0] = '\0';
		return;
	}
	memcpy(buf, tmp, n + 1);
}

int ew_guid_parse(const char *text, unsigned char out[16])
{
	/* Byte i of the binary form comes from the hex pair at POS[i]. */
	static const unsigned char POS[16] = { 6,  4,  2,  0,  11, 9,  16, 14,
					       19, 21, 24, 26, 28, 30, 32, 34 };
	unsigned char g[16];
	size_t i, n;

	if (text == NULL || out == NULL)
		return -1;
	n = strlen(text);
	if (n == 38 && text[0] == '{' && text[37] == '}') {
		text++;
		n = 36;
	}
	if (n != 36)
		return -1;
	for (i = 0; i < 36; i++) {
		char c = text[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -1;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			     (c >= 'A' && c <= 'F'))) {
			return -1;
		}
	}
	for (i = 0; i < 16; i++) {
		unsigned v = 0, k;

		for (k = 0; k < 2; k++) {
			char c = text[POS[i] + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				v |= (unsigned)(c - 'A' + 10);
		}
		g[i] = (unsigned char)v;
	}
	memcpy(out, g, 16);
	return 0;
}

void ew_guid_format(const unsigned char g[16], char *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return;
	if (g == NULL || len < EW_GUID_STRLEN) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, len,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3],
		 g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
		 g[14], g[15]);
}

static const struct {
	const char *sid;
	const char *alias;
} ALIASES[] = {
	{ "S-1-1-0", "WD" },	   { "S-1-3-0", "CO" },	      { "S-1-3-1", "CG" },
	{ "S-1-3-4", "OW" },	   { "S-1-5-2", "NU" },	      { "S-1-5-4", "IU" },
	{ "S-1-5-6", "SU" },	   { "S-1-5-7", "AN" },	      { "S-1-5-9", "ED" },
	{ "S-1-5-10", "PS" },	   { "S-1-5-11", "AU" },      { "S-1-5-12", "RC" },
	{ "S-1-5-18", "SY" },	   { "S-1-5-19", "LS" },      { "S-1-5-20", "NS" },
	{ "S-1-5-32-544", "BA" },  { "S-1-5-32-545", "BU" },  { "S-1-5-32-546", "BG" },
	{ "S-1-5-32-547", "PU" },  { "S-1-5-32-548", "AO" },  { "S-1-5-32-549", "SO" },
	{ "S-1-5-32-550", "PO" },  { "S-1-5-32-551", "BO" },  { "S-1-5-32-552", "RE" },
	{ "S-1-5-32-554", "RU" },  { "S-1-5-32-555", "RD" },  { "S-1-5-32-556", "NO" },
};

static void add_sid(struct ew_buf *b, const struct ew_sid *sid)
{
	char text[EW_SID_STRLEN];
	size_t i;

	if (sid->revision == 0)
		return;	/* an ACE of unknown layout */
	if (ew_sid_format(sid, text, sizeof(text)) == 0)
		return;
	for (i = 0; i < sizeof(ALIASES) / sizeof(ALIASES[0]); i++)
		if (strcmp(text, ALIASES[i].sid) == 0) {
			ew_buf_adds(b, ALIASES[i].alias);
			return;
		}
	ew_buf_adds(b, text);
}

static const char *ace_type_text(uint8_t type)
{
	switch (type) {
	case 0x0: return "A";
	case 0x1: return "D";
	case 0x2: return "AU";
	case 0x3: return "AL";
	case 0x5: return "OA";
	case 0x6: return "OD";
	case 0x7: return "OU";
	case 0x8: return "OL";
	case 0x9: return "XA";
	case 0xA: return "XD";
	case 0xB: return "ZA";
	case 0xD: return "XU";
	case 0x11: return "ML";
	case 0x12: return "RA";
	case 0x13: return "SP";
	default: return NULL;
	}
}

static void add_ace(struct ew_buf *b, const struct ew_ace *a)
{
	static const struct {
		uint8_t bit;
		const char *text;
	} FLAGS[] = {
		{ EW_ACE_OBJECT_INHERIT, "OI" }, { EW_ACE_CONTAINER_INHERIT, "CI" },
		{ EW_ACE_NO_PROPAGATE, "NP" },	 { EW_ACE_INHERIT_ONLY, "IO" },
		{ EW_ACE_INHERITED, "ID" },	 { EW_ACE_SUCCESSFUL_ACCESS, "SA" },
		{ EW_ACE_FAILED_ACCESS, "FA" },
	};
	const char *type = ace_type_text(a->type);
	char text[EW_SD_RIGHTS_STRLEN];
	unsigned rest = a->flags;
	size_t i;

	ew_buf_addc(b, '(');
	if (type)
		ew_buf_adds(b, type);
	else
		ew_buf_printf(b, "0x%x", a->type);
	ew_buf_addc(b, ';');
	for (i = 0; i < sizeof(FLAGS) / sizeof(FLAGS[0]); i++)
		if (a->flags & FLAGS[i].bit) {
			ew_buf_adds(b, FLAGS[i].text);
			rest &= ~(unsigned)FLAGS[i].bit;
		}
	if (rest)
		ew_buf_printf(b, "0x%x", rest);
	ew_buf_addc(b, ';');
	ew_sd_rights_text(a->mask, text, sizeof(text));
	ew_buf_adds(b, text);
	ew_buf_addc(b, ';');
	if (a->has_object_type) {
		ew_guid_format(a->object_type, text, sizeof(text));
		ew_buf_adds(b, text);
	}
	ew_buf_addc(b, ';');
	if (a->has_inherited_object_type) {
		ew_guid_format(a->inherited_object_type, text, sizeof(text));
		ew_buf_adds(b, text);
	}
	ew_buf_addc(b, ';');
	add_sid(b, &a->sid);
	ew_buf_addc(b, ')');
}

char *ew_sd_to_sddl(const struct ew_sd *sd)
{
	struct ew_buf b = { NULL, 0, 0, 0 };
	size_t i;

	if (sd == NULL)
		return NULL;
	if (sd->has_owner) {
		ew_buf_adds(&b, "O:");
		add_sid(&b, &sd->owner);
	}
	if (sd->has_group) {
		ew_buf_adds(&b, "G:");
		add_sid(&b, &sd->group);
	}
	if (sd->has_dacl || sd->null_dacl) {
		ew_buf_adds(&b, "D:");
		if (sd->control & EW_SE_DACL_PROTECTED)
			ew_buf_adds(&b, "P");
		if (sd->control & EW_SE_DACL_AUTO_INHERIT_REQ)
			ew_buf_adds(&b, "AR");
		if (sd->control & EW_SE_DACL_AUTO_INHERITED)
			ew_buf_adds(&b, "AI");
		if (sd->null_dacl)
			ew_buf_adds(&b, "NO_ACCESS_CONTROL");
		for (i = 0; i < sd->dacl.naces; i++)
			add_ace(&b, &sd->dacl.aces[i]);
	}
	return ew_buf_take(&b);	/* NULL when out of memory */
}
