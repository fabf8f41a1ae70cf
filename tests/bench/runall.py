#!/usr/bin/python3
"""The wizard's a: run the wizard (argv, which must not hold -o or
--no-transcript) on a new 80x24 pseudo-terminal with a transcript of its
own, wait until the transcript has the target step's end, press a (again when
the wizard was not yet idle), and print the ms from the key that started
the steps to the last of their ends (the transcript is
read every 5 ms), then quit it. Prints -1 when they do not end within 60 s."""
import fcntl, json, os, pty, select, signal, struct, sys, tempfile, termios, time

work = tempfile.mkdtemp(prefix="exwizard-runall.")
path = os.path.join(work, "t.jsonl")
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.environ["TERM"] = "xterm-256color"
    os.execv(sys.argv[1], sys.argv[1:] + ["-o", path])


def events():
    try:
        with open(path) as f:
            return [json.loads(l) for l in f if l.endswith("\n")]
    except (OSError, ValueError):
        return []


def ended(ev):
    return {e["id"] for e in ev if e.get("event") == "step" and e.get("phase") == "end"}


def wait_until(cond, seconds):
    """Drains the terminal and reads the transcript until cond holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.005)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                return False
        ev = events()
        if cond(ev):
            return True
    return False


ms = -1
steps = []
if wait_until(lambda ev: "target" in ended(ev), 30):
    first = next(e for e in events() if e.get("event") == "session")
    steps = [s for s in first["steps"] if s != "target"]
    # The UI takes the target step's result a moment after the transcript has
    # it; until then a is refused ("a waits for it"): press it again then.
    started = lambda ev: any(e.get("event") == "step" and e.get("phase") == "start"
                             and e.get("id") in steps for e in ev)
    for _ in range(100):
        t0 = time.monotonic()
        os.write(fd, b"a")
        if wait_until(started, 0.2):
            break
    if wait_until(lambda ev: set(steps) <= ended(ev), 60):
        ms = int((time.monotonic() - t0) * 1000)
os.write(fd, b"q")
for _ in range(250):
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.02)
else:
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
for name in os.listdir(work):
    os.unlink(os.path.join(work, name))
os.rmdir(work)
print(ms)
