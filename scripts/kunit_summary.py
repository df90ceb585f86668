#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print KUnit counts per suite from a raw kernel log; exit 1 on any
failure, on a suite that did not finish, or when none of our suites ran."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import parse_kunit  # noqa: E402

OUR_SUITES = ('xen_',)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--where', default='kunit')
    ap.add_argument('log')
    a = ap.parse_args()
    with open(a.log, errors='replace') as f:
        suites = parse_kunit(f.read().split('\n'))
    ours = [s for s in suites if s['suite'].startswith(OUR_SUITES)]
    bad = 0
    for s in ours:
        state = s.get('result', 'did not finish')
        print('kunit %-5s %-24s pass %3d fail %3d skip %3d  %s' %
              (a.where, s['suite'], s['pass'], s['fail'], s['skip'], state))
        if s['fail'] or state in ('fail', 'did not finish'):
            bad += 1
    if not ours:
        print('kunit %s: none of our suites ran' % a.where)
        return 1
    total = sum(s['pass'] + s['fail'] + s['skip'] for s in ours)
    print('kunit %s: %d suites, %d cases, %d suites failing' % (a.where, len(ours), total, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
