#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check's test of the boot report (scripts/report.py): /init's lines
are found when a kernel message cuts into them on the console, and a
triple fault of a PVH domU is judged from Xen's dump of the vCPU: stopped on an
instruction that exits to Xen (or right after one, past the nops of an
alternative), it is a platform glitch of the emulated SVM, retried once;
anywhere else it stays an error that fails the test. The "kernel" is a
small function assembled here, at address 0. Xen's state dumped at a time
limit names where each CPU and vCPU was. A glibc assertion at a process's
start is a user-space crash, and what /init got past (a pattern holder
that died at start, a poweroff that crashed) a platform glitch per guest."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))
import report  # noqa: E402

CODE = '''.text
.globl f
f:
 nop
 in $0x42,%al
 rdtsc
 nop
 nop
 nop
 shl $0x20,%rdx
 mov (%rsi),%eax
 hlt
 ret
.globl g
g:
 rdtsc
 xchg %ax,%ax
 xchg %rdx,%rax
 mov %eax,%ebx
 ret
'''
# f: nop @0, in @1, rdtsc @3, nops @5-7, shl @8, mov @0xc, hlt @0xe, ret @0xf
# g: rdtsc @0x10, xchg %ax,%ax (a nop) @0x12, xchg %rdx,%rax @0x14, mov @0x16


def dump(rip, cs='0010'):
    return ['(XEN) d3v0 Triple fault - invoking HVM shutdown action 1',
            '(XEN) *** Dumping Dom3 vcpu#0 state: ***',
            '(XEN) RIP:    %s:[<%016x>]' % (cs, rip),
            '(XEN) rbp: 0000000000000000   rsp: ffff88800f805e18   r8:  0000000000000000',
            '(XEN) cr3: 0000000000c40000   cr2: 0000000000000000',
            '(XEN) ds: 0000   es: 0000   fs: 0000   gs: 0000   ss: 0018   cs: %s' % cs]


class TripleFault(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix='report-test-')
        src = os.path.join(cls.dir, 'f.s')
        with open(src, 'w') as f:
            f.write(CODE)
        subprocess.run(['gcc', '-c', src, '-o', os.path.join(cls.dir, 'vmlinux')], check=True)
        with open(os.path.join(cls.dir, 'System.map'), 'w') as f:
            f.write('0000000000000000 T f\n0000000000000010 T g\n')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def judge(self, rip, cs='0010'):
        r = report.parse(dump(rip, cs), 'poweroff', kernel_dir=self.dir)
        return r['errors'], r['platform_events']

    def test_on_a_port_read_is_a_platform_glitch(self):
        errors, events = self.judge(0x1)
        self.assertEqual(errors, [])
        self.assertIn('at in,', events[0])
        self.assertIn('in f+0x1', events[0])

    def test_after_an_emulated_rdtsc_past_its_nops_is_a_platform_glitch(self):
        errors, events = self.judge(0x8)
        self.assertEqual(errors, [])
        self.assertIn('at rdtsc,', events[0])

    def test_past_a_two_byte_nop_is_a_platform_glitch(self):
        errors, events = self.judge(0x14)
        self.assertEqual(errors, [])
        self.assertIn('at rdtsc,', events[0])

    def test_past_a_real_xchg_stays_an_error(self):
        errors, events = self.judge(0x16)
        self.assertEqual([e['kind'] for e in errors], ['domU triple fault'])
        self.assertEqual(events, [])

    def test_no_kernel_dir_reads_no_system_map(self):
        # not the System.map of whatever directory the report runs in
        cwd = os.getcwd()
        os.chdir(self.dir)
        try:
            self.assertIsNone(report.symbol(None, 0x1))
        finally:
            os.chdir(cwd)

    def test_anywhere_else_stays_an_error(self):
        # after hlt too: an idle guest's fault in taking an interrupt
        for rip in (0xc, 0xe, 0xf):
            errors, events = self.judge(rip)
            self.assertEqual([e['kind'] for e in errors], ['domU triple fault'], hex(rip))
            self.assertIn('guest rip %x in f+%#x' % (rip, rip), errors[0]['line'])
            self.assertEqual(events, [])

    def test_without_the_kernel_it_stays_an_error(self):
        r = report.parse(dump(0x1), 'poweroff', kernel_dir=os.path.join(self.dir, 'none'))
        self.assertEqual([e['kind'] for e in r['errors']], ['domU triple fault'])

    def test_xen_code_segment_is_a_platform_glitch(self):
        errors, events = self.judge(0xc, cs='e008')
        self.assertEqual(errors, [])
        self.assertIn('cs e008', events[0])


class Console(unittest.TestCase):
    def test_a_line_of_init_cut_into_by_a_kernel_message_counts(self):
        # as seen in 31-pvh-domu-pod-6.12 (session 14)
        r = report.parse(['[    1.934518] Run /init as init process',
                          '[    2.165837] iXM: begin role=dom0nput: ImExPS/2 Generic Explorer',
                          'XM: end role=dom0'], 'poweroff')
        self.assertTrue(r['dom0_reached_init'])
        self.assertTrue(r['dom0_finished'])

    def test_a_script_line_inside_a_kernel_message_counts(self):
        # 52-console-lines-whole: a kernel message printed in 16-byte
        # pieces, a whole line of the script relayed between two of them
        r = report.parse(['XM: script-begin file=dom0-script timeout=120',
                          '[    3.458613] xm-noise: a lonXM: script| whole 5 of 400',
                          'g kernel message',
                          'XM: script-end rc=0 seconds=1 timed_out=no'], 'poweroff')
        self.assertEqual(r['dom0_script']['output'], ['whole 5 of 400'])

    def test_an_initramfs_that_did_not_fit_is_an_error(self):
        # 60-hostile-96m-max-64g-6.12: /init ran without mount, cat, grep
        r = report.parse(['[    1.480170] Initramfs unpacking failed: write error',
                          'XM: begin role=dom0'], 'poweroff')
        self.assertEqual([e['kind'] for e in r['errors']], ['initramfs'])

    def test_without_begin_dom0_did_not_reach_init(self):
        r = report.parse(['[    1.934518] Run /init as init process', 'XM: end role=dom0'],
                         'poweroff')
        self.assertFalse(r['dom0_reached_init'])


class PlatformCrash(unittest.TestCase):
    # 35-domu-balloon (session 18's ci-e): the domU's pattern holder died
    # at start-up on glibc's check of the vDSO it read as garbage
    LOG = ['XM: begin role=dom0',
           'XM: domu| XM: begin role=domu',
           "XM: domu| get-dynamic-info.h:115: elf_get_dynamic_info: Assertion "
           "`info[DT_PLTREL]->d_un.d_val == DT_RELA' failed.",
           'XM: domu| XM: platform pattern-holder-died mb=16 rc=134 try=1',
           'XM: domu| XM: pattern-ready mb=16',
           'XM: domu| XM: pattern mb=16 bad_words=0 ok=yes',
           'XM: domu| XM: end role=domu',
           'XM: domu-end rc=0 seconds=102',
           'XM: platform poweroff-failed rc=139',
           'XM: end role=dom0']

    def test_an_assertion_of_glibc_is_a_user_space_crash(self):
        r = report.parse(self.LOG, 'poweroff')
        self.assertEqual(len(r['user_crashes']), 1)
        self.assertIn('elf_get_dynamic_info', r['user_crashes'][0])
        self.assertEqual(r['errors'], [])

    def test_a_script_status_lost_in_a_crash_is_none_not_a_report_crash(self):
        # 37-dom0-script-domu (ci-g): "cat /tmp/script.rc" aborted in the
        # domU, and the report died on int('') (no report, no retry)
        r = report.parse(['XM: begin role=dom0', 'XM: domu-begin memory=128',
                          'XM: domu| XM: script-begin file=domu-script timeout=120',
                          'XM: domu| malloc(): unsorted double linked list corrupted',
                          'XM: domu| XM: script-end rc= seconds=0 timed_out=no',
                          'XM: end role=dom0'], 'poweroff')
        self.assertTrue(r['domu_script']['ended'])
        self.assertIsNone(r['domu_script']['rc'])
        self.assertEqual(len(r['user_crashes']), 1)

    def test_what_init_met_and_got_past_is_listed_per_guest(self):
        r = report.parse(self.LOG, 'poweroff')
        self.assertEqual(r['platform_events'],
                         ['poweroff-failed rc=139',
                          'domU: pattern-holder-died mb=16 rc=134 try=1'])
        self.assertEqual(r['domu']['pattern'].get('ok'), 'yes')


class XenDump(unittest.TestCase):
    """At the time limit boot.sh presses Xen's debug keys; the report says
    where each CPU and vCPU was, in Xen's words or the kernel's symbols."""
    LOG = ['(XEN) *** Dumping CPU1 host state: ***',
           '(XEN) RIP:    e008:[<ffff82d0402f9c06>] arch/x86/domain.c#default_idle+0xc6/0xf0',
           '(XEN) Xen call trace:',
           '(XEN)    [<ffff82d0402f9c06>] R arch/x86/domain.c#default_idle+0xc6/0xf0',
           '(XEN)    [<ffff82d0402fa741>] S arch/x86/domain.c#idle_loop+0xc1/0x130',
           "(XEN) '0' pressed -> dumping Dom0's registers",
           '(XEN) *** Dumping Dom0 vcpu#0 state: ***',
           '(XEN) RIP:    e033:[<ffffffff81000005>]',
           '(XEN) Guest stack trace from rsp=ffffffff81a03de0:',
           '(XEN)    0000000000000001 ffffffff81001011 00000000deadbeef ffffffff81002000']

    def test_each_cpu_and_vcpu_where_it_was(self):
        with tempfile.TemporaryDirectory() as kdir:
            with open(os.path.join(kdir, 'System.map'), 'w') as f:
                f.write('ffffffff81000000 T xen_hypercall_pv\n'
                        'ffffffff81001000 T xen_safe_halt\n'
                        'ffffffff81001800 D some_data\n'
                        'ffffffff81002000 T do_idle\n')
            r = report.parse(self.LOG, 'timeout', kernel_dir=kdir)
        self.assertEqual([(d['what'], d['rip'], d['trace']) for d in r['xen_dump']],
                         [('CPU1 host', 'arch/x86/domain.c#default_idle+0xc6/0xf0',
                           ['arch/x86/domain.c#default_idle+0xc6/0xf0',
                            'arch/x86/domain.c#idle_loop+0xc1/0x130']),
                          ('Dom0 vcpu#0', 'xen_hypercall_pv+0x5',
                           ['xen_safe_halt+0x11', 'do_idle+0x0'])])

    def test_no_dump_without_the_keys(self):
        self.assertEqual(report.parse(self.LOG[1:2], 'timeout')['xen_dump'], [])


if __name__ == '__main__':
    unittest.main()
