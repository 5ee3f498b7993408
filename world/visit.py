"""What the world emits: immutable records of visits and of the world's history.

These records are the only interface between the simulation and the exporters. They hold facts
(who, what, when, which operations and parts), never formatted output. Units are exact integers
so that nothing downstream has to round a float:

- money: cents (int)
- hours: tenths of an hour (int)
- part quantity: hundredths (int)
- tax rate: ten-thousandths (int), e.g. 725 == 0.0725
- percentages: basis points (int), e.g. 1250 == 12.50 %
- datetimes: timezone-aware ``datetime`` in the shop's IANA zone

The records made once per visit (``LaborOp``, ``Job``, ``VisitTruth``, ``Visit``) are slotted but
not frozen: a frozen dataclass sets each field through ``object.__setattr__``, which made building
them about 3.5x slower (several µs a visit). Nothing assigns to them after construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

PAY_TYPES = ("customer", "warranty", "internal")
SHOP_KINDS = ("dealer", "independent", "fleet_depot", "quick_lube")
CUSTOMER_KINDS = ("individual", "fleet")
VISIT_KINDS = ("maintenance", "failure", "recall", "comeback", "inspection", "reconditioning")


@dataclass(frozen=True, slots=True)
class LaborRates:
    """Posted labor rates per pay type, in cents per hour."""

    customer: int
    warranty: int
    internal: int


@dataclass(frozen=True, slots=True)
class ShopInfo:
    """A shop's fixed identity and pricing policy for the whole run."""

    shop_id: str  # ^[A-Z]{2}[0-9]{3}$
    name: str
    kind: str  # one of SHOP_KINDS
    timezone: str  # IANA zone
    state: str  # two letters
    region_id: str
    brands: tuple[str, ...]  # makes a dealer is franchised for; empty otherwise
    tax_rate: int  # ten-thousandths: the region's sales tax on customer-pay parts and fees
    parts_markup_bp: int  # retail price = catalog list price * (1 + markup); basis points
    supplies_bp: int  # shop supplies as basis points of customer-pay labor; 0 = no supplies fee
    supplies_cap: int  # cents
    hazmat_fee: int  # cents, charged when fluids, batteries or tires are handled; 0 = never
    quality: float  # probability that a repair holds (1 - comeback probability driver)


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    state: str
    postal_code: str


@dataclass(frozen=True, slots=True)
class CustomerSnapshot:
    """A customer as of the visit day. A new object whenever name, phone, email or address change."""

    customer_uuid: str
    kind: str  # "individual" or "fleet"
    name: str  # person's full name, or the fleet's company name
    contact_name: str | None  # fleet: a person's name; individual: None
    phone: str  # E.164
    email: str
    address: Address
    discount_bp: int  # contracted fleet discount on customer-pay labor and parts; 0 for individuals


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """An engine as built (``world/catalog/specs.yaml``)."""

    code: str  # catalog key of the engine, e.g. "ford-5.0-v8-coyote"
    cylinders: int
    layout: str  # "I3", "I4", "I5", "I6", "V6", "V8", "H4", "H6"
    displacement: str  # litres as written on the badge, "2.5"
    fuel: str  # "gasoline", "diesel", "hybrid"
    cam_drive: str  # "belt" or "chain"
    oil_grade: str  # "0W-20", "5W-30", "15W-40"...
    oil_capacity: int  # hundredths of a quart, with the filter
    spark_plugs: int  # 0 for a diesel; two per cylinder on twin-plug heads
    oil_filter: str  # "spin_on" or "cartridge"


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    """One vehicle's build: its trim's engine and equipment, and what its model year fitted."""

    trim: str
    engine: EngineSpec
    transmission: str  # "automatic", "cvt", "manual"
    drivetrain: str  # "fwd", "rwd", "awd", "4wd"
    refrigerant: str  # "R-12", "R-134a", "R-1234yf"
    tpms: bool
    cabin_filter: bool
    headlamps: str  # "halogen", "hid", "led"
    tire_size: str  # "225/65R17", or "LT245/75R16" for light-truck tires
    engine_orientation: str  # "transverse" or "longitudinal": how the engine sits in the bay


@dataclass(frozen=True, slots=True)
class VehicleInfo:
    """A vehicle's fixed attributes (the odometer is per visit)."""

    vin: str
    year: int
    make: str
    model: str
    segment: str
    spec: VehicleSpec


@dataclass(frozen=True, slots=True)
class PartUse:
    part_number: str  # catalog part number
    quantity: int  # hundredths


@dataclass(slots=True)
class LaborOp:
    """One labor line: an operation from the catalog, performed by one technician."""

    operation_id: str  # catalog operation id (the exporter looks up narrative facts by it)
    op_code: str  # ^[A-Z0-9]{2,6}-[A-Z0-9]{2,8}$
    description: str
    hours: int  # tenths, book hours for the job's pay type
    technician_id: str  # <shop_id>-T<2 digits>
    parts: tuple[PartUse, ...]
    hazmat: bool  # fluids, batteries or tires handled (drives the disposal fee)


@dataclass(slots=True)
class Job:
    """One customer concern on the RO (the "3 Cs" are written from it by the exporter)."""

    pay_type: str  # one of PAY_TYPES
    kind: str  # one of VISIT_KINDS: why this job is on the RO
    concern: str  # catalog key of the component, maintenance service or recall campaign
    symptom: str | None  # catalog symptom key the owner noticed (failures and comebacks)
    operations: tuple[LaborOp, ...]  # at least one
    recall_campaign: str | None = None  # campaign id for recall jobs


@dataclass(slots=True)
class VisitTruth:
    """Ground truth of one visit, for the truth sidecar (never inside the RO)."""

    visit_kind: str  # the visit's primary reason, one of VISIT_KINDS
    episode_id: str  # one failure episode: the first repair and its comebacks share it
    comeback_of: str | None  # ro_number of the RO this visit comes back to
    archetype: str  # scenario archetype of the owner (e.g. "private_owner", "delivery_fleet")
    owner_seq: int  # 1 for the vehicle's first owner in the world, 2 for the next...
    vehicle_age_days: int  # since the vehicle's in-service date


@dataclass(slots=True)
class Visit:
    """One RO's worth of facts, emitted when the visit closes."""

    ro_number: str  # <shop_id>-<6 digits>, increasing with opened_at per shop
    shop: ShopInfo
    labor_rates: LaborRates  # posted rates in force on opened_at
    advisor_id: str  # <shop_id>-A<2 digits>
    opened_at: datetime
    closed_at: datetime
    customer: CustomerSnapshot
    vehicle: VehicleInfo
    odometer_in: int
    odometer_out: int
    purchase_order: str | None  # fleet POs; None for individuals
    jobs: tuple[Job, ...]
    declined: tuple[str, ...]  # catalog keys recommended by the advisor and declined
    waiter: bool  # customer waited (else dropped off)
    truth: VisitTruth
    draw_seed: int  # 64-bit seed for all export-stage randomness of this visit
    # the RO number the shop's text may cite for a comeback: None when the comeback is at another
    # shop or its advisor does not cite earlier ROs (``truth.comeback_of`` is never written)
    cited_ro: str | None = None


@dataclass(frozen=True, slots=True)
class Ownership:
    customer_uuid: str
    start: date
    end: date | None  # None while still owned at the end of the run
    end_reason: str | None  # "sold", "traded_in", "scrapped" or None


@dataclass(frozen=True, slots=True)
class VehicleRecord:
    info: VehicleInfo
    in_service: date
    scrapped: date | None
    ownerships: tuple[Ownership, ...]


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    customer_uuid: str
    kind: str
    name: str
    archetype: str
    snapshots: tuple[CustomerSnapshot, ...]  # identity history (moves change address and phone)


@dataclass(frozen=True, slots=True)
class ShopRecordTruth:
    """One shop's record of a person or fleet account (``per_shop`` identity): who it really is."""

    customer_uuid: str  # the shop's own id, as on its ROs
    shop_id: str
    kind: str
    person_id: str | None  # individuals: the person's id across shops; None for fleet accounts
    account_id: str | None  # fleet accounts: the account's id across shops; None for individuals
    name: str  # as the record spells it
    apartment: str | None  # the person's apartment or unit, whether or not the record has it
    variations: tuple[str, ...]  # how the record differs from the person's own identity, sorted


@dataclass(frozen=True, slots=True)
class WorldLedger:
    """The world's history of one shard, available when its run ends."""

    shard_index: int
    shops: tuple[ShopInfo, ...]
    customers: tuple[CustomerRecord, ...]
    vehicles: tuple[VehicleRecord, ...]
    shop_records: tuple[ShopRecordTruth, ...] = ()  # empty unless identity is per_shop
