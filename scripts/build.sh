#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a kernel: "ours" (pristine + patches + our files) or "baseline"
# (the unmodified 6.1 with the same config fragment). Incremental: the
# config is regenerated only when a fragment changes, and ccache backs
# the compiler. One line per stage with elapsed time; the full log is kept.
#
# usage: build.sh ours|baseline
set -eu
. "$(dirname "$0")/lib.sh"

flavour=${1:-ours}
case $flavour in
ours) fragments="$ROOT/configs/xen.config $ROOT/configs/ours.config" ;;
baseline) fragments="$ROOT/configs/xen.config" ;;
*) echo "usage: build.sh ours|baseline" >&2; exit 2 ;;
esac
# configs/$KVER.config: options one kernel version needs (if any).
[ -f "$ROOT/configs/$KVER.config" ] && fragments="$fragments $ROOT/configs/$KVER.config"
[ -n "$BUILD_TAG" ] && fragments="$fragments $ROOT/configs/$BUILD_TAG.config"
# BUILD_TARGETS="bzImage modules" also writes Module.symvers, which an
# out-of-tree module (bench/) needs to link against this tree.
targets=${BUILD_TARGETS:-bzImage}

src=$(src_dir "$flavour")
obj=$(build_dir "$flavour")
log=$LOGS/build-$flavour$TAG_SUFFIX.log
mkdir -p "$obj"

configure() {
	local want have
	want=$(cat $fragments | sha1sum | cut -d' ' -f1)
	have=$(cat "$obj/.xenmem-config" 2>/dev/null || true)
	[ "$want" = "$have" ] && [ -f "$obj/.config" ] && return 0
	step build "configuring $flavour$TAG_SUFFIX: tinyconfig + $(for f in $fragments; do basename "$f"; done | tr '\n' ' ')"
	{
		kmake "$src" "$obj" tinyconfig
		# shellcheck disable=SC2086
		KCONFIG_CONFIG="$obj/.config" "$src/scripts/kconfig/merge_config.sh" \
			-m -O "$obj" "$obj/.config" $fragments
		kmake "$src" "$obj" olddefconfig
	} >"$log" 2>&1 || fail_with_log "$log" "kernel configuration"
	# Every option a fragment asks for must have survived olddefconfig.
	local missing
	missing=$(grep -h '^CONFIG_' $fragments | while read -r l; do
		grep -qx "$l" "$obj/.config" || echo "$l"
	done)
	[ -z "$missing" ] || fail_with_log "$log" "options not in the final config: $missing"
	echo "$want" >"$obj/.xenmem-config"
}

objects_built() {
	echo "$(grep -c -E '^  (CC|AS|LD|AR)' "$log" || true) objects built so far"
}

compile() {
	step build "compiling $flavour$TAG_SUFFIX $targets (log: $log)"
	# shellcheck disable=SC2086
	kmake "$src" "$obj" -j"$(nproc)" $targets >>"$log" 2>&1 &
	wait_with_progress $! 20 build objects_built ||
		fail_with_log "$log" "kernel build ($flavour)"
}

take_build_lock build
[ "$flavour" = ours ] && "$ROOT/scripts/tree.sh"
: >"$log"
configure
compile
step build "$flavour ready: $obj/arch/x86/boot/bzImage ($(du -k "$obj/arch/x86/boot/bzImage" | cut -f1) KiB)"
