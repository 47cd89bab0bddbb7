"""Parse the kernel's serial log as docs/boot-log.md defines it.

Each kernel line starts with a timestamp, `[    23.456] `. BIOS, GRUB and
iPXE write their own text and terminal escapes before the kernel starts;
clean_lines() removes the escapes and the parsers below only look at
lines whose message has the shape the contract gives.
"""

import re
from collections import namedtuple

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b.")
_TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")

Region = namedtuple("Region", "start end type")  # end is inclusive


def strip_escapes(text):
    return _ESCAPES.sub("", text)


def clean_lines(text):
    """Split raw serial output into lines without escapes or \\r."""
    # The pty turns the kernel's \r\n into \r\r\n.
    text = re.sub(r"\r+\n", "\n", strip_escapes(text)).replace("\r", "\n")
    return text.split("\n")


def messages(text):
    """The messages of the kernel's timestamped lines, timestamps removed."""
    out = []
    for line in clean_lines(text):
        m = _TIMESTAMP.match(line)
        if m:
            out.append(line[m.end():])
    return out


def _find(text, regex):
    """The match of `regex` on the first kernel message it fits, or None."""
    r = re.compile(regex)
    for msg in messages(text):
        m = r.fullmatch(msg)
        if m:
            return m
    return None


def loader_name(text):
    m = _find(text, r'kernel: .* on x86_64, loader "(.*)"')
    return m.group(1) if m else None


def cmdline(text):
    """The command line as the kernel shows it, or None. A line longer than
    a log line is shown cut: `boot: cmdline "<first 400 bytes>"... (shown
    cut)`; this returns the part shown (see cmdline_shown_cut)."""
    m = _find(text, r'boot: cmdline "(.*)"(?:\.\.\. \(shown cut\))?')
    return m.group(1) if m else None


def cmdline_shown_cut(text):
    """True if the `boot: cmdline` line shows only the start of the line."""
    return _find(text, r'boot: cmdline ".*"\.\.\. \(shown cut\)') is not None


def cmdline_truncation(text):
    """(original length, kept length) from the `cmdline was` line, or None."""
    m = _find(text, r"boot: cmdline was (\d+) bytes, kept (\d+)")
    return (int(m.group(1)), int(m.group(2))) if m else None


def boot_image(text):
    m = _find(text, r'boot: image "(.*)"')
    return m.group(1) if m else None


def unknown_keys(text):
    r = re.compile(r'cmdline: unknown key "(.*)", ignored')
    return [m.group(1) for m in map(r.fullmatch, messages(text)) if m]


def memory_map(text):
    """The regions under `boot: memory map from the loader`, as Regions."""
    r = re.compile(r"boot:\s+\[mem 0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\] (.+)")
    regions = []
    for msg in messages(text):
        m = r.fullmatch(msg)
        if m:
            regions.append(Region(int(m.group(1), 16), int(m.group(2), 16),
                                  m.group(3).strip()))
    return regions


def memory_map_count(text):
    """N from `boot: memory map from the loader, N entries:`, or None."""
    m = _find(text, r"boot: memory map from the loader, (\d+) entries:")
    return int(m.group(1)) if m else None


def usable_regions(text):
    return [r for r in memory_map(text) if r.type == "usable"]


def mem_summary(text):
    """(usable KiB, free KiB) from the `mem:` line, or None."""
    m = _find(text, r"mem: (\d+) KiB usable, (\d+) KiB free after boot reservations")
    return (int(m.group(1)), int(m.group(2))) if m else None


def ready_ms(text):
    """Milliseconds from kernel entry to ready (may have a fraction)."""
    m = _find(text, r"boot: ready in (\d+(?:\.\d+)?) ms")
    return float(m.group(1)) if m else None


def selftests(text):
    """(list of passed group.name, list of (failed group.name, why))."""
    ok, fail = [], []
    for msg in messages(text):
        m = re.fullmatch(r"selftest: ok (\S+)", msg)
        if m:
            ok.append(m.group(1))
        m = re.fullmatch(r"selftest: FAIL (\S+): (.*)", msg)
        if m:
            fail.append((m.group(1), m.group(2)))
    return ok, fail
