/*
 * clientparse.h - what a Windows client showed, read from the text a user
 * pasted or saved: klist (and klist tgt), ipconfig /displaydns, ipconfig /all,
 * whoami /groups (and /all), event text (wevtutil qe ... /f:text or the Event
 * Viewer's copy), setspn -Q / -X / -L and nltest /dsgetdc:.
 *
 * Pure: bytes in, typed records out; no network, no terminal. The input may
 * be UTF-16LE (what PowerShell's > writes) or UTF-8, with or without a byte
 * order mark, or an ANSI/OEM code page (bytes that are not UTF-8 become
 * U+FFFD); lines may end in CRLF, LF or CR alone; tabs count as spaces. The
 * kind of each block is recognised from its content, several kinds may follow
 * each other in one paste. Output in another display language than English
 * is named as such ("this looks like German klist output: not read yet"),
 * not misread. Lines no parser could read are counted and the first
 * EW_CLIENT_UNREAD_KEEP of them kept. Every string kept is cleaned (text.h),
 * and memory is bounded: the input is cut at EW_CLIENT_INPUT_MAX bytes and
 * each kind of record at its own maximum, each cut said in a note.
 */
#ifndef EW_CLIENTPARSE_H
#define EW_CLIENTPARSE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define EW_CLIENT_INPUT_MAX (4u << 20)	/* bytes of input read */
#define EW_CLIENT_FIELD_MAX 1024	/* bytes of one value kept, before cleaning */
#define EW_CLIENT_UNREAD_KEEP 64	/* unread lines kept (all are counted) */
#define EW_CLIENT_NOTES_MAX 64
#define EW_CLIENT_BLOCKS_MAX 256
#define EW_CLIENT_TICKETS_MAX 1024
#define EW_CLIENT_DNS_MAX 4096
#define EW_CLIENT_GROUPS_MAX 2048
#define EW_CLIENT_EVENTS_MAX 1024
#define EW_CLIENT_SPNS_MAX 2048
#define EW_CLIENT_SMALL_MAX 64	/* klist headers, adapters, servers, suffixes, DCs */

enum ew_client_kind {
	EW_CLIENT_UNKNOWN = 0,	/* text before any block, or of no known kind */
	EW_CLIENT_KLIST,	/* klist, klist tickets */
	EW_CLIENT_KLIST_TGT,	/* klist tgt */
	EW_CLIENT_DISPLAYDNS,	/* ipconfig /displaydns */
	EW_CLIENT_IPCONFIG,	/* ipconfig /all */
	EW_CLIENT_WHOAMI,	/* whoami /groups, whoami /all */
	EW_CLIENT_EVENT,	/* wevtutil /f:text, Event Viewer copy */
	EW_CLIENT_SETSPN,	/* setspn -Q, -X, -L */
	EW_CLIENT_NLTEST,	/* nltest /dsgetdc: */
	EW_CLIENT_FOREIGN,	/* a known command in another display language */
	EW_CLIENT_KINDS
};

/* One block of the paste: lines first_line .. first_line + nlines - 1 (from 1). */
struct ew_client_block {
	enum ew_client_kind kind;
	enum ew_client_kind foreign_kind;	/* EW_CLIENT_FOREIGN: the command it looks like */
	const char *language;	/* "German", "French", "Spanish"...; NULL for English */
	unsigned first_line;
	unsigned nlines;
	unsigned unread;	/* lines of it no parser read */
	unsigned skipped;	/* lines of a part deliberately not read (privileges, hex dumps, XML) */
};

/* One klist run (its header; the tickets are in ew_client_paste.tickets). */
struct ew_client_klist {
	char *logon_id;		/* "0:0x3e7" */
	int stated;		/* "Cached Tickets: (N)"; -1 when not shown */
	char *error;		/* "klist failed with 0x...", "Error calling API ..." */
	unsigned block;
};

struct ew_client_ticket {
	int index;		/* #N>; -1 for klist tgt */
	int tgt_view;		/* from klist tgt */
	char *client;		/* "bob" */
	char *client_realm;	/* "EXWIZ.TEST" */
	char *server;		/* "krbtgt/EXWIZ.TEST" */
	char *server_realm;
	char *enctype;		/* "AES-256-CTS-HMAC-SHA1-96" */
	char *session_enctype;
	int has_flags;
	uint32_t flags;
	char *flag_names;	/* "forwardable renewable initial ..." */
	char *start, *end, *renew;	/* as printed, client's local time */
	int has_cache_flags;
	uint32_t cache_flags;
	char *cache_flag_names;	/* "PRIMARY" */
	char *kdc_called;	/* "dc1.exwiz.test"; NULL when not shown */
	unsigned klist;		/* index into klists */
	unsigned line;
};

enum ew_client_dns_status {
	EW_CLIENT_DNS_RECORD = 0,	/* a cached record */
	EW_CLIENT_DNS_NXDOMAIN,		/* "Name does not exist." */
	EW_CLIENT_DNS_NODATA,		/* "No records of type AAAA" */
};

struct ew_client_dnsrec {
	enum ew_client_dns_status status;
	char *entry;		/* the entry's heading (the name asked for) */
	char *name;		/* Record Name */
	int type;		/* Record Type, -1 when not shown */
	char *type_name;	/* "SRV", from the data line or the negative entry */
	long ttl;		/* -1 when not shown */
	int data_length;	/* -1 when not shown */
	char *section;		/* "Answer", "Additional", "Authority" */
	char *data;		/* A/AAAA address, CNAME/PTR/NS name, SRV target */
	int srv_priority, srv_weight, srv_port;	/* -1 unless SRV */
	unsigned line;
};

struct ew_client_adapter {
	char *name;		/* "Ethernet adapter Ethernet0" */
	char *suffix;		/* Connection-specific DNS Suffix; NULL when empty */
	char *dns_servers[EW_CLIENT_SMALL_MAX];
	size_t ndns;
};

struct ew_client_ipconfig {
	int seen;
	char *host_name;
	char *primary_suffix;	/* NULL when empty */
	char *search[EW_CLIENT_SMALL_MAX];	/* DNS Suffix Search List */
	size_t nsearch;
	struct ew_client_adapter *adapters[EW_CLIENT_SMALL_MAX];
	size_t nadapters;
};

struct ew_client_group {
	char *name;		/* "EXWIZ\\Domain Users" */
	char *type;		/* "Well-known group", "Group", "Alias", "Label" */
	char *sid;		/* "S-1-5-21-...-513" */
	char *attributes;
	int enabled;		/* "Enabled group" among the attributes */
	int deny_only;		/* "Group used for deny only" */
	unsigned line;
};

struct ew_client_event {
	int index;		/* Event[N]; -1 for an Event Viewer copy */
	long id;		/* Event ID; -1 when not shown */
	char *log, *source, *date, *task, *level, *user, *computer;
	char *description;	/* lines joined by a space */
	char *spn;		/* the server named in the description */
	char *failure_code;	/* "0xc000005e", "KRB_AP_ERR_MODIFIED" */
	char *failure_text;	/* "There are currently no logon servers ..." */
	unsigned line;
};

enum ew_client_spn_source {
	EW_CLIENT_SPN_LISTED = 0,	/* setspn -Q / -L: an SPN of an account */
	EW_CLIENT_SPN_DUPLICATE,	/* setspn -X: an SPN on several accounts */
};

struct ew_client_spn {
	enum ew_client_spn_source source;
	char *account;		/* "CN=EXCH1,CN=Computers,DC=exwiz,DC=test" */
	char *spn;
	unsigned line;
};

struct ew_client_setspn {
	int seen;
	char *domain;		/* "DC=exwiz,DC=test" (the last one checked) */
	int found;		/* 1 "Existing SPN found!", 0 "No such SPN found.", -1 */
	int duplicate_groups;	/* "found N group(s) of duplicate SPNs"; -1 */
};

struct ew_client_dc {
	char *dc;		/* "\\\\DC1.exwiz.test" as printed */
	char *address;
	char *domain, *forest, *dc_site, *our_site, *flags;
	int ok;			/* "The command completed successfully" */
	char *error;		/* "Getting DC name failed: Status = 1355 ..." */
	unsigned line;
};

struct ew_client_line {
	unsigned line;
	enum ew_client_kind kind;	/* the block it was in */
	char *text;			/* cleaned, cut at EW_CLIENT_FIELD_MAX */
};

struct ew_client_paste {
	const char *encoding;	/* "UTF-16LE", "UTF-8", ... */
	size_t bytes;		/* of input given */
	int cut;		/* input beyond EW_CLIENT_INPUT_MAX not read */
	unsigned lines;
	unsigned invalid_bytes;	/* bytes or units that became U+FFFD */

	struct ew_client_block blocks[EW_CLIENT_BLOCKS_MAX];
	size_t nblocks;
	struct ew_client_klist klists[EW_CLIENT_SMALL_MAX];
	size_t nklists;
	struct ew_client_ticket *tickets;
	size_t ntickets;
	struct ew_client_dnsrec *dns;
	size_t ndns;
	struct ew_client_ipconfig ipconfig;
	char *user_name;	/* whoami /all, USER INFORMATION */
	char *user_sid;
	int whoami_seen;
	struct ew_client_group *groups;
	size_t ngroups;
	struct ew_client_event *events;
	size_t nevents;
	struct ew_client_setspn setspn;
	struct ew_client_spn *spns;
	size_t nspns;
	struct ew_client_dc dcs[EW_CLIENT_SMALL_MAX];
	size_t ndcs;

	unsigned unread;	/* lines no parser read, all of them */
	struct ew_client_line unread_lines[EW_CLIENT_UNREAD_KEEP];
	size_t nunread_kept;
	char *notes[EW_CLIENT_NOTES_MAX];	/* cuts, other languages: for the user */
	size_t nnotes;
	int oom;		/* an allocation failed: the result is partial */
};

/*
 * Read a paste of len bytes. NULL only when out of memory. Lines before the
 * first recognised block are read as `start` (EW_CLIENT_UNKNOWN: unread).
 */
struct ew_client_paste *ew_client_parse(const void *data, size_t len);
struct ew_client_paste *ew_client_parse_as(const void *data, size_t len,
	enum ew_client_kind start);
void ew_client_free(struct ew_client_paste **p);

/*
 * The bytes decoded to UTF-8 (tabs kept, NULs and invalid bytes as U+FFFD),
 * at most EW_CLIENT_INPUT_MAX of input read; *encoding names what was found.
 * *outlen its length; NULL when out of memory.
 */
char *ew_client_decode(const void *data, size_t len, const char **encoding,
	size_t *outlen, unsigned *invalid);

/* "klist", "displaydns", ... */
const char *ew_client_kind_name(enum ew_client_kind k);
/* "ipconfig /displaydns", ... (the command to run on the client) */
const char *ew_client_kind_command(enum ew_client_kind k);

/* The result as JSON for the transcript and --json; NULL when out of memory. */
json_t *ew_client_to_json(const struct ew_client_paste *p);

#endif
