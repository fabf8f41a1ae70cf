#!/usr/bin/python3
"""Start to first frame: run the wizard (argv) on a new 80x24 pseudo-terminal
and print the ms from the fork to the last byte of its first burst of output
(the first full screen; nothing more comes until a key or a step), then quit it."""
import fcntl, os, pty, select, signal, struct, sys, termios, time

t0 = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.environ["TERM"] = "xterm-256color"
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
last = None
deadline = t0 + 10
while time.monotonic() < deadline:
    r, _, _ = select.select([fd], [], [], 0.15 if last else 1.0)
    if not r:
        if last:
            break
        continue
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    last = time.monotonic()
    out += data
os.write(fd, b"q")
for _ in range(50):
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.02)
else:
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
if os.environ.get("FIRSTFRAME_DUMP"):
    sys.stderr.write(out.decode("utf-8", "replace"))
print(int(((last or time.monotonic()) - t0) * 1000))
