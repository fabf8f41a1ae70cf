#!/bin/sh
# A short fuzzing pass for `make check`: each target for FUZZ_QUICK_SECONDS
# (default 5) from its seeds. Prints TAP: executions and crashes per target.
# The long runs are `make fuzz`.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${FUZZ_BUILD:-$top/build-fuzz}
case $dir in /*) ;; *) dir=$top/$dir ;; esac
secs=${FUZZ_QUICK_SECONDS:-5}
n=0
fails=0
for t in "$dir"/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	corpus=$(mktemp -d)
	out=$("$t" -max_total_time="$secs" -print_final_stats=1 "$corpus" "$top/tests/fuzz/seeds/$name" 2>&1)
	rc=$?
	rm -rf "$corpus"
	execs=$(printf '%s\n' "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
	n=$((n + 1))
	if [ "$rc" -eq 0 ] && [ -n "$execs" ]; then
		echo "ok $n - $name: $execs executions in $secs s, 0 crashes"
	else
		echo "not ok $n - $name: exit $rc"
		printf '%s\n' "$out" | grep -E "ERROR|SUMMARY|#[0-9]+ " | head -20 | sed 's/^/# /'
		fails=$((fails + 1))
	fi
done
echo "1..$n"
[ "$n" -gt 0 ] && [ "$fails" -eq 0 ]
