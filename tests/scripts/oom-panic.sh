#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 39: a script that crashes dom0 (out of memory
# with panic_on_oom set: tail keeps one endless line of /dev/zero).
echo 1 >/proc/sys/vm/panic_on_oom
echo "filling memory"
tail /dev/zero
