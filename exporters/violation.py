"""A broken contract rule, as the models and the validator report it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: where in the record (a pydantic-style location) and what was expected."""

    rule: str
    loc: tuple[str | int, ...]
    message: str
    expected: Any = None
    found: Any = None

    def text(self) -> str:
        if self.expected is None and self.found is None:
            return self.message
        return f"{self.message} (expected {self.expected}, found {self.found})"
