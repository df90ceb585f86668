#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the dom0 initramfs for a kernel flavour: busybox, rootfs/init, the
# Xen toolstack (xl, xenstored, xenconsoled, xen-init-dom0 and their
# libraries) and, under /boot, the same kernel with a small domU initramfs
# so that dom0 can start a PV domU of our kernel.
#
# usage: initramfs.sh ours|baseline   -> $OUT/initramfs-<flavour>.cpio.gz
#                                        and -lean.cpio.gz (no /boot)
set -eu
. "$(dirname "$0")/lib.sh"

flavour=${1:-ours}
bzimage=$(build_dir "$flavour")/arch/x86/boot/bzImage
out=$(initramfs_path "$flavour")
[ -f "$bzimage" ] || { echo "no kernel at $bzimage: build it first" >&2; exit 1; }

work=$(mktemp -d "$OUT/initramfs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# base_root DIR: busybox with all its applets where they usually live
# (the kernel runs /sbin/poweroff when Xen asks for a shutdown), our /init
base_root() {
	local d=$1 a
	mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root,boot,var,run}
	cp /bin/busybox "$d/bin/busybox"
	for a in $(/bin/busybox --list-full); do
		[ -e "$d/$a" ] || ln -s /bin/busybox "$d/$a"
	done
	cp "$ROOT/rootfs/init" "$d/init"
	cp "$ROOT/rootfs/bench.sh" "$d/bench.sh"
	chmod 755 "$d/init" "$d/bench.sh"
	mkdir -p "$d/xm"
	cp "$ROOT/rootfs/script-lib.sh" "$d/xm/lib.sh"
	cp "$work/xm-pattern" "$d/bin/xm-pattern"
	cp "$work/xm-sysfs-fuzz" "$d/bin/xm-sysfs-fuzz"
}

# copy_with_libs FILE DEST_DIR: a binary and every library ldd names,
# found in the unpacked Xen packages or on the host.
copy_with_libs() {
	local bin=$1 dest=$2 lib
	mkdir -p "$work/dom0/$dest"
	cp "$bin" "$work/dom0/$dest/"
	LD_LIBRARY_PATH=$XEN_ROOT/usr/lib/x86_64-linux-gnu ldd "$bin" |
		awk '/=>/ { print $3 } /^\s*\// { print $1 }' |
		while read -r lib; do
			[ -n "$lib" ] || continue
			mkdir -p "$work/dom0/lib/x86_64-linux-gnu"
			cp -L "$lib" "$work/dom0/lib/x86_64-linux-gnu/"
		done
}

step initramfs "building $out"
# The pattern holder of the balloon boot tests (rootfs/pattern.c).
gcc -static -O2 -o "$work/xm-pattern" "$ROOT/rootfs/pattern.c"
# The sysfs garbage writer of the sysfs-fuzz boot test (rootfs/sysfs-fuzz.c).
gcc -static -O2 -o "$work/xm-sysfs-fuzz" "$ROOT/rootfs/sysfs-fuzz.c"
base_root "$work/domu"
pack_cpio "$work/domu" >"$work/domu.cpio.gz"

base_root "$work/dom0"
# The toolstack, and the tools of xen-utils-4.17 a user's script may call
# (README, "Your own commands"). verify-stream-v2 is left out: it is a
# Python program and the initramfs has no Python.
for b in xl xenconsole xenstored xen-init-dom0 xenconsoled libxl-save-helper \
	xen-mfndump test-resource test-xenstore xentop xenperf xen-diag xenpm \
	lsevtchn readnotes xen-hvmctx xenctx xen-cpuid; do
	copy_with_libs "$XEN_ROOT/usr/lib/xen-4.17/bin/$b" usr/lib/xen-4.17/bin
done
# xenstore-read, -write, -ls, ...: one binary that acts on the name it is
# called by.
copy_with_libs "$XEN_ROOT/usr/bin/xenstore" usr/bin
for a in read write ls list exists rm chmod watch; do
	ln -s xenstore "$work/dom0/usr/bin/xenstore-$a"
done
# xentop's screen mode needs a terminal description (ncurses-base).
for t in l/linux v/vt100 v/vt220 x/xterm s/screen; do
	mkdir -p "$work/dom0/lib/terminfo/${t%/*}"
	cp "/lib/terminfo/$t" "$work/dom0/lib/terminfo/$t"
done
# xl aborts in pthread_cancel without libgcc_s; the loader lives in /lib64.
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$work/dom0/lib/x86_64-linux-gnu/"
mkdir -p "$work/dom0/lib64" "$work/dom0/var/lock"
cp -L /lib64/ld-linux-x86-64.so.2 "$work/dom0/lib64/"
mkdir -p "$work/dom0/etc/xen"
cp -r "$XEN_ROOT/etc/xen/scripts" "$XEN_ROOT/etc/xen/xl.conf" "$work/dom0/etc/xen/"
cp "$ROOT/rootfs/xm-block" "$work/dom0/etc/xen/scripts/xm-block"
# The lean one, for a dom0 that starts no domU: a dom0 of 96 MiB on 6.12
# could not unpack the domU's kernel and initramfs too. The full one is
# the lean one with /boot appended as a second archive.
lean=$(initramfs_path "$flavour" lean)
pack_cpio "$work/dom0" >"$lean.tmp"
mv "$lean.tmp" "$lean"
mkdir -p "$work/domu-files/boot"
cp "$bzimage" "$work/domu-files/boot/bzImage"
cp "$work/domu.cpio.gz" "$work/domu-files/boot/domu.cpio.gz"
{ cat "$lean" && pack_cpio "$work/domu-files"; } >"$out.tmp"
mv "$out.tmp" "$out"
step initramfs "done: $(du -k "$out" | cut -f1) KiB, $(du -k "$lean" | cut -f1) KiB without the domU's kernel and initramfs"
