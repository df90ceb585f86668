#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check's test of rootfs/script-lib.sh in the guest's shell (busybox
# sh), with stand-ins for poweroff and xm-pattern: power_off tries again
# when poweroff crashes (init must never exit: the kernel panics), and
# pattern starts a holder that died before holding its words once more,
# says so, and gives up after the second. Uses /tmp/pattern.ready as the
# guest does. Prints one line per case; exits 1 if any failed.
LIB=$(dirname "$0")/../rootfs/script-lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"; rm -f /tmp/pattern.ready' EXIT
failed=0

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

# A poweroff that crashes once (as busybox at exec here), then ends the
# shell as a real one ends the guest.
out=$(busybox sh -c '. "$1"
	n=0
	poweroff() { n=$((n + 1)); [ $n -lt 2 ] || exit 7; return 139; }
	power_off' sh "$LIB" 2>&1; echo "rc=$?")
case_ "power_off goes on after poweroff crashed, and says so" \
	"XM: platform poweroff-failed rc=139 rc=7" "$out"

# xm-pattern: dies at start-up (rc 134, as on glibc's assertion) while
# $T/deaths has lines left, then holds: says ready and waits for USR1.
mkdir "$T/bin"
cat >"$T/bin/xm-pattern" <<'STUB'
#!/bin/sh
if [ -s "$T/deaths" ]; then
	sed -i 1d "$T/deaths"
	exit 134
fi
trap 'echo "XM: pattern mb=$1 bad_words=0 ok=yes"; exit 0' USR1
: >/tmp/pattern.ready
while :; do sleep 0.1; done
STUB
chmod +x "$T/bin/xm-pattern"
export T

# hold DEATHS: pattern 16 with that many deaths at start-up; its output
# and status, then the holder's verdict on USR1
hold() {
	rm -f /tmp/pattern.ready
	: >"$T/deaths"
	i=0
	while [ $i -lt "$1" ]; do echo x >>"$T/deaths"; i=$((i + 1)); done
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
