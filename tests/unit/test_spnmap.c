/*
 * test_spnmap.c - the forest's sPNMappings (spnmap.c): parsing the values,
 * mapping an SPN to the name that serves it (HTTP/NAME -> HOST/NAME), and
 * the SPN-UNIQUE verdict for a name no account holds as such. Inputs built
 * by hand; no directory, no KDC.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "result.h"
#include "spnmap.h"

/* The start of the value a Windows Server 2003 forest (and Samba) has. */
#define HOST_MAP "host=alerter,appmgmt,cisvc,clipsrv,browser,dhcp,dnscache,replicator," \
	"eventlog,eventsystem,policyagent,oakley,dmserver,dns,mcsvc,fax,msiserver,ias," \
	"messenger,netlogon,netman,netdde,netddedsm,nmagent,plugplay,protectedstorage," \
	"rasman,rpclocator,rpc,rpcss,remoteaccess,rsvp,samss,scardsvr,scesrv,seclogon,scm," \
	"dcom,cifs,spooler,snmp,schedule,tapisrv,trksvr,trkwks,ups,time,wins,www,http," \
	"w3svc,iisadmin,msdtc"

static const struct ew_spn_holder exch1[] = {
	{ "CN=EXCH1,CN=Computers,DC=exwiz,DC=test", "EXCH1$" },
};
static const struct ew_spn_holder two[] = {
	{ "CN=EXCH1,CN=Computers,DC=exwiz,DC=test", "EXCH1$" },
	{ "CN=Web Service,OU=Service Accounts,DC=exwiz,DC=test", "websvc" },
};

static struct ew_step_result *new_res(void)
{
	struct ew_step_result *r = ew_step_result_new("tickets", "Tickets");

	assert_non_null(r);
	return r;
}

static const struct ew_finding *only(const struct ew_step_result *res, enum ew_severity sev)
{
	tu_assert_findings_clean(res);
	assert_int_equal(res->nfindings, 1);
	assert_string_equal(res->findings[0]->check, "SPN-UNIQUE");
	assert_int_equal(res->findings[0]->severity, sev);
	return res->findings[0];
}

static void test_parse(void **state)
{
	struct ew_spn_map m = {0};

	(void)state;
	assert_int_equal(ew_spn_map_add(&m, HOST_MAP), 53);
	assert_int_equal(m.n, 53);
	assert_string_equal(ew_spn_map_alias(&m, "http"), "host");
	assert_string_equal(ew_spn_map_alias(&m, "HTTP"), "host");	/* any case */
	assert_string_equal(ew_spn_map_alias(&m, "msdtc"), "host");	/* the last one */
	assert_string_equal(ew_spn_map_alias(&m, "alerter"), "host");	/* the first one */
	assert_null(ew_spn_map_alias(&m, "exchangeMDB"));
	assert_null(ew_spn_map_alias(&m, "htt"));
	assert_null(ew_spn_map_alias(&m, "host"));
	assert_null(ew_spn_map_alias(&m, NULL));

	/* blanks around names and empty classes are tolerated, no '=' is no mapping */
	assert_int_equal(ew_spn_map_add(&m, " web = SMTPSVC , ,imap,"), 2);
	assert_string_equal(ew_spn_map_alias(&m, "smtpsvc"), "web");
	assert_string_equal(ew_spn_map_alias(&m, "IMAP"), "web");
	assert_int_equal(ew_spn_map_add(&m, "host"), -1);
	assert_int_equal(ew_spn_map_add(&m, "=http"), -1);
	assert_int_equal(ew_spn_map_add(&m, "a/b=http"), -1);
	assert_int_equal(ew_spn_map_add(&m, NULL), -1);
	assert_int_equal(ew_spn_map_add(&m, "host="), 0);
	assert_int_equal(m.n, 55);
	ew_spn_map_clear(&m);
	assert_int_equal(m.n, 0);
	assert_null(ew_spn_map_alias(&m, "http"));
}

static void test_target(void **state)
{
	struct ew_spn_map m = {0};
	char *t;

	(void)state;
	assert_null(ew_spn_map_target(&m, "HTTP/EXCH1"));	/* no mappings read */
	ew_spn_map_add(&m, HOST_MAP);
	t = ew_spn_map_target(&m, "HTTP/EXCH1");
	assert_string_equal(t, "HOST/EXCH1");
	free(t);
	t = ew_spn_map_target(&m, "http/exch1.exwiz.test");
	assert_string_equal(t, "HOST/exch1.exwiz.test");
	free(t);
	t = ew_spn_map_target(&m, "cifs/fs1.exwiz.test:445");
	assert_string_equal(t, "HOST/fs1.exwiz.test:445");
	free(t);
	assert_null(ew_spn_map_target(&m, "exchangeRFR/EXCH1"));
	assert_null(ew_spn_map_target(&m, "HOST/EXCH1"));
	assert_null(ew_spn_map_target(&m, "HTTP/"));
	assert_null(ew_spn_map_target(&m, "/EXCH1"));
	assert_null(ew_spn_map_target(&m, "HTTP"));
	assert_null(ew_spn_map_target(&m, NULL));
	ew_spn_map_clear(&m);
}

static void test_unheld(void **state)
{
	struct ew_step_result *res;
	const struct ew_finding *f;
	char *line;

	(void)state;
	/* served through the mapping: a pass that names the alias and its holder */
	res = new_res();
	ew_spn_rule_unheld("HTTP/EXCH1", "HOST/EXCH1", exch1, 1, 1, res);
	f = only(res, EW_PASS);
	assert_non_null(strstr(f->title, "HTTP/EXCH1 is served by HOST/EXCH1"));
	assert_int_equal(f->nevidence, 1);
	assert_string_equal(f->evidence[0],
			    "HTTP/EXCH1: served by HOST/EXCH1 on EXCH1$ through sPNMappings");
	ew_step_result_free(&res);
	line = ew_spn_served_text("HTTP/EXCH1", "HOST/EXCH1", exch1);
	assert_string_equal(line, "HTTP/EXCH1: served by HOST/EXCH1 on EXCH1$ through sPNMappings");
	free(line);

	/* the alias held twice: the duplicate, named as the alias */
	res = new_res();
	ew_spn_rule_unheld("HTTP/EXCH1", "HOST/EXCH1", two, 2, 0, res);
	f = only(res, EW_FAIL);
	assert_non_null(strstr(f->title, "HOST/EXCH1 is held by 2 accounts"));
	ew_step_result_free(&res);

	/* nobody, no ticket: not registered (mapped class or not) */
	res = new_res();
	ew_spn_rule_unheld("HTTP/EXCH2", "HOST/EXCH2", NULL, 0, 0, res);
	f = only(res, EW_FAIL);
	assert_non_null(strstr(f->title, "HTTP/EXCH2 is not registered in the forest"));
	ew_step_result_free(&res);
	res = new_res();
	ew_spn_rule_unheld("exchangeRFR/EXCH2", NULL, NULL, 0, 0, res);
	f = only(res, EW_FAIL);
	assert_non_null(strstr(f->title, "exchangeRFR/EXCH2 is not registered"));
	ew_step_result_free(&res);

	/* nobody found, but the KDC issued a ticket: never "not registered" */
	res = new_res();
	ew_spn_rule_unheld("HTTP/EXCH1", "HOST/EXCH1", NULL, 0, 1, res);
	f = only(res, EW_INFO);
	assert_null(strstr(f->title, "not registered"));
	assert_non_null(strstr(f->title, "the KDC issued a ticket"));
	assert_int_equal(f->nevidence, 2);
	assert_non_null(strstr(f->evidence[1], "HOST/EXCH1: no entry"));
	ew_step_result_free(&res);
	res = new_res();
	ew_spn_rule_unheld("exchangeRFR/EXCH1", NULL, NULL, 0, 1, res);
	f = only(res, EW_INFO);
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->remedy, "setspn -Q exchangeRFR/EXCH1"));
	ew_step_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_unheld),
	};

	return cmocka_run_group_tests_name("spnmap", tests, NULL, NULL);
}
