#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the serial log of one Xen + dom0 boot and report what happened.

The log holds Xen's lines ("(XEN) ..."), dom0's kernel console and the
"XM: ..." lines that rootfs/init prints. Prints a report for a person and,
with --json, writes the same facts as JSON. Exit status 0 is PASS.
"""
import argparse
import bisect
import functools
import json
import os
import re
import subprocess
import sys

import knobs

ERROR_PATTERNS = [
    (re.compile(r'\bBUG[: ]'), 'BUG'),
    (re.compile(r'WARNING:'), 'WARN'),
    (re.compile(r'\bOops\b'), 'Oops'),
    (re.compile(r'Kernel panic'), 'panic'),
    (re.compile(r'Dom0 crashed|domain_crash'), 'Dom0 crashed'),
    (re.compile(r'\(XEN\) Panic on CPU'), 'Xen panic'),
    # An HVM-style domU (PVH) that faults while handling a double fault.
    (re.compile(r'\(XEN\) d\d+v\d+ Triple fault'), 'domU triple fault'),
    (re.compile(r'general protection fault|unable to handle page fault'), 'fault'),
    # Too little memory for the initramfs: /init then runs without its tools.
    (re.compile(r'Initramfs unpacking failed'), 'initramfs'),
]
# User processes crashing on their own (a segfault the kernel logs, glibc's
# heap or start-up checks aborting). Seen on this Xen-in-QEMU (TCG)
# platform with the upstream kernel too; reported apart from kernel errors.
USER_CRASH = re.compile(r'\]: segfault at |^traps: \S+\[\d+\] general protection fault ip:'
                        r'|^malloc\(\)|^free\(\)|^Aborted$|^Segmentation fault$'
                        r"|: Assertion `.*' failed\.$")
TIME_PREFIX = re.compile(r'^\[\s*\d+\.\d+\] ')
RANGE = re.compile(r'\[\s*(0x[0-9a-f]+)\s*->\s*(0x[0-9a-f]+)\s*[\])]\s+(\S+)')
# Counters for the summary of "make check": "XM: stat KEY=N" from /init of
# dom0 and of a domU (whose lines arrive as "XM: domu| XM: stat ..."), and
# "xm-stat KEY=N" that KUnit cases print with kunit_info().
STAT = re.compile(r'^XM: (?:domu\| (?:XM: )?)?stat\s+(.*)')
KUNIT_STAT = re.compile(r'\bxm-stat\s+(.*)')
NUMBER_KV = re.compile(r'(\w+)=(\d+)\b')


def count(into, pat, line):
    """Add the KEY=N counters of @line to @into when @pat matches it."""
    m = pat.search(line)
    for k, v in NUMBER_KV.findall(m.group(1)) if m else ():
        into[k] = into.get(k, 0) + int(v)


def strip(line):
    line = line.rstrip('\r\n').replace('\r', '')
    xen = line.find('(XEN)')
    if xen > 0:  # firmware text without a newline before Xen's banner
        line = line[xen:]
    return TIME_PREFIX.sub('', line)


def console_lines(log_lines):
    """The log's lines, stripped. A kernel message that a line of /init cut
    into ("[ 2.16] iXM: begin role=dom0" then "nput: ImExPS/2 ...") gives
    two: the message's start and the line of /init."""
    for raw in log_lines:
        line = strip(raw)
        at = line.find('XM: ')
        if at > 0 and not line.startswith('(XEN)'):
            yield line[:at]
            line = line[at:]
        yield line


def read_log(path):
    """A serial log's lines as the console wrote them."""
    with open(path, errors='replace') as f:
        return f.read().split('\n')


def parse_kunit(lines):
    """Per-suite counts from KUnit's KTAP output.

    A suite opens with "    # Subtest: NAME"; its cases are "    ok N name"
    at the same indent (parameterised cases nest deeper and roll up into
    one line there); the suite's own result is "ok N NAME" at indent 0.
    """
    suites, cur = [], None
    for raw in lines:
        line = strip(raw)
        m = re.match(r'^    # Subtest: (\S+)', line)
        if m:
            cur = {'suite': m.group(1), 'pass': 0, 'fail': 0, 'skip': 0,
                   'failed_cases': []}
            suites.append(cur)
            continue
        m = re.match(r'^(    )?(not ok|ok) \d+ (?:- )?(\S+)(.*)', line)
        if not (cur and m):
            continue
        skip = '# SKIP' in m.group(4)
        if m.group(1):
            if skip:
                cur['skip'] += 1
            elif m.group(2) == 'ok':
                cur['pass'] += 1
            else:
                cur['fail'] += 1
                cur['failed_cases'].append(m.group(3))
        elif m.group(3) == cur['suite']:
            cur['result'] = 'skip' if skip else ('pass' if m.group(2) == 'ok' else 'fail')
            cur = None
    return suites


def find_errors(lines, who):
    errors = []
    for raw in lines:
        line = strip(raw)
        if USER_CRASH.search(line.strip()):
            continue
        for pat, kind in ERROR_PATTERNS:
            if pat.search(line):
                errors.append({'kind': kind, 'where': who, 'line': line.strip()})
                break
    return errors


# Instructions with which an HVM guest exits to Xen (SVM intercepts).
# Not hlt: an idle guest waits there, so a fault in delivering an
# interrupt (a broken IDT or stack, the guest's own fault) stops there too.
EXITS = {'in', 'out', 'insb', 'insw', 'insl', 'outsb', 'outsw', 'outsl', 'rdtsc',
         'rdtscp', 'rdmsr', 'wrmsr', 'cpuid', 'vmmcall', 'vmcall', 'xsetbv',
         'rdpmc', 'wbinvd', 'invd'}


@functools.lru_cache(maxsize=None)
def text_symbols(kernel_dir):
    """The kernel's text symbols from System.map, sorted: (address, name)."""
    table = []
    try:
        with open(os.path.join(kernel_dir, 'System.map')) as f:
            for entry in f:
                a, t, name = (entry.split() + ['', '', ''])[:3]
                if t in ('t', 'T', 'w', 'W'):
                    table.append((int(a, 16), name))
    except (OSError, ValueError):
        return []
    return sorted(table)


def symbol(kernel_dir, addr):
    """(start, name) of the kernel function holding ADDR, from System.map."""
    if not kernel_dir:
        return None
    table = text_symbols(kernel_dir)
    i = bisect.bisect_right(table, (addr, chr(0x10ffff))) - 1
    return table[i] if i >= 0 else None


def where(kernel_dir, addr):
    """ADDR as "function+0xoff" of the kernel when System.map has it."""
    sym = symbol(kernel_dir, addr)
    return '%s+%#x' % (sym[1], addr - sym[0]) if sym else '%#x' % addr


# Xen's debug keys at the time limit (boot.sh xen_dump_state): where each
# CPU and vCPU was, with Xen's call trace or the kernel addresses on the
# guest's stack.
DUMP_HEAD = re.compile(r'\*\*\* Dumping (.*?) state(?: \((d\d+v\d+)\))?: \*\*\*')
DUMP_RIP = re.compile(r'RIP:\s+([0-9a-f]{4}):\[<([0-9a-f]{16})>\]\s*(\S*)')


def dump_line(d, text, kernel_dir):
    """Fold one line of Xen's register dump into the dump entry D."""
    m = DUMP_RIP.search(text)
    if m and 'rip' not in d:
        d['rip'] = m.group(3) or where(kernel_dir, int(m.group(2), 16))
    elif re.match(r'\[<[0-9a-f]{16}>\] [RS] ', text) and len(d['trace']) < 6:
        d['trace'].append(text.split(None, 2)[2])
    elif d['in_guest_stack'] and len(d['trace']) < 6:
        d['trace'] += [where(kernel_dir, int(w, 16)) for w in text.split()
                       if re.fullmatch(r'ffffffff8[0-9a-f]{7}', w)][:6 - len(d['trace'])]
    if text.startswith('Guest stack trace'):
        d['in_guest_stack'] = True


def exit_insn(kernel_dir, addr, start):
    """The instruction that exits to Xen at ADDR, or just before it past
    the nops that pad an alternative (an emulated rdtsc returns to the
    next instruction), from vmlinux; None when neither does."""
    try:
        out = subprocess.run(['objdump', '-d', '--no-show-raw-insn', '--start-address=%#x' % start,
                              '--stop-address=%#x' % (addr + 16),
                              os.path.join(kernel_dir, 'vmlinux')],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    insns = [(int(m.group(1), 16), m.group(2), m.group(3).strip()) for m in
             re.finditer(r'^\s*([0-9a-f]+):\s+([a-z0-9]+)(.*)$', out, re.M)]
    # Padding: the nop family and xchg %ax,%ax (the two-byte nop).
    before = [n for a, n, ops in insns if a < addr and not n.startswith('nop') and
              (n, ops) != ('xchg', '%ax,%ax')]
    at = [n for a, n, ops in insns if a == addr]
    for n in at + before[-1:]:
        if n in EXITS:
            return n
    return None


def kv(text):
    return dict(re.findall(r'(\w+)=(\S+)', text))


def num(text, default=None):
    """text as an int, or default: a line whose command crashed (README)
    may hold nothing or garbage where a number belongs."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def parse(log_lines, outcome, qemu_err='', kernel_dir=None):
    r = {'xen_version': None, 'dom0_version': None, 'dom0_reached_init': False,
         'dom0_finished': False, 'e820': [], 'xen_e820': [], 'identity_ranges': [],
         'p2m_ranges': [], 'p2m_info': [], 'p2m_check': None, 'balloon': None,
         'balloon_steps': [], 'balloon_final': None, 'domu': None,
         'pattern': None, 'balloon_follow': [], 'balloon_end': None,
         'kunit': [], 'errors': [], 'outcome': outcome, 'messages': [],
         'p2m_checks': [], 'disk': [], 'restored': None, 'balloon_restored': None,
         'resumes_checked': None, 'sysfs_fuzz': [], 'sysfs_fuzz_bad': [], 'p2m_check_end': None, 'xen_panic': None,
         'stats': {}, 'kunit_stats': {}, 'script': None, 'shell_ended': False,
         'bootloader': None, 'platform_events': [], 'xen_dump': []}
    dom0_lines, domu_lines, triple = [], [], []
    for line in console_lines(log_lines):
        count(r['stats'], STAT, line)
        count(r['kunit_stats'], KUNIT_STAT, line)
        if line.startswith('(XEN)'):
            m = re.search(r'Xen version (\S+)', line)
            if m and not r['xen_version']:
                r['xen_version'] = m.group(1)
            m = re.search(r'Bootloader: (.*)', line)
            if m:
                r['bootloader'] = m.group(1).strip()
            m = re.match(r'\(XEN\)\s+\[([0-9a-f]{16}), ([0-9a-f]{16})\] \((.*)\)', line)
            if m:
                r['xen_e820'].append({'start': hex(int(m.group(1), 16)),
                                      'end': hex(int(m.group(2), 16) + 1),
                                      'type': m.group(3)})
            if re.search(r'Dom0 crashed|domain_crash|Panic on CPU|Triple fault', line):
                dom0_lines.append(line)
            # Xen's dump of a triple-faulted vCPU: where it was, and the
            # code segment that ends the dump.
            if 'Triple fault' in line:
                triple.append({})
            elif triple and 'cs' not in triple[-1]:
                for key, pat in (('rip', r'RIP:\s+[0-9a-f]{4}:\[<([0-9a-f]{16})>\]'),
                                 ('rsp', r'rsp: ([0-9a-f]{16})'),
                                 ('cr2', r'cr2: ([0-9a-f]{16})'),
                                 ('cs', r'\bcs: ([0-9a-f]{4})$')):
                    m = re.search(pat, line)
                    if m:
                        triple[-1][key] = m.group(1)
            # Xen says why it panics on the next line that is not stars.
            text = line[len('(XEN)'):].strip()
            m = DUMP_HEAD.search(text)
            if m:
                r['xen_dump'].append({'what': m.group(1) + (' ' + m.group(2) if m.group(2) else ''),
                                      'trace': [], 'in_guest_stack': False})
            elif r['xen_dump'] and text:
                dump_line(r['xen_dump'][-1], text, kernel_dir)
            if 'Panic on CPU' in line:
                r['xen_panic'] = ''
            elif r.get('xen_panic') == '' and text.strip('*'):
                r['xen_panic'] = text
            continue
        if line.startswith('XM: domu| '):
            domu_lines.append(line[len('XM: domu| '):])
            continue
        if line.startswith('XM: script| '):
            if r['script'] is not None:
                r['script']['output'].append(line[len('XM: script| '):])
            continue
        dom0_lines.append(line)
        m = re.search(r'Linux version (\S+)', line)
        if m and not r['dom0_version']:
            r['dom0_version'] = m.group(1)
        m = re.match(r'.*Xen: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.*)', line)
        if m:
            r['e820'].append({'start': m.group(1), 'end': hex(int(m.group(2), 16) + 1),
                              'type': m.group(3).strip()})
        if re.search(r'(Released|Remapped|Set) \d+ page', line) or 'xen_p2m' in line \
                or 'xen_memory' in line or 'xen:balloon' in line or 'p2m:' in line:
            r['messages'].append(line.strip())
        if not line.startswith('XM: '):
            continue
        body = line[4:]
        word, _, rest = body.partition(' ')
        if word == 'begin':
            r['dom0_reached_init'] = True
        elif word == 'end':
            r['dom0_finished'] = True
        elif word == 'p2m':
            m = RANGE.search(rest)
            if m:
                kind = {'pfn': 'ram'}.get(m.group(3), m.group(3))
                rng = {'start': m.group(1), 'end': m.group(2), 'kind': kind}
                r['p2m_ranges'].append(rng)
                if kind == 'identity':
                    r['identity_ranges'].append({'start': rng['start'], 'end': rng['end']})
            else:
                r['p2m_info'].append(rest.strip())
        elif word == 'p2m-check':
            # Every check must pass: keep the first that did not.
            r['p2m_checks'].append(rest.strip())
            bad = [c for c in r['p2m_checks'] if c != 'ok']
            r['p2m_check'] = bad[0] if bad else 'ok'
        elif word == 'disk':
            r['disk'].append(kv(rest))
        elif word == 'restored':
            r['restored'] = kv(rest)
        elif word == 'balloon-restored':
            r['balloon_restored'] = kv(rest)
        elif word == 'resumes-checked':
            r['resumes_checked'] = kv(rest)
        elif word == 'script-begin':
            r['script'] = dict(kv(rest), output=[], rc=None, ended=False)
        elif word == 'script-end' and r['script'] is not None:
            e = kv(rest)
            r['script'].update(ended=True, rc=num(e.get('rc')), seconds=num(e.get('seconds')),
                               timed_out=e['timed_out'] == 'yes')
        elif word == 'shell-end':
            r['shell_ended'] = True
        elif word == 'p2m-check-end':
            r['p2m_check_end'] = rest.strip()
        elif word == 'balloon':
            r['balloon'] = kv(rest) if rest.strip() != 'none' else None
        elif word == 'balloon-final':
            r['balloon_final'] = kv(rest)
        elif word == 'balloon-step':
            r['balloon_steps'].append(kv(rest))
        elif word == 'pattern':
            r['pattern'] = kv(rest)
        elif word == 'balloon-follow':
            r['balloon_follow'].append(kv(rest))
        elif word == 'balloon-end-debug':
            r['balloon_end'] = kv(rest)
        elif word == 'sysfs-fuzz':
            f = kv(rest)
            for k in ('writes', 'refused', 'changed'):
                f[k] = num(f.get(k), -1)
            r['sysfs_fuzz'].append(f)
        elif word == 'sysfs-fuzz-bad':
            r['sysfs_fuzz_bad'].append(kv(rest))
        elif word in ('platform', 'domu-platform'):
            # A glitch of this platform that /init or a script met (README).
            r['platform_events'].append(rest.strip())
        elif word.startswith('domu'):
            d = r['domu'] = r['domu'] or {'spec': None, 'xl_list': None, 'mem_set': [],
                                          'rc': None, 'error': None}
            if word == 'domu-begin':
                d['spec'] = rest.strip()
            elif word == 'domu-xl-list':
                d['xl_list'] = rest.strip()
            elif word == 'domu-mem-set':
                d['mem_set'].append(rest.strip())
                st = kv(rest.split(' xl-list ')[0])
                xl = rest.split(' xl-list ')[-1].split()
                st['xl_mem_mb'] = xl[2] if len(xl) > 2 and xl[0] == 'domu' else None
                d.setdefault('mem_steps', []).append(st)
            elif word == 'domu-end':
                d.update({k: v for k, v in kv(rest).items()})
            elif word == 'domu-error':
                d['error'] = rest.strip()
            elif word == 'domu-migrate':
                r['migrate'] = r.get('migrate') or {'output': []}
                r['migrate']['output'].append(rest.strip())
            elif word in ('domu-save', 'domu-restore', 'domu-disk-image'):
                d[word[5:].replace('-', '_')] = kv(rest)
        elif word == 'dom0-foreign-runs':
            r['foreign_runs'] = num((rest.split() or [None])[0])
    r['errors'] = find_errors(dom0_lines, 'dom0') + find_errors(domu_lines, 'domU')
    for e in r['errors']:
        if e['kind'] == 'Xen panic' and r.get('xen_panic'):
            e.update(where='xen', line='%s %s' % (e['line'], r['xen_panic']))
        elif e['kind'] == 'domU triple fault':
            e['where'] = 'xen'
            dump = triple.pop(0)
            rip = int(dump.get('rip', '0'), 16)
            fn = symbol(kernel_dir, rip) if rip else None
            insn = exit_insn(kernel_dir, rip, fn[0]) if fn else None
            if rip:
                e['line'] += ' (guest rip %x%s, rsp %s, cr2 %s)' % (
                    rip, ' in %s+%#x' % (fn[1], rip - fn[0]) if fn else '',
                    dump.get('rsp', '?'), dump.get('cr2', '?'))
            # Xen's own code segment (e008) in the guest's state, or the
            # guest stopped on an instruction that exits to Xen: the
            # emulated SVM of this TCG platform broke a world switch
            # (README, Platform: a PVH domU triple-faults on a world switch).
            if dump.get('cs') == 'e008':
                e['kind'] = 'platform'
                r['platform_events'].append('triple fault with Xen\'s state in the guest (cs e008): '
                                            + e['line'])
            elif insn:
                e['kind'] = 'platform'
                r['platform_events'].append('triple fault on a world switch (the guest at %s, '
                                            'which exits to Xen): %s' % (insn, e['line']))
    r['errors'] = [e for e in r['errors'] if e['kind'] != 'platform']
    r['user_crashes'] = [strip(x).strip() for x in dom0_lines + domu_lines
                         if USER_CRASH.search(strip(x).strip())]
    r['kunit'] = [dict(s, where='dom0') for s in parse_kunit(dom0_lines)]
    if r['domu'] is not None:
        sub = parse(domu_lines, 'n/a')
        d = r['domu']
        d.update({'reached_init': sub['dom0_reached_init'], 'finished': sub['dom0_finished'],
                  'version': sub['dom0_version'], 'e820': sub['e820'],
                  'identity_ranges': sub['identity_ranges'], 'p2m_info': sub['p2m_info'],
                  'p2m_check': sub['p2m_check'], 'p2m_check_end': sub['p2m_check_end'],
                  'balloon': sub['balloon'],
                  'pattern': sub['pattern'], 'balloon_follow': sub['balloon_follow'],
                  'balloon_end': sub['balloon_end'], 'p2m_checks': sub['p2m_checks'],
                  'disk': sub['disk'], 'restored': sub['restored'],
                  'balloon_restored': sub['balloon_restored'],
                  'resumes_checked': sub['resumes_checked'], 'messages': sub['messages']})
        r['domu_script'] = sub['dom0_script']
        r['platform_events'] += ['domU: ' + e for e in sub['platform_events']]
        r['kunit'] += [dict(s, where='domU') for s in sub['kunit']]
    r['dom0_script'] = r.pop('script')
    r.setdefault('domu_script', None)
    if outcome == 'qemu-failed':
        r['errors'].append({'kind': 'qemu', 'where': 'qemu',
                            'line': 'QEMU failed to start: %s' % (qemu_err or 'no message')})
    if outcome == 'timeout':
        r['errors'].append({'kind': 'timeout', 'where': 'qemu',
                            'line': 'no power-off before the time limit'})
    for d in r['xen_dump']:
        del d['in_guest_stack']
    if outcome == 'crash' and not r['errors']:
        r['errors'].append({'kind': 'crash', 'where': 'xen', 'line': 'crash seen on serial'})
    return r


def map_cut_facts(r, map_cut):
    """The MAP_CUT ranges, and those of them still RAM in Xen's or dom0's map."""
    cuts = knobs.map_cuts(map_cut) if map_cut else []
    r['map_cuts'] = [[hex(a), hex(b)] for a, b in cuts]
    ram = [(int(e['start'], 16), int(e['end'], 16)) for e in r['xen_e820'] + r['e820']
           if e['type'] in ('usable', 'System RAM')]
    r['map_cuts_in_ram'] = [[hex(a), hex(b)] for a, b in cuts
                            if any(s < b and a < e for s, e in ram)]


def script_verdict(who, sc, why):
    """Why the user's script @sc of @who fails the run, added to @why."""
    if sc is None:
        return
    if not sc['ended']:
        why.append('%s script did not finish (the guest stopped under it)' % who)
    elif sc['timed_out']:
        why.append('%s script ran past its timeout of %s s and was killed' % (who, sc['timeout']))
    elif sc['rc'] != 0:
        why.append('%s script exited with status %s' % (who, sc['rc']))


def verdict(r):
    why = []
    if r['outcome'] == 'qemu-failed':
        return ['QEMU failed to start']
    if not r['dom0_reached_init']:
        why.append('dom0 did not reach /init')
    elif not r['dom0_finished'] and r['outcome'] != 'quit':  # quit: Ctrl-a x in make shell
        why.append('dom0 /init did not finish')
    script_verdict('dom0', r['dom0_script'], why)
    script_verdict('domU', r['domu_script'], why)
    if r['errors']:
        why.append('%d error line(s) on the console' % len(r['errors']))
    for s in r['kunit']:
        if s['fail'] or s.get('result') == 'fail':
            why.append('KUnit %s (%s) failed: %s' % (s['suite'], s['where'],
                                                     ', '.join(s['failed_cases'])))
    if r['p2m_check'] not in (None, 'ok'):
        why.append('P2M consistency check: %s' % r['p2m_check'])
    if r['p2m_check_end'] not in (None, 'ok'):
        why.append('P2M consistency check at the end: %s' % r['p2m_check_end'])
    # The balloon parks a pfn it refuses to populate (identity, foreign,
    # already backed, in an E820 hole). The memory setup must never hand
    # it one, so anything parked in any step is a failure.
    # Every garbage write to the balloon's sysfs is refused and changes nothing.
    for f in r['sysfs_fuzz']:
        if f['writes'] <= 0 or f['refused'] != f['writes'] or f['changed'] or \
                f.get('unknown') or f.get('missing'):
            why.append('sysfs garbage: %s writes=%d refused=%d changed=%d%s' %
                       (f.get('file'), f['writes'], f['refused'], f['changed'],
                        ' (a writable file sysfs-fuzz does not know)'
                        if f.get('unknown') else ''))
    parked = [s for s in r['balloon_steps'] if s.get('parked_kb', '0') != '0']
    if parked:
        why.append('balloon parked %s KiB of pfns it must not populate' %
                   parked[-1]['parked_kb'])
    d = r['domu']
    if d is not None:
        if d.get('error'):
            why.append('domU: %s' % d['error'])
        elif not d.get('reached_init'):
            why.append('domU did not reach /init')
        elif not d.get('finished') or d.get('rc') != '0':
            why.append('domU did not finish cleanly (rc=%s)' % d.get('rc'))
        for key in ('p2m_check', 'p2m_check_end'):
            if d.get(key) not in (None, 'ok'):
                why.append('domU P2M consistency check%s: %s' %
                           (' at the end' if key.endswith('end') else '', d[key]))
    return why


def fmt_range(rng):
    s, e = int(rng['start'], 16), int(rng['end'], 16)
    size = '%d MiB' % ((e - s) >> 20) if e - s >= 1 << 20 else '%d KiB' % ((e - s) >> 10)
    return '[%#014x-%#014x) %-10s %s' % (s, e, rng.get('type', ''), size)


def dump_lines(r):
    """Xen's state at the time limit: where each CPU and vCPU was, its calls."""
    for d in r['xen_dump']:
        yield '%-20s at %s' % (d['what'], d.get('rip', '?'))
        if d['trace']:
            yield '%-20s    %s' % ('', ' < '.join(d['trace']))


def show(r, name, settings):
    out = []
    p = out.append
    p('=' * 72)
    p('Report: %s' % name)
    p('  settings: %s' % ', '.join('%s=%s' % (k, v) for k, v in settings.items() if v))
    if r['outcome'] == 'qemu-failed':
        p('  %s' % r['errors'][-1]['line'])
        p('RESULT: FAIL: %s' % '; '.join(verdict(r)))
        p('=' * 72)
        return '\n'.join(out), False
    p('  Xen %s, dom0 Linux %s, QEMU ended by %s' % (
        r['xen_version'] or '(no banner)', r['dom0_version'] or '(no banner)',
        {'quit': 'Ctrl-a x'}.get(r['outcome'], r['outcome'])))
    p('  dom0 reached /init: %s' % ('yes' if r['dom0_reached_init'] else 'NO'))
    if r['bootloader']:
        p('  Xen loaded by %s' % r['bootloader'])
    if r.get('map_cuts'):
        p('  MAP_CUT: %d range(s) cut from the firmware map, %s' % (
            len(r['map_cuts']), 'none of them RAM in Xen\'s or dom0\'s map'
            if not r['map_cuts_in_ram'] else 'STILL RAM: %s' % r['map_cuts_in_ram']))
    p('Host E820 as Xen saw it:')
    for e in r['xen_e820']:
        p('  ' + fmt_range(e))
    p("dom0's E820 (as the kernel set it up):")
    for e in r['e820']:
        p('  ' + fmt_range(e))
    p('P2M (debugfs dump): %d runs, %d identity' % (len(r['p2m_ranges']),
                                                   len(r['identity_ranges'])))
    for rng in r['p2m_ranges']:
        s, e = int(rng['start'], 16), int(rng['end'], 16)
        p('  pfn [%#x-%#x) %-8s %8d pages' % (s, e, rng['kind'], e - s))
    if not r['p2m_info']:
        p('  P2M pages used: not reported by this kernel')
    for info in r['p2m_info']:
        p('  ' + info)
    if r['p2m_check'] is not None:
        p('  consistency check: %s' % r['p2m_check'])
    if r['p2m_check_end'] is not None:
        p('  consistency check at the end: %s' % r['p2m_check_end'])
    for m in r['messages']:
        p('  kernel: ' + m)
    b = r['balloon']
    p('Balloon: ' + ('target_kb=%s current_kb=%s low_kb=%s high_kb=%s' %
                     (b['target_kb'], b['current_kb'], b['low_kb'], b['high_kb'])
                     if b else 'not present'))
    for s in r['balloon_steps']:
        if 'error' in s:
            p('  step target_kb=%s: %s' % (s['target_kb'], s['error']))
        else:
            how = 'reached' if s['reached'] == 'yes' else 'NOT reached'
            if s.get('clamped') == 'yes':
                how = 'clamped to %s' % s.get('clamped_kb')
            p('  step target_kb=%-9s -> current_kb=%-9s %s in %ss%s' %
              (s['target_kb'], s['current_kb'], how, s['seconds'],
               ' (stop: %s, floor: %s KiB, Xen: %s KiB, accounted: %s)' %
               (s['stop'], s.get('floor_kb'), s.get('xen_kb'), s.get('accounted'))
               if 'stop' in s else ''))
    if r['pattern']:
        p('  pattern holder: %s' % ' '.join('%s=%s' % kv_ for kv_ in r['pattern'].items()))
    if r['sysfs_fuzz']:
        p('sysfs garbage writes:')
        for f in r['sysfs_fuzz']:
            p('  %-20s writes %5d refused %5d changed %d%s' %
              (f.get('file'), f['writes'], f['refused'], f['changed'],
               ' UNKNOWN writable file' if f.get('unknown') else ''))
        for b in r['sysfs_fuzz_bad']:
            p('  not refused or changed: ' + ' '.join('%s=%s' % kv_ for kv_ in b.items()))
    if r['balloon_end']:
        p('  at the end: %s' % ' '.join('%s=%s' % kv_ for kv_ in r['balloon_end'].items()))
    d = r['domu']
    if d is not None:
        p('domU (%s): reached /init %s, finished %s, xl rc %s' %
          (d['spec'], d.get('reached_init'), d.get('finished'), d.get('rc')))
        if d['xl_list']:
            p('  xl list: ' + d['xl_list'])
        for e in d.get('e820', []):
            p('  e820 ' + fmt_range(e))
        if d.get('balloon'):
            p('  balloon target_kb=%s current_kb=%s' % (d['balloon']['target_kb'],
                                                        d['balloon']['current_kb']))
        for m in d['mem_set']:
            p('  xl mem-set ' + m)
        for f in d.get('balloon_follow', []):
            p('  balloon ' + ' '.join('%s=%s' % kv_ for kv_ in f.items()))
        if d.get('pattern'):
            p('  pattern holder: %s' % ' '.join('%s=%s' % kv_ for kv_ in d['pattern'].items()))
        for k in d.get('disk', []):
            p('  disk %s: %s MiB, checksum %s' % (k.get('phase'), k.get('mb'),
                                                  'equal' if k.get('ok') == 'yes' else 'DIFFERS'))
        if d.get('disk_image'):
            p('  disk image in dom0: sha256 %s' % d['disk_image'].get('sha256'))
        if 'foreign_runs' in r:
            p('  dom0 P2M while blkback serves the domU: %s foreign run(s)' % r['foreign_runs'])
        for k in ('save', 'restore'):
            if d.get(k):
                p('  xl %s: rc %s in %s s' % (k, d[k].get('rc'), d[k].get('seconds')))
        if d.get('restored'):
            p('  after restore: %s; P2M checks %s; balloon %s' %
              (' '.join('%s=%s' % kv_ for kv_ in d['restored'].items()),
               ', '.join(d.get('p2m_checks', [])),
               ' '.join('%s=%s' % kv_ for kv_ in (d.get('balloon_restored') or {}).items())))
        if d.get('resumes_checked'):
            p('  checked after each resume: %s' %
              ' '.join('%s=%s' % kv_ for kv_ in d['resumes_checked'].items()))
        if d.get('error'):
            p('  error: ' + d['error'])
    if r.get('migrate'):
        lines = r['migrate']['output']
        runs = [kv(l.split(' ', 1)[1]) for l in lines if re.match(r'mig-\d+r? ', l)]
        p('live migrations (DOMU_MIGRATE): %d run, %d aborted (each retried with the '
          'balloon at rest); seconds each: %s' %
          (len(runs), sum(m.get('rc') != '0' for m in runs),
           ' '.join(m.get('seconds', '?') for m in runs)))
        for line in [l for l in lines if not re.match(r'mig-\d+r?-log ', l)][-20:]:
            p('  | ' + line)
    for who in ('dom0', 'domu'):
        sc = r['%s_script' % who]
        if sc is None:
            continue
        how = 'killed at its timeout of %s s' % sc['timeout'] if sc.get('timed_out') else \
            'exit status %s in %s s' % (sc['rc'], sc.get('seconds')) if sc['ended'] else \
            'did not finish'
        p('%s script (%s): %s, %d line(s) of output' % (who, sc.get('file'), how,
                                                        len(sc['output'])))
        for line in sc['output'][-20:]:
            p('  | ' + line)
    if r['kunit']:
        p('KUnit:')
        for s in r['kunit']:
            p('  %-5s %-24s pass %3d  fail %3d  skip %3d' % (s['where'], s['suite'], s['pass'],
                                                            s['fail'], s['skip']))
    for what in ('stats', 'kunit_stats'):
        if r[what]:
            p('%s: %s' % ('Stats' if what == 'stats' else 'KUnit stats',
                          ' '.join('%s=%d' % kv_ for kv_ in sorted(r[what].items()))))
    if r['user_crashes']:
        p('User-space crashes (platform, see README): %d' % len(r['user_crashes']))
        for line in r['user_crashes'][:5]:
            p('  ' + line)
    for line in r['platform_events']:
        p('Platform glitch (see README): ' + line)
    if r['xen_dump']:
        p("Xen's state at the time limit (debug keys; the whole dump is in the serial log):")
        for line in dump_lines(r):
            p('  ' + line)
    if r['errors']:
        p('Errors:')
        for e in r['errors'][:20]:
            p('  [%s %s] %s' % (e['where'], e['kind'], e['line']))
    why = verdict(r)
    p('RESULT: %s%s' % ('PASS' if not why else 'FAIL', '' if not why else ': ' + '; '.join(why)))
    p('=' * 72)
    return '\n'.join(out), not why


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--log', required=True)
    ap.add_argument('--outcome', default='poweroff')
    ap.add_argument('--name', default='run')
    ap.add_argument('--setting', action='append', default=[])
    ap.add_argument('--json')
    ap.add_argument('--qemu-err', help="QEMU's own messages (stderr)")
    ap.add_argument('--kernel-dir', help="the guest kernel's build directory (System.map and "
                    "vmlinux: where a triple fault stopped)")
    a = ap.parse_args()
    lines = read_log(a.log)
    qemu_err = ''
    if a.qemu_err:
        with open(a.qemu_err, errors='replace') as f:
            qemu_err = ' '.join(f.read().split())[:400]
    r = parse(lines, a.outcome, qemu_err, a.kernel_dir)
    settings = dict(s.split('=', 1) for s in a.setting)
    map_cut_facts(r, settings.get('map_cut', ''))
    text, ok = show(r, a.name, settings)
    print(text)
    if a.json:
        r.update({'name': a.name, 'settings': settings, 'pass': ok, 'why': verdict(r)})
        with open(a.json, 'w') as f:
            json.dump(r, f, indent=1)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
