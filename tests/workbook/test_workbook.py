"""Workbook round trips through the openpyxl adapter, marks, totals and bad input."""

import random
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from gknb import service
from gknb.errors import FileLocked, GknbError
from gknb.formats import FORMATS
from gknb.model import Severity
from gknb.synth import consistent_values
from gknb.workbook.contract import MARK_PREFIX
from support.books import DAMAGES, damage_structure, filled_workbook


def rules_at(path):
    result = service.check_file(path)
    assert result.error is None, result.error
    return [(f.rule, f.cell) for f in result.findings]


def test_round_trip_reads_every_cell(make_book):
    for version in ("2019", "2021"):
        path = make_book(version, name=f"{version}.xlsx")
        report = service.read_workbook(path)
        assert report.version == version
        assert report.agency == "测试局"
        assert len(report.cells) == sum(b.shape[0] * b.shape[1] for b in report.format.blocks)
        assert rules_at(path) == []


def test_r1_on_exactly_the_right_cell(make_book):
    path = make_book(
        "2021", {("T3", "carry_out", "natural"): 99, ("T3", "carry_out", "total"): None}
    )
    result = service.check_file(path)
    r1 = [f for f in result.findings if f.rule == "R1"]
    assert r1[0].cell == "三、依申请公开!D30"
    assert r1[0].row == "四、结转下年度继续办理" and r1[0].column == "自然人"


def test_mark_then_mark_again_keeps_user_fills_and_notes(make_book, tmp_path):
    path = make_book("2021", {("T3", "r1_open", "natural"): "abc"})
    wb = load_workbook(path)
    ws = wb["三、依申请公开"]
    ws["D8"].fill = PatternFill("solid", fgColor="00B050")  # the clerk's own colour
    ws["D8"].comment = Comment("我的备注", "clerk")
    ws["E9"].comment = Comment("另一条备注", "clerk")
    wb.save(path)
    findings = service.check_file(path).findings
    marked = tmp_path / "marked.xlsx"
    service.mark_copy(path, marked, findings)
    wb = load_workbook(marked)
    ws = wb["三、依申请公开"]
    assert ws["D8"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["D8"].comment.text.startswith("我的备注") and MARK_PREFIX in ws["D8"].comment.text
    results = wb["校验结果"]
    assert results["C3"].value == "R5"
    assert results["G3"].hyperlink.location == "'三、依申请公开'!D8"
    # the clerk fixes the cell, marks again in place: no stale mark, own fill and notes back
    right = consistent_values(FORMATS["2021"], random.Random(1))[("T3", "r1_open", "natural")]
    wb["三、依申请公开"]["D8"].value = right
    wb.save(marked)
    remaining = service.check_file(marked).findings
    service.mark_copy(marked, marked, remaining)
    wb = load_workbook(marked)
    ws = wb["三、依申请公开"]
    assert ws["D8"].fill.fgColor.rgb.endswith("00B050")
    assert ws["D8"].comment.text == "我的备注"
    assert ws["E9"].comment.text == "另一条备注"
    assert (marked.parent / "marked.备份.xlsx").exists()
    service.clear_file(marked)
    wb = load_workbook(marked)
    assert not any(
        c.comment and MARK_PREFIX in c.comment.text
        for row in wb["三、依申请公开"].iter_rows()
        for c in row
    )


def test_mark_refuses_to_overwrite_another_file(make_book, tmp_path):
    path = make_book()
    out = tmp_path / "exists.xlsx"
    out.write_bytes(b"x")
    with pytest.raises(GknbError, match="已存在"):
        service.mark_copy(path, out, [])


def test_fill_writes_only_total_cells(make_book):
    totals = {("T3", r, "total"): None for r in ("new", "carry_in", "r1_open", "carry_out")}
    totals.update({("T3", "r7_total", c): None for c in ("natural", "other", "total")})
    totals[("T4", "all", "rv_total")] = None
    path = make_book("2021", totals)
    before = load_workbook(path)
    result = service.fill_file(path)
    assert result.written == len(totals)
    after = load_workbook(path)
    for ws in before.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                new = after[ws.title][cell.coordinate].value
                if cell.value is not None:
                    assert new == cell.value  # nothing the user typed changed
    errors = [f for f in service.check_file(path).findings if f.severity == Severity.ERROR]
    assert errors == []
    assert (path.parent / "book.备份.xlsx").exists()


def test_fill_refuses_a_file_open_in_excel(make_book):
    path = make_book()
    (path.parent / f"~${path.name}").write_bytes(b"owner")
    with pytest.raises(FileLocked, match="正在 Excel 中打开"):
        service.fill_file(path)


def test_fill_skips_totals_of_unreadable_inputs(make_book):
    path = make_book(
        "2021", {("T3", "r1_open", "natural"): "abc", ("T3", "r1_open", "total"): None}
    )
    result = service.fill_file(path)
    blocked = [c.key for c in result.changes if c.new is None]
    assert ("T3", "r1_open", "total") in blocked
    assert load_workbook(path)["三、依申请公开"]["D8"].value == "abc"


BROKEN_STRUCTURE = {
    "rename_sheet": "不存在，可能被改名或删除",
    "delete_name": "找不到",
    "ref_error": "已损坏",
    "insert_row": "未校验",
    "grow_name": "应为25行7列",
    "delete_sheet": "四",
}
assert set(BROKEN_STRUCTURE) == set(DAMAGES)


@pytest.mark.parametrize("damage", DAMAGES)
def test_broken_structure_is_r13_never_shifted_numbers(make_book, damage):
    path = make_book("2021")
    damage_structure(path, damage)
    findings = service.check_file(path).findings
    r13 = [f for f in findings if f.rule == "R13"]
    assert r13 and BROKEN_STRUCTURE[damage] in r13[0].table + r13[0].message
    assert not [f for f in findings if f.rule in ("R1", "R2", "R3")]


@pytest.mark.parametrize(
    ("sheet", "severity", "lost"),
    [
        ("封面", Severity.ERROR, "机关名称和报告年度"),
        ("正文", Severity.ERROR, "第一、五、六部分"),
        ("上年数据", Severity.WARNING, "跨年度校验"),
    ],
)
def test_deleted_cover_text_or_last_year_sheet_is_a_finding(make_book, sheet, severity, lost):
    """A consistent workbook whose 封面 (or 正文, 上年数据) was deleted no longer passes: one
    R13 finding says which sheet is missing, what is lost and what to do — in check and in
    review alike."""
    from gknb.review.run import Task, check_one

    path = make_book("2021")
    assert service.check_file(path).findings == []
    wb = load_workbook(path)
    del wb[sheet]
    wb.save(path)
    findings = service.check_file(path).findings
    missing = [f for f in findings if f.rule == "R13" and f.table == sheet]
    assert len(missing) == 1
    f = missing[0]
    assert f.severity is severity
    assert f"找不到“{sheet}”工作表" in f.message and lost in f.message
    assert "改回" in f.message and "gknb new" in f.message
    reviewed = check_one(Task(0, str(path)))
    assert [x["message"] for x in reviewed.findings if x["table"] == sheet] == [f.message]


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"", "空文件"),
        (b"this is not excel", "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "打开密码"),
        ("word", "Word 文件"),
        ("corrupt", "损坏"),
    ],
)
def test_unreadable_files_give_one_chinese_line(tmp_path, content, expect):
    path = tmp_path / "bad.xlsx"
    if content == "word":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("word/document.xml", "<w:document/>")
    elif content == "corrupt":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("xl/workbook.xml", "<not-closed")
    else:
        path.write_bytes(content)
    result = service.check_file(path)
    assert result.error is not None and expect in result.error
    assert "\n" not in result.error and "Traceback" not in result.error


def test_new_refuses_to_overwrite(tmp_path):
    path = tmp_path / "a.xlsx"
    service.new_workbook(path, "测试局", 2025)
    with pytest.raises(GknbError, match="已存在"):
        service.new_workbook(path, "测试局", 2025)


def test_new_with_prior_prefills_last_year(make_book, tmp_path):
    last = make_book("2021", {("T3", "carry_out", "natural"): 5}, name="last.xlsx", year=2024)
    path = tmp_path / "new.xlsx"
    service.new_workbook(path, "测试局", 2025, prior=last)
    report = service.read_workbook(path)
    assert report.prior is not None and report.prior.year == 2024
    assert report.prior.carry_out["natural"] == 5


def test_settled_warning_holds_until_its_cell_changes(make_book):
    path = make_book("2021", {("T2_5", "license", "decisions"): "/"})
    service.accept(path, ["R5a@二、主动公开!B9=本年确无行政许可决定"])
    result = service.check_file(path)
    settled = [f for f in result.findings if f.settled]
    assert [(f.rule, f.settled) for f in settled] == [("R5a", "本年确无行政许可决定")]
    from gknb.model import summary_line

    assert summary_line(result.findings).endswith("已核实 1 处")
    wb = load_workbook(path)
    assert wb["校验结果"]["B3"].value == "已核实"
    assert wb["二、主动公开"]["B9"].comment is None  # settled findings are not painted
    wb["二、主动公开"]["B9"].value = "—"  # the value changes: the warning comes back
    wb.save(path)
    again = service.check_file(path).findings
    assert [(f.rule, f.settled) for f in again] == [("R5a", None)]


def test_errors_cannot_be_settled(make_book):
    path = make_book("2021", {("T3", "r1_open", "natural"): "abc"})
    with pytest.raises(GknbError, match="错误不能标记"):
        service.accept(path, ["R5@三、依申请公开!D8=我觉得没问题"])


def test_settling_by_typing_a_reason_in_the_results_sheet(make_book, tmp_path):
    path = make_book("2021", {("T2_5", "license", "decisions"): "/"})
    service.mark_copy(path, path, service.check_file(path).findings)
    wb = load_workbook(path)
    wb["校验结果"]["K3"] = "已电话核实，确为 0"
    wb.save(path)
    findings = service.check_file(path).findings
    assert [f.settled for f in findings] == ["已电话核实，确为 0"]


def test_marks_and_generated_text_state_live_side_by_side(make_book):
    path = make_book("2021", {("T2_5", "license", "decisions"): "/"})
    service.write_text(path)  # remembers the generated text in the hidden sheet
    for _ in range(2):  # mark, then mark again (clears the earlier marks first)
        findings = service.check_file(path).findings
        service.mark_copy(path, path, findings)
    assert service.clear_file(path) == len({f.cell for f in findings if f.cell})
    again = service.write_text(path)
    assert again.kept == []  # the remembered text survived marking and clearing


def test_mark_refuses_an_output_open_in_excel(make_book, tmp_path):
    path = make_book()
    out = tmp_path / "marked.xlsx"
    out.write_bytes(b"x")
    (tmp_path / "~$marked.xlsx").write_bytes(b"owner")
    with pytest.raises(FileLocked):
        service.mark_copy(path, out, [], force=True)
    assert out.read_bytes() == b"x"


@pytest.mark.parametrize(
    ("agency", "year", "expect"), [("", 2025, "机关名称"), ("测试局", "明年", "报告年度")]
)
def test_cover_without_agency_or_year_is_r13_on_its_cell(tmp_path, agency, year, expect):
    path = tmp_path / "cover.xlsx"
    wb = filled_workbook(seed=1, agency=agency)
    wb["封面"]["C4"] = year
    wb.save(path)
    r13 = [f for f in service.check_file(path).findings if f.rule == "R13"]
    assert [f.row for f in r13] == [expect]
    assert r13[0].cell == ("封面!C3" if expect == "机关名称" else "封面!C4")
