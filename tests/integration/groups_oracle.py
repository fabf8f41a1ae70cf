#!/usr/bin/python3
"""Count a user's token groups by scope with ldapsearch (tokenGroups, then
objectSid/groupType of every group) and compare with exwizard's groups
report. Run inside the lab namespace with a Kerberos cache in KRB5CCNAME.
Prints the two counts and exits 1 if they differ."""
import base64
import json
import subprocess
import sys

report, user = sys.argv[1], sys.argv[2]
URI = "ldap://dc1.exwiz.test"
BASE = "DC=exwiz,DC=test"


def ldap(*args):
    out = subprocess.run(["ldapsearch", "-Q", "-LLL", "-o", "ldif-wrap=no", "-Y", "GSSAPI",
                          "-H", URI] + list(args), capture_output=True, text=True,
                         timeout=60).stdout
    entries, cur = [], {}
    for line in out.splitlines():
        if not line:
            if cur:
                entries.append(cur)
            cur = {}
            continue
        if line.startswith(" "):
            continue
        k, _, v = line.partition(":")
        if v.startswith(": "):
            val = base64.b64decode(v[2:])
        else:
            val = v[1:].encode()
        cur.setdefault(k.lower(), []).append(val)
    if cur:
        entries.append(cur)
    return entries


u = ldap("-b", BASE, "(sAMAccountName=%s)" % user, "dn")[0]["dn"][0].decode()
tg = ldap("-b", u, "-s", "base", "(objectClass=*)", "tokenGroups")[0].get("tokengroups", [])
groups = {g["objectsid"][0]: int(g["grouptype"][0]) & 0xffffffff
          for g in ldap("-E", "pr=500/noprompt", "-b", BASE, "(objectClass=group)",
                        "objectSid", "groupType")
          if "objectsid" in g and "grouptype" in g}
want = {"global": 0, "domain_local": 0, "universal_in": 0, "builtin": 0}
for sid in tg:
    t = groups.get(sid)
    if t is None:
        continue
    if t & 1:
        want["builtin"] += 1
    elif t & 2:
        want["global"] += 1
    elif t & 4:
        want["domain_local"] += 1
    elif t & 8:
        want["universal_in"] += 1
step = [s for s in json.load(open(report))["steps"] if s["id"] == "groups"][0]
got = {k: step["data"]["counts"][k] for k in want}
print("ldapsearch: tokenGroups %d, %s" % (len(tg), want))
print("exwizard:   token SIDs %d, %s" % (step["data"]["token_sids"], got))
ok = got == want and step["data"]["token_sids"] == len(tg) + 1
sys.exit(0 if ok else 1)
