/* libFuzzer target: pasted client output read as klist and klist tgt. */
#define EW_FUZZ_KIND EW_CLIENT_KLIST
#include "fuzz_client.h"
