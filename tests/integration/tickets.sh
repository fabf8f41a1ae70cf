#!/bin/sh
# Integration test of the tickets step against the lab domain, with klist and
# kvno as the independent oracles. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
dropped=
at_exit() {
	[ -n "$dropped" ] && "$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1
}

# alice: a TGT and one service ticket (kvno stores it), as klist will show.
ca="FILE:$work/cc-alice"
inlab env KRB5CCNAME="$ca" kinit alice@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1 &&
	inlab env KRB5CCNAME="$ca" kvno exchangeMDB/exch1.exwiz.test >/dev/null 2>&1
ok $? "kinit alice and kvno exchangeMDB/exch1.exwiz.test (oracles)"
before=$(sha256sum "$work/cc-alice" | cut -d' ' -f1)
t0=$(msecs)
inlab env KRB5CCNAME="$ca" "$exw" check tickets -x exch1.exwiz.test --json --no-transcript \
	>"$work/a.json" 2>/dev/null
rc=$?
t1=$(msecs)
echo "# tickets step for alice: exit $rc, $((t1 - t0)) ms wall"
inlab /usr/bin/python3 "$top/tests/integration/klist_oracle.py" "$work/a.json" "$ca" >"$work/o" 2>&1
ok $? "the listing equals klist -A -e -f (every credential, flags, enctypes, times)"
sed 's/^/# /' "$work/o"
[ "$(sha256sum "$work/cc-alice" | cut -d' ' -f1)" = "$before" ]
ok $? "the user's cache is byte-for-byte unchanged after asking for 9 service tickets"

good=0
for spn in exchangeMDB/exch1.exwiz.test exchangeRFR/exch1.exwiz.test exchangeAB/exch1.exwiz.test \
	exchangeMDB/EXCH1 exchangeRFR/EXCH1 exchangeAB/EXCH1 HTTP/EXCH1; do
	inlab env KRB5CCNAME="FILE:$work/cc-kvno" kvno -c "$ca" "$spn" >/dev/null 2>&1 || continue
	py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="tickets"][0]
sys.exit(0 if any(x["spn"]==sys.argv[2] and x["status"]=="ok" for x in s["data"]["services"]) else 1)' \
		"$work/a.json" "$spn" && good=$((good + 1))
done
[ "$good" -eq 7 ]
ok $? "alice gets the EXCH1 session tickets kvno gets ($good of 7 agree)"
! inlab kvno -c "$ca" HTTP/exch1.exwiz.test >/dev/null 2>&1 &&
	findings KRB-SVC fail "$work/a.json" | grep -q 'No session ticket for HTTP/exch1.exwiz.test'
ok $? "HTTP/exch1.exwiz.test (two holders): kvno fails and KRB-SVC fails"
py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="tickets"][0]
f=[f for f in s["findings"] if f["check"]=="KRB-SVC" and f["severity"]=="fail"][0]
sys.exit(0 if "duplicate SPN" in f["detail"] and "setspn -X" in f["remedy"] else 1)' "$work/a.json"
ok $? "KRB-SVC gives the decoded cause (duplicate SPN) and the remedy"
findings SPN-UNIQUE fail "$work/a.json" >"$work/spn"
grep -q 'HTTP/exch1.exwiz.test is held by 2 accounts' "$work/spn" && grep -q 'EXCH1\$' "$work/spn" &&
	grep -q 'websvc' "$work/spn"
ok $? "SPN-UNIQUE fails for HTTP/exch1.exwiz.test and names both holders"
findings SPN-UNIQUE pass "$work/a.json" | grep -qF "exchangeRFR/exch1.exwiz.test: EXCH1$"
ok $? "SPN-UNIQUE passes for exchangeRFR/exch1.exwiz.test"
findings KRB-CACHE pass "$work/a.json" | grep -q 'a valid TGT'
ok $? "KRB-CACHE: alice has a valid TGT"
findings KRB-KDC pass "$work/a.json" | grep -q 'answers over UDP and TCP'
ok $? "KRB-KDC: the KDC answers over UDP and TCP"
findings KRB-SKEW pass "$work/a.json" | grep -q 'agrees'
ok $? "KRB-SKEW: the clocks agree"

# bob: ~600 groups, a TGT of several KB, Kerberos over TCP.
cb="FILE:$work/cc-bob"
inlab env KRB5CCNAME="$cb" kinit bob@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
t0=$(msecs)
inlab env KRB5CCNAME="$cb" "$exw" check tickets -x exch1.exwiz.test -x fe1.region1.exwiz.test \
	--json --no-transcript >"$work/b.json" 2>/dev/null
t1=$(msecs)
echo "# tickets step for bob: $((t1 - t0)) ms wall"
findings KRB-TRANSPORT info "$work/b.json" | grep -q 'bob@EXWIZ.TEST runs over TCP' &&
	findings KRB-TRANSPORT info "$work/b.json" | grep -q 'exceed udp_preference_limit 1465'
ok $? "bob's Kerberos is reported as running over TCP (requests above 1465 bytes)"
tgt=$(py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="tickets"][0]
print([t["ticket_size"] for t in s["data"]["tickets"] if t["tgt"]][0])' "$work/b.json")
[ "${tgt:-0}" -gt 4000 ]
ok $? "bob's TGT is several KB ($tgt bytes)"
findings KRB-SVC info "$work/b.json" | grep -q 'Front ends: only HTTP/'
ok $? "fe1 is recognised as a front end, not failed for missing exchange* SPNs"

# No cache, an expired or missing TGT.
inlab env KRB5CCNAME="FILE:$work/none" "$exw" check tickets -x exch1.exwiz.test --json \
	--no-transcript >"$work/n.json" 2>/dev/null
findings KRB-CACHE fail "$work/n.json" | grep -q 'No credential cache' &&
	findings KRB-SVC skip "$work/n.json" | grep -q 'No session tickets'
ok $? "no cache: KRB-CACHE fails, KRB-SVC says why it could not run"

# The clock ten minutes ahead.
inlab env KRB5CCNAME="$ca" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	faketime -f '+600s' "$exw" check tickets -x exch1.exwiz.test --json \
	--no-transcript >"$work/s.json" 2>/dev/null
findings KRB-SKEW fail "$work/s.json" | grep -Eq 'clock is (59[0-9]|60[0-9]) s ahead|skew too great'
ok $? "under faketime +10 min, KRB-SKEW fails ($(findings KRB-SKEW fail "$work/s.json" | head -1))"

# The KDC port dropped.
"$labctl" -n "$ns" fault kdc-drop >/dev/null 2>&1 && dropped=1
t0=$(msecs)
inlab env KRB5CCNAME="$ca" "$exw" check tickets -x exch1.exwiz.test --timeout 1 --tries 2 --json \
	--no-transcript >"$work/d.json" 2>/dev/null
t1=$(msecs)
el=$((t1 - t0))
findings KRB-KDC fail "$work/d.json" | grep -q 'No KDC answers'
ok $? "with the KDC port dropped, KRB-KDC fails"
[ "$el" -lt 6000 ]
ok $? "... within the bound: $el ms with --timeout 1 --tries 2 (limit 1 s x 2 + 1 s, plus DNS)"
"$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1 && dropped=

# --kinit: the default cache untouched, the password nowhere.
pwf="$work/pw"
cp "$EXWIZ_LAB_PASSWORD_FILE" "$pwf"
chmod 600 "$pwf"
pw=$(head -n1 "$pwf")
before=$(sha256sum "$work/cc-bob" | cut -d' ' -f1)
# labctl exec execs ip netns exec, which execs env and exwizard: $! is exwizard.
"$labctl" -n "$ns" exec env KRB5CCNAME="$cb" "$exw" check tickets --kinit alice --password-file "$pwf" \
	-x exch1.exwiz.test --json -o "$work/k.jsonl" >"$work/k.json" 2>"$work/k.err" &
pid=$!
# argv and the environment of every exwizard of this run, read while it runs.
leak=0
samples=0
while kill -0 "$pid" 2>/dev/null; do
	for p in $(pgrep -f "exwizard check tickets --kinit alice --password-file $pwf"); do
		tr '\0' '\n' </proc/"$p"/cmdline 2>/dev/null | grep -qF "$pw" && leak=1
		tr '\0' '\n' </proc/"$p"/environ 2>/dev/null | grep -qF "$pw" && leak=1
		samples=$((samples + 1))
	done
	sleep 0.02
done
wait $pid
[ "$(sha256sum "$work/cc-bob" | cut -d' ' -f1)" = "$before" ] &&
	[ "$(py 'import json,sys; print(json.load(open(sys.argv[1]))["target"]["user"])' "$work/k.json")" = alice@EXWIZ.TEST ]
ok $? "--kinit alice: the steps use alice's private cache; the default cache (bob's) is byte-for-byte unchanged"
! grep -qF "$pw" "$work/k.jsonl" "$work/k.json" "$work/k.err" && [ "$leak" -eq 0 ] && [ "$samples" -gt 0 ]
ok $? "the password is in none of the transcript, the report, stderr, argv or the environment ($samples samples of /proc)"
echo wrong >"$work/pw2"
chmod 600 "$work/pw2"
inlab "$exw" check tickets --kinit alice --password-file "$work/pw2" --no-transcript \
	>/dev/null 2>"$work/w.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q 'wrong password' "$work/w.err"
ok $? "a wrong password: a clear message, exit 3 (got $rc)"

finish
