/*
 * spnmap.h - the forest's sPNMappings (an attribute of CN=Directory
 * Service,CN=Windows NT,CN=Services,CN=Configuration,...): values such as
 * "host=alerter,http,policyagent,...", by which HOST/NAME stands for
 * HTTP/NAME and about fifty other service classes on every account that
 * holds it. The parsing, the mapping of one SPN, and the SPN-UNIQUE verdict
 * for a name no account holds as such. Pure: no directory, no Kerberos.
 */
#ifndef EW_SPNMAP_H
#define EW_SPNMAP_H

#include <stddef.h>

#include "krbrules.h"

struct ew_step_result;

struct ew_spn_map {
	char **alias;		/* "host", as the value spells it */
	char **cls;		/* "http": one pair per mapped class */
	size_t n;
};

/*
 * Add one value "ALIAS=CLASS,CLASS,...": the number of classes added, or
 * -1 for a value that is no mapping (no '=', empty alias); empty classes
 * are left out.
 */
int ew_spn_map_add(struct ew_spn_map *m, const char *value);
void ew_spn_map_clear(struct ew_spn_map *m);
/* The alias a service class is mapped to (case-insensitive), or NULL. */
const char *ew_spn_map_alias(const struct ew_spn_map *m, const char *service_class);
/*
 * The SPN that serves spn through the mapping ("HTTP/MBX01" -> "HOST/MBX01",
 * the alias in capitals, the rest as given); NULL when its class is not
 * mapped, it names itself, or out of memory. Caller frees.
 */
char *ew_spn_map_target(const struct ew_spn_map *m, const char *spn);

/*
 * SPN-UNIQUE for an SPN no account holds as such. alias: the SPN the forest's
 * sPNMappings serve it through (NULL when its class is not mapped or the
 * mappings could not be read), h/n its holders; ticket: the KDC issued a
 * ticket for spn. One holder of the alias: a pass ("served by HOST/NAME on
 * ACCOUNT through sPNMappings"); several: the duplicate verdict for the
 * alias; none and a ticket: an info (the name is registered somewhere the
 * search did not find), never a fail; none and no ticket: not registered.
 */
void ew_spn_rule_unheld(const char *spn, const char *alias, const struct ew_spn_holder *h,
			size_t n, int ticket, struct ew_step_result *res);
/* The evidence line of a name served through the mapping (caller frees). */
char *ew_spn_served_text(const char *spn, const char *alias, const struct ew_spn_holder *h);

#endif
