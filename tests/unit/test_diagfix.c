/*
 * test_diagfix.c - the fix of each cause (core/diagfix.c, ew_diag_fix): its
 * title, the commands to paste on Windows and on this host, and how to
 * confirm, filled with the names of the step data. The data is what
 * `exwizard check --json` gathered in the lab domain (bob: 600 groups, the
 * duplicate HTTP/exch1 SPN, the NXDOMAIN resolver, the disjoint fe1 name;
 * carol: the half-finished move by junior), cut down, and changed by each
 * test where a cause needs other data. Causes are filled by hand; no engine.
 */
#include "testutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "diagnosis.h"
#include "result.h"

/* The lab data (exwizard check --json), cut down. */
static const char FIX_TARGET_BOB[] =
	"{\"realm\":\"EXWIZ.TEST\",\"realm_source\":\"krb5.conf\",\"domain\":\"exwiz.test\",\"doma"
	"in_source\":\"realm\",\"user\":\"bob@EXWIZ.TEST\",\"user_source\":\"ccache\",\"mover\":nu"
	"ll,\"dc\":null,\"exchange\":[\"exch1.exwiz.test\",\"fe1.region1.exwiz.test\"],\"dns_s"
	"ervers\":[],\"ccache\":null,\"credentials\":\"the user's credential cache\",\"cache_"
	"principal\":\"bob@EXWIZ.TEST\"}";
static const char FIX_TARGET_CAROL[] =
	"{\"realm\":\"EXWIZ.TEST\",\"realm_source\":\"krb5.conf\",\"domain\":\"exwiz.test\",\"doma"
	"in_source\":\"realm\",\"user\":\"carol\",\"user_source\":\"option\",\"mover\":\"junior\",\"d"
	"c\":null,\"exchange\":[\"exch1.exwiz.test\"],\"dns_servers\":[],\"ccache\":null,\"cred"
	"entials\":\"the user's credential cache\",\"cache_principal\":\"Administrator@EXWI"
	"Z.TEST\"}";
static const char FIX_DNS[] =
	"{\"credentials\":{\"as\":null,\"method\":\"DNS questions carry no credentials\",\"ser"
	"ver\":\"127.0.0.2, 127.0.0.3, 127.0.0.10\"},\"servers\":[{\"address\":\"127.0.0.2\",\""
	"source\":\"resolv.conf\"},{\"address\":\"127.0.0.3\",\"source\":\"resolv.conf\"},{\"addr"
	"ess\":\"127.0.0.10\",\"source\":\"dc\"}],\"records\":[{\"name\":\"_ldap._tcp.dc._msdcs.e"
	"xwiz.test\",\"type\":\"SRV\",\"server\":\"127.0.0.2\",\"status\":\"ok\",\"answers\":[\"0 100"
	" 389 dc1.exwiz.test\"],\"ttl\":854,\"rtt_ms\":2,\"cnames\":[],\"truncated\":false,\"tc"
	"p\":false,\"error\":null},{\"name\":\"_ldap._tcp.dc._msdcs.exwiz.test\",\"type\":\"SRV"
	"\",\"server\":\"127.0.0.3\",\"status\":\"nxdomain\",\"answers\":[],\"ttl\":0,\"rtt_ms\":2,\""
	"cnames\":[],\"truncated\":false,\"tcp\":false,\"error\":null},{\"name\":\"_kerberos._t"
	"cp.exwiz.test\",\"type\":\"SRV\",\"server\":\"127.0.0.2\",\"status\":\"ok\",\"answers\":[\"0"
	" 100 88 dc1.exwiz.test\"],\"ttl\":854,\"rtt_ms\":2,\"cnames\":[],\"truncated\":false,"
	"\"tcp\":false,\"error\":null},{\"name\":\"_kerberos._tcp.exwiz.test\",\"type\":\"SRV\",\""
	"server\":\"127.0.0.3\",\"status\":\"nxdomain\",\"answers\":[],\"ttl\":0,\"rtt_ms\":2,\"cna"
	"mes\":[],\"truncated\":false,\"tcp\":false,\"error\":null},{\"name\":\"_ldap._tcp.dc._"
	"msdcs.exwiz.test\",\"type\":\"SRV\",\"server\":\"127.0.0.10\",\"status\":\"ok\",\"answers\""
	":[\"0 100 389 dc1.exwiz.test\"],\"ttl\":900,\"rtt_ms\":143,\"cnames\":[],\"truncated\""
	":false,\"tcp\":false,\"error\":null},{\"name\":\"_kerberos._tcp.exwiz.test\",\"type\":"
	"\"SRV\",\"server\":\"127.0.0.10\",\"status\":\"ok\",\"answers\":[\"0 100 88 dc1.exwiz.tes"
	"t\"],\"ttl\":900,\"rtt_ms\":148,\"cnames\":[],\"truncated\":false,\"tcp\":false,\"error\""
	":null}],\"caches\":[{\"kind\":\"dnsmasq\",\"program\":\"dnsmasq\",\"pid\":30013,\"address"
	"\":\"127.0.0.2\",\"path\":\"SRV lookups (KDC and DC location) and host lookups\",\"d"
	"etail\":\"answers on 127.0.0.2:53\",\"flushed\":0},{\"kind\":\"dnsmasq\",\"program\":\"d"
	"nsmasq\",\"pid\":30021,\"address\":\"127.0.0.3\",\"path\":\"SRV lookups (KDC and DC lo"
	"cation) and host lookups\",\"detail\":\"answers on 127.0.0.3:53\",\"flushed\":0}],\""
	"queries\":66,\"round_trips\":3}";
static const char FIX_TICKETS[] =
	"{\"kdcs\":[{\"host\":\"dc1.exwiz.test\",\"address\":\"127.0.0.10\"}],\"spn_holders\":[{\""
	"spn\":\"exchangeRFR/exch1.exwiz.test\",\"holders\":[{\"dn\":\"CN=EXCH1,CN=Computers,"
	"DC=exwiz,DC=test\",\"account\":\"EXCH1$\"}]},{\"spn\":\"HTTP/exch1.exwiz.test\",\"hold"
	"ers\":[{\"dn\":\"CN=Web Service,OU=Service Accounts,DC=exwiz,DC=test\",\"account\":"
	"\"websvc\"},{\"dn\":\"CN=EXCH1,CN=Computers,DC=exwiz,DC=test\",\"account\":\"EXCH1$\"}"
	"]},{\"spn\":\"HTTP/fe1.region1.exwiz.test\",\"holders\":[{\"dn\":\"CN=FE1,CN=Computer"
	"s,DC=exwiz,DC=test\",\"account\":\"FE1$\"}]}],\"global_catalog\":\"dc1.exwiz.test\",\""
	"tickets\":[{\"cache\":\"FILE:/tmp/dfx-work/cc-bob\",\"client\":\"bob@EXWIZ.TEST\",\"se"
	"rver\":\"krbtgt/EXWIZ.TEST@EXWIZ.TEST\",\"flags\":\"forwardable, renewable, initia"
	"l, pre-authent\",\"flag_letters\":\"FRIA\",\"authtime\":\"2026-12-06T13:40:34Z\",\"sta"
	"rttime\":\"2026-12-06T13:40:34Z\",\"endtime\":\"2026-12-06T23:40:34Z\",\"renew_till\""
	":\"2026-12-13T13:40:34Z\",\"session_enctype\":\"aes256-cts-hmac-sha1-96\",\"ticket_"
	"enctype\":\"aes256-cts-hmac-sha1-96\",\"ticket_size\":5909,\"tgt\":true}],\"credenti"
	"als\":{\"as\":\"bob@EXWIZ.TEST\",\"method\":\"Kerberos credential cache\",\"server\":\"d"
	"c1.exwiz.test\"},\"services\":[{\"spn\":\"exchangeRFR/exch1.exwiz.test\",\"status\":\""
	"ok\",\"error\":null,\"cause\":null,\"ticket_size\":5935,\"enctype\":\"arcfour-hmac\",\"s"
	"ession_enctype\":\"aes256-cts-hmac-sha1-96\",\"rtt_ms\":1919},{\"spn\":\"HTTP/exch1."
	"exwiz.test\",\"status\":\"error\",\"error\":\"Server not found in Kerberos database\""
	",\"cause\":\"The KDC knows no account with this service principal name, or more"
	" than one account holds it (a duplicate SPN); either way no ticket, and Wind"
	"ows falls back to NTLM (event 40960/40961).\",\"ticket_size\":0,\"enctype\":null,"
	"\"session_enctype\":null,\"rtt_ms\":451}],\"kdc_probes\":[{\"host\":\"dc1.exwiz.test\""
	",\"address\":\"127.0.0.10\",\"port\":88,\"transport\":\"udp\",\"ok\":true,\"error\":null,\""
	"rtt_ms\":3,\"skew_s\":0.0004241466522216797},{\"host\":\"dc1.exwiz.test\",\"address\""
	":\"127.0.0.10\",\"port\":88,\"transport\":\"tcp\",\"ok\":true,\"error\":null,\"rtt_ms\":6,"
	"\"skew_s\":0.003690958023071289},{\"host\":\"dc1.exwiz.test\",\"address\":\"127.0.0.1"
	"0\",\"port\":464,\"transport\":\"tcp\",\"ok\":true,\"error\":null,\"rtt_ms\":0,\"skew_s\":n"
	"ull}],\"config\":{\"default_realm\":\"EXWIZ.TEST\",\"dns_lookup_kdc\":true,\"dns_look"
	"up_realm\":false,\"rdns\":false,\"dns_canonicalize_hostname\":true,\"udp_preferenc"
	"e_limit\":1465,\"clockskew\":300}}";
static const char FIX_GROUPS[] =
	"{\"credentials\":{\"as\":\"bob@EXWIZ.TEST\",\"method\":\"GSSAPI (sealed)\",\"server\":\"d"
	"c1.exwiz.test\"},\"user_dn\":\"CN=Bob Baker,OU=Staff,DC=exwiz,DC=test\",\"user_sid"
	"\":\"S-1-5-21-4085859809-2085337795-2883405558-1107\",\"counts\":{\"global\":202,\"d"
	"omain_local\":300,\"universal_in\":100,\"universal_out\":0,\"builtin\":1,\"sid_histo"
	"ry\":0,\"distribution\":0,\"unresolved\":0,\"not_looked_up\":0},\"estimate_complete\""
	":true,\"token_sids\":604,\"lsa_sids\":618,\"estimate_legacy\":15656,\"estimate_2012"
	"\":6024,\"delegation\":false,\"measured_tgt_size\":5909,\"measured_service_ticket_"
	"size\":5922,\"direct_groups\":[\"CN=Staff,OU=Groups,DC=exwiz,DC=test\",\"CN=All St"
	"aff List,OU=Groups,DC=exwiz,DC=test\"],\"groups\":[],\"source\":\"tokenGroups\",\"ld"
	"ap_requests\":10,\"dc\":\"dc1.exwiz.test\",\"bind\":\"GSSAPI (sealed)\"}";
static const char FIX_MAILBOX[] =
	"{\"credentials\":{\"as\":\"Administrator@EXWIZ.TEST\",\"method\":\"GSSAPI (sealed)\",\""
	"server\":\"dc1.exwiz.test\"},\"read_as\":\"Administrator@EXWIZ.TEST\",\"mover\":{\"acc"
	"ount\":\"junior\",\"groups\":[],\"rights\":[{\"object\":\"the organization\",\"dn\":\"CN=E"
	"XWIZ,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=exwiz,DC=test\",\"r"
	"ights\":\"0x0\",\"full_control\":false},{\"object\":\"the target administrative grou"
	"p\",\"dn\":\"CN=First Administrative Group,CN=Administrative Groups,CN=EXWIZ,CN="
	"Microsoft Exchange,CN=Services,CN=Configuration,DC=exwiz,DC=test\",\"rights\":\""
	"0x0\",\"full_control\":false},{\"object\":\"the source administrative group\",\"dn\":"
	"\"CN=OLDSITE,CN=Administrative Groups,CN=EXWIZ,CN=Microsoft Exchange,CN=Servi"
	"ces,CN=Configuration,DC=exwiz,DC=test\",\"rights\":\"0x0\",\"full_control\":false},"
	"{\"object\":\"the target server\",\"dn\":\"CN=EXCH1,CN=Servers,CN=First Administrat"
	"ive Group,CN=Administrative Groups,CN=EXWIZ,CN=Microsoft Exchange,CN=Service"
	"s,CN=Configuration,DC=exwiz,DC=test\",\"rights\":\"0x0\",\"full_control\":false},{\""
	"object\":\"the source server\",\"dn\":\"CN=EX55,CN=Servers,CN=OLDSITE,CN=Administr"
	"ative Groups,CN=EXWIZ,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC="
	"exwiz,DC=test\",\"rights\":\"0x0\",\"full_control\":false},{\"object\":\"user\",\"right\""
	":\"homeMDB\",\"granted\":false},{\"object\":\"user\",\"right\":\"homeMTA\",\"granted\":fal"
	"se},{\"object\":\"user\",\"right\":\"msExchHomeServerName\",\"granted\":false},{\"objec"
	"t\":\"user\",\"right\":\"targetAddress\",\"granted\":false},{\"object\":\"user\",\"right\":"
	"\"proxyAddresses\",\"granted\":false},{\"object\":\"user\",\"right\":\"legacyExchangeDN"
	"\",\"granted\":false}]},\"attributes\":{\"dn\":\"CN=Carol Cooper,OU=Staff,DC=exwiz,D"
	"C=test\",\"homeMDB\":\"CN=Mailbox Store (EXCH1),CN=First Storage Group,CN=Inform"
	"ationStore,CN=EXCH1,CN=Servers,CN=First Administrative Group,CN=Administrati"
	"ve Groups,CN=EXWIZ,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=exw"
	"iz,DC=test\",\"homeMTA\":\"CN=Microsoft MTA,CN=EX55,CN=Servers,CN=OLDSITE,CN=Adm"
	"inistrative Groups,CN=EXWIZ,CN=Microsoft Exchange,CN=Services,CN=Configurati"
	"on,DC=exwiz,DC=test\",\"msExchHomeServerName\":\"/o=EXWIZ/ou=OLDSITE/cn=Configur"
	"ation/cn=Servers/cn=EX55\",\"legacyExchangeDN\":\"/o=EXWIZ/ou=OLDSITE/cn=Recipie"
	"nts/cn=carol\",\"mailNickname\":\"carol\",\"targetAddress\":null,\"msExchMailboxGuid"
	"\":true,\"msExchMailboxSecurityDescriptor\":false,\"proxyAddresses\":[\"SMTP:carol"
	"@exwiz.test\",\"X400:c=US;a= ;p=EXWIZ;o=Exchange;s=carol;\"]},\"consistency\":[{\""
	"severity\":\"fail\",\"title\":\"msExchHomeServerName names another server than the"
	" one holding homeMDB\"},{\"severity\":\"fail\",\"title\":\"homeMTA is not the MTA of"
	" the mailbox server\"},{\"severity\":\"fail\",\"title\":\"legacyExchangeDN is still "
	"in the old administrative group\"},{\"severity\":\"fail\",\"title\":\"No mailbox sec"
	"urity descriptor (msExchMailboxSecurityDescriptor)\"}],\"map\":{\"dc\":\"dc1.exwiz"
	".test\",\"gc\":\"dc1.exwiz.test\",\"mailbox_server\":\"EXCH1\",\"database\":\"Mailbox St"
	"ore (EXCH1)\",\"public_folders\":null},\"spns\":[\"exchangeMDB/exch1.exwiz.test\",\""
	"exchangeMDB/EXCH1\",\"exchangeRFR/exch1.exwiz.test\",\"exchangeRFR/EXCH1\",\"excha"
	"ngeAB/exch1.exwiz.test\",\"exchangeAB/EXCH1\",\"HTTP/exch1.exwiz.test\",\"HTTP/EXC"
	"H1\",\"HOST/exch1.exwiz.test\",\"HOST/EXCH1\",\"SMTPSVC/exch1.exwiz.test\",\"SMTPSVC"
	"/EXCH1\"],\"ldap_requests\":17}";

struct fx_case {
	struct ew_step_result *steps[4];
	const struct ew_step_result *csteps[4];
	json_t *target;
	struct ew_diag_cause c;
};

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	assert_non_null(j);
	return j;
}

static void case_init(struct fx_case *x, const char *target)
{
	static const char *const ids[4] = { "dns", "tickets", "groups", "mailbox" };
	static const enum ew_data_kind kinds[4] = { EW_DATA_DNS, EW_DATA_TICKETS,
						    EW_DATA_GROUPS, EW_DATA_MAILBOX };
	const char *const data[4] = { FIX_DNS, FIX_TICKETS, FIX_GROUPS, FIX_MAILBOX };
	size_t i;

	memset(x, 0, sizeof(*x));
	for (i = 0; i < 4; i++) {
		x->steps[i] = ew_step_result_new(ids[i], ids[i]);
		assert_non_null(x->steps[i]);
		x->steps[i]->kind = kinds[i];
		json_decref(x->steps[i]->data);
		x->steps[i]->data = load(data[i]);
		x->csteps[i] = x->steps[i];
	}
	x->target = load(target);
}

static json_t *data(struct fx_case *x, size_t step)
{
	return x->steps[step]->data;
}

#define DNS 0
#define TICKETS 1
#define GROUPS 2
#define MAILBOX 3

static void add_evidence(struct fx_case *x, const char *step, const char *check,
			 const char *title)
{
	struct ew_diag_evidence *e = realloc(x->c.evidence,
					     (x->c.nevidence + 1) * sizeof(*e));

	assert_non_null(e);
	x->c.evidence = e;
	e += x->c.nevidence++;
	e->step = strdup(step);
	e->check = strdup(check);
	e->title = strdup(title);
	e->severity = EW_FAIL;
}

static void cause_clear(struct ew_diag_cause *c)
{
	char **lines[2] = { c->fix_windows, c->fix_linux };
	size_t nlines[2] = { c->nfix_windows, c->nfix_linux }, i, k;

	for (i = 0; i < c->nevidence; i++) {
		free(c->evidence[i].step);
		free(c->evidence[i].check);
		free(c->evidence[i].title);
	}
	for (k = 0; k < 2; k++) {
		while (nlines[k])
			free(lines[k][--nlines[k]]);
		free(lines[k]);
	}
	free(c->evidence);
	free(c->title);
	free(c->confirm);
	memset(c, 0, sizeof(*c));
}

static void case_free(struct fx_case *x)
{
	size_t i;

	for (i = 0; i < 4; i++)
		ew_step_result_free(&x->steps[i]);
	json_decref(x->target);
	cause_clear(&x->c);
}

static int setup_bob(void **state)
{
	struct fx_case *x = malloc(sizeof(*x));

	if (x == NULL)
		return -1;
	case_init(x, FIX_TARGET_BOB);
	*state = x;
	return 0;
}

static int setup_carol(void **state)
{
	struct fx_case *x = malloc(sizeof(*x));

	if (x == NULL)
		return -1;
	case_init(x, FIX_TARGET_CAROL);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	case_free(*state);
	free(*state);
	return 0;
}

static void run(struct fx_case *x, const char *id)
{
	x->c.def = ew_cause_find(id);
	assert_non_null(x->c.def);
	ew_diag_fix(&x->c, x->csteps, 4, x->target);
	assert_non_null(x->c.title);
	assert_non_null(x->c.confirm);
}

/* Whether one of the n lines holds s. */
static int has_line(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(v[i], s))
			return 1;
	return 0;
}

static void print_cause(const struct ew_diag_cause *c)
{
	size_t i;

	print_message("title: %s\n", c->title ? c->title : "(null)");
	for (i = 0; i < c->nfix_windows; i++)
		print_message("win:   %s\n", c->fix_windows[i]);
	for (i = 0; i < c->nfix_linux; i++)
		print_message("linux: %s\n", c->fix_linux[i]);
	print_message("confirm: %s\n", c->confirm ? c->confirm : "(null)");
}

#define WIN(x, s) do { if (!has_line((x)->c.fix_windows, (x)->c.nfix_windows, s)) { \
	print_cause(&(x)->c); fail_msg("no Windows line with: %s", s); } } while (0)
#define NOWIN(x, s) do { if (has_line((x)->c.fix_windows, (x)->c.nfix_windows, s)) { \
	print_cause(&(x)->c); fail_msg("a Windows line with: %s", s); } } while (0)
#define LIN(x, s) do { if (!has_line((x)->c.fix_linux, (x)->c.nfix_linux, s)) { \
	print_cause(&(x)->c); fail_msg("no Linux line with: %s", s); } } while (0)
#define TITLE(x, s) do { if (strcmp((x)->c.title, s) != 0) { \
	print_cause(&(x)->c); fail_msg("title: %s", s); } } while (0)
#define CONFIRM(x, s) do { if (!strstr((x)->c.confirm, s)) { \
	print_cause(&(x)->c); fail_msg("confirm without: %s", s); } } while (0)

#define BOB_CHECK "-r EXWIZ.TEST -u bob@EXWIZ.TEST -x exch1.exwiz.test -x fe1.region1.exwiz.test"

/* A record of the dns data by name and server; set its status. */
static void set_status(struct fx_case *x, const char *name, const char *server,
		       const char *status)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(data(x, DNS), "records"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "name")), name) == 0 &&
		    (!server || strcmp(json_string_value(json_object_get(r, "server")), server) == 0))
			json_object_set_new(r, "status", json_string(status));
}

static json_t *holders_of(struct fx_case *x, const char *spn)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(data(x, TICKETS), "spn_holders"), i, h)
		if (strcmp(json_string_value(json_object_get(h, "spn")), spn) == 0)
			return h;
	fail_msg("no holders of %s", spn);
	return NULL;
}

static void set_probe(struct fx_case *x, const char *transport, const char *key, json_t *v)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(data(x, TICKETS), "kdc_probes"), i, p)
		if (json_integer_value(json_object_get(p, "port")) == 88 &&
		    strcmp(json_string_value(json_object_get(p, "transport")), transport) == 0)
			json_object_set(p, key, v);
	json_decref(v);
}

static void test_no_tgt(void **state)
{
	struct fx_case *x = *state;

	add_evidence(x, "tickets", "KRB-CACHE", "No ticket-granting ticket in the cache");
	run(x, EW_CAUSE_NO_TGT);
	TITLE(x, "bob@EXWIZ.TEST has no valid Kerberos ticket-granting ticket");
	LIN(x, "kinit bob@EXWIZ.TEST");
	WIN(x, "klist tgt");
	CONFIRM(x, "exwizard check tickets " BOB_CHECK);
	CONFIRM(x, "krbtgt/EXWIZ.TEST");
}

static void test_dns_srv_missing(void **state)
{
	struct fx_case *x = *state;

	set_status(x, "_kerberos._tcp.exwiz.test", NULL, "nxdomain");
	set_status(x, "_ldap._tcp.dc._msdcs.exwiz.test", NULL, "nodata");
	run(x, EW_CAUSE_DNS_SRV_MISSING);
	TITLE(x, "No Record Available: _ldap._tcp.dc._msdcs.exwiz.test and "
	      "_kerberos._tcp.exwiz.test (SRV)");
	WIN(x, "nltest /server:dc1.exwiz.test /dsregdns");
	WIN(x, "Add-DnsServerResourceRecord -ZoneName exwiz.test -Srv -Name _kerberos._tcp "
	    "-DomainName dc1.exwiz.test -Priority 0 -Weight 100 -Port 88");
	WIN(x, "Add-DnsServerResourceRecord -ZoneName _msdcs.exwiz.test -Srv -Name "
	    "_ldap._tcp.dc -DomainName dc1.exwiz.test -Priority 0 -Weight 100 -Port 389");
	LIN(x, "resolvectl flush-caches");
	CONFIRM(x, "exwizard check dns " BOB_CHECK);
	CONFIRM(x, "nltest /dsgetdc:exwiz.test /kdc");
}

static void test_dns_resolver_split(void **state)
{
	struct fx_case *x = *state;
	json_t *recs, *r;

	/* an AAAA question without an answer (NODATA) beside an A record: no split */
	recs = json_object_get(data(x, DNS), "records");
	r = json_deep_copy(json_array_get(recs, 0));
	json_object_set_new(r, "name", json_string("exch1.exwiz.test"));
	json_object_set_new(r, "type", json_string("AAAA"));
	json_object_set_new(r, "status", json_string("nodata"));
	json_array_append_new(recs, r);
	r = json_deep_copy(r);
	json_object_set_new(r, "type", json_string("A"));
	json_object_set_new(r, "status", json_string("ok"));
	json_object_set_new(r, "server", json_string("127.0.0.10"));
	json_array_append_new(recs, r);
	run(x, EW_CAUSE_DNS_RESOLVER_SPLIT);
	TITLE(x, "DNS server 127.0.0.3 answers No Record Available for the AD zone exwiz.test "
	      "where 127.0.0.2 and 127.0.0.10 have the records");
	WIN(x, "Where-Object ServerAddresses -contains '127.0.0.3'");
	WIN(x, "Set-DhcpServerv4OptionValue -DnsServer 127.0.0.2,127.0.0.10)");
	NOWIN(x, "-contains '127.0.0.2'");
	LIN(x, "sed -i '/^nameserver 127.0.0.3$/d' /etc/resolv.conf");
	CONFIRM(x, "exwizard check dns " BOB_CHECK);
}

static void test_dns_cache_stale(void **state)
{
	struct fx_case *x = *state;

	add_evidence(x, "dns", "DNS-CACHE", "dnsmasq at 127.0.0.2 answers differently from "
		     "the DC");
	run(x, EW_CAUSE_DNS_CACHE_STALE);
	TITLE(x, "The DNS cache dnsmasq at 127.0.0.2 holds an answer the DC does not give");
	LIN(x, "kill -HUP 30013");
	if (has_line(x->c.fix_linux, x->c.nfix_linux, "30021"))
		fail_msg("the cache at 127.0.0.3 is not the stale one");
	WIN(x, "ipconfig /flushdns");
	WIN(x, "Clear-DnsServerCache -ComputerName dc1.exwiz.test");
}

static void test_name_canon(void **state)
{
	struct fx_case *x = *state;
	json_t *recs, *r;

	recs = json_object_get(data(x, DNS), "records");
	r = json_deep_copy(json_array_get(recs, 0));
	json_object_set_new(r, "name", json_string("exch1.exwiz.test"));
	json_object_set_new(r, "type", json_string("A"));
	json_object_set_new(r, "answers", json_pack("[s]", "127.0.0.20"));
	json_object_set_new(r, "cnames", json_pack("[s]", "mbx1.exwiz.test"));
	json_array_append_new(recs, r);
	run(x, EW_CAUSE_NAME_CANON);
	TITLE(x, "exch1.exwiz.test is an alias of mbx1.exwiz.test: the client asks for "
	      "HTTP/mbx1.exwiz.test, not HTTP/exch1.exwiz.test");
	WIN(x, "Remove-DnsServerResourceRecord -ZoneName exwiz.test -Name exch1 -RRType CNAME "
	    "-Force; Add-DnsServerResourceRecordA -ZoneName exwiz.test -Name exch1 "
	    "-IPv4Address 127.0.0.20");
	LIN(x, "rdns = false");
}

static void test_realm_hint(void **state)
{
	struct fx_case *x = *state;

	add_evidence(x, "dns", "DNS-REALM", "fe1.region1.exwiz.test: disjoint namespace; the "
		     "realm hint REGION1.EXWIZ.TEST has no KDC");
	run(x, EW_CAUSE_REALM_HINT);
	TITLE(x, "fe1.region1.exwiz.test: disjoint namespace; the realm hint from "
	      "region1.exwiz.test is no AD domain (the realm is EXWIZ.TEST)");
	WIN(x, "ksetup /addhosttorealmmap .region1.exwiz.test EXWIZ.TEST");
	WIN(x, "DisableRealmHint /t REG_DWORD /d 1");
	WIN(x, "front end fe1.region1.exwiz.test");
	NOWIN(x, "exch1");
	LIN(x, "[domain_realm] .region1.exwiz.test = EXWIZ.TEST");
	CONFIRM(x, "EXPROX event 1000 stops");
}

static void test_kdc_unreachable(void **state)
{
	struct fx_case *x = *state;

	set_probe(x, "udp", "ok", json_false());
	set_probe(x, "tcp", "ok", json_false());
	run(x, EW_CAUSE_KDC_UNREACHABLE);
	TITLE(x, "No KDC answers on port 88: dc1.exwiz.test (127.0.0.10) over udp, "
	      "dc1.exwiz.test (127.0.0.10) over tcp");
	WIN(x, "Test-NetConnection dc1.exwiz.test -Port 88");
	WIN(x, "nltest /dsgetdc:exwiz.test /kdc /force");
	LIN(x, "[realms] EXWIZ.TEST = { kdc = dc1.exwiz.test }");
}

static void test_kdc_tcp_blocked(void **state)
{
	struct fx_case *x = *state;

	set_probe(x, "tcp", "ok", json_false());
	run(x, EW_CAUSE_KDC_TCP_BLOCKED);
	TITLE(x, "bob's tickets are 5,909 bytes, over the UDP limit 1,465, and TCP/88 is "
	      "blocked: dc1.exwiz.test (127.0.0.10) over tcp");
	WIN(x, "protocol=TCP localport=88   (on dc1.exwiz.test");
}

static void test_clock_skew(void **state)
{
	struct fx_case *x = *state;

	set_probe(x, "udp", "skew_s", json_real(-612.4));
	run(x, EW_CAUSE_CLOCK_SKEW);
	TITLE(x, "The clock is 612 s off dc1.exwiz.test's (Kerberos allows 300 s)");
	WIN(x, "w32tm /resync");
	WIN(x, "/computer:dc1.exwiz.test");
	LIN(x, "chronyc makestep");
	CONFIRM(x, "exwizard check tickets " BOB_CHECK);
}

static void test_spn_missing(void **state)
{
	struct fx_case *x = *state;

	json_object_set_new(holders_of(x, "HTTP/exch1.exwiz.test"), "holders", json_array());
	add_evidence(x, "tickets", "KRB-SVC", "No session ticket for HTTP/exch1.exwiz.test");
	add_evidence(x, "tickets", "SPN-UNIQUE", "HTTP/exch1.exwiz.test has no holder");
	run(x, EW_CAUSE_SPN_MISSING);
	TITLE(x, "No account holds HTTP/exch1.exwiz.test");
	WIN(x, "setspn -S HTTP/exch1.exwiz.test EXCH1$");
	LIN(x, "kvno HTTP/exch1.exwiz.test@EXWIZ.TEST");
	CONFIRM(x, "klist get HTTP/exch1.exwiz.test lists the ticket");
	case_free(x);

	/* Both SPNs of exch1 without a holder: no account to name, so the
	 * fix says which one to look up. */
	case_init(x, FIX_TARGET_BOB);
	json_object_set_new(holders_of(x, "HTTP/exch1.exwiz.test"), "holders", json_array());
	json_object_set_new(holders_of(x, "exchangeRFR/exch1.exwiz.test"), "holders",
			    json_array());
	add_evidence(x, "tickets", "SPN-UNIQUE", "HTTP/exch1.exwiz.test has no holder");
	add_evidence(x, "tickets", "SPN-UNIQUE", "exchangeRFR/exch1.exwiz.test has no holder");
	run(x, EW_CAUSE_SPN_MISSING);
	TITLE(x, "No account holds HTTP/exch1.exwiz.test and exchangeRFR/exch1.exwiz.test");
	WIN(x, "setspn -S exchangeRFR/exch1.exwiz.test, on the account that should hold it: "
	    "the Exchange server's computer account or the alternate service account");
}

static void test_spn_duplicate(void **state)
{
	struct fx_case *x = *state;

	add_evidence(x, "tickets", "KRB-SVC", "No session ticket for HTTP/exch1.exwiz.test");
	add_evidence(x, "tickets", "SPN-UNIQUE", "HTTP/exch1.exwiz.test is held by 2 accounts "
		     "(a duplicate SPN)");
	run(x, EW_CAUSE_SPN_DUPLICATE);
	TITLE(x, "HTTP/exch1.exwiz.test is held by websvc and EXCH1$");
	WIN(x, "setspn -D HTTP/exch1.exwiz.test websvc");
	NOWIN(x, "setspn -D HTTP/exch1.exwiz.test EXCH1$");
	WIN(x, "setspn -X -F");
	CONFIRM(x, "KDC event 11 stops");
}

static void test_spn_wrong_account(void **state)
{
	struct fx_case *x = *state;

	add_evidence(x, "tickets", "SPN-UNIQUE", "HTTP/fe1.region1.exwiz.test is on FE1$, "
		     "not on the alternate service account");
	run(x, EW_CAUSE_SPN_WRONG_ACCOUNT);
	TITLE(x, "The shared name's HTTP/fe1.region1.exwiz.test is on FE1$ instead of the "
	      "alternate service account");
	WIN(x, "setspn -D HTTP/fe1.region1.exwiz.test FE1$");
	WIN(x, "RollAlternateServiceAccountPassword.ps1");
}

/* The alternate service account the tickets step found is named in the fix. */
static void test_spn_wrong_account_asa(void **state)
{
	struct fx_case *x = *state;

	json_object_set_new(data(x, TICKETS), "exchange_names",
			    json_pack("[{s:s, s:s, s:s, s:[s,s], s:[s,s], s:[s], s:[s]}]",
				      "name", "mail.exwiz.test", "kind", "shared",
				      "version", "Exchange 2019",
				      "addresses", "127.0.0.31", "127.0.0.32",
				      "members", "EX19A", "EX19B", "spns", "HTTP/mail.exwiz.test",
				      "alternate_service_accounts", "EXCHASA$"));
	add_evidence(x, "tickets", "SPN-ASA", "HTTP/mail.exwiz.test is on EX19A$, the member "
		     "EX19A's own account, not on the alternate service account EXCHASA$");
	run(x, EW_CAUSE_SPN_WRONG_ACCOUNT);
	TITLE(x, "The shared name's HTTP/mail.exwiz.test is on one server instead of the "
	      "alternate service account EXCHASA$");
	WIN(x, "setspn -S HTTP/mail.exwiz.test EXCHASA$");
	WIN(x, "-GenerateNewPasswordFor 'DOMAIN\\EXCHASA$'");
}

static void test_enctype(void **state)
{
	struct fx_case *x = *state;
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(data(x, TICKETS), "services"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "spn")), "HTTP/exch1.exwiz.test") == 0)
			json_object_set_new(s, "error", json_string("KDC has no support for "
								    "encryption type"));
	run(x, EW_CAUSE_ENCTYPE_MISMATCH);
	TITLE(x, "No encryption type both this client and websvc's keys allow "
	      "(HTTP/exch1.exwiz.test)");
	WIN(x, "Set-ADUser websvc -KerberosEncryptionType AES128,AES256");
	WIN(x, "Set-ADComputer EXCH1 -KerberosEncryptionType AES128,AES256");
	WIN(x, "Set-ADAccountPassword websvc -Reset");
}

/* The account is the alternate service account: rolled on Exchange, never reset. */
static void test_enctype_asa(void **state)
{
	struct fx_case *x = *state;
	json_t *s;
	size_t i;

	json_object_set_new(data(x, TICKETS), "exchange_names",
			    json_pack("[{s:s, s:s, s:s, s:[s], s:[s], s:[s], s:[s]}]",
				      "name", "exch1.exwiz.test", "kind", "server",
				      "version", "Exchange 2019", "addresses", "127.0.0.21",
				      "members", "EXCH1", "spns", "HTTP/exch1.exwiz.test",
				      "alternate_service_accounts", "EXCH1$"));
	json_array_foreach(json_object_get(data(x, TICKETS), "services"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "spn")), "HTTP/exch1.exwiz.test") == 0)
			json_object_set_new(s, "error", json_string("KDC has no support for "
								    "encryption type"));
	run(x, EW_CAUSE_ENCTYPE_MISMATCH);
	WIN(x, "Set-ADComputer EXCH1 -KerberosEncryptionType AES128,AES256");
	WIN(x, "-GenerateNewPasswordFor 'DOMAIN\\EXCH1$'");
	NOWIN(x, "Reset-ComputerMachinePassword   (on EXCH1");
	WIN(x, "Set-ADAccountPassword websvc -Reset");
}

/* A client that asks for RC4 only: its krb5.conf first, then 28 on the accounts. */
static void test_enctype_rc4_client(void **state)
{
	struct fx_case *x = *state;
	json_t *s, *conf = json_object_get(data(x, TICKETS), "config");
	size_t i;

	json_object_set_new(conf, "default_tgs_enctypes", json_string("rc4-hmac"));
	json_array_foreach(json_object_get(data(x, TICKETS), "services"), i, s)
		if (strcmp(json_string_value(json_object_get(s, "spn")), "HTTP/exch1.exwiz.test") == 0)
			json_object_set_new(s, "error", json_string("KDC has no support for "
								    "encryption type"));
	run(x, EW_CAUSE_ENCTYPE_MISMATCH);
	LIN(x, "default_tgs_enctypes = aes256-cts aes128-cts rc4-hmac");
	WIN(x, "Set-ADComputer EXCH1 -KerberosEncryptionType RC4,AES128,AES256   "
	    "(msDS-SupportedEncryptionTypes 28, until this host asks for AES)");
	NOWIN(x, "Set-ADComputer EXCH1 -KerberosEncryptionType AES128,AES256");
}

static void test_token_too_large(void **state)
{
	struct fx_case *x = *state;

	run(x, EW_CAUSE_TOKEN_TOO_LARGE);
	TITLE(x, "bob's token is about 15,656 bytes: over MaxTokenSize 12,000 of Windows "
	      "before 2012");
	/* 4/3 x 15,656 = 20,874.7: both http.sys limits at 20,875 on each server */
	WIN(x, "reg add \\\\exch1.exwiz.test\\HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP"
	    "\\Parameters /v MaxFieldLength /t REG_DWORD /d 20875 /f");
	WIN(x, "reg add \\\\fe1.region1.exwiz.test\\HKLM\\SYSTEM\\CurrentControlSet\\Services"
	    "\\HTTP\\Parameters /v MaxRequestBytes /t REG_DWORD /d 20875 /f");
	WIN(x, "MaxTokenSize /t REG_DWORD /d 48000");
	WIN(x, "Get-ADPrincipalGroupMembership bob");
	CONFIRM(x, "exwizard check groups " BOB_CHECK);
	case_free(x);

	/* Over 48,000 by the 2012 rules too. */
	case_init(x, FIX_TARGET_BOB);
	json_object_set_new(data(x, GROUPS), "estimate_2012", json_integer(51000));
	run(x, EW_CAUSE_TOKEN_TOO_LARGE);
	TITLE(x, "bob's token is about 51,000 bytes: over MaxTokenSize 48,000 of Windows 2012 "
	      "and later");
	WIN(x, "MaxFieldLength /t REG_DWORD /d 68000 /f");
}

/* http.sys limits on every server behind a load-balanced name, not on the name. */
static void test_token_too_large_shared(void **state)
{
	struct fx_case *x = *state;

	json_object_set_new(data(x, TICKETS), "exchange_servers",
			    json_pack("[{s:s, s:s, s:s, s:n, s:[]}, {s:s, s:s, s:s, s:n, s:[]}]",
				      "name", "EX19A", "fqdn", "ex19a.exwiz.test",
				      "version", "Exchange 2019", "serial_number", "addresses",
				      "name", "EX19B", "fqdn", "ex19b.exwiz.test",
				      "version", "Exchange 2019", "serial_number", "addresses"));
	json_object_set_new(data(x, TICKETS), "exchange_names",
			    json_pack("[{s:s, s:s, s:s, s:[], s:[s,s], s:[s], s:[]}]",
				      "name", "exch1.exwiz.test", "kind", "shared",
				      "version", "Exchange 2019", "addresses",
				      "members", "EX19A", "EX19B", "spns", "HTTP/exch1.exwiz.test",
				      "alternate_service_accounts"));
	run(x, EW_CAUSE_TOKEN_TOO_LARGE);
	WIN(x, "reg add \\\\ex19a.exwiz.test\\HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP"
	    "\\Parameters /v MaxFieldLength /t REG_DWORD /d 20875 /f");
	WIN(x, "reg add \\\\ex19b.exwiz.test\\HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP"
	    "\\Parameters /v MaxRequestBytes /t REG_DWORD /d 20875 /f");
	NOWIN(x, "reg add \\\\exch1.exwiz.test\\HKLM");
	/* the other name given, fe1, is no shared one: as before */
	WIN(x, "reg add \\\\fe1.region1.exwiz.test\\HKLM\\SYSTEM\\CurrentControlSet\\Services"
	    "\\HTTP\\Parameters /v MaxRequestBytes /t REG_DWORD /d 20875 /f");
}

static void test_sid_limit(void **state)
{
	struct fx_case *x = *state;

	json_object_set_new(data(x, GROUPS), "lsa_sids", json_integer(1050));
	run(x, EW_CAUSE_SID_LIMIT);
	TITLE(x, "bob's token would carry 1,050 SIDs: over the limit of 1,010 (KB328889)");
	WIN(x, "Get-ADPrincipalGroupMembership bob | Measure-Object");
	CONFIRM(x, "exwizard check groups " BOB_CHECK);
}

#define CAROL_DN "CN=Carol Cooper,OU=Staff,DC=exwiz,DC=test"
#define EXCH1_DN "CN=EXCH1,CN=Servers,CN=First Administrative Group,CN=Administrative Groups," \
	"CN=EXWIZ,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=exwiz,DC=test"
#define CAROL_CHECK "-r EXWIZ.TEST -u carol -x exch1.exwiz.test -m junior"

static void test_mailbox_half_moved(void **state)
{
	struct fx_case *x = *state;

	run(x, EW_CAUSE_MAILBOX_HALF_MOVED);
	TITLE(x, "carol's mailbox is half-moved: homeMDB is on EXCH1, msExchHomeServerName, "
	      "homeMTA and legacyExchangeDN still name the old server");
	WIN(x, "Set-ADUser -Identity '" CAROL_DN "' -Replace @{msExchHomeServerName="
	    "'/o=EXWIZ/ou=First Administrative Group/cn=Configuration/cn=Servers/cn=EXCH1'; "
	    "homeMTA='CN=Microsoft MTA," EXCH1_DN "'; legacyExchangeDN="
	    "'/o=EXWIZ/ou=First Administrative Group/cn=Recipients/cn=carol'}");
	WIN(x, "-Add @{proxyAddresses='X500:/o=EXWIZ/ou=OLDSITE/cn=Recipients/cn=carol'}");
	WIN(x, "Move Mailbox to Mailbox Store (EXCH1) on EXCH1");
	CONFIRM(x, "exwizard check mailbox " CAROL_CHECK);
	CONFIRM(x, "klist get exchangeMDB/EXCH1");
}

static void test_mailbox_descriptor(void **state)
{
	struct fx_case *x = *state;

	run(x, EW_CAUSE_MAILBOX_DESCRIPTOR);
	TITLE(x, "carol's mailbox security descriptor gives carol no full mailbox access "
	      "(msExchMailboxSecurityDescriptor is not set)");
	WIN(x, "'O:PSG:PSD:(A;CI;CCRC;;;PS)'");
	WIN(x, "Set-ADUser -Identity '" CAROL_DN "' -Replace @{msExchMailboxSecurityDescriptor=$b}");
	WIN(x, "Add-MailboxPermission -Identity carol -User carol -AccessRights FullAccess");
	CONFIRM(x, "exwizard check mailbox " CAROL_CHECK);
}

static void test_mover_rights(void **state)
{
	struct fx_case *x = *state;

	run(x, EW_CAUSE_MOVER_RIGHTS);
	TITLE(x, "junior could not move the mailbox: cannot write homeMDB, homeMTA, "
	      "msExchHomeServerName, targetAddress, proxyAddresses and legacyExchangeDN; no "
	      "Full Control on the Exchange organization or administrative groups");
	WIN(x, "dsacls \"CN=EXWIZ,CN=Microsoft Exchange,CN=Services,CN=Configuration,"
	    "DC=exwiz,DC=test\" /G \"junior@exwiz.test:GA\" /I:T");
	WIN(x, "dsacls \"CN=OLDSITE,CN=Administrative Groups,CN=EXWIZ,CN=Microsoft Exchange,"
	    "CN=Services,CN=Configuration,DC=exwiz,DC=test\" /G \"junior@exwiz.test:GA\"");
	WIN(x, "Add-ADPermission -Identity '" CAROL_DN "' -User junior -AccessRights "
	    "WriteProperty -Properties homeMDB,homeMTA,msExchHomeServerName,targetAddress,"
	    "proxyAddresses,legacyExchangeDN");
	WIN(x, "dsacls \"" CAROL_DN "\" /G \"junior@exwiz.test:WP;legacyExchangeDN\"");
	CONFIRM(x, "exwizard check mailbox " CAROL_CHECK);
}

/* Any "<" or ">" in the cause's text: a placeholder, or a shell redirection
 * where a command to paste is. */
static int has_angle(const struct ew_diag_cause *c)
{
	size_t i;

	if (strpbrk(c->title, "<>") || strpbrk(c->confirm, "<>"))
		return 1;
	for (i = 0; i < c->nfix_windows; i++)
		if (strpbrk(c->fix_windows[i], "<>"))
			return 1;
	for (i = 0; i < c->nfix_linux; i++)
		if (strpbrk(c->fix_linux[i], "<>"))
			return 1;
	return 0;
}

/* Every cause on the lab data of bob and of carol: a title naming more than
 * the catalogue's, commands on both sides, a confirm with the same target;
 * no placeholder. */
static void test_every_cause_lab(void **state)
{
	static const char *const targets[2] = { FIX_TARGET_BOB, FIX_TARGET_CAROL };
	struct fx_case x;
	size_t i, t;

	(void)state;
	for (t = 0; t < 2; t++)
		for (i = 0; i < ew_ncauses; i++) {
			case_init(&x, targets[t]);
			run(&x, ew_causes[i].id);
			if (x.c.nfix_windows == 0 || x.c.nfix_linux == 0 || has_angle(&x.c) ||
			    strncmp(x.c.confirm, "Run again: exwizard check ", 26) != 0 ||
			    !strstr(x.c.confirm, t ? "-u carol" : "-u bob@EXWIZ.TEST")) {
				print_cause(&x.c);
				fail_msg("cause %s", ew_causes[i].id);
			}
			case_free(&x);
		}
}

/* Without any step data, and without a target: still the catalogue's title,
 * commands on both sides and how to confirm. */
static void test_every_cause_no_data(void **state)
{
	struct ew_diag_cause c;
	json_t *target = load("{\"realm\":\"EXWIZ.TEST\",\"user\":\"dave@EXWIZ.TEST\"}");
	size_t i, k;

	(void)state;
	for (k = 0; k < 2; k++)
		for (i = 0; i < ew_ncauses; i++) {
			memset(&c, 0, sizeof(c));
			c.def = &ew_causes[i];
			ew_diag_fix(&c, NULL, 0, k ? target : NULL);
			if (!c.title || !c.confirm || c.nfix_windows == 0 || c.nfix_linux == 0 ||
			    !strstr(c.confirm, "exwizard check") ||
			    (k && !strstr(c.confirm, "-u dave@EXWIZ.TEST"))) {
				print_cause(&c);
				fail_msg("cause %s without data", ew_causes[i].id);
			}
			cause_clear(&c);
		}
	json_decref(target);
}

/* A report from a hostile file: null in lists and names, a non-string
 * Exchange server, a huge token; every fix still comes out, nothing reads
 * through a NULL. */
static void test_hostile_data(void **state)
{
	struct fx_case *x = *state;
	json_t *recs = json_object_get(data(x, DNS), "records"), *r;
	size_t i, k;

	json_array_foreach(recs, i, r) {
		json_t *ans = json_array();

		json_array_append_new(ans, json_null());
		json_object_set_new(r, "answers", ans);
		if (i % 2)
			json_object_set_new(r, "name", json_null());
	}
	json_object_del(data(x, TICKETS), "kdcs");	/* the DC then comes from the SRV answers */
	json_array_append_new(json_object_get(x->target, "exchange"), json_integer(7));
	json_object_set_new(data(x, GROUPS), "estimate_2012", json_integer(LLONG_MAX));
	json_object_set_new(data(x, GROUPS), "estimate_legacy", json_integer(LLONG_MIN));
	for (k = 0; k < ew_ncauses; k++) {
		cause_clear(&x->c);
		add_evidence(x, "dns", "DNS-SRV", "_kerberos._udp.exwiz.test: No Record Available");
		run(x, ew_causes[k].id);
		assert_true(x->c.nfix_windows > 0);
	}
	assert_null(strstr(x->c.title ? x->c.title : "", "(null)"));
}

/* A DN with a quote stays one PowerShell string: the quote is doubled. */
static void test_quoted_names(void **state)
{
	struct fx_case *x = *state;
	json_t *attrs = json_object_get(data(x, MAILBOX), "attributes");

	json_object_set_new(attrs, "dn", json_string("CN=Pat O'Brien,OU=Staff,DC=exwiz,DC=test"));
	run(x, EW_CAUSE_MAILBOX_HALF_MOVED);
	WIN(x, "Set-ADUser -Identity 'CN=Pat O''Brien,OU=Staff,DC=exwiz,DC=test' -Replace");
	cause_clear(&x->c);
	run(x, EW_CAUSE_MAILBOX_DESCRIPTOR);
	WIN(x, "Set-ADUser -Identity 'CN=Pat O''Brien,OU=Staff,DC=exwiz,DC=test' -Replace "
	    "@{msExchMailboxSecurityDescriptor=$b}");
}

/* A step run for an earlier target names nothing in the fix. */
static void test_stale_step(void **state)
{
	struct fx_case *x = *state;

	json_object_set_new(data(x, MAILBOX), "stale", json_string("alice"));
	run(x, EW_CAUSE_MAILBOX_HALF_MOVED);
	assert_null(strstr(x->c.title, "EXCH1"));
	assert_false(has_line(x->c.fix_windows, x->c.nfix_windows, "Set-ADUser -Identity 'CN=Carol"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_tgt, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_dns_srv_missing, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_dns_resolver_split, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_dns_cache_stale, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_name_canon, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_realm_hint, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_kdc_unreachable, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_kdc_tcp_blocked, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_clock_skew, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_spn_missing, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_spn_duplicate, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_spn_wrong_account, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_spn_wrong_account_asa, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_enctype_rc4_client, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_token_too_large_shared, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_enctype, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_enctype_asa, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_token_too_large, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_sid_limit, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_mailbox_half_moved, setup_carol, teardown),
		cmocka_unit_test_setup_teardown(test_mailbox_descriptor, setup_carol, teardown),
		cmocka_unit_test_setup_teardown(test_mover_rights, setup_carol, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_data, setup_bob, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_names, setup_carol, teardown),
		cmocka_unit_test_setup_teardown(test_stale_step, setup_carol, teardown),
		cmocka_unit_test(test_every_cause_lab),
		cmocka_unit_test(test_every_cause_no_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
