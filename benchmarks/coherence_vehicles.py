"""What each vehicle of a dataset can take, for the coherence audit: its build spec when the truth
carries one, else issue #13's year and model heuristics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

# Heuristics for vehicles without a build spec (issue #13's wording).
TPMS_FROM, R1234YF_FROM, CABIN_FILTER_FROM, HID_FROM = 2007, 2015, 2000, 2005
CHAIN_FROM = 2011  # most engines of model year 2011 on drive their cams by chain
CHAIN_SEGMENTS = ("pickup", "van")  # truck V6/V8 families are chain-driven
CHAIN_MAKES = ("Jeep",)
FOUR_CYLINDER_MODELS = frozenset(
    {
        "Civic",
        "Corolla",
        "CR-V",
        "Elantra",
        "Forte",
        "Sentra",
        "Mazda3",
        "CX-5",
        "Crosstrek",
        "Jetta",
        "Rogue",
    }
)
DIESEL_MODELS = frozenset({"Sprinter 2500", "Express 2500", "Savana 2500"})


def rows(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.glob("part-*.jsonl")):
        with path.open("rb") as lines:
            for line in lines:
                if line.strip():
                    yield orjson.loads(line)


class Vehicles:
    """Per VIN: model year, model, segment and the build spec when the truth carries one."""

    def __init__(self, dataset: Path) -> None:
        self.rows = {row["vin"]: row for row in rows(dataset / "truth" / "vehicles")}

    def spec(self, vin: str) -> dict[str, Any] | None:
        row = self.rows.get(vin)
        return row.get("spec") if row else None

    def segment(self, vin: str) -> str | None:
        row = self.rows.get(vin)
        return row.get("segment") if row else None

    def basis(self) -> str:
        with_spec = sum(1 for row in self.rows.values() if row.get("spec"))
        return "spec" if with_spec == len(self.rows) and with_spec else "heuristics"

    # Each check: True when the vehicle cannot take it.
    def no_tpms(self, vin: str, year: int) -> bool:
        spec = self.spec(vin)
        return not spec["tpms"] if spec else year < TPMS_FROM

    def no_r1234yf(self, vin: str, year: int) -> bool:
        spec = self.spec(vin)
        return spec["refrigerant"] != "R-1234yf" if spec else year < R1234YF_FROM

    def no_cabin_filter(self, vin: str, year: int) -> bool:
        spec = self.spec(vin)
        return not spec["cabin_filter"] if spec else year < CABIN_FILTER_FROM

    def no_hid(self, vin: str, year: int) -> bool:
        spec = self.spec(vin)
        return spec["headlamps"] != "hid" if spec else year < HID_FROM

    def no_cvt(self, vin: str) -> bool:
        spec = self.spec(vin)
        return spec["transmission"] != "cvt" if spec else self.segment(vin) in CHAIN_SEGMENTS

    def chain_driven(self, vin: str, year: int, make: str) -> bool:
        spec = self.spec(vin)
        if spec:
            return spec["engine"]["cam_drive"] == "chain"
        return year >= CHAIN_FROM or self.segment(vin) in CHAIN_SEGMENTS or make in CHAIN_MAKES

    def four_cylinders(self, vin: str, model: str) -> bool:
        spec = self.spec(vin)
        return spec["engine"]["cylinders"] == 4 if spec else model in FOUR_CYLINDER_MODELS

    def diesel(self, vin: str, model: str) -> bool:
        spec = self.spec(vin)
        return spec["engine"]["fuel"] == "diesel" if spec else model in DIESEL_MODELS
