#include "mailbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "finding.h"
#include "secdesc.h"
#include "step.h"

const struct ew_mbx_object *ew_mbx_find(const struct ew_mbx_config *c, const char *dn)
{
	size_t i;

	for (i = 0; dn && i < c->n; i++)
		if (strcasecmp(c->objects[i].dn, dn) == 0)
			return &c->objects[i];
	return NULL;
}

const struct ew_mbx_object *ew_mbx_ancestor(const struct ew_mbx_config *c, const char *dn,
					    enum ew_mbx_kind kind)
{
	const char *p = dn;

	/* Walk up the DN one RDN at a time (a ',' not escaped by '\'). */
	while (p && *p) {
		const struct ew_mbx_object *o = ew_mbx_find(c, p);

		if (o && o->kind == kind)
			return o;
		for (; *p; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				continue;
			}
			if (*p == ',') {
				p++;
				break;
			}
		}
	}
	return NULL;
}

void ew_mbx_legacy_site(const char *legacy, char *buf, size_t len)
{
	const char *cn;
	size_t n;

	if (legacy == NULL) {
		snprintf(buf, len, "%s", "");
		return;
	}
	cn = strcasestr(legacy, "/cn=");
	n = cn ? (size_t)(cn - legacy) : strlen(legacy);
	snprintf(buf, len, "%.*s", (int)n, legacy);
}

int ew_mbx_has_mailbox(const struct ew_mbx_user *u)
{
	return u->home_mdb != NULL || u->home_server != NULL;
}

void ew_mbx_rule_attrs(const struct ew_mbx_user *u, struct ew_step_result *res)
{
	struct ew_finding *f = NULL;
	size_t i, primary = 0, missing = 0;
	const struct {
		const char *name;
		int present;
	} req[] = {
		{ "homeMDB", u->home_mdb != NULL },
		{ "homeMTA", u->home_mta != NULL },
		{ "msExchHomeServerName", u->home_server != NULL },
		{ "legacyExchangeDN", u->legacy_dn != NULL },
		{ "mailNickname", u->nickname != NULL },
		{ "msExchMailboxGuid", u->has_guid },
	};

	for (i = 0; i < u->nproxies; i++)
		primary += strncmp(u->proxies[i], "SMTP:", 5) == 0;
	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		if (req[i].present)
			continue;
		if (f == NULL)
			f = ew_finding_new("MBX-ATTRS", EW_FAIL, "The mailbox lacks attributes "
					   "Exchange needs");
		if (f)
			ew_finding_evidence(f, "%s: missing", req[i].name);
		missing++;
	}
	if (primary != 1) {
		if (f == NULL)
			f = ew_finding_new("MBX-ATTRS", EW_FAIL, "The mailbox has %zu primary SMTP "
					   "addresses (exactly one is needed)", primary);
		if (f)
			ew_finding_evidence(f, "proxyAddresses: %zu values, %zu primary (SMTP:)",
					    u->nproxies, primary);
		missing++;
	}
	if (f) {
		ew_finding_detail(f, "Exchange and Outlook find the mailbox through these "
				  "attributes; a mailbox without them cannot be logged on to.");
		ew_finding_remedy(f, "Let the Recipient Update Service stamp the attributes "
				  "again (Exchange System Manager, Recipient Update Service, "
				  "Rebuild), or finish the move with an account that has the "
				  "rights (see MBX-MOVER).");
		ew_step_result_add(res, f);
		return;
	}
	f = ew_finding_new("MBX-ATTRS", EW_PASS, "The mailbox attributes are there");
	if (f) {
		ew_finding_evidence(f, "homeMDB: %s", u->home_mdb);
		ew_finding_evidence(f, "msExchHomeServerName: %s", u->home_server);
		ew_finding_evidence(f, "legacyExchangeDN: %s", u->legacy_dn);
		if (!u->has_uac)
			ew_finding_evidence(f, "msExchUserAccountControl not set");
		if (u->show_in_ab == 0)
			ew_finding_evidence(f, "not in any address list (showInAddressBook)");
	}
	ew_step_result_add(res, f);
}

void ew_mbx_rule_consistent(const struct ew_mbx_user *u, const struct ew_mbx_config *c,
			    struct ew_step_result *res)
{
	const struct ew_mbx_object *db, *server = NULL, *mta_server = NULL, *ag = NULL;
	struct ew_finding *f;
	char user_site[512] = "", server_site[512] = "";
	size_t i, bad = 0, x500 = 0;

	/* homeMDB: an existing database, on some server. */
	db = ew_mbx_find(c, u->home_mdb);
	if (u->home_mdb && (db == NULL || db->kind != EW_MBX_DATABASE)) {
		f = ew_finding_new("MBX-CONSISTENT", EW_FAIL, "homeMDB names no existing mailbox "
				   "database");
		if (f) {
			ew_finding_evidence(f, "homeMDB: %s", u->home_mdb);
			ew_finding_remedy(f, "Move the mailbox again to an existing database, or "
					  "restore the database object.");
		}
		ew_step_result_add(res, f);
		bad++;
	} else if (db) {
		server = ew_mbx_ancestor(c, db->dn, EW_MBX_SERVER);
		ag = server ? ew_mbx_ancestor(c, server->dn, EW_MBX_ADMIN_GROUP) : NULL;
	}
	/* msExchHomeServerName: the legacyExchangeDN of that server. */
	if (server && u->home_server &&
	    (server->legacy_dn == NULL || strcasecmp(server->legacy_dn, u->home_server) != 0)) {
		f = ew_finding_new("MBX-CONSISTENT", EW_FAIL, "msExchHomeServerName names another "
				   "server than the one holding homeMDB");
		if (f) {
			ew_finding_evidence(f, "homeMDB is on %s (%s)", server->name ? server->name :
					    server->dn, server->legacy_dn ? server->legacy_dn : "?");
			ew_finding_evidence(f, "msExchHomeServerName: %s", u->home_server);
			ew_finding_detail(f, "A half-finished move: the database was changed, the "
					  "server name was not. Outlook and the referral service "
					  "look for the mailbox on the old server, and Kerberos for "
					  "its exchangeMDB/ SPN fails there.");
		}
		ew_step_result_add(res, f);
		bad++;
	}
	/* homeMTA: an MTA of the same server. */
	if (server && u->home_mta) {
		const struct ew_mbx_object *mta = ew_mbx_find(c, u->home_mta);

		/* It must be an MTA object, not the server or a database under it. */
		mta_server = mta && mta->kind == EW_MBX_MTA ?
			     ew_mbx_ancestor(c, mta->dn, EW_MBX_SERVER) : NULL;
		if (mta_server != server) {
			f = ew_finding_new("MBX-CONSISTENT", EW_FAIL, "homeMTA is not the MTA of "
					   "the mailbox server");
			if (f) {
				ew_finding_evidence(f, "homeMTA: %s", u->home_mta);
				ew_finding_evidence(f, "mailbox server: %s", server->dn);
			}
			ew_step_result_add(res, f);
			bad++;
		}
	}
	/* legacyExchangeDN: in the administrative group of the mailbox server. */
	ew_mbx_legacy_site(u->legacy_dn, user_site, sizeof(user_site));
	ew_mbx_legacy_site(server && server->legacy_dn ? server->legacy_dn :
			   ag ? ag->legacy_dn : NULL, server_site, sizeof(server_site));
	for (i = 0; i < u->nproxies; i++)
		x500 += strncasecmp(u->proxies[i], "X500:", 5) == 0;
	if (u->legacy_dn && server_site[0] && strcasecmp(user_site, server_site) != 0) {
		f = ew_finding_new("MBX-CONSISTENT", EW_FAIL, "legacyExchangeDN is still in the "
				   "old administrative group");
		if (f) {
			ew_finding_evidence(f, "legacyExchangeDN: %s", u->legacy_dn);
			ew_finding_evidence(f, "the mailbox server's group: %s", server_site);
			if (x500 == 0)
				ew_finding_evidence(f, "no X500 proxy address keeps an old "
						    "legacyExchangeDN");
			ew_finding_detail(f, "A move across administrative groups rewrites "
					  "legacyExchangeDN (keeping the old one as an X500 proxy); "
					  "here it was not done.");
		}
		ew_step_result_add(res, f);
		bad++;
	}
	/* msExchMailboxSecurityDescriptor: SELF (or the user) with full mailbox access. */
	if (u->sd == NULL) {
		f = ew_finding_new("MBX-CONSISTENT", EW_FAIL, "No mailbox security descriptor "
				   "(msExchMailboxSecurityDescriptor)");
		if (f) {
			ew_finding_detail(f, "Nobody, the user included, is granted access to the "
					  "mailbox; logons to it fail. A move by an account without "
					  "enough Exchange rights leaves it out.");
			ew_finding_remedy(f, "Write the default descriptor O:PSG:PSD:(A;CI;CCRC;;;PS) "
					  "(SELF with full mailbox access), or let a properly "
					  "privileged account redo the move.");
		}
		ew_step_result_add(res, f);
		bad++;
	} else {
		struct ew_sd *sd = NULL;
		char err[256];

		if (ew_sd_parse(u->sd, u->sdlen, &sd, err, sizeof(err)) != 0) {
			f = ew_finding_new("MBX-CONSISTENT", EW_FAIL, "The mailbox security "
					   "descriptor cannot be read");
			if (f)
				ew_finding_evidence(f, "%s", err);
			ew_step_result_add(res, f);
			bad++;
		} else {
			struct ew_sid who[2];
			uint32_t got;

			ew_sid_from_string("S-1-5-10", &who[0]);	/* SELF */
			who[1] = u->sid;
			got = ew_sd_access(sd, who, 2, NULL, NULL, EW_DS_CREATE_CHILD, NULL);
			if (!(got & EW_DS_CREATE_CHILD)) {
				char *sddl = ew_sd_to_sddl(sd);

				f = ew_finding_new("MBX-CONSISTENT", EW_FAIL, "The mailbox security "
						   "descriptor does not give the user full mailbox "
						   "access");
				if (f) {
					ew_finding_evidence(f, "%s", sddl ? sddl : "?");
					ew_finding_remedy(f, "Grant SELF full mailbox access (the "
							  "default O:PSG:PSD:(A;CI;CCRC;;;PS)).");
				}
				ew_step_result_add(res, f);
				free(sddl);
				bad++;
			}
			ew_sd_free(&sd);
		}
	}
	if (bad == 0) {
		f = ew_finding_new("MBX-CONSISTENT", EW_PASS, "The mailbox agrees with the "
				   "Exchange configuration");
		if (f && server)
			ew_finding_evidence(f, "on %s, database %s", server->name ? server->name :
					    server->dn, db && db->name ? db->name : "?");
		ew_step_result_add(res, f);
	}
}
