/*
 * krb.h - Kerberos through the MIT krb5 API: what KerbTray and klist show
 * (every credential of every cache of the collection, with flags, enctypes,
 * times and ticket size), session tickets for service principal names as
 * kvno would get them (in parallel, each request with its own context, from
 * a private copy of the TGT so the user's cache is never changed), a TGT
 * into a private in-memory cache (--kinit), and the library's trace captured
 * line by line. Waits are bounded from the caller's side: a request that
 * does not finish in time is abandoned and its late result dropped.
 * Never a key, a password or ticket bytes in anything this module returns.
 */
#ifndef EW_KRB_H
#define EW_KRB_H

#include <stdatomic.h>
#include <stddef.h>

#include "krbdata.h"

/*
 * The caches: with ccache NULL, the whole collection of the default cache;
 * else only that cache. 0, or -1 with a message (no context at all).
 */
int ew_krb_list(const char *ccache, struct ew_krb_caches *out, char *err, size_t errlen);
/*
 * Get a service ticket for each svc[i].spn in realm with the TGT of ccache
 * (NULL: the default), all at once. Bounded by timeout_ms overall; when
 * cancel is set, the requests still waiting are abandoned with cancelled set
 * (no error code, no cause: they were not answered, nor refused). 0, or
 * -1 with a message when there is no TGT to start from (then svc untouched).
 * kdcs (nkdcs of them, "ADDR:PORT" with ADDR an IP literal, IPv6 in brackets)
 * pins the realm's KDCs so that the library looks nothing up in DNS first;
 * nkdcs 0: the library finds the KDC itself (krb5.conf, DNS).
 */
int ew_krb_get_services(const char *ccache, const char *realm, const char *const *kdcs,
			size_t nkdcs, struct ew_krb_svc *svc, size_t n, int timeout_ms,
			atomic_int *cancel, char *err, size_t errlen);
/*
 * Requests that ew_krb_get_services and ew_krb_prefetch stopped waiting for
 * (cancelled, or past their time limit) end on their own threads. This waits
 * until the deadline (CLOCK_REALTIME) for them to end and returns how many
 * still run. While any does, the process must not run the libraries'
 * destructors: end it with _exit, not exit.
 */
struct timespec;
size_t ew_krb_settle(const struct timespec *until);

/*
 * A private MEMORY cache holding only the TGT of ccache (NULL: the default)
 * for realm, so that what a request stores never reaches the user's cache.
 * Its name in *ccname (caller frees; destroy with ew_krb_destroy). 0, or -1
 * with a message (no TGT, expired).
 */
int ew_krb_private_copy(const char *ccache, const char *realm, char **ccname, char *err,
			size_t errlen);

/*
 * Get the ticket for spn (realm added) into ccache, which must be a private
 * cache (it is stored there), bounded by timeout_ms: so that a library that
 * cannot be bounded (a GSSAPI bind) finds it ready and need not ask the KDC.
 * kdc: "ADDR:PORT" of the KDC to ask (as for ew_krb_get_services), or NULL.
 * 0, or -1 with a message.
 */
int ew_krb_prefetch(const char *ccache, const char *realm, const char *kdc, const char *spn,
		    int timeout_ms, atomic_int *cancel, char *err, size_t errlen);

/*
 * For this process only, before any thread starts: a host-based service name
 * (the ldap/ service of a GSSAPI bind) is taken as given, not canonicalised
 * through forward and reverse DNS lookups first (dns_canonicalize_hostname =
 * fallback, rdns = false, read before the user's krb5.conf, which otherwise
 * holds). exwizard names every server as it reports it; the lookups would
 * only add round trips, and depend on the DNS being diagnosed. 0 or -1.
 */
int ew_krb_process_config(void);

/* Cause and remedy of a krb5 error code, for a person. */
void ew_krb_explain(long code, const char **cause, const char **remedy);

/*
 * Get a TGT for principal with password into a new private MEMORY cache;
 * its name into ccname. The password is not kept. Unless krb5.conf names
 * the realm's KDCs (or turns DNS off), the KDCs are found first, once, in
 * DNS (timeout_ms per try, tries), and pinned for the AS exchanges, which are
 * then bounded by timeout_ms * tries + 3 s. Setting *cancel (may be NULL)
 * stops the wait within 100 ms ("cancelled"). 0, or -1 with a message (a
 * wrong password says so; nothing is stored: a TGT that comes after the wait
 * has ended is destroyed).
 */
int ew_krb_kinit(const char *principal, const char *password, char *ccname,
		 size_t ccnamelen, int timeout_ms, int tries, atomic_int *cancel, char *err,
		 size_t errlen);
/* Destroy a cache made by ew_krb_kinit. */
void ew_krb_destroy(const char *ccname);

/* Blank out key fingerprints ("aes256-cts/1A2B") in a trace line, in place. */
void ew_krb_trace_redact(char *line);

#endif
