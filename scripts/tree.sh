#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bring the "ours" kernel source tree in line with the repo:
#   pristine linux-source-$KVER  +  hook patches  +  our files.
# The hook patches are patches/*.patch (every version) and
# patches/$KVER/*.patch, in file-name order. Each must apply with no
# fuzz: a patch that does not fit its context exactly stops the build.
# Only files whose content changes are rewritten, so make's timestamps
# stay meaningful and the build stays incremental. Files that an earlier
# sync changed but this one does not are restored to pristine (with a new
# timestamp, so they rebuild).
#
# Repo -> kernel path mapping:
#   arch/** drivers/** include/**       -> same path
#   Kconfig Kbuild tests/kunit/**       -> xenmem/...
set -eu
. "$(dirname "$0")/lib.sh"

manifest=$SRC_OURS/.xenmem-manifest
stage=$(mktemp -d "$CACHE/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# seed: a new clone starts from another clone's tree and build
# directories of this KVER (its own commit's files are synced below), so
# its first build is incremental; skipped when the other clone is busy.
seed() {
	local d donor copied=()
	# shellcheck disable=SC2012 # cache paths: no spaces; newest first
	donor=$(ls -td "$CACHE"/clones/*/src-ours"$KVER_SUFFIX"/.xenmem-manifest 2>/dev/null |
		sed "s#/src-ours$KVER_SUFFIX/.xenmem-manifest\$##" | grep -vxF "$CLONE_DIR" | head -n 1)
	[ -n "$donor" ] && [ -f "$donor/src-ours$KVER_SUFFIX/.copied" ] || return 1
	exec 7>"$donor/lock"
	flock -n 7 || return 1
	step tree "copying the tree and builds of the clone $(cat "$donor/clone-path") to $CLONE_DIR"
	rm -rf "$SRC_OURS"
	cp -a "$donor/src-ours$KVER_SUFFIX" "$CLONE_DIR/"
	for d in "$donor"/build-*; do
		[ -d "$d" ] || continue
		# this KVER's builds only: the release Kbuild wrote says which
		case $(cat "$d/include/config/kernel.release" 2>/dev/null) in
		"$KVER".*) ;;
		*) continue ;;
		esac
		d=${d#"$donor"/}
		rm -rf "${CLONE_DIR:?}/$d"
		cp -a "$donor/$d" "$CLONE_DIR/"
		copied+=("$CLONE_DIR/$d")
	done
	exec 7>&-
	# Kbuild's records name the source tree by its absolute path.
	step tree "$("$ROOT/scripts/seed_clone.py" "$(basename "$donor")" "$CLONE_KEY" "${copied[@]}")"
}

if [ ! -f "$SRC_OURS/.copied" ] && ! seed; then
	step tree "copying the pristine tree to $SRC_OURS"
	rm -rf "$SRC_OURS"
	cp -a "$PRISTINE" "$SRC_OURS"
	rm -f "$SRC_OURS/.unpacked"
	touch "$SRC_OURS/.copied"
fi

# 1. The files the patches touch, taken from pristine and patched.
for p in $(hook_patches); do
	for f in $(sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' "$p"); do
		if [ ! -e "$stage/$f" ] && [ -e "$PRISTINE/$f" ]; then
			mkdir -p "$(dirname "$stage/$f")"
			cp "$PRISTINE/$f" "$stage/$f"
		fi
	done
	if ! patch -p1 -F0 -d "$stage" --no-backup-if-mismatch <"$p" \
		>"$LOGS/patch.log" 2>&1; then
		fail_with_log "$LOGS/patch.log" "hook patch ${p#"$ROOT"/} does not apply to $KVER exactly (no fuzz allowed)"
	fi
done

# 2. Our own files, whole.
(cd "$ROOT" && find arch drivers include -type f 2>/dev/null) | while read -r f; do
	mkdir -p "$(dirname "$stage/$f")"
	cp "$ROOT/$f" "$stage/$f"
done
for f in Kconfig Kbuild; do
	mkdir -p "$stage/xenmem"
	cp "$ROOT/$f" "$stage/xenmem/$f"
done
(cd "$ROOT" && find tests/kunit -type f \( -name '*.[ch]' -o -name Makefile \)) |
	while read -r f; do
		mkdir -p "$(dirname "$stage/xenmem/$f")"
		cp "$ROOT/$f" "$stage/xenmem/$f"
	done

# 3. Sync into the tree, rewriting only what differs.
(cd "$stage" && find . -type f | sed 's#^\./##' | sort) >"$stage.list"
changed=0
while read -r f; do
	if ! cmp -s "$stage/$f" "$SRC_OURS/$f"; then
		mkdir -p "$(dirname "$SRC_OURS/$f")"
		rm -f "$SRC_OURS/$f"
		cp "$stage/$f" "$SRC_OURS/$f"
		changed=$((changed + 1))
	fi
done <"$stage.list"
restored=0
if [ -f "$manifest" ]; then
	comm -23 "$manifest" "$stage.list" | while read -r f; do
		rm -f "$SRC_OURS/$f"
		if [ -e "$PRISTINE/$f" ]; then
			cp "$PRISTINE/$f" "$SRC_OURS/$f"
			touch "$SRC_OURS/$f"
		fi
	done
	restored=$(comm -23 "$manifest" "$stage.list" | wc -l)
fi
mv "$stage.list" "$manifest"
step tree "source tree in sync: $(wc -l <"$manifest") files ours or patched, $changed rewritten, $restored restored to pristine"
