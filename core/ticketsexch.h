/*
 * ticketsexch.h - the Exchange part of the tickets step. Before the tickets:
 * reads the Exchange configuration (when a KDC answers at once or a simple
 * bind is given), resolves the -x names, the servers and the hosts of their
 * Autodiscover SCPs, and plans which SPNs a client asks for each name by the
 * version behind it (exchrules.h). After the tickets and the SPN holder
 * search: the SPNs asked for (KRB-SVC info), SPN-ASA, EXCH-SCP, the RC4
 * warning, the accounts of a KDC_ERR_ETYPE_NOSUPP, and the Exchange part of
 * the step data.
 */
#ifndef EW_TICKETSEXCH_H
#define EW_TICKETSEXCH_H

#include <stddef.h>

#include "exchrules.h"
#include "exchstep.h"
#include "target.h"

struct ew_dir_result;
struct ew_kdc_probe;
struct ew_krb_svc;
struct ew_run;
struct ew_step_result;
struct ew_tickets_data;

/* What the tickets step learned of the Exchange organization. */
struct ew_ticketsexch {
	struct ew_exch_cfg *cfg;	/* NULL: out of memory */
	struct ew_exch_server servers[EW_EXCH_MAX_SERVERS];
	size_t nservers;
	struct ew_exch_plan plan[EW_TARGET_MAX_LIST];
	struct ew_exch_host *host[EW_TARGET_MAX_LIST];	/* of each -x name */
	struct ew_dir_result *http;	/* computer accounts holding HTTP/ names */
	int http_read;			/* that search was made and came back */
	const char *asas[16];		/* the alternate service accounts found (in http) */
	size_t nasas;
	int etypes_asked;		/* the holders' encryption types were searched for */
	char etypes_why[512];		/* that search failed (or was not made): why */
	const char *client_enctypes;	/* this host's default_tgs_enctypes (NULL: default) */
};

/*
 * The configuration read and each -x name planned, when a KDC of probes
 * answers at once (one UDP try each) or a simple bind is given; NULL when
 * there is no -x name (or no memory). Free with ew_ticketsexch_free.
 */
struct ew_ticketsexch *ew_ticketsexch_open(struct ew_run *run, const struct ew_kdc_probe *probes,
					   size_t nprobes);

/*
 * The SPNs to ask for ("SERVICE/host", allocated, *n of them): for each -x
 * name by its plan (xv NULL or not read: every class, full and short name),
 * then HTTP/ on the host of each Autodiscover SCP of the servers behind them.
 */
char **ew_ticketsexch_spns(const struct ew_target *t, const struct ew_ticketsexch *xv,
			   size_t *n);

/*
 * The global catalog filter for the computer accounts holding HTTP/ names in
 * the DNS domain of a shared name (the alternate service accounts are among
 * them); NULL when no name is shared. Allocated.
 */
char *ew_ticketsexch_http_filter(const struct ew_target *t, const struct ew_ticketsexch *xv);

/* KRB-SVC info, SPN-ASA, EXCH-SCP, the RC4 warning, and the Exchange step data. */
void ew_ticketsexch_rules(struct ew_run *run, const struct ew_krb_svc *svc, size_t nsvc,
			  struct ew_ticketsexch *xv, struct ew_step_result *res,
			  struct ew_tickets_data *data);

/*
 * KDC_ERR_ETYPE_NOSUPP for spn: the accounts that hold it (from data) and
 * the value to write on them, on the step's fail finding; xv (may be NULL)
 * names the alternate service accounts.
 */
void ew_ticketsexch_enctypes(struct ew_step_result *res, const struct ew_tickets_data *d,
			     const char *spn, const char *client, const struct ew_ticketsexch *xv);

/*
 * msDS-SupportedEncryptionTypes (not in the global catalog) of the accounts
 * holding the Exchange SPNs of svc (the holders in data), in one search of
 * the domain partition on a DC; set on each holder of data (absent: 0),
 * -1 left on those not read, and xv->etypes_why says why when the search
 * failed.
 */
void ew_ticketsexch_read_enctypes(struct ew_run *run, const struct ew_krb_svc *svc, size_t nsvc,
				  struct ew_ticketsexch *xv, struct ew_tickets_data *data);

void ew_ticketsexch_free(struct ew_ticketsexch **xv);

#endif
