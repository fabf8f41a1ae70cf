#include "targetstep.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <krb5.h>
#include <profile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "dirsession.h"
#include "dns.h"
#include "dnscache.h"
#include "finding.h"
#include "locate.h"
#include "run.h"
#include "target.h"
#include "text.h"

static char *krb_message(krb5_context ctx, krb5_error_code code)
{
	const char *m = krb5_get_error_message(ctx, code);
	char *s = ew_text_cleanz(m);

	krb5_free_error_message(ctx, m);
	return s;
}

static void resolve_realm(krb5_context ctx, struct ew_target *t, struct ew_step_result *res)
{
	struct ew_finding *f;
	krb5_error_code code;
	char *realm = NULL, *msg;
	const char *why;

	if (t->realm) {
		f = ew_finding_new(EW_CK_TARGET_REALM, EW_PASS, "Realm %s (given on the command line)",
				   t->realm);
		ew_step_result_add(res, f);
		return;
	}
	code = ctx ? krb5_get_default_realm(ctx, &realm) : KRB5_CONFIG_CANTOPEN;
	if (code == 0 && !ew_valid_realm(realm, &why)) {
		char *shown = ew_text_cleanz(realm);

		f = ew_finding_new(EW_CK_TARGET_REALM, EW_FAIL,
				   "The default_realm of krb5.conf is not a usable realm");
		if (f) {
			ew_finding_evidence(f, "default_realm = %s (%s)", shown ? shown : "?", why);
			ew_finding_remedy(f, "Correct default_realm in the [libdefaults] section "
					  "of krb5.conf, or give the realm with -r REALM.");
		}
		ew_step_result_add(res, f);
		free(shown);
		krb5_free_default_realm(ctx, realm);
		return;
	}
	if (code == 0 && realm != NULL && *realm != '\0') {
		t->realm = strdup(realm);
		t->realm_source = "krb5.conf";
		f = ew_finding_new(EW_CK_TARGET_REALM, EW_PASS,
				   "Realm %s (default_realm of krb5.conf)", realm);
		ew_step_result_add(res, f);
		krb5_free_default_realm(ctx, realm);
		return;
	}
	msg = ctx ? krb_message(ctx, code) : strdup("no Kerberos library context");
	f = ew_finding_new(EW_CK_TARGET_REALM, EW_FAIL, "No realm to diagnose");
	if (f) {
		ew_finding_detail(f, "No realm was given with -r and krb5.conf has no "
				  "default_realm the library could read.");
		ew_finding_evidence(f, "krb5_get_default_realm: %s", msg ? msg : "?");
		ew_finding_remedy(f, "Give the realm with -r REALM, or set default_realm "
				  "in the [libdefaults] section of /etc/krb5.conf "
				  "(KRB5_CONFIG names another file).");
	}
	ew_step_result_add(res, f);
	free(msg);
}

static void resolve_domain(struct ew_target *t, struct ew_step_result *res)
{
	struct ew_finding *f;
	const char *why;
	size_t i;

	if (t->domain) {
		ew_step_result_add(res, ew_finding_new(EW_CK_TARGET_DOMAIN, EW_PASS,
						       "AD DNS domain %s (given on the command line)",
						       t->domain));
		return;
	}
	if (t->realm == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_TARGET_DOMAIN, EW_SKIP,
						       "No AD DNS domain: no realm to derive it from"));
		return;
	}
	if (!ew_valid_hostname(t->realm, &why)) {
		f = ew_finding_new(EW_CK_TARGET_DOMAIN, EW_FAIL,
				   "The realm %s is not a DNS name", t->realm);
		if (f) {
			ew_finding_detail(f, "An AD realm is its DNS domain in upper case; "
					  "this one cannot be (%s).", why);
			ew_finding_remedy(f, "Give the AD DNS domain with -d DOMAIN.");
		}
		ew_step_result_add(res, f);
		return;
	}
	t->domain = strdup(t->realm);
	if (t->domain == NULL)
		return;
	for (i = 0; t->domain[i]; i++)
		t->domain[i] = (char)tolower((unsigned char)t->domain[i]);
	t->domain_source = "realm";
	ew_step_result_add(res, ew_finding_new(EW_CK_TARGET_DOMAIN, EW_INFO,
					       "AD DNS domain %s (the realm in lower case)",
					       t->domain));
}

static void resolve_user(krb5_context ctx, struct ew_target *t, struct ew_step_result *res,
			 json_t *data)
{
	krb5_ccache cc = NULL;
	krb5_principal princ = NULL;
	krb5_error_code code;
	struct ew_finding *f;
	char *name = NULL, *ccname = NULL, *msg = NULL;

	if (ctx == NULL)
		code = KRB5_CONFIG_CANTOPEN;
	else if (t->ccache)
		code = krb5_cc_resolve(ctx, t->ccache, &cc);
	else
		code = krb5_cc_default(ctx, &cc);
	if (code == 0) {
		if (krb5_cc_get_full_name(ctx, cc, &ccname) == 0) {
			char *clean = ew_text_cleanz(ccname);

			json_object_set_new(data, "ccache", json_string(clean));
			free(clean);
		}
		code = krb5_cc_get_principal(ctx, cc, &princ);
	}
	if (code == 0)
		code = krb5_unparse_name(ctx, princ, &name);
	if (code != 0)
		msg = ctx ? krb_message(ctx, code) : strdup("no Kerberos library context");

	free(t->cache_principal);
	t->cache_principal = name ? ew_text_cleanz(name) : NULL;
	if (t->user && t->cache_principal && !ew_same_account(t->user, t->cache_principal, t->realm)) {
		f = ew_finding_new(EW_CK_TARGET_USER, EW_WARN, "The credential cache holds the tickets "
				   "of %s, not of %s", t->cache_principal, t->user);
		if (f) {
			ew_finding_detail(f, "%s is diagnosed from the directory, read as %s. The "
					  "tickets this run shows and measures (session tickets, "
					  "ticket sizes, UDP or TCP) are %s's, not %s's; they are "
					  "labelled so.", t->user, t->cache_principal,
					  t->cache_principal, t->user);
			ew_finding_evidence(f, "cache %s: principal %s", ccname ? ccname : "(default)",
					    t->cache_principal);
			ew_finding_remedy(f, "To see %s's own tickets, run again with --kinit %s "
					  "(asks for %s's password), or on a machine where %s is "
					  "logged on.", t->user, t->user, t->user, t->user);
		}
		ew_step_result_add(res, f);
	} else if (t->user) {
		f = ew_finding_new(EW_CK_TARGET_USER, EW_PASS,
				   "User %s (given on the command line)", t->user);
		if (f && name)
			ew_finding_evidence(f, "credential cache principal: %s", name);
		ew_step_result_add(res, f);
	} else if (name) {
		t->user = ew_text_cleanz(name);
		t->user_source = "ccache";
		f = ew_finding_new(EW_CK_TARGET_USER, EW_PASS,
				   "User %s (the principal of the credential cache)", name);
		if (f && ccname)
			ew_finding_evidence(f, "cache: %s", ccname);
		ew_step_result_add(res, f);
	} else {
		f = ew_finding_new(EW_CK_TARGET_USER, EW_WARN, "No user under diagnosis");
		if (f) {
			ew_finding_detail(f, "No user was given with -u and the credential cache "
					  "names no principal.");
			ew_finding_evidence(f, "cache %s: %s", ccname ? ccname : "(default)",
					    msg ? msg : "?");
			ew_finding_remedy(f, "Give the user with -u NAME (sAMAccountName or UPN), "
					  "or get a ticket first (kinit user@REALM).");
		}
		ew_step_result_add(res, f);
	}
	if (ctx) {
		krb5_free_unparsed_name(ctx, name);
		krb5_free_string(ctx, ccname);
		krb5_free_principal(ctx, princ);
		if (cc)
			krb5_cc_close(ctx, cc);
	}
	free(msg);
}

/*
 * Ask each question of every resolver this machine uses (those Kerberos and
 * the host lookups go to: not --dns-server), all at once, bounded. rs gets
 * up to max results (the caller frees them).
 */
static size_t ask_system(struct ew_run *run, const char *const *names, const int *types,
			 size_t nq, struct ew_dns_result **rs, size_t max)
{
	struct ew_dns_opts o = { run->timeout_ms, run->tries, run->cancel };

	return ew_locate_ask(names, types, nq, &o, rs, max);
}

/* Append "NAME (source)" for a realm not yet in the list. */
static void add_known(struct ew_buf *b, const char *realm, const char *source)
{
	char *first, *later;

	if (realm == NULL || *realm == '\0')
		return;
	first = ew_strprintf("%s (", realm);
	later = ew_strprintf(", %s (", realm);
	if (first && later && !(b->data && (strncmp(b->data, first, strlen(first)) == 0 ||
					    strstr(b->data, later) != NULL)))
		ew_buf_printf(b, "%s%s (%s)", b->len ? ", " : "", realm, source);
	free(first);
	free(later);
}

/* Whether list (from known_realms) names realm. */
static int realm_listed(const char *list, const char *realm)
{
	size_t len = strlen(realm);
	const char *p = list;

	while ((p = strcasestr(p, realm)) != NULL) {
		if ((p == list || (p >= list + 2 && p[-2] == ',' && p[-1] == ' ')) &&
		    strncmp(p + len, " (", 2) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/* The realms this machine knows: default_realm, [realms], the cache's. */
static char *known_realms(krb5_context ctx, const struct ew_target *t)
{
	const char *realms_path[] = { "realms", NULL };
	struct ew_buf b = {0};
	profile_t prof = NULL;
	char *def = NULL, **names = NULL;
	size_t i;

	if (ctx && krb5_get_default_realm(ctx, &def) == 0) {
		char *c = ew_text_cleanz(def);

		add_known(&b, c, "default_realm of krb5.conf");
		free(c);
		krb5_free_default_realm(ctx, def);
	}
	if (ctx && krb5_get_profile(ctx, &prof) == 0) {
		if (profile_get_subsection_names(prof, realms_path, &names) == 0 && names) {
			for (i = 0; names[i]; i++) {
				char *c = ew_text_cleanz(names[i]);

				add_known(&b, c, "[realms] of krb5.conf");
				free(c);
			}
			profile_free_list(names);
		}
		profile_release(prof);
	}
	if (t->cache_principal && strrchr(t->cache_principal, '@'))
		add_known(&b, strrchr(t->cache_principal, '@') + 1, "the credential cache");
	return ew_buf_take(&b);
}

/* Whether krb5.conf names KDCs for the realm. */
static int conf_has_kdcs(krb5_context ctx, const char *realm)
{
	const char *path[] = { "realms", realm, "kdc", NULL };
	profile_t prof = NULL;
	char **vals = NULL;
	int yes = 0;

	if (ctx == NULL || krb5_get_profile(ctx, &prof) != 0)
		return 0;
	if (profile_get_values(prof, path, &vals) == 0 && vals) {
		yes = vals[0] != NULL;
		profile_free_list(vals);
	}
	profile_release(prof);
	return yes;
}

/*
 * A realm no KDC serves anywhere (not in krb5.conf, and every resolver says
 * its DNS domain does not exist) is a configuration error: nothing after
 * this could be meaningful. A domain that exists without Kerberos records is
 * not: the dns step shows what is missing.
 */
static void check_realm_exists(krb5_context ctx, struct ew_run *run, struct ew_step_result *res)
{
	struct ew_target *t = run->target;
	struct ew_dns_result *rs[3 * EW_RESOLV_MAX];
	char lower[256], udp[300], tcp[300];
	const char *names[3];
	const int types[3] = { EW_DNS_SRV, EW_DNS_SRV, EW_DNS_SOA };
	size_t n, i, absent = 0, nx = 0;
	struct ew_finding *f;
	char *known;

	if (t->realm == NULL || conf_has_kdcs(ctx, t->realm) || strlen(t->realm) >= sizeof(lower))
		return;
	/*
	 * A realm this machine knows (default_realm, [realms], the cache's) is
	 * no typing error: when DNS has never heard of it, that is the fault to
	 * show (resolvers that do not serve the AD zone), and the dns step does.
	 */
	known = known_realms(ctx, t);
	if (known && realm_listed(known, t->realm)) {
		free(known);
		return;
	}
	for (i = 0; t->realm[i]; i++)
		lower[i] = (char)tolower((unsigned char)t->realm[i]);
	lower[i] = '\0';
	snprintf(udp, sizeof(udp), "_kerberos._udp.%s", lower);
	snprintf(tcp, sizeof(tcp), "_kerberos._tcp.%s", lower);
	names[0] = udp;
	names[1] = tcp;
	names[2] = lower;
	n = ask_system(run, names, types, 3, rs, sizeof(rs) / sizeof(rs[0]));
	/*
	 * Every resolver must have answered, and at least one that the domain
	 * does not exist; a resolver that refuses the question says nothing
	 * either way. A timeout or a failure (SERVFAIL: a DC that is down
	 * behind a cache) proves nothing, and a domain with an SOA exists.
	 */
	for (i = 0; i < n; i++) {
		absent += rs[i]->status == EW_DNS_NXDOMAIN || rs[i]->status == EW_DNS_REFUSED ||
			  (rs[i]->status == EW_DNS_NODATA && rs[i]->type == EW_DNS_SRV);
		nx += rs[i]->type == EW_DNS_SOA && rs[i]->status == EW_DNS_NXDOMAIN;
	}
	if (n == 0 || absent != n || nx == 0 || ew_run_cancelled(run)) {
		for (i = 0; i < n; i++)
			ew_dns_result_free(&rs[i]);
		free(known);
		return;
	}
	f = ew_finding_new(EW_CK_TARGET_REALM, EW_FAIL, "No KDC serves the realm %s: krb5.conf does "
			   "not name it and no DNS server knows %s", t->realm, lower);
	if (f) {
		ew_finding_detail(f, "Realms this machine knows: %s.", known && *known ? known :
				  "none");
		for (i = 0; i < n; i++)
			ew_finding_evidence(f, "%s %s @%s: %s", rs[i]->name,
					    ew_dns_type_name(rs[i]->type), rs[i]->server,
					    ew_dns_status_name(rs[i]->status));
		ew_finding_remedy(f, "Check the spelling of -r; an AD realm is the AD DNS domain "
				  "in upper case. For a realm outside DNS, name its KDCs in krb5.conf "
				  "([realms] %s = { kdc = HOST }).", t->realm);
	}
	/* It takes the place of the realm's earlier "given" or "from krb5.conf" pass. */
	for (i = 0; f && i < res->nfindings; i++)
		if (strcmp(res->findings[i]->check, EW_CK_TARGET_REALM) == 0 &&
		    res->findings[i]->severity == EW_PASS) {
			ew_finding_free(&res->findings[i]);
			res->findings[i] = f;
			f = NULL;
		}
	if (f)
		ew_step_result_add(res, f);
	free(known);
	for (i = 0; i < n; i++)
		ew_dns_result_free(&rs[i]);
}

/*
 * --dc given as an address: Kerberos needs the DC's name (ldap/NAME), so the
 * address is turned into the name its PTR record gives, when that name leads
 * back to the address; otherwise it is refused and the DCs of the domain named.
 */
static void resolve_dc(struct ew_run *run, struct ew_step_result *res)
{
	struct ew_target *t = run->target;
	struct ew_dns_result *rs[EW_RESOLV_MAX];
	unsigned char bin[16];
	char *rev = NULL, name[256] = "", why[400] = "";
	const char *names[1];
	const int ptr[1] = { EW_DNS_PTR }, a[1] = { EW_DNS_A }, aaaa[1] = { EW_DNS_AAAA };
	const char *bad = NULL;
	size_t n, i, j;
	int v6, confirmed = 0;
	struct ew_finding *f;

	if (t->dc == NULL)
		return;
	v6 = inet_pton(AF_INET6, t->dc, bin) == 1;
	if (!v6 && inet_pton(AF_INET, t->dc, bin) != 1)
		return;
	rev = ew_dns_reverse_name(t->dc);
	names[0] = rev;
	n = rev ? ask_system(run, names, ptr, 1, rs, sizeof(rs) / sizeof(rs[0])) : 0;
	if (ew_run_cancelled(run)) {
		/* Stopped while asking: no verdict on the address either way. */
		for (i = 0; i < n; i++)
			ew_dns_result_free(&rs[i]);
		free(rev);
		ew_step_result_add(res, ew_finding_new(EW_CK_TARGET_DC, EW_SKIP, "Cancelled before "
						       "the name of DC %s was looked up", t->dc));
		return;
	}
	for (i = 0; i < n; i++) {
		if (!name[0] && rs[i]->status == EW_DNS_OK && rs[i]->nanswers)
			snprintf(name, sizeof(name), "%s", rs[i]->answers[0].data);
		if (!why[0] && rs[i]->status != EW_DNS_OK)
			snprintf(why, sizeof(why), "%s PTR @%s: %s", rev, rs[i]->server,
				 ew_dns_status_name(rs[i]->status));
		ew_dns_result_free(&rs[i]);
	}
	if (name[0] && name[strlen(name) - 1] == '.')
		name[strlen(name) - 1] = '\0';
	if (name[0] && !ew_valid_hostname(name, &bad)) {
		snprintf(why, sizeof(why), "the PTR record of %s names no host (%s)", t->dc, bad);
	} else if (name[0]) {
		/* The name must lead back to the address (A, or AAAA for IPv6). */
		names[0] = name;
		n = ask_system(run, names, v6 ? aaaa : a, 1, rs, sizeof(rs) / sizeof(rs[0]));
		for (i = 0; i < n; i++) {
			for (j = 0; rs[i]->status == EW_DNS_OK && j < rs[i]->nanswers; j++) {
				unsigned char back[16];

				confirmed |= inet_pton(v6 ? AF_INET6 : AF_INET,
						       rs[i]->answers[j].data, back) == 1 &&
					     memcmp(back, bin, v6 ? 16 : 4) == 0;
			}
			ew_dns_result_free(&rs[i]);
		}
		if (!confirmed)
			snprintf(why, sizeof(why), "%s (the PTR name of %s) does not resolve back "
				 "to %s", name, t->dc, t->dc);
	}
	if (confirmed) {
		f = ew_finding_new(EW_CK_TARGET_DC, EW_INFO, "DC %s is %s (its PTR record)", t->dc,
				   name);
		if (f)
			ew_finding_detail(f, "Kerberos names a DC by its host name (ldap/%s), so "
					  "that name is used.", name);
		ew_step_result_add(res, f);
		free(t->dc);
		t->dc = strdup(name);
		free(rev);
		return;
	}
	f = ew_finding_new(EW_CK_TARGET_DC, EW_FAIL, "--dc %s is an address, and Kerberos needs "
			   "the DC's host name", t->dc);
	if (f) {
		char hosts[8][256];
		char err[256] = "";
		size_t nh = t->domain ? ew_dirsession_locate(run, 0, hosts, 8, err, sizeof(err)) : 0;
		struct ew_buf b = {0};

		ew_finding_detail(f, "Tickets are asked for ldap/HOST by name; an address has no "
				  "such name unless its PTR record gives one that leads back to it.");
		ew_finding_evidence(f, "%s", why[0] ? why : "no PTR record");
		for (i = 0; i < nh; i++)
			ew_buf_printf(&b, "%s%s", i ? ", " : "", hosts[i]);
		if (b.len)
			ew_finding_remedy(f, "Give the DC by name: --dc HOST. The DCs of %s: %s.",
					  t->domain, b.data);
		else
			ew_finding_remedy(f, "Give the DC by name: --dc HOST (its fully qualified "
					  "name, as in _ldap._tcp.dc._msdcs.DOMAIN).");
		ew_buf_reset(&b);
	}
	ew_step_result_add(res, f);
	free(rev);
}

int ew_target_step(struct ew_run *run, struct ew_step_result *res)
{
	struct ew_target *t = run->target;
	krb5_context ctx = NULL;
	krb5_error_code code;

	code = krb5_init_context(&ctx);
	if (code != 0) {
		struct ew_finding *f = ew_finding_new(EW_CK_TARGET_REALM, EW_WARN,
						      "The Kerberos configuration cannot be read");

		if (f) {
			ew_finding_detail(f, "krb5_init_context failed (error %ld); defaults from "
					  "krb5.conf and the credential cache are not available.",
					  (long)code);
			ew_finding_remedy(f, "Check /etc/krb5.conf (or the file KRB5_CONFIG "
					  "names) for syntax errors.");
		}
		ew_step_result_add(res, f);
		ctx = NULL;
	}
	resolve_realm(ctx, t, res);
	resolve_domain(t, res);
	resolve_user(ctx, t, res, res->data);
	check_realm_exists(ctx, run, res);
	resolve_dc(run, res);
	if (t->nexchange == 0)
		ew_step_result_add(res, ew_finding_new(EW_CK_TARGET_EXCHANGE, EW_INFO,
						       "No Exchange server given (-x FQDN)"));
	else
		ew_step_result_add(res, ew_finding_new(EW_CK_TARGET_EXCHANGE, EW_PASS,
						       "%zu Exchange server name(s) given",
						       t->nexchange));
	json_object_set_new(res->data, "target", ew_target_to_json(t));
	if (ctx)
		krb5_free_context(ctx);
	return 0;
}
