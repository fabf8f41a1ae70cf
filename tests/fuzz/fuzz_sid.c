/* libFuzzer target: SIDs, binary and text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_sid s, t;
	char text[EW_SID_STRLEN], *z;
	unsigned char bin[128];
	size_t used;

	if (ew_sid_parse(data, size, &s, &used) == 0) {
		ew_sid_format(&s, text, sizeof(text));
		if (ew_sid_from_string(text, &t) != 0 || !ew_sid_equal(&s, &t))
			abort();	/* the two forms must round-trip */
		if (ew_sid_to_binary(&s, bin, sizeof(bin)) != used || memcmp(bin, data, used) != 0)
			abort();
	}
	z = malloc(size + 1);
	if (z == NULL)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';
	if (ew_sid_from_string(z, &s) == 0)
		ew_sid_format(&s, text, sizeof(text));
	free(z);
	return 0;
}
