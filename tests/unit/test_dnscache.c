/*
 * test_dnscache.c - resolv.conf parsing, loopback addresses, cache kind
 * names, cache detection on this machine (no count asserted), and ew_spawn:
 * exit codes, captured and cleaned output, the time bound, the fixed
 * environment.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnscache.h"
#include "spawn.h"
#include "text.h"

static void assert_clean(const char *s)
{
	assert_non_null(s);
	assert_false(tu_has_raw_control(s, strlen(s)));
	assert_true(ew_text_is_clean(s, strlen(s)));
}

static void assert_defaults(const struct ew_resolv *r)
{
	assert_int_equal(r->ndots, 1);
	assert_int_equal(r->timeout, 5);
	assert_int_equal(r->attempts, 2);
	assert_int_equal(r->rotate, 0);
}

/* ---- ew_resolv_parse ---- */

static void test_resolv_nameservers(void **state)
{
	struct ew_resolv r;

	(void)state;
	ew_resolv_parse("nameserver 10.0.0.1\n"
			"nameserver   2001:db8::53  \n"
			"nameserver\tfe80::1%eth0\n", &r);
	assert_int_equal(r.nservers, 3);
	assert_string_equal(r.servers[0], "10.0.0.1");
	assert_string_equal(r.servers[1], "2001:db8::53");
	assert_string_equal(r.servers[2], "fe80::1");	/* scope id dropped */
	assert_int_equal(r.ignored, 0);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.nsearch, 0);
	assert_defaults(&r);
	ew_resolv_clear(&r);
	assert_int_equal(r.nservers, 0);
	assert_null(r.servers[0]);
}

static void test_resolv_more_than_three(void **state)
{
	struct ew_resolv r;

	(void)state;
	ew_resolv_parse("nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n"
			"nameserver 10.0.0.4\nnameserver ::1\n", &r);
	assert_int_equal(r.nservers, 3);
	assert_string_equal(r.servers[2], "10.0.0.3");
	assert_int_equal(r.ignored, 2);
	assert_int_equal(r.bad, 0);
	ew_resolv_clear(&r);
}

static void test_resolv_bad_nameservers(void **state)
{
	struct ew_resolv r;

	(void)state;
	ew_resolv_parse("nameserver dns.example.com\n"
			"nameserver 10.0.0.256\n"
			"nameserver\n"
			"nameserver \x1b[2J\n"
			"nameserver 10.0.0.1\n"
			"nameserver 10.0.0.1.5\n", &r);
	assert_int_equal(r.nservers, 1);
	assert_string_equal(r.servers[0], "10.0.0.1");
	assert_int_equal(r.bad, 5);
	assert_int_equal(r.ignored, 0);
	ew_resolv_clear(&r);

	/* Bad lines do not use up the three places. */
	ew_resolv_parse("nameserver x\nnameserver y\nnameserver z\nnameserver w\n"
			"nameserver 10.0.0.1\nnameserver 10.0.0.2\n", &r);
	assert_int_equal(r.nservers, 2);
	assert_int_equal(r.bad, 4);
	assert_int_equal(r.ignored, 0);
	ew_resolv_clear(&r);
}

static void test_resolv_comments(void **state)
{
	struct ew_resolv r;

	(void)state;
	ew_resolv_parse("# nameserver 10.9.9.9\n"
			"; nameserver 10.9.9.8\n"
			"nameserver 10.0.0.1 # the DC\n"
			"nameserver 10.0.0.2; the other DC\n"
			"   # indented comment\n"
			"search exwiz.test # not.this.one\n", &r);
	assert_int_equal(r.nservers, 2);
	assert_string_equal(r.servers[0], "10.0.0.1");
	assert_string_equal(r.servers[1], "10.0.0.2");
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.nsearch, 1);
	assert_string_equal(r.search[0], "exwiz.test");
	ew_resolv_clear(&r);
}

static void test_resolv_search_domain(void **state)
{
	struct ew_resolv r;

	(void)state;
	ew_resolv_parse("search a.test b.test\tc.test\n", &r);
	assert_int_equal(r.nsearch, 3);
	assert_string_equal(r.search[0], "a.test");
	assert_string_equal(r.search[1], "b.test");
	assert_string_equal(r.search[2], "c.test");
	ew_resolv_clear(&r);

	/* The last search or domain line wins. */
	ew_resolv_parse("search a.test b.test\ndomain exwiz.test\n", &r);
	assert_int_equal(r.nsearch, 1);
	assert_string_equal(r.search[0], "exwiz.test");
	ew_resolv_clear(&r);
	ew_resolv_parse("domain exwiz.test\nsearch x.test y.test\n", &r);
	assert_int_equal(r.nsearch, 2);
	assert_string_equal(r.search[0], "x.test");
	assert_string_equal(r.search[1], "y.test");
	ew_resolv_clear(&r);

	/* At most EW_RESOLV_MAX entries; hostile bytes are cleaned. */
	ew_resolv_parse("search 1 2 3 4 5 6 7 8 9 10\n", &r);
	assert_int_equal(r.nsearch, EW_RESOLV_MAX);
	assert_string_equal(r.search[EW_RESOLV_MAX - 1], "8");
	ew_resolv_clear(&r);
	ew_resolv_parse("search ev\x1b[2J\x07il.test\n", &r);
	assert_int_equal(r.nsearch, 1);
	assert_clean(r.search[0]);
	assert_string_equal(r.search[0], "ev\\x1b[2J\\x07il.test");
	ew_resolv_clear(&r);
}

static void test_resolv_options(void **state)
{
	struct ew_resolv r;

	(void)state;
	ew_resolv_parse("options ndots:3 timeout:1 attempts:4 rotate\n", &r);
	assert_int_equal(r.ndots, 3);
	assert_int_equal(r.timeout, 1);
	assert_int_equal(r.attempts, 4);
	assert_int_equal(r.rotate, 1);
	ew_resolv_clear(&r);

	/* Several options lines add up; unknown options are ignored. */
	ew_resolv_parse("options edns0 trust-ad\noptions\ttimeout:2\noptions ndots:0\n", &r);
	assert_int_equal(r.ndots, 0);
	assert_int_equal(r.timeout, 2);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(r.rotate, 0);
	ew_resolv_clear(&r);
}

static void test_resolv_crlf(void **state)
{
	struct ew_resolv r;

	(void)state;
	ew_resolv_parse("nameserver 10.0.0.1\r\n"
			"search exwiz.test other.test\r\n"
			"options rotate\r\n"
			"options timeout:3\r\n", &r);
	assert_int_equal(r.nservers, 1);
	assert_string_equal(r.servers[0], "10.0.0.1");
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.nsearch, 2);
	assert_string_equal(r.search[1], "other.test");
	assert_int_equal(r.rotate, 1);
	assert_int_equal(r.timeout, 3);
	ew_resolv_clear(&r);
}

static void test_resolv_empty_and_null(void **state)
{
	struct ew_resolv r;

	(void)state;
	memset(&r, 0x5a, sizeof(r));
	ew_resolv_parse("", &r);
	assert_int_equal(r.nservers, 0);
	assert_int_equal(r.nsearch, 0);
	assert_int_equal(r.ignored, 0);
	assert_int_equal(r.bad, 0);
	assert_defaults(&r);
	ew_resolv_clear(&r);

	memset(&r, 0x5a, sizeof(r));
	ew_resolv_parse(NULL, &r);
	assert_int_equal(r.nservers, 0);
	assert_int_equal(r.nsearch, 0);
	assert_defaults(&r);
	ew_resolv_clear(&r);

	ew_resolv_parse("\n\n   \n\t\n#\n", &r);
	assert_int_equal(r.nservers, 0);
	assert_defaults(&r);
	ew_resolv_clear(&r);
}

static void test_resolv_load(void **state)
{
	static const char text[] = "# written by the test\n"
				   "search exwiz.test\n"
				   "nameserver 127.0.0.53\n"
				   "options edns0 attempts:3\n";
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "resolv.conf");
	char *missing = tu_path(dir, "nothere.conf");
	struct ew_resolv r;

	(void)state;
	tu_write_file(path, text, sizeof(text) - 1);
	assert_int_equal(ew_resolv_load(path, &r), 0);
	assert_int_equal(r.nservers, 1);
	assert_string_equal(r.servers[0], "127.0.0.53");
	assert_int_equal(r.nsearch, 1);
	assert_string_equal(r.search[0], "exwiz.test");
	assert_int_equal(r.attempts, 3);
	ew_resolv_clear(&r);

	memset(&r, 0x5a, sizeof(r));
	assert_int_equal(ew_resolv_load(missing, &r), -1);
	assert_int_equal(r.nservers, 0);	/* left empty: clear is safe */
	ew_resolv_clear(&r);

	tu_rm_rf(dir);
	free(missing);
	free(path);
	free(dir);
}

/* ---- ew_ip_is_loopback, ew_cache_kind_name, ew_cache_detect ---- */

static void test_ip_is_loopback(void **state)
{
	(void)state;
	assert_true(ew_ip_is_loopback("127.0.0.1"));
	assert_true(ew_ip_is_loopback("127.5.6.7"));
	assert_true(ew_ip_is_loopback("127.0.0.53"));
	assert_true(ew_ip_is_loopback("::1"));
	assert_true(ew_ip_is_loopback("0:0:0:0:0:0:0:1"));
	assert_false(ew_ip_is_loopback("10.0.0.1"));
	assert_false(ew_ip_is_loopback("128.0.0.1"));
	assert_false(ew_ip_is_loopback("::2"));
	assert_false(ew_ip_is_loopback("::"));
	assert_false(ew_ip_is_loopback("::ffff:127.0.0.1"));
	assert_false(ew_ip_is_loopback("localhost"));
	assert_false(ew_ip_is_loopback("garbage"));
	assert_false(ew_ip_is_loopback(""));
	assert_false(ew_ip_is_loopback("127.0.0.1%lo"));
}

static void test_cache_kind_name(void **state)
{
	(void)state;
	assert_string_equal(ew_cache_kind_name(EW_CACHE_DNSMASQ), "dnsmasq");
	assert_string_equal(ew_cache_kind_name(EW_CACHE_RESOLVED), "systemd-resolved");
	assert_string_equal(ew_cache_kind_name(EW_CACHE_UNBOUND), "unbound");
	assert_string_equal(ew_cache_kind_name(EW_CACHE_NSCD), "nscd");
	assert_string_equal(ew_cache_kind_name(EW_CACHE_SSSD), "sssd");
	assert_string_equal(ew_cache_kind_name(EW_CACHE_OTHER), "local resolver");
	assert_string_equal(ew_cache_kind_name((enum ew_cache_kind)99), "local resolver");
}

static void test_cache_detect(void **state)
{
	struct ew_resolv r;
	struct ew_cache *c = NULL;
	size_t n = 12345, i;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(ew_cache_detect(&r, &c, &n), 0);
	/* Whatever this machine has: no count asserted, but every entry is whole. */
	assert_true(n == 0 || c != NULL);
	for (i = 0; i < n; i++) {
		assert_non_null(c[i].program);
		assert_clean(c[i].program);
		assert_non_null(c[i].path);
		assert_null(c[i].address);	/* no nameserver was given */
		if (c[i].detail)
			assert_clean(c[i].detail);
		assert_true(c[i].kind == EW_CACHE_NSCD || c[i].kind == EW_CACHE_SSSD);
	}
	ew_cache_free_all(c, n);

	/* A non-loopback nameserver is never taken for a cache. */
	ew_resolv_parse("nameserver 192.0.2.1\n", &r);
	assert_int_equal(ew_cache_detect(&r, &c, &n), 0);
	for (i = 0; i < n; i++)
		assert_null(c[i].address);
	ew_cache_free_all(c, n);
	ew_resolv_clear(&r);
	ew_cache_free_all(NULL, 0);
}

static void test_cache_flush_refuses(void **state)
{
	struct ew_cache c;
	char did[256], err[256];

	(void)state;
	/* Cases that do nothing at all: no pid, sssd, an unknown kind. */
	memset(&c, 0, sizeof(c));
	c.kind = EW_CACHE_DNSMASQ;
	c.program = (char *)"dnsmasq";
	err[0] = '\0';
	assert_int_equal(ew_cache_flush(&c, did, sizeof(did), err, sizeof(err)), -1);
	assert_string_equal(did, "");
	assert_non_null(strstr(err, "not known"));
	c.kind = EW_CACHE_SSSD;
	assert_int_equal(ew_cache_flush(&c, did, sizeof(did), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "sssd"));
	c.kind = EW_CACHE_OTHER;
	c.program = (char *)"mystery";
	assert_int_equal(ew_cache_flush(&c, did, sizeof(did), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mystery"));
	/* A pid that is not dnsmasq (this test program) gets no signal. */
	c.kind = EW_CACHE_DNSMASQ;
	c.pid = getpid();
	assert_int_equal(ew_cache_flush(&c, did, sizeof(did), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nothing sent"));
}

/* ---- ew_spawn ---- */

static long ms_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int run(const char *path, char *const argv[], int timeout_ms, char *out, size_t outlen,
	       char *err, size_t errlen)
{
	out[0] = 'X';
	err[0] = '\0';
	return ew_spawn(path, argv, timeout_ms, out, outlen, err, errlen);
}

static void test_spawn_exit_codes(void **state)
{
	char *const t_argv[] = { (char *)"true", NULL };
	char *const f_argv[] = { (char *)"false", NULL };
	char out[256], err[256];

	(void)state;
	assert_int_equal(run("/bin/true", t_argv, 5000, out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "");
	assert_int_equal(run("/bin/false", f_argv, 5000, out, sizeof(out), err, sizeof(err)), 1);
	assert_string_equal(out, "");
}

static void test_spawn_missing(void **state)
{
	char *const argv[] = { (char *)"nothere", NULL };
	char out[256], err[256];

	(void)state;
	assert_int_equal(run("/nonexistent/exwiz-helper", argv, 5000, out, sizeof(out), err,
			     sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/exwiz-helper"));
	assert_true(strlen(err) > strlen("/nonexistent/exwiz-helper"));
	assert_string_equal(out, "");
	/* A file that is not executable. */
	{
		char *dir = tu_mkdtemp(), *path = tu_path(dir, "helper");

		tu_write_file(path, "#!/bin/sh\nexit 0\n", 17);
		assert_int_equal(chmod(path, 0644), 0);
		assert_int_equal(run(path, argv, 5000, out, sizeof(out), err, sizeof(err)), -1);
		assert_non_null(strstr(err, path));
		tu_rm_rf(dir);
		free(path);
		free(dir);
	}
}

static void test_spawn_output(void **state)
{
	char *const argv[] = { (char *)"echo", (char *)"hello", NULL };
	char out[256], err[256];

	(void)state;
	assert_int_equal(run("/bin/echo", argv, 5000, out, sizeof(out), err, sizeof(err)), 0);
	/* Cleaned: the newline is kept visible as "\n". */
	assert_string_equal(out, "hello\\n");
	assert_clean(out);
}

static void test_spawn_escape_cleaned(void **state)
{
	char *const argv[] = { (char *)"sh", (char *)"-c",
			       (char *)"printf '\\033[2J'; printf 'x\\r\\n' >&2; exit 3", NULL };
	char out[256], err[256];

	(void)state;
	assert_int_equal(run("/bin/sh", argv, 5000, out, sizeof(out), err, sizeof(err)), 3);
	assert_null(strchr(out, '\x1b'));
	assert_clean(out);
	assert_non_null(strstr(out, "\\x1b[2J"));
	/* Standard error is captured too. */
	assert_non_null(strstr(out, "x\\r\\n"));
}

static void test_spawn_timeout(void **state)
{
	char *const argv[] = { (char *)"sleep", (char *)"5", NULL };
	char out[256], err[256];
	long t0, dt;

	(void)state;
	t0 = ms_now();
	assert_int_equal(run("/bin/sleep", argv, 300, out, sizeof(out), err, sizeof(err)), -1);
	dt = ms_now() - t0;
	assert_true(dt >= 250);
	assert_true(dt < 1500);
	assert_non_null(strstr(err, "/bin/sleep"));
	assert_non_null(strstr(err, "300 ms"));
	assert_non_null(strstr(err, "stopped"));
}

/*
 * The wait is bounded only while the helper keeps its output open: once it
 * closes stdout and stderr, read() returns 0, the loop in ew_spawn() breaks
 * (spawn.c lines 86-87) and waitpid(pid, &status, 0) (line 97) waits
 * without a bound. spawn.h promises "a bounded wait (the helper is killed
 * past it)". Here the helper closes its output and sleeps 3 s: ew_spawn
 * returns 0 after 3 s instead of -1 after 300 ms.
 */
static void test_spawn_timeout_after_output_closed(void **state)
{
	char *const argv[] = { (char *)"sh", (char *)"-c",
			       (char *)"exec >/dev/null 2>&1; sleep 3", NULL };
	char out[256], err[256];
	long t0, dt;
	int rc;

	(void)state;
	t0 = ms_now();
	rc = run("/bin/sh", argv, 300, out, sizeof(out), err, sizeof(err));
	dt = ms_now() - t0;
	assert_true(dt < 1500);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "stopped"));
}

static void test_spawn_large_output(void **state)
{
	char *const argv[] = { (char *)"sh", (char *)"-c",
			       (char *)"head -c 100000 /dev/zero | tr '\\0' a", NULL };
	char small[256], *big = malloc(200000), err[256];
	size_t i, n;
	long t0;

	(void)state;
	assert_non_null(big);
	t0 = ms_now();
	assert_int_equal(run("/bin/sh", argv, 10000, small, sizeof(small), err, sizeof(err)), 0);
	assert_true(ms_now() - t0 < 5000);
	/* Truncated to the buffer. */
	assert_int_equal(strlen(small), sizeof(small) - 1);
	for (i = 0; i < sizeof(small) - 1; i++)
		assert_int_equal(small[i], 'a');

	/* A buffer larger than what is kept: the beginning, whole 'a's, no hang. */
	assert_int_equal(run("/bin/sh", argv, 10000, big, 200000, err, sizeof(err)), 0);
	n = strlen(big);
	assert_true(n > 0);
	assert_true(n < 100000);
	for (i = 0; i < n; i++)
		assert_int_equal(big[i], 'a');
	free(big);
}

static void test_spawn_no_output_buffer(void **state)
{
	char *const argv[] = { (char *)"echo", (char *)"hi", NULL };
	char err[256] = "";

	(void)state;
	assert_int_equal(ew_spawn("/bin/echo", argv, 5000, NULL, 0, err, sizeof(err)), 0);
}

static void test_spawn_environment(void **state)
{
	char *const argv[] = { (char *)"env", NULL };
	char out[4096], err[256];

	(void)state;
	assert_int_equal(setenv("EXWIZ_SECRET_TEST", "1", 1), 0);
	assert_int_equal(run("/usr/bin/env", argv, 5000, out, sizeof(out), err, sizeof(err)), 0);
	unsetenv("EXWIZ_SECRET_TEST");
	assert_null(strstr(out, "EXWIZ_SECRET_TEST"));
	assert_non_null(strstr(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\\n"));
	assert_non_null(strstr(out, "LC_ALL=C"));
	assert_null(strstr(out, "HOME="));
	/* Exactly the two variables. */
	assert_string_equal(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\\nLC_ALL=C\\n");
}

static void test_spawn_stdin_is_dev_null(void **state)
{
	char *const argv[] = { (char *)"sh", (char *)"-c",
			       (char *)"read x; echo \"rc=$?\"", NULL };
	char out[256], err[256];
	long t0 = ms_now();

	(void)state;
	/* read gets end of file at once: it does not wait for a terminal. */
	assert_int_equal(run("/bin/sh", argv, 3000, out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "rc=1\\n");
	assert_true(ms_now() - t0 < 2000);
}

static void test_spawn_killed_by_signal(void **state)
{
	char *const argv[] = { (char *)"sh", (char *)"-c", (char *)"kill -TERM $$", NULL };
	char out[256], err[256];

	(void)state;
	assert_int_equal(run("/bin/sh", argv, 5000, out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "signal 15"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolv_nameservers),
		cmocka_unit_test(test_resolv_more_than_three),
		cmocka_unit_test(test_resolv_bad_nameservers),
		cmocka_unit_test(test_resolv_comments),
		cmocka_unit_test(test_resolv_search_domain),
		cmocka_unit_test(test_resolv_options),
		cmocka_unit_test(test_resolv_crlf),
		cmocka_unit_test(test_resolv_empty_and_null),
		cmocka_unit_test(test_resolv_load),
		cmocka_unit_test(test_ip_is_loopback),
		cmocka_unit_test(test_cache_kind_name),
		cmocka_unit_test(test_cache_detect),
		cmocka_unit_test(test_cache_flush_refuses),
		cmocka_unit_test(test_spawn_exit_codes),
		cmocka_unit_test(test_spawn_missing),
		cmocka_unit_test(test_spawn_output),
		cmocka_unit_test(test_spawn_escape_cleaned),
		cmocka_unit_test(test_spawn_timeout),
		cmocka_unit_test(test_spawn_timeout_after_output_closed),
		cmocka_unit_test(test_spawn_large_output),
		cmocka_unit_test(test_spawn_no_output_buffer),
		cmocka_unit_test(test_spawn_environment),
		cmocka_unit_test(test_spawn_stdin_is_dev_null),
		cmocka_unit_test(test_spawn_killed_by_signal),
	};

	return cmocka_run_group_tests_name("dnscache", tests, NULL, NULL);
}
