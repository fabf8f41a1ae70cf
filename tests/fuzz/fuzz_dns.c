/* libFuzzer target: DNS answers, for every record type the steps ask. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { EW_DNS_SRV, EW_DNS_A, EW_DNS_AAAA, EW_DNS_PTR, EW_DNS_TXT };
	struct ew_dns_result *r;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		r = ew_dns_result_new("_ldap._tcp.dc._msdcs.exwiz.test", types[i], "127.0.0.1");
		if (r == NULL)
			return 0;
		ew_dns_parse(data, size, r);
		free(ew_dns_answer_set(r));
		ew_dns_result_free(&r);
	}
	return 0;
}
