#!/usr/bin/python3
"""Compare the tickets of an exwizard report with `klist -A -e -f` of the same
cache (run in the C locale, TZ=UTC). Prints mismatches and a last line
"compared N, mismatched M"; exits 1 on any mismatch."""
import datetime
import json
import subprocess
import sys

report, cache = sys.argv[1], sys.argv[2]
step = [s for s in json.load(open(report))["steps"] if s["id"] == "tickets"][0]
mine = {t["server"]: t for t in step["data"]["tickets"]}

out = subprocess.run(["klist", "-A", "-e", "-f", "-c", cache], capture_output=True, text=True,
                     env={"LC_ALL": "C", "TZ": "UTC", "PATH": "/usr/bin:/bin"}).stdout
klist = {}
lines = out.splitlines()
i = 0
while i < len(lines):
    f = lines[i].split()
    if len(f) == 5 and "/" in f[0] and ":" in f[1]:
        start = datetime.datetime.strptime(f[0] + " " + f[1], "%m/%d/%y %H:%M:%S")
        end = datetime.datetime.strptime(f[2] + " " + f[3], "%m/%d/%y %H:%M:%S")
        ent = {"start": start, "end": end}
        j = i + 1
        while j < len(lines) and lines[j].startswith(("\t", " ")):
            l = lines[j].strip()
            if "Flags:" in l:
                ent["flags"] = l.split("Flags:")[1].strip()
            if l.startswith("Etype (skey, tkt):"):
                a, b = l.split(":", 1)[1].split(",")
                ent["etypes"] = (a.strip().replace("DEPRECATED:", ""),
                                 b.strip().replace("DEPRECATED:", ""))
            j += 1
        klist[f[4]] = ent
        i = j
    else:
        i += 1


def iso(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


compared = bad = 0
for server, k in klist.items():
    compared += 1
    m = mine.get(server)
    problems = []
    if m is None:
        problems.append("missing")
    else:
        if iso(m["starttime"]) != k["start"]:
            problems.append("start %s vs %s" % (m["starttime"], k["start"]))
        if iso(m["endtime"]) != k["end"]:
            problems.append("end %s vs %s" % (m["endtime"], k["end"]))
        if m["flag_letters"] != k.get("flags"):
            problems.append("flags %s vs %s" % (m["flag_letters"], k.get("flags")))
        if (m["session_enctype"], m["ticket_enctype"]) != k.get("etypes"):
            problems.append("etypes %s/%s vs %s" % (m["session_enctype"], m["ticket_enctype"],
                                                    k.get("etypes")))
    if problems:
        bad += 1
        print("mismatch %s: %s" % (server, "; ".join(problems)))
if len(mine) != len(klist):
    bad += 1
    print("exwizard lists %d credentials, klist %d" % (len(mine), len(klist)))
print("compared %d, mismatched %d" % (compared, bad))
sys.exit(1 if bad or compared == 0 else 0)
