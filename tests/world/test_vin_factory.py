import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from world.errors import UserError
from world.vin import vin_problem
from world.vin_factory import MAX_SHARDS, SERIALS_PER_PREFIX, VinFactory

MODELS = [
    ("Ford", "F-150"),
    ("Ford", "Transit"),
    ("Toyota", "Camry"),
    ("Honda", "Civic"),
    ("Chevrolet", "Silverado 1500"),
    ("Ram", "ProMaster"),
]
BUILD = ("Base", "test-2.0-i4")  # trim and engine code


@settings(max_examples=60, deadline=None)
@given(shard=st.integers(0, MAX_SHARDS - 1), model=st.sampled_from(MODELS), year=st.integers(1981, 2039))
def test_vins_are_valid_for_their_model_year(shard, model, year):
    factory = VinFactory(shard)
    for _ in range(3):
        vin = factory.vin(*model, year, *BUILD)
        assert vin_problem(vin, year) is None, vin


def test_vins_come_from_the_unassigned_g_block_with_one_wmi_per_make():
    factory = VinFactory(0)
    wmis = {make: {factory.vin(make, model, 2020, *BUILD)[:3] for _ in range(5)} for make, model in MODELS}
    assert all(vin_wmis == {next(iter(vin_wmis))} for vin_wmis in wmis.values())
    assert all(next(iter(vin_wmis)).startswith("G") for vin_wmis in wmis.values())
    assert wmis["Ford"] == {VinFactory(9).vin("Ford", "Mustang", 2001, *BUILD)[:3]}


def test_vds_depends_on_the_model_not_on_the_shard():
    assert (
        VinFactory(0).vin("Ford", "F-150", 2020, *BUILD)[3:8]
        == VinFactory(7).vin("Ford", "F-150", 2020, *BUILD)[3:8]
    )
    assert (
        VinFactory(0).vin("Ford", "F-150", 2020, *BUILD)[3:8]
        != VinFactory(0).vin("Ford", "Transit", 2020, *BUILD)[3:8]
    )


def test_vds_names_the_trim_in_position_7_and_the_engine_in_position_8():
    def vds(trim, engine):
        return {VinFactory(0).vin("Ford", "F-150", 2020, trim, engine)[3:8] for _ in range(3)}

    (base,) = vds("XL", "ford-3.3-v6-cyclone")
    trims = {
        vds(trim, "ford-3.3-v6-cyclone").pop() for trim in ("XL", "XLT", "Lariat", "Platinum", "King Ranch")
    }
    engines = {
        vds("XL", engine).pop()
        for engine in ("ford-3.3-v6-cyclone", "ford-2.7t-v6-ecoboost", "ford-5.0-v8-coyote")
    }
    assert {code[:3] for code in trims | engines} == {base[:3]}
    assert len({code[3] for code in trims}) > 1 and {code[4] for code in trims} == {base[4]}
    assert len({code[4] for code in engines}) > 1 and {code[3] for code in engines} == {base[3]}


def test_vins_are_unique_within_a_shard_and_across_shards():
    issued: list[str] = []
    for shard in (0, 1, 34, MAX_SHARDS - 1):
        factory = VinFactory(shard)
        issued += [
            factory.vin(make, model, year, *BUILD)
            for make, model in MODELS
            for year in (2009, 2010, 2024)
            for _ in range(40)
        ]
    assert len(set(issued)) == len(issued)


def test_one_model_year_can_outgrow_one_plant_without_repeating():
    factory = VinFactory(3)
    issued = [factory.vin("Ford", "Transit", 2021, *BUILD) for _ in range(SERIALS_PER_PREFIX + 500)]
    assert len(set(issued)) == len(issued)
    assert len({vin[10] for vin in issued}) == 2
    assert all(vin_problem(vin, 2021) is None for vin in issued[-600:])


def test_same_shard_same_sequence():
    first, second = VinFactory(5), VinFactory(5)
    assert [first.vin(*MODELS[0], 2015, *BUILD) for _ in range(10)] == [
        second.vin(*MODELS[0], 2015, *BUILD) for _ in range(10)
    ]


@pytest.mark.parametrize("shard", [-1, MAX_SHARDS])
def test_shard_index_outside_the_layout_is_a_user_error(shard):
    with pytest.raises(UserError, match="shard index"):
        VinFactory(shard)
