"""The domain catalog: vehicles, parts, labor operations, components, services, recalls, shop
policies and behaviour rates, loaded from ``world/catalog/*.yaml`` and checked on load.

The YAML speaks the units a person writes (dollars, hours, quantities, percent); this module turns
them into the exact integer units of ``world.visit`` (cents, tenths, hundredths, basis points) and
checks every cross-reference, so that a typo in the data is a load error rather than a bad RO.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import holidays
import yaml
from pydantic import BaseModel, ValidationError

from world.behaviour_catalog import Behaviour
from world.catalog_schema import (
    CAMPAIGN_ID_PATTERN,
    BundlesFile,
    ComebackEntry,
    ComponentEntry,
    DepotNames,
    FitmentFile,
    InspectionEntry,
    ModelEntry,
    OperationEntry,
    PartEntry,
    PartPricesEntry,
    RecallEntry,
    ServiceEntry,
    ShopKindEntry,
    SpecsFile,
    TirePrices,
)
from world.errors import UserError
from world.visit import EngineSpec

CATALOG_DIR = Path(__file__).with_name("catalog")


def _exact(value: float | int | str, scale: int, what: str) -> int:
    """A decimal written in YAML -> an exact integer in 1/scale units (refuses extra precision)."""
    scaled = Decimal(str(value)) * scale
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{what} {value} has more precision than 1/{scale}")
    return int(scaled)


# Runtime records: plain slotted dataclasses in the exact integer units of world.visit.


@dataclass(frozen=True, slots=True)
class Part:
    part_number: str
    description: str
    price_min: int  # cents, list price
    price_max: int
    category: str


@dataclass(frozen=True, slots=True)
class OperationPart:
    part: str | None  # a part number, or
    slot: str | None  # the fitment slot the vehicle's build spec fills
    quantity: int | None  # hundredths; None: the slot's quantity from the spec


@dataclass(frozen=True, slots=True)
class Slot:
    """A part that depends on the build: by the joined values of ``paths`` (fitment.yaml)."""

    paths: tuple[str, ...]
    parts: dict[str, str | None]  # "default" for any other value; None: the build has no such part
    quantity_path: str | None  # the spec's quantity (spec.engine.oil_capacity...), or None
    quantity_scale: int  # to hundredths: 1 for hundredths, 100 for a count


Condition = tuple[tuple[str, frozenset[str]], ...]  # (path, values): every path takes one of its values


@dataclass(frozen=True, slots=True)
class LaborFactor:
    operations: frozenset[str]
    when: Condition
    factor: Decimal


@dataclass(frozen=True, slots=True)
class FitmentRules:
    requires: dict[str, Condition]  # services and components a build has only on a condition
    substitutes: dict[str, tuple[str, dict[str, str]]]  # operation -> (path, value -> operation)
    slots: dict[str, Slot]
    labor_factors: tuple[LaborFactor, ...]


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    op_code: str
    description: str
    concern: str
    category: str
    hazmat: bool
    hours_customer: int  # tenths
    hours_warranty: int  # tenths, below the customer-pay time
    parts: tuple[OperationPart, ...]


@dataclass(frozen=True, slots=True)
class Component:
    key: str
    name: str
    basis: str
    shape: float
    scale: float
    coverage: str
    defect_weight: float
    urgency: str
    operations: tuple[str, ...]
    symptoms: tuple[str, ...]
    dealer_capture: float


@dataclass(frozen=True, slots=True)
class Service:
    key: str
    name: str
    interval_miles: int
    interval_months: int
    quick_lube: bool
    operation: str
    triggers_visit: bool


@dataclass(frozen=True, slots=True)
class VehicleModel:
    make: str
    model: str
    segment: str
    first_year: int
    last_year: int | None
    weight: float
    fleet: bool


@dataclass(frozen=True, slots=True)
class ComebackRemedy:
    operations: tuple[str, ...]
    weight: float
    needs_tpms: bool  # only on a vehicle whose build spec has TPMS


@dataclass(frozen=True, slots=True)
class Recall:
    campaign_id: str
    title: str
    description: str
    component: str
    operation: str
    vehicles: tuple[tuple[str, tuple[str, ...], int, int], ...]  # (make, models, first year, last year)
    announced: date  # the day the campaign is filed; its id carries the year

    def covers(self, make: str, model: str, year: int) -> bool:
        return any(make == m and model in models and lo <= year <= hi for m, models, lo, hi in self.vehicles)


@dataclass(frozen=True, slots=True)
class Trim:
    name: str
    engine: EngineSpec
    weight: float
    fleet: bool  # a trim fleets buy
    transmission: str
    drivetrain: str
    headlamps: str
    tire_size: str


@dataclass(frozen=True, slots=True)
class Generation:
    first_year: int
    last_year: int | None
    orientation: str
    trims: tuple[Trim, ...]

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


@dataclass(frozen=True, slots=True)
class ModelSpecs:
    """A model's generations and the model years its equipment changed."""

    generations: tuple[Generation, ...]
    r134a_from: int
    r1234yf_from: int
    cabin_filter_from: int

    def generation(self, year: int) -> Generation:
        return next(generation for generation in self.generations if generation.covers(year))


@dataclass(frozen=True, slots=True)
class BuildSpecs:
    models: dict[tuple[str, str], ModelSpecs]  # by (make, model)
    tpms_shares: dict[int, float]  # phase-in model years: the share of a model year fitted
    tpms_all_from: int


@dataclass(frozen=True)
class Catalog:
    parts: dict[str, Part]
    operations: dict[str, Operation]
    components: dict[str, Component]
    services: dict[str, Service]
    inspections: dict[str, InspectionEntry]
    reconditioning: dict[str, InspectionEntry]
    models: tuple[VehicleModel, ...]
    recalls: dict[str, Recall]
    shop_kinds: dict[str, ShopKindEntry]
    behaviour: Behaviour
    specs: BuildSpecs
    fitment: FitmentRules
    bundles: BundlesFile
    comebacks: dict[str, tuple[ComebackRemedy, ...]]  # per component; absent: redo the repair
    part_prices: PartPricesEntry
    depot_names: DepotNames

    @property
    def makes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(model.make for model in self.models))

    def concern_name(self, concern: str) -> str:
        for table in (self.components, self.services, self.inspections, self.reconditioning):
            if concern in table:
                return table[concern].name
        if concern in self.recalls:
            return self.recalls[concern].title
        raise KeyError(f"unknown concern {concern!r}")


def _read(name: str) -> dict[str, Any]:
    path = CATALOG_DIR / name
    try:
        # libyaml's safe loader: the catalog (specs.yaml above all) is read by every worker process
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError) as error:
        raise UserError(f"{path}: cannot load catalog file: {error}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping at the top level")
    return data


def _parse(name: str, key: str, model: type[BaseModel], raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        item = error.errors()[0]
        where = ".".join(str(part) for part in item["loc"])
        raise UserError(
            f"{CATALOG_DIR / name}: {key}.{where}: {item['msg']} (found {item.get('input')!r})"
        ) from None


def _check(condition: bool, name: str, message: str) -> None:
    if not condition:
        raise UserError(f"{CATALOG_DIR / name}: {message}")


def _load_parts() -> dict[str, Part]:
    parts = {}
    for number, raw in _read("parts.yaml")["parts"].items():
        entry = _parse("parts.yaml", f"parts.{number}", PartEntry, raw)
        parts[number] = Part(
            number,
            entry.description,
            _exact(entry.price[0], 100, "price"),
            _exact(entry.price[1], 100, "price"),
            entry.category,
        )
    return parts


def _load_operations(parts: dict[str, Part], slots: dict[str, Slot]) -> dict[str, Operation]:
    operations = {}
    for op_id, raw in _read("operations.yaml")["operations"].items():
        entry = _parse("operations.yaml", f"operations.{op_id}", OperationEntry, raw)
        where = f"operations.{op_id}"
        _check(
            set(entry.hours) == {"customer", "warranty"},
            "operations.yaml",
            f"{where}.hours: need customer and warranty",
        )
        customer, warranty = (_exact(entry.hours[k], 10, f"{where} hours") for k in ("customer", "warranty"))
        _check(
            0 < warranty < customer <= 400,
            "operations.yaml",
            f"{where}.hours: expected 0 < warranty < customer <= 40.0, "
            f"found {warranty / 10} / {customer / 10}",
        )
        uses = []
        for use in entry.parts:
            if use.part is not None:
                _check(use.part in parts, "operations.yaml", f"{where}.parts: unknown part {use.part!r}")
            else:
                _check(
                    use.fits in slots, "operations.yaml", f"{where}.parts: unknown fitment slot {use.fits!r}"
                )
                _check(
                    use.qty is not None or slots[use.fits].quantity_path is not None,
                    "operations.yaml",
                    f"{where}.parts: slot {use.fits!r} takes no quantity from the spec: give qty",
                )
            quantity = None if use.qty is None else _exact(use.qty, 100, f"{where} quantity")
            uses.append(OperationPart(use.part, use.fits, quantity))
        operations[op_id] = Operation(
            op_id,
            entry.op_code,
            entry.description,
            entry.concern,
            entry.category,
            entry.hazmat,
            customer,
            warranty,
            tuple(uses),
        )
    codes = [op.op_code for op in operations.values()]
    _check(len(codes) == len(set(codes)), "operations.yaml", "op codes must be unique")
    return operations


def _load_models() -> tuple[VehicleModel, ...]:
    models = []
    for make, entries in _read("vehicles.yaml")["makes"].items():
        for index, raw in enumerate(entries):
            entry = _parse("vehicles.yaml", f"makes.{make}.{index}", ModelEntry, raw)
            models.append(
                VehicleModel(
                    make,
                    entry.model,
                    entry.segment,
                    entry.first_year,
                    entry.last_year,
                    entry.weight,
                    entry.fleet,
                )
            )
    return tuple(models)


def _load_specs(models: tuple[VehicleModel, ...]) -> BuildSpecs:
    name = "specs.yaml"
    data = _parse(name, "(top level)", SpecsFile, _read(name))
    engines = {
        code: EngineSpec(
            code,
            entry.cylinders,
            entry.layout,
            entry.displacement,
            entry.fuel,
            entry.cam_drive,
            entry.oil_grade,
            _exact(entry.oil_capacity, 100, f"engines.table.{code}.oil_capacity"),
            entry.spark_plugs,
            entry.oil_filter,
        )
        for code, entry in data.engines.table.items()
    }
    rules = data.rules
    catalog_models = {f"{m.make} {m.model}": m for m in models}
    missing = sorted(set(catalog_models) - set(data.models))
    _check(not missing, name, f"models: no build specs for {', '.join(missing)} (vehicles.yaml lists them)")
    specs = {}
    for key, entry in data.models.items():
        where = f"models.{key}"
        _check(key in catalog_models, name, f"{where}: not a model of vehicles.yaml (expected 'Make Model')")
        model = catalog_models[key]
        expected_first = model.first_year
        generations = []
        for index, raw in enumerate(entry.generations):
            first, last = raw.years
            at = f"{where}.generations.{index}.years"
            _check(
                first == expected_first,
                name,
                f"{at}: expected to start at {expected_first} (no gaps or overlaps from {model.first_year})",
            )
            _check(
                last is None or last >= first, name, f"{at}: expected first <= last, found {list(raw.years)}"
            )
            trims = []
            for number, trim in enumerate(raw.trims):
                _check(
                    trim.engine in engines,
                    name,
                    f"{where}.generations.{index}.trims.{number}.engine: unknown engine {trim.engine!r}",
                )
                trims.append(
                    Trim(
                        trim.trim,
                        engines[trim.engine],
                        trim.weight,
                        trim.fleet,
                        trim.transmission or raw.transmission,
                        trim.drivetrain or raw.drivetrain,
                        trim.headlamps or raw.headlamps,
                        trim.tire or raw.tire,
                    )
                )
            names = [trim.name for trim in trims]
            _check(
                len(names) == len(set(names)),
                name,
                f"{where}.generations.{index}.trims: trim names must be unique, found {names}",
            )
            _check(
                not model.fleet or any(trim.fleet for trim in trims),
                name,
                f"{where}.generations.{index}.trims: a fleet model needs a trim with fleet: true",
            )
            generations.append(Generation(first, last, raw.orientation, tuple(trims)))
            expected_first = None if last is None else last + 1
        _check(
            generations[-1].last_year == model.last_year,
            name,
            f"{where}.generations: expected the last to end at {model.last_year} "
            f"(vehicles.yaml's last_year), found {generations[-1].last_year}",
        )
        specs[model.make, model.model] = ModelSpecs(
            tuple(generations),
            rules.refrigerant.r134a_from,
            entry.r1234yf_from or rules.refrigerant.r1234yf_from,
            entry.cabin_filter_from or rules.cabin_filter.from_,
        )
    return BuildSpecs(specs, dict(rules.tpms.shares), rules.tpms.all_from)


def _conditions(raw: dict[str, list[str]]) -> Condition:
    return tuple((path, frozenset(values)) for path, values in raw.items())


def _tire_part(size: str, prices: TirePrices) -> tuple[str, Part]:
    """The catalog part of a tire size: ``TIRE-2256517`` for 225/65R17, ``TIRE-LT2457516`` for LT."""
    light_truck = size.startswith("LT")
    rim = int(size[-2:])
    table = prices.light_truck if light_truck else prices.passenger
    _check(
        rim in table,
        "fitment.yaml",
        f"tire_prices.{'light_truck' if light_truck else 'passenger'}: no price for {rim}-inch rims "
        f"(specs.yaml fits {size})",
    )
    number = "TIRE-" + size.replace("/", "").replace("R", "")
    kind = "light truck" if light_truck else "all-season"
    low, high = table[rim]
    return number, Part(
        number, f"Tire, {kind} {size}", _exact(low, 100, "price"), _exact(high, 100, "price"), "tires"
    )


def _load_fitment(parts: dict[str, Part], specs: BuildSpecs) -> FitmentRules:
    """fitment.yaml; adds a tire part per tire size the specs fit to ``parts``."""
    name = "fitment.yaml"
    data = _parse(name, "(top level)", FitmentFile, _read(name))
    sizes = sorted(
        {trim.tire_size for model in specs.models.values() for g in model.generations for trim in g.trims}
    )
    tires = {}
    for size in sizes:
        number, part = _tire_part(size, data.tire_prices)
        parts[number] = part
        tires[size] = number
    slots = {}
    for key, entry in data.slots.items():
        table = tires if entry.tires else entry.parts
        for value, number in table.items():
            _check(
                number is None or number in parts,
                name,
                f"slots.{key}.parts.{value}: unknown part {number!r} (expected a part of parts.yaml)",
            )
        quantity = entry.qty_from
        slots[key] = Slot(
            tuple(entry.by),
            dict(table),
            quantity.path if quantity else None,
            100 if quantity and quantity.unit == "count" else 1,
        )
    return FitmentRules(
        {key: _conditions(condition) for key, condition in data.requires.items()},
        {op: (entry.path, dict(entry.use)) for op, entry in data.substitutes.items()},
        slots,
        tuple(
            LaborFactor(frozenset(row.operations), _conditions(row.when), row.factor)
            for row in data.labor_factors.factors
        ),
    )


def _check_fitment(fitment: FitmentRules, operations: dict[str, Operation], known: set[str]) -> None:
    """Cross-references of fitment.yaml once every table is loaded."""
    name = "fitment.yaml"
    for key in fitment.requires:
        _check(key in known, name, f"requires.{key}: not a service or component of the catalog")
    for op_id, (_path, use) in fitment.substitutes.items():
        _check(op_id in operations, name, f"substitutes.{op_id}: unknown operation")
        for value, other in use.items():
            _check(
                other in operations and operations[other].concern == operations[op_id].concern,
                name,
                f"substitutes.{op_id}.use.{value}: expected an operation for {operations[op_id].concern!r}, "
                f"found {other!r}",
            )
    for index, row in enumerate(fitment.labor_factors):
        for op_id in sorted(row.operations):
            _check(op_id in operations, name, f"labor_factors.factors.{index}: unknown operation {op_id!r}")


def _ensure_ops(
    name: str, where: str, op_ids: list[str] | tuple[str, ...], operations: dict[str, Operation], concern: str
) -> None:
    for op_id in op_ids:
        _check(op_id in operations, name, f"{where}: unknown operation {op_id!r}")
        if operations[op_id].category not in ("diagnosis",) and name != "components.yaml":
            _check(
                operations[op_id].concern == concern,
                name,
                f"{where}: operation {op_id!r} is for {operations[op_id].concern!r}, not {concern!r}",
            )


def _check_shop_kinds(shop_kinds: dict[str, ShopKindEntry], parts: dict[str, Part]) -> None:
    """Holiday names the ``holidays`` package knows, markups for part categories that exist."""
    federal = set(holidays.country_holidays("US", years=2024, observed=False, language="en_US").values())
    categories = {part.category for part in parts.values()}
    for kind, entry in shop_kinds.items():
        for name in entry.closed_holidays.names:
            _check(
                name in federal,
                "shops.yaml",
                f"kinds.{kind}.closed_holidays.names: {name!r} is not a US federal holiday name; "
                f"expected one of {sorted(federal)}",
            )
        for category in entry.category_markup:
            _check(
                category in categories,
                "shops.yaml",
                f"kinds.{kind}.category_markup: unknown part category {category!r}; "
                f"expected one of {sorted(categories)}",
            )


@functools.cache
def load_catalog() -> Catalog:
    """The catalog, validated once per process (immutable: callers share it)."""
    parts = _load_parts()
    models = _load_models()
    specs = _load_specs(models)
    fitment = _load_fitment(parts, specs)
    operations = _load_operations(parts, fitment.slots)
    model_names = {(m.make, m.model) for m in models}

    components = {}
    for key, raw in _read("components.yaml")["components"].items():
        entry = _parse("components.yaml", f"components.{key}", ComponentEntry, raw)
        _ensure_ops("components.yaml", f"components.{key}.operations", entry.operations, operations, key)
        _check(
            any(operations[op].concern == key for op in entry.operations),
            "components.yaml",
            f"components.{key}: no operation repairs this component",
        )
        components[key] = Component(
            key,
            entry.name,
            entry.basis,
            entry.shape,
            entry.scale,
            entry.coverage,
            entry.defect_weight,
            entry.urgency,
            tuple(entry.operations),
            tuple(entry.symptoms),
            entry.dealer_capture,
        )

    maintenance = _read("maintenance.yaml")
    services = {}
    for key, raw in maintenance["services"].items():
        entry = _parse("maintenance.yaml", f"services.{key}", ServiceEntry, raw)
        _ensure_ops("maintenance.yaml", f"services.{key}.operation", [entry.operation], operations, key)
        services[key] = Service(
            key,
            entry.name,
            entry.interval_miles,
            entry.interval_months,
            entry.quick_lube,
            entry.operation,
            entry.triggers_visit,
        )
    extra_tables = {}
    for table in ("inspections", "reconditioning"):
        extra_tables[table] = {}
        for key, raw in maintenance[table].items():
            entry = _parse("maintenance.yaml", f"{table}.{key}", InspectionEntry, raw)
            _ensure_ops("maintenance.yaml", f"{table}.{key}.operation", [entry.operation], operations, key)
            extra_tables[table][key] = entry

    recalls = {}
    for campaign_id, raw in _read("recalls.yaml")["campaigns"].items():
        entry = _parse("recalls.yaml", f"campaigns.{campaign_id}", RecallEntry, raw)
        where = f"campaigns.{campaign_id}"
        _check(
            re.fullmatch(CAMPAIGN_ID_PATTERN, campaign_id) is not None,
            "recalls.yaml",
            f"{where}: expected an NHTSA campaign number YYV-NNN, e.g. 24V-123",
        )
        _check(
            campaign_id[:2] == f"{entry.announced.year % 100:02d}",
            "recalls.yaml",
            f"{where}.announced: {entry.announced} is not in the year of the campaign number",
        )
        _check(
            len({group.make for group in entry.vehicles}) == 1,
            "recalls.yaml",
            f"{where}.vehicles: one manufacturer's campaign names one make",
        )
        _check(
            entry.component in components, "recalls.yaml", f"{where}.component: unknown {entry.component!r}"
        )
        _ensure_ops("recalls.yaml", f"{where}.operation", [entry.operation], operations, campaign_id)
        for group in entry.vehicles:
            for model in group.models:
                _check(
                    (group.make, model) in model_names,
                    "recalls.yaml",
                    f"{where}.vehicles: unknown make/model {group.make} {model}",
                )
        recalls[campaign_id] = Recall(
            campaign_id,
            entry.title,
            entry.description,
            entry.component,
            entry.operation,
            tuple((g.make, tuple(g.models), g.years[0], g.years[1]) for g in entry.vehicles),
            entry.announced,
        )

    shop_kinds = {
        kind: _parse("shops.yaml", f"kinds.{kind}", ShopKindEntry, raw)
        for kind, raw in _read("shops.yaml")["kinds"].items()
    }
    _check(
        set(shop_kinds) == {"dealer", "independent", "quick_lube", "fleet_depot"},
        "shops.yaml",
        f"kinds: expected dealer, independent, quick_lube, fleet_depot; found {sorted(shop_kinds)}",
    )
    _check_shop_kinds(shop_kinds, parts)
    behaviour = _parse("behaviour.yaml", "(top level)", Behaviour, _read("behaviour.yaml"))

    known_concerns = (
        set(components) | set(services) | set(recalls) | set().union(*map(set, extra_tables.values()))
    )
    _check_fitment(fitment, operations, set(components) | set(services))
    bundles = _parse("bundles.yaml", "(top level)", BundlesFile, _read("bundles.yaml"))
    for at, key in (("pads", bundles.pad_rotors.pads), ("rotors", bundles.pad_rotors.rotors)):
        _check(key in components, "bundles.yaml", f"pad_rotors.{at}: unknown component {key!r}")
    _check(
        bundles.pad_rotors.rotors_operation in operations,
        "bundles.yaml",
        f"pad_rotors.rotors_operation: unknown operation {bundles.pad_rotors.rotors_operation!r}",
    )
    for op_id in bundles.lube_technicians.operations:
        _check(
            op_id in operations, "bundles.yaml", f"lube_technicians.operations: unknown operation {op_id!r}"
        )
    for op in operations.values():
        _check(
            op.concern in known_concerns,
            "operations.yaml",
            f"operations.{op.operation_id}.concern: unknown concern {op.concern!r}",
        )
    return Catalog(
        parts,
        operations,
        components,
        services,
        extra_tables["inspections"],
        extra_tables["reconditioning"],
        models,
        recalls,
        shop_kinds,
        behaviour,
        specs,
        fitment,
        bundles,
        _load_comebacks(components, operations),
        _parse("prices.yaml", "(top level)", PartPricesEntry, _read("prices.yaml")),
        _parse("shops.yaml", "depot_names", DepotNames, _read("shops.yaml")["depot_names"]),
    )


def _load_comebacks(
    components: dict[str, Component], operations: dict[str, Operation]
) -> dict[str, tuple[ComebackRemedy, ...]]:
    comebacks = {}
    for key, raw in _read("comebacks.yaml")["components"].items():
        entry = _parse("comebacks.yaml", f"components.{key}", ComebackEntry, raw)
        _check(key in components, "comebacks.yaml", f"components.{key}: unknown component")
        for number, remedy in enumerate(entry.remedies):
            where = f"components.{key}.remedies.{number}.operations"
            _ensure_ops("comebacks.yaml", where, remedy.operations, operations, key)
        _check(
            not all(remedy.needs_tpms for remedy in entry.remedies),
            "comebacks.yaml",
            f"components.{key}.remedies: none applies to a vehicle without TPMS",
        )
        comebacks[key] = tuple(
            ComebackRemedy(tuple(remedy.operations), remedy.weight, remedy.needs_tpms)
            for remedy in entry.remedies
        )
    return comebacks
