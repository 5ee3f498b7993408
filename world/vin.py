"""VIN arithmetic of 49 CFR 565.15: transliteration, position weights, check digit, model-year code."""

from __future__ import annotations

import re
from operator import mul

VIN_PATTERN = r"^[A-HJ-NPR-Z0-9]{17}$"
_VIN_RE = re.compile(VIN_PATTERN)

# 49 CFR 565.15(c), table IV: letters I, O and Q never occur, so they have no value.
TRANSLITERATION = {
    **{str(digit): digit for digit in range(10)},
    "A": 1,
    "B": 2,
    "C": 3,
    "D": 4,
    "E": 5,
    "F": 6,
    "G": 7,
    "H": 8,
    "J": 1,
    "K": 2,
    "L": 3,
    "M": 4,
    "N": 5,
    "P": 7,
    "R": 9,
    "S": 2,
    "T": 3,
    "U": 4,
    "V": 5,
    "W": 6,
    "X": 7,
    "Y": 8,
    "Z": 9,
}
# 49 CFR 565.15(c), table V: position 9 (the check digit itself) weighs 0.
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# 49 CFR 565.15(a), table VI: the code repeats every 30 years and skips I, O, Q, U, Z and 0.
MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
FIRST_CODED_YEAR = 1980
# Model years from 2010 on reuse the 1980s letters; position 7 tells the two cycles apart.
SECOND_CYCLE_YEAR = 2010


def check_digit(vin: str) -> str:
    """The check digit (position 9) that ``vin`` should carry; ``vin`` has 17 valid characters."""
    remainder = sum(map(mul, map(TRANSLITERATION.__getitem__, vin), WEIGHTS)) % 11
    return "X" if remainder == 10 else str(remainder)


def model_year_code(year: int) -> str:
    """The position-10 character for a model year (1980 and later)."""
    if year < FIRST_CODED_YEAR:
        raise ValueError(f"model year {year} predates the 17-character VIN ({FIRST_CODED_YEAR})")
    return MODEL_YEAR_CODES[(year - FIRST_CODED_YEAR) % len(MODEL_YEAR_CODES)]


def vin_problem(vin: str, year: int) -> str | None:
    """None when ``vin`` is a valid VIN for model ``year``, else what is wrong with it."""
    if not _VIN_RE.fullmatch(vin):
        return f"VIN must be 17 characters of A-H, J-N, P, R-Z, 0-9 (found {vin!r})"
    expected_check = check_digit(vin)
    if vin[8] != expected_check:
        return f"check digit (position 9) is wrong (expected {expected_check}, found {vin[8]})"
    if year >= FIRST_CODED_YEAR:
        expected_code = model_year_code(year)
        if vin[9] != expected_code:
            return (
                f"model-year code (position 10) does not match year {year} "
                f"(expected {expected_code}, found {vin[9]})"
            )
        position_7_is_letter = vin[6].isalpha()
        if year >= SECOND_CYCLE_YEAR and not position_7_is_letter:
            return f"position 7 must be a letter for model year {year} (found {vin[6]})"
        if year < SECOND_CYCLE_YEAR and position_7_is_letter:
            return f"position 7 must be a digit for model year {year} (found {vin[6]})"
    return None
