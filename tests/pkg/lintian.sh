#!/bin/sh
# The Debian package: make deb builds it (DEB_DIR, by default build/deb;
# without the build-time tests, which the unit suite has run: nocheck), and
# it passes. TAP.
#   1. make deb builds exwizard_VERSION_ARCH.deb;
#   2. lintian on the .changes (source and binary): no error, no warning;
#   3. the package holds the binary, the manual page, the bash completion,
#      the copyright and changelog, and nothing of the lab or the tests;
#   4. the packaged binary prints the changelog's version;
#   5. the packaged binary is hardened: PIE, full RELRO (bind now), stack
#      protector and fortified calls.
set -u
top=${EXWIZ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
deb_dir=${DEB_DIR:-build/deb}
. "$top/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

version=$(awk -F'[()]' 'NR == 1 { print $2 }' debian/changelog)
arch=$(dpkg --print-architecture)
deb=$deb_dir/exwizard_${version}_$arch.deb
start=$(date +%s)
DEB_BUILD_OPTIONS="nocheck parallel=2" make --no-print-directory deb DEB_DIR="$deb_dir" \
	>"$tmp/build" 2>&1
rc=$?
[ "$rc" -eq 0 ] || tail -20 "$tmp/build" | sed 's/^/# /'
[ "$rc" -eq 0 ] && [ -f "$deb" ]
ok $? "make deb: $deb in $(($(date +%s) - start)) s"
if [ ! -f "$deb" ]; then
	echo "1..$n"
	exit 1
fi

# 2. The tags at warning and above; lintian refuses to run as root without
# --allow-root in later versions.
lintian --fail-on error,warning --display-level '>=warning' \
	"$deb_dir/exwizard_${version}_$arch.changes" >"$tmp/lintian" 2>&1
rc=$?
grep -v 'running with root privileges' "$tmp/lintian" | sed 's/^/# /'
[ "$rc" -eq 0 ] && ! grep -q '^[EW]: ' "$tmp/lintian"
ok $? "lintian: $(grep -c '^E: ' "$tmp/lintian") errors, $(grep -c '^W: ' "$tmp/lintian") warnings"

# 3.
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/files"
bad=0
for f in /usr/bin/exwizard /usr/share/man/man1/exwizard.1.gz \
	/usr/share/bash-completion/completions/exwizard /usr/share/doc/exwizard/copyright \
	/usr/share/doc/exwizard/changelog.gz; do
	grep -qx "$f" "$tmp/files" || { echo "# missing: $f"; bad=1; }
done
if grep -E 'lab|test|labctl|\.py$|\.sh$' "$tmp/files" >"$tmp/stray"; then
	sed 's/^/# stray: /' "$tmp/stray"
	bad=1
fi
ok $bad "contents: binary, manual page, completion, copyright; no lab, no test ($(grep -vc '/$' "$tmp/files") files)"

# 4.
dpkg-deb -x "$deb" "$tmp/root"
got=$("$tmp/root/usr/bin/exwizard" --version 2>&1)
[ "$got" = "exwizard $version" ]
ok $? "exwizard --version: '$got', changelog: $version"

# 5. From the ELF headers: a shared object (PIE), GNU_RELRO and BIND_NOW,
# __stack_chk_fail and at least one *_chk call.
bin=$tmp/root/usr/bin/exwizard
bad=0
readelf -h "$bin" | grep -q 'Type:.*DYN' || { echo "# not PIE"; bad=1; }
readelf -l "$bin" | grep -q GNU_RELRO || { echo "# no RELRO"; bad=1; }
readelf -d "$bin" | grep -Eq 'BIND_NOW|FLAGS.*NOW' || { echo "# no bind now"; bad=1; }
readelf -W --dyn-syms "$bin" | grep -q __stack_chk_fail || { echo "# no stack protector"; bad=1; }
nchk=$(readelf -W --dyn-syms "$bin" | grep -c '__[a-z_]*_chk@')
[ "$nchk" -gt 0 ] || { echo "# no fortified call"; bad=1; }
ok $bad "hardened: PIE, RELRO, bind now, stack protector, $nchk fortified functions"

finish
