#include "exchrules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "finding.h"
#include "result.h"
#include "text.h"

static int release_of(int major, int minor)
{
	if (major < 0)
		return 0;
	if (major < 6)
		return EW_EXCH_55;
	if (major == 6)
		return minor >= 5 ? EW_EXCH_2003 : EW_EXCH_2000;
	if (major < 14)
		return EW_EXCH_2007;
	if (major == 14)
		return EW_EXCH_2010;
	if (major == 15 && minor == 0)
		return EW_EXCH_2013;
	if (major == 15 && minor == 1)
		return EW_EXCH_2016;
	return EW_EXCH_2019;	/* 15.2 and later: 2019 and Subscription Edition */
}

int ew_exch_version_parse(const char *serial, const char *msexchversion,
			  struct ew_exch_version *v)
{
	const char *p;

	v->major = v->minor = -1;
	v->build = -1;
	v->release = 0;
	v->from_msexchversion = 0;
	if (serial && strncasecmp(serial, "Version ", 8) == 0 && isdigit((unsigned char)serial[8])) {
		char *end;

		v->major = (int)strtol(serial + 8, &end, 10);
		v->minor = *end == '.' && isdigit((unsigned char)end[1]) ?
			   (int)strtol(end + 1, &end, 10) : 0;
		p = strstr(end, "Build ");
		if (p && isdigit((unsigned char)p[6]))
			v->build = strtol(p + 6, NULL, 10);
		v->release = release_of(v->major, v->minor);
		return 0;
	}
	if (msexchversion && isdigit((unsigned char)msexchversion[0])) {
		/* ExchangeObjectVersion: the server's major version in bits 34-39. */
		unsigned long long x = strtoull(msexchversion, NULL, 10);
		int major = (int)((x >> 34) & 0x3f);

		if (major == 8 || major == 14 || major == 15) {
			v->major = major;
			v->release = major == 15 ? EW_EXCH_2013 : release_of(major, 0);
			v->from_msexchversion = 1;
			return 0;
		}
	}
	return -1;
}

const char *ew_exch_release_name(const struct ew_exch_version *v, char *buf, size_t len)
{
	if (v->release == 0)
		snprintf(buf, len, "Exchange (version not known)");
	else if (v->release == EW_EXCH_55)
		snprintf(buf, len, "Exchange 5.5");
	else if (v->release == EW_EXCH_2013 && v->from_msexchversion)
		snprintf(buf, len, "Exchange 2013 or later");
	else
		snprintf(buf, len, "Exchange %d", v->release);
	return buf;
}

const char *ew_exch_network_fqdn(const char *value)
{
	static const char pfx[] = "ncacn_ip_tcp:";

	if (value && strncasecmp(value, pfx, sizeof(pfx) - 1) == 0 && value[sizeof(pfx) - 1])
		return value + sizeof(pfx) - 1;
	return NULL;
}

static int shares_address(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i, j;

	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (a[i] && b[j] && strcmp(a[i], b[j]) == 0)
				return 1;
	return 0;
}

static void plan_for(struct ew_exch_plan *p, int release, int server)
{
	p->release = release;
	if (release == 0) {
		p->services = EW_EXCH_RPC | EW_EXCH_HTTP;
		p->short_name = 1;
	} else if (release <= EW_EXCH_2010) {
		p->services = EW_EXCH_RPC | EW_EXCH_HTTP;
		p->short_name = server;
	} else {
		p->services = EW_EXCH_HTTP;
		p->short_name = 0;
	}
}

const char *ew_exch_plan_release_name(const struct ew_exch_plan *p, char *buf, size_t len)
{
	struct ew_exch_version v = { -1, -1, -1, p->release, 0 };

	v.from_msexchversion = p->or_later;
	return ew_exch_release_name(&v, buf, len);
}

void ew_exch_plan_name(const char *name, const char *const *addrs, size_t naddrs,
		       const struct ew_exch_server *s, size_t n, struct ew_exch_plan *p)
{
	size_t i;
	int oldest = 0, unknown = 0, or_later = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; name && i < n; i++) {
		if ((s[i].fqdn && strcasecmp(s[i].fqdn, name) == 0) ||
		    (!strchr(name, '.') && s[i].name && strcasecmp(s[i].name, name) == 0)) {
			p->kind = EW_EXNAME_SERVER;
			p->member[0] = i;
			p->nmembers = 1;
			plan_for(p, s[i].v.release, 1);
			p->or_later = s[i].v.from_msexchversion;
			return;
		}
	}
	for (i = 0; i < n && p->nmembers < EW_EXCH_MAX_MEMBERS; i++) {
		if (!shares_address(addrs, naddrs, s[i].addrs, s[i].naddrs))
			continue;
		p->member[p->nmembers++] = i;
		if (s[i].v.release == 0) {
			unknown = 1;
		} else if (oldest == 0 || s[i].v.release < oldest) {
			oldest = s[i].v.release;
			or_later = s[i].v.from_msexchversion;
		} else if (s[i].v.release == oldest) {
			or_later &= s[i].v.from_msexchversion;	/* one says exactly */
		}
	}
	if (p->nmembers == 0) {
		p->kind = EW_EXNAME_UNKNOWN;
		plan_for(p, 0, 1);
		return;
	}
	if (p->nmembers == 1) {
		/* another name of one server (an alias): nothing shared */
		p->kind = EW_EXNAME_SERVER;
		plan_for(p, s[p->member[0]].v.release, 0);
		p->or_later = s[p->member[0]].v.from_msexchversion;
		return;
	}
	p->kind = EW_EXNAME_SHARED;
	plan_for(p, unknown ? 0 : oldest, 0);
	p->or_later = unknown ? 0 : or_later;
}

/* The server of v whose own computer account (cn$) account is, or NULL. */
static const char *own_account_of(const char *const *v, size_t n, const char *account)
{
	size_t i, l = account ? strlen(account) : 0;

	if (l < 2 || account[l - 1] != '$')
		return NULL;
	for (i = 0; v && i < n; i++)
		if (v[i] && strlen(v[i]) == l - 1 && strncasecmp(v[i], account, l - 1) == 0)
			return v[i];
	return NULL;
}

/*
 * A shared name's HTTP/ SPN on the wrong account: the name's addresses, the
 * holder, the alternate service accounts (with none_said, what none means),
 * and the move to make.
 */
static void wrong_account_evidence(struct ew_finding *f, const struct ew_asa_name *a,
				   int none_said)
{
	size_t j;

	for (j = 0; j < a->naddrs; j++)
		ew_finding_evidence(f, "%s A %s", a->name, a->addrs[j]);
	ew_finding_evidence(f, "HTTP/%s: %s (%s)", a->name, a->holders[0].account,
			    a->holders[0].dn);
	for (j = 0; j < a->nasas; j++)
		ew_finding_evidence(f, "alternate service account: %s", a->asas[j]);
	if (none_said && a->nasas == 0)
		ew_finding_evidence(f, a->asas_read ? "no other computer account holds an "
				    "HTTP/ name of these servers" : "the alternate service accounts "
				    "could not be searched for");
	ew_finding_remedy(f, "Move the SPN to the alternate service account every member "
			  "shares: `setspn -D HTTP/%s %s`, then `setspn -S HTTP/%s %s`; deploy "
			  "its password to every member with RollAlternateServiceAccountPassword.ps1 "
			  "(Exchange Management Shell).", a->name, a->holders[0].account, a->name,
			  a->nasas == 1 ? a->asas[0] : "ASA$");
}

void ew_exch_rule_asa(int config_read, const char *why, const struct ew_asa_name *v, size_t n,
		      struct ew_step_result *res)
{
	struct ew_finding *f, *pass = NULL, *own = NULL;
	size_t i, j, nown = 0;

	if (!config_read) {
		f = ew_finding_new(EW_CK_SPN_ASA, EW_SKIP, "The Exchange configuration could not "
				   "be read: which names are shared by several servers is not "
				   "known");
		if (f && why)
			ew_finding_evidence(f, "%s", why);
		ew_step_result_add(res, f);
		return;
	}
	for (i = 0; i < n; i++)
		nown += !v[i].unknown && v[i].nmembers < 2;
	for (i = 0; i < n; i++) {
		const struct ew_asa_name *a = &v[i];
		struct ew_buf mem = {0}, asa = {0};
		const char *member;

		if (a->unknown) {
			f = ew_finding_new(EW_CK_SPN_ASA, EW_SKIP, "%s: whether several Exchange "
					   "servers share it is not known", a->name);
			if (f) {
				ew_finding_evidence(f, "no Exchange server object readable here "
						    "has this name or one of its addresses (a "
						    "load balancer's virtual IP, or a server of "
						    "another forest)");
				for (j = 0; j < a->naddrs; j++)
					ew_finding_evidence(f, "%s A %s", a->name, a->addrs[j]);
				ew_finding_remedy(f, "If it is load-balanced, HTTP/%s belongs on "
						  "the alternate service account the servers behind "
						  "it share (`setspn -Q HTTP/%s` names its holder).",
						  a->name, a->name);
			}
			ew_step_result_add(res, f);
			continue;
		}
		if (a->nmembers < 2) {
			/* one server's own name, or another name of its address */
			if (own == NULL)
				own = ew_finding_new(EW_CK_SPN_ASA, EW_PASS, nown == n ? "No "
						     "load-balanced name among the Exchange names "
						     "given: each is one server's own" : "Names that "
						     "are one server's own need no alternate service "
						     "account");
			if (own)
				ew_finding_evidence(own, "%s: %s", a->name, a->nmembers ?
						    a->members[0] : "?");
			continue;
		}
		ew_buf_list(&mem, a->members, a->nmembers, " and ");
		ew_buf_list(&asa, a->asas, a->nasas, " or ");
		if (!a->holders_read) {
			f = ew_finding_new(EW_CK_SPN_ASA, EW_SKIP, "HTTP/%s: its holder was not "
					   "learned", a->name);
			if (f)
				ew_finding_evidence(f, "%s", a->holders_why ? a->holders_why :
						    "the global catalog was not read");
			ew_step_result_add(res, f);
		} else if (a->nholders != 1) {
			/* none or several: SPN-UNIQUE says so */
		} else if (a->nmembers >= 2 &&
			   (member = own_account_of(a->members, a->nmembers,
						   a->holders[0].account)) != NULL) {
			f = ew_finding_new(EW_CK_SPN_ASA, EW_FAIL, "HTTP/%s is on %s, the member "
					   "%s's own account, not on the alternate service account%s%s",
					   a->name, a->holders[0].account, member,
					   a->nasas ? " " : "", a->nasas ? asa.data : "");
			if (f) {
				ew_finding_set_cause(f, EW_CAUSE_SPN_WRONG_ACCOUNT);
				ew_finding_detail(f, "%s is load-balanced over %s. The KDC encrypts "
						  "every ticket for HTTP/%s with %s's key, so Kerberos "
						  "works only when the balancer sends the client to %s; "
						  "on any other member Negotiate fails and Outlook falls "
						  "back to NTLM or asks for the password again.",
						  a->name, mem.data ? mem.data : "several servers",
						  a->name, a->holders[0].account, member);
				wrong_account_evidence(f, a, 1);
			}
			ew_step_result_add(res, f);
		} else if ((member = own_account_of(a->servers, a->nservers,
						    a->holders[0].account)) != NULL) {
			f = ew_finding_new(EW_CK_SPN_ASA, EW_FAIL, "HTTP/%s is on %s, the Exchange "
					   "server %s's own account, which is not behind the name",
					   a->name, a->holders[0].account, member);
			if (f) {
				ew_finding_set_cause(f, EW_CAUSE_SPN_WRONG_ACCOUNT);
				ew_finding_detail(f, "%s is load-balanced over %s. The KDC encrypts "
						  "every ticket for HTTP/%s with %s's key, which none "
						  "of them has: Negotiate fails on every member and "
						  "Outlook falls back to NTLM or asks for the password "
						  "again.", a->name, mem.data ? mem.data : "several "
						  "servers", a->name, a->holders[0].account);
				wrong_account_evidence(f, a, 0);
			}
			ew_step_result_add(res, f);
		} else {
			if (pass == NULL)
				pass = ew_finding_new(EW_CK_SPN_ASA, EW_PASS, "Load-balanced names "
						      "have their HTTP/ SPN on an account no single "
						      "member owns");
			if (pass)
				ew_finding_evidence(pass, "HTTP/%s: %s, shared by %s", a->name,
						    a->holders[0].account ? a->holders[0].account :
						    a->holders[0].dn, mem.data ? mem.data : "?");
		}
		ew_buf_reset(&mem);
		ew_buf_reset(&asa);
	}
	if (pass)
		ew_step_result_add(res, pass);
	if (own)
		ew_step_result_add(res, own);
}

/* "A$, B$" from the holders; "" when none. */
static void holders_text(struct ew_buf *b, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ew_buf_printf(b, "%s%s", i ? ", " : "", v[i] ? v[i] : "?");
}

void ew_exch_rule_namespace(const struct ew_ns_alias *v, size_t n, struct ew_step_result *res)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ew_ns_alias *a = &v[i];
		struct ew_buf held = {0}, canon = {0};
		struct ew_finding *f;
		/* a ticket given: someone holds it (perhaps as HOST/, through sPNMappings) */
		int unheld = a->canon_ticket != 1 &&
			     (a->canon_read ? a->ncanon_served == 0 : a->canon_ticket == 0);
		int alias_held = a->alias_read && a->nalias_holders > 0;

		if (a->name == NULL || a->canonical == NULL)
			continue;
		holders_text(&held, a->alias_holders, a->nalias_holders);
		holders_text(&canon, a->canon_holders, a->ncanon_holders);
		if (unheld && alias_held) {
			f = ew_finding_new(EW_CK_DNS_NAMESPACE, EW_WARN, "%s is an alias (CNAME) "
					   "of %s: clients ask for HTTP/%s, which no account "
					   "holds; HTTP/%s is on %s", a->name, a->canonical,
					   a->canonical, a->name, held.data);
			if (f) {
				ew_finding_set_cause(f, EW_CAUSE_NAME_CANON);
				ew_finding_evidence(f, "%s CNAME %s", a->name, a->canonical);
				ew_finding_evidence(f, "HTTP/%s: %s", a->canonical, a->canon_read ?
						    "no holder in the global catalog" :
						    "the session ticket was refused");
				ew_finding_evidence(f, "HTTP/%s: %s", a->name, held.data);
				ew_finding_detail(f, "Windows builds the service principal name "
						  "from the name the CNAME leads to, not from the "
						  "name Outlook was given: it asks for HTTP/%s, the "
						  "KDC finds no account for it, and Negotiate falls "
						  "back to NTLM. HTTP/%s was registered for a name "
						  "no client asks for.", a->canonical, a->name);
				ew_finding_remedy(f, "Replace the CNAME %s with A records (one per "
						  "member for a load-balanced name: Microsoft "
						  "recommends A records for Exchange namespaces), or "
						  "register the name the clients ask for on the "
						  "account that holds the alias's: setspn -S HTTP/%s "
						  "%s", a->name, a->canonical,
						  a->alias_holders[0] ? a->alias_holders[0] :
						  "ACCOUNT");
			}
		} else {
			f = ew_finding_new(EW_CK_DNS_NAMESPACE, EW_INFO, "%s is an alias (CNAME) "
					   "of %s: Outlook asks for HTTP/%s; the session tickets "
					   "were asked for that name", a->name, a->canonical,
					   a->canonical);
			if (f) {
				ew_finding_evidence(f, "%s CNAME %s", a->name, a->canonical);
				if (a->canon_read)
					ew_finding_evidence(f, "HTTP/%s: %s", a->canonical,
							    canon.data ? canon.data : "no holder");
				if (alias_held)
					ew_finding_evidence(f, "HTTP/%s: %s (no client asks for "
							    "it)", a->name, held.data);
				ew_finding_detail(f, "Windows builds the service principal name "
						  "from the name the CNAME leads to. Microsoft "
						  "recommends A records for Exchange namespaces.");
			}
		}
		ew_step_result_add(res, f);
		ew_buf_reset(&held);
		ew_buf_reset(&canon);
	}
}

const char *ew_url_host(const char *url, char *buf, size_t len)
{
	const char *p = url ? strstr(url, "://") : NULL;
	size_t n;

	if (p == NULL || len == 0)
		return NULL;
	p += 3;
	if (*p == '[') {
		/* an IPv6 literal, [v6]:port: the address, then a port or the path */
		const char *end = strchr(p, ']');

		if (end == NULL || end == p + 1 || !strchr(":/?#", end[1]) ||
		    (size_t)(end - p - 1) >= len || memchr(p, '/', (size_t)(end - p)))
			return NULL;
		memcpy(buf, p + 1, (size_t)(end - p - 1));
		buf[end - p - 1] = '\0';
		return buf;
	}
	n = strcspn(p, ":/?#");
	if (n == 0 || n >= len || memchr(p, '@', n))
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

void ew_exch_rule_scp(int config_read, const char *why, size_t nscope, const struct ew_scp *s,
		      size_t n, struct ew_step_result *res)
{
	struct ew_finding *f, *pass = NULL;
	size_t i, j, bad = 0;
	char host[256];

	if (!config_read || nscope == 0) {
		f = ew_finding_new(EW_CK_EXCH_SCP, EW_SKIP, !config_read ? "The Exchange "
				   "configuration could not be read: the Autodiscover SCPs were "
				   "not looked at" : "No Exchange server of the configuration is "
				   "behind the names given: whose Autodiscover SCPs to look at is "
				   "not known");
		if (f && why)
			ew_finding_evidence(f, "%s", why);
		ew_step_result_add(res, f);
		return;
	}
	for (i = 0; i < n; i++) {
		const char *h = ew_url_host(s[i].url, host, sizeof(host));

		if (h == NULL) {
			f = ew_finding_new(EW_CK_EXCH_SCP, EW_WARN, "%s's Autodiscover SCP has no "
					   "usable URL", s[i].server);
			if (f) {
				ew_finding_evidence(f, "serviceBindingInformation: %s",
						    s[i].url ? s[i].url : "(none)");
				ew_finding_remedy(f, "Set-ClientAccessService %s "
						  "-AutoDiscoverServiceInternalUri "
						  "https://NAME/Autodiscover/Autodiscover.xml",
						  s[i].server);
			}
			ew_step_result_add(res, f);
			bad++;
		} else if (s[i].resolves == 0) {
			f = ew_finding_new(EW_CK_EXCH_SCP, EW_WARN, "%s's Autodiscover SCP names "
					   "%s, which has no address", s[i].server, h);
			if (f) {
				ew_finding_detail(f, "Domain-joined Outlook reads the SCPs first and "
						  "tries each URL: a stale one costs a timeout before "
						  "the next, and a client that gets no answer falls "
						  "back to other ways of finding Exchange or fails to "
						  "set the profile up.");
				ew_finding_evidence(f, "serviceBindingInformation: %s", s[i].url);
				ew_finding_evidence(f, "%s: %s", h, s[i].why ? s[i].why : "no address");
				ew_finding_remedy(f, "Set-ClientAccessService %s "
						  "-AutoDiscoverServiceInternalUri "
						  "https://NAME/Autodiscover/Autodiscover.xml with the "
						  "name the other servers of the site use (or give %s an "
						  "A record).", s[i].server, h);
			}
			ew_step_result_add(res, f);
			bad++;
		} else if (s[i].resolves < 0 || s[i].ticket < 0) {
			/* not looked at: neither a fault nor part of the pass */
			f = ew_finding_new(EW_CK_EXCH_SCP, EW_SKIP, "%s's Autodiscover SCP names "
					   "%s: %s", s[i].server, h, s[i].resolves < 0 ?
					   "whether it resolves was not learned" :
					   "no HTTP/ ticket was asked for it");
			if (f) {
				ew_finding_evidence(f, "serviceBindingInformation: %s", s[i].url);
				if (s[i].resolves < 0 && s[i].why)
					ew_finding_evidence(f, "%s", s[i].why);
			}
			ew_step_result_add(res, f);
		} else if (s[i].ticket == 0) {
			f = ew_finding_new(EW_CK_EXCH_SCP, EW_WARN, "%s's Autodiscover SCP names "
					   "%s, for which no HTTP/ ticket is issued", s[i].server, h);
			if (f) {
				ew_finding_evidence(f, "serviceBindingInformation: %s", s[i].url);
				ew_finding_remedy(f, "Register HTTP/%s on the account that serves it "
						  "(the alternate service account of a load-balanced "
						  "name): see KRB-SVC and SPN-ASA.", h);
			}
			ew_step_result_add(res, f);
			bad++;
		} else {
			if (pass == NULL)
				pass = ew_finding_new(EW_CK_EXCH_SCP, EW_PASS, "The Autodiscover "
						      "SCPs name hosts that resolve");
			if (pass)
				ew_finding_evidence(pass, "%s: %s", s[i].server, s[i].url);
		}
	}
	/* One site, one URL: the servers of a site hand out the same. */
	for (i = 0; i < n; i++) {
		int first = 1;

		for (j = 0; j < i; j++)
			if (s[j].site && s[i].site && strcasecmp(s[j].site, s[i].site) == 0)
				first = 0;
		if (!first || s[i].site == NULL)
			continue;
		for (j = i + 1; j < n; j++) {
			if (s[j].site == NULL || strcasecmp(s[j].site, s[i].site) != 0 ||
			    (!s[i].url && !s[j].url) ||
			    (s[i].url && s[j].url && strcasecmp(s[i].url, s[j].url) == 0))
				continue;
			f = ew_finding_new(EW_CK_EXCH_SCP, EW_WARN, "The Autodiscover SCPs of site "
					   "%s name different URLs", s[i].site);
			if (f) {
				size_t k;

				for (k = i; k < n; k++)
					if (s[k].site && strcasecmp(s[k].site, s[i].site) == 0)
						ew_finding_evidence(f, "%s: %s", s[k].server,
								    s[k].url ? s[k].url : "(none)");
				ew_finding_remedy(f, "Give every server of the site the same "
						  "AutoDiscoverServiceInternalUri "
						  "(Set-ClientAccessService).");
			}
			ew_step_result_add(res, f);
			bad++;
			break;
		}
	}
	if (pass && bad == 0)
		ew_step_result_add(res, pass);
	else
		ew_finding_free(&pass);
}

/* The SPNs a client asks for name, by its plan (NULL: every class, both forms). */
size_t ew_exch_plan_spns(const char *name, const struct ew_exch_plan *p, char **out, size_t max)
{
	static const char *const rpc[] = { "exchangeMDB", "exchangeRFR", "exchangeAB" };
	unsigned svc = p ? p->services : EW_EXCH_RPC | EW_EXCH_HTTP;
	int with_short = p ? p->short_name : 1;
	char shortname[64];
	size_t k, n = 0, form;

	snprintf(shortname, sizeof(shortname), "%.*s", (int)strcspn(name, "."), name);
	for (k = 0; shortname[k]; k++)
		shortname[k] = (char)toupper((unsigned char)shortname[k]);
	for (form = 0; form < 2; form++) {
		const char *h = form ? shortname : name;

		if (form && (!with_short || !strchr(name, '.')))
			break;
		for (k = 0; k < 3 && (svc & EW_EXCH_RPC) && n < max; k++)
			out[n++] = ew_strprintf("%s/%s", rpc[k], h);
		if ((svc & EW_EXCH_HTTP) && n < max)
			out[n++] = ew_strprintf("HTTP/%s", h);
	}
	return n;
}
