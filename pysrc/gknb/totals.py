"""填充合计: compute every total cell from the input cells."""

from __future__ import annotations

from dataclasses import dataclass

from gknb.formats import Key
from gknb.model import Report


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


def compute_totals(report: Report) -> list[TotalChange]:
    """Every total of the report's format, in format order. Totals are computed from input
    cells only (never from other totals), so the order of evaluation does not matter."""
    formulas = report.format.total_formulas()
    changes: list[TotalChange] = []
    for key in report.format.total_keys():
        addends = formulas[key]
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
