"""The console shell: with no init= the kernel runs /sbin/init, which keeps
/bin/sh (Debian's busybox-static until our own shell lands, issue 6) on the
serial console from /etc/inittab. Commands run, pipes work, files persist
in the root."""

import shutil
from pathlib import Path

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PROMPT = r"/ # "


def test_busybox_shell_on_the_serial_console(kernel, qemu, tmp_path):
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.login()

    def run(cmd, want, timeout=30):
        q.child.send(cmd + "\r")
        q.expect(want, timeout=timeout)
        q.expect(PROMPT, timeout=timeout)

    # First, while the cache is cold: the reader waits on a buffer another
    # process is still reading (this once deadlocked).
    run("ls /bin | wc -l", r"\n\s*\d{2,3}\s")
    run("echo $((6*7))", r"\n42\s")
    run("cat /etc/passwd", r"user:x:1000:1000")
    run("ls /etc | cat", r"hostname\s+hosts\s")
    run("echo persisted > /root/note; cat /root/note", r"\npersisted\s")
    run("uname -sm", r"Linux x86_64")
    run("/bin/hello one two", r"argv\[2\] = two")
    run("/bin/fault null; echo status $?", r"status 139")
    q.kill()
