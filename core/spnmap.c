#include "spnmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "finding.h"
#include "result.h"
#include "text.h"

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n ? ew_strprintf("%.*s", (int)n, s) : NULL;
}

static int push(struct ew_spn_map *m, const char *alias, char *cls)
{
	char **a = realloc(m->alias, (m->n + 1) * sizeof(*a)), **c;

	if (a == NULL)
		return -1;
	m->alias = a;
	c = realloc(m->cls, (m->n + 1) * sizeof(*c));
	if (c == NULL)
		return -1;
	m->cls = c;
	m->alias[m->n] = strdup(alias);
	if (m->alias[m->n] == NULL)
		return -1;
	m->cls[m->n++] = cls;
	return 0;
}

int ew_spn_map_add(struct ew_spn_map *m, const char *value)
{
	const char *eq, *p, *end;
	char *alias;
	int added = 0;

	if (value == NULL || (eq = strchr(value, '=')) == NULL)
		return -1;
	alias = trimmed(value, (size_t)(eq - value));
	if (alias == NULL || strchr(alias, '/') || strchr(alias, ',')) {
		free(alias);
		return -1;
	}
	for (p = eq + 1; *p; p = *end ? end + 1 : end) {
		char *cls;

		end = p + strcspn(p, ",");
		cls = trimmed(p, (size_t)(end - p));
		if (cls == NULL)
			continue;
		if (push(m, alias, cls) != 0) {
			free(cls);
			break;
		}
		added++;
	}
	free(alias);
	return added;
}

void ew_spn_map_clear(struct ew_spn_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->alias[i]);
		free(m->cls[i]);
	}
	free(m->alias);
	free(m->cls);
	memset(m, 0, sizeof(*m));
}

const char *ew_spn_map_alias(const struct ew_spn_map *m, const char *service_class)
{
	size_t i;

	for (i = 0; m && service_class && i < m->n; i++)
		if (strcasecmp(m->cls[i], service_class) == 0)
			return m->alias[i];
	return NULL;
}

char *ew_spn_map_target(const struct ew_spn_map *m, const char *spn)
{
	const char *slash = spn ? strchr(spn, '/') : NULL;
	const char *alias;
	char cls[64], *out, *p;

	if (slash == NULL || slash == spn || (size_t)(slash - spn) >= sizeof(cls) || !slash[1])
		return NULL;
	memcpy(cls, spn, (size_t)(slash - spn));
	cls[slash - spn] = '\0';
	alias = ew_spn_map_alias(m, cls);
	if (alias == NULL || strcasecmp(alias, cls) == 0)
		return NULL;
	out = ew_strprintf("%s/%s", alias, slash + 1);
	for (p = out; p && *p != '/'; p++)
		*p = (char)toupper((unsigned char)*p);
	return out;
}

char *ew_spn_served_text(const char *spn, const char *alias, const struct ew_spn_holder *h)
{
	return ew_strprintf("%s: served by %s on %s through sPNMappings", spn, alias,
			    h->account ? h->account : h->dn);
}

void ew_spn_rule_unheld(const char *spn, const char *alias, const struct ew_spn_holder *h,
			size_t n, int ticket, struct ew_step_result *res)
{
	struct ew_finding *f;
	char *line;

	if (alias && n == 1) {
		f = ew_finding_new(EW_CK_SPN_UNIQUE, EW_PASS, "%s is served by %s through "
				   "sPNMappings", spn, alias);
		line = ew_spn_served_text(spn, alias, &h[0]);
		if (f && line)
			ew_finding_evidence(f, "%s", line);
		free(line);
		ew_step_result_add(res, f);
		return;
	}
	if (alias && n > 1) {
		/* The name stands or falls with its alias: that is the duplicate. */
		ew_krb_rule_spn_unique(alias, h, n, res);
		return;
	}
	if (!ticket) {
		ew_krb_rule_spn_unique(spn, NULL, 0, res);
		return;
	}
	f = ew_finding_new(EW_CK_SPN_UNIQUE, EW_INFO, "%s: the KDC issued a ticket, but the "
			   "account that holds the name was not found", spn);
	if (f == NULL)
		return;
	ew_finding_detail(f, "The name is registered (the KDC found it), so this is no fault: "
			  "the global catalog search found no account with it%s.",
			  alias ? ", nor with the name the forest's sPNMappings serve it through" :
			  "");
	ew_finding_evidence(f, "servicePrincipalName=%s: no entry", spn);
	if (alias)
		ew_finding_evidence(f, "servicePrincipalName=%s: no entry", alias);
	ew_finding_remedy(f, "`setspn -Q %s` on a domain controller names the account.", spn);
	ew_step_result_add(res, f);
}
