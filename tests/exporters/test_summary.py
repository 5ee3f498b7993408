from collections import Counter

import orjson

from exporters.config import ExportConfig
from exporters.summary import ShardSummary, merge_summaries
from tests.exporters.dataset_factory import write_shard


def test_summaries_count_what_was_written(tmp_path):
    result = write_shard(tmp_path, 0, 150, ExportConfig(narrative_pii_rate=0.3))
    merged = merge_summaries([result.summary])
    assert merged["ro_count"] == 150
    assert sum(merged["ros_by_shop_kind"].values()) == 150
    assert sum(count for _, count in merged["jobs_per_ro"]) == 150
    assert sum(visits * count for visits, count in merged["visits_per_vin"]) == 150
    spans = (tmp_path / "pii_spans/part-00000.jsonl").read_bytes().count(b"\n")
    assert sum(merged["pii_spans_by_type"].values()) == spans
    assert 0 <= merged["comeback_rate"] <= 1


def test_summaries_match_a_recount_of_the_written_ros_and_truth(tmp_path):
    result = write_shard(tmp_path, 1, 200, ExportConfig(narrative_pii_rate=0.3, coupon_rate=0.5))
    merged = merge_summaries([result.summary])
    ros = [
        orjson.loads(line) for line in (tmp_path / "repair_orders/part-00001.jsonl").read_bytes().splitlines()
    ]
    truth = [
        orjson.loads(line) for line in (tmp_path / "truth/visits/part-00001.jsonl").read_bytes().splitlines()
    ]

    def counted(values):
        return dict(sorted(Counter(values).items()))

    assert merged["ros_by_shop_kind"] == counted(ro["shop"]["kind"] for ro in ros)
    assert merged["ros_by_pay_type"] == counted(
        pay_type for ro in ros for pay_type in {job["pay_type"] for job in ro["jobs"]}
    )
    assert merged["jobs_by_pay_type"] == counted(job["pay_type"] for ro in ros for job in ro["jobs"])
    assert merged["jobs_by_kind"] == counted(job["kind"] for row in truth for job in row["jobs"])
    assert merged["ros_by_visit_kind"] == counted(row["visit_kind"] for row in truth)
    assert merged["ros_by_archetype"] == counted(row["archetype"] for row in truth)
    assert merged["jobs_per_ro"] == sorted([k, v] for k, v in Counter(len(ro["jobs"]) for ro in ros).items())
    assert merged["pay_split_cents"] == {
        pay_type: sum(int(ro["totals"][f"{pay_type}_pay"].replace(".", "")) for ro in ros)
        for pay_type in ("customer", "internal", "warranty")
    }
    assert sum(merged["discounted_ros"].values()) == sum(ro["totals"]["discount"] != "0.00" for ro in ros)


def test_merging_adds_counts_and_histograms_in_shard_order():
    first = ShardSummary(
        ro_count=3,
        ros_by_visit_kind=Counter(maintenance=2, comeback=1),
        visits_per_vin=Counter({1: 1, 2: 1}),
        visits_per_customer=Counter({3: 1}),
        customers_by_phone=Counter({"+16145550101": 1, "+16145550102": 1}),
    )
    second = ShardSummary(
        ro_count=1,
        ros_by_visit_kind=Counter(failure=1),
        visits_per_vin=Counter({1: 1}),
        visits_per_customer=Counter({1: 1}),
        customers_by_phone=Counter({"+16145550101": 2}),
    )
    merged = merge_summaries([first, second])
    assert merged["ro_count"] == 4
    assert merged["ros_by_visit_kind"] == {"comeback": 1, "failure": 1, "maintenance": 2}
    assert merged["visits_per_vin"] == [[1, 2], [2, 1]]
    assert merged["repeat_vin_share"] == round(1 / 3, 6)
    assert merged["repeat_customer_share"] == 0.5
    assert merged["comeback_rate"] == 0.25
    assert merged["phones"] == {
        "customers": 4,
        "distinct_numbers": 2,
        "customers_sharing_a_number": 3,
        "sharing_share": 0.75,
    }
