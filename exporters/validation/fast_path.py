"""The fast check of one RO line: decode into Structs in C, check the value formats, run the record rules.

``clean_ro(line)`` returns the decoded RO when the line breaks no structural, format or record rule,
i.e. exactly when the detailed checks (``orjson.loads``, exporters.validation.structure, then the
record rules) would report nothing, and None otherwise; it never says what is wrong. The validator
and the exporter call it first on every line and run the detailed checks only on a None, to report
each broken rule with its precise id.

msgspec checks keys, JSON types, enums and non-empty texts and lists while it decodes
(exporters.validation.structs). The patterns of the schema are checked without running a regex per
value, which would cost more than the decode: numbers are read by the record rules through the
parse tables of exporters.formats, which refuse malformed text; identifiers and codes recur across
a dataset and are looked up in remembered verdicts; the VIN's pattern is part of rule R11; only the
RO number and the two datetimes, unique per RO, go through one regex together.
"""

from __future__ import annotations

import re

import msgspec

from exporters.formats import (
    ADVISOR_IDS,
    DATETIME_PATTERN,
    OP_CODES,
    PHONES,
    POSTAL_CODES,
    RO_NUMBER_PATTERN,
    SHOP_IDS,
    STATES,
    TECHNICIAN_IDS,
    UUIDS,
)
from exporters.rules import ro_violations
from exporters.validation.structs import RepairOrder

_decode = msgspec.json.Decoder(RepairOrder).decode


def _bare(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$")


# ro_number, opened_at and closed_at joined by spaces; no pattern admits a space, so the two spaces the
# regex requires are exactly the joins and no value can shift another.
_NUMBER_AND_TIMES = re.compile(
    f"{_bare(RO_NUMBER_PATTERN)} {_bare(DATETIME_PATTERN)} {_bare(DATETIME_PATTERN)}"
).fullmatch
# orjson reads a JSON integer above this as a float, which the detailed checks report as S4-type;
# msgspec reads any size. Of the RO's integers only the odometers are unbounded by the record rules
# (the year has a range, indices must equal positions), and odometer_in <= odometer_out.
_MAX_JSON_INT = 2**64 - 1


def clean_ro(line: bytes) -> RepairOrder | None:
    """The RO of a line that breaks no record-level rule, else None (the detailed checks say which)."""
    try:
        ro = _decode(line)
        return (
            ro
            if _identifiers_match(ro) and ro.vehicle.odometer_out <= _MAX_JSON_INT and not ro_violations(ro)
            else None
        )
    # msgspec's decode and validation errors, UnicodeDecodeError, and a number the rules could not
    # read because it is not in its contract format.
    except ValueError:
        return None


def _identifiers_match(ro: RepairOrder) -> bool:
    shop = ro.shop
    customer = ro.customer
    address = customer.address
    return (
        _NUMBER_AND_TIMES(f"{ro.ro_number} {ro.opened_at} {ro.closed_at}") is not None
        and SHOP_IDS[shop.shop_id]
        and ADVISOR_IDS[ro.advisor_id]
        and UUIDS[customer.customer_uuid]
        and PHONES[customer.phone]
        and STATES[address.state]
        and POSTAL_CODES[address.postal_code]
        and all([OP_CODES[line.op_code] and TECHNICIAN_IDS[line.technician_id] for line in ro.labor])
    )
