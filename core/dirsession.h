/*
 * dirsession.h - the directory connection a step needs: the DC from --dc or
 * the DC-locator SRV record, the global catalog from _gc._tcp; a GSSAPI bind
 * with a private copy of the user's TGT (so the ldap/ service ticket never
 * lands in the user's cache), or, with --simple-bind, a simple bind over
 * StartTLS with the certificate verified. A connection that cannot be made
 * becomes a skip finding that says why.
 */
#ifndef EW_DIRSESSION_H
#define EW_DIRSESSION_H

#include <jansson.h>
#include <ldap.h>
#include <stddef.h>

#include "stepdata.h"

struct ew_run;
struct ew_dir;
struct ew_finding;

struct ew_dirsession {
	struct ew_dir *dir;
	char *host;		/* the DC or GC asked */
	char *ccache;		/* the private TGT copy (GSSAPI), destroyed at close */
	char *method;		/* "GSSAPI", "simple bind over StartTLS" */
};

/*
 * Open a connection for the step (gc: the global catalog). 0, or -1 and a
 * skip finding with check id check_id in *why.
 */
int ew_dirsession_open(struct ew_run *run, int gc, const char *check_id, struct ew_dirsession *c,
		    struct ew_finding **why);
void ew_dirsession_close(struct ew_dirsession *c);

/*
 * Whose credentials a step used and which DC it asked, as step data
 * (out filled, strings owned); c NULL or not open: as whom it would
 * have read, and no server.
 */
void ew_dirsession_credentials(const struct ew_run *run, const struct ew_dirsession *c,
			    struct ew_cred_data *out);

/*
 * The user entry for a sAMAccountName, UPN or DOMAIN\name, with attrs (and
 * extra controls): a result with 0 or 1 entries, or NULL with a message.
 */
/* Its filter (caller frees), for pipelining it with other searches. */
char *ew_dirsession_account_filter(const char *who);
struct ew_dir_result *ew_dirsession_find_account(struct ew_dir *d, const char *base,
					      const char *who, const char *const *attrs,
					      LDAPControl **ctrls, char *err, size_t errlen);

/* The DC host names from _ldap._tcp.dc._msdcs.DOMAIN (or _gc._tcp when gc). */
size_t ew_dirsession_locate(struct ew_run *run, int gc, char hosts[][256], size_t max,
			 char *err, size_t errlen);

#endif
