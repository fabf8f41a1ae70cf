/*
 * Large on purpose: one fix function per cause of the catalogue (18), each
 * a few commands with the names filled in; splitting them by step would
 * scatter the shared name lookups and the table that dispatches them.
 *
 * diagfix.c - the fix of each cause of the diagnosis (diagnosis.h): its
 * title with the names found, the commands to paste on Windows and on this
 * host, and how to confirm, filled from the step results' typed data
 * (stepdata.h), the findings that prove the cause and the target. Where a
 * name is not known the line says where to look it up. Pure: jansson, step
 * data and text only.
 */
#include "diagnosis.h"
#include "exchrules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stepdata.h"
#include "text.h"

/* The ids of the steps whose data the fixes read (the step table's). */

#define FX_MAX_NAMES 16
#define FX_UDP_LIMIT 1465

struct fx {
	struct ew_diag_cause *c;
	const char *user, *account, *realm, *domain, *mover, *dc;
	const json_t *exchange;
	char account_buf[256];
	int has_dns, has_tk, has_gr, has_mb;
	struct ew_dns_data dns;
	struct ew_tickets_data tk;
	struct ew_groups_data gr;
	struct ew_mailbox_data mb;
	char *tmp[32];		/* quoted copies (fx_q), freed at the end */
	size_t ntmp;
};

/* ------------------------------------------------------------------ lines */

#define FX_WIN 0
#define FX_LIN 1
#define FX_TITLE 2

/* s (owned, NULL when out of memory) as a line of the Windows fix, of this
 * host's, or as the title. */
static void fx_put(struct fx *f, int where, char *s)
{
	char ***v = where == FX_LIN ? &f->c->fix_linux : &f->c->fix_windows, **nv;
	size_t *n = where == FX_LIN ? &f->c->nfix_linux : &f->c->nfix_windows;

	if (s && where == FX_TITLE) {
		free(f->c->title);
		f->c->title = s;
		return;
	}
	nv = s ? realloc(*v, (*n + 1) * sizeof(*nv)) : NULL;
	if (nv == NULL) {
		free(s);
		return;
	}
	nv[(*n)++] = s;
	*v = nv;
}

__attribute__((format(printf, 3, 4)))
static void fx_add(struct fx *f, int where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fx_put(f, where, ew_vstrprintf_clean(fmt, ap));
	va_end(ap);
}
#define fx_win(f, ...) fx_add(f, FX_WIN, __VA_ARGS__)
#define fx_lin(f, ...) fx_add(f, FX_LIN, __VA_ARGS__)
#define fx_title(f, ...) fx_add(f, FX_TITLE, __VA_ARGS__)

/* "exwizard check STEP" for the same target, then what, with what the
 * Windows client shows afterwards. */
__attribute__((format(printf, 3, 4)))
static void fx_confirm(struct fx *f, const char *step, const char *fmt, ...)
{
	struct ew_buf b = { 0 };
	const json_t *x;
	size_t i;
	va_list ap;

	ew_buf_printf(&b, "Run again: exwizard check%s%s", *step ? " " : "", step);
	if (f->realm)
		ew_buf_printf(&b, " -r %s", f->realm);
	if (f->user)
		ew_buf_printf(&b, " -u %s", f->user);
	json_array_foreach(f->exchange, i, x)
		if (json_is_string(x))
			ew_buf_printf(&b, " -x %s", json_string_value(x));
	if (f->mover)
		ew_buf_printf(&b, " -m %s", f->mover);
	if (f->dc)
		ew_buf_printf(&b, " --dc %s", f->dc);
	ew_buf_adds(&b, "; ");
	va_start(ap, fmt);
	ew_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(f->c->confirm);
	f->c->confirm = ew_text_cleanz(b.data ? b.data : "");
	ew_buf_reset(&b);
}

/*
 * s for a PowerShell string in single quotes: each quote doubled, the
 * typographic ones too (PowerShell takes them as quotes). A value from the
 * directory (a DN such as CN=Pat O'Brien) must not end the string early.
 */
static const char *fx_q(struct fx *f, const char *s)
{
	static const char *const quotes[] = { "'", "\xe2\x80\x98", "\xe2\x80\x99",
					      "\xe2\x80\x9a", "\xe2\x80\x9b" };
	struct ew_buf b = { 0 };
	const char *p;
	size_t k;
	char *q;

	if (s == NULL || f->ntmp == sizeof(f->tmp) / sizeof(f->tmp[0]))
		return s;
	for (p = s; *p; ) {
		for (k = 0; k < sizeof(quotes) / sizeof(quotes[0]); k++)
			if (strncmp(p, quotes[k], strlen(quotes[k])) == 0)
				break;
		if (k < sizeof(quotes) / sizeof(quotes[0])) {
			ew_buf_add(&b, p, strlen(quotes[k]));
			ew_buf_add(&b, p, strlen(quotes[k]));
			p += strlen(quotes[k]);
		} else {
			ew_buf_addc(&b, *p++);
		}
	}
	q = ew_buf_take(&b);
	if (q == NULL)
		return s;
	f->tmp[f->ntmp++] = q;
	return q;
}

/* Whether s can stand in double quotes on a cmd.exe line (no quote in it). */
static int fx_cmd_ok(const char *s)
{
	return s && strchr(s, '"') == NULL;
}

/* Names joined as "a", "a and b", "a, b and c" into b. */
static int fx_has(const char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* The first place of needle in hay, case ignored, or NULL. */
static const char *fx_icase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

static void fx_add_name(const char **v, size_t *n, const char *s)
{
	if (s && *s && *n < FX_MAX_NAMES && !fx_has(v, *n, s))
		v[(*n)++] = s;
}

/* ------------------------------------------------------------- the data */

static const struct ew_spn_holders_data *fx_holders(const struct fx *f, const char *spn)
{
	size_t i;

	for (i = 0; f->has_tk && i < f->tk.nspn_holders; i++)
		if (f->tk.spn_holders[i].spn && strcasecmp(f->tk.spn_holders[i].spn, spn) == 0)
			return &f->tk.spn_holders[i];
	return NULL;
}

/* Whether host names h1 and h2 are one server (FQDN or short name). */
static int fx_same_host(const char *h1, const char *h2)
{
	size_t l1 = strcspn(h1, "."), l2 = strcspn(h2, ".");

	if (strcasecmp(h1, h2) == 0)
		return 1;
	return (h1[l1] == '\0' || h2[l2] == '\0') && l1 == l2 && strncasecmp(h1, h2, l1) == 0;
}

/* The only holder of another SPN of spn's host: the account that runs the
 * services there (the computer account, or the service account), or NULL. */
static const char *fx_host_account(const struct fx *f, const char *spn)
{
	const char *host = strchr(spn, '/');
	size_t i;

	if (host == NULL)
		return NULL;
	for (i = 0; f->has_tk && i < f->tk.nspn_holders; i++) {
		const struct ew_spn_holders_data *h = &f->tk.spn_holders[i];
		const char *oh = h->spn ? strchr(h->spn, '/') : NULL;

		if (oh && h->nholders == 1 && h->holders[0].account &&
		    strcasecmp(h->spn, spn) != 0 && fx_same_host(oh + 1, host + 1))
			return h->holders[0].account;
	}
	return NULL;
}

/* The SPNs named in the titles of the cause's evidence (CLASS/host), into
 * v; what stays owned is in store (freed by the caller). */
static size_t fx_evidence_spns(const struct fx *f, char **store, const char **v)
{
	size_t i, n = 0;

	for (i = 0; i < f->c->nevidence && n < FX_MAX_NAMES; i++) {
		const char *t = f->c->evidence[i].title, *p, *s;

		/* What the client showed backs the domain's findings; its file
		 * names are no SPNs. */
		if (strcmp(f->c->evidence[i].step, "client") == 0)
			continue;
		for (p = t; p && (p = strchr(p, '/')) != NULL; p++) {
			size_t len;

			for (s = p; s > t && s[-1] != ' ' && s[-1] != '('; s--)
				;
			len = strcspn(s, " ,;:)");
			while (len && s[len - 1] == '.')
				len--;
			if (s == p || len <= (size_t)(p - s) + 1 || n >= FX_MAX_NAMES)
				continue;
			store[n] = ew_text_clean(s, len);
			if (store[n] == NULL)
				break;
			if (fx_has(v, n, store[n])) {
				free(store[n]);
				continue;
			}
			v[n] = store[n];
			n++;
			p = s + len - 1;
		}
	}
	return n;
}

/* ------------------------------------------------------------- per cause */

static void fix_no_tgt(struct fx *f)
{
	const char *u = f->user ? f->user : "the user";

	fx_title(f, "%s has no valid Kerberos ticket-granting ticket", u);
	fx_win(f, "klist tgt");
	fx_win(f, "klist purge, then lock and unlock the workstation (or log off and on) as %s", u);
	if (f->user)
		fx_lin(f, "kinit %s%s%s", f->user, strchr(f->user, '@') || !f->realm ? "" : "@",
		       strchr(f->user, '@') || !f->realm ? "" : f->realm);
	else
		fx_lin(f, "kinit (as the user; klist shows whose tickets the cache holds)");
	fx_confirm(f, "tickets", "klist lists krbtgt/%s; on the Windows client klist tgt shows "
		   "the ticket and event 40961 stops", f->realm ? f->realm : "REALM");
}

/* The port of an SRV name by its service label. */
static int fx_srv_port(const char *name)
{
	if (strncasecmp(name, "_kerberos.", 10) == 0)
		return 88;
	if (strncasecmp(name, "_kpasswd.", 9) == 0)
		return 464;
	if (strncasecmp(name, "_gc.", 4) == 0)
		return 3268;
	return 389;
}

/* The DC an SRV answer names (the last word of "0 100 389 dc1.x"). */
static const char *fx_dc_host(const struct fx *f)
{
	size_t i;

	if (f->dc)
		return f->dc;
	if (f->has_tk && f->tk.nkdcs && f->tk.kdcs[0].host)
		return f->tk.kdcs[0].host;
	for (i = 0; f->has_dns && i < f->dns.nrecords; i++) {
		const struct ew_dns_record_data *r = &f->dns.records[i];
		const char *sp;

		if (r->nanswers && r->answers[0] && r->type && strcmp(r->type, "SRV") == 0 &&
		    (sp = strrchr(r->answers[0], ' ')) != NULL && sp[1])
			return sp + 1;
	}
	return NULL;
}

static int fx_record_ok(const struct fx *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->dns.nrecords; i++)
		if (f->dns.records[i].name && name &&
		    strcasecmp(f->dns.records[i].name, name) == 0 && f->dns.records[i].status &&
		    strcmp(f->dns.records[i].status, "ok") == 0)
			return 1;
	return 0;
}

static int fx_negative(const char *status)
{
	return status && (strcmp(status, "nxdomain") == 0 || strcmp(status, "nodata") == 0);
}

static void fix_dns_srv_missing(struct fx *f)
{
	const char *names[FX_MAX_NAMES] = { 0 }, *dc = fx_dc_host(f), *d = f->domain;
	struct ew_buf b = { 0 };
	size_t i, n = 0;

	for (i = 0; f->has_dns && i < f->dns.nrecords; i++) {
		const struct ew_dns_record_data *r = &f->dns.records[i];

		if (r->name && r->type && strcmp(r->type, "SRV") == 0 && fx_negative(r->status) &&
		    !fx_record_ok(f, r->name))
			fx_add_name(names, &n, r->name);
	}
	ew_buf_list(&b, names, n, " and ");
	if (n)
		fx_title(f, "No Record Available: %s (SRV)", b.data);
	ew_buf_reset(&b);
	if (dc)
		fx_win(f, "nltest /server:%s /dsregdns   (on the DC: registers its SRV records "
		       "again)", dc);
	else
		fx_win(f, "nltest /dsregdns   (on each domain controller)");
	for (i = 0; i < n && d; i++) {
		const char *msdcs = strstr(names[i], "._msdcs.");
		size_t rel = msdcs ? (size_t)(msdcs - names[i]) :
			strlen(names[i]) > strlen(d) + 1 ? strlen(names[i]) - strlen(d) - 1 : 0;
		int port = fx_srv_port(names[i]);

		if (rel == 0)
			continue;
		if (dc)
			fx_win(f, "Add-DnsServerResourceRecord -ZoneName %s%s -Srv -Name %.*s "
			       "-DomainName %s -Priority 0 -Weight 100 -Port %d",
			       msdcs ? "_msdcs." : "", d, (int)rel, names[i], dc, port);
		else
			fx_win(f, "Add-DnsServerResourceRecord -ZoneName %s%s -Srv -Name %.*s "
			       "-Priority 0 -Weight 100 -Port %d -DomainName (a DC's name: "
			       "nltest /dclist:%s)", msdcs ? "_msdcs." : "", d, (int)rel,
			       names[i], port, d);
	}
	if (n == 0)
		fx_win(f, "dcdiag /test:dns /v   (names the missing records; then nltest "
		       "/dsregdns on the DC)");
	fx_win(f, "ipconfig /flushdns");
	fx_lin(f, "resolvectl flush-caches   (or exwizard check dns --flush)");
	fx_confirm(f, "dns", "DNS-SRV finds every record; on the Windows client nltest "
		   "/dsgetdc:%s /kdc finds a DC and event 40961 stops", d ? d : "DOMAIN");
}

static void fix_dns_resolver_split(struct fx *f)
{
	const char *bad[FX_MAX_NAMES], *good[FX_MAX_NAMES];
	struct ew_buf b = { 0 }, g = { 0 }, comma = { 0 };
	size_t i, j, nb = 0, ng = 0;

	for (i = 0; f->has_dns && i < f->dns.nrecords; i++) {
		const struct ew_dns_record_data *r = &f->dns.records[i];

		if (!r->name || !r->server || !fx_negative(r->status))
			continue;
		for (j = 0; j < f->dns.nrecords; j++)
			if (f->dns.records[j].name && f->dns.records[j].server &&
			    strcasecmp(f->dns.records[j].name, r->name) == 0 && r->type &&
			    f->dns.records[j].type && strcmp(f->dns.records[j].type, r->type) == 0 &&
			    f->dns.records[j].status && strcmp(f->dns.records[j].status, "ok") == 0) {
				fx_add_name(bad, &nb, r->server);
				fx_add_name(good, &ng, f->dns.records[j].server);
			}
	}
	for (i = 0; i < ng; i++)	/* a server that is also wrong is no good one */
		if (fx_has(bad, nb, good[i]))
			good[i--] = good[--ng];
	ew_buf_list(&b, bad, nb, " and ");
	ew_buf_list(&g, good, ng, " and ");
	for (i = 0; i < ng; i++)
		ew_buf_printf(&comma, "%s%s", i ? "," : "", good[i]);
	if (nb)
		fx_title(f, "DNS server %s answers No Record Available for the AD zone %s%s%s%s",
			 b.data, f->domain ? f->domain : "", ng ? " where " : "",
			 ng ? g.data : "", ng ? (ng > 1 ? " have the records" : " has the records") : "");
	for (i = 0; i < nb; i++) {
		fx_win(f, "Get-DnsClientServerAddress -AddressFamily IPv4 | Where-Object "
		       "ServerAddresses -contains '%s' | ForEach-Object { "
		       "Set-DnsClientServerAddress -InterfaceIndex $_.InterfaceIndex "
		       "-ServerAddresses ($_.ServerAddresses -ne '%s') }", fx_q(f, bad[i]), fx_q(f, bad[i]));
		fx_win(f, "(where DHCP hands %s out: remove it from option 006 DNS Servers, "
		       "Set-DhcpServerv4OptionValue -DnsServer %s)", bad[i], ng ? comma.data : "(the "
		       "DCs' addresses)");
		fx_lin(f, "sed -i '/^nameserver %s$/d' /etc/resolv.conf   (or drop %s where "
		       "resolv.conf is made: resolvectl dns, NetworkManager, DHCP)", bad[i], bad[i]);
	}
	if (nb == 0) {
		fx_win(f, "Get-DnsClientServerAddress -AddressFamily IPv4   (look for a DNS "
		       "server that is not a DC; remove it)");
		fx_lin(f, "grep nameserver /etc/resolv.conf   (remove the one that is not a DC)");
	}
	fx_win(f, "ipconfig /flushdns");
	fx_confirm(f, "dns", "DNS-SERVERS finds every resolver agreeing; on the Windows client "
		   "ipconfig /all lists only the DCs' DNS servers and event 40961 stops");
	ew_buf_reset(&b);
	ew_buf_reset(&g);
	ew_buf_reset(&comma);
}

/* The flush of one cache on this host. */
static void fx_flush(struct fx *f, const struct ew_dns_cache_data *k)
{
	const char *kind = k->kind ? k->kind : "";

	if (strcmp(kind, "dnsmasq") == 0 && k->pid > 0)
		fx_lin(f, "kill -HUP %lld   (dnsmasq at %s drops its cache; or systemctl restart "
		       "dnsmasq)", k->pid, k->address ? k->address : "this host");
	else if (strcmp(kind, "dnsmasq") == 0)
		fx_lin(f, "systemctl restart dnsmasq");
	else if (strcmp(kind, "nscd") == 0)
		fx_lin(f, "nscd -i hosts");
	else if (strcmp(kind, "unbound") == 0)
		fx_lin(f, "unbound-control reload");
	else if (strstr(kind, "sssd"))
		fx_lin(f, "sss_cache -E   (and remove the stale kdcinfo file %s)",
		       k->path ? k->path : "under /var/lib/sss/pubconf");
	else
		fx_lin(f, "resolvectl flush-caches");
}

static void fix_dns_cache_stale(struct fx *f)
{
	size_t i, j, found = 0, by_address = 0, host = 0;

	/* Only the client's cache (ipconfig /displaydns): the flush is the
	 * client's. */
	for (j = 0; j < f->c->nevidence; j++)
		host += strcmp(f->c->evidence[j].step, "client") != 0;
	if (host == 0 && f->c->nevidence) {
		fx_title(f, "The Windows client's DNS cache holds a negative answer for a name "
			 "Kerberos or DC location needs");
		fx_win(f, "ipconfig /flushdns   (on the client, then start Outlook again)");
		fx_lin(f, "nothing on this host: the negative answer is in the Windows client's "
		       "cache");
		fx_confirm(f, "client", "with the client's new ipconfig /displaydns and klist "
			   "(--client-file), CLIENT-DNS finds no negative answer and klist lists "
			   "the Exchange session tickets");
		return;
	}

	for (i = 0; f->has_dns && i < f->dns.ncaches; i++)
		for (j = 0; j < f->c->nevidence; j++)
			if (f->dns.caches[i].address &&
			    strstr(f->c->evidence[j].title, f->dns.caches[i].address))
				by_address = 1;
	for (i = 0; f->has_dns && i < f->dns.ncaches; i++) {
		const struct ew_dns_cache_data *k = &f->dns.caches[i];
		const char *key = by_address ? k->address : k->program;
		int named = 0;

		for (j = 0; key && j < f->c->nevidence; j++)
			if (strstr(f->c->evidence[j].title, key))
				named = 1;
		if (!named && f->c->nevidence)
			continue;
		if (found++ == 0)
			fx_title(f, "The DNS cache %s at %s holds an answer the DC does not give",
				 k->program ? k->program : k->kind ? k->kind : "of this host",
				 k->address ? k->address : "this host");
		fx_flush(f, k);
	}
	if (found == 0)
		fx_lin(f, "resolvectl flush-caches; nscd -i hosts   (or exwizard check dns --flush, "
		       "which finds the caches and flushes them)");
	fx_win(f, host < f->c->nevidence ? "ipconfig /flushdns   (on the Windows client too: "
	       "its cache holds a negative answer)" : "ipconfig /flushdns");
	fx_win(f, "Clear-DnsServerCache -ComputerName %s -Force   (on the DNS server the "
	       "client asks)", fx_dc_host(f) ? fx_dc_host(f) : "the DNS server");
	fx_confirm(f, "dns", "DNS-CACHE finds the cached answers equal to the DC's; on the "
		   "Windows client ipconfig /displaydns shows the DC's answer");
}

static void fix_name_canon(struct fx *f)
{
	const char *spns[FX_MAX_NAMES];
	char *store[FX_MAX_NAMES];
	size_t i, j, n = fx_evidence_spns(f, store, spns), done = 0;

	for (i = 0; f->has_dns && i < f->dns.nrecords; i++) {
		const struct ew_dns_record_data *r = &f->dns.records[i];
		const char *canon, *rel;

		if (!r->ncnames || !r->name || !f->domain)
			continue;
		canon = r->cnames[r->ncnames - 1];
		if (canon == NULL)
			continue;
		/* A name in the domain's zone: NAME.DOMAIN, the part before it. */
		rel = strlen(r->name) > strlen(f->domain) + 1 &&
		      r->name[strlen(r->name) - strlen(f->domain) - 1] == '.' &&
		      strcasecmp(r->name + strlen(r->name) - strlen(f->domain), f->domain) == 0 ?
		      r->name : NULL;
		if (done++ == 0)
			fx_title(f, "%s is an alias of %s: the client asks for HTTP/%s, not "
				 "HTTP/%s", r->name, canon, canon, r->name);
		if (rel)
			fx_win(f, "Remove-DnsServerResourceRecord -ZoneName %s -Name %.*s -RRType "
			       "CNAME -Force; Add-DnsServerResourceRecordA -ZoneName %s -Name %.*s "
			       "-IPv4Address %s", f->domain,
			       (int)(strlen(r->name) - strlen(f->domain) - 1), r->name, f->domain,
			       (int)(strlen(r->name) - strlen(f->domain) - 1), r->name,
			       r->nanswers && r->answers[0] ? r->answers[0] :
			       "(the address of the server)");
	}
	for (j = 0; j < n; j++) {
		const char *acc = fx_host_account(f, spns[j]);

		if (done == 0 && j == 0)
			fx_title(f, "The client asks for %s, another name than the one registered",
				 spns[j]);
		fx_win(f, "setspn -Q %s", spns[j]);
		if (acc)
			fx_win(f, "setspn -S %s %s   (if that name is to stay)", spns[j], acc);
	}
	if (done + n == 0)
		fx_win(f, "nslookup -type=CNAME each Exchange name; make each an A record "
		       "(Microsoft recommends A records for Exchange names)");
	fx_lin(f, "[libdefaults] rdns = false and dns_canonicalize_hostname = false in "
	       "/etc/krb5.conf (ask for the name as typed)");
	fx_confirm(f, "dns tickets", "DNS-TARGETS finds forward and reverse agreeing; on the "
		   "Windows client klist get HTTP/SERVER lists the ticket for the name typed");
	for (j = 0; j < n; j++)
		free(store[j]);
}

static void fix_realm_hint(struct fx *f)
{
	const char *hosts[FX_MAX_NAMES];
	size_t i, n = 0;
	const json_t *x;

	json_array_foreach(f->exchange, i, x) {
		const char *h = json_string_value(x), *dot = h ? strchr(h, '.') : NULL;
		size_t e;
		int named = 0;

		for (e = 0; dot && e < f->c->nevidence; e++)
			if (strncasecmp(f->c->evidence[e].title, h, strlen(h)) == 0)
				named = 1;
		if (named || (dot && f->c->nevidence == 0 && f->domain &&
			      strcasecmp(dot + 1, f->domain) != 0))
			fx_add_name(hosts, &n, h);
	}
	for (i = 0; i < n; i++) {
		const char *suffix = strchr(hosts[i], '.') + 1;

		if (i == 0)
			fx_title(f, "%s: disjoint namespace; the realm hint from %s is no AD "
				 "domain (the realm is %s)", hosts[i], suffix,
				 f->realm ? f->realm : "the AD realm");
		fx_win(f, "ksetup /addhosttorealmmap .%s %s   (on the clients)", suffix,
		       f->realm ? f->realm : "REALM");
		fx_win(f, "reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeWEB\\DAV /v "
		       "DisableRealmHint /t REG_DWORD /d 1   (on the Exchange 2003 front end %s, "
		       "after the SP2 hotfix of KB909094)", hosts[i]);
		fx_lin(f, "[domain_realm] .%s = %s and %s = %s in /etc/krb5.conf", suffix,
		       f->realm ? f->realm : "REALM", suffix, f->realm ? f->realm : "REALM");
	}
	if (n == 0) {
		fx_win(f, "ksetup /addhosttorealmmap .(the DNS suffix DNS-REALM names) %s",
		       f->realm ? f->realm : "(the AD realm)");
		fx_lin(f, "[domain_realm] .(the DNS suffix DNS-REALM names) = %s in /etc/krb5.conf",
		       f->realm ? f->realm : "(the AD realm)");
	}
	fx_confirm(f, "dns tickets", "DNS-REALM maps each Exchange name to %s; EXPROX event 1000 "
		   "stops on the front end", f->realm ? f->realm : "the realm");
}

/* The KDC probes on port 88 that failed, as "host (address) over udp"... */
static size_t fx_kdc_failed(const struct fx *f, struct ew_buf *b, const char *transport)
{
	size_t i, n = 0;

	for (i = 0; f->has_tk && i < f->tk.nkdc_probes; i++) {
		const struct ew_kdc_probe_data *p = &f->tk.kdc_probes[i];

		if (p->ok || p->port != 88 || (transport && (!p->transport ||
							     strcmp(p->transport, transport))))
			continue;
		ew_buf_printf(b, "%s%s (%s) over %s", n++ ? ", " : "", p->host ? p->host : "?",
			      p->address ? p->address : "?", p->transport ? p->transport : "?");
	}
	return n;
}

static void fix_kdc_unreachable(struct fx *f)
{
	struct ew_buf b = { 0 };
	const char *dc = fx_dc_host(f), *d = f->domain ? f->domain : "the domain";

	if (fx_kdc_failed(f, &b, NULL))
		fx_title(f, "No KDC answers on port 88: %s", b.data);
	else if (f->has_tk && f->tk.nkdcs == 0)
		fx_title(f, "No KDC to ask for %s: none in krb5.conf, none from DNS",
			 f->realm ? f->realm : "the realm");
	ew_buf_reset(&b);
	fx_win(f, "nltest /dsgetdc:%s /kdc /force", d);
	if (dc) {
		fx_win(f, "Test-NetConnection %s -Port 88", dc);
		fx_win(f, "netsh advfirewall firewall add rule name=\"Kerberos (TCP 88)\" dir=in "
		       "action=allow protocol=TCP localport=88   (on %s; the same with "
		       "protocol=UDP)", dc);
		fx_lin(f, "[realms] %s = { kdc = %s } in /etc/krb5.conf, if DNS gives no KDC",
		       f->realm ? f->realm : "REALM", dc);
	} else {
		fx_lin(f, "nslookup -type=SRV _kerberos._tcp.%s   (then [realms] %s = { kdc = "
		       "the DC it names } in /etc/krb5.conf)", d, f->realm ? f->realm : "REALM");
	}
	fx_confirm(f, "tickets", "KRB-KDC finds a KDC answering on UDP and TCP 88; event 40961 "
		   "stops on the Windows client");
}

static void fix_kdc_tcp_blocked(struct fx *f)
{
	struct ew_buf b = { 0 };
	char n1[32], n2[32];
	long long size = f->has_gr ? f->gr.measured_tgt_size : 0;
	const char *dc = fx_dc_host(f), *u = f->account ? f->account : "the user";

	if (fx_kdc_failed(f, &b, "tcp") && size > FX_UDP_LIMIT)
		fx_title(f, "%s's tickets are %s bytes, over the UDP limit %s, and TCP/88 is "
			 "blocked: %s", u, ew_thousands(size, n1), ew_thousands(FX_UDP_LIMIT, n2), b.data);
	else if (b.len)
		fx_title(f, "Kerberos over TCP is blocked: %s", b.data);
	ew_buf_reset(&b);
	fx_win(f, "Test-NetConnection %s -Port 88", dc ? dc : "(each DC: nltest /dclist:)");
	fx_win(f, "netsh advfirewall firewall add rule name=\"Kerberos (TCP 88)\" dir=in "
	       "action=allow protocol=TCP localport=88   (on %s, and open TCP 88 on every "
	       "firewall between the clients and it)", dc ? dc : "each DC");
	fx_lin(f, "nft list ruleset | grep -w 88   (this host's own firewall must let TCP 88 "
	       "out)");
	fx_confirm(f, "tickets groups", "KRB-KDC finds TCP/88 open; %s logs on and Outlook "
		   "opens without \"Exchange Server is unavailable\"", u);
}

static void fix_clock_skew(struct fx *f)
{
	double worst = 0;
	const char *host = NULL;
	size_t i;

	for (i = 0; f->has_tk && i < f->tk.nkdc_probes; i++) {
		const struct ew_kdc_probe_data *p = &f->tk.kdc_probes[i];
		double s = p->skew_s < 0 ? -p->skew_s : p->skew_s;

		if (p->have_skew && s >= worst) {
			worst = s;
			host = p->host;
		}
	}
	if (host && worst >= 1)
		fx_title(f, "The clock is %.0f s off %s's (Kerberos allows %lld s)", worst, host,
			 f->tk.config.clockskew > 0 ? f->tk.config.clockskew : 300);
	fx_win(f, "w32tm /resync /rediscover");
	fx_win(f, "w32tm /stripchart /computer:%s /samples:3 /dataonly",
	       host ? host : fx_dc_host(f) ? fx_dc_host(f) : f->domain ? f->domain : "a DC");
	fx_lin(f, "chronyc makestep");
	fx_lin(f, "chronyc sources   (a DC, %s, should be among them)",
	       host ? host : "of the domain");
	fx_confirm(f, "tickets", "KRB-SKEW finds the clock within a few seconds of the KDC's; "
		   "event 40960 stops on the Windows client");
}

/* The SPNs of the cause: those its evidence names, else those of the data
 * with the wanted holder count (0: none; 2: more than one). */
static size_t fx_spns(struct fx *f, char **store, const char **v, size_t *nstore, int want)
{
	size_t i, n = fx_evidence_spns(f, store, v), m = 0;

	*nstore = n;
	for (i = 0; i < n; i++) {	/* keep those the data does not contradict */
		const struct ew_spn_holders_data *h = fx_holders(f, v[i]);

		if (!h || (want ? h->nholders > 1 : h->nholders == 0))
			v[m++] = v[i];
	}
	if (m || n)
		return m ? m : n;
	for (i = 0; f->has_tk && i < f->tk.nspn_holders; i++) {
		const struct ew_spn_holders_data *h = &f->tk.spn_holders[i];

		if (h->spn && (want ? h->nholders > 1 : h->nholders == 0))
			fx_add_name(v, &m, h->spn);
	}
	return m;
}

static const char *fx_first_exchange(const struct fx *f)
{
	const char *s = json_string_value(json_array_get(f->exchange, 0));

	return s ? s : "SERVER";
}

/* The confirm of an SPN cause; the SPNs' store freed. */
static void fx_klist_confirm(struct fx *f, const char *const *spns, size_t n, const char *more,
			     char **store, size_t nstore)
{
	fx_confirm(f, "tickets", "KRB-SVC gets a ticket for every Exchange SPN; on the Windows "
		   "client klist get %s%s lists the ticket%s and event 40960 stops",
		   n ? spns[0] : "HTTP/", n ? "" : fx_first_exchange(f), more);
	while (nstore)
		free(store[--nstore]);
}

static void fix_spn_missing(struct fx *f)
{
	const char *v[FX_MAX_NAMES];
	char *store[FX_MAX_NAMES];
	struct ew_buf b = { 0 };
	size_t i, ns, n = fx_spns(f, store, v, &ns, 0);

	ew_buf_list(&b, v, n, " and ");
	if (n)
		fx_title(f, "No account holds %s", b.data);
	ew_buf_reset(&b);
	for (i = 0; i < n; i++) {
		const char *acc = fx_host_account(f, v[i]);

		fx_win(f, "setspn -Q %s", v[i]);
		if (acc)
			fx_win(f, "setspn -S %s %s", v[i], acc);
		else
			fx_win(f, "setspn -S %s, on the account that should hold it: the Exchange "
			       "server's computer account or the alternate service account "
			       "(setspn -L on it lists its SPNs)", v[i]);
		fx_lin(f, "kvno %s%s%s", v[i], f->realm ? "@" : "", f->realm ? f->realm : "");
	}
	if (n == 0) {
		const json_t *x;

		fx_win(f, "setspn -Q exchangeRFR/*   (the Exchange SPNs and their accounts)");
		json_array_foreach(f->exchange, i, x)
			if (json_is_string(x))
				fx_lin(f, "kvno exchangeRFR/%s HTTP/%s   (a ticket for each once the "
				       "SPNs are registered)", json_string_value(x),
				       json_string_value(x));
		if (json_array_size(f->exchange) == 0)
			fx_lin(f, "kvno exchangeRFR/SERVER for each Exchange server (give them with "
			       "-x to have them checked)");
	}
	fx_klist_confirm(f, v, n, ", setspn -Q finds one account", store, ns);
}

static void fix_spn_duplicate(struct fx *f)
{
	const char *v[FX_MAX_NAMES];
	char *store[FX_MAX_NAMES];
	struct ew_buf b = { 0 };
	size_t i, j, ns, n = fx_spns(f, store, v, &ns, 2);

	for (i = 0; i < n; i++) {
		const struct ew_spn_holders_data *h = fx_holders(f, v[i]);
		const char *keep = fx_host_account(f, v[i]), *acc[FX_MAX_NAMES];
		size_t na = 0;

		for (j = 0; h && j < h->nholders; j++)
			fx_add_name(acc, &na, h->holders[j].account);
		ew_buf_list(&b, acc, na, " and ");
		if (i == 0)
			fx_title(f, "%s is held by %s%s", v[i], na ? b.data : "more than one account",
				 n > 1 ? " (and more SPNs)" : "");
		ew_buf_reset(&b);
		fx_win(f, "setspn -Q %s", v[i]);
		if (keep && !fx_has(acc, na, keep))
			keep = NULL;
		if (!keep)
			fx_win(f, "keep %s on the account that runs the service (the Exchange "
			       "server's computer account, or the alternate service account of a "
			       "load-balanced name); remove it from each other one:", v[i]);
		for (j = 0; j < na; j++)
			if (!keep || strcasecmp(acc[j], keep) != 0)
				fx_win(f, "setspn -D %s %s%s", v[i], acc[j],
				       keep ? "" : "   (unless it is the one to keep)");
	}
	fx_win(f, "setspn -X -F   (any other duplicate in the forest)");
	fx_lin(f, "kvno %s%s%s   (a ticket once one account holds it)", n ? v[0] : "SPN",
	       f->realm ? "@" : "", f->realm ? f->realm : "");
	fx_klist_confirm(f, v, n, ", setspn -Q finds one account, KDC event 11 stops", store, ns);
}

/* The one alternate service account the tickets step found for HTTP/NAME, or NULL. */
static const char *fx_asa(const struct fx *f, const char *spn)
{
	size_t i;

	if (!f->has_tk || spn == NULL || strncasecmp(spn, "HTTP/", 5) != 0)
		return NULL;
	for (i = 0; i < f->tk.nexchange_names; i++) {
		const struct ew_exch_name_data *x = &f->tk.exchange_names[i];

		if (x->name && strcasecmp(x->name, spn + 5) == 0 &&
		    x->nalternate_service_accounts == 1)
			return x->alternate_service_accounts[0];
	}
	return NULL;
}

static void fix_spn_wrong_account(struct fx *f)
{
	const char *v[FX_MAX_NAMES];
	char *store[FX_MAX_NAMES];
	size_t i, j, ns = 0, n = fx_evidence_spns(f, store, v);

	ns = n;
	for (i = 0; i < n; i++) {
		const struct ew_spn_holders_data *h = fx_holders(f, v[i]);
		const char *on = h && h->nholders ? h->holders[0].account : NULL;
		const char *asa = fx_asa(f, v[i]);

		if (i == 0)
			fx_title(f, "The shared name's %s is on %s instead of the alternate "
				 "service account%s%s", v[i], on ? on : "one server",
				 asa ? " " : "", asa ? asa : "");
		for (j = 0; h && j < h->nholders; j++)
			if (h->holders[j].account)
				fx_win(f, "setspn -D %s %s", v[i], h->holders[j].account);
		if (asa)
			fx_win(f, "setspn -S %s %s   (the alternate service account the other "
			       "shared names of these servers use)", v[i], asa);
		else
			fx_win(f, "setspn -S %s, on the alternate service account that every "
			       "member shares (Get-ClientAccessServer "
			       "-IncludeAlternateServiceAccountCredentialStatus | Format-List "
			       "Name,AlternateServiceAccountConfiguration names it)", v[i]);
	}
	if (n == 0) {
		fx_win(f, "Get-ClientAccessServer -IncludeAlternateServiceAccountCredentialStatus | "
		       "Format-List Name,AlternateServiceAccountConfiguration");
		fx_win(f, "setspn -Q HTTP/%s   (the shared name's HTTP/ SPN belongs on that "
		       "account only)", fx_first_exchange(f));
	}
	fx_lin(f, "kvno HTTP/%s%s%s   (a ticket once the alternate service account holds it)",
	       n ? strchr(v[0], '/') + 1 : fx_first_exchange(f), f->realm ? "@" : "",
	       f->realm ? f->realm : "");
	if (n && fx_asa(f, v[0]))
		fx_win(f, ".\\RollAlternateServiceAccountPassword.ps1 -ToEntireForest "
		       "-GenerateNewPasswordFor 'DOMAIN\\%s'   (DOMAIN: the NetBIOS domain name; "
		       "Exchange Management Shell: the same key on every member)", fx_asa(f, v[0]));
	else
		fx_win(f, ".\\RollAlternateServiceAccountPassword.ps1 -ToEntireForest "
		       "-GenerateNewPasswordFor (that account)   (Exchange Management Shell: the "
		       "same key on every member)");
	fx_klist_confirm(f, v, n, " from every member", store, ns);
}

/* Whether account is an alternate service account the tickets step found. */
static int fx_is_asa(const struct fx *f, const char *account)
{
	size_t i, k;

	for (i = 0; f->has_tk && account && i < f->tk.nexchange_names; i++)
		for (k = 0; k < f->tk.exchange_names[i].nalternate_service_accounts; k++)
			if (f->tk.exchange_names[i].alternate_service_accounts[k] &&
			    strcasecmp(f->tk.exchange_names[i].alternate_service_accounts[k],
				       account) == 0)
				return 1;
	return 0;
}

static void fix_enctype(struct fx *f)
{
	const char *acc[FX_MAX_NAMES], *spn = NULL;
	size_t i, j, na = 0;
	int rc4_client;

	for (i = 0; f->has_tk && i < f->tk.nservices; i++) {
		const struct ew_service_data *s = &f->tk.services[i];
		const struct ew_spn_holders_data *h;

		if (!s->spn || !s->error || (!fx_icase(s->error, "encryption type") &&
					     !fx_icase(s->error, "etype")))
			continue;
		spn = spn ? spn : s->spn;
		h = fx_holders(f, s->spn);
		for (j = 0; h && j < h->nholders; j++)
			fx_add_name(acc, &na, h->holders[j].account);
	}
	if (spn)
		fx_title(f, "No encryption type both this client and %s's keys allow (%s)",
			 na ? acc[0] : "the service account", spn);
	/* A client that asks for RC4 only: AES on the account does not help it. */
	rc4_client = f->has_tk && f->tk.config.have_tgs_enctypes &&
		     ew_enctypes_to_write(f->tk.config.default_tgs_enctypes) == 28;
	if (rc4_client)
		fx_lin(f, "default_tgs_enctypes = aes256-cts aes128-cts %s   (in [libdefaults] of "
		       "krb5.conf: this host asks for %s only)", f->tk.config.default_tgs_enctypes,
		       f->tk.config.default_tgs_enctypes);
	for (i = 0; i < na; i++) {
		size_t l = strlen(acc[i]);
		int computer = l > 1 && acc[i][l - 1] == '$';

		fx_win(f, "Set-AD%s %.*s -KerberosEncryptionType %s   (msDS-SupportedEncryptionTypes "
		       "%s)", computer ? "Computer" : "User", (int)(computer ? l - 1 : l), acc[i],
		       rc4_client ? "RC4,AES128,AES256" : "AES128,AES256",
		       rc4_client ? "28, until this host asks for AES" : "24");
		/* the alternate service account's keys are the members': rolled, never reset */
		if (fx_is_asa(f, acc[i]))
			fx_win(f, ".\\RollAlternateServiceAccountPassword.ps1 -ToEntireForest "
			       "-GenerateNewPasswordFor 'DOMAIN\\%s'   (on an Exchange server, "
			       "Exchange Management Shell: new keys, AES among them, on every "
			       "member)", acc[i]);
		else
			fx_win(f, computer ? "Reset-ComputerMachinePassword   (on %.*s: new keys, "
			       "AES among them)" : "Set-ADAccountPassword %.*s -Reset   (new keys, "
			       "AES among them; then update the service's password)",
			       (int)(computer ? l - 1 : l), acc[i]);
	}
	if (na == 0)
		fx_win(f, "setspn -Q %s   (the account; then Set-ADUser or Set-ADComputer it "
		       "-KerberosEncryptionType AES128,AES256 and give it new keys: reset its "
		       "password, or for the alternate service account run "
		       "RollAlternateServiceAccountPassword.ps1 on an Exchange server)",
		       spn ? spn : "exchangeRFR/SERVER");
	fx_lin(f, "klist -e   (the enctypes of this host's tickets; permitted_enctypes in "
	       "[libdefaults] of /etc/krb5.conf must include one the account has keys for)");
	fx_confirm(f, "tickets", "KRB-SVC gets the ticket%s%s; on the Windows client klist get "
		   "%s lists it with an AES enctype", spn ? " for " : "", spn ? spn : "",
		   spn ? spn : "exchangeRFR/SERVER");
}

/*
 * The hosts to change for an Exchange name: the servers behind a shared
 * (load-balanced) name, as the tickets step found them, else the name.
 * Strings borrowed; their number.
 */
static size_t fx_servers_behind(const struct fx *f, const char *name, const char **out,
				size_t max)
{
	size_t i, m, k, n = 0;

	for (i = 0; f->has_tk && i < f->tk.nexchange_names; i++) {
		const struct ew_exch_name_data *x = &f->tk.exchange_names[i];

		if (!x->name || strcasecmp(x->name, name) != 0 || !x->kind ||
		    strcmp(x->kind, "shared") != 0)
			continue;
		for (m = 0; m < x->nmembers && n < max; m++)
			for (k = 0; k < f->tk.nexchange_servers; k++)
				if (x->members[m] && f->tk.exchange_servers[k].name &&
				    f->tk.exchange_servers[k].fqdn &&
				    strcasecmp(x->members[m], f->tk.exchange_servers[k].name) == 0) {
					out[n++] = f->tk.exchange_servers[k].fqdn;
					break;
				}
	}
	if (n == 0 && max)
		out[n++] = name;
	return n;
}

static void fix_token_too_large(struct fx *f)
{
	char n1[32], n2[32], n3[32];
	long long t = 0, limit = 12000, field;
	const char *era = "of Windows before 2012", *u = f->account ? f->account : "the user";
	const json_t *x;
	size_t i;

	if (f->has_gr && f->gr.estimate_2012 > 48000) {
		t = f->gr.estimate_2012;
		limit = 48000;
		era = "of Windows 2012 and later";
	} else if (f->has_gr) {
		t = f->gr.estimate_legacy;
	}
	if (t < 0 || t > 1000000000)	/* not a token size: from a damaged report */
		t = 0;
	field = (t * 4 + 2) / 3;	/* base64: 4/3 x the token, rounded up */
	if (t > 0)
		fx_title(f, "%s's token is about %s bytes: over MaxTokenSize %s %s", u,
			 ew_thousands(t, n1), ew_thousands(limit, n2), era);
	fx_win(f, "reg add HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\Kerberos\\Parameters /v "
	       "MaxTokenSize /t REG_DWORD /d 48000 /f   (on the clients and the Exchange "
	       "servers, before Windows 2012; then restart)");
	json_array_foreach(f->exchange, i, x) {
		const char *hosts[FX_MAX_NAMES];
		size_t k, nh;

		if (t <= 0 || !json_is_string(x))
			continue;
		/* a load-balanced name: every server behind it, not the one the
		 * balancer picks */
		nh = fx_servers_behind(f, json_string_value(x), hosts, FX_MAX_NAMES);
		for (k = 0; k < nh; k++) {
			fx_win(f, "reg add \\\\%s\\HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP"
			       "\\Parameters /v MaxFieldLength /t REG_DWORD /d %lld /f", hosts[k],
			       field > 16384 ? field : 16384);
			fx_win(f, "reg add \\\\%s\\HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP"
			       "\\Parameters /v MaxRequestBytes /t REG_DWORD /d %lld /f   (4/3 x %s "
			       "bytes, KB2020943; then net stop http /y and net start http on %s)",
			       hosts[k], field > 16384 ? field : 16384, ew_thousands(t, n3), hosts[k]);
		}
	}
	if (t <= 0)
		fx_win(f, "MaxFieldLength and MaxRequestBytes under HKLM\\SYSTEM\\CurrentControlSet"
		       "\\Services\\HTTP\\Parameters on each Exchange server: 4/3 x the token "
		       "size (KB2020943; exwizard check groups estimates it)");
	fx_win(f, "Get-ADPrincipalGroupMembership %s | Sort-Object GroupScope,Name | "
	       "Format-Table Name,GroupScope   (groups to cut: distribution work in security "
	       "groups, old project groups)", f->account ? f->account : "(the user)");
	fx_lin(f, "nothing on this host: the token is built on the DC and read by Windows");
	fx_confirm(f, "groups", "TOK-SIZE finds the token under the limit; OWA, EWS and MAPI "
		   "over HTTP stop answering HTTP 400 for %s and klist on the client lists the "
		   "ticket for HTTP/%s", u, fx_first_exchange(f));
}

static void fix_sid_limit(struct fx *f)
{
	char n1[32];
	const char *u = f->account ? f->account : "the user";

	if (f->has_gr && f->gr.lsa_sids > 0)
		fx_title(f, "%s's token would carry %s SIDs: over the limit of 1,010 (KB328889)", u,
			 ew_thousands(f->gr.lsa_sids, n1));
	fx_win(f, "Get-ADPrincipalGroupMembership %s | Measure-Object   (then "
	       "Remove-ADGroupMember -Identity GROUP -Members %s for the groups %s no longer "
	       "needs, or nest them into fewer)", f->account ? f->account : "(the user)",
	       f->account ? f->account : "(the user)", u);
	fx_lin(f, "nothing on this host: the SIDs come from the user's groups in the directory");
	fx_confirm(f, "groups", "TOK-LSA finds fewer than 1,010 SIDs; %s logs on, and whoami "
		   "/groups on the client lists the groups", u);
}

/* From homeMDB (CN=db,CN=sg,CN=InformationStore,CN=SERVER,CN=Servers,
 * CN=AG,CN=Administrative Groups,CN=ORG,...) the server's DN, its name,
 * its administrative group and the organization (256 bytes each). */
static int fx_mdb_parts(const char *mdb, const char **srv_dn, char *srv, char *ag, char *org)
{
	const char *p = mdb ? fx_icase(mdb, ",CN=InformationStore,") : NULL;

	if (p == NULL)
		return -1;
	*srv_dn = p + strlen(",CN=InformationStore,");
	return sscanf(*srv_dn, "CN=%255[^,],CN=Servers,CN=%255[^,],CN=Administrative Groups,"
		      "CN=%255[^,]", srv, ag, org) == 3 ? 0 : -1;
}

static void fix_mailbox_half_moved(struct fx *f)
{
	const struct ew_mbx_attrs_data *a = &f->mb.attributes;
	char srv[256], ag[256], org[256], *home = NULL, *mta = NULL, *leg = NULL;
	const char *srv_dn = NULL, *who = a->dn ? a->dn : f->account, *what[3];
	const char *tail = a->legacyExchangeDN ? fx_icase(a->legacyExchangeDN, "/cn=") : NULL;
	struct ew_buf b = { 0 };
	size_t nw = 0;
	int parts = f->has_mb ? fx_mdb_parts(a->homeMDB, &srv_dn, srv, ag, org) : -1;

	if (parts == 0) {
		home = ew_strprintf("/o=%s/ou=%s/cn=Configuration/cn=Servers/cn=%s", org, ag, srv);
		mta = ew_strprintf("CN=Microsoft MTA,%s", srv_dn);
		if (tail)	/* the same recipient under the server's group */
			leg = ew_strprintf("/o=%s/ou=%s%s", org, ag, tail);
	}
	if (home && (!a->msExchHomeServerName || strcasecmp(home, a->msExchHomeServerName))) {
		ew_buf_printf(&b, "msExchHomeServerName='%s'", fx_q(f, home));
		what[nw++] = "msExchHomeServerName";
	}
	if (mta && (!a->homeMTA || strcasecmp(mta, a->homeMTA))) {
		ew_buf_printf(&b, "%shomeMTA='%s'", b.len ? "; " : "", fx_q(f, mta));
		what[nw++] = "homeMTA";
	}
	if (leg && strcasecmp(leg, a->legacyExchangeDN)) {
		ew_buf_printf(&b, "%slegacyExchangeDN='%s'", b.len ? "; " : "", fx_q(f, leg));
		what[nw++] = "legacyExchangeDN";
	}
	if (b.len && who) {
		struct ew_buf t = { 0 };

		ew_buf_list(&t, what, nw, " and ");
		fx_title(f, "%s's mailbox is half-moved: homeMDB is on %s, %s still name%s the "
			 "old server", f->account ? f->account : "the user", srv, t.data,
			 nw > 1 ? "" : "s");
		ew_buf_reset(&t);
		fx_win(f, "Set-ADUser -Identity '%s' -Replace @{%s}", fx_q(f, who), b.data);
		if (leg)
			fx_win(f, "Set-ADUser -Identity '%s' -Add @{proxyAddresses='X500:%s'}   "
			       "(keeps the old legacyExchangeDN for replies to old mail)", fx_q(f, who),
			       fx_q(f, a->legacyExchangeDN));
	} else {
		fx_win(f, "ADSI Edit on the user: make msExchHomeServerName, homeMTA and "
		       "legacyExchangeDN name the server of homeMDB (exwizard check mailbox "
		       "shows the values)");
	}
	if (parts == 0)
		fx_win(f, "or redo the move as an Exchange Full Administrator: Exchange System "
		       "Manager, Exchange Tasks, Move Mailbox to %s on %s", a->homeMDB ?
		       (f->mb.map.database ? f->mb.map.database : srv) : srv, srv);
	else
		fx_win(f, "or redo the move as an Exchange Full Administrator: Exchange System "
		       "Manager, Exchange Tasks, Move Mailbox");
	fx_lin(f, "nothing on this host: the attributes live in the directory");
	fx_confirm(f, "mailbox", "MBX-CONSISTENT finds the attributes agreeing; Outlook opens "
		   "the mailbox and klist get exchangeMDB/%s lists the ticket",
		   f->has_mb && f->mb.map.mailbox_server ? f->mb.map.mailbox_server :
		   parts == 0 ? srv : "SERVER");
	free(home);
	free(mta);
	free(leg);
	ew_buf_reset(&b);
}

static void fix_mailbox_descriptor(struct fx *f)
{
	const char *u = f->account ? f->account : "the user";
	const char *who = f->has_mb && f->mb.attributes.dn ? f->mb.attributes.dn : f->account;

	fx_title(f, "%s's mailbox security descriptor gives %s no full mailbox access%s", u, u,
		 f->has_mb && !f->mb.attributes.msExchMailboxSecurityDescriptor ?
		 " (msExchMailboxSecurityDescriptor is not set)" : "");
	fx_win(f, "$sd = New-Object System.Security.AccessControl.RawSecurityDescriptor "
	       "'O:PSG:PSD:(A;CI;CCRC;;;PS)'; $b = New-Object byte[] $sd.BinaryLength; "
	       "$sd.GetBinaryForm($b, 0); Set-ADUser -Identity '%s' -Replace "
	       "@{msExchMailboxSecurityDescriptor=$b}", who ? fx_q(f, who) : "(the user)");
	fx_win(f, "Add-MailboxPermission -Identity %s -User %s -AccessRights FullAccess   "
	       "(Exchange Management Shell, Exchange 2007 and later)", u, u);
	fx_lin(f, "nothing on this host: the descriptor lives in the directory");
	fx_confirm(f, "mailbox", "MBX-CONSISTENT finds SELF with full mailbox access; %s's "
		   "Outlook opens the mailbox", u);
}

static void fix_mailbox_protected(struct fx *f)
{
	const char *u = f->account ? f->account : "the user";
	const char *dn = f->has_mb ? f->mb.attributes.dn : NULL;

	fx_title(f, "%s is a protected account with a mailbox: AdminSDHolder resets its "
		 "permissions, and Exchange's inherited permissions do not reach it", u);
	fx_win(f, "Get-ADUser -Identity %s -Properties memberOf,adminCount   (is it still in a "
	       "protected group such as Domain Admins or Account Operators? Then use another "
	       "account for mail)", u);
	if (dn && fx_cmd_ok(dn)) {
		fx_win(f, "dsacls \"%s\" /P:N   (inheritance on again, once it is in no "
		       "protected group)", dn);
		fx_win(f, "Set-ADUser -Identity '%s' -Clear adminCount", fx_q(f, dn));
	} else {
		fx_win(f, "dsacls \"(the user's DN)\" /P:N   (inheritance on again, once it is "
		       "in no protected group)");
		fx_win(f, "Set-ADUser -Identity %s -Clear adminCount", u);
	}
	fx_lin(f, "nothing on this host: the permissions live in the directory");
	fx_confirm(f, "mailbox", "MBX-PROTECTED passes for %s", u);
}

static void fix_mover_rights(struct fx *f)
{
	const char *mover = f->mover, *attrs[FX_MAX_NAMES];
	struct ew_buf b = { 0 };
	size_t i, na = 0, nobj = 0;
	char up[256];

	if (f->has_mb && f->mb.mover.account)
		mover = f->mb.mover.account;
	snprintf(up, sizeof(up), "%s%s%s", mover ? mover : "the mover", mover && f->domain &&
		 !strchr(mover, '@') ? "@" : "", mover && f->domain && !strchr(mover, '@') ?
		 f->domain : "");
	for (i = 0; f->has_mb && i < f->mb.mover.nrights; i++) {
		const struct ew_mover_right_data *r = &f->mb.mover.rights[i];

		if (r->kind == EW_MOVER_ATTRIBUTE && !r->granted && r->right)
			fx_add_name(attrs, &na, r->right);
		if (r->kind == EW_MOVER_ON_OBJECT && !r->full_control && fx_cmd_ok(r->dn) &&
		    fx_cmd_ok(up) && r->object && strstr(r->object, "server") == NULL) {
			nobj++;
			fx_win(f, "dsacls \"%s\" /G \"%s:GA\" /I:T   (Full Control on %s)", r->dn,
			       up, r->object);
		}
	}
	ew_buf_list(&b, attrs, na, " and ");
	if (mover)
		fx_title(f, "%s could not move the mailbox: %s%s%s", mover, na ? "cannot write " : "",
			 na ? b.data : "", nobj ? (na ? "; no Full Control on the Exchange "
			 "organization or administrative groups" : "no Full Control on the Exchange "
			 "organization or administrative groups") : "");
	if (na && f->mb.attributes.dn) {
		ew_buf_reset(&b);
		for (i = 0; i < na; i++)
			ew_buf_printf(&b, "%s%s", i ? "," : "", attrs[i]);
		fx_win(f, "Add-ADPermission -Identity '%s' -User %s -AccessRights WriteProperty "
		       "-Properties %s   (Exchange Management Shell)", fx_q(f, f->mb.attributes.dn),
		       mover ? mover : "(the mover)", b.data);
		for (i = 0; i < na && fx_cmd_ok(f->mb.attributes.dn) && fx_cmd_ok(up); i++)
			fx_win(f, "dsacls \"%s\" /G \"%s:WP;%s\"", f->mb.attributes.dn, up, attrs[i]);
	}
	if (nobj + na == 0)
		fx_win(f, "Exchange System Manager: Delegate control on the organization, Exchange "
		       "Full Administrator, to %s", up);
	fx_lin(f, "nothing on this host: the rights live in the directory");
	fx_confirm(f, "mailbox", "MBX-MOVER finds %s with the rights to move a mailbox; then "
		   "redo the move, and MBX-CONSISTENT passes", mover ? mover : "the mover");
	ew_buf_reset(&b);
}

static void fix_stale_logon(struct fx *f)
{
	const char *u = f->account ? f->account : f->user ? f->user : "the user";

	fx_title(f, "%s's logon on the client is older than a change of their groups: the "
		 "token has other groups than the directory gives now", u);
	fx_win(f, "log off and on again on the client as %s (locking and unlocking renews the "
	       "Kerberos tickets, not the token)", u);
	fx_win(f, "klist purge   (then start Outlook: new tickets carry the new groups)");
	fx_lin(f, "kdestroy; kinit %s   (this host's tickets, when they were got before the "
	       "change)", u);
	fx_confirm(f, "groups", "with the client's new whoami /all (--client-file), TOK-CLIENT "
		   "finds the directory's groups in the token");
}

static const struct {
	const char *id;
	void (*fix)(struct fx *f);
} fx_table[] = {
	{ EW_CAUSE_NO_TGT, fix_no_tgt },
	{ EW_CAUSE_DNS_SRV_MISSING, fix_dns_srv_missing },
	{ EW_CAUSE_DNS_RESOLVER_SPLIT, fix_dns_resolver_split },
	{ EW_CAUSE_DNS_CACHE_STALE, fix_dns_cache_stale },
	{ EW_CAUSE_NAME_CANON, fix_name_canon },
	{ EW_CAUSE_REALM_HINT, fix_realm_hint },
	{ EW_CAUSE_KDC_UNREACHABLE, fix_kdc_unreachable },
	{ EW_CAUSE_KDC_TCP_BLOCKED, fix_kdc_tcp_blocked },
	{ EW_CAUSE_CLOCK_SKEW, fix_clock_skew },
	{ EW_CAUSE_SPN_MISSING, fix_spn_missing },
	{ EW_CAUSE_SPN_DUPLICATE, fix_spn_duplicate },
	{ EW_CAUSE_SPN_WRONG_ACCOUNT, fix_spn_wrong_account },
	{ EW_CAUSE_ENCTYPE_MISMATCH, fix_enctype },
	{ EW_CAUSE_TOKEN_TOO_LARGE, fix_token_too_large },
	{ EW_CAUSE_SID_LIMIT, fix_sid_limit },
	{ EW_CAUSE_MAILBOX_HALF_MOVED, fix_mailbox_half_moved },
	{ EW_CAUSE_MAILBOX_DESCRIPTOR, fix_mailbox_descriptor },
	{ EW_CAUSE_MAILBOX_PROTECTED, fix_mailbox_protected },
	{ EW_CAUSE_MOVER_RIGHTS, fix_mover_rights },
	{ EW_CAUSE_STALE_LOGON, fix_stale_logon },
};

/* The step result whose data is of that kind, or NULL. */
static const struct ew_step_result *fx_step(const struct ew_step_result *const *steps,
					    size_t n, enum ew_data_kind kind)
{
	size_t i;

	for (i = 0; steps && i < n; i++)
		if (steps[i] && steps[i]->kind == kind && steps[i]->data &&
		    !ew_step_result_is_stale(steps[i]))
			return steps[i];
	return NULL;
}

static void fx_load(struct fx *f, const struct ew_step_result *const *steps, size_t n)
{
	const struct ew_step_result *r;
	char err[256];

	if ((r = fx_step(steps, n, EW_DATA_DNS)) != NULL)
		f->has_dns = ew_dns_data_from_json(r->data, &f->dns, err, sizeof(err)) == 0;
	if ((r = fx_step(steps, n, EW_DATA_TICKETS)) != NULL)
		f->has_tk = ew_tickets_data_from_json(r->data, &f->tk, err, sizeof(err)) == 0;
	if ((r = fx_step(steps, n, EW_DATA_GROUPS)) != NULL)
		f->has_gr = ew_groups_data_from_json(r->data, &f->gr, err, sizeof(err)) == 0;
	if ((r = fx_step(steps, n, EW_DATA_MAILBOX)) != NULL)
		f->has_mb = ew_mailbox_data_from_json(r->data, &f->mb, err, sizeof(err)) == 0;
}

static const char *fx_target_str(const json_t *target, const char *key)
{
	const char *s = json_string_value(json_object_get(target, key));

	return s && *s ? s : NULL;
}

void ew_diag_fix(struct ew_diag_cause *c, const struct ew_step_result *const *steps,
		 size_t n, const json_t *target)
{
	struct fx f;
	size_t i;

	if (c == NULL || c->def == NULL)
		return;
	memset(&f, 0, sizeof(f));
	f.c = c;
	{
		const char **to[] = { &f.user, &f.realm, &f.domain, &f.mover, &f.dc };
		static const char *const keys[] = { "user", "realm", "domain", "mover", "dc" };

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			*to[i] = fx_target_str(target, keys[i]);
	}
	f.exchange = json_object_get(target, "exchange");
	if (f.user) {	/* the account name: the user without @REALM */
		snprintf(f.account_buf, sizeof(f.account_buf), "%.*s",
			 (int)strcspn(f.user, "@"), f.user);
		f.account = f.account_buf;
	}
	fx_load(&f, steps, n);
	fx_title(&f, "%s", c->def->title);
	for (i = 0; i < sizeof(fx_table) / sizeof(fx_table[0]); i++)
		if (strcmp(fx_table[i].id, c->def->id) == 0)
			fx_table[i].fix(&f);
	if (c->confirm == NULL)
		fx_confirm(&f, "", "the findings that proved it pass");
	if (f.has_dns)
		ew_dns_data_free(&f.dns);
	if (f.has_tk)
		ew_tickets_data_free(&f.tk);
	if (f.has_gr)
		ew_groups_data_free(&f.gr);
	if (f.has_mb)
		ew_mailbox_data_free(&f.mb);
	for (i = 0; i < f.ntmp; i++)
		free(f.tmp[i]);
}
