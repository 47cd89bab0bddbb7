"""/proc for user tools: /proc/<pid> and /proc/self, the system files, and
the busybox applets that read them (ps, top, free, uptime, pidof, kill),
from the console shell of a private copy of the disk image. user/proctest
checks the per-process files from C (it passes on Linux too); the shell
checks compare with what this Linux host prints for the same commands."""

import re
import shutil
from pathlib import Path

from qemu import qemu_opt

ROOT = Path(__file__).resolve().parents[2]
IMAGE = ROOT / "build" / "disk.img"
PROMPT = r"/ # "


def test_procfs_with_busybox(kernel, qemu, tmp_path):
    img = tmp_path / "disk.img"
    shutil.copyfile(IMAGE, img)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/ash",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"],
             hard_timeout=300)
    q.expect(r"init: /bin/ash started as pid (\d+)", timeout=120)
    shell_pid = int(re.search(r"init: /bin/ash started as pid (\d+)", q.output).group(1))
    q.expect(PROMPT, timeout=60)

    def run(cmd, want=None, timeout=30):
        """Run cmd; return its output (the lines after the echoed command)."""
        start = len(q.output)
        q.child.send(cmd + "\r")
        if want:
            q.expect(want, timeout=timeout)
        q.expect(PROMPT, timeout=timeout)
        out = q.output[start:].replace("\r", "")
        lines = [ln for ln in out.split("\n")[1:-1] if "not implemented" not in ln]
        return "\n".join(lines)

    out = run("/bin/proctest", r"proctest: (all ok|\d+ failures)", timeout=60)
    assert "proctest: all ok" in out, out

    # /proc lists the static files, self, and a directory per process.
    out = run("ls /proc")
    for name in ("self", "thread-self", "stat", "loadavg", "cpuinfo", "version",
                 "mounts", "meminfo", "uptime", str(shell_pid)):
        assert re.search(rf"(^|\s){name}(\s|$)", out), (name, out)

    out = run("cat /proc/self/status")
    assert re.search(r"^Name:\t\S+$", out, re.M), out
    assert re.search(r"^State:\tR \(running\)$", out, re.M), out
    assert re.search(rf"^PPid:\t{shell_pid}$", out, re.M), out
    assert re.search(r"^Uid:\t0\t0\t0\t0$", out, re.M), out
    assert re.search(r"^VmRSS:\s+\d+ kB$", out, re.M), out

    assert run("readlink /proc/self/exe").strip() == "/bin/busybox"
    assert run("cd /tmp && readlink /proc/self/cwd; cd /").strip() == "/tmp"
    out = run("ls -l /proc/self/fd | cat")
    assert re.search(r" 0 -> /dev/(console|ttyS0)$", out, re.M), out
    assert re.search(r" 1 -> pipe:\[\d+\]$", out, re.M), out
    assert run("cat /proc/self/cmdline | tr '\\0' ' '; echo").strip() == "cat /proc/self/cmdline"
    out = run(f"tr '\\0' '\\n' < /proc/{shell_pid}/environ")
    assert "PATH=" in out, out

    # ps: init (the shell) and ps itself, with the right commands.
    out = run("ps")
    assert re.search(r"^\s*PID\s+USER\s+COMMAND", out, re.M), out
    assert re.search(rf"^\s*{shell_pid}\s+root\s+/bin/ash$", out, re.M), out
    out = run("ps -o pid,ppid,stat,comm")
    assert re.search(rf"^\s*{shell_pid}\s+0\s+S\s+ash$", out, re.M), out
    assert re.search(rf"^\s*\d+\s+{shell_pid}\s+R\s+\S+$", out, re.M), out

    # top's header and its own line.
    out = run("top -b -n 1")
    assert re.search(r"^Mem: \d+K used, \d+K free", out, re.M), out
    assert re.search(r"^CPU:\s+\d+% usr", out, re.M), out
    assert re.search(r"^Load average: \d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+$", out, re.M), out
    assert re.search(r"top -b -n 1$", out, re.M), out

    # sysinfo(2) users.
    out = run("uptime")
    assert re.search(r"up\s+\d+ min,.*load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d", out), out
    out = run("free")
    m = re.search(r"^Mem:\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    assert m and int(m.group(1)) > 100000 and int(m.group(3)) > 0, out

    out = run("cat /proc/loadavg")
    assert re.fullmatch(r"\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+", out.strip()), out
    out = run("cat /proc/stat")
    assert re.search(r"^cpu  \d+ \d+ \d+ \d+ 0 0 0 0 0 0$", out, re.M), out
    for key in ("ctxt", "btime", "processes", "procs_running", "procs_blocked"):
        assert re.search(rf"^{key} \d+$", out, re.M), (key, out)

    assert run("pidof ash").split() == [str(shell_pid)]
    assert run(f"kill -0 {shell_pid}; echo status $?").strip() == "status 0"
    assert run("kill -0 99999; echo status $?").strip().endswith("status 1")

    out = run("cat /proc/version; uname -r")
    lines = out.split("\n")
    assert lines[0].startswith(f"Linux version {lines[1]} "), out
    out = run("cat /proc/cpuinfo")
    assert re.search(r"^processor\t: 0$", out, re.M), out
    assert re.search(r"^cpu MHz\t\t: \d+\.\d{3}$", out, re.M), out
    assert re.search(r"^flags\t\t: .*\bfpu\b.*\blm\b", out, re.M), out
    out = run("cat /proc/filesystems")
    assert re.search(r"^nodev\tproc$", out, re.M) and re.search(r"^\text2$", out, re.M), out
    assert "console=ttyS0" in run("cat /proc/cmdline")
    assert run("cat /proc/sys/kernel/ostype").strip() == "Linux"
    q.kill()
