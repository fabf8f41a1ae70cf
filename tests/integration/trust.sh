#!/bin/sh
# Trust: whose tickets a report shows, a realm or DC that cannot be, and a run
# in which nothing could be checked. Against the lab domain; prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
jq_() { /usr/bin/python3 -c "import json,sys
r=json.load(open(sys.argv[1]))
$1" "$2"; }

cc="FILE:$work/cc-bob"
inlab env KRB5CCNAME="$cc" kinit bob@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit bob into a private cache"

# carol diagnosed with bob's cache: bob's tickets are never carol's.
inlab env KRB5CCNAME="$cc" "$exw" check -u carol -x "$EXWIZ_LAB_EXCHANGE" tickets groups --json \
	--no-transcript >"$work/carol.json" 2>/dev/null
inlab env KRB5CCNAME="$cc" "$exw" check -u carol -x "$EXWIZ_LAB_EXCHANGE" tickets groups \
	--no-transcript >"$work/carol.txt" 2>/dev/null
findings TARGET-USER warn "$work/carol.json" | head -1 | grep -q 'tickets of bob@EXWIZ.TEST, not of carol'
ok $? "TARGET-USER warns that the cache holds bob's tickets, not carol's"
jq_ 'f=[f for s in r["steps"] for f in s["findings"] if f["check"]=="TARGET-USER"][0]
sys.exit(0 if "--kinit carol" in (f["remedy"] or "") else 1)' "$work/carol.json"
ok $? "the warning gives the way to carol's own tickets (--kinit carol)"
jq_ 'bad=[f["title"] for s in r["steps"] if s["id"] in ("tickets","groups") for f in s["findings"]
     if f["check"] in ("KRB-TRANSPORT","KRB-CACHE","TOK-MEASURED") and "carol" in f["title"]
     and "not measured" not in f["title"]]
sys.exit(1 if bad else 0)' "$work/carol.json"
ok $? "no ticket finding attributes bob's tickets to carol"
findings KRB-TRANSPORT info "$work/carol.json" | head -1 | grep -q '^Kerberos for bob@EXWIZ.TEST runs over TCP'
ok $? "KRB-TRANSPORT names bob, whose tickets went over TCP"
findings TOK-MEASURED skip "$work/carol.json" | head -1 | grep -q "carol's tickets were not measured"
ok $? "TOK-MEASURED skips: carol's tickets were not measured"
findings TOK-COUNT info "$work/carol.json" | head -1 | grep -q '^carol is in '
ok $? "TOK-COUNT is still carol's, read from the directory"
jq_ 'c={s["id"]:s["data"].get("credentials",{}) for s in r["steps"]}
ok=all(c[k].get("as")=="bob@EXWIZ.TEST" for k in ("tickets","groups")) and c["groups"].get("server")=="dc1.exwiz.test"
sys.exit(0 if ok and r["target"].get("cache_principal")=="bob@EXWIZ.TEST" else 1)' "$work/carol.json"
ok $? "each step says it used bob's credentials, and the groups step which DC"
grep -q '^  As bob@EXWIZ.TEST (.*), asked dc1.exwiz.test$' "$work/carol.txt" &&
	grep -q '^  Tickets:   bob@EXWIZ.TEST$' "$work/carol.txt"
ok $? "the text report says whose tickets and which DC"

# A realm no KDC serves anywhere: a configuration error naming the known realm.
inlab env KRB5CCNAME="$cc" "$exw" check -r NOPE.TEST --json --no-transcript >"$work/nope.json" 2>/dev/null
rc=$?
[ "$rc" -eq 3 ] && findings TARGET-REALM fail "$work/nope.json" | head -1 | grep -q 'No KDC serves the realm NOPE.TEST'
ok $? "-r NOPE.TEST: exit 3 (got $rc) and TARGET-REALM says no KDC serves it"
jq_ 'f=[f for s in r["steps"] for f in s["findings"] if f["check"]=="TARGET-REALM"][0]
sys.exit(0 if "EXWIZ.TEST" in (f["detail"] or "") and f["severity"]=="fail" else 1)' "$work/nope.json"
ok $? "it names the realm this machine knows (EXWIZ.TEST)"
jq_ 'sys.exit(0 if [s["id"] for s in r["steps"]]==["target"] else 1)' "$work/nope.json"
ok $? "no DNS-SRV failures or Netlogon advice follow: only the target step ran"

# --dc as an address: its name, or a refusal that says why.
inlab env KRB5CCNAME="$cc" "$exw" check --dc 192.0.2.1 groups --no-transcript >"$work/dc1.txt" 2>&1
rc=$?
[ "$rc" -eq 3 ] && grep -q 'TARGET-DC: --dc 192.0.2.1 is an address' "$work/dc1.txt" &&
	grep -q 'dc1.exwiz.test' "$work/dc1.txt" && ! grep -q 'ldap/192.0.2.1' "$work/dc1.txt"
ok $? "--dc 192.0.2.1: exit 3 (got $rc), names the DCs, no ldap/192.0.2.1 ticket or setspn advice"
inlab env KRB5CCNAME="$cc" "$exw" check --dc "$EXWIZ_LAB_DC_IP" groups --json --no-transcript \
	>"$work/dc2.json" 2>/dev/null
rc=$?
findings TARGET-DC info "$work/dc2.json" | grep -q "DC $EXWIZ_LAB_DC_IP is dc1.exwiz.test" &&
	jq_ 'c=[s for s in r["steps"] if s["id"]=="groups"][0]["data"]["credentials"]
sys.exit(0 if c.get("server")=="dc1.exwiz.test" and r["target"]["dc"]=="dc1.exwiz.test" else 1)' "$work/dc2.json"
ok $? "--dc $EXWIZ_LAB_DC_IP becomes dc1.exwiz.test through its PTR record (exit $rc)"

# Nothing could run: exit 4, not 0.
dn=$(inlab env KRB5CCNAME="$cc" ldapsearch -Q -LLL -Y GSSAPI -b "$EXWIZ_LAB_BASE_DN" \
	'(sAMAccountName=alice)' dn | sed -n 's/^dn: //p')
printf 'wrong\n' >"$work/pw"
chmod 600 "$work/pw"
inlab env KRB5CCNAME="FILE:$work/none" "$exw" check groups mailbox -u bob --simple-bind "$dn" \
	--password-file "$work/pw" --json --no-transcript >"$work/wrong.json" 2>/dev/null
rc=$?
[ "$rc" -eq 4 ] && findings TOK-COUNT skip "$work/wrong.json" | grep -q 'simple bind failed'
ok $? "a wrong simple-bind password: every check skips and check exits 4 (got $rc)"

finish
