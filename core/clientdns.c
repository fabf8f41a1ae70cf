/*
 * clientdns.c - ipconfig /displaydns (the resolver cache: records, TTLs,
 * sections, negative entries) and ipconfig /all (host name, primary DNS
 * suffix, the suffix search list, each adapter's DNS servers and suffix).
 * Both start with "Windows IP Configuration"; what follows tells them apart.
 */
#include <stdlib.h>
#include <string.h>

#include "clientread.h"

static int all_dashes(const char *s)
{
	if (strlen(s) < 8)
		return 0;
	while (*s == '-')
		s++;
	return *s == '\0';
}

static int is_number(const char *s)
{
	if (*s == '\0')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == '\0';
}

static struct ew_client_dnsrec *new_rec(struct ew_cp_state *st, enum ew_client_dns_status s)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_dnsrec *r;

	st->srv_next = 0;
	r = ew_cp_grow(st, (void **)&p->dns, &p->ndns, sizeof(*r), EW_CLIENT_DNS_MAX,
		       EW_CP_CUT_DNS, "DNS cache records");
	if (r == NULL) {
		st->dnsrec = -1;
		return NULL;
	}
	r->status = s;
	r->type = r->data_length = -1;
	r->ttl = -1;
	r->srv_priority = r->srv_weight = r->srv_port = -1;
	r->line = st->lineno;
	if (st->dns_entry)
		r->entry = ew_cp_keepz(st, st->dns_entry);
	st->dnsrec = (long)(p->ndns - 1);
	return r;
}

/* "A (Host) Record" -> "A", "SRV Record" -> "SRV". */
static char *type_of(struct ew_cp_state *st, const char *key)
{
	size_t n = strcspn(key, " (");

	return ew_cp_keep(st, key, n);
}

/* A record's field; the record is NULL when it was cut for the bound. */
static int rec_field(struct ew_cp_state *st, struct ew_client_dnsrec *r, const char *key,
	const char *val)
{
	long n;
	size_t kl = strlen(key);

	if (r == NULL)
		return EW_CP_SKIP;
	if (strcmp(key, "Record Type") == 0) {
		if (ew_cp_long(val, 10, &n) != 0)
			return EW_CP_UNREAD;
		r->type = (int)n;
	} else if (strcmp(key, "Time To Live") == 0) {
		if (ew_cp_long(val, 10, &n) != 0)
			return EW_CP_UNREAD;
		r->ttl = n;
	} else if (strcmp(key, "Data Length") == 0) {
		if (ew_cp_long(val, 10, &n) != 0)
			return EW_CP_UNREAD;
		r->data_length = (int)n;
	} else if (strcmp(key, "Section") == 0) {
		ew_cp_set(st, &r->section, val);
	} else if (kl > 7 && strcmp(key + kl - 7, " Record") == 0) {
		free(r->type_name);
		r->type_name = type_of(st, key);
		ew_cp_set(st, &r->data, val);
		st->srv_next = r->type_name && strcmp(r->type_name, "SRV") == 0 ? 1 : -1;
	} else {
		return EW_CP_UNREAD;
	}
	return EW_CP_READ;
}

int ew_cp_displaydns_line(struct ew_cp_state *st, char *raw, char *line)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_dnsrec *r = st->dnsrec >= 0 ? &p->dns[st->dnsrec] : NULL;
	char *key, *val;
	long n;

	(void)raw;
	if (*line == '\0' || strcmp(line, "Windows IP Configuration") == 0) {
		st->srv_next = 0;
		return EW_CP_READ;
	}
	if (all_dashes(line)) {
		free(st->dns_entry);
		st->dns_entry = st->dns_pending;	/* the heading above the dashes */
		st->dns_pending = NULL;
		st->dnsrec = -1;
		st->srv_next = 0;
		return st->dns_entry ? EW_CP_READ : EW_CP_UNREAD;
	}
	if (strcmp(line, "Name does not exist.") == 0) {
		r = new_rec(st, EW_CLIENT_DNS_NXDOMAIN);
		if (r && st->dns_entry)
			r->name = ew_cp_keepz(st, st->dns_entry);
		return r ? EW_CP_READ : EW_CP_SKIP;
	}
	if (strncmp(line, "No records of type ", 19) == 0) {
		r = new_rec(st, EW_CLIENT_DNS_NODATA);
		if (r) {
			if (st->dns_entry)
				r->name = ew_cp_keepz(st, st->dns_entry);
			ew_cp_set(st, &r->type_name, line + 19);
		}
		return r ? EW_CP_READ : EW_CP_SKIP;
	}
	if (st->srv_next != 0 && ew_cp_sep(line, 1) == NULL && is_number(line)) {
		/* SRV: priority, weight, port under the target; other types' lines skipped */
		if (st->srv_next < 0 || r == NULL)
			return EW_CP_SKIP;
		if (ew_cp_long(line, 10, &n) != 0 || st->srv_next > 3)
			return EW_CP_UNREAD;
		if (st->srv_next == 1)
			r->srv_priority = (int)n;
		else if (st->srv_next == 2)
			r->srv_weight = (int)n;
		else
			r->srv_port = (int)n;
		st->srv_next++;
		return EW_CP_READ;
	}
	if (st->srv_next == 1 && r && r->data == NULL && ew_cp_sep(line, 1) == NULL) {
		ew_cp_set(st, &r->data, line);	/* the target on a line of its own */
		return EW_CP_READ;
	}
	if (ew_cp_sep(line, 1) == NULL) {
		/* a heading, if dashes follow */
		if (st->dns_pending)
			ew_cp_unread(st, st->dns_pending_line, st->dns_pending);
		free(st->dns_pending);
		st->dns_pending = strdup(line);
		st->dns_pending_line = st->lineno;
		if (st->dns_pending == NULL)
			p->oom = 1;
		st->srv_next = 0;
		return EW_CP_READ;
	}
	st->srv_next = 0;
	if (ew_cp_split(line, 1, &key, &val) != 0)
		return EW_CP_UNREAD;
	if (strcmp(key, "Record Name") == 0) {
		if (st->dns_pending) {	/* a record without the heading and dashes */
			ew_cp_unread(st, st->dns_pending_line, st->dns_pending);
			free(st->dns_pending);
			st->dns_pending = NULL;
		}
		r = new_rec(st, EW_CLIENT_DNS_RECORD);
		if (r == NULL)
			return EW_CP_SKIP;
		ew_cp_set(st, &r->name, val);
		return EW_CP_READ;
	}
	return rec_field(st, r, key, val);
}

/* ---- ipconfig /all ---- */

enum { IP_NONE, IP_SEARCH, IP_DNS, IP_OTHER };

static struct ew_client_adapter *new_adapter(struct ew_cp_state *st, const char *name)
{
	struct ew_client_ipconfig *ip = &st->p->ipconfig;
	struct ew_client_adapter *a;

	if (ip->nadapters >= EW_CLIENT_SMALL_MAX) {
		if (!st->cut_said[EW_CP_CUT_SMALL + 2]) {
			st->cut_said[EW_CP_CUT_SMALL + 2] = 1;
			ew_cp_note(st, "more than %d network adapters in the paste: the rest not read",
				   EW_CLIENT_SMALL_MAX);
		}
		st->adapter = -1;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		st->p->oom = 1;
		return NULL;
	}
	a->name = name ? ew_cp_keepz(st, name) : NULL;
	ip->adapters[ip->nadapters] = a;
	st->adapter = (long)ip->nadapters++;
	return a;
}

static int add_string(struct ew_cp_state *st, char **v, size_t *n, const char *s)
{
	if (*s == '\0')
		return EW_CP_READ;
	if (*n >= EW_CLIENT_SMALL_MAX)
		return EW_CP_SKIP;
	v[*n] = ew_cp_keepz(st, s);
	if (v[*n])
		(*n)++;
	return EW_CP_READ;
}

static int add_server(struct ew_cp_state *st, const char *s)
{
	struct ew_client_adapter *a;

	if (st->adapter < 0 && new_adapter(st, NULL) == NULL)
		return EW_CP_SKIP;
	a = st->p->ipconfig.adapters[st->adapter];
	return add_string(st, a->dns_servers, &a->ndns, s);
}

int ew_cp_ipconfig_line(struct ew_cp_state *st, char *raw, char *line)
{
	struct ew_client_ipconfig *ip = &st->p->ipconfig;
	char *key, *val;
	size_t n;

	if (*line == '\0' || strcmp(line, "Windows IP Configuration") == 0)
		return EW_CP_READ;
	if (st->ip_undecided) {
		st->ip_undecided = 0;
		if (all_dashes(line) || ew_cp_prefix(line, "Record Name") ||
		    (ew_cp_sep(line, 1) == NULL && (raw[0] == ' ' || !strchr(line, ' ')))) {
			/* a cache entry: this is ipconfig /displaydns */
			st->kind = EW_CLIENT_DISPLAYDNS;
			st->p->blocks[st->block].kind = EW_CLIENT_DISPLAYDNS;
			return EW_CP_REDO;
		}
	}
	ip->seen = 1;
	n = strlen(line);
	if (raw[0] != ' ' && n > 1 && line[n - 1] == ':' && ew_cp_sep(line, 0) == line + n - 1 &&
	    strstr(line, "adapter ")) {
		line[n - 1] = '\0';
		st->ip_key = IP_NONE;
		return new_adapter(st, line) ? EW_CP_READ : EW_CP_SKIP;
	}
	if (ew_cp_sep(line, 1) == NULL) {
		/* a paste through a chat may have lost the indent: a single word
		 * still continues a list */
		if (st->ip_key == IP_NONE || (raw[0] != ' ' && strchr(line, ' ')))
			return EW_CP_UNREAD;
		/* a continuation line of the key above: one value, a DNS server
		 * an address ("NetBIOS ov", a line cut short, is none) */
		if ((st->ip_key == IP_SEARCH || st->ip_key == IP_DNS) && strchr(line, ' '))
			return EW_CP_UNREAD;
		if (st->ip_key == IP_SEARCH)
			return add_string(st, ip->search, &ip->nsearch, line);
		if (st->ip_key == IP_DNS)
			return line[strspn(line, "0123456789abcdefABCDEF:.%")] == '\0' ?
			       add_server(st, line) : EW_CP_UNREAD;
		return EW_CP_READ;
	}
	if (ew_cp_split(line, 1, &key, &val) != 0)
		return EW_CP_UNREAD;
	st->ip_key = IP_OTHER;
	if (strcmp(key, "Host Name") == 0) {
		ew_cp_set(st, &ip->host_name, val);
	} else if (strcmp(key, "Primary Dns Suffix") == 0) {
		ew_cp_set(st, &ip->primary_suffix, val);
	} else if (strcmp(key, "DNS Suffix Search List") == 0) {
		st->ip_key = IP_SEARCH;
		return add_string(st, ip->search, &ip->nsearch, val);
	} else if (strcmp(key, "DNS Servers") == 0) {
		st->ip_key = IP_DNS;
		return add_server(st, val);
	} else if (strcmp(key, "Connection-specific DNS Suffix") == 0) {
		if (st->adapter < 0 && new_adapter(st, NULL) == NULL)
			return EW_CP_SKIP;
		ew_cp_set(st, &ip->adapters[st->adapter]->suffix, val);
	}
	return EW_CP_READ;
}
