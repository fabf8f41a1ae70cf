/*
 * sweepside.c - what the sweep reads beside the users, each on a connection
 * of its own and a thread of its own: how many users there are (for the
 * progress), and the forest's SPNs from the global catalog (the duplicates,
 * and the Exchange servers' SPNs no account holds).
 */
#include "sweepside.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalogue.h"
#include "causes.h"
#include "directory.h"
#include "dirsession.h"
#include "exchrules.h"
#include "exchstep.h"
#include "finding.h"
#include "spnmap.h"
#include "target.h"
#include "text.h"

static const char *first(const struct ew_dir_entry *e, const char *attr)
{
	const struct ew_dir_attr *a = ew_dir_entry_attr(e, attr);

	return a && a->nvalues ? ew_dir_text(&a->values[0]) : NULL;
}

/* ---- the user count, on a connection of its own ---- */

static int on_count(void *arg, struct ew_dir_result *page)
{
	struct ew_sweep_count *j = arg;

	j->n += (long)page->nentries;
	return 0;
}

static void count_work(struct ew_sweep_count *j)
{
	static const char *const none[] = { "1.1", NULL };
	struct ew_dirsession c;
	struct ew_finding *why = NULL;
	char err[256];

	if (ew_dirsession_open(&j->run, 0, EW_CK_SWEEP_DOMAIN, &c, &why) != 0) {
		ew_finding_free(&why);
		return;
	}
	if (ew_dir_search_stream(c.dir, j->base, LDAP_SCOPE_SUBTREE, EW_SWEEP_USER_FILTER, none, NULL,
				 EW_SWEEP_PAGE, EW_SWEEP_PAGE_TIMEOUT_MS, on_count, j, err,
				 sizeof(err)) == 0)
		atomic_store(j->pr.users_total, j->n);
	ew_dirsession_close(&c);
}

static void *count_thread(void *arg)
{
	struct ew_sweep_count *j = arg;

	count_work(j);
	atomic_store(&j->done, 1);
	return NULL;
}

/* ---- the forest's SPNs, from the global catalog ---- */

static int on_spns(void *arg, struct ew_dir_result *page)
{
	struct ew_sweep_spn *j = arg;
	size_t i, k;

	for (i = 0; i < page->nentries; i++) {
		const struct ew_dir_entry *e = &page->entries[i];
		const struct ew_dir_attr *a = ew_dir_entry_attr(e, "servicePrincipalName");
		const char **v;

		if (a == NULL || a->nvalues == 0)
			continue;
		if ((v = calloc(a->nvalues, sizeof(*v))) == NULL)
			return -1;
		for (k = 0; k < a->nvalues; k++)
			v[k] = ew_dir_text(&a->values[k]);
		if (ew_sweep_spns_add(j->spns, first(e, "sAMAccountName"), e->dn, v,
				      a->nvalues) != 0) {
			free(v);
			return -1;
		}
		free(v);
		atomic_fetch_add(j->pr.spns, (long)a->nvalues);
	}
	return 0;
}

static void on_duplicate(void *arg, const char *spn, const char *const *accounts,
			 const char *const *dns, size_t n)
{
	struct ew_sweep_spn *j = arg;
	struct ew_buf b = { 0 };
	char *title, *ev[16];
	size_t i, k;

	ew_buf_list(&b, accounts, n, " and ");
	title = ew_strprintf("%s is held by %zu accounts: %s", spn, n, b.data ? b.data : "");
	ew_buf_reset(&b);
	for (i = 0; i < n; i++)
		ev[i] = ew_strprintf("servicePrincipalName %s on %s (%s)", spn, accounts[i], dns[i]);
	for (i = 0; i < n; i++) {
		json_t *p = ew_sweep_problem(accounts[i], dns[i], EW_CAUSE_SPN_DUPLICATE, title,
					     (const char *const *)ev, n);

		if (p) {
			json_object_set_new(p, "check", json_string(EW_CK_SPN_UNIQUE));
			json_object_set_new(p, "severity", json_string("fail"));
			json_object_set_new(p, "spn", ew_json_string_clean(spn));
			json_array_append_new(j->problems, p);
			atomic_fetch_add(j->pr.problems, 1);
		}
	}
	for (k = 0; k < n; k++)
		free(ev[k]);
	free(title);
}

/* The Exchange servers' SPNs no account holds, by the forest's sPNMappings. */
static void missing_spns(struct ew_sweep_spn *j, struct ew_dir *d)
{
	static const char *const mattrs[] = { "sPNMappings", NULL };
	struct ew_exch_cfg *x = calloc(1, sizeof(*x));
	struct ew_exch_server sv[EW_EXCH_MAX_SERVERS];
	struct ew_spn_map map = { 0 };
	struct ew_dir_result *mr = NULL;
	const char *config = ew_dir_rootdse(d, "configurationNamingContext");
	char *mdn = config ? ew_strprintf("CN=Directory Service,CN=Windows NT,CN=Services,%s",
					  config) : NULL;
	char err[256];
	size_t i, k, n;

	if (x == NULL)
		goto out;
	if (mdn && ew_dir_search(d, mdn, LDAP_SCOPE_BASE, "(objectClass=*)", mattrs, NULL, &mr,
				 err, sizeof(err)) == 0 && mr->nentries) {
		const struct ew_dir_attr *a = ew_dir_entry_attr(&mr->entries[0], "sPNMappings");

		for (i = 0; a && i < a->nvalues; i++)
			ew_spn_map_add(&map, ew_dir_text(&a->values[i]));
	}
	ew_exch_cfg_read(&j->run, x);
	j->exch_read = x->read;
	snprintf(j->exch_why, sizeof(j->exch_why), "%s", x->why);
	n = ew_exch_cfg_servers(x, sv);
	j->nservers = n;
	for (i = 0; i < x->n; i++) {
		struct ew_exch_plan plan;
		char *spns[16], *missing[16];
		const char *acc[1], *dn[1];
		size_t ns, nm = 0;
		const char *fqdn = x->s[i].fqdn;

		if (fqdn == NULL || *fqdn == '\0')
			continue;
		ew_exch_plan_name(fqdn, NULL, 0, sv, n, &plan);
		ns = ew_exch_plan_spns(fqdn, &plan, spns, 16);
		for (k = 0; k < ns; k++) {
			char *alias;
			int held;

			if (spns[k] == NULL)
				continue;
			held = ew_sweep_spns_holders(j->spns, spns[k], NULL, NULL, 0) > 0;
			if (!held && (alias = ew_spn_map_target(&map, spns[k])) != NULL) {
				held = ew_sweep_spns_holders(j->spns, alias, NULL, NULL, 0) > 0;
				free(alias);
			}
			if (!held)
				missing[nm++] = spns[k];
			else
				free(spns[k]);
		}
		if (nm) {
			char *host = ew_strprintf("HOST/%s", fqdn), *title, *account;
			char rel[64];
			json_t *p;
			size_t h = host ? ew_sweep_spns_holders(j->spns, host, acc, dn, 1) : 0;

			account = h ? strdup(acc[0]) : ew_strprintf("%s$", x->s[i].name ?
								    x->s[i].name : fqdn);
			if (nm == 1)
				title = ew_strprintf("Exchange server %s (%s): no account holds %s",
						     x->s[i].name ? x->s[i].name : fqdn,
						     ew_exch_plan_release_name(&plan, rel,
									       sizeof(rel)),
						     missing[0]);
			else
				title = ew_strprintf("Exchange server %s (%s): no account holds %zu "
						     "of its SPNs", x->s[i].name ? x->s[i].name :
						     fqdn, ew_exch_plan_release_name(&plan, rel,
										      sizeof(rel)),
						     nm);
			p = ew_sweep_problem(account, h ? dn[0] : (x->s[i].dn ? x->s[i].dn : ""),
					     EW_CAUSE_SPN_MISSING, title,
					     (const char *const *)missing, nm);
			if (p) {
				json_object_set_new(p, "check", json_string(EW_CK_SPN_UNIQUE));
				json_object_set_new(p, "severity", json_string("fail"));
				json_array_append_new(j->problems, p);
				atomic_fetch_add(j->pr.problems, 1);
			}
			free(title);
			free(account);
			free(host);
		}
		for (k = 0; k < nm; k++)
			free(missing[k]);
	}
out:
	ew_dir_result_free(&mr);
	ew_spn_map_clear(&map);
	free(mdn);
	if (x) {
		ew_exch_cfg_clear(x);
		free(x);
	}
}

static void spn_work(struct ew_sweep_spn *j)
{
	static const char *const attrs[] = { "servicePrincipalName", "sAMAccountName", NULL };
	struct ew_dirsession c;
	struct ew_finding *why = NULL;
	const char *root;
	char err[512];
	int gc = 1;

	if (ew_dirsession_open(&j->run, 1, EW_CK_SWEEP_DOMAIN, &c, &why) != 0) {
		ew_finding_free(&why);
		gc = 0;
		if (ew_dirsession_open(&j->run, 0, EW_CK_SWEEP_DOMAIN, &c, &why) != 0) {
			snprintf(j->why, sizeof(j->why), "%s", why && why->title ? why->title :
				 "no domain controller could be reached");
			ew_finding_free(&why);
			return;
		}
	}
	j->gc = c.host ? strdup(c.host) : NULL;
	snprintf(j->scope, sizeof(j->scope), "%s", gc ? "forest" : "domain");
	root = gc ? "" : ew_dir_rootdse(c.dir, "defaultNamingContext");
	if (ew_dir_search_stream(c.dir, root ? root : "", LDAP_SCOPE_SUBTREE,
				 "(servicePrincipalName=*)", attrs, NULL, EW_SWEEP_PAGE,
				 EW_SWEEP_PAGE_TIMEOUT_MS, on_spns, j, err, sizeof(err)) != 0) {
		snprintf(j->why, sizeof(j->why), "%s", err);
		ew_dirsession_close(&c);
		return;
	}
	j->read = 1;
	if (j->duplicates)
		ew_sweep_spns_duplicates(j->spns, on_duplicate, j);
	if (j->missing)
		missing_spns(j, c.dir);
	ew_dirsession_close(&c);
}

static void *spn_thread(void *arg)
{
	struct ew_sweep_spn *j = arg;

	spn_work(j);
	atomic_store(&j->done, 1);
	return NULL;
}

/* run, for a thread of its own: its own copy of the target, no transcript,
 * the helpers' cancel flag. */
static int copy_run(const struct ew_run *run, struct ew_run *copy, struct ew_target **t,
		    atomic_int *cancel)
{
	*copy = *run;
	copy->transcript = NULL;
	copy->cancel = cancel;
	if ((*t = ew_target_dup(run->target)) == NULL)
		return -1;
	copy->target = *t;
	return 0;
}

int ew_sweep_side_start(struct ew_sweep_side *x, const struct ew_run *run, const char *base,
			const struct ew_sweep_counters *pr, int duplicates, int missing)
{
	struct ew_sweep_count *cj = &x->count;
	struct ew_sweep_spn *sj = &x->spn;

	cj->pr = *pr;
	cj->base = base;
	if (copy_run(run, &cj->run, &cj->target, &x->cancel) == 0)
		cj->started = pthread_create(&cj->th, NULL, count_thread, cj) == 0;
	sj->pr = *pr;
	sj->duplicates = duplicates;
	sj->missing = missing;
	if (!duplicates && !missing)
		return 0;
	if ((sj->problems = json_array()) == NULL || (sj->spns = ew_sweep_spns_new()) == NULL)
		return -1;
	if (copy_run(run, &sj->run, &sj->target, &x->cancel) == 0)
		sj->started = pthread_create(&sj->th, NULL, spn_thread, sj) == 0;
	return sj->started ? 0 : -1;
}

void ew_sweep_side_end(struct ew_sweep_side *x, int stop_now, const atomic_int *user_cancel)
{
	/* The helpers end their pass, or stop with the user (whose flag they do
	 * not watch themselves), or at once when told. */
	while ((x->count.started && !atomic_load(&x->count.done)) ||
	       (x->spn.started && !atomic_load(&x->spn.done))) {
		struct timespec nap = { 0, 20 * 1000000L };

		if (stop_now || (user_cancel && atomic_load(user_cancel)))
			atomic_store(&x->cancel, 1);
		nanosleep(&nap, NULL);
	}
	if (x->count.started)
		pthread_join(x->count.th, NULL);
	if (x->spn.started)
		pthread_join(x->spn.th, NULL);
	x->count.started = x->spn.started = 0;
}

void ew_sweep_side_free(struct ew_sweep_side *x)
{
	ew_target_free(&x->count.target);
	ew_target_free(&x->spn.target);
	ew_sweep_spns_free(&x->spn.spns);
	json_decref(x->spn.problems);
	x->spn.problems = NULL;
	free(x->spn.gc);
	x->spn.gc = NULL;
}
