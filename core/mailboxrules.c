#include "mailboxrules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalogue.h"
#include "causes.h"
#include "finding.h"
#include "text.h"
#include "secdesc.h"
#include "result.h"

const struct ew_mbx_object *ew_mbx_find(const struct ew_mbx_config *c, const char *dn)
{
	size_t i;

	for (i = 0; dn && i < c->n; i++)
		if (strcasecmp(c->objects[i].dn, dn) == 0)
			return &c->objects[i];
	return NULL;
}

const char *ew_mbx_parent(const char *dn)
{
	const char *p;

	for (p = dn; p && *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == ',')
			return p[1] ? p + 1 : NULL;
	}
	return NULL;
}

const struct ew_mbx_object *ew_mbx_ancestor(const struct ew_mbx_config *c, const char *dn,
					    enum ew_mbx_kind kind)
{
	const char *p;

	/* dn itself, then up one RDN at a time. */
	for (p = dn; p && *p; p = ew_mbx_parent(p)) {
		const struct ew_mbx_object *o = ew_mbx_find(c, p);

		if (o && o->kind == kind)
			return o;
	}
	return NULL;
}

/* Is dn root or below it? */
static int under(const char *dn, const char *root)
{
	size_t n = strlen(dn), r = strlen(root);

	if (n == r)
		return strcasecmp(dn, root) == 0;
	return n > r && dn[n - r - 1] == ',' && strcasecmp(dn + n - r, root) == 0;
}

enum ew_mbx_seen ew_mbx_lookup(const struct ew_mbx_config *c, const char *dn,
			       const struct ew_mbx_object **obj)
{
	const struct ew_mbx_object *o;
	const char *p;

	if (obj)
		*obj = NULL;
	if (dn == NULL)
		return EW_MBX_NOT_READABLE;
	if ((o = ew_mbx_find(c, dn)) != NULL) {
		if (obj)
			*obj = o;
		return o->unreadable ? EW_MBX_NOT_READABLE : EW_MBX_READ;
	}
	/* No Exchange object lives outside CN=Microsoft Exchange. */
	if (c->root && !under(dn, c->root))
		return EW_MBX_ABSENT;
	/* The nearest object above it that came back decides: read and listed
	 * in full, the reader would have seen it. */
	for (p = ew_mbx_parent(dn); p; p = ew_mbx_parent(p)) {
		if ((o = ew_mbx_find(c, p)) != NULL) {
			if (obj)
				*obj = o;
			return !o->unreadable && o->listed ? EW_MBX_ABSENT : EW_MBX_NOT_READABLE;
		}
	}
	return EW_MBX_NOT_READABLE;
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

const char *const ew_mbx_attr_names[EW_MBX_A_N] = {
	"homeMDB", "homeMTA", "msExchHomeServerName", "legacyExchangeDN", "mailNickname",
	"msExchMailboxGuid", "msExchMailboxSecurityDescriptor", "proxyAddresses",
};

/* Who read the directory, for "not readable as ...". */
static const char *as_whom(const char *reader)
{
	return reader ? reader : "the account exwizard binds as";
}

/* Why an absent attribute the reader may not be able to read is not missing. */
static void evidence_unread_attr(struct ew_finding *f, const struct ew_mbx_user *u,
				 enum ew_mbx_attr a)
{
	if (u->readable[a] == EW_MBX_NO)
		ew_finding_evidence(f, "%s: none came back; the user's permissions do not let "
				    "%s read it", ew_mbx_attr_names[a], as_whom(u->reader));
	else
		ew_finding_evidence(f, "%s: none came back; whether %s may read it could not "
				    "be told (the user's permissions, the reader's groups or "
				    "the attribute's schema entry not readable)",
				    ew_mbx_attr_names[a], as_whom(u->reader));
}

void ew_mbx_rule_attrs(const struct ew_mbx_user *u, struct ew_step_result *res)
{
	struct ew_finding *f = NULL;
	struct ew_buf names = {0};
	size_t i, primary = 0, missing = 0, unread = 0;
	int present[EW_MBX_A_N] = {
		[EW_MBX_A_HOME_MDB] = u->home_mdb != NULL,
		[EW_MBX_A_HOME_MTA] = u->home_mta != NULL,
		[EW_MBX_A_HOME_SERVER] = u->home_server != NULL,
		[EW_MBX_A_LEGACY_DN] = u->legacy_dn != NULL,
		[EW_MBX_A_NICKNAME] = u->nickname != NULL,
		[EW_MBX_A_GUID] = u->has_guid,
		[EW_MBX_A_SD] = 1,	/* judged by MBX-CONSISTENT */
		[EW_MBX_A_PROXIES] = u->nproxies > 0,
	};
	int proxies_unread = !present[EW_MBX_A_PROXIES] &&
			     u->readable[EW_MBX_A_PROXIES] != EW_MBX_YES;

	for (i = 0; i < u->nproxies; i++)
		primary += strncmp(u->proxies[i], "SMTP:", 5) == 0;
	for (i = 0; i < EW_MBX_A_PROXIES; i++) {
		if (present[i] || u->readable[i] == EW_MBX_YES)
			continue;
		ew_buf_printf(&names, "%s%s", unread ? ", " : "", ew_mbx_attr_names[i]);
		unread++;
	}
	if (proxies_unread) {
		ew_buf_printf(&names, "%s%s", unread ? ", " : "", "proxyAddresses");
		unread++;
	}
	for (i = 0; i < EW_MBX_A_PROXIES; i++) {
		if (present[i] || u->readable[i] != EW_MBX_YES)
			continue;
		if (f == NULL)
			f = ew_finding_new(EW_CK_MBX_ATTRS, EW_FAIL, "The mailbox lacks attributes "
					   "Exchange needs");
		if (f)
			ew_finding_evidence(f, "%s: missing", ew_mbx_attr_names[i]);
		missing++;
	}
	if (primary != 1 && !proxies_unread) {
		if (f == NULL)
			f = ew_finding_new(EW_CK_MBX_ATTRS, EW_FAIL, "The mailbox has %zu primary SMTP "
					   "addresses (exactly one is needed)", primary);
		if (f)
			ew_finding_evidence(f, "proxyAddresses: %zu values, %zu primary (SMTP:)",
					    u->nproxies, primary);
		missing++;
	}
	if (f) {
		for (i = 0; i < EW_MBX_A_N; i++)
			if (i != EW_MBX_A_SD && !present[i] && u->readable[i] != EW_MBX_YES)
				evidence_unread_attr(f, u, (enum ew_mbx_attr)i);
		if (unread)
			ew_finding_evidence(f, "not checked (not readable as %s): %s",
					    as_whom(u->reader), names.data ? names.data : "?");
		ew_finding_detail(f, "Exchange and Outlook find the mailbox through these "
				  "attributes; a mailbox without them cannot be logged on to.");
		ew_finding_remedy(f, "Let the Recipient Update Service stamp the attributes "
				  "again (Exchange System Manager, Recipient Update Service, "
				  "Rebuild), or finish the move with an account that has the "
				  "rights (see MBX-MOVER).");
		ew_step_result_add(res, f);
		goto out;
	}
	if (unread) {
		f = ew_finding_new(EW_CK_MBX_ATTRS, EW_SKIP, "%s cannot be checked: not readable as %s",
				   names.data ? names.data : "?", as_whom(u->reader));
		if (f) {
			for (i = 0; i < EW_MBX_A_N; i++)
				if (i != EW_MBX_A_SD && !present[i])
					evidence_unread_attr(f, u, (enum ew_mbx_attr)i);
			for (i = 0; i < EW_MBX_A_N; i++)
				if (i != EW_MBX_A_SD && present[i])
					ew_finding_evidence(f, "%s: there", ew_mbx_attr_names[i]);
			ew_finding_detail(f, "The directory leaves out, without a word, what the "
					  "reader may not read: an absent attribute is missing "
					  "only when the reader may read it.");
			ew_finding_remedy(f, "Check again as an account that may read the user's "
					  "Exchange attributes, such as an Exchange administrator: "
					  "log on as one, or give --kinit ADMIN, or bind with "
					  "--simple-bind DN.");
		}
		ew_step_result_add(res, f);
		goto out;
	}
	f = ew_finding_new(EW_CK_MBX_ATTRS, EW_PASS, "The mailbox attributes are there");
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
out:
	ew_buf_reset(&names);
}

/* The way out when something could not be read. */
static void remedy_read_as_admin(struct ew_finding *f, const char *what)
{
	ew_finding_remedy(f, "Check again as an account that may read %s, such as an Exchange "
			  "administrator: log on as one, or give --kinit ADMIN, or bind with "
			  "--simple-bind DN.", what);
}

/* Evidence: why dn could not be read (lookup said EW_MBX_NOT_READABLE with at). */
static void evidence_not_readable(struct ew_finding *f, const struct ew_mbx_config *c,
				  const char *dn, const struct ew_mbx_object *at)
{
	if (c->error)
		ew_finding_evidence(f, "the Exchange configuration could not be searched: %s",
				    c->error);
	else if (at && at->unreadable)
		ew_finding_evidence(f, "%s: there, not readable as %s", at->dn,
				    as_whom(c->reader));
	else if (at && strcasecmp(at->dn, dn) != 0)
		ew_finding_evidence(f, "%s: its contents could not be listed as %s", at->dn,
				    as_whom(c->reader));
	else
		ew_finding_evidence(f, "nothing above it could be read as %s",
				    as_whom(c->reader));
}

/* A comparison with the configuration that could not be made. */
static struct ew_finding *not_compared(const struct ew_mbx_config *c, const char *title)
{
	struct ew_finding *f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_SKIP, "%s (not readable as "
					      "%s)", title, as_whom(c->reader));

	if (f)
		remedy_read_as_admin(f, "the Exchange configuration");
	return f;
}

/* Whether the forest has no Exchange organization, as far as the reader saw. */
static const char *no_organization(const struct ew_mbx_config *c)
{
	const struct ew_mbx_object *root = NULL;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->objects[i].kind == EW_MBX_ORG)
			return NULL;
	if (c->root == NULL)
		return NULL;
	switch (ew_mbx_lookup(c, c->root, &root)) {
	case EW_MBX_ABSENT:
		return "no Exchange organization in this forest: there is no CN=Microsoft "
		       "Exchange under CN=Services";
	case EW_MBX_READ:
		if (!root->listed)
			return NULL;
		for (i = 0; i < c->n; i++)
			if (c->objects[i].unreadable && under(c->objects[i].dn, c->root))
				return NULL;
		return "no Exchange organization in this forest: CN=Microsoft Exchange holds "
		       "none";
	default:
		return NULL;
	}
}

void ew_mbx_rule_consistent(const struct ew_mbx_user *u, const struct ew_mbx_config *c,
			    struct ew_step_result *res)
{
	const struct ew_mbx_object *db = NULL, *server = NULL, *mta_server = NULL, *ag = NULL,
				   *at = NULL;
	struct ew_finding *f;
	char user_site[512] = "", server_site[512] = "";
	size_t i, bad = 0, unread = 0, x500 = 0;
	enum ew_mbx_seen seen;
	const char *none;

	/* homeMDB: an existing database, on some server. */
	seen = u->home_mdb ? ew_mbx_lookup(c, u->home_mdb, &at) : EW_MBX_READ;
	if (u->home_mdb && seen == EW_MBX_NOT_READABLE) {
		f = not_compared(c, "homeMDB cannot be compared with the Exchange configuration");
		if (f) {
			ew_finding_evidence(f, "homeMDB: %s", u->home_mdb);
			evidence_not_readable(f, c, u->home_mdb, at);
			ew_finding_detail(f, "msExchHomeServerName, homeMTA and legacyExchangeDN "
					  "are compared with the server of that database; they "
					  "are not compared either. What cannot be read is not "
					  "taken for missing.");
		}
		ew_step_result_add(res, f);
		unread++;
	} else if (u->home_mdb && (seen == EW_MBX_ABSENT || at->kind != EW_MBX_DATABASE)) {
		f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_FAIL, "homeMDB names no existing mailbox "
				   "database");
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
			ew_finding_evidence(f, "homeMDB: %s", u->home_mdb);
			if (seen == EW_MBX_ABSENT && at)
				ew_finding_evidence(f, "not under %s (read in full as %s)",
						    at->dn, as_whom(c->reader));
			else if (seen == EW_MBX_READ)
				ew_finding_evidence(f, "%s is no mailbox database", at->dn);
			if ((none = no_organization(c)) != NULL)
				ew_finding_evidence(f, "%s", none);
			ew_finding_remedy(f, "Move the mailbox again to an existing database, or "
					  "restore the database object.");
		}
		ew_step_result_add(res, f);
		bad++;
	} else if (u->home_mdb) {
		db = at;
		server = ew_mbx_ancestor(c, db->dn, EW_MBX_SERVER);
		ag = server ? ew_mbx_ancestor(c, server->dn, EW_MBX_ADMIN_GROUP) : NULL;
		if (server == NULL) {
			f = not_compared(c, "The server of homeMDB's database cannot be read");
			if (f) {
				ew_finding_evidence(f, "homeMDB: %s", u->home_mdb);
				ew_finding_detail(f, "msExchHomeServerName, homeMTA and "
						  "legacyExchangeDN are compared with that server; "
						  "they are not compared.");
			}
			ew_step_result_add(res, f);
			unread++;
		}
	}
	/* msExchHomeServerName: the legacyExchangeDN of that server. */
	if (server && u->home_server && server->legacy_dn == NULL) {
		f = not_compared(c, "msExchHomeServerName cannot be compared: the server's "
				 "legacyExchangeDN could not be read");
		if (f) {
			ew_finding_evidence(f, "homeMDB is on %s: no legacyExchangeDN came back "
					    "for it", server->name ? server->name : server->dn);
			ew_finding_evidence(f, "msExchHomeServerName: %s", u->home_server);
		}
		ew_step_result_add(res, f);
		unread++;
	} else if (server && u->home_server && strcasecmp(server->legacy_dn, u->home_server) != 0) {
		f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_FAIL, "msExchHomeServerName names another "
				   "server than the one holding homeMDB");
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
			ew_finding_evidence(f, "homeMDB is on %s (%s)", server->name ? server->name :
					    server->dn, server->legacy_dn);
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
		const struct ew_mbx_object *mta = NULL;

		seen = ew_mbx_lookup(c, u->home_mta, &mta);
		/* It must be an MTA object, not the server or a database under it. */
		if (seen == EW_MBX_READ && mta->kind == EW_MBX_MTA)
			mta_server = ew_mbx_ancestor(c, mta->dn, EW_MBX_SERVER);
		if (seen == EW_MBX_NOT_READABLE ||
		    (seen == EW_MBX_READ && mta->kind == EW_MBX_MTA && mta_server == NULL)) {
			f = not_compared(c, "homeMTA cannot be compared: its MTA or that MTA's "
					 "server cannot be read");
			if (f) {
				ew_finding_evidence(f, "homeMTA: %s", u->home_mta);
				if (seen == EW_MBX_NOT_READABLE)
					evidence_not_readable(f, c, u->home_mta, mta);
			}
			ew_step_result_add(res, f);
			unread++;
		} else if (mta_server != server) {
			f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_FAIL, "homeMTA is not the MTA of "
					   "the mailbox server");
			if (f) {
				ew_finding_set_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
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
	if (server && u->legacy_dn && server_site[0] == '\0') {
		f = not_compared(c, "legacyExchangeDN cannot be compared: neither the mailbox "
				 "server nor its administrative group has a readable "
				 "legacyExchangeDN");
		if (f) {
			ew_finding_evidence(f, "legacyExchangeDN: %s", u->legacy_dn);
			ew_finding_evidence(f, "mailbox server: %s", server->dn);
		}
		ew_step_result_add(res, f);
		unread++;
	} else if (server && u->legacy_dn && strcasecmp(user_site, server_site) != 0) {
		f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_FAIL, "legacyExchangeDN is still in the "
				   "old administrative group");
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_MAILBOX_HALF_MOVED);
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
	if (u->sd == NULL && u->readable[EW_MBX_A_SD] != EW_MBX_YES) {
		f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_SKIP, "The mailbox security descriptor "
				   "(msExchMailboxSecurityDescriptor) cannot be checked: not "
				   "readable as %s", as_whom(u->reader));
		if (f) {
			evidence_unread_attr(f, u, EW_MBX_A_SD);
			ew_finding_detail(f, "The directory leaves out, without a word, what the "
					  "reader may not read: it is missing only if an account "
					  "that may read it finds none.");
			remedy_read_as_admin(f, "the user's Exchange attributes");
		}
		ew_step_result_add(res, f);
		unread++;
	} else if (u->sd == NULL) {
		f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_FAIL, "No mailbox security descriptor "
				   "(msExchMailboxSecurityDescriptor)");
		if (f) {
			ew_finding_set_cause(f, EW_CAUSE_MAILBOX_DESCRIPTOR);
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
			f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_FAIL, "The mailbox security "
					   "descriptor cannot be read");
			if (f) {
				ew_finding_set_cause(f, EW_CAUSE_MAILBOX_DESCRIPTOR);
				ew_finding_evidence(f, "%s", err);
			}
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

				f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_FAIL, "The mailbox security "
						   "descriptor does not give the user full mailbox "
						   "access");
				if (f) {
					ew_finding_set_cause(f, EW_CAUSE_MAILBOX_DESCRIPTOR);
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
	if (bad == 0 && unread == 0) {
		f = ew_finding_new(EW_CK_MBX_CONSISTENT, EW_PASS, "The mailbox agrees with the "
				   "Exchange configuration");
		if (f && server)
			ew_finding_evidence(f, "on %s, database %s", server->name ? server->name :
					    server->dn, db && db->name ? db->name : "?");
		ew_step_result_add(res, f);
	}
}

/* Full Control on the object, as far as its DACL was read. */
static enum ew_mbx_right full_control(const struct ew_mbx_acl *a)
{
	if (a->dn == NULL || !a->read)
		return EW_MBX_UNKNOWN;
	return a->rights == EW_DS_FULL_CONTROL ? EW_MBX_YES : EW_MBX_NO;
}

/* Both known: the worse; else what is known to deny, else unknown. */
static enum ew_mbx_right both(enum ew_mbx_right a, enum ew_mbx_right b)
{
	if (a == EW_MBX_NO || b == EW_MBX_NO)
		return EW_MBX_NO;
	return a == EW_MBX_YES && b == EW_MBX_YES ? EW_MBX_YES : EW_MBX_UNKNOWN;
}

static enum ew_mbx_right either(enum ew_mbx_right a, enum ew_mbx_right b)
{
	if (a == EW_MBX_YES || b == EW_MBX_YES)
		return EW_MBX_YES;
	return a == EW_MBX_NO && b == EW_MBX_NO ? EW_MBX_NO : EW_MBX_UNKNOWN;
}

static void acl_evidence(struct ew_finding *f, const struct ew_mbx_acl *a, const char *reader)
{
	char rights[64];

	if (a->label == NULL)
		return;
	if (a->dn == NULL) {
		ew_finding_evidence(f, "%s: not identified: %s", a->label,
				    a->why ? a->why : "not readable");
	} else if (!a->read) {
		ew_finding_evidence(f, "%s: permissions not readable as %s%s%s%s", a->label,
				    as_whom(reader), a->why ? " (" : "", a->why ? a->why : "",
				    a->why ? ")" : "");
	} else {
		ew_sd_rights_text(a->rights, rights, sizeof(rights));
		ew_finding_evidence(f, "%s: %s", a->label, a->rights == EW_DS_FULL_CONTROL ?
				    "Full Control" : a->rights ? rights : "no rights");
	}
}

enum ew_mbx_right ew_mbx_attr_write(const struct ew_mbx_attr_right *a)
{
	if (a->general != EW_MBX_NO)
		return a->general;
	return a->granted;
}

/* The mover's account not given, not looked up, not there: the verdict, or 0. */
static int mover_account(const struct ew_mbx_mover *m, struct ew_step_result *res)
{
	struct ew_finding *f;

	if (m == NULL || m->account == NULL) {
		ew_step_result_add(res, ew_finding_new(EW_CK_MBX_MOVER, EW_SKIP, "No mover given "
						       "(-m NAME: the account that moved the "
						       "mailbox)"));
		return 1;
	}
	if (!m->looked_up) {
		f = ew_finding_new(EW_CK_MBX_MOVER, EW_SKIP, "The account %s could not be looked up",
				   m->account);
		if (f)
			ew_finding_evidence(f, "%s", m->lookup_error ? m->lookup_error : "?");
	} else if (!m->found) {
		f = ew_finding_new(EW_CK_MBX_MOVER, EW_FAIL, "No account %s in the directory",
				   m->account);
		if (f)
			ew_finding_remedy(f, "Check the name given with -m.");
	} else {
		return 0;
	}
	ew_step_result_add(res, f);
	return 1;
}

/* The verdict on the rights of a mover whose account was found. */
static void mover_rights(const struct ew_mbx_mover *m, struct ew_step_result *res)
{
	const struct ew_mbx_acl *shown[] = { &m->org, &m->ag_new, &m->ag_old, &m->srv_new,
					     &m->srv_old };
	enum ew_mbx_right exch, write = m->nattrs ? EW_MBX_YES : EW_MBX_UNKNOWN;
	struct ew_finding *f;
	size_t i;

	/* Exchange rights: the organization, or both administrative groups. */
	exch = either(full_control(&m->org),
		      both(full_control(&m->ag_new),
			   m->need_old ? full_control(&m->ag_old) : EW_MBX_YES));
	for (i = 0; i < m->nattrs; i++)
		write = both(write, ew_mbx_attr_write(&m->attrs[i]));

	if (!m->groups_read) {
		f = ew_finding_new(EW_CK_MBX_MOVER, EW_SKIP, "Whether %s could move the mailbox cannot "
				   "be judged: its groups (tokenGroups) are not readable as %s",
				   m->account, as_whom(m->reader));
	} else if (exch == EW_MBX_NO || write == EW_MBX_NO) {
		f = ew_finding_new(EW_CK_MBX_MOVER, EW_FAIL, "%s lacks the rights to move a mailbox",
				   m->account);
	} else if (exch == EW_MBX_YES && write == EW_MBX_YES) {
		f = ew_finding_new(EW_CK_MBX_MOVER, EW_PASS, "%s could have moved the mailbox",
				   m->account);
	} else {
		f = ew_finding_new(EW_CK_MBX_MOVER, EW_SKIP, "Whether %s could move the mailbox cannot "
				   "be judged: the permissions it needs are not readable as %s",
				   m->account, as_whom(m->reader));
	}
	if (f == NULL)
		return;
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (shown[i] != &m->ag_old || m->need_old)
			acl_evidence(f, shown[i], m->reader);
	if (m->user.label && !m->user.read) {
		acl_evidence(f, &m->user, m->reader);
	} else {
		for (i = 0; i < m->nattrs; i++) {
			enum ew_mbx_right w = ew_mbx_attr_write(&m->attrs[i]);

			if (w == EW_MBX_NO)
				ew_finding_evidence(f, "cannot write %s on the user",
						    m->attrs[i].name);
			else if (w == EW_MBX_UNKNOWN)
				ew_finding_evidence(f, "%s on the user: not judged (its schema "
						    "entry could not be read as %s)",
						    m->attrs[i].name, as_whom(m->reader));
		}
	}
	ew_finding_evidence(f, "Exchange admin groups: %zu (%s)", m->admin_groups,
			    m->admin_groups ? "see the data" : "none");
	if (f->severity == EW_FAIL) {
		ew_finding_set_cause(f, EW_CAUSE_MOVER_RIGHTS);
		ew_finding_detail(f, "A move needs Exchange Full Administrator (Full Control) on "
				  "the organization, or Exchange Administrator on both the "
				  "source and target administrative groups, local administrator "
				  "rights where the move runs, and write access to the user's "
				  "Exchange attributes. Without them the move writes some "
				  "attributes and not others: a half-moved mailbox, and "
				  "Kerberos logons to it fail.");
		ew_finding_remedy(f, "Redo the move as an Exchange Full Administrator (Exchange "
				  "System Manager, Delegate control on the organization), or "
				  "delegate those rights to %s first; then check the user with "
				  "this step again.", m->account);
	} else if (f->severity == EW_SKIP) {
		ew_finding_detail(f, "What cannot be read is not taken for missing: the rights "
				  "read so far neither allow nor forbid the move.");
		ew_finding_remedy(f, "Check again as an account that may read these permissions, "
				  "such as an Exchange administrator: log on as one, or give "
				  "--kinit ADMIN, or bind with --simple-bind DN. By group "
				  "membership, %s is in %zu Exchange admin group(s).", m->account,
				  m->admin_groups);
	}
	ew_step_result_add(res, f);
}

void ew_mbx_rule_mover(const struct ew_mbx_mover *m, struct ew_step_result *res)
{
	if (!mover_account(m, res))
		mover_rights(m, res);
}

void ew_mbx_rule_protected(const struct ew_mbx_user *u, struct ew_step_result *res)
{
	int admin = u->admin_count && strcmp(u->admin_count, "1") == 0, protected_dacl = 0;
	struct ew_sd *sd = NULL;
	struct ew_finding *f;
	char err[256];

	if (u->nt_sd && ew_sd_parse(u->nt_sd, u->nt_sdlen, &sd, err, sizeof(err)) == 0)
		protected_dacl = (sd->control & EW_SE_DACL_PROTECTED) != 0;
	ew_sd_free(&sd);
	if (admin || protected_dacl) {
		f = ew_finding_new(EW_CK_MBX_PROTECTED, EW_WARN, "%s is a protected account",
				   u->name);
		if (f) {
			if (admin)
				ew_finding_evidence(f, "adminCount = 1 (AdminSDHolder resets its "
						    "permissions every hour)");
			if (protected_dacl)
				ew_finding_evidence(f, "its DACL is protected from inheritance");
			ew_finding_detail(f, "Exchange's inherited permissions do not reach it; "
					  "moves and mailbox access by Exchange servers can fail.");
			ew_finding_remedy(f, "Do not use a privileged account as a mail user, or "
					  "grant Exchange its rights on AdminSDHolder.");
			/* Only a mailbox makes it a cause of the mailbox's trouble. */
			if (ew_mbx_has_mailbox(u))
				ew_finding_set_cause(f, EW_CAUSE_MAILBOX_PROTECTED);
		}
	} else if (u->admin_count == NULL && u->nt_sd == NULL) {
		f = ew_finding_new(EW_CK_MBX_PROTECTED, EW_SKIP, "Whether %s is a protected account "
				   "cannot be told: neither adminCount nor its permissions are "
				   "readable as %s", u->name, as_whom(u->reader));
		if (f)
			ew_finding_remedy(f, "Check again as an account that may read the user's "
					  "permissions, such as an Exchange administrator: log on as "
					  "one, or give --kinit ADMIN, or bind with --simple-bind DN.");
	} else {
		f = ew_finding_new(EW_CK_MBX_PROTECTED, EW_PASS, "Not a protected account");
	}
	ew_step_result_add(res, f);
}
