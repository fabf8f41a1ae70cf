#include "target.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "finding.h"
#include "step.h"
#include "text.h"

struct ew_target *ew_target_new(void)
{
	return calloc(1, sizeof(struct ew_target));
}

/* A copy of s, or NULL (s NULL); *bad set when out of memory. */
static char *dup_or_null(const char *s, int *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*bad = 1;
	return d;
}

struct ew_target *ew_target_dup(const struct ew_target *t)
{
	struct ew_target *d = ew_target_new();
	int bad = 0;
	size_t i;

	if (d == NULL)
		return NULL;
	d->realm = dup_or_null(t->realm, &bad);
	d->domain = dup_or_null(t->domain, &bad);
	d->user = dup_or_null(t->user, &bad);
	d->mover = dup_or_null(t->mover, &bad);
	d->dc = dup_or_null(t->dc, &bad);
	d->ccache = dup_or_null(t->ccache, &bad);
	d->credentials = dup_or_null(t->credentials, &bad);
	for (i = 0; i < t->nexchange && i < EW_TARGET_MAX_LIST; i++)
		if ((d->exchange[d->nexchange] = dup_or_null(t->exchange[i], &bad)) != NULL)
			d->nexchange++;
	for (i = 0; i < t->ndns_servers && i < EW_TARGET_MAX_LIST; i++)
		if ((d->dns_servers[d->ndns_servers] = dup_or_null(t->dns_servers[i], &bad)) != NULL)
			d->ndns_servers++;
	d->realm_source = t->realm_source;
	d->domain_source = t->domain_source;
	d->user_source = t->user_source;
	if (bad)
		ew_target_free(&d);
	return d;
}

void ew_target_free(struct ew_target **tp)
{
	struct ew_target *t;
	size_t i;

	if (tp == NULL || *tp == NULL)
		return;
	t = *tp;
	free(t->realm);
	free(t->domain);
	free(t->user);
	free(t->mover);
	free(t->dc);
	free(t->ccache);
	free(t->credentials);
	for (i = 0; i < t->nexchange; i++)
		free(t->exchange[i]);
	for (i = 0; i < t->ndns_servers; i++)
		free(t->dns_servers[i]);
	free(t);
	*tp = NULL;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int ew_valid_hostname(const char *s, const char **why)
{
	size_t len, label = 0;
	const char *p;

	*why = NULL;
	if (s == NULL || *s == '\0') {
		*why = "empty name";
		return 0;
	}
	len = strlen(s);
	if (s[len - 1] == '.')
		len--;	/* one trailing dot: the root; a second one is an empty label */
	if (len > 0 && s[len - 1] == '.') {
		*why = "empty label (two dots, or a leading dot)";
		return 0;
	}
	if (len == 0 || len > 253) {
		*why = "a DNS name has 1 to 253 characters";
		return 0;
	}
	for (p = s; p < s + len; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '.') {
			if (label == 0) {
				*why = "empty label (two dots, or a leading dot)";
				return 0;
			}
			if (p[-1] == '-') {
				*why = "a label ends with '-'";
				return 0;
			}
			label = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-' || c == '_')) {
			*why = "only letters, digits, '-', '_' and '.' are allowed";
			return 0;
		}
		if (label == 0 && c == '-') {
			*why = "a label starts with '-'";
			return 0;
		}
		if (++label > 63) {
			*why = "a label has at most 63 characters";
			return 0;
		}
	}
	if (p[-1] == '-') {
		*why = "a label ends with '-'";
		return 0;
	}
	return 1;
}

int ew_valid_realm(const char *s, const char **why)
{
	const char *p;

	*why = NULL;
	if (s == NULL || *s == '\0') {
		*why = "empty realm";
		return 0;
	}
	if (strlen(s) > 255) {
		*why = "a realm has at most 255 characters";
		return 0;
	}
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || c == '/' || c == '@' || c == '\\' ||
		    c == ':') {
			*why = "a realm is printable ASCII without space, '/', ':', '\\' or '@'";
			return 0;
		}
	}
	return 1;
}

int ew_valid_account(const char *s, const char **why)
{
	*why = NULL;
	if (s == NULL || *s == '\0') {
		*why = "empty name";
		return 0;
	}
	if (strlen(s) > 256) {
		*why = "at most 256 characters";
		return 0;
	}
	if (has_control(s) || !ew_text_is_clean(s, strlen(s))) {
		*why = "control characters or invalid UTF-8";
		return 0;
	}
	if (strpbrk(s, "\"/[]:;|=+*?<>,") != NULL) {
		*why = "an account name has none of \" / [ ] : ; | = + * ? < > ,";
		return 0;
	}
	return 1;
}

int ew_parse_server(const char *s, char *host, size_t hostlen, unsigned *port,
		    const char **why)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct in6_addr a6;
	struct in_addr a4;
	const char *colon, *end;
	char *ep;
	unsigned long p = 53;
	size_t n;

	*why = NULL;
	if (s == NULL || *s == '\0' || strlen(s) >= sizeof(buf)) {
		*why = "expected IP or IP:PORT";
		return 0;
	}
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (end == NULL) {
			*why = "missing ']'";
			return 0;
		}
		n = (size_t)(end - s - 1);
		memcpy(buf, s + 1, n);
		buf[n] = '\0';
		if (end[1] == ':')
			colon = end + 1;
		else if (end[1] == '\0')
			colon = NULL;
		else {
			*why = "expected [IPv6]:PORT";
			return 0;
		}
		if (inet_pton(AF_INET6, buf, &a6) != 1) {
			*why = "not an IPv6 address";
			return 0;
		}
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':')) {
			/* bare IPv6 without a port */
			if (inet_pton(AF_INET6, s, &a6) != 1) {
				*why = "not an IP address";
				return 0;
			}
			snprintf(buf, sizeof(buf), "%s", s);
			colon = NULL;
		} else {
			n = colon ? (size_t)(colon - s) : strlen(s);
			memcpy(buf, s, n);
			buf[n] = '\0';
			if (inet_pton(AF_INET, buf, &a4) != 1) {
				*why = "not an IP address";
				return 0;
			}
		}
	}
	if (colon) {
		errno = 0;
		if (!isdigit((unsigned char)colon[1])) {
			*why = "port is not a number";
			return 0;
		}
		p = strtoul(colon + 1, &ep, 10);
		if (errno || *ep != '\0' || p == 0 || p > 65535) {
			*why = "port must be 1 to 65535";
			return 0;
		}
	}
	if (strlen(buf) >= hostlen) {
		*why = "address too long";
		return 0;
	}
	memcpy(host, buf, strlen(buf) + 1);
	*port = (unsigned)p;
	return 1;
}

typedef int (*validator)(const char *, const char **);

static int set_checked(char **field, const char *v, validator ok, const char *what,
		       char *err, size_t errlen)
{
	const char *why;
	char *copy;

	if (!ok(v, &why)) {
		snprintf(err, errlen, "invalid %s: %s", what, why);
		return -1;
	}
	copy = strdup(v);
	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(*field);
	*field = copy;
	return 0;
}

int ew_target_set_realm(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	if (set_checked(&t->realm, v, ew_valid_realm, "realm", err, errlen) != 0)
		return -1;
	t->realm_source = "option";
	return 0;
}

int ew_target_set_domain(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	size_t i;

	if (set_checked(&t->domain, v, ew_valid_hostname, "domain", err, errlen) != 0)
		return -1;
	for (i = 0; t->domain[i]; i++)
		t->domain[i] = (char)tolower((unsigned char)t->domain[i]);
	t->domain_source = "option";
	return 0;
}

int ew_target_set_user(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	if (set_checked(&t->user, v, ew_valid_account, "user", err, errlen) != 0)
		return -1;
	t->user_source = "option";
	return 0;
}

int ew_target_set_mover(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	return set_checked(&t->mover, v, ew_valid_account, "mover", err, errlen);
}

int ew_target_set_dc(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	return set_checked(&t->dc, v, ew_valid_hostname, "DC host name", err, errlen);
}

static int valid_ccache(const char *s, const char **why)
{
	*why = NULL;
	if (s == NULL || *s == '\0' || strlen(s) > 4096 || !ew_text_is_clean(s, strlen(s))) {
		*why = "empty, too long, or with control characters or invalid UTF-8";
		return 0;
	}
	return 1;
}

int ew_target_set_ccache(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	return set_checked(&t->ccache, v, valid_ccache, "credential cache name", err, errlen);
}

static int add_to_list(char **list, size_t *n, const char *v, validator ok,
		       const char *what, char *err, size_t errlen)
{
	char *slot = NULL;
	size_t i;

	if (set_checked(&slot, v, ok, what, err, errlen) != 0)
		return -1;
	for (i = 0; i < *n; i++) {
		if (strcasecmp(list[i], slot) == 0) {
			free(slot);	/* given twice: once is enough */
			return 0;
		}
	}
	if (*n >= EW_TARGET_MAX_LIST) {
		free(slot);
		snprintf(err, errlen, "at most %d %s", EW_TARGET_MAX_LIST, what);
		return -1;
	}
	list[(*n)++] = slot;
	return 0;
}

int ew_target_add_exchange(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	return add_to_list(t->exchange, &t->nexchange, v, ew_valid_hostname,
			   "Exchange server name", err, errlen);
}

static int valid_server(const char *s, const char **why)
{
	char host[INET6_ADDRSTRLEN];
	unsigned port;

	return ew_parse_server(s, host, sizeof(host), &port, why);
}

int ew_target_add_dns_server(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	return add_to_list(t->dns_servers, &t->ndns_servers, v, valid_server,
			   "DNS server", err, errlen);
}

static json_t *str_list(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *ew_target_to_json(const struct ew_target *t)
{
	return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s?, s:s}",
			 "realm", t->realm, "realm_source", t->realm_source,
			 "domain", t->domain, "domain_source", t->domain_source,
			 "user", t->user, "user_source", t->user_source,
			 "mover", t->mover, "dc", t->dc,
			 "exchange", str_list(t->exchange, t->nexchange),
			 "dns_servers", str_list(t->dns_servers, t->ndns_servers),
			 "ccache", t->ccache, "credentials",
			 t->credentials ? t->credentials : "the user's credential cache");
}

void ew_account_name(const char *user, char *out, size_t len)
{
	const char *p = strchr(user, '\\');

	if (p)
		user = p + 1;
	snprintf(out, len, "%.*s", (int)strcspn(user, "@"), user);
}

/* ---- the target step ---- */

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
		f = ew_finding_new("TARGET-REALM", EW_PASS, "Realm %s (given on the command line)",
				   t->realm);
		ew_step_result_add(res, f);
		return;
	}
	code = ctx ? krb5_get_default_realm(ctx, &realm) : KRB5_CONFIG_CANTOPEN;
	if (code == 0 && !ew_valid_realm(realm, &why)) {
		char *shown = ew_text_cleanz(realm);

		f = ew_finding_new("TARGET-REALM", EW_FAIL,
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
		f = ew_finding_new("TARGET-REALM", EW_PASS,
				   "Realm %s (default_realm of krb5.conf)", realm);
		ew_step_result_add(res, f);
		krb5_free_default_realm(ctx, realm);
		return;
	}
	msg = ctx ? krb_message(ctx, code) : strdup("no Kerberos library context");
	f = ew_finding_new("TARGET-REALM", EW_FAIL, "No realm to diagnose");
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
		ew_step_result_add(res, ew_finding_new("TARGET-DOMAIN", EW_PASS,
						       "AD DNS domain %s (given on the command line)",
						       t->domain));
		return;
	}
	if (t->realm == NULL) {
		ew_step_result_add(res, ew_finding_new("TARGET-DOMAIN", EW_SKIP,
						       "No AD DNS domain: no realm to derive it from"));
		return;
	}
	if (!ew_valid_hostname(t->realm, &why)) {
		f = ew_finding_new("TARGET-DOMAIN", EW_FAIL,
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
	ew_step_result_add(res, ew_finding_new("TARGET-DOMAIN", EW_INFO,
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

	if (t->user) {
		f = ew_finding_new("TARGET-USER", EW_PASS,
				   "User %s (given on the command line)", t->user);
		if (f && name)
			ew_finding_evidence(f, "credential cache principal: %s", name);
		ew_step_result_add(res, f);
	} else if (name) {
		t->user = ew_text_cleanz(name);
		t->user_source = "ccache";
		f = ew_finding_new("TARGET-USER", EW_PASS,
				   "User %s (the principal of the credential cache)", name);
		if (f && ccname)
			ew_finding_evidence(f, "cache: %s", ccname);
		ew_step_result_add(res, f);
	} else {
		f = ew_finding_new("TARGET-USER", EW_WARN, "No user under diagnosis");
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

int ew_target_step(struct ew_run *run, struct ew_step_result *res)
{
	struct ew_target *t = run->target;
	krb5_context ctx = NULL;
	krb5_error_code code;

	code = krb5_init_context(&ctx);
	if (code != 0) {
		struct ew_finding *f = ew_finding_new("TARGET-REALM", EW_WARN,
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
	if (t->nexchange == 0)
		ew_step_result_add(res, ew_finding_new("TARGET-EXCHANGE", EW_INFO,
						       "No Exchange server given (-x FQDN)"));
	else
		ew_step_result_add(res, ew_finding_new("TARGET-EXCHANGE", EW_PASS,
						       "%zu Exchange server name(s) given",
						       t->nexchange));
	json_object_set_new(res->data, "target", ew_target_to_json(t));
	if (ctx)
		krb5_free_context(ctx);
	return 0;
}
