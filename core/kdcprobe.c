#include "kdcprobe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "text.h"

/* ---- DER, just enough for an AS-REQ ---- */

struct der {
	unsigned char *buf;
	size_t len, cap;
	int bad;
};

static void der_bytes(struct der *d, const void *p, size_t n)
{
	if (d->bad || d->len + n > d->cap) {
		d->bad = 1;
		return;
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
}

static size_t len_size(size_t n)
{
	return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4;
}

static void der_head(struct der *d, unsigned char tag, size_t n)
{
	unsigned char h[5];
	size_t k = 0;

	h[k++] = tag;
	if (n < 0x80) {
		h[k++] = (unsigned char)n;
	} else if (n < 0x100) {
		h[k++] = 0x81;
		h[k++] = (unsigned char)n;
	} else if (n < 0x10000) {
		h[k++] = 0x82;
		h[k++] = (unsigned char)(n >> 8);
		h[k++] = (unsigned char)n;
	} else {
		d->bad = 1;
		return;
	}
	der_bytes(d, h, k);
}

/* Wrap the content written since mark in a TLV: move it right by the header. */
static void der_wrap(struct der *d, size_t mark, unsigned char tag)
{
	size_t n, hl;

	if (d->bad)
		return;
	n = d->len - mark;
	hl = 1 + len_size(n);
	if (d->len + hl > d->cap) {
		d->bad = 1;
		return;
	}
	memmove(d->buf + mark + hl, d->buf + mark, n);
	d->len = mark;
	der_head(d, tag, n);
	d->len = mark + hl + n;
}

static void der_int(struct der *d, long v)
{
	unsigned char b[9];
	int k = 8;

	b[k] = (unsigned char)(v & 0xff);
	while ((v > 127 || v < -128) && k > 1) {
		v >>= 8;
		b[--k] = (unsigned char)(v & 0xff);
	}
	if (v >= 0 && (b[k] & 0x80))
		b[--k] = 0;
	der_head(d, 0x02, (size_t)(9 - k));
	der_bytes(d, b + k, (size_t)(9 - k));
}

static void der_gstring(struct der *d, const char *s)
{
	der_head(d, 0x1b, strlen(s));
	der_bytes(d, s, strlen(s));
}

/* PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString } */
static void der_principal(struct der *d, int type, const char *a, const char *b)
{
	size_t seq = d->len, m;

	m = d->len;
	der_int(d, type);
	der_wrap(d, m, 0xa0);
	m = d->len;
	{
		size_t s = d->len;

		der_gstring(d, a);
		if (b)
			der_gstring(d, b);
		der_wrap(d, s, 0x30);
	}
	der_wrap(d, m, 0xa1);
	der_wrap(d, seq, 0x30);
}

size_t ew_kdc_asreq(const char *realm, const char *client, unsigned nonce,
		    unsigned char *buf, size_t len)
{
	static const unsigned char kdc_options[] = { 0x03, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const char till[] = "20370913024805Z";
	struct der d = { buf, 0, len, 0 };
	size_t body, m, app;

	if (realm == NULL || client == NULL || strlen(realm) > 255 || strlen(client) > 255)
		return 0;
	app = d.len;
	m = d.len;		/* KDC-REQ SEQUENCE */
	{
		size_t f = d.len;

		der_int(&d, 5);
		der_wrap(&d, f, 0xa1);	/* pvno */
		f = d.len;
		der_int(&d, 10);
		der_wrap(&d, f, 0xa2);	/* msg-type: AS-REQ */
		body = d.len;
		{
			size_t b = d.len;

			f = d.len;
			der_bytes(&d, kdc_options, sizeof(kdc_options));
			der_wrap(&d, f, 0xa0);
			f = d.len;
			der_principal(&d, 1, client, NULL);	/* NT-PRINCIPAL */
			der_wrap(&d, f, 0xa1);
			f = d.len;
			der_gstring(&d, realm);
			der_wrap(&d, f, 0xa2);
			f = d.len;
			der_principal(&d, 2, "krbtgt", realm);	/* NT-SRV-INST */
			der_wrap(&d, f, 0xa3);
			f = d.len;
			der_head(&d, 0x18, sizeof(till) - 1);
			der_bytes(&d, till, sizeof(till) - 1);
			der_wrap(&d, f, 0xa5);	/* till */
			f = d.len;
			der_int(&d, (long)(nonce & 0x7fffffff));
			der_wrap(&d, f, 0xa7);	/* nonce */
			f = d.len;
			{
				size_t s = d.len;

				der_int(&d, 18);	/* aes256-cts */
				der_int(&d, 17);	/* aes128-cts */
				der_int(&d, 23);	/* rc4-hmac */
				der_wrap(&d, s, 0x30);
			}
			der_wrap(&d, f, 0xa8);	/* etype */
			der_wrap(&d, b, 0x30);
		}
		der_wrap(&d, body, 0xa4);	/* req-body */
	}
	der_wrap(&d, m, 0x30);
	der_wrap(&d, app, 0x6a);	/* [APPLICATION 10] */
	return d.bad ? 0 : d.len;
}

/* ---- reading a reply ---- */

/* Read a TLV header at *p (end e): tag, content length; *p moves to the content. */
static int tlv(const unsigned char **p, const unsigned char *e, unsigned *tag, size_t *n)
{
	const unsigned char *q = *p;
	size_t len, k;

	if (q >= e)
		return -1;
	*tag = *q++;
	if ((*tag & 0x1f) == 0x1f || q >= e)
		return -1;	/* multi-byte tags are not used by Kerberos */
	if (*q < 0x80) {
		len = *q++;
	} else {
		k = *q++ & 0x7f;
		if (k == 0 || k > 4 || (size_t)(e - q) < k)
			return -1;
		for (len = 0; k > 0; k--)
			len = (len << 8) | *q++;
	}
	if (len > (size_t)(e - q))
		return -1;
	*p = q;
	*n = len;
	return 0;
}

static int read_int(const unsigned char *p, size_t n, long *v)
{
	long x;
	size_t i;

	if (n == 0 || n > 4)
		return -1;
	x = (p[0] & 0x80) ? -1 : 0;
	for (i = 0; i < n; i++)
		x = (long)((unsigned long)x << 8) | p[i];
	*v = x;
	return 0;
}

time_t ew_kdc_parse_gtime(const char *s, size_t len)
{
	struct tm tm;
	int v[6];
	size_t i;

	if (len != 15 || s[14] != 'Z')
		return -1;
	for (i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	v[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	for (i = 1; i < 6; i++)
		v[i] = (s[2 + 2 * i] - '0') * 10 + (s[3 + 2 * i] - '0');
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return -1;
	{
		static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;

		if (v[2] > mdays[v[1] - 1] + (v[1] == 2 && leap))
			return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	return timegm(&tm);
}

int ew_kdc_parse_reply(const unsigned char *buf, size_t len, int *code, time_t *stime,
		       long *usec)
{
	const unsigned char *p = buf, *e, *s;
	unsigned tag;
	size_t n;

	*code = -1;
	*stime = -1;
	*usec = 0;
	if (buf == NULL)
		return 0;
	e = buf + len;
	if (tlv(&p, e, &tag, &n) != 0)
		return 0;
	if (tag == 0x6b)
		return 1;	/* AS-REP */
	if (tag != 0x7e)
		return 0;
	e = p + n;
	if (tlv(&p, e, &tag, &n) != 0 || tag != 0x30)
		return 0;
	e = p + n;
	while (p < e) {
		const unsigned char *inner;
		unsigned itag;
		size_t in;

		if (tlv(&p, e, &tag, &n) != 0)
			return 0;
		s = p;
		p += n;
		inner = s;
		if (tlv(&inner, s + n, &itag, &in) != 0)
			return 0;
		if (tag == 0xa4 && itag == 0x18) {
			*stime = ew_kdc_parse_gtime((const char *)inner, in);
		} else if (tag == 0xa5 && itag == 0x02) {
			long v;

			if (read_int(inner, in, &v) == 0 && v >= 0 && v < 1000000)
				*usec = v;
		} else if (tag == 0xa6 && itag == 0x02) {
			long v;

			if (read_int(inner, in, &v) == 0)
				*code = (int)v;
		}
	}
	return 2;
}

/* ---- probing ---- */

struct slot {
	int fd;
	unsigned char req[1024];	/* an AS-REQ with a 255-character realm fits */
	size_t reqlen;
	unsigned char rep[8192];
	size_t replen;
	size_t sent;
	int connected;
	int sends;
	struct timeval t0;	/* last send */
	struct timeval first;
	int done;
};

static long ms_between(const struct timeval *a, const struct timeval *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_usec - a->tv_usec) / 1000;
}

static void finish(struct ew_kdc_probe *p, struct slot *s, const char *why)
{
	struct timeval now;

	if (s->done)
		return;
	s->done = 1;
	gettimeofday(&now, NULL);
	p->rtt_ms = ms_between(&s->t0, &now);
	if (why) {
		free(p->error);
		p->error = strdup(why);
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static void take_reply(struct ew_kdc_probe *p, struct slot *s, const unsigned char *buf,
		       size_t len)
{
	struct timeval now;
	time_t st;
	long us;
	int code, kind;

	gettimeofday(&now, NULL);
	kind = ew_kdc_parse_reply(buf, len, &code, &st, &us);
	p->reply_len = len;
	if (kind == 0) {
		finish(p, s, "the reply is not Kerberos");
		return;
	}
	p->ok = 1;
	p->krb_error = code;
	if (kind == 2 && st != -1) {
		/* The KDC stamped its time between our send and its reply. */
		double mid = (double)s->t0.tv_sec + s->t0.tv_usec / 1e6 +
			     ms_between(&s->t0, &now) / 2000.0;

		p->have_time = 1;
		p->skew = (double)st + us / 1e6 - mid;
	}
	finish(p, s, NULL);
}

static int start(struct ew_kdc_probe *p, struct slot *s, const char *realm)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int type = p->proto == EW_KDC_UDP ? SOCK_DGRAM : SOCK_STREAM;
	unsigned nonce;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, p->addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)p->port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, p->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)p->port);
		sl = sizeof(struct sockaddr_in6);
	} else {
		finish(p, s, "not an IP address");
		return -1;
	}
	gettimeofday(&s->t0, NULL);
	s->first = s->t0;
	s->fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		finish(p, s, strerror(errno));
		return -1;
	}
	nonce = (unsigned)(s->t0.tv_usec ^ (s->t0.tv_sec << 8) ^ (uintptr_t)s);
	if (p->proto != EW_KDC_KPASSWD_TCP) {
		size_t n = ew_kdc_asreq(realm, "exwizard-probe", nonce, s->req + 4,
					sizeof(s->req) - 4);

		if (n == 0) {
			finish(p, s, "cannot encode the request");
			return -1;
		}
		if (p->proto == EW_KDC_TCP) {
			s->req[0] = (unsigned char)(n >> 24);
			s->req[1] = (unsigned char)(n >> 16);
			s->req[2] = (unsigned char)(n >> 8);
			s->req[3] = (unsigned char)n;
			s->reqlen = n + 4;
		} else {
			memmove(s->req, s->req + 4, n);
			s->reqlen = n;
		}
	}
	if (connect(s->fd, (struct sockaddr *)&ss, sl) != 0 && errno != EINPROGRESS) {
		char why[128];

		snprintf(why, sizeof(why), "connect: %s", strerror(errno));
		finish(p, s, why);
		return -1;
	}
	if (p->proto == EW_KDC_UDP) {
		s->connected = 1;
		if (send(s->fd, s->req, s->reqlen, 0) < 0) {
			char why[128];

			snprintf(why, sizeof(why), "send: %s", strerror(errno));
			finish(p, s, why);
			return -1;
		}
		s->sends = 1;
	}
	return 0;
}

static void on_event(struct ew_kdc_probe *p, struct slot *s, short revents)
{
	ssize_t n;

	if (!s->connected) {
		int e = 0;
		socklen_t el = sizeof(e);

		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el);
		if (e) {
			char why[128];

			snprintf(why, sizeof(why), "connect: %s", strerror(e));
			finish(p, s, why);
			return;
		}
		s->connected = 1;
		if (p->proto == EW_KDC_KPASSWD_TCP) {
			p->ok = 1;
			finish(p, s, NULL);
			return;
		}
	}
	if ((revents & POLLOUT) && s->sent < s->reqlen && p->proto == EW_KDC_TCP) {
		n = send(s->fd, s->req + s->sent, s->reqlen - s->sent, MSG_NOSIGNAL);
		if (n > 0)
			s->sent += (size_t)n;
		else if (n < 0 && errno != EAGAIN) {
			finish(p, s, strerror(errno));
			return;
		}
	}
	if (!(revents & (POLLIN | POLLERR | POLLHUP)))
		return;
	n = recv(s->fd, s->rep + s->replen, sizeof(s->rep) - s->replen, 0);
	if (n < 0) {
		char why[128];

		if (errno == EAGAIN || errno == EINTR)
			return;
		snprintf(why, sizeof(why), "%s", errno == ECONNREFUSED ?
			 "connection refused (nothing listens there)" : strerror(errno));
		finish(p, s, why);
		return;
	}
	if (n == 0) {
		finish(p, s, "connection closed without a reply");
		return;
	}
	if (p->proto == EW_KDC_UDP) {
		take_reply(p, s, s->rep, (size_t)n);
		return;
	}
	s->replen += (size_t)n;
	if (s->replen >= 4) {
		size_t want = (size_t)s->rep[0] << 24 | (size_t)s->rep[1] << 16 |
			      (size_t)s->rep[2] << 8 | s->rep[3];

		if (want > sizeof(s->rep) - 4)
			take_reply(p, s, s->rep + 4, s->replen - 4);	/* enough to parse */
		else if (s->replen - 4 >= want)
			take_reply(p, s, s->rep + 4, want);
	}
}

void ew_kdc_probe_clear(struct ew_kdc_probe *p)
{
	free(p->error);
	p->error = NULL;
	p->ok = p->have_time = p->cancelled = 0;
	p->krb_error = -1;
	p->skew = 0;
	p->rtt_ms = 0;
	p->reply_len = 0;
}

void ew_kdc_probe_all(struct ew_kdc_probe *p, size_t n, const char *realm, int timeout_ms,
		      int tries, atomic_int *cancel)
{
	struct slot *s = calloc(n ? n : 1, sizeof(*s));
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	struct timeval begin, now;
	long bound;
	size_t i;
	int stopped = 0;

	if (s == NULL || pfd == NULL || idx == NULL) {
		for (i = 0; i < n; i++)
			if (p[i].error == NULL)
				p[i].error = strdup("out of memory");
		goto out;
	}
	if (tries < 1)
		tries = 1;
	bound = (long)timeout_ms * tries;
	for (i = 0; i < n; i++) {
		s[i].fd = -1;
		ew_kdc_probe_clear(&p[i]);
		start(&p[i], &s[i], realm);
	}
	gettimeofday(&begin, NULL);
	for (;;) {
		size_t np = 0;
		int wait = 100;

		gettimeofday(&now, NULL);
		for (i = 0; i < n; i++) {
			if (s[i].done)
				continue;
			/* UDP: send again after each timeout_ms, as a client would. */
			if (p[i].proto == EW_KDC_UDP && ms_between(&s[i].t0, &now) >= timeout_ms &&
			    s[i].sends < tries) {
				send(s[i].fd, s[i].req, s[i].reqlen, 0);
				s[i].sends++;
				s[i].t0 = now;
			}
			pfd[np].fd = s[i].fd;
			pfd[np].events = POLLIN;
			if (!s[i].connected || (p[i].proto == EW_KDC_TCP && s[i].sent < s[i].reqlen))
				pfd[np].events |= POLLOUT;
			pfd[np].revents = 0;
			idx[np++] = i;
		}
		if (np == 0 || ms_between(&begin, &now) >= bound)
			break;
		if (cancel && atomic_load(cancel)) {
			stopped = 1;
			break;
		}
		if (poll(pfd, (nfds_t)np, wait) < 0 && errno != EINTR)
			break;
		for (i = 0; i < np; i++)
			if (pfd[i].revents)
				on_event(&p[idx[i]], &s[idx[i]], pfd[i].revents);
	}
	for (i = 0; i < n; i++) {
		if (!s[i].done) {
			s[i].t0 = s[i].first;
			p[i].cancelled = stopped;
			finish(&p[i], &s[i], stopped ? "cancelled" :
			       "no answer within the time limit");
		}
	}
out:
	free(s);
	free(pfd);
	free(idx);
}
