#!/usr/bin/python3
"""Generates the data of the exwizard lab domain (EXWIZ.TEST).

  gen-ldif.py ldif OUTDIR PASSWORD_FILE [BULK_USERS]
      writes the LDIF files labctl loads with ldbadd/ldbmodify into a freshly
      provisioned sam.ldb, in this order:
        10-schema-attrs.ldif    Exchange attributes (attributeSchema)
        11-schema-classes.ldif  Exchange classes (classSchema)
        12-schema-modify.ldif   possSuperiors of the new classes and of
                                addressBookContainer, mayContain on user
        20-objects.ldif         OUs, Exchange configuration, DNS records,
                                computers, users, contacts, groups
        21-scale.ldif           frank and his 4998 groups (--scale)
        22-sweep.ldif           the domain a sweep walks (--scale): OUs and
                                the planted problems under OU=Bulk
        23-bulk-NNN.ldif        BULK_USERS (default $EXWIZ_LAB_USERS or 3000)
                                ordinary users, 2500 a file
        24-bulk-groups.ldif     their departments and All Staff
        27-exchange2019.ldif    the 2019 part's computer accounts (loaded after
                                the others, which keep their RIDs)
        30-dup-spn.ldif         the duplicate SPN, written straight into the
                                domain partition file (Samba refuses it)
        31-sweep-dup-spn.ldif   the planted duplicate SPNs, the same way
                                (--scale)
  gen-ldif.py acl SMB_CONF
      gives operator and "Exchange Organization Administrators" Full Control
      on the Exchange organization object (needs the SIDs, so it runs after
      the load; the same operation as samba-tool dsacl set), and
      authenticated users read access to the 2019 part's administrative
      group (its servers and Autodiscover SCPs); and denies alice reading
      the planted unreadable attributes (--scale).
  gen-ldif.py sweep-expected
      prints what a sweep must find among the planted users: one line
      "sAMAccountName<TAB>cause" each (spn-duplicate: the SPN as a third
      column), and "unreadable<TAB>sAMAccountName<TAB>attribute" for what
      alice may not read. Control users are not listed.
  gen-ldif.py heal|break SMB_CONF
      repairs every fault the lab holds on purpose (heal), or puts them back
      (break), in the directory and the AD DNS zone, while the DC runs: the
      duplicate HTTP/exch1.exwiz.test on websvc, the disjoint front end
      fe1.region1.exwiz.test (renamed fe1.exwiz.test), no Autodiscover
      records, carol's half-moved mailbox, junior's missing mover rights,
      bob's, erin's and frank's many groups, and in the 2019 part the shared
      HTTP/mail.exwiz.test on the member EX19A$ instead of the alternate
      service account EXCHASA$ and EX19B's stale Autodiscover SCP (its URL
      names mail-old.exwiz.test, which has no A record), and webmail.exwiz.test
      a CNAME of ex19-vip.exwiz.test (healed: the members' A records) while
      HTTP/webmail.exwiz.test is on EXCHASA$. Each change is made only where
      the directory differs from the mode asked for, so running it twice is
      running it once; it prints one line per change made. The sweep's
      planted problems are not faults of the story: neither touches them.

Must run with /usr/bin/python3: it imports the samba module.
The numbers below are what the lab promises (see smoke.sh).
"""

import base64
import os
import secrets
import sys
import uuid

from samba.dcerpc import dnsp, security
from samba.ndr import ndr_pack, ndr_unpack

DOMAIN = "exwiz.test"
REALM = "EXWIZ.TEST"
BASE = "DC=exwiz,DC=test"
CONFIG = "CN=Configuration," + BASE
SCHEMA = "CN=Schema," + CONFIG
REVZONE = "0.0.127.in-addr.arpa"

# Hosts: name in exwiz.test -> address. All are on the namespace's loopback;
# only the DC (127.0.0.10, created by provisioning) listens.
HOSTS = [
    ("exch1", "127.0.0.11"),
    ("ex55", "127.0.0.12"),
    ("fe1.region1", "127.0.0.13"),  # disjoint namespace: not a domain
]
PTRS = [
    ("127.0.0.10", "dc1.exwiz.test"),
    ("127.0.0.11", "exch1.exwiz.test"),
    ("127.0.0.12", "ex55.exwiz.test"),
    ("127.0.0.13", "fe1.region1.exwiz.test"),
    ("127.0.0.31", "ex19a.exwiz.test"),
    ("127.0.0.32", "ex19b.exwiz.test"),
]

# The 2019 part: two Exchange 2019 servers behind load-balanced names (one A
# record per member), an alternate service account (a computer account, as
# Microsoft recommends) for the shared names' HTTP/ SPNs, and the
# Autodiscover service connection points Exchange writes for each server.
EX19 = [("EX19A", "ex19a.exwiz.test", "127.0.0.31"),
        ("EX19B", "ex19b.exwiz.test", "127.0.0.32")]
EX19_NAMES = ["mail", "owa"]              # the shared names, A records per member
EX19_ASA = "EXCHASA"                      # the ASA's CN; sAMAccountName EXCHASA$
EX19_SHARED_SPN = "HTTP/mail.exwiz.test"  # on a member (broken) or the ASA (healed)
EX19_SERIAL = "Version 15.2 (Build 1258.12)"
EX19_MSEXCHVERSION = 88218628259840       # ExchangeObjectVersion 0.20 (15.0.0.0)
# Names behind CNAMEs (DNS-NAMESPACE): a client asks for the SPN of the
# CNAME's target. outlook -> mail in both modes (HTTP/mail is the ASA's once
# healed); webmail -> ex19-vip (A records of the members, no SPN) when
# broken, while HTTP/webmail is registered on the ASA: the SPN of a name no
# client asks for. Healed: webmail has the members' A records itself.
EX19_ALIAS = ("outlook", "mail." + DOMAIN)
EX19_BAD_ALIAS = ("webmail", "ex19-vip." + DOMAIN)
EX19_VIP = "ex19-vip"
EX19_BAD_ALIAS_SPN = "HTTP/webmail." + DOMAIN   # on the ASA, both modes
EX19_SCP_GOOD = "https://mail.exwiz.test/Autodiscover/Autodiscover.xml"
EX19_SCP_STALE = "https://mail-old.exwiz.test/Autodiscover/Autodiscover.xml"  # no A record
EX19_SCP_STALE_ON = "EX19B"
SCP_KEYWORDS = ["77378F46-2C66-4aa9-A6A6-3E7A48B19596",
                "67661d7F-8FC4-4fa7-BFAC-E1D7794C1F68", "Site=Default-First-Site-Name"]
AES_ONLY = 24                             # msDS-SupportedEncryptionTypes: AES128 | AES256

# Exchange organization layout
ORG_NAME = "EXWIZ"
EXCH = "CN=Microsoft Exchange,CN=Services," + CONFIG
ORG = "CN=%s,%s" % (ORG_NAME, EXCH)
AGS = "CN=Administrative Groups," + ORG
AG_NEW = "CN=First Administrative Group," + AGS
AG_OLD = "CN=OLDSITE," + AGS
LEG_ORG = "/o=" + ORG_NAME
LEG_AG_NEW = LEG_ORG + "/ou=First Administrative Group"
LEG_AG_OLD = LEG_ORG + "/ou=OLDSITE"


def server_dn(name, ag):
    return "CN=%s,CN=Servers,%s" % (name, ag)


AG_2019 = "CN=Exchange Administrative Group (FYDIBOHF23SPDLT)," + AGS
LEG_AG_2019 = LEG_ORG + "/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
EXCH1 = server_dn("EXCH1", AG_NEW)
EX55 = server_dn("EX55", AG_OLD)
EXCH1_DB = "CN=Mailbox Store (EXCH1),CN=First Storage Group,CN=InformationStore," + EXCH1
EX55_DB = "CN=Private Information Store (EX55),CN=InformationStore," + EX55
EXCH1_MTA = "CN=Microsoft MTA," + EXCH1
EX55_MTA = "CN=Microsoft MTA," + EX55
LEG_EXCH1 = LEG_AG_NEW + "/cn=Configuration/cn=Servers/cn=EXCH1"
LEG_EX55 = LEG_AG_OLD + "/cn=Configuration/cn=Servers/cn=EX55"
GAL = ("CN=Default Global Address List,CN=All Global Address Lists,"
       "CN=Address Lists Container," + ORG)
ALL_USERS = "CN=All Users,CN=All Address Lists,CN=Address Lists Container," + ORG

OU_STAFF = "OU=Staff," + BASE
OU_GROUPS = "OU=Groups," + BASE
OU_BOB = "OU=Bob Groups," + OU_GROUPS
OU_ERIN = "OU=Erin Groups," + OU_GROUPS
OU_FRANK = "OU=Frank Groups," + OU_GROUPS
OU_CONTACTS = "OU=Contacts," + BASE
OU_SVC = "OU=Service Accounts," + BASE
USERS = "CN=Users," + BASE
COMPUTERS = "CN=Computers," + BASE

GT_GLOBAL = -2147483646       # 0x80000002
GT_DOMAIN_LOCAL = -2147483644  # 0x80000004
GT_UNIVERSAL = -2147483640    # 0x80000008
GT_DIST_GLOBAL = 2
GT_DIST_UNIVERSAL = 8

# bob: 600 security groups in five levels (d = 300 domain local, s = 300)
BOB_L1, BOB_L2, BOB_U, BOB_DL1, BOB_DL2 = 50, 150, 100, 200, 100
# erin: 1027 security groups; with Staff, Domain Users and BUILTIN\Users her
# tokenGroups holds 1030 SIDs.
ERIN_L1, ERIN_L2, ERIN_U, ERIN_DL = 100, 300, 228, 399
# frank: 4998 security groups; with Domain Users and BUILTIN\Users his
# tokenGroups holds 5000 SIDs (the scale test of the groups step).
FRANK_L1, FRANK_L2, FRANK_U, FRANK_DL1, FRANK_DL2 = 500, 1500, 1000, 1500, 498
FRANK_PARTS = 20
BIGROUP_MEMBERS = 2000

MAILBOX_SD_SDDL = "O:PSG:PSD:(A;CI;CCRC;;;PS)"

# Exchange schema extension, OID arc reserved for examples.
ARC = "1.3.6.1.4.1.32473.1"
DN_SYNTAX = ("2.5.5.1", 127)
STR_SYNTAX = ("2.5.5.12", 64)
OCTET_SYNTAX = ("2.5.5.10", 4)
SD_SYNTAX = ("2.5.5.15", 66)
INT_SYNTAX = ("2.5.5.9", 2)
INT8_SYNTAX = ("2.5.5.16", 65)
# (ldapDisplayName, cn, syntax, single valued, in GC, indexed)
ATTRS = [
    ("homeMDB", "Home-MDB", DN_SYNTAX, True, True, True),
    ("homeMTA", "Home-MTA", DN_SYNTAX, True, True, False),
    ("msExchHomeServerName", "ms-Exch-Home-Server-Name", STR_SYNTAX, True, True, True),
    ("mailNickname", "ms-Exch-Mail-Nickname", STR_SYNTAX, True, True, True),
    ("msExchMailboxGuid", "ms-Exch-Mailbox-Guid", OCTET_SYNTAX, True, True, True),
    ("msExchMailboxSecurityDescriptor", "ms-Exch-Mailbox-Security-Descriptor",
     SD_SYNTAX, True, False, False),
    ("msExchUserAccountControl", "ms-Exch-User-Account-Control", INT_SYNTAX, True, True, False),
    ("targetAddress", "ms-Exch-Target-Address", STR_SYNTAX, True, True, True),
    ("msExchOwningServer", "ms-Exch-Owning-Server", DN_SYNTAX, True, False, False),
    ("msExchVersion", "ms-Exch-Version", INT8_SYNTAX, True, True, False),
]
USER_ATTRS = ["homeMDB", "homeMTA", "msExchHomeServerName", "mailNickname",
              "msExchMailboxGuid", "msExchMailboxSecurityDescriptor",
              "msExchUserAccountControl", "targetAddress"]
CONFIG_ATTRS = ["legacyExchangeDN", "msExchOwningServer", "msExchVersion", "serialNumber",
                "networkAddress"]
# (ldapDisplayName, cn, possSuperiors)
# msExchConfigurationContainer (CN=Microsoft Exchange) is in the base schema.
CLASSES = [
    ("msExchOrganizationContainer", "ms-Exch-Organization-Container",
     ["msExchConfigurationContainer"]),
    ("msExchContainer", "ms-Exch-Container", ["msExchOrganizationContainer", "msExchContainer",
                                              "msExchExchangeServer"]),
    ("msExchAdminGroupContainer", "ms-Exch-Admin-Group-Container",
     ["msExchOrganizationContainer"]),
    ("msExchAdminGroup", "ms-Exch-Admin-Group", ["msExchAdminGroupContainer"]),
    ("msExchServersContainer", "ms-Exch-Servers-Container", ["msExchAdminGroup"]),
    ("msExchExchangeServer", "ms-Exch-Exchange-Server", ["msExchServersContainer"]),
    ("msExchInformationStore", "ms-Exch-Information-Store", ["msExchExchangeServer"]),
    ("msExchStorageGroup", "ms-Exch-Storage-Group", ["msExchInformationStore"]),
    ("msExchPrivateMDB", "ms-Exch-Private-MDB",
     ["msExchStorageGroup", "msExchInformationStore"]),
    ("mTA", "MTA", ["msExchExchangeServer"]),
]


class Ldif:
    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8")

    def entry(self, dn, attrs, changetype=None):
        """attrs: list of (name, value); bytes values are written base64."""
        if isinstance(dn, bytes):
            out = ["dn:: " + base64.b64encode(dn).decode()]
        else:
            out = ["dn: " + dn]
        if changetype:
            out.append("changetype: " + changetype)
        for name, value in attrs:
            if isinstance(value, bytes):
                out.append("%s:: %s" % (name, base64.b64encode(value).decode()))
            else:
                value = str(value)
                if value != value.strip() or not value.isascii() or value.startswith(":"):
                    out.append("%s:: %s" % (name, base64.b64encode(value.encode()).decode()))
                else:
                    out.append("%s: %s" % (name, value))
        self.f.write("\n".join(out) + "\n\n")

    def raw(self, text):
        self.f.write(text.rstrip("\n") + "\n\n")

    def close(self):
        self.f.close()


def unicode_pwd(password):
    return ('"%s"' % password).encode("utf-16-le")


def stable_guid(name):
    return uuid.uuid5(uuid.NAMESPACE_DNS, "exwizard-lab." + name)


def write_schema(outdir):
    a = Ldif(os.path.join(outdir, "10-schema-attrs.ldif"))
    for i, (name, cn, (syntax, om), single, gc, indexed) in enumerate(ATTRS, 1):
        attrs = [
            ("objectClass", "top"), ("objectClass", "attributeSchema"),
            ("cn", cn), ("lDAPDisplayName", name),
            ("attributeID", "%s.1.%d" % (ARC, i)),
            ("attributeSyntax", syntax), ("oMSyntax", om),
            ("isSingleValued", "TRUE" if single else "FALSE"),
            ("adminDisplayName", cn), ("adminDescription", cn),
            ("schemaIDGUID", stable_guid("attr." + name).bytes_le),
            ("searchFlags", 1 if indexed else 0),
            ("showInAdvancedViewOnly", "TRUE"),
        ]
        if syntax == "2.5.5.1":
            # object(DS-DN)
            attrs.append(("oMObjectClass", bytes.fromhex("2b0c0287731c00854a")))
        if gc:
            attrs.append(("isMemberOfPartialAttributeSet", "TRUE"))
        a.entry("CN=%s,%s" % (cn, SCHEMA), attrs, "add")
    a.raw("dn:\nchangetype: modify\nadd: schemaUpdateNow\nschemaUpdateNow: 1\n-")
    a.close()

    c = Ldif(os.path.join(outdir, "11-schema-classes.ldif"))
    for i, (name, cn, sups) in enumerate(CLASSES, 1):
        attrs = [
            ("objectClass", "top"), ("objectClass", "classSchema"),
            ("cn", cn), ("lDAPDisplayName", name),
            ("governsID", "%s.2.%d" % (ARC, i)),
            ("subClassOf", "top"), ("objectClassCategory", 1),
            ("adminDisplayName", cn), ("adminDescription", cn),
            ("schemaIDGUID", stable_guid("class." + name).bytes_le),
            ("showInAdvancedViewOnly", "TRUE"),
            ("rDNAttID", "cn"),
        ]
        attrs += [("mayContain", m) for m in CONFIG_ATTRS]
        c.entry("CN=%s,%s" % (cn, SCHEMA), attrs, "add")
    c.raw("dn:\nchangetype: modify\nadd: schemaUpdateNow\nschemaUpdateNow: 1\n-")
    c.close()

    # A class added in the same ldb session is not yet valid as a value of
    # possSuperiors, so superiors are set by a second run.
    m = Ldif(os.path.join(outdir, "12-schema-modify.ldif"))
    for name, cn, sups in CLASSES:
        m.raw("dn: CN=%s,%s\nchangetype: modify\nadd: possSuperiors\n%s\n-"
              % (cn, SCHEMA, "\n".join("possSuperiors: " + x for x in sups)))
    m.raw("dn: CN=User,%s\nchangetype: modify\nadd: mayContain\n%s\n-"
          % (SCHEMA, "\n".join("mayContain: " + x for x in USER_ATTRS)))
    m.raw("dn: CN=Contact,%s\nchangetype: modify\nadd: mayContain\n"
          "mayContain: targetAddress\nmayContain: mailNickname\n-" % SCHEMA)
    m.raw("dn: CN=Address-Book-Container,%s\nchangetype: modify\n"
          "add: possSuperiors\npossSuperiors: msExchContainer\n-" % SCHEMA)
    # Autodiscover: CN=NAME,CN=Autodiscover,CN=Protocols,<server>
    m.raw("dn: CN=Service-Connection-Point,%s\nchangetype: modify\n"
          "add: possSuperiors\npossSuperiors: msExchContainer\n-" % SCHEMA)
    m.raw("dn:\nchangetype: modify\nadd: schemaUpdateNow\nschemaUpdateNow: 1\n-")
    m.close()


def dns_record(wtype, data, ttl=900):
    r = dnsp.DnssrvRpcRecord()
    r.wType = wtype
    r.rank = dnsp.DNS_RANK_ZONE
    r.dwSerial = 1
    r.dwTtlSeconds = ttl
    r.data = data
    return ndr_pack(r)


def ex19_a_records():
    """One A record per 2019 member: a load-balanced name."""
    return [dns_record(dnsp.DNS_TYPE_A, ip) for _, _, ip in EX19]


def write_dns(out):
    zone = "DC=%s,CN=MicrosoftDNS,DC=DomainDnsZones,%s" % (DOMAIN, BASE)
    for name, ip in HOSTS + [(n.split(".")[0], ip) for _, n, ip in EX19]:
        out.entry("DC=%s,%s" % (name, zone), [
            ("objectClass", "top"), ("objectClass", "dnsNode"),
            ("dnsRecord", dns_record(dnsp.DNS_TYPE_A, ip))])
    for name in EX19_NAMES + [EX19_VIP]:
        out.entry("DC=%s,%s" % (name, zone), [
            ("objectClass", "top"), ("objectClass", "dnsNode")] +
            [("dnsRecord", r) for r in ex19_a_records()])
    for name, target in (EX19_ALIAS, EX19_BAD_ALIAS):   # as up leaves it: broken
        out.entry("DC=%s,%s" % (name, zone), [
            ("objectClass", "top"), ("objectClass", "dnsNode"),
            ("dnsRecord", dns_record(dnsp.DNS_TYPE_CNAME, target))])

    rzone = "DC=%s,CN=MicrosoftDNS,DC=DomainDnsZones,%s" % (REVZONE, BASE)
    props = []
    for prop_id, value in ((dnsp.DSPROPERTY_ZONE_TYPE, dnsp.DNS_ZONE_TYPE_PRIMARY),
                           (dnsp.DSPROPERTY_ZONE_ALLOW_UPDATE, dnsp.DNS_ZONE_UPDATE_SECURE)):
        p = dnsp.DnsProperty()
        p.wDataLength = 1
        p.version = 1
        p.id = prop_id
        p.data = value
        props.append(ndr_pack(p))
    out.entry(rzone, [("objectClass", "top"), ("objectClass", "dnsZone")] +
              [("dNSProperty", p) for p in props])
    soa = dnsp.soa()
    soa.serial = 1
    soa.refresh = 900
    soa.retry = 600
    soa.expire = 86400
    soa.minimum = 3600
    soa.mname = "dc1." + DOMAIN
    soa.rname = "hostmaster." + DOMAIN
    out.entry("DC=@," + rzone, [
        ("objectClass", "top"), ("objectClass", "dnsNode"),
        ("dnsRecord", dns_record(dnsp.DNS_TYPE_SOA, soa, ttl=3600)),
        ("dnsRecord", dns_record(dnsp.DNS_TYPE_NS, "dc1." + DOMAIN))])
    for ip, host in PTRS:
        out.entry("DC=%s,%s" % (ip.split(".")[3], rzone), [
            ("objectClass", "top"), ("objectClass", "dnsNode"),
            ("dnsRecord", dns_record(dnsp.DNS_TYPE_PTR, host))])


def container(out, dn, cls):
    out.entry(dn, [("objectClass", "top"), ("objectClass", cls)])


def write_exchange_config(out):
    container(out, EXCH, "msExchConfigurationContainer")
    out.entry(ORG, [("objectClass", "top"), ("objectClass", "msExchOrganizationContainer"),
                    ("legacyExchangeDN", LEG_ORG)])
    container(out, "CN=Address Lists Container," + ORG, "msExchContainer")
    container(out, "CN=All Global Address Lists,CN=Address Lists Container," + ORG,
              "msExchContainer")
    container(out, "CN=All Address Lists,CN=Address Lists Container," + ORG,
              "msExchContainer")
    for dn in (GAL, ALL_USERS):
        out.entry(dn, [("objectClass", "top"), ("objectClass", "addressBookContainer"),
                       ("displayName", dn.split(",")[0][3:])])
    container(out, AGS, "msExchAdminGroupContainer")
    for ag, leg in ((AG_NEW, LEG_AG_NEW), (AG_OLD, LEG_AG_OLD)):
        out.entry(ag, [("objectClass", "top"), ("objectClass", "msExchAdminGroup"),
                       ("legacyExchangeDN", leg)])
        container(out, "CN=Servers," + ag, "msExchServersContainer")

    for srv, leg in ((EXCH1, LEG_EXCH1), (EX55, LEG_EX55)):
        name = srv.split(",")[0][3:]
        out.entry(srv, [("objectClass", "top"), ("objectClass", "msExchExchangeServer"),
                        ("legacyExchangeDN", leg),
                        ("serialNumber", "Version 6.5 (Build 7638.2: Service Pack 2)"),
                        ("networkAddress", "ncacn_ip_tcp:%s.%s" % (name.lower(), DOMAIN)),
                        ("networkAddress", "netbios:" + name)])
        container(out, "CN=InformationStore," + srv, "msExchInformationStore")
        out.entry("CN=Microsoft MTA," + srv, [
            ("objectClass", "top"), ("objectClass", "mTA"),
            ("legacyExchangeDN", leg + "/cn=Microsoft MTA")])
    container(out, "CN=First Storage Group,CN=InformationStore," + EXCH1, "msExchStorageGroup")
    out.entry(EXCH1_DB, [("objectClass", "top"), ("objectClass", "msExchPrivateMDB"),
                         ("legacyExchangeDN", LEG_EXCH1 + "/cn=Microsoft Private MDB"),
                         ("msExchOwningServer", EXCH1)])
    out.entry(EX55_DB, [("objectClass", "top"), ("objectClass", "msExchPrivateMDB"),
                        ("legacyExchangeDN", LEG_EX55 + "/cn=Microsoft Private MDB"),
                        ("msExchOwningServer", EX55)])
    write_exchange_2019(out)


def scp_dn(name):
    return "CN=%s,CN=Autodiscover,CN=Protocols,%s" % (name, server_dn(name, AG_2019))


def scp_url(name, healed):
    return EX19_SCP_STALE if name == EX19_SCP_STALE_ON and not healed else EX19_SCP_GOOD


def write_exchange_2019(out):
    """The 2019 part as up leaves it (broken): EX19B's SCP names a host
    that has no A record."""
    out.entry(AG_2019, [("objectClass", "top"), ("objectClass", "msExchAdminGroup"),
                        ("legacyExchangeDN", LEG_AG_2019)])
    container(out, "CN=Servers," + AG_2019, "msExchServersContainer")
    for name, fqdn, _ in EX19:
        srv = server_dn(name, AG_2019)
        out.entry(srv, [("objectClass", "top"), ("objectClass", "msExchExchangeServer"),
                        ("legacyExchangeDN", LEG_AG_2019 + "/cn=Configuration/cn=Servers/cn="
                         + name),
                        ("serialNumber", EX19_SERIAL), ("msExchVersion", EX19_MSEXCHVERSION),
                        ("networkAddress", "ncacn_ip_tcp:" + fqdn),
                        ("networkAddress", "netbios:" + name)])
        container(out, "CN=Protocols," + srv, "msExchContainer")
        container(out, "CN=Autodiscover,CN=Protocols," + srv, "msExchContainer")
        out.entry(scp_dn(name), [
            ("objectClass", "top"), ("objectClass", "serviceConnectionPoint"),
            ("serviceClassName", "ms-Exchange-AutoDiscover-Service"),
            ("serviceDNSName", fqdn),
            ("serviceBindingInformation", scp_url(name, False))] +
            [("keywords", k) for k in SCP_KEYWORDS])


def computer(out, name, fqdn, spns, os_name, sp, extra=()):
    attrs = [("objectClass", "top"), ("objectClass", "computer"),
             ("sAMAccountName", name + "$"),
             ("userAccountControl", 4096)]
    attrs += [("dNSHostName", fqdn)] if fqdn else []
    attrs += [("operatingSystem", os_name)]
    attrs += [("operatingSystemServicePack", sp)] if sp else []
    attrs += [("unicodePwd", unicode_pwd(secrets.token_urlsafe(24) + "aA1!"))]
    out.entry("CN=%s,%s" % (name, COMPUTERS), attrs + list(extra) +
              [("servicePrincipalName", s) for s in spns])


def user(out, sam, given, sn, password, ou=OU_STAFF, extra=()):
    display = "%s %s" % (given, sn)
    out.entry("CN=%s,%s" % (display, ou), [
        ("objectClass", "top"), ("objectClass", "person"),
        ("objectClass", "organizationalPerson"), ("objectClass", "user"),
        ("sAMAccountName", sam),
        ("userPrincipalName", "%s@%s" % (sam, DOMAIN)),
        ("givenName", given), ("sn", sn), ("displayName", display),
        ("userAccountControl", 512),
        ("unicodePwd", unicode_pwd(password)),
    ] + list(extra))
    return "CN=%s,%s" % (display, ou)


def mailbox(sam, homemdb, homemta, homeserver, legacy, with_sd=True):
    attrs = [
        ("mail", "%s@%s" % (sam, DOMAIN)),
        ("mailNickname", sam),
        ("proxyAddresses", "SMTP:%s@%s" % (sam, DOMAIN)),
        ("proxyAddresses", "X400:c=US;a= ;p=%s;o=Exchange;s=%s;" % (ORG_NAME, sam)),
        ("homeMDB", homemdb),
        ("homeMTA", homemta),
        ("msExchHomeServerName", homeserver),
        ("legacyExchangeDN", legacy),
        ("msExchMailboxGuid", stable_guid("mailbox." + sam).bytes_le),
        ("msExchUserAccountControl", 0),
        ("showInAddressBook", GAL),
        ("showInAddressBook", ALL_USERS),
    ]
    if with_sd:
        sd = security.descriptor.from_sddl(MAILBOX_SD_SDDL, security.dom_sid("S-1-5-21-1-2-3"))
        attrs.append(("msExchMailboxSecurityDescriptor", ndr_pack(sd)))
    return attrs


def healthy_mailbox(sam):
    return mailbox(sam, EXCH1_DB, EXCH1_MTA, LEG_EXCH1,
                   LEG_AG_NEW + "/cn=Recipients/cn=" + sam)


def group(out, name, ou, gtype, members, description=None):
    attrs = [("objectClass", "top"), ("objectClass", "group"),
             ("sAMAccountName", name), ("groupType", gtype)]
    if description:
        attrs.append(("description", description))
    attrs += [("member", m) for m in members]
    dn = "CN=%s,%s" % (name, ou)
    out.entry(dn, attrs)
    return dn


def write_groups(out, prefix, ou, member_dn, n_l1, n_l2, n_u, n_dl1, n_dl2, parts=1):
    """Five nesting levels, AD nesting rules respected:
    user -> global L1 -> global L2 -> universal -> domain local 1 -> domain local 2.
    With parts > 1 the groups are spread over that many OUs under ou (Samba
    slows down adding thousands of children to one container)."""
    seq = [0]

    def where():
        seq[0] += 1
        return ou if parts == 1 else "OU=Part %d,%s" % (seq[0] % parts, ou)

    l1 = [group(out, "GS-%s-Team-%03d" % (prefix, i), where(), GT_GLOBAL, [member_dn])
          for i in range(1, n_l1 + 1)]
    l2 = [group(out, "GS-%s-Dept-%03d" % (prefix, i), where(), GT_GLOBAL,
                sorted({l1[i % n_l1], l1[(i * 7) % n_l1]}))
          for i in range(1, n_l2 + 1)]
    un = [group(out, "US-%s-Region-%03d" % (prefix, i), where(), GT_UNIVERSAL,
                sorted({l2[i % n_l2], l2[(i * 3) % n_l2]}))
          for i in range(1, n_u + 1)]
    dl1 = []
    for i in range(1, n_dl1 + 1):
        members = [un[i % n_u]] if i % 2 else [l2[i % n_l2]]
        dl1.append(group(out, "DL-%s-Share-%03d" % (prefix, i), where(), GT_DOMAIN_LOCAL,
                         members))
    for i in range(1, n_dl2 + 1):
        group(out, "DL-%s-Resource-%03d" % (prefix, i), where(), GT_DOMAIN_LOCAL,
              [dl1[i % n_dl1]])
    return l1


def write_objects(outdir, password):
    out = Ldif(os.path.join(outdir, "20-objects.ldif"))
    write_dns(out)
    for ou in (OU_STAFF, OU_GROUPS, OU_BOB, OU_ERIN, OU_CONTACTS, OU_SVC):
        out.entry(ou, [("objectClass", "top"), ("objectClass", "organizationalUnit")])
    write_exchange_config(out)

    # No HTTP/EXCH1: the forest's sPNMappings (host=...,http,...) make
    # HOST/EXCH1 serve it, as on most Exchange servers; the KDC issues the
    # ticket though no account holds the name as such.
    computer(out, "EXCH1", "exch1.exwiz.test", [
        "exchangeMDB/exch1.exwiz.test", "exchangeMDB/EXCH1",
        "exchangeRFR/exch1.exwiz.test", "exchangeRFR/EXCH1",
        "exchangeAB/exch1.exwiz.test", "exchangeAB/EXCH1",
        "HTTP/exch1.exwiz.test",
        "HOST/exch1.exwiz.test", "HOST/EXCH1",
        "SMTPSVC/exch1.exwiz.test", "SMTPSVC/EXCH1",
    ], "Windows Server 2003", "Service Pack 2")
    computer(out, "FE1", "fe1.region1.exwiz.test", [
        "HTTP/fe1.region1.exwiz.test", "HOST/fe1.region1.exwiz.test",
        "HTTP/FE1", "HOST/FE1",
    ], "Windows Server 2003", "Service Pack 2")
    computer(out, "EX55", "ex55.exwiz.test", [
        "exchangeMDB/ex55.exwiz.test", "exchangeMDB/EX55",
        "HOST/ex55.exwiz.test", "HOST/EX55",
    ], "Windows 2000 Server", "Service Pack 4")

    users = {}
    users["alice"] = user(out, "alice", "Alice", "Archer", password,
                          extra=healthy_mailbox("alice"))
    users["bob"] = user(out, "bob", "Bob", "Baker", password, extra=healthy_mailbox("bob"))
    users["erin"] = user(out, "erin", "Erin", "Evans", password, extra=healthy_mailbox("erin"))
    # carol: moved by junior from EX55 to EXCH1 and left half-done
    users["carol"] = user(out, "carol", "Carol", "Cooper", password, extra=mailbox(
        "carol", EXCH1_DB, EX55_MTA, LEG_EX55,
        LEG_AG_OLD + "/cn=Recipients/cn=carol", with_sd=False))
    # dave: the administrator of the story ("it works when I log on as
    # Administrator"), a mail user of his own beside the built-in
    # Administrator, whom the suites use to read the directory. operator, who
    # has the rights, moved his mailbox from EX55 to EXCH1, as junior moved
    # carol's: every attribute on EXCH1 and the descriptor written. Nothing
    # in the directory names who moved a mailbox; labctl env does
    # (EXWIZ_LAB_STORY_*). A member of Domain
    # Admins (25-rights.ldif) and Exchange Organization Administrators, with
    # the adminCount of 1 that AdminSDHolder's propagation leaves on one
    # (Samba runs none): a protected account, in both modes.
    users["dave"] = user(out, "dave", "Dave", "Dawson", password,
                         extra=healthy_mailbox("dave") + [("adminCount", 1)])
    users["operator"] = user(out, "operator", "Oscar", "Operator", password)
    users["junior"] = user(out, "junior", "Julia", "Junior", password)
    users["websvc"] = user(out, "websvc", "Web", "Service", password, ou=OU_SVC,
                           extra=[("description", "intranet application pool")])

    contacts = []
    for i in range(1, BIGROUP_MEMBERS + 1):
        dn = "CN=Contact %04d,%s" % (i, OU_CONTACTS)
        out.entry(dn, [("objectClass", "top"), ("objectClass", "contact"),
                       ("displayName", "Contact %04d" % i),
                       ("mail", "contact%04d@partner.example" % i),
                       ("targetAddress", "SMTP:contact%04d@partner.example" % i)])
        contacts.append(dn)
    group(out, "bigroup", OU_GROUPS, GT_GLOBAL, contacts, "2000 members: ranged retrieval")

    group(out, "Staff", OU_GROUPS, GT_GLOBAL,
          [users[u] for u in ("alice", "bob", "carol", "dave", "erin", "operator",
                              "junior")])
    group(out, "Sales", OU_GROUPS, GT_GLOBAL, [users["alice"], users["carol"]])
    group(out, "Helpdesk", OU_GROUPS, GT_GLOBAL, [users["junior"]])
    group(out, "Printers", OU_GROUPS, GT_DOMAIN_LOCAL, [users["alice"]])
    group(out, "All Staff List", OU_GROUPS, GT_DIST_UNIVERSAL,
          [users["alice"], users["bob"], users["carol"]])
    group(out, "Newsletter", OU_GROUPS, GT_DIST_GLOBAL, [users["bob"]])

    eds = group(out, "Exchange Domain Servers", USERS, GT_GLOBAL,
                ["CN=EXCH1," + COMPUTERS, "CN=EX55," + COMPUTERS, "CN=FE1," + COMPUTERS],
                "Microsoft Exchange Domain Servers")
    group(out, "Exchange Enterprise Servers", USERS, GT_DOMAIN_LOCAL, [eds],
          "Microsoft Exchange Enterprise Servers")
    group(out, "Exchange Organization Administrators", USERS, GT_UNIVERSAL,
          [users["operator"], users["dave"]], "Full Control on the Exchange organization")

    write_groups(out, "Bob", OU_BOB, users["bob"], BOB_L1, BOB_L2, BOB_U, BOB_DL1, BOB_DL2)
    write_groups(out, "Erin", OU_ERIN, users["erin"], ERIN_L1, ERIN_L2, ERIN_U, ERIN_DL, 0)
    out.close()

    # Hostile data: values an attacker who may write them could choose
    # (terminal escapes, CR, BEL, NUL, 64 KB; Samba refuses escapes in
    # sAMAccountName, invalid UTF-8 in every string syntax and values past an
    # attribute's rangeUpper), in their own
    # file so that the rest of the lab does not depend on them.
    hostile = Ldif(os.path.join(outdir, "26-hostile.ldif"))
    mallory = user(hostile, "mallory", "Mallory", "Hostile", password, extra=[
        ("description", b"\x1b[2J\x1b[H" + b"A" * 1000),
        ("mail", "mallory@" + DOMAIN),
        ("mailNickname", "mallory"),
        ("proxyAddresses", b"SMTP:mallory@exwiz.test\x1b[5m"),
        ("homeMDB", EXCH1_DB),
        ("homeMTA", EXCH1_MTA),
        ("msExchHomeServerName", LEG_EXCH1),
        ("legacyExchangeDN", LEG_AG_NEW.encode() + b"/cn=Recipients/cn=mal\x1b]0;x\x07"),
        ("msExchMailboxGuid", stable_guid("mailbox.mallory").bytes_le),
    ])
    # trudy: a name (CN) with an escape sequence and a CR, a NUL inside a
    # proxy address (Samba keeps it; a C string would end there), and a
    # legacyExchangeDN of 64 KB ending in an escape sequence (the lab's
    # Exchange attributes have no rangeUpper).
    trudy_dn = b"CN=Trudy\x1b[31m\rHostile," + OU_STAFF.encode()
    hostile.entry(trudy_dn, [
        ("objectClass", "top"), ("objectClass", "person"),
        ("objectClass", "organizationalPerson"), ("objectClass", "user"),
        ("sAMAccountName", "trudy"), ("userPrincipalName", "trudy@" + DOMAIN),
        ("displayName", b"Trudy\x1b]0;pwned\x07\x1b[2J"),
        ("userAccountControl", 512), ("unicodePwd", unicode_pwd(password)),
        ("mail", "trudy@" + DOMAIN), ("mailNickname", "trudy"),
        ("proxyAddresses", "SMTP:trudy@" + DOMAIN),
        ("proxyAddresses", b"smtp:trudy\x00@hidden.exwiz.test"),
        ("homeMDB", EXCH1_DB), ("homeMTA", EXCH1_MTA),
        ("msExchHomeServerName", LEG_EXCH1),
        ("legacyExchangeDN", LEG_AG_NEW.encode() + b"/cn=Recipients/cn=" + b"T" * 65536 +
         b"\x1b[31m"),
        ("msExchMailboxGuid", stable_guid("mailbox.trudy").bytes_le),
    ])
    hostile.entry("CN=GS-Evil-001,%s" % OU_GROUPS, [
        ("objectClass", "top"), ("objectClass", "group"),
        ("sAMAccountName", "GS-Evil-001"), ("groupType", GT_GLOBAL),
        ("description", b"Evil\x1b[31m\x1b]0;pwned\x07\rGroup"), ("member", mallory),
        ("member", trudy_dn)])
    hostile.close()

    # A proper mover can also write the user attributes a move changes: operator
    # is an Account Operator (full control on user objects by the default
    # security descriptor), junior is not. dave is a domain administrator.
    rights = Ldif(os.path.join(outdir, "25-rights.ldif"))
    rights.raw("dn: CN=Account Operators,CN=Builtin,%s\nchangetype: modify\nadd: member\n"
               "member: %s\n-" % (BASE, users["operator"]))
    rights.raw("dn: CN=Domain Admins,%s\nchangetype: modify\nadd: member\n"
               "member: %s\n-" % (USERS, users["dave"]))
    rights.close()

    # The 2019 members (AES, as Windows Server 2019 has it) and the ASA, a
    # computer account with no host of its own. As up leaves it, the first
    # member holds the shared HTTP/ SPN. Loaded last, so that the other
    # accounts keep the RIDs they had before the 2019 part.
    ex19 = Ldif(os.path.join(outdir, "27-exchange2019.ldif"))
    for i, (name, fqdn, _) in enumerate(EX19):
        computer(ex19, name, fqdn, ["HOST/" + fqdn, "HOST/" + name] +
                 ([EX19_SHARED_SPN] if i == 0 else []),
                 "Windows Server 2019 Standard", None,
                 [("msDS-SupportedEncryptionTypes", AES_ONLY)])
    computer(ex19, EX19_ASA, None, ["HTTP/owa.exwiz.test", EX19_BAD_ALIAS_SPN],
             "Windows Server 2019 Standard",
             None, [("msDS-SupportedEncryptionTypes", AES_ONLY),
                    ("description", "Exchange alternate service account (load-balanced "
                     "namespace)")])
    ex19.close()

    dup = Ldif(os.path.join(outdir, "30-dup-spn.ldif"))
    dup.raw("dn: %s\nchangetype: modify\nadd: servicePrincipalName\n"
            "servicePrincipalName: HTTP/exch1.exwiz.test\n-" % users["websvc"])
    dup.close()


def write_scale(outdir, password):
    """frank and his 4998 groups, in a file of their own: loading them takes
    about 5 s (in batch mode; 16-50 s without), so only a lab made with
    --scale has them."""
    out = Ldif(os.path.join(outdir, "21-scale.ldif"))
    for ou in (OU_FRANK,) + tuple("OU=Part %d,%s" % (i, OU_FRANK) for i in range(FRANK_PARTS)):
        out.entry(ou, [("objectClass", "top"), ("objectClass", "organizationalUnit")])
    frank = user(out, "frank", "Frank", "Fisher", password)
    write_groups(out, "Frank", OU_FRANK, frank, FRANK_L1, FRANK_L2, FRANK_U, FRANK_DL1,
                 FRANK_DL2, FRANK_PARTS)
    out.close()


# ---------------------------------------------------------------- the sweep
# The domain a sweep walks (only with --scale): ordinary users in OU=Bulk and,
# in OU=Planted under it, a few users with one problem each that the directory
# alone shows. PLANTED is both what 22-sweep.ldif holds and what
# `gen-ldif.py sweep-expected` prints.
OU_BULK = "OU=Bulk," + BASE
OU_DEPTS = "OU=Departments," + OU_BULK
OU_PLANTED = "OU=Planted," + OU_BULK
OU_PLANTED_GROUPS = "OU=Planted Groups," + OU_BULK
BULK_USERS = 3000          # the default; labctl up --users N, EXWIZ_LAB_USERS
BULK_PER_OU = 250          # users per OU=Part N,OU=Bulk
BULK_PER_FILE = 2500       # users per file (each its own ldbadd, transaction)
BULK_DEPTS = 30            # global department groups, 1-3 per user
BULK_MAILBOX_EVERY = 10    # every 10th user has a (healthy) mailbox
ALL_STAFF = "All Staff"    # universal, nests the departments
SWEEP_GLOBALS = 1050       # global groups shared by the planted token users
SWEEP_DELEG_GLOBALS = 700  # the first 700 of them: the delegation users
SWEEP_LOCALS = 290         # domain local groups: the legacy-estimate users
SWEEP_GROUP_PARTS = 6
UF_NORMAL = 0x200
UF_PASSWD_NOTREQD = 0x20
UF_TRUSTED_FOR_DELEGATION = 0x80000
BULK_UAC = UF_NORMAL | UF_PASSWD_NOTREQD   # 544: enabled, no password (fast to load)
SPN_WEB = "HTTP/intranet." + DOMAIN
SPN_SQL = "MSSQLSvc/sql1.%s:1433" % DOMAIN
# SELF may only read the descriptor; full mailbox access only for Administrators
SD_SELF_READ_ONLY = "O:PSG:PSD:(A;CI;RC;;;PS)"
SD_OTHER_ONLY = "O:PSG:PSD:(A;CI;CCRC;;;BA)"


class Plant:
    """One planted user. cause: the DIAGNOSIS.md id a sweep must report for
    it (None: a control user, which it must not report). groups: 'locals'
    (the 290 domain locals), 'deleg' (the first 700 globals), 'globals' (all
    1050). mbx: None, 'healthy', 'half-moved' or an SDDL for the mailbox
    descriptor. spn: an SPN the account holds; dup_spn: written into the
    partition file (the second holder: Samba refuses a duplicate).
    unreadable: an attribute alice is denied reading (the acl phase)."""

    def __init__(self, sam, cause, groups=None, uac=UF_NORMAL, mbx=None, admin=False,
                 spn=None, dup_spn=False, unreadable=None):
        self.sam, self.cause, self.groups, self.uac = sam, cause, groups, uac
        self.mbx, self.admin, self.spn, self.dup_spn = mbx, admin, spn, dup_spn
        self.unreadable = unreadable

    def dn(self):
        return "CN=%s,%s" % (self.sam, OU_PLANTED)


# Token estimates (KB327825; tokenGroups adds Domain Users and BUILTIN\Users):
#   locals:  1200 + 40 x 291 + 8 x 1 = 12,848 > 12,000 (2008 R2), 3,536 by 2012; 293 SIDs
#   deleg:   (1200 + 40 + 8 x 701) x 2 = 13,696 > 12,000; without delegation
#            (pl-near1) 6,848 and 703 SIDs: no problem
#   globals: 1200 + 40 + 8 x 1051 = 9,648, but 1053 SIDs + the logon's: over 1,010
PLANTED = [
    Plant("pl-toklegacy1", "token-too-large", groups="locals"),
    Plant("pl-toklegacy2", "token-too-large", groups="locals"),
    Plant("pl-tokdeleg1", "token-too-large", groups="deleg",
          uac=UF_NORMAL | UF_TRUSTED_FOR_DELEGATION),
    Plant("pl-tokdeleg2", "token-too-large", groups="deleg",
          uac=UF_NORMAL | UF_TRUSTED_FOR_DELEGATION),
    Plant("pl-near1", None, groups="deleg"),
    Plant("pl-sidlimit1", "sid-limit", groups="globals"),
    Plant("pl-sidlimit2", "sid-limit", groups="globals"),
    Plant("pl-halfmoved1", "mailbox-half-moved", mbx="half-moved"),
    Plant("pl-halfmoved2", "mailbox-half-moved", mbx="half-moved"),
    Plant("pl-mbxsd1", "mailbox-descriptor", mbx=SD_SELF_READ_ONLY),
    Plant("pl-mbxsd2", "mailbox-descriptor", mbx=SD_OTHER_ONLY),
    Plant("pl-protmbx1", "mailbox-protected", mbx="healthy", admin=True),
    Plant("pl-protmbx2", "mailbox-protected", mbx="healthy", admin=True),
    Plant("pl-protnombx1", None, admin=True),
    Plant("pl-spnweb1", "spn-duplicate", spn=SPN_WEB),
    Plant("pl-spnweb2", "spn-duplicate", spn=SPN_WEB, dup_spn=True),
    Plant("pl-spnsql1", "spn-duplicate", spn=SPN_SQL),
    Plant("pl-spnsql2", "spn-duplicate", spn=SPN_SQL, dup_spn=True),
    Plant("pl-unread1", None, mbx="healthy", unreadable="msExchMailboxSecurityDescriptor"),
    Plant("pl-unread2", None, mbx="healthy", unreadable="msExchMailboxSecurityDescriptor"),
]
UNREADABLE_BY = "alice"


def mailbox_sd(sddl):
    return ndr_pack(security.descriptor.from_sddl(sddl, security.dom_sid("S-1-5-21-1-2-3")))


def plant_mailbox(p):
    if p.mbx is None:
        return []
    if p.mbx == "healthy":
        return healthy_mailbox(p.sam)
    if p.mbx == "half-moved":
        # as junior left carol, but with the descriptor written
        return mailbox(p.sam, EXCH1_DB, EX55_MTA, LEG_EX55,
                       LEG_AG_OLD + "/cn=Recipients/cn=" + p.sam)
    return [a for a in healthy_mailbox(p.sam) if a[0] != "msExchMailboxSecurityDescriptor"] + \
        [("msExchMailboxSecurityDescriptor", mailbox_sd(p.mbx))]


BULK_GIVEN = ["Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gail", "Hugo", "Ines", "Jon",
              "Kim", "Leo", "Mia", "Ned", "Olga", "Paul", "Rita", "Sam", "Tess", "Uma"]
BULK_SN = ["Adams", "Brooks", "Clark", "Doyle", "Ellis", "Fox", "Grant", "Hale", "Irwin",
           "James", "Kent", "Lane", "Moss", "Nash", "Owen", "Price", "Quinn", "Reed",
           "Stone", "Todd", "Vance", "Webb", "Young"]


def bulk_count(arg=None):
    n = arg if arg is not None else os.environ.get("EXWIZ_LAB_USERS", str(BULK_USERS))
    if not n.isdigit() or not 1 <= int(n) <= 100000:
        raise SystemExit("gen-ldif.py: the number of bulk users: 1 to 100000, not %r" % n)
    return int(n)


def bulk_depts(i):
    """The 1-3 departments (indexes) of bulk user i."""
    return sorted({(i * k + k) % BULK_DEPTS for k in (1, 7, 13)[:1 + i % 3]})


def write_sweep(outdir, password, nusers):
    """22-sweep.ldif: the OUs, the planted users and the groups they share;
    23-bulk-NNN.ldif: the bulk users, BULK_PER_FILE a file (in one ldbadd
    transaction a load slows down as it grows: 30,000 users would take many
    minutes); 24-bulk-groups.ldif: their departments; 31-sweep-dup-spn.ldif:
    the duplicated SPNs."""
    out = Ldif(os.path.join(outdir, "22-sweep.ldif"))
    parts = (nusers + BULK_PER_OU - 1) // BULK_PER_OU
    ous = [OU_BULK, OU_DEPTS, OU_PLANTED, OU_PLANTED_GROUPS]
    ous += ["OU=Part %d,%s" % (i, OU_BULK) for i in range(1, parts + 1)]
    ous += ["OU=Part %d,%s" % (i, OU_PLANTED_GROUPS) for i in range(1, SWEEP_GROUP_PARTS + 1)]
    for ou in ous:
        out.entry(ou, [("objectClass", "top"), ("objectClass", "organizationalUnit")])

    members = {"locals": [], "deleg": [], "globals": []}
    for p in PLANTED:
        extra = plant_mailbox(p)
        if p.admin:
            extra.append(("adminCount", 1))
        if p.spn and not p.dup_spn:
            extra.append(("servicePrincipalName", p.spn))
        if p.spn:
            extra.append(("description", "service account"))
        out.entry(p.dn(), [
            ("objectClass", "top"), ("objectClass", "person"),
            ("objectClass", "organizationalPerson"), ("objectClass", "user"),
            ("sAMAccountName", p.sam), ("userPrincipalName", "%s@%s" % (p.sam, DOMAIN)),
            ("displayName", p.sam), ("userAccountControl", p.uac),
            ("unicodePwd", unicode_pwd(password)),
        ] + extra)
        if p.groups:
            members[p.groups].append(p.dn())

    def where(i, n):
        return "OU=Part %d,%s" % (i * SWEEP_GROUP_PARTS // n + 1, OU_PLANTED_GROUPS)

    for i in range(SWEEP_GLOBALS):
        group(out, "GS-Sweep-Role-%04d" % (i + 1), where(i, SWEEP_GLOBALS), GT_GLOBAL,
              members["globals"] + (members["deleg"] if i < SWEEP_DELEG_GLOBALS else []))
    for i in range(SWEEP_LOCALS):
        group(out, "DL-Sweep-Share-%03d" % (i + 1), where(i, SWEEP_LOCALS), GT_DOMAIN_LOCAL,
              members["locals"])
    out.close()

    depts = [[] for _ in range(BULK_DEPTS)]
    out = None
    for i in range(1, nusers + 1):
        if (i - 1) % BULK_PER_FILE == 0:
            if out:
                out.close()
            out = Ldif(os.path.join(outdir, "23-bulk-%03d.ldif" % ((i - 1) // BULK_PER_FILE + 1)))
        sam = "u%05d" % i
        given = BULK_GIVEN[i % len(BULK_GIVEN)]
        sn = BULK_SN[(i // len(BULK_GIVEN)) % len(BULK_SN)]
        dn = "CN=%s %s %05d,OU=Part %d,%s" % (given, sn, i, (i - 1) // BULK_PER_OU + 1, OU_BULK)
        out.entry(dn, [
            ("objectClass", "top"), ("objectClass", "person"),
            ("objectClass", "organizationalPerson"), ("objectClass", "user"),
            ("sAMAccountName", sam), ("userPrincipalName", "%s@%s" % (sam, DOMAIN)),
            ("givenName", given), ("sn", sn), ("displayName", "%s %s" % (given, sn)),
            ("userAccountControl", BULK_UAC),
        ] + (healthy_mailbox(sam) if i % BULK_MAILBOX_EVERY == 0 else []))
        for d in bulk_depts(i):
            depts[d].append(dn)
    out.close()

    out = Ldif(os.path.join(outdir, "24-bulk-groups.ldif"))
    dept_dns = [group(out, "GS-Dept-%02d" % (d + 1), OU_DEPTS, GT_GLOBAL, depts[d])
                for d in range(BULK_DEPTS)]
    group(out, ALL_STAFF, OU_DEPTS, GT_UNIVERSAL, dept_dns, "every department")
    out.close()

    dup = Ldif(os.path.join(outdir, "31-sweep-dup-spn.ldif"))
    for p in PLANTED:
        if p.dup_spn:
            dup.raw("dn: %s\nchangetype: modify\nadd: servicePrincipalName\n"
                    "servicePrincipalName: %s\n-" % (p.dn(), p.spn))
    dup.close()


def cmd_sweep_expected():
    for p in PLANTED:
        if p.cause:
            print("\t".join([p.sam, p.cause] + ([p.spn] if p.cause == "spn-duplicate" else [])))
    for p in PLANTED:
        if p.unreadable:
            print("unreadable\t%s\t%s" % (p.sam, p.unreadable))


def acl_unreadable(samdb, sdu):
    """alice may not read the planted attributes (a deny ACE on the
    attribute's schemaIDGUID); in a lab without --scale there are none."""
    import ldb

    def sid_of(sam):
        res = samdb.search(BASE, scope=ldb.SCOPE_SUBTREE, attrs=["objectSid"],
                           expression="(sAMAccountName=%s)" % ldb.binary_encode(sam))
        return str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0])) if len(res) else None

    who = sid_of(UNREADABLE_BY)
    for p in PLANTED:
        if not p.unreadable or sid_of(p.sam) is None:
            continue
        guid = stable_guid("attr." + p.unreadable)
        sdu.dacl_add_ace(p.dn(), "(OD;;RP;%s;;%s)" % (guid, who))


def cmd_ldif(outdir, password_file, nusers=None):
    nusers = bulk_count(nusers)
    with open(password_file, encoding="utf-8") as f:
        password = f.read().strip()
    os.makedirs(outdir, exist_ok=True)
    write_schema(outdir)
    write_objects(outdir, password)
    write_scale(outdir, password)
    write_sweep(outdir, password, nusers)


def cmd_acl(smb_conf):
    import ldb
    from samba.auth import system_session
    from samba.param import LoadParm
    from samba.samdb import SamDB
    from samba.sd_utils import SDUtils

    lp = LoadParm()
    lp.load(smb_conf)
    samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
    sdu = SDUtils(samdb)
    for name in ("operator", "Exchange Organization Administrators"):
        res = samdb.search(BASE, scope=ldb.SCOPE_SUBTREE, attrs=["objectSid"],
                           expression="(sAMAccountName=%s)" % ldb.binary_encode(name))
        sid = str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0]))
        sdu.dacl_add_ace(ORG, "(A;CI;GA;;;%s)" % sid)
    # Outlook reads the servers and their Autodiscover SCPs as the user: in
    # the 2019 part, as in AD, authenticated users may (the 2003 part keeps
    # the lab's default, readable by the Exchange administrators only).
    sdu.dacl_add_ace(AG_2019, "(A;CI;RPLCLORC;;;AU)")
    acl_unreadable(samdb, sdu)


# ---------------------------------------------------------------- heal / break
ZONE = "DC=%s,CN=MicrosoftDNS,DC=DomainDnsZones,%s" % (DOMAIN, BASE)
RZONE = "DC=%s,CN=MicrosoftDNS,DC=DomainDnsZones,%s" % (REVZONE, BASE)
FE1 = "CN=FE1," + COMPUTERS
FE1_OLD, FE1_NEW = "fe1.region1." + DOMAIN, "fe1." + DOMAIN
# the users whose L1 groups carry their many memberships
MANY_GROUPS = (("bob", "Bob"), ("erin", "Erin"), ("frank", "Frank"))


def fe1_spns(fqdn):
    return ["HTTP/" + fqdn, "HOST/" + fqdn, "HTTP/FE1", "HOST/FE1"]


def srv_record(target, port):
    s = dnsp.srv()
    s.wPriority = 0
    s.wWeight = 100
    s.wPort = port
    s.nameTarget = target
    return dns_record(dnsp.DNS_TYPE_SRV, s)


class Lab:
    def __init__(self, smb_conf):
        import ldb
        from samba.auth import system_session
        from samba.param import LoadParm
        from samba.samdb import SamDB

        self.ldb = ldb
        lp = LoadParm()
        lp.load(smb_conf)
        self.samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
        self.private = lp.get("private dir")
        self.changes = 0

    def say(self, what):
        self.changes += 1
        print(what)

    def entry(self, dn, attrs):
        ldb = self.ldb
        try:
            res = self.samdb.search(dn, scope=ldb.SCOPE_BASE, attrs=attrs)
        except ldb.LdbError as e:
            if e.args[0] == ldb.ERR_NO_SUCH_OBJECT:
                return None
            raise
        return res[0] if len(res) else None

    def values(self, dn, attr):
        e = self.entry(dn, [attr])
        return [] if e is None or attr not in e else [bytes(v) for v in e[attr]]

    def dn_of(self, sam):
        res = self.samdb.search(BASE, scope=self.ldb.SCOPE_SUBTREE, attrs=[],
                                expression="(sAMAccountName=%s)" % self.ldb.binary_encode(sam))
        return str(res[0].dn) if len(res) else None

    def set_attrs(self, dn, want, label):
        """want: attr -> list of values (bytes or str); [] deletes the attribute."""
        ldb = self.ldb
        msg = ldb.Message(ldb.Dn(self.samdb, dn))
        for attr, vals in want.items():
            vals = [v.encode() if isinstance(v, str) else v for v in vals]
            have = self.values(dn, attr)
            if sorted(x.lower() for x in have) == sorted(x.lower() for x in vals):
                continue
            if vals:
                msg[attr] = ldb.MessageElement(vals, ldb.FLAG_MOD_REPLACE, attr)
            elif have:
                msg[attr] = ldb.MessageElement([], ldb.FLAG_MOD_DELETE, attr)
        if len(msg) > 0:
            self.samdb.modify(msg)
            self.say("%s: %s" % (label, ", ".join(sorted(set(msg.keys()) - {"dn"}))))

    def node(self, name, zone, record, present, label):
        """record: one dnsRecord value, or a list of them."""
        dn = "DC=%s,%s" % (name, zone)
        records = record if isinstance(record, list) else [record]
        e = self.entry(dn, ["dnsRecord"])
        if present and (e is None or sorted(bytes(v) for v in e.get("dnsRecord", [])) !=
                        sorted(records)):
            if e is not None:
                self.samdb.delete(dn)
            self.samdb.add({"dn": dn, "objectClass": ["top", "dnsNode"], "dnsRecord": records})
            self.say("DNS %s: added" % label)
        elif not present and e is not None:
            self.samdb.delete(dn)
            self.say("DNS %s: removed" % label)

    def member(self, group_dn, user_dn, present):
        ldb = self.ldb
        have = {x.decode().lower() for x in self.values(group_dn, "member")}
        if (user_dn.lower() in have) == present:
            return 0
        msg = ldb.Message(ldb.Dn(self.samdb, group_dn))
        msg["member"] = ldb.MessageElement([user_dn], ldb.FLAG_MOD_ADD if present
                                           else ldb.FLAG_MOD_DELETE, "member")
        self.samdb.modify(msg)
        return 1

    def many_groups(self, sam, prefix, present):
        ldb = self.ldb
        user_dn = self.dn_of(sam)
        if user_dn is None:
            return      # frank: only in a lab made with --scale
        res = self.samdb.search(BASE, scope=ldb.SCOPE_SUBTREE, attrs=["member"],
                                expression="(&(objectClass=group)(sAMAccountName=GS-%s-Team-*))"
                                % prefix)
        n = sum(self.member(str(g.dn), user_dn, present) for g in res)
        if n:
            self.say("%s: %s %d groups (and what nests them)" %
                     (sam, "back in" if present else "out of", n))

    def spn(self, dn, spn, present):
        ldb = self.ldb
        have = spn.lower().encode() in [v.lower() for v in self.values(dn, "servicePrincipalName")]
        if have == present:
            return
        msg = ldb.Message(ldb.Dn(self.samdb, dn))
        msg["servicePrincipalName"] = ldb.MessageElement(
            [spn], ldb.FLAG_MOD_ADD if present else ldb.FLAG_MOD_DELETE, "servicePrincipalName")
        self.samdb.modify(msg)
        self.say("%s: %s %s" % (dn.split(",")[0][3:] + "$", spn, "added" if present
                                else "removed"))

    def dup_spn(self, present):
        """HTTP/exch1.exwiz.test on websvc, written into the domain partition
        file: Samba refuses a duplicate SPN through its modules."""
        ldb = self.ldb
        dn = self.dn_of("websvc")
        spn = b"HTTP/exch1.exwiz.test"
        have = spn.lower() in [v.lower() for v in self.values(dn, "servicePrincipalName")]
        if have == present:
            return
        # Samba checks the uniqueness of a duplicated SPN on its removal too.
        part = ldb.Ldb(os.path.join(self.private, "sam.ldb.d", "DC=EXWIZ,DC=TEST.ldb"))
        msg = ldb.Message(ldb.Dn(part, dn))
        msg["servicePrincipalName"] = ldb.MessageElement(
            [spn], ldb.FLAG_MOD_ADD if present else ldb.FLAG_MOD_DELETE, "servicePrincipalName")
        part.modify(msg)
        self.say("websvc: HTTP/exch1.exwiz.test %s" % ("added (duplicate)" if present
                                                       else "removed"))


def cmd_mode(mode, smb_conf):
    healed = mode == "heal"
    lab = Lab(smb_conf)
    samdb = lab.samdb
    # the duplicate SPN, in the partition file: outside the transaction
    lab.dup_spn(not healed)
    samdb.transaction_start()
    try:
        # the disjoint front end: named in the AD domain when healed
        fe = FE1_NEW if healed else FE1_OLD
        lab.set_attrs(FE1, {"dNSHostName": [fe], "servicePrincipalName": fe1_spns(fe)},
                      "FE1$ as " + fe)
        lab.node("fe1", ZONE, dns_record(dnsp.DNS_TYPE_A, "127.0.0.13"), healed,
                 "A fe1." + DOMAIN)
        lab.node("fe1.region1", ZONE, dns_record(dnsp.DNS_TYPE_A, "127.0.0.13"), not healed,
                 "A fe1.region1." + DOMAIN)
        lab.node("13", RZONE, dns_record(dnsp.DNS_TYPE_PTR, fe), True, "PTR 127.0.0.13 " + fe)
        # Autodiscover
        lab.node("autodiscover", ZONE, dns_record(dnsp.DNS_TYPE_A, "127.0.0.11"), healed,
                 "A autodiscover." + DOMAIN)
        lab.node("_autodiscover._tcp", ZONE, srv_record("exch1." + DOMAIN, 443), healed,
                 "SRV _autodiscover._tcp." + DOMAIN)
        # the 2019 part: the shared name's HTTP/ SPN on the ASA or on the
        # first member (removed before it is added: Samba refuses a duplicate),
        # and EX19B's Autodiscover SCP pointing at the shared name or at a
        # host with no A record
        first = "CN=%s,%s" % (EX19[0][0], COMPUTERS)
        asa = "CN=%s,%s" % (EX19_ASA, COMPUTERS)
        lose, win = (first, asa) if healed else (asa, first)
        lab.spn(lose, EX19_SHARED_SPN, False)
        lab.spn(win, EX19_SHARED_SPN, True)
        # webmail: a CNAME to ex19-vip, whose SPN nobody holds (broken), or the
        # members' A records, as Microsoft recommends (healed)
        bad, target = EX19_BAD_ALIAS
        lab.node(bad, ZONE, ex19_a_records() if healed else
                 dns_record(dnsp.DNS_TYPE_CNAME, target), True,
                 ("A %s.%s (per member)" if healed else "CNAME %s.%s -> " + target)
                 % (bad, DOMAIN))
        lab.set_attrs(scp_dn(EX19_SCP_STALE_ON), {"serviceBindingInformation": [
            scp_url(EX19_SCP_STALE_ON, healed)]}, EX19_SCP_STALE_ON + "'s Autodiscover SCP")
        # carol's mailbox: moved all the way, or half-moved
        carol = lab.dn_of("carol")
        if healed:
            mbx = dict(healthy_mailbox("carol"))
        else:
            mbx = dict(mailbox("carol", EXCH1_DB, EX55_MTA, LEG_EX55,
                               LEG_AG_OLD + "/cn=Recipients/cn=carol", with_sd=False))
            mbx["msExchMailboxSecurityDescriptor"] = None
        lab.set_attrs(carol, {a: [] if mbx[a] is None else [mbx[a]] for a in
                              ("homeMTA", "msExchHomeServerName", "legacyExchangeDN",
                               "msExchMailboxSecurityDescriptor")}, "carol's mailbox")
        # junior: an Exchange organization administrator and account operator
        junior = lab.dn_of("junior")
        for g in ("CN=Exchange Organization Administrators," + USERS,
                  "CN=Account Operators,CN=Builtin," + BASE):
            if lab.member(g, junior, healed):
                lab.say("junior: %s %s" % ("added to" if healed else "removed from",
                                            g.split(",")[0][3:]))
        # the users in hundreds of groups
        for sam, prefix in MANY_GROUPS:
            lab.many_groups(sam, prefix, not healed)
    except BaseException:
        samdb.transaction_cancel()
        raise
    samdb.transaction_commit()
    print("%s: %d changes" % ("healed" if healed else "broken", lab.changes))


def main(argv):
    if len(argv) in (4, 5) and argv[1] == "ldif":
        cmd_ldif(argv[2], argv[3], argv[4] if len(argv) == 5 else None)
    elif len(argv) == 2 and argv[1] == "sweep-expected":
        cmd_sweep_expected()
    elif len(argv) == 3 and argv[1] == "acl":
        cmd_acl(argv[2])
    elif len(argv) == 3 and argv[1] in ("heal", "break"):
        cmd_mode(argv[1], argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
