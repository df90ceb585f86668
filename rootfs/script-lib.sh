# SPDX-License-Identifier: GPL-2.0
# /xm/lib.sh: what our test scripts (tests/scripts/*.sh, run in the guest
# as DOM0_SCRIPT or DOMU_SCRIPT) share; they source it with ". /xm/lib.sh".
# No "set -e" in them: this platform's busybox now and then crashes at
# exec (README), so a read-only command that fails is tried again.

# fail MESSAGE: report the failure and end the script
fail() {
	echo "${FAIL_TAG:-dom0-script} FAILED: $*"
	exit 1
}

# try CMD...: CMD, up to three times
try() {
	"$@" && return 0
	"$@" && return 0
	"$@"
}

# cmdline_vars FILE: the kernel command line in FILE as $CMDLINE, and its
# xm*= words (and xen_scrub_pages) as variables of those names, read with
# builtins only: a "$(...)" that crashed (README) would read as unset and
# skip a step in silence
cmdline_vars() {
	read -r CMDLINE <"$1"
	for w in $CMDLINE; do
		case $w in
		xm*=* | xen_scrub_pages=*)
			case ${w%%=*} in *[!a-z0-9_]*) ;; *) eval "${w%%=*}=\${w#*=}" ;; esac ;;
		esac
	done
}

# capture CMD...: CMD's output in $out; CMD or the subshell that ran it
# crashed (README) when it fails, so it runs again, three times in all;
# $out empty and 1 if it never went through
capture() {
	for _ in 1 2 3; do
		out=$("$@") && return 0
	done
	out=
	return 1
}

# xl_row ARGS...: the last line of "xl list ARGS", its words one space
# apart, in $row (empty if xl fails)
xl_row() {
	capture xl list "$@" 2>/dev/null
	row=${out##*"
"}
	# shellcheck disable=SC2086 # the row's words
	set -- $row
	row="$*"
}

# sha FILE: FILE's sha256 in $sha (empty, and 1, if it cannot be read)
sha() {
	capture sha256sum "$1" || { sha=; return 1; }
	sha=${out%% *}
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
# of STOPS (default "none"), on three looks in a row (the balloon
# publishes at most once a second: one look may still see the value it
# had before a new target). A PVH domU's target leaves out what its
# firmware takes, so current_kb is not the KiB written. On failure Xen
# prints the domain's nr_pages and max_pages on its console first.
settle() {
	n=0
	ok=0
	while [ $ok -lt 3 ]; do
		if [ "$(key current_kb)" "$1" "$2" ] 2>/dev/null &&
			case " ${3:-none} " in *" $(key stop_reason) "*) true ;; *) false ;; esac; then
			ok=$((ok + 1))
		else
			ok=0
		fi
		n=$((n + 1))
		[ $n -le 240 ] || {
			xl debug-keys q
			fail "current_kb stayed at $(key current_kb)" \
				"(target_kb $(key target_kb), stop_reason $(key stop_reason))"
		}
		[ $ok = 3 ] || sleep 0.5
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

# domu_shut: Xen's row of domain "domu" (xl list -v) in $row; true when it
# is listed shut down ("s" in its state), not yet destroyed
domu_shut() {
	xl_row -v domu
	# shellcheck disable=SC2086 # the row's words
	set -- $row
	case ${5:-} in *s*) return 0 ;; esac
	return 1
}

# say_missed_shutdown SECONDS: after domu_shut, the console line that names
# xl's missed shutdown (README), a platform glitch make check retries
say_missed_shutdown() {
	# shellcheck disable=SC2086 # the row's words
	set -- "$1" $row
	echo "XM: domu-platform xl-missed-shutdown state=$6 reason=${9:-} seconds=$1" >/dev/console
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
			domu_shut && say_missed_shutdown $n
			echo "$row"
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

# running PID: PID runs (a zombie, dead but not yet waited for, does not)
running() {
	while read -r k v _; do
		[ "$k" = State: ] && { [ "$v" != Z ]; return; }
	done 2>/dev/null <"/proc/$1/status"
	return 1
}

# pattern MIB OUT: start xm-pattern MIB with its output in OUT and wait
# until it holds its words; its pid in $pid. A holder that dies first
# (this platform's crash at exec, README) has held nothing: it is said as
# a platform glitch and started once more. 1 if none holds.
pattern() {
	for t in 1 2; do
		rm -f /tmp/pattern.ready
		xm-pattern "$1" >"$2" &
		pid=$!
		n=0
		while [ ! -e /tmp/pattern.ready ] && running "$pid"; do
			n=$((n + 1))
			[ $n -le 240 ] || break
			sleep 0.5
		done
		[ -e /tmp/pattern.ready ] && return 0
		running "$pid" && break
		wait "$pid"
		echo "XM: platform pattern-holder-died mb=$1 rc=$? try=$t"
	done
	echo "XM: pattern mb=$1 error=not-ready"
	return 1
}

# check PID OUT TAG: have the pattern holder check its words; its verdict
# in one "domu-TAG mb=.. bad_words=.. ok=.." line
check() {
	kill -USR1 "$1"
	wait "$1"
	read -r l <"$2"
	echo "domu-$3 $l"
}

# incoming_mib: MiB the receiving domain ("domu--incoming") holds so far
incoming_mib() {
	try xl list >/tmp/xl-in.txt 2>/dev/null
	while read -r i_name _ i_mem _; do
		[ "$i_name" = domu--incoming ] && { echo "$i_mem"; return; }
	done </tmp/xl-in.txt
	echo 0
}

# The stop_reasons of a domU's balloon at rest (settle's STOPS): at
# memory == maxmem the grant-table frames lent at boot stop the balloon
# just short of its target, so no_extra_pages is at rest too.
AT_REST="none no_extra_pages"

# migrate TAG [KB [RECEIVER]]: one "xl migrate" of domain "domu" to this
# host ("-s ''", the local stand-in for ssh: xl pipes the stream into the
# shell command RECEIVER, "xl migrate-receive" unless given; a test's
# RECEIVER may refuse or cut the stream), with "xl mem-set domu KBk" once the
# receiving domain holds nearly all the sender has: the sender's first
# pass over every page is done, so each page the balloon moves now was
# sent. One "TAG rc=.. seconds=.. old=.. id=.. memset_at=.. incoming_mib=.."
# line (when the target was set, and what the receiver then held), xl's
# words as "TAG-log" lines; a new domain's console goes on into
# /tmp/domu-restored.log.
migrate() {
	old=$id
	full=$(($(key current_kb) / 1024 - 8))
	t=$(date +%s)
	xl migrate -s "" domu "${3:-xl migrate-receive}" </dev/null >/tmp/$1.log 2>&1 &
	pid=$!
	sleep 1
	n=0
	got=0
	while [ -n "$2" ] && [ $n -lt 120 ] && kill -0 $pid 2>/dev/null &&
		got=$(incoming_mib) && [ "$got" -lt "$full" ]; do
		n=$((n + 1))
		sleep 0.5
	done
	at=$(($(date +%s) - t))
	[ -z "$2" ] || try xl mem-set domu "${2}k" || fail "xl mem-set domu ${2}k"
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
		"memset_at=$at incoming_mib=$got target_kb=$(key target_kb) current_kb=$(key current_kb)"
	said "$1-log" /tmp/$1.log
	[ $rc != 0 ] || xl console domu </dev/null >>/tmp/domu-restored.log 2>&1 &
}

# migrations N [KB:KB...]: N live migrations of domain "domu" to this
# host, the Ith target (KiB) set during the Ith (migrate()). One that
# aborts (the balloon moved under it) must leave the domU running; it
# is tried once more with the balloon at rest ("mig-Ir" lines). Then the
# target is set again (xl builds the new domain from the config the
# migration began with), and with the balloon at rest "mig-I" says what
# the balloon has and "mig-I-xen" what Xen counts for the domain.
migrations() {
	domu_home || fail "xl domid domu"
	settle -gt 0 "$AT_REST"
	echo "mig-start id=$id current_kb=$(key current_kb)"
	i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		kb=$(echo "$2:" | cut -d: -f$i)
		# A PVH domU's target leaves out what its firmware takes.
		op=-gt
		want=0
		if [ -n "$kb" ] && [ "$kb" -lt "$(key current_kb)" ]; then
			op=-le
			want=$kb
		elif [ -n "$kb" ]; then
			op=-ge
			want=$((kb - 8192))
		fi
		migrate "mig-$i" "$kb"
		if [ "$rc" != 0 ]; then
			settle $op $want "$AT_REST"
			migrate "mig-${i}r" ""
		fi
		[ -z "$kb" ] || try xl mem-set domu "${kb}k" || fail "xl mem-set domu ${kb}k"
		settle $op $want "$AT_REST"
		echo "mig-$i-rest id=$id current_kb=$(key current_kb) target_kb=$(key target_kb)"
		alive "mig-$i-xen" || fail "the domU is gone"
	done
}

# power_off: end the guest (/init's last step). Init must never exit, the
# kernel panics then, and poweroff itself can crash at exec on this
# platform (README): it is said as a platform glitch and tried again.
power_off() {
	while :; do
		poweroff -f
		echo "XM: platform poweroff-failed rc=$?"
		sleep 1
	done
}
