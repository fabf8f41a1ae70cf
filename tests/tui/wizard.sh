#!/bin/sh
# End-to-end test of the wizard in tmux at 80x24 against the lab domain: the
# screens by keys, resize, NO_COLOR and --ascii, a silent server and Esc, q
# and a lost session (the tmux client killed). Prints TAP.
set -u
. "$(dirname "$0")/../integration/lib.sh"
export TERM="${TERM:-xterm}"	# tmux itself; the wizard gets xterm-256color
sess="exwiz-tui"
scene_prefix=exwiz-tui
. "$(dirname "$0")/../lib/tmux.sh"
silent_pid=
dropped=
at_exit() {
	kill_scenes
	stop_listener "$silent_pid"
	[ -n "$dropped" ] && "$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1
}
# settled: the screen is the same in two captures a tenth of a second apart
# (a redraw under way is not read half done); 3 s at most.
settled() {
	_n=0
	_a=$(screen)
	while [ "$_n" -lt 30 ]; do
		sleep 0.1
		_b=$(screen)
		[ "$_a" = "$_b" ] && return 0
		_a=$_b
		_n=$((_n + 1))
	done
	return 1
}
# page_on: space, then until the screen has changed (1 s at most) and
# settled; 1 when it did not change (the last page).
page_on() {
	_before=$(screen)
	tm send-keys -t "$sess" ' '
	wait_until 10 sh -c '[ "$(tmux -L "$1" capture-pane -p -t "$2")" != "$3" ]' - "$sock" "$sess" "$_before" &&
		settled
}
start() {
	new_scene "$labctl -n $ns exec env LANG=C.UTF-8 TERM=xterm-256color KRB5CCNAME=FILE:$work/cc $* ; echo EXITED \$?; sleep 30"
}

inlab env KRB5CCNAME="FILE:$work/cc" kinit Administrator@EXWIZ.TEST <"$EXWIZ_LAB_ADMIN_PASSWORD_FILE" >/dev/null 2>&1
X="-u bob -x exch1.exwiz.test -x fe1.region1.exwiz.test -m junior"

# The walk: first frame, DNS, every step, the summary.
t0=$(msecs)
start "$exw" $X -o "$work/t1.jsonl"
wait_for "summary" 50
ok $? "first frame: the step list with the summary is on screen ($(( $(msecs) - t0 )) ms to first frame, lab namespace included)"
wait_for "> target    WARN" 50 && screen | head -1 | grep -q "REC .*t1.jsonl"
ok $? "the header shows the recording and the target step has run (it warns: Administrator's cache, user bob)"
tm send-keys -t "$sess" n Enter
wait_for "DNS-SERVERS" 100
ok $? "n, Enter: the DNS step runs and shows its findings"
screen | grep -q "dns       FAIL" && screen | grep -q "\[FAIL\] DNS-REALM fe1.region1.exwiz.test"
ok $? "the DNS step is FAIL and names the disjoint front end"
tm send-keys -t "$sess" Tab Enter
wait_for "Evidence:" 30 && bar | grep -q "Esc/q:close j/k:scroll PgUp/PgDn ?:help" &&
	! bar | grep -q "q:quit" && tm send-keys -t "$sess" Escape
ok $? "Tab, Enter: the details of a finding open, their key bar has close, scroll, help ($(bar | sed 's/ *$//')), and Esc closes them"
tm send-keys -t "$sess" F1
wait_for "DNS-SRV: the SRV records" 30 && tm send-keys -t "$sess" Escape
ok $? "F1: the help topic of the selected finding"
tm send-keys -t "$sess" a
wait_for "> summary" 300
ok $? "a: every remaining step runs and the wizard ends on the summary"
screen | grep -q "tickets   FAIL" && screen | grep -q "groups    WARN" && screen | grep -q "mailbox   FAIL"
ok $? "the step list shows tickets FAIL, groups WARN, mailbox FAIL"
# The summary opens on the diagnosis: the verdict, then the causes ranked,
# each with the check ids of its evidence; the first one selected.
sum_rows() { screen | sed -n '3,22p' | cut -c21-; }
sum_rows | head -1 | grep -q "^Diagnosis: ." && sum_rows | grep -q "^> 1\. \[FAIL\] " &&
	sum_rows | grep -q "^  2\. \[\(FAIL\|WARN\)\] " && sum_rows | grep -Eq "^      ([A-Z]+-[A-Z]+)(, [A-Z]+-[A-Z]+)*" &&
	bar | grep -q "Enter:cause"
ok $? "the summary opens on the verdict and the ranked causes with their checks, the first selected ($(sum_rows | head -1))"
# Enter: the selected cause's details; j selects the next one.
tm send-keys -t "$sess" Enter
wait_for "Cause 1: " 30 && settled && screen | grep -q "Evidence:" &&
	screen | grep -Eq "\[(FAIL|WARN)\] [A-Z]+-[A-Z]+ \((dns|tickets|groups|mailbox)\): "
ok $? "Enter on the summary: the first cause's details with its evidence (check, step, title)"
# Its fix and confirmation, compared with the transcript below: every page of
# the details (space pages on until the page no longer changes).
settled
screen >"$work/cause1.screen"
for _ in 1 2 3 4 5 6; do
	page_on || break
	screen >>"$work/cause1.screen"
done
tm send-keys -t "$sess" Escape
wait_gone "Cause 1: " 30
tm send-keys -t "$sess" j
wait_for "> 2. [" 30 && tm send-keys -t "$sess" Enter && wait_for "Cause 2: " 30
ok $? "j: the second cause is selected, Enter opens it"
tm send-keys -t "$sess" Escape
wait_gone "Cause 2: " 30
tm send-keys -t "$sess" ' '
wait_for " fail, " 30 && screen | grep -Eq "^.{18}. [0-9]+ fail, [0-9]+ warn"
rc=$?
# The findings run on over the next pages: KRB-SVC's among them.
for _ in 1 2 3; do
	screen | grep -q "KRB-SVC No session ticket for HTTP/exch1" && break
	page_on || break
done
[ "$rc" -eq 0 ] && screen | grep -q "KRB-SVC No session ticket for HTTP/exch1"
ok $? "below the diagnosis the summary lists the findings by severity with their remedies"
tm send-keys -t "$sess" s
wait_for "Report saved:" 30
ok $? "s saves the text report"
tm send-keys -t "$sess" q
wait_for "EXITED" 50
ok $? "q quits"
tm capture-pane -p -J -t "$sess" | grep -q "Transcript: $work/t1.jsonl"
ok $? "after q the terminal shows the one-line summary (a sane terminal)"
tail -n 1 "$work/t1.jsonl" | grep -q '"event":"end"' &&
	[ "$(grep -c '"phase":"end"' "$work/t1.jsonl")" -eq 5 ]
ok $? "the transcript is complete: five steps ended, an end event"
"$exw" show "$work/t1.jsonl" | grep -q "KRB-SVC"
ok $? "exwizard show reads the transcript of the wizard"
head -n 1 "$work/t1.jsonl" | grep -q '"command":"wizard".*"event":"session"'
ok $? "the transcript's session event says the wizard ran it"
# The first cause's details showed what the diagnosis says of it: its id, its
# first fix (Windows, this host) and how to confirm, where it has them.
py 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
c=[e for e in ev if e["event"]=="diagnosis"][-1]["diagnosis"]["causes"][0]
scr=" ".join(l[3:75].strip() for l in open(sys.argv[2]).read().splitlines())
want=["Cause 1: "+c["id"]]
for k,head in (("windows","Fix on Windows:"),("linux","Fix on this host:")):
    if c.get("fix",{}).get(k): want+= [head, " ".join(c["fix"][k][0].split()[:3])]
if c.get("confirm"): want+=["Confirm:", " ".join(c["confirm"].split()[:3])]
miss=[w for w in want if w not in scr]
if miss: print("# not on the screens of cause 1: %s" % miss)
sys.exit(1 if miss else 0)
' "$work/t1.jsonl" "$work/cause1.screen"
ok $? "the cause's details named the transcript's first cause, with its fix and confirmation where it has them"

# exwizard show on a terminal: the same views, read-only.
new_scene "env LANG=C.UTF-8 TERM=xterm-256color $exw show $work/t1.jsonl; echo EXITED; sleep 30"
wait_for "VIEW (read-only)" 50 && screen | grep -q "mailbox   FAIL" && screen | grep -q "| EXWIZ.TEST | bob |"
ok $? "show FILE on a terminal: the wizard's views of the saved session, read-only"
tm send-keys -t "$sess" F5
wait_for "nothing runs here" 20
ok $? "... where nothing runs"
tm send-keys -t "$sess" q
wait_for "EXITED" 30

# The target form: another login (kinit with the password asked without echo).
# The kinit runs on the worker; the transcript records the new login, never
# the password.
# form_login LOGIN: e, LOGIN in the form's Login field, Enter: until the
# password is asked.
form_login() {
	tm send-keys -t "$sess" e
	wait_for "Target: Enter applies" 20
	for i in 1 2 3 4 5 6; do tm send-keys -t "$sess" Tab; done
	for i in 1 2 3 4 5 6; do tm send-keys -t "$sess" BSpace; done
	tm send-keys -t "$sess" "$1" Enter
	wait_for "Password (not shown)" 20
}
pw=$(head -n 1 "$EXWIZ_LAB_PASSWORD_FILE")
start "$exw" -x exch1.exwiz.test -o "$work/login.jsonl"
wait_for "> target" 50
form_login "kinit alice"
tm send-keys -t "$sess" "$pw"
shown=$(screen)
tm send-keys -t "$sess" Enter
wait_for "| alice@EXWIZ.TEST |" 50 && ! screen | grep -qF "$pw" && ! printf '%s' "$shown" | grep -qF "$pw"
ok $? "the form's Login kinit alice: a TGT after a password prompt without echo; the steps use it"
wait_for "Target and defaults: done" 50
grep '"source":"form"' "$work/login.jsonl" | grep -q '"credentials":"kinit alice@EXWIZ.TEST (a private in-memory cache)"'
ok $? "the transcript records the form's login: kinit alice@EXWIZ.TEST (a private in-memory cache)"
tm send-keys -t "$sess" q
wait_for "EXITED" 30
[ -s "$work/login.jsonl" ] && ! LC_ALL=C grep -qaF -- "$pw" "$work/login.jsonl"
ok $? "the password is not in the wizard's transcript ($(wc -c <"$work/login.jsonl") bytes)"

# A KDC that never answers (krb5.conf names the silent server for a realm
# of its own): the UI stays live while the kinit waits, Esc cancels it and
# nothing changes.
silent=$ADDR_T_WIZARD_SILENT
start_listener silent_pid "$silent" "$top/tests/lib/silent_dns.py" 120
ok $? "a silent server for the KDC listens on $silent (pid $silent_pid)"
printf '[realms]\n\tSILENT.TEST = {\n\t\tkdc = %s:53\n\t}\n' "$silent" >"$work/silent-krb5.conf"
start env KRB5_CONFIG="$work/silent-krb5.conf:$KRB5_CONFIG" "$exw" -u bob -x exch1.exwiz.test \
	--timeout 10 -o "$work/nokdc.jsonl"
wait_for "> target    WARN" 50
form_login "kinit nobody@SILENT.TEST"
tm send-keys -t "$sess" "not-$pw" Enter
# spinner: the glyph before "Getting a ticket" in the form
spinner() { screen | sed -n 's/.*\(.\) Getting a ticket for nobody@SILENT.TEST.*/\1/p' | head -1; }
wait_for "Getting a ticket for nobody@SILENT.TEST... (Esc cancels)" 30
rc=$?
g1=$(spinner)
wait_until 30 sh -c '[ "$(tmux -L "$1" capture-pane -p -t "$2" | sed -n "s/.*\(.\) Getting a ticket for nobody@SILENT.TEST.*/\1/p" | head -1)" != "$3" ]' \
	sh "$sock" "$sess" "$g1"
turned=$?
[ "$rc" -eq 0 ] && [ "$turned" -eq 0 ] && [ -n "$g1" ]
ok $? "while the KDC is silent the screen stays live: the form says it is getting a ticket, the spinner turns ($g1 -> $(spinner))"
t0=$(msecs)
tm send-keys -t "$sess" Escape
wait_for "Cancelled: no ticket for nobody@SILENT.TEST; nothing was changed" 30
ok $? "Esc cancels the kinit ($(( $(msecs) - t0 )) ms; the KDC's bound is 23 s)"
tm send-keys -t "$sess" Escape
wait_for "Target unchanged" 20 && screen | head -1 | grep -q "| bob |" &&
	! grep '"source":"form"' "$work/nokdc.jsonl" | grep -q .
ok $? "then Esc closes the form: the target is unchanged (user bob, no form input in the transcript)"
tm send-keys -t "$sess" n Enter
wait_for "DNS-SERVERS" 100
ok $? "and the wizard goes on: n, Enter runs the DNS step"
tm send-keys -t "$sess" q
wait_for "EXITED" 30
tail -n 1 "$work/nokdc.jsonl" | grep -q '"event":"end"' && ! LC_ALL=C grep -qaF -- "$pw" "$work/nokdc.jsonl"
ok $? "the transcript is complete and holds no password"
stop_listener "$silent_pid"
ok $? "the silent KDC's server (pid $silent_pid) has ended"
silent_pid=

# A target edit applies all of its fields or none, and what ran for the
# earlier target is marked stale until it runs again.
start "$exw" -u bob -x exch1.exwiz.test -o "$work/t4.jsonl"
wait_for "> target    WARN" 50
tm send-keys -t "$sess" n n n Enter
wait_for "TOK-COUNT bob is in 603" 100
ok $? "the groups step runs for bob"
tm send-keys -t "$sess" e
wait_for "Target: Enter applies" 20
tm send-keys -t "$sess" Tab Tab
for i in 1 2 3 4 5; do tm send-keys -t "$sess" BSpace; done
tm send-keys -t "$sess" carol Tab " bad..name" Enter
wait_for "Not applied, nothing was changed" 20 && tm send-keys -t "$sess" Escape &&
	wait_for "Target unchanged" 20 && screen | head -1 | grep -q "| bob |" &&
	screen | grep -q "groups    WARN"
ok $? "a form with one bad field (an Exchange name) changes nothing: the user stays bob"
# The Symptoms field (the eighth): checked as --symptom; symptoms alone keep
# the results (they rank causes, they do not change what the steps found).
tm send-keys -t "$sess" e
wait_for "Target: Enter applies" 20
for i in 1 2 3 4 5 6 7; do tm send-keys -t "$sess" Tab; done
tm send-keys -t "$sess" "40960 bogus" Enter
wait_for "Not applied, nothing was changed: unknown symptom 'bogus' (symptoms: 40960," 20 &&
	tm send-keys -t "$sess" Escape && wait_for "Target unchanged" 20
ok $? "the form's Symptoms field: an unknown id is refused with the valid ones listed"
tm send-keys -t "$sess" e
wait_for "Target: Enter applies" 20
for i in 1 2 3 4 5 6 7; do tm send-keys -t "$sess" Tab; done
tm send-keys -t "$sess" "40960 unavailable" Enter
wait_gone "Target: Enter applies" 20 && wait_for "Target and defaults: done" 50 &&
	screen | grep -q "groups    WARN" && ! screen | grep -q "STALE"
ok $? "Symptoms 40960 unavailable applied: the groups result stays, nothing is stale"
tm send-keys -t "$sess" e
wait_for "Target: Enter applies" 20
tm send-keys -t "$sess" Tab Tab
for i in 1 2 3 4 5; do tm send-keys -t "$sess" BSpace; done
tm send-keys -t "$sess" carol Enter
wait_for "| carol |" 50 && wait_for "> groups    STALE" 20 && wait_for "Target and defaults: done" 50
ok $? "user bob -> carol: the header says carol, the target step ran again and bob's groups are marked STALE"
wait_for "STALE: run for user bob" 20 && screen | grep -q "As Administrator@EXWIZ.TEST (GSSAPI" &&
	screen | grep -Eq "asked( |$)" && screen | grep -q "dc1.exwiz.test"
ok $? "the groups pane says its results were run for user bob, and whose credentials read them from which DC"
tm send-keys -t "$sess" s
wait_for "Report saved:" 30 &&
	grep -q "STALE: run for an earlier target (user bob" "$work"/t4-report-*.txt &&
	grep -q "^  User:      carol" "$work"/t4-report-*.txt
ok $? "the saved report marks bob's groups STALE under the header for carol"
tm send-keys -t "$sess" a
wait_for "> summary" 300 && screen | grep -q "groups    INFO" && ! screen | grep -q "STALE"
ok $? "a runs the stale steps again: carol's groups, nothing stale left"
tm send-keys -t "$sess" q
wait_for "EXITED" 30
"$exw" show --json "$work/t4.jsonl" | /usr/bin/python3 -c 'import json,sys
r=json.load(sys.stdin); g=[s for s in r["steps"] if s["id"]=="groups"]
ok=len(g)==2 and "user bob" in g[0]["data"].get("stale","") and "stale" not in g[1]["data"]
sys.exit(0 if ok and r["target"]["user"]=="carol" else 1)'
ok $? "show marks the run for bob stale in the transcript, and not the run for carol"
grep '"source":"form"' "$work/t4.jsonl" | head -1 | grep '"changed":false' |
	grep -q '"symptoms":\["40960","unavailable"\]'
ok $? "the transcript records the form's symptoms, as no change of target"

# Resize: larger, smaller, too small.
start "$exw" $X --no-transcript
wait_for "summary" 50
# Each frame waited for by what only the new size shows.
long_bar() { screen | grep -q "F5 re-run  n/p next/prev" && [ "$(screen | wc -l)" -ge 40 ]; }
at_60x20() { [ "$(screen | wc -l)" -eq 20 ] && screen | grep -q "> target" && ! screen | grep -q "F5 re-run  n/p next/prev"; }
too_small() { screen | grep -q "Terminal too small: 40x10"; }
wizard_again() { screen | grep -q "> target" && ! screen | grep -q "too small"; }
tm resize-window -t "$sess" -x 120 -y 40
wait_until 30 long_bar
ok $? "120x40: redrawn with the long key bar"
tm resize-window -t "$sess" -x 60 -y 20
wait_until 30 at_60x20 && ! screen | grep -q "too small"
ok $? "60x20: still drawn"
tm resize-window -t "$sess" -x 40 -y 10
wait_until 30 too_small
ok $? "40x10: the terminal-too-small screen"
tm resize-window -t "$sess" -x 80 -y 24
wait_until 30 wizard_again
ok $? "back to 80x24: the wizard again"
idle "exwizard $X --no-transcript"
ok $? "idle: no busy loop (CPU ticks in 3 s idle: $ticks)"
tm send-keys -t "$sess" q
wait_for "EXITED" 50

# NO_COLOR and --ascii: no colour, no line-drawing characters.
new_scene \
	"$labctl -n $ns exec env NO_COLOR=1 LANG=C.UTF-8 TERM=xterm-256color KRB5CCNAME=FILE:$work/cc $exw $X --ascii --no-transcript; sleep 30"
wait_for "summary" 50 && wait_for "> target    WARN" 100
tm send-keys -t "$sess" n Enter
wait_for "DNS-SERVERS" 100
rc=$?
esc=$(tm capture-pane -p -e -t "$sess")
[ "$rc" -eq 0 ] && ! printf '%s' "$esc" | grep -q "$(printf '\033')\[3[0-7]m" &&
	! printf '%s' "$esc" | grep -q "$(printf '\033')\[38;5" &&
	printf '%s' "$esc" | grep -q ' |' && ! printf '%s' "$esc" | grep -q "$(printf '\342\224')"
ok $? "NO_COLOR and --ascii: no colour escapes, ASCII lines only"
tm send-keys -t "$sess" q

# A silent DNS server: keys are still handled while the step waits; Esc cancels.
silent=$ADDR_T_WIZARD_SILENT
start_listener silent_pid "$silent" "$top/tests/lib/silent_dns.py" 120
ok $? "a silent DNS server listens on $silent (pid $silent_pid, the python process)"
# step_event ID PHASE TRANSCRIPT: the transcript holds that step event
step_event() {
	grep '"event":"step"' "$3" 2>/dev/null | grep "\"id\":\"$1\"" | grep -q "\"phase\":\"$2\""
}
# dns_running: the pane says the DNS step runs, the transcript has its start
# and no end
dns_running() {
	screen | grep -qF "(Esc cancels)" && step_event dns start "$work/t2.jsonl" &&
		! step_event dns end "$work/t2.jsonl"
}
start "$exw" $X --dns-server "$silent" --timeout 10 --tries 2 -o "$work/t2.jsonl"
# The target step first (it runs as the wizard starts): Enter waits for it.
wait_for "> target    WARN" 100
tm send-keys -t "$sess" n Enter
i=0
until dns_running || [ "$i" -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
dns_running
ok $? "n, Enter: the DNS step is running (the pane says Esc cancels; the transcript has its start, no end)"
t0=$(msecs)
tm send-keys -t "$sess" Tab
wait_for "Running; the findings" 20
tm send-keys -t "$sess" '?'
wait_for "Step \"dns\"" 20
rc=$?
el=$(( $(msecs) - t0 ))
[ "$rc" -eq 0 ] && ! step_event dns end "$work/t2.jsonl"
ok $? "while the step waits on the silent server, keys are handled ($el ms for two keys and their frames; the step still runs)"
bar | grep -q "Esc/q:close j/k:scroll PgUp/PgDn *$"
ok $? "the help's key bar: close and scroll, no help on help ($(bar | sed 's/ *$//'))"
tm send-keys -t "$sess" Escape
wait_gone "Step \"dns\"" 20 && dns_running
ok $? "Esc closes the help; the step still runs"
tm send-keys -t "$sess" q
wait_for "Stop it and quit? (y/n)" 20 && bar | grep -q "^ y:yes n:no *$"
ok $? "q while a step runs asks first; the question's key bar is y and n ($(bar | sed 's/ *$//'))"
tm send-keys -t "$sess" n
wait_gone "Stop it and quit" 20 && bar | grep -q "Esc:cancel" && dns_running
ok $? "n: no quitting, the step still runs and Esc:cancel is offered"
tm send-keys -t "$sess" Escape
wait_for "dns       STOP" 30 && grep '"event":"step"' "$work/t2.jsonl" | grep '"id":"dns"' |
	grep '"phase":"end"' | grep -q '"status":"cancelled"'
ok $? "Esc cancels the running step: STOP on the step list, status cancelled in the transcript"
tm send-keys -t "$sess" q
wait_for "EXITED" 50
tail -n 1 "$work/t2.jsonl" | grep -q '"event":"end"'
ok $? "the transcript of the cancelled session is complete"
stop_listener "$silent_pid"
ok $? "the silent DNS server (pid $silent_pid) has ended"
silent_pid=

# A lost SSH session: the tmux session killed under the wizard.
start "$exw" $X -o "$work/t3.jsonl"
wait_for "summary" 50 && wait_for "> target    WARN" 100
tm send-keys -t "$sess" n Enter
wait_for "DNS-SERVERS" 100
tm kill-session -t "$sess"
wizard_gone() { ! pgrep -f "exwizard $X -o $work/t3.jsonl" >/dev/null; }
wait_until 100 wizard_gone && tail -n 1 "$work/t3.jsonl" | grep -q '"event":"end"'
ok $? "a killed session (SIGHUP): the wizard ends, the transcript is complete"


# The summary scrolls to its last line; the key bar lists what works, fits
# and keeps q; keys with nothing to do say so.
start "$exw" $X -o "$work/t5.jsonl"
wait_for "> target    WARN" 50
bar | grep -q "q:quit *$" && bar | grep -q "?:help" && ! bar | grep -q "Esc:cancel"
ok $? "80x24 main screen: the key bar fits with q:quit whole ($(bar | sed 's/ *$//'))"
tm send-keys -t "$sess" f
wait_for "Nothing to flush: f is for when the DNS step"
ok $? "f with no DNS cache warning: a message says there is nothing to flush"
tm send-keys -t "$sess" n d
wait_for "No data yet: Enter runs this step"
ok $? "d on a step not run: a message says there is no data yet"
tm send-keys -t "$sess" a
wait_for "> summary" 300
! screen | sed 1d | grep -q "t5.jsonl *$" && screen | grep -q "v more below"
ok $? "the summary at 80x24 is longer than the pane: the transcript line is below, marked"
tm send-keys -t "$sess" Tab End
wait_for "s saves this report" 30 && screen | grep -q "Transcript:" && screen | sed 1d | grep -q "t5.jsonl *$" &&
	screen | grep -q "\^ more above" && ! screen | grep -q "v more below"
ok $? "Tab, End: the summary scrolls to its last line (the transcript path), marked as more above"
tm send-keys -t "$sess" Home
wait_for "v more below" 30 && ! screen | grep -q "more above" && ! screen | sed 1d | grep -q "t5.jsonl *$"
ok $? "Home: back at the top of the summary"
bar | grep -q "Tab/j/k:scroll" && ! bar | grep -q "d:data" && bar | grep -q "Enter:cause" &&
	! bar | grep -q "Enter:details\|Enter:run"
ok $? "the summary's key bar: scroll keys, no d, Enter for a cause only ($(bar | sed 's/ *$//'))"
tm send-keys -t "$sess" d
wait_for "the summary has none"
ok $? "d on the summary: a message says it has no data view"
tm send-keys -t "$sess" a
wait_for "Every step has run: nothing left for a"
ok $? "a with every step run: a message says nothing is left"
tm send-keys -t "$sess" e
wait_for "Target: Enter applies" 20 && bar | grep -q "Enter:apply" && bar | grep -q "Esc:cancel" &&
	! bar | grep -q "q:quit"
ok $? "the form's key bar: its own keys, no q:quit ($(bar | sed 's/ *$//'))"
tm send-keys -t "$sess" Escape
wait_for "Target unchanged" 20
tm send-keys -t "$sess" p p p p
wait_for "> dns" 20
intro=$(screen | sed -n '3,6p' | cut -c21- | grep -Ev "^[-─q]+ *$" | tr '\n' ' ')
printf '%s' "$intro" | grep -Eq '\. *$'
ok $? "the dns step's intro ends at the end of a sentence ($intro)"
tm send-keys -t "$sess" q
wait_for "EXITED" 50

# The read-only view's key bar: nothing that runs or edits.
new_scene "env LANG=C.UTF-8 TERM=xterm-256color $exw show $work/t5.jsonl; echo EXITED; sleep 30"
wait_for "VIEW (read-only)" 50
bar | grep -q "q:quit" && ! bar | grep -Eq "F5|e:edit|a:all|f:flush"
ok $? "show: the key bar offers no F5, e, a ($(bar | sed 's/ *$//'))"
tm send-keys -t "$sess" q
wait_for "EXITED" 30

# 20x5: the too-small text whole, in whole words.
start "$exw" $X --no-transcript
wait_for "summary" 50
tm resize-window -t "$sess" -x 20 -y 5
small_whole() { screen | tr '\n' ' ' | tr -s ' ' | grep -q "Terminal too small: 20x5\. exwizard needs at least 60x16\. Make the window larger, or press q to quit\."; }
wait_until 30 small_whole
ok $? "20x5: the too-small text fits whole ($(screen | tr '\n' '|'))"
tm send-keys -t "$sess" q
wait_for "EXITED" 50

# The DNS data view: the DC's address whole, every cut value marked, and h/l
# reach what the pane cuts (the columns then shown whole).
start "$exw" $X --dns-server "$ADDR_DC" --no-transcript
wait_for "> target    WARN" 50
tm send-keys -t "$sess" n Enter
wait_for "DNS-SERVERS" 100 && tm send-keys -t "$sess" d
wait_for "Answers" 30 || wait_for "Server" 30
# data_rows: the rows of the data pane (right of the step list), blanks cut
data_rows() { screen | sed '$d' | sed '$d' | cut -c21- | sed 's/ *$//' | sed -n '/Type  *Server/,$p'; }
data_rows | grep -q "SRV  *$ADDR_DC  *ok" &&
	data_rows | grep -q '^Name  *Type  *Server  *Status' &&
	! data_rows | sed 1d | awk '{print $1}' | grep -v '\.exwiz\.test$' | grep -qv '…$'
ok $? "d on the DNS step at 80x24: $ADDR_DC whole in the server column, every name whole or marked …"
data_rows | grep -q '…$' && ! data_rows | grep -Eq '(Stat|nxdo)$'
ok $? "... and a row cut at the pane's edge ends in … ($(data_rows | sed -n 2p))"
tm send-keys -t "$sess" Tab l l l l l
wait_for "dc1.exwiz.test" 30 && data_rows | grep -q "^….* $ADDR_DC  *ok  *0 100 389 dc1\.exwiz\.test$"
ok $? "Tab, l: the data view scrolls sideways to the answers, marked … on the left"
tm send-keys -t "$sess" q
wait_for "EXITED" 50

# The mailbox data view names each attribute as AD shows it and each right
# of the mover with the attribute it is for; the groups view marks a nesting
# chain wider than the pane.
pane_rows() { screen | sed '$d' | sed '$d' | cut -c21- | sed 's/ *$//'; }
# data_view KEYS FINDING TEXT ARGS...: the wizard for ARGS, KEYS then Enter
# run a step; once FINDING shows, d opens its data, until TEXT shows.
data_view() {
	_keys=$1 _finding=$2 _text=$3
	shift 3
	start "$exw" "$@" --no-transcript
	wait_for "> target    WARN" 50
	tm send-keys -t "$sess" $_keys Enter
	wait_for "$_finding" 150 && tm send-keys -t "$sess" d
	wait_for "$_text" 30
}
quit_scene() {
	tm send-keys -t "$sess" q
	wait_for "EXITED" 50
}
data_view "n n n n" MBX-MOVER msExchHomeServerName -u carol -x exch1.exwiz.test -m junior
pane_rows | grep -q '^  msExchHomeServerName  *\/o=EXWIZ\/ou=OLDSITE\/' &&
	pane_rows | grep -q '^  Mailbox server (of homeMDB)  *EXCH1$' &&
	pane_rows | grep -q '^  Its Exchange version  *Exchange 2003$' &&
	! pane_rows | grep -q 'map \|mailbox_server'
ok $? "d on carol's mailbox step: attributes by their names in AD, the connection in words with the server's Exchange version ($(pane_rows | grep -m1 msExchHomeServerName))"
tm send-keys -t "$sess" Tab j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j
wait_for "Write legacyExchangeDN" 30
pane_rows | grep -q '^  Write msExchHomeServerName  *not allowed on the user$' &&
	[ "$(pane_rows | grep -c '^  Write [A-Za-z]*  *not allowed on the user$')" -eq 6 ] &&
	! pane_rows | grep -q 'mover on'
ok $? "... and junior's right to write each of the six attributes a move writes, by name"
quit_scene
# A group the user is in directly (Domain Users, the primary group) goes by
# its name, not its SID.
data_view "n n n" TOK-COUNT "Domain Users" -u carol
pane_rows | grep -q '^  global  *Domain Users$' && ! pane_rows | grep -q 'S-1-5-21-'
ok $? "d on carol's groups step: the primary group by its name ($(pane_rows | grep -m1 'Domain Users'))"
quit_scene
data_view "n n n" TOK-COUNT 2008R2 -u erin
pane_rows | grep -Eq '^  universal  *US-Erin-Region-[0-9]+ < .*…$'
ok $? "d on erin's groups step: a nesting chain wider than the pane ends in … ($(pane_rows | grep -m1 'US-Erin'))"
tm send-keys -t "$sess" Tab l l l l l
chain_whole() { pane_rows | grep -q '^….*Dept-[0-9]* < GS-Erin-Team-[0-9]*$' && ! pane_rows | grep -q '…$'; }
wait_until 30 chain_whole
ok $? "Tab, l: the chains shown whole, none cut on the right ($(pane_rows | grep -m1 'Team-'))"
quit_scene

# A help topic keeps its layout: KRB-SVC's table rows on lines of their own,
# indented, their columns aligned (a wrapped row goes on under its column);
# blank lines between paragraphs.
start "$exw" $X --no-transcript
wait_for "> target    WARN" 50
tm send-keys -t "$sess" n n Enter
wait_for "[FAIL] KRB-SVC" 100
tm send-keys -t "$sess" Tab j j Enter
wait_for "F1 or ?: help on KRB-SVC" 30 && tm send-keys -t "$sess" F1
wait_for "KRB-SVC: session tickets for the Exchange services" 30
help_rows() { screen | sed -n 's/^...x \(.*\)x.*$/\1/p' | sed 's/ *$//'; }
help_rows | grep -q '^  KDC_ERR_S_PRINCIPAL_UNKNOWN   the SPN is not registered, or' &&
	help_rows | grep -q '^  KRB_AP_ERR_SKEW               the clocks differ too much (KRB-SKEW)$' &&
	help_rows | grep -q '^                                two accounts (see SPN-UNIQUE)$' &&
	help_rows | grep -q '^Each failure is decoded:$' &&
	[ -z "$(help_rows | grep -B1 '^Each failure is decoded:$' | sed -n '1p')" ]
ok $? "F1 on a KRB-SVC finding: the error table's rows on their own lines, indented and aligned, after a blank line"
tm send-keys -t "$sess" Escape q
wait_for "EXITED" 50

# c on the summary: check again and compare. Before every step has run it
# says why; with the lab healed between the two checks, the summary opens on
# what was fixed. Then, with the KDC silent, Esc cancels a second c: no
# comparison.
# (The front end is left out: the healed lab renames it.)
start "$exw" --kinit alice --password-file "$EXWIZ_LAB_PASSWORD_FILE" -x "$EXWIZ_LAB_EXCHANGE" \
	--timeout 60 --tries 1 -o "$work/cmp.jsonl"
wait_for "> target" 50 && tm send-keys -t "$sess" n n n n n
wait_for "> summary" 30 && ! bar | grep -q "c:compare" && tm send-keys -t "$sess" c &&
	wait_for "c compares a new check with this one: run every step first (a)" 30
ok $? "c before every step has run: not in the key bar, and a message says why ($(screen | tail -2 | head -1 | sed 's/ *$//'))"
tm send-keys -t "$sess" a
wait_for "> summary" 300 && wait_for "c:compare" 30
ok $? "every step run: the summary's key bar offers c:compare ($(bar | sed 's/ *$//'))"
tm send-keys -t "$sess" p
wait_for "> mailbox" 30 && ! bar | grep -q "c:compare"
ok $? "on a step c is not offered ($(bar | sed 's/ *$//'))"
tm send-keys -t "$sess" n
wait_for "> summary" 30
# the causes of the first check, as its summary lists them
causes=$(screen | cut -c21- | sed -n 's/^[> ] [0-9]*\. \[[A-Z]*\] .*/x/p' | wc -l)
[ "$causes" -ge 2 ]
ok $? "the first check lists its causes ($causes)"
heal_lab >"$work/cmp-heal" 2>&1
ok $? "the lab is healed between the two checks"
tm send-keys -t "$sess" c
wait_for "Compared with the check at" 600 && wait_for "> summary" 30 &&
	[ "$(grep -c '"phase":"end"' "$work/cmp.jsonl")" -eq 10 ]
ok $? "c: every step runs again, then the summary opens on the comparison"
# its first line, wrapped in the pane
head=$(screen | cut -c21- | tr '\n' ' ' | tr -s ' ' |
	grep -o "Compared with the check at [0-9:]*: [0-9]* fixed, [0-9]* remaining, [0-9]* new")
printf '%s' "$head" | grep -q ": $causes fixed, 0 remaining, 0 new$"
ok $? "every cause of the first check fixed, none remaining, none new ($head)"
# The fixed causes as listed on the screen, page by page up to the diagnosis.
screen >"$work/cmp.screen"
for _ in 1 2 3 4 5 6; do
	grep -q "Diagnosis: " "$work/cmp.screen" && break
	page_on || break
	screen >>"$work/cmp.screen"
done
fixed=$(sed -n 's/^.\{20\}//; /^Fixed:/,/^Remaining:/s/^  [0-9]*\. \([a-z0-9-]*\): .*/\1/p' "$work/cmp.screen" | sort -u | tr '\n' ' ')
missing=
for id in dns-resolver-split spn-duplicate; do
	printf ' %s' "$fixed" | grep -q " $id " || missing="$missing $id"
done
[ -z "$missing" ] && [ "$(echo $fixed | wc -w)" -eq "$causes" ]
ok $? "under Fixed: the first check's causes, dns-resolver-split and spn-duplicate among them ($fixed)"
grep -q "^.\{20\}Remaining: none" "$work/cmp.screen" && grep -q "^.\{20\}New: none" "$work/cmp.screen" &&
	grep -Eq "^.{20}  [A-Z]+-[A-Z0-9-]+ fail -> pass" "$work/cmp.screen"
ok $? "no cause remaining or new; the checks changed from fail to pass are listed"
py 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1])]
a=[e for e in ev if e.get("event")=="action" and e.get("what")=="compare"]
sys.exit(0 if len(a)==1 and a[0]["text"].startswith(sys.argv[2]) and "; fixed: " in a[0]["text"] and "spn-duplicate" in a[0]["text"] else 1)' "$work/cmp.jsonl" "$head"
ok $? "the transcript records the comparison as a compare action"
break_lab >"$work/cmp-break" 2>&1
ok $? "the lab is broken again"
"$labctl" -n "$ns" fault kdc-drop >/dev/null 2>&1 && dropped=1
tm send-keys -t "$sess" Home c
# the third run of the tickets step has started (it waits on the KDC)
wait_until 300 sh -c '[ "$(grep -c "\"id\":\"tickets\",\"phase\":\"start\"" "$1")" -ge 3 ]' - "$work/cmp.jsonl" &&
	tm send-keys -t "$sess" Escape && wait_for "Cancelled: no comparison" 300 &&
	! screen | grep -q "Compared with the check at"
ok $? "Esc cancels the check again: no comparison, a message says so ($(screen | tail -2 | head -1 | sed 's/ *$//'))"
tm send-keys -t "$sess" q
wait_for "EXITED" 50
"$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1 && dropped=
ok $? "the KDC answers again"

# a runs the steps side by side, as check does: with the KDC silent, the
# tickets, groups and mailbox steps all wait on it at once (one after the
# other, the second would start only when the first gave up, 60 s on).
"$labctl" -n "$ns" fault kdc-drop >/dev/null 2>&1 && dropped=1
ok $? "the KDC's port is dropped"
start "$exw" $X --timeout 60 --tries 1 -o "$work/side.jsonl"
wait_for "> target    WARN" 50 && tm send-keys -t "$sess" a
wait_for "Running dns, tickets, groups, mailbox... (Esc cancels)" 50
ok $? "a: the status names every step it runs ($(screen | tail -2 | head -1))"
# started ID / ended ID: the step's start / end event is in the transcript
started() { grep -q "\"id\":\"$1\",\"phase\":\"start\"" "$work/side.jsonl"; }
ended() { grep -q "\"id\":\"$1\",\"phase\":\"end\"" "$work/side.jsonl"; }
all_started() { started tickets && started groups && started mailbox; }
wait_until 300 all_started && ! ended tickets && ! ended groups && ! ended mailbox
ok $? "the tickets, groups and mailbox steps have all started and none has ended: side by side"
tm send-keys -t "$sess" Escape
wait_for "4 steps: cancelled" 300
ok $? "Esc cancels every step of the batch ($(screen | tail -2 | head -1))"
[ "$(grep -c '"phase":"end","status":"cancelled"' "$work/side.jsonl")" -ge 3 ]
ok $? "the transcript has the waiting steps ended as cancelled"
tm send-keys -t "$sess" q
wait_for "EXITED" 50
"$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1 && dropped=
ok $? "the KDC answers again"

# Two users side by side (--compare): the story. carol's mailbox was
# half-moved by junior; dave's, moved by operator, is not.
inlab env KRB5CCNAME="FILE:$work/cc-dave" kinit "$EXWIZ_LAB_STORY_ADMIN@EXWIZ.TEST" \
	<"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
ok $? "kinit $EXWIZ_LAB_STORY_ADMIN (the user it works for)"
C="-u $EXWIZ_LAB_STORY_USER -m $EXWIZ_LAB_STORY_USER_MOVER -x exch1.exwiz.test --compare $EXWIZ_LAB_STORY_ADMIN --compare-mover $EXWIZ_LAB_STORY_ADMIN_MOVER --compare-ccache FILE:$work/cc-dave"
start "$exw" $C -o "$work/ids.jsonl"
wait_for "> target    WARN" 50 && tm send-keys -t "$sess" a
wait_for "carol beside dave: " 300 && settled
screen | grep -q "carol beside dave: [0-9]* aspects differ, 1 not compared;" &&
	bar | grep -q "i:beside"
ok $? "a: the summary says how many aspects differ between carol and dave and how many were not compared, and the bar offers i ($(screen | grep -o 'carol beside dave: [0-9]* aspects differ, 1 not compared'))"
# The worker's last wake-up can come after its job was taken: left unread
# it would wake the loop without end (and redraw the summary over i's view).
idle "exwizard $C -o $work/ids.jsonl"
ok $? "after both users' steps the wizard is idle: no wake-up left unread (CPU ticks in 3 s: $ticks)"
tm send-keys -t "$sess" i
wait_for "The aspects that differ" 50 && settled
screen >"$work/identities-80x24.txt"
# on_a_page CMD...: page through the view until CMD holds (or the last page).
on_a_page() {
	for _p in 1 2 3 4 5 6 7 8 9 10; do
		"$@" && return 0
		page_on || break
	done
	"$@"
}
first_page() {
	screen | grep -q "carol beside dave: [0-9]* of [0-9]* differ" &&
		screen | grep -q "The aspects that differ (? not compared)  *DIFFERS" &&
		screen | grep -q "Kerberos tickets  *?" &&
		screen | grep -q "carol not checked: the tickets shown are"
}
wait_until 50 first_page && bar | grep -q "w:rows"
ok $? "i: the aspects that differ with a differs column; carol's tickets (Administrator's cache) not compared (?)"
half_moved() {
	screen | grep -q "msExchHomeServerName  *yes" &&
		screen | grep -q "carol /o=EXWIZ/ou=OLDSITE" &&
		screen | grep -q "dave  /o=EXWIZ/ou=First Administrative" &&
		screen | grep -q "explains mailbox-half-moved"
}
on_a_page half_moved
ok $? "further down: msExchHomeServerName differs, carol's names the old site, dave's the new one; it explains mailbox-half-moved"
movers() {
	screen | grep -q "carol junior" && screen | grep -q "dave  operator" &&
		screen | grep -q "explains mover-rights"
}
on_a_page movers
ok $? "and the movers side by side, junior and operator, explaining mover-rights"
tm send-keys -t "$sess" w
wait_for "Every aspect" 50 && settled
same_rows() { screen | grep -q " -  *x*$" && screen | grep -q "  both  "; }
on_a_page same_rows
ok $? "w: every aspect, the same ones too (marked -, one value for both)"
tm send-keys -t "$sess" w
wait_for "The aspects that differ" 50
ok $? "w again: only the aspects that differ"
tm send-keys -t "$sess" Escape
wait_gone "The aspects that differ" 50 && tm send-keys -t "$sess" e
wait_for "Compare with" 50 && screen | grep -q "Compare with *dave"
ok $? "e: the target form's Compare with field holds dave"
tm send-keys -t "$sess" Escape
wait_for "Target unchanged" 50 && tm send-keys -t "$sess" q
wait_for "EXITED" 50
"$exw" show --json "$work/ids.jsonl" 2>/dev/null | py 'import json,sys
r=json.load(sys.stdin); d={x["aspect"]: x for x in r["comparison"]["differences"]}
assert d["mover"]["user"] == "junior" and d["mover"]["other"] == "operator", d.get("mover")
assert d["msExchHomeServerName"]["explains"] == "mailbox-half-moved"
assert r["diagnosis"]["compared_with"] == "dave"'
ok $? "the wizard's transcript: show finds the same comparison and the diagnosis compared with dave"

# Both users' steps side by side: with the KDC silent, carol's and dave's
# tickets, groups and mailbox steps have all started and none has ended.
"$labctl" -n "$ns" fault kdc-drop >/dev/null 2>&1 && dropped=1
ok $? "the KDC's port is dropped"
start "$exw" $C --timeout 60 --tries 1 -o "$work/side2.jsonl"
wait_for "> target    WARN" 50 && tm send-keys -t "$sess" a
# steps_of PHASE: "ID/IDENTITY" of the step events of that phase, sorted.
steps_of() {
	py 'import json,sys
print(" ".join(sorted("%s/%s" % (e["id"], e.get("identity", "-")) for e in map(json.loads, open(sys.argv[1]))
    if e.get("event") == "step" and e.get("phase") == sys.argv[2] and e["id"] != "target")))' "$work/side2.jsonl" "$1"
}
want="dns/- groups/- groups/dave mailbox/- mailbox/dave tickets/- tickets/dave"
both_started() { [ "$(steps_of start)" = "$want" ]; }
wait_until 300 both_started && [ -z "$(steps_of end | sed 's/dns\/-//; s/ //g')" ]
ok $? "a: carol's and dave's steps all started and none of the directory's has ended: side by side ($(steps_of start))"
tm send-keys -t "$sess" Escape
wait_for "4 steps: cancelled" 300
ok $? "Esc cancels both users' steps ($(screen | tail -2 | head -1))"
py 'import json,sys
ends=[e for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "step" and e.get("phase") == "end" and e.get("identity") == "dave"]
assert len(ends) == 3 and all(e["status"] == "cancelled" for e in ends), ends' "$work/side2.jsonl"
ok $? "dave's three steps ended as cancelled in the transcript"
tm send-keys -t "$sess" q
wait_for "EXITED" 50
"$labctl" -n "$ns" fault kdc-restore >/dev/null 2>&1 && dropped=
ok $? "the KDC answers again"

finish
