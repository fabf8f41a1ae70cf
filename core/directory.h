/*
 * directory.h - LDAP access to Active Directory on OpenLDAP (libldap, lber,
 * Cyrus SASL): connect, StartTLS or LDAPS, bind (GSSAPI with a chosen
 * credential cache, or simple over TLS only), read the rootDSE, search with
 * paging, several searches in flight at once, ranged retrieval of large
 * multi-valued attributes, and the SD_FLAGS control.
 *
 * Every network wait is bounded by timeout_ms and watches the cancel flag
 * (an operation in flight is abandoned). Referrals are never chased. Error
 * messages are written to the caller's buffer already cleaned (safe to show);
 * values in results are raw bytes (binary-safe): clean them before showing.
 * A password is never copied or kept.
 */
#ifndef EW_DIRECTORY_H
#define EW_DIRECTORY_H

#include <ldap.h>
#include <stdatomic.h>
#include <stddef.h>

#define EW_DIR_OID_SD_FLAGS "1.2.840.113556.1.4.801"
#define EW_DIR_SD_OWNER 0x1
#define EW_DIR_SD_GROUP 0x2
#define EW_DIR_SD_DACL 0x4
#define EW_DIR_PAGE_SIZE 500
#define EW_DIR_DEFAULT_TIMEOUT_MS 5000

enum ew_dir_tls { EW_DIR_PLAIN, EW_DIR_STARTTLS, EW_DIR_LDAPS };

struct ew_dir_opts {
	const char *host;	/* DC host name (GSSAPI needs the name, not an IP) */
	const char *addr;	/* its address if already known (an IP literal, IPv6 in
				 * brackets or not): connected to without looking host up
				 * again; NULL: libldap resolves host. Not for LDAPS. */
	int port;		/* 0: 389 (3268 when gc), 636/3269 with LDAPS */
	int gc;			/* global catalog */
	enum ew_dir_tls tls;
	const char *ccache;	/* GSSAPI with this credential cache ("MEMORY:x", "FILE:/tmp/c");
				 * NULL: the default */
	const char *bind_dn;	/* non-NULL: simple bind instead of GSSAPI; refused unless
				 * tls != EW_DIR_PLAIN, and refused with an empty password */
	const char *password;	/* for the simple bind; not copied, not kept */
	const char *ca_file;	/* the only CA file trusted; NULL: ldap.conf / LDAPTLS_CACERT.
				 * Certificates are always verified (REQUIRE_CERT hard) */
	int timeout_ms;		/* per operation and for connecting; 0 = 5000 */
	atomic_int *cancel;		/* optional; set: abandon and fail "cancelled" */
	/* GSSAPI only, optional: called once connected, before the bind (which
	 * then follows only if it returns 0, else its message is the error).
	 * The rootDSE is read (anonymously) before it is called, so that the
	 * read overlaps whatever it waits for (a ticket being fetched). */
	int (*before_bind)(void *arg, char *err, size_t errlen);
	void *before_bind_arg;
};

struct ew_dir;

/*
 * Connect, StartTLS if asked, bind, read the rootDSE. 0 with *out (free with
 * ew_dir_close), or -1 with a message in err. Argument checks (empty host, a
 * simple bind without TLS or with an empty password) come before anything is
 * sent. Against AD over TLS the GSSAPI bind asks for no SASL security layer
 * (maxssf=0); on plain LDAP it negotiates sign and seal. With GSSAPI the
 * rootDSE is read before the bind (AD gives it to anyone), else after.
 */
int ew_dir_open(const struct ew_dir_opts *o, struct ew_dir **out, char *err, size_t errlen);

/*
 * libldap sets itself up on first use, once per process, and that includes
 * looking up this host's own name in DNS (round trips over a slow link).
 * This starts that on a thread of its own, at once, so that it is done by
 * the time a step first connects (which otherwise waits for it). Called from
 * the main thread.
 */
void ew_dir_warm_up(void);
/* Waits until the deadline (CLOCK_REALTIME) for that thread: before the
 * process ends, as the destructors of libldap and GSSAPI free what it made.
 * 0, or -1 when it still runs (its name lookup waits on a silent resolver):
 * then end the process with _exit, not exit, as no destructor may run under
 * it. */
struct timespec;
int ew_dir_warm_up_end(const struct timespec *until);
void ew_dir_close(struct ew_dir **d);

/* First value of a rootDSE attribute (defaultNamingContext,
 * configurationNamingContext, rootDomainNamingContext, schemaNamingContext,
 * dnsHostName, ...), or NULL. Raw server data. */
const char *ew_dir_rootdse(const struct ew_dir *d, const char *attr);
/* "GSSAPI (sealed)", "GSSAPI (signed)", "GSSAPI (StartTLS)", "GSSAPI (LDAPS)",
 * "simple (StartTLS)", "simple (LDAPS)"; "" for NULL. */
const char *ew_dir_bind_method(const struct ew_dir *d);
/* Requests sent so far, each needing a reply: StartTLS, each bind step, each
 * search page (for performance reporting). */
long ew_dir_round_trips(const struct ew_dir *d);

struct ew_dir_value {
	char *val;		/* binary-safe copy, NUL-terminated */
	size_t len;
	char *text;		/* NULL, or when val holds a NUL: val escaped (\0) */
};
/*
 * A value as text: val, or, when val holds a NUL byte, the escaped copy, so
 * that no text use of a value sees it cut short at the NUL ("smtp:a\0b" is
 * not "smtp:a"). Binary attributes (SIDs, security descriptors) use val and
 * len.
 */
const char *ew_dir_text(const struct ew_dir_value *v);
struct ew_dir_attr {
	char *name;		/* as the server spelled it ("member;range=0-1499") */
	struct ew_dir_value *values;
	size_t nvalues;
};
struct ew_dir_entry {
	char *dn;
	struct ew_dir_attr *attrs;
	size_t nattrs;
};
struct ew_dir_result {
	struct ew_dir_entry *entries;
	size_t nentries;
};

void ew_dir_result_free(struct ew_dir_result **r);
/* Free what an attribute holds and zero it (for ew_dir_read_all_values). */
void ew_dir_attr_clear(struct ew_dir_attr *a);

/*
 * The attribute named name, case-insensitively: an exact match first, else
 * the ranged form of it ("member" finds "member;range=0-1499"). Other
 * attribute options do not match ("member" does not find "member;binary").
 */
const struct ew_dir_attr *ew_dir_entry_attr(const struct ew_dir_entry *e, const char *name);

/*
 * One search: base, scope (LDAP_SCOPE_BASE/ONELEVEL/SUBTREE), filter, attrs
 * (NULL-terminated, or NULL for all), optional extra server controls.
 * Subtree and one-level searches use the paged-results control (page size
 * 500) and follow the pages; each page is one round trip, bounded by
 * timeout_ms. Search references are ignored. 0 with *out, or -1 with a
 * message (noSuchObject is 0 with zero entries).
 */
int ew_dir_search(struct ew_dir *d, const char *base, int scope, const char *filter,
		  const char *const *attrs, LDAPControl **extra_ctrls,
		  struct ew_dir_result **out, char *err, size_t errlen);

/*
 * A search too large to hold: the pages of a paged search (page_size
 * entries; AD's MaxPageSize is 1,000) handed to page() one at a time, each
 * freed when page() returns (it may take entries over by moving them out and
 * zeroing the result). The next page is asked for before page() is called,
 * so that the server reads it meanwhile. Each page is awaited at most
 * page_timeout_ms (0: the connection's timeout; a DC may work out the whole
 * search before it sends the first page); the cancel flag is watched. page()
 * returning non-zero stops the search. 0 when every page came, or -1 with a
 * message.
 */
typedef int (*ew_dir_page_fn)(void *arg, struct ew_dir_result *page);
int ew_dir_search_stream(struct ew_dir *d, const char *base, int scope, const char *filter,
			 const char *const *attrs, LDAPControl **extra_ctrls, int page_size,
			 int page_timeout_ms, ew_dir_page_fn page, void *arg, char *err,
			 size_t errlen);

/*
 * Several searches in flight at once on the one connection: all are sent,
 * then the replies are taken as they come, each bounded by timeout_ms from
 * its sending. No paging (for batch lookups that fit in one page).
 * results[i] and errs[i] (free()) are set for each request: a result, or NULL
 * and a message. 0 when every search succeeded; -1 with a summary in err when
 * any failed (or the arguments are wrong: then nothing is sent).
 */
struct ew_dir_req {
	const char *base;
	int scope;
	const char *filter;
	const char *const *attrs;
	LDAPControl **ctrls;
};
int ew_dir_search_many(struct ew_dir *d, const struct ew_dir_req *reqs, size_t n,
		       struct ew_dir_result **results, char **errs, char *err, size_t errlen);

/*
 * All values of a multi-valued attribute of the entry dn by ranged retrieval:
 * asks "attr;range=0-*", then follows each "attr;range=LOW-HIGH" with
 * "attr;range=HIGH+1-*" until a range ends in "*" (no fixed range size is
 * assumed). A server that returns the attribute unranged gives all values at
 * once. *out gets name attr and the values (free with ew_dir_attr_clear);
 * *complete is 1, or 0 when the server stopped giving ranges before "*"
 * (the values got so far are kept). -1 with a message when the entry cannot
 * be read.
 */
int ew_dir_read_all_values(struct ew_dir *d, const char *dn, const char *attr,
			   struct ew_dir_attr *out, int *complete, char *err, size_t errlen);

/*
 * Pure: one step of ranged retrieval. After asking "attr;range=asked_low-*"
 * the reply held an attribute named got (NULL: none) with nvalues values:
 * EW_DIR_RANGE_DONE	  add these values, that was the last range (or there are
 *			  no values at all: got NULL at asked_low 0);
 * EW_DIR_RANGE_ALL	  the server ignored the range (plain name): these are
 *			  all the values, replacing any got so far;
 * EW_DIR_RANGE_NEXT	  add these values and ask again from *next_low;
 * EW_DIR_RANGE_STOPPED	  the server stopped before "*" or answered another
 *			  range than asked: incomplete.
 */
enum ew_dir_range_step {
	EW_DIR_RANGE_DONE,
	EW_DIR_RANGE_ALL,
	EW_DIR_RANGE_NEXT,
	EW_DIR_RANGE_STOPPED,
};
enum ew_dir_range_step ew_dir_range_step(const char *got, size_t nvalues, long asked_low,
					 long *next_low);

/*
 * Pure: parse an attribute description with a range option.
 * "member;range=1500-2999" -> name "member", low 1500, high 2999;
 * "member;range=1500-*" -> high -1. Other options stay in the name
 * ("x;binary;range=0-9" -> "x;binary"). 1 for a ranged name, 0 for a plain
 * name (name copied, low 0, high -1), -1 if malformed ("member;range=",
 * "member;range=5-2", "member;range=a-b", signs, overflow, two ranges, empty
 * name) or name does not fit in namelen. name, low and high may be NULL.
 */
int ew_dir_parse_range(const char *attrname, char *name, size_t namelen, long *low,
		       long *high);

/*
 * The SD_FLAGS control (1.2.840.113556.1.4.801), value BER SEQUENCE
 * { INTEGER flags } encoded with lber, marked critical (a server that cannot
 * honour it fails the search instead of quietly leaving nTSecurityDescriptor
 * out). flags: EW_DIR_SD_OWNER | EW_DIR_SD_GROUP | EW_DIR_SD_DACL (7); the
 * SACL bit (8) and 0 (which AD reads as "everything") are refused: NULL.
 * NULL also when out of memory. Free with ldap_control_free.
 */
LDAPControl *ew_dir_sd_flags_control(int flags);

/*
 * Escape len bytes of v for an LDAP filter value (RFC 4515): '*', '(', ')',
 * '\', NUL, other control bytes and every byte >= 0x80 become \xx (lower-case
 * hex). A new string; NULL when v is NULL or out of memory. Pure.
 */
char *ew_dir_filter_escape(const char *v, size_t len);

#endif
