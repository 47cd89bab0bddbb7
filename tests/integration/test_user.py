"""First user programs (issue 4, in progress): static musl binaries from
the disk image run in ring 3 in their own address spaces; faulting ones are
killed with the signal Linux would send while the kernel goes on."""

import re
import shutil
from pathlib import Path

from qemu import EXIT_SELFTEST_PASSED, qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"


def private_image(tmp_path):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    return img


def test_user_programs_and_faults(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 selftest=user",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=120)
    status = q.wait_exit(timeout=30)
    out = q.output
    assert status == EXIT_SELFTEST_PASSED
    assert "hello from user space: pid 1 uid 0, 2 args" in out
    assert "argv[1] = from-selftest" in out
    assert "uname: Linux 6.1.0-appliance x86_64" in out
    assert "malloc of 1 MiB ok, contents kept" in out
    assert "auxv: hwcap set, pagesz 4096, random set" in out
    kills = re.findall(r"proc: pid \d+ \(fault\) killed by (SIG\w+): vector (\d+)", out)
    # A warm-up "null" run, then null, kernel, priv and stack.
    assert kills == [("SIGSEGV", "14"), ("SIGSEGV", "14"), ("SIGSEGV", "14"),
                     ("SIGSEGV", "13"), ("SIGSEGV", "14")], kills
    assert "which is wrong" not in out


def test_init_program_runs(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/hello",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /bin/hello exited with status 0", timeout=120)
    out = q.output
    q.kill()
    assert "init: /bin/hello started as pid 1" in out
    assert "hello from user space: pid 1" in out


def test_fork_exec_wait(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/forktest",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /bin/forktest exited with status (\d+)", timeout=120)
    out = q.output
    q.kill()
    assert "forktest: FAIL" not in out
    assert "forktest: all ok" in out
    assert "init: /bin/forktest exited with status 0" in out
    assert "forktest: exec'd child pid" in out


def test_signals(kernel, qemu, tmp_path):
    """user/sigtest: handlers, masks, default actions, stop/continue,
    SIGCHLD, sigsuspend, SA_RESTART, sigaltstack, SIGSEGV handlers and
    register preservation, as on Linux (the program passes there too)."""
    img = private_image(tmp_path)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/sigtest",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /bin/sigtest exited with status (\d+)", timeout=120)
    out = q.output
    q.kill()
    assert "sigtest: FAIL" not in out
    assert "sigtest: all ok" in out
    assert len(re.findall(r"sigtest: ok:", out)) >= 40


def test_threads(kernel, qemu, tmp_path):
    """user/threadtest: musl pthreads (contended mutex, condition variable,
    TLS, join, pthread_kill, exit from a thread, fatal signals, the main
    thread leaving first), vfork, posix_spawn and futex errors."""
    img = private_image(tmp_path)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/threadtest",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /bin/threadtest exited with status (\d+)", timeout=180)
    out = q.output
    q.kill()
    assert "threadtest: FAIL" not in out
    assert "threadtest: all ok" in out
    assert "counter 400000 of 400000" in out
