"""The shapes of the catalog's YAML files (``world/catalog/*.yaml``), as written by people:
dollars, hours and quantities as decimals, every entry checked field by field on load."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, time
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from world.visit import EngineSpec, VehicleSpec

OP_CODE_PATTERN = r"^[A-Z0-9]{2,6}-[A-Z0-9]{2,8}$"
CAMPAIGN_ID_PATTERN = r"^[0-9]{2}V-[0-9]{3}$"  # NHTSA: the filing year, V (vehicle), a number


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartEntry(_Strict):
    description: str
    price: tuple[Decimal, Decimal]
    category: str

    @field_validator("price")
    @classmethod
    def _ordered(cls, price: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
        if not 0 < price[0] <= price[1]:
            raise ValueError(f"expected 0 < min <= max, found {list(price)}")
        return price


class PartUseEntry(_Strict):
    """A part number, or a slot of fitment.yaml that the vehicle's build spec fills."""

    part: str | None = None
    fits: str | None = None
    qty: Decimal | None = Field(None, gt=0)  # without it, a slot takes its quantity from the spec

    @model_validator(mode="after")
    def _one_source(self) -> PartUseEntry:
        if (self.part is None) == (self.fits is None):
            raise ValueError("expected exactly one of part and fits")
        if self.part is not None and self.qty is None:
            raise ValueError("a part number needs its qty")
        return self


class OperationEntry(_Strict):
    op_code: str = Field(pattern=OP_CODE_PATTERN)
    description: str
    concern: str
    category: Literal["maintenance", "inspection", "repair", "diagnosis", "recon", "recall"]
    hazmat: bool
    hours: dict[Literal["customer", "warranty"], Decimal]
    parts: list[PartUseEntry]


class ComponentEntry(_Strict):
    name: str
    basis: Literal["miles", "years"]
    distribution: Literal["weibull_min"]
    shape: float = Field(gt=0)
    scale: float = Field(gt=0)
    coverage: Literal["basic", "powertrain", "none"]
    defect_weight: float = Field(1.0, ge=0)  # relative chance of a factory defect (behaviour.yaml)
    urgency: Literal["high", "medium", "low"]
    operations: list[str] = Field(min_length=1)
    symptoms: list[str] = Field(min_length=1)
    # share of out-of-warranty owners at a dealer who buy this repair there (the rest go elsewhere)
    dealer_capture: float = Field(1.0, ge=0, le=1)
    source: str


class ServiceEntry(_Strict):
    name: str
    interval_miles: int = Field(gt=0)
    interval_months: int = Field(gt=0)
    quick_lube: bool
    triggers_visit: bool = False  # brings the owner in by itself; other services wait for a visit
    operation: str
    source: str


class InspectionEntry(_Strict):
    name: str
    operation: str
    share_of_dealer_visits: float | None = Field(None, ge=0, le=1)
    interval_months: int | None = Field(None, gt=0)
    quick_lube: bool = False  # quick lubes offer it: owners with a lube shop have it done there
    source: str


class ModelEntry(_Strict):
    model: str
    segment: str
    first_year: int = Field(ge=1981)
    last_year: int | None
    weight: float = Field(gt=0)
    fleet: bool = False


class ComebackRemedyEntry(_Strict):
    operations: list[str] = Field(min_length=1)
    weight: float = Field(gt=0)
    needs_tpms: bool = False  # only on a vehicle whose build spec has TPMS


class ComebackEntry(_Strict):
    remedies: list[ComebackRemedyEntry] = Field(min_length=1)
    source: str


class RecallVehicles(_Strict):
    make: str
    models: list[str]
    years: tuple[int, int]


class RecallEntry(_Strict):
    title: str
    description: str
    component: str
    operation: str
    vehicles: list[RecallVehicles] = Field(min_length=1)
    announced: date
    source: str


class SourcedRange(_Strict):
    range: tuple[float, float]
    source: str


class SourcedValue(_Strict):
    value: float
    source: str


class Supplies(_Strict):
    percent: Decimal = Field(ge=0, le=100)
    cap: Decimal = Field(ge=0)
    source: str


class ClosedHolidays(_Strict):
    """US federal holidays (named as the ``holidays`` package names them in en_US) a shop kind
    closes on; ``observed``: also on the weekday a weekend holiday is observed."""

    names: list[str]
    observed: bool
    source: str


class ShopKindEntry(_Strict):
    labor_rate: SourcedRange
    rates_as_of: int = Field(ge=1990, le=2100)  # the year the labor_rate source describes
    warranty_rate_ratio: SourcedRange
    internal_rate_ratio: SourcedRange
    annual_increase: SourcedRange
    bays: SourcedRange
    technicians_per_bay: SourcedValue
    parts_line: Literal["oem", "aftermarket"]  # which list the shop buys from (prices.yaml)
    parts_markup: SourcedRange  # percent over that list price
    category_markup: dict[str, SourcedRange] = {}  # percent, replacing parts_markup for a category
    supplies: Supplies
    hazmat_fee: SourcedRange
    quality: SourcedRange
    week: list[tuple[time, time] | None] = Field(min_length=7, max_length=7)
    closed_holidays: ClosedHolidays


class DepotNames(_Strict):
    """Pieces of an in-house fleet depot's name: "<fleet> <area> <facility>"."""

    areas: list[str] = Field(min_length=1)
    facilities: list[str] = Field(min_length=1)
    source: str


class PriceIndex(_Strict):
    """Yearly changes of a price index; years outside the table move by the trend."""

    yearly_change_percent: dict[int, Decimal]
    trend_percent: Decimal
    source: str


class WarrantyParts(_Strict):
    """What the manufacturer pays for a part on a warranty job, as markups over the dealer's cost."""

    list_markup_percent: Decimal = Field(gt=0)  # the OEM list price over the dealer's cost
    reimbursed_markup_percent: Decimal = Field(ge=0)  # what the manufacturer pays over that cost
    source: str


class PartPricesEntry(_Strict):
    list_prices_as_of: int = Field(ge=1990, le=2100)  # the year parts.yaml's list prices describe
    index: PriceIndex
    oem_premium: SourcedRange  # percent an OEM part lists above the aftermarket part
    warranty_parts: WarrantyParts


# world/catalog/specs.yaml: engines, the model-year rules, and each model's generations and trims

Share = Annotated[float, Field(ge=0, le=1)]
Layout = Literal["I3", "I4", "I5", "I6", "V6", "V8", "H4", "H6"]
Transmission = Literal["automatic", "cvt", "manual"]
Drivetrain = Literal["fwd", "rwd", "awd", "4wd"]
Headlamps = Literal["halogen", "hid", "led"]
TIRE_SIZE_PATTERN = r"^(LT)?[0-9]{3}/[0-9]{2}R[0-9]{2}$"


class EngineEntry(_Strict):
    cylinders: int = Field(ge=3, le=8)
    layout: Layout
    displacement: str = Field(pattern=r"^[0-9]\.[0-9]$")
    fuel: Literal["gasoline", "diesel", "hybrid"]
    cam_drive: Literal["belt", "chain"]
    oil_grade: str = Field(pattern=r"^[0-9]{1,2}W-[0-9]{2}$")
    oil_capacity: Decimal = Field(gt=0, le=16)  # quarts with the filter
    spark_plugs: int = Field(ge=0, le=16)
    oil_filter: Literal["spin_on", "cartridge"] = "spin_on"

    @model_validator(mode="after")
    def _consistent(self) -> EngineEntry:
        if int(self.layout[1:]) != self.cylinders:
            raise ValueError(f"layout {self.layout} does not have {self.cylinders} cylinders")
        plugs = (0,) if self.fuel == "diesel" else (self.cylinders, 2 * self.cylinders)
        if self.spark_plugs not in plugs:
            raise ValueError(f"a {self.fuel} {self.layout} has {' or '.join(map(str, plugs))} spark plugs")
        return self


class EngineTable(_Strict):
    source: str
    table: dict[str, EngineEntry] = Field(min_length=1)


class RefrigerantRule(_Strict):
    r134a_from: int
    r1234yf_from: int
    source: str


class TpmsRule(_Strict):
    shares: dict[int, Share]  # model year -> share of the model year's production fitted
    all_from: int
    source: str


class CabinFilterRule(_Strict):
    from_: int = Field(alias="from")
    source: str


class SpecRules(_Strict):
    refrigerant: RefrigerantRule
    tpms: TpmsRule
    cabin_filter: CabinFilterRule


class TrimEntry(_Strict):
    trim: str = Field(min_length=1)
    engine: str
    weight: float = Field(gt=0)
    fleet: bool = False
    transmission: Transmission | None = None
    drivetrain: Drivetrain | None = None
    headlamps: Headlamps | None = None
    tire: str | None = Field(None, pattern=TIRE_SIZE_PATTERN)


class GenerationEntry(_Strict):
    years: tuple[int, int | None]
    orientation: Literal["transverse", "longitudinal"]
    transmission: Transmission
    drivetrain: Drivetrain
    headlamps: Headlamps
    tire: str = Field(pattern=TIRE_SIZE_PATTERN)
    trims: list[TrimEntry] = Field(min_length=1)


class ModelSpecEntry(_Strict):
    cabin_filter_from: int | None = None
    r1234yf_from: int | None = None
    generations: list[GenerationEntry] = Field(min_length=1)


class SpecsFile(_Strict):
    source: str
    engines: EngineTable
    rules: SpecRules
    models: dict[str, ModelSpecEntry]


# world/catalog/fitment.yaml: which services, components, parts and book hours fit a build

# A path names a fact of a vehicle: its make or segment, or a field of its spec or engine.
SPEC_FIELDS = tuple(f.name for f in fields(VehicleSpec) if f.name != "engine")
PATHS = (
    "make",
    "segment",
    *(f"spec.{name}" for name in SPEC_FIELDS),
    *(f"spec.engine.{f.name}" for f in fields(EngineSpec)),
)
Path = Literal[PATHS]  # type: ignore[valid-type]
Condition = dict[Path, list[str]]


class QuantityFrom(_Strict):
    path: Literal["spec.engine.oil_capacity", "spec.engine.spark_plugs"]
    unit: Literal["hundredths", "count"]


class SlotEntry(_Strict):
    by: list[Path] = Field(min_length=1)
    parts: dict[str, str | None] | None = None
    tires: bool = False  # the part is the tire of the spec's size (generated from tire_prices)
    qty_from: QuantityFrom | None = None

    @model_validator(mode="after")
    def _parts_or_tires(self) -> SlotEntry:
        if (self.parts is None) == (not self.tires):
            raise ValueError("expected parts or tires: true")
        return self


class SubstituteEntry(_Strict):
    path: Path
    use: dict[str, str]


class TirePrices(_Strict):
    source: str
    passenger: dict[int, tuple[Decimal, Decimal]]
    light_truck: dict[int, tuple[Decimal, Decimal]]


class LaborFactorEntry(_Strict):
    operations: list[str] = Field(min_length=1)
    when: Condition = Field(min_length=1)
    factor: Decimal = Field(gt=0, le=4)


class LaborFactors(_Strict):
    source: str
    factors: list[LaborFactorEntry]


class FitmentFile(_Strict):
    source: str
    requires: dict[str, Condition]
    substitutes: dict[str, SubstituteEntry]
    slots: dict[str, SlotEntry]
    tire_prices: TirePrices
    labor_factors: LaborFactors


# world/catalog/bundles.yaml: how shops bundle and staff common jobs

ShopKind = Literal["dealer", "independent", "quick_lube", "fleet_depot"]


class PadRotors(_Strict):
    pads: str  # the pads component
    rotors: str  # the rotors component, whose repair joins the pads job
    share: Share  # of pad jobs that replace the rotors
    source: str
    rotors_with_pads: Share  # of rotor jobs that replace the pads
    rotors_with_pads_source: str
    rotors_operation: str  # the rotor work of a visit that also replaces the pads
    rotors_operation_source: str


class SharesByShopKind(_Strict):
    shares: dict[ShopKind, Share] = Field(min_length=4)
    source: str


class LubeTechnicians(SharesByShopKind):
    operations: list[str] = Field(min_length=1)  # the express-lane work a lube technician does


class BundlesFile(_Strict):
    pad_rotors: PadRotors
    diagnosis_handover: SharesByShopKind
    lube_technicians: LubeTechnicians
