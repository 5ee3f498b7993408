"""Engine plumbing: which scheduler addresses, and workers that outlive their parent."""

import subprocess
import sys

import pytest

from sim import engines
from world.errors import UserError


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "10.0.0.5:8786", "tls://scheduler:8786"])
def test_a_dask_address_is_accepted(address):
    pytest.importorskip("dask.distributed")
    engines.check_scheduler(address)


@pytest.mark.parametrize("address", ["not a url", "tcp://scheduler", "ftp://scheduler:21", "tcp://h:port"])
def test_a_scheduler_that_is_not_a_dask_address_is_refused(address):
    pytest.importorskip("dask.distributed")
    with pytest.raises(UserError, match="is not a Dask scheduler address") as caught:
        engines.check_scheduler(address)
    assert repr(address) in str(caught.value)


ORPHAN = """
import multiprocessing, queue
from sim import engines

class Ended:
    def is_alive(self):
        return False

multiprocessing.parent_process = Ended  # as if the run that started this worker had died
engines._worker_queue = queue.Queue()
engines._report_to_parent(0, 1024, 0, False)
print("kept running")
"""


def test_a_worker_whose_parent_is_gone_stops_at_its_next_progress_report():
    """The portable fallback where the kernel cannot kill workers with their parent."""
    result = subprocess.run([sys.executable, "-c", ORPHAN], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "kept running" not in result.stdout, result.stderr
