"""getty and login on the serial console of a normal boot (docs/login.md):
/sbin/init runs /bin/getty on the console, getty prints /etc/issue and
"appliance login: " and runs /bin/login, which checks /etc/shadow.

One boot from a private copy of the image checks:
- root logs in with the image's password: uid 0, the home directory, HOME
  SHELL USER LOGNAME PATH TERM, a login shell (-sh) that leads its session
  and owns the terminal (mode 0620, group tty); /etc/motd was shown and the
  password was not echoed;
- `exit` ends the session and init's new getty asks again;
- a wrong password: "Login incorrect" after the configured delay (2 s),
  then a new name prompt; after three failures login gives up
  ("Maximum number of tries exceeded") and getty starts over; the failures
  are in /var/log/auth.log, which user cannot read;
- an unknown user is refused the same way;
- user logs in: uid 1000, home /home/user, `cat /etc/shadow` is refused.
"""

import os
import re
import time

from test_sys import boot, private_image

ROOT_PW = os.environ.get("ROOT_PASSWORD", "root")
USER_PW = os.environ.get("USER_PASSWORD", "user")
_mark = 0


def run(q, cmd, prompt=r"[#$] ", timeout=60):
    """Run cmd in the logged-in shell; return (output lines, status). The
    markers are computed by the shell, so the echoed (and maybe wrapped)
    command line never matches them."""
    global _mark
    _mark += 1
    m = _mark * 7
    start = len(q.output)
    q.child.send(f"echo LS-$(({_mark}*7)); {cmd}; echo LG-$(({_mark}*7))-$?\r")
    status = int(q.expect(rf"LG-{m}-(\d+)", timeout=timeout).group(1))
    q.expect(prompt, timeout=timeout)
    text = q.output[start:].replace("\r", "")
    text = text[text.index(f"LS-{m}\n") + len(f"LS-{m}\n"):text.index(f"LG-{m}-")]
    body = [line for line in text.split("\n") if not re.match(r"^\[ *\d+\.\d+\] ", line)]
    return body, status


def bad_login(q, name, password):
    """At the name prompt, type a name and a wrong password; return the
    seconds until the refusal."""
    q.child.send(name + "\r")
    q.expect(r"Password: ", timeout=60)
    q.child.send(password + "\r")
    t0 = time.monotonic()
    q.expect(r"Login incorrect", timeout=60)
    return time.monotonic() - t0


def test_console_login(kernel, qemu, tmp_path):
    q = boot(qemu, kernel, private_image(tmp_path))
    q.expect(r"init: /sbin/init started as pid 1", timeout=120)
    q.expect(r"on x86_64 \(console\)", timeout=120)  # /etc/issue with \m and \l
    q.expect(r"appliance login: ", timeout=60)
    start = len(q.output)
    q.child.send("root\r")
    q.expect(r"Password: ", timeout=60)
    q.child.send(ROOT_PW + "\r")
    q.expect(r"[#$] ", timeout=60)
    assert "Welcome to the appliance kernel." in q.output[start:]  # /etc/motd
    assert ROOT_PW + "\r" not in q.output[start:].split("Password: ")[1][:40]

    out, st = run(q, "id -u; pwd; echo $HOME $SHELL $USER $LOGNAME; echo $0 $PPID")
    assert out[:4] == ["0", "/root", "/root /bin/sh root root", "-sh 1"], out
    out, st = run(q, "echo $PATH; echo $TERM")
    assert "/sbin" in out[0] and out[1] == "vt100", out
    # The shell leads its session and the console is its terminal, 0620 root:tty.
    out, st = run(q, "echo $$; cat /proc/$$/stat; /bin/stat -c '%a %U %G' /dev/console")
    f = out[1].rsplit(")", 1)[1].split()
    assert f[3] == out[0], out  # the session's id (field 6) is the shell's pid
    assert out[2] == "620 root tty", out

    # exit: init restarts getty.
    q.child.send("exit\r")
    q.expect(r"appliance login: ", timeout=60)

    # Wrong passwords: a delay, a message, three tries, then a new getty.
    delay = bad_login(q, "root", "wrong")
    assert delay >= 1.9, delay
    q.expect(r"appliance login: ", timeout=60)  # login asks again
    delay = bad_login(q, "nosuchuser", "whatever")  # no hint that the name is unknown
    assert delay >= 1.9, delay
    q.expect(r"appliance login: ", timeout=60)
    bad_login(q, "user", "wrong")
    q.expect(r"Maximum number of tries exceeded \(3\)", timeout=30)
    q.expect(r"appliance login: ", timeout=60)  # a fresh getty

    # user: an ordinary account.
    q.child.send("user\r")
    q.expect(r"Password: ", timeout=60)
    q.child.send(USER_PW + "\r")
    q.expect(r"\$ ", timeout=60)
    out, st = run(q, "id; pwd; echo $HOME $USER")
    assert out[0].startswith("uid=1000(user) gid=1000(user)"), out
    assert out[1:3] == ["/home/user", "/home/user user"], out
    out, st = run(q, "/bin/stat -c '%U %G %a' /dev/console")
    assert out[0] == "user tty 620", out  # the terminal is the user's
    out, st = run(q, "cat /etc/shadow")
    assert st != 0 and any("Permission denied" in line for line in out), out
    out, st = run(q, "cat /var/log/auth.log")
    assert st != 0 and any("Permission denied" in line for line in out), out
    q.child.send("exit\r")

    # As root again: the log holds the failures and the successes.
    q.login(prompt=None)
    out, st = run(q, "cat /var/log/auth.log")
    log = "\n".join(out)
    assert re.search(r"login\[\d+\]: root logged in on console", log), log
    assert "FAILED LOGIN 1 for 'root' on console" in log, log
    assert "FAILED LOGIN 2 for 'nosuchuser'" in log, log
    assert "TOO MANY LOGIN TRIES (3) for 'user'" in log, log
    assert "user logged in on console" in log, log
    out, st = run(q, "/bin/stat -c '%a %U' /var/log/auth.log /dev/console")
    assert out[:2] == ["600 root", "620 root"], out  # getty took the console back
