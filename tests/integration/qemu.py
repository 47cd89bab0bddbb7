"""Drive qemu-system-x86_64 for the integration tests.

A Qemu object starts QEMU under pexpect with the serial port on the pty,
writes everything QEMU prints to a log file, and lets a test wait for
regular expressions or for QEMU to exit. Every run has a hard deadline: a
watchdog kills QEMU when it passes, whatever the test is doing.

QEMU runs under TCG with `-cpu max` unless KVM=1 is in the environment
(DESIGN.md "Testing": KVM is slow for BIOS, GRUB and iPXE on nested hosts).
The kernel leaves QEMU through isa-debug-exit; the statuses are in
docs/boot-log.md.
"""

import os
import shlex
import threading
import time

import pexpect

from bootlog import clean_lines

QEMU = "qemu-system-x86_64"

# QEMU exit statuses for the values the kernel writes to isa-debug-exit.
EXIT_SELFTEST_PASSED = 33
EXIT_SELFTEST_FAILED = 35
EXIT_PANIC = 37


class QemuError(AssertionError):
    """QEMU did not do what the test waited for (timeout, early exit)."""


def kvm_enabled():
    return os.environ.get("KVM", "0") == "1"


def base_args(mem="256M"):
    """The options every test run shares."""
    args = [
        "-machine", "pc",
        "-m", str(mem),
        "-display", "none",
        # signal=off: ^C typed by a test reaches the guest, not QEMU.
        "-chardev", "stdio,id=ser0,signal=off",
        "-serial", "chardev:ser0",
        "-monitor", "none",
        "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
    ]
    if kvm_enabled():
        # QEMU 7.2 aborts on these nested hosts when it sets the
        # IA32_ARCH_CAPABILITIES MSR (0x10a) of a plain `-cpu host`.
        args += ["-enable-kvm", "-cpu", "host,-arch-capabilities"]
    else:
        args += ["-cpu", "max"]
    return args


def qemu_opt(value):
    """Escape a value for QEMU's comma-separated option syntax."""
    return str(value).replace(",", ",,")


class _LogTee:
    """pexpect's logfile_read: keeps the output in memory and on disk."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8", errors="replace")
        self.chunks = []

    def write(self, data):
        self.chunks.append(data)
        self.file.write(data)

    def flush(self):
        self.file.flush()

    def close(self):
        self.file.close()


class Qemu:
    """One QEMU run. Use it as a context manager so QEMU always dies:

        with Qemu(args, log_path) as q:
            q.expect(r"boot: ready in \\d+ ms")
    """

    def __init__(self, args, log_path, hard_timeout=120):
        self.args = [QEMU] + list(args)
        self.log_path = str(log_path)
        self.hard_timeout = hard_timeout
        self.child = None
        self.tee = None
        self.watchdog = None
        self.deadline = None
        self.status = None
        self.timed_out = False

    # ---- lifetime ----------------------------------------------------------
    def start(self):
        with open(self.log_path, "w", encoding="utf-8") as f:
            f.write("# " + " ".join(shlex.quote(a) for a in self.args) + "\n")
        self.tee = _LogTee(self.log_path)
        self.deadline = time.monotonic() + self.hard_timeout
        self.child = pexpect.spawn(
            self.args[0], self.args[1:], encoding="utf-8",
            codec_errors="replace", timeout=None, echo=False,
            logfile=None, dimensions=(50, 200))
        self.child.logfile_read = self.tee
        self.watchdog = threading.Timer(self.hard_timeout, self._expire)
        self.watchdog.daemon = True
        self.watchdog.start()
        return self

    def _expire(self):
        self.timed_out = True
        if self.child is not None and self.child.isalive():
            try:
                self.child.kill(9)
            except OSError:
                pass

    def kill(self):
        """Kill QEMU if it still runs, keep the rest of its output, and
        release everything. Safe to call more than once."""
        if self.child is None:
            return
        if self.watchdog is not None:
            self.watchdog.cancel()
        if not self.child.closed:
            try:
                if self.child.isalive():
                    self.child.kill(9)
                # Drain what QEMU wrote before it died into the log.
                self.child.expect(pexpect.EOF, timeout=5)
            except (pexpect.TIMEOUT, pexpect.EOF, OSError):
                pass
            try:
                self.child.close(force=True)
            except OSError:
                pass
        if self.status is None:
            self.status = self._exit_status()
        self.child = None
        self.tee.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()
        return False

    # ---- waiting -----------------------------------------------------------
    def _remaining(self, timeout):
        left = self.deadline - time.monotonic()
        if timeout is None:
            return max(left, 0)
        return max(min(timeout, left), 0)

    def _why(self, what, timeout):
        if self.timed_out or time.monotonic() >= self.deadline:
            return (f"QEMU passed its hard timeout of {self.hard_timeout} s "
                    f"while waiting for {what}; log: {self.log_path}")
        return f"no {what} within {timeout} s; log: {self.log_path}"

    def expect(self, regex, timeout=30):
        """Wait for `regex` in the output and return the re.Match.
        Raises QemuError on timeout or when QEMU exits first."""
        t = self._remaining(timeout)
        try:
            self.child.expect(regex, timeout=t)
        except pexpect.TIMEOUT:
            raise QemuError(self._why(f"/{regex}/", timeout)) from None
        except pexpect.EOF:
            self.status = self._exit_status()
            raise QemuError(
                f"QEMU exited with status {self.status} before /{regex}/ "
                f"appeared; log: {self.log_path}") from None
        return self.child.match

    def login(self, user="root", password=None, prompt=r"/ [#$] ", timeout=180, seen=False):
        """Log in on the console's getty (docs/login.md): wait for
        "login: ", type user and password (root's is $ROOT_PASSWORD, else
        "root"; user's $USER_PASSWORD, else "user"), wait for the shell's
        prompt, then `cd /` so the prompt is `prompt` ("/ # " for root) as
        the tests that drove the shell before login existed expect. With
        prompt=None it stops at the shell's first prompt, in the home
        directory. seen=True: the caller already waited for "login: "."""
        if password is None:
            password = os.environ.get(f"{user.upper()}_PASSWORD", user)
        if not seen:
            self.expect(r"login: ", timeout=timeout)
        self.child.send(user + "\r")
        self.expect(r"Password: ", timeout=60)
        self.child.send(password + "\r")
        self.expect(r"[#$] ", timeout=60)
        if prompt is not None:
            self.child.send("cd /\r")
            self.expect(prompt, timeout=60)

    def wait_exit(self, timeout=30):
        """Wait for QEMU to exit and return its exit status (a negative
        signal number if a signal killed it)."""
        t = self._remaining(timeout)
        try:
            self.child.expect(pexpect.EOF, timeout=t)
        except pexpect.TIMEOUT:
            raise QemuError(self._why("QEMU exit", timeout)) from None
        self.child.close()
        self.status = self._exit_status()
        return self.status

    def _exit_status(self):
        c = self.child
        if c is None or c.isalive():
            return None
        if c.exitstatus is not None:
            return c.exitstatus
        if c.signalstatus is not None:
            return -c.signalstatus
        return None

    # ---- output ------------------------------------------------------------
    @property
    def output(self):
        """Everything QEMU printed so far, as a str with \\r\\n intact."""
        return "".join(self.tee.chunks) if self.tee else ""

    def lines(self):
        """The output so far as clean lines (see bootlog.clean_lines)."""
        return clean_lines(self.output)


def tail(path, n=80):
    """The last n lines of a log file, with terminal escapes removed."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        return f"(cannot read {path}: {e})"
    return "\n".join(clean_lines(text)[-n:])
