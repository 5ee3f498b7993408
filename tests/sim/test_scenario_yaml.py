import pytest

from sim.scenario_yaml import ScenarioYamlError, parse_yaml


@pytest.mark.parametrize(
    ("text", "key", "first", "second"),
    [
        ("name: a\nseed: 1\nname: b\n", "name", "line 1, column 1", "line 3, column 1"),
        (
            "world:\n  regions:\n    - id: r1\n      shops:\n"
            "        independents: 1\n        independents: 2\n",
            "world.regions.0.shops.independents",
            "line 5, column 9",
            "line 6, column 9",
        ),
        ("{a: 1, b: {c: 2, c: 3}}", "b.c", "line 1, column 12", "line 1, column 18"),
    ],
)
def test_a_repeated_key_names_its_path_and_both_places(text, key, first, second):
    with pytest.raises(ScenarioYamlError) as caught:
        parse_yaml(text)
    assert str(caught.value) == f"duplicate key {key} at {first} and at {second}"


def test_keys_that_read_as_the_same_value_are_repeated_keys():
    with pytest.raises(ScenarioYamlError, match="duplicate key 1 at line 1"):
        parse_yaml("1: a\n0x1: b\n")


def test_a_merged_key_may_be_overridden():
    text = "base: &base {independents: 1, quick_lubes: 2}\nshops:\n  <<: *base\n  independents: 3\n"
    assert parse_yaml(text)["shops"] == {"independents": 3, "quick_lubes": 2}


def test_dates_stay_the_text_the_user_wrote():
    assert parse_yaml("start: 2024-02-30\nend: !!timestamp 2024-01-01\n") == {
        "start": "2024-02-30",
        "end": "2024-01-01",
    }


@pytest.mark.parametrize("text", ["a: [unclosed\n", "[" * 5000 + "]" * 5000])
def test_malformed_yaml_is_one_error(text):
    with pytest.raises(ScenarioYamlError, match="not valid YAML"):
        parse_yaml(text)


def test_an_empty_document_is_none():
    assert parse_yaml("# nothing\n") is None


def test_aliases_that_expand_beyond_the_limit_are_refused():
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 4)]
    assert len(parse_yaml("\n".join(lines))["a3"]) == 10  # a3 alone stands for 11,111 values
    lines.append(f"a4: [{', '.join(['*a3'] * 10)}]")
    with pytest.raises(ScenarioYamlError, match="aliases expand to 123,4[0-9,]+ values; at most 100,000"):
        parse_yaml("\n".join(lines))


def test_a_structure_that_contains_itself_is_counted_once():
    data = parse_yaml("a: &a {b: *a}")
    assert data["a"]["b"] is data["a"]
