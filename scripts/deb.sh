#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make deb": Debian packages of our kernel for a real Debian 12 Xen host,
# built with the kernel's own bindeb-pkg.
#
# The config starts from Debian's own linux-image-amd64 config, so the
# kernel has the drivers a real dom0 needs: /boot/config-$(uname -r) when
# this host runs a Debian amd64 kernel, else the config inside Debian's
# linux-image package of the same 6.1 release (downloaded, not installed);
# for KVER=6.12, Debian's linux-config-6.12 (installed by deps.sh).
# DEB_CONFIG=fragment uses our small QEMU fragment instead (quick, for
# checking the packaging only; it will not drive real hardware).
#
# With Debian's config the build takes hours on 2 cores (thousands of
# modules); debug info is turned off to keep it within reason.
# DEB_ONLY=ours compiles only our directories (arch/x86/xen, drivers/xen,
# xenmem) with that config and packages nothing: a check, in minutes, that
# our code builds with the options of a real distribution kernel.
# DEB_ONLY=boot builds only the bzImage of that config (its built-in part:
# about 25 minutes cold on 2 cores, no modules) and boots it as dom0 on Xen
# in QEMU with a balloon sequence, the report as for "make run".
set -eu
. "$(dirname "$0")/lib.sh"

obj=$CLONE_DIR/build-deb$KVER_SUFFIX/obj
dest=$OUT/deb$KVER_SUFFIX
log=$LOGS/build-deb$KVER_SUFFIX.log
mode=${DEB_CONFIG:-debian}

debian_config() {
	local c img
	c=/boot/config-$(uname -r)
	case $KVER:$(uname -r) in
	6.1:6.1.*-amd64) [ -f "$c" ] && { echo "$c"; return; } ;;
	6.12:*)
		c=$CACHE/debian-config-6.12
		[ -f "$c" ] || xz -dc "/usr/src/linux-config-6.12/config.amd64_none_amd64.xz" >"$c" ||
			{ echo "cannot read Debian's 6.12 config (linux-config-6.12)" >&2; return 1; }
		echo "$c"
		return
		;;
	esac
	c=$CACHE/debian-config
	if [ ! -f "$c" ]; then
		img=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
		[ -n "$img" ] || { echo "cannot find Debian's linux-image-amd64 package" >&2; return 1; }
		step deb "extracting the config of Debian's $img (download only)" >&2
		local tmp
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$img" >/dev/null &&
			dpkg-deb --fsys-tarfile ./*.deb | tar -xO --wildcards './boot/config-*' >"$c.tmp")
		rm -rf "$tmp"
		mv "$c.tmp" "$c"
	fi
	echo "$c"
}

# dk ARGS...: make in our tree's Debian build directory, into the log
dk() {
	kmake "$SRC_OURS" "$obj" "$@" >>"$log" 2>&1
}

objects_built() {
	echo "$(grep -c -E '^  (CC|LD)' "$log" || true) objects built"
}

take_build_lock deb
"$ROOT/scripts/tree.sh"
mkdir -p "$obj" "$dest"
: >"$log"

if [ "$mode" = fragment ]; then
	step deb "config: tinyconfig + configs/xen.config"
	dk tinyconfig
	KCONFIG_CONFIG="$obj/.config" "$SRC_OURS/scripts/kconfig/merge_config.sh" -m -O "$obj" \
		"$obj/.config" "$ROOT/configs/xen.config" >>"$log" 2>&1
else
	base=$(debian_config)
	step deb "config: Debian's $(basename "$base") + Xen dom0 options"
	cp "$base" "$obj/.config"
	# Debian signs with its own keys, which we do not have; debug info
	# would multiply the build time and the package size. Memory
	# hotplug (XEN_BALLOON_MEMORY_HOTPLUG) stays as Debian has it: on.
	"$SRC_OURS/scripts/config" --file "$obj/.config" \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--disable MODULE_SIG_ALL --disable DEBUG_INFO_BTF \
		--disable DEBUG_INFO_DWARF5 --disable DEBUG_INFO_DWARF4 \
		--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --enable DEBUG_INFO_NONE \
		--enable XEN_PV --enable XEN_DOM0 --enable XEN_PV_DOM0 --enable XEN_BALLOON \
		--enable XEN_DEBUG_FS
	# The boot check's busybox initramfs loads no modules: what dom0 needs
	# to run a domU with a blkback disk (and the domU its blkfront) is
	# built in instead of as modules.
	[ "${DEB_ONLY:-}" != boot ] || "$SRC_OURS/scripts/config" --file "$obj/.config" \
		--enable XENFS --enable XEN_COMPAT_XENFS --enable XEN_DEV_EVTCHN \
		--enable XEN_GNTDEV --enable XEN_GRANT_DEV_ALLOC --enable XEN_PRIVCMD \
		--enable XEN_BLKDEV_BACKEND --enable XEN_BLKDEV_FRONTEND --enable BLK_DEV_LOOP
fi
dk olddefconfig || fail_with_log "$log" "configuration"
if [ "${DEB_ONLY:-}" = boot ]; then
	step deb "bzImage only, no modules (log: $log)"
	dk -j"$(nproc)" bzImage &
	wait_with_progress $! 60 deb objects_built || fail_with_log "$log" "bzImage"
	# boot.sh and initramfs.sh find a flavour's kernel in build-<flavour>.
	ln -sfn build-deb/obj "$CLONE_DIR/build-debcfg"
	"$ROOT/scripts/initramfs.sh" debcfg
	exec env KERNEL=debcfg NAME=${NAME:-debcfg} BALLOON="${BALLOON:-524288 2097152 1048576}" \
		${DOMU:+DOMU="$DOMU"} "$ROOT/scripts/boot.sh"
fi
if [ "${DEB_ONLY:-}" = ours ]; then
	step deb "compiling arch/x86/xen, drivers/xen and xenmem only (log: $log)"
	dk -j"$(nproc)" prepare || fail_with_log "$log" "make prepare"
	dk -j"$(nproc)" W=1 arch/x86/xen/ drivers/xen/ xenmem/ &
	wait_with_progress $! 30 deb objects_built || fail_with_log "$log" "our directories"
	# Warnings in the files we own (upstream's own files there are not ours).
	ours=$(cd "$ROOT" && find arch drivers include -name '*.[ch]' | sed 's/\./\\./g' | paste -sd'|')
	warnings=$(grep -E "(${ours}|xenmem/[^:]*):[0-9]+:[0-9]+: warning:" "$log" | sort -u)
	step deb "our directories build with this config; W=1 warnings: $(printf '%s' "$warnings" | grep -c . || true)"
	[ -z "$warnings" ] || echo "$warnings"
	exit 0
fi
step deb "bindeb-pkg -j$(nproc) (log: $log)"
rm -f "$CLONE_DIR"/build-deb/*.deb
dk -j"$(nproc)" LOCALVERSION=-xenmem bindeb-pkg &
wait_with_progress $! 60 deb objects_built || fail_with_log "$log" "bindeb-pkg"
rm -f "$dest"/*.deb
mv "$CLONE_DIR"/build-deb$KVER_SUFFIX/*.deb "$dest/"
step deb "packages in $dest:"
ls -1 "$dest"
