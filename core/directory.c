/*
 * Large on purpose: every use of libldap and lber (the bounded connect,
 * StartTLS, the GSSAPI and simple binds, pipelined searches, paging, ranged
 * retrieval, controls, libldap's one-time set-up) stays behind directory.h,
 * whose values are NUL-safe and owned as it says.
 */
#include "directory.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <lber.h>
#include <openldap.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sasl/sasl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

#define SLICE_MS 100		/* how often a wait looks at the cancel flag */
#define MAX_RANGE_ROUNDS 100000	/* ranged retrieval gives up after this many requests */

struct ew_dir {
	LDAP *ld;
	int timeout_ms;
	atomic_int *cancel;
	long round_trips;
	struct ew_dir_result *rootdse;
	char method[32];
	struct ldap_conncb conncb;	/* libldap keeps a pointer to it */
	long long connect_deadline;
	int connect_errno;		/* why the TCP connection failed */
	int connect_tries;		/* addresses connect() was started on */
	char ca[300];			/* the CA file trusted, for messages */
};

/* ---- errors ---- */

/*
 * Copy s into err, cut at a UTF-8 character boundary so that a truncated
 * message stays valid UTF-8.
 */
static void copy_err(char *err, size_t errlen, const char *s)
{
	size_t n;

	if (err == NULL || errlen == 0)
		return;
	n = strlen(s);
	if (n >= errlen) {
		n = errlen - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(err, s, n);
	err[n] = '\0';
}

/* A message into err, cleaned as a whole: it may hold DNs, server
 * diagnostics and other text from the network. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	char *raw, *clean;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	raw = ew_vstrprintf(fmt, ap);
	va_end(ap);
	clean = raw ? ew_text_cleanz(raw) : NULL;
	copy_err(err, errlen, clean ? clean : "out of memory");
	free(clean);
	free(raw);
}

/* A malloc'ed cleaned copy of a message (for errs[i]). */
static char *dup_err(const char *s)
{
	return ew_text_cleanz(s);
}

/*
 * What the AD "data" code in a bind diagnostic means
 * ("80090308: LdapErr: ..., comment: AcceptSecurityContext error, data 52e, v1db1").
 */
static const char *ad_bind_hint(const char *diag)
{
	static const struct {
		const char *code;
		const char *what;
	} codes[] = {
		{ "525", "no such user" },
		{ "52e", "wrong password or user name" },
		{ "530", "logon not permitted at this time" },
		{ "531", "logon not permitted from this workstation" },
		{ "532", "password expired" },
		{ "533", "account disabled" },
		{ "568", "too many security IDs in the token" },
		{ "701", "account expired" },
		{ "773", "the password must be changed" },
		{ "775", "account locked out" },
	};
	const char *p;
	size_t i;

	if (diag == NULL || (p = strstr(diag, "data ")) == NULL)
		return NULL;
	p += 5;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strncasecmp(p, codes[i].code, 3) == 0 &&
		    (p[3] == ',' || p[3] == '\0' || p[3] == ' '))
			return codes[i].what;
	return NULL;
}

/*
 * "WHAT: <ldap_err2string(rc)> (<diagnostic>)"; the diagnostic is diag when
 * given, else the handle's LDAP_OPT_DIAGNOSTIC_MESSAGE.
 */
static void ld_err(LDAP *ld, int rc, const char *diag, char *err, size_t errlen,
		   const char *what)
{
	char *own = NULL;
	const char *hint;

	if (diag == NULL && ld != NULL &&
	    ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &own) == LDAP_OPT_SUCCESS)
		diag = own;
	if (diag != NULL && diag[0] == '\0')
		diag = NULL;
	hint = rc == LDAP_INVALID_CREDENTIALS ? ad_bind_hint(diag) : NULL;
	set_err(err, errlen, "%s: %s%s%s%s%s%s", what, ldap_err2string(rc),
		diag ? " (" : "", diag ? diag : "", diag ? ")" : "",
		hint ? ": " : "", hint ? hint : "");
	ldap_memfree(own);
}

/* The result code the handle holds (after ldap_result returned -1). */
static int ld_errno(LDAP *ld)
{
	int rc = LDAP_OTHER;

	if (ld == NULL || ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &rc) != LDAP_OPT_SUCCESS ||
	    rc == LDAP_SUCCESS)
		rc = LDAP_OTHER;
	return rc;
}

/* Forget the last server message, so that a later failure of a call that
 * sends nothing is not reported with a stale one. */
static void clear_diag(LDAP *ld)
{
	ldap_set_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, NULL);
}

/* ---- time and waiting ---- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int is_cancelled(const atomic_int *cancel)
{
	return cancel != NULL && atomic_load(cancel) != 0;
}

enum wait_status { WAIT_OK, WAIT_TIMEOUT, WAIT_ERROR, WAIT_CANCEL };

/*
 * The next message for msgid (LDAP_RES_ANY: any) by the deadline, in slices
 * so that the cancel flag is seen. On WAIT_ERROR the handle holds the cause.
 */
static enum wait_status wait_msg(struct ew_dir *d, int msgid, long long deadline,
				 LDAPMessage **msg)
{
	*msg = NULL;
	for (;;) {
		struct timeval tv;
		long long left;
		int rc;

		if (is_cancelled(d->cancel))
			return WAIT_CANCEL;
		left = deadline - now_ms();
		if (left <= 0)
			return WAIT_TIMEOUT;
		if (left > SLICE_MS)
			left = SLICE_MS;
		tv.tv_sec = (time_t)(left / 1000);
		tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
		rc = ldap_result(d->ld, msgid, LDAP_MSG_ONE, &tv, msg);
		if (rc > 0)
			return WAIT_OK;
		if (rc < 0) {
			*msg = NULL;
			return WAIT_ERROR;
		}
		*msg = NULL;
	}
}

/* A failed wait as a message; the request is abandoned unless the
 * connection itself failed. */
static void wait_failed(struct ew_dir *d, enum wait_status w, int msgid, char *err,
			size_t errlen, const char *what)
{
	switch (w) {
	case WAIT_CANCEL:
		ldap_abandon_ext(d->ld, msgid, NULL, NULL);
		set_err(err, errlen, "%s: cancelled", what);
		break;
	case WAIT_TIMEOUT:
		ldap_abandon_ext(d->ld, msgid, NULL, NULL);
		set_err(err, errlen, "%s: timed out after %d ms", what, d->timeout_ms);
		break;
	default:
		ld_err(d->ld, ld_errno(d->ld), NULL, err, errlen, what);
		break;
	}
}

/* ---- results ---- */

const char *ew_dir_text(const struct ew_dir_value *v)
{
	return v->text ? v->text : v->val;
}

static void value_free(struct ew_dir_value *v)
{
	free(v->val);
	free(v->text);
	v->val = v->text = NULL;
}

void ew_dir_attr_clear(struct ew_dir_attr *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nvalues; i++)
		value_free(&a->values[i]);
	free(a->values);
	free(a->name);
	a->name = NULL;
	a->values = NULL;
	a->nvalues = 0;
}

static void entry_clear(struct ew_dir_entry *e)
{
	size_t i;

	for (i = 0; i < e->nattrs; i++)
		ew_dir_attr_clear(&e->attrs[i]);
	free(e->attrs);
	free(e->dn);
	e->attrs = NULL;
	e->nattrs = 0;
	e->dn = NULL;
}

void ew_dir_result_free(struct ew_dir_result **rp)
{
	size_t i;

	if (rp == NULL || *rp == NULL)
		return;
	for (i = 0; i < (*rp)->nentries; i++)
		entry_clear(&(*rp)->entries[i]);
	free((*rp)->entries);
	free(*rp);
	*rp = NULL;
}

/* 1 if name is base followed by a range option (and nothing else). */
static int is_ranged_form(const char *name, const char *base)
{
	size_t n = strlen(base);

	return strncasecmp(name, base, n) == 0 && name[n] == ';' &&
	       strncasecmp(name + n + 1, "range=", 6) == 0 &&
	       strchr(name + n + 1, ';') == NULL;
}

const struct ew_dir_attr *ew_dir_entry_attr(const struct ew_dir_entry *e, const char *name)
{
	size_t i;

	if (e == NULL || name == NULL || name[0] == '\0')
		return NULL;
	for (i = 0; i < e->nattrs; i++)
		if (e->attrs[i].name && strcasecmp(e->attrs[i].name, name) == 0)
			return &e->attrs[i];
	for (i = 0; i < e->nattrs; i++)
		if (e->attrs[i].name && is_ranged_form(e->attrs[i].name, name))
			return &e->attrs[i];
	return NULL;
}

static char *memdup0(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* One attribute of an entry message into a; -1 when out of memory. */
static int take_attr(LDAP *ld, LDAPMessage *m, const char *name, struct ew_dir_attr *a)
{
	struct berval **vals = ldap_get_values_len(ld, m, name);
	size_t i, n = vals ? (size_t)ldap_count_values_len(vals) : 0;
	int rc = -1;

	a->name = strdup(name);
	if (a->name == NULL)
		goto cleanup;
	if (n) {
		a->values = calloc(n, sizeof(*a->values));
		if (a->values == NULL)
			goto cleanup;
	}
	for (i = 0; i < n; i++) {
		a->values[i].val = memdup0(vals[i]->bv_val, vals[i]->bv_len);
		if (a->values[i].val == NULL)
			goto cleanup;
		a->values[i].len = vals[i]->bv_len;
		a->nvalues++;
		if (memchr(vals[i]->bv_val, '\0', vals[i]->bv_len) != NULL &&
		    (a->values[i].text = ew_text_clean(vals[i]->bv_val, vals[i]->bv_len)) == NULL)
			goto cleanup;
	}
	rc = 0;
cleanup:
	ldap_value_free_len(vals);
	return rc;
}

/* An entry message appended to r; -1 when out of memory. */
static int add_entry(LDAP *ld, LDAPMessage *m, struct ew_dir_result *r)
{
	struct ew_dir_entry *e, *grown;
	BerElement *ber = NULL;
	char *dn = NULL, *a;
	size_t cap = 0;
	int rc = -1;

	grown = realloc(r->entries, (r->nentries + 1) * sizeof(*r->entries));
	if (grown == NULL)
		return -1;
	r->entries = grown;
	e = &r->entries[r->nentries++];
	memset(e, 0, sizeof(*e));

	dn = ldap_get_dn(ld, m);
	e->dn = strdup(dn ? dn : "");
	if (e->dn == NULL)
		goto cleanup;
	for (a = ldap_first_attribute(ld, m, &ber); a != NULL;
	     a = ldap_next_attribute(ld, m, ber)) {
		int failed = 0;

		if (e->nattrs == cap) {
			struct ew_dir_attr *more;

			cap = cap ? cap * 2 : 8;
			more = realloc(e->attrs, cap * sizeof(*e->attrs));
			if (more == NULL)
				failed = 1;
			else
				e->attrs = more;
		}
		if (!failed) {
			memset(&e->attrs[e->nattrs], 0, sizeof(*e->attrs));
			e->nattrs++;
			failed = take_attr(ld, m, a, &e->attrs[e->nattrs - 1]) != 0;
		}
		ldap_memfree(a);
		if (failed)
			goto cleanup;
	}
	rc = 0;
cleanup:
	if (ber != NULL)
		ber_free(ber, 0);
	ldap_memfree(dn);
	return rc;
}

/*
 * A search's final message: 0 (noSuchObject counts as done), the paging
 * cookie into *cookie when cookie is given (an empty one: no more pages), or
 * -1 with a message.
 */
static int search_done(struct ew_dir *d, LDAPMessage *m, struct berval *cookie, char *err,
		       size_t errlen, const char *what)
{
	char *matched = NULL, *diag = NULL, **refs = NULL;
	LDAPControl **ctrls = NULL;
	int code = LDAP_OTHER, rc, ret = -1;

	rc = ldap_parse_result(d->ld, m, &code, &matched, &diag, &refs, &ctrls, 0);
	if (rc != LDAP_SUCCESS) {
		ld_err(d->ld, rc, NULL, err, errlen, what);
		goto cleanup;
	}
	if (code == LDAP_NO_SUCH_OBJECT) {
		ret = 0;
		goto cleanup;
	}
	if (code == LDAP_REFERRAL) {
		set_err(err, errlen, "%s: the server refers elsewhere (%s): the base is "
			"outside its naming contexts; referrals are not followed", what,
			refs && refs[0] ? refs[0] : "no URL");
		goto cleanup;
	}
	if (code != LDAP_SUCCESS) {
		ld_err(d->ld, code, diag, err, errlen, what);
		goto cleanup;
	}
	if (cookie != NULL) {
		LDAPControl *pc = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
		ber_int_t estimate = 0;

		if (pc != NULL) {
			rc = ldap_parse_pageresponse_control(d->ld, pc, &estimate, cookie);
			if (rc != LDAP_SUCCESS) {
				ld_err(d->ld, rc, NULL, err, errlen, what);
				goto cleanup;
			}
		}
	}
	ret = 0;
cleanup:
	ldap_memfree(matched);
	ldap_memfree(diag);
	ber_memvfree((void **)refs);
	ldap_controls_free(ctrls);
	return ret;
}

/* extra followed by one more control (may be NULL), NULL-terminated; the
 * array only (the controls are not copied). */
static LDAPControl **ctrl_list(LDAPControl **extra, LDAPControl *more)
{
	LDAPControl **list;
	size_t n = 0, i, j = 0;

	while (extra && extra[n])
		n++;
	list = calloc(n + 2, sizeof(*list));
	if (list == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		list[j++] = extra[i];
	if (more)
		list[j++] = more;
	list[j] = NULL;
	return list;
}

static long long deadline_from_now(const struct ew_dir *d)
{
	return now_ms() + d->timeout_ms;
}

/* Describes a search for messages: "search of BASE" (cleaned later). */
/*
 * "search of "BASE" for FILTER", for an error message. A long filter (a batch
 * of a hundred SIDs is about 8 KB) is shortened to its start and its length,
 * so that what follows it, the reason, is never cut off.
 */
static void search_what(char *buf, size_t len, const char *base, const char *filter)
{
	size_t flen = strlen(filter);

	if (flen > 120)
		snprintf(buf, len, "search of \"%.200s\" for %.80s... (%zu bytes)", base, filter,
			 flen);
	else
		snprintf(buf, len, "search of \"%.200s\" for %s", base, filter);
}

int ew_dir_search(struct ew_dir *d, const char *base, int scope, const char *filter,
		  const char *const *attrs, LDAPControl **extra_ctrls,
		  struct ew_dir_result **out, char *err, size_t errlen)
{
	struct ew_dir_result *r = NULL;
	struct berval cookie = { 0, NULL };
	LDAPControl *page = NULL, **ctrls = NULL;
	LDAPMessage *m = NULL;
	int paged, msgid = -1, ret = -1, rc;
	char what[512];

	if (err && errlen)
		err[0] = '\0';
	if (out == NULL) {
		set_err(err, errlen, "search: no result pointer");
		return -1;
	}
	*out = NULL;
	if (d == NULL || d->ld == NULL || base == NULL) {
		set_err(err, errlen, "search: no connection or no base");
		return -1;
	}
	if (filter == NULL)
		filter = "(objectClass=*)";
	search_what(what, sizeof(what), base, filter);
	paged = scope != LDAP_SCOPE_BASE;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		set_err(err, errlen, "%s: out of memory", what);
		goto cleanup;
	}
	for (;;) {
		long long deadline;
		int done = 0;

		if (is_cancelled(d->cancel)) {
			set_err(err, errlen, "%s: cancelled", what);
			goto cleanup;
		}
		if (paged) {
			rc = ldap_create_page_control(d->ld, EW_DIR_PAGE_SIZE, &cookie, 0, &page);
			if (rc != LDAP_SUCCESS) {
				ld_err(d->ld, rc, NULL, err, errlen, what);
				goto cleanup;
			}
		}
		ctrls = ctrl_list(extra_ctrls, page);
		if (ctrls == NULL) {
			set_err(err, errlen, "%s: out of memory", what);
			goto cleanup;
		}
		clear_diag(d->ld);
		rc = ldap_search_ext(d->ld, base, scope, filter, (char **)attrs, 0, ctrls, NULL,
				     NULL, LDAP_NO_LIMIT, &msgid);
		free(ctrls);
		ctrls = NULL;
		ldap_control_free(page);
		page = NULL;
		if (rc != LDAP_SUCCESS) {
			ld_err(d->ld, rc, NULL, err, errlen, what);
			goto cleanup;
		}
		d->round_trips++;
		ber_memfree(cookie.bv_val);
		cookie.bv_val = NULL;
		cookie.bv_len = 0;
		deadline = deadline_from_now(d);
		while (!done) {
			enum wait_status w = wait_msg(d, msgid, deadline, &m);

			if (w != WAIT_OK) {
				wait_failed(d, w, msgid, err, errlen, what);
				goto cleanup;
			}
			switch (ldap_msgtype(m)) {
			case LDAP_RES_SEARCH_ENTRY:
				if (add_entry(d->ld, m, r) != 0) {
					ldap_abandon_ext(d->ld, msgid, NULL, NULL);
					set_err(err, errlen, "%s: out of memory", what);
					goto cleanup;
				}
				break;
			case LDAP_RES_SEARCH_RESULT:
				if (search_done(d, m, paged ? &cookie : NULL, err, errlen, what) != 0)
					goto cleanup;
				done = 1;
				break;
			default:	/* search references: not followed */
				break;
			}
			ldap_msgfree(m);
			m = NULL;
		}
		if (!paged || cookie.bv_val == NULL || cookie.bv_len == 0)
			break;
	}
	*out = r;
	r = NULL;
	ret = 0;
cleanup:
	ldap_msgfree(m);
	ldap_control_free(page);
	free(ctrls);
	ber_memfree(cookie.bv_val);
	ew_dir_result_free(&r);
	return ret;
}

/* ---- a search streamed page by page ---- */

/* Send one page request of a paged search (cookie: the last page's, or
 * empty for the first). 0 with *msgid, or -1 with a message. */
static int send_page(struct ew_dir *d, const char *base, int scope, const char *filter,
		     const char *const *attrs, LDAPControl **extra_ctrls, int page_size,
		     struct berval *cookie, int *msgid, char *err, size_t errlen, const char *what)
{
	LDAPControl *page = NULL, **ctrls;
	int rc;

	rc = ldap_create_page_control(d->ld, page_size, cookie, 0, &page);
	if (rc != LDAP_SUCCESS) {
		ld_err(d->ld, rc, NULL, err, errlen, what);
		return -1;
	}
	ctrls = ctrl_list(extra_ctrls, page);
	if (ctrls == NULL) {
		ldap_control_free(page);
		set_err(err, errlen, "%s: out of memory", what);
		return -1;
	}
	clear_diag(d->ld);
	rc = ldap_search_ext(d->ld, base, scope, filter, (char **)attrs, 0, ctrls, NULL, NULL,
			     LDAP_NO_LIMIT, msgid);
	free(ctrls);
	ldap_control_free(page);
	if (rc != LDAP_SUCCESS) {
		ld_err(d->ld, rc, NULL, err, errlen, what);
		return -1;
	}
	d->round_trips++;
	return 0;
}

int ew_dir_search_stream(struct ew_dir *d, const char *base, int scope, const char *filter,
			 const char *const *attrs, LDAPControl **extra_ctrls, int page_size,
			 int page_timeout_ms, ew_dir_page_fn page, void *arg, char *err,
			 size_t errlen)
{
	struct ew_dir_result *r = NULL;
	struct berval cookie = { 0, NULL };
	LDAPMessage *m = NULL;
	int msgid = -1, ret = -1, open = 0;
	long long deadline;
	char what[512];

	if (err && errlen)
		err[0] = '\0';
	if (d == NULL || d->ld == NULL || base == NULL || page == NULL ||
	    scope == LDAP_SCOPE_BASE) {
		set_err(err, errlen, "search: no connection, no base or no page function");
		return -1;
	}
	if (filter == NULL)
		filter = "(objectClass=*)";
	if (page_size <= 0)
		page_size = EW_DIR_PAGE_SIZE;
	if (page_timeout_ms <= 0)
		page_timeout_ms = d->timeout_ms;
	search_what(what, sizeof(what), base, filter);
	if (is_cancelled(d->cancel)) {
		set_err(err, errlen, "%s: cancelled", what);
		return -1;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		set_err(err, errlen, "%s: out of memory", what);
		return -1;
	}
	if (send_page(d, base, scope, filter, attrs, extra_ctrls, page_size, &cookie, &msgid,
		      err, errlen, what) != 0)
		goto cleanup;
	open = 1;
	deadline = now_ms() + page_timeout_ms;
	while (open) {
		enum wait_status w = wait_msg(d, msgid, deadline, &m);
		int last;

		if (w != WAIT_OK) {
			if (w == WAIT_TIMEOUT) {
				ldap_abandon_ext(d->ld, msgid, NULL, NULL);
				set_err(err, errlen, "%s: no page of results within %d s", what,
					page_timeout_ms / 1000);
			} else {
				wait_failed(d, w, msgid, err, errlen, what);
			}
			open = 0;
			goto cleanup;
		}
		switch (ldap_msgtype(m)) {
		case LDAP_RES_SEARCH_ENTRY:
			if (add_entry(d->ld, m, r) != 0) {
				set_err(err, errlen, "%s: out of memory", what);
				goto cleanup;
			}
			break;
		case LDAP_RES_SEARCH_RESULT:
			open = 0;
			ber_memfree(cookie.bv_val);
			cookie.bv_val = NULL;
			cookie.bv_len = 0;
			if (search_done(d, m, &cookie, err, errlen, what) != 0)
				goto cleanup;
			last = cookie.bv_val == NULL || cookie.bv_len == 0;
			/* The next page is asked for before this one is handed over:
			 * the server reads it while the caller works on this one. */
			if (!last && !is_cancelled(d->cancel)) {
				if (send_page(d, base, scope, filter, attrs, extra_ctrls, page_size,
					      &cookie, &msgid, err, errlen, what) != 0)
					goto cleanup;
				open = 1;
				deadline = now_ms() + page_timeout_ms;
			}
			if (page(arg, r) != 0) {
				set_err(err, errlen, "%s: stopped", what);
				goto cleanup;
			}
			/* the wait for the next page starts now: the time the
			 * caller took is not the server's */
			deadline = now_ms() + page_timeout_ms;
			ew_dir_result_free(&r);
			if (open && (r = calloc(1, sizeof(*r))) == NULL) {
				set_err(err, errlen, "%s: out of memory", what);
				goto cleanup;
			}
			if (!last && !open) {
				set_err(err, errlen, "%s: cancelled", what);
				goto cleanup;
			}
			break;
		default:	/* search references: not followed */
			break;
		}
		ldap_msgfree(m);
		m = NULL;
	}
	ret = 0;
cleanup:
	if (open)
		ldap_abandon_ext(d->ld, msgid, NULL, NULL);
	ldap_msgfree(m);
	ber_memfree(cookie.bv_val);
	ew_dir_result_free(&r);
	return ret;
}

/* ---- several searches at once ---- */

struct pending {
	int msgid;
	long long deadline;
	int open;		/* sent, no final reply yet */
	int failed;
};

/* Request i failed with msg (errs[i] may stay NULL only when out of memory;
 * p[i].failed still says so). */
static void req_failed(struct pending *p, char **errs, size_t i, const char *msg)
{
	if (errs[i] == NULL)
		errs[i] = dup_err(msg);
	p[i].failed = 1;
	p[i].open = 0;
}

int ew_dir_search_many(struct ew_dir *d, const struct ew_dir_req *reqs, size_t n,
		       struct ew_dir_result **results, char **errs, char *err, size_t errlen)
{
	struct pending *p = NULL;
	LDAPMessage *m = NULL;
	size_t i, nopen = 0, nfailed = 0, first_failed = 0;
	int ret = -1;

	if (err && errlen)
		err[0] = '\0';
	if (d == NULL || d->ld == NULL || (n > 0 && (reqs == NULL || results == NULL ||
						     errs == NULL))) {
		set_err(err, errlen, "searches: bad arguments");
		return -1;
	}
	for (i = 0; i < n; i++) {
		results[i] = NULL;
		errs[i] = NULL;
	}
	if (n == 0)
		return 0;
	p = calloc(n, sizeof(*p));
	if (p == NULL) {
		set_err(err, errlen, "searches: out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *filter = reqs[i].filter ? reqs[i].filter : "(objectClass=*)";
		char what[512], msg[1024];
		int rc;

		search_what(what, sizeof(what), reqs[i].base ? reqs[i].base : "", filter);
		if (is_cancelled(d->cancel)) {
			snprintf(msg, sizeof(msg), "%s: cancelled", what);
			req_failed(p, errs, i, msg);
			continue;
		}
		if (reqs[i].base == NULL) {
			req_failed(p, errs, i, "search without a base");
			continue;
		}
		results[i] = calloc(1, sizeof(*results[i]));
		if (results[i] == NULL) {
			req_failed(p, errs, i, "out of memory");
			continue;
		}
		clear_diag(d->ld);
		rc = ldap_search_ext(d->ld, reqs[i].base, reqs[i].scope, filter,
				     (char **)reqs[i].attrs, 0, reqs[i].ctrls, NULL, NULL,
				     LDAP_NO_LIMIT, &p[i].msgid);
		if (rc != LDAP_SUCCESS) {
			ld_err(d->ld, rc, NULL, msg, sizeof(msg), what);
			req_failed(p, errs, i, msg);
			continue;
		}
		d->round_trips++;
		p[i].deadline = deadline_from_now(d);
		p[i].open = 1;
		nopen++;
	}
	while (nopen > 0) {
		long long earliest = LLONG_MAX, now;
		struct timeval tv;
		int rc, id;

		now = now_ms();
		for (i = 0; i < n; i++) {
			char what[512], msg[1024];

			if (!p[i].open)
				continue;
			if (!is_cancelled(d->cancel) && p[i].deadline > now) {
				if (p[i].deadline < earliest)
					earliest = p[i].deadline;
				continue;
			}
			search_what(what, sizeof(what), reqs[i].base, reqs[i].filter ?
				    reqs[i].filter : "(objectClass=*)");
			ldap_abandon_ext(d->ld, p[i].msgid, NULL, NULL);
			if (is_cancelled(d->cancel))
				snprintf(msg, sizeof(msg), "%s: cancelled", what);
			else
				snprintf(msg, sizeof(msg), "%s: timed out after %d ms", what,
					 d->timeout_ms);
			req_failed(p, errs, i, msg);
			nopen--;
		}
		if (nopen == 0)
			break;
		if (earliest - now > SLICE_MS)
			earliest = now + SLICE_MS;
		tv.tv_sec = (time_t)((earliest - now) / 1000);
		tv.tv_usec = (suseconds_t)((earliest - now) % 1000) * 1000;
		rc = ldap_result(d->ld, LDAP_RES_ANY, LDAP_MSG_ONE, &tv, &m);
		if (rc == 0) {
			m = NULL;
			continue;
		}
		if (rc < 0) {
			char msg[1024];

			m = NULL;
			ld_err(d->ld, ld_errno(d->ld), NULL, msg, sizeof(msg),
			       "waiting for search results");
			for (i = 0; i < n; i++)
				if (p[i].open)
					req_failed(p, errs, i, msg);
			nopen = 0;
			break;
		}
		id = ldap_msgid(m);
		for (i = 0; i < n; i++)
			if (p[i].open && p[i].msgid == id)
				break;
		if (i < n) {
			char what[512], msg[1024];

			search_what(what, sizeof(what), reqs[i].base, reqs[i].filter ?
				    reqs[i].filter : "(objectClass=*)");
			switch (ldap_msgtype(m)) {
			case LDAP_RES_SEARCH_ENTRY:
				if (add_entry(d->ld, m, results[i]) != 0) {
					ldap_abandon_ext(d->ld, id, NULL, NULL);
					req_failed(p, errs, i, "out of memory");
					nopen--;
				}
				break;
			case LDAP_RES_SEARCH_RESULT:
				if (search_done(d, m, NULL, msg, sizeof(msg), what) != 0)
					req_failed(p, errs, i, msg);
				p[i].open = 0;
				nopen--;
				break;
			default:
				break;
			}
		}
		ldap_msgfree(m);
		m = NULL;
	}
	for (i = 0; i < n; i++) {
		if (!p[i].failed)
			continue;
		ew_dir_result_free(&results[i]);
		if (nfailed++ == 0)
			first_failed = i;
	}
	if (nfailed == 0)
		ret = 0;
	else
		set_err(err, errlen, "%zu of %zu searches failed; #%zu: %s", nfailed, n,
			first_failed, errs[first_failed] ? errs[first_failed] : "out of memory");
	free(p);
	return ret;
}

/* ---- ranged retrieval ---- */

/* Move the values of src to the end of dst (src keeps its name, no values). */
static int move_values(struct ew_dir_attr *dst, struct ew_dir_attr *src)
{
	struct ew_dir_value *v;

	if (src->nvalues == 0)
		return 0;
	if (dst->nvalues > SIZE_MAX / sizeof(*v) - src->nvalues)
		return -1;
	v = realloc(dst->values, (dst->nvalues + src->nvalues) * sizeof(*v));
	if (v == NULL)
		return -1;
	memcpy(v + dst->nvalues, src->values, src->nvalues * sizeof(*v));
	dst->values = v;
	dst->nvalues += src->nvalues;
	free(src->values);
	src->values = NULL;
	src->nvalues = 0;
	return 0;
}

enum ew_dir_range_step ew_dir_range_step(const char *got, size_t nvalues, long asked_low,
					 long *next_low)
{
	long rlow, rhigh;
	int ranged;

	if (got == NULL)
		return asked_low == 0 ? EW_DIR_RANGE_DONE : EW_DIR_RANGE_STOPPED;
	ranged = ew_dir_parse_range(got, NULL, 0, &rlow, &rhigh);
	if (ranged == 0)
		return EW_DIR_RANGE_ALL;
	if (ranged < 0 || rlow != asked_low)
		return EW_DIR_RANGE_STOPPED;
	if (rhigh < 0)
		return EW_DIR_RANGE_DONE;
	/* An empty range that is not the last would never end. */
	if (nvalues == 0 || rhigh == LONG_MAX)
		return EW_DIR_RANGE_STOPPED;
	if (next_low)
		*next_low = rhigh + 1;
	return EW_DIR_RANGE_NEXT;
}

int ew_dir_read_all_values(struct ew_dir *d, const char *dn, const char *attr,
			   struct ew_dir_attr *out, int *complete, char *err, size_t errlen)
{
	struct ew_dir_result *r = NULL;
	long low = 0;
	int ret = -1, rounds;
	char *req = NULL;

	if (err && errlen)
		err[0] = '\0';
	if (out == NULL || complete == NULL) {
		set_err(err, errlen, "ranged read: no output");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	*complete = 0;
	if (d == NULL || dn == NULL || attr == NULL || attr[0] == '\0' || strchr(attr, ';')) {
		set_err(err, errlen, "ranged read: bad arguments");
		return -1;
	}
	out->name = strdup(attr);
	if (out->name == NULL) {
		set_err(err, errlen, "ranged read: out of memory");
		return -1;
	}
	for (rounds = 0; rounds < MAX_RANGE_ROUNDS; rounds++) {
		const char *attrs[2];
		struct ew_dir_attr *a;
		enum ew_dir_range_step step;

		free(req);
		req = ew_strprintf("%s;range=%ld-*", attr, low);
		if (req == NULL) {
			set_err(err, errlen, "ranged read: out of memory");
			goto cleanup;
		}
		attrs[0] = req;
		attrs[1] = NULL;
		ew_dir_result_free(&r);
		if (ew_dir_search(d, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, NULL, &r, err,
				  errlen) != 0)
			goto cleanup;
		if (r->nentries == 0) {
			if (low == 0) {
				set_err(err, errlen, "ranged read of %s: no such entry %s", attr, dn);
				goto cleanup;
			}
			break;	/* the entry went away between two ranges */
		}
		a = (struct ew_dir_attr *)ew_dir_entry_attr(&r->entries[0], attr);
		step = ew_dir_range_step(a ? a->name : NULL, a ? a->nvalues : 0, low, &low);
		if (step == EW_DIR_RANGE_STOPPED)
			break;
		if (step == EW_DIR_RANGE_ALL) {
			size_t i;

			for (i = 0; i < out->nvalues; i++)
				value_free(&out->values[i]);
			out->nvalues = 0;
		}
		if (a != NULL && move_values(out, a) != 0) {
			set_err(err, errlen, "ranged read: out of memory");
			goto cleanup;
		}
		if (step != EW_DIR_RANGE_NEXT) {
			*complete = 1;
			break;
		}
	}
	ret = 0;
cleanup:
	free(req);
	ew_dir_result_free(&r);
	if (ret != 0) {
		ew_dir_attr_clear(out);
		*complete = 0;
	}
	return ret;
}

/* ---- pure helpers ---- */

/* Decimal digits only (no sign, no space); -1 if empty, other or overflow. */
static int parse_num(const char *s, size_t n, long *out)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c < '0' || c > '9')
			return -1;
		if (v > (LONG_MAX - (c - '0')) / 10)
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

int ew_dir_parse_range(const char *attrname, char *name, size_t namelen, long *low,
		       long *high)
{
	const char *p, *rng = NULL, *spec, *end, *dash;
	long lo = 0, hi = -1;
	size_t before, after;

	if (attrname == NULL || attrname[0] == '\0' || attrname[0] == ';')
		return -1;
	for (p = strchr(attrname, ';'); p != NULL; p = strchr(p + 1, ';')) {
		if (strncasecmp(p + 1, "range=", 6) == 0) {
			if (rng != NULL)
				return -1;
			rng = p;
		}
	}
	if (rng == NULL) {
		before = strlen(attrname);
		after = 0;
		end = attrname + before;
	} else {
		spec = rng + 7;
		end = strchr(spec, ';');
		if (end == NULL)
			end = spec + strlen(spec);
		dash = memchr(spec, '-', (size_t)(end - spec));
		if (dash == NULL || parse_num(spec, (size_t)(dash - spec), &lo) != 0)
			return -1;
		if (end - dash == 2 && dash[1] == '*')
			hi = -1;
		else if (parse_num(dash + 1, (size_t)(end - dash - 1), &hi) != 0 || hi < lo)
			return -1;
		before = (size_t)(rng - attrname);
		after = strlen(end);
	}
	if (name != NULL) {
		if (before + after + 1 > namelen)
			return -1;
		memcpy(name, attrname, before);
		memcpy(name + before, end, after);
		name[before + after] = '\0';
	}
	if (low)
		*low = lo;
	if (high)
		*high = hi;
	return rng != NULL;
}

LDAPControl *ew_dir_sd_flags_control(int flags)
{
	BerElement *ber = NULL;
	LDAPControl *c = NULL;
	struct berval bv;

	if (flags <= 0 || (flags & ~(EW_DIR_SD_OWNER | EW_DIR_SD_GROUP | EW_DIR_SD_DACL)) != 0)
		return NULL;
	ber = ber_alloc_t(LBER_USE_DER);
	if (ber == NULL)
		return NULL;
	if (ber_printf(ber, "{i}", (ber_int_t)flags) == -1)
		goto cleanup;
	if (ber_flatten2(ber, &bv, 0) == -1)
		goto cleanup;
	if (ldap_control_create(EW_DIR_OID_SD_FLAGS, 1, &bv, 1, &c) != LDAP_SUCCESS)
		c = NULL;
cleanup:
	ber_free(ber, 1);
	return c;
}

char *ew_dir_filter_escape(const char *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *out, *o;
	size_t i;

	if (v == NULL || len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1);
	if (out == NULL)
		return NULL;
	o = out;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 || c >= 0x7f) {
			*o++ = '\\';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 0xf];
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

/* ---- connecting and binding ---- */

/*
 * gss_krb5_ccache_name lives in libgssapi_krb5, which the SASL GSSAPI plugin
 * loads anyway. When the program is linked with it (pkg-config krb5-gssapi)
 * the weak reference below is used; otherwise the symbol is looked up in the
 * very library the plugin uses (same soname, so the same per-thread setting).
 */
#pragma weak gss_krb5_ccache_name
typedef OM_uint32 (*ccache_name_fn)(OM_uint32 *, const char *, const char **);

static ccache_name_fn get_ccache_name_fn(void)
{
	ccache_name_fn fn = NULL;
	void *h, *sym;

	if (gss_krb5_ccache_name != NULL)
		return gss_krb5_ccache_name;
	/* Never closed: the library stays loaded for the SASL plugin anyway. */
	h = dlopen("libgssapi_krb5.so.2", RTLD_NOW | RTLD_GLOBAL);
	if (h == NULL)
		return NULL;
	sym = dlsym(h, "gss_krb5_ccache_name");
	if (sym != NULL)
		memcpy(&fn, &sym, sizeof(fn));
	return fn;
}

/*
 * gss_krb5_ccache_name hands back the default name when none was set for the
 * thread; setting that back would pin it (KRB5CCNAME would no longer be
 * followed), so "unset" is restored instead.
 */
static int is_default_ccache(const char *name)
{
	krb5_context k = NULL;
	const char *def;
	int same;

	if (name == NULL)
		return 1;
	if (krb5_init_context(&k) != 0)
		return 0;
	def = krb5_cc_default_name(k);
	same = def != NULL && strcmp(def, name) == 0;
	krb5_free_context(k);
	return same;
}

/* SASL asks for what it lacks; GSSAPI needs nothing: answer defaults, and
 * never a password. */
static int sasl_interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	sasl_interact_t *it = in;

	(void)ld;
	(void)flags;
	(void)defaults;
	for (; it != NULL && it->id != SASL_CB_LIST_END; it++) {
		const char *v = it->defresult;

		if (v == NULL || it->id == SASL_CB_PASS)
			v = "";
		it->result = v;
		it->len = (unsigned)strlen(v);
	}
	return LDAP_SUCCESS;
}

/* Host name or address usable in an LDAP URL; IPv6 literals get brackets. */
static int host_ok(const char *host, int *ipv6)
{
	const char *p;

	*ipv6 = 0;
	if (host == NULL || host[0] == '\0' || strlen(host) > 253)
		return 0;
	if (strchr(host, ':') != NULL) {
		struct in6_addr a;

		*ipv6 = 1;
		return inet_pton(AF_INET6, host, &a) == 1;
	}
	for (p = host; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int set_opt(struct ew_dir *d, int opt, const void *val, const char *name, char *err,
		   size_t errlen)
{
	int rc = ldap_set_option(d->ld, opt, val);

	if (rc != LDAP_OPT_SUCCESS) {
		set_err(err, errlen, "cannot set the LDAP option %s: %s", name,
			ldap_err2string(rc));
		return -1;
	}
	return 0;
}

/*
 * Called by libldap right after connect() on each address tried, before any
 * TLS: wait for the (non-blocking) TCP connection here, in slices, so that
 * the wait sees the cancel flag and a refusal is told apart from a TLS
 * failure. Non-zero makes libldap drop this address.
 */
static int on_connect(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr,
		      struct ldap_conncb *ctx)
{
	struct ew_dir *d = ctx->lc_arg;
	ber_socket_t fd = -1;

	(void)ld;
	(void)srv;
	(void)addr;
	d->connect_tries++;
	if (ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd) != 1 || fd < 0)
		return 0;
	for (;;) {
		struct pollfd p;
		long long left;
		int soerr = 0, rc;
		socklen_t len = sizeof(soerr);

		if (is_cancelled(d->cancel)) {
			d->connect_errno = ECANCELED;
			return -1;
		}
		left = d->connect_deadline - now_ms();
		if (left <= 0) {
			d->connect_errno = ETIMEDOUT;
			return -1;
		}
		p.fd = fd;
		p.events = POLLOUT;
		p.revents = 0;
		rc = poll(&p, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			d->connect_errno = errno;
			return -1;
		}
		if (rc == 0)
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
			soerr = errno;
		d->connect_errno = soerr;
		return soerr ? -1 : 0;
	}
}

/*
 * Connect to the address already found (an IP literal; no lookup), bounded
 * and cancellable like the connection libldap makes: the socket, or -1 with
 * d->connect_errno set.
 */
static int connect_addr(struct ew_dir *d, const char *addr, int port)
{
	struct addrinfo hints, *ai = NULL;
	char host[64], serv[8];
	size_t len = strlen(addr);
	int fd, flags;

	d->connect_errno = EINVAL;
	if (len >= sizeof(host))
		return -1;
	if (addr[0] == '[' && len > 2 && addr[len - 1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)(len - 2), addr + 1);
	else
		snprintf(host, sizeof(host), "%s", addr);
	snprintf(serv, sizeof(serv), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, serv, &hints, &ai) != 0 || ai == NULL)
		return -1;
	d->connect_tries++;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		d->connect_errno = errno;
		freeaddrinfo(ai);
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
		d->connect_errno = errno;
		close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	for (;;) {
		struct pollfd p = { fd, POLLOUT, 0 };
		long long left;
		int soerr = 0, rc;
		socklen_t sl = sizeof(soerr);

		if (is_cancelled(d->cancel)) {
			d->connect_errno = ECANCELED;
			break;
		}
		left = d->connect_deadline - now_ms();
		if (left <= 0) {
			d->connect_errno = ETIMEDOUT;
			break;
		}
		rc = poll(&p, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			d->connect_errno = errno;
			break;
		}
		if (rc == 0)
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
			soerr = errno;
		d->connect_errno = soerr;
		if (soerr != 0)
			break;
		/* libldap reads and writes it as its own: blocking, as it makes them. */
		flags = fcntl(fd, F_GETFL);
		if (flags >= 0)
			fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
		return fd;
	}
	close(fd);
	return -1;
}

static void on_close(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	(void)ld;
	(void)sb;
	(void)ctx;
}

/*
 * A handle starts with the global TLS context but none of the global file
 * settings (ldap.conf, LDAPTLS_CACERT): copy the CA ones over, or the
 * per-connection context made below would trust nothing.
 */
static int inherit_ca(struct ew_dir *d, char *err, size_t errlen)
{
	static const struct {
		int opt;
		const char *name;
	} opts[] = {
		{ LDAP_OPT_X_TLS_CACERTFILE, "X_TLS_CACERTFILE" },
		{ LDAP_OPT_X_TLS_CACERTDIR, "X_TLS_CACERTDIR" },
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		char *v = NULL;
		int rc = 0;

		if (ldap_get_option(NULL, opts[i].opt, &v) == LDAP_OPT_SUCCESS && v != NULL) {
			rc = set_opt(d, opts[i].opt, v, opts[i].name, err, errlen);
			if (i == 0)
				snprintf(d->ca, sizeof(d->ca), "%s (ldap.conf or LDAPTLS_CACERT)", v);
		}
		ldap_memfree(v);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int set_options(struct ew_dir *d, const struct ew_dir_opts *o, char *err,
		       size_t errlen)
{
	struct timeval tv;
	int version = LDAP_VERSION3, require = LDAP_OPT_X_TLS_HARD, is_server = 0, rc;

	tv.tv_sec = d->timeout_ms / 1000;
	tv.tv_usec = (d->timeout_ms % 1000) * 1000;
	if (set_opt(d, LDAP_OPT_PROTOCOL_VERSION, &version, "PROTOCOL_VERSION", err, errlen) ||
	    set_opt(d, LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "REFERRALS", err, errlen) ||
	    set_opt(d, LDAP_OPT_NETWORK_TIMEOUT, &tv, "NETWORK_TIMEOUT", err, errlen) ||
	    set_opt(d, LDAP_OPT_TIMEOUT, &tv, "TIMEOUT", err, errlen))
		return -1;
	d->conncb.lc_add = on_connect;
	d->conncb.lc_del = on_close;
	d->conncb.lc_arg = d;
	if (set_opt(d, LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON, "CONNECT_ASYNC", err, errlen) ||
	    set_opt(d, LDAP_OPT_CONNECT_CB, &d->conncb, "CONNECT_CB", err, errlen))
		return -1;
	/* The Kerberos name is the host name given, never a reverse lookup of
	 * its address (krb5.conf settles any canonicalisation). */
	if (set_opt(d, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON, "X_SASL_NOCANON", err, errlen))
		return -1;
	if (o->tls == EW_DIR_PLAIN)
		return 0;
	snprintf(d->ca, sizeof(d->ca), "the CAs of ldap.conf or LDAPTLS_CACERT (none set?)");
	if (o->ca_file != NULL) {
		if (set_opt(d, LDAP_OPT_X_TLS_CACERTFILE, o->ca_file, "X_TLS_CACERTFILE", err,
			    errlen))
			return -1;
		snprintf(d->ca, sizeof(d->ca), "%s", o->ca_file);
	} else if (inherit_ca(d, err, errlen) != 0) {
		return -1;
	}
	if (set_opt(d, LDAP_OPT_X_TLS_REQUIRE_CERT, &require, "X_TLS_REQUIRE_CERT", err, errlen))
		return -1;
	if (o->ca_file != NULL && access(o->ca_file, R_OK) != 0) {
		set_err(err, errlen, "cannot read the CA file %s: %s", o->ca_file, strerror(errno));
		return -1;
	}
	rc = ldap_set_option(d->ld, LDAP_OPT_X_TLS_NEWCTX, &is_server);
	if (rc != LDAP_OPT_SUCCESS) {
		set_err(err, errlen, "cannot set up TLS with the CA file %s (not PEM "
			"certificates?)", o->ca_file ? o->ca_file :
			"of ldap.conf or LDAPTLS_CACERT");
		return -1;
	}
	/* Against AD a SASL security layer inside TLS is refused. */
	if (o->bind_dn == NULL &&
	    set_opt(d, LDAP_OPT_X_SASL_SECPROPS, "maxssf=0", "X_SASL_SECPROPS", err, errlen))
		return -1;
	return 0;
}

/* A failed TLS handshake: a timeout, or (GnuTLS gives no detail for a
 * certificate that does not verify) the likely cause. */
static void tls_failed(struct ew_dir *d, int rc, const char *url, int timed_out, char *err,
		       size_t errlen)
{
	char *diag = NULL;
	const char *detail;

	if (timed_out) {
		set_err(err, errlen, "TLS handshake with %s: no answer within %d ms", url,
			d->timeout_ms);
		return;
	}
	ldap_get_option(d->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	detail = diag && *diag && strcmp(diag, "(unknown error code)") != 0 ? diag :
		 "no detail from the TLS library";
	set_err(err, errlen, "TLS handshake with %s failed: %s (%s); is the server certificate "
		"issued for this host name by a CA in %s?", url,
		rc == LDAP_SERVER_DOWN ? "no TLS session" : ldap_err2string(rc), detail, d->ca);
	ldap_memfree(diag);
}

/* Wait (bounded) for the reply to msgid and check its result code. */
static int await_result(struct ew_dir *d, int msgid, const char *what, char *err,
			size_t errlen)
{
	LDAPMessage *m = NULL;
	char *diag = NULL;
	int rc, code = LDAP_OTHER, ret = -1;
	enum wait_status w;

	d->round_trips++;
	w = wait_msg(d, msgid, deadline_from_now(d), &m);
	if (w != WAIT_OK) {
		wait_failed(d, w, msgid, err, errlen, what);
		goto cleanup;
	}
	rc = ldap_parse_result(d->ld, m, &code, NULL, &diag, NULL, NULL, 0);
	if (rc != LDAP_SUCCESS)
		ld_err(d->ld, rc, NULL, err, errlen, what);
	else if (code != LDAP_SUCCESS)
		ld_err(d->ld, code, diag, err, errlen, what);
	else
		ret = 0;
cleanup:
	ldap_memfree(diag);
	ldap_msgfree(m);
	return ret;
}

static int start_tls(struct ew_dir *d, const char *url, char *err, size_t errlen)
{
	char what[340];
	int msgid = -1, rc, ret = -1;
	long long deadline;

	snprintf(what, sizeof(what), "StartTLS with %s", url);
	clear_diag(d->ld);
	rc = ldap_start_tls(d->ld, NULL, NULL, &msgid);
	if (rc != LDAP_SUCCESS) {
		ld_err(d->ld, rc, NULL, err, errlen, what);
		goto cleanup;
	}
	if (await_result(d, msgid, what, err, errlen) != 0)
		goto cleanup;
	/* The handshake is bounded by LDAP_OPT_NETWORK_TIMEOUT (asynchronous
	 * connection, see do_connect). */
	clear_diag(d->ld);
	deadline = deadline_from_now(d);
	rc = ldap_install_tls(d->ld);
	if (rc != LDAP_SUCCESS) {
		tls_failed(d, rc, url, now_ms() >= deadline, err, errlen);
		goto cleanup;
	}
	ret = 0;
cleanup:
	return ret;
}

static int bind_simple(struct ew_dir *d, const struct ew_dir_opts *o, char *err,
		       size_t errlen)
{
	struct berval cred;
	char what[600];
	int msgid = -1, rc, ret = -1;

	snprintf(what, sizeof(what), "simple bind as \"%s\"", o->bind_dn);
	cred.bv_val = (char *)o->password;
	cred.bv_len = strlen(o->password);
	clear_diag(d->ld);
	rc = ldap_sasl_bind(d->ld, o->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, &msgid);
	cred.bv_val = NULL;
	if (rc != LDAP_SUCCESS) {
		ld_err(d->ld, rc, NULL, err, errlen, what);
		goto cleanup;
	}
	if (await_result(d, msgid, what, err, errlen) != 0)
		goto cleanup;
	snprintf(d->method, sizeof(d->method), "simple (%s)",
		 o->tls == EW_DIR_LDAPS ? "LDAPS" : "StartTLS");
	ret = 0;
cleanup:
	return ret;
}

static int bind_gssapi(struct ew_dir *d, const struct ew_dir_opts *o, const char *url,
		       char *err, size_t errlen)
{
	ccache_name_fn ccname = NULL;
	const char *old = NULL, *rmech = NULL;
	LDAPMessage *m = NULL;
	OM_uint32 major, minor = 0;
	int msgid = -1, rc, ret = -1, ccache_set = 0;
	char what[340];

	snprintf(what, sizeof(what), "GSSAPI bind to %s", url);
	if (o->ccache != NULL) {
		ccname = get_ccache_name_fn();
		if (ccname == NULL) {
			set_err(err, errlen, "%s: cannot choose the credential cache %s: "
				"gss_krb5_ccache_name not found (libgssapi_krb5)", what, o->ccache);
			goto cleanup;
		}
		/* Per thread: applies to this bind only, restored below. */
		major = ccname(&minor, o->ccache, &old);
		if (GSS_ERROR(major)) {
			set_err(err, errlen, "%s: cannot use the credential cache %s "
				"(GSS major 0x%x, minor %u)", what, o->ccache, (unsigned)major,
				(unsigned)minor);
			goto cleanup;
		}
		ccache_set = 1;
	}
	clear_diag(d->ld);
	for (;;) {
		enum wait_status w;

		rc = ldap_sasl_interactive_bind(d->ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET,
						sasl_interact, NULL, m, &rmech, &msgid);
		ldap_msgfree(m);
		m = NULL;
		if (rc != LDAP_SASL_BIND_IN_PROGRESS)
			break;
		/* Each step is bounded on its own: the step before may have spent
		 * time on the KDC (krb5's own timeouts, not ours). */
		d->round_trips++;
		w = wait_msg(d, msgid, deadline_from_now(d), &m);
		if (w != WAIT_OK) {
			wait_failed(d, w, msgid, err, errlen, what);
			goto cleanup;
		}
	}
	if (rc != LDAP_SUCCESS) {
		ld_err(d->ld, rc, NULL, err, errlen, what);
		if (rc == LDAP_STRONG_AUTH_REQUIRED && o->tls != EW_DIR_PLAIN) {
			size_t n = err ? strlen(err) : 0;

			/* Samba before 4.20 wants sign/seal even inside TLS, and refuses
			 * sign/seal inside TLS: GSSAPI works only on plain LDAP there. */
			if (err && n + 1 < errlen)
				set_err(err + n, errlen - n, "; this server wants a SASL security "
					"layer even inside TLS (Samba before 4.20): use GSSAPI on "
					"plain LDAP (signed and sealed) or a simple bind over TLS");
		}
		goto cleanup;
	}
	if (o->tls == EW_DIR_PLAIN) {
		ber_len_t ssf = 0;

		ldap_get_option(d->ld, LDAP_OPT_X_SASL_SSF, &ssf);
		snprintf(d->method, sizeof(d->method), "GSSAPI%s",
			 ssf > 1 ? " (sealed)" : ssf == 1 ? " (signed)" : "");
	} else {
		snprintf(d->method, sizeof(d->method), "GSSAPI (%s)",
			 o->tls == EW_DIR_LDAPS ? "LDAPS" : "StartTLS");
	}
	ret = 0;
cleanup:
	ldap_msgfree(m);
	if (ccache_set)
		ccname(&minor, is_default_ccache(old) ? NULL : old, NULL);
	return ret;
}

/*
 * Connect now, so that a connection failure is told apart from a bind
 * failure. The connection is asynchronous (LDAP_OPT_CONNECT_ASYNC): only then
 * does libldap 2.5 bound the TLS handshake (LDAPS here, StartTLS later) by
 * LDAP_OPT_NETWORK_TIMEOUT; with a blocking socket a silent server holds it
 * for ever.
 */
static int do_connect(struct ew_dir *d, const struct ew_dir_opts *o, const char *url,
		      char *err, size_t errlen)
{
	char *diag = NULL;
	int rc;

	d->connect_errno = 0;
	d->connect_tries = 0;
	d->connect_deadline = deadline_from_now(d);
	clear_diag(d->ld);
	rc = ldap_connect(d->ld);
	if (rc == LDAP_SUCCESS)
		return 0;
	if (rc == -1)
		rc = ld_errno(d->ld);
	if (d->connect_errno == ECANCELED) {
		set_err(err, errlen, "connecting to %s: cancelled", url);
	} else if (d->connect_errno == ETIMEDOUT) {
		set_err(err, errlen, "cannot connect to %s: timed out after %d ms", url,
			d->timeout_ms);
	} else if (d->connect_errno != 0) {
		set_err(err, errlen, "cannot connect to %s: %s", url, strerror(d->connect_errno));
	} else if (d->connect_tries > 0 && o->tls == EW_DIR_LDAPS) {
		tls_failed(d, rc, url, now_ms() >= d->connect_deadline, err, errlen);
	} else {
		ldap_get_option(d->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		set_err(err, errlen, "cannot connect to %s: %s%s%s%s%s", url, ldap_err2string(rc),
			diag && *diag ? " (" : "", diag && *diag ? diag : "",
			diag && *diag ? ")" : "", d->connect_tries == 0 ?
			" (the name does not resolve, or no address could be reached)" : "");
		ldap_memfree(diag);
	}
	return -1;
}

/*
 * libldap's set-up on first use. libldap marks its global options ready
 * before it has read ldap.conf and the LDAP* environment into them, and a
 * second thread that sees the mark copies them unlocked while the first is
 * still writing (a connection could miss the CA file of ldap.conf). Every
 * first use goes through this once, so a connection waits until it is done.
 */
static pthread_once_t ldap_once = PTHREAD_ONCE_INIT;
static pthread_t warm_up_th;
static int warm_up_started;

static void ldap_setup(void)
{
	int version = 0;

	ldap_get_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &version);
}

static void *warm_up_thread(void *arg)
{
	(void)arg;
	pthread_once(&ldap_once, ldap_setup);
	return NULL;
}

void ew_dir_warm_up(void)
{
	if (warm_up_started)
		return;
	if (pthread_create(&warm_up_th, NULL, warm_up_thread, NULL) != 0) {
		pthread_once(&ldap_once, ldap_setup);
		return;
	}
	warm_up_started = 1;
}

int ew_dir_warm_up_end(const struct timespec *until)
{
	if (!warm_up_started)
		return 0;
	if (pthread_timedjoin_np(warm_up_th, NULL, until) != 0)
		return -1;	/* still looking this host's name up */
	warm_up_started = 0;
	return 0;
}

int ew_dir_open(const struct ew_dir_opts *o, struct ew_dir **out, char *err, size_t errlen)
{
	struct ew_dir *d = NULL;
	char url[300];
	int ipv6 = 0, port, rc, ret = -1;
	static const char *const all_attrs[] = { "*", "+", NULL };

	if (err && errlen)
		err[0] = '\0';
	if (out == NULL) {
		set_err(err, errlen, "LDAP: no result pointer");
		return -1;
	}
	*out = NULL;
	if (o == NULL) {
		set_err(err, errlen, "LDAP: no options");
		return -1;
	}
	/* Every refusal comes before anything touches the network. */
	if (o->host == NULL || o->host[0] == '\0') {
		set_err(err, errlen, "LDAP: no DC host name given");
		return -1;
	}
	if (!host_ok(o->host, &ipv6)) {
		set_err(err, errlen, "LDAP: \"%s\" is not a host name or address", o->host);
		return -1;
	}
	if (o->tls != EW_DIR_PLAIN && o->tls != EW_DIR_STARTTLS && o->tls != EW_DIR_LDAPS) {
		set_err(err, errlen, "LDAP: unknown TLS mode %d", (int)o->tls);
		return -1;
	}
	if (o->port < 0 || o->port > 65535) {
		set_err(err, errlen, "LDAP: port %d out of range", o->port);
		return -1;
	}
	if (o->timeout_ms < 0) {
		set_err(err, errlen, "LDAP: negative timeout");
		return -1;
	}
	if (o->bind_dn != NULL) {
		if (o->tls == EW_DIR_PLAIN) {
			set_err(err, errlen, "LDAP: simple bind refused without TLS (the password "
				"would cross the network in clear text): use StartTLS or LDAPS");
			return -1;
		}
		if (o->bind_dn[0] == '\0') {
			set_err(err, errlen, "LDAP: simple bind refused with an empty DN "
				"(that is an anonymous bind)");
			return -1;
		}
		if (o->password == NULL || o->password[0] == '\0') {
			set_err(err, errlen, "LDAP: simple bind refused with an empty password "
				"(an unauthenticated bind succeeds without checking anything)");
			return -1;
		}
	}
	if (is_cancelled(o->cancel)) {
		set_err(err, errlen, "LDAP: cancelled");
		return -1;
	}
	pthread_once(&ldap_once, ldap_setup);
	port = o->port;
	if (port == 0)
		port = o->tls == EW_DIR_LDAPS ? (o->gc ? 3269 : 636) : (o->gc ? 3268 : 389);
	snprintf(url, sizeof(url), "%s://%s%s%s:%d", o->tls == EW_DIR_LDAPS ? "ldaps" : "ldap",
		 ipv6 ? "[" : "", o->host, ipv6 ? "]" : "", port);

	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		set_err(err, errlen, "LDAP: out of memory");
		return -1;
	}
	d->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : EW_DIR_DEFAULT_TIMEOUT_MS;
	d->cancel = o->cancel;
	if (o->addr != NULL && o->tls != EW_DIR_LDAPS) {
		/* The address is known: connect to it, no second lookup of the name
		 * (which the URL keeps, for the Kerberos name of the server). */
		int fd;

		d->connect_errno = 0;
		d->connect_tries = 0;
		d->connect_deadline = deadline_from_now(d);
		fd = connect_addr(d, o->addr, port);
		if (fd < 0) {
			int e = d->connect_errno;

			if (e == ECANCELED)
				set_err(err, errlen, "connecting to %s (%s): cancelled", url, o->addr);
			else if (e == ETIMEDOUT)
				set_err(err, errlen, "cannot connect to %s (%s): timed out after %d ms",
					url, o->addr, d->timeout_ms);
			else
				set_err(err, errlen, "cannot connect to %s (%s): %s", url, o->addr,
					strerror(e));
			goto cleanup;
		}
		rc = ldap_init_fd(fd, LDAP_PROTO_TCP, url, &d->ld);
		if (rc != LDAP_SUCCESS) {
			close(fd);
			d->ld = NULL;
			set_err(err, errlen, "LDAP: cannot set up %s: %s", url, ldap_err2string(rc));
			goto cleanup;
		}
		if (set_options(d, o, err, errlen) != 0)
			goto cleanup;
	} else {
		rc = ldap_initialize(&d->ld, url);
		if (rc != LDAP_SUCCESS) {
			d->ld = NULL;
			set_err(err, errlen, "LDAP: cannot set up %s: %s", url, ldap_err2string(rc));
			goto cleanup;
		}
		if (set_options(d, o, err, errlen) != 0)
			goto cleanup;
		if (do_connect(d, o, url, err, errlen) != 0)
			goto cleanup;
	}
	if (o->tls == EW_DIR_STARTTLS && start_tls(d, url, err, errlen) != 0)
		goto cleanup;
	/* "*" and "+": AD returns its rootDSE for either; other servers keep
	 * the naming contexts operational. */
	if (o->bind_dn != NULL) {
		rc = bind_simple(d, o, err, errlen);
	} else {
		rc = ew_dir_search(d, "", LDAP_SCOPE_BASE, "(objectClass=*)", all_attrs, NULL,
				   &d->rootdse, err, errlen);
		if (rc == 0 && o->before_bind)
			rc = o->before_bind(o->before_bind_arg, err, errlen);
		if (rc == 0)
			rc = bind_gssapi(d, o, url, err, errlen);
	}
	if (rc != 0)
		goto cleanup;
	if (d->rootdse == NULL &&
	    ew_dir_search(d, "", LDAP_SCOPE_BASE, "(objectClass=*)", all_attrs, NULL,
			  &d->rootdse, err, errlen) != 0)
		goto cleanup;
	*out = d;
	d = NULL;
	ret = 0;
cleanup:
	ew_dir_close(&d);
	return ret;
}

void ew_dir_close(struct ew_dir **dp)
{
	if (dp == NULL || *dp == NULL)
		return;
	if ((*dp)->ld != NULL)
		ldap_unbind_ext_s((*dp)->ld, NULL, NULL);
	ew_dir_result_free(&(*dp)->rootdse);
	free(*dp);
	*dp = NULL;
}

const char *ew_dir_rootdse(const struct ew_dir *d, const char *attr)
{
	const struct ew_dir_attr *a;

	if (d == NULL || d->rootdse == NULL || d->rootdse->nentries == 0)
		return NULL;
	a = ew_dir_entry_attr(&d->rootdse->entries[0], attr);
	return a && a->nvalues > 0 ? a->values[0].val : NULL;
}

const char *ew_dir_bind_method(const struct ew_dir *d)
{
	return d ? d->method : "";
}

long ew_dir_round_trips(const struct ew_dir *d)
{
	return d ? d->round_trips : 0;
}
