/*
 * dnscache.h - the resolver configuration of this machine and the caches
 * that sit between it and the domain controllers.
 *
 * resolv.conf is parsed by a pure function. Caches are found where they
 * act: the process that listens on a nameserver address of resolv.conf
 * (dnsmasq, systemd-resolved, unbound, ...), nscd, and SSSD's kdcinfo files.
 * Each is placed on the lookup path it affects: MIT krb5 finds KDCs and DCs
 * through SRV lookups in libresolv (resolv.conf servers; nscd and /etc/hosts
 * are not consulted), and host names through NSS (getaddrinfo). Flushing is
 * done only when asked, by a signal to a daemon whose executable was checked
 * or by running its control program with execve and a fixed argument vector.
 */
#ifndef EW_DNSCACHE_H
#define EW_DNSCACHE_H

#include <stddef.h>
#include <sys/types.h>

#define EW_RESOLV_MAX 8

struct ew_resolv {
	char *servers[EW_RESOLV_MAX];	/* "IP" (IPv6 scope ids dropped) */
	size_t nservers;
	char *search[EW_RESOLV_MAX];
	size_t nsearch;
	int ndots, timeout, attempts, rotate;
	int ignored;		/* nameserver lines past the third (glibc uses 3) */
	int bad;		/* nameserver lines that are not an address */
};

/* Parse resolv.conf text. Never fails; what it cannot use is counted. */
void ew_resolv_parse(const char *text, struct ew_resolv *out);
/* Read and parse a file; -1 with errno when it cannot be read. */
int ew_resolv_load(const char *path, struct ew_resolv *out);
void ew_resolv_clear(struct ew_resolv *r);
/* The system's resolvers (/etc/resolv.conf); with none, 127.0.0.1, as the
 * resolver library does. */
void ew_resolv_system(struct ew_resolv *out);

enum ew_cache_kind {
	EW_CACHE_DNSMASQ,
	EW_CACHE_RESOLVED,
	EW_CACHE_UNBOUND,
	EW_CACHE_NSCD,
	EW_CACHE_SSSD,
	EW_CACHE_OTHER,		/* a local resolver we do not know how to flush */
};

struct ew_cache {
	enum ew_cache_kind kind;
	pid_t pid;		/* 0 when not known */
	char *program;		/* "dnsmasq", "systemd-resolved", ... */
	char *address;		/* the nameserver it answers on, or NULL */
	const char *path;	/* "resolver (SRV and host lookups)", "NSS host lookups", ... */
	char *detail;
};

/* Caches of this machine (in this network namespace). The caller frees. */
int ew_cache_detect(const struct ew_resolv *rc, struct ew_cache **out, size_t *n);
void ew_cache_free_all(struct ew_cache *c, size_t n);
const char *ew_cache_kind_name(enum ew_cache_kind k);

/*
 * Flush one cache. 0 and what was done in did; -1 with the reason in err
 * (nothing done, or the action failed). Bounded: a helper program gets 5 s.
 */
int ew_cache_flush(const struct ew_cache *c, char *did, size_t didlen,
		   char *err, size_t errlen);

/* Is this a loopback address (127/8, ::1)? */
int ew_ip_is_loopback(const char *ip);

#endif
