"""Where a command's document goes: standard output, or the file named by ``--out``."""

from __future__ import annotations

import sys
from pathlib import Path

from world.errors import UserError


def write_document(text: str, out: Path | None, what: str) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"{out}: cannot write the {what} ({error.strerror})") from None
