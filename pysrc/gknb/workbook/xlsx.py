"""The openpyxl adapter: workbook files on disk (the CLI, reviewers, tests).

`OpenpyxlSource` reads for the core reader; `OpenpyxlBook` is the `Book` the operations in
`workbook.ops` write through, and owns what only files have: the notes' VML parts, the backup,
the atomic save. Every failure a user can
cause (not a workbook, corrupt, open in Excel) becomes a GknbError with a Chinese message.
"""

from __future__ import annotations

import contextlib
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.hyperlink import Hyperlink

from gknb.errors import GknbError
from gknb.files import content_bytes, guard_output, same_file, write_atomic
from gknb.text import cell_text, put
from gknb.workbook.book import ColorSpec, Fill, Results, SheetCell
from gknb.workbook.contract import (
    MARK_PREFIX,
    RESULTS,
    RESULTS_FIRST,
    BrokenName,
    Ref,
    a1,
    quote_sheet,
)
from gknb.workbook.package import lost_objects
from gknb.workbook.reader import checked_ref
from gknb.workbook.sniff import screen_workbook


def open_workbook(path: Path, data_only: bool = False, sniffed: bool = False) -> Workbook:
    """Load a workbook; data_only=True gives the values Excel last calculated (for reading).
    sniffed=True: the caller has already run `screen_workbook`."""
    from openpyxl.reader.excel import ExcelReader

    if not sniffed:
        screen_workbook(path)
    reader = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = ExcelReader(path, keep_vba=path.suffix.lower() == ".xlsm", data_only=data_only)
            reader.read()
            return reader.wb
    except Exception:  # openpyxl raises many types (with English text) for broken files
        _close_archives(reader)
        raise GknbError(
            f"{path.name} 已损坏或不是有效的 Excel 工作簿，无法读取。"
            f"请在 Excel 中打开并另存为 .xlsx 后再试。"
        ) from None


def _close_archives(reader: Any) -> None:
    """Close what a failed openpyxl load left open, so that no ZipFile.__del__ traceback is
    printed when it is collected."""
    if reader is None:
        return
    wb = getattr(reader, "wb", None)
    for archive in (getattr(wb, "vba_archive", None), getattr(reader, "archive", None)):
        if archive is not None:
            with contextlib.suppress(Exception):
                archive.close()


class OpenpyxlSource:
    """`BookSource` over an openpyxl workbook."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb

    def name_ref(self, name: str) -> Ref | None:
        dn = self.wb.defined_names.get(name)
        if dn is None:
            return None
        text = dn.attr_text or ""
        if "#REF!" in text:
            raise BrokenName("它指向的单元格或工作表已被删除（#REF!）")
        try:
            (sheet, cells), *_ = list(dn.destinations)
            c1, r1, c2, r2 = range_boundaries(cells.replace("$", ""))
        except (ValueError, TypeError, AttributeError):  # AttributeError: text openpyxl's
            raise BrokenName(f"无法识别的引用“{text}”") from None  # tokenizer cannot place
        return checked_ref(sheet, r1, c1, r2, c2, self.wb.sheetnames)

    def read(self, ref: Ref) -> list[list[Any]]:
        ws = self.wb[ref.sheet]
        last = min(ref.r2, max(ws.max_row, ref.r1))  # never materialise empty rows
        rows = ws.iter_rows(
            min_row=ref.r1, max_row=last, min_col=ref.c1, max_col=ref.c2, values_only=True
        )
        return [list(r) for r in rows]


# ---- the Book over a file ------------------------------------------------------------------


def _color(c: Color | None) -> ColorSpec | None:
    if c is None:
        return None
    return (c.type, getattr(c, c.type, None), c.tint)


def _openpyxl_color(spec: ColorSpec | None) -> Color | None:
    if not spec:
        return None
    kind, value, tint = spec
    return Color(**{kind: value}, tint=tint or 0.0)


def fill_of(fill: PatternFill) -> Fill:
    return Fill(fill.patternType, _color(fill.fgColor), _color(fill.bgColor))


def pattern_fill(fill: Fill) -> PatternFill:
    try:
        return PatternFill(
            patternType=fill.pattern,
            fgColor=_openpyxl_color(fill.fg),
            bgColor=_openpyxl_color(fill.bg),
        )
    except (ValueError, TypeError):  # a registry entry edited by hand
        return PatternFill()


def _only_notes(xml: bytes) -> bool:
    """A VML drawing that holds nothing but note shapes (no form controls, no pictures). VML as
    Excel writes it is not always well-formed XML, so the shapes are counted, not parsed."""
    shapes = len(re.findall(rb"<(?:[\w.-]+:)?shape[\s>/]", xml))  # any prefix: v:, ns0:
    data = len(re.findall(rb"<(?:[\w.-]+:)?ClientData[\s>/]", xml))
    notes = len(re.findall(rb"ObjectType\s*=\s*[\"']Note[\"']", xml))
    return shapes == data == notes


def drop_note_drawings(wb: Workbook) -> None:
    """openpyxl keeps an .xlsm sheet's legacy drawing (VML) by name and copies it from the
    original file on save, but regenerates the VML of notes under another name: once every note
    is removed, the sheet would link to a part that is no longer written (Excel offers to repair
    the file, openpyxl cannot open it again). A drawing that holds only notes is therefore
    dropped on load — openpyxl writes a fresh one for the notes the sheet has when saved — and a
    link to a part missing from the file is dropped too. Drawings with form controls stay."""
    archive = wb.vba_archive
    if archive is None:
        return
    present = set(archive.namelist())
    for ws in wb.worksheets:
        part = ws.legacy_drawing
        if not part:
            continue
        part = part.lstrip("/")
        if part not in present or _only_notes(archive.read(part)):
            ws.legacy_drawing = None


class OpenpyxlBook:
    """`Book` over a workbook file. Reads give a formula's value as Excel last calculated it;
    `save` writes atomically (a backup of the file first when it is replaced in place)."""

    def __init__(self, path: Path, out: Path | None = None) -> None:
        self.path = path
        self.out = out if out is not None else path
        self.wb = open_workbook(path)
        drop_note_drawings(self.wb)
        self._values: Workbook | None = None  # data_only view, loaded for the first formula
        self._written: set[SheetCell] = set()
        self.backup: Path | None = None  # where save kept the file it replaced

    @property
    def source(self) -> str:
        return str(self.path)

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def name_ref(self, name: str) -> Ref | None:
        return OpenpyxlSource(self.wb).name_ref(name)

    def read(self, ref: Ref) -> list[list[Any]]:
        ws = self.wb[ref.sheet]
        last = min(ref.r2, max(ws.max_row, ref.r1))
        out: list[list[Any]] = []
        for i, row in enumerate(
            ws.iter_rows(min_row=ref.r1, max_row=last, min_col=ref.c1, max_col=ref.c2)
        ):
            values: list[Any] = []
            for j, cell in enumerate(row):
                value = cell.value
                where = (ref.sheet, ref.r1 + i, ref.c1 + j)
                if cell.data_type == "f" and where not in self._written:
                    value = self._cached(where)
                values.append(value)
            out.append(values)
        return out

    def _cached(self, cell: SheetCell) -> Any:
        if self._values is None:
            self._values = open_workbook(self.path, data_only=True)
        sheet, row, col = cell
        if sheet not in self._values.sheetnames:
            return None
        return self._values[sheet].cell(row, col).value

    def last_row(self, sheet: str) -> int:
        return int(self.wb[sheet].max_row)

    def write(self, cells: Mapping[SheetCell, object]) -> None:
        for (sheet, row, col), value in cells.items():
            put(self.wb[sheet].cell(row, col), value)  # text, never a formula
            self._written.add((sheet, row, col))

    def fills(self, cells: Iterable[SheetCell]) -> dict[SheetCell, Fill | None]:
        return {c: fill_of(self.wb[c[0]].cell(c[1], c[2]).fill) for c in cells}

    def set_fills(self, fills: Mapping[SheetCell, Fill]) -> None:
        for (sheet, row, col), fill in fills.items():
            self.wb[sheet].cell(row, col).fill = pattern_fill(fill)

    def notes(self, sheet: str) -> dict[tuple[int, int], str | None]:
        ws = self.wb[sheet]
        return {
            (cell.row, cell.column): cell.comment.text
            for row in ws.iter_rows()
            for cell in row
            if cell.comment is not None
        }

    def set_notes(self, notes: Mapping[SheetCell, str | None]) -> None:
        for (sheet, row, col), text in notes.items():
            cell = self.wb[sheet].cell(row, col)
            old = cell.comment
            if text is None:
                cell.comment = None
            elif MARK_PREFIX in text:  # 校验's note: big enough to read
                comment = Comment(cell_text(text), "年报助手")
                comment.width, comment.height = 360, 160
                cell.comment = comment
            else:  # the clerk's own note, as it was
                cell.comment = Comment(cell_text(text), old.author if old else "")

    def ensure_sheet(self, name: str, header: list[list[object]], hidden: bool = False) -> bool:
        if name in self.wb.sheetnames:
            return False
        ws = self.wb.create_sheet(name)
        for row in header:
            ws.append(row)
        if hidden:
            ws.sheet_state = "veryHidden"
        return True

    def write_results(self, results: Results) -> None:
        from gknb.workbook.template import (
            RESULT_HEADERS,
            RESULT_WRAPPED,
            result_row_height,
        )

        self.ensure_sheet(RESULTS, [["校验结果"], list(RESULT_HEADERS)])
        ws = self.wb[RESULTS]
        first = RESULTS_FIRST.r1
        old_last = ws.max_row
        if old_last >= first:
            ws.delete_rows(first, old_last)
        self.write({(RESULTS, 1, 1): results.title})
        self.write(
            {
                (RESULTS, first + i, j): value
                for i, row in enumerate(results.rows)
                for j, value in enumerate(row, start=1)
            }
        )
        top, wrap = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
        for r in range(first + len(results.rows), old_last + 1):
            ws.row_dimensions[r].height = None  # rows move up, their old heights do not
        for i, (row, link, level) in enumerate(
            zip(results.rows, results.links, results.levels, strict=True)
        ):
            for col in range(1, len(RESULT_HEADERS) + 1):  # a tall row reads from its top
                ws.cell(first + i, col).alignment = wrap if col in RESULT_WRAPPED else top
            ws.row_dimensions[first + i].height = result_row_height(row)
            if level:
                ws.cell(first + i, 2).fill = PatternFill("solid", fgColor=level)
            if link is not None:
                sheet, r, c = link
                cell = ws.cell(first + i, 7)
                cell.hyperlink = Hyperlink(
                    ref=cell.coordinate, location=f"{quote_sheet(sheet)}!{a1(r, c)}"
                )
                cell.font = Font(color="0563C1", underline="single")

    def save(self) -> None:
        """Save to `out`; when that is the workbook itself, keep a backup (self.backup).

        A workbook is not rewritten in place when the rewrite would drop something the clerk
        put in it that the file writer cannot carry over (text boxes, shapes, form controls:
        `package.lost_objects`); a copy is written without them, the workbook stays whole."""
        guard_output(self.out, in_place=True)  # open in Excel, or read-only: not written
        in_place = self.out.exists() and same_file(self.out, self.path)
        try:
            data = content_bytes(self.wb.save)
        except (KeyError, ValueError, SyntaxError, EOFError, zipfile.BadZipFile) as exc:
            # openpyxl copies an .xlsm's package parts from the file it read: a part missing
            # or cut short there (e.g. _rels/.rels) fails the write, not the read
            raise GknbError(
                f"无法写出 {self.out.name}：{self.path.name} 的文件结构有部分缺失或损坏"
                f"（{type(exc).__name__}），原文件没有改动。请在 Excel 中打开 {self.path.name}，"
                f"另存一份后用另存的文件再试。"
            ) from exc
        if in_place:
            lost = lost_objects(self.path, data)
            if lost:
                raise GknbError(
                    f"{self.path.name} 中有{'、'.join(lost)}，直接改写文件会丢失它们，文件未改动。"
                    f"请在 Excel 中打开，用“年报助手”选项卡的按钮操作（在 Excel 中修改不会丢失），"
                    f"或先把它们移到别的文件再试。"
                )
        self.backup = write_atomic(self.out, data, backup=in_place)


# ---- files ---------------------------------------------------------------------------------


def save_atomic(wb: Workbook, path: Path, backup: bool = False) -> Path | None:
    """Save through the file-safety layer (gknb.files: temp file, one rename, backup
    generations). Returns the backup written, if any."""
    return write_atomic(path, wb.save, backup=backup)
