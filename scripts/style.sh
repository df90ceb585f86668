#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Style gate: scripts/checkpatch.pl --strict, run from the kernel tree, on
# every C file and header we own and on every patch in patches/ (all versions).
# Zero errors, warnings and checks, except the types listed per patch
# below, each with the reason it is a false positive.
set -u
. "$(dirname "$0")/lib.sh"

# EMBEDDED_FILENAME: the hook adds `source "xenmem/Kconfig"` to the
# top-level Kconfig; naming a file is what a source line does.
PATCH_IGNORE=EMBEDDED_FILENAME
# CAMELCASE (our files and the series): the kernel's own page-type helpers (__SetPageOffline,
# __ClearPageOffline) are CamelCase. checkpatch learns the kernel's
# CamelCase names from "git ls-files include/", and the pristine tree it
# runs from is not a git tree, so it flags every use of them.
FILE_IGNORE=CAMELCASE

bad=0
checked=0
cp_run() {
	local out
	out=$(cd "$PRISTINE" && perl scripts/checkpatch.pl --strict --quiet --show-types "$@" 2>&1)
	checked=$((checked + 1))
	if [ -n "$out" ]; then
		echo "$out"
		bad=$((bad + 1))
	fi
}

# tests/native: its C files; the shim headers under include/ define kernel
# macros the way user space needs them and are not kernel code.
for f in $(cd "$ROOT" && { find arch bench drivers include tests/kunit -name '*.[ch]'
	find tests/native -maxdepth 1 -name '*.c'; } 2>/dev/null | sort); do
	cp_run --ignore "$FILE_IGNORE" -f "$ROOT/$f"
done
for p in "$ROOT"/patches/*.patch "$ROOT"/patches/*/*.patch; do
	[ -e "$p" ] && cp_run --ignore "$PATCH_IGNORE" "$p"
done
# The series of "make patch", when it has been made.
# FILE_PATH_CHANGES asks whether MAINTAINERS needs an entry for new files:
# that entry is for upstream to assign when the series is merged.
for p in "$OUT"/series/0*.patch "$OUT"/series-6.12/0*.patch; do
	case $p in */0000-cover-letter.patch | *'*'*) continue ;; esac
	cp_run --ignore "$PATCH_IGNORE,FILE_PATH_CHANGES,$FILE_IGNORE" "$p"
done
echo "style: checkpatch --strict on $checked files and patches, $bad with findings"
[ $bad -eq 0 ]
