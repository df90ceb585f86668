#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sparse (make C=2) over every C file of ours in the "ours" build; any
# warning in one of our files fails. Needs a built "ours" tree.
set -eu
. "$(dirname "$0")/lib.sh"

obj=$(build_dir ours)
log=$LOGS/sparse.log
take_build_lock sparse
"$ROOT/scripts/tree.sh"
targets=$(grep -E '^(arch|drivers|xenmem)/.*\.c$' "$SRC_OURS/.xenmem-manifest" | sed 's/\.c$/.o/')
step sparse "make C=2 on: $(echo $targets)"
kmake "$SRC_OURS" "$obj" C=2 CHECK=sparse $targets >"$log" 2>&1 || fail_with_log "$log" "sparse build"
ours=$(grep -E '^(arch|drivers|xenmem)/.*\.c$' "$SRC_OURS/.xenmem-manifest" | paste -sd'|')
warnings=$(grep -E "^($ours):[0-9]+:[0-9]+: (warning|error)" "$log" || true)
if [ -n "$warnings" ]; then
	echo "$warnings"
	echo "sparse: $(echo "$warnings" | wc -l) warning(s) in our files (log: $log)"
	exit 1
fi
step sparse "no sparse warnings in our files"
