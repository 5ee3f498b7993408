"""The scenario's ``world:`` section: which regions, shops and owners to simulate.

A region is a market (one state, one time zone, its area codes and sales tax). It is split into
``submarkets`` that share no shops and no customers, so that each (region, submarket) is an
independent shard; the shop mix and the population below are per submarket.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from world.catalog import load_catalog

MAX_SHOPS_PER_STATE = 999  # shop ids are <state><3 digits>


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DealerConfig(_Strict):
    brands: tuple[str, ...] = Field(
        min_length=1,
        description="Makes the dealer is franchised for (catalog makes); "
        "warranty and recall work for these makes is done here.",
    )
    count: int = Field(1, ge=1, le=50, description="How many such dealers each submarket has.")

    @field_validator("brands")
    @classmethod
    def _known_makes(cls, brands: tuple[str, ...]) -> tuple[str, ...]:
        makes = load_catalog().makes
        unknown = [brand for brand in brands if brand not in makes]
        if unknown:
            raise ValueError(f"unknown brand(s) {unknown}; expected catalog makes: {', '.join(makes)}")
        return brands


class ShopMixConfig(_Strict):
    dealers: tuple[DealerConfig, ...] = Field((), description="Franchised dealers, by brand group.")
    independents: int = Field(3, ge=0, le=200, description="Independent general repair shops.")
    quick_lubes: int = Field(1, ge=0, le=200, description="Quick-lube shops (maintenance services only).")
    bays_scale: float = Field(
        1.0, gt=0, le=100, description="Multiplies every shop's bay count (capacity studies)."
    )


class FleetAccountConfig(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Account key, unique within the region.")
    archetype: str = Field(
        "delivery_fleet",
        pattern=r"^[a-z0-9_]+$",
        description="Ground-truth archetype of the account, e.g. delivery_fleet, utility_fleet.",
    )
    vehicles: int = Field(ge=10, le=500, description="Vans and pickups the account runs (10-500).")
    annual_miles: tuple[int, int] | None = Field(
        None, description="[low, high] miles per vehicle-year; default from behaviour.yaml (25-60k)."
    )
    maintained_at: Literal["depot", "contracted"] = Field(
        "contracted",
        description="depot: the account's own fleet_depot shop; contracted: an independent of the "
        "submarket holds the PM contract (a dealer where the submarket has no independent).",
    )
    discount_percent: Decimal = Field(
        Decimal("10"),
        ge=0,
        le=40,
        decimal_places=2,
        description="Contracted discount on customer-pay labor and parts.",
    )

    @field_validator("annual_miles")
    @classmethod
    def _ordered(cls, miles: tuple[int, int] | None) -> tuple[int, int] | None:
        if miles is not None and not 0 < miles[0] <= miles[1] <= 200_000:
            raise ValueError(f"expected 0 < low <= high <= 200000, found {list(miles)}")
        return miles


class RegionConfig(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Region key, unique in the scenario.")
    state: str = Field(pattern=r"^[A-Z]{2}$", description="Two-letter USPS state code (addresses, shop ids).")
    timezone: str = Field(description="IANA time zone of every shop in the region, e.g. America/Chicago.")
    area_codes: tuple[int, ...] = Field(min_length=1, description="Real area codes of the region (phones).")
    tax_rate: Decimal = Field(
        ge=0,
        le=Decimal("0.15"),
        decimal_places=4,
        description="Sales tax on customer-pay parts and fees, e.g. 0.0825.",
    )
    state_inspection: bool = Field(
        False, description="Whether the state requires an annual vehicle inspection."
    )
    submarkets: int = Field(1, ge=1, le=64, description="Independent partitions (shards) of the region.")
    private_vehicles: int = Field(
        1000,
        ge=0,
        le=2_000_000,
        description="Privately owned vehicles per submarket (population kept stable).",
    )
    shops: ShopMixConfig = Field(default_factory=ShopMixConfig, description="Shop mix per submarket.")
    fleets: tuple[FleetAccountConfig, ...] = Field((), description="Fleet accounts per submarket.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {zone!r}") from None
        return zone

    @model_validator(mode="after")
    def _serviceable(self) -> RegionConfig:
        if self.shops.independents + len(self.shops.dealers) == 0:
            raise ValueError("a region needs at least one dealer or independent shop to repair vehicles")
        names = [fleet.name for fleet in self.fleets]
        if len(names) != len(set(names)):
            raise ValueError(f"fleet names must be unique in a region, found {names}")
        return self


class IdentityConfig(_Strict):
    customer_ids: Literal["global", "per_shop"] = Field(
        "global",
        description="global: a person has one customer_uuid at every shop. per_shop: each shop keeps its own "
        "record of a person (own customer_uuid, the name and contact details as its advisor typed them); "
        "truth/identities and truth/ownership then say who is who.",
    )
    typo_rate: float = Field(
        0.03, ge=0, le=0.5, description="per_shop: probability that a record's last name is mistyped."
    )


class WorldConfig(_Strict):
    regions: tuple[RegionConfig, ...] = Field(min_length=1, description="The markets to simulate.")
    warmup_years: float = Field(
        2.0,
        ge=0,
        le=10,
        description="Years simulated before the export window so that "
        "the first exported year already has history (nothing is exported from it).",
    )
    failure_rate_scale: dict[str, float] = Field(
        default_factory=dict,
        description="Per-component hazard multiplier (component key -> factor >= 0); "
        "1 = the catalog's rate. Other components' timelines do not move when one changes.",
    )
    comeback_scale: float = Field(
        1.0, ge=0, le=20, description="Multiplies the comeback probability (1 - quality)."
    )
    # Left out of the resolved scenario (the manifest) while it is the default, so datasets made
    # before the option existed keep their bytes.
    identity: IdentityConfig = Field(
        default_factory=IdentityConfig,
        description="How shops record customers' identities.",
        exclude_if=lambda identity: identity == IdentityConfig(),
    )

    @field_validator("failure_rate_scale")
    @classmethod
    def _known_components(cls, scales: dict[str, float]) -> dict[str, float]:
        components = load_catalog().components
        for key, factor in scales.items():
            if key not in components:
                raise ValueError(f"unknown component {key!r}; expected one of {', '.join(components)}")
            if factor < 0:
                raise ValueError(f"{key}: a hazard multiplier must be >= 0, found {factor}")
        return scales

    @model_validator(mode="after")
    def _unique_ids(self) -> WorldConfig:
        ids = [region.id for region in self.regions]
        if len(ids) != len(set(ids)):
            raise ValueError(f"region ids must be unique, found {ids}")
        per_state: dict[str, int] = {}
        for region in self.regions:
            mix = region.shops
            shops = sum(d.count for d in mix.dealers) + mix.independents + mix.quick_lubes
            shops += sum(1 for fleet in region.fleets if fleet.maintained_at == "depot")
            per_state[region.state] = per_state.get(region.state, 0) + shops * region.submarkets
        crowded = {state: n for state, n in per_state.items() if n > MAX_SHOPS_PER_STATE}
        if crowded:
            raise ValueError(
                f"at most {MAX_SHOPS_PER_STATE} shops per state (ids are <state><3 digits>), found {crowded}"
            )
        return self
