from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import VIN_CHARS, make_vin
from world.vin import TRANSLITERATION, check_digit, model_year_code, vin_problem


def test_check_digit_of_published_examples():
    # The worked example of the NHTSA VIN decoder documentation, and the all-ones VIN.
    assert check_digit("1M8GDM9AXKP042788") == "X"
    assert check_digit("11111111111111111") == "1"


def test_model_year_codes_cycle_every_thirty_years_and_skip_ambiguous_characters():
    assert [model_year_code(year) for year in (1980, 1988, 2000, 2001, 2009, 2010, 2024, 2030, 2031)] == [
        "A",
        "J",
        "Y",
        "1",
        "9",
        "A",
        "R",
        "Y",
        "1",
    ]
    codes = {model_year_code(year) for year in range(1980, 2040)}
    assert not codes & set("IOQUZ0")
    assert len(codes) == 30


def test_valid_vin_has_no_problem():
    assert vin_problem(make_vin("9ZH1FC", 2019, "B004512"), 2019) is None
    assert vin_problem(make_vin("9ZG6MP", 2008, "9215570"), 2008) is None


def test_each_kind_of_invalid_vin_is_explained():
    vin = make_vin("9ZH1FC", 2019, "B004512")
    assert "17 characters" in vin_problem(vin[:16], 2019)
    assert "17 characters" in vin_problem(vin[:16] + "O", 2019)
    wrong_check = vin[:8] + ("0" if vin[8] != "0" else "1") + vin[9:]
    assert "check digit" in vin_problem(wrong_check, 2019)
    assert "model-year code" in vin_problem(vin, 2018)
    letter_at_7 = make_vin("9ZH1FC", 2012, "B004512")
    draft = letter_at_7[:9] + model_year_code(1982) + letter_at_7[10:]
    draft = draft[:8] + check_digit(draft) + draft[9:]
    assert "position 7" in vin_problem(draft, 1982)
    digit_at_7 = make_vin("9ZH1FC", 2008, "B004512")
    draft = digit_at_7[:9] + model_year_code(2012) + digit_at_7[10:]
    draft = draft[:8] + check_digit(draft) + draft[9:]
    assert "position 7" in vin_problem(draft, 2012)


@given(
    st.text(VIN_CHARS, min_size=6, max_size=6),
    st.integers(1981, 2039),
    st.text(VIN_CHARS, min_size=7, max_size=7),
    st.integers(0, 16),
    st.sampled_from(VIN_CHARS),
)
def test_changing_one_weighted_character_breaks_the_check_digit(prefix, year, serial, position, replacement):
    vin = make_vin(prefix, year, serial)
    assert vin_problem(vin, year) is None
    mutated = vin[:position] + replacement + vin[position + 1 :]
    # Weights 1..10 and value changes 1..9 are never multiples of the prime 11: the remainder moves.
    if position != 8 and TRANSLITERATION[replacement] != TRANSLITERATION[vin[position]]:
        assert check_digit(mutated) != mutated[8]
        assert vin_problem(mutated, year) is not None
