"""`flaglint graph`: the flag graph as GraphML, DOT or node-link JSON."""

from __future__ import annotations

import json
from typing import TextIO

from flaglint.model.graph import FlagGraph

_BLOCK = 1 << 16


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_graph(graph: FlagGraph, fmt: str, stream: TextIO) -> None:
    import networkx

    plain = graph.export()
    if fmt == "graphml":
        for line in networkx.generate_graphml(plain):
            stream.write(line + "\n")
    elif fmt == "dot":
        stream.write("digraph flaglint {\n  rankdir=LR;\n")
        for node, data in plain.nodes(data=True):
            shape = {"flag": "box", "file": "note"}.get(data.get("kind", ""), "ellipse")
            stream.write(f"  {_dot_id(node)} [shape={shape}];\n")
        for source, target, data in plain.edges(data=True):
            stream.write(f"  {_dot_id(source)} -> {_dot_id(target)} "
                         f"[label={_dot_id(data['kind'])}];\n")
        stream.write("}\n")
    else:
        try:
            data = networkx.node_link_data(plain, edges="links")
        except TypeError:  # networkx < 3.4 names the argument `link`
            data = networkx.node_link_data(plain, link="links")
        # Made at once and written in blocks: json.dump's many small writes cost twice as
        # much, and one write of it all would not notice a reader that went away.
        text = json.dumps(data, indent=2, sort_keys=True) + "\n"
        for start in range(0, len(text), _BLOCK):
            stream.write(text[start:start + _BLOCK])
