import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from world.seeding import Seeds

names = st.text(min_size=1, max_size=12)
parts = st.one_of(names, st.integers(min_value=0, max_value=2**32 - 1))


@given(seed=st.integers(min_value=0, max_value=2**63), path=st.lists(parts, min_size=1, max_size=4))
def test_a_stream_depends_only_on_seed_and_path(seed, path):
    first = Seeds(seed).rng(*path).integers(0, 2**62, 4)
    second = Seeds(seed).rng(*path).integers(0, 2**62, 4)
    assert first.tolist() == second.tolist()


@given(path=st.lists(parts, min_size=1, max_size=3))
def test_child_namespaces_compose(path):
    head, *tail = path
    assert Seeds(7).child(head).integer(*tail) == Seeds(7).integer(*path)


def test_different_names_seeds_and_order_give_different_streams():
    base = Seeds(1).integer("shard", "a", "wear")
    assert Seeds(2).integer("shard", "a", "wear") != base
    assert Seeds(1).integer("shard", "b", "wear") != base
    assert Seeds(1).integer("wear", "a", "shard") != base


def test_a_name_never_collides_with_a_small_integer():
    assert Seeds(3).integer(5) != Seeds(3).integer("5")


def test_py_random_is_private_and_reproducible():
    first = Seeds(11).py_random("export")
    second = Seeds(11).py_random("export")
    assert [first.random() for _ in range(3)] == [second.random() for _ in range(3)]


def test_streams_do_not_depend_on_the_process_hash_seed():
    code = "from world.seeding import Seeds; print(Seeds(5).integer('shard', 'metro/0', 'wear'))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize("bad", [-1, 2**32])
def test_out_of_range_path_integers_are_refused(bad):
    with pytest.raises(ValueError):
        Seeds(1).integer(bad)


def test_negative_seed_is_refused():
    with pytest.raises(ValueError):
        Seeds(-1)
