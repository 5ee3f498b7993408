"""The output lock: one run per --out, released however the run ends, and only roworld's file touched."""

import errno
import os

import pytest

from sim import run_lock
from sim.run_lock import lock_path, output_lock
from world.errors import UserError


def test_a_second_lock_is_refused_naming_the_holder_and_the_file_goes_with_the_holder(tmp_path):
    out = tmp_path / "ds"
    with output_lock(out):
        assert lock_path(out).read_text().startswith(f"roworld run: pid {os.getpid()} on ")
        with pytest.raises(UserError) as caught, output_lock(out):
            pass
        assert caught.value.exit_code == 2
        assert f"pid {os.getpid()}" in str(caught.value) and "another run" in str(caught.value)
    assert not lock_path(out).exists()
    with output_lock(out):
        pass


def test_a_stale_lock_file_left_by_a_killed_run_does_not_block(tmp_path):
    out = tmp_path / "ds"
    lock_path(out).write_text("roworld run: pid 1 on elsewhere, started 2020-01-01 00:00:00 UTC\n")
    with output_lock(out):
        assert f"pid {os.getpid()}" in lock_path(out).read_text()


def test_a_file_that_roworld_did_not_write_is_neither_rewritten_nor_removed(tmp_path):
    out = tmp_path / "ds"
    lock_path(out).write_text("my notes")
    with pytest.raises(UserError, match="not made by roworld"), output_lock(out):
        pass
    assert lock_path(out).read_text() == "my notes"


def test_a_symlink_in_place_of_the_lock_file_is_not_followed(tmp_path):
    out = tmp_path / "ds"
    target = tmp_path / "precious"
    target.write_text("keep")
    lock_path(out).symlink_to(target)
    with pytest.raises(UserError, match="lock file"), output_lock(out):
        pass
    assert target.read_text() == "keep"


def test_a_read_only_folder_is_a_clear_error(tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(run_lock.os, "open", read_only)
    with pytest.raises(UserError, match=r"ds\.lock: cannot create the run's lock file \(Read-only"):
        with output_lock(tmp_path / "ds"):
            pass


def test_a_lock_file_removed_by_its_holder_is_not_locked_by_a_late_opener(tmp_path, monkeypatch):
    """A run that opened the file just before the holder removed it must not lock the orphan."""
    out = tmp_path / "ds"
    real_flock = run_lock.fcntl.flock
    calls = []

    def holder_finishes_first(descriptor, operation):
        if not calls:
            lock_path(out).unlink()  # the holder finishes between our open and our flock
        calls.append(descriptor)
        return real_flock(descriptor, operation)

    lock_path(out).write_text("")
    monkeypatch.setattr(run_lock.fcntl, "flock", holder_finishes_first)
    with output_lock(out):
        assert len(calls) == 2
        assert os.fstat(calls[1]).st_ino == lock_path(out).stat().st_ino
