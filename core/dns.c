#include "dns.h"

#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "target.h"
#include "text.h"

#define HEADER_LEN 12
#define MAX_RRS 512		/* records looked at in one answer */
#define MAX_CHAIN 16		/* CNAMEs followed */

static void set_error(struct ew_dns_result *r, enum ew_dns_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_error(struct ew_dns_result *r, enum ew_dns_status st, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = ew_vstrprintf(fmt, ap);
	va_end(ap);
	free(r->error);
	r->error = ew_text_cleanz(raw);
	free(raw);
	r->status = st;
}

/* ---- parsing ---- */

struct rr {
	char *name;
	int type;
	unsigned ttl;
	const unsigned char *rdata;
	size_t rdlen;
};

static unsigned get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned get32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* A name at p (inside buf) expanded and cleaned; *used = its encoded length. */
static char *expand(const unsigned char *p, const unsigned char *buf, size_t len, long *used)
{
	char *raw = NULL, *clean;

	if (p < buf || p >= buf + len)
		return NULL;
	if (ares_expand_name(p, buf, (int)len, &raw, used) != ARES_SUCCESS)
		return NULL;
	clean = ew_text_cleanz(raw);
	ares_free_string(raw);
	return clean;
}

static int rdata_to_answer(const struct rr *rr, const unsigned char *buf, size_t len,
			   struct ew_dns_answer *a)
{
	char addr[INET6_ADDRSTRLEN];
	long used;

	memset(a, 0, sizeof(*a));
	a->type = rr->type;
	a->ttl = rr->ttl;
	a->name = strdup(rr->name);
	if (a->name == NULL)
		return -1;
	switch (rr->type) {
	case EW_DNS_A:
		if (rr->rdlen != 4)
			return -1;
		inet_ntop(AF_INET, rr->rdata, addr, sizeof(addr));
		a->data = strdup(addr);
		break;
	case EW_DNS_AAAA:
		if (rr->rdlen != 16)
			return -1;
		inet_ntop(AF_INET6, rr->rdata, addr, sizeof(addr));
		a->data = strdup(addr);
		break;
	case EW_DNS_CNAME:
	case EW_DNS_PTR:
		a->data = expand(rr->rdata, buf, len, &used);
		if (a->data && (size_t)used > rr->rdlen) {
			free(a->data);
			a->data = NULL;
		}
		break;
	case EW_DNS_SRV:
		if (rr->rdlen < 7)
			return -1;
		a->priority = get16(rr->rdata);
		a->weight = get16(rr->rdata + 2);
		a->port = get16(rr->rdata + 4);
		a->target = expand(rr->rdata + 6, buf, len, &used);
		if (a->target == NULL || (size_t)used + 6 > rr->rdlen)
			return -1;
		a->data = ew_strprintf("%u %u %u %s", a->priority, a->weight, a->port,
				       a->target);
		break;
	case EW_DNS_TXT: {
		struct ew_buf b = {0};
		size_t i = 0;

		ew_buf_add(&b, "", 0);
		while (i < rr->rdlen) {
			size_t n = rr->rdata[i++];
			char *part;

			if (i + n > rr->rdlen) {
				ew_buf_reset(&b);
				return -1;
			}
			part = ew_text_clean((const char *)rr->rdata + i, n);
			if (part)
				ew_buf_adds(&b, part);
			free(part);
			i += n;
		}
		a->data = ew_buf_take(&b);
		break;
	}
	default:
		a->data = strdup("");
	}
	return a->data ? 0 : -1;
}

static void free_rrs(struct rr *rrs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rrs[i].name);
	free(rrs);
}

/* Read count records from *pp; appended to rrs. -1 when malformed. */
static int read_rrs(const unsigned char *buf, size_t len, const unsigned char **pp,
		    unsigned count, struct rr *rrs, size_t *n)
{
	const unsigned char *p = *pp;
	unsigned i;
	long used;

	for (i = 0; i < count; i++) {
		struct rr rr;

		rr.name = expand(p, buf, len, &used);
		if (rr.name == NULL)
			return -1;
		p += used;
		if (p + 10 > buf + len) {
			free(rr.name);
			return -1;
		}
		rr.type = (int)get16(p);
		rr.ttl = get32(p + 4);
		if (rr.ttl > 0x7fffffffu)	/* RFC 2181: treat as zero */
			rr.ttl = 0;
		rr.rdlen = get16(p + 8);
		rr.rdata = p + 10;
		p += 10;
		if (p + rr.rdlen > buf + len) {
			free(rr.name);
			return -1;
		}
		p += rr.rdlen;
		if (*n >= MAX_RRS) {
			free(rr.name);
			continue;
		}
		rrs[(*n)++] = rr;
	}
	*pp = p;
	return 0;
}

static int push_cname(struct ew_dns_result *r, const char *name)
{
	char **v = realloc(r->cnames, (r->ncnames + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	r->cnames = v;
	r->cnames[r->ncnames] = strdup(name);
	return r->cnames[r->ncnames++] ? 0 : -1;
}

int ew_dns_parse(const unsigned char *buf, size_t len, struct ew_dns_result *r)
{
	const unsigned char *p;
	struct rr *rrs = NULL;
	size_t nrr = 0, nans, i, hop;
	unsigned qd, an, ns, q;
	const char *cur;
	long used;
	int rc = -1;

	ew_dns_result_clear_answers(r);
	free(r->error);
	r->error = NULL;
	r->ttl = 0;
	if (buf == NULL || len < HEADER_LEN) {
		set_error(r, EW_DNS_ERROR, "malformed answer: %zu bytes", len);
		return -1;
	}
	if (!(buf[2] & 0x80)) {
		set_error(r, EW_DNS_ERROR, "malformed answer: not a response");
		return -1;
	}
	r->truncated = (buf[2] >> 1) & 1;
	r->rcode = buf[3] & 0x0f;
	qd = get16(buf + 4);
	an = get16(buf + 6);
	ns = get16(buf + 8);
	p = buf + HEADER_LEN;
	for (q = 0; q < qd; q++) {
		char *qname = expand(p, buf, len, &used);

		free(qname);
		if (qname == NULL || p + used + 4 > buf + len) {
			set_error(r, EW_DNS_ERROR, "malformed answer: question section");
			return -1;
		}
		p += used + 4;
	}
	rrs = calloc(MAX_RRS, sizeof(*rrs));
	if (rrs == NULL) {
		set_error(r, EW_DNS_ERROR, "out of memory");
		return -1;
	}
	if (read_rrs(buf, len, &p, an, rrs, &nrr) != 0) {
		/* A truncated UDP answer may end anywhere: keep what was whole. */
		if (!r->truncated) {
			set_error(r, EW_DNS_ERROR, "malformed answer: answer section");
			goto out;
		}
	}
	nans = nrr;
	/* The authority section only gives the negative TTL: whole records are kept,
	 * a cut one is not an error. */
	read_rrs(buf, len, &p, ns, rrs, &nrr);

	/* Follow the CNAME chain from the name asked. */
	cur = r->name;
	for (hop = 0; hop <= MAX_CHAIN; hop++) {
		const char *next = NULL;
		size_t found = 0;

		for (i = 0; i < nans; i++) {
			if (rrs[i].type == r->type && ew_dns_name_eq(rrs[i].name, cur))
				found++;
		}
		if (found) {
			r->answers = calloc(found, sizeof(*r->answers));
			if (r->answers == NULL) {
				set_error(r, EW_DNS_ERROR, "out of memory");
				goto out;
			}
			for (i = 0; i < nans; i++) {
				if (rrs[i].type != r->type || !ew_dns_name_eq(rrs[i].name, cur))
					continue;
				if (rdata_to_answer(&rrs[i], buf, len,
						    &r->answers[r->nanswers]) != 0) {
					struct ew_dns_answer *a = &r->answers[r->nanswers];

					free(a->name);
					free(a->data);
					free(a->target);
					set_error(r, EW_DNS_ERROR,
						  "malformed answer: bad %s record",
						  ew_dns_type_name(r->type));
					goto out;
				}
				if (r->nanswers == 0 || rrs[i].ttl < r->ttl)
					r->ttl = rrs[i].ttl;
				r->nanswers++;
			}
			break;
		}
		for (i = 0; i < nans && next == NULL; i++) {
			if (rrs[i].type == EW_DNS_CNAME && ew_dns_name_eq(rrs[i].name, cur)) {
				struct ew_dns_answer a;

				if (rdata_to_answer(&rrs[i], buf, len, &a) != 0) {
					free(a.name);
					free(a.data);
					set_error(r, EW_DNS_ERROR, "malformed answer: bad CNAME");
					goto out;
				}
				if (push_cname(r, a.data) != 0) {
					free(a.name);
					free(a.data);
					goto out;
				}
				free(a.name);
				free(a.data);
				next = r->cnames[r->ncnames - 1];
			}
		}
		if (next == NULL)
			break;
		cur = next;
	}
	if (hop > MAX_CHAIN) {
		set_error(r, EW_DNS_ERROR, "CNAME chain longer than %d", MAX_CHAIN);
		goto out;
	}
	/* Negative answers: the TTL is the SOA minimum (RFC 2308). */
	if (r->nanswers == 0) {
		for (i = nans; i < nrr; i++) {
			if (rrs[i].type == EW_DNS_SOA && rrs[i].rdlen >= 22) {
				unsigned ttl = rrs[i].ttl, min = get32(rrs[i].rdata + rrs[i].rdlen - 4);

				r->ttl = ttl < min ? ttl : min;
				break;
			}
		}
	}
	switch (r->rcode) {
	case 0:
		r->status = r->nanswers ? EW_DNS_OK : EW_DNS_NODATA;
		break;
	case 2:
		set_error(r, EW_DNS_SERVFAIL, "server failure (SERVFAIL)");
		break;
	case 3:
		r->status = EW_DNS_NXDOMAIN;
		break;
	case 5:
		set_error(r, EW_DNS_REFUSED, "query refused (REFUSED)");
		break;
	default:
		set_error(r, EW_DNS_ERROR, "answer code %d", r->rcode);
	}
	rc = 0;
out:
	free_rrs(rrs, nrr);
	return rc;
}

/* ---- asking ---- */

struct chan {
	char *server;
	ares_channel udp;	/* truncation is seen (IGNTC) ... */
	ares_channel tcp;	/* ... and asked again here */
};

struct engine {
	struct chan *chans;
	size_t nchans;
	size_t pending;
	int deadline_hit;
	int cancelled;
};

struct job {
	struct engine *e;
	struct chan *c;
	struct ew_dns_result *r;
	struct timespec t0;
	int over_tcp;
};

static pthread_once_t ares_once = PTHREAD_ONCE_INIT;
static int ares_init_rc;

static void ares_global_init(void)
{
	ares_init_rc = ares_library_init(ARES_LIB_INIT_ALL);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen);

static int send_job(struct engine *e, struct chan *c, struct ew_dns_result *r, int over_tcp)
{
	struct job *j = calloc(1, sizeof(*j));
	unsigned char *q = NULL;
	int qlen = 0;

	if (j == NULL)
		return -1;
	if (ares_create_query(r->name, 1 /* IN */, r->type, 0, 1, &q, &qlen, 0) != ARES_SUCCESS) {
		free(j);
		set_error(r, EW_DNS_ERROR, "not a valid DNS name");
		return -1;
	}
	j->e = e;
	j->c = c;
	j->r = r;
	j->over_tcp = over_tcp;
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	e->pending++;
	ares_send(over_tcp ? c->tcp : c->udp, q, qlen, on_answer, j);
	ares_free_string(q);
	return 0;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct job *j = arg;
	struct ew_dns_result *r = j->r;

	(void)timeouts;
	j->e->pending--;
	r->rtt_ms = ms_since(&j->t0);
	if (j->over_tcp)
		r->tcp = 1;
	if (status == ARES_SUCCESS) {
		int udp_truncated = r->truncated;

		ew_dns_parse(abuf, (size_t)alen, r);
		if (j->over_tcp)
			r->truncated = udp_truncated;	/* TC is a fact about the UDP answer */
		if (r->truncated && !j->over_tcp && r->status != EW_DNS_ERROR) {
			/* Ask again over TCP, as a resolver library would. */
			if (send_job(j->e, j->c, r, 1) == 0) {
				free(j);
				return;
			}
		}
	} else if (j->over_tcp && r->truncated) {
		/* Keep the truncated UDP answer; say that TCP failed. */
		r->tcp_failed = 1;
		free(r->error);
		r->error = ew_strprintf("answer truncated and TCP failed: %s",
					ares_strerror(status));
	} else if (status == ARES_ETIMEOUT) {
		set_error(r, EW_DNS_TIMEOUT, "no answer within the time limit");
	} else if (status == ARES_ECONNREFUSED) {
		set_error(r, EW_DNS_REFUSED, "connection refused (nothing listens there)");
	} else if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
		if (j->e->deadline_hit)
			set_error(r, EW_DNS_TIMEOUT, "no answer within the time limit");
		else
			set_error(r, EW_DNS_CANCELLED, "cancelled");
	} else {
		set_error(r, EW_DNS_ERROR, "%s", ares_strerror(status));
	}
	free(j);
}

static int chan_init(struct chan *c, const struct ew_dns_opts *o, char *err, size_t errlen)
{
	struct ares_addr_port_node node;
	struct ares_options opt;
	char host[INET6_ADDRSTRLEN];
	const char *why;
	unsigned port;
	int mask, rc, i;

	if (!ew_parse_server(c->server, host, sizeof(host), &port, &why)) {
		snprintf(err, errlen, "DNS server %s: %s", c->server, why);
		return -1;
	}
	memset(&node, 0, sizeof(node));
	if (inet_pton(AF_INET, host, &node.addr.addr4) == 1) {
		node.family = AF_INET;
	} else {
		node.family = AF_INET6;
		inet_pton(AF_INET6, host, &node.addr.addr6);
	}
	node.udp_port = (int)port;
	node.tcp_port = (int)port;
	for (i = 0; i < 2; i++) {
		ares_channel *ch = i == 0 ? &c->udp : &c->tcp;

		memset(&opt, 0, sizeof(opt));
		opt.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH |
			    (i == 0 ? ARES_FLAG_IGNTC : ARES_FLAG_USEVC);
		opt.timeout = o->timeout_ms > 0 ? o->timeout_ms : 2000;
		opt.tries = o->tries > 0 ? o->tries : 2;
		opt.ndomains = 0;
		mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_DOMAINS;
		rc = ares_init_options(ch, &opt, mask);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
			return -1;
		}
		rc = ares_set_servers_ports(*ch, &node);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
			return -1;
		}
	}
	return 0;
}

static struct chan *chan_for(struct engine *e, const char *server)
{
	size_t i;

	for (i = 0; i < e->nchans; i++)
		if (strcmp(e->chans[i].server, server) == 0)
			return &e->chans[i];
	return NULL;
}

/* Sockets of every channel into pfd; returns the count. */
static size_t gather(struct engine *e, struct pollfd *pfd, size_t max,
		     ares_channel *owner)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	size_t n = 0, i;
	int k, bits, c;

	for (i = 0; i < e->nchans; i++) {
		for (c = 0; c < 2; c++) {
			ares_channel ch = c == 0 ? e->chans[i].udp : e->chans[i].tcp;

			if (ch == NULL)
				continue;
			bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
			for (k = 0; k < ARES_GETSOCK_MAXNUM && n < max; k++) {
				short ev = 0;

				/* The c-ares macros shift a signed 1 by up to 31 bits. */
				if (((unsigned)bits >> k) & 1u)
					ev |= POLLIN;
				if (((unsigned)bits >> (k + ARES_GETSOCK_MAXNUM)) & 1u)
					ev |= POLLOUT;
				if (!ev)
					continue;
				pfd[n].fd = socks[k];
				pfd[n].events = ev;
				pfd[n].revents = 0;
				owner[n++] = ch;
			}
		}
	}
	return n;
}

static void each_channel(struct engine *e, void (*fn)(ares_channel))
{
	size_t i;

	for (i = 0; i < e->nchans; i++) {
		if (e->chans[i].udp)
			fn(e->chans[i].udp);
		if (e->chans[i].tcp)
			fn(e->chans[i].tcp);
	}
}

static void process_timeouts(ares_channel ch)
{
	ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

int ew_dns_resolve(struct ew_dns_result **rs, size_t n, const struct ew_dns_opts *o,
		   char *err, size_t errlen)
{
	struct engine e = {0};
	struct pollfd pfd[256];
	ares_channel owner[256];
	struct timespec t0;
	long bound;
	size_t i;
	int rc = -1;

	if (o->cancel && atomic_load(o->cancel)) {
		/* Stopped already: nothing is asked. */
		for (i = 0; i < n; i++)
			if (rs[i]->status == EW_DNS_PENDING)
				set_error(rs[i], EW_DNS_CANCELLED, "cancelled");
		return 0;
	}
	pthread_once(&ares_once, ares_global_init);
	if (ares_init_rc != ARES_SUCCESS) {
		snprintf(err, errlen, "c-ares: %s", ares_strerror(ares_init_rc));
		return -1;
	}
	e.chans = calloc(n ? n : 1, sizeof(*e.chans));
	if (e.chans == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct chan *c;

		if (rs[i]->status != EW_DNS_PENDING)
			continue;
		c = chan_for(&e, rs[i]->server);
		if (c == NULL) {
			c = &e.chans[e.nchans++];
			c->server = rs[i]->server;
			if (chan_init(c, o, err, errlen) != 0)
				goto out;
		}
		send_job(&e, c, rs[i], 0);
	}
	bound = (long)(o->timeout_ms > 0 ? o->timeout_ms : 2000) * (o->tries > 0 ? o->tries : 2) + 500;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (e.pending > 0) {
		struct timeval tv, *tvp, max = { 0, 100000 };
		size_t np, k, c;
		int wait_ms = 100, ready;

		if (o->cancel && atomic_load(o->cancel)) {
			e.cancelled = 1;
			each_channel(&e, ares_cancel);
			break;
		}
		if (ms_since(&t0) >= bound) {
			e.deadline_hit = 1;
			each_channel(&e, ares_cancel);
			break;
		}
		for (c = 0; c < e.nchans; c++) {
			tvp = ares_timeout(e.chans[c].udp, &max, &tv);
			if (tvp->tv_sec * 1000 + tvp->tv_usec / 1000 < wait_ms)
				wait_ms = (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000);
			tvp = ares_timeout(e.chans[c].tcp, &max, &tv);
			if (tvp->tv_sec * 1000 + tvp->tv_usec / 1000 < wait_ms)
				wait_ms = (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000);
		}
		np = gather(&e, pfd, sizeof(pfd) / sizeof(pfd[0]), owner);
		ready = poll(pfd, (nfds_t)np, wait_ms);
		if (ready < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			each_channel(&e, ares_cancel);
			goto out;
		}
		for (k = 0; ready > 0 && k < np; k++) {
			if (!pfd[k].revents)
				continue;
			ares_process_fd(owner[k],
					pfd[k].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[k].fd :
					ARES_SOCKET_BAD,
					pfd[k].revents & POLLOUT ? pfd[k].fd : ARES_SOCKET_BAD);
		}
		each_channel(&e, process_timeouts);
	}
	rc = 0;
out:
	for (i = 0; i < e.nchans; i++) {
		/* Destroying fires the callbacks of whatever is left. */
		if (e.chans[i].udp)
			ares_destroy(e.chans[i].udp);
		if (e.chans[i].tcp)
			ares_destroy(e.chans[i].tcp);
	}
	free(e.chans);
	for (i = 0; i < n; i++) {
		if (rs[i]->status != EW_DNS_PENDING)
			continue;
		if (rc != 0)
			set_error(rs[i], EW_DNS_ERROR, "not asked: %s", err);
		else
			set_error(rs[i], e.cancelled ? EW_DNS_CANCELLED : EW_DNS_TIMEOUT,
				  e.cancelled ? "cancelled" : "no answer within the time limit");
	}
	return rc;
}
