/*
 * test_directory.c - the LDAP module against the lab domain (run inside the
 * lab namespace: `tests/lab/labctl -n NS exec build/tests/integration/test_directory`).
 *
 * alice's TGT is obtained with the krb5 API into a private MEMORY: cache and
 * handed to the GSSAPI bind by name; simple binds read the lab password file.
 * Facts checked are the lab's (tests/lab/README.md): 2 holders of
 * HTTP/exch1.exwiz.test, 2,000 members of bigroup, tokenGroups of bob 603.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <krb5.h>
#include <ldap.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "directory.h"

#define DC "dc1.exwiz.test"
#define BASE_DN "DC=exwiz,DC=test"
#define ORG_DN "CN=EXWIZ,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=exwiz,DC=test"

struct lab {
	krb5_context ctx;
	krb5_ccache cc;
	char *ccname;		/* "MEMORY:..." with alice's TGT */
	char *password;		/* every lab user's */
	struct ew_dir *gss;	/* a shared GSSAPI connection (alice) */
	char *alice_dn, *bob_dn, *operator_dn, *bigroup_dn;
};

static struct lab lab;

/*
 * Under LeakSanitizer: Cyrus SASL's GSSAPI plugin (2.1.28) does not release
 * the credential it acquired when the server refuses a finished exchange
 * (test_gssapi_over_starttls: "Sign or Seal are required"); successful binds
 * do not leak. Not ours to fix; every other leak still fails the run.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libgssapiv2.so\n";
}

/* Full allocation stacks, so that the plugin's frames are seen (the fast
 * unwinder stops in libgssapi_krb5, built without frame pointers). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void expect_contains(const char *s, const char *needle)
{
	if (strcasestr(s, needle) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", s, needle);
}

/* The password file's first line, without its newline. */
static char *read_password(const char *envname)
{
	const char *path = getenv(envname);
	char *s;
	size_t n = 0;

	if (path == NULL)
		fail_msg("%s is not set: run under labctl exec", envname);
	s = tu_slurp(path, &n);
	assert_non_null(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	assert_true(n > 0);
	return s;
}

static void kinit_memory(const char *user)
{
	krb5_principal princ = NULL;
	krb5_creds creds;
	krb5_error_code ret;
	char *name = NULL;

	memset(&creds, 0, sizeof(creds));
	assert_int_equal(krb5_init_context(&lab.ctx), 0);
	assert_int_equal(krb5_parse_name(lab.ctx, user, &princ), 0);
	ret = krb5_get_init_creds_password(lab.ctx, &creds, princ, lab.password, NULL, NULL, 0,
					   NULL, NULL);
	if (ret != 0) {
		const char *m = krb5_get_error_message(lab.ctx, ret);

		fail_msg("kinit %s: %s", user, m);
	}
	assert_int_equal(krb5_cc_new_unique(lab.ctx, "MEMORY", NULL, &lab.cc), 0);
	assert_int_equal(krb5_cc_initialize(lab.ctx, lab.cc, princ), 0);
	assert_int_equal(krb5_cc_store_cred(lab.ctx, lab.cc, &creds), 0);
	assert_int_equal(krb5_cc_get_full_name(lab.ctx, lab.cc, &name), 0);
	lab.ccname = strdup(name);
	assert_non_null(lab.ccname);
	assert_int_equal(strncmp(lab.ccname, "MEMORY:", 7), 0);
	krb5_free_string(lab.ctx, name);
	krb5_free_cred_contents(lab.ctx, &creds);
	krb5_free_principal(lab.ctx, princ);
}

static struct ew_dir_opts gss_opts(void)
{
	struct ew_dir_opts o = { 0 };

	o.host = DC;
	o.ccache = lab.ccname;
	o.timeout_ms = 5000;
	return o;
}

static struct ew_dir_opts simple_opts(const char *dn, enum ew_dir_tls tls)
{
	struct ew_dir_opts o = { 0 };

	o.host = DC;
	o.tls = tls;
	o.bind_dn = dn;
	o.password = lab.password;
	o.timeout_ms = 5000;
	return o;
}

static struct ew_dir *open_ok(const struct ew_dir_opts *o)
{
	struct ew_dir *d = NULL;
	char err[512];

	if (ew_dir_open(o, &d, err, sizeof(err)) != 0)
		fail_msg("ew_dir_open: %s", err);
	assert_non_null(d);
	return d;
}

/* ew_dir_open must fail within limit_ms; the message is returned in err. */
static void open_fails(const struct ew_dir_opts *o, long long limit_ms, char *err, size_t len)
{
	struct ew_dir *d = NULL;
	long long t0 = now_ms(), took;

	assert_int_equal(ew_dir_open(o, &d, err, len), -1);
	took = now_ms() - t0;
	assert_null(d);
	assert_true(strlen(err) > 0);
	printf("# open failed in %lld ms: %s\n", took, err);
	if (took > limit_ms)
		fail_msg("took %lld ms, more than %lld", took, limit_ms);
}

/* The DN of the one entry a subtree search finds. */
static char *find_dn(struct ew_dir *d, const char *filter)
{
	struct ew_dir_result *r = NULL;
	const char *attrs[] = { "1.1", NULL };
	char err[512], *dn;

	if (ew_dir_search(d, BASE_DN, LDAP_SCOPE_SUBTREE, filter, attrs, NULL, &r, err,
			  sizeof(err)) != 0)
		fail_msg("search %s: %s", filter, err);
	if (r->nentries != 1)
		fail_msg("search %s: %zu entries", filter, r->nentries);
	dn = strdup(r->entries[0].dn);
	assert_non_null(dn);
	ew_dir_result_free(&r);
	return dn;
}

static int setup(void **state)
{
	struct ew_dir_opts o;

	(void)state;
	lab.password = read_password("EXWIZ_LAB_PASSWORD_FILE");
	kinit_memory("alice");
	o = gss_opts();
	lab.gss = open_ok(&o);
	lab.alice_dn = find_dn(lab.gss, "(sAMAccountName=alice)");
	lab.bob_dn = find_dn(lab.gss, "(sAMAccountName=bob)");
	lab.operator_dn = find_dn(lab.gss, "(sAMAccountName=operator)");
	lab.bigroup_dn = find_dn(lab.gss, "(cn=bigroup)");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ew_dir_close(&lab.gss);
	if (lab.cc)
		krb5_cc_destroy(lab.ctx, lab.cc);
	if (lab.ctx)
		krb5_free_context(lab.ctx);
	free(lab.ccname);
	if (lab.password) {
		explicit_bzero(lab.password, strlen(lab.password));
		free(lab.password);
	}
	free(lab.alice_dn);
	free(lab.bob_dn);
	free(lab.operator_dn);
	free(lab.bigroup_dn);
	return 0;
}

/* ---- GSSAPI ---- */

static void test_gssapi_rootdse(void **state)
{
	struct ew_dir_opts o = gss_opts();
	struct ew_dir *d;

	(void)state;
	d = open_ok(&o);
	assert_string_equal(ew_dir_rootdse(d, "defaultNamingContext"), BASE_DN);
	assert_string_equal(ew_dir_rootdse(d, "configurationNamingContext"),
			    "CN=Configuration," BASE_DN);
	assert_string_equal(ew_dir_rootdse(d, "rootDomainNamingContext"), BASE_DN);
	assert_string_equal(ew_dir_rootdse(d, "schemaNamingContext"),
			    "CN=Schema,CN=Configuration," BASE_DN);
	assert_string_equal(ew_dir_rootdse(d, "DNSHOSTNAME"), DC);
	assert_null(ew_dir_rootdse(d, "noSuchAttribute"));
	/* plain LDAP: Samba insists on a SASL security layer */
	assert_int_equal(strncmp(ew_dir_bind_method(d), "GSSAPI", 6), 0);
	printf("# bind method \"%s\", %ld round trips for bind + rootDSE\n",
	       ew_dir_bind_method(d), ew_dir_round_trips(d));
	assert_true(ew_dir_round_trips(d) >= 2);
	ew_dir_close(&d);
	assert_null(d);
}

/* The ccache option is what the bind uses: an empty cache fails. */
static void test_gssapi_ccache_is_used(void **state)
{
	struct ew_dir_opts o = gss_opts();
	krb5_ccache empty = NULL;
	struct ew_dir *d;
	char *name = NULL, err[512];

	(void)state;
	assert_int_equal(krb5_cc_new_unique(lab.ctx, "MEMORY", NULL, &empty), 0);
	assert_int_equal(krb5_cc_get_full_name(lab.ctx, empty, &name), 0);
	o.ccache = name;
	open_fails(&o, 6000, err, sizeof(err));
	expect_contains(err, "GSSAPI");
	krb5_free_string(lab.ctx, name);
	krb5_cc_destroy(lab.ctx, empty);
	/* and the thread's cache name was put back: alice's still works */
	o = gss_opts();
	d = open_ok(&o);
	ew_dir_close(&d);
}

/*
 * The cache name is set for the bind only: afterwards a bind without one
 * follows KRB5CCNAME again (nothing pinned for the thread), and an explicit
 * one wins over KRB5CCNAME.
 */
static void test_gssapi_ccache_not_pinned(void **state)
{
	struct ew_dir_opts o = gss_opts();
	krb5_ccache empty = NULL;
	struct ew_dir *d;
	char *name = NULL, err[512];

	(void)state;
	assert_int_equal(krb5_cc_new_unique(lab.ctx, "MEMORY", NULL, &empty), 0);
	assert_int_equal(krb5_cc_get_full_name(lab.ctx, empty, &name), 0);
	/* earlier tests bound with an explicit cache in this thread */
	o.ccache = NULL;
	assert_int_equal(setenv("KRB5CCNAME", lab.ccname, 1), 0);
	d = open_ok(&o);
	ew_dir_close(&d);
	assert_int_equal(setenv("KRB5CCNAME", name, 1), 0);
	open_fails(&o, 6000, err, sizeof(err));
	/* explicit beats the environment */
	o.ccache = lab.ccname;
	d = open_ok(&o);
	ew_dir_close(&d);
	/* and still nothing pinned */
	o.ccache = NULL;
	open_fails(&o, 6000, err, sizeof(err));
	unsetenv("KRB5CCNAME");
	krb5_free_string(lab.ctx, name);
	krb5_cc_destroy(lab.ctx, empty);
}

/* By IP the Kerberos service name is ldap/127.0.0.10: no such principal. */
static void test_gssapi_by_ip_fails(void **state)
{
	struct ew_dir_opts o = gss_opts();
	char err[512];

	(void)state;
	o.host = "127.0.0.10";
	open_fails(&o, 6000, err, sizeof(err));
}

/*
 * GSSAPI inside TLS (maxssf=0, as AD wants). Samba 4.17 refuses both a SASL
 * layer inside TLS and none; either it works or the message explains.
 */
static void test_gssapi_over_starttls(void **state)
{
	struct ew_dir_opts o = gss_opts();
	struct ew_dir *d = NULL;
	char err[1024];

	(void)state;
	o.tls = EW_DIR_STARTTLS;
	if (ew_dir_open(&o, &d, err, sizeof(err)) == 0) {
		printf("# GSSAPI over StartTLS works here: %s\n", ew_dir_bind_method(d));
		assert_string_equal(ew_dir_bind_method(d), "GSSAPI (StartTLS)");
		ew_dir_close(&d);
		return;
	}
	printf("# GSSAPI over StartTLS refused: %s\n", err);
	expect_contains(err, "Strong");
	expect_contains(err, "security layer");
}

/* ---- searches ---- */

static void test_gc_spn_holders(void **state)
{
	struct ew_dir_opts o = gss_opts();
	struct ew_dir_result *r = NULL;
	const char *attrs[] = { "servicePrincipalName", "sAMAccountName", NULL };
	struct ew_dir *d;
	char err[512];

	(void)state;
	o.gc = 1;
	d = open_ok(&o);
	/* base "": the whole forest, as a GC search should be */
	assert_int_equal(ew_dir_search(d, "", LDAP_SCOPE_SUBTREE,
				       "(servicePrincipalName=HTTP/exch1.exwiz.test)", attrs, NULL,
				       &r, err, sizeof(err)), 0);
	assert_int_equal(r->nentries, 2);	/* the lab's duplicate SPN */
	ew_dir_result_free(&r);
	assert_int_equal(ew_dir_search(d, "", LDAP_SCOPE_SUBTREE,
				       "(servicePrincipalName=exchangeRFR/exch1.exwiz.test)", attrs,
				       NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(r->nentries, 1);
	assert_non_null(strcasestr(r->entries[0].dn, "CN=EXCH1"));
	assert_non_null(ew_dir_entry_attr(&r->entries[0], "servicePrincipalName"));
	ew_dir_result_free(&r);
	ew_dir_close(&d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bigroup_all_members(void **state)
{
	struct ew_dir_attr a = { 0 };
	struct ew_dir_result *r = NULL;
	const char *lo[] = { "member;range=0-1499", NULL }, *hi[] = { "member;range=1500-*", NULL };
	const struct ew_dir_attr *ra;
	char err[512], **sorted;
	long before = ew_dir_round_trips(lab.gss);
	int complete = -1;
	size_t i;

	(void)state;
	assert_int_equal(ew_dir_read_all_values(lab.gss, lab.bigroup_dn, "member", &a, &complete,
						err, sizeof(err)), 0);
	printf("# bigroup: %zu values, complete %d, %ld round trips\n", a.nvalues, complete,
	       ew_dir_round_trips(lab.gss) - before);
	assert_int_equal(complete, 1);
	assert_int_equal(a.nvalues, 2000);
	assert_string_equal(a.name, "member");
	/* all different, all contacts */
	sorted = calloc(a.nvalues, sizeof(*sorted));
	assert_non_null(sorted);
	for (i = 0; i < a.nvalues; i++) {
		sorted[i] = a.values[i].val;
		assert_int_equal(strlen(a.values[i].val), a.values[i].len);
		assert_non_null(strcasestr(a.values[i].val, "OU=Contacts"));
	}
	qsort(sorted, a.nvalues, sizeof(*sorted), cmp_str);
	for (i = 1; i < a.nvalues; i++)
		assert_true(strcmp(sorted[i - 1], sorted[i]) != 0);
	free(sorted);

	/* Oracle: the same through explicit ranges, as AD would hand them out. */
	assert_int_equal(ew_dir_search(lab.gss, lab.bigroup_dn, LDAP_SCOPE_BASE, NULL, lo, NULL,
				       &r, err, sizeof(err)), 0);
	assert_int_equal(r->nentries, 1);
	ra = ew_dir_entry_attr(&r->entries[0], "member");
	assert_non_null(ra);
	assert_string_equal(ra->name, "member;range=0-1499");
	assert_int_equal(ra->nvalues, 1500);
	ew_dir_result_free(&r);
	assert_int_equal(ew_dir_search(lab.gss, lab.bigroup_dn, LDAP_SCOPE_BASE, NULL, hi, NULL,
				       &r, err, sizeof(err)), 0);
	ra = ew_dir_entry_attr(&r->entries[0], "member");
	assert_non_null(ra);
	assert_string_equal(ra->name, "member;range=1500-*");
	assert_int_equal(ra->nvalues, 500);
	ew_dir_result_free(&r);
	ew_dir_attr_clear(&a);

	/* an entry without the attribute: complete, no values */
	assert_int_equal(ew_dir_read_all_values(lab.gss, lab.alice_dn, "member", &a, &complete,
						err, sizeof(err)), 0);
	assert_int_equal(complete, 1);
	assert_int_equal(a.nvalues, 0);
	ew_dir_attr_clear(&a);
	/* no entry: an error */
	assert_int_equal(ew_dir_read_all_values(lab.gss, "CN=nobody," BASE_DN, "member", &a,
						&complete, err, sizeof(err)), -1);
	printf("# %s\n", err);
	assert_int_equal(complete, 0);
	assert_null(a.name);
}

static void test_tokengroups_base_scope(void **state)
{
	struct ew_dir_result *r = NULL;
	const char *attrs[] = { "tokenGroups", NULL };
	const struct ew_dir_attr *a;
	char err[512];
	size_t i;

	(void)state;
	assert_int_equal(ew_dir_search(lab.gss, lab.bob_dn, LDAP_SCOPE_BASE, NULL, attrs, NULL,
				       &r, err, sizeof(err)), 0);
	assert_int_equal(r->nentries, 1);
	a = ew_dir_entry_attr(&r->entries[0], "tokenGroups");
	assert_non_null(a);
	printf("# bob: tokenGroups %zu SIDs\n", a->nvalues);
	assert_true(a->nvalues >= 600);
	for (i = 0; i < a->nvalues; i++) {
		/* binary SIDs: revision 1, 8 + 4 * subauthorities bytes */
		assert_int_equal((unsigned char)a->values[i].val[0], 1);
		assert_int_equal(a->values[i].len, 8 + 4 * (size_t)(unsigned char)a->values[i].val[1]);
	}
	/*
	 * Subtree scope: AD answers operationsError; Samba 4.17 too, but not
	 * when the paged-results control is on (as ew_dir_search sends it):
	 * then it returns the same SIDs. Either is accepted; base scope is the
	 * one to use.
	 */
	{
		size_t base_count = a->nvalues;

		ew_dir_result_free(&r);
		if (ew_dir_search(lab.gss, lab.bob_dn, LDAP_SCOPE_SUBTREE, NULL, attrs, NULL, &r,
				  err, sizeof(err)) != 0) {
			assert_null(r);
			printf("# subtree: %s\n", err);
			return;
		}
		assert_int_equal(r->nentries, 1);
		a = ew_dir_entry_attr(&r->entries[0], "tokenGroups");
		assert_non_null(a);
		printf("# subtree (paged): %zu SIDs\n", a->nvalues);
		assert_int_equal(a->nvalues, base_count);
		ew_dir_result_free(&r);
	}
}

static void test_paged_search(void **state)
{
	struct ew_dir_result *r = NULL;
	const char *attrs[] = { "cn", NULL };
	long before = ew_dir_round_trips(lab.gss), pages;
	char err[512];

	(void)state;
	assert_int_equal(ew_dir_search(lab.gss, "OU=Contacts," BASE_DN, LDAP_SCOPE_ONELEVEL,
				       "(objectClass=contact)", attrs, NULL, &r, err, sizeof(err)),
			 0);
	pages = ew_dir_round_trips(lab.gss) - before;
	printf("# 2000 contacts in %ld pages\n", pages);
	assert_int_equal(r->nentries, 2000);
	assert_true(pages >= 4 && pages <= 5);
	ew_dir_result_free(&r);
}

static void test_no_such_object(void **state)
{
	struct ew_dir_result *r = NULL;
	char err[512];

	(void)state;
	assert_int_equal(ew_dir_search(lab.gss, "CN=nobody,OU=Staff," BASE_DN, LDAP_SCOPE_BASE,
				       NULL, NULL, NULL, &r, err, sizeof(err)), 0);
	assert_non_null(r);
	assert_int_equal(r->nentries, 0);
	ew_dir_result_free(&r);
	assert_int_equal(ew_dir_search(lab.gss, "CN=nobody,OU=Staff," BASE_DN,
				       LDAP_SCOPE_SUBTREE, NULL, NULL, NULL, &r, err, sizeof(err)),
			 0);
	assert_int_equal(r->nentries, 0);
	ew_dir_result_free(&r);
	/* a bad filter is refused by the library, with a message */
	assert_int_equal(ew_dir_search(lab.gss, BASE_DN, LDAP_SCOPE_SUBTREE, "(cn=", NULL, NULL,
				       &r, err, sizeof(err)), -1);
	assert_null(r);
	printf("# %s\n", err);
	expect_contains(err, "filter");
}

static void test_search_many(void **state)
{
	const char *attrs[] = { "objectClass", NULL };
	struct ew_dir_req reqs[3] = {
		{ lab.alice_dn, LDAP_SCOPE_BASE, NULL, attrs, NULL },
		{ lab.bob_dn, LDAP_SCOPE_BASE, "(objectClass=user)", attrs, NULL },
		{ ORG_DN, LDAP_SCOPE_BASE, NULL, attrs, NULL },
	};
	struct ew_dir_result *res[3];
	char *errs[3], err[512];
	long before = ew_dir_round_trips(lab.gss);
	long long t0 = now_ms(), t_many, t_seq;
	size_t i;

	(void)state;
	assert_int_equal(ew_dir_search_many(lab.gss, reqs, 3, res, errs, err, sizeof(err)), 0);
	t_many = now_ms() - t0;
	assert_int_equal(ew_dir_round_trips(lab.gss) - before, 3);
	for (i = 0; i < 3; i++) {
		assert_null(errs[i]);
		assert_non_null(res[i]);
		assert_int_equal(res[i]->nentries, 1);
		assert_string_equal(res[i]->entries[0].dn, reqs[i].base);
		ew_dir_result_free(&res[i]);
	}
	t0 = now_ms();
	for (i = 0; i < 3; i++) {
		struct ew_dir_result *r = NULL;

		assert_int_equal(ew_dir_search(lab.gss, reqs[i].base, LDAP_SCOPE_BASE, NULL,
					       attrs, NULL, &r, err, sizeof(err)), 0);
		ew_dir_result_free(&r);
	}
	t_seq = now_ms() - t0;
	printf("# 3 searches: pipelined %lld ms, one by one %lld ms\n", t_many, t_seq);

	/* failures stay with their request */
	reqs[0].base = "CN=nobody," BASE_DN;	/* no such object: zero entries, fine */
	reqs[1].filter = "(cn=";		/* refused before sending */
	before = ew_dir_round_trips(lab.gss);
	assert_int_equal(ew_dir_search_many(lab.gss, reqs, 3, res, errs, err, sizeof(err)), -1);
	printf("# %s\n", err);
	expect_contains(err, "1 of 3");
	assert_int_equal(ew_dir_round_trips(lab.gss) - before, 2);
	assert_null(errs[0]);
	assert_non_null(res[0]);
	assert_int_equal(res[0]->nentries, 0);
	assert_non_null(errs[1]);
	assert_null(res[1]);
	assert_null(errs[2]);
	assert_int_equal(res[2]->nentries, 1);
	for (i = 0; i < 3; i++) {
		ew_dir_result_free(&res[i]);
		free(errs[i]);
	}
	assert_int_equal(ew_dir_search_many(lab.gss, reqs, 0, res, errs, err, sizeof(err)), 0);
}

static void test_cancel_before_search(void **state)
{
	atomic_int cancel = 0;
	struct ew_dir_opts o = gss_opts();
	struct ew_dir_result *r = NULL;
	struct ew_dir_req req = { BASE_DN, LDAP_SCOPE_BASE, NULL, NULL, NULL };
	struct ew_dir_result *res[1];
	struct ew_dir *d;
	char *errs[1], err[512];
	long before;
	long long t0;

	(void)state;
	o.cancel = &cancel;
	d = open_ok(&o);
	atomic_store(&cancel, 1);
	before = ew_dir_round_trips(d);
	t0 = now_ms();
	assert_int_equal(ew_dir_search(d, BASE_DN, LDAP_SCOPE_SUBTREE, NULL, NULL, NULL, &r, err,
				       sizeof(err)), -1);
	assert_true(now_ms() - t0 < 200);
	assert_null(r);
	expect_contains(err, "cancelled");
	assert_int_equal(ew_dir_search_many(d, &req, 1, res, errs, err, sizeof(err)), -1);
	expect_contains(errs[0], "cancelled");
	free(errs[0]);
	assert_int_equal(ew_dir_round_trips(d), before);
	/* the connection is still good */
	atomic_store(&cancel, 0);
	assert_int_equal(ew_dir_search(d, BASE_DN, LDAP_SCOPE_BASE, NULL, NULL, NULL, &r, err,
				       sizeof(err)), 0);
	assert_int_equal(r->nentries, 1);
	ew_dir_result_free(&r);
	ew_dir_close(&d);
}

/* ---- simple binds and TLS ---- */

static void test_starttls_simple_bind(void **state)
{
	struct ew_dir_opts o;
	struct ew_dir *d;

	(void)state;
	o = simple_opts(lab.alice_dn, EW_DIR_STARTTLS);
	d = open_ok(&o);	/* CA from LDAPTLS_CACERT, verified */
	assert_string_equal(ew_dir_bind_method(d), "simple (StartTLS)");
	assert_string_equal(ew_dir_rootdse(d, "defaultNamingContext"), BASE_DN);
	/* StartTLS, bind, rootDSE */
	assert_int_equal(ew_dir_round_trips(d), 3);
	ew_dir_close(&d);

	o.ca_file = getenv("LDAPTLS_CACERT");	/* the same CA, named */
	assert_non_null(o.ca_file);
	d = open_ok(&o);
	ew_dir_close(&d);
}

static void test_ldaps_simple_bind_gc(void **state)
{
	struct ew_dir_opts o;
	struct ew_dir *d;
	struct ew_dir_result *r = NULL;
	char err[512];

	(void)state;
	o = simple_opts(lab.alice_dn, EW_DIR_LDAPS);
	o.gc = 1;
	d = open_ok(&o);
	assert_string_equal(ew_dir_bind_method(d), "simple (LDAPS)");
	assert_int_equal(ew_dir_round_trips(d), 2);
	assert_int_equal(ew_dir_search(d, "", LDAP_SCOPE_SUBTREE,
				       "(servicePrincipalName=HTTP/exch1.exwiz.test)", NULL, NULL,
				       &r, err, sizeof(err)), 0);
	assert_int_equal(r->nentries, 2);
	ew_dir_result_free(&r);
	ew_dir_close(&d);
}

static void test_wrong_ca(void **state)
{
	static const char *const system_ca = "/etc/ssl/certs/ca-certificates.crt";
	struct ew_dir_opts o;
	char err[1024];

	(void)state;
	if (access(system_ca, R_OK) != 0)
		skip();
	o = simple_opts(lab.alice_dn, EW_DIR_STARTTLS);
	o.ca_file = system_ca;	/* public CAs only: not the lab's */
	open_fails(&o, 6000, err, sizeof(err));
	expect_contains(err, "certificate");
	o.tls = EW_DIR_LDAPS;
	open_fails(&o, 6000, err, sizeof(err));
	expect_contains(err, "certificate");
	/* a CA file that is not there */
	o.ca_file = "/nonexistent/ca.pem";
	open_fails(&o, 1000, err, sizeof(err));
	expect_contains(err, "/nonexistent/ca.pem");
	/* one that holds no certificate */
	{
		char *dir = tu_mkdtemp(), *path = tu_path(dir, "junk.pem");

		tu_write_file(path, "not a certificate\n", 18);
		o.ca_file = path;
		open_fails(&o, 6000, err, sizeof(err));
		expect_contains(err, "junk.pem");
		free(path);
		tu_rm_rf(dir);
		free(dir);
	}
}

static void test_wrong_password(void **state)
{
	struct ew_dir_opts o;
	char err[1024];

	(void)state;
	o = simple_opts(lab.alice_dn, EW_DIR_STARTTLS);
	o.password = "not-the-password";
	open_fails(&o, 6000, err, sizeof(err));
	expect_contains(err, "Invalid credentials");
	expect_contains(err, "wrong password");
	/* the password is never in the message */
	assert_null(strstr(err, "not-the-password"));
	o.bind_dn = "CN=Nobody,OU=Staff," BASE_DN;
	open_fails(&o, 6000, err, sizeof(err));
	expect_contains(err, "Invalid credentials");
}

/* ---- bounded waits ---- */

static void test_unreachable_address(void **state)
{
	struct ew_dir_opts o;
	char err[512];

	(void)state;
	o = simple_opts(lab.alice_dn, EW_DIR_LDAPS);
	o.host = "127.0.0.77";	/* in the namespace, nobody listens */
	o.timeout_ms = 2000;
	open_fails(&o, 3000, err, sizeof(err));
	expect_contains(err, "connect");
}

static void test_unresolvable_name(void **state)
{
	struct ew_dir_opts o = gss_opts();
	char err[512];

	(void)state;
	o.host = "nohost.exwiz.test";
	o.timeout_ms = 2000;
	open_fails(&o, 3000, err, sizeof(err));
}

/* A TCP server that accepts (through the kernel's backlog) and never answers. */
static int silent_server(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void test_silent_server_times_out(void **state)
{
	struct ew_dir_opts o;
	char err[512];
	int port, fd = silent_server(&port);

	(void)state;
	o = simple_opts(lab.alice_dn, EW_DIR_STARTTLS);
	o.host = "127.0.0.1";
	o.port = port;
	o.timeout_ms = 1000;
	open_fails(&o, 2000, err, sizeof(err));	/* StartTLS never answered */
	expect_contains(err, "timed out");
	o.tls = EW_DIR_LDAPS;		/* the handshake never answered */
	open_fails(&o, 2000, err, sizeof(err));
	close(fd);
}

struct canceller {
	atomic_int *flag;
	int after_ms;
};

static void *cancel_later(void *arg)
{
	struct canceller *c = arg;
	struct timespec ts = { c->after_ms / 1000, (long)(c->after_ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
	atomic_store(c->flag, 1);
	return NULL;
}

static void test_cancel_while_waiting(void **state)
{
	atomic_int cancel = 0;
	struct canceller c = { &cancel, 300 };
	struct ew_dir_opts o;
	pthread_t t;
	char err[512];
	int port, fd = silent_server(&port);

	(void)state;
	o = simple_opts(lab.alice_dn, EW_DIR_STARTTLS);
	o.host = "127.0.0.1";
	o.port = port;
	o.timeout_ms = 10000;
	o.cancel = &cancel;
	assert_int_equal(pthread_create(&t, NULL, cancel_later, &c), 0);
	open_fails(&o, 1000, err, sizeof(err));
	expect_contains(err, "cancelled");
	pthread_join(t, NULL);
	close(fd);
}

/* ---- SD_FLAGS ---- */

/* nTSecurityDescriptor of the organization object read as dn, with or
 * without the control; NULL if absent. The caller frees the result. */
static const struct ew_dir_attr *read_sd(struct ew_dir *d, int with_control,
					 struct ew_dir_result **r)
{
	const char *attrs[] = { "nTSecurityDescriptor", NULL };
	LDAPControl *ctrl = with_control ? ew_dir_sd_flags_control(7) : NULL;
	LDAPControl *ctrls[2] = { ctrl, NULL };
	char err[512];

	if (ew_dir_search(d, ORG_DN, LDAP_SCOPE_BASE, NULL, attrs, ctrl ? ctrls : NULL, r, err,
			  sizeof(err)) != 0)
		fail_msg("%s", err);
	ldap_control_free(ctrl);
	assert_int_equal((*r)->nentries, 1);
	return ew_dir_entry_attr(&(*r)->entries[0], "nTSecurityDescriptor");
}

static void test_sd_flags_control(void **state)
{
	struct ew_dir_opts o;
	struct ew_dir_result *r = NULL;
	const struct ew_dir_attr *a;
	const unsigned char *sd;
	struct ew_dir *d;
	unsigned control;

	(void)state;
	o = simple_opts(lab.operator_dn, EW_DIR_STARTTLS);
	d = open_ok(&o);
	/* without the control an unprivileged reader gets nothing */
	a = read_sd(d, 0, &r);
	assert_null(a);
	ew_dir_result_free(&r);
	a = read_sd(d, 1, &r);
	assert_non_null(a);
	assert_int_equal(a->nvalues, 1);
	assert_true(a->values[0].len >= 20);
	sd = (const unsigned char *)a->values[0].val;
	/* SECURITY_DESCRIPTOR_RELATIVE: revision 1, control word, offsets */
	assert_int_equal(sd[0], 1);
	control = sd[2] | (unsigned)sd[3] << 8;
	printf("# organization SD: %zu bytes, control 0x%04x\n", a->values[0].len, control);
	assert_true(control & 0x8000);		/* self-relative */
	assert_true(control & 0x0004);		/* DACL present */
	assert_false(control & 0x0010);		/* no SACL: never asked for */
	ew_dir_result_free(&r);
	ew_dir_close(&d);

	/* alice has no READ_CONTROL there: nothing even with the control */
	a = read_sd(lab.gss, 1, &r);
	assert_null(a);
	ew_dir_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gssapi_rootdse),
		cmocka_unit_test(test_gssapi_ccache_is_used),
		cmocka_unit_test(test_gssapi_ccache_not_pinned),
		cmocka_unit_test(test_gssapi_by_ip_fails),
		cmocka_unit_test(test_gssapi_over_starttls),
		cmocka_unit_test(test_gc_spn_holders),
		cmocka_unit_test(test_bigroup_all_members),
		cmocka_unit_test(test_tokengroups_base_scope),
		cmocka_unit_test(test_paged_search),
		cmocka_unit_test(test_no_such_object),
		cmocka_unit_test(test_search_many),
		cmocka_unit_test(test_cancel_before_search),
		cmocka_unit_test(test_starttls_simple_bind),
		cmocka_unit_test(test_ldaps_simple_bind_gc),
		cmocka_unit_test(test_wrong_ca),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_unreachable_address),
		cmocka_unit_test(test_unresolvable_name),
		cmocka_unit_test(test_silent_server_times_out),
		cmocka_unit_test(test_cancel_while_waiting),
		cmocka_unit_test(test_sd_flags_control),
	};

	return cmocka_run_group_tests_name("directory (lab)", tests, setup, teardown);
}
