"""Errors meant for the user: printed as one clear message, never as a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. ``exit_code`` is what the CLI exits with.

    The message is what the CLI prints. Where the error is about one input, ``file`` names it
    (a path, or ``<dict>`` for a scenario given as a mapping), ``key_path`` the value inside it
    (``world.regions.0.tax_rate``) and ``expected`` what was expected there, so library callers
    can act on an error without parsing the message. For a scenario with several problems they
    describe the first; the message lists them all.
    """

    def __init__(
        self,
        message: str,
        exit_code: int = 2,
        *,
        file: str | None = None,
        key_path: str | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.file = file
        self.key_path = key_path
        self.expected = expected
