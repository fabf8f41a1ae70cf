#!/bin/sh
# The Debian package on a fresh Debian 12: a chroot made by debootstrap
# (minbase, plus man-db and bash-completion) from this machine's Debian
# mirror, under /var/tmp. As root, with the network to the mirror; not part
# of make check. The chroot is removed at the end (KEEP=1 keeps it). TAP.
#   1. the chroot is made;
#   2. apt install ./exwizard_*.deb installs it and pulls its dependencies;
#   3. exwizard --version prints the changelog's version;
#   4. man exwizard shows the manual page;
#   5. bash-completion's loader finds the completion for exwizard;
#   6. tests/pkg/completion.sh against the installed binary and completion;
#   7. apt remove --purge exwizard leaves no file of it, and with the
#      dependencies it pulled removed too, the chroot's files are those
#      before the install (apt's and dpkg's own records apart).
# Usage: tests/pkg/chroot.sh [DEB]  (default: build/deb/exwizard_VERSION_ARCH.deb)
# MIRROR overrides the mirror read from /etc/apt/sources.list*.
set -u
top=${EXWIZ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
version=$(awk -F'[()]' 'NR == 1 { print $2 }' debian/changelog)
deb=${1:-build/deb/exwizard_${version}_$(dpkg --print-architecture).deb}
. "$top/tests/lib/tap.sh"
if [ "$(id -u)" != 0 ] || [ ! -f "$deb" ]; then
	echo "not ok 1 - run as root with a package ($deb; make deb builds it)"
	exit 1
fi
if ! command -v debootstrap >/dev/null; then
	echo "# installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null 2>&1 || exit 1
fi

# The mirror of the bookworm suite: a deb822 URIs: line or a one-line "deb URL bookworm".
mirror=${MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
	/etc/apt/sources.list.d/*.list 2>/dev/null | awk '
	/^URIs:/ { uri = $2 } /^Suites:/ && uri != "" && / bookworm( |$)/ { print uri; exit }
	/^$/ { uri = "" }
	/^deb / && $3 == "bookworm" { print $2; exit }')}
[ -n "$mirror" ] || { echo "not ok 1 - no bookworm mirror in /etc/apt/sources.list*"; exit 1; }

root=$(mktemp -d /var/tmp/exwizard-chroot.XXXXXX)
mounted=
cleanup() {
	if [ -n "$mounted" ]; then
		umount "$root/proc" || umount -l "$root/proc"
	fi
	if grep -q " $root/" /proc/mounts; then
		echo "# still mounted under $root: left in place"
	elif [ -z "${KEEP:-}" ]; then
		rm -rf "$root"
	else
		echo "# kept: $root"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
# The chroot's files, bookkeeping of apt, dpkg, man-db and the logs apart.
files() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/lib/dpkg \
		-o -path ./var/lib/apt -o -path ./var/cache -o -path ./var/log \) -prune \
		-o -print) | sort
}

start=$(date +%s)
debootstrap --variant=minbase --include=man-db,bash-completion bookworm "$root" "$mirror" \
	>"$root.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || tail -5 "$root.log" | sed 's/^/# /'
rm -f "$root.log"
ok $rc "debootstrap bookworm from $mirror in $(($(date +%s) - start)) s"
[ "$rc" -eq 0 ] || exit 1
mount -t proc proc "$root/proc" && mounted=1
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root apt-get update -q >/dev/null 2>&1
files >"$root/tmp/before"
cp "$deb" "$root/tmp/"
in_root dpkg-query -W -f='${Package}\n' | sort >"$root/tmp/pkgs-before"

# 2.
in_root apt install -y -q "/tmp/$(basename "$deb")" >"$root/tmp/install" 2>&1
rc=$?
[ "$rc" -eq 0 ] || tail -5 "$root/tmp/install" | sed 's/^/# /'
in_root dpkg-query -W -f='${Package}\n' | sort >"$root/tmp/pkgs-after"
pulled=$(comm -13 "$root/tmp/pkgs-before" "$root/tmp/pkgs-after" | grep -vx exwizard | tr '\n' ' ')
[ "$rc" -eq 0 ] && [ -n "$pulled" ]
ok $? "apt install ./$(basename "$deb"): pulled $(echo "$pulled" | wc -w) packages ($pulled)"

# 3.
got=$(in_root exwizard --version 2>&1)
[ "$got" = "exwizard $version" ]
ok $? "exwizard --version: '$got'"

# 4.
in_root sh -c 'MANPAGER=cat MANWIDTH=80 man exwizard' >"$root/tmp/man" 2>&1
grep -q 'exwizard .* diagnose Kerberos' "$root/tmp/man"
ok $? "man exwizard: $(wc -l <"$root/tmp/man") lines, $(sed -n '1p' "$root/tmp/man" | tr -s ' ')"

# 5. As an interactive shell loads it: the loader finds it by the command's name.
got=$(in_root bash -c '. /usr/share/bash-completion/bash_completion
	_completion_loader exwizard; complete -p exwizard
	COMP_WORDS=(exwizard help TOK-S); COMP_CWORD=2; _exwizard; echo "${COMPREPLY[*]}"' 2>&1)
echo "$got" | sed 's/^/# /'
echo "$got" | grep -q '^complete -F _exwizard exwizard$' && echo "$got" | grep -qx 'TOK-SIZE'
ok $? "bash-completion loads the completion; 'exwizard help TOK-S' completes to TOK-SIZE"

# 6.
cp tests/pkg/completion.sh "$root/tmp/"
in_root sh -c 'COMPLETION=/usr/share/bash-completion/completions/exwizard \
	EXWIZARD=/usr/bin/exwizard EXWIZ_TOP=/tmp bash /tmp/completion.sh' >"$root/tmp/compl" 2>&1
rc=$?
grep '^not ok' "$root/tmp/compl" | sed 's/^/# /'
ok $rc "completion.sh on the installed package: $(grep -c '^ok' "$root/tmp/compl") passed"

# 7.
in_root apt remove --purge -y -q exwizard >/dev/null 2>&1
rc=$?
left=$( (cd "$root" && find . -xdev -path ./proc -prune -o -path ./tmp -prune -o -print) |
	grep -i exwizard)
# shellcheck disable=SC2086
in_root apt-get purge -y -q $pulled >/dev/null 2>&1
files >"$root/tmp/after"
diff "$root/tmp/before" "$root/tmp/after" >"$root/tmp/diff"
sed 's/^/# /' "$root/tmp/diff" | head -20
[ "$rc" -eq 0 ] && [ -z "$left" ] && [ ! -s "$root/tmp/diff" ]
ok $? "apt remove --purge: $(echo "$left" | grep -c .) files of exwizard left, $(grep -c '^[<>]' "$root/tmp/diff") changed of $(wc -l <"$root/tmp/before") once its dependencies are gone"

finish
