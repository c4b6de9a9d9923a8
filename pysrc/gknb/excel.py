"""The engine behind the Excel ribbon (python -m gknb.excel, frozen as gknb-excel.exe).

The VBA launcher (addin/GknbLauncher.bas) starts it directly (no cmd.exe):

    gknb-excel <check|fill|clear|export|text|help> [--force] "--result=<file>"
               "--wb=<Book.Name>" --from_xl=1 --hwnd=<hwnd>

waits, and reads the answer from the result file. gknb.launch holds that contract (argument
quoting, the UTF-16 result file, exit codes 0 done / 1 user error / 2 internal error /
3 question, the watchdog); `gknb-excel --sendto ...` is Explorer's 发送到 path (gknb.sendto).

This is the only module that knows about the ribbon: it parses the launcher's arguments, finds
the workbook (`Book.caller()`), runs the operation — the same `gknb.workbook.ops` function the
command line runs, over the live book through `gknb.workbook.live.XlwingsBook` — and turns its
result into the exit code and answer the launcher expects.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from gknb.errors import GknbError, quiet_libraries
from gknb.launch import (
    EXIT_CONFIRM,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USER_ERROR,
    RIBBON_TIMEOUT,
    Answer,
    Reply,
    Watchdog,
    limit_com_retries,
    local_path,
    result_arg,
    timeout_from_env,
)
from gknb.model import Finding, Report, Severity
from gknb.workbook import ops
from gknb.workbook.contract import README
from gknb.workbook.live import XlwingsBook
from gknb.workbook.marks import parse_address

COMMANDS = ("check", "fill", "clear", "export", "text", "help")


# ---- commands: each the shared operation over the live book, and its message ------------------


def _read(book: XlwingsBook) -> Report:
    from gknb.workbook.reader import read_book

    return read_book(book, book.source)


def first_cell(findings: list[Finding]) -> str | None:
    """The first error's cell, else the first cell of any open finding."""
    open_ = [f for f in findings if f.cell and not f.settled]
    errors = [f for f in open_ if f.severity == Severity.ERROR]
    first = errors[0] if errors else open_[0] if open_ else None
    return first.cell if first else None


def cmd_check(book: XlwingsBook, args: argparse.Namespace) -> Reply:
    from gknb import service
    from gknb.workbook.marks import summary

    findings = service.check(_read(book))
    with book.frozen():
        ops.mark(book, findings)
    target = first_cell(findings)
    if target:
        book.select(parse_address(target))
    return Reply(EXIT_OK, summary(findings))


def cmd_fill(book: XlwingsBook, args: argparse.Namespace) -> Reply:
    with book.frozen():
        result = ops.fill(book, _read(book))
    parts = [
        f"已填充 {result.written} 个合计格。" if result.written else "合计都已正确，未作修改。"
    ]
    if result.blocked:
        locations = result.report.locations
        bad = sorted({locations.get(k, "?") for c in result.blocked for k in c.blocked_by})
        shown = "、".join(bad[:5]) + ("等" if len(bad) > 5 else "")
        parts.append(f"另有 {len(result.blocked)} 个合计未计算：{shown} 不是有效数字，请先改正。")
    return Reply(EXIT_OK, "".join(parts))


def cmd_clear(book: XlwingsBook, args: argparse.Namespace) -> Reply:
    with book.frozen():
        count = ops.clear(book)
    return Reply(EXIT_OK, f"已清除 {count} 个单元格的校验标记。")


def cmd_export(book: XlwingsBook, args: argparse.Namespace) -> Reply:
    from gknb.model import summary_line
    from gknb.word.export import ErrorsRemain, export_workbook

    path = local_path(book.source)  # also an https:// name xlwings could not map itself
    if not path.is_file():
        raise GknbError("请先把工作簿保存到本机文件夹（文件 → 另存为），再导出 Word。")
    saved = getattr(getattr(book.book, "api", None), "Saved", True)
    if saved is False:
        raise GknbError("工作簿有未保存的修改，请先保存（Ctrl+S），再点“导出Word”。")
    notes: list[str] = []
    seen: list[Finding] = []
    try:
        out = export_workbook(path, force=args.force, notes=notes, on_findings=seen.extend)
    except ErrorsRemain as exc:
        return Reply(
            EXIT_CONFIRM,
            f"工作簿仍有 {exc.count} 处错误（点“校验”可看到标出的单元格），这样的报告不宜发布。"
            f"\n仍然按现状导出 Word 吗？",
        )
    lines = [f"已导出 Word：{out}", *notes]
    if any(not f.settled for f in seen):
        lines.append(f"校验：{summary_line(seen)}")
    return Reply(EXIT_OK, "\n".join(lines))


def cmd_text(book: XlwingsBook, args: argparse.Namespace) -> Reply:
    """生成说明文字: the sentences of parts 三 and 四 into their own cells of 正文."""
    with book.frozen():
        result = ops.write_text(book, _read(book))
    lines = ["已把第三、四部分的说明文字写入“正文”工作表。" if result.written else ""]
    if result.kept:
        lines.append(
            "“正文”中的说明文字已被您修改过，未覆盖；新生成的文字可用命令 gknb text 查看。"
        )
    return Reply(EXIT_OK, "".join(lines))


def cmd_help(book: XlwingsBook, args: argparse.Namespace) -> Reply:
    if README not in book.sheet_names():
        raise GknbError("找不到“说明”工作表，它可能已被删除或改名。")
    sheet = book.book.sheets[README]
    sheet.activate()
    sheet.range("A1").select()
    return Reply(EXIT_OK)


COMMAND_FUNCS: dict[str, Callable[[XlwingsBook, argparse.Namespace], Reply]] = {
    "check": cmd_check,
    "fill": cmd_fill,
    "clear": cmd_clear,
    "export": cmd_export,
    "text": cmd_text,
    "help": cmd_help,
}


# ---- entry point -----------------------------------------------------------------------------


class _BadArguments(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _BadArguments(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gknb-excel", description="年报助手 Excel 功能区按钮背后的程序。")
    p.add_argument("command", choices=COMMANDS)
    p.add_argument("--result", help="把答复写入此文件（UTF-16，由功能区按钮传入）")
    p.add_argument("--wb", help="工作簿名称（由 Excel 传入）")
    p.add_argument("--from_xl", help="由 Excel 调用时为 1")
    p.add_argument("--app", help="EXCEL.EXE 的路径（旧版模板传入，不再使用）")
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


def require_local(book: Any) -> None:
    """A workbook opened from OneDrive/SharePoint has an https:// FullName: it must have a
    synced local file (launch.local_path says what to do when it has none)."""
    try:
        fullname = str(book.api.FullName)
    except Exception:
        return  # not COM (tests): the name is what the book says
    local_path(fullname)


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not when replaced by a test or a host
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(encoding="utf-8")


def run_command(args: argparse.Namespace, debug: bool) -> Reply:
    """The button's answer: its exit code and text; never raises."""
    try:
        caller = caller_book(args)
        require_local(caller)
        book = XlwingsBook(caller)
        return COMMAND_FUNCS[args.command](book, args)
    except GknbError as exc:
        if debug:
            traceback.print_exc()
        return Reply(EXIT_USER_ERROR, str(exc))
    except Exception as exc:
        if debug:
            traceback.print_exc()
        return Reply(
            EXIT_INTERNAL,
            f"年报助手内部错误：{type(exc).__name__}: {exc}。"
            f"请设置环境变量 GKNB_DEBUG=1 后重试，并把显示的内容发给技术支持。",
        )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--sendto"]:
        from gknb.sendto import main as sendto_main

        return sendto_main(argv[1:])
    _utf8_streams()
    answer = Answer(result_arg(argv))
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        stray = [a for a in unknown if not a.startswith("--")]
        if stray:  # options a newer launcher may add are ignored; stray words are not
            raise _BadArguments("多余的参数 " + " ".join(stray))
    except _BadArguments as exc:
        answer.give(
            EXIT_INTERNAL,
            f"年报助手收到的参数不对（{exc}）。请重新安装年报助手，或更新工作簿模板。",
        )
        return EXIT_INTERNAL
    debug = args.debug or os.environ.get("GKNB_DEBUG") == "1"
    quiet_libraries(debug)
    limit_com_retries()
    with Watchdog(timeout_from_env(RIBBON_TIMEOUT), answer):
        reply = run_command(args, debug)
        answer.give(reply.code, reply.text)
    return reply.code


if __name__ == "__main__":
    sys.exit(main())
