/*
 * test_locate.c - SRV answers into targets (order by priority and weight,
 * one target per host, records that name no service, the first resolver
 * or all of them, the targets kept) and A answers into their addresses, on
 * results built by hand: no network.
 */
#include "testutil.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "locate.h"

#define R1 "10.0.0.1"
#define R2 "10.0.0.2"
#define R3 "10.0.0.3"
#define LDAP "_ldap._tcp.dc._msdcs.exwiz.test"
#define KUDP "_kerberos._udp.exwiz.test"
#define KTCP "_kerberos._tcp.exwiz.test"

/* ---- fixture: results made by hand ---- */

struct fx {
	struct ew_dns_result *rs[16];
	size_t n;
	struct ew_locate l;
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < f->n; i++)
		ew_dns_result_free(&f->rs[i]);
	ew_locate_clear(&f->l);
	free(f);
	return 0;
}

static struct ew_dns_result *fx_result(struct fx *f, const char *name, int type,
				       const char *server, enum ew_dns_status st, size_t n)
{
	struct ew_dns_result *r = ew_dns_result_new(name, type, server);

	assert_non_null(r);
	assert_true(f->n < sizeof(f->rs) / sizeof(f->rs[0]));
	r->status = st;
	if (n) {
		r->answers = calloc(n, sizeof(*r->answers));
		assert_non_null(r->answers);
		r->nanswers = n;
	}
	f->rs[f->n++] = r;
	return r;
}

/*
 * answers(f, TYPE, NAME, SERVER, STATUS, N, then N answers): for SRV each
 * priority, weight, port, target; for A each address.
 */
static void answers(struct fx *f, int type, const char *name, const char *server,
		    enum ew_dns_status st, size_t n, ...)
{
	struct ew_dns_result *r = fx_result(f, name, type, server, st, n);
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		struct ew_dns_answer *a = &r->answers[i];

		a->type = type;
		if (type == EW_DNS_SRV) {
			a->priority = va_arg(ap, unsigned);
			a->weight = va_arg(ap, unsigned);
			a->port = va_arg(ap, unsigned);
			a->target = strdup(va_arg(ap, const char *));
		} else {
			a->data = strdup(va_arg(ap, const char *));
		}
		assert_true(a->target || a->data);
	}
	va_end(ap);
}
#define srv(f, ...) answers(f, EW_DNS_SRV, __VA_ARGS__)
#define addr(f, ...) answers(f, EW_DNS_A, __VA_ARGS__)

/* Targets with no port, by name, up to a NULL. */
static void fx_hosts(struct fx *f, ...)
{
	const unsigned none[EW_LOCATE_NAMES] = {0};
	const char *h;
	va_list ap;

	va_start(ap, f);
	while ((h = va_arg(ap, const char *)) != NULL)
		assert_int_equal(ew_locate_add(&f->l, h, none, 0, 0, 0), 1);
	va_end(ap);
}

/* A target's addresses, "a b"; "-" for none. */
static const char *addrs(const struct ew_locate_target *t)
{
	static char buf[256];
	size_t i, len = 0;

	snprintf(buf, sizeof(buf), "-");
	for (i = 0; i < t->naddrs; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
					t->addrs[i]);
	return buf;
}

/* The hosts in order, "a b c". */
static const char *hosts(const struct ew_locate *l)
{
	static char buf[512];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < l->n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
					l->t[i].host);
	return buf;
}

static const char *const ldap_names[] = { LDAP };
static const char *const krb_names[] = { KUDP, KTCP };

/* ---- SRV answers into targets ---- */

static void test_nothing(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = {0};

	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, 0, ldap_names, 1, &o), 0);
	assert_int_equal(f->l.n, 0);
	assert_string_equal(f->l.error, "");
	ew_locate_merge_addrs(&f->l, f->rs, 0);
	ew_locate_literals(&f->l);
	ew_locate_clear(&f->l);
	ew_locate_clear(&f->l);	/* cleared twice: still empty */
	assert_int_equal(f->l.n, 0);
}

static void test_priority_then_weight(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = {0};

	srv(f, LDAP, R1, EW_DNS_OK, 5, 10u, 90u, 389u, "far.exwiz.test",
	    0u, 10u, 389u, "light.exwiz.test", 0u, 50u, 389u, "heavy1.exwiz.test",
	    0u, 50u, 389u, "heavy2.exwiz.test", 0u, 0u, 389u, "zero.exwiz.test");
	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o), 5);
	/* Lowest priority first; in it the heaviest; alike: as answered. */
	assert_string_equal(hosts(&f->l), "heavy1.exwiz.test heavy2.exwiz.test light.exwiz.test "
			    "zero.exwiz.test far.exwiz.test");
	assert_int_equal(f->l.t[4].priority, 10);
	assert_int_equal(f->l.t[4].weight, 90);
	assert_int_equal(f->l.t[0].port[0], 389);
}

static void test_same_order_each_time(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = {0};
	struct ew_locate again = {0};
	char first[512];

	srv(f, LDAP, R1, EW_DNS_OK, 3, 0u, 100u, 389u, "dc3.exwiz.test",
	    0u, 100u, 389u, "dc1.exwiz.test", 0u, 100u, 389u, "dc2.exwiz.test");
	ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o);
	snprintf(first, sizeof(first), "%s", hosts(&f->l));
	ew_locate_merge_srv(&again, f->rs, f->n, ldap_names, 1, &o);
	assert_string_equal(hosts(&again), first);
	assert_string_equal(first, "dc3.exwiz.test dc1.exwiz.test dc2.exwiz.test");
	ew_locate_clear(&again);
}

static void test_resolvers_merged(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = {0};

	srv(f, LDAP, R1, EW_DNS_NXDOMAIN, 0);
	srv(f, LDAP, R2, EW_DNS_OK, 2, 0u, 100u, 389u, "dc1.exwiz.test",
	    0u, 100u, 389u, "dc2.exwiz.test");
	srv(f, LDAP, R3, EW_DNS_OK, 2, 0u, 100u, 389u, "DC2.EXWIZ.TEST",
	    0u, 100u, 389u, "dc3.exwiz.test");
	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o), 3);
	/* One target per host, whatever its case; resolver by resolver. */
	assert_string_equal(hosts(&f->l), "dc1.exwiz.test dc2.exwiz.test dc3.exwiz.test");
	assert_string_equal(f->l.error, "");
}

static void test_first_resolver(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = { .first_resolver = 1 };

	srv(f, KUDP, R1, EW_DNS_NXDOMAIN, 0);
	srv(f, KUDP, R2, EW_DNS_OK, 1, 0u, 0u, 0u, ".");	/* no service: passed over */
	srv(f, KUDP, R3, EW_DNS_OK, 2, 5u, 100u, 88u, "dc2.exwiz.test",
	    0u, 100u, 88u, "dc1.exwiz.test");
	srv(f, KUDP, R1, EW_DNS_OK, 1, 0u, 100u, 88u, "stale.exwiz.test");
	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, f->n, krb_names, 1, &o), 2);
	assert_string_equal(hosts(&f->l), "dc1.exwiz.test dc2.exwiz.test");
	o.first_resolver = 0;
	ew_locate_clear(&f->l);
	ew_locate_merge_srv(&f->l, f->rs, f->n, krb_names, 1, &o);
	assert_string_equal(hosts(&f->l), "dc1.exwiz.test stale.exwiz.test dc2.exwiz.test");
}

static void test_no_service_records(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = {0};

	srv(f, LDAP, R1, EW_DNS_OK, 4, 0u, 100u, 389u, "", 0u, 100u, 389u, ".",
	    0u, 100u, 0u, "portless.exwiz.test", 0u, 100u, 389u, "dc1.exwiz.test");
	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o), 1);
	assert_string_equal(hosts(&f->l), "dc1.exwiz.test");
}

static void test_max_keeps_the_best(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = { .max = 2 };

	srv(f, LDAP, R1, EW_DNS_OK, 4, 10u, 100u, 389u, "b1.exwiz.test",
	    10u, 100u, 389u, "b2.exwiz.test", 0u, 100u, 389u, "a.exwiz.test",
	    20u, 100u, 389u, "c.exwiz.test");
	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o), 2);
	assert_string_equal(hosts(&f->l), "a.exwiz.test b1.exwiz.test");
}

static void test_udp_and_tcp(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = {0};
	const unsigned conf[EW_LOCATE_NAMES] = { 88, 88 };

	/* krb5.conf's KDC first; SRV adds what it does not name. */
	assert_int_equal(ew_locate_add(&f->l, "kdc0.exwiz.test", conf, 0, 0, 0), 1);
	srv(f, KUDP, R1, EW_DNS_OK, 1, 0u, 100u, 88u, "dc1.exwiz.test");
	srv(f, KTCP, R1, EW_DNS_OK, 2, 0u, 100u, 88u, "dc1.exwiz.test",
	    0u, 100u, 750u, "dc2.exwiz.test");
	srv(f, KUDP, R2, EW_DNS_OK, 1, 0u, 100u, 89u, "KDC0.exwiz.test");
	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, f->n, krb_names, 2, &o), 2);
	assert_string_equal(hosts(&f->l), "kdc0.exwiz.test dc1.exwiz.test dc2.exwiz.test");
	assert_int_equal(f->l.t[1].port[0], 88);
	assert_int_equal(f->l.t[1].port[1], 88);
	assert_int_equal(f->l.t[2].port[0], 0);	/* not named over UDP */
	assert_int_equal(f->l.t[2].port[1], 750);
	/* A later record's port replaces the one kept; an absent one does not. */
	assert_int_equal(f->l.t[0].port[0], 89);
	assert_int_equal(f->l.t[0].port[1], 88);
}

static void test_add(void **state)
{
	struct fx *f = *state;
	const unsigned p1[EW_LOCATE_NAMES] = { 88, 0 }, p2[EW_LOCATE_NAMES] = { 0, 750 };

	assert_int_equal(ew_locate_add(&f->l, "a.exwiz.test", p1, 1, 2, 2), 1);
	assert_int_equal(ew_locate_add(&f->l, "A.exwiz.test", p2, 9, 9, 2), 0);
	assert_int_equal(f->l.n, 1);
	assert_int_equal(f->l.t[0].port[0], 88);
	assert_int_equal(f->l.t[0].port[1], 750);
	assert_int_equal(f->l.t[0].priority, 1);
	assert_int_equal(ew_locate_add(&f->l, "b.exwiz.test", p1, 0, 0, 2), 1);
	assert_int_equal(ew_locate_add(&f->l, "c.exwiz.test", p1, 0, 0, 2), -1);	/* full */
	assert_int_equal(ew_locate_add(&f->l, "b.exwiz.test", p2, 0, 0, 2), 0);	/* merged */
	assert_int_equal(f->l.n, 2);
}

static void test_error_when_none(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = {0};

	srv(f, LDAP, R1, EW_DNS_OK, 1, 0u, 0u, 0u, ".");
	srv(f, LDAP, R2, EW_DNS_TIMEOUT, 0);
	srv(f, LDAP, R3, EW_DNS_NXDOMAIN, 0);
	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o), 0);
	/* The first resolver that failed says why. */
	assert_string_equal(f->l.error, LDAP " SRV @" R2 ": timeout");
	/* A reason given before (c-ares could not start) is kept. */
	ew_locate_clear(&f->l);
	snprintf(f->l.error, sizeof(f->l.error), "no channel");
	ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o);
	assert_string_equal(f->l.error, "no channel");
	/* Found after all: no error. */
	srv(f, LDAP, R1, EW_DNS_OK, 1, 0u, 0u, 389u, "dc1.exwiz.test");
	ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o);
	assert_int_equal(f->l.n, 1);
	assert_string_equal(f->l.error, "");
}

static void test_other_answers_ignored(void **state)
{
	struct fx *f = *state;
	struct ew_locate_opts o = {0};

	srv(f, "_gc._tcp.exwiz.test", R1, EW_DNS_OK, 1, 0u, 0u, 3268u, "gc.exwiz.test");
	addr(f, LDAP, R1, EW_DNS_OK, 1, "10.0.0.9");
	f->rs[f->n++] = NULL;	/* a question that could not be made */
	assert_int_equal(ew_locate_merge_srv(&f->l, f->rs, f->n, ldap_names, 1, &o), 0);
	assert_int_equal(f->l.n, 0);
	f->n--;
}

/* ---- addresses ---- */

static void test_addresses(void **state)
{
	struct fx *f = *state;

	fx_hosts(f, "dc1.exwiz.test", "dc2.exwiz.test", "dc3.exwiz.test", "dc4.exwiz.test",
		 "dc5.exwiz.test", NULL);
	addr(f, "dc1.exwiz.test", R1, EW_DNS_TIMEOUT, 0);
	addr(f, "dc1.exwiz.test", R2, EW_DNS_OK, 2, "10.0.0.11", "10.0.0.12");
	addr(f, "dc1.exwiz.test", R3, EW_DNS_OK, 1, "10.9.9.9");
	addr(f, "DC2.exwiz.test", R1, EW_DNS_OK, 1, "10.0.0.21");
	addr(f, "dc3.exwiz.test", R1, EW_DNS_NODATA, 0);
	addr(f, "dc3.exwiz.test", R2, EW_DNS_TIMEOUT, 0);
	addr(f, "dc4.exwiz.test", R1, EW_DNS_OK, 0);
	ew_locate_merge_addrs(&f->l, f->rs, f->n);
	/* All of the first resolver that has them, as answered. */
	assert_string_equal(addrs(&f->l.t[0]), "10.0.0.11 10.0.0.12");
	assert_null(f->l.t[0].why);
	assert_string_equal(addrs(&f->l.t[1]), "10.0.0.21");
	assert_string_equal(addrs(&f->l.t[2]), "-");
	assert_string_equal(f->l.t[2].why, "dc3.exwiz.test A @" R1 ": nodata");
	assert_string_equal(f->l.t[3].why, "dc4.exwiz.test: no A record");
	assert_string_equal(f->l.t[4].why, "dc5.exwiz.test: not asked");
	/* Merged again: those with addresses keep theirs. */
	ew_locate_merge_addrs(&f->l, f->rs, 1);
	assert_string_equal(addrs(&f->l.t[0]), "10.0.0.11 10.0.0.12");
}

/* cnames(f, N, names...): the CNAME chain of the last result made. */
static void cnames(struct fx *f, size_t n, ...)
{
	struct ew_dns_result *r = f->rs[f->n - 1];
	va_list ap;
	size_t i;

	va_start(ap, n);
	r->cnames = calloc(n, sizeof(*r->cnames));
	assert_non_null(r->cnames);
	for (i = 0; i < n; i++)
		assert_non_null(r->cnames[r->ncnames++] = strdup(va_arg(ap, const char *)));
	va_end(ap);
}

/* An answer through a CNAME chain: the target keeps where the chain leads. */
static void test_canonical(void **state)
{
	struct fx *f = *state;

	fx_hosts(f, "outlook.exwiz.test", "mail.exwiz.test", "webmail.exwiz.test",
		 "old.exwiz.test", NULL);
	addr(f, "outlook.exwiz.test", R1, EW_DNS_OK, 2, "127.0.0.31", "127.0.0.32");
	cnames(f, 2, "lb.exwiz.test", "mail.exwiz.test");
	addr(f, "mail.exwiz.test", R1, EW_DNS_OK, 2, "127.0.0.31", "127.0.0.32");
	/* the first resolver times out; the second's answer follows a CNAME */
	addr(f, "webmail.exwiz.test", R1, EW_DNS_TIMEOUT, 0);
	addr(f, "webmail.exwiz.test", R2, EW_DNS_OK, 1, "127.0.0.40");
	cnames(f, 1, "ex19-vip.exwiz.test");
	/* an alias whose target has no address: no address, no canonical name */
	addr(f, "old.exwiz.test", R1, EW_DNS_NODATA, 0);
	cnames(f, 1, "gone.exwiz.test");
	ew_locate_merge_addrs(&f->l, f->rs, f->n);
	assert_string_equal(addrs(&f->l.t[0]), "127.0.0.31 127.0.0.32");
	assert_string_equal(f->l.t[0].canonical, "mail.exwiz.test");	/* the last name */
	assert_null(f->l.t[1].canonical);				/* A records */
	assert_string_equal(f->l.t[2].canonical, "ex19-vip.exwiz.test");
	assert_string_equal(addrs(&f->l.t[3]), "-");
	assert_null(f->l.t[3].canonical);
	/* ew_locate_clear (the teardown) frees them: valgrind and ASan see it */
}

static void test_literals(void **state)
{
	struct fx *f = *state;

	fx_hosts(f, "127.0.0.10", "fd00::10", "dc1.exwiz.test", "127.0.0.300", NULL);
	ew_locate_literals(&f->l);
	assert_string_equal(addrs(&f->l.t[0]), "127.0.0.10");
	assert_string_equal(addrs(&f->l.t[1]), "fd00::10");
	assert_string_equal(addrs(&f->l.t[2]), "-");
	assert_string_equal(addrs(&f->l.t[3]), "-");	/* no address: a name to ask */
}

/* Each test with a fixture of its own. */
#define T(test) cmocka_unit_test_setup_teardown(test, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_nothing), T(test_priority_then_weight), T(test_same_order_each_time),
		T(test_resolvers_merged), T(test_first_resolver), T(test_no_service_records),
		T(test_max_keeps_the_best), T(test_udp_and_tcp), T(test_add),
		T(test_error_when_none), T(test_other_answers_ignored), T(test_addresses),
		T(test_literals), T(test_canonical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
