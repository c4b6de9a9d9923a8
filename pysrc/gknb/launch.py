"""How the engine is started and how it answers: the contract between gknb-excel and its
callers (the ribbon's VBA, addin/GknbLauncher.bas, and Explorer's 发送到 entries).

The VBA starts the engine directly with WScript.Shell's Run (no cmd.exe, no redirection) and
names a result file on the command line:

    gknb-excel <check|fill|clear|export|text|help> [--force] "--result=<file>"
               "--wb=<Workbook.Name>" --from_xl=1 --hwnd=<Application.Hwnd>

Every argument is quoted by the rule of `quote_arg` (the VBA's `Arg()`), so that the C
runtime's parsing gives back the exact text and WScript.Shell's expansion of %VARIABLES%
finds nothing to expand. The engine writes its answer, one text, into the result file as
UTF-16 LE with a BOM (the VBA reads it with FileSystemObject in Unicode mode), and exits with

    0  done; the text (may be empty) is a summary for an information box
    1  user error, or the engine gave up (watchdog); the text says what to do
    2  internal error; the text says so in Chinese (a traceback only with GKNB_DEBUG=1)
    3  a question (export while errors remain); on Yes the caller runs again with --force

A watchdog ends the engine after a bounded time with a Chinese message, so a stuck COM call
never leaves Excel waiting for ever; xlwings' COM retries are made finite for the same reason.
Without --result (templates built before the result file existed) the text goes to stdout
(exit 0 and 3) or stderr (1 and 2), as those templates expect.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from gknb.errors import GknbError

EXIT_OK, EXIT_USER_ERROR, EXIT_INTERNAL, EXIT_CONFIRM = 0, 1, 2, 3
RIBBON_TIMEOUT = 120.0  # seconds Excel may wait for a button (it is frozen meanwhile)
SENDTO_TIMEOUT = 600.0  # a 发送到 run freezes nothing, but must end too
COM_ATTEMPTS = 20  # xlwings retries a COM call Excel rejects as busy; 0 would mean for ever
TIMEOUT_ENV = "GKNB_TIMEOUT"


@dataclass
class Reply:
    """The engine's answer to a ribbon button or a 发送到 entry: an exit code (above) and one
    text for the clerk; a 发送到 run may also name files to open and flag that errors were
    found (its message box then shows a warning icon)."""

    code: int
    text: str = ""
    opens: list[Path] = field(default_factory=list)  # what to open in its default program
    errors: bool = False  # the check found errors


# ---- the command line ------------------------------------------------------------------------


def quote_arg(arg: str) -> str:
    """One argument as the VBA's Arg() writes it (mirrors addin/GknbLauncher.bas).

    The C runtime's rule (what CommandLineToArgvW and Python's sys.argv on Windows follow):
    inside double quotes, n backslashes before a quote are written 2n+1 times before it, and
    doubled before the closing quote. Every run of % is written outside the quotes ("%"), so
    that each % touches a double quote: WScript.Shell expands %NAME% before it starts the
    program, and no environment variable is named with a quote in it.
    """
    out = ['"']
    backslashes = 0
    i = 0
    while i < len(arg):
        ch = arg[i]
        if ch == "\\":
            backslashes += 1
            i += 1
            continue
        if ch == '"':
            out.append("\\" * (2 * backslashes + 1) + '"')
        elif ch == "%":
            j = i
            while j < len(arg) and arg[j] == "%":
                j += 1
            out.append("\\" * (2 * backslashes) + '"' + arg[i:j] + '"')
            i, backslashes = j, 0
            continue
        else:
            out.append("\\" * backslashes + ch)
        backslashes = 0
        i += 1
    out.append("\\" * (2 * backslashes) + '"')
    return "".join(out)


def quote_program(path: str) -> str:
    """The program's path as the VBA's Program() writes it: in plain quotes (Run takes the
    file name up to the closing quote; the C runtime reads argv[0] without escapes)."""
    return f'"{path}"'


def command_line(program: str, args: Sequence[str]) -> str:
    """The whole command line the VBA's CommandLine() hands to WScript.Shell's Run."""
    return " ".join([quote_program(program), *(quote_arg(a) for a in args)])


def result_arg(argv: Sequence[str]) -> str | None:
    """--result FILE or --result=FILE, found even when the other arguments cannot be parsed."""
    for i, arg in enumerate(argv):
        if arg.startswith("--result="):
            return arg.split("=", 1)[1]
        if arg == "--result" and i + 1 < len(argv):
            return argv[i + 1]
    return None


# ---- the answer ------------------------------------------------------------------------------


class Answer:
    """The engine's one answer: into the result file when one was named, else to `show`
    (发送到: a message box) when given, else stdout/stderr.

    Given once: whichever of the command and the watchdog answers first wins."""

    def __init__(
        self, result: str | None, show: Callable[[int, str], object] | None = None
    ) -> None:
        self.result = Path(result) if result else None
        self.show = show
        self._lock = threading.Lock()
        self.given: tuple[int, str] | None = None

    def give(self, code: int, text: str) -> bool:
        with self._lock:
            if self.given is not None:
                return False
            self.given = (code, text)
            if self.result is not None:
                try:
                    write_result(self.result, text)
                    return True
                except OSError as exc:  # the caller shows "no answer"; say why where we can
                    text = f"无法写入结果文件 {self.result}：{exc}\n{text}"
                    code = EXIT_INTERNAL
            if self.show is not None:
                self.show(code, text)
            elif text:
                stream = sys.stdout if code in (EXIT_OK, EXIT_CONFIRM) else sys.stderr
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    print(text, file=stream, flush=True)
            return True


def write_result(path: Path, text: str) -> None:
    """UTF-16 LE with BOM (FileSystemObject's Unicode format), written whole then renamed."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le", "surrogatepass"))
    os.replace(tmp, path)


def read_result(path: Path) -> str:
    """What write_result wrote (used by tests and the Windows acceptance script's twin)."""
    data = path.read_bytes()
    if not data.startswith(codecs.BOM_UTF16_LE):
        raise ValueError(f"{path} 没有 UTF-16 LE BOM")
    return data[2:].decode("utf-16-le")


# ---- the watchdog ----------------------------------------------------------------------------


def timeout_from_env(default: float) -> float:
    """GKNB_TIMEOUT (seconds) where set to a positive number, else the default."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def timeout_message(seconds: float) -> str:
    return (
        f"年报助手在 {seconds:g} 秒内没有完成，已停止，工作簿未被改动或只改动了一部分。"
        f"常见原因是 Excel 正忙：请关闭 Excel 中打开的对话框、按 Esc 结束单元格编辑，再点一次按钮。"
        f"如果仍然这样，请保存并关闭工作簿，右键工作簿 →“发送到”→“年报助手·校验”。"
    )


class Watchdog:
    """Ends the process after `seconds` with the Chinese timeout message as its answer."""

    def __init__(
        self,
        seconds: float,
        answer: Answer,
        exit_: Callable[[int], object] = os._exit,
    ) -> None:
        self.seconds = seconds
        self.answer = answer
        self.exit = exit_
        self.fired = threading.Event()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        if self.answer.give(EXIT_USER_ERROR, timeout_message(self.seconds)):
            self.fired.set()
            self.exit(EXIT_USER_ERROR)

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def limit_com_retries(module: ModuleType | None = None, attempts: int = COM_ATTEMPTS) -> bool:
    """Make xlwings give up a COM call Excel keeps rejecting (xlwings retries for ever by
    default). False where xlwings' Windows engine is not available."""
    target: Any = module
    if target is None:
        try:
            import xlwings._xlwindows as xlwindows
        except Exception:  # not Windows, or no pywin32
            return False
        target = xlwindows
    if not hasattr(target, "N_COM_ATTEMPTS"):
        return False
    target.N_COM_ATTEMPTS = attempts
    return True


# ---- OneDrive / SharePoint -------------------------------------------------------------------


def local_path(fullname: str) -> Path:
    """The local file behind a workbook's FullName.

    Excel gives an https:// address for a workbook in a folder synced by OneDrive or
    SharePoint (AutoSave). It is mapped to the synced file the way xlwings maps it (the
    OneDrive, OneDriveCommercial and OneDriveConsumer folders, SharePoint's mount points in
    the registry), also with %XX escapes decoded; a GknbError says what to do when there is no
    local copy."""
    if "://" not in fullname:
        return Path(fullname)
    from xlwings.utils import fullname_url_to_local_path

    candidates = [fullname]
    unquoted = urllib.parse.unquote(fullname)
    if unquoted != fullname:
        candidates.append(unquoted)
    for url in candidates:
        try:
            found = Path(fullname_url_to_local_path(url))
        except Exception:  # xlwings raises XlwingsError, or OSError/KeyError on odd setups
            continue
        if found.is_file():
            return found
    raise GknbError(
        f"此工作簿是从网络位置打开的：{fullname}\n"
        f"在本机没有找到它的同步文件，年报助手只能处理本机文件。请在 OneDrive 设置中同步该文件夹"
        f"（或把文件下载到本机文件夹），从本机路径打开后再点按钮。"
    )
