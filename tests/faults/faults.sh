#!/bin/sh
# The fault suite: each fault against the lab domain, with the outcome
# asserted (a clear finding or message, a bounded wait, no crash, a transcript
# `exwizard show` can read) and a table printed: fault, outcome, wall time.
# Prints TAP.
set -u
. "$(dirname "$0")/../integration/lib.sh"
restore=
silent_pid=
at_exit() {
	stop_listener "$silent_pid"
	case "$restore" in
	kdc) "$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1 ;;
	ldap) "$labctl" -n "$ns" fault ldap-restore >/dev/null 2>&1 ;;
	latency) "$labctl" -n "$ns" fault latency-off >/dev/null 2>&1 ;;
	dc) "$labctl" -n "$ns" fault dc-start >/dev/null 2>&1 ;;
	esac
	mountpoint -q "$work/full" 2>/dev/null && umount "$work/full"
}
table="$work/table"
: >"$table"
X="-u bob -x exch1.exwiz.test -x fe1.region1.exwiz.test -m junior --timeout 1 --tries 2"
cc="FILE:$work/cc"
inlab env KRB5CCNAME="$cc" kinit bob@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1

# run NAME LIMIT_MS [env...] -- args: exwizard check with a transcript; records
# exit status, wall time and whether show reads the transcript.
run() {
	name=$1
	limit=$2
	shift 2
	t="$work/$(echo "$name" | tr -c 'a-z0-9\n' '-').jsonl"
	t0=$(msecs)
	inlab env KRB5CCNAME="$cc" "$@" -o "$t" >"$work/out" 2>"$work/err"
	rc=$?
	el=$(( $(msecs) - t0 ))
	showok=1
	"$exw" show "$t" >/dev/null 2>&1 && showok=0
	printf '%-44s exit %-3s %6s ms  show %s\n' "$name" "$rc" "$el" \
		"$([ $showok -eq 0 ] && echo ok || echo FAILED)" >>"$table"
	[ "$rc" -le 4 ] && [ "$el" -le "$limit" ] && [ "$showok" -eq 0 ]
}
has() { grep -q "$1" "$work/out"; }

run "no fault" 20000 "$exw" check $X
ok $? "no fault: the scenario runs ($(tail -1 "$table"))"

"$labctl" -n "$ns" fault kdc-drop >/dev/null 2>&1 && restore=kdc
run "KDC port dropped (UDP and TCP 88)" 20000 "$exw" check $X &&
	has "\[FAIL\] KRB-KDC: No KDC answers" && has "\[SKIP\] TOK-COUNT"
ok $? "KDC port dropped: KRB-KDC fails, the directory steps say why they skip, bounded"
"$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1 && restore=

"$labctl" -n "$ns" fault dc-stop >/dev/null 2>&1 && restore=dc
run "DC stopped (samba down)" 25000 "$exw" check $X && has "\[FAIL\] KRB-KDC"
ok $? "DC stopped: clear findings, bounded"
"$labctl" -n "$ns" fault dc-start >/dev/null 2>&1 && restore=

# (dc-start returns once the DC answers DNS, LDAP and Kerberos.)
silent=$ADDR_T_FAULTS_SILENT
start_listener silent_pid "$silent" "$top/tests/lib/silent_dns.py" 60 &&
	run "a DNS server that never answers" 20000 "$exw" check dns $X --dns-server "$silent" &&
	has "Resolver $silent does not answer"
ok $? "a silent DNS server: a warning, bounded"
stop_listener "$silent_pid"
ok $? "the silent DNS server (pid $silent_pid, the python process) has ended"
silent_pid=

run "client clock 10 min ahead (faketime)" 20000 env \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" faketime -f '+600s' \
	"$exw" check tickets $X && has "\[FAIL\] KRB-SKEW"
ok $? "clock 10 min ahead: KRB-SKEW fails"

inlab env KRB5CCNAME="FILE:$work/cc-short" kinit -l 5s bob@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
# until the TGT has expired (klist -s fails), at most 10 s
i=0
while inlab klist -s "FILE:$work/cc-short" && [ "$i" -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
run "an expired cache" 20000 env KRB5CCNAME="FILE:$work/cc-short" "$exw" check tickets groups $X \
	--ccache "FILE:$work/cc-short" && has "KRB-CACHE: The TGT of bob@EXWIZ.TEST expired"
ok $? "an expired cache: KRB-CACHE fails and says so"

run "no credential cache" 20000 "$exw" check tickets groups $X --ccache "FILE:$work/none" &&
	has "\[FAIL\] KRB-CACHE: No credential cache" && has "\[SKIP\] TOK-COUNT"
ok $? "no cache: a clear failure and skips that say why"

# The transcript directory unwritable: the diagnosis goes on, without one.
t0=$(msecs)
inlab env KRB5CCNAME="$cc" XDG_STATE_HOME=/proc/exwizard-nowhere "$exw" check target $X \
	>"$work/out" 2>"$work/err"
rc=$?
printf '%-44s exit %-3s %6s ms  %s\n' "transcript directory unwritable" "$rc" \
	"$(( $(msecs) - t0 ))" "report printed" >>"$table"
grep -q "no transcript" "$work/err" && has "No transcript was written"
ok $? "an unwritable transcript directory: a message, the report still printed"

# The disk full while writing the transcript (a 64 KiB tmpfs, mostly filled).
mkdir -p "$work/full"
if mount -t tmpfs -o size=64k tmpfs "$work/full" 2>/dev/null; then
	dd if=/dev/zero of="$work/full/fill" bs=1k count=56 2>/dev/null
	t0=$(msecs)
	inlab env KRB5CCNAME="$cc" "$exw" check $X -o "$work/full/t.jsonl" >"$work/out" 2>"$work/err"
	rc=$?
	el=$(( $(msecs) - t0 ))
	showok=FAILED
	"$exw" show "$work/full/t.jsonl" >/dev/null 2>&1 && showok=ok
	printf '%-44s exit %-3s %6s ms  show %s\n' "disk full while writing the transcript" "$rc" \
		"$el" "$showok" >>"$table"
	grep -q "writing failed" "$work/err" && has "Summary:" && [ "$showok" = ok ]
	ok $? "a full disk: a message, the report still printed, the transcript readable up to where it stopped"
	umount "$work/full"
else
	echo "ok $((n + 1)) # SKIP no tmpfs mount here"
	n=$((n + 1))
fi

# Every link slowed to 600 ms round trip (each packet held 300 ms): the same
# diagnosis, only slower, with the default timeouts (2 s per try). A
# Kerberos exchange over TCP (the TGT is too large for UDP) takes two round
# trips, the handshake and the request, within one try: at 1 s RTT that is
# the whole try, and service tickets came back "No KDC of the realm answered"
# in some runs while KRB-KDC passed.
if "$labctl" -n "$ns" fault latency 300 >/dev/null 2>&1; then
	restore=latency
	run "every link slowed to 600 ms RTT (NFQUEUE)" 60000 "$exw" check -u bob \
		-x exch1.exwiz.test -x fe1.region1.exwiz.test -m junior &&
		has "TOK-COUNT: bob is in 603 security groups" && has "\[PASS\] KRB-KDC" &&
		has "\[INFO\] DNS-SRV\|\[PASS\] DNS-SRV" && ! has "within the time limit"
	ok $? "every link at 600 ms RTT: the same findings, no KDC timed out, bounded ($(tail -1 "$table"))"
	# --kinit over the same links: the KDCs found once and pinned, so the two
	# or three AS exchanges need no DNS of their own.
	cp "$EXWIZ_LAB_PASSWORD_FILE" "$work/pw" && chmod 600 "$work/pw"
	run "--kinit with every link at 600 ms RTT" 15000 "$exw" check target \
		--kinit alice --password-file "$work/pw" &&
		has "Login: .*kinit alice@\{0,1\}.*in-memory cache"
	ok $? "--kinit at 600 ms RTT: a TGT, bounded ($(tail -1 "$table"))"
	"$labctl" -n "$ns" fault latency-off >/dev/null 2>&1
	restore=
else
	echo "ok $((n + 1)) # SKIP the latency injector could not start"
	echo "ok $((n + 2)) # SKIP the latency injector could not start"
	n=$((n + 2))
fi

# The LDAP connection reset mid-search, at both ends: frank's tokenGroups
# (5,000 SIDs) is an answer of about 150 KB, and the DC sends about 3.5 KB
# (IP lengths) before it on the connection: the bind, the rootDSE and the
# account. Once the DC has sent 32 KiB the connection is reset, inside that
# answer, at whatever speed it runs.
"$labctl" -n "$ns" fault ldap-reset 32768 >/dev/null 2>&1 && restore=ldap
run "LDAP connection reset mid-search" 20000 "$exw" check groups -u frank --timeout 2 --tries 1 &&
	has "\[SKIP\] TOK-COUNT: The groups of frank could not be read" && ! has "TOK-COUNT: frank is in" &&
	grep -A3 "TOK-COUNT: The groups of frank" "$work/out" | grep -q "| tokenGroups: .*Can't contact LDAP server" &&
	has "\[SKIP\] TOK-SIZE" && has "\[SKIP\] TOK-LSA"
ok $? "LDAP connection reset mid-search: TOK-COUNT, TOK-SIZE and TOK-LSA skip with the error, bounded ($(tail -1 "$table"))"
"$labctl" -n "$ns" fault ldap-restore >/dev/null 2>&1
restore=

# SIGKILL in the middle of a step, SIGHUP as from a lost SSH session: the
# signal goes once a step after the target has started (its start event is
# in the transcript). labctl exec execs ip netns exec, which execs env and
# exwizard: $! is exwizard itself.
for sig in KILL HUP; do
	t="$work/sig-$sig.jsonl"
	"$labctl" -n "$ns" exec env KRB5CCNAME="$cc" "$exw" check $X -o "$t" >/dev/null 2>&1 &
	pid=$!
	i=0
	until grep '"phase":"start"' "$t" 2>/dev/null | grep -vq '"id":"target"' || [ "$i" -ge 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	"$exw" show "$t" >"$work/show" 2>&1
	rc=$?
	printf '%-44s show exit %s  %s\n' "SIG$sig in the middle of a step" "$rc" \
		"$(grep -c '^== ' "$work/show") steps shown" >>"$table"
	if [ "$sig" = KILL ]; then
		[ "$rc" -eq 0 ] && grep -q "did not end normally\|cut short" "$work/show"
		ok $? "SIGKILL mid-step: show renders what was written, and says the session was cut"
	else
		[ "$rc" -eq 0 ] && tail -n 1 "$t" | grep -q '"event":"end"'
		ok $? "SIGHUP: the steps stop, the transcript ends properly"
	fi
done

echo "# fault                                        outcome"
sed 's/^/# /' "$table"
finish
