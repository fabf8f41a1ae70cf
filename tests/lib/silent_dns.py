#!/usr/bin/python3
"""A DNS server that never answers: binds UDP ADDR:53, reads every question
and drops it, for at most SECONDS seconds (the bound if nobody stops it;
SIGTERM ends it at once). Prints "listening" once the socket is bound.
Usage: silent_dns.py ADDR SECONDS."""
import socket
import sys
import time

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
print("listening", flush=True)
end = time.monotonic() + float(sys.argv[2])
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        s.recvfrom(4096)
    except OSError:
        pass
