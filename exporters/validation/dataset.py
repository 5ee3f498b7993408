"""Dataset rules D1-D5, streamed: memory holds per-shop, per-VIN and per-customer state, never the ROs.

Input need not be sorted. Identity rules (D3 shop identity and rates, D4 vehicle identity, D5) are
checked as ROs arrive against the first RO seen for the key. Ordering rules need every RO of a key:
per shop the (number, opened_at) pairs and per VIN the visit intervals and odometer readings are
kept as packed integer arrays and checked in ``finish``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from msgspec.structs import astuple

from exporters.validation.structs import LaborRates, RepairOrder
from exporters.violation import Violation

Location = int  # file number << 32 | line number


@dataclass(slots=True)
class _Shop:
    identity: tuple[str, str, str]
    first_ro: str
    # Local year -> the labor rates of its first RO, and that RO's number.
    rates_by_year: dict[str, tuple[LaborRates, str]] = field(default_factory=dict)
    # Per RO: number, location, opened (epoch seconds).
    orders: array = field(default_factory=lambda: array("q"))


@dataclass(slots=True)
class _Vehicle:
    identity: tuple[int, str, str]
    first_ro: str
    # Per visit: opened, closed (epoch seconds), odometer in, odometer out, location, shop number, RO number.
    visits: array = field(default_factory=lambda: array("q"))


Finding = tuple[Location, str, Violation]
# "HH" -> seconds into the day, "MM:SS" -> seconds into the hour.
_SECONDS_INTO_DAY = {f"{hour:02d}": hour * 3600 for hour in range(24)}
_SECONDS_INTO_HOUR = {
    f"{minute:02d}:{second:02d}": minute * 60 + second for minute in range(60) for second in range(60)
}


class DatasetChecks:
    """Feed every well-formed RO to ``observe``; ``finish`` yields the ordering violations."""

    def __init__(self) -> None:
        self.shops: dict[str, _Shop] = {}
        self.vehicles: dict[str, _Vehicle] = {}
        self.customers: dict[str, tuple[str, str, str]] = {}
        self.shop_numbers: dict[str, int] = {}
        self.day_starts: dict[str, int] = {}

    def epoch_seconds(self, text: str) -> int:
        """The instant of a valid contract datetime, in seconds since the epoch.

        Converting an aware datetime costs several times more than the arithmetic on its text, so the
        conversion is done once per date and offset of the dataset (a few thousand): at a fixed
        offset, a time of day is that many seconds after the date's midnight.
        """
        day = text[:10] + text[19:]
        start = self.day_starts.get(day)
        if start is None:
            start = self.day_starts[day] = int(
                datetime.fromisoformat(f"{text[:10]}T00:00:00{text[19:]}").timestamp()
            )
        return start + _SECONDS_INTO_DAY[text[11:13]] + _SECONDS_INTO_HOUR[text[14:19]]

    def observe(self, ro: RepairOrder, location: Location) -> list[Violation]:
        """Record ``ro`` and return the identity violations it shows now."""
        out: list[Violation] = []
        ro_number = ro.ro_number
        opened = self.epoch_seconds(ro.opened_at)
        closed = self.epoch_seconds(ro.closed_at)
        self._observe_shop(ro, ro_number, opened, location, out)
        self._observe_vehicle(ro, ro_number, opened, closed, location, out)
        customer = ro.customer
        known = self.customers.get(customer.customer_uuid)
        if known is None:
            self.customers[customer.customer_uuid] = (customer.kind, customer.name, ro_number)
        elif known[0] != customer.kind or known[1] != customer.name:
            out.append(
                Violation(
                    "D5-customer-identity",
                    ("customer",),
                    f"customer {customer.customer_uuid} changed kind or name since {known[2]}",
                    f"{known[0]} {known[1]!r}",
                    f"{customer.kind} {customer.name!r}",
                )
            )
        return out

    def _observe_shop(
        self, ro: RepairOrder, ro_number: str, opened: int, location: Location, out: list[Violation]
    ) -> None:
        shop = ro.shop
        identity = (shop.name, shop.kind, shop.timezone)
        state = self.shops.get(shop.shop_id)
        if state is None:
            state = self.shops[shop.shop_id] = _Shop(identity, ro_number)
        elif state.identity != identity:
            out.append(
                Violation(
                    "D3-shop-identity",
                    ("shop",),
                    f"shop {shop.shop_id} changed name, kind or timezone since {state.first_ro}",
                    " / ".join(state.identity),
                    " / ".join(identity),
                )
            )
        rates = shop.labor_rates
        # opened_at is written in shop local time, so its first four characters are the local year.
        year = ro.opened_at[:4]
        known = state.rates_by_year.get(year)
        if known is None:
            state.rates_by_year[year] = (rates, ro_number)
        elif known[0] != rates:
            out.append(
                Violation(
                    "D3-labor-rates",
                    ("shop", "labor_rates"),
                    f"labor rates differ from {known[1]} in local year {year}",
                    "/".join(astuple(known[0])),
                    "/".join(astuple(rates)),
                )
            )
        state.orders.extend((int(ro_number[6:]), location, opened))

    def _observe_vehicle(
        self,
        ro: RepairOrder,
        ro_number: str,
        opened: int,
        closed: int,
        location: Location,
        out: list[Violation],
    ) -> None:
        vehicle = ro.vehicle
        identity = (vehicle.year, vehicle.make, vehicle.model)
        state = self.vehicles.get(vehicle.vin)
        if state is None:
            state = self.vehicles[vehicle.vin] = _Vehicle(identity, ro_number)
        elif state.identity != identity:
            out.append(
                Violation(
                    "D4-vehicle-identity",
                    ("vehicle",),
                    f"VIN {vehicle.vin} changed year, make or model since {state.first_ro}",
                    " ".join(map(str, state.identity)),
                    " ".join(map(str, identity)),
                )
            )
        shop_number = self.shop_numbers.get(ro.shop.shop_id)
        if shop_number is None:
            shop_number = self.shop_numbers[ro.shop.shop_id] = len(self.shop_numbers)
        state.visits.extend(
            (
                opened,
                closed,
                vehicle.odometer_in,
                vehicle.odometer_out,
                location,
                shop_number,
                int(ro_number[6:]),
            )
        )

    def finish(self) -> Iterator[Finding]:
        """Violations of the ordering rules (D1, D2, D4 odometer and overlap), each at an RO's location."""
        for shop_id, shop in self.shops.items():
            yield from _shop_order(shop_id, shop)
        shop_ids = list(self.shop_numbers)
        for vin, vehicle in self.vehicles.items():
            if len(vehicle.visits) > _VISIT_WIDTH:
                yield from _vehicle_history(vin, vehicle.visits, shop_ids)


def _shop_order(shop_id: str, shop: _Shop) -> Iterator[Finding]:
    orders = shop.orders
    # Tuples sort in C; the location orders equal numbers as the files do.
    records = sorted(zip(orders[0::3], orders[1::3], orders[2::3], strict=True))
    for (previous_number, _, previous_opened), (number, location, opened) in zip(
        records, records[1:], strict=False
    ):
        if number == previous_number:
            ro_number = f"{shop_id}-{number:06d}"
            yield (
                location,
                ro_number,
                Violation(
                    "D1-unique-ro-number", ("ro_number",), "ro_number already used", "a new number", ro_number
                ),
            )
        elif opened < previous_opened:
            yield (
                location,
                f"{shop_id}-{number:06d}",
                Violation(
                    "D2-ro-order",
                    ("opened_at",),
                    f"opened before {shop_id}-{previous_number:06d}, which has a lower number",
                    f"opened at or after {datetime.fromtimestamp(previous_opened, UTC).isoformat()}",
                    f"{datetime.fromtimestamp(opened, UTC).isoformat()}",
                ),
            )


_VISIT_WIDTH = 7


def _vehicle_history(vin: str, visits: array, shop_ids: list[str]) -> Iterator[Finding]:
    records = sorted(tuple(visits[i : i + _VISIT_WIDTH]) for i in range(0, len(visits), _VISIT_WIDTH))
    for previous, current in zip(records, records[1:], strict=False):
        _, previous_closed, _, previous_out, _, _, _ = previous
        opened, _, odometer_in, _, location, shop_number, number = current
        if odometer_in < previous_out:
            yield (
                location,
                f"{shop_ids[shop_number]}-{number:06d}",
                Violation(
                    "D4-odometer",
                    ("vehicle", "odometer_in"),
                    f"VIN {vin}: odometer_in below the previous visit's odometer_out",
                    f">= {previous_out}",
                    odometer_in,
                ),
            )
        if opened < previous_closed:
            yield (
                location,
                f"{shop_ids[shop_number]}-{number:06d}",
                Violation(
                    "D4-overlap",
                    ("opened_at",),
                    f"VIN {vin}: opened before the previous visit closed",
                    "opened_at >= previous closed_at",
                    "overlapping visits",
                ),
            )
