"""Keys repeated inside one JSON object of a line (rule S5): readers disagree on which value counts.

msgspec and orjson keep the last of two equal keys, other readers the first, so a line holding
``"total"`` twice has one total for the validator and another for the ingest. Neither decoder
reports the repetition; a decoder that does (``json`` with a pairs hook) costs several times the
whole fast path. So the line is compared with what was decoded from it, re-encoded compactly:

1. a line equal to that encoding (what roworld and any compact writer produce) repeats nothing;
2. else, without a ``\\u`` escape in the line, every colon of the line is either a key's or a
   character of a string, and each string the decoder kept is in the encoding with the same
   colons: the line has as many colons as the encoding exactly when no key is repeated (a
   repeated key brings its own colon, and the value it overrode its own strings);
3. only the remaining lines, which escape characters or really repeat a key, are parsed again
   with every key pair kept, to name the repeated keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import msgspec

from exporters.validation.structure import display_path
from exporters.violation import Violation

_encode = msgspec.json.Encoder().encode


def repeated_key_violations(line: bytes, decoded: Any) -> list[Violation]:
    """An S5 violation per repeated key of ``line``; ``decoded`` is what msgspec or orjson made of it."""
    canonical = _encode(decoded)
    if canonical == line or (b"\\u" not in line and line.count(b":") == canonical.count(b":")):
        return []
    try:
        repeated = list(_repeated_keys(json.loads(line, object_pairs_hook=_Pairs)))
    except RecursionError:  # nesting that orjson (limit 1024) reads but Python's recursion limit does not
        repeated = []
    return [
        Violation(
            "S5-duplicate-key",
            loc,
            f"{display_path(loc)}: key appears more than once in its object; readers differ on its value",
            "each key once",
            "repeated",
        )
        for loc in repeated
    ]


class _Pairs(list):
    """A JSON object as written: its (key, value) pairs in order, repeated keys included."""


def _repeated_keys(node: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(node, _Pairs):
        seen = set()
        for key, value in node:
            if key in seen:
                yield (*loc, key)
            seen.add(key)
            yield from _repeated_keys(value, (*loc, key))
    elif isinstance(node, list):
        for position, item in enumerate(node):
            yield from _repeated_keys(item, (*loc, position))
