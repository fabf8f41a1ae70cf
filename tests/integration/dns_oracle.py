#!/usr/bin/python3
"""Compare the records of an exwizard DNS report with dig's answers from the
same servers. Run inside the lab namespace. Prints one line per mismatch and
a last line "compared N, mismatched M"; exits 1 on any mismatch."""
import json
import subprocess
import sys

report = json.load(open(sys.argv[1]))
step = [s for s in report["steps"] if s["id"] == "dns"][0]
records = step["data"]["records"]


def dig(server, name, rtype):
    host, port = server, "53"
    if server.count(":") == 1:
        host, port = server.split(":")
    out = subprocess.run(["dig", "+time=2", "+tries=1", "+noall", "+comments", "+answer",
                          "-p", port, "@" + host, name, rtype],
                         capture_output=True, text=True, timeout=20).stdout
    status, answers = None, []
    for line in out.splitlines():
        if "status:" in line:
            status = line.split("status:")[1].split(",")[0].strip()
        elif line and not line.startswith(";"):
            f = line.split()
            if len(f) >= 5 and f[3] == rtype:
                answers.append(" ".join(f[4:]).rstrip("."))
    if status is None:
        return "timeout", []
    st = {"NOERROR": "ok" if answers else "nodata", "NXDOMAIN": "nxdomain",
          "SERVFAIL": "servfail", "REFUSED": "refused"}.get(status, status.lower())
    return st, sorted(a.lower() for a in answers)


compared = mismatched = 0
for r in records:
    if r["status"] in ("timeout", "cancelled"):
        continue
    st, answers = dig(r["server"], r["name"], r["type"])
    mine = sorted(a.lower().rstrip(".") for a in r["answers"])
    compared += 1
    if st != r["status"] or answers != mine:
        mismatched += 1
        print("mismatch %s %s @%s: exwizard %s %s, dig %s %s" % (
            r["name"], r["type"], r["server"], r["status"], mine, st, answers))
print("compared %d, mismatched %d" % (compared, mismatched))
sys.exit(1 if mismatched or compared == 0 else 0)
