"""Sinks: the outputs of a shard's ROs, one module each, fed by one fan-out.

A sink takes every visit with its built RO (``add``), then the world's ledger once the shard's world
has run (``finish``), and returns the files it wrote, if any; ``abort`` closes what it holds after
a failure. ``FanOut`` builds each visit's RO once and hands it to every sink: exporters.shard_writer
composes the dataset's file sinks with it, sim.calibrate a metrics sink. A new output format is a
new sink module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from exporters.ro_builder import BuiltRO, RoBuilder
    from exporters.writers import FileEntry
    from world.visit import Visit, WorldLedger


class Sink(Protocol):
    def add(self, visit: Visit, built: BuiltRO) -> None: ...

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]: ...

    def abort(self) -> None: ...


class FanOut:
    """Each visit's RO built once and handed to every sink, in order."""

    def __init__(self, builder: RoBuilder, sinks: Sequence[Sink]) -> None:
        self._builder = builder
        self._sinks = tuple(sinks)

    def add(self, visit: Visit) -> None:
        built = self._builder.build(visit)
        for sink in self._sinks:
            sink.add(visit, built)

    def finish(self, ledger: WorldLedger) -> tuple[FileEntry, ...]:
        """Every sink finished with the ledger; the files they wrote, sink by sink."""
        return tuple(entry for sink in self._sinks for entry in sink.finish(ledger))

    def abort(self) -> None:
        for sink in self._sinks:
            sink.abort()
