"""The scenario's ``world:`` section: which regions, shops and owners to simulate.

A region is a market (one state, one time zone, its area codes and sales tax). It is split into
``submarkets`` that share no shops and no customers, so that each (region, submarket) is an
independent shard; the shop mix and the population below are per submarket.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from faker.providers.address.en_US import Provider as AddressVocabulary
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from world.catalog import load_catalog

MAX_SHOPS_PER_STATE = 999  # shop ids are <state><3 digits>
MAX_RATE_SCALE = 100.0  # a hazard multiplier: beyond it every vehicle fails at once
MAX_KEY_CHARS = 64  # region ids, fleet names: they become parts of shard keys and file names
STATES = tuple(AddressVocabulary.states_abbr)  # USPS codes of the 50 states and DC
# Owners the world makes itself; a fleet account taking one of these would be mistaken for them.
RESERVED_ARCHETYPES = ("private_owner", "dealer_used_department")


def area_code_problem(code: int) -> str | None:
    """None when ``code`` has the form of a geographic NANP area code, else why it cannot be one.

    Which codes are in service, and where, is the user's to know (the world uses them as given).
    """
    if not 200 <= code <= 999:
        return "an area code has three digits and does not start with 0 or 1"
    second, third = code // 10 % 10, code % 10
    if second == 9:
        return "area codes N9X are reserved for expanding the numbering plan"
    if second == third:
        return "area codes with repeated last digits are service codes (N11) or non-geographic (800, 555...)"
    if code // 10 in (37, 96):
        return "area codes 37X and 96X are reserved"
    return None


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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
    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=MAX_KEY_CHARS,
        description="Account key, unique within the region.",
    )
    archetype: str = Field(
        "delivery_fleet",
        pattern=r"^[a-z0-9_]+$",
        max_length=MAX_KEY_CHARS,
        description="Ground-truth archetype of the account, e.g. delivery_fleet, utility_fleet "
        f"(not {' or '.join(RESERVED_ARCHETYPES)}: the world's own owners).",
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

    @field_validator("archetype")
    @classmethod
    def _not_reserved(cls, archetype: str) -> str:
        if archetype in RESERVED_ARCHETYPES:
            raise ValueError(f"{archetype} is the archetype of owners the world makes itself")
        return archetype

    @field_validator("annual_miles")
    @classmethod
    def _ordered(cls, miles: tuple[int, int] | None) -> tuple[int, int] | None:
        if miles is not None and not 0 < miles[0] <= miles[1] <= 200_000:
            raise ValueError(f"expected 0 < low <= high <= 200000, found {list(miles)}")
        return miles


class RegionConfig(_Strict):
    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=MAX_KEY_CHARS,
        description="Region key, unique in the scenario.",
    )
    state: str = Field(
        description="Two-letter USPS code of one of the 50 states or DC (addresses, shop ids)."
    )
    timezone: str = Field(description="IANA time zone of every shop in the region, e.g. America/Chicago.")
    area_codes: tuple[int, ...] = Field(
        min_length=1,
        description="Real area codes of the region (phones): geographic NANP codes, e.g. 614; "
        "not N11, N9X, toll-free or 555.",
    )
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

    @field_validator("state")
    @classmethod
    def _known_state(cls, state: str) -> str:
        if state not in STATES:
            raise ValueError(f"expected the USPS code of a state or DC: {', '.join(sorted(STATES))}")
        return state

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        if zone not in _zone_names():
            raise ValueError("unknown IANA time zone; expected a name such as America/Chicago")
        return zone

    @field_validator("area_codes")
    @classmethod
    def _geographic_area_codes(cls, codes: tuple[int, ...]) -> tuple[int, ...]:
        problems = [f"{code}: {problem}" for code in codes if (problem := area_code_problem(code))]
        if problems:
            raise ValueError("; ".join(problems))
        return codes

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
    failure_rate_scale: dict[str, Annotated[float, Field(ge=0, le=MAX_RATE_SCALE)]] = Field(
        default_factory=dict,
        description=f"Per-component hazard multiplier (component key -> factor from 0 to {MAX_RATE_SCALE}); "
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
        for key in scales:
            if key not in components:
                raise ValueError(f"unknown component {key!r}; expected one of {', '.join(components)}")
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
