/*
 * test_krb.c - krb.c's pure helpers (trace redaction, error explanations),
 * and krbdata.c's numbers and names against MIT krb5's own: every enctype
 * the library names, the ticket flags, the error codes the rules tell apart.
 * Links the whole core and krb5; no KDC, no network.
 */
#include "testutil.h"

#include <krb5.h>
#include <stdlib.h>
#include <string.h>

#include "krb.h"
#include "krbdata.h"
#include "text.h"

static void redact_is(const char *in, const char *want)
{
	char buf[512];

	assert_true(strlen(in) < sizeof(buf));
	strcpy(buf, in);
	ew_krb_trace_redact(buf);
	if (strcmp(buf, want) != 0)
		fail_msg("redact(\"%s\") = \"%s\", expected \"%s\"", in, buf, want);
}

static void test_trace_redact(void **state)
{
	(void)state;
	redact_is("session key aes256-cts/1A2B", "session key aes256-cts/****");
	redact_is("Decrypted AS reply; session key is: aes256-cts/1A2B",
		  "Decrypted AS reply; session key is: aes256-cts/****");
	redact_is("AS key obtained for encrypted timestamp: aes256-cts/E6F1, salt x",
		  "AS key obtained for encrypted timestamp: aes256-cts/****, salt x");
	redact_is("keys rc4-hmac/9F3C and aes128-cts/00FF",
		  "keys rc4-hmac/**** and aes128-cts/****");
	redact_is("etype 99/ABCD", "etype 99/****");
	/* Principals and everything else stay as they are. */
	redact_is("krbtgt/EXWIZ.TEST@EXWIZ.TEST", "krbtgt/EXWIZ.TEST@EXWIZ.TEST");
	redact_is("HTTP/exch1.exwiz.test", "HTTP/exch1.exwiz.test");
	redact_is("exchangeMDB/exch1.exwiz.test@EXWIZ.TEST",
		  "exchangeMDB/exch1.exwiz.test@EXWIZ.TEST");
	redact_is("ldap/dc1.exwiz.test", "ldap/dc1.exwiz.test");
	redact_is("host/1234.exwiz.test", "host/1234.exwiz.test");
	redact_is("Retrieving alice@EXWIZ.TEST from FILE:/tmp/krb5cc_1000 with result: 0/Success",
		  "Retrieving alice@EXWIZ.TEST from FILE:/tmp/krb5cc_1000 with result: 0/Success");
	redact_is("aes256-cts/1A2B3", "aes256-cts/1A2B3");	/* not a 4-digit fingerprint */
	redact_is("aes256-cts/1a2b", "aes256-cts/1a2b");	/* MIT prints upper case */
	redact_is("aes256-cts/1A2", "aes256-cts/1A2");
	redact_is("/1A2B", "/1A2B");
	redact_is("x/", "x/");
	redact_is("", "");
}

static void test_explain(void **state)
{
	const char *cause = NULL, *remedy = NULL;

	(void)state;
	ew_krb_explain(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, &cause, &remedy);
	assert_non_null(strstr(cause, "duplicate"));
	assert_non_null(strstr(remedy, "setspn"));
	ew_krb_explain(KRB5KRB_AP_ERR_SKEW, &cause, &remedy);
	assert_non_null(strstr(cause, "clock"));
	assert_non_null(remedy);
	ew_krb_explain(KRB5_KDC_UNREACH, &cause, &remedy);
	assert_non_null(strstr(remedy, "88"));
	ew_krb_explain(KRB5KDC_ERR_PREAUTH_FAILED, &cause, &remedy);
	assert_non_null(strstr(cause, "password"));
	ew_krb_explain(KRB5KRB_AP_ERR_MODIFIED, &cause, &remedy);
	assert_non_null(strstr(cause, "duplicate SPN"));
	ew_krb_explain(123456789, &cause, &remedy);
	assert_non_null(cause);
	assert_non_null(remedy);
	/* what a person reads: no control characters */
	assert_false(tu_has_raw_control(cause, strlen(cause)));
	assert_false(tu_has_raw_control(remedy, strlen(remedy)));
	assert_true(ew_text_is_clean(cause, strlen(cause)));
	assert_true(ew_text_is_clean(remedy, strlen(remedy)));
}

/* The table gives the library's name for every enctype the library names,
 * and "enctype N" for the others, as krb.c did asking the library. */
static void test_enctype_names_as_library(void **state)
{
	char ours[64], lib[64], want[64];
	size_t named = 0;
	int e;

	(void)state;
	for (e = -512; e <= 512; e++) {
		ew_krb_enctype_name(e, ours, sizeof(ours));
		if (krb5_enctype_to_name((krb5_enctype)e, FALSE, lib, sizeof(lib)) == 0) {
			named++;
			snprintf(want, sizeof(want), "%s", lib);
		} else {
			snprintf(want, sizeof(want), "enctype %d", e);
		}
		if (strcmp(ours, want) != 0)
			fail_msg("enctype %d: \"%s\", the library says \"%s\"", e, ours, want);
	}
	assert_true(named >= 10);	/* the library knows the usual ones */
	/* a short buffer cuts the name, never overruns */
	memset(ours, 'x', sizeof(ours));
	ew_krb_enctype_name(ENCTYPE_AES256_CTS_HMAC_SHA1_96, ours, 7);
	assert_string_equal(ours, "aes256");
	assert_int_equal(ours[7], 'x');
}

static void test_numbers_as_library(void **state)
{
	(void)state;
	assert_int_equal(EW_TKT_FLG_FORWARDABLE, TKT_FLG_FORWARDABLE);
	assert_int_equal(EW_TKT_FLG_FORWARDED, TKT_FLG_FORWARDED);
	assert_int_equal(EW_TKT_FLG_PROXIABLE, TKT_FLG_PROXIABLE);
	assert_int_equal(EW_TKT_FLG_PROXY, TKT_FLG_PROXY);
	assert_int_equal(EW_TKT_FLG_MAY_POSTDATE, TKT_FLG_MAY_POSTDATE);
	assert_int_equal(EW_TKT_FLG_POSTDATED, TKT_FLG_POSTDATED);
	assert_int_equal(EW_TKT_FLG_INVALID, TKT_FLG_INVALID);
	assert_int_equal(EW_TKT_FLG_RENEWABLE, TKT_FLG_RENEWABLE);
	assert_int_equal(EW_TKT_FLG_INITIAL, TKT_FLG_INITIAL);
	assert_int_equal(EW_TKT_FLG_PRE_AUTH, TKT_FLG_PRE_AUTH);
	assert_int_equal(EW_TKT_FLG_HW_AUTH, TKT_FLG_HW_AUTH);
	assert_int_equal(EW_TKT_FLG_TRANSIT_POLICY_CHECKED, TKT_FLG_TRANSIT_POLICY_CHECKED);
	assert_int_equal(EW_TKT_FLG_OK_AS_DELEGATE, TKT_FLG_OK_AS_DELEGATE);
	assert_int_equal(EW_TKT_FLG_ANONYMOUS, TKT_FLG_ANONYMOUS);
	assert_int_equal(EW_KRB5_KDC_ERR_S_PRINCIPAL_UNKNOWN, KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN);
	assert_int_equal(EW_KRB5_KRB_AP_ERR_SKEW, KRB5KRB_AP_ERR_SKEW);
	assert_int_equal(EW_KRB5_PROTO_ERR(0), KRB5KDC_ERR_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_redact),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_enctype_names_as_library),
		cmocka_unit_test(test_numbers_as_library),
	};

	return cmocka_run_group_tests_name("krb", tests, NULL, NULL);
}
