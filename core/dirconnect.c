#include "dirconnect.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datafields.h"
#include "directory.h"
#include "dns.h"
#include "dnscache.h"
#include "finding.h"
#include "krb.h"
#include "run.h"
#include "target.h"
#include "text.h"

size_t ew_dirconn_locate(struct ew_run *run, int gc, char hosts[][256], size_t max,
			 char *err, size_t errlen)
{
	struct ew_dns_opts o = { run->timeout_ms, run->tries, run->cancel };
	struct ew_dns_result *rs[EW_RESOLV_MAX];
	struct ew_resolv rc;
	char name[300];
	size_t n = 0, nh = 0, i, j, k;

	err[0] = '\0';
	if (run->target->domain == NULL) {
		snprintf(err, errlen, "no AD DNS domain");
		return 0;
	}
	snprintf(name, sizeof(name), gc ? "_gc._tcp.%s" : "_ldap._tcp.dc._msdcs.%s",
		 run->target->domain);
	ew_resolv_system(&rc);
	for (i = 0; i < rc.nservers; i++)
		if ((rs[n] = ew_dns_result_new(name, EW_DNS_SRV, rc.servers[i])) != NULL)
			n++;
	ew_dns_resolve(rs, n, &o, err, errlen);
	for (i = 0; i < n; i++) {
		if (rs[i]->status != EW_DNS_OK) {
			if (!err[0] && rs[i]->status != EW_DNS_OK)
				snprintf(err, errlen, "%s SRV @%s: %s", name, rs[i]->server,
					 ew_dns_status_name(rs[i]->status));
			continue;
		}
		for (j = 0; j < rs[i]->nanswers && nh < max; j++) {
			for (k = 0; k < nh; k++)
				if (strcasecmp(hosts[k], rs[i]->answers[j].target) == 0)
					break;
			if (k == nh)
				snprintf(hosts[nh++], 256, "%s", rs[i]->answers[j].target);
		}
	}
	if (nh)
		err[0] = '\0';
	for (i = 0; i < n; i++)
		ew_dns_result_free(&rs[i]);
	ew_resolv_clear(&rc);
	return nh;
}

/* The address of host (an IP literal as it is, else its A record from the
 * first resolver that has one), for pinning the KDC to the DC. */
static int host_address(struct ew_run *run, const char *host, char *addr, size_t len)
{
	struct ew_dns_opts o = { run->timeout_ms, run->tries, run->cancel };
	struct ew_dns_result *rs[EW_RESOLV_MAX];
	struct ew_resolv rc;
	unsigned char buf[16];
	char err[256];
	size_t n = 0, i;
	int found = -1;

	if (inet_pton(AF_INET, host, buf) == 1) {
		snprintf(addr, len, "%s", host);
		return 0;
	}
	if (inet_pton(AF_INET6, host, buf) == 1) {
		snprintf(addr, len, "[%s]", host);
		return 0;
	}
	ew_resolv_system(&rc);
	for (i = 0; i < rc.nservers; i++)
		if ((rs[n] = ew_dns_result_new(host, EW_DNS_A, rc.servers[i])) != NULL)
			n++;
	ew_dns_resolve(rs, n, &o, err, sizeof(err));
	for (i = 0; i < n; i++) {
		if (found < 0 && rs[i]->status == EW_DNS_OK && rs[i]->nanswers > 0) {
			snprintf(addr, len, "%s", rs[i]->answers[0].data);
			found = 0;
		}
		ew_dns_result_free(&rs[i]);
	}
	ew_resolv_clear(&rc);
	return found;
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

void ew_dirconn_close(struct ew_dirconn *c)
{
	ew_dir_close(&c->dir);
	if (c->ccache)
		ew_krb_destroy(c->ccache);
	free(c->ccache);
	free(c->host);
	free(c->method);
	memset(c, 0, sizeof(*c));
}

int ew_dirconn_open(struct ew_run *run, int gc, const char *check_id, struct ew_dirconn *c,
		    struct ew_finding **why)
{
	struct ew_target *t = run->target;
	struct ew_dir_opts o;
	char hosts[8][256], err[512] = "", tgt_err[512] = "", addr[80];
	size_t nh, i;

	memset(c, 0, sizeof(*c));
	*why = NULL;
	if (t->dc && !gc) {
		snprintf(hosts[0], sizeof(hosts[0]), "%s", t->dc);
		nh = 1;
	} else {
		nh = ew_dirconn_locate(run, gc, hosts, 8, err, sizeof(err));
		if (nh == 0 && t->dc) {
			snprintf(hosts[0], sizeof(hosts[0]), "%s", t->dc);
			nh = 1;
		}
	}
	if (nh == 0 && ew_run_cancelled(run)) {
		*why = ew_finding_new(check_id, EW_SKIP, "Cancelled before the directory was "
				      "read");
		return -1;
	}
	if (nh == 0) {
		*why = ew_finding_new(check_id, EW_SKIP, "No %s to ask: %s",
				      gc ? "global catalog" : "domain controller",
				      err[0] ? err : "none found");
		if (*why)
			ew_finding_remedy(*why, "Give one with --dc HOST, or fix the DC-locator "
					  "SRV records (see the dns step).");
		return -1;
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
		return -1;
	} else {
		o.tls = EW_DIR_PLAIN;	/* GSSAPI brings its own signing and sealing */
		o.ccache = c->ccache;
	}
	for (i = 0; i < nh && !ew_run_cancelled(run); i++) {
		struct prefetch pf;
		int rc;

		o.host = hosts[i];
		o.before_bind = NULL;
		/* Its address once, for the connection and for the KDC of that DC. */
		o.addr = host_address(run, hosts[i], addr, sizeof(addr)) == 0 ? addr : NULL;
		if (c->ccache) {
			/* The KDC is asked (bounded) while the connection is made and
			 * the rootDSE read; the bind then finds the ticket. */
			memset(&pf, 0, sizeof(pf));
			pf.run = run;
			pf.ccache = c->ccache;
			pf.host = hosts[i];
			pf.addr = o.addr;
			snprintf(pf.spn, sizeof(pf.spn), "ldap/%s", hosts[i]);
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
			c->host = strdup(hosts[i]);
			c->method = strdup(ew_dir_bind_method(c->dir));
			return 0;
		}
	}
	if (ew_run_cancelled(run))
		*why = ew_finding_new(check_id, EW_SKIP, "Cancelled before the directory was "
				      "read");
	else if ((*why = ew_finding_new(check_id, EW_SKIP, "The directory cannot be read: %s",
					run->bind_dn ? "the simple bind failed" :
					"the GSSAPI bind failed")) != NULL) {
		ew_finding_evidence(*why, "%s: %s", hosts[nh - 1], err);
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
	return -1;
}

void ew_dirconn_credentials(const struct ew_run *run, const struct ew_dirconn *c,
			    struct ew_cred_data *out)
{
	int open = c && c->dir;

	out->as = ew_field_dup(ew_target_reader(run->target, run->bind_dn));
	out->method = ew_field_dup(open && c->method ? c->method : run->bind_dn ?
				   "simple bind over StartTLS" : "GSSAPI (Kerberos)");
	out->server = ew_field_dup(open ? c->host : NULL);
}

char *ew_dirconn_account_filter(const char *who)
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

struct ew_dir_result *ew_dirconn_find_account(struct ew_dir *d, const char *base,
					      const char *who, const char *const *attrs,
					      LDAPControl **ctrls, char *err, size_t errlen)
{
	struct ew_dir_result *r = NULL;
	char *filter = ew_dirconn_account_filter(who);

	if (filter == NULL)
		snprintf(err, errlen, "out of memory");
	else if (ew_dir_search(d, base, LDAP_SCOPE_SUBTREE, filter, attrs, ctrls, &r, err,
			       errlen) != 0)
		ew_dir_result_free(&r);
	free(filter);
	return r;
}
