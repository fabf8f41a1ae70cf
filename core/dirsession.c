#include "dirsession.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datafields.h"
#include "directory.h"
#include "finding.h"
#include "krb.h"
#include "locate.h"
#include "run.h"
#include "target.h"
#include "text.h"

/* The DCs or GCs tried, at most. */
#define DIR_HOSTS 8

static void locate_opts(const struct ew_run *run, size_t max, struct ew_locate_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->dns.timeout_ms = run->timeout_ms;
	o->dns.tries = run->tries;
	o->dns.cancel = run->cancel;
	o->max = max;
}

/* The DCs (gc: the global catalogs) the DC-locator SRV record names, added
 * to l; with none, why in l->error. */
static void find_dcs(struct ew_run *run, int gc, size_t max, struct ew_locate *l)
{
	struct ew_locate_opts o;
	char name[300];
	const char *names[1] = { name };

	if (run->target->domain == NULL) {
		snprintf(l->error, sizeof(l->error), "no AD DNS domain");
		return;
	}
	snprintf(name, sizeof(name), gc ? "_gc._tcp.%s" : "_ldap._tcp.dc._msdcs.%s",
		 run->target->domain);
	locate_opts(run, max, &o);
	ew_locate_srv(l, names, 1, &o);
}

size_t ew_dirsession_locate(struct ew_run *run, int gc, char hosts[][256], size_t max,
			 char *err, size_t errlen)
{
	struct ew_locate l = {0};
	size_t i, n;

	find_dcs(run, gc, max, &l);
	for (i = 0; i < l.n && i < max; i++)
		snprintf(hosts[i], 256, "%s", l.t[i].host);
	n = i;
	snprintf(err, errlen, "%s", n ? "" : l.error);
	ew_locate_clear(&l);
	return n;
}

/* The ldap/ ticket, fetched on a thread while the connection is made. */
struct prefetch {
	struct ew_run *run;
	const char *ccache;
	const char *host;
	const char *addr;	/* the DC's, whose KDC is asked; NULL: the library's */
	char spn[300];
	pthread_t th;
	int started;
	int joined;
	int rc;
	char err[512];
};

static void *prefetch_thread(void *arg)
{
	struct prefetch *p = arg;
	struct ew_run *run = p->run;
	char kdc[100];

	if (p->addr)
		snprintf(kdc, sizeof(kdc), "%s:88", p->addr);
	p->rc = ew_krb_prefetch(p->ccache, run->target->realm, p->addr ? kdc : NULL, p->spn,
				run->timeout_ms * run->tries + 1000, run->cancel, p->err,
				sizeof(p->err));
	return NULL;
}

static int prefetch_wait(void *arg, char *err, size_t errlen)
{
	struct prefetch *p = arg;

	if (p->started && !p->joined)
		pthread_join(p->th, NULL);
	p->joined = 1;
	if (p->rc != 0 && err)
		snprintf(err, errlen, "%s", p->err);
	return p->rc;
}

void ew_dirsession_close(struct ew_dirsession *c)
{
	ew_dir_close(&c->dir);
	if (c->ccache)
		ew_krb_destroy(c->ccache);
	free(c->ccache);
	free(c->host);
	free(c->method);
	memset(c, 0, sizeof(*c));
}

int ew_dirsession_open(struct ew_run *run, int gc, const char *check_id, struct ew_dirsession *c,
		    struct ew_finding **why)
{
	static const unsigned no_port[EW_LOCATE_NAMES];
	struct ew_target *t = run->target;
	struct ew_locate dcs = {0};
	struct ew_locate_opts lo;
	struct ew_dir_opts o;
	char err[512] = "", tgt_err[512] = "", addr[80];
	size_t i;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	*why = NULL;
	if (t->dc && !gc)
		ew_locate_add(&dcs, t->dc, no_port, 0, 0, DIR_HOSTS);
	else
		find_dcs(run, gc, DIR_HOSTS, &dcs);
	if (dcs.n == 0 && t->dc)
		ew_locate_add(&dcs, t->dc, no_port, 0, 0, DIR_HOSTS);
	if (dcs.n == 0 && ew_run_cancelled(run)) {
		*why = ew_finding_new(check_id, EW_SKIP, "Cancelled before the directory was "
				      "read");
		goto cleanup;
	}
	if (dcs.n == 0) {
		*why = ew_finding_new(check_id, EW_SKIP, "No %s to ask: %s",
				      gc ? "global catalog" : "domain controller",
				      dcs.error[0] ? dcs.error : "none found");
		if (*why)
			ew_finding_remedy(*why, "Give one with --dc HOST, or fix the DC-locator "
					  "SRV records (see the dns step).");
		goto cleanup;
	}
	memset(&o, 0, sizeof(o));
	o.gc = gc;
	o.timeout_ms = run->timeout_ms * run->tries;
	o.cancel = run->cancel;
	o.ca_file = run->ca_file;
	if (run->bind_dn) {
		o.tls = EW_DIR_STARTTLS;
		o.bind_dn = run->bind_dn;
		o.password = run->bind_password;
	} else if (t->realm == NULL ||
		   ew_krb_private_copy(t->ccache, t->realm, &c->ccache, tgt_err,
				       sizeof(tgt_err)) != 0) {
		*why = ew_finding_new(check_id, EW_SKIP, "The directory cannot be read: no "
				      "Kerberos ticket to bind with");
		if (*why) {
			ew_finding_evidence(*why, "%s", tgt_err[0] ? tgt_err : "no realm");
			ew_finding_remedy(*why, "Get a TGT (kinit, or --kinit PRINCIPAL), or bind "
					  "with --simple-bind DN over StartTLS.");
		}
		goto cleanup;
	} else {
		o.tls = EW_DIR_PLAIN;	/* GSSAPI brings its own signing and sealing */
		o.ccache = c->ccache;
	}
	/* Their addresses once, for the connections and for the KDC of each DC. */
	locate_opts(run, DIR_HOSTS, &lo);
	ew_locate_addresses(&dcs, &lo);
	for (i = 0; i < dcs.n && !ew_run_cancelled(run); i++) {
		const struct ew_locate_target *h = &dcs.t[i];
		struct prefetch pf;
		int rc;

		o.host = h->host;
		o.before_bind = NULL;
		o.addr = NULL;
		if (h->naddrs) {
			snprintf(addr, sizeof(addr), strchr(h->addrs[0], ':') ? "[%s]" : "%s",
				 h->addrs[0]);
			o.addr = addr;
		}
		if (c->ccache) {
			/* The KDC is asked (bounded) while the connection is made and
			 * the rootDSE read; the bind then finds the ticket. */
			memset(&pf, 0, sizeof(pf));
			pf.run = run;
			pf.ccache = c->ccache;
			pf.host = h->host;
			pf.addr = o.addr;
			snprintf(pf.spn, sizeof(pf.spn), "ldap/%s", h->host);
			pf.started = pthread_create(&pf.th, NULL, prefetch_thread, &pf) == 0;
			if (!pf.started)
				prefetch_thread(&pf);
			o.before_bind = prefetch_wait;
			o.before_bind_arg = &pf;
		}
		rc = ew_dir_open(&o, &c->dir, err, sizeof(err));
		if (o.before_bind)
			prefetch_wait(&pf, NULL, 0);
		if (rc == 0) {
			c->host = strdup(h->host);
			c->method = strdup(ew_dir_bind_method(c->dir));
			ret = 0;
			goto cleanup;
		}
	}
	if (ew_run_cancelled(run))
		*why = ew_finding_new(check_id, EW_SKIP, "Cancelled before the directory was "
				      "read");
	else if ((*why = ew_finding_new(check_id, EW_SKIP, "The directory cannot be read: %s",
					run->bind_dn ? "the simple bind failed" :
					"the GSSAPI bind failed")) != NULL) {
		ew_finding_evidence(*why, "%s: %s", dcs.t[dcs.n - 1].host, err);
		ew_finding_remedy(*why, "%s", run->bind_dn ?
				  "Check the DN and password, and that the DC's certificate "
				  "verifies (LDAPTLS_CACERT or --ca-file)." :
				  "With Kerberos broken, bind with --simple-bind DN (over "
				  "StartTLS) instead.");
	}
	if (c->ccache)
		ew_krb_destroy(c->ccache);
	free(c->ccache);
	c->ccache = NULL;
cleanup:
	ew_locate_clear(&dcs);
	return ret;
}

void ew_dirsession_credentials(const struct ew_run *run, const struct ew_dirsession *c,
			    struct ew_cred_data *out)
{
	int open = c && c->dir;

	out->as = ew_field_dup(ew_target_reader(run->target, run->bind_dn));
	out->method = ew_field_dup(open && c->method ? c->method : run->bind_dn ?
				   "simple bind over StartTLS" : "GSSAPI (Kerberos)");
	out->server = ew_field_dup(open ? c->host : NULL);
}

char *ew_dirsession_account_filter(const char *who)
{
	char account[256], *a, *u, *filter;

	ew_account_name(who, account, sizeof(account));
	a = ew_dir_filter_escape(account, strlen(account));
	u = ew_dir_filter_escape(who, strlen(who));
	filter = a && u ? ew_strprintf("(&(objectClass=user)(|(sAMAccountName=%s)"
				       "(userPrincipalName=%s)))", a, u) : NULL;
	free(a);
	free(u);
	return filter;
}

struct ew_dir_result *ew_dirsession_find_account(struct ew_dir *d, const char *base,
					      const char *who, const char *const *attrs,
					      LDAPControl **ctrls, char *err, size_t errlen)
{
	struct ew_dir_result *r = NULL;
	char *filter = ew_dirsession_account_filter(who);

	if (filter == NULL)
		snprintf(err, errlen, "out of memory");
	else if (ew_dir_search(d, base, LDAP_SCOPE_SUBTREE, filter, attrs, ctrls, &r, err,
			       errlen) != 0)
		ew_dir_result_free(&r);
	free(filter);
	return r;
}
