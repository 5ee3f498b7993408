"""Errors meant for the user: printed as one clear message, never as a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. ``exit_code`` is what the CLI exits with."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
