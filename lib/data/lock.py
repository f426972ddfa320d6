"""One writer at a time: a lock on the checkout for every command that writes ``book/`` or
``data/snapshots/`` (the refresh, the feed importer) and a shared lock for those that only read
them (the HTML build).

    python -m lib.data.lock [--shared] [--root DIR] -- COMMAND [ARG ...]

runs COMMAND holding the lock (exit 75, EX_TEMPFAIL, when another command holds it).

The lock is ``flock(2)`` on ``<root>/.book.lock``. The kernel drops it when its holder exits,
however it exits (SIGKILL included), so a killed refresh leaves no stale lock behind: the file
stays, but nobody holds it, and the next caller takes it at once. The file also carries a note
of the holder (pid and command), read only to tell the refused caller who is in the way;
a note left by a dead process is never trusted to refuse anyone.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE = ".book.lock"
EXIT_LOCKED = 75  # EX_TEMPFAIL from sysexits.h: try again later


class CheckoutLocked(RuntimeError):
    """Another command holds the checkout's lock; the message says which and what to do."""


class LockFileError(RuntimeError):
    """The lock file cannot be opened (a read-only checkout): nothing was started."""


def _holder(fh) -> str:
    fh.seek(0)
    try:
        note = json.loads(fh.read() or "{}")
    except ValueError:
        return "another process"
    pid, command = note.get("pid"), note.get("command", "")
    if not isinstance(pid, int) or not _alive(pid):
        # The note is the last writer's; a dead one is not who holds the lock now (a reader,
        # such as an HTML build, writes no note).
        return "another process"
    return f"process {pid} (`{command}`)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def checkout_lock(root: Path, shared: bool = False, what: str = "") -> Iterator[None]:
    """Hold the checkout's lock (exclusive, or shared with other readers) for the block.
    Raises CheckoutLocked at once, without waiting, when it is held the other way: a second
    refresh that waited would run on a book the first one is about to replace."""
    path = Path(root) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise LockFileError(f"cannot open the lock file {path} ({err.strerror}), so {what or 'the command'} "
                             "did not start: is the checkout writable?") from err
    with os.fdopen(fd, "r+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise CheckoutLocked(
                f"{_holder(fh)} is changing book/ or data/snapshots/ in {Path(root).resolve()} right now, so "
                f"{what or 'this command'} did not start. Wait for it to finish and run it again.") from None
        try:
            if not shared:  # readers leave the writer's note alone
                fh.seek(0)
                fh.truncate()
                fh.write(json.dumps({"pid": os.getpid(), "command": what or " ".join(sys.argv)}))
                fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a command holding the checkout's lock.")
    parser.add_argument("--shared", action="store_true", help="a reader's lock: other readers may hold it too")
    parser.add_argument("--root", type=Path, default=Path("."), help="the checkout (default: the current folder)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a command to run is required, after --")
    try:
        with checkout_lock(args.root, shared=args.shared, what=" ".join(command)):
            return subprocess.call(command)
    except CheckoutLocked as err:
        print(f"locked: {err}", file=sys.stderr)
        return EXIT_LOCKED
    except LockFileError as err:
        print(f"lock: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
