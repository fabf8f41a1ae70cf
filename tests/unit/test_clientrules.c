/*
 * test_clientrules.c - the client step's rules (clientrules.h) on the lab's
 * client files (tests/lab/client, as Windows writes them) and on small
 * pastes, and the diagnosis they feed: the event is the symptom with its
 * SPN, the client's missing ticket backs the cause the domain's finding for
 * that SPN proves, a negative answer in the client's cache is dns-cache-stale
 * with the client's flush, healthy output adds no cause, and another
 * account's tickets are never read as the user's. Pure: no network.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "causes.h"
#include "clientrules.h"
#include "diagnosis.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"

#ifndef EW_CLIENTLAB_DIR
#define EW_CLIENTLAB_DIR "tests/lab/client"
#endif

static const char *const exch55[] = { "ex55.exwiz.test" };
static const char *const exch1[] = { "exch1.exwiz.test" };

static struct ew_client_paste *lab(const char *name)
{
	size_t len = 0;
	char *buf = tu_clientlab_slurp(EW_CLIENTLAB_DIR, name, &len);
	struct ew_client_paste *p;

	p = ew_client_parse(buf, len);
	free(buf);
	assert_non_null(p);
	return p;
}

static struct ew_client_paste *text(const char *s)
{
	struct ew_client_paste *p = ew_client_parse(s, strlen(s));

	assert_non_null(p);
	return p;
}

/* The client step's result for the pastes (freed), names source[i]. */
static struct ew_step_result *rules(struct ew_client_paste **p, const char *const *source,
				    size_t n, const char *user, const char *const *exchange,
				    size_t nexchange)
{
	struct ew_client_context cx = { user, "EXWIZ.TEST", "exwiz.test", exchange, nexchange };
	struct ew_step_result *r = ew_step_result_new("client", "What the Windows client sees");
	size_t i;

	assert_non_null(r);
	assert_int_equal(ew_client_rules((const struct ew_client_paste *const *)p, source, n,
					 &cx, r), 0);
	for (i = 0; i < n; i++)
		ew_client_free(&p[i]);
	r->status = (enum ew_status)ew_step_result_worst(r);
	return r;
}

/* The first finding of check with severity sev whose title has needle. */
static const struct ew_finding *find(const struct ew_step_result *r, const char *check,
				     enum ew_severity sev, const char *needle)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i]->check, check) == 0 && r->findings[i]->severity == sev &&
		    (needle == NULL || strstr(r->findings[i]->title, needle)))
			return r->findings[i];
	return NULL;
}

static size_t count_sev(const struct ew_step_result *r, enum ew_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += r->findings[i]->severity == sev;
	return n;
}

static void test_broken_scenario(void **state)
{
	struct ew_client_paste *p[3] = { lab("broken-event.txt"), lab("broken-klist.txt"),
					 lab("broken-displaydns.txt") };
	const char *src[3] = { "event.txt", "klist.txt", "dns.txt" };
	struct ew_step_result *r = rules(p, src, 3, "alice", exch55, 1);
	const struct ew_finding *f;
	const json_t *sym, *miss;

	(void)state;
	f = find(r, EW_CK_CLIENT_EVENT, EW_WARN, "exchangeRFR/ex55.exwiz.test");
	assert_non_null(f);
	assert_non_null(strstr(f->title, "Event 40960 on PC01.exwiz.test"));
	assert_non_null(strstr(f->title, "0xc000005e"));
	assert_null(f->cause);	/* a symptom, not a cause */
	f = find(r, EW_CK_CLIENT_TICKETS, EW_WARN, "holds no ticket for exchangeRFR/ex55.exwiz.test");
	assert_non_null(f);
	assert_non_null(strstr(f->title, "klist.txt"));
	f = find(r, EW_CK_CLIENT_DNS, EW_WARN, "_kerberos._udp.exwiz.test");
	assert_non_null(f);
	assert_string_equal(f->cause, EW_CAUSE_DNS_CACHE_STALE);
	assert_non_null(strstr(f->remedy, "ipconfig /flushdns"));
	/* no AAAA record for ex55 is no fault */
	assert_null(find(r, EW_CK_CLIENT_DNS, EW_WARN, "ex55.exwiz.test"));
	sym = json_object_get(r->data, "symptoms");
	assert_int_equal(json_array_size(sym), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sym, 0), "id")),
			    EW_SYM_40960);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sym, 0), "spn")),
			    "exchangeRFR/ex55.exwiz.test");
	miss = json_object_get(r->data, "missing");
	assert_int_equal(json_array_size(miss), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(miss, 0), "spn")),
			    "exchangeRFR/ex55.exwiz.test");
	assert_int_equal(json_array_size(json_object_get(r->data, "texts")), 3);
	ew_step_result_free(&r);
}

/* Two ipconfig /all texts with the same servers: each says them. */
static void test_two_ipconfigs(void **state)
{
	struct ew_client_paste *p[2] = { lab("broken-ipconfig.txt"), lab("broken-ipconfig.txt") };
	const char *src[2] = { "a.txt", "b.txt" };
	struct ew_step_result *r = rules(p, src, 2, "alice", exch1, 1);

	(void)state;
	assert_non_null(find(r, EW_CK_CLIENT_RESOLVERS, EW_INFO, "a.txt: the client asks "
			     "127.0.0.2, 127.0.0.3"));
	assert_non_null(find(r, EW_CK_CLIENT_RESOLVERS, EW_INFO, "b.txt: the client asks "
			     "127.0.0.2, 127.0.0.3"));
	assert_int_equal(json_array_size(json_object_get(r->data, "dns_servers")), 2);
	ew_step_result_free(&r);
}

static void test_healthy_has_no_warning(void **state)
{
	struct ew_client_paste *p[3] = { lab("healthy-klist.txt"), lab("healthy-displaydns.txt"),
					 lab("healthy-whoami.txt") };
	const char *src[3] = { "klist.txt", "dns.txt", "whoami.txt" };
	struct ew_step_result *r = rules(p, src, 3, "alice", exch1, 1);

	(void)state;
	assert_int_equal(count_sev(r, EW_WARN), 0);
	assert_int_equal(count_sev(r, EW_FAIL), 0);
	assert_non_null(find(r, EW_CK_CLIENT_TICKETS, EW_PASS, "exchangeRFR/exch1.exwiz.test"));
	assert_non_null(find(r, EW_CK_CLIENT_DNS, EW_PASS, NULL));
	/* 13 rows, the mandatory label is no group */
	assert_non_null(find(r, EW_CK_CLIENT_TOKEN, EW_INFO, "12 groups"));
	assert_int_equal(json_array_size(json_object_get(r->data, "symptoms")), 0);
	ew_step_result_free(&r);
}

/* bob's klist given for alice: named as bob's, never read as alice's. */
static void test_other_account(void **state)
{
	struct ew_client_paste *p[2] = { lab("broken-event.txt"), lab("healthy-klist.txt") };
	const char *src[2] = { "event.txt", "klist.txt" };
	struct ew_step_result *r = rules(p, src, 2, "bob", exch1, 1);
	size_t i;

	(void)state;
	assert_non_null(find(r, EW_CK_CLIENT_TICKETS, EW_INFO,
			     "tickets of alice@EXWIZ.TEST, not of bob"));
	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i]->check, EW_CK_CLIENT_TICKETS) == 0)
			assert_int_equal(r->findings[i]->severity, EW_INFO);
	assert_int_equal(json_array_size(json_object_get(r->data, "missing")), 0);
	/* alice's event is no symptom of bob's */
	assert_non_null(find(r, EW_CK_CLIENT_EVENT, EW_INFO, "is EXWIZ\\alice's, not bob's"));
	assert_null(find(r, EW_CK_CLIENT_EVENT, EW_WARN, NULL));
	assert_int_equal(json_array_size(json_object_get(r->data, "symptoms")), 0);
	ew_step_result_free(&r);
}

static void test_read_findings(void **state)
{
	struct ew_client_paste *p[3] = {
		text("Hello, here is what you asked for\r\nno idea what this is\r\n"),
		text("\r\nAktuelle Anmeldungs-ID ist 0:0x3e7\r\n\r\nZwischengespeicherte "
		     "Tickets: (0)\r\n"),
		text("\r\nCurrent LogonId is 0:0x3e7\r\n\r\nCached Tickets: (0)\r\n"
		     "this line is not klist\r\n"),
	};
	const char *src[3] = { "chat.txt", "german.txt", "klist.txt" };
	struct ew_step_result *r = rules(p, src, 3, "alice", exch1, 1);
	const struct ew_finding *f;

	(void)state;
	assert_non_null(find(r, EW_CK_CLIENT_READ, EW_SKIP, "chat.txt: nothing exwizard reads"));
	f = find(r, EW_CK_CLIENT_READ, EW_WARN, "german.txt: this looks like German");
	assert_non_null(f);
	assert_non_null(strstr(f->title, "not read"));
	f = find(r, EW_CK_CLIENT_READ, EW_WARN, "klist.txt: 1 line not read");
	assert_non_null(f);
	assert_int_equal(f->nevidence, 1);
	assert_non_null(strstr(f->evidence[0], "this line is not klist"));
	ew_step_result_free(&r);
}

static void test_target_client(void **state)
{
	struct ew_target *t = ew_target_new(), *d, *c;
	char err[256], *big;
	json_t *j;

	(void)state;
	assert_int_equal(ew_target_set_user(t, "alice", err, sizeof(err)), 0);
	assert_int_equal(ew_target_add_client(t, "klist.txt", "a\0b", 3, err, sizeof(err)), 0);
	big = calloc(1, EW_TARGET_CLIENT_MAX + 1);
	assert_non_null(big);
	assert_int_equal(ew_target_add_client(t, "big.txt", big, EW_TARGET_CLIENT_MAX + 1, err,
					       sizeof(err)), -1);
	assert_non_null(strstr(err, "big.txt"));
	free(big);
	d = ew_target_dup(t);
	assert_non_null(d);
	assert_int_equal(d->nclient, 1);
	assert_int_equal(d->client[0].len, 3);
	assert_memory_equal(d->client[0].data, "a\0b", 3);
	j = ew_target_to_json(d);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j,
		"client"), 0), "bytes")), 3);
	json_decref(j);
	/* a file name that is not UTF-8: kept, cleaned, in the JSON */
	assert_int_equal(ew_target_add_client(d, "klist-M\xfcller.txt", "x", 1, err,
					       sizeof(err)), 0);
	j = ew_target_to_json(d);
	assert_int_equal(json_array_size(json_object_get(j, "client")), 2);
	assert_non_null(json_string_value(json_object_get(json_array_get(json_object_get(j,
		"client"), 1), "source")));
	json_decref(j);
	/* the compared user's target carries none of the user's client */
	assert_int_equal(ew_target_set_compare(t, "dave", err, sizeof(err)), 0);
	c = ew_target_compared(t, 0);
	assert_non_null(c);
	assert_int_equal(c->nclient, 0);
	ew_target_free(&c);
	ew_target_free(&d);
	ew_target_free(&t);
}

/* The tickets step as the old server's check leaves it: no account holds
 * exchangeRFR/ex55 (spn-missing), and another resolver fault. */
static struct ew_step_result *tickets_step(void)
{
	struct ew_step_result *r = ew_step_result_new("tickets", "Kerberos tickets");
	struct ew_finding *f = ew_finding_new(EW_CK_KRB_SVC, EW_FAIL,
					      "No session ticket for exchangeRFR/ex55.exwiz.test");

	ew_finding_set_cause(f, EW_CAUSE_SPN_MISSING);
	ew_step_result_add(r, f);
	f = ew_finding_new(EW_CK_KRB_SVC, EW_FAIL, "No session ticket for exchangeAB/ex55.exwiz.test");
	ew_finding_set_cause(f, EW_CAUSE_SPN_MISSING);
	ew_step_result_add(r, f);
	r->status = EW_ST_FAIL;
	return r;
}

static struct ew_step_result *dns_step(void)
{
	struct ew_step_result *r = ew_step_result_new("dns", "DNS");
	struct ew_finding *f = ew_finding_new(EW_CK_DNS_SERVERS, EW_FAIL, "Resolver 127.0.0.3 "
					      "says No Record Available");

	ew_finding_set_cause(f, EW_CAUSE_DNS_RESOLVER_SPLIT);
	ew_step_result_add(r, f);
	r->status = EW_ST_FAIL;
	return r;
}

static const struct ew_diag_cause *cause(const struct ew_diagnosis *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->ncauses; i++)
		if (strcmp(d->causes[i].def->id, id) == 0)
			return &d->causes[i];
	return NULL;
}

static void test_diagnosis_with_client(void **state)
{
	struct ew_client_paste *p[4] = { lab("broken-event.txt"), lab("broken-klist.txt"),
					 lab("broken-displaydns.txt"), lab("broken-ipconfig.txt") };
	/* file names with a slash, as --client-file gives them */
	const char *src[4] = { "in/event.txt", "in/klist.txt", "in/dns.txt", "in/ipconfig.txt" };
	struct ew_step_result *s[3] = { dns_step(), tickets_step(),
					rules(p, src, 4, "alice", exch55, 1) };
	json_t *target = json_pack("{s:s, s:s, s:[s]}", "realm", "EXWIZ.TEST", "user", "alice",
				   "exchange", "ex55.exwiz.test");
	struct ew_diagnosis *d = ew_diagnose((const struct ew_step_result *const *)s, 3, target,
					     NULL, 0);
	const struct ew_diag_cause *c;
	size_t i, client = 0;

	(void)state;
	assert_non_null(d);
	/* the event is the symptom, though none was given */
	assert_int_equal(d->nsymptoms, 1);
	assert_string_equal(d->symptoms[0], EW_SYM_40960);
	assert_string_equal(d->causes[0].def->id, EW_CAUSE_SPN_MISSING);
	assert_non_null(strstr(d->verdict, "Event 40960 for exchangeRFR/ex55.exwiz.test is "
			       "explained by"));
	for (i = 0; i < d->causes[0].nevidence; i++)
		if (strcmp(d->causes[0].evidence[i].check, EW_CK_CLIENT_TICKETS) == 0) {
			client++;
			assert_non_null(strstr(d->causes[0].evidence[i].title,
					       "holds no ticket for exchangeRFR/ex55.exwiz.test"));
		}
	assert_int_equal(client, 1);
	/* its title names the SPNs, never the client's file */
	assert_null(strstr(d->causes[0].title, "klist.txt"));
	assert_null(strstr(d->causes[0].fix_windows[0], "klist.txt"));
	c = cause(d, EW_CAUSE_DNS_CACHE_STALE);
	assert_non_null(c);
	assert_int_equal(c->nfix_windows, 1);
	assert_non_null(strstr(c->fix_windows[0], "ipconfig /flushdns"));
	assert_int_equal(c->nfix_linux, 1);
	assert_non_null(strstr(c->fix_linux[0], "nothing on this host"));
	/* the client asks the resolver that does not serve the AD zone */
	c = cause(d, EW_CAUSE_DNS_RESOLVER_SPLIT);
	assert_non_null(c);
	for (i = 0, client = 0; i < c->nevidence; i++)
		client += strcmp(c->evidence[i].check, EW_CK_CLIENT_RESOLVERS) == 0 &&
			  strstr(c->evidence[i].title, "The Windows client asks 127.0.0.3 too");
	assert_int_equal(client, 1);
	ew_diagnosis_free(&d);
	for (i = 0; i < 3; i++)
		ew_step_result_free(&s[i]);
	json_decref(target);
}

/* Healthy client output adds no cause to what the domain's steps found. */
static void test_diagnosis_healthy_client_adds_nothing(void **state)
{
	struct ew_client_paste *p[2] = { lab("healthy-klist.txt"), lab("healthy-displaydns.txt") };
	const char *src[2] = { "klist.txt", "dns.txt" };
	struct ew_step_result *s[3] = { dns_step(), tickets_step(),
					rules(p, src, 2, "alice", exch1, 1) };
	json_t *target = json_pack("{s:s, s:s}", "realm", "EXWIZ.TEST", "user", "alice");
	struct ew_diagnosis *with = ew_diagnose((const struct ew_step_result *const *)s, 3, target,
						NULL, 0);
	struct ew_diagnosis *without = ew_diagnose((const struct ew_step_result *const *)s, 2,
						   target, NULL, 0);
	size_t i;

	(void)state;
	assert_non_null(with);
	assert_non_null(without);
	assert_int_equal(with->ncauses, without->ncauses);
	assert_int_equal(with->nsymptoms, 0);
	for (i = 0; i < with->ncauses; i++) {
		assert_string_equal(with->causes[i].def->id, without->causes[i].def->id);
		assert_int_equal(with->causes[i].nevidence, without->causes[i].nevidence);
	}
	assert_string_equal(with->verdict, without->verdict);
	ew_diagnosis_free(&with);
	ew_diagnosis_free(&without);
	for (i = 0; i < 3; i++)
		ew_step_result_free(&s[i]);
	json_decref(target);
}

/* The client has no ticket for the SPN its event names, and this host got
 * one: the client's side, here the negative answer in its DNS cache. */
static void test_diagnosis_client_side(void **state)
{
	struct ew_client_paste *p[3] = { lab("broken-event.txt"), lab("broken-klist.txt"),
					 lab("broken-displaydns.txt") };
	const char *src[3] = { "event.txt", "klist.txt", "dns.txt" };
	struct ew_step_result *tk = ew_step_result_new("tickets", "Kerberos tickets");
	struct ew_step_result *s[2] = { tk, rules(p, src, 3, "alice", exch55, 1) };
	json_t *target = json_pack("{s:s, s:s}", "realm", "EXWIZ.TEST", "user", "alice");
	struct ew_diagnosis *d;
	const struct ew_diag_cause *c;
	size_t i, client = 0;

	(void)state;
	json_object_set_new(tk->data, "services", json_pack("[{s:s, s:s}]", "spn",
			    "exchangeRFR/ex55.exwiz.test@EXWIZ.TEST", "status", "ok"));
	tk->status = EW_ST_PASS;
	d = ew_diagnose((const struct ew_step_result *const *)s, 2, target, NULL, 0);
	assert_non_null(d);
	assert_null(cause(d, EW_CAUSE_SPN_MISSING));
	c = cause(d, EW_CAUSE_DNS_CACHE_STALE);
	assert_non_null(c);
	for (i = 0; i < c->nevidence; i++)
		client += strcmp(c->evidence[i].check, EW_CK_CLIENT_TICKETS) == 0;
	assert_int_equal(client, 1);
	ew_diagnosis_free(&d);
	ew_step_result_free(&s[1]);

	/* A stale cache on this host only: not the PC's; the client's missing
	 * ticket is not pinned on it. */
	{
		struct ew_client_paste *q[2] = { lab("broken-event.txt"), lab("broken-klist.txt") };
		struct ew_step_result *dn = ew_step_result_new("dns", "DNS");
		struct ew_finding *f = ew_finding_new(EW_CK_DNS_CACHE, EW_WARN, "The cache "
						      "dnsmasq at 127.0.0.2 answers otherwise");
		const struct ew_step_result *v[3];

		ew_finding_set_cause(f, EW_CAUSE_DNS_CACHE_STALE);
		ew_step_result_add(dn, f);
		dn->status = EW_ST_WARN;
		s[1] = rules(q, src, 2, "alice", exch55, 1);
		v[0] = s[0];
		v[1] = s[1];
		v[2] = dn;
		d = ew_diagnose(v, 3, target, NULL, 0);
		assert_non_null(d);
		c = cause(d, EW_CAUSE_DNS_CACHE_STALE);
		assert_non_null(c);
		for (i = 0; i < c->nevidence; i++)
			assert_string_not_equal(c->evidence[i].step, "client");
		ew_diagnosis_free(&d);
		ew_step_result_free(&dn);
	}
	ew_step_result_free(&s[0]);
	ew_step_result_free(&s[1]);
	json_decref(target);
}

/* whoami /all as Windows prints it (CRLF, columns as wide as the = lines):
 * user and SID, then the groups (name, SID), n of them. */
static char *whoami_all(const char *user, const char *sid, const char *const (*g)[2],
			size_t n)
{
	struct ew_buf b = {0};
	size_t i;

	ew_buf_adds(&b, "\r\nUSER INFORMATION\r\n----------------\r\n\r\n");
	ew_buf_printf(&b, "%-24s %s\r\n%s %s\r\n%-24s %s\r\n\r\n\r\n", "User Name", "SID",
		      "========================", "==============================", user, sid);
	ew_buf_adds(&b, "GROUP INFORMATION\r\n-----------------\r\n\r\n");
	ew_buf_printf(&b, "%-24s %-16s %-30s %s\r\n", "Group Name", "Type", "SID", "Attributes");
	ew_buf_printf(&b, "%s %s %s %s\r\n", "========================", "================",
		      "==============================",
		      "==================================================");
	ew_buf_printf(&b, "%-24s %-16s %-30s %s\r\n", "Everyone", "Well-known group", "S-1-1-0",
		      "Mandatory group, Enabled by default, Enabled group");
	for (i = 0; i < n; i++)
		ew_buf_printf(&b, "%-24s %-16s %-30s %s\r\n", g[i][0], "Group", g[i][1],
			      "Mandatory group, Enabled by default, Enabled group");
	return ew_buf_take(&b);
}

#define DOM "S-1-5-21-1004336348-1177238915-682003330"

/* TOK-CLIENT: the client's token beside the directory's groups. */
static void test_token_compare(void **state)
{
	static const char *const client[][2] = {
		{ "EXWIZ\\Domain Users", DOM "-513" }, { "EXWIZ\\Staff", DOM "-1113" },
		{ "EXWIZ\\Old Team", DOM "-1200" },
	};
	struct ew_group_data dir[3] = {
		{ DOM "-513", "Domain Users", "global", 1, 0, NULL },
		{ DOM "-1113", "Staff", "global", 1, 0, NULL },
		{ DOM "-1300", "Exchange Users", "universal", 1, 0, NULL },
	};
	struct ew_target *t = ew_target_new();
	struct ew_step_result *r = ew_step_result_new("groups", "groups");
	const struct ew_finding *f;
	char err[128], *w;

	(void)state;
	assert_int_equal(ew_target_set_user(t, "alice", err, sizeof(err)), 0);
	w = whoami_all("exwiz\\alice", DOM "-1105", client, 3);
	assert_int_equal(ew_target_add_client(t, "whoami.txt", w, strlen(w), err, sizeof(err)), 0);
	free(w);
	ew_client_rule_token(t, DOM "-1105", dir, 3, r);
	f = find(r, EW_CK_TOK_CLIENT, EW_WARN, "1 group missing, 1 too many");
	assert_non_null(f);
	assert_string_equal(f->cause, EW_CAUSE_STALE_LOGON);
	assert_int_equal(f->nevidence, 2);
	assert_non_null(strstr(f->evidence[0], "Exchange Users " DOM "-1300"));
	assert_non_null(strstr(f->evidence[1], "Old Team " DOM "-1200"));
	ew_step_result_free(&r);

	/* the same groups: pass */
	dir[2].sid = DOM "-1200";
	r = ew_step_result_new("groups", "groups");
	ew_client_rule_token(t, DOM "-1105", dir, 3, r);
	assert_non_null(find(r, EW_CK_TOK_CLIENT, EW_PASS, "has the 3 groups"));
	ew_step_result_free(&r);

	/* bob's token is never compared with alice's */
	r = ew_step_result_new("groups", "groups");
	ew_client_rule_token(t, DOM "-1106", dir, 3, r);
	assert_int_equal(r->nfindings, 0);
	ew_step_result_free(&r);
	ew_target_free(&t);

	/* whoami /groups says not whose token: said, not a cause */
	t = ew_target_new();
	assert_int_equal(ew_target_set_user(t, "alice", err, sizeof(err)), 0);
	w = whoami_all("exwiz\\alice", DOM "-1105", client, 2);
	assert_int_equal(ew_target_add_client(t, "groups.txt", strstr(w, "GROUP INFORMATION"),
					       strlen(strstr(w, "GROUP INFORMATION")), err,
					       sizeof(err)), 0);
	free(w);
	r = ew_step_result_new("groups", "groups");
	ew_client_rule_token(t, DOM "-1105", dir, 3, r);
	f = find(r, EW_CK_TOK_CLIENT, EW_INFO, "(if the token is the user's)");
	assert_non_null(f);
	assert_null(f->cause);
	ew_step_result_free(&r);
	ew_target_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_scenario),
		cmocka_unit_test(test_two_ipconfigs),
		cmocka_unit_test(test_healthy_has_no_warning),
		cmocka_unit_test(test_other_account),
		cmocka_unit_test(test_read_findings),
		cmocka_unit_test(test_target_client),
		cmocka_unit_test(test_diagnosis_with_client),
		cmocka_unit_test(test_diagnosis_healthy_client_adds_nothing),
		cmocka_unit_test(test_token_compare),
		cmocka_unit_test(test_diagnosis_client_side),
	};

	return cmocka_run_group_tests_name("clientrules", tests, NULL, NULL);
}
