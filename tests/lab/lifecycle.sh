#!/bin/sh
# The lab's life against a running lab (LAB_NS): `labctl up` leaves a lab in
# use alone, says what runs and how to end it, and exits 1; the demo's
# transcript lives outside the lab directory. Run last: before its fix, the
# first test rebuilt the lab under the other suites. Prints TAP.
set -u
. "$(dirname "$0")/../integration/lib.sh"
inns=
other=
owner_saved=
# the lab's owner file as it was before the test wrote its own
restore_owner() {
	[ -n "$owner_saved" ] || return 0
	if [ -f "$work/owner" ]; then cp "$work/owner" "$EXWIZ_LAB_DIR/owner"; else rm -f "$EXWIZ_LAB_DIR/owner"; fi
	owner_saved=
}
at_exit() {
	[ -n "$inns" ] && kill "$inns" 2>/dev/null && wait "$inns" 2>/dev/null
	[ -n "$other" ] && kill "$other" 2>/dev/null && wait "$other" 2>/dev/null
	restore_owner
}
samba_pid() { tr -dc 0-9 <"$EXWIZ_LAB_DIR/run/samba.pid" 2>/dev/null; }
# comm_is PID NAME: PID runs NAME (after the execs of labctl exec)
comm_is() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
wait_comm() {
	i=0
	until comm_is "$1" "$2" || [ "$i" -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
	comm_is "$1" "$2"
}

"$labctl" -n "$ns" status >/dev/null 2>&1
ok $? "lab $ns is up and answering"
before=$(samba_pid)

# In use through a process of its own in the namespace (as the demo's wizard
# is): labctl exec execs into the command, so $! is sleep itself.
"$labctl" -n "$ns" exec sleep 300 &
inns=$!
wait_comm "$inns" sleep
ok $? "a process in lab $ns (pid $inns)"
t0=$(msecs)
"$labctl" -n "$ns" up >"$work/up1.out" 2>"$work/up1.err"
rc=$?
el=$(( $(msecs) - t0 ))
sed 's/^/# /' "$work/up1.err"
[ "$rc" -eq 1 ] && grep -q "^labctl: lab $ns is in use, left as it is" "$work/up1.err" &&
	grep -q "in namespace  pid $inns: sleep 300" "$work/up1.err" &&
	grep -q "lab process   pid $before: samba" "$work/up1.err" &&
	grep -qF "end it with 'labctl -n $ns down'" "$work/up1.err"
ok $? "up on a lab in use: exit 1 ($rc, $el ms), names what runs and how to end it"
comm_is "$inns" sleep && [ "$(samba_pid)" = "$before" ] && "$labctl" -n "$ns" status >/dev/null 2>&1
ok $? "... and the lab was left as it is: the process runs, samba is still pid $before, the lab answers"
kill "$inns" && wait "$inns" 2>/dev/null
inns=

# In use through its owner: the process that ran up still runs (here a
# stand-in: the owner file names a sleep of this test).
owner_saved=1
[ -f "$EXWIZ_LAB_DIR/owner" ] && cp "$EXWIZ_LAB_DIR/owner" "$work/owner"
sleep 300 &
other=$!
wait_comm "$other" sleep
start=$(sed 's/.*) //' "/proc/$other/stat" | cut -d' ' -f20)
echo "$other $start sleep 300" >"$EXWIZ_LAB_DIR/owner"
"$labctl" -n "$ns" up >"$work/up2.out" 2>"$work/up2.err"
rc=$?
sed 's/^/# /' "$work/up2.err"
[ "$rc" -eq 1 ] && grep -q "^labctl: lab $ns is in use, left as it is (started by pid $other (sleep 300), which still runs)" "$work/up2.err" &&
	[ "$(samba_pid)" = "$before" ]
ok $? "up on a lab whose owner still runs: exit 1 ($rc), the owner named, the lab left as it is"
"$labctl" -n "$ns" status 2>&1 | grep -q "owner: started by pid $other (sleep 300), which still runs"
ok $? "status names the owner"
kill "$other" && wait "$other" 2>/dev/null
other=
restore_owner

# The demo's transcript: outside the lab directory, named at the end.
XDG_STATE_HOME="$work/state" sh "$top/tests/lab/demo.sh" "$ns" </dev/null >"$work/demo.out" 2>&1
rc=$?
t=$(ls "$work/state/exwizard/"demo-*.jsonl 2>/dev/null | head -n 1)
[ -n "$t" ] && grep -qF "Its transcript: $t" "$work/demo.out" &&
	! ls "$EXWIZ_LAB_DIR"/demo-*.jsonl >/dev/null 2>&1 && "$exw" show "$t" >/dev/null
ok $? "make demo's transcript is in \$XDG_STATE_HOME/exwizard, not in the lab dir, and named at the end (demo.sh exit $rc: ${t#"$work"/})"

# What a run killed outright leaves: labs of a prefix whose owner has ended
# are taken down by reap; one whose owner still runs is left alone.
prefix="exwizrp$$"
sh -c 'exit 0' &
deadpid=$!
deadstart=$(awk '{ print $22 }' "/proc/$deadpid/stat" 2>/dev/null)
wait "$deadpid"
for l in dead live; do
	mkdir -p "/var/tmp/exwizard-lab-$prefix-$l"
done
echo "$deadpid ${deadstart:-1} sh -c exit 0" >"/var/tmp/exwizard-lab-$prefix-dead/owner"
echo "$$ $(awk '{ print $22 }' /proc/$$/stat) sh lifecycle.sh" >"/var/tmp/exwizard-lab-$prefix-live/owner"
"$labctl" -n "$ns" reap "$prefix" >"$work/reap.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && [ ! -e "/var/tmp/exwizard-lab-$prefix-dead" ] && [ -d "/var/tmp/exwizard-lab-$prefix-live" ] &&
	grep -q "lab $prefix-dead was left by a run that has ended" "$work/reap.out"
ok $? "reap takes down a lab whose owner has ended and leaves one whose owner runs (exit $rc)"
rm -rf "/var/tmp/exwizard-lab-$prefix-live"

finish
