"""osh, our shell, in our kernel: the image boots with busybox sh on the
serial console (/sbin/init), then runs /bin/osh -c for pipelines,
redirections, here-documents, command substitution, a script with a loop
and a function and fd hygiene; then osh runs interactively on the serial
console: line editing, history recall with the up arrow, ^C on a line,
tab completion of a command, history, and job control (^Z, jobs, fg, ^C)."""

import shutil
import time
from pathlib import Path

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PROMPT = r"/ # "
OSH_PROMPT = "osh> "


def test_osh_in_the_kernel(kernel, qemu, tmp_path):
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"], hard_timeout=300)
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.login()

    def run(cmd, want, timeout=30):
        q.child.send(cmd + "\r")
        q.expect(want, timeout=timeout)
        q.expect(PROMPT, timeout=timeout)

    def run_osh(script, want, timeout=60):
        # The output is joined on one line after every child has run, so
        # kernel log lines printed at exec time cannot split it.
        assert "'" not in script
        run(f"r=$(/bin/osh -c '{script}' 2>&1 | tr '\\n' ','); echo \"R:$r\"", "R:" + want, timeout)

    run_osh("echo hi | cat; echo st=$?", r"hi,st=0,")
    run_osh("echo one two three | tr a-z A-Z | cat | wc -w", r"\s*3,")
    run_osh("echo a > /tmp/o; echo b >> /tmp/o; cat < /tmp/o; ls /nope 2>&1 | wc -l",
            r"a,b,\s*1,")
    run_osh("x=$(echo sub); echo \"[$x]\" $((6*7)) `echo bq`", r"\[sub\] 42 bq,")
    run("printf 'f() { echo \"f:$1\"; }\\nfor i in 1 2 3; do f $i; done\\n"
        "cat <<EOF\\nhere $i\\nEOF\\n' > /tmp/s.sh; r=$(/bin/osh /tmp/s.sh | tr '\\n' ','); echo \"R:$r\"",
        r"R:f:1,f:2,f:3,here 3,")
    # Only 0, 1, 2 (and ls's own directory fd) reach a pipeline's children.
    run_osh("ls /proc/self/fd | cat", r"0,1,2,3,\s")
    run_osh("if false; then echo no; elif true; then echo yes; fi; "
            "case abc in a*) echo match;; esac; for i in 1 2; do echo $i; done",
            r"yes,match,1,2,")
    run_osh("fi; echo never", r"osh: line 1: syntax error near unexpected token `fi',")

    # Interactive on the serial console.
    q.child.send(f"PS1='{OSH_PROMPT}' exec /bin/osh -i\r")
    q.expect(OSH_PROMPT, timeout=30)

    def orun(keys, want, timeout=30):
        q.child.send(keys)
        q.expect(want, timeout=timeout)
        q.expect(OSH_PROMPT, timeout=timeout)

    orun("echo inter | cat\r", r"\ninter\s+")
    # Line editing: ^A goes home, then the missing word is typed there.
    orun("world\x01echo hello \r", r"\nhello world\s+")
    # Up arrow recalls the last line.
    orun("\x1b[A\r", r"\nhello world\s+")
    # ^C abandons the line.
    orun("echo never\x03", r"\^C")
    # Tab completes a command from $PATH ("uname" is unique for "unam").
    orun("unam\t-s\r", r"uname -s[\s\S]*?Linux")
    orun("echo $((2+3))\r", r"\n5\s+")
    orun("history | tail -n 2\r", r"\d+  echo \$\(\(2\+3\)\)")
    # Job control: ^Z stops the foreground job, fg resumes it, ^C ends it.
    q.child.send("sleep 100\r")
    time.sleep(3)
    q.child.send("\x1a")
    q.expect(r"Stopped\s+sleep 100", timeout=30)
    q.expect(OSH_PROMPT, timeout=30)
    orun("jobs\r", r"\[1\]\+\s+Stopped\s+sleep 100")
    q.child.send("fg\r")
    q.expect("sleep 100", timeout=30)
    time.sleep(2)
    q.child.send("\x03")
    q.expect(OSH_PROMPT, timeout=30)
    orun("echo st=$?\r", r"st=130")
    q.child.send("exit 0\r")
    q.kill()
