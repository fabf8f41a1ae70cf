#include "krbrules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "finding.h"
#include "result.h"
#include "text.h"

void ew_krb_conf_defaults(struct ew_krb_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->dns_lookup_kdc = 1;
	c->dns_lookup_realm = 0;
	c->rdns = 1;
	c->dns_canonicalize_hostname = 1;
	c->udp_preference_limit = 1465;
	c->clockskew = 300;
}

void ew_krb_conf_clear(struct ew_krb_conf *c)
{
	size_t i;

	free(c->default_realm);
	for (i = 0; i < c->nkdcs; i++)
		free(c->kdcs[i]);
	free(c->kdcs);
	for (i = 0; i < c->ndomain_realm; i++)
		free(c->domain_realm[i]);
	free(c->domain_realm);
	free(c->tgs_enctypes);
	memset(c, 0, sizeof(*c));
}

void ew_krb_rule_conf(const struct ew_krb_conf *c, const char *realm, size_t srv_kdcs,
		      struct ew_step_result *res)
{
	struct ew_finding *f;
	size_t i;

	if (c->nkdcs == 0 && (!c->dns_lookup_kdc || srv_kdcs == 0)) {
		f = ew_finding_new(EW_CK_KRB_CONF, EW_WARN, "No way to find a KDC for %s",
				   realm ? realm : "the realm");
		if (f) {
			ew_finding_detail(f, "krb5.conf names no KDC for the realm and %s.",
					  c->dns_lookup_kdc ? "DNS has no _kerberos SRV record for it" :
					  "dns_lookup_kdc is off");
			ew_finding_remedy(f, "Turn dns_lookup_kdc on (and fix the SRV records), or "
					  "list the DCs as kdc = in the [realms] section.");
		}
		ew_step_result_add(res, f);
	}
	f = ew_finding_new(EW_CK_KRB_CONF, EW_INFO, "Kerberos settings: default_realm %s, "
			   "udp_preference_limit %d, clockskew %d s",
			   c->default_realm ? c->default_realm : "(none)",
			   c->udp_preference_limit, c->clockskew);
	if (f == NULL)
		return;
	ew_finding_evidence(f, "dns_lookup_kdc = %s, dns_lookup_realm = %s",
			    c->dns_lookup_kdc ? "true" : "false",
			    c->dns_lookup_realm ? "true" : "false");
	ew_finding_evidence(f, "rdns = %s, dns_canonicalize_hostname = %s",
			    c->rdns ? "true" : "false",
			    c->dns_canonicalize_hostname ? "true" : "false");
	for (i = 0; i < c->nkdcs; i++)
		ew_finding_evidence(f, "[realms] kdc = %s", c->kdcs[i]);
	if (c->nkdcs == 0)
		ew_finding_evidence(f, "KDCs from DNS SRV: %zu", srv_kdcs);
	for (i = 0; i < c->ndomain_realm; i++)
		ew_finding_evidence(f, "[domain_realm] %s", c->domain_realm[i]);
	ew_step_result_add(res, f);
}

static void fmt_time(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm);
}

void ew_krb_rule_cache(const struct ew_krb_caches *caches, const char *realm, long long now,
		       struct ew_step_result *res)
{
	const struct ew_krb_cache *def = NULL;
	const struct ew_krb_cred *tgt = NULL;
	struct ew_finding *f;
	size_t i, j, weak_des = 0, weak_rc4 = 0;
	char end[40], e1[64], e2[64];

	for (i = 0; i < caches->n; i++)
		if (caches->caches[i].is_default)
			def = &caches->caches[i];
	if (def == NULL && caches->n)
		def = &caches->caches[0];
	for (i = 0; def && i < def->ncreds; i++) {
		const struct ew_krb_cred *c = &def->creds[i];
		const char *at = strrchr(c->server, '@');

		if (c->is_tgt && (realm == NULL || (at && strcasecmp(at + 1, realm) == 0)))
			if (tgt == NULL || c->endtime > tgt->endtime)
				tgt = c;
	}
	if (def == NULL || def->principal == NULL) {
		f = ew_finding_new(EW_CK_KRB_CACHE, EW_FAIL, "No credential cache with tickets");
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_NO_TGT);
			if (def && def->error)
				ew_finding_evidence(f, "%s: %s", def->name ? def->name : "cache",
						    def->error);
			ew_finding_remedy(f, "Log on (kinit user@REALM), or run exwizard with "
					  "--kinit PRINCIPAL.");
		}
		ew_step_result_add(res, f);
	} else if (tgt == NULL) {
		f = ew_finding_new(EW_CK_KRB_CACHE, EW_FAIL, "No TGT for %s in %s",
				   realm ? realm : "the realm", def->name);
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_NO_TGT);
			ew_finding_remedy(f, "Get one with kinit %s, or --kinit.", def->principal);
		}
		ew_step_result_add(res, f);
	} else if (tgt->endtime <= now) {
		fmt_time(tgt->endtime, end, sizeof(end));
		f = ew_finding_new(EW_CK_KRB_CACHE, EW_FAIL, "The TGT of %s expired at %s",
				   def->principal, end);
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_NO_TGT);
			ew_finding_remedy(f, "Renew it (kinit -R) or log on again.");
		}
		ew_step_result_add(res, f);
	} else if (tgt->endtime - now < 600) {
		fmt_time(tgt->endtime, end, sizeof(end));
		f = ew_finding_new(EW_CK_KRB_CACHE, EW_WARN, "The TGT of %s expires in %lld min "
				   "(%s)", def->principal, (tgt->endtime - now) / 60, end);
		if (f)
			ew_finding_remedy(f, "Renew it (kinit -R) before going on.");
		ew_step_result_add(res, f);
	}
	for (i = 0; i < caches->n; i++) {
		const struct ew_krb_cache *c = &caches->caches[i];

		for (j = 0; j < c->ncreds; j++) {
			const struct ew_krb_cred *k = &c->creds[j];
			int ws = ew_krb_enctype_weakness(k->session_enctype);
			int wt = k->ticket_enctype >= 0 ? ew_krb_enctype_weakness(k->ticket_enctype) : 0;

			if (ws == 1 || wt == 1) {
				ew_krb_enctype_name(k->ticket_enctype, e1, sizeof(e1));
				f = ew_finding_new(EW_CK_KRB_CACHE, EW_FAIL, "DES ticket for %s", k->server);
				if (f) {
					/* Windows clients refuse DES: no type both allow. */
					ew_finding_set_cause(f, EW_CAUSE_ENCTYPE_MISMATCH);
					ew_finding_remedy(f, "DES is broken and off by default since "
							  "Windows 7: give the account AES keys.");
				}
				ew_step_result_add(res, f);
				weak_des++;
			} else if (ws == 2 && (wt == 2 || k->ticket_enctype < 0)) {
				weak_rc4++;
				ew_krb_enctype_name(k->session_enctype, e1, sizeof(e1));
				f = ew_finding_new(EW_CK_KRB_CACHE, EW_WARN, "RC4-only ticket for %s",
						   k->server);
				if (f)
					ew_finding_remedy(f, "Give the service account AES keys "
							  "(msDS-SupportedEncryptionTypes, then reset its "
							  "password).");
				ew_step_result_add(res, f);
			}
		}
	}
	/* The klist view, one line per credential. */
	if (tgt && tgt->endtime > now)
		f = ew_finding_new(EW_CK_KRB_CACHE, EW_PASS, "%zu cache(s); a valid TGT for %s",
				   caches->n, def->principal);
	else
		f = ew_finding_new(EW_CK_KRB_CACHE, EW_INFO, "%zu cache(s); see above", caches->n);
	for (i = 0; f && i < caches->n; i++) {
		const struct ew_krb_cache *c = &caches->caches[i];

		ew_finding_evidence(f, "%s%s: %s", c->is_default ? "* " : "",
				    c->name ? c->name : "?",
				    c->principal ? c->principal : c->error ? c->error : "empty");
		for (j = 0; j < c->ncreds; j++) {
			const struct ew_krb_cred *k = &c->creds[j];
			char letters[20], *names;

			names = ew_krb_flags_text(k->flags, letters);
			fmt_time(k->endtime, end, sizeof(end));
			ew_krb_enctype_name(k->session_enctype, e1, sizeof(e1));
			if (k->ticket_enctype >= 0)
				ew_krb_enctype_name(k->ticket_enctype, e2, sizeof(e2));
			else
				snprintf(e2, sizeof(e2), "?");
			ew_finding_evidence(f, "  %s  until %s  [%s]  %s/%s  %zu bytes", k->server,
					    end, letters, e1, e2, k->ticket_size);
			free(names);
		}
	}
	ew_step_result_add(res, f);
	(void)weak_des;
	(void)weak_rc4;
}

/* "exchangeMDB/exch1.exwiz.test" -> service "exchangeMDB", host "exch1.exwiz.test". */
static void split_spn(const char *spn, char *svc, size_t sl, const char **host)
{
	const char *slash = strchr(spn, '/');
	size_t n = slash ? (size_t)(slash - spn) : strlen(spn);

	snprintf(svc, sl, "%.*s", (int)n, spn);
	*host = slash ? slash + 1 : "";
}

int ew_krb_is_front_end(const struct ew_krb_svc *svc, size_t n, const char *host)
{
	size_t i;
	int http_ok = 0, ex_unknown = 0, ex_other = 0;

	for (i = 0; i < n; i++) {
		char s[64];
		const char *h;

		split_spn(svc[i].spn, s, sizeof(s), &h);
		if (strcasecmp(h, host) != 0 || svc[i].cancelled)
			continue;
		if (strcasecmp(s, "HTTP") == 0)
			http_ok |= svc[i].ok;
		else if (strncasecmp(s, "exchange", 8) == 0) {
			if (!svc[i].ok && svc[i].code == EW_KRB5_KDC_ERR_S_PRINCIPAL_UNKNOWN)
				ex_unknown++;
			else
				ex_other++;
		}
	}
	return http_ok && ex_unknown > 0 && ex_other == 0;
}

/* Whether the HTTP/ request for host was cancelled (then a front end cannot be told). */
static int http_cancelled(const struct ew_krb_svc *svc, size_t n, const char *host)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char s[64];
		const char *h;

		split_spn(svc[i].spn, s, sizeof(s), &h);
		if (svc[i].cancelled && strcasecmp(s, "HTTP") == 0 && strcasecmp(h, host) == 0)
			return 1;
	}
	return 0;
}

/*
 * The cause a failed session ticket request proves, from the KDC's answer
 * alone: an unknown principal is taken for a missing SPN until the holders
 * are counted (ew_krb_svc_holders makes it a duplicate); NULL: none known.
 */
static const char *svc_cause(const struct ew_krb_svc *s)
{
	if (s->code == EW_KRB5_KDC_ERR_S_PRINCIPAL_UNKNOWN)
		return EW_CAUSE_SPN_MISSING;
	if (s->code == EW_KRB5_KDC_ERR_ETYPE_NOSUPP)
		return EW_CAUSE_ENCTYPE_MISMATCH;
	if (s->code == EW_KRB5_KRB_AP_ERR_SKEW)
		return EW_CAUSE_CLOCK_SKEW;
	if (s->code == EW_KRB5_KDC_UNREACH)
		return EW_CAUSE_KDC_UNREACHABLE;
	return NULL;
}

void ew_krb_svc_holders(struct ew_step_result *res, const char *spn, size_t nholders)
{
	char title[600];
	size_t i;

	if (nholders < 2)
		return;
	snprintf(title, sizeof(title), "No session ticket for %s", spn);
	for (i = 0; i < res->nfindings; i++) {
		struct ew_finding *f = res->findings[i];

		if (strcmp(f->check, EW_CK_KRB_SVC) == 0 && f->severity == EW_FAIL && f->cause &&
		    strcmp(f->cause, EW_CAUSE_SPN_MISSING) == 0 && strcmp(f->title, title) == 0)
			ew_finding_set_cause(f, EW_CAUSE_SPN_DUPLICATE);
	}
}

void ew_krb_rule_svc(const struct ew_krb_svc *svc, size_t n, struct ew_step_result *res)
{
	struct ew_finding *pass, *f, *rc4 = NULL, *fe = NULL, *cut = NULL;
	size_t i, bad = 0, ncut = 0;
	char e[64];

	for (i = 0; i < n; i++)
		ncut += svc[i].cancelled != 0;
	if (ncut) {
		/* Not a failure: the user stopped the wait before the KDC answered. */
		cut = ew_finding_new(EW_CK_KRB_SVC, EW_SKIP, "Cancelled before the KDC answered %zu "
				     "of the %zu session ticket requests", ncut, n);
		if (cut)
			ew_finding_remedy(cut, "Run the step again and let it finish to learn "
					  "whether these tickets can be had.");
	}

	pass = ew_finding_new(EW_CK_KRB_SVC, EW_PASS, "Session tickets for every service that "
			      "should have one");
	for (i = 0; i < n; i++) {
		const struct ew_krb_svc *s = &svc[i];
		char service[64];
		const char *host;

		split_spn(s->spn, service, sizeof(service), &host);
		if (s->cancelled) {
			if (cut)
				ew_finding_evidence(cut, "%s: cancelled before the KDC answered",
						    s->spn);
			continue;
		}
		if (s->ok) {
			ew_krb_enctype_name(s->enctype, e, sizeof(e));
			if (pass)
				ew_finding_evidence(pass, "%s: %zu bytes, %s, %ld ms", s->spn,
						    s->ticket_size, e, s->rtt_ms);
			if (cut)
				ew_finding_evidence(cut, "%s: a ticket, %zu bytes, %s", s->spn,
						    s->ticket_size, e);
			if (ew_krb_enctype_weakness(s->enctype) == 2) {
				if (rc4 == NULL) {
					rc4 = ew_finding_new(EW_CK_KRB_SVC, EW_INFO, "Some service "
							     "tickets are RC4 (rc4-hmac)");
					if (rc4)
						ew_finding_detail(rc4, "Their accounts have no "
								  "msDS-SupportedEncryptionTypes "
								  "with AES, as computer accounts "
								  "of older servers do; it works, "
								  "but RC4 is weak.");
				}
				if (rc4)
					ew_finding_evidence(rc4, "%s", s->spn);
			}
			continue;
		}
		if (strncasecmp(service, "exchange", 8) == 0 && ew_krb_is_front_end(svc, n, host)) {
			if (fe == NULL)
				fe = ew_finding_new(EW_CK_KRB_SVC, EW_INFO, "Front ends: only HTTP/ is "
						    "registered, which is right for them");
			if (fe)
				ew_finding_evidence(fe, "%s: no such SPN", s->spn);
			continue;
		}
		if (strncasecmp(service, "exchange", 8) == 0 && cut &&
		    s->code == EW_KRB5_KDC_ERR_S_PRINCIPAL_UNKNOWN && http_cancelled(svc, n, host)) {
			/* Right for a front end, wrong for a back end: not known which. */
			ew_finding_evidence(cut, "%s: no such SPN; whether %s is a front end "
					    "(HTTP/ only) was not learned", s->spn, host);
			continue;
		}
		bad++;
		f = ew_finding_new(EW_CK_KRB_SVC, EW_FAIL, "No session ticket for %s", s->spn);
		if (f == NULL)
			continue;
		if (svc_cause(s))
			ew_finding_set_cause(f, svc_cause(s));
		ew_finding_detail(f, "%s", s->cause ? s->cause : "The request failed.");
		ew_finding_evidence(f, "%s", s->error ? s->error : "?");
		if (s->remedy)
			ew_finding_remedy(f, "%s", s->remedy);
		ew_step_result_add(res, f);
	}
	if (bad == 0 && ncut == 0 && n > 0)
		ew_step_result_add(res, pass);
	else
		ew_finding_free(&pass);
	if (cut)
		ew_step_result_add(res, cut);
	if (fe)
		ew_step_result_add(res, fe);
	if (rc4)
		ew_step_result_add(res, rc4);
}

void ew_krb_rule_skew(const struct ew_kdc_probe *p, size_t np, const struct ew_krb_svc *svc,
		      size_t ns, int clockskew, struct ew_step_result *res)
{
	double skew = 0;
	const char *from = NULL;
	char src[300] = "";
	struct ew_finding *f;
	size_t i;
	int have = 0, skew_error = 0;

	for (i = 0; i < np && !have; i++) {
		if (p[i].have_time) {
			skew = p[i].skew;
			have = 1;
			snprintf(src, sizeof(src), "the time in the KDC's reply (%s %s)", p[i].host,
				 p[i].addr);
			from = src;
		}
	}
	for (i = 0; i < ns; i++) {
		if (svc[i].code == EW_KRB5_KRB_AP_ERR_SKEW)
			skew_error = 1;
		if (!have && svc[i].ok && svc[i].starttime > 0) {
			skew = (double)svc[i].starttime - svc[i].local_time;
			have = 1;
			snprintf(src, sizeof(src), "the start time of a fresh ticket for %s",
				 svc[i].spn);
			from = src;
		}
	}
	if (!have && !skew_error) {
		int cut = 0;

		for (i = 0; i < np; i++)
			cut |= p[i].cancelled;
		for (i = 0; i < ns; i++)
			cut |= svc[i].cancelled;
		ew_step_result_add(res, ew_finding_new(EW_CK_KRB_SKEW, EW_SKIP, cut ?
						       "Cancelled before the KDC's time was "
						       "learned" : "The KDC's time could not be "
						       "learned (no KDC answered)"));
		return;
	}
	if (skew_error && (!have || (skew < clockskew && skew > -clockskew))) {
		f = ew_finding_new(EW_CK_KRB_SKEW, EW_FAIL, "The KDC refuses requests: clock skew "
				   "too great");
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_CLOCK_SKEW);
			ew_finding_remedy(f, "Synchronise this host's clock with the domain.");
		}
		ew_step_result_add(res, f);
		return;
	}
	if (skew >= clockskew || skew <= -clockskew)
		f = ew_finding_new(EW_CK_KRB_SKEW, EW_FAIL, "The clock is %.0f s %s the KDC's "
				   "(limit %d s)", skew < 0 ? -skew : skew,
				   skew < 0 ? "ahead of" : "behind", clockskew);
	else if (skew > 60 || skew < -60)
		f = ew_finding_new(EW_CK_KRB_SKEW, EW_WARN, "The clock is %.0f s %s the KDC's",
				   skew < 0 ? -skew : skew, skew < 0 ? "ahead of" : "behind");
	else
		f = ew_finding_new(EW_CK_KRB_SKEW, EW_PASS, "The clock agrees with the KDC's "
				   "(%+.1f s)", -skew);
	if (f == NULL)
		return;
	ew_finding_evidence(f, "measured from %s", from);
	/* Past the limit: the KDC refuses; a warning only says the time drifts. */
	if (f->severity == EW_FAIL)
		ew_finding_set_cause(f, EW_CAUSE_CLOCK_SKEW);
	if (f->severity != EW_PASS) {
		ew_finding_detail(f, "Kerberos refuses requests when the clocks differ by more "
				  "than %d s (KRB_AP_ERR_SKEW); past a minute it is a sign the "
				  "time service is not working.", clockskew);
		ew_finding_remedy(f, "Synchronise with the domain's time: NTP (chrony, "
				  "systemd-timesyncd) from the DCs; on Windows `w32tm /resync`.");
	}
	ew_step_result_add(res, f);
}

static const char *proto_name(enum ew_kdc_proto p)
{
	return p == EW_KDC_UDP ? "UDP/88" : p == EW_KDC_TCP ? "TCP/88" : "TCP/464 (kpasswd)";
}

static void kdc_evidence(struct ew_finding *f, const struct ew_kdc_probe *p, int rtt)
{
	const char *what = p->ok ? "answers" : p->error ? p->error : "no answer";

	if (rtt)
		ew_finding_evidence(f, "%s (%s) %s: %s, %ld ms", p->host, p->addr,
				    proto_name(p->proto), what, p->rtt_ms);
	else
		ew_finding_evidence(f, "%s (%s) %s: %s", p->host, p->addr, proto_name(p->proto),
				    p->ok ? "answers" : p->error ? p->error : "?");
}

/*
 * A probe stopped by the cancel flag neither answered nor failed: it counts
 * for nothing, and a verdict that needed it becomes a skip that says so.
 */
void ew_krb_rule_kdc(const struct ew_kdc_probe *p, size_t n, size_t largest_request,
		     int udp_limit, struct ew_step_result *res)
{
	size_t i, udp_ok = 0, tcp_ok = 0, tcp_tried = 0, tcp_cut = 0, failed = 0, cut = 0;
	struct ew_finding *f, *ev;

	if (n == 0) {
		f = ew_finding_new(EW_CK_KRB_KDC, EW_FAIL, "No KDC to ask: none in krb5.conf, none "
				   "from DNS");
		if (f)
			ew_finding_set_cause(f, EW_CAUSE_KDC_UNREACHABLE);
		if (f)
			ew_finding_remedy(f, "Fix the _kerberos SRV records (see DNS-SRV) or name "
					  "the KDCs in krb5.conf.");
		ew_step_result_add(res, f);
		return;
	}
	for (i = 0; i < n; i++) {
		if (p[i].cancelled && !p[i].ok) {
			cut++;
			tcp_cut += p[i].proto == EW_KDC_TCP;
			continue;
		}
		udp_ok += p[i].proto == EW_KDC_UDP && p[i].ok;
		tcp_ok += p[i].proto == EW_KDC_TCP && p[i].ok;
		tcp_tried += p[i].proto == EW_KDC_TCP;
		failed += !p[i].ok;
	}
	if (udp_ok + tcp_ok == 0 && cut) {
		f = ew_finding_new(EW_CK_KRB_KDC, EW_SKIP, "Cancelled before any KDC answered");
		for (i = 0; f && i < n; i++)
			kdc_evidence(f, &p[i], 0);
		if (f)
			ew_finding_remedy(f, "Run the step again and let it finish to learn "
					  "whether the KDCs answer.");
		ew_step_result_add(res, f);
		return;
	}
	if (udp_ok + tcp_ok == 0) {
		f = ew_finding_new(EW_CK_KRB_KDC, EW_FAIL, "No KDC answers, over UDP or TCP");
		for (i = 0; f && i < n; i++)
			kdc_evidence(f, &p[i], 0);
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_KDC_UNREACHABLE);
			ew_finding_detail(f, "Without a KDC no ticket can be had; Windows falls "
					  "back to NTLM.");
			ew_finding_remedy(f, "Check that the DCs run, and that UDP and TCP port 88 "
					  "are open from this host to them (firewalls, VPN).");
		}
		ew_step_result_add(res, f);
		return;
	}
	/* Blocked only when every TCP probe was made and none answered. */
	if (tcp_tried && tcp_ok == 0 && tcp_cut == 0 && largest_request > (size_t)udp_limit) {
		f = ew_finding_new(EW_CK_KRB_KDC, EW_WARN, "TCP/88 is blocked, but requests of "
				   "%zu bytes need TCP", largest_request);
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_KDC_TCP_BLOCKED);
			ew_finding_detail(f, "Requests larger than udp_preference_limit (%d) and "
					  "replies too big for UDP go over TCP; with TCP blocked, "
					  "they fail.", udp_limit);
			ew_finding_remedy(f, "Open TCP port 88 to the DCs.");
		}
		ew_step_result_add(res, f);
	}
	if (failed) {
		f = ew_finding_new(EW_CK_KRB_KDC, EW_WARN, "Some KDCs or transports do not answer");
		for (i = 0; f && i < n; i++)
			if (!p[i].ok && !p[i].cancelled)
				kdc_evidence(f, &p[i], 0);
		if (f)
			ew_finding_remedy(f, "Check the firewall between this host and those "
					  "KDCs; each unreachable KDC costs a timeout before the "
					  "next is tried.");
		ew_step_result_add(res, f);
	}
	if (cut) {
		f = ew_finding_new(EW_CK_KRB_KDC, EW_SKIP, "Cancelled before every KDC had answered "
				   "(%zu of %zu probes)", cut, n);
		for (i = 0; f && i < n; i++)
			kdc_evidence(f, &p[i], 1);
		ew_step_result_add(res, f);
		return;
	}
	if (failed)
		return;
	ev = ew_finding_new(EW_CK_KRB_KDC, EW_PASS, "Every KDC answers over UDP and TCP");
	for (i = 0; ev && i < n; i++)
		kdc_evidence(ev, &p[i], 1);
	ew_step_result_add(res, ev);
}

void ew_krb_trace_scan(char *const *lines, size_t n, size_t *largest, int *udp, int *tcp,
		       int *too_big)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *l = lines[i], *p;

		if ((p = strstr(l, "Sending request (")) != NULL) {
			size_t sz = strtoul(p + 17, NULL, 10);

			if (sz > *largest)
				*largest = sz;
		}
		if (strstr(l, "UDP") && strstr(l, "Sending"))
			*udp = 1;
		if (strstr(l, "dgram "))
			*udp = 1;
		if (strstr(l, "TCP") || strstr(l, "stream "))
			*tcp = 1;
		if (strstr(l, "too big") || strstr(l, "RESPONSE_TOO_BIG") ||
		    strstr(l, "Response too big"))
			*too_big = 1;
	}
}

void ew_krb_rule_transport(const struct ew_krb_svc *svc, size_t n, const char *principal,
			   int udp_limit, int tcp_ok, struct ew_step_result *res)
{
	size_t i, largest = 0, traced = 0, cut = 0;
	int udp = 0, tcp = 0, too_big = 0;
	struct ew_finding *f;

	for (i = 0; i < n; i++) {
		cut += svc[i].cancelled != 0;
		if (svc[i].ntrace)
			traced++;
		ew_krb_trace_scan(svc[i].trace, svc[i].ntrace, &largest, &udp, &tcp, &too_big);
	}
	if (traced == 0) {
		ew_step_result_add(res, ew_finding_new(EW_CK_KRB_TRANSPORT, EW_SKIP, cut ?
						       "Cancelled before a request was traced" :
						       "No request was traced"));
		return;
	}
	if (!tcp && cut) {
		/* The requests cut short may have been the ones that needed TCP. */
		f = ew_finding_new(EW_CK_KRB_TRANSPORT, EW_SKIP, "Cancelled before every request "
				   "was traced (%zu of %zu were)", traced, n);
		if (f)
			ew_finding_evidence(f, "the requests traced went over UDP (up to %zu "
					    "bytes, limit %d)", largest, udp_limit);
		ew_step_result_add(res, f);
		return;
	}
	if (!tcp) {
		f = ew_finding_new(EW_CK_KRB_TRANSPORT, EW_PASS, "Kerberos for %s runs over UDP "
				   "(requests up to %zu bytes, limit %d)",
				   principal ? principal : "the cache's principal",
				   largest, udp_limit);
		ew_step_result_add(res, f);
		return;
	}
	f = ew_finding_new(EW_CK_KRB_TRANSPORT, tcp_ok ? EW_INFO : EW_FAIL,
			   "Kerberos for %s runs over TCP",
			   principal ? principal : "the cache's principal");
	if (f == NULL)
		return;
	if (f->severity == EW_FAIL)
		ew_finding_set_cause(f, EW_CAUSE_KDC_TCP_BLOCKED);
	if (largest > (size_t)udp_limit)
		ew_finding_evidence(f, "requests of up to %zu bytes exceed udp_preference_limit "
				    "%d: sent over TCP from the start", largest, udp_limit);
	if (too_big)
		ew_finding_evidence(f, "a KDC answered that the reply was too big for UDP "
				    "(KRB_ERR_RESPONSE_TOO_BIG); the request was sent again over "
				    "TCP");
	ew_finding_detail(f, "A large PAC (many groups) makes tickets too "
			  "big for UDP, so Kerberos switches to TCP. It works as long as TCP "
			  "port 88 is open%s. Windows does the same above MaxPacketSize (1465 "
			  "bytes before Vista; TCP always from Vista on).",
			  tcp_ok > 0 ? ", which it is" : tcp_ok < 0 ? "; whether it is open "
			  "here was not learned (cancelled)" : ", and here it is not");
	if (tcp_ok == 0)
		ew_finding_remedy(f, "Open TCP port 88 from the clients to the DCs.");
	else if (tcp_ok < 0)
		ew_finding_remedy(f, "Run the step again and let it finish to learn whether "
				  "TCP/88 is open.");
	else
		ew_finding_remedy(f, "Nothing to do while TCP/88 is open; see the groups step "
				  "for the token size.");
	ew_step_result_add(res, f);
}

void ew_krb_rule_spn_unique(const char *spn, const struct ew_spn_holder *h, size_t n,
			    struct ew_step_result *res)
{
	struct ew_finding *f;
	size_t i;

	if (n == 1) {
		f = ew_finding_new(EW_CK_SPN_UNIQUE, EW_PASS, "%s is held by one account (%s)", spn,
				   h[0].account ? h[0].account : h[0].dn);
		ew_step_result_add(res, f);
		return;
	}
	if (n == 0) {
		f = ew_finding_new(EW_CK_SPN_UNIQUE, EW_FAIL, "%s is not registered in the forest",
				   spn);
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_SPN_MISSING);
			ew_finding_detail(f, "No account holds this service principal name: the "
					  "KDC answers KDC_ERR_S_PRINCIPAL_UNKNOWN and the client "
					  "falls back to NTLM.");
			ew_finding_remedy(f, "Register it on the server's computer account: "
					  "`setspn -S %s SERVER`.", spn);
		}
		ew_step_result_add(res, f);
		return;
	}
	f = ew_finding_new(EW_CK_SPN_UNIQUE, EW_FAIL, "%s is held by %zu accounts (a duplicate "
			   "SPN)", spn, n);
	if (f == NULL)
		return;
	ew_finding_set_cause(f, EW_CAUSE_SPN_DUPLICATE);
	for (i = 0; i < n; i++)
		ew_finding_evidence(f, "%s (%s)", h[i].account ? h[i].account : "?", h[i].dn);
	ew_finding_detail(f, "With two holders the KDC cannot tell which key to use: it "
			  "refuses (\"duplicate names\", KDC_ERR_S_PRINCIPAL_UNKNOWN) or "
			  "encrypts for the wrong account and the server fails with "
			  "KRB_AP_ERR_MODIFIED; either way Outlook falls back to NTLM.");
	ew_finding_remedy(f, "Keep the SPN on the Exchange server's computer account only: "
			  "`setspn -X` lists duplicates, `setspn -D %s ACCOUNT` removes it from "
			  "the wrong one.", spn);
	ew_step_result_add(res, f);
}
