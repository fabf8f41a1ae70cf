/*
 * clientread.h - what the readers of pasted client output (clientread.c,
 * clientklist.c, clientdns.c, clientevent.c) share: the state of one read,
 * the helpers that keep a value cleaned and bounded, and each kind's line
 * reader. Not for use outside them.
 */
#ifndef EW_CLIENTREAD_H
#define EW_CLIENTREAD_H

#include <stddef.h>

#include "clientparse.h"
#include "text.h"

/* What a line reader made of a line. */
enum { EW_CP_UNREAD = 0, EW_CP_READ = 1, EW_CP_SKIP = 2, EW_CP_REDO = 3 };

struct ew_cp_state {
	struct ew_client_paste *p;
	enum ew_client_kind kind;	/* of the current block */
	long block;			/* its index, -1 before the first */
	unsigned lineno;
	char cut_said[EW_CLIENT_KINDS + 8];	/* a record cut noted, per list */

	long klist, ticket;		/* current, -1 when none */
	int hexdump;			/* in klist tgt's EncodedTicket dump */

	int ip_undecided;		/* "Windows IP Configuration" seen, kind not yet */
	int ip_key;			/* the key continuation lines add to */
	long adapter;
	char *dns_pending;		/* displaydns: the line before the dashes */
	unsigned dns_pending_line;
	char *dns_entry;
	long dnsrec;
	int srv_next;			/* SRV continuation lines read so far */

	int wh_section;			/* whoami's current table */

	long event;
	int ev_desc, ev_xml;
	struct ew_buf desc;

	char *spn_account;		/* setspn: the account whose SPNs follow */
	char *spn_dup;			/* setspn -X: the SPN whose accounts follow */

	long dc;
};

enum { EW_CP_CUT_TICKETS = EW_CLIENT_KINDS, EW_CP_CUT_DNS, EW_CP_CUT_GROUPS,
	EW_CP_CUT_EVENTS, EW_CP_CUT_SPNS, EW_CP_CUT_SMALL, EW_CP_CUT_NOTES };

/* s[0..n) cleaned, cut at EW_CLIENT_FIELD_MAX bytes (at a character). */
char *ew_cp_keep(struct ew_cp_state *st, const char *s, size_t n);
char *ew_cp_keepz(struct ew_cp_state *st, const char *s);
/* Replace *dst by a kept copy of s (empty s gives NULL). */
void ew_cp_set(struct ew_cp_state *st, char **dst, const char *s);
void ew_cp_note(struct ew_cp_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A new zeroed element at the end of *arr (n elements of size), allocated in
 * steps; NULL when max are there (noted once under cut, with what) or out of
 * memory. */
void *ew_cp_grow(struct ew_cp_state *st, void **arr, size_t *n, size_t size,
	size_t max, int cut, const char *what);

/* Leading and trailing spaces off, in place. */
char *ew_cp_trim(char *s);
/* s starts with prefix (ASCII case-insensitive). */
int ew_cp_prefix(const char *s, const char *prefix);
/*
 * "Key . . . . : value" (dotted: the separator is the first ':' after a space
 * or a dot, so that IPv6 addresses stay whole) or "Key: value" (the first
 * ':'). The key trimmed of spaces and leader dots, the value trimmed. 0 or -1.
 */
int ew_cp_split(char *line, int dotted, char **key, char **val);
/* Where ew_cp_split would cut line, without cutting it; NULL when nowhere. */
const char *ew_cp_sep(const char *line, int dotted);
/* A line no reader could read (counted; kept while there is room). */
void ew_cp_unread(struct ew_cp_state *st, unsigned lineno, const char *text);
/* A number at s: strtol/strtoul with a check that digits were there. */
int ew_cp_long(const char *s, int base, long *out);

/* The line readers: line is trimmed of trailing spaces, raw keeps the indent. */
int ew_cp_klist_line(struct ew_cp_state *st, char *raw, char *line);
int ew_cp_displaydns_line(struct ew_cp_state *st, char *raw, char *line);
int ew_cp_ipconfig_line(struct ew_cp_state *st, char *raw, char *line);
int ew_cp_whoami_line(struct ew_cp_state *st, char *raw, char *line);
int ew_cp_event_line(struct ew_cp_state *st, char *raw, char *line);
void ew_cp_event_end(struct ew_cp_state *st);
int ew_cp_setspn_line(struct ew_cp_state *st, char *raw, char *line);
int ew_cp_nltest_line(struct ew_cp_state *st, char *raw, char *line);

#endif
