/*
 * test_kdcprobe.c - the KDC probe (core/kdcprobe.c): the AS-REQ DER encoder
 * walked field by field with a strict DER reader written here, the
 * GeneralizedTime parser, the reply parser on hand-built KRB-ERRORs and on
 * 20,000 mutations of one, and ew_kdc_probe_all against sockets this test
 * opens on 127.0.0.1 (ephemeral ports; no other network).
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "kdcprobe.h"

#define REALM "EXWIZ.TEST"

/* ---- a strict DER reader ---- */

struct span {
	const unsigned char *p;
	size_t n;
};

/* One TLV at *p (before e) with tag `tag`, definite and minimal length. */
static int der_take(const unsigned char **p, const unsigned char *e, unsigned tag,
		    struct span *out)
{
	const unsigned char *q = *p;
	size_t len, k, i;

	if (q >= e || *q != tag)
		return -1;
	q++;
	if (q >= e)
		return -1;
	if (*q < 0x80) {
		len = *q++;
	} else {
		k = *q++ & 0x7f;
		if (k == 0 || k > 3 || (size_t)(e - q) < k || *q == 0)
			return -1;	/* indefinite, huge, or a leading zero */
		for (len = 0, i = 0; i < k; i++)
			len = len << 8 | *q++;
		if (len < 0x80)
			return -1;	/* the long form for a short length */
	}
	if (len > (size_t)(e - q))
		return -1;
	out->p = q;
	out->n = len;
	*p = q + len;
	return 0;
}

/* s holds exactly one INTEGER, minimally encoded. */
static int der_int_in(struct span s, long *v)
{
	const unsigned char *p = s.p, *e = s.p + s.n;
	struct span i;
	unsigned long u;
	size_t k;

	if (der_take(&p, e, 0x02, &i) != 0 || p != e || i.n == 0 || i.n > 8)
		return -1;
	if (i.n > 1 && ((i.p[0] == 0x00 && !(i.p[1] & 0x80)) ||
			(i.p[0] == 0xff && (i.p[1] & 0x80))))
		return -1;
	u = (i.p[0] & 0x80) ? ~0ul : 0;
	for (k = 0; k < i.n; k++)
		u = u << 8 | i.p[k];
	*v = (long)u;
	return 0;
}

static int der_gstring(const unsigned char **p, const unsigned char *e, char *out, size_t cap)
{
	struct span s;

	if (der_take(p, e, 0x1b, &s) != 0 || s.n >= cap)
		return -1;
	memcpy(out, s.p, s.n);
	out[s.n] = '\0';
	return 0;
}

/* s holds PrincipalName ::= SEQUENCE { [0] INTEGER, [1] SEQUENCE OF GeneralString }. */
static int der_principal(struct span s, long *type, char c[][300], size_t maxc, size_t *nc)
{
	const unsigned char *p = s.p, *e = s.p + s.n, *q, *qe;
	struct span seq, t, names, list;

	if (der_take(&p, e, 0x30, &seq) != 0 || p != e)
		return -1;
	q = seq.p;
	qe = seq.p + seq.n;
	if (der_take(&q, qe, 0xa0, &t) != 0 || der_int_in(t, type) != 0)
		return -1;
	if (der_take(&q, qe, 0xa1, &names) != 0 || q != qe)
		return -1;
	q = names.p;
	qe = names.p + names.n;
	if (der_take(&q, qe, 0x30, &list) != 0 || q != qe)
		return -1;
	q = list.p;
	qe = list.p + list.n;
	for (*nc = 0; q < qe; (*nc)++)
		if (*nc >= maxc || der_gstring(&q, qe, c[*nc], sizeof(c[0])) != 0)
			return -1;
	return 0;
}

struct asreq_info {
	long pvno, msg_type;
	unsigned char kdc_options[16];
	size_t kdc_options_len;
	long cname_type, sname_type;
	char cname[2][300];
	size_t ncname;
	char realm[300];
	char sname[3][300];
	size_t nsname;
	char till[32];
	long nonce;
	long etypes[8];
	size_t netypes;
	const char *why;
};

#define WALK_FAIL(i, msg)	\
	do {			\
		(i)->why = (msg); \
		return -1;	\
	} while (0)

/*
 * AS-REQ ::= [APPLICATION 10] KDC-REQ; KDC-REQ ::= SEQUENCE { pvno [1],
 * msg-type [2], padata [3] OPTIONAL, req-body [4] KDC-REQ-BODY }.
 * KDC-REQ-BODY ::= SEQUENCE { kdc-options [0] BIT STRING, cname [1], realm [2],
 * sname [3], from [4] OPT, till [5], rtime [6] OPT, nonce [7], etype [8] SEQUENCE
 * OF Int32, ... }. The whole of buf must be the message. No cmocka asserts in
 * here: the responder threads call it too.
 */
static int walk_asreq(const unsigned char *buf, size_t len, struct asreq_info *i)
{
	const unsigned char *p = buf, *e = buf + len, *q, *qe, *b, *be;
	struct span app, seq, f, body, bseq, bits, gt, et;

	memset(i, 0, sizeof(*i));
	if (der_take(&p, e, 0x6a, &app) != 0 || p != e)
		WALK_FAIL(i, "not one [APPLICATION 10]");
	q = app.p;
	qe = app.p + app.n;
	if (der_take(&q, qe, 0x30, &seq) != 0 || q != qe)
		WALK_FAIL(i, "no KDC-REQ SEQUENCE");
	q = seq.p;
	qe = seq.p + seq.n;
	if (der_take(&q, qe, 0xa1, &f) != 0 || der_int_in(f, &i->pvno) != 0)
		WALK_FAIL(i, "pvno");
	if (der_take(&q, qe, 0xa2, &f) != 0 || der_int_in(f, &i->msg_type) != 0)
		WALK_FAIL(i, "msg-type");
	if (der_take(&q, qe, 0xa4, &body) != 0 || q != qe)
		WALK_FAIL(i, "req-body");
	b = body.p;
	be = body.p + body.n;
	if (der_take(&b, be, 0x30, &bseq) != 0 || b != be)
		WALK_FAIL(i, "KDC-REQ-BODY SEQUENCE");
	b = bseq.p;
	be = bseq.p + bseq.n;

	if (der_take(&b, be, 0xa0, &f) != 0)
		WALK_FAIL(i, "kdc-options");
	q = f.p;
	if (der_take(&q, f.p + f.n, 0x03, &bits) != 0 || q != f.p + f.n ||
	    bits.n > sizeof(i->kdc_options))
		WALK_FAIL(i, "kdc-options BIT STRING");
	memcpy(i->kdc_options, bits.p, bits.n);
	i->kdc_options_len = bits.n;

	if (der_take(&b, be, 0xa1, &f) != 0 ||
	    der_principal(f, &i->cname_type, i->cname, 2, &i->ncname) != 0)
		WALK_FAIL(i, "cname");
	if (der_take(&b, be, 0xa2, &f) != 0)
		WALK_FAIL(i, "realm");
	q = f.p;
	if (der_gstring(&q, f.p + f.n, i->realm, sizeof(i->realm)) != 0 || q != f.p + f.n)
		WALK_FAIL(i, "realm GeneralString");
	if (der_take(&b, be, 0xa3, &f) != 0 ||
	    der_principal(f, &i->sname_type, i->sname, 3, &i->nsname) != 0)
		WALK_FAIL(i, "sname");
	if (der_take(&b, be, 0xa5, &f) != 0)
		WALK_FAIL(i, "till");
	q = f.p;
	if (der_take(&q, f.p + f.n, 0x18, &gt) != 0 || q != f.p + f.n ||
	    gt.n >= sizeof(i->till))
		WALK_FAIL(i, "till GeneralizedTime");
	memcpy(i->till, gt.p, gt.n);
	i->till[gt.n] = '\0';
	if (der_take(&b, be, 0xa7, &f) != 0 || der_int_in(f, &i->nonce) != 0)
		WALK_FAIL(i, "nonce");
	if (der_take(&b, be, 0xa8, &f) != 0 || b != be)
		WALK_FAIL(i, "etype (or something after it)");
	q = f.p;
	qe = f.p + f.n;
	if (der_take(&q, qe, 0x30, &et) != 0 || q != qe)
		WALK_FAIL(i, "etype SEQUENCE");
	q = et.p;
	qe = et.p + et.n;
	while (q < qe) {
		const unsigned char *start = q;
		struct span one;

		if (i->netypes >= 8 || der_take(&q, qe, 0x02, &one) != 0)
			WALK_FAIL(i, "an etype");
		one.p = start;
		one.n = (size_t)(q - start);
		if (der_int_in(one, &i->etypes[i->netypes++]) != 0)
			WALK_FAIL(i, "an etype INTEGER");
	}
	return 0;
}

static void assert_asreq(const unsigned char *buf, size_t len, const char *realm,
			 const char *client, struct asreq_info *i)
{
	if (walk_asreq(buf, len, i) != 0)
		fail_msg("not a valid AS-REQ: %s", i->why);
	assert_int_equal(i->pvno, 5);
	assert_int_equal(i->msg_type, 10);
	assert_int_equal(i->cname_type, 1);	/* NT-PRINCIPAL */
	assert_int_equal(i->ncname, 1);
	assert_string_equal(i->cname[0], client);
	assert_string_equal(i->realm, realm);
	assert_int_equal(i->sname_type, 2);	/* NT-SRV-INST */
	assert_int_equal(i->nsname, 2);
	assert_string_equal(i->sname[0], "krbtgt");
	assert_string_equal(i->sname[1], realm);
	assert_int_equal(strlen(i->till), 15);
	assert_true(ew_kdc_parse_gtime(i->till, 15) > 0);
	assert_true(i->nonce >= 0);
	assert_int_equal(i->netypes, 3);
	assert_int_equal(i->etypes[0], 18);
	assert_int_equal(i->etypes[1], 17);
	assert_int_equal(i->etypes[2], 23);
	/* 32 flag bits, no unused bits. */
	assert_int_equal(i->kdc_options_len, 5);
	assert_int_equal(i->kdc_options[0], 0);
}

/* ---- a KRB-ERROR writer ---- */

struct out {
	unsigned char d[2048];
	size_t n;
};

/* Used from the responder threads too: no cmocka assert (a test bug aborts). */
static void put(struct out *o, const void *p, size_t n)
{
	if (o->n + n > sizeof(o->d))
		abort();
	memcpy(o->d + o->n, p, n);
	o->n += n;
}

static void put_tlv(struct out *o, unsigned tag, const void *content, size_t n)
{
	unsigned char h[4];
	size_t k = 0;

	h[k++] = (unsigned char)tag;
	if (n < 0x80) {
		h[k++] = (unsigned char)n;
	} else if (n < 0x100) {
		h[k++] = 0x81;
		h[k++] = (unsigned char)n;
	} else {
		h[k++] = 0x82;
		h[k++] = (unsigned char)(n >> 8);
		h[k++] = (unsigned char)n;
	}
	put(o, h, k);
	put(o, content, n);
}

static void put_int(struct out *o, unsigned ctx, long v)
{
	unsigned char b[9];
	int k = 8;
	long x = v;
	struct out in = { .n = 0 };

	b[k] = (unsigned char)(x & 0xff);
	while (x > 127 || x < -128) {
		x >>= 8;
		b[--k] = (unsigned char)(x & 0xff);
	}
	put_tlv(&in, 0x02, b + k, (size_t)(9 - k));
	put_tlv(o, ctx, in.d, in.n);
}

static void put_gstring(struct out *o, unsigned ctx, const char *s)
{
	struct out in = { .n = 0 };

	put_tlv(&in, 0x1b, s, strlen(s));
	put_tlv(o, ctx, in.d, in.n);
}

/*
 * KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0] 5, msg-type [1] 30,
 * ctime [2] OPT, cusec [3] OPT, stime [4] KerberosTime, susec [5], error-code
 * [6], crealm [7] OPT, cname [8] OPT, realm [9], sname [10], e-text [11] OPT }.
 * stime NULL leaves stime and susec out; susec < 0 leaves susec out.
 */
static size_t krb_error(unsigned char *buf, size_t cap, const char *stime, long susec,
			long code)
{
	struct out body = { .n = 0 }, seq = { .n = 0 }, app = { .n = 0 };
	struct out t = { .n = 0 }, sname = { .n = 0 }, names = { .n = 0 }, list = { .n = 0 };
	struct out ps = { .n = 0 };

	put_int(&body, 0xa0, 5);
	put_int(&body, 0xa1, 30);
	if (stime) {
		put_tlv(&t, 0x18, stime, strlen(stime));
		put_tlv(&body, 0xa4, t.d, t.n);
		if (susec >= 0)
			put_int(&body, 0xa5, susec);
	}
	put_int(&body, 0xa6, code);
	put_gstring(&body, 0xa9, REALM);
	/* sname krbtgt/EXWIZ.TEST */
	put_tlv(&list, 0x1b, "krbtgt", 6);
	put_tlv(&list, 0x1b, REALM, strlen(REALM));
	put_tlv(&names, 0x30, list.d, list.n);
	put_int(&ps, 0xa0, 2);
	put_tlv(&ps, 0xa1, names.d, names.n);
	put_tlv(&sname, 0x30, ps.d, ps.n);
	put_tlv(&body, 0xaa, sname.d, sname.n);
	put_gstring(&body, 0xab, "CLIENT_NOT_FOUND");
	put_tlv(&seq, 0x30, body.d, body.n);
	put_tlv(&app, 0x7e, seq.d, seq.n);
	if (app.n > cap)
		abort();
	memcpy(buf, app.d, app.n);
	return app.n;
}

#define STIME "20261122030500Z"
#define STIME_EPOCH 1795316700

/* ---- AS-REQ ---- */

static void test_asreq_fields(void **state)
{
	unsigned char buf[1024];
	struct asreq_info i;
	size_t n;

	(void)state;
	n = ew_kdc_asreq(REALM, "alice", 0x12345678u, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(buf[0], 0x6a);
	assert_asreq(buf, n, REALM, "alice", &i);
	assert_int_equal(i.nonce, 0x12345678);
	assert_string_equal(i.till, "20370913024805Z");
	assert_int_equal(ew_kdc_parse_gtime(i.till, 15), 2136422885);
	/* The realm is a GeneralString (0x1b) right inside [2]. */
	{
		static const unsigned char realm_tlv[] = {
			0xa2, 0x0c, 0x1b, 0x0a, 'E', 'X', 'W', 'I', 'Z', '.', 'T', 'E', 'S', 'T',
		};

		assert_non_null(memmem(buf, n, realm_tlv, sizeof(realm_tlv)));
	}
	/* Same input, same bytes. */
	{
		unsigned char again[1024];

		assert_int_equal(ew_kdc_asreq(REALM, "alice", 0x12345678u, again, sizeof(again)), n);
		assert_memory_equal(buf, again, n);
	}
}

static void test_asreq_nonces(void **state)
{
	static const unsigned nonces[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffff, 0x800000,
		0x7fffffff, 0x80000000u, 0x80000001u, 0xdeadbeefu, 0xffffffffu,
	};
	unsigned char buf[1024];
	struct asreq_info i;
	size_t k, n;

	(void)state;
	for (k = 0; k < sizeof(nonces) / sizeof(nonces[0]); k++) {
		n = ew_kdc_asreq(REALM, "exwizard-probe", nonces[k], buf, sizeof(buf));
		assert_true(n > 0);
		assert_asreq(buf, n, REALM, "exwizard-probe", &i);	/* minimal INTEGERs */
		assert_true(i.nonce >= 0);
		assert_int_equal(i.nonce, (long)(nonces[k] & 0x7fffffffu));
	}
}

static void test_asreq_small_buffer(void **state)
{
	unsigned char full[1024], area[1024 + 16];
	size_t n, len, j;

	(void)state;
	n = ew_kdc_asreq(REALM, "alice", 42, full, sizeof(full));
	assert_true(n > 0);
	for (len = 0; len < n; len++) {
		unsigned char *heap = malloc(len ? len : 1);	/* exact size for ASan */

		assert_non_null(heap);
		assert_int_equal(ew_kdc_asreq(REALM, "alice", 42, heap, len), 0);
		free(heap);
		memset(area, 0xc3, sizeof(area));
		assert_int_equal(ew_kdc_asreq(REALM, "alice", 42, area, len), 0);
		for (j = len; j < sizeof(area); j++)
			assert_int_equal(area[j], 0xc3);	/* nothing past len */
	}
	assert_int_equal(ew_kdc_asreq(REALM, "alice", 42, area, n), n);
	assert_memory_equal(area, full, n);
}

static void test_asreq_long_names(void **state)
{
	char realm[300], client[300];
	unsigned char buf[2048];
	struct asreq_info i;
	size_t n;

	(void)state;
	memset(realm, 'R', 255);
	realm[255] = '\0';
	memset(client, 'c', 255);
	client[255] = '\0';
	/* 255 is the most: long-form lengths (0x81, 0x82) throughout. */
	n = ew_kdc_asreq(realm, client, 7, buf, sizeof(buf));
	assert_true(n > 0x100);
	assert_int_equal(buf[1], 0x82);
	assert_asreq(buf, n, realm, client, &i);

	realm[255] = 'R';
	realm[256] = '\0';
	assert_int_equal(ew_kdc_asreq(realm, "alice", 7, buf, sizeof(buf)), 0);
	realm[255] = '\0';
	client[255] = 'c';
	client[256] = '\0';
	assert_int_equal(ew_kdc_asreq(REALM, client, 7, buf, sizeof(buf)), 0);
	assert_int_equal(ew_kdc_asreq(NULL, "alice", 7, buf, sizeof(buf)), 0);
	assert_int_equal(ew_kdc_asreq(REALM, NULL, 7, buf, sizeof(buf)), 0);
}

/* ---- GeneralizedTime ---- */

static time_t tg(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

static void test_gtime_good(void **state)
{
	(void)state;
	assert_int_equal(ew_kdc_parse_gtime(STIME, 15), STIME_EPOCH);
	assert_int_equal(ew_kdc_parse_gtime(STIME, 15), tg(2026, 11, 22, 3, 5, 0));
	assert_int_equal(ew_kdc_parse_gtime("19700101000000Z", 15), 0);
	assert_int_equal(ew_kdc_parse_gtime("19991231235959Z", 15), 946684799);
	assert_int_equal(ew_kdc_parse_gtime("20240229120000Z", 15), 1709208000);
	assert_int_equal(ew_kdc_parse_gtime("20371231235959Z", 15), tg(2037, 12, 31, 23, 59, 59));
	/* Only len bytes are read: what follows does not matter. */
	assert_int_equal(ew_kdc_parse_gtime(STIME "garbage", 15), STIME_EPOCH);
}

static void test_gtime_bad(void **state)
{
	static const char *const bad[] = {
		"20260022030500Z",	/* month 0 */
		"20261322030500Z",	/* month 13 */
		"20261100030500Z",	/* day 0 */
		"20261132030500Z",	/* day 32 */
		"20261122240500Z",	/* hour 24 */
		"20261122036000Z",	/* minute 60 */
		"20261122030561Z",	/* second 61 */
		"20261122030500X",	/* no Z */
		"20261122030500z",
		"2026112203050AZ",	/* letters */
		"2026-1122030500",
		" 0261122030500Z",
		"+0261122030500Z",
		"2026112203050 Z",
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (ew_kdc_parse_gtime(bad[k], strlen(bad[k])) != -1)
			fail_msg("accepted \"%s\"", bad[k]);
	/* Wrong lengths. */
	assert_int_equal(ew_kdc_parse_gtime("2026112203050Z", 14), -1);
	assert_int_equal(ew_kdc_parse_gtime("202611220305000Z", 16), -1);
	assert_int_equal(ew_kdc_parse_gtime("20261122030500.5Z", 17), -1);
	assert_int_equal(ew_kdc_parse_gtime(STIME, 14), -1);
	assert_int_equal(ew_kdc_parse_gtime("", 0), -1);
	/* A NUL inside. */
	assert_int_equal(ew_kdc_parse_gtime("2026112203\0" "0500Z", 15), -1);
}

/*
 * A day the month does not have. kdcprobe.c accepts any day 1..31 and lets
 * timegm() roll it into the next month, so 30 February 2026 reads as 2 March.
 */
static void test_gtime_day_beyond_month(void **state)
{
	static const char *const bad[] = {
		"20260230000000Z", "20260229000000Z", "20261131000000Z", "20260431120000Z",
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		time_t t = ew_kdc_parse_gtime(bad[k], 15);

		if (t != -1)
			fail_msg("accepted \"%s\" as %lld", bad[k], (long long)t);
	}
}

/* ---- replies ---- */

static void test_reply_krb_error(void **state)
{
	unsigned char buf[512];
	size_t n;
	int code = 0;
	time_t st = 0;
	long us = -5;

	(void)state;
	n = krb_error(buf, sizeof(buf), STIME, 123456, 6);
	assert_int_equal(ew_kdc_parse_reply(buf, n, &code, &st, &us), 2);
	assert_int_equal(code, 6);
	assert_int_equal(st, STIME_EPOCH);
	assert_int_equal(us, 123456);

	/* Error codes that need more than one byte, and 0. */
	n = krb_error(buf, sizeof(buf), STIME, 0, 25);	/* PREAUTH_REQUIRED */
	assert_int_equal(ew_kdc_parse_reply(buf, n, &code, &st, &us), 2);
	assert_int_equal(code, 25);
	assert_int_equal(us, 0);
	n = krb_error(buf, sizeof(buf), STIME, 999999, 200);
	assert_int_equal(ew_kdc_parse_reply(buf, n, &code, &st, &us), 2);
	assert_int_equal(code, 200);
	assert_int_equal(us, 999999);
	n = krb_error(buf, sizeof(buf), STIME, 1, 0);
	assert_int_equal(ew_kdc_parse_reply(buf, n, &code, &st, &us), 2);
	assert_int_equal(code, 0);

	/* No susec; an out-of-range susec is ignored. */
	n = krb_error(buf, sizeof(buf), STIME, -1, 6);
	assert_int_equal(ew_kdc_parse_reply(buf, n, &code, &st, &us), 2);
	assert_int_equal(st, STIME_EPOCH);
	assert_int_equal(us, 0);
	n = krb_error(buf, sizeof(buf), STIME, 1000000, 6);
	assert_int_equal(ew_kdc_parse_reply(buf, n, &code, &st, &us), 2);
	assert_int_equal(us, 0);

	/* No stime at all: still a KRB-ERROR, no time. */
	n = krb_error(buf, sizeof(buf), NULL, -1, 68);
	assert_int_equal(ew_kdc_parse_reply(buf, n, &code, &st, &us), 2);
	assert_int_equal(code, 68);
	assert_int_equal(st, -1);

	/* A malformed stime: a KRB-ERROR without a time. */
	n = krb_error(buf, sizeof(buf), "20261322030500Z", 5, 6);
	assert_int_equal(ew_kdc_parse_reply(buf, n, &code, &st, &us), 2);
	assert_int_equal(st, -1);
	assert_int_equal(code, 6);

	/* Trailing bytes after the message are not read. */
	n = krb_error(buf, sizeof(buf), STIME, 7, 6);
	memset(buf + n, 0xff, 10);
	assert_int_equal(ew_kdc_parse_reply(buf, n + 10, &code, &st, &us), 2);
	assert_int_equal(code, 6);
}

static void test_reply_as_rep_and_others(void **state)
{
	static const unsigned char as_rep[] = { 0x6b, 0x05, 0x30, 0x03, 0xa0, 0x01, 0x05 };
	static const unsigned char tgs_rep[] = { 0x6d, 0x02, 0x30, 0x00 };
	static const unsigned char as_req[] = { 0x6a, 0x02, 0x30, 0x00 };
	static const unsigned char not_seq[] = { 0x7e, 0x03, 0x02, 0x01, 0x06 };
	static const unsigned char as_rep_short[] = { 0x6b, 0x10, 0x30 };
	static const unsigned char text[] = "HTTP/1.1 400 Bad Request\r\n";
	static const unsigned char multibyte_tag[] = { 0x7f, 0x1e, 0x02, 0x30, 0x00 };
	int code = 9;
	time_t st = 9;
	long us = 9;

	(void)state;
	assert_int_equal(ew_kdc_parse_reply(as_rep, sizeof(as_rep), &code, &st, &us), 1);
	assert_int_equal(code, -1);
	assert_int_equal(st, -1);
	assert_int_equal(ew_kdc_parse_reply(tgs_rep, sizeof(tgs_rep), &code, &st, &us), 0);
	assert_int_equal(ew_kdc_parse_reply(as_req, sizeof(as_req), &code, &st, &us), 0);
	assert_int_equal(ew_kdc_parse_reply(not_seq, sizeof(not_seq), &code, &st, &us), 0);
	assert_int_equal(ew_kdc_parse_reply(as_rep_short, sizeof(as_rep_short), &code, &st, &us),
			 0);
	assert_int_equal(ew_kdc_parse_reply(text, sizeof(text) - 1, &code, &st, &us), 0);
	assert_int_equal(ew_kdc_parse_reply(multibyte_tag, sizeof(multibyte_tag), &code, &st,
					    &us), 0);
	assert_int_equal(ew_kdc_parse_reply(as_rep, 0, &code, &st, &us), 0);
	assert_int_equal(code, -1);
}

/*
 * A NULL buffer is refused (the parser checks for it). Last in the list: with
 * clang's -fsanitize=undefined this stops the program, because kdcprobe.c
 * computes buf + len before it looks at buf == NULL (gcc's UBSan does not
 * check that).
 */
static void test_reply_null_buffer(void **state)
{
	int code = 9;
	time_t st = 9;
	long us = 9;

	(void)state;
	assert_int_equal(ew_kdc_parse_reply(NULL, 10, &code, &st, &us), 0);
	assert_int_equal(code, -1);
	assert_int_equal(st, -1);
	assert_int_equal(us, 0);
}

static void test_reply_truncated(void **state)
{
	unsigned char full[512];
	size_t n, len;

	(void)state;
	n = krb_error(full, sizeof(full), STIME, 5, 6);
	for (len = 0; len < n; len++) {
		unsigned char *heap = malloc(len ? len : 1);	/* exact size for ASan */
		int code;
		time_t st;
		long us;

		assert_non_null(heap);
		memcpy(heap, full, len);
		if (ew_kdc_parse_reply(heap, len, &code, &st, &us) != 0)
			fail_msg("a KRB-ERROR cut to %zu of %zu bytes was accepted", len, n);
		free(heap);
	}
}

static void test_reply_bad_lengths(void **state)
{
	static const unsigned char huge4[] = { 0x7e, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30, 0x00 };
	static const unsigned char huge5[] = { 0x7e, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00, 0x30 };
	static const unsigned char huge8[] = { 0x7e, 0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
					       0xff, 0xff, 0x30, 0x00 };
	static const unsigned char indef[] = { 0x7e, 0x80, 0x30, 0x80, 0xa6, 0x03, 0x02, 0x01,
					       0x06, 0x00, 0x00, 0x00, 0x00 };
	static const unsigned char inner_indef[] = { 0x7e, 0x07, 0x30, 0x80, 0xa6, 0x03, 0x02,
						     0x01, 0x06 };
	static const unsigned char inner_huge[] = { 0x7e, 0x08, 0x30, 0x06, 0xa6, 0x84, 0x7f,
						    0xff, 0xff, 0xff };
	static const unsigned char field_huge[] = { 0x7e, 0x08, 0x30, 0x06, 0xa6, 0x04, 0x02,
						    0x84, 0xff, 0xff };
	static const unsigned char len_cut[] = { 0x7e, 0x82, 0x01 };
	static const unsigned char tag_only[] = { 0x7e };
	static const unsigned char int_too_long[] = { 0x7e, 0x0b, 0x30, 0x09, 0xa6, 0x07, 0x02,
						      0x05, 0x01, 0x02, 0x03, 0x04, 0x05 };
	static const struct {
		const unsigned char *p;
		size_t n;
	} cases[] = {
		{ huge4, sizeof(huge4) }, { huge5, sizeof(huge5) }, { huge8, sizeof(huge8) },
		{ indef, sizeof(indef) }, { inner_indef, sizeof(inner_indef) },
		{ inner_huge, sizeof(inner_huge) }, { field_huge, sizeof(field_huge) },
		{ len_cut, sizeof(len_cut) }, { tag_only, sizeof(tag_only) },
	};
	size_t k;
	int code;
	time_t st;
	long us;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		unsigned char *heap = malloc(cases[k].n);

		assert_non_null(heap);
		memcpy(heap, cases[k].p, cases[k].n);
		if (ew_kdc_parse_reply(heap, cases[k].n, &code, &st, &us) != 0)
			fail_msg("case %zu accepted", k);
		free(heap);
	}
	/* An INTEGER longer than 4 bytes: a KRB-ERROR, but no code from it. */
	assert_int_equal(ew_kdc_parse_reply(int_too_long, sizeof(int_too_long), &code, &st, &us),
			 2);
	assert_int_equal(code, -1);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void test_reply_mutations(void **state)
{
	static const unsigned char special[] = { 0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84,
						 0x85, 0x88, 0xff, 0x02, 0x18, 0x30, 0x7e, 0xa6 };
	unsigned char orig[512], work[1100];
	size_t n0;
	int round, kinds[3] = { 0, 0, 0 };

	(void)state;
	n0 = krb_error(orig, sizeof(orig), STIME, 654321, 6);
	for (round = 0; round < 20000; round++) {
		size_t n = n0, pos;
		int muts = 1 + (int)(rng() % 4), m, r, code;
		time_t st;
		long us;
		unsigned char *heap;

		memcpy(work, orig, n0);
		for (m = 0; m < muts; m++) {
			switch (rng() % 6) {
			case 0:		/* a random byte */
				work[rng() % n] = (unsigned char)rng();
				break;
			case 1:		/* a byte that means something to DER */
				work[rng() % n] = special[rng() % sizeof(special)];
				break;
			case 2:		/* cut */
				n = (size_t)(rng() % (n + 1));
				if (n == 0)
					n = 1;
				break;
			case 3:		/* insert a byte */
				if (n < sizeof(work) - 1) {
					pos = (size_t)(rng() % (n + 1));
					memmove(work + pos + 1, work + pos, n - pos);
					work[pos] = (unsigned char)rng();
					n++;
				}
				break;
			case 4:		/* delete a byte */
				if (n > 1) {
					pos = (size_t)(rng() % n);
					memmove(work + pos, work + pos + 1, n - pos - 1);
					n--;
				}
				break;
			default:	/* flip one bit */
				work[rng() % n] ^= (unsigned char)(1u << (rng() % 8));
				break;
			}
		}
		heap = malloc(n);	/* exact size: ASan sees any read past the end */
		assert_non_null(heap);
		memcpy(heap, work, n);
		r = ew_kdc_parse_reply(heap, n, &code, &st, &us);
		assert_true(r >= 0 && r <= 2);
		kinds[r]++;
		if (r == 2)
			assert_int_equal(heap[0], 0x7e);
		if (r == 1)
			assert_int_equal(heap[0], 0x6b);
		assert_true(us >= 0 && us < 1000000);
		free(heap);
	}
	/* The mutations must have exercised both outcomes. */
	assert_true(kinds[0] > 1000);
	assert_true(kinds[2] > 1000);
}

/* ---- probing local sockets ---- */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int local_socket(int type, unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A port on 127.0.0.1 that was just free (bound, then closed). */
static unsigned free_port(int type)
{
	unsigned port;
	int fd = local_socket(type, &port);

	close(fd);
	return port;
}

static void probe_init(struct ew_kdc_probe *p, char *host, char *addr, unsigned port,
		       enum ew_kdc_proto proto)
{
	memset(p, 0, sizeof(*p));
	p->host = host;
	p->addr = addr;
	p->port = port;
	p->proto = proto;
	p->krb_error = 12345;
}

enum reply_kind { REPLY_KRB_ERROR, REPLY_GARBAGE, REPLY_NONE_CLOSE };

struct responder {
	int fd;
	int tcp;
	int offset;			/* stime = now + offset */
	enum reply_kind kind;
	/* what it saw */
	int got;
	unsigned char req[1024];
	size_t reqlen;
	unsigned long prefix;		/* TCP: the length prefix of the request */
	size_t sent;
	pthread_t th;
};

/* Read exactly n bytes within about 3 s; 0 or -1. */
static int read_full(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, 3000) <= 0)
			return -1;
		r = recv(fd, buf + got, n - got, 0);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static size_t make_reply(struct responder *r, unsigned char *buf, size_t cap)
{
	struct timeval tv;
	char st[16];
	struct tm tm;
	time_t t;

	if (r->kind == REPLY_GARBAGE) {
		memcpy(buf, "not kerberos", 12);
		return 12;
	}
	gettimeofday(&tv, NULL);
	t = tv.tv_sec + r->offset;
	gmtime_r(&t, &tm);
	strftime(st, sizeof(st), "%Y%m%d%H%M%SZ", &tm);
	return krb_error(buf, cap, st, (long)tv.tv_usec, 6);
}

/* No cmocka asserts in this thread: results go into r for the main thread. */
static void *responder_main(void *arg)
{
	struct responder *r = arg;
	unsigned char rep[1024];
	struct pollfd pf = { r->fd, POLLIN, 0 };
	size_t n;

	if (poll(&pf, 1, 5000) <= 0)
		return NULL;
	if (!r->tcp) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t got = recvfrom(r->fd, r->req, sizeof(r->req), 0,
				       (struct sockaddr *)&from, &fl);

		if (got <= 0)
			return NULL;
		r->got = 1;
		r->reqlen = (size_t)got;
		n = make_reply(r, rep, sizeof(rep));
		if (sendto(r->fd, rep, n, 0, (struct sockaddr *)&from, fl) == (ssize_t)n)
			r->sent = n;
	} else {
		int c = accept(r->fd, NULL, NULL);
		unsigned char pre[4], out[4 + 1024];

		if (c < 0)
			return NULL;
		if (read_full(c, pre, 4) == 0) {
			r->prefix = (unsigned long)pre[0] << 24 | (unsigned long)pre[1] << 16 |
				    (unsigned long)pre[2] << 8 | pre[3];
			if (r->prefix <= sizeof(r->req) &&
			    read_full(c, r->req, r->prefix) == 0) {
				r->got = 1;
				r->reqlen = r->prefix;
			}
		}
		if (r->got && r->kind != REPLY_NONE_CLOSE) {
			n = make_reply(r, out + 4, sizeof(out) - 4);
			out[0] = (unsigned char)(n >> 24);
			out[1] = (unsigned char)(n >> 16);
			out[2] = (unsigned char)(n >> 8);
			out[3] = (unsigned char)n;
			/* In two pieces, the first inside the length prefix. */
			if (send(c, out, 3, MSG_NOSIGNAL) == 3) {
				usleep(30000);
				if (send(c, out + 3, n + 1, MSG_NOSIGNAL) == (ssize_t)(n + 1))
					r->sent = n;
			}
			usleep(50000);	/* let the reader take it before the close */
		}
		close(c);
	}
	return NULL;
}

static void responder_start(struct responder *r, int tcp, int offset, enum reply_kind kind,
			    unsigned *port)
{
	memset(r, 0, sizeof(*r));
	r->tcp = tcp;
	r->offset = offset;
	r->kind = kind;
	r->fd = local_socket(tcp ? SOCK_STREAM : SOCK_DGRAM, port);
	assert_int_equal(pthread_create(&r->th, NULL, responder_main, r), 0);
}

static void responder_join(struct responder *r)
{
	assert_int_equal(pthread_join(r->th, NULL), 0);
	close(r->fd);
}

/* These tests talk to sockets of their own on 127.0.0.1: without a loopback
 * interface (a network namespace with lo down) they are skipped, not failed. */
static void need_loopback(void)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ok;
	struct pollfd p;
	char c = 'x';

	/* A datagram to ourselves must come back: lo is up. */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	     getsockname(fd, (struct sockaddr *)&a, &al) == 0 &&
	     sendto(fd, &c, 1, 0, (struct sockaddr *)&a, sizeof(a)) == 1;
	if (ok) {
		p.fd = fd;
		p.events = POLLIN;
		ok = poll(&p, 1, 200) == 1;
	}
	if (fd >= 0)
		close(fd);
	if (!ok)
		skip();
}

static void test_probe_udp_krb_error(void **state)
{
	struct responder r;
	struct ew_kdc_probe p;
	struct asreq_info i;
	char host[] = "dc1.exwiz.test", addr[] = "127.0.0.1";
	unsigned port;
	long t0, dt;

	(void)state;
	need_loopback();
	responder_start(&r, 0, 100, REPLY_KRB_ERROR, &port);
	probe_init(&p, host, addr, port, EW_KDC_UDP);
	t0 = now_ms();
	ew_kdc_probe_all(&p, 1, REALM, 2000, 2, NULL);
	dt = now_ms() - t0;
	responder_join(&r);

	assert_int_equal(r.got, 1);
	assert_asreq(r.req, r.reqlen, REALM, "exwizard-probe", &i);
	assert_true(r.sent > 0);
	if (!p.ok)
		fail_msg("no answer: %s", p.error ? p.error : "?");
	assert_null(p.error);
	assert_int_equal(p.have_time, 1);
	assert_int_equal(p.krb_error, 6);
	assert_int_equal(p.reply_len, r.sent);
	if (fabs(p.skew - 100.0) > 2.0)
		fail_msg("skew %.3f, expected about +100", p.skew);
	assert_true(p.rtt_ms >= 0 && p.rtt_ms < 1000);
	assert_true(dt < 1500);	/* it returns as soon as every probe is done */
	ew_kdc_probe_clear(&p);
}

static void test_probe_tcp_krb_error(void **state)
{
	struct responder r;
	struct ew_kdc_probe p;
	struct asreq_info i;
	char host[] = "dc1.exwiz.test", addr[] = "127.0.0.1";
	unsigned port;

	(void)state;
	need_loopback();
	responder_start(&r, 1, -50, REPLY_KRB_ERROR, &port);
	probe_init(&p, host, addr, port, EW_KDC_TCP);
	ew_kdc_probe_all(&p, 1, REALM, 2000, 1, NULL);
	responder_join(&r);

	assert_int_equal(r.got, 1);
	assert_int_equal(r.prefix, r.reqlen);	/* 4-byte big-endian length, then the AS-REQ */
	assert_asreq(r.req, r.reqlen, REALM, "exwizard-probe", &i);
	if (!p.ok)
		fail_msg("no answer: %s", p.error ? p.error : "?");
	assert_null(p.error);
	assert_int_equal(p.krb_error, 6);
	assert_int_equal(p.have_time, 1);
	assert_int_equal(p.reply_len, r.sent);
	if (fabs(p.skew + 50.0) > 2.0)
		fail_msg("skew %.3f, expected about -50", p.skew);
	ew_kdc_probe_clear(&p);
}

static void test_probe_not_kerberos(void **state)
{
	struct responder r;
	struct ew_kdc_probe p;
	char host[] = "web", addr[] = "127.0.0.1";
	unsigned port;

	(void)state;
	need_loopback();
	responder_start(&r, 0, 0, REPLY_GARBAGE, &port);
	probe_init(&p, host, addr, port, EW_KDC_UDP);
	ew_kdc_probe_all(&p, 1, REALM, 2000, 1, NULL);
	responder_join(&r);
	assert_int_equal(p.ok, 0);
	assert_non_null(p.error);
	assert_non_null(strstr(p.error, "not Kerberos"));
	assert_int_equal(p.have_time, 0);
	ew_kdc_probe_clear(&p);

	/* TCP: accepts, reads the request, closes without a word. */
	responder_start(&r, 1, 0, REPLY_NONE_CLOSE, &port);
	probe_init(&p, host, addr, port, EW_KDC_TCP);
	ew_kdc_probe_all(&p, 1, REALM, 2000, 1, NULL);
	responder_join(&r);
	assert_int_equal(r.got, 1);
	assert_int_equal(p.ok, 0);
	assert_non_null(p.error);
	assert_non_null(strstr(p.error, "closed"));
	ew_kdc_probe_clear(&p);
}

static void test_probe_udp_refused(void **state)
{
	struct ew_kdc_probe p;
	char host[] = "dc2.exwiz.test", addr[] = "127.0.0.1";
	long t0, dt;

	(void)state;
	need_loopback();
	probe_init(&p, host, addr, free_port(SOCK_DGRAM), EW_KDC_UDP);
	t0 = now_ms();
	ew_kdc_probe_all(&p, 1, REALM, 3000, 1, NULL);
	dt = now_ms() - t0;
	assert_int_equal(p.ok, 0);
	assert_non_null(p.error);
	if (strstr(p.error, "refused") == NULL)
		fail_msg("error \"%s\"", p.error);
	assert_int_equal(p.have_time, 0);
	assert_int_equal(p.krb_error, -1);
	assert_true(dt < 1000);	/* the ICMP error ends it, not the timeout */
	ew_kdc_probe_clear(&p);
}

static void test_probe_udp_silent(void **state)
{
	struct ew_kdc_probe p;
	char host[] = "dc3.exwiz.test", addr[] = "127.0.0.1";
	unsigned port;
	int fd = local_socket(SOCK_DGRAM, &port), seen = 0;
	unsigned char buf[2048];
	long t0, dt;

	(void)state;
	need_loopback();
	probe_init(&p, host, addr, port, EW_KDC_UDP);
	t0 = now_ms();
	ew_kdc_probe_all(&p, 1, REALM, 200, 2, NULL);
	dt = now_ms() - t0;
	assert_int_equal(p.ok, 0);
	assert_non_null(p.error);
	assert_string_equal(p.error, "no answer within the time limit");
	assert_int_equal(p.cancelled, 0);
	if (dt < 380 || dt > 800)
		fail_msg("took %ld ms; 2 tries of 200 ms should take about 400", dt);
	assert_true(p.rtt_ms >= 380);	/* measured from the first send */
	/* Two tries: the request went out twice, the same bytes both times. */
	{
		unsigned char first[2048];
		ssize_t n1 = recv(fd, first, sizeof(first), MSG_DONTWAIT), n;

		if (n1 > 0)
			seen++;
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			seen++;
			assert_int_equal(n, n1);
			assert_memory_equal(buf, first, (size_t)n);
		}
	}
	assert_int_equal(seen, 2);
	close(fd);
	ew_kdc_probe_clear(&p);
}

static void test_probe_kpasswd(void **state)
{
	struct ew_kdc_probe p;
	char host[] = "dc1.exwiz.test", addr[] = "127.0.0.1";
	unsigned port;
	int fd = local_socket(SOCK_STREAM, &port);

	(void)state;
	need_loopback();
	probe_init(&p, host, addr, port, EW_KDC_KPASSWD_TCP);
	ew_kdc_probe_all(&p, 1, REALM, 2000, 1, NULL);
	if (!p.ok)
		fail_msg("kpasswd: %s", p.error ? p.error : "?");
	assert_null(p.error);
	assert_int_equal(p.have_time, 0);
	assert_int_equal(p.krb_error, -1);
	close(fd);
	ew_kdc_probe_clear(&p);

	/* Nothing listening on TCP: connect refused. */
	probe_init(&p, host, addr, free_port(SOCK_STREAM), EW_KDC_KPASSWD_TCP);
	ew_kdc_probe_all(&p, 1, REALM, 2000, 1, NULL);
	assert_int_equal(p.ok, 0);
	assert_non_null(p.error);
	if (strstr(p.error, "refused") == NULL)
		fail_msg("error \"%s\"", p.error);
	ew_kdc_probe_clear(&p);

	probe_init(&p, host, addr, free_port(SOCK_STREAM), EW_KDC_TCP);
	ew_kdc_probe_all(&p, 1, REALM, 2000, 1, NULL);
	assert_int_equal(p.ok, 0);
	assert_non_null(strstr(p.error, "refused"));
	ew_kdc_probe_clear(&p);
}

static void test_probe_cancelled(void **state)
{
	struct ew_kdc_probe p;
	char host[] = "dc3.exwiz.test", addr[] = "127.0.0.1";
	unsigned port;
	int fd = local_socket(SOCK_DGRAM, &port);
	atomic_int cancel = 1;
	long t0, dt;

	(void)state;
	need_loopback();
	probe_init(&p, host, addr, port, EW_KDC_UDP);
	t0 = now_ms();
	ew_kdc_probe_all(&p, 1, REALM, 5000, 3, &cancel);
	dt = now_ms() - t0;
	assert_int_equal(p.ok, 0);
	assert_non_null(p.error);
	assert_string_equal(p.error, "cancelled");
	assert_int_equal(p.cancelled, 1);	/* neither answered nor timed out */
	assert_true(dt < 300);
	close(fd);
	ew_kdc_probe_clear(&p);
}

static void test_probe_bad_address_and_none(void **state)
{
	struct ew_kdc_probe p;
	char host[] = "dc1.exwiz.test", addr[] = "dc1.exwiz.test";
	long t0;

	(void)state;
	probe_init(&p, host, addr, 88, EW_KDC_UDP);
	t0 = now_ms();
	ew_kdc_probe_all(&p, 1, REALM, 5000, 1, NULL);
	assert_true(now_ms() - t0 < 300);
	assert_int_equal(p.ok, 0);
	assert_string_equal(p.error, "not an IP address");
	ew_kdc_probe_clear(&p);
	assert_null(p.error);

	/* Nothing to probe: returns at once. */
	t0 = now_ms();
	ew_kdc_probe_all(NULL, 0, REALM, 5000, 1, NULL);
	assert_true(now_ms() - t0 < 300);
}

/* All at once: one answers over UDP, one is silent, kpasswd listens. */
static void test_probe_parallel(void **state)
{
	struct responder r;
	struct ew_kdc_probe p[3];
	char h1[] = "dc1", h2[] = "dc2", h3[] = "dc1", a[] = "127.0.0.1";
	unsigned port_udp, port_silent, port_kpw;
	int silent = local_socket(SOCK_DGRAM, &port_silent);
	int kpw = local_socket(SOCK_STREAM, &port_kpw);
	long t0, dt;

	(void)state;
	need_loopback();
	responder_start(&r, 0, 0, REPLY_KRB_ERROR, &port_udp);
	probe_init(&p[0], h1, a, port_udp, EW_KDC_UDP);
	probe_init(&p[1], h2, a, port_silent, EW_KDC_UDP);
	probe_init(&p[2], h3, a, port_kpw, EW_KDC_KPASSWD_TCP);
	t0 = now_ms();
	ew_kdc_probe_all(p, 3, REALM, 300, 1, NULL);
	dt = now_ms() - t0;
	responder_join(&r);
	assert_int_equal(p[0].ok, 1);
	assert_int_equal(p[0].have_time, 1);
	assert_true(fabs(p[0].skew) < 2.0);
	assert_int_equal(p[1].ok, 0);
	assert_string_equal(p[1].error, "no answer within the time limit");
	assert_int_equal(p[2].ok, 1);
	assert_true(dt < 700);	/* bounded by one timeout, not the sum */
	close(silent);
	close(kpw);
	ew_kdc_probe_clear(&p[0]);
	ew_kdc_probe_clear(&p[1]);
	ew_kdc_probe_clear(&p[2]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asreq_fields),
		cmocka_unit_test(test_asreq_nonces),
		cmocka_unit_test(test_asreq_small_buffer),
		cmocka_unit_test(test_asreq_long_names),
		cmocka_unit_test(test_gtime_good),
		cmocka_unit_test(test_gtime_bad),
		cmocka_unit_test(test_gtime_day_beyond_month),
		cmocka_unit_test(test_reply_krb_error),
		cmocka_unit_test(test_reply_as_rep_and_others),
		cmocka_unit_test(test_reply_truncated),
		cmocka_unit_test(test_reply_bad_lengths),
		cmocka_unit_test(test_reply_mutations),
		cmocka_unit_test(test_probe_udp_krb_error),
		cmocka_unit_test(test_probe_tcp_krb_error),
		cmocka_unit_test(test_probe_not_kerberos),
		cmocka_unit_test(test_probe_udp_refused),
		cmocka_unit_test(test_probe_udp_silent),
		cmocka_unit_test(test_probe_kpasswd),
		cmocka_unit_test(test_probe_cancelled),
		cmocka_unit_test(test_probe_bad_address_and_none),
		cmocka_unit_test(test_probe_parallel),
		cmocka_unit_test(test_reply_null_buffer),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("kdcprobe", tests, NULL, NULL);
}
