#!/bin/sh
# Hostile data in the lab directory: terminal escapes, CR and BEL in mallory's
# legacyExchangeDN and proxyAddresses; trudy's name (CN) with an escape and a
# CR, a NUL inside one of her proxy addresses and a 64 KB legacyExchangeDN;
# frank's 5,000 groups. Escaped in the report, the transcript, JSON and on the
# wizard's screen, long values shortened in the text views, NUL neither
# dropped nor cutting a value short, and memory bounded. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
export TERM="${TERM:-xterm}"
sess="exwiz-hostile-$$"
dnspid=
at_exit() { tmux kill-session -t "$sess" 2>/dev/null; stop_listener "$dnspid"; }
cc="FILE:$work/cc"
inlab env KRB5CCNAME="$cc" kinit Administrator@EXWIZ.TEST <"$EXWIZ_LAB_ADMIN_PASSWORD_FILE" >/dev/null 2>&1
raw() { LC_ALL=C grep -c "$(printf '[\033\r\007]')" "$1"; }

inlab env KRB5CCNAME="$cc" "$exw" check groups mailbox -u mallory -o "$work/t.jsonl" >"$work/r.txt" 2>"$work/e"
rc=$?
[ "$rc" -le 2 ] && [ "$(raw "$work/r.txt")" -eq 0 ] && [ "$(raw "$work/e")" -eq 0 ]
ok $? "the text report and stderr hold no raw ESC, CR or BEL (exit $rc)"
grep -qF 'cn=mal\x1b]0;x\x07' "$work/r.txt"
ok $? "the hostile legacyExchangeDN is shown escaped (\\x1b]0;x\\x07)"
[ "$(raw "$work/t.jsonl")" -eq 0 ]
ok $? "the transcript holds no raw ESC, CR or BEL"
"$exw" show --json "$work/t.jsonl" >"$work/s.json"
cat >"$work/check.py" <<'PY'
import json, sys

def strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield k
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)

d = json.load(open(sys.argv[1]))
a = [s for s in d["steps"] if s["id"] == "mailbox"][0]["data"]["attributes"]
bad = [s for s in strings(d) if any(ord(c) < 32 or ord(c) == 127 for c in s)]
ok = a["legacyExchangeDN"].endswith("cn=mal\\x1b]0;x\\x07") and \
    any(p.endswith("\\x1b[5m") for p in a["proxyAddresses"])
sys.exit(0 if ok and not bad else 1)
PY
/usr/bin/python3 "$work/check.py" "$work/s.json"
ok $? "show --json: the hostile values are escaped text; no string of the report holds a control character"

# Peak RSS is measured with the build without sanitizers when there is one
# (make vg-build): AddressSanitizer's shadow memory and quarantine are not
# exwizard's.
rssbin=${EXWIZ_VG_BIN:-$top/build-vg/exwizard}
[ -x "$rssbin" ] || rssbin=$exw

# trudy: a hostile name, a NUL, a 64 KB value.
inlab env KRB5CCNAME="$cc" "$exw" check groups mailbox -u trudy -o "$work/trudy.jsonl" \
	>"$work/trudy.txt" 2>"$work/trudy.err"
rc=$?
[ "$rc" -le 2 ] && [ "$(raw "$work/trudy.txt")" -eq 0 ] && [ "$(raw "$work/trudy.err")" -eq 0 ] &&
	[ "$(raw "$work/trudy.jsonl")" -eq 0 ]
ok $? "trudy: no raw ESC, CR or BEL in the report, stderr or the transcript (exit $rc)"
size=$(wc -c <"$work/trudy.txt")
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$work/trudy.txt")
[ "$size" -lt 20000 ] && [ "$longest" -lt 700 ] && grep -q "bytes in all; the whole value is in the JSON report" "$work/trudy.txt"
ok $? "the 64 KB legacyExchangeDN is shortened in the text report ($size bytes, longest line $longest)"
"$exw" show --json "$work/trudy.jsonl" >"$work/trudy.json"
cat >"$work/trudy.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
a = [s for s in d["steps"] if s["id"] == "mailbox"][0]["data"]["attributes"]
leg = a["legacyExchangeDN"]
ok = len(leg) > 65536 and leg.endswith("T" * 100 + "\\x1b[31m") and \
    "smtp:trudy\\0@hidden.exwiz.test" in a["proxyAddresses"] and \
    a["dn"].startswith("CN=Trudy\\x1b[31m\\0DHostile,")
print("# legacyExchangeDN %d characters; proxyAddresses %s; dn %s" % (len(leg), a["proxyAddresses"], a["dn"][:40]))
sys.exit(0 if ok else 1)
PY
/usr/bin/python3 "$work/trudy.py" "$work/trudy.json"
ok $? "show --json: the whole 64 KB value, the NUL shown escaped (the value not cut short), the name escaped"
/usr/bin/time -f %M -o "$work/trudy.rss" "$labctl" -n "$ns" exec env KRB5CCNAME="$cc" "$rssbin" \
	check groups mailbox -u trudy --no-transcript >/dev/null 2>&1
rss=$(tail -1 "$work/trudy.rss")
[ "$rss" -lt 40000 ]
ok $? "trudy's check (${rssbin#"$top"/}): peak RSS ${rss} KB (limit 40,000)"

# frank: 5,000 groups, read in ranges; every name clean, memory bounded.
inlab env KRB5CCNAME="$cc" "$exw" check groups -u frank --json -o "$work/frank.jsonl" \
	>"$work/frank.json" 2>/dev/null
rc=$?
py 'import json,sys
d=json.load(open(sys.argv[1]))
g=[s for s in d["steps"] if s["id"]=="groups"][0]["data"]
names=[x["name"] for x in g["groups"]]
bad=[n for n in names if any(ord(c)<32 or ord(c)==127 for c in n)]
print("# %d groups, %d with a control character" % (len(names), len(bad)))
sys.exit(0 if len(names)>=5000 and not bad else 1)' "$work/frank.json"
ok $? "frank: all 5,000 groups listed, no control character in a name (exit $rc)"
/usr/bin/time -f %M -o "$work/frank.rss" "$labctl" -n "$ns" exec env KRB5CCNAME="$cc" "$rssbin" \
	check groups -u frank --no-transcript >/dev/null 2>&1
rss=$(tail -1 "$work/frank.rss")
[ "$(raw "$work/frank.jsonl")" -eq 0 ] && [ "$rss" -lt 64000 ]
ok $? "frank's check: the transcript clean; peak RSS (${rssbin#"$top"/}) ${rss} KB (limit 64,000)"

# A hostile DNS server (hostile_dns.py, in the lab namespace): every answer
# names hosts with escape sequences, CR, LF, NUL and invalid UTF-8.
hostile=$ADDR_T_HOSTILE_DNS
start_listener dnspid "$hostile" "$top/tests/integration/hostile_dns.py" 60
ok $? "the hostile DNS server listens on $hostile (pid $dnspid, the python process)"
t0=$(msecs)
inlab env KRB5CCNAME="$cc" "$exw" check dns --dns-server "$hostile" -o "$work/dns.jsonl" \
	>"$work/dns.txt" 2>"$work/dns.err"
rc=$?
el=$(( $(msecs) - t0 ))
stop_listener "$dnspid"
ok $? "the hostile DNS server (pid $dnspid) has ended"
dnspid=
[ "$rc" -le 2 ] && [ "$el" -lt 20000 ] && [ "$(raw "$work/dns.txt")" -eq 0 ] &&
	[ "$(raw "$work/dns.err")" -eq 0 ] && [ "$(raw "$work/dns.jsonl")" -eq 0 ]
ok $? "a hostile DNS server: no raw ESC, CR or BEL in the report, stderr or the transcript (exit $rc, $el ms)"
"$exw" show --json "$work/dns.jsonl" >"$work/dns.json"
[ "$(findings DNS-TARGETS fail "$work/dns.json" | grep -c '^An SRV record names .*pwned.*, which is not a host name')" -ge 1 ] &&
	! grep -q "pwned.*il.exwiz.test A @" "$work/dns.txt"
ok $? "its SRV targets are called out as not host names, and not looked up as if they were"
py 'import json,sys
def strings(x):
    if isinstance(x, str): yield x
    elif isinstance(x, dict):
        for k, v in x.items(): yield k; yield from strings(v)
    elif isinstance(x, list):
        for v in x: yield from strings(v)
bad=[s for s in strings(json.load(open(sys.argv[1]))) if any(ord(c)<32 or ord(c)==127 for c in s)]
sys.exit(1 if bad else 0)' "$work/dns.json"
ok $? "show --json of that transcript: no string holds a control character"

# The wizard: the escapes must not reach the terminal (the pane title stays).
tmux new-session -d -x 160 -y 30 -s "$sess" \
	"$labctl -n $ns exec env LANG=C.UTF-8 TERM=xterm-256color KRB5CCNAME=$cc $exw -u mallory --no-transcript; sleep 30"
before=$(tmux display -p -t "$sess" '#{pane_title}')
# pane_shows TEXT: until the pane shows TEXT (at most 10 s)
pane_shows() {
	i=0
	while [ $i -lt 100 ]; do
		tmux capture-pane -p -t "$sess" | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
pane_shows "summary"
for k in n n n n; do tmux send-keys -t "$sess" "$k"; done
tmux send-keys -t "$sess" Enter
pane_shows "MBX-ATTRS"
tmux send-keys -t "$sess" d
pane_shows '\x1b]0;x\x07'
ok $? "the wizard's data view shows the escaped value"
after=$(tmux display -p -t "$sess" '#{pane_title}')
[ "$after" = "$before" ] && [ "$after" != x ] && [ "$after" != pwned ]
ok $? "the pane title is unchanged: no escape sequence reached the terminal ('$after')"

finish
