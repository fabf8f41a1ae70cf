/*
 * exchrules.h - what the Exchange configuration says about the names given
 * with -x, as pure functions: the version of each server (serialNumber
 * "Version 15.2 (Build ...)", else msExchVersion), which SPNs a client asks
 * for a name (by the version behind it: the RPC classes up to 2010, HTTP/
 * only from 2013), whether a name is one server's or shared by several
 * (a load-balanced namespace), and the verdicts SPN-ASA (a shared name's
 * HTTP/ SPN on a member's own account instead of the alternate service
 * account), EXCH-SCP (Autodiscover service connection points whose URL
 * names a host that does not resolve, or that disagree within a site) and
 * DNS-NAMESPACE (a name that is an alias: the client asks for the SPN of the
 * name its CNAME leads to).
 * No directory, no DNS, no Kerberos here.
 */
#ifndef EW_EXCHRULES_H
#define EW_EXCHRULES_H

#include <stddef.h>

#include "krbrules.h"

struct ew_step_result;

/* Releases, by the year in the product name; 0: not known. */
#define EW_EXCH_55 1997
#define EW_EXCH_2000 2000
#define EW_EXCH_2003 2003
#define EW_EXCH_2007 2007
#define EW_EXCH_2010 2010
#define EW_EXCH_2013 2013	/* also "2013 or later" when only msExchVersion says */
#define EW_EXCH_2016 2016
#define EW_EXCH_2019 2019

struct ew_exch_version {
	int major, minor;	/* -1: not known */
	long build;		/* -1: not known */
	int release;		/* EW_EXCH_*, 0: not known */
	int from_msexchversion;	/* only msExchVersion said (2013 means 2013 or later) */
};

/*
 * The version from serialNumber ("Version 6.5 (Build 7638.2: Service Pack
 * 2)", "Version 15.2 (Build 1258.12)"), else from msExchVersion (the
 * ExchangeObjectVersion of 2007, 2010, 2013 and later); either may be NULL.
 * 0, or -1 when neither says (v->release 0).
 */
int ew_exch_version_parse(const char *serial, const char *msexchversion,
			  struct ew_exch_version *v);
/* "Exchange 2019", "Exchange 2013 or later", "Exchange (version not known)". */
const char *ew_exch_release_name(const struct ew_exch_version *v, char *buf, size_t len);

/* One Exchange server of the configuration (strings borrowed). */
struct ew_exch_server {
	const char *name;		/* cn, the NetBIOS name */
	const char *fqdn;		/* networkAddress ncacn_ip_tcp:, or NULL */
	struct ew_exch_version v;
	const char *const *addrs;	/* of fqdn */
	size_t naddrs;
};

/* The fully qualified name in a networkAddress value ("ncacn_ip_tcp:X"), or NULL. */
const char *ew_exch_network_fqdn(const char *value);

#define EW_EXCH_RPC 0x1		/* exchangeMDB/, exchangeRFR/, exchangeAB/ */
#define EW_EXCH_HTTP 0x2	/* HTTP/ */
#define EW_EXCH_MAX_MEMBERS 16

enum ew_exch_name_kind {
	EW_EXNAME_UNKNOWN,	/* the configuration does not tell: every class, both forms */
	EW_EXNAME_SERVER,	/* one server's own name, or another name of its address */
	EW_EXNAME_SHARED,	/* its addresses are several servers' (load balancer, CAS array) */
};

struct ew_exch_plan {
	enum ew_exch_name_kind kind;
	unsigned services;	/* EW_EXCH_RPC | EW_EXCH_HTTP */
	int short_name;		/* also the short form (NetBIOS RPC clients use it) */
	int release;		/* the oldest release behind the name; 0 not known */
	int or_later;		/* that release from msExchVersion only (2013: or later) */
	size_t member[EW_EXCH_MAX_MEMBERS];	/* indexes into the servers */
	size_t nmembers;
};

/*
 * Which SPNs a client asks for name (addrs: its addresses): one server's
 * name (its FQDN, or its cn for a short name) follows that server's version;
 * a name whose addresses are those of two or more servers is shared by them
 * (one server's address only: another name of that server, no short form)
 * and follows the oldest: up to 2010 the RPC
 * classes and HTTP/ on the name (2010: the CAS array), from 2013 HTTP/ only.
 * Short names only for a server of 2010 or older (RPC over NetBIOS names).
 * A name the configuration does not explain (not read, no such server):
 * every class on both forms, as before versions were known.
 */
void ew_exch_plan_name(const char *name, const char *const *addrs, size_t naddrs,
		       const struct ew_exch_server *s, size_t n, struct ew_exch_plan *p);

/* The release behind a planned name: "Exchange 2019", "Exchange 2013 or later". */
const char *ew_exch_plan_release_name(const struct ew_exch_plan *p, char *buf, size_t len);
/*
 * The SPNs a client asks for name by its plan (NULL: every class, both
 * forms): exchangeMDB/, exchangeRFR/, exchangeAB/ up to 2010, HTTP/; the short
 * form too where the plan says so. Up to max new strings into out (caller
 * frees); their number.
 */
size_t ew_exch_plan_spns(const char *name, const struct ew_exch_plan *p, char **out, size_t max);

/* SPN-ASA input for one shared name (strings borrowed). */
struct ew_asa_name {
	const char *name;		/* mail.example.com */
	const char *const *addrs;
	size_t naddrs;
	const char *const *members;	/* the servers behind it (cn) */
	size_t nmembers;
	int holders_read;		/* the global catalog was asked for HTTP/name */
	const struct ew_spn_holder *holders;
	size_t nholders;
	const char *const *asas;	/* other accounts holding HTTP/ of names of these members */
	size_t nasas;
	int asas_read;			/* those accounts were searched for */
	const char *holders_why;	/* !holders_read: why */
	const char *const *servers;	/* every Exchange server of the configuration (cn) */
	size_t nservers;
	int unknown;			/* no server's name nor address: shared or not, not known */
};

/*
 * SPN-ASA, for every -x name. config_read: the Exchange configuration was
 * read (else a skip that says why: why). A name of unknown kind: a skip
 * (not known whether it is shared). One server's name (fewer than two
 * members): a pass, no alternate service account needed. Per shared name:
 * its HTTP/ SPN held by one member's own computer account (sAMAccountName
 * cn$) is a fail (cause spn-wrong-account) naming the member and the
 * alternate service accounts found (asas); held by another Exchange
 * server's own account (servers), not a member's: a fail too; held by
 * another single account: a pass; none or several: left to SPN-UNIQUE;
 * holder not learned: a skip (holders_why). n == 0 adds nothing.
 */
void ew_exch_rule_asa(int config_read, const char *why, const struct ew_asa_name *v, size_t n,
		      struct ew_step_result *res);

/* DNS-NAMESPACE input for one -x name that is an alias (strings borrowed). */
struct ew_ns_alias {
	const char *name;		/* the name given: mail.example.com */
	const char *canonical;		/* where its CNAME chain leads: lb1.example.com */
	int canon_ticket;		/* HTTP/canonical: 1 a ticket, 0 refused, -1 not asked */
	int canon_read;			/* the global catalog answered for HTTP/canonical */
	const char *const *canon_holders;	/* its holders (sAMAccountName) */
	size_t ncanon_holders;
	/* Accounts that serve HTTP/canonical, named or not: its holders and
	 * those of HOST/canonical (sPNMappings maps http to host). */
	size_t ncanon_served;
	int alias_read;			/* the global catalog answered for HTTP/name */
	const char *const *alias_holders;	/* the holders of HTTP/name */
	size_t nalias_holders;
};

/*
 * DNS-NAMESPACE, one finding per alias (names without a CNAME are not
 * given: no finding for them). A Kerberos client builds the SPN from the
 * name the CNAME leads to, so the tickets were asked for HTTP/canonical: an
 * INFO that says so; a warn (cause name-canonicalisation) when nobody holds
 * HTTP/canonical (its ticket not given, and the global catalog found no
 * holder; not read: the ticket was refused) while HTTP/name has a holder (registered for a name no client
 * asks for), naming both SPNs and the holder, with the remedies: A records
 * instead of the CNAME, or setspn -S HTTP/canonical on that holder.
 */
void ew_exch_rule_namespace(const struct ew_ns_alias *v, size_t n, struct ew_step_result *res);

/* One Autodiscover service connection point (strings borrowed). */
struct ew_scp {
	const char *server;	/* cn of the server it belongs to */
	const char *url;	/* serviceBindingInformation */
	const char *site;	/* "Site=NAME" keyword value, or NULL */
	int resolves;		/* its URL's host: 1 has an address, 0 no (NXDOMAIN/NODATA), -1 not known */
	const char *why;	/* resolves != 1: what the resolver said */
	int ticket;		/* HTTP/ of the host: 1 a ticket, 0 refused, -1 not asked */
};

/*
 * The host of a URL ("https://HOST[:port]/...", "https://[V6]:port/...": the
 * address without its brackets), copied into buf; NULL if none.
 */
const char *ew_url_host(const char *url, char *buf, size_t len);

/*
 * EXCH-SCP for the SCPs of the servers behind the names given: a URL whose
 * host has no address warns (Outlook tries it first, waits and falls back);
 * a host whose HTTP/ ticket was refused warns; SCPs of one site naming
 * different URLs warn; a host whose resolution is not known or whose ticket
 * was not asked for is a skip for that SCP; the SCPs looked at and good are
 * a pass. config_read 0 (why: what the directory said), or no server behind
 * the names (nscope 0, why: which names): a skip that says so. n == 0 with
 * servers in scope adds nothing (servers before 2007 write none).
 */
void ew_exch_rule_scp(int config_read, const char *why, size_t nscope, const struct ew_scp *s,
		      size_t n, struct ew_step_result *res);

/*
 * The msDS-SupportedEncryptionTypes value to write on a service account for
 * a client whose default_tgs_enctypes is client (NULL or empty: the library
 * default, AES and RC4): 24 (0x18, AES128 and AES256) when the client asks
 * for AES, else 28 (0x1C, RC4 as well) so that this client is served while
 * it is moved to AES. The list is read in order, as the library does:
 * DEFAULT, "aes", aes256-cts[-hmac-sha1-96], aes128-cts[-hmac-sha1-96], 17
 * and 18 add AES; a leading '-' removes; the SHA-2 types (no keys in AD) do
 * not count.
 */
unsigned ew_enctypes_to_write(const char *client);

/*
 * KRB-SVC, KDC_ERR_ETYPE_NOSUPP for spn: the fail finding the step made for
 * it ("No session ticket for SPN", cause enctype-mismatch) gets the accounts
 * that hold spn and the value to write on them. accounts: sAMAccountNames;
 * asas: the alternate service accounts (their password is rolled, not reset).
 */
void ew_exch_enctype_nosupp(struct ew_step_result *res, const char *spn,
			    const char *const *accounts, size_t n, const char *client,
			    const char *const *asas, size_t nasas);

/*
 * KRB-SVC: an RC4 service ticket for a name of Exchange 2010 or later (whose
 * servers run a Windows that has AES keys; Exchange 2003 has none) warns,
 * naming the accounts that hold spn and the value to write (24), and how
 * they get AES keys (asas: the alternate service accounts, rolled with
 * RollAlternateServiceAccountPassword.ps1, never reset). spn leaves the
 * INFO "Some service tickets are RC4" (one finding per SPN).
 * release: "Exchange 2019".
 */
void ew_exch_rule_rc4(struct ew_step_result *res, const char *spn, const char *release,
		      const char *const *accounts, size_t n, const char *const *asas,
		      size_t nasas);

/*
 * The encryption types a client whose default_tgs_enctypes is client permits,
 * as msDS-SupportedEncryptionTypes bits (0x1 DES-CBC-CRC, 0x2 DES-CBC-MD5,
 * 0x4 RC4-HMAC, 0x8 AES128, 0x10 AES256): NULL or empty is the library
 * default, AES and RC4 (0x1C); the list is read as ew_enctypes_to_write
 * reads it ("des", "rc4", "aes" families, names and numbers).
 */
unsigned ew_enctypes_client(const char *client);

/*
 * An msDS-SupportedEncryptionTypes value decoded into buf: "24 (0x18:
 * AES128, AES256)"; 0: "0 (not set, or not readable by this account: the
 * KDC's default for the account, RC4 for most accounts)" (AD leaves out an
 * attribute the reader may not read: 0 proves nothing).
 */
const char *ew_enctypes_text(long long value, char *buf, size_t len);

/* KRB-ETYPES input for one Exchange SPN whose ticket was given (strings borrowed). */
struct ew_etype_svc {
	const char *spn;
	const char *account;	/* its one holder, sAMAccountName */
	int read;		/* its msDS-SupportedEncryptionTypes was read */
	const char *why;	/* !read: why not */
	long long value;	/* the value read; 0 also when absent */
	int ticket_enctype;	/* the ticket's Kerberos enctype number (17, 18, 23) */
	int asa;		/* the account is an alternate service account */
};

/*
 * KRB-ETYPES, for the SPNs of v, whose tickets were issued (client: this
 * host's default_tgs_enctypes, kept for the callers; an issued ticket's
 * session key is of a type the client asked for, and its own type is the
 * account's to decrypt: no type in common is a refused ticket's question,
 * ew_exch_enctype_nosupp's). Per SPN: not read, a skip that says why; a value
 * that allows AES with an RC4 ticket, a warn (enctype-mismatch): the account
 * has no AES keys, its password is reset (a computer account:
 * Reset-ComputerMachinePassword on that server; an alternate service
 * account: rolled with RollAlternateServiceAccountPassword.ps1, never reset
 * by hand); a ticket of a type the value leaves out, an info; else one pass
 * with a line per SPN. A value of 0 allows what the KDC defaults to: RC4 and
 * the type it gave. n == 0 adds nothing.
 */
void ew_exch_rule_etypes(const struct ew_etype_svc *v, size_t n, const char *client,
			 struct ew_step_result *res);

#endif
