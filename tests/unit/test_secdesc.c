/*
 * test_secdesc.c - Windows security descriptors (core/secdesc.c): the
 * self-relative parser and its refusals, the simplified DACL access check,
 * rights and SDDL text, GUIDs, and a mutation loop over a valid descriptor.
 * The default mailbox descriptor is written out byte by byte; the others come
 * from a small builder below, itself checked against those bytes.
 */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secdesc.h"
#include "sid.h"

#define PS "S-1-5-10"
#define SY "S-1-5-18"
#define WD "S-1-1-0"
#define OW "S-1-3-4"
#define BA "S-1-5-32-544"
#define USER "S-1-5-21-1-2-3-1105"
#define GRP "S-1-5-21-1-2-3-1200"
#define OTHER "S-1-5-21-1-2-3-1300"
#define DA "S-1-5-21-1-2-3-512"

/* Personal-Information property set, the user class, User-Force-Change-Password. */
#define G_PERSONAL "77b5b886-944a-11d1-aebd-0000f80367c1"
#define G_USER "bf967aba-0de6-11d0-a285-00aa003049e2"
#define G_RESETPW "00299570-246d-11d0-a768-00aa006e0529"
#define G_ATTR "11111111-2222-3333-4444-555555555555"
#define G_ATTR2 "99999999-8888-7777-6666-555555555555"

/*
 * O:PSG:PSD:(A;CI;CCRC;;;PS), the descriptor a new mailbox gets, in the
 * order Windows lays out a self-relative descriptor: DACL, owner, group.
 */
static const unsigned char MBX_DEFAULT[] = {
	0x01, 0x00,			/* revision 1, Sbz1 */
	0x04, 0x80,			/* control 0x8004: self-relative, DACL present */
	0x30, 0x00, 0x00, 0x00,		/* owner at 48 */
	0x3c, 0x00, 0x00, 0x00,		/* group at 60 */
	0x00, 0x00, 0x00, 0x00,		/* no SACL */
	0x14, 0x00, 0x00, 0x00,		/* DACL at 20 */
	/* 20: ACL */
	0x02, 0x00,			/* ACL revision 2, Sbz1 */
	0x1c, 0x00,			/* AclSize 28 */
	0x01, 0x00,			/* AceCount 1 */
	0x00, 0x00,			/* Sbz2 */
	/* 28: ACE */
	0x00, 0x02, 0x14, 0x00,		/* ACCESS_ALLOWED, CONTAINER_INHERIT, AceSize 20 */
	0x01, 0x00, 0x02, 0x00,		/* mask 0x20001: CC | RC */
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0a, 0x00, 0x00, 0x00, /* S-1-5-10 */
	/* 48: owner */
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0a, 0x00, 0x00, 0x00,
	/* 60: group */
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0a, 0x00, 0x00, 0x00,
};

/* A small deterministic generator (xorshift64*), so failures can be replayed. */
static uint64_t rng_state = 0x5ecde5c0ffee1234ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static struct ew_sid sid_of(const char *s)
{
	struct ew_sid sid;

	assert_int_equal(ew_sid_from_string(s, &sid), 0);
	return sid;
}

static void guid_of(const char *s, unsigned char g[16])
{
	assert_int_equal(ew_guid_parse(s, g), 0);
}

/* ---- builder ---- */

static void w16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void w32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

struct tace {
	uint8_t type, flags;
	uint32_t mask;
	const char *obj, *inh;	/* GUID text or NULL (object ACEs only) */
	const char *sid;
};

static size_t put_sid(unsigned char *p, const char *text)
{
	struct ew_sid sid = sid_of(text);
	size_t n = ew_sid_to_binary(&sid, p, 8 + 4 * EW_SID_MAX_SUB);

	assert_true(n > 0);
	return n;
}

static int is_object(uint8_t type)
{
	return type == EW_ACE_ALLOWED_OBJECT || type == EW_ACE_DENIED_OBJECT ||
	       type == EW_ACE_AUDIT_OBJECT;
}

static size_t put_ace(unsigned char *p, const struct tace *a)
{
	size_t pos = 8;

	p[0] = a->type;
	p[1] = a->flags;
	w32(p + 4, a->mask);
	if (is_object(a->type)) {
		w32(p + 8, (a->obj ? 1u : 0u) | (a->inh ? 2u : 0u));
		pos = 12;
		if (a->obj) {
			guid_of(a->obj, p + pos);
			pos += 16;
		}
		if (a->inh) {
			guid_of(a->inh, p + pos);
			pos += 16;
		}
	}
	pos += put_sid(p + pos, a->sid);
	w16(p + 2, (unsigned)pos);
	return pos;
}

/*
 * A self-relative descriptor into out (cap bytes): header, DACL (when
 * with_dacl), owner, group; the length. control is written as given.
 */
static size_t build_sd(unsigned char *out, size_t cap, unsigned control, const char *owner,
		       const char *group, int with_dacl, const struct tace *aces, size_t n)
{
	size_t pos = 20, i;

	assert_true(cap >= 20 + 8 + 2 * 68 + n * 120);
	memset(out, 0, 20);
	out[0] = 1;
	w16(out + 2, control);
	if (with_dacl) {
		size_t acl = pos;
		unsigned rev = 2;

		pos += 8;
		for (i = 0; i < n; i++) {
			if (is_object(aces[i].type))
				rev = 4;
			pos += put_ace(out + pos, &aces[i]);
		}
		memset(out + acl, 0, 8);
		out[acl] = (unsigned char)rev;
		w16(out + acl + 2, (unsigned)(pos - acl));
		w16(out + acl + 4, (unsigned)n);
		w32(out + 16, (uint32_t)acl);
	}
	if (owner) {
		w32(out + 4, (uint32_t)pos);
		pos += put_sid(out + pos, owner);
	}
	if (group) {
		w32(out + 8, (uint32_t)pos);
		pos += put_sid(out + pos, group);
	}
	return pos;
}

#define CTL_DACL 0x8004u

/* ---- parse helpers: the bytes are copied to a buffer of exactly len bytes
 * so that the sanitizer sees any read past the end. ---- */

static int parse_copy(const unsigned char *b, size_t len, struct ew_sd **out, char *err,
		      size_t errlen)
{
	unsigned char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	if (len)
		memcpy(copy, b, len);
	rc = ew_sd_parse(copy, len, out, err, errlen);
	free(copy);
	return rc;
}

static struct ew_sd *parse_ok(const unsigned char *b, size_t len)
{
	struct ew_sd *sd = NULL;
	char err[256] = "";

	if (parse_copy(b, len, &sd, err, sizeof(err)) != 0)
		fail_msg("refused: %s", err);
	assert_non_null(sd);
	return sd;
}

/* Refused, with a message holding needle. */
static void parse_bad(const unsigned char *b, size_t len, const char *needle)
{
	struct ew_sd *sd = (struct ew_sd *)(uintptr_t)1;
	char err[256] = "";

	assert_int_equal(parse_copy(b, len, &sd, err, sizeof(err)), -1);
	assert_null(sd);
	assert_true(err[0] != '\0');
	if (strstr(err, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", err, needle);
	assert_false(tu_has_raw_control(err, strlen(err)));
}

static void assert_sddl(const struct ew_sd *sd, const char *want)
{
	char *s = ew_sd_to_sddl(sd);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

/* Access for a principal holding the SIDs of a NULL-terminated list. */
static uint32_t acc(const struct ew_sd *sd, const char *const *sids, const char *obj,
		    const char *pset, uint32_t desired, uint32_t *denied)
{
	struct ew_sid list[8];
	unsigned char og[16], pg[16];
	size_t n = 0;

	while (sids && sids[n]) {
		assert_true(n < 8);
		list[n] = sid_of(sids[n]);
		n++;
	}
	if (obj)
		guid_of(obj, og);
	if (pset)
		guid_of(pset, pg);
	return ew_sd_access(sd, list, n, obj ? og : NULL, pset ? pg : NULL, desired, denied);
}

static struct ew_sd *sd_of(unsigned control, const char *owner, const struct tace *aces,
			   size_t n)
{
	unsigned char buf[4096];
	size_t len = build_sd(buf, sizeof(buf), control, owner, SY, 1, aces, n);

	return parse_ok(buf, len);
}

static const char *const ONLY_USER[] = { USER, NULL };

/* ---- NULL and empty ---- */

static void test_null_args(void **state)
{
	struct ew_sd *sd = (struct ew_sd *)(uintptr_t)1;
	char err[64];
	uint32_t denied = 77;
	unsigned char b = 1;

	(void)state;
	assert_int_equal(ew_sd_parse(NULL, 0, &sd, err, sizeof(err)), -1);
	assert_null(sd);
	assert_true(err[0] != '\0');
	sd = (struct ew_sd *)(uintptr_t)1;
	assert_int_equal(ew_sd_parse(&b, 0, &sd, err, sizeof(err)), -1);	/* empty */
	assert_null(sd);
	assert_non_null(strstr(err, "0 bytes"));
	assert_int_equal(ew_sd_parse(MBX_DEFAULT, sizeof(MBX_DEFAULT), NULL, err, sizeof(err)),
			 -1);
	/* err may be NULL or tiny. */
	assert_int_equal(ew_sd_parse(&b, 1, &sd, NULL, 0), -1);
	assert_int_equal(ew_sd_parse(&b, 1, &sd, err, 1), -1);
	assert_string_equal(err, "");
	assert_int_equal(ew_sd_parse(&b, 1, &sd, err, 8), -1);
	assert_int_equal(strlen(err), 7);

	ew_sd_free(NULL);
	sd = NULL;
	ew_sd_free(&sd);
	assert_null(sd);
	assert_int_equal(ew_sd_access(NULL, NULL, 0, NULL, NULL, EW_GENERIC_ALL, &denied), 0);
	assert_int_equal(denied, 0);
	assert_null(ew_sd_to_sddl(NULL));
	ew_sd_rights_text(1, NULL, 0);
	ew_guid_format(NULL, NULL, 0);
	assert_int_equal(ew_guid_parse(NULL, (unsigned char[16]){ 0 }), -1);
}

/* ---- the default mailbox descriptor ---- */

static void test_mailbox_default(void **state)
{
	struct ew_sd *sd;
	struct ew_sid ps = sid_of(PS);
	const char *const self[] = { PS, NULL };
	const char *const other[] = { USER, GRP, NULL };
	uint32_t denied = 77;

	(void)state;
	sd = parse_ok(MBX_DEFAULT, sizeof(MBX_DEFAULT));
	assert_int_equal(sd->control, 0x8004);
	assert_true(sd->has_owner);
	assert_true(sd->has_group);
	assert_true(ew_sid_equal(&sd->owner, &ps));
	assert_true(ew_sid_equal(&sd->group, &ps));
	assert_true(sd->has_dacl);
	assert_false(sd->null_dacl);
	assert_false(sd->has_sacl);
	assert_int_equal(sd->dacl.revision, 2);
	assert_int_equal(sd->dacl.naces, 1);
	assert_int_equal(sd->dacl.aces[0].type, EW_ACE_ALLOWED);
	assert_int_equal(sd->dacl.aces[0].flags, EW_ACE_CONTAINER_INHERIT);
	assert_int_equal(sd->dacl.aces[0].mask, 0x20001);
	assert_false(sd->dacl.aces[0].has_object_type);
	assert_true(ew_sid_equal(&sd->dacl.aces[0].sid, &ps));
	assert_sddl(sd, "O:PSG:PSD:(A;CI;CCRC;;;PS)");

	assert_int_equal(acc(sd, self, NULL, NULL, EW_DS_CREATE_CHILD, &denied),
			 EW_DS_CREATE_CHILD);
	assert_int_equal(denied, 0);
	assert_int_equal(acc(sd, self, NULL, NULL, EW_GENERIC_ALL, NULL),
			 EW_DS_CREATE_CHILD | EW_SD_READ_CONTROL | EW_SD_WRITE_DAC);
	assert_int_equal(acc(sd, other, NULL, NULL, EW_DS_CREATE_CHILD, &denied), 0);
	assert_int_equal(denied, 0);
	assert_int_equal(acc(sd, NULL, NULL, NULL, EW_DS_CREATE_CHILD, NULL), 0);
	ew_sd_free(&sd);
	assert_null(sd);
}

/* The builder writes exactly the hand-encoded bytes, so the other tests can
 * trust it. */
static void test_builder_matches_hand_encoding(void **state)
{
	const struct tace ace = { EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, 0x20001, NULL, NULL,
				  PS };
	unsigned char buf[1024];
	size_t len;

	(void)state;
	len = build_sd(buf, sizeof(buf), CTL_DACL, PS, PS, 1, &ace, 1);
	assert_int_equal(len, sizeof(MBX_DEFAULT));
	assert_memory_equal(buf, MBX_DEFAULT, len);
}

/* ---- rights and GUID text ---- */

static void test_rights_text(void **state)
{
	char buf[EW_SD_RIGHTS_STRLEN];

	(void)state;
	ew_sd_rights_text(0x20001, buf, sizeof(buf));
	assert_string_equal(buf, "CCRC");
	ew_sd_rights_text(EW_GENERIC_ALL, buf, sizeof(buf));
	assert_string_equal(buf, "GA");
	ew_sd_rights_text(EW_DS_READ_PROP | EW_DS_WRITE_PROP | EW_DS_CONTROL_ACCESS, buf,
			  sizeof(buf));
	assert_string_equal(buf, "RPWPCR");
	ew_sd_rights_text(EW_DS_FULL_CONTROL, buf, sizeof(buf));
	assert_string_equal(buf, "CCDCLCSWRPWPDTLOCRSDRCWDWO");
	ew_sd_rights_text(EW_DS_FULL_CONTROL | 0xF0000000u, buf, sizeof(buf));
	assert_string_equal(buf, "CCDCLCSWRPWPDTLOCRSDRCWDWOGAGXGWGR");
	ew_sd_rights_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "0x0");
	ew_sd_rights_text(0x100000, buf, sizeof(buf));	/* SYNCHRONIZE has no letter */
	assert_string_equal(buf, "0x100000");
	ew_sd_rights_text(0x120001, buf, sizeof(buf));
	assert_string_equal(buf, "0x120001");
	ew_sd_rights_text(0xFFFFFFFFu, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffff");
	/* Too small: nothing rather than a misleading part. */
	ew_sd_rights_text(0x20001, buf, 4);
	assert_string_equal(buf, "");
	ew_sd_rights_text(0x20001, buf, 5);
	assert_string_equal(buf, "CCRC");
}

static void test_guid(void **state)
{
	static const unsigned char USER_BIN[16] = { 0xba, 0x7a, 0x96, 0xbf, 0xe6, 0x0d,
						    0xd0, 0x11, 0xa2, 0x85, 0x00, 0xaa,
						    0x00, 0x30, 0x49, 0xe2 };
	unsigned char g[16];
	char buf[EW_GUID_STRLEN];

	(void)state;
	assert_int_equal(ew_guid_parse(G_USER, g), 0);
	assert_memory_equal(g, USER_BIN, 16);
	ew_guid_format(g, buf, sizeof(buf));
	assert_string_equal(buf, G_USER);
	memset(g, 0, sizeof(g));
	assert_int_equal(ew_guid_parse("{BF967ABA-0DE6-11D0-A285-00AA003049E2}", g), 0);
	assert_memory_equal(g, USER_BIN, 16);

	assert_int_equal(ew_guid_parse("", g), -1);
	assert_int_equal(ew_guid_parse("bf967aba-0de6-11d0-a285-00aa003049e", g), -1);
	assert_int_equal(ew_guid_parse("bf967aba-0de6-11d0-a285-00aa003049e22", g), -1);
	assert_int_equal(ew_guid_parse("bf967aba0de6-11d0-a285-00aa003049e2-", g), -1);
	assert_int_equal(ew_guid_parse("bf967abg-0de6-11d0-a285-00aa003049e2", g), -1);
	assert_int_equal(ew_guid_parse("{bf967aba-0de6-11d0-a285-00aa003049e2", g), -1);
	assert_int_equal(ew_guid_parse("bf967aba-0de6-11d0-a285-00aa003049e2}", g), -1);
	assert_int_equal(ew_guid_parse("+f967aba-0de6-11d0-a285-00aa003049e2", g), -1);
	assert_memory_equal(g, USER_BIN, 16);	/* untouched on failure */

	ew_guid_format(USER_BIN, buf, EW_GUID_STRLEN - 1);
	assert_string_equal(buf, "");
}

/* ---- SDDL rendering ---- */

static void test_sddl_full(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_ALLOWED, 0x3, EW_GENERIC_ALL, NULL, NULL, DA },
		{ EW_ACE_ALLOWED_OBJECT, 0x1a, EW_DS_WRITE_PROP, G_PERSONAL, G_USER, PS },
		{ EW_ACE_DENIED_OBJECT, 0x4, EW_DS_CONTROL_ACCESS, G_RESETPW, NULL, "S-1-5-11" },
		{ EW_ACE_ALLOWED, 0, 0x20094, NULL, NULL, "S-1-5-32-554" },
		{ EW_ACE_ALLOWED, 0, EW_DS_FULL_CONTROL, NULL, NULL, BA },
		{ EW_ACE_ALLOWED, 0, EW_DS_READ_PROP, NULL, NULL, USER },
		{ 9, 0, EW_DS_READ_PROP, NULL, NULL, WD },	/* callback allowed */
		{ EW_ACE_AUDIT, 0xC0, EW_DS_WRITE_PROP, NULL, NULL, WD },
		{ EW_ACE_ALLOWED_OBJECT, 0, EW_DS_READ_PROP, NULL, G_USER, "S-1-5-9" },
		{ EW_ACE_ALLOWED, 0x22, 0x1000000, NULL, NULL, "S-1-3-0" },
	};
	struct ew_sd *sd;

	(void)state;
	sd = sd_of(CTL_DACL | EW_SE_DACL_PROTECTED | EW_SE_DACL_AUTO_INHERITED, DA, aces,
		   sizeof(aces) / sizeof(aces[0]));
	assert_int_equal(sd->dacl.revision, 4);
	assert_true(sd->dacl.aces[1].has_object_type);
	assert_true(sd->dacl.aces[1].has_inherited_object_type);
	assert_false(sd->dacl.aces[2].has_inherited_object_type);
	assert_false(sd->dacl.aces[8].has_object_type);
	assert_sddl(sd, "O:S-1-5-21-1-2-3-512G:SYD:PAI"
			"(A;OICI;GA;;;S-1-5-21-1-2-3-512)"
			"(OA;CIIOID;WP;" G_PERSONAL ";" G_USER ";PS)"
			"(OD;NP;CR;" G_RESETPW ";;AU)"
			"(A;;LCRPLORC;;;RU)"
			"(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)"
			"(A;;RP;;;S-1-5-21-1-2-3-1105)"
			"(XA;;RP;;;WD)"
			"(AU;SAFA;WP;;;WD)"
			"(OA;;RP;;" G_USER ";ED)"
			"(A;CI0x20;0x1000000;;;CO)");
	ew_sd_free(&sd);
}

static void test_sddl_dacl_forms(void **state)
{
	unsigned char buf[1024];
	size_t len;
	struct ew_sd *sd;
	const char *const anyone[] = { OTHER, NULL };

	(void)state;
	/* NULL DACL: present flag, offset 0. */
	len = build_sd(buf, sizeof(buf), CTL_DACL, BA, SY, 0, NULL, 0);
	sd = parse_ok(buf, len);
	assert_false(sd->has_dacl);
	assert_true(sd->null_dacl);
	assert_sddl(sd, "O:BAG:SYD:NO_ACCESS_CONTROL");
	ew_sd_free(&sd);

	/* No DACL at all. */
	len = build_sd(buf, sizeof(buf), 0x8000, BA, NULL, 0, NULL, 0);
	sd = parse_ok(buf, len);
	assert_false(sd->has_dacl);
	assert_false(sd->null_dacl);
	assert_false(sd->has_group);
	assert_sddl(sd, "O:BA");
	ew_sd_free(&sd);

	/* Nothing but the header. */
	len = build_sd(buf, sizeof(buf), 0x8000, NULL, NULL, 0, NULL, 0);
	assert_int_equal(len, 20);
	sd = parse_ok(buf, len);
	assert_sddl(sd, "");
	assert_int_equal(acc(sd, anyone, NULL, NULL, EW_DS_WRITE_PROP, NULL), EW_DS_WRITE_PROP);
	ew_sd_free(&sd);

	/* An empty DACL, protected. */
	len = build_sd(buf, sizeof(buf), CTL_DACL | EW_SE_DACL_PROTECTED, NULL, NULL, 1, NULL, 0);
	sd = parse_ok(buf, len);
	assert_true(sd->has_dacl);
	assert_int_equal(sd->dacl.naces, 0);
	assert_null(sd->dacl.aces);
	assert_sddl(sd, "D:P");
	ew_sd_free(&sd);
}

/* A SACL is checked, skipped and never shown. */
static void test_sacl_skipped(void **state)
{
	const struct tace ace = { EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, 0x20001, NULL, NULL,
				  PS };
	const struct tace audit = { EW_ACE_AUDIT, 0xC0, EW_DS_WRITE_PROP, NULL, NULL, WD };
	unsigned char buf[1024];
	size_t len, sacl;
	struct ew_sd *sd;

	(void)state;
	len = build_sd(buf, sizeof(buf), CTL_DACL | EW_SE_SACL_PRESENT, PS, PS, 1, &ace, 1);
	sacl = len;
	memset(buf + sacl, 0, 8);
	buf[sacl] = 2;
	len += 8;
	len += put_ace(buf + len, &audit);
	w16(buf + sacl + 2, (unsigned)(len - sacl));
	w16(buf + sacl + 4, 1);
	w32(buf + 12, (uint32_t)sacl);
	sd = parse_ok(buf, len);
	assert_true(sd->has_sacl);
	assert_int_equal(sd->dacl.naces, 1);
	assert_sddl(sd, "O:PSG:PSD:(A;CI;CCRC;;;PS)");
	ew_sd_free(&sd);

	/* A broken SACL is still refused: it says the bytes are damaged. */
	buf[sacl + 8 + 2] = 3;
	buf[sacl + 8 + 3] = 0;
	parse_bad(buf, len, "SACL ACE 0: size 3");
}

/* Types whose layout is unknown keep their number, render raw, never apply. */
static void test_unknown_ace_type(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_ALLOWED, 0, EW_DS_READ_PROP, NULL, NULL, USER },
		{ EW_ACE_ALLOWED, 0, EW_DS_WRITE_PROP, NULL, NULL, USER },
	};
	unsigned char buf[1024];
	size_t len;
	struct ew_sd *sd;

	(void)state;
	len = build_sd(buf, sizeof(buf), CTL_DACL, NULL, NULL, 1, aces, 2);
	buf[28] = 0x14;	/* first ACE */
	buf[28 + 36] = 4;	/* second (after 36 bytes): the reserved compound type */
	sd = parse_ok(buf, len);
	assert_int_equal(sd->dacl.aces[0].type, 0x14);
	assert_int_equal(sd->dacl.aces[0].mask, EW_DS_READ_PROP);
	assert_int_equal(sd->dacl.aces[0].sid.revision, 0);
	assert_sddl(sd, "D:(0x14;;RP;;;)(0x4;;WP;;;)");
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_READ_PROP | EW_DS_WRITE_PROP, NULL),
			 0);
	ew_sd_free(&sd);
}

/* ---- access truth tables ---- */

static void test_access_deny_before_allow(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_DENIED, 0, EW_DS_WRITE_PROP, NULL, NULL, USER },
		{ EW_ACE_ALLOWED, 0, EW_GENERIC_ALL, NULL, NULL, USER },
	};
	struct ew_sd *sd = sd_of(CTL_DACL, NULL, aces, 2);
	uint32_t denied = 0;

	(void)state;
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_GENERIC_ALL, &denied),
			 EW_DS_FULL_CONTROL & ~(uint32_t)EW_DS_WRITE_PROP);
	assert_int_equal(denied, EW_DS_WRITE_PROP);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_WRITE_PROP, &denied), 0);
	assert_int_equal(denied, EW_DS_WRITE_PROP);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_READ_PROP, &denied),
			 EW_DS_READ_PROP);
	assert_int_equal(denied, 0);
	ew_sd_free(&sd);
}

static void test_access_allow_before_deny(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_ALLOWED, 0, EW_DS_WRITE_PROP | EW_DS_READ_PROP, NULL, NULL, USER },
		{ EW_ACE_DENIED, 0, EW_GENERIC_ALL, NULL, NULL, USER },
	};
	struct ew_sd *sd = sd_of(CTL_DACL, NULL, aces, 2);
	uint32_t denied = 0;

	(void)state;
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_WRITE_PROP, &denied),
			 EW_DS_WRITE_PROP);
	assert_int_equal(denied, 0);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL,
			     EW_DS_WRITE_PROP | EW_DS_CONTROL_ACCESS | EW_DS_READ_PROP, &denied),
			 EW_DS_WRITE_PROP | EW_DS_READ_PROP);
	assert_int_equal(denied, EW_DS_CONTROL_ACCESS);
	ew_sd_free(&sd);
}

static void test_access_inherit_only_ignored(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT | EW_ACE_INHERIT_ONLY, EW_GENERIC_ALL,
		  NULL, NULL, USER },
		{ EW_ACE_DENIED, EW_ACE_INHERIT_ONLY, EW_DS_WRITE_PROP, NULL, NULL, USER },
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, EW_DS_WRITE_PROP, NULL, NULL, USER },
	};
	struct ew_sd *sd = sd_of(CTL_DACL, NULL, aces, 3);
	uint32_t denied = 9;

	(void)state;
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_GENERIC_ALL, &denied),
			 EW_DS_WRITE_PROP);
	assert_int_equal(denied, 0);
	ew_sd_free(&sd);
}

static void test_access_object_ace(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_ALLOWED_OBJECT, 0, EW_DS_WRITE_PROP, G_ATTR, NULL, USER },
	};
	struct ew_sd *sd = sd_of(CTL_DACL, NULL, aces, 1);

	(void)state;
	/* Not for the whole object ... */
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_WRITE_PROP, NULL), 0);
	/* ... for that attribute ... */
	assert_int_equal(acc(sd, ONLY_USER, G_ATTR, NULL, EW_DS_WRITE_PROP, NULL),
			 EW_DS_WRITE_PROP);
	/* ... or an attribute of that property set ... */
	assert_int_equal(acc(sd, ONLY_USER, G_ATTR2, G_ATTR, EW_DS_WRITE_PROP, NULL),
			 EW_DS_WRITE_PROP);
	/* ... and not another one, nor other rights. */
	assert_int_equal(acc(sd, ONLY_USER, G_ATTR2, NULL, EW_DS_WRITE_PROP, NULL), 0);
	assert_int_equal(acc(sd, ONLY_USER, G_ATTR2, G_PERSONAL, EW_DS_WRITE_PROP, NULL), 0);
	assert_int_equal(acc(sd, ONLY_USER, G_ATTR, NULL, EW_DS_READ_PROP, NULL), 0);
	ew_sd_free(&sd);
}

static void test_access_object_ace_forms(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_DENIED_OBJECT, 0, EW_DS_WRITE_PROP, G_ATTR, NULL, USER },
		/* No object type: the whole object; the inherited type plays no part. */
		{ EW_ACE_ALLOWED_OBJECT, 0, EW_DS_WRITE_PROP | EW_DS_READ_PROP, NULL, G_USER,
		  USER },
		{ EW_ACE_ALLOWED_OBJECT, 0, EW_DS_CONTROL_ACCESS, G_RESETPW, NULL, USER },
	};
	struct ew_sd *sd = sd_of(CTL_DACL, NULL, aces, 3);
	uint32_t denied = 0;

	(void)state;
	assert_int_equal(acc(sd, ONLY_USER, G_ATTR, NULL, EW_DS_WRITE_PROP, &denied), 0);
	assert_int_equal(denied, EW_DS_WRITE_PROP);
	assert_int_equal(acc(sd, ONLY_USER, NULL, G_ATTR, EW_DS_WRITE_PROP, &denied), 0);
	assert_int_equal(denied, EW_DS_WRITE_PROP);
	assert_int_equal(acc(sd, ONLY_USER, G_ATTR2, NULL, EW_DS_WRITE_PROP, &denied),
			 EW_DS_WRITE_PROP);
	assert_int_equal(denied, 0);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_WRITE_PROP, NULL),
			 EW_DS_WRITE_PROP);
	/* An extended right is asked for by its GUID. */
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_CONTROL_ACCESS, NULL), 0);
	assert_int_equal(acc(sd, ONLY_USER, G_RESETPW, NULL, EW_DS_CONTROL_ACCESS, NULL),
			 EW_DS_CONTROL_ACCESS);
	ew_sd_free(&sd);
}

static void test_access_generic_mapping(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_ALLOWED, 0, EW_GENERIC_ALL, NULL, NULL, USER },
	};
	const struct tace read[] = {
		{ EW_ACE_ALLOWED, 0, EW_GENERIC_READ, NULL, NULL, USER },
	};
	struct ew_sd *sd = sd_of(CTL_DACL, NULL, aces, 1);

	(void)state;
	assert_int_equal(ew_sd_map_generic(EW_GENERIC_ALL), EW_DS_FULL_CONTROL);
	assert_int_equal(ew_sd_map_generic(EW_GENERIC_READ), 0x20094);
	assert_int_equal(ew_sd_map_generic(EW_GENERIC_WRITE), 0x20028);
	assert_int_equal(ew_sd_map_generic(EW_GENERIC_EXECUTE), 0x20004);
	assert_int_equal(ew_sd_map_generic(EW_DS_CREATE_CHILD | 0x100000), 0x100001);

	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_GENERIC_ALL, NULL), 0xF01FF);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_FULL_CONTROL, NULL), 0xF01FF);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_GENERIC_READ, NULL), 0x20094);
	/* Bits outside full control are not part of GA. */
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, 0x100000 | EW_DS_LIST, NULL), EW_DS_LIST);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, 0, NULL), 0);
	ew_sd_free(&sd);

	sd = sd_of(CTL_DACL, NULL, read, 1);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_GENERIC_ALL, NULL), 0x20094);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_WRITE_PROP, NULL), 0);
	ew_sd_free(&sd);
}

static void test_access_owner(void **state)
{
	const struct tace deny_rc[] = {
		{ EW_ACE_DENIED, 0, EW_SD_READ_CONTROL | EW_SD_WRITE_DAC, NULL, NULL, USER },
	};
	const struct tace owner_rights[] = {
		{ EW_ACE_ALLOWED, 0, EW_SD_READ_CONTROL, NULL, NULL, OW },
	};
	const char *const other[] = { OTHER, NULL };
	struct ew_sd *sd = sd_of(CTL_DACL, USER, NULL, 0);	/* empty DACL */
	uint32_t denied = 7;

	(void)state;
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_GENERIC_ALL, &denied),
			 EW_SD_READ_CONTROL | EW_SD_WRITE_DAC);
	assert_int_equal(denied, 0);
	assert_int_equal(acc(sd, other, NULL, NULL, EW_GENERIC_ALL, NULL), 0);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_DS_WRITE_PROP, NULL), 0);
	ew_sd_free(&sd);

	/* The implicit rights come first: a deny does not take them away. */
	sd = sd_of(CTL_DACL, USER, deny_rc, 1);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_SD_READ_CONTROL | EW_SD_WRITE_DAC,
			     &denied),
			 EW_SD_READ_CONTROL | EW_SD_WRITE_DAC);
	assert_int_equal(denied, 0);
	ew_sd_free(&sd);

	/* An OWNER RIGHTS ACE replaces them. */
	sd = sd_of(CTL_DACL, USER, owner_rights, 1);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_SD_READ_CONTROL | EW_SD_WRITE_DAC,
			     NULL),
			 EW_SD_READ_CONTROL);
	assert_int_equal(acc(sd, other, NULL, NULL, EW_SD_READ_CONTROL, NULL), 0);
	ew_sd_free(&sd);
}

static void test_access_null_and_absent_dacl(void **state)
{
	unsigned char buf[1024];
	size_t len;
	struct ew_sd *sd;
	const char *const other[] = { OTHER, NULL };
	const struct tace ace = { EW_ACE_ALLOWED, 0, EW_DS_READ_PROP, NULL, NULL, USER };
	uint32_t denied = 5;

	(void)state;
	len = build_sd(buf, sizeof(buf), CTL_DACL, BA, SY, 0, NULL, 0);	/* NULL DACL */
	sd = parse_ok(buf, len);
	assert_int_equal(acc(sd, other, NULL, NULL, EW_GENERIC_ALL, &denied), 0xF01FF);
	assert_int_equal(denied, 0);
	assert_int_equal(acc(sd, NULL, G_ATTR, NULL, EW_DS_WRITE_PROP, NULL), EW_DS_WRITE_PROP);
	ew_sd_free(&sd);

	len = build_sd(buf, sizeof(buf), 0x8000, BA, SY, 0, NULL, 0);	/* none */
	sd = parse_ok(buf, len);
	assert_int_equal(acc(sd, other, NULL, NULL, EW_GENERIC_ALL, NULL), 0xF01FF);
	ew_sd_free(&sd);

	/* A DACL whose present flag is clear is ignored, as Windows does. */
	len = build_sd(buf, sizeof(buf), 0x8000, BA, SY, 1, &ace, 1);
	sd = parse_ok(buf, len);
	assert_false(sd->has_dacl);
	assert_false(sd->null_dacl);
	assert_int_equal(acc(sd, other, NULL, NULL, EW_DS_WRITE_PROP, NULL), EW_DS_WRITE_PROP);
	assert_sddl(sd, "O:BAG:SY");
	ew_sd_free(&sd);
}

static void test_access_group_membership(void **state)
{
	const struct tace aces[] = {
		{ EW_ACE_ALLOWED, 0, EW_DS_READ_PROP | EW_DS_WRITE_PROP, NULL, NULL, GRP },
		{ EW_ACE_DENIED, 0, EW_DS_DELETE_TREE, NULL, NULL, WD },
		{ EW_ACE_ALLOWED, 0, EW_GENERIC_ALL, NULL, NULL, OTHER },
		{ EW_ACE_AUDIT, 0, EW_GENERIC_ALL, NULL, NULL, USER },	/* never applies */
		{ 9, 0, EW_GENERIC_ALL, NULL, NULL, USER },		/* callback: never */
	};
	struct ew_sd *sd = sd_of(CTL_DACL, NULL, aces, 5);
	const char *const member[] = { USER, GRP, WD, NULL };
	const char *const outsider[] = { USER, WD, NULL };
	uint32_t denied;

	(void)state;
	assert_int_equal(acc(sd, member, NULL, NULL, EW_GENERIC_ALL, &denied),
			 EW_DS_READ_PROP | EW_DS_WRITE_PROP);
	assert_int_equal(denied, EW_DS_DELETE_TREE);
	assert_int_equal(acc(sd, outsider, NULL, NULL, EW_GENERIC_ALL, &denied), 0);
	assert_int_equal(denied, EW_DS_DELETE_TREE);
	assert_int_equal(acc(sd, ONLY_USER, NULL, NULL, EW_GENERIC_ALL, &denied), 0);
	assert_int_equal(denied, 0);
	ew_sd_free(&sd);
}

/* ---- refusals ---- */

static void test_refuse_header(void **state)
{
	unsigned char b[sizeof(MBX_DEFAULT)];
	struct ew_sd *sd;

	(void)state;
	parse_bad(MBX_DEFAULT, 0, "0 bytes");
	parse_bad(MBX_DEFAULT, 19, "header");

	memcpy(b, MBX_DEFAULT, sizeof(b));
	b[0] = 2;
	parse_bad(b, sizeof(b), "revision 2");
	b[0] = 0;
	parse_bad(b, sizeof(b), "revision 0");

	memcpy(b, MBX_DEFAULT, sizeof(b));
	b[3] = 0x00;	/* absolute form: offsets would be pointers */
	parse_bad(b, sizeof(b), "self-relative");

	/* Offsets past the end. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 4, sizeof(b));
	parse_bad(b, sizeof(b), "owner offset 72 is past the end");
	w32(b + 4, 0xFFFFFFFFu);
	parse_bad(b, sizeof(b), "owner offset");
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 8, 0x80000000u);
	parse_bad(b, sizeof(b), "group offset");
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 16, 1000);
	parse_bad(b, sizeof(b), "DACL offset 1000 is past the end");
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 12, 200);
	parse_bad(b, sizeof(b), "SACL offset 200");

	/* Into the header, the DACL offset pointing at itself included. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 4, 4);
	parse_bad(b, sizeof(b), "owner offset 4 points into the 20-byte header");
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 16, 16);
	parse_bad(b, sizeof(b), "DACL offset 16 points into");

	/* A SID cut by the end of the buffer. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 8, sizeof(b) - 4);
	parse_bad(b, sizeof(b), "group SID at offset 68");
	parse_bad(MBX_DEFAULT, sizeof(MBX_DEFAULT) - 1, "group SID");

	/* Trailing bytes after the parts are fine. */
	{
		unsigned char longer[sizeof(MBX_DEFAULT) + 13];

		memcpy(longer, MBX_DEFAULT, sizeof(MBX_DEFAULT));
		memset(longer + sizeof(MBX_DEFAULT), 0xAB, 13);
		sd = parse_ok(longer, sizeof(longer));
		assert_sddl(sd, "O:PSG:PSD:(A;CI;CCRC;;;PS)");
		ew_sd_free(&sd);
	}
}

static void test_refuse_overlap(void **state)
{
	unsigned char b[sizeof(MBX_DEFAULT)];

	(void)state;
	/* Owner and group on the same bytes. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 8, 48);
	parse_bad(b, sizeof(b), "overlap");
	/* The owner pointing at the SID inside the DACL's ACE. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 4, 36);
	parse_bad(b, sizeof(b), "owner [36, 48) and DACL [20, 48) overlap");
	/* The SACL and the DACL on the same ACL. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 12, 20);
	b[2] |= EW_SE_SACL_PRESENT;
	parse_bad(b, sizeof(b), "overlap");
	/* The group halfway into the owner: both parse as SIDs. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	b[52] = 1;	/* owner's authority bytes become the start of a SID */
	b[53] = 0;
	w32(b + 8, 52);
	parse_bad(b, sizeof(b), "overlap");
}

static void test_refuse_acl(void **state)
{
	unsigned char b[sizeof(MBX_DEFAULT)];

	(void)state;
	/* ACL size larger than the buffer. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w16(b + 22, 0x100);
	parse_bad(b, sizeof(b), "ACL of 256 bytes at offset 20 runs past the end");
	/* The DACL at the very end: no room for its header. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w32(b + 16, sizeof(b) - 4);
	parse_bad(b, sizeof(b), "no room for the 8-byte ACL header");
	/* Sizes below the header or unaligned. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w16(b + 22, 4);
	parse_bad(b, sizeof(b), "ACL size 4");
	w16(b + 22, 30);
	parse_bad(b, sizeof(b), "ACL size 30");
	/* Revisions other than 2 and 4. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	b[20] = 3;
	parse_bad(b, sizeof(b), "ACL revision 3");
	b[20] = 4;
	ew_sd_free(&(struct ew_sd *){ parse_ok(b, sizeof(b)) });
	/* More ACEs than fit. */
	memcpy(b, MBX_DEFAULT, sizeof(b));
	w16(b + 24, 2);
	parse_bad(b, sizeof(b), "claims 2 ACEs but 28 bytes hold at most 1");
	w16(b + 24, 0xFFFF);
	parse_bad(b, sizeof(b), "claims 65535 ACEs");
	/* Fewer is fine: the rest is slack. */
	w16(b + 24, 0);
	ew_sd_free(&(struct ew_sd *){ parse_ok(b, sizeof(b)) });
}

static void test_refuse_ace_sizes(void **state)
{
	static const unsigned SIZES[] = { 0, 3, 12, 18, 22 };
	const struct tace two[] = {
		{ EW_ACE_ALLOWED, 0, EW_DS_READ_PROP, NULL, NULL, "S-1-5-21-1-2-3" },
		{ EW_ACE_ALLOWED, 0, EW_DS_READ_PROP, NULL, NULL, WD },
	};
	unsigned char b[1024];
	char needle[64];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(SIZES) / sizeof(SIZES[0]); i++) {
		memcpy(b, MBX_DEFAULT, sizeof(MBX_DEFAULT));
		w16(b + 30, SIZES[i]);
		snprintf(needle, sizeof(needle), "DACL ACE 0: size %u is below 16 or not a multiple",
			 SIZES[i]);
		parse_bad(b, sizeof(MBX_DEFAULT), needle);
	}
	/* Past the ACL's end (but inside the buffer). */
	memcpy(b, MBX_DEFAULT, sizeof(MBX_DEFAULT));
	w16(b + 30, 24);
	parse_bad(b, sizeof(MBX_DEFAULT), "DACL ACE 0: 24 bytes run past the end of the ACL");

	/* Two ACEs (32 + 20 bytes); the ACL cut so the second runs past it. */
	len = build_sd(b, sizeof(b), CTL_DACL, NULL, NULL, 1, two, 2);
	assert_int_equal(len, 20 + 8 + 32 + 20);
	w16(b + 22, 8 + 32 + 16);
	parse_bad(b, len, "DACL ACE 1: 20 bytes run past the end of the ACL");
	/* Room for two by count, but the first fills it: no header left. */
	w16(b + 22, 8 + 32);
	parse_bad(b, len, "DACL ACE 1: header past the end of the ACL");
	/* The SID must fit in its ACE. */
	len = build_sd(b, sizeof(b), CTL_DACL, NULL, NULL, 1, two, 2);
	w16(b + 28 + 2, 28);	/* first ACE claims 28: its 24-byte SID has only 20 */
	w16(b + 28 + 28 + 2, 24);	/* second starts 4 bytes early; whatever */
	parse_bad(b, len, "DACL ACE 0: SID does not fit");
	/* A SID revision other than 1 inside an ACE. */
	len = build_sd(b, sizeof(b), CTL_DACL, NULL, NULL, 1, two, 2);
	b[28 + 8] = 2;
	parse_bad(b, len, "DACL ACE 0: SID revision 2");
}

/* S-1-5-21 followed by sub-authorities 1, 2, ... up to nsub in total. */
static size_t put_raw_sid(unsigned char *p, unsigned nsub)
{
	unsigned i;

	p[0] = 1;
	p[1] = (unsigned char)nsub;
	memset(p + 2, 0, 5);
	p[7] = 5;
	for (i = 0; i < nsub; i++)
		w32(p + 8 + 4 * i, i == 0 ? 21 : i);
	return 8 + 4 * (size_t)nsub;
}

/* A descriptor with one allowed ACE whose SID has nsub sub-authorities. */
static size_t sd_with_raw_sid(unsigned char *b, unsigned nsub, int as_owner)
{
	size_t pos = 20, acl = 20, ace;

	memset(b, 0, 20);
	b[0] = 1;
	w16(b + 2, CTL_DACL);
	w32(b + 16, 20);
	b[acl] = 2;
	pos = acl + 8;
	ace = pos;
	b[ace] = 0;
	b[ace + 1] = 0;
	w32(b + ace + 4, EW_DS_READ_PROP);
	pos = ace + 8 + put_raw_sid(b + ace + 8, as_owner ? 1 : nsub);
	w16(b + ace + 2, (unsigned)(pos - ace));
	w16(b + acl + 2, (unsigned)(pos - acl));
	w16(b + acl + 4, 1);
	if (as_owner) {
		w32(b + 4, (uint32_t)pos);
		pos += put_raw_sid(b + pos, nsub);
	}
	return pos;
}

static void test_sid_sub_authorities(void **state)
{
	unsigned char b[512];
	size_t len;
	struct ew_sd *sd;
	char *s;

	(void)state;
	len = sd_with_raw_sid(b, 15, 0);
	sd = parse_ok(b, len);
	assert_int_equal(sd->dacl.aces[0].sid.nsub, 15);
	s = ew_sd_to_sddl(sd);
	assert_non_null(s);
	assert_string_equal(s, "D:(A;;RP;;;S-1-5-21-1-2-3-4-5-6-7-8-9-10-11-12-13-14)");
	free(s);
	ew_sd_free(&sd);
	len = sd_with_raw_sid(b, 16, 0);
	parse_bad(b, len, "DACL ACE 0: SID with 16 sub-authorities (at most 15)");

	len = sd_with_raw_sid(b, 15, 1);
	sd = parse_ok(b, len);
	assert_int_equal(sd->owner.nsub, 15);
	ew_sd_free(&sd);
	len = sd_with_raw_sid(b, 16, 1);
	parse_bad(b, len, "owner SID");
	b[len - 64 - 8 + 1] = 255;
	parse_bad(b, len, "owner SID");
}

static void test_refuse_object_ace_short(void **state)
{
	const struct tace full = { EW_ACE_ALLOWED_OBJECT, 0, EW_DS_WRITE_PROP, G_ATTR, G_USER,
				   "S-1-5" };
	const struct tace one = { EW_ACE_ALLOWED_OBJECT, 0, EW_DS_WRITE_PROP, G_ATTR, NULL,
				  "S-1-5" };
	unsigned char b[1024];
	size_t len;
	struct ew_sd *sd;

	(void)state;
	/* 8 + 4 + 16 + 16 + 8 = 52 bytes; exactly enough is fine. */
	len = build_sd(b, sizeof(b), CTL_DACL, NULL, NULL, 1, &full, 1);
	assert_int_equal(b[30], 52);
	sd = parse_ok(b, len);
	assert_true(sd->dacl.aces[0].has_inherited_object_type);
	ew_sd_free(&sd);
	/* Claim 36: room for one GUID and the SID, not two GUIDs. */
	w16(b + 30, 36);
	w16(b + 22, 8 + 36);
	parse_bad(b, len, "too short for its inherited object type GUID");
	/* Claim 20: not even the object type. */
	w16(b + 30, 20);
	w16(b + 22, 8 + 20);
	parse_bad(b, len, "too short for its object type GUID");
	/* 16: not even the flags and a SID. */
	w16(b + 30, 16);
	w16(b + 22, 8 + 16);
	parse_bad(b, len, "object ACE of 16 bytes is too short");

	len = build_sd(b, sizeof(b), CTL_DACL, NULL, NULL, 1, &one, 1);
	assert_int_equal(b[30], 36);
	sd = parse_ok(b, len);
	assert_true(sd->dacl.aces[0].has_object_type);
	assert_false(sd->dacl.aces[0].has_inherited_object_type);
	ew_sd_free(&sd);
	b[28 + 8] = 3;	/* now says both GUIDs are there */
	parse_bad(b, len, "too short for its inherited object type GUID");
}

/* A DACL of count minimal ACEs (allowed RP to S-1-5, 16 bytes each). */
static unsigned char *sd_many_aces(size_t count, size_t claimed, size_t *len)
{
	size_t acl_size = 8 + 16 * count, i;
	unsigned char *b;

	assert_true(acl_size <= 65535);
	*len = 20 + acl_size;
	b = calloc(1, *len);
	assert_non_null(b);
	b[0] = 1;
	w16(b + 2, CTL_DACL);
	w32(b + 16, 20);
	b[20] = 2;
	w16(b + 22, (unsigned)acl_size);
	w16(b + 24, (unsigned)claimed);
	for (i = 0; i < count; i++) {
		unsigned char *p = b + 28 + 16 * i;

		w16(p + 2, 16);
		w32(p + 4, EW_DS_READ_PROP);
		p[8] = 1;
		p[15] = 5;
	}
	return b;
}

static void test_ace_count_limits(void **state)
{
	unsigned char *b;
	size_t len;
	struct ew_sd *sd;
	const char *const s15[] = { "S-1-5", NULL };

	(void)state;
	/* 5000 claimed in a full 64 KiB ACL: over EW_SD_MAX_ACES. */
	b = sd_many_aces(4095, 5000, &len);
	parse_bad(b, len, "claims 5000 ACEs, more than the 4096 accepted");
	/* The limit itself cannot fit: AclSize is 16 bits and an ACE 16 bytes
	 * at least, so the count is refused as more than fit. */
	w16(b + 24, EW_SD_MAX_ACES);
	parse_bad(b, len, "claims 4096 ACEs but 65528 bytes hold at most 4095");
	/* The most that fit: accepted. */
	w16(b + 24, 4095);
	sd = parse_ok(b, len);
	assert_int_equal(sd->dacl.naces, 4095);
	assert_int_equal(acc(sd, s15, NULL, NULL, EW_DS_READ_PROP, NULL), EW_DS_READ_PROP);
	ew_sd_free(&sd);
	free(b);
}

static void test_size_limits(void **state)
{
	size_t big = 2 * 1024 * 1024;
	unsigned char *b = calloc(1, big);
	struct ew_sd *sd;

	(void)state;
	assert_non_null(b);
	memcpy(b, MBX_DEFAULT, sizeof(MBX_DEFAULT));
	parse_bad(b, big, "more than the 1048576 accepted");
	parse_bad(b, EW_SD_MAX_SIZE + 1, "more than the");
	sd = parse_ok(b, EW_SD_MAX_SIZE);	/* padding up to the limit is fine */
	assert_sddl(sd, "O:PSG:PSD:(A;CI;CCRC;;;PS)");
	ew_sd_free(&sd);
	free(b);
}

/* ---- mutations ---- */

static size_t fuzz_base(unsigned char *b, size_t cap)
{
	const struct tace aces[] = {
		{ EW_ACE_ALLOWED_OBJECT, 0x12, EW_DS_WRITE_PROP, G_ATTR, G_USER, USER },
		{ EW_ACE_DENIED_OBJECT, 0, EW_DS_CONTROL_ACCESS, G_RESETPW, NULL, GRP },
		{ EW_ACE_ALLOWED_OBJECT, 0x2, EW_DS_READ_PROP | EW_DS_LIST, NULL, G_USER, PS },
	};
	const struct tace audit = { EW_ACE_AUDIT_OBJECT, 0x40, EW_DS_WRITE_PROP, G_PERSONAL,
				    NULL, WD };
	size_t len, sacl;

	len = build_sd(b, cap, CTL_DACL | EW_SE_SACL_PRESENT | 0x1400, DA, SY, 1, aces, 3);
	sacl = len;
	memset(b + sacl, 0, 8);
	b[sacl] = 4;
	len += 8;
	len += put_ace(b + len, &audit);
	w16(b + sacl + 2, (unsigned)(len - sacl));
	w16(b + sacl + 4, 1);
	w32(b + 12, (uint32_t)sacl);
	return len;
}

static void mutate(unsigned char *b, size_t *len, size_t cap)
{
	static const uint32_t INTERESTING[] = { 0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 19, 20,
						24, 28, 36, 52, 0x7f, 0x80, 0xff, 0x100, 0x7fff,
						0xffff, 0x10000, 0x7fffffff, 0xffffffff };
	unsigned n = 1 + (unsigned)(rng() % 4), k;

	for (k = 0; k < n; k++) {
		uint64_t r = rng();
		size_t at = *len ? (size_t)(r >> 8) % *len : 0;

		switch (r % 7) {
		case 0:	/* a random byte */
			if (*len)
				b[at] = (unsigned char)(r >> 40);
			break;
		case 1:	/* a bit */
			if (*len)
				b[at] ^= (unsigned char)(1u << ((r >> 40) % 8));
			break;
		case 2:	/* an interesting 16-bit value */
			if (*len >= 2) {
				at %= *len - 1;
				w16(b + at, INTERESTING[(r >> 40) % (sizeof(INTERESTING) / sizeof(INTERESTING[0]))]);
			}
			break;
		case 3:	/* an interesting 32-bit value, often at a header offset */
			if (*len >= 4) {
				at = (r >> 48) % 2 ? 4 + 4 * ((r >> 50) % 4) : at % (*len - 3);
				if (at + 4 <= *len)
					w32(b + at,
					    INTERESTING[(r >> 40) % (sizeof(INTERESTING) / sizeof(INTERESTING[0]))]);
			}
			break;
		case 4:	/* cut */
			*len = *len ? (size_t)(r >> 16) % (*len + 1) : 0;
			break;
		case 5:	/* grow with random bytes */
		{
			size_t add = (size_t)(r >> 16) % 40;

			while (add-- && *len < cap)
				b[(*len)++] = (unsigned char)rng();
			break;
		}
		default:	/* a control byte anywhere, for the text check */
			if (*len)
				b[at] = (unsigned char)((r >> 40) % 0x20);
			break;
		}
	}
}

static void test_mutations(void **state)
{
	unsigned char base[2048], work[2048];
	size_t base_len, len;
	unsigned long parsed = 0, refused = 0, iter;
	struct ew_sid sids[3];
	unsigned char g[16];

	(void)state;
	base_len = fuzz_base(base, sizeof(base));
	{
		struct ew_sd *sd = parse_ok(base, base_len);

		assert_int_equal(sd->dacl.naces, 3);
		assert_true(sd->has_sacl);
		ew_sd_free(&sd);
	}
	sids[0] = sid_of(USER);
	sids[1] = sid_of(GRP);
	sids[2] = sid_of(PS);
	guid_of(G_ATTR, g);
	for (iter = 0; iter < 100000; iter++) {
		struct ew_sd *sd = NULL;
		char err[128];
		int rc;

		memcpy(work, base, base_len);
		len = base_len;
		mutate(work, &len, sizeof(work));
		memset(err, 'x', sizeof(err));
		rc = parse_copy(work, len, &sd, err, sizeof(err));
		if (rc == 0) {
			char *s;
			size_t i;

			assert_non_null(sd);
			assert_true(sd->dacl.naces <= EW_SD_MAX_ACES);
			assert_true(sd->has_dacl || sd->dacl.naces == 0);
			assert_false(sd->has_dacl && sd->null_dacl);
			for (i = 0; i < sd->dacl.naces; i++)
				assert_true(sd->dacl.aces[i].sid.nsub <= EW_SID_MAX_SUB);
			s = ew_sd_to_sddl(sd);
			assert_non_null(s);
			assert_false(tu_has_raw_control(s, strlen(s)));
			assert_null(strchr(s, '\n'));
			free(s);
			(void)ew_sd_access(sd, sids, 3, g, NULL, EW_GENERIC_ALL, NULL);
			(void)ew_sd_access(sd, sids, 3, NULL, g, EW_DS_WRITE_PROP, NULL);
			ew_sd_free(&sd);
			parsed++;
		} else {
			assert_int_equal(rc, -1);
			assert_null(sd);
			assert_non_null(memchr(err, '\0', sizeof(err)));
			assert_true(err[0] != '\0');
			assert_false(tu_has_raw_control(err, strlen(err)));
			refused++;
		}
	}
	/* Both sides were exercised. */
	print_message("# %lu mutants parsed, %lu refused\n", parsed, refused);
	assert_true(parsed > 1000);
	assert_true(refused > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_mailbox_default),
		cmocka_unit_test(test_builder_matches_hand_encoding),
		cmocka_unit_test(test_rights_text),
		cmocka_unit_test(test_guid),
		cmocka_unit_test(test_sddl_full),
		cmocka_unit_test(test_sddl_dacl_forms),
		cmocka_unit_test(test_sacl_skipped),
		cmocka_unit_test(test_unknown_ace_type),
		cmocka_unit_test(test_access_deny_before_allow),
		cmocka_unit_test(test_access_allow_before_deny),
		cmocka_unit_test(test_access_inherit_only_ignored),
		cmocka_unit_test(test_access_object_ace),
		cmocka_unit_test(test_access_object_ace_forms),
		cmocka_unit_test(test_access_generic_mapping),
		cmocka_unit_test(test_access_owner),
		cmocka_unit_test(test_access_null_and_absent_dacl),
		cmocka_unit_test(test_access_group_membership),
		cmocka_unit_test(test_refuse_header),
		cmocka_unit_test(test_refuse_overlap),
		cmocka_unit_test(test_refuse_acl),
		cmocka_unit_test(test_refuse_ace_sizes),
		cmocka_unit_test(test_sid_sub_authorities),
		cmocka_unit_test(test_refuse_object_ace_short),
		cmocka_unit_test(test_ace_count_limits),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests_name("secdesc", tests, NULL, NULL);
}
