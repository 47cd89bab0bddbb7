"""Block layer tests: PCI finds the virtio disks, MBR partitions appear,
and the `blk` selftest group puts more requests in flight than the queue
holds on a scratch disk, after which the host reads back what it wrote."""

import re

from qemu import EXIT_SELFTEST_PASSED, qemu_opt

SECTOR = 512
INFLIGHT, REQ_SECTORS, FIRST = 128, 8, 8


def scratch(path, size=8 << 20):
    with open(path, "wb") as f:
        f.write(b"BLKTEST!")
        f.truncate(size)
    return path


def expected(req, i):
    return (req * 31 + i * 7 + (i >> 9)) & 0xFF


def test_blk_selftest_and_host_readback(kernel, qemu, tmp_path):
    rw = scratch(tmp_path / "rw.img")
    ro = scratch(tmp_path / "ro.img")
    q = qemu([
        "-kernel", kernel, "-append", "selftest=blk",
        "-drive", f"file={qemu_opt(str(rw))},format=raw,if=virtio",
        "-drive", f"file={qemu_opt(str(ro))},format=raw,if=virtio,readonly=on",
    ])
    q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=60)
    assert q.wait_exit(timeout=10) == EXIT_SELFTEST_PASSED
    assert "selftest: ok blk.many_requests_in_flight" in q.output
    assert "selftest: ok blk.bad_requests_refused" in q.output
    assert re.search(r"blk: vdb: \d+ sectors .*read-only", q.output)

    data = rw.read_bytes()
    length = REQ_SECTORS * SECTOR
    for req in range(INFLIGHT):
        base = (FIRST + req * REQ_SECTORS) * SECTOR
        got = data[base:base + length]
        want = bytes(expected(req, i) for i in range(length))
        assert got == want, f"request {req}: the disk does not hold what the kernel wrote"
    assert ro.read_bytes()[8:] == bytes(len(ro.read_bytes()) - 8), "read-only disk was written"


def test_pci_and_partitions(kernel, qemu, disk_image):
    img = disk_image("console=ttyS0 panic=exit")
    q = qemu([
        "-kernel", kernel, "-append", "console=ttyS0",
        "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio",
    ])
    q.expect(r"boot: ready in")
    text = q.output
    q.kill()
    assert re.search(r"pci: \d+ functions", text)
    assert re.search(r"blk: vda1: partition type 0x83, sectors 2048-", text)
    assert re.search(r"pci: 00:00\.0 8086:1237 host bridge", text)
    assert re.search(r"virtio-blk: vda at .* queue \d+", text)
    # Unclaimed devices are named by class.
    assert re.search(r"pci: .* VGA controller \(1234:1111\): no driver", text)
