# bash completion for exwizard(1): the commands, the options of the command
# typed (the wizard's before any), the steps after check, the help topics
# (the check ids among them) after help, the symptom ids after --symptom, the
# causes after --cause and
# file names where a file is asked for. The word lists below this function
# are made at build time from the binary's own tables (completion/lists.c).

# Whether $1 is one of the other arguments.
_exwizard_in()
{
	local w=$1
	shift
	while [ $# -gt 0 ]; do
		[ "$w" = "$1" ] && return 0
		shift
	done
	return 1
}

_exwizard_files()
{
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

_exwizard_words()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

_exwizard()
{
	local cur prev word cmd=wizard var i=1
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	# --option=value: bash splits it at the "="
	if [ "$cur" = "=" ]; then
		cur=
	elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi

	# The value of an option.
	if _exwizard_in "$prev" $_exwizard_value_options; then
		if _exwizard_in "$prev" $_exwizard_file_options; then
			_exwizard_files "$cur"
		elif _exwizard_in "$prev" $_exwizard_symptom_options; then
			_exwizard_words "$_exwizard_symptoms" "$cur"
		elif _exwizard_in "$prev" $_exwizard_cause_options; then
			_exwizard_words "$_exwizard_causes" "$cur"
		fi
		return 0
	fi

	# The command: the first word that is neither an option nor its value.
	while [ "$i" -lt "$COMP_CWORD" ]; do
		word=${COMP_WORDS[i]}
		if [ "${COMP_WORDS[i+1]-}" = "=" ]; then
			i=$((i + 3))
			continue
		fi
		case $word in
		-*) _exwizard_in "$word" $_exwizard_value_options && i=$((i + 1)) ;;
		*) cmd=$word; break ;;
		esac
		i=$((i + 1))
	done
	[ "$cmd" = wizard ] || _exwizard_in "$cmd" $_exwizard_commands || return 0

	case $cur in
	-*)
		var=_exwizard_options_$cmd
		_exwizard_words "${!var}" "$cur"
		return 0
		;;
	esac
	case $cmd in
	wizard) _exwizard_words "$_exwizard_commands" "$cur" ;;
	check) _exwizard_words "$_exwizard_steps" "$cur" ;;
	help) [ "$i" -eq $((COMP_CWORD - 1)) ] && _exwizard_words "$_exwizard_topics" "$cur" ;;
	show | diff) _exwizard_files "$cur" ;;
	esac
	return 0
}
complete -F _exwizard exwizard

