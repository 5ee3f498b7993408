"""Export cost per RO, per stage: pricing, narratives and PII, serialization, the contract check, and
the shard writer's own share (RO, span and truth lines hashed and written, summary counters).

    python benchmarks/bench_export.py [--scenario scenarios/smoke.yaml] [--seed 1] [--repeat 5]

The visits are the real ones of the scenario's world (collected once, before timing), so shops,
customers and vehicles recur as they do in a run. Each figure is the best of --repeat passes in CPU
seconds of this process (one core, robust to other work on the machine); the part and template
caches are warm, as they are in any shard after its first few hundred ROs. The shard writer is timed
on ROs built beforehand, so its figure excludes ``RoBuilder.build``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exporters.contract import contract_violations, validated_ro_json  # noqa: E402
from exporters.models import RepairOrder  # noqa: E402
from exporters.ro_builder import BuiltRO, RoBuilder, contract_form  # noqa: E402
from exporters.shard_writer import ShardWriter  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from world.shards import plan_shards  # noqa: E402
from world.visit import Visit  # noqa: E402
from world.world import build  # noqa: E402


def world_visits(scenario_path: Path, seed: int) -> tuple[list[Visit], Any]:
    scenario = load_scenario(scenario_path)
    visits = [visit for shard in plan_shards(scenario.world) for visit in build(scenario, seed, shard).run()]
    return visits, scenario.export


def per_ro_microseconds(action: Callable[[Any], Any], items: list[Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            action(item)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1e6


class _Replay:
    """A builder that hands back ROs built beforehand, so timing ShardWriter.add leaves building out."""

    def __init__(self, built: dict[int, BuiltRO]) -> None:
        self._built = built

    def build(self, visit: Visit) -> BuiltRO:
        return self._built[id(visit)]


def shard_writer_microseconds(builder: RoBuilder, visits: list[Visit], export: Any, repeat: int) -> float:
    replay = _Replay({id(visit): builder.build(visit) for visit in visits})
    best = float("inf")
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            writer = ShardWriter(Path(folder), 0, export, builder=replay)
            start = time.process_time()
            for visit in visits:
                writer.add(visit)
            best = min(best, time.process_time() - start)
            writer.abort()
    return best / len(visits) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "smoke.yaml")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    visits, export = world_visits(args.scenario, args.seed)
    builder = RoBuilder(export)
    for visit in visits:
        builder.build(visit)  # warm the part-price and template caches
    pricer, narrator = builder._pricer, builder._narrator

    def price(visit: Visit) -> Any:
        return pricer.price(visit, random.Random(visit.draw_seed))

    def price_and_narrate(visit: Visit) -> Any:
        rnd = random.Random(visit.draw_seed)
        pricer.price(visit, rnd)
        return narrator.write(visit, rnd)

    def price_and_narrate_pair(visit: Visit) -> tuple[Visit, Any, Any]:
        rnd = random.Random(visit.draw_seed)
        return visit, pricer.price(visit, rnd), narrator.write(visit, rnd)

    def assemble(built: tuple[Visit, Any, Any]) -> Any:
        return contract_form(*built)

    # Each stage below is timed on its own inputs, made beforehand: the contract form's cost is a few
    # µs, far below the spread of a difference between two timings of the narrative stage.
    priced_and_written = [price_and_narrate_pair(visit) for visit in visits]
    forms = [assemble(built) for built in priced_and_written]
    jobs = sum(len(visit.jobs) for visit in visits) / len(visits)
    size = sum(len(orjson.dumps(form)) for form in forms) / len(forms)
    print(f"{len(visits)} visits of {args.scenario.name}, {jobs:.2f} jobs and {size:,.0f} bytes per RO")
    stages = [
        ("pricing", price, visits),
        ("pricing + narratives + PII", price_and_narrate, visits),
        ("contract form (dict)", assemble, priced_and_written),
        ("serialization (orjson)", orjson.dumps, forms),
        ("  + contract check (msgspec fast path, rules)", validated_ro_json, forms),
        ("dict structure check + rules (other lines)", contract_violations, forms),
        ("whole export (RoBuilder.build)", builder.build, visits),
        ("for comparison: RepairOrder.model_validate", RepairOrder.model_validate, forms),
    ]
    for label, action, items in stages:
        print(f"{label:<44}{per_ro_microseconds(action, items, args.repeat):8.1f} µs/RO")
    writer = shard_writer_microseconds(builder, visits, export, args.repeat)
    print(f"{'shard writer (ShardWriter.add minus build)':<44}{writer:8.1f} µs/RO")


if __name__ == "__main__":
    main()
