/* libFuzzer target: pasted client output read as event text (wevtutil, Event Viewer). */
#define EW_FUZZ_KIND EW_CLIENT_EVENT
#include "fuzz_client.h"
