#include "mailboxstep.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dirconnect.h"
#include "directory.h"
#include "finding.h"
#include "mailbox.h"
#include "secdesc.h"
#include "sid.h"
#include "step.h"
#include "target.h"
#include "text.h"

#define MAX_SIDS 4096

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

struct mover_ctx {
	struct ew_sid sids[MAX_SIDS];
	size_t nsids;
	json_t *groups;
	json_t *rights;
};

static void add_sid(struct mover_ctx *m, const char *text)
{
	if (m->nsids < MAX_SIDS && ew_sid_from_string(text, &m->sids[m->nsids]) == 0)
		m->nsids++;
}

#define MAX_EXTRA 2

/* Read nTSecurityDescriptor of each DN (owner, group, DACL: SD_FLAGS 7), all
 * at once, and the nextra extra searches in the same batch (their results in
 * extra_out, NULL when one failed). */
static void read_sds(struct ew_dir *d, const char *const *dns, size_t n, struct ew_sd **out,
		     char **why, const struct ew_dir_req *extra, size_t nextra,
		     struct ew_dir_result **extra_out)
{
	static const char *const attrs[] = { "nTSecurityDescriptor", NULL };
	LDAPControl *ctl = ew_dir_sd_flags_control(EW_DIR_SD_OWNER | EW_DIR_SD_GROUP |
						   EW_DIR_SD_DACL);
	LDAPControl *ctrls[2] = { ctl, NULL };
	struct ew_dir_req reqs[8 + MAX_EXTRA];
	struct ew_dir_result *rs[8 + MAX_EXTRA] = {0};
	char *errs[8 + MAX_EXTRA] = {0}, err[256];
	size_t i, nsd;

	if (n > 8)
		n = 8;
	if (nextra > MAX_EXTRA)
		nextra = MAX_EXTRA;
	nsd = ctl ? n : 0;
	for (i = 0; i < nsd; i++) {
		reqs[i].base = dns[i];
		reqs[i].scope = LDAP_SCOPE_BASE;
		reqs[i].filter = "(objectClass=*)";
		reqs[i].attrs = attrs;
		reqs[i].ctrls = ctrls;
	}
	for (i = 0; i < nextra; i++)
		reqs[nsd + i] = extra[i];
	ew_dir_search_many(d, reqs, nsd + nextra, rs, errs, err, sizeof(err));
	for (i = 0; i < nextra; i++) {
		extra_out[i] = rs[nsd + i];
		free(errs[nsd + i]);
	}
	for (i = 0; i < n; i++) {
		const struct ew_dir_attr *a = rs[i] && i < nsd && rs[i]->nentries ?
			ew_dir_entry_attr(&rs[i]->entries[0], "nTSecurityDescriptor") : NULL;

		out[i] = NULL;
		why[i] = NULL;
		if (a && a->nvalues) {
			if (ew_sd_parse((const unsigned char *)a->values[0].val, a->values[0].len,
					&out[i], err, sizeof(err)) != 0)
				why[i] = ew_strprintf("unreadable descriptor: %s", err);
		} else {
			why[i] = ew_strprintf("%s", i < nsd && errs[i] ? errs[i] :
					      "no nTSecurityDescriptor came back (no READ_CONTROL "
					      "for the account exwizard binds as)");
		}
		if (i < nsd) {
			ew_dir_result_free(&rs[i]);
			free(errs[i]);
		}
	}
	if (ctl)
		ldap_control_free(ctl);
}

/* The schema entry of an attribute, from the one search for all of them. */
static const struct ew_dir_entry *schema_entry(const struct ew_dir_result *sr, const char *name)
{
	size_t i;

	for (i = 0; sr && i < sr->nentries; i++) {
		const char *n = first(&sr->entries[i], "lDAPDisplayName");

		if (n && strcasecmp(n, name) == 0)
			return &sr->entries[i];
	}
	return NULL;
}

/* What the mover check needs from the first batch of searches (owned by
 * the caller), and what it adds to its own batch (the caller's extra). */
struct mover_in {
	struct ew_dir_result *account;	/* the mover's account */
	struct ew_dir_result *groups;	/* the Exchange admin groups */
	struct ew_dir_result *schema;	/* the attributes a move writes */
	const struct ew_dir_req *extra;
	size_t nextra;
	struct ew_dir_result **extra_out;
};

static const char *const moved[] = { "homeMDB", "homeMTA", "msExchHomeServerName",
				     "targetAddress", "proxyAddresses", "legacyExchangeDN" };
static const char *const admin_groups[] = {
	"Exchange Domain Servers", "Exchange Enterprise Servers",
	"Exchange Organization Administrators", "Organization Management",
	"Recipient Management",
};

static void mover_check(struct ew_dir *d, const struct mover_in *in, const char *user_dn,
			const struct ew_target *t, const struct ew_mbx_config *cfg,
			const struct ew_mbx_user *u, struct ew_step_result *res, json_t *data)
{
	static const char *const tg[] = { "tokenGroups", NULL };
	struct mover_ctx *m = calloc(1, sizeof(*m));
	const struct ew_dir_result *mr = in->account, *gr = in->groups;
	struct ew_dir_result *tr = NULL;
	struct ew_dir_req reqs[1 + MAX_EXTRA];
	struct ew_dir_result *outs[1 + MAX_EXTRA] = {0};
	const struct ew_mbx_object *org = NULL, *ag_new = NULL, *ag_old = NULL, *srv,
				   *srv_old = NULL;
	const char *dns[6];
	const char *labels[6];
	struct ew_sd *sds[6] = {0};
	char *why[6] = {0};
	struct ew_finding *f;
	size_t i, k, ndn = 0, in_admin = 0;
	int full_org = 0, full_new = 0, full_old = 0, readable = 0, cannot_write = 0;
	const struct ew_dir_attr *a;
	json_t *mj;

	if (m == NULL)
		return;
	m->groups = json_array();
	m->rights = json_array();
	if (mr == NULL || mr->nentries == 0) {
		f = ew_finding_new("MBX-MOVER", EW_FAIL, "No account %s in the directory",
				   t->mover);
		if (f)
			ew_finding_remedy(f, "Check the name given with -m.");
		ew_step_result_add(res, f);
		/* The caller's extra searches still go, alone. */
		read_sds(d, NULL, 0, sds, why, in->extra, in->nextra, in->extra_out);
		goto out;
	}
	a = ew_dir_entry_attr(&mr->entries[0], "objectSid");
	if (a && a->nvalues && ew_sid_parse_exact((const unsigned char *)a->values[0].val,
						  a->values[0].len, &m->sids[0]) == 0)
		m->nsids = 1;
	/* The SIDs every logged-on user gets. */
	add_sid(m, "S-1-1-0");
	add_sid(m, "S-1-5-11");
	add_sid(m, "S-1-5-15");

	/* Membership of the Exchange admin groups, by name (checked once the
	 * mover's tokenGroups are in, below). */

	/* The organization, the target group (of homeMDB's server), the source group. */
	for (i = 0; i < cfg->n; i++)
		if (cfg->objects[i].kind == EW_MBX_ORG)
			org = &cfg->objects[i];
	srv = ew_mbx_ancestor(cfg, u->home_mdb ? u->home_mdb : "", EW_MBX_SERVER);
	ag_new = srv ? ew_mbx_ancestor(cfg, srv->dn, EW_MBX_ADMIN_GROUP) : NULL;
	for (i = 0; u->home_server && i < cfg->n; i++)
		if (cfg->objects[i].kind == EW_MBX_SERVER && cfg->objects[i].legacy_dn &&
		    strcasecmp(cfg->objects[i].legacy_dn, u->home_server) == 0) {
			srv_old = &cfg->objects[i];
			ag_old = ew_mbx_ancestor(cfg, cfg->objects[i].dn, EW_MBX_ADMIN_GROUP);
		}
	if (org) {
		dns[ndn] = org->dn;
		labels[ndn++] = "the organization";
	}
	if (ag_new) {
		dns[ndn] = ag_new->dn;
		labels[ndn++] = "the target administrative group";
	}
	if (ag_old && ag_old != ag_new) {
		dns[ndn] = ag_old->dn;
		labels[ndn++] = "the source administrative group";
	}
	if (srv) {
		dns[ndn] = srv->dn;
		labels[ndn++] = "the target server";
	}
	if (srv_old && srv_old != srv) {
		dns[ndn] = srv_old->dn;
		labels[ndn++] = "the source server";
	}
	dns[ndn] = user_dn;
	labels[ndn++] = "the user";
	/* One batch: the mover's tokenGroups, every descriptor, the caller's extra. */
	reqs[0].base = mr->entries[0].dn;
	reqs[0].scope = LDAP_SCOPE_BASE;
	reqs[0].filter = "(objectClass=*)";
	reqs[0].attrs = tg;
	reqs[0].ctrls = NULL;
	for (i = 0; i < in->nextra && i < MAX_EXTRA; i++)
		reqs[1 + i] = in->extra[i];
	read_sds(d, dns, ndn, sds, why, reqs, 1 + (in->nextra < MAX_EXTRA ? in->nextra :
						   MAX_EXTRA), outs);
	tr = outs[0];
	for (i = 0; i < in->nextra; i++)
		in->extra_out[i] = i < MAX_EXTRA ? outs[1 + i] : NULL;
	if (tr && tr->nentries &&
	    (a = ew_dir_entry_attr(&tr->entries[0], "tokenGroups")) != NULL) {
		for (i = 0; i < a->nvalues && m->nsids < MAX_SIDS; i++)
			if (ew_sid_parse_exact((const unsigned char *)a->values[i].val,
					       a->values[i].len, &m->sids[m->nsids]) == 0)
				m->nsids++;
	}
	for (i = 0; gr && i < gr->nentries; i++) {
		struct ew_sid gs;

		a = ew_dir_entry_attr(&gr->entries[i], "objectSid");
		if (a == NULL || a->nvalues == 0 ||
		    ew_sid_parse_exact((const unsigned char *)a->values[0].val,
				       a->values[0].len, &gs) != 0)
			continue;
		for (k = 0; k < m->nsids; k++) {
			if (ew_sid_equal(&gs, &m->sids[k])) {
				json_array_append_new(m->groups, ew_json_string_clean(
					first(&gr->entries[i], "cn")));
				in_admin++;
				break;
			}
		}
	}

	f = ew_finding_new("MBX-MOVER", EW_PASS, "%s could have moved the mailbox", t->mover);
	for (i = 0; i < ndn; i++) {
		uint32_t got;
		char rights[64];

		if (sds[i] == NULL) {
			if (f)
				ew_finding_evidence(f, "%s: cannot judge: %s", labels[i],
						    why[i] ? why[i] : "?");
			continue;
		}
		readable++;
		if (dns[i] == user_dn) {
			/* The attributes a move writes, each by its own right. */
			for (k = 0; k < sizeof(moved) / sizeof(moved[0]); k++) {
				got = ew_sd_access(sds[i], m->sids, m->nsids, NULL, NULL,
						   EW_DS_WRITE_PROP, NULL);
				if (!(got & EW_DS_WRITE_PROP)) {
					/* Look for a per-attribute grant before saying no. */
					const struct ew_dir_entry *se = schema_entry(in->schema,
										     moved[k]);
					const struct ew_dir_attr *g1 = se ? ew_dir_entry_attr(
						se, "schemaIDGUID") : NULL;
					const struct ew_dir_attr *g2 = se ? ew_dir_entry_attr(
						se, "attributeSecurityGUID") : NULL;

					if (g1 && g1->nvalues && g1->values[0].len == 16)
						got = ew_sd_access(sds[i], m->sids, m->nsids,
							(const unsigned char *)g1->values[0].val,
							g2 && g2->nvalues && g2->values[0].len == 16 ?
							(const unsigned char *)g2->values[0].val :
							NULL, EW_DS_WRITE_PROP, NULL);
				}
				json_array_append_new(m->rights, json_pack("{s:s, s:s, s:b}",
					"object", "user", "right", moved[k],
					"granted", (got & EW_DS_WRITE_PROP) != 0));
				if (!(got & EW_DS_WRITE_PROP)) {
					cannot_write++;
					if (f)
						ew_finding_evidence(f, "cannot write %s on the user",
								    moved[k]);
				}
			}
			continue;
		}
		got = ew_sd_access(sds[i], m->sids, m->nsids, NULL, NULL, EW_DS_FULL_CONTROL,
				   NULL);
		ew_sd_rights_text(got, rights, sizeof(rights));
		json_array_append_new(m->rights, json_pack("{s:s, s:o, s:s, s:b}", "object",
							   labels[i], "dn", ew_json_string_clean(dns[i]),
							   "rights", rights, "full_control",
							   got == EW_DS_FULL_CONTROL));
		if (f)
			ew_finding_evidence(f, "%s: %s", labels[i], got == EW_DS_FULL_CONTROL ?
					    "Full Control" : got ? rights : "no rights");
		if (got == EW_DS_FULL_CONTROL) {
			if (dns[i] == (org ? org->dn : NULL))
				full_org = 1;
			else if (ag_new && dns[i] == ag_new->dn)
				full_new = 1;
			else if (ag_old && dns[i] == ag_old->dn)
				full_old = 1;
			/* the servers are shown; their rights come from their groups */
		}
	}
	if (f)
		ew_finding_evidence(f, "Exchange admin groups: %zu (%s)", in_admin,
				    in_admin ? "see the data" : "none");
	if (readable == 0) {
		f->severity = EW_SKIP;
		free(f->title);
		f->title = ew_strprintf("Whether %s could move the mailbox cannot be judged: the "
					"descriptors cannot be read", t->mover);
		ew_finding_remedy(f, "Run exwizard as an account that may read the Exchange "
				  "configuration's permissions (an Exchange administrator). "
				  "By group membership, %s is in %zu Exchange admin group(s).",
				  t->mover, in_admin);
	} else if (!(full_org || (full_new && (full_old || ag_old == NULL || ag_old == ag_new)))
		   || cannot_write) {
		f->severity = EW_FAIL;
		free(f->title);
		f->title = ew_strprintf("%s lacks the rights to move a mailbox", t->mover);
		ew_finding_detail(f, "A move needs Exchange Full Administrator (Full Control) on "
				  "the organization, or Exchange Administrator on both the "
				  "source and target administrative groups, local administrator "
				  "rights where the move runs, and write access to the user's "
				  "Exchange attributes. Without them the move writes some "
				  "attributes and not others: the half-moved mailbox of the seed, "
				  "Kerberos logons to it fail.");
		ew_finding_remedy(f, "Redo the move as an Exchange Full Administrator (Exchange "
				  "System Manager, Delegate control on the organization), or "
				  "delegate those rights to %s first; then check the user with "
				  "this step again.", t->mover);
	}
	ew_step_result_add(res, f);
out:
	mj = json_pack("{s:o, s:o, s:o}", "account", ew_json_string_clean(t->mover), "groups", m->groups,
		       "rights", m->rights);
	json_object_set_new(data, "mover", mj);
	for (i = 0; i < 6; i++) {
		ew_sd_free(&sds[i]);
		free(why[i]);
	}
	ew_dir_result_free(&tr);
	free(m);
}

/*
 * The global catalog for the map, looked up on a thread of its own while the
 * directory is read. The thread owns everything it reads: a copy of the
 * domain and of the run's limits (ew_dirconn_locate reads the domain, the
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

	g->n = ew_dirconn_locate(&g->run, 1, g->gc, 1, g->err, sizeof(g->err));
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
	static const char *const cattrs[] = { "objectClass", "cn", "legacyExchangeDN", NULL };
	static const char *const spnattrs[] = { "servicePrincipalName", "dNSHostName", NULL };
	static const char *const macct[] = { "objectSid", "sAMAccountName", NULL };
	static const char *const gattrs[] = { "objectSid", "cn", NULL };
	static const char *const sattrs[] = { "lDAPDisplayName", "schemaIDGUID",
					      "attributeSecurityGUID", NULL };
	struct ew_target *t = run->target;
	struct mover_in mv = {0};
	struct gc_lookup gcl = {0};
	long rt0 = 0;
	struct ew_dir_req spnreq;
	struct ew_buf gfb = {0}, sfb = {0};
	const struct ew_mbx_object *srv = NULL;
	char *ufilter = NULL, *mfilter = NULL, *spnflt = NULL, cerr[512] = "";
	const char *schema;
	struct ew_dirconn c;
	struct ew_finding *why = NULL, *f;
	struct ew_dir_result *ur = NULL, *cr = NULL, *sp = NULL;
	struct ew_mbx_object *objs = NULL;
	struct ew_mbx_config cfg = { NULL, 0 };
	struct ew_mbx_user u;
	const struct ew_dir_entry *ue;
	const struct ew_dir_attr *a;
	const char **proxies = NULL;
	LDAPControl *sdctl = NULL, *ctrls[2] = { NULL, NULL };
	const char *base, *config;
	char err[512], *exch = NULL;
	size_t i;
	json_t *attrs, *cons, *spns, *map;

	if (t->user == NULL) {
		ew_step_result_add(res, ew_finding_new("MBX-ATTRS", EW_SKIP, "No user to look "
						       "at: give -u NAME"));
		return 0;
	}
	if (ew_dirconn_open(run, 0, "MBX-ATTRS", &c, &why) != 0) {
		ew_step_result_add(res, why);
		return 0;
	}
	gc_start(&gcl, run);
	rt0 = ew_dir_round_trips(c.dir);
	base = ew_dir_rootdse(c.dir, "defaultNamingContext");
	config = ew_dir_rootdse(c.dir, "configurationNamingContext");
	schema = ew_dir_rootdse(c.dir, "schemaNamingContext");
	sdctl = ew_dir_sd_flags_control(EW_DIR_SD_OWNER | EW_DIR_SD_GROUP | EW_DIR_SD_DACL);
	ctrls[0] = sdctl;
	/*
	 * Everything that needs only the rootDSE, in one batch (one round trip):
	 * the user, the Exchange configuration, the mover, the Exchange admin
	 * groups, the schema entries of the attributes a move writes.
	 */
	exch = config ? ew_strprintf("CN=Microsoft Exchange,CN=Services,%s", config) : NULL;
	ufilter = ew_dirconn_account_filter(t->user);
	if (t->mover) {
		mfilter = ew_dirconn_account_filter(t->mover);
		ew_buf_adds(&gfb, "(&(objectClass=group)(|");
		for (i = 0; i < sizeof(admin_groups) / sizeof(admin_groups[0]); i++)
			ew_buf_printf(&gfb, "(cn=%s)", admin_groups[i]);
		ew_buf_adds(&gfb, "))");
		ew_buf_adds(&sfb, "(|");
		for (i = 0; i < sizeof(moved) / sizeof(moved[0]); i++)
			ew_buf_printf(&sfb, "(lDAPDisplayName=%s)", moved[i]);
		ew_buf_adds(&sfb, ")");
	}
	{
		struct ew_dir_req reqs[5] = {
			{ base, LDAP_SCOPE_SUBTREE, ufilter, uattrs, sdctl ? ctrls : NULL },
			{ exch, LDAP_SCOPE_SUBTREE, "(|(objectClass=msExchOrganizationContainer)"
			  "(objectClass=msExchAdminGroup)(objectClass=msExchExchangeServer)"
			  "(objectClass=msExchPrivateMDB)(objectClass=mTA))", cattrs, NULL },
			{ base, LDAP_SCOPE_SUBTREE, mfilter, macct, NULL },
			{ base, LDAP_SCOPE_SUBTREE, gfb.data, gattrs, NULL },
			{ schema, LDAP_SCOPE_ONELEVEL, sfb.data, sattrs, NULL },
		};
		struct ew_dir_result *rs[5] = {0};
		char *errs[5] = {0};

		if (base && ufilter)
			ew_dir_search_many(c.dir, reqs, t->mover && mfilter && gfb.data &&
					   sfb.data ? 5 : 2, rs, errs, err, sizeof(err));
		ur = rs[0];
		cr = rs[1];
		mv.account = rs[2];
		mv.groups = rs[3];
		mv.schema = rs[4];
		snprintf(err, sizeof(err), "%s", errs[0] ? errs[0] : base ? "out of memory" :
			 "no defaultNamingContext");
		if (cr == NULL)
			snprintf(cerr, sizeof(cerr), "%s", errs[1] ? errs[1] : "no "
				 "configurationNamingContext");
		for (i = 0; i < 5; i++)
			free(errs[i]);
	}
	if (ur == NULL) {
		f = ew_finding_new("MBX-ATTRS", EW_SKIP, "The user could not be looked up");
		if (f)
			ew_finding_evidence(f, "%s", err);
		ew_step_result_add(res, f);
		goto out;
	}
	if (ur->nentries == 0) {
		f = ew_finding_new("MBX-ATTRS", EW_FAIL, "No user %s in the directory", t->user);
		ew_step_result_add(res, f);
		goto out;
	}
	ue = &ur->entries[0];
	memset(&u, 0, sizeof(u));
	u.dn = ue->dn;
	u.home_mdb = first(ue, "homeMDB");
	u.home_mta = first(ue, "homeMTA");
	u.home_server = first(ue, "msExchHomeServerName");
	u.legacy_dn = first(ue, "legacyExchangeDN");
	u.nickname = first(ue, "mailNickname");
	u.target_address = first(ue, "targetAddress");
	u.has_guid = first(ue, "msExchMailboxGuid") != NULL;
	u.has_uac = first(ue, "msExchUserAccountControl") != NULL;
	a = ew_dir_entry_attr(ue, "msExchMailboxSecurityDescriptor");
	if (a && a->nvalues) {
		u.sd = (const unsigned char *)a->values[0].val;
		u.sdlen = a->values[0].len;
	}
	a = ew_dir_entry_attr(ue, "showInAddressBook");
	u.show_in_ab = a ? a->nvalues : 0;
	a = ew_dir_entry_attr(ue, "proxyAddresses");
	if (a && a->nvalues) {
		proxies = calloc(a->nvalues, sizeof(*proxies));
		for (i = 0; proxies && i < a->nvalues; i++)
			proxies[i] = ew_dir_text(&a->values[i]);
		u.proxies = proxies;
		u.nproxies = proxies ? a->nvalues : 0;
	}
	a = ew_dir_entry_attr(ue, "objectSid");
	if (a && a->nvalues)
		ew_sid_parse_exact((const unsigned char *)a->values[0].val, a->values[0].len,
				   &u.sid);

	if (!ew_mbx_has_mailbox(&u)) {
		f = ew_finding_new("MBX-ATTRS", EW_INFO, "%s has no Exchange mailbox (no homeMDB)",
				   t->user);
		if (f)
			ew_finding_remedy(f, "If Outlook should open a mailbox for this user, "
					  "mailbox-enable the account (Exchange tasks).");
		ew_step_result_add(res, f);
		goto data;
	}
	/* The Exchange configuration: organization, groups, servers, databases, MTAs. */
	if (cr && cr->nentries) {
		objs = calloc(cr->nentries, sizeof(*objs));
		for (i = 0; objs && i < cr->nentries; i++) {
			objs[i].dn = cr->entries[i].dn;
			objs[i].kind = kind_of(&cr->entries[i]);
			objs[i].legacy_dn = first(&cr->entries[i], "legacyExchangeDN");
			objs[i].name = first(&cr->entries[i], "cn");
		}
		cfg.objects = objs;
		cfg.n = objs ? cr->nentries : 0;
	}
	ew_mbx_rule_attrs(&u, res);
	if (cfg.n == 0) {
		f = ew_finding_new("MBX-CONSISTENT", EW_SKIP, "No Exchange organization found in "
				   "the configuration naming context");
		if (f)
			ew_finding_evidence(f, "%s: %s", exch ? exch : "?", cr ? "nothing there" :
					    cerr);
		ew_step_result_add(res, f);
	} else {
		ew_mbx_rule_consistent(&u, &cfg, res);
	}
	/* The mailbox server's computer account (its SPNs, for the map): in the
	 * mover check's batch when there is one. */
	srv = ew_mbx_ancestor(&cfg, u.home_mdb ? u.home_mdb : "", EW_MBX_SERVER);
	if (srv && srv->name && base) {
		char *n = ew_dir_filter_escape(srv->name, strlen(srv->name));

		spnflt = n ? ew_strprintf("(&(objectClass=computer)(cn=%s))", n) : NULL;
		free(n);
	}
	spnreq.base = base;
	spnreq.scope = LDAP_SCOPE_SUBTREE;
	spnreq.filter = spnflt;
	spnreq.attrs = spnattrs;
	spnreq.ctrls = NULL;
	mv.extra = &spnreq;
	mv.nextra = spnflt ? 1 : 0;
	mv.extra_out = &sp;
	if (t->mover) {
		mover_check(c.dir, &mv, ue->dn, t, &cfg, &u, res, res->data);
	} else {
		ew_step_result_add(res, ew_finding_new("MBX-MOVER", EW_SKIP, "No mover given "
						       "(-m NAME: the account that moved the "
						       "mailbox)"));
		if (spnflt && ew_dir_search(c.dir, base, LDAP_SCOPE_SUBTREE, spnflt, spnattrs,
					    NULL, &sp, err, sizeof(err)) != 0)
			ew_dir_result_free(&sp);
	}
data:
	/* MBX-PROTECTED: adminCount and a DACL protected from inheritance. */
	{
		const char *ac = first(ue, "adminCount");
		struct ew_sd *sd = NULL;
		int protected_dacl = 0;

		a = ew_dir_entry_attr(ue, "nTSecurityDescriptor");
		if (a && a->nvalues && ew_sd_parse((const unsigned char *)a->values[0].val,
						   a->values[0].len, &sd, err, sizeof(err)) == 0)
			protected_dacl = (sd->control & 0x1000) != 0;
		ew_sd_free(&sd);
		if ((ac && strcmp(ac, "1") == 0) || protected_dacl) {
			f = ew_finding_new("MBX-PROTECTED", EW_WARN, "%s is a protected account",
					   t->user);
			if (f) {
				if (ac && strcmp(ac, "1") == 0)
					ew_finding_evidence(f, "adminCount = 1 (AdminSDHolder "
							    "resets its permissions every hour)");
				if (protected_dacl)
					ew_finding_evidence(f, "its DACL is protected from "
							    "inheritance");
				ew_finding_detail(f, "Exchange's inherited permissions do not "
						  "reach it; moves and mailbox access by Exchange "
						  "servers can fail.");
				ew_finding_remedy(f, "Do not use a privileged account as a mail "
						  "user, or grant Exchange its rights on "
						  "AdminSDHolder.");
			}
			ew_step_result_add(res, f);
		} else {
			ew_step_result_add(res, ew_finding_new("MBX-PROTECTED", EW_PASS,
							       "Not a protected account"));
		}
	}
	attrs = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}",
			  "dn", ew_json_string_clean(u.dn), "homeMDB", ew_json_string_clean(u.home_mdb),
			  "homeMTA", ew_json_string_clean(u.home_mta), "msExchHomeServerName", ew_json_string_clean(u.home_server),
			  "legacyExchangeDN", ew_json_string_clean(u.legacy_dn), "mailNickname",
			  ew_json_string_clean(u.nickname), "targetAddress", ew_json_string_clean(u.target_address),
			  "msExchMailboxGuid", u.has_guid,
			  "msExchMailboxSecurityDescriptor", u.sd != NULL);
	{
		json_t *pa = json_array();

		for (i = 0; i < u.nproxies; i++)
			json_array_append_new(pa, ew_json_string_clean(u.proxies[i]));
		json_object_set_new(attrs, "proxyAddresses", pa);
	}
	if (u.sd) {
		struct ew_sd *sd = NULL;

		if (ew_sd_parse(u.sd, u.sdlen, &sd, err, sizeof(err)) == 0) {
			char *sddl = ew_sd_to_sddl(sd);

			json_object_set_new(attrs, "mailbox_sddl", ew_json_string_clean(sddl));
			free(sddl);
		}
		ew_sd_free(&sd);
	}
	cons = json_array();
	for (i = 0; i < res->nfindings; i++)
		if (strcmp(res->findings[i]->check, "MBX-CONSISTENT") == 0)
			json_array_append_new(cons, json_pack("{s:s, s:s}", "severity",
				ew_severity_name(res->findings[i]->severity),
				"title", res->findings[i]->title));
	/* The connection map: as Outlook's connection status window shows it. */
	{
		const struct ew_mbx_object *db = ew_mbx_find(&cfg, u.home_mdb);
		char (*gc)[256] = gcl.gc;
		size_t ngc = gc_result(&gcl);

		map = json_pack("{s:o, s:o, s:o, s:o, s:o}", "dc", ew_json_string_clean(c.host),
				"gc", ngc ? ew_json_string_clean(gc[0]) : json_null(),
				"mailbox_server", ew_json_string_clean(srv ? srv->name : NULL),
				"database", ew_json_string_clean(db ? db->name : NULL),
				"public_folders", json_null());
		spns = json_array();
		if (sp && sp->nentries) {
			a = ew_dir_entry_attr(&sp->entries[0], "servicePrincipalName");
			for (i = 0; a && i < a->nvalues; i++)
				json_array_append_new(spns, ew_json_string_clean(ew_dir_text(&a->values[i])));
		}
	}
	json_object_set_new(res->data, "attributes", attrs);
	json_object_set_new(res->data, "consistency", cons);
	json_object_set_new(res->data, "map", map);
	json_object_set_new(res->data, "spns", spns);
	if (!json_object_get(res->data, "mover"))
		json_object_set_new(res->data, "mover", json_null());
out:
	json_object_set_new(res->data, "ldap_requests",
			    json_integer(ew_dir_round_trips(c.dir) - rt0));
	gc_end(&gcl);
	if (sdctl)
		ldap_control_free(sdctl);
	free(proxies);
	free(objs);
	free(exch);
	free(ufilter);
	free(mfilter);
	free(spnflt);
	ew_buf_reset(&gfb);
	ew_buf_reset(&sfb);
	ew_dir_result_free(&mv.account);
	ew_dir_result_free(&mv.groups);
	ew_dir_result_free(&mv.schema);
	ew_dir_result_free(&ur);
	ew_dir_result_free(&cr);
	ew_dir_result_free(&sp);
	ew_dirconn_close(&c);
	return 0;
}
