#!/bin/sh
# exwizard under ThreadSanitizer against the lab: the `check` scenarios of
# the integration tests (every step for bob, carol, alice and mallory with an
# Exchange server and a mover; --kinit with --simple-bind; the mailbox step
# with no ticket; a run stopped by SIGINT while its steps wait on a silent
# DNS server; Kerberos requests abandoned to a silent KDC; `show`; the
# sweep, as Administrator with its progress line and as alice), then the
# wizard's tmux scenes (tests/tui/wizard.sh, tests/tui/sweep.sh) with the
# same binary. No
# ThreadSanitizer report may appear: every process writes its log to a file
# of its own (log_path), and a scenario passes only when its logs are there
# and hold no report. tests/tsan/exwizard.supp names the races inside
# libraries that are not exwizard's. Uses the build with -fsanitize=thread
# (make tsan-build). Prints TAP.
set -u
. "$(dirname "$0")/../integration/lib.sh"
tsbin=${EXWIZ_TSAN_BIN:-$top/build-tsan/exwizard}
supp="$top/tests/tsan/exwizard.supp"
logs="$work/tsan"
mkdir -p "$logs"
silent_pid=
fault=
# EXWIZ_TSAN_KEEP=DIR: the reports are copied there at the end.
at_exit() {
	stop_listener "$silent_pid"
	[ -n "$fault" ] && "$labctl" -n "$ns" fault kdc-restore >/dev/null
	[ -n "${EXWIZ_TSAN_KEEP:-}" ] && mkdir -p "$EXWIZ_TSAN_KEEP" && cp -r "$logs"/. "$EXWIZ_TSAN_KEEP"/
}

if [ ! -x "$tsbin" ] || ! nm -D "$tsbin" 2>/dev/null | grep -q __tsan_init; then
	echo "not ok 1 - no $tsbin built with -fsanitize=thread (make tsan-build)"
	echo "1..1"
	exit 1
fi

# topts NAME: TSAN_OPTIONS for the processes of scenario NAME; each process
# writes its log to $logs/NAME.PID (verbosity=1: it opens with a banner,
# also when there is no report).
topts() {
	echo "log_path=$logs/$1 suppressions=$supp second_deadlock_stack=1 halt_on_error=0" \
		"exitcode=66 verbosity=1"
}
# reports NAME: how many ThreadSanitizer reports scenario NAME left.
reports() {
	cat "$logs/$1".* 2>/dev/null | grep -c '^WARNING: ThreadSanitizer'
}
# ran NAME: how many processes of scenario NAME ran under ThreadSanitizer and
# left a readable log (none: the logs prove nothing).
ran() {
	cat "$logs/$1".* 2>/dev/null | grep -c '^\*\*\*\*\* Running under ThreadSanitizer'
}
# show_reports NAME: the first lines of each, as TAP comments.
show_reports() {
	for f in "$logs/$1".*; do
		[ -f "$f" ] || continue
		grep -E '^(WARNING|SUMMARY): ThreadSanitizer|^    #[0-3] ' "$f" | head -40 | sed 's/^/# /'
	done
}
# ts NAME CCACHE CMD...: CMD with the TSan build, in the lab, with that cache.
ts() {
	name=$1
	ccache=$2
	shift 2
	inlab env KRB5CCNAME="$ccache" TSAN_OPTIONS="$(topts "$name")" "$tsbin" "$@"
}
# verdict NAME RC OUTPUT DESCRIPTION [STATUS]: the scenario ran to its
# summary (the line $summary begins with: a check's report by default), was
# not ended by ThreadSanitizer (exit 66) nor by a signal, left no report, and
# STATUS (what else it asserts) is 0.
summary="Summary:"
verdict() {
	r=$(reports "$1")
	p=$(ran "$1")
	[ "$2" -ne 66 ] && [ "$2" -lt 128 ] && [ "$r" -eq 0 ] && [ "$p" -gt 0 ] &&
		grep -q "^$summary" "$3" && [ "${5:-0}" -eq 0 ]
	ok $? "$4 (exit $2): $r reports from $p processes under TSan"
	show_reports "$1"
}

pw="$work/pw"
apw="$work/apw"
cp "$EXWIZ_LAB_PASSWORD_FILE" "$pw"
cp "$EXWIZ_LAB_ADMIN_PASSWORD_FILE" "$apw"
chmod 600 "$pw" "$apw"
X="-x $EXWIZ_LAB_EXCHANGE -m junior"
t0=$(msecs)

# Every step, each user with a cache of their own.
for u in bob carol alice; do
	inlab env KRB5CCNAME="FILE:$work/cc-$u" kinit "$u@$EXWIZ_LAB_REALM" <"$pw" >/dev/null 2>&1
	ts "check-$u" "FILE:$work/cc-$u" check -u "$u" $X -o "$work/$u.jsonl" \
		>"$work/$u.txt" 2>"$work/$u.err"
	verdict "check-$u" $? "$work/$u.txt" "check, every step, $u with $u's tickets"
done

# mallory (hostile data) with --kinit and --simple-bind, as the valgrind test.
ts check-mallory "FILE:$work/none" check -u mallory $X --kinit Administrator \
	--password-file "$apw" --simple-bind "CN=Administrator,CN=Users,$EXWIZ_LAB_BASE_DN" \
	--no-transcript >"$work/mallory.txt" 2>"$work/mallory.err"
verdict check-mallory $? "$work/mallory.txt" \
	"check, every step, mallory (hostile data), --kinit Administrator and --simple-bind"

# bob with alice's login (--kinit and --simple-bind), as the secrets test.
dn=$(inlab env KRB5CCNAME="FILE:$work/cc-alice" ldapsearch -Q -LLL -Y GSSAPI -b "$EXWIZ_LAB_BASE_DN" \
	'(sAMAccountName=alice)' dn | sed -n 's/^dn: //p')
ts check-kinit "FILE:$work/none" check -u bob $X --kinit alice --simple-bind "$dn" \
	--password-file "$pw" -o "$work/kinit.jsonl" >"$work/kinit.txt" 2>"$work/kinit.err"
verdict check-kinit $? "$work/kinit.txt" "check, every step, bob with --kinit alice and --simple-bind ($dn)"

# The mailbox step with no ticket: the directory fails at once while the
# global catalog is still being looked for.
worst=0
bad=0
for i in 1 2 3; do
	ts mailbox-noticket "FILE:$work/none" check -u bob --dc "$EXWIZ_LAB_DC" mailbox \
		--no-transcript >"$work/mbx.txt" 2>"$work/mbx.err"
	rc=$?
	[ "$rc" -gt "$worst" ] && worst=$rc
	grep -q "^Summary:" "$work/mbx.txt" || bad=1
done
verdict mailbox-noticket "$worst" "$work/mbx.txt" \
	"check -u bob --dc $EXWIZ_LAB_DC mailbox with no ticket, three runs" "$bad"

# SIGINT while the DNS and tickets steps wait on a DNS server that never
# answers: the signal handler sets the flag that the steps' threads read.
silent=$ADDR_T_TSAN_SILENT
start_listener silent_pid "$silent" "$top/tests/lib/silent_dns.py" 60
(exec "$labctl" -n "$ns" exec env KRB5CCNAME="FILE:$work/cc-bob" TSAN_OPTIONS="$(topts sigint)" \
	"$tsbin" check -u bob dns tickets --dns-server "$silent" --timeout 10 --tries 2 \
	-o "$work/sigint.jsonl") >"$work/sigint.txt" 2>"$work/sigint.err" &
pid=$!
# nstarted: how many steps have started, by the transcript.
nstarted() {
	c=$(grep -c '"phase":"start"' "$work/sigint.jsonl" 2>/dev/null)
	echo "${c:-0}"
}
# Once both have started (the DNS step then waits at least 10 s on the server).
i=0
while [ "$i" -lt 300 ] && [ "$(nstarted)" -lt 3 ]; do
	sleep 0.1
	i=$((i + 1))
done
started=$(nstarted)
s0=$(msecs)
kill -INT "$pid"
wait "$pid"
rc=$?
el=$(( $(msecs) - s0 ))
stop_listener "$silent_pid"
silent_pid=
[ "${started:-0}" -ge 3 ] && [ "$el" -lt 8000 ] && grep -q "Stopped by a signal" "$work/sigint.txt"
verdict sigint "$rc" "$work/sigint.txt" "SIGINT while the DNS and tickets steps wait on a silent server (stopped $el ms after it)" $?

# The KDC silent: the tickets step stops waiting for its service requests
# after --timeout, and they still run (libkrb5 gives up after 15 s) when the
# report is out. The process must not end (exit: the libraries' destructors)
# under them, nor wait for them long.
"$labctl" -n "$ns" fault kdc-drop >/dev/null && fault=1
s0=$(msecs)
ts abandoned "FILE:$work/cc-bob" check -u bob tickets --timeout 1 --tries 1 --no-transcript \
	>"$work/abandoned.txt" 2>"$work/abandoned.err"
rc=$?
el=$(( $(msecs) - s0 ))
"$labctl" -n "$ns" fault kdc-restore >/dev/null && fault=
[ "$el" -lt 12000 ] && grep -q "no answer from the KDC within the time limit" "$work/abandoned.txt"
verdict abandoned "$rc" "$work/abandoned.txt" \
	"the KDC silent: service requests abandoned, still running at the end ($el ms in all)" $?

ts show "FILE:$work/none" show "$work/bob.jsonl" >"$work/show.txt" 2>&1
verdict show $? "$work/show.txt" "show of bob's transcript"
echo "# check scenarios: $(( $(msecs) - t0 )) ms"

# The sweep: the users, their count and the SPNs on three threads, the
# progress line on a fourth (standard error a terminal, by script(1)).
t0=$(msecs)
summary="Sweep of"
inlab env KRB5CCNAME="FILE:$work/cc-admin" kinit "Administrator@$EXWIZ_LAB_REALM" <"$apw" \
	>/dev/null 2>&1
inlab env KRB5CCNAME="FILE:$work/cc-admin" TSAN_OPTIONS="$(topts sweep)" \
	script -qfec "$tsbin sweep -o $work/sweep.txt --transcript $work/sweep.jsonl" \
	"$work/sweep.tty" >/dev/null 2>&1
rc=$?
grep -q "Sweep: users" "$work/sweep.tty"
verdict sweep "$rc" "$work/sweep.txt" "sweep of the domain as Administrator, its progress line on a terminal" $?
ts sweep-alice "FILE:$work/cc-alice" sweep --json --no-transcript >"$work/sweep-alice.json" \
	2>"$work/sweep-alice.err"
rc=$?
inlab env KRB5CCNAME="FILE:$work/cc-alice" TSAN_OPTIONS="$(topts sweep-alice)" "$tsbin" sweep \
	--no-transcript --cause mailbox-half-moved >"$work/sweep-alice.txt" 2>&1
verdict sweep-alice "$rc" "$work/sweep-alice.txt" "sweep as alice (listings between pages)"
summary="Summary:"
echo "# sweep scenarios: $(( $(msecs) - t0 )) ms"

# tui NAME SCRIPT WHAT: the tmux scenes of tests/tui/SCRIPT with the TSan
# build; their reports in $logs/NAME.*.
tui() {
	t0=$(msecs)
	EXWIZARD=$tsbin TSAN_OPTIONS=$(topts "$1") EXWIZ_IDLE_TICKS=10 sh "$top/tests/tui/$2" \
		>"$work/$1.tap" 2>&1
	rc=$?
	passed=$(grep -c '^ok ' "$work/$1.tap")
	failed=$(grep -c '^not ok ' "$work/$1.tap")
	grep '^not ok ' "$work/$1.tap" | sed "s/^/# $3: /"
	[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	ok $? "$3 pass with the TSan build ($passed passed, $failed failed, $(( $(msecs) - t0 )) ms)"
	r=$(reports "$1")
	p=$(ran "$1")
	[ "$r" -eq 0 ] && [ "$p" -gt 0 ]
	ok $? "$3: $r reports from $p processes under TSan"
	show_reports "$1"
}
tui wizard wizard.sh "the wizard's tmux scenes"
tui wizsweep sweep.sh "the wizard's sweep scenes"

finish
