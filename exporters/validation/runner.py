"""Validate dataset folders and loose JSON Lines files of ROs, streaming, into a Report."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from exporters.validation import manifest
from exporters.validation.dataset import DatasetChecks
from exporters.validation.findings import MaxErrorsReached, Report
from exporters.validation.records import check_line
from exporters.validation.spans import check_ro_spans, parse_span
from exporters.validation.structs import Span
from exporters.violation import Violation
from world.errors import UserError

# Small enough for a chunk and its lines to stay in the CPU caches: 4 MiB cost twice as much per line.
_CHUNK = 1 << 18
SpanIndex = dict[str, list[tuple[int, Span]]]


def validate_paths(paths: Sequence[Path], report: Report) -> None:
    """Each folder is one dataset; all loose files together are another. Missing paths raise UserError."""
    for path in paths:
        if not path.exists():
            raise UserError(f"{path}: no such file or directory")
        if path.is_dir() and not (path / "repair_orders").is_dir():
            raise UserError(f"{path}: not a dataset folder (expected repair_orders/ with part-*.jsonl files)")
    try:
        for folder in (path for path in paths if path.is_dir()):
            _Dataset(report).validate_folder(folder)
        loose = [path for path in paths if not path.is_dir()]
        if loose:
            _Dataset(report).validate_files(loose)
    except MaxErrorsReached:
        pass


class _Dataset:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.checks = DatasetChecks()
        self.file_names: list[str] = []

    def validate_files(self, paths: list[Path]) -> None:
        for path in paths:
            self.stream_ros(path, None, None)
        self.finish()

    def validate_folder(self, folder: Path) -> None:
        listed, problem = manifest.read_manifest(folder)
        if problem is not None:
            self.report.add(str(folder / manifest.MANIFEST), 0, "", problem)
        digests: dict[str, tuple[str, int]] = {}
        ro_files = sorted((folder / "repair_orders").glob("*.jsonl"))
        for ro_file in ro_files:
            span_file = folder / "pii_spans" / ro_file.name
            spans = self.load_spans(span_file, digests, folder) if span_file.is_file() else {}
            digests[_relative(ro_file, folder)] = self.stream_ros(ro_file, spans, span_file)
            self.report_orphan_spans(span_file, spans)
        for span_file in sorted((folder / "pii_spans").glob("*.jsonl")):
            if not (folder / "repair_orders" / span_file.name).is_file():
                self.report_orphan_spans(span_file, self.load_spans(span_file, digests, folder))
        self.finish()
        if listed is not None:
            self.check_manifest(folder, listed, digests)

    def load_spans(self, span_file: Path, digests: dict[str, tuple[str, int]], folder: Path) -> SpanIndex:
        spans: SpanIndex = {}
        hasher = hashlib.sha256()
        count = 0
        for count, line in _lines(span_file, hasher):
            span, problem = parse_span(line)
            if problem is not None:
                self.report.add(str(span_file), count, _span_ro_number(line), problem)
            else:
                spans.setdefault(span.ro_number, []).append((count, span))
        digests[_relative(span_file, folder)] = (hasher.hexdigest(), count)
        return spans

    def report_orphan_spans(self, span_file: Path, spans: SpanIndex) -> None:
        for ro_number, entries in spans.items():
            for line_number, _ in entries:
                self.report.add(
                    str(span_file),
                    line_number,
                    ro_number,
                    Violation(
                        "P1-span-target",
                        ("ro_number",),
                        "the span names no RO of the matching repair_orders file",
                        "an ro_number of this shard",
                        ro_number,
                    ),
                )

    def stream_ros(self, path: Path, spans: SpanIndex | None, span_file: Path | None) -> tuple[str, int]:
        report, checks = self.report, self.checks
        display = str(path)
        report.files.append(display)
        base = len(self.file_names) << 32
        self.file_names.append(display)
        hasher = hashlib.sha256()
        count = 0
        for count, line in _lines(path, hasher):
            report.records += 1
            ro_number, violations, ro = check_line(line)
            for violation in violations:
                report.add(display, count, ro_number, violation)
            own_spans = spans.pop(ro_number, []) if spans is not None else None
            if ro is None:
                continue
            for violation in checks.observe(ro, base | count):
                report.add(display, count, ro_number, violation)
            if own_spans is not None:
                for span_line, violation in check_ro_spans(ro, own_spans):
                    if span_line is None:
                        report.add(display, count, ro_number, violation)
                    else:
                        report.add(str(span_file), span_line, ro_number, violation)
        return hasher.hexdigest(), count

    def finish(self) -> None:
        for location, ro_number, violation in self.checks.finish():
            self.report.add(self.file_names[location >> 32], location & 0xFFFF_FFFF, ro_number, violation)

    def check_manifest(
        self, folder: Path, listed: dict[str, manifest.ListedFile], digests: dict[str, tuple[str, int]]
    ) -> None:
        for relative, entry in sorted(listed.items()):
            path = folder / relative
            exists = path.is_file()
            sha256, records = digests.get(relative) or (manifest.digest_file(path) if exists else ("", 0))
            for violation in manifest.check_listed(entry, exists, sha256, records):
                self.report.add(str(path), 0, "", violation)
        for relative in manifest.files_on_disk(folder):
            if relative not in listed:
                self.report.add(str(folder / relative), 0, "", manifest.unlisted(relative))


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _span_ro_number(line: bytes) -> str:
    """Best effort ro_number of a span line that failed its checks, for the report."""
    start = line.find(b'"ro_number":"')
    if start < 0:
        return ""
    value = line[start + 13 : start + 25]
    return value.decode("ascii", "replace")


def _lines(path: Path, hasher: Any) -> Iterator[tuple[int, bytes]]:
    """(line number, line without its newline) of a file, feeding its bytes to ``hasher``."""
    number = 0
    rest = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                hasher.update(chunk)
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    number += 1
                    yield number, line
    except OSError as error:
        raise UserError(f"{path}: cannot read ({error.strerror})") from None
    if rest:
        yield number + 1, rest
