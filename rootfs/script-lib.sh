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

# domu_home: the id of domain "domu" in $id, its balloon's xenstore home
# (data/balloon/) in $k
domu_home() {
	id=$(try xl domid domu) && k=/local/domain/$id/data/balloon
}

# key NAME: the domU's data/balloon/NAME (after domu_home), or "missing"
key() {
	try xenstore-read "$k/$1" 2>/dev/null || echo missing
}

# wait_key NAME VALUE POLLS: look at key NAME every 0.5 s until it is
# VALUE, at most POLLS times; fail with what it stayed at
wait_key() {
	n=0
	while [ "$(key "$1")" != "$2" ]; do
		n=$((n + 1))
		[ $n -le "$3" ] || fail "$1 stayed at $(key "$1"), not $2"
		sleep 0.5
	done
}
