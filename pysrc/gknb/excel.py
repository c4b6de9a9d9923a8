"""The engine behind the Excel ribbon (python -m gknb.excel, frozen as gknb-excel.exe).

The VBA launcher (addin/GknbLauncher.bas) runs

    gknb-excel <check|fill|clear|export|help> [--force] --wb="<Book.Name>" --from_xl=1
               --app="<...\\EXCEL.EXE>" --hwnd=<hwnd>

(the arguments of xlwings' RunFrozenPython), waits, and reads stdout/stderr as UTF-8.
Exit codes, as the launcher expects them:

    0  done; stdout holds a one-line summary for a message box (may be empty)
    1  user error; stderr holds a Chinese message saying what to do
    2  internal error; stderr holds a Chinese message (a traceback only with --debug or
       GKNB_DEBUG=1)
    3  a question (export while errors remain); stdout holds it; on Yes the launcher runs the
       same command again with --force

This is the only module that knows about the ribbon. It reads the live workbook through
xlwings (`Book.caller()`): the core reader sees it as a `BookSource`, each table is read with
one range read, and marks, totals and the 校验结果 sheet are written back in batches.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from gknb import service
from gknb.errors import GknbError
from gknb.model import Finding, Severity
from gknb.workbook.contract import (
    COLORS,
    MARKS,
    README,
    RESULT_COLUMNS,
    RESULTS,
    Ref,
    a1,
    quote_sheet,
)
from gknb.workbook.marks import merge_note, parse_address, plan_marks, result_rows, strip_note
from gknb.workbook.reader import NameError_

EXIT_OK, EXIT_USER_ERROR, EXIT_INTERNAL, EXIT_CONFIRM = 0, 1, 2, 3
COMMANDS = ("check", "fill", "clear", "export", "text", "help")
RESULTS_FIRST_ROW = 3
REGISTRY_HEADERS = ("工作表", "单元格", "原填充")
_A1 = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_REFERS_TO = re.compile(
    r"=?(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
)


# ---- reading: the core reader's BookSource over a live book ------------------------------


def _cell(address: str) -> tuple[int, int]:
    m = _A1.fullmatch(address)
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


class XlwingsSource:
    """`BookSource` over an xlwings Book: workbook-level names, one range read per call."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.reads: list[Ref] = []
        self._names: dict[str, str] | None = None
        self._sheets: set[str] | None = None

    def sheet_names(self) -> set[str]:
        if self._sheets is None:
            self._sheets = {s.name for s in self.book.sheets}
        return self._sheets

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
            raise NameError_("它指向的单元格或工作表已被删除（#REF!）")
        m = _REFERS_TO.fullmatch(text.strip())
        if not m:
            raise NameError_(f"无法识别的引用“{text}”")
        sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
        if sheet not in self.sheet_names():
            raise NameError_(f"它指向的工作表“{sheet}”不存在，可能被改名或删除了")
        first, _, last = m.group(3).partition(":")
        r1, c1 = _cell(first)
        r2, c2 = _cell(last) if last else (r1, c1)
        return Ref(sheet, r1, c1, r2, c2)

    def read(self, ref: Ref) -> list[list[Any]]:
        self.reads.append(ref)
        rng = self.book.sheets[ref.sheet].range((ref.r1, ref.c1), (ref.r2, ref.c2))
        values = rng.options(ndim=2).value
        return [[_plain(v) for v in row] for row in values]


# ---- per-cell state only COM can read ------------------------------------------------------


class Unreadable(Exception):
    """The engine cannot read this synchronously (xlwings' remote engine, used in tests)."""


def _hex(color: Any) -> str | None:
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


def read_fill(rng: Any) -> str | None:
    """The cell's solid fill as RRGGBB, None without a fill."""
    try:
        return _hex(rng.color)
    except NotImplementedError:
        raise Unreadable from None


def read_note(rng: Any) -> str | None:
    note = rng.note
    if note is None:
        return None
    try:
        return str(note.text)
    except NotImplementedError:
        raise Unreadable from None


def _fill_json(color: str | None) -> str:
    """The registry's 原填充 column, in the format the openpyxl adapter reads and writes."""
    if color is None:
        none = ["rgb", "00000000", 0.0]
        return json.dumps({"p": None, "fg": none, "bg": none})
    return json.dumps(
        {"p": "solid", "fg": ["rgb", "00" + color, 0.0], "bg": ["rgb", "00000000", 0.0]}
    )


def _color_from_json(text: Any) -> str | None:
    try:
        data = json.loads(str(text))
        fg = data.get("fg") or []
        if data.get("p") in (None, "none") or len(fg) < 2 or fg[0] != "rgb":
            return None
        return str(fg[1])[-6:].upper()
    except (ValueError, TypeError, AttributeError):
        return None


# ---- writing ---------------------------------------------------------------------------------


def _set_fills(sheet: Any, fills: dict[tuple[int, int], str | None]) -> None:
    """All fills of one sheet in one call where the engine allows (Range.set_colors)."""
    if not fills:
        return
    rows = [r for r, _ in fills]
    cols = [c for _, c in fills]
    top, left, bottom, right = min(rows), min(cols), max(rows), max(cols)
    rng = sheet.range((top, left), (bottom, right))
    if hasattr(rng, "set_colors") and (bottom - top + 1) * (right - left + 1) <= 10_000:
        matrix: list[list[Any]] = [
            [
                (f"#{fills[(r, c)]}" if fills[(r, c)] else None) if (r, c) in fills else ...
                for c in range(left, right + 1)
            ]
            for r in range(top, bottom + 1)
        ]
        rng.set_colors(matrix)
        return
    for (r, c), color in fills.items():  # xlwings before 0.37.5
        sheet.range((r, c)).color = _rgb(color) if color else None


def _set_note(rng: Any, text: str | None) -> None:
    note = rng.note
    if text is None:
        if note is not None:
            note.delete()
        return
    if note is None:
        note = rng.add_note(text)
        with contextlib.suppress(Exception):  # COM: a box big enough to read; remote: no shape
            note.api.Shape.Width, note.api.Shape.Height = 270, 120
    else:
        note.text = text


def _sheet(book: Any, name: str) -> Any | None:
    for sheet in book.sheets:
        if sheet.name == name:
            return sheet
    return None


def _last_row(sheet: Any) -> int:
    used = sheet.used_range
    return int(used.last_cell.row)


def _registry(book: Any) -> Any | None:
    return _sheet(book, MARKS)


def _new_registry(book: Any) -> Any:
    sheet = _sheet(book, MARKS)
    if sheet is None:
        sheet = book.sheets.add(MARKS, after=book.sheets[len(book.sheets) - 1])
        sheet.range("A1").value = [list(REGISTRY_HEADERS)]
        try:
            sheet.api.Visible = 2  # xlSheetVeryHidden (COM)
        except Exception:
            sheet.visible = False
    return sheet


def clear_marks(book: Any) -> int:
    """Undo what an earlier 校验 painted (by either adapter): restore each registered cell's
    fill if it still shows a mark colour, strip the 年报助手 part of its note. Returns cells."""
    registry = _registry(book)
    if registry is None:
        return 0
    last = _last_row(registry)
    if last < 2:
        return 0
    rows = registry.range((2, 1), (last, 3)).options(ndim=2).value
    fills: dict[str, dict[tuple[int, int], str | None]] = {}
    sheets = {s.name: s for s in book.sheets}
    cleaned = 0
    for sheet_name, coord, original in rows:
        if not sheet_name or not coord or sheet_name not in sheets:
            continue
        sheet = sheets[sheet_name]
        row, col = _cell(str(coord))
        rng = sheet.range((row, col))
        try:
            current = read_fill(rng)
        except Unreadable:
            current = next(iter(COLORS.values()))  # cannot tell: assume it is still ours
        if current is not None and current.upper() in COLORS.values():
            fills.setdefault(sheet_name, {})[(row, col)] = _color_from_json(original)
        try:
            own = strip_note(read_note(rng))
        except Unreadable:
            own = None
        _set_note(rng, own)
        cleaned += 1
    for sheet_name, cells in fills.items():
        _set_fills(sheets[sheet_name], cells)
    registry.range((2, 1), (last, 3)).clear_contents()  # columns A:C only: E holds other state
    return cleaned


def apply_marks(book: Any, findings: list[Finding]) -> int:
    """Clear earlier marks, then fill and annotate every finding's cell. Returns cells marked."""
    clear_marks(book)
    registry = _new_registry(book)
    sheets = {s.name: s for s in book.sheets}
    entries: list[list[str]] = []
    fills: dict[str, dict[tuple[int, int], str | None]] = {}
    marks = [m for m in plan_marks(findings) if m.sheet in sheets]
    for m in marks:
        rng = sheets[m.sheet].range((m.row, m.col))
        try:
            original = read_fill(rng)
        except Unreadable:
            original = None
        entries.append([m.sheet, a1(m.row, m.col), _fill_json(original)])
        fills.setdefault(m.sheet, {})[(m.row, m.col)] = m.color
        try:
            existing = read_note(rng)
        except Unreadable:
            existing = None
        _set_note(rng, merge_note(existing, m.note))
    if entries:
        registry.range((2, 1)).value = entries
    for sheet_name, cells in fills.items():
        _set_fills(sheets[sheet_name], cells)
    return len(marks)


def _text_cell(value: object) -> object:
    """Text that Excel would take for a formula is written as text."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")) and len(value) > 1:
        return "'" + value
    return value


def _link(address: str) -> str:
    sheet, row, col = parse_address(address)
    target = f"#{quote_sheet(sheet)}!{a1(row, col)}".replace('"', '""')
    return f'=HYPERLINK("{target}","{address.replace(chr(34), chr(34) * 2)}")'


def write_results(book: Any, findings: list[Finding], summary: str) -> None:
    """Rewrite the 校验结果 sheet: one row per finding, column 单元格 links to the cell."""
    sheet = _sheet(book, RESULTS)
    if sheet is None:
        from gknb.workbook.template import RESULT_HEADERS

        sheet = book.sheets.add(RESULTS, after=book.sheets[len(book.sheets) - 1])
        sheet.range("A2").value = [list(RESULT_HEADERS)]
    last = _last_row(sheet)
    if last >= RESULTS_FIRST_ROW:
        old = sheet.range((RESULTS_FIRST_ROW, 1), (last, RESULT_COLUMNS))
        with contextlib.suppress(Exception):  # COM: links a file-based run added as objects
            old.api.Hyperlinks.Delete()
        old.clear_contents()
        sheet.range((RESULTS_FIRST_ROW, 2), (last, 2)).color = None
    sheet.range("A1").value = f"校验结果：{summary}"
    rows = []
    for f, row in zip(findings, result_rows(findings), strict=True):
        cells = [_text_cell(v) for v in row]
        if f.cell:
            cells[6] = _link(f.cell)
        rows.append(cells)
    if rows:
        sheet.range((RESULTS_FIRST_ROW, 1)).value = rows
        colors = {
            (RESULTS_FIRST_ROW + i, 2): None if f.settled else COLORS[f.severity.value]
            for i, f in enumerate(findings)
        }
        _set_fills(sheet, colors)


def select_cell(book: Any, address: str) -> None:
    """Show the cell (cosmetic: a hidden or protected sheet is no reason to fail)."""
    sheet_name, row, col = parse_address(address)
    sheet = _sheet(book, sheet_name)
    if sheet is None:
        return
    with contextlib.suppress(Exception):
        sheet.activate()
        sheet.range((row, col)).select()


@contextlib.contextmanager
def _screen_frozen(book: Any) -> Iterator[None]:
    """COM: no repainting while many cells change (the remote engine has nothing to freeze)."""
    app = None
    with contextlib.suppress(Exception):
        app = book.app
        app.screen_updating = False
    try:
        yield
    finally:
        if app is not None:
            with contextlib.suppress(Exception):
                app.screen_updating = True


def first_cell(findings: list[Finding]) -> str | None:
    """The first error's cell, else the first cell of any open finding."""
    open_ = [f for f in findings if f.cell and not f.settled]
    errors = [f for f in open_ if f.severity == Severity.ERROR]
    first = errors[0] if errors else open_[0] if open_ else None
    return first.cell if first else None


def write_values(book: Any, cells: dict[tuple[str, int, int], object]) -> int:
    """Write values cell by cell, as few calls as possible: vertical runs, then horizontal."""
    sheets = {s.name: s for s in book.sheets}
    left = dict(cells)
    calls = 0
    for axis in (0, 1):
        groups: dict[tuple[str, int], list[tuple[int, object]]] = {}
        for (sheet, r, c), v in left.items():
            key, pos = ((sheet, c), r) if axis == 0 else ((sheet, r), c)
            groups.setdefault(key, []).append((pos, v))
        done: list[tuple[str, int, int]] = []
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
                    sheets[sheet].range((start, fixed)).value = [[v] for v in values]
                    done += [(sheet, p, fixed) for p, _ in run]
                else:
                    sheets[sheet].range((fixed, start)).value = [values]
                    done += [(sheet, fixed, p) for p, _ in run]
                calls += 1
        for cell in done:
            left.pop(cell, None)
    return calls


# ---- commands --------------------------------------------------------------------------------


@dataclass
class Outcome:
    code: int
    stdout: str = ""


def _read(book: Any) -> Any:
    from gknb.workbook.reader import read_book

    return read_book(XlwingsSource(book), str(book.fullname))


def cmd_check(book: Any, args: argparse.Namespace) -> Outcome:
    from gknb import rules
    from gknb.workbook.marks import summary

    report = _read(book)
    findings = rules.check(report)
    line = summary(findings)
    with _screen_frozen(book):
        apply_marks(book, findings)
        write_results(book, findings, line)
    target = first_cell(findings)
    if target:
        select_cell(book, target)
    return Outcome(EXIT_OK, line)


def cmd_fill(book: Any, args: argparse.Namespace) -> Outcome:

    report = _read(book)
    changes = service.total_changes(report)
    writes: dict[tuple[str, int, int], object] = {}
    for c in changes:
        if c.changed:
            writes[parse_address(report.locations[c.key])] = c.new
    with _screen_frozen(book):
        write_values(book, writes)
    blocked = [c for c in changes if c.new is None]
    parts = [f"已填充 {len(writes)} 个合计格。" if writes else "合计都已正确，未作修改。"]
    if blocked:
        bad = sorted({report.locations.get(k, "?") for c in blocked for k in c.blocked_by})
        shown = "、".join(bad[:5]) + ("等" if len(bad) > 5 else "")
        parts.append(f"另有 {len(blocked)} 个合计未计算：{shown} 不是有效数字，请先改正。")
    return Outcome(EXIT_OK, "".join(parts))


def cmd_clear(book: Any, args: argparse.Namespace) -> Outcome:
    with _screen_frozen(book):
        count = clear_marks(book)
    return Outcome(EXIT_OK, f"已清除 {count} 个单元格的校验标记。")


def cmd_export(book: Any, args: argparse.Namespace) -> Outcome:
    from gknb.rules import summary_line
    from gknb.word.export import ErrorsRemain, export_workbook

    path = Path(str(book.fullname))
    if not path.is_file():
        raise GknbError("请先把工作簿保存到本机文件夹（文件 → 另存为），再导出 Word。")
    saved = getattr(getattr(book, "api", None), "Saved", True)
    if saved is False:
        raise GknbError("工作簿有未保存的修改，请先保存（Ctrl+S），再点“导出Word”。")
    notes: list[str] = []
    seen: list[Finding] = []
    try:
        out = export_workbook(path, force=args.force, notes=notes, on_findings=seen.extend)
    except ErrorsRemain as exc:
        return Outcome(
            EXIT_CONFIRM,
            f"工作簿仍有 {exc.count} 处错误（点“校验”可看到标出的单元格），这样的报告不宜发布。"
            f"\n仍然按现状导出 Word 吗？",
        )
    lines = [f"已导出 Word：{out}", *notes]
    if any(not f.settled for f in seen):
        lines.append(f"校验：{summary_line(seen)}")
    return Outcome(EXIT_OK, "\n".join(lines))


def cmd_text(book: Any, args: argparse.Namespace) -> Outcome:
    """生成说明文字: the sentences of parts 三 and 四 into their own cells of 正文."""
    from gknb.textgen import plan_writes
    from gknb.workbook.contract import GENERATED, TEXT_NAMES
    from gknb.workbook.reader import read_book

    src = XlwingsSource(book)
    texts = service.narrative(read_book(src, str(book.fullname)))
    targets: dict[str, tuple[str, int, int]] = {}
    for part in texts:
        ref = src.name_ref(TEXT_NAMES[part])
        if ref is None:
            raise GknbError(
                f"找不到“正文”中放说明文字的单元格（{TEXT_NAMES[part]}），请用新版模板重新生成工作簿。"
            )
        targets[part] = (ref.sheet, ref.r1, ref.c1)
    current = {p: src.read(Ref(t[0], t[1], t[2], t[1], t[2]))[0][0] for p, t in targets.items()}
    remembered = {}
    for part, (sheet, row, col) in GENERATED.items():
        if _sheet(book, sheet) is not None:
            remembered[part] = src.read(Ref(sheet, row, col, row, col))[0][0]
    write, kept = plan_writes(texts, current, remembered)
    cells: dict[tuple[str, int, int], object] = {}
    for part, text in write.items():
        cells[targets[part]] = text
        if part in remembered:
            cells[GENERATED[part]] = text
    with _screen_frozen(book):
        write_values(book, cells)
    lines = ["已把第三、四部分的说明文字写入“正文”工作表。" if write else ""]
    if kept:
        lines.append(
            "“正文”中的说明文字已被您修改过，未覆盖；新生成的文字可用命令 gknb text 查看。"
        )
    return Outcome(EXIT_OK, "".join(lines))


def cmd_help(book: Any, args: argparse.Namespace) -> Outcome:
    sheet = _sheet(book, README)
    if sheet is None:
        raise GknbError("找不到“说明”工作表，它可能已被删除或改名。")
    sheet.activate()
    sheet.range("A1").select()
    return Outcome(EXIT_OK)


COMMAND_FUNCS: dict[str, Callable[[Any, argparse.Namespace], Outcome]] = {
    "check": cmd_check,
    "fill": cmd_fill,
    "clear": cmd_clear,
    "export": cmd_export,
    "text": cmd_text,
    "help": cmd_help,
}


# ---- entry point -----------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(
            EXIT_INTERNAL,
            f"年报助手收到的参数不对（{message}）。请重新安装年报助手，或更新工作簿模板。\n",
        )


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gknb-excel", description="年报助手 Excel 功能区按钮背后的程序。")
    p.add_argument("command", choices=COMMANDS)
    p.add_argument("--wb", help="工作簿名称（由 Excel 传入）")
    p.add_argument("--from_xl", help="由 Excel 调用时为 1")
    p.add_argument("--app", help="EXCEL.EXE 的路径")
    p.add_argument("--hwnd", help="Excel 窗口句柄")
    p.add_argument("--force", action="store_true", help="仍有错误也导出")
    p.add_argument("--debug", action="store_true", help="出错时显示详细信息")
    return p


def caller_book(args: argparse.Namespace) -> Any:
    """The workbook whose button was clicked: xw.Book.caller(), else found by name."""
    import xlwings as xw

    try:
        return xw.Book.caller()
    except Exception as exc:
        first = exc
    name = (args.wb or "").strip().strip('"')
    leaf = re.split(r"[\\/]", name)[-1].lower()
    try:  # e.g. a name containing "=", which Book.caller() cuts short
        for app in xw.apps:
            if args.hwnd and str(getattr(app, "hwnd", "")) not in ("", str(args.hwnd)):
                continue
            for book in app.books:
                if book.name.lower() == leaf:
                    return book
    except Exception:
        pass
    raise GknbError(  # the cause is shown with --debug / GKNB_DEBUG=1
        f"无法连接到 Excel 中的工作簿“{name or '（未给出）'}”。"
        f"请在 Excel 中打开该工作簿，点击“年报助手”选项卡上的按钮来运行本程序。"
    ) from first


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not when replaced by a test or a host
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    stray = [a for a in unknown if not a.startswith("--")]
    if stray:  # options a newer launcher may add are ignored; stray words are not
        parser.error("多余的参数 " + " ".join(stray))
    debug = args.debug or os.environ.get("GKNB_DEBUG") == "1"
    try:
        book = caller_book(args)
        outcome = COMMAND_FUNCS[args.command](book, args)
    except GknbError as exc:
        if debug:
            traceback.print_exc()
        print(str(exc), file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(
            f"年报助手内部错误：{type(exc).__name__}: {exc}。"
            f"请设置环境变量 GKNB_DEBUG=1 后重试，并把显示的内容发给技术支持。",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    if outcome.stdout:
        print(outcome.stdout)
    return outcome.code


if __name__ == "__main__":
    sys.exit(main())
