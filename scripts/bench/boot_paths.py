#!/usr/bin/python3
"""Time every boot path from QEMU's start to a shell prompt on the serial
console (issue 8's bars; docs/netboot.md "Boot times").

    scripts/bench/boot_paths.py [--runs N] [PATH...]

PATH is one of the names in PATHS below (default: all). Each is run N times
(default 3) and the median is shown. Our paths boot build/pxe and
build/disk.qcow2 (`make image pxe`); the Linux rows boot the peer of
scripts/bench/linux-peer (`make peer`: Debian's kernel and a busybox
initramfs with bench=shell) through the same iPXE and TFTP server, its
initramfs as the one module. The lab rows need root (scripts/run-lab). The
table also goes to build/bench/boot-paths.txt.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "tests" / "integration"))
import qemu as qemu_module  # noqa: E402
from qemu import Qemu, base_args, qemu_opt  # noqa: E402

PXE = TOP / "build" / "pxe"
QCOW2 = TOP / "build" / "disk.qcow2"
PEER = TOP / "build" / "bench" / "linux" / "peer"
OUT = TOP / "build" / "bench"
OURS = r"/ # "
LINUX = r"(?s)bench: shell on the console.*?/ # "


def tree(scratch, entry):
    """A copy of build/pxe (with the peer's files) whose entry.ipxe boots
    `entry` of boot.ipxe, or the peer for entry "linux"."""
    d = scratch / entry
    if not d.exists():
        shutil.copytree(PXE, d)
        if PEER.is_dir():
            shutil.copy(PEER / "vmlinuz", d / "vmlinuz")
            shutil.copy(PEER / "initrd.gz", d / "initrd.gz")
        if entry == "linux":
            script = ("#!ipxe\nkernel vmlinuz console=ttyS0 quiet bench=shell\n"
                      "initrd initrd.gz\nboot\n")
        else:
            script = f"#!ipxe\nset entry {entry}\nchain boot.ipxe\n"
        (d / "entry.ipxe").write_text(script)
        os.chmod(d, 0o755)
    return d


def slirp(d):
    return ["-netdev", f"user,id=n0,tftp={qemu_opt(d)},bootfile=entry.ipxe",
            "-device", "rtl8139,netdev=n0", "-boot", "n"]


def lab_wrapper(scratch, name, *opts):
    w = scratch / f"lab-{name}"
    w.write_text(f"#!/bin/sh\nexec {TOP}/scripts/run-lab {' '.join(opts)} -- \"$@\"\n")
    w.chmod(0o755)
    return str(w)


# name -> (what, function(scratch) -> (qemu program, args, prompt, keys))
PATHS = {
    "kernel-module": ("ours: -kernel, rootfs.ext2 as a module",
                      lambda s: ("qemu-system-x86_64",
                                 ["-kernel", str(PXE / "kernel.elf"), "-append",
                                  "root=module console=ttyS0", "-initrd",
                                  qemu_opt(PXE / "rootfs.ext2")], OURS, None)),
    "linux-kernel": ("Linux: -kernel, its initramfs as -initrd",
                     lambda s: ("qemu-system-x86_64",
                                ["-kernel", str(PEER / "vmlinuz"), "-initrd",
                                 qemu_opt(PEER / "initrd.gz"), "-append",
                                 "console=ttyS0 quiet bench=shell"], LINUX, None)),
    "disk": ("ours: disk.qcow2, GRUB (menu 2 s), root=virtio, ip=dhcp",
             lambda s: ("qemu-system-x86_64",
                        ["-drive", f"file={qemu_opt(QCOW2)},format=qcow2,if=virtio,snapshot=on",
                         "-netdev", "user,id=n0", "-device", "rtl8139,netdev=n0"], OURS, None)),
    "disk-keyed": ("ours: disk.qcow2, GRUB entry picked at once (l)",
                   lambda s: ("qemu-system-x86_64",
                              ["-drive",
                               f"file={qemu_opt(QCOW2)},format=qcow2,if=virtio,snapshot=on",
                               "-netdev", "user,id=n0", "-device", "rtl8139,netdev=n0"],
                              OURS, ("local root", "l"))),
    "pxe-module": ("ours: slirp iPXE, module loaded by iPXE",
                   lambda s: ("qemu-system-x86_64", slirp(tree(s, "module")), OURS, None)),
    "pxe-tftp": ("ours: slirp iPXE, kernel fetches its root (root=tftp)",
                 lambda s: ("qemu-system-x86_64", slirp(tree(s, "tftp")), OURS, None)),
    "linux-pxe": ("Linux: slirp iPXE, initramfs as the module",
                  lambda s: ("qemu-system-x86_64", slirp(tree(s, "linux")), LINUX, None)),
    "disk-ipxe": ("ours: disk.qcow2, GRUB -> ipxe.lkrn -> slirp, module",
                  lambda s: ("qemu-system-x86_64",
                             ["-drive",
                              f"file={qemu_opt(QCOW2)},format=qcow2,if=virtio,snapshot=on",
                              "-netdev",
                              f"user,id=n0,tftp={qemu_opt(tree(s, 'module'))},"
                              "bootfile=entry.ipxe", "-device", "rtl8139,netdev=n0"],
                             OURS, ("everything from the network", "i"))),
    "lab-atftpd-module": ("ours: lab, dnsmasq full + atftpd, module loaded by iPXE",
                          lambda s: (lab_wrapper(s, "am", "--atftpd", "--bootfile", "entry.ipxe",
                                                 "--dir", str(tree(s, "module"))), [], OURS,
                                     None)),
    "lab-atftpd-tftp": ("ours: lab, dnsmasq full + atftpd, kernel's fetch (windowsize)",
                        lambda s: (lab_wrapper(s, "at", "--atftpd", "--bootfile", "entry.ipxe",
                                               "--dir", str(tree(s, "tftp"))), [], OURS, None)),
    "lab-atftpd-linux": ("Linux: lab, dnsmasq full + atftpd, initramfs as the module",
                         lambda s: (lab_wrapper(s, "al", "--atftpd", "--bootfile", "entry.ipxe",
                                                "--dir", str(tree(s, "linux"))), [], LINUX,
                                    None)),
    "lab-proxy": ("ours: lab, site DHCP + dnsmasq ProxyDHCP, module",
                  lambda s: (lab_wrapper(s, "p", "--proxy", "--bootfile", "entry.ipxe",
                                         "--dir", str(tree(s, "module"))), [], OURS, None)),
}


def one(scratch, name, log):
    prog, args, prompt, keys = PATHS[name][1](scratch)
    qemu_module.QEMU = prog
    q = Qemu(base_args("256M") + args, log, hard_timeout=300)
    t0 = time.monotonic()
    q.start()
    try:
        if keys:
            q.expect(keys[0], timeout=120)
            q.child.send(keys[1])
        q.expect(prompt, timeout=240)
        return time.monotonic() - t0
    finally:
        q.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("paths", nargs="*", default=list(PATHS))
    a = ap.parse_args()
    for p in a.paths:
        if p not in PATHS:
            ap.error(f"unknown path {p}; known: {' '.join(PATHS)}")
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="boot-paths-") as s:
        scratch = Path(s)
        os.chmod(scratch, 0o755)
        for p in a.paths:
            if (p.startswith("lab") and os.geteuid() != 0) or \
                    ("linux" in p and not PEER.is_dir()):
                print(f"boot-paths: skipping {p} (needs root or make peer)", file=sys.stderr)
                continue
            times = []
            for i in range(a.runs):
                t = one(scratch, p, OUT / "logs" / f"boot-{p}.{i}.log")
                print(f"boot-paths: {p} run {i + 1}: {t:.2f} s", file=sys.stderr)
                times.append(t)
            rows.append((p, statistics.median(times), min(times), PATHS[p][0]))
    lines = [f"{'path':<20} {'median s':>9} {'min s':>7}  what"]
    lines += [f"{p:<20} {m:9.2f} {lo:7.2f}  {w}" for p, m, lo, w in rows]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    (OUT / "boot-paths.txt").write_text(text)


if __name__ == "__main__":
    main()
