/* test_target.c - what is diagnosed: syntax checks, setters, JSON, the target step. */
#include "testutil.h"

#include <jansson.h>
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "step.h"
#include "target.h"
#include "targetstep.h"
#include "text.h"

/* ---- syntax checks ---- */

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* labels of 63 'a' joined by dots, total length n (n = 64k - 1 + r) */
static char *long_name(size_t n)
{
	char *s = repeat('a', n);
	size_t i;

	for (i = 63; i < n; i += 64)
		s[i] = '.';
	if (s[n - 1] == '.')
		s[n - 1] = 'b';
	return s;
}

static void expect_hostname(const char *s, int ok)
{
	const char *why = "unset";
	int got = ew_valid_hostname(s, &why);

	if (got != ok)
		fail_msg("ew_valid_hostname(\"%s\") = %d, want %d", s ? s : "(null)", got, ok);
	if (ok)
		assert_null(why);
	else
		assert_true(why != NULL && strlen(why) > 0);
}

static void test_valid_hostname(void **state)
{
	char *s;

	(void)state;
	expect_hostname("exch1.exwiz.test", 1);
	expect_hostname("a", 1);
	expect_hostname("exch1.exwiz.test.", 1);		/* trailing dot */
	expect_hostname("a.", 1);
	expect_hostname("EXCH1.ExWiz.Test", 1);
	expect_hostname("1.2.3.4", 1);
	expect_hostname("_msdcs.exwiz.test", 1);
	expect_hostname("a-b.c-d", 1);
	expect_hostname("xn--bcher-kva.example", 1);

	expect_hostname(NULL, 0);
	expect_hostname("", 0);
	expect_hostname(".", 0);
	expect_hostname("..", 0);
	expect_hostname("a..b", 0);
	expect_hostname(".a", 0);
	expect_hostname("-a.b", 0);
	expect_hostname("a.-b", 0);
	expect_hostname("a-.b", 0);
	expect_hostname("a.b-", 0);
	expect_hostname("a-", 0);
	expect_hostname("a b", 0);
	expect_hostname("a\x1b", 0);
	expect_hostname("a\x1b[31m.b", 0);
	expect_hostname("a/b", 0);
	expect_hostname("a:53", 0);
	expect_hostname("b\xc3\xbc" "cher.example", 0);	/* IDN must be given as xn-- */
	expect_hostname("a\tb", 0);

	s = repeat('a', 63);
	expect_hostname(s, 1);				/* 63-character label */
	free(s);
	s = repeat('a', 64);
	expect_hostname(s, 0);				/* 64-character label */
	s[0] = 'x';
	s[1] = '.';
	expect_hostname(s, 1);				/* x. + 62 */
	free(s);
	s = long_name(253);
	expect_hostname(s, 1);				/* 253 characters */
	free(s);
	s = long_name(254);
	expect_hostname(s, 0);				/* 254 characters */
	s[253] = '.';
	expect_hostname(s, 1);				/* 253 + trailing dot */
	free(s);
}

/*
 * Only one trailing dot may be dropped: "a.b.." ends with an empty label.
 * ew_valid_hostname strips the final dot and then never checks that the
 * last label is non-empty, so these are accepted.
 */
static void test_valid_hostname_two_trailing_dots(void **state)
{
	(void)state;
	expect_hostname("a.b..", 0);
	expect_hostname("a..", 0);
	expect_hostname("exch1.exwiz.test..", 0);
}

static void expect_realm(const char *s, int ok)
{
	const char *why = "unset";
	int got = ew_valid_realm(s, &why);

	if (got != ok)
		fail_msg("ew_valid_realm(\"%s\") = %d, want %d", s ? s : "(null)", got, ok);
	if (ok)
		assert_null(why);
	else
		assert_true(why != NULL && strlen(why) > 0);
}

static void test_valid_realm(void **state)
{
	char *s;

	(void)state;
	expect_realm("EXWIZ.TEST", 1);
	expect_realm("LAB.EXAMPLE", 1);
	expect_realm("lower.case", 1);
	expect_realm("A", 1);
	expect_realm("MY-REALM_2.EXAMPLE", 1);
	expect_realm(NULL, 0);
	expect_realm("", 0);
	expect_realm("EXWIZ TEST", 0);
	expect_realm("EXWIZ/TEST", 0);
	expect_realm("bob@EXWIZ.TEST", 0);
	expect_realm("EXWIZ\\TEST", 0);
	expect_realm("EXWIZ:88", 0);
	expect_realm("EXWIZ\x1b", 0);
	expect_realm("EXWIZ\x7f", 0);
	expect_realm("EXWIZ\t", 0);
	expect_realm("R\xc3\x89" "ALM", 0);	/* non-ASCII */
	s = repeat('R', 255);
	expect_realm(s, 1);
	free(s);
	s = repeat('R', 256);
	expect_realm(s, 0);
	free(s);
}

static void expect_account(const char *s, int ok)
{
	const char *why = "unset";
	int got = ew_valid_account(s, &why);

	if (got != ok)
		fail_msg("ew_valid_account(\"%s\") = %d, want %d", s ? s : "(null)", got, ok);
	if (ok)
		assert_null(why);
	else
		assert_true(why != NULL && strlen(why) > 0);
}

static void test_valid_account(void **state)
{
	static const char special[] = "\"/[]:;|=+*?<>,";
	char buf[8];
	char *s;
	size_t i;

	(void)state;
	expect_account("bob", 1);
	expect_account("bob@EXWIZ.TEST", 1);		/* a UPN */
	expect_account("bob@exwiz.test", 1);
	expect_account("EXWIZ\\bob", 1);		/* DOMAIN\user */
	expect_account("svc-mover_01", 1);
	expect_account("Bob Smith", 1);			/* spaces are allowed */
	expect_account("jos\xc3\xa9", 1);		/* valid UTF-8 */
	expect_account("o'brien", 1);

	expect_account(NULL, 0);
	expect_account("", 0);
	expect_account("bob/admin", 0);			/* a Kerberos instance */
	expect_account("bob\x1b[31m", 0);
	expect_account("bob\r", 0);
	expect_account("bob\n", 0);
	expect_account("bob\t", 0);
	expect_account("bob\x7f", 0);
	expect_account("bob\xff", 0);			/* invalid UTF-8 */
	expect_account("bob\xc0\xaf", 0);		/* overlong */
	expect_account("bob\xc2\x9b", 0);		/* C1 */
	expect_account("bob\xe2\x80\xae" "nimda", 0);	/* bidi override */
	for (i = 0; special[i]; i++) {
		snprintf(buf, sizeof(buf), "a%cb", special[i]);
		expect_account(buf, 0);
	}
	s = repeat('b', 256);
	expect_account(s, 1);
	free(s);
	s = repeat('b', 257);
	expect_account(s, 0);
	free(s);
}

static void expect_server(const char *s, const char *host, unsigned port)
{
	char buf[64] = "untouched";
	unsigned p = 12345;
	const char *why = "unset";

	if (!ew_parse_server(s, buf, sizeof(buf), &p, &why))
		fail_msg("ew_parse_server(\"%s\") failed: %s", s, why ? why : "?");
	assert_null(why);
	assert_string_equal(buf, host);
	assert_int_equal(p, port);
}

static void expect_bad_server(const char *s)
{
	char buf[64] = "untouched";
	unsigned p = 12345;
	const char *why = NULL;

	if (ew_parse_server(s, buf, sizeof(buf), &p, &why))
		fail_msg("ew_parse_server(\"%s\") accepted: %s port %u", s ? s : "(null)", buf, p);
	assert_true(why != NULL && strlen(why) > 0);
}

static void test_parse_server(void **state)
{
	char small[8];
	const char *why;
	unsigned p;

	(void)state;
	expect_server("127.0.0.1", "127.0.0.1", 53);
	expect_server("127.0.0.1:5353", "127.0.0.1", 5353);
	expect_server("10.0.0.1:1", "10.0.0.1", 1);
	expect_server("10.0.0.1:65535", "10.0.0.1", 65535);
	expect_server("::1", "::1", 53);
	expect_server("[::1]:53", "::1", 53);
	expect_server("[::1]", "::1", 53);
	expect_server("[fd00:1::53]:5353", "fd00:1::53", 5353);
	expect_server("fd00:1::53", "fd00:1::53", 53);
	expect_server("::ffff:10.0.0.1", "::ffff:10.0.0.1", 53);

	expect_bad_server(NULL);
	expect_bad_server("");
	expect_bad_server("1.2.3");
	expect_bad_server("1.2.3.4.5");
	expect_bad_server("256.1.1.1");
	expect_bad_server("1.2.3.4:0");
	expect_bad_server("1.2.3.4:70000");
	expect_bad_server("1.2.3.4:65536");
	expect_bad_server("1.2.3.4:x");
	expect_bad_server("1.2.3.4:");
	expect_bad_server("1.2.3.4:53x");
	expect_bad_server("1.2.3.4: 53");
	expect_bad_server("1.2.3.4:-53");
	expect_bad_server("1.2.3.4:+53");
	expect_bad_server("1.2.3.4:99999999999999999999999");
	expect_bad_server("[::1");
	expect_bad_server("[::1]x");
	expect_bad_server("[::1]:");
	expect_bad_server("[::1]:0");
	expect_bad_server("[1.2.3.4]:53");
	expect_bad_server("[]");
	expect_bad_server("[]:53");
	expect_bad_server("host.name");
	expect_bad_server("host.name:53");
	expect_bad_server("localhost");
	expect_bad_server(":::1:2:3");
	expect_bad_server("fe80::1%eth0");
	expect_bad_server(" 1.2.3.4");
	expect_bad_server("1.2.3.4\x1b");
	expect_bad_server("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:53:53:53:53");

	/* The host buffer must hold the address. */
	assert_false(ew_parse_server("[fd00:1::53]:53", small, sizeof(small), &p, &why));
	assert_non_null(why);
	assert_true(ew_parse_server("1.2.3.4", small, sizeof(small), &p, &why));
	assert_string_equal(small, "1.2.3.4");
}

/* ---- setters ---- */

static void test_setters(void **state)
{
	struct ew_target *t = ew_target_new();
	char err[256];

	(void)state;
	assert_non_null(t);
	assert_null(t->realm);
	assert_int_equal(t->nexchange, 0);

	assert_int_equal(ew_target_set_realm(t, "EXWIZ.TEST", err, sizeof(err)), 0);
	assert_string_equal(t->realm, "EXWIZ.TEST");
	assert_string_equal(t->realm_source, "option");
	strcpy(err, "");
	assert_int_equal(ew_target_set_realm(t, "BAD REALM", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid realm"));
	assert_string_equal(t->realm, "EXWIZ.TEST");		/* not stored */
	assert_int_equal(ew_target_set_realm(t, NULL, err, sizeof(err)), -1);
	assert_int_equal(ew_target_set_realm(t, "OTHER.TEST", err, sizeof(err)), 0);
	assert_string_equal(t->realm, "OTHER.TEST");		/* replaced */

	assert_int_equal(ew_target_set_domain(t, "ExWiz.TEST", err, sizeof(err)), 0);
	assert_string_equal(t->domain, "exwiz.test");		/* lower case */
	assert_string_equal(t->domain_source, "option");
	strcpy(err, "");
	assert_int_equal(ew_target_set_domain(t, "a..b", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid domain"));
	assert_non_null(strstr(err, "empty label"));
	assert_string_equal(t->domain, "exwiz.test");

	assert_int_equal(ew_target_set_user(t, "bob@EXWIZ.TEST", err, sizeof(err)), 0);
	assert_string_equal(t->user, "bob@EXWIZ.TEST");		/* case kept */
	assert_string_equal(t->user_source, "option");
	strcpy(err, "");
	assert_int_equal(ew_target_set_user(t, "bob\x1b[2J", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid user"));
	assert_string_equal(t->user, "bob@EXWIZ.TEST");

	assert_int_equal(ew_target_set_mover(t, "EXWIZ\\mover", err, sizeof(err)), 0);
	assert_string_equal(t->mover, "EXWIZ\\mover");
	strcpy(err, "");
	assert_int_equal(ew_target_set_mover(t, "a/b", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "invalid mover"));

	assert_int_equal(ew_target_set_dc(t, "DC1.exwiz.test", err, sizeof(err)), 0);
	assert_string_equal(t->dc, "DC1.exwiz.test");
	strcpy(err, "");
	assert_int_equal(ew_target_set_dc(t, "10.0.0.1:389", err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_string_equal(t->dc, "DC1.exwiz.test");

	assert_int_equal(ew_target_set_ccache(t, "FILE:/tmp/krb5cc_1000", err, sizeof(err)), 0);
	assert_string_equal(t->ccache, "FILE:/tmp/krb5cc_1000");
	strcpy(err, "");
	assert_int_equal(ew_target_set_ccache(t, "", err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(ew_target_set_ccache(t, "FILE:/tmp/\x1b", err, sizeof(err)), -1);
	assert_int_equal(ew_target_set_ccache(t, "FILE:/tmp/\n", err, sizeof(err)), -1);
	assert_string_equal(t->ccache, "FILE:/tmp/krb5cc_1000");

	ew_target_free(&t);
	assert_null(t);
	ew_target_free(&t);
	ew_target_free(NULL);
}

static void test_exchange_list(void **state)
{
	struct ew_target *t = ew_target_new();
	char err[256], name[64];
	int i;

	(void)state;
	assert_int_equal(ew_target_add_exchange(t, "exch1.exwiz.test", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_exchange(t, "EXCH1.EXWIZ.TEST", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_exchange(t, "Exch1.ExWiz.Test", err, sizeof(err)), 0);
	assert_int_equal(t->nexchange, 1);				/* given thrice: once */
	assert_string_equal(t->exchange[0], "exch1.exwiz.test");	/* the first spelling */
	assert_int_equal(ew_target_add_exchange(t, "exch2.exwiz.test", err, sizeof(err)), 0);
	assert_int_equal(t->nexchange, 2);
	strcpy(err, "");
	assert_int_equal(ew_target_add_exchange(t, "not a name", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Exchange"));
	assert_int_equal(t->nexchange, 2);

	for (i = 3; i <= EW_TARGET_MAX_LIST; i++) {
		snprintf(name, sizeof(name), "exch%d.exwiz.test", i);
		assert_int_equal(ew_target_add_exchange(t, name, err, sizeof(err)), 0);
	}
	assert_int_equal(t->nexchange, EW_TARGET_MAX_LIST);
	strcpy(err, "");
	assert_int_equal(ew_target_add_exchange(t, "one.too.many", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most 16"));
	assert_int_equal(t->nexchange, EW_TARGET_MAX_LIST);
	for (i = 0; i < EW_TARGET_MAX_LIST; i++) {
		snprintf(name, sizeof(name), "exch%d.exwiz.test", i + 1);
		assert_string_equal(t->exchange[i], name);
	}
	ew_target_free(&t);
}

static void test_dns_server_list(void **state)
{
	struct ew_target *t = ew_target_new();
	char err[256], name[64];
	int i;

	(void)state;
	assert_int_equal(ew_target_add_dns_server(t, "10.0.0.1", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_dns_server(t, "10.0.0.1", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_dns_server(t, "10.0.0.1:5353", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_dns_server(t, "[FD00::1]:53", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_dns_server(t, "[fd00::1]:53", err, sizeof(err)), 0);
	assert_int_equal(t->ndns_servers, 3);
	assert_string_equal(t->dns_servers[0], "10.0.0.1");
	assert_string_equal(t->dns_servers[1], "10.0.0.1:5353");	/* as given */
	assert_string_equal(t->dns_servers[2], "[FD00::1]:53");
	strcpy(err, "");
	assert_int_equal(ew_target_add_dns_server(t, "dns.exwiz.test", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "DNS server"));
	assert_int_equal(ew_target_add_dns_server(t, "1.2.3.4:0", err, sizeof(err)), -1);
	assert_int_equal(t->ndns_servers, 3);
	for (i = 3; i < EW_TARGET_MAX_LIST; i++) {
		snprintf(name, sizeof(name), "10.0.1.%d", i);
		assert_int_equal(ew_target_add_dns_server(t, name, err, sizeof(err)), 0);
	}
	assert_int_equal(ew_target_add_dns_server(t, "10.0.2.1", err, sizeof(err)), -1);
	assert_int_equal(t->ndns_servers, EW_TARGET_MAX_LIST);
	ew_target_free(&t);
}

/* ---- JSON ---- */

static void test_to_json(void **state)
{
	struct ew_target *t = ew_target_new();
	char err[256];
	json_t *j;

	(void)state;
	j = ew_target_to_json(t);
	assert_non_null(j);
	assert_true(json_is_null(json_object_get(j, "realm")));
	assert_true(json_is_null(json_object_get(j, "realm_source")));
	assert_true(json_is_array(json_object_get(j, "exchange")));
	assert_int_equal(json_array_size(json_object_get(j, "exchange")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "dns_servers")), 0);
	json_decref(j);

	ew_target_set_realm(t, "EXWIZ.TEST", err, sizeof(err));
	ew_target_set_domain(t, "EXWIZ.test", err, sizeof(err));
	ew_target_set_user(t, "bob", err, sizeof(err));
	ew_target_set_mover(t, "mover@EXWIZ.TEST", err, sizeof(err));
	ew_target_set_dc(t, "dc1.exwiz.test", err, sizeof(err));
	ew_target_set_ccache(t, "FILE:/tmp/cc", err, sizeof(err));
	ew_target_add_exchange(t, "exch1.exwiz.test", err, sizeof(err));
	ew_target_add_exchange(t, "exch2.exwiz.test", err, sizeof(err));
	ew_target_add_dns_server(t, "10.0.0.1", err, sizeof(err));
	j = ew_target_to_json(t);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "realm")), "EXWIZ.TEST");
	assert_string_equal(json_string_value(json_object_get(j, "realm_source")), "option");
	assert_string_equal(json_string_value(json_object_get(j, "domain")), "exwiz.test");
	assert_string_equal(json_string_value(json_object_get(j, "domain_source")), "option");
	assert_string_equal(json_string_value(json_object_get(j, "user")), "bob");
	assert_string_equal(json_string_value(json_object_get(j, "user_source")), "option");
	assert_string_equal(json_string_value(json_object_get(j, "mover")), "mover@EXWIZ.TEST");
	assert_string_equal(json_string_value(json_object_get(j, "dc")), "dc1.exwiz.test");
	assert_string_equal(json_string_value(json_object_get(j, "ccache")), "FILE:/tmp/cc");
	assert_int_equal(json_array_size(json_object_get(j, "exchange")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "exchange"), 1)),
			    "exch2.exwiz.test");
	assert_int_equal(json_array_size(json_object_get(j, "dns_servers")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "dns_servers"), 0)),
			    "10.0.0.1");
	assert_string_equal(json_string_value(json_object_get(j, "credentials")),
			    "the user's credential cache");
	assert_true(json_is_null(json_object_get(j, "cache_principal")));
	assert_int_equal(json_object_size(j), 13);
	json_decref(j);
	ew_target_free(&t);
}

/* A copy holds the same values in memory of its own (the wizard's worker works on one). */
static void test_dup(void **state)
{
	struct ew_target *t = ew_target_new(), *d;
	char err[256];
	json_t *a, *b;
	size_t i;

	(void)state;
	assert_int_equal(ew_target_set_realm(t, "EXWIZ.TEST", err, sizeof(err)), 0);
	assert_int_equal(ew_target_set_user(t, "bob", err, sizeof(err)), 0);
	assert_int_equal(ew_target_set_mover(t, "junior", err, sizeof(err)), 0);
	assert_int_equal(ew_target_set_dc(t, "dc1.exwiz.test", err, sizeof(err)), 0);
	assert_int_equal(ew_target_set_ccache(t, "FILE:/tmp/cc", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_exchange(t, "exch1.exwiz.test", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_exchange(t, "exch2.exwiz.test", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_dns_server(t, "10.0.0.1", err, sizeof(err)), 0);
	t->credentials = strdup("kinit alice@EXWIZ.TEST");
	t->cache_principal = strdup("alice@EXWIZ.TEST");
	d = ew_target_dup(t);
	assert_non_null(d);
	a = ew_target_to_json(t);
	b = ew_target_to_json(d);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	assert_ptr_not_equal(d->realm, t->realm);
	assert_ptr_not_equal(d->user, t->user);
	assert_ptr_not_equal(d->credentials, t->credentials);
	assert_string_equal(d->cache_principal, "alice@EXWIZ.TEST");
	assert_ptr_not_equal(d->cache_principal, t->cache_principal);
	for (i = 0; i < t->nexchange; i++)
		assert_ptr_not_equal(d->exchange[i], t->exchange[i]);
	assert_ptr_not_equal(d->dns_servers[0], t->dns_servers[0]);
	assert_ptr_equal(d->user_source, t->user_source);
	/* Each goes its own way. */
	assert_int_equal(ew_target_set_user(d, "carol", err, sizeof(err)), 0);
	assert_string_equal(t->user, "bob");
	ew_target_free(&t);
	assert_string_equal(d->realm, "EXWIZ.TEST");
	assert_string_equal(d->exchange[1], "exch2.exwiz.test");
	ew_target_free(&d);

	t = ew_target_new();
	d = ew_target_dup(t);
	assert_non_null(d);
	assert_null(d->realm);
	assert_int_equal(d->nexchange, 0);
	ew_target_free(&t);
	ew_target_free(&d);
}

/*
 * ew_target_set_ccache accepts any bytes but C0 controls and DEL, invalid
 * UTF-8 included (a file name may hold such bytes). json_pack refuses
 * invalid UTF-8, so ew_target_to_json then returns NULL: the target is
 * missing from the step data, and a report whose target is NULL cannot be
 * turned into JSON at all.
 */
static void test_to_json_ccache_not_utf8(void **state)
{
	struct ew_target *t = ew_target_new();
	char err[256] = "";
	json_t *j;

	(void)state;
	if (ew_target_set_ccache(t, "FILE:/tmp/krb5cc_\xff", err, sizeof(err)) == 0) {
		int ok;

		/* Stored: then it must be representable in the target JSON. */
		j = ew_target_to_json(t);
		ok = json_is_string(json_object_get(j, "ccache"));
		json_decref(j);
		ew_target_free(&t);
		assert_true(ok);
	} else {
		ew_target_free(&t);
		assert_true(strlen(err) > 0);
	}
}

/* ---- the target step ---- */

struct fixture {
	char *dir;
	char *saved_config, *saved_ccname;
};

static char *dup_env(const char *name)
{
	const char *v = getenv(name);

	return v ? strdup(v) : NULL;
}

static void put_env(const char *name, const char *v)
{
	if (v)
		setenv(name, v, 1);
	else
		unsetenv(name);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->dir = tu_mkdtemp();
	fx->saved_config = dup_env("KRB5_CONFIG");
	fx->saved_ccname = dup_env("KRB5CCNAME");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	put_env("KRB5_CONFIG", fx->saved_config);
	put_env("KRB5CCNAME", fx->saved_ccname);
	free(fx->saved_config);
	free(fx->saved_ccname);
	tu_rm_rf(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

/* A krb5.conf in the fixture directory with that [libdefaults] body. */
static void use_krb5_conf(struct fixture *fx, const char *libdefaults)
{
	char *path = tu_path(fx->dir, "krb5.conf");
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	/* KDCs named for the realms the tests use: the target step then asks no
	 * DNS server whether the realm exists (unit tests stay off the network). */
	fprintf(fp, "[libdefaults]\n%s\n[realms]\n\tLAB.EXAMPLE = {\n\t\tkdc = kdc.lab.example\n"
		"\t}\n\tEXWIZ.TEST = {\n\t\tkdc = dc1.exwiz.test\n\t}\n", libdefaults);
	assert_int_equal(fclose(fp), 0);
	setenv("KRB5_CONFIG", path, 1);
	free(path);
}

static struct ew_step_result *run_target_step(struct ew_target *t)
{
	const struct ew_step *step = ew_step_find("target");
	struct ew_step_result *res;
	struct ew_run run;

	assert_non_null(step);
	assert_ptr_equal(step->run, ew_target_step);
	memset(&run, 0, sizeof(run));
	run.target = t;
	res = ew_step_execute(step, &run);
	assert_non_null(res);
	assert_string_equal(res->id, "target");
	return res;
}

static const struct ew_finding *get_finding(const struct ew_step_result *res, const char *check)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++)
		if (strcmp(res->findings[i]->check, check) == 0)
			return res->findings[i];
	fail_msg("no %s finding", check);
	return NULL;
}

static void assert_all_clean(const struct ew_step_result *res)
{
	size_t i, k;

	for (i = 0; i < res->nfindings; i++) {
		const struct ew_finding *f = res->findings[i];

		assert_true(ew_text_is_clean(f->title, strlen(f->title)));
		if (f->detail)
			assert_true(ew_text_is_clean(f->detail, strlen(f->detail)));
		for (k = 0; k < f->nevidence; k++)
			assert_true(ew_text_is_clean(f->evidence[k], strlen(f->evidence[k])));
	}
}

static void test_step_realm_from_krb5_conf(void **state)
{
	struct fixture *fx = *state;
	struct ew_target *t = ew_target_new();
	struct ew_step_result *res;
	const struct ew_finding *f;
	json_t *jt;

	use_krb5_conf(fx, "\tdefault_realm = LAB.EXAMPLE\n\tdns_lookup_realm = false");
	setenv("KRB5CCNAME", "FILE:/nonexistent", 1);
	res = run_target_step(t);

	assert_string_equal(t->realm, "LAB.EXAMPLE");
	assert_string_equal(t->realm_source, "krb5.conf");
	assert_string_equal(t->domain, "lab.example");
	assert_string_equal(t->domain_source, "realm");
	assert_null(t->user);
	assert_null(t->user_source);

	f = get_finding(res, "TARGET-REALM");
	assert_int_equal(f->severity, EW_PASS);
	assert_non_null(strstr(f->title, "LAB.EXAMPLE"));
	assert_non_null(strstr(f->title, "krb5.conf"));
	f = get_finding(res, "TARGET-DOMAIN");
	assert_int_equal(f->severity, EW_INFO);
	assert_non_null(strstr(f->title, "lab.example"));
	f = get_finding(res, "TARGET-USER");
	assert_int_equal(f->severity, EW_WARN);
	assert_non_null(f->remedy);
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->evidence[0], "/nonexistent"));
	f = get_finding(res, "TARGET-EXCHANGE");
	assert_int_equal(f->severity, EW_INFO);
	assert_int_equal(res->status, EW_ST_WARN);
	assert_true(res->duration_ms >= 0);
	assert_all_clean(res);

	/* The step data: the target as settled, and the cache looked at. */
	jt = json_object_get(res->data, "target");
	assert_true(json_is_object(jt));
	assert_string_equal(json_string_value(json_object_get(jt, "realm")), "LAB.EXAMPLE");
	assert_string_equal(json_string_value(json_object_get(jt, "realm_source")), "krb5.conf");
	assert_string_equal(json_string_value(json_object_get(jt, "domain")), "lab.example");
	assert_string_equal(json_string_value(json_object_get(jt, "domain_source")), "realm");
	assert_string_equal(json_string_value(json_object_get(res->data, "ccache")),
			    "FILE:/nonexistent");
	ew_step_result_free(&res);
	ew_target_free(&t);
}

static void test_step_no_realm(void **state)
{
	struct ew_target *t = ew_target_new();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	setenv("KRB5_CONFIG", "/dev/null", 1);
	setenv("KRB5CCNAME", "FILE:/nonexistent", 1);
	res = run_target_step(t);
	assert_null(t->realm);
	assert_null(t->domain);
	f = get_finding(res, "TARGET-REALM");
	assert_int_equal(f->severity, EW_FAIL);
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "-r REALM"));
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->evidence[0], "krb5_get_default_realm"));
	f = get_finding(res, "TARGET-DOMAIN");
	assert_int_equal(f->severity, EW_SKIP);
	f = get_finding(res, "TARGET-USER");
	assert_int_equal(f->severity, EW_WARN);
	assert_int_equal(res->status, EW_ST_FAIL);
	assert_true(json_is_object(json_object_get(res->data, "target")));
	assert_all_clean(res);
	ew_step_result_free(&res);
	ew_target_free(&t);
}

static void test_step_options_win(void **state)
{
	struct fixture *fx = *state;
	struct ew_target *t = ew_target_new();
	struct ew_step_result *res;
	const struct ew_finding *f;
	char err[256];

	use_krb5_conf(fx, "\tdefault_realm = LAB.EXAMPLE");
	setenv("KRB5CCNAME", "FILE:/nonexistent", 1);
	assert_int_equal(ew_target_set_realm(t, "EXWIZ.TEST", err, sizeof(err)), 0);
	assert_int_equal(ew_target_set_domain(t, "corp.exwiz.test", err, sizeof(err)), 0);
	assert_int_equal(ew_target_set_user(t, "bob", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_exchange(t, "exch1.exwiz.test", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_exchange(t, "exch2.exwiz.test", err, sizeof(err)), 0);
	res = run_target_step(t);
	assert_string_equal(t->realm, "EXWIZ.TEST");
	assert_string_equal(t->realm_source, "option");
	assert_string_equal(t->domain, "corp.exwiz.test");
	assert_string_equal(t->domain_source, "option");
	assert_string_equal(t->user, "bob");
	assert_string_equal(t->user_source, "option");
	f = get_finding(res, "TARGET-REALM");
	assert_int_equal(f->severity, EW_PASS);
	assert_non_null(strstr(f->title, "command line"));
	assert_int_equal(get_finding(res, "TARGET-DOMAIN")->severity, EW_PASS);
	assert_int_equal(get_finding(res, "TARGET-USER")->severity, EW_PASS);
	f = get_finding(res, "TARGET-EXCHANGE");
	assert_int_equal(f->severity, EW_PASS);
	assert_non_null(strstr(f->title, "2 Exchange"));
	assert_int_equal(res->status, EW_ST_PASS);
	ew_step_result_free(&res);
	ew_target_free(&t);
}

static void test_step_realm_not_dns(void **state)
{
	struct fixture *fx = *state;
	struct ew_target *t = ew_target_new();
	struct ew_step_result *res;
	const struct ew_finding *f;

	use_krb5_conf(fx, "\tdefault_realm = LAB..EXAMPLE");
	setenv("KRB5CCNAME", "FILE:/nonexistent", 1);
	res = run_target_step(t);
	assert_string_equal(t->realm, "LAB..EXAMPLE");
	assert_null(t->domain);
	f = get_finding(res, "TARGET-DOMAIN");
	assert_int_equal(f->severity, EW_FAIL);
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "-d DOMAIN"));
	assert_int_equal(res->status, EW_ST_FAIL);
	ew_step_result_free(&res);
	ew_target_free(&t);
}

/* A credential cache file holding only a principal (no ticket). */
static char *make_ccache(struct fixture *fx, const char *principal)
{
	char *path = tu_path(fx->dir, "cc"), *name;
	krb5_context ctx;
	krb5_principal p;
	krb5_ccache cc;
	size_t n;

	n = strlen(path) + 6;
	name = malloc(n);
	assert_non_null(name);
	snprintf(name, n, "FILE:%s", path);
	free(path);
	assert_int_equal(krb5_init_context(&ctx), 0);
	assert_int_equal(krb5_parse_name(ctx, principal, &p), 0);
	assert_int_equal(krb5_cc_resolve(ctx, name, &cc), 0);
	assert_int_equal(krb5_cc_initialize(ctx, cc, p), 0);
	krb5_cc_close(ctx, cc);
	krb5_free_principal(ctx, p);
	krb5_free_context(ctx);
	return name;
}

static void test_step_user_from_ccache(void **state)
{
	struct fixture *fx = *state;
	struct ew_target *t = ew_target_new();
	struct ew_step_result *res;
	const struct ew_finding *f;
	char *ccname;

	use_krb5_conf(fx, "\tdefault_realm = LAB.EXAMPLE");
	ccname = make_ccache(fx, "alice@LAB.EXAMPLE");
	setenv("KRB5CCNAME", ccname, 1);
	res = run_target_step(t);
	assert_string_equal(t->user, "alice@LAB.EXAMPLE");
	assert_string_equal(t->user_source, "ccache");
	f = get_finding(res, "TARGET-USER");
	assert_int_equal(f->severity, EW_PASS);
	assert_non_null(strstr(f->title, "alice@LAB.EXAMPLE"));
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->evidence[0], ccname));
	assert_string_equal(json_string_value(json_object_get(res->data, "ccache")), ccname);
	assert_int_equal(res->status, EW_ST_INFO);	/* the domain was derived */
	ew_step_result_free(&res);

	/* --ccache wins over KRB5CCNAME. */
	ew_target_free(&t);
	t = ew_target_new();
	setenv("KRB5CCNAME", "FILE:/nonexistent", 1);
	assert_int_equal(ew_target_set_ccache(t, ccname, NULL, 0), 0);
	res = run_target_step(t);
	assert_string_equal(t->user, "alice@LAB.EXAMPLE");
	ew_step_result_free(&res);

	/* -u wins over the cache; a cache of someone else's is a warning that
	 * names both and the way to the user's own tickets. */
	ew_target_free(&t);
	t = ew_target_new();
	setenv("KRB5CCNAME", ccname, 1);
	assert_int_equal(ew_target_set_user(t, "bob", NULL, 0), 0);
	res = run_target_step(t);
	assert_string_equal(t->user, "bob");
	assert_string_equal(t->user_source, "option");
	assert_string_equal(t->cache_principal, "alice@LAB.EXAMPLE");
	f = get_finding(res, "TARGET-USER");
	assert_int_equal(f->severity, EW_WARN);
	assert_non_null(strstr(f->title, "alice@LAB.EXAMPLE"));
	assert_non_null(strstr(f->title, "not of bob"));
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->evidence[0], "alice@LAB.EXAMPLE"));
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "--kinit bob"));
	ew_step_result_free(&res);

	/* -u naming the cache's own principal: no warning. */
	ew_target_free(&t);
	t = ew_target_new();
	assert_int_equal(ew_target_set_user(t, "ALICE", NULL, 0), 0);
	res = run_target_step(t);
	f = get_finding(res, "TARGET-USER");
	assert_int_equal(f->severity, EW_PASS);
	assert_non_null(strstr(f->evidence[0], "alice@LAB.EXAMPLE"));
	ew_step_result_free(&res);
	ew_target_free(&t);
	free(ccname);
}

/*
 * Defaults taken from the machine are not checked like typed values: a
 * krb5.conf default_realm or a cache principal with an escape sequence is
 * stored in the target as it is. Findings clean it; the target JSON must
 * still be there (JSON escapes the ESC).
 */
static void test_step_hostile_defaults(void **state)
{
	struct fixture *fx = *state;
	struct ew_target *t = ew_target_new();
	struct ew_step_result *res;
	const struct ew_finding *f;
	char *ccname;

	use_krb5_conf(fx, "\tdefault_realm = LAB\x1b[31m.EXAMPLE");
	ccname = make_ccache(fx, "eve\x1b]0;pwned\x07@LAB.EXAMPLE");
	setenv("KRB5CCNAME", ccname, 1);
	res = run_target_step(t);
	/* Not a usable realm: refused, shown escaped in the evidence. */
	f = get_finding(res, "TARGET-REALM");
	assert_int_equal(f->severity, EW_FAIL);
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->evidence[0], "LAB\\x1b[31m.EXAMPLE"));
	assert_null(t->realm);
	f = get_finding(res, "TARGET-USER");
	assert_non_null(strstr(f->title, "eve\\x1b]0;pwned\\x07"));
	assert_all_clean(res);
	/* No realm: no domain derived from it. */
	assert_int_equal(get_finding(res, "TARGET-DOMAIN")->severity, EW_SKIP);
	assert_true(json_is_object(json_object_get(res->data, "target")));
	ew_step_result_free(&res);
	ew_target_free(&t);
	free(ccname);
}

/* The same with a byte that is not UTF-8: json_pack refuses it. */
static void test_step_default_realm_not_utf8(void **state)
{
	struct fixture *fx = *state;
	struct ew_target *t = ew_target_new();
	struct ew_step_result *res;
	const struct ew_finding *f;
	json_t *json_target;
	int has_target, json_ok;

	use_krb5_conf(fx, "\tdefault_realm = LAB\xff.EXAMPLE");
	setenv("KRB5CCNAME", "FILE:/nonexistent", 1);
	res = run_target_step(t);
	f = get_finding(res, "TARGET-REALM");
	assert_int_equal(f->severity, EW_FAIL);
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->evidence[0], "LAB\\xff.EXAMPLE"));
	assert_all_clean(res);
	has_target = json_is_object(json_object_get(res->data, "target"));
	json_target = ew_target_to_json(t);
	json_ok = json_target != NULL;
	json_decref(json_target);
	ew_step_result_free(&res);
	ew_target_free(&t);
	/* Freed first: a failure must not leak. */
	assert_true(json_ok);
	assert_true(has_target);
}

/* Whose tickets the cache holds against the user under diagnosis. */
static void test_same_account(void **state)
{
	struct ew_target t = {0};

	(void)state;
	assert_true(ew_same_account("bob", "bob@EXWIZ.TEST", NULL));
	assert_true(ew_same_account("BOB", "bob@EXWIZ.TEST", NULL));
	assert_true(ew_same_account("EXWIZ\\bob", "bob@EXWIZ.TEST", NULL));
	assert_true(ew_same_account("bob@exwiz.test", "bob@EXWIZ.TEST", NULL));
	assert_false(ew_same_account("carol", "bob@EXWIZ.TEST", NULL));
	assert_false(ew_same_account("bo", "bob@EXWIZ.TEST", NULL));
	assert_false(ew_same_account("bobby", "bob@EXWIZ.TEST", NULL));
	assert_false(ew_same_account(NULL, "bob@EXWIZ.TEST", NULL));
	assert_false(ew_same_account("bob", NULL, NULL));
	assert_false(ew_same_account("", "@EXWIZ.TEST", NULL));
	/* The realm, when known: bob of another realm is not this realm's bob. */
	assert_true(ew_same_account("bob", "bob@EXWIZ.TEST", "EXWIZ.TEST"));
	assert_true(ew_same_account("bob", "bob@exwiz.test", "EXWIZ.TEST"));
	assert_false(ew_same_account("bob", "bob@OTHER.TEST", "EXWIZ.TEST"));
	assert_true(ew_same_account("bob", "bob", "EXWIZ.TEST"));
	/* The directory is read as the bind DN when there is one. */
	t.cache_principal = "bob@EXWIZ.TEST";
	assert_string_equal(ew_target_reader(&t, NULL), "bob@EXWIZ.TEST");
	assert_string_equal(ew_target_reader(&t, "CN=Alice,DC=x"), "CN=Alice,DC=x");
	t.cache_principal = NULL;
	assert_null(ew_target_reader(&t, NULL));
}

/*
 * Stopped while the target step asks for the name of a --dc address: no
 * verdict on the address (a skip, never the configuration error), and the
 * step is cancelled. Nothing is sent once the flag is set.
 */
static void test_step_dc_address_cancelled(void **state)
{
	struct fixture *fx = *state;
	struct ew_target *t = ew_target_new();
	const struct ew_step *step = ew_step_find("target");
	struct ew_step_result *res;
	const struct ew_finding *f;
	struct ew_run run;
	atomic_int cancel = 1;
	char err[256];
	size_t i;

	use_krb5_conf(fx, "\tdefault_realm = LAB.EXAMPLE");
	setenv("KRB5CCNAME", "FILE:/nonexistent", 1);
	assert_int_equal(ew_target_set_dc(t, "192.0.2.1", err, sizeof(err)), 0);
	memset(&run, 0, sizeof(run));
	run.target = t;
	run.cancel = &cancel;
	res = ew_step_execute(step, &run);
	assert_non_null(res);
	f = get_finding(res, "TARGET-DC");
	assert_int_equal(f->severity, EW_SKIP);
	assert_non_null(strstr(f->title, "Cancelled"));
	for (i = 0; i < res->nfindings; i++)
		assert_int_not_equal(res->findings[i]->severity, EW_FAIL);
	assert_string_equal(t->dc, "192.0.2.1");
	assert_int_equal(res->status, EW_ST_CANCELLED);
	ew_step_result_free(&res);
	ew_target_free(&t);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_account),
		T(test_step_dc_address_cancelled),
		cmocka_unit_test(test_valid_hostname),
		cmocka_unit_test(test_valid_hostname_two_trailing_dots),
		cmocka_unit_test(test_valid_realm),
		cmocka_unit_test(test_valid_account),
		cmocka_unit_test(test_parse_server),
		cmocka_unit_test(test_setters),
		cmocka_unit_test(test_exchange_list),
		cmocka_unit_test(test_dns_server_list),
		cmocka_unit_test(test_to_json),
		cmocka_unit_test(test_to_json_ccache_not_utf8),
		cmocka_unit_test(test_dup),
		T(test_step_realm_from_krb5_conf),
		T(test_step_no_realm),
		T(test_step_options_win),
		T(test_step_realm_not_dns),
		T(test_step_user_from_ccache),
		T(test_step_hostile_defaults),
		T(test_step_default_realm_not_utf8),
	};
#undef T

	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
