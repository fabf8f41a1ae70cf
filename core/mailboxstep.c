/*
 * Larger than the other steps: the two pipelined batches of
 * searches, and the bookkeeping of what the reader could and could not read
 * for every object they return, which the pure rules in mailboxrules.c need.
 */
#include "mailboxstep.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "datafields.h"
#include "dirsession.h"
#include "directory.h"
#include "exchrules.h"
#include "finding.h"
#include "krb.h"
#include "mailboxrules.h"
#include "mbxread.h"
#include "secdesc.h"
#include "sid.h"
#include "run.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"

#define MAX_SIDS 4096

static const char *first(const struct ew_dir_entry *e, const char *attr)
{
	const struct ew_dir_attr *a = ew_dir_entry_attr(e, attr);

	return a && a->nvalues ? ew_dir_text(&a->values[0]) : NULL;
}

/* Searches sent together, on the one connection (one round trip). */
#define BATCH_MAX 32
struct batch {
	struct ew_dir_req reqs[BATCH_MAX];
	struct ew_dir_result *rs[BATCH_MAX];
	char *errs[BATCH_MAX];
	size_t n;
};

/* Its index, or -1 when the batch is full or base or filter is missing. */
static int batch_add(struct batch *b, const char *base, int scope, const char *filter,
		     const char *const *attrs, LDAPControl **ctrls)
{
	if (b->n >= BATCH_MAX || base == NULL || filter == NULL)
		return -1;
	b->reqs[b->n].base = base;
	b->reqs[b->n].scope = scope;
	b->reqs[b->n].filter = filter;
	b->reqs[b->n].attrs = attrs;
	b->reqs[b->n].ctrls = ctrls;
	return (int)b->n++;
}

static void batch_run(struct ew_dir *d, struct batch *b)
{
	char err[256];

	if (b->n)
		ew_dir_search_many(d, b->reqs, b->n, b->rs, b->errs, err, sizeof(err));
}

static struct ew_dir_result *batch_result(const struct batch *b, int i)
{
	return i >= 0 ? b->rs[i] : NULL;
}

static const char *batch_error(const struct batch *b, int i)
{
	return i >= 0 && b->errs[i] ? b->errs[i] : NULL;
}

static void batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		ew_dir_result_free(&b->rs[i]);
		free(b->errs[i]);
		b->errs[i] = NULL;
	}
	b->n = 0;
}

/* Who reads the directory on this connection: the bind DN, or the principal
 * of the credential cache whose ticket the GSSAPI bind used (a copy of it).
 * NULL when not known. */
static char *reader_name(const struct ew_run *run)
{
	const char *who = ew_target_reader(run->target, run->bind_dn);

	return who ? strdup(who) : NULL;
}

static const char *const moved[] = { "homeMDB", "homeMTA", "msExchHomeServerName",
				     "targetAddress", "proxyAddresses", "legacyExchangeDN" };
static const char *const admin_groups[] = {
	"Exchange Domain Servers", "Exchange Enterprise Servers",
	"Exchange Organization Administrators", "Organization Management",
	"Recipient Management",
};

/*
 * The mover check in two halves around the second batch: mover_prepare
 * finds the objects whose DACLs the verdict needs and adds their reads (and
 * the mover's tokenGroups) to the batch; mover_judge evaluates what came
 * back for the mover's SIDs and gives the verdict to ew_mbx_rule_mover.
 */
#define MOVER_OBJS 6
struct mover {
	const struct ew_dir_result *account;	/* the mover's account (batch 1) */
	const char *account_err;
	const struct ew_dir_result *groups;	/* the Exchange admin groups (batch 1) */
	const struct ew_dir_result *schema;	/* the attributes a move writes (batch 1) */
	const char *dns[MOVER_OBJS];
	struct ew_mbx_acl *acl[MOVER_OBJS];
	int sd_req[MOVER_OBJS];
	size_t ndn;
	int tg_req;
	char *why[MOVER_OBJS + 4];
	size_t nwhy;
	struct ew_mbx_mover v;
	struct ew_sid sids[MAX_SIDS];
	size_t nsids;
};

static const char *mover_why(struct mover *m, char *s)
{
	if (s == NULL || m->nwhy >= sizeof(m->why) / sizeof(m->why[0])) {
		free(s);
		return NULL;
	}
	m->why[m->nwhy++] = s;
	return s;
}

static void mover_object(struct mover *m, struct ew_mbx_acl *a, const char *label,
			 const struct ew_mbx_object *o, char *why_not_found)
{
	a->label = label;
	if (o == NULL) {
		a->why = mover_why(m, why_not_found);
		return;
	}
	free(why_not_found);
	a->dn = o->dn;
	if (m->ndn < MOVER_OBJS) {
		m->dns[m->ndn] = o->dn;
		m->acl[m->ndn++] = a;
	}
}

static void mover_prepare(struct mover *m, const struct ew_target *t,
			  const struct ew_mbx_config *cfg, const struct ew_mbx_user *u,
			  struct batch *b, LDAPControl **sdctrls)
{
	static const char *const tg[] = { "tokenGroups", NULL };
	static const char *const sdattrs[] = { "nTSecurityDescriptor", NULL };
	const struct ew_mbx_object *org = NULL, *srv, *srv_old = NULL, *ag_new, *ag_old = NULL,
				   *unread = NULL;
	const char *p, *who = cfg->reader ? cfg->reader : "the account exwizard binds as";
	size_t i;

	m->v.account = t->mover;
	m->v.reader = cfg->reader;
	m->v.looked_up = m->account != NULL;
	m->v.lookup_error = m->account_err;
	m->v.found = m->account && m->account->nentries;
	m->tg_req = -1;
	for (i = 0; i < MOVER_OBJS; i++)
		m->sd_req[i] = -1;
	if (!m->v.found)
		return;
	for (i = 0; i < cfg->n; i++)
		if (cfg->objects[i].kind == EW_MBX_ORG)
			org = &cfg->objects[i];
	srv = ew_mbx_ancestor(cfg, u->home_mdb ? u->home_mdb : "", EW_MBX_SERVER);
	ag_new = srv ? ew_mbx_ancestor(cfg, srv->dn, EW_MBX_ADMIN_GROUP) : NULL;
	for (i = 0; u->home_server && i < cfg->n; i++)
		if (cfg->objects[i].kind == EW_MBX_SERVER && cfg->objects[i].legacy_dn &&
		    strcasecmp(cfg->objects[i].legacy_dn, u->home_server) == 0) {
			srv_old = &cfg->objects[i];
			ag_old = ew_mbx_ancestor(cfg, srv_old->dn, EW_MBX_ADMIN_GROUP);
		}
	/* Not read: one that is there but not readable, named if it came back. */
	for (i = 0; org == NULL && i < cfg->n; i++)
		if (cfg->objects[i].unreadable && cfg->root &&
		    (p = ew_mbx_parent(cfg->objects[i].dn)) != NULL && strcasecmp(p, cfg->root) == 0)
			unread = &cfg->objects[i];
	mover_object(m, &m->v.org, "the organization", org, unread ?
		     ew_strprintf("%s is there, not readable as %s", unread->dn, who) :
		     ew_strprintf("no Exchange organization could be read as %s", who));
	mover_object(m, &m->v.ag_new, "the target administrative group", ag_new,
		     ew_strprintf("%s as %s", srv ? "its administrative group is not readable" :
				  "homeMDB's server is not readable", who));
	/* The source group is judged when the mailbox comes from another one, or
	 * when where it comes from cannot be read. */
	m->v.need_old = u->home_server && (srv_old == NULL || ag_old != ag_new);
	if (m->v.need_old)
		mover_object(m, &m->v.ag_old, "the source administrative group", ag_old,
			     srv_old ? ew_strprintf("the administrative group of %s is not "
						    "readable as %s", srv_old->name ?
						    srv_old->name : srv_old->dn, who) :
			     ew_strprintf("no server with msExchHomeServerName's "
					  "legacyExchangeDN could be read as %s", who));
	if (srv)
		mover_object(m, &m->v.srv_new, "the target server", srv, NULL);
	if (srv_old && srv_old != srv)
		mover_object(m, &m->v.srv_old, "the source server", srv_old, NULL);
	mover_object(m, &m->v.user, "the user", &(const struct ew_mbx_object){ .dn = u->dn },
		     NULL);
	/* One batch: the mover's tokenGroups and every descriptor. */
	m->tg_req = batch_add(b, m->account->entries[0].dn, LDAP_SCOPE_BASE, "(objectClass=*)",
			      tg, NULL);
	for (i = 0; sdctrls && i < m->ndn; i++)
		m->sd_req[i] = batch_add(b, m->dns[i], LDAP_SCOPE_BASE, "(objectClass=*)",
					 sdattrs, sdctrls);
}

static void mover_judge(struct mover *m, const struct batch *b, struct ew_step_result *res,
			struct ew_mover_data *data)
{
	const struct ew_dir_result *tr = batch_result(b, m->tg_req), *gr = m->groups;
	struct ew_sd *sds[MOVER_OBJS] = {0};
	const struct ew_dir_attr *a;
	char err[256];
	size_t i, k;

	data->account = ew_field_dup(m->v.account);
	data->rights = calloc(MOVER_OBJS + sizeof(moved) / sizeof(moved[0]),
			      sizeof(*data->rights));
	data->groups = gr && gr->nentries ? calloc(gr->nentries, sizeof(char *)) : NULL;
	if (!m->v.found)
		goto out;
	a = ew_dir_entry_attr(&m->account->entries[0], "objectSid");
	if (a && a->nvalues && ew_sid_parse_exact((const unsigned char *)a->values[0].val,
						  a->values[0].len, &m->sids[0]) == 0)
		m->nsids = 1;
	/* The SIDs every logged-on user gets. */
	ew_sid_from_string("S-1-1-0", &m->sids[m->nsids++]);
	ew_sid_from_string("S-1-5-11", &m->sids[m->nsids++]);
	ew_sid_from_string("S-1-5-15", &m->sids[m->nsids++]);
	if (tr && tr->nentries &&
	    (a = ew_dir_entry_attr(&tr->entries[0], "tokenGroups")) != NULL && a->nvalues) {
		m->v.groups_read = 1;
		for (i = 0; i < a->nvalues && m->nsids < MAX_SIDS; i++)
			if (ew_sid_parse_exact((const unsigned char *)a->values[i].val,
					       a->values[i].len, &m->sids[m->nsids]) == 0)
				m->nsids++;
	}
	/* Membership of the Exchange admin groups, by name. */
	for (i = 0; gr && i < gr->nentries; i++) {
		struct ew_sid gs;

		a = ew_dir_entry_attr(&gr->entries[i], "objectSid");
		if (a == NULL || a->nvalues == 0 ||
		    ew_sid_parse_exact((const unsigned char *)a->values[0].val,
				       a->values[0].len, &gs) != 0)
			continue;
		for (k = 0; k < m->nsids; k++) {
			if (ew_sid_equal(&gs, &m->sids[k])) {
				if (data->groups)
					data->groups[data->ngroups++] =
						ew_field_dup(first(&gr->entries[i], "cn"));
				m->v.admin_groups++;
				break;
			}
		}
	}
	/* Each descriptor, evaluated for the mover's SIDs. */
	for (i = 0; i < m->ndn; i++) {
		const struct ew_dir_result *r = batch_result(b, m->sd_req[i]);
		struct ew_mbx_acl *acl = m->acl[i];
		char text[64];

		a = r && r->nentries ? ew_dir_entry_attr(&r->entries[0], "nTSecurityDescriptor") :
		    NULL;
		if (a == NULL || a->nvalues == 0) {
			acl->why = mover_why(m, ew_strprintf("%s", batch_error(b, m->sd_req[i]) ?
				batch_error(b, m->sd_req[i]) : "no nTSecurityDescriptor came back"));
			continue;
		}
		if (ew_sd_parse((const unsigned char *)a->values[0].val, a->values[0].len, &sds[i],
				err, sizeof(err)) != 0) {
			acl->why = mover_why(m, ew_strprintf("unreadable descriptor: %s", err));
			continue;
		}
		acl->read = 1;
		if (acl == &m->v.user)
			continue;
		acl->rights = ew_sd_access(sds[i], m->sids, m->nsids, NULL, NULL,
					   EW_DS_FULL_CONTROL, NULL);
		ew_sd_rights_text(acl->rights, text, sizeof(text));
		if (data->rights) {
			struct ew_mover_right_data *mr = &data->rights[data->nrights++];

			mr->kind = EW_MOVER_ON_OBJECT;
			mr->object = ew_field_dup(acl->label);
			mr->dn = ew_field_dup(acl->dn);
			mr->rights = ew_field_dup(text);
			mr->full_control = acl->rights == EW_DS_FULL_CONTROL;
		}
	}
	/* The attributes a move writes, each by its own right (general write
	 * property, else a grant for the attribute or its property set). */
	for (k = 0; k < sizeof(moved) / sizeof(moved[0]) && k < EW_MBX_MOVED_MAX; k++) {
		struct ew_mbx_attr_right *ar = &m->v.attrs[m->v.nattrs++];
		const struct ew_sd *usd = NULL;
		enum ew_mbx_right write;
		uint32_t got;

		for (i = 0; i < m->ndn; i++)
			if (m->acl[i] == &m->v.user)
				usd = sds[i];
		ar->name = moved[k];
		ar->general = ar->granted = EW_MBX_UNKNOWN;
		if (usd == NULL)
			continue;
		got = ew_sd_access(usd, m->sids, m->nsids, NULL, NULL, EW_DS_WRITE_PROP, NULL);
		ar->general = got & EW_DS_WRITE_PROP ? EW_MBX_YES : EW_MBX_NO;
		/* The attribute's own grant, by its schema GUIDs: an attribute the
		 * schema search did not return has none. */
		if (ar->general == EW_MBX_NO && m->schema) {
			const struct ew_dir_entry *se = ew_mbx_schema_entry(m->schema, moved[k]);
			const struct ew_dir_attr *g1 = se ? ew_dir_entry_attr(se, "schemaIDGUID") :
						       NULL;
			const struct ew_dir_attr *g2 = se ? ew_dir_entry_attr(
				se, "attributeSecurityGUID") : NULL;

			got = 0;
			if (g1 && g1->nvalues && g1->values[0].len == 16)
				got = ew_sd_access(usd, m->sids, m->nsids,
					(const unsigned char *)g1->values[0].val,
					g2 && g2->nvalues && g2->values[0].len == 16 ?
					(const unsigned char *)g2->values[0].val : NULL,
					EW_DS_WRITE_PROP, NULL);
			ar->granted = got & EW_DS_WRITE_PROP ? EW_MBX_YES : EW_MBX_NO;
		}
		write = ew_mbx_attr_write(ar);
		if (write != EW_MBX_UNKNOWN && data->rights) {
			struct ew_mover_right_data *mr = &data->rights[data->nrights++];

			mr->kind = EW_MOVER_ATTRIBUTE;
			mr->object = ew_field_dup("user");
			mr->right = ew_field_dup(moved[k]);
			mr->granted = write == EW_MBX_YES;
		}
	}
out:
	ew_mbx_rule_mover(&m->v, res);
	for (i = 0; i < MOVER_OBJS; i++)
		ew_sd_free(&sds[i]);
	for (i = 0; i < m->nwhy; i++)
		free(m->why[i]);
}

/*
 * The global catalog for the map, looked up on a thread of its own while the
 * directory is read. The thread owns everything it reads: a copy of the
 * domain and of the run's limits (ew_dirsession_locate reads the domain, the
 * timeout, the tries and the cancel flag, nothing else), made before it
 * starts; the step's thread touches none of it until the join. Started only
 * once the directory is open, so no early return leaves it running.
 */
struct gc_lookup {
	struct ew_run run;		/* the copy the lookup runs with */
	struct ew_target target;	/* only .domain set: a copy */
	char gc[1][256];
	char err[256];
	size_t n;
	pthread_t th;
	int started;	/* a thread runs or ran, not joined yet */
	int done;	/* the lookup ran (n, gc and err are its result) */
};

static void *gc_thread(void *arg)
{
	struct gc_lookup *g = arg;

	g->n = ew_dirsession_locate(&g->run, 1, g->gc, 1, g->err, sizeof(g->err));
	return NULL;
}

/* Copy what the lookup needs and start it; when no thread can be started,
 * gc_result runs it on the calling thread. Out of memory: no lookup (no GC
 * in the map). */
static void gc_start(struct gc_lookup *g, const struct ew_run *run)
{
	memset(g, 0, sizeof(*g));
	if (run->target->domain && (g->target.domain = strdup(run->target->domain)) == NULL)
		return;
	g->run.target = &g->target;
	g->run.cancel = run->cancel;
	g->run.timeout_ms = run->timeout_ms;
	g->run.tries = run->tries;
	g->started = pthread_create(&g->th, NULL, gc_thread, g) == 0;
	g->done = g->started;
}

/* The lookup's result (waits for it; runs it here if no thread ran it). */
static size_t gc_result(struct gc_lookup *g)
{
	if (g->started) {
		pthread_join(g->th, NULL);
		g->started = 0;
	} else if (!g->done && g->run.target) {
		gc_thread(g);
		g->done = 1;
	}
	return g->n;
}

/* Wait for a thread still running, free the copy. */
static void gc_end(struct gc_lookup *g)
{
	if (g->started) {
		pthread_join(g->th, NULL);
		g->started = 0;
	}
	free(g->target.domain);
	g->target.domain = NULL;
}

int ew_mailbox_step(struct ew_run *run, struct ew_step_result *res)
{
	static const char *const uattrs[] = {
		"objectSid", "homeMDB", "homeMTA", "msExchHomeServerName", "legacyExchangeDN",
		"mailNickname", "msExchMailboxGuid", "msExchMailboxSecurityDescriptor",
		"proxyAddresses", "showInAddressBook", "msExchUserAccountControl",
		"targetAddress", "adminCount", "nTSecurityDescriptor", "mail", NULL };
	static const char *const cattrs[] = { "objectClass", "cn", "legacyExchangeDN",
					      "serialNumber", "msExchVersion", NULL };
	static const char *const spnattrs[] = { "servicePrincipalName", "dNSHostName", NULL };
	static const char *const macct[] = { "objectSid", "sAMAccountName", NULL };
	static const char *const gattrs[] = { "objectSid", "cn", NULL };
	static const char *const sattrs[] = { "lDAPDisplayName", "schemaIDGUID",
					      "attributeSecurityGUID", NULL };
	static const char *const cfilter = "(|(objectClass=msExchOrganizationContainer)"
		"(objectClass=msExchAdminGroup)(objectClass=msExchExchangeServer)"
		"(objectClass=msExchPrivateMDB)(objectClass=mTA))";
	struct ew_target *t = run->target;
	struct gc_lookup gcl = {0};
	struct batch *b1 = NULL, *b2 = NULL;
	struct mover *mv = NULL;
	struct ew_mbx_cfg_build cb = { NULL, 0, 0, NULL };
	long rt0 = 0;
	struct ew_buf gfb = {0}, sfb = {0};
	const struct ew_mbx_object *srv = NULL;
	char *ufilter = NULL, *mfilter = NULL, *spnflt = NULL, *reader = NULL, *services = NULL;
	const char *schema, *lists[16];
	size_t nlists = 0;
	struct ew_dirsession c;
	struct ew_finding *why = NULL, *f;
	struct ew_dir_result *ur = NULL, *sp = NULL;
	struct ew_mbx_config cfg = { NULL, 0, NULL, NULL, NULL };
	struct ew_mbx_user u;
	const struct ew_dir_entry *ue;
	const struct ew_dir_attr *a;
	const char **proxies = NULL;
	LDAPControl *sdctl = NULL, *ctrls[2] = { NULL, NULL };
	const char *base, *config;
	char err[512], *exch = NULL;
	static const char *const tgattrs[] = { "tokenGroups", NULL };
	struct ew_buf ufb = {0};
	int ureq, creq, sreq, ereq, treq, rreq, mreq = -1, greq = -1, screq = -1, spreq = -1, lreq[16];
	size_t i;
	struct ew_mailbox_data data = {0};

	if (t->user == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_MBX_ATTRS, EW_SKIP, "No user to look "
						       "at: give -u NAME"));
		return 0;
	}
	if (ew_dirsession_open(run, 0, EW_CK_MBX_ATTRS, &c, &why) != 0) {
		data.bound = 1;
		ew_dirsession_credentials(run, NULL, &data.credentials);
		ew_step_data_put(res->data, ew_mailbox_data_to_json(&data));
		ew_mailbox_data_free(&data);
		ew_step_result_add(res, why);
		return 0;
	}
	data.bound = 1;
	ew_dirsession_credentials(run, &c, &data.credentials);
	rt0 = ew_dir_round_trips(c.dir);
	gc_start(&gcl, run);
	b1 = calloc(1, sizeof(*b1));
	b2 = calloc(1, sizeof(*b2));
	mv = t->mover ? calloc(1, sizeof(*mv)) : NULL;
	if (b1 == NULL || b2 == NULL || (t->mover && mv == NULL)) {
		ew_step_result_add(res, ew_finding_new(EW_CK_MBX_ATTRS, EW_SKIP, "Out of memory"));
		goto out;
	}
	reader = reader_name(run);
	base = ew_dir_rootdse(c.dir, "defaultNamingContext");
	config = ew_dir_rootdse(c.dir, "configurationNamingContext");
	schema = ew_dir_rootdse(c.dir, "schemaNamingContext");
	sdctl = ew_dir_sd_flags_control(EW_DIR_SD_OWNER | EW_DIR_SD_GROUP | EW_DIR_SD_DACL);
	ctrls[0] = sdctl;
	/*
	 * Everything that needs only the rootDSE, in one batch (one round trip):
	 * the user, the Exchange configuration (and the children of CN=Services
	 * and of CN=Microsoft Exchange, readable or not: so that an organization
	 * the reader may not see is not taken for none), the mover, the
	 * Exchange admin groups, the schema entries of the attributes a move
	 * writes.
	 */
	services = config ? ew_strprintf("CN=Services,%s", config) : NULL;
	exch = config ? ew_strprintf("CN=Microsoft Exchange,CN=Services,%s", config) : NULL;
	ufilter = ew_dirsession_account_filter(t->user);
	ew_buf_adds(&ufb, "(|");
	for (i = 0; i < EW_MBX_A_N; i++)
		ew_buf_printf(&ufb, "(lDAPDisplayName=%s)", ew_mbx_attr_names[i]);
	ew_buf_adds(&ufb, ")");
	if (t->mover) {
		mfilter = ew_dirsession_account_filter(t->mover);
		ew_buf_adds(&gfb, "(&(objectClass=group)(|");
		for (i = 0; i < sizeof(admin_groups) / sizeof(admin_groups[0]); i++)
			ew_buf_printf(&gfb, "(cn=%s)", admin_groups[i]);
		ew_buf_adds(&gfb, "))");
		ew_buf_adds(&sfb, "(|");
		for (i = 0; i < sizeof(moved) / sizeof(moved[0]); i++)
			ew_buf_printf(&sfb, "(lDAPDisplayName=%s)", moved[i]);
		ew_buf_adds(&sfb, ")");
	}
	ureq = batch_add(b1, base, LDAP_SCOPE_SUBTREE, ufilter, uattrs, sdctl ? ctrls : NULL);
	creq = batch_add(b1, exch, LDAP_SCOPE_SUBTREE, cfilter, cattrs, NULL);
	sreq = batch_add(b1, services, LDAP_SCOPE_ONELEVEL, "(objectClass=*)", cattrs, NULL);
	ereq = batch_add(b1, exch, LDAP_SCOPE_ONELEVEL, "(objectClass=*)", cattrs, NULL);
	/* The reader's own SIDs, and the schema entries of the user's attributes:
	 * to tell an absent attribute from one the reader may not read. */
	treq = batch_add(b1, "", LDAP_SCOPE_BASE, "(objectClass=*)", tgattrs, NULL);
	rreq = batch_add(b1, schema, LDAP_SCOPE_ONELEVEL, ufb.data, sattrs, NULL);
	if (t->mover) {
		mreq = batch_add(b1, base, LDAP_SCOPE_SUBTREE, mfilter, macct, NULL);
		greq = batch_add(b1, base, LDAP_SCOPE_SUBTREE, gfb.data, gattrs, NULL);
		screq = batch_add(b1, schema, LDAP_SCOPE_ONELEVEL, sfb.data, sattrs, NULL);
	}
	if (ureq >= 0)
		batch_run(c.dir, b1);
	ur = batch_result(b1, ureq);
	if (ur == NULL) {
		f = ew_finding_new(EW_CK_MBX_ATTRS, EW_SKIP, "The user could not be looked up");
		if (f)
			ew_finding_evidence(f, "%s", batch_error(b1, ureq) ? batch_error(b1, ureq) :
					    base ? "out of memory" : "no defaultNamingContext");
		ew_step_result_add(res, f);
		goto out;
	}
	if (ur->nentries == 0) {
		f = ew_finding_new(EW_CK_MBX_ATTRS, EW_FAIL, "No user %s in the directory", t->user);
		ew_step_result_add(res, f);
		goto out;
	}
	ue = &ur->entries[0];
	proxies = ew_mbx_user_from_entry(&u, ue, t->user);
	data.read = 1;
	data.read_as = ew_field_dup(reader);
	u.reader = reader;
	{
		struct ew_mbx_reader rd;

		ew_mbx_reader_init(&rd, batch_result(b1, treq), batch_result(b1, rreq));
		ew_mbx_user_readable(&u, &rd);
		ew_mbx_reader_clear(&rd);
	}

	if (!ew_mbx_has_mailbox(&u)) {
		f = ew_finding_new(EW_CK_MBX_ATTRS, EW_INFO, "%s has no Exchange mailbox (no homeMDB)",
				   t->user);
		if (f)
			ew_finding_remedy(f, "If Outlook should open a mailbox for this user, "
					  "mailbox-enable the account (Exchange tasks).");
		ew_step_result_add(res, f);
		goto data;
	}
	/* The Exchange configuration: organization, groups, servers, databases,
	 * MTAs, and what of it could not be read. */
	ew_mbx_cfg_add_entries(&cb, batch_result(b1, creq));
	ew_mbx_cfg_add_listing(&cb, services, batch_result(b1, sreq));
	ew_mbx_cfg_add_listing(&cb, exch, batch_result(b1, ereq));
	cfg.objects = cb.objs;
	cfg.n = cb.n;
	cfg.reader = reader;
	cfg.root = exch;
	if (batch_result(b1, creq) == NULL) {
		snprintf(err, sizeof(err), "%s", batch_error(b1, creq) ? batch_error(b1, creq) :
			 "no configurationNamingContext");
		cfg.error = err;
	}
	ew_mbx_rule_attrs(&u, res);
	/*
	 * The second batch: the mover's tokenGroups and the DACLs its verdict
	 * needs; the mailbox server's computer account (its SPNs, for the map);
	 * and, when homeMDB or homeMTA was not read, the containers on the way
	 * to it, so that missing is told from not readable.
	 */
	srv = ew_mbx_ancestor(&cfg, u.home_mdb ? u.home_mdb : "", EW_MBX_SERVER);
	if (srv && srv->name && base) {
		char *n = ew_dir_filter_escape(srv->name, strlen(srv->name));

		spnflt = n ? ew_strprintf("(&(objectClass=computer)(cn=%s))", n) : NULL;
		free(n);
	}
	if (mv) {
		mv->account = batch_result(b1, mreq);
		mv->account_err = batch_error(b1, mreq);
		mv->groups = batch_result(b1, greq);
		mv->schema = batch_result(b1, screq);
		mover_prepare(mv, t, &cfg, &u, b2, sdctl ? ctrls : NULL);
	}
	spreq = batch_add(b2, base, LDAP_SCOPE_SUBTREE, spnflt, spnattrs, NULL);
	ew_mbx_list_path(&cfg, u.home_mdb, lists, &nlists, 16);
	ew_mbx_list_path(&cfg, u.home_mta, lists, &nlists, 16);
	for (i = 0; i < nlists; i++)
		lreq[i] = batch_add(b2, lists[i], LDAP_SCOPE_ONELEVEL, "(objectClass=*)", cattrs,
				    NULL);
	batch_run(c.dir, b2);
	sp = batch_result(b2, spreq);
	/* Twice: a container's own readability comes from its parent's listing,
	 * which may come later in the list. */
	for (i = 0; i < 2 * nlists; i++)
		ew_mbx_cfg_add_listing(&cb, lists[i % nlists], batch_result(b2, lreq[i % nlists]));
	cfg.objects = cb.objs;
	cfg.n = cb.n;
	srv = ew_mbx_ancestor(&cfg, u.home_mdb ? u.home_mdb : "", EW_MBX_SERVER);
	ew_mbx_rule_consistent(&u, &cfg, res);
	if (mv) {
		data.mover_state = EW_MOVER_JUDGED;
		mover_judge(mv, b2, res, &data.mover);
	} else {
		ew_mbx_rule_mover(NULL, res);
	}
data:
	ew_mbx_rule_protected(&u, res);
	data.gathered = 1;
	data.attributes.dn = ew_field_dup(u.dn);
	data.attributes.homeMDB = ew_field_dup(u.home_mdb);
	data.attributes.homeMTA = ew_field_dup(u.home_mta);
	data.attributes.msExchHomeServerName = ew_field_dup(u.home_server);
	data.attributes.legacyExchangeDN = ew_field_dup(u.legacy_dn);
	data.attributes.mailNickname = ew_field_dup(u.nickname);
	data.attributes.targetAddress = ew_field_dup(u.target_address);
	data.attributes.msExchMailboxGuid = u.has_guid;
	data.attributes.msExchMailboxSecurityDescriptor = u.sd != NULL;
	data.attributes.proxyAddresses = u.nproxies ? calloc(u.nproxies, sizeof(char *)) : NULL;
	for (i = 0; data.attributes.proxyAddresses && i < u.nproxies; i++)
		data.attributes.proxyAddresses[data.attributes.nproxyAddresses++] =
			ew_field_dup(u.proxies[i]);
	if (u.sd) {
		struct ew_sd *sd = NULL;

		if (ew_sd_parse(u.sd, u.sdlen, &sd, err, sizeof(err)) == 0) {
			data.attributes.have_sddl = 1;
			data.attributes.mailbox_sddl = ew_sd_to_sddl(sd);
		}
		ew_sd_free(&sd);
	}
	data.consistency = res->nfindings ? calloc(res->nfindings, sizeof(*data.consistency)) :
			   NULL;
	for (i = 0; data.consistency && i < res->nfindings; i++) {
		if (strcmp(res->findings[i]->check, EW_CK_MBX_CONSISTENT) == 0) {
			struct ew_mbx_consistency_data *cd = &data.consistency[data.nconsistency++];

			cd->severity = ew_field_dup(ew_severity_name(res->findings[i]->severity));
			cd->title = ew_field_dup(res->findings[i]->title);
		}
	}
	/* The connection map: as Outlook's connection status window shows it. */
	{
		const struct ew_mbx_object *db = ew_mbx_find(&cfg, u.home_mdb);
		const struct ew_mbx_cfg_version *sv = srv ? &cb.ver[srv - cb.objs] : NULL;
		struct ew_exch_version ver;
		char vbuf[64];
		char (*gc)[256] = gcl.gc;
		size_t ngc = gc_result(&gcl);

		data.map.dc = ew_field_dup(c.host);
		data.map.gc = ngc ? ew_field_dup(gc[0]) : NULL;
		data.map.mailbox_server = ew_field_dup(srv ? srv->name : NULL);
		/* its Exchange version, when the reader may read it */
		if (sv && ew_exch_version_parse(sv->serial, sv->msexchversion, &ver) == 0) {
			data.map.version_known = 1;
			data.map.mailbox_server_version =
				ew_field_dup(ew_exch_release_name(&ver, vbuf, sizeof(vbuf)));
		}
		data.map.database = ew_field_dup(db ? db->name : NULL);
		a = sp && sp->nentries ? ew_dir_entry_attr(&sp->entries[0], "servicePrincipalName") :
		    NULL;
		data.spns = a && a->nvalues ? calloc(a->nvalues, sizeof(char *)) : NULL;
		for (i = 0; data.spns && i < a->nvalues; i++)
			data.spns[data.nspns++] = ew_field_dup(ew_dir_text(&a->values[i]));
	}
	if (data.mover_state != EW_MOVER_JUDGED)
		data.mover_state = EW_MOVER_NULL;
out:
	data.counted = 1;
	data.ldap_requests = ew_dir_round_trips(c.dir) - rt0;
	ew_step_data_put(res->data, ew_mailbox_data_to_json(&data));
	ew_mailbox_data_free(&data);
	gc_end(&gcl);
	if (sdctl)
		ldap_control_free(sdctl);
	free(proxies);
	free(cb.objs);
	free(cb.ver);
	free(exch);
	free(services);
	free(reader);
	free(ufilter);
	free(mfilter);
	free(spnflt);
	ew_buf_reset(&gfb);
	ew_buf_reset(&sfb);
	ew_buf_reset(&ufb);
	if (b2)
		batch_free(b2);
	if (b1)
		batch_free(b1);
	free(b1);
	free(b2);
	free(mv);
	ew_dirsession_close(&c);
	return 0;
}
