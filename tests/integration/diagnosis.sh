#!/bin/sh
# Integration test of the diagnosis against the lab: for each scenario the
# set of causes the warn and fail findings name ("cause") and, when the report
# carries it, the diagnosis's causes[].id, equal the expected set; in the
# healed lab (labctl heal) no scenario has a cause. The lab is broken again at
# the end, also on failure. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

# name | who reads (--kinit) | arguments | the causes in the broken lab | in
# the healed lab (none when left out). EXCH, FE and OLD stand for the lab's
# Exchange server, front end of the mode and old server EX55 (which never
# had exchangeRFR/ or exchangeAB/: not a fault heal repairs).
# DNS-AUTODISCOVER's warn (no Autodiscover records) proves no cause of the
# catalogue; TARGET-USER's warn (reading carol as Administrator) neither.
# MBX-PROTECTED's (dave, the administrator of the story, has adminCount 1 and
# a mailbox in both modes) proves mailbox-protected, healed too.
scenarios() {
	cat <<'EOF'
alice|alice|-x EXCH -x FE|dns-resolver-split realm-hint spn-duplicate
alice-exch1|alice|-x EXCH|dns-resolver-split spn-duplicate
frontend|alice|-x FE|dns-resolver-split realm-hint
bob|bob|-x EXCH -x FE|dns-resolver-split realm-hint spn-duplicate token-too-large
erin|erin|-x EXCH -x FE|dns-resolver-split realm-hint spn-duplicate token-too-large sid-limit
carol-junior|Administrator|-u carol -m junior -x EXCH -x FE|dns-resolver-split realm-hint spn-duplicate mailbox-half-moved mailbox-descriptor mover-rights
dave-operator|dave|-m operator -x EXCH -x FE|dns-resolver-split realm-hint spn-duplicate mailbox-protected|mailbox-protected
carol-operator|Administrator|-u carol -m operator -x EXCH -x FE|dns-resolver-split realm-hint spn-duplicate mailbox-half-moved mailbox-descriptor
old-server|alice|-x OLD|dns-resolver-split spn-missing|spn-missing
EOF
}

# causes REPORT: "FINDINGS|DIAGNOSIS|BECAUSE|UNCAUSED" - the sorted cause ids
# of the warn and fail findings; those of diagnosis.causes[] ("-" when the
# report has no diagnosis); the because links as CAUSE<ROOT; the warn and
# fail findings that name no cause (CHECK).
causes() {
	py 'import json,sys
r=json.load(open(sys.argv[1]))
fs=[f for s in r["steps"] for f in s["findings"] if f["severity"] in ("warn","fail")]
named=sorted({f["cause"] for f in fs if f.get("cause")})
uncaused=sorted({f["check"] for f in fs if not f.get("cause")})
d=r.get("diagnosis")
ids="-" if d is None else ",".join(sorted({c["id"] for c in d.get("causes",[])}))
bec="-" if d is None else ",".join(sorted("%s<%s" % (c["id"],b) for c in d.get("causes",[]) for b in c.get("because",[])))
print("%s|%s|%s|%s" % (",".join(named), ids, bec, ",".join(uncaused)))' "$1"
}

run_all() {
	mode=$1
	eval "$("$labctl" -n "$ns" env)"
	set -f
	scenarios | while IFS='|' read -r name who args want hwant; do
		[ "$mode" = healed ] && want=$hwant
		pwf=$EXWIZ_LAB_PASSWORD_FILE
		[ "$who" = Administrator ] && pwf=$EXWIZ_LAB_ADMIN_PASSWORD_FILE
		a=$(echo "$args" | sed "s/EXCH/$EXWIZ_LAB_EXCHANGE/; s/FE/$EXWIZ_LAB_FRONTEND/; s/OLD/$EXWIZ_LAB_OLD_EXCHANGE/")
		# shellcheck disable=SC2086
		inlab "$exw" check --kinit "$who" --password-file "$pwf" $a --json --no-transcript \
			>"$work/$mode-$name.json" 2>"$work/$mode-$name.err"
		echo "$name|$want|$(causes "$work/$mode-$name.json")"
	done >"$work/$mode.got"
	set +f
}

run_all broken

check_rows() {
	mode=$1
	while IFS='|' read -r name want named ids bec uncaused; do
		want=$(echo "$want" | tr ' ' '\n' | sed '/^$/d' | sort | paste -sd, -)
		[ "$named" = "$want" ]
		ok $? "$mode: $name: the findings name the causes {$want} (got {$named}; no cause: {$uncaused})"
		if [ "$ids" != - ]; then
			[ "$ids" = "$want" ]
			ok $? "$mode: $name: the diagnosis lists the causes {$want} (got {$ids})"
		fi
		case ",$want," in
		*,mover-rights,*mailbox-half-moved,* | *,mailbox-half-moved,*mover-rights,*)
			if [ "$bec" != - ]; then
				echo ",$bec," | grep -q ',mailbox-half-moved<mover-rights,'
				ok $? "$mode: $name: mailbox-half-moved because mover-rights (got {$bec})"
			fi
			;;
		esac
	done <"$work/$mode.got"
}
check_rows broken

# first SCENARIO-JSON CAUSE WORDS...: the first cause is CAUSE and its fix
# commands (Windows) hold every word (the real names).
first() {
	py 'import json,sys
d=json.load(open(sys.argv[1]))["diagnosis"]
c=d["causes"][0]
fix=" ".join(c["fix"]["windows"])
miss=[w for w in sys.argv[3:] if w not in fix]
print(c["id"], "|", c["title"], "|", fix[:160], "| missing:", miss)
sys.exit(0 if c["id"] == sys.argv[2] and not miss else 1)' "$@"
}
# Event 40960 for exchangeRFR: on the front end, the realm hint of the
# disjoint namespace sends the client to a realm with no KDC; on the old
# server no account holds exchangeRFR/ at all.
eval "$("$labctl" -n "$ns" env)"
inlab "$exw" check --kinit alice --password-file "$EXWIZ_LAB_PASSWORD_FILE" -x "$EXWIZ_LAB_EXCHANGE" \
	-x "$EXWIZ_LAB_FRONTEND" --symptom 40960 --json --no-transcript >"$work/s40960.json" 2>/dev/null
got=$(first "$work/s40960.json" realm-hint "$EXWIZ_LAB_FRONTEND" EXWIZ.TEST)
ok $? "--symptom 40960 with the front end: the first cause is realm-hint, its fix names the front end and the realm ($got)"
inlab "$exw" check --kinit alice --password-file "$EXWIZ_LAB_PASSWORD_FILE" -x "$EXWIZ_LAB_OLD_EXCHANGE" \
	--symptom 40960 --json --no-transcript >"$work/s40960-old.json" 2>/dev/null
got=$(first "$work/s40960-old.json" spn-missing "setspn -S exchangeRFR/$EXWIZ_LAB_OLD_EXCHANGE")
ok $? "--symptom 40960 with the old server: the first cause is spn-missing, its fix registers exchangeRFR/ ($got)"
py 'import json,sys
d=json.load(open(sys.argv[1]))["diagnosis"]
c=[c for c in d["causes"] if c["id"]=="spn-duplicate"][0]
fix=" ".join(c["fix"]["windows"])
sys.exit(0 if "setspn -D HTTP/exch1.exwiz.test websvc" in fix else 1)' "$work/broken-alice-exch1.json"
ok $? "spn-duplicate: the fix removes HTTP/exch1.exwiz.test from websvc, the account that should not hold it"

# transcript NAME: alice's check of the Exchange server, recorded in
# NAME.jsonl (the front end is renamed when the lab heals: another target).
transcript() {
	eval "$("$labctl" -n "$ns" env)"
	inlab "$exw" check --kinit alice --password-file "$EXWIZ_LAB_PASSWORD_FILE" -x "$EXWIZ_LAB_EXCHANGE" \
		-o "$work/$1.jsonl" >/dev/null 2>&1
}
transcript broken1

heal_lab >"$work/heal" 2>&1
ok $? "the lab is healed"
run_all healed
check_rows healed
transcript healed
break_lab >"$work/break" 2>&1
ok $? "the lab is broken again"
transcript broken2

# diff: broken then healed lists every cause of the broken run as fixed and
# exits 0; broken then broken again fixes nothing and exits non-zero.
inlab "$exw" diff "$work/broken1.jsonl" "$work/healed.jsonl" >"$work/diff1" 2>&1
rc=$?
want=$(py 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
d=[e for e in ev if e["event"]=="diagnosis"][-1]["diagnosis"]
print(" ".join(c["id"] for c in d["causes"]))' "$work/broken1.jsonl")
miss=
for c in $want; do
	sed -n '/^Fixed/,/^Remaining/p' "$work/diff1" | grep -q "($c)\|$c" || miss="$miss $c"
done
[ "$rc" -eq 0 ] && [ -n "$want" ] && [ -z "$miss" ] && grep -q "^Fixed (" "$work/diff1"
ok $? "diff broken healed: exit 0 (got $rc), every cause of the broken run listed as fixed ($want; missing:$miss)"
inlab "$exw" diff "$work/broken1.jsonl" "$work/broken2.jsonl" >"$work/diff2" 2>&1
rc=$?
[ "$rc" -ne 0 ] && grep -q "^Fixed (0)" "$work/diff2"
ok $? "diff broken broken: exit non-zero (got $rc), nothing fixed ($(grep '^Fixed\|^Remaining' "$work/diff2" | tr '\n' ' '))"
finish
