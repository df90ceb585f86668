#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make patch": turn our tree into a git format-patch series against the
# pristine linux-source-$KVER, one patch per logical change (series/*.msg,
# in name order), the hook patches last in one commit. Then prove it:
# "git am" the series onto a fresh branch of the pristine tree and check
# that the result is, file for file, the tree we build and test.
#
# usage: series.sh          -> out/series/*.patch
set -eu
. "$(dirname "$0")/lib.sh"

base=$CACHE/series-base$KVER_SUFFIX
series=$OUT/series$KVER_SUFFIX
author="Xen PV memory team <xen-mem@localhost>"
# gc.auto=0: a "git gc --auto" left running in the background would hold
# the clone lock (inherited descriptor) long after this script ended.
gitc() { git -C "$base" -c gc.auto=0 -c user.name="Xen PV memory team" -c user.email=xen-mem@localhost "$@"; }

take_clone_lock series
"$ROOT/scripts/tree.sh"

if [ ! -f "$base/.git/xenmem-base" ]; then
	step series "making a git repository of the pristine tree (once)"
	rm -rf "$base"
	cp -a "$PRISTINE" "$base"
	rm -f "$base/.unpacked"
	gitc init -q
	gitc add -A -f . >/dev/null
	gitc commit -q -m "linux-source-$KVER $(sed -n 's/^SUBLEVEL = //p' "$base/Makefile")"
	gitc tag -f pristine >/dev/null
	touch "$base/.git/xenmem-base"
fi
gitc checkout -q -f -B series pristine
gitc clean -q -fdx

# The files of ours in the kernel tree (tree.sh's manifest less patched ones).
manifest=$SRC_OURS/.xenmem-manifest
# shellcheck disable=SC2046
patched=$(sed -n 's#^+++ b/\([^[:space:]]*\).*#\1#p' $(hook_patches) | sort -u)
ours=$(comm -23 "$manifest" <(echo "$patched"))
claimed=

for msg in "$ROOT"/series/*.msg; do
	files=$(sed -n 's/^Files://p' "$msg")
	subject=$(sed -n 's/^Subject: //p' "$msg")
	body=$(sed '1,/^Subject: /d' "$msg")
	for g in $files; do
		for f in $(cd "$SRC_OURS" && compgen -G "$g" || true); do
			mkdir -p "$(dirname "$base/$f")"
			cp "$SRC_OURS/$f" "$base/$f"
			gitc add -f "$f"
			claimed="$claimed $f"
		done
	done
	if [ "$(basename "$msg")" = 99-hooks.msg ]; then
		for p in $(hook_patches); do
			gitc apply --index "$p"
			body="$body

$(basename "$p" .patch):
$(sed -n '/^$/,/^Signed-off-by/p' "$p" | sed '/^Signed-off-by/d;/^$/d')"
		done
	fi
	gitc commit -q --author="$author" -m "$subject" -m "$body" -m "Signed-off-by: $author"
done

unclaimed=$(comm -23 <(echo "$ours" | tr ' ' '\n' | sort -u | sed '/^$/d') \
	<(echo "$claimed" | tr ' ' '\n' | sort -u | sed '/^$/d'))
[ -z "$unclaimed" ] || { echo "files in no patch of the series (add them to a series/*.msg):" $unclaimed >&2; exit 1; }

rm -rf "$series"
gitc format-patch -q --cover-letter -o "$series" pristine..series
python3 - "$series/0000-cover-letter.patch" "$ROOT/series/00-cover.txt" <<'PY'
import sys
cover, text = sys.argv[1], open(sys.argv[2]).read()
subject, _, blurb = text.partition('\n')
s = open(cover).read()
s = s.replace('*** SUBJECT HERE ***', subject.replace('Subject: ', '', 1))
s = s.replace('*** BLURB HERE ***', blurb.strip())
open(cover, 'w').write(s)
PY
step series "$(ls "$series" | grep -vc 0000) patches in $series"

# Proof: apply with git am onto a fresh branch of pristine.
gitc checkout -q -f -B series-check pristine
gitc clean -q -fdx
gitc am -q $(ls "$series"/*.patch | grep -v /0000-cover-letter) 2>"$LOGS/series-am.log" || {
	gitc am --abort 2>/dev/null || true
	fail_with_log "$LOGS/series-am.log" "git am of the series on pristine $KVER"
}
for f in $(cat "$manifest"); do
	cmp -s "$base/$f" "$SRC_OURS/$f" || { echo "series result differs from the built tree: $f" >&2; exit 1; }
done
changed=$(gitc diff --name-only pristine series-check | sort)
[ "$changed" = "$(sort "$manifest")" ] || {
	echo "the series changes files the build does not:" >&2
	comm -3 <(echo "$changed") <(sort "$manifest") >&2
	exit 1
}
gitc checkout -q -f series
step series "git am on pristine $KVER gives exactly the tree that make build compiles"
