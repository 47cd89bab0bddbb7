"""Fixtures for the QEMU integration tests (docs/testing.md).

Each QEMU run logs its serial output to build/test-logs/<test>.log (a second
run in the same test goes to <test>.2.log, and so on). When a test fails,
the last 80 lines of each of its logs are added to the failure report.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qemu import Qemu, base_args, tail

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
LOG_DIR = BUILD / "test-logs"
BUILD_IMAGE = REPO / "image" / "build-image"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed or getattr(item, "qemu_logs_shown", False):
        return
    item.qemu_logs_shown = True
    for path in getattr(item, "qemu_logs", []):
        rep.sections.append((f"serial log {path} (last 80 lines)", tail(path, 80)))


def _log_name(node_name):
    name = node_name.replace("[", "-").replace("]", "")
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", name)


@pytest.fixture(scope="session")
def kernel():
    """Path of the kernel ELF: build/kernel.elf, or $TEST_KERNEL if set.
    `make integration-test` builds it first."""
    path = Path(os.environ.get("TEST_KERNEL") or BUILD / "kernel.elf").resolve()
    if not path.is_file():
        pytest.fail(f"{path} does not exist: run `make kernel` first "
                    "(`make integration-test` does)", pytrace=False)
    if shutil.which("qemu-system-x86_64") is None:
        pytest.fail("qemu-system-x86_64 not found: run scripts/deps", pytrace=False)
    return str(path)


@pytest.fixture
def qemu(request):
    """Start QEMU: qemu(args, mem="256M", hard_timeout=120) -> Qemu.

    `args` come after the shared options of qemu.base_args. Every QEMU the
    test started is killed when it ends, pass or fail."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    runs = []
    request.node.qemu_logs = []
    base = _log_name(request.node.name)

    def start(args, mem="256M", hard_timeout=120):
        suffix = "" if not runs else f".{len(runs) + 1}"
        log = LOG_DIR / f"{base}{suffix}.log"
        request.node.qemu_logs.append(str(log))
        q = Qemu(base_args(mem) + list(args), log, hard_timeout=hard_timeout)
        runs.append(q)
        return q.start()

    yield start
    for q in runs:
        q.kill()


@pytest.fixture
def disk_image(kernel, tmp_path):
    """Build a GRUB disk image with image/build-image:
    disk_image(cmdline, size_mib=16, extra=[...]) -> path."""
    count = 0

    def build(cmdline, size_mib=16, extra=()):
        nonlocal count
        count += 1
        out = tmp_path / f"disk{count}.img"
        cmd = [str(BUILD_IMAGE), "--kernel", kernel, "--out", str(out),
               "--size", str(size_mib), "--cmdline", cmdline] + list(extra)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, (
            f"image/build-image failed with status {r.returncode}:\n"
            f"{r.stdout}{r.stderr}")
        return str(out)

    return build
