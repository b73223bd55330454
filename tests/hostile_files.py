"""What a hostile user puts in a file's place, shared by the tests of the bounded reads (issue 79 item 3): a FIFO, a
link to /dev/zero, a sparse 6 GB file; and a guard that fails, rather than hangs the suite, where a read waits."""

from __future__ import annotations

import contextlib
import os
import signal


@contextlib.contextmanager
def at_most(seconds):
    """Fail, rather than hang the suite, where a read waits (a FIFO opened for reading blocks until a writer)."""

    def stop(signum, frame):
        raise AssertionError(f"still reading after {seconds} s: the read waits or has no end")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def fifo(path):
    os.mkfifo(path)


def device(path):
    os.symlink("/dev/zero", path)


def huge(path):
    with open(path, "wb") as f:
        f.truncate(6_000_000_000)  # sparse: 6 GB to stat and to read, none on the disk
