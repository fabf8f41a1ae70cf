/*
 * The typed data of the steps: one table of fields per struct, so that the
 * step that writes the data and the views that read it share the key names.
 */
#include "stepdata.h"

#include <stddef.h>

#include "datafields.h"

#define FIELDS(name, what, type, table) \
	static const struct ew_fields name = { what, table, sizeof(table) / sizeof(table[0]), \
					       sizeof(type) }

#define STR(m) #m, EW_FT_STR, offsetof(T, m), 0, NULL
#define INT(m) #m, EW_FT_INT, offsetof(T, m), 0, NULL
#define BOOL(m) #m, EW_FT_BOOL, offsetof(T, m), 0, NULL
#define REAL(m, have) #m, EW_FT_REAL, offsetof(T, m), offsetof(T, have), NULL
#define STRS(m) #m, EW_FT_STRS, offsetof(T, m), offsetof(T, n##m), NULL
#define ARR(m, s) #m, EW_FT_ARR, offsetof(T, m), offsetof(T, n##m), &s
#define OBJ(m, s) #m, EW_FT_OBJ, offsetof(T, m), 0, &s
#define ALWAYS 0, 0, 0
#define CLEAN EW_FF_CLEAN, 0, 0
#define ON(gate, v) EW_FF_WHEN, offsetof(T, gate), v
#define CLEAN_ON(gate, v) EW_FF_CLEAN | EW_FF_WHEN, offsetof(T, gate), v

#define T struct ew_cred_data
static const struct ew_field cred_f[] = {
	{ STR(as), ALWAYS }, { STR(method), ALWAYS }, { STR(server), ALWAYS },
};
FIELDS(cred_d, "credentials", T, cred_f);
#undef T

/* dns */
#define T struct ew_dns_server_data
static const struct ew_field dns_server_f[] = {
	{ STR(address), ALWAYS }, { STR(source), ALWAYS },
};
FIELDS(dns_server_d, "DNS server", T, dns_server_f);
#undef T

#define T struct ew_dns_record_data
static const struct ew_field dns_record_f[] = {
	{ STR(name), ALWAYS }, { STR(type), ALWAYS }, { STR(server), ALWAYS },
	{ STR(status), ALWAYS }, { STRS(answers), ALWAYS }, { INT(ttl), ALWAYS },
	{ INT(rtt_ms), ALWAYS }, { STRS(cnames), ALWAYS }, { BOOL(truncated), ALWAYS },
	{ BOOL(tcp), ALWAYS }, { STR(error), ALWAYS },
};
FIELDS(dns_record_d, "DNS record", T, dns_record_f);
#undef T

#define T struct ew_dns_cache_data
static const struct ew_field dns_cache_f[] = {
	{ STR(kind), ALWAYS }, { STR(program), ALWAYS }, { INT(pid), ALWAYS },
	{ STR(address), ALWAYS }, { STR(path), ALWAYS }, { STR(detail), ALWAYS },
	{ INT(flushed), ALWAYS },
};
FIELDS(dns_cache_d, "DNS cache", T, dns_cache_f);
#undef T

#define T struct ew_dns_data
static const struct ew_field dns_f[] = {
	{ OBJ(credentials, cred_d), ON(gathered, 1) },
	{ ARR(servers, dns_server_d), ON(gathered, 1) },
	{ ARR(records, dns_record_d), ON(gathered, 1) },
	{ ARR(caches, dns_cache_d), ON(gathered, 1) },
	{ INT(queries), ON(gathered, 1) },
	{ INT(round_trips), ON(gathered, 1) },
};
FIELDS(dns_d, "dns data", T, dns_f);
#undef T

/* tickets */
#define T struct ew_kdc_data
static const struct ew_field kdc_f[] = { { STR(host), ALWAYS }, { STR(address), ALWAYS } };
FIELDS(kdc_d, "KDC", T, kdc_f);
#undef T

#define T struct ew_spn_holder_data
static const struct ew_field holder_f[] = {
	{ STR(dn), ALWAYS }, { STR(account), ALWAYS }, { INT(supported_enctypes), ON(etypes_looked, 1) },
};
FIELDS(holder_d, "SPN holder", T, holder_f);
#undef T

#define T struct ew_spn_holders_data
static const struct ew_field holders_f[] = {
	{ STR(spn), ALWAYS }, { ARR(holders, holder_d), ALWAYS },
};
FIELDS(holders_d, "SPN", T, holders_f);
#undef T

#define T struct ew_ticket_data
static const struct ew_field ticket_f[] = {
	{ STR(cache), ALWAYS }, { STR(client), ALWAYS }, { STR(server), ALWAYS },
	{ STR(flags), ALWAYS }, { STR(flag_letters), ALWAYS }, { STR(authtime), ALWAYS },
	{ STR(starttime), ALWAYS }, { STR(endtime), ALWAYS }, { STR(renew_till), ALWAYS },
	{ STR(session_enctype), ALWAYS }, { STR(ticket_enctype), ALWAYS },
	{ INT(ticket_size), ALWAYS }, { BOOL(tgt), ALWAYS },
};
FIELDS(ticket_d, "ticket", T, ticket_f);
#undef T

#define T struct ew_service_data
static const struct ew_field service_f[] = {
	{ STR(spn), ALWAYS }, { STR(status), ALWAYS }, { STR(error), ALWAYS },
	{ STR(cause), ALWAYS }, { INT(ticket_size), ALWAYS }, { STR(enctype), ALWAYS },
	{ STR(session_enctype), ALWAYS }, { INT(rtt_ms), ALWAYS },
};
FIELDS(service_d, "session ticket", T, service_f);
#undef T

#define T struct ew_kdc_probe_data
static const struct ew_field probe_f[] = {
	{ STR(host), ALWAYS }, { STR(address), ALWAYS }, { INT(port), ALWAYS },
	{ STR(transport), ALWAYS }, { BOOL(ok), ALWAYS }, { STR(error), ALWAYS },
	{ INT(rtt_ms), ALWAYS }, { REAL(skew_s, have_skew), ALWAYS },
};
FIELDS(probe_d, "KDC probe", T, probe_f);
#undef T

#define T struct ew_krb_config_data
static const struct ew_field config_f[] = {
	{ STR(default_realm), ALWAYS }, { BOOL(dns_lookup_kdc), ALWAYS },
	{ BOOL(dns_lookup_realm), ALWAYS }, { BOOL(rdns), ALWAYS },
	{ BOOL(dns_canonicalize_hostname), ALWAYS }, { INT(udp_preference_limit), ALWAYS },
	{ INT(clockskew), ALWAYS },
	{ STR(default_tgs_enctypes), CLEAN_ON(have_tgs_enctypes, 1) },
};
FIELDS(config_d, "krb5.conf", T, config_f);
#undef T

#define T struct ew_exch_server_data
static const struct ew_field exsrv_f[] = {
	{ STR(name), CLEAN }, { STR(fqdn), CLEAN }, { STR(version), ALWAYS },
	{ STR(serial_number), CLEAN }, { STRS(addresses), CLEAN },
};
FIELDS(exsrv_d, "Exchange server", T, exsrv_f);
#undef T

#define T struct ew_exch_name_data
static const struct ew_field exname_f[] = {
	{ STR(name), CLEAN }, { STR(kind), ALWAYS }, { STR(version), ALWAYS },
	{ STRS(addresses), CLEAN }, { STRS(members), CLEAN }, { STRS(spns), CLEAN },
	{ STRS(alternate_service_accounts), CLEAN },
};
FIELDS(exname_d, "Exchange name", T, exname_f);
#undef T

#define T struct ew_scp_data
static const struct ew_field scp_f[] = {
	{ STR(server), CLEAN }, { STR(url), CLEAN }, { STR(host), CLEAN }, { STR(site), CLEAN },
	{ STR(resolves), ALWAYS },
};
FIELDS(scp_d, "Autodiscover SCP", T, scp_f);
#undef T

#define T struct ew_tickets_data
static const struct ew_field tickets_f[] = {
	{ ARR(kdcs, kdc_d), ON(gathered, 1) },
	{ ARR(spn_holders, holders_d), ON(spns_read, 1) },
	{ STR(global_catalog), ON(spns_read, 1) },
	{ ARR(tickets, ticket_d), ON(gathered, 1) },
	{ OBJ(credentials, cred_d), ON(gathered, 1) },
	{ ARR(services, service_d), ON(gathered, 1) },
	{ ARR(kdc_probes, probe_d), ON(gathered, 1) },
	{ OBJ(config, config_d), ON(gathered, 1) },
	{ BOOL(exchange_read), ON(exchange_looked, 1) },
	{ STR(exchange_error), CLEAN_ON(exchange_looked, 1) },
	{ ARR(exchange_servers, exsrv_d), ON(exchange_looked, 1) },
	{ ARR(exchange_names, exname_d), ON(exchange_looked, 1) },
	{ ARR(autodiscover_scps, scp_d), ON(exchange_looked, 1) },
};
FIELDS(tickets_d, "tickets data", T, tickets_f);
#undef T

/* groups */
#define T struct ew_group_counts_data
static const struct ew_field counts_f[] = {
	{ INT(global), ALWAYS }, { INT(domain_local), ALWAYS }, { INT(universal_in), ALWAYS },
	{ INT(universal_out), ALWAYS }, { INT(builtin), ALWAYS }, { INT(sid_history), ALWAYS },
	{ INT(distribution), ALWAYS }, { INT(unresolved), ALWAYS },
	{ INT(not_looked_up), ALWAYS },
};
FIELDS(counts_d, "group counts", T, counts_f);
#undef T

#define T struct ew_group_data
static const struct ew_field group_f[] = {
	{ STR(sid), ALWAYS }, { STR(name), CLEAN }, { STR(scope), ALWAYS },
	{ BOOL(security), ALWAYS }, { INT(depth), ALWAYS }, { STR(path), CLEAN },
};
FIELDS(group_d, "group", T, group_f);
#undef T

#define T struct ew_groups_data
static const struct ew_field groups_f[] = {
	{ OBJ(credentials, cred_d), ON(bound, 1) },
	{ STR(user_dn), CLEAN_ON(gathered, 1) },
	{ STR(user_sid), ON(gathered, 1) },
	{ OBJ(counts, counts_d), ON(gathered, 1) },
	{ BOOL(estimate_complete), ON(gathered, 1) },
	{ INT(token_sids), ON(gathered, 1) },
	{ INT(lsa_sids), ON(gathered, 1) },
	{ INT(estimate_legacy), ON(gathered, 1) },
	{ INT(estimate_2012), ON(gathered, 1) },
	{ BOOL(delegation), ON(gathered, 1) },
	{ INT(measured_tgt_size), ON(gathered, 1) },
	{ INT(measured_service_ticket_size), ON(gathered, 1) },
	{ STRS(direct_groups), CLEAN_ON(gathered, 1) },
	{ ARR(groups, group_d), ON(gathered, 1) },
	{ STR(source), ON(gathered, 1) },
	{ INT(ldap_requests), ON(gathered, 1) },
	{ STR(dc), CLEAN_ON(gathered, 1) },
	{ STR(bind), CLEAN_ON(gathered, 1) },
};
FIELDS(groups_d, "groups data", T, groups_f);
#undef T

/* mailbox */
#define T struct ew_mbx_attrs_data
static const struct ew_field attrs_f[] = {
	{ STR(dn), CLEAN }, { STR(homeMDB), CLEAN }, { STR(homeMTA), CLEAN },
	{ STR(msExchHomeServerName), CLEAN }, { STR(legacyExchangeDN), CLEAN },
	{ STR(mailNickname), CLEAN }, { STR(targetAddress), CLEAN },
	{ BOOL(msExchMailboxGuid), ALWAYS }, { BOOL(msExchMailboxSecurityDescriptor), ALWAYS },
	{ STRS(proxyAddresses), CLEAN }, { STR(mailbox_sddl), CLEAN_ON(have_sddl, 1) },
};
FIELDS(attrs_d, "mailbox attributes", T, attrs_f);
#undef T

#define T struct ew_mbx_consistency_data
static const struct ew_field cons_f[] = { { STR(severity), ALWAYS }, { STR(title), ALWAYS } };
FIELDS(cons_d, "consistency", T, cons_f);
#undef T

#define T struct ew_mbx_map_data
static const struct ew_field map_f[] = {
	{ STR(dc), CLEAN }, { STR(gc), CLEAN }, { STR(mailbox_server), CLEAN },
	{ STR(database), CLEAN }, { "public_folders", EW_FT_NULL, 0, 0, NULL, ALWAYS },
	{ STR(mailbox_server_version), CLEAN_ON(version_known, 1) },
};
FIELDS(map_d, "connection map", T, map_f);
#undef T

#define T struct ew_mover_right_data
static const struct ew_field right_f[] = {
	{ STR(object), ALWAYS },
	{ STR(dn), CLEAN_ON(kind, EW_MOVER_ON_OBJECT) },
	{ STR(rights), ON(kind, EW_MOVER_ON_OBJECT) },
	{ BOOL(full_control), ON(kind, EW_MOVER_ON_OBJECT) },
	{ STR(right), ON(kind, EW_MOVER_ATTRIBUTE) },
	{ BOOL(granted), ON(kind, EW_MOVER_ATTRIBUTE) },
};
FIELDS(right_d, "mover's right", T, right_f);
#undef T

#define T struct ew_mover_data
static const struct ew_field mover_f[] = {
	{ STR(account), CLEAN }, { STRS(groups), CLEAN }, { ARR(rights, right_d), ALWAYS },
};
FIELDS(mover_d, "mover", T, mover_f);
#undef T

/* The mover comes before the attributes when judged, and as null after the
 * SPNs when none was given: as the step has always written it. */
#define T struct ew_mailbox_data
static const struct ew_field mailbox_f[] = {
	{ OBJ(credentials, cred_d), ON(bound, 1) },
	{ STR(read_as), CLEAN_ON(read, 1) },
	{ OBJ(mover, mover_d), EW_FF_WHEN | EW_FF_ALT, offsetof(T, mover_state),
	  EW_MOVER_JUDGED },
	{ OBJ(attributes, attrs_d), ON(gathered, 1) },
	{ ARR(consistency, cons_d), ON(gathered, 1) },
	{ OBJ(map, map_d), ON(gathered, 1) },
	{ STRS(spns), CLEAN_ON(gathered, 1) },
	{ "mover", EW_FT_NULL, 0, 0, NULL, EW_FF_WHEN | EW_FF_ALT, offsetof(T, mover_state),
	  EW_MOVER_NULL },
	{ INT(ldap_requests), ON(counted, 1) },
};
FIELDS(mailbox_d, "mailbox data", T, mailbox_f);
#undef T

#define DATA_FUNCS(X, desc) \
	json_t *ew_##X##_data_to_json(const struct ew_##X##_data *d) \
	{ \
		return ew_fields_to_json(&desc, d); \
	} \
	int ew_##X##_data_from_json(const json_t *j, struct ew_##X##_data *out, char *err, \
				    size_t errlen) \
	{ \
		return ew_fields_from_json(&desc, j, out, err, errlen); \
	} \
	void ew_##X##_data_free(struct ew_##X##_data *d) \
	{ \
		ew_fields_free(&desc, d); \
	}

DATA_FUNCS(dns, dns_d)
DATA_FUNCS(tickets, tickets_d)
DATA_FUNCS(groups, groups_d)
DATA_FUNCS(mailbox, mailbox_d)

json_t *ew_dns_record_data_to_json(const struct ew_dns_record_data *r)
{
	return ew_fields_to_json(&dns_record_d, r);
}

void ew_dns_record_data_free(struct ew_dns_record_data *r)
{
	ew_fields_free(&dns_record_d, r);
}

void ew_step_data_put(json_t *data, json_t *from)
{
	if (from)
		json_object_update(data, from);
	json_decref(from);
}
