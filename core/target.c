#include "target.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "causes.h"
#include "text.h"

struct ew_target *ew_target_new(void)
{
	return calloc(1, sizeof(struct ew_target));
}

static int dup_str(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return src == NULL || *dst != NULL;
}

static void client_clear(struct ew_target *t)
{
	size_t i;

	for (i = 0; i < t->nclient; i++) {
		free(t->client[i].source);
		free(t->client[i].data);
	}
	t->nclient = 0;
}

int ew_target_add_client(struct ew_target *t, const char *source, const void *data,
			 size_t len, char *err, size_t errlen)
{
	struct ew_client_text *c;

	if (t->nclient >= EW_TARGET_MAX_LIST) {
		if (err)
			snprintf(err, errlen, "at most %d client files", EW_TARGET_MAX_LIST);
		return -1;
	}
	if (len > EW_TARGET_CLIENT_MAX) {
		if (err)
			snprintf(err, errlen, "%.200s: longer than %u MiB, more than any client "
				 "output", source, EW_TARGET_CLIENT_MAX >> 20);
		return -1;
	}
	c = &t->client[t->nclient];
	/* A file name as the user typed it: cleaned, the JSON needs UTF-8. */
	c->source = ew_text_cleanz(source);
	c->data = malloc(len + 1);
	if (c->source == NULL || c->data == NULL) {
		free(c->source);
		free(c->data);
		if (err)
			snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (len)
		memcpy(c->data, data, len);
	c->data[len] = '\0';
	c->len = len;
	t->nclient++;
	return 0;
}

void ew_target_remove_client(struct ew_target *t, size_t i)
{
	if (i >= t->nclient)
		return;
	free(t->client[i].source);
	free(t->client[i].data);
	memmove(&t->client[i], &t->client[i + 1], (t->nclient - i - 1) * sizeof(t->client[0]));
	t->nclient--;
}

struct ew_target *ew_target_dup(const struct ew_target *t)
{
	struct ew_target *d = ew_target_new();
	int ok;
	size_t i;

	if (d == NULL)
		return NULL;
	ok = dup_str(&d->realm, t->realm) & dup_str(&d->domain, t->domain) &
	     dup_str(&d->user, t->user) & dup_str(&d->mover, t->mover) &
	     dup_str(&d->dc, t->dc) & dup_str(&d->ccache, t->ccache) &
	     dup_str(&d->credentials, t->credentials) &
	     dup_str(&d->cache_principal, t->cache_principal) &
	     dup_str(&d->compare, t->compare) & dup_str(&d->compare_mover, t->compare_mover) &
	     dup_str(&d->compare_ccache, t->compare_ccache);
	for (i = 0; i < t->nexchange; i++, d->nexchange++)
		ok &= dup_str(&d->exchange[i], t->exchange[i]);
	for (i = 0; i < t->ndns_servers; i++, d->ndns_servers++)
		ok &= dup_str(&d->dns_servers[i], t->dns_servers[i]);
	for (i = 0; i < t->nsymptoms; i++, d->nsymptoms++)
		ok &= dup_str(&d->symptoms[i], t->symptoms[i]);
	for (i = 0; ok && i < t->nclient; i++)
		ok &= ew_target_add_client(d, t->client[i].source, t->client[i].data,
					   t->client[i].len, NULL, 0) == 0;
	d->realm_source = t->realm_source;
	d->domain_source = t->domain_source;
	d->user_source = t->user_source;
	if (!ok)
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
	free(t->cache_principal);
	free(t->compare);
	free(t->compare_mover);
	free(t->compare_ccache);
	for (i = 0; i < t->nexchange; i++)
		free(t->exchange[i]);
	for (i = 0; i < t->ndns_servers; i++)
		free(t->dns_servers[i]);
	for (i = 0; i < t->nsymptoms; i++)
		free(t->symptoms[i]);
	client_clear(t);
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

int ew_target_set_compare(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	return set_checked(&t->compare, v, ew_valid_account, "account to compare with", err,
			   errlen);
}

int ew_target_set_compare_mover(struct ew_target *t, const char *v, char *err,
				size_t errlen)
{
	return set_checked(&t->compare_mover, v, ew_valid_account, "mover", err, errlen);
}

int ew_target_set_compare_ccache(struct ew_target *t, const char *v, char *err,
				 size_t errlen)
{
	return set_checked(&t->compare_ccache, v, valid_ccache, "credential cache name", err,
			   errlen);
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

static int valid_symptom(const char *s, const char **why)
{
	*why = "not a symptom id";
	return ew_symptom_find(s) != NULL;
}

/* "unknown symptom 'x' (symptoms: 40960, 40961, ...)" */
static void unknown_symptom(const char *v, char *err, size_t errlen)
{
	char *clean = ew_text_cleanz(v);
	int used = snprintf(err, errlen, "unknown symptom '%.64s' (symptoms:",
			    clean ? clean : "?");
	size_t i;

	for (i = 0; i < ew_nsymptoms && used >= 0 && (size_t)used < errlen; i++)
		used += snprintf(err + used, errlen - (size_t)used, "%s %s", i ? "," : "",
				 ew_symptoms[i].id);
	if (used >= 0 && (size_t)used < errlen)
		snprintf(err + used, errlen - (size_t)used, ")");
	free(clean);
}

int ew_target_add_symptom(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	if (v == NULL || ew_symptom_find(v) == NULL) {
		unknown_symptom(v ? v : "", err, errlen);
		return -1;
	}
	return add_to_list(t->symptoms, &t->nsymptoms, v, valid_symptom, "symptoms", err,
			   errlen);
}

int ew_target_set_symptoms(struct ew_target *t, const char *v, char *err, size_t errlen)
{
	struct ew_target *scratch = ew_target_new();
	char *copy = v ? strdup(v) : NULL, *tok, *save = NULL;
	size_t i;
	int rc = 0;

	if (scratch == NULL || (v && copy == NULL)) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
		goto out;
	}
	for (tok = copy ? strtok_r(copy, " \t,", &save) : NULL; tok && rc == 0;
	     tok = strtok_r(NULL, " \t,", &save))
		rc = ew_target_add_symptom(scratch, tok, err, errlen);
	if (rc != 0)
		goto out;
	for (i = 0; i < t->nsymptoms; i++)
		free(t->symptoms[i]);
	for (i = 0; i < scratch->nsymptoms; i++)
		t->symptoms[i] = scratch->symptoms[i];
	t->nsymptoms = scratch->nsymptoms;
	scratch->nsymptoms = 0;
out:
	ew_target_free(&scratch);
	free(copy);
	return rc;
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
	json_t *j = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s?, s:s, s:s?}",
			 "realm", t->realm, "realm_source", t->realm_source,
			 "domain", t->domain, "domain_source", t->domain_source,
			 "user", t->user, "user_source", t->user_source,
			 "mover", t->mover, "dc", t->dc,
			 "exchange", str_list(t->exchange, t->nexchange),
			 "dns_servers", str_list(t->dns_servers, t->ndns_servers),
			 "ccache", t->ccache, "credentials",
			 t->credentials ? t->credentials : "the user's credential cache",
			 "cache_principal", t->cache_principal);

	if (j && t->nsymptoms)
		json_object_set_new(j, "symptoms", str_list(t->symptoms, t->nsymptoms));
	if (j && t->nclient) {
		/* Where each came from and its size; the text is in the transcript's
		 * "client" input event, once. */
		json_t *a = json_array();
		size_t i;

		for (i = 0; a && i < t->nclient; i++)
			json_array_append_new(a, json_pack("{s:s, s:I}", "source",
							   t->client[i].source, "bytes",
							   (json_int_t)t->client[i].len));
		json_object_set_new(j, "client", a);
	}
	if (j && t->compare)
		json_object_set_new(j, "compare", json_pack("{s:s, s:s?, s:s?}", "user", t->compare,
							    "mover", t->compare_mover,
							    "ccache", t->compare_ccache));
	return j;
}

static int replace(char **dst, const char *v)
{
	char *c = v ? strdup(v) : NULL;

	if (v && c == NULL)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

struct ew_target *ew_target_compared(const struct ew_target *t, int view)
{
	struct ew_target *o;
	size_t i;
	int bad;

	/* Never the default cache: its tickets are not the compared user's. */
	if (t->compare == NULL || (view && t->compare_ccache == NULL) ||
	    (o = ew_target_dup(t)) == NULL)
		return NULL;
	bad = replace(&o->user, t->compare) | replace(&o->mover, t->compare_mover);
	if (view)
		bad |= replace(&o->ccache, t->compare_ccache) | replace(&o->cache_principal, NULL);
	o->user_source = "compare";
	for (i = 0; i < o->nsymptoms; i++)
		free(o->symptoms[i]);
	o->nsymptoms = 0;
	client_clear(o);	/* the user's client, not the compared user's */
	replace(&o->compare, NULL);
	replace(&o->compare_mover, NULL);
	replace(&o->compare_ccache, NULL);
	if (bad)
		ew_target_free(&o);
	return o;
}

void ew_account_name(const char *user, char *out, size_t len)
{
	const char *p = strchr(user, '\\');

	if (p)
		user = p + 1;
	snprintf(out, len, "%.*s", (int)strcspn(user, "@"), user);
}

int ew_same_account(const char *user, const char *principal, const char *realm)
{
	const char *at = principal ? strrchr(principal, '@') : NULL;
	char a[256], b[256];

	if (user == NULL || principal == NULL)
		return 0;
	/* bob of another realm is another account. */
	if (realm && at && strcasecmp(at + 1, realm) != 0)
		return 0;
	ew_account_name(user, a, sizeof(a));
	ew_account_name(principal, b, sizeof(b));
	return a[0] != '\0' && strcasecmp(a, b) == 0;
}

const char *ew_target_reader(const struct ew_target *t, const char *bind_dn)
{
	return bind_dn ? bind_dn : t->cache_principal;
}
