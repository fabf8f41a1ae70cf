#!/bin/sh
# Integration test of the lab's healed mode: `labctl heal` repairs every fault
# the lab holds on purpose (an ordinary user then gets no warn or fail
# finding, and neither do the users of the faults), `labctl break` puts them
# back and their findings return. Both idempotent. The lab is broken again at
# the end, also on failure: the other suites expect it. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

# check NAME USER [ARGS]: exwizard check for USER (a TGT of its own) against
# the lab's Exchange servers of the mode; the report in $work/NAME.json.
check() {
	name=$1 user=$2
	shift 2
	inlab "$exw" check --kinit "$user" --password-file "$EXWIZ_LAB_PASSWORD_FILE" \
		-x "$EXWIZ_LAB_EXCHANGE" -x "$EXWIZ_LAB_FRONTEND" --json --no-transcript "$@" \
		>"$work/$name.json" 2>"$work/$name.err"
}
# bad REPORT: the warn and fail findings as "CHECK severity: title" lines.
bad() {
	py 'import json,sys
for s in json.load(open(sys.argv[1]))["steps"]:
    for f in s["findings"]:
        if f["severity"] in ("warn","fail"):
            print("%s %s: %s" % (f["check"], f["severity"], f["title"]))' "$1" 2>&1
}
# has REPORT CHECK SEVERITY: that finding is in the report.
has() { bad "$1" | grep -q "^$2 $3: "; }
mode() { "$labctl" -n "$ns" env | sed -n 's/^EXWIZ_LAB_MODE=//p'; }

[ "$(mode)" = broken ]
ok $? "the lab starts broken (as up leaves it)"

t0=$(msecs)
heal_lab >"$work/heal1" 2>&1
rc=$?
t1=$(msecs)
echo "# heal: $((t1 - t0)) ms, $(grep -c '^  [^h]' "$work/heal1") changes"
[ "$rc" -eq 0 ] && grep -q 'healed: [1-9][0-9]* changes' "$work/heal1"
ok $? "heal repairs the faults (exit $rc)"
"$labctl" -n "$ns" heal >"$work/heal2" 2>&1 && grep -q 'healed: 0 changes' "$work/heal2"
ok $? "heal twice is heal once: the second changes nothing"
"$labctl" -n "$ns" status 2>/dev/null | grep -q '^  mode: healed$' && [ "$(mode)" = healed ]
ok $? "status and env say the lab is healed"
eval "$("$labctl" -n "$ns" env)"
[ "$EXWIZ_LAB_FRONTEND" = "fe1.$EXWIZ_LAB_DOMAIN" ]
ok $? "the front end of the healed lab is in the AD domain ($EXWIZ_LAB_FRONTEND)"

# alice: an ordinary token. Then the users of the faults.
for u in alice bob erin "carol -m junior"; do
	r=h-$(echo "$u" | tr -d ' -')
	# shellcheck disable=SC2086
	check "$r" $u
	rc=$?
	bad "$work/$r.json" >"$work/$r.bad"
	[ "$rc" -eq 0 ] && [ ! -s "$work/$r.bad" ]
	ok $? "healed: $u: no warn or fail finding (exit $rc)"
	sed 's/^/#   /' "$work/$r.bad"
done
# dave, the administrator of the story: no fault, so the same in both modes;
# adminCount 1 (a domain administrator) is his only warning.
check h-dave "$EXWIZ_LAB_STORY_ADMIN" -m "$EXWIZ_LAB_STORY_ADMIN_MOVER"
rc=$?
bad "$work/h-dave.json" >"$work/h-dave.bad"
sed 's/^/#   /' "$work/h-dave.bad"
[ "$rc" -eq 1 ] && [ "$(cat "$work/h-dave.bad")" = \
	"MBX-PROTECTED warn: $EXWIZ_LAB_STORY_ADMIN@$EXWIZ_LAB_REALM is a protected account" ]
ok $? "healed: $EXWIZ_LAB_STORY_ADMIN -m $EXWIZ_LAB_STORY_ADMIN_MOVER: MBX-PROTECTED is the only warn or fail finding (exit $rc)"

t0=$(msecs)
break_lab >"$work/break1" 2>&1
rc=$?
t1=$(msecs)
echo "# break: $((t1 - t0)) ms"
[ "$rc" -eq 0 ] && grep -q 'broken: [1-9][0-9]* changes' "$work/break1"
ok $? "break puts the faults back (exit $rc)"
"$labctl" -n "$ns" break >"$work/break2" 2>&1 && grep -q 'broken: 0 changes' "$work/break2"
ok $? "break twice is break once"
"$labctl" -n "$ns" status 2>/dev/null | grep -q '^  mode: broken$' && [ "$(mode)" = broken ]
ok $? "status and env say the lab is broken"
eval "$("$labctl" -n "$ns" env)"

check b-alice alice
has "$work/b-alice.json" DNS-SERVERS fail && has "$work/b-alice.json" DNS-REALM fail &&
	has "$work/b-alice.json" DNS-AUTODISCOVER warn && has "$work/b-alice.json" KRB-SVC fail &&
	bad "$work/b-alice.json" | grep -q '^SPN-UNIQUE fail: HTTP/exch1.exwiz.test is held by 2 accounts'
ok $? "broken: alice gets the NXDOMAIN resolver, the disjoint front end, no Autodiscover, the duplicate SPN"
check b-bob bob
has "$work/b-bob.json" TOK-SIZE warn
ok $? "broken: bob's token is too large again"
check b-erin erin
has "$work/b-erin.json" TOK-LSA fail
ok $? "broken: erin is over the SID limit again"
check b-carol carol -m junior
has "$work/b-carol.json" MBX-CONSISTENT fail && has "$work/b-carol.json" MBX-MOVER fail
ok $? "broken: carol's mailbox is half-moved and junior lacks the mover's rights again"
check b-dave "$EXWIZ_LAB_STORY_ADMIN" -m "$EXWIZ_LAB_STORY_ADMIN_MOVER"
bad "$work/b-dave.json" | sed 's/^/#   /'
[ "$(bad "$work/b-dave.json" | grep '^MBX-')" = \
	"MBX-PROTECTED warn: $EXWIZ_LAB_STORY_ADMIN@$EXWIZ_LAB_REALM is a protected account" ] &&
	[ -n "$(findings MBX-CONSISTENT pass "$work/b-dave.json")" ] &&
	[ -n "$(findings MBX-MOVER pass "$work/b-dave.json")" ]
ok $? "broken: $EXWIZ_LAB_STORY_ADMIN's mailbox still agrees and $EXWIZ_LAB_STORY_ADMIN_MOVER had the rights (MBX-PROTECTED the only mailbox warning)"
finish
