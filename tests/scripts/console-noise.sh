#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of 52-console-lines-whole: while a second process makes the
# kernel print long messages without pause (through /dev/kmsg, on the
# other vCPU), print 1000 numbered lines that /init relays as "XM: script|".
# The test finds every one of them whole in the serial log.
# Every message to the console, none held back by /dev/kmsg's rate limit.
echo on >/proc/sys/kernel/printk_devkmsg
noise() {
	while :; do
		echo "xm-noise: a long kernel message to cut into the lines /init writes on the same console" >/dev/kmsg
	done
}
noise &
pid=$!
i=1
while [ $i -le 1000 ]; do
	echo "whole $i of 1000: the same text each time, nothing after it"
	i=$((i + 1))
done
kill $pid
