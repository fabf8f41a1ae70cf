#!/bin/sh
# Secrets: with --kinit and --simple-bind from a password file, and the
# compared user's --compare-kinit from another, neither password is in any of
# the transcript, the text and JSON reports, stderr, the
# process's argv or environment (read from /proc while it runs), nor in a core
# dump (a crash mid-run leaves none, where a plain process leaves one).
# Transcripts are 0600 whatever the umask and never follow a symlink.
# Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

pw="$work/pw"
cp "$EXWIZ_LAB_PASSWORD_FILE" "$pw"
chmod 600 "$pw"
secret=$(cat "$pw")
# The compared user's (Administrator's) password: another one.
apw="$work/apw"
cp "$EXWIZ_LAB_ADMIN_PASSWORD_FILE" "$apw"
chmod 600 "$apw"
asecret=$(cat "$apw")
cc="FILE:$work/cc"
inlab env KRB5CCNAME="$cc" kinit alice@EXWIZ.TEST <"$pw" >/dev/null 2>&1
dn=$(inlab env KRB5CCNAME="$cc" ldapsearch -Q -LLL -Y GSSAPI -b "$EXWIZ_LAB_BASE_DN" \
	'(sAMAccountName=alice)' dn | sed -n 's/^dn: //p')
[ -n "$secret" ] && [ -n "$asecret" ] && [ "$secret" != "$asecret" ] && [ -n "$dn" ]
ok $? "the lab's two passwords (user's, Administrator's) and alice's DN ($dn)"

# holds FILE: does FILE contain either password?
holds() { LC_ALL=C grep -qaF -e "$secret" -e "$asecret" -- "$1"; }

# The run: kinit as alice into a private cache, simple bind as alice over
# StartTLS, every step, with a transcript. While it runs, argv and the
# environment are read from /proc every 20 ms.
mkdir -p "$work/t"
(umask 0; exec "$labctl" -n "$ns" exec env KRB5CCNAME="FILE:$work/none" "$exw" check -u bob \
	-x "$EXWIZ_LAB_EXCHANGE" --kinit alice --simple-bind "$dn" --password-file "$pw" \
	--compare Administrator --compare-kinit Administrator --compare-password-file "$apw" \
	-o "$work/t/s.jsonl") >"$work/report.txt" 2>"$work/stderr.txt" &
pid=$!
samples=0
: >"$work/proc"
while kill -0 "$pid" 2>/dev/null; do
	if cat "/proc/$pid/cmdline" "/proc/$pid/environ" >>"$work/proc" 2>/dev/null; then
		samples=$((samples + 1))
	fi
	sleep 0.02
done
wait "$pid"
rc=$?
grep -q "Login: .*kinit alice.*simple bind as" "$work/report.txt"
ok $? "the run logged in with both (exit $rc): $(grep 'Login:' "$work/report.txt" | sed 's/^ *//')"
"$exw" show --json "$work/t/s.jsonl" | grep -q '"bind": *"simple (StartTLS)"'
ok $? "a step bound with the simple bind over StartTLS"
"$exw" show --json "$work/t/s.jsonl" | py 'import json,sys
r=json.load(sys.stdin); t=[s for s in r["compare"]["steps"] if s["id"] == "tickets"][0]
assert t["data"]["credentials"]["as"].startswith("Administrator@"), t["data"]["credentials"]'
ok $? "the compared user's tickets came from its --compare-kinit cache"
holds "$work/t/s.jsonl"
[ $? -ne 0 ] && [ -s "$work/t/s.jsonl" ]
ok $? "neither password is in the transcript ($(wc -c <"$work/t/s.jsonl") bytes)"
holds "$work/report.txt"
[ $? -ne 0 ] && [ -s "$work/report.txt" ]
ok $? "neither password is in the text report"
holds "$work/stderr.txt"
[ $? -ne 0 ]
ok $? "neither password is on stderr"
"$exw" show --json "$work/t/s.jsonl" >"$work/show.json" 2>&1
holds "$work/show.json"
[ $? -ne 0 ] && [ -s "$work/show.json" ]
ok $? "neither password is in the JSON report that show makes of the transcript"
holds "$work/proc"
[ $? -ne 0 ] && [ "$samples" -gt 0 ] && grep -qa -- "--password-file" "$work/proc"
ok $? "neither password is in argv or the environment ($samples samples of /proc while it ran)"

mode=$(stat -c %a "$work/t/s.jsonl")
[ "$mode" = 600 ]
ok $? "the transcript is mode 0600 under umask 000 (mode $mode)"

# A symlink where the transcript goes: refused, the target untouched.
echo "precious" >"$work/target"
ln -s "$work/target" "$work/t/link.jsonl"
inlab env KRB5CCNAME="$cc" "$exw" check dns -o "$work/t/link.jsonl" >/dev/null 2>"$work/link.err"
rc=$?
[ "$rc" -ne 0 ] && [ "$(cat "$work/target")" = precious ] && grep -q "already exists" "$work/link.err"
ok $? "a symlink in the transcript's place is refused (exit $rc: $(head -1 "$work/link.err"))"
ln -s "$work/nowhere" "$work/t/dangling.jsonl"
inlab env KRB5CCNAME="$cc" "$exw" check dns -o "$work/t/dangling.jsonl" >/dev/null 2>&1
rc=$?
[ "$rc" -ne 0 ] && [ ! -e "$work/nowhere" ]
ok $? "a dangling symlink is not followed to create a file (exit $rc)"

# Core dumps. The kernel writes "core" files in the working directory here
# (core_pattern); a plain process killed by SIGSEGV leaves one, as the
# control. exwizard, killed the same way after it has read the password,
# must leave none. The build without sanitizers when there is one
# (make vg-build): AddressSanitizer catches SIGSEGV itself and turns core
# files off on its own, which would prove nothing about exwizard.
corebin=${EXWIZ_VG_BIN:-$top/build-vg/exwizard}
[ -x "$corebin" ] || corebin=$exw
pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
"|"* | /*)
	echo "ok $((n + 1)) # SKIP core_pattern is '$pattern': core files do not land in the working directory"
	n=$((n + 1))
	echo "ok $((n + 1)) # SKIP (as above)"
	n=$((n + 1))
	;;
*)
	mkdir "$work/c1" "$work/c2"
	sh -c 'cd "$1" && ulimit -c unlimited && sh -c "kill -SEGV \$\$"' sh "$work/c1" >/dev/null 2>&1
	found=$(find "$work/c1" -name 'core*' | head -1)
	[ -n "$found" ]
	ok $? "control: a plain process killed by SIGSEGV leaves a core file here (${found##*/})"
	(cd "$work/c2" && ulimit -c unlimited && exec "$labctl" -n "$ns" exec \
		env KRB5CCNAME="FILE:$work/none" "$corebin" check -u frank --kinit alice \
		--simple-bind "$dn" --password-file "$pw" --compare Administrator \
		--compare-kinit Administrator --compare-password-file "$apw" \
		-o "$work/c2.jsonl" groups) \
		>"$work/c2.out" 2>&1 &
	pid=$!
	# Past the kinit and the password, in the middle of the groups step
	# (frank's 5,000 groups take seconds): its start is in the transcript.
	# Exit 139 shows it was still running.
	i=0
	while [ "$i" -lt 400 ] && kill -0 "$pid" 2>/dev/null &&
		! grep -q '"id":"groups","phase":"start"' "$work/c2.jsonl" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -SEGV "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	sleep 0.2
	left=$(find "$work/c2" -type f | wc -l)
	hits=0
	for f in $(find "$work/c2" -type f); do holds "$f" && hits=$((hits + 1)); done
	# 139: killed by SIGSEGV; 134: AddressSanitizer's abort (no build without it).
	{ [ "$rc" -eq 139 ] || { [ "$corebin" = "$exw" ] && [ "$rc" -eq 134 ]; }; } &&
		[ "$left" -eq 0 ] && [ "$hits" -eq 0 ]
	ok $? "exwizard (${corebin#"$top"/}) killed by SIGSEGV mid-run (exit $rc) leaves no core file ($left files)"
	;;
esac

finish
