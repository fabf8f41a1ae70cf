/* libFuzzer target: pasted client output read as ipconfig /displaydns. */
#define EW_FUZZ_KIND EW_CLIENT_DISPLAYDNS
#include "fuzz_client.h"
