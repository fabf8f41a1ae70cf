/*
 * dnsstep.h - the DNS step: "ipconfig /flushdns, start Outlook, ipconfig
 * /displaydns, look for No Record Available", done from a Linux jump host.
 * It asks every resolver of this machine, the DCs and any --dns-server for
 * the SRV records Kerberos and DC location need, the addresses and PTRs of
 * the DCs and Exchange servers, the Autodiscover records and the realm of
 * each Exchange name, all at once; finds local caches and flushes them when
 * allowed; and reports DNS-SRV, DNS-SERVERS, DNS-TARGETS, DNS-TC, DNS-CACHE,
 * DNS-REALM and DNS-AUTODISCOVER.
 */
#ifndef EW_DNSSTEP_H
#define EW_DNSSTEP_H

struct ew_run;
struct ew_step_result;

int ew_dns_step(struct ew_run *run, struct ew_step_result *res);

#endif
