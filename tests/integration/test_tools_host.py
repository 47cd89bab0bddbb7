"""The multi-call tools (user/tools/, docs/tools.md) run natively on this
Linux host: no QEMU. Each case runs our tool and the GNU/Debian one in two
identical scratch trees and compares standard output and the exit status
(or checks fixed expected output where the formats differ by design). The
error cases cover a missing file, bad options (a usage message) and
permission denied, the last run as nobody through
`setpriv --reuid=65534 --regid=65534 --clear-groups` since the tests run
as root. The binary is build/user/tools (`make build/user/tools`).
"""

import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "build" / "user" / "tools"
TOOL_LIST = ROOT / "user" / "tools" / "tool_list.h"
NAMES = [line[5:-1] for line in TOOL_LIST.read_text().split("\n") if line.startswith("TOOL(")]
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
# Tools whose usage errors exit 2 (as GNU's do); the rest exit 1.
USAGE_TWO = {"ls", "grep", "sort"}
# env: 125 (POSIX: an error in env itself).
USAGE_OTHER = {"env": 125}

pytestmark = pytest.mark.skipif(not TOOLS.exists(), reason="build/user/tools not built")


@pytest.fixture(scope="module")
def bindir():
    """A world-readable folder with the binary and one symlink per tool."""
    d = Path(tempfile.mkdtemp(prefix="tools-bin-"))
    os.chmod(d, 0o755)
    shutil.copy(TOOLS, d / "tools")
    for n in NAMES:
        os.symlink("tools", d / n)
    yield d
    shutil.rmtree(d)


def populate(d):
    """The scratch tree every comparison starts from."""
    (d / "a.txt").write_text("banana 3\napple 10\ncherry 2\napple 10\nDate 7\n")
    (d / "b.txt").write_text("one\ntwo\nthree\n\nfour five  six\n")
    (d / "nonl.txt").write_text("no newline at end")
    (d / "empty").write_text("")
    (d / "dir" / "sub").mkdir(parents=True)
    (d / "dir" / "x.c").write_text("int main(void) { return 0; }\n")
    (d / "dir" / "sub" / "y.txt").write_text("apple pie\nplum\n")
    (d / "big").write_bytes(bytes(range(256)) * 40)
    os.symlink("a.txt", d / "link")
    for p in [d / "a.txt", d / "b.txt", d / "dir" / "x.c"]:
        os.utime(p, (1700000000, 1700000000))


@pytest.fixture
def scratch():
    d = Path(tempfile.mkdtemp(prefix="tools-run-"))
    os.chmod(d, 0o755)
    ours, gnu = d / "ours", d / "gnu"
    for x in (ours, gnu):
        x.mkdir()
        os.chmod(x, 0o777)
        populate(x)
    yield ours, gnu
    shutil.rmtree(d, ignore_errors=True)


def run(argv, cwd, stdin=b"", user=False, env=None):
    e = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC", "COLUMNS": "80"}
    e.update(env or {})
    cmd = (NOBODY if user else []) + list(argv)
    return subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, env=e, timeout=20)


def ours(bindir, tool, *args, **kw):
    return run([str(bindir / tool), *args], **kw)


def tree(d):
    """Names, types, modes and contents under d, for comparing side effects."""
    out = []
    for p in sorted(d.rglob("*")):
        st = p.lstat()
        body = ""
        if stat.S_ISREG(st.st_mode):
            body = p.read_bytes()
        elif stat.S_ISLNK(st.st_mode):
            body = os.readlink(p)
        out.append((str(p.relative_to(d)), oct(st.st_mode), body))
    return out


def _id(case):
    return f"{case[0]} {' '.join(case[1])}"


# (tool, args, stdin): our output, status and side effects must equal GNU's.
SAME = [
    ("cat", ["a.txt", "b.txt"], b""),
    ("cat", ["-"], b"from stdin\n"),
    ("cat", ["a.txt", "-", "nonl.txt"], b"middle\n"),
    ("head", ["a.txt"], b""),
    ("head", ["-n", "2", "a.txt"], b""),
    ("head", ["-n2", "a.txt", "b.txt"], b""),
    ("head", ["-c", "7", "a.txt"], b""),
    ("head", ["-3"], b"1\n2\n3\n4\n"),
    ("head", ["-n", "0", "a.txt"], b""),
    ("tail", ["a.txt"], b""),
    ("tail", ["-n", "2", "a.txt"], b""),
    ("tail", ["-n", "+3", "a.txt"], b""),
    ("tail", ["-c", "5", "a.txt"], b""),
    ("tail", ["-c", "+5", "a.txt"], b""),
    ("tail", ["-n", "1", "nonl.txt"], b""),
    ("tail", ["-n", "0", "a.txt"], b""),
    ("tail", ["-2"], b"1\n2\n3\n4\n"),
    ("tail", ["-n", "1", "a.txt", "b.txt"], b""),
    ("wc", ["-l", "a.txt"], b""),
    ("wc", ["-w"], b"a b  c\n d\n"),
    ("wc", ["-c", "big"], b""),
    ("wc", ["a.txt", "big", "-"], b"x\n"),
    ("wc", ["-lw", "a.txt"], b""),
    ("wc", [], b"a b\n"),
    ("tee", ["t1", "t2"], b"tee me\n"),
    ("cut", ["-d", " ", "-f", "2", "a.txt"], b""),
    ("cut", ["-d", " ", "-f", "1,3-"], b"a b c d\nnodelim\n"),
    ("cut", ["-s", "-d", " ", "-f", "2"], b"a b c d\nnodelim\n"),
    ("cut", ["-c", "1-3,5"], b"abcdefg\nxy\n"),
    ("cut", ["-c", "-2"], b"abcdefg\n"),
    ("cut", ["-f", "2"], b"a\tb\tc\n"),
    ("tr", ["a-z", "A-Z"], b"Hello World\n"),
    ("tr", ["-d", "lo"], b"hello world\n"),
    ("tr", ["-s", " "], b"a   b    c\n"),
    ("tr", ["-cd", "a-z\\n"], b"a1b2 C3c\n"),
    ("tr", ["-s", "a-z", "A-Z"], b"aabbcc dd\n"),
    ("tr", ["[:lower:]", "[:upper:]"], b"abc xyz\n"),
    ("tr", ["abc", "x"], b"aabbcc\n"),
    ("sort", ["a.txt"], b""),
    ("sort", ["-r", "a.txt"], b""),
    ("sort", ["-u", "a.txt"], b""),
    ("sort", ["-n", "-k", "2", "a.txt"], b""),
    ("sort", ["-t", " ", "-k", "2,2n", "a.txt"], b""),
    ("sort", ["-k2nr", "a.txt"], b""),
    ("sort", ["-f", "a.txt"], b""),
    ("sort", ["-n"], b"10\n9\n-1\n2.5\nx\n"),
    ("sort", ["a.txt", "b.txt"], b""),
    ("uniq", [], b"a\na\nb\na\nc\nc\n"),
    ("uniq", ["-c"], b"a\na\nb\na\nc\nc\n"),
    ("uniq", ["-d"], b"a\na\nb\na\nc\nc\n"),
    ("uniq", ["-u"], b"a\na\nb\na\nc\nc\n"),
    ("uniq", ["-i"], b"A\na\nb\n"),
    ("grep", ["apple", "a.txt"], b""),
    ("grep", ["-n", "an", "a.txt"], b""),
    ("grep", ["-v", "apple", "a.txt"], b""),
    ("grep", ["-i", "date", "a.txt"], b""),
    ("grep", ["-c", "a", "a.txt", "b.txt"], b""),
    ("grep", ["-l", "apple", "a.txt", "b.txt", "dir/sub/y.txt"], b""),
    ("grep", ["^[a-c].*[0-9]$", "a.txt"], b""),
    ("grep", ["\\(an\\)\\1", "a.txt"], b""),
    ("grep", ["p\\{2\\}", "a.txt"], b""),
    ("grep", ["-E", "ch|Da", "a.txt"], b""),
    ("grep", ["-E", "(an){2}", "a.txt"], b""),
    ("grep", ["-e", "plum", "-e", "cherry", "a.txt", "dir/sub/y.txt"], b""),
    ("grep", ["-x", "plum", "dir/sub/y.txt"], b""),
    ("grep", ["-F", "a.t", "-"], b"a.t\naxt\n"),
    ("grep", ["-q", "apple", "a.txt"], b""),
    ("grep", ["zzz", "a.txt"], b""),
    ("grep", ["-h", "p", "a.txt", "dir/sub/y.txt"], b""),
    ("grep", ["-w", "apple", "a.txt", "dir/sub/y.txt"], b""),
    ("grep", ["-w", "app"], b"app le\napple\nx_app\n"),
    ("grep", ["-o", "[a-z]*an[a-z]*", "a.txt"], b""),
    ("grep", ["-on", "-e", "p", "-e", "an"], b"apple\nbanana\n"),
    ("grep", ["-c", "-w", "-i", "DATE", "a.txt"], b""),
    ("ls", [], b""),
    ("ls", ["-a"], b""),
    ("ls", ["-A", "dir"], b""),
    ("ls", ["-1", "dir", "a.txt"], b""),
    ("ls", ["-d", "dir"], b""),
    ("ls", ["-R", "dir"], b""),
    ("ls", ["-r"], b""),
    ("ls", ["-S"], b""),
    ("ls", ["-C"], b""),
    ("ls", ["-l", "a.txt", "b.txt"], b""),
    ("ls", ["-l", "link"], b""),
    ("ls", ["-lh", "big", "a.txt"], b""),
    ("mkdir", ["-p", "n/e/s/t"], b""),
    ("mkdir", ["-m", "700", "m"], b""),
    ("mkdir", ["-m", "u=rwx,g=rx", "m"], b""),
    ("mkdir", ["dir"], b""),
    ("rmdir", ["dir/sub"], b""),
    ("rmdir", ["dir"], b""),
    ("rm", ["a.txt", "b.txt"], b""),
    ("rm", ["-r", "dir"], b""),
    ("rm", ["dir"], b""),
    ("rm", ["-f", "nothere"], b""),
    ("rm", ["-i", "a.txt", "b.txt"], b"y\nn\n"),
    ("ln", ["-s", "a.txt", "s1"], b""),
    ("ln", ["a.txt", "h1"], b""),
    ("ln", ["-s", "a.txt", "link"], b""),
    ("ln", ["-sf", "b.txt", "link"], b""),
    ("ln", ["-s", "a.txt", "b.txt", "dir"], b""),
    ("chmod", ["755", "a.txt"], b""),
    ("chmod", ["u+x,go-w", "a.txt"], b""),
    ("chmod", ["a=r", "a.txt"], b""),
    ("chmod", ["-R", "go-rx", "dir"], b""),
    ("chmod", ["+x", "b.txt"], b""),
    ("chmod", ["-w", "b.txt"], b""),
    ("chmod", ["x+y", "b.txt"], b""),
    ("cp", ["a.txt", "c.txt"], b""),
    ("cp", ["a.txt", "b.txt", "dir"], b""),
    ("cp", ["-r", "dir", "dir2"], b""),
    ("cp", ["dir", "dir3"], b""),
    ("cp", ["a.txt", "a.txt"], b""),
    ("cp", ["a.txt", "b.txt", "nodir"], b""),
    ("mv", ["a.txt", "c.txt"], b""),
    ("mv", ["a.txt", "b.txt", "dir"], b""),
    ("mv", ["dir", "d2"], b""),
    ("touch", ["new", "a.txt"], b""),
    ("touch", ["-c", "nothere"], b""),
    ("touch", ["-t", "202001021530.45", "a.txt"], b""),
    ("touch", ["-d", "@1600000000", "a.txt"], b""),
    ("seq", ["5"], b""),
    ("seq", ["2", "4"], b""),
    ("seq", ["10", "-3", "1"], b""),
    ("seq", ["-s", ",", "3"], b""),
    ("seq", ["5", "1"], b""),
    ("seq", ["-2", "1"], b""),
    ("basename", ["/usr/lib/x.so", ".so"], b""),
    ("basename", ["//"], b""),
    ("basename", ["a/b/"], b""),
    ("dirname", ["/usr/lib/"], b""),
    ("dirname", ["file"], b""),
    ("dirname", ["/"], b""),
    ("dirname", ["a//b//"], b""),
    ("true", [], b""),
    ("false", [], b""),
    ("sleep", ["0.1"], b""),
    ("stat", ["-c", "%n %s %a %A %F %h %u %g %U %G %Y", "a.txt", "dir", "link", "empty"], b""),
    ("stat", ["-L", "-c", "%n %F %s", "link"], b""),
    ("hexdump", ["-C", "a.txt"], b""),
    ("hexdump", ["-C", "big"], b""),
    ("hexdump", ["-C", "a.txt", "nonl.txt"], b""),
    ("hexdump", ["-C"], b""),
    ("hexdump", ["a.txt"], b""),
    ("hexdump", ["nonl.txt"], b""),
    ("xargs", [], b"a b\n c\n"),
    ("xargs", ["-n", "2", "echo", "x"], b"1 2 3 4 5\n"),
    ("xargs", ["-0", "echo"], b"a b\0c\0"),
    ("xargs", ["-I", "{}", "echo", "<{}>"], b"one\n  two three\n"),
    ("xargs", ["echo"], b"'quoted arg' \"x y\" back\\ slash\n"),
    ("xargs", ["false"], b"a\n"),
    ("xargs", ["sh", "-c", "exit 255"], b"a\n"),
    ("xargs", ["no-such-command"], b"a\n"),
    ("xargs", ["cat"], b"a.txt b.txt\n"),
    ("env", ["-i", "A=1", "B=2"], b""),
    ("env", ["-i", "A=1", "sh", "-c", "echo $A"], b""),
    ("env", ["-u", "PATH", "-i"], b""),
    ("env", ["-i", "no-such-command"], b""),
    ("id", [], b""),
    ("id", ["-u"], b""),
    ("id", ["-un"], b""),
    ("id", ["-G"], b""),
    ("id", ["-gn"], b""),
    ("id", ["nobody"], b""),
    ("id", ["no-such-user"], b""),
    ("whoami", [], b""),
    ("uname", [], b""),
    ("uname", ["-s", "-r", "-m"], b""),
    ("uname", ["-n"], b""),
    ("date", ["-u", "-d", "@0"], b""),
    ("date", ["-d", "@1700000000", "+%Y-%m-%d %H:%M:%S %j %a %%"], b""),
    ("kill", ["-l", "9"], b""),
    ("kill", ["-0", "1"], b""),
    ("chown", ["0:0", "a.txt"], b""),
    ("chown", ["nobody", "a.txt"], b""),
    ("chown", ["-R", "nobody:nogroup", "dir"], b""),
    ("chown", [":nogroup", "a.txt"], b""),
    ("chown", ["no-such-user", "a.txt"], b""),
    ("du", ["-s", "dir"], b""),
    ("du", ["-s", "big", "dir"], b""),
    ("du", ["-sh", "big"], b""),
    ("true", ["--ignored"], b""),
]

# (tool, args): the same lines as GNU in any order (readdir order is the filesystem's).
SAME_SORTED = [
    ("find", []),
    ("find", ["."]),
    ("find", ["dir", "-name", "*.txt"]),
    ("find", [".", "-type", "d"]),
    ("find", [".", "-type", "l"]),
    ("find", [".", "-maxdepth", "1", "-type", "f"]),
    ("find", [".", "-mindepth", "2"]),
    ("find", [".", "!", "-name", "*.txt", "-type", "f"]),
    ("find", [".", "-name", "*.c", "-o", "-name", "y*"]),
    ("find", [".", "(", "-name", "a*", "-o", "-name", "b*", ")", "-print"]),
    ("find", [".", "-iname", "DATE*", "-o", "-iname", "A.TXT"]),
    ("find", ["dir", "-type", "f", "-exec", "wc", "-c", "{}", ";"]),
    ("find", ["dir", "-exec", "echo", "<{}>", ";", "-name", "x*"]),
    ("find", ["a.txt", "dir/x.c"]),
    ("find", [".", "-type", "q"]),
    ("find", [".", "-bogus"]),
    ("du", ["dir"]),
    ("du", ["-a", "dir"]),
    ("du", []),
    ("grep", ["-r", "apple", "."]),
    ("grep", ["-rc", "p", "dir"]),
]


@pytest.mark.parametrize("case", SAME_SORTED, ids=[_id(c) for c in SAME_SORTED])
def test_same_as_gnu_sorted(bindir, scratch, case):
    tool, args = case
    mine_dir, gnu_dir = scratch
    mine = ours(bindir, tool, *args, cwd=mine_dir)
    gnu = run([tool, *args], cwd=gnu_dir)
    assert mine.returncode == gnu.returncode, mine.stderr
    assert sorted(mine.stdout.decode().splitlines()) == sorted(gnu.stdout.decode().splitlines())
    assert bool(mine.stderr) == bool(gnu.stderr), (mine.stderr, gnu.stderr)


def test_df(bindir, scratch):
    d = scratch[0]
    for flags in ([], ["-h"]):
        mine = ours(bindir, "df", *flags, ".", cwd=d)
        gnu = run(["df", *flags, "."], cwd=d)
        assert mine.returncode == gnu.returncode == 0
        m, g = mine.stdout.decode().split("\n")[1].split(), gnu.stdout.decode().split("\n")[1].split()
        # Filesystem, size, use% and mount point as GNU; used/avail may move between the calls.
        assert (m[0], m[1], m[5]) == (g[0], g[1], g[5])
    r = ours(bindir, "df", cwd=d)
    assert r.returncode == 0 and "\n/" not in r.stdout.decode().split("\n", 1)[0]
    assert any(line.endswith(" /") for line in r.stdout.decode().splitlines())


def test_stat_default(bindir, scratch):
    d = scratch[0]
    mine = ours(bindir, "stat", "a.txt", "dir", cwd=d).stdout.decode().splitlines()
    gnu = run(["stat", "a.txt", "dir"], cwd=d).stdout.decode().splitlines()
    assert mine == [line for line in gnu if not line.startswith(" Birth:")]


def test_ps_and_kill(bindir, scratch):
    d = scratch[0]
    p = subprocess.Popen(["sleep", "30"])
    try:
        # Until sleep is asleep, the host may show it running or in D
        # (exec, page-in): a CI run under load saw D. Wait for S first.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(f"/proc/{p.pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "S":
                    break
            time.sleep(0.05)
        r = ours(bindir, "ps", cwd=d)
        rows = [line.split(None, 5) for line in r.stdout.decode().splitlines()]
        assert rows[0] == ["PID", "PPID", "USER", "S", "TIME", "CMD"]
        # One line per process, whatever its command line holds.
        assert all(len(row) == 6 and row[0].isdigit() for row in rows[1:]), r.stdout
        mine = [row for row in rows[1:] if row[0] == str(p.pid)]
        assert mine == [[str(p.pid), str(os.getpid()), "root", "S", "00:00:00", "sleep 30"]]
        r = ours(bindir, "kill", "-USR1", str(p.pid), cwd=d)
        assert r.returncode == 0
        assert p.wait(timeout=5) == -10
    finally:
        p.kill()
        p.wait()
    r = ours(bindir, "kill", "-s", "BOGUS", "1", cwd=d)
    assert r.returncode == 2 and b"usage:" in r.stderr
    r = ours(bindir, "kill", "999999", cwd=d)
    assert r.returncode == 1 and b"No such process" in r.stderr
    r = ours(bindir, "kill", "-l", cwd=d)
    assert r.stdout.split()[:4] == [b"1)", b"SIGHUP", b"2)", b"SIGINT"]
    assert ours(bindir, "kill", "-l", "130", cwd=d).stdout == b"INT\n"


def test_top_batch(bindir, scratch):
    """A busy loop shows at the head of the second frame with most of a CPU."""
    busy = subprocess.Popen(["sh", "-c", "while :; do :; done"])
    try:
        r = ours(bindir, "top", "-b", "-n", "2", "-d", "0.5", cwd=scratch[0])
    finally:
        busy.kill()
        busy.wait()
    assert r.returncode == 0
    frames = r.stdout.decode().split("top - ")
    assert len(frames) == 3
    lines = frames[2].splitlines()
    assert lines[1].startswith("Tasks: ") and lines[2].startswith("KiB Mem: ")
    assert lines[4].split() == ["PID", "USER", "S", "%CPU", "RES", "TIME", "COMMAND"]
    rows = [line.split() for line in lines[5:]]
    mine = [row for row in rows if row[0] == str(busy.pid)]
    assert mine and float(mine[0][3]) > 30, rows[:5]
    r = ours(bindir, "top", "-n", "0", cwd=scratch[0])
    assert r.returncode == 1 and b"bad frame count" in r.stderr


def test_mount_list(bindir, scratch):
    d = scratch[0]
    for args in ([], ["-t", "proc"]):
        mine = ours(bindir, "mount", *args, cwd=d)
        gnu = run(["mount", *args], cwd=d)
        assert mine.returncode == gnu.returncode == 0
        assert mine.stdout.decode() == gnu.stdout.decode()


def test_mount_errors(bindir, scratch):
    d = scratch[0]
    lock_down(d)
    r = ours(bindir, "mount", "-t", "tmpfs", "none", "nothere", cwd=d)
    assert r.returncode == 1 and b"No such file or directory" in r.stderr
    r = ours(bindir, "umount", "nothere", cwd=d)
    assert r.returncode == 1 and b"mount: nothere: No such file" in r.stderr
    r = ours(bindir, "mount", "-t", "tmpfs", "none", "closed", cwd=d, user=True)
    assert r.returncode == 1 and b"Operation not permitted" in r.stderr
    r = ours(bindir, "umount", "/proc", cwd=d, user=True)
    assert r.returncode == 1 and b"Operation not permitted" in r.stderr
    r = ours(bindir, "mount", "nothere", cwd=d)
    assert r.returncode == 1 and b"not found in /etc/fstab" in r.stderr
    r = ours(bindir, "mount", "a", "b", "c", cwd=d)
    assert r.returncode == 1 and b"usage: mount" in r.stderr
    r = ours(bindir, "umount", cwd=d)
    assert r.returncode == 1 and b"usage: umount" in r.stderr


def test_free_uptime_yes_clear(bindir, scratch):
    d = scratch[0]
    mem = {line.split(":")[0]: int(line.split()[1]) for line in open("/proc/meminfo")}
    r = ours(bindir, "free", cwd=d).stdout.decode().splitlines()
    assert r[0].split() == ["total", "used", "free", "shared", "buff/cache", "available"]
    assert r[1].split()[0] == "Mem:" and int(r[1].split()[1]) == mem["MemTotal"]
    r = ours(bindir, "uptime", cwd=d).stdout.decode()
    assert " up " in r and "load average: " in r
    r = subprocess.run(f"{bindir}/yes x | head -n 3", shell=True, capture_output=True)
    assert r.stdout == b"x\nx\nx\n"
    assert ours(bindir, "clear", cwd=d).stdout == b"\033[H\033[2J\033[3J"
    r = ours(bindir, "sync", cwd=d)
    assert r.returncode == 0


def _times(d):
    return sorted((str(p.relative_to(d)), int(p.lstat().st_mtime)) for p in d.rglob("*")
                  if p.name in ("a.txt",))


@pytest.mark.parametrize("case", SAME, ids=[_id(c) for c in SAME])
def test_same_as_gnu(bindir, scratch, case):
    tool, args, stdin = case
    mine_dir, gnu_dir = scratch
    mine = ours(bindir, tool, *args, cwd=mine_dir, stdin=stdin)
    gnu = run([shutil.which(tool, path="/usr/bin:/bin"), *args], cwd=gnu_dir, stdin=stdin)
    assert mine.returncode == gnu.returncode, mine.stderr
    assert mine.stdout.decode() == gnu.stdout.decode()
    assert bool(mine.stderr) == bool(gnu.stderr), (mine.stderr, gnu.stderr)
    assert tree(mine_dir) == tree(gnu_dir)
    if tool == "touch" and args[0] in ("-t", "-d"):
        assert _times(mine_dir) == _times(gnu_dir)


def test_wc_counts(bindir, scratch):
    d = scratch[0]
    r = ours(bindir, "wc", "a.txt", "b.txt", cwd=d)
    assert r.stdout.decode() == (" 5 10 43 a.txt\n 5  6 30 b.txt\n10 16 73 total\n")
    assert ours(bindir, "wc", cwd=d, stdin=b"x y\n").stdout == b"      1       2       4\n"


def test_tee_append(bindir, scratch):
    d = scratch[0]
    ours(bindir, "tee", "-a", "a.txt", cwd=d, stdin=b"more\n")
    assert (d / "a.txt").read_text().endswith("Date 7\nmore\n")


def test_cp_into_itself(bindir, scratch):
    r = ours(bindir, "cp", "-r", "dir", "dir/sub", cwd=scratch[0])
    assert r.returncode == 1
    assert b"cannot copy a directory, 'dir', into itself" in r.stderr


def test_cp_preserve(bindir, scratch):
    d = scratch[0]
    os.chmod(d / "a.txt", 0o640)
    r = ours(bindir, "cp", "-p", "a.txt", "c.txt", cwd=d)
    assert r.returncode == 0
    st = (d / "c.txt").stat()
    assert int(st.st_mtime) == 1700000000 and stat.S_IMODE(st.st_mode) == 0o640


def test_cp_force(bindir, scratch):
    d = scratch[0]
    os.chmod(d / "b.txt", 0o444)
    r = ours(bindir, "cp", "-f", "a.txt", "b.txt", cwd=d, user=True)
    assert r.returncode == 0, r.stderr
    assert (d / "b.txt").read_text() == (d / "a.txt").read_text()


def test_mv_across_filesystems(bindir, scratch):
    """/dev/shm is a tmpfs: rename(2) fails with EXDEV and mv copies then removes."""
    d = scratch[0]
    if os.stat("/dev/shm").st_dev == os.stat(d).st_dev:
        pytest.skip("/dev/shm is on the same filesystem")
    dest = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        r = ours(bindir, "mv", "dir", "a.txt", str(dest), cwd=d)
        assert r.returncode == 0, r.stderr
        assert not (d / "dir").exists() and not (d / "a.txt").exists()
        assert (dest / "dir" / "sub" / "y.txt").read_text() == "apple pie\nplum\n"
        assert int((dest / "a.txt").stat().st_mtime) == 1700000000
    finally:
        shutil.rmtree(dest)


def test_grep_recursive(bindir, scratch):
    d = scratch[0]
    r = ours(bindir, "grep", "-rn", "apple", ".", cwd=d)
    assert sorted(r.stdout.decode().splitlines()) == [
        "./a.txt:2:apple 10", "./a.txt:4:apple 10", "./dir/sub/y.txt:1:apple pie"]
    r = ours(bindir, "grep", "-rl", "main", cwd=d)
    assert r.stdout.decode().splitlines() == ["dir/x.c"]


def test_ls_columns(bindir, scratch):
    d = scratch[0]
    for i in range(30):
        (d / f"file-with-a-name-{i:02d}").write_text("")
    for width in ("80", "40", "200"):
        mine = ours(bindir, "ls", "-C", cwd=d, env={"COLUMNS": width})
        gnu = run(["ls", "-C"], cwd=d, env={"COLUMNS": width})
        assert mine.stdout.decode() == gnu.stdout.decode(), width


def test_ls_long_dir(bindir, scratch):
    d = scratch[0]
    mine = ours(bindir, "ls", "-l", "dir", cwd=d)
    gnu = run(["ls", "-l", "dir"], cwd=d)
    assert mine.stdout.decode() == gnu.stdout.decode()


def test_tail_follow(bindir, scratch):
    d = scratch[0]
    p = subprocess.Popen([str(bindir / "tail"), "-f", "-n", "1", "a.txt"], cwd=d,
                         stdout=subprocess.PIPE)
    try:
        assert p.stdout.readline() == b"Date 7\n"
        with open(d / "a.txt", "a") as f:
            f.write("appended\n")
        assert p.stdout.readline() == b"appended\n"
    finally:
        p.kill()
        p.wait()


def test_dispatch(bindir):
    r = run([str(bindir / "tools")], cwd=bindir)
    assert r.stdout.decode().split() == NAMES
    r = run([str(bindir / "tools"), "echo-nope"], cwd=bindir)
    assert r.returncode == 127 and b"no such tool" in r.stderr
    r = run([str(bindir / "tools"), "basename", "/a/b"], cwd=bindir)
    assert r.stdout == b"b\n"


# Bad options: a usage message on stderr and the documented status.
BAD_OPTION = [n for n in NAMES if n not in ("true", "false", "basename", "dirname", "sleep",
                                            "find", "chmod", "kill", "yes", "sync", "clear",
                                            "uptime", "whoami",
                                            # Never run on the host: they would power it off.
                                            "reboot", "poweroff", "halt")]


@pytest.mark.parametrize("tool", BAD_OPTION)
def test_bad_option(bindir, scratch, tool):
    r = ours(bindir, tool, "-Z", "a.txt", "b.txt", cwd=scratch[0])
    assert r.returncode == USAGE_OTHER.get(tool, 2 if tool in USAGE_TWO else 1)
    assert b"usage: " + tool.encode() in r.stderr
    assert r.stdout == b""


# Missing operands where one is required: a message and status 1.
@pytest.mark.parametrize("tool", ["mkdir", "rmdir", "rm", "touch", "ln", "chmod", "cp", "mv",
                                  "cut", "tr", "basename", "dirname", "seq", "sleep", "stat",
                                  "chown"])
def test_missing_operand(bindir, scratch, tool):
    r = ours(bindir, tool, cwd=scratch[0])
    assert r.returncode == 1 and b"usage: " in r.stderr


# A missing file: the same status as GNU, "No such file or directory", and
# the other operands still processed.
MISSING = [
    ("cat", ["nothere", "a.txt"]), ("head", ["nothere", "a.txt"]),
    ("tail", ["nothere", "a.txt"]), ("wc", ["nothere", "a.txt"]),
    ("cut", ["-f1", "nothere", "a.txt"]), ("sort", ["nothere"]), ("uniq", ["nothere"]),
    ("grep", ["x", "nothere", "a.txt"]), ("grep", ["-s", "apple", "nothere", "a.txt"]),
    ("ls", ["nothere", "a.txt"]), ("cp", ["nothere", "x"]), ("mv", ["nothere", "x"]),
    ("rm", ["nothere"]), ("rmdir", ["nothere"]), ("chmod", ["644", "nothere"]),
    ("ln", ["-s", "x", "nodir/y"]), ("mkdir", ["nodir/y"]), ("touch", ["nodir/y"]),
    ("rmdir", ["-p", "dir/sub"]), ("mkdir", ["-p", "a.txt/x"]),
    ("stat", ["-c", "%n %s", "nothere", "a.txt"]), ("hexdump", ["-C", "nothere", "a.txt"]),
    ("du", ["-s", "nothere", "dir"]), ("find", ["nothere", "dir"]),
    ("chown", ["0", "nothere"]),
]


@pytest.mark.parametrize("case", MISSING, ids=[_id(c) for c in MISSING])
def test_missing_file(bindir, scratch, case):
    tool, args = case
    mine_dir, gnu_dir = scratch
    mine = ours(bindir, tool, *args, cwd=mine_dir)
    gnu = run([tool, *args], cwd=gnu_dir)
    assert mine.returncode == gnu.returncode != 0, mine.stderr
    assert mine.stdout.decode() == gnu.stdout.decode()
    if "-s" not in args:
        assert mine.stderr.startswith(tool.encode() + b": "), mine.stderr
    assert tree(mine_dir) == tree(gnu_dir)


# Permission denied, as nobody: same status as GNU and the reason on stderr.
DENIED = [
    ("cat", ["secret"]), ("head", ["secret"]), ("tail", ["secret"]), ("wc", ["secret"]),
    ("grep", ["x", "secret"]), ("sort", ["secret"]), ("uniq", ["secret"]),
    ("cut", ["-f1", "secret"]), ("ls", ["closed"]), ("ls", ["-R", "."]),
    ("rm", ["closed/f"]), ("rm", ["-rf", "closed"]), ("mkdir", ["closed/new"]),
    ("touch", ["closed/new"]), ("touch", ["secret"]), ("cp", ["secret", "x"]),
    ("cp", ["a.txt", "closed/x"]), ("mv", ["closed/f", "x"]), ("chmod", ["777", "a.txt"]),
    ("ln", ["-s", "a.txt", "closed/l"]), ("rmdir", ["closed/d"]), ("tee", ["secret"]),
    ("grep", ["-r", "x", "closed"]), ("stat", ["closed/f"]), ("hexdump", ["secret"]),
    ("find", ["closed"]), ("du", ["-s", "closed"]), ("chown", ["nobody", "a.txt"]),
    ("chown", ["-R", "0", "closed"]),
]


def lock_down(d):
    (d / "secret").write_text("top secret\n")
    os.chmod(d / "secret", 0o600)
    (d / "closed" / "d").mkdir(parents=True)
    (d / "closed" / "f").write_text("f\n")
    os.chmod(d / "closed", 0o700)
    os.chmod(d, 0o777)


@pytest.mark.skipif(os.geteuid() != 0, reason="setpriv to nobody needs root")
@pytest.mark.parametrize("case", DENIED, ids=[_id(c) for c in DENIED])
def test_permission_denied(bindir, scratch, case):
    tool, args = case
    mine_dir, gnu_dir = scratch
    for d in scratch:
        lock_down(d)
    mine = ours(bindir, tool, *args, cwd=mine_dir, user=True, stdin=b"in\n")
    gnu = run([tool, *args], cwd=gnu_dir, user=True, stdin=b"in\n")
    assert mine.returncode == gnu.returncode != 0, (mine.stderr, gnu.stderr)
    assert b"Permission denied" in mine.stderr or b"Operation not permitted" in mine.stderr
    assert mine.stdout.decode() == gnu.stdout.decode()
    assert tree(mine_dir) == tree(gnu_dir)


# dmesg reads this host's kernel log through syslog(2); util-linux's dmesg
# (which reads /dev/kmsg) prints the same records. Only the first lines are
# compared: the log may grow between the two runs. Never -c, -C or -n as
# root here: they would clear the host's log or change its console.
@pytest.mark.parametrize("args", [[], ["-r"]], ids=["plain", "raw"])
def test_dmesg_same_as_util_linux(bindir, scratch, args):
    ref = run(["dmesg", *args], cwd=scratch[1])
    if ref.returncode != 0 or not ref.stdout:
        pytest.skip("this host's kernel log cannot be read: " + ref.stderr.decode())
    mine = ours(bindir, "dmesg", *args, cwd=scratch[0])
    assert mine.returncode == 0 and mine.stderr == b""
    # The newest records match line for line. The oldest may not: with a
    # full ring, syslog(2) (ours) returns what fits once formatted, while
    # util-linux reads every record from /dev/kmsg; and records may arrive
    # between the two reads.
    tail = [line for line in mine.stdout.split(b"\n") if line][-5:]
    want = [line for line in ref.stdout.split(b"\n") if line]
    assert len(tail) == 5 and any(want[i:i + 5] == tail for i in range(len(want))), \
        (tail, want[-8:])
    if not args:
        assert not mine.stdout.startswith(b"<")


# As nobody, with Debian's kernel.dmesg_restrict=1, every action is refused:
# the same status and reason as util-linux.
@pytest.mark.skipif(os.geteuid() != 0, reason="setpriv to nobody needs root")
@pytest.mark.parametrize("args", [["-c"], ["-C"], ["-n", "1"]])
def test_dmesg_refused(bindir, scratch, args):
    mine = ours(bindir, "dmesg", *args, cwd=scratch[0], user=True)
    ref = run(["dmesg", *args], cwd=scratch[1], user=True)
    assert mine.returncode == ref.returncode == 1
    assert mine.stderr.startswith(b"dmesg: ") and b"Operation not permitted" in mine.stderr
    assert mine.stdout == b""


def test_dmesg_bad_level(bindir, scratch):
    r = ours(bindir, "dmesg", "-n", "loud", cwd=scratch[0])
    assert r.returncode == 1 and b"unknown level 'loud'" in r.stderr
    assert b"usage: dmesg" in r.stderr
