/*
 * test_clientparse.c - pasted Windows client output (core/clientparse.c and
 * its readers): klist, klist tgt, ipconfig /displaydns, ipconfig /all,
 * whoami /groups and /all, wevtutil and Event Viewer event text, setspn and
 * nltest, written out below in the commands' own layout; as Windows saves
 * them (CRLF, tabs, UTF-16LE with a byte order mark), cut short, with CR
 * alone, mixed in one paste, in another language, with hostile bytes, and
 * beyond the bounds.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "clientparse.h"
#include "text.h"

/* klist on a client, as cmd.exe prints it: CRLF, a tab before each field. */
static const char KLIST[] =
	"\r\n"
	"Current LogonId is 0:0x3e4a1\r\n"
	"\r\n"
	"Cached Tickets: (2)\r\n"
	"\r\n"
	"#0>\tClient: bob @ EXWIZ.TEST\r\n"
	"\tServer: krbtgt/EXWIZ.TEST @ EXWIZ.TEST\r\n"
	"\tKerbTicket Encryption Type: AES-256-CTS-HMAC-SHA1-96\r\n"
	"\tTicket Flags 0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize \r\n"
	"\tStart Time: 12/6/2026 9:01:02 (local)\r\n"
	"\tEnd Time:   12/6/2026 19:01:02 (local)\r\n"
	"\tRenew Time: 12/13/2026 9:01:02 (local)\r\n"
	"\tSession Key Type: AES-256-CTS-HMAC-SHA1-96\r\n"
	"\tCache Flags: 0x1 -> PRIMARY \r\n"
	"\tKdc Called: dc1.exwiz.test\r\n"
	"\r\n"
	"#1>\tClient: bob @ EXWIZ.TEST\r\n"
	"\tServer: HTTP/exch1.exwiz.test @ EXWIZ.TEST\r\n"
	"\tKerbTicket Encryption Type: RSADSI RC4-HMAC(NT)\r\n"
	"\tTicket Flags 0x40a10000 -> forwardable renewable pre_authent name_canonicalize \r\n"
	"\tStart Time: 12/6/2026 9:05:10 (local)\r\n"
	"\tEnd Time:   12/6/2026 19:01:02 (local)\r\n"
	"\tRenew Time: 12/13/2026 9:01:02 (local)\r\n"
	"\tSession Key Type: RSADSI RC4-HMAC(NT)\r\n"
	"\tCache Flags: 0 \r\n"
	"\tKdc Called: dc1.exwiz.test\r\n";

static const char KLIST_TGT[] =
	"\r\n"
	"Current LogonId is 0:0x3e4a1\r\n"
	"\r\n"
	"Cached TGT:\r\n"
	"\r\n"
	"ServiceName        : krbtgt\r\n"
	"TargetName (SPN)   : krbtgt\r\n"
	"ClientName         : bob\r\n"
	"DomainName         : EXWIZ.TEST\r\n"
	"TargetDomainName   : EXWIZ.TEST\r\n"
	"AltTargetDomainName: EXWIZ.TEST\r\n"
	"Ticket Flags       : 0x40e10000 -> forwardable renewable initial pre_authent name_canonicalize \r\n"
	"Session Key        : KeyType 0x12 - AES-256-CTS-HMAC-SHA1-96\r\n"
	"                   : KeyLength 32 - 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a\r\n"
	"StartTime          : 12/6/2026 9:01:02 (local)\r\n"
	"EndTime            : 12/6/2026 19:01:02 (local)\r\n"
	"RenewUntil         : 12/13/2026 9:01:02 (local)\r\n"
	"TimeSkew           :  + 0:00 minute(s)\r\n"
	"EncodedTicket      : (size: 1100)\r\n"
	"0000  61 82 04 48 30 82 04 44:a0 03 02 01 05 a1 0c 1b  a..H0..D........\r\n"
	"0010  0a 45 58 57 49 5a 2e 54:45 53 54 a2 1f 30 1d a0  .EXWIZ.TEST..0..\r\n";

static const char DISPLAYDNS[] =
	"\r\n"
	"Windows IP Configuration\r\n"
	"\r\n"
	"    _kerberos._udp.exwiz.test\r\n"
	"    ----------------------------------------\r\n"
	"    Record Name . . . . . : _kerberos._udp.exwiz.test\r\n"
	"    Record Type . . . . . : 33\r\n"
	"    Time To Live  . . . . : 599\r\n"
	"    Data Length . . . . . : 8\r\n"
	"    Section . . . . . . . : Answer\r\n"
	"    SRV Record  . . . . . : dc1.exwiz.test\r\n"
	"                            0\r\n"
	"                            100\r\n"
	"                            88\r\n"
	"\r\n"
	"\r\n"
	"    Record Name . . . . . : dc1.exwiz.test\r\n"
	"    Record Type . . . . . : 1\r\n"
	"    Time To Live  . . . . : 599\r\n"
	"    Data Length . . . . . : 4\r\n"
	"    Section . . . . . . . : Additional\r\n"
	"    A (Host) Record . . . : 10.0.0.10\r\n"
	"\r\n"
	"\r\n"
	"    _kerberos._tcp.exwiz.test\r\n"
	"    ----------------------------------------\r\n"
	"    Name does not exist.\r\n"
	"\r\n"
	"\r\n"
	"    exch1.exwiz.test\r\n"
	"    ----------------------------------------\r\n"
	"    No records of type AAAA\r\n"
	"\r\n";

static const char IPCONFIG_ALL[] =
	"\r\n"
	"Windows IP Configuration\r\n"
	"\r\n"
	"   Host Name . . . . . . . . . . . . : PC1\r\n"
	"   Primary Dns Suffix  . . . . . . . : exwiz.test\r\n"
	"   Node Type . . . . . . . . . . . . : Hybrid\r\n"
	"   IP Routing Enabled. . . . . . . . : No\r\n"
	"   WINS Proxy Enabled. . . . . . . . : No\r\n"
	"   DNS Suffix Search List. . . . . . : exwiz.test\r\n"
	"                                       corp.exwiz.test\r\n"
	"\r\n"
	"Ethernet adapter Ethernet0:\r\n"
	"\r\n"
	"   Connection-specific DNS Suffix  . : exwiz.test\r\n"
	"   Description . . . . . . . . . . . : Intel(R) 82574L Gigabit Network Connection\r\n"
	"   Physical Address. . . . . . . . . : 00-0C-29-AA-BB-CC\r\n"
	"   DHCP Enabled. . . . . . . . . . . : No\r\n"
	"   Link-local IPv6 Address . . . . . : fe80::1c2d:3e4f:5a6b:7c8d%12(Preferred) \r\n"
	"   IPv4 Address. . . . . . . . . . . : 10.0.0.50(Preferred) \r\n"
	"   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n"
	"   Default Gateway . . . . . . . . . : 10.0.0.1\r\n"
	"   DNS Servers . . . . . . . . . . . : 10.0.0.10\r\n"
	"                                       8.8.8.8\r\n"
	"                                       fec0:0:0:ffff::1%1\r\n"
	"   NetBIOS over Tcpip. . . . . . . . : Enabled\r\n";

static const char WHOAMI_ALL[] =
	"\r\n"
	"USER INFORMATION\r\n"
	"----------------\r\n"
	"\r\n"
	"User Name SID\r\n"
	"========= ============================================\r\n"
	"exwiz\\bob S-1-5-21-1004336348-1177238915-682003330-1105\r\n"
	"\r\n"
	"\r\n"
	"GROUP INFORMATION\r\n"
	"-----------------\r\n"
	"\r\n"
	"Group Name                                 Type             SID                                           Attributes\r\n"
	"========================================== ================ ============================================= ==================================================\r\n"
	"Everyone                                   Well-known group S-1-1-0                                       Mandatory group, Enabled by default, Enabled group\r\n"
	"BUILTIN\\Users                              Alias            S-1-5-32-545                                  Mandatory group, Enabled by default, Enabled group\r\n"
	"NT AUTHORITY\\INTERACTIVE                   Well-known group S-1-5-4                                       Mandatory group, Enabled by default, Enabled group\r\n"
	"EXWIZ\\Exchange Users                       Group            S-1-5-21-1004336348-1177238915-682003330-1120 Mandatory group, Enabled by default, Enabled group\r\n"
	"BUILTIN\\Administrators                     Alias            S-1-5-32-544                                  Group used for deny only\r\n"
	"Mandatory Label\\Medium Mandatory Level     Label            S-1-16-8192\r\n"
	"\r\n"
	"\r\n"
	"PRIVILEGES INFORMATION\r\n"
	"----------------------\r\n"
	"\r\n"
	"Privilege Name                Description                    State\r\n"
	"============================= ============================== ========\r\n"
	"SeChangeNotifyPrivilege       Bypass traverse checking       Enabled\r\n"
	"SeIncreaseWorkingSetPrivilege Increase a process working set Disabled\r\n";

static const char EVENTS[] =
	"Event[0]:\r\n"
	"  Log Name: System\r\n"
	"  Source: LsaSrv\r\n"
	"  Date: 2026-12-06T09:05:11.412\r\n"
	"  Event ID: 40960\r\n"
	"  Task: N/A\r\n"
	"  Level: Warning\r\n"
	"  Opcode: Info\r\n"
	"  Keyword: Classic\r\n"
	"  User: S-1-5-21-1004336348-1177238915-682003330-1105\r\n"
	"  User Name: EXWIZ\\bob\r\n"
	"  Computer: PC1.exwiz.test\r\n"
	"  Description: \r\n"
	"The Security System detected an authentication error for the server "
	"exchangeMDB/exch1.exwiz.test. The failure code from authentication protocol Kerberos "
	"was \"The specified target is unknown or unreachable\r\n"
	" (0x80090303)\".\r\n"
	"\r\n"
	"Event[1]:\r\n"
	"  Log Name: System\r\n"
	"  Source: LsaSrv\r\n"
	"  Date: 2026-12-06T09:05:11.415\r\n"
	"  Event ID: 40961\r\n"
	"  Task: N/A\r\n"
	"  Level: Warning\r\n"
	"  Opcode: Info\r\n"
	"  Keyword: Classic\r\n"
	"  User: S-1-5-18\r\n"
	"  User Name: NT AUTHORITY\\SYSTEM\r\n"
	"  Computer: PC1.exwiz.test\r\n"
	"  Description: \r\n"
	"The Security System could not establish a secured connection with the server "
	"HTTP/exch1.exwiz.test. No authentication protocol was available.\r\n";

/* The Event Viewer's "Copy details as text". */
static const char EVENT_VIEWER[] =
	"Log Name:      System\r\n"
	"Source:        LSASRV\r\n"
	"Date:          12/6/2026 9:05:11 AM\r\n"
	"Event ID:      40960\r\n"
	"Task Category: SPNEGO (Negotiator)\r\n"
	"Level:         Warning\r\n"
	"Keywords:      Classic\r\n"
	"User:          SYSTEM\r\n"
	"Computer:      PC1.exwiz.test\r\n"
	"Description:\r\n"
	"The Security System detected an authentication error for the server ldap/dc1.exwiz.test. "
	"The failure code from authentication protocol Kerberos was \"There are currently no "
	"logon servers available to service the logon request. (0xc000005e)\".\r\n"
	"Event Xml:\r\n"
	"<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\r\n"
	"  <System>\r\n"
	"    <EventID Qualifiers=\"32768\">40960</EventID>\r\n"
	"  </System>\r\n"
	"</Event>\r\n";

static const char SETSPN_Q[] =
	"Checking domain DC=exwiz,DC=test\r\n"
	"CN=EXCH1,CN=Computers,DC=exwiz,DC=test\r\n"
	"\texchangeMDB/exch1.exwiz.test\r\n"
	"\texchangeRFR/exch1.exwiz.test\r\n"
	"\tHOST/exch1.exwiz.test\r\n"
	"\r\n"
	"Existing SPN found!\r\n";

static const char SETSPN_X[] =
	"Checking domain DC=exwiz,DC=test\r\n"
	"Processing entry 7\r\n"
	"HTTP/mail.exwiz.test is registered on these accounts:\r\n"
	"\tCN=EXCH1,CN=Computers,DC=exwiz,DC=test\r\n"
	"\tCN=svc-web,CN=Users,DC=exwiz,DC=test\r\n"
	"\r\n"
	"found 1 group of duplicate SPNs.\r\n";

static const char NLTEST[] =
	"           DC: \\\\DC1.exwiz.test\r\n"
	"      Address: \\\\10.0.0.10\r\n"
	"     Dom Guid: 5f7c2a10-8b1e-4c55-9a3d-1e2f3a4b5c6d\r\n"
	"     Dom Name: exwiz.test\r\n"
	"  Forest Name: exwiz.test\r\n"
	" Dc Site Name: Default-First-Site-Name\r\n"
	"Our Site Name: Default-First-Site-Name\r\n"
	"        Flags: PDC GC DS LDAP KDC TIMESERV WRITABLE DNS_DC DNS_DOMAIN DNS_FOREST CLOSE_SITE FULL_SECRET WS DS_8 DS_9 DS_10\r\n"
	"The command completed successfully\r\n";

static struct ew_client_paste *parse_str(const char *s)
{
	struct ew_client_paste *p = ew_client_parse(s, strlen(s));

	assert_non_null(p);
	assert_int_equal(p->oom, 0);
	return p;
}

/* s as UTF-16LE, with a byte order mark if bom. */
static unsigned char *utf16(const char *s, int bom, size_t *len)
{
	size_t n = strlen(s), i, o = 0;
	unsigned char *u = malloc(2 * n + 2);

	assert_non_null(u);
	if (bom) {
		u[o++] = 0xff;
		u[o++] = 0xfe;
	}
	for (i = 0; i < n; i++) {	/* the samples are ASCII */
		u[o++] = (unsigned char)s[i];
		u[o++] = 0;
	}
	*len = o;
	return u;
}

/* The JSON form of p, dumped: clean text, no raw control byte. */
static char *dump(const struct ew_client_paste *p)
{
	json_t *j = ew_client_to_json(p);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(s);
	assert_true(ew_text_is_clean(s, strlen(s)));
	return s;
}

static void check_klist(const struct ew_client_paste *p)
{
	const struct ew_client_ticket *t;

	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_KLIST);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->nklists, 1);
	assert_string_equal(p->klists[0].logon_id, "0:0x3e4a1");
	assert_int_equal(p->klists[0].stated, 2);
	assert_int_equal(p->ntickets, 2);
	t = &p->tickets[0];
	assert_int_equal(t->index, 0);
	assert_string_equal(t->client, "bob");
	assert_string_equal(t->client_realm, "EXWIZ.TEST");
	assert_string_equal(t->server, "krbtgt/EXWIZ.TEST");
	assert_string_equal(t->server_realm, "EXWIZ.TEST");
	assert_string_equal(t->enctype, "AES-256-CTS-HMAC-SHA1-96");
	assert_true(t->has_flags);
	assert_int_equal(t->flags, 0x40e10000);
	assert_string_equal(t->flag_names, "forwardable renewable initial pre_authent name_canonicalize");
	assert_string_equal(t->start, "12/6/2026 9:01:02 (local)");
	assert_string_equal(t->end, "12/6/2026 19:01:02 (local)");
	assert_string_equal(t->renew, "12/13/2026 9:01:02 (local)");
	assert_string_equal(t->session_enctype, "AES-256-CTS-HMAC-SHA1-96");
	assert_int_equal(t->cache_flags, 1);
	assert_string_equal(t->cache_flag_names, "PRIMARY");
	assert_string_equal(t->kdc_called, "dc1.exwiz.test");
	t = &p->tickets[1];
	assert_int_equal(t->index, 1);
	assert_string_equal(t->server, "HTTP/exch1.exwiz.test");
	assert_string_equal(t->enctype, "RSADSI RC4-HMAC(NT)");
	assert_int_equal(t->flags, 0x40a10000);
	assert_true(t->has_cache_flags);
	assert_int_equal(t->cache_flags, 0);
	assert_null(t->cache_flag_names);
}

static void test_empty(void **state)
{
	struct ew_client_paste *p;
	char *s;

	(void)state;
	p = ew_client_parse(NULL, 0);
	assert_non_null(p);
	assert_int_equal(p->nblocks, 0);
	assert_int_equal(p->unread, 0);
	s = dump(p);
	free(s);
	ew_client_free(&p);
	assert_null(p);
	ew_client_free(&p);
	ew_client_free(NULL);
	p = parse_str("\r\n\r\n   \r\n");
	assert_int_equal(p->nblocks, 0);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->lines, 3);
	ew_client_free(&p);
}

static void test_klist_crlf(void **state)
{
	struct ew_client_paste *p = parse_str(KLIST);
	char *s;

	(void)state;
	check_klist(p);
	assert_string_equal(p->encoding, "UTF-8");
	s = dump(p);
	assert_non_null(strstr(s, "\"server\":\"HTTP/exch1.exwiz.test\""));
	free(s);
	ew_client_free(&p);
}

static void test_klist_utf16(void **state)
{
	struct ew_client_paste *p;
	unsigned char *u;
	size_t n;

	(void)state;
	u = utf16(KLIST, 1, &n);
	p = ew_client_parse(u, n);
	free(u);
	assert_non_null(p);
	assert_string_equal(p->encoding, "UTF-16LE with byte order mark");
	assert_int_equal(p->invalid_bytes, 0);
	check_klist(p);
	ew_client_free(&p);

	u = utf16(KLIST, 0, &n);	/* no mark: found by its zero bytes */
	p = ew_client_parse(u, n);
	free(u);
	assert_non_null(p);
	assert_string_equal(p->encoding, "UTF-16LE");
	check_klist(p);
	ew_client_free(&p);
}

/* LF alone, CR alone, and a UTF-8 byte order mark. */
static void test_klist_line_ends(void **state)
{
	struct ew_client_paste *p;
	char *lf = strdup(KLIST), *cr = strdup(KLIST), *bom;
	size_t i, o = 0;

	(void)state;
	assert_non_null(lf);
	assert_non_null(cr);
	for (i = 0; KLIST[i]; i++)
		if (KLIST[i] != '\r')
			lf[o++] = KLIST[i];
	lf[o] = '\0';
	for (i = 0; cr[i]; i++)
		if (cr[i] == '\n')
			cr[i] = '\r';	/* "\r\r": CR-only ends, an empty line between */
	p = parse_str(lf);
	check_klist(p);
	ew_client_free(&p);
	p = parse_str(cr);
	check_klist(p);
	ew_client_free(&p);
	bom = ew_strprintf("\xef\xbb\xbf%s", lf);
	assert_non_null(bom);
	p = parse_str(bom);
	assert_string_equal(p->encoding, "UTF-8 with byte order mark");
	check_klist(p);
	ew_client_free(&p);
	free(bom);
	free(lf);
	free(cr);
}

/* Cut in the middle of the second ticket, in the middle of a line. */
static void test_klist_truncated(void **state)
{
	const char *cut = strstr(KLIST, "\tKerbTicket Encryption Type: RSADSI");
	struct ew_client_paste *p;

	(void)state;
	assert_non_null(cut);
	p = ew_client_parse(KLIST, (size_t)(cut - KLIST) + 20);
	assert_non_null(p);
	assert_int_equal(p->klists[0].stated, 2);
	assert_int_equal(p->ntickets, 2);
	assert_string_equal(p->tickets[0].kdc_called, "dc1.exwiz.test");
	assert_string_equal(p->tickets[1].server, "HTTP/exch1.exwiz.test");
	assert_null(p->tickets[1].enctype);
	assert_null(p->tickets[1].kdc_called);
	/* "KerbTicket Encr" is not a field: counted and kept, not dropped */
	assert_int_equal(p->unread, 1);
	assert_string_equal(p->unread_lines[0].text, "KerbTicket Encrypti");
	assert_int_equal(p->unread_lines[0].line, 19);
	ew_client_free(&p);
}

static void test_klist_tgt(void **state)
{
	struct ew_client_paste *p = parse_str(KLIST_TGT);
	const struct ew_client_ticket *t;
	char *s;

	(void)state;
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_KLIST_TGT);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->blocks[0].skipped, 4);	/* key length, size, two dump lines */
	assert_int_equal(p->ntickets, 1);
	t = &p->tickets[0];
	assert_true(t->tgt_view);
	assert_int_equal(t->index, -1);
	assert_string_equal(t->client, "bob");
	assert_string_equal(t->client_realm, "EXWIZ.TEST");
	assert_string_equal(t->server, "krbtgt/EXWIZ.TEST");
	assert_int_equal(t->flags, 0x40e10000);
	assert_string_equal(t->session_enctype, "AES-256-CTS-HMAC-SHA1-96");
	assert_string_equal(t->end, "12/6/2026 19:01:02 (local)");
	assert_string_equal(t->renew, "12/13/2026 9:01:02 (local)");
	s = dump(p);	/* neither the session key nor the ticket is kept */
	assert_null(strstr(s, "5a 5a"));
	assert_null(strstr(s, "61 82"));
	free(s);
	ew_client_free(&p);
}

static void test_displaydns(void **state)
{
	struct ew_client_paste *p = parse_str(DISPLAYDNS);
	const struct ew_client_dnsrec *r;
	char *s;

	(void)state;
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_DISPLAYDNS);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->ndns, 4);
	r = &p->dns[0];
	assert_int_equal(r->status, EW_CLIENT_DNS_RECORD);
	assert_string_equal(r->entry, "_kerberos._udp.exwiz.test");
	assert_string_equal(r->name, "_kerberos._udp.exwiz.test");
	assert_int_equal(r->type, 33);
	assert_string_equal(r->type_name, "SRV");
	assert_int_equal(r->ttl, 599);
	assert_int_equal(r->data_length, 8);
	assert_string_equal(r->section, "Answer");
	assert_string_equal(r->data, "dc1.exwiz.test");
	assert_int_equal(r->srv_priority, 0);
	assert_int_equal(r->srv_weight, 100);
	assert_int_equal(r->srv_port, 88);
	r = &p->dns[1];
	assert_string_equal(r->entry, "_kerberos._udp.exwiz.test");
	assert_string_equal(r->name, "dc1.exwiz.test");
	assert_string_equal(r->type_name, "A");
	assert_string_equal(r->section, "Additional");
	assert_string_equal(r->data, "10.0.0.10");
	assert_int_equal(r->srv_port, -1);
	r = &p->dns[2];
	assert_int_equal(r->status, EW_CLIENT_DNS_NXDOMAIN);
	assert_string_equal(r->name, "_kerberos._tcp.exwiz.test");
	assert_int_equal(r->ttl, -1);
	r = &p->dns[3];
	assert_int_equal(r->status, EW_CLIENT_DNS_NODATA);
	assert_string_equal(r->name, "exch1.exwiz.test");
	assert_string_equal(r->type_name, "AAAA");
	assert_int_equal(p->ipconfig.seen, 0);
	s = dump(p);
	assert_non_null(strstr(s, "\"status\":\"name-does-not-exist\""));
	free(s);
	ew_client_free(&p);
}

static void test_ipconfig_all(void **state)
{
	struct ew_client_paste *p = parse_str(IPCONFIG_ALL);
	const struct ew_client_adapter *a;

	(void)state;
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_IPCONFIG);
	assert_int_equal(p->unread, 0);
	assert_true(p->ipconfig.seen);
	assert_string_equal(p->ipconfig.host_name, "PC1");
	assert_string_equal(p->ipconfig.primary_suffix, "exwiz.test");
	assert_int_equal(p->ipconfig.nsearch, 2);
	assert_string_equal(p->ipconfig.search[0], "exwiz.test");
	assert_string_equal(p->ipconfig.search[1], "corp.exwiz.test");
	assert_int_equal(p->ipconfig.nadapters, 1);
	a = p->ipconfig.adapters[0];
	assert_string_equal(a->name, "Ethernet adapter Ethernet0");
	assert_string_equal(a->suffix, "exwiz.test");
	assert_int_equal(a->ndns, 3);
	assert_string_equal(a->dns_servers[0], "10.0.0.10");
	assert_string_equal(a->dns_servers[1], "8.8.8.8");
	assert_string_equal(a->dns_servers[2], "fec0:0:0:ffff::1%1");
	assert_int_equal(p->ndns, 0);
	ew_client_free(&p);
}

static void test_whoami(void **state)
{
	struct ew_client_paste *p = parse_str(WHOAMI_ALL);
	const struct ew_client_group *g;

	(void)state;
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_WHOAMI);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->blocks[0].skipped, 5);	/* the privileges table */
	assert_string_equal(p->user_name, "exwiz\\bob");
	assert_string_equal(p->user_sid, "S-1-5-21-1004336348-1177238915-682003330-1105");
	assert_int_equal(p->ngroups, 6);
	g = &p->groups[0];
	assert_string_equal(g->name, "Everyone");
	assert_string_equal(g->type, "Well-known group");
	assert_string_equal(g->sid, "S-1-1-0");
	assert_true(g->enabled);
	g = &p->groups[3];
	assert_string_equal(g->name, "EXWIZ\\Exchange Users");
	assert_string_equal(g->type, "Group");
	assert_string_equal(g->sid, "S-1-5-21-1004336348-1177238915-682003330-1120");
	g = &p->groups[4];
	assert_string_equal(g->type, "Alias");
	assert_false(g->enabled);
	assert_true(g->deny_only);
	g = &p->groups[5];
	assert_string_equal(g->name, "Mandatory Label\\Medium Mandatory Level");
	assert_string_equal(g->type, "Label");
	assert_null(g->attributes);
	ew_client_free(&p);
}

static void test_events(void **state)
{
	struct ew_client_paste *p = parse_str(EVENTS);
	const struct ew_client_event *e;

	(void)state;
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_EVENT);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->nevents, 2);
	e = &p->events[0];
	assert_int_equal(e->index, 0);
	assert_int_equal(e->id, 40960);
	assert_string_equal(e->source, "LsaSrv");
	assert_string_equal(e->log, "System");
	assert_string_equal(e->date, "2026-12-06T09:05:11.412");
	assert_string_equal(e->user, "EXWIZ\\bob");
	assert_string_equal(e->computer, "PC1.exwiz.test");
	assert_string_equal(e->spn, "exchangeMDB/exch1.exwiz.test");
	assert_string_equal(e->failure_code, "0x80090303");
	assert_string_equal(e->failure_text, "The specified target is unknown or unreachable");
	e = &p->events[1];
	assert_int_equal(e->id, 40961);
	assert_string_equal(e->spn, "HTTP/exch1.exwiz.test");
	assert_null(e->failure_code);
	assert_string_equal(e->user, "NT AUTHORITY\\SYSTEM");
	ew_client_free(&p);

	p = parse_str(EVENT_VIEWER);
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->blocks[0].skipped, 6);	/* "Event Xml:" and the XML */
	assert_int_equal(p->nevents, 1);
	e = &p->events[0];
	assert_int_equal(e->index, -1);
	assert_int_equal(e->id, 40960);
	assert_string_equal(e->task, "SPNEGO (Negotiator)");
	assert_string_equal(e->spn, "ldap/dc1.exwiz.test");
	assert_string_equal(e->failure_code, "0xc000005e");
	assert_string_equal(e->failure_text,
		"There are currently no logon servers available to service the logon request.");
	ew_client_free(&p);
}

/* A name of Kerberos's error, and an SPN given without "the server". */
static void test_event_krb_name(void **state)
{
	struct ew_client_paste *p = parse_str(
		"Event[0]:\n  Log Name: Application\n  Source: EXPROX\n  Event ID: 1000\n"
		"  Description: Authentication to exchangeRFR/exch1.exwiz.test failed with "
		"KRB_AP_ERR_MODIFIED.\n");

	(void)state;
	assert_int_equal(p->nevents, 1);
	assert_int_equal(p->events[0].id, 1000);
	assert_string_equal(p->events[0].source, "EXPROX");
	assert_string_equal(p->events[0].spn, "exchangeRFR/exch1.exwiz.test");
	assert_string_equal(p->events[0].failure_code, "KRB_AP_ERR_MODIFIED");
	ew_client_free(&p);
}

static void test_setspn_nltest(void **state)
{
	struct ew_client_paste *p = parse_str(SETSPN_Q);

	(void)state;
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_SETSPN);
	assert_int_equal(p->unread, 0);
	assert_string_equal(p->setspn.domain, "DC=exwiz,DC=test");
	assert_int_equal(p->setspn.found, 1);
	assert_int_equal(p->nspns, 3);
	assert_string_equal(p->spns[1].spn, "exchangeRFR/exch1.exwiz.test");
	assert_string_equal(p->spns[1].account, "CN=EXCH1,CN=Computers,DC=exwiz,DC=test");
	assert_int_equal(p->spns[1].source, EW_CLIENT_SPN_LISTED);
	ew_client_free(&p);

	p = parse_str(SETSPN_X);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->setspn.duplicate_groups, 1);
	assert_int_equal(p->setspn.found, -1);
	assert_int_equal(p->nspns, 2);
	assert_int_equal(p->spns[0].source, EW_CLIENT_SPN_DUPLICATE);
	assert_string_equal(p->spns[0].spn, "HTTP/mail.exwiz.test");
	assert_string_equal(p->spns[1].account, "CN=svc-web,CN=Users,DC=exwiz,DC=test");
	ew_client_free(&p);

	p = parse_str("Checking domain DC=exwiz,DC=test\r\n\r\nNo such SPN found.\r\n");
	assert_int_equal(p->setspn.found, 0);
	assert_int_equal(p->nspns, 0);
	ew_client_free(&p);

	p = parse_str(NLTEST);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_NLTEST);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->ndcs, 1);
	assert_string_equal(p->dcs[0].dc, "\\\\DC1.exwiz.test");
	assert_string_equal(p->dcs[0].address, "\\\\10.0.0.10");
	assert_string_equal(p->dcs[0].domain, "exwiz.test");
	assert_string_equal(p->dcs[0].dc_site, "Default-First-Site-Name");
	assert_non_null(strstr(p->dcs[0].flags, " KDC "));
	assert_true(p->dcs[0].ok);
	ew_client_free(&p);

	p = parse_str("Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN\r\n");
	assert_int_equal(p->ndcs, 1);
	assert_false(p->dcs[0].ok);
	assert_string_equal(p->dcs[0].error,
		"Getting DC name failed: Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN");
	ew_client_free(&p);
}

/* Several outputs in one paste, with a prompt and a stray line between. */
static void test_mixed(void **state)
{
	char *all = ew_strprintf("C:\\Users\\bob>klist\r\n%sC:\\Users\\bob>ipconfig /displaydns\r\n"
				 "%s%s%s%s", KLIST, DISPLAYDNS, WHOAMI_ALL, EVENTS, IPCONFIG_ALL);
	struct ew_client_paste *p;

	(void)state;
	assert_non_null(all);
	p = parse_str(all);
	free(all);
	assert_int_equal(p->nblocks, 5);	/* the prompt before them is no block */
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_KLIST);
	assert_int_equal(p->blocks[1].kind, EW_CLIENT_DISPLAYDNS);
	assert_int_equal(p->blocks[2].kind, EW_CLIENT_WHOAMI);
	assert_int_equal(p->blocks[3].kind, EW_CLIENT_EVENT);
	assert_int_equal(p->blocks[4].kind, EW_CLIENT_IPCONFIG);
	assert_int_equal(p->blocks[0].unread, 1);
	assert_int_equal(p->ntickets, 2);
	assert_int_equal(p->ndns, 4);
	assert_int_equal(p->ngroups, 6);
	assert_int_equal(p->nevents, 2);
	assert_int_equal(p->ipconfig.nadapters, 1);
	/* the two prompts: one before any block, one at the end of klist's */
	assert_int_equal(p->unread, 2);
	assert_string_equal(p->unread_lines[0].text, "C:\\Users\\bob>klist");
	assert_int_equal(p->unread_lines[0].kind, EW_CLIENT_UNKNOWN);
	assert_string_equal(p->unread_lines[1].text, "C:\\Users\\bob>ipconfig /displaydns");
	assert_int_equal(p->unread_lines[1].kind, EW_CLIENT_KLIST);
	ew_client_free(&p);
}

static void test_other_languages(void **state)
{
	/* "ID d’ouverture": ’ as Windows-1252 writes it (0x92), not UTF-8 */
	static const char FR[] = "\r\nID d\x92ouverture de session actuelle est 0:0x3e4a1\r\n\r\n"
		"Tickets mis en cache\xff: (1)\r\n\r\n#0>\tClient\xff: bob @ EXWIZ.TEST\r\n";
	static const char DE[] = "\r\nAktuelle Anmelde-ID ist 0:0x3e4a1\r\n\r\n"
		"Zwischengespeicherte Tickets: (1)\r\n\r\n#0>\tClient: bob @ EXWIZ.TEST\r\n"
		"\tServer: krbtgt/EXWIZ.TEST @ EXWIZ.TEST\r\n"
		"\r\nWindows-IP-Konfiguration\r\n\r\n   Hostname  . . . . . . . . . . . . : PC1\r\n";
	struct ew_client_paste *p;

	(void)state;
	p = parse_str(DE);
	assert_int_equal(p->nblocks, 2);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_FOREIGN);
	assert_string_equal(p->blocks[0].language, "German");
	assert_int_equal(p->blocks[0].foreign_kind, EW_CLIENT_KLIST);
	assert_int_equal(p->blocks[1].foreign_kind, EW_CLIENT_IPCONFIG);
	assert_int_equal(p->ntickets, 0);	/* not misread as English klist */
	assert_int_equal(p->unread, 0);
	assert_true(p->blocks[0].skipped > 0);
	assert_int_equal(p->nnotes, 2);
	assert_non_null(strstr(p->notes[0], "this looks like German klist output: not read yet"));
	assert_non_null(strstr(p->notes[1], "German ipconfig /all output"));
	ew_client_free(&p);

	p = parse_str(FR);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_FOREIGN);
	assert_string_equal(p->blocks[0].language, "French");
	assert_int_equal(p->ntickets, 0);
	assert_int_equal(p->invalid_bytes, 3);
	assert_string_equal(p->encoding, "not UTF-8 (an ANSI or OEM code page?)");
	ew_client_free(&p);
}

/* Escape sequences, NUL, invalid UTF-8 and bidi overrides in the values. */
static void test_hostile(void **state)
{
	static const char BAD[] =
		"Current LogonId is 0:0x1\r\nCached Tickets: (1)\r\n"
		"#0>\tClient: \x1b]0;pwned\x07 @ EX\xc3WIZ\r\n"
		"\tServer: HTTP/\xe2\x80\xae" "exch1 @ EXWIZ.TEST\r\n"
		"\tKdc Called: dc1\x1b[2J\r\n"
		"\x1b[31mgarb" "age\x9b\r\n";
	struct ew_client_paste *p;
	char *s;

	(void)state;
	p = ew_client_parse(BAD, sizeof(BAD) - 1);
	assert_non_null(p);
	assert_int_equal(p->ntickets, 1);
	assert_string_equal(p->tickets[0].client, "\\x1b]0;pwned\\x07");
	assert_string_equal(p->tickets[0].client_realm, "EX\xef\xbf\xbdWIZ");
	assert_string_equal(p->tickets[0].server, "HTTP/\\u202eexch1");
	assert_string_equal(p->tickets[0].kdc_called, "dc1\\x1b[2J");
	assert_int_equal(p->unread, 1);
	assert_string_equal(p->unread_lines[0].text, "\\x1b[31mgarbage\xef\xbf\xbd");
	s = dump(p);
	assert_false(tu_has_raw_control(s, strlen(s)));
	free(s);
	ew_client_free(&p);

	/* a NUL in the middle of a line does not cut the line short */
	p = ew_client_parse("Current LogonId is 0:0x1\r\n#0> Client: a\0b @ R\r\n", 46);
	assert_non_null(p);
	assert_int_equal(p->ntickets, 1);
	assert_string_equal(p->tickets[0].client, "a\xef\xbf\xbd" "b");
	ew_client_free(&p);
}

/* Unread lines all counted, the first ones kept; the bounds said. */
static void test_bounds(void **state)
{
	struct ew_buf b = {0};
	struct ew_client_paste *p;
	char *s, *big;
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++)
		ew_buf_printf(&b, "line %zu of something else\n", i);
	s = ew_buf_take(&b);
	assert_non_null(s);
	p = parse_str(s);
	free(s);
	assert_int_equal(p->unread, 100);
	assert_int_equal(p->nunread_kept, EW_CLIENT_UNREAD_KEEP);
	assert_string_equal(p->unread_lines[63].text, "line 63 of something else");
	ew_client_free(&p);

	/* more tickets than kept: the rest not read, and said */
	ew_buf_adds(&b, "Current LogonId is 0:0x1\n");
	for (i = 0; i < EW_CLIENT_TICKETS_MAX + 5; i++)
		ew_buf_printf(&b, "#%zu>\tClient: bob @ EXWIZ.TEST\n\tServer: HTTP/w%zu @ EXWIZ.TEST\n"
			      "\tKdc Called: dc1\n", i, i);
	s = ew_buf_take(&b);
	assert_non_null(s);
	p = parse_str(s);
	free(s);
	assert_int_equal(p->ntickets, EW_CLIENT_TICKETS_MAX);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->nnotes, 1);
	assert_non_null(strstr(p->notes[0], "more than 1024 tickets"));
	ew_client_free(&p);

	/* more blocks than kept: the lines of the rest counted as not read */
	for (i = 0; i < EW_CLIENT_BLOCKS_MAX + 2; i++)
		ew_buf_printf(&b, "Current LogonId is 0:0x%zx\nCached Tickets: (0)\n\n", i);
	s = ew_buf_take(&b);
	assert_non_null(s);
	p = parse_str(s);
	free(s);
	assert_int_equal(p->nblocks, EW_CLIENT_BLOCKS_MAX);
	assert_int_equal(p->nklists, EW_CLIENT_SMALL_MAX);
	assert_int_equal(p->unread, 4);
	assert_string_equal(p->unread_lines[0].text, "Current LogonId is 0:0x100");
	assert_int_equal(p->nnotes, 2);
	assert_non_null(strstr(p->notes[0], "more than 64 klist outputs"));
	assert_non_null(strstr(p->notes[1], "more than 256 blocks"));
	ew_client_free(&p);

	/* beyond 4 MiB: cut, and said */
	big = malloc(EW_CLIENT_INPUT_MAX + 100);
	assert_non_null(big);
	memset(big, '\n', EW_CLIENT_INPUT_MAX + 100);
	memcpy(big + EW_CLIENT_INPUT_MAX + 10, "Current LogonId is 0:0x1\n", 25);
	p = ew_client_parse(big, EW_CLIENT_INPUT_MAX + 100);
	free(big);
	assert_non_null(p);
	assert_true(p->cut);
	assert_int_equal(p->nklists, 0);	/* after the cut: not read */
	assert_non_null(strstr(p->notes[0], "only the first 4194304 read"));
	ew_client_free(&p);
}

/* No tickets, a failed klist, an administrator's klist -li 0x3e7. */
static void test_klist_none(void **state)
{
	struct ew_client_paste *p = parse_str(
		"\r\nCurrent LogonId is 0:0x3e4a1\r\n\r\nCached Tickets: (0)\r\n"
		"\r\nCurrent LogonId is 0:0x3e4a1\r\n"
		"klist failed with 0xc000005f/-1073741729: A specified logon session does not exist. "
		"It may already have been terminated.\r\n"
		"\r\nCurrent LogonId is 0:0x3e4a1\r\nTargeted LogonId is 0:0x3e7\r\n"
		"\r\nCached Tickets: (1)\r\n\r\n#0>\tClient: PC1$ @ EXWIZ.TEST\r\n");

	(void)state;
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->nblocks, 3);
	assert_int_equal(p->nklists, 3);
	assert_int_equal(p->klists[0].stated, 0);
	assert_null(p->klists[0].error);
	assert_int_equal(p->klists[1].stated, -1);
	assert_non_null(strstr(p->klists[1].error, "0xc000005f"));
	assert_string_equal(p->klists[2].logon_id, "0:0x3e7");
	assert_int_equal(p->ntickets, 1);
	assert_int_equal(p->tickets[0].klist, 2);
	assert_string_equal(p->tickets[0].client, "PC1$");
	ew_client_free(&p);
}

/* whoami /groups /fo list, and outputs pasted through a chat that lost the
 * indent of their continuation lines. */
static void test_other_layouts(void **state)
{
	struct ew_client_paste *p = parse_str(
		"\nGROUP INFORMATION\n-----------------\n\nGroup Name: Everyone\n"
		"Type:       Well-known group\nSID:        S-1-1-0\n"
		"Attributes: Mandatory group, Enabled by default, Enabled group\n\n"
		"Group Name: EXWIZ\\Exchange Users\nType:       Group\n"
		"SID:        S-1-5-21-1004336348-1177238915-682003330-1120\n"
		"Attributes: Group used for deny only\n");

	(void)state;
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->ngroups, 2);
	assert_string_equal(p->groups[1].name, "EXWIZ\\Exchange Users");
	assert_string_equal(p->groups[1].type, "Group");
	assert_string_equal(p->groups[1].sid, "S-1-5-21-1004336348-1177238915-682003330-1120");
	assert_true(p->groups[1].deny_only);
	assert_true(p->groups[0].enabled);
	ew_client_free(&p);

	p = parse_str("Windows IP Configuration\nHost Name . . . : PC1\n"
		"Ethernet adapter Ethernet0:\nDNS Servers . . . . : 10.0.0.10\n10.0.0.11\n"
		"Checking domain DC=exwiz,DC=test\nCN=EXCH1,CN=Computers,DC=exwiz,DC=test\n"
		"HTTP/exch1.exwiz.test\nExisting SPN found!\n");
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->ipconfig.nadapters, 1);
	assert_int_equal(p->ipconfig.adapters[0]->ndns, 2);
	assert_string_equal(p->ipconfig.adapters[0]->dns_servers[1], "10.0.0.11");
	assert_int_equal(p->nspns, 1);
	assert_string_equal(p->spns[0].spn, "HTTP/exch1.exwiz.test");
	ew_client_free(&p);

	p = parse_str("Windows IP Configuration\n_kerberos._udp.exwiz.test\n"
		"----------------------------------------\nName does not exist.\n");
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->blocks[0].kind, EW_CLIENT_DISPLAYDNS);
	assert_int_equal(p->ndns, 1);
	assert_int_equal(p->dns[0].status, EW_CLIENT_DNS_NXDOMAIN);
	assert_string_equal(p->dns[0].name, "_kerberos._udp.exwiz.test");
	ew_client_free(&p);
}

/* A paste without its first line, read as the kind the caller says. */
static void test_parse_as(void **state)
{
	const char *body = strstr(SETSPN_Q, "CN=EXCH1");
	struct ew_client_paste *p;

	(void)state;
	p = ew_client_parse(body, strlen(body));
	assert_non_null(p);
	assert_int_equal(p->nspns, 0);
	assert_int_equal(p->unread, 5);	/* unknown: none read */
	ew_client_free(&p);
	p = ew_client_parse_as(body, strlen(body), EW_CLIENT_SETSPN);
	assert_non_null(p);
	assert_int_equal(p->nblocks, 1);
	assert_int_equal(p->blocks[0].first_line, 1);
	assert_int_equal(p->blocks[0].nlines, 6);
	assert_int_equal(p->unread, 0);
	assert_int_equal(p->nspns, 3);
	assert_int_equal(p->spns[0].line, 2);
	assert_int_equal(p->setspn.found, 1);
	ew_client_free(&p);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ew_client_kind_name(EW_CLIENT_DISPLAYDNS), "displaydns");
	assert_string_equal(ew_client_kind_command(EW_CLIENT_DISPLAYDNS), "ipconfig /displaydns");
	assert_string_equal(ew_client_kind_name((enum ew_client_kind)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_klist_crlf),
		cmocka_unit_test(test_klist_utf16),
		cmocka_unit_test(test_klist_line_ends),
		cmocka_unit_test(test_klist_truncated),
		cmocka_unit_test(test_klist_tgt),
		cmocka_unit_test(test_displaydns),
		cmocka_unit_test(test_ipconfig_all),
		cmocka_unit_test(test_whoami),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_event_krb_name),
		cmocka_unit_test(test_setspn_nltest),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_other_languages),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_klist_none),
		cmocka_unit_test(test_other_layouts),
		cmocka_unit_test(test_parse_as),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("clientparse", tests, NULL, NULL);
}
