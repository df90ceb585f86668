#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise the boots of "make bench" (scripts/bench.sh).

Reads the manifest of boots (one line each: name, kernel, try, serial log,
settings), takes every measurement from the "XM: bench ..." and
"xm_bench: ..." lines of the logs, and prints a table of ours against the
baseline: the ratio of the medians first, then median [min..max] of each.
Also writes the same as JSON and, with gnuplot, a PNG of the lookup costs
and the balloon throughput.

A ratio is marked "n.s." (not significant) when the two kernels' ranges
[min..max] overlap: with n >= 5 a side, disjoint ranges are what a
rank test would call a difference at p < 0.01; overlapping ones are not
read as one. With fewer samples the column shows "-".
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

KERNELS = ('ours', 'baseline')
PAGES_256M = 256 * 1024 // 4
USER_CRASH = re.compile(r'segfault at |general protection fault ip:')


class Metrics:
    """Samples per metric and kernel, in the order metrics first appear."""

    def __init__(self):
        self.order = []
        self.info = {}
        self.samples = {}

    def add(self, key, label, unit, better, kernel, value):
        if key not in self.info:
            self.order.append(key)
            self.info[key] = {'label': label, 'unit': unit, 'better': better}
            self.samples[key] = {k: [] for k in KERNELS}
        self.samples[key][kernel].append(value)


def layout_name(settings):
    s = dict(kv.split('=', 1) for kv in settings if '=' in kv)
    return 'MEM=%s HOLE=%s dom0_mem=%s' % (s.get('MEM', '3G'), s.get('HOLE') or '-',
                                           s.get('DOM0_MEM', '1024M,max:2048M'))


def read_log(path):
    """A serial log's lines, without the console's control characters."""
    return list(report.console_lines(report.read_log(path)))


def parse_boot(path, kernel, kind, settings, m, extra):
    lines = read_log(path)
    extra['user_crash_lines'] += sum(1 for x in lines if USER_CRASH.search(x))
    for line in lines:
        # The bench domU's console lines, relayed by dom0 (rootfs/bench.sh).
        line = line.partition('XM: bench domu| ')[2] or line
        # A kernel message may have started on the same console line.
        at = line.find('XM: bench ')
        if at >= 0:
            parse_xm(line[at + len('XM: bench '):], kernel, kind, m, extra)
            continue
        if line.startswith('XM: p2m pages ') and kind == 'meta':
            extra['debugfs'].setdefault(layout_name(settings), {})[kernel] = \
                line[len('XM: p2m '):]
            continue
        found = re.search(r'xm_bench: (\w+) (.*)', line)
        if found:
            parse_module(found.group(1), dict(re.findall(r'(\w+)=(\S+)', found.group(2))),
                         kernel, kind, settings, m, extra)


def parse_xm(body, kernel, kind, m, extra):
    word, _, rest = body.partition(' ')
    kv = dict(re.findall(r'(\w+)=(\S+)', rest))
    if word == 'boot' and kind == 'main':
        m.add('boot', 'dom0 /init reached (uptime)', 's', 'lower', kernel,
              float(kv['uptime']))
    elif word == 'domu' and 'seconds' in kv:
        extra['domu_seconds'][kernel] = int(kv['seconds'])
    elif (word == 'module' and kv.get('rc') != '0') or 'error' in kv:
        extra['module_errors'].append('%s %s: %s' % (kernel, word, rest))


def add_balloon(kv, secs, kernel, m, extra, line):
    """One 256 MiB move of dom0's or the domU's balloon (timed in that kernel)."""
    if kv.get('reached') != 'yes':
        extra['not_reached'].append('%s %s' % (kernel, line))
        return
    key = 'balloon-%s-%s' % (kv['who'], kv['dir'])
    m.add(key, '%s balloon %s 256 MiB' % (kv['who'], kv['dir']), 'pages/s', 'higher',
          kernel, PAGES_256M / secs)
    extra['balloon_seconds'].setdefault(key, {k: [] for k in KERNELS})[kernel].append(secs)


def parse_module(word, kv, kernel, kind, settings, m, extra):
    """Lookups, sets and dom0's balloon from the main boots, the domU's balloon from the
    domU boot, pages from the meta boots."""
    if 'error' in kv:
        extra['module_errors'].append('%s xm_bench %s: %s' % (
            kernel, word, ' '.join('%s=%s' % i for i in kv.items())))
    elif word == 'balloon' and kind in ('main', 'domu') and 'us' in kv:
        add_balloon(dict(kv, who='dom0' if kind == 'main' else 'domu'),
                    max(int(kv['us']), 1) / 1e6, kernel, m, extra,
                    ' '.join('%s=%s' % i for i in kv.items()))
    elif word == 'lookup' and kind == 'main':
        what = kv['kind']
        label = ('loop alone (no lookup), %s' % kv['order'] if what == 'loop'
                 else 'pfn_to_mfn %s, %s' % (what, kv['order']))
        m.add('lookup-%s-%s' % (what, kv['order']), label, 'ns/op', 'lower', kernel,
              int(kv['ns']) / int(kv['ops']))
    elif word == 'set' and 'candidates' in kv and kind == 'main':
        extra['alloc_candidates'].setdefault(kernel, []).append(int(kv['candidates']))
    elif word == 'set' and 'ns' in kv and kind == 'main':
        label = {'existing': 'set_phys_to_machine, leaf exists',
                 'alloc': 'set_phys_to_machine, new leaf'}[kv['kind']]
        m.add('set-' + kv['kind'], label, 'ns/op', 'lower', kernel,
              int(kv['ns']) / int(kv['ops']))
        if kv.get('failed', '0') != '0':
            extra['module_errors'].append('%s set %s failed=%s' % (kernel, kv['kind'],
                                                                   kv['failed']))
    elif word == 'meta' and kind == 'meta':
        lay = layout_name(settings)
        m.add('meta-' + lay, 'P2M pages, ' + lay, 'pages', 'lower', kernel,
              int(kv['total']))
        extra['meta_levels'].setdefault(lay, {})[kernel] = {
            k: int(kv[k]) for k in ('top', 'mid', 'leaf', 'total')}
    elif word == 'range':
        extra['ranges'].setdefault(kernel, {})[kv['kind']] = kv


def why_no_results(log):
    """The first line of a boot's serial log that says why it ended early."""
    try:
        lines = read_log(log)
    except OSError:
        return 'no log at %s' % log
    for pat in (r'Kernel panic|BUG:|Oops|WARNING:|Dom0 crashed|panic',
                r'segfault at |general protection fault ip:', r'TIMEOUT|timed out'):
        hit = next((x for x in lines if re.search(pat, x)), None)
        if hit:
            return '%s (%s)' % (hit.strip()[:160], log)
    return 'no "XM: bench done" in %s (last line: %s)' % (
        log, next((x for x in reversed(lines) if x.strip()), '-').strip()[:160])


def stats(values):
    if not values:
        return None
    return {'median': statistics.median(values), 'min': min(values), 'max': max(values),
            'n': len(values), 'samples': values}


def fmt(x):
    if x is None:
        return '-'
    if x >= 1000 or (x >= 100 and float(x).is_integer()):
        return '%.0f' % x
    if x >= 10:
        return '%.1f' % x
    return '%.2f' % x


def fmt_stat(s):
    if s is None:
        return 'no data'
    return '%s [%s..%s]' % (fmt(s['median']), fmt(s['min']), fmt(s['max']))


def significant(o, b):
    """True when the ranges [min..max] of the two kernels do not overlap;
    None (shown "-") with fewer than 5 samples a side, where disjoint
    ranges mean nothing."""
    if not o or not b or min(o['n'], b['n']) < 5:
        return None
    return o['max'] < b['min'] or b['max'] < o['min']


def table(result):
    out = []
    head = '%-56s %9s %-4s %-6s  %-26s %-26s %-8s %s' % (
        'metric', 'ours/base', 'sig', 'better', 'ours median [min..max]',
        'baseline median [min..max]', 'unit', 'n')
    out.append(head)
    out.append('-' * len(head))
    for r in result['metrics']:
        o, b = r['ours'], r['baseline']
        ratio = '%.2f' % r['ratio'] if r['ratio'] is not None else '-'
        sig = {True: 'yes', False: 'n.s.', None: '-'}[r['significant']]
        n = '%s/%s' % (o['n'] if o else 0, b['n'] if b else 0)
        out.append('%-56s %9s %-4s %-6s  %-26s %-26s %-8s %s' % (
            r['label'][:56], ratio, sig, r['better'], fmt_stat(o), fmt_stat(b), r['unit'], n))
    return '\n'.join(out)


def plot(result, png):
    by_key = {r['key']: r for r in result['metrics']}
    lookups = [k for k in by_key if k.startswith('lookup-') and '-loop-' not in k]
    balloons = [k for k in by_key if k.startswith('balloon-')]

    def row(key, label):
        cells = ['"%s"' % label]
        for k in KERNELS:
            s = by_key[key][k]
            cells += ['%g' % s['median'], '%g' % s['min'], '%g' % s['max']] if s \
                else ['NaN'] * 3
        return ' '.join(cells) + '\n'

    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, 'lookup.dat'), 'w') as f:
            for k in lookups:
                f.write(row(k, k[len('lookup-'):].replace('-', ' ')))
        with open(os.path.join(d, 'balloon.dat'), 'w') as f:
            for k in balloons:
                f.write(row(k, k[len('balloon-'):].replace('-', ' ')))
        script = '''
set terminal pngcairo noenhanced size 1400,620 font ",10"
set output "%(png)s"
set multiplot layout 1,2 title "make bench: ours vs upstream %(kver)s as Xen 4.17 PV dom0 in QEMU TCG (bar = median, whiskers = min..max)"
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6 border -1
set key top left
set grid ytics
set xtics rotate by -25
set logscale y
set title "pfn_to_mfn() cost per kind of pfn (log scale, lower is better)"
set ylabel "ns per lookup"
plot "%(d)s/lookup.dat" using 2:3:4:xtic(1) title "ours", "" using 5:6:7 title "baseline"
unset logscale y
set yrange [0:*]
set title "balloon throughput, 256 MiB down and up (higher is better)"
set ylabel "pages (4 KiB) per second"
plot "%(d)s/balloon.dat" using 2:3:4:xtic(1) title "ours", "" using 5:6:7 title "baseline"
unset multiplot
''' % {'png': png, 'd': d, 'kver': os.environ.get('KVER', '6.1')}
        subprocess.run(['gnuplot'], input=script, text=True, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--manifest', required=True)
    ap.add_argument('--json', required=True)
    ap.add_argument('--plot')
    ap.add_argument('--commit', default='unknown')
    ap.add_argument('--icount', choices=('0', '1'), help='BENCH_ICOUNT of the run')
    a = ap.parse_args()

    m = Metrics()
    extra = {'user_crash_lines': 0, 'not_reached': [], 'balloon_seconds': {},
             'domu_seconds': {}, 'module_errors': [], 'meta_levels': {}, 'debugfs': {},
             'ranges': {}, 'alloc_candidates': {}}
    boots, failed = [], []
    with open(a.manifest) as f:
        for line in f:
            words = line.split()
            if len(words) < 4:
                continue
            name, kernel, tr, log, settings = words[0], words[1], words[2], words[3], words[4:]
            kind = name.split('-')[0]
            if tr.startswith('failed'):
                failed.append({'boot': name, 'kernel': kernel, 'try': tr, 'log': log})
                continue
            boots.append({'boot': name, 'kernel': kernel, 'try': int(tr), 'log': log})
            parse_boot(log, kernel, kind, settings, m, extra)

    metrics = []
    for key in m.order:
        s = {k: stats(m.samples[key][k]) for k in KERNELS}
        ratio = None
        if s['ours'] and s['baseline'] and s['baseline']['median']:
            ratio = s['ours']['median'] / s['baseline']['median']
        metrics.append(dict(key=key, ratio=ratio, significant=significant(s['ours'], s['baseline']),
                            **m.info[key], **s))
    result = {'when': time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
              'commit': a.commit, 'icount': a.icount, 'boots': boots, 'failed_boots': failed,
              'retried_boots': len(failed), 'metrics': metrics, **extra}
    with open(a.json, 'w') as f:
        json.dump(result, f, indent=1)

    print('make bench (commit %s): ratio = ours median / baseline median, "n.s." where the '
          'ranges overlap; times are %s, compare ratios' % (
              a.commit, {'1': 'instruction-counted guest time (QEMU -icount)',
                         '0': 'TCG guest time (no -icount)'}.get(a.icount, 'TCG guest time')))
    print(table(result))
    print('boots: %d with results, %d retried (no results: platform user-space crash or '
          'timeout); user-space crash lines in kept logs: %d; bench domU ran (s): %s' % (
              len(boots), len(failed), extra['user_crash_lines'],
              ', '.join('%s %d' % kv for kv in extra['domu_seconds'].items()) or '-'))
    for k in KERNELS:
        if 0 in extra['alloc_candidates'].get(k, []):
            print('  %s: no leaf of the missing balloon room is still shared, so no '
                  'set_phys_to_machine() there allocates (it was backed at boot)' % k)
    lost = [b for b in failed if not any(g['boot'] == b['boot'] for g in boots)]
    problems = (['boot %s (kernel %s): no results after %s; why: %s' % (
        b['boot'], b['kernel'], b['try'].replace('failed-', 'try '), why_no_results(b['log']))
        for b in lost if b['try'] == 'failed-2'] +
        ['module or part did not run: ' + e for e in extra['module_errors']] +
        ['balloon not reached: ' + x for x in extra['not_reached']])
    for e in problems:
        print('  ' + e)
    if a.plot:
        plot(result, a.plot)
        print('wrote %s and %s' % (a.json, a.plot))
    else:
        print('wrote %s' % a.json)
    if problems:
        print('make bench: %d problem(s) above; every other row is kept' % len(problems))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
