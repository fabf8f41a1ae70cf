#include "dnsstep.h"

#include <jansson.h>
#include <krb5.h>
#include <profile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "catalogue.h"
#include "datafields.h"
#include "dns.h"
#include "dnscache.h"
#include "clientparse.h"
#include "dnsrules.h"
#include "finding.h"
#include "run.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"
#include "transcript.h"

#define MAX_SERVERS 24

struct plan {
	struct ew_dns_server_info servers[MAX_SERVERS];
	char *owned[MAX_SERVERS];	/* server strings we allocated */
	int dead[MAX_SERVERS];		/* never answered: not asked again */
	size_t nservers;
	struct ew_dns_result **rs;
	size_t n, cap;
	size_t sent;			/* queries sent, for the report */
	int phases;
};

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		ew_dns_result_free(&p->rs[i]);
	free(p->rs);
	for (i = 0; i < p->nservers; i++)
		free(p->owned[i]);
}

static int add_server(struct plan *p, const char *addr, const char *source)
{
	size_t i;

	for (i = 0; i < p->nservers; i++)
		if (strcmp(p->servers[i].addr, addr) == 0) {
			/* A DNS server only the Windows client named that is a
			 * DC is a DC; one of this machine's stays a resolver. */
			if (strcmp(source, "dc") == 0 &&
			    strcmp(p->servers[i].source, EW_DNS_SOURCE_WINDOWS) == 0)
				p->servers[i].source = source;
			return 0;
		}
	if (p->nservers >= MAX_SERVERS)
		return -1;
	p->owned[p->nservers] = strdup(addr);
	if (p->owned[p->nservers] == NULL)
		return -1;
	p->servers[p->nservers].addr = p->owned[p->nservers];
	p->servers[p->nservers].source = source;
	p->nservers++;
	return 0;
}

/*
 * The Windows client's DNS servers (ipconfig /all given with --client-file)
 * asked too: every DNS server a domain member asks must serve the AD zone.
 * A link-local or malformed one is left out (this host cannot ask it).
 */
static void add_client_servers(struct plan *p, const struct ew_target *t)
{
	size_t i, a, k;

	for (i = 0; i < t->nclient; i++) {
		struct ew_client_paste *cp = ew_client_parse(t->client[i].data, t->client[i].len);

		for (a = 0; cp && a < cp->ipconfig.nadapters; a++) {
			const struct ew_client_adapter *ad = cp->ipconfig.adapters[a];

			for (k = 0; k < ad->ndns; k++) {
				char host[64];
				unsigned port;
				const char *why;

				if (ew_parse_server(ad->dns_servers[k], host, sizeof(host), &port, &why))
					add_server(p, ad->dns_servers[k], EW_DNS_SOURCE_WINDOWS);
			}
		}
		ew_client_free(&cp);
	}
}

/* Queue (name, type) to server unless it is queued already. */
static struct ew_dns_result *ask(struct plan *p, const char *name, int type, const char *server)
{
	struct ew_dns_result *r;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->rs[i]->type == type && strcasecmp(p->rs[i]->name, name) == 0 &&
		    strcmp(p->rs[i]->server, server) == 0)
			return p->rs[i];
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct ew_dns_result **v = realloc(p->rs, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		p->rs = v;
		p->cap = cap;
	}
	r = ew_dns_result_new(name, type, server);
	if (r)
		p->rs[p->n++] = r;
	return r;
}

/* Ask name/type of every server of the given kind ("client" or "dc"). */
static void ask_all(struct plan *p, const char *name, int type, int dc)
{
	size_t i;

	for (i = 0; i < p->nservers; i++)
		if ((strcmp(p->servers[i].source, "dc") == 0) == dc && !p->dead[i])
			ask(p, name, type, p->servers[i].addr);
}

/* A result as the typed record of the step's data (strings copied). */
static int record_fill(const struct ew_dns_result *r, struct ew_dns_record_data *d)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->name = ew_field_dup(r->name);
	d->type = ew_field_dup(ew_dns_type_name(r->type));
	d->server = ew_field_dup(r->server);
	d->status = ew_field_dup(ew_dns_status_name(r->status));
	d->answers = r->nanswers ? calloc(r->nanswers, sizeof(char *)) : NULL;
	for (i = 0; d->answers && i < r->nanswers; i++)
		d->answers[d->nanswers++] = ew_field_dup(r->answers[i].data);
	d->cnames = r->ncnames ? calloc(r->ncnames, sizeof(char *)) : NULL;
	for (i = 0; d->cnames && i < r->ncnames; i++)
		d->cnames[d->ncnames++] = ew_field_dup(r->cnames[i]);
	d->ttl = r->ttl;
	d->rtt_ms = r->rtt_ms;
	d->truncated = r->truncated;
	d->tcp = r->tcp;
	d->error = ew_field_dup(r->error);
	return d->nanswers == r->nanswers && d->ncnames == r->ncnames ? 0 : -1;
}

static json_t *result_json(const struct ew_dns_result *r)
{
	struct ew_dns_record_data d;
	json_t *j = record_fill(r, &d) == 0 ? ew_dns_record_data_to_json(&d) : NULL;

	ew_dns_record_data_free(&d);
	return j;
}

/* Send what is pending, all at once; record each answer in the transcript. */
static int run_phase(struct ew_run *run, struct plan *p, const char *label,
		     struct ew_step_result *res)
{
	struct ew_dns_opts o = { run->timeout_ms, run->tries, run->cancel };
	char err[256];
	size_t i, first = 0, pending = 0;

	for (i = 0; i < p->n; i++)
		if (p->rs[i]->status == EW_DNS_PENDING)
			pending++;
	if (pending == 0)
		return 0;
	for (i = 0; i < p->n && p->rs[i]->status != EW_DNS_PENDING; i++)
		first = i + 1;
	if (ew_dns_resolve(p->rs, p->n, &o, err, sizeof(err)) != 0) {
		struct ew_finding *f = ew_finding_new(EW_CK_DNS_SERVERS, EW_SKIP,
						      "DNS queries could not be sent");

		if (f)
			ew_finding_evidence(f, "%s", err);
		ew_step_result_add(res, f);
		return -1;
	}
	p->sent += pending;
	p->phases++;
	/* A server that answered nothing at all is not waited for again. */
	for (i = 0; i < p->nservers; i++) {
		size_t k, asked = 0, silent = 0;

		for (k = 0; k < p->n; k++) {
			if (strcmp(p->rs[k]->server, p->servers[i].addr) != 0)
				continue;
			asked++;
			silent += p->rs[k]->status == EW_DNS_TIMEOUT;
		}
		if (asked && silent == asked)
			p->dead[i] = 1;
	}
	for (i = first; i < p->n; i++) {
		json_t *j = result_json(p->rs[i]);

		json_object_set_new(j, "phase", json_string(label));
		ew_run_probe(run, "dns", j);
	}
	return 0;
}

static int krb5_rdns(krb5_context ctx)
{
	profile_t prof = NULL;
	int v = 1;

	if (ctx && krb5_get_profile(ctx, &prof) == 0) {
		profile_get_boolean(prof, "libdefaults", "rdns", NULL, 1, &v);
		profile_release(prof);
	}
	return v;
}

static void realm_probe(krb5_context ctx, const char *host, struct ew_realm_probe *pr,
			char **own_mit, char **own_fb)
{
	char **realms = NULL;
	krb5_data hd;

	pr->host = host;
	pr->mit_realm = NULL;
	pr->fallback = NULL;
	*own_mit = *own_fb = NULL;
	if (ctx == NULL)
		return;
	if (krb5_get_host_realm(ctx, host, &realms) == 0 && realms && realms[0]) {
		*own_mit = ew_text_cleanz(realms[0]);
		pr->mit_realm = *own_mit;
	}
	krb5_free_host_realm(ctx, realms);
	realms = NULL;
	hd.magic = 0;
	hd.data = (char *)host;
	hd.length = (unsigned)strlen(host);
	if (krb5_get_fallback_host_realm(ctx, &hd, &realms) == 0 && realms && realms[0]) {
		*own_fb = ew_text_cleanz(realms[0]);
		pr->fallback = *own_fb;
	}
	krb5_free_host_realm(ctx, realms);
}

static void add_unique(const char **v, size_t *n, size_t max, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcasecmp(v[i], s) == 0)
			return;
	if (*n < max)
		v[(*n)++] = s;
}

/* The same, keeping a copy: the results it came from may be asked again. */
static void add_unique_copy(const char **v, size_t *n, size_t max, const char *s)
{
	size_t before = *n;

	add_unique(v, n, max, s);
	if (*n > before && (v[before] = strdup(s)) == NULL)
		*n = before;
}

static void flush_caches(struct ew_run *run, struct plan *p, struct ew_cache *caches,
			 size_t ncaches, int *flushed, struct ew_step_result *res)
{
	size_t c, i;
	int any = 0;

	for (c = 0; c < ncaches; c++) {
		char did[512], err[512];
		int rc;

		if (caches[c].kind == EW_CACHE_SSSD || caches[c].kind == EW_CACHE_OTHER)
			continue;
		rc = ew_cache_flush(&caches[c], did, sizeof(did), err, sizeof(err));
		flushed[c] = rc == 0 ? 1 : -1;
		if (run->transcript) {
			char text[600];

			snprintf(text, sizeof(text), "flush %s: %s", caches[c].program,
				 rc == 0 ? did : err);
			ew_transcript_event(run->transcript, "action",
					    json_pack("{s:s, s:s, s:s, s:b}", "step", "dns",
						      "what", "flush", "text", text, "ok", rc == 0));
		}
		if (rc != 0) {
			struct ew_finding *f = ew_finding_new(EW_CK_DNS_CACHE, EW_WARN,
							      "Could not flush %s",
							      caches[c].program);

			if (f)
				ew_finding_evidence(f, "%s", err);
			ew_step_result_add(res, f);
			continue;
		}
		/* Ask the flushed cache again: the "after" picture. */
		for (i = 0; caches[c].address && i < p->n; i++)
			if (strcmp(p->rs[i]->server, caches[c].address) == 0) {
				ew_dns_result_clear(p->rs[i]);
				any = 1;
			}
	}
	if (any) {
		/* A daemon acts on its signal in its own time: give it a moment. */
		struct timespec pause = { 0, 200 * 1000000L };

		nanosleep(&pause, NULL);
		run_phase(run, p, "after flush", res);
	}
}

int ew_dns_step(struct ew_run *run, struct ew_step_result *res)
{
	struct ew_target *t = run->target;
	struct plan p = {0};
	struct ew_resolv rc;
	struct ew_cache *caches = NULL;
	size_t ncaches = 0, ncaches_all = 0, i, j;
	const char *names[64], *dcnames[16];
	size_t nnames = 0, ndc = 0;
	struct ew_realm_probe probes[EW_TARGET_MAX_LIST];
	char *own[2 * EW_TARGET_MAX_LIST] = {0};
	int flushed[32] = {0};
	krb5_context ctx = NULL;
	struct ew_dns_view v;
	char name[300];
	struct ew_dns_data data = {0};
	int rdns;

	if (t->domain == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_SRV, EW_SKIP,
						       "No AD DNS domain to look at (give -d "
						       "DOMAIN or -r REALM)"));
		return 0;
	}
	if (ew_resolv_load("/etc/resolv.conf", &rc) != 0) {
		struct ew_finding *f = ew_finding_new(EW_CK_DNS_SERVERS, EW_WARN,
						      "/etc/resolv.conf cannot be read");

		if (f)
			ew_finding_detail(f, "The resolver library then asks 127.0.0.1.");
		ew_step_result_add(res, f);
	} else if (rc.nservers == 0) {
		struct ew_finding *f = ew_finding_new(EW_CK_DNS_SERVERS, EW_WARN,
						      "/etc/resolv.conf lists no usable nameserver");

		if (f) {
			ew_finding_detail(f, "The resolver library then asks 127.0.0.1.");
			if (rc.bad)
				ew_finding_evidence(f, "%d nameserver line(s) that are not an address",
						    rc.bad);
		}
		ew_step_result_add(res, f);
	}
	if (rc.ignored) {
		struct ew_finding *f = ew_finding_new(EW_CK_DNS_SERVERS, EW_INFO,
						      "resolv.conf lists more than 3 nameservers; "
						      "the rest are never asked");

		ew_step_result_add(res, f);
	}
	if (rc.nservers == 0)
		add_server(&p, "127.0.0.1", "resolv.conf");
	for (i = 0; i < rc.nservers; i++)
		add_server(&p, rc.servers[i], "resolv.conf");
	for (i = 0; i < t->ndns_servers; i++)
		add_server(&p, t->dns_servers[i], "option");
	add_client_servers(&p, t);

	/* Phase 1: everything that needs nothing else, from every resolver. */
	for (i = 0; i < ew_nsrv_names; i++) {
		snprintf(name, sizeof(name), "%s%s", ew_srv_names[i].prefix, t->domain);
		ask_all(&p, name, EW_DNS_SRV, 0);
	}
	snprintf(name, sizeof(name), "_autodiscover._tcp.%s", t->domain);
	ask_all(&p, name, EW_DNS_SRV, 0);
	snprintf(name, sizeof(name), "autodiscover.%s", t->domain);
	ask_all(&p, name, EW_DNS_A, 0);
	for (i = 0; i < t->nexchange; i++) {
		const char *suffix = ew_dns_suffix(t->exchange[i]);

		ask_all(&p, t->exchange[i], EW_DNS_A, 0);
		ask_all(&p, t->exchange[i], EW_DNS_AAAA, 0);
		if (suffix && strcasecmp(suffix, t->domain) != 0) {
			snprintf(name, sizeof(name), "_ldap._tcp.dc._msdcs.%s", suffix);
			ask_all(&p, name, EW_DNS_SRV, 0);
			snprintf(name, sizeof(name), "_kerberos._tcp.%s", suffix);
			ask_all(&p, name, EW_DNS_SRV, 0);
			snprintf(name, sizeof(name), "_kerberos._udp.%s", suffix);
			ask_all(&p, name, EW_DNS_SRV, 0);
		}
	}
	if (t->dc) {
		ask_all(&p, t->dc, EW_DNS_A, 0);
		ask_all(&p, t->dc, EW_DNS_AAAA, 0);
	}
	if (run_phase(run, &p, "records", res) != 0 || ew_run_cancelled(run))
		goto done;

	/* Phase 2: addresses of every SRV target. */
	for (i = 0; i < p.n; i++) {
		const struct ew_dns_result *r = p.rs[i];

		if (r->type != EW_DNS_SRV || r->status != EW_DNS_OK)
			continue;
		for (j = 0; j < r->nanswers; j++) {
			add_unique_copy(names, &nnames, 64, r->answers[j].target);
			if (strncasecmp(r->name, "_ldap._tcp.dc._msdcs.", 21) == 0 &&
			    strcasecmp(r->name + 21, t->domain) == 0)
				add_unique_copy(dcnames, &ndc, 16, r->answers[j].target);
		}
	}
	if (t->dc)
		add_unique_copy(dcnames, &ndc, 16, t->dc);
	for (i = 0; i < nnames; i++) {
		const char *why;

		/* A target that is not a host name (a hostile or broken record) is
		 * not asked for: DNS-TARGETS says what it is. */
		if (!ew_valid_hostname(names[i], &why))
			continue;
		ask_all(&p, names[i], EW_DNS_A, 0);
		ask_all(&p, names[i], EW_DNS_AAAA, 0);
	}
	if (run_phase(run, &p, "addresses", res) != 0 || ew_run_cancelled(run))
		goto done;

	/* Phase 3: PTR of every address; the DCs asked directly, to compare. */
	for (i = 0; i < t->nexchange; i++)
		add_unique_copy(names, &nnames, 64, t->exchange[i]);
	{
		const char *addrs[64];
		size_t naddr = 0, k, n0 = p.n;

		for (i = 0; i < n0; i++) {
			const struct ew_dns_result *r = p.rs[i];

			if ((r->type != EW_DNS_A && r->type != EW_DNS_AAAA) ||
			    r->status != EW_DNS_OK)
				continue;
			for (k = 0; k < r->nanswers; k++) {
				add_unique(addrs, &naddr, 64, r->answers[k].data);
				for (j = 0; j < ndc; j++)
					if (strcasecmp(r->name, dcnames[j]) == 0 &&
					    r->type == EW_DNS_A)
						add_server(&p, r->answers[k].data, "dc");
			}
		}
		for (k = 0; k < naddr; k++) {
			char *rev = ew_dns_reverse_name(addrs[k]);

			if (rev)
				ask_all(&p, rev, EW_DNS_PTR, 0);
			free(rev);
		}
		/* The DCs get the same questions as the resolvers had in phase 1. */
		for (i = 0; i < n0; i++) {
			if (strcmp(p.rs[i]->server, p.servers[0].addr) == 0)
				ask_all(&p, p.rs[i]->name, p.rs[i]->type, 1);
		}
	}
	if (run_phase(run, &p, "reverse and DCs", res) != 0 || ew_run_cancelled(run))
		goto done;

	ew_cache_detect(&rc, &caches, &ncaches_all);
	ncaches = ncaches_all < 32 ? ncaches_all : 32;
	if ((run->flags & EW_RUN_FLUSH) && ncaches)
		flush_caches(run, &p, caches, ncaches, flushed, res);

	if (krb5_init_context(&ctx) != 0)
		ctx = NULL;
	rdns = krb5_rdns(ctx);
	for (i = 0; i < t->nexchange; i++)
		realm_probe(ctx, t->exchange[i], &probes[i], &own[2 * i], &own[2 * i + 1]);

	v.domain = t->domain;
	v.forest = t->domain;
	v.realm = t->realm;
	v.servers = p.servers;
	v.nservers = p.nservers;
	v.results = p.rs;
	v.nresults = p.n;
	ew_dns_rule_srv(&v, res);
	ew_dns_rule_servers(&v, res);
	ew_dns_rule_targets(&v, names, nnames, rdns, res);
	ew_dns_rule_tc(&v, res);
	ew_dns_rule_cache(&v, caches, ncaches, flushed, res);
	if (t->nexchange)
		ew_dns_rule_realm(&v, probes, t->nexchange, res);
	else
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_REALM, EW_SKIP,
						       "No Exchange server given (-x FQDN)"));
	ew_dns_rule_autodiscover(&v, res);

done:
	data.gathered = 1;
	data.records = p.n ? calloc(p.n, sizeof(*data.records)) : NULL;
	for (i = 0; data.records && i < p.n; i++)
		record_fill(p.rs[i], &data.records[data.nrecords++]);
	data.servers = p.nservers ? calloc(p.nservers, sizeof(*data.servers)) : NULL;
	for (i = 0; data.servers && i < p.nservers; i++, data.nservers++) {
		data.servers[i].address = ew_field_dup(p.servers[i].addr);
		data.servers[i].source = ew_field_dup(p.servers[i].source);
	}
	data.caches = ncaches ? calloc(ncaches, sizeof(*data.caches)) : NULL;
	for (i = 0; data.caches && i < ncaches; i++, data.ncaches++) {
		struct ew_dns_cache_data *cd = &data.caches[i];

		cd->kind = ew_field_dup(ew_cache_kind_name(caches[i].kind));
		cd->program = ew_field_dup(caches[i].program);
		cd->pid = caches[i].pid;
		cd->address = ew_field_dup(caches[i].address);
		cd->path = ew_field_dup(caches[i].path);
		cd->detail = ew_field_dup(caches[i].detail);
		cd->flushed = flushed[i];
	}
	{
		/* DNS questions carry no credentials; say which servers were asked. */
		struct ew_buf b = {0};

		for (i = 0; i < p.nservers; i++)
			ew_buf_printf(&b, "%s%s", i ? ", " : "", p.servers[i].addr);
		data.credentials.method = ew_field_dup("DNS questions carry no credentials");
		data.credentials.server = b.data ? ew_buf_take(&b) : NULL;
	}
	data.queries = (long long)p.sent;
	data.round_trips = p.phases;
	ew_step_data_put(res->data, ew_dns_data_to_json(&data));
	ew_dns_data_free(&data);
	for (i = 0; i < 2 * EW_TARGET_MAX_LIST; i++)
		free(own[i]);
	for (i = 0; i < nnames; i++)
		free((char *)names[i]);
	for (i = 0; i < ndc; i++)
		free((char *)dcnames[i]);
	if (ctx)
		krb5_free_context(ctx);
	ew_cache_free_all(caches, ncaches_all);
	ew_resolv_clear(&rc);
	plan_free(&p);
	return 0;
}
