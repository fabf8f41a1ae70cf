/* libFuzzer target: KDC replies (KRB-ERROR with the server time). */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kdcprobe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	time_t stime;
	long usec;
	int code;

	ew_kdc_parse_reply(data, size, &code, &stime, &usec);
	ew_kdc_parse_gtime((const char *)data, size);
	return 0;
}
