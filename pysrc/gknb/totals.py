"""填充合计: compute every total cell from the input cells."""

from __future__ import annotations

from dataclasses import dataclass

from gknb.formats import Format, Key
from gknb.model import Issue, Report, ReportKind


@dataclass(frozen=True)
class TotalChange:
    key: Key
    old: object  # what the cell holds now (raw)
    new: int | float | None  # None: cannot be computed (an input cell is unusable)
    blocked_by: tuple[Key, ...] = ()

    @property
    def changed(self) -> bool:
        return self.new is not None and not (
            isinstance(self.old, int | float) and not isinstance(self.old, bool)
            and self.old == self.new
        )  # fmt: skip


def total_addends(fmt: Format, key: Key) -> tuple[Key, ...]:
    """The input cells a total adds up (never other totals)."""
    return fmt.total_formulas()[key]


def blank_totals(report: Report) -> list[Key]:
    """Total cells of a template workbook still blank, as before the first 填充合计.

    Only template workbooks: a clerk fills their totals with one click. In a published report
    (or an agency's own workbook) a blank total is what was published, and stays a finding."""
    if report.kind is not ReportKind.WORKBOOK or not report.locations:
        return []
    return [
        key
        for key in report.format.total_keys()
        if (cell := report.cells.get(key)) is not None and cell.issue is Issue.BLANK
    ]


def compute_totals(report: Report) -> list[TotalChange]:
    """Every total of the report's format, in format order. Totals are computed from input
    cells only (never from other totals), so the order of evaluation does not matter."""
    changes: list[TotalChange] = []
    for key in report.format.total_keys():
        addends = total_addends(report.format, key)
        bad = tuple(a for a in addends if report.value(a) is None)
        cell = report.cells.get(key)
        old = None if cell is None else cell.raw
        if bad:
            changes.append(TotalChange(key, old, None, bad))
            continue
        new = sum(report.value(a) or 0 for a in addends)
        if isinstance(new, float) and new.is_integer():
            new = int(new)
        changes.append(TotalChange(key, old, new))
    return changes
