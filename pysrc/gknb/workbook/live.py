"""The xlwings adapter: a workbook open in Excel (the ribbon's buttons).

`XlwingsBook` is the `Book` the operations in `workbook.ops` write through, over an xlwings Book:
each table is read with one range read, values, fills and notes are written in as few calls as
the engine allows. Nothing here decides what to write; that is `workbook.ops`, shared with the
command line. xlwings itself is imported by the caller (`gknb.excel`), never here.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from gknb.text import cell_text
from gknb.workbook.book import Fill, Results, SheetCell
from gknb.workbook.contract import (
    RESULT_COLUMNS,
    RESULTS,
    RESULTS_FIRST,
    BrokenName,
    Ref,
    a1,
    quote_sheet,
)

_A1 = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_REFERS_TO = re.compile(
    r"=?(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
)
MAX_COLOR_MATRIX = 10_000  # cells in one Range.set_colors call


def cell_of(address: str) -> tuple[int, int]:
    """(row, column) of an A1 address such as "$D$5"."""
    m = _A1.fullmatch(address.strip().upper())
    if not m:
        raise ValueError(address)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _plain(value: Any) -> Any:
    """COM gives every number as a float; whole numbers read as int, as from openpyxl."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def as_text(value: object) -> object:
    """A string as Excel stores it as text: behind a ' prefix, which Excel does not show, so
    that "=…", "1-2" or "0012" is never taken for a formula, a date or a number."""
    if isinstance(value, str) and value:
        return "'" + cell_text(value)
    return value


def hex_color(color: Any) -> str | None:
    """RRGGBB of the colour xlwings gives: an (r, g, b) tuple, a BGR integer or "#rrggbb"."""
    if color is None:
        return None
    if isinstance(color, str):
        return color.lstrip("#").upper()[-6:]
    if isinstance(color, int):  # BGR integer as COM gives it
        return f"{color & 0xFF:02X}{color >> 8 & 0xFF:02X}{color >> 16 & 0xFF:02X}"
    r, g, b = color
    return f"{r:02X}{g:02X}{b:02X}"


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


class XlwingsBook:
    """`Book` over an xlwings Book (COM on Windows; xlwings' remote engine in the tests, which
    cannot read fills or note texts: those read as no fill and an unreadable note)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.reads: list[Ref] = []
        self._names: dict[str, str] | None = None

    # -- reading --------------------------------------------------------------------------------

    @property
    def source(self) -> str:
        return str(self.book.fullname)

    def _sheet(self, name: str) -> Any:
        return self.book.sheets[name]

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def _all_names(self) -> dict[str, str]:
        if self._names is None:
            names: dict[str, str] = {}
            for n in self.book.names:
                name = n.name
                if "!" in name:  # sheet-level names are not part of the contract
                    continue
                try:
                    names[name] = n.refers_to or ""
                except Exception:  # a name the engine cannot describe
                    names[name] = ""
            self._names = names
        return self._names

    def name_ref(self, name: str) -> Ref | None:
        text = self._all_names().get(name)
        if text is None:
            return None
        if "#REF!" in text:
            raise BrokenName("它指向的单元格或工作表已被删除（#REF!）")
        m = _REFERS_TO.fullmatch(text.strip())
        if not m:
            raise BrokenName(f"无法识别的引用“{text}”")
        sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
        if sheet not in self.sheet_names():
            raise BrokenName(f"它指向的工作表“{sheet}”不存在，可能被改名或删除了")
        first, _, last = m.group(3).partition(":")
        r1, c1 = cell_of(first)
        r2, c2 = cell_of(last) if last else (r1, c1)
        return Ref(sheet, r1, c1, r2, c2)

    def read(self, ref: Ref) -> list[list[Any]]:
        self.reads.append(ref)
        rng = self._sheet(ref.sheet).range((ref.r1, ref.c1), (ref.r2, ref.c2))
        values = rng.options(ndim=2).value
        return [[_plain(v) for v in row] for row in values]

    def last_row(self, sheet: str) -> int:
        return int(self._sheet(sheet).used_range.last_cell.row)

    def fills(self, cells: Iterable[SheetCell]) -> dict[SheetCell, Fill | None]:
        out: dict[SheetCell, Fill | None] = {}
        for sheet, row, col in cells:
            try:
                color = hex_color(self._sheet(sheet).range((row, col)).color)
            except NotImplementedError:  # the remote engine cannot read it
                out[(sheet, row, col)] = None
                continue
            out[(sheet, row, col)] = Fill.solid(color) if color else Fill()
        return out

    def notes(self, sheet: str) -> dict[tuple[int, int], str | None]:
        ws = self._sheet(sheet)
        try:
            out: dict[tuple[int, int], str | None] = {}
            for note in ws.notes:
                where = note.location
                out[(int(where.row), int(where.column))] = str(note.text)
            return out
        except NotImplementedError:  # the remote engine says where notes are, not what they say
            api = ws.api if isinstance(ws.api, dict) else {}
            return {cell_of(entry["address"]): None for entry in api.get("notes") or []}

    # -- writing --------------------------------------------------------------------------------

    def write(self, cells: Mapping[SheetCell, object]) -> None:
        """As few calls as possible: a sheet's cells that fill a rectangle in one call, else
        vertical runs, then horizontal runs, then single cells."""
        by_sheet: dict[str, dict[SheetCell, object]] = {}
        for cell, value in cells.items():
            by_sheet.setdefault(cell[0], {})[cell] = as_text(value)
        for sheet, part in by_sheet.items():
            rows = [r for _, r, _ in part]
            cols = [c for _, _, c in part]
            top, left, bottom, right = min(rows), min(cols), max(rows), max(cols)
            if len(part) == (bottom - top + 1) * (right - left + 1) > 1:
                self._sheet(sheet).range((top, left)).value = [
                    [part[(sheet, r, c)] for c in range(left, right + 1)]
                    for r in range(top, bottom + 1)
                ]
            else:
                self._write_runs(part)

    def _write_runs(self, cells: Mapping[SheetCell, object]) -> int:
        left = dict(cells)
        calls = 0
        for axis in (0, 1):
            groups: dict[tuple[str, int], list[tuple[int, object]]] = {}
            for (sheet, r, c), v in left.items():
                key, pos = ((sheet, c), r) if axis == 0 else ((sheet, r), c)
                groups.setdefault(key, []).append((pos, v))
            done: list[SheetCell] = []
            for (sheet, fixed), items in sorted(groups.items()):
                items.sort(key=lambda t: t[0])
                runs: list[list[tuple[int, object]]] = []
                for pos, v in items:
                    if runs and runs[-1][-1][0] == pos - 1:
                        runs[-1].append((pos, v))
                    else:
                        runs.append([(pos, v)])
                for run in runs:
                    if axis == 0 and len(run) == 1:
                        continue  # a single cell may still join a horizontal run
                    start = run[0][0]
                    values = [v for _, v in run]
                    if axis == 0:
                        self._sheet(sheet).range((start, fixed)).value = [[v] for v in values]
                        done += [(sheet, p, fixed) for p, _ in run]
                    else:
                        self._sheet(sheet).range((fixed, start)).value = [values]
                        done += [(sheet, fixed, p) for p, _ in run]
                    calls += 1
            for cell in done:
                left.pop(cell, None)
        return calls

    def set_fills(self, fills: Mapping[SheetCell, Fill]) -> None:
        by_sheet: dict[str, dict[tuple[int, int], str | None]] = {}
        for (sheet, row, col), fill in fills.items():
            by_sheet.setdefault(sheet, {})[(row, col)] = fill.rgb
        for sheet, colors in by_sheet.items():
            self._set_colors(self._sheet(sheet), colors)

    @staticmethod
    def _set_colors(sheet: Any, fills: dict[tuple[int, int], str | None]) -> None:
        """All fills of one sheet in one call where the engine allows (Range.set_colors)."""
        if not fills:
            return
        rows = [r for r, _ in fills]
        cols = [c for _, c in fills]
        top, left, bottom, right = min(rows), min(cols), max(rows), max(cols)
        rng = sheet.range((top, left), (bottom, right))
        area = (bottom - top + 1) * (right - left + 1)
        if hasattr(rng, "set_colors") and area <= MAX_COLOR_MATRIX:
            matrix: list[list[Any]] = [
                [
                    (f"#{fills[(r, c)]}" if fills[(r, c)] else None) if (r, c) in fills else ...
                    for c in range(left, right + 1)
                ]
                for r in range(top, bottom + 1)
            ]
            rng.set_colors(matrix)
            return
        for (r, c), color in fills.items():  # xlwings before 0.37.5, or a huge spread
            sheet.range((r, c)).color = _rgb(color) if color else None

    def set_notes(self, notes: Mapping[SheetCell, str | None]) -> None:
        for (sheet, row, col), text in notes.items():
            rng = self._sheet(sheet).range((row, col))
            note = rng.note
            if text is None:
                if note is not None:
                    note.delete()
                continue
            if note is None:
                note = rng.add_note(text)
                with contextlib.suppress(Exception):  # COM: a box big enough to read
                    note.api.Shape.Width, note.api.Shape.Height = 270, 120
            else:
                note.text = text

    def ensure_sheet(self, name: str, header: list[list[object]], hidden: bool = False) -> bool:
        if name in self.sheet_names():
            return False
        sheets = self.book.sheets
        sheet = sheets.add(name, after=sheets[len(sheets) - 1])
        width = max((len(row) for row in header), default=0)
        if width:
            sheet.range("A1").value = [
                [as_text(v) for v in row] + [None] * (width - len(row)) for row in header
            ]
        if hidden:
            try:
                sheet.api.Visible = 2  # xlSheetVeryHidden (COM)
            except Exception:
                sheet.visible = False
        return True

    def write_results(self, results: Results) -> None:
        from gknb.workbook.template import RESULT_HEADERS, RESULT_WRAPPED

        self.ensure_sheet(RESULTS, [[], list(RESULT_HEADERS)])
        sheet = self._sheet(RESULTS)
        first = RESULTS_FIRST.r1
        last = self.last_row(RESULTS)
        if last >= first:
            old = sheet.range((first, 1), (last, RESULT_COLUMNS))
            with contextlib.suppress(Exception):  # COM: links a file-based run added as objects
                old.api.Hyperlinks.Delete()
            old.clear_contents()
            sheet.range((first, 2), (last, 2)).color = None
        sheet.range("A1").value = as_text(results.title)
        rows = []
        for row, link in zip(results.rows, results.links, strict=True):
            cells = [as_text(v) for v in row]
            if link is not None:
                cells[6] = _hyperlink(link, str(row[6]))
            rows.append(cells)
        if rows:
            sheet.range((first, 1)).value = rows
            self._set_colors(
                sheet, {(first + i, 2): level for i, level in enumerate(results.levels)}
            )
            for col in RESULT_WRAPPED:
                sheet.range((first, col), (first + len(rows) - 1, col)).wrap_text = True
        end = max(last, first + len(rows) - 1)
        if end >= first:  # Excel lays the wrapped text out itself: rows grow to show it whole
            sheet.range((first, 1), (end, RESULT_COLUMNS)).rows.autofit()

    def save(self) -> None:
        """Nothing: the clerk saves the workbook in Excel."""

    # -- the ribbon's own ----------------------------------------------------------------------

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """COM: no repainting while many cells change (the remote engine has nothing to freeze)."""
        app = None
        with contextlib.suppress(Exception):
            app = self.book.app
            app.screen_updating = False
        try:
            yield
        finally:
            if app is not None:
                with contextlib.suppress(Exception):
                    app.screen_updating = True

    def select(self, cell: SheetCell) -> None:
        """Show the cell (cosmetic: a hidden or protected sheet is no reason to fail)."""
        sheet, row, col = cell
        if sheet not in self.sheet_names():
            return
        with contextlib.suppress(Exception):
            ws = self._sheet(sheet)
            ws.activate()
            ws.range((row, col)).select()


def _hyperlink(cell: SheetCell, shown: str) -> str:
    sheet, row, col = cell
    target = f"#{quote_sheet(sheet)}!{a1(row, col)}".replace('"', '""')
    return f'=HYPERLINK("{target}","{shown.replace(chr(34), chr(34) * 2)}")'
