/*
 * test_diagnosis.c - the diagnosis (diagnosis.c) on step results built by
 * hand: every cause found from a finding that names it, the ranking
 * (symptoms first, then what stops Kerberos, fail before warn, root right
 * before its consequence), one cause for many findings, ruled out against
 * not checked, stale results left out, the JSON object and the text.
 * Linked with the pure units only: no network, directory or Kerberos.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "causes.h"
#include "diagnosis.h"
#include "finding.h"
#include "result.h"

#define MAXSTEPS 8

struct steps {
	struct ew_step_result *s[MAXSTEPS];
	size_t n;
};

static struct ew_step_result *step(struct steps *st, const char *id)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->s[i]->id, id) == 0)
			return st->s[i];
	assert_true(st->n < MAXSTEPS);
	st->s[st->n] = ew_step_result_new(id, id);
	assert_non_null(st->s[st->n]);
	st->s[st->n]->status = EW_ST_PASS;
	return st->s[st->n++];
}

/* A finding of check in its step (the catalogue's), proving cause (or none). */
static struct ew_finding *add(struct steps *st, const char *check, enum ew_severity sev,
			      const char *title, const char *cause)
{
	const struct ew_check *ck = ew_check_find(check);
	struct ew_finding *f;

	assert_non_null(ck);
	f = ew_finding_new(check, sev, "%s", title);
	assert_non_null(f);
	if (cause)
		assert_int_equal(ew_finding_set_cause(f, cause), 0);
	assert_int_equal(ew_step_result_add(step(st, ck->step), f), 0);
	return f;
}

/* Every check of the catalogue ran and passed; without: that step left out. */
static void healthy(struct steps *st, const char *without)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < ew_nchecks; i++)
		if (without == NULL || strcmp(ew_checks[i].step, without) != 0)
			add(st, ew_checks[i].id, EW_PASS, "passed", NULL);
}

static void steps_free(struct steps *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		ew_step_result_free(&st->s[i]);
	st->n = 0;
}

static struct ew_diagnosis *diagnose(const struct steps *st, const char *const *sym, size_t n)
{
	struct ew_diagnosis *d = ew_diagnose((const struct ew_step_result *const *)st->s,
					     st->n, NULL, sym, n);

	assert_non_null(d);
	assert_non_null(d->verdict);
	return d;
}

/* The rank-order ids, joined by spaces. */
static void assert_order(const struct ew_diagnosis *d, const char *want)
{
	char got[512] = "";
	size_t i;

	for (i = 0; i < d->ncauses; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, d->causes[i].def->id);
		assert_int_equal(d->causes[i].rank, (int)i + 1);
	}
	assert_string_equal(got, want);
}

static const struct ew_diag_cause *cause(const struct ew_diagnosis *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->ncauses; i++)
		if (strcmp(d->causes[i].def->id, id) == 0)
			return &d->causes[i];
	fail_msg("cause %s not found", id);
	return NULL;
}

static const struct ew_diag_ruling *ruling(const struct ew_diag_ruling *v, size_t n,
					   const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

/* Each cause, proven by a finding of each of its checks, is found alone. */
static void test_every_cause(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ew_ncauses; i++) {
		const struct ew_cause *def = &ew_causes[i];

		for (k = 0; k < 4 && def->checks[k]; k++) {
			struct steps st;
			struct ew_diagnosis *d;
			const struct ew_diag_cause *c;
			enum ew_severity sev = k % 2 ? EW_WARN : EW_FAIL;

			healthy(&st, NULL);
			add(&st, def->checks[k], sev, "the proof", def->id);
			d = diagnose(&st, NULL, 0);
			assert_int_equal(d->ncauses, 1);
			c = &d->causes[0];
			assert_ptr_equal(c->def, def);
			assert_int_equal(c->rank, 1);
			assert_int_equal(c->severity, sev);
			assert_non_null(c->title);
			assert_int_equal(c->nbecause, 0);
			assert_int_equal(c->nexplains, 0);
			assert_int_equal(c->nevidence, 1);
			assert_string_equal(c->evidence[0].check, def->checks[k]);
			assert_string_equal(c->evidence[0].step, ew_check_find(def->checks[k])->step);
			assert_string_equal(c->evidence[0].title, "the proof");
			assert_null(ruling(d->ruled_out, d->nruled_out, def->id));
			assert_null(ruling(d->not_checked, d->nnot_checked, def->id));
			assert_int_equal(d->nnot_checked, 0);
			assert_non_null(strstr(d->verdict, c->title));
			ew_diagnosis_free(&d);
			assert_null(d);
			steps_free(&st);
		}
	}
}

/* Only warn and fail prove; an unknown cause id proves nothing. */
static void test_what_proves(void **state)
{
	static const enum ew_severity sev[] = { EW_PASS, EW_INFO, EW_SKIP };
	struct steps st;
	struct ew_diagnosis *d;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		healthy(&st, NULL);
		add(&st, EW_CK_KRB_SVC, sev[i], "not a proof", EW_CAUSE_SPN_MISSING);
		d = diagnose(&st, NULL, 0);
		assert_int_equal(d->ncauses, 0);
		if (sev[i] == EW_SKIP)
			assert_non_null(ruling(d->not_checked, d->nnot_checked,
					       EW_CAUSE_SPN_MISSING));
		else
			assert_non_null(ruling(d->ruled_out, d->nruled_out,
					       EW_CAUSE_SPN_MISSING));
		ew_diagnosis_free(&d);
		steps_free(&st);
	}
	healthy(&st, NULL);
	add(&st, EW_CK_KRB_SVC, EW_FAIL, "a cause nobody knows", "no-such-cause");
	d = diagnose(&st, NULL, 0);
	assert_int_equal(d->ncauses, 0);
	/* It proves nothing, and it is no pass either. */
	assert_null(ruling(d->ruled_out, d->nruled_out, EW_CAUSE_SPN_MISSING));
	assert_string_equal(d->verdict, "No cause found: the warnings point at none of the "
			    "known causes.");
	ew_diagnosis_free(&d);
	steps_free(&st);
}

/* Symptoms first; without them what stops Kerberos, then fail before warn. */
static void test_rank_symptoms(void **state)
{
	const char *http400[] = { EW_SYM_HTTP_400 };
	const char *kdc11[] = { EW_SYM_KDC_11, "no-such-symptom" };
	const char *admin[] = { EW_SYM_ADMIN_WORKS };
	struct steps st;
	struct ew_diagnosis *d;

	(void)state;
	healthy(&st, NULL);
	add(&st, EW_CK_KRB_SVC, EW_FAIL, "No session ticket for exchangeRFR/exch1.exwiz.test",
	    EW_CAUSE_SPN_MISSING);
	add(&st, EW_CK_TOK_SIZE, EW_WARN, "Token estimate 13520 bytes", EW_CAUSE_TOKEN_TOO_LARGE);
	add(&st, EW_CK_MBX_CONSISTENT, EW_FAIL, "homeMTA is not the MTA of the mailbox server",
	    EW_CAUSE_MAILBOX_HALF_MOVED);
	add(&st, EW_CK_DNS_CACHE, EW_WARN, "dnsmasq answers differently from the DC",
	    EW_CAUSE_DNS_CACHE_STALE);

	/* No symptom: stops Kerberos (fail, then warn), then the rest (fail, warn). */
	d = diagnose(&st, NULL, 0);
	assert_order(d, "spn-missing token-too-large mailbox-half-moved dns-cache-stale");
	assert_int_equal(d->nsymptoms, 0);
	assert_non_null(strstr(d->verdict, d->causes[0].title));
	assert_non_null(strstr(d->verdict, "3 more causes"));
	assert_null(strstr(d->verdict, "explained"));
	ew_diagnosis_free(&d);

	/* HTTP 400: the token explains it, first though only a warning. */
	d = diagnose(&st, http400, 1);
	assert_order(d, "token-too-large spn-missing mailbox-half-moved dns-cache-stale");
	assert_int_equal(d->causes[0].nexplains, 1);
	assert_string_equal(d->causes[0].explains[0], EW_SYM_HTTP_400);
	assert_int_equal(d->causes[1].nexplains, 0);
	assert_non_null(strstr(d->verdict, "is explained by: "));
	assert_non_null(strstr(d->verdict, d->causes[0].title));
	ew_diagnosis_free(&d);

	/* KDC event 11 (duplicate names): nothing found explains it; said so. */
	d = diagnose(&st, kdc11, 2);
	assert_int_equal(d->nsymptoms, 2);
	assert_order(d, "spn-missing token-too-large mailbox-half-moved dns-cache-stale");
	assert_non_null(strstr(d->verdict, "No cause found explains KDC event 11"));
	ew_diagnosis_free(&d);

	/* Works for an administrator: the user's own causes, narrow scope first. */
	d = diagnose(&st, admin, 1);
	assert_order(d, "token-too-large mailbox-half-moved spn-missing dns-cache-stale");
	ew_diagnosis_free(&d);
	steps_free(&st);
}

/* The root ranks right before its consequence, and is its "because". */
static void test_rank_because(void **state)
{
	const char *exprox[] = { EW_SYM_EXPROX_1000 };
	struct steps st;
	struct ew_diagnosis *d;
	const struct ew_diag_cause *c;

	(void)state;
	healthy(&st, NULL);
	add(&st, EW_CK_MBX_CONSISTENT, EW_FAIL, "msExchHomeServerName names another server",
	    EW_CAUSE_MAILBOX_HALF_MOVED);
	add(&st, EW_CK_MBX_MOVER, EW_FAIL, "junior lacks the rights to move a mailbox",
	    EW_CAUSE_MOVER_RIGHTS);
	add(&st, EW_CK_TOK_SIZE, EW_WARN, "Token estimate 13520 bytes", EW_CAUSE_TOKEN_TOO_LARGE);
	d = diagnose(&st, NULL, 0);
	assert_order(d, "token-too-large mover-rights mailbox-half-moved");
	c = cause(d, EW_CAUSE_MAILBOX_HALF_MOVED);
	assert_int_equal(c->nbecause, 1);
	assert_string_equal(c->because[0], EW_CAUSE_MOVER_RIGHTS);
	assert_int_equal(cause(d, EW_CAUSE_MOVER_RIGHTS)->nbecause, 0);
	ew_diagnosis_free(&d);
	steps_free(&st);

	/*
	 * Table order would put the realm hint between the missing SRV record
	 * and the KDC nobody finds: the pair stays together.
	 */
	healthy(&st, NULL);
	add(&st, EW_CK_KRB_KDC, EW_FAIL, "No KDC to ask: none in krb5.conf, none from DNS",
	    EW_CAUSE_KDC_UNREACHABLE);
	add(&st, EW_CK_DNS_REALM, EW_FAIL, "fe1.region1.exwiz.test: disjoint namespace",
	    EW_CAUSE_REALM_HINT);
	add(&st, EW_CK_DNS_SRV, EW_FAIL, "No Record Available: _kerberos._udp.exwiz.test (SRV)",
	    EW_CAUSE_DNS_SRV_MISSING);
	d = diagnose(&st, NULL, 0);
	assert_order(d, "dns-srv-missing kdc-unreachable realm-hint");
	c = cause(d, EW_CAUSE_KDC_UNREACHABLE);
	assert_int_equal(c->nbecause, 1);
	assert_string_equal(c->because[0], EW_CAUSE_DNS_SRV_MISSING);
	assert_non_null(strstr(d->verdict, "2 more causes"));
	ew_diagnosis_free(&d);

	/* The symptom the realm hint explains puts it first; the pair follows. */
	d = diagnose(&st, exprox, 1);
	assert_order(d, "realm-hint dns-srv-missing kdc-unreachable");
	ew_diagnosis_free(&d);

	/* Two roots of one consequence: both right before it. */
	add(&st, EW_CK_DNS_SERVERS, EW_FAIL, "Resolver 10.0.0.9 says No Record Available",
	    EW_CAUSE_DNS_RESOLVER_SPLIT);
	d = diagnose(&st, NULL, 0);
	assert_order(d, "dns-srv-missing dns-resolver-split kdc-unreachable realm-hint");
	c = cause(d, EW_CAUSE_KDC_UNREACHABLE);
	assert_int_equal(c->nbecause, 2);
	ew_diagnosis_free(&d);
	steps_free(&st);
}

/* Both forms of an SPN, KRB-SVC and SPN-UNIQUE: one cause, all the evidence. */
static void test_merge(void **state)
{
	struct steps st;
	struct ew_diagnosis *d;
	const struct ew_diag_cause *c;

	(void)state;
	healthy(&st, NULL);
	add(&st, EW_CK_KRB_SVC, EW_FAIL, "No session ticket for exchangeRFR/exch1.exwiz.test",
	    EW_CAUSE_SPN_MISSING);
	add(&st, EW_CK_KRB_SVC, EW_FAIL, "No session ticket for exchangeRFR/exch1",
	    EW_CAUSE_SPN_MISSING);
	add(&st, EW_CK_SPN_UNIQUE, EW_WARN, "exchangeRFR/exch1.exwiz.test is not registered in "
	    "the forest", EW_CAUSE_SPN_MISSING);
	add(&st, EW_CK_SPN_UNIQUE, EW_FAIL, "exchangeRFR/exch1 is not registered in the forest",
	    EW_CAUSE_SPN_MISSING);
	/* The same finding twice (a step result merged twice) is one piece. */
	add(&st, EW_CK_SPN_UNIQUE, EW_FAIL, "exchangeRFR/exch1 is not registered in the forest",
	    EW_CAUSE_SPN_MISSING);
	d = diagnose(&st, NULL, 0);
	assert_int_equal(d->ncauses, 1);
	c = &d->causes[0];
	assert_string_equal(c->def->id, EW_CAUSE_SPN_MISSING);
	assert_int_equal(c->severity, EW_FAIL);
	assert_int_equal(c->nevidence, 4);
	assert_string_equal(c->evidence[0].check, "KRB-SVC");
	assert_string_equal(c->evidence[2].check, "SPN-UNIQUE");
	assert_int_equal(c->evidence[2].severity, EW_WARN);
	/* The verdict is the cause's title with both names of the SPN. */
	assert_string_equal(d->verdict, "No account holds exchangeRFR/exch1.exwiz.test and "
			    "exchangeRFR/exch1.");
	ew_diagnosis_free(&d);
	steps_free(&st);
}

/* A check that could not look never rules out and never proves. */
static void test_ruled_out_not_checked(void **state)
{
	struct steps st;
	struct ew_diagnosis *d;
	const struct ew_diag_ruling *r;
	size_t i, n, k;

	(void)state;
	healthy(&st, "groups");
	add(&st, EW_CK_KRB_SVC, EW_SKIP, "No Exchange server given (-x FQDN)", NULL);
	/* A step skipped as a whole, under its own id. */
	n = step(&st, "mailbox")->nfindings;
	for (i = 0; i < n; i++)
		ew_finding_free(&step(&st, "mailbox")->findings[i]);
	step(&st, "mailbox")->nfindings = 0;
	step(&st, "mailbox")->status = EW_ST_CANCELLED;
	ew_step_result_add(step(&st, "mailbox"), ew_finding_new("mailbox", EW_SKIP, "Cancelled"));

	d = diagnose(&st, NULL, 0);
	assert_int_equal(d->ncauses, 0);
	r = ruling(d->not_checked, d->nnot_checked, EW_CAUSE_SPN_MISSING);
	assert_non_null(r);
	assert_string_equal(r->why, "No Exchange server given (-x FQDN)");
	r = ruling(d->not_checked, d->nnot_checked, EW_CAUSE_TOKEN_TOO_LARGE);
	assert_non_null(r);
	assert_string_equal(r->why, "the groups step did not run");
	r = ruling(d->not_checked, d->nnot_checked, EW_CAUSE_MAILBOX_HALF_MOVED);
	assert_non_null(r);
	assert_string_equal(r->why, "Cancelled");
	/* kdc-tcp-blocked: KRB-KDC and KRB-TRANSPORT passed, TOK-MEASURED did not run. */
	assert_non_null(ruling(d->not_checked, d->nnot_checked, EW_CAUSE_KDC_TCP_BLOCKED));
	assert_null(ruling(d->ruled_out, d->nruled_out, EW_CAUSE_KDC_TCP_BLOCKED));
	r = ruling(d->ruled_out, d->nruled_out, EW_CAUSE_DNS_SRV_MISSING);
	assert_non_null(r);
	assert_string_equal(r->why, "DNS-SRV passed");
	r = ruling(d->ruled_out, d->nruled_out, EW_CAUSE_NAME_CANON);
	assert_null(r);		/* KRB-SVC skipped */
	r = ruling(d->ruled_out, d->nruled_out, EW_CAUSE_SPN_WRONG_ACCOUNT);
	assert_non_null(r);
	/* SPN-UNIQUE alone cannot see a shared name's SPN on one member */
	assert_string_equal(r->why, "SPN-UNIQUE and SPN-ASA passed");
	/* Every cause is in one list or the other here (nothing failed), but those
	 * only the client's output can show: without it, not looked at. */
	for (i = 0, k = 0; i < ew_ncauses; i++)
		k += ew_causes[i].needs_client;
	assert_int_equal(k, 1);
	assert_null(ruling(d->not_checked, d->nnot_checked, EW_CAUSE_STALE_LOGON));
	assert_null(ruling(d->ruled_out, d->nruled_out, EW_CAUSE_STALE_LOGON));
	assert_int_equal(d->nruled_out + d->nnot_checked, ew_ncauses - k);
	/* the mailbox step was cancelled: its protected-account cause too */
	assert_non_null(ruling(d->not_checked, d->nnot_checked, EW_CAUSE_MAILBOX_PROTECTED));
	assert_string_equal(d->verdict, "No cause found: every check that ran passed; 11 causes "
			    "not checked.");
	ew_diagnosis_free(&d);
	steps_free(&st);

	/* All ran and passed: every cause ruled out, with its checks named. */
	healthy(&st, NULL);
	d = diagnose(&st, NULL, 0);
	assert_int_equal(d->nruled_out, ew_ncauses);
	assert_int_equal(d->nnot_checked, 0);
	r = ruling(d->ruled_out, d->nruled_out, EW_CAUSE_KDC_TCP_BLOCKED);
	assert_string_equal(r->why, "KRB-KDC, KRB-TRANSPORT and TOK-MEASURED passed");
	r = ruling(d->ruled_out, d->nruled_out, EW_CAUSE_SPN_DUPLICATE);
	assert_string_equal(r->why, "KRB-SVC and SPN-UNIQUE passed");
	assert_string_equal(d->verdict, "No cause found: every check that ran passed.");
	ew_diagnosis_free(&d);

	/* A warning that proves another cause neither rules out nor proves. */
	add(&st, EW_CK_KRB_SVC, EW_FAIL, "No session ticket for HTTP/exch1.exwiz.test",
	    EW_CAUSE_CLOCK_SKEW);
	d = diagnose(&st, NULL, 0);
	assert_null(ruling(d->ruled_out, d->nruled_out, EW_CAUSE_SPN_MISSING));
	assert_null(ruling(d->not_checked, d->nnot_checked, EW_CAUSE_SPN_MISSING));
	assert_order(d, "clock-skew");
	ew_diagnosis_free(&d);
	steps_free(&st);
}

/* A result kept from an earlier target proves nothing and rules nothing out. */
static void test_stale(void **state)
{
	struct steps st;
	struct ew_diagnosis *d;
	const struct ew_diag_ruling *r;

	(void)state;
	healthy(&st, NULL);
	add(&st, EW_CK_TOK_SIZE, EW_FAIL, "Token estimate 70000 bytes", EW_CAUSE_TOKEN_TOO_LARGE);
	add(&st, EW_CK_DNS_SRV, EW_FAIL, "No Record Available", EW_CAUSE_DNS_SRV_MISSING);
	json_object_set_new(step(&st, "groups")->data, "stale", json_string("alice"));
	d = diagnose(&st, NULL, 0);
	assert_order(d, "dns-srv-missing");
	r = ruling(d->not_checked, d->nnot_checked, EW_CAUSE_SID_LIMIT);
	assert_non_null(r);
	assert_string_equal(r->why, "the groups step did not run");
	assert_null(ruling(d->ruled_out, d->nruled_out, EW_CAUSE_SID_LIMIT));
	ew_diagnosis_free(&d);
	steps_free(&st);
}

/* A sweep's findings (recorded beside the user's steps by the wizard) are
 * other accounts': never evidence of the user's causes. */
static void test_sweep_not_the_users(void **state)
{
	struct steps st;
	struct ew_diagnosis *d;

	(void)state;
	healthy(&st, NULL);
	add(&st, EW_CK_SWEEP_DOMAIN, EW_FAIL, "1 account: dave is a protected account",
	    EW_CAUSE_MAILBOX_PROTECTED);
	add(&st, EW_CK_SWEEP_DOMAIN, EW_FAIL, "3 accounts: token too large",
	    EW_CAUSE_TOKEN_TOO_LARGE);
	d = diagnose(&st, NULL, 0);
	assert_int_equal(d->ncauses, 0);
	ew_diagnosis_free(&d);
	/* The user's own finding is: its evidence alone. */
	add(&st, EW_CK_TOK_SIZE, EW_FAIL, "Token estimate 70000 bytes", EW_CAUSE_TOKEN_TOO_LARGE);
	d = diagnose(&st, NULL, 0);
	assert_order(d, "token-too-large");
	assert_int_equal(d->causes[0].nevidence, 1);
	assert_string_equal(d->causes[0].evidence[0].check, EW_CK_TOK_SIZE);
	ew_diagnosis_free(&d);
	steps_free(&st);
}

/* Replaces the fix ew_diag_fix made with a known one. */
static void set_fix(struct ew_diag_cause *c, const char *win, const char *lin, const char *conf)
{
	size_t i;

	for (i = 0; i < c->nfix_windows; i++)
		free(c->fix_windows[i]);
	for (i = 0; i < c->nfix_linux; i++)
		free(c->fix_linux[i]);
	free(c->fix_windows);
	free(c->fix_linux);
	free(c->confirm);
	c->fix_windows = calloc(1, sizeof(char *));
	c->fix_linux = calloc(1, sizeof(char *));
	assert_non_null(c->fix_windows);
	assert_non_null(c->fix_linux);
	c->fix_windows[0] = strdup(win);
	c->fix_linux[0] = strdup(lin);
	c->nfix_windows = c->nfix_linux = 1;
	c->confirm = strdup(conf);
}

static struct ew_diagnosis *sample(struct steps *st)
{
	const char *sym[] = { EW_SYM_ADMIN_WORKS };
	struct ew_diagnosis *d;

	healthy(st, "groups");
	add(st, EW_CK_MBX_CONSISTENT, EW_FAIL, "msExchHomeServerName names another server than "
	    "the one holding homeMDB", EW_CAUSE_MAILBOX_HALF_MOVED);
	add(st, EW_CK_MBX_MOVER, EW_FAIL, "junior lacks the rights to move a mailbox",
	    EW_CAUSE_MOVER_RIGHTS);
	d = diagnose(st, sym, 1);
	set_fix(&d->causes[0], "dsacls \"CN=Exchange Administrative Group\" /G EXWIZ\\junior:GA",
		"kinit admin@EXWIZ.TEST", "Check again with exwizard check -u carol; the move "
		"then writes every attribute and Outlook logs on with Kerberos.");
	return d;
}

static void test_json(void **state)
{
	struct steps st;
	struct ew_diagnosis *d, *back;
	json_t *j, *j2, *c;
	char err[256];

	(void)state;
	d = sample(&st);
	j = ew_diagnosis_to_json(d);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "symptoms"), 0)),
			    "admin-works");
	assert_string_equal(json_string_value(json_object_get(j, "verdict")), d->verdict);
	c = json_array_get(json_object_get(j, "causes"), 1);
	assert_string_equal(json_string_value(json_object_get(c, "id")), "mailbox-half-moved");
	assert_int_equal(json_integer_value(json_object_get(c, "rank")), 2);
	assert_string_equal(json_string_value(json_object_get(c, "severity")), "fail");
	assert_string_equal(json_string_value(json_object_get(c, "scope")), "this user");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "because"), 0)),
			    "mover-rights");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "explains"), 0)),
			    "admin-works");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(c, "evidence"), 0), "step")), "mailbox");
	assert_true(json_is_array(json_object_get(json_object_get(c, "fix"), "windows")));
	assert_string_equal(json_string_value(json_object_get(c, "confirm")), d->causes[1].confirm);
	c = json_array_get(json_object_get(j, "causes"), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(
		c, "fix"), "linux"), 0)), "kinit admin@EXWIZ.TEST");
	assert_true(json_array_size(json_object_get(j, "ruled_out")) > 0);
	assert_true(json_array_size(json_object_get(j, "not_checked")) > 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(j, "not_checked"), 0), "why")), "the groups step did not run");

	/* Back and out again: the same object. */
	back = ew_diagnosis_from_json(j, err, sizeof(err));
	assert_non_null(back);
	assert_int_equal(back->ncauses, 2);
	assert_int_equal(back->causes[1].nevidence, 1);
	assert_int_equal(back->causes[1].severity, EW_FAIL);
	j2 = ew_diagnosis_to_json(back);
	assert_true(json_equal(j, j2));
	json_decref(j2);
	ew_diagnosis_free(&back);

	/* What is not a diagnosis says why. */
	json_object_set_new(c, "id", json_string("no-such-cause"));
	assert_null(ew_diagnosis_from_json(j, err, sizeof(err)));
	assert_non_null(strstr(err, "no-such-cause"));
	json_object_set_new(c, "id", json_string("mover-rights"));
	json_object_set_new(c, "because", json_integer(3));
	assert_null(ew_diagnosis_from_json(j, err, sizeof(err)));
	assert_non_null(strstr(err, "mover-rights"));
	json_object_del(j, "verdict");
	assert_null(ew_diagnosis_from_json(j, err, sizeof(err)));
	assert_non_null(strstr(err, "verdict"));
	json_decref(j);

	/* Strings read back are cleaned: a terminal escape does not come through. */
	j = json_pack("{s:s, s:[{s:s, s:i, s:s, s:s, s:[{s:s, s:s, s:s}]}]}", "verdict",
		      "x\x1b[2J", "causes", "id", "no-tgt", "rank", 1, "severity", "warn",
		      "title", "t\x1b]0;y\x07", "evidence", "step", "tickets", "check", "KRB-CACHE",
		      "title", "e\x1b[31m");
	back = ew_diagnosis_from_json(j, err, sizeof(err));
	assert_non_null(back);
	assert_null(strchr(back->verdict, '\x1b'));
	assert_null(strchr(back->causes[0].title, '\x1b'));
	assert_null(strchr(back->causes[0].evidence[0].title, '\x1b'));
	ew_diagnosis_free(&back);
	json_decref(j);
	ew_diagnosis_free(&d);
	steps_free(&st);
}

/* A word longer than the line (a hostile or very long name) is cut at the
 * width: no line of the text but the commands is wider. */
static void test_text_long_word(void **state)
{
	struct steps st;
	struct ew_diagnosis *d;
	char word[201], title[260], *t, *line, *save = NULL;

	(void)state;
	memset(word, 'x', 200);
	word[200] = '\0';
	snprintf(title, sizeof(title), "Resolver %s says No Record Available", word);
	healthy(&st, NULL);
	add(&st, EW_CK_DNS_SERVERS, EW_FAIL, title, EW_CAUSE_DNS_RESOLVER_SPLIT);
	d = diagnose(&st, NULL, 0);
	assert_non_null(d);
	t = ew_diagnosis_to_text(d, 60);
	assert_non_null(t);
	assert_non_null(strstr(t, "xxxxxxxxxx"));
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "     ", 5) != 0 || line[5] == ' ')
			assert_true(strlen(line) <= 60);
	free(t);
	ew_diagnosis_free(&d);
	steps_free(&st);
}

static void test_text(void **state)
{
	struct steps st;
	struct ew_diagnosis *d;
	char *t, *line, *save = NULL;
	size_t nl = 0;

	(void)state;
	d = sample(&st);
	t = ew_diagnosis_to_text(d, 60);
	assert_non_null(t);
	print_message("%s", t);
	/* The verdict first, then the causes in rank order with their parts. */
	assert_memory_equal(t, d->verdict, 20);
	assert_non_null(strstr(t, "1. [FAIL] The account that moved the mailbox"));
	assert_non_null(strstr(t, "(mover-rights)"));
	assert_true(strstr(t, "1. [FAIL]") < strstr(t, "2. [FAIL]"));
	assert_non_null(strstr(t, "   because: mover-rights\n"));
	assert_non_null(strstr(t, "   - [FAIL] MBX-MOVER: junior lacks"));
	assert_non_null(strstr(t, "   Fix on Windows:\n     dsacls"));
	assert_non_null(strstr(t, "   Fix on this host:\n     kinit admin@EXWIZ.TEST\n"));
	assert_non_null(strstr(t, "   Confirm: Check again"));
	assert_non_null(strstr(t, "\nRuled out: "));
	assert_non_null(strstr(t, "\nNot checked: "));
	assert_true(strstr(t, "Ruled out") > strstr(t, "2. [FAIL]"));
	assert_false(tu_has_raw_control(t, strlen(t)));
	/* Lines end before the width, but for the commands (pasted whole, five
	 * spaces in under "Fix on ..."). */
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save), nl++)
		if (strncmp(line, "     ", 5) != 0 || line[5] == ' ')
			assert_true(strlen(line) <= 60);
	assert_true(nl > 12);
	free(t);
	ew_diagnosis_free(&d);
	steps_free(&st);

	/* No cause: the verdict alone, then the rulings. */
	healthy(&st, NULL);
	d = diagnose(&st, NULL, 0);
	t = ew_diagnosis_to_text(d, 80);
	assert_non_null(t);
	assert_true(strncmp(t, "No cause found: every check that ran passed.\n\nRuled out: ",
			    strlen("No cause found: every check that ran passed.\n\nRuled out: ")) == 0);
	assert_null(strstr(t, "1. ["));
	free(t);
	ew_diagnosis_free(&d);
	steps_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_cause),
		cmocka_unit_test(test_what_proves),
		cmocka_unit_test(test_rank_symptoms),
		cmocka_unit_test(test_rank_because),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_ruled_out_not_checked),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_sweep_not_the_users),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_long_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
