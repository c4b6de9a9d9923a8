"""gknb.excel, the ribbon's engine, run on Linux through xlwings' remote engine.

The remote engine takes the workbook as a JSON payload and records every change as an action
instead of applying it, so the tests assert on the recorded actions: which cells get a fill and
a note, what is written where, which ranges are read. The expected findings come from the
openpyxl adapter reading the same workbook from a file, so both adapters must agree.
"""

from __future__ import annotations

import importlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gknb import excel, rules, service
from gknb.formats import FORMATS
from gknb.model import Severity
from gknb.synth import consistent_values
from gknb.workbook.book import Fill
from gknb.workbook.contract import (
    COLORS,
    MARKS,
    README,
    RESULTS,
    TABLE_SHEETS,
    template_locations,
)
from gknb.workbook.live import XlwingsBook
from gknb.workbook.marks import parse_address, plan_marks, summary
from support.books import filled_workbook
from support.xlwings_remote import remote_book_json

ARGS = ["--wb=测试局2025年报.xlsm", "--from_xl=1", r"--app=C:\Office\EXCEL.EXE", "--hwnd=1234"]


@pytest.fixture(scope="module")
def xw() -> Iterator[Any]:
    """xlwings with its remote engine (PRO features under the noncommercial licence key)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
        import xlwings

        if not xlwings.__pro__:  # imported earlier without the key: the check runs at import
            xlwings = importlib.reload(xlwings)
        assert xlwings.__pro__, "xlwings' remote engine is not available"
        yield xlwings
        if hasattr(xlwings.Book, "_mock_caller"):
            del xlwings.Book._mock_caller


def _filled(version: str = "2021", seed: int = 3) -> openpyxl.Workbook:
    return filled_workbook(version, seed=seed, year=2025)


def _set(wb: openpyxl.Workbook, key: tuple[str, str, str], value: object) -> str:
    where = template_locations(FORMATS["2021"])[key]
    sheet, row, col = parse_address(where)
    wb[sheet].cell(row, col).value = value
    return where


def run(
    xw: Any,
    wb: openpyxl.Workbook,
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    name: str = "测试局2025年报.xlsm",
) -> tuple[int, str, str, Any]:
    book = xw.Book(json=remote_book_json(wb, name))
    book.set_mock_caller()
    code = excel.main([*args, *ARGS])
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip(), book


def actions(book: Any, app_level: bool = False) -> list[dict[str, Any]]:
    """Recorded actions; screen updating switches only with app_level=True."""
    data = book.json()
    acts = (json.loads(data) if isinstance(data, str) else data)["actions"]
    return [a for a in acts if app_level or a["func"] != "setScreenUpdating"]


def _shown(rows: list[list[Any]]) -> list[list[Any]]:
    """Values as Excel shows them: a leading ' only marks text and is not part of the value."""
    return [[v[1:] if isinstance(v, str) and v.startswith("'") else v for v in row] for row in rows]


def _cells(action: dict[str, Any], sheetnames: list[str]) -> set[tuple[str, int, int]]:
    sheet = sheetnames[action["sheet_position"]]
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    return {
        (sheet, r0 + i, c0 + j)
        for i in range(action["row_count"])
        for j in range(action["column_count"])
    }


def _colored(acts: list[dict[str, Any]], sheetnames: list[str]) -> dict[tuple[str, int, int], Any]:
    """Cell -> colour set by setRangeColor(s) actions, later actions winning."""
    out: dict[tuple[str, int, int], Any] = {}
    for a in acts:
        if a["func"] not in ("setRangeColors", "setRangeColor"):
            continue
        sheet = sheetnames[a["sheet_position"]]
        r0, c0 = a["start_row"] + 1, a["start_column"] + 1
        if a["func"] == "setRangeColors":
            for i, row in enumerate(a["args"][0]):
                for j, color in enumerate(row):
                    if color != "keep":
                        out[(sheet, r0 + i, c0 + j)] = color
        elif a["func"] == "setRangeColor":
            for cell in _cells(a, sheetnames):
                out[cell] = a["args"][0] if isinstance(a["args"], list) else a["args"]
    return out


def _expected(wb: openpyxl.Workbook, tmp_path: Path) -> list[Any]:
    """Findings of the same workbook read from a file by the openpyxl adapter."""
    path = tmp_path / "same.xlsx"
    wb.save(path)
    return rules.check(service.read_workbook(path))


def _broken(wb: openpyxl.Workbook) -> dict[str, str]:
    """Known errors: a wrong T3 input (R1/R2/R3 fire on totals), a unit in a cell (R5b), a wrong
    T4 total (R4)."""
    locs = template_locations(FORMATS["2021"])
    key = ("T3", "r1_open", "natural")
    sheet, row, col = parse_address(locs[key])
    old = wb[sheet].cell(row, col).value
    wb[sheet].cell(row, col).value = (old or 0) + 5
    unit = _set(wb, ("T3", "r1_open", "commercial"), "4个")
    t4 = ("T4", "all", "rv_total")
    sheet, row, col = parse_address(locs[t4])
    wb[sheet].cell(row, col).value = (wb[sheet].cell(row, col).value or 0) + 1
    return {"changed": locs[key], "unit": unit, "t4_total": locs[t4]}


# ---- check -------------------------------------------------------------------------------------


def test_check_marks_exactly_the_expected_cells(
    xw: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = _filled()
    where = _broken(wb)
    expected = _expected(wb, tmp_path)
    marks = plan_marks(expected)
    assert any(f.severity is Severity.ERROR for f in expected)
    assert {where["unit"], where["t4_total"]} <= {f.cell for f in expected}

    reads: list[Any] = []
    original_read = XlwingsBook.read

    def counting_read(self: XlwingsBook, ref: Any) -> Any:
        reads.append(ref)
        return original_read(self, ref)

    monkeypatch.setattr(XlwingsBook, "read", counting_read)
    code, out, err, book = run(xw, wb, ["check"], capsys)
    assert (code, err) == (0, "")
    assert out == summary(expected)
    assert out.startswith("校验完成：错误")

    names = wb.sheetnames
    acts = actions(book)
    notes = {next(iter(_cells(a, names))): a["args"][1] for a in acts if a["func"] == "addNote"}
    assert notes == {(m.sheet, m.row, m.col): m.note for m in marks}
    colored = _colored(acts, names)
    marked = {k: v for k, v in colored.items() if k[0] != RESULTS}
    assert marked == {(m.sheet, m.row, m.col): f"#{m.color.lower()}" for m in marks}

    # each table is read with one range read
    for table, sheet in TABLE_SHEETS.items():
        table_reads = [r for r in reads if r.sheet == sheet]
        assert len(table_reads) == 1, (table, table_reads)

    # the registry of what was painted, one write
    registry = [a for a in acts if a["func"] == "setValues" and names[a["sheet_position"]] == MARKS]
    assert len(registry) == 1
    rows = _shown(registry[0]["values"])
    assert registry[0]["start_row"] == 1 and len(rows) == len(marks)
    assert {(r[0], r[1]) for r in rows} == {
        (m.sheet, f"{openpyxl.utils.get_column_letter(m.col)}{m.row}") for m in marks
    }

    # 校验结果: the summary and one row per finding, in one write; links to the cells
    res = [a for a in acts if a["func"] == "setValues" and names[a["sheet_position"]] == RESULTS]
    title = next(a for a in res if a["start_row"] == 0)
    assert _shown(title["values"]) == [[f"校验结果：{out.removeprefix('校验完成：')}"]]
    table = next(a for a in res if a["start_row"] == 2)
    assert len(table["values"]) == len(expected)
    for row, f in zip(_shown(table["values"]), expected, strict=True):
        assert row[2] == f.rule and row[11] == f.fingerprint
        if f.cell:
            sheet, r, c = parse_address(f.cell)
            assert row[6].startswith('=HYPERLINK("#')
            assert f"!{openpyxl.utils.get_column_letter(c)}{r}" in row[6]
    level_colors = {k[1]: v for k, v in colored.items() if k[0] == RESULTS and k[2] == 2}
    assert level_colors == {
        3 + i: f"#{COLORS[f.severity.value].lower()}" for i, f in enumerate(expected)
    }

    # repainting is suspended while the marks are written
    first = actions(book, app_level=True)[0]
    assert (first["func"], first["args"]) == ("setScreenUpdating", [False])

    # the first error cell is selected
    first = next(f for f in expected if f.severity is Severity.ERROR and f.cell)
    sheet, r, c = parse_address(first.cell)
    select = [a for a in acts if a["func"] == "rangeSelect"]
    assert select and _cells(select[-1], names) == {(sheet, r, c)}


def test_check_of_a_consistent_book_finds_no_error(
    xw: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = _filled(seed=5)
    expected = _expected(wb, tmp_path)
    code, out, _, book = run(xw, wb, ["check"], capsys)
    assert code == 0 and out == summary(expected)
    acts = actions(book)
    cells_with_notes = [a for a in acts if a["func"] == "addNote"]
    assert len(cells_with_notes) == len(plan_marks(expected))
    assert not [f for f in expected if f.severity is Severity.ERROR]


# ---- fill --------------------------------------------------------------------------------------


def test_fill_writes_total_cells_only(
    xw: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fmt = FORMATS["2021"]
    wb = _filled(seed=7)
    locs = template_locations(fmt)
    totals = {locs[k] for k in fmt.total_keys()}
    values = consistent_values(fmt, random.Random(7))
    blanked = []
    for key in fmt.total_keys():  # every total blank; the inputs are consistent
        sheet, row, col = parse_address(locs[key])
        wb[sheet].cell(row, col).value = None
        blanked.append(((sheet, row, col), values[key]))
    sheet, row, col = parse_address(locs[("T3", "new", "natural")])
    assert wb[sheet].cell(row, col).value == values[("T3", "new", "natural")]
    code, out, err, book = run(xw, wb, ["fill"], capsys)
    assert (code, err) == (0, "")
    names = wb.sheetnames
    writes: dict[tuple[str, int, int], Any] = {}
    for a in actions(book):
        assert a["func"] == "setValues", a
        sheet = names[a["sheet_position"]]
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                writes[(sheet, a["start_row"] + 1 + i, a["start_column"] + 1 + j)] = v
    assert {f"{s}!{openpyxl.utils.get_column_letter(c)}{r}" for s, r, c in writes} <= totals
    assert writes == dict(blanked)
    assert out == f"已填充 {len(blanked)} 个合计格。"
    assert len(actions(book)) <= 6 < len(blanked)  # a run of cells goes in one write


def test_fill_reports_totals_it_cannot_compute(xw: Any, capsys: pytest.CaptureFixture[str]) -> None:
    wb = _filled(seed=7)
    bad = _set(wb, ("T3", "r1_open", "natural"), "很多")
    code, out, _, _ = run(xw, wb, ["fill"], capsys)
    assert code == 0
    assert "未计算" in out and bad in out


def test_fill_refuses_a_broken_table(xw: Any, capsys: pytest.CaptureFixture[str]) -> None:
    wb = _filled()
    del wb.defined_names["GK_T3"]
    code, out, err, book = run(xw, wb, ["fill"], capsys)
    assert code == excel.EXIT_USER_ERROR and out == ""
    assert err.startswith("无法填充合计：") and "GK_T3" in err
    assert actions(book) == []


# ---- clear -------------------------------------------------------------------------------------


def test_clear_restores_registered_cells(xw: Any, capsys: pytest.CaptureFixture[str]) -> None:
    wb = _filled()
    registry = wb[MARKS]
    registry.append([TABLE_SHEETS["T3"], "D5", Fill.solid("E7E6E6").to_json()])
    registry.append([TABLE_SHEETS["T4"], "B4", Fill().to_json()])
    registry.append(["不存在的表", "A1", Fill().to_json()])
    data = remote_book_json(wb)
    for sheet in data["sheets"]:
        if sheet["name"] in (TABLE_SHEETS["T3"], TABLE_SHEETS["T4"]):
            sheet["notes"] = [{"address": "D5" if "三" in sheet["name"] else "B4"}]
    book = xw.Book(json=data)
    book.set_mock_caller()
    code = excel.main(["clear", *ARGS])
    out, err = capsys.readouterr()
    assert (code, out.strip(), err) == (0, "已清除 2 个单元格的校验标记。", "")
    names = wb.sheetnames
    acts = actions(book)
    deleted = {next(iter(_cells(a, names))) for a in acts if a["func"] == "deleteNote"}
    assert deleted == {(TABLE_SHEETS["T3"], 5, 4), (TABLE_SHEETS["T4"], 4, 2)}
    colored = _colored(acts, names)
    assert colored == {(TABLE_SHEETS["T3"], 5, 4): "#e7e6e6", (TABLE_SHEETS["T4"], 4, 2): None}
    # the registry's columns A:C are emptied in one write (E holds other state)
    writes = [a for a in acts if a["func"] == "setValues"]
    (emptied,) = [a for a in writes if names[a["sheet_position"]] == MARKS]
    where = (names[emptied["sheet_position"]], emptied["start_row"], emptied["start_column"])
    assert where == (MARKS, 1, 0)
    # 校验结果 keeps its list (and 核实 reasons) and says it is from before the clearing
    (title,) = [a for a in writes if names[a["sheet_position"]] == RESULTS]
    assert _shown(title["values"])[0][0].startswith("校验结果：标记已清除")
    assert [[v in (None, "") for v in row] for row in emptied["values"]] == [[True] * 3] * 3


def test_fill_json_is_the_openpyxl_adapters_format() -> None:
    from gknb.workbook.xlsx import fill_of, pattern_fill

    fill = pattern_fill(Fill.from_json(Fill.solid("FFC7CE").to_json()) or Fill())
    assert fill.patternType == "solid" and fill.fgColor.rgb == "00FFC7CE"
    assert (
        pattern_fill(Fill.from_json(Fill().to_json()) or Fill.solid("000000")).patternType is None
    )
    theirs = Fill.from_json(
        fill_of(openpyxl.styles.PatternFill("solid", fgColor="E7E6E6")).to_json()
    )
    assert theirs is not None and theirs.rgb == "E7E6E6"
    assert Fill.from_json(Fill.solid("E7E6E6").to_json()) == Fill.solid("E7E6E6")
    assert Fill().rgb is None and not Fill().is_mark and Fill.solid("FFC7CE").is_mark
    assert Fill.from_json("not json") is None


# ---- export and help ---------------------------------------------------------------------------


def test_export_asks_while_errors_remain_then_exports_with_force(
    xw: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = _filled()
    _broken(wb)
    path = tmp_path / "测试局2025年报.xlsx"
    wb.save(path)
    code, out, err, _ = run(xw, wb, ["export"], capsys, name=str(path))
    assert code == excel.EXIT_CONFIRM and err == ""
    assert "仍有" in out and "仍然按现状导出 Word 吗？" in out
    assert not list(tmp_path.glob("*.docx"))
    code, out, err, _ = run(xw, wb, ["export", "--force"], capsys, name=str(path))
    assert (code, err) == (0, "")
    docs = list(tmp_path.glob("*.docx"))
    assert len(docs) == 1 and out.startswith(f"已导出 Word：{docs[0]}")


def test_export_needs_a_saved_file(xw: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err, _ = run(xw, _filled(), ["export"], capsys, name="未保存.xlsm")
    assert code == excel.EXIT_USER_ERROR and "保存" in err and out == ""


def test_help_activates_the_readme_sheet(xw: Any, capsys: pytest.CaptureFixture[str]) -> None:
    wb = _filled()
    code, out, err, book = run(xw, wb, ["help"], capsys)
    assert (code, out, err) == (0, "", "")
    acts = actions(book)
    assert [a["func"] for a in acts] == ["activateSheet", "rangeSelect"]
    assert wb.sheetnames[acts[0]["sheet_position"]] == README


# ---- arguments, errors -------------------------------------------------------------------------


def test_unknown_command_is_a_chinese_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert excel.main(["frobnicate", *ARGS]) == excel.EXIT_INTERNAL
    assert "参数不对" in capsys.readouterr().err


def test_without_excel_the_caller_is_a_user_error(
    xw: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    if hasattr(xw.Book, "_mock_caller"):
        del xw.Book._mock_caller
    code = excel.main(["check", *ARGS])
    out, err = capsys.readouterr()
    assert code == excel.EXIT_USER_ERROR and out == ""
    assert "无法连接到 Excel 中的工作簿“测试局2025年报.xlsm”" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("debug", [False, True])
def test_internal_errors_show_a_traceback_only_when_debugging(
    xw: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    debug: bool,
) -> None:
    def boom(book: Any, args: Any) -> Any:
        raise RuntimeError("测试用的故障")

    monkeypatch.setitem(excel.COMMAND_FUNCS, "clear", boom)
    monkeypatch.delenv("GKNB_DEBUG", raising=False)
    if debug:
        monkeypatch.setenv("GKNB_DEBUG", "1")
    code, out, err, _ = run(xw, _filled(), ["clear"], capsys)
    assert code == excel.EXIT_INTERNAL and out == ""
    assert "年报助手内部错误：RuntimeError: 测试用的故障" in err
    assert ("Traceback" in err) is debug


def test_exit_codes_match_the_vba_launcher() -> None:
    bas = (Path(__file__).resolve().parents[1] / "addin" / "GknbLauncher.bas").read_text()
    for const, value in (
        ("EXIT_OK", excel.EXIT_OK),
        ("EXIT_USER_ERROR", excel.EXIT_USER_ERROR),
        ("EXIT_CONFIRM", excel.EXIT_CONFIRM),
    ):
        assert f"Private Const {const} As Long = {value}" in bas
    for command in excel.COMMANDS:
        if command != "help":  # the help button is handled inside Excel
            assert f'RunCommand "{command}"' in (bas + _ribbon())


def _ribbon() -> str:
    return (Path(__file__).resolve().parents[1] / "addin" / "GknbRibbon.bas").read_text()


def test_module_runs_as_a_script() -> None:
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "gknb.excel", "nonsense"], capture_output=True, timeout=60
    )
    assert proc.returncode == excel.EXIT_INTERNAL
    assert "参数不对" in proc.stderr.decode("utf-8")


def test_fill_leaves_correct_totals_alone(xw: Any, capsys: pytest.CaptureFixture[str]) -> None:
    fmt = FORMATS["2021"]
    wb = _filled(seed=7)
    where = _set(wb, ("T3", "r7_total", "natural"), 99999)
    code, out, _, book = run(xw, wb, ["fill"], capsys)
    assert (code, out) == (0, "已填充 1 个合计格。")
    (act,) = actions(book)
    _, row, col = parse_address(where)
    assert (act["start_row"] + 1, act["start_column"] + 1, act["values"]) == (
        row,
        col,
        [[consistent_values(fmt, random.Random(7))[("T3", "r7_total", "natural")]]],
    )
    code, out, _, book = run(xw, _filled(seed=7), ["fill"], capsys)
    assert (code, out, actions(book)) == (0, "合计都已正确，未作修改。", [])


def test_options_a_newer_launcher_adds_are_ignored(
    xw: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err, _ = run(xw, _filled(), ["help", "--some-new-option=1"], capsys)
    assert (code, err) == (0, "")
    assert excel.main(["help", "stray", *ARGS]) == excel.EXIT_INTERNAL
    assert "多余的参数 stray" in capsys.readouterr().err


def test_text_writes_generated_narrative_and_keeps_clerk_text(
    xw: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from gknb.textgen import generate
    from gknb.workbook.contract import GENERATED, META

    wb = _filled(seed=11)
    code, out, err, book = run(xw, wb, ["text"], capsys)
    assert (code, err) == (0, "")
    names = wb.sheetnames
    writes = {}
    for a in actions(book):
        assert a["func"] == "setValues", a
        for i, row in enumerate(_shown(a["values"])):
            for j, v in enumerate(row):
                writes[
                    (names[a["sheet_position"]], a["start_row"] + 1 + i, a["start_column"] + 1 + j)
                ] = v
    path_texts = generate(service.read_workbook(_saved(wb)))
    for part in ("3", "4"):
        sheet, row, col, _ = META[f"GK_TEXT_{part}"]
        assert writes[(sheet, row, col)] == path_texts[part]
        assert writes[GENERATED[part]] == path_texts[part]
    # a clerk rewrote part 四: it is kept, part 三 is refreshed
    sheet, row, col, _ = META["GK_TEXT_4"]
    wb[sheet].cell(row, col).value = "本机关自己写的说明。"
    code, out, _, book = run(xw, wb, ["text"], capsys)
    assert code == 0 and "未覆盖" in out
    written = {
        (names[a["sheet_position"]], a["start_row"] + 1, a["start_column"] + 1)
        for a in actions(book)
    }
    assert (sheet, row, col) not in written


def _saved(wb: openpyxl.Workbook) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "book.xlsx"
    wb.save(path)
    return path


def test_check_keeps_a_settled_warning_settled(
    xw: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = _filled(seed=5)
    where = _set(wb, ("T2_5", "license", "decisions"), "/")
    path = tmp_path / "settled.xlsx"
    wb.save(path)
    service.accept(path, [f"R5a@{where}=本年确无行政许可决定"])
    code, out, err, book = run(xw, openpyxl.load_workbook(path), ["check"], capsys)
    assert (code, err) == (0, "")
    assert "已核实 1 处" in out
    sheet, row, col = parse_address(where)
    painted = _colored(actions(book), openpyxl.load_workbook(path).sheetnames)
    assert painted.get((sheet, row, col)) in (None, "keep")  # not painted again
