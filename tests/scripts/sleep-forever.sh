#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DOM0_SCRIPT of boot test 38: a script that never ends.
echo "sleeping forever"
while :; do sleep 1; done
