"""Helpers shared by the rule modules: naming cells and building findings."""

from __future__ import annotations

from typing import Any

from gknb.formats import TABLE_TITLES, Format, Key
from gknb.model import Finding, Report, Severity


def table_title(fmt: Format, block_id: str) -> str:
    return TABLE_TITLES[fmt.block(block_id).table]


def row_label(fmt: Format, key: Key) -> str:
    block = fmt.block(key[0])
    row = block.row(key[1])
    if block.title:
        return f"{block.title} {row.label}"
    if row.group:
        return f"{row.group} {row.label}"
    return row.label


def col_label(fmt: Format, key: Key) -> str:
    col = fmt.block(key[0]).col(key[2])
    parts = [p for p in (col.section, col.group) if p]
    if parts and parts[-1] == col.label:
        parts.pop()
    return "·".join([*dict.fromkeys(parts), col.label])


def where(fmt: Format, key: Key) -> str:
    """Human name of a cell: 「（七）总计」行「自然人」列."""
    row, col = row_label(fmt, key), col_label(fmt, key)
    return f"「{row}」行「{col}」列" if row else f"「{col}」"


def fmt_num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.15g}" if abs(value) < 1e15 else str(value)
    return str(value)


def cell_finding(
    report: Report,
    rule: str,
    severity: Severity,
    key: Key,
    expected: Any,
    found: Any,
    message: str,
    keys: tuple[Key, ...] = (),
) -> Finding:
    fmt = report.format
    return Finding(
        rule=rule,
        severity=severity,
        table=table_title(fmt, key[0]),
        row=row_label(fmt, key),
        column=col_label(fmt, key),
        cell=report.locations.get(key),
        expected=expected,
        found=found,
        message=message,
        keys=(key, *[k for k in keys if k != key]),
    )
