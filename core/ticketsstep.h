/*
 * ticketsstep.h - the tickets step: KerbTray, klist and kvno in one. It
 * lists every credential of the user's caches, asks for session tickets for
 * the Exchange SPNs (exchangeRFR/, exchangeMDB/, exchangeAB/, HTTP/ on each
 * Exchange name, FQDN and short) and ldap/ on the DC without touching the
 * user's cache, probes every KDC over UDP and TCP, measures the clock skew,
 * reads the library trace for the UDP-to-TCP switch, and reports KRB-CONF,
 * KRB-CACHE, KRB-SVC, KRB-SKEW, KRB-KDC and KRB-TRANSPORT.
 */
#ifndef EW_TICKETSSTEP_H
#define EW_TICKETSSTEP_H

struct ew_run;
struct ew_step_result;

int ew_tickets_step(struct ew_run *run, struct ew_step_result *res);

#endif
