#!/bin/sh
# exwizard sweep against the lab domain (up with --scale: its bulk users and
# the problems planted among them). Prints TAP.
#  1. Read as Administrator: exactly the planted problems (gen-ldif.py
#     sweep-expected) and the lab's own faults, each with its cause id;
#     nothing about any bulk user.
#  2. The lab healed: the faults heal repairs are gone, the planted remain.
#  3. The token of a sample of users against their tokenGroups (ldapsearch).
#  4. Read as alice: what alice may not read is counted under not_checked
#     (the planted unreadable descriptors, the Exchange configuration),
#     never reported clean.
#  5. --base, --cause, --csv, -o, the transcript, bad input.
#  6. SIGINT while the global catalog does not answer: a partial report
#     that says what it covered, at once.
# Every wait is for an event (a transcript line, a socket), bounded.
set -u
. "$(dirname "$0")/lib.sh"
ipt=$(command -v iptables-legacy || command -v iptables)
chain=EXWIZ_GCCUT
cut=
at_exit() {
	if [ -n "$cut" ]; then
		inlab "$ipt" -w -D OUTPUT -j "$chain" 2>/dev/null
		inlab "$ipt" -w -F "$chain" 2>/dev/null
		inlab "$ipt" -w -X "$chain" 2>/dev/null
	fi
}
admin="FILE:$work/cc-admin"
alice="FILE:$work/cc-alice"
inlab env KRB5CCNAME="$admin" kinit Administrator@EXWIZ.TEST <"$EXWIZ_LAB_ADMIN_PASSWORD_FILE" \
	>/dev/null 2>&1
ok $? "kinit Administrator"
inlab env KRB5CCNAME="$alice" kinit alice@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit alice"
# sweep CC OUT ARGS...: exwizard sweep's exit status; its stdout in OUT
sweep() {
	cc=$1 out=$2
	shift 2
	inlab env KRB5CCNAME="$cc" "$exw" sweep --no-transcript "$@" >"$out" 2>"$out.err"
}
/usr/bin/python3 "$top/tests/lab/gen-ldif.py" sweep-expected >"$work/planted" 2>"$work/planted.err"
ok $? "the planted problems: $(grep -vc '^unreadable' "$work/planted") lines"

# The lab's own faults, by cause (labctl heal repairs those marked healed):
# bob, erin and frank's groups; carol's half-moved mailbox; the duplicate
# HTTP/exch1 on websvc; and, not healed: the hostile users trudy and mallory
# without a mailbox descriptor, dave the protected account with a mailbox,
# EX55 (Exchange 2003) without its exchangeRFR/exchangeAB SPNs.
cat >"$work/lab-faults" <<'EOF'
bob	token-too-large	healed
erin	token-too-large	healed
erin	sid-limit	healed
frank	token-too-large	healed
frank	sid-limit	healed
carol	mailbox-half-moved	healed
carol	mailbox-descriptor	healed
trudy	mailbox-descriptor
mallory	mailbox-descriptor
dave	mailbox-protected
EXCH1$	spn-duplicate	healed
websvc	spn-duplicate	healed
EX55$	spn-missing
EOF

# compare REPORT MODE: the report's (account, cause) pairs against the
# planted ones and the lab's faults in MODE (broken|healed); prints the
# differences; 0 when none.
compare() {
	py 'import json,sys
r=json.load(open(sys.argv[1]))
mode=sys.argv[2]
want=set()
for l in open(sys.argv[3]):
    f=l.rstrip("\n").split("\t")
    if f[0]!="unreadable": want.add((f[0],f[1]))
for l in open(sys.argv[4]):
    f=l.rstrip("\n").split("\t")
    if mode=="broken" or len(f)<3: want.add((f[0],f[1]))
got=set((p["account"],p["cause"]) for p in r["problems"])
bad=0
for a,c in sorted(got-want): print("# reported, not expected: %s %s"%(a,c)); bad=1
for a,c in sorted(want-got): print("# expected, not reported: %s %s"%(a,c)); bad=1
sys.exit(bad)' "$1" "$2" "$work/planted" "$work/lab-faults"
}

# ---- 1. everything, as Administrator ----
t0=$(msecs)
sweep "$admin" "$work/all.json" --json
rc=$?
ms=$(( $(msecs) - t0 ))
[ $rc -eq 2 ]
ok $? "a sweep of the domain exits 2: problems found (exit $rc, $ms ms)"
compare "$work/all.json" broken
ok $? "exactly the planted problems and the lab's faults, each with its cause id"
py 'import json,re,sys
r=json.load(open(sys.argv[1])); s=r["sweep"]
bulk=[p for p in r["problems"] if re.fullmatch(r"u\d+",p["account"])]
assert not bulk, bulk
assert s["users"]>=3000 and s["partial"] is False and s["users_total"]==s["users"], s
assert s["mailboxes"]>=300, s
assert r["counts"]=={c:sum(1 for p in r["problems"] if p["cause"]==c) for c in r["counts"]}
assert not r["not_checked"], r["not_checked"]
print("# %d users, %d with a mailbox, %d groups, %d SPNs, %d problems"%(s["users"],
      s["mailboxes"],s["groups"],s["spns"],len(r["problems"])))' "$work/all.json"
ok $? "no bulk user reported; all users judged, nothing left unchecked as Administrator"
py 'import json,sys
r=json.load(open(sys.argv[1]))
dups={}
for p in r["problems"]:
    if p["cause"]=="spn-duplicate": dups.setdefault(p["spn"].lower(),set()).add(p["account"])
want={}
for l in open(sys.argv[2]):
    f=l.rstrip("\n").split("\t")
    if len(f)>=3 and f[1]=="spn-duplicate": want.setdefault(f[2].lower(),set()).add(f[0])
want.setdefault("http/exch1.exwiz.test",set()).update({"EXCH1$","websvc"})
assert dups==want, (dups,want)
m=[p for p in r["problems"] if p["cause"]=="spn-missing"]
assert len(m)==1 and set(m[0]["evidence"])=={"exchangeRFR/ex55.exwiz.test",
  "exchangeAB/ex55.exwiz.test","exchangeRFR/EX55","exchangeAB/EX55"}, m' \
	"$work/all.json" "$work/planted"
ok $? "each duplicate SPN with all its holders; EX55's four missing SPNs, no other"

# ---- 2. healed ----
if heal_lab >/dev/null 2>&1; then
	sweep "$admin" "$work/healed.json" --json
	rc=$?
	compare "$work/healed.json" healed
	r2=$?
	break_lab >/dev/null 2>&1
	[ $rc -eq 2 ] && [ $r2 -eq 0 ]
	ok $? "healed: the faults heal repairs are gone, the planted ones remain (exit $rc)"
else
	ok 1 "labctl heal"
fi

# ---- 3. tokens against tokenGroups ----
# tokengroups SAM: the number of SIDs in its tokenGroups (BASE scope)
dn_of() {
	inlab env KRB5CCNAME="$admin" ldapsearch -LLL -Q -o ldif-wrap=no -Y GSSAPI \
		-H "ldap://$EXWIZ_LAB_DC" -b "$EXWIZ_LAB_BASE_DN" "(sAMAccountName=$1)" dn |
		sed -n 's/^dn: //p'
}
tokengroups() {
	inlab env KRB5CCNAME="$admin" ldapsearch -LLL -Q -o ldif-wrap=no -Y GSSAPI \
		-H "ldap://$EXWIZ_LAB_DC" -s base -b "$1" tokenGroups | grep -c '^tokenGroups'
}
bad=0
checked=0
# the largest tokens of the domain, and three bulk users each swept alone
for u in $(py 'import json,sys
for t in json.load(open(sys.argv[1]))["largest_tokens"]: print(t["account"])' "$work/all.json") \
	u00001 u01500 u02999; do
	dn=$(dn_of "$u")
	[ -n "$dn" ] || { echo "# no DN for $u"; bad=1; continue; }
	sweep "$admin" "$work/one.json" --json --cause token-too-large --base "$dn"
	got=$(py 'import json,sys
t=json.load(open(sys.argv[1]))["largest_tokens"]; print(t[0]["sids"] if t else -1)' "$work/one.json")
	want=$(( $(tokengroups "$dn") + 1 ))
	[ "$got" = "$want" ] || { echo "# $u: sweep $got SIDs, tokenGroups + the user $want"; bad=1; }
	checked=$((checked + 1))
done
[ $bad -eq 0 ] && [ $checked -ge 8 ]
ok $? "the token of $checked users (the 10 largest, 3 bulk) equals tokenGroups + the user's SID"

# ---- 4. as alice ----
sweep "$alice" "$work/alice.json" --json
rc=$?
py 'import json,sys
r=json.load(open(sys.argv[1]))
planted=[l.split("\t") for l in open(sys.argv[2]).read().splitlines()]
unread=[f[1] for f in planted if f[0]=="unreadable"]
nc={n["what"]:n for n in r["not_checked"]}
sd=nc.get("msExchMailboxSecurityDescriptor")
assert sd and sd["users"]==len(unread) and "mailbox-descriptor" in sd["causes"], nc
assert "alice@EXWIZ.TEST" in sd["text"], sd
assert "Exchange configuration" in nc and nc["Exchange configuration"]["objects"]>=1, nc
# listing containers alice may not read, between pages, loses no user
assert r["sweep"]["users"]==r["sweep"]["users_total"], r["sweep"]
names=set(p["account"] for p in r["problems"])
assert not names & set(unread), names & set(unread)
print("# not checked as alice: "+"; ".join("%s %d"%(k,v.get("users",v.get("objects",0)))
      for k,v in nc.items()))' \
	"$work/alice.json" "$work/planted"
ok $? "as alice: the descriptors alice may not read counted as not checked, not clean (exit $rc)"
inlab env KRB5CCNAME="$alice" "$exw" sweep --no-transcript >"$work/alice.txt" 2>&1
grep -q "^Not checked (not readable is not absent):" "$work/alice.txt" &&
	grep -q "msExchMailboxSecurityDescriptor is not readable as alice@EXWIZ.TEST" "$work/alice.txt"
ok $? "the text report says what alice may not read"

# ---- 5. options, output, transcript, bad input ----
base=$(py 'import sys
for l in open(sys.argv[1]):
    f=l.rstrip("\n").split("\t")
    if f[0]!="unreadable": print(f[0]); break' "$work/planted")
bdn=$(dn_of "$base")
pou=${bdn#*,}
sweep "$admin" "$work/base.json" --json --base "$pou"
py 'import json,sys
r=json.load(open(sys.argv[1])); ou=sys.argv[2].lower()
users=[p for p in r["problems"] if not p["cause"].startswith("spn-")]
assert users and all(p["dn"].lower().endswith(ou) for p in users), users
assert r["sweep"]["base"]==sys.argv[2] and r["sweep"]["users"]<3000, r["sweep"]' \
	"$work/base.json" "$pou"
ok $? "--base $pou: only users under it"
sweep "$admin" "$work/cause.csv" --csv --cause sid-limit -o "$work/sid.csv"
rc=$?
py 'import csv,sys
rows=list(csv.reader(open(sys.argv[1],newline="")))
assert rows[0]==["account","dn","cause","title","evidence"], rows[0]
assert len(rows)>2 and all(r[2]=="sid-limit" for r in rows[1:]), rows
import os; assert os.stat(sys.argv[1]).st_mode & 0o777 == 0o600' "$work/sid.csv"
r2=$?
[ $rc -eq 2 ] && [ $r2 -eq 0 ] && [ ! -s "$work/cause.csv" ]
ok $? "--cause sid-limit --csv -o FILE: only that cause, as CSV, in the file (mode 0600)"
inlab env KRB5CCNAME="$admin" "$exw" sweep --cause mailbox-protected -o /dev/null \
	--transcript "$work/t.jsonl" >/dev/null 2>&1
py 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
st=[e for e in ev if e.get("event")=="step" and e.get("id")=="sweep"]
assert [e["phase"] for e in st]==["start","end"], st
assert st[1]["data"]["counts"].get("mailbox-protected",0)>=1, st[1]["data"]["counts"]
f=[e for e in ev if e.get("event")=="finding" and e.get("check")=="SWEEP-DOMAIN"]
assert f and "(mailbox-protected)" in f[0]["title"] and "cause" not in f[0], f' "$work/t.jsonl"
ok $? "the transcript records the sweep as a step, its findings by cause"
sweep "$admin" "$work/bad" --cause no-such-cause
rc=$?
[ $rc -eq 3 ] && grep -q "token-too-large" "$work/bad.err"
ok $? "an unknown --cause: exit 3, naming the causes a sweep decides (exit $rc)"
sweep "$admin" "$work/bad" --base "OU=Nowhere,$EXWIZ_LAB_BASE_DN"
rc=$?
[ $rc -eq 4 ] && grep -q "OU=Nowhere" "$work/bad.err"
ok $? "a --base the directory lacks: exit 4, named, not 'nobody affected' (exit $rc)"
echo "the report of last week" >"$work/keep.txt"
sweep "$admin" "$work/bad" --base "OU=Nowhere,$EXWIZ_LAB_BASE_DN" -o "$work/keep.txt"
r1=$?
sweep "$admin" "$work/bad" --base "OU=Nowhere,$EXWIZ_LAB_BASE_DN" -o "$work/new.txt"
r2=$?
[ $r1 -eq 4 ] && [ $r2 -eq 4 ] && [ "$(cat "$work/keep.txt")" = "the report of last week" ] &&
	[ ! -e "$work/new.txt" ]
ok $? "-o and a sweep that read nothing: an earlier report kept, no empty file left ($r1, $r2)"
sweep "$admin" "$work/bad" -o /nonexistent/dir/x.txt
rc=$?
[ $rc -eq 3 ] && grep -q "/nonexistent/dir/x.txt" "$work/bad.err"
ok $? "-o into a directory that does not exist: exit 3 before anything is read (exit $rc)"

# ---- 6. SIGINT while the global catalog is silent ----
inlab "$ipt" -w -N "$chain" 2>/dev/null
inlab "$ipt" -w -A "$chain" -p tcp --dport 3268 -j DROP && cut=1 &&
	inlab "$ipt" -w -I OUTPUT -j "$chain"
ok $? "the global catalog's port dropped"
t="$work/cut.jsonl"
"$labctl" -n "$ns" exec env KRB5CCNAME="$admin" "$exw" sweep --json --timeout 30 --tries 1 \
	--transcript "$t" >"$work/cut.json" 2>"$work/cut.err" &
pid=$!
asking() {
	inlab ss -tnp state syn-sent dst :3268 2>/dev/null | grep -q "pid=$pid,"
}
poll 60 asking && [ "$(cat /proc/$pid/comm 2>/dev/null)" = exwizard ]
ok $? "the sweep waits on the silent global catalog (pid $pid)"
t0=$(msecs)
kill -INT "$pid"
wait "$pid"
rc=$?
ms=$(( $(msecs) - t0 ))
py 'import json,sys
r=json.load(open(sys.argv[1])); s=r["sweep"]
assert s["partial"] is True, s
assert "SPNs" in s["covered"] and "spns" not in s, s
assert not [p for p in r["problems"] if p["cause"].startswith("spn-")]
print("# covered: "+s["covered"])' "$work/cut.json"
r2=$?
[ $r2 -eq 0 ] && [ $rc -le 2 ] && [ $rc -ge 1 ] && [ $ms -lt 10000 ]
ok $? "SIGINT: a partial report that says what it covered, in $ms ms (exit $rc)"
grep -q '"id":"sweep","phase":"end","status":"cancelled"' "$t"
ok $? "the transcript says the sweep was cancelled, not failed"
finish
