/*
 * test_directory.c - the pure parts of the LDAP module (range names, filter
 * escaping, the SD_FLAGS control, attribute lookup) and ew_dir_open's
 * refusals, which must come before any network use.
 *
 * ldap_initialize and connect are replaced here (a definition in the program
 * wins over the shared libraries' ones): they count calls and never reach
 * the network, so a refusal that came too late shows up as a count.
 */
#include "testutil.h"

#include <errno.h>
#include <ldap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "directory.h"

static int init_calls;
static int connect_calls;
static char init_url[256];

int ldap_initialize(LDAP **ldp, const char *url)
{
	init_calls++;
	snprintf(init_url, sizeof(init_url), "%s", url ? url : "(null)");
	*ldp = NULL;
	return LDAP_NO_MEMORY;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	(void)fd;
	(void)sa;
	(void)len;
	connect_calls++;
	errno = ECONNREFUSED;
	return -1;
}

static int reset_counts(void **state)
{
	(void)state;
	init_calls = connect_calls = 0;
	init_url[0] = '\0';
	return 0;
}

/* ---- ew_dir_parse_range ---- */

static void expect_range(const char *in, int want_rc, const char *want_name, long want_low,
			 long want_high)
{
	char name[64];
	long low = 12345, high = 12345;
	int rc = ew_dir_parse_range(in, name, sizeof(name), &low, &high);

	assert_int_equal(rc, want_rc);
	if (rc >= 0) {
		assert_string_equal(name, want_name);
		assert_int_equal(low, want_low);
		assert_int_equal(high, want_high);
	}
}

static void test_range_plain(void **state)
{
	(void)state;
	expect_range("member", 0, "member", 0, -1);
	expect_range("tokenGroups", 0, "tokenGroups", 0, -1);
	expect_range("userCertificate;binary", 0, "userCertificate;binary", 0, -1);
	/* "range" without the option separator is just a name */
	expect_range("rangeX", 0, "rangeX", 0, -1);
}

static void test_range_ranged(void **state)
{
	(void)state;
	expect_range("member;range=0-1499", 1, "member", 0, 1499);
	expect_range("member;range=1500-2999", 1, "member", 1500, 2999);
	expect_range("member;range=1500-*", 1, "member", 1500, -1);
	expect_range("member;range=0-*", 1, "member", 0, -1);
	expect_range("member;range=7-7", 1, "member", 7, 7);	/* one value */
	expect_range("Member;Range=0-9", 1, "Member", 0, 9);	/* case-insensitive option */
	expect_range("member;RANGE=10-*", 1, "member", 10, -1);
	/* other options stay in the name, on either side */
	expect_range("x;binary;range=0-9", 1, "x;binary", 0, 9);
	expect_range("x;range=0-9;binary", 1, "x;binary", 0, 9);
	/* leading zeros are still decimal */
	expect_range("member;range=0010-0020", 1, "member", 10, 20);
}

static void test_range_malformed(void **state)
{
	char buf[64];
	long lo, hi;

	(void)state;
	expect_range(NULL, -1, NULL, 0, 0);
	expect_range("", -1, NULL, 0, 0);
	expect_range(";range=0-1", -1, NULL, 0, 0);
	expect_range("member;range=", -1, NULL, 0, 0);
	expect_range("member;range=-", -1, NULL, 0, 0);
	expect_range("member;range=5", -1, NULL, 0, 0);
	expect_range("member;range=5-", -1, NULL, 0, 0);
	expect_range("member;range=-5", -1, NULL, 0, 0);
	expect_range("member;range=*-*", -1, NULL, 0, 0);
	expect_range("member;range=*-5", -1, NULL, 0, 0);
	expect_range("member;range=5-2", -1, NULL, 0, 0);
	expect_range("member;range=a-b", -1, NULL, 0, 0);
	expect_range("member;range=1a-2", -1, NULL, 0, 0);
	expect_range("member;range=1-2b", -1, NULL, 0, 0);
	expect_range("member;range=+1-2", -1, NULL, 0, 0);
	expect_range("member;range= 1-2", -1, NULL, 0, 0);
	expect_range("member;range=1-2 ", -1, NULL, 0, 0);
	expect_range("member;range=0x1-2", -1, NULL, 0, 0);
	expect_range("member;range=1-**", -1, NULL, 0, 0);
	expect_range("member;range=1--2", -1, NULL, 0, 0);
	expect_range("member;range=0-1;range=2-3", -1, NULL, 0, 0);
	/* overflow of long, either end */
	expect_range("member;range=99999999999999999999-*", -1, NULL, 0, 0);
	expect_range("member;range=0-99999999999999999999", -1, NULL, 0, 0);
	expect_range("member;range=9223372036854775808-*", -1, NULL, 0, 0);
	/* LONG_MAX itself is fine */
	expect_range("member;range=9223372036854775807-*", 1, "member", 9223372036854775807L,
		     -1);
	/* the name must fit */
	assert_int_equal(ew_dir_parse_range("member;range=0-1", buf, 6, &lo, &hi), -1);
	assert_int_equal(ew_dir_parse_range("member;range=0-1", buf, 7, &lo, &hi), 1);
	assert_string_equal(buf, "member");
	assert_int_equal(ew_dir_parse_range("member", buf, 6, &lo, &hi), -1);
}

static void test_range_null_outputs(void **state)
{
	long lo = 0, hi = 0;

	(void)state;
	assert_int_equal(ew_dir_parse_range("member;range=3-*", NULL, 0, NULL, NULL), 1);
	assert_int_equal(ew_dir_parse_range("member;range=3-4", NULL, 0, &lo, &hi), 1);
	assert_int_equal(lo, 3);
	assert_int_equal(hi, 4);
	assert_int_equal(ew_dir_parse_range("member", NULL, 0, NULL, NULL), 0);
	assert_int_equal(ew_dir_parse_range("member;range=4-3", NULL, 0, NULL, NULL), -1);
}

/* ---- ew_dir_range_step: the ranged retrieval loop, step by step ---- */

static void test_range_step_ad_sequence(void **state)
{
	long low = 0;

	(void)state;
	/* AD with MaxValRange 1500 and 3,200 values: three requests */
	assert_int_equal(ew_dir_range_step("member;range=0-1499", 1500, low, &low),
			 EW_DIR_RANGE_NEXT);
	assert_int_equal(low, 1500);
	assert_int_equal(ew_dir_range_step("member;range=1500-2999", 1500, low, &low),
			 EW_DIR_RANGE_NEXT);
	assert_int_equal(low, 3000);
	assert_int_equal(ew_dir_range_step("member;range=3000-*", 200, low, &low),
			 EW_DIR_RANGE_DONE);
	/* a server with another range size (no fixed 1500 assumed) */
	low = 0;
	assert_int_equal(ew_dir_range_step("member;range=0-999", 1000, low, &low),
			 EW_DIR_RANGE_NEXT);
	assert_int_equal(low, 1000);
	/* the size may even change between requests */
	assert_int_equal(ew_dir_range_step("member;range=1000-1009", 10, low, &low),
			 EW_DIR_RANGE_NEXT);
	assert_int_equal(low, 1010);
	/* the last range may be empty */
	assert_int_equal(ew_dir_range_step("member;range=1010-*", 0, low, &low),
			 EW_DIR_RANGE_DONE);
}

static void test_range_step_samba_and_edges(void **state)
{
	long low = 77;

	(void)state;
	/* Samba: everything at once for 0-*, or unranged */
	assert_int_equal(ew_dir_range_step("member;range=0-*", 2000, 0, &low), EW_DIR_RANGE_DONE);
	assert_int_equal(ew_dir_range_step("member", 2000, 0, &low), EW_DIR_RANGE_ALL);
	assert_int_equal(ew_dir_range_step("member", 2000, 1500, &low), EW_DIR_RANGE_ALL);
	/* no attribute at all: no values, or the server stopped */
	assert_int_equal(ew_dir_range_step(NULL, 0, 0, &low), EW_DIR_RANGE_DONE);
	assert_int_equal(ew_dir_range_step(NULL, 0, 1500, &low), EW_DIR_RANGE_STOPPED);
	/* another range than asked */
	assert_int_equal(ew_dir_range_step("member;range=0-1499", 1500, 1500, &low),
			 EW_DIR_RANGE_STOPPED);
	assert_int_equal(ew_dir_range_step("member;range=1600-*", 5, 1500, &low),
			 EW_DIR_RANGE_STOPPED);
	/* malformed, empty non-final, or no room to go on */
	assert_int_equal(ew_dir_range_step("member;range=0-", 5, 0, &low), EW_DIR_RANGE_STOPPED);
	assert_int_equal(ew_dir_range_step("member;range=0-1499", 0, 0, &low),
			 EW_DIR_RANGE_STOPPED);
	assert_int_equal(ew_dir_range_step("member;range=0-9223372036854775807", 5, 0, &low),
			 EW_DIR_RANGE_STOPPED);
	assert_int_equal(low, 77);	/* untouched unless NEXT */
	assert_int_equal(ew_dir_range_step("member;range=0-4", 5, 0, NULL), EW_DIR_RANGE_NEXT);
}

/* ---- ew_dir_filter_escape ---- */

static void expect_escape(const char *in, size_t len, const char *want)
{
	char *s = ew_dir_filter_escape(in, len);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void test_filter_escape(void **state)
{
	static const char nul[] = { 'a', '\0', 'b' };

	(void)state;
	expect_escape("a*b(c)\\d", 8, "a\\2ab\\28c\\29\\5cd");
	expect_escape(nul, sizeof(nul), "a\\00b");
	expect_escape("caf\xc3\xa9", 5, "caf\\c3\\a9");	/* é, UTF-8 */
	expect_escape("", 0, "");
	expect_escape("alice", 5, "alice");
	expect_escape("HTTP/exch1.exwiz.test", 21, "HTTP/exch1.exwiz.test");
	expect_escape("a\nb\x7f", 4, "a\\0ab\\7f");
	/* only len bytes count */
	expect_escape("abc*", 3, "abc");
	/* an escaped value of all specials grows to three bytes each */
	expect_escape("**", 2, "\\2a\\2a");
	assert_null(ew_dir_filter_escape(NULL, 0));
}

/* ---- ew_dir_sd_flags_control ---- */

static char *b64(const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	assert_non_null(out);
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = tab[(v >> 18) & 63];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? tab[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

static void test_sd_flags_control(void **state)
{
	static const unsigned char want7[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };
	static const unsigned char want4[] = { 0x30, 0x03, 0x02, 0x01, 0x04 };
	LDAPControl *c;
	char *enc;

	(void)state;
	c = ew_dir_sd_flags_control(EW_DIR_SD_OWNER | EW_DIR_SD_GROUP | EW_DIR_SD_DACL);
	assert_non_null(c);
	assert_string_equal(c->ldctl_oid, "1.2.840.113556.1.4.801");
	assert_string_equal(c->ldctl_oid, EW_DIR_OID_SD_FLAGS);
	assert_int_equal(c->ldctl_value.bv_len, sizeof(want7));
	assert_memory_equal(c->ldctl_value.bv_val, want7, sizeof(want7));
	enc = b64((const unsigned char *)c->ldctl_value.bv_val, c->ldctl_value.bv_len);
	assert_string_equal(enc, "MAMCAQc=");	/* as in ldapsearch -E '...801=::MAMCAQc=' */
	free(enc);
	/* critical by choice: a server that cannot honour it must say so */
	assert_true(c->ldctl_iscritical);
	ldap_control_free(c);

	c = ew_dir_sd_flags_control(EW_DIR_SD_DACL);
	assert_non_null(c);
	assert_int_equal(c->ldctl_value.bv_len, sizeof(want4));
	assert_memory_equal(c->ldctl_value.bv_val, want4, sizeof(want4));
	ldap_control_free(c);

	/* never the SACL; 0 means "everything" to AD; no stray bits */
	assert_null(ew_dir_sd_flags_control(0));
	assert_null(ew_dir_sd_flags_control(8));
	assert_null(ew_dir_sd_flags_control(15));
	assert_null(ew_dir_sd_flags_control(-1));
	assert_null(ew_dir_sd_flags_control(0x10));
}

/* ---- ew_dir_open refusals ---- */

static void expect_refused(const struct ew_dir_opts *o, const char *needle)
{
	struct ew_dir *d = (struct ew_dir *)&d;	/* must be reset to NULL */
	char err[256];

	memset(err, 'x', sizeof(err));
	assert_int_equal(ew_dir_open(o, &d, err, sizeof(err)), -1);
	assert_null(d);
	assert_non_null(memchr(err, '\0', sizeof(err)));
	if (strstr(err, needle) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err, needle);
	assert_int_equal(init_calls, 0);
	assert_int_equal(connect_calls, 0);
}

static void test_open_simple_bind_needs_tls(void **state)
{
	struct ew_dir_opts o = { 0 };

	(void)state;
	o.host = "192.0.2.1";
	o.bind_dn = "CN=Alice Archer,OU=Staff,DC=exwiz,DC=test";
	o.password = "secret";
	o.tls = EW_DIR_PLAIN;
	expect_refused(&o, "TLS");
	o.gc = 1;
	o.port = 3268;
	expect_refused(&o, "TLS");
}

static void test_open_refusals(void **state)
{
	struct ew_dir_opts o = { 0 };
	atomic_int cancel = 1;
	struct ew_dir *d = NULL;
	char err[128];

	(void)state;
	o.host = "";
	expect_refused(&o, "host");
	o.host = NULL;
	expect_refused(&o, "host");
	o.host = "dc1.exwiz.test/x";
	expect_refused(&o, "not a host");
	o.host = "dc1 exwiz";
	expect_refused(&o, "not a host");
	o.host = "dc1:389";		/* not an IPv6 literal */
	expect_refused(&o, "not a host");
	o.host = "dc1.exwiz.test\x1b]0;x\x07";
	expect_refused(&o, "\\x1b");	/* the message is cleaned */

	o.host = "192.0.2.1";
	o.tls = EW_DIR_STARTTLS;
	o.bind_dn = "CN=x";
	o.password = "";
	expect_refused(&o, "empty password");
	o.password = NULL;
	expect_refused(&o, "empty password");
	o.bind_dn = "";
	o.password = "secret";
	expect_refused(&o, "empty DN");
	o.bind_dn = NULL;
	o.port = 70000;
	expect_refused(&o, "port");
	o.port = 0;
	o.timeout_ms = -1;
	expect_refused(&o, "timeout");
	o.timeout_ms = 0;
	o.tls = (enum ew_dir_tls)7;
	expect_refused(&o, "TLS mode");
	o.tls = EW_DIR_PLAIN;
	o.cancel = &cancel;
	expect_refused(&o, "cancelled");

	expect_refused(NULL, "options");
	assert_int_equal(ew_dir_open(&o, NULL, err, sizeof(err)), -1);
	/* a tiny or absent error buffer is fine */
	assert_int_equal(ew_dir_open(NULL, &d, NULL, 0), -1);
	assert_int_equal(ew_dir_open(NULL, &d, err, 1), -1);
	assert_string_equal(err, "");
	assert_int_equal(init_calls, 0);
}

/* The replacement really stands in for libldap: options that pass the checks
 * reach ldap_initialize, with the URL the options call for. */
static void test_open_reaches_init(void **state)
{
	struct ew_dir_opts o = { 0 };
	struct ew_dir *d = NULL;
	char err[256];

	(void)state;
	o.host = "192.0.2.1";
	o.tls = EW_DIR_STARTTLS;
	o.bind_dn = "CN=x";
	o.password = "secret";
	assert_int_equal(ew_dir_open(&o, &d, err, sizeof(err)), -1);
	assert_null(d);
	assert_int_equal(init_calls, 1);
	assert_string_equal(init_url, "ldap://192.0.2.1:389");
	assert_non_null(strstr(err, "ldap://192.0.2.1:389"));

	o.tls = EW_DIR_LDAPS;
	o.gc = 1;
	assert_int_equal(ew_dir_open(&o, &d, err, sizeof(err)), -1);
	assert_string_equal(init_url, "ldaps://192.0.2.1:3269");
	o.tls = EW_DIR_LDAPS;
	o.gc = 0;
	assert_int_equal(ew_dir_open(&o, &d, err, sizeof(err)), -1);
	assert_string_equal(init_url, "ldaps://192.0.2.1:636");
	o.tls = EW_DIR_PLAIN;
	o.bind_dn = NULL;
	o.gc = 1;
	assert_int_equal(ew_dir_open(&o, &d, err, sizeof(err)), -1);
	assert_string_equal(init_url, "ldap://192.0.2.1:3268");
	o.host = "2001:db8::1";
	o.port = 1389;
	assert_int_equal(ew_dir_open(&o, &d, err, sizeof(err)), -1);
	assert_string_equal(init_url, "ldap://[2001:db8::1]:1389");
	assert_int_equal(init_calls, 5);
	assert_int_equal(connect_calls, 0);
}

/* ---- attribute lookup and NULL handling ---- */

static void test_entry_attr(void **state)
{
	struct ew_dir_attr attrs[] = {
		{ "objectClass", NULL, 0 },
		{ "member;range=0-1499", NULL, 0 },
		{ "memberOf", NULL, 0 },
		{ "cn", NULL, 0 },
		{ "userCertificate;binary", NULL, 0 },
		{ "proxyAddresses", NULL, 0 },
		{ "proxyAddresses;range=0-*", NULL, 0 },
	};
	struct ew_dir_entry e = { "CN=x", attrs, sizeof(attrs) / sizeof(attrs[0]) };

	(void)state;
	assert_ptr_equal(ew_dir_entry_attr(&e, "objectClass"), &attrs[0]);
	assert_ptr_equal(ew_dir_entry_attr(&e, "OBJECTCLASS"), &attrs[0]);
	assert_ptr_equal(ew_dir_entry_attr(&e, "cn"), &attrs[3]);
	assert_ptr_equal(ew_dir_entry_attr(&e, "CN"), &attrs[3]);
	/* the ranged form stands for the plain name */
	assert_ptr_equal(ew_dir_entry_attr(&e, "member"), &attrs[1]);
	assert_ptr_equal(ew_dir_entry_attr(&e, "Member"), &attrs[1]);
	/* and can be asked for exactly */
	assert_ptr_equal(ew_dir_entry_attr(&e, "member;range=0-1499"), &attrs[1]);
	assert_ptr_equal(ew_dir_entry_attr(&e, "MEMBER;RANGE=0-1499"), &attrs[1]);
	assert_null(ew_dir_entry_attr(&e, "member;range=0-*"));
	/* no prefix matches */
	assert_ptr_equal(ew_dir_entry_attr(&e, "memberOf"), &attrs[2]);
	assert_null(ew_dir_entry_attr(&e, "mem"));
	assert_null(ew_dir_entry_attr(&e, "c"));
	assert_null(ew_dir_entry_attr(&e, "objectClas"));
	/* other options are not ranges */
	assert_null(ew_dir_entry_attr(&e, "userCertificate"));
	assert_ptr_equal(ew_dir_entry_attr(&e, "usercertificate;BINARY"), &attrs[4]);
	/* an exact match wins over a ranged one listed later or earlier */
	assert_ptr_equal(ew_dir_entry_attr(&e, "proxyAddresses"), &attrs[5]);
	assert_null(ew_dir_entry_attr(&e, "sn"));
	assert_null(ew_dir_entry_attr(&e, ""));
	assert_null(ew_dir_entry_attr(&e, NULL));
	assert_null(ew_dir_entry_attr(NULL, "cn"));
}

static void test_entry_attr_ranged_first(void **state)
{
	struct ew_dir_attr attrs[] = {
		{ "member;range=0-*", NULL, 0 },
		{ "member", NULL, 0 },
	};
	struct ew_dir_entry e = { "CN=x", attrs, 2 };

	(void)state;
	assert_ptr_equal(ew_dir_entry_attr(&e, "member"), &attrs[1]);
}

static void test_null_handling(void **state)
{
	struct ew_dir_result *r = NULL;
	struct ew_dir *d = NULL;
	struct ew_dir_attr a = { 0 };
	struct ew_dir_req req = { "", LDAP_SCOPE_BASE, NULL, NULL, NULL };
	struct ew_dir_result *results[1] = { (struct ew_dir_result *)&r };
	char *errs[1] = { (char *)&r };
	char err[128];
	int complete = 5;

	(void)state;
	ew_dir_result_free(NULL);
	ew_dir_result_free(&r);
	ew_dir_close(NULL);
	ew_dir_close(&d);
	ew_dir_attr_clear(NULL);
	ew_dir_attr_clear(&a);
	assert_null(ew_dir_rootdse(NULL, "defaultNamingContext"));
	assert_string_equal(ew_dir_bind_method(NULL), "");
	assert_int_equal(ew_dir_round_trips(NULL), 0);

	r = (struct ew_dir_result *)&d;
	assert_int_equal(ew_dir_search(NULL, "", LDAP_SCOPE_BASE, NULL, NULL, NULL, &r, err,
				       sizeof(err)), -1);
	assert_null(r);
	assert_true(strlen(err) > 0);
	assert_int_equal(ew_dir_search(NULL, "", LDAP_SCOPE_BASE, NULL, NULL, NULL, NULL, err,
				       sizeof(err)), -1);
	assert_int_equal(ew_dir_search_many(NULL, &req, 1, results, errs, err, sizeof(err)), -1);
	assert_int_equal(ew_dir_read_all_values(NULL, "CN=x", "member", &a, &complete, err,
						sizeof(err)), -1);
	assert_int_equal(complete, 0);
	assert_null(a.name);
	assert_int_equal(a.nvalues, 0);
	assert_int_equal(init_calls, 0);
	assert_int_equal(connect_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_plain),
		cmocka_unit_test(test_range_ranged),
		cmocka_unit_test(test_range_malformed),
		cmocka_unit_test(test_range_null_outputs),
		cmocka_unit_test(test_range_step_ad_sequence),
		cmocka_unit_test(test_range_step_samba_and_edges),
		cmocka_unit_test(test_filter_escape),
		cmocka_unit_test(test_sd_flags_control),
		cmocka_unit_test_setup(test_open_simple_bind_needs_tls, reset_counts),
		cmocka_unit_test_setup(test_open_refusals, reset_counts),
		cmocka_unit_test_setup(test_open_reaches_init, reset_counts),
		cmocka_unit_test(test_entry_attr),
		cmocka_unit_test(test_entry_attr_ranged_first),
		cmocka_unit_test_setup(test_null_handling, reset_counts),
	};

	return cmocka_run_group_tests_name("directory", tests, NULL, NULL);
}
