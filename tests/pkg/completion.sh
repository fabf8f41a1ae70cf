#!/bin/bash
# The bash completion (BUILD/exwizard.bash, or COMPLETION) against the binary
# it completes (EXWIZARD, by default ./exwizard): each list it offers is the
# one the binary itself prints or accepts. TAP.
#   1. the commands: those of the usage lines of --help;
#   2. the options of each command: the options --help lists for it (no
#      "(command)" note: the wizard and check, and sweep when --help's "The
#      sweep command also takes" names it; --help and --version: all);
#   3. after check: the steps of --help's "Steps:" line;
#   4. after help: the topics `exwizard help` lists, guides and check ids,
#      each one a topic `exwizard help TOPIC` shows; none after a topic;
#   5. after --symptom (and --symptom=): the symptoms the binary accepts,
#      which its own message lists, and a made-up id is refused; after
#      sweep --cause, the causes its message lists;
#   6. file names after -o, show and diff; nothing after an unknown command.
# Usage: completion.sh [BUILD]
set -u
top=${EXWIZ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
ew=${EXWIZARD:-$top/exwizard}
file=${COMPLETION:-$build/exwizard.bash}
# Its own TAP lines (not tests/lib/tap.sh): chroot.sh copies this file alone.
n=0
fails=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
if [ ! -x "$ew" ] || [ ! -f "$file" ]; then
	echo "not ok 1 - $ew and $file are built"
	exit 1
fi
# shellcheck disable=SC1090
. "$file"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The completion of the words given (the last one being typed), sorted, one a line.
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_exwizard
	[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}
# ok if the two lists (files) are the same and not empty; else the difference.
same() {
	if [ -s "$1" ] && cmp -s "$1" "$2"; then
		return 0
	fi
	diff "$1" "$2" | sed 's/^/# /'
	return 1
}

"$ew" --help >"$tmp/help"

# 1.
sed -n 's/^ *\(Usage:\)\{0,1\} *exwizard \([a-z][a-z]*\) .*/\2/p' "$tmp/help" | sort -u >"$tmp/want"
complete_words exwizard "" >"$tmp/got"
same "$tmp/want" "$tmp/got"
ok $? "commands: $(tr '\n' ' ' <"$tmp/got")"

# 2. --help's option lines: "  -r, --realm REALM  [(cmd, cmd)] text".
options_for() {
	awk -v cmd="$1" '
	# "The sweep command also takes: --realm, ..." (up to the full stop)
	/^The sweep command also takes/ { also = 1 }
	also {
		line = $0; sub(/^The sweep command also takes:/, "", line)
		n = split(line, w, /[ ,.]+/)
		for (i = 1; i <= n; i++) if (w[i] ~ /^--/) sweep_also[w[i]] = 1
		if ($0 ~ /\.$/) also = 0
		next
	}
	/^  +(-[A-Za-z], )?--[a-z]/ {
		line = $0; sub(/^ +/, "", line)
		short = ""
		if (line ~ /^-[A-Za-z], /) { short = substr(line, 1, 2); line = substr(line, 5) }
		split(line, w, " "); long = w[1]
		# the note right after the option and its value, e.g. "(check, show)"
		if (match($0, /^ +(-[A-Za-z], )?--[a-z-]+( [^ ]+)? +\([a-z]+(, [a-z]+)*\) /)) {
			cmds = substr($0, 1, RLENGTH - 2); sub(/.*\(/, "", cmds)
		} else cmds = "wizard, check"
		short_of[long] = short
		n = split(cmds, c, ", ")
		for (i = 1; i <= n; i++) if (c[i] == cmd) { if (short != "") print short; print long }
	}
	END {
		if (cmd != "sweep") exit
		for (o in sweep_also) { if (short_of[o] != "") print short_of[o]; print o }
	}' "$tmp/help"
	printf '%s\n' -h --help -V --version
}
bad=0
for cmd in wizard $(cat "$tmp/want"); do
	options_for "$cmd" | sort >"$tmp/wopt"
	if [ "$cmd" = wizard ]; then
		complete_words exwizard - >"$tmp/gopt"
	else
		complete_words exwizard "$cmd" - >"$tmp/gopt"
	fi
	same "$tmp/wopt" "$tmp/gopt" || { echo "# for $cmd"; bad=1; }
	echo "# $cmd: $(wc -l <"$tmp/gopt") options"
done
complete_words exwizard -u bob check --fl >"$tmp/got"
[ "$(cat "$tmp/got")" = --flush ] || { echo "# after -u bob check --fl: $(cat "$tmp/got")"; bad=1; }
ok $bad "the options of each command as --help lists them"

# 3.
sed -n 's/^Steps: //p' "$tmp/help" | tr ',' '\n' | tr -d ' ' | sort >"$tmp/want"
complete_words exwizard check "" >"$tmp/got"
same "$tmp/want" "$tmp/got"
ok $? "after check: the steps ($(tr '\n' ' ' <"$tmp/got"))"

# 4.
"$ew" help | sed -n 's/^  \([^ ]*\) .*/\1/p' | sort >"$tmp/want"
complete_words exwizard help "" >"$tmp/got"
bad=0
same "$tmp/want" "$tmp/got" || bad=1
while read -r t; do
	"$ew" help "$t" >/dev/null 2>&1 || { echo "# help $t fails"; bad=1; }
done <"$tmp/got"
complete_words exwizard help DNS-S >"$tmp/got2"
[ "$(tr '\n' ' ' <"$tmp/got2")" = "DNS-SERVERS DNS-SRV " ] || { echo "# DNS-S: $(cat "$tmp/got2")"; bad=1; }
[ -z "$(complete_words exwizard help dns "")" ] || { echo "# a second topic offered"; bad=1; }
ok $bad "after help: the $(wc -l <"$tmp/got") topics of 'exwizard help', check ids among them"

# 5. The binary checks a symptom as it reads it; diff then refuses the option.
"$ew" diff --symptom no-such-symptom 2>"$tmp/err" >/dev/null
sed -n 's/.*(symptoms: \(.*\)).*/\1/p' "$tmp/err" | tr ',' '\n' | tr -d ' ' | sort >"$tmp/want"
complete_words exwizard check --symptom "" >"$tmp/got"
bad=0
same "$tmp/want" "$tmp/got" || bad=1
while read -r s; do
	"$ew" diff --symptom "$s" 2>&1 | grep -q "does not apply to diff" ||
		{ echo "# symptom $s refused"; bad=1; }
done <"$tmp/got"
grep -q "unknown symptom" "$tmp/err" || { echo "# a made-up symptom accepted"; bad=1; }
complete_words exwizard --symptom = 4096 >"$tmp/got2"
[ "$(tr '\n' ' ' <"$tmp/got2")" = "40960 40961 " ] ||
	{ echo "# --symptom=4096: $(cat "$tmp/got2")"; bad=1; }
ok $bad "after --symptom: the $(wc -l <"$tmp/got") symptoms the binary accepts"

# 5b. After sweep --cause: the causes the binary's own message lists.
"$ew" sweep --cause no-such-cause 2>"$tmp/err" >/dev/null
sed -n 's/.*a sweep decides \(.*\)$/\1/p' "$tmp/err" | sed 's/ or /, /' | tr ',' '\n' |
	tr -d ' ' | sort >"$tmp/want"
complete_words exwizard sweep --cause "" >"$tmp/got"
same "$tmp/want" "$tmp/got"
ok $? "after sweep --cause: the $(wc -l <"$tmp/got") causes the binary accepts"

# 6.
mkdir "$tmp/d" && : >"$tmp/d/report.json"
bad=0
for words in "exwizard -o" "exwizard check --transcript" "exwizard show" "exwizard diff x"; do
	# shellcheck disable=SC2086
	got=$(complete_words $words "$tmp/d/rep")
	[ "$got" = "$tmp/d/report.json" ] || { echo "# $words: $got"; bad=1; }
done
[ -z "$(complete_words exwizard --realm "")" ] || { echo "# a realm offered"; bad=1; }
[ -z "$(complete_words exwizard bogus "")" ] || { echo "# words after an unknown command"; bad=1; }
ok $bad "files after -o, --transcript, show and diff; nothing after --realm or an unknown command"

echo "1..$n"
[ "$fails" -eq 0 ]
