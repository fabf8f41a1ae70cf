#!/bin/sh
# Integration test of the groups step against the lab domain, with ldapsearch
# as the independent oracle. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
dropped=
at_exit() {
	[ -n "$dropped" ] && "$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1
}
data() {
	py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="groups"][0]
print(s["data"].get(sys.argv[2]), s["duration_ms"])' "$1" "$2"
}

for u in bob erin alice; do
	inlab env KRB5CCNAME="FILE:$work/cc-$u" kinit "$u@EXWIZ.TEST" <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
done

t0=$(msecs)
inlab env KRB5CCNAME="FILE:$work/cc-bob" "$exw" check groups --json --no-transcript >"$work/bob.json" 2>/dev/null
t1=$(msecs)
echo "# groups step for bob: $((t1 - t0)) ms wall; step ms and LDAP requests: $(data "$work/bob.json" ldap_requests)"
inlab env KRB5CCNAME="FILE:$work/cc-bob" /usr/bin/python3 "$top/tests/integration/groups_oracle.py" \
	"$work/bob.json" bob >"$work/o" 2>&1
ok $? "bob: counts per scope and token SIDs equal ldapsearch of tokenGroups + groupType"
sed 's/^/# /' "$work/o"
findings TOK-SIZE warn "$work/bob.json" | grep -q 'exceeds MaxTokenSize 12,000'
ok $? "bob: the legacy estimate exceeds 12,000 and TOK-SIZE says so ($(data "$work/bob.json" estimate_legacy | cut -d' ' -f1) bytes)"
findings TOK-SIZE warn "$work/bob.json" | grep -q 'domain local (40 bytes): DL-'
ok $? "bob: the finding names the domain local groups and their nesting path"
tgt=$(data "$work/bob.json" measured_tgt_size | cut -d' ' -f1)
[ "${tgt:-0}" -gt 4000 ] && findings TOK-MEASURED info "$work/bob.json" | grep -q "TGT $tgt bytes"
ok $? "bob: the measured TGT is several KB ($tgt bytes)"
py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="groups"][0]
f=[f for f in s["findings"] if f["check"]=="TOK-MEASURED"][0]
sys.exit(0 if "over TCP" in (f["detail"] or "") else 1)' "$work/bob.json"
ok $? "bob: the step reports that his tickets go over TCP"

t0=$(msecs)
inlab env KRB5CCNAME="FILE:$work/cc-erin" "$exw" check groups --json --no-transcript >"$work/erin.json" 2>/dev/null
t1=$(msecs)
echo "# groups step for erin: $((t1 - t0)) ms wall; step ms and LDAP requests: $(data "$work/erin.json" ldap_requests)"
findings TOK-LSA fail "$work/erin.json" | grep -q 'over the limit of 1,024'
ok $? "erin: TOK-LSA fails ($(data "$work/erin.json" lsa_sids | cut -d' ' -f1) SIDs)"

inlab env KRB5CCNAME="FILE:$work/cc-alice" "$exw" check groups --json --no-transcript >"$work/alice.json" 2>/dev/null
rc=$?
py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="groups"][0]
bad=[f for f in s["findings"] if f["severity"] in ("warn","fail","skip")]
sys.exit(1 if bad else 0)' "$work/alice.json"
ok $? "alice: everything passes (no warn, fail or skip; exit $rc)"

inlab env KRB5CCNAME="FILE:$work/cc-bob" "$exw" check groups -u nosuchuser --json --no-transcript >"$work/none.json" 2>/dev/null
findings TOK-COUNT fail "$work/none.json" | grep -q 'No user nosuchuser in the directory'
ok $? "a user that does not exist: a clear finding"

# Kerberos broken: the simple bind over StartTLS still runs the step.
dn=$(inlab env KRB5CCNAME="FILE:$work/cc-alice" ldapsearch -Q -LLL -Y GSSAPI -b DC=exwiz,DC=test \
	'(sAMAccountName=alice)' dn | sed -n 's/^dn: //p')
cp "$EXWIZ_LAB_PASSWORD_FILE" "$work/pw"
chmod 600 "$work/pw"
"$labctl" -n "$ns" fault kdc-drop >/dev/null 2>&1 && dropped=1
inlab env KRB5CCNAME="FILE:$work/none" "$exw" check groups -u bob --simple-bind "$dn" \
	--password-file "$work/pw" --timeout 1 --json --no-transcript >"$work/sb.json" 2>/dev/null
[ "$(data "$work/sb.json" token_sids | cut -d' ' -f1)" = "$(data "$work/bob.json" token_sids | cut -d' ' -f1)" ] &&
	[ "$(data "$work/sb.json" bind | cut -d' ' -f1)" = simple ]
ok $? "with the KDC unreachable, a simple bind over StartTLS still runs the step (same counts)"
printf 'wrong\n' >"$work/pw2"
chmod 600 "$work/pw2"
inlab env KRB5CCNAME="FILE:$work/none" "$exw" check groups -u bob --simple-bind "$dn" \
	--password-file "$work/pw2" --timeout 1 --json --no-transcript >"$work/sb2.json" 2>/dev/null
findings TOK-COUNT skip "$work/sb2.json" | grep -q 'simple bind failed'
ok $? "a wrong password for the simple bind: a clear skip finding"
"$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1 && dropped=

finish
