"""Job control on the serial console (issue 4): user/jobtest runs as init,
makes the console its controlling terminal and checks SIGTTIN, SIGTTOU and
tcsetpgrp; the test types ^C and ^Z when it asks for them. Then busybox sh
runs interactively with job control: background jobs, ^Z, fg, ^C."""

import shutil
from pathlib import Path

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PROMPT = r"/ # "


def test_job_control(kernel, qemu, tmp_path):
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/jobtest",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"jobtest: press \^C", timeout=120)
    q.expect(r"jobtest: waiting for a key", timeout=30)
    q.child.send("\x03")
    q.expect(r"jobtest: press \^Z", timeout=30)
    q.expect(r"jobtest: waiting for a key", timeout=30)
    q.child.send("\x1a")
    q.expect(r"jobtest: (all ok|FAIL.*)\r*\n", timeout=30)
    out = q.output
    assert "jobtest: FAIL" not in out
    assert "jobtest: all ok" in out

    # busybox ash with job control on the same terminal.
    q.expect(PROMPT, timeout=60)

    def run(cmd, want, timeout=30):
        q.child.send(cmd + "\r")
        q.expect(want, timeout=timeout)
        q.expect(PROMPT, timeout=timeout)

    # Output as busybox sh prints it on Linux (checked with the same
    # commands under a pty there).
    run("sleep 300 &", r"sleep 300 &")
    run("jobs", r"\[1\]\+\s+Running\s+sleep 300")
    run("kill %1; sleep 1; jobs; echo done", r"\[1\]\+\s+Terminated\s+sleep 300\s+done")
    q.child.send("sleep 300\r")
    q.expect(r"sleep 300\r*\n", timeout=10)
    q.child.send("\x1a")
    q.expect(r"\[1\]\+\s+Stopped\s+sleep 300", timeout=30)
    q.expect(PROMPT, timeout=30)
    q.child.send("fg\r")
    q.expect(r"fg\r*\nsleep 300", timeout=30)
    q.child.send("\x03")
    q.expect(PROMPT, timeout=30)
    run("echo status $?", r"status 130")
    run("jobs; echo none-left", r"jobs; echo none-left\r*\nnone-left")
    q.kill()
