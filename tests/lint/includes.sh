#!/bin/sh
# No cycle among core's units (X.c with X.h), following their #include "..."
# lines: a unit includes the headers of the units below it, never one that
# comes back to it. And the rules of the steps are pure: every unit a rules
# test links (the Makefile's RULES_OBJ_<test>) reaches, through all its "..."
# headers, no system header but the C library's and jansson's: no krb5, LDAP,
# c-ares, SASL, curses, threads or sockets (the link of the rules tests proves
# that none is called; this, that none is in reach). No build needed. TAP.
#   1. the check finds a cycle where there is one (a made-up a -> b -> a);
#   2. core/ has none; a cycle found is printed as its units;
#   3. the check finds a library header two includes away (made up);
#   4. the Makefile names its rules tests, and each one's units reach none.
set -u
top=${EXWIZ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
. "$top/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "unit included-unit" for every #include "x.h" of dir's sources and headers
# that names a header of dir (a unit to itself: the unit alone).
edges() {
	for f in "$1"/*.c "$1"/*.h; do
		[ -f "$f" ] || continue
		u=$(basename "$f"); u=${u%.*}
		echo "$u $u"
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$f" |
			while read -r h; do
				[ -f "$1/$h.h" ] && echo "$u $h"
			done
	done
}

# 0 when dir's include graph has no cycle; else the units of one on stdout.
acyclic() {
	edges "$1" | tsort >/dev/null 2>"$tmp/err"
	rc=$?
	sed -n 's/^tsort: //p' "$tmp/err" | grep -v 'input contains a loop' | tr '\n' ' '
	return $rc
}

mkdir "$tmp/cyc"
printf '#include "b.h"\n' >"$tmp/cyc/a.c"
: >"$tmp/cyc/a.h"
printf '#include "a.h"\n' >"$tmp/cyc/b.c"
: >"$tmp/cyc/b.h"
loop=$(acyclic "$tmp/cyc")
rc=$?
[ "$rc" -ne 0 ] && [ -n "$loop" ]
ok $? "a made-up cycle is found: $loop"

loop=$(acyclic core)
rc=$?
[ -n "$loop" ] && echo "# cycle: $loop"
ok $rc "no include cycle among core's $(ls core/*.c | wc -l) units"

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

mkdir "$tmp/rules"
printf '#include "a.h"\n#include <string.h>\n' >"$tmp/rules/arules.c"
printf '#include "b.h"\n' >"$tmp/rules/a.h"
printf '#include <stddef.h>\n#include <krb5.h>\n' >"$tmp/rules/b.h"
found=$(impure "$tmp/rules" arules.c)
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

finish
