#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check's test of make bench's summary (scripts/bench.py) on made-up
serial logs: the domU's relayed balloon lines become the domU rows, and a
boot without results, a module that did not load or an error line of the
module is named and makes the summary exit non-zero, every other row kept;
the native rows (scripts/native_bench.py) take their spread over processes."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts')
BENCH = os.path.join(SCRIPTS, 'bench.py')
sys.path.insert(0, SCRIPTS)
import native_bench  # noqa: E402


def balloon_lines(us_down, us_up, prefix=''):
    return ['%s[    9.000000] xm_bench: balloon dir=%s rep=%d kb=262144 reached=yes us=%d '
            'current_kb=1' % (prefix, d, r, us) for r in range(5)
            for d, us in (('down', us_down + r), ('up', us_up + r))]


class Summary(unittest.TestCase):
    def run_bench(self, boots):
        """boots: (name, kernel, try, log lines); returns (rc, stdout, json path)."""
        d = tempfile.mkdtemp(prefix='bench-summary-')
        self.addCleanup(shutil.rmtree, d)
        with open(os.path.join(d, 'boots.txt'), 'w') as man:
            for name, kernel, tr, lines in boots:
                log = os.path.join(d, '%s-%s.log' % (name, tr))
                with open(log, 'w') as f:
                    f.write('\n'.join(lines) + '\n')
                man.write('%s %s %s %s\n' % (name, kernel, tr, log))
        p = subprocess.run([sys.executable, BENCH, '--manifest', os.path.join(d, 'boots.txt'),
                            '--json', os.path.join(d, 'bench.json'), '--icount', '1'],
                           capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr

    def good(self):
        return [('main-%s-1' % k, k, '1', balloon_lines(400000, 200000) + ['XM: bench done'])
                for k in ('ours', 'baseline')] + \
               [('domu-%s' % k, k, '1',
                 balloon_lines(800000 if k == 'ours' else 600000, 300000, 'XM: bench domu| ') +
                 ['XM: bench domu| XM: bench module rc=0 ', 'XM: bench done'])
                for k in ('ours', 'baseline')]

    def test_clean_run_exits_zero_with_domu_rows_from_relayed_lines(self):
        rc, out = self.run_bench(self.good())
        self.assertEqual(rc, 0, out)
        row = next(x for x in out.split('\n') if x.startswith('domu balloon down'))
        # 65536 pages in 0.8 s against 0.6 s: ours is 0.75x, both with 5 samples
        self.assertIn(' 0.75 yes', row)
        self.assertTrue(any(x.startswith('dom0 balloon up') for x in out.split('\n')), out)

    def test_lost_boot_and_module_errors_are_named_and_fail(self):
        boots = self.good() + [
            ('main-ours-2', 'ours', 'failed-1', ['Kernel panic - not syncing: test']),
            ('main-ours-2', 'ours', 'failed-2', ['Kernel panic - not syncing: test']),
            ('main-baseline-2', 'baseline', 'failed-1', ['something']),
            ('main-baseline-2', 'baseline', '1', ['XM: bench module rc=1 insmod: bad',
                                                  'XM: bench done']),
            ('domu-x', 'ours', '1', ['XM: bench domu| [ 1.0] xm_bench: balloon '
                                     'error=step-above-current current_kb=4'])]
        rc, out = self.run_bench(boots)
        self.assertEqual(rc, 1, out)
        self.assertIn('boot main-ours-2 (kernel ours): no results after try 2; why: Kernel panic',
                      out)
        self.assertNotIn('boot main-baseline-2', out)  # its retry brought results
        self.assertIn('baseline module: rc=1 insmod: bad', out)
        self.assertIn('ours xm_bench balloon: error=step-above-current', out)
        self.assertIn('3 problem(s)', out)
        self.assertTrue(any(x.startswith('domu balloon down') for x in out.split('\n')), out)


class NativeRows(unittest.TestCase):
    def test_cells_are_taken_over_processes(self):
        # Each process prints median, min, max over its passes per series;
        # a cell is the median [min..max] of the processes' medians, so a
        # process that ran slower as a whole widens the range.
        d = tempfile.mkdtemp(prefix='native-rows-')
        self.addCleanup(shutil.rmtree, d)
        paths = []
        for n, ratio in enumerate((1.9, 1.3, 1.5)):
            paths.append(os.path.join(d, 'native-bench-4-%d.log' % (n + 1)))
            series = [(2.0 * ratio, 1.0, 9.0), (2.0, 1.0, 9.0), (0.3, 0.3, 0.3),
                      (ratio, 0.1, 5.0), (1.0, 1.0, 1.0), (0.5, 0.5, 0.5)]
            with open(paths[-1], 'w') as f:
                f.write('# guest 4 GiB: ...; 1048576 lookups per pass\n')
                f.write('case 4 ram seq %s\n' % ' '.join('%g' % x for t in series for x in t))
        rows, lookups = native_bench.parse_time(paths)
        self.assertEqual(lookups, 1048576)
        self.assertEqual(rows[('ram', 'seq')]['ratio'], [1.5, 1.3, 1.9])
        self.assertEqual(rows[('ram', 'seq')]['ours_ns'], [3.0, 2.6, 3.8])


if __name__ == '__main__':
    unittest.main()
