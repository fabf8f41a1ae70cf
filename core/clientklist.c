/*
 * clientklist.c - Windows klist and klist tgt output, read line by line into
 * tickets: client, server, encryption types, flags, times and the KDC called.
 * The session key and the encoded ticket of klist tgt are not kept.
 */
#include <stdlib.h>
#include <string.h>

#include "clientread.h"

static struct ew_client_klist *cur_klist(struct ew_cp_state *st)
{
	struct ew_client_paste *p = st->p;

	if (st->klist >= 0 && st->block >= 0 && (size_t)st->klist < p->nklists && p->klists[st->klist].block == (unsigned)st->block)
		return &p->klists[st->klist];
	if (p->nklists >= EW_CLIENT_SMALL_MAX) {
		if (!st->cut_said[EW_CP_CUT_SMALL + 1]) {
			st->cut_said[EW_CP_CUT_SMALL + 1] = 1;
			ew_cp_note(st, "more than %d klist outputs in the paste: the rest not read",
				   EW_CLIENT_SMALL_MAX);
		}
		return NULL;
	}
	st->klist = (long)p->nklists;
	memset(&p->klists[p->nklists], 0, sizeof(p->klists[0]));
	p->klists[p->nklists].stated = -1;
	p->klists[p->nklists].block = (unsigned)st->block;
	p->nklists++;
	return &p->klists[st->klist];
}

static struct ew_client_ticket *new_ticket(struct ew_cp_state *st, int index)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_ticket *t;

	if (cur_klist(st) == NULL)
		return NULL;
	t = ew_cp_grow(st, (void **)&p->tickets, &p->ntickets, sizeof(*t),
		       EW_CLIENT_TICKETS_MAX, EW_CP_CUT_TICKETS, "tickets");
	if (t == NULL) {
		st->ticket = -1;
		return NULL;
	}
	t->index = index;
	t->tgt_view = st->kind == EW_CLIENT_KLIST_TGT;
	t->klist = (unsigned)st->klist;
	t->line = st->lineno;
	st->ticket = (long)(p->ntickets - 1);
	return t;
}

/* "bob @ EXWIZ.TEST" into its name and realm. */
static void principal(struct ew_cp_state *st, const char *v, char **name, char **realm)
{
	const char *at = strstr(v, " @ ");

	free(*name);
	free(*realm);
	*name = *realm = NULL;
	if (at == NULL) {
		*name = *v ? ew_cp_keepz(st, v) : NULL;
		return;
	}
	*name = ew_cp_keep(st, v, (size_t)(at - v));
	if (at[3])
		*realm = ew_cp_keepz(st, at + 3);
}

/* "0x40e10000 -> forwardable renewable": the number and the names. */
static int flags(struct ew_cp_state *st, const char *v, uint32_t *out, char **names)
{
	long n;
	const char *arrow;

	if (strncmp(v, "0x", 2) != 0 || ew_cp_long(v + 2, 16, &n) != 0)
		return -1;
	*out = (uint32_t)n;
	arrow = strstr(v, "->");
	if (arrow) {
		arrow += 2;
		while (*arrow == ' ')
			arrow++;
		ew_cp_set(st, names, arrow);
	}
	return 0;
}

/* "KeyType 0x12 - AES-256-CTS-HMAC-SHA1-96": the name. */
static void keytype(struct ew_cp_state *st, const char *v, char **out)
{
	const char *dash = strstr(v, " - ");

	if (ew_cp_prefix(v, "KeyType") && dash)
		ew_cp_set(st, out, dash + 3);
	else
		ew_cp_set(st, out, v);
}

/* A line of klist's ticket list; key and val split already. */
static int ticket_field(struct ew_cp_state *st, struct ew_client_ticket *t, const char *key,
	const char *val)
{
	long n;

	if (strcmp(key, "Server") == 0) {
		principal(st, val, &t->server, &t->server_realm);
	} else if (strcmp(key, "KerbTicket Encryption Type") == 0) {
		ew_cp_set(st, &t->enctype, val);
	} else if (strcmp(key, "Start Time") == 0) {
		ew_cp_set(st, &t->start, val);
	} else if (strcmp(key, "End Time") == 0) {
		ew_cp_set(st, &t->end, val);
	} else if (strcmp(key, "Renew Time") == 0) {
		ew_cp_set(st, &t->renew, val);
	} else if (strcmp(key, "Session Key Type") == 0) {
		ew_cp_set(st, &t->session_enctype, val);
	} else if (strcmp(key, "Cache Flags") == 0) {
		if (flags(st, val, &t->cache_flags, &t->cache_flag_names) != 0) {
			if (ew_cp_long(val, 10, &n) != 0)
				return EW_CP_UNREAD;
			t->cache_flags = (uint32_t)n;
		}
		t->has_cache_flags = 1;
	} else if (strcmp(key, "Kdc Called") == 0) {
		ew_cp_set(st, &t->kdc_called, val);
	} else {
		return EW_CP_UNREAD;
	}
	return EW_CP_READ;
}

/* klist tgt's "Key      : value" lines. */
static int tgt_field(struct ew_cp_state *st, struct ew_client_ticket *t, const char *key,
	const char *val)
{
	char *s;

	if (strcmp(key, "ServiceName") == 0 || strcmp(key, "TargetName (SPN)") == 0) {
		if (t->server == NULL || strcmp(key, "TargetName (SPN)") == 0)
			ew_cp_set(st, &t->server, val);
	} else if (strcmp(key, "ClientName") == 0) {
		ew_cp_set(st, &t->client, val);
	} else if (strcmp(key, "DomainName") == 0) {
		ew_cp_set(st, &t->client_realm, val);
	} else if (strcmp(key, "TargetDomainName") == 0) {
		ew_cp_set(st, &t->server_realm, val);
	} else if (strcmp(key, "AltTargetDomainName") == 0 || strcmp(key, "TimeSkew") == 0) {
		;
	} else if (strcmp(key, "Ticket Flags") == 0) {
		if (flags(st, val, &t->flags, &t->flag_names) != 0)
			return EW_CP_UNREAD;
		t->has_flags = 1;
	} else if (strcmp(key, "Session Key") == 0) {
		keytype(st, val, &t->session_enctype);
	} else if (strcmp(key, "StartTime") == 0) {
		ew_cp_set(st, &t->start, val);
	} else if (strcmp(key, "EndTime") == 0) {
		ew_cp_set(st, &t->end, val);
	} else if (strcmp(key, "RenewUntil") == 0) {
		ew_cp_set(st, &t->renew, val);
	} else if (strcmp(key, "EncodedTicket") == 0) {
		st->hexdump = 1;	/* the ticket's bytes follow: not kept */
		return EW_CP_SKIP;
	} else {
		return EW_CP_UNREAD;
	}
	/* "krbtgt/EXWIZ.TEST" when the SPN line gave only "krbtgt" */
	if (t->server && strcmp(t->server, "krbtgt") == 0 && t->server_realm &&
	    (s = ew_strprintf("krbtgt/%s", t->server_realm)) != NULL) {
		ew_cp_set(st, &t->server, s);
		free(s);
	}
	return EW_CP_READ;
}

/* "0000  61 82 04 ..." */
static int hexdump_line(const char *line)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (!strchr("0123456789abcdefABCDEF", line[i]) || !line[i])
			return 0;
	return line[4] == ' ';
}

int ew_cp_klist_line(struct ew_cp_state *st, char *raw, char *line)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_klist *k;
	struct ew_client_ticket *t = st->ticket >= 0 ? &p->tickets[st->ticket] : NULL;
	char *key, *val;
	long n;

	(void)raw;
	if (*line == '\0')
		return EW_CP_READ;
	if (st->hexdump) {
		if (hexdump_line(line))
			return EW_CP_SKIP;
		st->hexdump = 0;
	}
	k = cur_klist(st);	/* the block's; a new block, a new one */
	if (k == NULL)
		return EW_CP_SKIP;	/* beyond the bound, said in a note */
	if (strncmp(line, "Current LogonId is ", 19) == 0 ||
	    strncmp(line, "Targeted LogonId is ", 20) == 0) {
		/* the session listed: the targeted one when both are shown */
		ew_cp_set(st, &k->logon_id, strstr(line, " is ") + 4);
		return EW_CP_READ;
	}
	if (strncmp(line, "Cached Tickets: (", 17) == 0) {
		if (ew_cp_long(line + 17, 10, &n) != 0)
			return EW_CP_UNREAD;
		k->stated = (int)n;
		return EW_CP_READ;
	}
	if (strcmp(line, "Cached TGT:") == 0)
		return new_ticket(st, -1) ? EW_CP_READ : EW_CP_SKIP;
	if (ew_cp_prefix(line, "klist failed") || ew_cp_prefix(line, "Error calling API")) {
		ew_cp_set(st, &k->error, line);
		return EW_CP_READ;
	}
	if (line[0] == '#') {
		char *gt = strchr(line, '>');

		if (gt == NULL || ew_cp_long(line + 1, 10, &n) != 0)
			return EW_CP_UNREAD;
		if (ew_cp_split(gt + 1, 0, &key, &val) != 0 || strcmp(key, "Client") != 0)
			return EW_CP_UNREAD;
		t = new_ticket(st, (int)n);
		if (t == NULL)
			return EW_CP_SKIP;
		principal(st, val, &t->client, &t->client_realm);
		return EW_CP_READ;
	}
	/* "Ticket Flags 0x40e10000 -> ..." has no colon in klist's list */
	if (strncmp(line, "Ticket Flags 0x", 15) == 0) {
		if (t == NULL)
			return st->ticket < 0 && p->ntickets >= EW_CLIENT_TICKETS_MAX ?
			       EW_CP_SKIP : EW_CP_UNREAD;
		if (flags(st, line + 13, &t->flags, &t->flag_names) != 0)
			return EW_CP_UNREAD;
		t->has_flags = 1;
		return EW_CP_READ;
	}
	if (line[0] == ':' && t && t->tgt_view)	/* "      : KeyLength 32 - ..." */
		return EW_CP_SKIP;
	if (ew_cp_split(line, 0, &key, &val) != 0)
		return EW_CP_UNREAD;
	if (t == NULL)	/* a ticket cut for the bound is not read on */
		return p->ntickets >= EW_CLIENT_TICKETS_MAX ? EW_CP_SKIP : EW_CP_UNREAD;
	if (t->tgt_view)
		return tgt_field(st, t, key, val);
	return ticket_field(st, t, key, val);
}
