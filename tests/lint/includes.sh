#!/bin/sh
# No cycle among core's units (X.c with X.h), following their #include "..."
# lines: a unit includes the headers of the units below it, never one that
# comes back to it. No build needed. Prints TAP.
#   1. the check finds a cycle where there is one (a made-up a -> b -> a);
#   2. core/ has none; a cycle found is printed as its units.
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

echo "1..$n"
[ "$fails" -eq 0 ]
