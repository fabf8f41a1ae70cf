/*
 * test_krbrules.c - the pure parts of the tickets step: the names of
 * krbdata.c (ticket flags, enctype names and weakness) and the verdicts of
 * krbrules.c (KRB-CONF, KRB-CACHE, KRB-SVC, KRB-SKEW, KRB-KDC,
 * KRB-TRANSPORT, SPN-UNIQUE) on inputs built by hand. Linked without krb5:
 * <krb5.h> gives only the library's constants, which the rules must agree
 * with. No KDC, no network.
 */
#include "testutil.h"

#include <krb5.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "finding.h"
#include "kdcprobe.h"
#include "krbdata.h"
#include "krbrules.h"
#include "result.h"
#include "text.h"

#define REALM "EXWIZ.TEST"
#define TGT_NAME "krbtgt/EXWIZ.TEST@EXWIZ.TEST"
#define NOW 1800000000LL	/* 2027-01-15 08:00:00 UTC */
#define AES256 18
#define AES128 17
#define RC4 23
#define DES_MD5 3
#define DES_CRC 1

/* ---- results ---- */

static struct ew_step_result *new_res(void)
{
	struct ew_step_result *r = ew_step_result_new("tickets", "Tickets");

	assert_non_null(r);
	return r;
}

static size_t count_sev(const struct ew_step_result *res, enum ew_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < res->nfindings; i++)
		n += res->findings[i]->severity == sev;
	return n;
}

/* The first finding of severity sev whose title holds needle (NULL: any). */
static const struct ew_finding *find(const struct ew_step_result *res, enum ew_severity sev,
				     const char *needle)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		const struct ew_finding *f = res->findings[i];

		if (f->severity == sev && (needle == NULL || strstr(f->title, needle)))
			return f;
	}
	return NULL;
}

static void dump(const struct ew_step_result *res)
{
	size_t i, k;

	for (i = 0; i < res->nfindings; i++) {
		const struct ew_finding *f = res->findings[i];

		print_message("[%s] %s: %s\n", ew_severity_tag(f->severity), f->check, f->title);
		for (k = 0; k < f->nevidence; k++)
			print_message("    %s\n", f->evidence[k]);
	}
}

static const struct ew_finding *need(const struct ew_step_result *res, enum ew_severity sev,
				     const char *needle)
{
	const struct ew_finding *f = find(res, sev, needle);

	if (f == NULL) {
		dump(res);
		fail_msg("no %s finding with \"%s\"", ew_severity_tag(sev), needle ? needle : "");
	}
	return f;
}

static int has_evidence(const struct ew_finding *f, const char *needle)
{
	size_t i;

	for (i = 0; i < f->nevidence; i++)
		if (strstr(f->evidence[i], needle))
			return 1;
	return 0;
}

static void assert_evidence(const struct ew_finding *f, const char *needle)
{
	size_t i;

	if (has_evidence(f, needle))
		return;
	for (i = 0; i < f->nevidence; i++)
		print_message("evidence[%zu]: %s\n", i, f->evidence[i]);
	fail_msg("no evidence line with \"%s\"", needle);
}

/* Every finding has check id `check`, and the strings are clean. */
static void assert_all(const struct ew_step_result *res, const char *check)
{
	size_t i;

	tu_assert_findings_clean(res);
	for (i = 0; i < res->nfindings; i++)
		assert_string_equal(res->findings[i]->check, check);
}

/* ---- krbdata.c's names ---- */

static void test_flags_text(void **state)
{
	unsigned fria = TKT_FLG_FORWARDABLE | TKT_FLG_RENEWABLE | TKT_FLG_INITIAL |
			TKT_FLG_PRE_AUTH | TKT_FLG_ENC_PA_REP;
	unsigned all = TKT_FLG_FORWARDABLE | TKT_FLG_FORWARDED | TKT_FLG_PROXIABLE |
		       TKT_FLG_PROXY | TKT_FLG_MAY_POSTDATE | TKT_FLG_POSTDATED |
		       TKT_FLG_INVALID | TKT_FLG_RENEWABLE | TKT_FLG_INITIAL | TKT_FLG_HW_AUTH |
		       TKT_FLG_PRE_AUTH | TKT_FLG_TRANSIT_POLICY_CHECKED |
		       TKT_FLG_OK_AS_DELEGATE | TKT_FLG_ANONYMOUS;
	char letters[20];
	char *s;

	(void)state;
	/* What klist -f prints for a TGT from kinit: FRIA (enc_pa_rep has no letter). */
	assert_int_equal(fria, 0x40e10000u);
	memset(letters, 'x', sizeof(letters));
	s = ew_krb_flags_text(fria, letters);
	assert_non_null(s);
	assert_string_equal(s, "forwardable, renewable, initial, pre-authent");
	assert_string_equal(letters, "FRIA");
	free(s);

	s = ew_krb_flags_text(TKT_FLG_FORWARDABLE | TKT_FLG_OK_AS_DELEGATE | TKT_FLG_PRE_AUTH,
			      letters);
	assert_string_equal(s, "forwardable, pre-authent, ok-as-delegate");
	assert_string_equal(letters, "FAO");
	free(s);

	memset(letters, 'x', sizeof(letters));
	s = ew_krb_flags_text(all, letters);
	assert_string_equal(letters, "FfPpDdiRIHATOa");	/* 14 letters: fits 16 bytes */
	assert_non_null(strstr(s, "forwarded"));
	assert_non_null(strstr(s, "proxiable"));
	assert_non_null(strstr(s, "may-postdate"));
	assert_non_null(strstr(s, "hw-authent"));
	assert_non_null(strstr(s, "transit-policy-checked"));
	assert_non_null(strstr(s, "anonymous"));
	assert_int_equal(letters[14], '\0');
	free(s);

	s = ew_krb_flags_text(0, letters);
	assert_string_equal(s, "");
	assert_string_equal(letters, "");
	free(s);

	s = ew_krb_flags_text(TKT_FLG_RENEWABLE, NULL);	/* letters optional */
	assert_string_equal(s, "renewable");
	free(s);
}

static void test_enctypes(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(ew_krb_enctype_weakness(1), 1);
	assert_int_equal(ew_krb_enctype_weakness(2), 1);
	assert_int_equal(ew_krb_enctype_weakness(3), 1);
	assert_int_equal(ew_krb_enctype_weakness(23), 2);
	assert_int_equal(ew_krb_enctype_weakness(24), 2);
	assert_int_equal(ew_krb_enctype_weakness(17), 0);
	assert_int_equal(ew_krb_enctype_weakness(18), 0);
	assert_int_equal(ew_krb_enctype_weakness(19), 0);
	assert_int_equal(ew_krb_enctype_weakness(20), 0);
	assert_int_equal(ew_krb_enctype_weakness(-1), 0);

	ew_krb_enctype_name(18, buf, sizeof(buf));
	assert_string_equal(buf, "aes256-cts-hmac-sha1-96");
	ew_krb_enctype_name(17, buf, sizeof(buf));
	assert_string_equal(buf, "aes128-cts-hmac-sha1-96");
	ew_krb_enctype_name(23, buf, sizeof(buf));
	assert_string_equal(buf, "arcfour-hmac");
	ew_krb_enctype_name(3, buf, sizeof(buf));
	assert_string_equal(buf, "des-cbc-md5");
	ew_krb_enctype_name(9999, buf, sizeof(buf));
	assert_string_equal(buf, "enctype 9999");
	ew_krb_enctype_name(-1, buf, sizeof(buf));
	assert_string_equal(buf, "enctype -1");
}

/* ---- building caches (freed by ew_krb_caches_clear) ---- */

static struct ew_krb_cache *add_cache(struct ew_krb_caches *cs, const char *name,
				      const char *principal, int is_default)
{
	struct ew_krb_cache *c;
	struct ew_krb_cache *grown = realloc(cs->caches, (cs->n + 1) * sizeof(*grown));

	assert_non_null(grown);
	cs->caches = grown;
	c = &cs->caches[cs->n++];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	c->principal = principal ? strdup(principal) : NULL;
	c->is_default = is_default;
	return c;
}

static struct ew_krb_cred *add_cred(struct ew_krb_cache *c, const char *server,
				    long long endtime, int session_enctype, int ticket_enctype)
{
	struct ew_krb_cred *k;
	struct ew_krb_cred *grown = realloc(c->creds, (c->ncreds + 1) * sizeof(*grown));

	assert_non_null(grown);
	c->creds = grown;
	k = &c->creds[c->ncreds++];
	memset(k, 0, sizeof(*k));
	k->client = strdup(c->principal ? c->principal : "alice@" REALM);
	k->server = strdup(server);
	k->authtime = k->starttime = endtime - 36000;
	k->endtime = endtime;
	k->renew_till = endtime + 6 * 86400;
	k->flags = TKT_FLG_FORWARDABLE | TKT_FLG_RENEWABLE | TKT_FLG_INITIAL | TKT_FLG_PRE_AUTH;
	k->session_enctype = session_enctype;
	k->ticket_enctype = ticket_enctype;
	k->ticket_size = 1234;
	/* krbtgt/REALM@REALM */
	{
		const char *at = strchr(server, '@');

		k->is_tgt = strncmp(server, "krbtgt/", 7) == 0 && at &&
			    (size_t)(at - server - 7) == strlen(at + 1) &&
			    strncmp(server + 7, at + 1, strlen(at + 1)) == 0;
	}
	return k;
}

static struct ew_step_result *run_cache(const struct ew_krb_caches *cs, const char *realm)
{
	struct ew_step_result *res = new_res();

	ew_krb_rule_cache(cs, realm, NOW, res);
	assert_all(res, "KRB-CACHE");
	return res;
}

static void test_cache_none(void **state)
{
	struct ew_krb_caches cs = { NULL, 0 };
	struct ew_step_result *res;
	const struct ew_finding *f;
	struct ew_krb_cache *c;

	(void)state;
	res = run_cache(&cs, REALM);
	f = need(res, EW_FAIL, "No credential cache");
	tu_assert_cause(f, EW_CAUSE_NO_TGT);
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "kinit"));
	assert_int_equal(ew_step_result_worst(res), EW_ST_FAIL);
	assert_int_equal(count_sev(res, EW_PASS), 0);
	ew_step_result_free(&res);

	/* A cache that cannot be read: its error is the evidence. */
	c = add_cache(&cs, "FILE:/tmp/krb5cc_1000", NULL, 1);
	c->error = strdup("No credentials cache found (filename: /tmp/krb5cc_1000)");
	res = run_cache(&cs, REALM);
	f = need(res, EW_FAIL, "No credential cache");
	assert_evidence(f, "FILE:/tmp/krb5cc_1000: No credentials cache found");
	assert_int_equal(count_sev(res, EW_PASS), 0);
	ew_step_result_free(&res);
	ew_krb_caches_clear(&cs);
	assert_null(cs.caches);
	assert_int_equal(cs.n, 0);
}

static void test_cache_no_tgt(void **state)
{
	struct ew_krb_caches cs = { NULL, 0 };
	struct ew_krb_cache *c;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	c = add_cache(&cs, "FILE:/tmp/krb5cc_1000", "alice@" REALM, 1);
	add_cred(c, "HTTP/exch1.exwiz.test@" REALM, NOW + 3600, AES256, AES256);
	/* A TGT of another realm does not count. */
	add_cred(c, "krbtgt/OTHER.TEST@OTHER.TEST", NOW + 3600, AES256, AES256);
	res = run_cache(&cs, REALM);
	f = need(res, EW_FAIL, "No TGT for EXWIZ.TEST in FILE:/tmp/krb5cc_1000");
	tu_assert_cause(f, EW_CAUSE_NO_TGT);
	assert_non_null(strstr(f->remedy, "kinit alice@EXWIZ.TEST"));
	assert_int_equal(count_sev(res, EW_PASS), 0);
	ew_step_result_free(&res);

	/* Any realm will do when none is asked for. */
	res = run_cache(&cs, NULL);
	assert_int_equal(count_sev(res, EW_FAIL), 0);
	need(res, EW_PASS, "a valid TGT");
	ew_step_result_free(&res);
	ew_krb_caches_clear(&cs);
}

static void test_cache_expired_and_expiring(void **state)
{
	struct ew_krb_caches cs = { NULL, 0 };
	struct ew_krb_cache *c;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	c = add_cache(&cs, "KCM:1000", "alice@" REALM, 1);
	add_cred(c, TGT_NAME, NOW - 60, AES256, AES256);
	res = run_cache(&cs, REALM);
	f = need(res, EW_FAIL, "expired at 2027-01-15 07:59:00Z");
	tu_assert_cause(f, EW_CAUSE_NO_TGT);
	assert_non_null(strstr(f->title, "alice@EXWIZ.TEST"));
	assert_non_null(f->remedy);
	assert_int_equal(count_sev(res, EW_PASS), 0);
	ew_step_result_free(&res);

	/* Exactly now counts as expired. */
	c->creds[0].endtime = NOW;
	res = run_cache(&cs, REALM);
	need(res, EW_FAIL, "expired");
	ew_step_result_free(&res);

	/* Five minutes left: warn (and the cache itself is fine). */
	c->creds[0].endtime = NOW + 300;
	res = run_cache(&cs, REALM);
	f = need(res, EW_WARN, "expires in 5 min");
	tu_assert_cause(f, NULL);
	assert_non_null(strstr(f->title, "08:05:00Z"));
	assert_int_equal(count_sev(res, EW_FAIL), 0);
	assert_int_equal(ew_step_result_worst(res), EW_ST_WARN);
	ew_step_result_free(&res);

	c->creds[0].endtime = NOW + 599;
	res = run_cache(&cs, REALM);
	need(res, EW_WARN, "expires in 9 min");
	ew_step_result_free(&res);

	/* Ten minutes: no warning. */
	c->creds[0].endtime = NOW + 600;
	res = run_cache(&cs, REALM);
	assert_int_equal(count_sev(res, EW_WARN), 0);
	assert_int_equal(ew_step_result_worst(res), EW_ST_PASS);
	ew_step_result_free(&res);

	/* Of two TGTs the one that lasts longer is the one. */
	c->creds[0].endtime = NOW - 60;
	add_cred(c, TGT_NAME, NOW + 7200, AES256, AES256);
	res = run_cache(&cs, REALM);
	assert_int_equal(ew_step_result_worst(res), EW_ST_PASS);
	ew_step_result_free(&res);
	ew_krb_caches_clear(&cs);
}

static void test_cache_valid_klist_view(void **state)
{
	struct ew_krb_caches cs = { NULL, 0 };
	struct ew_krb_cache *c;
	struct ew_krb_cred *k;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	c = add_cache(&cs, "FILE:/tmp/krb5cc_1000", "alice@" REALM, 1);
	k = add_cred(c, TGT_NAME, NOW + 36000, AES256, AES256);
	k->ticket_size = 1180;
	k = add_cred(c, "exchangeMDB/exch1.exwiz.test@" REALM, NOW + 36000, AES256, -1);
	k->flags = TKT_FLG_FORWARDABLE | TKT_FLG_PRE_AUTH | TKT_FLG_OK_AS_DELEGATE;
	k->ticket_size = 4321;
	res = run_cache(&cs, REALM);
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_PASS, "1 cache(s); a valid TGT");
	assert_int_equal(f->nevidence, 3);
	assert_string_equal(f->evidence[0], "* FILE:/tmp/krb5cc_1000: alice@EXWIZ.TEST");
	assert_string_equal(f->evidence[1], "  krbtgt/EXWIZ.TEST@EXWIZ.TEST  until "
			    "2027-01-15 18:00:00Z  [FRIA]  aes256-cts-hmac-sha1-96/"
			    "aes256-cts-hmac-sha1-96  1180 bytes");
	assert_string_equal(f->evidence[2], "  exchangeMDB/exch1.exwiz.test@EXWIZ.TEST  until "
			    "2027-01-15 18:00:00Z  [FAO]  aes256-cts-hmac-sha1-96/?  4321 bytes");
	ew_step_result_free(&res);
	ew_krb_caches_clear(&cs);
}

static void test_cache_weak_enctypes(void **state)
{
	struct ew_krb_caches cs = { NULL, 0 };
	struct ew_krb_cache *c;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	c = add_cache(&cs, "FILE:/tmp/krb5cc_1000", "alice@" REALM, 1);
	add_cred(c, TGT_NAME, NOW + 36000, AES256, AES256);
	add_cred(c, "host/old.exwiz.test@" REALM, NOW + 36000, DES_MD5, DES_MD5);
	res = run_cache(&cs, REALM);
	f = need(res, EW_FAIL, "DES ticket for host/old.exwiz.test@EXWIZ.TEST");
	tu_assert_cause(f, EW_CAUSE_ENCTYPE_MISMATCH);
	assert_non_null(strstr(f->remedy, "AES"));
	ew_step_result_free(&res);

	/* DES in the ticket only is DES too. */
	c->creds[1].session_enctype = AES256;
	c->creds[1].ticket_enctype = DES_CRC;
	res = run_cache(&cs, REALM);
	need(res, EW_FAIL, "DES ticket");
	ew_step_result_free(&res);

	/* RC4 session key and ticket: RC4-only, warn. */
	c->creds[1].session_enctype = RC4;
	c->creds[1].ticket_enctype = RC4;
	res = run_cache(&cs, REALM);
	f = need(res, EW_WARN, "RC4-only ticket for host/old.exwiz.test@EXWIZ.TEST");
	tu_assert_cause(f, NULL);
	assert_non_null(strstr(f->remedy, "msDS-SupportedEncryptionTypes"));
	assert_int_equal(count_sev(res, EW_FAIL), 0);
	ew_step_result_free(&res);

	/* RC4 session key, ticket enctype unknown: still counted RC4-only. */
	c->creds[1].ticket_enctype = -1;
	res = run_cache(&cs, REALM);
	need(res, EW_WARN, "RC4-only");
	ew_step_result_free(&res);

	/* RC4 session key but an AES ticket, or the reverse: not RC4-only. */
	c->creds[1].ticket_enctype = AES256;
	res = run_cache(&cs, REALM);
	assert_int_equal(count_sev(res, EW_WARN), 0);
	ew_step_result_free(&res);
	c->creds[1].session_enctype = AES256;
	c->creds[1].ticket_enctype = RC4;
	res = run_cache(&cs, REALM);
	assert_int_equal(count_sev(res, EW_WARN), 0);
	assert_int_equal(ew_step_result_worst(res), EW_ST_PASS);
	ew_step_result_free(&res);
	ew_krb_caches_clear(&cs);
}

static void test_cache_default_pick(void **state)
{
	struct ew_krb_caches cs = { NULL, 0 };
	struct ew_krb_cache *c;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	/* The first cache has no TGT, the second is the default and has one. */
	c = add_cache(&cs, "KCM:1000:1", "bob@" REALM, 0);
	add_cred(c, "HTTP/exch1.exwiz.test@" REALM, NOW + 3600, AES256, AES256);
	c = add_cache(&cs, "KCM:1000:2", "alice@" REALM, 1);
	add_cred(c, TGT_NAME, NOW + 36000, AES256, AES256);
	res = run_cache(&cs, REALM);
	assert_int_equal(count_sev(res, EW_FAIL), 0);
	f = need(res, EW_PASS, "2 cache(s); a valid TGT");
	assert_string_equal(f->evidence[0], "KCM:1000:1: bob@EXWIZ.TEST");
	assert_evidence(f, "* KCM:1000:2: alice@EXWIZ.TEST");
	ew_step_result_free(&res);

	/* The other way round: the default has no TGT; another cache's does not help. */
	cs.caches[0].is_default = 1;
	cs.caches[1].is_default = 0;
	res = run_cache(&cs, REALM);
	need(res, EW_FAIL, "No TGT for EXWIZ.TEST in KCM:1000:1");
	ew_step_result_free(&res);

	/* No default marked: the first one. */
	cs.caches[0].is_default = 0;
	res = run_cache(&cs, REALM);
	need(res, EW_FAIL, "in KCM:1000:1");
	ew_step_result_free(&res);
	ew_krb_caches_clear(&cs);
}

/* ---- service tickets (freed by ew_krb_svc_clear; spn is the caller's) ---- */

static void svc_ok(struct ew_krb_svc *s, const char *spn, int enctype, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->spn = (char *)spn;
	s->ok = 1;
	s->enctype = enctype;
	s->session_enctype = enctype;
	s->ticket_size = size;
	s->rtt_ms = 12;
	s->starttime = s->authtime = NOW;
	s->endtime = NOW + 36000;
	s->local_time = (double)NOW;
}

/* A failed request; cause and remedy stand for what krb.c's ew_krb_explain
 * gives (test_krb), which the rules pass on. */
#define CAUSE "The cause of the error."
#define REMEDY "The remedy for the error."
static void svc_fail(struct ew_krb_svc *s, const char *spn, long code, const char *msg)
{
	memset(s, 0, sizeof(*s));
	s->spn = (char *)spn;
	s->code = code;
	s->error = msg ? strdup(msg) : NULL;
	s->cause = CAUSE;
	s->remedy = REMEDY;
}

static void svc_clear_all(struct ew_krb_svc *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ew_krb_svc_clear(&s[i]);
}

static struct ew_step_result *run_svc(const struct ew_krb_svc *s, size_t n)
{
	struct ew_step_result *res = new_res();

	ew_krb_rule_svc(s, n, res);
	assert_all(res, "KRB-SVC");
	return res;
}

static void test_svc_all_ok(void **state)
{
	struct ew_krb_svc s[3];
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	svc_ok(&s[0], "exchangeMDB/exch1.exwiz.test", AES256, 1500);
	svc_ok(&s[1], "exchangeRFR/exch1.exwiz.test", AES256, 1501);
	svc_ok(&s[2], "HTTP/exch1.exwiz.test", AES128, 1502);
	res = run_svc(s, 3);
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_PASS, "Session tickets for every service that should have one");
	assert_int_equal(f->nevidence, 3);
	assert_string_equal(f->evidence[0], "exchangeMDB/exch1.exwiz.test: 1500 bytes, "
			    "aes256-cts-hmac-sha1-96, 12 ms");
	assert_string_equal(f->evidence[2], "HTTP/exch1.exwiz.test: 1502 bytes, "
			    "aes128-cts-hmac-sha1-96, 12 ms");
	ew_step_result_free(&res);
	svc_clear_all(s, 3);

	/* Nothing asked: nothing to say. */
	res = run_svc(s, 0);
	assert_int_equal(res->nfindings, 0);
	ew_step_result_free(&res);
}

static void test_svc_principal_unknown(void **state)
{
	struct ew_krb_svc s[3];
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	svc_ok(&s[0], "exchangeMDB/exch1.exwiz.test", AES256, 1500);
	svc_fail(&s[1], "exchangeRFR/exch2.exwiz.test", KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN,
		 "Server not found in Kerberos database");
	svc_fail(&s[2], "ldap/dc1.exwiz.test", KRB5KRB_AP_ERR_SKEW,
		 "Clock skew too great\x1b[2J");
	res = run_svc(s, 3);
	assert_int_equal(count_sev(res, EW_PASS), 0);
	assert_int_equal(count_sev(res, EW_FAIL), 2);
	f = need(res, EW_FAIL, "No session ticket for exchangeRFR/exch2.exwiz.test");
	tu_assert_cause(f, EW_CAUSE_SPN_MISSING);
	assert_string_equal(f->detail, CAUSE);
	assert_string_equal(f->remedy, REMEDY);
	assert_int_equal(f->nevidence, 1);
	assert_string_equal(f->evidence[0], "Server not found in Kerberos database");
	f = need(res, EW_FAIL, "No session ticket for ldap/dc1.exwiz.test");
	tu_assert_cause(f, EW_CAUSE_CLOCK_SKEW);
	assert_string_equal(f->detail, CAUSE);
	assert_null(strchr(f->evidence[0], '\x1b'));	/* cleaned */
	ew_step_result_free(&res);
	svc_clear_all(s, 3);

	/* No cause, no message: still a finding that says so. */
	memset(&s[0], 0, sizeof(s[0]));
	s[0].spn = (char *)"HTTP/exch1.exwiz.test";
	s[0].code = -1;
	res = run_svc(s, 1);
	f = need(res, EW_FAIL, "No session ticket for HTTP/exch1.exwiz.test");
	tu_assert_cause(f, NULL);
	assert_string_equal(f->detail, "The request failed.");
	assert_string_equal(f->evidence[0], "?");
	assert_null(f->remedy);
	ew_step_result_free(&res);
}

/*
 * The cause a failed request proves, from the KDC's answer (the library's
 * own codes): unknown principal, no common enctype, skew, no KDC; an
 * unknown principal with two holders in the global catalog is a duplicate.
 */
static void test_svc_causes(void **state)
{
	struct ew_krb_svc s[5];
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	svc_fail(&s[0], "exchangeRFR/exch1.exwiz.test", KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, "x");
	svc_fail(&s[1], "exchangeMDB/exch1.exwiz.test", KRB5KDC_ERR_ETYPE_NOSUPP, "x");
	svc_fail(&s[2], "HTTP/exch1.exwiz.test", KRB5KRB_AP_ERR_SKEW, "x");
	svc_fail(&s[3], "HTTP/exch2.exwiz.test", KRB5_KDC_UNREACH, "x");
	svc_fail(&s[4], "exchangeRFR/exch2.exwiz.test", KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, "x");
	res = run_svc(s, 5);
	tu_assert_cause(need(res, EW_FAIL, "exchangeMDB/exch1"), EW_CAUSE_ENCTYPE_MISMATCH);
	tu_assert_cause(need(res, EW_FAIL, "HTTP/exch1"), EW_CAUSE_CLOCK_SKEW);
	tu_assert_cause(need(res, EW_FAIL, "HTTP/exch2"), EW_CAUSE_KDC_UNREACHABLE);

	/* Holders counted: one or none leaves it missing, two make it a duplicate. */
	ew_krb_svc_holders(res, "exchangeRFR/exch1.exwiz.test", 0);
	ew_krb_svc_holders(res, "exchangeRFR/exch1.exwiz.test", 1);
	f = need(res, EW_FAIL, "exchangeRFR/exch1");
	tu_assert_cause(f, EW_CAUSE_SPN_MISSING);
	ew_krb_svc_holders(res, "exchangeRFR/exch1.exwiz.test", 2);
	tu_assert_cause(f, EW_CAUSE_SPN_DUPLICATE);
	/* Only that name: a prefix of another is not it, another cause stays. */
	ew_krb_svc_holders(res, "exchangeRFR/exch2.exwiz", 3);
	ew_krb_svc_holders(res, "exchangeMDB/exch1.exwiz.test", 2);
	tu_assert_cause(need(res, EW_FAIL, "exchangeRFR/exch2"), EW_CAUSE_SPN_MISSING);
	tu_assert_cause(need(res, EW_FAIL, "exchangeMDB/exch1"), EW_CAUSE_ENCTYPE_MISMATCH);
	ew_step_result_free(&res);
	svc_clear_all(s, 5);
}

static void test_svc_front_end(void **state)
{
	struct ew_krb_svc s[8];
	struct ew_step_result *res;
	const struct ew_finding *f;
	const long unknown = KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN;
	const char *nf = "Server not found in Kerberos database";

	(void)state;
	/* A back end with everything, a front end with only HTTP/. */
	svc_ok(&s[0], "exchangeMDB/exch1.exwiz.test", AES256, 1500);
	svc_ok(&s[1], "exchangeRFR/exch1.exwiz.test", AES256, 1500);
	svc_ok(&s[2], "exchangeAB/exch1.exwiz.test", AES256, 1500);
	svc_ok(&s[3], "HTTP/exch1.exwiz.test", AES256, 1500);
	svc_fail(&s[4], "exchangeMDB/fe1.exwiz.test", unknown, nf);
	svc_fail(&s[5], "exchangeRFR/fe1.exwiz.test", unknown, nf);
	svc_fail(&s[6], "exchangeAB/fe1.exwiz.test", unknown, nf);
	svc_ok(&s[7], "HTTP/FE1.exwiz.test", AES256, 1500);	/* case does not matter */

	assert_true(ew_krb_is_front_end(s, 8, "fe1.exwiz.test"));
	assert_false(ew_krb_is_front_end(s, 8, "exch1.exwiz.test"));
	res = run_svc(s, 8);
	assert_int_equal(count_sev(res, EW_FAIL), 0);
	assert_int_equal(count_sev(res, EW_INFO), 1);
	f = need(res, EW_INFO, "Front ends");
	assert_int_equal(f->nevidence, 3);
	assert_string_equal(f->evidence[0], "exchangeMDB/fe1.exwiz.test: no such SPN");
	assert_evidence(f, "exchangeAB/fe1.exwiz.test");
	ew_step_result_free(&res);

	/* HTTP/ fails too: not a front end, every failure is a failure. */
	svc_clear_all(&s[7], 1);
	svc_fail(&s[7], "HTTP/fe1.exwiz.test", unknown, nf);
	assert_false(ew_krb_is_front_end(s, 8, "fe1.exwiz.test"));
	res = run_svc(s, 8);
	assert_int_equal(count_sev(res, EW_FAIL), 4);
	assert_null(find(res, EW_INFO, "Front ends"));
	ew_step_result_free(&res);

	/* HTTP/ works, but one exchange SPN failed otherwise: not a front end. */
	svc_clear_all(&s[7], 1);
	svc_ok(&s[7], "HTTP/fe1.exwiz.test", AES256, 1500);
	svc_clear_all(&s[6], 1);
	svc_fail(&s[6], "exchangeAB/fe1.exwiz.test", KRB5KDC_ERR_ETYPE_NOSUPP,
		 "KDC has no support for encryption type");
	assert_false(ew_krb_is_front_end(s, 8, "fe1.exwiz.test"));
	res = run_svc(s, 8);
	assert_int_equal(count_sev(res, EW_FAIL), 3);
	ew_step_result_free(&res);
	svc_clear_all(s, 8);
}

static void test_svc_rc4_aggregated(void **state)
{
	struct ew_krb_svc s[3];
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	svc_ok(&s[0], "exchangeMDB/old.exwiz.test", RC4, 1500);
	svc_ok(&s[1], "exchangeRFR/old.exwiz.test", RC4, 1500);
	svc_ok(&s[2], "HTTP/exch1.exwiz.test", AES256, 1500);
	res = run_svc(s, 3);
	assert_int_equal(count_sev(res, EW_INFO), 1);
	f = need(res, EW_INFO, "RC4");
	assert_int_equal(f->nevidence, 2);
	assert_string_equal(f->evidence[0], "exchangeMDB/old.exwiz.test");
	assert_string_equal(f->evidence[1], "exchangeRFR/old.exwiz.test");
	assert_non_null(f->detail);
	f = need(res, EW_PASS, "every service that should have one");
	assert_evidence(f, "exchangeMDB/old.exwiz.test: 1500 bytes, arcfour-hmac");
	ew_step_result_free(&res);
	svc_clear_all(s, 3);
}

/* ---- skew ---- */

static void probe_time(struct ew_kdc_probe *p, double skew)
{
	memset(p, 0, sizeof(*p));
	p->host = (char *)"dc1.exwiz.test";
	p->addr = (char *)"127.0.0.10";
	p->port = 88;
	p->proto = EW_KDC_UDP;
	p->ok = 1;
	p->have_time = 1;
	p->skew = skew;
	p->krb_error = 6;
}

static struct ew_step_result *run_skew(const struct ew_kdc_probe *p, size_t np,
				       const struct ew_krb_svc *s, size_t ns)
{
	struct ew_step_result *res = new_res();

	ew_krb_rule_skew(p, np, s, ns, 300, res);
	assert_all(res, "KRB-SKEW");
	assert_int_equal(res->nfindings, 1);
	return res;
}

static enum ew_severity skew_sev(double skew)
{
	struct ew_kdc_probe p;
	struct ew_step_result *res;
	enum ew_severity sev;

	probe_time(&p, skew);
	res = run_skew(&p, 1, NULL, 0);
	sev = res->findings[0]->severity;
	ew_step_result_free(&res);
	return sev;
}

static void test_skew(void **state)
{
	struct ew_kdc_probe p[2];
	struct ew_krb_svc s[2];
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	/* The KDC's clock is 600 s behind ours: we are ahead. */
	probe_time(&p[0], -600);
	res = run_skew(p, 1, NULL, 0);
	f = need(res, EW_FAIL, "600 s ahead of the KDC's");
	tu_assert_cause(f, EW_CAUSE_CLOCK_SKEW);
	assert_non_null(strstr(f->title, "limit 300 s"));
	assert_evidence(f, "the time in the KDC's reply (dc1.exwiz.test 127.0.0.10)");
	assert_non_null(f->detail);
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	probe_time(&p[0], 90);
	res = run_skew(p, 1, NULL, 0);
	f = need(res, EW_WARN, "90 s behind the KDC's");
	tu_assert_cause(f, NULL);
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	probe_time(&p[0], 5);
	res = run_skew(p, 1, NULL, 0);
	f = need(res, EW_PASS, "agrees");
	assert_non_null(strstr(f->title, "-5.0 s"));
	assert_null(f->remedy);
	ew_step_result_free(&res);

	/* Boundaries: warn > 60 s, fail >= clockskew. */
	assert_int_equal(skew_sev(60), EW_PASS);
	assert_int_equal(skew_sev(-60), EW_PASS);
	assert_int_equal(skew_sev(61), EW_WARN);
	assert_int_equal(skew_sev(-61), EW_WARN);
	assert_int_equal(skew_sev(299), EW_WARN);
	assert_int_equal(skew_sev(300), EW_FAIL);
	assert_int_equal(skew_sev(-300), EW_FAIL);

	/* No time at all. */
	res = run_skew(NULL, 0, NULL, 0);
	need(res, EW_SKIP, NULL);
	ew_step_result_free(&res);
	probe_time(&p[0], 0);
	p[0].have_time = 0;
	p[0].ok = 0;
	svc_fail(&s[0], "HTTP/exch1.exwiz.test", KRB5_KDC_UNREACH, "Cannot contact any KDC");
	res = run_skew(p, 1, s, 1);
	need(res, EW_SKIP, NULL);
	ew_step_result_free(&res);
	svc_clear_all(s, 1);

	/* The KDC said "clock skew too great" and no probe had its time. */
	svc_fail(&s[0], "HTTP/exch1.exwiz.test", KRB5KRB_AP_ERR_SKEW, "Clock skew too great");
	res = run_skew(p, 1, s, 1);
	f = need(res, EW_FAIL, "clock skew too great");
	tu_assert_cause(f, EW_CAUSE_CLOCK_SKEW);
	assert_non_null(f->remedy);
	ew_step_result_free(&res);
	/* ... or the probe's time is within the limit: the KDC's word wins. */
	probe_time(&p[0], 10);
	res = run_skew(p, 1, s, 1);
	need(res, EW_FAIL, "clock skew too great");
	ew_step_result_free(&res);
	/* ... and with the probe beyond the limit, the measured one is shown. */
	probe_time(&p[0], 400);
	res = run_skew(p, 1, s, 1);
	need(res, EW_FAIL, "400 s behind");
	ew_step_result_free(&res);
	svc_clear_all(s, 1);

	/* From a fresh ticket's start time when no probe has the time. */
	p[0].have_time = 0;
	svc_ok(&s[0], "HTTP/exch1.exwiz.test", AES256, 1500);
	s[0].local_time = (double)NOW - 120.0;	/* the KDC is 120 s ahead */
	res = run_skew(p, 1, s, 1);
	f = need(res, EW_WARN, "120 s behind");
	tu_assert_cause(f, NULL);
	assert_evidence(f, "the start time of a fresh ticket for HTTP/exch1.exwiz.test");
	ew_step_result_free(&res);

	/* The probe comes first: the first probe with a time. */
	probe_time(&p[0], 0);
	p[0].have_time = 0;
	probe_time(&p[1], 2);
	p[1].host = (char *)"dc2.exwiz.test";
	res = run_skew(p, 2, s, 1);
	f = need(res, EW_PASS, "agrees");
	assert_evidence(f, "dc2.exwiz.test");
	ew_step_result_free(&res);
	svc_clear_all(s, 1);
}

/* ---- KDC reachability ---- */

static void kdc(struct ew_kdc_probe *p, const char *host, const char *addr,
		enum ew_kdc_proto proto, int ok, const char *error)
{
	memset(p, 0, sizeof(*p));
	p->host = (char *)host;
	p->addr = (char *)addr;
	p->port = proto == EW_KDC_KPASSWD_TCP ? 464 : 88;
	p->proto = proto;
	p->ok = ok;
	p->error = (char *)error;	/* not freed: the rule only reads it */
	p->rtt_ms = ok ? 3 : 1000;
	p->krb_error = ok ? 6 : -1;
}

static struct ew_step_result *run_kdc(const struct ew_kdc_probe *p, size_t n, size_t largest)
{
	struct ew_step_result *res = new_res();

	ew_krb_rule_kdc(p, n, largest, 1465, res);
	assert_all(res, "KRB-KDC");
	return res;
}

static void test_kdc(void **state)
{
	struct ew_kdc_probe p[6];
	struct ew_step_result *res;
	const struct ew_finding *f;
	const char *na = "no answer within the time limit";

	(void)state;
	res = run_kdc(NULL, 0, 0);
	f = need(res, EW_FAIL, "No KDC to ask");
	tu_assert_cause(f, EW_CAUSE_KDC_UNREACHABLE);
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	kdc(&p[0], "dc1.exwiz.test", "10.0.0.10", EW_KDC_UDP, 1, NULL);
	kdc(&p[1], "dc1.exwiz.test", "10.0.0.10", EW_KDC_TCP, 1, NULL);
	kdc(&p[2], "dc1.exwiz.test", "10.0.0.10", EW_KDC_KPASSWD_TCP, 1, NULL);
	res = run_kdc(p, 3, 6000);
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_PASS, "Every KDC answers");
	assert_int_equal(f->nevidence, 3);
	assert_string_equal(f->evidence[0], "dc1.exwiz.test (10.0.0.10) UDP/88: answers, 3 ms");
	assert_string_equal(f->evidence[1], "dc1.exwiz.test (10.0.0.10) TCP/88: answers, 3 ms");
	assert_string_equal(f->evidence[2], "dc1.exwiz.test (10.0.0.10) TCP/464 (kpasswd): "
			    "answers, 3 ms");
	ew_step_result_free(&res);

	/* Nothing answers (kpasswd alone does not count). */
	kdc(&p[0], "dc1.exwiz.test", "10.0.0.10", EW_KDC_UDP, 0, na);
	kdc(&p[1], "dc1.exwiz.test", "10.0.0.10", EW_KDC_TCP, 0, "connect: Connection refused");
	res = run_kdc(p, 3, 1000);
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_FAIL, "No KDC answers");
	tu_assert_cause(f, EW_CAUSE_KDC_UNREACHABLE);
	assert_evidence(f, "dc1.exwiz.test (10.0.0.10) UDP/88: no answer within the time limit");
	assert_evidence(f, "TCP/88: connect: Connection refused");
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	/* TCP blocked everywhere while requests are larger than the UDP limit. */
	kdc(&p[0], "dc1.exwiz.test", "10.0.0.10", EW_KDC_UDP, 1, NULL);
	kdc(&p[1], "dc1.exwiz.test", "10.0.0.10", EW_KDC_TCP, 0, na);
	kdc(&p[3], "dc2.exwiz.test", "10.0.0.11", EW_KDC_UDP, 1, NULL);
	kdc(&p[4], "dc2.exwiz.test", "10.0.0.11", EW_KDC_TCP, 0, na);
	res = run_kdc(p, 5, 6000);
	assert_int_equal(count_sev(res, EW_FAIL), 0);
	assert_int_equal(count_sev(res, EW_PASS), 0);
	f = need(res, EW_WARN, "TCP/88 is blocked");
	tu_assert_cause(f, EW_CAUSE_KDC_TCP_BLOCKED);
	assert_non_null(strstr(f->title, "6000 bytes"));
	assert_non_null(strstr(f->detail, "1465"));
	assert_non_null(strstr(f->remedy, "TCP port 88"));
	need(res, EW_WARN, "Some KDCs");
	ew_step_result_free(&res);

	/* The same with small requests: only the "some do not answer" warning. */
	res = run_kdc(p, 5, 1000);
	assert_null(find(res, EW_WARN, "TCP/88 is blocked"));
	assert_int_equal(count_sev(res, EW_WARN), 1);
	ew_step_result_free(&res);

	/* One KDC of two fails entirely. */
	kdc(&p[1], "dc1.exwiz.test", "10.0.0.10", EW_KDC_TCP, 1, NULL);
	kdc(&p[3], "dc2.exwiz.test", "10.0.0.11", EW_KDC_UDP, 0, na);
	res = run_kdc(p, 5, 6000);
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_WARN, "Some KDCs or transports do not answer");
	tu_assert_cause(f, NULL);
	assert_int_equal(f->nevidence, 2);
	assert_evidence(f, "dc2.exwiz.test (10.0.0.11) UDP/88: no answer");
	assert_evidence(f, "dc2.exwiz.test (10.0.0.11) TCP/88: no answer");
	assert_false(has_evidence(f, "dc1"));
	ew_step_result_free(&res);
}

/* ---- trace and transport ---- */

/* MIT krb5 1.20 trace lines (KRB5_TRACE format, with the pid and time prefix). */
#define T_SEND_BIG "[4242] 1700000000.100000: Sending request (6526 bytes) to EXWIZ.TEST"
#define T_SEND_SMALL "[4242] 1700000000.100000: Sending request (1200 bytes) to EXWIZ.TEST"
#define T_TCP_CONNECT "[4242] 1700000000.100100: Initiating TCP connection to stream 127.0.0.10:88"
#define T_TCP_SEND "[4242] 1700000000.100200: Sending TCP request to stream 127.0.0.10:88"
#define T_TCP_ANSWER "[4242] 1700000000.101000: Received answer (6700 bytes) from stream 127.0.0.10:88"
#define T_TCP_END "[4242] 1700000000.101100: Terminating TCP connection to stream 127.0.0.10:88"
#define T_UDP_SEND "[4242] 1700000000.100100: Sending initial UDP request to dgram 127.0.0.10:88"
#define T_UDP_ANSWER "[4242] 1700000000.100900: Received answer (180 bytes) from dgram 127.0.0.10:88"
#define T_TOO_BIG "[4242] 1700000000.101000: Request or response is too big for UDP; retrying with TCP"
#define T_OTHER "[4242] 1700000000.099000: Getting credentials alice@EXWIZ.TEST -> HTTP/exch1.exwiz.test@EXWIZ.TEST using ccache MEMORY:x"

/* A trace array as krb.c builds it: calloc'ed, each line strdup'ed. */
static void set_trace(struct ew_krb_svc *s, ...)
{
	va_list ap;
	const char *l;
	size_t n = 0;

	va_start(ap, s);
	while (va_arg(ap, const char *) != NULL)
		n++;
	va_end(ap);
	s->trace = calloc(n ? n : 1, sizeof(*s->trace));
	assert_non_null(s->trace);
	va_start(ap, s);
	while ((l = va_arg(ap, const char *)) != NULL) {
		s->trace[s->ntrace] = strdup(l);
		assert_non_null(s->trace[s->ntrace]);
		s->ntrace++;
	}
	va_end(ap);
}

static void test_trace_scan(void **state)
{
	char *lines[] = {
		(char *)T_OTHER, (char *)T_SEND_SMALL, (char *)T_UDP_SEND, (char *)T_UDP_ANSWER,
		(char *)T_TOO_BIG, (char *)T_SEND_BIG, (char *)T_TCP_CONNECT,
	};
	size_t largest = 0;
	int udp = 0, tcp = 0, too_big = 0;

	(void)state;
	ew_krb_trace_scan(lines, 4, &largest, &udp, &tcp, &too_big);
	assert_int_equal(largest, 1200);
	assert_int_equal(udp, 1);
	assert_int_equal(tcp, 0);
	assert_int_equal(too_big, 0);

	ew_krb_trace_scan(lines, 7, &largest, &udp, &tcp, &too_big);
	assert_int_equal(largest, 6526);
	assert_int_equal(tcp, 1);
	assert_int_equal(too_big, 1);

	/* TCP only, from the start. */
	{
		char *tcp_only[] = { (char *)T_SEND_BIG, (char *)T_TCP_CONNECT, (char *)T_TCP_SEND,
				     (char *)T_TCP_ANSWER, (char *)T_TCP_END };

		largest = 0;
		udp = tcp = too_big = 0;
		ew_krb_trace_scan(tcp_only, 5, &largest, &udp, &tcp, &too_big);
		assert_int_equal(largest, 6526);
		assert_int_equal(udp, 0);
		assert_int_equal(tcp, 1);
		assert_int_equal(too_big, 0);
	}
	/* The outputs accumulate: a smaller request does not lower largest. */
	ew_krb_trace_scan(lines + 1, 1, &largest, &udp, &tcp, &too_big);
	assert_int_equal(largest, 6526);
	ew_krb_trace_scan(lines, 0, &largest, &udp, &tcp, &too_big);
	assert_int_equal(largest, 6526);
}

static struct ew_step_result *run_transport(const struct ew_krb_svc *s, size_t n, int tcp_ok)
{
	struct ew_step_result *res = new_res();

	ew_krb_rule_transport(s, n, "alice", 1465, tcp_ok, res);
	assert_all(res, "KRB-TRANSPORT");
	assert_int_equal(res->nfindings, 1);
	return res;
}

static void test_transport(void **state)
{
	struct ew_krb_svc s[2];
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	/* Requests over the UDP limit go straight to TCP. */
	svc_ok(&s[0], "HTTP/exch1.exwiz.test", AES256, 6000);
	set_trace(&s[0], T_OTHER, T_SEND_BIG, T_TCP_CONNECT, T_TCP_SEND, T_TCP_ANSWER, T_TCP_END,
		  NULL);
	res = run_transport(s, 1, 1);
	f = need(res, EW_INFO, "Kerberos for alice runs over TCP");
	assert_evidence(f, "requests of up to 6526 bytes exceed udp_preference_limit 1465");
	assert_false(has_evidence(f, "too big"));
	assert_non_null(strstr(f->detail, "which it is"));
	ew_step_result_free(&res);

	res = run_transport(s, 1, 0);
	f = need(res, EW_FAIL, "runs over TCP");
	tu_assert_cause(f, EW_CAUSE_KDC_TCP_BLOCKED);
	assert_non_null(strstr(f->detail, "here it is not"));
	assert_non_null(strstr(f->remedy, "Open TCP port 88"));
	ew_step_result_free(&res);
	svc_clear_all(s, 1);

	/* A small request, a reply too big for UDP, then TCP. */
	svc_ok(&s[0], "HTTP/exch1.exwiz.test", AES256, 1400);
	set_trace(&s[0], T_SEND_SMALL, T_UDP_SEND, T_UDP_ANSWER, T_TOO_BIG, T_SEND_SMALL,
		  T_TCP_CONNECT, T_TCP_SEND, T_TCP_ANSWER, NULL);
	res = run_transport(s, 1, 1);
	f = need(res, EW_INFO, "runs over TCP");
	assert_evidence(f, "too big for UDP");
	assert_false(has_evidence(f, "exceed udp_preference_limit"));
	ew_step_result_free(&res);
	svc_clear_all(s, 1);

	/* UDP only. */
	svc_ok(&s[0], "HTTP/exch1.exwiz.test", AES256, 1100);
	set_trace(&s[0], T_OTHER, T_SEND_SMALL, T_UDP_SEND, T_UDP_ANSWER, NULL);
	svc_ok(&s[1], "exchangeMDB/exch1.exwiz.test", AES256, 1100);	/* not traced */
	res = run_transport(s, 2, 0);
	f = need(res, EW_PASS, "Kerberos for alice runs over UDP");
	assert_non_null(strstr(f->title, "requests up to 1200 bytes, limit 1465"));
	ew_step_result_free(&res);

	/* One request of two went over TCP: TCP it is. */
	set_trace(&s[1], T_SEND_BIG, T_TCP_CONNECT, NULL);
	res = run_transport(s, 2, 1);
	need(res, EW_INFO, "runs over TCP");
	ew_step_result_free(&res);
	svc_clear_all(s, 2);

	/* No trace: skip. */
	svc_ok(&s[0], "HTTP/exch1.exwiz.test", AES256, 1100);
	res = run_transport(s, 1, 1);
	need(res, EW_SKIP, "No request was traced");
	ew_step_result_free(&res);
	res = run_transport(NULL, 0, 1);
	need(res, EW_SKIP, NULL);
	ew_step_result_free(&res);
}

/* ---- cancelled requests ---- */

/* As ew_krb_get_services leaves a request the user stopped waiting for. */
static void svc_cancelled(struct ew_krb_svc *s, const char *spn)
{
	memset(s, 0, sizeof(*s));
	s->spn = (char *)spn;
	s->timed_out = 1;
	s->cancelled = 1;
	s->error = strdup("cancelled before the KDC answered");
}

/* As ew_kdc_probe_all leaves a probe the user stopped waiting for. */
static void kdc_cancelled(struct ew_kdc_probe *p, const char *host, const char *addr,
			  enum ew_kdc_proto proto)
{
	kdc(p, host, addr, proto, 0, "cancelled");
	p->cancelled = 1;
}

/* Esc in the tickets step with the KDC silent: nothing fails, everything says why. */
static void test_cancelled_nothing_answered(void **state)
{
	struct ew_kdc_probe p[3];
	struct ew_krb_svc s[3];
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	kdc_cancelled(&p[0], "dc1.exwiz.test", "10.0.0.10", EW_KDC_UDP);
	kdc_cancelled(&p[1], "dc1.exwiz.test", "10.0.0.10", EW_KDC_TCP);
	kdc(&p[2], "dc1.exwiz.test", "10.0.0.10", EW_KDC_KPASSWD_TCP, 1, NULL);
	res = run_kdc(p, 3, 6000);
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_SKIP, "Cancelled before any KDC answered");
	assert_evidence(f, "dc1.exwiz.test (10.0.0.10) UDP/88: cancelled");
	assert_evidence(f, "TCP/464 (kpasswd): answers");
	ew_step_result_free(&res);

	svc_cancelled(&s[0], "exchangeMDB/exch1.exwiz.test");
	svc_cancelled(&s[1], "HTTP/exch1.exwiz.test");
	svc_cancelled(&s[2], "ldap/dc1.exwiz.test");
	res = run_svc(s, 3);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(count_sev(res, EW_FAIL), 0);
	f = need(res, EW_SKIP, "Cancelled before the KDC answered 3 of the 3 session ticket "
		 "requests");
	assert_evidence(f, "HTTP/exch1.exwiz.test: cancelled before the KDC answered");
	assert_null(f->detail);		/* no cause: the KDC was not found at fault */
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	res = run_skew(p, 3, s, 3);
	need(res, EW_SKIP, "Cancelled before the KDC's time was learned");
	ew_step_result_free(&res);

	res = run_transport(s, 3, -1);
	need(res, EW_SKIP, "Cancelled before a request was traced");
	ew_step_result_free(&res);
	svc_clear_all(s, 3);
}

/* Cut short after some answers: what came is kept, no verdict is made of the rest. */
static void test_cancelled_some_answered(void **state)
{
	struct ew_kdc_probe p[5];
	struct ew_krb_svc s[3];
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	kdc(&p[0], "dc1.exwiz.test", "10.0.0.10", EW_KDC_UDP, 1, NULL);
	kdc_cancelled(&p[1], "dc1.exwiz.test", "10.0.0.10", EW_KDC_TCP);
	kdc(&p[2], "dc1.exwiz.test", "10.0.0.10", EW_KDC_KPASSWD_TCP, 1, NULL);
	res = run_kdc(p, 3, 6000);
	/* No pass ("every KDC answers") and no "TCP/88 is blocked": TCP was not seen. */
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_SKIP, "Cancelled before every KDC had answered (1 of 3 probes)");
	assert_evidence(f, "UDP/88: answers, 3 ms");
	assert_evidence(f, "TCP/88: cancelled");
	ew_step_result_free(&res);

	/* A real failure beside a cancelled probe is still a failure to report. */
	kdc(&p[3], "dc2.exwiz.test", "10.0.0.11", EW_KDC_UDP, 0, "no answer within the time limit");
	kdc_cancelled(&p[4], "dc2.exwiz.test", "10.0.0.11", EW_KDC_TCP);
	res = run_kdc(p, 5, 6000);
	f = need(res, EW_WARN, "Some KDCs or transports do not answer");
	assert_int_equal(f->nevidence, 1);
	assert_evidence(f, "dc2.exwiz.test (10.0.0.11) UDP/88: no answer");
	need(res, EW_SKIP, "Cancelled before every KDC had answered (2 of 5 probes)");
	assert_null(find(res, EW_WARN, "TCP/88 is blocked"));
	assert_int_equal(count_sev(res, EW_PASS), 0);
	ew_step_result_free(&res);

	/* One TCP probe failed, the other was cut short: TCP/88 may well be open
	 * on dc2; "blocked" is not said. */
	kdc(&p[1], "dc1.exwiz.test", "10.0.0.10", EW_KDC_TCP, 0, "no answer within the time limit");
	res = run_kdc(p, 5, 6000);
	need(res, EW_WARN, "Some KDCs or transports do not answer");
	assert_null(find(res, EW_WARN, "TCP/88 is blocked"));
	ew_step_result_free(&res);

	/* One ticket came, two were cut short: no pass, no fail. */
	svc_ok(&s[0], "exchangeMDB/exch1.exwiz.test", AES256, 1500);
	set_trace(&s[0], T_SEND_SMALL, T_UDP_SEND, T_UDP_ANSWER, NULL);
	svc_cancelled(&s[1], "exchangeRFR/exch1.exwiz.test");
	svc_cancelled(&s[2], "HTTP/exch1.exwiz.test");
	res = run_svc(s, 3);
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_SKIP, "Cancelled before the KDC answered 2 of the 3");
	assert_evidence(f, "exchangeMDB/exch1.exwiz.test: a ticket, 1500 bytes");
	assert_evidence(f, "exchangeRFR/exch1.exwiz.test: cancelled");
	ew_step_result_free(&res);

	/* The traced request went over UDP; the others might have needed TCP. */
	res = run_transport(s, 3, -1);
	f = need(res, EW_SKIP, "Cancelled before every request was traced (1 of 3 were)");
	assert_evidence(f, "over UDP (up to 1200 bytes, limit 1465)");
	ew_step_result_free(&res);
	svc_clear_all(s, 3);

	/* TCP seen in a finished request, the TCP probe cut short: TCP, not known open. */
	svc_ok(&s[0], "exchangeMDB/exch1.exwiz.test", AES256, 6000);
	set_trace(&s[0], T_SEND_BIG, T_TCP_CONNECT, T_TCP_SEND, T_TCP_ANSWER, NULL);
	res = run_transport(s, 1, -1);
	f = need(res, EW_INFO, "Kerberos for alice runs over TCP");
	assert_non_null(strstr(f->detail, "not learned (cancelled)"));
	assert_null(strstr(f->remedy, "Open TCP port 88"));
	ew_step_result_free(&res);
	svc_clear_all(s, 1);

	/* A front end whose HTTP/ request was cancelled is not judged either way. */
	svc_fail(&s[0], "exchangeMDB/fe1.exwiz.test", KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN,
		 "Server not found in Kerberos database");
	svc_cancelled(&s[1], "HTTP/fe1.exwiz.test");
	assert_false(ew_krb_is_front_end(s, 2, "fe1.exwiz.test"));
	res = run_svc(s, 2);
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_SKIP, "Cancelled before the KDC answered 1 of the 2");
	assert_evidence(f, "exchangeMDB/fe1.exwiz.test: no such SPN; whether fe1.exwiz.test "
			"is a front end (HTTP/ only) was not learned");
	ew_step_result_free(&res);
	/* Another failure of that host stays a failure. */
	svc_clear_all(s, 1);
	svc_fail(&s[0], "exchangeMDB/fe1.exwiz.test", KRB5KDC_ERR_ETYPE_NOSUPP,
		 "KDC has no support for encryption type");
	res = run_svc(s, 2);
	need(res, EW_FAIL, "No session ticket for exchangeMDB/fe1.exwiz.test");
	ew_step_result_free(&res);
	svc_clear_all(s, 2);
}

/* ---- SPN-UNIQUE ---- */

static void test_spn_unique(void **state)
{
	static const struct ew_spn_holder one[] = {
		{ "CN=EXCH1,OU=Servers,DC=exwiz,DC=test", "EXCH1$" },
	};
	static const struct ew_spn_holder two[] = {
		{ "CN=EXCH1,OU=Servers,DC=exwiz,DC=test", "EXCH1$" },
		{ "CN=svc-exch,CN=Users,DC=exwiz,DC=test", "svc-exch" },
	};
	static const struct ew_spn_holder no_account[] = {
		{ "CN=EXCH1,OU=Servers,DC=exwiz,DC=test", NULL },
	};
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	res = new_res();
	ew_krb_rule_spn_unique("exchangeMDB/exch1.exwiz.test", NULL, 0, res);
	assert_all(res, "SPN-UNIQUE");
	f = need(res, EW_FAIL, "exchangeMDB/exch1.exwiz.test is not registered");
	tu_assert_cause(f, EW_CAUSE_SPN_MISSING);
	assert_non_null(strstr(f->remedy, "setspn -S exchangeMDB/exch1.exwiz.test"));
	ew_step_result_free(&res);

	res = new_res();
	ew_krb_rule_spn_unique("exchangeMDB/exch1.exwiz.test", one, 1, res);
	assert_all(res, "SPN-UNIQUE");
	assert_int_equal(res->nfindings, 1);
	need(res, EW_PASS, "held by one account (EXCH1$)");
	ew_step_result_free(&res);

	res = new_res();
	ew_krb_rule_spn_unique("HTTP/exch1.exwiz.test", no_account, 1, res);
	need(res, EW_PASS, "(CN=EXCH1,OU=Servers,DC=exwiz,DC=test)");
	ew_step_result_free(&res);

	res = new_res();
	ew_krb_rule_spn_unique("exchangeMDB/exch1.exwiz.test", two, 2, res);
	assert_all(res, "SPN-UNIQUE");
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_FAIL, "held by 2 accounts");
	tu_assert_cause(f, EW_CAUSE_SPN_DUPLICATE);
	assert_int_equal(f->nevidence, 2);
	assert_string_equal(f->evidence[0], "EXCH1$ (CN=EXCH1,OU=Servers,DC=exwiz,DC=test)");
	assert_string_equal(f->evidence[1], "svc-exch (CN=svc-exch,CN=Users,DC=exwiz,DC=test)");
	assert_non_null(strstr(f->detail, "KRB_AP_ERR_MODIFIED"));
	assert_non_null(strstr(f->remedy, "setspn -D exchangeMDB/exch1.exwiz.test"));
	ew_step_result_free(&res);
}

/* ---- KRB-CONF ---- */

static void test_conf(void **state)
{
	struct ew_krb_conf c;
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	ew_krb_conf_defaults(&c);
	assert_int_equal(c.dns_lookup_kdc, 1);
	assert_int_equal(c.dns_lookup_realm, 0);
	assert_int_equal(c.rdns, 1);
	assert_int_equal(c.dns_canonicalize_hostname, 1);
	assert_int_equal(c.udp_preference_limit, 1465);
	assert_int_equal(c.clockskew, 300);
	c.default_realm = strdup(REALM);

	/* Defaults, KDCs from DNS: one info. */
	res = new_res();
	ew_krb_rule_conf(&c, REALM, 2, res);
	assert_all(res, "KRB-CONF");
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_INFO, "Kerberos settings: default_realm EXWIZ.TEST, "
		 "udp_preference_limit 1465, clockskew 300 s");
	assert_string_equal(f->evidence[0], "dns_lookup_kdc = true, dns_lookup_realm = false");
	assert_string_equal(f->evidence[1], "rdns = true, dns_canonicalize_hostname = true");
	assert_evidence(f, "KDCs from DNS SRV: 2");
	ew_step_result_free(&res);

	/* No KDC listed and DNS lookups off. */
	c.dns_lookup_kdc = 0;
	res = new_res();
	ew_krb_rule_conf(&c, REALM, 2, res);
	assert_all(res, "KRB-CONF");
	assert_int_equal(res->nfindings, 2);
	f = need(res, EW_WARN, "No way to find a KDC for EXWIZ.TEST");
	tu_assert_cause(f, NULL);
	assert_non_null(strstr(f->detail, "dns_lookup_kdc is off"));
	assert_non_null(f->remedy);
	f = need(res, EW_INFO, NULL);
	assert_evidence(f, "dns_lookup_kdc = false");
	ew_step_result_free(&res);

	/* DNS lookups on, but no SRV record. */
	c.dns_lookup_kdc = 1;
	res = new_res();
	ew_krb_rule_conf(&c, NULL, 0, res);
	f = need(res, EW_WARN, "No way to find a KDC for the realm");
	assert_non_null(strstr(f->detail, "no _kerberos SRV record"));
	ew_step_result_free(&res);

	/* KDCs in krb5.conf: fine without DNS; listed with [domain_realm]. */
	c.dns_lookup_kdc = 0;
	c.kdcs = calloc(2, sizeof(*c.kdcs));
	c.domain_realm = calloc(1, sizeof(*c.domain_realm));
	assert_non_null(c.kdcs);
	assert_non_null(c.domain_realm);
	c.kdcs[c.nkdcs++] = strdup("dc1.exwiz.test:88");
	c.kdcs[c.nkdcs++] = strdup("dc2.exwiz.test");
	c.domain_realm[c.ndomain_realm++] = strdup(".exwiz.test = EXWIZ.TEST");
	c.rdns = 0;
	c.udp_preference_limit = 1;
	res = new_res();
	ew_krb_rule_conf(&c, REALM, 0, res);
	assert_all(res, "KRB-CONF");
	assert_int_equal(res->nfindings, 1);
	f = need(res, EW_INFO, "udp_preference_limit 1,");
	assert_evidence(f, "rdns = false");
	assert_evidence(f, "[realms] kdc = dc1.exwiz.test:88");
	assert_evidence(f, "[realms] kdc = dc2.exwiz.test");
	assert_evidence(f, "[domain_realm] .exwiz.test = EXWIZ.TEST");
	assert_false(has_evidence(f, "KDCs from DNS SRV"));
	ew_step_result_free(&res);

	ew_krb_conf_clear(&c);
	assert_null(c.default_realm);
	assert_int_equal(c.nkdcs, 0);

	/* No default realm. */
	ew_krb_conf_defaults(&c);
	res = new_res();
	ew_krb_rule_conf(&c, REALM, 1, res);
	need(res, EW_INFO, "default_realm (none)");
	ew_step_result_free(&res);
	ew_krb_conf_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_text),
		cmocka_unit_test(test_enctypes),
		cmocka_unit_test(test_cache_none),
		cmocka_unit_test(test_cache_no_tgt),
		cmocka_unit_test(test_cache_expired_and_expiring),
		cmocka_unit_test(test_cache_valid_klist_view),
		cmocka_unit_test(test_cache_weak_enctypes),
		cmocka_unit_test(test_cache_default_pick),
		cmocka_unit_test(test_svc_all_ok),
		cmocka_unit_test(test_svc_principal_unknown),
		cmocka_unit_test(test_svc_causes),
		cmocka_unit_test(test_svc_front_end),
		cmocka_unit_test(test_svc_rc4_aggregated),
		cmocka_unit_test(test_skew),
		cmocka_unit_test(test_kdc),
		cmocka_unit_test(test_trace_scan),
		cmocka_unit_test(test_transport),
		cmocka_unit_test(test_cancelled_nothing_answered),
		cmocka_unit_test(test_cancelled_some_answered),
		cmocka_unit_test(test_spn_unique),
		cmocka_unit_test(test_conf),
	};

	return cmocka_run_group_tests_name("krbrules", tests, NULL, NULL);
}
