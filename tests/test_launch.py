"""The launch contract (gknb.launch): how the VBA quotes the engine's arguments, the UTF-16
result file, the watchdog, finite COM retries, OneDrive addresses.

Windows is not here, so its two steps are written down from their documentation and checked
against Python's own Windows quoting (subprocess.list2cmdline, whose output the C runtime
parses back to the same list):
- WScript.Shell's Run expands %NAME% for every NAME defined in the environment
  (ExpandEnvironmentStrings; an undefined %NAME% stays as it is);
- the program's C runtime splits its command line into argv (Microsoft's "Parsing C
  command-line arguments"; argv[0] is read up to the closing quote, without escapes).
The VBA's own Arg()/CommandLine() run in LibreOffice (the template's self-test) on the same
hostile arguments, so the VBA — not only its Python twin — is proven.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
import sys
import threading
import types
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gknb import launch
from gknb.build.__main__ import template_bytes
from gknb.errors import GknbError

# Spaces, Chinese, the characters cmd.exe and Run treat specially, backslashes next to quotes,
# and two characters outside GBK (one outside the BMP).
HOSTILE = [
    r"C:\Users\张 三\Documents\政府信息公开年报\本局 2025年报.xlsm",
    r"D:\a&b\c^d\e!f\100%\%PATH%\%TEMP%x%\年报 & 汇总 (1).xlsm",
    r"C:\新建文件夹\𠀀字 ǅ\报告.xlsm",
    'he said "年报" \\"quoted\\"',
    "trailing backslash\\",
    "two trailing\\\\",
    "%",
    "%%",
    "%a%%b%",
    "",
    " ",
    "\\\\server\\share\\%USERNAME%\\x.xlsm",
    "--wb=年报 2025 =副本= 100%.xlsm",
    'a\\"b\\\\"c',
    "tab\there",
]
ENV = {"PATH": r"C:\Windows", "TEMP": r"C:\Temp", "USERNAME": "张三", "A": "!", "B": "?", "X": "1"}


def expand_environment(text: str, env: dict[str, str]) -> str:
    """ExpandEnvironmentStrings: %NAME% of a defined NAME (any case) is replaced; otherwise the
    first % is kept and the search goes on from the second."""
    lookup = {k.upper(): v for k, v in env.items()}
    out, i = [], 0
    while i < len(text):
        if text[i] == "%":
            j = text.find("%", i + 1)
            if j > i + 1 and text[i + 1 : j].upper() in lookup:
                out.append(lookup[text[i + 1 : j].upper()])
                i = j + 1
                continue
            if j == i + 1:  # "%%": no name
                out.append("%")
                i += 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def parse_command_line(line: str) -> list[str]:
    """The C runtime's (UCRT) split of a command line into argv."""
    args: list[str] = []
    i, n = 0, len(line)
    program: list[str] = []
    quoted = False
    while i < n and (quoted or line[i] not in " \t"):
        if line[i] == '"':
            quoted = not quoted
        else:
            program.append(line[i])
        i += 1
    args.append("".join(program))
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return args
        arg: list[str] = []
        quoted = False
        while i < n:
            ch = line[i]
            if ch == "\\":
                j = i
                while j < n and line[j] == "\\":
                    j += 1
                count = j - i
                if j < n and line[j] == '"':
                    arg.append("\\" * (count // 2))
                    if count % 2:
                        arg.append('"')
                        j += 1
                    i = j
                else:
                    arg.append("\\" * count)
                    i = j
                continue
            if ch == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':  # "" inside quotes
                    arg.append('"')
                    i += 2
                    continue
                quoted = not quoted
                i += 1
                continue
            if ch in " \t" and not quoted:
                break
            arg.append(ch)
            i += 1
        args.append("".join(arg))


def windows_argv(line: str, env: dict[str, str] = ENV) -> list[str]:
    """What the engine receives from WScript.Shell's Run of `line`."""
    return parse_command_line(expand_environment(line, env))


# ---- the parser itself is right ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "argv"),
    [  # the examples of Microsoft's "Parsing C command-line arguments"
        ('prog "a b c" d e', ["prog", "a b c", "d", "e"]),
        (r'prog "ab\"c" "\\" d', ["prog", 'ab"c', "\\", "d"]),
        (r"prog a\\\b d" + '"e f"g h', ["prog", r"a\\\b", "de fg", "h"]),
        (r"prog a\\\"b c d", ["prog", r"a\"b", "c", "d"]),
        (r'prog a\\\\"b c" d e', ["prog", r"a\\b c", "d", "e"]),
        ('prog a"b"" c d', ["prog", 'ab" c d']),
    ],
)
def test_parser_follows_the_documented_examples(line: str, argv: list[str]) -> None:
    assert parse_command_line(line) == argv


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)))
def test_parser_inverts_pythons_windows_quoting(args: list[str]) -> None:
    args = [a.replace("\0", "") for a in args]
    assert parse_command_line(subprocess.list2cmdline(["prog.exe", *args]))[1:] == args


def test_expansion_follows_expandenvironmentstrings() -> None:
    assert (
        expand_environment("%TEMP%\\x %undefined% %path%", ENV)
        == r"C:\Temp\x %undefined% C:\Windows"
    )
    assert expand_environment("100%%PATH%", ENV) == r"100%C:\Windows"


# ---- the quoting rule -------------------------------------------------------------------------


@pytest.mark.parametrize("arg", HOSTILE)
def test_an_argument_survives_run_and_the_c_runtime(arg: str) -> None:
    line = launch.command_line(r"C:\Users\张 三\AppData\Local\gknb\gknb-excel.exe", [arg, "x"])
    assert windows_argv(line) == [r"C:\Users\张 三\AppData\Local\gknb\gknb-excel.exe", arg, "x"]


def test_plain_windows_quoting_would_be_expanded() -> None:
    """Why % needs the rule: the quoting Python itself uses loses the name to Run's expansion."""
    arg = r"D:\100%\%PATH%\x.xlsm"
    assert windows_argv(subprocess.list2cmdline(["p.exe", arg]))[1] != arg
    assert windows_argv(launch.command_line("p.exe", [arg]))[1] == arg


_PIECES = st.sampled_from(["a", " ", "张", "𠀀", "ǅ", "\\", '"', "%", "&", "^", "!", "=", "%PATH%"])


@given(st.lists(st.lists(_PIECES, max_size=10).map("".join), max_size=5))
def test_any_arguments_survive(args: list[str]) -> None:
    assert windows_argv(launch.command_line("gknb-excel.exe", args)) == ["gknb-excel.exe", *args]


def test_the_vba_twin_is_the_same_rule() -> None:
    """Arg() in the VBA and quote_arg name the same steps (the LibreOffice test runs Arg())."""
    bas = (Path(__file__).resolve().parents[1] / "addin" / "GknbLauncher.bas").read_text()
    assert "Public Function Arg(ByVal s As String) As String" in bas
    assert 'String$(2 * slashes + 1, "\\") & """"' in bas  # backslashes before a quote
    assert 'Arg = r & String$(2 * slashes, "\\") & """"' in bas  # before the closing quote
    assert "cmd.exe" not in bas.lower() and "cmd /c" not in bas.lower()
    assert re.search(r"sh\.Run\(cmdLine, 0, True\)", bas)
    assert 'Arg("--result=" & resultFile)' in bas  # one token: older engines ignore it


def test_vba_builds_the_same_command_line_in_libreoffice(
    tmp_path: Path, vba_selftest: Callable[[Path], str]
) -> None:
    """The template's own Arg()/CommandLine() (SelfTest.bas reads the lines of cell AX1001 of
    the last sheet and answers cmd=<UTF-16 hex>)."""
    program = r"C:\Users\张 三\AppData\Local\gknb\gknb-excel.exe"
    args = [a for a in HOSTILE if "\t" not in a and a.strip()]  # one cell, lines of text
    src = tmp_path / "src.xlsm"
    src.write_bytes(template_bytes("2021"))
    wb = openpyxl.load_workbook(src, keep_vba=True)
    wb.worksheets[-1].cell(1001, 50).value = "\n".join([program, *args])
    book = tmp_path / "参数 测试 &%^!.xlsm"
    wb.save(book)
    result = vba_selftest(book)
    m = re.search(r" cmd=([0-9A-F]+) end$", result)
    assert m, result
    line = (
        bytes.fromhex(m.group(1))
        .decode("utf-16-be", "surrogatepass")
        .encode("utf-16", "surrogatepass")
        .decode("utf-16")
    )
    assert line == launch.command_line(program, args)
    assert windows_argv(line) == [program, *args]


# ---- the result file and the engine's side --------------------------------------------------


def _weird_dir(tmp_path: Path) -> Path:
    d = tmp_path / "结果 &%PATH%^!𠀀ǅ"
    d.mkdir()
    return d


def test_result_file_is_utf16_with_bom(tmp_path: Path) -> None:
    path = _weird_dir(tmp_path) / "答复 1.txt"
    launch.write_result(path, "校验完成：错误 1 处\n𠀀ǅ & %PATH%")
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE)
    assert data[2:].decode("utf-16-le") == "校验完成：错误 1 处\n𠀀ǅ & %PATH%"
    assert launch.read_result(path) == "校验完成：错误 1 处\n𠀀ǅ & %PATH%"
    assert [p.name for p in path.parent.iterdir()] == ["答复 1.txt"]  # no .part left


def test_the_engine_parses_the_vbas_arguments_and_answers_in_the_result_file(
    tmp_path: Path,
) -> None:
    """The argv the VBA's command line gives (parsed the Windows way) reaches the engine, which
    answers in the named result file. Without Excel the answer is the user error saying so."""
    result = _weird_dir(tmp_path) / "gknb-答复 &%TEMP%.txt"
    name = "年报 & 汇总 100%PATH%^!𠀀ǅ.xlsm"
    line = launch.command_line(
        "gknb-excel.exe",
        ["check", f"--result={result}", f"--wb={name}", "--from_xl=1", "--hwnd=1"],
    )
    argv = windows_argv(line)[1:]
    proc = subprocess.run(
        [sys.executable, "-m", "gknb.excel", *argv],
        capture_output=True,
        timeout=120,
        env=dict(os.environ, PYTHONIOENCODING="ascii"),  # the answer must not need stdout
    )
    assert proc.returncode == launch.EXIT_USER_ERROR, proc.stderr
    assert proc.stdout == b""
    answer = launch.read_result(result)
    assert answer.startswith(f"无法连接到 Excel 中的工作簿“{name}”")
    assert "Traceback" not in answer


def test_bad_arguments_are_answered_in_the_result_file(tmp_path: Path) -> None:
    from gknb import excel

    result = tmp_path / "r.txt"
    code = excel.main(["frobnicate", "--result", str(result)])
    assert code == launch.EXIT_INTERNAL
    assert "参数不对" in launch.read_result(result)


def test_without_a_result_file_answers_go_to_the_old_streams(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Templates made before the result file still read stdout (0, 3) and stderr (1, 2)."""
    launch.Answer(None).give(launch.EXIT_OK, "完成")
    launch.Answer(None).give(launch.EXIT_USER_ERROR, "请先关闭")
    out, err = capsys.readouterr()
    assert (out, err) == ("完成\n", "请先关闭\n")


def test_an_unwritable_result_file_is_reported_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = launch.Answer(str(tmp_path / "没有这个文件夹" / "r.txt"))
    assert answer.give(launch.EXIT_OK, "完成")
    assert "无法写入结果文件" in capsys.readouterr().err


# ---- the watchdog and COM retries -----------------------------------------------------------


def test_the_watchdog_ends_a_stuck_engine_with_a_chinese_answer(tmp_path: Path) -> None:
    result = tmp_path / "答复.txt"
    script = (
        "import time, gknb.launch as l\n"
        f"a = l.Answer({str(result)!r})\n"
        "with l.Watchdog(0.5, a):\n"
        "    time.sleep(60)\n"
        "    a.give(0, 'never')\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], timeout=30, capture_output=True)
    assert proc.returncode == launch.EXIT_USER_ERROR
    answer = launch.read_result(result)
    assert answer.startswith("年报助手在 0.5 秒内没有完成，已停止") and "发送到" in answer


def test_the_watchdog_stays_quiet_once_the_engine_answered(tmp_path: Path) -> None:
    answer = launch.Answer(str(tmp_path / "r.txt"))
    exits: list[int] = []
    with launch.Watchdog(0.05, answer, exit_=exits.append) as dog:
        answer.give(launch.EXIT_OK, "完成")
        threading.Event().wait(0.3)
    assert not dog.fired.is_set() and exits == []
    assert launch.read_result(tmp_path / "r.txt") == "完成"


def test_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(launch.TIMEOUT_ENV, "7.5")
    assert launch.timeout_from_env(120) == 7.5
    for bad in ("", "abc", "0", "-3"):
        monkeypatch.setenv(launch.TIMEOUT_ENV, bad)
        assert launch.timeout_from_env(120) == 120


def test_com_retries_become_finite() -> None:
    fake = types.ModuleType("fake_xlwindows")
    fake.N_COM_ATTEMPTS = 0  # type: ignore[attr-defined]  # xlwings' "for ever"
    assert launch.limit_com_retries(fake)
    assert fake.N_COM_ATTEMPTS == launch.COM_ATTEMPTS > 0  # type: ignore[attr-defined]  # set above
    assert not launch.limit_com_retries(types.ModuleType("no_such_setting"))
    if sys.platform != "win32":
        assert not launch.limit_com_retries()  # no COM engine here: nothing to limit


# ---- OneDrive / SharePoint --------------------------------------------------------------------


def test_onedrive_address_maps_to_the_synced_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "OneDrive"
    book = root / "文档" / "政府信息公开年报" / "本局 2025年报.xlsm"
    book.parent.mkdir(parents=True)
    book.write_bytes(b"x")
    monkeypatch.setenv("OneDrive", str(root))
    monkeypatch.setenv("OneDriveConsumer", str(root))
    url = "https://d.docs.live.net/1a2b3c4d5e6f/文档/政府信息公开年报/本局 2025年报.xlsm"
    assert launch.local_path(url) == book
    escaped = "https://d.docs.live.net/1a2b3c4d5e6f/%E6%96%87%E6%A1%A3/%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E5%B9%B4%E6%8A%A5/%E6%9C%AC%E5%B1%80%202025%E5%B9%B4%E6%8A%A5.xlsm"
    assert launch.local_path(escaped) == book


def test_onedrive_for_business_address_maps_to_the_synced_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "OneDrive - 某某局"
    book = root / "年报" / "2025.xlsm"
    book.parent.mkdir(parents=True)
    book.write_bytes(b"x")
    monkeypatch.setenv("OneDriveCommercial", str(root))
    url = "https://moujuju-my.sharepoint.com/personal/zhang_moujuju_gov_cn/Documents/年报/2025.xlsm"
    assert launch.local_path(url) == book


def test_an_address_without_a_synced_file_is_refused_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("OneDrive", "OneDriveConsumer", "OneDriveCommercial"):
        monkeypatch.setenv(var, str(tmp_path / "empty"))
    with pytest.raises(GknbError, match="在本机没有找到它的同步文件"):
        launch.local_path("https://d.docs.live.net/abc/文档/不存在.xlsm")
    with pytest.raises(GknbError, match="同步"):
        launch.local_path("https://example.gov.cn/unknown/x.xlsm")


def test_a_local_path_is_taken_as_it_is() -> None:
    assert launch.local_path(r"C:\年报\x.xlsm") == Path(r"C:\年报\x.xlsm")
