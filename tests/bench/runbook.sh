#!/bin/bash
# The hand-run runbook: what an admin on a jump host does without exwizard to
# check the same things for USER (mover MOVER), one command after the other.
# Run inside the lab namespace (labctl exec) with the lab's client settings.
#
#   runbook.sh USER MOVER PASSWORD_FILE WORKDIR
#
# Prints "runbook: N commands" at the end; the caller times it.
set -u
user=$1
mover=$2
pwfile=$3
work=$4
realm=$EXWIZ_LAB_REALM
domain=$EXWIZ_LAB_DOMAIN
base=$EXWIZ_LAB_BASE_DN
dc=$EXWIZ_LAB_DC
export KRB5CCNAME="FILE:$work/runbook-cc-$user"
n=0
run() { n=$((n + 1)); "$@" >>"$work/runbook-$user.out" 2>&1; }
: >"$work/runbook-$user.out"

# DNS: each record the DC locator and Kerberos need, at each resolver.
for server in $(awk '/^nameserver/ { print $2 }' /etc/resolv.conf); do
	for rec in "_ldap._tcp.dc._msdcs.$domain SRV" "_kerberos._tcp.$domain SRV" \
		"_kerberos._udp.$domain SRV" "_kpasswd._tcp.$domain SRV" \
		"_kpasswd._udp.$domain SRV" "_gc._tcp.$domain SRV" "_ldap._tcp.$domain SRV" \
		"$dc A" "$EXWIZ_LAB_EXCHANGE A" "$EXWIZ_LAB_FRONTEND A" \
		"$EXWIZ_LAB_DC_IP PTR"; do
		set -- $rec
		if [ "$2" = PTR ]; then
			run dig +time=2 +tries=1 "@$server" -x "$1"
		else
			run dig +time=2 +tries=1 "@$server" "$1" "$2"
		fi
	done
done

# Kerberos: a TGT, a ticket for each Exchange SPN and the DC, then klist.
run kinit "$user@$realm" <"$pwfile"
for host in "$EXWIZ_LAB_EXCHANGE" "$EXWIZ_LAB_FRONTEND"; do
	short=$(echo "${host%%.*}" | tr a-z A-Z)
	for svc in exchangeMDB exchangeRFR exchangeAB HTTP; do
		run kvno "$svc/$host@$realm"
		run kvno "$svc/$short@$realm"
	done
done
run kvno "ldap/$dc@$realm"
run klist -e -f

# Directory: the user with the mailbox attributes, tokenGroups, each group,
# the Exchange configuration, the mover, the mover's groups, the ACLs.
lds() { run ldapsearch -LLL -Q -Y GSSAPI -H "ldap://$dc" -o ldif-wrap=no "$@"; }
ldsout() {
	n=$((n + 1))
	ldapsearch -LLL -Q -Y GSSAPI -H "ldap://$dc" -o ldif-wrap=no "$@" 2>>"$work/runbook-$user.out"
}
sdflags='1.2.840.113556.1.4.801=::MAMCAQc='
userdn=$(ldsout -b "$base" "(sAMAccountName=$user)" dn | sed -n 's/^dn: //p')
lds -b "$base" "(sAMAccountName=$user)" homeMDB homeMTA msExchHomeServerName \
	legacyExchangeDN mailNickname msExchMailboxGuid msExchMailboxSecurityDescriptor \
	proxyAddresses showInAddressBook targetAddress adminCount memberOf
# tokenGroups, then each group by its SID (ldapsearch shows SIDs in base64)
sids=$(ldsout -s base -b "$userdn" tokenGroups | sed -n 's/^tokenGroups:: //p' |
	python3 -c '
import base64, struct, sys
for line in sys.stdin:
    b = base64.b64decode(line.strip())
    auth = int.from_bytes(b[2:8], "big")
    subs = struct.unpack("<%dI" % b[1], b[8:8 + 4 * b[1]])
    print("S-%d-%d-%s" % (b[0], auth, "-".join(map(str, subs))))')
for sid in $sids; do
	lds -b "$base" "(objectSid=$sid)" cn groupType
done
config="CN=Configuration,$base"
lds -b "CN=Microsoft Exchange,CN=Services,$config" \
	"(|(objectClass=msExchOrganizationContainer)(objectClass=msExchAdminGroup)(objectClass=msExchExchangeServer)(objectClass=msExchPrivateMDB)(objectClass=mTA))" \
	cn legacyExchangeDN objectClass
moverdn=$(ldsout -b "$base" "(sAMAccountName=$mover)" dn | sed -n 's/^dn: //p')
lds -s base -b "$moverdn" tokenGroups
lds -b "$base" "(&(objectClass=group)(|(cn=Exchange Organization Administrators)(cn=Exchange Domain Servers)(cn=Exchange Enterprise Servers)(cn=Organization Management)(cn=Recipient Management)))" cn objectSid
for dn in $(ldsout -b "CN=Microsoft Exchange,CN=Services,$config" \
	"(|(objectClass=msExchOrganizationContainer)(objectClass=msExchAdminGroup)(objectClass=msExchExchangeServer))" dn |
	sed -n 's/^dn: //p' | tr ' ' '\001'); do
	lds -s base -b "$(echo "$dn" | tr '\001' ' ')" -E "$sdflags" nTSecurityDescriptor
done
lds -s base -b "$userdn" -E "$sdflags" nTSecurityDescriptor
kdestroy >/dev/null 2>&1
echo "runbook: $n commands"
