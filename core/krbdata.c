#include "krbdata.h"

#include <stdio.h>
#include <stdlib.h>

#include "text.h"

static void cache_free(struct ew_krb_cache *c)
{
	size_t i;

	for (i = 0; i < c->ncreds; i++) {
		free(c->creds[i].client);
		free(c->creds[i].server);
	}
	free(c->creds);
	free(c->name);
	free(c->principal);
	free(c->error);
}

void ew_krb_caches_clear(struct ew_krb_caches *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		cache_free(&c->caches[i]);
	free(c->caches);
	c->caches = NULL;
	c->n = 0;
}

void ew_krb_svc_clear(struct ew_krb_svc *s)
{
	while (s->ntrace > 0)
		free(s->trace[--s->ntrace]);
	free(s->trace);
	free(s->error);
	s->trace = NULL;
	s->error = NULL;
}

char *ew_krb_flags_text(unsigned flags, char *letters)
{
	static const struct {
		unsigned bit;
		char letter;
		const char *name;
	} f[] = {
		{ EW_TKT_FLG_FORWARDABLE, 'F', "forwardable" },
		{ EW_TKT_FLG_FORWARDED, 'f', "forwarded" },
		{ EW_TKT_FLG_PROXIABLE, 'P', "proxiable" },
		{ EW_TKT_FLG_PROXY, 'p', "proxy" },
		{ EW_TKT_FLG_MAY_POSTDATE, 'D', "may-postdate" },
		{ EW_TKT_FLG_POSTDATED, 'd', "postdated" },
		{ EW_TKT_FLG_INVALID, 'i', "invalid" },
		{ EW_TKT_FLG_RENEWABLE, 'R', "renewable" },
		{ EW_TKT_FLG_INITIAL, 'I', "initial" },
		{ EW_TKT_FLG_HW_AUTH, 'H', "hw-authent" },
		{ EW_TKT_FLG_PRE_AUTH, 'A', "pre-authent" },
		{ EW_TKT_FLG_TRANSIT_POLICY_CHECKED, 'T', "transit-policy-checked" },
		{ EW_TKT_FLG_OK_AS_DELEGATE, 'O', "ok-as-delegate" },
		{ EW_TKT_FLG_ANONYMOUS, 'a', "anonymous" },
	};
	struct ew_buf b = {0};
	size_t i, k = 0;

	ew_buf_add(&b, "", 0);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!(flags & f[i].bit))
			continue;
		if (b.len)
			ew_buf_adds(&b, ", ");
		ew_buf_adds(&b, f[i].name);
		if (letters)
			letters[k++] = f[i].letter;
	}
	if (letters)
		letters[k] = '\0';
	return ew_buf_take(&b);
}

/* The names MIT krb5 gives them (krb5_enctype_to_name, not the shortest). */
static const struct {
	int enctype;
	const char *name;
} enctypes[] = {
	{ 1, "des-cbc-crc" },
	{ 2, "des-cbc-md4" },
	{ 3, "des-cbc-md5" },
	{ 4, "des-cbc-raw" },
	{ 6, "des3-cbc-raw" },
	{ 8, "des-hmac-sha1" },
	{ 16, "des3-cbc-sha1" },
	{ 17, "aes128-cts-hmac-sha1-96" },
	{ 18, "aes256-cts-hmac-sha1-96" },
	{ 19, "aes128-cts-hmac-sha256-128" },
	{ 20, "aes256-cts-hmac-sha384-192" },
	{ 23, "arcfour-hmac" },
	{ 24, "arcfour-hmac-exp" },
	{ 25, "camellia128-cts-cmac" },
	{ 26, "camellia256-cts-cmac" },
};

void ew_krb_enctype_name(int enctype, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(enctypes) / sizeof(enctypes[0]); i++) {
		if (enctypes[i].enctype == enctype) {
			snprintf(buf, len, "%s", enctypes[i].name);
			return;
		}
	}
	snprintf(buf, len, "enctype %d", enctype);
}

int ew_krb_enctype_weakness(int e)
{
	if (e == 1 || e == 2 || e == 3)	/* des-cbc-crc, des-cbc-md4, des-cbc-md5 */
		return 1;
	if (e == 23 || e == 24)	/* rc4-hmac, rc4-hmac-exp */
		return 2;
	return 0;
}
