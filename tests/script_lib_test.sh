#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check's test of rootfs/script-lib.sh in the guest's shell (busybox
# sh), with stand-ins for poweroff, sha256sum, xl and xm-pattern.
# cmdline_vars reads the command line's settings with builtins only;
# xl_row runs a crashed xl list again; power_off tries
# again when poweroff crashes (init must never exit: the kernel panics);
# sha runs a crashed sha256sum again (a crashed reader must not pass for
# a disk that lost data); pattern starts a holder that died before
# holding its words once more, says so, and gives up after the second.
# Uses /tmp/pattern.ready as the guest does. Prints one line per case;
# exits 1 if any failed.
LIB=$(dirname "$0")/../rootfs/script-lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"; rm -f /tmp/pattern.ready' EXIT
failed=0

export T

# case_ NAME EXPECTED OUTPUT: one line of the result; OUTPUT's lines are
# joined with spaces
case_() {
	got=$(printf '%s' "$3" | tr '\n' ' ')
	if [ "$2" = "$got" ]; then
		echo "ok: $1"
	else
		echo "FAILED: $1"
		echo "  expected: $2"
		echo "  got:      $got"
		failed=1
	fi
}

# crashes N: the stand-ins below crash the next N times they run (one
# line of $T/crashes each)
crashes() {
	: >"$T/crashes"
	i=0
	while [ $i -lt "$1" ]; do
		echo x >>"$T/crashes"
		i=$((i + 1))
	done
}

printf '%s\n' 'console=hvc0 xmrole=domu kunit.filter_glob=none xmdomu=memory=128:maxmem=256 xm-x=1 xmshell xen_scrub_pages=0' >"$T/cmdline"
case_ "cmdline_vars: xm*= words and xen_scrub_pages as variables, nothing else" \
	"domu|memory=128:maxmem=256|0|unset|unset" \
	"$(busybox sh -c '. "$1"; cmdline_vars "$2"
		echo "$xmrole|$xmdomu|$xen_scrub_pages|${xmshell-unset}|${kunit_filter_glob-unset}"' sh "$LIB" "$T/cmdline")"

# A poweroff that crashes once (as busybox at exec here), then ends the
# shell as a real one ends the guest.
out=$(busybox sh -c '. "$1"
	n=0
	poweroff() { n=$((n + 1)); [ $n -lt 2 ] || exit 7; return 139; }
	power_off' sh "$LIB" 2>&1; echo "rc=$?")
case_ "power_off goes on after poweroff crashed, and says so" \
	"XM: platform poweroff-failed rc=139 rc=7" "$out"

# sha256sum crashing the first N times (status 139, as busybox here)
sum_() {
	printf abc >"$T/f"
	crashes "$1"
	busybox sh -c '. "$1"
		# in the subshell of sha: a file counts
		sha256sum() {
			[ -s "$T/crashes" ] || { command sha256sum "$@"; return; }
			sed -i 1d "$T/crashes"
			return 139
		}
		sha "$T/f"; echo "rc=$? sha=$sha"' sh "$LIB" 2>&1
}
abc=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
case_ "sha: the checksum of a file" "rc=0 sha=$abc" "$(sum_ 0)"
case_ "sha: a sha256sum that crashed is run again" "rc=0 sha=$abc" "$(sum_ 2)"
case_ "sha: three crashes give no checksum, and status 1" "rc=1 sha=" "$(sum_ 3)"

# xl list crashing the first N times, then printing its table
row_() {
	crashes "$1"
	busybox sh -c '. "$1"
		xl() {
			[ -s "$T/crashes" ] || { printf "Name   ID   Mem VCPUs\tState\ndomu    1   128     1     -b----      2.2\n"; return; }
			sed -i 1d "$T/crashes"
			return 139
		}
		xl_row domu; echo "rc=$? row=$row|"' sh "$LIB" 2>&1
}
case_ "xl_row: the last line, words one space apart" "rc=0 row=domu 1 128 1 -b---- 2.2|" "$(row_ 0)"
case_ "xl_row: an xl that crashed runs again" "rc=0 row=domu 1 128 1 -b---- 2.2|" "$(row_ 2)"
case_ "xl_row: three crashes give an empty row" "rc=0 row=|" "$(row_ 3)"

# xm-pattern: dies at start-up (rc 134, as on glibc's assertion) while
# $T/crashes has lines left, then holds: says ready and waits for USR1.
mkdir "$T/bin"
cat >"$T/bin/xm-pattern" <<'STUB'
#!/bin/sh
if [ -s "$T/crashes" ]; then
	sed -i 1d "$T/crashes"
	exit 134
fi
trap 'echo "XM: pattern mb=$1 bad_words=0 ok=yes"; exit 0' USR1
: >/tmp/pattern.ready
while :; do sleep 0.1; done
STUB
chmod +x "$T/bin/xm-pattern"

# hold DEATHS: pattern 16 with that many deaths at start-up; its output
# and status, then the holder's verdict on USR1
hold() {
	rm -f /tmp/pattern.ready
	crashes "$1"
	PATH="$T/bin:$PATH" busybox sh -c '. "$1"
		pattern 16 "$2/out" && echo "held rc=0" || { echo "held rc=1"; exit; }
		kill -USR1 "$pid"
		wait "$pid"
		cat "$2/out"' sh "$LIB" "$T" 2>&1
}

case_ "a holder that holds at once is used" \
	"held rc=0 XM: pattern mb=16 bad_words=0 ok=yes" "$(hold 0)"
case_ "a holder that died at start-up is said and started again" \
	"XM: platform pattern-holder-died mb=16 rc=134 try=1 held rc=0 XM: pattern mb=16 bad_words=0 ok=yes" \
	"$(hold 1)"
case_ "two deaths: said, and pattern fails" \
	"XM: platform pattern-holder-died mb=16 rc=134 try=1 XM: platform pattern-holder-died mb=16 rc=134 try=2 XM: pattern mb=16 error=not-ready held rc=1" \
	"$(hold 2)"
exit $failed
