#include "dnsrules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "dnscache.h"
#include "finding.h"
#include "result.h"
#include "target.h"
#include "text.h"

const struct ew_srv_name ew_srv_names[] = {
	{ "_ldap._tcp.dc._msdcs.", 0, 1 },
	{ "_kerberos._tcp.", 0, 1 },
	{ "_kerberos._udp.", 0, 0 },
	{ "_kerberos._tcp.dc._msdcs.", 0, 0 },
	{ "_kpasswd._tcp.", 0, 0 },
	{ "_kpasswd._udp.", 0, 0 },
	{ "_ldap._tcp.", 0, 0 },
	{ "_ldap._tcp.pdc._msdcs.", 0, 0 },
	{ "_gc._tcp.", 1, 0 },
};
const size_t ew_nsrv_names = sizeof(ew_srv_names) / sizeof(ew_srv_names[0]);

struct ew_dns_result *ew_dns_view_find(const struct ew_dns_view *v, const char *name,
				       int type, const char *server)
{
	size_t i;

	for (i = 0; i < v->nresults; i++) {
		struct ew_dns_result *r = v->results[i];

		if (r->type == type && ew_dns_name_eq(r->name, name) &&
		    (server == NULL || strcmp(r->server, server) == 0))
			return r;
	}
	return NULL;
}

int ew_dns_view_is_client(const struct ew_dns_view *v, const char *server)
{
	size_t i;

	for (i = 0; i < v->nservers; i++)
		if (strcmp(v->servers[i].addr, server) == 0 &&
		    strcmp(v->servers[i].source, "dc") != 0)
			return 1;
	return 0;
}

const char *ew_dns_suffix(const char *host)
{
	const char *dot = strchr(host, '.');

	return dot && dot[1] ? dot + 1 : NULL;
}

static int definitive(enum ew_dns_status st)
{
	return st == EW_DNS_OK || st == EW_DNS_NXDOMAIN || st == EW_DNS_NODATA;
}

static const char *shown_status(const struct ew_dns_result *r)
{
	switch (r->status) {
	case EW_DNS_NXDOMAIN: return "No Record Available (NXDOMAIN: the name does not exist)";
	case EW_DNS_NODATA: return "No Record Available (NODATA: the name exists, no such record)";
	default: return ew_dns_status_name(r->status);
	}
}

static void srv_name(const struct ew_dns_view *v, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", ew_srv_names[i].prefix,
		 ew_srv_names[i].forest && v->forest ? v->forest : v->domain);
}

/* Over the client servers: 1 present, 0 missing, -1 nobody answered. */
static int presence(const struct ew_dns_view *v, const char *name, int type)
{
	size_t i;
	int answered = 0;

	for (i = 0; i < v->nresults; i++) {
		const struct ew_dns_result *r = v->results[i];

		if (r->type != type || !ew_dns_name_eq(r->name, name) ||
		    !ew_dns_view_is_client(v, r->server))
			continue;
		if (r->status == EW_DNS_OK)
			return 1;
		answered |= definitive(r->status);
	}
	return answered ? 0 : -1;
}

static void evidence_per_server(struct ew_finding *f, const struct ew_dns_view *v,
				const char *name, int type)
{
	size_t i;

	for (i = 0; i < v->nresults; i++) {
		const struct ew_dns_result *r = v->results[i];

		if (r->type == type && ew_dns_name_eq(r->name, name))
			ew_finding_evidence(f, "%s %s @%s: %s", r->name, ew_dns_type_name(type),
					    r->server, shown_status(r));
	}
}

void ew_dns_rule_srv(const struct ew_dns_view *v, struct ew_step_result *res)
{
	struct ew_finding *pass = NULL, *f;
	char name[300];
	size_t i, j, missing = 0, unknown = 0;

	for (i = 0; i < ew_nsrv_names; i++) {
		int p;

		srv_name(v, i, name, sizeof(name));
		p = presence(v, name, EW_DNS_SRV);
		if (p == 1)
			continue;
		if (p < 0) {
			unknown++;
			continue;
		}
		missing++;
		f = ew_finding_new(EW_CK_DNS_SRV, ew_srv_names[i].critical ? EW_FAIL : EW_WARN,
				   "No Record Available: %s (SRV)", name);
		if (f == NULL)
			continue;
		ew_finding_set_cause(f, EW_CAUSE_DNS_SRV_MISSING);
		ew_finding_detail(f, "%s", ew_srv_names[i].critical ?
				  "Without this record clients cannot locate a domain controller "
				  "or KDC, and Windows falls back to NTLM." :
				  "Clients that look for this record will not find the service "
				  "it names.");
		evidence_per_server(f, v, name, EW_DNS_SRV);
		ew_finding_remedy(f, "Register the DC's records: restart the Netlogon service on "
				  "a DC (or run `nltest /dsregdns`; on Samba `samba_dnsupdate`), "
				  "and check that the clients' resolvers serve the AD zone.");
		ew_step_result_add(res, f);
	}
	if (unknown == ew_nsrv_names) {
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_SRV, EW_SKIP,
						       "No resolver answered the SRV queries"));
		return;
	}
	if (missing == 0) {
		pass = ew_finding_new(EW_CK_DNS_SRV, EW_PASS, "The %zu SRV records DC location "
				      "needs are there", ew_nsrv_names - unknown);
		for (i = 0; pass && i < ew_nsrv_names; i++) {
			const struct ew_dns_result *r = NULL;

			srv_name(v, i, name, sizeof(name));
			for (j = 0; j < v->nresults && r == NULL; j++)
				if (v->results[j]->type == EW_DNS_SRV &&
				    ew_dns_name_eq(v->results[j]->name, name) &&
				    v->results[j]->status == EW_DNS_OK)
					r = v->results[j];
			if (r && r->nanswers)
				ew_finding_evidence(pass, "%s -> %s%s", name, r->answers[0].data,
						    r->nanswers > 1 ? " (and more)" : "");
		}
		ew_step_result_add(res, pass);
	}
}

struct disagreement {
	const char *server;
	size_t count;
	struct ew_finding *f;
};

void ew_dns_rule_servers(const struct ew_dns_view *v, struct ew_step_result *res)
{
	size_t s, i, k, bad = 0;

	for (s = 0; s < v->nservers; s++) {
		const char *srv = v->servers[s].addr;
		struct ew_finding *f = NULL;
		size_t denied = 0, timeouts = 0, failures = 0, asked = 0;
		const char *other = NULL;

		if (strcmp(v->servers[s].source, "dc") == 0)
			continue;
		for (i = 0; i < v->nresults; i++) {
			const struct ew_dns_result *r = v->results[i];

			if (strcmp(r->server, srv) != 0)
				continue;
			asked++;
			if (r->status == EW_DNS_TIMEOUT) {
				timeouts++;
				continue;
			}
			if (r->status == EW_DNS_SERVFAIL || r->status == EW_DNS_REFUSED ||
			    r->status == EW_DNS_ERROR) {
				failures++;
				continue;
			}
			if (r->status != EW_DNS_NXDOMAIN && r->status != EW_DNS_NODATA)
				continue;
			/* Does another server have it? */
			for (k = 0; k < v->nresults; k++) {
				const struct ew_dns_result *o = v->results[k];

				if (o != r && o->type == r->type && ew_dns_name_eq(o->name, r->name) &&
				    o->status == EW_DNS_OK) {
					other = o->server;
					break;
				}
			}
			if (k == v->nresults)
				continue;
			if (f == NULL)
				f = ew_finding_new(EW_CK_DNS_SERVERS, EW_FAIL, "Resolver %s says "
						   "No Record Available where %s has the records",
						   srv, other);
			if (f && denied == 0)
				ew_finding_set_cause(f, EW_CAUSE_DNS_RESOLVER_SPLIT);
			if (f && denied < 12)
				ew_finding_evidence(f, "%s %s @%s: %s; @%s: %zu answer(s)", r->name,
						    ew_dns_type_name(r->type), srv,
						    ew_dns_status_name(r->status), other,
						    v->results[k]->nanswers);
			denied++;
		}
		if (f) {
			if (denied > 12)
				ew_finding_evidence(f, "... and %zu more", denied - 12);
			ew_finding_detail(f, "%s is %s and does not know the AD zone: %zu of the "
					  "names asked. A client that asks it (it may at any time: "
					  "resolvers are tried in turn and on timeouts) gets a negative "
					  "answer, caches it, and Kerberos fails; this is the \"ISP DNS "
					  "as secondary\" fault.", srv,
					  strcmp(v->servers[s].source, EW_DNS_SOURCE_WINDOWS) == 0 ?
					  "a DNS server of the Windows client (its ipconfig /all)" :
					  strcmp(v->servers[s].source, "option") == 0 ?
					  "a DNS server given with --dns-server" :
					  "a resolver of this machine (resolv.conf)", denied);
			ew_finding_remedy(f, "Give domain members only resolvers that serve the AD "
					  "zone (the DCs, or caches forwarding to them); remove %s "
					  "from resolv.conf / the DHCP options / the NIC settings, and "
					  "set forwarders on the DCs for outside names.", srv);
			ew_step_result_add(res, f);
			bad++;
		}
		if (timeouts) {
			f = ew_finding_new(EW_CK_DNS_SERVERS, EW_WARN, "Resolver %s does not answer "
					   "(%zu of %zu queries timed out)", srv, timeouts, asked);
			if (f) {
				ew_finding_detail(f, "Each query a client sends there waits for the "
						  "timeout before the next resolver is tried.");
				ew_finding_remedy(f, "Remove %s from the resolvers or make it "
						  "reachable.", srv);
			}
			ew_step_result_add(res, f);
			bad++;
		}
		if (failures) {
			f = ew_finding_new(EW_CK_DNS_SERVERS, EW_WARN, "Resolver %s fails %zu of %zu "
					   "queries (SERVFAIL, REFUSED or errors)", srv, failures,
					   asked);
			if (f)
				ew_finding_remedy(f, "Check that %s allows recursion for this host "
						  "and can reach the DCs.", srv);
			ew_step_result_add(res, f);
			bad++;
		}
	}
	if (bad == 0) {
		size_t clients = 0, windows = 0;

		for (s = 0; s < v->nservers; s++) {
			windows += strcmp(v->servers[s].source, EW_DNS_SOURCE_WINDOWS) == 0;
			clients += strcmp(v->servers[s].source, "dc") != 0 &&
				   strcmp(v->servers[s].source, EW_DNS_SOURCE_WINDOWS) != 0;
		}
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_SERVERS, EW_PASS,
						       "The %zu resolver(s) of this machine%s agree "
						       "and answer", clients, windows ?
						       " and the Windows client's other DNS "
						       "servers" : ""));
	}
}

/* Addresses of name from the client servers (A and AAAA, deduplicated). */
static size_t addresses_of(const struct ew_dns_view *v, const char *name, const char **out,
			   size_t max)
{
	size_t i, j, k, n = 0;

	for (i = 0; i < v->nresults; i++) {
		const struct ew_dns_result *r = v->results[i];

		if ((r->type != EW_DNS_A && r->type != EW_DNS_AAAA) || !ew_dns_name_eq(r->name, name) ||
		    r->status != EW_DNS_OK || !ew_dns_view_is_client(v, r->server))
			continue;
		for (j = 0; j < r->nanswers; j++) {
			for (k = 0; k < n; k++)
				if (strcmp(out[k], r->answers[j].data) == 0)
					break;
			if (k == n && n < max)
				out[n++] = r->answers[j].data;
		}
	}
	return n;
}

static const struct ew_dns_result *ptr_of(const struct ew_dns_view *v, const char *addr)
{
	const struct ew_dns_result *best = NULL;
	char *rev = ew_dns_reverse_name(addr);
	size_t i;

	if (rev == NULL)
		return NULL;
	for (i = 0; i < v->nresults; i++) {
		const struct ew_dns_result *r = v->results[i];

		if (r->type != EW_DNS_PTR || !ew_dns_name_eq(r->name, rev) ||
		    !ew_dns_view_is_client(v, r->server))
			continue;
		if (best == NULL || (r->status == EW_DNS_OK && best->status != EW_DNS_OK))
			best = r;
	}
	free(rev);
	return best;
}

/* An SRV target that is not a host name: never looked up (a name with such
 * bytes cannot be asked for as it is, and no client could connect to it); the
 * SRV records that name it are the evidence. */
static struct ew_finding *not_a_host_name(const struct ew_dns_view *v, const char *name,
					  const char *why)
{
	struct ew_finding *f = ew_finding_new(EW_CK_DNS_TARGETS, EW_FAIL, "An SRV record names %s, "
					      "which is not a host name", name);
	size_t r, k;

	if (f == NULL)
		return NULL;
	for (r = 0; r < v->nresults; r++) {
		const struct ew_dns_result *sr = v->results[r];

		if (sr->type != EW_DNS_SRV || sr->status != EW_DNS_OK)
			continue;
		for (k = 0; k < sr->nanswers; k++)
			if (sr->answers[k].target && ew_dns_name_eq(sr->answers[k].target, name))
				ew_finding_evidence(f, "%s SRV @%s: %s", sr->name, sr->server,
						    sr->answers[k].data);
	}
	ew_finding_detail(f, "%s: no client can look it up or connect to it (characters that "
			  "are not printable are shown escaped).", why);
	ew_finding_remedy(f, "Correct or remove the SRV record; a host name has only letters, "
			  "digits, hyphens and underscores.");
	return f;
}

void ew_dns_rule_targets(const struct ew_dns_view *v, const char *const *names,
			 size_t nnames, int rdns, struct ew_step_result *res)
{
	size_t i, a, bad = 0, checked = 0;
	struct ew_finding *pass;

	pass = ew_finding_new(EW_CK_DNS_TARGETS, EW_PASS, "Every SRV target and Exchange name "
			      "resolves, forward and reverse agree");
	for (i = 0; i < nnames; i++) {
		const char *addrs[16], *why;
		size_t naddr;
		const struct ew_dns_result *any;
		struct ew_finding *f;

		if (!ew_valid_hostname(names[i], &why)) {
			checked++;
			bad++;
			ew_step_result_add(res, not_a_host_name(v, names[i], why));
			continue;
		}
		naddr = addresses_of(v, names[i], addrs, 16);
		any = ew_dns_view_find(v, names[i], EW_DNS_A, NULL);
		if (any == NULL)
			continue;
		if (naddr == 0) {
			int p = presence(v, names[i], EW_DNS_A);

			if (p < 0 && presence(v, names[i], EW_DNS_AAAA) < 0)
				continue;	/* nobody answered: DNS-SERVERS says so */
			checked++;
			f = ew_finding_new(EW_CK_DNS_TARGETS, EW_FAIL, "%s has no address", names[i]);
			if (f) {
				evidence_per_server(f, v, names[i], EW_DNS_A);
				ew_finding_detail(f, "Clients cannot connect to %s, and Kerberos "
						  "cannot build its service principal name.", names[i]);
				ew_finding_remedy(f, "Add an A (or AAAA) record for %s in the zone "
						  "the DCs serve.", names[i]);
			}
			ew_step_result_add(res, f);
			bad++;
			continue;
		}
		checked++;
		{
			const struct ew_dns_result *cn = ew_dns_view_find(v, names[i], EW_DNS_A,
									  NULL);

			if (cn && cn->ncnames) {
				f = ew_finding_new(EW_CK_DNS_TARGETS, EW_INFO, "%s is an alias of %s",
						   names[i], cn->cnames[cn->ncnames - 1]);
				if (f)
					ew_finding_detail(f, "With dns_canonicalize_hostname (the MIT "
							  "default) Kerberos asks for a ticket to the "
							  "canonical name %s; that SPN must exist.",
							  cn->cnames[cn->ncnames - 1]);
				ew_step_result_add(res, f);
			}
		}
		for (a = 0; a < naddr; a++) {
			const struct ew_dns_result *p = ptr_of(v, addrs[a]);
			size_t k;
			int match = 0;

			if (pass)
				ew_finding_evidence(pass, "%s -> %s -> %s", names[i], addrs[a],
						    p && p->status == EW_DNS_OK && p->nanswers ?
						    p->answers[0].data : "(no PTR)");
			if (p == NULL)
				continue;
			for (k = 0; k < p->nanswers; k++)
				match |= ew_dns_name_eq(p->answers[k].data, names[i]);
			if (match || p->status == EW_DNS_TIMEOUT)
				continue;
			if (p->status == EW_DNS_OK) {
				f = ew_finding_new(EW_CK_DNS_TARGETS, rdns ? EW_WARN : EW_INFO,
						   "%s -> %s, but the PTR says %s", names[i], addrs[a],
						   p->answers[0].data);
				if (f) {
					if (rdns)
						ew_finding_set_cause(f, EW_CAUSE_NAME_CANON);
					ew_finding_detail(f, "%s", rdns ?
							  "krb5 rdns is on: Kerberos canonicalises the "
							  "host through the PTR record and asks for a "
							  "ticket to the wrong name." :
							  "krb5 rdns is off here, so Kerberos does not "
							  "use the PTR; Windows clients do not either.");
					ew_finding_remedy(f, "Correct the PTR of %s, or set rdns = false "
							  "in [libdefaults] of krb5.conf.", addrs[a]);
				}
				ew_step_result_add(res, f);
				bad += rdns;
			} else if (rdns) {
				f = ew_finding_new(EW_CK_DNS_TARGETS, EW_INFO, "%s (%s) has no PTR record",
						   names[i], addrs[a]);
				if (f)
					ew_finding_detail(f, "krb5 rdns is on; without a PTR it keeps the "
							  "forward name, which is right.");
				ew_step_result_add(res, f);
			}
		}
	}
	if (checked && bad == 0)
		ew_step_result_add(res, pass);
	else
		ew_finding_free(&pass);
}

void ew_dns_rule_tc(const struct ew_dns_view *v, struct ew_step_result *res)
{
	size_t i, trunc = 0, failed = 0;
	struct ew_finding *f = NULL, *g = NULL;

	for (i = 0; i < v->nresults; i++) {
		const struct ew_dns_result *r = v->results[i];

		if (!r->truncated)
			continue;
		trunc++;
		if (r->tcp_failed) {
			if (f == NULL)
				f = ew_finding_new(EW_CK_DNS_TC, EW_WARN, "Large DNS answers are truncated "
						   "and TCP/53 fails");
			if (f)
				ew_finding_evidence(f, "%s %s @%s: truncated over UDP; TCP: %s",
						    r->name, ew_dns_type_name(r->type), r->server,
						    r->error ? r->error : "failed");
			failed++;
		} else {
			if (g == NULL)
				g = ew_finding_new(EW_CK_DNS_TC, EW_INFO, "Some answers do not fit in UDP; "
						   "they came over TCP");
			if (g)
				ew_finding_evidence(g, "%s %s @%s", r->name, ew_dns_type_name(r->type),
						    r->server);
		}
	}
	if (f) {
		ew_finding_detail(f, "Clients get a partial list (or none) of DCs or KDCs.");
		ew_finding_remedy(f, "Allow TCP port 53 from this host to its resolvers and "
				  "from the resolvers to the DCs.");
		ew_step_result_add(res, f);
	}
	if (g)
		ew_step_result_add(res, g);
	if (trunc == 0)
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_TC, EW_PASS,
						       "Every answer fit in a UDP message"));
	(void)failed;
}

void ew_dns_rule_autodiscover(const struct ew_dns_view *v, struct ew_step_result *res)
{
	char srv[300], host[300];
	int p_srv, p_a;
	struct ew_finding *f;

	snprintf(srv, sizeof(srv), "_autodiscover._tcp.%s", v->domain);
	snprintf(host, sizeof(host), "autodiscover.%s", v->domain);
	p_srv = presence(v, srv, EW_DNS_SRV);
	p_a = presence(v, host, EW_DNS_A);
	if (p_srv < 0 && p_a < 0) {
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_AUTODISCOVER, EW_SKIP,
						       "No resolver answered the Autodiscover "
						       "queries"));
		return;
	}
	if (p_srv == 1 && p_a == 1) {
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_AUTODISCOVER, EW_PASS,
						       "Autodiscover is published in DNS (%s and %s)",
						       srv, host));
		return;
	}
	f = ew_finding_new(EW_CK_DNS_AUTODISCOVER, EW_WARN, p_srv != 1 && p_a != 1 ?
			   "Autodiscover is not published in DNS" :
			   "Autodiscover has only one DNS path");
	if (f == NULL)
		return;
	if (p_srv != 1)
		evidence_per_server(f, v, srv, EW_DNS_SRV);
	if (p_a != 1)
		evidence_per_server(f, v, host, EW_DNS_A);
	ew_finding_detail(f, "Outlook inside the domain finds Exchange through the service "
			  "connection point in the directory first (checked with the "
			  "mailbox); outside it, or when the SCP lookup fails, it tries %s "
			  "and %s.", host, srv);
	ew_finding_remedy(f, "Publish autodiscover.%s (A or CNAME to the client access "
			  "server) or the SRV record _autodiscover._tcp.%s.", v->domain,
			  v->domain);
	ew_step_result_add(res, f);
}

static void upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

void ew_dns_rule_realm(const struct ew_dns_view *v, const struct ew_realm_probe *p,
		       size_t n, struct ew_step_result *res)
{
	size_t i, problems = 0, looked = 0;
	struct ew_finding *pass;

	pass = ew_finding_new(EW_CK_DNS_REALM, EW_PASS, "Each Exchange name maps to a realm "
			      "with KDCs");
	for (i = 0; i < n; i++) {
		const char *suffix = ew_dns_suffix(p[i].host);
		char hint[300], q[300];
		int ad, kdc_tcp, kdc_udp, mapped;
		struct ew_finding *f;

		if (suffix == NULL)
			continue;	/* a short name: the DNS search list decides */
		looked++;
		snprintf(hint, sizeof(hint), "%s", suffix);
		upper(hint);
		mapped = p[i].mit_realm && *p[i].mit_realm && v->realm &&
			 strcasecmp(p[i].mit_realm, v->realm) == 0;
		if (ew_dns_name_eq(suffix, v->domain)) {
			if (pass)
				ew_finding_evidence(pass, "%s: in the AD domain; realm %s", p[i].host,
						    hint);
			continue;
		}
		snprintf(q, sizeof(q), "_ldap._tcp.dc._msdcs.%s", suffix);
		ad = presence(v, q, EW_DNS_SRV);
		snprintf(q, sizeof(q), "_kerberos._tcp.%s", suffix);
		kdc_tcp = presence(v, q, EW_DNS_SRV);
		snprintf(q, sizeof(q), "_kerberos._udp.%s", suffix);
		kdc_udp = presence(v, q, EW_DNS_SRV);
		if (ad == 1 || kdc_tcp == 1 || kdc_udp == 1) {
			if (pass)
				ew_finding_evidence(pass, "%s: %s is %s", p[i].host, suffix,
						    ad == 1 ? "an AD domain" : "a realm with KDCs");
			continue;
		}
		problems++;
		f = ew_finding_new(EW_CK_DNS_REALM, mapped ? EW_WARN : EW_FAIL,
				   "%s: disjoint namespace; the realm hint %s has no KDC",
				   p[i].host, hint);
		if (f == NULL)
			continue;
		ew_finding_set_cause(f, EW_CAUSE_REALM_HINT);
		ew_finding_detail(f, "%s is not an AD domain and no KDC serves a realm %s, yet "
				  "it differs from the AD domain %s. Windows derives the realm "
				  "from the host's DNS suffix and asks for a ticket in %s, which "
				  "fails; Exchange 2003 front ends then talk NTLM to the back end "
				  "(EXPROX event 1000, KB909094).%s", suffix, hint, v->domain, hint,
				  mapped ? " This host's Kerberos maps it to the right realm, so "
				  "only Windows clients and front ends are hit." : "");
		ew_finding_evidence(f, "_ldap._tcp.dc._msdcs.%s: %s", suffix,
				    ad == 0 ? "No Record Available" : "no answer");
		ew_finding_evidence(f, "_kerberos._tcp.%s / _udp: %s", suffix,
				    kdc_tcp == 0 && kdc_udp == 0 ? "No Record Available" :
				    "no answer");
		ew_finding_evidence(f, "krb5_get_host_realm: %s", p[i].mit_realm == NULL ? "?" :
				    *p[i].mit_realm ? p[i].mit_realm :
				    "(none: referral to the default realm)");
		if (p[i].fallback)
			ew_finding_evidence(f, "krb5_get_fallback_host_realm: %s", p[i].fallback);
		ew_finding_remedy(f, "MIT clients: add to krb5.conf [domain_realm] "
				  "\".%s = %s\". Exchange 2003 front ends: the KB909094 hotfix and "
				  "the REG_DWORD DisableRealmHint = 1 under "
				  "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeWEB\\DAV. "
				  "Or give the server a name in the AD domain.", suffix,
				  v->realm ? v->realm : "YOUR.REALM");
		ew_step_result_add(res, f);
	}
	if (looked && problems == 0)
		ew_step_result_add(res, pass);
	else
		ew_finding_free(&pass);
	if (looked == 0 && n > 0)
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_REALM, EW_SKIP,
						       "No Exchange name has a DNS suffix "
						       "(give fully qualified names with -x)"));
}

void ew_dns_rule_cache(const struct ew_dns_view *v, const struct ew_cache *caches,
		       size_t ncaches, const int *flushed, struct ew_step_result *res)
{
	size_t c, i, k, s, differ_total = 0;
	int have_dc = 0;

	for (s = 0; s < v->nservers; s++)
		have_dc |= strcmp(v->servers[s].source, "dc") == 0;
	if (ncaches == 0) {
		ew_step_result_add(res, ew_finding_new(EW_CK_DNS_CACHE, EW_PASS,
						       "No local DNS cache between this host and "
						       "the DCs"));
		return;
	}
	for (c = 0; c < ncaches; c++) {
		const struct ew_cache *ca = &caches[c];
		struct ew_finding *f = NULL;
		size_t differ = 0, compared = 0, negative = 0, agree_ok = 0;

		if (ca->address && have_dc) {
			for (i = 0; i < v->nresults; i++) {
				const struct ew_dns_result *r = v->results[i];
				char *mine, *theirs;

				if (strcmp(r->server, ca->address) != 0 || !definitive(r->status))
					continue;
				for (k = 0; k < v->nresults; k++) {
					const struct ew_dns_result *o = v->results[k];

					if (o->type == r->type && ew_dns_name_eq(o->name, r->name) &&
					    !ew_dns_view_is_client(v, o->server) &&
					    definitive(o->status))
						break;
				}
				if (k == v->nresults)
					continue;
				compared++;
				mine = ew_dns_answer_set(r);
				theirs = ew_dns_answer_set(v->results[k]);
				if (mine && theirs && (strcmp(mine, theirs) != 0 ||
						       r->status != v->results[k]->status)) {
					if (f == NULL)
						f = ew_finding_new(EW_CK_DNS_CACHE, EW_WARN, "%s at %s "
								   "answers differently from the DC",
								   ca->program, ca->address);
					if (f)
						ew_finding_evidence(f, "%s %s: cache %s [%s] (TTL %u); "
								    "DC %s [%s]", r->name,
								    ew_dns_type_name(r->type),
								    ew_dns_status_name(r->status),
								    mine, r->ttl,
								    v->results[k]->server, theirs);
					differ++;
					negative += r->status != EW_DNS_OK;
				} else if (r->status == EW_DNS_OK) {
					agree_ok++;
				}
				free(mine);
				free(theirs);
			}
		}
		if (f && differ >= 3 && negative == differ && agree_ok == 0) {
			/* Not a stale cache: a resolver without the AD zone (DNS-SERVERS). */
			ew_finding_free(&f);
			f = ew_finding_new(EW_CK_DNS_CACHE, EW_INFO, "%s at %s does not serve the AD "
					   "zone at all (see DNS-SERVERS), so it is not compared as "
					   "a cache", ca->program, ca->address);
			ew_step_result_add(res, f);
			continue;
		}
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_DNS_CACHE_STALE);
			ew_finding_detail(f, "The cache keeps an answer until its TTL runs out; "
					  "clients behind it see the old records.%s",
					  flushed && flushed[c] == 1 ? " This is after a flush: the "
					  "cache still differs." : "");
			ew_finding_remedy(f, "Flush it (`exwizard check --flush`, or by hand: %s) "
					  "and look again; on Windows, `ipconfig /flushdns`.",
					  ca->kind == EW_CACHE_DNSMASQ ? "SIGHUP to dnsmasq" :
					  ca->kind == EW_CACHE_RESOLVED ? "resolvectl flush-caches" :
					  ca->kind == EW_CACHE_UNBOUND ? "unbound-control reload" :
					  "restart it");
			ew_step_result_add(res, f);
			differ_total += differ;
			continue;
		}
		f = ew_finding_new(EW_CK_DNS_CACHE, EW_INFO, "%s%s%s caches %s%s", ca->program,
				   ca->address ? " at " : "", ca->address ? ca->address : "",
				   ca->path, flushed && flushed[c] == 1 ? " (flushed; now agrees "
				   "with the DC)" : compared ? "; its answers agree with the DC" : "");
		if (f && ca->detail)
			ew_finding_evidence(f, "%s", ca->detail);
		if (f && flushed && flushed[c] == -1)
			ew_finding_evidence(f, "the flush failed (see the transcript)");
		if (f && ca->address && !have_dc)
			ew_finding_evidence(f, "no DC could be asked directly to compare");
		ew_step_result_add(res, f);
	}
	(void)differ_total;
}
