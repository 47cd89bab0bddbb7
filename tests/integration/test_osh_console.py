"""osh as /bin/sh on the serial console (issue 6 "Tests"): the image boots
to init's login shell, which is osh reading /etc/profile, and pexpect types
at it as a person would: history recall with the arrows, Tab completion of a
command and of a path holding a space, redirections and a 3-stage pipe whose
output is checked byte for byte against the same computation on the host, a
script with a loop and a function run three ways (sh file args, #!, and .),
^C on sleep 100, ^Z then fg, permission denied as uid 1000 (busybox su,
which runs the user's shell, osh), and error messages with line numbers
after which the shell goes on."""

import hashlib
import re
import shutil
import time
from pathlib import Path

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PROMPT = r"/ # "
UP, DOWN = "\x1b[A", "\x1b[B"


def boot_console(kernel, qemu, tmp_path):
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"], hard_timeout=400)
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.login()
    return q


def test_osh_console(kernel, qemu, tmp_path):
    q = boot_console(kernel, qemu, tmp_path)

    def run(keys, want, timeout=30):
        """Types keys (with their Enter), waits for want then the prompt;
        returns the match of want."""
        q.child.send(keys)
        q.expect(want, timeout=timeout)
        m = q.child.match
        q.expect(PROMPT, timeout=timeout)
        return m

    # The console's shell is osh as a login shell, and /etc/profile ran.
    run("echo \"$0 [$HOME] $(readlink /bin/sh)\"\r", r"\n-sh \[/root\] osh\s")

    # History: up twice gives the older line; then (history: first, second,
    # first) up three times and down once gives the second.
    run("echo first-line\r", r"\nfirst-line\s")
    run("echo second-line\r", r"\nsecond-line\s")
    run(UP + UP + "\r", r"\nfirst-line\s")
    run(UP + UP + UP + DOWN + "\r", r"\nsecond-line\s")

    # Tab completion: a command from $PATH, then a path with a space.
    run("hostnam\t\r", r"hostname\s+\S+\s")
    run("mkdir -p '/tmp/my dir' && echo inside > '/tmp/my dir/file.txt' && echo made\r",
        r"\nmade\s")
    q.child.send("cat /tmp/my")
    q.child.send("\t")
    q.expect(r"my\\ dir/", timeout=30)
    q.child.send("fi\t")
    q.expect(r"file\.txt", timeout=30)
    run("\r", r"\ninside\s")

    # Redirections.
    run("echo a > /tmp/r; echo b >> /tmp/r; cat < /tmp/r | tr '\\n' ,; echo\r", r"\na,b,\s")
    run("ls /nonexistent > /tmp/e 2>&1; echo \"st=$? $(cat /tmp/e)\"\r",
        r"st=[12] \S*ls: .*nonexistent.*No such file")
    # A 3-stage pipe, checked byte for byte: the shell generates the lines,
    # tr and sort transform them, sha256sum sums the file.
    n = 2000
    lines = [f"line {i} {i * i}".upper() for i in range(n)]
    want = hashlib.sha256("".join(s + "\n" for s in sorted(lines, reverse=True)).encode())
    run(f"i=0; while [ $i -lt {n} ]; do echo \"line $i $((i*i))\"; i=$((i+1)); done"
        " | tr a-z A-Z | sort -r > /tmp/p.out; sha256sum /tmp/p.out\r",
        want.hexdigest() + r"\s+/tmp/p.out", timeout=120)

    # A script with a loop and a function: sh file args, #!, and `.`.
    script = ("#!/bin/sh\\n"
              "sq() { echo $(($1 * $1)); }\\n"
              "for x in \"$@\"; do printf \"%%s \" $(sq $x); done; echo end\\n")
    run(f"printf '{script}' > /tmp/sq.sh; chmod +x /tmp/sq.sh && echo written\r",
        r"\nwritten\s")
    run("sh /tmp/sq.sh 2 3 4\r", r"\n4 9 16 end\s")
    run("/tmp/sq.sh 5 6\r", r"\n25 36 end\s")
    run("set -- 7 8; . /tmp/sq.sh; sq 9\r", r"\n49 64 end\s+81\s")

    # ^C on sleep 100: back to the prompt, status 130.
    q.child.send("sleep 100\r")
    time.sleep(2)
    q.child.send("\x03")
    q.expect(PROMPT, timeout=30)
    run("echo st=$?\r", r"st=130")

    # ^Z stops a job, fg resumes it and it finishes with status 0.
    q.child.send("sleep 4\r")
    time.sleep(2)
    q.child.send("\x1a")
    q.expect(r"\[1\]\+\s+Stopped\s+sleep 4", timeout=30)
    q.expect(PROMPT, timeout=30)
    run("jobs\r", r"\[1\]\+\s+Stopped\s+sleep 4")
    run("fg; echo fg-st=$?\r", r"sleep 4\s+fg-st=0", timeout=60)
    run("jobs; echo no-jobs\r", r"jobs; echo no-jobs\s+no-jobs")

    # Permission denied as an ordinary user (uid 1000 through busybox su,
    # which starts the user's shell, osh, with -c).
    run("busybox su user -c 'echo x > /root/f; a=$?; /etc/passwd; b=$?; echo \"uid=$(id -u) $a $b\"'"
        " 2>/tmp/su.err; cat /tmp/su.err\r",
        r"\nuid=1000 1 126\s+osh: line 1: can't open /root/f: Permission denied\s+"
        r"osh: line 1: /etc/passwd: Permission denied\s")

    # Errors carry the line number and the shell goes on.
    run("printf 'echo one\\nnosuchcmd\\necho three\\nif then\\necho never\\n' > /tmp/err.sh;"
        " sh /tmp/err.sh > /tmp/err.out 2>&1; echo st=$?; cat /tmp/err.out\r",
        r"\nst=2\s+one\s+osh: line 2: nosuchcmd: not found\s+three\s+"
        r"osh: line 4: syntax error near unexpected token `then'\s")
    run("fi\r", r"syntax error near unexpected token `fi'")
    run("nosuchcmd2\r", r"nosuchcmd2: not found")
    run("echo still-here\r", r"\nstill-here\s")
    assert not re.search(r"Kernel panic|page fault in kernel", q.output)
    q.kill()
