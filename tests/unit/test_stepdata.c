/*
 * test_stepdata.c - the typed step data (core/stepdata.c, core/datafields.c)
 * and the wizard's data views (tui/wizdata.c): each kind written and read
 * back unchanged, the JSON as the steps have always written it, hostile and
 * wrong-typed data refused with a reason, and the views showing what the
 * steps wrote (names an admin knows, cut values marked).
 */
#include "testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "datafields.h"
#include "run.h"
#include "stepdata.h"
#include "wizdata.h"
#include "wizlines.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

static char *dump(const json_t *j)
{
	char *s = json_dumps(j, DUMP_FLAGS);

	assert_non_null(s);
	return s;
}

/* j (consumed) as text has needle. */
static void assert_dump_has(json_t *j, const char *needle)
{
	char *s = dump(j);

	if (strstr(s, needle) == NULL)
		fail_msg("%s has no %s", s, needle);
	free(s);
	json_decref(j);
}

/* a and b (consumed) are the same text. */
static void assert_same_dump(json_t *a, json_t *b)
{
	char *s1 = dump(a), *s2 = dump(b);

	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	json_decref(a);
	json_decref(b);
}

static char **strs(size_t n, ...)
{
	char **v = calloc(n, sizeof(*v));
	va_list ap;
	size_t i;

	assert_non_null(v);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		v[i] = ew_field_dup(va_arg(ap, const char *));
	va_end(ap);
	return v;
}

/* ---- filled structs ---- */

static void fill_dns(struct ew_dns_data *d)
{
	struct ew_dns_record_data *r;

	memset(d, 0, sizeof(*d));
	d->gathered = 1;
	d->credentials.method = ew_field_dup("DNS questions carry no credentials");
	d->credentials.server = ew_field_dup("127.0.0.2, 127.0.0.10");
	d->servers = calloc(1, sizeof(*d->servers));
	d->nservers = 1;
	d->servers[0].address = ew_field_dup("127.0.0.2");
	d->servers[0].source = ew_field_dup("resolv.conf");
	d->records = r = calloc(1, sizeof(*d->records));
	d->nrecords = 1;
	r->name = ew_field_dup("_ldap._tcp.dc._msdcs.exwiz.test");
	r->type = ew_field_dup("SRV");
	r->server = ew_field_dup("127.0.0.10");
	r->status = ew_field_dup("ok");
	r->answers = strs(1, "0 100 389 dc1.exwiz.test");
	r->nanswers = 1;
	r->ttl = 900;
	r->rtt_ms = 3;
	d->queries = 42;
	d->round_trips = 3;
}

static void fill_groups(struct ew_groups_data *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->bound = d->gathered = 1;
	d->credentials.as = ew_field_dup("bob@EXWIZ.TEST");
	d->credentials.method = ew_field_dup("GSSAPI (sealed)");
	d->credentials.server = ew_field_dup("dc1.exwiz.test");
	d->user_dn = ew_field_dup("CN=Bob,OU=Staff,DC=exwiz,DC=test");
	d->user_sid = ew_field_dup("S-1-5-21-1-2-3-1105");
	d->counts.global = 3;
	d->estimate_legacy = 1440;
	d->estimate_2012 = 1320;
	d->direct_groups = strs(1, "CN=Staff,OU=Groups,DC=exwiz,DC=test");
	d->ndirect_groups = 1;
	d->groups = calloc(1, sizeof(*d->groups));
	d->ngroups = 1;
	d->groups[0].sid = ew_field_dup("S-1-5-21-1-2-3-1114");
	d->groups[0].name = ew_field_dup("Deep");
	d->groups[0].scope = ew_field_dup("global");
	d->groups[0].security = 1;
	d->groups[0].depth = 3;
	d->groups[0].path = ew_field_dup(path);
	d->source = ew_field_dup("tokenGroups");
	d->ldap_requests = 4;
	d->dc = ew_field_dup("dc1.exwiz.test");
	d->bind = ew_field_dup("GSSAPI (sealed)");
}

static void fill_mailbox(struct ew_mailbox_data *d, int judged)
{
	struct ew_mover_right_data *r;

	memset(d, 0, sizeof(*d));
	d->bound = d->read = d->gathered = d->counted = 1;
	d->credentials.as = ew_field_dup("Administrator@EXWIZ.TEST");
	d->read_as = ew_field_dup("Administrator@EXWIZ.TEST");
	d->attributes.dn = ew_field_dup("CN=Carol Cooper,OU=Staff,DC=exwiz,DC=test");
	d->attributes.homeMDB = ew_field_dup("CN=Mailbox Store (EXCH1),CN=EXCH1");
	d->attributes.msExchHomeServerName =
		ew_field_dup("/o=EXWIZ/ou=OLDSITE/cn=Configuration/cn=Servers/cn=EX55");
	d->attributes.msExchMailboxGuid = 1;
	d->attributes.proxyAddresses = strs(1, "SMTP:carol@exwiz.test");
	d->attributes.nproxyAddresses = 1;
	d->map.dc = ew_field_dup("dc1.exwiz.test");
	d->map.mailbox_server = ew_field_dup("EXCH1");
	d->ldap_requests = 5;
	d->mover_state = judged ? EW_MOVER_JUDGED : EW_MOVER_NULL;
	if (!judged)
		return;
	d->mover.account = ew_field_dup("junior");
	d->mover.rights = r = calloc(2, sizeof(*r));
	d->mover.nrights = 2;
	r[0].kind = EW_MOVER_ON_OBJECT;
	r[0].object = ew_field_dup("the target server");
	r[0].dn = ew_field_dup("CN=EXCH1,CN=Servers");
	r[0].rights = ew_field_dup("0x0");
	r[1].kind = EW_MOVER_ATTRIBUTE;
	r[1].object = ew_field_dup("user");
	r[1].right = ew_field_dup("msExchHomeServerName");
}

/* ---- written and read back ---- */

#define ROUND_TRIP(kind, d) do { \
		json_t *j1 = ew_##kind##_data_to_json(d); \
		struct ew_##kind##_data back = {0}; \
		char err[256] = ""; \
		\
		assert_non_null(j1); \
		assert_int_equal(ew_##kind##_data_from_json(j1, &back, err, sizeof(err)), 0); \
		assert_same_dump(j1, ew_##kind##_data_to_json(&back)); \
		ew_##kind##_data_free(&back); \
		ew_##kind##_data_free(d); \
	} while (0)

static void test_round_trips(void **state)
{
	struct ew_dns_data dns;
	struct ew_groups_data groups;
	struct ew_mailbox_data mbx;
	struct ew_tickets_data tk = {0};
	struct ew_dns_data empty = {0};

	(void)state;
	fill_dns(&dns);
	ROUND_TRIP(dns, &dns);
	fill_groups(&groups, "Staff > Deep");
	ROUND_TRIP(groups, &groups);
	fill_mailbox(&mbx, 1);
	ROUND_TRIP(mailbox, &mbx);
	fill_mailbox(&mbx, 0);
	ROUND_TRIP(mailbox, &mbx);
	tk.gathered = 1;
	tk.credentials.method = ew_field_dup("Kerberos credential cache");
	tk.kdc_probes = calloc(1, sizeof(*tk.kdc_probes));
	tk.nkdc_probes = 1;
	tk.kdc_probes[0].host = ew_field_dup("dc1.exwiz.test");
	tk.kdc_probes[0].have_skew = 1;
	tk.kdc_probes[0].skew_s = -0.25;
	tk.config.clockskew = 300;
	ROUND_TRIP(tickets, &tk);
	ROUND_TRIP(dns, &empty);
}

/* The JSON the steps wrote before the data was typed, key for key. */
static void test_json_as_before(void **state)
{
	struct ew_dns_record_data r = {0};
	struct ew_mailbox_data m;
	json_t *old;

	(void)state;
	r.name = ew_field_dup("dc1.exwiz.test");
	r.type = ew_field_dup("A");
	r.server = ew_field_dup("127.0.0.2");
	r.status = ew_field_dup("ok");
	r.answers = strs(1, "127.0.0.10");
	r.nanswers = 1;
	r.ttl = 3600;
	r.rtt_ms = 2;
	old = json_pack("{s:s, s:s, s:s, s:s, s:[s], s:I, s:I, s:[], s:b, s:b, s:s?}", "name",
			"dc1.exwiz.test", "type", "A", "server", "127.0.0.2", "status", "ok",
			"answers", "127.0.0.10", "ttl", (json_int_t)3600, "rtt_ms",
			(json_int_t)2, "cnames", "truncated", 0, "tcp", 0, "error", NULL);
	assert_same_dump(ew_dns_record_data_to_json(&r), old);
	ew_dns_record_data_free(&r);

	/* Mover judged: before the attributes; none given: null after the SPNs. */
	fill_mailbox(&m, 1);
	assert_dump_has(ew_mailbox_data_to_json(&m), "\"read_as\":\"Administrator@EXWIZ.TEST\","
			"\"mover\":{\"account\":\"junior\",\"groups\":[],\"rights\":[{"
			"\"object\":\"the target server\",\"dn\":\"CN=EXCH1,CN=Servers\","
			"\"rights\":\"0x0\",\"full_control\":false},{\"object\":\"user\","
			"\"right\":\"msExchHomeServerName\",\"granted\":false}]},\"attributes\":{");
	assert_dump_has(ew_mailbox_data_to_json(&m),
			"\"public_folders\":null},\"spns\":[],\"ldap_requests\":5}");
	ew_mailbox_data_free(&m);
	fill_mailbox(&m, 0);
	assert_dump_has(ew_mailbox_data_to_json(&m),
			"\"spns\":[],\"mover\":null,\"ldap_requests\":5}");
	ew_mailbox_data_free(&m);
}

/* ---- hostile and wrong-typed data ---- */

static void refused(int (*from)(const char *, char *, size_t), const char *text,
		    const char *why)
{
	char err[256] = "";

	assert_int_equal(from(text, err, sizeof(err)), -1);
	if (strstr(err, why) == NULL)
		fail_msg("%s: error \"%s\", expected \"%s\"", text, err, why);
}

#define FROM_TEXT(kind) \
	static int kind##_from_text(const char *text, char *err, size_t errlen) \
	{ \
		json_t *j = json_loads(text, JSON_DECODE_ANY, NULL); \
		struct ew_##kind##_data d = {0}; \
		int rc; \
		\
		rc = ew_##kind##_data_from_json(j, &d, err, errlen); \
		ew_##kind##_data_free(&d); \
		json_decref(j); \
		return rc; \
	}

FROM_TEXT(dns)
FROM_TEXT(tickets)
FROM_TEXT(groups)
FROM_TEXT(mailbox)

static void test_hostile(void **state)
{
	static const struct {
		int (*from)(const char *, char *, size_t);
		const char *text, *why;
	} cases[] = {
		{ dns_from_text, "[1,2]",
		  "dns data: not an object" },
		{ dns_from_text, "null",
		  "not an object" },
		{ dns_from_text, "{\"records\":\"x\"}",
		  "records is not a list" },
		{ dns_from_text, "{\"records\":[{\"type\":\"A\"}]}",
		  "DNS record: no name" },
		{ dns_from_text, "{\"records\":[{\"name\":1}]}",
		  "name is not a string or null" },
		{ dns_from_text, "{\"records\":[{\"name\":\"a\",\"type\":\"A\",\"server\":\"s\","
		  "\"status\":\"ok\",\"answers\":[\"x\",7]}]}",
		  "item 1 is not a string" },
		{ dns_from_text, "{\"queries\":\"many\"}",
		  "queries is not an integer" },
		{ tickets_from_text, "{\"kdc_probes\":[{\"host\":\"h\",\"address\":null,"
		  "\"port\":88,\"transport\":\"udp\",\"ok\":\"yes\"}]}",
		  "ok is not true or false" },
		{ tickets_from_text, "{\"config\":[]}",
		  "config is not an object" },
		{ groups_from_text, "{\"counts\":{\"global\":1}}",
		  "group counts: no domain_local" },
		{ groups_from_text, "{\"groups\":[null]}",
		  "group: not an object" },
		{ mailbox_from_text, "{\"mover\":{\"account\":\"j\",\"groups\":[],\"rights\":"
		  "[{\"object\":{}}]}}",
		  "object is not a string" },
		{ mailbox_from_text, "{\"map\":{\"dc\":\"d\"}}",
		  "connection map: no gc" },
	};
	char err[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refused(cases[i].from, cases[i].text, cases[i].why);
	/* Not from a step at all, or only the keys of a step cut short. */
	assert_int_equal(dns_from_text("{}", err, sizeof(err)), 0);
	assert_int_equal(mailbox_from_text("{\"credentials\":{\"as\":null,\"method\":\"m\","
					   "\"server\":null},\"ldap_requests\":0,\"stale\":\"x\"}",
					   err, sizeof(err)), 0);
	/* A short error buffer is cut, never overrun. */
	{
		char tiny[8];

		memset(tiny, 'x', sizeof(tiny));
		assert_int_equal(groups_from_text("{\"groups\":7}", tiny, 4), -1);
		assert_int_equal(strlen(tiny), 3);
		assert_int_equal(tiny[4], 'x');
	}
}

/* ---- the views ---- */

static void view(enum ew_data_kind k, const json_t *j, int width, int whole, char ***v,
		 size_t *n)
{
	*v = NULL;
	*n = 0;
	ew_wiz_data_view(k, j, "…", width, whole, v, n);
}

static int has_line(char **v, size_t n, const char *needle)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(v[i], needle))
			return 1;
	return 0;
}

static void test_views(void **state)
{
	struct ew_mailbox_data m;
	struct ew_groups_data g;
	struct ew_dns_data dns;
	json_t *j;
	char **v;
	size_t n, i;
	const char *deep = "Staff > Region One > Sales East > Sales East Managers > Deep";

	(void)state;
	/* The mailbox: every attribute by its name in AD, the mover's rights
	 * named, no internal key. */
	fill_mailbox(&m, 1);
	j = ew_mailbox_data_to_json(&m);
	view(EW_DATA_MAILBOX, j, 200, 0, &v, &n);
	assert_true(has_line(v, n, "msExchHomeServerName             "
			     "/o=EXWIZ/ou=OLDSITE/cn=Configuration/cn=Servers/cn=EX55"));
	assert_true(has_line(v, n, "Write msExchHomeServerName       not allowed on the user"));
	assert_true(has_line(v, n, "the target server                none, CN=EXCH1,CN=Servers"));
	assert_true(has_line(v, n, "Mailbox server (of homeMDB)      EXCH1"));
	assert_true(has_line(v, n, "targetAddress                    (not set)"));
	assert_false(has_line(v, n, "mailbox_server"));
	assert_false(has_line(v, n, "mover on"));
	ew_lines_free(v, n);
	/* Narrow: the long value cut and marked; whole: all of it. */
	view(EW_DATA_MAILBOX, j, 60, 0, &v, &n);
	assert_true(has_line(v, n, "msExchHomeServerName             /o=EXWIZ/ou=OLDSITE/cn=C…"));
	ew_lines_free(v, n);
	view(EW_DATA_MAILBOX, j, 60, 1, &v, &n);
	assert_true(has_line(v, n, "cn=Servers/cn=EX55"));
	ew_lines_free(v, n);
	json_decref(j);
	ew_mailbox_data_free(&m);

	/* The groups: a nesting chain wider than the pane is cut and marked. */
	fill_groups(&g, deep);
	j = ew_groups_data_to_json(&g);
	view(EW_DATA_GROUPS, j, 40, 0, &v, &n);
	for (i = 0; i < n && strstr(v[i], "global        Staff > ") == NULL; i++)
		;
	assert_true(i < n);
	assert_int_equal(ew_lines_cols(v[i]), 40);
	assert_non_null(strstr(v[i], "…"));
	ew_lines_free(v, n);
	view(EW_DATA_GROUPS, j, 40, 1, &v, &n);
	assert_true(has_line(v, n, deep));
	ew_lines_free(v, n);
	json_decref(j);
	ew_groups_data_free(&g);

	/* The DNS table reads what the step writes. */
	fill_dns(&dns);
	j = ew_dns_data_to_json(&dns);
	view(EW_DATA_DNS, j, 120, 0, &v, &n);
	assert_true(n == 2 && strncmp(v[0], "Name", 4) == 0);
	assert_non_null(strstr(v[1], "127.0.0.10"));
	assert_non_null(strstr(v[1], "0 100 389 dc1.exwiz.test"));
	ew_lines_free(v, n);
	json_decref(j);
	ew_dns_data_free(&dns);

	/* Data that is not what its kind says: why, then the JSON as saved. */
	j = json_pack("{s:s}", "records", "x");
	view(EW_DATA_DNS, j, 80, 0, &v, &n);
	assert_true(n >= 2);
	assert_non_null(strstr(v[0], "cannot be shown as a table (dns data: records is not a list)"));
	assert_true(has_line(v, n, "\"records\": \"x\""));
	ew_lines_free(v, n);
	view(EW_DATA_JSON, j, 80, 0, &v, &n);
	assert_false(has_line(v, n, "cannot be shown"));
	assert_true(has_line(v, n, "\"records\": \"x\""));
	ew_lines_free(v, n);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_json_as_before),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_views),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
