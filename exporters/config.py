"""The scenario's ``export:`` section: how visits become ROs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from exporters.pii_surface import VARIANTS

# Far above any RO (a coupon is capped at customer-pay labor + parts); keeps cents in 64 bits.
MAX_COUPON_CENTS = 10**9


Weight = Annotated[float, Field(ge=0, le=1000)]
# Possessives are written where a sentence says whose ("{whose} car"), not drawn by weight.
PERSON_WEIGHTED = tuple(name for name in VARIANTS["person"] if name != "possessive")


class PiiVariants(BaseModel):
    """How narrative PII is written: which sentences, whose values, which surface forms (weights,
    relative within each kind; a form that cannot apply to a value, such as a nickname for a name
    without one, passes its turn to the others)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    sentences: Literal["composed", "stock"] = Field(
        "composed",
        description="composed: varied sentences about the customer, third parties with their own contact "
        "details and the vehicle, from exporters/narratives/pii.yaml's pii section; stock: the one-line "
        "mentions of its mentions section, which name only the customer's own values (and third "
        "parties by name).",
    )
    third_party_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="composed sentences: share of mentions about someone not on the RO (a spouse, a fleet "
        "driver, a tow driver, a neighbour), with their own fictional name, phone, email and address. "
        "Rationale: notes name whoever drops off, picks up or approves the work as often as the customer.",
    )
    decoy_rate: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Probability that a mention is followed by a sentence of look-alikes that are not PII "
        "(part numbers, RO references, op codes, DTCs, torque and tire specs, the shop's toll-free number, "
        "makes that are also surnames); they carry no span.",
    )
    phone: dict[Literal[VARIANTS["phone"]], Weight] = Field(  # type: ignore[valid-type]
        {
            "parens": 3,
            "dashed": 3,
            "dotted": 1,
            "spaced": 1,
            "digits": 1,
            "plus_one": 0.5,
            "extension": 0.5,
            "local": 1,
            "words": 0.3,
        },
        description="Phone forms: (614) 555-0142, 614-555-0142, 614.555.0142, 614 555 0142, 6145550142, "
        "+1 614 555 0142, 614 555 0142 x23, 555-0142, digits in words.",
    )
    email: dict[Literal[VARIANTS["email"]], Weight] = Field(  # type: ignore[valid-type]
        {"plain": 6, "upper": 1, "spelled": 1, "bracketed": 0.5, "angle": 1},
        description="Email forms: plain, UPPER, jdoe at example dot com, jdoe[at]example.org, "
        "<jdoe@example.com>.",
    )
    person: dict[Literal[PERSON_WEIGHTED], Weight] = Field(  # type: ignore[valid-type]
        {
            "full": 3,
            "first_only": 3,
            "title_last": 1.5,
            "initial_last": 1,
            "lower": 0.5,
            "upper": 1,
            "nickname": 1,
            "word_name": 1,
        },
        description="Name forms: full, first only, Mr./Ms. Last, initial + last, lower case, ALL CAPS, a "
        "nickname (Bill for William), a first name that is also a word (Rose, Mark, Grant).",
    )
    address: dict[Literal[VARIANTS["address"]], Weight] = Field(  # type: ignore[valid-type]
        {"street": 4, "full_line": 2, "unit": 1, "corner": 1},
        description="Address forms: the street line, the full line with city, state and ZIP, with a unit, "
        "corner of two streets (third parties' places only).",
    )
    vin: dict[Literal[VARIANTS["vin"]], Weight] = Field(  # type: ignore[valid-type]
        {"full": 3, "lower": 1, "spaced": 1, "last8": 2, "last6": 1},
        description="VIN forms: whole, lower case, in WMI/VDS/VIS groups, the last 8, the last 6.",
    )

    @field_validator(*VARIANTS)
    @classmethod
    def _some_positive_weight(cls, weights: dict[str, float]) -> dict[str, float]:
        if not any(weights.values()):
            raise ValueError("expected at least one positive weight")
        return weights


# The easy preset writes PII as roworld 1.x did: stock sentences, the customer's own values in
# full, phones in three formats, no decoys; a regex detector finds every phone, email and VIN.
PII_PRESETS: dict[str, dict[str, Any]] = {
    "realistic": {},
    "easy": {
        "sentences": "stock",
        "third_party_share": 0,
        "decoy_rate": 0,
        "phone": {"parens": 1, "dotted": 1, "dashed": 1},
        "email": {"plain": 1},
        "person": {"full": 1},
        "address": {"street": 1},
        "vin": {"full": 1},
    },
}


class ExportConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    narrative_style: Literal["terse", "full", "mixed"] = Field(
        "mixed", description="Technician voice: shorthand, full sentences, or a per-technician mix."
    )
    narrative_pii_rate: float = Field(
        0.05, ge=0, le=1, description="Probability that a narrative field mentions synthetic PII."
    )
    phone_mode: Literal["fictional", "realistic"] = Field(
        "fictional", description="fictional: 555-0100..0199 numbers; realistic: libphonenumber-valid numbers."
    )
    coupon_rate: float = Field(0.04, ge=0, le=1, description="Share of customer-pay ROs with a coupon.")
    coupon_amounts: tuple[Annotated[int, Field(gt=0, le=MAX_COUPON_CENTS)], ...] = Field(
        (1000, 1500, 2000, 2500, 3000),
        description=f"Coupon values in cents (1 to {MAX_COUPON_CENTS}), one drawn per couponed RO (and "
        "capped at customer-pay labor + parts). Rationale: typical service coupons in US shop mailers run "
        "$10-$30 off.",
    )
    style_mix_terse_share: float = Field(
        0.4,
        ge=0,
        le=1,
        description="With narrative_style mixed: the share of technicians who write terse shorthand. "
        "Rationale: many techs write upper-case abbreviations; set by the technician id.",
    )
    pii_variants: PiiVariants = Field(
        default_factory=PiiVariants,
        description="How narrative PII is written: a preset (realistic, the default, or easy) or a "
        "mapping of PiiVariants settings, whose omitted keys take the realistic values.",
    )

    @field_validator("pii_variants", mode="before")
    @classmethod
    def _preset(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value not in PII_PRESETS:
                raise ValueError(
                    f"expected a preset ({', '.join(PII_PRESETS)}) or a mapping of variant weights"
                )
            return PII_PRESETS[value]
        return value
