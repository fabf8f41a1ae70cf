/*
 * stepdata.h - what the dns, tickets, groups and mailbox steps gathered, as
 * C structs: the step fills one and sets its result's data from
 * ew_X_data_to_json; the wizard's views and `show` read it back with
 * ew_X_data_from_json. The key names and their order live in stepdata.c's
 * tables only. Every string is owned (ew_field_dup) and freed by
 * ew_X_data_free. Pure: jansson and text only.
 */
#ifndef EW_STEPDATA_H
#define EW_STEPDATA_H

#include <jansson.h>
#include <stddef.h>

/* Whose credentials a step used and which server it asked. */
struct ew_cred_data {
	char *as;
	char *method;
	char *server;
};

/* dns */
struct ew_dns_server_data {
	char *address;
	char *source;		/* "resolv.conf", "option", "dc" */
};

struct ew_dns_record_data {
	char *name, *type, *server, *status;
	char **answers;
	size_t nanswers;
	long long ttl, rtt_ms;
	char **cnames;
	size_t ncnames;
	int truncated, tcp;
	char *error;
};

struct ew_dns_cache_data {
	char *kind, *program;
	long long pid;
	char *address, *path, *detail;
	long long flushed;
};

struct ew_dns_data {
	int gathered;		/* 0: the step had no domain to look at */
	struct ew_cred_data credentials;
	struct ew_dns_server_data *servers;
	size_t nservers;
	struct ew_dns_record_data *records;
	size_t nrecords;
	struct ew_dns_cache_data *caches;
	size_t ncaches;
	long long queries, round_trips;
};

/* tickets */
struct ew_kdc_data {
	char *host, *address;
};

struct ew_spn_holder_data {
	char *dn, *account;
	long long supported_enctypes;	/* msDS-SupportedEncryptionTypes (absent: 0); -1 not read */
	int etypes_looked;		/* supported_enctypes set (reports before it have none) */
};

struct ew_spn_holders_data {
	char *spn;
	struct ew_spn_holder_data *holders;
	size_t nholders;
};

struct ew_ticket_data {
	char *cache, *client, *server, *flags, *flag_letters;
	char *authtime, *starttime, *endtime, *renew_till;	/* UTC, or NULL */
	char *session_enctype, *ticket_enctype;
	long long ticket_size;
	int tgt;
};

struct ew_service_data {
	char *spn, *status, *error, *cause;
	long long ticket_size;
	char *enctype, *session_enctype;
	long long rtt_ms;
};

struct ew_kdc_probe_data {
	char *host, *address;
	long long port;
	char *transport;
	int ok;
	char *error;
	long long rtt_ms;
	double skew_s;
	int have_skew;
};

struct ew_krb_config_data {
	char *default_realm;
	int dns_lookup_kdc, dns_lookup_realm, rdns, dns_canonicalize_hostname;
	long long udp_preference_limit, clockskew;
	int have_tgs_enctypes;		/* default_tgs_enctypes set in krb5.conf */
	char *default_tgs_enctypes;
};

/* An Exchange server of the configuration, its version and addresses. */
struct ew_exch_server_data {
	char *name, *fqdn, *version, *serial_number;
	char **addresses;
	size_t naddresses;
};

/* An -x name: whose it is, the SPNs asked for it, a shared name's holders. */
struct ew_exch_name_data {
	char *name, *kind, *version;	/* kind: "server", "shared", "not known" */
	char **addresses;
	size_t naddresses;
	char **members;
	size_t nmembers;
	char **spns;
	size_t nspns;
	char **alternate_service_accounts;
	size_t nalternate_service_accounts;
};

/* An Autodiscover service connection point. */
struct ew_scp_data {
	char *server, *url, *host, *site, *resolves;	/* resolves: "yes", "no", "not known" */
};

struct ew_tickets_data {
	int gathered;		/* 0: no realm */
	int exchange_looked;	/* the configuration was asked for: the exchange_* set */
	int exchange_read;
	char *exchange_error;
	struct ew_exch_server_data *exchange_servers;
	size_t nexchange_servers;
	struct ew_exch_name_data *exchange_names;
	size_t nexchange_names;
	struct ew_scp_data *autodiscover_scps;
	size_t nautodiscover_scps;
	struct ew_kdc_data *kdcs;
	size_t nkdcs;
	int spns_read;		/* the global catalog was searched */
	struct ew_spn_holders_data *spn_holders;
	size_t nspn_holders;
	char *global_catalog;
	struct ew_ticket_data *tickets;
	size_t ntickets;
	struct ew_cred_data credentials;
	struct ew_service_data *services;
	size_t nservices;
	struct ew_kdc_probe_data *kdc_probes;
	size_t nkdc_probes;
	struct ew_krb_config_data config;
};

/* groups */
struct ew_group_counts_data {
	long long global, domain_local, universal_in, universal_out, builtin;
	long long sid_history, distribution, unresolved, not_looked_up;
};

struct ew_group_data {
	char *sid, *name, *scope;
	int security;
	long long depth;
	char *path;		/* "A > B > C" for a nested group, else NULL */
};

struct ew_groups_data {
	int bound;		/* the directory was asked: credentials set */
	struct ew_cred_data credentials;
	int gathered;		/* the user was looked up: the rest set */
	char *user_dn, *user_sid;
	struct ew_group_counts_data counts;
	int estimate_complete;
	long long token_sids, lsa_sids, estimate_legacy, estimate_2012;
	int delegation;
	long long measured_tgt_size, measured_service_ticket_size;
	char **direct_groups;
	size_t ndirect_groups;
	struct ew_group_data *groups;
	size_t ngroups;
	char *source;
	long long ldap_requests;
	char *dc, *bind;
};

/* mailbox */
struct ew_mbx_attrs_data {
	char *dn, *homeMDB, *homeMTA, *msExchHomeServerName, *legacyExchangeDN;
	char *mailNickname, *targetAddress;
	int msExchMailboxGuid, msExchMailboxSecurityDescriptor;
	char **proxyAddresses;
	size_t nproxyAddresses;
	int have_sddl;
	char *mailbox_sddl;
};

struct ew_mbx_consistency_data {
	char *severity, *title;
};

struct ew_mbx_map_data {
	char *dc, *gc, *mailbox_server, *database;
	int version_known;		/* mailbox_server_version set */
	char *mailbox_server_version;	/* "Exchange 2019" */
};

/* One right of the mover: on an object (kind EW_MOVER_ON_OBJECT) or to
 * write one attribute of the user (EW_MOVER_ATTRIBUTE). */
#define EW_MOVER_ON_OBJECT 1
#define EW_MOVER_ATTRIBUTE 2
struct ew_mover_right_data {
	int kind;
	char *object;		/* "user", "database", ... */
	char *dn, *rights;	/* on an object */
	int full_control;
	char *right;		/* an attribute's name */
	int granted;
};

struct ew_mover_data {
	char *account;
	char **groups;		/* Exchange admin groups the mover is in */
	size_t ngroups;
	struct ew_mover_right_data *rights;
	size_t nrights;
};

/* ew_mailbox_data.mover_state */
#define EW_MOVER_NONE 0		/* not written */
#define EW_MOVER_NULL 1		/* no mover given */
#define EW_MOVER_JUDGED 2

struct ew_mailbox_data {
	int bound;			/* credentials set */
	struct ew_cred_data credentials;
	int read;			/* the user was found: read_as set */
	char *read_as;
	int mover_state;
	struct ew_mover_data mover;
	int gathered;			/* attributes, consistency, map, spns set */
	struct ew_mbx_attrs_data attributes;
	struct ew_mbx_consistency_data *consistency;
	size_t nconsistency;
	struct ew_mbx_map_data map;
	char **spns;
	size_t nspns;
	int counted;			/* ldap_requests set */
	long long ldap_requests;
};

/* A step's data object (its result's) given the keys of from, which is
 * consumed; from NULL (out of memory) leaves it as it is. */
void ew_step_data_put(json_t *data, json_t *from);

json_t *ew_dns_data_to_json(const struct ew_dns_data *d);
int ew_dns_data_from_json(const json_t *j, struct ew_dns_data *out, char *err, size_t errlen);
void ew_dns_data_free(struct ew_dns_data *d);
/* One record as the data and the transcript's probes have it. */
json_t *ew_dns_record_data_to_json(const struct ew_dns_record_data *r);
void ew_dns_record_data_free(struct ew_dns_record_data *r);

json_t *ew_tickets_data_to_json(const struct ew_tickets_data *d);
int ew_tickets_data_from_json(const json_t *j, struct ew_tickets_data *out, char *err,
			      size_t errlen);
void ew_tickets_data_free(struct ew_tickets_data *d);

json_t *ew_groups_data_to_json(const struct ew_groups_data *d);
int ew_groups_data_from_json(const json_t *j, struct ew_groups_data *out, char *err,
			     size_t errlen);
void ew_groups_data_free(struct ew_groups_data *d);

json_t *ew_mailbox_data_to_json(const struct ew_mailbox_data *d);
int ew_mailbox_data_from_json(const json_t *j, struct ew_mailbox_data *out, char *err,
			      size_t errlen);
void ew_mailbox_data_free(struct ew_mailbox_data *d);

#endif
