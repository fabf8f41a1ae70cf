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

# sPNMappings: no account holds HTTP/EXCH1 as such (ldapsearch of the global
# catalog), yet the KDC issues it (kvno), served by HOST/EXCH1 through the
# forest's host=...,http,... mapping. It is never reported as unregistered.
gcs() {
	inlab env KRB5CCNAME="$ca" ldapsearch -Q -LLL -Y GSSAPI -o ldif-wrap=no \
		-H "ldap://$EXWIZ_LAB_DC:3268" -b '' "$@" 2>/dev/null
}
[ "$(gcs '(servicePrincipalName=HTTP/EXCH1)' dn | grep -c '^dn: ')" -eq 0 ] &&
	[ "$(gcs '(servicePrincipalName=HOST/EXCH1)' dn | grep -c '^dn: ')" -eq 1 ] &&
	gcs '(sPNMappings=*)' sPNMappings | grep -qi '^sPNMappings: host=.*,http,' &&
	inlab env KRB5CCNAME="FILE:$work/cc-kvno" kvno -c "$ca" HTTP/EXCH1 >/dev/null 2>&1
ok $? "oracles: HTTP/EXCH1 has no holder, HOST/EXCH1 one, sPNMappings maps http to host, kvno gets it"
! findings SPN-UNIQUE fail "$work/a.json" | grep -q 'HTTP/EXCH1 is not registered' &&
	findings SPN-UNIQUE pass "$work/a.json" |
	grep -qF 'HTTP/EXCH1: served by HOST/EXCH1 on EXCH1$ through sPNMappings'
ok $? "SPN-UNIQUE: HTTP/EXCH1 is served by HOST/EXCH1 on EXCH1\$ through sPNMappings, not missing"
py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="tickets"][0]
got=[x["spn"] for x in s["data"]["services"] if x["status"]=="ok"]
bad=[f["title"] for f in s["findings"] if f["check"]=="SPN-UNIQUE" and f["severity"] in ("warn","fail")
     and any(f["title"].lower().startswith(g.lower()+" is not registered") for g in got)]
print("# %d names with a ticket; reported unregistered: %s" % (len(got), bad or "none"))
sys.exit(1 if bad or not got else 0)' "$work/a.json"
ok $? "no name the KDC issued a ticket for is reported as unregistered"
# EX55: exchangeMDB and HOST only. exchangeRFR/ex55.exwiz.test is truly
# missing (no holder, no ticket) and still fails; HTTP/ex55.exwiz.test is
# served by HOST/ex55.exwiz.test.
inlab env KRB5CCNAME="$ca" "$exw" check tickets -x ex55.exwiz.test --json --no-transcript \
	>"$work/e55.json" 2>/dev/null
! inlab env KRB5CCNAME="FILE:$work/cc-kvno" kvno -c "$ca" exchangeRFR/ex55.exwiz.test >/dev/null 2>&1 &&
	[ "$(gcs '(servicePrincipalName=exchangeRFR/ex55.exwiz.test)' dn | grep -c '^dn: ')" -eq 0 ] &&
	findings SPN-UNIQUE fail "$work/e55.json" | grep -q 'exchangeRFR/ex55.exwiz.test is not registered'
ok $? "a truly missing SPN (exchangeRFR/ex55.exwiz.test: no holder, kvno fails) is still reported"
! findings SPN-UNIQUE fail "$work/e55.json" | grep -qi 'HTTP/ex55' &&
	findings SPN-UNIQUE pass "$work/e55.json" |
	grep -qF 'HTTP/ex55.exwiz.test: served by HOST/ex55.exwiz.test on EX55$ through sPNMappings'
ok $? "... while HTTP/ex55.exwiz.test is served by HOST/ex55.exwiz.test"

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
