"""Customers: private owners, fleet accounts and dealers' used-vehicle departments.

A customer's identity (name, phone, email, address) is a ``CustomerSnapshot``; a move replaces
the snapshot, and the history of snapshots is all the ledger keeps. Moves are drawn on the
customer's own counter-based stream and applied when the customer next shows up at a shop.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import world.crn as crn
from world.identity import IdentityPool
from world.odometer import YEAR_DAYS
from world.visit import CustomerRecord, CustomerSnapshot

if TYPE_CHECKING:
    from world.shops import Shop

MOVE_STREAM = crn.stream("customer", "move")


class Customer:
    __slots__ = (
        "key",
        "kind",
        "archetype",
        "snapshot",
        "history",
        "stretch",
        "decline",
        "lube_shop",
        "fleet_shop",
        "moves",
        "next_move",
        "move_rate",
        "po_prefix",
        "po_count",
        "vehicle_count",
    )

    def __init__(
        self,
        key: int,
        snapshot: CustomerSnapshot,
        archetype: str,
        stretch: float,
        decline: float,
        move_rate: float,
        now: float,
    ) -> None:
        self.key = key
        self.kind = snapshot.kind
        self.archetype = archetype
        self.snapshot = snapshot
        self.history: list[CustomerSnapshot] | None = None  # earlier snapshots, only once the customer moved
        self.stretch = stretch  # maintenance interval multiplier (compliance)
        self.decline = decline  # probability of declining an advisor's recommendation
        self.lube_shop: Shop | None = None  # quick lube used for simple services, if any
        self.fleet_shop: Shop | None = None  # fleets: the depot or contracted shop doing all PM and repairs
        self.moves = 0
        self.move_rate = move_rate
        self.next_move = self._draw_next_move(now)
        self.po_prefix = ""
        self.po_count = 0
        self.vehicle_count = 0

    def _draw_next_move(self, now: float) -> float:
        if self.move_rate <= 0:
            return math.inf
        u = crn.uniform(self.key, MOVE_STREAM, self.moves)
        return now - math.log(u) * YEAR_DAYS / self.move_rate

    def as_of(self, t: float, movers: IdentityPool) -> CustomerSnapshot:
        """The snapshot in force at t, applying any moves that happened since the last visit."""
        while t >= self.next_move:
            moved_at = self.next_move
            if self.history is None:
                self.history = []
            self.history.append(self.snapshot)
            self.snapshot = replace(self.snapshot, address=movers.address(), phone=movers.phone())
            self.moves += 1
            self.next_move = self._draw_next_move(moved_at)
        return self.snapshot

    def purchase_order(self) -> str:
        self.po_count += 1
        return f"PO-{self.po_prefix}{self.po_count:06d}"

    def record(self) -> CustomerRecord:
        snapshots = (*(self.history or ()), self.snapshot)
        return CustomerRecord(
            self.snapshot.customer_uuid, self.kind, self.snapshot.name, self.archetype, snapshots
        )


def person_snapshot(pool: IdentityPool) -> CustomerSnapshot:
    name = pool.person_name()
    return CustomerSnapshot(
        customer_uuid=pool.customer_uuid(),
        kind="individual",
        name=name,
        contact_name=None,
        phone=pool.phone(),
        email=pool.email(name),
        address=pool.address(),
        discount_bp=0,
    )


def organisation_snapshot(pool: IdentityPool, name: str, discount_bp: int) -> CustomerSnapshot:
    contact = pool.person_name()
    return CustomerSnapshot(
        customer_uuid=pool.customer_uuid(),
        kind="fleet",
        name=name,
        contact_name=contact,
        phone=pool.phone(),
        email=pool.email(contact),
        address=pool.address(),
        discount_bp=discount_bp,
    )
