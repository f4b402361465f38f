"""Parameters the cleanup made unused, dropped from their function's signature and from
the calls that pass them."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import PositionProvider

from flaglint.fixes.settle.core import SettlerCore


class SignatureEdits(SettlerCore):
    """Unused parameters go from definitions, and their arguments from calls."""

    def _without_dropped_arguments(self, original_node: cst.Call, updated_node: cst.Call
                                   ) -> cst.Call:
        position = self._position(original_node)
        if position not in self.arguments:
            return updated_node
        return without_arguments(updated_node, self.arguments[position])

    def _without_unused_parameters(self, original_node: cst.FunctionDef,
                                   updated_node: cst.FunctionDef) -> cst.FunctionDef:
        if not self.parameters:
            return updated_node
        line = self.get_metadata(PositionProvider, original_node.name).start.line
        column = self.get_metadata(PositionProvider, original_node).start.column + 1
        names = self.parameters.get((line, column))
        if not names:
            return updated_node
        return updated_node.with_changes(params=without_parameters(updated_node.params, names))

def without_parameters(params: cst.Parameters, names: set[str]) -> cst.Parameters:
    """The signature without these parameters; when the last one went, the last one left
    ends as it did (no comma, or the trailing comma, and the line break before `)`)."""
    def keep(items: Sequence[cst.Param]) -> list[cst.Param]:
        return [p for p in items if p.name.value not in names]

    changed = params.with_changes(params=keep(params.params), kwonly_params=keep(
        params.kwonly_params), posonly_params=keep(params.posonly_params))
    old, new = last_param(params), last_param(changed)
    if old is None or new is None or new is old:
        return changed
    ending = new.with_changes(comma=old.comma, whitespace_after_param=old.whitespace_after_param)
    for group in ("kwonly_params", "params", "posonly_params"):
        items = list(getattr(changed, group))
        if items and items[-1] is new:
            return changed.with_changes(**{group: [*items[:-1], ending]})
    return changed


def last_param(params: cst.Parameters) -> cst.Param | None:
    """The parameter that ends the signature; None when `*args`, `**kwargs` or `/` does."""
    if params.star_kwarg is not None:
        return None
    if params.kwonly_params:
        return params.kwonly_params[-1]
    if isinstance(params.star_arg, (cst.Param, cst.ParamStar)):
        return None
    if params.params:
        return params.params[-1]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        return None
    return params.posonly_params[-1] if params.posonly_params else None


def without_arguments(call: cst.Call, drop: set[tuple[str, int]]) -> cst.Call:
    """The call without the arguments of these (name, position) parameters."""
    names = {name for name, _ in drop}
    positions = {index for _, index in drop if index >= 0}
    kept = []
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value in names:
            continue
        if arg.keyword is None and not arg.star and index in positions:
            continue
        kept.append(arg)
    if kept and call.args and kept[-1] is not call.args[-1]:
        # The last argument left ends as the last one did (its comma, the line break).
        last = call.args[-1]
        kept[-1] = kept[-1].with_changes(comma=last.comma,
                                         whitespace_after_arg=last.whitespace_after_arg)
    return call.with_changes(args=kept)
