/* testutil.h - small helpers shared by the cmocka test programs. */
#ifndef EW_TESTUTIL_H
#define EW_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
