/*
 * causes.h - the causes and the symptoms of the diagnosis
 * (DIAGNOSIS.md): every cause id a report can name, its title, its scope,
 * the checks whose findings prove it, the symptoms it explains and the
 * causes it can be a consequence of; every symptom id an agent can give
 * (--symptom) with what the user saw. The ids are a contract: reports, the
 * transcript and tests rely on them. Rules name causes by the EW_CAUSE_*
 * constants, never by a literal. Pure.
 */
#ifndef EW_CAUSES_H
#define EW_CAUSES_H

#include <stddef.h>

#define EW_CAUSE_NO_TGT			"no-tgt"
#define EW_CAUSE_DNS_SRV_MISSING	"dns-srv-missing"
#define EW_CAUSE_DNS_RESOLVER_SPLIT	"dns-resolver-split"
#define EW_CAUSE_DNS_CACHE_STALE	"dns-cache-stale"
#define EW_CAUSE_NAME_CANON		"name-canonicalisation"
#define EW_CAUSE_REALM_HINT		"realm-hint"
#define EW_CAUSE_KDC_UNREACHABLE	"kdc-unreachable"
#define EW_CAUSE_KDC_TCP_BLOCKED	"kdc-tcp-blocked"
#define EW_CAUSE_CLOCK_SKEW		"clock-skew"
#define EW_CAUSE_SPN_MISSING		"spn-missing"
#define EW_CAUSE_SPN_DUPLICATE		"spn-duplicate"
#define EW_CAUSE_SPN_WRONG_ACCOUNT	"spn-wrong-account"
#define EW_CAUSE_ENCTYPE_MISMATCH	"enctype-mismatch"
#define EW_CAUSE_TOKEN_TOO_LARGE	"token-too-large"
#define EW_CAUSE_SID_LIMIT		"sid-limit"
#define EW_CAUSE_MAILBOX_HALF_MOVED	"mailbox-half-moved"
#define EW_CAUSE_MAILBOX_DESCRIPTOR	"mailbox-descriptor"
#define EW_CAUSE_MAILBOX_PROTECTED	"mailbox-protected"
#define EW_CAUSE_MOVER_RIGHTS		"mover-rights"
#define EW_CAUSE_STALE_LOGON		"stale-logon"

#define EW_SYM_40960		"40960"
#define EW_SYM_40961		"40961"
#define EW_SYM_UNAVAILABLE	"unavailable"
#define EW_SYM_PROMPTS		"prompts"
#define EW_SYM_ADMIN_WORKS	"admin-works"
#define EW_SYM_EXPROX_1000	"exprox-1000"
#define EW_SYM_HTTP_400		"http-400"
#define EW_SYM_KDC_11		"kdc-11"

#define EW_CAUSE_MAX_LIST 16

struct ew_symptom {
	const char *id;		/* EW_SYM_* */
	const char *text;	/* what the user saw or was told, one line */
};

struct ew_cause {
	const char *id;		/* EW_CAUSE_* */
	const char *title;	/* one line, without the names found */
	const char *scope;	/* who else is hit */
	/* The checks whose warn or fail findings can prove it (NULL-ended). */
	const char *checks[4];
	/* The symptoms it explains (NULL-ended). */
	const char *explains[EW_CAUSE_MAX_LIST];
	/* Causes that, when found too, explain this one: it is then their
	 * consequence (NULL-ended). */
	const char *because_of[4];
	/* It stops Kerberos for this user and these servers (ranks first
	 * without a symptom). */
	int stops_kerberos;
	/* Only the Windows client's output (--client-file) can show it: without
	 * it the cause is neither ruled out nor "not checked", just not looked
	 * at. */
	int needs_client;
};

/* In the order DIAGNOSIS.md lists them (the order of ties in a ranking). */
extern const struct ew_cause ew_causes[];
extern const size_t ew_ncauses;
extern const struct ew_symptom ew_symptoms[];
extern const size_t ew_nsymptoms;

/* By id (exact case), or NULL. */
const struct ew_cause *ew_cause_find(const char *id);
const struct ew_symptom *ew_symptom_find(const char *id);
/* Whether cause explains symptom. */
int ew_cause_explains(const struct ew_cause *c, const char *symptom);

#endif
