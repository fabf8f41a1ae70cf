#!/bin/sh
# Integration test of --client-file against the lab: what the user's PC
# showed (tests/lab/client, written as Windows writes them: CRLF, tabs)
# beside what the domain answers. For alice and the old server EX55 (no
# account holds exchangeRFR/ on it), the event names the SPN, the client
# holds no ticket for it, and the diagnosis ranks spn-missing first with the
# client's evidence; the negative _kerberos._udp answer in the client's
# cache comes with the client's flush; healthy client output adds no cause;
# the transcript keeps each text as given; a file that cannot be read is a
# clear error. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

files=$top/tests/lab/client
old=$EXWIZ_LAB_OLD_EXCHANGE
exch=$EXWIZ_LAB_EXCHANGE

# run NAME ARGS...: exwizard check as alice, JSON into $work/NAME.json, status in $rc.
run() {
	_n=$1
	shift
	inlab "$exw" check --kinit alice --password-file "$EXWIZ_LAB_PASSWORD_FILE" --json "$@" \
		>"$work/$_n.json" 2>"$work/$_n.err"
	rc=$?
}

run broken -x "$old" -o "$work/broken.jsonl" \
	--client-file "$files/broken-event.txt" --client-file "$files/broken-klist.txt" \
	--client-file "$files/broken-displaydns.txt" --client-file "$files/broken-ipconfig.txt"
got=$(py 'import json,sys
r=json.load(open(sys.argv[1])); d=r["diagnosis"]; c=d["causes"][0]
assert d["symptoms"] == ["40960"], d["symptoms"]
assert c["id"] == "spn-missing", [x["id"] for x in d["causes"]]
assert d["verdict"].startswith("Event 40960 for exchangeRFR/%s is explained by" % sys.argv[2]), d["verdict"]
assert "40960" in c["explains"], c
ev=[e for e in c["evidence"] if e["check"] == "CLIENT-TICKETS"]
assert len(ev) == 1 and "holds no ticket for exchangeRFR/%s" % sys.argv[2] in ev[0]["title"], ev
print(d["verdict"][:110])' "$work/broken.json" "$old")
ok $? "broken client (exit $rc): the event is the symptom with its SPN, spn-missing is first and holds the client's missing ticket ($got)"

got=$(py 'import json,sys
r=json.load(open(sys.argv[1])); c=[x for x in r["diagnosis"]["causes"] if x["id"] == "dns-cache-stale"]
assert len(c) == 1, [x["id"] for x in r["diagnosis"]["causes"]]
c=c[0]
assert any("_kerberos._udp.%s" % sys.argv[2] in e["title"] and e["check"] == "CLIENT-DNS" for e in c["evidence"]), c["evidence"]
assert any("ipconfig /flushdns" in f for f in c["fix"]["windows"]), c["fix"]
assert all("nothing on this host" in l for l in c["fix"]["linux"]), c["fix"]
print(c["fix"]["windows"][0])' "$work/broken.json" "$EXWIZ_LAB_DOMAIN")
ok $? "the negative _kerberos._udp answer in the client's cache: dns-cache-stale with the client's flush ($got)"
py 'import json,sys
r=json.load(open(sys.argv[1])); c=[x for x in r["diagnosis"]["causes"] if x["id"] == "dns-resolver-split"][0]
ev=[e["title"] for e in c["evidence"] if e["check"] == "CLIENT-RESOLVERS"]
assert ev == ["The Windows client asks %s too (ipconfig /all)" % sys.argv[2]], ev' \
	"$work/broken.json" "$EXWIZ_LAB_NXDOMAIN_DNS"
ok $? "dns-resolver-split: the client's ipconfig /all lists $EXWIZ_LAB_NXDOMAIN_DNS, the resolver without the AD zone"

py 'import json,sys
r=json.load(open(sys.argv[1])); s=[x for x in r["steps"] if x["id"] == "client"][0]
sev={}
for f in s["findings"]:
    sev.setdefault(f["check"], set()).add(f["severity"])
assert sev["CLIENT-EVENT"] == {"warn"} and "warn" in sev["CLIENT-TICKETS"], sev
assert sev["CLIENT-RESOLVERS"] == {"info"}, sev
reads=[f for f in s["findings"] if f["check"] == "CLIENT-READ"]
assert all(f["severity"] == "info" for f in reads), reads
assert [t["unread"] for t in s["data"]["texts"]] == [0, 0, 0, 0], s["data"]["texts"]
assert s["data"]["dns_servers"] == [sys.argv[2], sys.argv[3]], s["data"]["dns_servers"]' \
	"$work/broken.json" "$EXWIZ_LAB_CACHE_DNS" "$EXWIZ_LAB_NXDOMAIN_DNS"
ok $? "the client step: every line of the four files read, the client's DNS servers $EXWIZ_LAB_CACHE_DNS and $EXWIZ_LAB_NXDOMAIN_DNS"

# The transcript keeps the texts as given: the bytes of each file, CRLF kept.
py 'import json,sys
ev=[e for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "input" and e.get("source") == "client"]
assert len(ev) == 4, len(ev)
for e, name in zip(ev, sys.argv[2:]):
    raw=open(name, "rb").read()
    assert e["name"] == name and e["bytes"] == len(raw), (e["name"], e["bytes"])
    assert e["text"].encode() == raw, name' "$work/broken.jsonl" "$files/broken-event.txt" \
	"$files/broken-klist.txt" "$files/broken-displaydns.txt" "$files/broken-ipconfig.txt"
ok $? "the transcript keeps each client text as given (4 input events, the files' bytes, CRLF kept)"

"$exw" show --json "$work/broken.jsonl" >"$work/shown.json" 2>/dev/null
py 'import json,sys
a=json.load(open(sys.argv[1]))["diagnosis"]; b=json.load(open(sys.argv[2]))["diagnosis"]
assert [c["id"] for c in a["causes"]] == [c["id"] for c in b["causes"]] and a["verdict"] == b["verdict"]' \
	"$work/broken.json" "$work/shown.json"
ok $? "show of the transcript gives the same diagnosis"

# Healthy client output adds no cause: the same causes and verdict as without it.
run plain -x "$exch" --no-transcript
run healthy -x "$exch" --no-transcript --client-file "$files/healthy-klist.txt" \
	--client-file "$files/healthy-displaydns.txt" --client-file "$files/healthy-whoami.txt"
got=$(py 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
ids=lambda r: [c["id"] for c in r["diagnosis"]["causes"]]
assert ids(a) == ids(b), (ids(a), ids(b))
assert a["diagnosis"]["verdict"] == b["diagnosis"]["verdict"]
s=[x for x in b["steps"] if x["id"] == "client"][0]
bad=[f for f in s["findings"] if f["severity"] in ("warn", "fail")]
assert not bad, bad
assert any(f["check"] == "CLIENT-TICKETS" and f["severity"] == "pass" and "exchangeRFR/%s" % sys.argv[3] in f["title"] for f in s["findings"])
assert not any(x["id"] == "client" for x in a["steps"]), "a client step without client output"
print(",".join(ids(b)))' "$work/plain.json" "$work/healthy.json" "$exch")
ok $? "healthy client output adds no cause and no warning (causes: $got); without it there is no client step"

# The client's token (whoami /all, written as Windows prints it from the
# groups the directory gives alice now) beside the directory: the same groups
# pass; one group left out is a logon older than the change (stale-logon).
run groups groups --no-transcript
py 'import json,sys
r=json.load(open(sys.argv[1])); d=[s for s in r["steps"] if s["id"] == "groups"][0]["data"]
usid=d["user_sid"]; dom=usid.rsplit("-", 1)[0]
gs=[g for g in d["groups"] if g["security"] and g["sid"].startswith(dom + "-") and g["sid"].count("-") == dom.count("-") + 1]
assert len(gs) >= 2, gs
def whoami(groups):
    w=max([24] + [len("EXWIZ\\" + g["name"]) for g in groups])
    out=["", "USER INFORMATION", "----------------", "", "%-24s %s" % ("User Name", "SID"),
         "=" * 24 + " " + "=" * 45, "%-24s %s" % ("exwiz\\alice", usid), "", "",
         "GROUP INFORMATION", "-----------------", "",
         "%-*s %-16s %-45s %s" % (w, "Group Name", "Type", "SID", "Attributes"),
         "=" * w + " " + "=" * 16 + " " + "=" * 45 + " " + "=" * 50,
         "%-*s %-16s %-45s %s" % (w, "Everyone", "Well-known group", "S-1-1-0", "Mandatory group, Enabled by default, Enabled group")]
    for g in groups:
        out.append("%-*s %-16s %-45s %s" % (w, "EXWIZ\\" + g["name"], "Group", g["sid"], "Mandatory group, Enabled by default, Enabled group"))
    return ("\r\n".join(out) + "\r\n").encode()
open(sys.argv[2], "wb").write(whoami(gs))
open(sys.argv[3], "wb").write(whoami(gs[1:]))
print(gs[0]["name"])' "$work/groups.json" "$work/whoami-same.txt" "$work/whoami-stale.txt" >"$work/left-out"
left=$(cat "$work/left-out")
run token-same groups --no-transcript --client-file "$work/whoami-same.txt"
run token-stale groups --no-transcript --client-file "$work/whoami-stale.txt"
got=$(py 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
fa=[f for s in a["steps"] for f in s["findings"] if f["check"] == "TOK-CLIENT"]
fb=[f for s in b["steps"] for f in s["findings"] if f["check"] == "TOK-CLIENT"]
assert [f["severity"] for f in fa] == ["pass"], fa
assert [f["severity"] for f in fb] == ["warn"] and fb[0].get("cause") == "stale-logon", fb
assert any(sys.argv[3] in e and "added since the logon" in e for e in fb[0]["evidence"]), fb[0]["evidence"]
assert "stale-logon" not in [c["id"] for c in a["diagnosis"]["causes"]]
assert "stale-logon" in [c["id"] for c in b["diagnosis"]["causes"]]
print(fb[0]["title"])' "$work/token-same.json" "$work/token-stale.json" "$left")
ok $? "whoami /all with the directory's groups passes; without $left it is stale-logon ($got)"

# Standard input, once.
inlab "$exw" check client -u alice --json --no-transcript --client-file - \
	<"$files/broken-event.txt" >"$work/stdin.json" 2>"$work/stdin.err"
rc=$?
py 'import json,sys
s=[x for x in json.load(open(sys.argv[1]))["steps"] if x["id"] == "client"][0]
assert s["data"]["texts"][0]["source"] == "standard input", s["data"]["texts"][0]["source"]
assert any(f["check"] == "CLIENT-EVENT" and f["severity"] == "warn" and "exchangeRFR/%s" % sys.argv[2] in f["title"] for f in s["findings"])' \
	"$work/stdin.json" "$old"
ok $? "--client-file - reads standard input (exit $rc)"
# Another user's event is no symptom of this one's.
inlab "$exw" check client -u bob --json --no-transcript --client-file "$files/broken-event.txt" \
	>"$work/bob.json" 2>/dev/null
py 'import json,sys
r=json.load(open(sys.argv[1])); s=[x for x in r["steps"] if x["id"] == "client"][0]
assert r["diagnosis"]["symptoms"] == [], r["diagnosis"]["symptoms"]
assert [f["severity"] for f in s["findings"] if f["check"] == "CLIENT-EVENT"] == ["info"]' "$work/bob.json"
ok $? "alice's event given for bob: named as alice's, no symptom of bob's"

# Bad input: a clear message that names the file; nothing runs.
inlab "$exw" check --no-transcript --client-file "$work/none.txt" >"$work/bad.out" 2>"$work/bad.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "client-file $work/none.txt: No such file or directory" "$work/bad.err" &&
	[ ! -s "$work/bad.out" ]
ok $? "a missing file: exit $rc, $(cat "$work/bad.err" | head -1)"
inlab "$exw" check --no-transcript --client-file "$files" >"$work/dir.out" 2>"$work/dir.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "client-file $files: Is a directory" "$work/dir.err"
ok $? "a directory: exit $rc, $(head -1 "$work/dir.err")"

finish
