"""Checks across the whole document: expressions, formula cycles, comparability keys, coverage.

They run on what consistency.py gathered (`Found`): the indicators with their parsed expressions
and the recommendations. When part of the document could not be read (`incomplete`), references
into it and the coverage of recommendations are not judged: they would only repeat that problem.
"""

from __future__ import annotations

from audit.frameworks import expr
from audit.frameworks.spec.consistency import Found, Ind
from audit.frameworks.spec.graph import formula_order
from audit.frameworks.spec.places import Report, Where, is_number
from audit.frameworks.spec.terms import NUMERIC_TYPES, TYPE_LEVELS, is_scored


def check(found: Found, report: Report) -> None:
    """Add the problems across the document to the report."""
    _CrossChecks(found, report).run()


class _CrossChecks:
    def __init__(self, found: Found, report: Report) -> None:
        self.report = report
        self.add = report.add
        self.indicators = found.indicators
        self.by_code = found.by_code
        self.recommendations = found.recommendations
        self.incomplete = found.incomplete

    def run(self) -> None:
        for ind in self.indicators:
            for kind, where, node in ind.expressions:
                self.check_references(ind, kind, where, node)
        self.check_formula_cycles()
        self.check_comparability_keys()
        self.check_unlinked()
        self.check_coverage()

    def check_references(self, ind: Ind, kind: str, where: Where, node: expr.Node) -> None:
        if kind == "formula" and (
            isinstance(node, expr.Compare | expr.Logic | expr.Not)
            or (isinstance(node, expr.Const) and not is_number(node.value))
        ):
            self.add(where, "a formula must compute a number, not a condition or a text")
        for item in expr.walk(node):
            if isinstance(item, expr.Ref):
                self.check_ref(ind, kind, where, item)
            elif isinstance(item, expr.Compare):
                self.check_compare(where, item)
                if item.op in ("<", "<=", ">", ">="):
                    for side in (item.left, item.right):
                        self.check_number(where, side, "an ordering comparison", dates=True)
            elif isinstance(item, expr.Neg):
                self.check_number(where, item.operand, "arithmetic")
            elif isinstance(item, expr.Arith):
                for operand in (item.first, *(n for _, n in item.rest)):
                    self.check_number(where, operand, "arithmetic")

    def check_number(self, where: Where, node: expr.Node, use: str, dates: bool = False) -> None:
        """Arithmetic and ordering on a yes/no, choice or text answer could only give null."""
        if not isinstance(node, expr.Ref) or node.part is not None:
            return
        target = self.by_code.get(node.code)
        if target is None or target.type is None or target.type == "sex_table":
            return  # reported by check_ref
        if target.type in NUMERIC_TYPES or (dates and target.type == "date"):
            return
        self.add(
            where,
            f"{node.code} is a {target.type} question; {use} needs a number "
            "(a count, amount, percentage or sex-table part)",
        )

    def check_ref(self, ind: Ind, kind: str, where: Where, ref: expr.Ref) -> None:
        target = self.by_code.get(ref.code)
        if target is None:
            if not self.incomplete:
                self.add(where, f"refers to unknown indicator {ref.code}")
            return
        if kind == "skip_if":
            if target is ind:
                self.add(where, f"skip_if cannot refer to the indicator itself ({ref.code})")
            elif target.order > ind.order:
                self.add(
                    where,
                    f"skip_if refers to {ref.code}, which comes later; skip_if may "
                    "only use answers to earlier questions",
                )
        if target.type is None:
            return
        if ref.part is not None and target.type != "sex_table":
            self.add(
                where,
                f"{ref} is not valid: {ref.code} is a {target.type} question and "
                "parts such as .total exist only for sex tables",
            )
        elif ref.part is None and target.type == "sex_table":
            self.add(
                where,
                f"{ref.code} is a sex table; refer to a part such as "
                f"{ref.code}.total or {ref.code}.<row>.women",
            )
        elif ref.row is not None:
            rows = _codes(target.data.get("rows"))
            if ref.row not in rows:
                self.add(
                    where,
                    f"{ref.code} has no row {ref.row!r} (its rows: {', '.join(rows) or 'none'})",
                )

    def check_compare(self, where: Where, node: expr.Compare) -> None:
        if node.op in ("in", "not in"):
            right = node.right
            if not isinstance(right, expr.Ref) or right.part is not None:
                self.add(where, f"the right side of {node.op!r} must be a multi_choice answer")
                return
            target = self.by_code.get(right.code)
            if target is None or target.type is None:
                return
            if target.type != "multi_choice":
                self.add(
                    where,
                    f"{node.op!r} needs a multi_choice answer; {right.code} is a "
                    f"{target.type} question (compare it with ==)",
                )
                return
            if isinstance(node.left, expr.Const) and isinstance(node.left.value, str):
                options = _codes(target.data.get("options"))
                if options and node.left.value not in options:
                    self.add(
                        where,
                        f"{right.code} has no option {node.left.value!r} "
                        f"(its options: {', '.join(options)})",
                    )
            return
        if node.op not in ("==", "!="):
            return
        for ref, other in ((node.left, node.right), (node.right, node.left)):
            if not (isinstance(ref, expr.Ref) and ref.part is None):
                continue
            if not (isinstance(other, expr.Const) and isinstance(other.value, str)):
                continue
            target = self.by_code.get(ref.code)
            if target is None or target.type is None:
                continue
            if target.type == "multi_choice":
                self.add(
                    where,
                    f"{ref.code} is a multi_choice answer; test it with "
                    f"'{other.value}' in {ref.code}",
                )
                continue
            allowed = _allowed_values(target)
            if allowed is not None and other.value not in allowed:
                self.add(
                    where,
                    f"{ref.code} is never {other.value!r}; its answers are {', '.join(allowed)}",
                )

    def check_formula_cycles(self) -> None:
        formulas = {
            ind.code: expr.references(node)
            for ind in self.indicators
            if ind.code and ind.type == "percentage" and self.by_code.get(ind.code) is ind
            for kind, _, node in ind.expressions
            if kind == "formula"
        }
        _, cycles = formula_order(formulas)
        position = {code: i for i, code in enumerate(formulas)}  # document order
        starts = []
        for cycle in cycles:
            first = min(range(len(cycle)), key=lambda i: position[cycle[i]])
            starts.append(cycle[first:] + cycle[:first])  # told from its earliest formula
        for path in sorted(starts, key=lambda path: position[path[0]]):
            self.add(
                self.by_code[path[0]].place.key("formula"),
                f"formulas form a cycle: {' → '.join([*path, path[0]])}",
            )

    def check_comparability_keys(self) -> None:
        seen: dict[str, str] = {}
        for ind in self.indicators:
            if not ind.code or self.by_code.get(ind.code) is not ind:
                continue
            key = ind.data.get("comparability_key", ind.code)
            if not isinstance(key, str):
                continue
            if key in seen:
                self.add(
                    ind.place.key("comparability_key"),
                    f"comparability key {key!r} is also used by {seen[key]}",
                )
            else:
                seen[key] = ind.code

    def check_unlinked(self) -> None:
        for ind in self.indicators:
            if ind.type is None or not _raw_is_scored(ind):
                continue
            links = ind.data.get("links")
            if not isinstance(links, dict) or not (links.get("primary") or links.get("supporting")):
                self.add(
                    ind.place.key("links"),
                    "a scored indicator must link to at least one "
                    "recommendation (links: primary: [...])",
                )

    def check_coverage(self) -> None:
        if self.incomplete:
            return
        primary: dict[str, list[Ind]] = {}
        linked: dict[str, list[Ind]] = {}
        for ind in self.indicators:
            links = ind.data.get("links")
            if not isinstance(links, dict):
                continue
            for strength in ("primary", "supporting"):
                codes = links.get(strength)
                for code in codes if isinstance(codes, list) else ():
                    if isinstance(code, str):
                        linked.setdefault(code, []).append(ind)
                        if strength == "primary":
                            primary.setdefault(code, []).append(ind)
        for code, (where, level) in self.recommendations.items():
            if level != "unit":
                continue
            if not primary.get(code):
                self.add(
                    where,
                    f"unit-level recommendation {code} has no primary indicator; "
                    "link one, or mark it level: institution",
                )
            elif not any(i.type and _raw_is_scored(i) for i in linked.get(code, ())):
                names = ", ".join(i.code or "?" for i in primary[code])
                self.add(
                    where,
                    f"unit-level recommendation {code} is linked only to indicators "
                    f"that are not scored ({names}), so it can never get a status",
                )


def _codes(items: object) -> list[str]:
    if not isinstance(items, list):
        return []
    return [i["code"] for i in items if isinstance(i, dict) and isinstance(i.get("code"), str)]


def _allowed_values(ind: Ind) -> tuple[str, ...] | None:
    if ind.type == "yes_no":
        return ("yes", "no")
    if ind.type in TYPE_LEVELS:
        return TYPE_LEVELS[ind.type]
    if ind.type == "choice":
        # Without readable options there is nothing to compare with (reported elsewhere).
        return tuple(_codes(ind.data.get("options"))) or None
    return None


def _raw_is_scored(ind: Ind) -> bool:
    data = ind.data
    options = data.get("options")
    return is_scored(
        ind.type or "",
        has_target_or_bands="target" in data or "bands" in data,
        has_max_age="max_age_months" in data,
        has_option_scores=isinstance(options, list)
        and any(isinstance(o, dict) and "score" in o for o in options),
    )
