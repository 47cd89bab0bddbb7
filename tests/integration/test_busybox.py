"""Debian's busybox-static on our kernel prints what it prints on Linux
(issue 4, "Tests"). One fixed script, tests/integration/data/
busybox-compare.sh, runs under `busybox sh` on our kernel (from the disk
image, snapshot=on) and on the Linux peer of scripts/bench/linux-peer
(Debian's 6.1 kernel with a busybox initramfs, `bench=shell`), both in the
same QEMU configuration. The script makes its own files under /tmp/bbcmp,
so both sides read identical data, and the outputs must match line by line
after the normalisations in NORMALISE.

The script is typed into each side's serial console as a here-document,
so neither image needs to carry it. The peer is built by
`scripts/bench/linux-peer build` (apt-get download of Debian's kernel,
once; `make test` builds it first); without it the test is skipped with that
reason.
"""

import difflib
import re
import time
from pathlib import Path

import pytest

from bootlog import clean_lines
from qemu import QemuError, qemu_opt

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPT = HERE / "data" / "busybox-compare.sh"
IMAGE = ROOT / "build" / "disk.img"
PEER = ROOT / "build" / "bench" / "linux" / "peer"
PROMPT = r"/ # "

# Lines the two systems may legitimately print differently, and why. The
# script already avoids printing pids, times, sizes and device names; what
# remains is the console itself:
NORMALISE = [
    # Our kernel logs to the same serial console, each message stamped
    # "[   12.345] " (docs/boot-log.md); such lines are not the script's
    # output (Linux runs with `quiet`, so it logs nothing here).
    (re.compile(r"^\[\s*\d+\.\d+\] .*$"), None),
    # Job-control notices of the interactive shell for the background
    # sleeps ("[1]+ Terminated ..."), printed at a moment that depends on
    # scheduling, not on the applets.
    (re.compile(r"^\[\d+\][+-]? .*$"), None),
    # Empty lines: the script prints none, but the pty between QEMU and
    # pexpect turns some line ends into an extra one.
    (re.compile(r"^\s*$"), None),
]


def normalise(lines):
    out = []
    for line in lines:
        for rx, repl in NORMALISE:
            if rx.match(line):
                line = repl
                break
        if line is not None:
            out.append(line)
    return out


def run_script(q, timeout=60):
    """Type the script into the shell on q's console and return the lines
    it printed. If it does not finish within `timeout` seconds, what it
    printed so far is returned with a last line "<timed out>", so the
    comparison shows where it stopped."""
    q.expect(PROMPT, timeout=90)
    q.child.send("cat > /tmp/bbcmp.sh <<'BBCMP_EOF'\r")
    for line in SCRIPT.read_text().splitlines():
        q.expect(r"> ", timeout=20)
        q.child.send(line + "\r")
    q.expect(r"> ", timeout=20)
    q.child.send("BBCMP_EOF\r")
    q.expect(PROMPT, timeout=20)
    start = len(q.output)
    # The markers are computed so that the echo of this command line does
    # not contain them. busybox's own sh runs the script on both sides, so
    # bare names are busybox's applets there too (our /bin/sh is osh, and
    # /bin holds our tools).
    q.child.send("echo BBCMP-$((1+1))-BEGIN; busybox sh /tmp/bbcmp.sh 2>&1; "
                 "echo BBCMP-$((1+2))-END\r")
    try:
        q.expect(r"BBCMP-3-END", timeout=timeout)
        timed_out = False
    except QemuError:
        timed_out = True
    lines = clean_lines(q.output[start:])
    begin = next(i for i, l in enumerate(lines) if l.strip() == "BBCMP-2-BEGIN")
    if timed_out:
        return [l.rstrip() for l in lines[begin + 1:]] + ["<timed out>"]
    end = max(i for i, l in enumerate(lines) if l.strip() == "BBCMP-3-END")
    return [l.rstrip() for l in lines[begin + 1:end]]


def test_busybox_output_matches_linux(kernel, qemu):
    if not (PEER / "vmlinuz").exists() or not (PEER / "initrd.gz").exists():
        pytest.skip("no Linux peer: run scripts/bench/linux-peer build "
                    "(downloads Debian's kernel once)")
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"

    t0 = time.monotonic()
    linux = qemu(["-kernel", str(PEER / "vmlinuz"), "-initrd", str(PEER / "initrd.gz"),
                  "-append", "console=ttyS0 quiet bench=shell"], hard_timeout=150)
    want = normalise(run_script(linux))
    linux.kill()
    print(f"linux peer: {time.monotonic() - t0:.1f} s")
    t0 = time.monotonic()

    ours = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/sh",
                 "-drive", f"file={qemu_opt(str(IMAGE))},format=raw,if=virtio,snapshot=on"],
                hard_timeout=150)
    got = normalise(run_script(ours, timeout=45))
    ours.kill()
    print(f"ours: {time.monotonic() - t0:.1f} s")

    assert len(want) > 40, "the Linux peer printed too little:\n" + "\n".join(want)
    diff = list(difflib.unified_diff(want, got, "linux", "ours", lineterm="", n=1))
    assert want == got, ("output differs from Linux's (line by line, after "
                         "NORMALISE):\n" + "\n".join(diff[:80]))
