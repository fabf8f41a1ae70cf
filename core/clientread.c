/*
 * clientread.c - a paste of client output decoded, cut into lines and blocks,
 * each block given to the reader of its kind; the helpers the readers share.
 */
#include "clientread.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clientparse.h"
#include "text.h"

/* ---- decoding ---- */

static void put_utf8(struct ew_buf *b, uint32_t c)
{
	char u[4];

	if (c == '\0' || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		c = 0xfffd;
	if (c < 0x80) {
		ew_buf_addc(b, (char)c);
		return;
	}
	if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		ew_buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		ew_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		ew_buf_add(b, u, 4);
	}
}

/* UTF-16 without a mark: text of ASCII characters has every other byte 0. */
static int looks_utf16(const unsigned char *s, size_t n, int *big)
{
	size_t i, m = n < 512 ? n : 512, zodd = 0, zeven = 0;

	if (m < 4)
		return 0;
	m &= ~(size_t)1;
	for (i = 0; i < m; i += 2) {
		zeven += s[i] == 0;
		zodd += s[i + 1] == 0;
	}
	if (zodd * 10 >= (m / 2) * 7 && zeven * 10 < m / 2) {
		*big = 0;
		return 1;
	}
	if (zeven * 10 >= (m / 2) * 7 && zodd * 10 < m / 2) {
		*big = 1;
		return 1;
	}
	return 0;
}

char *ew_client_decode(const void *data, size_t len, const char **encoding,
	size_t *outlen, unsigned *invalid)
{
	const unsigned char *s = data;
	struct ew_buf b = {0};
	size_t i = 0, n;
	unsigned bad = 0;
	uint32_t c, d;
	int big = 0, utf16 = 0;
	const char *enc = "UTF-8";
	char *out;

	if (s == NULL)
		len = 0;
	if (len > EW_CLIENT_INPUT_MAX)
		len = EW_CLIENT_INPUT_MAX;
	if (len >= 2 && s[0] == 0xff && s[1] == 0xfe) {
		utf16 = 1, i = 2, enc = "UTF-16LE with byte order mark";
	} else if (len >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		utf16 = 1, big = 1, i = 2, enc = "UTF-16BE with byte order mark";
	} else if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		i = 3, enc = "UTF-8 with byte order mark";
	} else if (looks_utf16(s, len, &big)) {
		utf16 = 1, enc = big ? "UTF-16BE" : "UTF-16LE";
	}
	ew_buf_add(&b, "", 0);
	if (utf16) {
		while (i + 1 < len) {
			c = big ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
			i += 2;
			if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
				d = big ? (uint32_t)(s[i] << 8 | s[i + 1]) :
					  (uint32_t)(s[i + 1] << 8 | s[i]);
				if (d >= 0xdc00 && d <= 0xdfff) {
					c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
					i += 2;
				}
			}
			if (c == 0 || (c >= 0xd800 && c <= 0xdfff))
				bad++;
			put_utf8(&b, c);
		}
		if (i < len) {	/* an odd byte at the end */
			bad++;
			put_utf8(&b, 0xfffd);
		}
	} else {
		size_t ascii = 1;

		while (i < len) {
			n = ew_utf8_decode(s + i, len - i, &c);
			if (n == 0 || c == 0) {
				if (s[i] != 0)
					ascii = 0;
				bad++;
				put_utf8(&b, 0xfffd);
				i++;
				continue;
			}
			if (n > 1)
				ascii = 0;
			put_utf8(&b, c);
			i += n;
		}
		if (bad && !ascii)
			enc = "not UTF-8 (an ANSI or OEM code page?)";
	}
	if (b.oom) {
		ew_buf_reset(&b);
		return NULL;
	}
	if (encoding)
		*encoding = enc;
	if (invalid)
		*invalid = bad;
	if (outlen)
		*outlen = b.len;
	out = ew_buf_take(&b);
	return out;
}

/* ---- shared helpers ---- */

char *ew_cp_keep(struct ew_cp_state *st, const char *s, size_t n)
{
	char *r;

	if (n > EW_CLIENT_FIELD_MAX) {
		n = EW_CLIENT_FIELD_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;	/* not in the middle of a character */
	}
	r = ew_text_clean(s, n);
	if (r == NULL)
		st->p->oom = 1;
	return r;
}

char *ew_cp_keepz(struct ew_cp_state *st, const char *s)
{
	return ew_cp_keep(st, s ? s : "", s ? strlen(s) : 0);
}

void ew_cp_set(struct ew_cp_state *st, char **dst, const char *s)
{
	free(*dst);
	*dst = (s && *s) ? ew_cp_keepz(st, s) : NULL;
}

void ew_cp_note(struct ew_cp_state *st, const char *fmt, ...)
{
	struct ew_client_paste *p = st->p;
	va_list ap;
	char *s;

	if (p->nnotes >= EW_CLIENT_NOTES_MAX)
		return;
	va_start(ap, fmt);
	s = ew_vstrprintf_clean(fmt, ap);
	va_end(ap);
	if (s == NULL) {
		p->oom = 1;
		return;
	}
	p->notes[p->nnotes++] = s;
}

void *ew_cp_grow(struct ew_cp_state *st, void **arr, size_t *n, size_t size,
	size_t max, int cut, const char *what)
{
	char *a;
	size_t cap;

	if (*n >= max) {
		if (!st->cut_said[cut]) {
			st->cut_said[cut] = 1;
			ew_cp_note(st, "more than %zu %s in the paste: the rest not read", max, what);
		}
		return NULL;
	}
	/* capacity steps of 16, doubling: realloc when n is 0, 16, 32, 64 ... */
	cap = 16;
	while (cap < *n)
		cap *= 2;
	if (*n == 0 || *n == cap) {
		a = realloc(*arr, (*n == 0 ? 16 : cap * 2) * size);
		if (a == NULL) {
			st->p->oom = 1;
			return NULL;
		}
		*arr = a;
	}
	a = (char *)*arr + *n * size;
	memset(a, 0, size);
	(*n)++;
	return a;
}

char *ew_cp_trim(char *s)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

int ew_cp_prefix(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

const char *ew_cp_sep(const char *line, int dotted)
{
	const char *c = line;

	for (;;) {
		c = strchr(c, ':');
		if (c == NULL)
			return NULL;
		if (!dotted || (c > line && (c[-1] == ' ' || c[-1] == '.')))
			return c;
		c++;
	}
}

int ew_cp_split(char *line, int dotted, char **key, char **val)
{
	char *c = (char *)ew_cp_sep(line, dotted), *k;
	size_t n;

	if (c == NULL)
		return -1;
	*c = '\0';
	k = ew_cp_trim(line);
	n = strlen(k);
	while (n > 0 && (k[n - 1] == '.' || k[n - 1] == ' '))
		k[--n] = '\0';
	if (n == 0)
		return -1;
	*key = k;
	*val = ew_cp_trim(c + 1);
	return 0;
}

int ew_cp_long(const char *s, int base, long *out)
{
	char *end;
	unsigned long u;

	while (*s == ' ')
		s++;
	if (!((*s >= '0' && *s <= '9') || (base == 16 && strchr("abcdefABCDEF", *s) && *s)))
		return -1;
	u = strtoul(s, &end, base);
	if (end == s || u > 0xffffffffUL)
		return -1;
	*out = (long)u;
	return 0;
}

/*
 * The first lines of the commands in other display languages: seen, the block
 * is named and not read. Only words in ASCII: the same output saved in an
 * OEM code page has its accented letters as U+FFFD here.
 */
static const struct foreign {
	const char *start;
	const char *language;
	enum ew_client_kind kind;
} foreign_marks[] = {
	{ "Aktuelle Anmelde-ID", "German", EW_CLIENT_KLIST },
	{ "Zwischengespeicherte Tickets", "German", EW_CLIENT_KLIST },
	{ "Windows-IP-Konfiguration", "German", EW_CLIENT_IPCONFIG },
	{ "GRUPPENINFORMATIONEN", "German", EW_CLIENT_WHOAMI },
	{ "Protokollname:", "German", EW_CLIENT_EVENT },
	{ "ID d", "French", EW_CLIENT_KLIST },	/* "ID d'ouverture de session actuelle" */
	{ "Tickets mis en cache", "French", EW_CLIENT_KLIST },
	{ "Configuration IP de Windows", "French", EW_CLIENT_IPCONFIG },
	{ "INFORMATIONS DE GROUPE", "French", EW_CLIENT_WHOAMI },
	{ "Nom du journal", "French", EW_CLIENT_EVENT },
	{ "Id. de inicio de sesi", "Spanish", EW_CLIENT_KLIST },
	{ "Vales almacenados en cach", "Spanish", EW_CLIENT_KLIST },
	{ "Tickets almacenados en cach", "Spanish", EW_CLIENT_KLIST },
	{ "Configuraci", "Spanish", EW_CLIENT_IPCONFIG },	/* "Configuración IP de Windows" */
	{ "INFORMACI", "Spanish", EW_CLIENT_WHOAMI },	/* "INFORMACIÓN DE GRUPO" */
	{ "ID di accesso corrente", "Italian", EW_CLIENT_KLIST },
	{ "Configurazione IP di Windows", "Italian", EW_CLIENT_IPCONFIG },
	{ "Huidige aanmeldings-id", "Dutch", EW_CLIENT_KLIST },
	{ "Windows IP-configuratie", "Dutch", EW_CLIENT_IPCONFIG },
	{ "Configura", "Portuguese", EW_CLIENT_IPCONFIG },	/* "Configuração de IP do Windows" */
};

static const struct foreign *foreign_mark(const char *t)
{
	size_t i;

	for (i = 0; i < sizeof(foreign_marks) / sizeof(foreign_marks[0]); i++) {
		const struct foreign *f = &foreign_marks[i];

		if (strncmp(t, f->start, strlen(f->start)) != 0)
			continue;
		/* the short ones need more of the line to be sure */
		if (strcmp(f->start, "ID d") == 0 && strstr(t, "ouverture de session") == NULL)
			continue;
		if (strcmp(f->start, "Configuraci") == 0 && strstr(t, "IP de Windows") == NULL)
			continue;
		if (strcmp(f->start, "Configura") == 0 &&
		    (strstr(t, "IP do Windows") == NULL || strstr(t, "IP de Windows")))
			continue;
		if (strcmp(f->start, "INFORMACI") == 0 && strstr(t, "DE GRUPO") == NULL)
			continue;
		return f;
	}
	return NULL;
}

/* "Event[12]:" */
static int event_mark(const char *t)
{
	if (strncmp(t, "Event[", 6) != 0)
		return 0;
	t += 6;
	if (*t < '0' || *t > '9')
		return 0;
	while (*t >= '0' && *t <= '9')
		t++;
	return t[0] == ']' && t[1] == ':';
}

/* "#0>" then "Client:" */
static int ticket_mark(const char *t)
{
	if (*t++ != '#' || *t < '0' || *t > '9')
		return 0;
	while (*t >= '0' && *t <= '9')
		t++;
	if (*t++ != '>')
		return 0;
	while (*t == ' ')
		t++;
	return strncmp(t, "Client:", 7) == 0;
}

/*
 * The kind a line starts a block of, or EW_CLIENT_UNKNOWN. *fresh: it starts
 * a new block even after one of the same kind.
 */
static enum ew_client_kind mark_of(const struct ew_cp_state *st, const char *t, int col0,
	int *fresh, const struct foreign **f)
{
	*fresh = 0;
	*f = NULL;
	if (strncmp(t, "Current LogonId is ", 19) == 0) {
		*fresh = 1;
		return EW_CLIENT_KLIST;
	}
	if (strncmp(t, "Targeted LogonId is ", 20) == 0) {	/* klist -li: after the line above */
		*fresh = st->kind != EW_CLIENT_KLIST || st->ticket >= 0;
		return EW_CLIENT_KLIST;
	}
	if (strncmp(t, "Cached Tickets: (", 17) == 0) {
		/* a second list in the same block is a new block */
		*fresh = st->kind != EW_CLIENT_KLIST || st->ticket >= 0 ||
			 (st->klist >= 0 && st->p->klists[st->klist].block == (unsigned)st->block &&
			  st->p->klists[st->klist].stated >= 0);
		return EW_CLIENT_KLIST;
	}
	if (strcmp(t, "Cached TGT:") == 0)
		return EW_CLIENT_KLIST_TGT;
	if (ticket_mark(t))
		return EW_CLIENT_KLIST;
	if (strcmp(t, "Windows IP Configuration") == 0) {
		*fresh = 1;
		return EW_CLIENT_IPCONFIG;
	}
	if (strcmp(t, "GROUP INFORMATION") == 0 || strcmp(t, "USER INFORMATION") == 0 ||
	    strcmp(t, "PRIVILEGES INFORMATION") == 0)
		return EW_CLIENT_WHOAMI;
	if (event_mark(t) || (col0 && strncmp(t, "Log Name:", 9) == 0))
		return EW_CLIENT_EVENT;
	if (strncmp(t, "Checking domain ", 16) == 0 ||
	    strncmp(t, "Registered ServicePrincipalNames for ", 37) == 0)
		return EW_CLIENT_SETSPN;
	if (strncmp(t, "DC: \\\\", 6) == 0 || strncmp(t, "Getting DC name failed", 22) == 0)
		return EW_CLIENT_NLTEST;
	*f = foreign_mark(t);
	if (*f) {
		*fresh = 1;
		return EW_CLIENT_FOREIGN;
	}
	return EW_CLIENT_UNKNOWN;
}

static void end_block(struct ew_cp_state *st)
{
	if (st->kind == EW_CLIENT_EVENT)
		ew_cp_event_end(st);
	if (st->dns_pending)	/* a line that no dashes followed */
		ew_cp_unread(st, st->dns_pending_line, st->dns_pending);
	st->ticket = -1;
	st->hexdump = 0;
	st->ip_undecided = 0;
	st->ip_key = 0;
	st->adapter = -1;
	st->dnsrec = -1;
	st->srv_next = 0;
	free(st->dns_pending);
	free(st->dns_entry);
	st->dns_pending = st->dns_entry = NULL;
	st->wh_section = 0;
	free(st->spn_account);
	free(st->spn_dup);
	st->spn_account = st->spn_dup = NULL;
}

static int start_block(struct ew_cp_state *st, enum ew_client_kind kind, const struct foreign *f)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_block *b;

	end_block(st);
	if (p->nblocks >= EW_CLIENT_BLOCKS_MAX) {
		if (!st->cut_said[EW_CP_CUT_SMALL]) {
			st->cut_said[EW_CP_CUT_SMALL] = 1;
			ew_cp_note(st, "more than %d blocks of output in the paste: the rest not read",
				   EW_CLIENT_BLOCKS_MAX);
		}
		return -1;
	}
	b = &p->blocks[p->nblocks];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->first_line = st->lineno;
	st->block = (long)p->nblocks++;
	st->kind = kind;
	if (kind == EW_CLIENT_IPCONFIG)
		st->ip_undecided = 1;
	if (f) {
		b->language = f->language;
		b->foreign_kind = f->kind;
		ew_cp_note(st, "line %u: this looks like %s %s output: not read yet", st->lineno,
			   f->language, ew_client_kind_command(f->kind));
	}
	return 0;
}

static void unread(struct ew_cp_state *st, const char *line)
{
	ew_cp_unread(st, st->lineno, line);
}

void ew_cp_unread(struct ew_cp_state *st, unsigned lineno, const char *line)
{
	struct ew_client_paste *p = st->p;
	struct ew_client_line *u;

	p->unread++;
	if (st->block >= 0)
		p->blocks[st->block].unread++;
	if (p->nunread_kept >= EW_CLIENT_UNREAD_KEEP)
		return;
	u = &p->unread_lines[p->nunread_kept];
	u->text = ew_cp_keepz(st, line);
	if (u->text == NULL)
		return;
	u->line = lineno;
	u->kind = st->kind;
	p->nunread_kept++;
}

static int read_line(struct ew_cp_state *st, char *raw, char *line)
{
	switch (st->kind) {
	case EW_CLIENT_KLIST:
	case EW_CLIENT_KLIST_TGT:
		return ew_cp_klist_line(st, raw, line);
	case EW_CLIENT_DISPLAYDNS:
		return ew_cp_displaydns_line(st, raw, line);
	case EW_CLIENT_IPCONFIG:
		return ew_cp_ipconfig_line(st, raw, line);
	case EW_CLIENT_WHOAMI:
		return ew_cp_whoami_line(st, raw, line);
	case EW_CLIENT_EVENT:
		return ew_cp_event_line(st, raw, line);
	case EW_CLIENT_SETSPN:
		return ew_cp_setspn_line(st, raw, line);
	case EW_CLIENT_NLTEST:
		return ew_cp_nltest_line(st, raw, line);
	case EW_CLIENT_FOREIGN:
		return EW_CP_SKIP;
	default:
		return *line ? EW_CP_UNREAD : EW_CP_READ;
	}
}

/* One line (NUL-terminated, tabs made spaces, no line end). */
static void one_line(struct ew_cp_state *st, char *raw)
{
	char *t = raw, *tcopy, *orig;
	const struct foreign *f;
	enum ew_client_kind k;
	int fresh, r, tries;

	while (*t == ' ')
		t++;
	if (ew_cp_trim(t)[0] == '\0') {	/* a blank line: never a block's start, never unread */
		if (st->block >= 0)
			st->p->blocks[st->block].nlines++;
		read_line(st, raw, t);
		return;
	}
	tcopy = t;
	k = mark_of(st, ew_cp_trim(tcopy), t == raw, &fresh, &f);
	if (k == EW_CLIENT_KLIST_TGT && st->kind == EW_CLIENT_KLIST && st->block >= 0 &&
	    st->ticket < 0 && st->klist >= 0 && st->p->klists[st->klist].stated < 0) {
		/* "Current LogonId is ..." then "Cached TGT:": klist tgt after all */
		st->kind = EW_CLIENT_KLIST_TGT;
		st->p->blocks[st->block].kind = EW_CLIENT_KLIST_TGT;
	} else if (k == EW_CLIENT_KLIST && st->kind == EW_CLIENT_KLIST_TGT && !fresh) {
		;	/* a #N> line in klist tgt's paste: read as klist's */
	} else if (st->kind == EW_CLIENT_FOREIGN && st->block >= 0 &&
		   ((k == EW_CLIENT_FOREIGN && f->kind == st->p->blocks[st->block].foreign_kind &&
		     strcmp(f->language, st->p->blocks[st->block].language) == 0) ||
		    (k != EW_CLIENT_FOREIGN && !fresh))) {
		;	/* more of the same other-language output */
	} else if (k != EW_CLIENT_UNKNOWN && (fresh || k != st->kind)) {
		if (start_block(st, k, f) != 0) {
			st->kind = EW_CLIENT_UNKNOWN;	/* read no more: each line counted unread */
			st->block = -1;
		}
	}
	if (st->block >= 0)
		st->p->blocks[st->block].nlines++;
	/* the readers cut the line where they split it: the line as it was,
	 * for a REDO and for the list of lines not read */
	orig = strdup(t);
	if (orig == NULL) {
		st->p->oom = 1;
		return;
	}
	for (tries = 0; tries < 3; tries++) {
		r = read_line(st, raw, t);
		if (r != EW_CP_REDO)
			break;
		strcpy(t, orig);
	}
	if (r == EW_CP_UNREAD && *orig)
		unread(st, orig);
	else if (r == EW_CP_SKIP && st->block >= 0 && *orig)
		st->p->blocks[st->block].skipped++;
	free(orig);
}

struct ew_client_paste *ew_client_parse_as(const void *data, size_t len,
	enum ew_client_kind start)
{
	struct ew_cp_state st;
	struct ew_client_paste *p;
	char *text = NULL, *s, *e;
	size_t tlen = 0;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	memset(&st, 0, sizeof(st));
	st.p = p;
	st.block = st.klist = st.ticket = st.adapter = st.dnsrec = st.event = st.dc = -1;
	p->bytes = len;
	p->setspn.found = -1;
	p->setspn.duplicate_groups = -1;
	if (len > EW_CLIENT_INPUT_MAX) {
		p->cut = 1;
		ew_cp_note(&st, "the paste is %zu bytes: only the first %u read", len,
			   EW_CLIENT_INPUT_MAX);
	}
	text = ew_client_decode(data, len, &p->encoding, &tlen, &p->invalid_bytes);
	if (text == NULL) {
		p->oom = 1;
		goto cleanup;
	}
	if (p->invalid_bytes)
		ew_cp_note(&st, "%u bytes of the paste are not text of its encoding (%s): shown "
			   "as \xef\xbf\xbd", p->invalid_bytes, p->encoding);
	if ((unsigned)start < EW_CLIENT_KINDS && start != EW_CLIENT_UNKNOWN &&
	    start != EW_CLIENT_FOREIGN) {
		st.lineno = 1;	/* the block starts at the first line */
		start_block(&st, start, NULL);
		st.lineno = 0;
	}
	for (s = text; s < text + tlen;) {
		for (e = s; e < text + tlen && *e != '\r' && *e != '\n'; e++)
			if (*e == '\t')
				*e = ' ';
		if (e < text + tlen) {
			if (*e == '\r' && e + 1 < text + tlen && e[1] == '\n')
				*e++ = '\0';
			*e++ = '\0';
		} else if (e == s) {
			break;
		}
		st.lineno++;
		p->lines = st.lineno;
		one_line(&st, s);
		s = e;
	}
cleanup:
	end_block(&st);
	ew_buf_reset(&st.desc);
	free(text);
	return p;
}

struct ew_client_paste *ew_client_parse(const void *data, size_t len)
{
	return ew_client_parse_as(data, len, EW_CLIENT_UNKNOWN);
}

