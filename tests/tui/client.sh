#!/bin/sh
# End-to-end test of the wizard's client pane in tmux at 80x24 against the
# lab domain: v opens the pane, the lab's client files (tests/lab/client, as
# PC01 shows the seeded fault: CRLF, tabs) are pasted into it with bracketed
# paste, and the client step's findings and the diagnosis's symptom appear;
# the transcript keeps each text as given; a pasted q is text, not the quit
# key; without bracketed paste, lines typed are taken on Ctrl-D; Esc keeps
# the texts given before; a paste longer than one text may hold is not
# taken. Prints TAP.
set -u
. "$(dirname "$0")/../integration/lib.sh"
export TERM="${TERM:-xterm}"	# tmux itself; the wizard gets xterm-256color
sess="exwiz-client"
files=$top/tests/lab/client
old=$EXWIZ_LAB_OLD_EXCHANGE
scene_prefix=exwiz-client
. "$(dirname "$0")/../lib/tmux.sh"
at_exit() { kill_scenes; }
# sel_line: the lines shown in reverse but the header (the selection, the key bar).
sel_line() { tm capture-pane -e -p -t "$sess" | grep -a "$(printf '\033')\[7m" | grep -av "exwizard |"; }
# selected PATTERN: the line shown in reverse (the selection) matches PATTERN.
selected() { tm capture-pane -e -p -t "$sess" | grep -a "$(printf '\033')\[7m" | grep -aq -- "$1"; }
# overlay: the text inside an overlay's box as one line (rows joined, the
# box's borders and runs of spaces gone): a title wrapped over rows reads whole.
overlay() { screen | sed -n '3,22p' | cut -c6-76 | tr -s ' \n' '  '; }
# wait_overlay TEXT [TENTHS]: until the overlay reads TEXT (default 5 s).
wait_overlay() {
	i=0
	while [ "$i" -lt "${2:-50}" ]; do
		overlay | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# paste FILE: into the pane as the terminal pastes it when asked to bracket
# pastes (-p; tmux adds the markers only if the wizard asked), bytes as they
# are (-r: LF not turned into CR).
paste() {
	tm load-buffer "$1" && tm paste-buffer -p -r -t "$sess"
}
# lines FILE: the lines of a CRLF file.
lines() { wc -l <"$1" | tr -d ' '; }
start() {
	new_scene "$labctl -n $ns exec env LANG=C.UTF-8 TERM=xterm-256color KRB5CCNAME=FILE:$work/cc $* ; echo EXITED \$?; sleep 30"
}
# texts JSONL: the client texts of the transcript's input events, "name=bytes" each.
texts() {
	py 'import json,sys
for e in map(json.loads, open(sys.argv[1])):
    if e.get("event") == "input" and e.get("source") == "client":
        print("%s=%d" % (e["name"], e["bytes"]))' "$1" | tr '\n' ' '
}

inlab env KRB5CCNAME="FILE:$work/cc" kinit alice@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "alice's tickets in the lab (kinit)"

# Bracketed paste: the event, then klist, then a paste of q lines.
start "$exw" -u alice -x "$old" -o "$work/t1.jsonl"
wait_for "> target    " 50 && ! screen | grep -q "^  client  "
ok $? "first frame: no client step in the list while the client showed nothing"
tm send-keys -t "$sess" v
wait_for "Client output" 30 && wait_overlay "Given so far: none" &&
	overlay | grep -qF "klist, ipconfig /displaydns, ipconfig /all, whoami /all" &&
	screen | tail -n 1 | grep -q "\^D:take Esc:close"
ok $? "v opens the client pane: what to run on the PC, nothing given yet, Ctrl-D and Esc in the key bar"
paste "$files/broken-event.txt"
want="Pasted $(lines "$files/broken-event.txt") lines (event). What the Windows client sees: done"
wait_for "$want" 100 && wait_gone "Client output" 10
ok $? "the pasted event is taken, the pane closes and the client step runs ($(screen | tail -n 2 | head -n 1 | sed 's/^ *//'))"
screen | grep -q "^> client    WARN" && screen | grep -q "\[WARN\] CLIENT-EVENT Event 40960 on PC01"
ok $? "the client step is in the list, selected, with its CLIENT-EVENT finding"
tm send-keys -t "$sess" Tab Enter
wait_for "Details" 30 && wait_overlay "Kerberos failed for exchangeRFR/$old (0xc000005e)"
ok $? "the finding's details name the SPN of the event: exchangeRFR/$old"
tm send-keys -t "$sess" Escape
wait_gone "Details" 30
tm send-keys -t "$sess" v
wait_for "Client output" 30 && wait_overlay "Given so far: 1 text: pasted 1"
ok $? "v again: the pane lists the text given (pasted 1)"
paste "$files/broken-klist.txt"
wait_for "Pasted $(lines "$files/broken-klist.txt") lines (klist). What the Windows client sees: done" 100 &&
	wait_for "CLIENT-TICKETS" 50
ok $? "the pasted klist is taken and the client step runs again"
# The CLIENT-TICKETS warning, selected with j (the findings pane has focus).
tm send-keys -t "$sess" Tab
wait_until 30 selected "CLIENT-EVENT"
# sel_moved: the selection is no longer $before.
sel_moved() { [ "$(sel_line)" != "$before" ]; }
tries=0
while [ "$tries" -lt 8 ] && ! selected "WARN\] CLIENT-TICKETS.*holds no tic"; do
	before=$(sel_line)
	tm send-keys -t "$sess" j
	wait_until 30 sel_moved
	tries=$((tries + 1))
done
tm send-keys -t "$sess" Enter
wait_for "Details" 30 && wait_overlay "[WARN] CLIENT-TICKETS" && wait_overlay "holds no ticket for exchangeRFR/$old"
ok $? "CLIENT-TICKETS: alice's client holds no ticket for exchangeRFR/$old"
tm send-keys -t "$sess" Escape
wait_gone "Details" 30
tm send-keys -t "$sess" n n n n n n
wait_for "> summary" 30 && wait_for "Symptoms: 40960" 30
ok $? "the summary's diagnosis takes the pasted event as the symptom (Symptoms: 40960)"
# A paste of lines that are just q: text, not the quit key.
printf 'q\r\nq\r\n' >"$work/q.txt"
tm send-keys -t "$sess" v
wait_for "Client output" 30 && paste "$work/q.txt"
wait_for "Pasted 2 lines (nothing recognised). What the Windows client sees: done" 100 && ! screen | grep -q EXITED &&
	screen | head -n 1 | grep -q "exwizard | EXWIZ.TEST | alice"
ok $? "a paste of q lines does not quit: it is taken as a text with nothing recognised"
py 'import json,sys
got={e["name"]: e for e in map(json.loads, open(sys.argv[1]))
     if e.get("event") == "input" and e.get("source") == "client"}
for name, path in (("pasted 1", sys.argv[2]), ("pasted 2", sys.argv[3]), ("pasted 3", sys.argv[4])):
    want=open(path, "rb").read()
    assert got[name]["text"].encode() == want and got[name]["bytes"] == len(want), name
assert len(got) == 3, sorted(got)' "$work/t1.jsonl" "$files/broken-event.txt" "$files/broken-klist.txt" "$work/q.txt"
ok $? "the transcript keeps each pasted text as given, byte for byte, in input events with source client ($(texts "$work/t1.jsonl"))"
# The klist again, after a fix on the PC: it takes the place of the first
# one (what the PC shows now is what is diagnosed); the transcript keeps both.
tm send-keys -t "$sess" v
wait_for "Client output" 30 && paste "$files/healthy-klist.txt"
wait_for "lines (klist), in place of pasted 2" 100
ok $? "a second klist takes the place of the first ($(screen | tail -2 | head -1 | sed 's/ *$//'))"
py 'import json,sys
ev=list(map(json.loads, open(sys.argv[1])))
rep=[e for e in ev if e.get("event") == "action" and e.get("what") == "client text replaced"]
assert [e["text"] for e in rep] == ["pasted 2"], rep
names=[e["name"] for e in ev if e.get("event") == "input" and e.get("source") == "client"]
assert names == ["pasted 1", "pasted 2", "pasted 3", "pasted 4"], names' "$work/t1.jsonl"
ok $? "the transcript keeps the klist replaced and says it was replaced"
tm send-keys -t "$sess" q
wait_for "EXITED" 50
# brackets_off: after the wizard, a paste into the pane's shell (a sleep,
# whose terminal echoes what comes) arrives without ESC [ 2 0 0 ~.
brackets_off() {
	printf 'after-%s' "$1" >"$work/after.txt"
	paste "$work/after.txt"
	wait_for "after-$1" 30 && ! screen | grep -q "200~"
}
brackets_off pane
ok $? "the pane closed, the terminal no longer brackets pastes: one after the wizard came as it is ($(screen | grep -o '.*after-pane.*'))"

# Without bracketed paste: lines typed (as a terminal without it pastes),
# then Ctrl-D. Esc closes the pane and keeps what was given before.
start "$exw" -u alice -x "$old" -o "$work/t2.jsonl"
wait_for "> target    " 50
tm send-keys -t "$sess" v
wait_for "Client output" 30 && tm send-keys -t "$sess" C-d
wait_for "Nothing pasted: the client pane is closed" 30 && ! screen | grep -q "^  client  "
ok $? "Ctrl-D in an empty pane: nothing pasted, the pane closes, no client step"
tm send-keys -t "$sess" v
wait_for "Client output" 30
tr -d '\r' <"$files/broken-klist.txt" | while IFS= read -r l; do
	tm send-keys -t "$sess" -l "$l"
	tm send-keys -t "$sess" Enter
done
wait_overlay "Typed so far" && wait_overlay "Kdc Called: dc1.exwiz.test"
ok $? "typed lines show in the pane as they come (the last ones: Kdc Called: dc1.exwiz.test)"
tm send-keys -t "$sess" C-d
wait_for "Pasted $(lines "$files/broken-klist.txt") lines (klist). What the Windows client sees: done" 100 &&
	wait_for "CLIENT-TICKETS" 50 && screen | grep -q "^> client    INFO"
ok $? "Ctrl-D takes the typed lines: the client step runs on them"
tm send-keys -t "$sess" v
wait_for "Client output" 30 && tm send-keys -t "$sess" -l "q"
tm send-keys -t "$sess" Enter
wait_overlay "Typed so far" && tm send-keys -t "$sess" Escape
wait_for "Client pane closed; the client's texts given before stay" 30 && ! screen | grep -q EXITED
ok $? "a typed q is text; Esc closes the pane and drops only what it held"
tm send-keys -t "$sess" v
wait_for "Client output" 30 && wait_overlay "Given so far: 1 text: pasted 1"
ok $? "the text given before is still there"
tm send-keys -t "$sess" Escape
wait_gone "Client output" 30
tm send-keys -t "$sess" q
wait_for "EXITED 0" 50
[ "$(texts "$work/t2.jsonl")" = "pasted 1=$(tr -d '\r' <"$files/broken-klist.txt" | wc -c | tr -d ' ') " ]
ok $? "the transcript holds the one text taken, as long as the lines typed ($(texts "$work/t2.jsonl"))"

# A paste longer than one text may hold (4 MiB) is not taken, and the pane says so.
py 'import sys
open(sys.argv[1], "w").write(("x" * 99 + "\n") * 42000)' "$work/big.txt"
start "$exw" -u alice -x "$old" -o "$work/t3.jsonl"
wait_for "> target    " 50
tm send-keys -t "$sess" v
wait_for "Client output" 30 && paste "$work/big.txt"
wait_overlay "That paste was longer than 4 MiB, the most one text may hold: nothing taken." 600
ok $? "a paste of $(wc -c <"$work/big.txt") bytes: the pane says it is longer than 4 MiB and takes nothing"
wait_overlay "Given so far: none" && tm send-keys -t "$sess" Escape
wait_for "Client pane closed: nothing taken" 30 && ! screen | grep -q "^  client  "
ok $? "nothing was added: Esc closes the pane, no client step"
tm send-keys -t "$sess" q
wait_for "EXITED 0" 50
[ -z "$(texts "$work/t3.jsonl")" ]
ok $? "the transcript holds no client text"

# The wizard ended (SIGTERM) while the pane is open: the terminal stops
# bracketing pastes all the same.
start "$exw" -u alice -x "$old" -o "$work/t4.jsonl"
wait_for "> target    " 50
tm send-keys -t "$sess" v
wait_for "Client output" 30
# wizard_pid: the wizard's process, under the pane's shell (our own child).
wizard_pid() {
	_pids=$(tm display-message -p -t "$sess" '#{pane_pid}')
	_depth=0
	while [ -n "$_pids" ] && [ "$_depth" -lt 6 ]; do
		for _p in $_pids; do
			[ "$(cat "/proc/$_p/comm" 2>/dev/null)" = exwizard ] && { echo "$_p"; return 0; }
		done
		_pids=$(for _p in $_pids; do cat "/proc/$_p/task/$_p/children" 2>/dev/null; done)
		_depth=$((_depth + 1))
	done
	return 1
}
wpid=$(wizard_pid) && kill -TERM "$wpid" && wait_for "EXITED" 50 && brackets_off term
ok $? "SIGTERM with the pane open: the wizard ends and the terminal no longer brackets pastes"

finish
