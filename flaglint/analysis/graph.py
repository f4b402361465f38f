"""The flag graph: flags, symbols and files, with DEFINES, READS and CALLS edges.

Rules ask it questions (`reads_of`, `calls_to`); they never touch the graph's store. The
store is an adjacency index kept as networkx's MultiDiGraph keeps its own (nodes, then each
node's successors, in the order they were added), so that answers come in the same order;
`export` hands it to networkx, for `flaglint graph` and any graph algorithm. A check asks
no algorithm, and does not pay networkx's import (~0.2 s) on every run.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flaglint.analysis.link import CodeDefinition, FlagRead, ResolvedCall


class Edge(enum.Enum):
    DEFINES = "defines"
    READS = "reads"
    CALLS = "calls"


def flag_node(key: str) -> tuple[str, str]:
    return ("flag", key)


def symbol_node(qualname: str) -> tuple[str, str]:
    return ("symbol", qualname)


def file_node(path: str) -> tuple[str, str]:
    return ("file", path)


Node = tuple[str, str]


class _Store:
    """The part of networkx's MultiDiGraph interface the flag graph uses, with its order."""

    def __init__(self) -> None:
        self._nodes: dict[Node, dict[str, Any]] = {}
        self._succ: dict[Node, dict[Node, list[dict[str, Any]]]] = {}
        self._pred: dict[Node, dict[Node, list[dict[str, Any]]]] = {}

    def __contains__(self, node: object) -> bool:
        return node in self._nodes

    def add_node(self, node: Node, **attributes: Any) -> None:
        if node not in self._nodes:
            self._nodes[node] = {}
            self._succ[node] = {}
            self._pred[node] = {}
        self._nodes[node].update(attributes)

    def add_edge(self, source: Node, target: Node, **data: Any) -> None:
        self.add_node(source)
        self.add_node(target)
        parallel = self._succ[source].setdefault(target, [])  # one list, seen from both ends
        parallel.append(data)
        self._pred[target][source] = parallel

    @property
    def nodes(self) -> Iterator[Node]:
        return iter(self._nodes)

    def node_items(self) -> Iterator[tuple[Node, dict[str, Any]]]:
        return iter(self._nodes.items())

    def edges(self) -> Iterator[tuple[Node, Node, dict[str, Any]]]:
        for source, targets in self._succ.items():
            for target, datas in targets.items():
                for data in datas:
                    yield source, target, data

    def in_edges(self, node: Node) -> Iterator[tuple[Node, Node, dict[str, Any]]]:
        for source, datas in self._pred.get(node, {}).items():
            for data in datas:
                yield source, node, data


class FlagGraph:
    def __init__(self) -> None:
        self._graph = _Store()
        self._unresolved: list[FlagRead] = []

    # -- building ---------------------------------------------------------------------------

    def add_flag(self, key: str, **attributes: Any) -> None:
        self._graph.add_node(flag_node(key), kind="flag", key=key, **attributes)

    def add_symbol(self, qualname: str, path: str, kind: str) -> None:
        self._graph.add_node(symbol_node(qualname), kind=kind, path=path)

    def add_read(self, read: FlagRead) -> None:
        if read.key is None:
            self._unresolved.append(read)
            return
        source = symbol_node(read.scope)
        if source not in self._graph:
            self._graph.add_node(source, kind="module", path=read.path)
        if flag_node(read.key) not in self._graph:
            self.add_flag(read.key)
        self._graph.add_edge(source, flag_node(read.key), kind=Edge.READS, read=read)

    def add_declaration(self, key: str, path: str, line: int) -> None:
        if flag_node(key) not in self._graph:
            self.add_flag(key)
        self._graph.add_node(file_node(path), kind="file", path=path)
        self._graph.add_edge(file_node(path), flag_node(key), kind=Edge.DEFINES, line=line)

    def add_definition(self, definition: CodeDefinition) -> None:
        if flag_node(definition.key) not in self._graph:
            self.add_flag(definition.key)
        source = symbol_node(definition.scope)
        if source not in self._graph:
            self._graph.add_node(source, kind="module", path=definition.path)
        self._graph.add_edge(source, flag_node(definition.key), kind=Edge.DEFINES,
                             definition=definition, line=definition.span.line)

    def add_call(self, call: ResolvedCall) -> None:
        self._graph.add_edge(symbol_node(call.caller), symbol_node(call.callee),
                             kind=Edge.CALLS, call=call)

    # -- questions ---------------------------------------------------------------------------

    def flags(self) -> list[str]:
        return sorted(key for kind, key in self._graph.nodes if kind == "flag")

    def reads_of(self, key: str) -> list[FlagRead]:
        node = flag_node(key)
        if node not in self._graph:
            return []
        reads = [data["read"] for _, _, data in self._graph.in_edges(node)
                 if data["kind"] is Edge.READS]
        return sorted(reads, key=lambda r: (r.path, r.span))

    def reads(self) -> Iterator[FlagRead]:
        for _, _, data in self._graph.edges():
            if data["kind"] is Edge.READS:
                yield data["read"]

    def unresolved_reads(self) -> list[FlagRead]:
        return list(self._unresolved)

    def calls_to(self) -> dict[str, list[ResolvedCall]]:
        """Every function or class the project calls, with the calls (a recursive call of a
        symbol by itself not counted)."""
        calls: dict[str, list[ResolvedCall]] = {}
        for _, (_, callee), data in self._graph.edges():
            if data["kind"] is Edge.CALLS:
                call = data["call"]
                if call.caller != call.callee:
                    calls.setdefault(callee, []).append(call)
        return calls

    def export(self) -> Any:
        """A plain networkx copy with string node names, for `flaglint graph`."""
        import networkx

        plain = networkx.MultiDiGraph()
        for (kind, name), data in self._graph.node_items():
            plain.add_node(f"{kind}:{name}", **{k: str(v) for k, v in data.items()})
        for (k1, n1), (k2, n2), data in self._graph.edges():
            attributes = {"kind": data["kind"].value}
            if "read" in data:
                attributes["path"] = data["read"].path
                attributes["line"] = str(data["read"].span.line)
            elif "line" in data:
                attributes["line"] = str(data["line"])
            plain.add_edge(f"{k1}:{n1}", f"{k2}:{n2}", **attributes)
        return plain

    def add_reads(self, reads: Iterable[FlagRead]) -> None:
        for read in reads:
            self.add_read(read)

    def add_calls(self, calls: Iterable[ResolvedCall]) -> None:
        for call in calls:
            self.add_call(call)
