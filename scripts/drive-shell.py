#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Use "make shell" the way a person does, through a pseudo-terminal.

Starts "make shell" on a new pty, waits for dom0's prompt, types each
command of --type slowly (a serial line), waits for what --expect says
each must print, types "poweroff" and waits for make to end. Then checks
that the QEMU of the session is gone. Prints one "ok:" or "FAILED:" line
per step, keeps the whole transcript in --transcript, exits 0 when every
step passed.
"""
import argparse
import os
import pty
import re
import select
import subprocess
import sys
import time

PROMPT = 'dom0# '
DSR = '\x1b[6n'


class Session:
    def __init__(self, argv, transcript):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvp(argv[0], argv)
        self.seen = ''
        self.log = open(transcript, 'w', errors='replace')

    def read(self, seconds):
        """Read what arrives within @seconds; False once the pty closed."""
        r, _, _ = select.select([self.fd], [], [], seconds)
        if not r:
            return True
        try:
            data = os.read(self.fd, 4096).decode('utf-8', 'replace')
        except OSError:
            return False
        if not data:
            return False
        self.seen += data
        self.log.write(data)
        self.log.flush()
        # A terminal answers busybox's cursor position query (ESC [ 6 n).
        for _ in range(data.count(DSR)):
            os.write(self.fd, b'\x1b[24;80R')
        return True

    def expect(self, pattern, seconds, since):
        """Wait until @pattern shows after offset @since; the match or None."""
        end = time.time() + seconds
        while time.time() < end:
            m = re.search(pattern, self.seen[since:])
            if m:
                return m
            if not self.read(1):
                return re.search(pattern, self.seen[since:])
        return None

    def type(self, text):
        for ch in text + '\r':
            os.write(self.fd, ch.encode())
            time.sleep(0.03)
            self.read(0)

    def wait_exit(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            if not self.read(1):
                break
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        try:
            pid, status = os.waitpid(self.pid, 0 if time.time() < end else os.WNOHANG)
            return os.waitstatus_to_exitcode(status) if pid else None
        except ChildProcessError:
            return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--transcript', required=True)
    ap.add_argument('--log', required=True, help="the session's serial log (QEMU's logfile)")
    ap.add_argument('--type', action='append', default=[], help='a command to type')
    ap.add_argument('--expect', action='append', default=[],
                    help='a regex the matching --type must print')
    ap.add_argument('--boot-seconds', type=int, default=600)
    a = ap.parse_args()
    ok = True

    def say(good, what):
        nonlocal ok
        print('  %s: %s' % ('ok' if good else 'FAILED', what))
        ok = ok and good

    s = Session(['make', '--no-print-directory', 'shell'], a.transcript)
    if not s.expect(re.escape(PROMPT), a.boot_seconds, 0):
        say(False, 'no dom0 prompt %r within %d s (transcript: %s)' %
            (PROMPT, a.boot_seconds, a.transcript))
        os.kill(s.pid, 15)
        s.wait_exit(30)
        return 1
    say(True, "dom0's shell prompt appeared")
    for cmd, want in zip(a.type, a.expect):
        since = len(s.seen)
        s.type(cmd)
        m = s.expect(want, 90, since)
        say(bool(m), 'typed %r, it printed /%s/%s' % (cmd, want, ': %r' % m.group(0) if m else ''))
    s.type('poweroff')
    rc = s.wait_exit(180)
    say(rc is not None, 'poweroff ended make shell (exit status %s)' % rc)
    left = subprocess.run(['pgrep', '-f', 'qemu-system.*logfile=%s' % a.log],
                          stdout=subprocess.PIPE, text=True).stdout.split()
    say(not left, 'no QEMU of the session left running%s' % (': %s' % left if left else ''))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
