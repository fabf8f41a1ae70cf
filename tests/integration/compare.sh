#!/bin/sh
# Integration test of --compare against the lab: the story ("it works when
# the administrator logs on") puts carol, whose mailbox junior half-moved
# without the rights, beside dave, whose mailbox operator moved with them.
# The comparison names the mailbox attributes that differ and the movers, the
# diagnosis ranks carol's own causes first, the other user's findings are
# never counted as carol's, tickets are compared only from each user's own
# cache, and two users without a cause of their own differ in no cause.
# Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

user=$EXWIZ_LAB_STORY_USER umover=$EXWIZ_LAB_STORY_USER_MOVER
admin=$EXWIZ_LAB_STORY_ADMIN amover=$EXWIZ_LAB_STORY_ADMIN_MOVER
realm=$EXWIZ_LAB_REALM exch=$EXWIZ_LAB_EXCHANGE
adm=FILE:$work/cc-adm other=FILE:$work/cc-$admin

inlab env KRB5CCNAME="$adm" kinit "Administrator@$realm" <"$EXWIZ_LAB_ADMIN_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit Administrator (reads the directory for both users)"
inlab env KRB5CCNAME="$other" kinit "$admin@$realm" <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit $admin (the other user's own cache)"

# check ARGS...: as Administrator, JSON into $out, the status in $rc.
check() {
	inlab env KRB5CCNAME="$adm" "$exw" check -x "$exch" "$@" >"$out" 2>"$out.err"
	rc=$?
}

out=$work/story.json
check -u "$user" -m "$umover" --compare "$admin" --compare-mover "$amover" \
	--compare-ccache "$other" --symptom admin-works --json -o "$work/story.jsonl"
story_rc=$rc
py 'import json,sys
r=json.load(open(sys.argv[1])); c=r["comparison"]
assert (c["user"], c["other"]) == (sys.argv[2], sys.argv[3]), c
d={x["aspect"]: x for x in c["differences"]}
for a in ("msExchHomeServerName", "homeMTA", "legacyExchangeDN (administrative group)", "mailbox consistency"):
    assert d[a]["explains"] == "mailbox-half-moved", (a, d.get(a))
m=d["mover"]
assert (m["user"], m["other"], m["explains"]) == (sys.argv[4], sys.argv[5], "mover-rights"), m
assert "lacks the rights" in d["mover\x27s verdict"]["user"], d["mover\x27s verdict"]
' "$out" "$user" "$admin" "$umover" "$amover"
ok $? "$user beside $admin: the mailbox attributes that differ explain mailbox-half-moved; the movers $umover and $amover differ and explain mover-rights"

py 'import json,sys
r=json.load(open(sys.argv[1])); d=r["diagnosis"]; cs=d["causes"]
assert d["compared_with"] == sys.argv[2], d.get("compared_with")
ids=[c["id"] for c in cs]
assert ids[:2] == ["mover-rights", "mailbox-half-moved"], ids
own=[c["id"] for c in cs if c["user_only"]]
assert set(own) == {"mover-rights", "mailbox-half-moved", "mailbox-descriptor"}, own
assert ids[:len(own)] == own, (ids, own)
half=[c for c in cs if c["id"] == "mailbox-half-moved"][0]
assert half["because"] == ["mover-rights"], half
' "$out" "$admin"
ok $? "--symptom admin-works with --compare $admin: $user's own causes first (mover-rights, because of which mailbox-half-moved), the domain's after"

py 'import json,sys
r=json.load(open(sys.argv[1])); st={s["id"]: s for s in r["compare"]["steps"]}
assert r["compare"]["user"] == sys.argv[2]
assert sorted(st) == ["groups", "mailbox", "tickets"], sorted(st)
assert st["tickets"]["data"]["credentials"]["as"].lower().startswith(sys.argv[2] + "@"), st["tickets"]["data"]["credentials"]
assert st["groups"]["data"]["user_dn"].startswith("CN=Dave"), st["groups"]["data"].get("user_dn")
k=[x for x in r["comparison"]["not_compared"] if x["aspect"] == "Kerberos tickets"][0]
assert k["user"].startswith("not checked: the tickets shown are Administrator@"), k
assert "session tickets obtained" in k["other"], k
assert not [x for x in r["comparison"]["differences"] if x["aspect"] == "Kerberos tickets"]
' "$out" "$admin"
ok $? "$admin's steps are under compare, its tickets from its own cache; carol's tickets (Administrator's cache) are not compared as hers"

out=$work/plain.json
check -u "$user" -m "$umover" --symptom admin-works --json --no-transcript
py 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert a["summary"] == b["summary"], (a["summary"], b["summary"])
assert "compare" not in b and "comparison" not in b
assert "compared_with" not in b["diagnosis"]
assert all("user_only" not in c for c in b["diagnosis"]["causes"])
' "$work/story.json" "$out" && [ "$story_rc" -eq "$rc" ]
ok $? "the other user's findings are not counted: the same summary and status ($story_rc) as without --compare, and no comparison without it"

out=$work/nomover.json
check -u "$user" --symptom admin-works --json --no-transcript
first=$(py 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["causes"][0]["id"])' "$out")
check -u "$user" --compare "$admin" --symptom admin-works --json --no-transcript
cfirst=$(py 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["causes"][0]["id"])' "$out")
[ "$first" = mailbox-half-moved ] && [ "$cfirst" = mailbox-half-moved ]
ok $? "--symptom admin-works (no mover given) starts with $user's half-moved mailbox, with and without --compare (got $first, $cfirst)"

py 'import json,sys
r=json.load(open(sys.argv[1]))
k=[x for x in r["comparison"]["not_compared"] if x["aspect"] == "Kerberos tickets"][0]
assert "No tickets of " + sys.argv[2] + " to compare" in k["other"], k
t=[s for s in r["compare"]["steps"] if s["id"] == "tickets"][0]
f=t["findings"]
assert [(x["check"], x["severity"]) for x in f] == [("KRB-CACHE", "skip")], f
assert "--compare-ccache" in f[0]["remedy"], f
' "$out" "$admin"
ok $? "without a cache of $admin: the tickets are not compared, and the report says why and what to give"

out=$work/text.txt
inlab env KRB5CCNAME="$adm" "$exw" check -x "$exch" -u "$user" -m "$umover" --compare "$admin" \
	--compare-mover "$amover" --compare-ccache "$other" --no-transcript >"$out" 2>/dev/null
grep -q "^  Compared:  $admin (mover $amover)$" "$out" &&
	grep -q "^Compared with $admin:$" "$out" &&
	grep -q "^    $admin: *$amover$" "$out" &&
	grep -q "^    $user: *$umover$" "$out" &&
	grep -q "^   $admin does not have it\.$" "$out"
ok $? "the text report: the compared user in the target, the section 'Compared with $admin', the movers side by side, and the causes $admin does not have"

"$exw" show --json "$work/story.jsonl" >"$work/shown.json" 2>"$work/shown.err"
py 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert a["comparison"] == b["comparison"], "comparison differs"
assert [c["id"] for c in a["diagnosis"]["causes"]] == [c["id"] for c in b["diagnosis"]["causes"]]
assert len(b["compare"]["steps"]) == 3
ev=[json.loads(l) for l in open(sys.argv[3])]
tagged=[e for e in ev if e.get("identity")]
assert tagged and all(e["identity"] == sys.argv[4] for e in tagged)
assert {e["event"] for e in tagged} >= {"step", "finding"}, {e["event"] for e in tagged}
' "$work/story.json" "$work/shown.json" "$work/story.jsonl" "$admin"
ok $? "show reads the comparison and the diagnosis back from the transcript, whose events of $admin's steps carry its name"
"$exw" show --brief "$work/story.jsonl" >"$work/brief.txt" 2>&1
head -1 "$work/brief.txt" | grep -q "^Verdict: That it works for an administrator is explained by" &&
	tr '\n' ' ' <"$work/brief.txt" | grep -q "Checked: user $user, .* beside *$admin"
ok $? "show --brief: the verdict for admin-works, and who was checked beside whom"

# Each user's own cache: the tickets compare, the same SPNs obtained.
out=$work/own.json
inlab "$exw" check -x "$exch" --kinit "$user" --password-file "$EXWIZ_LAB_PASSWORD_FILE" \
	--compare "$admin" --compare-kinit "$admin" --compare-password-file "$EXWIZ_LAB_PASSWORD_FILE" \
	tickets --json --no-transcript >"$out" 2>"$out.err"
py 'import json,sys
r=json.load(open(sys.argv[1])); d={x["aspect"]: x for x in r["comparison"]["differences"]}
assert "Kerberos tickets" not in d, d.get("Kerberos tickets")
tk=("Kerberos tickets", "session ticket", "ticket size", "TGT size", "Kerberos transport")
assert not [x for x in r["comparison"]["not_compared"] if x["aspect"].startswith(tk)], r["comparison"]["not_compared"]
assert not [a for a in d if a.startswith("session ticket for")], sorted(d)
t=d["TGT size"]
assert t["user"].endswith(" bytes") and t["other"].endswith(" bytes") and t["explains"] is None, t
' "$out"
ok $? "--kinit $user and --compare-kinit $admin: tickets compared; the same session tickets, the TGT sizes differ and explain nothing"

# Two users with no cause of their own: no difference is a cause.
out=$work/healthy.json
check -u alice --compare "$admin" --json --no-transcript
py 'import json,sys
r=json.load(open(sys.argv[1])); c=r["comparison"]
assert c["differences"], "alice and dave differ in groups"
assert all(x["explains"] is None for x in c["differences"]), [x for x in c["differences"] if x["explains"]]
assert not [x["id"] for x in r["diagnosis"]["causes"] if x["user_only"]]
' "$out"
ok $? "alice beside $admin: differences, none of them a cause, and no cause alice's own"

heal_lab >/dev/null 2>&1
ok $? "labctl heal"
eval "$("$labctl" -n "$ns" env)"
out=$work/healed.json
check -u "$user" -m "$amover" --compare alice --compare-mover "$amover" --json --no-transcript
py 'import json,sys
r=json.load(open(sys.argv[1])); c=r["comparison"]
assert all(x["explains"] is None for x in c["differences"]), [x for x in c["differences"] if x["explains"]]
assert not r["diagnosis"]["causes"] or not [x["id"] for x in r["diagnosis"]["causes"] if x["user_only"]]
' "$out"
ok $? "healed lab: $user beside alice gives no difference that is a cause"
break_lab >/dev/null 2>&1
ok $? "labctl break"

# Usage errors: clear, and nothing runs.
for args in "-u $user --compare $user" "--compare-ccache $other" \
	"--compare $admin --compare-ccache $other --compare-kinit $admin" \
	"--compare-password-file $EXWIZ_LAB_PASSWORD_FILE --compare $admin"; do
	# shellcheck disable=SC2086
	inlab "$exw" check $args --no-transcript >"$work/usage.out" 2>"$work/usage.err"
	rc=$?
	[ "$rc" -eq 3 ] && [ ! -s "$work/usage.out" ] && grep -q "^exwizard: .*compare" "$work/usage.err"
	ok $? "check $args: status 3 ($rc) and a message: $(head -1 "$work/usage.err")"
done

finish
