"""Issue 4's conformance suite (user/conform) inside our kernel, one pytest
case per group. The suite encodes Linux's behaviour: every case passes on a
Linux host (run build/user/conform there). A group passes here when all its
cases pass or are skipped with a reason (e.g. setuid before credentials
exist) and conform exits 0.

Every group is expected to pass; a group that fails is a regression.
"""

import pytest

from conform import run_groups


# group -> timeout in seconds
GROUPS = {
    "files": 60,
    "fs": 60,
    "proc": 60,
    "creds": 60,
    "signals": 120,
    "mem": 90,
    "pipes": 90,
    "threads": 90,
    "faults": 60,
    "time": 60,
    "system": 60,
    "unix": 60,
    "tty": 60,
    "storm": 120,
}


@pytest.mark.parametrize("group", list(GROUPS))
def test_conform_group(kernel, qemu, group):
    timeout = GROUPS[group]
    r = run_groups(qemu, kernel, [group], timeout=timeout)
    print(r.report())
    assert r.error is None, r.report()
    assert r.summary is not None, "no summary line from conform:\n" + r.report()
    assert not r.failed, f"{len(r.failed)} case(s) failed:\n" + r.report()
    assert r.exit_status == 0, r.report()
    assert r.summary[0] == len(r.passed) and r.summary[0] > 0, r.report()
