#!/bin/sh
# Integration test of the lab's 2019 part: two Exchange 2019 servers behind
# the load-balanced name mail.exwiz.test (an A record per member), the
# alternate service account EXCHASA$, the Autodiscover SCPs. Broken (as up
# leaves it): HTTP/mail.exwiz.test on the member EX19A$ and EX19B's SCP
# naming a host with no A record; healed: both fixed. The SPNs asked for
# follow the version: HTTP/ only for a 2013+ name, the RPC classes still for
# the 2003 server. A name behind a CNAME is asked for as the name the CNAME
# leads to (DNS-NAMESPACE): outlook -> mail, and, broken, webmail -> ex19-vip,
# whose SPN nobody holds while HTTP/webmail is on the ASA. The lab is broken
# again at the end, also on failure.
# Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

LB=$EXWIZ_LAB_EX2019_NAME
ASA="$EXWIZ_LAB_EX2019_ASA\$"
M1=$(echo "$EXWIZ_LAB_EX2019_MEMBERS" | cut -d, -f1)
M2=$(echo "$EXWIZ_LAB_EX2019_MEMBERS" | cut -d, -f2)
M1CN=$(echo "$M1" | cut -d. -f1 | tr a-z A-Z)
M1ACC="$M1CN\$"
AL=$EXWIZ_LAB_EX2019_ALIAS
BAL=$EXWIZ_LAB_EX2019_BAD_ALIAS
BT=$EXWIZ_LAB_EX2019_BAD_ALIAS_TARGET

# run NAME USER ARGS...: exwizard check with USER's own TGT, JSON in $work/NAME.json
run() {
	name=$1 user=$2
	shift 2
	inlab "$exw" check --kinit "$user" --password-file "$EXWIZ_LAB_PASSWORD_FILE" \
		--json --no-transcript "$@" >"$work/$name.json" 2>"$work/$name.err"
}
# q REPORT EXPR: a Python expression over r (the report), t (tickets data),
# f (findings as (check, severity, title, cause) tuples), d (diagnosis).
q() {
	py 'import json,sys
r=json.load(open(sys.argv[1]))
t={}
f=[]
for s in r["steps"]:
    if s["id"]=="tickets": t=s.get("data",{})
    for x in s["findings"]: f.append((x["check"],x["severity"],x["title"],x.get("cause")))
d=r.get("diagnosis",{})
v=eval(sys.argv[2])
if v is True: sys.exit(0)
if v in (False,None): sys.exit(1)
print(v)' "$1" "$2"
}
asked() { q "$1" '" ".join(s["spn"] for s in t["services"])'; }

[ "$EXWIZ_LAB_MODE" = broken ]
ok $? "the lab starts broken"

# --- broken: the load-balanced name
run b-lb alice tickets -x "$LB"
rc=$?
[ "$rc" -eq 2 ]
ok $? "broken: $LB as alice: exit 2 (got $rc)"
q "$work/b-lb.json" 'any(c=="SPN-ASA" and s=="fail" and x=="spn-wrong-account" and "'"$M1ACC"'" in ti and "'"$ASA"'" in ti for c,s,ti,x in f)'
ok $? "SPN-ASA fails with spn-wrong-account, naming the member $M1ACC and the ASA $ASA"
q "$work/b-lb.json" '[c for c in d["causes"] if c["id"]=="spn-wrong-account" and "'"$M1ACC"'" in c["title"] and "'"$ASA"'" in c["title"] and any("setspn -S HTTP/'"$LB"' '"$ASA"'" in w for w in c["fix"]["windows"])] != []'
ok $? "the diagnosis: spn-wrong-account names $M1ACC and $ASA, and its fix moves the SPN to $ASA"
q "$work/b-lb.json" 'any(c=="EXCH-SCP" and s=="warn" and "EX19B" in ti and "mail-old." in ti for c,s,ti,x in f)'
ok $? "EXCH-SCP warns: EX19B's SCP names a host with no address"
q "$work/b-lb.json" '[n for n in t["exchange_names"] if n["kind"]=="shared" and sorted(n["members"])==["EX19A","EX19B"] and n["version"]=="Exchange 2019" and n["spns"]==["HTTP/'"$LB"'"] and n["alternate_service_accounts"]==["'"$ASA"'"]] != []'
ok $? "$LB is shared by EX19A and EX19B (Exchange 2019): HTTP/ only, the ASA found"
q "$work/b-lb.json" 'sorted((s["name"],s["version"]) for s in t["exchange_servers"] if s["name"].startswith("EX19"))==[("EX19A","Exchange 2019"),("EX19B","Exchange 2019")]'
ok $? "the servers' versions come from the configuration"
a=$(asked "$work/b-lb.json")
echo "# asked for $LB: $a"
echo "$a" | grep -qi 'exchange\(RFR\|AB\|MDB\)/'
[ $? -ne 0 ] && [ "$(echo "$a" | wc -w)" -eq 2 ]
ok $? "no exchangeRFR/, exchangeAB/ or exchangeMDB/ ticket asked for a 2013+ name; 2 requests (HTTP/ and ldap/)"

q "$work/b-lb.json" 'not any(c=="DNS-NAMESPACE" for c,s,ti,x in f)'
ok $? "$LB has A records: no DNS-NAMESPACE finding"

# --- broken: names behind CNAMEs
run b-badalias alice tickets -x "$BAL"
q "$work/b-badalias.json" 'any(c=="DNS-NAMESPACE" and s=="warn" and x=="name-canonicalisation" and "HTTP/'"$BT"'" in ti and "HTTP/'"$BAL"'" in ti and "'"$ASA"'" in ti for c,s,ti,x in f)'
ok $? "DNS-NAMESPACE warns (name-canonicalisation): HTTP/$BT unheld, HTTP/$BAL on $ASA"
q "$work/b-badalias.json" 'd["causes"][0]["id"]=="name-canonicalisation" and any(c["id"]=="spn-missing" for c in d["causes"])'
ok $? "the diagnosis names name-canonicalisation first, spn-missing after it"
a=$(asked "$work/b-badalias.json")
echo "# asked for $BAL: $a"
q "$work/b-badalias.json" '[s["spn"].lower() for s in t["services"] if s["spn"].lower() in ("http/'"$BAL"'", "http/'"$BT"'")]==["http/'"$BT"'"]'
ok $? "no session ticket asked for HTTP/$BAL; HTTP/$BT instead"
run b-alias alice tickets -x "$AL"
q "$work/b-alias.json" '[(s,ti) for c,s,ti,x in f if c=="DNS-NAMESPACE"]==[("info","'"$AL"' is an alias (CNAME) of '"$LB"': Outlook asks for HTTP/'"$LB"'; the session tickets were asked for that name")]'
ok $? "$AL (CNAME of $LB): one DNS-NAMESPACE info, no warn"
a=$(asked "$work/b-alias.json")
echo "# asked for $AL: $a"
q "$work/b-alias.json" '"http/'"$AL"'" not in [s["spn"].lower() for s in t["services"]] and "http/'"$LB"'" in [s["spn"].lower() for s in t["services"]]'
ok $? "no session ticket asked for HTTP/$AL; HTTP/$LB instead"

# --- broken: the members by name, one request each (the old set was 8)
run b-members alice tickets -x "$M1" -x "$M2"
a=$(asked "$work/b-members.json")
echo "# asked for $M1 and $M2: $a"
n1=$(echo "$a" | tr ' ' '\n' | grep -ic "/$M1\$\|/$M1CN\$")
echo "$a" | grep -qi 'exchange\(RFR\|AB\|MDB\)/'
[ $? -ne 0 ] && [ "$n1" -eq 1 ] && echo "$a" | grep -qi "HTTP/$M2"
ok $? "a 2019 server by name: one ticket request (HTTP/$M1), not eight (got $n1)"

# --- a client that asks for RC4 only, against AES-only accounts: KDC_ERR_ETYPE_NOSUPP
sed 's/^\[libdefaults\]/[libdefaults]\n\tdefault_tgs_enctypes = rc4-hmac\n\tdefault_tkt_enctypes = rc4-hmac/' \
	"$KRB5_CONFIG" >"$work/krb5-rc4.conf"
inlab env KRB5_CONFIG="$work/krb5-rc4.conf" KRB5CCNAME="FILE:$work/cc-rc4" \
	kinit "alice@$EXWIZ_LAB_REALM" <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
inlab env KRB5_CONFIG="$work/krb5-rc4.conf" KRB5CCNAME="FILE:$work/cc-rc4" "$exw" check \
	--json --no-transcript tickets -x "$LB" >"$work/b-rc4.json" 2>/dev/null
q "$work/b-rc4.json" '[x for x in r["steps"][1]["findings"] if x["check"]=="KRB-SVC" and x["severity"]=="fail" and x.get("cause")=="enctype-mismatch" and "HTTP/'"$LB"' is held by '"$M1ACC"'" in x["evidence"] and "write 28 (0x1C" in x["remedy"]] != []'
ok $? "RC4-only client: KRB-SVC fails (enctype-mismatch) naming $M1ACC and the value to write (28)"
q "$work/b-rc4.json" '[c for c in d["causes"] if c["id"]=="enctype-mismatch" and any("RC4,AES128,AES256" in w and "'"$M1CN"'" in w for w in c["fix"]["windows"]) and any("default_tgs_enctypes = aes256-cts" in l for l in c["fix"]["linux"])] != []'
ok $? "the diagnosis: enctype-mismatch, AES on this host's krb5.conf first, 28 on $M1ACC until then"

# --- the 2003 server: still the RPC classes, full and short name, as before
run b-2003 alice tickets -x "$EXWIZ_LAB_EXCHANGE"
a=$(asked "$work/b-2003.json")
[ "$(echo "$a" | tr ' ' '\n' | grep -ic 'exch1')" -eq 8 ]
ok $? "the 2003 server: eight requests as before ($a)"
inlab env KRB5CCNAME="FILE:$work/cc-admin" kinit "Administrator@$EXWIZ_LAB_REALM" \
	<"$EXWIZ_LAB_ADMIN_PASSWORD_FILE" >/dev/null 2>&1
inlab env KRB5CCNAME="FILE:$work/cc-admin" "$exw" check --json --no-transcript tickets \
	-x "$EXWIZ_LAB_EXCHANGE" >"$work/b-2003a.json" 2>/dev/null
q "$work/b-2003a.json" '[n for n in t["exchange_names"] if n["kind"]=="server" and n["version"]=="Exchange 2003" and len(n["spns"])==8] != []'
ok $? "read as an Exchange administrator: EXCH1 is Exchange 2003, and the same eight SPNs"


# --- KRB-ETYPES: the value read for each holder is what ldapsearch says
# (absent: 0), and the AES tickets of the AES-only members pass
inlab env KRB5CCNAME="FILE:$work/cc-oracle" kinit "alice@$EXWIZ_LAB_REALM" \
	<"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
# etypes_of ACCOUNT: msDS-SupportedEncryptionTypes by ldapsearch (0 when absent)
etypes_of() {
	v=$(inlab env KRB5CCNAME="FILE:$work/cc-oracle" ldapsearch -Q -LLL -o ldif-wrap=no \
		-Y GSSAPI -H "ldap://$EXWIZ_LAB_DC" -b "$EXWIZ_LAB_BASE_DN" \
		"(sAMAccountName=$1)" msDS-SupportedEncryptionTypes 2>/dev/null |
		sed -n 's/^msDS-SupportedEncryptionTypes: //p')
	echo "${v:-0}"
}
for j in b-lb b-2003; do
	pairs=$(q "$work/$j.json" '" ".join("%s=%d" % (h["account"], h["supported_enctypes"]) for s in t["spn_holders"] if not s["spn"].lower().startswith("ldap/") for h in s["holders"] if h["supported_enctypes"] != -1)')
	good=0
	[ -n "$pairs" ] || good=1
	for p in $pairs; do
		want=$(etypes_of "${p%%=*}")
		echo "# $j: ${p%%=*}: exwizard ${p#*=}, ldapsearch $want"
		[ "${p#*=}" = "$want" ] || good=1
	done
	ok $good "KRB-ETYPES ($j): the msDS-SupportedEncryptionTypes read for each holder equals ldapsearch's ($pairs)"
done
q "$work/b-lb.json" '[x for c,s,x,y in f if c=="KRB-ETYPES"]==["The service tickets come in types their accounts allow"]'
ok $? "KRB-ETYPES passes for $LB: AES ticket, $M1ACC allows 24"
q "$work/b-lb.json" '[e for x in r["steps"][1]["findings"] if x["check"]=="KRB-ETYPES" for e in x["evidence"]]==["HTTP/'"$LB"': aes256-cts-hmac-sha1-96; '"$M1ACC"' allows 24 (0x18: AES128, AES256)"]'
ok $? "KRB-ETYPES shows the value decoded beside the ticket's type"
q "$work/b-2003.json" 'not any(c=="KRB-ETYPES" and "HTTP/" in ti for c,s,ti,x in f)'
ok $? "HTTP/ of the 2003 server has two holders (SPN-UNIQUE): no KRB-ETYPES finding for it"

# --- healed
heal_lab >"$work/heal" 2>&1
ok $? "the lab is healed"
run h-all alice -x "$LB"
rc=$?
bad=$(q "$work/h-all.json" '"; ".join("%s %s: %s" % (c,s,ti) for c,s,ti,x in f if s in ("warn","fail"))')
[ "$rc" -eq 0 ] && [ -z "$bad" ]
ok $? "healed: alice, every step, -x $LB: no warn or fail (exit $rc) $bad"
q "$work/h-all.json" 'any(c=="SPN-ASA" and s=="pass" for c,s,ti,x in f) and any(c=="EXCH-SCP" and s=="pass" for c,s,ti,x in f)'
ok $? "healed: SPN-ASA and EXCH-SCP pass"
q "$work/h-all.json" '[(s,e) for x in r["steps"] if x["id"]=="tickets" for y in x["findings"] if y["check"]=="KRB-ETYPES" for s,e in [(y["severity"],y["evidence"])]]==[("pass",["HTTP/'"$LB"': aes256-cts-hmac-sha1-96; '"$ASA"' allows 24 (0x18: AES128, AES256)"])]'
ok $? "healed: KRB-ETYPES passes for HTTP/$LB on $ASA (24), no warn"
run h-alias alice -x "$AL" -x "$BAL"
rc=$?
bad=$(q "$work/h-alias.json" '"; ".join("%s %s: %s" % (c,s,ti) for c,s,ti,x in f if s in ("warn","fail"))')
[ "$rc" -eq 0 ] && [ -z "$bad" ]
ok $? "healed: alice, every step, -x $AL -x $BAL: no warn or fail (exit $rc) $bad"
q "$work/h-alias.json" '[(s,ti.split(" ")[0]) for c,s,ti,x in f if c=="DNS-NAMESPACE"]==[("info","'"$AL"'")]'
ok $? "healed: DNS-NAMESPACE: $AL an info, $BAL (A records now) nothing"

# --- broken again: the faults return
break_lab >"$work/break" 2>&1
ok $? "the lab is broken again"
run b2-lb alice tickets -x "$LB"
q "$work/b2-lb.json" 'any(c=="SPN-ASA" and s=="fail" for c,s,ti,x in f) and any(c=="EXCH-SCP" and s=="warn" for c,s,ti,x in f)'
ok $? "broken again: SPN-ASA fails and EXCH-SCP warns"
run b2-badalias alice tickets -x "$BAL"
q "$work/b2-badalias.json" 'any(c=="DNS-NAMESPACE" and s=="warn" for c,s,ti,x in f)'
ok $? "broken again: DNS-NAMESPACE warns for $BAL"
finish
