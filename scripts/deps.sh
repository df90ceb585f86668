#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the project needs on a Debian 12 machine. Idempotent and
# quiet when everything is present. Xen is never installed on the host:
# its .debs are unpacked into the cache.
set -eu
. "$(dirname "$0")/lib.sh"

APT_PKGS="linux-source-6.1 linux-source-6.12 linux-config-6.12 build-essential bc bison flex libelf-dev libssl-dev
dwarves python3 ccache qemu-system-x86 busybox-static cpio xz-utils kmod rsync
sparse gzip util-linux clang-14 libclang-rt-14-dev llvm-14 valgrind
grub-pc-bin grub-common xorriso mtools"
# clang-14 with libFuzzer (libclang-rt-14-dev), llvm-symbolizer (llvm-14)
# and valgrind: the native build of tests/native (fuzzers, native bench).
# grub-pc-bin, xorriso and mtools: grub-mkrescue for BOOT=grub.
# "deps.sh bench" (make bench) also wants gnuplot for out/bench/bench.png.
[ "${1:-}" = bench ] && APT_PKGS="$APT_PKGS gnuplot-nox"
XEN_DEBS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common
xenstore-utils libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1
libxenmisc4.17 libxenstore4 libxentoollog1 libyajl2 libxenhypfs1
libxendevicemodel1 libxentoolcore1"

install_apt_packages() {
	local missing=
	local p
	for p in $APT_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	step deps "apt-get install:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >"$LOGS/apt.log" 2>&1 || fail_with_log "$LOGS/apt.log" "apt-get update"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >>"$LOGS/apt.log" 2>&1 ||
		fail_with_log "$LOGS/apt.log" "apt-get install"
}

unpack_kernel_source() {
	[ -f "$PRISTINE/.unpacked" ] && return 0
	step deps "unpacking /usr/src/linux-source-$KVER.tar.xz into $CACHE"
	rm -rf "$PRISTINE"
	tar -C "$CACHE" -xf "/usr/src/linux-source-$KVER.tar.xz"
	touch "$PRISTINE/.unpacked"
}

unpack_xen() {
	[ -f "$CACHE/xen/.unpacked" ] && return 0
	local debs=$CACHE/xen/debs
	step deps "downloading and unpacking the Xen 4.17 .debs (not installed)"
	rm -rf "$CACHE/xen"
	mkdir -p "$debs" "$XEN_ROOT"
	# shellcheck disable=SC2086
	(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root $XEN_DEBS) \
		>"$LOGS/xen-debs.log" 2>&1 || {
		apt-get update -qq >>"$LOGS/xen-debs.log" 2>&1
		# shellcheck disable=SC2086
		(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root $XEN_DEBS) \
			>>"$LOGS/xen-debs.log" 2>&1 ||
			fail_with_log "$LOGS/xen-debs.log" "apt-get download of Xen"
	}
	local d
	for d in "$debs"/*.deb; do
		dpkg-deb -x "$d" "$XEN_ROOT"
	done
	gunzip -c "$XEN_ROOT"/boot/xen-4.17-amd64.gz >"$XEN_ELF"
	touch "$CACHE/xen/.unpacked"
}

# A clone's kernel tree and builds (~3 GB) go when the clone is gone.
prune_clone_dirs() {
	local d
	for d in "$CACHE"/clones/*/; do
		[ -f "$d/clone-path" ] || continue
		[ -d "$(cat "$d/clone-path")" ] && continue
		step deps "removing the kernel tree of a deleted clone: $(cat "$d/clone-path")"
		rm -rf "$d"
	done
}

install_apt_packages
prune_clone_dirs
unpack_kernel_source
unpack_xen
