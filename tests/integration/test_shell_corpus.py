"""The shell corpus on the host (issue 6 "Bars"): tests/shell-corpus/run
compares osh (build/user/osh, static musl, runs on Linux) with Debian's
busybox sh on every case; it fails on any difference not listed in
tests/shell-corpus/known-failures. No QEMU: a few seconds."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_shell_corpus_matches_busybox():
    if not shutil.which("busybox"):
        pytest.skip("busybox is not installed on the host")
    subprocess.run(["make", "-s", "build/user/osh"], cwd=ROOT, check=True)
    r = subprocess.run(["/usr/bin/python3", str(ROOT / "tests/shell-corpus/run")], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    print(r.stdout[-20000:])
    assert r.returncode == 0, r.stdout[-20000:] + r.stderr[-2000:]
    # The corpus is the bar: at least 100 cases ran and most of them matched.
    summary = [l for l in r.stdout.splitlines() if l.startswith("shell corpus:")][0]
    total = int(summary.split()[2])
    assert total >= 100, summary
