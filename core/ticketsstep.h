/*
 * ticketsstep.h - the tickets step: KerbTray, klist and kvno in one. It
 * lists every credential of the user's caches, asks for session tickets for
 * the Exchange SPNs a client asks for each Exchange name (by the version
 * behind it: exchangeRFR/, exchangeMDB/, exchangeAB/ and HTTP/ up to 2010,
 * HTTP/ only from 2013; every class, FQDN and short, when the version is not
 * known; see ticketsexch.h) and ldap/ on the DC without touching the user's
 * cache, probes every KDC over UDP and TCP, measures the clock skew, reads
 * the library trace for the UDP-to-TCP switch, looks up the holder of each
 * SPN, and reports KRB-CONF, KRB-CACHE, KRB-SVC, KRB-SKEW, KRB-KDC,
 * KRB-TRANSPORT, SPN-UNIQUE, SPN-ASA and EXCH-SCP.
 */
#ifndef EW_TICKETSSTEP_H
#define EW_TICKETSSTEP_H

struct ew_run;
struct ew_step_result;

int ew_tickets_step(struct ew_run *run, struct ew_step_result *res);

#endif
