"""Validate dataset folders and loose JSON Lines files of ROs, streaming, into a Report."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporters.rules import MAX_LINE_BYTES
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
        self.outside: set[str] = set()  # relative paths already reported as leading out of the dataset

    def validate_files(self, paths: list[Path]) -> None:
        for path in paths:
            self.stream_ros(path, None, None)
        self.finish()

    def validate_folder(self, folder: Path) -> None:
        listed, problem = manifest.read_manifest(folder)
        manifest_file = _shown(folder / manifest.MANIFEST)
        if problem is not None:
            self.report.add(manifest_file, 0, "", problem)
        digests: dict[str, tuple[str, int | str]] = {}
        ro_files = self.files_inside(folder, "repair_orders")
        span_files = self.files_inside(folder, "pii_spans")
        ro_names, span_names = {path.name for path in ro_files}, {path.name for path in span_files}
        for ro_file in ro_files:
            span_file = folder / "pii_spans" / ro_file.name
            spans = self.load_spans(span_file, digests, folder) if ro_file.name in span_names else {}
            digests[_relative(ro_file, folder)] = self.stream_ros(ro_file, spans, span_file)
            self.report_orphan_spans(span_file, spans)
        for span_file in span_files:
            if span_file.name not in ro_names:
                self.report_orphan_spans(span_file, self.load_spans(span_file, digests, folder))
        self.finish()
        if listed is not None:
            self.check_manifest(folder, listed, digests)

    def files_inside(self, folder: Path, directory: str) -> list[Path]:
        """The directory's part files that lie inside the dataset; an M6 violation for each other one."""
        inside = []
        for path in sorted((folder / directory).glob("*.jsonl")):
            relative = _relative(path, folder)
            if manifest.inside(folder, relative) is None:
                self.outside.add(relative)
                self.report.add(_shown(path), 0, "", manifest.outside(relative))
            elif path.is_file():
                inside.append(path)
        return inside

    def load_spans(
        self, span_file: Path, digests: dict[str, tuple[str, int | str]], folder: Path
    ) -> SpanIndex:
        spans: SpanIndex = {}
        hasher = hashlib.sha256()
        count = 0
        shown = _shown(span_file)
        for count, line in _lines(span_file, hasher):
            if type(line) is OverlongLine:
                self.report.add(shown, count, "", _overlong(line))
                continue
            span, problem = parse_span(line)
            if problem is not None:
                self.report.add(shown, count, _span_ro_number(line), problem)
            if span is not None:
                spans.setdefault(span.ro_number, []).append((count, span))
        digests[_relative(span_file, folder)] = (hasher.hexdigest(), count)
        return spans

    def report_orphan_spans(self, span_file: Path, spans: SpanIndex) -> None:
        for ro_number, entries in spans.items():
            for line_number, _ in entries:
                self.report.add(
                    _shown(span_file),
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
        display = _shown(path)
        report.files.append(display)
        base = len(self.file_names) << 32
        self.file_names.append(display)
        hasher = hashlib.sha256()
        count = 0
        for count, line in _lines(path, hasher):
            if type(line) is OverlongLine:
                report.records += 1
                report.add(display, count, "", _overlong(line))
                continue
            ro_number, violations, ro = check_line(line)
            if ro is not None or line.strip():  # a blank line is a violation but no RO
                report.records += 1
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
                        report.add(_shown(span_file), span_line, ro_number, violation)
        return hasher.hexdigest(), count

    def finish(self) -> None:
        for location, ro_number, violation in self.checks.finish():
            self.report.add(self.file_names[location >> 32], location & 0xFFFF_FFFF, ro_number, violation)

    def check_manifest(
        self, folder: Path, listed: dict[str, manifest.ListedFile], digests: dict[str, tuple[str, int | str]]
    ) -> None:
        for relative, entry in sorted(listed.items()):
            path = manifest.inside(folder, relative)
            if path is None:
                if relative not in self.outside:
                    self.report.add(_shown(folder / manifest.MANIFEST), 0, "", manifest.outside(relative))
                continue
            exists = path.is_file()
            sha256, records = digests.get(relative) or (manifest.digest_file(path) if exists else ("", 0))
            for violation in manifest.check_listed(entry, exists, sha256, records):
                self.report.add(_shown(path), 0, "", violation)
        for relative in manifest.files_on_disk(folder):
            if relative not in listed:
                self.report.add(_shown(folder / relative), 0, "", manifest.unlisted(relative))


def _relative(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _span_ro_number(line: bytes) -> str:
    """Best effort ro_number of a span line that failed its checks, for the report."""
    start = line.find(b'"ro_number":"')
    if start < 0:
        return ""
    value = line[start + 13 : start + 25]
    return value.decode("ascii", "replace")


@dataclass(frozen=True, slots=True)
class OverlongLine:
    """A line longer than MAX_LINE_BYTES, counted but not kept."""

    length: int


def _lines(path: Path, hasher: Any) -> Iterator[tuple[int, bytes | OverlongLine]]:
    """(line number, line without its newline) of a file, feeding its bytes to ``hasher``.

    A line that chunks cut is kept in pieces and joined once it ends (joining at every chunk would
    copy it again each time), and only while it stays within MAX_LINE_BYTES.
    """
    number = 0
    pieces: list[bytes] = []
    size = 0  # of the cut line so far; past MAX_LINE_BYTES its pieces are dropped
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                hasher.update(chunk)
                lines = chunk.split(b"\n")
                tail = lines.pop()
                if lines and size:
                    size += len(lines[0])
                    lines[0] = b"".join([*pieces, lines[0]]) if size <= MAX_LINE_BYTES else OverlongLine(size)
                    pieces, size = [], 0
                for line in lines:
                    number += 1
                    yield number, line
                if tail:
                    size += len(tail)
                    if size <= MAX_LINE_BYTES:
                        pieces.append(tail)
                    else:
                        pieces.clear()
    except OSError as error:
        raise UserError(f"{path}: cannot read ({error.strerror})") from None
    if size:
        yield number + 1, b"".join(pieces) if size <= MAX_LINE_BYTES else OverlongLine(size)


def _overlong(line: OverlongLine) -> Violation:
    return Violation(
        "S6-line-length",
        (),
        f"line of {line.length} bytes not read: longer than the limit",
        f"at most {MAX_LINE_BYTES} bytes",
        line.length,
    )


def _shown(path: Path) -> str:
    """The path as text that any output can carry: bytes of a non-UTF-8 file name as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
