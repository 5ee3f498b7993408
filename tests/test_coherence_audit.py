"""The coherence audit on a hand-made dataset whose measures are known: citations, tire comebacks,
recall timing and makes, oil text against the part, holidays, tow-ins on maintenance jobs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.coherence_audit import thanksgiving

ROOT = Path(__file__).resolve().parent.parent


def _ro(number, opened, jobs, labor, parts=(), notes="", shop="OH001", make="Ford", model="F-150", year=2019):
    return {
        "ro_number": number,
        "shop": {
            "shop_id": shop,
            "name": "Metro Ford",
            "kind": "dealer",
            "labor_rates": {"customer": "150.00"},
        },
        "opened_at": opened,
        "customer": {"kind": "individual"},
        "vehicle": {"vin": f"VIN{number}", "year": year, "make": make, "model": model, "odometer_in": 40_000},
        "jobs": [
            {"index": index, "pay_type": "customer", "complaint": text, "cause": "", "correction": ""}
            for index, text in enumerate(jobs, start=1)
        ],
        "labor": [
            {
                "index": index,
                "job_index": job,
                "op_code": code,
                "description": description,
                "technician_id": f"{shop}-T01",
                "hours": "1.0",
            }
            for index, (job, code, description) in enumerate(labor, start=1)
        ],
        "parts": [
            {
                "index": index,
                "labor_index": line,
                "part_number": number_,
                "description": description,
                "quantity": quantity,
                "unit_price": "10.00",
            }
            for index, (line, number_, description, quantity) in enumerate(parts, start=1)
        ],
        "notes": notes,
        "totals": {"total": "100.00", "tax": "0.00", "discount": "0.00"},
    }


def _visit(number, kind, jobs, comeback_of=None):
    return {
        "ro_number": number,
        "visit_kind": kind,
        "comeback_of": comeback_of,
        "jobs": [
            {"kind": k, "concern": concern, "recall_campaign": campaign} for k, concern, campaign in jobs
        ],
    }


def _dataset(folder: Path) -> Path:
    ros = [
        _ro(  # an oil change whose text names another grade, on Thanksgiving 2023
            "OH001-000001",
            "2023-11-23T09:00:00-05:00",
            ["Due for an oil change. Use 0W-20, 5 qt."],
            [(1, "LOF-STD", "Lube, oil and filter change")],
            [(1, "OIL-5W30-QT", "Motor oil 5W-30 (quart)", "5")],
        ),
        _ro(  # a tire comeback citing its RO in the job and the notes, with four new tires
            "OH001-000002",
            "2024-01-10T09:00:00-05:00",
            ["Vibration since the tires on RO OH001-000001."],
            [(1, "TIRE-RPL", "Mount and balance four tires")],
            [(1, "TIRE-AS-17", "Tire, all-season 17 inch", "4")],
            notes="Comeback, see RO OH001-000001.",
        ),
        _ro(  # a comeback at another shop that cites the first shop's RO
            "OH002-000001",
            "2024-02-01T09:00:00-05:00",
            ["Leak after the repair on RO OH001-000001."],
            [(1, "TIRE-PTCH", "Dismount tire, patch-plug puncture and rebalance")],
            shop="OH002",
        ),
        _ro(  # recalls: one performed before its campaign's year, one campaign on two makes
            "OH001-000003",
            "2022-05-01T09:00:00-04:00",
            ["Recall letter.", "Recall letter."],
            [(1, "RC-23V078", "Recall"), (2, "RC-22V456", "Recall")],
        ),
        _ro(
            "OH001-000004",
            "2023-05-01T09:00:00-04:00",
            ["Recall letter."],
            [(1, "RC-22V456", "Recall")],
            make="Chevrolet",
            model="Tahoe",
        ),
        _ro(  # maintenance: towing a camper is the owner's reason for the service, not a tow-in
            "OH001-000005",
            "2023-06-06T09:00:00-04:00",
            ["CUST ASKS FOR TRANS FLUID SVC - TOW A CAMPER", "Oil change, had it towed in."],
            [(1, "TRN-FLD", "Transmission fluid service"), (2, "LOF-STD", "Lube, oil and filter change")],
        ),
    ]
    visits = [
        _visit("OH001-000001", "maintenance", [("maintenance", "oil_change", None)]),
        _visit("OH001-000002", "comeback", [("comeback", "tires", None)], "OH001-000001"),
        _visit("OH002-000001", "comeback", [("comeback", "tires", None)], "OH001-000001"),
        _visit(
            "OH001-000003", "recall", [("recall", "23V-078", "23V-078"), ("recall", "22V-456", "22V-456")]
        ),
        _visit("OH001-000004", "recall", [("recall", "22V-456", "22V-456")]),
        _visit(
            "OH001-000005",
            "maintenance",
            [("maintenance", "transmission_fluid", None), ("maintenance", "oil_change", None)],
        ),
    ]
    for name, rows in (("repair_orders", ros), ("truth/visits", visits), ("truth/vehicles", [])):
        (folder / name).mkdir(parents=True)
        (folder / name / "part-00000.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    return folder


def test_the_audit_counts_what_the_dataset_holds(tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "coherence_audit.py"),
            str(_dataset(tmp_path)),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(completed.stdout)
    assert result["comebacks"] == {
        "comebacks": 2,
        "citing_in_jobs_and_notes": 1,
        "citing_in_jobs_only": 1,
        "citing_in_notes_only": 0,
        "not_citing": 0,
        "at_another_shop": 1,
        "ros_citing_another_shops_ro": 1,
        "tire_comeback_jobs": 2,
        "tire_comebacks_with_four_tires": 1,
    }
    recalls = result["recalls"]
    assert recalls["campaigns"] == 2
    assert recalls["recall_jobs_before_campaign_year"] == 1
    assert recalls["campaigns_with_several_makes"] == ["22V-456"]
    assert recalls["first_performed"] == {"22V-456": "2022-05-01", "23V-078": "2022-05-01"}
    oil = result["oil"]
    assert (oil["grade_in_text_differs_from_part"], oil["quarts_in_text_differ_from_part"]) == (1, 0)
    assert result["calendar"]["ros_on_thanksgiving"] == 1
    assert result["context"]["tow_sentences_on_maintenance_jobs"] == 1


def test_a_folder_without_ros_and_visits_is_refused(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "coherence_audit.py"), str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2 and "not a dataset folder" in completed.stderr


def test_thanksgiving_is_the_fourth_thursday_of_november():
    assert [thanksgiving(year).isoformat() for year in (2021, 2022, 2023, 2024)] == [
        "2021-11-25",
        "2022-11-24",
        "2023-11-23",
        "2024-11-28",
    ]
