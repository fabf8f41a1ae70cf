# The tmux scenes of the wizard's suites (tests/tui): each scene on a tmux
# server of its own (a socket per scene, named from $scene_prefix, which the
# suite sets before sourcing this), so that killing a scene's session ends its
# server and the next scene never meets one still going down. Waits are
# bounded and tied to what the screen shows. The suite's at_exit calls
# kill_scenes. Uses $sess, the session's name.
scene=0
sock="$scene_prefix-$$-0"
tm() { tmux -L "$sock" "$@"; }
new_scene() {
	tm kill-server 2>/dev/null
	scene=$((scene + 1))
	sock="$scene_prefix-$$-$scene"
	tm new-session -d -x 80 -y 24 -s "$sess" "$@"
}
kill_scenes() {
	_ks=0
	while [ "$_ks" -le "$scene" ]; do
		tmux -L "$scene_prefix-$$-$_ks" kill-server 2>/dev/null
		_ks=$((_ks + 1))
	done
}
screen() { tm capture-pane -p -t "$sess"; }
# wait_until TENTHS CMD...: until CMD succeeds (at most TENTHS tenths of a second).
wait_until() {
	_wu=$1
	shift
	_wi=0
	while [ "$_wi" -lt "$_wu" ]; do
		"$@" && return 0
		sleep 0.1
		_wi=$((_wi + 1))
	done
	"$@"
}
# wait_for TEXT [TENTHS]: until the screen shows TEXT (default 10 s).
wait_for() {
	_wf=0
	while [ "$_wf" -lt "${2:-100}" ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
		_wf=$((_wf + 1))
	done
	return 1
}
# wait_gone TEXT [TENTHS]: until the screen no longer shows TEXT (default 10 s).
wait_gone() {
	_wg=0
	while [ "$_wg" -lt "${2:-100}" ]; do
		screen | grep -qF -- "$1" || return 0
		sleep 0.1
		_wg=$((_wg + 1))
	done
	return 1
}
# bar: the key bar, once it reads the same twice a tenth of a second apart
# (a redraw writes the bar last: never read it half done); 3 s at most.
bar() {
	_bn=0
	_ba=$(screen | tail -n 1)
	while [ "$_bn" -lt 30 ]; do
		sleep 0.1
		_bb=$(screen | tail -n 1)
		[ "$_ba" = "$_bb" ] && break
		_ba=$_bb
		_bn=$((_bn + 1))
	done
	printf '%s\n' "$_ba"
}
# idle PATTERN: whether the wizard whose command line matches PATTERN takes
# no CPU over 3 s (a measuring window, not a wait); the ticks in $ticks. A
# busy loop takes some 300; a build with a sanitizer (EXWIZ_IDLE_TICKS from
# tests/tsan) takes a tick or two more over the last redraw.
idle() {
	_ip=$(pgrep -n -f "$1")
	_c1=$(awk '{print $14 + $15}' /proc/"$_ip"/stat 2>/dev/null)
	sleep 3
	_c2=$(awk '{print $14 + $15}' /proc/"$_ip"/stat 2>/dev/null)
	ticks=$((${_c2:-0} - ${_c1:-0}))
	echo "# idle CPU over 3 s: $ticks clock ticks"
	[ -n "$_c1" ] && [ -n "$_c2" ] && [ "$ticks" -le "${EXWIZ_IDLE_TICKS:-1}" ]
}
