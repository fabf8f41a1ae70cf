/*
 * test_sid.c - Windows SIDs (core/sid.c): the binary form with its bounds
 * checks, the S-1-... string form both ways, and the domain helpers. The
 * binary SIDs are written out byte by byte here, not produced by the module.
 */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sid.h"

/* S-1-5-21-1004336348-1177238915-682003330-512 (Domain Admins of some domain). */
static const unsigned char DA_BIN[] = {
	0x01, 0x05,				/* revision 1, 5 sub-authorities */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x05,	/* authority 5 (NT), big-endian */
	0x15, 0x00, 0x00, 0x00,			/* 21 */
	0xdc, 0xf4, 0xdc, 0x3b,			/* 1004336348 = 0x3bdcf4dc */
	0x83, 0x3d, 0x2b, 0x46,			/* 1177238915 = 0x462b3d83 */
	0x82, 0x8b, 0xa6, 0x28,			/* 682003330  = 0x28a68b82 */
	0x00, 0x02, 0x00, 0x00,			/* 512 */
};
static const char DA_STR[] = "S-1-5-21-1004336348-1177238915-682003330-512";

/* A small deterministic generator (xorshift64*), so failures can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

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

/* ---- binary form ---- */

static void test_parse_domain_admins(void **state)
{
	struct ew_sid sid;
	size_t used = 0;
	char buf[EW_SID_STRLEN];
	unsigned char bin[128];

	(void)state;
	assert_int_equal(ew_sid_parse(DA_BIN, sizeof(DA_BIN), &sid, &used), 0);
	assert_int_equal(used, sizeof(DA_BIN));
	assert_int_equal(sid.revision, 1);
	assert_int_equal(sid.nsub, 5);
	assert_int_equal(sid.authority, 5);
	assert_int_equal(sid.sub[0], 21);
	assert_int_equal(sid.sub[1], 1004336348u);
	assert_int_equal(sid.sub[2], 1177238915u);
	assert_int_equal(sid.sub[3], 682003330u);
	assert_int_equal(sid.sub[4], 512);
	assert_int_equal(ew_sid_format(&sid, buf, sizeof(buf)), strlen(DA_STR));
	assert_string_equal(buf, DA_STR);

	/* And back: the string gives the same bytes. */
	sid = sid_of(DA_STR);
	memset(bin, 0xee, sizeof(bin));
	assert_int_equal(ew_sid_to_binary(&sid, bin, sizeof(bin)), sizeof(DA_BIN));
	assert_memory_equal(bin, DA_BIN, sizeof(DA_BIN));
	assert_int_equal(bin[sizeof(DA_BIN)], 0xee);	/* nothing written past it */

	/* parse_exact on exactly the bytes; used may be NULL. */
	assert_int_equal(ew_sid_parse_exact(DA_BIN, sizeof(DA_BIN), &sid), 0);
	assert_int_equal(ew_sid_parse(DA_BIN, sizeof(DA_BIN), &sid, NULL), 0);
	assert_int_equal(ew_sid_rid(&sid), 512);
}

static void test_parse_zero_subauthorities(void **state)
{
	static const unsigned char world_auth[] = { 1, 0, 0, 0, 0, 0, 0, 1 };	/* S-1-1 */
	static const unsigned char nt_auth[] = { 1, 0, 0, 0, 0, 0, 0, 5 };	/* S-1-5 */
	struct ew_sid sid;
	size_t used = 99;
	char buf[EW_SID_STRLEN];

	(void)state;
	assert_int_equal(ew_sid_parse(world_auth, sizeof(world_auth), &sid, &used), 0);
	assert_int_equal(used, 8);
	assert_int_equal(sid.nsub, 0);
	assert_int_equal(sid.authority, 1);
	assert_int_equal(ew_sid_format(&sid, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "S-1-1");
	assert_int_equal(ew_sid_rid(&sid), 0);

	assert_int_equal(ew_sid_parse_exact(nt_auth, sizeof(nt_auth), &sid), 0);
	assert_int_equal(ew_sid_format(&sid, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "S-1-5");
}

/* 1, nsub, authority 5, then sub-authorities 1..nsub (little-endian). */
static size_t make_bin(unsigned char *buf, unsigned nsub)
{
	unsigned i;

	memset(buf, 0, 8);
	buf[0] = 1;
	buf[1] = (unsigned char)nsub;
	buf[7] = 5;
	for (i = 0; i < nsub; i++) {
		buf[8 + 4 * i] = (unsigned char)(i + 1);
		buf[9 + 4 * i] = 0;
		buf[10 + 4 * i] = 0;
		buf[11 + 4 * i] = (unsigned char)(0x80 | i);	/* high bit: unsigned */
	}
	return 8 + 4 * (size_t)nsub;
}

static void test_parse_max_subauthorities(void **state)
{
	unsigned char bin[8 + 4 * 16];
	struct ew_sid sid;
	size_t n, used;
	unsigned i;
	char buf[EW_SID_STRLEN];

	(void)state;
	n = make_bin(bin, 15);
	assert_int_equal(n, 68);
	assert_int_equal(ew_sid_parse(bin, n, &sid, &used), 0);
	assert_int_equal(used, 68);
	assert_int_equal(sid.nsub, 15);
	for (i = 0; i < 15; i++)
		assert_int_equal(sid.sub[i], (uint32_t)(i + 1) | (uint32_t)(0x80 | i) << 24);
	/* The longest string there is still fits EW_SID_STRLEN. */
	sid.authority = 0xffffffffffffull;
	for (i = 0; i < 15; i++)
		sid.sub[i] = 0xffffffffu;
	n = ew_sid_format(&sid, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(n, strlen("S-1-0xFFFFFFFFFFFF") + 15 * strlen("-4294967295"));

	/* 16 sub-authorities: refused, even with all the bytes there. */
	n = make_bin(bin, 16);
	assert_int_equal(ew_sid_parse(bin, n, &sid, &used), -1);
	assert_int_equal(ew_sid_parse_exact(bin, n, &sid), -1);
	bin[1] = 255;
	assert_int_equal(ew_sid_parse(bin, n, &sid, &used), -1);
}

static void test_parse_truncated(void **state)
{
	unsigned char bin[68];
	struct ew_sid sid;
	size_t need, len, used;

	(void)state;
	/* Every prefix of the Domain Admins SID, on the heap at its exact size so
	 * that ASan sees a read past it. */
	for (len = 0; len < sizeof(DA_BIN); len++) {
		unsigned char *p = malloc(len ? len : 1);

		assert_non_null(p);
		memcpy(p, DA_BIN, len);
		used = 12345;
		assert_int_equal(ew_sid_parse(p, len, &sid, &used), -1);
		assert_int_equal(used, 12345);	/* untouched on failure */
		assert_int_equal(ew_sid_parse_exact(p, len, &sid), -1);
		free(p);
	}
	/* And of a 15 sub-authority SID. */
	need = make_bin(bin, 15);
	for (len = 0; len < need; len++) {
		unsigned char *p = malloc(len ? len : 1);

		assert_non_null(p);
		memcpy(p, bin, len);
		assert_int_equal(ew_sid_parse(p, len, &sid, &used), -1);
		free(p);
	}
	assert_int_equal(ew_sid_parse(NULL, 8, &sid, &used), -1);
}

static void test_parse_bad_revision(void **state)
{
	unsigned char bin[sizeof(DA_BIN)];
	struct ew_sid sid;

	(void)state;
	memcpy(bin, DA_BIN, sizeof(bin));
	bin[0] = 2;
	assert_int_equal(ew_sid_parse(bin, sizeof(bin), &sid, NULL), -1);
	bin[0] = 0;
	assert_int_equal(ew_sid_parse(bin, sizeof(bin), &sid, NULL), -1);
	bin[0] = 0xff;
	assert_int_equal(ew_sid_parse(bin, sizeof(bin), &sid, NULL), -1);
}

static void test_parse_exact_trailing(void **state)
{
	unsigned char bin[sizeof(DA_BIN) + 4];
	struct ew_sid sid;
	size_t used;

	(void)state;
	memcpy(bin, DA_BIN, sizeof(DA_BIN));
	memset(bin + sizeof(DA_BIN), 0, 4);
	assert_int_equal(ew_sid_parse_exact(bin, sizeof(DA_BIN) + 1, &sid), -1);
	assert_int_equal(ew_sid_parse_exact(bin, sizeof(bin), &sid), -1);
	/* ew_sid_parse takes the prefix and says how much it used. */
	assert_int_equal(ew_sid_parse(bin, sizeof(bin), &sid, &used), 0);
	assert_int_equal(used, sizeof(DA_BIN));
	assert_int_equal(ew_sid_rid(&sid), 512);
}

static void test_two_sids_back_to_back(void **state)
{
	/* S-1-5-32-544 then S-1-1-0, as in a buffer of several SIDs. */
	static const unsigned char two[] = {
		1, 2, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0,
		1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
	};
	struct ew_sid a, b;
	size_t used;
	char buf[EW_SID_STRLEN];

	(void)state;
	assert_int_equal(ew_sid_parse(two, sizeof(two), &a, &used), 0);
	assert_int_equal(used, 16);
	assert_int_equal(ew_sid_parse_exact(two + used, sizeof(two) - used, &b), 0);
	ew_sid_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-5-32-544");
	ew_sid_format(&b, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-1-0");
}

static void test_big_authority_hex(void **state)
{
	static const unsigned char bin[] = {
		1, 1, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x07, 0, 0, 0,
	};
	struct ew_sid sid, back;
	unsigned char out[sizeof(bin)];
	char buf[EW_SID_STRLEN];

	(void)state;
	assert_int_equal(ew_sid_parse_exact(bin, sizeof(bin), &sid), 0);
	assert_true(sid.authority == 0x123456789abcull);
	assert_int_equal(ew_sid_format(&sid, buf, sizeof(buf)), strlen("S-1-0x123456789ABC-7"));
	assert_string_equal(buf, "S-1-0x123456789ABC-7");
	assert_int_equal(ew_sid_from_string(buf, &back), 0);
	assert_true(ew_sid_equal(&sid, &back));
	assert_int_equal(ew_sid_to_binary(&back, out, sizeof(out)), sizeof(bin));
	assert_memory_equal(out, bin, sizeof(bin));

	/* 2^32 exactly: the first hex one, zero-padded to 12 digits. */
	memset(&sid, 0, sizeof(sid));
	sid.revision = 1;
	sid.authority = 1ull << 32;
	assert_int_equal(ew_sid_format(&sid, buf, sizeof(buf)), strlen("S-1-0x000100000000"));
	assert_string_equal(buf, "S-1-0x000100000000");
	assert_int_equal(ew_sid_from_string(buf, &back), 0);
	assert_true(back.authority == 1ull << 32);
	/* 2^32 - 1 is still decimal. */
	sid.authority = 0xffffffffull;
	ew_sid_format(&sid, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-4294967295");
	/* Lower-case hex is read too. */
	assert_int_equal(ew_sid_from_string("S-1-0x123456789abc-7", &back), 0);
	assert_true(back.authority == 0x123456789abcull);
}

/* ---- string form ---- */

static void test_from_string_ok(void **state)
{
	struct ew_sid sid;
	char buf[EW_SID_STRLEN];
	int i;

	(void)state;
	assert_int_equal(ew_sid_from_string("S-1-5-32-544", &sid), 0);
	assert_int_equal(sid.revision, 1);
	assert_int_equal(sid.authority, 5);
	assert_int_equal(sid.nsub, 2);
	assert_int_equal(sid.sub[0], 32);
	assert_int_equal(sid.sub[1], 544);

	assert_int_equal(ew_sid_from_string("s-1-5", &sid), 0);
	assert_int_equal(sid.nsub, 0);
	assert_int_equal(sid.authority, 5);
	ew_sid_format(&sid, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-5");	/* written back in upper case */

	assert_int_equal(ew_sid_from_string("S-1-5-4294967295", &sid), 0);
	assert_int_equal(sid.sub[0], 4294967295u);
	assert_int_equal(ew_sid_from_string("S-1-281474976710655", &sid), 0);	/* 2^48 - 1 */
	assert_true(sid.authority == 0xffffffffffffull);

	/* 15 sub-authorities: the most there can be. */
	strcpy(buf, "S-1-5");
	for (i = 0; i < 15; i++)
		strcat(buf, "-7");
	assert_int_equal(ew_sid_from_string(buf, &sid), 0);
	assert_int_equal(sid.nsub, 15);
	assert_int_equal(sid.sub[14], 7);
}

static void test_from_string_bad(void **state)
{
	static const char *const bad[] = {
		"", "S", "S-", "S-1", "S-1-", "S-1-5-", "S-1-5-x", "S-2-5", "S-0-5",
		"S-01x-5", "X-1-5", "S_1_5", "S-1--5", "S-1-5--21", "-1-5",
		"S-1-5-4294967296",		/* sub-authority over 32 bits */
		"S-1-5-99999999999999999999999",	/* overflows strtoull */
		"S-1-281474976710656",		/* authority over 48 bits */
		"S-1-5-32-544x", "S-1-5-32-544 ", "S-1-5-32-544-", " S-1-5", "S-1-5\n",
		"S-1-5-+5", "S-1- 5", "S-1-5--1", "S-1-5-32-544\x1b[31m",
	};
	struct ew_sid sid;
	char buf[EW_SID_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ew_sid_from_string(bad[i], &sid) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(ew_sid_from_string(NULL, &sid), -1);

	/* 16 sub-authorities. */
	strcpy(buf, "S-1-5");
	for (i = 0; i < 16; i++)
		strcat(buf, "-7");
	assert_int_equal(ew_sid_from_string(buf, &sid), -1);
}

/*
 * "0x" must be followed by hex digits. num() in sid.c hands the rest to
 * strtoull: with no digits strtoull reads nothing and sets end to its own
 * start (two bytes past *p), which num() takes for a number 0; strtoull also
 * skips blanks and takes a sign after the "0x".
 */
static void test_from_string_hex_needs_digits(void **state)
{
	static const char *const bad[] = {
		"S-1-0x", "S-1-0X", "S-1-5-0x", "S-1-0x-5", "S-1-0x 5", "S-1-5-0x+7",
	};
	struct ew_sid sid;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ew_sid_from_string(bad[i], &sid) != -1)
			fail_msg("accepted \"%s\" (authority %llu, %u sub-authorities)", bad[i],
				 (unsigned long long)sid.authority, sid.nsub);
	}
}

static void test_format_small_buffers(void **state)
{
	struct ew_sid sid = sid_of(DA_STR);
	size_t full = strlen(DA_STR), len, i;
	char area[EW_SID_STRLEN + 16];

	(void)state;
	/* len 0: nothing written at all. */
	memset(area, 0x5a, sizeof(area));
	assert_int_equal(ew_sid_format(&sid, area, 0), 0);
	assert_int_equal((unsigned char)area[0], 0x5a);

	for (len = 1; len <= full; len++) {
		char *heap = malloc(len);	/* exact size: ASan catches overflow */

		assert_non_null(heap);
		memset(heap, 'Q', len);
		assert_int_equal(ew_sid_format(&sid, heap, len), 0);
		assert_string_equal(heap, "");
		free(heap);

		memset(area, 0x5a, sizeof(area));
		assert_int_equal(ew_sid_format(&sid, area, len), 0);
		assert_int_equal(area[0], '\0');
		for (i = len; i < sizeof(area); i++)
			assert_int_equal((unsigned char)area[i], 0x5a);	/* canary */
	}
	memset(area, 0x5a, sizeof(area));
	assert_int_equal(ew_sid_format(&sid, area, full + 1), full);
	assert_string_equal(area, DA_STR);
	assert_int_equal((unsigned char)area[full + 1], 0x5a);

	/* A hex authority that does not fit. */
	sid.authority = 0x123456789abcull;
	sid.nsub = 0;
	memset(area, 0x5a, sizeof(area));
	assert_int_equal(ew_sid_format(&sid, area, 10), 0);
	assert_int_equal(area[0], '\0');
	assert_int_equal((unsigned char)area[10], 0x5a);
}

static void test_to_binary_limits(void **state)
{
	struct ew_sid sid = sid_of(DA_STR);
	unsigned char buf[sizeof(DA_BIN) + 8];

	(void)state;
	memset(buf, 0x77, sizeof(buf));
	assert_int_equal(ew_sid_to_binary(&sid, buf, sizeof(DA_BIN) - 1), 0);
	assert_int_equal(buf[0], 0x77);	/* nothing written */
	assert_int_equal(ew_sid_to_binary(&sid, buf, 0), 0);
	assert_int_equal(ew_sid_to_binary(&sid, buf, sizeof(DA_BIN)), sizeof(DA_BIN));
	assert_memory_equal(buf, DA_BIN, sizeof(DA_BIN));
	sid.nsub = 16;
	assert_int_equal(ew_sid_to_binary(&sid, buf, sizeof(buf)), 0);
}

static void test_random_round_trip(void **state)
{
	unsigned char bin[8 + 4 * EW_SID_MAX_SUB];
	char str[EW_SID_STRLEN];
	int round;

	(void)state;
	for (round = 0; round < 5000; round++) {
		struct ew_sid a, b, c;
		size_t n, used, i;
		uint64_t r = rng();

		memset(&a, 0, sizeof(a));
		a.revision = 1;
		a.nsub = (uint8_t)(r % (EW_SID_MAX_SUB + 1));
		switch ((r >> 8) % 4) {	/* small, 32-bit, 48-bit authorities */
		case 0: a.authority = (r >> 16) % 20; break;
		case 1: a.authority = (uint32_t)rng(); break;
		case 2: a.authority = rng() & 0xffffffffffffull; break;
		default: a.authority = 0xffffffffffffull; break;
		}
		for (i = 0; i < a.nsub; i++)
			a.sub[i] = (i % 3 == 2) ? 0xffffffffu : (uint32_t)rng();

		n = ew_sid_to_binary(&a, bin, sizeof(bin));
		assert_int_equal(n, 8 + 4 * (size_t)a.nsub);
		assert_int_equal(ew_sid_parse(bin, n, &b, &used), 0);
		assert_int_equal(used, n);
		assert_true(ew_sid_equal(&a, &b));

		n = ew_sid_format(&a, str, sizeof(str));
		assert_int_equal(n, strlen(str));
		assert_true(n > 0);
		assert_int_equal(ew_sid_from_string(str, &c), 0);
		if (!ew_sid_equal(&a, &c))
			fail_msg("round %d: \"%s\" read back differently", round, str);
	}
}

/* ---- helpers ---- */

static void test_domain_helpers(void **state)
{
	struct ew_sid dom = sid_of("S-1-5-21-1-2-3");
	struct ew_sid da = sid_of("S-1-5-21-1-2-3-512");
	struct ew_sid other = sid_of("S-1-5-21-1-2-4-512");
	struct ew_sid deeper = sid_of("S-1-5-21-1-2-3-512-1");
	struct ew_sid other_auth = sid_of("S-1-6-21-1-2-3-512");
	struct ew_sid builtin = sid_of("S-1-5-32-544");
	struct ew_sid nt = sid_of("S-1-5");
	struct ew_sid d;
	char buf[EW_SID_STRLEN];

	(void)state;
	assert_true(ew_sid_is_domain_of(&dom, &da));
	assert_false(ew_sid_is_domain_of(&dom, &other));
	assert_false(ew_sid_is_domain_of(&dom, &dom));
	assert_false(ew_sid_is_domain_of(&dom, &deeper));
	assert_false(ew_sid_is_domain_of(&dom, &other_auth));
	assert_false(ew_sid_is_domain_of(&da, &dom));
	assert_false(ew_sid_is_domain_of(&dom, &builtin));
	/* S-1-5-32 is the domain of S-1-5-32-544; S-1-5 that of S-1-5-18. */
	assert_true(ew_sid_is_domain_of(&(struct ew_sid){ .revision = 1, .nsub = 1,
				.authority = 5, .sub = { 32 } }, &builtin));
	assert_true(ew_sid_is_domain_of(&nt, &(struct ew_sid){ .revision = 1, .nsub = 1,
				.authority = 5, .sub = { 18 } }));

	assert_int_equal(ew_sid_domain(&da, &d), 0);
	assert_true(ew_sid_equal(&d, &dom));
	assert_true(ew_sid_is_domain_of(&d, &da));
	ew_sid_format(&d, buf, sizeof(buf));
	assert_string_equal(buf, "S-1-5-21-1-2-3");
	assert_int_equal(d.nsub, 4);
	assert_int_equal(d.sub[4], 0);	/* the dropped RID is cleared */
	assert_int_equal(ew_sid_domain(&nt, &d), -1);

	assert_int_equal(ew_sid_rid(&da), 512);
	assert_int_equal(ew_sid_rid(&builtin), 544);
	assert_int_equal(ew_sid_rid(&nt), 0);
}

static void test_equal(void **state)
{
	struct ew_sid a = sid_of("S-1-5-21-1-2-3-512");
	struct ew_sid b = sid_of("S-1-5-21-1-2-3-512");
	struct ew_sid c;

	(void)state;
	assert_true(ew_sid_equal(&a, &b));
	assert_true(ew_sid_equal(&a, &a));
	c = sid_of("S-1-5-21-1-2-3-513");
	assert_false(ew_sid_equal(&a, &c));
	c = sid_of("S-1-5-21-1-2-3");
	assert_false(ew_sid_equal(&a, &c));
	c = sid_of("S-1-5-21-1-2-3-512-0");
	assert_false(ew_sid_equal(&a, &c));
	c = sid_of("S-1-1-21-1-2-3-512");
	assert_false(ew_sid_equal(&a, &c));
	/* Slots past nsub do not take part. */
	b.sub[10] = 99;
	assert_true(ew_sid_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_domain_admins),
		cmocka_unit_test(test_parse_zero_subauthorities),
		cmocka_unit_test(test_parse_max_subauthorities),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_bad_revision),
		cmocka_unit_test(test_parse_exact_trailing),
		cmocka_unit_test(test_two_sids_back_to_back),
		cmocka_unit_test(test_big_authority_hex),
		cmocka_unit_test(test_from_string_ok),
		cmocka_unit_test(test_from_string_bad),
		cmocka_unit_test(test_from_string_hex_needs_digits),
		cmocka_unit_test(test_format_small_buffers),
		cmocka_unit_test(test_to_binary_limits),
		cmocka_unit_test(test_random_round_trip),
		cmocka_unit_test(test_domain_helpers),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests_name("sid", tests, NULL, NULL);
}
