"""The shapes of the catalog's YAML files (``world/catalog/*.yaml``), as written by people:
dollars, hours and quantities as decimals, every entry checked field by field on load."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

OP_CODE_PATTERN = r"^[A-Z0-9]{2,6}-[A-Z0-9]{2,8}$"


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
    part: str | list[str]
    qty: Decimal = Field(gt=0)


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


class RecallVehicles(_Strict):
    make: str
    models: list[str]
    years: tuple[int, int]


class RecallEntry(_Strict):
    title: str
    description: str
    component: str
    operation: str
    vehicles: list[RecallVehicles]
    announced_days_after_start: int
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


class PartPricesEntry(_Strict):
    list_prices_as_of: int = Field(ge=1990, le=2100)  # the year parts.yaml's list prices describe
    index: PriceIndex
    oem_premium: SourcedRange  # percent an OEM part lists above the aftermarket part
