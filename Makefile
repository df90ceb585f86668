# SPDX-License-Identifier: GPL-2.0
#
# Xen PV guest memory for Linux 6.1: build, boot on Xen 4.17 in QEMU, test.
# "make help" lists the targets and knobs.

KERNEL   ?= ours
KVER     ?= 6.1
MEM      ?= 3G
HOLE     ?=
DOM0_MEM ?= 1024M,max:2048M
BALLOON  ?=
DOMU     ?=
REPORT   ?=
SUITE    ?=
TESTS    ?=
DOM0_SCRIPT ?=
DOMU_SCRIPT ?=
SCRIPT_TIMEOUT ?= 120
BOOT     ?= direct
DOMU_TYPE ?=
DOMU_MIGRATE ?=
MAP_CUT  ?=
export KERNEL KVER MEM HOLE DOM0_MEM BALLOON DOMU REPORT SUITE TESTS
export DOM0_SCRIPT DOMU_SCRIPT SCRIPT_TIMEOUT BOOT MAP_CUT DOMU_TYPE DOMU_MIGRATE

.PHONY: help run shell check deps knobs build kunit boot-tests initramfs clean

help:
	@echo 'Targets:'
	@echo '  make run     install what is missing, build, boot Xen + dom0, print the report'
	@echo '  make shell   the same boot with the console here and a shell in dom0 (xl, xenstore-*, ...);'
	@echo '               poweroff or Ctrl-a x ends it'
	@echo '  make check   every test: KUnit on bare QEMU, then the boot tests on Xen'
	@echo '  make build   build the kernel only (KERNEL=ours|baseline)'
	@echo '  make kunit   KUnit suites under kunit.py on bare QEMU only (SUITE=glob)'
	@echo '  make boot-tests  the boot tests only (tests/boot/*.test; TESTS=glob; CHECK_KVERS=6.1|6.12:'
	@echo '               one kernel; BOOT_KVERS="6.1 6.12": every test on those kernels, not its KVERS)'
	@echo '  make patch   git format-patch series against pristine 6.1 in out/series/, checked with git am'
	@echo '  make bench   ours vs unmodified 6.1 in one run: P2M lookups/sets, balloon, P2M pages, boot'
	@echo '               (~30 min; table on stdout, out/bench/bench.json, out/bench/bench.png; BENCH_BOOTS=5)'
	@echo '  make native-bench  P2M lookups on the host CPU: our tree vs a linear-list model, wall time'
	@echo '               and cachegrind (tests/native; ~5 min; NATIVE_PROCS=7 NATIVE_RUNS=11 NATIVE_SIZES="4 64 1024")'
	@echo '  make fuzz    the libFuzzer targets (planner, tree operations) FUZZ_SECONDS=300 each;'
	@echo '               corpus in $${XENMEM_CACHE:-~/.cache/xenp2m}/fuzz-corpus/'
	@echo '  make deb     linux-image .deb of our kernel for a Debian 12 Xen host (out/deb/; DEB_CONFIG=fragment)'
	@echo '               DEB_ONLY=ours: compile only our directories with that config (make check does);'
	@echo '               DEB_ONLY=boot: its bzImage only, booted as dom0 with a balloon sequence'
	@echo '  make clean   remove out/ (logs, initramfs, reports); the cache stays'
	@echo 'Knobs (make run):'
	@echo '  DOM0_MEM=1024M,max:2048M  Xen dom0_mem (also min:Z)'
	@echo '  MEM=3G                    QEMU RAM (-m)'
	@echo '  HOLE=                     QEMU -machine pc,max-ram-below-4g= (e.g. 2G, 2364M)'
	@echo '  BALLOON="kb kb ..."       dom0 balloon target_kb values applied in turn'
	@echo '  DOMU=memory=128,maxmem=256  start a PV domU of our kernel with xl in dom0'
	@echo '  DOMU_TYPE=pv|pvh          the domU as PV (default) or PVH (memory < maxmem: populate-on-demand)'
	@echo '  DOMU_MIGRATE=N            (pvh) live-migrate the domU to this host N times, the'
	@echo '                            DOMU_BALLOON steps set during them'
	@echo '  KERNEL=ours|baseline      ours, or the unmodified kernel (KVER) with the same config'
	@echo '  KVER=6.1|6.12             the Debian kernel source to build on (run, shell, check, build,'
	@echo '                            kunit, boot-tests, bench, patch, deb); each has its own cache'
	@echo '  REPORT=path.json          also write the report as JSON'
	@echo '  DOM0_SCRIPT=path          a busybox sh script dom0 runs after its steps, while a DOMU'
	@echo '                            still runs (domain "domu"); output and exit status in the report'
	@echo '  DOMU_SCRIPT=path          the same inside the domU (needs DOMU=)'
	@echo '  SCRIPT_TIMEOUT=120        seconds a script may run before it is killed'
	@echo '  BOOT=direct|grub          grub: Xen, kernel and initramfs from a GRUB ISO, like a real host'
	@echo '  MAP_CUT="start-end ..."   (BOOT=grub) ranges GRUB cutmem removes from the map Xen gets;'
	@echo '                            at most 64: Xen 4.17 itself hits a BUG from ~100 cut RAM regions'
	@echo '  SCRUB=yes|no              no: Xen bootscrub=0, dom0 and domU xen_scrub_pages=0 (zeroing'
	@echo '                            a page costs ~80 us under TCG; the layout tests use no)'
	@echo 'Every knob is checked before anything is built or booted.'
	@echo 'Logs: out/logs/  Cache (kernel trees, builds, Xen): $${XENMEM_CACHE:-~/.cache/xenp2m}'

# Every target that builds or boots checks the knobs first.
knobs:
	@scripts/knobs.py

deps: knobs
	@scripts/deps.sh

build: deps
	@scripts/build.sh $(KERNEL)

initramfs: build
	@scripts/initramfs.sh $(KERNEL)

run: initramfs
	@NAME=run scripts/boot.sh

shell: initramfs
	@NAME=shell SHELL_MODE=1 scripts/boot.sh

kunit: deps
	@scripts/kunit.sh

boot-tests: deps
	@scripts/check.sh boot

check: deps
	@scripts/check.sh all

clean:
	rm -rf out

.PHONY: patch
patch: deps
	@scripts/series.sh

.PHONY: deb
deb: deps
	@scripts/deb.sh

# Not part of "make check": a measurement, not a test.
.PHONY: bench
bench: knobs
	@scripts/bench.sh

# User space only (tests/native): no kernel build, no QEMU.
.PHONY: native-bench fuzz
native-bench: deps
	@scripts/native.sh bench

fuzz: deps
	@scripts/native.sh fuzz
