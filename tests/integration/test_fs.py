"""Filesystem tests (issue 3). The kernel's `fs` selftest group writes a
workload on its root filesystem, syncs and unmounts it; on the host
e2fsck -fn must find the partition clean and debugfs must read back every
file byte for byte. The same workload runs on a RAM-disk root; a read-only
disk gives EROFS; an ext3 disk is refused with its feature named."""

import filecmp
import subprocess
from pathlib import Path

import pytest

from qemu import EXIT_SELFTEST_PASSED, qemu_opt

ROOT = Path(__file__).resolve().parents[2]
STAGE = ROOT / "image" / "stage-rootfs"
OWNERS = ROOT / "image" / "owners"
PART_START = 2048 * 512

NFILES = 200


def pattern(i, n):
    """Byte j of workload file i is (i*131 + j*7 + j//251) & 0xff."""
    return bytes((i * 131 + j * 7 + j // 251) & 0xFF for j in range(n))


def expected_tree():
    """What /fstest holds after the workload, as {relative path: bytes}."""
    files = {}
    for i in range(NFILES):
        if i in (2, 3):
            continue
        size = (i * 997) % 20000
        files[f"f{i:03d}"] = pattern(i, size)
    files["f005"] = pattern(5, (5 * 997) % 20000)[:10]
    files["sub/renamed"] = pattern(2, (2 * 997) % 20000)
    files["hard"] = files["f004"]
    files["big"] = pattern(999, 3 << 20)
    files["sparse"] = bytes(8 << 20) + b"x"
    deep = "/".join(f"d{k}" for k in range(1, 13))
    files[f"{deep}/leaf"] = b"leaf\n"
    return files


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def staged_rootfs(tmp_path):
    out = tmp_path / "rootfs"
    r = run([str(STAGE), str(out)])
    assert r.returncode == 0, r.stderr
    return out


def root_disk(disk_image, tmp_path, size_mib=64):
    rootfs = staged_rootfs(tmp_path)
    return Path(disk_image("root=virtio console=ttyS0", size_mib=size_mib,
                           extra=["--rootfs", str(rootfs), "--owners", str(OWNERS)]))


def partition_of(disk, tmp_path):
    part = tmp_path / "part.img"
    with open(disk, "rb") as src, open(part, "wb") as dst:
        src.seek(PART_START)
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            dst.write(chunk)
    return part


def check_clean(part):
    r = run(["e2fsck", "-fn", str(part)])
    assert r.returncode == 0, f"e2fsck -fn exit {r.returncode}:\n{r.stdout}{r.stderr}"


def boot_selftest(qemu, kernel, append, drives=(), initrd=None, mem="256M"):
    args = ["-kernel", kernel, "-append", append]
    if initrd:
        args += ["-initrd", qemu_opt(str(initrd))]
    for d in drives:
        args += ["-drive", d]
    q = qemu(args, mem=mem)
    m = q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=120)
    status = q.wait_exit(timeout=30)
    return q, int(m.group(1)), int(m.group(2)), status


def test_virtio_root_workload_is_clean_on_the_host(kernel, qemu, disk_image, tmp_path):
    disk = root_disk(disk_image, tmp_path)
    q, passed, failed, status = boot_selftest(
        qemu, kernel, "root=virtio console=ttyS0 selftest=fs",
        drives=[f"file={qemu_opt(str(disk))},format=raw,if=virtio"])
    assert failed == 0 and status == EXIT_SELFTEST_PASSED
    assert passed >= 5
    # /proc and /dev contents are checked from inside (fs.proc_and_dev).
    assert "selftest: ok fs.proc_and_dev" in q.output
    assert "selftest: ok fs.permission_denials" in q.output

    part = partition_of(disk, tmp_path)
    check_clean(part)
    dump = tmp_path / "dump"
    dump.mkdir()
    r = run(["debugfs", "-R", f"rdump /fstest {dump}", str(part)])
    assert r.returncode == 0, r.stderr
    got_root = dump / "fstest"
    for rel, want in expected_tree().items():
        p = got_root / rel
        assert p.exists(), f"/fstest/{rel} missing on the host"
        assert p.read_bytes() == want, f"/fstest/{rel} differs on the host"
    for gone in ("f002", "f003"):
        assert not (got_root / gone).exists(), f"/fstest/{gone} should be gone"
    r = run(["debugfs", "-R", "stat /fstest/link", str(part)])
    assert 'Fast link dest: "f001"' in r.stdout, r.stdout
    r = run(["debugfs", "-R", "stat /fstest/f004", str(part)])
    assert "Links: 2" in r.stdout, r.stdout
    assert filecmp.cmp(got_root / "hard", got_root / "f004", shallow=False)


def test_ramdisk_root_workload(kernel, qemu, tmp_path):
    rootfs = staged_rootfs(tmp_path)
    img = tmp_path / "rootfs.ext2"
    r = run([str(ROOT / "image" / "build-image"), "--kernel", kernel, "--out", str(img),
             "--size", "48", "--cmdline", "", "--rootfs", str(rootfs),
             "--owners", str(OWNERS), "--fs-only"])
    assert r.returncode == 0, r.stderr
    q, passed, failed, status = boot_selftest(
        qemu, kernel, "root=module console=ttyS0 selftest=fs", initrd=img, mem="512M")
    assert "root: ram0" in q.output
    assert failed == 0 and status == EXIT_SELFTEST_PASSED


def test_readonly_disk_gives_erofs(kernel, qemu, disk_image, tmp_path):
    disk = root_disk(disk_image, tmp_path)
    q, passed, failed, status = boot_selftest(
        qemu, kernel, "root=virtio console=ttyS0 selftest=fs_ro",
        drives=[f"file={qemu_opt(str(disk))},format=raw,if=virtio,readonly=on"])
    assert failed == 0 and status == EXIT_SELFTEST_PASSED
    assert "selftest: ok fs_ro.writes_give_erofs" in q.output
    check_clean(partition_of(disk, tmp_path))


@pytest.mark.parametrize("fstype,feature", [("ext3", "has_journal"), ("ext4", "extents")])
def test_journal_disk_refused_with_feature_named(kernel, qemu, tmp_path, fstype, feature):
    disk = tmp_path / "disk.img"
    part = tmp_path / "part.img"
    r = run(["mke2fs", "-q", "-t", fstype, "-F", str(part), "32M"])
    assert r.returncode == 0, r.stderr
    with open(disk, "wb") as f:
        f.truncate(PART_START + (32 << 20))
    r = subprocess.run(["sfdisk", "-q", str(disk)], input="start=2048, type=83\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    with open(part, "rb") as src, open(disk, "r+b") as dst:
        dst.seek(PART_START)
        dst.write(src.read())
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0",
              "-drive", f"file={qemu_opt(str(disk))},format=raw,if=virtio"])
    q.expect(r"boot: ready in", timeout=60)
    text = q.output
    q.kill()
    assert feature in text and "not mounting" in text, "refusal does not name the feature"
    assert "root: falling back" in text
