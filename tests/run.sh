#!/bin/sh
# Runs exwizard's test suites and prints one closing line "N passed, N failed".
#   tests/run.sh unit BUILD   unit tests only (no root, no network)
#   tests/run.sh all BUILD    unit tests, then the lab domain up, the lab smoke
#                             test and the integration tests, then the lab down
# Both run the lint of the lab's scripts (tests/lint) and the checks of the
# build as the package makes it and of the bash completion (tests/pkg); all
# also builds the Debian package and runs lintian on it. The lab is LAB_NS, by
# default exwizck-PID, a name of this run's own: two runs never meet.
# Every suite speaks TAP ("ok N - name" / "not ok N - name"; cmocka marks a
# skipped test "not ok N # SKIP"); a suite that exits non-zero without
# reporting a failure counts as one failure.
set -u
mode=${1:-unit}
build=${2:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
ns=${LAB_NS:-exwizck-$$}
labctl="$top/tests/lab/labctl"
passed=0
failed=0
skipped=0
failures=""

run_suite() {
	name=$1
	shift
	echo "--- $name"
	out=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(grep -c '^ok ' "$out")
	f=$(grep '^not ok [0-9]' "$out" | grep -vc '# SKIP')
	k=$(grep '^not ok [0-9]' "$out" | grep -c '# SKIP')
	rm -f "$out"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + k))
	[ "$f" -gt 0 ] && failures="$failures $name"
	return 0
}

lab_down() {
	if [ -n "${lab_is_up:-}" ]; then
		echo "--- lab down ($ns)"
		"$labctl" -n "$ns" down || { failed=$((failed + 1)); failures="$failures lab-down"; }
		lab_is_up=
	fi
}

finish() {
	lab_down
	echo
	[ -n "$failures" ] && echo "failing suites:$failures"
	if [ "$skipped" -gt 0 ]; then
		echo "check: $passed passed, $failed failed, $skipped skipped"
	else
		echo "check: $passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
	exit $?
}
trap 'failed=$((failed + 1)); failures="$failures interrupted"; finish' INT TERM HUP

for t in "$build"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" "$t"
done

for t in "$top"/tests/lint/*.sh; do
	[ -f "$t" ] || continue
	run_suite "lint/$(basename "$t")" sh "$t"
done

run_suite "pkg/flags.sh" sh "$top/tests/pkg/flags.sh"
run_suite "pkg/completion.sh" bash "$top/tests/pkg/completion.sh" "$build"

if [ "$mode" = all ]; then
	run_suite "pkg/lintian.sh" sh "$top/tests/pkg/lintian.sh"
	run_suite "fuzz/quick" sh "$top/tests/fuzz/quick.sh"
	echo "--- lab up ($ns)"
	# Labs of earlier runs killed outright (no trap ran): their owner has ended.
	case $ns in
	exwizck-*) "$labctl" -n "$ns" reap exwizck ;;
	esac
	start=$(date +%s)
	lab_is_up=1
	if ! "$labctl" -n "$ns" up --scale; then
		echo "not ok - the lab domain did not come up"
		failed=$((failed + 1))
		failures="$failures lab-up"
		finish
	fi
	echo "# lab up in $(( $(date +%s) - start )) s"
	export EXWIZARD="$top/exwizard" EXWIZ_TOP="$top" LAB_NS="$ns"
	run_suite "lab/smoke" sh "$top/tests/lab/smoke.sh" -n "$ns"
	for t in "$build"/tests/integration/test_*; do
		[ -x "$t" ] || continue
		run_suite "integration/$(basename "$t")" "$labctl" -n "$ns" exec "$t"
	done
	for t in "$top"/tests/integration/*.sh; do
		[ -f "$t" ] || continue
		[ "$(basename "$t")" = lib.sh ] && continue	# sourced by the others
		run_suite "integration/$(basename "$t")" sh "$t"
	done
	for t in "$top"/tests/tui/*.sh "$top"/tests/faults/*.sh "$top"/tests/tsan/*.sh; do
		[ -f "$t" ] || continue
		run_suite "$(basename "$(dirname "$t")")/$(basename "$t")" sh "$t"
	done
	# last: it tries `up` on this run's lab
	run_suite "lab/lifecycle.sh" sh "$top/tests/lab/lifecycle.sh"
fi
finish
