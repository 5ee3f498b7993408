"""VINs that are valid, unique in the dataset, and can never name a real vehicle.

WMI (positions 1-3): every VIN starts with ``G``. In the ISO 3780 allocation the first character
names a region and ranges of the second a country; ``G`` lies in the African range (A-H), where the
published country tables list GA-G0 as "not assigned" (SAE's WMI country table as reproduced by
decoders such as govin and vininfo, which give A-F to African countries and, since China's extra
allocation, H to China, but nothing under G). A VIN under an unassigned block cannot collide with
a real manufacturer's. The other two WMI characters come from the make, so one make reads as one
manufacturer.

VDS (positions 4-8) comes through blake2b (never the salted ``hash``) from the make and model
(4-6), the trim (7) and the engine (8), as manufacturers encode line, series and engine there;
position 7 is a letter for model years 2010 on and a digit before, as 49 CFR 565.15 requires.
Position 9 is the check digit, 10 the model-year code, 11 the plant. Positions 12-13 are the
shard's own two characters and 14-17 a serial: plant and serial count vehicles per VIN prefix
(positions 1-8 and 10), so one factory never repeats a VIN and factories with distinct shard
indices never share one.
"""

from __future__ import annotations

import hashlib

from world.errors import UserError
from world.vin import check_digit, model_year_code

VIN_CHARACTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_DIGITS = "0123456789"
WMI_REGION = "G"
MAX_SHARDS = len(VIN_CHARACTERS) ** 2
SERIALS_PER_PREFIX = 10_000
# Model year from which position 7 must be a letter (49 CFR 565.15(b)).
LETTER_POSITION_7_FROM = 2010


def _digest(*parts: str) -> bytes:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).digest()


def _chars(digest: bytes, alphabet: str, count: int, start: int = 0) -> str:
    return "".join(alphabet[digest[start + i] % len(alphabet)] for i in range(count))


class VinFactory:
    """Issues the VINs of one shard."""

    def __init__(self, shard_index: int) -> None:
        if not 0 <= shard_index < MAX_SHARDS:
            raise UserError(
                f"VIN factory: shard index {shard_index} outside 0..{MAX_SHARDS - 1}; "
                f"the VIN layout reserves two characters for the shard"
            )
        self.shard_index = shard_index
        self._shard_code = (
            VIN_CHARACTERS[shard_index // len(VIN_CHARACTERS)]
            + VIN_CHARACTERS[shard_index % len(VIN_CHARACTERS)]
        )
        self._issued: dict[str, int] = {}
        self._prefixes: dict[tuple[str, str, int, str, str], str] = {}

    def vin(self, make: str, model: str, year: int, trim: str, engine: str) -> str:
        """A new VIN for a vehicle of this model year, trim and engine (a catalog engine code)."""
        prefix = self._prefix(make, model, year, trim, engine)
        count = self._issued.get(prefix, 0)
        if count >= SERIALS_PER_PREFIX * len(VIN_LETTERS):
            raise UserError(
                f"VIN factory: more than {SERIALS_PER_PREFIX * len(VIN_LETTERS)} vehicles of "
                f"{year} {make} {model} in shard {self.shard_index}; use more shards"
            )
        self._issued[prefix] = count + 1
        # Start points fixed by the prefix, so VINs do not all read plant A, serial 0001, 0002...
        # When one plant's serials run out the model is "built" in the next plant.
        start = _digest("serial", prefix)
        plant_index = start[0] + count // SERIALS_PER_PREFIX
        serial = (int.from_bytes(start[1:5], "big") + count) % SERIALS_PER_PREFIX
        draft = (
            f"{prefix[:8]}0{prefix[8]}{VIN_LETTERS[plant_index % len(VIN_LETTERS)]}"
            f"{self._shard_code}{serial:04d}"
        )
        return f"{draft[:8]}{check_digit(draft)}{draft[9:]}"

    def _prefix(self, make: str, model: str, year: int, trim: str, engine: str) -> str:
        """Positions 1-8 and 10: everything but check digit, plant, shard and serial."""
        key = (make, model, year, trim, engine)
        cached = self._prefixes.get(key)
        if cached is None:
            wmi = WMI_REGION + _chars(_digest("make", make), VIN_LETTERS, 2)
            position_7 = VIN_LETTERS if year >= LETTER_POSITION_7_FROM else VIN_DIGITS
            vds = (
                _chars(_digest("model", make, model), VIN_CHARACTERS, 3)
                + _chars(_digest("trim", make, model, trim), position_7, 1)
                + _chars(_digest("engine", engine), VIN_CHARACTERS, 1)
            )
            cached = f"{wmi}{vds}{model_year_code(year)}"
            self._prefixes[key] = cached
        return cached
