"""R14: a consolidated report's figures are not below the sum of its units' (the pure check;
`gknb.review.rollup` reads the plan that says which report consolidates which)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gknb.formats import FORMATS, Format, Key
from gknb.formats.base import T3_NEW, T4_PARTS, T4_TOTAL
from gknb.model import Severity, Unit
from gknb.text import fmt_num


def rollup_keys(fmt: Format) -> tuple[Key, ...]:
    """The figures a consolidated report must not have below its units' sum: table 三's
    本年新收 (every column) and table 四's totals."""
    return (
        *(fmt.t3(T3_NEW, c.id) for c in fmt.block("T3").cols),
        *(fmt.t4(part, T4_TOTAL) for part in T4_PARTS),
    )


def _value(report: Unit, key: Key) -> int | float | None:
    fmt = FORMATS[report.version]
    if report.values is None or not fmt.has_block(key[0]):
        return None
    return report.values[list(fmt.keys()).index(key)]


def findings(parent: Unit, units: Sequence[Unit]) -> tuple[list[dict[str, Any]], list[str]]:
    """R14 findings for the parent (as JSON-shaped dicts) and notes about units left out."""
    notes = [f"下级 {u.display} 无法读取，未计入汇总对照" for u in units if u.values is None]
    readable = [u for u in units if u.values is not None]
    result: list[dict[str, Any]] = []
    if parent.values is None or not readable:
        return result, notes
    fmt = FORMATS[parent.version]
    for key in rollup_keys(fmt):
        own = _value(parent, key)
        parts = [(u, _value(u, key)) for u in readable]
        if own is None or any(v is None for _, v in parts):
            continue
        total = sum(v or 0 for _, v in parts)
        if own >= total:
            continue
        listing = "、".join(f"{u.display} {fmt_num(v)}" for u, v in parts)
        where = (
            f"{fmt.row_label(key)}「{fmt.col_label(key)}」"
            if key[0] == "T3"
            else f"「{fmt.col_label(key)}」"
        )
        result.append(
            {
                "rule": "R14",
                "severity": Severity.WARNING.value,
                "table": fmt.table_title(key[0]),
                "row": fmt.row_label(key),
                "column": fmt.col_label(key),
                "cell": None,
                "expected": f"≥ {fmt_num(total)}",
                "found": own,
                "message": (
                    f"汇总报告的{where}为 {fmt_num(own)}，少于下级单位之和 {fmt_num(total)}"
                    f"（{listing}）。汇总报告应包含下级单位的数字，请核对。"
                ),
            }
        )
    return result, notes
