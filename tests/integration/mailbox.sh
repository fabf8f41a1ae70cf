#!/bin/sh
# Integration test of the mailbox step against the lab domain, with ldapsearch
# (and the SD_FLAGS control) as the independent oracle. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

# No ticket at all (the normal case when Kerberos is what is broken): the
# step says so and ends, 50 times in a row, with no signal and no sanitizer
# report. Half the runs name a cache that does not exist, half an empty one.
: >"$work/cc-empty"
runs=0
bad=0
skips=0
while [ "$runs" -lt 50 ]; do
	if [ $((runs % 2)) -eq 0 ]; then cc="FILE:$work/cc-none"; else cc="FILE:$work/cc-empty"; fi
	inlab env KRB5CCNAME="$cc" "$exw" check -u bob --dc "$EXWIZ_LAB_DC" mailbox --json \
		--no-transcript >"$work/nt.json" 2>"$work/nt.err"
	rc=$?
	runs=$((runs + 1))
	if [ "$rc" -ge 128 ] || grep -Eq 'Sanitizer|runtime error' "$work/nt.err"; then
		bad=$((bad + 1))
		echo "# run $runs: exit $rc $(grep -Em1 'Sanitizer|runtime error' "$work/nt.err")"
	elif findings MBX-ATTRS skip "$work/nt.json" | grep -q 'no Kerberos ticket'; then
		skips=$((skips + 1))
	fi
done
[ "$bad" -eq 0 ] && [ "$skips" -eq "$runs" ]
ok $? "no ticket: $runs runs of the mailbox step, $bad ended by a signal or a sanitizer report, $skips said there is no ticket to bind with"
adm="FILE:$work/cc-admin"
inlab env KRB5CCNAME="$adm" kinit Administrator@EXWIZ.TEST <"$EXWIZ_LAB_ADMIN_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit Administrator (an account that may read the Exchange permissions)"
inlab env KRB5CCNAME="FILE:$work/cc-alice" kinit alice@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1

inlab env KRB5CCNAME="$adm" "$exw" check mailbox -u alice --json --no-transcript >"$work/alice.json" 2>/dev/null
findings MBX-ATTRS pass "$work/alice.json" | grep -q 'attributes are there' &&
	findings MBX-CONSISTENT pass "$work/alice.json" | grep -q 'agrees'
ok $? "alice: MBX-ATTRS and MBX-CONSISTENT pass"

t0=$(msecs)
inlab env KRB5CCNAME="$adm" "$exw" check mailbox -u carol -m junior --json --no-transcript >"$work/cj.json" 2>/dev/null
rc=$?
t1=$(msecs)
echo "# mailbox step for carol, mover junior: exit $rc, $((t1 - t0)) ms wall"
findings MBX-CONSISTENT fail "$work/cj.json" >"$work/cons"
sed 's/^/# /' "$work/cons"
grep -q 'msExchHomeServerName names another server' "$work/cons"
ok $? "carol: the server name is named as inconsistent"
grep -q 'legacyExchangeDN is still in the old administrative group' "$work/cons"
ok $? "carol: legacyExchangeDN is named"
grep -q 'No mailbox security descriptor' "$work/cons"
ok $? "carol: the missing mailbox security descriptor is named"
grep -q 'homeMTA is not the MTA of the mailbox server' "$work/cons"
ok $? "carol: homeMTA on the old server is named"
findings MBX-MOVER fail "$work/cj.json" | grep -q 'junior lacks the rights'
ok $? "junior fails MBX-MOVER"

# The story's two identities: the administrator (dave), whose mailbox operator
# moved, and the user (carol), whose mailbox junior moved. Read as
# Administrator, dave's mailbox agrees and his mover had the rights; carol,
# with junior, keeps both failures.
adm_user=$EXWIZ_LAB_STORY_ADMIN adm_mover=$EXWIZ_LAB_STORY_ADMIN_MOVER
inlab env KRB5CCNAME="$adm" "$exw" check mailbox -u "$adm_user" -m "$adm_mover" --json \
	--no-transcript >"$work/dm.json" 2>/dev/null
findings MBX-CONSISTENT fail "$work/dm.json" | sed 's/^/# dave: /'
findings MBX-MOVER fail "$work/dm.json" | sed 's/^/# dave: /'
[ -z "$(findings MBX-CONSISTENT fail "$work/dm.json")" ] &&
	[ -z "$(findings MBX-MOVER fail "$work/dm.json")" ] &&
	findings MBX-CONSISTENT pass "$work/dm.json" | grep -q 'agrees' &&
	findings MBX-MOVER pass "$work/dm.json" | grep -q "$adm_mover could have moved the mailbox" &&
	[ -n "$(findings MBX-CONSISTENT fail "$work/cj.json")" ] &&
	findings MBX-MOVER fail "$work/cj.json" | grep -q "$EXWIZ_LAB_STORY_USER_MOVER lacks the rights"
ok $? "$adm_user -m $adm_mover: no MBX-CONSISTENT or MBX-MOVER fail; $EXWIZ_LAB_STORY_USER -m $EXWIZ_LAB_STORY_USER_MOVER keeps both"
# The oracle: dave's entry as ldapsearch reads it. homeMTA is the MTA of
# homeMDB's server, msExchHomeServerName that server's legacyExchangeDN,
# legacyExchangeDN in the server's administrative group, and the descriptor
# grants SELF full mailbox access (0x1).
inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI -b "$EXWIZ_LAB_BASE_DN" \
	"(sAMAccountName=$adm_user)" homeMDB homeMTA msExchHomeServerName legacyExchangeDN \
	msExchMailboxSecurityDescriptor >"$work/dave.ldif"
srv=$(sed -n 's/^homeMDB: .*,CN=InformationStore,//p' "$work/dave.ldif")
inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI -b "$srv" -s base \
	'(objectClass=*)' legacyExchangeDN >"$work/srv.ldif"
py 'import base64,sys
from samba.dcerpc import security
from samba.ndr import ndr_unpack
def attrs(path):
    d = {}
    for l in open(path):
        k, sep, v = l.rstrip("\n").partition(": ")
        if sep:
            d[k.rstrip(":")] = base64.b64decode(v) if k.endswith(":") else v
    return d
u, s, srv = attrs(sys.argv[1]), attrs(sys.argv[2]), sys.argv[3]
leg = s["legacyExchangeDN"]
sd = ndr_unpack(security.descriptor, u["msExchMailboxSecurityDescriptor"])
full = any(a.type == security.SEC_ACE_TYPE_ACCESS_ALLOWED and a.access_mask & 1 and
           str(a.trustee) == security.SID_NT_SELF for a in sd.dacl.aces)
ok = (srv and u["homeMTA"] == "CN=Microsoft MTA," + srv and u["msExchHomeServerName"] == leg and
      u["legacyExchangeDN"].startswith(leg.split("/cn=Configuration/")[0] + "/cn=Recipients/") and full)
print("# server %s, %s" % (srv.split(",")[0], "consistent" if ok else u))
sys.exit(0 if ok else 1)' "$work/dave.ldif" "$work/srv.ldif" "$srv"
ok $? "oracle: $adm_user's homeMTA, msExchHomeServerName and legacyExchangeDN are on homeMDB's server, the descriptor grants full access"

inlab env KRB5CCNAME="$adm" "$exw" check mailbox -u carol -m operator --json --no-transcript >"$work/co.json" 2>/dev/null
findings MBX-MOVER pass "$work/co.json" | grep -q 'operator could have moved the mailbox' &&
	findings MBX-MOVER pass "$work/co.json" | grep -q 'the organization: Full Control'
ok $? "operator passes MBX-MOVER (Full Control on the organization)"

# The oracle: carol's attributes and the organization's DACL as ldapsearch reads them.
inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI -b DC=exwiz,DC=test \
	'(sAMAccountName=carol)' homeMDB msExchHomeServerName msExchMailboxSecurityDescriptor >"$work/carol.ldif"
py 'import json,sys
d=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="mailbox"][0]["data"]["attributes"]
l=open(sys.argv[2]).read()
ok = ("homeMDB: "+d["homeMDB"]) in l and ("msExchHomeServerName: "+d["msExchHomeServerName"]) in l \
     and ("msExchMailboxSecurityDescriptor" in l) == d["msExchMailboxSecurityDescriptor"]
sys.exit(0 if ok else 1)' "$work/cj.json" "$work/carol.ldif"
ok $? "carol's attributes in the report equal ldapsearch's"
org="CN=EXWIZ,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=exwiz,DC=test"
opsid=$(inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -Y GSSAPI -b DC=exwiz,DC=test \
	'(sAMAccountName=operator)' objectSid | sed -n 's/^objectSid:: //p')
inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI -b "$org" -s base \
	-E '1.2.840.113556.1.4.801=::MAMCAQc=' '(objectClass=*)' nTSecurityDescriptor >"$work/org.ldif"
py 'import base64,sys
sd=base64.b64decode(open(sys.argv[1]).read().split("nTSecurityDescriptor:: ")[1].split()[0])
sid=base64.b64decode(sys.argv[2])
sys.exit(0 if sid in sd else 1)' "$work/org.ldif" "$opsid"
ok $? "oracle: the organization's DACL (SD_FLAGS 7) holds an ACE for operator's SID"

inlab env KRB5CCNAME="$adm" "$exw" check mailbox -u junior --json --no-transcript >"$work/j.json" 2>/dev/null
findings MBX-ATTRS info "$work/j.json" | grep -q 'has no Exchange mailbox'
ok $? "a user without a mailbox: a clear INFO finding"
inlab env KRB5CCNAME="$adm" "$exw" check mailbox -u carol -m nosuchmover --json --no-transcript >"$work/x.json" 2>/dev/null
findings MBX-MOVER fail "$work/x.json" | grep -q 'No account nosuchmover'
ok $? "a mover that does not exist: a clear finding"
# An ordinary user. What alice may read of the Exchange configuration,
# measured with ldapsearch as the oracle: the organization comes back by
# its DN alone (no objectClass), where Administrator reads its class.
inlab env KRB5CCNAME="FILE:$work/cc-alice" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI \
	-b "$org" -s base '(objectClass=*)' objectClass >"$work/org-alice.ldif" 2>&1
inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI \
	-b "$org" -s base '(objectClass=*)' objectClass >"$work/org-adm.ldif" 2>&1
grep -q "^dn: $org" "$work/org-alice.ldif" && ! grep -q '^objectClass' "$work/org-alice.ldif" &&
	grep -q '^objectClass: msExchOrganizationContainer' "$work/org-adm.ldif"
ok $? "oracle: as alice the organization is there but not readable (as Administrator it is)"

# alice_run ARGS: the mailbox step with alice's cache.
alice_run() {
	inlab env KRB5CCNAME="FILE:$work/cc-alice" "$exw" check mailbox "$@" --json --no-transcript
}
alice_run -u carol -m operator >"$work/ao.json" 2>/dev/null
findings MBX-MOVER skip "$work/ao.json" >"$work/ao-mover"
sed 's/^/# /' "$work/ao-mover"
grep -q 'Whether operator could move the mailbox cannot be judged: the permissions it needs are not readable as alice@EXWIZ.TEST' "$work/ao-mover" &&
	grep -q "the organization: not identified: $org is there, not readable as alice@EXWIZ.TEST" "$work/ao-mover" &&
	[ -z "$(findings MBX-MOVER fail "$work/ao.json")" ] && [ -z "$(findings MBX-MOVER pass "$work/ao.json")" ]
ok $? "as alice, mover operator: MBX-MOVER is a skip that says the permissions are not readable as alice (not a fail)"
py 'import json,sys
r=json.load(open(sys.argv[1]))
f=[f for s in r["steps"] for f in s["findings"] if f["check"]=="MBX-MOVER"][0]
rem=f.get("remedy") or ""
sys.exit(0 if "--kinit" in rem and "--simple-bind" in rem and "Exchange administrator" in rem else 1)' "$work/ao.json"
ok $? "... and says how to read them (an Exchange administrator, --kinit, --simple-bind)"

alice_run -u carol -m junior >"$work/a.json" 2>/dev/null
findings MBX-CONSISTENT skip "$work/a.json" >"$work/a-cons"
sed 's/^/# /' "$work/a-cons"
grep -q 'homeMDB cannot be compared with the Exchange configuration (not readable as alice@EXWIZ.TEST)' "$work/a-cons" &&
	grep -q "$org: there, not readable as alice@EXWIZ.TEST" "$work/a-cons" &&
	! grep -rq 'No Exchange organization\|nothing there' "$work/a.json"
ok $? "as alice: MBX-CONSISTENT names the organization as there and not readable as alice, never 'not found'"
findings MBX-CONSISTENT fail "$work/a.json" >"$work/a-fail"
[ "$(grep -c '^[^ ]' "$work/a-fail")" -eq 1 ] && grep -q 'No mailbox security descriptor' "$work/a-fail"
ok $? "as alice: the one MBX-CONSISTENT failure is what carol's own entry shows (no mailbox security descriptor)"
findings MBX-MOVER fail "$work/a.json" >"$work/a-mover"
grep -q 'junior lacks the rights' "$work/a-mover" && grep -q 'cannot write homeMDB on the user' "$work/a-mover" &&
	grep -q 'the organization: not identified: .*not readable as alice@EXWIZ.TEST' "$work/a-mover"
ok $? "as alice, mover junior: fails on carol's DACL, which alice may read, and says the organization's could not be read"

# Whose name: the identity that read, not the cache's owner.
pw="$work/pw"
cp "$EXWIZ_LAB_PASSWORD_FILE" "$pw"
chmod 600 "$pw"
inlab env KRB5CCNAME="$adm" "$exw" check mailbox -u carol -m operator --kinit alice \
	--password-file "$pw" --json --no-transcript >"$work/ka.json" 2>/dev/null
# read_as REPORT: who the mailbox step says read the directory.
read_as() {
	py 'import json,sys
d=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="mailbox"][0]
print(d["data"].get("read_as")); [print(f["title"], *f["evidence"]) for f in d["findings"]]' "$1" 2>/dev/null
}
findings MBX-MOVER skip "$work/ka.json" | grep -q 'not readable as alice@EXWIZ.TEST' &&
	[ "$(read_as "$work/ka.json" | head -1)" = alice@EXWIZ.TEST ] &&
	! read_as "$work/ka.json" | grep -q 'Administrator@'
ok $? "--kinit alice over Administrator's cache: read as alice, and said so"
adn=$(inlab env KRB5CCNAME="FILE:$work/cc-alice" ldapsearch -Q -LLL -Y GSSAPI -b "$EXWIZ_LAB_BASE_DN" \
	'(sAMAccountName=alice)' dn | sed -n 's/^dn: //p')
inlab env KRB5CCNAME="FILE:$work/none" "$exw" check mailbox -u carol -m operator \
	--simple-bind "$adn" --password-file "$pw" --json --no-transcript >"$work/sa.json" 2>/dev/null
[ "$(read_as "$work/sa.json" | head -1)" = "$adn" ] &&
	findings MBX-MOVER skip "$work/sa.json" | grep -q "not readable as $adn" &&
	findings MBX-CONSISTENT skip "$work/sa.json" | grep -q "not readable as $adn"
ok $? "--simple-bind as alice's DN: the bind DN is who could not read ($adn)"

# The way out works: --kinit Administrator over alice's cache reads it all.
cp "$EXWIZ_LAB_ADMIN_PASSWORD_FILE" "$work/apw"
chmod 600 "$work/apw"
inlab env KRB5CCNAME="FILE:$work/cc-alice" "$exw" check mailbox -u carol -m operator \
	--kinit Administrator --password-file "$work/apw" --json --no-transcript >"$work/ka2.json" 2>/dev/null
findings MBX-CONSISTENT fail "$work/ka2.json" | grep -q 'msExchHomeServerName names another server' &&
	findings MBX-MOVER pass "$work/ka2.json" | grep -q 'operator could have moved the mailbox' &&
	[ -z "$(findings MBX-CONSISTENT skip "$work/ka2.json")" ]
ok $? "the way out: --kinit Administrator over alice's cache gives the verdicts Administrator's cache gives"

# An attribute the reader may not read is not missing. Deny alice read
# access to carol's msExchMailboxSecurityDescriptor (ldapsearch as alice, the
# oracle, then gets none): as alice the descriptor cannot be checked, as
# Administrator it is still missing. carol's DACL is put back.
sdflags='1.2.840.113556.1.4.801=::MAMCAQQ='
cdn=$(inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -Y GSSAPI -b "$EXWIZ_LAB_BASE_DN" \
	'(sAMAccountName=carol)' dn | sed -n 's/^dn: //p')
sguid=$(inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI \
	-b "CN=Schema,CN=Configuration,$EXWIZ_LAB_BASE_DN" -s one \
	'(lDAPDisplayName=msExchMailboxSecurityDescriptor)' schemaIDGUID |
	py 'import sys,base64,uuid
print(uuid.UUID(bytes_le=base64.b64decode(sys.stdin.read().split("schemaIDGUID:: ")[1].split()[0])))')
asid=$(inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI \
	-b "$EXWIZ_LAB_BASE_DN" '(sAMAccountName=alice)' objectSid |
	py 'import sys,base64,struct
b=base64.b64decode(sys.stdin.read().split("objectSid:: ")[1].split()[0])
print("S-%d-%d-" % (b[0], int.from_bytes(b[2:8], "big")) + "-".join(str(x) for x in struct.unpack("<%dI" % b[1], b[8:8 + 4 * b[1]])))')
inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI -b "$cdn" -s base \
	-E "$sdflags" '(objectClass=*)' nTSecurityDescriptor >"$work/carol-sd.ldif"
inlab env KRB5CCNAME="$adm" samba-tool dsacl set -H "ldap://$EXWIZ_LAB_DC" -k yes \
	--objectdn="$cdn" --sddl="(OD;;RP;$sguid;;$asid)" >/dev/null 2>&1
inlab env KRB5CCNAME="FILE:$work/cc-alice" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI \
	-b "$cdn" -s base '(objectClass=*)' msExchMailboxSecurityDescriptor mailNickname >"$work/deny.ldif"
[ -n "$sguid" ] && grep -q '^mailNickname: carol' "$work/deny.ldif" &&
	! grep -q '^msExchMailboxSecurityDescriptor' "$work/deny.ldif"
ok $? "oracle: with read denied, alice gets carol's mailNickname and no msExchMailboxSecurityDescriptor"
alice_run -u carol >"$work/ad.json" 2>/dev/null
findings MBX-CONSISTENT skip "$work/ad.json" >"$work/ad-skip"
sed 's/^/# /' "$work/ad-skip"
grep -q 'msExchMailboxSecurityDescriptor) cannot be checked: not readable as alice@EXWIZ.TEST' "$work/ad-skip" &&
	! findings MBX-CONSISTENT fail "$work/ad.json" | grep -q 'No mailbox security descriptor'
ok $? "as alice, descriptor not readable: a skip that names alice, not 'No mailbox security descriptor'"
inlab env KRB5CCNAME="$adm" "$exw" check mailbox -u carol --json --no-transcript >"$work/dd.json" 2>/dev/null
findings MBX-CONSISTENT fail "$work/dd.json" | grep -q 'No mailbox security descriptor'
ok $? "as Administrator, with alice denied: the descriptor is still missing"
sed "s/^nTSecurityDescriptor::/changetype: modify\nreplace: nTSecurityDescriptor\nnTSecurityDescriptor::/" \
	"$work/carol-sd.ldif" >"$work/carol-sd.mod"
# (a descriptor of the DACL alone: the directory keeps the owner and group)
inlab env KRB5CCNAME="$adm" ldapmodify -Q -Y GSSAPI -f "$work/carol-sd.mod" >/dev/null 2>&1
inlab env KRB5CCNAME="$adm" ldapsearch -Q -LLL -o ldif-wrap=no -Y GSSAPI -b "$cdn" \
	-s base -E "$sdflags" '(objectClass=*)' nTSecurityDescriptor >"$work/carol-sd2.ldif"
cmp -s "$work/carol-sd.ldif" "$work/carol-sd2.ldif"
ok $? "carol's DACL is put back as it was"

finish
