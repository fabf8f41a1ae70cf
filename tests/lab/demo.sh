#!/bin/sh
# The demo: inside the lab namespace, bob logs in (kinit) and exwizard looks
# at the scenario: bob, the back end exch1 and the front end fe1, mover junior.
# The transcript goes where exwizard keeps its transcripts
# ($XDG_STATE_HOME/exwizard, by default ~/.local/state/exwizard), outside the
# lab directory, so that it outlives the lab.
set -eu
ns=${1:-exwiz}
top=$(cd "$(dirname "$0")/../.." && pwd)
labctl="$top/tests/lab/labctl"
eval "$("$labctl" -n "$ns" env)"
cc="FILE:$EXWIZ_LAB_DIR/ccache-demo"
state=${XDG_STATE_HOME:-$HOME/.local/state}/exwizard
(umask 077 && mkdir -p "$state")
transcript="$state/demo-$ns-$(date +%Y%m%dT%H%M%S).jsonl"
"$labctl" -n "$ns" exec env KRB5CCNAME="$cc" kinit bob@EXWIZ.TEST \
	<"$EXWIZ_LAB_PASSWORD_FILE" >/dev/null
echo "bob has a ticket in $cc; running exwizard in the lab namespace $ns."
set +e
if [ -t 0 ] && [ -t 1 ]; then
	# The wizard: Enter runs a step, n goes to the next, ? explains, q quits.
	"$labctl" -n "$ns" exec env KRB5CCNAME="$cc" "$top/exwizard" \
		-x exch1.exwiz.test -x fe1.region1.exwiz.test -m junior -o "$transcript"
else
	echo "(no terminal: the report of 'exwizard check' instead of the wizard)"
	echo
	"$labctl" -n "$ns" exec env KRB5CCNAME="$cc" "$top/exwizard" check \
		-x exch1.exwiz.test -x fe1.region1.exwiz.test -m junior -o "$transcript"
fi
rc=$?
echo
echo "exwizard exited with status $rc. Its transcript: $transcript"
echo "(exwizard show reads it; it stays when the lab goes). The lab stays up:"
echo "'make lab-shell' to look around, 'make lab-down' to remove it."
