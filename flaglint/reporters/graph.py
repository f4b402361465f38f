"""`flaglint graph`: the flag graph as GraphML, DOT or node-link JSON."""

from __future__ import annotations

from typing import TextIO

from flaglint import jsontext
from flaglint.model.graph import FlagGraph


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
        jsontext.write(data, stream, sort_keys=True)
