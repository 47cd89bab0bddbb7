"""The VGA console and PS/2 keyboard (issue 4's console tty): with
console=vga getty runs on tty1 and root logs in there. Keys typed through
QEMU's monitor (sendkey) reach it, its output is read back from the VGA text buffer with
the monitor's `xp`, and a command's side effect shows on the serial port."""

import os
import re
import shutil
import socket
import time
from pathlib import Path

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"

KEYS = {" ": "spc", "$": "shift-4", "(": "shift-9", ")": "shift-0", "*": "shift-8",
        ">": "shift-dot", "/": "slash", "-": "minus", "=": "equal", ";": "semicolon",
        ".": "dot", "\n": "ret", "|": "shift-backslash", "_": "shift-minus"}


class Monitor:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                self.sock.connect(str(path))
                break
            except OSError:
                time.sleep(0.1)
        self.sock.settimeout(10)
        self.read_until("(qemu)")

    def read_until(self, marker):
        data = b""
        while marker.encode() not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self.read_until("(qemu)")

    def type(self, text):
        for ch in text:
            key = KEYS.get(ch, ch)
            if ch.isupper():
                key = "shift-" + ch.lower()
            self.cmd(f"sendkey {key}")

    def screen(self):
        """The 25 text rows, from the VGA buffer at 0xb8000."""
        rows = []
        for r in range(25):
            out = self.cmd(f"xp /80hx {0xb8000 + r * 160:#x}")
            # Only the dump lines ("00000000000b8000: 0x0741 ..."): the
            # monitor also echoes the command, address included.
            dump = " ".join(re.findall(r"^[0-9a-f]+: (.*)$", out, re.M))
            cells = [int(v, 16) for v in re.findall(r"0x([0-9a-f]{4})", dump)]
            rows.append("".join(chr(c & 0xff) if 32 <= (c & 0xff) < 127 else " "
                                for c in cells[:80]).rstrip())
        return rows


def test_keyboard_reaches_the_vga_shell(kernel, qemu, tmp_path):
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    mon_path = tmp_path / "mon.sock"
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=vga",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio",
              "-monitor", f"unix:{mon_path},server=on,wait=off"],
             hard_timeout=180)
    q.expect(r"tty: tty1 \(VGA and keyboard\) is the console", timeout=120)
    assert "ps2kbd: i8042 keyboard on IRQ 1" in q.output
    mon = Monitor(mon_path)

    def wait_screen(test, what, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = mon.screen()
            if any(test(row) for row in rows):
                return
            time.sleep(1)
        raise AssertionError(f"no {what} on the screen:\n" + "\n".join(rows))

    # getty's prompt on tty1 (docs/login.md), then the shell's.
    wait_screen(lambda row: row.endswith("login:"), "login prompt", 120)
    mon.type("root\n")
    wait_screen(lambda row: row.endswith("Password:"), "password prompt")
    mon.type(os.environ.get("ROOT_PASSWORD", "root") + "\n")
    wait_screen(lambda row: row.endswith("#"), "shell prompt")
    mon.type("echo vga-$((6*7)) > /dev/ttyS0\n")
    q.expect(r"vga-42", timeout=30)
    mon.type("echo Shifted_Text | tr a-z A-Z\n")
    time.sleep(2)
    rows = mon.screen()
    assert "SHIFTED_TEXT" in rows, "\n".join(rows)
    assert any("echo Shifted_Text | tr a-z A-Z" in row for row in rows), "\n".join(rows)
    q.kill()
