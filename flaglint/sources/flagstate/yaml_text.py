"""YAML exports read with PyYAML, composed into plain data with where each value is written
(`document.py` reads JSON, and calls this only for YAML: PyYAML's import is ~10 ms)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from flaglint.sources.flagstate.model import At, FlagStateError


class _JsonLikeLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML has no stubs here
    """SafeLoader with YAML 1.2's booleans and no timestamps (strings, as in JSON)."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_JsonLikeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


def yaml_document(text: str, shown: str) -> tuple[Any, dict[At, tuple[int, int]]]:
    """The data of a YAML text, and where each value is written (line, column)."""
    loader = _JsonLikeLoader(text)
    try:
        node = loader.get_single_node()
        positions: dict[At, tuple[int, int]] = {}
        data = None if node is None else _from_node(loader, node, (), positions)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise FlagStateError(shown, line, f"not YAML: {problem}") from None
    finally:
        loader.dispose()
    if node is not None:
        positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return data, positions


def _from_node(loader: _JsonLikeLoader, node: yaml.Node, at: At,
               positions: dict[At, tuple[int, int]]) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # `<<` merge keys
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node, deep=True))
            member = (*at, key)
            positions[member] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            mapping[key] = _from_node(loader, value_node, member, positions)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            place = (*at, index)
            positions[place] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_from_node(loader, item, place, positions))
        return items
    return loader.construct_object(node, deep=True)
