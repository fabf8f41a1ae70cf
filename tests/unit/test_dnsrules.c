/*
 * test_dnsrules.c - the verdicts of the DNS step (DNS-SRV, DNS-SERVERS,
 * DNS-TARGETS, DNS-TC, DNS-REALM, DNS-AUTODISCOVER, DNS-CACHE) on views
 * built by hand from synthetic results: no network.
 */
#include "testutil.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "dnscache.h"
#include "dnsrules.h"
#include "causes.h"
#include "finding.h"
#include "result.h"
#include "text.h"

#define C1 "10.0.0.1"	/* resolv.conf */
#define C2 "10.0.0.2"	/* resolv.conf */
#define DC "10.0.0.9"	/* a DC asked directly */
#define LDAP_DC "_ldap._tcp.dc._msdcs.exwiz.test"

/* ---- fixture ---- */

struct fx {
	struct ew_dns_result *rs[256];
	size_t n;
	struct ew_dns_server_info servers[8];
	size_t nservers;
	struct ew_dns_view v;
	struct ew_step_result *res;
};

static struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->servers[0] = (struct ew_dns_server_info){ C1, "resolv.conf" };
	f->servers[1] = (struct ew_dns_server_info){ C2, "resolv.conf" };
	f->servers[2] = (struct ew_dns_server_info){ DC, "dc" };
	f->nservers = 3;
	f->v.domain = "exwiz.test";
	f->v.forest = "exwiz.test";
	f->v.realm = "EXWIZ.TEST";
	f->res = ew_step_result_new("dns", "DNS");
	assert_non_null(f->res);
	return f;
}

/* The view over what was added so far. */
static const struct ew_dns_view *fx_view(struct fx *f)
{
	f->v.servers = f->servers;
	f->v.nservers = f->nservers;
	f->v.results = f->rs;
	f->v.nresults = f->n;
	return &f->v;
}

static void fx_free(struct fx *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		ew_dns_result_free(&f->rs[i]);
	ew_step_result_free(&f->res);
	free(f);
}

/*
 * A result as ew_dns_parse would leave it; the answers (NULL-terminated
 * list of presentation strings) are allocated the way free_answers() in
 * dns.c frees them: answers[], and name, data, target of each.
 */
static struct ew_dns_result *add(struct fx *f, const char *name, int type, const char *server,
				 enum ew_dns_status st, ...)
{
	struct ew_dns_result *r = ew_dns_result_new(name, type, server);
	const char *d;
	va_list ap;
	size_t n = 0;

	assert_non_null(r);
	assert_true(f->n < sizeof(f->rs) / sizeof(f->rs[0]));
	r->status = st;
	r->rcode = st == EW_DNS_NXDOMAIN ? 3 : st == EW_DNS_SERVFAIL ? 2 :
		   st == EW_DNS_REFUSED ? 5 : 0;
	va_start(ap, st);
	while (va_arg(ap, const char *) != NULL)
		n++;
	va_end(ap);
	if (n) {
		r->answers = calloc(n, sizeof(*r->answers));
		assert_non_null(r->answers);
	}
	va_start(ap, st);
	while ((d = va_arg(ap, const char *)) != NULL) {
		struct ew_dns_answer *a = &r->answers[r->nanswers++];

		a->name = strdup(name);
		a->type = type;
		a->ttl = 300;
		a->data = strdup(d);
		assert_non_null(a->name);
		assert_non_null(a->data);
		if (type == EW_DNS_SRV) {
			unsigned p, w, port;
			char target[256];

			assert_int_equal(sscanf(d, "%u %u %u %255s", &p, &w, &port, target), 4);
			a->priority = p;
			a->weight = w;
			a->port = port;
			a->target = strdup(target);
			assert_non_null(a->target);
		}
	}
	va_end(ap);
	r->ttl = r->nanswers ? 300 : 0;
	f->rs[f->n++] = r;
	return r;
}

static void set_cnames(struct ew_dns_result *r, const char *a, const char *b)
{
	r->cnames = calloc(2, sizeof(*r->cnames));
	assert_non_null(r->cnames);
	r->cnames[r->ncnames++] = strdup(a);
	if (b)
		r->cnames[r->ncnames++] = strdup(b);
}

/* Every SRV name DC location needs, on server, with status st. */
static void add_all_srv(struct fx *f, const char *server, enum ew_dns_status st)
{
	char name[300];
	size_t i;

	for (i = 0; i < ew_nsrv_names; i++) {
		snprintf(name, sizeof(name), "%s%s", ew_srv_names[i].prefix,
			 ew_srv_names[i].forest ? f->v.forest : f->v.domain);
		if (st == EW_DNS_OK)
			add(f, name, EW_DNS_SRV, server, st, "0 100 389 dc1.exwiz.test", NULL);
		else
			add(f, name, EW_DNS_SRV, server, st, NULL);
	}
}

/* Change the status of (name, SRV) on server; answers go when not ok. */
static void set_status(struct fx *f, const char *name, int type, const char *server,
		       enum ew_dns_status st)
{
	struct ew_dns_result *r = ew_dns_view_find(fx_view(f), name, type, server);

	assert_non_null(r);
	r->status = st;
	if (st != EW_DNS_OK)
		ew_dns_result_clear_answers(r);
}

/* ---- looking at findings ---- */

static size_t count(const struct ew_step_result *res, const char *check, int sev)
{
	size_t i, n = 0;

	for (i = 0; i < res->nfindings; i++)
		if (strcmp(res->findings[i]->check, check) == 0 &&
		    (sev < 0 || (int)res->findings[i]->severity == sev))
			n++;
	return n;
}

/* The finding of check with severity sev whose title holds words, or NULL. */
static struct ew_finding *find(const struct ew_step_result *res, const char *check, int sev,
			       const char *words)
{
	size_t i;

	for (i = 0; i < res->nfindings; i++) {
		struct ew_finding *f = res->findings[i];

		if (strcmp(f->check, check) == 0 && (sev < 0 || (int)f->severity == sev) &&
		    (words == NULL || strstr(f->title, words) != NULL))
			return f;
	}
	return NULL;
}

static struct ew_finding *must_find(const struct ew_step_result *res, const char *check,
				    int sev, const char *words)
{
	struct ew_finding *f = find(res, check, sev, words);

	if (f == NULL) {
		size_t i;

		for (i = 0; i < res->nfindings; i++)
			print_message("# have %s %s: %s\n", res->findings[i]->check,
				      ew_severity_tag(res->findings[i]->severity),
				      res->findings[i]->title);
		fail_msg("no %s %s finding with \"%s\"", check,
			 sev < 0 ? "any" : ew_severity_tag((enum ew_severity)sev),
			 words ? words : "");
	}
	return f;
}

/* The evidence line holding all of the given words (NULL-terminated), or NULL. */
static const char *evidence_with(const struct ew_finding *f, ...)
{
	size_t i;

	for (i = 0; i < f->nevidence; i++) {
		const char *w;
		va_list ap;
		int all = 1;

		va_start(ap, f);
		while ((w = va_arg(ap, const char *)) != NULL)
			if (strstr(f->evidence[i], w) == NULL)
				all = 0;
		va_end(ap);
		if (all)
			return f->evidence[i];
	}
	return NULL;
}

/* ---- view basics ---- */

static void test_suffix(void **state)
{
	(void)state;
	assert_string_equal(ew_dns_suffix("fe1.region1.exwiz.test"), "region1.exwiz.test");
	assert_string_equal(ew_dns_suffix("exch1.exwiz.test"), "exwiz.test");
	assert_string_equal(ew_dns_suffix("a.b"), "b");
	assert_null(ew_dns_suffix("EXCH1"));
	assert_null(ew_dns_suffix("exch1."));
	assert_null(ew_dns_suffix(""));
}

static void test_view_find_and_is_client(void **state)
{
	struct fx *f = fx_new();
	struct ew_dns_result *a1, *a2, *s1;
	const struct ew_dns_view *v;

	(void)state;
	a1 = add(f, "dc1.exwiz.test", EW_DNS_A, C1, EW_DNS_OK, "10.0.0.9", NULL);
	a2 = add(f, "dc1.exwiz.test", EW_DNS_A, C2, EW_DNS_OK, "10.0.0.9", NULL);
	s1 = add(f, LDAP_DC, EW_DNS_SRV, C1, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	v = fx_view(f);
	assert_ptr_equal(ew_dns_view_find(v, "dc1.exwiz.test", EW_DNS_A, C1), a1);
	assert_ptr_equal(ew_dns_view_find(v, "dc1.exwiz.test", EW_DNS_A, C2), a2);
	/* Any server: the first. */
	assert_ptr_equal(ew_dns_view_find(v, "dc1.exwiz.test", EW_DNS_A, NULL), a1);
	/* Case and a trailing dot do not matter. */
	assert_ptr_equal(ew_dns_view_find(v, "DC1.Exwiz.Test.", EW_DNS_A, C2), a2);
	assert_ptr_equal(ew_dns_view_find(v, "_LDAP._tcp.dc._msdcs.exwiz.test", EW_DNS_SRV,
					  NULL), s1);
	/* Type and server must match. */
	assert_null(ew_dns_view_find(v, "dc1.exwiz.test", EW_DNS_AAAA, NULL));
	assert_null(ew_dns_view_find(v, "dc1.exwiz.test", EW_DNS_A, DC));
	assert_null(ew_dns_view_find(v, "dc1.exwiz.tes", EW_DNS_A, NULL));
	assert_null(ew_dns_view_find(v, "dc1.exwiz.test.x", EW_DNS_A, NULL));

	assert_true(ew_dns_view_is_client(v, C1));
	assert_true(ew_dns_view_is_client(v, C2));
	assert_false(ew_dns_view_is_client(v, DC));
	assert_false(ew_dns_view_is_client(v, "192.0.2.1"));
	f->servers[f->nservers++] = (struct ew_dns_server_info){ "10.0.0.3", "option" };
	v = fx_view(f);
	assert_true(ew_dns_view_is_client(v, "10.0.0.3"));
	fx_free(f);
}

/* ---- DNS-SRV ---- */

static void test_srv_all_present(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *p;

	(void)state;
	add_all_srv(f, C1, EW_DNS_OK);
	add_all_srv(f, C2, EW_DNS_OK);
	ew_dns_rule_srv(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	p = must_find(f->res, "DNS-SRV", EW_PASS, "9 SRV records");
	assert_int_equal(p->nevidence, ew_nsrv_names);
	assert_string_equal(p->evidence[0], LDAP_DC " -> 0 100 389 dc1.exwiz.test");
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_srv_critical_nxdomain_everywhere(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add_all_srv(f, C1, EW_DNS_OK);
	add_all_srv(f, C2, EW_DNS_OK);
	set_status(f, LDAP_DC, EW_DNS_SRV, C1, EW_DNS_NXDOMAIN);
	set_status(f, LDAP_DC, EW_DNS_SRV, C2, EW_DNS_NXDOMAIN);
	ew_dns_rule_srv(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-SRV", EW_FAIL, NULL);
	tu_assert_cause(x, EW_CAUSE_DNS_SRV_MISSING);
	assert_string_equal(x->title, "No Record Available: " LDAP_DC " (SRV)");
	assert_non_null(evidence_with(x, "@" C1, "NXDOMAIN", NULL));
	assert_non_null(evidence_with(x, "@" C2, "NXDOMAIN", NULL));
	assert_int_equal(x->nevidence, 2);
	assert_non_null(x->detail);
	assert_non_null(x->remedy);
	assert_null(find(f->res, "DNS-SRV", EW_PASS, NULL));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_srv_noncritical_nodata(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add_all_srv(f, C1, EW_DNS_OK);
	set_status(f, "_kpasswd._udp.exwiz.test", EW_DNS_SRV, C1, EW_DNS_NODATA);
	ew_dns_rule_srv(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-SRV", EW_WARN, "_kpasswd._udp.exwiz.test");
	tu_assert_cause(x, EW_CAUSE_DNS_SRV_MISSING);
	assert_string_equal(x->title, "No Record Available: _kpasswd._udp.exwiz.test (SRV)");
	assert_non_null(evidence_with(x, "@" C1, "NODATA", NULL));
	assert_null(evidence_with(x, "NXDOMAIN", NULL));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_srv_present_on_one_client_server(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_all_srv(f, C1, EW_DNS_OK);
	add_all_srv(f, C2, EW_DNS_OK);
	set_status(f, LDAP_DC, EW_DNS_SRV, C1, EW_DNS_NXDOMAIN);
	ew_dns_rule_srv(fx_view(f), f->res);
	/* Not missing: DNS-SERVERS is the check that blames C1. */
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-SRV", EW_PASS, "9 SRV records");
	fx_free(f);
}

static void test_srv_present_only_on_dc(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add_all_srv(f, C1, EW_DNS_OK);
	add_all_srv(f, C2, EW_DNS_OK);
	add_all_srv(f, DC, EW_DNS_OK);
	set_status(f, LDAP_DC, EW_DNS_SRV, C1, EW_DNS_NXDOMAIN);
	set_status(f, LDAP_DC, EW_DNS_SRV, C2, EW_DNS_NODATA);
	ew_dns_rule_srv(fx_view(f), f->res);
	/* The DC has it, the clients' resolvers do not: missing for clients. */
	x = must_find(f->res, "DNS-SRV", EW_FAIL, LDAP_DC);
	tu_assert_cause(x, EW_CAUSE_DNS_SRV_MISSING);
	assert_non_null(evidence_with(x, "@" C1, "NXDOMAIN", NULL));
	assert_non_null(evidence_with(x, "@" C2, "NODATA", NULL));
	assert_int_equal(count(f->res, "DNS-SRV", -1), 1);
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_srv_all_timed_out(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_all_srv(f, C1, EW_DNS_TIMEOUT);
	add_all_srv(f, C2, EW_DNS_TIMEOUT);
	add_all_srv(f, DC, EW_DNS_OK);	/* a DC answering does not count */
	ew_dns_rule_srv(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-SRV", EW_SKIP, "No resolver answered");
	tu_assert_findings_clean(f->res);
	fx_free(f);

	/* No results at all: the same. */
	f = fx_new();
	ew_dns_rule_srv(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-SRV", EW_SKIP, NULL);
	fx_free(f);
}

static void test_srv_some_unknown(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_all_srv(f, C1, EW_DNS_OK);
	set_status(f, "_gc._tcp.exwiz.test", EW_DNS_SRV, C1, EW_DNS_SERVFAIL);
	set_status(f, "_kpasswd._tcp.exwiz.test", EW_DNS_SRV, C1, EW_DNS_TIMEOUT);
	ew_dns_rule_srv(fx_view(f), f->res);
	/* Unanswered names are neither missing nor counted as present. */
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-SRV", EW_PASS, "The 7 SRV records");
	fx_free(f);
}

static void test_srv_forest_name(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	f->v.forest = "root.test";
	add_all_srv(f, C1, EW_DNS_OK);	/* _gc._tcp.root.test among them */
	set_status(f, "_gc._tcp.root.test", EW_DNS_SRV, C1, EW_DNS_NXDOMAIN);
	/* The record under the domain does not stand in for the forest's. */
	add(f, "_gc._tcp.exwiz.test", EW_DNS_SRV, C1, EW_DNS_OK, "0 100 3268 dc1.exwiz.test",
	    NULL);
	ew_dns_rule_srv(fx_view(f), f->res);
	x = must_find(f->res, "DNS-SRV", EW_WARN, "_gc._tcp.root.test");
	tu_assert_cause(x, EW_CAUSE_DNS_SRV_MISSING);
	assert_string_equal(x->title, "No Record Available: _gc._tcp.root.test (SRV)");
	assert_int_equal(f->res->nfindings, 1);
	fx_free(f);
}

/* ---- DNS-SERVERS ---- */

static const char *const some_names[] = {
	LDAP_DC, "_kerberos._tcp.exwiz.test", "_kerberos._udp.exwiz.test",
};

static void add_names(struct fx *f, const char *server, enum ew_dns_status st)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		if (st == EW_DNS_OK)
			add(f, some_names[i], EW_DNS_SRV, server, st, "0 100 88 dc1.exwiz.test",
			    NULL);
		else
			add(f, some_names[i], EW_DNS_SRV, server, st, NULL);
	}
}

static void test_servers_second_says_nxdomain(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add_names(f, C1, EW_DNS_OK);
	add_names(f, C2, EW_DNS_NXDOMAIN);
	ew_dns_rule_servers(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-SERVERS", EW_FAIL, "Resolver " C2 " says No Record");
	tu_assert_cause(x, EW_CAUSE_DNS_RESOLVER_SPLIT);
	assert_non_null(strstr(x->title, "where " C1 " has the records"));
	assert_int_equal(x->nevidence, 3);
	assert_non_null(evidence_with(x, LDAP_DC, "@" C2 ": nxdomain", "@" C1 ": 1 answer",
				      NULL));
	assert_non_null(strstr(x->detail, "resolv.conf"));
	assert_non_null(strstr(x->detail, "3 of the names"));
	assert_non_null(strstr(x->remedy, "remove " C2));
	/* C1 is not blamed. */
	assert_null(find(f->res, "DNS-SERVERS", -1, "Resolver " C1));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_servers_evidence_capped(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;
	char name[64];
	int i;

	(void)state;
	for (i = 0; i < 15; i++) {
		snprintf(name, sizeof(name), "host%d.exwiz.test", i);
		add(f, name, EW_DNS_A, C1, EW_DNS_OK, "10.0.1.1", NULL);
		add(f, name, EW_DNS_A, C2, EW_DNS_NODATA, NULL);
	}
	ew_dns_rule_servers(fx_view(f), f->res);
	x = must_find(f->res, "DNS-SERVERS", EW_FAIL, C2);
	tu_assert_cause(x, EW_CAUSE_DNS_RESOLVER_SPLIT);
	assert_int_equal(x->nevidence, 13);
	assert_string_equal(x->evidence[12], "... and 3 more");
	assert_non_null(strstr(x->detail, "15 of the names"));
	fx_free(f);
}

static void test_servers_timeout(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add_names(f, C1, EW_DNS_OK);
	add_names(f, C2, EW_DNS_TIMEOUT);
	ew_dns_rule_servers(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-SERVERS", EW_WARN, "does not answer");
	tu_assert_cause(x, NULL);
	assert_string_equal(x->title, "Resolver " C2 " does not answer (3 of 3 queries timed out)");
	assert_non_null(x->remedy);
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_servers_servfail_refused(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add_names(f, C1, EW_DNS_OK);
	add(f, some_names[0], EW_DNS_SRV, C2, EW_DNS_SERVFAIL, NULL);
	add(f, some_names[1], EW_DNS_SRV, C2, EW_DNS_REFUSED, NULL);
	add(f, some_names[2], EW_DNS_SRV, C2, EW_DNS_OK, "0 100 88 dc1.exwiz.test", NULL);
	ew_dns_rule_servers(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-SERVERS", EW_WARN, "Resolver " C2 " fails 2 of 3");
	tu_assert_cause(x, NULL);
	assert_non_null(strstr(x->remedy, C2));
	fx_free(f);

	/* REFUSED alone is enough. */
	f = fx_new();
	add_names(f, C1, EW_DNS_OK);
	add(f, some_names[0], EW_DNS_SRV, C2, EW_DNS_REFUSED, NULL);
	ew_dns_rule_servers(fx_view(f), f->res);
	must_find(f->res, "DNS-SERVERS", EW_WARN, "fails 1 of 1");
	assert_null(find(f->res, "DNS-SERVERS", EW_PASS, NULL));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_servers_all_agree(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_names(f, C1, EW_DNS_OK);
	add_names(f, C2, EW_DNS_OK);
	/* Both say NXDOMAIN for a name nobody has: agreement too. */
	add(f, "nothere.exwiz.test", EW_DNS_A, C1, EW_DNS_NXDOMAIN, NULL);
	add(f, "nothere.exwiz.test", EW_DNS_A, C2, EW_DNS_NXDOMAIN, NULL);
	ew_dns_rule_servers(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-SERVERS", EW_PASS, "The 2 resolver(s) of this machine agree");
	fx_free(f);
}

/* A DNS server only the Windows client asks (its ipconfig /all): blamed as the
 * client's, and counted apart when all agree. */
static void test_servers_windows_client(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	f->servers[f->nservers++] = (struct ew_dns_server_info){ "10.0.0.7",
								 EW_DNS_SOURCE_WINDOWS };
	add_names(f, C1, EW_DNS_OK);
	add_names(f, C2, EW_DNS_OK);
	add_names(f, "10.0.0.7", EW_DNS_NXDOMAIN);
	ew_dns_rule_servers(fx_view(f), f->res);
	x = must_find(f->res, "DNS-SERVERS", EW_FAIL, "Resolver 10.0.0.7 says No Record");
	tu_assert_cause(x, EW_CAUSE_DNS_RESOLVER_SPLIT);
	assert_non_null(strstr(x->detail, "a DNS server of the Windows client (its ipconfig /all)"));
	fx_free(f);

	f = fx_new();
	f->servers[f->nservers++] = (struct ew_dns_server_info){ "10.0.0.7",
								 EW_DNS_SOURCE_WINDOWS };
	add_names(f, C1, EW_DNS_OK);
	add_names(f, C2, EW_DNS_OK);
	add_names(f, "10.0.0.7", EW_DNS_OK);
	ew_dns_rule_servers(fx_view(f), f->res);
	must_find(f->res, "DNS-SERVERS", EW_PASS, "The 2 resolver(s) of this machine and the "
		  "Windows client's other DNS servers agree");
	fx_free(f);
}

static void test_servers_dc_not_blamed(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	add_names(f, C1, EW_DNS_OK);
	add_names(f, C2, EW_DNS_OK);
	add_names(f, DC, EW_DNS_NXDOMAIN);
	add(f, "x.exwiz.test", EW_DNS_A, DC, EW_DNS_TIMEOUT, NULL);
	add(f, "y.exwiz.test", EW_DNS_A, DC, EW_DNS_SERVFAIL, NULL);
	ew_dns_rule_servers(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-SERVERS", EW_PASS, "The 2 resolver(s)");
	assert_null(find(f->res, "DNS-SERVERS", -1, DC));
	fx_free(f);
}

/* ---- DNS-TARGETS ---- */

#define EXCH "exch1.exwiz.test"
#define EXCH_REV "50.0.0.10.in-addr.arpa"

static const char *const exch_names[] = { EXCH };

static void test_targets_no_address(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add(f, EXCH, EW_DNS_A, C1, EW_DNS_NXDOMAIN, NULL);
	add(f, EXCH, EW_DNS_A, C2, EW_DNS_NXDOMAIN, NULL);
	add(f, EXCH, EW_DNS_A, DC, EW_DNS_OK, "10.0.0.50", NULL);	/* DC only: not enough */
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 1, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-TARGETS", EW_FAIL, "has no address");
	tu_assert_cause(x, NULL);
	assert_string_equal(x->title, EXCH " has no address");
	assert_non_null(evidence_with(x, "@" C1, "NXDOMAIN", NULL));
	assert_non_null(evidence_with(x, "@" C2, "NXDOMAIN", NULL));
	assert_non_null(strstr(x->remedy, EXCH));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

/* An SRV target that is not a host name (as c-ares shows a hostile one:
 * \027 for ESC): a failure naming the record, not looked up, and no PASS. */
static void test_targets_not_a_host_name(void **state)
{
	static const char evil[] = "ev\\027]0\\;pwned\\007il.exwiz.test";
	const char *names[] = { evil, EXCH };
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add(f, "_kerberos._udp.exwiz.test", EW_DNS_SRV, C1, EW_DNS_OK,
	    "0 100 88 ev\\027]0\\;pwned\\007il.exwiz.test", NULL);
	add(f, EXCH, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	add(f, EXCH_REV, EW_DNS_PTR, C1, EW_DNS_OK, EXCH, NULL);
	ew_dns_rule_targets(fx_view(f), names, 2, 1, f->res);
	x = must_find(f->res, "DNS-TARGETS", EW_FAIL, "not a host name");
	tu_assert_cause(x, NULL);
	assert_non_null(strstr(x->title, evil));
	assert_non_null(evidence_with(x, "_kerberos._udp.exwiz.test SRV @" C1, NULL));
	assert_null(find(f->res, "DNS-TARGETS", EW_PASS, NULL));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_targets_not_asked(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	/* A name with no A result at all is not looked at: no verdict. */
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 1, f->res);
	assert_int_equal(f->res->nfindings, 0);
	ew_dns_rule_targets(fx_view(f), NULL, 0, 1, f->res);
	assert_int_equal(f->res->nfindings, 0);
	fx_free(f);
}

/*
 * Nobody answered for the name (every A and AAAA query timed out): the rule
 * skips it ("DNS-SERVERS says so", dnsrules.c line 355), but it has already
 * counted it as checked (line 350), so it adds the PASS "Every SRV target
 * and Exchange name resolves, forward and reverse agree" although nothing
 * resolved.
 */
static void test_targets_unanswered_is_not_a_pass(void **state)
{
	struct fx *f = fx_new();
	int fail, pass;

	(void)state;
	add(f, EXCH, EW_DNS_A, C1, EW_DNS_TIMEOUT, NULL);
	add(f, EXCH, EW_DNS_A, C2, EW_DNS_TIMEOUT, NULL);
	add(f, EXCH, EW_DNS_AAAA, C1, EW_DNS_TIMEOUT, NULL);
	add(f, EXCH, EW_DNS_AAAA, C2, EW_DNS_TIMEOUT, NULL);
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 1, f->res);
	fail = find(f->res, "DNS-TARGETS", EW_FAIL, NULL) != NULL;
	pass = find(f->res, "DNS-TARGETS", EW_PASS, NULL) != NULL;
	if (pass)
		print_message("# got PASS \"%s\" with %zu evidence line(s)\n",
			      find(f->res, "DNS-TARGETS", EW_PASS, NULL)->title,
			      find(f->res, "DNS-TARGETS", EW_PASS, NULL)->nevidence);
	/* Freed before the checks, so that a failure leaks nothing. */
	fx_free(f);
	assert_false(fail);
	assert_false(pass);
}

static void test_targets_ptr_mismatch(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add(f, EXCH, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	add(f, EXCH_REV, EW_DNS_PTR, C1, EW_DNS_OK, "other.exwiz.test", NULL);
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 1, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-TARGETS", EW_WARN, "but the PTR says");
	tu_assert_cause(x, EW_CAUSE_NAME_CANON);
	assert_string_equal(x->title, EXCH " -> 10.0.0.50, but the PTR says other.exwiz.test");
	assert_non_null(strstr(x->detail, "rdns is on"));
	assert_non_null(strstr(x->remedy, "rdns = false"));
	assert_null(find(f->res, "DNS-TARGETS", EW_PASS, NULL));
	tu_assert_findings_clean(f->res);
	ew_step_result_free(&f->res);

	/* rdns off: only information, and the names still pass. */
	f->res = ew_step_result_new("dns", "DNS");
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 0, f->res);
	x = must_find(f->res, "DNS-TARGETS", EW_INFO, "but the PTR says other.exwiz.test");
	tu_assert_cause(x, NULL);	/* rdns off: Kerberos keeps the name */
	assert_non_null(strstr(x->detail, "rdns is off"));
	assert_null(find(f->res, "DNS-TARGETS", EW_WARN, NULL));
	x = must_find(f->res, "DNS-TARGETS", EW_PASS, NULL);
	assert_non_null(evidence_with(x, EXCH " -> 10.0.0.50 -> other.exwiz.test", NULL));
	fx_free(f);
}

static void test_targets_ptr_match(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add(f, EXCH, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	add(f, EXCH, EW_DNS_A, C2, EW_DNS_OK, "10.0.0.50", NULL);	/* the same address */
	add(f, EXCH_REV, EW_DNS_PTR, C1, EW_DNS_OK, EXCH, NULL);
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 1, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-TARGETS", EW_PASS, "Every SRV target");
	assert_int_equal(x->nevidence, 1);
	assert_string_equal(x->evidence[0], EXCH " -> 10.0.0.50 -> " EXCH);
	fx_free(f);

	/* The PTR in capitals and with the root dot matches too. */
	f = fx_new();
	add(f, EXCH, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	add(f, EXCH_REV, EW_DNS_PTR, C1, EW_DNS_OK, "EXCH1.EXWIZ.TEST.", NULL);
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 1, f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-TARGETS", EW_PASS, NULL);
	fx_free(f);
}

static void test_targets_no_ptr(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add(f, EXCH, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	add(f, EXCH_REV, EW_DNS_PTR, C1, EW_DNS_NXDOMAIN, NULL);
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 1, f->res);
	must_find(f->res, "DNS-TARGETS", EW_INFO, EXCH " (10.0.0.50) has no PTR record");
	x = must_find(f->res, "DNS-TARGETS", EW_PASS, NULL);
	assert_string_equal(x->evidence[0], EXCH " -> 10.0.0.50 -> (no PTR)");
	assert_int_equal(f->res->nfindings, 2);
	fx_free(f);
}

static void test_targets_alias(void **state)
{
	struct fx *f = fx_new();
	struct ew_dns_result *r;
	struct ew_finding *x;

	(void)state;
	r = add(f, EXCH, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	set_cnames(r, "cas.exwiz.test", "mail.exwiz.test");
	add(f, EXCH_REV, EW_DNS_PTR, C1, EW_DNS_OK, EXCH, NULL);
	ew_dns_rule_targets(fx_view(f), exch_names, 1, 1, f->res);
	x = must_find(f->res, "DNS-TARGETS", EW_INFO, "is an alias of");
	assert_string_equal(x->title, EXCH " is an alias of mail.exwiz.test");
	assert_non_null(strstr(x->detail, "mail.exwiz.test"));
	must_find(f->res, "DNS-TARGETS", EW_PASS, NULL);
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

/* Hostile bytes in a target name (not a host name: a failure, escaped) and in
 * a PTR answer (escaped in the mismatch warning). */
static void test_targets_hostile_strings(void **state)
{
	static const char *const names[] = { "ev\x1b[2Jil.exwiz.test", EXCH };
	struct fx *f = fx_new();

	(void)state;
	add(f, names[0], EW_DNS_A, C1, EW_DNS_OK, "10.0.0.51", NULL);
	add(f, EXCH, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	add(f, EXCH_REV, EW_DNS_PTR, C1, EW_DNS_OK, "x\x1b]0;pwned\x07\r\n.exwiz.test", NULL);
	ew_dns_rule_targets(fx_view(f), names, 2, 1, f->res);
	assert_int_equal(f->res->nfindings, 2);
	must_find(f->res, "DNS-TARGETS", EW_FAIL, "ev\\x1b[2Jil.exwiz.test, which is not a host name");
	must_find(f->res, "DNS-TARGETS", EW_WARN, "x\\x1b]0;pwned\\x07\\r\\n");
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

/* ---- DNS-TC ---- */

static void test_tc(void **state)
{
	struct fx *f = fx_new();
	struct ew_dns_result *r;
	struct ew_finding *x;

	(void)state;
	add(f, LDAP_DC, EW_DNS_SRV, C1, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	ew_dns_rule_tc(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-TC", EW_PASS, "fit in a UDP message");
	fx_free(f);

	/* Truncated, TCP worked. */
	f = fx_new();
	r = add(f, LDAP_DC, EW_DNS_SRV, C1, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	r->truncated = 1;
	r->tcp = 1;
	ew_dns_rule_tc(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-TC", EW_INFO, "came over TCP");
	assert_string_equal(x->evidence[0], LDAP_DC " SRV @" C1);
	fx_free(f);

	/* Truncated, TCP failed. */
	f = fx_new();
	r = add(f, LDAP_DC, EW_DNS_SRV, C2, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	r->truncated = 1;
	r->tcp_failed = 1;
	r->error = strdup("answer truncated and TCP failed: Connection refused");
	add(f, "_kerberos._tcp.exwiz.test", EW_DNS_SRV, C2, EW_DNS_OK, "0 100 88 dc1.exwiz.test",
	    NULL);
	ew_dns_rule_tc(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-TC", EW_WARN, "TCP/53 fails");
	tu_assert_cause(x, NULL);
	assert_int_equal(x->nevidence, 1);
	assert_non_null(evidence_with(x, LDAP_DC, "@" C2, "Connection refused", NULL));
	assert_non_null(x->remedy);
	assert_null(find(f->res, "DNS-TC", EW_PASS, NULL));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

/* ---- DNS-REALM ---- */

#define FE1 "fe1.region1.exwiz.test"

static void add_region1_probes(struct fx *f, enum ew_dns_status st)
{
	add(f, "_ldap._tcp.dc._msdcs.region1.exwiz.test", EW_DNS_SRV, C1, st, NULL);
	add(f, "_kerberos._tcp.region1.exwiz.test", EW_DNS_SRV, C1, st, NULL);
	add(f, "_kerberos._udp.region1.exwiz.test", EW_DNS_SRV, C1, st, NULL);
}

static void test_realm_disjoint_referral(void **state)
{
	struct ew_realm_probe p = { FE1, "", "REGION1.EXWIZ.TEST" };
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add_region1_probes(f, EW_DNS_NXDOMAIN);
	ew_dns_rule_realm(fx_view(f), &p, 1, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-REALM", EW_FAIL, "REGION1.EXWIZ.TEST");
	tu_assert_cause(x, EW_CAUSE_REALM_HINT);
	assert_string_equal(x->title, FE1 ": disjoint namespace; the realm hint "
			    "REGION1.EXWIZ.TEST has no KDC");
	assert_non_null(strstr(x->remedy, "DisableRealmHint"));
	assert_non_null(strstr(x->remedy, "[domain_realm]"));
	assert_non_null(strstr(x->remedy, ".region1.exwiz.test = EXWIZ.TEST"));
	assert_non_null(evidence_with(x, "_ldap._tcp.dc._msdcs.region1.exwiz.test",
				      "No Record Available", NULL));
	assert_non_null(evidence_with(x, "krb5_get_host_realm", "referral", NULL));
	assert_non_null(evidence_with(x, "krb5_get_fallback_host_realm: REGION1.EXWIZ.TEST",
				      NULL));
	assert_null(strstr(x->detail, "maps it to the right realm"));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_realm_disjoint_mapped(void **state)
{
	struct ew_realm_probe p = { FE1, "EXWIZ.TEST", "REGION1.EXWIZ.TEST" };
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add_region1_probes(f, EW_DNS_NXDOMAIN);
	ew_dns_rule_realm(fx_view(f), &p, 1, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-REALM", EW_WARN, "REGION1.EXWIZ.TEST");
	tu_assert_cause(x, EW_CAUSE_REALM_HINT);
	assert_non_null(strstr(x->detail, "maps it to the right realm"));
	assert_non_null(evidence_with(x, "krb5_get_host_realm: EXWIZ.TEST", NULL));
	fx_free(f);

	/* Mapped to another realm: still a failure. */
	f = fx_new();
	p.mit_realm = "OTHER.TEST";
	add_region1_probes(f, EW_DNS_NXDOMAIN);
	ew_dns_rule_realm(fx_view(f), &p, 1, f->res);
	must_find(f->res, "DNS-REALM", EW_FAIL, "REGION1.EXWIZ.TEST");
	fx_free(f);
}

static void test_realm_in_ad_domain(void **state)
{
	struct ew_realm_probe p = { "exch1.exwiz.test", "EXWIZ.TEST", NULL };
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	ew_dns_rule_realm(fx_view(f), &p, 1, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-REALM", EW_PASS, NULL);
	assert_non_null(evidence_with(x, "exch1.exwiz.test: in the AD domain; realm EXWIZ.TEST",
				      NULL));
	fx_free(f);
}

static void test_realm_suffix_is_ad_domain(void **state)
{
	struct ew_realm_probe p[2] = {
		{ "mail.child.exwiz.test", "", "CHILD.EXWIZ.TEST" },
		{ "mx.krb.test", "", "KRB.TEST" },
	};
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add(f, "_ldap._tcp.dc._msdcs.child.exwiz.test", EW_DNS_SRV, C1, EW_DNS_OK,
	    "0 100 389 cdc1.child.exwiz.test", NULL);
	add(f, "_kerberos._tcp.child.exwiz.test", EW_DNS_SRV, C1, EW_DNS_NXDOMAIN, NULL);
	/* A plain MIT realm with KDCs is fine too. */
	add(f, "_ldap._tcp.dc._msdcs.krb.test", EW_DNS_SRV, C1, EW_DNS_NXDOMAIN, NULL);
	add(f, "_kerberos._udp.krb.test", EW_DNS_SRV, C1, EW_DNS_OK, "0 100 88 kdc.krb.test",
	    NULL);
	ew_dns_rule_realm(fx_view(f), p, 2, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-REALM", EW_PASS, NULL);
	assert_non_null(evidence_with(x, "mail.child.exwiz.test: child.exwiz.test is an AD "
				      "domain", NULL));
	assert_non_null(evidence_with(x, "mx.krb.test: krb.test is a realm with KDCs", NULL));
	fx_free(f);
}

static void test_realm_short_name(void **state)
{
	struct ew_realm_probe p[2] = {
		{ "EXCH1", "", NULL },
		{ "exch1.exwiz.test", "EXWIZ.TEST", NULL },
	};
	struct fx *f = fx_new();

	(void)state;
	ew_dns_rule_realm(fx_view(f), p, 1, f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-REALM", EW_SKIP, "No Exchange name has a DNS suffix");
	ew_step_result_free(&f->res);

	/* With a fully qualified name beside it: that one decides. */
	f->res = ew_step_result_new("dns", "DNS");
	ew_dns_rule_realm(fx_view(f), p, 2, f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-REALM", EW_PASS, NULL);
	ew_step_result_free(&f->res);

	/* No probe at all: nothing to say. */
	f->res = ew_step_result_new("dns", "DNS");
	ew_dns_rule_realm(fx_view(f), p, 0, f->res);
	assert_int_equal(f->res->nfindings, 0);
	fx_free(f);
}

/* ---- DNS-AUTODISCOVER ---- */

#define AD_SRV "_autodiscover._tcp.exwiz.test"
#define AD_A "autodiscover.exwiz.test"

static void test_autodiscover(void **state)
{
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	add(f, AD_SRV, EW_DNS_SRV, C1, EW_DNS_OK, "0 0 443 mail.exwiz.test", NULL);
	add(f, AD_A, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	ew_dns_rule_autodiscover(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-AUTODISCOVER", EW_PASS, "published in DNS");
	assert_non_null(strstr(x->title, AD_SRV));
	assert_non_null(strstr(x->title, AD_A));
	fx_free(f);

	/* Only the A. */
	f = fx_new();
	add(f, AD_SRV, EW_DNS_SRV, C1, EW_DNS_NXDOMAIN, NULL);
	add(f, AD_A, EW_DNS_A, C1, EW_DNS_OK, "10.0.0.50", NULL);
	ew_dns_rule_autodiscover(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-AUTODISCOVER", EW_WARN, "only one DNS path");
	tu_assert_cause(x, NULL);
	assert_non_null(evidence_with(x, AD_SRV, "NXDOMAIN", NULL));
	assert_null(evidence_with(x, AD_A, NULL));
	assert_non_null(strstr(x->remedy, "autodiscover.exwiz.test"));
	fx_free(f);

	/* Only the SRV (the name exists, no A: NODATA). */
	f = fx_new();
	add(f, AD_SRV, EW_DNS_SRV, C1, EW_DNS_OK, "0 0 443 mail.exwiz.test", NULL);
	add(f, AD_A, EW_DNS_A, C1, EW_DNS_NODATA, NULL);
	ew_dns_rule_autodiscover(fx_view(f), f->res);
	x = must_find(f->res, "DNS-AUTODISCOVER", EW_WARN, "only one DNS path");
	assert_non_null(evidence_with(x, AD_A, "NODATA", NULL));
	fx_free(f);

	/* Neither. */
	f = fx_new();
	add(f, AD_SRV, EW_DNS_SRV, C1, EW_DNS_NXDOMAIN, NULL);
	add(f, AD_A, EW_DNS_A, C1, EW_DNS_NXDOMAIN, NULL);
	add(f, AD_A, EW_DNS_A, DC, EW_DNS_OK, "10.0.0.50", NULL);	/* a DC: not counted */
	ew_dns_rule_autodiscover(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-AUTODISCOVER", EW_WARN, "not published");
	assert_non_null(evidence_with(x, AD_SRV, NULL));
	assert_non_null(evidence_with(x, AD_A, "@" C1, NULL));
	tu_assert_findings_clean(f->res);
	fx_free(f);

	/* Nobody answered. */
	f = fx_new();
	add(f, AD_SRV, EW_DNS_SRV, C1, EW_DNS_TIMEOUT, NULL);
	add(f, AD_A, EW_DNS_A, C1, EW_DNS_SERVFAIL, NULL);
	ew_dns_rule_autodiscover(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-AUTODISCOVER", EW_SKIP, "No resolver answered");
	fx_free(f);

	f = fx_new();
	ew_dns_rule_autodiscover(fx_view(f), f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-AUTODISCOVER", EW_SKIP, NULL);
	fx_free(f);
}

/* ---- DNS-CACHE ---- */

#define CACHE "127.0.0.2"

/* A view with the cache as resolver and a DC asked directly. */
static struct fx *cache_fx(void)
{
	struct fx *f = fx_new();

	f->servers[0] = (struct ew_dns_server_info){ CACHE, "resolv.conf" };
	f->servers[1] = (struct ew_dns_server_info){ DC, "dc" };
	f->nservers = 2;
	return f;
}

static struct ew_cache dnsmasq(void)
{
	struct ew_cache c;

	memset(&c, 0, sizeof(c));
	c.kind = EW_CACHE_DNSMASQ;
	c.pid = 0;
	c.program = (char *)"dnsmasq";
	c.address = (char *)CACHE;
	c.path = "SRV lookups (KDC and DC location) and host lookups";
	c.detail = (char *)"answers on 127.0.0.2:53";
	return c;
}

static void test_cache_none(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	ew_dns_rule_cache(fx_view(f), NULL, 0, NULL, f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-CACHE", EW_PASS, "No local DNS cache");
	fx_free(f);
}

static void test_cache_differs(void **state)
{
	struct ew_cache c = dnsmasq();
	struct fx *f = cache_fx();
	struct ew_dns_result *r;
	struct ew_finding *x;

	(void)state;
	r = add(f, LDAP_DC, EW_DNS_SRV, CACHE, EW_DNS_OK, "0 100 389 olddc.exwiz.test", NULL);
	r->ttl = 2999;
	add(f, LDAP_DC, EW_DNS_SRV, DC, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	ew_dns_rule_cache(fx_view(f), &c, 1, NULL, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-CACHE", EW_WARN, "answers differently from the DC");
	tu_assert_cause(x, EW_CAUSE_DNS_CACHE_STALE);
	assert_string_equal(x->title, "dnsmasq at " CACHE " answers differently from the DC");
	assert_int_equal(x->nevidence, 1);
	assert_non_null(evidence_with(x, LDAP_DC, "[0 100 389 olddc.exwiz.test]", "TTL 2999",
				      "DC " DC " [0 100 389 dc1.exwiz.test]", NULL));
	assert_non_null(strstr(x->remedy, "SIGHUP to dnsmasq"));
	assert_null(strstr(x->detail, "after a flush"));
	tu_assert_findings_clean(f->res);
	fx_free(f);

	/* The same after a flush: it says so. */
	f = cache_fx();
	add(f, LDAP_DC, EW_DNS_SRV, CACHE, EW_DNS_OK, "0 100 389 olddc.exwiz.test", NULL);
	add(f, LDAP_DC, EW_DNS_SRV, DC, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	{
		int flushed[1] = { 1 };

		ew_dns_rule_cache(fx_view(f), &c, 1, flushed, f->res);
	}
	x = must_find(f->res, "DNS-CACHE", EW_WARN, NULL);
	tu_assert_cause(x, EW_CAUSE_DNS_CACHE_STALE);
	assert_non_null(strstr(x->detail, "after a flush"));
	fx_free(f);

	/* A negative cached answer where the DC has the record. */
	f = cache_fx();
	add(f, LDAP_DC, EW_DNS_SRV, CACHE, EW_DNS_NXDOMAIN, NULL);
	add(f, LDAP_DC, EW_DNS_SRV, DC, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	add(f, "_kerberos._tcp.exwiz.test", EW_DNS_SRV, CACHE, EW_DNS_OK,
	    "0 100 88 dc1.exwiz.test", NULL);
	add(f, "_kerberos._tcp.exwiz.test", EW_DNS_SRV, DC, EW_DNS_OK,
	    "0 100 88 dc1.exwiz.test", NULL);
	ew_dns_rule_cache(fx_view(f), &c, 1, NULL, f->res);
	x = must_find(f->res, "DNS-CACHE", EW_WARN, NULL);
	tu_assert_cause(x, EW_CAUSE_DNS_CACHE_STALE);
	assert_non_null(evidence_with(x, LDAP_DC, "cache nxdomain []", NULL));
	assert_int_equal(x->nevidence, 1);
	fx_free(f);
}

static void test_cache_agrees(void **state)
{
	struct ew_cache c = dnsmasq();
	struct fx *f = cache_fx();
	struct ew_finding *x;

	(void)state;
	/* The same records in another order agree. */
	add(f, LDAP_DC, EW_DNS_SRV, CACHE, EW_DNS_OK, "0 100 389 dc2.exwiz.test",
	    "0 100 389 dc1.exwiz.test", NULL);
	add(f, LDAP_DC, EW_DNS_SRV, DC, EW_DNS_OK, "0 100 389 dc1.exwiz.test",
	    "0 100 389 dc2.exwiz.test", NULL);
	add(f, "gone.exwiz.test", EW_DNS_A, CACHE, EW_DNS_NXDOMAIN, NULL);
	add(f, "gone.exwiz.test", EW_DNS_A, DC, EW_DNS_NXDOMAIN, NULL);
	ew_dns_rule_cache(fx_view(f), &c, 1, NULL, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-CACHE", EW_INFO, "agree");
	assert_string_equal(x->title, "dnsmasq at " CACHE " caches SRV lookups (KDC and DC "
			    "location) and host lookups; its answers agree with the DC");
	assert_non_null(evidence_with(x, "answers on 127.0.0.2:53", NULL));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_cache_without_ad_zone(void **state)
{
	static const char *const names[] = {
		LDAP_DC, "_kerberos._tcp.exwiz.test", "_kerberos._udp.exwiz.test",
	};
	struct ew_cache c = dnsmasq();
	struct fx *f = cache_fx();
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		add(f, names[i], EW_DNS_SRV, CACHE, EW_DNS_NXDOMAIN, NULL);
		add(f, names[i], EW_DNS_SRV, DC, EW_DNS_OK, "0 100 88 dc1.exwiz.test", NULL);
	}
	ew_dns_rule_cache(fx_view(f), &c, 1, NULL, f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-CACHE", EW_INFO, "does not serve the AD zone");
	assert_null(find(f->res, "DNS-CACHE", EW_WARN, NULL));
	fx_free(f);

	/* Two such names are not enough to say so: a stale cache. */
	f = cache_fx();
	for (i = 0; i < 2; i++) {
		add(f, names[i], EW_DNS_SRV, CACHE, EW_DNS_NXDOMAIN, NULL);
		add(f, names[i], EW_DNS_SRV, DC, EW_DNS_OK, "0 100 88 dc1.exwiz.test", NULL);
	}
	ew_dns_rule_cache(fx_view(f), &c, 1, NULL, f->res);
	must_find(f->res, "DNS-CACHE", EW_WARN, "answers differently");
	fx_free(f);

	/* Three negative, one agreeing: it does serve the zone; stale. */
	f = cache_fx();
	for (i = 0; i < 3; i++) {
		add(f, names[i], EW_DNS_SRV, CACHE, EW_DNS_NXDOMAIN, NULL);
		add(f, names[i], EW_DNS_SRV, DC, EW_DNS_OK, "0 100 88 dc1.exwiz.test", NULL);
	}
	add(f, "dc1.exwiz.test", EW_DNS_A, CACHE, EW_DNS_OK, "10.0.0.9", NULL);
	add(f, "dc1.exwiz.test", EW_DNS_A, DC, EW_DNS_OK, "10.0.0.9", NULL);
	ew_dns_rule_cache(fx_view(f), &c, 1, NULL, f->res);
	must_find(f->res, "DNS-CACHE", EW_WARN, "answers differently");
	assert_null(find(f->res, "DNS-CACHE", EW_INFO, NULL));
	fx_free(f);
}

static void test_cache_flushed(void **state)
{
	struct ew_cache c = dnsmasq();
	struct fx *f = cache_fx();
	struct ew_finding *x;
	int flushed[1] = { 1 };

	(void)state;
	add(f, LDAP_DC, EW_DNS_SRV, CACHE, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	add(f, LDAP_DC, EW_DNS_SRV, DC, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	ew_dns_rule_cache(fx_view(f), &c, 1, flushed, f->res);
	assert_int_equal(f->res->nfindings, 1);
	x = must_find(f->res, "DNS-CACHE", EW_INFO, "flushed");
	assert_non_null(strstr(x->title, "(flushed; now agrees with the DC)"));
	ew_step_result_free(&f->res);

	/* A failed flush is said in the evidence. */
	f->res = ew_step_result_new("dns", "DNS");
	flushed[0] = -1;
	ew_dns_rule_cache(fx_view(f), &c, 1, flushed, f->res);
	x = must_find(f->res, "DNS-CACHE", EW_INFO, "agree");
	assert_non_null(evidence_with(x, "the flush failed", NULL));
	fx_free(f);
}

static void test_cache_other_kinds(void **state)
{
	struct ew_cache c[2];
	struct fx *f = fx_new();
	struct ew_finding *x;

	(void)state;
	memset(c, 0, sizeof(c));
	c[0].kind = EW_CACHE_NSCD;
	c[0].program = (char *)"nscd";
	c[0].path = "NSS host lookups (KDC and Exchange host names; not SRV)";
	c[0].detail = (char *)"hosts cache of the name service cache daemon";
	c[1] = dnsmasq();
	/* No DC was asked directly: nothing to compare with. */
	f->servers[0] = (struct ew_dns_server_info){ CACHE, "resolv.conf" };
	f->nservers = 1;
	add(f, LDAP_DC, EW_DNS_SRV, CACHE, EW_DNS_OK, "0 100 389 dc1.exwiz.test", NULL);
	ew_dns_rule_cache(fx_view(f), c, 2, NULL, f->res);
	assert_int_equal(f->res->nfindings, 2);
	x = must_find(f->res, "DNS-CACHE", EW_INFO, "nscd caches NSS host lookups");
	assert_non_null(evidence_with(x, "hosts cache", NULL));
	x = must_find(f->res, "DNS-CACHE", EW_INFO, "dnsmasq at " CACHE " caches");
	assert_non_null(evidence_with(x, "no DC could be asked directly", NULL));
	assert_null(strstr(x->title, "agree"));
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

static void test_cache_hostile_answers(void **state)
{
	struct ew_cache c = dnsmasq();
	struct fx *f = cache_fx();

	(void)state;
	c.program = (char *)"dns\x1b[31mmasq";
	add(f, LDAP_DC, EW_DNS_SRV, CACHE, EW_DNS_OK, "0 100 389 a\x1b]0;t\x07.exwiz.test", NULL);
	add(f, LDAP_DC, EW_DNS_SRV, DC, EW_DNS_OK, "0 100 389 b\r\x7f.exwiz.test", NULL);
	ew_dns_rule_cache(fx_view(f), &c, 1, NULL, f->res);
	assert_int_equal(f->res->nfindings, 1);
	must_find(f->res, "DNS-CACHE", EW_WARN, "dns\\x1b[31mmasq");
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

/* ---- every rule on one view ---- */

static void test_all_rules_clean(void **state)
{
	static const char *const names[] = { EXCH, "dc1.exwiz.test" };
	struct ew_realm_probe p[2] = {
		{ FE1, "", "REGION1.EXWIZ.TEST" }, { "EXCH1", NULL, NULL },
	};
	struct ew_cache c = dnsmasq();
	struct fx *f = cache_fx();
	struct ew_dns_result *r;
	size_t i;

	(void)state;
	f->servers[2] = (struct ew_dns_server_info){ C2, "option" };
	f->nservers = 3;
	add_all_srv(f, CACHE, EW_DNS_OK);
	add_all_srv(f, C2, EW_DNS_NXDOMAIN);
	add_all_srv(f, DC, EW_DNS_OK);
	r = add(f, EXCH, EW_DNS_A, CACHE, EW_DNS_OK, "10.0.0.50", NULL);
	r->truncated = 1;
	r->tcp_failed = 1;
	r->error = strdup("TCP\x1b[2J failed");
	add(f, EXCH_REV, EW_DNS_PTR, CACHE, EW_DNS_OK, "x.exwiz.test", NULL);
	add(f, "dc1.exwiz.test", EW_DNS_A, C2, EW_DNS_TIMEOUT, NULL);
	add_region1_probes(f, EW_DNS_NXDOMAIN);
	ew_dns_rule_srv(fx_view(f), f->res);
	ew_dns_rule_servers(fx_view(f), f->res);
	ew_dns_rule_targets(fx_view(f), names, 2, 1, f->res);
	ew_dns_rule_tc(fx_view(f), f->res);
	ew_dns_rule_cache(fx_view(f), &c, 1, NULL, f->res);
	ew_dns_rule_realm(fx_view(f), p, 2, f->res);
	ew_dns_rule_autodiscover(fx_view(f), f->res);
	assert_true(f->res->nfindings >= 7);
	for (i = 0; i < f->res->nfindings; i++)
		assert_int_equal(strncmp(f->res->findings[i]->check, "DNS-", 4), 0);
	must_find(f->res, "DNS-SERVERS", EW_FAIL, "Resolver " C2);
	must_find(f->res, "DNS-TC", EW_WARN, NULL);
	must_find(f->res, "DNS-REALM", EW_FAIL, NULL);
	must_find(f->res, "DNS-AUTODISCOVER", EW_SKIP, NULL);
	tu_assert_findings_clean(f->res);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suffix),
		cmocka_unit_test(test_view_find_and_is_client),
		cmocka_unit_test(test_srv_all_present),
		cmocka_unit_test(test_srv_critical_nxdomain_everywhere),
		cmocka_unit_test(test_srv_noncritical_nodata),
		cmocka_unit_test(test_srv_present_on_one_client_server),
		cmocka_unit_test(test_srv_present_only_on_dc),
		cmocka_unit_test(test_srv_all_timed_out),
		cmocka_unit_test(test_srv_some_unknown),
		cmocka_unit_test(test_srv_forest_name),
		cmocka_unit_test(test_servers_second_says_nxdomain),
		cmocka_unit_test(test_servers_evidence_capped),
		cmocka_unit_test(test_servers_timeout),
		cmocka_unit_test(test_servers_servfail_refused),
		cmocka_unit_test(test_servers_all_agree),
		cmocka_unit_test(test_servers_windows_client),
		cmocka_unit_test(test_servers_dc_not_blamed),
		cmocka_unit_test(test_targets_no_address),
		cmocka_unit_test(test_targets_not_asked),
		cmocka_unit_test(test_targets_not_a_host_name),
		cmocka_unit_test(test_targets_unanswered_is_not_a_pass),
		cmocka_unit_test(test_targets_ptr_mismatch),
		cmocka_unit_test(test_targets_ptr_match),
		cmocka_unit_test(test_targets_no_ptr),
		cmocka_unit_test(test_targets_alias),
		cmocka_unit_test(test_targets_hostile_strings),
		cmocka_unit_test(test_tc),
		cmocka_unit_test(test_realm_disjoint_referral),
		cmocka_unit_test(test_realm_disjoint_mapped),
		cmocka_unit_test(test_realm_in_ad_domain),
		cmocka_unit_test(test_realm_suffix_is_ad_domain),
		cmocka_unit_test(test_realm_short_name),
		cmocka_unit_test(test_autodiscover),
		cmocka_unit_test(test_cache_none),
		cmocka_unit_test(test_cache_differs),
		cmocka_unit_test(test_cache_agrees),
		cmocka_unit_test(test_cache_without_ad_zone),
		cmocka_unit_test(test_cache_flushed),
		cmocka_unit_test(test_cache_other_kinds),
		cmocka_unit_test(test_cache_hostile_answers),
		cmocka_unit_test(test_all_rules_clean),
	};

	return cmocka_run_group_tests_name("dnsrules", tests, NULL, NULL);
}
