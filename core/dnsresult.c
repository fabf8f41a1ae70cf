/*
 * dnsresult.c - the plain-data half of dns.h: DNS results made, cleared and
 * freed, status and type names, reverse names, answer sets. No resolver
 * library here, so the DNS rules (dnsrules.c) and their tests link without
 * c-ares; asking and parsing answers stay in dns.c.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

static const char *const status_names[] = {
	"pending", "ok", "nxdomain", "nodata", "timeout", "servfail", "refused",
	"error", "cancelled",
};

const char *ew_dns_status_name(enum ew_dns_status st)
{
	return (unsigned)st < sizeof(status_names) / sizeof(status_names[0]) ?
	       status_names[st] : "?";
}

const char *ew_dns_type_name(int type)
{
	switch (type) {
	case EW_DNS_A: return "A";
	case EW_DNS_CNAME: return "CNAME";
	case EW_DNS_SOA: return "SOA";
	case EW_DNS_PTR: return "PTR";
	case EW_DNS_TXT: return "TXT";
	case EW_DNS_AAAA: return "AAAA";
	case EW_DNS_SRV: return "SRV";
	default: return "?";
	}
}

struct ew_dns_result *ew_dns_result_new(const char *name, int type, const char *server)
{
	struct ew_dns_result *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->name = strdup(name);
	r->server = strdup(server);
	r->type = type;
	if (r->name == NULL || r->server == NULL)
		ew_dns_result_free(&r);
	return r;
}

void ew_dns_result_clear_answers(struct ew_dns_result *r)
{
	size_t i;

	for (i = 0; i < r->nanswers; i++) {
		free(r->answers[i].name);
		free(r->answers[i].data);
		free(r->answers[i].target);
	}
	free(r->answers);
	r->answers = NULL;
	r->nanswers = 0;
	for (i = 0; i < r->ncnames; i++)
		free(r->cnames[i]);
	free(r->cnames);
	r->cnames = NULL;
	r->ncnames = 0;
}

void ew_dns_result_clear(struct ew_dns_result *r)
{
	ew_dns_result_clear_answers(r);
	free(r->error);
	r->error = NULL;
	r->status = EW_DNS_PENDING;
	r->rcode = 0;
	r->truncated = r->tcp = r->tcp_failed = 0;
	r->ttl = 0;
	r->rtt_ms = 0;
}

void ew_dns_result_free(struct ew_dns_result **rp)
{
	if (rp == NULL || *rp == NULL)
		return;
	ew_dns_result_clear(*rp);
	free((*rp)->name);
	free((*rp)->server);
	free(*rp);
	*rp = NULL;
}

int ew_dns_name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

char *ew_dns_reverse_name(const char *ip)
{
	unsigned char a[16];
	struct ew_buf b = {0};
	int i;

	if (inet_pton(AF_INET, ip, a) == 1)
		return ew_strprintf("%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
	if (inet_pton(AF_INET6, ip, a) != 1)
		return NULL;
	for (i = 15; i >= 0; i--)
		ew_buf_printf(&b, "%x.%x.", a[i] & 0xf, a[i] >> 4);
	ew_buf_adds(&b, "ip6.arpa");
	return ew_buf_take(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

char *ew_dns_answer_set(const struct ew_dns_result *r)
{
	struct ew_buf b = {0};
	const char **v;
	size_t i;

	ew_buf_add(&b, "", 0);
	if (r->nanswers == 0)
		return ew_buf_take(&b);
	v = calloc(r->nanswers, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (i = 0; i < r->nanswers; i++)
		v[i] = r->answers[i].data;
	qsort(v, r->nanswers, sizeof(*v), cmp_str);
	for (i = 0; i < r->nanswers; i++) {
		if (i)
			ew_buf_addc(&b, '|');
		ew_buf_adds(&b, v[i]);
	}
	free(v);
	return ew_buf_take(&b);
}
