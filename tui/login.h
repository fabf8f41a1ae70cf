/*
 * login.h - logging in as someone other than the owner of the ticket cache
 * the session started with, the same for `check` (--kinit, --simple-bind)
 * and the wizard's target form: the principal a name stands for, the
 * password (locked, wiped), a TGT got with it into a private in-memory
 * cache that the target then uses, and the target's credentials line that
 * says which login the steps use.
 */
#ifndef EW_LOGIN_H
#define EW_LOGIN_H

#include <stdatomic.h>
#include <stddef.h>

#include "secret.h"
#include "target.h"

/* "alice" -> "alice@REALM" (the target's realm) when name holds no '@'. */
void ew_login_principal(const struct ew_target *t, const char *name, char *out, size_t len);

/*
 * A password into pw: the first line of file (--password-file) when given,
 * else asked on the terminal with prompt, echo off. The process is made
 * non-dumpable first. 0, or -1 with a message.
 */
int ew_login_password(struct ew_secret *pw, const char *file, const char *prompt, char *err,
		      size_t errlen);

/*
 * A TGT for principal with pw into a new private in-memory cache, its name
 * into ccname (destroy with ew_krb_destroy). Bounded by timeout_ms per try
 * and tries (0: 2000 ms, 2 tries); setting *cancel (may be NULL) stops it
 * within 100 ms. pw is wiped when the KDC has answered. The target is not
 * touched. 0, or -1 with a message fit to print.
 */
int ew_login_kinit(const char *principal, struct ew_secret *pw, int timeout_ms, int tries,
		   atomic_int *cancel, char *ccname, size_t len, char *err, size_t errlen);

/*
 * The target uses ccname, got for principal; its credentials line says
 * "kinit PRINCIPAL (a private in-memory cache)", followed by "; " and the
 * line it had when keep_line. A user taken from the old cache follows the
 * new one. 0, or -1 with a message.
 */
int ew_login_use_cache(struct ew_target *t, const char *principal, const char *ccname,
		       int keep_line, char *err, size_t errlen);

/*
 * The target's credentials line for an LDAP simple bind as dn: "LDAP
 * simple bind as DN over StartTLS", after the line it had and "; " when
 * keep_line. 0, or -1 when out of memory (nothing changed).
 */
int ew_login_use_simple(struct ew_target *t, const char *dn, int keep_line);

#endif
