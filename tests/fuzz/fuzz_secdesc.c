/* libFuzzer target: security descriptors (parse, render, evaluate). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "secdesc.h"
#include "sid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_sd *sd = NULL;
	struct ew_sid who[2];
	char err[256];

	if (ew_sd_parse(data, size, &sd, err, sizeof(err)) != 0)
		return 0;
	free(ew_sd_to_sddl(sd));
	ew_sid_from_string("S-1-5-10", &who[0]);
	ew_sid_from_string("S-1-5-21-1-2-3-1104", &who[1]);
	ew_sd_access(sd, who, 2, NULL, NULL, EW_DS_FULL_CONTROL, NULL);
	ew_sd_access(sd, who, 2, data, size > 16 ? data + size - 16 : NULL, EW_DS_WRITE_PROP, NULL);
	ew_sd_free(&sd);
	return 0;
}
