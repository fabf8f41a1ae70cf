/*
 * test_mailboxrules.c - the pure mailbox rules (core/mailboxrules.c): DN lookups in the
 * Exchange configuration (ew_mbx_find, ew_mbx_ancestor), the administrative
 * group of a legacyExchangeDN, and the verdicts MBX-ATTRS, MBX-CONSISTENT,
 * MBX-MOVER and MBX-PROTECTED on a configuration built by hand after the lab
 * (tests/lab/gen-ldif.py):
 * organization EXWIZ, First Administrative Group with EXCH1, OLDSITE with
 * EX55. alice is the healthy mailbox, carol the half-finished move.
 * Also the two security descriptors captured from the lab domain
 * (tests/fuzz/seeds/fuzz_secdesc). No directory, no network.
 */
#include "testutil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "causes.h"
#include "finding.h"
#include "mailboxrules.h"
#include "secdesc.h"
#include "sid.h"
#include "result.h"
#include "text.h"

/* ---- the lab's Exchange configuration ---- */

#define BASE "DC=exwiz,DC=test"
#define CONFIG "CN=Configuration," BASE
#define EXCH "CN=Microsoft Exchange,CN=Services," CONFIG
#define ORG "CN=EXWIZ," EXCH
#define AGS "CN=Administrative Groups," ORG
#define AG_NEW "CN=First Administrative Group," AGS
#define AG_OLD "CN=OLDSITE," AGS
#define SERVERS_NEW "CN=Servers," AG_NEW
#define SERVERS_OLD "CN=Servers," AG_OLD
#define EXCH1 "CN=EXCH1," SERVERS_NEW
#define EX55 "CN=EX55," SERVERS_OLD
#define EXCH1_IS "CN=InformationStore," EXCH1
#define EXCH1_SG "CN=First Storage Group," EXCH1_IS
#define EXCH1_DB "CN=Mailbox Store (EXCH1)," EXCH1_SG
#define EX55_IS "CN=InformationStore," EX55
#define EX55_DB "CN=Private Information Store (EX55)," EX55_IS
#define EXCH1_MTA "CN=Microsoft MTA," EXCH1
#define EX55_MTA "CN=Microsoft MTA," EX55

#define LEG_ORG "/o=EXWIZ"
#define LEG_AG_NEW LEG_ORG "/ou=First Administrative Group"
#define LEG_AG_OLD LEG_ORG "/ou=OLDSITE"
#define LEG_EXCH1 LEG_AG_NEW "/cn=Configuration/cn=Servers/cn=EXCH1"
#define LEG_EX55 LEG_AG_OLD "/cn=Configuration/cn=Servers/cn=EX55"

#define ALICE_DN "CN=Alice Archer,OU=Staff," BASE
#define CAROL_DN "CN=Carol Cooper,OU=Staff," BASE

/* SIDs of the lab domain (as in organization.bin) and made-up users. */
#define DOM "S-1-5-21-3217914970-984063218-4001120650"
#define ALICE_SID DOM "-1104"
#define OTHER_SID DOM "-1300"
#define SELF_SID "S-1-5-10"

#define FIX_ALICE "tests/fuzz/seeds/fuzz_secdesc/mailbox-alice.bin"
#define FIX_ORG "tests/fuzz/seeds/fuzz_secdesc/organization.bin"

static const struct ew_mbx_object LAB_OBJECTS[] = {
	{ EXCH, EW_MBX_OTHER, NULL, "Microsoft Exchange", 0, 1 },
	{ ORG, EW_MBX_ORG, LEG_ORG, "EXWIZ", 0, 1 },
	{ AGS, EW_MBX_OTHER, NULL, "Administrative Groups", 0, 1 },
	{ AG_NEW, EW_MBX_ADMIN_GROUP, LEG_AG_NEW, "First Administrative Group", 0, 1 },
	{ SERVERS_NEW, EW_MBX_OTHER, NULL, "Servers", 0, 1 },
	{ EXCH1, EW_MBX_SERVER, LEG_EXCH1, "EXCH1", 0, 1 },
	{ EXCH1_IS, EW_MBX_OTHER, NULL, "InformationStore", 0, 1 },
	{ EXCH1_SG, EW_MBX_OTHER, NULL, "First Storage Group", 0, 1 },
	{ EXCH1_DB, EW_MBX_DATABASE, LEG_EXCH1 "/cn=Microsoft Private MDB",
	  "Mailbox Store (EXCH1)", 0, 1 },
	{ EXCH1_MTA, EW_MBX_MTA, LEG_EXCH1 "/cn=Microsoft MTA", "Microsoft MTA", 0, 1 },
	{ AG_OLD, EW_MBX_ADMIN_GROUP, LEG_AG_OLD, "OLDSITE", 0, 1 },
	{ SERVERS_OLD, EW_MBX_OTHER, NULL, "Servers", 0, 1 },
	{ EX55, EW_MBX_SERVER, LEG_EX55, "EX55", 0, 1 },
	{ EX55_IS, EW_MBX_OTHER, NULL, "InformationStore", 0, 1 },
	{ EX55_DB, EW_MBX_DATABASE, LEG_EX55 "/cn=Microsoft Private MDB",
	  "Private Information Store (EX55)", 0, 1 },
	{ EX55_MTA, EW_MBX_MTA, LEG_EX55 "/cn=Microsoft MTA", "Microsoft MTA", 0, 1 },
};

/* As an administrator reads it: every object readable, every container
 * listed in full. */
#define LAB_READER "Administrator@EXWIZ.TEST"
static const struct ew_mbx_config LAB = {
	LAB_OBJECTS, sizeof(LAB_OBJECTS) / sizeof(LAB_OBJECTS[0]), LAB_READER, EXCH, NULL
};

static const char *const ALICE_PROXIES[] = {
	"SMTP:alice@exwiz.test",
	"X400:c=US;a= ;p=EXWIZ;o=Exchange;s=alice;",
};
static const char *const CAROL_PROXIES[] = {
	"SMTP:carol@exwiz.test",
	"X400:c=US;a= ;p=EXWIZ;o=Exchange;s=carol;",
};
static const char *const CAROL_PROXIES_X500[] = {
	"SMTP:carol@exwiz.test",
	"X400:c=US;a= ;p=EXWIZ;o=Exchange;s=carol;",
	"X500:/o=EXWIZ/ou=OLDSITE/cn=Recipients/cn=carol",
};

/* ---- fixtures and descriptors ---- */

static unsigned char *slurp_fixture(const char *path, size_t *len)
{
	char *buf = tu_slurp(path, len);

	if (buf == NULL)
		fail_msg("cannot read %s (run from the repository root)", path);
	return (unsigned char *)buf;
}

static struct ew_sid sid_of(const char *text)
{
	struct ew_sid s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(ew_sid_from_string(text, &s), 0);
	return s;
}

struct ace_spec {
	uint8_t type, flags;
	uint32_t mask;
	const char *sid;
};

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

/*
 * A self-relative descriptor O:PS G:PS D:(aces...) into buf, laid out as
 * Windows does (DACL, owner, group); its length.
 */
static size_t build_sd(unsigned char *buf, size_t cap, const struct ace_spec *aces, size_t n)
{
	struct ew_sid self = sid_of(SELF_SID);
	size_t pos = 20 + 8, acl_start = 20, i, len;

	assert_true(cap >= 28);
	memset(buf, 0, cap);
	buf[0] = 1;					/* revision */
	put16(buf + 2, EW_SE_SELF_RELATIVE | EW_SE_DACL_PRESENT);
	for (i = 0; i < n; i++) {
		struct ew_sid s = sid_of(aces[i].sid);

		assert_true(pos + 8 <= cap);
		buf[pos] = aces[i].type;
		buf[pos + 1] = aces[i].flags;
		put32(buf + pos + 4, aces[i].mask);
		len = ew_sid_to_binary(&s, buf + pos + 8, cap - pos - 8);
		assert_true(len > 0);
		put16(buf + pos + 2, (unsigned)(8 + len));
		pos += 8 + len;
	}
	buf[acl_start] = 2;				/* ACL revision */
	put16(buf + acl_start + 2, (unsigned)(pos - acl_start));
	put16(buf + acl_start + 4, (unsigned)n);
	put32(buf + 16, (uint32_t)acl_start);		/* DACL */
	put32(buf + 4, (uint32_t)pos);			/* owner */
	len = ew_sid_to_binary(&self, buf + pos, cap - pos);
	assert_true(len > 0);
	pos += len;
	put32(buf + 8, (uint32_t)pos);			/* group */
	len = ew_sid_to_binary(&self, buf + pos, cap - pos);
	assert_true(len > 0);
	return pos + len;
}

/* ---- users ---- */

/* Read as an account that may read every attribute of the user. */
static void all_readable(struct ew_mbx_user *u)
{
	size_t i;

	for (i = 0; i < EW_MBX_A_N; i++)
		u->readable[i] = EW_MBX_YES;
	u->reader = "Administrator@EXWIZ.TEST";
}

/* alice as the lab has her; sd and sdlen are the caller's. */
static struct ew_mbx_user alice(void)
{
	struct ew_mbx_user u;

	memset(&u, 0, sizeof(u));
	u.dn = ALICE_DN;
	u.home_mdb = EXCH1_DB;
	u.home_mta = EXCH1_MTA;
	u.home_server = LEG_EXCH1;
	u.legacy_dn = LEG_AG_NEW "/cn=Recipients/cn=alice";
	u.nickname = "alice";
	u.has_guid = 1;
	u.proxies = ALICE_PROXIES;
	u.nproxies = sizeof(ALICE_PROXIES) / sizeof(ALICE_PROXIES[0]);
	u.show_in_ab = 2;
	u.has_uac = 1;
	u.sid = sid_of(ALICE_SID);
	all_readable(&u);
	return u;
}

/* carol: moved by junior from EX55 to EXCH1, left half-done, no descriptor. */
static struct ew_mbx_user carol(void)
{
	struct ew_mbx_user u;

	memset(&u, 0, sizeof(u));
	u.dn = CAROL_DN;
	u.home_mdb = EXCH1_DB;
	u.home_mta = EX55_MTA;
	u.home_server = LEG_EX55;
	u.legacy_dn = LEG_AG_OLD "/cn=Recipients/cn=carol";
	u.nickname = "carol";
	u.has_guid = 1;
	u.proxies = CAROL_PROXIES;
	u.nproxies = sizeof(CAROL_PROXIES) / sizeof(CAROL_PROXIES[0]);
	u.show_in_ab = 2;
	u.has_uac = 1;
	u.sid = sid_of(DOM "-1106");
	all_readable(&u);
	return u;
}

/* ---- results ---- */

static struct ew_step_result *new_res(void)
{
	struct ew_step_result *r = ew_step_result_new("mailbox", "Mailbox");

	assert_non_null(r);
	return r;
}

static size_t count(const struct ew_step_result *res, const char *check, enum ew_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < res->nfindings; i++)
		n += strcmp(res->findings[i]->check, check) == 0 &&
		     res->findings[i]->severity == sev;
	return n;
}

/* The finding of check and severity whose title holds needle; fails the test
 * when there is none. */
static const struct ew_finding *need(const struct ew_step_result *res, const char *check,
				     enum ew_severity sev, const char *needle)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		const struct ew_finding *f = res->findings[i];

		if (strcmp(f->check, check) == 0 && f->severity == sev &&
		    strstr(f->title, needle) != NULL)
			return f;
	}
	for (i = 0; i < res->nfindings; i++)
		print_message("  have: %s %s %s\n", res->findings[i]->check,
			      ew_severity_tag(res->findings[i]->severity),
			      res->findings[i]->title);
	fail_msg("no %s %s finding with \"%s\"", check, ew_severity_tag(sev), needle);
	return NULL;
}

/* The evidence line holding needle, or NULL. */
static const char *evidence(const struct ew_finding *f, const char *needle)
{
	size_t k;

	for (k = 0; k < f->nevidence; k++)
		if (strstr(f->evidence[k], needle) != NULL)
			return f->evidence[k];
	return NULL;
}

static void need_evidence(const struct ew_finding *f, const char *needle)
{
	size_t k;

	if (evidence(f, needle) != NULL)
		return;
	for (k = 0; k < f->nevidence; k++)
		print_message("  evidence: %s\n", f->evidence[k]);
	fail_msg("%s \"%s\": no evidence with \"%s\"", f->check, f->title, needle);
}

/* Run MBX-CONSISTENT on u; the caller frees the result. */
static struct ew_step_result *consistent(const struct ew_mbx_user *u)
{
	struct ew_step_result *res = new_res();

	ew_mbx_rule_consistent(u, &LAB, res);
	tu_assert_findings_clean(res);
	return res;
}

static struct ew_step_result *attrs(const struct ew_mbx_user *u)
{
	struct ew_step_result *res = new_res();

	ew_mbx_rule_attrs(u, res);
	tu_assert_findings_clean(res);
	return res;
}

/* ---- lookups ---- */

static void test_find(void **state)
{
	const struct ew_mbx_object *o;

	(void)state;
	o = ew_mbx_find(&LAB, EXCH1_DB);
	assert_non_null(o);
	assert_int_equal(o->kind, EW_MBX_DATABASE);
	assert_string_equal(o->name, "Mailbox Store (EXCH1)");

	/* case-insensitive, as DNs are */
	o = ew_mbx_find(&LAB, "cn=ex55,cn=servers,cn=oldsite,cn=administrative groups,"
			"cn=exwiz,cn=microsoft exchange,cn=services,cn=configuration,"
			"dc=EXWIZ,dc=TEST");
	assert_non_null(o);
	assert_int_equal(o->kind, EW_MBX_SERVER);
	assert_string_equal(o->name, "EX55");

	assert_null(ew_mbx_find(&LAB, NULL));
	assert_null(ew_mbx_find(&LAB, ""));
	assert_null(ew_mbx_find(&LAB, "CN=Nowhere," SERVERS_NEW));
	/* a suffix or prefix of a DN is not that DN */
	assert_null(ew_mbx_find(&LAB, "CN=Servers"));
	assert_null(ew_mbx_find(&LAB, EXCH1 ","));
}

static void test_ancestor(void **state)
{
	const struct ew_mbx_object *o;

	(void)state;
	o = ew_mbx_ancestor(&LAB, EXCH1_DB, EW_MBX_SERVER);
	assert_non_null(o);
	assert_string_equal(o->dn, EXCH1);
	o = ew_mbx_ancestor(&LAB, EXCH1_DB, EW_MBX_ADMIN_GROUP);
	assert_non_null(o);
	assert_string_equal(o->dn, AG_NEW);
	o = ew_mbx_ancestor(&LAB, EX55_MTA, EW_MBX_SERVER);
	assert_non_null(o);
	assert_string_equal(o->dn, EX55);
	o = ew_mbx_ancestor(&LAB, EX55_DB, EW_MBX_ORG);
	assert_non_null(o);
	assert_string_equal(o->dn, ORG);

	/* A DN not in the configuration still finds its ancestors. */
	o = ew_mbx_ancestor(&LAB, "CN=Second Storage Group," EXCH1_IS, EW_MBX_SERVER);
	assert_non_null(o);
	assert_string_equal(o->dn, EXCH1);

	/* No ancestor of that kind. */
	assert_null(ew_mbx_ancestor(&LAB, AG_NEW, EW_MBX_SERVER));
	assert_null(ew_mbx_ancestor(&LAB, ALICE_DN, EW_MBX_SERVER));
	assert_null(ew_mbx_ancestor(&LAB, EXCH1_DB, EW_MBX_MTA));
	assert_null(ew_mbx_ancestor(&LAB, NULL, EW_MBX_SERVER));
	assert_null(ew_mbx_ancestor(&LAB, "", EW_MBX_SERVER));
}

/*
 * An escaped comma inside an RDN is not a separator. The decoy has the DN a
 * walk that splits at every ',' would try ("b,CN=Servers,...").
 */
static const struct ew_mbx_object ESC_OBJECTS[] = {
	{ AG_NEW, EW_MBX_ADMIN_GROUP, LEG_AG_NEW, "First Administrative Group", 0, 0 },
	{ SERVERS_NEW, EW_MBX_OTHER, NULL, "Servers", 0, 0 },
	{ "b," SERVERS_NEW, EW_MBX_ADMIN_GROUP, NULL, "decoy", 0, 0 },
	{ "CN=a\\,b," SERVERS_NEW, EW_MBX_SERVER, NULL, "a,b", 0, 0 },
	{ "CN=DB,CN=InformationStore,CN=a\\,b," SERVERS_NEW, EW_MBX_DATABASE, NULL, "DB", 0, 0 },
	{ "CN=x\\\\," SERVERS_NEW, EW_MBX_SERVER, NULL, "x\\", 0, 0 },
};

static void test_ancestor_escaped(void **state)
{
	const struct ew_mbx_config c = { ESC_OBJECTS, sizeof(ESC_OBJECTS) / sizeof(ESC_OBJECTS[0]),
					 NULL, NULL, NULL };
	const struct ew_mbx_object *o;

	(void)state;
	alarm(10);	/* a walk that loops ends the program instead of hanging */

	o = ew_mbx_ancestor(&c, "CN=DB,CN=InformationStore,CN=a\\,b," SERVERS_NEW, EW_MBX_SERVER);
	assert_non_null(o);
	assert_string_equal(o->name, "a,b");

	/* From the escaped server up: the real group, never the decoy. */
	o = ew_mbx_ancestor(&c, "CN=a\\,b," SERVERS_NEW, EW_MBX_ADMIN_GROUP);
	assert_non_null(o);
	assert_string_equal(o->dn, AG_NEW);
	o = ew_mbx_ancestor(&c, "CN=Microsoft MTA,CN=a\\,b," SERVERS_NEW, EW_MBX_SERVER);
	assert_non_null(o);
	assert_string_equal(o->name, "a,b");

	/* An escaped backslash before a ',': that ',' separates. */
	o = ew_mbx_ancestor(&c, "CN=Microsoft MTA,CN=x\\\\," SERVERS_NEW, EW_MBX_SERVER);
	assert_non_null(o);
	assert_string_equal(o->name, "x\\");
	o = ew_mbx_ancestor(&c, "CN=y\\\\,b," SERVERS_NEW, EW_MBX_ADMIN_GROUP);
	assert_non_null(o);
	assert_string_equal(o->name, "decoy");

	/* Malformed ends: a trailing backslash, a trailing ',', only ','s. */
	assert_null(ew_mbx_ancestor(&c, "CN=a\\", EW_MBX_SERVER));
	assert_null(ew_mbx_ancestor(&c, "CN=a\\,", EW_MBX_SERVER));
	assert_null(ew_mbx_ancestor(&c, "CN=a,", EW_MBX_SERVER));
	assert_null(ew_mbx_ancestor(&c, ",,,", EW_MBX_SERVER));
	assert_null(ew_mbx_ancestor(&c, "\\\\\\", EW_MBX_SERVER));
	o = ew_mbx_ancestor(&c, "CN=q\\", EW_MBX_ADMIN_GROUP);
	assert_null(o);
	alarm(0);
}

static void test_legacy_site(void **state)
{
	char buf[128];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	ew_mbx_legacy_site(NULL, buf, sizeof(buf));
	assert_string_equal(buf, "");

	ew_mbx_legacy_site("/o=EXWIZ/ou=OLDSITE", buf, sizeof(buf));
	assert_string_equal(buf, "/o=EXWIZ/ou=OLDSITE");
	ew_mbx_legacy_site("", buf, sizeof(buf));
	assert_string_equal(buf, "");

	ew_mbx_legacy_site(LEG_EXCH1, buf, sizeof(buf));
	assert_string_equal(buf, LEG_AG_NEW);
	ew_mbx_legacy_site(LEG_AG_OLD "/cn=Recipients/cn=carol", buf, sizeof(buf));
	assert_string_equal(buf, LEG_AG_OLD);
	/* "/CN=" in any case */
	ew_mbx_legacy_site("/O=EXWIZ/OU=OLDSITE/CN=RECIPIENTS/CN=CAROL", buf, sizeof(buf));
	assert_string_equal(buf, "/O=EXWIZ/OU=OLDSITE");
	/* starting with /cn=: an empty site */
	ew_mbx_legacy_site("/cn=Recipients/cn=x", buf, sizeof(buf));
	assert_string_equal(buf, "");

	/* A short buffer: cut, still terminated. */
	ew_mbx_legacy_site(LEG_EXCH1, buf, 9);
	assert_string_equal(buf, "/o=EXWIZ");
	ew_mbx_legacy_site(LEG_EXCH1, buf, 1);
	assert_string_equal(buf, "");
}

static void test_has_mailbox(void **state)
{
	struct ew_mbx_user u = alice();

	(void)state;
	assert_true(ew_mbx_has_mailbox(&u));
	u.home_mdb = NULL;
	assert_true(ew_mbx_has_mailbox(&u));
	u.home_mdb = EXCH1_DB;
	u.home_server = NULL;
	assert_true(ew_mbx_has_mailbox(&u));
	u.home_mdb = NULL;
	assert_false(ew_mbx_has_mailbox(&u));
	/* the other attributes do not make a mailbox */
	assert_non_null(u.home_mta);
	assert_non_null(u.legacy_dn);
}

/* ---- MBX-ATTRS ---- */

static void test_attrs_alice(void **state)
{
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-ATTRS", EW_PASS, "attributes are there");
	need_evidence(f, "homeMDB: " EXCH1_DB);
	need_evidence(f, "msExchHomeServerName: " LEG_EXCH1);
	need_evidence(f, "legacyExchangeDN: " LEG_AG_NEW "/cn=Recipients/cn=alice");
	assert_null(evidence(f, "showInAddressBook"));
	assert_null(evidence(f, "msExchUserAccountControl"));
	ew_step_result_free(&res);

	/* Not in an address list, no msExchUserAccountControl: still a pass, said. */
	u.show_in_ab = 0;
	u.has_uac = 0;
	res = attrs(&u);
	f = need(res, "MBX-ATTRS", EW_PASS, "attributes are there");
	need_evidence(f, "msExchUserAccountControl not set");
	need_evidence(f, "showInAddressBook");
	ew_step_result_free(&res);
}

static void test_attrs_missing_mta(void **state)
{
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	u.home_mta = NULL;
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-ATTRS", EW_FAIL, "lacks attributes");
	tu_assert_cause(f, NULL);
	need_evidence(f, "homeMTA: missing");
	assert_int_equal(f->nevidence, 1);
	assert_null(evidence(f, "homeMDB"));
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	/* Every required attribute missing: each named. */
	memset(&u, 0, sizeof(u));
	u.dn = ALICE_DN;
	u.proxies = ALICE_PROXIES;
	u.nproxies = 1;
	all_readable(&u);
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-ATTRS", EW_FAIL, "lacks attributes");
	need_evidence(f, "homeMDB: missing");
	need_evidence(f, "homeMTA: missing");
	need_evidence(f, "msExchHomeServerName: missing");
	need_evidence(f, "legacyExchangeDN: missing");
	need_evidence(f, "mailNickname: missing");
	need_evidence(f, "msExchMailboxGuid: missing");
	assert_int_equal(f->nevidence, 6);
	ew_step_result_free(&res);
}

static void test_attrs_primary_smtp(void **state)
{
	static const char *const two[] = { "SMTP:alice@exwiz.test", "SMTP:a.archer@exwiz.test" };
	static const char *const secondary[] = { "smtp:alice@exwiz.test",
						 "X400:c=US;a= ;p=EXWIZ;o=Exchange;s=alice;" };
	static const char *const one_of_many[] = { "smtp:a@exwiz.test", "SMTP:alice@exwiz.test",
						   "smtp:b@exwiz.test", "X500:/o=EXWIZ/cn=x" };
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	/* two primaries */
	u.proxies = two;
	u.nproxies = 2;
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-ATTRS", EW_FAIL, "2 primary SMTP addresses");
	need_evidence(f, "proxyAddresses: 2 values, 2 primary (SMTP:)");
	ew_step_result_free(&res);

	/* none at all */
	u.proxies = NULL;
	u.nproxies = 0;
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-ATTRS", EW_FAIL, "0 primary SMTP addresses");
	need_evidence(f, "proxyAddresses: 0 values, 0 primary (SMTP:)");
	ew_step_result_free(&res);

	/* lower-case smtp: is a secondary address, not a primary */
	u.proxies = secondary;
	u.nproxies = 2;
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-ATTRS", EW_FAIL, "0 primary SMTP addresses");
	need_evidence(f, "proxyAddresses: 2 values, 0 primary (SMTP:)");
	ew_step_result_free(&res);

	/* one primary among secondaries: fine */
	u.proxies = one_of_many;
	u.nproxies = 4;
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-ATTRS", EW_PASS, "attributes are there");
	ew_step_result_free(&res);

	/* a missing attribute and no primary: one finding naming both */
	u.proxies = secondary;
	u.nproxies = 2;
	u.nickname = NULL;
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-ATTRS", EW_FAIL, "lacks attributes");
	need_evidence(f, "mailNickname: missing");
	need_evidence(f, "0 primary (SMTP:)");
	ew_step_result_free(&res);
}

/* ---- MBX-CONSISTENT ---- */

static void test_consistent_alice(void **state)
{
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;
	unsigned char *sd;
	size_t len;

	(void)state;
	sd = slurp_fixture(FIX_ALICE, &len);
	u.sd = sd;
	u.sdlen = len;

	res = attrs(&u);
	assert_int_equal(count(res, "MBX-ATTRS", EW_PASS), 1);
	assert_int_equal(res->nfindings, 1);
	ew_mbx_rule_consistent(&u, &LAB, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 2);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_PASS), 1);
	f = need(res, "MBX-CONSISTENT", EW_PASS, "agrees with the Exchange configuration");
	need_evidence(f, "on EXCH1, database Mailbox Store (EXCH1)");
	assert_int_equal(ew_step_result_worst(res), EW_ST_PASS);
	ew_step_result_free(&res);

	/* DNs compared without regard to case */
	u.home_mdb = "cn=mailbox store (exch1),cn=first storage group,cn=informationstore,"
		     "cn=exch1,cn=servers,cn=first administrative group,"
		     "cn=administrative groups,cn=exwiz,cn=microsoft exchange,cn=services,"
		     "cn=configuration,dc=exwiz,dc=test";
	u.home_server = "/O=EXWIZ/OU=FIRST ADMINISTRATIVE GROUP/CN=CONFIGURATION/CN=SERVERS/"
			"CN=EXCH1";
	u.legacy_dn = "/o=exwiz/ou=first administrative group/cn=Recipients/cn=alice";
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-CONSISTENT", EW_PASS, "agrees");
	ew_step_result_free(&res);

	/* the SID does not matter when SELF has full access */
	memset(&u.sid, 0, sizeof(u.sid));
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-CONSISTENT", EW_PASS, "agrees");
	ew_step_result_free(&res);
	free(sd);
}

/* A mailbox entirely on the old server is consistent too. */
/* An absent attribute is missing only when the reader may read it. */
static void test_attrs_not_readable(void **state)
{
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	/* absent, readable: missing */
	u.home_mta = NULL;
	u.has_guid = 0;
	res = attrs(&u);
	f = need(res, "MBX-ATTRS", EW_FAIL, "lacks attributes");
	need_evidence(f, "homeMTA: missing");
	need_evidence(f, "msExchMailboxGuid: missing");
	ew_step_result_free(&res);

	/* absent, not readable as the reader or not known: a skip naming both */
	u.reader = "alice@EXWIZ.TEST";
	u.readable[EW_MBX_A_HOME_MTA] = EW_MBX_NO;
	u.readable[EW_MBX_A_GUID] = EW_MBX_UNKNOWN;
	res = attrs(&u);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(count(res, "MBX-ATTRS", EW_FAIL), 0);
	f = need(res, "MBX-ATTRS", EW_SKIP, "homeMTA, msExchMailboxGuid cannot be checked: not "
		 "readable as alice@EXWIZ.TEST");
	assert_null(evidence(f, "missing"));
	need_evidence(f, "homeMTA: none came back; the user's permissions do not let "
		      "alice@EXWIZ.TEST read it");
	need_evidence(f, "msExchMailboxGuid: none came back; whether alice@EXWIZ.TEST may "
		      "read it could not be told");
	need_evidence(f, "homeMDB: there");
	assert_non_null(strstr(f->remedy, "--kinit"));
	ew_step_result_free(&res);

	/* one missing, one not readable: the fail says both */
	u.readable[EW_MBX_A_GUID] = EW_MBX_YES;
	res = attrs(&u);
	f = need(res, "MBX-ATTRS", EW_FAIL, "lacks attributes");
	need_evidence(f, "msExchMailboxGuid: missing");
	assert_null(evidence(f, "homeMTA: missing"));
	need_evidence(f, "not checked (not readable as alice@EXWIZ.TEST): homeMTA");
	ew_step_result_free(&res);

	/* proxyAddresses absent and not readable: no primary SMTP count is judged */
	u = alice();
	u.nproxies = 0;
	u.readable[EW_MBX_A_PROXIES] = EW_MBX_UNKNOWN;
	res = attrs(&u);
	need(res, "MBX-ATTRS", EW_SKIP, "proxyAddresses cannot be checked");
	assert_int_equal(count(res, "MBX-ATTRS", EW_FAIL), 0);
	ew_step_result_free(&res);
}

/* No mailbox security descriptor: missing only when the reader may read it. */
static void test_consistent_sd_not_readable(void **state)
{
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	u.sd = NULL;
	res = consistent(&u);
	need(res, "MBX-CONSISTENT", EW_FAIL, "No mailbox security descriptor");
	ew_step_result_free(&res);

	u.reader = "alice@EXWIZ.TEST";
	u.readable[EW_MBX_A_SD] = EW_MBX_NO;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_SKIP, "(msExchMailboxSecurityDescriptor) cannot be "
		 "checked: not readable as alice@EXWIZ.TEST");
	need_evidence(f, "msExchMailboxSecurityDescriptor: none came back");
	assert_non_null(strstr(f->remedy, "--simple-bind"));
	ew_step_result_free(&res);

	u.readable[EW_MBX_A_SD] = EW_MBX_UNKNOWN;
	res = consistent(&u);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 0);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_PASS), 0);
	need(res, "MBX-CONSISTENT", EW_SKIP, "not readable as alice@EXWIZ.TEST");
	ew_step_result_free(&res);
}

static void test_consistent_old_server(void **state)
{
	struct ew_mbx_user u = carol();
	struct ew_step_result *res;
	const struct ew_finding *f;
	unsigned char *sd;
	size_t len;

	(void)state;
	sd = slurp_fixture(FIX_ALICE, &len);
	u.home_mdb = EX55_DB;
	u.sd = sd;
	u.sdlen = len;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_PASS, "agrees");
	need_evidence(f, "on EX55, database Private Information Store (EX55)");
	ew_step_result_free(&res);
	free(sd);
}

static void test_consistent_carol(void **state)
{
	struct ew_mbx_user u = carol();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	res = attrs(&u);
	need(res, "MBX-ATTRS", EW_PASS, "attributes are there");
	ew_step_result_free(&res);

	res = consistent(&u);
	assert_int_equal(res->nfindings, 4);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 4);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_PASS), 0);
	assert_int_equal(ew_step_result_worst(res), EW_ST_FAIL);

	f = need(res, "MBX-CONSISTENT", EW_FAIL, "msExchHomeServerName names another server");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
	need_evidence(f, "homeMDB is on EXCH1 (" LEG_EXCH1 ")");
	need_evidence(f, "msExchHomeServerName: " LEG_EX55);
	assert_non_null(f->detail);

	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMTA is not the MTA of the mailbox server");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
	need_evidence(f, "homeMTA: " EX55_MTA);
	need_evidence(f, "mailbox server: " EXCH1);

	f = need(res, "MBX-CONSISTENT", EW_FAIL, "legacyExchangeDN is still in the old "
		 "administrative group");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
	need_evidence(f, "legacyExchangeDN: " LEG_AG_OLD "/cn=Recipients/cn=carol");
	need_evidence(f, "the mailbox server's group: " LEG_AG_NEW);
	need_evidence(f, "no X500 proxy");

	f = need(res, "MBX-CONSISTENT", EW_FAIL, "No mailbox security descriptor");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_DESCRIPTOR);
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "O:PSG:PSD:(A;CI;CCRC;;;PS)"));
	ew_step_result_free(&res);
}

static void test_consistent_x500_kept(void **state)
{
	struct ew_mbx_user u = carol();
	struct ew_step_result *res;
	const struct ew_finding *f;
	unsigned char *sd;
	size_t len;

	(void)state;
	sd = slurp_fixture(FIX_ALICE, &len);
	u.home_mta = EXCH1_MTA;
	u.home_server = LEG_EXCH1;
	u.sd = sd;
	u.sdlen = len;
	u.proxies = CAROL_PROXIES_X500;
	u.nproxies = sizeof(CAROL_PROXIES_X500) / sizeof(CAROL_PROXIES_X500[0]);
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "legacyExchangeDN is still in the old "
		 "administrative group");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
	need_evidence(f, "legacyExchangeDN: " LEG_AG_OLD "/cn=Recipients/cn=carol");
	need_evidence(f, "the mailbox server's group: " LEG_AG_NEW);
	assert_null(evidence(f, "X500"));
	ew_step_result_free(&res);
	free(sd);
}

static void test_consistent_bad_homemdb(void **state)
{
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;
	unsigned char *sd;
	size_t len;

	(void)state;
	sd = slurp_fixture(FIX_ALICE, &len);
	u.sd = sd;
	u.sdlen = len;

	/* a database that does not exist */
	u.home_mdb = "CN=Mailbox Store (GONE),CN=First Storage Group,CN=InformationStore,"
		     "CN=GONE," SERVERS_NEW;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox database");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
	need_evidence(f, "homeMDB: CN=Mailbox Store (GONE),");
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	/* a server, not a database */
	u.home_mdb = EXCH1;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox database");
	need_evidence(f, "homeMDB: " EXCH1);
	ew_step_result_free(&res);

	/* an MTA, not a database */
	u.home_mdb = EXCH1_MTA;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox database");
	ew_step_result_free(&res);

	/* a bad homeMDB and no descriptor: both said */
	u.sd = NULL;
	u.sdlen = 0;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 2);
	need(res, "MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox database");
	need(res, "MBX-CONSISTENT", EW_FAIL, "No mailbox security descriptor");
	ew_step_result_free(&res);
	free(sd);
}

/*
 * homeMTA must name an MTA of the mailbox server. The server object itself,
 * or its database, is on that server but is no MTA.
 */
static void test_consistent_homemta_not_an_mta(void **state)
{
	static const char *const not_mtas[] = { EXCH1, EXCH1_DB, EXCH1_IS };
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;
	unsigned char *sd;
	size_t len, i, k, accepted = 0;

	(void)state;
	sd = slurp_fixture(FIX_ALICE, &len);
	u.sd = sd;
	u.sdlen = len;

	/* an MTA that does not exist */
	u.home_mta = "CN=Microsoft MTA,CN=GONE," SERVERS_NEW;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMTA is not the MTA of the mailbox server");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
	need_evidence(f, "homeMTA: CN=Microsoft MTA,CN=GONE,");
	ew_step_result_free(&res);

	/* Judged all first and freed, so that the failure leaks nothing. */
	for (i = 0; i < sizeof(not_mtas) / sizeof(not_mtas[0]); i++) {
		u.home_mta = not_mtas[i];
		res = consistent(&u);
		f = NULL;
		for (k = 0; k < res->nfindings; k++)
			if (res->findings[k]->severity == EW_FAIL &&
			    strstr(res->findings[k]->title, "homeMTA is not the MTA of the "
				   "mailbox server") != NULL)
				f = res->findings[k];
		if (f == NULL || evidence(f, not_mtas[i]) == NULL ||
		    count(res, "MBX-CONSISTENT", EW_PASS) != 0) {
			print_message("  homeMTA %s accepted as the MTA of EXCH1\n", not_mtas[i]);
			accepted++;
		}
		ew_step_result_free(&res);
	}
	free(sd);
	assert_int_equal(accepted, 0);
}

static void test_consistent_sd_grants(void **state)
{
	const struct ace_spec other_only[] = {
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, EW_DS_CREATE_CHILD | EW_SD_READ_CONTROL,
		  OTHER_SID },
	};
	const struct ace_spec own_sid[] = {
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, EW_DS_CREATE_CHILD | EW_SD_READ_CONTROL,
		  ALICE_SID },
	};
	const struct ace_spec self_read_only[] = {
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, EW_SD_READ_CONTROL, SELF_SID },
	};
	const struct ace_spec self_inherit_only[] = {
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT | EW_ACE_INHERIT_ONLY,
		  EW_DS_CREATE_CHILD | EW_SD_READ_CONTROL, SELF_SID },
	};
	const struct ace_spec denied_first[] = {
		{ EW_ACE_DENIED, 0, EW_DS_CREATE_CHILD, SELF_SID },
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, EW_DS_CREATE_CHILD | EW_SD_READ_CONTROL,
		  ALICE_SID },
	};
	const struct ace_spec generic_all[] = {
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, EW_GENERIC_ALL, SELF_SID },
	};
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;
	unsigned char buf[256];
	size_t len;

	(void)state;
	u.sd = buf;

	/* CC for another SID only: the user has no access */
	len = build_sd(buf, sizeof(buf), other_only, 1);
	u.sdlen = len;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "does not give the user full mailbox access");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_DESCRIPTOR);
	assert_int_equal(f->nevidence, 1);
	assert_string_equal(f->evidence[0], "O:PSG:PSD:(A;CI;CCRC;;;" OTHER_SID ")");
	assert_non_null(f->remedy);
	ew_step_result_free(&res);

	/* CC for the user's own SID rather than SELF: the same thing */
	len = build_sd(buf, sizeof(buf), own_sid, 1);
	u.sdlen = len;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-CONSISTENT", EW_PASS, "agrees");
	ew_step_result_free(&res);

	/* ...but not for a user of another SID */
	u.sid = sid_of(OTHER_SID);
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "does not give the user full mailbox access");
	need_evidence(f, "(A;CI;CCRC;;;" ALICE_SID ")");
	ew_step_result_free(&res);
	u.sid = sid_of(ALICE_SID);

	/* SELF may read, not log on */
	len = build_sd(buf, sizeof(buf), self_read_only, 1);
	u.sdlen = len;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "does not give the user full mailbox access");
	assert_string_equal(f->evidence[0], "O:PSG:PSD:(A;CI;RC;;;PS)");
	ew_step_result_free(&res);

	/* an inherit-only ACE does not apply to the mailbox itself */
	len = build_sd(buf, sizeof(buf), self_inherit_only, 1);
	u.sdlen = len;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "does not give the user full mailbox access");
	assert_string_equal(f->evidence[0], "O:PSG:PSD:(A;CIIO;CCRC;;;PS)");
	ew_step_result_free(&res);

	/* a deny for SELF before the allow for the user wins */
	len = build_sd(buf, sizeof(buf), denied_first, 2);
	u.sdlen = len;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "does not give the user full mailbox access");
	assert_string_equal(f->evidence[0], "O:PSG:PSD:(D;;CC;;;PS)(A;CI;CCRC;;;" ALICE_SID ")");
	ew_step_result_free(&res);

	/* GENERIC_ALL for SELF maps to full control, CC included */
	len = build_sd(buf, sizeof(buf), generic_all, 1);
	u.sdlen = len;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-CONSISTENT", EW_PASS, "agrees");
	ew_step_result_free(&res);
}

/* The builder above writes exactly the bytes the lab wrote for alice. */
static void test_build_sd_matches_lab(void **state)
{
	const struct ace_spec self_cc[] = {
		{ EW_ACE_ALLOWED, EW_ACE_CONTAINER_INHERIT, EW_DS_CREATE_CHILD | EW_SD_READ_CONTROL,
		  SELF_SID },
	};
	unsigned char buf[256], *lab;
	struct ew_sd *a = NULL, *b = NULL;
	char err[256], *sa, *sb;
	size_t len, lablen;

	(void)state;
	lab = slurp_fixture(FIX_ALICE, &lablen);
	len = build_sd(buf, sizeof(buf), self_cc, 1);
	assert_int_equal(ew_sd_parse(buf, len, &a, err, sizeof(err)), 0);
	assert_int_equal(ew_sd_parse(lab, lablen, &b, err, sizeof(err)), 0);
	sa = ew_sd_to_sddl(a);
	sb = ew_sd_to_sddl(b);
	assert_non_null(sa);
	assert_non_null(sb);
	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
	ew_sd_free(&a);
	ew_sd_free(&b);
	free(lab);
}

static void test_consistent_sd_unreadable(void **state)
{
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;
	unsigned char *sd;
	size_t len;

	(void)state;
	sd = slurp_fixture(FIX_ALICE, &len);
	assert_true(len > 20);

	/* the first 20 bytes: a header whose offsets point past the end */
	u.sd = sd;
	u.sdlen = 20;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "descriptor cannot be read");
	tu_assert_cause(f, EW_CAUSE_MAILBOX_DESCRIPTOR);
	assert_int_equal(f->nevidence, 1);
	assert_true(strlen(f->evidence[0]) > 0);
	ew_step_result_free(&res);

	/* present but empty */
	u.sdlen = 0;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-CONSISTENT", EW_FAIL, "descriptor cannot be read");
	ew_step_result_free(&res);

	/* one byte short of the whole */
	u.sdlen = len - 1;
	res = consistent(&u);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-CONSISTENT", EW_FAIL, "descriptor cannot be read");
	ew_step_result_free(&res);
	free(sd);
}

/* Directory strings with terminal escapes end up escaped in the findings. */
static void test_findings_clean(void **state)
{
	static const char *const dirty_proxies[] = { "SMTP:\x1b[2Jcarol@exwiz.test",
						     "SMTP:\r\x07x@exwiz.test" };
	struct ew_mbx_user u = carol();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	u.home_mta = "CN=Microsoft MTA\x1b]0;pwned\x07," EX55;
	u.home_server = "/o=EXWIZ/ou=OLDSITE\r\n/cn=EX55\x7f";
	u.legacy_dn = "/o=EXWIZ/ou=OLD\x1b[31mSITE/cn=Recipients/cn=carol";
	u.proxies = dirty_proxies;
	u.nproxies = 2;

	res = consistent(&u);	/* checks every string is clean */
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 4);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMTA is not the MTA");
	need_evidence(f, "\\x1b");
	ew_step_result_free(&res);

	res = attrs(&u);
	f = need(res, "MBX-ATTRS", EW_FAIL, "2 primary SMTP addresses");
	tu_assert_cause(f, NULL);
	ew_step_result_free(&res);

	u = alice();
	u.home_mdb = "CN=\x1b[1mGONE\x1b[0m," EXCH1_SG;
	res = consistent(&u);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox database");
	need_evidence(f, "GONE");
	ew_step_result_free(&res);

	u = alice();
	u.home_mdb = EXCH1_DB;
	u.home_mta = EXCH1_MTA;
	u.legacy_dn = "/o=EXWIZ/ou=First Administrative Group/cn=Recipients/cn=\x1b[5malice";
	res = attrs(&u);
	f = need(res, "MBX-ATTRS", EW_PASS, "attributes are there");
	need_evidence(f, "\\x1b");
	ew_step_result_free(&res);
}

/* ---- what the reader could not read ---- */

#define SERVICES "CN=Services," CONFIG
#define ALICE_READER "alice@EXWIZ.TEST"

/*
 * The lab as alice reads it (measured with ldapsearch): CN=Services and
 * CN=Microsoft Exchange are readable and listed; the organization comes
 * back by its DN only (no attributes, no children); nothing below it.
 */
static const struct ew_mbx_object ALICE_VIEW_OBJECTS[] = {
	{ SERVICES, EW_MBX_OTHER, NULL, NULL, 0, 1 },
	{ EXCH, EW_MBX_OTHER, NULL, "Microsoft Exchange", 0, 1 },
	{ ORG, EW_MBX_OTHER, NULL, NULL, 1, 0 },
};
static const struct ew_mbx_config ALICE_VIEW = {
	ALICE_VIEW_OBJECTS, sizeof(ALICE_VIEW_OBJECTS) / sizeof(ALICE_VIEW_OBJECTS[0]),
	ALICE_READER, EXCH, NULL
};

/* A copy of the lab configuration the test may change; free() it. */
static struct ew_mbx_object *lab_copy(struct ew_mbx_config *c)
{
	struct ew_mbx_object *o = malloc(sizeof(LAB_OBJECTS));

	assert_non_null(o);
	memcpy(o, LAB_OBJECTS, sizeof(LAB_OBJECTS));
	*c = LAB;
	c->objects = o;
	return o;
}

static struct ew_mbx_object *lab_object(struct ew_mbx_object *objs, const char *dn)
{
	size_t i;

	for (i = 0; i < sizeof(LAB_OBJECTS) / sizeof(LAB_OBJECTS[0]); i++)
		if (strcmp(objs[i].dn, dn) == 0)
			return &objs[i];
	fail_msg("no %s in the lab configuration", dn);
	return NULL;
}

static struct ew_step_result *consistent_in(const struct ew_mbx_user *u,
					    const struct ew_mbx_config *c)
{
	struct ew_step_result *res = new_res();

	ew_mbx_rule_consistent(u, c, res);
	tu_assert_findings_clean(res);
	return res;
}

static void test_parent_and_lookup(void **state)
{
	const struct ew_mbx_object *at;
	struct ew_mbx_config c;
	struct ew_mbx_object *objs;

	(void)state;
	assert_string_equal(ew_mbx_parent(EXCH1), SERVERS_NEW);
	assert_string_equal(ew_mbx_parent("CN=a\\,b," SERVERS_NEW), SERVERS_NEW);
	assert_null(ew_mbx_parent("DC=test"));
	assert_null(ew_mbx_parent(NULL));

	/* as an administrator: there, or not there */
	assert_int_equal(ew_mbx_lookup(&LAB, EXCH1_DB, &at), EW_MBX_READ);
	assert_string_equal(at->dn, EXCH1_DB);
	assert_int_equal(ew_mbx_lookup(&LAB, "CN=GONE," EXCH1_SG, &at), EW_MBX_ABSENT);
	assert_string_equal(at->dn, EXCH1_SG);
	assert_int_equal(ew_mbx_lookup(&LAB, "CN=DB,CN=SG,CN=InformationStore,CN=GONE,"
				       SERVERS_NEW, &at), EW_MBX_ABSENT);
	assert_string_equal(at->dn, SERVERS_NEW);
	/* outside CN=Microsoft Exchange there is no Exchange object */
	assert_int_equal(ew_mbx_lookup(&LAB, ALICE_DN, &at), EW_MBX_ABSENT);
	assert_null(at);

	/* as alice: the organization is there, nothing below it can be seen */
	assert_int_equal(ew_mbx_lookup(&ALICE_VIEW, ORG, &at), EW_MBX_NOT_READABLE);
	assert_string_equal(at->dn, ORG);
	assert_int_equal(ew_mbx_lookup(&ALICE_VIEW, EXCH1_DB, &at), EW_MBX_NOT_READABLE);
	assert_string_equal(at->dn, ORG);
	assert_int_equal(ew_mbx_lookup(&ALICE_VIEW, "CN=Other," EXCH, &at), EW_MBX_ABSENT);
	assert_int_equal(ew_mbx_lookup(&ALICE_VIEW, EXCH, &at), EW_MBX_READ);

	/* a readable container not listed in full proves nothing about its children */
	objs = lab_copy(&c);
	lab_object(objs, EXCH1_SG)->listed = 0;
	assert_int_equal(ew_mbx_lookup(&c, "CN=GONE," EXCH1_SG, &at), EW_MBX_NOT_READABLE);
	assert_string_equal(at->dn, EXCH1_SG);
	assert_int_equal(ew_mbx_lookup(&c, EXCH1_DB, NULL), EW_MBX_READ);
	/* nothing above it came back at all */
	c.root = NULL;
	assert_int_equal(ew_mbx_lookup(&c, "CN=x,DC=elsewhere", &at), EW_MBX_NOT_READABLE);
	assert_null(at);
	free(objs);
}

/*
 * As alice: the organization exists and may not be read. Nothing of the
 * configuration is said to be missing; the comparisons are one skip that
 * names the organization and alice; what the user object itself shows (no
 * mailbox security descriptor) still counts.
 */
static void test_consistent_org_not_readable(void **state)
{
	struct ew_mbx_user u = carol();
	struct ew_step_result *res;
	const struct ew_finding *f;
	unsigned char *sd;
	size_t len;

	(void)state;
	res = consistent_in(&u, &ALICE_VIEW);
	assert_int_equal(res->nfindings, 2);
	f = need(res, "MBX-CONSISTENT", EW_SKIP, "homeMDB cannot be compared");
	assert_non_null(strstr(f->title, "not readable as " ALICE_READER));
	need_evidence(f, "homeMDB: " EXCH1_DB);
	need_evidence(f, ORG ": there, not readable as " ALICE_READER);
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "--kinit"));
	assert_non_null(strstr(f->remedy, "--simple-bind"));
	need(res, "MBX-CONSISTENT", EW_FAIL, "No mailbox security descriptor");
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_PASS), 0);
	ew_step_result_free(&res);

	/* a healthy mailbox read as alice: not a pass, a skip */
	u = alice();
	sd = slurp_fixture(FIX_ALICE, &len);
	u.sd = sd;
	u.sdlen = len;
	res = consistent_in(&u, &ALICE_VIEW);
	assert_int_equal(res->nfindings, 1);
	need(res, "MBX-CONSISTENT", EW_SKIP, "homeMDB cannot be compared");
	assert_int_equal(ew_step_result_worst(res), EW_ST_SKIP);
	ew_step_result_free(&res);

	/* the configuration could not be searched at all */
	{
		struct ew_mbx_config c = { NULL, 0, ALICE_READER, EXCH, "timed out" };

		res = consistent_in(&u, &c);
		assert_int_equal(res->nfindings, 1);
		f = need(res, "MBX-CONSISTENT", EW_SKIP, "homeMDB cannot be compared");
		need_evidence(f, "could not be searched: timed out");
		ew_step_result_free(&res);
	}
	free(sd);
}

/* No Exchange organization where the reader could have seen one: homeMDB
 * names no database, and the evidence says why. */
static void test_consistent_no_organization(void **state)
{
	static const struct ew_mbx_object no_exch[] = {
		{ SERVICES, EW_MBX_OTHER, NULL, NULL, 0, 1 },
	};
	static const struct ew_mbx_object empty_exch[] = {
		{ SERVICES, EW_MBX_OTHER, NULL, NULL, 0, 1 },
		{ EXCH, EW_MBX_OTHER, NULL, NULL, 0, 1 },
	};
	static const struct ew_mbx_object hidden_exch[] = {
		{ SERVICES, EW_MBX_OTHER, NULL, NULL, 0, 1 },
		{ EXCH, EW_MBX_OTHER, NULL, NULL, 1, 0 },
	};
	struct ew_mbx_config c = { no_exch, 1, ALICE_READER, EXCH, NULL };
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	res = consistent_in(&u, &c);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox database");
	need_evidence(f, "no Exchange organization in this forest: there is no CN=Microsoft "
		      "Exchange under CN=Services");
	need_evidence(f, "read in full as " ALICE_READER);
	ew_step_result_free(&res);

	c.objects = empty_exch;
	c.n = 2;
	res = consistent_in(&u, &c);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox database");
	need_evidence(f, "CN=Microsoft Exchange holds none");
	ew_step_result_free(&res);

	/* CN=Microsoft Exchange there but not readable: no claim */
	c.objects = hidden_exch;
	res = consistent_in(&u, &c);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 1);	/* the descriptor */
	need(res, "MBX-CONSISTENT", EW_FAIL, "No mailbox security descriptor");
	f = need(res, "MBX-CONSISTENT", EW_SKIP, "homeMDB cannot be compared");
	need_evidence(f, EXCH ": there, not readable as " ALICE_READER);
	ew_step_result_free(&res);
}

/*
 * The server's legacyExchangeDN did not come back: msExchHomeServerName is
 * not compared (a skip that says so), never "names another server"; the
 * other comparisons that can still be made are.
 */
static void test_consistent_server_legacy_not_read(void **state)
{
	struct ew_mbx_user u = carol();
	struct ew_step_result *res;
	const struct ew_finding *f;
	struct ew_mbx_config c;
	struct ew_mbx_object *objs;
	unsigned char *sd;
	size_t len;

	(void)state;
	objs = lab_copy(&c);
	lab_object(objs, EXCH1)->legacy_dn = NULL;
	res = consistent_in(&u, &c);
	for (len = 0; len < res->nfindings; len++)
		assert_null(strstr(res->findings[len]->title, "names another server"));
	f = need(res, "MBX-CONSISTENT", EW_SKIP, "msExchHomeServerName cannot be compared");
	assert_non_null(strstr(f->title, "not readable as " LAB_READER));
	need_evidence(f, "homeMDB is on EXCH1: no legacyExchangeDN came back");
	need_evidence(f, "msExchHomeServerName: " LEG_EX55);
	assert_null(evidence(f, "(?)"));
	/* the group's legacyExchangeDN still shows the old site */
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "legacyExchangeDN is still in the old");
	need_evidence(f, "the mailbox server's group: " LEG_AG_NEW);
	need(res, "MBX-CONSISTENT", EW_FAIL, "homeMTA is not the MTA");
	ew_step_result_free(&res);

	/* neither the server's nor its group's: that comparison is a skip too */
	lab_object(objs, AG_NEW)->legacy_dn = NULL;
	res = consistent_in(&u, &c);
	need(res, "MBX-CONSISTENT", EW_SKIP, "msExchHomeServerName cannot be compared");
	need(res, "MBX-CONSISTENT", EW_SKIP, "legacyExchangeDN cannot be compared");
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 2);	/* homeMTA, descriptor */
	ew_step_result_free(&res);

	/* a consistent mailbox whose server cannot be compared: no pass */
	u = alice();
	sd = slurp_fixture(FIX_ALICE, &len);
	u.sd = sd;
	u.sdlen = len;
	res = consistent_in(&u, &c);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_PASS), 0);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 0);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_SKIP), 2);
	ew_step_result_free(&res);
	free(sd);
	free(objs);
}

/* homeMTA under a group that cannot be read; the database's server that
 * cannot be read; a database in a storage group not listed in full. */
static void test_consistent_parts_not_readable(void **state)
{
	struct ew_mbx_user u = carol();
	struct ew_step_result *res;
	const struct ew_finding *f;
	struct ew_mbx_config c;
	struct ew_mbx_object *objs, *o;
	size_t i;

	(void)state;
	objs = lab_copy(&c);
	/* OLDSITE there but not readable: EX55, its MTA and database vanish */
	o = lab_object(objs, AG_OLD);
	o->unreadable = 1;
	o->kind = EW_MBX_OTHER;
	o->legacy_dn = NULL;
	o->listed = 0;
	for (i = 0; i < c.n; i++)
		if (strstr(objs[i].dn, "CN=OLDSITE,") && &objs[i] != o)
			objs[i].dn = "CN=gone";
	res = consistent_in(&u, &c);
	f = need(res, "MBX-CONSISTENT", EW_SKIP, "homeMTA cannot be compared");
	need_evidence(f, AG_OLD ": there, not readable as " LAB_READER);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 3);	/* server, legacy, sd */
	for (i = 0; i < res->nfindings; i++)
		assert_null(strstr(res->findings[i]->title, "homeMTA is not the MTA"));
	ew_step_result_free(&res);
	free(objs);

	/* EXCH1 not readable: nothing compared with it */
	objs = lab_copy(&c);
	o = lab_object(objs, EXCH1);
	o->unreadable = 1;
	o->kind = EW_MBX_OTHER;
	o->legacy_dn = NULL;
	res = consistent_in(&u, &c);
	need(res, "MBX-CONSISTENT", EW_SKIP, "The server of homeMDB's database cannot be read");
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 1);	/* the descriptor */
	ew_step_result_free(&res);
	free(objs);

	/* a database missing from a storage group that was not listed in full */
	objs = lab_copy(&c);
	lab_object(objs, EXCH1_SG)->listed = 0;
	u = alice();
	u.home_mdb = "CN=Mailbox Store 2," EXCH1_SG;
	res = consistent_in(&u, &c);
	f = need(res, "MBX-CONSISTENT", EW_SKIP, "homeMDB cannot be compared");
	need_evidence(f, EXCH1_SG ": its contents could not be listed as " LAB_READER);
	assert_int_equal(count(res, "MBX-CONSISTENT", EW_FAIL), 1);	/* the descriptor */
	ew_step_result_free(&res);
	/* listed in full: missing */
	lab_object(objs, EXCH1_SG)->listed = 1;
	res = consistent_in(&u, &c);
	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox database");
	need_evidence(f, "not under " EXCH1_SG " (read in full as " LAB_READER ")");
	ew_step_result_free(&res);
	free(objs);
}

/* ---- MBX-MOVER ---- */

/* A mover as an administrator sees carol's move: the account found, every
 * DACL read; rights on the Exchange objects, write on each attribute (by the
 * general right; EW_MBX_NO: neither it nor the attribute's own grant). */
static struct ew_mbx_mover mover_all_read(uint32_t rights, enum ew_mbx_right write)
{
	static const char *const names[] = { "homeMDB", "homeMTA", "msExchHomeServerName",
					     "targetAddress", "proxyAddresses",
					     "legacyExchangeDN" };
	struct ew_mbx_mover m;
	size_t i;

	memset(&m, 0, sizeof(m));
	m.account = "junior";
	m.reader = LAB_READER;
	m.looked_up = m.found = 1;
	m.groups_read = 1;
	m.org = (struct ew_mbx_acl){ "the organization", ORG, 1, rights, NULL };
	m.ag_new = (struct ew_mbx_acl){ "the target administrative group", AG_NEW, 1, rights,
					NULL };
	m.ag_old = (struct ew_mbx_acl){ "the source administrative group", AG_OLD, 1, rights,
					NULL };
	m.need_old = 1;
	m.srv_new = (struct ew_mbx_acl){ "the target server", EXCH1, 1, rights, NULL };
	m.srv_old = (struct ew_mbx_acl){ "the source server", EX55, 1, rights, NULL };
	m.user = (struct ew_mbx_acl){ "the user", CAROL_DN, 1, 0, NULL };
	for (i = 0; i < 6; i++) {
		m.attrs[i].name = names[i];
		m.attrs[i].general = write;
		m.attrs[i].granted = write == EW_MBX_NO ? EW_MBX_NO : EW_MBX_UNKNOWN;
	}
	m.nattrs = 6;
	return m;
}

/* A rule's result that holds one finding, clean. */
static struct ew_step_result *one_finding(struct ew_step_result *res)
{
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	return res;
}

/* res has the finding of check and sev with needle in its title; freed. */
static void says(struct ew_step_result *res, const char *check, enum ew_severity sev,
		 const char *needle)
{
	need(res, check, sev, needle);
	ew_step_result_free(&res);
}

static struct ew_step_result *mover(const struct ew_mbx_mover *m)
{
	struct ew_step_result *res = new_res();

	ew_mbx_rule_mover(m, res);
	return one_finding(res);
}

/* m's MBX-MOVER finding: sev, title holding title, an evidence line holding ev. */
static void mover_shows(const struct ew_mbx_mover *m, enum ew_severity sev, const char *title,
			const char *ev)
{
	struct ew_step_result *res = mover(m);

	need_evidence(need(res, "MBX-MOVER", sev, title), ev);
	ew_step_result_free(&res);
}

/* Not identified, as the step says it when the configuration cannot be read. */
static struct ew_mbx_acl not_identified(const char *label)
{
	return (struct ew_mbx_acl){ label, NULL, 0, 0, "not readable as " ALICE_READER };
}

static void test_mover_all_read(void **state)
{
	struct ew_mbx_mover m = mover_all_read(EW_DS_FULL_CONTROL, EW_MBX_YES);
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_PASS, "junior could have moved the mailbox");
	need_evidence(f, "the organization: Full Control");
	ew_step_result_free(&res);

	/* no rights anywhere: the lab's junior */
	m = mover_all_read(0, EW_MBX_NO);
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_FAIL, "junior lacks the rights to move a mailbox");
	tu_assert_cause(f, EW_CAUSE_MOVER_RIGHTS);
	need_evidence(f, "the organization: no rights");
	need_evidence(f, "cannot write homeMDB on the user");
	assert_null(strstr(f->detail, "seed"));
	ew_step_result_free(&res);

	/* both groups but not the organization: enough */
	m = mover_all_read(0, EW_MBX_YES);
	m.ag_new.rights = m.ag_old.rights = EW_DS_FULL_CONTROL;
	says(mover(&m), "MBX-MOVER", EW_PASS, "could have moved");
	/* only the target group: not enough */
	m.ag_old.rights = 0;
	says(mover(&m), "MBX-MOVER", EW_FAIL, "lacks the rights");
	/* a move within the group: the source group is not needed */
	m.need_old = 0;
	says(mover(&m), "MBX-MOVER", EW_PASS, "could have moved");
}

/*
 * As alice: the Exchange objects cannot be identified, their DACLs not read.
 * The user's DACL alone allows the attributes: cannot be judged (skip,
 * saying as whom and how to read them). It forbids them: a fail, which still
 * says what could not be read.
 */
static void test_mover_not_readable(void **state)
{
	struct ew_mbx_mover m = mover_all_read(0, EW_MBX_YES);
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	m.reader = ALICE_READER;
	m.org = not_identified("the organization");
	m.ag_new = not_identified("the target administrative group");
	m.ag_old = not_identified("the source administrative group");
	m.srv_new = m.srv_old = (struct ew_mbx_acl){ NULL, NULL, 0, 0, NULL };
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_SKIP, "cannot be judged");
	tu_assert_cause(f, NULL);
	assert_non_null(strstr(f->title, "not readable as " ALICE_READER));
	need_evidence(f, "the organization: not identified: not readable as " ALICE_READER);
	need_evidence(f, "the source administrative group: not identified");
	assert_non_null(strstr(f->remedy, "Exchange administrator"));
	assert_non_null(strstr(f->remedy, "--kinit"));
	assert_non_null(strstr(f->remedy, "--simple-bind"));
	ew_step_result_free(&res);

	/* identified, the DACL not read */
	m.org = (struct ew_mbx_acl){ "the organization", ORG, 0, 0,
				     "no nTSecurityDescriptor came back" };
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_SKIP, "cannot be judged");
	need_evidence(f, "the organization: permissions not readable as " ALICE_READER
		      " (no nTSecurityDescriptor came back)");
	ew_step_result_free(&res);

	/* what was read forbids the move: a fail that says what was not read */
	m.attrs[0].general = m.attrs[0].granted = EW_MBX_NO;
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_FAIL, "lacks the rights");
	tu_assert_cause(f, EW_CAUSE_MOVER_RIGHTS);
	need_evidence(f, "cannot write homeMDB on the user");
	need_evidence(f, "the organization: permissions not readable as " ALICE_READER);
	ew_step_result_free(&res);

	/* the organization read and no rights, the groups unknown: no verdict */
	m = mover_all_read(0, EW_MBX_YES);
	m.ag_old = not_identified("the source administrative group");
	m.ag_new.rights = EW_DS_FULL_CONTROL;
	says(mover(&m), "MBX-MOVER", EW_SKIP, "cannot be judged");
	/* ... unless a group that was read is already not enough */
	m.ag_new.rights = 0;
	says(mover(&m), "MBX-MOVER", EW_FAIL, "lacks the rights");
}

static void test_mover_user_or_groups_not_read(void **state)
{
	struct ew_mbx_mover m = mover_all_read(EW_DS_FULL_CONTROL, EW_MBX_UNKNOWN);
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	/* the user's DACL not read: Full Control on the organization is not all */
	m.user.read = 0;
	m.user.why = "no nTSecurityDescriptor came back";
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_SKIP, "cannot be judged");
	need_evidence(f, "the user: permissions not readable as " LAB_READER);
	assert_null(evidence(f, "cannot write"));
	ew_step_result_free(&res);

	/* one attribute's schema entry not read */
	m = mover_all_read(EW_DS_FULL_CONTROL, EW_MBX_YES);
	m.attrs[3].general = EW_MBX_NO;
	m.attrs[3].granted = EW_MBX_UNKNOWN;
	mover_shows(&m, EW_SKIP, "cannot be judged", "targetAddress on the user: not judged");

	/* the mover's groups not read: nothing is judged, whatever the DACLs say */
	m = mover_all_read(0, EW_MBX_NO);
	m.groups_read = 0;
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_SKIP, "its groups (tokenGroups) are not readable as "
		 LAB_READER);
	ew_step_result_free(&res);

	/* who read it not known: said so, not left out */
	m = mover_all_read(0, EW_MBX_YES);
	m.reader = NULL;
	m.org = not_identified("the organization");
	m.ag_new = not_identified("the target administrative group");
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_SKIP, "not readable as the account exwizard binds as");
	ew_step_result_free(&res);
}

/* No mover given, its account not looked up or not there: the verdict says
 * so, whatever the rights in the structure. */
static void test_mover_account(void **state)
{
	struct ew_mbx_mover m = mover_all_read(EW_DS_FULL_CONTROL, EW_MBX_YES);
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	res = mover(NULL);
	f = need(res, "MBX-MOVER", EW_SKIP, "No mover given (-m NAME: the account that moved "
		 "the mailbox)");
	assert_int_equal(f->nevidence, 0);
	ew_step_result_free(&res);
	m.account = NULL;
	says(mover(&m), "MBX-MOVER", EW_SKIP, "No mover given");

	/* the search for the account failed: no verdict, the error as evidence */
	m = mover_all_read(EW_DS_FULL_CONTROL, EW_MBX_YES);
	m.looked_up = m.found = 0;
	m.lookup_error = "Server is unavailable";
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_SKIP, "The account junior could not be looked up");
	assert_int_equal(f->nevidence, 1);
	need_evidence(f, "Server is unavailable");
	ew_step_result_free(&res);
	m.lookup_error = NULL;
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_SKIP, "could not be looked up");
	need_evidence(f, "?");
	ew_step_result_free(&res);

	/* looked up, not there: a fail, however its rights would have been */
	m.looked_up = 1;
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_FAIL, "No account junior in the directory");
	assert_non_null(f->remedy);
	assert_non_null(strstr(f->remedy, "-m"));
	assert_int_equal(f->nevidence, 0);
	ew_step_result_free(&res);

	/* found: judged by its rights */
	m.found = 1;
	says(mover(&m), "MBX-MOVER", EW_PASS, "junior could have moved the mailbox");
}

/* An attribute is writable by the general right on the user, else by its own
 * grant; not known when the user's DACL was not read. */
static void test_mover_attr_write(void **state)
{
	static const struct {
		enum ew_mbx_right general, granted, want;
	} cases[] = {
		{ EW_MBX_YES, EW_MBX_NO, EW_MBX_YES },
		{ EW_MBX_YES, EW_MBX_UNKNOWN, EW_MBX_YES },
		{ EW_MBX_NO, EW_MBX_YES, EW_MBX_YES },
		{ EW_MBX_NO, EW_MBX_NO, EW_MBX_NO },
		{ EW_MBX_NO, EW_MBX_UNKNOWN, EW_MBX_UNKNOWN },
		{ EW_MBX_UNKNOWN, EW_MBX_YES, EW_MBX_UNKNOWN },
		{ EW_MBX_UNKNOWN, EW_MBX_NO, EW_MBX_UNKNOWN },
	};
	struct ew_mbx_mover m;
	struct ew_step_result *res;
	const struct ew_finding *f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ew_mbx_attr_right a = { "homeMDB", cases[i].general, cases[i].granted };

		if (ew_mbx_attr_write(&a) != cases[i].want)
			fail_msg("case %zu: general %d, granted %d: %d, expected %d", i,
				 cases[i].general, cases[i].granted, ew_mbx_attr_write(&a),
				 cases[i].want);
	}

	/* Full Control on the organization, homeMDB granted on its own: enough */
	m = mover_all_read(EW_DS_FULL_CONTROL, EW_MBX_YES);
	m.attrs[0].general = EW_MBX_NO;
	m.attrs[0].granted = EW_MBX_YES;
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_PASS, "junior could have moved the mailbox");
	assert_null(evidence(f, "homeMDB"));
	ew_step_result_free(&res);
	/* ... and not granted: cannot write it */
	m.attrs[0].granted = EW_MBX_NO;
	res = mover(&m);
	f = need(res, "MBX-MOVER", EW_FAIL, "junior lacks the rights to move a mailbox");
	need_evidence(f, "cannot write homeMDB on the user");
	assert_null(evidence(f, "cannot write homeMTA"));
	ew_step_result_free(&res);
	/* the user's DACL not read: a grant of its own proves nothing */
	m.attrs[0].general = EW_MBX_UNKNOWN;
	m.attrs[0].granted = EW_MBX_YES;
	mover_shows(&m, EW_SKIP, "cannot be judged", "homeMDB on the user: not judged");
}

/* ---- MBX-PROTECTED ---- */

/* What came back of the user's adminCount and nTSecurityDescriptor. */
static void read_back(struct ew_mbx_user *u, const char *admin_count, const unsigned char *sd,
		      size_t sdlen)
{
	u->admin_count = admin_count;
	u->nt_sd = sd;
	u->nt_sdlen = sdlen;
}

static struct ew_step_result *protected_of(const struct ew_mbx_user *u)
{
	struct ew_step_result *res = new_res();

	ew_mbx_rule_protected(u, res);
	return one_finding(res);
}

/*
 * adminCount = 1 or a DACL protected from inheritance: a warning naming the
 * user as given and each reason; neither readable: a skip naming the reader;
 * else a pass.
 */
static void test_protected(void **state)
{
	static const struct ace_spec aces[] = { { 0, 0, EW_DS_READ_PROP, SELF_SID } };
	unsigned char sd[256], psd[256];
	size_t sdlen = build_sd(sd, sizeof(sd), aces, 1);
	size_t psdlen = build_sd(psd, sizeof(psd), aces, 1);
	struct ew_mbx_user u = alice();
	struct ew_step_result *res;
	const struct ew_finding *f;

	(void)state;
	put16(psd + 2, EW_SE_SELF_RELATIVE | EW_SE_DACL_PRESENT | EW_SE_DACL_PROTECTED);
	u.name = "alice";

	/* the lab's alice: adminCount 0 or none, an inherited DACL */
	read_back(&u, "0", sd, sdlen);
	res = protected_of(&u);
	f = need(res, "MBX-PROTECTED", EW_PASS, "Not a protected account");
	assert_int_equal(f->nevidence, 0);
	ew_step_result_free(&res);
	u.admin_count = NULL;
	says(protected_of(&u), "MBX-PROTECTED", EW_PASS, "Not a protected account");
	/* adminCount read, the DACL not: adminCount decides */
	read_back(&u, "0", NULL, 0);
	says(protected_of(&u), "MBX-PROTECTED", EW_PASS, "Not a protected account");

	/* adminCount = 1 (Administrator in the lab) */
	u.admin_count = "1";
	res = protected_of(&u);
	f = need(res, "MBX-PROTECTED", EW_WARN, "alice is a protected account");
	assert_int_equal(f->nevidence, 1);
	need_evidence(f, "adminCount = 1 (AdminSDHolder resets its permissions every hour)");
	assert_non_null(strstr(f->detail, "inherited permissions do not reach it"));
	assert_non_null(strstr(f->remedy, "AdminSDHolder"));
	ew_step_result_free(&res);

	/* a protected DACL alone */
	read_back(&u, "0", psd, psdlen);
	res = protected_of(&u);
	f = need(res, "MBX-PROTECTED", EW_WARN, "alice is a protected account");
	assert_int_equal(f->nevidence, 1);
	need_evidence(f, "its DACL is protected from inheritance");
	ew_step_result_free(&res);
	/* both */
	u.admin_count = "1";
	res = protected_of(&u);
	f = need(res, "MBX-PROTECTED", EW_WARN, "alice is a protected account");
	assert_int_equal(f->nevidence, 2);
	assert_non_null(strstr(f->evidence[0], "adminCount = 1"));
	assert_non_null(strstr(f->evidence[1], "protected from inheritance"));
	ew_step_result_free(&res);
	/* with a mailbox it is a cause; without one, only a warning */
	assert_non_null(u.home_mdb);
	res = protected_of(&u);
	tu_assert_cause(need(res, "MBX-PROTECTED", EW_WARN, "alice is a protected account"),
			EW_CAUSE_MAILBOX_PROTECTED);
	ew_step_result_free(&res);
	{
		struct ew_mbx_user nomb = u;

		nomb.home_mdb = NULL;
		nomb.home_server = NULL;
		res = protected_of(&nomb);
		f = need(res, "MBX-PROTECTED", EW_WARN, "alice is a protected account");
		assert_null(f->cause);
		ew_step_result_free(&res);
	}

	/* neither came back: not readable is not "not protected" */
	read_back(&u, NULL, NULL, 0);
	u.reader = ALICE_READER;
	res = protected_of(&u);
	f = need(res, "MBX-PROTECTED", EW_SKIP, "Whether alice is a protected account cannot "
		 "be told: neither adminCount nor its permissions are readable as " ALICE_READER);
	assert_non_null(strstr(f->remedy, "--kinit ADMIN"));
	ew_step_result_free(&res);
	u.reader = NULL;
	says(protected_of(&u), "MBX-PROTECTED", EW_SKIP,
	     "readable as the account exwizard binds as");
}

/* ---- the lab's descriptors ---- */

static void test_lab_mailbox_sd(void **state)
{
	struct ew_sd *sd = NULL;
	struct ew_sid self = sid_of(SELF_SID);
	unsigned char *buf;
	char err[256], *sddl;
	size_t len;

	(void)state;
	buf = slurp_fixture(FIX_ALICE, &len);
	assert_int_equal(len, 72);
	assert_int_equal(ew_sd_parse(buf, len, &sd, err, sizeof(err)), 0);
	assert_non_null(sd);
	assert_true(sd->has_owner);
	assert_true(sd->has_group);
	assert_true(sd->has_dacl);
	assert_true(ew_sid_equal(&sd->owner, &self));
	assert_int_equal(sd->dacl.naces, 1);
	sddl = ew_sd_to_sddl(sd);
	assert_non_null(sddl);
	assert_string_equal(sddl, "O:PSG:PSD:(A;CI;CCRC;;;PS)");
	assert_int_equal(ew_sd_access(sd, &self, 1, NULL, NULL, EW_DS_CREATE_CHILD, NULL),
			 EW_DS_CREATE_CHILD);
	free(sddl);
	ew_sd_free(&sd);
	free(buf);
}

/* Owner and group Enterprise Admins, an auto-inherited DACL. */
#define ORG_SDDL_HEAD "O:" DOM "-519G:" DOM "-519D:AI("

static void test_lab_organization_sd(void **state)
{
	struct ew_sd *sd = NULL;
	struct ew_sid ea = sid_of(DOM "-519");
	unsigned char *buf;
	char err[256], *sddl;
	size_t len, i;

	(void)state;
	buf = slurp_fixture(FIX_ORG, &len);
	assert_int_equal(ew_sd_parse(buf, len, &sd, err, sizeof(err)), 0);
	assert_non_null(sd);
	assert_true(sd->has_owner);
	assert_true(sd->has_group);
	assert_true(sd->has_dacl);
	assert_false(sd->null_dacl);
	assert_true(sd->dacl.naces > 0);
	assert_true(ew_sid_equal(&sd->owner, &ea));

	sddl = ew_sd_to_sddl(sd);
	assert_non_null(sddl);
	assert_false(tu_has_raw_control(sddl, strlen(sddl)));
	assert_true(ew_text_is_clean(sddl, strlen(sddl)));
	assert_null(strchr(sddl, '\n'));
	assert_int_equal(strncmp(sddl, ORG_SDDL_HEAD, strlen(ORG_SDDL_HEAD)), 0);
	/*
	 * The container-inherit ACEs gen-ldif.py's "acl" step added for operator
	 * and Exchange Organization Administrators ((A;CI;GA;;;sid)) are stored
	 * by Samba as an inherit-only GA part and an effective part, and the
	 * ACEs inherited from above are CI|ID.
	 */
	assert_non_null(strstr(sddl, "(A;CI"));
	assert_non_null(strstr(sddl, "(A;CIIO;GA;;;" DOM "-1122)"));
	assert_non_null(strstr(sddl, "(A;CIIO;GA;;;" DOM "-1110)"));
	assert_non_null(strstr(sddl, "(A;CIID;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;" DOM "-519)"));
	assert_null(strstr(sddl, "S:"));	/* never the SACL */
	for (i = 0; i < sd->dacl.naces; i++)
		assert_true(sd->dacl.aces[i].sid.revision == 1);
	free(sddl);
	ew_sd_free(&sd);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_ancestor),
		cmocka_unit_test(test_ancestor_escaped),
		cmocka_unit_test(test_legacy_site),
		cmocka_unit_test(test_has_mailbox),
		cmocka_unit_test(test_attrs_alice),
		cmocka_unit_test(test_attrs_missing_mta),
		cmocka_unit_test(test_attrs_not_readable),
		cmocka_unit_test(test_consistent_sd_not_readable),
		cmocka_unit_test(test_attrs_primary_smtp),
		cmocka_unit_test(test_consistent_alice),
		cmocka_unit_test(test_consistent_old_server),
		cmocka_unit_test(test_consistent_carol),
		cmocka_unit_test(test_consistent_x500_kept),
		cmocka_unit_test(test_consistent_bad_homemdb),
		cmocka_unit_test(test_consistent_homemta_not_an_mta),
		cmocka_unit_test(test_consistent_sd_grants),
		cmocka_unit_test(test_build_sd_matches_lab),
		cmocka_unit_test(test_consistent_sd_unreadable),
		cmocka_unit_test(test_findings_clean),
		cmocka_unit_test(test_parent_and_lookup),
		cmocka_unit_test(test_consistent_org_not_readable),
		cmocka_unit_test(test_consistent_no_organization),
		cmocka_unit_test(test_consistent_server_legacy_not_read),
		cmocka_unit_test(test_consistent_parts_not_readable),
		cmocka_unit_test(test_mover_all_read),
		cmocka_unit_test(test_mover_not_readable),
		cmocka_unit_test(test_mover_user_or_groups_not_read),
		cmocka_unit_test(test_mover_account),
		cmocka_unit_test(test_mover_attr_write),
		cmocka_unit_test(test_protected),
		cmocka_unit_test(test_lab_mailbox_sd),
		cmocka_unit_test(test_lab_organization_sd),
	};

	return cmocka_run_group_tests_name("mailboxrules", tests, NULL, NULL);
}
