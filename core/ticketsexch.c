#include "ticketsexch.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "datafields.h"
#include "directory.h"
#include "dirsession.h"
#include "exchrules.h"
#include "finding.h"
#include "kdcprobe.h"
#include "krb.h"
#include "krbrules.h"
#include "result.h"
#include "run.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"

#define MAX_PROBES 48	/* as many KDC probes as the tickets step makes */

static const char *kind_text(enum ew_exch_name_kind k)
{
	return k == EW_EXNAME_SERVER ? "server" : k == EW_EXNAME_SHARED ? "shared" : "not known";
}

/*
 * The name a client builds the SPNs of -x name i from: where its CNAME
 * chain leads when it is an alias, else the name itself.
 */
static const char *spn_name(const struct ew_target *t, const struct ew_ticketsexch *xv,
			    size_t i)
{
	return xv && xv->host[i] && xv->host[i]->canonical ? xv->host[i]->canonical :
	       t->exchange[i];
}

/* How long the Exchange configuration waits for a first KDC answer, in ms. */
static int quick_ms(const struct ew_run *run)
{
	return run->timeout_ms / 2 < 500 ? run->timeout_ms / 2 : 500;
}

/*
 * Whether a KDC answers at once: one try over UDP/88 to each KDC, bounded by
 * quick_ms (a KDC that answers at all answers in a round trip). The full
 * probes (KRB-KDC) run beside it and judge reachability; this only decides
 * whether the directory is worth a Kerberos bind before the tickets.
 */
static int kdc_quick(struct ew_run *run, const struct ew_kdc_probe *all, size_t n)
{
	struct ew_kdc_probe q[MAX_PROBES];
	size_t i, nq = 0;
	int ok = 0;

	for (i = 0; i < n && nq < MAX_PROBES; i++) {
		if (all[i].proto != EW_KDC_UDP || all[i].addr == NULL)
			continue;
		memset(&q[nq], 0, sizeof(q[nq]));
		q[nq].host = all[i].host;
		q[nq].addr = all[i].addr;
		q[nq].port = all[i].port;
		q[nq].proto = EW_KDC_UDP;
		q[nq].krb_error = -1;
		nq++;
	}
	if (nq)
		ew_kdc_probe_all(q, nq, run->target->realm, quick_ms(run), 1, run->cancel);
	for (i = 0; i < nq; i++) {
		ok |= q[i].ok;
		ew_kdc_probe_clear(&q[i]);
	}
	return ok;
}

/* The configuration, the addresses, and a plan for each -x name. */
static void exch_look(struct ew_run *run, int kdc_ok, struct ew_ticketsexch *xv)
{
	struct ew_target *t = run->target;
	struct ew_exch_cfg *x = xv->cfg;
	size_t i;
	char host[256];

	if (kdc_ok || run->bind_dn)
		ew_exch_cfg_read(run, x);
	else
		snprintf(x->why, sizeof(x->why), "No KDC answered within %d ms, so the "
			 "directory was not read with Kerberos", quick_ms(run));
	if (!x->read)
		return;
	for (i = 0; i < t->nexchange; i++)
		xv->host[i] = ew_exch_cfg_host(x, t->exchange[i]);
	for (i = 0; i < x->n; i++)
		x->s[i].host = x->s[i].fqdn ? ew_exch_cfg_host(x, x->s[i].fqdn) : NULL;
	for (i = 0; i < x->nscp; i++)
		x->scp[i].host = ew_exch_cfg_host(x, ew_url_host(x->scp[i].url, host,
								 sizeof(host)));
	ew_exch_cfg_resolve(run, x);
	xv->nservers = ew_exch_cfg_servers(x, xv->servers);
	/* an alias is planned as the name its CNAME leads to (DNS-NAMESPACE) */
	for (i = 0; i < t->nexchange; i++)
		ew_exch_plan_name(spn_name(t, xv, i), xv->host[i] ?
				  (const char *const *)xv->host[i]->addrs : NULL,
				  xv->host[i] ? xv->host[i]->naddrs : 0, xv->servers, xv->nservers,
				  &xv->plan[i]);
}

/* Whether server s is behind one of the -x names. */
static int in_scope(const struct ew_target *t, const struct ew_ticketsexch *xv, size_t s)
{
	size_t i, m;

	for (i = 0; i < t->nexchange; i++)
		for (m = 0; xv->plan[i].kind != EW_EXNAME_UNKNOWN && m < xv->plan[i].nmembers; m++)
			if (xv->plan[i].member[m] == s)
				return 1;
	return 0;
}

static long server_index(const struct ew_ticketsexch *xv, const char *name)
{
	size_t i;

	for (i = 0; name && i < xv->nservers; i++)
		if (strcasecmp(xv->servers[i].name, name) == 0)
			return (long)i;
	return -1;
}

/*
 * The search for the alternate service accounts of the shared names: the
 * computer accounts holding HTTP/ for a name in a shared name's DNS domain
 * (not every HTTP/ name of the forest). NULL when no name is shared.
 */
char *ew_ticketsexch_http_filter(const struct ew_target *t, const struct ew_ticketsexch *xv)
{
	struct ew_buf b = {0}, al = {0};
	size_t i, n = 0, na = 0;
	char *f, *comp = NULL;

	for (i = 0; xv->cfg && xv->cfg->read && i < t->nexchange; i++) {
		const char *dot = strchr(spn_name(t, xv, i), '.');
		char *esc;

		if (xv->plan[i].kind != EW_EXNAME_SHARED || dot == NULL || !dot[1])
			continue;
		esc = ew_dir_filter_escape(dot + 1, strlen(dot + 1));
		if (esc == NULL)
			continue;
		ew_buf_printf(&b, "(servicePrincipalName=HTTP/*.%s)", esc);
		free(esc);
		n++;
	}
	/* and whoever holds HTTP/ of an alias (DNS-NAMESPACE) */
	for (i = 0; xv->cfg && xv->cfg->read && i < t->nexchange; i++) {
		char *esc;

		if (xv->host[i] == NULL || xv->host[i]->canonical == NULL)
			continue;
		esc = ew_dir_filter_escape(t->exchange[i], strlen(t->exchange[i]));
		if (esc == NULL)
			continue;
		ew_buf_printf(&al, "(servicePrincipalName=HTTP/%s)", esc);
		free(esc);
		na++;
	}
	comp = n ? ew_strprintf("(&(objectCategory=computer)%s%s%s)", n > 1 ? "(|" : "",
				b.data, n > 1 ? ")" : "") : NULL;
	if (na == 0)
		f = comp;
	else
		f = ew_strprintf("(|%s%s)", comp ? comp : "", al.data);
	if (f != comp)
		free(comp);
	ew_buf_reset(&b);
	ew_buf_reset(&al);
	return f;
}

/* KRB-SVC: which SPNs were asked for each name, and why. */
static void exch_info(const struct ew_target *t, const struct ew_ticketsexch *xv,
		      struct ew_step_result *res)
{
	struct ew_finding *f;
	size_t i, m, k;
	char vbuf[64];

	if (!xv->cfg->read) {
		f = ew_finding_new(EW_CK_KRB_SVC, EW_INFO, "The Exchange versions are not known: "
				   "every Exchange SPN was asked for, full and short name");
		if (f)
			ew_finding_evidence(f, "%s", xv->cfg->why);
		ew_step_result_add(res, f);
		return;
	}
	f = ew_finding_new(EW_CK_KRB_SVC, EW_INFO, "The SPNs asked for follow the Exchange "
			   "version behind each name");
	for (i = 0; f && i < t->nexchange; i++) {
		const struct ew_exch_plan *p = &xv->plan[i];
		struct ew_buf b = {0};
		char *spns[8];
		size_t n = ew_exch_plan_spns(spn_name(t, xv, i), p, spns, 8);

		if (xv->host[i] && xv->host[i]->canonical)
			ew_buf_printf(&b, "an alias of %s, ", xv->host[i]->canonical);
		if (p->kind == EW_EXNAME_UNKNOWN)
			ew_buf_adds(&b, "no Exchange server object readable here has this name "
				    "or its addresses");
		else
			ew_buf_adds(&b, p->kind == EW_EXNAME_SHARED ? "shared by " : "");
		for (m = 0; p->kind != EW_EXNAME_UNKNOWN && m < p->nmembers; m++) {
			const struct ew_exch_server *s = &xv->servers[p->member[m]];

			ew_buf_printf(&b, "%s%s (%s)", m ? ", " : "", s->name,
				      ew_exch_release_name(&s->v, vbuf, sizeof(vbuf)));
		}
		ew_buf_adds(&b, ": ");
		for (k = 0; k < n; k++) {
			ew_buf_printf(&b, "%s%s", k ? " " : "", spns[k] ? spns[k] : "?");
			free(spns[k]);
		}
		ew_finding_evidence(f, "%s: %s", t->exchange[i], b.data ? b.data : "");
		ew_buf_reset(&b);
	}
	for (i = 0; f && i < xv->nservers; i++)
		ew_finding_evidence(f, "server %s%s%s: %s%s%s%s", xv->servers[i].name,
				    xv->servers[i].fqdn ? " " : "",
				    xv->servers[i].fqdn ? xv->servers[i].fqdn : "",
				    ew_exch_release_name(&xv->servers[i].v, vbuf, sizeof(vbuf)),
				    xv->cfg->s[i].serial ? " (" : "",
				    xv->cfg->s[i].serial ? xv->cfg->s[i].serial : "",
				    xv->cfg->s[i].serial ? ")" : "");
	ew_step_result_add(res, f);
}

static const struct ew_spn_holders_data *holders_for(const struct ew_tickets_data *d,
						     const char *spn)
{
	size_t i;

	for (i = 0; i < d->nspn_holders; i++)
		if (d->spn_holders[i].spn && strcasecmp(d->spn_holders[i].spn, spn) == 0)
			return &d->spn_holders[i];
	return NULL;
}

static char **strs_dup(const char *const *v, size_t n, size_t *out_n)
{
	char **o = n ? calloc(n, sizeof(*o)) : NULL;
	size_t i;

	*out_n = 0;
	for (i = 0; o && i < n; i++)
		o[(*out_n)++] = ew_field_dup(v[i]);
	return o;
}

/* The accounts holding spn (at most 8, borrowed from d); their number. */
static size_t accounts_of(const struct ew_tickets_data *d, const char *spn, const char **out)
{
	const struct ew_spn_holders_data *h = holders_for(d, spn);
	size_t k, n = 0;

	for (k = 0; h && k < h->nholders && n < 8; k++)
		if (h->holders[k].account)
			out[n++] = h->holders[k].account;
	return n;
}

void ew_ticketsexch_enctypes(struct ew_step_result *res, const struct ew_tickets_data *d,
			     const char *spn, const char *client, const struct ew_ticketsexch *xv)
{
	const char *acc[8];
	size_t n = accounts_of(d, spn, acc);

	ew_exch_enctype_nosupp(res, spn, acc, n, client, xv ? xv->asas : NULL,
			       xv ? xv->nasas : 0);
}

/* Whether svc is one of the Exchange SPNs (not the DC's ldap/). */
static int exch_spn(const struct ew_krb_svc *svc)
{
	return strncasecmp(svc->spn, "ldap/", 5) != 0;
}

/* The one holder of an Exchange SPN whose ticket was given, or NULL. */
static struct ew_spn_holder_data *judged_holder(const struct ew_tickets_data *d,
						 const struct ew_krb_svc *svc)
{
	const struct ew_spn_holders_data *h;

	if (!svc->ok || !exch_spn(svc) || (h = holders_for(d, svc->spn)) == NULL ||
	    h->nholders != 1 || h->holders[0].dn == NULL)
		return NULL;
	return &h->holders[0];
}

#define MAX_ETYPE_DNS 64

void ew_ticketsexch_read_enctypes(struct ew_run *run, const struct ew_krb_svc *svc, size_t nsvc,
				  struct ew_ticketsexch *xv, struct ew_tickets_data *data)
{
	static const char *const attrs[] = { "msDS-SupportedEncryptionTypes", NULL };
	const char *dns[MAX_ETYPE_DNS];
	struct ew_dirsession c;
	struct ew_finding *why = NULL;
	struct ew_dir_result *r = NULL;
	struct ew_buf f = {0};
	const char *base;
	size_t i, j, k, n = 0;
	char err[512];

	for (i = 0; i < nsvc && n < MAX_ETYPE_DNS; i++) {
		const struct ew_spn_holder_data *h = judged_holder(data, &svc[i]);

		for (k = 0; h && k < n && strcasecmp(dns[k], h->dn) != 0; k++)
			;
		if (h && k == n)
			dns[n++] = h->dn;
	}
	if (n == 0)
		return;
	xv->etypes_asked = 1;
	if (ew_dirsession_open(run, 0, EW_CK_KRB_ETYPES, &c, &why) != 0) {
		snprintf(xv->etypes_why, sizeof(xv->etypes_why), "%s%s%s",
			 why && why->title ? why->title : "no connection to a domain controller",
			 why && why->nevidence ? ": " : "", why && why->nevidence ?
			 why->evidence[0] : "");
		ew_finding_free(&why);
		return;
	}
	base = ew_dir_rootdse(c.dir, "defaultNamingContext");
	for (k = 0; k < n; k++) {
		char *esc = ew_dir_filter_escape(dns[k], strlen(dns[k]));

		if (esc)
			ew_buf_printf(&f, "(distinguishedName=%s)", esc);
		free(esc);
	}
	if (base == NULL || f.data == NULL) {
		snprintf(xv->etypes_why, sizeof(xv->etypes_why), "%s: the rootDSE names no "
			 "domain partition", c.host ? c.host : "the DC");
	} else {
		char *filter = ew_strprintf("(|%s)", f.data);

		if (filter == NULL || ew_dir_search(c.dir, base, LDAP_SCOPE_SUBTREE, filter, attrs,
						    NULL, &r, err, sizeof(err)) != 0)
			snprintf(xv->etypes_why, sizeof(xv->etypes_why), "%.100s: %.400s",
				 c.host ? c.host : "the DC", filter ? err : "out of memory");
		else
			snprintf(xv->etypes_why, sizeof(xv->etypes_why), "not in the domain "
				 "partition %.200s on %.200s (an account of another domain)",
				 base, c.host ? c.host : "the DC");
		free(filter);
	}
	/* the value on every holder entry of the accounts found */
	for (i = 0; r && i < r->nentries; i++) {
		const struct ew_dir_entry *e = &r->entries[i];
		const struct ew_dir_attr *a = ew_dir_entry_attr(e, "msDS-SupportedEncryptionTypes");
		/* a signed 32-bit value in AD: its bits, never negative (-1 is "not read") */
		long long v = a && a->nvalues ?
			(long long)((unsigned long long)strtoll(ew_dir_text(&a->values[0]), NULL,
								10) & 0xffffffffULL) : 0;

		for (j = 0; e->dn && j < data->nspn_holders; j++)
			for (k = 0; k < data->spn_holders[j].nholders; k++)
				if (data->spn_holders[j].holders[k].dn &&
				    strcasecmp(data->spn_holders[j].holders[k].dn, e->dn) == 0)
					data->spn_holders[j].holders[k].supported_enctypes = v;
	}
	ew_dir_result_free(&r);
	ew_buf_reset(&f);
	ew_dirsession_close(&c);
}

/* KRB-ETYPES: each Exchange ticket's type against its account's value and this host's. */
static void exch_etypes(const struct ew_krb_svc *svc, size_t nsvc,
			const struct ew_ticketsexch *xv, const struct ew_tickets_data *d,
			struct ew_step_result *res)
{
	struct ew_etype_svc v[MAX_PROBES];
	size_t i, k, n = 0;

	if (!xv->etypes_asked)
		return;
	for (i = 0; i < nsvc && n < MAX_PROBES; i++) {
		const struct ew_spn_holder_data *h = judged_holder(d, &svc[i]);
		struct ew_etype_svc *e = &v[n];

		if (h == NULL)
			continue;
		memset(e, 0, sizeof(*e));
		e->spn = svc[i].spn;
		e->account = h->account ? h->account : h->dn;
		e->read = h->supported_enctypes >= 0;
		e->why = xv->etypes_why;
		e->value = h->supported_enctypes;
		e->ticket_enctype = svc[i].enctype;
		for (k = 0; k < xv->nasas; k++)
			e->asa |= h->account && strcasecmp(xv->asas[k], h->account) == 0;
		n++;
	}
	ew_exch_rule_etypes(v, n, xv->client_enctypes, res);
}

/* KRB-SVC: RC4 tickets for names of Exchange 2010 and later warn. */
static void exch_rc4(const struct ew_target *t, const struct ew_krb_svc *svc, size_t nsvc,
		     const struct ew_ticketsexch *xv, struct ew_step_result *res,
		     const struct ew_tickets_data *d)
{
	size_t i, j;
	char vbuf[64];

	for (i = 0; xv->cfg->read && i < t->nexchange; i++) {
		const struct ew_exch_plan *p = &xv->plan[i];

		if (p->kind == EW_EXNAME_UNKNOWN || p->release < EW_EXCH_2010)
			continue;
		for (j = 0; j < nsvc; j++) {
			const char *slash = strchr(svc[j].spn, '/'), *acc[8];

			if (!svc[j].ok || slash == NULL || strcasecmp(slash + 1, spn_name(t, xv, i)) != 0 ||
			    ew_krb_enctype_weakness(svc[j].enctype) != 2)
				continue;
			ew_exch_plan_release_name(p, vbuf, sizeof(vbuf));
			ew_exch_rule_rc4(res, svc[j].spn, vbuf, acc, accounts_of(d, svc[j].spn, acc),
					 xv->asas, xv->nasas);
		}
	}
}

/* The accounts of r (the HTTP/ search) that hold spn (at most max, borrowed). */
static size_t http_holders(const struct ew_dir_result *r, const char *spn, const char **out,
			   size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; r && i < r->nentries && n < max; i++) {
		const struct ew_dir_entry *e = &r->entries[i];
		const struct ew_dir_attr *a = ew_dir_entry_attr(e, "servicePrincipalName");
		const struct ew_dir_attr *acc = ew_dir_entry_attr(e, "sAMAccountName");

		for (j = 0; a && j < a->nvalues; j++)
			if (strcasecmp(ew_dir_text(&a->values[j]), spn) == 0) {
				out[n++] = acc && acc->nvalues ? ew_dir_text(&acc->values[0]) :
					   e->dn;
				break;
			}
	}
	return n;
}

/*
 * DNS-NAMESPACE: for each -x name that is an alias, who holds HTTP/ of the
 * name its CNAME leads to (SPN-UNIQUE's search) and of the alias itself
 * (the HTTP/ search), and whether the ticket for the first was given.
 */
static void exch_namespace(const struct ew_target *t, const struct ew_krb_svc *svc, size_t nsvc,
			   const struct ew_ticketsexch *xv, const struct ew_tickets_data *data,
			   struct ew_step_result *res)
{
	struct ew_ns_alias v[EW_TARGET_MAX_LIST];
	const char *canon[EW_TARGET_MAX_LIST][8], *alias[EW_TARGET_MAX_LIST][8];
	size_t i, j, n = 0;
	char spn[300];

	for (i = 0; i < t->nexchange && i < EW_TARGET_MAX_LIST; i++) {
		const struct ew_exch_host *h = xv->host[i];
		struct ew_ns_alias *a = &v[n];

		if (h == NULL || h->canonical == NULL)
			continue;
		memset(a, 0, sizeof(*a));
		a->name = t->exchange[i];
		a->canonical = h->canonical;
		snprintf(spn, sizeof(spn), "HTTP/%s", h->canonical);
		a->canon_ticket = -1;
		/* refused is "no such principal"; a timeout or skew says nothing */
		for (j = 0; j < nsvc; j++)
			if (strcasecmp(svc[j].spn, spn) == 0 && !svc[j].cancelled)
				a->canon_ticket = svc[j].ok ? 1 : !svc[j].timed_out &&
						  svc[j].code == EW_KRB5_KDC_ERR_S_PRINCIPAL_UNKNOWN ?
						  0 : -1;
		a->canon_read = data->spns_read && holders_for(data, spn) != NULL;
		a->ncanon_holders = accounts_of(data, spn, canon[n]);
		{
			const struct ew_spn_holders_data *hh = holders_for(data, spn);
			const struct ew_spn_holders_data *hs;
			char host[300];

			snprintf(host, sizeof(host), "HOST/%s", h->canonical);
			hs = holders_for(data, host);
			a->ncanon_served = (hh ? hh->nholders : 0) + (hs ? hs->nholders : 0);
		}
		a->canon_holders = canon[n];
		snprintf(spn, sizeof(spn), "HTTP/%s", t->exchange[i]);
		a->alias_read = xv->http_read;
		a->nalias_holders = http_holders(xv->http, spn, alias[n], 8);
		a->alias_holders = alias[n];
		n++;
	}
	ew_exch_rule_namespace(v, n, res);
}

/* SPN-ASA and EXCH-SCP, and the Exchange part of the step data. */
static void exch_rules(struct ew_run *run, const struct ew_krb_svc *svc, size_t nsvc,
		       struct ew_ticketsexch *xv, struct ew_step_result *res,
		       struct ew_tickets_data *data)
{
	struct ew_target *t = run->target;
	struct ew_exch_cfg *x = xv->cfg;
	struct ew_asa_name an[EW_TARGET_MAX_LIST];
	struct ew_spn_holder hold[EW_TARGET_MAX_LIST][16];
	const char *mem[EW_TARGET_MAX_LIST][EW_EXCH_MAX_MEMBERS];
	const char *asa[EW_TARGET_MAX_LIST][8], *all[EW_EXCH_MAX_SERVERS];
	struct ew_scp scps[EW_EXCH_MAX_SCPS];
	size_t i, j, k, nan = 0, nscp = 0;
	char host[256], vbuf[64];

	data->exchange_looked = 1;
	data->exchange_read = x->read;
	data->exchange_error = x->read ? NULL : ew_field_dup(x->why);
	exch_info(t, xv, res);
	if (x->read && xv->http) {
		ew_exch_asa_hosts(xv->http, x);
		ew_exch_cfg_resolve(run, x);
	}
	for (i = 0; i < xv->nservers; i++)
		all[i] = xv->servers[i].name;
	for (i = 0; x->read && i < t->nexchange; i++) {
		const struct ew_exch_plan *p = &xv->plan[i];
		const struct ew_exch_host *h = xv->host[i];
		const struct ew_spn_holders_data *hd;
		struct ew_asa_name *a;
		char spn[300];

		a = &an[nan];
		memset(a, 0, sizeof(*a));
		a->name = spn_name(t, xv, i);	/* an alias: the name asked for */
		a->addrs = h ? (const char *const *)h->addrs : NULL;
		a->naddrs = h ? h->naddrs : 0;
		a->unknown = p->kind == EW_EXNAME_UNKNOWN;
		for (j = 0; j < p->nmembers; j++)
			mem[nan][j] = xv->servers[p->member[j]].name;
		a->members = mem[nan];
		a->nmembers = p->nmembers;
		a->servers = all;
		a->nservers = xv->nservers;
		a->asas = asa[nan];
		if (p->kind != EW_EXNAME_SHARED) {
			nan++;
			continue;
		}
		snprintf(spn, sizeof(spn), "HTTP/%s", a->name);
		hd = holders_for(data, spn);
		/* read only when the search for this very name came back */
		a->holders_read = data->spns_read && hd != NULL;
		a->holders_why = data->spns_read ? "the global catalog search for it did not "
				 "come back (see SPN-UNIQUE)" : "the global catalog was not read "
				 "(see SPN-UNIQUE)";
		for (j = 0; hd && j < hd->nholders && j < 16; j++) {
			hold[nan][j].dn = hd->holders[j].dn;
			hold[nan][j].account = hd->holders[j].account;
		}
		a->holders = hold[nan];
		a->nholders = hd ? (hd->nholders < 16 ? hd->nholders : 16) : 0;
		if (a->naddrs)
			a->nasas = ew_exch_asas(xv->http, x, a->addrs, a->naddrs, a->members,
						a->nmembers, asa[nan], 8);
		a->asas_read = xv->http_read;
		for (j = 0; j < a->nasas && xv->nasas < 16; j++) {
			for (k = 0; k < xv->nasas && strcasecmp(xv->asas[k], a->asas[j]); k++)
				;
			if (k == xv->nasas)
				xv->asas[xv->nasas++] = a->asas[j];
		}
		nan++;
	}
	if (x->read || t->nexchange)
		ew_exch_rule_asa(x->read, x->why, an, nan, res);
	exch_namespace(t, svc, nsvc, xv, data, res);

	/* The SCPs of the servers behind the names. */
	for (i = 0; x->read && i < x->nscp && nscp < EW_EXCH_MAX_SCPS; i++) {
		long s = server_index(xv, x->scp[i].server);
		const char *h = ew_url_host(x->scp[i].url, host, sizeof(host));

		if (s < 0 || !in_scope(t, xv, (size_t)s))
			continue;
		memset(&scps[nscp], 0, sizeof(scps[nscp]));
		scps[nscp].server = x->scp[i].server;
		scps[nscp].url = x->scp[i].url;
		scps[nscp].site = x->scp[i].site;
		scps[nscp].resolves = x->scp[i].host ? x->scp[i].host->resolves : -1;
		scps[nscp].why = x->scp[i].host ? x->scp[i].host->why : NULL;
		scps[nscp].ticket = -1;
		for (j = 0; h && j < nsvc; j++)
			if (strncasecmp(svc[j].spn, "HTTP/", 5) == 0 &&
			    strcasecmp(svc[j].spn + 5, h) == 0 && !svc[j].cancelled)
				scps[nscp].ticket = svc[j].ok ? 1 : 0;
		nscp++;
	}
	for (i = 0, k = 0; x->read && i < xv->nservers; i++)
		k += (size_t)in_scope(t, xv, i);
	if (x->read && k == 0) {
		struct ew_buf b = {0};

		for (i = 0; i < t->nexchange; i++)
			ew_buf_printf(&b, "%s%s", i ? ", " : "", t->exchange[i]);
		ew_buf_adds(&b, ": no Exchange server object readable here has this name or "
			    "one of its addresses");
		ew_exch_rule_scp(1, b.data, 0, scps, nscp, res);
		ew_buf_reset(&b);
	} else {
		ew_exch_rule_scp(x->read, x->why, k, scps, nscp, res);
	}

	/* the data */
	data->exchange_servers = x->n ? calloc(x->n, sizeof(*data->exchange_servers)) : NULL;
	for (i = 0; data->exchange_servers && i < x->n; i++, data->nexchange_servers++) {
		struct ew_exch_server_data *d = &data->exchange_servers[i];

		d->name = ew_field_dup(x->s[i].name);
		d->fqdn = ew_field_dup(x->s[i].fqdn);
		d->version = ew_field_dup(ew_exch_release_name(&x->s[i].v, vbuf, sizeof(vbuf)));
		d->serial_number = ew_field_dup(x->s[i].serial);
		if (x->s[i].host)
			d->addresses = strs_dup((const char *const *)x->s[i].host->addrs,
						x->s[i].host->naddrs, &d->naddresses);
	}
	data->exchange_names = t->nexchange ? calloc(t->nexchange,
						     sizeof(*data->exchange_names)) : NULL;
	for (i = 0, k = 0; data->exchange_names && i < t->nexchange; i++) {
		struct ew_exch_name_data *d = &data->exchange_names[data->nexchange_names++];
		const struct ew_exch_plan *p = x->read ? &xv->plan[i] : NULL;
		char *spns[8];
		size_t n = ew_exch_plan_spns(spn_name(t, xv, i), p, spns, 8), m;

		d->name = ew_field_dup(t->exchange[i]);
		d->kind = ew_field_dup(kind_text(p ? p->kind : EW_EXNAME_UNKNOWN));
		d->version = ew_field_dup(p ? ew_exch_plan_release_name(p, vbuf, sizeof(vbuf)) :
					  "Exchange (version not known)");
		if (p && xv->host[i])
			d->addresses = strs_dup((const char *const *)xv->host[i]->addrs,
						xv->host[i]->naddrs, &d->naddresses);
		d->members = p && p->nmembers ? calloc(p->nmembers, sizeof(char *)) : NULL;
		for (m = 0; d->members && m < p->nmembers; m++)
			d->members[d->nmembers++] = ew_field_dup(xv->servers[p->member[m]].name);
		d->spns = n ? calloc(n, sizeof(char *)) : NULL;
		for (m = 0; m < n; m++) {
			if (d->spns && spns[m])
				d->spns[d->nspns++] = ew_field_dup(spns[m]);
			free(spns[m]);
		}
		if (p && p->kind == EW_EXNAME_SHARED && i < nan)
			d->alternate_service_accounts = strs_dup(an[i].asas, an[i].nasas,
								 &d->nalternate_service_accounts);
	}
	data->autodiscover_scps = nscp ? calloc(nscp, sizeof(*data->autodiscover_scps)) : NULL;
	for (i = 0; data->autodiscover_scps && i < nscp; i++, data->nautodiscover_scps++) {
		struct ew_scp_data *d = &data->autodiscover_scps[i];

		d->server = ew_field_dup(scps[i].server);
		d->url = ew_field_dup(scps[i].url);
		d->host = ew_field_dup(ew_url_host(scps[i].url, host, sizeof(host)));
		d->site = ew_field_dup(scps[i].site);
		d->resolves = ew_field_dup(scps[i].resolves == 1 ? "yes" : scps[i].resolves == 0 ?
					   "no" : "not known");
	}
}

void ew_ticketsexch_rules(struct ew_run *run, const struct ew_krb_svc *svc, size_t nsvc,
			  struct ew_ticketsexch *xv, struct ew_step_result *res,
			  struct ew_tickets_data *data)
{
	exch_rules(run, svc, nsvc, xv, res, data);
	exch_rc4(run->target, svc, nsvc, xv, res, data);
	exch_etypes(svc, nsvc, xv, data, res);
}

struct ew_ticketsexch *ew_ticketsexch_open(struct ew_run *run, const struct ew_kdc_probe *probes,
					   size_t nprobes)
{
	struct ew_ticketsexch *xv;

	if (run->target->nexchange == 0 || (xv = calloc(1, sizeof(*xv))) == NULL)
		return NULL;
	if ((xv->cfg = calloc(1, sizeof(*xv->cfg))) != NULL && !ew_run_cancelled(run))
		exch_look(run, kdc_quick(run, probes, nprobes), xv);
	return xv;
}

char **ew_ticketsexch_spns(const struct ew_target *t, const struct ew_ticketsexch *xv,
			   size_t *n)
{
	size_t max = t->nexchange * 8 + EW_EXCH_MAX_SCPS, i;
	char **out = max ? calloc(max, sizeof(*out)) : NULL;

	*n = 0;
	for (i = 0; out && i < t->nexchange; i++)
		*n += xv && xv->cfg && xv->cfg->read ?
		      ew_exch_plan_spns(spn_name(t, xv, i), &xv->plan[i], out + *n, 8) :
		      ew_exch_plan_spns(t->exchange[i], NULL, out + *n, 8);
	/* and HTTP/ on the host of each Autodiscover SCP of those servers */
	for (i = 0; out && xv && xv->cfg && xv->cfg->read && i < xv->cfg->nscp; i++) {
		const struct ew_exch_host *h = xv->cfg->scp[i].host;
		long s = server_index(xv, xv->cfg->scp[i].server);

		if (h && h->resolves == 1 && s >= 0 && in_scope(t, xv, (size_t)s))
			out[(*n)++] = ew_strprintf("HTTP/%s", h->name);
	}
	return out;
}

void ew_ticketsexch_free(struct ew_ticketsexch **xvp)
{
	struct ew_ticketsexch *xv = xvp ? *xvp : NULL;

	if (xv == NULL)
		return;
	if (xv->cfg)
		ew_exch_cfg_clear(xv->cfg);
	free(xv->cfg);
	ew_dir_result_free(&xv->http);
	free(xv);
	*xvp = NULL;
}
