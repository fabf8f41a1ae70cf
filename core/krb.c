/*
 * Large on purpose: every call into MIT krb5 that can block or that shares
 * library state (the cache collection, service tickets on threads of their
 * own, kinit, the pinned KDC configuration, the trace) is in this one file,
 * bounded, cancellable and settled at exit the same way.
 */
#include "krb.h"

#include <ctype.h>
#include <krb5.h>
#include <profile.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "locate.h"
#include "text.h"

#define MAX_TRACE 200		/* lines kept per request */

static char *krb_msg(krb5_context ctx, krb5_error_code code)
{
	const char *m = krb5_get_error_message(ctx, code);
	char *s = ew_text_cleanz(m);

	krb5_free_error_message(ctx, m);
	return s;
}

void ew_krb_trace_redact(char *line)
{
	char *p;

	/* MIT prints keys as "enctype/XXXX", a short fingerprint: blank it anyway. */
	for (p = line; (p = strchr(p, '/')) != NULL; p++) {
		int i;

		if (p == line || !(islower((unsigned char)p[-1]) || isdigit((unsigned char)p[-1])))
			continue;
		for (i = 1; i <= 4; i++)
			if (!isxdigit((unsigned char)p[i]) || islower((unsigned char)p[i]))
				break;
		/* "krbtgt/AD01@AD01" is a principal, not a key: keep it. */
		if (i == 5 && !isalnum((unsigned char)p[5]) && p[5] != '.' && p[5] != '-' &&
		    p[5] != '@')
			memcpy(p + 1, "****", 4);
	}
}

/* ---- listing ---- */

static char *unparse(krb5_context ctx, krb5_const_principal p)
{
	char *raw = NULL, *s;

	if (krb5_unparse_name(ctx, p, &raw) != 0)
		return strdup("?");
	s = ew_text_cleanz(raw);
	krb5_free_unparsed_name(ctx, raw);
	return s;
}

static int is_tgt(krb5_context ctx, krb5_const_principal server)
{
	const krb5_data *c0, *c1, *realm;

	(void)ctx;	/* the accessors are macros that do not use it */
	if (krb5_princ_size(ctx, server) != 2)
		return 0;
	c0 = krb5_princ_component(ctx, server, 0);
	c1 = krb5_princ_component(ctx, server, 1);
	realm = krb5_princ_realm(ctx, server);
	return c0->length == 6 && memcmp(c0->data, "krbtgt", 6) == 0 &&
	       c1->length == realm->length && memcmp(c1->data, realm->data, realm->length) == 0;
}

static void read_cache(krb5_context ctx, krb5_ccache cc, struct ew_krb_cache *out)
{
	krb5_principal princ = NULL;
	krb5_cc_cursor cur;
	krb5_creds creds;
	krb5_error_code code;
	char *full = NULL;

	if (krb5_cc_get_full_name(ctx, cc, &full) == 0) {
		out->name = ew_text_cleanz(full);
		krb5_free_string(ctx, full);
	}
	code = krb5_cc_get_principal(ctx, cc, &princ);
	if (code != 0) {
		out->error = krb_msg(ctx, code);
		return;
	}
	out->principal = unparse(ctx, princ);
	krb5_free_principal(ctx, princ);
	code = krb5_cc_start_seq_get(ctx, cc, &cur);
	if (code != 0) {
		out->error = krb_msg(ctx, code);
		return;
	}
	while (krb5_cc_next_cred(ctx, cc, &cur, &creds) == 0) {
		struct ew_krb_cred *v, *c;
		krb5_ticket *tkt = NULL;

		if (krb5_is_config_principal(ctx, creds.server)) {
			krb5_free_cred_contents(ctx, &creds);
			continue;
		}
		v = realloc(out->creds, (out->ncreds + 1) * sizeof(*v));
		if (v == NULL) {
			krb5_free_cred_contents(ctx, &creds);
			break;
		}
		out->creds = v;
		c = &v[out->ncreds++];
		memset(c, 0, sizeof(*c));
		c->client = unparse(ctx, creds.client);
		c->server = unparse(ctx, creds.server);
		c->authtime = creds.times.authtime;
		c->starttime = creds.times.starttime ? creds.times.starttime : creds.times.authtime;
		c->endtime = creds.times.endtime;
		c->renew_till = creds.times.renew_till;
		c->flags = (unsigned)creds.ticket_flags;
		c->session_enctype = creds.keyblock.enctype;
		c->ticket_size = creds.ticket.length;
		c->ticket_enctype = -1;
		if (krb5_decode_ticket(&creds.ticket, &tkt) == 0) {
			c->ticket_enctype = tkt->enc_part.enctype;
			krb5_free_ticket(ctx, tkt);
		}
		c->is_tgt = is_tgt(ctx, creds.server);
		krb5_free_cred_contents(ctx, &creds);
	}
	krb5_cc_end_seq_get(ctx, cc, &cur);
}

static int add_cache(struct ew_krb_caches *out, krb5_context ctx, krb5_ccache cc,
		     const char *default_name)
{
	struct ew_krb_cache *v = realloc(out->caches, (out->n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	out->caches = v;
	memset(&v[out->n], 0, sizeof(v[0]));
	read_cache(ctx, cc, &v[out->n]);
	if (v[out->n].name && default_name && strcmp(v[out->n].name, default_name) == 0)
		v[out->n].is_default = 1;
	out->n++;
	return 0;
}

int ew_krb_list(const char *ccache, struct ew_krb_caches *out, char *err, size_t errlen)
{
	krb5_context ctx = NULL;
	krb5_cccol_cursor cur = NULL;
	krb5_ccache cc = NULL;
	krb5_error_code code;
	char *defname = NULL, *full = NULL;

	memset(out, 0, sizeof(*out));
	code = krb5_init_context(&ctx);
	if (code != 0) {
		snprintf(err, errlen, "krb5_init_context failed (%ld)", (long)code);
		return -1;
	}
	code = ccache ? krb5_cc_resolve(ctx, ccache, &cc) : krb5_cc_default(ctx, &cc);
	if (code == 0 && krb5_cc_get_full_name(ctx, cc, &full) == 0) {
		defname = ew_text_cleanz(full);
		krb5_free_string(ctx, full);
	}
	if (ccache) {
		if (code == 0)
			add_cache(out, ctx, cc, defname);
	} else if (krb5_cccol_cursor_new(ctx, &cur) == 0) {
		krb5_ccache one;

		while (krb5_cccol_cursor_next(ctx, cur, &one) == 0 && one != NULL) {
			add_cache(out, ctx, one, defname);
			krb5_cc_close(ctx, one);
		}
		krb5_cccol_cursor_free(ctx, &cur);
	}
	/* The default cache is listed even when the collection skipped it. */
	if (code == 0 && !ccache) {
		size_t i;
		int seen = 0;

		for (i = 0; i < out->n; i++)
			seen |= out->caches[i].is_default;
		if (!seen)
			add_cache(out, ctx, cc, defname);
	}
	if (cc)
		krb5_cc_close(ctx, cc);
	free(defname);
	krb5_free_context(ctx);
	return 0;
}

/* ---- explaining errors ---- */

void ew_krb_explain(long code, const char **cause, const char **remedy)
{
	switch (code) {
	case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN:
		*cause = "The KDC knows no account with this service principal name, or more "
			 "than one account holds it (a duplicate SPN); either way no ticket, "
			 "and Windows falls back to NTLM (event 40960/40961).";
		*remedy = "Find the holders with `setspn -Q SPN` (and duplicates with "
			  "`setspn -X`); register it on exactly one account: the Exchange "
			  "server's computer account.";
		break;
	case KRB5KRB_AP_ERR_SKEW:
		*cause = "The clocks of this host and the KDC differ by more than the allowed "
			 "skew (5 minutes by default).";
		*remedy = "Synchronise the clock with the domain (NTP from the DCs; on Windows "
			  "`w32tm /resync`).";
		break;
	case KRB5_KDC_UNREACH:
		*cause = "No KDC of the realm answered.";
		*remedy = "Check the KDC reachability (KRB-KDC): UDP and TCP port 88 to the DCs, "
			  "and the _kerberos SRV records.";
		break;
	case KRB5_REALM_UNKNOWN:
	case KRB5_REALM_CANT_RESOLVE:
		*cause = "No KDC can be found for the realm (no [realms] entry and no "
			 "_kerberos SRV record).";
		*remedy = "Fix the DNS SRV records (DNS-SRV) or name the KDCs in krb5.conf.";
		break;
	case KRB5KDC_ERR_ETYPE_NOSUPP:
		*cause = "The client and the KDC (or the service account's keys) share no "
			 "encryption type.";
		*remedy = "Give the service account keys of a common type (reset its password; "
			  "check msDS-SupportedEncryptionTypes and permitted_enctypes).";
		break;
	case KRB5KRB_AP_ERR_MODIFIED:
		*cause = "The ticket was encrypted with a key the service does not have: a "
			 "duplicate SPN, or the account's password changed (KRB_AP_ERR_MODIFIED).";
		*remedy = "Look for duplicate SPNs (`setspn -X`) and reset the service "
			  "account's password where it runs.";
		break;
	case KRB5KRB_AP_ERR_TKT_EXPIRED:
	case KRB5_CC_NOTFOUND:
	case KRB5_FCC_NOFILE:
	case KRB5KDC_ERR_TGT_REVOKED:
		*cause = "There is no valid TGT to ask with.";
		*remedy = "Log on again (kinit), or use --kinit PRINCIPAL.";
		break;
	case KRB5KDC_ERR_PREAUTH_FAILED:
	case KRB5KRB_AP_ERR_BAD_INTEGRITY:
		*cause = "The password was wrong.";
		*remedy = "Type the password again; check Caps Lock and the keyboard layout.";
		break;
	case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
		*cause = "The KDC does not know this user.";
		*remedy = "Check the user name and realm.";
		break;
	case KRB5KDC_ERR_CLIENT_REVOKED:
		*cause = "The account is disabled, locked out or expired.";
		*remedy = "Check the account in Active Directory Users and Computers.";
		break;
	case KRB5KDC_ERR_KEY_EXP:
		*cause = "The password has expired.";
		*remedy = "Change the password.";
		break;
	default:
		*cause = "The Kerberos library reported an error.";
		*remedy = "See the error text and the trace in the transcript.";
	}
}

/* ---- jobs on threads, bounded from outside ---- */

struct svc_job {
	struct group *g;
	char *spn;
	struct ew_krb_svc out;
	int done;
	int started;
	pthread_t th;
};

struct group {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;		/* the caller + every running thread */
	int pending;
	char *ccname;		/* the private copy of the TGT */
	int own_cache;		/* destroy ccname at the end */
	int store;		/* keep the tickets in ccname */
	char *realm;
	struct svc_job *jobs;
	size_t n;
	int pin_fd;		/* the pinned configuration (memfd), or -1 */
	profile_t pin;		/* it and the user's files, or NULL */
};

/*
 * The user's krb5 configuration with the realm's KDCs pinned to kdcs (IP
 * literals with a port, as found by the step that asks): a request then goes
 * to the KDC at once, without the URI and SRV lookups, the host lookups and,
 * after the reply, the primary-KDC lookup that the library would otherwise
 * make for every request, one after the other (each a round trip over a WAN
 * link). The pin is an anonymous in-memory file read first, before the
 * user's files, so everything else the user configured still holds.
 */
static int addr_ok(const char *a)
{
	size_t i;

	if (a == NULL || a[0] == '\0' || strlen(a) > 64)
		return 0;
	for (i = 0; a[i]; i++)
		if (!isxdigit((unsigned char)a[i]) && strchr(".:[]", a[i]) == NULL)
			return 0;
	return 1;
}

static int realm_ok(const char *r)
{
	size_t i;

	if (r == NULL || r[0] == '\0' || strlen(r) > 255)
		return 0;
	for (i = 0; r[i]; i++)
		if (!isalnum((unsigned char)r[i]) && strchr(".-_", r[i]) == NULL)
			return 0;
	return 1;
}

static void pin_profile(const char *realm, const char *const *kdcs, size_t nkdcs, int *pin_fd,
			profile_t *pin)
{
	char path[64], *text = NULL, *more, *copy = NULL, *tok, *save = NULL;
	const char **files = NULL, *env;
	size_t i, nd = 0, len;

	*pin_fd = -1;
	*pin = NULL;
	if (nkdcs == 0 || !realm_ok(realm))
		return;
	text = ew_strprintf("[libdefaults]\n\tdns_lookup_kdc = false\n\tdns_uri_lookup = false\n"
			    "[realms]\n\t%s = {\n", realm);
	for (i = 0; text && i < nkdcs; i++) {
		if (!addr_ok(kdcs[i]))
			continue;
		more = ew_strprintf("%s\t\tkdc = %s\n\t\tmaster_kdc = %s\n", text, kdcs[i],
				    kdcs[i]);
		free(text);
		text = more;
	}
	more = text ? ew_strprintf("%s\t}\n", text) : NULL;
	free(text);
	text = more;
	if (text == NULL || strstr(text, "kdc =") == NULL)
		goto out;
	*pin_fd = memfd_create("exwizard-krb5.conf", MFD_CLOEXEC);
	if (*pin_fd < 0)
		goto out;
	len = strlen(text);
	if (write(*pin_fd, text, len) != (ssize_t)len)
		goto fail;
	/* Ours first, then the files the library reads (KRB5_CONFIG, else its
	 * default), in their order. */
	env = secure_getenv("KRB5_CONFIG");
	copy = strdup(env && *env ? env : "/etc/krb5.conf");
	if (copy == NULL)
		goto fail;
	for (i = 0; copy[i]; i++)
		nd += copy[i] == ':';
	files = calloc(nd + 3, sizeof(*files));
	if (files == NULL)
		goto fail;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", *pin_fd);
	files[0] = path;
	nd = 1;
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save))
		files[nd++] = tok;
	if (profile_init(files, pin) != 0) {
		*pin = NULL;
		goto fail;
	}
	goto out;
fail:
	close(*pin_fd);
	*pin_fd = -1;
out:
	free(files);
	free(copy);
	free(text);
}

static void pin_setup(struct group *g, const char *const *kdcs, size_t nkdcs)
{
	pin_profile(g->realm, kdcs, nkdcs, &g->pin_fd, &g->pin);
}

static krb5_error_code group_context(const struct group *g, krb5_context *ctx)
{
	if (g->pin != NULL && krb5_init_context_profile(g->pin, 0, ctx) == 0)
		return 0;
	return krb5_init_context(ctx);
}

static void group_release(struct group *g)
{
	size_t i;
	int last;

	pthread_mutex_lock(&g->mu);
	last = --g->refs == 0;
	pthread_mutex_unlock(&g->mu);
	if (!last)
		return;
	for (i = 0; i < g->n; i++) {
		free(g->jobs[i].spn);
		ew_krb_svc_clear(&g->jobs[i].out);
	}
	if (g->ccname && g->own_cache) {
		krb5_context ctx;

		if (krb5_init_context(&ctx) == 0) {
			krb5_ccache cc;

			if (krb5_cc_resolve(ctx, g->ccname, &cc) == 0)
				krb5_cc_destroy(ctx, cc);
			krb5_free_context(ctx);
		}
	}
	free(g->ccname);
	free(g->realm);
	free(g->jobs);
	if (g->pin)
		profile_release(g->pin);
	if (g->pin_fd >= 0)
		close(g->pin_fd);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}

static void trace_cb(krb5_context ctx, const krb5_trace_info *info, void *data)
{
	struct ew_krb_svc *s = data;
	char *line, **v;
	size_t n;

	(void)ctx;
	if (info == NULL || info->message == NULL || s->ntrace >= MAX_TRACE)
		return;
	line = ew_text_cleanz(info->message);
	if (line == NULL)
		return;
	n = strlen(line);
	if (n >= 2 && strcmp(line + n - 2, "\\n") == 0)
		line[n - 2] = '\0';
	ew_krb_trace_redact(line);
	v = realloc(s->trace, (s->ntrace + 1) * sizeof(*v));
	if (v == NULL) {
		free(line);
		return;
	}
	s->trace = v;
	s->trace[s->ntrace++] = line;
}

static double now_double(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void *svc_thread(void *arg)
{
	struct svc_job *j = arg;
	struct group *g = j->g;
	struct ew_krb_svc *s = &j->out;
	krb5_context ctx = NULL;
	krb5_ccache cc = NULL;
	krb5_creds in, *out = NULL;
	krb5_principal client = NULL, server = NULL;
	krb5_error_code code;
	char *name = NULL;
	double t0;

	memset(&in, 0, sizeof(in));
	code = group_context(g, &ctx);
	if (code != 0) {
		s->code = code;
		s->error = strdup("krb5_init_context failed");
		goto done;
	}
	krb5_set_trace_callback(ctx, trace_cb, s);
	name = ew_strprintf("%s@%s", j->spn, g->realm);
	code = krb5_cc_resolve(ctx, g->ccname, &cc);
	if (code == 0)
		code = krb5_cc_get_principal(ctx, cc, &client);
	if (code == 0)
		code = krb5_parse_name_flags(ctx, name, KRB5_PRINCIPAL_PARSE_REQUIRE_REALM, &server);
	if (code == 0) {
		in.client = client;
		in.server = server;
		t0 = now_double();
		code = krb5_get_credentials(ctx, g->store ? 0 : KRB5_GC_NO_STORE, cc, &in, &out);
		s->local_time = now_double();
		s->rtt_ms = (long)((s->local_time - t0) * 1000);
	}
	if (code == 0) {
		krb5_ticket *tkt = NULL;

		s->ok = 1;
		s->ticket_size = out->ticket.length;
		s->session_enctype = out->keyblock.enctype;
		s->enctype = -1;
		if (krb5_decode_ticket(&out->ticket, &tkt) == 0) {
			s->enctype = tkt->enc_part.enctype;
			krb5_free_ticket(ctx, tkt);
		}
		s->starttime = out->times.starttime ? out->times.starttime : out->times.authtime;
		s->authtime = out->times.authtime;
		s->endtime = out->times.endtime;
		krb5_free_creds(ctx, out);
	} else {
		s->code = code;
		s->error = krb_msg(ctx, code);
		ew_krb_explain(code, &s->cause, &s->remedy);
	}
done:
	free(name);
	if (ctx) {
		krb5_free_principal(ctx, client);
		krb5_free_principal(ctx, server);
		if (cc)
			krb5_cc_close(ctx, cc);
		krb5_free_context(ctx);
	}
	pthread_mutex_lock(&g->mu);
	j->done = 1;
	g->pending--;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	group_release(g);
	return NULL;
}

int ew_krb_private_copy(const char *ccache, const char *realm, char **ccname, char *err,
		    size_t errlen)
{
	krb5_context ctx = NULL;
	krb5_ccache src = NULL, dst = NULL;
	krb5_principal client = NULL, tgs = NULL;
	krb5_creds match, tgt;
	krb5_error_code code;
	char *full = NULL, *msg;
	int rc = -1;

	memset(&match, 0, sizeof(match));
	memset(&tgt, 0, sizeof(tgt));
	if (krb5_init_context(&ctx) != 0) {
		snprintf(err, errlen, "krb5_init_context failed");
		return -1;
	}
	code = ccache ? krb5_cc_resolve(ctx, ccache, &src) : krb5_cc_default(ctx, &src);
	if (code == 0)
		code = krb5_cc_get_principal(ctx, src, &client);
	if (code == 0)
		code = krb5_build_principal(ctx, &tgs, (unsigned)strlen(realm), realm, "krbtgt",
					    realm, (char *)NULL);
	if (code == 0) {
		match.client = client;
		match.server = tgs;
		code = krb5_cc_retrieve_cred(ctx, src, 0, &match, &tgt);
	}
	if (code == 0 && tgt.times.endtime <= time(NULL))
		code = KRB5KRB_AP_ERR_TKT_EXPIRED;
	if (code == 0)
		code = krb5_cc_new_unique(ctx, "MEMORY", NULL, &dst);
	if (code == 0)
		code = krb5_cc_initialize(ctx, dst, client);
	if (code == 0)
		code = krb5_cc_store_cred(ctx, dst, &tgt);
	if (code == 0)
		code = krb5_cc_get_full_name(ctx, dst, &full);
	if (code != 0) {
		msg = krb_msg(ctx, code);
		snprintf(err, errlen, "no usable TGT for %s: %s", realm, msg ? msg : "?");
		free(msg);
		if (dst)
			krb5_cc_destroy(ctx, dst);
		dst = NULL;
		goto out;
	}
	*ccname = strdup(full);
	rc = *ccname ? 0 : -1;
out:
	krb5_free_string(ctx, full);
	krb5_free_cred_contents(ctx, &tgt);
	krb5_free_principal(ctx, client);
	krb5_free_principal(ctx, tgs);
	if (src)
		krb5_cc_close(ctx, src);
	if (dst)
		krb5_cc_close(ctx, dst);
	krb5_free_context(ctx);
	return rc;
}

static void copy_out(struct ew_krb_svc *dst, struct ew_krb_svc *src)
{
	char *spn = dst->spn;

	*dst = *src;
	dst->spn = spn;
	memset(src, 0, sizeof(*src));
}

/*
 * Requests that a step stopped waiting for (cancelled, or past the time
 * limit) still run on their threads, up to libkrb5's own time limit (15 s
 * against a silent KDC). They are kept here to be joined: the ones that have
 * ended when another is abandoned, the others by ew_krb_settle.
 */
static pthread_mutex_t abandoned_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_t *abandoned;
static size_t nabandoned;

/* Joins the threads that have ended; the others stay. Under abandoned_mu. */
static void reap_abandoned(void)
{
	size_t i, k = 0;

	for (i = 0; i < nabandoned; i++)
		if (pthread_tryjoin_np(abandoned[i], NULL) != 0)
			abandoned[k++] = abandoned[i];
	nabandoned = k;
}

static void abandon(pthread_t th)
{
	pthread_t *v;

	pthread_mutex_lock(&abandoned_mu);
	reap_abandoned();
	v = realloc(abandoned, (nabandoned + 1) * sizeof(*v));
	if (v != NULL) {
		abandoned = v;
		abandoned[nabandoned++] = th;
	} else {
		pthread_detach(th);	/* out of memory: it ends on its own */
	}
	pthread_mutex_unlock(&abandoned_mu);
}

size_t ew_krb_settle(const struct timespec *until)
{
	size_t i, left;

	pthread_mutex_lock(&abandoned_mu);
	for (i = left = 0; i < nabandoned; i++)
		if (pthread_timedjoin_np(abandoned[i], NULL, until) != 0)
			abandoned[left++] = abandoned[i];
	nabandoned = left;
	if (left == 0) {
		free(abandoned);
		abandoned = NULL;
	}
	pthread_mutex_unlock(&abandoned_mu);
	return left;
}

static int run_jobs(const char *ccache, int copy, const char *realm,
		    const char *const *kdcs, size_t nkdcs, struct ew_krb_svc *svc,
		    size_t n, int timeout_ms, atomic_int *cancel, char *err,
		    size_t errlen)
{
	struct group *g;
	struct timespec deadline;
	size_t i, started = 0;
	int stopped = 0;

	g = calloc(1, sizeof(*g));
	if (g == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->refs = 1;
	g->pin_fd = -1;
	g->realm = strdup(realm);
	g->jobs = calloc(n ? n : 1, sizeof(*g->jobs));
	g->n = n;
	if (g->realm == NULL || g->jobs == NULL) {
		snprintf(err, errlen, "out of memory");
		group_release(g);
		return -1;
	}
	pin_setup(g, kdcs, nkdcs);
	if (copy) {
		g->own_cache = 1;
		if (ew_krb_private_copy(ccache, realm, &g->ccname, err, errlen) != 0) {
			group_release(g);
			return -1;
		}
	} else {
		g->store = 1;
		g->ccname = strdup(ccache);
		if (g->ccname == NULL) {
			snprintf(err, errlen, "out of memory");
			group_release(g);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		g->jobs[i].g = g;
		g->jobs[i].spn = strdup(svc[i].spn);
		if (g->jobs[i].spn == NULL)
			continue;
		pthread_mutex_lock(&g->mu);
		g->refs++;
		g->pending++;
		pthread_mutex_unlock(&g->mu);
		if (pthread_create(&g->jobs[i].th, NULL, svc_thread, &g->jobs[i]) != 0) {
			pthread_mutex_lock(&g->mu);
			g->refs--;
			g->pending--;
			pthread_mutex_unlock(&g->mu);
			g->jobs[i].out.error = strdup("cannot start a thread");
			g->jobs[i].done = 1;
		} else {
			g->jobs[i].started = 1;
			started++;
		}
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	pthread_mutex_lock(&g->mu);
	while (g->pending > 0) {
		struct timespec step;

		/* Wake every 100 ms to look at the cancel flag and the deadline. */
		clock_gettime(CLOCK_REALTIME, &step);
		if ((step.tv_sec - deadline.tv_sec) * 1000 +
		    (step.tv_nsec - deadline.tv_nsec) / 1000000 >= timeout_ms)
			break;
		if (cancel && atomic_load(cancel)) {
			stopped = 1;
			break;
		}
		step.tv_nsec += 100000000;
		if (step.tv_nsec >= 1000000000) {
			step.tv_sec++;
			step.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&g->cv, &g->mu, &step);
	}
	for (i = 0; i < n; i++) {
		if (g->jobs[i].done) {
			copy_out(&svc[i], &g->jobs[i].out);
		} else if (stopped) {
			/* Abandoned unanswered: the user stopped the wait, the KDC
			 * did nothing wrong (yet), so no cause and no remedy. */
			svc[i].timed_out = 1;
			svc[i].cancelled = 1;
			svc[i].error = strdup("cancelled before the KDC answered");
		} else {
			/* Abandoned: the thread finishes on its own; its result is dropped. */
			svc[i].timed_out = 1;
			svc[i].code = KRB5_KDC_UNREACH;
			svc[i].error = strdup("no answer from the KDC within the time limit");
			ew_krb_explain(KRB5_KDC_UNREACH, &svc[i].cause, &svc[i].remedy);
		}
	}
	pthread_mutex_unlock(&g->mu);
	/*
	 * A finished request is joined (its thread is only tidying up), so nothing
	 * of it outlives this call; an abandoned one ends on its own and is
	 * joined later (abandon, ew_krb_settle).
	 */
	for (i = 0; i < n; i++) {
		if (!g->jobs[i].started)
			continue;
		if (!svc[i].timed_out)
			pthread_join(g->jobs[i].th, NULL);
		else
			abandon(g->jobs[i].th);
	}
	(void)started;
	group_release(g);
	return 0;
}

int ew_krb_get_services(const char *ccache, const char *realm, const char *const *kdcs,
			size_t nkdcs, struct ew_krb_svc *svc, size_t n, int timeout_ms,
			atomic_int *cancel, char *err, size_t errlen)
{
	return run_jobs(ccache, 1, realm, kdcs, nkdcs, svc, n, timeout_ms, cancel, err, errlen);
}

int ew_krb_prefetch(const char *ccache, const char *realm, const char *kdc, const char *spn,
		    int timeout_ms, atomic_int *cancel, char *err, size_t errlen)
{
	struct ew_krb_svc s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.spn = (char *)spn;
	rc = run_jobs(ccache, 0, realm, &kdc, kdc ? 1 : 0, &s, 1, timeout_ms, cancel, err,
		      errlen);
	if (rc == 0 && !s.ok) {
		snprintf(err, errlen, "%s: %s", spn, s.error ? s.error : "failed");
		rc = -1;
	}
	ew_krb_svc_clear(&s);
	return rc;
}

/* ---- kinit ---- */

struct kinit_job {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;
	int done;
	int located;		/* the KDCs found; the AS exchange under way */
	int abandoned;		/* the caller stopped waiting: a new cache is nobody's */
	struct timespec as_start;
	int timeout_ms, tries;	/* per DNS question */
	char principal[512];
	char password[1024];
	char ccname[256];
	long code;
	char message[512];
};

static void kinit_release(struct kinit_job *j)
{
	int last;

	pthread_mutex_lock(&j->mu);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	explicit_bzero(j->password, sizeof(j->password));
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}

/*
 * The realm's KDCs, found once (SRV _kerberos._udp, then their addresses, each
 * set of questions to every resolver at once), as "ADDR:PORT" pins. Left to
 * the library (0) when krb5.conf names the realm's KDCs or turns DNS lookups
 * off. Without this the library finds the KDCs again for each of the two or
 * three AS exchanges of a kinit, one question after another: on a 200 ms
 * link that alone is over 3 seconds.
 */
static size_t kdc_locate(const char *principal, char *realm, size_t realmlen, int timeout_ms,
			 int tries, char pins[][80], size_t max)
{
	const char *kdc_path[] = { "realms", realm, "kdc", NULL };
	krb5_principal princ = NULL;
	/* No run to cancel it: the caller's wait bounds it. At most 4 KDCs, of
	 * the first resolver that knows them, as the library would take them. */
	struct ew_locate_opts o = { { timeout_ms, tries, NULL }, 4, 1 };
	struct ew_locate kdcs = {0};
	krb5_context ctx = NULL;
	profile_t prof = NULL;
	char **vals = NULL, dom[256], name[300];
	const char *names[1] = { name };
	size_t n = 0, i, k;
	int dns = 1, named = 0;

	/* The realm as the library sees it ("alice" is in the default realm). */
	realm[0] = '\0';
	if (krb5_init_context(&ctx) != 0)
		return 0;
	if (krb5_parse_name(ctx, principal, &princ) == 0) {
		if (princ->realm.length < realmlen && princ->realm.length < sizeof(dom)) {
			memcpy(realm, princ->realm.data, princ->realm.length);
			realm[princ->realm.length] = '\0';
		}
		krb5_free_principal(ctx, princ);
	}
	if (!realm_ok(realm)) {
		krb5_free_context(ctx);
		return 0;
	}
	if (krb5_get_profile(ctx, &prof) == 0) {
		profile_get_boolean(prof, "libdefaults", "dns_lookup_kdc", NULL, 1, &dns);
		if (profile_get_values(prof, kdc_path, &vals) == 0 && vals) {
			named = vals[0] != NULL;
			profile_free_list(vals);
		}
		profile_release(prof);
	}
	if (ctx)
		krb5_free_context(ctx);
	if (named || !dns)
		return 0;
	for (i = 0; realm[i]; i++)
		dom[i] = (char)tolower((unsigned char)realm[i]);
	dom[i] = '\0';
	snprintf(name, sizeof(name), "_kerberos._udp.%s", dom);
	ew_locate_srv(&kdcs, names, 1, &o);
	ew_locate_addresses(&kdcs, &o);
	for (k = 0; k < kdcs.n; k++)
		for (i = 0; i < kdcs.t[k].naddrs && n < max; i++)
			snprintf(pins[n++], 80, strchr(kdcs.t[k].addrs[i], ':') ? "[%s]:%u" : "%s:%u",
				 kdcs.t[k].addrs[i], kdcs.t[k].port[0]);
	ew_locate_clear(&kdcs);
	return n;
}

static void *kinit_thread(void *arg)
{
	struct kinit_job *j = arg;
	krb5_context ctx = NULL;
	krb5_principal princ = NULL;
	krb5_ccache cc = NULL;
	krb5_get_init_creds_opt *opt = NULL;
	krb5_creds creds;
	krb5_error_code code;
	char *full = NULL, pins[8][80], realm[256];
	const char *pinp[8];
	profile_t pin = NULL;
	int pin_fd = -1;
	size_t npin, i;
	int drop;

	memset(&creds, 0, sizeof(creds));
	npin = kdc_locate(j->principal, realm, sizeof(realm), j->timeout_ms, j->tries, pins, 8);
	for (i = 0; i < npin; i++)
		pinp[i] = pins[i];
	if (npin)
		pin_profile(realm, pinp, npin, &pin_fd, &pin);
	pthread_mutex_lock(&j->mu);
	j->located = 1;
	clock_gettime(CLOCK_REALTIME, &j->as_start);
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	code = pin && krb5_init_context_profile(pin, 0, &ctx) == 0 ? 0 : krb5_init_context(&ctx);
	if (code == 0)
		code = krb5_parse_name(ctx, j->principal, &princ);
	if (code == 0)
		code = krb5_cc_new_unique(ctx, "MEMORY", NULL, &cc);
	if (code == 0)
		code = krb5_cc_initialize(ctx, cc, princ);
	if (code == 0)
		code = krb5_get_init_creds_opt_alloc(ctx, &opt);
	if (code == 0)
		code = krb5_get_init_creds_opt_set_out_ccache(ctx, opt, cc);
	if (code == 0)
		code = krb5_get_init_creds_password(ctx, &creds, princ, j->password, NULL, NULL,
						    0, NULL, opt);
	explicit_bzero(j->password, sizeof(j->password));
	if (code == 0)
		code = krb5_cc_get_full_name(ctx, cc, &full);
	pthread_mutex_lock(&j->mu);
	drop = j->abandoned;
	j->code = code;
	if (code == 0) {
		snprintf(j->ccname, sizeof(j->ccname), "%s", full);
	} else if (ctx) {
		char *m = krb_msg(ctx, code);

		snprintf(j->message, sizeof(j->message), "%s", m ? m : "?");
		free(m);
	} else {
		snprintf(j->message, sizeof(j->message), "krb5_init_context failed");
	}
	j->done = 1;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	if (ctx) {
		if ((code != 0 || drop) && cc)
			krb5_cc_destroy(ctx, cc);
		else if (cc)
			krb5_cc_close(ctx, cc);
		krb5_free_string(ctx, full);
		krb5_free_cred_contents(ctx, &creds);
		krb5_get_init_creds_opt_free(ctx, opt);
		krb5_free_principal(ctx, princ);
		krb5_free_context(ctx);
	}
	if (pin)
		profile_release(pin);
	if (pin_fd >= 0)
		close(pin_fd);
	kinit_release(j);
	return NULL;
}

static void add_ms(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000;
	if (t->tv_nsec >= 1000000000) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000;
	}
}

/*
 * Wait on j->cv until cond or until (CLOCK_REALTIME), in slices of 100 ms so
 * that *cancel is seen. Under j->mu. 0 when cond, else -1.
 */
static int kinit_wait(struct kinit_job *j, const int *cond, const struct timespec *until,
		      atomic_int *cancel)
{
	struct timespec now, slice;

	while (!*cond) {
		if (cancel && atomic_load(cancel))
			return -1;
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > until->tv_sec ||
		    (now.tv_sec == until->tv_sec && now.tv_nsec >= until->tv_nsec))
			return -1;
		slice = now;
		add_ms(&slice, 100);
		if (slice.tv_sec > until->tv_sec ||
		    (slice.tv_sec == until->tv_sec && slice.tv_nsec > until->tv_nsec))
			slice = *until;
		pthread_cond_timedwait(&j->cv, &j->mu, &slice);
	}
	return 0;
}

int ew_krb_kinit(const char *principal, const char *password, char *ccname,
		 size_t ccnamelen, int timeout_ms, int tries, atomic_int *cancel, char *err,
		 size_t errlen)
{
	struct kinit_job *j;
	struct timespec until;
	pthread_t th;
	int rc = -1, done, located;
	/* Finding the KDCs: two rounds of DNS questions, each bounded. Then the
	 * AS exchanges, bounded from when they start. */
	long locate_ms = 2L * ((long)timeout_ms * tries + 500) + 200;
	long as_ms = (long)timeout_ms * tries + 3000;

	if (strlen(principal) >= sizeof(j->principal) || strlen(password) >= sizeof(j->password)) {
		snprintf(err, errlen, "principal or password too long");
		return -1;
	}
	j = calloc(1, sizeof(*j));
	if (j == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	j->refs = 2;
	j->timeout_ms = timeout_ms;
	j->tries = tries;
	memcpy(j->principal, principal, strlen(principal) + 1);
	memcpy(j->password, password, strlen(password) + 1);
	if (pthread_create(&th, NULL, kinit_thread, j) != 0) {
		j->refs = 1;
		kinit_release(j);
		snprintf(err, errlen, "cannot start a thread");
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	add_ms(&until, locate_ms);
	pthread_mutex_lock(&j->mu);
	if (kinit_wait(j, &j->located, &until, cancel) == 0 && !j->done) {
		until = j->as_start;
		add_ms(&until, as_ms);
		kinit_wait(j, &j->done, &until, cancel);
	}
	located = j->located;
	if (!j->done && cancel && atomic_load(cancel)) {
		snprintf(err, errlen, "cancelled");
	} else if (!j->done && !located) {
		snprintf(err, errlen, "no answer from DNS about the realm's KDCs within %ld ms",
			 locate_ms);
	} else if (!j->done) {
		snprintf(err, errlen, "no answer from the KDC within %ld ms", as_ms);
	} else if (j->code != 0) {
		const char *cause, *remedy;

		ew_krb_explain(j->code, &cause, &remedy);
		snprintf(err, errlen, "%s (%s)", j->message,
			 j->code == KRB5KDC_ERR_PREAUTH_FAILED ||
			 j->code == KRB5KRB_AP_ERR_BAD_INTEGRITY ? "wrong password" : cause);
	} else if (strlen(j->ccname) >= ccnamelen) {
		snprintf(err, errlen, "cache name too long");
	} else {
		memcpy(ccname, j->ccname, strlen(j->ccname) + 1);
		rc = 0;
	}
	done = j->done;
	j->abandoned = !done;
	pthread_mutex_unlock(&j->mu);
	kinit_release(j);
	if (done)
		pthread_join(th, NULL);	/* it is only tidying up */
	else
		abandon(th);	/* ends on its own; ew_krb_settle waits for it */
	return rc;
}

void ew_krb_destroy(const char *ccname)
{
	krb5_context ctx;
	krb5_ccache cc;

	if (ccname == NULL || krb5_init_context(&ctx) != 0)
		return;
	if (krb5_cc_resolve(ctx, ccname, &cc) == 0)
		krb5_cc_destroy(ctx, cc);
	krb5_free_context(ctx);
}

int ew_krb_process_config(void)
{
	static const char text[] = "[libdefaults]\n"
				   "\tdns_canonicalize_hostname = fallback\n"
				   "\trdns = false\n";
	const char *env = secure_getenv("KRB5_CONFIG");
	char *value;
	int fd, rc;

	fd = memfd_create("exwizard-krb5-names.conf", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1)) {
		close(fd);
		return -1;
	}
	value = ew_strprintf("/proc/self/fd/%d:%s", fd, env && *env ? env : "/etc/krb5.conf");
	if (value == NULL) {
		close(fd);
		return -1;
	}
	rc = setenv("KRB5_CONFIG", value, 1);
	free(value);
	if (rc != 0)
		close(fd);
	return rc;	/* the file stays open for the life of the process */
}
