#!/bin/sh
# Integration test of the DNS step against the lab domain, with dig as the
# independent oracle. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
silent_pid=
at_exit() { stop_listener "$silent_pid"; }
# findings CHECK SEVERITY FILE: the titles of the findings of that check and severity

X="-x exch1.exwiz.test -x fe1.region1.exwiz.test"

t0=$(msecs)
inlab "$exw" check dns -u bob $X --json --no-transcript >"$work/r1.json" 2>"$work/e1"
rc=$?
t1=$(msecs)
ok $((rc != 2)) "check dns exits 2 in the lab scenario (got $rc, $((t1 - t0)) ms)"
echo "# dns step wall time $((t1 - t0)) ms, $(py 'import json,sys
s=[s for s in json.load(open(sys.argv[1]))["steps"] if s["id"]=="dns"][0]
print("%d queries in %d round trips, step %d ms" % (s["data"]["queries"], s["data"]["round_trips"], s["duration_ms"]))' "$work/r1.json")"

inlab /usr/bin/python3 "$top/tests/integration/dns_oracle.py" "$work/r1.json" >"$work/oracle" 2>&1
rc=$?
sed 's/^/# /' "$work/oracle"
ok $rc "every record the step reports matches dig against the same server"

findings DNS-SRV pass "$work/r1.json" | grep -q 'The 9 SRV records'
ok $? "DNS-SRV: the 9 SRV records are there"

findings DNS-SERVERS fail "$work/r1.json" >"$work/servers"
grep -q '^Resolver 127.0.0.3 ' "$work/servers" && grep -q '_ldap._tcp.dc._msdcs.exwiz.test SRV @127.0.0.3: nxdomain' "$work/servers"
ok $? "DNS-SERVERS fails and names the NXDOMAIN resolver 127.0.0.3 and the records"
! grep -q '^Resolver 127.0.0.2 ' "$work/servers"
ok $? "DNS-SERVERS does not blame the good resolver 127.0.0.2"

findings DNS-REALM fail "$work/r1.json" >"$work/realm"
grep -q '^fe1.region1.exwiz.test: .*REGION1.EXWIZ.TEST' "$work/realm"
ok $? "DNS-REALM: fe1.region1.exwiz.test gets the realm-hint finding (REGION1.EXWIZ.TEST)"
! grep -q 'exch1' "$work/realm" && ! findings DNS-REALM warn "$work/r1.json" | grep -q exch1
ok $? "DNS-REALM: exch1.exwiz.test does not"

findings DNS-TARGETS pass "$work/r1.json" | grep -q 'exch1.exwiz.test -> 127.0.0.11 -> exch1.exwiz.test'
ok $? "DNS-TARGETS: exch1 forward and reverse agree"

# Stale cache: change exch1's address on the DC; the cache keeps the old one.
inlab dig +short @127.0.0.2 exch1.exwiz.test A >/dev/null
acc="FILE:$work/cc-admin"
inlab env KRB5CCNAME="$acc" kinit Administrator@EXWIZ.TEST <"$EXWIZ_LAB_ADMIN_PASSWORD_FILE" >/dev/null 2>&1
inlab env KRB5CCNAME="$acc" samba-tool dns update dc1.exwiz.test exwiz.test exch1 A \
	127.0.0.11 127.0.0.21 --use-kerberos=required >"$work/upd" 2>&1
ok $? "the DC's record of exch1 changed to 127.0.0.21"
dc_now=$(inlab dig +short @127.0.0.10 exch1.exwiz.test A)
cache_now=$(inlab dig +short @127.0.0.2 exch1.exwiz.test A)
[ "$dc_now" = 127.0.0.21 ] && [ "$cache_now" = 127.0.0.11 ]
ok $? "dig: the DC says $dc_now, the cache still $cache_now"

inlab "$exw" check dns -u bob -x exch1.exwiz.test --json --no-transcript >"$work/r2.json" 2>/dev/null
findings DNS-CACHE warn "$work/r2.json" | grep -q 'exch1.exwiz.test A: cache ok \[127.0.0.11\].*DC 127.0.0.10 \[127.0.0.21\]'
ok $? "DNS-CACHE warns: dnsmasq answers 127.0.0.11 where the DC has 127.0.0.21"

inlab "$exw" check dns -u bob -x exch1.exwiz.test --flush --json -o "$work/flush.jsonl" >"$work/r3.json" 2>/dev/null
grep '"event":"action"' "$work/flush.jsonl" | grep -q 'SIGHUP to dnsmasq'
ok $? "--flush: the transcript records the action (SIGHUP to dnsmasq)"
py 'import json,sys
before=after=None
for line in open(sys.argv[1]):
    e=json.loads(line)
    if e["event"]=="probe" and e.get("name")=="exch1.exwiz.test" and e.get("type")=="A" and e.get("server")=="127.0.0.2":
        if e["phase"]=="records": before=e["answers"]
        if e["phase"]=="after flush": after=e["answers"]
sys.exit(0 if before==["127.0.0.11"] and after==["127.0.0.21"] else 1)' "$work/flush.jsonl"
ok $? "the transcript holds the cached answer before (127.0.0.11) and the new one after (127.0.0.21)"
! findings DNS-CACHE warn "$work/r3.json" | grep -q exch1 && findings DNS-CACHE info "$work/r3.json" | grep -q 'flushed'
ok $? "after the flush DNS-CACHE no longer warns and says it flushed"
[ "$(inlab dig +short @127.0.0.2 exch1.exwiz.test A)" = 127.0.0.21 ]
ok $? "dig confirms the cache now answers 127.0.0.21"

inlab env KRB5CCNAME="$acc" samba-tool dns update dc1.exwiz.test exwiz.test exch1 A \
	127.0.0.21 127.0.0.11 --use-kerberos=required >/dev/null 2>&1
inlab "$exw" check dns -x exch1.exwiz.test --flush --no-transcript >/dev/null 2>&1
[ "$(inlab dig +short @127.0.0.2 exch1.exwiz.test A)" = 127.0.0.11 ]
ok $? "exch1 restored to 127.0.0.11 everywhere"

# A silent resolver: it reads queries and never answers.
silent=$ADDR_T_DNS_SILENT
start_listener silent_pid "$silent" "$top/tests/lib/silent_dns.py" 60
ok $? "a silent resolver listens on $silent (pid $silent_pid, the python process)"
t0=$(msecs)
inlab "$exw" check dns -u bob -x exch1.exwiz.test --dns-server "$silent" --timeout 0.5 \
	--tries 2 --json --no-transcript >"$work/r4.json" 2>/dev/null
t1=$(msecs)
el=$((t1 - t0))
findings DNS-SERVERS warn "$work/r4.json" | grep -q "Resolver $silent does not answer"
ok $? "a silent resolver gives a DNS-SERVERS warning"
[ "$el" -lt 2500 ]
ok $? "the step is bounded: $el ms with --timeout 0.5 --tries 2 (limit 0.5 x 2 + 0.5 s, plus 1 s)"
stop_listener "$silent_pid"
ok $? "the silent resolver (pid $silent_pid) has ended"
silent_pid=

inlab "$exw" check dns -d 'bad..name' --no-transcript >/dev/null 2>"$work/e5"
rc=$?
[ "$rc" -eq 3 ] && grep -q 'invalid domain' "$work/e5"
ok $? "an invalid domain name is refused with a message, exit 3 (got $rc)"

t0=$(msecs)
inlab "$exw" check dns -d nosuch.example -u x --json --no-transcript >"$work/r6.json" 2>/dev/null
rc=$?
t1=$(msecs)
findings DNS-SRV fail "$work/r6.json" | grep -q 'No Record Available: _ldap._tcp.dc._msdcs.nosuch.example'
ok $? "a domain nobody serves: DNS-SRV fails with No Record Available (exit $rc, $((t1 - t0)) ms)"
inlab "$exw" check dns -r NOSUCH.EXAMPLE -u x --json --no-transcript >"$work/r7.json" 2>/dev/null
rc=$?
[ "$rc" -eq 3 ] && findings TARGET-REALM fail "$work/r7.json" | grep -q 'No KDC serves the realm NOSUCH.EXAMPLE' &&
	! findings DNS-SRV fail "$work/r7.json" | grep -q .
ok $? "a realm nobody serves: a configuration error (exit $rc), not a list of DNS failures"

finish
