# SPDX-License-Identifier: GPL-2.0
# /xm/lib.sh: what our test scripts (tests/scripts/*.sh, run in the guest
# as DOM0_SCRIPT or DOMU_SCRIPT) share; they source it with ". /xm/lib.sh".
# No "set -e" in them: this platform's busybox now and then crashes at
# exec (README), so a read-only command that fails is tried again.

# fail MESSAGE: report the failure and end the script
fail() {
	echo "dom0-script FAILED: $*"
	exit 1
}

# try CMD...: CMD, up to three times
try() {
	"$@" && return 0
	"$@" && return 0
	"$@"
}
