/* libFuzzer target: pasted client output read as whoami /groups and /all. */
#define EW_FUZZ_KIND EW_CLIENT_WHOAMI
#include "fuzz_client.h"
