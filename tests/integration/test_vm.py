"""User virtual memory (issue 4): /bin/vmtest as init checks demand paging,
copy-on-write fork, shared and file mappings, faults on unmapped and
protected pages, stack growth, brk, mremap, madvise, a fork storm and that
every page comes back. The same program passes natively on Linux."""

import re

from test_user import private_image
from qemu import qemu_opt


def test_vmtest(kernel, qemu, tmp_path):
    img = private_image(tmp_path)
    q = qemu(["-kernel", kernel, "-append", "root=virtio console=ttyS0 init=/bin/vmtest",
              "-drive", f"file={qemu_opt(str(img))},format=raw,if=virtio"])
    q.expect(r"init: /bin/vmtest exited with status (\d+)", timeout=240)
    out = q.output
    q.kill()
    assert "vmtest: FAIL" not in out
    assert "vmtest: all ok" in out
    assert "init: /bin/vmtest exited with status 0" in out
    # The deliberate faults were reported as the signals Linux sends.
    kills = re.findall(r"proc: pid \d+ \(vmtest\) killed by (SIG\w+)", out)
    assert "SIGBUS" in kills and kills.count("SIGSEGV") >= 5, kills
