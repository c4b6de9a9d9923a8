"""A workbook open in Excel, in memory: the part of xlwings' object model the live adapter uses,
with Excel's semantics rather than a recording.

What Excel does and this does too: a value written with a leading ' is text without the ';
a string that looks like a number becomes a number, one starting with = a formula (only
HYPERLINK is evaluated: it shows its second argument); every number reads back as a float;
`clear_contents` keeps fills and notes; a range's colour reads None when its cells differ;
the used range does not shrink when contents are cleared; sheet names are case-insensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from gknb.workbook.live import cell_of  # A1 addresses are read as the adapter reads them

_HYPERLINK = re.compile(r'^=HYPERLINK\("(?:[^"]|"")*","((?:[^"]|"")*)"\)$')
_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")


def _rgb_text(color: Any) -> str | None:
    """Excel's colour from what xlwings accepts: (r, g, b), "#rrggbb" or None."""
    if color is None:
        return None
    if isinstance(color, str):
        return color.lstrip("#").upper()
    r, g, b = color
    return f"{r:02X}{g:02X}{b:02X}"


@dataclass
class CellState:
    value: Any = None  # what Value gives (a formula: its result)
    formula: str | None = None
    fill: str | None = None  # RRGGBB of a solid fill
    note: str | None = None
    wrap: bool = False  # Format Cells › Alignment › Wrap text


def excel_value(value: Any) -> tuple[Any, str | None]:
    """(value, formula) of what Excel stores when Range.Value is set to `value`."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, str):
        if value.startswith("'"):
            return (value[1:] or None), None
        if value.startswith("=") and len(value) > 1:
            m = _HYPERLINK.match(value)
            if not m:
                raise AssertionError(f"the engine wrote a formula Excel would calculate: {value}")
            return m.group(1).replace('""', '"'), value
        if _NUMBER.match(value):
            return float(value), None
        return value, None
    return value, None  # dates and times as COM gives them


class FakeApi:
    """COM attributes the adapter sets and may not find (Visible, Saved)."""

    def __init__(self) -> None:
        self.Visible = -1
        self.Saved = True


@dataclass
class Note:
    sheet: FakeSheet
    row: int
    col: int

    @property
    def text(self) -> str:
        note = self.sheet.cell(self.row, self.col).note
        assert note is not None, "the note was deleted"
        return note

    @text.setter
    def text(self, value: str) -> None:
        self.sheet.book.calls.append(("note", self.sheet.name))
        self.sheet.cell(self.row, self.col).note = value

    def delete(self) -> None:
        self.sheet.book.calls.append(("note", self.sheet.name))
        self.sheet.cell(self.row, self.col).note = None

    @property
    def location(self) -> FakeRange:
        return FakeRange(self.sheet, self.row, self.col, self.row, self.col)


@dataclass
class _Last:
    row: int


@dataclass
class _Used:
    last_cell: _Last


class FakeRange:
    def __init__(self, sheet: FakeSheet, r1: int, c1: int, r2: int, c2: int) -> None:
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self.row, self.column = r1, c1

    def _cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                yield r, c

    def options(self, ndim: int = 2) -> FakeRange:
        assert ndim == 2
        return self

    @property
    def value(self) -> list[list[Any]]:
        self.sheet.book.calls.append(("read", self.sheet.name))
        return [
            [self.sheet.peek(r, c).value for c in range(self.c1, self.c2 + 1)]
            for r in range(self.r1, self.r2 + 1)
        ]

    @value.setter
    def value(self, data: Any) -> None:
        """Like xlwings: a list of lists from the top-left cell on, a scalar into every cell."""
        self.sheet.book.calls.append(("write", self.sheet.name))
        if isinstance(data, list):
            rows = data if data and isinstance(data[0], list) else [data]
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    cell = self.sheet.cell(self.r1 + i, self.c1 + j)
                    cell.value, cell.formula = excel_value(v)
        else:
            for r, c in self._cells():
                cell = self.sheet.cell(r, c)
                cell.value, cell.formula = excel_value(data)

    def clear_contents(self) -> None:
        self.sheet.book.calls.append(("write", self.sheet.name))
        for r, c in self._cells():
            cell = self.sheet.cell(r, c)
            cell.value, cell.formula = None, None

    @property
    def color(self) -> tuple[int, int, int] | None:
        fills = {self.sheet.peek(r, c).fill for r, c in self._cells()}
        if len(fills) != 1:
            return None
        (fill,) = fills
        if fill is None:
            return None
        return int(fill[0:2], 16), int(fill[2:4], 16), int(fill[4:6], 16)

    @color.setter
    def color(self, color: Any) -> None:
        self.sheet.book.calls.append(("fill", self.sheet.name))
        for r, c in self._cells():
            self.sheet.cell(r, c).fill = _rgb_text(color)

    def set_colors(self, matrix: list[list[Any]]) -> None:
        """xlwings 0.37.5+: one colour per cell, ... keeps the cell's colour."""
        self.sheet.book.calls.append(("fill", self.sheet.name))
        for i, row in enumerate(matrix):
            for j, color in enumerate(row):
                if color is not ...:
                    self.sheet.cell(self.r1 + i, self.c1 + j).fill = _rgb_text(color)

    @property
    def note(self) -> Note | None:
        if self.sheet.peek(self.r1, self.c1).note is None:
            return None
        return Note(self.sheet, self.r1, self.c1)

    def add_note(self, text: str) -> Note:
        self.sheet.book.calls.append(("note", self.sheet.name))
        cell = self.sheet.cell(self.r1, self.c1)
        assert cell.note is None, "Excel: the cell already has a note"
        cell.note = text
        return Note(self.sheet, self.r1, self.c1)

    def select(self) -> None:
        self.sheet.book.selection = (self.sheet.name, self.r1, self.c1)

    @property
    def wrap_text(self) -> bool | None:
        wraps = {self.sheet.peek(r, c).wrap for r, c in self._cells()}
        return wraps.pop() if len(wraps) == 1 else None

    @wrap_text.setter
    def wrap_text(self, on: bool) -> None:
        for r, c in self._cells():
            self.sheet.cell(r, c).wrap = on

    @property
    def rows(self) -> _Rows:
        return _Rows(self)


class _Rows:
    """Range.rows: Excel's AutoFit of row heights, recorded with the rows it covered."""

    def __init__(self, rng: FakeRange) -> None:
        self.rng = rng

    def autofit(self) -> None:
        self.rng.sheet.book.calls.append(("autofit", self.rng.sheet.name, self.rng.r1, self.rng.r2))


class FakeSheet:
    def __init__(self, book: FakeBook, name: str) -> None:
        self.book = book
        self.name = name
        self.cells: dict[tuple[int, int], CellState] = {}
        self.api = FakeApi()
        self.visible = True

    def cell(self, row: int, col: int) -> CellState:
        return self.cells.setdefault((row, col), CellState())

    def peek(self, row: int, col: int) -> CellState:
        return self.cells.get((row, col)) or CellState()

    def range(self, a: Any, b: Any = None) -> FakeRange:
        r1, c1 = cell_of(a) if isinstance(a, str) else a
        r2, c2 = (cell_of(b) if isinstance(b, str) else b) if b is not None else (r1, c1)
        return FakeRange(self, r1, c1, r2, c2)

    @property
    def used_range(self) -> _Used:
        return _Used(_Last(max((r for r, _ in self.cells), default=1)))

    @property
    def notes(self) -> list[Note]:
        return [Note(self, r, c) for (r, c), s in sorted(self.cells.items()) if s.note is not None]

    def activate(self) -> None:
        self.book.active = self.name


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self.book = book
        self.items: list[FakeSheet] = []

    def __iter__(self) -> Iterator[FakeSheet]:
        return iter(list(self.items))

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, key: int | str) -> FakeSheet:
        if isinstance(key, int):
            return self.items[key]
        for sheet in self.items:
            if sheet.name.lower() == key.lower():
                return sheet
        raise KeyError(key)

    def add(self, name: str, after: FakeSheet | None = None) -> FakeSheet:
        if any(s.name.lower() == name.lower() for s in self.items):
            raise ValueError(f"Excel: a sheet named {name} exists")
        sheet = FakeSheet(self.book, name)
        where = self.items.index(after) + 1 if after is not None else 0
        self.items.insert(where, sheet)
        return sheet


@dataclass
class FakeName:
    name: str
    refers_to: str


@dataclass
class FakeApp:
    screen_updating: bool = True


@dataclass
class FakeBook:
    fullname: str
    sheets: FakeSheets = field(init=False)
    names: list[FakeName] = field(default_factory=list)
    app: FakeApp = field(default_factory=FakeApp)
    api: FakeApi = field(default_factory=FakeApi)
    calls: list[tuple[object, ...]] = field(default_factory=list)
    selection: tuple[str, int, int] | None = None
    active: str | None = None

    def __post_init__(self) -> None:
        self.sheets = FakeSheets(self)


def solid_rgb(fill: Any) -> str | None:
    """RRGGBB of an openpyxl cell's solid RGB fill, else None."""
    fg = fill.fgColor
    if fill.patternType != "solid" or fg is None or fg.type != "rgb" or not isinstance(fg.rgb, str):
        return None
    return fg.rgb[-6:].upper()


def open_in_excel(path: Path) -> FakeBook:
    """The workbook file as Excel would hold it once opened."""
    wb = load_workbook(path)
    values = load_workbook(path, data_only=True)
    book = FakeBook(str(path))
    for ws in wb.worksheets:
        sheet = book.sheets.add(ws.title, after=book.sheets[-1] if len(book.sheets) else None)
        if ws.sheet_state != "visible":
            sheet.api.Visible = 2 if ws.sheet_state == "veryHidden" else 0
        for row in ws.iter_rows():
            for c in row:
                value = values[ws.title].cell(c.row, c.column).value
                fill = solid_rgb(c.fill)
                note = c.comment.text if c.comment is not None else None
                if value is None and fill is None and note is None:
                    continue
                state = sheet.cell(c.row, c.column)
                state.value = excel_value(value)[0] if not isinstance(value, str) else value
                state.fill, state.note = fill, note
    for name, dn in wb.defined_names.items():
        book.names.append(FakeName(name, "=" + (dn.attr_text or "")))
    return book
