"""Readiness, pipes, ptys and AF_UNIX sockets (issue 4): user/iotest runs as
init and checks poll/select/ppoll/pselect timeouts and readiness, pipe EOF,
EPIPE and PIPE_BUF atomicity, a pty pair through /dev/ptmx in canonical and
raw mode, AF_UNIX stream/dgram/socketpair/fd passing, with the answers a
Linux host gives (the same binary passes there). It also times a pipe
ping-pong, which the log keeps."""

import re
import shutil
from pathlib import Path

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"


def test_iotest(kernel, qemu, tmp_path):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/iotest",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /bin/iotest exited with status (\d+)", timeout=240)
    out = q.output
    q.kill()
    assert "iotest: FAIL" not in out
    m = re.search(r"iotest: (\d+) passed, (\d+) failed", out)
    assert m and int(m.group(1)) > 100 and m.group(2) == "0", m
    for part in ("poll", "select", "pipe", "atomic", "pty", "socketpair", "unix_server",
                 "unix_dgram", "scm_rights", "bench"):
        assert f"iotest: {part} ok" in out, part
    assert "init: /bin/iotest exited with status 0" in out
    assert re.search(r"iotest: pipe ping-pong: 10000 round trips in \d+ ms", out)
