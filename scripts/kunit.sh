#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run our KUnit suites under tools/testing/kunit/kunit.py on bare QEMU
# (x86_64, TCG, no Xen), from the "ours" source tree, then print the
# counts per suite. Exit status is non-zero on any failure, crash or
# missing suite. SUITE=glob runs only the matching suites.
set -eu
. "$(dirname "$0")/lib.sh"

obj=$(build_dir kunit)
KVER_CONFIG=
[ -f "$ROOT/configs/$KVER.config" ] && KVER_CONFIG=$ROOT/configs/$KVER.config
log=$LOGS/kunit-qemu$KVER_SUFFIX.log
mkdir -p "$obj"
take_build_lock kunit
"$ROOT/scripts/tree.sh"
step kunit "kunit.py run --arch=x86_64 (log: $log)"
set +e
(cd "$SRC_OURS" && python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--kunitconfig="$ROOT/configs/xen.config" \
	--kunitconfig="$ROOT/configs/ours.config" \
	${KVER_CONFIG:+--kunitconfig="$KVER_CONFIG"} \
	--build_dir="$obj" --jobs="$(nproc)" --timeout=900 \
	--make_options CC="ccache gcc" --make_options HOSTCC="ccache gcc" \
	--json="$OUT/kunit-qemu$KVER_SUFFIX.json" ${SUITE:+"$SUITE"}) >"$log" 2>&1 &
objects_in_build_dir() {
	echo "$(find "$obj" -name '*.o' | wc -l) objects in the build directory"
}
wait_with_progress $! 20 kunit objects_in_build_dir
rc=$?
set -e
# kunit.py's own closing lines, then our per-suite counts from the raw log.
grep -E 'Testing complete|Ran [0-9]+ tests|passed|failed|crashed|PASSED|FAILED|SKIPPED' "$log" |
	tail -n 40 || true
python3 "$ROOT/scripts/kunit_summary.py" --where qemu "$obj/test.log" || rc=1
[ $rc -eq 0 ] || fail_with_log "$log" "KUnit under kunit.py (exit $rc)"
step kunit "kunit.py: all suites passed"
