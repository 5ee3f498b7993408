"""The generator's version, as recorded in every manifest."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def generator_version() -> str:
    try:
        return version("roworld")
    except PackageNotFoundError:
        return "0+unknown"
