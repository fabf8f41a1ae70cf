/*
 * The client step's rules (clientrules.h): findings from what the user's
 * Windows client showed.
 */
#include "clientrules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "finding.h"
#include "stepdata.h"
#include "target.h"
#include "text.h"

/* The names whose negative answer in the client's cache stops Kerberos or
 * DC location: SRV records of the domain. */
static const char *const srv_prefixes[] = {
	"_kerberos._udp.", "_kerberos._tcp.", "_kerberos-master.", "_kpasswd.",
	"_ldap._tcp.", "_gc._tcp.",
};

static void add(struct ew_step_result *res, struct ew_finding *f, int *oom)
{
	if (f == NULL || ew_step_result_add(res, f) != 0)
		*oom = 1;
}

/* The principal of a ticket's client: "alice@EXWIZ.TEST". */
static void ticket_client(const struct ew_client_ticket *t, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", t->client ? t->client : "", t->client_realm ? "@" : "",
		 t->client_realm ? t->client_realm : "");
}

/* "exchangeRFR/ex55.exwiz.test@EXWIZ.TEST" and "exchangeRFR/ex55.exwiz.test"
 * name one service; a name without a service class never matches. */
static int same_spn(const char *a, const char *b)
{
	size_t la = strcspn(a, "@"), lb = strcspn(b, "@");

	return la == lb && la > 0 && strncasecmp(a, b, la) == 0 && memchr(a, '/', la) != NULL;
}

/* The host of an SPN ("exchangeRFR/ex55.exwiz.test:1234@R"): ex55.exwiz.test. */
static int spn_host_is(const char *spn, const char *host)
{
	const char *h = strchr(spn, '/');
	size_t n, lh = strlen(host);

	if (h == NULL)
		return 0;
	h++;
	n = strcspn(h, ":/@");
	return n == lh && strncasecmp(h, host, n) == 0;
}

/* Whether a name ends in ".domain" or is it, without a trailing dot. */
static int in_domain(const char *name, const char *domain)
{
	size_t ln = strlen(name), ld = domain ? strlen(domain) : 0;

	while (ln && name[ln - 1] == '.')
		ln--;
	if (ld == 0 || ln < ld)
		return 0;
	if (strncasecmp(name + ln - ld, domain, ld) != 0)
		return 0;
	return ln == ld || name[ln - ld - 1] == '.';
}

static const char *kind_words(enum ew_client_kind k)
{
	return ew_client_kind_command(k) ? ew_client_kind_command(k) : ew_client_kind_name(k);
}

/* ---- CLIENT-READ: what was read of one text ---- */

static void read_finding(const struct ew_client_paste *p, const char *src,
			 struct ew_step_result *res, json_t *kinds, int *oom)
{
	struct ew_buf b = {0};
	unsigned seen[EW_CLIENT_KINDS] = {0};
	size_t i, known = 0;
	struct ew_finding *f;

	for (i = 0; i < p->nblocks; i++)
		seen[p->blocks[i].kind]++;
	for (i = 1; i < EW_CLIENT_KINDS; i++) {
		if (i == EW_CLIENT_FOREIGN || seen[i] == 0)
			continue;
		known++;
		json_array_append_new(kinds, json_string(ew_client_kind_name((enum ew_client_kind)i)));
		ew_buf_printf(&b, "%s%s", b.len ? ", " : "", kind_words((enum ew_client_kind)i));
		switch ((enum ew_client_kind)i) {
		case EW_CLIENT_KLIST:
		case EW_CLIENT_KLIST_TGT:
			ew_buf_printf(&b, " (%zu ticket%s)", p->ntickets, p->ntickets == 1 ? "" : "s");
			seen[EW_CLIENT_KLIST] = seen[EW_CLIENT_KLIST_TGT] = 0;
			break;
		case EW_CLIENT_DISPLAYDNS:
			ew_buf_printf(&b, " (%zu entr%s)", p->ndns, p->ndns == 1 ? "y" : "ies");
			break;
		case EW_CLIENT_WHOAMI:
			ew_buf_printf(&b, " (%zu group%s)", p->ngroups, p->ngroups == 1 ? "" : "s");
			break;
		case EW_CLIENT_EVENT:
			ew_buf_printf(&b, " (%zu event%s)", p->nevents, p->nevents == 1 ? "" : "s");
			break;
		default:
			break;
		}
	}
	if (known == 0) {
		f = ew_finding_new(EW_CK_CLIENT_READ, EW_SKIP, "%s: nothing exwizard reads in it",
				   src);
		if (f) {
			ew_finding_detail(f, "No klist, ipconfig, whoami, event, setspn or nltest "
					  "output was found in its %u line%s.", p->lines,
					  p->lines == 1 ? "" : "s");
			ew_finding_remedy(f, "Ask for the output of the commands in 'exwizard help "
					  "client', pasted whole, as the client printed it.");
		}
		add(res, f, oom);
	} else {
		f = ew_finding_new(EW_CK_CLIENT_READ, EW_INFO, "%s: %s", src, b.data);
		if (f && p->encoding)
			ew_finding_evidence(f, "%u line%s, %s", p->lines, p->lines == 1 ? "" : "s",
					    p->encoding);
		add(res, f, oom);
	}
	ew_buf_reset(&b);
	/* Another display language: said, never misread. */
	for (i = 0; i < p->nblocks; i++) {
		const struct ew_client_block *bl = &p->blocks[i];

		if (bl->kind != EW_CLIENT_FOREIGN)
			continue;
		f = ew_finding_new(EW_CK_CLIENT_READ, EW_WARN, "%s: this looks like %s %s output "
				   "(line %u): not read", src, bl->language ? bl->language :
				   "non-English", kind_words(bl->foreign_kind), bl->first_line);
		if (f)
			ew_finding_remedy(f, "Read it by hand, or ask for it from a session with "
					  "the English display language.");
		add(res, f, oom);
	}
	if (p->unread) {
		f = ew_finding_new(EW_CK_CLIENT_READ, EW_WARN, "%s: %u line%s not read", src,
				   p->unread, p->unread == 1 ? "" : "s");
		for (i = 0; f && i < p->nunread_kept && i < 8; i++)
			ew_finding_evidence(f, "line %u: %s", p->unread_lines[i].line,
					    p->unread_lines[i].text);
		if (f) {
			ew_finding_detail(f, "What these lines say is not in the findings; nothing "
					  "is concluded from them.");
			ew_finding_remedy(f, "Paste each command's whole output as the client "
					  "printed it ('exwizard help client').");
		}
		add(res, f, oom);
	}
	for (i = 0; i < p->nnotes; i++) {
		f = ew_finding_new(EW_CK_CLIENT_READ, EW_INFO, "%s: %s", src, p->notes[i]);
		add(res, f, oom);
	}
}

/* ---- CLIENT-EVENT ---- */

static const char *event_symptom(long id, const char *source)
{
	if (id == 40960)
		return EW_SYM_40960;
	if (id == 40961)
		return EW_SYM_40961;
	if (id == 1000 && source && strcasestr(source, "EXPROX"))
		return EW_SYM_EXPROX_1000;
	return NULL;
}

static void event_findings(const struct ew_client_paste *p, const char *src,
			   const struct ew_client_context *cx, struct ew_step_result *res,
			   json_t *symptoms, int *oom)
{
	size_t i;

	for (i = 0; i < p->nevents; i++) {
		const struct ew_client_event *e = &p->events[i];
		const char *sym = event_symptom(e->id, e->source);
		struct ew_finding *f;

		/* Another account's event is that account's, never the user's
		 * symptom ("N/A": no account named). */
		if (sym && e->user && strcasecmp(e->user, "N/A") != 0 &&
		    !ew_same_account(cx->user, e->user, NULL)) {
			f = ew_finding_new(EW_CK_CLIENT_EVENT, EW_INFO, "%s: event %ld on %s is "
					   "%s's, not %s's: not taken as %s's symptom", src, e->id,
					   e->computer ? e->computer : "the client", e->user,
					   cx->user, cx->user);
			add(res, f, oom);
			continue;
		}
		if (sym == NULL) {
			f = ew_finding_new(EW_CK_CLIENT_EVENT, EW_INFO, "%s: event %ld (%s): not one "
					   "that points at Kerberos for Exchange", src, e->id,
					   e->source ? e->source : "no source");
			add(res, f, oom);
			continue;
		}
		{
			struct ew_buf t = {0};

			ew_buf_printf(&t, "Event %ld on %s", e->id,
				      e->computer ? e->computer : "the client");
			if (e->spn)
				ew_buf_printf(&t, ": Kerberos failed for %s", e->spn);
			if (e->failure_code)
				ew_buf_printf(&t, e->spn ? " (%s)" : ": %s", e->failure_code);
			f = t.data ? ew_finding_new(EW_CK_CLIENT_EVENT, EW_WARN, "%s", t.data) : NULL;
			ew_buf_reset(&t);
		}
		if (f) {
			if (e->date)
				ew_finding_evidence(f, "Date: %s", e->date);
			if (e->user)
				ew_finding_evidence(f, "User: %s", e->user);
			if (e->failure_text)
				ew_finding_evidence(f, "Failure: %s", e->failure_text);
			if (e->description)
				ew_finding_evidence(f, "%s", e->description);
			ew_finding_evidence(f, "%s, line %u", src, e->line);
			ew_finding_detail(f, "What the client saw; the diagnosis takes it as the "
					  "symptom (event %ld) and looks for its cause.", e->id);
		}
		add(res, f, oom);
		json_array_append_new(symptoms, json_pack("{s:s, s:s?, s:s?, s:s?, s:s?}", "id", sym,
							  "spn", e->spn, "computer", e->computer,
							  "time", e->date, "code", e->failure_code));
	}
}

/* ---- CLIENT-TICKETS ---- */

/* The klist of p whose client is the user, by index; -1 when none. Others
 * are named in a finding, never read as the user's. */
static void ticket_findings(const struct ew_client_paste *p, const char *src,
			    const struct ew_client_context *cx, const json_t *symptoms,
			    struct ew_step_result *res, json_t *missing, int *oom)
{
	char who[512], other[512] = "";
	size_t i, k, mine = 0;
	int tgt = 0;
	struct ew_finding *f;

	if (p->ntickets == 0) {
		for (i = 0; i < p->nklists; i++) {
			if (p->klists[i].error == NULL && p->klists[i].stated != 0)
				continue;
			f = ew_finding_new(EW_CK_CLIENT_TICKETS, p->klists[i].error ? EW_WARN : EW_INFO,
					   "%s: %s", src, p->klists[i].error ? p->klists[i].error :
					   "klist shows no ticket (Cached Tickets: (0))");
			if (f)
				ew_finding_remedy(f, "Log on to the client again (or run klist purge "
						  "and start Outlook), then run klist again.");
			add(res, f, oom);
		}
		return;
	}
	for (i = 0; i < p->ntickets; i++) {
		const struct ew_client_ticket *t = &p->tickets[i];

		ticket_client(t, who, sizeof(who));
		if (!ew_same_account(cx->user, who, cx->realm)) {
			if (other[0] == '\0')
				snprintf(other, sizeof(other), "%s", who);
			continue;
		}
		mine++;
		tgt |= t->server && strncasecmp(t->server, "krbtgt/", 7) == 0;
	}
	if (other[0]) {
		f = ew_finding_new(EW_CK_CLIENT_TICKETS, EW_INFO, "%s: tickets of %s, not of %s: "
				   "not read as %s's", src, other, cx->user, cx->user);
		if (f)
			ew_finding_detail(f, "klist shows the tickets of the account logged on where "
					  "it ran; ask the user to run it in their own session.");
		add(res, f, oom);
	}
	if (mine == 0)
		return;
	if (!tgt) {
		f = ew_finding_new(EW_CK_CLIENT_TICKETS, EW_WARN, "%s: %s's client holds no TGT "
				   "(krbtgt/%s)", src, cx->user, cx->realm ? cx->realm : "REALM");
		if (f)
			ew_finding_remedy(f, "On the client: klist purge, lock and unlock the "
					  "session (or log off and on), then klist again.");
		add(res, f, oom);
	}
	/* The SPNs the events name: does the user's klist hold them? */
	for (k = 0; k < json_array_size(symptoms); k++) {
		const char *spn = json_string_value(json_object_get(json_array_get(symptoms, k),
								   "spn"));
		const char *id = json_string_value(json_object_get(json_array_get(symptoms, k), "id"));
		int held = 0;

		if (spn == NULL || strchr(spn, '/') == NULL)
			continue;
		for (i = 0; i < p->ntickets && !held; i++) {
			ticket_client(&p->tickets[i], who, sizeof(who));
			held = p->tickets[i].server && ew_same_account(cx->user, who, cx->realm) &&
			       same_spn(p->tickets[i].server, spn);
		}
		if (held) {
			f = ew_finding_new(EW_CK_CLIENT_TICKETS, EW_PASS, "%s: %s's client holds a "
					   "ticket for %s, the SPN event %s names", src, cx->user,
					   spn, id);
			if (f)
				ew_finding_detail(f, "The ticket came after the event: Kerberos works "
						  "for it now.");
			add(res, f, oom);
			continue;
		}
		f = ew_finding_new(EW_CK_CLIENT_TICKETS, EW_WARN, "%s: %s's client holds no ticket "
				   "for %s, the SPN event %s names", src, cx->user, spn, id);
		if (f) {
			ew_finding_detail(f, "Outlook asked for it and got none: the diagnosis puts "
					  "this beside what the domain answers for that SPN. When "
					  "the domain serves it (this host gets the ticket), look "
					  "at the client's side: the name it asked for, its DNS "
					  "servers, a negative answer in its DNS cache.");
			ew_finding_remedy(f, "On the client: ipconfig /flushdns, start Outlook "
					  "again, then klist: the ticket for %s should be there.", spn);
		}
		add(res, f, oom);
		if (f)
			json_array_append_new(missing, json_pack("{s:s, s:s}", "spn", spn,
								 "title", f->title));
	}
	/* Each Exchange server: the session tickets the client holds for it. */
	for (k = 0; k < cx->nexchange; k++) {
		struct ew_buf b = {0};
		size_t held = 0;

		for (i = 0; i < p->ntickets; i++) {
			const struct ew_client_ticket *t = &p->tickets[i];

			ticket_client(t, who, sizeof(who));
			if (t->server == NULL || !ew_same_account(cx->user, who, cx->realm) ||
			    !spn_host_is(t->server, cx->exchange[k]))
				continue;
			ew_buf_printf(&b, "%s%.*s", held++ ? ", " : "", (int)strcspn(t->server, "@"),
				      t->server);
		}
		if (held)
			f = ew_finding_new(EW_CK_CLIENT_TICKETS, EW_PASS, "%s: %s's client holds %s",
					   src, cx->user, b.data);
		else {
			f = ew_finding_new(EW_CK_CLIENT_TICKETS, EW_INFO, "%s: %s's client holds no "
					   "session ticket for %s", src, cx->user, cx->exchange[k]);
			if (f)
				ew_finding_detail(f, "Either Outlook has not connected to it since "
						  "the tickets were purged, or Kerberos failed for it; "
						  "an event 40960 would say which SPN failed.");
		}
		ew_buf_reset(&b);
		add(res, f, oom);
	}
}

/* ---- CLIENT-DNS ---- */

static int relevant_name(const char *name, const struct ew_client_context *cx)
{
	size_t i;

	for (i = 0; i < sizeof(srv_prefixes) / sizeof(srv_prefixes[0]); i++)
		if (strncasecmp(name, srv_prefixes[i], strlen(srv_prefixes[i])) == 0 &&
		    (cx->domain == NULL || in_domain(name, cx->domain)))
			return 1;
	for (i = 0; i < cx->nexchange; i++)
		if (strcasecmp(name, cx->exchange[i]) == 0)
			return 1;
	return cx->domain && strncasecmp(name, "autodiscover.", 13) == 0 &&
	       in_domain(name, cx->domain);
}

static void dns_findings(const struct ew_client_paste *p, const char *src,
			 const struct ew_client_context *cx, struct ew_step_result *res, int *oom)
{
	size_t i, bad = 0, other = 0;
	struct ew_finding *f;

	if (p->ndns == 0)
		return;
	for (i = 0; i < p->ndns; i++) {
		const struct ew_client_dnsrec *r = &p->dns[i];
		const char *name = r->entry ? r->entry : r->name;

		if (r->status == EW_CLIENT_DNS_RECORD || name == NULL)
			continue;
		/* No AAAA record for an IPv4 server is no fault: a name that
		 * exists counts only when the type Kerberos asks for is missing. */
		if (!relevant_name(name, cx) ||
		    (r->status == EW_CLIENT_DNS_NODATA &&
		     !(r->type_name && (strcasecmp(r->type_name, "SRV") == 0 ||
					(name[0] != '_' && strcasecmp(r->type_name, "A") == 0))))) {
			other++;
			continue;
		}
		bad++;
		f = ew_finding_new(EW_CK_CLIENT_DNS, EW_WARN, "%s: the client's DNS cache holds a "
				   "negative answer for %s (%s)", src, name,
				   r->status == EW_CLIENT_DNS_NXDOMAIN ? "Name does not exist" :
				   "no record of that type");
		if (f) {
			ew_finding_evidence(f, "%s, line %u", src, r->line);
			ew_finding_detail(f, "Until it expires the client does not ask again: "
					  "Kerberos and DC location fail for that name even once "
					  "the record is there.");
			ew_finding_remedy(f, "On the client: ipconfig /flushdns, then start Outlook "
					  "again and look at ipconfig /displaydns once more.");
			ew_finding_set_cause(f, EW_CAUSE_DNS_CACHE_STALE);
		}
		add(res, f, oom);
	}
	if (bad == 0) {
		f = ew_finding_new(EW_CK_CLIENT_DNS, EW_PASS, "%s: no negative answer for the "
				   "domain's Kerberos and LDAP records or the Exchange servers in "
				   "the client's DNS cache (%zu entr%s)", src, p->ndns,
				   p->ndns == 1 ? "y" : "ies");
		add(res, f, oom);
	}
	if (other) {
		f = ew_finding_new(EW_CK_CLIENT_DNS, EW_INFO, "%s: %zu other negative answer%s in "
				   "the client's DNS cache, none for a name Kerberos or Exchange "
				   "needs here", src, other, other == 1 ? "" : "s");
		add(res, f, oom);
	}
}

/* ---- CLIENT-RESOLVERS, CLIENT-TOKEN ---- */

/* Whether adapter i's DNS server k was named before in this ipconfig. */
static int named_before(const struct ew_client_paste *p, size_t i, size_t k)
{
	const char *s = p->ipconfig.adapters[i]->dns_servers[k];
	size_t m, j;

	for (m = 0; m <= i; m++)
		for (j = 0; j < (m < i ? p->ipconfig.adapters[m]->ndns : k); j++)
			if (strcmp(p->ipconfig.adapters[m]->dns_servers[j], s) == 0)
				return 1;
	return 0;
}

static void resolver_findings(const struct ew_client_paste *p, const char *src,
			      struct ew_step_result *res, json_t *servers, int *oom)
{
	struct ew_buf b = {0};
	size_t i, k, j;
	struct ew_finding *f;

	if (!p->ipconfig.seen)
		return;
	for (i = 0; i < p->ipconfig.nadapters; i++) {
		const struct ew_client_adapter *a = p->ipconfig.adapters[i];

		for (k = 0; k < a->ndns; k++) {
			/* Each text says its own servers; the step's list has each once. */
			if (!named_before(p, i, k))
				ew_buf_printf(&b, "%s%s", b.len ? ", " : "", a->dns_servers[k]);
			for (j = 0; j < json_array_size(servers); j++)
				if (strcmp(json_string_value(json_array_get(servers, j)),
					   a->dns_servers[k]) == 0)
					break;
			if (j == json_array_size(servers))
				json_array_append_new(servers, json_string(a->dns_servers[k]));
		}
	}
	f = ew_finding_new(EW_CK_CLIENT_RESOLVERS, EW_INFO, "%s: the client asks %s", src,
			   b.len ? b.data : "no DNS server (none listed)");
	if (f) {
		if (p->ipconfig.primary_suffix)
			ew_finding_evidence(f, "Primary DNS suffix: %s", p->ipconfig.primary_suffix);
		for (i = 0; i < p->ipconfig.nsearch; i++)
			ew_finding_evidence(f, "DNS suffix search list: %s", p->ipconfig.search[i]);
		ew_finding_detail(f, "Every one of them must serve the AD zone: a resolver "
				  "without it (an ISP's) answers NXDOMAIN for the SRV records "
				  "(the DNS step asks them too: DNS-SERVERS).");
	}
	ew_buf_reset(&b);
	add(res, f, oom);
}

static void token_findings(const struct ew_client_paste *p, const char *src,
			   const struct ew_client_context *cx, struct ew_step_result *res,
			   int *oom)
{
	size_t i, groups = 0, deny = 0;
	struct ew_finding *f;

	if (!p->whoami_seen)
		return;
	if (p->user_name && !ew_same_account(cx->user, p->user_name, NULL)) {
		f = ew_finding_new(EW_CK_CLIENT_TOKEN, EW_INFO, "%s: the token of %s, not of %s: "
				   "not read as %s's", src, p->user_name, cx->user, cx->user);
		add(res, f, oom);
		return;
	}
	for (i = 0; i < p->ngroups; i++) {
		groups += p->groups[i].type && strcasecmp(p->groups[i].type, "Label") != 0;
		deny += p->groups[i].deny_only;
	}
	f = ew_finding_new(EW_CK_CLIENT_TOKEN, EW_INFO, "%s: %s's token on the client has %zu "
			   "group%s", src, p->user_name ? p->user_name : "the user", groups,
			   groups == 1 ? "" : "s");
	if (f) {
		if (deny)
			ew_finding_evidence(f, "%zu for deny only", deny);
		ew_finding_detail(f, "The groups of the logon session: a group added since the "
				  "user logged on is not among them until the next logon.");
	}
	add(res, f, oom);
}

int ew_client_rules(const struct ew_client_paste *const *p, const char *const *source,
		    size_t n, const struct ew_client_context *cx, struct ew_step_result *res)
{
	json_t *texts = json_array(), *symptoms = json_array(), *missing = json_array();
	json_t *servers = json_array();
	size_t i;
	int oom = texts == NULL || symptoms == NULL || missing == NULL || servers == NULL;

	/* The events first: the tickets are read against the SPNs of all of them. */
	for (i = 0; !oom && i < n; i++) {
		char *src = ew_text_cleanz(source[i]);

		if (src == NULL || p[i] == NULL) {
			free(src);
			oom = 1;
			break;
		}
		event_findings(p[i], src, cx, res, symptoms, &oom);
		free(src);
	}
	for (i = 0; !oom && i < n; i++) {
		char *src = ew_text_cleanz(source[i]);
		json_t *kinds = json_array();

		if (src == NULL || kinds == NULL) {
			free(src);
			json_decref(kinds);
			oom = 1;
			break;
		}
		read_finding(p[i], src, res, kinds, &oom);
		ticket_findings(p[i], src, cx, symptoms, res, missing, &oom);
		dns_findings(p[i], src, cx, res, &oom);
		resolver_findings(p[i], src, res, servers, &oom);
		token_findings(p[i], src, cx, res, &oom);
		json_array_append_new(texts, json_pack("{s:s, s:I, s:s?, s:o, s:I, s:o*}", "source",
						       src, "bytes", (json_int_t)p[i]->bytes,
						       "encoding", p[i]->encoding, "kinds", kinds,
						       "unread", (json_int_t)p[i]->unread, "read",
						       ew_client_to_json(p[i])));
		oom |= p[i]->oom;
		free(src);
	}
	if (res->data == NULL)
		res->data = json_object();
	if (res->data == NULL)
		oom = 1;
	else {
		json_object_set(res->data, "texts", texts);
		json_object_set(res->data, "symptoms", symptoms);
		json_object_set(res->data, "missing", missing);
		json_object_set(res->data, "dns_servers", servers);
	}
	json_decref(texts);
	json_decref(symptoms);
	json_decref(missing);
	json_decref(servers);
	return oom ? -1 : 0;
}

/* ---- TOK-CLIENT (the groups step) ---- */

/* Whether sid is of the domain prefix ("S-1-5-21-a-b-c" + "-RID"). */
static int of_domain(const char *sid, const char *prefix, size_t lp)
{
	return sid && strncasecmp(sid, prefix, lp) == 0 && sid[lp] == '-' && sid[lp + 1] != '\0' &&
	       strchr(sid + lp + 1, '-') == NULL;
}

static void token_compare(const struct ew_client_paste *p, const char *src, const char *user,
			  const char *user_sid, const struct ew_group_data *groups,
			  size_t ngroups, struct ew_step_result *res, int *oom)
{
	size_t lp = strrchr(user_sid, '-') ? (size_t)(strrchr(user_sid, '-') - user_sid) : 0;
	size_t i, k, mine = 0, ndir = 0, nmissing = 0, nextra = 0;
	int sure = p->user_sid && strcasecmp(p->user_sid, user_sid) == 0;
	struct ew_finding *f;

	for (i = 0; i < p->ngroups; i++)
		mine += of_domain(p->groups[i].sid, user_sid, lp);
	for (k = 0; k < ngroups; k++)
		ndir += groups[k].security && of_domain(groups[k].sid, user_sid, lp);
	if (mine == 0) {
		f = ew_finding_new(EW_CK_TOK_CLIENT, EW_INFO, "%s: no group of %s's domain in the "
				   "client's token: not compared", src, user);
		if (f)
			ew_finding_detail(f, "The token is of a local account or of another domain "
					  "than the user's (%.*s).", (int)lp, user_sid);
		add(res, f, oom);
		return;
	}
	f = ew_finding_new(EW_CK_TOK_CLIENT, EW_PASS, "%s: %s's token on the client has the %zu "
			   "group%s of the domain the directory gives now", src, user, ndir,
			   ndir == 1 ? "" : "s");
	if (f == NULL) {
		*oom = 1;
		return;
	}
	for (k = 0; k < ngroups; k++) {
		if (!groups[k].security || !of_domain(groups[k].sid, user_sid, lp))
			continue;
		for (i = 0; i < p->ngroups; i++)
			if (p->groups[i].sid && strcasecmp(p->groups[i].sid, groups[k].sid) == 0)
				break;
		if (i == p->ngroups && nmissing++ < 16)
			ew_finding_evidence(f, "not in the client's token (added since the logon): "
					    "%s %s", groups[k].name ? groups[k].name : "", groups[k].sid);
	}
	for (i = 0; i < p->ngroups; i++) {
		if (!of_domain(p->groups[i].sid, user_sid, lp))
			continue;
		for (k = 0; k < ngroups; k++)
			if (groups[k].sid && strcasecmp(p->groups[i].sid, groups[k].sid) == 0)
				break;
		if (k == ngroups && nextra++ < 16)
			ew_finding_evidence(f, "in the client's token, no longer the user's in the "
					    "directory: %s %s", p->groups[i].name ? p->groups[i].name :
					    "", p->groups[i].sid);
	}
	if (nmissing + nextra) {
		char *t = ew_strprintf("%s: %s's token on the client differs from the directory: "
				       "%zu group%s missing, %zu too many%s", src, user, nmissing,
				       nmissing == 1 ? "" : "s", nextra,
				       sure ? "" : " (if the token is the user's)");

		if (t) {
			free(f->title);
			f->title = t;
		}
		f->severity = sure ? EW_WARN : EW_INFO;
		ew_finding_detail(f, "The token was made at logon; a group added or removed since "
				  "is not in it until the next logon. %s", sure ? "" :
				  "whoami /groups does not say whose token it is: whoami /all "
				  "does (USER INFORMATION).");
		ew_finding_remedy(f, "On the client: log off and on again (locking and unlocking "
				  "renews the Kerberos tickets, not the token), then klist purge "
				  "and start Outlook.");
		if (sure)
			ew_finding_set_cause(f, EW_CAUSE_STALE_LOGON);
	}
	add(res, f, oom);
}

void ew_client_rule_token(const struct ew_target *t, const char *user_sid,
			  const struct ew_group_data *groups, size_t ngroups,
			  struct ew_step_result *res)
{
	size_t i;
	int oom = 0;

	if (user_sid == NULL || strrchr(user_sid, '-') == NULL)
		return;
	for (i = 0; i < t->nclient; i++) {
		struct ew_client_paste *p = ew_client_parse(t->client[i].data, t->client[i].len);
		char *src = ew_text_cleanz(t->client[i].source);

		/* Another account's token is never compared with the user's. */
		if (p && src && p->whoami_seen && p->ngroups &&
		    !(p->user_sid && strcasecmp(p->user_sid, user_sid) != 0) &&
		    !(p->user_name && !ew_same_account(t->user, p->user_name, NULL)))
			token_compare(p, src, t->user, user_sid, groups, ngroups, res, &oom);
		ew_client_free(&p);
		free(src);
	}
}
