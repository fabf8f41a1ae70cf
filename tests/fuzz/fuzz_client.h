/*
 * fuzz_client.h - the body of the libFuzzer targets of pasted client output
 * (fuzz_client_*.c): the input read as the target's kind first (each block
 * found later read as its own), the result written as JSON, which must be
 * clean text; every string kept must be clean too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clientparse.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_be_clean(const char *s)
{
	if (s && !ew_text_is_clean(s, strlen(s)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ew_client_paste *p = ew_client_parse_as(data, size, EW_FUZZ_KIND);
	json_t *j;
	char *s;
	size_t i;

	if (p == NULL)
		return 0;
	if (p->nunread_kept > EW_CLIENT_UNREAD_KEEP || p->nunread_kept > p->unread ||
	    p->ntickets > EW_CLIENT_TICKETS_MAX || p->ndns > EW_CLIENT_DNS_MAX ||
	    p->nblocks > EW_CLIENT_BLOCKS_MAX)
		abort();
	for (i = 0; i < p->nunread_kept; i++)
		must_be_clean(p->unread_lines[i].text);
	for (i = 0; i < p->ntickets; i++) {
		must_be_clean(p->tickets[i].client);
		must_be_clean(p->tickets[i].server);
	}
	for (i = 0; i < p->ndns; i++)
		must_be_clean(p->dns[i].entry);
	for (i = 0; i < p->nevents; i++)
		must_be_clean(p->events[i].spn);
	j = ew_client_to_json(p);
	if (j == NULL && !p->oom)
		abort();
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (j && s == NULL)
		abort();
	must_be_clean(s);
	free(s);
	json_decref(j);
	ew_client_free(&p);
	return 0;
}
