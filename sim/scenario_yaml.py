"""Scenario text -> plain data, read strictly: the same reading for a file and for a ``--set`` value.

PyYAML's ``safe_load`` lets the last of two equal keys win silently and turns ``2024-02-30`` into
a ``ValueError`` deep in its constructor; here a repeated key is an error naming both lines, and
dates stay the text the user wrote, so that the scenario model parses them and reports an
impossible one under its key path like any other bad value.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

# Aliases let a few bytes stand for exponentially many values ("billion laughs"), each of which the
# model would validate; a scenario is a few hundred values.
MAX_VALUES = 100_000
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class ScenarioYamlError(ValueError):
    """Scenario text that is not a YAML document roworld accepts; the message says where."""

    def __init__(self, message: str, key_path: str | None = None) -> None:
        super().__init__(message)
        self.key_path = key_path


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps and with repeated mapping keys refused."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.key_paths: dict[int, str] = {}

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Keys merged in with ``<<`` may be overridden by the mapping's own keys (YAML's merge
        # rule); only the keys written in this mapping must differ.
        first_marks: dict[Any, str] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=True)
            mark = key_node.start_mark
            here = f"line {mark.line + 1}, column {mark.column + 1}"
            try:
                first = first_marks.get(key)
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if first is not None:
                path = f"{self.key_paths.get(id(node), '')}{key}"
                raise ScenarioYamlError(f"duplicate key {path} at {first} and at {here}", key_path=path)
            first_marks[key] = here
        return super().construct_mapping(node, deep=deep)


# An explicit ``!!timestamp`` is kept as text too: the model parses dates.
_Loader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)


def _record_paths(node: Node, prefix: str, paths: dict[int, str], seen: set[int]) -> None:
    """Map every mapping node to the key path prefix of its keys (the first path an alias reaches)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        paths[id(node)] = prefix
        for key_node, value_node in node.value:
            name = key_node.value if not isinstance(key_node.value, list) else "?"
            _record_paths(value_node, f"{prefix}{name}.", paths, seen)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _record_paths(item, f"{prefix}{index}.", paths, seen)


def _expanded_size(node: Node, sizes: dict[int, int]) -> int:
    """How many values ``node`` stands for once its aliases are expanded (memoised per node)."""
    size = sizes.get(id(node))
    if size is None:
        sizes[id(node)] = 1  # a node that contains itself counts once
        if isinstance(node, MappingNode):
            size = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
        elif isinstance(node, SequenceNode):
            size = 1 + sum(_expanded_size(item, sizes) for item in node.value)
        else:
            size = 1
        sizes[id(node)] = size
    return size


def parse_yaml(text: str) -> Any:
    """The data of one YAML document; ``ScenarioYamlError`` when it is not valid or repeats a key."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        size = _expanded_size(node, {})
        if size > MAX_VALUES:
            raise ScenarioYamlError(f"its aliases expand to {size:,} values; at most {MAX_VALUES:,}")
        _record_paths(node, "", loader.key_paths, set())
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise ScenarioYamlError(f"not valid YAML: {error}") from None
    except RecursionError:
        raise ScenarioYamlError("not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()
