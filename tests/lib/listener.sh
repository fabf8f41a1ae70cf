# Listeners of the tests in the lab namespace (the DNS servers of dns.sh,
# hostile.sh, wizard.sh, faults.sh). Sourced after tests/integration/lib.sh
# ($labctl, $ns, $work). Their addresses are in tests/lib/addresses.sh.

# start_listener VAR ADDR SCRIPT [ARG...]: SCRIPT, a python listener that
# prints "listening" once its socket is bound, run in the lab namespace in
# the background with ADDR as its first argument. labctl exec execs
# `ip netns exec`, which execs python: the pid left in VAR is the listener
# itself, for stop_listener. Returns 0 once it listens (within 10 s), else 1
# (with the reason on stderr).
start_listener() {
	_sl_var=$1
	_sl_addr=$2
	_sl_script=$3
	shift 3
	_sl_out="$work/listener-$_sl_addr"
	: >"$_sl_out"
	"$labctl" -n "$ns" exec /usr/bin/python3 "$_sl_script" "$_sl_addr" "$@" >"$_sl_out" 2>&1 &
	_sl_pid=$!
	eval "$_sl_var=\$_sl_pid"
	_sl_i=0
	while [ "$_sl_i" -lt 200 ]; do
		if grep -qx listening "$_sl_out"; then
			case $(readlink "/proc/$_sl_pid/exe" 2>/dev/null) in
			*/python3*) return 0 ;;
			esac
			echo "start_listener: pid $_sl_pid is not the listener ($(readlink "/proc/$_sl_pid/exe"))" >&2
			return 1
		fi
		if ! kill -0 "$_sl_pid" 2>/dev/null; then
			echo "start_listener: $_sl_script on $_sl_addr ended: $(cat "$_sl_out")" >&2
			return 1
		fi
		sleep 0.05
		_sl_i=$((_sl_i + 1))
	done
	echo "start_listener: $_sl_script on $_sl_addr did not listen within 10 s" >&2
	return 1
}

# stop_listener PID: SIGTERM to the listener, then wait until it has ended.
# Returns 0 if it is gone.
stop_listener() {
	[ -n "${1:-}" ] || return 0
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	! kill -0 "$1" 2>/dev/null
}
