"""The openpyxl adapter: workbook files on disk (the CLI, reviewers, tests).

Reads through `BookSource`, applies marks and totals, saves atomically. Every failure a user can
cause (not a workbook, corrupt, open in Excel) becomes a GknbError with a Chinese message.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.colors import Color
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.hyperlink import Hyperlink

from gknb import zipcheck
from gknb.errors import FileLocked, GknbError
from gknb.files import owner_lock
from gknb.formats import Key
from gknb.model import Finding
from gknb.totals import TotalChange
from gknb.workbook.contract import COLORS, MARKS, RESULTS, Ref, quote_sheet
from gknb.workbook.marks import merge_note, parse_address, plan_marks, result_rows, strip_note
from gknb.workbook.reader import NameError_

lock_file = owner_lock  # Excel's owner file beside an open workbook


def refuse_if_open(path: Path) -> None:
    if lock_file(path) is not None:
        raise FileLocked(f"{path.name} 正在 Excel 中打开，请先保存并关闭它，再运行本命令。")


def _sniff(path: Path) -> None:
    if not path.exists():
        raise GknbError(f"找不到文件：{path}")
    if path.is_dir():
        raise GknbError(f"{path} 是文件夹，不是工作簿。")
    size = path.stat().st_size
    if size == 0:
        raise GknbError(f"{path.name} 是空文件（0 字节），请确认文件是否完整。")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise GknbError(
            f"{path.name} 是旧版 .xls 文件或已加密的文件，请在 Excel 中“另存为”.xlsx 后再试。"
        )
    if not zipfile.is_zipfile(path):
        raise GknbError(f"{path.name} 不是 Excel 工作簿（.xlsx/.xlsm），文件可能已损坏。")
    names = zipcheck.check(path, zipcheck.WORKBOOK).names  # sizes counted, not trusted
    if "word/document.xml" in names:
        raise GknbError(f"{path.name} 是 Word 文件，不是 Excel 工作簿，请检查文件扩展名。")
    if "xl/workbook.xml" not in names:
        raise GknbError(f"{path.name} 不是 Excel 工作簿（缺少 xl/workbook.xml）。")


def open_workbook(path: Path, data_only: bool = False) -> Workbook:
    """Load a workbook; data_only=True gives the values Excel last calculated (for reading)."""
    _sniff(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(path, data_only=data_only, keep_vba=path.suffix.lower() == ".xlsm")
    except Exception as exc:  # openpyxl raises many types for broken files
        raise GknbError(
            f"{path.name} 已损坏或不是有效的 Excel 工作簿，无法读取（{exc}）。"
        ) from None


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
            raise NameError_("它指向的单元格或工作表已被删除（#REF!）")
        try:
            (sheet, cells), *_ = list(dn.destinations)
            c1, r1, c2, r2 = range_boundaries(cells.replace("$", ""))
        except (ValueError, TypeError):
            raise NameError_(f"无法识别的引用“{text}”") from None
        if sheet not in self.wb.sheetnames:
            raise NameError_(f"它指向的工作表“{sheet}”不存在，可能被改名或删除了")
        return Ref(sheet, r1, c1, r2, c2)

    def read(self, ref: Ref) -> list[list[Any]]:
        ws = self.wb[ref.sheet]
        last = min(ref.r2, max(ws.max_row, ref.r1))  # never materialise empty rows
        rows = ws.iter_rows(
            min_row=ref.r1, max_row=last, min_col=ref.c1, max_col=ref.c2, values_only=True
        )
        return [list(r) for r in rows]


# ---- marks ---------------------------------------------------------------------------------


def _fill_json(fill: PatternFill) -> str:
    def color(c: Color | None) -> list[Any] | None:
        if c is None:
            return None
        return [c.type, getattr(c, c.type, None), c.tint]

    return json.dumps({"p": fill.patternType, "fg": color(fill.fgColor), "bg": color(fill.bgColor)})


def _fill_from_json(text: str) -> PatternFill:
    data = json.loads(text)

    def color(v: list[Any] | None) -> Color | None:
        if not v:
            return None
        kind, value, tint = v
        return Color(**{kind: value}, tint=tint or 0.0)

    return PatternFill(patternType=data["p"], fgColor=color(data["fg"]), bgColor=color(data["bg"]))


def _is_mark_fill(fill: PatternFill) -> bool:
    fg = fill.fgColor
    return (
        fill.patternType == "solid"
        and fg is not None
        and fg.type == "rgb"
        and isinstance(fg.rgb, str)
        and fg.rgb[-6:].upper() in COLORS.values()
    )


def clear_marks(wb: Workbook) -> int:
    """Remove only what an earlier 校验 added; returns the number of cells cleaned."""
    cleaned = 0
    if MARKS in wb.sheetnames:
        registry = wb[MARKS]
        rows = registry.iter_rows(min_row=2, max_col=3, values_only=True)
        for sheet, coord, original in rows:
            if not sheet or sheet not in wb.sheetnames or not coord:
                continue
            cell = wb[sheet][coord]
            if _is_mark_fill(cell.fill) and original:
                try:
                    cell.fill = _fill_from_json(original)
                except (ValueError, TypeError, KeyError):
                    cell.fill = PatternFill()
            cleaned += 1
        for row in registry.iter_rows(min_row=2, max_col=3):
            for cell in row:  # columns A:C only; E holds the 生成说明文字 state
                cell.value = None
    for ws in wb.worksheets:
        if ws.title in (MARKS,):
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is None:
                    continue
                own = strip_note(cell.comment.text)
                if own == cell.comment.text:
                    continue
                cell.comment = Comment(own, cell.comment.author) if own else None
    return cleaned


def apply_marks(wb: Workbook, findings: list[Finding]) -> int:
    """Clear earlier marks, then paint every finding that has a cell. Returns cells marked."""
    clear_marks(wb)
    if MARKS not in wb.sheetnames:
        ws = wb.create_sheet(MARKS)
        ws.append(["工作表", "单元格", "原填充"])
        ws.sheet_state = "veryHidden"
    registry = wb[MARKS]
    marks = plan_marks(findings)
    next_row = 2
    for m in marks:
        if m.sheet not in wb.sheetnames:
            continue
        cell = wb[m.sheet].cell(m.row, m.col)
        for col, value in enumerate((m.sheet, cell.coordinate, _fill_json(cell.fill)), start=1):
            registry.cell(next_row, col, value)
        next_row += 1
        cell.fill = PatternFill("solid", fgColor=m.color)
        existing = cell.comment.text if cell.comment else None
        comment = Comment(merge_note(existing, m.note), "年报助手")
        comment.width, comment.height = 360, 160
        cell.comment = comment
    return len(marks)


def write_results(wb: Workbook, findings: list[Finding], summary: str) -> None:
    """Rewrite the 校验结果 sheet: one row per finding with a link to its cell."""
    if RESULTS not in wb.sheetnames:
        from gknb.workbook.template import RESULT_HEADERS

        ws = wb.create_sheet(RESULTS)
        ws.append(["校验结果"])
        ws.append(list(RESULT_HEADERS))
    ws = wb[RESULTS]
    if ws.max_row >= 3:
        ws.delete_rows(3, ws.max_row)
    ws.cell(1, 1).value = f"校验结果：{summary}"
    for i, row in enumerate(result_rows(findings), start=3):
        for j, value in enumerate(row, start=1):
            ws.cell(i, j, value)
        ws.cell(i, 10).alignment = Alignment(wrap_text=True, vertical="top")
        f = findings[i - 3]
        if not f.settled:
            ws.cell(i, 2).fill = PatternFill("solid", fgColor=COLORS[f.severity.value])
        if f.cell:
            sheet, r, c = parse_address(f.cell)
            link = ws.cell(i, 7)
            target = wb[sheet].cell(r, c).coordinate if sheet in wb.sheetnames else ""
            if target:
                link.hyperlink = Hyperlink(
                    ref=link.coordinate, location=f"{quote_sheet(sheet)}!{target}"
                )
                link.font = Font(color="0563C1", underline="single")


def write_totals(wb: Workbook, locations: dict[Key, str], changes: list[TotalChange]) -> int:
    written = 0
    for ch in changes:
        if not ch.changed:
            continue
        sheet, r, c = parse_address(locations[ch.key])
        wb[sheet].cell(r, c).value = ch.new
        written += 1
    return written


# ---- files ---------------------------------------------------------------------------------


def backup_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.备份{path.suffix}")


def _file_mode(path: Path) -> int:
    """Keep the target's permissions; a new file gets the usual mode (mkstemp's is 0600)."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def save_atomic(wb: Workbook, path: Path, backup: bool = False) -> None:
    """Write to a temp file in the same folder, then rename over the target."""
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK):
        raise GknbError(f"无法写入文件夹 {folder}：没有写入权限，请换一个位置。")
    fd, tmp = tempfile.mkstemp(prefix=".gknb-", suffix=path.suffix, dir=folder)
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, _file_mode(path))
        if backup and path.exists():
            shutil.copy2(path, backup_path(path))
        os.replace(tmp, path)
    except PermissionError:
        raise GknbError(
            f"无法写入 {path.name}：文件可能正在被其他程序使用，请关闭后重试。"
        ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
