"""Per-shop customer records: made once and kept, independent of visit order, varied at catalog rates."""

from __future__ import annotations

import random
from dataclasses import replace

from world.identity import EMAIL_DOMAINS, FIRST_NAMES
from world.seeding import Seeds
from world.shop_records import ShopRecords, account_name, recording_habits, typo
from world.visit import Address, CustomerSnapshot

HOME = Address(line1="418 Elm Street", city="Columbus", state="OH", postal_code="43215")
SHOPS = ("OH001", "OH002", "OH003")


def person(number: int, name: str = "William Walker") -> CustomerSnapshot:
    return CustomerSnapshot(
        customer_uuid=f"00000000-0000-4000-8000-{number:012d}",
        kind="individual",
        name=name,
        contact_name=None,
        phone="+16145550142",
        email="william.walker@example.com",
        address=HOME,
        discount_bp=0,
    )


def fleet_account(number: int) -> CustomerSnapshot:
    return replace(person(number, "Tri-County Property Management LLC"), kind="fleet", contact_name="Ann Lee")


def records(typo_rate: float = 0.03, seed: int = 42) -> ShopRecords:
    return ShopRecords(Seeds(seed).child("shard", "metro/0"), typo_rate)


def test_a_shop_keeps_one_record_per_person_and_each_shop_its_own():
    shops = records()
    first = shops.snapshot("OH001", 7, person(7), True)
    assert shops.snapshot("OH001", 7, person(7), True) == first
    others = {shops.snapshot(shop, 7, person(7), True).customer_uuid for shop in SHOPS}
    assert len(others) == len(SHOPS)
    assert first.customer_uuid != person(7).customer_uuid


def test_records_do_not_depend_on_the_order_shops_see_people():
    forward, backward = records(), records()
    pairs = [(shop, key) for shop in SHOPS for key in range(1, 60)]
    ahead = {pair: forward.snapshot(*pair, person(pair[1]), True) for pair in pairs}
    behind = {pair: backward.snapshot(*pair, person(pair[1]), True) for pair in reversed(pairs)}
    assert ahead == behind
    assert forward.truth() == backward.truth()


def test_the_name_stays_but_a_record_not_updated_keeps_the_old_phone():
    shops = records()
    moved = replace(person(1), phone="+16145550199", address=replace(HOME, line1="9 Oak Lane"))
    kept, updated = [], []
    for key in range(1, 200):
        before = shops.snapshot("OH001", key, person(key), True)
        after = shops.snapshot("OH001", key, moved, True)
        assert after.name == before.name and after.customer_uuid == before.customer_uuid
        assert after.address.line1.startswith("9 Oak Lane")
        (kept if after.phone == person(key).phone else updated).append(key)
    assert kept and updated
    old_phone = {row.person_id for row in shops.truth() if "old_phone" in row.variations}
    assert old_phone == {person(key).customer_uuid for key in kept}


def test_variations_follow_the_catalog_rates_and_the_typo_rate():
    shops = records(typo_rate=0.5)
    for key in range(1, 2001):
        shops.snapshot("OH001", key, person(key), True)
    rows = shops.truth()
    share = {
        variation: sum(variation in row.variations for row in rows) / len(rows)
        for variation in ("nickname", "middle_initial", "typo", "work_email")
    }
    habits = recording_habits()
    assert abs(share["nickname"] - habits.nickname_share.value) < 0.05
    assert abs(share["middle_initial"] - habits.middle_initial_share.value) < 0.05
    assert abs(share["work_email"] - habits.work_email_share.value) < 0.03
    assert abs(share["typo"] - 0.5) < 0.05
    names = {row.name for row in rows}
    assert any(name.startswith(("Bill ", "Will ")) for name in names)
    assert not any("typo" in row.variations for row in records(typo_rate=0.0).truth())


def test_records_use_only_reserved_email_domains_and_keep_the_apartment_or_leave_it_out():
    shops = records()
    snapshots = [shops.snapshot("OH002", key, person(key), True) for key in range(1, 400)]
    assert all(snapshot.email.endswith(EMAIL_DOMAINS) for snapshot in snapshots)
    rows = {row.person_id: row for row in shops.truth()}
    for key, snapshot in enumerate(snapshots, start=1):
        row = rows[person(key).customer_uuid]
        if row.apartment is None or "apartment_omitted" in row.variations:
            assert snapshot.address.line1 == HOME.line1
        else:
            assert snapshot.address.line1 == f"{HOME.line1} {row.apartment}"
    assert any(row.apartment for row in rows.values())


def test_only_records_on_exported_ros_are_in_the_truth():
    shops = records()
    shops.snapshot("OH001", 1, person(1), False)  # seen only in the warm-up
    shops.snapshot("OH001", 2, person(2), False)
    shops.snapshot("OH001", 2, person(2), True)
    assert [row.person_id for row in shops.truth()] == [person(2).customer_uuid]


def test_fleet_accounts_get_the_shops_spelling_and_an_account_id():
    shops = records()
    rows = []
    for shop in [f"OH{number:03d}" for number in range(1, 40)]:
        shops.snapshot(shop, 5, fleet_account(5), True)
    rows = shops.truth()
    assert {row.account_id for row in rows} == {fleet_account(5).customer_uuid}
    assert {row.person_id for row in rows} == {None}
    assert len({row.name for row in rows}) > 1
    assert "TRI-COUNTY PROP MGMT" in {row.name for row in rows}


def test_a_typo_changes_the_word_but_not_its_first_letter():
    rnd = random.Random(3)
    for word in ("Walker", "Li", "Ng", "Abernathy", "Oo"):
        for _ in range(50):
            slipped = typo(word, rnd)
            assert slipped != word and slipped[0] == word[0]


def test_account_name_styles():
    abbreviations = recording_habits().abbreviations
    name = "Harbor Delivery Services LLC"
    assert account_name(name, "as_given", abbreviations) == name
    assert account_name(name, "upper_case", abbreviations) == "HARBOR DELIVERY SERVICES LLC"
    assert account_name(name, "no_legal_form", abbreviations) == "Harbor Delivery Services"
    assert account_name(name, "abbreviated_upper", abbreviations) == "HARBOR DLVRY SVCS"


def test_every_nickname_is_for_a_first_name_people_are_given():
    assert set(recording_habits().nicknames) <= set(FIRST_NAMES)
