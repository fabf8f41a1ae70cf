/* libFuzzer target: ranged attribute names and LDAP filter escaping. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "directory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[256], *z;
	long lo, hi;

	z = malloc(size + 1);
	if (z == NULL)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';
	ew_dir_parse_range(z, name, sizeof(name), &lo, &hi);
	free(ew_dir_filter_escape(z, size));
	free(z);
	return 0;
}
