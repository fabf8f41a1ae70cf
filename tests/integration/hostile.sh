#!/bin/sh
# Hostile data in the lab directory (terminal escapes, CR and BEL in a user's
# legacyExchangeDN and proxyAddresses): escaped in the report, the transcript,
# JSON and on the wizard's screen. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
export TERM="${TERM:-xterm}"
sess="exwiz-hostile-$$"
at_exit() { tmux kill-session -t "$sess" 2>/dev/null; }
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

# The wizard: the escapes must not reach the terminal (the pane title stays).
tmux new-session -d -x 160 -y 30 -s "$sess" \
	"$labctl -n $ns exec env LANG=C.UTF-8 TERM=xterm-256color KRB5CCNAME=$cc $exw -u mallory --no-transcript; sleep 30"
before=$(tmux display -p -t "$sess" '#{pane_title}')
sleep 1
for k in n n n n; do tmux send-keys -t "$sess" "$k"; done
tmux send-keys -t "$sess" Enter
i=0
while [ $i -lt 100 ] && ! tmux capture-pane -p -t "$sess" | grep -q "MBX-ATTRS"; do sleep 0.1; i=$((i + 1)); done
tmux send-keys -t "$sess" d
sleep 0.5
tmux capture-pane -p -t "$sess" | grep -qF '\x1b]0;x\x07'
ok $? "the wizard's data view shows the escaped value"
after=$(tmux display -p -t "$sess" '#{pane_title}')
[ "$after" = "$before" ] && [ "$after" != x ] && [ "$after" != pwned ]
ok $? "the pane title is unchanged: no escape sequence reached the terminal ('$after')"

finish
