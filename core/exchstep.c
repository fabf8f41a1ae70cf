#include "exchstep.h"

#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "directory.h"
#include "dirsession.h"
#include "finding.h"
#include "locate.h"
#include "run.h"
#include "text.h"

/* The Autodiscover SCP keyword (Exchange 2007 and later). */
#define SCP_KEYWORD "77378F46-2C66-4aa9-A6A6-3E7A48B19596"

static const char *first_text(const struct ew_dir_entry *e, const char *name)
{
	const struct ew_dir_attr *a = ew_dir_entry_attr(e, name);

	return a && a->nvalues ? ew_dir_text(&a->values[0]) : NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct ew_exch_host *ew_exch_cfg_host(struct ew_exch_cfg *x, const char *name)
{
	const size_t max = sizeof(x->hosts) / sizeof(x->hosts[0]);
	size_t i;

	if (name == NULL || name[0] == '\0')
		return NULL;
	for (i = 0; i < x->nhosts; i++)
		if (strcasecmp(x->hosts[i].name, name) == 0)
			return &x->hosts[i];
	if (x->nhosts >= max || (x->hosts[x->nhosts].name = strdup(name)) == NULL)
		return NULL;
	x->hosts[x->nhosts].resolves = -2;	/* not asked yet */
	return &x->hosts[x->nhosts++];
}

/* The server whose object holds dn (an SCP below it), or -1. */
static long server_of(const struct ew_exch_cfg *x, const char *dn)
{
	size_t i, l = strlen(dn);

	for (i = 0; i < x->n; i++) {
		size_t sl = strlen(x->s[i].dn);

		if (sl < l && dn[l - sl - 1] == ',' && strcasecmp(dn + l - sl, x->s[i].dn) == 0)
			return (long)i;
	}
	return -1;
}

void ew_exch_cfg_read(struct ew_run *run, struct ew_exch_cfg *x)
{
	static const char *const sattrs[] = { "cn", "serialNumber", "msExchVersion",
					      "networkAddress", NULL };
	static const char *const pattrs[] = { "serviceBindingInformation", "keywords", NULL };
	struct ew_dirsession c;
	struct ew_finding *why = NULL;
	struct ew_dir_result *sr = NULL, *pr = NULL;
	const char *config;
	char *base = NULL, err[512];
	size_t i, j;

	if (ew_dirsession_open(run, 0, EW_CK_KRB_SVC, &c, &why) != 0) {
		snprintf(x->why, sizeof(x->why), "%s", why && why->title ? why->title :
			 "no directory connection");
		if (why && why->nevidence)
			snprintf(x->why + strlen(x->why), sizeof(x->why) - strlen(x->why),
				 ": %s", why->evidence[0]);
		ew_finding_free(&why);
		return;
	}
	config = ew_dir_rootdse(c.dir, "configurationNamingContext");
	base = config ? ew_strprintf("CN=Microsoft Exchange,CN=Services,%s", config) : NULL;
	if (base == NULL) {
		snprintf(x->why, sizeof(x->why), "%s: the rootDSE names no configuration "
			 "partition", c.host ? c.host : "the DC");
		goto out;
	}
	if (ew_dir_search(c.dir, base, LDAP_SCOPE_SUBTREE, "(objectClass=msExchExchangeServer)",
			  sattrs, NULL, &sr, err, sizeof(err)) != 0 ||
	    ew_dir_search(c.dir, base, LDAP_SCOPE_SUBTREE, "(&(objectClass=serviceConnectionPoint)"
			  "(keywords=" SCP_KEYWORD "))", pattrs, NULL, &pr, err,
			  sizeof(err)) != 0) {
		snprintf(x->why, sizeof(x->why), "%.100s: %.400s", c.host ? c.host : "the DC", err);
		goto out;
	}
	x->read = 1;
	for (i = 0; i < sr->nentries && x->n < EW_EXCH_MAX_SERVERS; i++) {
		const struct ew_dir_entry *e = &sr->entries[i];
		const struct ew_dir_attr *na = ew_dir_entry_attr(e, "networkAddress");
		const char *fqdn = NULL;

		for (j = 0; na && j < na->nvalues && fqdn == NULL; j++)
			fqdn = ew_exch_network_fqdn(ew_dir_text(&na->values[j]));
		x->s[x->n].dn = dup_or_null(e->dn);
		x->s[x->n].name = ew_text_cleanz(first_text(e, "cn"));
		x->s[x->n].fqdn = ew_text_cleanz(fqdn);
		x->s[x->n].serial = ew_text_cleanz(first_text(e, "serialNumber"));
		x->s[x->n].msexchversion = ew_text_cleanz(first_text(e, "msExchVersion"));
		ew_exch_version_parse(x->s[x->n].serial, x->s[x->n].msexchversion, &x->s[x->n].v);
		if (x->s[x->n].dn == NULL || x->s[x->n].name == NULL) {
			free(x->s[x->n].dn);
			free(x->s[x->n].name);
			free(x->s[x->n].fqdn);
			free(x->s[x->n].serial);
			free(x->s[x->n].msexchversion);
			memset(&x->s[x->n], 0, sizeof(x->s[x->n]));
			continue;
		}
		x->n++;
	}
	for (i = 0; i < pr->nentries && x->nscp < EW_EXCH_MAX_SCPS; i++) {
		const struct ew_dir_entry *e = &pr->entries[i];
		const struct ew_dir_attr *kw = ew_dir_entry_attr(e, "keywords");
		long s = server_of(x, e->dn);
		const char *site = NULL;

		if (s < 0)
			continue;
		for (j = 0; kw && j < kw->nvalues && site == NULL; j++)
			if (strncasecmp(ew_dir_text(&kw->values[j]), "Site=", 5) == 0)
				site = ew_dir_text(&kw->values[j]) + 5;
		x->scp[x->nscp].server = strdup(x->s[s].name);
		x->scp[x->nscp].url = ew_text_cleanz(first_text(e, "serviceBindingInformation"));
		x->scp[x->nscp].site = ew_text_cleanz(site);
		x->nscp++;
	}
out:
	ew_dir_result_free(&sr);
	ew_dir_result_free(&pr);
	free(base);
	ew_dirsession_close(&c);
}

void ew_exch_cfg_resolve(struct ew_run *run, struct ew_exch_cfg *x)
{
	static const unsigned no_port[EW_LOCATE_NAMES];
	struct ew_locate_opts o = { { run->timeout_ms, run->tries, run->cancel },
				    sizeof(x->hosts) / sizeof(x->hosts[0]), 0 };
	struct ew_locate l = {0};
	size_t i, k;

	for (i = 0; i < x->nhosts; i++)
		if (x->hosts[i].resolves == -2)
			ew_locate_add(&l, x->hosts[i].name, no_port, 0, 0, o.max);
	if (l.n == 0)
		return;
	ew_locate_literals(&l);
	ew_locate_addresses(&l, &o);
	for (k = 0; k < l.n; k++) {
		struct ew_exch_host *h = NULL;
		const struct ew_locate_target *t = &l.t[k];

		for (i = 0; i < x->nhosts && h == NULL; i++)
			if (x->hosts[i].resolves == -2 && strcasecmp(x->hosts[i].name, t->host) == 0)
				h = &x->hosts[i];
		if (h == NULL)
			continue;
		h->addrs = t->naddrs ? calloc(t->naddrs, sizeof(*h->addrs)) : NULL;
		for (i = 0; h->addrs && i < t->naddrs; i++)
			if ((h->addrs[h->naddrs] = strdup(t->addrs[i])) != NULL)
				h->naddrs++;
		if (h->naddrs) {
			h->resolves = 1;
			h->canonical = t->canonical &&
				       strcasecmp(t->canonical, h->name) != 0 ?
				       strdup(t->canonical) : NULL;
		} else {
			const char *w = t->why ? t->why : "no address";

			h->resolves = strstr(w, ": nxdomain") || strstr(w, ": nodata") ||
				      strstr(w, "no A record") ? 0 : -1;
			h->why = strdup(w);
		}
	}
	for (i = 0; i < x->nhosts; i++)
		if (x->hosts[i].resolves == -2)
			x->hosts[i].resolves = -1;
	ew_locate_clear(&l);
}

size_t ew_exch_cfg_servers(const struct ew_exch_cfg *x, struct ew_exch_server *out)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		out[i].name = x->s[i].name;
		out[i].fqdn = x->s[i].fqdn;
		out[i].v = x->s[i].v;
		out[i].addrs = x->s[i].host ? (const char *const *)x->s[i].host->addrs : NULL;
		out[i].naddrs = x->s[i].host ? x->s[i].host->naddrs : 0;
	}
	return x->n;
}

void ew_exch_cfg_clear(struct ew_exch_cfg *x)
{
	size_t i, j;

	for (i = 0; i < x->n; i++) {
		free(x->s[i].dn);
		free(x->s[i].name);
		free(x->s[i].fqdn);
		free(x->s[i].serial);
		free(x->s[i].msexchversion);
	}
	for (i = 0; i < x->nscp; i++) {
		free(x->scp[i].server);
		free(x->scp[i].url);
		free(x->scp[i].site);
	}
	for (i = 0; i < x->nhosts; i++) {
		free(x->hosts[i].name);
		for (j = 0; j < x->hosts[i].naddrs; j++)
			free(x->hosts[i].addrs[j]);
		free(x->hosts[i].addrs);
		free(x->hosts[i].why);
		free(x->hosts[i].canonical);
	}
	memset(x, 0, sizeof(*x));
}

static const char *http_host(const char *spn)
{
	return spn && strncasecmp(spn, "HTTP/", 5) == 0 && spn[5] ? spn + 5 : NULL;
}

void ew_exch_asa_hosts(const struct ew_dir_result *r, struct ew_exch_cfg *x)
{
	size_t i, j;

	for (i = 0; r && i < r->nentries; i++) {
		const struct ew_dir_attr *a = ew_dir_entry_attr(&r->entries[i],
								"servicePrincipalName");

		for (j = 0; a && j < a->nvalues; j++) {
			const char *h = http_host(ew_dir_text(&a->values[j]));

			if (h && strchr(h, '.') && !strchr(h, ':'))
				ew_exch_cfg_host(x, h);
		}
	}
}

static const struct ew_exch_host *known_host(const struct ew_exch_cfg *x, const char *name)
{
	size_t i;

	for (i = 0; i < x->nhosts; i++)
		if (strcasecmp(x->hosts[i].name, name) == 0)
			return &x->hosts[i];
	return NULL;
}

size_t ew_exch_asas(const struct ew_dir_result *r, const struct ew_exch_cfg *x,
		    const char *const *member_addrs, size_t naddrs,
		    const char *const *members, size_t nmembers, const char **out, size_t max)
{
	size_t i, j, k, m, n = 0;

	for (i = 0; r && i < r->nentries && n < max; i++) {
		const struct ew_dir_entry *e = &r->entries[i];
		const char *acc = first_text(e, "sAMAccountName");
		const char *own = first_text(e, "dNSHostName");
		const struct ew_dir_attr *a = ew_dir_entry_attr(e, "servicePrincipalName");
		size_t l = acc ? strlen(acc) : 0;
		int member = 0, hit = 0;

		if (l < 2 || acc[l - 1] != '$')
			continue;
		for (m = 0; m < nmembers; m++)
			if (members[m] && strlen(members[m]) == l - 1 &&
			    strncasecmp(members[m], acc, l - 1) == 0)
				member = 1;
		for (j = 0; !member && a && j < a->nvalues && !hit; j++) {
			const char *h = http_host(ew_dir_text(&a->values[j]));
			const struct ew_exch_host *kh;

			if (h == NULL || (own && strcasecmp(own, h) == 0) ||
			    (kh = known_host(x, h)) == NULL)
				continue;
			for (k = 0; k < kh->naddrs && !hit; k++)
				for (m = 0; m < naddrs && !hit; m++)
					hit = strcmp(kh->addrs[k], member_addrs[m]) == 0;
		}
		if (hit)
			out[n++] = acc;
	}
	return n;
}
