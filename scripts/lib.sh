# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the build, boot and test scripts.
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The cache lives outside the clone so that every clone (and CI) reuses
# the unpacked kernel, ccache, Xen and the incremental build directories.
CACHE=${XENMEM_CACHE:-$HOME/.cache/xenp2m}
OUT=${XENMEM_OUT:-$ROOT/out}
LOGS=$OUT/logs
# KVER=6.1|6.12: the Debian kernel source we build on. Every per-version
# path takes KVER_SUFFIX (empty for 6.1, so its caches keep their names).
KVER=${KVER:-6.1}
case $KVER in
6.1) KVER_SUFFIX= ;;
6.12) KVER_SUFFIX=-6.12 ;;
*) echo "KVER=$KVER: only 6.1 and 6.12 are supported" >&2; exit 2 ;;
esac
export KVER
PRISTINE=$CACHE/linux-source-$KVER
# Each clone gets its own "ours" source tree and build directories, so
# two clones (or CI beside a developer) never build or boot each other's
# kernel; a new clone's start as copies of another's (tree.sh), so its
# first build is incremental.
CLONE_KEY=$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)
CLONE_DIR=$CACHE/clones/$CLONE_KEY
SRC_OURS=$CLONE_DIR/src-ours$KVER_SUFFIX
XEN_ROOT=$CACHE/xen/root
XEN_ELF=$CACHE/xen/xen-4.17.elf
BUILD_LOCK=$CACHE/build.lock
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# Paths relative to the cache let clones share ccache hits: from every
# build directory the source tree is the same relative path.
export CCACHE_BASEDIR=$CACHE

# A pyenv shim costs ~0.45 s a python3 call (make check makes ~900): the
# interpreter it stands for goes first on PATH, once for every script.
case $(command -v python3) in
*/shims/*) py=$(python3 -c 'import sys; print(sys.executable)') && export PATH=${py%/*}:$PATH ;;
esac
mkdir -p "$CACHE" "$CLONE_DIR" "$OUT" "$LOGS"
echo "$ROOT" >"$CLONE_DIR/clone-path"

T0=${T0:-$(date +%s)}
export T0

# step TAG MESSAGE: one progress line with the elapsed time of the job
step() {
	local tag=$1
	shift
	printf '[%s %4ss] %s\n' "$tag" $(($(date +%s) - T0)) "$*"
}

# fail_with_log LOG MESSAGE: say what failed, where the log is and the
# lines of it that explain the failure, then exit non-zero.
fail_with_log() {
	local log=$1
	shift
	echo "FAILED: $*" >&2
	echo "full log: $log" >&2
	if [ -f "$log" ]; then
		echo "---- last lines that matter ----" >&2
		{ grep -n -E 'error|Error|ERROR|\*\*\*|FAILED|No such|not found|panic|BUG' "$log" | tail -n 20
		  echo '----'; tail -n 15 "$log"; } >&2
	fi
	exit 1
}

# wait_with_progress PID SECONDS TAG COMMAND...: wait for a background
# job, printing "TAG ... <what COMMAND prints>" every SECONDS, and return
# the job's exit status.
wait_with_progress() {
	local pid=$1 every=$2 tag=$3 t=0
	shift 3
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		t=$((t + 1))
		[ $((t % every)) -eq 0 ] && step "$tag" "  ... $("$@")"
	done
	wait "$pid"
}

# BUILD_TAG=bench (make bench) builds each flavour a second time with
# configs/<tag>.config added, in its own directory, with its own initramfs.
BUILD_TAG=${BUILD_TAG:-}
TAG_SUFFIX=$KVER_SUFFIX${BUILD_TAG:+-$BUILD_TAG}

# kmake SRC OBJ ARGS...: Kbuild in tree SRC with objects in OBJ, called
# the one way every script does: the same CC and HOSTCC everywhere, or the
# next build finds its host tools changed and compiles everything again
kmake() {
	local src=$1 obj=$2
	shift 2
	make -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}

# The kernel build directory of a flavour: ours, baseline or kunit.
# The baseline builds the shared pristine tree, so its directory is shared.
build_dir() {
	case $1 in
	baseline) echo "$CACHE/build-baseline$TAG_SUFFIX" ;;
	*) echo "$CLONE_DIR/build-$1$TAG_SUFFIX" ;;
	esac
}

# hook_patches: the integration patches for KVER, in the order they
# apply: patches/*.patch (every version) and patches/$KVER/*.patch,
# merged by file name.
hook_patches() {
	local p
	for p in "$ROOT"/patches/*.patch "$ROOT/patches/$KVER"/*.patch; do
		[ -e "$p" ] && printf '%s\t%s\n' "$(basename "$p")" "$p"
	done | sort | cut -f2
}

# pack_cpio DIR: DIR's tree as a gzipped newc cpio on stdout. The kernel
# unpacks a concatenation of such archives as one initramfs.
pack_cpio() {
	(cd "$1" && find . -mindepth 1 | cpio -o -H newc --quiet) | gzip -4
}

# initramfs_path FLAVOUR [lean]: the dom0 initramfs of a flavour; the
# lean one lacks /boot (the domU's kernel and initramfs).
initramfs_path() {
	echo "$OUT/initramfs-$1$TAG_SUFFIX${2:+-$2}.cpio.gz"
}

# take_lock FD FILE TAG WHAT: hold the lock on FILE through descriptor FD
# for the rest of the script, saying what we wait for when it is busy
take_lock() {
	eval "exec $1>\"\$2\""
	if ! flock -n "$1"; then
		step "$3" "waiting for $4 (lock $2)"
		flock "$1"
	fi
}

# take_clone_lock TAG: one job at a time on this clone's source tree
take_clone_lock() {
	take_lock 8 "$CLONE_DIR/lock" "$1" "another job on this clone's kernel tree"
}

# take_build_lock TAG: this clone's tree, then one kernel build at a
# time on this machine (2 cores)
take_build_lock() {
	take_clone_lock "$1"
	take_lock 9 "$BUILD_LOCK" "$1" "another kernel build to finish"
}

# The source tree a flavour builds from.
src_dir() {
	case $1 in
	baseline) echo "$PRISTINE" ;;
	*) echo "$SRC_OURS" ;;
	esac
}
