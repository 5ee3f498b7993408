"""The run's progress counts: what the bar shows comes from the shards' reports."""

from datetime import date

from sim.progress import RunProgress


def test_a_report_that_arrives_after_its_shard_finished_is_ignored():
    """A pool worker's reports and its result travel on different channels, so a report can land late."""
    progress = RunProgress(date(2024, 1, 1), date(2025, 1, 1), [0, 1], show=False)
    progress.update(1, 3, date(2024, 3, 1).toordinal(), False)
    progress.update(0, 2048, date(2025, 1, 1).toordinal(), True)
    progress.update(0, 1024, date(2024, 6, 1).toordinal(), False)
    assert progress.ro_count == 2048 + 3
