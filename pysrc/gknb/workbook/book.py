"""One interface for reading and writing a workbook, whatever holds it.

A `Book` is a file opened with openpyxl (`workbook.xlsx.OpenpyxlBook`, the command line) or a
workbook open in Excel (`workbook.live.XlwingsBook`, the ribbon). Every operation that changes a
workbook — 校验 with marks, 清除标记, 填充合计, 生成说明文字, 已核实 — is written once over this
interface in `workbook.ops`; the adapters only move values, fills and notes.

Cells are addressed as (sheet, row, column), 1-based.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from gknb.workbook.contract import COLORS, Ref

SheetCell = tuple[str, int, int]  # (sheet, row, column), 1-based: a place (model.Cell is a value)
ColorSpec = tuple[
    str, Any, float
]  # (kind, value, tint) as openpyxl's Color: ("rgb", "00FFC7CE", 0.0)

_NO_COLOR: ColorSpec = ("rgb", "00000000", 0.0)


@dataclass(frozen=True)
class Fill:
    """A cell's fill, as the registry `_gknb` remembers it to restore on 清除标记.

    The same JSON for both adapters: a file marked by `gknb check --mark` can be cleared by the
    ribbon and the other way round."""

    pattern: str | None = None
    fg: ColorSpec | None = _NO_COLOR
    bg: ColorSpec | None = _NO_COLOR

    @classmethod
    def solid(cls, rgb: str) -> Fill:
        return cls("solid", ("rgb", "00" + rgb.upper()[-6:], 0.0), _NO_COLOR)

    @property
    def rgb(self) -> str | None:
        """RRGGBB of a solid fill given as RGB, else None (no fill, a pattern, a theme colour)."""
        fg = self.fg
        if self.pattern != "solid" or not fg or fg[0] != "rgb" or not isinstance(fg[1], str):
            return None
        return fg[1][-6:].upper()

    @property
    def is_mark(self) -> bool:
        """The fill is one of 校验's colours."""
        return self.rgb in COLORS.values()

    def to_json(self) -> str:
        def color(c: ColorSpec | None) -> list[Any] | None:
            return list(c) if c is not None else None

        return json.dumps({"p": self.pattern, "fg": color(self.fg), "bg": color(self.bg)})

    @classmethod
    def from_json(cls, text: object) -> Fill | None:
        """The registry's 原填充 cell; None when it cannot be read (edited by hand)."""
        try:
            data = json.loads(str(text))

            def color(v: Any) -> ColorSpec | None:
                if not v:
                    return None
                kind, value, tint = v
                return (str(kind), value, float(tint or 0.0))

            pattern = data["p"]
            if pattern is not None and not isinstance(pattern, str):
                return None
            return cls(pattern, color(data["fg"]), color(data["bg"]))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


NO_FILL = Fill()


@dataclass(frozen=True)
class Results:
    """The 校验结果 sheet's content: a title and one row per finding."""

    title: str
    rows: list[list[object]]
    links: list[SheetCell | None]  # per row: the cell column 单元格 links to
    levels: list[str | None]  # per row: the colour of column 级别 (None: settled, no colour)


class Book(Protocol):
    """A workbook to read and write; see the module docstring."""

    @property
    def source(self) -> str:
        """The workbook's path or name, as reports and messages show it."""

    def sheet_names(self) -> list[str]: ...

    def name_ref(self, name: str) -> Ref | None:
        """Where a workbook-level defined name points (None if absent); raises
        contract.BrokenName with a Chinese reason when the name is broken."""

    def read(self, ref: Ref) -> list[list[Any]]:
        """Values of a rectangle in one call (a formula gives its value, as in Excel)."""

    def last_row(self, sheet: str) -> int:
        """The last row of the sheet's used range (at least 1)."""

    def write(self, cells: Mapping[SheetCell, object]) -> None:
        """Write values; a string is always written as text, never as a formula."""

    def fills(self, cells: Iterable[SheetCell]) -> dict[SheetCell, Fill | None]:
        """Each cell's fill; None where the engine cannot read it."""

    def set_fills(self, fills: Mapping[SheetCell, Fill]) -> None: ...

    def notes(self, sheet: str) -> dict[tuple[int, int], str | None]:
        """Every note (comment) on the sheet by (row, column); None where a note exists but
        the engine cannot read its text."""

    def set_notes(self, notes: Mapping[SheetCell, str | None]) -> None:
        """Set or (None) remove notes."""

    def ensure_sheet(self, name: str, header: list[list[object]], hidden: bool = False) -> bool:
        """Add the sheet at the end with the header rows if it is missing; True if added."""

    def write_results(self, results: Results) -> None:
        """Rewrite the 校验结果 sheet (adding it if missing) from row 3 down."""

    def save(self) -> None:
        """Make the changes permanent where the adapter does (a file); a live book is saved by
        the clerk."""
