#!/usr/bin/python3
"""A hostile DNS server for hostile.sh: answers every question over UDP with
records whose names and text hold terminal escapes, CR, BEL, NUL and invalid
UTF-8, for at most SECONDS seconds (SIGTERM ends it at once). Prints
"listening" once the socket is bound. Usage: hostile_dns.py ADDR SECONDS."""
import socket
import struct
import sys
import time

EVIL = [b"ev\x1b]0;pwned\x07il", b"cr\rlf\n", b"nul\x00byte", b"bad\xff\xfeutf8", b"\x1b[2J"]


def name(labels):
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\x00"


def answer(q):
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack(">HHH", q[:6])
    if qd != 1:
        return None
    i = 12
    while i < len(q) and q[i] != 0:
        i += 1 + q[i]
    qname = q[12:i + 1]
    if i + 5 > len(q):
        return None
    qtype, qclass = struct.unpack(">HH", q[i + 1:i + 5])
    question = q[12:i + 5]
    rrs = []
    for n, evil in enumerate(EVIL):
        target = name([evil, b"exwiz", b"test"])
        if qtype == 33:    # SRV
            rdata = struct.pack(">HHH", 0, 100, 88) + target
        elif qtype == 1:   # A
            rdata = bytes([127, 0, 0, 10 + n])
        elif qtype == 16:  # TXT
            rdata = bytes([len(evil)]) + evil
        else:              # CNAME for anything else
            rrs.append(qname + struct.pack(">HHIH", 5, 1, 60, len(target)) + target)
            continue
        rrs.append(qname + struct.pack(">HHIH", qtype, 1, 60, len(rdata)) + rdata)
    head = struct.pack(">HHHHHH", qid, 0x8180, 1, len(rrs), 0, 0)
    return head + question + b"".join(rrs)


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[1], 53))
    print("listening", flush=True)
    end = time.time() + float(sys.argv[2])
    while time.time() < end:
        s.settimeout(0.5)
        try:
            q, peer = s.recvfrom(4096)
        except OSError:
            continue
        a = answer(q)
        if a:
            s.sendto(a, peer)


main()
