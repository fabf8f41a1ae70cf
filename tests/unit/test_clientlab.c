/*
 * test_clientlab.c - the lab's client files (the .txt files of
 * tests/lab/client: klist, ipconfig /displaydns, ipconfig /all, whoami /groups
 * and wevtutil output of the lab's scenario, saved as Windows writes them)
 * read by ew_client_parse(): what each one shows is read, and no line of any
 * is left unread.
 *
 * The files are found under $EXWIZ_TOP/tests/lab/client, else under
 * EW_CLIENTLAB_DIR (the source tree's, given by the Makefile).
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clientparse.h"
#include "text.h"

#ifndef EW_CLIENTLAB_DIR
#define EW_CLIENTLAB_DIR "tests/lab/client"
#endif

/* A file of tests/lab/client read; its bytes are checked to be CRLF text. */
static struct ew_client_paste *read_lab(const char *name)
{
	struct ew_client_paste *p;
	size_t len = 0, i, lf = 0, crlf = 0;
	char *buf = tu_clientlab_slurp(EW_CLIENTLAB_DIR, name, &len);

	/* as Windows writes it: every line ends in CRLF */
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			lf++;
			if (i > 0 && buf[i - 1] == '\r')
				crlf++;
		}
	}
	assert_true(lf > 0);
	assert_int_equal(crlf, lf);
	assert_int_equal(buf[len - 1], '\n');
	p = ew_client_parse(buf, len);
	free(buf);
	assert_non_null(p);
	assert_false(p->oom);
	assert_false(p->cut);
	assert_int_equal(p->invalid_bytes, 0);
	assert_int_equal(p->nnotes, 0);
	if (p->unread > 0)
		fail_msg("%s: %u line(s) unread, first line %u: \"%s\"", name, p->unread,
			 p->unread_lines[0].line, p->unread_lines[0].text);
	return p;
}

/* The one block of a file, of kind k, all of it read. */
static void assert_one_block(const struct ew_client_paste *p, enum ew_client_kind k)
{
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->blocks[0].kind, k);
	assert_null(p->blocks[0].language);
	assert_int_equal(p->blocks[0].unread, 0);
	assert_int_equal(p->blocks[0].skipped, 0);
}

static const struct ew_client_ticket *find_ticket(const struct ew_client_paste *p,
	const char *server)
{
	size_t i;

	for (i = 0; i < p->ntickets; i++)
		if (p->tickets[i].server && strcmp(p->tickets[i].server, server) == 0)
			return &p->tickets[i];
	return NULL;
}

static size_t count_prefix(const struct ew_client_paste *p, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < p->ntickets; i++)
		if (p->tickets[i].server &&
		    strncmp(p->tickets[i].server, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

/* Every ticket is alice's, from EXWIZ.TEST, got from dc1. */
static void assert_alice_tickets(const struct ew_client_paste *p)
{
	size_t i;

	for (i = 0; i < p->ntickets; i++) {
		const struct ew_client_ticket *t = &p->tickets[i];

		assert_int_equal(t->index, (int)i);
		assert_false(t->tgt_view);
		assert_string_equal(t->client, "alice");
		assert_string_equal(t->client_realm, "EXWIZ.TEST");
		assert_string_equal(t->server_realm, "EXWIZ.TEST");
		assert_string_equal(t->enctype, "AES-256-CTS-HMAC-SHA1-96");
		assert_string_equal(t->session_enctype, "AES-256-CTS-HMAC-SHA1-96");
		assert_true(t->has_flags);
		assert_true(t->has_cache_flags);
		assert_non_null(t->start);
		assert_non_null(t->end);
		assert_non_null(t->renew);
		assert_string_equal(t->kdc_called, "dc1.exwiz.test");
	}
}

static void test_broken_event(void **state)
{
	struct ew_client_paste *p = read_lab("broken-event.txt");
	const struct ew_client_event *e;

	(void)state;
	assert_one_block(p, EW_CLIENT_EVENT);
	assert_int_equal(p->nevents, 1);
	e = &p->events[0];
	assert_int_equal(e->index, 0);
	assert_int_equal(e->id, 40960);
	assert_string_equal(e->log, "System");
	assert_string_equal(e->source, "LsaSrv");
	assert_string_equal(e->level, "Warning");
	assert_string_equal(e->user, "EXWIZ\\alice");
	assert_string_equal(e->computer, "PC01.exwiz.test");
	assert_string_equal(e->spn, "exchangeRFR/ex55.exwiz.test");
	assert_string_equal(e->failure_code, "0xc000005e");
	assert_string_equal(e->failure_text,
		"There are currently no logon servers available to service the logon request.");
	ew_client_free(&p);
}

static void test_broken_klist(void **state)
{
	struct ew_client_paste *p = read_lab("broken-klist.txt");
	const struct ew_client_ticket *t;

	(void)state;
	assert_one_block(p, EW_CLIENT_KLIST);
	assert_int_equal(p->nklists, 1);
	assert_string_equal(p->klists[0].logon_id, "0:0x5a2c31");
	assert_null(p->klists[0].error);
	assert_int_equal(p->klists[0].stated, 5);
	assert_int_equal(p->ntickets, 5);
	assert_alice_tickets(p);
	/* the forwarded TGT, then the primary one */
	assert_string_equal(p->tickets[0].server, "krbtgt/EXWIZ.TEST");
	assert_string_equal(p->tickets[0].cache_flag_names, "DELEGATION");
	assert_string_equal(p->tickets[1].server, "krbtgt/EXWIZ.TEST");
	assert_int_equal(p->tickets[1].flags, 0x40e10000);
	assert_string_equal(p->tickets[1].cache_flag_names, "PRIMARY");
	assert_non_null(strstr(p->tickets[1].flag_names, "initial"));
	t = find_ticket(p, "exchangeMDB/exch1.exwiz.test");
	assert_non_null(t);
	assert_int_equal(t->flags, 0x40a10000);
	assert_int_equal(t->cache_flags, 0);
	assert_non_null(find_ticket(p, "ldap/dc1.exwiz.test"));
	assert_non_null(find_ticket(p, "cifs/dc1.exwiz.test"));
	/* the fault: no ticket for the address book referral service */
	assert_int_equal(count_prefix(p, "exchangeRFR/"), 0);
	assert_int_equal(count_prefix(p, "exchangeMDB/"), 1);
	ew_client_free(&p);
}

static void test_healthy_klist(void **state)
{
	struct ew_client_paste *p = read_lab("healthy-klist.txt");

	(void)state;
	assert_one_block(p, EW_CLIENT_KLIST);
	assert_int_equal(p->nklists, 1);
	assert_int_equal(p->klists[0].stated, 5);
	assert_int_equal(p->ntickets, 5);
	assert_alice_tickets(p);
	assert_string_equal(p->tickets[0].server, "krbtgt/EXWIZ.TEST");
	assert_string_equal(p->tickets[0].cache_flag_names, "PRIMARY");
	assert_non_null(find_ticket(p, "exchangeMDB/exch1.exwiz.test"));
	assert_non_null(find_ticket(p, "exchangeRFR/exch1.exwiz.test"));
	assert_non_null(find_ticket(p, "exchangeAB/exch1.exwiz.test"));
	assert_non_null(find_ticket(p, "ldap/dc1.exwiz.test"));
	assert_null(find_ticket(p, "exchangeRFR/ex55.exwiz.test"));
	ew_client_free(&p);
}

/* Counts of the entries of a displaydns paste by status. */
static void count_dns(const struct ew_client_paste *p, size_t *rec, size_t *nx, size_t *nodata)
{
	size_t i;

	*rec = *nx = *nodata = 0;
	for (i = 0; i < p->ndns; i++) {
		switch (p->dns[i].status) {
		case EW_CLIENT_DNS_RECORD:
			(*rec)++;
			break;
		case EW_CLIENT_DNS_NXDOMAIN:
			(*nx)++;
			break;
		case EW_CLIENT_DNS_NODATA:
			(*nodata)++;
			break;
		}
	}
}

static const struct ew_client_dnsrec *find_dns(const struct ew_client_paste *p,
	enum ew_client_dns_status status, const char *name, const char *type)
{
	size_t i;

	for (i = 0; i < p->ndns; i++) {
		const struct ew_client_dnsrec *r = &p->dns[i];

		if (r->status == status && r->name && strcmp(r->name, name) == 0 &&
		    r->type_name && strcmp(r->type_name, type) == 0)
			return r;
	}
	return NULL;
}

/* _ldap._tcp.dc._msdcs.exwiz.test SRV -> dc1:389, dc1 A in the additional section. */
static void assert_ldap_srv(const struct ew_client_paste *p)
{
	const struct ew_client_dnsrec *r;

	r = find_dns(p, EW_CLIENT_DNS_RECORD, "_ldap._tcp.dc._msdcs.exwiz.test", "SRV");
	assert_non_null(r);
	assert_int_equal(r->type, 33);
	assert_string_equal(r->section, "Answer");
	assert_string_equal(r->data, "dc1.exwiz.test");
	assert_int_equal(r->srv_priority, 0);
	assert_int_equal(r->srv_weight, 100);
	assert_int_equal(r->srv_port, 389);
	r++;
	assert_int_equal(r->status, EW_CLIENT_DNS_RECORD);
	assert_string_equal(r->entry, "_ldap._tcp.dc._msdcs.exwiz.test");
	assert_string_equal(r->name, "dc1.exwiz.test");
	assert_string_equal(r->section, "Additional");
	assert_string_equal(r->data, "127.0.0.10");
}

static void test_broken_displaydns(void **state)
{
	struct ew_client_paste *p = read_lab("broken-displaydns.txt");
	const struct ew_client_dnsrec *r = NULL;
	size_t i, rec, nx, nodata;

	(void)state;
	assert_one_block(p, EW_CLIENT_DISPLAYDNS);
	assert_int_equal(p->ndns, 7);
	count_dns(p, &rec, &nx, &nodata);
	assert_int_equal(rec, 5);
	assert_int_equal(nx, 1);
	assert_int_equal(nodata, 1);
	for (i = 0; i < p->ndns; i++)
		if (p->dns[i].status == EW_CLIENT_DNS_NXDOMAIN)
			r = &p->dns[i];
	assert_non_null(r);
	assert_string_equal(r->entry, "_kerberos._udp.exwiz.test");
	assert_null(find_dns(p, EW_CLIENT_DNS_RECORD, "_kerberos._udp.exwiz.test", "SRV"));
	r = find_dns(p, EW_CLIENT_DNS_NODATA, "ex55.exwiz.test", "AAAA");
	assert_non_null(r);
	r = find_dns(p, EW_CLIENT_DNS_RECORD, "ex55.exwiz.test", "A");
	assert_non_null(r);
	assert_string_equal(r->data, "127.0.0.12");
	assert_int_equal(r->ttl, 3562);
	r = find_dns(p, EW_CLIENT_DNS_RECORD, "exch1.exwiz.test", "A");
	assert_non_null(r);
	assert_string_equal(r->data, "127.0.0.11");
	assert_ldap_srv(p);
	ew_client_free(&p);
}

static void test_healthy_displaydns(void **state)
{
	struct ew_client_paste *p = read_lab("healthy-displaydns.txt");
	const struct ew_client_dnsrec *r;
	size_t rec, nx, nodata;

	(void)state;
	assert_one_block(p, EW_CLIENT_DISPLAYDNS);
	assert_int_equal(p->ndns, 7);
	count_dns(p, &rec, &nx, &nodata);
	assert_int_equal(rec, 7);
	assert_int_equal(nx, 0);
	assert_int_equal(nodata, 0);
	r = find_dns(p, EW_CLIENT_DNS_RECORD, "_kerberos._udp.exwiz.test", "SRV");
	assert_non_null(r);
	assert_string_equal(r->data, "dc1.exwiz.test");
	assert_int_equal(r->srv_port, 88);
	r = find_dns(p, EW_CLIENT_DNS_RECORD, "10.0.0.127.in-addr.arpa.", "PTR");
	assert_non_null(r);
	assert_int_equal(r->type, 12);
	assert_string_equal(r->data, "dc1.exwiz.test");
	assert_ldap_srv(p);
	ew_client_free(&p);
}

static void test_broken_ipconfig(void **state)
{
	struct ew_client_paste *p = read_lab("broken-ipconfig.txt");
	const struct ew_client_ipconfig *ip = &p->ipconfig;
	const struct ew_client_adapter *a;

	(void)state;
	assert_one_block(p, EW_CLIENT_IPCONFIG);
	assert_true(ip->seen);
	assert_string_equal(ip->host_name, "PC01");
	assert_string_equal(ip->primary_suffix, "exwiz.test");
	assert_int_equal(ip->nsearch, 1);
	assert_string_equal(ip->search[0], "exwiz.test");
	assert_int_equal(ip->nadapters, 1);
	a = ip->adapters[0];
	assert_string_equal(a->name, "Ethernet adapter Ethernet0");
	assert_null(a->suffix);
	assert_int_equal(a->ndns, 2);
	assert_string_equal(a->dns_servers[0], "127.0.0.2");
	assert_string_equal(a->dns_servers[1], "127.0.0.3");
	ew_client_free(&p);
}

static void test_healthy_whoami(void **state)
{
	struct ew_client_paste *p = read_lab("healthy-whoami.txt");
	const char *domain = "S-1-5-21-3623811015-3361044348-30300820-";
	size_t i, ndomain = 0;
	const struct ew_client_group *g;

	(void)state;
	assert_one_block(p, EW_CLIENT_WHOAMI);
	assert_true(p->whoami_seen);
	assert_null(p->user_name);	/* /groups, not /all */
	assert_int_equal(p->ngroups, 13);
	for (i = 0; i < p->ngroups; i++) {
		g = &p->groups[i];
		assert_non_null(g->name);
		assert_non_null(g->type);
		assert_non_null(g->sid);
		assert_false(g->deny_only);
		if (strncmp(g->sid, domain, strlen(domain)) == 0)
			ndomain++;
	}
	assert_int_equal(ndomain, 4);
	g = &p->groups[0];
	assert_string_equal(g->name, "Everyone");
	assert_string_equal(g->type, "Well-known group");
	assert_true(g->enabled);
	g = &p->groups[7];
	assert_string_equal(g->name, "EXWIZ\\Domain Users");
	assert_string_equal(g->type, "Group");
	assert_string_equal(g->sid, "S-1-5-21-3623811015-3361044348-30300820-513");
	g = &p->groups[10];
	assert_string_equal(g->name, "EXWIZ\\Printers");
	assert_string_equal(g->type, "Alias");
	assert_true(g->enabled);
	assert_non_null(strstr(g->attributes, "Local Group"));
	g = &p->groups[12];
	assert_string_equal(g->name, "Mandatory Label\\Medium Mandatory Level");
	assert_string_equal(g->type, "Label");
	assert_string_equal(g->sid, "S-1-16-8192");
	assert_null(g->attributes);
	assert_false(g->enabled);
	ew_client_free(&p);
}

/* All the broken files in one paste, as an agent collects them in a ticket. */
static void test_broken_together(void **state)
{
	static const char *const names[] = {
		"broken-ipconfig.txt", "broken-displaydns.txt", "broken-klist.txt",
		"broken-event.txt",
	};
	const char *top = getenv("EXWIZ_TOP");
	struct ew_client_paste *p;
	char path[4096], *all = NULL, *buf;
	size_t i, len = 0, total = 0;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (top && top[0])
			snprintf(path, sizeof(path), "%s/tests/lab/client/%s", top, names[i]);
		else
			snprintf(path, sizeof(path), "%s/%s", EW_CLIENTLAB_DIR, names[i]);
		buf = tu_slurp(path, &len);
		if (buf == NULL)
			fail_msg("cannot read %s", path);
		all = realloc(all, total + len);
		assert_non_null(all);
		memcpy(all + total, buf, len);
		total += len;
		free(buf);
	}
	p = ew_client_parse(all, total);
	free(all);
	assert_non_null(p);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->nblocks, 4);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_IPCONFIG);
	assert_int_equal(p->blocks[1].kind, EW_CLIENT_DISPLAYDNS);
	assert_int_equal(p->blocks[2].kind, EW_CLIENT_KLIST);
	assert_int_equal(p->blocks[3].kind, EW_CLIENT_EVENT);
	assert_int_equal(p->ipconfig.adapters[0]->ndns, 2);
	assert_int_equal(p->ndns, 7);
	assert_int_equal(p->ntickets, 5);
	assert_int_equal(p->nevents, 1);
	assert_string_equal(p->events[0].spn, "exchangeRFR/ex55.exwiz.test");
	ew_client_free(&p);
}

/* What a paste holds, counted: records of every kind. */
struct counts {
	size_t tickets, dns, groups, events, adapters, servers;
	unsigned unread;
};

static struct counts count(const struct ew_client_paste *p)
{
	struct counts c = { p->ntickets, p->ndns, p->ngroups, p->nevents,
			    p->ipconfig.nadapters, 0, p->unread };
	size_t i;

	for (i = 0; i < p->ipconfig.nadapters; i++)
		c.servers += p->ipconfig.adapters[i]->ndns;
	return c;
}

static void same_counts(const struct counts *a, const struct counts *b, const char *what)
{
	if (a->tickets != b->tickets || a->dns != b->dns || a->groups != b->groups ||
	    a->events != b->events || a->adapters != b->adapters || a->servers != b->servers ||
	    a->unread != b->unread)
		fail_msg("%s: %zu/%zu tickets, %zu/%zu DNS entries, %zu/%zu groups, %zu/%zu events, "
			 "%zu/%zu adapters, %zu/%zu servers, %u/%u unread", what, a->tickets,
			 b->tickets, a->dns, b->dns, a->groups, b->groups, a->events, b->events,
			 a->adapters, b->adapters, a->servers, b->servers, a->unread, b->unread);
}

/* buf with its CRLF line ends made LF (lf) or CR alone (otherwise). */
static char *line_ends(const char *buf, size_t len, int lf, size_t *out)
{
	char *s = malloc(len + 1);
	size_t i, o = 0;

	assert_non_null(s);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n') {
			s[o++] = lf ? '\n' : '\r';
			i++;
			continue;
		}
		s[o++] = buf[i];
	}
	*out = o;
	return s;
}

/*
 * Every reader (klist, ipconfig /displaydns, ipconfig /all, whoami, event
 * text) on the lab's real-format files: LF and CR-only line ends read as
 * CRLF does; cut anywhere, no record appears that the whole file does not
 * have and nothing fails; the files pasted one after the other, each with
 * other line ends, read as each one alone.
 */
static void test_every_reader_variants(void **state)
{
	static const char *const files[] = {
		"broken-klist.txt", "broken-displaydns.txt", "broken-ipconfig.txt",
		"healthy-whoami.txt", "broken-event.txt",
	};
	struct counts sum = {0};
	struct ew_buf mixed = {0};
	size_t f, cut, i;

	(void)state;
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len = 0, vlen;
		char *buf = tu_clientlab_slurp(EW_CLIENTLAB_DIR, files[f], &len), *v;
		struct ew_client_paste *p = ew_client_parse(buf, len), *q;
		struct counts whole = count(p), c;
		char what[128];

		assert_true(whole.tickets + whole.dns + whole.groups + whole.events +
			    whole.adapters > 0);
		for (i = 0; i < 2; i++) {
			v = line_ends(buf, len, i == 0, &vlen);
			q = ew_client_parse(v, vlen);
			assert_non_null(q);
			c = count(q);
			snprintf(what, sizeof(what), "%s with %s line ends", files[f],
				 i == 0 ? "LF" : "CR-only");
			same_counts(&c, &whole, what);
			ew_client_free(&q);
			if (f % 3 == i)	/* the paste: line ends of every kind */
				ew_buf_add(&mixed, v, vlen);
			free(v);
		}
		if (f % 3 == 2)
			ew_buf_add(&mixed, buf, len);
		for (cut = 1; cut < len; cut += 37) {
			q = ew_client_parse(buf, cut);
			assert_non_null(q);
			assert_false(q->oom);
			c = count(q);
			if (c.tickets > whole.tickets || c.dns > whole.dns ||
			    c.groups > whole.groups || c.events > whole.events ||
			    c.adapters > whole.adapters || c.servers > whole.servers)
				fail_msg("%s cut at %zu bytes: more records than whole", files[f], cut);
			ew_client_free(&q);
		}
		sum.tickets += whole.tickets;
		sum.dns += whole.dns;
		sum.groups += whole.groups;
		sum.events += whole.events;
		sum.adapters += whole.adapters;
		sum.servers += whole.servers;
		ew_client_free(&p);
		free(buf);
	}
	{
		struct ew_client_paste *p = ew_client_parse(mixed.data, mixed.len);
		struct counts c = count(p);

		assert_int_equal(p->nblocks, 5);
		same_counts(&c, &sum, "the five files in one paste, mixed line ends");
		ew_client_free(&p);
	}
	ew_buf_reset(&mixed);
}

/* Each reader's command in another display language: named, not misread. */
static void test_every_reader_foreign(void **state)
{
	static const struct { const char *text; const char *lang; enum ew_client_kind kind; } v[] = {
		{ "\r\nAktuelle Anmelde-ID ist 0:0x3e7\r\n\r\nZwischengespeicherte Tickets: (0)"
		  "\r\n", "German", EW_CLIENT_KLIST },
		{ "\r\nWindows-IP-Konfiguration\r\n\r\n    dc1.exwiz.test\r\n"
		  "    ----------------------------------------\r\n    Eintragsname . . . . . : "
		  "dc1.exwiz.test\r\n", "German", EW_CLIENT_IPCONFIG },
		{ "\r\nGRUPPENINFORMATIONEN\r\n--------------------\r\n\r\nGruppenname Typ SID "
		  "Attribute\r\n", "German", EW_CLIENT_WHOAMI },
		{ "Event[0]:\r\n  Protokollname: System\r\n  Quelle: LsaSrv\r\n  Ereignis-ID: "
		  "40960\r\n", "German", EW_CLIENT_EVENT },
		{ "\r\nINFORMATIONS DE GROUPE\r\n----------------------\r\n", "French",
		  EW_CLIENT_WHOAMI },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct ew_client_paste *p = ew_client_parse(v[i].text, strlen(v[i].text));
		int named = 0;

		assert_non_null(p);
		for (k = 0; k < p->nblocks; k++)
			named |= p->blocks[k].kind == EW_CLIENT_FOREIGN && p->blocks[k].language &&
				 strcmp(p->blocks[k].language, v[i].lang) == 0 &&
				 p->blocks[k].foreign_kind == v[i].kind;
		if (!named || p->ntickets || p->ndns || p->ngroups || p->nevents)
			fail_msg("case %zu (%s %s): not named, or misread", i, v[i].lang,
				 ew_client_kind_name(v[i].kind));
		ew_client_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_event),
		cmocka_unit_test(test_broken_klist),
		cmocka_unit_test(test_healthy_klist),
		cmocka_unit_test(test_broken_displaydns),
		cmocka_unit_test(test_healthy_displaydns),
		cmocka_unit_test(test_broken_ipconfig),
		cmocka_unit_test(test_healthy_whoami),
		cmocka_unit_test(test_broken_together),
		cmocka_unit_test(test_every_reader_variants),
		cmocka_unit_test(test_every_reader_foreign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
