"""The shape of ``world/catalog/behaviour.yaml``: owner and fleet behaviour rates, each sourced."""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = Field(min_length=3)


class Value(_Sourced):
    value: float = Field(ge=0)


class Probability(_Sourced):
    value: float = Field(ge=0, le=1)


class Range(_Sourced):
    range: tuple[float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.range[0] > self.range[1]:
            raise ValueError(f"range must be [low, high], found {list(self.range)}")
        return self


class AgedProbability(Probability):
    from_age_years: float = Field(gt=0)


class UsageByAge(_Sourced):
    """Mean annual miles by vehicle age (linear between the points), times a per-owner lognormal
    multiplier of mean 1 and log-spread ``sigma``."""

    by_age: list[tuple[float, float]] = Field(min_length=1)
    sigma: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ages_from_zero_and_miles_positive(self) -> UsageByAge:
        ages = [age for age, _ in self.by_age]
        if ages[0] != 0 or any(later <= earlier for earlier, later in zip(ages, ages[1:], strict=False)):
            raise ValueError(f"by_age must start at age 0 with increasing ages, found {ages}")
        if min(miles for _, miles in self.by_age) <= 0:
            raise ValueError("by_age miles must be positive")
        return self


class WeibullTerm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    shape: float = Field(gt=0)
    scale: float = Field(gt=0)


class Weibull(_Sourced, WeibullTerm):
    pass


class Scrappage(_Sourced):
    """Competing wear-out risks, the cumulative hazard being
    (age / age.scale)^age.shape + (miles / miles.scale)^miles.shape."""

    age: WeibullTerm
    miles: WeibullTerm


class AgeBand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    years: tuple[float, float]  # [from, to): ages in the band, uniform inside it
    share: float = Field(gt=0, le=1)


class AgeMix(_Sourced):
    bands: list[AgeBand] = Field(min_length=1)

    @model_validator(mode="after")
    def _contiguous_bands_summing_to_one(self) -> AgeMix:
        edges = [band.years for band in self.bands]
        if edges[0][0] != 0 or any(low >= high for low, high in edges):
            raise ValueError(f"age bands must start at 0, each [from, to) with from < to, found {edges}")
        if any(earlier[1] != later[0] for earlier, later in zip(edges, edges[1:], strict=False)):
            raise ValueError(f"age bands must be contiguous, found {edges}")
        total = sum(band.share for band in self.bands)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"age band shares must sum to 1, found {total:g}")
        return self


class ComplianceClass(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    share: float = Field(gt=0, le=1)
    stretch: tuple[float, float]
    decline: float = Field(ge=0, le=1)


class Compliance(_Sourced):
    classes: list[ComplianceClass] = Field(min_length=1)


class FleetCompliance(_Sourced):
    stretch: tuple[float, float]
    decline: float = Field(ge=0, le=1)


class NoticeDays(_Sourced):
    high: float = Field(ge=0)
    medium: float = Field(ge=0)
    low: float = Field(ge=0)


class BackOrder(_Sourced):
    probability: float = Field(ge=0, le=1)
    business_days: tuple[int, int]


class ArrivalHours(_Sourced):
    dropoff: tuple[time, time]
    waiter: tuple[time, time]


class WarrantyTerm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    years: float = Field(gt=0)
    miles: float = Field(gt=0)


class Warranty(_Sourced):
    """The factory warranty lines a component's ``coverage`` names: whichever limit comes first."""

    basic: WarrantyTerm
    powertrain: WarrantyTerm


class HouseholdSize(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    vehicles: int = Field(ge=1)
    share: float = Field(gt=0, le=1)


class Households(_Sourced):
    sizes: list[HouseholdSize] = Field(min_length=1)

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Households:
        total = sum(size.share for size in self.sizes)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"household shares must sum to 1, found {total:g}")
        return self


class FactoryDefects(_Sourced):
    share: float = Field(ge=0, le=1)
    mean_miles: float = Field(gt=0)
    mean_years: float = Field(gt=0)


class Behaviour(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    private_annual_miles: UsageByAge
    fleet_annual_miles: Range
    seasonal_amplitude: Probability
    daily_noise: Probability
    compliance: Compliance
    fleet_compliance: FleetCompliance
    add_due_window: Probability
    dealer_preference_in_warranty: Probability
    dealer_preference_after_warranty: Probability
    dealer_preference_old_vehicle: AgedProbability
    quick_lube_preference: Probability
    switch_per_visit: Probability
    leave_dealer_after_warranty: Probability
    move_per_year: Value
    ownership_years: Weibull
    trade_in_share: Probability
    trade_in_wholesale_share: Probability
    replacement_new_share: Probability
    replacement_used_age: Range
    scrappage: Scrappage
    registration_age: AgeMix
    initial_fleet_age: Range
    fleet_replacement_age: Range
    factory_defects: FactoryDefects
    notice_days: NoticeDays
    defer_days: Value
    defer_probability_scale: Probability
    comeback_days: Value
    comeback_same_shop: Probability
    comeback_scale: Value
    comeback_citation: Probability
    recall_completion: Probability
    recall_delay_days: Value
    waiter_share: Probability
    back_order: BackOrder
    arrival_hours: ArrivalHours
    warranty: Warranty
    household_vehicles: Households
    reconditioning_lead_days: Range
    used_lot_days: Range
    min_tenure_days: Value
    delivery_miles: Range
    test_drive_miles: Range
    waiter_max_hours: Value
    latest_arrival_before_close_hours: Value
    busy_queue_factor: Value
    deferrable_notice_days: Value
    inspection_ahead_days: Value
