/*
 * mbxread.c - what the reader got of the Exchange configuration and of a
 * user's mailbox attributes: the objects of several searches put together,
 * the containers listed in full, and which of the user's attributes the
 * reader may read. Shared by the mailbox step and the sweep.
 */
#include "mbxread.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "directory.h"
#include "secdesc.h"
#include "sid.h"

static const char *first(const struct ew_dir_entry *e, const char *attr)
{
	const struct ew_dir_attr *a = ew_dir_entry_attr(e, attr);

	return a && a->nvalues ? ew_dir_text(&a->values[0]) : NULL;
}

static enum ew_mbx_kind kind_of(const struct ew_dir_entry *e)
{
	const struct ew_dir_attr *oc = ew_dir_entry_attr(e, "objectClass");
	size_t i;

	for (i = 0; oc && i < oc->nvalues; i++) {
		const char *v = oc->values[i].val;

		if (strcasecmp(v, "msExchOrganizationContainer") == 0)
			return EW_MBX_ORG;
		if (strcasecmp(v, "msExchAdminGroup") == 0)
			return EW_MBX_ADMIN_GROUP;
		if (strcasecmp(v, "msExchExchangeServer") == 0)
			return EW_MBX_SERVER;
		if (strcasecmp(v, "msExchPrivateMDB") == 0)
			return EW_MBX_DATABASE;
		if (strcasecmp(v, "mTA") == 0)
			return EW_MBX_MTA;
	}
	return EW_MBX_OTHER;
}

static struct ew_mbx_object *cfg_object(struct ew_mbx_cfg_build *b, const char *dn, int *is_new)
{
	size_t i;

	*is_new = 0;
	for (i = 0; i < b->n; i++)
		if (strcasecmp(b->objs[i].dn, dn) == 0)
			return &b->objs[i];
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct ew_mbx_object *o = realloc(b->objs, cap * sizeof(*o));
		struct ew_mbx_cfg_version *v;

		if (o == NULL)
			return NULL;
		b->objs = o;
		if ((v = realloc(b->ver, cap * sizeof(*v))) == NULL)
			return NULL;
		b->ver = v;
		b->cap = cap;
	}
	memset(&b->objs[b->n], 0, sizeof(b->objs[0]));
	memset(&b->ver[b->n], 0, sizeof(b->ver[0]));
	b->objs[b->n].dn = dn;
	b->objs[b->n].kind = EW_MBX_OTHER;
	*is_new = 1;
	return &b->objs[b->n++];
}

void ew_mbx_cfg_add_entries(struct ew_mbx_cfg_build *b, const struct ew_dir_result *r)
{
	size_t i;
	int is_new;

	for (i = 0; r && i < r->nentries; i++) {
		const struct ew_dir_entry *e = &r->entries[i];
		struct ew_mbx_object *o = cfg_object(b, e->dn, &is_new);

		if (o == NULL)
			return;
		if (ew_dir_entry_attr(e, "objectClass") == NULL) {
			if (is_new)
				o->unreadable = 1;
			continue;
		}
		o->unreadable = 0;
		o->kind = kind_of(e);
		if (o->legacy_dn == NULL)
			o->legacy_dn = first(e, "legacyExchangeDN");
		if (o->name == NULL)
			o->name = first(e, "cn");
		if (b->ver[o - b->objs].serial == NULL)
			b->ver[o - b->objs].serial = first(e, "serialNumber");
		if (b->ver[o - b->objs].msexchversion == NULL)
			b->ver[o - b->objs].msexchversion = first(e, "msExchVersion");
	}
}

/* The children of base, from a one-level search that came back (r). An
 * empty answer proves the container empty only when it is readable (as a
 * rule, whoever may read a container may list it). */
void ew_mbx_cfg_add_listing(struct ew_mbx_cfg_build *b, const char *base, const struct ew_dir_result *r)
{
	struct ew_mbx_object *o;
	size_t i;
	int is_new;

	if (r == NULL || base == NULL)
		return;
	ew_mbx_cfg_add_entries(b, r);
	if (r->nentries == 0) {
		for (i = 0; i < b->n; i++)
			if (strcasecmp(b->objs[i].dn, base) == 0 && !b->objs[i].unreadable)
				b->objs[i].listed = 1;
		return;
	}
	if ((o = cfg_object(b, base, &is_new)) != NULL) {
		o->listed = 1;
		o->unreadable = 0;
	}
}

/*
 * Listings of every container from the nearest one that came back down to
 * the parent of dn, when dn itself was not read: so that the rule can tell
 * a missing object from one the reader may not see. Nothing when the
 * nearest container above it is itself not readable (listing below it shows
 * nothing).
 */
void ew_mbx_list_path(const struct ew_mbx_config *cfg, const char *dn, const char **out,
		      size_t *n, size_t max)
{
	const struct ew_mbx_object *at = NULL;
	const char *path[16], *p;
	size_t np = 0, i, k;

	if (dn == NULL || cfg->root == NULL || ew_mbx_lookup(cfg, dn, &at) != EW_MBX_NOT_READABLE ||
	    (at && at->unreadable))
		return;
	for (p = ew_mbx_parent(dn); p && np < 16; p = ew_mbx_parent(p)) {
		const struct ew_mbx_object *o = ew_mbx_find(cfg, p);

		if (o && o->listed)
			break;
		path[np++] = p;
		if (o || strcasecmp(p, cfg->root) == 0)
			break;
	}
	for (i = 0; i < np && *n < max; i++) {
		for (k = 0; k < *n; k++)
			if (strcasecmp(out[k], path[i]) == 0)
				break;
		if (k == *n)
			out[(*n)++] = path[i];
	}
}

/* The schema entry of an attribute, from the one search for all of them. */
const struct ew_dir_entry *ew_mbx_schema_entry(const struct ew_dir_result *sr, const char *name)
{
	size_t i;

	for (i = 0; sr && i < sr->nentries; i++) {
		const char *n = first(&sr->entries[i], "lDAPDisplayName");

		if (n && strcasecmp(n, name) == 0)
			return &sr->entries[i];
	}
	return NULL;
}

int ew_mbx_reader_init(struct ew_mbx_reader *r, const struct ew_dir_result *tg,
		       const struct ew_dir_result *sch)
{
	const struct ew_dir_attr *a = tg && tg->nentries ?
				      ew_dir_entry_attr(&tg->entries[0], "tokenGroups") : NULL;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->sch = sch;
	if (a == NULL || a->nvalues == 0 || (r->sids = calloc(a->nvalues + 3, sizeof(*r->sids))) == NULL)
		return -1;
	for (i = 0; i < a->nvalues; i++)
		if (ew_sid_parse_exact((const unsigned char *)a->values[i].val, a->values[i].len,
				       &r->sids[r->n]) == 0)
			r->n++;
	r->own = r->n;
	ew_sid_from_string("S-1-1-0", &r->sids[r->n++]);
	ew_sid_from_string("S-1-5-11", &r->sids[r->n++]);
	ew_sid_from_string("S-1-5-10", &r->sids[r->n]);	/* SELF, counted when it is */
	return 0;
}

void ew_mbx_reader_clear(struct ew_mbx_reader *r)
{
	free(r->sids);
	memset(r, 0, sizeof(*r));
}

/* Whether the reader is the object whose SID is sid (then SELF is one of
 * its SIDs). */
static int reader_is(const struct ew_mbx_reader *r, const struct ew_sid *sid)
{
	size_t i;

	for (i = 0; sid->revision && i < r->own; i++)
		if (ew_sid_equal(&r->sids[i], sid))
			return 1;
	return 0;
}

/* READ_PROPERTY on attribute name (or its property set) in sd for the
 * reader; unknown without the reader's SIDs or the schema entry. */
static enum ew_mbx_right may_read(const struct ew_mbx_reader *r, const struct ew_sd *sd,
				  int self, const char *name)
{
	const struct ew_dir_entry *se = ew_mbx_schema_entry(r->sch, name);
	const struct ew_dir_attr *g = se ? ew_dir_entry_attr(se, "schemaIDGUID") : NULL;
	const struct ew_dir_attr *ps = se ? ew_dir_entry_attr(se, "attributeSecurityGUID") : NULL;

	if (r->sids == NULL || g == NULL || g->nvalues == 0 || g->values[0].len != 16)
		return EW_MBX_UNKNOWN;
	return ew_sd_access(sd, r->sids, r->n + (self != 0),
			    (const unsigned char *)g->values[0].val,
			    ps && ps->nvalues && ps->values[0].len == 16 ?
			    (const unsigned char *)ps->values[0].val : NULL,
			    EW_DS_READ_PROP, NULL) & EW_DS_READ_PROP ? EW_MBX_YES : EW_MBX_NO;
}

/* The user's DACL (nTSecurityDescriptor), parsed; NULL when it did not
 * come back or does not parse. */
static struct ew_sd *user_sd(const struct ew_mbx_user *u)
{
	struct ew_sd *sd = NULL;
	char err[256];

	if (u->nt_sd == NULL || ew_sd_parse(u->nt_sd, u->nt_sdlen, &sd, err, sizeof(err)) != 0)
		return NULL;
	return sd;
}

void ew_mbx_user_readable(struct ew_mbx_user *u, const struct ew_mbx_reader *r)
{
	struct ew_sd *sd = user_sd(u);
	int self = reader_is(r, &u->sid);
	size_t i;

	for (i = 0; sd && i < EW_MBX_A_N; i++)
		u->readable[i] = may_read(r, sd, self, ew_mbx_attr_names[i]);
	ew_sd_free(&sd);
}

enum ew_mbx_right ew_mbx_user_may_read(const struct ew_mbx_user *u,
				       const struct ew_mbx_reader *r, const char *name)
{
	struct ew_sd *sd = user_sd(u);
	enum ew_mbx_right right = sd ? may_read(r, sd, reader_is(r, &u->sid), name) :
			       EW_MBX_UNKNOWN;

	ew_sd_free(&sd);
	return right;
}

const char **ew_mbx_user_from_entry(struct ew_mbx_user *u, const struct ew_dir_entry *ue,
				    const char *name)
{
	const struct ew_dir_attr *a;
	const char **proxies = NULL;
	size_t i;

	memset(u, 0, sizeof(*u));
	u->name = name;
	u->dn = ue->dn;
	u->home_mdb = first(ue, "homeMDB");
	u->home_mta = first(ue, "homeMTA");
	u->home_server = first(ue, "msExchHomeServerName");
	u->legacy_dn = first(ue, "legacyExchangeDN");
	u->nickname = first(ue, "mailNickname");
	u->target_address = first(ue, "targetAddress");
	u->has_guid = first(ue, "msExchMailboxGuid") != NULL;
	u->has_uac = first(ue, "msExchUserAccountControl") != NULL;
	a = ew_dir_entry_attr(ue, "msExchMailboxSecurityDescriptor");
	if (a && a->nvalues) {
		u->sd = (const unsigned char *)a->values[0].val;
		u->sdlen = a->values[0].len;
	}
	a = ew_dir_entry_attr(ue, "showInAddressBook");
	u->show_in_ab = a ? a->nvalues : 0;
	a = ew_dir_entry_attr(ue, "proxyAddresses");
	if (a && a->nvalues) {
		proxies = calloc(a->nvalues, sizeof(*proxies));
		for (i = 0; proxies && i < a->nvalues; i++)
			proxies[i] = ew_dir_text(&a->values[i]);
		u->proxies = proxies;
		u->nproxies = proxies ? a->nvalues : 0;
	}
	a = ew_dir_entry_attr(ue, "objectSid");
	if (a && a->nvalues)
		ew_sid_parse_exact((const unsigned char *)a->values[0].val, a->values[0].len,
				   &u->sid);
	u->admin_count = first(ue, "adminCount");
	a = ew_dir_entry_attr(ue, "nTSecurityDescriptor");
	if (a && a->nvalues) {
		u->nt_sd = (const unsigned char *)a->values[0].val;
		u->nt_sdlen = a->values[0].len;
	}
	return proxies;
}
