#!/bin/sh
# Build capbench (Release, -O2) and run it; results go to bench/results/,
# the plot (when gnuplot is installed) to docs/benchmarks.png.
#
#	bench/run.sh [capbench options...]
#
# docs/BENCHMARKS.md was made with: bench/run.sh -r 50 -t 20 -n 100000
# Capability mode (capmodebench) runs after it; CAPMODE_ARGS (default
# "-r 30 -n 20000") are its options, CAPMODE_ONLY=1 skips capbench.
# Process descriptors (procbench) run last; PROC_ARGS (default "-r 15 -n 200")
# are its options, PROC_ONLY=1 runs procbench alone (no plot; the machine
# goes to proc-machine.txt, leaving capbench's machine.txt alone).
#
# Casper (casperbench) runs last; CASPER_ARGS (default "-r 15 -n 2000")
# are its options, CASPER_ONLY=1 runs casperbench alone (machine in
# casper-machine.txt).
#
# The command (cmdbench: programs bare, under capsicum run, under
# bubblewrap, which is installed from Debian for it) runs last;
# CMD_ARGS (default "-r 10 -n 20") are its options, CMD_ONLY=1 runs it alone
# (machine in cmd-machine.txt).
#
# BUILD_DIR (default /tmp/capsicum-bench-build) and CC are honoured.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-/tmp/capsicum-bench-build}
. "$root/tools/deps.sh"
drop_foreign_tree "$build" "$root"
out=$root/bench/results

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
	-DCAPSICUM_TESTS=OFF -DCAPSICUM_BENCH=ON >/dev/null
make -C "$build" capbench capmodebench procbench casperbench cmdbench capsicum_cmd >/dev/null
mkdir -p "$out"
machine=$out/machine.txt
[ "${PROC_ONLY:-0}" = 1 ] && machine=$out/proc-machine.txt
[ "${CASPER_ONLY:-0}" = 1 ] && machine=$out/casper-machine.txt
[ "${CMD_ONLY:-0}" = 1 ] && machine=$out/cmd-machine.txt

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "nproc: $(nproc)"
	echo "kernel: $(uname -srm)"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "cpu MHz: $(sed -n 's/^cpu MHz[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "spectre_v2: $(cat /sys/devices/system/cpu/vulnerabilities/spectre_v2 2>/dev/null || echo ?)"
	echo "bpf_jit_enable: $(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null || echo ?)"
	echo "libc: $(ldd --version 2>&1 | head -n 1)"
	echo "compiler: $(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt") -O2"
	echo "args: $*"
} >"$machine"

casper() {
	# Free, then with client and services on one CPU (docs/BENCHMARKS.md:
	# a wake-up across CPUs costs tens of microseconds in a VM).
	# shellcheck disable=SC2086
	"$build/bench/casperbench" ${CASPER_ARGS:--r 15 -n 2000} -o "$out/casper.tsv" |
		tee "$out/casper.md"
	# shellcheck disable=SC2086
	taskset -c 0 "$build/bench/casperbench" ${CASPER_ARGS:--r 15 -n 2000} \
		-o "$out/casper-1cpu.tsv" | tee "$out/casper-1cpu.md"
}
command_bench() {
	need_pkgs bubblewrap
	# shellcheck disable=SC2086
	"$build/bench/cmdbench" -c "$build/cmd/capsicum/capsicum" -b "$(command -v bwrap)" \
		${CMD_ARGS:--r 10 -n 20} | tee "$out/cmd.md"
}
if [ "${CASPER_ONLY:-0}" = 1 ]; then
	casper
	exit 0
fi
if [ "${CMD_ONLY:-0}" = 1 ]; then
	command_bench
	exit 0
fi
if [ "${PROC_ONLY:-0}" = 1 ]; then
	# shellcheck disable=SC2086
	"$build/bench/procbench" ${PROC_ARGS:--r 15 -n 200} -o "$out/proc.tsv" | tee "$out/proc.md"
	exit 0
fi
if [ "${CAPMODE_ONLY:-0}" != 1 ]; then
	"$build/bench/capbench" -v -o "$out/summary.tsv" -O "$out/raw.tsv" "$@" | tee "$out/results.md"
fi
# shellcheck disable=SC2086
"$build/bench/capmodebench" ${CAPMODE_ARGS:--r 30 -n 20000} -o "$out/capmode.tsv" |
	tee "$out/capmode.md"
if [ "${CAPMODE_ONLY:-0}" != 1 ]; then
	# shellcheck disable=SC2086
	"$build/bench/procbench" ${PROC_ARGS:--r 15 -n 200} -o "$out/proc.tsv" | tee "$out/proc.md"
	casper
	command_bench
fi

if command -v gnuplot >/dev/null 2>&1; then
	gnuplot -e "summary='$out/summary.tsv'; output='$root/docs/benchmarks.png'" \
		"$root/bench/plot.gp"
	echo "plot: docs/benchmarks.png"
else
	echo "gnuplot not found: no plot (apt-get install gnuplot-nox)" >&2
fi
