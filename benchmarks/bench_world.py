"""The world alone: simulated visits per second and the shape of the visit stream.

    python benchmarks/bench_world.py [--vehicles 5000] [--years 5] [--seed 42] [--scenario FILE]

Runs one region (one shard) of about --vehicles private vehicles plus two fleets for --years of
export window (after the default warm-up), consuming visits without exporting them, and prints
visits per vehicle-year, the share of VINs with 2+ visits and with 2+ shops, owner changes,
comeback rate, mean vehicle age at visit, visit kinds and throughput. With --scenario, the world
is shard 0 of that scenario file instead (e.g. scenarios/fleet.yaml, the shard the profiles in
benchmarks/profiles/ show), and --vehicles and --years are not used.
"""

from __future__ import annotations

import argparse
import collections
import time
import tracemalloc
from datetime import date
from pathlib import Path

from sim.scenario import load_scenario, scenario_from_dict
from world.shards import plan_shards
from world.world import build


def scenario(vehicles: int, years: int) -> dict:
    fleet_size = max(10, vehicles // 25)
    return {
        "name": "bench-world",
        "start": date(2024, 1, 1).isoformat(),
        "end": date(2024 + years, 1, 1).isoformat(),
        "world": {
            "regions": [
                {
                    "id": "bench",
                    "state": "TX",
                    "timezone": "America/Chicago",
                    "area_codes": [512, 737],
                    "tax_rate": "0.0825",
                    "state_inspection": True,
                    "private_vehicles": vehicles - 2 * fleet_size,
                    "shops": {
                        "dealers": [
                            {"brands": ["Toyota"]},
                            {"brands": ["Ford"]},
                            {"brands": ["Honda"]},
                            {"brands": ["Chevrolet", "GMC"]},
                            {"brands": ["Nissan"]},
                            {"brands": ["Hyundai", "Kia"]},
                        ],
                        "independents": 12,
                        "quick_lubes": 4,
                    },
                    "fleets": [
                        {
                            "name": "parcel",
                            "archetype": "delivery_fleet",
                            "vehicles": min(500, fleet_size),
                            "maintained_at": "depot",
                        },
                        {"name": "utility", "archetype": "utility_fleet", "vehicles": min(500, fleet_size)},
                    ],
                }
            ]
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=5000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--memory", action="store_true", help="also trace peak Python allocations (slower)")
    parser.add_argument("--scenario", type=Path, help="shard 0 of this scenario file instead")
    args = parser.parse_args()
    if args.scenario is None:
        resolved = scenario_from_dict(scenario(args.vehicles, args.years))
    else:
        resolved = load_scenario(args.scenario, ())
    years = (resolved.end - resolved.start).days / 365.25
    shard = plan_shards(resolved.world)[0]
    if args.memory:
        tracemalloc.start()
    began = time.perf_counter()
    began_cpu = time.process_time()
    world = build(resolved, args.seed, shard)
    built_cpu = time.process_time()
    # Per VIN only a count, the first shop/owner and whether another was seen: the traced peak
    # should be the world's, not this script's bookkeeping.
    visits_per_vin: collections.Counter[str] = collections.Counter()
    first_shop: dict[str, str] = {}
    first_owner: dict[str, str] = {}
    many_shops: set[str] = set()
    many_owners: set[str] = set()
    kinds: collections.Counter[str] = collections.Counter()
    age_days = 0
    count = 0
    for visit in world.run():
        count += 1
        vin = visit.vehicle.vin
        visits_per_vin[vin] += 1
        if first_shop.setdefault(vin, visit.shop.shop_id) != visit.shop.shop_id:
            many_shops.add(vin)
        if first_owner.setdefault(vin, visit.customer.customer_uuid) != visit.customer.customer_uuid:
            many_owners.add(vin)
        kinds[visit.truth.visit_kind] += 1
        age_days += visit.truth.vehicle_age_days
    seconds = time.perf_counter() - began
    cpu_seconds = time.process_time() - began_cpu
    peak = tracemalloc.get_traced_memory()[1] if args.memory else None
    vins = len(visits_per_vin)
    ledger = world.ledger()
    census = world.census
    changes = sum(1 for v in ledger.vehicles for o in v.ownerships if o.end_reason in ("sold", "traded_in"))
    print(f"vehicles alive at end        {census.live_vehicles} (target {census.target_vehicles})")
    print(f"visits                       {count}")
    print(f"visits per vehicle-year      {count / (census.target_vehicles * years):.2f}")
    print(f"VINs with 2+ visits          {sum(1 for n in visits_per_vin.values() if n >= 2) / vins:.1%}")
    print(f"VINs with 2+ shops           {len(many_shops) / vins:.1%}")
    print(f"VINs seen under 2+ owners    {len(many_owners) / vins:.1%}")
    print(
        f"ownership changes (ledger)   {changes} "
        f"({changes / (census.target_vehicles * years):.3f}/vehicle-year)"
    )
    print(f"comeback rate                {kinds['comeback'] / count:.2%}")
    print(f"mean vehicle age at visit    {age_days / count / 365.25:.1f} years")
    print(f"visit kinds                  {dict(sorted(kinds.items()))}")
    print(f"seconds                      {seconds:.1f} (build + warm-up + window)")
    print(f"visits/s (world alone)       {count / seconds:,.0f}")
    # CPU time is the fairer figure on a machine whose cores other work shares.
    print(f"visits per CPU-second        {count / cpu_seconds:,.0f} ({cpu_seconds:.1f} s CPU)")
    print(f"CPU µs per visit             {cpu_seconds / count * 1e6:.1f}")
    run_cpu = time.process_time() - built_cpu
    print(f"World.run CPU µs per visit   {run_cpu / count * 1e6:.1f} ({run_cpu:.2f} s CPU, build excluded)")
    if peak is not None:
        print(
            f"peak traced memory           {peak / 1e6:.1f} MB "
            f"({peak / census.target_vehicles:.0f} B/vehicle)"
        )


if __name__ == "__main__":
    main()
