#!/bin/sh
# Integration test of the diagnosis as the reports carry it, against the lab
# domain: --symptom (kept in the target, checked against the catalogue),
# the JSON report's "diagnosis" and the transcript's diagnosis event, the
# text report and show opening with it, show --brief (the verdict first,
# 80 columns, plain text) and diff OLD NEW (exit codes, fixed and remaining
# causes, different targets refused). Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

cc="FILE:$work/cc-bob"
inlab env KRB5CCNAME="$cc" kinit bob@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit bob into a private cache"
X="-x $EXWIZ_LAB_EXCHANGE -x $EXWIZ_LAB_FRONTEND -m junior"

# The broken lab, twice, with a symptom; the first as a transcript and a
# text report, the second as a JSON report.
inlab env KRB5CCNAME="$cc" "$exw" check $X --symptom 40960 -o "$work/a.jsonl" >"$work/a.txt" 2>"$work/a.err"
rc=$?
ok $((rc != 2)) "check --symptom 40960 on the broken lab exits 2 (got $rc)"
inlab env KRB5CCNAME="$cc" "$exw" check $X --symptom 40960 --json -o "$work/b.jsonl" >"$work/b.json" 2>/dev/null
py 'import json,sys
r=json.load(open(sys.argv[1]))
keys=list(r)
d=r["diagnosis"]
assert r["target"]["symptoms"]==["40960"], r["target"]
assert keys.index("diagnosis")==keys.index("summary")+1, keys
assert d["symptoms"]==["40960"] and d["verdict"] and d["causes"], d
assert [c["rank"] for c in d["causes"]]==list(range(1,len(d["causes"])+1))
for c in d["causes"]:
    assert c["severity"] in ("warn","fail") and c["evidence"], c
' "$work/b.json"
ok $? "the JSON report: target.symptoms [\"40960\"], \"diagnosis\" after \"summary\" with the symptom, a verdict, causes ranked 1.. with evidence"

inlab env KRB5CCNAME="$cc" "$exw" check target $X --json --no-transcript >"$work/plain.json" 2>/dev/null
py 'import json,sys; sys.exit("symptoms" in json.load(open(sys.argv[1]))["target"])' "$work/plain.json"
ok $? "without --symptom the target has no \"symptoms\" key"

inlab "$exw" check --symptom 40962 >/dev/null 2>"$work/u.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "^exwizard: --symptom: unknown symptom '40962' (symptoms: 40960, 40961, unavailable," "$work/u.err"
ok $? "an unknown --symptom: exit 3 and the valid ids listed (got $rc: $(head -1 "$work/u.err"))"
inlab "$exw" show --symptom 40960 "$work/a.jsonl" >/dev/null 2>"$work/u.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "option --symptom does not apply to show" "$work/u.err"
ok $? "--symptom does not apply to show (exit $rc)"
"$exw" help symptoms | grep -q "^  unavailable  Outlook"
ok $? "help symptoms lists the symptoms"

# The transcript: a diagnosis event before the end, as the report has it.
tail -n 2 "$work/a.jsonl" | head -n 1 | grep -q '"event":"diagnosis"' &&
	tail -n 1 "$work/a.jsonl" | grep -q '"event":"end"'
ok $? "the transcript's diagnosis event comes just before the end"
py 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
d=[e for e in ev if e["event"]=="diagnosis"][0]["diagnosis"]
r=json.load(open(sys.argv[2]))["diagnosis"]
sys.exit(0 if [c["id"] for c in d["causes"]]==[c["id"] for c in r["causes"]] and d["causes"] else 1)
' "$work/a.jsonl" "$work/b.json"
ok $? "the diagnosis event names the causes the JSON report of the same lab names"

# Text report and show: the diagnosis before the first step.
first_cause=$(py 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["causes"][0]["title"][:40])' "$work/b.json")
d_line=$(grep -nF -- "$first_cause" "$work/a.txt" | head -1 | cut -d: -f1)
s_line=$(grep -n "^== target:" "$work/a.txt" | cut -d: -f1)
[ -n "$d_line" ] && [ -n "$s_line" ] && [ "$d_line" -lt "$s_line" ]
ok $? "the text report opens with the diagnosis: the first cause (line $d_line) before the steps (line $s_line)"
"$exw" show --text "$work/a.jsonl" >"$work/show.txt"
d_line=$(grep -nF -- "$first_cause" "$work/show.txt" | head -1 | cut -d: -f1)
s_line=$(grep -n "^== target:" "$work/show.txt" | cut -d: -f1)
[ -n "$d_line" ] && [ -n "$s_line" ] && [ "$d_line" -lt "$s_line" ]
ok $? "show opens with the diagnosis too"

# show --brief: verdict first, 80 columns, plain text, every cause with its checks.
"$exw" show --brief "$work/a.jsonl" >"$work/brief.txt"
rc=$?
verdict=$(py 'import json,sys; print(json.load(open(sys.argv[1]))["diagnosis"]["verdict"].split()[0])' "$work/b.json")
[ "$rc" -eq 0 ] && head -1 "$work/brief.txt" | grep -q "^Verdict: $verdict"
ok $? "show --brief: exit 0, the verdict on the first line ($(head -1 "$work/brief.txt"))"
long=$(awk 'length($0) > 80' "$work/brief.txt" | wc -l)
ctl=$(LC_ALL=C tr -d '\n -~' <"$work/brief.txt" | wc -c)
[ "$long" -eq 0 ] && [ "$ctl" -eq 0 ]
ok $? "show --brief: no line over 80 columns ($long), nothing but printable ASCII ($ctl bytes)"
py 'import json,sys
d=json.load(open(sys.argv[1]))["diagnosis"]
b=open(sys.argv[2]).read()
for c in d["causes"]:
    assert "(%s)" % c["id"] in b.replace("\n    ", " "), c["id"]
    for e in c["evidence"]:
        assert e["check"] in b, e["check"]
' "$work/b.json" "$work/brief.txt"
ok $? "show --brief: every cause by id, with the check ids of its evidence"
"$exw" show --brief --json "$work/a.jsonl" >/dev/null 2>&1
ok $(($? != 3)) "show --brief --json is a usage error"

# diff: broken against broken, nothing fixed, non-zero.
"$exw" diff "$work/a.jsonl" "$work/b.json" >"$work/d1.txt" 2>&1
rc=$?
nc=$(py 'import json,sys; print(len(json.load(open(sys.argv[1]))["diagnosis"]["causes"]))' "$work/b.json")
[ "$rc" -eq 1 ] && grep -q "^Fixed (0): none" "$work/d1.txt" && grep -q "^Remaining ($nc):" "$work/d1.txt" &&
	grep -q "^New (0): none" "$work/d1.txt"
ok $? "diff of two broken runs (transcript, JSON report): exit 1 (got $rc), nothing fixed, $nc remaining"

# A report of the same run with every warn and fail finding healed: every
# cause fixed, the findings changed listed, exit 0.
py 'import json,sys
r=json.load(open(sys.argv[1]))
for s in r["steps"]:
    for f in s["findings"]:
        if f["severity"] in ("warn","fail"):
            f["severity"]="pass"; f.pop("cause",None)
json.dump(r,open(sys.argv[2],"w"))
' "$work/b.json" "$work/healed.json"
"$exw" diff "$work/b.json" "$work/healed.json" >"$work/d2.txt" 2>&1
rc=$?
[ "$rc" -eq 0 ] && grep -q "^Fixed ($nc):" "$work/d2.txt" && grep -q "^Remaining (0): none" "$work/d2.txt" &&
	grep -q "No cause remains" "$work/d2.txt" && grep -q "SPN-UNIQUE fail -> pass" "$work/d2.txt"
ok $? "diff broken -> healed: exit 0 (got $rc), $nc causes fixed, SPN-UNIQUE fail -> pass"
"$exw" diff "$work/healed.json" "$work/b.json" >"$work/d3.txt" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q "^New ($nc):" "$work/d3.txt"
ok $? "diff healed -> broken: exit 1 (got $rc), every cause new"

# Different targets are refused.
inlab env KRB5CCNAME="$cc" "$exw" check target -u alice $X --json --no-transcript >"$work/alice.json" 2>/dev/null
"$exw" diff "$work/b.json" "$work/alice.json" >"$work/d4.txt" 2>"$work/d4.err"
rc=$?
[ "$rc" -eq 3 ] && [ ! -s "$work/d4.txt" ] && grep -q "are of different targets: user bob@EXWIZ.TEST against alice" "$work/d4.err"
ok $? "diff of two users: exit 3 (got $rc), $(cat "$work/d4.err")"
inlab env KRB5CCNAME="$cc" "$exw" check target -x "$EXWIZ_LAB_EXCHANGE" --json --no-transcript >"$work/one.json" 2>/dev/null
"$exw" diff "$work/b.json" "$work/one.json" >/dev/null 2>"$work/d5.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "Exchange servers differ" "$work/d5.err"
ok $? "diff of other Exchange servers: exit 3 (got $rc)"
"$exw" diff "$work/b.json" >/dev/null 2>&1
ok $(($? != 3)) "diff with one file: usage error"
"$exw" diff "$work/b.json" "$work/none.json" >/dev/null 2>"$work/d6.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "none.json: No such file" "$work/d6.err"
ok $? "diff with a missing file: exit 3 and the file named"

finish
