#!/bin/sh
# Installs the Debian packages exwizard needs to build, test and run its lab,
# only those that are missing: "build" the build, "deb" the build and the
# Debian package (make deb), anything else all of it. As root: apt-get update once, no daemons
# started (a temporary policy-rc.d). Otherwise: print the command and fail.
set -eu

BUILD="pkg-config libncurses-dev libkrb5-dev libldap-dev libsasl2-dev libsasl2-modules-gssapi-mit libc-ares-dev libjansson-dev libcmocka-dev"
# debian/control's Build-Depends are BUILD (tests/lint/debcontrol.sh holds that).
DEB="dpkg-dev debhelper lintian"
LAB="clang libclang-rt-14-dev samba samba-ad-dc samba-ad-provision krb5-user ldap-utils ldb-tools dnsutils dnsmasq-base tmux iproute2 iptables faketime libnetfilter-queue-dev mandoc valgrind python3 time"

case "${1:-all}" in
build) WANT="$BUILD" ;;
deb) WANT="$BUILD $DEB" ;;
*) WANT="$BUILD $DEB $LAB" ;;
esac

missing=""
for p in $WANT; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "exwizard: missing Debian packages:$missing" >&2
	echo "install them as root with:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "installing:$missing"
created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	created_policy=1
fi
# An if, not "[ ] && rm": under set -e a false test as the trap's last
# command would make the whole script fail after a good install.
cleanup() {
	if [ -n "$created_policy" ]; then
		rm -f /usr/sbin/policy-rc.d
	fi
}
trap cleanup EXIT INT TERM

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef \
	-o Dpkg::Options::=--force-confold $missing
