#!/bin/bash
# The sweep's figures: exwizard sweep (every cause, read as Administrator)
# against a lab, at the round-trip times given; the median wall time of
# BENCH_RUNS runs (default 3), the peak RSS (the largest of the runs), the
# users, groups and problems it saw. One line per latency:
#
#   sweep.sh -n NS [LAT...]    LAT: the RTT in ms, even (default: 0 50)
#
# The lab NS must be up with --scale (make bench does it; for 30,000 users:
# labctl up --scale --users 30000).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
labctl="$top/tests/lab/labctl"
ns=${LAB_NS:-exwizbn}
if [ "${1:-}" = -n ]; then
	ns=$2
	shift 2
fi
lats=${*:-0 50}
exw=${EXWIZARD:-$top/exwizard}
runs=${BENCH_RUNS:-3}
export EXWIZ_LATENCY_BIN=${EXWIZ_LATENCY_BIN:-$top/build/tests/bench/exwiz-latency}
eval "$("$labctl" -n "$ns" env)" || exit 1
work=$(mktemp -d /tmp/exwizard-sweepbench.XXXXXX)
chmod 755 "$work"
inlab() { "$labctl" -n "$ns" exec "$@"; }
latency_off() { "$labctl" -n "$ns" fault latency-off >/dev/null 2>&1; }
trap 'latency_off; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
msecs() { date +%s%3N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : 0) }'; }

inlab env KRB5CCNAME="FILE:$work/cc" kinit "Administrator@$EXWIZ_LAB_REALM" \
	<"$EXWIZ_LAB_ADMIN_PASSWORD_FILE" >/dev/null || { echo "sweep.sh: kinit failed" >&2; exit 1; }
printf '%-10s %7s %7s %6s %9s %10s %9s %8s\n' lab users groups RTT wall "peak RSS" problems exit
for lat in $lats; do
	if [ "$lat" -gt 0 ]; then
		"$labctl" -n "$ns" fault latency $((lat / 2)) >/dev/null || exit 1
	fi
	rss=0
	for i in $(seq 1 "$runs"); do
		t0=$(msecs)
		inlab env KRB5CCNAME="FILE:$work/cc" /usr/bin/time -f '%M' -o "$work/rss" \
			"$exw" sweep --no-transcript --json >"$work/out.json" 2>"$work/err"
		echo $? >"$work/rc"
		echo $(($(msecs) - t0)) >>"$work/walls.$lat"
		r=$(tail -1 "$work/rss")
		[ "$r" -gt "$rss" ] && rss=$r
	done
	latency_off
	read -r users groups problems partial <<<"$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1])); s = r["sweep"]
print(s["users"], s.get("groups", 0), len(r["problems"]), s["partial"])' "$work/out.json")"
	[ "$partial" = False ] || echo "sweep.sh: the sweep at $lat ms was partial" >&2
	printf '%-10s %7s %7s %3s ms %6s ms %7s KB %9s %8s\n' "$ns" "$users" "$groups" "$lat" \
		"$(median <"$work/walls.$lat")" "$rss" "$problems" "$(cat "$work/rc")"
done
