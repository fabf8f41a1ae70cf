#!/bin/sh
# The build as a package builds it, checked without building (make -n) or on
# a copy of the Makefile. TAP.
#   1. CPPFLAGS, CFLAGS and LDFLAGS of the environment reach every compile
#      and link, after the flags the build needs (-std=c11, -D_GNU_SOURCE,
#      -Icore, -pie, relro, now), which stay;
#   2. a _FORTIFY_SOURCE level in CPPFLAGS is not defined a second time;
#   3. make install obeys PREFIX and DESTDIR: the binary, the manual page and
#      the bash completion, nothing else;
#   4. the version exwizard prints is made from debian/changelog's first line
#      (a made-up version in a copy), and a changelog without one stops make;
#   5. debian/control's Build-Depends are tests/lab/deps.sh's build packages.
set -u
top=${EXWIZ_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
. "$top/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Every compile (-c) and link (-o exwizard) line of a full build.
CPPFLAGS=-DEW_T_CPP CFLAGS='-O2 -DEW_T_C' LDFLAGS=-Wl,--defsym=ew_t_ld=0 \
	make -n -B CC=cc BUILD="$tmp/b" exwizard >"$tmp/n" 2>&1
grep -E '^cc .* -c ' "$tmp/n" >"$tmp/cc" || true
grep -E ' -o exwizard ' "$tmp/n" >"$tmp/ld" || true
ncc=$(wc -l <"$tmp/cc")
bad=0
for want in -std=c11 -D_GNU_SOURCE -Icore -DEW_T_CPP -DEW_T_C; do
	c=$(grep -c -- " $want " "$tmp/cc")
	[ "$c" -eq "$ncc" ] || { echo "# $want on $c of $ncc compiles"; bad=1; }
done
# the environment's after ours: -O2 of CFLAGS comes after -std=c11
grep -v -- '-std=c11 .*-DEW_T_C' "$tmp/cc" | head -1 | sed 's/^/# order: /'
grep -q -v -- '-std=c11 .*-DEW_T_C' "$tmp/cc" && bad=1
for want in -pie -Wl,-z,relro,-z,now -Wl,--defsym=ew_t_ld=0; do
	grep -q -- " $want " "$tmp/ld" || { echo "# link without $want"; bad=1; }
done
[ "$ncc" -gt 10 ] || { echo "# $ncc compile lines seen"; bad=1; }
ok $bad "the environment's CPPFLAGS, CFLAGS, LDFLAGS on all $ncc compiles and the link, after the build's own"

# 2.
CPPFLAGS=-D_FORTIFY_SOURCE=3 make -n -B CC=cc BUILD="$tmp/b" "$tmp/b/core/text.o" >"$tmp/f" 2>&1
grep -q -- '-D_FORTIFY_SOURCE=3' "$tmp/f" && ! grep -q -- '-D_FORTIFY_SOURCE=2' "$tmp/f"
ok $? "CPPFLAGS' -D_FORTIFY_SOURCE=3 alone, no second level"

# 3. The install lines, made to print their destinations.
make -n install PREFIX=/usr DESTDIR=/dest BUILD="$tmp/b" 2>/dev/null |
	sed -n 's/^install -m [0-7]* [^ ]* //p' | sort >"$tmp/inst"
printf '%s\n' /dest/usr/bin/exwizard /dest/usr/share/bash-completion/completions/exwizard \
	/dest/usr/share/man/man1/exwizard.1 >"$tmp/want"
cmp -s "$tmp/want" "$tmp/inst" || sed 's/^/# installed: /' "$tmp/inst"
cmp -s "$tmp/want" "$tmp/inst"
ok $? "make install PREFIX=/usr DESTDIR=/dest: the binary, the manual page, the completion"

# 4. A copy of the Makefile and changelog, with a version of its own.
mkdir -p "$tmp/v/debian"
cp Makefile "$tmp/v/"
sed '1s/(.*)/(9.8.7)/' debian/changelog >"$tmp/v/debian/changelog"
make -s -C "$tmp/v" BUILD=b b/core/version.h >/dev/null 2>&1
grep -qx '#define EW_VERSION "9.8.7"' "$tmp/v/b/core/version.h" 2>/dev/null
ok $? "EW_VERSION is debian/changelog's version (9.8.7 in a copy)"
rm -rf "$tmp/v/b"
sed '1s/(.*)/9.8.7/' debian/changelog >"$tmp/v/debian/changelog"
make -s -C "$tmp/v" BUILD=b b/core/version.h >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -ne 0 ] && grep -q "debian/changelog: no 'exwizard (VERSION)'" "$tmp/err" &&
	[ ! -e "$tmp/v/b/core/version.h" ]
ok $? "a changelog without a version stops the build (make: $rc)"

# 5. Package names only: no version, no build profile, no debhelper.
awk '/^Build-Depends:/ { on = 1; sub(/^Build-Depends:/, ""); print; next }
	on && /^[ \t]/ { print; next } { on = 0 }' debian/control |
	tr ',' '\n' | sed 's/[<(].*//; s/^[[:space:]]*//; s/[[:space:]]*$//' |
	grep -v -e '^$' -e '^debhelper-compat$' -e ':' | sort >"$tmp/control"
sed -n 's/^BUILD="\(.*\)"$/\1/p' tests/lab/deps.sh | tr ' ' '\n' | grep -v '^$' | sort >"$tmp/deps"
[ -s "$tmp/deps" ] && cmp -s "$tmp/control" "$tmp/deps"
rc=$?
[ $rc -eq 0 ] || diff "$tmp/deps" "$tmp/control" | sed 's/^/# /'
ok $rc "debian/control's Build-Depends are deps.sh's build packages ($(wc -l <"$tmp/deps"))"

finish
