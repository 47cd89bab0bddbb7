"""root=tftp (kernel/root_tftp.c): the root filesystem image fetched by the
kernel itself over TFTP into a RAM disk, and every way that can fail.

The image is a 16 MiB ext2 built here from the disk image's tree
(build/rootfs), served by QEMU's slirp TFTP server (`tftp=DIR`) or, for a
server that stops answering halfway, by a small TFTP server in this test
that slirp reaches at 10.0.2.2:PORT.

- From DHCP: the boot file slirp's DHCP names, with rootsha256= verified;
  the shell runs on the RAM disk and the root is ram0.
- From a URL with a port, and from DHCP's server with `rootfs=PATH`.
- Failures, each with its message and fall-back, in bounded time: a file
  the server does not have (falls back to the virtio disk, whose shell
  then runs), a digest mismatch and no DHCP server at all (an empty tmpfs
  root), a server that stops answering (the fetch starts over twice, then
  gives up).
"""

import hashlib
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
ROOTFS_TREE = ROOT / "build" / "rootfs"
IMAGE = ROOT / "build" / "disk.img"
PROMPT = r"/ # "


@pytest.fixture(scope="module")
def rootfs_image(tmp_path_factory):
    """A 16 MiB ext2 image of the disk image's tree, and its sha256."""
    assert ROOTFS_TREE.is_dir(), "build/rootfs is missing: run make image first"
    d = tmp_path_factory.mktemp("rootfs")
    img = d / "rootfs.ext2"
    r = subprocess.run([str(ROOT / "image" / "build-image"), "--kernel",
                        str(ROOT / "build" / "kernel.elf"), "--out", str(img), "--size", "16",
                        "--cmdline", "", "--rootfs", str(ROOTFS_TREE), "--owners",
                        str(ROOT / "image" / "owners"), "--fs-only"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return img, hashlib.sha256(img.read_bytes()).hexdigest()


def serve_dir(tmp_path, rootfs_image, name="rootfs.ext2"):
    srv = tmp_path / "tftp"
    (srv / Path(name).parent).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(rootfs_image[0], srv / name)
    return srv


def shell_works(q):
    """The console shell runs on the root it reports (after a login on the
    console: docs/login.md)."""
    q.login(prompt=PROMPT)
    q.child.send("echo ok-$((6*7)); grep ' / ' /proc/mounts\r")
    q.expect(r"ok-42", timeout=30)
    return q.expect(r"(\S+) / (\w+)", timeout=30)


def test_root_from_dhcp_boot_file_with_sha256(kernel, qemu, tmp_path, rootfs_image):
    srv = serve_dir(tmp_path, rootfs_image)
    q = qemu(["-kernel", kernel, "-append", f"console=ttyS0 root=tftp rootsha256={rootfs_image[1]}",
              "-netdev", f"user,id=n0,tftp={qemu_opt(str(srv))},bootfile=rootfs.ext2",
              "-device", "rtl8139,netdev=n0"], hard_timeout=240)
    # root=tftp without ip= runs DHCP by itself.
    q.expect(r"dhcp: eth0 bound 10\.0\.2\.15/24", timeout=60)
    q.expect(r"root: fetching tftp://10\.0\.2\.2/rootfs\.ext2 \(sha256 given\)", timeout=30)
    q.expect(r"tftp: 10\.0\.2\.2:rootfs\.ext2 +16\.00 of 16\.00 MiB 100%", timeout=60)
    q.expect(r"root: ram0 holds tftp://10\.0\.2\.2/rootfs\.ext2 \(16777216 bytes, sha256 "
             r"verified\); it lives in RAM", timeout=60)
    q.expect(r"root: ram0 mounted on / \(ext2\)", timeout=30)
    m = shell_works(q)
    assert m.group(1).endswith("ram0") and m.group(2) == "ext2", m.group(0)


@pytest.mark.parametrize("how", ["url", "rootfs_key"])
def test_root_from_url_or_rootfs_key(kernel, qemu, tmp_path, rootfs_image, how):
    srv = serve_dir(tmp_path, rootfs_image, "images/lab/root.img")
    if how == "url":
        append = "console=ttyS0 root=tftp://10.0.2.2:69/images/lab/root.img"
    else:  # DHCP names no file; rootfs= does
        append = "console=ttyS0 root=tftp rootfs=images/lab/root.img"
    q = qemu(["-kernel", kernel, "-append", append,
              "-netdev", f"user,id=n0,tftp={qemu_opt(str(srv))}",
              "-device", "rtl8139,netdev=n0"], hard_timeout=240)
    where = "10.0.2.2:69" if how == "url" else "10.0.2.2"
    q.expect(rf"root: fetching tftp://{where}/images/lab/root\.img\s", timeout=60)
    q.expect(r"root: ram0 holds tftp://\S+/images/lab/root\.img \(16777216 bytes\)", timeout=60)
    m = shell_works(q)
    assert m.group(1).endswith("ram0")


def test_missing_file_falls_back_to_the_disk(kernel, qemu, tmp_path, rootfs_image):
    srv = serve_dir(tmp_path, rootfs_image)
    disk = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, disk)
    t0 = time.monotonic()
    q = qemu(["-kernel", kernel, "-append", "console=ttyS0 root=tftp rootfs=no/such.ext2",
              "-netdev", f"user,id=n0,tftp={qemu_opt(str(srv))}",
              "-device", "rtl8139,netdev=n0",
              "-drive", f"file={qemu_opt(str(disk))},format=raw,if=virtio"], hard_timeout=240)
    q.expect(r'tftp: 10\.0\.2\.2:no/such\.ext2: file not found \(server error 1: ', timeout=60)
    q.expect(r"root: root=tftp failed: the server has no such file", timeout=10)
    q.expect(r"root: falling back to the virtio disk", timeout=10)
    q.expect(r"root: vda1 mounted on /", timeout=30)
    m = shell_works(q)
    assert m.group(1).endswith("vda1")
    assert time.monotonic() - t0 < 120


def test_sha256_mismatch_is_refused(kernel, qemu, tmp_path, rootfs_image):
    srv = serve_dir(tmp_path, rootfs_image)
    wrong = "0" * 64
    q = qemu(["-kernel", kernel, "-append", f"console=ttyS0 root=tftp rootsha256={wrong}",
              "-netdev", f"user,id=n0,tftp={qemu_opt(str(srv))},bootfile=rootfs.ext2",
              "-device", "rtl8139,netdev=n0"], hard_timeout=240)
    q.expect(rf"root: tftp://10\.0\.2\.2/rootfs\.ext2: sha256 {rootfs_image[1]}, but "
             rf"rootsha256= says {wrong}", timeout=120)
    q.expect(r"root: root=tftp failed: the image's sha256 differs from rootsha256=", timeout=10)
    q.expect(r"root: falling back to an empty tmpfs root", timeout=10)
    assert "root: ram0" not in q.output


def test_no_dhcp_server(kernel, qemu, tmp_path):
    # eth0 on a socket backend with nobody at the other end: no DHCP.
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    t0 = time.monotonic()
    q = qemu(["-kernel", kernel, "-append", "console=ttyS0 root=tftp",
              "-netdev", f"socket,id=n0,udp=127.0.0.1:{port},localaddr=127.0.0.1:0",
              "-device", "rtl8139,netdev=n0"], hard_timeout=120)
    q.expect(r"root: root=tftp failed: no DHCP lease, so no server to fetch from", timeout=60)
    q.expect(r"root: falling back to an empty tmpfs root", timeout=10)
    assert time.monotonic() - t0 < 60


class StallingTftpServer(threading.Thread):
    """RFC 1350 without options: answers each read request from a fresh
    port (its transfer id) and stops after `blocks` blocks."""

    def __init__(self, blocks):
        super().__init__(daemon=True)
        self.blocks = blocks
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self.stop = threading.Event()

    def run(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                pkt, peer = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            if struct.unpack("!H", pkt[:2])[0] != 1:
                continue
            self.requests += 1
            threading.Thread(target=self.transfer, args=(peer,), daemon=True).start()

    def transfer(self, peer):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(1.0)
        for block in range(1, self.blocks + 1):
            s.sendto(struct.pack("!HH", 3, block) + b"x" * 512, peer)
            try:
                s.recvfrom(2048)  # the ACK
            except socket.timeout:
                pass
        s.close()  # and nothing more


def test_server_that_stops_answering(kernel, qemu, tmp_path):
    srv = StallingTftpServer(blocks=40)
    srv.start()
    try:
        t0 = time.monotonic()
        q = qemu(["-kernel", kernel, "-append",
                  f"console=ttyS0 root=tftp://10.0.2.2:{srv.port}/rootfs.ext2",
                  "-netdev", "user,id=n0", "-device", "rtl8139,netdev=n0"], hard_timeout=180)
        q.expect(r"tftp: 10\.0\.2\.2:rootfs\.ext2: timed out after 20480 bytes; starting over "
                 r"\(attempt 2 of 3\)", timeout=90)
        q.expect(r"root: root=tftp failed: the server stopped answering", timeout=90)
        q.expect(r"root: falling back to an empty tmpfs root", timeout=10)
        elapsed = time.monotonic() - t0
        assert srv.requests == 3, srv.requests
        assert elapsed < 150, elapsed
        print(f"gave up after {elapsed:.1f} s")
    finally:
        srv.stop.set()
