"""The scenario's ``export:`` section: how visits become ROs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Far above any RO (a coupon is capped at customer-pay labor + parts); keeps cents in 64 bits.
MAX_COUPON_CENTS = 10**9


class ExportConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    narrative_style: Literal["terse", "full", "mixed"] = Field(
        "mixed",
        description="How advisors and technicians write: shop shorthand, full sentences, "
        "or a per-writer mix.",
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
        description="With narrative_style mixed: the share of advisors and technicians who write terse "
        "shorthand. Rationale: many techs write upper-case abbreviations; set by the writer's id.",
    )
    typo_rate: float = Field(
        0.01,
        ge=0,
        le=0.2,
        description="Mean share of words a writer mistypes (a keyboard neighbour, a dropped or doubled "
        "letter); each writer's own rate varies around it. Never touches numbers, codes or PII. "
        "Rationale: unedited typed text carries typos in about 1-3 % of words.",
    )
