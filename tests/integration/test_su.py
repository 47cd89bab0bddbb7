"""su, passwd, /etc/shadow and dmesg on our kernel (docs/tools.md), over
the serial console of a normal boot (/sbin/init keeps busybox sh on the
console, which is then the shell's controlling terminal, so /dev/tty works
for the password prompts). The image is a private copy, written to:
passwd rewrites /etc/shadow, and e2fsck -fn must find the disk clean after
poweroff, with /etc/shadow still mode 0600 and owned by root.

The passwords are the image defaults (ROOT_PASSWORD=root, USER_PASSWORD=user
in the Makefile) unless the environment says otherwise. Busybox sh runs its
own applets for bare names, so ours are called by path (/bin/id)."""

import os
import re
import subprocess

from test_sys import PROMPT, boot, fsck_clean, private_image

ROOT_PW = os.environ.get("ROOT_PASSWORD", "root")
USER_PW = os.environ.get("USER_PASSWORD", "user")
KMSG = re.compile(r"\[ *\d+\.\d+\] syscall: ")


def test_su_passwd_dmesg(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = boot(qemu, kernel, img)
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.login()

    def send(cmd):
        assert len(cmd) + len(";echo @@$?@@") + 4 < 80, cmd  # no wrapping
        start = len(q.output)
        q.child.send(cmd + ";echo @@$?@@\r")
        return start

    def finish(start, cmd, status, timeout=60):
        """The output of the command started at `start`, after its status."""
        m = q.expect(r"@@(\d+)@@", timeout=timeout)
        q.expect(PROMPT, timeout=30)
        text = q.output[start:].replace("\r", "")
        echo = text.index(";echo @@$?@@")
        text = text[text.index("\n", echo) + 1:text.rindex(m.group(0))]
        if status is not None:
            assert int(m.group(1)) == status, (cmd, m.group(1), text)
        # The kernel's console messages (busybox's rseq call, unknown to us)
        # land in the middle; dmesg's own output is checked by content.
        return "\n".join(line for line in text.split("\n") if not KMSG.match(line))

    def run(cmd, status=0, timeout=60):
        return finish(send(cmd), cmd, status, timeout)

    def with_passwords(cmd, answers, status):
        """Run cmd, answering each (prompt, reply) in turn; replies never echo."""
        start = send(cmd)
        for prompt, reply in answers:
            q.expect(re.escape(prompt), timeout=60)
            q.child.send(reply + "\r")
        text = finish(start, cmd, status)
        for prompt, reply in answers:
            assert prompt + reply not in text, (cmd, text)  # echo was off
        return text

    run("exec 2>&1")
    # root needs no password; the target's groups, ids and environment.
    assert run("/bin/su user -c /bin/id").strip() == \
        "uid=1000(user) gid=1000(user) groups=1000(user)"
    out = run("/bin/su - user -c 'pwd; echo $HOME $USER $LOGNAME $SHELL'")
    assert out.split("\n")[:2] == ["/home/user", "/home/user user user /bin/sh"], out
    run("/bin/su nosuch -c true", status=1)
    assert "su: user nosuch does not exist" in q.output

    # As user: su to root with a wrong password, then the right one.
    out = with_passwords("/bin/su user -c '/bin/su -c /bin/id'",
                         [("Password: ", "wrong")], status=1)
    assert "su: Authentication failure" in out
    assert "uid=0" not in out
    out = with_passwords("/bin/su user -c '/bin/su -c /bin/id'",
                         [("Password: ", ROOT_PW)], status=0)
    assert re.search(r"uid=0\(root\) gid=0\(root\)", out), out

    # passwd as user: a mismatched confirmation changes nothing; then a change.
    out = with_passwords("/bin/su user -c /bin/passwd",
                         [("Current password: ", USER_PW), ("New password: ", "n3w-pass"),
                          ("Retype new password: ", "other")], status=1)
    assert "passwords do not match" in out and "password unchanged" in out
    out = with_passwords("/bin/su user -c /bin/passwd",
                         [("Current password: ", USER_PW), ("New password: ", "n3w-pass"),
                          ("Retype new password: ", "n3w-pass")], status=0)
    assert "password updated successfully" in out
    # The new password works with su (user to user still asks), the old one not.
    out = with_passwords("/bin/su user -c '/bin/su user -c /bin/id'",
                         [("Password: ", "n3w-pass")], status=0)
    assert "uid=1000(user)" in out
    out = with_passwords("/bin/su user -c '/bin/su user -c /bin/id'",
                         [("Password: ", USER_PW)], status=1)
    assert "su: Authentication failure" in out
    # Only root may change another user's password.
    out = run("/bin/su user -c '/bin/passwd root'", status=1)
    assert "You may not view or modify password information for root" in out

    # An ordinary user can neither read nor write /etc/shadow.
    out = run("/bin/su user -c '/bin/cat /etc/shadow'", status=1)
    assert "Permission denied" in out and "$6$" not in out
    out = run("/bin/su user -c 'echo x >> /etc/shadow'", status=None)
    assert "Permission denied" in out
    out = run("/bin/stat -c '%a %U %G' /etc/shadow /bin/su /bin/passwd")
    assert out.split("\n")[:3] == ["600 root root", "4755 root root", "4755 root root"], out
    out = run("/bin/ls -a /etc")
    assert "shadow+" not in out and "shadow.lock" not in out

    # dmesg: boot lines without their <N> prefix; anyone reads, only root clears.
    out = run("/bin/dmesg | /bin/grep 'on x86_64'")
    assert re.search(r"^\[ *\d+\.\d{3}\] kernel: .* on x86_64", out, re.M), out
    out = run("/bin/dmesg -r | /bin/grep 'on x86_64'")
    assert re.search(r"^<\d>\[ *\d+\.\d{3}\] kernel: ", out, re.M), out
    out = run("/bin/su user -c '/bin/dmesg | /bin/grep -c x86_64'")
    assert int(out.strip()) >= 1, out
    out = run("/bin/su user -c '/bin/dmesg -c'", status=1)
    assert "dmesg: read kernel buffer failed: Operation not permitted" in out
    out = run("/bin/su user -c '/bin/dmesg -C'", status=1)
    assert "Operation not permitted" in out
    run("/bin/dmesg -C")
    assert "on x86_64" not in run("/bin/dmesg")

    q.child.send("/bin/poweroff\r")
    q.expect(r"reboot: Power down", timeout=60)
    q.wait_exit(timeout=30)

    part = fsck_clean(img, tmp_path)
    r = subprocess.run(["debugfs", "-R", "stat /etc/shadow", str(part)], capture_output=True,
                       text=True, timeout=60)
    assert re.search(r"Mode: +0600", r.stdout) and re.search(r"User: +0 +Group: +0", r.stdout), \
        r.stdout
