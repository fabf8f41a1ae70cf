#!/bin/sh
# exwizard under valgrind (memcheck) against the lab: every step for bob with
# an Exchange server and a mover, the hostile user mallory with --kinit and
# --simple-bind, carol beside dave (--compare, --compare-kinit) and `show` of
# its transcript, the Windows client's output (--client-file), `show` of the transcript, and the tickets step on the 2019
# part (a load-balanced name, a 2019 server). No memory error and no
# definite or indirect leak may be reported; tests/valgrind/exwizard.supp
# names the library leaks that are not exwizard's. valgrind does not mix with
# AddressSanitizer, so this uses the build without sanitizers (make vg-build).
# Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
vgbin=${EXWIZ_VG_BIN:-$top/build-vg/exwizard}
supp="$top/tests/valgrind/exwizard.supp"

if [ ! -x "$vgbin" ] || ! command -v valgrind >/dev/null 2>&1; then
	echo "not ok 1 - no $vgbin or no valgrind (make vg-build; make deps)"
	echo "1..1"
	exit 1
fi

# vg LOG CCACHE CMD...: CMD under memcheck, in the lab, with that cache.
vg() {
	log=$1
	ccache=$2
	shift 2
	inlab env KRB5CCNAME="$ccache" valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --track-origins=yes --num-callers=40 \
		--suppressions="$supp" --log-file="$log" "$@"
}
# verdict LOG: "N errors, M bytes definitely lost, K bytes indirectly lost"
verdict() {
	e=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$1" | tail -1)
	d=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$1" | tail -1)
	i=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$1" | tail -1)
	echo "${e:-?} errors, ${d:-0} bytes definitely lost, ${i:-0} bytes indirectly lost"
}
clean() { [ "$1" -ne 99 ] && grep -q "ERROR SUMMARY: 0 errors" "$2"; }
show_errors() { grep -E "^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|[0-9,]+ bytes in)" "$1" | head -5 | sed 's/^/# /'; }

cc="FILE:$work/cc"
inlab env KRB5CCNAME="$cc" kinit bob@EXWIZ.TEST <"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null 2>&1
# Everything is slower under valgrind: a longer wait per try.
vg "$work/vg1.log" "$cc" "$vgbin" check -x "$EXWIZ_LAB_EXCHANGE" -m junior \
	--timeout 10 -o "$work/bob.jsonl" >"$work/bob.txt" 2>"$work/bob.err"
rc=$?
clean "$rc" "$work/vg1.log" && grep -q "^Summary:" "$work/bob.txt"
ok $? "check, every step, bob (exit $rc): $(verdict "$work/vg1.log")"
show_errors "$work/vg1.log"

cp "$EXWIZ_LAB_ADMIN_PASSWORD_FILE" "$work/apw"
chmod 600 "$work/apw"
vg "$work/vg2.log" "FILE:$work/none" "$vgbin" check groups mailbox -u mallory --kinit Administrator \
	--password-file "$work/apw" --simple-bind "CN=Administrator,CN=Users,$EXWIZ_LAB_BASE_DN" \
	--timeout 10 --no-transcript >"$work/mal.txt" 2>"$work/mal.err"
rc=$?
clean "$rc" "$work/vg2.log" && grep -q "^Summary:" "$work/mal.txt"
ok $? "check groups mailbox, mallory (hostile data), --kinit and --simple-bind (exit $rc): $(verdict "$work/vg2.log")"
show_errors "$work/vg2.log"

# Two users side by side: both users' steps on their threads, dave's tickets
# from a private cache of his own, then the comparison read back by show.
cp "$EXWIZ_LAB_PASSWORD_FILE" "$work/upw"
chmod 600 "$work/upw"
vg "$work/vg5.log" "FILE:$work/none" "$vgbin" check -u "$EXWIZ_LAB_STORY_USER" \
	-m "$EXWIZ_LAB_STORY_USER_MOVER" -x "$EXWIZ_LAB_EXCHANGE" --kinit Administrator \
	--password-file "$work/apw" --compare "$EXWIZ_LAB_STORY_ADMIN" \
	--compare-mover "$EXWIZ_LAB_STORY_ADMIN_MOVER" --compare-kinit "$EXWIZ_LAB_STORY_ADMIN" \
	--compare-password-file "$work/upw" --timeout 10 -o "$work/cmp.jsonl" \
	>"$work/cmp.txt" 2>"$work/cmp.err"
rc=$?
clean "$rc" "$work/vg5.log" && grep -q "^Compared with $EXWIZ_LAB_STORY_ADMIN:" "$work/cmp.txt"
ok $? "check, $EXWIZ_LAB_STORY_USER beside $EXWIZ_LAB_STORY_ADMIN (exit $rc): $(verdict "$work/vg5.log")"
show_errors "$work/vg5.log"
vg "$work/vg6.log" "FILE:$work/none" "$vgbin" show "$work/cmp.jsonl" >"$work/cmpshow.txt" 2>&1
rc=$?
clean "$rc" "$work/vg6.log" && grep -q "^Compared with $EXWIZ_LAB_STORY_ADMIN:" "$work/cmpshow.txt"
ok $? "show of that transcript, the comparison read back (exit $rc): $(verdict "$work/vg6.log")"
show_errors "$work/vg6.log"

# What the Windows client showed: every kind of the lab's client files read,
# the client's DNS servers asked, the token beside the directory, the
# client's evidence in the diagnosis; all in one paste from standard input
# too.
cf=$top/tests/lab/client
cat "$cf"/broken-*.txt "$cf/healthy-whoami.txt" >"$work/all-client.txt"
vg "$work/vg7.log" "$cc" "$vgbin" check -x "$EXWIZ_LAB_OLD_EXCHANGE" --timeout 10 \
	--no-transcript --client-file "$cf/broken-event.txt" --client-file "$cf/broken-klist.txt" \
	--client-file "$cf/broken-displaydns.txt" --client-file "$cf/broken-ipconfig.txt" \
	--client-file - <"$work/all-client.txt" >"$work/client.txt" 2>"$work/client.err"
rc=$?
clean "$rc" "$work/vg7.log" && grep -q "CLIENT-TICKETS" "$work/client.txt"
ok $? "check with the client's output (five texts, one from standard input; exit $rc): $(verdict "$work/vg7.log")"
show_errors "$work/vg7.log"

# The 2019 part: the configuration read, a load-balanced name, its SCPs and
# alternate service account, a 2019 server by name.
vg "$work/vg4.log" "$cc" "$vgbin" check tickets -x "$EXWIZ_LAB_EX2019_NAME" \
	-x "$(echo "$EXWIZ_LAB_EX2019_MEMBERS" | cut -d, -f1)" --timeout 10 --no-transcript \
	>"$work/lb.txt" 2>"$work/lb.err"
rc=$?
clean "$rc" "$work/vg4.log" && grep -q "SPN-ASA" "$work/lb.txt"
ok $? "check tickets, the load-balanced name and a 2019 server (exit $rc): $(verdict "$work/vg4.log")"
show_errors "$work/vg4.log"

vg "$work/vg3.log" "FILE:$work/none" "$vgbin" show "$work/bob.jsonl" >"$work/show.txt" 2>&1
rc=$?
clean "$rc" "$work/vg3.log" && grep -q "^Summary:" "$work/show.txt"
ok $? "show of the transcript (exit $rc): $(verdict "$work/vg3.log")"
show_errors "$work/vg3.log"

finish
