# TAP for the shell suites: ok STATUS DESCRIPTION prints one line and counts
# it; finish, the last command of a suite, prints the plan and gives the
# status. Sourced, not run.
n=0
fails=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
finish() {
	echo "1..$n"
	[ "$fails" -eq 0 ]
}
