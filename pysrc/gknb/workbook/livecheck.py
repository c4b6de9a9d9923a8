"""Live checks: conditional-format formulas that turn a cell red while its equation fails.

Generated from the format's equations (R1–R4), one rule per equation on its target cell (the
cell 校验 would mark), so Excel, WPS and LibreOffice show a wrong total the moment it is typed,
with macros or without. A rule fires only when

- every total cell of the equation and the target itself hold a number (a blank total has not
  been filled yet: no alarm while the clerk is still typing), and
- every cell of the equation is blank or a number (text such as “5件” is 校验's to explain), and
- the two sides' sums differ.

When a rule fires, 校验 reports an error (R1–R4) on the same cell, so the rule's red is the
error red of the marks: it never hides a milder mark, and 校验's note stays on the cell. 校验's
marks are cell fills, not rules, so rule priority and stopIfTrue do not arise between them; a
rule's fill shows over a cell fill only while the rule holds, and the dark red text tells the
live check from a mark that 校验 left (for example after the total was corrected).
Pure data (no openpyxl): the template builder applies it, the tests evaluate it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gknb.formats import Format, Key
from gknb.model import Severity
from gknb.workbook.contract import COLORS, a1, col_letter, template_locations
from gknb.workbook.marks import parse_address

FILL = COLORS[Severity.ERROR]  # the red of 校验's error marks
FONT_COLOR = "9C0006"  # dark red text on it, as Excel's own "light red fill with dark red text"


@dataclass(frozen=True)
class LiveCheck:
    rule: str  # R1–R4
    sheet: str
    cell: str  # A1 address of the target cell on that sheet
    formula: str  # conditional-format formula (no leading "="), absolute references only


def live_checks(fmt: Format) -> list[LiveCheck]:
    """One conditional-format rule per equation of the format, in equation order."""
    locations = {key: parse_address(address) for key, address in template_locations(fmt).items()}
    checks = []
    for eq in fmt.equations():
        sheets = {locations[k][0] for k in (*eq.lhs, *eq.rhs)}
        if len(sheets) != 1:  # a rule may only refer to its own sheet (Excel 2007)
            raise ValueError(f"{eq.rule} spans sheets {sorted(sheets)}")
        (sheet,) = sheets

        def refs(keys: Iterable[Key]) -> str:
            return _ranges({locations[k][1:] for k in keys})

        every = (*eq.lhs, *eq.rhs)
        filled = {k for k in every if fmt.is_total(k)} | {eq.target}
        formula = (
            f"AND(COUNT({refs(filled)})={len(filled)},"
            f"COUNTA({refs(every)})=COUNT({refs(every)}),"
            f"SUM({refs(eq.lhs)})<>SUM({refs(eq.rhs)}))"
        )
        _, row, col = locations[eq.target]
        checks.append(LiveCheck(eq.rule, sheet, a1(row, col), formula))
    return checks


def _ranges(cells: set[tuple[int, int]]) -> str:
    """Comma-separated absolute references covering the cells, fewest pieces of row or column
    runs (e.g. ``$D$6:$I$6`` or ``$J$8:$J$29,$J$31``)."""
    by_row = _runs(sorted(cells), across=True)
    by_col = _runs(sorted(cells, key=lambda rc: (rc[1], rc[0])), across=False)
    return ",".join(by_row if len(by_row) <= len(by_col) else by_col)


def _runs(cells: list[tuple[int, int]], across: bool) -> list[str]:
    runs: list[list[tuple[int, int]]] = []
    for cell in cells:
        if runs:
            row, col = runs[-1][-1]
            if cell == ((row, col + 1) if across else (row + 1, col)):
                runs[-1].append(cell)
                continue
        runs.append([cell])
    return [_ref(run[0]) if len(run) == 1 else f"{_ref(run[0])}:{_ref(run[-1])}" for run in runs]


def _ref(cell: tuple[int, int]) -> str:
    return f"${col_letter(cell[1])}${cell[0]}"
