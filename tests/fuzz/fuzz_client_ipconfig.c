/* libFuzzer target: pasted client output read as ipconfig /all. */
#define EW_FUZZ_KIND EW_CLIENT_IPCONFIG
#include "fuzz_client.h"
