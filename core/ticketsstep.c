#include "ticketsstep.h"

#include <ctype.h>
#include <jansson.h>
#include <krb5.h>
#include <profile.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "catalogue.h"
#include "datafields.h"
#include "directory.h"
#include "dirsession.h"
#include "finding.h"
#include "kdcprobe.h"
#include "krb.h"
#include "krbrules.h"
#include "locate.h"
#include "run.h"
#include "spnmap.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"
#include "ticketsexch.h"

#define MAX_SPNS 80
#define MAX_PROBES 48

static char *profile_str(profile_t prof, const char *a, const char *b)
{
	char *v = NULL, *s;

	if (profile_get_string(prof, a, b, NULL, NULL, &v) != 0 || v == NULL)
		return NULL;
	s = ew_text_cleanz(v);
	profile_release_string(v);
	return s;
}

static void read_conf(krb5_context ctx, const char *realm, struct ew_krb_conf *c)
{
	const char *kdc_path[] = { "realms", realm, "kdc", NULL };
	const char *dr_path[] = { "domain_realm", NULL };
	profile_t prof = NULL;
	char **vals = NULL, **names = NULL;
	size_t i, n;

	ew_krb_conf_defaults(c);
	if (ctx == NULL || krb5_get_profile(ctx, &prof) != 0)
		return;
	c->default_realm = profile_str(prof, "libdefaults", "default_realm");
	c->tgs_enctypes = profile_str(prof, "libdefaults", "default_tgs_enctypes");
	profile_get_boolean(prof, "libdefaults", "dns_lookup_kdc", NULL, 1, &c->dns_lookup_kdc);
	profile_get_boolean(prof, "libdefaults", "dns_lookup_realm", NULL, 0,
			    &c->dns_lookup_realm);
	profile_get_boolean(prof, "libdefaults", "rdns", NULL, 1, &c->rdns);
	profile_get_boolean(prof, "libdefaults", "dns_canonicalize_hostname", NULL, 1,
			    &c->dns_canonicalize_hostname);
	profile_get_integer(prof, "libdefaults", "udp_preference_limit", NULL, 1465,
			    &c->udp_preference_limit);
	profile_get_integer(prof, "libdefaults", "clockskew", NULL, 300, &c->clockskew);
	if (realm && profile_get_values(prof, kdc_path, &vals) == 0 && vals) {
		for (n = 0; vals[n]; n++)
			;
		c->kdcs = calloc(n + 1, sizeof(*c->kdcs));
		for (i = 0; c->kdcs && i < n; i++)
			if ((c->kdcs[c->nkdcs] = ew_text_cleanz(vals[i])) != NULL)
				c->nkdcs++;
		profile_free_list(vals);
	}
	if (profile_get_relation_names(prof, dr_path, &names) == 0 && names) {
		for (n = 0; names[n]; n++)
			;
		c->domain_realm = calloc(n + 1, sizeof(*c->domain_realm));
		for (i = 0; c->domain_realm && i < n; i++) {
			char *v = NULL, *line;

			profile_get_string(prof, "domain_realm", names[i], NULL, "", &v);
			line = ew_strprintf("%s = %s", names[i], v ? v : "");
			profile_release_string(v);
			if (line) {
				c->domain_realm[c->ndomain_realm++] = ew_text_cleanz(line);
				free(line);
			}
		}
		profile_free_list(names);
	}
	profile_release(prof);
}

struct probe_ctx {
	struct ew_kdc_probe *p;
	size_t n;
	const char *realm;
	int timeout_ms, tries;
	atomic_int *cancel;
};

static void *probe_thread(void *arg)
{
	struct probe_ctx *pc = arg;

	ew_kdc_probe_all(pc->p, pc->n, pc->realm, pc->timeout_ms, pc->tries, pc->cancel);
	return NULL;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* The KDCs of the realm: krb5.conf's, then DNS SRV; their addresses. */
static size_t find_kdcs(struct ew_run *run, const char *realm, const struct ew_krb_conf *conf,
			struct ew_kdc_probe *probes, size_t max, size_t *srv_count,
			struct ew_tickets_data *data)
{
	struct ew_locate_opts o = { { run->timeout_ms, run->tries, run->cancel }, 16, 0 };
	struct ew_locate kdcs = {0};
	char dom[300], udp[320], tcp[320];
	const char *names[EW_LOCATE_NAMES] = { udp, tcp };
	size_t i, np = 0;

	snprintf(dom, sizeof(dom), "%s", realm);
	lower(dom);
	for (i = 0; i < conf->nkdcs; i++) {
		char host[256];
		unsigned port[EW_LOCATE_NAMES] = { 88, 88 };
		char *colon;

		snprintf(host, sizeof(host), "%s", conf->kdcs[i]);
		colon = strrchr(host, ':');
		if (colon && !strchr(host, ']') && strchr(host, ':') == colon) {
			*colon = '\0';
			port[0] = port[1] = (unsigned)atoi(colon + 1);
		}
		ew_locate_add(&kdcs, host, port, 0, 0, o.max);
	}
	*srv_count = 0;
	if (conf->dns_lookup_kdc) {
		snprintf(udp, sizeof(udp), "_kerberos._udp.%s", dom);
		snprintf(tcp, sizeof(tcp), "_kerberos._tcp.%s", dom);
		*srv_count = ew_locate_srv(&kdcs, names, EW_LOCATE_NAMES, &o);
	}
	ew_locate_addresses(&kdcs, &o);
	for (i = 0; i < kdcs.n; i++) {
		const struct ew_locate_target *k = &kdcs.t[i];
		const char *addr = k->naddrs ? k->addrs[0] : NULL;
		unsigned ports[3];
		enum ew_kdc_proto protos[3] = { EW_KDC_UDP, EW_KDC_TCP, EW_KDC_KPASSWD_TCP };
		int p;

		if (i == 0)
			data->kdcs = calloc(kdcs.n, sizeof(*data->kdcs));
		if (data->kdcs) {
			data->kdcs[i].host = ew_field_dup(k->host);
			data->kdcs[i].address = ew_field_dup(addr);
			data->nkdcs = i + 1;
		}
		if (addr == NULL)
			continue;
		ports[0] = k->port[0] ? k->port[0] : 88;
		ports[1] = k->port[1] ? k->port[1] : 88;
		ports[2] = 464;
		for (p = 0; p < 3 && np < max; p++) {
			memset(&probes[np], 0, sizeof(probes[np]));
			probes[np].host = strdup(k->host);
			probes[np].addr = strdup(addr);
			probes[np].port = ports[p];
			probes[np].proto = protos[p];
			probes[np].krb_error = -1;
			np++;
		}
	}
	ew_locate_clear(&kdcs);
	return np;
}

static void add_spn(struct ew_krb_svc *svc, size_t *n, const char *service, const char *host)
{
	char *spn;
	size_t i;

	if (*n >= MAX_SPNS)
		return;
	spn = ew_strprintf("%s/%s", service, host);
	if (spn == NULL)
		return;
	for (i = 0; i < *n; i++) {
		if (strcasecmp(svc[i].spn, spn) == 0) {
			free(spn);
			return;
		}
	}
	memset(&svc[*n], 0, sizeof(svc[*n]));
	svc[*n].spn = spn;
	svc[*n].enctype = -1;
	(*n)++;
}

static int holder_cmp(const void *a, const void *b)
{
	const struct ew_spn_holder *x = a, *y = b;
	int c = strcasecmp(x->account ? x->account : "", y->account ? y->account : "");

	return c ? c : strcasecmp(x->dn ? x->dn : "", y->dn ? y->dn : "");
}

/*
 * The holders of one search's entries (at most max), by account name: the
 * directory's order is its index's, which differs from one domain to the
 * next, and a report says the same each time. Strings borrowed.
 */
static size_t holders_of(const struct ew_dir_result *r, struct ew_spn_holder *h, size_t max)
{
	size_t k, nh = 0;

	for (k = 0; r && k < r->nentries && nh < max; k++) {
		const struct ew_dir_attr *a = ew_dir_entry_attr(&r->entries[k], "sAMAccountName");

		h[nh].dn = r->entries[k].dn;
		h[nh].account = a && a->nvalues ? ew_dir_text(&a->values[0]) : NULL;
		nh++;
	}
	qsort(h, nh, sizeof(*h), holder_cmp);
	return nh;
}

static void holders_put(struct ew_tickets_data *data, size_t cap, const char *spn,
			const struct ew_spn_holder *h, size_t nh)
{
	struct ew_spn_holders_data *sh;
	size_t k;

	if (data->spn_holders == NULL || data->nspn_holders >= cap)
		return;
	sh = &data->spn_holders[data->nspn_holders++];
	sh->spn = ew_field_dup(spn);
	sh->holders = nh ? calloc(nh, sizeof(*sh->holders)) : NULL;
	for (k = 0; sh->holders && k < nh; k++, sh->nholders++) {
		sh->holders[k].dn = ew_field_dup(h[k].dn);
		sh->holders[k].account = ew_field_dup(h[k].account);
		sh->holders[k].supported_enctypes = -1;	/* read later, from a DC */
		sh->holders[k].etypes_looked = 1;
	}
}

static struct ew_finding *skip_search(const char *spn, const char *err)
{
	struct ew_finding *f = ew_finding_new(EW_CK_SPN_UNIQUE, EW_SKIP, "%s: the global "
					      "catalog search failed", spn);

	if (f)
		ew_finding_evidence(f, "%s", err);
	return f;
}

/*
 * SPN-UNIQUE: one global catalog search per SPN, all in flight at once, and
 * with them the forest's sPNMappings (read once: the global catalog holds
 * the configuration partition). A name no account holds as such is looked
 * for under the name the mappings serve it through (HTTP/NAME under
 * HOST/NAME), in a second round.
 */
static void spn_unique(struct ew_run *run, const struct ew_krb_svc *svc, size_t n,
		       struct ew_step_result *res, struct ew_tickets_data *data,
		       const char *http_filter, struct ew_dir_result **http)
{
	static const char *const http_attrs[] = { "sAMAccountName", "dNSHostName",
						  "servicePrincipalName", NULL };
	static const char *const attrs[] = { "sAMAccountName", NULL };
	static const char *const map_attrs[] = { "sPNMappings", NULL };
	struct ew_dir_req reqs[MAX_SPNS + 2], reqs2[MAX_SPNS];
	struct ew_dir_result *results[MAX_SPNS + 2] = {0}, *results2[MAX_SPNS] = {0};
	char *errs[MAX_SPNS + 2] = {0}, *filters[MAX_SPNS] = {0};
	char *errs2[MAX_SPNS] = {0}, *filters2[MAX_SPNS] = {0}, *alias[MAX_SPNS] = {0};
	struct ew_dirsession c;
	struct ew_finding *why = NULL, *unique = NULL, *map_why = NULL;
	struct ew_spn_map map = {0};
	char err[512], err2[512] = "";
	size_t i, j, asked = 0, asked2 = 0, idx[MAX_SPNS], cap;
	size_t of2[MAX_SPNS];

	if (ew_dirsession_open(run, 1, EW_CK_SPN_UNIQUE, &c, &why) != 0) {
		ew_step_result_add(res, why);
		return;
	}
	for (i = 0; i < n; i++) {
		char service[64], *esc;
		const char *host = strchr(svc[i].spn, '/');

		snprintf(service, sizeof(service), "%.*s",
			 host ? (int)(host - svc[i].spn) : 0, svc[i].spn);
		/* A front end's missing exchange* SPNs are right, not a fault. */
		if (host && strncasecmp(service, "exchange", 8) == 0 && !svc[i].ok &&
		    ew_krb_is_front_end(svc, n, host + 1))
			continue;
		esc = ew_dir_filter_escape(svc[i].spn, strlen(svc[i].spn));
		filters[asked] = esc ? ew_strprintf("(servicePrincipalName=%s)", esc) : NULL;
		free(esc);
		if (filters[asked] == NULL)
			continue;
		reqs[asked].base = "";
		reqs[asked].scope = LDAP_SCOPE_SUBTREE;
		reqs[asked].filter = filters[asked];
		reqs[asked].attrs = attrs;
		reqs[asked].ctrls = NULL;
		idx[asked++] = i;
	}
	/* the mappings, last in the same round */
	reqs[asked].base = "";
	reqs[asked].scope = LDAP_SCOPE_SUBTREE;
	reqs[asked].filter = "(&(objectClass=nTDSService)(sPNMappings=*))";
	reqs[asked].attrs = map_attrs;
	reqs[asked].ctrls = NULL;
	/* and the computer accounts with HTTP/ names: the alternate service
	 * accounts of load-balanced names are among them (SPN-ASA) */
	reqs[asked + 1].base = "";
	reqs[asked + 1].scope = LDAP_SCOPE_SUBTREE;
	reqs[asked + 1].filter = http_filter;
	reqs[asked + 1].attrs = http_attrs;
	reqs[asked + 1].ctrls = NULL;
	ew_dir_search_many(c.dir, reqs, asked + 1 + (http_filter != NULL), results, errs, err,
			   sizeof(err));
	if (http_filter) {
		*http = results[asked + 1];
		results[asked + 1] = NULL;
		free(errs[asked + 1]);
		errs[asked + 1] = NULL;
	}
	if (results[asked] == NULL) {
		map_why = ew_finding_new(EW_CK_SPN_UNIQUE, EW_INFO, "The forest's sPNMappings "
					 "could not be read: names served through HOST/ are "
					 "looked for as such only");
		if (map_why)
			ew_finding_evidence(map_why, "%s", errs[asked] ? errs[asked] : err);
	}
	for (j = 0; results[asked] && j < results[asked]->nentries; j++) {
		const struct ew_dir_attr *a = ew_dir_entry_attr(&results[asked]->entries[j],
								"sPNMappings");
		size_t v;

		for (v = 0; a && v < a->nvalues; v++)
			ew_spn_map_add(&map, ew_dir_text(&a->values[v]));
	}

	/* Second round: the aliases of the names nobody holds as such. */
	for (j = 0; j < asked; j++) {
		char *esc;

		of2[j] = (size_t)-1;
		if (results[j] == NULL || results[j]->nentries != 0)
			continue;
		alias[j] = ew_spn_map_target(&map, svc[idx[j]].spn);
		if (alias[j] == NULL)
			continue;
		esc = ew_dir_filter_escape(alias[j], strlen(alias[j]));
		filters2[asked2] = esc ? ew_strprintf("(servicePrincipalName=%s)", esc) : NULL;
		free(esc);
		if (filters2[asked2] == NULL)
			continue;
		reqs2[asked2] = reqs[j];
		reqs2[asked2].filter = filters2[asked2];
		of2[j] = asked2++;
	}
	if (asked2)
		ew_dir_search_many(c.dir, reqs2, asked2, results2, errs2, err2, sizeof(err2));

	data->spns_read = 1;
	cap = asked + asked2;
	data->spn_holders = cap ? calloc(cap, sizeof(*data->spn_holders)) : NULL;
	data->global_catalog = ew_field_dup(c.host);
	for (j = 0; j < asked; j++) {
		const struct ew_krb_svc *s = &svc[idx[j]];
		struct ew_spn_holder h[16], ha[16];
		size_t nh, na;

		if (results[j] == NULL) {
			ew_step_result_add(res, skip_search(s->spn, errs[j] ? errs[j] : err));
			continue;
		}
		nh = holders_of(results[j], h, 16);
		holders_put(data, cap, s->spn, h, nh);
		if (nh == 1) {
			/* One line each in a single finding: the usual, healthy case. */
			if (unique == NULL)
				unique = ew_finding_new(EW_CK_SPN_UNIQUE, EW_PASS, "Service principal "
							"names with exactly one holder");
			if (unique)
				ew_finding_evidence(unique, "%s: %s", s->spn,
						    h[0].account ? h[0].account : h[0].dn);
			continue;
		}
		if (nh > 1) {
			ew_krb_rule_spn_unique(s->spn, h, nh, res);
			continue;
		}
		if (of2[j] != (size_t)-1 && results2[of2[j]] == NULL) {
			ew_step_result_add(res, skip_search(alias[j], errs2[of2[j]] ?
							    errs2[of2[j]] : err2));
			continue;
		}
		na = of2[j] != (size_t)-1 ? holders_of(results2[of2[j]], ha, 16) : 0;
		if (of2[j] != (size_t)-1)
			holders_put(data, cap, alias[j], ha, na);
		if (alias[j] && na == 1) {
			char *line = ew_spn_served_text(s->spn, alias[j], &ha[0]);

			if (unique == NULL)
				unique = ew_finding_new(EW_CK_SPN_UNIQUE, EW_PASS, "Service principal "
							"names with exactly one holder");
			if (unique && line)
				ew_finding_evidence(unique, "%s", line);
			free(line);
			continue;
		}
		ew_spn_rule_unheld(s->spn, of2[j] != (size_t)-1 ? alias[j] : NULL, ha, na, s->ok,
				   res);
	}
	if (unique)
		ew_step_result_add(res, unique);
	if (map_why)
		ew_step_result_add(res, map_why);
	for (j = 0; j <= asked; j++) {
		ew_dir_result_free(&results[j]);
		free(errs[j]);
	}
	for (j = 0; j < asked; j++) {
		free(filters[j]);
		free(alias[j]);
	}
	for (j = 0; j < asked2; j++) {
		ew_dir_result_free(&results2[j]);
		free(errs2[j]);
		free(filters2[j]);
	}
	ew_spn_map_clear(&map);
	ew_dirsession_close(&c);
}

/* UTC, as the data has it; NULL for none. */
static char *time_text(long long t)
{
	char buf[40];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		return NULL;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return ew_field_dup(buf);
}

static char *enctype_text(int e)
{
	char buf[64];

	if (e < 0)
		return NULL;
	ew_krb_enctype_name(e, buf, sizeof(buf));
	return ew_field_dup(buf);
}

static void caches_fill(const struct ew_krb_caches *c, struct ew_tickets_data *d)
{
	size_t i, j, n = 0;

	for (i = 0; i < c->n; i++)
		n += c->caches[i].ncreds;
	d->tickets = n ? calloc(n, sizeof(*d->tickets)) : NULL;
	for (i = 0; d->tickets && i < c->n; i++) {
		for (j = 0; j < c->caches[i].ncreds; j++) {
			const struct ew_krb_cred *k = &c->caches[i].creds[j];
			struct ew_ticket_data *t = &d->tickets[d->ntickets++];
			char letters[20], *names = ew_krb_flags_text(k->flags, letters);

			t->cache = ew_field_dup(c->caches[i].name ? c->caches[i].name : "?");
			t->client = ew_field_dup(k->client);
			t->server = ew_field_dup(k->server);
			t->flags = names ? names : ew_field_dup("");
			t->flag_letters = ew_field_dup(letters);
			t->authtime = time_text(k->authtime);
			t->starttime = time_text(k->starttime);
			t->endtime = time_text(k->endtime);
			t->renew_till = time_text(k->renew_till);
			t->session_enctype = enctype_text(k->session_enctype);
			t->ticket_enctype = enctype_text(k->ticket_enctype);
			t->ticket_size = (long long)k->ticket_size;
			t->tgt = k->is_tgt;
		}
	}
}

int ew_tickets_step(struct ew_run *run, struct ew_step_result *res)
{
	struct ew_target *t = run->target;
	struct ew_krb_caches caches = {0};
	struct ew_krb_conf conf;
	struct ew_krb_svc svc[MAX_SPNS];
	struct ew_kdc_probe probes[MAX_PROBES];
	struct probe_ctx pc;
	pthread_t th;
	krb5_context ctx = NULL;
	size_t nsvc = 0, nprobes = 0, srv_kdcs = 0, i, j, largest = 0;
	int probing = 0, tcp_ok = 0, tcp_cut = 0;
	char err[512], pinbuf[MAX_PROBES][80];
	const char *pins[MAX_PROBES];
	size_t npin = 0;
	struct ew_tickets_data data = {0};
	char dc_host[256] = "";
	struct ew_ticketsexch *xv = NULL;

	if (t->realm == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_KRB_CONF, EW_SKIP, "No realm: give -r "
						       "REALM or set default_realm in krb5.conf"));
		return 0;
	}
	if (krb5_init_context(&ctx) != 0)
		ctx = NULL;
	read_conf(ctx, t->realm, &conf);
	if (ctx)
		krb5_free_context(ctx);

	ew_krb_list(t->ccache, &caches, err, sizeof(err));

	nprobes = find_kdcs(run, t->realm, &conf, probes, MAX_PROBES, &srv_kdcs, &data);
	if (ew_run_cancelled(run))
		goto out;
	if (nprobes) {
		pc.p = probes;
		pc.n = nprobes;
		pc.realm = t->realm;
		pc.timeout_ms = run->timeout_ms;
		pc.tries = run->tries;
		pc.cancel = run->cancel;
		probing = pthread_create(&th, NULL, probe_thread, &pc) == 0;
		if (!probing)
			ew_kdc_probe_all(probes, nprobes, t->realm, run->timeout_ms, run->tries,
					 run->cancel);
		snprintf(dc_host, sizeof(dc_host), "%s", t->dc ? t->dc : probes[0].host);
	} else if (t->dc) {
		snprintf(dc_host, sizeof(dc_host), "%s", t->dc);
	}

	/*
	 * Which SPNs a client asks for follows the Exchange version behind each
	 * name: the configuration is read first, over a DC connection, when a
	 * KDC answers at once (kdc_quick) or a simple bind is given; else the
	 * versions are not known and the ticket requests are not held up.
	 */
	xv = ew_ticketsexch_open(run, probes, nprobes);
	{
		size_t k, n;
		char **spns = ew_ticketsexch_spns(t, xv, &n);

		for (k = 0; spns && k < n; k++) {
			char *slash = spns[k] ? strchr(spns[k], '/') : NULL;

			if (slash) {
				*slash = '\0';
				add_spn(svc, &nsvc, spns[k], slash + 1);
			}
			free(spns[k]);
		}
		free(spns);
	}
	if (dc_host[0])
		add_spn(svc, &nsvc, "ldap", dc_host);

	/* The KDCs just found, pinned: the library then asks them at once
	 * instead of finding them again, in DNS, one request at a time. */
	for (i = 0; i < nprobes && npin < MAX_PROBES; i++) {
		if (probes[i].proto != EW_KDC_UDP || probes[i].addr == NULL)
			continue;
		snprintf(pinbuf[npin], sizeof(pinbuf[npin]), strchr(probes[i].addr, ':') ?
			 "[%s]:%u" : "%s:%u", probes[i].addr, probes[i].port);
		pins[npin] = pinbuf[npin];
		npin++;
	}
	if (nsvc && ew_krb_get_services(t->ccache, t->realm, pins, npin, svc, nsvc,
					run->timeout_ms * run->tries + 1000, run->cancel,
					err, sizeof(err)) != 0) {
		struct ew_finding *f = ew_finding_new(EW_CK_KRB_SVC, EW_SKIP, "No session tickets "
						      "could be asked for");

		if (f) {
			ew_finding_evidence(f, "%s", err);
			ew_finding_remedy(f, "Get a TGT first (kinit, or --kinit PRINCIPAL).");
		}
		ew_step_result_add(res, f);
		for (i = 0; i < nsvc; i++)
			free(svc[i].spn);
		nsvc = 0;
	}
	if (probing)
		pthread_join(th, NULL);

	/* The trace goes to the transcript, never to the screen. */
	for (i = 0; i < nsvc; i++) {
		json_t *lines = json_array();

		for (j = 0; j < svc[i].ntrace; j++)
			json_array_append_new(lines, json_string(svc[i].trace[j]));
		ew_run_probe(run, "tickets", json_pack("{s:s, s:s, s:b, s:o}", "what",
						       "service ticket", "spn", svc[i].spn,
						       "ok", svc[i].ok, "krb5_trace", lines));
	}
	for (i = 0; i < nprobes; i++) {
		ew_run_probe(run, "tickets", json_pack("{s:s, s:s, s:s, s:i, s:s, s:b, s:s?, s:I}",
						       "what", "kdc", "host", probes[i].host,
						       "address", probes[i].addr,
						       "port", (int)probes[i].port,
						       "transport", probes[i].proto == EW_KDC_UDP ?
						       "udp" : "tcp", "ok", probes[i].ok,
						       "error", probes[i].error,
						       "rtt_ms", (json_int_t)probes[i].rtt_ms));
		tcp_ok |= probes[i].proto == EW_KDC_TCP && probes[i].ok;
		tcp_cut |= probes[i].proto == EW_KDC_TCP && probes[i].cancelled;
	}
	for (i = 0; i < nsvc; i++) {
		int u = 0, tc = 0, tb = 0;

		ew_krb_trace_scan(svc[i].trace, svc[i].ntrace, &largest, &u, &tc, &tb);
	}
	for (i = 0; i < caches.n; i++)
		for (j = 0; j < caches.caches[i].ncreds; j++)
			if (caches.caches[i].is_default && caches.caches[i].creds[j].is_tgt &&
			    caches.caches[i].creds[j].ticket_size > largest)
				largest = caches.caches[i].creds[j].ticket_size;

	ew_krb_rule_conf(&conf, t->realm, srv_kdcs, res);
	ew_krb_rule_cache(&caches, t->realm, (long long)time(NULL), res);
	if (nsvc)
		ew_krb_rule_svc(svc, nsvc, res);
	else if (t->nexchange == 0)
		ew_step_result_add(res, ew_finding_new(EW_CK_KRB_SVC, EW_SKIP, "No Exchange server "
						       "given (-x FQDN)"));
	ew_krb_rule_skew(probes, nprobes, svc, nsvc, conf.clockskew, res);
	ew_krb_rule_kdc(probes, nprobes, largest, conf.udp_preference_limit, res);
	ew_krb_rule_transport(svc, nsvc, t->cache_principal, conf.udp_preference_limit,
			      tcp_ok ? 1 : tcp_cut ? -1 : 0, res);
	if (nsvc && !ew_run_cancelled(run)) {
		int kdc_answers = 0;

		for (i = 0; i < nprobes; i++)
			kdc_answers |= probes[i].proto != EW_KDC_KPASSWD_TCP && probes[i].ok;
		if (kdc_answers || run->bind_dn) {
			char *hf = xv ? ew_ticketsexch_http_filter(t, xv) : NULL;

			spn_unique(run, svc, nsvc, res, &data, hf, xv ? &xv->http : NULL);
			if (xv)
				xv->http_read = hf && xv->http;
			free(hf);
			for (i = 0; i < data.nspn_holders; i++)
				ew_krb_svc_holders(res, data.spn_holders[i].spn,
						   data.spn_holders[i].nholders);
		} else {
			ew_step_result_add(res, ew_finding_new(EW_CK_SPN_UNIQUE, EW_SKIP,
							       "No KDC answers, so the global "
							       "catalog cannot be read with Kerberos "
							       "(--simple-bind DN reads it without)"));
		}
	}

	if (xv && xv->cfg && !ew_run_cancelled(run)) {
		if (data.spns_read)
			ew_ticketsexch_read_enctypes(run, svc, nsvc, xv, &data);
		xv->client_enctypes = conf.tgs_enctypes;
		ew_ticketsexch_rules(run, svc, nsvc, xv, res, &data);
	}
	/* after the Exchange rules: they find the alternate service accounts */
	for (i = 0; data.spns_read && i < nsvc; i++)
		if (svc[i].code == EW_KRB5_KDC_ERR_ETYPE_NOSUPP)
			ew_ticketsexch_enctypes(res, &data, svc[i].spn, conf.tgs_enctypes, xv);

out:
	data.gathered = 1;
	caches_fill(&caches, &data);
	data.credentials.as = ew_field_dup(t->cache_principal);
	data.credentials.method = ew_field_dup("Kerberos credential cache");
	data.credentials.server = ew_field_dup(dc_host[0] ? dc_host : NULL);
	data.services = nsvc ? calloc(nsvc, sizeof(*data.services)) : NULL;
	for (i = 0; data.services && i < nsvc; i++, data.nservices++) {
		struct ew_service_data *sd = &data.services[i];

		sd->spn = ew_field_dup(svc[i].spn);
		sd->status = ew_field_dup(svc[i].ok ? "ok" : svc[i].cancelled ? "cancelled" :
					  svc[i].timed_out ? "timeout" : "error");
		sd->error = ew_field_dup(svc[i].error);
		sd->cause = ew_field_dup(svc[i].ok ? NULL : svc[i].cause);
		sd->ticket_size = (long long)svc[i].ticket_size;
		sd->enctype = enctype_text(svc[i].ok ? svc[i].enctype : -1);
		sd->session_enctype = enctype_text(svc[i].ok ? svc[i].session_enctype : -1);
		sd->rtt_ms = svc[i].rtt_ms;
	}
	data.kdc_probes = nprobes ? calloc(nprobes, sizeof(*data.kdc_probes)) : NULL;
	for (i = 0; data.kdc_probes && i < nprobes; i++, data.nkdc_probes++) {
		struct ew_kdc_probe_data *pd = &data.kdc_probes[i];

		pd->host = ew_field_dup(probes[i].host);
		pd->address = ew_field_dup(probes[i].addr);
		pd->port = probes[i].port;
		pd->transport = ew_field_dup(probes[i].proto == EW_KDC_UDP ? "udp" : "tcp");
		pd->ok = probes[i].ok;
		pd->error = ew_field_dup(probes[i].error);
		pd->rtt_ms = probes[i].rtt_ms;
		pd->have_skew = probes[i].have_time;
		pd->skew_s = probes[i].skew;
	}
	data.config = (struct ew_krb_config_data){
		ew_field_dup(conf.default_realm), conf.dns_lookup_kdc, conf.dns_lookup_realm,
		conf.rdns, conf.dns_canonicalize_hostname, conf.udp_preference_limit,
		conf.clockskew, conf.tgs_enctypes != NULL, ew_field_dup(conf.tgs_enctypes)
	};
	ew_step_data_put(res->data, ew_tickets_data_to_json(&data));
	ew_tickets_data_free(&data);
	for (i = 0; i < nsvc; i++) {
		free(svc[i].spn);
		ew_krb_svc_clear(&svc[i]);
	}
	for (i = 0; i < nprobes; i++) {
		free(probes[i].host);
		free(probes[i].addr);
		ew_kdc_probe_clear(&probes[i]);
	}
	ew_krb_caches_clear(&caches);
	ew_krb_conf_clear(&conf);
	ew_ticketsexch_free(&xv);
	return 0;
}
