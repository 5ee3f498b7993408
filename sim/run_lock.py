"""One run at a time per output folder: an exclusive OS lock on ``OUT.lock`` beside it.

``flock`` belongs to the open file, so the OS releases it when the run's process ends, however it
ends: a killed run never blocks the next one. The file holds the owner's pid, host and start time
as plain text, only to name the running run when a second one is refused. The owner removes the
file on a normal exit while still holding the lock; after a kill a stale file stays behind and is
harmless (nobody holds its lock). A run that opened the file just before its owner removed it
notices, after locking, that the path no longer names what it locked, and starts over.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from world.errors import UserError

HOLDER_BYTES = 512  # more than a pid, a host name and a timestamp
HOLDER_PREFIX = "roworld run: "


def lock_path(out_dir: Path) -> Path:
    return out_dir.with_name(out_dir.name + ".lock")


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the lock on ``out_dir`` for the block; refuse with a UserError if another run holds it."""
    path = lock_path(out_dir)
    descriptor = _acquire(path, out_dir)
    try:
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        holder = f"{HOLDER_PREFIX}pid {os.getpid()} on {socket.gethostname()}, started {started}\n"
        os.ftruncate(descriptor, 0)
        os.write(descriptor, holder.encode())
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(descriptor)


def _acquire(path: Path, out_dir: Path) -> int:
    while True:
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as error:
            raise UserError(f"{path}: cannot create the run's lock file ({error.strerror})") from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            raise UserError(
                f"{out_dir} is being written by another run ({holder}, lock {path}); "
                "wait for it to finish or stop it, then run again (with --resume to continue it)"
            ) from None
        if not _still_at(descriptor, path):
            os.close(descriptor)
            continue
        if not _ours(descriptor):
            os.close(descriptor)
            raise UserError(
                f"{path} exists and was not made by roworld: move it away or choose another --out"
            )
        return descriptor


def _still_at(descriptor: int, path: Path) -> bool:
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _ours(descriptor: int) -> bool:
    """Empty (just created) or written by a roworld run: the only lock files we may rewrite and remove."""
    content = os.pread(descriptor, len(HOLDER_PREFIX), 0)
    return content in (b"", HOLDER_PREFIX.encode())


def _holder(descriptor: int) -> str:
    text = os.pread(descriptor, HOLDER_BYTES, 0).decode("utf-8", errors="replace").strip()
    printable = "".join(character for character in text if character.isprintable())
    return printable.removeprefix(HOLDER_PREFIX) or "holder not yet recorded"
