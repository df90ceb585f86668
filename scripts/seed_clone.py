#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Rename the clone directory in a copied kernel build directory.

tree.sh seeds a new clone's source tree and build directories by copying
another clone's (cp -a keeps every timestamp), so that the first build of
a fresh clone is incremental rather than ~15 minutes of ccache hits. Kbuild
records absolute paths (in .cmd files, the generated Makefile, the "source"
link); this rewrites the donor's clones/KEY/ to the new one in every text
file and symlink, keeping each file's timestamps, so that make sees the
same commands and the same dependencies at the new place.

Usage: seed_clone.py OLD_KEY NEW_KEY DIR...
"""
import os
import sys


def rewrite(path, old, new):
    """True when PATH (a text file or a symlink) named the old key."""
    if os.path.islink(path):
        target = os.readlink(path)
        if old.decode() not in target:
            return False
        os.unlink(path)
        os.symlink(target.replace(old.decode(), new.decode()), path)
        return True
    st = os.stat(path)
    with open(path, 'rb') as f:
        data = f.read()
    if old not in data or b'\0' in data[:65536]:
        return False
    with open(path, 'wb') as f:
        f.write(data.replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    return True


def main():
    old = ('/clones/%s/' % sys.argv[1]).encode()
    new = ('/clones/%s/' % sys.argv[2]).encode()
    done = 0
    for top in sys.argv[3:]:
        for d, dirs, files in os.walk(top):
            for name in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
                done += rewrite(os.path.join(d, name), old, new)
    print('%d files and links renamed from %s to %s' % (done, sys.argv[1], sys.argv[2]))


if __name__ == '__main__':
    main()
