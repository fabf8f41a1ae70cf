/*
 * dns.h - DNS questions on c-ares, all in flight at once, each to the server
 * it names (one c-ares channel per server), each with a bounded wait.
 *
 * A result keeps apart what a resolver cache display shows: ok, NXDOMAIN
 * (the name does not exist), NODATA (the name exists, not that record),
 * timeout, SERVFAIL, REFUSED, a malformed or truncated answer; with the
 * answers, their TTL (SRV TTL too), the CNAME chain, the round-trip time and
 * the server asked. The answer parser is a pure function (unit-tested and
 * fuzzed without a network).
 */
#ifndef EW_DNS_H
#define EW_DNS_H

#include <stdatomic.h>
#include <stddef.h>

enum ew_dns_type {
	EW_DNS_A = 1,
	EW_DNS_CNAME = 5,
	EW_DNS_SOA = 6,
	EW_DNS_PTR = 12,
	EW_DNS_TXT = 16,
	EW_DNS_AAAA = 28,
	EW_DNS_SRV = 33,
};

enum ew_dns_status {
	EW_DNS_PENDING,
	EW_DNS_OK,
	EW_DNS_NXDOMAIN,
	EW_DNS_NODATA,
	EW_DNS_TIMEOUT,
	EW_DNS_SERVFAIL,
	EW_DNS_REFUSED,
	EW_DNS_ERROR,		/* malformed answer, other rcode, socket error */
	EW_DNS_CANCELLED,
};

struct ew_dns_answer {
	char *name;		/* owner name */
	int type;
	unsigned ttl;
	char *data;		/* presentation: address, name, "prio weight port target" */
	/* SRV */
	unsigned priority, weight, port;
	char *target;
};

struct ew_dns_result {
	char *name;		/* asked */
	int type;
	char *server;		/* "IP" or "IP:PORT" (IPv6 as [IP]:PORT) */
	enum ew_dns_status status;
	int rcode;
	int truncated;		/* the UDP answer had TC set */
	int tcp;		/* the answer came over TCP */
	int tcp_failed;		/* truncated, and the TCP retry failed */
	struct ew_dns_answer *answers;	/* records of the asked type */
	size_t nanswers;
	char **cnames;		/* the chain followed, in order */
	size_t ncnames;
	unsigned ttl;		/* lowest TTL of the answers; for NXDOMAIN/NODATA the SOA minimum */
	long rtt_ms;
	char *error;		/* why, when not ok */
};

const char *ew_dns_status_name(enum ew_dns_status st);	/* "ok", "nxdomain", ... */
const char *ew_dns_type_name(int type);			/* "SRV", "A", ... */

struct ew_dns_result *ew_dns_result_new(const char *name, int type, const char *server);
void ew_dns_result_free(struct ew_dns_result **r);
/* Back to "not asked" (for asking again after a flush). */
void ew_dns_result_clear(struct ew_dns_result *r);
/* Only the answers and CNAMEs freed and emptied. */
void ew_dns_result_clear_answers(struct ew_dns_result *r);

/*
 * Parse a DNS answer (len bytes) into r: status from the rcode and the
 * answers, records of r->type after the CNAME chain from r->name, TTLs, TC.
 * Every string is cleaned. 0, or -1 for a malformed message (r->status
 * EW_DNS_ERROR with the reason).
 */
int ew_dns_parse(const unsigned char *buf, size_t len, struct ew_dns_result *r);

struct ew_dns_opts {
	int timeout_ms;		/* per try */
	int tries;
	atomic_int *cancel;
};

/*
 * Ask every question at once. Returns when all are answered, the overall
 * bound (timeout_ms * tries + 500 ms) has passed (those left: timeout), or
 * cancel was set (those left: cancelled). 0, or -1 with a message in err when
 * c-ares cannot be set up at all. Results already answered are skipped.
 */
int ew_dns_resolve(struct ew_dns_result **rs, size_t n, const struct ew_dns_opts *o,
		   char *err, size_t errlen);

/* A reverse name for an address: "4.3.2.1.in-addr.arpa" or the ip6.arpa form. */
char *ew_dns_reverse_name(const char *ip);
/* DNS names compare without case and without a trailing dot. */
int ew_dns_name_eq(const char *a, const char *b);

/* The set of answers as one sorted string ("a|b|c"), to compare servers. */
char *ew_dns_answer_set(const struct ew_dns_result *r);

#endif
