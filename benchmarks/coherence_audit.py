"""Coherence audit: how often a dataset's ROs say or do something that cannot be true of the vehicle,
the shop or the moment (issue #13's measurements, on any finished dataset folder).

    python benchmarks/coherence_audit.py DATASET [--format text|json]

Reads ``repair_orders/`` and the truth sidecars ``truth/visits/`` and ``truth/vehicles/`` (streamed;
only per-RO truth, per-VIN facts and a few counters are held). Where a truth vehicle row carries a
build spec (``spec``: the fields of ``world.visit.VehicleSpec``, the engine nested) the fitment
checks use it; otherwise they fall back to the issue's year and model heuristics, and the output
says which (``basis``). Every measure is a count or a share, never a verdict: the lead compares the
numbers before and after a change.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dateutil.relativedelta import TH, relativedelta

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.coherence_vehicles import Vehicles, rows  # noqa: E402

GRADE = re.compile(r"\b(\d{1,2}W-\d{2})\b")
QUARTS = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:qt|quarts?)\b", re.IGNORECASE)
INTERVAL_SERVICE = re.compile(r"\b(\d{2,3})k service\b", re.IGNORECASE)
RO_NUMBER = re.compile(r"\b([A-Z]{2}[0-9]{3})-[0-9]{6}\b")
CAMPAIGN_YEAR = re.compile(r"\b(\d{2})V")
MISFIRE_HIGH_CYLINDER = re.compile(r"\bP030[5-9]\b|\bcylinders? [5-8]\b", re.IGNORECASE)
BANK_TWO = re.compile(r"\bP043[0-4]\b|\bbank 2\b", re.IGNORECASE)
ENGINE_CODE = re.compile(r"\bP030[0-9]\b|\bP04[23][0-9]\b")
# a tow-in (the measure), not the vehicle towing a camper or trailer (a severe-service reason)
TOW = re.compile(r"\btow(?:ed|ing)?\b(?! (?:a|the) (?:camper|trailer|boat)\b)", re.IGNORECASE)
# a private owner's voice: first person, or a private life (trips, family, allergies, commutes)
PRIVATE_VOICE = re.compile(
    r"\b(?:I|I'm|I've|I'd|my|me|wife|husband|son|daughter|kids|neighbor)\b|road trip|weekend|allerg|commut",
)
OIL_PART = re.compile(r"\bmotor oil\b", re.IGNORECASE)
TIRE_PART = re.compile(r"^Tire\b")

HEAVY_DUTY_GRADE = "15W-40"


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def thanksgiving(year: int) -> date:
    """The fourth Thursday of November."""
    return date(year, 11, 1) + relativedelta(weekday=TH(4))


class Audit:
    def __init__(self, dataset: Path) -> None:
        self.vehicles = Vehicles(dataset)
        self.visits = {row["ro_number"]: row for row in rows(dataset / "truth" / "visits")}
        self.count: Counter[str] = Counter()
        self.oil_quantities: Counter[str] = Counter()
        self.fleet_oil_grades: Counter[str] = Counter()
        self.hours_by_op: dict[str, set[str]] = defaultdict(set)
        self.spark_plug_hours: dict[str, set[str]] = defaultdict(set)
        self.technicians: Counter[int] = Counter()
        self.interval_gaps: list[int] = []
        self.sixty_k_odometers: list[int] = []
        self.private_odometers: list[int] = []
        self.vins_by_year: dict[int, set[str]] = defaultdict(set)
        self.prices: dict[tuple[str, str], dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.rates: dict[str, dict[int, float]] = defaultdict(dict)
        self.part_prices: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.oil_change_totals: dict[str, list[float]] = defaultdict(list)
        self.holidays: Counter[str] = Counter()
        self.depot_pay: Counter[str] = Counter()
        self.depot_names: dict[str, str] = {}
        self.campaign_makes: dict[str, set[str]] = defaultdict(set)
        self.campaign_first: dict[str, str] = {}

    def run(self, dataset: Path) -> dict[str, Any]:
        for ro in rows(dataset / "repair_orders"):
            self.observe(ro, self.visits.get(ro["ro_number"]))
        return self.result()

    def observe(self, ro: dict[str, Any], visit: dict[str, Any] | None) -> None:
        self.count["ros"] += 1
        truth_jobs = visit["jobs"] if visit else []
        labor_job = {line["index"]: line["job_index"] for line in ro["labor"]}
        parts_of_job: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for part in ro["parts"]:
            parts_of_job[labor_job[part["labor_index"]]].append(part)
        labor_of_job: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for line in ro["labor"]:
            labor_of_job[line["job_index"]].append(line)
        for job in ro["jobs"]:
            truth_job = truth_jobs[job["index"] - 1] if len(truth_jobs) >= job["index"] else None
            visit_kind = visit["visit_kind"] if visit else None
            self._job(ro, job, visit_kind, truth_job, labor_of_job[job["index"]], parts_of_job[job["index"]])
        self._ro(ro, visit, labor_of_job)

    def _job(self, ro, job, visit_kind, truth_job, labor, parts) -> None:
        vehicle = ro["vehicle"]
        vin, year, model = vehicle["vin"], vehicle["year"], vehicle["model"]
        vehicles = self.vehicles
        text = " ".join((job["complaint"], job["cause"], job["correction"]))
        count = self.count
        descriptions = [part["description"] for part in parts]
        # oil: the grade and quarts the text names against the oil part on the same job
        oil = [part for part in parts if OIL_PART.search(part["description"])]
        if oil:
            count["oil_jobs"] += 1
            part_grade = GRADE.search(oil[0]["description"])
            self.oil_quantities[oil[0]["quantity"]] += 1
            grades = GRADE.findall(text)
            if grades:
                count["oil_jobs_naming_a_grade"] += 1
                if part_grade and any(grade != part_grade.group(1) for grade in grades):
                    count["oil_grade_text_differs_from_part"] += 1
            quarts = QUARTS.findall(text)
            if quarts:
                count["oil_jobs_naming_quarts"] += 1
                if any(float(q) != float(oil[0]["quantity"]) for q in quarts):
                    count["oil_quarts_text_differ_from_part"] += 1
            if part_grade:
                if ro["customer"]["kind"] == "fleet":
                    self.fleet_oil_grades[part_grade.group(1)] += 1
                if part_grade.group(1) == HEAVY_DUTY_GRADE:
                    count["heavy_duty_oil_changes"] += 1
                    count["heavy_duty_oil_on_gasoline"] += not vehicles.diesel(vin, model)
        # parts and operations the vehicle cannot take
        for description in descriptions:
            if "CVT" in description:
                count["cvt_fluid_jobs"] += 1
                count["cvt_fluid_on_non_cvt"] += vehicles.no_cvt(vin)
            if "R-1234yf" in description:
                count["r1234yf_jobs"] += 1
                count["r1234yf_on_r134a_vehicles"] += vehicles.no_r1234yf(vin, year)
            if "HID" in description:
                count["hid_bulb_jobs"] += 1
                count["hid_bulb_on_non_hid"] += vehicles.no_hid(vin, year)
        if any("TPMS" in d for d in descriptions):
            count["tpms_part_jobs"] += 1
            count["tpms_part_without_tpms"] += vehicles.no_tpms(vin, year)
        if any(d.startswith("Cabin air filter") for d in descriptions):
            count["cabin_filter_jobs"] += 1
            count["cabin_filter_without_housing"] += vehicles.no_cabin_filter(vin, year)
        if any(d.startswith("Timing belt") for d in descriptions):
            count["timing_belt_jobs"] += 1
            count["timing_belt_on_chain_engine"] += vehicles.chain_driven(vin, year, vehicle["make"])
        if ENGINE_CODE.search(text) and vehicles.four_cylinders(vin, model):
            count["engine_code_jobs_on_four_cylinders"] += 1
            count["cylinder_5_plus_or_bank_2_on_four_cylinders"] += bool(
                MISFIRE_HIGH_CYLINDER.search(text) or BANK_TWO.search(text)
            )
        # book hours and bundles
        for line in labor:
            self.hours_by_op[line["op_code"]].add(line["hours"])
            if "spark plug" in line["description"].lower():
                self.spark_plug_hours[model].add(line["hours"])
        rotors = any("rotor" in line["description"].lower() for line in labor)
        pads = any("pad" in line["description"].lower() for line in labor)
        count["rotor_jobs"] += rotors
        count["rotor_jobs_without_pads"] += rotors and not pads
        # context
        interval = INTERVAL_SERVICE.search(job["complaint"])
        if interval:
            named = int(interval.group(1)) * 1000
            self.interval_gaps.append(abs(vehicle["odometer_in"] - named))
            count["interval_service_mentions"] += 1
            count["interval_service_off_by_over_10k"] += abs(vehicle["odometer_in"] - named) > 10_000
            if named == 60_000:
                self.sixty_k_odometers.append(vehicle["odometer_in"])
        if truth_job and truth_job["kind"] == "maintenance" and TOW.search(text):
            count["tow_sentences_on_maintenance_jobs"] += 1
        voice_of_private_owner = PRIVATE_VOICE.search(job["complaint"]) is not None
        if ro["customer"]["kind"] == "fleet":
            count["fleet_complaints"] += 1
            count["fleet_complaints_in_private_voice"] += voice_of_private_owner
        if visit_kind == "reconditioning":
            count["reconditioning_complaints"] += 1
            count["reconditioning_complaints_in_private_voice"] += voice_of_private_owner
        # comebacks and recalls
        if truth_job and truth_job["kind"] == "comeback" and truth_job["concern"] == "tires":
            count["tire_comeback_jobs"] += 1
            tires = sum(float(p["quantity"]) for p in parts if TIRE_PART.search(p["description"]))
            count["tire_comebacks_with_four_tires"] += tires >= 4
        campaign = truth_job and truth_job["recall_campaign"]
        if campaign:
            count["recall_jobs"] += 1
            self.campaign_makes[campaign].add(vehicle["make"])
            opened = ro["opened_at"][:10]
            self.campaign_first[campaign] = min(self.campaign_first.get(campaign, opened), opened)
            campaign_year = CAMPAIGN_YEAR.search(campaign)
            if campaign_year:
                count["recall_jobs_before_campaign_year"] += int(opened[:4]) < 2000 + int(
                    campaign_year.group(1)
                )

    def _ro(self, ro, visit, labor_of_job) -> None:
        count = self.count
        shop = ro["shop"]
        kind = shop["kind"]
        opened = datetime.fromisoformat(ro["opened_at"])
        vehicle = ro["vehicle"]
        texts = [job[field] for job in ro["jobs"] for field in ("complaint", "cause", "correction")]
        notes = ro["notes"]
        self.technicians[len({line["technician_id"] for line in ro["labor"]})] += 1
        if "by noon" in notes.lower() and opened.hour >= 12:
            count["promised_by_noon_after_noon"] += 1
        if kind != "dealer" and any("dealer recommended" in t.lower() for t in [*texts, notes]):
            count["dealer_recommended_at_non_dealers"] += 1
        if ro["customer"]["kind"] == "individual":
            self.private_odometers.append(vehicle["odometer_in"])
        self.vins_by_year[vehicle["year"]].add(vehicle["vin"])
        # money
        for part in ro["parts"]:
            self.prices[(shop["shop_id"], part["part_number"])][opened.year].add(part["unit_price"])
            self.part_prices[(kind, part["part_number"])].append(float(part["unit_price"]))
        self.rates[shop["shop_id"]][opened.year] = float(shop["labor_rates"]["customer"])
        op_codes = [line["op_code"] for lines in labor_of_job.values() for line in lines]
        if len(ro["jobs"]) == 1 and op_codes and all(code.startswith("LOF") for code in op_codes):
            self.oil_change_totals[kind].append(float(ro["totals"]["total"]))
        day = opened.date()
        if (day.month, day.day) == (12, 25):
            self.holidays["christmas"] += 1
        elif (day.month, day.day) == (1, 1):
            self.holidays["new_years_day"] += 1
        elif day == thanksgiving(day.year):
            self.holidays["thanksgiving"] += 1
        if kind == "fleet_depot":
            count["depot_ros"] += 1
            self.depot_pay.update(job["pay_type"] for job in ro["jobs"])
            count["depot_ros_taxed"] += float(ro["totals"]["tax"]) > 0
            count["depot_ros_discounted"] += float(ro["totals"]["discount"]) > 0
            count["depot_ros_offering_loaners"] += "loaner" in " ".join([*texts, notes]).lower()
            self.depot_names[shop["shop_id"]] = shop["name"]
        # citations
        cited_shops = {match.group(1) for match in RO_NUMBER.finditer(" ".join([*texts, notes]))}
        count["ros_citing_another_shops_ro"] += bool(cited_shops - {shop["shop_id"]})
        prior = visit and visit["comeback_of"]
        if prior:
            count["comebacks"] += 1
            in_jobs = any(prior in text for text in texts)
            in_notes = prior in notes
            count["comebacks_citing_in_jobs_and_notes"] += in_jobs and in_notes
            count["comebacks_citing_in_jobs_only"] += in_jobs and not in_notes
            count["comebacks_citing_in_notes_only"] += in_notes and not in_jobs
            count["comebacks_not_citing"] += not (in_jobs or in_notes)
            count["comebacks_at_another_shop"] += not prior.startswith(shop["shop_id"] + "-")

    def result(self) -> dict[str, Any]:
        c = self.count
        private = self.private_odometers
        price_pairs = [years for years in self.prices.values() if len(years) >= 2]
        changed = sum(1 for years in price_pairs if len(set().union(*years.values())) > 1)
        growth = [
            (rates[year] / rates[year - 1]) - 1
            for rates in self.rates.values()
            for year in rates
            if year - 1 in rates
        ]
        dealer_cheaper = [
            number
            for (kind, number), prices in self.part_prices.items()
            if kind == "dealer"
            and ("independent", number) in self.part_prices
            and statistics.median(prices) < statistics.median(self.part_prices[("independent", number)])
        ]
        years = sorted(self.vins_by_year)
        names = Counter(self.depot_names.values())
        return {
            "dataset": {"ros": c["ros"], "fitment_basis": self.vehicles.basis()},
            "oil": {
                "oil_jobs": c["oil_jobs"],
                "grade_in_text_differs_from_part": c["oil_grade_text_differs_from_part"],
                "jobs_naming_a_grade": c["oil_jobs_naming_a_grade"],
                "grade_differs_share": _share(
                    c["oil_grade_text_differs_from_part"], c["oil_jobs_naming_a_grade"]
                ),
                "quarts_in_text_differ_from_part": c["oil_quarts_text_differ_from_part"],
                "jobs_naming_quarts": c["oil_jobs_naming_quarts"],
                "quarts_differ_share": _share(
                    c["oil_quarts_text_differ_from_part"], c["oil_jobs_naming_quarts"]
                ),
                "oil_quantities": dict(self.oil_quantities.most_common()),
                "fleet_oil_change_grades": dict(self.fleet_oil_grades.most_common()),
                "heavy_duty_oil_changes": c["heavy_duty_oil_changes"],
                "heavy_duty_oil_on_gasoline_engines": c["heavy_duty_oil_on_gasoline"],
            },
            "fitment": {
                "cvt_fluid_jobs": c["cvt_fluid_jobs"],
                "cvt_fluid_on_non_cvt": c["cvt_fluid_on_non_cvt"],
                "timing_belt_jobs": c["timing_belt_jobs"],
                "timing_belt_on_chain_engine": c["timing_belt_on_chain_engine"],
                "tpms_part_jobs": c["tpms_part_jobs"],
                "tpms_part_without_tpms": c["tpms_part_without_tpms"],
                "r1234yf_jobs": c["r1234yf_jobs"],
                "r1234yf_on_r134a_vehicles": c["r1234yf_on_r134a_vehicles"],
                "cabin_filter_jobs": c["cabin_filter_jobs"],
                "cabin_filter_without_housing": c["cabin_filter_without_housing"],
                "hid_bulb_jobs": c["hid_bulb_jobs"],
                "hid_bulb_on_non_hid": c["hid_bulb_on_non_hid"],
                "engine_code_jobs_on_four_cylinders": c["engine_code_jobs_on_four_cylinders"],
                "cylinder_5_plus_or_bank_2_on_four_cylinders": c[
                    "cylinder_5_plus_or_bank_2_on_four_cylinders"
                ],
            },
            "labor": {
                "op_codes": len(self.hours_by_op),
                "op_codes_with_one_book_time": sum(
                    1 for hours in self.hours_by_op.values() if len(hours) == 1
                ),
                "spark_plug_hours_by_model": {
                    model: sorted(hours) for model, hours in sorted(self.spark_plug_hours.items())
                },
                "rotor_jobs": c["rotor_jobs"],
                "rotor_jobs_without_pads": c["rotor_jobs_without_pads"],
                "technicians_per_ro": dict(sorted(self.technicians.items())),
            },
            "context": {
                "interval_service_mentions": c["interval_service_mentions"],
                "interval_service_off_by_over_10k": c["interval_service_off_by_over_10k"],
                "sixty_k_service_median_odometer": _median(self.sixty_k_odometers),
                "sixty_k_service_outside_50_70k_share": _share(
                    sum(1 for miles in self.sixty_k_odometers if not 50_000 <= miles <= 70_000),
                    len(self.sixty_k_odometers),
                ),
                "promised_by_noon_after_noon": c["promised_by_noon_after_noon"],
                "dealer_recommended_at_non_dealers": c["dealer_recommended_at_non_dealers"],
                "tow_sentences_on_maintenance_jobs": c["tow_sentences_on_maintenance_jobs"],
                "fleet_complaints_in_private_voice_share": _share(
                    c["fleet_complaints_in_private_voice"], c["fleet_complaints"]
                ),
                "reconditioning_complaints_in_private_voice_share": _share(
                    c["reconditioning_complaints_in_private_voice"], c["reconditioning_complaints"]
                ),
            },
            "mileage": {
                "private_ros": len(private),
                "private_over_300k_share": _share(sum(1 for m in private if m > 300_000), len(private)),
                "private_over_500k_share": _share(sum(1 for m in private if m > 500_000), len(private)),
                "private_max_odometer": max(private, default=None),
                "vins_by_model_year_lowest": {year: len(self.vins_by_year[year]) for year in years[:6]},
            },
            "money": {
                "shop_part_pairs_seen_in_two_years": len(price_pairs),
                "shop_part_pairs_with_a_price_change": changed,
                "labor_rate_median_yearly_growth": _median(growth) if growth else None,
                "parts_dealer_median_below_independent": len(dealer_cheaper),
                "parts_at_dealers_and_independents": sum(
                    1
                    for kind, n in self.part_prices
                    if kind == "dealer" and ("independent", n) in self.part_prices
                ),
                "h6_agm_battery_median": {
                    kind: _median(self.part_prices[(kind, "BAT-H6-AGM")])
                    for kind in ("dealer", "independent")
                    if (kind, "BAT-H6-AGM") in self.part_prices
                },
                "oil_change_only_median_total_by_shop_kind": {
                    kind: _median(totals) for kind, totals in sorted(self.oil_change_totals.items())
                },
            },
            "calendar": {
                "ros_on_christmas": self.holidays["christmas"],
                "ros_on_new_years_day": self.holidays["new_years_day"],
                "ros_on_thanksgiving": self.holidays["thanksgiving"],
            },
            "depots": {
                "depot_ros": c["depot_ros"],
                "depot_job_pay_types": dict(self.depot_pay.most_common()),
                "depot_ros_taxed": c["depot_ros_taxed"],
                "depot_ros_discounted": c["depot_ros_discounted"],
                "depot_ros_mentioning_loaners": c["depot_ros_offering_loaners"],
                "depots": len(self.depot_names),
                "depot_names": len(names),
                "largest_group_sharing_a_name": max(names.values(), default=0),
            },
            "comebacks": {
                "comebacks": c["comebacks"],
                "citing_in_jobs_and_notes": c["comebacks_citing_in_jobs_and_notes"],
                "citing_in_jobs_only": c["comebacks_citing_in_jobs_only"],
                "citing_in_notes_only": c["comebacks_citing_in_notes_only"],
                "not_citing": c["comebacks_not_citing"],
                "at_another_shop": c["comebacks_at_another_shop"],
                "ros_citing_another_shops_ro": c["ros_citing_another_shops_ro"],
                "tire_comeback_jobs": c["tire_comeback_jobs"],
                "tire_comebacks_with_four_tires": c["tire_comebacks_with_four_tires"],
            },
            "recalls": {
                "recall_jobs": c["recall_jobs"],
                "campaigns": len(self.campaign_makes),
                "recall_jobs_before_campaign_year": c["recall_jobs_before_campaign_year"],
                "campaigns_with_several_makes": sorted(
                    k for k, makes in self.campaign_makes.items() if len(makes) > 1
                ),
                "first_performed": dict(sorted(self.campaign_first.items())),
            },
        }


def _lines(result: dict[str, Any]) -> Iterator[str]:
    for section, measures in result.items():
        for name, value in measures.items():
            yield f"{section}.{name}: {json.dumps(value) if isinstance(value, dict | list) else value}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path, help="a dataset folder written by `sim run`")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    if not (args.dataset / "repair_orders").is_dir() or not (args.dataset / "truth" / "visits").is_dir():
        print(
            f"{args.dataset}: not a dataset folder (needs repair_orders/ and truth/visits/)", file=sys.stderr
        )
        return 2
    result = Audit(args.dataset).run(args.dataset)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print("\n".join(_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
