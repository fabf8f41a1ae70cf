#include "locate.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnscache.h"

static void target_clear(struct ew_locate_target *t)
{
	size_t i;

	free(t->host);
	for (i = 0; i < t->naddrs; i++)
		free(t->addrs[i]);
	free(t->addrs);
	free(t->why);
	free(t->canonical);
	memset(t, 0, sizeof(*t));
}

void ew_locate_clear(struct ew_locate *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		target_clear(&l->t[i]);
	free(l->t);
	memset(l, 0, sizeof(*l));
}

int ew_locate_add(struct ew_locate *l, const char *host, const unsigned port[EW_LOCATE_NAMES],
		  unsigned priority, unsigned weight, size_t max)
{
	struct ew_locate_target *t;
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		if (strcasecmp(l->t[i].host, host) != 0)
			continue;
		for (k = 0; k < EW_LOCATE_NAMES; k++)
			if (port[k])
				l->t[i].port[k] = port[k];
		return 0;
	}
	if (l->n >= (max ? max : EW_LOCATE_MAX))
		return -1;
	t = realloc(l->t, (l->n + 1) * sizeof(*t));
	if (t == NULL)
		return -1;
	l->t = t;
	t = &l->t[l->n];
	memset(t, 0, sizeof(*t));
	if ((t->host = strdup(host)) == NULL)
		return -1;
	memcpy(t->port, port, sizeof(t->port));
	t->priority = priority;
	t->weight = weight;
	l->n++;
	return 1;
}

/* A record that names a service: not "." (not offered here), not port 0. */
static int usable(const struct ew_dns_answer *a)
{
	return a->target && a->target[0] && strcmp(a->target, ".") != 0 && a->port != 0;
}

static int name_index(const char *name, const char *const *names, size_t nnames)
{
	size_t k;

	for (k = 0; k < nnames && k < EW_LOCATE_NAMES; k++)
		if (names[k] && strcasecmp(name, names[k]) == 0)
			return (int)k;
	return -1;
}

struct candidate {
	const struct ew_dns_answer *a;
	size_t name;
	size_t seq;	/* as answered: resolver by resolver, record by record */
};

static int by_rfc2782(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;

	if (a->a->priority != b->a->priority)
		return a->a->priority < b->a->priority ? -1 : 1;
	if (a->a->weight != b->a->weight)
		return a->a->weight > b->a->weight ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Whether rs is an answered SRV question of the list, with records. */
static int srv_answered(const struct ew_dns_result *r, const char *const *names, size_t nnames)
{
	return r && r->type == EW_DNS_SRV && r->status == EW_DNS_OK &&
	       name_index(r->name, names, nnames) >= 0;
}

size_t ew_locate_merge_srv(struct ew_locate *l, struct ew_dns_result *const *rs, size_t n,
			   const char *const *names, size_t nnames,
			   const struct ew_locate_opts *o)
{
	const char *server = NULL;
	struct candidate *c;
	size_t i, j, nc = 0, total = 0, added = 0;
	size_t max = o && o->max ? o->max : EW_LOCATE_MAX;

	for (i = 0; i < n; i++)
		if (srv_answered(rs[i], names, nnames))
			total += rs[i]->nanswers;
	/* The first resolver that names a target, for those that want one. */
	for (i = 0; o && o->first_resolver && i < n && server == NULL; i++)
		for (j = 0; srv_answered(rs[i], names, nnames) && j < rs[i]->nanswers; j++)
			if (usable(&rs[i]->answers[j])) {
				server = rs[i]->server;
				break;
			}
	c = total ? calloc(total, sizeof(*c)) : NULL;
	for (i = 0; c && i < n; i++) {
		if (!srv_answered(rs[i], names, nnames) ||
		    (server && strcmp(rs[i]->server, server) != 0))
			continue;
		for (j = 0; j < rs[i]->nanswers; j++) {
			if (!usable(&rs[i]->answers[j]))
				continue;
			c[nc].a = &rs[i]->answers[j];
			c[nc].name = (size_t)name_index(rs[i]->name, names, nnames);
			c[nc].seq = nc;
			nc++;
		}
	}
	if (nc)
		qsort(c, nc, sizeof(*c), by_rfc2782);
	for (i = 0; i < nc; i++) {
		unsigned port[EW_LOCATE_NAMES] = {0};

		port[c[i].name] = c[i].a->port;
		added += ew_locate_add(l, c[i].a->target, port, c[i].a->priority, c[i].a->weight,
				       max) == 1;
	}
	free(c);
	if (added) {
		l->error[0] = '\0';
		return added;
	}
	for (i = 0; i < n && !l->error[0]; i++)
		if (rs[i] && rs[i]->status != EW_DNS_OK)
			snprintf(l->error, sizeof(l->error), "%s SRV @%s: %s", rs[i]->name,
				 rs[i]->server, ew_dns_status_name(rs[i]->status));
	return 0;
}

static int take_addrs(struct ew_locate_target *t, const struct ew_dns_result *r)
{
	size_t i;

	t->addrs = calloc(r->nanswers, sizeof(*t->addrs));
	if (t->addrs == NULL)
		return -1;
	for (i = 0; i < r->nanswers; i++)
		if (r->answers[i].data && (t->addrs[t->naddrs] = strdup(r->answers[i].data)))
			t->naddrs++;
	if (t->naddrs == 0) {
		free(t->addrs);
		t->addrs = NULL;
		return -1;
	}
	free(t->canonical);
	t->canonical = r->ncnames && r->cnames[r->ncnames - 1] ?
		       strdup(r->cnames[r->ncnames - 1]) : NULL;
	return 0;
}

void ew_locate_merge_addrs(struct ew_locate *l, struct ew_dns_result *const *rs, size_t n)
{
	size_t i, k;

	for (k = 0; k < l->n; k++) {
		struct ew_locate_target *t = &l->t[k];
		const struct ew_dns_result *failed = NULL;
		int asked = 0;

		if (t->naddrs)
			continue;
		for (i = 0; i < n; i++) {
			if (rs[i] == NULL || rs[i]->type != EW_DNS_A ||
			    strcasecmp(rs[i]->name, t->host) != 0)
				continue;
			asked = 1;
			if (rs[i]->status == EW_DNS_OK && rs[i]->nanswers && take_addrs(t, rs[i]) == 0)
				break;
			if (failed == NULL && rs[i]->status != EW_DNS_OK)
				failed = rs[i];
		}
		free(t->why);
		t->why = NULL;
		if (t->naddrs)
			continue;
		if (failed && asprintf(&t->why, "%s A @%s: %s", t->host, failed->server,
				       ew_dns_status_name(failed->status)) < 0)
			t->why = NULL;
		else if (!failed && asprintf(&t->why, "%s: %s", t->host, asked ? "no A record" :
					     "not asked") < 0)
			t->why = NULL;
	}
}

void ew_locate_literals(struct ew_locate *l)
{
	unsigned char bin[16];
	size_t k;

	for (k = 0; k < l->n; k++) {
		struct ew_locate_target *t = &l->t[k];

		if (t->naddrs || (inet_pton(AF_INET, t->host, bin) != 1 &&
				  inet_pton(AF_INET6, t->host, bin) != 1))
			continue;
		if ((t->addrs = calloc(1, sizeof(*t->addrs))) == NULL ||
		    (t->addrs[0] = strdup(t->host)) == NULL) {
			free(t->addrs);
			t->addrs = NULL;
			continue;
		}
		t->naddrs = 1;
		free(t->why);
		t->why = NULL;
	}
}

/* ew_locate_ask, with why c-ares could not be set up in err. */
static size_t ask(const char *const *names, const int *types, size_t nq,
		  const struct ew_dns_opts *o, struct ew_dns_result **rs, size_t max,
		  char *err, size_t errlen)
{
	struct ew_resolv rc;
	size_t i, q, n = 0;

	err[0] = '\0';
	ew_resolv_system(&rc);
	for (i = 0; i < rc.nservers; i++)
		for (q = 0; q < nq && n < max; q++)
			if ((rs[n] = ew_dns_result_new(names[q], types[q], rc.servers[i])) != NULL)
				n++;
	ew_resolv_clear(&rc);
	ew_dns_resolve(rs, n, o, err, errlen);
	return n;
}

size_t ew_locate_ask(const char *const *names, const int *types, size_t nq,
		     const struct ew_dns_opts *o, struct ew_dns_result **rs, size_t max)
{
	char err[256];

	return ask(names, types, nq, o, rs, max, err, sizeof(err));
}

size_t ew_locate_srv(struct ew_locate *l, const char *const *names, size_t nnames,
		     const struct ew_locate_opts *o)
{
	struct ew_dns_result *rs[EW_LOCATE_NAMES * EW_RESOLV_MAX];
	const int types[EW_LOCATE_NAMES] = { EW_DNS_SRV, EW_DNS_SRV };
	char err[256];
	size_t n, i, added;

	if (nnames > EW_LOCATE_NAMES)
		nnames = EW_LOCATE_NAMES;
	n = ask(names, types, nnames, &o->dns, rs, sizeof(rs) / sizeof(rs[0]), err, sizeof(err));
	if (err[0] && !l->error[0])
		snprintf(l->error, sizeof(l->error), "%s", err);
	added = ew_locate_merge_srv(l, rs, n, names, nnames, o);
	for (i = 0; i < n; i++)
		ew_dns_result_free(&rs[i]);
	return added;
}

void ew_locate_addresses(struct ew_locate *l, const struct ew_locate_opts *o)
{
	struct ew_dns_result **rs = NULL;
	const char **names = NULL;
	int *types = NULL;
	char err[256];
	size_t i, nq = 0, n = 0;

	ew_locate_literals(l);
	names = calloc(l->n + 1, sizeof(*names));
	types = calloc(l->n + 1, sizeof(*types));
	rs = calloc((l->n + 1) * EW_RESOLV_MAX, sizeof(*rs));
	if (names == NULL || types == NULL || rs == NULL)
		goto cleanup;
	for (i = 0; i < l->n; i++) {
		if (l->t[i].naddrs)
			continue;
		names[nq] = l->t[i].host;
		types[nq++] = EW_DNS_A;
	}
	if (nq == 0)
		goto cleanup;
	n = ask(names, types, nq, &o->dns, rs, nq * EW_RESOLV_MAX, err, sizeof(err));
	ew_locate_merge_addrs(l, rs, n);
cleanup:
	for (i = 0; i < n; i++)
		ew_dns_result_free(&rs[i]);
	free(rs);
	free(names);
	free(types);
}
