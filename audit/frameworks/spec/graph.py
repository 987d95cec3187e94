"""The order in which percentage formulas are computed, and the cycles that would prevent it.

One place for both questions, answered by the standard library's `graphlib`: validation reports
the cycles, and `Framework.formulas` computes each formula after the ones it uses.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from graphlib import CycleError, TopologicalSorter


def formula_order(needs: Mapping[str, Collection[str]]) -> tuple[list[str], list[list[str]]]:
    """Codes ordered so each comes after the codes it needs, and the cycles found among them.

    `needs` maps each formula's code to the codes its formula uses (codes that are not keys are
    plain answers and do not matter). Each cycle is listed in the direction of use, `a` needs `b`
    needs ... needs `a`, without repeating the first code. Codes on a cycle cannot be ordered:
    they come last, in the order `needs` lists them (only unvalidated data has cycles).
    """
    graph = {code: {n for n in uses if n in needs} for code, uses in needs.items()}
    cycles: list[list[str]] = []
    while True:
        try:
            order = list(TopologicalSorter(graph).static_order())
        except CycleError as error:
            # graphlib lists predecessors first (b before a when a needs b), closing the loop.
            cycle = list(reversed(error.args[1]))[:-1]
            cycles.append(cycle)
            graph = {code: uses - set(cycle) for code, uses in graph.items() if code not in cycle}
            continue
        ordered = set(order)
        return [*order, *(code for code in needs if code not in ordered)], cycles
