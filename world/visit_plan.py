"""A visit's plan: what brings the vehicle in (the reasons), the jobs the advisor writes up, and
who works them; ``next_need`` is the earliest reason a vehicle has to come in.

The records planning fills in and the workshop carries out; they draw nothing themselves, so every
random choice of a plan stays in ``world.planning``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from world.assembly import Line

if TYPE_CHECKING:
    from world.customers import Customer
    from world.shops import Shop
    from world.vehicles import Vehicle

FAILURE, MAINTENANCE, RECALL, COMEBACK, INSPECTION = (
    "failure",
    "maintenance",
    "recall",
    "comeback",
    "inspection",
)
# Who works a visit, in order: a lube technician's express work, a diagnosis, the repairs.
LUBE, DIAGNOSIS, LINE = "lube", "diagnosis", "line"


class JobSpec:
    __slots__ = ("pay_type", "kind", "concern", "symptom", "op_ids", "campaign", "lines")

    def __init__(
        self,
        pay_type: str,
        kind: str,
        concern: str,
        symptom: str | None,
        op_ids: tuple[str, ...],
        campaign: str | None = None,
    ) -> None:
        self.pay_type = pay_type
        self.kind = kind
        self.concern = concern
        self.symptom = symptom
        self.op_ids = op_ids
        self.campaign = campaign
        self.lines: tuple[Line, ...] = ()  # the operations as done on the vehicle, set with the timing


class VisitPlan:
    __slots__ = (
        "shop",
        "customer",
        "visit_kind",
        "jobs",
        "declined",
        "services",
        "components",
        "recalls",
        "comeback",
        "inspection",
        "arrival",
        "waiter",
        "back_order_days",
        "close_fraction",
        "hours",
        "blocks",
    )

    def __init__(self, shop: Shop, customer: Customer, visit_kind: str) -> None:
        self.shop = shop
        self.customer = customer
        self.visit_kind = visit_kind
        self.jobs: list[JobSpec] = []
        self.declined: list[str] = []
        self.services: list[int] = []  # maintenance indices done
        self.components: list[int] = []  # components renewed
        self.recalls: list[int] = []  # campaign indices remedied
        self.comeback = None  # the PendingComeback this visit answers
        self.inspection = False
        self.arrival = 0.0
        self.waiter = False
        self.back_order_days = 0
        self.close_fraction = 0.5  # where in its day a back-ordered visit closes
        self.hours = 0.0  # book hours of all jobs, set with the timing
        self.blocks: tuple[tuple[str, float], ...] = ()  # (role, hours): one technician each, in order

    def settle(self) -> None:
        """The plan is complete: its lists become tuples. A plan waits with its vehicle until the
        arrival, so every vehicle holds one, and an empty tuple costs nothing (a list 56 bytes)."""
        self.jobs = tuple(self.jobs)
        self.declined = tuple(self.declined)
        self.services = tuple(self.services)
        self.components = tuple(self.components)
        self.recalls = tuple(self.recalls)


def next_need(vehicle: Vehicle) -> tuple[float, str, int]:
    best, index = vehicle.next_failure()
    reason = FAILURE
    if vehicle.maint_at < best:
        best, reason, index = vehicle.maint_at, MAINTENANCE, vehicle.maint_index
    if vehicle.comeback is not None and vehicle.comeback.at < best:
        best, reason, index = vehicle.comeback.at, COMEBACK, vehicle.comeback.component
    if vehicle.recalls:
        at, campaign = min(vehicle.recalls)
        if at < best:
            best, reason, index = at, RECALL, campaign
    if vehicle.inspection_at < best:
        best, reason, index = vehicle.inspection_at, INSPECTION, -1
    return best, reason, index
