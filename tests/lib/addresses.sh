# The addresses of the lab namespace: every listener of the lab and of the
# tests, each on an address of its own, and the addresses the lab's DNS
# names that nothing listens on. Sourced by labctl and by every suite
# (sh and bash); tests/lint/addresses.sh holds the rules:
#   - no address appears twice in this table;
#   - an address written out in a lab script (tests/lab, integration, tui,
#     faults, bench) is one of this table;
#   - a test listener (ADDR_T_*) is started and asked by its owner alone,
#     the file named after its address, and by name, never by its digits.
# All of 127.0.0.0/8 is on the namespace's lo, so a new listener needs only
# a new line here. Labs in different namespaces use the same addresses.
#
# name                   address        owner: what listens (port)

# The lab (tests/lab/labctl)
ADDR_CACHE_DNS=127.0.0.2             # tests/lab/labctl: dnsmasq, caching, forwards to the DC (53)
ADDR_NXDOMAIN_DNS=127.0.0.3          # tests/lab/labctl: dnsmasq, NXDOMAIN for the AD zone (53)
ADDR_DC=127.0.0.10                   # tests/lab/labctl: samba, dc1.exwiz.test (53 88 135 389 464 636 3268 3269 ...)
ADDR_EXCH1=127.0.0.11                # tests/lab/labctl: none; exch1.exwiz.test (A and PTR)
ADDR_EX55=127.0.0.12                 # tests/lab/labctl: none; ex55.exwiz.test (A and PTR)
ADDR_FE1=127.0.0.13                  # tests/lab/labctl: none; fe1.region1.exwiz.test (A and PTR)
ADDR_EX19A=127.0.0.31                # tests/lab/labctl: none; ex19a.exwiz.test, mail and owa.exwiz.test (A, PTR)
ADDR_EX19B=127.0.0.32                # tests/lab/labctl: none; ex19b.exwiz.test, mail and owa.exwiz.test (A, PTR)
ADDR_LOCALHOST=127.0.0.1             # tests/lab/labctl: none; localhost in /etc/netns/NS/hosts
ADDR_HOSTNAME=127.0.1.1              # tests/lab/labctl: none; this host's name in /etc/netns/NS/hosts

# Written by the tests into the lab's DNS; nothing listens
ADDR_EXCH1_MOVED=127.0.0.21          # tests/integration/dns.sh: none; exch1's address on the DC while the cache keeps the old one

# Listeners of the tests
ADDR_T_DNS_SILENT=127.0.0.99         # tests/integration/dns.sh: silent_dns.py, a resolver that never answers (UDP 53)
ADDR_T_HOSTILE_DNS=127.0.0.98        # tests/integration/hostile.sh: hostile_dns.py, answers with hostile names (UDP 53)
ADDR_T_FAULTS_SILENT=127.0.0.97      # tests/faults/faults.sh: silent_dns.py, a resolver that never answers (UDP 53)
ADDR_T_WIZARD_SILENT=127.0.0.96      # tests/tui/wizard.sh: silent_dns.py, a resolver that never answers (UDP 53)
ADDR_T_TSAN_SILENT=127.0.0.95        # tests/tsan/run.sh: silent_dns.py, a resolver that never answers (UDP 53)
