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
    q.login()
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


CPU_MODEL = "Westmere-v1"


def qemu_model_id(model):
    """The model name QEMU gives a -cpu model, from `-cpu help`."""
    r = subprocess.run(["qemu-system-x86_64", "-cpu", "help"], capture_output=True, text=True,
                       timeout=60)
    m = re.search(rf"^x86 {re.escape(model)}\s+(.+?)\s*$", r.stdout, re.M)
    assert m, r.stdout
    return m.group(1)


def test_hardware_tools(kernel, qemu, tmp_path):
    # The RTL8139 instead of the default e1000; a named CPU model so the
    # model name is known; 300 MiB so the usable total is not the default.
    q = boot(qemu, kernel, private_image(tmp_path),
             ["-nic", "user,model=rtl8139", "-cpu", CPU_MODEL], mem="300M")

    out = run(q, "/bin/lspci")
    lines = [ln.strip() for ln in out.splitlines() if re.match(r"^[0-9a-f]{2}:", ln)]
    assert "00:00.0 Host bridge: Intel Corporation 440FX - 82441FX PMC [Natoma] (rev 02)" \
        in lines, out
    assert any(re.fullmatch(r"00:0[0-9a-f]\.0 Ethernet controller: Realtek Semiconductor "
                            r"Co\., Ltd\. RTL-8100/8101L/8139 PCI Fast Ethernet Adapter "
                            r"\(rev 20\)", ln) for ln in lines), out
    assert any(re.fullmatch(r"00:0[0-9a-f]\.0 SCSI storage controller: Red Hat, Inc\. "
                            r"Virtio block device", ln) for ln in lines), out
    assert "00:01.0 ISA bridge: Intel Corporation 82371SB PIIX3 ISA [Natoma/Triton II]" \
        in lines, out
    assert any(re.fullmatch(r"00:02\.0 VGA compatible controller: Device 1234:1111 "
                            r"\(rev 02\)", ln) for ln in lines), out

    out = run(q, "/bin/lspci -n")
    assert re.search(r"^00:0[0-9a-f]\.0 0200: 10ec:8139 \(rev 20\)\r*$", out, re.M), out
    assert re.search(r"^00:00\.0 0600: 8086:1237 \(rev 02\)\r*$", out, re.M), out

    out = run(q, "/bin/lspci -v -s 0:4")  # the virtio disk, with its driver
    assert "Virtio block device" in out, out
    assert re.search(r"I/O ports at [0-9a-f]+ \[size=\d+\]", out), out
    assert re.search(r"IRQ \d+", out), out
    assert "Kernel driver in use: virtio-blk" in out, out

    out = run(q, "/bin/lscpu")
    assert re.search(r"^\s*Model name:\s+" + re.escape(qemu_model_id(CPU_MODEL)) + r"\r*$",
                     out, re.M), out
    assert re.search(r"^\s*CPU family:\s+6\r*$", out, re.M), out
    assert re.search(r"^\s*Model:\s+44\r*$", out, re.M), out  # Westmere: 6/44/1
    assert re.search(r"^\s*Stepping:\s+1\r*$", out, re.M), out
    assert re.search(r"^CPU\(s\):\s+1\r*$", out, re.M), out
    mhz = re.search(r"^\s*CPU MHz:\s+(\d+)\.\d+", out, re.M)
    assert mhz and int(mhz.group(1)) > 100, out
    flags = re.search(r"^\s*Flags:\s+(.*)$", out, re.M).group(1).split()
    assert {"fpu", "sse2", "lm", "nx"} <= set(flags), flags
    assert re.search(r"^\s*L1d:\s+\d+ KiB", out, re.M), out

    out = run(q, "/bin/meminfo -k")
    assert re.search(r"^  0000000000000000-[0-9a-f]{16} .* (System RAM|Reserved)", out, re.M), out
    usable = re.search(r"^  System RAM .*\((\d+) KiB\)", out, re.M)
    assert usable, out
    kib = int(usable.group(1))
    # The firmware keeps some of the 300 MiB (BIOS areas, ACPI tables).
    assert 290 * 1024 <= kib <= 300 * 1024, kib
    total = re.search(r"^\s+total\s+(\d+) KiB", out, re.M)
    assert total and 0 < int(total.group(1)) <= kib, out
    q.kill()


# -no-reboot is in every run's options; `-action reboot=reset` undoes it so
# that a reset shows as a second boot rather than as QEMU exiting.
RESET_REBOOTS = ["-action", "reboot=reset"]
BANNER = r"kernel: \S+ \S+ on x86_64"


def test_reboot_then_poweroff_leave_a_clean_disk(kernel, qemu, tmp_path):
    """/bin/reboot restarts the machine (a second boot banner), the second
    boot's /bin/poweroff ends QEMU with status 0 through ACPI S5, and the
    disk is clean under e2fsck -fn with both boots' files on it."""
    img = private_image(tmp_path)
    q = boot(qemu, kernel, img, RESET_REBOOTS, hard_timeout=400)
    run(q, "echo one > /root/boot1; mount -t tmpfs none /mnt")
    q.child.send("/bin/reboot\r")
    q.expect(r"reboot: Restarting system", timeout=60)
    q.expect(r"power: reset through the (ACPI reset register|8042)", timeout=10)
    # The tool unmounted the tmpfs on /mnt itself: the kernel's shutdown
    # (which logs each filesystem it still had to release) did not see it.
    assert "vfs: tmpfs unmounted for shutdown" not in q.output, "/mnt was left mounted"
    q.expect(BANNER, timeout=60)  # the second boot
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.login()
    out = run(q, "cat /root/boot1; grep -c ' /mnt ' /proc/mounts")
    assert "one" in out, out
    run(q, "echo two > /root/boot2")
    t0 = time.monotonic()
    q.child.send("/bin/poweroff\r")
    q.expect(r"reboot: Power down", timeout=60)
    q.expect(r"power: ACPI S5 through PM1a_CNT 0x[0-9a-f]+", timeout=10)
    status = q.wait_exit(timeout=30)
    elapsed = time.monotonic() - t0
    assert status == 0, f"QEMU exit status {status}, want 0 from an ACPI power-off"
    assert len(re.findall(BANNER, q.output)) == 2, "not exactly two boots"
    assert "power-off failed" not in q.output
    print(f"poweroff to QEMU exit: {elapsed:.2f} s")
    fsck_clean(img, tmp_path)
    for name, want in (("boot1", "one"), ("boot2", "two")):
        r = subprocess.run(["debugfs", "-R", f"cat /root/{name}", str(tmp_path / "part.img")],
                           capture_output=True, text=True, timeout=60)
        assert r.stdout == want + "\n", r.stdout + r.stderr


def test_reboot_syscall_checks(kernel, qemu, tmp_path):
    """/bin/reboot as an ordinary user fails with EPERM from reboot(2) and
    the machine stays up."""
    q = boot(qemu, kernel, private_image(tmp_path))
    out = run(q, "su -s /bin/sh user -c /bin/reboot; echo status=$?")
    assert "status=1" in out and re.search(r"(?i)operation not permitted", out), out
    out = run(q, "echo still-up")
    assert "still-up" in out
    q.kill()
