#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make check": KUnit under kunit.py on bare QEMU, then every boot test in
# tests/boot/*.test on Xen in QEMU. Prints a summary table and a closing
# "N passed, N failed" line; exits non-zero on any failure.
#
# Two kernels: everything runs on 6.1; on 6.12 the build, the series,
# KUnit and the boot tests whose KVERS lists 6.12 (a test's KVERS says
# which kernels it boots, "6.1" by default). A 6.12 run of a test is named
# <test>-6.12. CHECK_KVERS="6.12" (or "6.1") limits a run to one kernel;
# BOOT_KVERS="6.1 6.12" boots every test on the kernels it names instead
# of each test's own KVERS (the whole matrix on 6.12: BOOT_KVERS=6.12).
#
# usage: check.sh all|boot
set -u
. "$(dirname "$0")/lib.sh"

what=${1:-all}
results=()
failures=()
passed=0
failed=0
mkdir -p "$OUT/reports" "$LOGS/check"

# record PASS|FAIL NAME DESCRIPTION: one line of the summary. What a step
# printed is kept in $LOGS/check/NAME.txt (see logged); a failure's is
# digested after the summary by why_failed.
record() {
	results+=("$(printf '%-6s %-28s %s' "$1" "$2" "$3")")
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$2")
	fi
}

# logged NAME COMMAND...: run COMMAND, show and keep what it prints in
# $LOGS/check/NAME.txt; its exit status.
logged() {
	local name=$1
	shift
	"$@" 2>&1 | tee "$LOGS/check/$name.txt"
	return "${PIPESTATUS[0]}"
}

# why_failed NAME: the lines that explain a failure, at the very end of
# the output where a CI log's tail shows them: a boot test's failed
# assertions, its console errors and, after a timeout, the console's last
# lines; for any other step the last lines it printed.
why_failed() {
	local name=$1 kept=$LOGS/check/$1.txt report=$OUT/reports/$1.json
	echo "FAIL $name (all it printed: $kept)"
	if [ -f "$report" ] && grep -q '^---- boot test' "$kept" 2>/dev/null; then
		grep -E '^  FAILED' "$kept" | head -8
		python3 - "$report" "$LOGS/boot-$name.log" "$ROOT/scripts" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[3])
import report
r = json.load(open(sys.argv[1]))
for e in r['errors'][:4]:
    print('  console (%s, %s): %s' % (e['where'], e['kind'], e.get('line', '')[:160]))
for who in ('dom0_script', 'domu_script'):
    s = r.get(who) or {}
    if s and (not s.get('ended') or s.get('rc')):
        print('  %s (rc %s), its last lines:' % (who.replace('_', ' '), s.get('rc')))
        for line in s.get('output', [])[-6:]:
            print('    ' + line[:160])
d = r.get('domu') or {}
if d and not d.get('finished'):
    print("  the domU's last kernel messages:")
    for line in d.get('messages', [])[-4:]:
        print('    ' + line[:160])
if r.get('xen_dump'):
    print("  Xen's state at the time limit:")
    for line in list(report.dump_lines(r))[:12]:
        print('    ' + line[:160])
if r.get('outcome') in ('timeout', 'qemu-failed'):
    print('  last console lines (%s):' % sys.argv[2])
    with open(sys.argv[2], errors='replace') as f:
        for line in f.read().splitlines()[-6:]:
            print('    ' + line[:160])
PY
	else
		tail -n 12 "$kept" 2>/dev/null | sed 's/^/  /'
	fi
}

# expect PYTHON_EXPR MESSAGE: assert on the test's JSON report (as "r").
# domu_steps(r) pairs each "xl mem-set" step of the domU with the domU's
# last balloon report for it: an HVM-style guest (PVH) works toward the
# target less what its firmware and special pages take, the offset it
# showed at boot (memory= less its first requested_kb; 0 for PV).
# script_kv(r, word[, 'domu_script']) is the K=V pairs of the first line
# of dom0's (or the domU's) script that starts with WORD ({} when there is
# none).
expect() {
	if python3 - "$report" "$1" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))


def domu_steps(r):
    d = r['domu']
    follow = d['balloon_follow']
    memory = int(dict(kv.split('=') for kv in d['spec'].split(':'))['memory']) * 1024
    off = memory - int(follow[0]['requested_kb'])
    return [(s, ([f for f in follow if int(f['requested_kb']) == int(s['target_kb']) - off]
                 or [None])[-1]) for s in d['mem_steps']]


def script_kv(r, word, script='dom0_script'):
    out = (r[script] or {}).get('output', [])
    line = next((l for l in out if l.startswith(word + ' ')), '')
    return dict(re.findall(r'(\w+)=(\S+)', line))


try:
    ok = eval(sys.argv[2], {'r': r, 're': re, 'domu_steps': domu_steps,
                            'script_kv': script_kv})
except (LookupError, TypeError, ValueError, AttributeError) as e:
    print('  (the report lacks what this assertion reads: %r)' % e)
    ok = False
sys.exit(0 if ok else 1)
PY
	then
		echo "  ok: $2"
	else
		echo "  FAILED: $2    [$1]"
		test_ok=0
	fi
}

# expect_dom0_healthy: the assertions every dom0 of the boot matrix shares.
# The test's BALLOON goes below the boot size, asks for the ceiling (boot
# size + balloon room, or more) and ends back at the boot size.
expect_dom0_healthy() {
	local n steps='r["balloon_steps"]' boot='int(r["balloon"]["current_kb"])'
	local ceiling='int(r["balloon"]["current_kb"]) + int(r["balloon"]["low_kb"])'
	# A step is fine when it reached its target, stopped exactly at a
	# clamped target, or stopped short because Xen or the allocator said no.
	local fine='s.get("reached") == "yes" or (s.get("clamped") == "yes" and s.get("stop") in ("safe_floor", "max_reservation", "no_extra_pages")) or s.get("stop") in ("hypercall_refused", "allocation_pressure")'
	n=$(echo "${BALLOON:-}" | wc -w)
	expect 'r["dom0_reached_init"] and r["dom0_finished"]' "dom0 ran /init to the end"
	expect 'not r["errors"]' "no BUG, WARN, Oops, panic or crash"
	expect 'r["p2m_check"] == "ok" and r["p2m_check_end"] == "ok"' \
		"P2M consistency check clean at boot and after ballooning"
	expect 'any("xen_memory: P2M brk budget" in m for m in r["messages"])' \
		"the memory setup reported its brk budget"
	expect "$n >= 3 and len($steps) == $n and r['balloon'] is not None" \
		"all $n balloon steps reported (down, up to the ceiling, back)"
	expect "all($fine for s in $steps)" \
		"every step reached, or clamped / stopped short with a reason in info/stop_reason"
	expect "any(int(s['current_kb']) < $boot for s in $steps)" "ballooned below the boot size"
	expect "any(int(s['target_kb']) >= $ceiling for s in $steps)" \
		"asked for the ceiling: boot size + the balloon room"
	expect "int(${steps}[-1]['target_kb']) == $boot and ${steps}[-1]['reached'] == 'yes'" \
		"back at the boot size"
	expect "all(s.get('parked_kb') == '0' for s in $steps) and r['balloon_end'].get('parked_kb') == '0'" \
		"no pfn parked"
	expect "all(s.get('accounted') == 'yes' and s.get('xen_kb') == s['current_kb'] for s in $steps) and r['balloon_end'].get('accounted') == 'yes'" \
		"accounting ok: current_kb = Xen's reservation, every page accounted for"
}

# expect_grub_map N: Xen came up from GRUB, and none of the N MAP_CUT
# ranges is RAM in the map Xen printed or in dom0's E820.
expect_grub_map() {
	expect 'r["bootloader"] is not None and r["bootloader"].startswith("GRUB")' \
		"Xen was loaded by GRUB ($BOOT)"
	expect "len(r['map_cuts']) == $1 and not r['map_cuts_in_ram']" \
		"none of the $1 cut ranges is RAM in Xen's map or dom0's E820"
}

# expect_no_crash: what a hostile setting must never do: crash in Xen
# (Dom0 crashed, domain_crash) or panic. A clear stop is a power-off.
expect_no_crash() {
	expect 'r["outcome"] == "poweroff" and not [e for e in r["errors"] if e["kind"] in ("Dom0 crashed", "Xen panic", "panic", "crash")]' \
		"no crash in Xen (Dom0 crashed, domain_crash, a Xen panic) and no kernel panic"
}

# expect_hostile_dom0_mem: a tiny start with a huge max: (Xen accepts it)
# boots like any other dom0, and the memory setup caps the balloon room at
# XEN_MEMPLAN_EXTRA_RATIO (8, memplan.h) times the start and says so.
expect_hostile_dom0_mem() {
	expect_no_crash
	expect_dom0_healthy
	expect 'any("xen_memory: balloon room capped" in m for m in r["messages"])' \
		"the cap of the balloon room was logged"
	expect 'int(r["balloon"]["low_kb"]) == 8 * int(r["balloon"]["current_kb"])' \
		"the balloon room is 8x the start, not max:"
	expect 'any(s.get("stop") == "no_extra_pages" and s.get("clamped") == "yes" for s in r["balloon_steps"])' \
		"asked for max:, dom0 stopped at the end of its room (no_extra_pages)"
}

# expect_no_qemu_left: the QEMU of this test is gone
expect_no_qemu_left() {
	if pgrep -f "qemu-system.*$LOGS/boot-$name\.log" >/dev/null; then
		echo "  FAILED: a QEMU of this test is still running"
		test_ok=0
	else
		echo "  ok: no QEMU of this test is left running"
	fi
}

# boot: what a test runs unless it defines its own boot() (make shell
# through a pseudo-terminal, for one).
boot() {
	"$ROOT/scripts/boot.sh"
}

run_boot_test() {
	local file=$1 name=$2
	(
		# Each test file sets the boot knobs and defines verify(). A test
		# with EXPECT_RESULT=FAIL must fail the way its verify() says.
		unset KVERS SCRUB BALLOON DOMU DOMU_BALLOON KUNIT_GLOB DOMU_KUNIT_GLOB HOLE TIMEOUT XM_ARGS \
			DOM0_SCRIPT DOMU_SCRIPT SCRIPT_TIMEOUT EXPECT_RESULT QEMU_CPU BOOT MAP_CUT DOMU_TYPE \
			DOMU_MIGRATE
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
		NAME=$name REPORT=$report MEM=$MEM DOM0_MEM=$DOM0_MEM KERNEL=$KERNEL boot
		rc=$?
		if [ "${EXPECT_RESULT:-PASS}" = FAIL ]; then
			[ $rc = 1 ] && echo "  ok: the run failed, as it must" ||
				{ echo "  FAILED: the run exited $rc, not 1 (FAIL)"; test_ok=0; }
		elif [ $rc != 0 ]; then
			test_ok=0
		fi
		if [ -f "$report" ]; then
			verify
		else
			echo "  FAILED: no report written"
			test_ok=0
		fi
		[ $test_ok = 1 ]
	)
}

# Every refused knob of tests/knobs.txt: "make run" stops at once with
# one line naming the knob, before anything is built or booted.
run_knob_tests() {
	local name args want
	# Fields trimmed by read (IFS), never globbed: a pattern's ".*"
	# would match the checkout's dot files.
	while IFS='|' read -r name args want; do
		read -r name <<<"$name"
		read -r args <<<"$args"
		read -r want <<<"$want"
		case $name in '#'* | '') continue ;; esac
		run_step "knob-$name" "make run $args is refused with one line, nothing built" \
			"$ROOT/scripts/knob-test.sh" "$args" "$want"
	done <"$ROOT/tests/knobs.txt"
}

# run_step NAME DESCRIPTION COMMAND...: one line of the summary
run_step() {
	local name=$1 desc=$2
	shift 2
	if logged "$name" "$@"; then
		record PASS "$name" "$desc"
	else
		record FAIL "$name" "$desc"
	fi
}

# kver_wanted V: V is among the kernels this run covers.
kver_wanted() {
	case " ${CHECK_KVERS:-6.1 6.12} " in *" $1 "*) return 0 ;; esac
	return 1
}

# ready V: kernel V built with its initramfs, once per run, recorded as a
# step; with "all" also its series, its build with Debian's config and
# KUnit on bare QEMU. Returns non-zero when V did not build.
declare -A ready_state
ready() {
	local v=$1 sfx=
	case ${ready_state[$v]:-} in ok) return 0 ;; failed) return 1 ;; esac
	ready_state[$v]=failed
	[ "$v" = 6.1 ] || sfx=-$v
	run_step "build$sfx" "Linux $v with our files and its hook patches builds, and its initramfs" \
		env KVER="$v" sh -c '"$0"/deps.sh && "$0"/build.sh ours && "$0"/initramfs.sh ours' \
		"$ROOT/scripts"
	[ "${results[-1]%% *}" = PASS ] || return 1
	ready_state[$v]=ok
	[ "$what" = all ] || return 0
	run_step "series$sfx" "make patch KVER=$v: the series applies with git am to pristine $v and gives the built tree" \
		env KVER="$v" "$ROOT/scripts/series.sh"
	run_step "distro-config$sfx" "our directories compile with Debian's $v config (KUnit off, W=1, no warnings in our files)" \
		env KVER="$v" DEB_ONLY=ours "$ROOT/scripts/deb.sh"
	run_step "kunit-qemu$sfx" "kunit.py on bare QEMU, Linux $v (log: $LOGS/kunit-qemu$sfx.log)" \
		env KVER="$v" "$ROOT/scripts/kunit.sh"
}

if [ "$what" = all ]; then
	for v in 6.1 6.12; do
		kver_wanted "$v" && ready "$v"
	done
	run_step style "checkpatch --strict on our files, hook patches and the series" \
		"$ROOT/scripts/style.sh"
	run_step sparse "make C=2 (sparse) on our C files, no warnings" \
		"$ROOT/scripts/sparse.sh"
	run_step fuzz "libFuzzer+ASan+UBSan on p2m.c and memplan.c in user space: regression inputs, then a fixed number of inputs each (logs: $LOGS/fuzz-*.log)" \
		"$ROOT/scripts/native.sh" fuzz-check
	run_step report "the boot report finds /init's lines cut into by kernel messages, and calls a PVH domU's triple fault on an instruction that exits to Xen a platform glitch, any other an error" \
		python3 "$ROOT/tests/report_test.py"
	run_step script-lib "the guests' shell helpers: settings read without subshells, a crashed poweroff is tried again (init never exits), so is a crashed checksum or xl list, and a pattern holder that died at start is started once more (busybox sh, stand-ins)" \
		timeout 300 "$ROOT/tests/script_lib_test.sh"
	run_step bench-summary "make bench's summary names a boot without results or a module that did not load, and exits non-zero; native cells span processes" \
		python3 "$ROOT/tests/bench_summary_test.py"
	run_knob_tests
fi

# platform_glitch_only NAME: the failed run shows a platform glitch (a user
# process crashing, xl missing a domU's shutdown that Xen shows, a PVH
# domU triple-faulting with Xen's own state in it or on an instruction
# that exits to Xen) and no kernel error (BUG, WARN, Oops, panic, fault,
# Dom0 crashed, any other triple fault).
# They happen on this Xen-in-TCG platform (see README); one retry is
# allowed for them, and it is counted.
platform_glitch_only() {
	python3 - "$OUT/reports/$1.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(1)
kernel = [e for e in r['errors'] if e['kind'] != 'timeout']
sys.exit(0 if (r.get('user_crashes') or r.get('platform_events')) and not kernel else 1)
PY
}

retried=0
ran_reports=()
# TESTS=glob runs only the boot tests whose names match (e.g. TESTS='4*').
for t in "$ROOT"/tests/boot/${TESTS:-*}.test; do
	[ -f "$t" ] || continue
	desc=$(sed -n 's/^DESCRIPTION="\(.*\)"/\1/p' "$t")
	kvers=$(sed -n 's/^KVERS="\(.*\)"/\1/p' "$t")
	for kver in ${BOOT_KVERS:-${kvers:-6.1}}; do
		kver_wanted "$kver" || continue
		name=$(basename "$t" .test)
		[ "$kver" = 6.1 ] || name=$name-$kver
		if ! ready "$kver"; then
			record FAIL "$name" "$desc (Linux $kver did not build)"
			continue
		fi
		ran_reports+=("$OUT/reports/$name.json")
		if KVER=$kver logged "$name" run_boot_test "$t" "$name"; then
			record PASS "$name" "$desc"
		elif platform_glitch_only "$name" && echo "---- retrying $name once: a platform glitch (see its report)" &&
			cp "$LOGS/boot-$name.log" "$LOGS/boot-$name.first.log" &&
			KVER=$kver logged "$name" run_boot_test "$t" "$name"; then
			retried=$((retried + 1))
			record PASS "$name" "$desc (retried once after a platform glitch: $LOGS/boot-$name.first.log)"
		else
			record FAIL "$name" "$desc (log: $LOGS/boot-$name.log)"
		fi
	done
done

echo
echo "================ make check summary ================"
printf '%s\n' "${results[@]}"
echo "===================================================="
echo "boot tests retried after a platform glitch: $retried"
# kunit.py's raw log counts only when this run wrote it.
kunit_log=$(build_dir kunit)/test.log
if [ "$what" != all ] || [ ! -f "$kunit_log" ] || [ "$(stat -c %Y "$kunit_log")" -lt "$T0" ]; then
	kunit_log=
fi
python3 "$ROOT/scripts/summary.py" --failed "$failed" ${kunit_log:+--kunit-log "$kunit_log"} \
	"${ran_reports[@]}"
if [ "$failed" -gt 0 ]; then
	echo "---------------- why it failed ----------------"
	for f in "${failures[@]}"; do
		why_failed "$f"
	done
fi
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
