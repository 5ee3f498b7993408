"""Export cost per RO: pricing, narratives and PII, model validation and JSON serialization.

    python -m benchmarks.bench_export [--visits N]

Visits come from the exporter tests' factory (real catalog ids, 1-4 jobs, every pay type), so
the number measures the exporter alone, without the world simulation.
"""

from __future__ import annotations

import argparse
import random
import time

import orjson

from exporters.config import ExportConfig
from exporters.models import RepairOrder
from exporters.ro_builder import RoBuilder, contract_form
from tests.exporters.visit_factory import make_visit


def per_ro_microseconds(action, visits) -> float:
    began = time.perf_counter()
    for visit in visits:
        action(visit)
    return (time.perf_counter() - began) / len(visits) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=5000)
    args = parser.parse_args()
    visits = [make_visit(seed) for seed in range(args.visits)]
    builder = RoBuilder(ExportConfig())
    for visit in visits[:500]:
        builder.build(visit)  # warm the part-price and template caches, as a long shard would
    pricer, narrator = builder._pricer, builder._narrator

    def price(visit):
        return pricer.price(visit, random.Random(visit.draw_seed))

    def price_and_narrate(visit):
        rnd = random.Random(visit.draw_seed)
        return narrator.write(visit, pricer.price(visit, rnd), rnd)

    forms = []
    for visit in visits:
        rnd = random.Random(visit.draw_seed)
        priced = pricer.price(visit, rnd)
        forms.append(contract_form(visit, priced, narrator.write(visit, priced, rnd)))
    jobs = sum(len(visit.jobs) for visit in visits) / len(visits)
    print(f"{len(visits)} visits, {jobs:.2f} jobs per RO")
    print(f"pricing                     {per_ro_microseconds(price, visits):7.1f} µs/RO")
    print(f"pricing + narratives + PII  {per_ro_microseconds(price_and_narrate, visits):7.1f} µs/RO")
    print(f"model validation            {per_ro_microseconds(RepairOrder.model_validate, forms):7.1f} µs/RO")
    print(f"serialization (orjson)      {per_ro_microseconds(orjson.dumps, forms):7.1f} µs/RO")
    print(f"whole export (build)        {per_ro_microseconds(builder.build, visits):7.1f} µs/RO")


if __name__ == "__main__":
    main()
