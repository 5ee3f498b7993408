"""Shops at run time: identity and pricing policy, posted labor rates, capacity, RO numbers.

Capacity is one pool of work slots: a job needs a bay and a technician at once, so the binding
number is min(bays, technicians). The pool hands a free slot over without an event (most visits
find one) and queues a SimPy event only when the shop is full, which saves an event per visit.
"""

from __future__ import annotations

import math
import random
from collections import deque
from fractions import Fraction

import simpy

from world.business_hours import BusinessHours
from world.catalog import ShopKindEntry
from world.shards import ShopSlot
from world.visit import LaborRates, ShopInfo

RO_OFFSET_RANGE = (10_000, 300_000)  # seeded start of each shop's RO sequence
RO_MAX = 999_999
ADVISOR_PER_SLOTS = 6  # one service advisor writes up work for about six working technicians


class WorkSlots:
    """A FIFO pool of ``capacity`` slots; ``count`` in use, ``queue`` of waiting events."""

    __slots__ = ("env", "capacity", "count", "queue")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.count = 0
        self.queue: deque[simpy.Event] = deque()

    def acquire(self) -> simpy.Event | None:
        """None if a slot was taken at once, else the event that fires when one is handed over."""
        if self.count < self.capacity and not self.queue:
            self.count += 1
            return None
        waiting = self.env.event()
        self.queue.append(waiting)
        return waiting

    def release(self) -> None:
        if self.queue:
            self.queue.popleft().succeed()  # the slot passes straight to the next in line
        else:
            self.count -= 1


def _dollars_to_cents_half_up(dollars: Fraction) -> int:
    return int(math.floor(dollars + Fraction(1, 2))) * 100


def _between(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()


class Shop:
    __slots__ = (
        "info",
        "hours",
        "slots",
        "capacity",
        "free_technicians",
        "next_ro",
        "advisors",
        "base_rates",
        "increase_bp",
        "base_year",
        "_rates",
        "does_repairs",
        "technician_ids",
        "advisor_ids",
        "lube_technicians",
    )

    def __init__(
        self,
        env: simpy.Environment,
        info: ShopInfo,
        hours: BusinessHours,
        capacity: int,
        technicians: int,
        first_ro: int,
        base_rates: tuple[int, int, int],
        increase_bp: int,
        base_year: int,
        lube_technicians: int,
    ) -> None:
        """``lube_technicians``: how many of the technicians (numbers 1 to it) do express work."""
        self.info = info
        self.hours = hours
        self.capacity = capacity
        self.slots = WorkSlots(env, capacity)
        self.free_technicians = list(range(technicians, 0, -1))
        self.next_ro = first_ro
        self.advisors = max(1, capacity // ADVISOR_PER_SLOTS)
        self.base_rates = base_rates  # whole dollars per hour in base_year (the catalog's rate year)
        self.increase_bp = increase_bp
        self.base_year = base_year
        self._rates: dict[int, LaborRates] = {}
        self.does_repairs = info.kind in ("dealer", "independent", "fleet_depot")
        # By staff number (from 1), formatted once: every visit names its technician and advisor.
        self.technician_ids = {
            number: f"{info.shop_id}-T{number:02d}" for number in range(1, technicians + 1)
        }
        self.advisor_ids = {number: f"{info.shop_id}-A{number:02d}" for number in range(1, self.advisors + 1)}
        self.lube_technicians = lube_technicians

    def rates(self, year: int) -> LaborRates:
        """Posted rates for a calendar year: the base year's rates compounded once per 1 January
        (discounted the same way before it), rounded half up to $1."""
        rates = self._rates.get(year)
        if rates is None:
            growth = Fraction(10_000 + self.increase_bp, 10_000) ** (year - self.base_year)
            rates = LaborRates(*(_dollars_to_cents_half_up(base * growth) for base in self.base_rates))
            self._rates[year] = rates
        return rates

    def open_ro(self) -> tuple[str, str]:
        """The next RO number and the advisor writing it (numbers rise in opening order)."""
        number = self.next_ro
        if number > RO_MAX:
            raise OverflowError(f"shop {self.info.shop_id} ran out of 6-digit RO numbers")
        self.next_ro = number + 1
        return f"{self.info.shop_id}-{number:06d}", self.advisor_ids[1 + number % self.advisors]

    def begin_work(self, now: float, hours: float) -> tuple[int, float]:
        """Once a slot is held: the technician taking the job and when ``hours`` of open time end.

        The caller waits for ``slots.acquire()`` first and calls ``end_work`` at the finish; kept
        out of a sub-generator because every resume of a nested generator costs a frame switch.
        """
        hours_of = self.hours
        return self.free_technicians.pop(), hours_of.add_work(hours_of.next_open(now), hours)

    def prefer(self, lube: bool, on_this_visit: list[int]) -> None:
        """Make the next ``begin_work`` take a free technician of the role (lube or line) who has not
        worked this visit yet, if there is one; else whoever is free next takes it."""
        free = self.free_technicians
        lube_technicians = self.lube_technicians
        for position in range(len(free) - 1, -1, -1):
            number = free[position]
            if (number <= lube_technicians) == lube and number not in on_this_visit:
                free.append(free.pop(position))
                return

    def hand_over(self, technician: int) -> None:
        """A technician's part of the visit is done; the vehicle keeps its bay for the next one."""
        self.free_technicians.append(technician)

    def end_work(self, technician: int) -> None:
        self.free_technicians.append(technician)
        self.slots.release()


def make_shop(
    env: simpy.Environment,
    slot: ShopSlot,
    name: str,
    policy: ShopKindEntry,
    rng: random.Random,
    timezone: str,
    state: str,
    region_id: str,
    tax_rate: int,
    bays_scale: float,
    hours: BusinessHours,
    base_year: int,
    lube_share: float,
) -> Shop:
    """A shop of the layout with its policy drawn inside the kind's ranges."""
    customer_rate = round(_between(rng, *policy.labor_rate.range))
    warranty_rate = max(1, round(customer_rate * _between(rng, *policy.warranty_rate_ratio.range)))
    internal_rate = max(1, round(customer_rate * _between(rng, *policy.internal_rate_ratio.range)))
    increase_bp = round(_between(rng, *policy.annual_increase.range) * 100)
    bays = max(1, round(round(_between(rng, *policy.bays.range)) * bays_scale))
    technicians = max(1, round(bays * policy.technicians_per_bay.value))
    # a shop that does more than express work keeps at least one line technician
    lube_technicians = (
        technicians if lube_share == 1 else min(round(technicians * lube_share), technicians - 1)
    )
    info = ShopInfo(
        shop_id=slot.shop_id,
        name=name,
        kind=slot.kind,
        timezone=timezone,
        state=state,
        region_id=region_id,
        brands=slot.brands,
        tax_rate=tax_rate,
        parts_markup_bp=round(_between(rng, *policy.parts_markup.range)) * 100,
        supplies_bp=int(policy.supplies.percent * 100),
        supplies_cap=int(policy.supplies.cap * 100),
        hazmat_fee=round(_between(rng, *policy.hazmat_fee.range) * 4) * 25,
        quality=round(_between(rng, *policy.quality.range), 4),
        category_markup_bp=tuple(
            (category, round(_between(rng, *markup.range)) * 100)
            for category, markup in sorted(policy.category_markup.items())
        ),
    )
    return Shop(
        env,
        info,
        hours,
        min(bays, technicians),
        technicians,
        rng.randint(*RO_OFFSET_RANGE),
        (customer_rate, warranty_rate, internal_rate),
        increase_bp,
        base_year,
        lube_technicians,
    )
