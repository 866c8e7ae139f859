# ttyrun.py OUTFILE LINE... -- PROGRAM ARGS...: run PROGRAM on a terminal of
# its own (a pseudo-terminal: standard input, output and error), type each
# LINE after its next prompt (output ending in ':' and blanks), put all the
# terminal showed into OUTFILE and exit with PROGRAM's status. What a
# passphrase prompt must not show (the typed line, echoed) is then in
# OUTFILE for the test to look for. Bounded: 120 s.
import os
import pty
import select
import sys
import time

out = sys.argv[1]
sep = sys.argv.index("--")
lines, cmd = sys.argv[2:sep], sys.argv[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cmd[0], cmd)
seen = b""
deadline = time.time() + 120
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:  # the program ended: the terminal is gone
        break
    if not data:
        break
    seen += data
    if lines and seen.rstrip(b" ").endswith(b":"):
        time.sleep(0.2)  # let the program turn the echo off after its prompt
        os.write(fd, lines.pop(0).encode() + b"\n")
with open(out, "wb") as f:
    f.write(seen)
if time.time() >= deadline:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
