"""Our tools (user/tools/, docs/tools.md) on our kernel: the image's
/usr/local/bin/tools and its symlinks, run from busybox sh as pid 1
(init=/bin/sh, snapshot=on so the image is never written). A handful of
commands cover the file tools, a pipe through sort and uniq, a recursive
grep, find, df over statfs and /proc/mounts, ps over /proc/<pid>,
mount and umount of a tmpfs, top (batch and on the console), and
poweroff.
The tools' options are tested thoroughly on the host
(test_tools_host.py); this checks that they work here too."""

import re
from pathlib import Path

from conform import PROMPT
from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"


def test_tools_on_our_kernel(kernel, qemu):
    assert IMAGE.exists(), "build/disk.img is missing: run `make image` (make test does)"
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/sh",
              "-drive", f"file={qemu_opt(str(IMAGE))},format=raw,if=virtio,snapshot=on"],
             hard_timeout=240)
    q.expect(PROMPT, timeout=60)

    def run(cmd, status=0, timeout=30):
        """Run cmd in the shell; return its output lines (stderr included)."""
        # The echoed line must not wrap on the 80-column console ("/tmp # " prompt).
        assert len(cmd) + len(";echo @@$?@@") + 7 < 80, cmd
        start = len(q.output)
        q.child.send(cmd + ";echo @@$?@@\r")
        m = q.expect(r"@@(\d+)@@", timeout=timeout)
        text = q.output[start:].replace("\r", "")
        echo = text.index(";echo @@$?@@")  # the terminal's echo of the command line
        text = text[text.index("\n", echo) + 1:text.rindex(m.group(0))]
        assert int(m.group(1)) == status, (cmd, text)
        return re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()

    # Debian's busybox sh runs its own applets before searching PATH, so
    # every tool is named by its full path: $T/ls.
    run("T=/usr/local/bin; exec 2>&1")
    assert run("$T/ls -l $T/ls")[0].endswith("/usr/local/bin/ls -> /bin/tools")
    run("cd /tmp && $T/mkdir -p t/a/b")
    run("echo hi > t/a/b/f && echo apple pie > t/a/g")
    raw_start = len(q.output)
    lines = run("$T/ls -l t/a")
    # On the console (a tty) names are coloured: directories bold blue.
    assert "\x1b[01;34mb\x1b[0m" in q.output[raw_start:]
    assert lines[0].startswith("total ")
    assert re.fullmatch(r"drwxr-xr-x +\d+ root +root +\d+ \w{3} [ \d]\d \d\d:\d\d b", lines[1]), lines
    assert re.fullmatch(r"-rw-r--r-- +1 root +root +10 \w{3} [ \d]\d \d\d:\d\d g", lines[2]), lines
    run("$T/cp -r t t2")
    assert run("$T/ls -R t2 | $T/cat") == ["t2:", "a", "", "t2/a:", "b", "g", "", "t2/a/b:", "f"]
    assert run("$T/cat t2/a/b/f t2/a/g") == ["hi", "apple pie"]
    assert run("$T/grep -rn apple t") == ["t/a/g:1:apple pie"]
    run("$T/grep -r nothing-here t", status=1)
    assert run("printf 'b\\na\\nb\\nc\\nb\\n' | $T/sort | $T/uniq -c") == [
        "      1 a", "      3 b", "      1 c"]
    assert run("$T/find t -type f -name f") == ["t/a/b/f"]
    assert sorted(run("$T/find t2 -type d")) == ["t2", "t2/a", "t2/a/b"]
    lines = run("$T/df")
    assert lines[0].split() == ["Filesystem", "1K-blocks", "Used", "Available", "Use%",
                                "Mounted", "on"]
    assert any(re.fullmatch(r"\S+ +\d+ +\d+ +\d+ +\d+% /", line) for line in lines[1:]), lines
    lines = run("$T/ps")
    assert lines[0].split() == ["PID", "PPID", "USER", "S", "TIME", "CMD"]
    assert re.fullmatch(r" +1 +0 root +\w \d\d:\d\d:\d\d .*sh.*", lines[1]), lines
    assert any(line.split()[5:] == ["/usr/local/bin/ps"] for line in lines[1:]), lines
    assert run("echo one two three | $T/wc -w") == ["3"]
    run("$T/cat /nonexistent", status=1)
    assert run("$T/mv t2 t3 && $T/ls -1") == ["t", "t3"]
    run("$T/rm -r t t3 && $T/ls -1")
    assert run("$T/stat -c '%A %U' /tmp") == ["drwxrwxrwt root"]
    assert "proc on /proc type proc (rw)" in run("$T/mount")
    run("$T/mount -t tmpfs -o mode=700 none /mnt && $T/touch /mnt/x")
    # (our /proc/mounts names a tmpfs "tmpfs", whatever the source given)
    assert any(line.endswith(" on /mnt type tmpfs (rw)") for line in run("$T/mount -t tmpfs"))
    assert run("$T/stat -c %a /mnt") == ["700"]
    run("$T/umount /mnt")
    assert run("$T/ls -a1 /mnt") == [".", ".."]
    run("$T/umount /mnt", status=1)
    lines = run("$T/top -b -n 1")
    assert lines[1].startswith("Tasks: ") and "top" in lines[5:][0] + "".join(lines[5:]), lines
    # On the console top redraws until 'q'; the terminal is given back.
    q.child.send("$T/top -d 1\r")
    q.expect(r"Tasks: \d+ total", timeout=30)
    q.child.send("q")
    q.expect(PROMPT.replace("/ ", "/tmp "), timeout=30)
    assert run("echo back") == ["back"]
    # Last: poweroff syncs and calls reboot(2), and QEMU exits.
    q.child.send("$T/poweroff\r")
    q.expect(r"reboot: Power down", timeout=30)
    q.wait_exit(timeout=30)
