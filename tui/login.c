#include "login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krb.h"
#include "text.h"

void ew_login_principal(const struct ew_target *t, const char *name, char *out, size_t len)
{
	if (strchr(name, '@') == NULL && t->realm)
		snprintf(out, len, "%s@%s", name, t->realm);
	else
		snprintf(out, len, "%s", name);
}

int ew_login_password(struct ew_secret *pw, const char *file, const char *prompt, char *err,
		      size_t errlen)
{
	ew_secret_protect_process();
	if (file)
		return ew_secret_from_file(pw, file, err, errlen);
	return ew_secret_from_tty(pw, prompt, err, errlen);
}

int ew_login_kinit(const char *principal, struct ew_secret *pw, int timeout_ms, int tries,
		   atomic_int *cancel, char *ccname, size_t len, char *err, size_t errlen)
{
	int rc;

	ccname[0] = '\0';
	rc = ew_krb_kinit(principal, pw->buf ? pw->buf : "", ccname, len,
			  timeout_ms ? timeout_ms : 2000, tries ? tries : 2, cancel, err, errlen);
	ew_secret_wipe(pw);
	if (rc != 0) {
		char *clean = ew_text_cleanz(err);

		snprintf(err, errlen, "%s", clean ? clean : "failed");
		free(clean);
		ccname[0] = '\0';
	}
	return rc;
}

/* line, after the line t had and "; " when keep_line; line is taken. */
static int set_line(struct ew_target *t, char *line, int keep_line, int line_first)
{
	char *old = t->credentials, *v = line;

	if (line == NULL)
		return -1;
	if (keep_line && old) {
		v = line_first ? ew_strprintf("%s; %s", line, old) :
				 ew_strprintf("%s; %s", old, line);
		free(line);
		if (v == NULL)
			return -1;
	}
	t->credentials = v;
	free(old);
	return 0;
}

int ew_login_use_cache(struct ew_target *t, const char *principal, const char *ccname,
		       int keep_line, char *err, size_t errlen)
{
	if (ew_target_set_ccache(t, ccname, err, errlen) != 0)
		return -1;
	/* A user taken from the old cache follows the new one. */
	if (t->user_source && strcmp(t->user_source, "ccache") == 0) {
		free(t->user);
		t->user = NULL;
		t->user_source = NULL;
	}
	if (set_line(t, ew_strprintf("kinit %s (a private in-memory cache)", principal),
		     keep_line, 1) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int ew_login_use_simple(struct ew_target *t, const char *dn, int keep_line)
{
	return set_line(t, ew_strprintf("LDAP simple bind as %s over StartTLS", dn), keep_line, 0);
}
