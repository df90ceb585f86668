#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The native (user-space) builds of p2m.c and memplan.c (tests/native/):
#
#   native.sh build          compile the fuzzers and the benchmark
#   native.sh fuzz           make fuzz: each fuzzer FUZZ_SECONDS (300), corpus
#                            kept in $CACHE/fuzz-corpus/<name>/
#   native.sh fuzz-check     make check: the regression inputs, then a fixed
#                            number of inputs per fuzzer (FUZZ_RUNS_P2M,
#                            FUZZ_RUNS_MEMPLAN) from the committed seeds, -seed=1
#   native.sh bench          make native-bench: lookup times (NATIVE_PROCS=7
#                            processes of NATIVE_RUNS=11 passes) and
#                            cachegrind counts, table and
#                            out/bench/native.json (NATIVE_SIZES="4 64 1024")
#
# No kernel build and no QEMU. Logs: out/logs/native-*.log, fuzz-*.log.
set -eu
. "$(dirname "$0")/lib.sh"

NATIVE=$ROOT/tests/native
BIN=$OUT/native
FUZZERS="p2m memplan"
FUZZ_RUNS_P2M=${FUZZ_RUNS_P2M:-4000}
FUZZ_RUNS_MEMPLAN=${FUZZ_RUNS_MEMPLAN:-80000}

native_build() {
	local log=$LOGS/native-build.log
	step native "building tests/native (clang-14: fuzzers with ASan+UBSan, benchmark)"
	make -C "$NATIVE" O="$BIN" >"$log" 2>&1 ||
		fail_with_log "$log" "native build of p2m.c / memplan.c"
}

# fuzz_fail NAME LOG: the fuzzer's own report, and how to replay the input
fuzz_fail() {
	local name=$1 log=$2 crash
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	echo "FAILED: fuzz-$name" >&2
	echo "full log: $log" >&2
	echo "---- what the fuzzer reported ----" >&2
	grep -E "^fuzz-$name:|runtime error|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|^    #[0-9] .* in (p2m|memplan|xen_|check|op_|one_input)" \
		"$log" | head -n 20 >&2
	[ -n "$crash" ] && echo "input: $crash (replay: $BIN/fuzz-$name $crash)" >&2
	return 1
}

# run_fuzzer NAME LOG ARGS...: one libFuzzer run, artifacts in out/fuzz/
run_fuzzer() {
	local name=$1 log=$2
	shift 2
	mkdir -p "$OUT/fuzz"
	"$BIN/fuzz-$name" -artifact_prefix="$OUT/fuzz/$name-" -print_final_stats=1 \
		"$@" >"$log" 2>&1 &
	if ! wait_with_progress $! 15 "fuzz-$name" fuzz_progress "$log"; then
		fuzz_fail "$name" "$log"
		return 1
	fi
}

fuzz_progress() {
	grep -a -E '^#[0-9]+' "$1" | tail -n 1 | cut -c1-100
}

# The inputs of earlier failures must pass (each reproduced its bug).
fuzz_regress() {
	local name=$1
	local log=$LOGS/fuzz-$name-regress.log
	local inputs=("$NATIVE"/regress/"$name"/*)
	[ -e "${inputs[0]}" ] || return 0
	"$BIN/fuzz-$name" "${inputs[@]}" >"$log" 2>&1 || {
		fuzz_fail "$name" "$log"
		return 1
	}
	step "fuzz-$name" "${#inputs[@]} regression input(s) pass"
}

fuzz_check() {
	local name runs seeds t0 bad=0 total
	native_build
	for name in $FUZZERS; do
		case $name in
		p2m) runs=$FUZZ_RUNS_P2M ;;
		memplan) runs=$FUZZ_RUNS_MEMPLAN ;;
		esac
		fuzz_regress "$name" || { bad=1; continue; }
		# libFuzzer adds what it finds to its first directory: a copy.
		seeds=$OUT/fuzz/seeds-$name
		rm -rf "$seeds"
		mkdir -p "$seeds"
		cp "$NATIVE"/seeds/"$name"/* "$NATIVE"/regress/"$name"/* "$seeds"/ 2>/dev/null || true
		t0=$(date +%s)
		step "fuzz-$name" "$runs inputs from $(ls "$seeds" | wc -l) seeds (-seed=1; log $LOGS/fuzz-$name.log)"
		if run_fuzzer "$name" "$LOGS/fuzz-$name.log" -runs="$runs" -seed=1 \
			-max_len=2048 -len_control=10 "$seeds"; then
			total=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOGS/fuzz-$name.log")
			step "fuzz-$name" "ok: ${total:-?} inputs in $(($(date +%s) - t0)) s, no crash, no ASan/UBSan report"
		else
			bad=1
		fi
	done
	[ $bad -eq 0 ]
}

fuzz_long() {
	local name corpus secs=${FUZZ_SECONDS:-300} bad=0 total
	native_build
	for name in $FUZZERS; do
		fuzz_regress "$name" || { bad=1; continue; }
		corpus=$CACHE/fuzz-corpus/$name
		mkdir -p "$corpus"
		step "fuzz-$name" "$secs s, corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
		if run_fuzzer "$name" "$LOGS/fuzz-$name.log" -max_total_time="$secs" \
			-max_len=2048 -len_control=10 "$corpus" "$NATIVE/seeds/$name" "$NATIVE/regress/$name"; then
			total=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOGS/fuzz-$name.log")
			step "fuzz-$name" "ok: ${total:-?} inputs, corpus now $(ls "$corpus" | wc -l)"
		else
			bad=1
		fi
	done
	[ $bad -eq 0 ]
}

native_bench() {
	local size runs=${NATIVE_RUNS:-11} procs=${NATIVE_PROCS:-7} log n
	native_build
	command -v valgrind >/dev/null || fail_with_log /dev/null "valgrind missing: make deps"
	mkdir -p "$OUT/bench"
	for size in ${NATIVE_SIZES:-4 64 1024}; do
		# Each process's passes agree within ~1%; two processes of the
		# same binary differ by up to 35% (their memory's placement), so
		# the cells are taken over processes.
		for n in $(seq "$procs"); do
			log=$LOGS/native-bench-$size-$n.log
			step native "guest of $size GiB: wall time, process $n/$procs, $runs passes"
			"$BIN/p2m-bench" time "$size" "$runs" >"$log" 2>&1 ||
				fail_with_log "$log" "p2m-bench time $size"
		done
		step native "guest of $size GiB: cachegrind"
		valgrind --tool=cachegrind --cache-sim=yes \
			--cachegrind-out-file="$OUT/bench/cachegrind-$size.out" \
			"$BIN/p2m-bench" cg "$size" >"$LOGS/native-cg-$size.log" 2>&1 ||
			fail_with_log "$LOGS/native-cg-$size.log" "cachegrind of p2m-bench $size"
	done
	python3 "$ROOT/scripts/native_bench.py" --out "$OUT/bench/native.json" --procs "$procs" \
		--logs "$LOGS" --cg "$OUT/bench" ${NATIVE_SIZES:-4 64 1024}
}

case ${1:-} in
build) native_build ;;
fuzz) fuzz_long ;;
fuzz-check) fuzz_check ;;
bench) native_bench ;;
*)
	echo "usage: $0 build|fuzz|fuzz-check|bench" >&2
	exit 2
	;;
esac
