#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check every knob of make run/shell/check/bench before anything is built
or booted.

Reads the knobs from the environment (the Makefile exports them). A value
that QEMU, Xen or xl would refuse, or that our scripts cannot use, gets
one line naming the knob, the value and what is accepted; the exit status
is then 2. Nothing is printed when every knob is fine.
"""
import os
import re
import sys

SIZE = re.compile(r'^(\d+(?:\.\d+)?)([KMGT]?)$', re.I)
UNITS = {'': 1 << 20, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}
# Xen's <size>: an integer with an optional unit (none means KiB).
XEN_SIZE = r'-?\d+[BKMGT]?'
XEN_SZ = re.compile(r'^(?:%s|(?:%s\+)?\d{1,2}%%)$' % (XEN_SIZE, XEN_SIZE), re.I)
SHELLS = ('/bin/sh', '/bin/ash', '/bin/busybox sh', '/usr/bin/env sh')
DOMU_KEYS = {'memory': 'MiB', 'maxmem': 'MiB', 'vcpus': 'count'}


# Xen 4.17 itself stops (Xen BUG at common/page_alloc.c:286) from about
# 100 cut RAM regions; 50 cuts of 8 KiB booted (README, "Real hosts").
MAX_CUTS = 64
ADDR = re.compile(r'^(0x[0-9a-f]+|\d+)([KMG]?)$', re.I)


def addr_bytes(value):
    """Bytes of a MAP_CUT address: decimal or 0x hex, optional K, M or G."""
    m = ADDR.match(value)
    if not m:
        return None
    return int(m.group(1), 0) * {'': 1, 'K': 1 << 10, 'M': 1 << 20,
                                 'G': 1 << 30}[m.group(2).upper()]


def map_cuts(value):
    """[(start, end)] of MAP_CUT="start-end ...", or a reason it is refused."""
    cuts = []
    for r in value.split():
        a, dash, b = r.partition('-')
        start, end = addr_bytes(a), addr_bytes(b)
        if not dash or start is None or end is None:
            return 'bad range %r; accepted: space-separated START-END byte addresses, ' \
                   'decimal or 0x hex with an optional K, M or G (e.g. "1000M-1000M 0x3000-0x5000")' % r
        if end <= start:
            return 'range %r ends where it starts or before; accepted: START < END' % r
        cuts.append((start, end))
    if len(cuts) > MAX_CUTS:
        return '%d ranges; accepted: at most %d (Xen 4.17 itself stops with a BUG in ' \
               'common/page_alloc.c from about 100 cut RAM regions)' % (len(cuts), MAX_CUTS)
    return cuts


def qemu_bytes(value):
    """Bytes of a QEMU size (-m, max-ram-below-4g): no unit means MiB."""
    m = SIZE.match(value)
    if not m:
        return None
    return int(float(m.group(1)) * UNITS[m.group(2).upper()])


def host_ram():
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemTotal:'):
                return int(line.split()[1]) << 10
    return 0


def positive_int(value):
    return value.isdigit() and int(value) > 0


def check_script(name, path, problems):
    if not path:
        return
    if not os.path.isfile(path):
        problems.append((name, path, 'no such file; accepted: the path of a shell script '
                         'on this machine'))
    elif not os.access(path, os.X_OK):
        problems.append((name, path, 'not executable; accepted: a script with its execute '
                         'bit set (chmod +x %s)' % path))
    else:
        with open(path, 'rb') as f:
            first = f.readline().decode('utf-8', 'replace').strip()
        if first.startswith('#!') and first[2:].strip() not in SHELLS:
            problems.append((name, path, 'starts with %r, and the guest has busybox sh only; '
                             'accepted: #!/bin/sh or no #! line' % first))


def check(env):
    """Return a list of (knob, value, what is accepted) for every bad knob."""
    bad = []
    get = env.get
    size_hint = 'a size with an optional K, M, G or T suffix (no suffix: MiB), e.g. 3G'

    if get('KERNEL', 'ours') not in ('ours', 'baseline'):
        bad.append(('KERNEL', get('KERNEL'), 'accepted: ours or baseline'))
    if get('KVER', '6.1') not in ('6.1', '6.12'):
        bad.append(('KVER', get('KVER'), 'accepted: 6.1 or 6.12 (Debian\'s linux-source-6.1 / -6.12)'))

    mem = get('MEM', '3G')
    mem_b = qemu_bytes(mem)
    limit = host_ram() - (2 << 30)
    if mem_b is None:
        bad.append(('MEM', mem, 'not a size; accepted: ' + size_hint + ' (QEMU -m)'))
    elif mem_b < 256 << 20:
        bad.append(('MEM', mem, 'too small; accepted: 256M or more (Xen and dom0 need it)'))
    elif 0 < limit < mem_b:
        bad.append(('MEM', mem, 'more than this machine can back (its RAM less 2 GiB for '
                    'the host); accepted: up to %dM' % (limit >> 20)))

    hole = get('HOLE', '')
    if hole:
        b = qemu_bytes(hole)
        if b is None:
            bad.append(('HOLE', hole, 'not a size; accepted: ' + size_hint +
                        ' (QEMU -machine pc,max-ram-below-4g=)'))
        elif not (16 << 20) <= b <= (4 << 30):
            bad.append(('HOLE', hole, 'out of range; accepted: 16M to 4G, where the PCI '
                        'hole starts'))

    dom0_mem = get('DOM0_MEM', '1024M,max:2048M')
    parts = dom0_mem.split(',') if dom0_mem else ['']
    for p in parts:
        kind, _, sz = p.rpartition(':')
        if kind not in ('', 'min', 'max') or not XEN_SZ.match(sz):
            bad.append(('DOM0_MEM', dom0_mem,
                        'Xen would ignore %r; accepted: a comma-separated list of [min:|max:]'
                        'SIZE, SIZE a number with an optional B, K, M, G or T suffix '
                        '(none: KiB), negative for "all but", or [SIZE+]N%% '
                        '(e.g. 1024M,max:2048M)' % p))
            break

    for knob in ('BALLOON', 'DOMU_BALLOON'):
        for t in get(knob, '').split():
            if not positive_int(t):
                bad.append((knob, get(knob), 'accepted: space-separated targets in KiB, '
                            'each a positive integer (e.g. "262144 1048576")'))
                break

    domu = get('DOMU', '')
    if domu:
        vals = {}
        for kv in domu.split(','):
            k, eq, v = kv.partition('=')
            if k not in DOMU_KEYS or not eq or not positive_int(v):
                bad.append(('DOMU', domu, 'bad %r; accepted: comma-separated KEY=N with '
                            'KEY one of %s (e.g. memory=128,maxmem=256)' %
                            (kv, ', '.join('%s (%s)' % i for i in DOMU_KEYS.items()))))
                vals = None
                break
            vals[k] = int(v)
        if vals is not None:
            if 'memory' not in vals:
                bad.append(('DOMU', domu, 'memory= is missing; accepted: memory=N[,maxmem=M]'))
            elif vals['memory'] < 32:
                bad.append(('DOMU', domu, 'memory below 32 MiB; our domU kernel and its '
                            'initramfs need at least 32'))
            elif vals.get('maxmem', vals['memory']) < vals['memory']:
                bad.append(('DOMU', domu, 'maxmem below memory; accepted: maxmem >= memory'))
    if get('DOMU_TYPE') not in (None, '', 'pv', 'pvh'):
        bad.append(('DOMU_TYPE', get('DOMU_TYPE'), 'accepted: pv or pvh (xl type=)'))
    migrate = get('DOMU_MIGRATE', '')
    if migrate and (not positive_int(migrate) or int(migrate) > 9):
        bad.append(('DOMU_MIGRATE', migrate, 'accepted: how many live migrations, 1 to 9'))
    elif migrate and domu and get('DOMU_TYPE', 'pv') != 'pvh':
        bad.append(('DOMU_MIGRATE', migrate, 'needs DOMU_TYPE=pvh: a PV domU cannot '
                    'live-migrate here (its log-dirty mode needs shadow paging, which '
                    'Debian\'s Xen 4.17 lacks; README, "Live migration")'))
    for knob in ('DOMU_BALLOON', 'DOMU_SCRIPT', 'DOMU_TYPE', 'DOMU_MIGRATE'):
        if get(knob) and not domu:
            bad.append((knob, get(knob), 'needs a domU; set DOMU= too (e.g. DOMU=memory=128)'))

    if get('SCRUB', 'yes') not in ('yes', 'no'):
        bad.append(('SCRUB', get('SCRUB'), 'accepted: yes (Xen and dom0 zero free pages, '
                    'the default) or no'))
    if get('BOOT', 'direct') not in ('direct', 'grub'):
        bad.append(('BOOT', get('BOOT'), 'accepted: direct (QEMU loads Xen) or grub (a GRUB '
                    'ISO, like a real host)'))
    if get('MAP_CUT'):
        cuts = map_cuts(get('MAP_CUT'))
        if isinstance(cuts, str):
            bad.append(('MAP_CUT', get('MAP_CUT'), cuts))
        elif get('BOOT', 'direct') != 'grub':
            bad.append(('MAP_CUT', get('MAP_CUT'), 'needs BOOT=grub (GRUB\'s cutmem makes '
                        'the cuts)'))

    check_script('DOM0_SCRIPT', get('DOM0_SCRIPT', ''), bad)
    check_script('DOMU_SCRIPT', get('DOMU_SCRIPT', ''), bad)
    for knob in ('TIMEOUT', 'SCRIPT_TIMEOUT'):
        if get(knob) and not positive_int(get(knob)):
            bad.append((knob, get(knob), 'accepted: a positive number of seconds'))
    return bad


def main():
    if sys.argv[1:] == ['--cutmem']:
        # grub.cfg lines for MAP_CUT, once check() accepted it
        for start, end in map_cuts(os.environ.get('MAP_CUT', '')):
            print('cutmem %#x %#x' % (start, end))
        return 0
    bad = check(os.environ)
    for knob, value, why in bad:
        print('knob %s=%s: %s' % (knob, value, why), file=sys.stderr)
    return 2 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
