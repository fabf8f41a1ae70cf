/* libFuzzer target: pasted client output read as setspn -Q/-X and nltest /dsgetdc:. */
#define EW_FUZZ_KIND EW_CLIENT_SETSPN
#include "fuzz_client.h"
