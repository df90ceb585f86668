#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 47-pvh-domu-migrate-refused (issue 14, bad
# input for a live migration). Three "xl migrate"s of the running PVH
# domU to this host (migrate() of /xm/lib.sh: "-s ''", xl pipes the
# stream into a shell command, the receiver):
# 1. "refused": the receiver is "false", it ends before it says a word;
# 2. "cut": "head -c 64 MiB" stands in front of "xl migrate-receive", so
#    the receiver gets about a quarter of the sender's first pass over the
#    256 MiB domU and dies with its domain half built. 64 MiB cuts in the
#    live phase (the domU is not suspended for it): the test checks that
#    the domU resumed once only, after the third;
# 3. "good": the usual receiver; it must go through, to a new domain.
# After each: which domains named "domu..." are there, is the very domain
# still running, does its balloon still move (down to 240 MiB after the
# first, back to 256 after the second), and after the cut, Xen's count of
# the domain against its balloon's. Every line starting with "start",
# "refused", "cut" or "good" is read by the test.
. /xm/lib.sh # fail try domu_home key settle said alive shutdown_domu migrate AT_REST

CUT=67108864

# copies TAG [POLLS]: the domains whose name starts with "domu", looked at
# every 0.5 s (at most POLLS more times) until "domu" alone is left; one
# "TAG copies=N names=A,B polls=N" line
copies() {
	n=0
	while :; do
		try xl list >/tmp/xl-all.txt 2>&1 || fail "xl list"
		c=0
		names=
		while read -r c_name _; do
			case $c_name in
			domu*) c=$((c + 1)) && names="$names${names:+,}$c_name" ;;
			esac
		done </tmp/xl-all.txt
		{ [ "$names" != domu ] && [ $n -lt "${2:-0}" ]; } || break
		n=$((n + 1))
		sleep 0.5
	done
	echo "$1 copies=$c names=${names:-none} polls=$n"
}

# move TAG MIB OP KB: "xl mem-set domu MIBm", then wait until the balloon
# is at rest with current_kb OP KB (a PVH domU's target leaves out what
# its firmware takes); one "TAG current_kb=.. stop_reason=.. polls=.." line
move() {
	try xl mem-set domu "${2}m" || fail "xl mem-set domu ${2}m"
	settle "$3" "$4" "$AT_REST"
	echo "$1 current_kb=$(key current_kb) target_kb=$(key target_kb)" \
		"stop_reason=$(key stop_reason) polls=$n"
}

# logdirty TAG: is Xen's log-dirty mode on for domain $id? Xen's "q" dump
# says so on its "paging assistance:" line. One "TAG id=.. log_dirty=yes|no"
# line (unknown: the dump of the domain is not in Xen's console ring).
logdirty() {
	try xl debug-keys q || fail "xl debug-keys q"
	try xl dmesg >/tmp/xen-q.txt || fail "xl dmesg"
	ld=unknown
	in=no
	while IFS= read -r l; do
		case $l in
		*"General information for domain $id:"*) in=yes ;;
		*"General information for domain"*) in=no ;;
		*"paging assistance:"*log_dirty*) [ $in = no ] || ld=yes ;;
		*"paging assistance:"*) [ $in = no ] || ld=no ;;
		esac
		# The domain's line comes first; its vCPUs' say less.
		case $l in *"paging assistance:"*) in=no ;; esac
	done </tmp/xen-q.txt
	echo "$1 id=$id log_dirty=$ld"
}

domu_home || fail "xl domid domu"
# The domU holds once its own steps are done: pattern held, disk written.
n=0
until grep -q 'hold until xl shutdown' /tmp/domu.log 2>/dev/null; do
	n=$((n + 1))
	[ $n -le 240 ] || fail "the domU did not reach its hold"
	sleep 0.5
done
settle -gt 0 "$AT_REST"
echo "start id=$id current_kb=$(key current_kb) target_kb=$(key target_kb)"
copies start-copies
logdirty start-logdirty

migrate refused "" false
copies refused-copies
alive refused-alive || fail "the domU is gone after the refused migration"
move refused-moved 240 -le 245760

migrate cut "" "head -c $CUT | xl migrate-receive"
# The sender waits 2 s at most for the receiver to end: the receiver's
# half-built domain may outlive it a little.
copies cut-at-return
copies cut-copies 60
alive cut-alive || fail "the domU is gone after the cut migration"
# The cut killed the sender's save helper (SIGPIPE) before its cleanup.
logdirty cut-logdirty
echo "cut-balloon current_kb=$(key current_kb) stop_reason=$(key stop_reason)"
move cut-moved 256 -ge 253952
alive cut-moved-alive || fail "the domU is gone"

migrate good ""
[ "$rc" = 0 ] || fail "the migration after the bad ones failed"
copies good-copies 20
settle -gt 0 "$AT_REST"
echo "good-balloon current_kb=$(key current_kb) stop_reason=$(key stop_reason)"
alive good-alive || fail "the migrated domU is gone"
logdirty good-logdirty
shutdown_domu good-shutdown
