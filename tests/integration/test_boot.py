"""Boot tests: the three loaders, the command line, the memory map, the
selftests and a fatal kernel fault, checked against docs/boot-log.md."""

import re
import shutil

import pytest

import bootlog
from qemu import EXIT_PANIC, EXIT_SELFTEST_PASSED, qemu_opt

READY = r"boot: ready in \d+(?:\.\d+)? ms"
KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


def kernel_boot(kernel, append):
    return ["-kernel", kernel, "-append", append]


def assert_normalized(regions):
    """Regions are sorted, do not overlap and are not empty."""
    assert regions, "no memory map lines"
    for r in regions:
        assert r.start <= r.end, f"empty or inverted region {r}"
    for a, b in zip(regions, regions[1:]):
        assert a.end < b.start, f"regions out of order or overlapping: {a} {b}"


def test_selftest(kernel, qemu):
    q = qemu(kernel_boot(kernel, "selftest"))
    m = q.expect(r"selftest: (\d+) passed, (\d+) failed", timeout=60)
    status = q.wait_exit(timeout=10)
    passed, failed = int(m.group(1)), int(m.group(2))
    ok, fail = bootlog.selftests(q.output)

    assert failed == 0 and not fail, f"selftests failed: {fail}"
    assert status == EXIT_SELFTEST_PASSED
    assert passed >= 4
    assert passed == len(ok), "the summary does not match the `selftest: ok` lines"
    groups = {name.split(".")[0] for name in ok}
    missing = {"pmm", "heap", "paging", "fault"} - groups
    assert not missing, f"no passing selftest in groups {sorted(missing)}"


def test_cmdline_and_memory_map(kernel, qemu):
    given = "root=virtio console=ttyS0 panic=exit test.token=xyz42"
    q = qemu(kernel_boot(kernel, given), mem="64M")
    q.expect(READY)
    text = q.output
    q.kill()

    assert bootlog.loader_name(text) is not None, "no `kernel:` first line"
    # QEMU puts the kernel's path in front of -append's text.
    assert bootlog.cmdline(text) == f"{kernel} {given}"
    assert bootlog.boot_image(text) == kernel
    assert bootlog.unknown_keys(text) == ["test.token"]
    assert bootlog.cmdline_truncation(text) is None

    assert bootlog.memory_map_count(text) is not None, "no memory map header"
    assert_normalized(bootlog.memory_map(text))
    high = [r for r in bootlog.usable_regions(text) if r.start == 0x100000]
    assert high, "no usable region starting at 1 MiB"
    # QEMU keeps the top 128 KiB or so for ACPI tables.
    assert 60 * MiB <= high[0].end < 64 * MiB, f"{high[0]} does not end near 64 MiB"

    usable, free = bootlog.mem_summary(text)
    assert 60000 <= usable <= 65536
    assert 0 < free <= usable
    assert bootlog.ready_ms(text) is not None


def test_empty_cmdline(kernel, qemu):
    q = qemu(kernel_boot(kernel, ""))
    q.expect(READY)
    text = q.output

    assert bootlog.cmdline(text).strip() == kernel
    assert bootlog.boot_image(text) == kernel
    assert bootlog.unknown_keys(text) == []
    assert bootlog.cmdline_truncation(text) is None
    noisy = [m for m in bootlog.messages(text)
             if m.startswith("cmdline:") or re.search(r"(?i)\bwarn", m)]
    assert noisy == [], "warnings with an empty command line"


def test_long_cmdline(kernel, qemu):
    words = ["console=ttyS0", "init=/" + "x" * 1500]  # over-long value
    i = 0
    while len(" ".join(words)) < 8000:
        words.append(f"k{i:04d}=v{i}")
        i += 1
    append = " ".join(words)
    full = f"{kernel} {append}"
    q = qemu(kernel_boot(kernel, append))
    m = q.expect(r"boot: cmdline was (\d+) bytes, kept 4095")
    q.expect(READY)
    text = q.output

    assert abs(int(m.group(1)) - len(full)) <= 1, f"the line was {len(full)} bytes"
    kept = full[:4095]
    shown = bootlog.cmdline(text)
    assert shown is not None and kept.startswith(shown)
    assert shown == kept or bootlog.cmdline_shown_cut(text)
    # Every k=v word that survived the cut is an unknown key, in order; the
    # over-long init= word is dropped.
    expected = [w.split("=")[0] for w in kept.split(" ")[1:]
                if w.split("=")[0] not in ("console", "init")]
    assert bootlog.unknown_keys(text) == expected


@pytest.mark.parametrize("mem", ["32M", "4G"])
def test_memory_sizes(kernel, qemu, mem):
    q = qemu(kernel_boot(kernel, "console=ttyS0"), mem=mem)
    q.expect(READY)
    text = q.output
    regions = bootlog.memory_map(text)
    assert_normalized(regions)
    usable_kib, _ = bootlog.mem_summary(text)

    if mem == "32M":
        high = [r for r in bootlog.usable_regions(text) if r.start == 0x100000]
        assert high and 28 * MiB <= high[0].end < 32 * MiB
        assert 28000 <= usable_kib <= 32768
    else:
        above_4g = [r for r in bootlog.usable_regions(text) if r.start >= 4 * GiB]
        assert above_4g, "no usable region above 4 GiB"
        assert usable_kib > 3.5 * GiB / KiB


@pytest.mark.parametrize("iface", ["virtio", "ide"])
def test_grub(kernel, qemu, disk_image, iface):
    given = "console=ttyS0 panic=exit grub.token=1"
    img = disk_image(given)
    q = qemu(["-drive", f"file={qemu_opt(img)},format=raw,if={iface}"], hard_timeout=90)
    q.expect(READY, timeout=60)
    text = q.output

    assert "GRUB" in (bootlog.loader_name(text) or "")
    # GRUB passes the arguments alone, without the kernel's path.
    assert bootlog.cmdline(text) == given
    assert bootlog.boot_image(text) is None
    assert bootlog.unknown_keys(text) == ["grub.token"]


def test_ipxe(kernel, qemu, tmp_path):
    tftp = tmp_path / "tftp"
    tftp.mkdir()
    shutil.copy(kernel, tftp / "kernel.elf")
    args = "console=ttyS0 panic=exit pxe.token=1"
    (tftp / "boot.ipxe").write_text(f"#!ipxe\nkernel kernel.elf {args}\nboot\n")
    q = qemu(["-netdev", f"user,id=n0,tftp={qemu_opt(tftp)},bootfile=boot.ipxe",
              "-device", "rtl8139,netdev=n0", "-boot", "n"], hard_timeout=120)
    q.expect(READY, timeout=90)
    text = q.output

    assert "iPXE" in (bootlog.loader_name(text) or "")
    image = bootlog.boot_image(text)
    assert image is not None and image.endswith("kernel.elf")
    # iPXE puts the kernel's URI first.
    assert bootlog.cmdline(text) == f"{image} {args}"
    assert bootlog.unknown_keys(text) == ["pxe.token"]


def test_fatal_fault_exits(kernel, qemu):
    q = qemu(kernel_boot(kernel, "selftest=panic"))
    status = q.wait_exit(timeout=60)
    text = "\n".join(bootlog.clean_lines(q.output))

    assert status == EXIT_PANIC
    assert re.search(r"(?i)page fault", text)
    assert "CR2" in text
    assert "RIP" in text
    m = re.search(r"(?i)backtrace", text)
    assert m, "no backtrace"
    assert re.search(r"\b[a-z_][a-z0-9_]+\+0x[0-9a-f]+", text[m.start():]), \
        "the backtrace names no kernel symbol"


# -no-reboot is shared by every run; `-action reboot=reset` undoes it here
# so that a reset shows up as a second boot rather than as QEMU exiting.
RESET_REBOOTS = ["-action", "reboot=reset"]
BANNER = r"kernel: \S+ \S+ on x86_64"


def test_poweroff_ends_qemu(kernel, qemu):
    q = qemu(kernel_boot(kernel, "selftest=poweroff") + RESET_REBOOTS)
    q.expect(READY)
    status = q.wait_exit(timeout=30)
    banners = re.findall(BANNER, q.output)

    assert status == 0, f"QEMU exit status {status}, want 0 from an ACPI power-off"
    assert len(banners) == 1, "the machine reset instead of powering off"
    assert "power-off failed" not in q.output


def test_reboot_restarts_the_machine(kernel, qemu):
    q = qemu(kernel_boot(kernel, "selftest=reboot") + RESET_REBOOTS)
    q.expect(READY)
    q.expect(BANNER, timeout=30)  # the second boot
    q.kill()
