"""A copy of the contract's models with fields added at every depth, as a contract change would add them:
what is derived from the models (the Structs, the fast path's checks, the Parquet schema) must follow."""

from __future__ import annotations

from pydantic import Field

from exporters import formats
from exporters.formats import Money, SmallInt
from exporters.models import PartLine, RepairOrder, Vehicle, described


class WiderVehicle(Vehicle):
    trim: str = described("Trim level.", "vehicle", min_length=1)
    plate_state: str | None = described("State of the plate, if read.", "pii", pattern=formats.STATE_PATTERN)


class WiderPartLine(PartLine):
    core_charge: Money = described("Refundable core charge.", "financial")
    supplier_code: str = described("Supplier's code.", "code", pattern=formats.OP_CODE_PATTERN)


class WiderRepairOrder(RepairOrder):
    vehicle: WiderVehicle = Field(description="The vehicle serviced.")
    parts: list[WiderPartLine] = Field(description="Part lines, possibly none.")
    bay: SmallInt = described("Service bay.", "identifier")
