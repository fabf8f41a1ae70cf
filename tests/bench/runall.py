#!/usr/bin/python3
"""The wizard's a: run the wizard (argv) on a new 80x24 pseudo-terminal, wait
until its target step is done, press a and print the ms from the key to the
message that the steps are done ("N steps: done"), then quit it. Prints -1
when that message does not come within 60 s."""
import fcntl, os, pty, select, signal, struct, sys, termios, time

pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.environ["TERM"] = "xterm-256color"
    os.execv(sys.argv[1], sys.argv[1:])


def wait_for(needle, seconds):
    """Reads the wizard's output until it holds needle; True if it came."""
    out = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out += data
        if needle in out:
            return True
    return False


ms = -1
if wait_for(b"Target and defaults: done", 30):
    t0 = time.monotonic()
    os.write(fd, b"a")
    if wait_for(b"steps: done", 60):
        ms = int((time.monotonic() - t0) * 1000)
os.write(fd, b"q")
for _ in range(100):
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.02)
else:
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
print(ms)
