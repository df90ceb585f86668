#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One refused-knob test of "make check": "make run ARGS" (or "make bench
# ARGS" when ARGS start with "bench") in a scratch output directory must
# exit non-zero within a few seconds, print exactly one "knob NAME=VALUE:
# ..." line that matches REGEX, and leave no build or boot log behind
# (nothing was built or booted).
#
# usage: knob-test.sh "ARGS" REGEX
set -u
. "$(dirname "$0")/lib.sh"

args=$1
want=$2
target=run
case $args in bench\ *) target=bench args=${args#bench } ;; esac
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
t=$(date +%s)
# shellcheck disable=SC2086
out=$(cd "$ROOT" && XENMEM_OUT=$scratch timeout 60 make --no-print-directory $target $args 2>&1)
rc=$?
t=$(($(date +%s) - t))
ok=1
lines=$(printf '%s\n' "$out" | grep -c '^knob ')
printf '  make %s %s -> exit %d in %d s: %s\n' $target "$args" $rc $t "$(printf '%s' "$out" | head -n 3)"
[ $rc -ne 0 ] || { echo "  FAILED: make $target accepted it"; ok=0; }
[ "$lines" = 1 ] || { echo "  FAILED: $lines knob lines, not 1"; ok=0; }
printf '%s\n' "$out" | grep '^knob ' | grep -q -E -- "$want" ||
	{ echo "  FAILED: the knob line does not match /$want/"; ok=0; }
built=$(find "$scratch" -name 'build-*.log' -o -name 'boot-*.log' -o -name 'initramfs*' | head -n 3)
[ -z "$built" ] || { echo "  FAILED: it built or booted: $built"; ok=0; }
[ $t -le 20 ] || { echo "  FAILED: it took $t s before refusing"; ok=0; }
[ $ok = 1 ]
