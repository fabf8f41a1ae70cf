#!/bin/bash
# make bench: exwizard against the lab at 0 ms and 50 ms round-trip time
# (the NFQUEUE latency injector holds each packet 25 ms), next to the
# hand-run runbook; per-step requests and round trips; the wizard's first
# frame; peak RSS; the groups step at 600, 1,030 and 5,000 groups; two
# users side by side (--compare) against one; the sweep of the lab's users
# (tests/bench/sweep.sh; make bench adds 30,000 generated users).
#
#   bench.sh [-n NS]    (the lab NS must be up with --scale; make bench does it)
#
# Round trips on the critical path = (wall at 50 ms - wall at 0 ms) / 50 ms,
# from the median of BENCH_RUNS runs (default 5) at each latency.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
labctl="$top/tests/lab/labctl"
ns=${LAB_NS:-exwizbn}
[ "${1:-}" = -n ] && ns=$2
exw="$top/exwizard"
runs=${BENCH_RUNS:-5}
export EXWIZ_LATENCY_BIN=${EXWIZ_LATENCY_BIN:-$top/build/tests/bench/exwiz-latency}
eval "$("$labctl" -n "$ns" env)" || exit 1
work=$(mktemp -d /tmp/exwizard-bench.XXXXXX)
chmod 755 "$work"
inlab() { "$labctl" -n "$ns" exec "$@"; }
latency_off() { "$labctl" -n "$ns" fault latency-off >/dev/null 2>&1; }
trap 'latency_off; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
msecs() { date +%s%3N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : 0) }'; }
rtts() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 50 }'; }

for u in bob carol dave Administrator; do
	pw=$EXWIZ_LAB_PASSWORD_FILE
	[ $u = Administrator ] && pw=$EXWIZ_LAB_ADMIN_PASSWORD_FILE
	inlab env KRB5CCNAME="FILE:$work/cc-$u" kinit "$u@$EXWIZ_LAB_REALM" <"$pw" >/dev/null ||
		{ echo "bench: kinit $u failed" >&2; exit 1; }
done
X="-x $EXWIZ_LAB_EXCHANGE -x $EXWIZ_LAB_FRONTEND -m junior --no-transcript"

# wall USER CCUSER N ARGS...: median wall time (ms) of N runs of exwizard check
wall() {
	local user=$1 cc=$2 n=$3 i t0
	shift 3
	for i in $(seq 1 "$n"); do
		t0=$(msecs)
		inlab env KRB5CCNAME="FILE:$work/cc-$cc" "$exw" check "$@" -u "$user" $X \
			>/dev/null 2>&1
		echo $(($(msecs) - t0))
	done | median
}

# json USER CC ARGS...: the JSON report of one run
json() {
	local user=$1 cc=$2
	shift 2
	inlab env KRB5CCNAME="FILE:$work/cc-$cc" "$exw" check "$@" -u "$user" $X --json \
		2>/dev/null
}

declare -A W RB
for lat in 0 50; do
	if [ $lat = 50 ]; then
		"$labctl" -n "$ns" fault latency 25 >/dev/null || exit 1
	fi
	for u in bob carol; do
		W[$u.$lat]=$(wall $u $u "$runs")
		for s in dns tickets groups mailbox; do
			W[$u.$s.$lat]=$(wall $u $u "$runs" $s)
		done
		t0=$(msecs)
		inlab bash "$top/tests/bench/runbook.sh" $u junior "$EXWIZ_LAB_PASSWORD_FILE" "$work" \
			>"$work/runbook-count-$u" 2>&1
		RB[$u.$lat]=$(($(msecs) - t0))
	done
	for u in bob erin frank; do
		W[scale.$u.$lat]=$(wall $u Administrator "$runs" groups)
	done
	# carol alone, then carol beside dave (dave's tickets from his cache).
	W[one.$lat]=$(wall carol Administrator "$runs")
	W[two.$lat]=$(wall carol Administrator "$runs" --compare dave --compare-mover operator \
		--compare-ccache "FILE:$work/cc-dave")
	# The wizard's a: every step after the target, from the key to "N steps: done".
	W[wiz.$lat]=$(for i in $(seq 1 "$runs"); do
		inlab env KRB5CCNAME="FILE:$work/cc-bob" python3 "$top/tests/bench/runall.py" \
			"$exw" -u bob ${X% --no-transcript}
	done | median)
	latency_off
done

echo
echo "exwizard check (all steps) against the lab, median of $runs runs; RTT 0 ms and 50 ms"
printf '%-8s %10s %10s %8s %12s %12s %8s\n' user "0 ms" "50 ms" RTTs "runbook 0" "runbook 50" ratio
for u in bob carol; do
	printf '%-8s %8s ms %7s ms %8s %9s ms %9s ms %7sx\n' $u "${W[$u.0]}" "${W[$u.50]}" \
		"$(rtts "${W[$u.0]}" "${W[$u.50]}")" "${RB[$u.0]}" "${RB[$u.50]}" \
		"$(awk -v a="${RB[$u.50]}" -v b="${W[$u.50]}" 'BEGIN { printf "%.1f", a / b }')"
	echo "         runbook: $(tail -1 "$work/runbook-count-$u" | sed 's/runbook: //')"
done

echo
echo "the wizard's a (bob: from the key to its steps done) next to exwizard check (bob: the"
echo "whole process, the target step too), median of $runs"
printf '%-8s %10s %10s\n' "" "0 ms" "50 ms"
printf '%-8s %7s ms %7s ms\n' "wizard a" "${W[wiz.0]}" "${W[wiz.50]}"
printf '%-8s %7s ms %7s ms\n' check "${W[bob.0]}" "${W[bob.50]}"
printf '%-8s %9sx %9sx\n' ratio "$(awk -v a="${W[wiz.0]}" -v b="${W[bob.0]}" 'BEGIN { printf "%.2f", a / b }')" \
	"$(awk -v a="${W[wiz.50]}" -v b="${W[bob.50]}" 'BEGIN { printf "%.2f", a / b }')"

echo
echo "two users side by side: carol alone, and carol beside dave (--compare dave; read"
echo "as Administrator, all steps), median of $runs"
printf '%-14s %10s %10s %8s\n' "" "0 ms" "50 ms" RTTs
printf '%-14s %7s ms %7s ms %8s\n' "carol" "${W[one.0]}" "${W[one.50]}" \
	"$(rtts "${W[one.0]}" "${W[one.50]}")"
printf '%-14s %7s ms %7s ms %8s\n' "carol + dave" "${W[two.0]}" "${W[two.50]}" \
	"$(rtts "${W[two.0]}" "${W[two.50]}")"

echo
echo "per step (bob, each step alone, median of $runs); requests sent; RTTs on the critical path"
json bob bob >"$work/bob.json"
python3 - "$work/bob.json" >"$work/requests" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["steps"]:
    d = s.get("data") or {}
    if s["id"] == "dns":
        print("dns", "%s DNS queries" % d.get("queries"))
    elif s["id"] == "tickets":
        print("tickets", "%d TGS + %d KDC probes" % (len(d.get("services") or []),
                                                    len(d.get("kdc_probes") or [])))
    elif s["id"] in ("groups", "mailbox"):
        print(s["id"], "%s LDAP requests after the bind" % d.get("ldap_requests"))
EOF
printf '%-8s %8s %8s %6s  %s\n' step "0 ms" "50 ms" RTTs requests
for s in dns tickets groups mailbox; do
	printf '%-8s %5s ms %5s ms %6s  %s\n' $s "${W[bob.$s.0]}" "${W[bob.$s.50]}" \
		"$(rtts "${W[bob.$s.0]}" "${W[bob.$s.50]}")" "$(sed -n "s/^$s //p" "$work/requests")"
done

echo
echo "scale: the groups step (read as Administrator), median of $runs"
printf '%-8s %7s %8s %8s %6s %10s %9s\n' user groups "0 ms" "50 ms" RTTs requests "peak RSS"
for u in bob erin frank; do
	inlab env KRB5CCNAME="FILE:$work/cc-Administrator" /usr/bin/time -f '%M' -o "$work/rss" \
		"$exw" check groups -u $u --no-transcript --json >"$work/g.json" 2>/dev/null
	read -r g req <<<"$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1])); d = r["steps"][1]["data"]
print(d.get("token_sids", 0) - 1, d.get("ldap_requests"))' "$work/g.json")"
	printf '%-8s %7s %5s ms %5s ms %6s %10s %6s KB\n' $u "$g" "${W[scale.$u.0]}" \
		"${W[scale.$u.50]}" "$(rtts "${W[scale.$u.0]}" "${W[scale.$u.50]}")" "$req" \
		"$(tail -1 "$work/rss")"
done

echo
echo "the sweep of the lab (its --scale users; every cause, read as Administrator), median"
echo "of ${BENCH_RUNS:-3}; targets: 3,000 users under 10 s at 0 ms, under 20 s at 50 ms"
bash "$top/tests/bench/sweep.sh" -n "$ns" 0 50

echo
inlab env KRB5CCNAME="FILE:$work/cc-bob" /usr/bin/time -f '%M' -o "$work/rss" \
	"$exw" check -u bob $X >/dev/null 2>&1
echo "peak RSS of exwizard check (bob, all steps): $(tail -1 "$work/rss") KB"
ff=$(for i in $(seq 1 "$runs"); do
	inlab env KRB5CCNAME="FILE:$work/cc-bob" python3 "$top/tests/bench/firstframe.py" \
		"$exw" -u bob ${X% --no-transcript}
done | median)
echo "start to first frame of the wizard (80x24, median of $runs): $ff ms"
