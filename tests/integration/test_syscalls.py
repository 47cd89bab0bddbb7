"""File and directory system calls (issue 4): /bin/fileops runs as init on
a private copy of the disk image and checks each call from user space,
success and error cases (EBADF, EFAULT, ENOENT, EEXIST, ENOTDIR, EISDIR).
It syncs before exiting; e2fsck -fn must then find the root partition
consistent (the kernel does not unmount after init exits, but a synced
filesystem with a consistent structure still makes e2fsck -fn exit 0)."""

import re
import shutil
import subprocess
from pathlib import Path

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PART_START = 2048 * 512


def private_image(tmp_path):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    return img


def partition_of(disk, tmp_path):
    part = tmp_path / "part.img"
    with open(disk, "rb") as src, open(part, "wb") as dst:
        src.seek(PART_START)
        shutil.copyfileobj(src, dst, 1 << 20)
    return part


def test_file_syscalls(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/fileops",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /bin/fileops exited with status (\d+)", timeout=120)
    out = q.output
    q.kill()
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert not fails, "\n".join(fails)
    oks = re.findall(r"^ok (\S+)", out, re.M)
    assert len(oks) >= 60, oks
    for name in ("pipe-eof", "pipe-epipe", "read-efault", "open-enotdir", "sendfile",
                 "fchdir", "readdir", "unlinkat-dir"):
        assert name in oks, name
    assert "init: /bin/fileops exited with status 0" in out
    r = subprocess.run(["e2fsck", "-fn", str(partition_of(img, tmp_path))],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"e2fsck -fn exit {r.returncode}:\n{r.stdout}{r.stderr}"
