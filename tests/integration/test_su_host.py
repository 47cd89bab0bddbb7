"""su and passwd (user/su, user/passwd, docs/tools.md) on this host, for
their error paths only: nothing here asks for or changes a password. The
binaries are not set-user-ID here, and the cases that would need a
terminal run in a new session without one. The behaviour with passwords
is tested on our kernel (test_su.py); the password code itself by
tests/unit/test_shadow.c."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SU = ROOT / "build" / "user" / "su"
PASSWD = ROOT / "build" / "user" / "passwd"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

pytestmark = pytest.mark.skipif(not (SU.exists() and PASSWD.exists()),
                                reason="build/user/su and build/user/passwd not built")


def run(argv, user=False):
    # A new session has no controlling terminal, so /dev/tty cannot open.
    return subprocess.run((NOBODY if user else []) + [str(a) for a in argv], capture_output=True,
                          stdin=subprocess.DEVNULL, start_new_session=True, timeout=20)


@pytest.mark.parametrize("args,message", [
    (["-x"], b"su: invalid option '-x'\nusage: su "),
    (["--bogus"], b"usage: su "),
    (["-c"], b"option requires an argument"),
    (["root", "extra"], b"su: extra operand 'extra'\nusage: su "),
    (["no-such-user"], b"su: user no-such-user does not exist\n"),
    (["-", "no-such-user", "-c", "true"], b"does not exist"),
])
def test_su_errors(args, message):
    r = run([SU, *args])
    assert r.returncode == 1 and message in r.stderr, r.stderr
    assert r.stdout == b""


@pytest.mark.skipif(os.geteuid() != 0, reason="setpriv to nobody needs root")
def test_su_needs_a_terminal():
    # Not root, so a password is needed; without a terminal su gives up
    # before it reads anything, and nothing runs.
    r = run([SU, "-c", "echo ran"], user=True)
    assert r.returncode == 1 and r.stderr == b"su: must be run from a terminal\n"
    assert b"ran" not in r.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="setpriv to nobody needs root")
def test_su_root_needs_no_password():
    # A root caller is never asked: su runs the command as the target.
    r = run([SU, "nobody", "-c", "id -u"])
    if r.returncode != 0 and b"does not exist" in r.stderr:
        pytest.skip("no user nobody on this host")
    # nobody's shell may be nologin/false: then the command does not run,
    # but su itself must not have failed on authentication.
    assert b"Authentication failure" not in r.stderr and b"terminal" not in r.stderr
    if r.returncode == 0:
        assert r.stdout == b"65534\n"


@pytest.mark.parametrize("args,message", [
    (["-x"], b"passwd: invalid option '-x'\nusage: passwd [USER]\n"),
    (["a", "b"], b"passwd: extra operand 'b'\nusage: passwd [USER]\n"),
    (["no-such-user"], b"passwd: user 'no-such-user' does not exist\n"),
])
def test_passwd_errors(args, message):
    r = run([PASSWD, *args])
    assert r.returncode == 1 and r.stderr == message
    assert r.stdout == b""


@pytest.mark.skipif(os.geteuid() != 0, reason="setpriv to nobody needs root")
def test_passwd_refusals_as_nobody():
    r = run([PASSWD, "root"], user=True)
    assert r.returncode == 1
    assert r.stderr == b"passwd: You may not view or modify password information for root.\n"
    # Its own entry: without set-user-ID, /etc/shadow is unreadable.
    r = run([PASSWD], user=True)
    assert r.returncode == 1 and b"Permission denied" in r.stderr
    assert r.stderr.endswith(b"passwd: password unchanged\n")
