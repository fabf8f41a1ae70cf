/*
 * target.h - what is being diagnosed: realm, AD DNS domain, user, Exchange
 * servers, mover account, DC, extra DNS servers and credential cache, with
 * where each value came from; the syntax checks for values typed by a person.
 * The "target" step that fills in the defaults is in targetstep.h.
 */
#ifndef EW_TARGET_H
#define EW_TARGET_H

#include <jansson.h>
#include <stddef.h>

#define EW_TARGET_MAX_LIST 16
#define EW_TARGET_CLIENT_MAX (4u << 20)	/* bytes of one client text */

struct ew_target {
	char *realm;
	char *domain;
	char *user;
	char *mover;
	char *dc;
	char *ccache;		/* --ccache; NULL: KRB5CCNAME or the default */
	char *credentials;	/* how we authenticate; NULL: the user's cache */
	/* The principal of the credential cache the steps use (set by the target
	 * step): whose tickets the tickets step shows and measures. NULL: none. */
	char *cache_principal;
	char *exchange[EW_TARGET_MAX_LIST];
	size_t nexchange;
	char *dns_servers[EW_TARGET_MAX_LIST];	/* "IP" or "IP:PORT" */
	size_t ndns_servers;
	/* What the user saw (--symptom): ids of causes.h, in the order given. */
	char *symptoms[EW_TARGET_MAX_LIST];
	size_t nsymptoms;
	/*
	 * The identity put beside the user (--compare): its account name, the
	 * account that moved its mailbox, and the credential cache that holds its
	 * tickets (NULL: its Kerberos view is not compared). NULL: none.
	 */
	char *compare;
	char *compare_mover;
	char *compare_ccache;
	/*
	 * What the user's Windows client showed (--client-file, the wizard's
	 * client pane): each text as given, with where it came from ("klist.txt",
	 * "standard input", "pasted"). Bytes, not decoded: clientparse.h reads
	 * them. At most EW_TARGET_CLIENT_MAX bytes each.
	 */
	struct ew_client_text {
		char *source;
		char *data;
		size_t len;
	} client[EW_TARGET_MAX_LIST];
	size_t nclient;
	/* where the value came from: "option", "krb5.conf", "ccache", "realm" */
	const char *realm_source;
	const char *domain_source;
	const char *user_source;
};

struct ew_target *ew_target_new(void);
/* A deep copy (the *_source strings are static and shared); NULL when out of memory. */
struct ew_target *ew_target_dup(const struct ew_target *t);
void ew_target_free(struct ew_target **t);

/*
 * Setters for values typed by a person. Each checks the syntax and returns 0,
 * or -1 with a message in err (the value is not stored).
 */
int ew_target_set_realm(struct ew_target *t, const char *v, char *err, size_t errlen);
int ew_target_set_domain(struct ew_target *t, const char *v, char *err, size_t errlen);
int ew_target_set_user(struct ew_target *t, const char *v, char *err, size_t errlen);
int ew_target_set_mover(struct ew_target *t, const char *v, char *err, size_t errlen);
int ew_target_set_dc(struct ew_target *t, const char *v, char *err, size_t errlen);
int ew_target_set_ccache(struct ew_target *t, const char *v, char *err, size_t errlen);
int ew_target_set_compare(struct ew_target *t, const char *v, char *err, size_t errlen);
int ew_target_set_compare_mover(struct ew_target *t, const char *v, char *err,
				size_t errlen);
int ew_target_set_compare_ccache(struct ew_target *t, const char *v, char *err,
				 size_t errlen);
int ew_target_add_exchange(struct ew_target *t, const char *v, char *err, size_t errlen);
int ew_target_add_dns_server(struct ew_target *t, const char *v, char *err, size_t errlen);
/* A symptom id of causes.h (exact); an unknown one is refused with the list
 * of the valid ids in err. */
/* A text the client showed (copied); refused when the list is full or it
 * is longer than EW_TARGET_CLIENT_MAX bytes. */
int ew_target_add_client(struct ew_target *t, const char *source, const void *data,
			 size_t len, char *err, size_t errlen);
/* Text i of the client's taken away (the others keep their order). */
void ew_target_remove_client(struct ew_target *t, size_t i);
int ew_target_add_symptom(struct ew_target *t, const char *v, char *err, size_t errlen);
/* Every symptom of the space-separated ids in v, or none (the list is then
 * unchanged): the wizard's form. An empty v clears the list. */
int ew_target_set_symptoms(struct ew_target *t, const char *v, char *err, size_t errlen);

/* Syntax checks (pure). 1 if valid, 0 if not; why says what is wrong. */
int ew_valid_hostname(const char *s, const char **why);
int ew_valid_realm(const char *s, const char **why);
int ew_valid_account(const char *s, const char **why);
/* "IPv4", "IPv4:PORT", "IPv6", "[IPv6]:PORT"; host (at least 46 bytes) and port filled in. */
int ew_parse_server(const char *s, char *host, size_t hostlen, unsigned *port,
		    const char **why);

/* "symptoms" and "compare" ({"user", "mover", "ccache"}) only when given: a
 * target without them keeps the JSON it always had. */
json_t *ew_target_to_json(const struct ew_target *t);

/*
 * The target the compared identity's steps run with: t's realm, domain, DC,
 * Exchange servers and directory credentials, its user the compared one and
 * its mover compare_mover; with view set, the credential cache is
 * compare_ccache (its tickets are the ones shown). No compare fields of its
 * own, no symptoms. NULL when t compares nothing, with view and no
 * compare_ccache (never the default cache), or out of memory.
 */
struct ew_target *ew_target_compared(const struct ew_target *t, int view);

/* The account name of "bob@REALM", "DOMAIN\\bob" or "bob": "bob". */
void ew_account_name(const char *user, char *out, size_t len);
/* 1 when user and principal name the same account (account names compared
 * without case; a principal of another realm than realm, when both are known,
 * is another account), 0 when not or when either is NULL. */
int ew_same_account(const char *user, const char *principal, const char *realm);
/*
 * Whose credentials a step that reads the directory uses: the simple-bind DN
 * when there is one, else the cache principal; NULL when there is neither.
 */
const char *ew_target_reader(const struct ew_target *t, const char *bind_dn);

#endif
