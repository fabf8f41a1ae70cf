/* test_text.c - ew_text_clean, ew_text_is_clean and the growable buffer. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* ew_text_clean(in, n) must give exactly want, which must itself be clean. */
static void expect_clean(const char *in, size_t n, const char *want)
{
	char *out = ew_text_clean(in, n);

	assert_non_null(out);
	assert_string_equal(out, want);
	assert_true(ew_text_is_clean(out, strlen(out)));
	/* The input counts as clean exactly when it comes out unchanged. */
	assert_int_equal(ew_text_is_clean(in, n),
			 n == strlen(want) && memcmp(in, want, n) == 0);
	free(out);
}

#define EXPECT(lit, want) expect_clean(lit, sizeof(lit) - 1, want)

static void test_null_and_empty(void **state)
{
	char *s;

	(void)state;
	s = ew_text_cleanz(NULL);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	s = ew_text_clean(NULL, 12);	/* the length of a NULL string is ignored */
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	s = ew_text_clean("", 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	s = ew_text_clean("abc", 0);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	assert_true(ew_text_is_clean(NULL, 0));
	assert_true(ew_text_is_clean("", 0));
}

static void test_plain_ascii_unchanged(void **state)
{
	char all[0x7f - 0x20 + 1];
	char *s;
	int c;

	(void)state;
	EXPECT("exch1.exwiz.test", "exch1.exwiz.test");
	EXPECT("Hello, world! 100% {json} [x] \\ ~", "Hello, world! 100% {json} [x] \\ ~");
	for (c = 0x20; c < 0x7f; c++)
		all[c - 0x20] = (char)c;
	all[sizeof(all) - 1] = '\0';
	s = ew_text_cleanz(all);
	assert_non_null(s);
	assert_string_equal(s, all);
	assert_true(ew_text_is_clean(all, strlen(all)));
	free(s);
}

static void test_escape_sequence(void **state)
{
	(void)state;
	EXPECT("\x1b[31m", "\\x1b[31m");
	EXPECT("red\x1b[31mX\x1b[0m", "red\\x1b[31mX\\x1b[0m");
	/* An OSC title change with BEL as terminator. */
	EXPECT("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07");
}

static void test_cr_lf_tab_nul(void **state)
{
	char *s;

	(void)state;
	EXPECT("a\rb", "a\\rb");
	EXPECT("a\nb", "a\\nb");
	EXPECT("a\tb", "a\\tb");
	EXPECT("\r\n", "\\r\\n");
	/* A NUL in the middle only counts with an explicit length. */
	EXPECT("a\0b", "a\\0b");
	EXPECT("\0", "\\0");
	s = ew_text_cleanz("a\0b");
	assert_string_equal(s, "a");
	free(s);
	/* Only the first len bytes are looked at. */
	s = ew_text_clean("abc\x1b", 3);
	assert_string_equal(s, "abc");
	free(s);
	assert_true(ew_text_is_clean("ab\x1b", 2));
	assert_false(ew_text_is_clean("ab\x1b", 3));
}

static void test_other_c0_and_del(void **state)
{
	char in[2] = { 0, 0 }, want[8];
	char *s;
	int c;

	(void)state;
	EXPECT("\x7f", "\\x7f");
	EXPECT("a\x7f" "b", "a\\x7fb");
	EXPECT("\x01\x07\x08\x0b\x0c\x1f", "\\x01\\x07\\x08\\x0b\\x0c\\x1f");
	for (c = 1; c < 0x20; c++) {
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		in[0] = (char)c;
		snprintf(want, sizeof(want), "\\x%02x", c);
		s = ew_text_clean(in, 1);
		assert_string_equal(s, want);
		free(s);
		assert_false(ew_text_is_clean(in, 1));
	}
}

static void test_c1_controls(void **state)
{
	(void)state;
	EXPECT("\xc2\x9b", "\\u009b");		/* CSI */
	EXPECT("x\xc2\x9b" "31m", "x\\u009b31m");
	EXPECT("\xc2\x80", "\\u0080");
	EXPECT("\xc2\x9f", "\\u009f");
	EXPECT("\xc2\xa0", "\xc2\xa0");		/* U+00A0 is not a control */
}

static void test_bidi_and_separators(void **state)
{
	(void)state;
	EXPECT("\xe2\x80\xae", "\\u202e");	/* RIGHT-TO-LEFT OVERRIDE */
	EXPECT("abc\xe2\x80\xae" "fdp.exe", "abc\\u202efdp.exe");
	EXPECT("\xe2\x80\xaa", "\\u202a");
	EXPECT("\xe2\x81\xa6", "\\u2066");
	EXPECT("\xe2\x81\xa9", "\\u2069");
	EXPECT("\xe2\x80\x8e", "\\u200e");
	EXPECT("\xe2\x80\x8f", "\\u200f");
	EXPECT("\xd8\x9c", "\\u061c");
	EXPECT("\xef\xbb\xbf", "\\ufeff");
	EXPECT("\xe2\x80\xa8", "\\u2028");
	EXPECT("\xe2\x80\xa9", "\\u2029");
	/* Neighbours of those ranges are ordinary text. */
	EXPECT("\xe2\x80\xaf", "\xe2\x80\xaf");	/* U+202F */
	EXPECT("\xe2\x81\xa5", "\xe2\x81\xa5");	/* U+2065 */
}

static void test_valid_multibyte_unchanged(void **state)
{
	(void)state;
	EXPECT("\xc3\xa9", "\xc3\xa9");			/* é */
	EXPECT("\xe2\x82\xac", "\xe2\x82\xac");		/* € */
	EXPECT("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");	/* 😀 */
	EXPECT("Jos\xc3\xa9 paid 5\xe2\x82\xac \xf0\x9f\x98\x80",
	       "Jos\xc3\xa9 paid 5\xe2\x82\xac \xf0\x9f\x98\x80");
	EXPECT("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");	/* U+10FFFF, the last one */
	EXPECT("\xed\x9f\xbf", "\xed\x9f\xbf");		/* U+D7FF, before the surrogates */
	EXPECT("\xee\x80\x80", "\xee\x80\x80");		/* U+E000, after them */
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	EXPECT("\xff", "\\xff");
	EXPECT("\xfe\xff", "\\xfe\\xff");
	EXPECT("\x80", "\\x80");			/* lone continuation byte */
	EXPECT("a\xe2\x82", "a\\xe2\\x82");		/* truncated at the end */
	EXPECT("\xf0\x9f\x98", "\\xf0\\x9f\\x98");
	EXPECT("\xe2\x82" "A", "\\xe2\\x82A");		/* truncated in the middle */
	EXPECT("\xc0\xaf", "\\xc0\\xaf");		/* overlong '/' */
	EXPECT("\xe0\x80\xaf", "\\xe0\\x80\\xaf");	/* overlong, 3 bytes */
	EXPECT("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");
	EXPECT("\xc1\xbf", "\\xc1\\xbf");
	EXPECT("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* surrogate U+D800 */
	EXPECT("\xed\xbf\xbf", "\\xed\\xbf\\xbf");	/* surrogate U+DFFF */
	EXPECT("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* U+110000 */
	EXPECT("\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80");
	/* Valid text after a bad byte is kept. */
	EXPECT("\xff\xc3\xa9" "ok", "\\xff\xc3\xa9ok");
	/* An overlong encoding of ESC is not an ESC, but is escaped all the same. */
	EXPECT("\xc0\x9b", "\\xc0\\x9b");
}

/* Deterministic pseudo-random bytes. */
static uint32_t lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

static void check_property(const unsigned char *in, size_t n)
{
	char *out = ew_text_clean((const char *)in, n);
	size_t olen;

	assert_non_null(out);
	olen = strlen(out);
	assert_true(ew_text_is_clean(out, olen));
	assert_false(tu_has_raw_control(out, olen));
	assert_null(memchr(out, '\n', olen));
	/* Cleaning is the identity exactly on clean text. */
	if (ew_text_is_clean((const char *)in, n)) {
		assert_int_equal(olen, n);
		assert_memory_equal(out, in, n);
	} else {
		assert_true(olen != n || memcmp(out, in, n) != 0);
	}
	/* And cleaning clean text again changes nothing. */
	{
		char *again = ew_text_clean(out, olen);

		assert_string_equal(again, out);
		free(again);
	}
	free(out);
}

static void test_result_always_clean(void **state)
{
	unsigned char buf[24];
	uint32_t seed = 42;
	unsigned a, b;
	size_t n, i;
	int k;

	(void)state;
	for (a = 0; a < 256; a++) {
		buf[0] = (unsigned char)a;
		check_property(buf, 1);
		for (b = 0; b < 256; b++) {
			buf[1] = (unsigned char)b;
			check_property(buf, 2);
		}
	}
	for (k = 0; k < 20000; k++) {
		n = lcg(&seed) % sizeof(buf);
		for (i = 0; i < n; i++) {
			uint32_t r = lcg(&seed);

			/* Bias towards the interesting lead and continuation bytes. */
			switch (r % 4) {
			case 0: buf[i] = (unsigned char)(0x80 | (r >> 8) % 0x40); break;
			case 1: buf[i] = (unsigned char)(0xc0 | (r >> 8) % 0x40); break;
			case 2: buf[i] = (unsigned char)((r >> 8) % 0x20); break;
			default: buf[i] = (unsigned char)(r >> 8); break;
			}
		}
		check_property(buf, n);
	}
}

static void test_is_clean(void **state)
{
	(void)state;
	assert_true(ew_text_is_clean("bob@EXWIZ.TEST", 14));
	assert_true(ew_text_is_clean("\xc3\xa9\xe2\x82\xac", 5));
	assert_false(ew_text_is_clean("\x1b", 1));
	assert_false(ew_text_is_clean("\xc2\x9b", 2));
	assert_false(ew_text_is_clean("\xe2\x80\xae", 3));
	assert_false(ew_text_is_clean("\xff", 1));
	assert_false(ew_text_is_clean("\xc3", 1));	/* cut by the length */
	assert_true(ew_text_is_clean("\xc3\xa9", 2));
	assert_false(ew_text_is_clean("a\0b", 3));
}

static void test_buf_printf_growth(void **state)
{
	struct ew_buf b = {0};
	char want[1100];
	char *s;
	int i;

	(void)state;
	/* 63 bytes fit in the first 64; the 64th needs more room. */
	ew_buf_printf(&b, "%.63s", "0123456789012345678901234567890123456789012345678901234567890123");
	assert_int_equal(b.len, 63);
	assert_int_equal(b.cap, 64);
	ew_buf_printf(&b, "%c", '!');
	assert_int_equal(b.len, 64);
	assert_true(b.cap > 64);
	assert_int_equal(b.data[64], '\0');
	ew_buf_reset(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);

	want[0] = '\0';
	for (i = 0; i < 100; i++) {
		char part[16];

		snprintf(part, sizeof(part), "[%03d]", i);
		strcat(want, part);
		ew_buf_printf(&b, "[%03d]", i);
		assert_int_equal(b.len, strlen(want));
		assert_true(b.cap > b.len);
		assert_string_equal(b.data, want);
	}
	assert_int_equal(b.len, 500);
	assert_false(b.oom);
	s = ew_buf_take(&b);
	assert_string_equal(s, want);
	free(s);
	/* take resets the buffer. */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);

	/* A single printf longer than the first allocation. */
	ew_buf_printf(&b, "%0200d", 7);
	assert_int_equal(b.len, 200);
	assert_int_equal(b.data[199], '7');
	assert_int_equal(b.data[0], '0');
	ew_buf_reset(&b);
}

static void test_buf_take_empty(void **state)
{
	struct ew_buf b = {0};
	char *s;

	(void)state;
	s = ew_buf_take(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	/* Empty additions still give a NUL-terminated string. */
	ew_buf_add(&b, "", 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	ew_buf_printf(&b, "%s", "");
	assert_int_equal(b.len, 0);
	s = ew_buf_take(&b);
	assert_string_equal(s, "");
	free(s);
	/* reset on an empty buffer is harmless */
	ew_buf_reset(&b);
	ew_buf_reset(&b);
	assert_null(b.data);
}

static void test_buf_add_variants(void **state)
{
	struct ew_buf b = {0};
	char *s;

	(void)state;
	ew_buf_adds(&b, "ab");
	ew_buf_addc(&b, 'c');
	ew_buf_add(&b, "d\0e", 3);	/* bytes as given, NUL included */
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "abcd\0e", 7);
	ew_buf_reset(&b);

	ew_buf_adds(&b, "<");
	ew_buf_add_clean(&b, "\x1b[2J\r\xff\xe2\x80\xae");
	ew_buf_add_clean(&b, NULL);	/* nothing */
	ew_buf_adds(&b, ">");
	s = ew_buf_take(&b);
	assert_string_equal(s, "<\\x1b[2J\\r\\xff\\u202e>");
	free(s);
}

static void test_strprintf(void **state)
{
	char *s;

	(void)state;
	s = ew_strprintf("%s-%d-%05.1f", "x", 42, 3.14159);
	assert_string_equal(s, "x-42-003.1");
	free(s);
	s = ew_strprintf("%s", "");
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	/* ew_strprintf does not clean: that is ew_text_clean's job. */
	s = ew_strprintf("%s", "\x1b");
	assert_string_equal(s, "\x1b");
	free(s);
}

/* Long values are cut for the text views, at a character boundary, and say
 * how long they were; short ones pass whole, cleaned. */
static void test_add_clean_max(void **state)
{
	struct ew_buf b = {0};
	char big[2000];
	char *out;

	(void)state;
	ew_buf_add_clean_max(&b, "short\x1b[2J", 20);
	out = ew_buf_take(&b);
	assert_string_equal(out, "short\\x1b[2J");
	free(out);

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ew_buf_add_clean_max(&b, big, 100);
	out = ew_buf_take(&b);
	assert_int_equal(strspn(out, "A"), 100);
	assert_string_equal(out + 100, "... [1999 bytes in all; the whole value is in the JSON report]");
	free(out);

	/* "\xc3\xa9" (e-acute) straddles the cut at 3: left out whole, not split. */
	ew_buf_add_clean_max(&b, "ab\xc3\xa9" "cdef", 3);
	out = ew_buf_take(&b);
	assert_string_equal(out, "ab... [8 bytes in all; the whole value is in the JSON report]");
	assert_true(ew_text_is_clean(out, strlen(out)));
	free(out);

	ew_buf_add_clean_max(&b, NULL, 3);
	out = ew_buf_take(&b);
	assert_string_equal(out, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_plain_ascii_unchanged),
		cmocka_unit_test(test_escape_sequence),
		cmocka_unit_test(test_cr_lf_tab_nul),
		cmocka_unit_test(test_other_c0_and_del),
		cmocka_unit_test(test_c1_controls),
		cmocka_unit_test(test_bidi_and_separators),
		cmocka_unit_test(test_valid_multibyte_unchanged),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_result_always_clean),
		cmocka_unit_test(test_is_clean),
		cmocka_unit_test(test_buf_printf_growth),
		cmocka_unit_test(test_buf_take_empty),
		cmocka_unit_test(test_buf_add_variants),
		cmocka_unit_test(test_strprintf),
		cmocka_unit_test(test_add_clean_max),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
