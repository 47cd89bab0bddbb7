"""Credentials, the simple system calls and our own init (issue 4).

/bin/credtest runs as init and checks the credential rules and the clock,
sleep, timer, sysinfo and reboot calls from user space. The default boot
runs /sbin/init, which runs /etc/rc and keeps a shell on the console from
/etc/inittab; a private image with its own inittab checks the action
order and the respawn back-off. `busybox poweroff -f` calls reboot(2)
directly: QEMU must power off and e2fsck -fn must find the disk clean.
Plain `poweroff` asks init with SIGUSR2, which needs signal delivery."""

import re
import shutil
import subprocess
from pathlib import Path


from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
ROOTFS = ROOT / "build" / "rootfs"
OWNERS = ROOT / "image" / "owners"
PART_START = 2048 * 512
PROMPT = r"/ # "


def private_image(tmp_path):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    return img


def fsck_clean(disk, tmp_path):
    part = tmp_path / "part.img"
    with open(disk, "rb") as src, open(part, "wb") as dst:
        src.seek(PART_START)
        shutil.copyfileobj(src, dst, 1 << 20)
    r = subprocess.run(["e2fsck", "-fn", str(part)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, f"e2fsck -fn exit {r.returncode}:\n{r.stdout}{r.stderr}"
    return part


def boot(qemu, kernel, img, extra=""):
    return qemu(["-kernel", kernel, "-append", f"root=virtio console=ttyS0 {extra}".strip(),
                 "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])


def test_credtest(kernel, qemu, tmp_path):
    q = boot(qemu, kernel, private_image(tmp_path), "init=/bin/credtest")
    m = q.expect(r"init: /bin/credtest exited with status (\d+)", timeout=180)
    out = q.output
    q.kill()
    fails = [line for line in out.splitlines() if "credtest: FAIL" in line]
    assert not fails, "\n".join(fails)
    assert "credtest: running the root checks" in out
    assert "credtest: set-user-ID copy runs with 1000/0/0, AT_SECURE 1" in out
    assert "credtest: all ok" in out
    assert m.group(1) == "0"
    assert len(re.findall(r"credtest: ok ", out)) >= 70


def test_init_rc_shell_and_respawn(kernel, qemu, tmp_path):
    q = boot(qemu, kernel, private_image(tmp_path))
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.expect(r"rc: appliance is up", timeout=60)  # /etc/rc ran, hostname set
    q.login()  # getty and login on the console; the shell is a login shell

    def run(cmd, want, timeout=30):
        q.child.send(cmd + "\r")
        q.expect(want, timeout=timeout)
        m = q.child.match
        q.expect(PROMPT, timeout=timeout)
        return m

    first = run("echo $$ $PPID $0", r"\n(\d+) 1 -sh\s").group(1)  # init's child, login shell
    run("uname -n", r"\nappliance\s")
    # An orphan: its parent exits first, init reaps it; the system goes on.
    run("sh -c '/bin/sleep 1 &'; sleep 2; echo orphan-done", r"\norphan-done\s")
    q.child.send("exit\r")
    q.login()  # getty respawned at once: the first quick exit
    again = run("echo again $$ $PPID", r"\nagain (\d+) 1\s").group(1)
    assert again != first, "the shell was not respawned"
    out = q.output
    q.kill()
    assert "keeps exiting" not in out


def custom_image(disk_image, tmp_path, inittab):
    assert ROOTFS.is_dir(), "build/rootfs is missing: run `make image`"
    rootfs = tmp_path / "rootfs"
    shutil.copytree(ROOTFS, rootfs, symlinks=True)
    (rootfs / "etc" / "inittab").write_text(inittab)
    (rootfs / "etc" / "rc").write_text("#!/bin/sh\necho rc-ran\n")
    return disk_image("root=virtio console=ttyS0", size_mib=32,
                      extra=["--rootfs", str(rootfs), "--owners", str(OWNERS)])


def test_inittab_actions_and_backoff(kernel, qemu, disk_image, tmp_path):
    img = custom_image(disk_image, tmp_path, "\n".join([
        "# comment and an invalid line",
        "bogus line",
        "::once:/bin/echo once-ran",
        "::wait:/bin/echo wait-ran",
        "::sysinit:/bin/echo sysinit-ran",
        "::frobnicate:/bin/true",
        "::respawn:/bin/false",
        "",
    ]))
    q = boot(qemu, kernel, img)
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.expect(r"restarting in 1 s", timeout=60)
    q.expect(r"restarting in 2 s", timeout=30)
    out = q.output
    q.kill()
    order = [out.index(w) for w in ("rc-ran", "sysinit-ran", "wait-ran", "once-ran")]
    assert order == sorted(order), out
    assert "/etc/inittab:2: not id:runlevels:action:process" in out
    assert "unknown action 'frobnicate'" in out


def test_poweroff_leaves_a_clean_disk(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = boot(qemu, kernel, img)
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.login()
    q.child.send("echo kept > /root/poweroff-note; busybox poweroff -f\r")
    q.expect(r"reboot: Power down", timeout=60)
    status = q.wait_exit(timeout=30)
    assert status == 0, status
    part = fsck_clean(img, tmp_path)
    r = subprocess.run(["debugfs", "-R", "cat /root/poweroff-note", str(part)],
                       capture_output=True, text=True, timeout=60)
    assert r.stdout == "kept\n", r.stdout + r.stderr


def test_poweroff_through_init(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = boot(qemu, kernel, img)
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.login()
    q.child.send("poweroff\r")  # busybox: kill(1, SIGUSR2)
    q.expect(r"init: the system is going down for power-off", timeout=20)
    q.expect(r"init: sending SIGKILL to all processes", timeout=30)
    q.expect(r"reboot: Power down", timeout=30)
    assert q.wait_exit(timeout=30) == 0
    fsck_clean(img, tmp_path)
