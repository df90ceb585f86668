#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 37: while the domU still runs, look at it with
# xl and xenstore, move its balloon, and run Xen's own test programs.
# Exits non-zero at the first thing that is not as expected.
set -e
fail() { echo "dom0-script FAILED: $*"; exit 1; }

xl list
state=$(xl list domu | tail -n 1 | tr -s ' ' | cut -d' ' -f5)
# Alive: running, blocked, or "------" (runnable, waiting for a CPU);
# not paused, shut down, crashed or dying.
case $state in
*p* | *s* | *c* | *d* | '') fail "domu is not alive: '$state'" ;;
*) echo "domu-state $state" ;;
esac
id=$(xl domid domu)
name=$(xenstore-read "/local/domain/$id/name")
[ "$name" = domu ] || fail "xenstore name of domain $id is '$name'"
echo "xenstore-name $name"
xl mem-set domu 96m
sleep 8
xl list domu
test-xenstore >/tmp/test-xenstore.log 2>&1 || { tail -n 5 /tmp/test-xenstore.log; fail "test-xenstore"; }
echo "test-xenstore rc=0"
test-resource >/tmp/test-resource.log 2>&1 || { tail -n 5 /tmp/test-resource.log; fail "test-resource"; }
echo "test-resource rc=0: $(tail -n 1 /tmp/test-resource.log)"
xen-mfndump dump-p2m "$id" >/tmp/mfndump.log 2>&1 || { tail -n 3 /tmp/mfndump.log; fail "xen-mfndump"; }
echo "xen-mfndump p2m-lines $(wc -l </tmp/mfndump.log)"
