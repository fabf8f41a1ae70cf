/*
 * targetstep.h - the "target" step, which settles what is diagnosed before
 * any other step runs: the realm (given, or default_realm of krb5.conf; one
 * no KDC serves anywhere is a configuration error that names the realms this
 * machine knows), the AD DNS domain, the user (given, or the cache's
 * principal; a cache holding another account's tickets is a warning), a
 * --dc address turned into its host name, and the Exchange servers.
 * Checks TARGET-REALM, TARGET-DOMAIN, TARGET-USER, TARGET-DC, TARGET-EXCHANGE.
 */
#ifndef EW_TARGETSTEP_H
#define EW_TARGETSTEP_H

struct ew_run;
struct ew_step_result;

int ew_target_step(struct ew_run *run, struct ew_step_result *res);

#endif
