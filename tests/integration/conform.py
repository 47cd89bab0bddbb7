"""Run /bin/conform (user/conform, issue 4's conformance suite) inside our
kernel and read its TAP-like output: `ok N group/name`, `ok N group/name #
SKIP why`, `not ok N group/name: what`, and `conform: P passed, F failed,
S skipped`. Shared by test_conform.py and anything else that runs groups.

Each call boots a fresh QEMU on the disk image with `snapshot=on` (the
image is never written), init=/bin/sh (Debian's busybox sh as pid 1 on the
serial console), types `conform GROUP`, and waits for the exit status it
echoes after. A fresh boot per group keeps one group's leftovers (hung
children while a feature is missing) from spoiling the next.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from bootlog import clean_lines
from qemu import QemuError, qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PROMPT = r"/ # "

_CASE = re.compile(r"^(ok|not ok) (\d+) ([\w.-]+/[\w.-]+)(?:: (.*)| # SKIP (.*))?$")
_SUMMARY = re.compile(r"^conform: (\d+) passed, (\d+) failed, (\d+) skipped$")


@dataclass
class Result:
    passed: list = field(default_factory=list)
    failed: list = field(default_factory=list)   # (name, message)
    skipped: list = field(default_factory=list)  # (name, reason)
    summary: tuple = None
    exit_status: int = None
    error: str = None        # QEMU or the shell went wrong
    output: str = ""

    def report(self):
        lines = [f"conform exit status {self.exit_status}, summary {self.summary}"]
        if self.error:
            lines.append(f"error: {self.error}")
        lines += [f"FAILED {n}: {m}" for n, m in self.failed]
        lines += [f"skipped {n}: {r}" for n, r in self.skipped]
        return "\n".join(lines)


def parse(text):
    """The cases and summary in conform's output (any other line ignored)."""
    r = Result(output=text)
    for line in clean_lines(text):
        line = line.strip()
        m = _CASE.match(line)
        if m:
            status, _, name, msg, skip = m.groups()
            if status == "not ok":
                r.failed.append((name, msg or ""))
            elif skip is not None:
                r.skipped.append((name, skip))
            else:
                r.passed.append(name)
            continue
        m = _SUMMARY.match(line)
        if m:
            r.summary = tuple(int(x) for x in m.groups())
    return r


def run_groups(qemu, kernel, groups, timeout=120, mem="256M"):
    """Boot, run `conform GROUPS...` and return a Result. `qemu` is the
    conftest fixture."""
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/sh",
              "-drive", f"file={qemu_opt(str(IMAGE))},format=raw,if=virtio,snapshot=on"],
             mem=mem, hard_timeout=timeout + 60)
    start = 0
    try:
        q.expect(PROMPT, timeout=60)
        start = len(q.output)
        q.child.send("conform " + " ".join(groups) + "; echo conform-exit-$?\r")
        m = q.expect(r"conform-exit-(\d+)", timeout=timeout)
        r = parse(q.output[start:])
        r.exit_status = int(m.group(1))
    except QemuError as e:
        r = parse(q.output[start:])
        r.error = str(e)
    q.kill()
    return r
