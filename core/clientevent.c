/*
 * clientevent.c - the rest of what a client shows: events as text (wevtutil
 * qe ... /f:text and the Event Viewer's copy; the SPN and failure code of
 * LSA's 40960/40961 taken from the description), whoami /groups and /all
 * (the token's groups, the user), setspn -Q/-X/-L and nltest /dsgetdc:.
 */
#include <stdlib.h>
#include <string.h>

#include "clientread.h"

/* ---- events ---- */

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The server named in the description: after "the server ", or the first
 * word shaped like service/host. */
static void find_spn(struct ew_cp_state *st, struct ew_client_event *e, const char *d)
{
	const char *s = strstr(d, "the server "), *w, *slash;
	size_t n;

	if (s) {
		s += 11;
	} else {
		for (w = d; *w; w += n) {
			while (*w == ' ')
				w++;
			n = strcspn(w, " ");
			slash = memchr(w, '/', n);
			if (slash && slash > w && (size_t)(slash - w) < n - 1 &&
			    memchr(slash, '.', n - (size_t)(slash - w)) &&
			    strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") ==
			    (size_t)(slash - w))
				break;
		}
		if (*w == '\0')
			return;
		s = w;
	}
	n = strcspn(s, " \"");
	while (n > 0 && strchr(".,;:)'", s[n - 1]))
		n--;
	if (n > 0)
		e->spn = ew_cp_keep(st, s, n);
}

/* "0xc000005e" (the last one given), else a KRB_/KDC_ERR_ name. */
static void find_failure(struct ew_cp_state *st, struct ew_client_event *e, const char *d)
{
	const char *s, *hex = NULL, *q, *end, *krb = NULL;
	size_t n;

	for (s = d; (s = strstr(s, "0x")) != NULL; s += 2) {
		for (n = 0; is_hex(s[2 + n]); n++)
			;
		if (n >= 1 && n <= 8 && (s == d || !is_hex(s[-1])))
			hex = s;
	}
	for (s = d; *s && !krb; s++)
		if ((strncmp(s, "KRB_", 4) == 0 || strncmp(s, "KDC_ERR_", 8) == 0) &&
		    (s == d || s[-1] == ' ' || s[-1] == '(' || s[-1] == '"'))
			krb = s;
	if (hex) {
		for (n = 0; is_hex(hex[2 + n]); n++)
			;
		e->failure_code = ew_cp_keep(st, hex, n + 2);
	} else if (krb) {
		e->failure_code = ew_cp_keep(st, krb, strspn(krb, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"));
	}
	/* was "There are currently no logon servers ... (0xc000005e)" */
	q = strstr(d, " was \"");
	if (q) {
		q += 6;
		end = strstr(q, " (0x");
		if (end == NULL)
			end = strchr(q, '"');
		if (end && end > q)
			e->failure_text = ew_cp_keep(st, q, (size_t)(end - q));
	} else if (krb && hex) {
		e->failure_text = ew_cp_keep(st, krb, strspn(krb, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"));
	}
}

void ew_cp_event_end(struct ew_cp_state *st)
{
	struct ew_client_event *e;
	char *d;

	if (st->event >= 0 && st->ev_desc) {
		e = &st->p->events[st->event];
		d = ew_buf_take(&st->desc);
		if (d == NULL) {
			st->p->oom = 1;
		} else if (*d) {
			free(e->description);
			e->description = ew_cp_keepz(st, d);
			find_spn(st, e, d);
			find_failure(st, e, d);
		}
		free(d);
	}
	ew_buf_reset(&st->desc);
	st->ev_desc = st->ev_xml = 0;
	/* "Event[0]:" and nothing read after it (another display language
	 * followed, or the paste ended): no event, not one with no fields. */
	if (st->event >= 0 && (size_t)st->event + 1 == st->p->nevents) {
		e = &st->p->events[st->event];
		if (e->id < 0 && !e->log && !e->source && !e->date && !e->task && !e->level &&
		    !e->user && !e->computer && !e->description) {
			memset(e, 0, sizeof(*e));
			st->p->nevents--;
			st->event = -1;
		}
	}
}

static struct ew_client_event *new_event(struct ew_cp_state *st, int index)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_event *e;

	ew_cp_event_end(st);
	e = ew_cp_grow(st, (void **)&p->events, &p->nevents, sizeof(*e), EW_CLIENT_EVENTS_MAX,
		       EW_CP_CUT_EVENTS, "events");
	if (e == NULL) {
		st->event = -1;
		return NULL;
	}
	e->index = index;
	e->id = -1;
	e->line = st->lineno;
	st->event = (long)(p->nevents - 1);
	return e;
}

static void desc_add(struct ew_cp_state *st, const char *s)
{
	if (*s == '\0' || st->desc.len + strlen(s) > EW_CLIENT_FIELD_MAX * 4)
		return;
	if (st->desc.len)
		ew_buf_addc(&st->desc, ' ');
	ew_buf_adds(&st->desc, s);
}

int ew_cp_event_line(struct ew_cp_state *st, char *raw, char *line)
{
	struct ew_client_event *e;
	char *key, *val;
	long n;

	(void)raw;
	if (strncmp(line, "Event[", 6) == 0 && ew_cp_long(line + 6, 10, &n) == 0 &&
	    strstr(line, "]:")) {
		return new_event(st, (int)n) ? EW_CP_READ : EW_CP_SKIP;
	}
	if (strncmp(line, "Log Name:", 9) == 0 &&
	    (st->event < 0 || st->p->events[st->event].log != NULL || st->ev_desc || st->ev_xml) &&
	    new_event(st, -1) == NULL)
		return EW_CP_SKIP;
	if (st->ev_xml)
		return EW_CP_SKIP;
	if (*line == '\0')
		return EW_CP_READ;
	if (st->event < 0)
		return st->p->nevents >= EW_CLIENT_EVENTS_MAX ? EW_CP_SKIP : EW_CP_UNREAD;
	e = &st->p->events[st->event];
	if (st->ev_desc) {
		if (strcmp(line, "Event Xml:") == 0) {
			ew_cp_event_end(st);
			st->ev_xml = 1;
			return EW_CP_SKIP;
		}
		desc_add(st, line);
		return EW_CP_READ;
	}
	if (ew_cp_split(line, 0, &key, &val) != 0)
		return EW_CP_UNREAD;
	if (strcmp(key, "Log Name") == 0) {
		ew_cp_set(st, &e->log, val);
	} else if (strcmp(key, "Source") == 0) {
		ew_cp_set(st, &e->source, val);
	} else if (strcmp(key, "Date") == 0) {
		ew_cp_set(st, &e->date, val);
	} else if (strcmp(key, "Event ID") == 0) {
		if (ew_cp_long(val, 10, &n) != 0)
			return EW_CP_UNREAD;
		e->id = n;
	} else if (strcmp(key, "Task") == 0 || strcmp(key, "Task Category") == 0) {
		ew_cp_set(st, &e->task, val);
	} else if (strcmp(key, "Level") == 0) {
		ew_cp_set(st, &e->level, val);
	} else if (strcmp(key, "User Name") == 0 || (strcmp(key, "User") == 0 && e->user == NULL)) {
		ew_cp_set(st, &e->user, val);
	} else if (strcmp(key, "Computer") == 0) {
		ew_cp_set(st, &e->computer, val);
	} else if (strcmp(key, "Description") == 0) {
		st->ev_desc = 1;
		desc_add(st, val);
	} else if (strcmp(key, "Opcode") != 0 && strcmp(key, "Keyword") != 0 &&
		   strcmp(key, "Keywords") != 0 && strcmp(key, "User") != 0) {
		return EW_CP_UNREAD;
	}
	return EW_CP_READ;
}

/* ---- whoami ---- */

enum { WH_NONE, WH_USER, WH_GROUP, WH_OTHER };

static const char *const group_types[] = {
	"Well-known group", "Unknown SID type", "Group", "Alias", "Label",
};

/* "NAME  TYPE  S-1-...  ATTRIBUTES": the SID word cuts the row. */
static int group_row(struct ew_cp_state *st, char *line)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_group *g;
	char *sid = strstr(line, " S-1-"), *left, *right, *end;
	size_t i, n, tl;

	if (sid == NULL)
		return EW_CP_UNREAD;
	*sid++ = '\0';
	end = sid + strcspn(sid, " ");
	right = *end ? end + 1 : end;
	*end = '\0';
	left = ew_cp_trim(line);
	right = ew_cp_trim(right);
	if (st->wh_section == WH_USER) {
		ew_cp_set(st, &p->user_name, left);
		ew_cp_set(st, &p->user_sid, sid);
		return EW_CP_READ;
	}
	g = ew_cp_grow(st, (void **)&p->groups, &p->ngroups, sizeof(*g), EW_CLIENT_GROUPS_MAX,
		       EW_CP_CUT_GROUPS, "groups");
	if (g == NULL)
		return EW_CP_SKIP;
	g->line = st->lineno;
	n = strlen(left);
	for (i = 0; i < sizeof(group_types) / sizeof(group_types[0]); i++) {
		tl = strlen(group_types[i]);
		if (n > tl && strcmp(left + n - tl, group_types[i]) == 0 && left[n - tl - 1] == ' ') {
			g->type = ew_cp_keepz(st, group_types[i]);
			left[n - tl - 1] = '\0';
			left = ew_cp_trim(left);
			break;
		}
	}
	ew_cp_set(st, &g->name, left);
	ew_cp_set(st, &g->sid, sid);
	ew_cp_set(st, &g->attributes, right);
	g->enabled = strstr(right, "Enabled group") != NULL;
	g->deny_only = strstr(right, "Group used for deny only") != NULL;
	return EW_CP_READ;
}

/* whoami /groups /fo list: "Group Name: ...", "Type: ...", "SID: ...". */
static int group_list_line(struct ew_cp_state *st, char *line)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_group *g;
	char *key, *val;

	if (ew_cp_split(line, 0, &key, &val) != 0)
		return EW_CP_UNREAD;
	if (strcmp(key, "Group Name") == 0) {
		g = ew_cp_grow(st, (void **)&p->groups, &p->ngroups, sizeof(*g),
			       EW_CLIENT_GROUPS_MAX, EW_CP_CUT_GROUPS, "groups");
		if (g == NULL)
			return EW_CP_SKIP;
		g->line = st->lineno;
		ew_cp_set(st, &g->name, val);
		return EW_CP_READ;
	}
	if (p->ngroups == 0 || p->groups[p->ngroups - 1].line == 0)
		return EW_CP_UNREAD;
	g = &p->groups[p->ngroups - 1];
	if (strcmp(key, "Type") == 0) {
		ew_cp_set(st, &g->type, val);
	} else if (strcmp(key, "SID") == 0) {
		ew_cp_set(st, &g->sid, val);
	} else if (strcmp(key, "Attributes") == 0) {
		ew_cp_set(st, &g->attributes, val);
		g->enabled = strstr(val, "Enabled group") != NULL;
		g->deny_only = strstr(val, "Group used for deny only") != NULL;
	} else {
		return EW_CP_UNREAD;
	}
	return EW_CP_READ;
}

int ew_cp_whoami_line(struct ew_cp_state *st, char *raw, char *line)
{
	(void)raw;
	if (*line == '\0')
		return EW_CP_READ;
	st->p->whoami_seen = 1;
	if (strcmp(line, "USER INFORMATION") == 0) {
		st->wh_section = WH_USER;
		return EW_CP_READ;
	}
	if (strcmp(line, "GROUP INFORMATION") == 0) {
		st->wh_section = WH_GROUP;
		return EW_CP_READ;
	}
	if (strcmp(line, "PRIVILEGES INFORMATION") == 0 ||
	    strcmp(line, "USER CLAIMS INFORMATION") == 0) {
		st->wh_section = WH_OTHER;
		return EW_CP_READ;
	}
	if (st->wh_section == WH_OTHER)
		return EW_CP_SKIP;	/* privileges and claims: not read */
	if (strspn(line, "-") == strlen(line) || strspn(line, "= ") == strlen(line))
		return EW_CP_READ;
	if (strncmp(line, "User Name ", 10) == 0 || strncmp(line, "Group Name ", 11) == 0)
		return EW_CP_READ;	/* the table's column names */
	if (st->wh_section == WH_NONE)
		return EW_CP_UNREAD;
	if (st->wh_section == WH_GROUP &&
	    (strncmp(line, "Group Name:", 11) == 0 || strncmp(line, "Type:", 5) == 0 ||
	     strncmp(line, "SID:", 4) == 0 || strncmp(line, "Attributes:", 11) == 0))
		return group_list_line(st, line);
	return group_row(st, line);
}

/* ---- setspn ---- */

static int add_spn(struct ew_cp_state *st, enum ew_client_spn_source src, const char *account,
	const char *spn)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_spn *s;

	s = ew_cp_grow(st, (void **)&p->spns, &p->nspns, sizeof(*s), EW_CLIENT_SPNS_MAX,
		       EW_CP_CUT_SPNS, "SPNs");
	if (s == NULL)
		return EW_CP_SKIP;
	s->source = src;
	s->line = st->lineno;
	s->account = account ? ew_cp_keepz(st, account) : NULL;
	s->spn = ew_cp_keepz(st, spn);
	return EW_CP_READ;
}

static void set_owned(char **dst, const char *s, size_t n, struct ew_cp_state *st)
{
	free(*dst);
	*dst = strndup(s, n);
	if (*dst == NULL)
		st->p->oom = 1;
}

int ew_cp_setspn_line(struct ew_cp_state *st, char *raw, char *line)
{
	struct ew_client_setspn *ss = &st->p->setspn;
	const char *s;
	long n;
	size_t len = strlen(line);

	ss->seen = 1;
	if (*line == '\0') {
		free(st->spn_dup);
		st->spn_dup = NULL;
		return EW_CP_READ;
	}
	if (strncmp(line, "Checking domain ", 16) == 0) {
		ew_cp_set(st, &ss->domain, line + 16);
		free(st->spn_account);
		st->spn_account = NULL;
		return EW_CP_READ;
	}
	if (strcmp(line, "Existing SPN found!") == 0) {
		ss->found = 1;
		return EW_CP_READ;
	}
	if (strcmp(line, "No such SPN found.") == 0) {
		ss->found = 0;
		return EW_CP_READ;
	}
	if (strncmp(line, "Processing entry ", 17) == 0)
		return EW_CP_READ;
	if (strncmp(line, "found ", 6) == 0 && strstr(line, " of duplicate SPNs") &&
	    ew_cp_long(line + 6, 10, &n) == 0) {
		ss->duplicate_groups = (int)n;
		return EW_CP_READ;
	}
	if (strncmp(line, "Registered ServicePrincipalNames for ", 37) == 0 && len > 38 &&
	    line[len - 1] == ':') {
		set_owned(&st->spn_account, line + 37, len - 38, st);
		return EW_CP_READ;
	}
	s = strstr(line, " is registered on these accounts:");
	if (s && s > line) {
		set_owned(&st->spn_dup, line, (size_t)(s - line), st);
		return EW_CP_READ;
	}
	if (strncmp(line, "CN=", 3) == 0) {
		if (st->spn_dup && raw[0] == ' ')
			return add_spn(st, EW_CLIENT_SPN_DUPLICATE, line, st->spn_dup);
		set_owned(&st->spn_account, line, len, st);
		return EW_CP_READ;
	}
	if (st->spn_account && strchr(line, '/') && !strchr(line, ' '))
		return add_spn(st, EW_CLIENT_SPN_LISTED, st->spn_account, line);
	return EW_CP_UNREAD;
}

/* ---- nltest /dsgetdc: ---- */

static struct ew_client_dc *new_dc(struct ew_cp_state *st)
{
	struct ew_client_paste *p = st->p;

	if (p->ndcs >= EW_CLIENT_SMALL_MAX) {
		st->dc = -1;
		return NULL;
	}
	memset(&p->dcs[p->ndcs], 0, sizeof(p->dcs[0]));
	p->dcs[p->ndcs].line = st->lineno;
	st->dc = (long)p->ndcs++;
	return &p->dcs[st->dc];
}

int ew_cp_nltest_line(struct ew_cp_state *st, char *raw, char *line)
{
	struct ew_client_dc *d;
	char *key, *val;

	(void)raw;
	if (*line == '\0')
		return EW_CP_READ;
	if (strncmp(line, "Getting DC name failed", 22) == 0) {
		d = new_dc(st);
		if (d == NULL)
			return EW_CP_SKIP;
		ew_cp_set(st, &d->error, line);
		return EW_CP_READ;
	}
	if (strncmp(line, "The command completed successfully", 34) == 0) {
		if (st->dc >= 0)
			st->p->dcs[st->dc].ok = 1;
		return EW_CP_READ;
	}
	if (ew_cp_split(line, 0, &key, &val) != 0)
		return EW_CP_UNREAD;
	if (strcmp(key, "DC") == 0) {
		d = new_dc(st);
		if (d == NULL)
			return EW_CP_SKIP;
		ew_cp_set(st, &d->dc, val);
		return EW_CP_READ;
	}
	if (st->dc < 0)
		return st->p->ndcs >= EW_CLIENT_SMALL_MAX ? EW_CP_SKIP : EW_CP_UNREAD;
	d = &st->p->dcs[st->dc];
	if (strcmp(key, "Address") == 0)
		ew_cp_set(st, &d->address, val);
	else if (strcmp(key, "Dom Name") == 0)
		ew_cp_set(st, &d->domain, val);
	else if (strcmp(key, "Forest Name") == 0)
		ew_cp_set(st, &d->forest, val);
	else if (strcmp(key, "Dc Site Name") == 0)
		ew_cp_set(st, &d->dc_site, val);
	else if (strcmp(key, "Our Site Name") == 0)
		ew_cp_set(st, &d->our_site, val);
	else if (strcmp(key, "Flags") == 0)
		ew_cp_set(st, &d->flags, val);
	else if (strcmp(key, "Dom Guid") != 0)
		return EW_CP_UNREAD;
	return EW_CP_READ;
}
