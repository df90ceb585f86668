#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 47-pvh-domu-migrate (issue 14). Live-migrate
# the PVH domU to this same host twice ("xl migrate -s ''", the local
# stand-in for ssh) while its balloon moves: "xl mem-set" to 192 MiB a
# second after the first migration starts, back to 256 MiB during the
# second. A migration that aborts must leave the domU running; it is
# tried once more when the balloon is at rest. After each, the balloon's
# keys are in the new domain's home and, the target set again, it
# reaches it. The domU's console is attached again after each migration,
# so its last lines (pattern, accounting) reach the report. Every line
# starting with "mig-" is read by the test.
. /xm/lib.sh # fail try domu_home key settle alive said shutdown_domu

# migrate TAG: one "xl migrate"; "TAG rc=.. seconds=.. old=.. id=.."
migrate() {
	old=$id
	t=$(date +%s)
	xl migrate -s "" domu "xl migrate-receive" </dev/null >/tmp/$1.log 2>&1 &
	pid=$!
	sleep 1
	[ -z "$2" ] || try xl mem-set domu "$2" || fail "xl mem-set domu $2"
	wait $pid
	rc=$?
	# The receiving xl may still be naming the new domain "domu" when
	# the sending one has ended.
	n=0
	until domu_home 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 20 ] || fail "no domain domu after $1"
		sleep 0.5
	done
	echo "$1 rc=$rc seconds=$(($(date +%s) - t)) old=$old id=$id" \
		"target_kb=$(key target_kb) current_kb=$(key current_kb)"
	said "$1-log" /tmp/$1.log
	[ $rc != 0 ] || xl console domu </dev/null >>/tmp/domu-restored.log 2>&1 &
}

# move N MIB OP KB: migration N with "xl mem-set domu MIB" a second after
# it starts. Should it abort (the balloon moved under it), the domU runs
# on: let the balloon come to rest (current_kb OP KB), then migrate again.
move() {
	migrate "mig-$1" "${2}m"
	[ "$rc" = 0 ] && return
	settle "$3" "$4" "$AT_REST"
	migrate "mig-${1}r" ""
}

# At memory == maxmem the grant-table frames lent at boot stop the
# balloon just short of its target: no_extra_pages is at rest too.
AT_REST="none no_extra_pages"

domu_home || fail "xl domid domu"
settle -ge 253952 "$AT_REST"
echo "mig-start id=$id current_kb=$(key current_kb)"
move 1 192 -le 196608
# xl builds the new domain from the config it sent when the migration
# began: a target set meanwhile may be lost there. Set it again, as a
# toolstack that watches its guests does.
try xl mem-set domu 192m || fail "xl mem-set domu 192m"
settle -le 196608 "$AT_REST"
echo "mig-down id=$id current_kb=$(key current_kb) target_kb=$(key target_kb)"
alive mig-down-xen || fail "the domU is gone"
move 2 256 -ge 253952
try xl mem-set domu 256m || fail "xl mem-set domu 256m"
settle -ge 253952 "$AT_REST"
echo "mig-up id=$id current_kb=$(key current_kb) target_kb=$(key target_kb)"
alive mig-up-xen || fail "the domU is gone"
shutdown_domu mig-shutdown
