"""The flag graph: flags, symbols and files, with DEFINES, READS and CALLS edges.

Rules ask it questions (`reads_of`, `calls_to`); they never touch the graph's store. The
store is an adjacency index kept as networkx's MultiDiGraph keeps its own (nodes, then each
node's successors, in the order they were added), so that answers come in the same order;
`export` hands it to networkx, for `flaglint graph` and any graph algorithm. A check asks
no algorithm, and does not pay networkx's import (~0.2 s) on every run.

The symbols and calls (the call graph) come from a function the graph calls the first time
it is asked about them: most runs never are, and never load them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flaglint.findings import Span
from flaglint.links.model import CodeDefinition, FlagRead, ResolvedCall, Symbol
from flaglint.sources.registry import FlagDecl


@dataclass(frozen=True, slots=True)
class CallGraph:
    symbols: tuple[Symbol, ...]
    calls: tuple[ResolvedCall, ...]
    unbound: tuple[tuple[str, str, Span], ...] = ()  # (path, name, span): `FileCalls.unbound`


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
    def __init__(self, declarations: Iterable[FlagDecl], definitions: Iterable[CodeDefinition],
                 reads: Iterable[FlagRead], call_graph: Callable[[], CallGraph]) -> None:
        self._declarations = tuple(declarations)
        self._definitions = tuple(definitions)
        self._call_graph_source = call_graph
        self._call_graph: CallGraph | None = None
        self._unresolved: list[FlagRead] = []
        self._reads: dict[str, list[FlagRead]] = {}
        self._flags: dict[str, None] = {}
        for decl in self._declarations:
            self._flags.setdefault(decl.key)
        for definition in self._definitions:
            self._flags.setdefault(definition.key)
        self._all_reads = tuple(reads)
        for read in self._all_reads:
            if read.key is None:
                self._unresolved.append(read)
            else:
                self._flags.setdefault(read.key)
                self._reads.setdefault(read.key, []).append(read)
        for found in self._reads.values():  # by path and span (compared as numbers: fast)
            found.sort(key=lambda r: (r.path, r.span.line, r.span.column, r.span.end_line,
                                      r.span.end_column))

    # -- questions ---------------------------------------------------------------------------

    def flags(self) -> list[str]:
        return sorted(self._flags)

    def reads_of(self, key: str) -> list[FlagRead]:
        return list(self._reads.get(key, ()))

    def reads(self) -> Iterator[FlagRead]:
        return (read for read in self._all_reads if read.key is not None)

    def unresolved_reads(self) -> list[FlagRead]:
        return list(self._unresolved)

    def call_graph(self) -> CallGraph:
        if self._call_graph is None:
            self._call_graph = self._call_graph_source()
        return self._call_graph

    def calls_to(self) -> dict[str, list[ResolvedCall]]:
        """Every function or class the project calls, with the calls (a recursive call of a
        symbol by itself not counted)."""
        calls: dict[str, list[ResolvedCall]] = {}
        for call in self.call_graph().calls:
            if call.caller != call.callee:
                calls.setdefault(call.callee, []).append(call)
        return calls

    def export(self) -> Any:
        """A plain networkx copy with string node names, for `flaglint graph`."""
        import networkx

        store = self._store()
        plain = networkx.MultiDiGraph()
        for (kind, name), data in store.node_items():
            plain.add_node(f"{kind}:{name}", **{k: str(v) for k, v in data.items()})
        for (k1, n1), (k2, n2), data in store.edges():
            attributes: dict[str, str | int] = {"kind": data["kind"].value}
            if "read" in data:
                attributes["path"] = data["read"].path
                attributes["line"] = data["read"].span.line
            elif "line" in data:
                attributes["line"] = data["line"]
            plain.add_edge(f"{k1}:{n1}", f"{k2}:{n2}", **attributes)
        return plain

    def _store(self) -> _Store:
        """Every node and edge, in the order networkx users see them."""
        store = _Store()
        for decl in self._declarations:
            store.add_node(flag_node(decl.key), kind="flag", key=decl.key,
                           status=decl.status.value)
            store.add_node(file_node(decl.path), kind="file", path=decl.path)
            store.add_edge(file_node(decl.path), flag_node(decl.key), kind=Edge.DEFINES,
                           line=decl.line)
        for definition in self._definitions:
            _add_flag(store, definition.key)
            _add_scope(store, definition.scope, definition.path)
            store.add_edge(symbol_node(definition.scope), flag_node(definition.key),
                           kind=Edge.DEFINES, definition=definition,
                           line=definition.span.line)
        call_graph = self.call_graph()
        for symbol in call_graph.symbols:
            store.add_node(symbol_node(symbol.qualname), kind=symbol.kind, path=symbol.path)
        for read in self._all_reads:
            if read.key is not None:
                _add_scope(store, read.scope, read.path)
                _add_flag(store, read.key)
                store.add_edge(symbol_node(read.scope), flag_node(read.key), kind=Edge.READS,
                               read=read)
        for call in call_graph.calls:
            _add_scope(store, call.caller, call.path)  # the module's own code, calling
            store.add_edge(symbol_node(call.caller), symbol_node(call.callee),
                           kind=Edge.CALLS, call=call)
        return store


def _add_flag(store: _Store, key: str) -> None:
    if flag_node(key) not in store:
        store.add_node(flag_node(key), kind="flag", key=key)


def _add_scope(store: _Store, scope: str, path: str) -> None:
    if symbol_node(scope) not in store:
        store.add_node(symbol_node(scope), kind="module", path=path)
