/*
 * test_mailbox.c - the pure mailbox rules (core/mailbox.c): DN lookups in the
 * Exchange configuration (ew_mbx_find, ew_mbx_ancestor), the administrative
 * group of a legacyExchangeDN, and the verdicts MBX-ATTRS and MBX-CONSISTENT
 * on a configuration built by hand after the lab (tests/lab/gen-ldif.py):
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

#include "finding.h"
#include "mailbox.h"
#include "secdesc.h"
#include "sid.h"
#include "step.h"
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
	{ EXCH, EW_MBX_OTHER, NULL, "Microsoft Exchange" },
	{ ORG, EW_MBX_ORG, LEG_ORG, "EXWIZ" },
	{ AGS, EW_MBX_OTHER, NULL, "Administrative Groups" },
	{ AG_NEW, EW_MBX_ADMIN_GROUP, LEG_AG_NEW, "First Administrative Group" },
	{ SERVERS_NEW, EW_MBX_OTHER, NULL, "Servers" },
	{ EXCH1, EW_MBX_SERVER, LEG_EXCH1, "EXCH1" },
	{ EXCH1_IS, EW_MBX_OTHER, NULL, "InformationStore" },
	{ EXCH1_SG, EW_MBX_OTHER, NULL, "First Storage Group" },
	{ EXCH1_DB, EW_MBX_DATABASE, LEG_EXCH1 "/cn=Microsoft Private MDB",
	  "Mailbox Store (EXCH1)" },
	{ EXCH1_MTA, EW_MBX_MTA, LEG_EXCH1 "/cn=Microsoft MTA", "Microsoft MTA" },
	{ AG_OLD, EW_MBX_ADMIN_GROUP, LEG_AG_OLD, "OLDSITE" },
	{ SERVERS_OLD, EW_MBX_OTHER, NULL, "Servers" },
	{ EX55, EW_MBX_SERVER, LEG_EX55, "EX55" },
	{ EX55_IS, EW_MBX_OTHER, NULL, "InformationStore" },
	{ EX55_DB, EW_MBX_DATABASE, LEG_EX55 "/cn=Microsoft Private MDB",
	  "Private Information Store (EX55)" },
	{ EX55_MTA, EW_MBX_MTA, LEG_EX55 "/cn=Microsoft MTA", "Microsoft MTA" },
};

static const struct ew_mbx_config LAB = {
	LAB_OBJECTS, sizeof(LAB_OBJECTS) / sizeof(LAB_OBJECTS[0])
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
	{ AG_NEW, EW_MBX_ADMIN_GROUP, LEG_AG_NEW, "First Administrative Group" },
	{ SERVERS_NEW, EW_MBX_OTHER, NULL, "Servers" },
	{ "b," SERVERS_NEW, EW_MBX_ADMIN_GROUP, NULL, "decoy" },
	{ "CN=a\\,b," SERVERS_NEW, EW_MBX_SERVER, NULL, "a,b" },
	{ "CN=DB,CN=InformationStore,CN=a\\,b," SERVERS_NEW, EW_MBX_DATABASE, NULL, "DB" },
	{ "CN=x\\\\," SERVERS_NEW, EW_MBX_SERVER, NULL, "x\\" },
};

static void test_ancestor_escaped(void **state)
{
	const struct ew_mbx_config c = { ESC_OBJECTS, sizeof(ESC_OBJECTS) / sizeof(ESC_OBJECTS[0]) };
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
	need_evidence(f, "homeMDB is on EXCH1 (" LEG_EXCH1 ")");
	need_evidence(f, "msExchHomeServerName: " LEG_EX55);
	assert_non_null(f->detail);

	f = need(res, "MBX-CONSISTENT", EW_FAIL, "homeMTA is not the MTA of the mailbox server");
	need_evidence(f, "homeMTA: " EX55_MTA);
	need_evidence(f, "mailbox server: " EXCH1);

	f = need(res, "MBX-CONSISTENT", EW_FAIL, "legacyExchangeDN is still in the old "
		 "administrative group");
	need_evidence(f, "legacyExchangeDN: " LEG_AG_OLD "/cn=Recipients/cn=carol");
	need_evidence(f, "the mailbox server's group: " LEG_AG_NEW);
	need_evidence(f, "no X500 proxy");

	f = need(res, "MBX-CONSISTENT", EW_FAIL, "No mailbox security descriptor");
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
		cmocka_unit_test(test_lab_mailbox_sd),
		cmocka_unit_test(test_lab_organization_sd),
	};

	return cmocka_run_group_tests_name("mailbox", tests, NULL, NULL);
}
