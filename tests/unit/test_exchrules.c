/*
 * test_exchrules.c - the Exchange rules (exchrules.c): versions from
 * serialNumber and msExchVersion, which SPNs a client asks for a name by the
 * version behind it, and the SPN-ASA and EXCH-SCP verdicts. Inputs built by
 * hand; no directory, no DNS, no KDC.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "exchrules.h"
#include "finding.h"
#include "result.h"

static struct ew_step_result *new_res(void)
{
	struct ew_step_result *r = ew_step_result_new("tickets", "Tickets");

	assert_non_null(r);
	return r;
}

static int release(const char *serial, const char *v)
{
	struct ew_exch_version x;

	if (ew_exch_version_parse(serial, v, &x) != 0)
		return -1;
	return x.release;
}

static void test_version(void **state)
{
	struct ew_exch_version v;
	char buf[64];

	(void)state;
	assert_int_equal(release("Version 6.5 (Build 7638.2: Service Pack 2)", NULL), 2003);
	assert_int_equal(release("Version 6.0 (Build 6249.4: Service Pack 3)", NULL), 2000);
	assert_int_equal(release("Version 5.5 (Build 2653.23)", NULL), EW_EXCH_55);
	assert_int_equal(release("Version 8.3 (Build 83.6)", NULL), 2007);
	assert_int_equal(release("Version 14.3 (Build 123.4)", NULL), 2010);
	assert_int_equal(release("Version 15.0 (Build 1497.2)", NULL), 2013);
	assert_int_equal(release("Version 15.1 (Build 2507.6)", NULL), 2016);
	assert_int_equal(release("Version 15.2 (Build 1258.12)", NULL), 2019);
	/* serialNumber wins over msExchVersion */
	assert_int_equal(release("Version 14.3 (Build 123.4)", "88218628259840"), 2010);
	/* msExchVersion alone: the ExchangeObjectVersion of 2007, 2010, 2013+ */
	assert_int_equal(release(NULL, "4535486012416"), 2007);
	assert_int_equal(release(NULL, "44220983382016"), 2010);
	assert_int_equal(release(NULL, "88218628259840"), 2013);
	assert_int_equal(release(NULL, "12345"), -1);
	assert_int_equal(release("Build 15", NULL), -1);
	assert_int_equal(release(NULL, NULL), -1);

	assert_int_equal(ew_exch_version_parse("Version 15.2 (Build 1258.12)", NULL, &v), 0);
	assert_int_equal(v.major, 15);
	assert_int_equal(v.minor, 2);
	assert_int_equal(v.build, 1258);
	assert_string_equal(ew_exch_release_name(&v, buf, sizeof(buf)), "Exchange 2019");
	assert_int_equal(ew_exch_version_parse(NULL, "88218628259840", &v), 0);
	assert_string_equal(ew_exch_release_name(&v, buf, sizeof(buf)), "Exchange 2013 or later");
	assert_int_equal(ew_exch_version_parse(NULL, NULL, &v), -1);
	assert_string_equal(ew_exch_release_name(&v, buf, sizeof(buf)),
			    "Exchange (version not known)");

	assert_string_equal(ew_exch_network_fqdn("ncacn_ip_tcp:ex19a.exwiz.test"),
			    "ex19a.exwiz.test");
	assert_null(ew_exch_network_fqdn("netbios:EX19A"));
	assert_null(ew_exch_network_fqdn("ncacn_ip_tcp:"));
	assert_null(ew_exch_network_fqdn(NULL));
}

static const char *const a_exch1[] = { "127.0.0.11" };
static const char *const a_19a[] = { "127.0.0.31" };
static const char *const a_19b[] = { "127.0.0.32" };
static const char *const a_mail[] = { "127.0.0.31", "127.0.0.32" };

static void servers(struct ew_exch_server *s)
{
	memset(s, 0, 4 * sizeof(*s));
	s[0].name = "EXCH1";
	s[0].fqdn = "exch1.exwiz.test";
	ew_exch_version_parse("Version 6.5 (Build 7638.2: Service Pack 2)", NULL, &s[0].v);
	s[0].addrs = a_exch1;
	s[0].naddrs = 1;
	s[1].name = "EX19A";
	s[1].fqdn = "ex19a.exwiz.test";
	ew_exch_version_parse("Version 15.2 (Build 1258.12)", NULL, &s[1].v);
	s[1].addrs = a_19a;
	s[1].naddrs = 1;
	s[2].name = "EX19B";
	s[2].fqdn = "ex19b.exwiz.test";
	ew_exch_version_parse("Version 15.2 (Build 1258.12)", NULL, &s[2].v);
	s[2].addrs = a_19b;
	s[2].naddrs = 1;
	s[3].name = "OLD";	/* no version known, no address */
}

static void test_plan(void **state)
{
	struct ew_exch_server s[4];
	struct ew_exch_plan p;

	(void)state;
	servers(s);
	/* a 2003 server: the RPC classes and HTTP/, full and short name */
	ew_exch_plan_name("exch1.exwiz.test", a_exch1, 1, s, 4, &p);
	assert_int_equal(p.kind, EW_EXNAME_SERVER);
	assert_int_equal(p.services, EW_EXCH_RPC | EW_EXCH_HTTP);
	assert_int_equal(p.short_name, 1);
	assert_int_equal(p.release, 2003);
	assert_int_equal(p.nmembers, 1);
	assert_int_equal(p.member[0], 0);
	/* a 2019 server, by FQDN (any case) or by its short name: HTTP/ only */
	ew_exch_plan_name("EX19A.exwiz.test", a_19a, 1, s, 4, &p);
	assert_int_equal(p.kind, EW_EXNAME_SERVER);
	assert_int_equal(p.services, EW_EXCH_HTTP);
	assert_int_equal(p.short_name, 0);
	ew_exch_plan_name("ex19b", NULL, 0, s, 4, &p);
	assert_int_equal(p.kind, EW_EXNAME_SERVER);
	assert_int_equal(p.member[0], 2);
	assert_int_equal(p.services, EW_EXCH_HTTP);
	/* a load-balanced name: shared by both members, HTTP/ only, no short form */
	ew_exch_plan_name("mail.exwiz.test", a_mail, 2, s, 4, &p);
	assert_int_equal(p.kind, EW_EXNAME_SHARED);
	assert_int_equal(p.nmembers, 2);
	assert_int_equal(p.member[0], 1);
	assert_int_equal(p.member[1], 2);
	assert_int_equal(p.services, EW_EXCH_HTTP);
	assert_int_equal(p.short_name, 0);
	assert_int_equal(p.release, 2019);
	/* one address of one server, but not its name: another name of that server */
	ew_exch_plan_name("owa.exwiz.test", a_19a, 1, s, 4, &p);
	assert_int_equal(p.kind, EW_EXNAME_SERVER);
	assert_int_equal(p.nmembers, 1);
	assert_int_equal(p.member[0], 1);
	assert_int_equal(p.services, EW_EXCH_HTTP);
	assert_int_equal(p.short_name, 0);
	/* a name no server explains: every class on both forms, as before */
	ew_exch_plan_name("fe1.region1.exwiz.test", NULL, 0, s, 4, &p);
	assert_int_equal(p.kind, EW_EXNAME_UNKNOWN);
	assert_int_equal(p.services, EW_EXCH_RPC | EW_EXCH_HTTP);
	assert_int_equal(p.short_name, 1);
	/* a server whose version is not known: the same */
	ew_exch_plan_name("OLD", NULL, 0, s, 4, &p);
	assert_int_equal(p.kind, EW_EXNAME_SERVER);
	assert_int_equal(p.services, EW_EXCH_RPC | EW_EXCH_HTTP);
	assert_int_equal(p.short_name, 1);
	/* a 2010 CAS array in front of 2010 and 2016: the oldest rules, RPC on the name */
	ew_exch_version_parse("Version 14.3 (Build 123.4)", NULL, &s[1].v);
	ew_exch_version_parse("Version 15.1 (Build 2507.6)", NULL, &s[2].v);
	ew_exch_plan_name("outlook.exwiz.test", a_mail, 2, s, 4, &p);
	assert_int_equal(p.kind, EW_EXNAME_SHARED);
	assert_int_equal(p.release, 2010);
	assert_int_equal(p.services, EW_EXCH_RPC | EW_EXCH_HTTP);
	assert_int_equal(p.short_name, 0);
	/* no servers read at all */
	ew_exch_plan_name("mail.exwiz.test", a_mail, 2, s, 0, &p);
	assert_int_equal(p.kind, EW_EXNAME_UNKNOWN);
}

/* The release behind a name, as shown: msExchVersion alone says "2013 or later". */
static void test_plan_release(void **state)
{
	struct ew_exch_server s[4];
	struct ew_exch_plan p;
	char buf[64];

	(void)state;
	servers(s);
	ew_exch_plan_name("ex19a.exwiz.test", a_19a, 1, s, 4, &p);
	assert_string_equal(ew_exch_plan_release_name(&p, buf, sizeof(buf)), "Exchange 2019");
	ew_exch_version_parse(NULL, "88218628259840", &s[1].v);
	ew_exch_plan_name("ex19a.exwiz.test", a_19a, 1, s, 4, &p);
	assert_string_equal(ew_exch_plan_release_name(&p, buf, sizeof(buf)),
			    "Exchange 2013 or later");
	/* shared: the oldest member's, "or later" when only msExchVersion said it */
	ew_exch_plan_name("mail.exwiz.test", a_mail, 2, s, 4, &p);
	assert_string_equal(ew_exch_plan_release_name(&p, buf, sizeof(buf)),
			    "Exchange 2013 or later");
	ew_exch_version_parse("Version 15.0 (Build 1497.2)", NULL, &s[2].v);
	ew_exch_plan_name("mail.exwiz.test", a_mail, 2, s, 4, &p);
	assert_string_equal(ew_exch_plan_release_name(&p, buf, sizeof(buf)), "Exchange 2013");
	ew_exch_plan_name("nowhere.exwiz.test", NULL, 0, s, 4, &p);
	assert_string_equal(ew_exch_plan_release_name(&p, buf, sizeof(buf)),
			    "Exchange (version not known)");
}

static const char *const members[] = { "EX19A", "EX19B" };
static const char *const asas[] = { "EXCHASA$" };
static const struct ew_spn_holder on_member[] = {
	{ "CN=EX19A,CN=Computers,DC=exwiz,DC=test", "EX19A$" },
};
static const struct ew_spn_holder on_asa[] = {
	{ "CN=EXCHASA,CN=Computers,DC=exwiz,DC=test", "EXCHASA$" },
};

static struct ew_asa_name shared(const struct ew_spn_holder *h, size_t nh)
{
	struct ew_asa_name a = { "mail.exwiz.test", a_mail, 2, members, 2, 1, h, nh, asas, 1, 1,
				 NULL, NULL, 0, 0 };

	return a;
}

static void test_asa(void **state)
{
	struct ew_step_result *res = new_res();
	struct ew_asa_name a = shared(on_member, 1);
	const struct ew_finding *f;

	(void)state;
	/* the member holds it: a fail naming the member and the ASA */
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	f = res->findings[0];
	assert_string_equal(f->check, "SPN-ASA");
	assert_int_equal(f->severity, EW_FAIL);
	assert_string_equal(f->cause, EW_CAUSE_SPN_WRONG_ACCOUNT);
	assert_string_equal(f->title, "HTTP/mail.exwiz.test is on EX19A$, the member EX19A's "
			    "own account, not on the alternate service account EXCHASA$");
	assert_non_null(strstr(f->remedy, "setspn -S HTTP/mail.exwiz.test EXCHASA$"));
	ew_step_result_free(&res);

	/* no ASA known: still a fail, no name made up; none found is not none looked for */
	res = new_res();
	a.nasas = 0;
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	a.asas_read = 0;
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	assert_int_equal(res->nfindings, 2);
	assert_int_equal(res->findings[0]->severity, EW_FAIL);
	assert_null(strstr(res->findings[0]->title, "EXCHASA"));
	assert_string_equal(res->findings[0]->evidence[res->findings[0]->nevidence - 1],
			    "no other computer account holds an HTTP/ name of these servers");
	assert_string_equal(res->findings[1]->evidence[res->findings[1]->nevidence - 1],
			    "the alternate service accounts could not be searched for");
	ew_step_result_free(&res);

	/* on the ASA: a pass */
	res = new_res();
	a = shared(on_asa, 1);
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_PASS);
	assert_string_equal(res->findings[0]->evidence[0], "HTTP/mail.exwiz.test: EXCHASA$, "
			    "shared by EX19A and EX19B");
	ew_step_result_free(&res);

	/* no holder, or two: SPN-UNIQUE's to say; not read: a skip */
	res = new_res();
	a = shared(on_asa, 0);
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	assert_int_equal(res->nfindings, 0);
	a.holders_read = 0;
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_SKIP);
	ew_step_result_free(&res);

	/* one member only (a second name of one server): its own account may hold it */
	res = new_res();
	a = shared(on_member, 1);
	a.name = "owa.exwiz.test";
	a.naddrs = 1;
	a.nmembers = 1;
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_PASS);
	ew_step_result_free(&res);

	/* no name: nothing judged, no pass; configuration not read: a skip with why */
	res = new_res();
	ew_exch_rule_asa(1, NULL, NULL, 0, res);
	ew_exch_rule_asa(0, "dc1.exwiz.test: no such object", NULL, 0, res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_SKIP);
	assert_string_equal(res->findings[0]->evidence[0], "dc1.exwiz.test: no such object");
	ew_step_result_free(&res);
}

static void test_asa_not_judged(void **state)
{
	static const char *const all[] = { "EXCH1", "EX19A", "EX19B" };
	static const struct ew_spn_holder on_other[] = {
		{ "CN=EXCH1,CN=Computers,DC=exwiz,DC=test", "EXCH1$" },
	};
	static const char *const vip[] = { "10.0.0.99" };
	struct ew_step_result *res = new_res();
	struct ew_asa_name a = shared(on_asa, 1);

	(void)state;
	/* a balancer's virtual IP: no server's name or address, so not known; no pass */
	a.name = "lb.exwiz.test";
	a.addrs = vip;
	a.naddrs = 1;
	a.members = NULL;
	a.nmembers = 0;
	a.unknown = 1;
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	assert_string_equal(res->findings[0]->check, "SPN-ASA");
	assert_int_equal(res->findings[0]->severity, EW_SKIP);
	assert_string_equal(res->findings[0]->title, "lb.exwiz.test: whether several Exchange "
			    "servers share it is not known");
	ew_step_result_free(&res);

	/* the holder search failed: a skip for that name, saying why */
	res = new_res();
	a = shared(on_asa, 0);
	a.holders_read = 0;
	a.holders_why = "the global catalog search for it failed";
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_SKIP);
	assert_string_equal(res->findings[0]->title, "HTTP/mail.exwiz.test: its holder was "
			    "not learned");
	assert_string_equal(res->findings[0]->evidence[0], "the global catalog search for it "
			    "failed");
	ew_step_result_free(&res);

	/* held by another Exchange server's own account, no member's: no pass */
	res = new_res();
	a = shared(on_other, 1);
	a.servers = all;
	a.nservers = 3;
	ew_exch_rule_asa(1, NULL, &a, 1, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_FAIL);
	assert_string_equal(res->findings[0]->cause, EW_CAUSE_SPN_WRONG_ACCOUNT);
	assert_string_equal(res->findings[0]->title, "HTTP/mail.exwiz.test is on EXCH1$, the "
			    "Exchange server EXCH1's own account, which is not behind the name");
	ew_step_result_free(&res);
}

/* DNS-NAMESPACE: an alias's tickets are for the name its CNAME leads to */
static void test_namespace(void **state)
{
	static const char *const asa[] = { "EXCHASA$" };
	struct ew_ns_alias bad = { "webmail.exwiz.test", "ex19-vip.exwiz.test", 0, 1, NULL, 0, 0,
				   1, asa, 1 };
	struct ew_ns_alias good = { "outlook.exwiz.test", "mail.exwiz.test", 1, 1, asa, 1, 1, 1,
				    NULL, 0 };
	struct ew_step_result *res = new_res();
	const struct ew_finding *f;

	(void)state;
	/* the canonical name's SPN has no holder, the alias's has one: a warn */
	ew_exch_rule_namespace(&bad, 1, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	f = res->findings[0];
	assert_string_equal(f->check, "DNS-NAMESPACE");
	assert_int_equal(f->severity, EW_WARN);
	assert_string_equal(f->cause, EW_CAUSE_NAME_CANON);
	assert_string_equal(f->title, "webmail.exwiz.test is an alias (CNAME) of "
			    "ex19-vip.exwiz.test: clients ask for HTTP/ex19-vip.exwiz.test, which "
			    "no account holds; HTTP/webmail.exwiz.test is on EXCHASA$");
	assert_non_null(strstr(f->remedy, "A records"));
	assert_non_null(strstr(f->remedy, "setspn -S HTTP/ex19-vip.exwiz.test EXCHASA$"));
	assert_string_equal(f->evidence[1], "HTTP/ex19-vip.exwiz.test: no holder in the "
			    "global catalog");
	ew_step_result_free(&res);

	/* the canonical name's SPN held: an info that the tickets followed it */
	res = new_res();
	ew_exch_rule_namespace(&good, 1, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	f = res->findings[0];
	assert_int_equal(f->severity, EW_INFO);
	assert_null(f->cause);
	assert_string_equal(f->title, "outlook.exwiz.test is an alias (CNAME) of "
			    "mail.exwiz.test: Outlook asks for HTTP/mail.exwiz.test; the session "
			    "tickets were asked for that name");
	assert_string_equal(f->evidence[1], "HTTP/mail.exwiz.test: EXCHASA$");
	ew_step_result_free(&res);

	/* neither held: SPN-UNIQUE's and KRB-SVC's to say; alias holders not
	 * read: no warn made up; catalog not read: the refused ticket says */
	res = new_res();
	bad.nalias_holders = 0;
	ew_exch_rule_namespace(&bad, 1, res);
	bad.nalias_holders = 1;
	bad.alias_read = 0;
	ew_exch_rule_namespace(&bad, 1, res);
	bad.alias_read = 1;
	bad.canon_read = 0;
	ew_exch_rule_namespace(&bad, 1, res);
	assert_int_equal(res->nfindings, 3);
	assert_int_equal(res->findings[0]->severity, EW_INFO);
	assert_int_equal(res->findings[1]->severity, EW_INFO);
	assert_int_equal(res->findings[2]->severity, EW_WARN);
	assert_string_equal(res->findings[2]->evidence[1], "HTTP/ex19-vip.exwiz.test: the "
			    "session ticket was refused");
	ew_step_result_free(&res);

	/* served through HOST/ (sPNMappings), or by a holder with no account
	 * name: no warn, even with the ticket refused for another reason */
	res = new_res();
	bad.canon_read = 1;
	bad.ncanon_served = 1;
	ew_exch_rule_namespace(&bad, 1, res);
	bad.ncanon_served = 0;
	bad.canon_read = 0;
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_INFO);
	ew_step_result_free(&res);

	/* the ticket was given (served through HOST/, say): no warn; not
	 * asked and not read: not known, no warn */
	res = new_res();
	bad.canon_read = 1;
	bad.canon_ticket = 1;
	ew_exch_rule_namespace(&bad, 1, res);
	bad.canon_read = 0;
	bad.canon_ticket = -1;
	ew_exch_rule_namespace(&bad, 1, res);
	assert_int_equal(res->nfindings, 2);
	assert_int_equal(res->findings[0]->severity, EW_INFO);
	assert_int_equal(res->findings[1]->severity, EW_INFO);
	ew_step_result_free(&res);

	/* no alias: no finding at all */
	res = new_res();
	ew_exch_rule_namespace(NULL, 0, res);
	good.canonical = NULL;
	ew_exch_rule_namespace(&good, 1, res);
	assert_int_equal(res->nfindings, 0);
	ew_step_result_free(&res);
}

static void test_url_host(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(ew_url_host("https://mail.exwiz.test/Autodiscover/Autodiscover.xml",
					b, sizeof(b)), "mail.exwiz.test");
	assert_string_equal(ew_url_host("https://mail.exwiz.test:443/x", b, sizeof(b)),
			    "mail.exwiz.test");
	assert_null(ew_url_host("mail.exwiz.test/x", b, sizeof(b)));
	assert_null(ew_url_host("https:///x", b, sizeof(b)));
	assert_null(ew_url_host("https://user@host/x", b, sizeof(b)));
	assert_null(ew_url_host(NULL, b, sizeof(b)));
	assert_null(ew_url_host("https://a-very-long-name.example/x", b, 8));
	/* an IPv6 literal: the address inside the brackets */
	assert_string_equal(ew_url_host("https://[2001:db8::5]:443/Autodiscover/x", b, sizeof(b)),
			    "2001:db8::5");
	assert_string_equal(ew_url_host("https://[2001:db8::5]/x", b, sizeof(b)), "2001:db8::5");
	assert_null(ew_url_host("https://[2001:db8::5/x", b, sizeof(b)));
	assert_null(ew_url_host("https://[]/x", b, sizeof(b)));
	assert_null(ew_url_host("https://[2001:db8::5]x/x", b, sizeof(b)));
}

#define GOOD "https://mail.exwiz.test/Autodiscover/Autodiscover.xml"
#define STALE "https://mail-old.exwiz.test/Autodiscover/Autodiscover.xml"
#define SITE "Default-First-Site-Name"

static void test_scp(void **state)
{
	struct ew_scp s[2] = {
		{ "EX19A", GOOD, SITE, 1, NULL, 1 },
		{ "EX19B", STALE, SITE, 0, "mail-old.exwiz.test A @127.0.0.2: nxdomain", -1 },
	};
	struct ew_step_result *res = new_res();

	(void)state;
	/* the stale one, and the site's two URLs */
	ew_exch_rule_scp(1, NULL, 2, s, 2, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 2);
	assert_string_equal(res->findings[0]->check, "EXCH-SCP");
	assert_int_equal(res->findings[0]->severity, EW_WARN);
	assert_string_equal(res->findings[0]->title, "EX19B's Autodiscover SCP names "
			    "mail-old.exwiz.test, which has no address");
	assert_int_equal(res->findings[1]->severity, EW_WARN);
	assert_string_equal(res->findings[1]->title, "The Autodiscover SCPs of site "
			    SITE " name different URLs");
	ew_step_result_free(&res);

	/* healed: one pass */
	res = new_res();
	s[1].url = GOOD;
	s[1].resolves = 1;
	s[1].ticket = 1;
	ew_exch_rule_scp(1, NULL, 2, s, 2, res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_PASS);
	assert_int_equal(res->findings[0]->nevidence, 2);
	ew_step_result_free(&res);

	/* a host whose HTTP/ ticket is refused; not known whether it resolves: no warn */
	res = new_res();
	s[1].ticket = 0;
	ew_exch_rule_scp(1, NULL, 2, s, 2, res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_WARN);
	assert_non_null(strstr(res->findings[0]->title, "no HTTP/ ticket"));
	ew_step_result_free(&res);
	/* not known whether it resolves: a skip for it, the pass names the other only */
	res = new_res();
	s[1].ticket = -1;
	s[1].resolves = -1;
	s[1].why = "mail.exwiz.test A @127.0.0.2: timed out";
	ew_exch_rule_scp(1, NULL, 2, s, 2, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 2);
	assert_int_equal(res->findings[0]->severity, EW_SKIP);
	assert_string_equal(res->findings[0]->title, "EX19B's Autodiscover SCP names "
			    "mail.exwiz.test: whether it resolves was not learned");
	assert_string_equal(res->findings[0]->evidence[1], "mail.exwiz.test A @127.0.0.2: "
			    "timed out");
	assert_int_equal(res->findings[1]->severity, EW_PASS);
	assert_int_equal(res->findings[1]->nevidence, 1);
	ew_step_result_free(&res);
	/* it resolves but its ticket was never asked: a skip, no pass for it */
	res = new_res();
	s[0].ticket = -1;
	s[1].resolves = 1;
	ew_exch_rule_scp(1, NULL, 2, s, 2, res);
	assert_int_equal(res->nfindings, 2);
	assert_int_equal(res->findings[0]->severity, EW_SKIP);
	assert_int_equal(res->findings[1]->severity, EW_SKIP);
	assert_non_null(strstr(res->findings[0]->title, "no HTTP/ ticket was asked for it"));
	ew_step_result_free(&res);

	/* two SCPs of a site that both lack a URL do not name different URLs */
	res = new_res();
	s[0].url = s[1].url = NULL;
	ew_exch_rule_scp(1, NULL, 2, s, 2, res);
	assert_int_equal(res->nfindings, 2);
	assert_null(strstr(res->findings[0]->title, "different URLs"));
	assert_null(strstr(res->findings[1]->title, "different URLs"));
	ew_step_result_free(&res);

	/* none: nothing (servers before 2007 write none) */
	res = new_res();
	ew_exch_rule_scp(1, NULL, 2, s, 0, res);
	assert_int_equal(res->nfindings, 0);
	ew_step_result_free(&res);

	/* the configuration not read, or no server behind the names: a skip that says why */
	res = new_res();
	ew_exch_rule_scp(0, "dc1.exwiz.test: no such object", 0, NULL, 0, res);
	ew_exch_rule_scp(1, "lb.exwiz.test: no server has this name or one of its addresses",
			 0, NULL, 0, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 2);
	assert_int_equal(res->findings[0]->severity, EW_SKIP);
	assert_string_equal(res->findings[0]->evidence[0], "dc1.exwiz.test: no such object");
	assert_int_equal(res->findings[1]->severity, EW_SKIP);
	assert_string_equal(res->findings[1]->evidence[0], "lb.exwiz.test: no server has this "
			    "name or one of its addresses");
	ew_step_result_free(&res);
}

static void test_enctypes(void **state)
{
	static const char *const acc[] = { "EX19A$" };
	struct ew_step_result *res = new_res();
	struct ew_finding *f;

	(void)state;
	assert_int_equal(ew_enctypes_to_write(NULL), 24);
	assert_int_equal(ew_enctypes_to_write(""), 24);
	assert_int_equal(ew_enctypes_to_write("aes256-cts rc4-hmac"), 24);
	assert_int_equal(ew_enctypes_to_write("DEFAULT -des"), 24);
	assert_int_equal(ew_enctypes_to_write("rc4-hmac"), 28);
	assert_int_equal(ew_enctypes_to_write("arcfour-hmac-md5"), 28);
	/* a list, parsed: a leading '-' removes; the sha2 types AD has no keys for do not count */
	assert_int_equal(ew_enctypes_to_write("DEFAULT -aes256-cts -aes128-cts"), 28);
	assert_int_equal(ew_enctypes_to_write("DEFAULT -aes"), 28);
	assert_int_equal(ew_enctypes_to_write("DEFAULT -aes256-cts"), 24);
	assert_int_equal(ew_enctypes_to_write("rc4-hmac,aes128-cts-hmac-sha1-96"), 24);
	assert_int_equal(ew_enctypes_to_write("aes256-sha2 rc4-hmac"), 28);
	assert_int_equal(ew_enctypes_to_write("rc4-hmac -rc4-hmac aes256-cts-hmac-sha1-96"), 24);
	assert_int_equal(ew_enctypes_to_write("rc4-hmac not-aes"), 28);
	assert_int_equal(ew_enctypes_to_write("rc4-hmac 18"), 24);

	/* KDC_ERR_ETYPE_NOSUPP: the step's fail gets the account and the value */
	f = ew_finding_new("KRB-SVC", EW_FAIL, "No session ticket for HTTP/mail.exwiz.test");
	ew_finding_set_cause(f, EW_CAUSE_ENCTYPE_MISMATCH);
	ew_step_result_add(res, f);
	f = ew_finding_new("KRB-SVC", EW_FAIL, "No session ticket for HTTP/owa.exwiz.test");
	ew_finding_set_cause(f, EW_CAUSE_ENCTYPE_MISMATCH);
	ew_step_result_add(res, f);
	ew_exch_enctype_nosupp(res, "HTTP/mail.exwiz.test", acc, 1, "rc4-hmac", NULL, 0);
	tu_assert_findings_clean(res);
	f = res->findings[0];
	assert_int_equal(f->nevidence, 2);
	assert_string_equal(f->evidence[0], "HTTP/mail.exwiz.test is held by EX19A$");
	assert_non_null(strstr(f->remedy, "write 28 (0x1C: RC4, AES128, AES256)"));
	assert_non_null(strstr(f->remedy, "of EX19A$"));
	assert_int_equal(res->findings[1]->nevidence, 0);	/* another SPN: untouched */
	ew_exch_enctype_nosupp(res, "HTTP/owa.exwiz.test", acc, 1, NULL, NULL, 0);
	assert_non_null(strstr(res->findings[1]->remedy, "Write 24 (0x18: AES128, AES256)"));
	ew_step_result_free(&res);

	/* an RC4 ticket for a 2019 name warns, naming the account */
	res = new_res();
	ew_exch_rule_rc4(res, "HTTP/mail.exwiz.test", "Exchange 2019", acc, 1, NULL, 0);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	f = res->findings[0];
	assert_string_equal(f->check, "KRB-SVC");
	assert_int_equal(f->severity, EW_WARN);
	assert_string_equal(f->title, "The service ticket for HTTP/mail.exwiz.test is RC4 "
			    "(rc4-hmac), though Exchange 2019 runs where AES is available");
	assert_non_null(strstr(f->remedy, "Write 24 (0x18: AES128, AES256) to "
			       "msDS-SupportedEncryptionTypes of EX19A$"));
	assert_non_null(strstr(f->remedy, "then reset the password of EX19A$ so that it has AES keys"));
	ew_step_result_free(&res);

	/* one finding per SPN: the warned SPN leaves the INFO "Some service tickets are RC4" */
	res = new_res();
	f = ew_finding_new("KRB-SVC", EW_INFO, "Some service tickets are RC4 (rc4-hmac)");
	ew_finding_evidence(f, "HTTP/mail.exwiz.test");
	ew_finding_evidence(f, "exchangeRFR/EXCH1");
	ew_step_result_add(res, f);
	ew_exch_rule_rc4(res, "HTTP/mail.exwiz.test", "Exchange 2019", acc, 1, NULL, 0);
	assert_int_equal(res->nfindings, 2);
	assert_int_equal(res->findings[0]->nevidence, 1);
	assert_string_equal(res->findings[0]->evidence[0], "exchangeRFR/EXCH1");
	assert_int_equal(res->findings[1]->severity, EW_WARN);
	ew_step_result_free(&res);
	/* and the INFO goes when it held that SPN only */
	res = new_res();
	f = ew_finding_new("KRB-SVC", EW_INFO, "Some service tickets are RC4 (rc4-hmac)");
	ew_finding_evidence(f, "HTTP/mail.exwiz.test");
	ew_step_result_add(res, f);
	ew_exch_rule_rc4(res, "HTTP/mail.exwiz.test", "Exchange 2019", acc, 1, NULL, 0);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_WARN);
	ew_step_result_free(&res);

	/* the holder is the alternate service account: rolled on Exchange, not reset */
	res = new_res();
	ew_exch_rule_rc4(res, "HTTP/mail.exwiz.test", "Exchange 2019", asas, 1, asas, 1);
	f = res->findings[0];
	assert_null(strstr(f->remedy, "reset"));
	assert_non_null(strstr(f->remedy, "RollAlternateServiceAccountPassword.ps1"));
	assert_non_null(strstr(f->remedy, "EXCHASA$"));
	f = ew_finding_new("KRB-SVC", EW_FAIL, "No session ticket for HTTP/mail.exwiz.test");
	ew_finding_set_cause(f, EW_CAUSE_ENCTYPE_MISMATCH);
	ew_step_result_add(res, f);
	ew_exch_enctype_nosupp(res, "HTTP/mail.exwiz.test", asas, 1, NULL, asas, 1);
	assert_null(strstr(f->remedy, "reset"));
	assert_non_null(strstr(f->remedy, "RollAlternateServiceAccountPassword.ps1"));
	ew_step_result_free(&res);
}

/* KRB-ETYPES: the account's value against the ticket's type and this host's types. */
static void test_etypes(void **state)
{
	struct ew_etype_svc v[1];
	struct ew_step_result *res;
	struct ew_finding *f;
	char b[160];

	(void)state;
	assert_int_equal(ew_enctypes_client(NULL), 0x1C);
	assert_int_equal(ew_enctypes_client("aes256-cts"), 0x10);
	assert_int_equal(ew_enctypes_client("rc4-hmac"), 0x4);
	assert_int_equal(ew_enctypes_client("DEFAULT -rc4"), 0x18);
	assert_int_equal(ew_enctypes_client("aes128-cts-hmac-sha1-96,23"), 0xC);
	assert_int_equal(ew_enctypes_client("aes256-sha2"), 0);
	assert_string_equal(ew_enctypes_text(24, b, sizeof(b)), "24 (0x18: AES128, AES256)");
	assert_string_equal(ew_enctypes_text(28, b, sizeof(b)),
			    "28 (0x1C: RC4-HMAC, AES128, AES256)");
	assert_string_equal(ew_enctypes_text(0x3, b, sizeof(b)),
			    "3 (0x3: DES-CBC-CRC, DES-CBC-MD5)");
	assert_non_null(strstr(ew_enctypes_text(0, b, sizeof(b)), "not set"));

	/* AES allowed, AES ticket: a pass that shows the value decoded */
	memset(v, 0, sizeof(v));
	v[0] = (struct ew_etype_svc){ "HTTP/mail.exwiz.test", "EXCHASA$", 1, NULL, 24, 18, 1 };
	res = new_res();
	ew_exch_rule_etypes(v, 1, NULL, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	f = res->findings[0];
	assert_string_equal(f->check, "KRB-ETYPES");
	assert_int_equal(f->severity, EW_PASS);
	assert_string_equal(f->evidence[0], "HTTP/mail.exwiz.test: aes256-cts-hmac-sha1-96; "
			    "EXCHASA$ allows 24 (0x18: AES128, AES256)");
	ew_step_result_free(&res);

	/* AES allowed, RC4 ticket: no AES keys; an ASA is rolled, never reset by hand */
	v[0].ticket_enctype = 23;
	res = new_res();
	ew_exch_rule_etypes(v, 1, NULL, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	f = res->findings[0];
	assert_int_equal(f->severity, EW_WARN);
	assert_string_equal(f->cause, EW_CAUSE_ENCTYPE_MISMATCH);
	assert_string_equal(f->title, "The ticket for HTTP/mail.exwiz.test is RC4 though "
			    "EXCHASA$ allows AES: EXCHASA$ has no AES keys");
	assert_non_null(strstr(f->remedy, "RollAlternateServiceAccountPassword.ps1 -ToEachServer"));
	assert_non_null(strstr(f->remedy, "-ToArrayMembers"));
	assert_null(strstr(f->remedy, "Reset-ComputerMachinePassword"));
	ew_step_result_free(&res);
	/* the same on a member's own computer account: reset on that server */
	v[0].account = "EX19A$";
	v[0].asa = 0;
	res = new_res();
	ew_exch_rule_etypes(v, 1, NULL, res);
	f = res->findings[0];
	assert_int_equal(f->severity, EW_WARN);
	assert_non_null(strstr(f->remedy, "Reset-ComputerMachinePassword"));
	assert_non_null(strstr(f->remedy, "EX19A$"));
	assert_null(strstr(f->remedy, "RollAlternateServiceAccountPassword"));
	ew_step_result_free(&res);
	/* a user account: its password reset */
	v[0].account = "websvc";
	res = new_res();
	ew_exch_rule_etypes(v, 1, NULL, res);
	assert_non_null(strstr(res->findings[0]->remedy, "Set-ADAccountPassword"));
	ew_step_result_free(&res);

	/* An issued ticket is never 'no type in common': an AES-only account, a
	 * host that asks for RC4, the KDC gave AES: a pass. */
	v[0] = (struct ew_etype_svc){ "HTTP/mail.exwiz.test", "EX19A$", 1, NULL, 24, 18, 0 };
	res = new_res();
	ew_exch_rule_etypes(v, 1, "rc4-hmac", res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	assert_int_equal(res->findings[0]->severity, EW_PASS);
	ew_step_result_free(&res);
	/* not set (or not readable) with an RC4 ticket for an AES-only host: a
	 * pass; 0 alone proves nothing */
	v[0] = (struct ew_etype_svc){ "exchangeMDB/EXCH1", "EXCH1$", 1, NULL, 0, 23, 0 };
	res = new_res();
	ew_exch_rule_etypes(v, 1, "aes256-cts aes128-cts", res);
	assert_int_equal(res->findings[0]->severity, EW_PASS);
	assert_non_null(strstr(res->findings[0]->evidence[0], "not readable"));
	ew_step_result_free(&res);
	/* MIT's short names of the AES types */
	assert_int_equal(ew_enctypes_to_write("aes256-sha1 aes128-sha1"), 24);
	assert_int_equal(ew_enctypes_client("aes256-sha1 aes128-sha1"), 0x18);
	/* ... and a pass for a host that permits RC4 */
	res = new_res();
	ew_exch_rule_etypes(v, 1, NULL, res);
	assert_int_equal(res->findings[0]->severity, EW_PASS);
	assert_non_null(strstr(res->findings[0]->evidence[0], "allows 0 (not set"));
	ew_step_result_free(&res);
	/* not set, and the KDC gave AES: its default includes it, a pass */
	v[0].ticket_enctype = 18;
	res = new_res();
	ew_exch_rule_etypes(v, 1, "aes256-cts", res);
	assert_int_equal(res->findings[0]->severity, EW_PASS);
	ew_step_result_free(&res);
	/* a ticket of a type the value leaves out: an info */
	v[0].value = 4;
	res = new_res();
	ew_exch_rule_etypes(v, 1, NULL, res);
	assert_int_equal(res->findings[0]->severity, EW_INFO);
	ew_step_result_free(&res);

	/* not read is not "not set": a skip that says why, nothing judged */
	v[0] = (struct ew_etype_svc){ "HTTP/mail.exwiz.test", "EX19A$", 0,
				      "dc1.exwiz.test: Insufficient access", -1, 23, 0 };
	res = new_res();
	ew_exch_rule_etypes(v, 1, NULL, res);
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	f = res->findings[0];
	assert_int_equal(f->severity, EW_SKIP);
	assert_string_equal(f->evidence[0], "dc1.exwiz.test: Insufficient access");
	ew_step_result_free(&res);

	/* nothing given, nothing said */
	res = new_res();
	ew_exch_rule_etypes(v, 0, NULL, res);
	assert_int_equal(res->nfindings, 0);
	ew_step_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_plan_release),
		cmocka_unit_test(test_asa),
		cmocka_unit_test(test_asa_not_judged),
		cmocka_unit_test(test_namespace),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_scp),
		cmocka_unit_test(test_enctypes),
		cmocka_unit_test(test_etypes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
