#!/bin/sh
# Requests cut short, against the lab domain. Prints TAP.
#  1. SIGINT while the tickets step waits on a silent KDC: the step is
#     cancelled, counted as such, and nothing it could not learn is a failure.
#  2. The LDAP connection reset while the groups step looks its SIDs up: the
#     SIDs not looked up are said to be so, never "foreign or deleted", and the
#     token estimate is a range, not a number made of them.
# Every wait is for an event (a transcript line, a socket, a process), bounded.
set -u
. "$(dirname "$0")/lib.sh"
ipt=$(command -v iptables-legacy || command -v iptables)
chain=EXWIZ_CUT
dropped=
cut=
at_exit() {
	[ -n "$dropped" ] && "$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1
	if [ -n "$cut" ]; then
		inlab "$ipt" -w -D OUTPUT -j "$chain" 2>/dev/null
		inlab "$ipt" -w -F "$chain" 2>/dev/null
		inlab "$ipt" -w -X "$chain" 2>/dev/null
	fi
}
# jq_step ID REPORT: that step as one JSON line (null when absent).
jq_step() {
	py 'import json,sys
r=json.load(open(sys.argv[2]))
s=[s for s in r["steps"] if s["id"]==sys.argv[1]]
print(json.dumps(s[0] if s else None))' "$1" "$2"
}

cc="FILE:$work/cc"
inlab env KRB5CCNAME="$cc" kinit alice@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit alice"

# ---- 1. SIGINT in the tickets step ----
"$labctl" -n "$ns" fault kdc-drop >/dev/null 2>&1 && dropped=1
t="$work/c.jsonl"
# labctl execs into exwizard: $! is exwizard's own pid once it runs.
"$labctl" -n "$ns" exec env KRB5CCNAME="$cc" "$exw" check tickets -x exch1.exwiz.test \
	--timeout 30 --tries 1 --json -o "$t" >"$work/c.json" 2>"$work/c.err" &
pid=$!
started() { grep -q '"id":"tickets","phase":"start"' "$t" 2>/dev/null; }
# The step is asking the KDC: the probe's TCP connection and at least one of
# the library's, unanswered (the KDC's port is dropped).
asking() {
	[ "$(inlab ss -tnp state syn-sent dst 127.0.0.10:88 2>/dev/null |
		grep -c "pid=$pid,")" -ge 2 ]
}
poll 20 started && poll 20 asking && [ "$(cat /proc/$pid/comm 2>/dev/null)" = exwizard ]
ok $? "the tickets step runs and waits on the silent KDC (pid $pid)"
t0=$(msecs)
kill -INT "$pid"
wait "$pid"
rc=$?
el=$(( $(msecs) - t0 ))
"$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1 && dropped=
echo "# SIGINT: exit $rc, $el ms after the signal"
[ "$el" -lt 5000 ]
ok $? "SIGINT ends the wait at once ($el ms; the time limit was 30 s)"
[ "$(jq_step tickets "$work/c.json" | py 'import json,sys; print(json.load(sys.stdin)["status"])')" = cancelled ]
ok $? "the tickets step is cancelled"
! grep -q 'No KDC of the realm answered' "$work/c.json" &&
	[ -z "$(findings KRB-KDC fail "$work/c.json")$(findings KRB-SVC fail "$work/c.json")" ] &&
	[ -z "$(findings KRB-SKEW fail "$work/c.json")$(findings KRB-TRANSPORT fail "$work/c.json")" ]
ok $? "no failure from a request that was cancelled (no 'No KDC of the realm answered')"
py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="tickets"][0]
bad=[f for f in s["findings"] if f["severity"] in ("fail","warn")]
sys.exit(1 if bad else 0)' "$work/c.json"
ok $? "the cancelled step has no fail or warn at all (what it learned is pass or info)"
findings KRB-KDC skip "$work/c.json" | grep -q 'Cancelled before any KDC answered' &&
	findings KRB-SVC skip "$work/c.json" | grep -q 'Cancelled before the KDC answered 9 of the 9'
ok $? "KRB-KDC and KRB-SVC say they were cancelled"
py 'import json,sys
r=json.load(open(sys.argv[1])); s=r["summary"]
sys.exit(0 if s["cancelled"]==1 and s["fail"]==0 and all(k in s for k in ("pass","info","warn","skip")) else 1)' "$work/c.json"
ok $? "the summary counts 1 cancelled step and no failure"
[ "$rc" -eq 4 ]
ok $? "exit status 4: nothing above info was found before the signal, and a run cut short is not 'all is well' (KRB-CACHE passed; got $rc)"
grep '"event":"step"' "$t" | grep '"id":"tickets"' | grep -q '"phase":"end","status":"cancelled"' &&
	tail -n 1 "$t" | grep -q '"cancelled":true'
ok $? "the transcript records the step as cancelled and the session as stopped"
"$exw" show --json "$t" >"$work/show.json" 2>/dev/null &&
	[ "$(jq_step tickets "$work/show.json" | py 'import json,sys; print(json.load(sys.stdin)["status"])')" = cancelled ] &&
	py 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["summary"]["cancelled"]==1 else 1)' "$work/show.json" &&
	"$exw" show "$t" >"$work/show.txt" 2>/dev/null &&
	grep -q '^== tickets: Kerberos tickets \[CANCELLED\]' "$work/show.txt" &&
	grep -q '^Summary: .*; 1 step cancelled$' "$work/show.txt"
ok $? "exwizard show reads it back: [CANCELLED], 1 step cancelled"

# ---- 2. The connection reset during the SID lookups ----
# A chain of this test's own: count the bytes the client sends to LDAP in a
# whole run, then reset both sides once a connection has carried half of
# them. For frank, the SID lookups (50 searches of 100 SIDs, ~220 KB) are
# nearly all of it: the bind, rootDSE, user and tokenGroups reads come first
# (a few KB), the memberOf read after.
inlab "$ipt" -w -N "$chain" 2>/dev/null
inlab "$ipt" -w -I OUTPUT -j "$chain" && cut=1
inlab "$ipt" -w -A "$chain" -p tcp --dport 389 -m connbytes --connbytes 0: \
	--connbytes-dir original --connbytes-mode bytes -j RETURN
inlab env KRB5CCNAME="$cc" "$exw" check groups -u frank --json --no-transcript \
	>"$work/g0.json" 2>/dev/null
total=$(inlab "$ipt" -w -L "$chain" -v -n -x | awk '$3 == "RETURN" { print $2 }')
py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="groups"][0]
sys.exit(0 if s["data"]["token_sids"]==5001 and s["data"]["counts"]["unresolved"]==0 else 1)' "$work/g0.json"
ok $? "frank's groups read in full without the fault (${total:-?} bytes sent to LDAP)"
half=$(( ${total:-0} / 2 ))
inlab "$ipt" -w -F "$chain"
# Not the resets themselves (REJECT would eat the one it sends the other way).
for side in "--dport 389" "--sport 389"; do
	inlab "$ipt" -w -A "$chain" -p tcp $side --tcp-flags RST NONE -m connbytes \
		--connbytes "$half": --connbytes-dir original --connbytes-mode bytes \
		-j REJECT --reject-with tcp-reset
done
inlab env KRB5CCNAME="$cc" "$exw" check groups -u frank --timeout 2 --tries 1 --json \
	--no-transcript >"$work/g.json" 2>"$work/g.err"
rc=$?
resets=$(inlab "$ipt" -w -L "$chain" -v -n -x | awk '$3 == "REJECT" { n += $1 } END { print n + 0 }')
[ "$rc" -le 4 ] && [ "$resets" -gt 0 ]
ok $? "the connection reset after $half bytes: exwizard ends normally (exit $rc, $resets segments reset)"
py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="groups"][0]
c=s["data"]["counts"]
sys.exit(0 if s["data"]["token_sids"]==5001 and c["not_looked_up"]>0 and c["unresolved"]==0
         and not s["data"]["estimate_complete"] else 1)' "$work/g.json" 2>/dev/null
ok $? "tokenGroups read, then lookups failed: $(py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="groups"][0]
print(s["data"]["counts"].get("not_looked_up"))' "$work/g.json" 2>/dev/null) SIDs not looked up, none counted as unresolved"
findings TOK-COUNT info "$work/g.json" >"$work/count"
grep -q 'could not be looked up' "$work/count" && grep -q 'lookups (of up to 100 SIDs each) failed' "$work/count" &&
	! grep -q 'not resolved (foreign or deleted)' "$work/count" &&
	grep -Eq "failed; the first: .*(Can't contact LDAP server|connection|reset)" "$work/count" &&
	! grep -q 'objectSid=' "$work/count"
ok $? "TOK-COUNT says how many SIDs could not be looked up and why, and calls none foreign or deleted"
py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="groups"][0]
f=[f for f in s["findings"] if f["check"]=="TOK-SIZE"][0]
ok={"pass":"at most","warn":"at least","fail":"at least","skip":"not known"}[f["severity"]] in f["title"]
sys.exit(0 if ok and "201200" not in f["title"] and any("not looked up" in e for e in f["evidence"]) else 1)' "$work/g.json" 2>/dev/null
ok $? "TOK-SIZE gives a bound, said as such: $(findings TOK-SIZE warn "$work/g.json" | head -1)$(findings TOK-SIZE fail "$work/g.json" | head -1)$(findings TOK-SIZE skip "$work/g.json" | head -1)$(findings TOK-SIZE pass "$work/g.json" | head -1)"

# ---- 3. The DC falls silent during the SID lookups ----
# The same point in the run, but the packets are dropped: the lookups time
# out, and TOK-COUNT must give that reason, not a piece of the 8 KB filter.
inlab "$ipt" -w -F "$chain"
for side in "--dport 389" "--sport 389"; do
	inlab "$ipt" -w -A "$chain" -p tcp $side -m connbytes --connbytes "$half": \
		--connbytes-dir original --connbytes-mode bytes -j DROP
done
inlab env KRB5CCNAME="$cc" "$exw" check groups -u frank --timeout 1 --tries 1 --json \
	--no-transcript >"$work/g2.json" 2>/dev/null
rc=$?
findings TOK-COUNT info "$work/g2.json" >"$work/count2"
[ "$rc" -le 4 ] && grep -q 'could not be looked up' "$work/count2" &&
	grep -q 'failed; the first: timed out after' "$work/count2" && ! grep -q 'objectSid=' "$work/count2"
ok $? "lookups that time out: TOK-COUNT gives the reason, not the filter (exit $rc): $(grep 'the first' "$work/count2" | cut -c1-100)"

finish
