#!/bin/sh
# Integration test of `exwizard check` and `exwizard show` against the lab
# domain, with kinit and klist as the independent oracles. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
jget() { /usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    d=d[int(k)] if isinstance(d,list) else d.get(k)
print(d)' "$1" "$2"; }

cc="FILE:$work/cc-bob"
inlab env KRB5CCNAME="$cc" kinit bob@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit bob into a private cache"
klist_princ=$(inlab env KRB5CCNAME="$cc" klist 2>/dev/null | sed -n 's/^Default principal: //p')

inlab env KRB5CCNAME="$cc" "$exw" check target --json -o "$work/t1.jsonl" >"$work/r1.json" 2>"$work/e1"
rc=$?
ok $((rc != 0)) "check target with bob's cache exits 0 (got $rc)"
[ "$(jget "$work/r1.json" target.realm)" = EXWIZ.TEST ]
ok $? "realm EXWIZ.TEST from krb5.conf"
[ "$(jget "$work/r1.json" target.realm_source)" = krb5.conf ]
ok $? "realm source is krb5.conf"
[ "$(jget "$work/r1.json" target.domain)" = exwiz.test ]
ok $? "domain derived from the realm"
u=$(jget "$work/r1.json" target.user)
[ -n "$klist_princ" ] && [ "$u" = "$klist_princ" ]
ok $? "user from the cache equals klist's principal ($u / $klist_princ)"

mode=$(stat -c %a "$work/t1.jsonl" 2>/dev/null)
[ "$mode" = 600 ]
ok $? "transcript is 0600 (got $mode)"

"$exw" show --json "$work/t1.jsonl" >"$work/s1.json"
ok $? "show --json reads the transcript"
/usr/bin/python3 - "$work/r1.json" "$work/s1.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
strip = lambda r: [(s["id"], s["status"], s["findings"], s["data"]) for s in r["steps"]]
sys.exit(0 if strip(a) == strip(b) and a["target"] == b["target"] and a["summary"] == b["summary"] else 1)
PY
ok $? "the transcript renders back to the same report (steps, findings, target, summary)"

"$exw" show "$work/t1.jsonl" | grep -q 'TARGET-USER'
ok $? "show renders text"

before=$(sha256sum "$work/t1.jsonl")
inlab env KRB5CCNAME="$cc" "$exw" check -o "$work/t1.jsonl" >/dev/null 2>"$work/e2"
rc=$?
[ "$rc" -eq 3 ] && grep -q 'already exists' "$work/e2" && [ "$(sha256sum "$work/t1.jsonl")" = "$before" ]
ok $? "an existing transcript is refused (exit $rc) and left as it was"

inlab env KRB5CCNAME="FILE:$work/none" "$exw" check target --json --no-transcript >"$work/r3.json" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] && [ "$(jget "$work/r3.json" steps.0.findings.2.severity)" = warn ]
ok $? "without a cache: TARGET-USER warns, exit 1 (got $rc)"

inlab "$exw" check target -r EXWIZ.TEST -u alice -x exch1.exwiz.test -x fe1.region1.exwiz.test \
	-m junior --ccache "FILE:$work/none" --json --no-transcript >"$work/r4.json" 2>/dev/null
rc=$?
[ "$rc" -eq 0 ] && [ "$(jget "$work/r4.json" target.user)" = alice ] &&
	[ "$(jget "$work/r4.json" target.exchange.1)" = fe1.region1.exwiz.test ]
ok $? "options take precedence over the defaults (exit $rc)"

inlab env KRB5CCNAME="$cc" "$exw" check -x exch1.exwiz.test --json --no-transcript >"$work/r5.json" 2>/dev/null
rc=$?
[ "$rc" -eq 2 ] && [ "$(jget "$work/r5.json" steps.0.id) $(jget "$work/r5.json" steps.1.id)" = "target dns" ]
ok $? "check without steps runs every step in order (target, dns) and exits 2 in the lab (got $rc)"

# Usage errors: exit 3, the option named as typed, the user's text cleaned.
bad=0
for spec in "--dc|option --dc needs a value" "--realm|option --realm needs a value" \
	"-r|option -r needs a value" "--json=1|option --json takes no value" \
	"--bogus|unknown option --bogus" "-Z|unknown option -Z" \
	"--d=x|option --d is ambiguous: --domain, --dc, --dns-server"; do
	arg=${spec%%|*}
	want=${spec#*|}
	inlab "$exw" "$arg" >/dev/null 2>"$work/u.err"
	rc=$?
	if [ "$rc" -ne 3 ] || [ "$(head -1 "$work/u.err")" != "exwizard: $want" ]; then
		echo "# $arg: exit $rc, $(head -1 "$work/u.err" | od -c | head -2)"
		bad=$((bad + 1))
	fi
done
inlab "$exw" "$(printf 'che\033]0;x\007ck')" >/dev/null 2>"$work/u.err"
rc=$?
[ "$rc" -eq 3 ] && grep -qF 'che\x1b]0;x\x07ck' "$work/u.err" &&
	[ "$(LC_ALL=C grep -c "$(printf '[\033\007]')" "$work/u.err")" -eq 0 ]
[ $? -eq 0 ] || bad=$((bad + 1))
[ "$bad" -eq 0 ]
ok $? "usage errors: exit 3, the option as typed (--dc, not a NUL byte), an escape in a command shown escaped"

finish
