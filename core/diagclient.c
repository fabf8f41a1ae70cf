/*
 * The diagnosis's use of what the user's Windows client showed (the client
 * step's data, clientrules.h): the SPN an event names, the client's missing
 * ticket beside the domain's cause for that SPN, the client's DNS servers
 * beside a resolver DNS-SERVERS blames. Pure, as diagnosis.c.
 */
#include "diagclient.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"

/* A result that counts: there, not stale. */
static int usable(const struct ew_step_result *s)
{
	return s && !ew_step_result_is_stale(s);
}

const json_t *ew_diag_client_data(const struct ew_step_result *const *steps, size_t n,
				 const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (usable(steps[i]) && strcmp(steps[i]->id, "client") == 0 && steps[i]->data)
			return json_object_get(steps[i]->data, key);
	return NULL;
}

/* Whether text names spn whole ("... for exchangeRFR/x.y" but not
 * "exchangeRFR/x.y.z"). */
static int names_spn(const char *text, const char *spn)
{
	size_t l = strcspn(spn, "@");
	const char *p;

	for (p = text; l && (p = strcasestr(p, spn)) != NULL; p++) {
		char c = p[l];

		if ((p == text || p[-1] == ' ' || p[-1] == '(') &&
		    (c == '\0' || c == ' ' || c == ',' || c == ':' || c == ';' || c == '@' ||
		     c == ')' || (c == '.' && (p[l + 1] == '\0' || p[l + 1] == ' '))))
			return 1;
	}
	return 0;
}

/* Whether the client's own output proves cause: a client finding that names
 * it, or a link to it made already. */
static int client_proves(const struct ew_step_result *const *steps, size_t n,
			 const struct ew_cause *cause, const struct ew_diag_link *l, size_t nl)
{
	size_t i, j;

	for (i = 0; i < nl; i++)
		if (l[i].cause == cause)
			return 1;
	for (i = 0; i < n; i++)
		for (j = 0; usable(steps[i]) && strcmp(steps[i]->id, "client") == 0 &&
		     j < steps[i]->nfindings; j++)
			if ((steps[i]->findings[j]->severity == EW_WARN ||
			     steps[i]->findings[j]->severity == EW_FAIL) &&
			    steps[i]->findings[j]->cause &&
			    strcmp(steps[i]->findings[j]->cause, cause->id) == 0)
				return 1;
	return 0;
}

/* One link, when there is room. */
static void link_to(struct ew_diag_link *out, size_t max, size_t *nl, const struct ew_cause *c,
		    const char *check, const char *title)
{
	if (*nl >= max)
		return;
	out[*nl].cause = c;
	out[*nl].check = check;
	snprintf(out[*nl].title, sizeof(out[*nl].title), "%s", title);
	(*nl)++;
}

/* Whether this host's tickets step got a ticket for spn. */
static int jump_host_got(const struct ew_step_result *const *steps, size_t n, const char *spn)
{
	const json_t *v;
	size_t k, j;

	for (k = 0; k < n; k++) {
		if (!usable(steps[k]) || strcmp(steps[k]->id, "tickets") || !steps[k]->data)
			continue;
		json_array_foreach(json_object_get(steps[k]->data, "services"), j, v) {
			const char *s = json_string_value(json_object_get(v, "spn"));
			const char *st = json_string_value(json_object_get(v, "status"));
			size_t l = strcspn(spn, "@");

			if (s && st && strcmp(st, "ok") == 0 && strcspn(s, "@") == l &&
			    strncasecmp(s, spn, l) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * An SPN an event names that the client holds no ticket for: evidence of the
 * cause the jump host's KRB-SVC finding for that SPN proves (it could not get
 * a ticket either). Alone it proves nothing: the client may not have asked
 * again since.
 */
static void client_ticket_links(const struct ew_step_result *const *steps, size_t n,
				const unsigned char *found, struct ew_diag_link *out, size_t max,
				size_t *nl)
{
	const json_t *missing = ew_diag_client_data(steps, n, "missing"), *m;
	size_t i, k, j;

	json_array_foreach(missing, i, m) {
		const char *spn = json_string_value(json_object_get(m, "spn"));
		const char *title = json_string_value(json_object_get(m, "title"));

		size_t named = 0;

		for (k = 0; spn && title && k < n; k++) {
			for (j = 0; usable(steps[k]) && j < steps[k]->nfindings; j++) {
				const struct ew_finding *f = steps[k]->findings[j];
				const struct ew_cause *def = ew_cause_find(f->cause);

				if (def == NULL || !found[def - ew_causes] ||
				    strcmp(f->check, EW_CK_KRB_SVC) != 0 ||
				    (f->severity != EW_WARN && f->severity != EW_FAIL) ||
				    !names_spn(f->title, spn))
					continue;
				named++;
				link_to(out, max, nl, def, EW_CK_CLIENT_TICKETS, title);
			}
		}
		/* This host got the ticket: the domain serves the SPN, the client's
		 * failure is on its side, its DNS (a negative answer it cached, a
		 * resolver without the AD zone) when that was found. */
		if (named == 0 && spn && title && jump_host_got(steps, n, spn)) {
			static const char *const dns[] = { EW_CAUSE_DNS_CACHE_STALE,
							   EW_CAUSE_DNS_RESOLVER_SPLIT };

			/* Only a cause the client's own output proves (its cache,
			 * a resolver it asks): this host's DNS is not the PC's. */
			for (k = 0; k < 2; k++) {
				const struct ew_cause *c = ew_cause_find(dns[k]);

				if (c && found[c - ew_causes] &&
				    client_proves(steps, n, c, out, *nl)) {
					link_to(out, max, nl, c, EW_CK_CLIENT_TICKETS, title);
					break;
				}
			}
		}
	}
}

/* Whether text has word (followed by a space, a comma or the end). */
static int names_word(const char *text, const char *word)
{
	size_t l = strlen(word);
	const char *p;

	for (p = text; l && (p = strstr(p, word)) != NULL; p++)
		if ((p == text || p[-1] == ' ') && (p[l] == '\0' || p[l] == ' ' || p[l] == ','))
			return 1;
	return 0;
}

/*
 * A DNS server the Windows client asks (its ipconfig /all) that a
 * DNS-SERVERS finding names as not serving the AD zone: the client is one of
 * that resolver's clients, evidence of dns-resolver-split.
 */
static void client_resolver_links(const struct ew_step_result *const *steps, size_t n,
				  const unsigned char *found, struct ew_diag_link *out,
				  size_t max, size_t *nl)
{
	const struct ew_cause *def = ew_cause_find(EW_CAUSE_DNS_RESOLVER_SPLIT);
	const json_t *v;
	size_t i, k, j;

	if (def == NULL || !found[def - ew_causes])
		return;
	json_array_foreach(ew_diag_client_data(steps, n, "dns_servers"), i, v) {
		const char *addr = json_string_value(v);

		for (k = 0; addr && k < n; k++)
			for (j = 0; usable(steps[k]) && j < steps[k]->nfindings; j++) {
				const struct ew_finding *f = steps[k]->findings[j];
				char title[160];

				if (f->cause == NULL || strcmp(f->cause, def->id) != 0 ||
				    strcmp(f->check, EW_CK_DNS_SERVERS) != 0 ||
				    strncmp(f->title, "Resolver ", 9) != 0 ||
				    !names_word(f->title + 9, addr) ||
				    strncmp(f->title + 9, addr, strlen(addr)) != 0)
					continue;
				snprintf(title, sizeof(title), "The Windows client asks %s too "
					 "(ipconfig /all)", addr);
				link_to(out, max, nl, def, EW_CK_CLIENT_RESOLVERS, title);
			}
	}
}

/* The SPN the client's event of symptom id names, or NULL. */
const char *ew_diag_client_symptom_spn(const struct ew_step_result *const *steps, size_t n,
				      const char *id)
{
	const json_t *v;
	size_t i;

	json_array_foreach(ew_diag_client_data(steps, n, "symptoms"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "id")) ?
			   json_string_value(json_object_get(v, "id")) : "", id) == 0 &&
		    json_string_value(json_object_get(v, "spn")))
			return json_string_value(json_object_get(v, "spn"));
	return NULL;
}

size_t ew_diag_client_links(const struct ew_step_result *const *steps, size_t n,
			    const unsigned char *found, struct ew_diag_link *out, size_t max)
{
	size_t nl = 0;

	/* The resolvers first: the client's missing ticket may go with them. */
	client_resolver_links(steps, n, found, out, max, &nl);
	client_ticket_links(steps, n, found, out, max, &nl);
	return nl;
}
