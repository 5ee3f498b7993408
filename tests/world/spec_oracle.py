"""An independent reading of the build specs: what a vehicle of a model year may be and what may be
fitted to it, written from ``world/catalog/specs.yaml`` and the parts' descriptions in parts.yaml,
never from the code's tables (world.specs, world.fitment)."""

from __future__ import annotations

import functools
import re
from decimal import Decimal

import yaml

import world.catalog as catalog_module
from world.visit import VehicleInfo


@functools.cache
def specs_yaml() -> dict:
    return yaml.safe_load((catalog_module.CATALOG_DIR / "specs.yaml").read_text(encoding="utf-8"))


@functools.cache
def part_descriptions() -> dict[str, str]:
    raw = yaml.safe_load((catalog_module.CATALOG_DIR / "parts.yaml").read_text(encoding="utf-8"))
    return {number: entry["description"] for number, entry in raw["parts"].items()}


def build_problems(info: VehicleInfo) -> list[str]:
    """What is wrong with a vehicle's spec, read against specs.yaml."""
    data = specs_yaml()
    model = data["models"][f"{info.make} {info.model}"]
    generation = next(
        g for g in model["generations"] if g["years"][0] <= info.year and (g["years"][1] or 9999) >= info.year
    )
    spec = info.spec
    trim = next((t for t in generation["trims"] if t["trim"] == spec.trim), None)
    if trim is None:
        return [f"{info.year} {info.model} has no trim {spec.trim!r}"]
    engine = data["engines"]["table"][trim["engine"]]
    problems = []
    expected = {
        "engine code": (spec.engine.code, trim["engine"]),
        "cylinders": (spec.engine.cylinders, engine["cylinders"]),
        "layout": (spec.engine.layout, engine["layout"]),
        "fuel": (spec.engine.fuel, engine["fuel"]),
        "cam drive": (spec.engine.cam_drive, engine["cam_drive"]),
        "oil grade": (spec.engine.oil_grade, engine["oil_grade"]),
        "oil capacity": (spec.engine.oil_capacity, int(Decimal(str(engine["oil_capacity"])) * 100)),
        "spark plugs": (spec.engine.spark_plugs, engine["spark_plugs"]),
        "transmission": (spec.transmission, trim.get("transmission", generation["transmission"])),
        "drivetrain": (spec.drivetrain, trim.get("drivetrain", generation["drivetrain"])),
        "headlamps": (spec.headlamps, trim.get("headlamps", generation["headlamps"])),
        "tire size": (spec.tire_size, trim.get("tire", generation["tire"])),
    }
    rules = data["rules"]
    yf_from = model.get("r1234yf_from", rules["refrigerant"]["r1234yf_from"])
    refrigerant = "R-12" if info.year < rules["refrigerant"]["r134a_from"] else "R-134a"
    expected["refrigerant"] = (spec.refrigerant, "R-1234yf" if info.year >= yf_from else refrigerant)
    cabin_from = model.get("cabin_filter_from", rules["cabin_filter"]["from"])
    expected["cabin filter"] = (spec.cabin_filter, info.year >= cabin_from)
    problems += [
        f"{name}: {found!r}, specs.yaml says {want!r}"
        for name, (found, want) in expected.items()
        if found != want
    ]
    phase_in = rules["tpms"]["shares"]
    if info.year >= rules["tpms"]["all_from"] and not spec.tpms:
        problems.append(f"a {info.year} vehicle without TPMS")
    if info.year < min(phase_in) and spec.tpms:
        problems.append(f"TPMS on a {info.year} vehicle, before the phase-in")
    return problems


def part_problems(info: VehicleInfo, part_number: str, quantity: int) -> list[str]:
    """Why a part (with its quantity, hundredths) cannot be on this vehicle, by its description."""
    spec, engine = info.spec, info.spec.engine
    problems = []
    if part_number.startswith("TIRE-"):  # tire parts are made per size in specs.yaml: the number says it
        size = spec.tire_size.replace("/", "").replace("R", "")
        if part_number != f"TIRE-{size}":
            problems.append(f"{part_number}: the vehicle runs {spec.tire_size}")
        return problems
    text = part_descriptions()[part_number]

    def require(condition: bool, why: str) -> None:
        if not condition:
            problems.append(f"{part_number} ({text}) x{quantity / 100:g}: {why}")

    oil = re.fullmatch(r".*(?:motor|engine) oil (\d+W-\d+).*", text, flags=re.IGNORECASE)
    if oil:
        require(oil.group(1) == engine.oil_grade, f"the engine takes {engine.oil_grade}")
        require(quantity == engine.oil_capacity, f"the engine holds {engine.oil_capacity / 100:g} qt")
        require(("Diesel" in text) == (engine.fuel == "diesel"), f"a {engine.fuel} engine")
    if text.startswith("Oil filter, diesel"):
        require(engine.fuel == "diesel", f"a {engine.fuel} engine")
    if text.startswith("Spark plug"):
        require(engine.fuel != "diesel", "a diesel has no spark plugs")
        require(quantity == engine.spark_plugs * 100, f"the engine has {engine.spark_plugs} plugs")
        require(engine.spark_plugs in (engine.cylinders, 2 * engine.cylinders), "one or two per cylinder")
    if text.startswith("Timing belt"):
        require(engine.cam_drive == "belt", "a chain engine has no timing belt")
    if text.startswith("TPMS") or text.startswith("Tire valve stem, rubber"):
        require(spec.tpms == text.startswith("TPMS"), f"TPMS: {spec.tpms}")
    if text.startswith("Refrigerant") or "compressor oil" in text:
        require(spec.refrigerant in text, f"the A/C holds {spec.refrigerant}")
    if text.startswith("Cabin air filter"):
        require(spec.cabin_filter, "no cabin filter on this model year")
    if text.startswith("CVT fluid") or text.startswith("Automatic transmission fluid") or "gear oil" in text:
        fluid = {"cvt": "CVT", "automatic": "Automatic", "manual": "Manual"}[spec.transmission]
        require(text.startswith(fluid), f"a {spec.transmission} transmission")
    if text.startswith("Transmission, remanufactured"):
        require(
            text.endswith({"cvt": "CVT", "automatic": "automatic"}.get(spec.transmission, "?")),
            spec.transmission,
        )
    if text.startswith("Headlamp"):
        lamp = {"halogen": "halogen", "hid": "HID", "led": "LED"}[spec.headlamps]
        require(lamp in text, f"{spec.headlamps} headlamps")
    return problems
