#!/bin/sh
# The rules of the steps are pure: every unit a rules test links (the
# Makefile's RULES_OBJ_<test>) includes, through all its "..." headers, no
# system header but the C library's and jansson's: no krb5, LDAP, c-ares,
# SASL, curses, threads or sockets. The link of the rules tests proves that
# no such function is called; this, that none is in reach. No build needed.
# Prints TAP.
#   1. the check finds a library header two includes away (made up);
#   2. each rules test's units include none.
set -u
top=${EXWIZ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
n=0
fails=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Pure system headers: the C library (no threads, no sockets) and jansson.
allowed=' assert.h ctype.h errno.h inttypes.h limits.h stdarg.h stdatomic.h stdbool.h
	stddef.h stdint.h stdio.h stdlib.h string.h strings.h time.h sys/types.h arpa/inet.h
	jansson.h '

# "file: <header>" for each system header reached from the given files of dir
# (names relative to dir) through their "..." includes, that is not allowed.
impure() {
	dir=$1
	shift
	todo="$*"
	seen=" "
	while [ -n "$todo" ]; do
		set -- $todo
		[ $# -gt 0 ] || break
		f=$1
		shift
		todo="$*"
		case "$seen" in *" $f "*) continue ;; esac
		seen="$seen$f "
		[ -f "$dir/$f" ] || continue
		for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$dir/$f"); do
			case "$allowed" in *[[:space:]]"$h"[[:space:]]*) ;; *) echo "$f: <$h>" ;; esac
		done
		todo="$todo $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$dir/$f" | tr '\n' ' ')"
	done
}

mkdir "$tmp/core"
printf '#include "a.h"\n#include <string.h>\n' >"$tmp/core/arules.c"
printf '#include "b.h"\n' >"$tmp/core/a.h"
printf '#include <stddef.h>\n#include <krb5.h>\n' >"$tmp/core/b.h"
found=$(impure "$tmp/core" arules.c)
[ "$found" = "b.h: <krb5.h>" ]
ok $? "a library header two includes away is found: $found"

tests=$(sed -n 's/^RULES_TESTS :*= *//p' Makefile)
[ -n "$tests" ]
ok $? "the Makefile names its rules tests: $tests"
for t in $tests; do
	units=$(sed -n "s/^RULES_OBJ_$t :*= *//p" Makefile)
	files=
	for u in $units; do
		files="$files $u.c $u.h"
	done
	found=$(impure core $files)
	[ -n "$found" ] && echo "$found" | sed 's/^/# /'
	[ -n "$units" ] && [ -z "$found" ]
	ok $? "test_$t's units include no library header ($units)"
done

echo "1..$n"
[ "$fails" -eq 0 ]
