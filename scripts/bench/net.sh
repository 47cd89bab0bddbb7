#!/usr/bin/env bash
# Sourced by scripts/bench/run: the network benchmarks tcp, ping and tftp
# (issue 5, "Bars"), for our kernel, the Linux peer and, for tftp, iPXE, all
# on an emulated RTL8139 under the same QEMU options. See docs/bench.md.
#
# Both kernels run the same guest script, scripts/bench/init: the peer as its
# initramfs's /init, ours as /benchinit in a copy of the project's disk
# image (written with debugfs; QEMU opens it with snapshot=on). The guest
# only runs the clients; the host times them: netbench.py serves the TCP
# transfers and reads the ping times from the serial log, and every TFTP
# fetch is timed on the wire, from a QEMU filter-dump capture.
# shellcheck disable=SC2034,SC2154 # NET_BENCHES is for run, which sets do_ours and the rest

NET_BENCHES=(tcp ping tftp telnet)
NET_TCP_MIB=${NET_TCP_MIB:-64}
NET_TFTP_MIB=${NET_TFTP_MIB:-32}
NETBENCH_PY=$BENCH_TOP/scripts/bench/netbench.py
NETNS_TAP=$BENCH_TOP/scripts/bench/netns-tap
INIT_SRC=$BENCH_TOP/scripts/bench/init
NET_IMAGE=$BENCH_BUILD/ours-net.img
TFTP_DIR=$BENCH_BUILD/tftp
TFTP_FILE=big
IPXE_LKRN=${IPXE_LKRN:-/usr/lib/ipxe/ipxe.lkrn}
# Our kernel, for the benchmarks run by the guest script.
OUR_NET_APPEND='root=virtio console=ttyS0 init=/benchinit benchside=ours ip=10.0.2.15/24,10.0.2.2'
# Our kernel's own TFTP client (net/tftp.c via tftp_fetch, selftest=netsvc):
# blksize 1468 and windowsize 16 by default, cut by the server to what it
# allows. The selftest checks the sha256 and then makes a second, 64 KiB
# limited fetch, which the wire timing ignores.
OUR_TFTP_APPEND='selftest=netsvc console=ttyS0 ip=10.0.2.15/24,10.0.2.2 nettftpsrv=10.0.2.2'
# NET_TFTP_WIN=N asks our kernel for windowsize N instead.
if [[ -n ${NET_TFTP_WIN:-} ]]; then
	OUR_TFTP_APPEND+=" nettftpwin=$NET_TFTP_WIN"
fi

# net_prepare: the TFTP file (random, made once) and its sha256, and our
# kernel's image with the guest script.
net_prepare() {
	local big=$TFTP_DIR/$TFTP_FILE part
	if [[ ! -f $big ]] || (($(stat -c %s "$big") != NET_TFTP_MIB * 1048576)); then
		say "making the TFTP file: $NET_TFTP_MIB MiB of random data"
		mkdir -p "$TFTP_DIR"
		head -c "$((NET_TFTP_MIB * 1048576))" /dev/urandom >"$big.tmp"
		mv -f "$big.tmp" "$big"
	fi
	# atftpd wants a world-writable folder.
	chmod 0777 "$TFTP_DIR"
	TFTP_SHA=$(sha256sum "$big" | cut -d' ' -f1)
	((do_ours)) || return 0
	if [[ ! -f $OUR_IMAGE ]]; then
		say "ours: $OUR_IMAGE not found (make image builds it); our network runs are skipped"
		return 0
	fi
	if [[ -f $NET_IMAGE && $NET_IMAGE -nt $OUR_IMAGE && $NET_IMAGE -nt $INIT_SRC ]]; then
		return 0
	fi
	command -v debugfs >/dev/null || bench_die "debugfs not found (e2fsprogs)"
	say "writing scripts/bench/init into a copy of $OUR_IMAGE as /benchinit"
	part=$BENCH_BUILD/ours-net.part
	# Partition 1 starts at sector 2048 (image/build-image).
	dd if="$OUR_IMAGE" of="$part" bs=512 skip=2048 status=none
	printf '%s\n' "write $INIT_SRC benchinit" "sif benchinit mode 0100755" |
		debugfs -w -f - "$part" >"$BENCH_BUILD/debugfs.log" 2>&1 ||
		bench_die "debugfs failed (see $BENCH_BUILD/debugfs.log)"
	cp --sparse=always "$OUR_IMAGE" "$NET_IMAGE.tmp"
	dd if="$part" of="$NET_IMAGE.tmp" bs=512 seek=2048 conv=notrunc,sparse status=none
	rm -f "$part"
	mv -f "$NET_IMAGE.tmp" "$NET_IMAGE"
}

# net_args SERVER PCAP [FWD]: the NIC for QEMU_ARGS (set by
# bench_qemu_args): an RTL8139 on slirp (SERVER slirp, with its TFTP server
# on TFTP_DIR and FWD added to its options) or on the namespace's tap
# (SERVER tap, atftpd), with a capture to PCAP when given (64 bytes of each
# frame: the headers). Sets BENCH_WRAP for the tap.
net_args() {
	local server=$1 pcap=${2:-} fwd=${3:-}
	BENCH_WRAP=()
	if [[ $server == tap ]]; then
		QEMU_ARGS+=(-netdev "tap,id=n0,ifname=nbtap0,script=no,downscript=no")
		BENCH_WRAP=("$NETNS_TAP" "$TFTP_DIR")
	else
		QEMU_ARGS+=(-netdev "user,id=n0,tftp=${TFTP_DIR//,/,,}$fwd")
	fi
	QEMU_ARGS+=(-device "rtl8139,netdev=n0")
	if [[ -n $pcap ]]; then
		rm -f "$pcap"
		QEMU_ARGS+=(-object "filter-dump,id=f0,netdev=n0,file=${pcap//,/,,},maxlen=64")
	fi
}

# net_boot SIDE LOG WORDS [BASE]: boot SIDE (ours: with the image holding
# /benchinit; linux: the peer) with QEMU_ARGS, and WORDS added to the command
# line (ours: to BASE, by default OUR_NET_APPEND). Sets STATUS.
net_boot() {
	local side=$1 log=$2 append=$3 base=${4:-$OUR_NET_APPEND}
	STATUS=0
	case $side in
	ours)
		bench_boot "$log" -kernel "$OUR_KERNEL" -append "$base $append" \
			-drive "file=${NET_IMAGE//,/,,},format=raw,if=virtio,snapshot=on" || STATUS=$?
		;;
	linux)
		bench_boot "$log" -kernel "$PEER_DIR/vmlinuz" -initrd "$PEER_DIR/initrd.gz" \
			-append "console=ttyS0 quiet $append" || STATUS=$?
		;;
	esac
	BENCH_WRAP=()
}

# net_record SIDE FILE [NAME...]: record the "BENCH" lines of FILE for SIDE
# (under each NAME instead, when given: one figure that stands in several
# rows) and pass its error lines on.
net_record() {
	local side=$1 file=$2 name value unit n
	shift 2
	while read -r name value unit; do
		if (($#)); then
			for n in "$@"; do
				record "$side" "$n" "$value" "$unit"
			done
		else
			record "$side" "$name" "$value" "$unit"
		fi
	done < <(bench_results "$file")
	grep -h 'bench: error' "$file" | sed "s/^.*bench: error/bench: $side: error/" >&2 || true
}

# net_sides: the kernels to run, from --linux-only and --ours-only.
net_sides() {
	SIDES=()
	((do_linux)) && SIDES+=(linux)
	((do_ours)) && [[ -f $NET_IMAGE && -f $OUR_KERNEL ]] && SIDES+=(ours)
	return 0
}

# tcp: host to guest (tcp_rx) and guest to host (tcp_tx), NET_TCP_MIB each,
# with our nc on ours and busybox nc on Linux, the guest connecting to
# 10.0.2.2; on ours, busybox nc as well (tcp_*_busybox), whose Linux figure
# is the same busybox run. Then tcp_*_nettool: the same static program,
# user/nettool (sink, source; 256 KiB reads and writes), on both kernels,
# listening on a hostfwd port.
net_tcp() {
	local run=$1 side log host ports srv specs spec fwd i name value unit port
	net_sides
	for side in "${SIDES[@]}"; do
		log=$LOG_DIR/$side-tcp.$run.log
		host=$LOG_DIR/$side-tcp.$run.host
		ports=$BENCH_BUILD/tcp.ports
		specs=(tcp_rx:send tcp_tx:recv)
		[[ $side == ours ]] && specs+=(tcp_rx_busybox:send tcp_tx_busybox:recv)
		specs+=(tcp_rx_nettool:csend tcp_tx_nettool:crecv)
		rm -f "$ports" "$log"
		/usr/bin/python3 "$NETBENCH_PY" tcp --out "$host" --size "$((NET_TCP_MIB * 1048576))" \
			--log "$log" "${specs[@]}" >"$ports" &
		srv=$!
		for ((i = 0; i < 200; i++)); do
			grep -qx ready "$ports" 2>/dev/null && break
			sleep 0.05
		done
		spec="" fwd=""
		while read -r name port; do
			case $name in
			ready) continue ;;
			tcp_rx_nettool) fwd+=",hostfwd=tcp:127.0.0.1:$port-:5003" port=5003 ;;
			tcp_tx_nettool) fwd+=",hostfwd=tcp:127.0.0.1:$port-:5004" port=5004 ;;
			esac
			spec+=${spec:+,}$name:$port
		done <"$ports"
		bench_qemu_args
		net_args slirp "" "$fwd"
		net_boot "$side" "$log" "bench=tcp benchtcp=$spec benchsize=$((NET_TCP_MIB * 1048576))"
		kill "$srv" 2>/dev/null || true
		wait "$srv" 2>/dev/null || true
		collect "$side" tcp "$log" "$STATUS"
		net_record "$side" "$host"
		if [[ $side == linux ]]; then
			while read -r name value unit; do
				[[ $name == *_nettool ]] || record linux "${name}_busybox" "$value" "$unit"
			done < <(bench_results "$host")
		fi
	done
}

# ping: 100 pings to 10.0.2.2 (slirp), 20 ms apart; median and mean RTT.
net_ping() {
	local run=$1 side log
	net_sides
	for side in "${SIDES[@]}"; do
		log=$LOG_DIR/$side-ping.$run.log
		bench_qemu_args
		net_args slirp
		net_boot "$side" "$log" "bench=ping"
		collect "$side" ping "$log" "$STATUS"
		/usr/bin/python3 "$NETBENCH_PY" ping "$log" --label ping >"${log%.log}.host"
		net_record "$side" "${log%.log}.host"
	done
}

# telnet: keystroke-to-echo latency through the guest's telnet server and a
# shell (ours: /bin/telnetd; Linux: busybox telnetd), from the host over a
# hostfwd; netbench.py types and times, the guest only serves.
net_telnet() {
	local run=$1 side log port host_pid
	net_sides
	for side in "${SIDES[@]}"; do
		log=$LOG_DIR/$side-telnet.$run.log
		port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		rm -f "$log"
		/usr/bin/python3 "$NETBENCH_PY" telnet --port "$port" --log "$log" --label telnet_echo \
			>"${log%.log}.host" &
		host_pid=$!
		bench_qemu_args
		net_args slirp "" ",hostfwd=tcp:127.0.0.1:$port-:2323"
		net_boot "$side" "$log" "bench=telnet"
		wait "$host_pid" 2>/dev/null || true
		collect "$side" telnet "$log" "$STATUS"
		net_record "$side" "${log%.log}.host"
	done
}

# net_wire SIDE LABEL PCAP LOG NAME...: rate the fetch in PCAP and record it
# under each NAME; the capture's summary is kept as LOG's .wire file.
net_wire() {
	local side=$1 label=$2 pcap=$3 log=$4 wire
	shift 4
	wire=${log%.log}.wire
	if [[ -f $pcap ]]; then
		/usr/bin/python3 "$NETBENCH_PY" pcap "$pcap" --file "$TFTP_FILE" \
			--size "$((NET_TFTP_MIB * 1048576))" --label "$label" >"$wire"
		rm -f "$pcap"
	else
		echo "bench: error: $label: no capture" >"$wire"
	fi
	net_record "$side" "$wire" "$@"
}

# tftp: the NET_TFTP_MIB file from slirp's TFTP server (blksize only, lock
# step) and from atftpd on a tap (windowsize), by: our kernel's tftp_fetch
# (tftp_SERVER), our tftp tool (tftp_SERVER_tool), busybox tftp on Linux (the
# linux column of both rows) and iPXE (the ipxe column of both rows).
net_tftp() {
	local run=$1 server side log pcap script
	net_sides
	for server in slirp tap; do
		pcap=$BENCH_BUILD/tftp.pcap
		for side in "${SIDES[@]}"; do
			log=$LOG_DIR/$side-tftp_$server.$run.log
			bench_qemu_args
			net_args "$server" "$pcap"
			net_boot "$side" "$log" "bench=tftp benchtftp=$TFTP_FILE"
			collect "$side" "tftp_$server" "$log" "$STATUS"
			if ! grep -q "bench: tftp sha256 $TFTP_SHA" "$log"; then
				say "$side tftp_$server: error: no sha256 $TFTP_SHA in $log"
			fi
			if [[ $side == linux ]]; then
				net_wire linux "tftp_$server" "$pcap" "$log" "tftp_$server" "tftp_${server}_tool"
			else
				net_wire ours "tftp_${server}_tool" "$pcap" "$log"
				log=$LOG_DIR/ours-tftp_${server}_kernel.$run.log
				bench_qemu_args
				net_args "$server" "$pcap"
				net_boot ours "$log" "nettftp=$TFTP_FILE:$TFTP_SHA" "$OUR_TFTP_APPEND"
				collect ours "tftp_$server" "$log" "$STATUS"
				net_wire ours "tftp_$server" "$pcap" "$log"
			fi
		done
		[[ -f $IPXE_LKRN ]] || {
			say "ipxe: $IPXE_LKRN not found (Debian's ipxe package); skipped"
			continue
		}
		# iPXE's console is the VGA screen only: the log stays empty, the
		# capture tells. The script's `reboot` ends QEMU (-no-reboot).
		log=$LOG_DIR/ipxe-tftp_$server.$run.log
		script=$BENCH_BUILD/ipxe.script
		printf '%s\n' '#!ipxe' 'set net0/ip 10.0.2.15' 'set net0/netmask 255.255.255.0' \
			'set net0/gateway 10.0.2.2' 'ifopen net0' \
			"imgfetch tftp://10.0.2.2/$TFTP_FILE || echo failed" 'reboot' >"$script"
		bench_qemu_args
		net_args "$server" "$pcap"
		STATUS=0
		bench_boot "$log" -kernel "$IPXE_LKRN" -initrd "$script" || STATUS=$?
		BENCH_WRAP=()
		say "ipxe tftp_$server: exit status $STATUS (log: $log)"
		net_wire ipxe "tftp_$server" "$pcap" "$log" "tftp_$server" "tftp_${server}_tool"
	done
}
