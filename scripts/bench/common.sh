#!/usr/bin/env bash
# Sourced, not run, by scripts/bench/run and scripts/bench/linux-peer: the
# cache paths and the one set of QEMU options that both our kernel and the
# Linux peer boot under, so every figure is a ratio from the same machine.
# See docs/bench.md.
# shellcheck disable=SC2034 # the variables here are for the sourcing scripts

BENCH_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_BUILD=${BENCH_BUILD:-$BENCH_TOP/build/bench}
# The Linux peer: vmlinuz, initrd.gz and VERSION (see scripts/bench/linux-peer).
PEER_DIR=$BENCH_BUILD/linux/peer
# Seconds one QEMU run may take before it is killed.
BENCH_TIMEOUT=${BENCH_TIMEOUT:-300}
BENCH_MEM=${BENCH_MEM:-512M}
KVM=${KVM:-0}
# Words put before qemu-system-x86_64 by bench_boot (scripts/bench/netns-tap
# for the runs on a tap); empty for the rest.
BENCH_WRAP=()

bench_die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

# bench_qemu_args [DISK]: set the array QEMU_ARGS to the common options, with
# DISK (a raw image) as the first virtio disk. The kernel, initrd and command
# line are added by the caller. isa-debug-exit lets our kernel end QEMU with
# a status; Linux does not touch it.
bench_qemu_args() {
	QEMU_ARGS=(-machine pc -m "$BENCH_MEM" -display none -serial stdio -no-reboot
		-device "isa-debug-exit,iobase=0xf4,iosize=0x04")
	if [[ $KVM == 1 ]]; then
		# QEMU 7.2 aborts on nested hosts when it sets the
		# IA32_ARCH_CAPABILITIES MSR of a plain `-cpu host`.
		QEMU_ARGS+=(-enable-kvm -cpu "host,-arch-capabilities")
	else
		QEMU_ARGS+=(-cpu max)
	fi
	if [[ -n ${1:-} ]]; then
		QEMU_ARGS+=(-drive "file=${1//,/,,},format=raw,if=virtio")
	fi
}

# bench_boot LOG QEMU-ARG...: run qemu-system-x86_64 with the common options
# (set by bench_qemu_args) and the given arguments, under BENCH_TIMEOUT, with
# no input. Each serial line goes to LOG prefixed with the host's seconds
# since launch, "[  12.345] line", so boot times can be read off the log.
# Returns QEMU's exit status (124 when the timeout killed it).
# Each line reaches LOG as it comes (the network benchmarks' host side waits
# for lines there), so the stamping is done in the shell, in microseconds:
# awk (mawk) would read its input in blocks.
bench_boot() {
	local log=$1 start status
	shift
	start=${EPOCHREALTIME/./}
	set +e
	timeout -k 5 "$BENCH_TIMEOUT" "${BENCH_WRAP[@]}" qemu-system-x86_64 "${QEMU_ARGS[@]}" "$@" </dev/null 2>&1 |
		while IFS= read -r line || [[ -n $line ]]; do
			us=$((${EPOCHREALTIME/./} - start))
			printf '[%4d.%03d] %s\n' $((us / 1000000)) $((us / 1000 % 1000)) "${line//$'\r'/}"
		done >"$log"
	status=${PIPESTATUS[0]}
	set -e
	return "$status"
}

# bench_results LOG: print the "NAME VALUE UNIT" of every "BENCH NAME VALUE
# UNIT" line in a serial log, whatever precedes it on the line (our kernel
# puts a timestamp first).
bench_results() {
	grep -oE '(^|[] ])BENCH [A-Za-z0-9_]+ [0-9]+(\.[0-9]+)? [A-Za-z0-9_/]+' "$1" |
		sed -E 's/^.*BENCH //' || true
}

# bench_ready_time LOG: the host seconds from launch to the first
# "bench: ready" line (the guest is booted and about to run the benchmark),
# or nothing.
bench_ready_time() {
	awk '/bench: ready/ { sub(/^\[ */, ""); sub(/\].*/, ""); print; exit }' "$1"
}
