"""Violations as the user sees them: one line each, then counts per rule; or one JSON document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from exporters.rules import RULE_IDS
from exporters.violation import Violation

# How much of a value a finding echoes: a line can hold megabytes in one field, which a finding would
# otherwise repeat in full for every rule the line breaks.
MAX_ECHO = 200


def clipped(value: Any) -> Any:
    """``value``, or its first MAX_ECHO characters and its length when its text is longer."""
    if value is None or type(value) in (int, bool):
        return value
    text = value if isinstance(value, str) else str(value)
    if len(text) <= MAX_ECHO:
        return value
    return f"{text[:MAX_ECHO]}... ({len(text)} characters)"


class MaxErrorsReached(Exception):
    """Raised by Report.add when --max-errors violations have been reported."""


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    line: int  # 0 when the violation concerns the whole file
    ro_number: str
    violation: Violation

    def text(self) -> str:
        violation = self.violation
        return f"{self.file}:{self.line}: {self.ro_number or '-'}: {violation.rule}: {violation.text()}"

    def as_json(self) -> dict[str, Any]:
        violation = self.violation
        return {
            "file": self.file,
            "line": self.line,
            "ro_number": self.ro_number or None,
            "rule": violation.rule,
            "message": violation.message,
            "expected": violation.expected,
            "found": violation.found,
        }


@dataclass
class Report:
    """Counts every finding; hands each to ``on_finding`` (printing) and keeps them if ``keep``."""

    max_errors: int | None = None
    on_finding: Callable[[Finding], None] | None = None
    keep: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    records: int = 0
    files: list[str] = field(default_factory=list)
    stopped: bool = False

    @property
    def violation_count(self) -> int:
        return sum(self.counts.values())

    def add(self, file: str, line: int, ro_number: str, violation: Violation) -> None:
        violation = replace(
            violation,
            message=clipped(violation.message),
            expected=clipped(violation.expected),
            found=clipped(violation.found),
        )
        finding = Finding(file, line, clipped(ro_number), violation)
        self.counts[violation.rule] += 1
        if self.keep:
            self.findings.append(finding)
        if self.on_finding is not None:
            self.on_finding(finding)
        if self.max_errors is not None and self.violation_count >= self.max_errors:
            self.stopped = True
            raise MaxErrorsReached

    def _ordered_counts(self) -> list[tuple[str, int]]:
        order = {rule: position for position, rule in enumerate(RULE_IDS)}
        return sorted(self.counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))

    def summary_text(self) -> str:
        head = f"checked {self.records} ROs in {len(self.files)} file(s): "
        if not self.counts:
            return head + "no violations\n"
        lines = [head + f"{self.violation_count} violation(s)"]
        if self.stopped:
            lines.append(f"stopped after {self.max_errors} violation(s) (--max-errors)")
        width = max(len(rule) for rule in self.counts)
        lines += [f"  {rule:<{width}}  {count}" for rule, count in self._ordered_counts()]
        return "\n".join(lines) + "\n"

    def json_document(self) -> bytes:
        document = {
            "valid": not self.counts,
            "records": self.records,
            "files": self.files,
            "violation_count": self.violation_count,
            "stopped_early": self.stopped,
            "counts": dict(self._ordered_counts()),
            "violations": [finding.as_json() for finding in self.findings],
        }
        return orjson.dumps(document, option=orjson.OPT_INDENT_2, default=str) + b"\n"
