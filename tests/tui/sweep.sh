#!/bin/sh
# End-to-end test of the wizard's sweep screen in tmux at 80x24 against the
# lab domain: W sweeps the domain, the screen draws its progress bar while
# it runs and the summary by cause when it ends (frank under
# token-too-large, websvc under spn-duplicate); Esc stops a second sweep,
# which then says partial; f on a cause of the diagnosis sweeps for that
# cause only, and on a cause a sweep cannot find says which it can; q quits
# while a sweep runs. The transcript records each sweep as a step, and the
# user's diagnosis never takes the sweep's findings (other accounts') as
# the user's, in the wizard or in `show` of its transcript. Needs the lab up
# with --scale (frank, in 4998 groups). To see a sweep running at any speed,
# every packet of the lab is held $latency ms (labctl fault latency) while a
# sweep is watched: its groups phase then reads 7 pages of 1,000 groups, at
# least 7 round trips (2.8 s at 200 ms), after it shows, which is when Esc
# (or q) is sent. Prints TAP.
set -u
. "$(dirname "$0")/../integration/lib.sh"
export TERM="${TERM:-xterm}"	# tmux itself; the wizard gets xterm-256color
sess="exwiz-sweep"
scene_prefix=exwiz-sweep
. "$(dirname "$0")/../lib/tmux.sh"
latency=${EXWIZ_SWEEP_LATENCY:-200}
slowed=
at_exit() {
	kill_scenes
	[ -n "$slowed" ] && "$labctl" -n "$ns" fault latency-off >/dev/null 2>&1
}
start() {
	new_scene "$labctl -n $ns exec env LANG=C.UTF-8 TERM=xterm-256color KRB5CCNAME=FILE:$work/cc $* ; echo EXITED \$?; sleep 30"
}
# message: the line above the key bar.
message() { screen | tail -n 2 | head -n 1 | sed 's/^ *//; s/ *$//'; }
# slow / fast: every packet of the lab held $latency ms, or none.
slow() { "$labctl" -n "$ns" fault latency "$latency" >/dev/null && slowed=1; }
fast() { "$labctl" -n "$ns" fault latency-off >/dev/null && slowed=; }
# grab_report: the sweep's report as the screen shows it, whole: read in a
# window tall enough for all of it (80x150), then back to 80x24.
report=$work/report.txt
grab_report() {
	tm resize-window -t "$sess" -x 80 -y 150
	wait_for "W sweeps again; s saves it with the report" 50 &&
		screen | sed -n '3,148p' >"$report"
	_gr=$?
	tm resize-window -t "$sess" -x 80 -y 24
	wait_until 30 sh -c '[ "$(tmux -L "$1" capture-pane -p -t "$2" | wc -l)" -eq 24 ]' - "$sock" "$sess"
	return $_gr
}
# section CAUSE: the lines of the report under CAUSE, up to the next blank line.
section() { awk -v t="$1:" '$1 == t { on = 1; next } on && /^ *$/ { on = 0 } on' "$report"; }
# sweeps JSONL: the sweep step events of a transcript, "status:partial" each.
sweeps() {
	py 'import json,sys
for e in map(json.loads, open(sys.argv[1])):
    if e.get("event") == "step" and e.get("id") == "sweep" and e.get("phase") == "end":
        sw = e.get("data", {}).get("sweep", {})
        print("%s:%s" % (e.get("status"), "partial" if sw.get("partial") else "whole"))' "$1" |
		tr '\n' ' '
}

inlab env KRB5CCNAME="FILE:$work/cc" kinit alice@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "alice's tickets in the lab (kinit)"
slow && fast
ok $? "the lab's packets can be held $latency ms (labctl fault latency; the injector: make build/tests/bench/exwiz-latency)"
[ "$fails" -eq 0 ] || { finish; exit 1; }

# A full sweep: the bar while it runs, then the summary by cause.
start "$exw" -u frank -x exch1.exwiz.test -o "$work/t1.jsonl"
wait_for "> target    WARN" 100 && wait_gone "Running" 50
slow
tm send-keys -t "$sess" W
wait_for "Who else is affected: domain-wide sweep (running)" 50 &&
	wait_for "Phase: reading the groups" 100 &&
	screen | grep -Eq '^\[[#-]{10,}\] users [0-9,]+ / ' &&
	screen | grep -Eq "[0-9]+ problems? so far" && bar | grep -q "Esc:stop"
ok $? "W: the sweep screen, its progress bar while the groups are read ($(screen | grep -E '^\[' | cut -c1-70))"
# counted: the bar of the users' phase gives the total once the count (on a
# connection of its own, beside the groups) is in
counted() {
	screen | grep -q "Phase: judging the users" &&
		screen | grep -Eq '^\[[#-]+\] users [0-9,]+ / [0-9,]+ \([0-9]+%\)'
}
wait_until 300 counted
rc=$?
users_bar=$(screen | grep -E '^\[' | sed 's/ *$//')
[ $rc -eq 0 ]
ok $? "the bar counts the users judged of the total ($users_bar)"
wait_for "Done in " 600 && fast
ok $? "the sweep ends: done ($(message))"
screen | grep -q "v more below" && ! screen | grep -q "more above" &&
	! screen | grep -q "W sweeps again"
more_below=$?
tm send-keys -t "$sess" End
wait_for "W sweeps again; s saves it with the report; Esc closes." 30 &&
	screen | grep -q "more above" && ! screen | grep -q "v more below"
ok $(($? + more_below)) "at 80x24 the summary is longer than the screen, marked; End scrolls to its last line"
tm send-keys -t "$sess" Home
wait_for "Done in " 30 && grab_report
ok $? "the whole summary, read at 80x150 ($(wc -l <"$report") lines)"
section token-too-large | grep -q "^  frank  " && section spn-duplicate | grep -q "^  websvc  " &&
	grep -q "^Not checked" "$report" && ! grep -qi "partial" "$report"
ok $? "by cause: frank under token-too-large, websvc under spn-duplicate, what was not checked"
counts=$(awk '/^[a-z-]+: [0-9]+ /{print $2}' "$report")
[ -n "$counts" ] && printf '%s\n' "$counts" | sort -rn -c 2>/dev/null
ok $? "the causes the largest first ($(printf '%s' "$counts" | tr '\n' ' '))"
idle "exwizard -u frank -x exch1.exwiz.test -o $work/t1.jsonl"
ok $? "the sweep ended: the wizard is idle, no wake-up left unread (CPU ticks in 3 s: $ticks)"
bar | grep -q "Esc:close" && bar | grep -q "W:again" && bar | grep -q "q:quit"
ok $? "the ended sweep's key bar: close, again, quit ($(bar | sed 's/ *$//'))"

# A second sweep stopped with Esc once its groups are being read: partial.
slow
tm send-keys -t "$sess" W
wait_for "Phase: reading the groups" 100 && tm send-keys -t "$sess" Escape
wait_for "Sweep stopped: partial" 300 && wait_for "Stopped (Esc): partial, cancelled, not failed" 30 &&
	screen | grep -q "^PARTIAL: "
ok $? "Esc while the groups are read stops the sweep: partial, what it covered ($(screen | grep -A1 '^PARTIAL' | tr -s ' ' | tr '\n' ' '))"
fast
tm send-keys -t "$sess" Escape
wait_gone "Who else is affected" 30 && wait_for "> target    WARN" 30
ok $? "Esc once it ended closes the sweep screen"

# f on the summary: the selected cause, when a sweep can find it.
tm send-keys -t "$sess" a
wait_for "> summary" 600 && wait_for "Diagnosis:" 50 && tm send-keys -t "$sess" Tab
wait_for "Who else: f sweeps the domain for the selected cause" 30 && bar | grep -q "f:others"
ok $? "the summary says f and W find who else; its key bar offers f ($(bar | sed 's/ *$//'))"
# Select the cause whose id is given (j from the first), then f.
select_cause() {
	tm send-keys -t "$sess" g
	_sc=0
	while [ "$_sc" -lt 8 ]; do
		tm send-keys -t "$sess" Enter
		wait_for "Cause " 30 || return 1
		if screen | grep -q "Cause [0-9]*: $1 "; then
			tm send-keys -t "$sess" Escape
			wait_gone "Cause [0-9]*: " 30
			return 0
		fi
		tm send-keys -t "$sess" Escape
		wait_until 30 sh -c '! tmux -L "$1" capture-pane -p -t "$2" | grep -q " Cause [0-9]*: "' - "$sock" "$sess"
		tm send-keys -t "$sess" j
		_sc=$((_sc + 1))
	done
	return 1
}
select_cause dns-resolver-split && tm send-keys -t "$sess" f
wait_for "A sweep cannot find dns-resolver-split from the directory" 30 &&
	! screen | grep -q "Who else is affected:"
ok $? "f on a cause a sweep cannot find says which it can ($(message | cut -c1-100))"
select_cause token-too-large && tm send-keys -t "$sess" f
wait_for "Who else is affected: token-too-large" 30 && wait_for "Done in " 300
grab_report
section token-too-large | grep -q "^  frank  " && ! section spn-duplicate | grep -q . &&
	[ "$(grep -Ec '^[a-z-]+: [0-9]+ ' "$report")" -eq 1 ]
ok $? "f on token-too-large sweeps for it alone: frank among them ($(grep -E '^[a-z-]+: [0-9]+ ' "$report"))"
tm send-keys -t "$sess" Escape
wait_gone "Who else is affected" 30 && wait_for "> summary" 30
tm resize-window -t "$sess" -x 80 -y 150
wait_for "s saves this report as text" 50 && screen >"$work/summary.txt"
tm resize-window -t "$sess" -x 80 -y 24
grep -q "TOK-SIZE" "$work/summary.txt" && ! grep -q "mailbox-protected\|SWEEP-DOMAIN" "$work/summary.txt"
ok $? "frank's summary, whole: his own TOK-SIZE, none of the sweep's findings (no SWEEP-DOMAIN, no mailbox-protected)"

# q while a sweep runs: asked first, then the wizard ends cleanly.
slow
tm send-keys -t "$sess" W
wait_for "Phase: reading the groups" 100 && tm send-keys -t "$sess" q
wait_for "A sweep is running. Stop it and quit? (y/n)" 30 && tm send-keys -t "$sess" y
wait_for "EXITED 2" 100 && tail -n 1 "$work/t1.jsonl" | grep -q '"event":"end"'
ok $? "q while a sweep runs asks first; y ends the wizard, the transcript complete"
fast

# The transcript: each sweep a step (two whole, one stopped, one ended by q).
got=$(sweeps "$work/t1.jsonl")
printf '%s' "$got" | grep -Eq '^(fail|warn):whole cancelled:partial (fail|warn):whole cancelled:partial $'
ok $? "the transcript records each sweep as a step ($got)"
"$exw" show --brief "$work/t1.jsonl" >"$work/brief.txt" 2>&1
grep -q "TOK-SIZE" "$work/brief.txt" && ! grep -q "SWEEP-DOMAIN\|mailbox-protected\|mailbox-descriptor" "$work/brief.txt"
ok $? "show --brief of that transcript: frank's causes from his own checks (TOK-SIZE), none from the sweep's findings ($(grep -c '^ *[0-9]*\. \[' "$work/brief.txt") causes)"

finish
