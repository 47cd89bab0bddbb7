"""The tty layer (issue 4, "ttys"): the in-kernel tty selftests, and a
line typed on the serial port from the host that a user program reads
through /dev/console, in canonical mode with echo."""

import re
import shutil
from pathlib import Path

import bootlog
from qemu import EXIT_SELFTEST_PASSED, qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"

TTY_TESTS = {
    "tty.canonical_line_with_echo", "tty.erase_and_partial_reads",
    "tty.nonblocking_and_eof", "tty.raw_mode_single_bytes",
    "tty.raw_vtime_times_out", "tty.blocked_reader_wakes_on_input",
    "tty.write_opost_and_stop", "tty.ioctls", "tty.console_nodes",
}


def test_tty_selftests(kernel, qemu):
    q = qemu(["-kernel", kernel, "-append", "console=ttyS0 selftest=tty"])
    m = q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=60)
    status = q.wait_exit(timeout=10)
    ok, fail = bootlog.selftests(q.output)

    assert not fail and m.group(2) == "0", f"tty selftests failed: {fail}"
    assert set(ok) == TTY_TESTS, f"ran {sorted(ok)}"
    assert int(m.group(1)) == len(TTY_TESTS)
    assert status == EXIT_SELFTEST_PASSED
    assert "tty: ttyS0 is the console (/dev/console)" in q.output


def test_line_typed_on_serial_console(kernel, qemu, tmp_path):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/ttyecho",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"ttyecho: ready, 80x24\r", timeout=120)
    # A typo and its erase (DEL) on the way: the ldisc edits the line.
    q.child.send("helo\x7flo\r")
    q.expect(r"got: hello\r", timeout=30)
    q.expect(r"init: /bin/ttyecho exited with status 0", timeout=30)
    out = q.output
    q.kill()
    # The echo came back before the answer: the typed text, the erase
    # sequence for the 'o', and CR NL for the CR (ICRNL, then ONLCR; the
    # host pty adds a CR of its own before each NL).
    typed = out.index("ttyecho: ready")
    echo = re.search(r"helo\x08 \x08lo\r+\n", out[typed:])
    assert echo, "no echo of the typed line"
    assert echo.start() < out[typed:].index("got: hello")
