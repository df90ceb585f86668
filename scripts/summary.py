#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The closing table of "make check": what the run exercised.

Sources: the JSON reports of the boot tests that ran (report.py: /init
reached, balloon steps, "XM: stat KEY=N" sums in "stats", KUnit's
"xm-stat KEY=N" in dom0 and domU in "kunit_stats") and the raw log of
kunit.py on bare QEMU ("xm-stat KEY=N" lines). Every counter found is
printed; the expected ones are printed as 0 when nobody reported them.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import KUNIT_STAT, count  # noqa: E402

# Counters other parts of the tests print; shown even when absent.
EXPECTED = ('random_layouts', 'faults_injected', 'bytes_verified', 'sysfs_writes')


def add(into, more):
    for k, v in more.items():
        into[k] = into.get(k, 0) + int(v)


def kunit_log_stats(path):
    stats = {}
    with open(path, errors='replace') as f:
        for line in f:
            count(stats, KUNIT_STAT, line)
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--failed', type=int, required=True, help='failures counted by check.sh')
    ap.add_argument('--kunit-log', action='append', default=[],
                    help="kunit.py's raw kernel log (test.log)")
    ap.add_argument('reports', nargs='*')
    a = ap.parse_args()

    booted = domu_booted = dom0_steps = domu_steps = unreadable = 0
    grub = cuts = scripts = script_tests = 0
    stats = {}
    for path in a.reports:
        try:
            with open(path) as f:
                r = json.load(f)
        except (OSError, ValueError):
            unreadable += 1
            continue
        booted += bool(r.get('dom0_reached_init'))
        d = r.get('domu') or {}
        domu_booted += bool(d.get('reached_init'))
        dom0_steps += len(r.get('balloon_steps', []))
        domu_steps += len(d.get('mem_steps', []))
        grub += (r.get('bootloader') or '').startswith('GRUB')
        cuts += len(r.get('map_cuts', []))
        ran = sum(bool(r.get(k)) for k in ('dom0_script', 'domu_script'))
        scripts += ran
        script_tests += bool(ran)
        add(stats, r.get('stats', {}))
        add(stats, r.get('kunit_stats', {}))
    for path in a.kunit_log:
        if os.path.exists(path):
            add(stats, kunit_log_stats(path))
    for k in EXPECTED:
        stats.setdefault(k, 0)

    rows = [('configurations booted (dom0 reached /init)', booted,
             '%d boot tests; %d domU boots' % (len(a.reports), domu_booted)),
            ('booted through GRUB (firmware map ranges cut)', grub, '%d cutmem ranges' % cuts),
            ('user scripts run (DOM0_SCRIPT, DOMU_SCRIPT)', scripts, 'in %d boot tests' % script_tests),
            ('random layouts checked', stats.pop('random_layouts'), 'KUnit xm-stat'),
            ('faults injected', stats.pop('faults_injected'), 'KUnit xm-stat / XM: stat'),
            ('balloon steps', dom0_steps + domu_steps,
             'dom0 %d + domU mem-set %d' % (dom0_steps, domu_steps)),
            ('bytes verified', stats.pop('bytes_verified'), 'XM: stat / KUnit xm-stat')]
    rows += [(k.replace('_', ' '), v, 'XM: stat / KUnit xm-stat') for k, v in sorted(stats.items())]
    rows.append(('failures', a.failed + unreadable,
                 'must be 0' + (' (%d unreadable reports)' % unreadable if unreadable else '')))

    print('---------------- what make check exercised ----------------')
    for what, n, note in rows:
        print('%-44s %12d  %s' % (what, n, note))
    print('-----------------------------------------------------------')
    return 0


if __name__ == '__main__':
    sys.exit(main())
