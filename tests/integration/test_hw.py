"""The PS/2 mouse, power control and the hardware information tools
(docs/hardware.md). Mouse events come from QEMU's monitor (`mouse_move`,
`mouse_button`) over a unix socket and must reach /bin/mouse through
/dev/input/mice, for a blocking and a non-blocking reader at once."""

import re
import shutil
import subprocess
import time
from pathlib import Path

from qemu import qemu_opt
from test_vga import Monitor

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PART_START = 2048 * 512
PROMPT = r"/ # "


def private_image(tmp_path):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image`"
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    return img


def boot(qemu, kernel, img, extra_args=(), mem="256M", hard_timeout=240):
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"] + list(extra_args),
             mem=mem, hard_timeout=hard_timeout)
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.expect(PROMPT, timeout=60)
    return q


def fsck_clean(img, tmp_path):
    part = tmp_path / "part.img"
    with open(img, "rb") as src, open(part, "wb") as dst:
        src.seek(PART_START)
        shutil.copyfileobj(src, dst, 1 << 20)
    r = subprocess.run(["e2fsck", "-fn", str(part)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, f"e2fsck -fn exit {r.returncode}:\n{r.stdout}{r.stderr}"


def run(q, cmd, timeout=60):
    """Run cmd at the shell prompt; its output (without the echo)."""
    marker = f"__done{time.monotonic_ns()}__"
    q.child.send(f"{cmd}; echo {marker[:6]}''{marker[6:]}\r")
    q.expect(re.escape(marker) + r"\r*\n", timeout=timeout)
    out = q.child.before
    return out.split("\n", 1)[1] if "\n" in out else out


def test_mouse_events_reach_every_reader(kernel, qemu, tmp_path):
    mon_path = tmp_path / "mon.sock"
    q = boot(qemu, kernel, private_image(tmp_path),
             ["-monitor", f"unix:{mon_path},server=on,wait=off"])
    assert re.search(r"ps2mouse: PS/2 mouse on IRQ 12", q.output), "no mouse driver line"
    mon = Monitor(mon_path)
    # A non-blocking poll(2) reader in the background, a blocking one in front.
    q.child.send("/bin/mouse -n -c 3 -t 60 > /tmp/bg.txt & /bin/mouse -c 3 -t 60\r")
    q.expect(r"mouse: reading /dev/input/mice", timeout=30)
    time.sleep(1)  # both are open
    mon.cmd("mouse_move 10 -5")
    q.expect(r"(-?\d+) (-?\d+) (\d+)\r*\n", timeout=30)
    first = q.child.match.groups()
    mon.cmd("mouse_button 1")
    q.expect(r"(-?\d+) (-?\d+) (\d+)\r*\n", timeout=30)
    second = q.child.match.groups()
    mon.cmd("mouse_button 0")
    q.expect(r"(-?\d+) (-?\d+) (\d+)\r*\n", timeout=30)
    third = q.child.match.groups()
    q.expect(PROMPT, timeout=30)
    # QEMU's monitor takes dy downwards; the PS/2 protocol reports it upwards.
    assert first == ("10", "5", "0"), first
    assert second == ("0", "0", "1"), second
    assert third == ("0", "0", "0"), third
    time.sleep(1)
    bg = run(q, "cat /tmp/bg.txt")
    assert re.findall(r"^(-?\d+ -?\d+ \d+)\r*$", bg, re.M) == ["10 5 0", "0 0 1", "0 0 0"], bg
    # No event: the timeout path of poll(2).
    out = run(q, "/bin/mouse -c 1 -t 1; echo status=$?")
    assert "mouse: no event for 1000 ms" in out and "status=3" in out, out
    q.kill()
