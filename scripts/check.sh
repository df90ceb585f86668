#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make check": KUnit under kunit.py on bare QEMU, then every boot test in
# tests/boot/*.test on Xen in QEMU. Prints a summary table and a closing
# "N passed, N failed" line; exits non-zero on any failure.
#
# usage: check.sh all|boot
set -u
. "$(dirname "$0")/lib.sh"

what=${1:-all}
results=()
passed=0
failed=0
mkdir -p "$OUT/reports"

record() {
	results+=("$(printf '%-6s %-28s %s' "$1" "$2" "$3")")
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# expect PYTHON_EXPR MESSAGE: assert on the test's JSON report (as "r").
expect() {
	if python3 - "$report" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2], {'r': r}) else 1)
PY
	then
		echo "  ok: $2"
	else
		echo "  FAILED: $2    [$1]"
		test_ok=0
	fi
}

run_boot_test() {
	local file=$1 name
	name=$(basename "$file" .test)
	(
		# Each test file sets the boot knobs and defines verify().
		unset BALLOON DOMU DOMU_BALLOON KUNIT_GLOB DOMU_KUNIT_GLOB HOLE TIMEOUT XM_ARGS
		MEM=3G
		DOM0_MEM=1024M,max:2048M
		KERNEL=ours
		set -a
		. "$file"
		set +a
		report=$OUT/reports/$name.json
		rm -f "$report"
		echo "---- boot test $name: $DESCRIPTION"
		test_ok=1
		NAME=$name REPORT=$report MEM=$MEM DOM0_MEM=$DOM0_MEM KERNEL=$KERNEL \
			"$ROOT/scripts/boot.sh" || test_ok=0
		if [ -f "$report" ]; then
			verify
		else
			echo "  FAILED: no report written"
			test_ok=0
		fi
		[ $test_ok = 1 ]
	)
}

# run_step NAME DESCRIPTION COMMAND...: one line of the summary
run_step() {
	local name=$1 desc=$2
	shift 2
	if "$@"; then
		record PASS "$name" "$desc"
	else
		record FAIL "$name" "$desc"
	fi
}

if [ "$what" = all ]; then
	"$ROOT/scripts/build.sh" ours || exit 1
	"$ROOT/scripts/initramfs.sh" ours || exit 1
	run_step series "make patch: the series applies with git am to pristine 6.1 and gives the built tree" \
		"$ROOT/scripts/series.sh"
	run_step style "checkpatch --strict on our files, hook patches and the series" \
		"$ROOT/scripts/style.sh"
	run_step sparse "make C=2 (sparse) on our C files, no warnings" \
		"$ROOT/scripts/sparse.sh"
	run_step distro-config "our directories compile with Debian's 6.1 config (KUnit off, W=1, no warnings in our files)" \
		env DEB_ONLY=ours "$ROOT/scripts/deb.sh"
	run_step kunit-qemu "kunit.py on bare QEMU (log: $LOGS/kunit-qemu.log)" \
		"$ROOT/scripts/kunit.sh"
fi

# platform_crash_only NAME: the failed run shows a user process crashing
# and no kernel error (BUG, WARN, Oops, panic, fault, Dom0 crashed). Such
# crashes happen on this Xen-in-TCG platform with the upstream kernel too
# (see README); one retry is allowed for them, and it is counted.
platform_crash_only() {
	python3 - "$OUT/reports/$1.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(1)
kernel = [e for e in r['errors'] if e['kind'] != 'timeout']
sys.exit(0 if r.get('user_crashes') and not kernel else 1)
PY
}

retried=0
# TESTS=glob runs only the boot tests whose names match (e.g. TESTS='4*').
for t in "$ROOT"/tests/boot/${TESTS:-*}.test; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .test)
	desc=$(sed -n 's/^DESCRIPTION="\(.*\)"/\1/p' "$t")
	if run_boot_test "$t"; then
		record PASS "$name" "$desc"
	elif platform_crash_only "$name" && echo "---- retrying $name once: a user process crashed (platform)" &&
		cp "$LOGS/boot-$name.log" "$LOGS/boot-$name.first.log" && run_boot_test "$t"; then
		retried=$((retried + 1))
		record PASS "$name" "$desc (retried once after a user-space crash: $LOGS/boot-$name.first.log)"
	else
		record FAIL "$name" "$desc (log: $LOGS/boot-$name.log)"
	fi
done

echo
echo "================ make check summary ================"
printf '%s\n' "${results[@]}"
echo "===================================================="
echo "boot tests retried after a platform user-space crash: $retried"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
