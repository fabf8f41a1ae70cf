# Shared by the integration tests: the lab, a work directory, TAP output and
# the helpers that read exwizard's JSON report. Sourced, not run.
# A test may define at_exit() for its own cleanup; it runs before the work
# directory goes.
top=${EXWIZ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
ns=${LAB_NS:-${EXWIZ_LAB_NS:-exwiz}}
labctl="$top/tests/lab/labctl"
exw=${EXWIZARD:-$top/exwizard}
eval "$("$labctl" -n "$ns" env)"
work=$(mktemp -d)
. "$top/tests/lib/addresses.sh"
. "$top/tests/lib/listener.sh"
. "$top/tests/lib/tap.sh"
at_exit() { :; }
# heal_lab, break_lab: labctl heal or break. A lab a test leaves healed (it
# failed, or was killed) is broken again on exit: the other suites expect
# the faults it seeds.
lab_healed=
heal_lab() { "$labctl" -n "$ns" heal && lab_healed=1; }
break_lab() { "$labctl" -n "$ns" break && lab_healed=; }
trap 'at_exit; [ -z "$lab_healed" ] || "$labctl" -n "$ns" break >/dev/null 2>&1; rm -rf "$work"' EXIT
# killed: the EXIT trap still runs
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

inlab() { "$labctl" -n "$ns" exec "$@"; }
py() { /usr/bin/python3 -c "$@"; }
msecs() { date +%s%3N; }
# poll SECONDS CMD...: run CMD every 50 ms until it succeeds; 1 if it never does.
poll() {
	_pe=$(( $(msecs) + $1 * 1000 ))
	shift
	while ! "$@"; do
		[ "$(msecs)" -ge "$_pe" ] && return 1
		sleep 0.05
	done
}
# findings CHECK SEVERITY REPORT: the titles (and evidence) of those findings.
findings() {
	py 'import json,sys
r=json.load(open(sys.argv[3]))
for s in r["steps"]:
    for f in s["findings"]:
        if f["check"]==sys.argv[1] and f["severity"]==sys.argv[2]:
            print(f["title"]); [print("  "+e) for e in f["evidence"]]' "$1" "$2" "$3" 2>/dev/null
}
