#!/bin/sh
# The address rules of tests/lib/addresses.sh, checked by grep over the lab's
# scripts (no lab, no root needed). Prints TAP.
#   1. the table: every name and every address once; each test listener's
#      owner exists;
#   2. every 127.x.x.x written out in a lab script is an address of the table;
#   3. a test listener's address is used by its owner alone, by name: no
#      other file names it, no file writes out its digits;
#   4. a line that starts a listener writes out no address;
#   5. no background job goes through the inlab function: its $! would be a
#      subshell, not the process that is to be stopped.
set -u
top=${EXWIZ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
table=tests/lib/addresses.sh
. "$top/tests/lib/tap.sh"
# The lab's scripts: everything that runs in or drives the lab namespace.
files=$(ls tests/lab/labctl tests/lab/reportset tests/lab/*.sh tests/lab/*.py tests/integration/*.sh \
	tests/integration/*.py tests/tui/*.sh tests/faults/*.sh tests/bench/*.sh \
	tests/bench/*.py tests/lib/*.sh tests/lib/*.py tests/tsan/*.sh tests/run.sh 2>/dev/null | grep -vx "$table")
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# NAME ADDRESS OWNER, one line per entry of the table
entries=$(sed -n 's/^\(ADDR_[A-Z0-9_]*\)=\([0-9.]*\)[[:space:]]*#[[:space:]]*\([^:]*\):.*/\1 \2 \3/p' "$table")
[ -n "$entries" ] && [ "$(echo "$entries" | wc -l)" -eq "$(grep -c '^ADDR_' "$table")" ]
ok $? "the table reads: $(echo "$entries" | wc -l) entries, each NAME=ADDRESS # OWNER: WHAT"

: >"$out"
echo "$entries" | awk '{ print $1 }' | sort | uniq -d | sed 's/^/# name twice: /' >>"$out"
echo "$entries" | awk '{ print $2 }' | sort | uniq -d | sed 's/^/# address twice: /' >>"$out"
echo "$entries" | while read -r name addr owner; do
	[ -f "$owner" ] || echo "# $name: no owner file $owner"
done >>"$out"
cat "$out"
[ ! -s "$out" ]
ok $? "every name and every address once in the table, every owner a file"

# 2. literal loopback addresses
grep -noE '(^|[^0-9.])127\.[0-9]+\.[0-9]+\.[0-9]+' $files | sed 's/:[^0-9]*127/:127/' |
	while IFS=: read -r f l a; do
		echo "$entries" | awk -v a="$a" '$2 == a { found = 1 } END { exit !found }' ||
			echo "# $f:$l: $a is not in $table"
	done >"$out"
cat "$out"
[ ! -s "$out" ]
ok $? "every loopback address written out in the lab's scripts is in the table"

# 3. test listeners: by name, in their owner alone
echo "$entries" | grep '^ADDR_T_' | while read -r name addr owner; do
	digits=$(echo "$addr" | sed 's/\./\\./g')
	grep -nE "(^|[^0-9.])$digits([^0-9]|$)" $files | sed "s|^|# $name's digits written out: |"
	grep -lE "\\\$\\{?$name([^A-Z0-9_]|$)" $files | grep -vx "$owner" | sed "s|^|# $name (owner $owner) used in |"
	grep -qE "\\\$\\{?$name([^A-Z0-9_]|$)" "$owner" || echo "# $name: its owner $owner does not use it"
done >"$out"
cat "$out"
[ ! -s "$out" ]
ok $? "each test listener's address is used by its owner alone, by name"

# 4. listeners started with a written-out address
grep -nE 'silent_dns\.py|hostile_dns\.py|start_listener |\.bind\(|--listen-address' $files |
	grep -E '(^|[^0-9.])127\.[0-9]+\.[0-9]+\.[0-9]+' | sed 's/^/# /' >"$out"
cat "$out"
[ ! -s "$out" ]
ok $? "no listener is started on a written-out address"

# 5. background jobs through inlab (a command continued over lines counts
# as one)
for f in $files; do
	awk -v f="$f" '{
		if (cont == "") start = NR
		line = cont $0
		if (line ~ /\\$/) { sub(/\\$/, "", line); cont = line; next }
		cont = ""
		if (line ~ /^[[:space:]]*inlab[[:space:]]/ && line ~ /[^&]&[[:space:]]*$/)
			print "# " f ":" start ": " line
	}' "$f"
done >"$out"
cat "$out"
[ ! -s "$out" ]
ok $? "no background job through inlab (its pid would be a subshell's)"

finish
