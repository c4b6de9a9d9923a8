"""Building a rule's finding about one number cell (its labels come from the format)."""

from __future__ import annotations

from typing import Any

from gknb.formats import Key
from gknb.model import Finding, Report, Severity


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
        table=fmt.table_title(key[0]),
        row=fmt.row_label(key),
        column=fmt.col_label(key),
        cell=report.locations.get(key),
        expected=expected,
        found=found,
        message=message,
        keys=(key, *[k for k in keys if k != key]),
    )
