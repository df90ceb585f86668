# SPDX-License-Identifier: GPL-2.0
# /xm/lib.sh: what our test scripts (tests/scripts/*.sh, run in the guest
# as DOM0_SCRIPT or DOMU_SCRIPT) share; they source it with ". /xm/lib.sh".
# No "set -e" in them: this platform's busybox now and then crashes at
# exec (README), so a read-only command that fails is tried again.

# fail MESSAGE: report the failure and end the script
fail() {
	echo "dom0-script FAILED: $*"
	exit 1
}

# try CMD...: CMD, up to three times
try() {
	"$@" && return 0
	"$@" && return 0
	"$@"
}

# domu_home: the id of domain "domu" in $id, its balloon's xenstore home
# (data/balloon/) in $k
domu_home() {
	id=$(try xl domid domu) && k=/local/domain/$id/data/balloon
}

# key NAME: the domU's data/balloon/NAME (after domu_home), or "missing"
key() {
	try xenstore-read "$k/$1" 2>/dev/null || echo missing
}

# wait_key NAME VALUE POLLS: look at key NAME every 0.5 s until it is
# VALUE, at most POLLS times; fail with what it stayed at and why
wait_key() {
	n=0
	while [ "$(key "$1")" != "$2" ]; do
		n=$((n + 1))
		[ $n -le "$3" ] || fail "$1 stayed at $(key "$1"), not $2" \
			"(stop_reason $(key stop_reason), floor_kb $(key floor_kb))"
		sleep 0.5
	done
}

# settle OP KB [STOPS]: look every 0.5 s (at most 240 times, count in $n)
# until current_kb OP KB with the balloon at rest: its stop_reason one
# of STOPS (default "none"). A PVH domU's target leaves out what its
# firmware takes, so current_kb is not the KiB written. On failure Xen
# prints the domain's nr_pages and max_pages on its console first.
settle() {
	n=0
	until [ "$(key current_kb)" "$1" "$2" ] 2>/dev/null &&
		case " ${3:-none} " in *" $(key stop_reason) "*) true ;; *) false ;; esac; do
		n=$((n + 1))
		[ $n -le 240 ] || {
			xl debug-keys q
			fail "current_kb stayed at $(key current_kb)" \
				"(target_kb $(key target_kb), stop_reason $(key stop_reason))"
		}
		sleep 0.5
	done
}

# said TAG FILE: xl's own words in FILE, one "TAG line" each (not its
# progress meter)
said() {
	while IFS= read -r l; do
		case $l in "" | *"progress:"*) ;; *) echo "$1 $l" ;; esac
	done <"$2"
}

# alive TAG: is domain "domu" there, and with which id and state? One
# "TAG alive=yes id=.. mem_mib=.. state=.." (or alive=no) line.
alive() {
	if try xl list domu >/tmp/xl-list.txt 2>&1; then
		while read -r a_name a_id a_mem _ a_state _; do
			[ "$a_name" = domu ] && l="id=$a_id mem_mib=$a_mem state=$a_state"
		done </tmp/xl-list.txt
		echo "$1 alive=yes $l"
		return 0
	fi
	echo "$1 alive=no xl_list=$(tail -n 1 /tmp/xl-list.txt | tr ' =' '_:')"
	return 1
}

# shutdown_domu TAG: end domain "domu" as a toolstack does and wait until
# it is gone (dom0's /init only ends the domain it created itself)
shutdown_domu() {
	try xl shutdown domu || fail "xl shutdown domu"
	n=0
	while xl list domu >/dev/null 2>&1; do
		n=$((n + 1))
		if [ $n -gt 60 ]; then
			# Xen's view of it on the serial console: vCPU state,
			# pending events, timers.
			xl list -v domu | tail -n 1
			xl debug-keys q
			xl debug-keys a
			fail "the domU did not power off (Xen's dump of it: serial log)"
		fi
		sleep 1
	done
	echo "$1 seconds=$n"
}

# restore_domu FILE TAG: "xl restore" FILE in the background, its console
# where dom0's /init reads the domU's, and wait until the new domain's
# balloon publishes its keys (domu_home sets id and k for it); one
# "TAG id=.. waited=SECONDS" line
restore_domu() {
	xl restore -c "$1" </dev/null >/tmp/domu-restored.log 2>&1 &
	n=0
	until domu_home 2>/dev/null && [ "$(key current_kb)" != missing ]; do
		n=$((n + 1))
		[ $n -le 120 ] || fail "the restored domU did not publish its balloon"
		sleep 1
	done
	echo "$2 id=$id waited=$n"
}

# pattern MIB OUT: start xm-pattern MIB (a domU's script) with its output
# in OUT and wait until it holds its words; its pid in $pid
pattern() {
	rm -f /tmp/pattern.ready
	xm-pattern "$1" >"$2" &
	pid=$!
	n=0
	until [ -e /tmp/pattern.ready ]; do
		n=$((n + 1))
		[ $n -le 240 ] || { echo "domu-error pattern of $1 MiB not ready"; exit 1; }
		sleep 0.5
	done
}

# check PID OUT TAG: have the pattern holder check its words; its verdict
# in one "domu-TAG mb=.. bad_words=.. ok=.." line
check() {
	kill -USR1 "$1"
	wait "$1"
	read -r l <"$2"
	echo "domu-$3 $l"
}
