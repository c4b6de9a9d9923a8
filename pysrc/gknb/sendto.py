"""Explorer's 发送到 (SendTo) entries: the macro-free path for any PC and for WPS Office.

install.ps1 puts three shortcuts into the user's SendTo folder; each runs

    gknb-excel.exe --sendto <check|fill|export> <the selected files...>

on closed workbooks, with no macro, no Excel and no COM:

    check   校验: marks the problems in the workbook itself (the original is kept as
            *.备份.xlsx, as `gknb check --mark` in place does); a published report (.docx,
            .html, .pdf, .txt) is only checked
    fill    填充合计: writes the totals (backup kept)
    export  导出Word: writes the Word report beside the workbook (asks first while errors remain)

then shows one summary line per file in a Windows message box and opens the result (the marked
workbook or the Word file) in its default program — Excel or WPS. A workbook still open in
Excel, WPS or LibreOffice is refused with "请先关闭", so no unsaved edit is lost.

`--result FILE` writes the answer into FILE (UTF-16, gknb.launch's protocol) instead of showing
it, and `--no-open` leaves the result closed: that is how the tests and
installer/verify-windows.ps1 run this path without a desktop. The exit codes are the ribbon's
(gknb.launch): 0 done, 1 user error, 2 internal error, 3 question (export with errors, when
nobody can be asked).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from gknb.errors import GknbError, quiet_libraries
from gknb.files import backup_path, owner_lock
from gknb.launch import (
    EXIT_CONFIRM,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USER_ERROR,
    SENDTO_TIMEOUT,
    Answer,
    Reply,
    Watchdog,
    result_arg,
    timeout_from_env,
)
from gknb.model import Finding

TITLE = "年报助手"
VERBS = {"check": "校验", "fill": "填充合计", "export": "导出Word"}
MAX_LISTED = 5  # findings listed for a published report


def open_elsewhere(path: Path) -> Path | None:
    """The lock file of a program that has `path` open (gknb.files.owner_lock: Excel, Word,
    WPS, LibreOffice), or `path` itself when Windows says another program holds it."""
    lock = owner_lock(path)
    if lock is not None:
        return lock
    if sys.platform == "win32" and path.is_file():
        try:
            with open(path, "r+b"):
                pass
        except PermissionError:  # a sharing violation: some program has it open
            return path
    return None


def _refuse_if_open(path: Path, verb: str) -> None:
    if open_elsewhere(path) is not None:
        raise GknbError(
            f"{path.name} 正在 Excel 或 WPS 中打开。请先保存并关闭它，"
            f"再右键文件 →“发送到”→“年报助手·{VERBS[verb]}”。"
        )


def _check(path: Path) -> Reply:
    from gknb import service
    from gknb.model import summary_line

    if service.is_workbook(path):
        _refuse_if_open(path, "check")
    result = service.check_file(path)
    if result.error is not None or result.report is None:
        raise GknbError(result.error or f"{path.name} 无法读取。")
    findings, report = result.findings, result.report
    line = f"{path.name}：{summary_line(findings)}。"
    if report.kind == "workbook" and service.is_workbook(path):
        service.mark_copy(path, path, findings)
        if any(not f.settled for f in findings):
            line += f"问题已在工作簿中标色并加批注（原文件备份为 {backup_path(path).name}）。"
        else:
            line += "没有需要改正的地方。"
        return Reply(EXIT_OK, line, [path], result.has_errors)
    open_findings = [f for f in findings if not f.settled]
    listed = [f"  {f.message}" for f in open_findings[:MAX_LISTED]]
    if len(open_findings) > MAX_LISTED:
        listed.append(
            f"  ……另有 {len(open_findings) - MAX_LISTED} 处，用命令 gknb check 查看全部。"
        )
    return Reply(EXIT_OK, "\n".join([line, *listed]), [], result.has_errors)


def _fill(path: Path) -> Reply:
    from gknb import service

    _refuse_if_open(path, "fill")
    result = service.fill_file(path)
    blocked = [c for c in result.changes if c.new is None]
    if result.written:
        line = (
            f"{path.name}：已填充 {result.written} 个合计格（原文件备份为 "
            f"{backup_path(path).name}）。"
        )
    else:
        line = f"{path.name}：合计都已正确，未修改文件。"
    if blocked:
        bad = sorted({result.report.locations.get(k, "?") for c in blocked for k in c.blocked_by})
        shown = "、".join(bad[:5]) + ("等" if len(bad) > 5 else "")
        line += f"另有 {len(blocked)} 个合计未计算：{shown} 不是有效数字，请先改正。"
    return Reply(EXIT_OK, line, [path])


def _export(path: Path, force: bool, ask: Callable[[str], bool] | None) -> Reply:
    from gknb.model import summary_line
    from gknb.word.export import ErrorsRemain, export_workbook

    _refuse_if_open(path, "export")
    notes: list[str] = []
    seen: list[Finding] = []
    try:
        out = export_workbook(path, force=force, notes=notes, on_findings=seen.extend)
    except ErrorsRemain as exc:
        question = (
            f"{path.name} 仍有 {exc.count} 处错误（右键 →“发送到”→“年报助手·校验”可标出），"
            f"这样的报告不宜发布。仍然按现状导出 Word 吗？"
        )
        if ask is None:
            return Reply(EXIT_CONFIRM, question)
        if not ask(question):
            return Reply(EXIT_OK, f"{path.name}：未导出。")
        return _export(path, True, None)
    lines = [f"{path.name}：已导出 Word：{out}", *notes]
    if any(not f.settled for f in seen):
        lines.append(f"校验：{summary_line(seen)}")
    return Reply(EXIT_OK, "\n".join(lines), [out])


def run_one(verb: str, path: Path, force: bool, ask: Callable[[str], bool] | None) -> Reply:
    """One file: never raises; a user error or a crash is that file's answer only."""
    try:
        if not path.is_file():
            raise GknbError(f"找不到文件 {path}。")
        if path.name.startswith("~$"):
            raise GknbError(
                f"{path.name} 是 Excel/WPS 打开文件时留下的临时文件，请选择工作簿本身。"
            )
        if verb == "check":
            return _check(path)
        if verb == "fill":
            return _fill(path)
        return _export(path, force, ask)
    except GknbError as exc:
        text = str(exc)
        return Reply(EXIT_USER_ERROR, text if path.name in text else f"{path.name}：{text}")
    except Exception as exc:
        if os.environ.get("GKNB_DEBUG") == "1":
            traceback.print_exc()
        return Reply(
            EXIT_INTERNAL,
            f"{path.name}：年报助手内部错误：{type(exc).__name__}: {exc}。"
            f"请把这段文字发给技术支持。",
        )


def combine(outcomes: Sequence[Reply]) -> Reply:
    """One answer for several files: their lines, the most serious exit code."""
    rank = {EXIT_OK: 0, EXIT_CONFIRM: 1, EXIT_USER_ERROR: 2, EXIT_INTERNAL: 3}
    code = max((o.code for o in outcomes), key=lambda c: rank.get(c, 3), default=EXIT_OK)
    return Reply(
        code,
        "\n".join(o.text for o in outcomes),
        [p for o in outcomes for p in o.opens],
        any(o.errors for o in outcomes),
    )


# ---- the Windows desktop (thin: a message box, a question, opening a file) -----------------


def _message_box(text: str, flags: int) -> int:
    if sys.platform != "win32":
        raise OSError("a message box needs Windows")
    import ctypes

    MB_SETFOREGROUND, MB_TOPMOST = 0x10000, 0x40000
    user32 = ctypes.windll.user32
    return int(user32.MessageBoxW(None, text, TITLE, flags | MB_SETFOREGROUND | MB_TOPMOST))


def show_windows(code: int, text: str, errors: bool = False) -> None:
    MB_ICONERROR, MB_ICONWARNING, MB_ICONINFORMATION = 0x10, 0x30, 0x40
    icon = MB_ICONINFORMATION
    if code == EXIT_INTERNAL:
        icon = MB_ICONERROR
    elif code != EXIT_OK or errors:
        icon = MB_ICONWARNING
    _message_box(text or "完成。", icon)


def ask_windows(question: str) -> bool:
    MB_YESNO, MB_ICONQUESTION, MB_DEFBUTTON2, IDYES = 0x4, 0x20, 0x100, 6
    return _message_box(question, MB_YESNO | MB_ICONQUESTION | MB_DEFBUTTON2) == IDYES


def hide_console() -> None:
    """The shortcut starts the console program minimised; hide even that — but only a console
    of our own, never the window of a command prompt the program was typed into."""
    if sys.platform != "win32":
        return
    import ctypes

    kernel32 = ctypes.windll.kernel32
    attached = (ctypes.c_uint32 * 4)()
    if kernel32.GetConsoleProcessList(attached, 4) != 1:
        return  # other processes (a cmd.exe) share this console
    hwnd = kernel32.GetConsoleWindow()
    if hwnd:
        ctypes.windll.user32.ShowWindow(hwnd, 0)


def open_in_default_program(path: Path) -> None:
    if sys.platform == "win32":
        os.startfile(path)


# ---- entry -----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise GknbError(
            f"年报助手收到的参数不对（{message}）。请重新运行安装程序，它会重建“发送到”中的项目。"
        )


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="gknb-excel --sendto", description="资源管理器“发送到”菜单中的年报助手。")
    p.add_argument("verb", choices=tuple(VERBS))
    p.add_argument("files", nargs="*")
    p.add_argument("--result", help="把答复写入此文件（UTF-16），不弹出消息框")
    p.add_argument("--no-open", action="store_true", help="完成后不打开结果文件")
    p.add_argument("--force", action="store_true", help="仍有错误也导出 Word")
    return p


def main(argv: Sequence[str]) -> int:
    argv = list(argv)
    quiet_libraries(os.environ.get("GKNB_DEBUG") == "1")
    result = result_arg(argv)
    desktop = result is None and sys.platform == "win32"
    state: dict[str, bool] = {"errors": False}
    if desktop:
        hide_console()
        answer = Answer(None, show=lambda c, t: show_windows(c, t, state["errors"]))
    else:
        answer = Answer(result)
    try:
        args = build_parser().parse_intermixed_args(argv)  # options before or after files
    except GknbError as exc:
        answer.give(EXIT_INTERNAL, str(exc))
        return EXIT_INTERNAL
    if not args.files:
        answer.give(EXIT_USER_ERROR, "请在文件夹中选中工作簿，右键 →“发送到”→“年报助手·…”。")
        return EXIT_USER_ERROR
    with Watchdog(timeout_from_env(SENDTO_TIMEOUT), answer):
        ask = ask_windows if desktop else None
        outcome = combine([run_one(args.verb, Path(f), args.force, ask) for f in args.files])
        state["errors"] = outcome.errors
        answer.give(outcome.code, outcome.text)
    if outcome.code == EXIT_OK and not args.no_open:
        for path in outcome.opens:
            with contextlib.suppress(OSError):  # the summary was shown; opening is a convenience
                open_in_default_program(path)
    return outcome.code
