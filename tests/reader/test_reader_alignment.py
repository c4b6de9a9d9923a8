"""The structural parser on awkward inputs: labels broken over lines, page footers and headers
between rows, a table 三 split over pages, extra rows and columns, rows of both formats,
OCR typos, run-together digits, headings, titles, encodings and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import reader_layouts as L

from gknb.errors import GknbError, NotAReport
from gknb.formats import FORMATS
from gknb.model import Issue, Report, Severity
from gknb.reader import read_report, read_text
from gknb.rules import check
from gknb.synth import report_from_values

T3_ROWS = {
    "new": (5, 1, 0, 0, 0, 0, 6),
    "carry_in": (1, 0, 0, 0, 0, 0, 1),
    "r1_open": (3, 1, 0, 0, 0, 0, 4),
    "r2_partial": (1, 0, 0, 0, 0, 0, 1),
    "r4_1": (1, 0, 0, 0, 0, 0, 1),
    "r7_total": (5, 1, 0, 0, 0, 0, 6),
    "carry_out": (1, 0, 0, 0, 0, 0, 1),
}
T4_ROW = (1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
T2_2021 = {
    ("T2_1", "regulation"): (0, 0, 2),
    ("T2_1", "normative"): (3, 1, 12),
    ("T2_5", "license"): (150,),
    ("T2_6", "penalty"): (37,),
    ("T2_6", "enforcement"): (2,),
    ("T2_8", "fee"): (12.5,),
}
T2_2019 = {
    ("T2_1", "regulation"): (0, 0, 2),
    ("T2_1", "normative"): (3, 1, 12),
    ("T2_5", "license"): (80, -5, 150),
    ("T2_5", "other_service"): (4, 1, 9),
    ("T2_6", "penalty"): (40, 2, 37),
    ("T2_6", "enforcement"): (3, 0, 2),
    ("T2_8", "fee"): (1, 0),
    ("T2_9", "procurement"): (2, 35.5),
}


def source(version: str = "2021") -> Report:
    fmt = FORMATS[version]
    values: dict = {}
    for (block, row), nums in (T2_2021 if version == "2021" else T2_2019).items():
        for col, v in zip(fmt.block(block).cols, nums, strict=True):
            values[(block, row, col.id)] = v
    for row, nums in T3_ROWS.items():
        for col, v in zip(fmt.block("T3").cols, nums, strict=True):
            values[("T3", row, col.id)] = v
    for col, v in zip(fmt.block("T4").cols, T4_ROW, strict=True):
        values[("T4", "all", col.id)] = v
    year = 2022 if version == "2021" else 2020
    report = report_from_values(version, values, year=year, agency="某某县某某局")
    report.texts = {"1": "本年度收到政府信息公开申请6件。", "5": "问题。", "6": "无。"}
    return report


def text(version: str = "2021", layout: str = "space") -> str:
    return L.text_layout(source(version), layout)


def same(got: Report, src: Report, skip: set | None = None) -> None:
    for key, cell in src.cells.items():
        if skip and key[:2] in skip:
            continue
        assert got.value(key) == cell.value, key


def r13(report: Report) -> list[str]:
    return [f.message for f in report.structure]


# ---- the base layouts are read exactly ------------------------------------------------


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("layout", ["space", "stream", "cells"])
def test_base(version: str, layout: str) -> None:
    got = read_text(text(version, layout))
    assert (got.version, got.detected_version, got.year) == (version, version, source(version).year)
    same(got, source(version))
    assert r13(got) == []
    assert [f.rule for f in check(got)] == []


# ---- labels broken over lines, footers, page breaks ---------------------------------


def test_labels_broken_over_lines() -> None:
    t = text("2021", "stream")
    t = t.replace(
        "5.要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认或重新\n出具已获取信息"
    )
    t = t.replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                  "（二）部分公开（区分处理的，\n只计这一情形，不计其他情形）")  # fmt: skip
    t = t.replace("未经复议直接起诉", "未经复议\n直接起诉")
    got = read_text(t)
    same(got, source())
    assert r13(got) == []


def test_label_wrapped_below_its_numbers() -> None:
    """PDF text: the end of a long label printed on the line after the row's numbers."""
    t = text("2021", "space")
    lines = t.splitlines()
    i = next(n for n, x in enumerate(lines) if x.startswith("7.属于行政执法案卷"))
    lines[i] = lines[i].replace("7.属于行政执法案卷", "7.属于行")
    lines.insert(i + 1, "政执法案卷")
    got = read_text("\n".join(lines))
    same(got, source())
    assert r13(got) == []


def test_footers_and_running_headers_between_rows() -> None:
    lines = text("2021", "space").splitlines()
    out = []
    for line in lines:
        out.append(line)
        if line.startswith(("3.危及", "行政处罚", "（七）总计")):
            out += [
                "",
                "— 3 —",
                "第 3 页 共 8 页",
                "某某县某某局2022年度政府信息公开工作年度报告",
                "",
            ]
    got = read_text("\n".join(out))
    same(got, source())
    assert r13(got) == []
    assert "第 3 页" not in "".join(got.texts.values())


def test_table_three_split_over_pages_with_repeated_header() -> None:
    lines = text("2021", "space").splitlines()
    i = next(n for n, x in enumerate(lines) if x.startswith("4.保护第三方合法权益"))
    repeated = [
        "- 4 -",
        "某某县某某局2022年度政府信息公开工作年度报告",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）  申请人情况",
        "自然人  法人或其他组织  总计",
        "商业企业  科研机构  社会公益组织  法律服务机构  其他",
    ]
    lines[i:i] = repeated
    got = read_text("\n".join(lines))
    same(got, source())
    assert r13(got) == []


def test_pipe_table_with_repeated_spanned_values_and_bold() -> None:
    t = L.markdown(source("2021")).replace(
        "| 行政许可 | 150 |  |  |", "| **行政许可** | 150 | 150 | 150 |"
    )
    assert "| **行政许可** | 150 | 150 | 150 |" in t
    got = read_text(t)
    same(got, source())
    assert r13(got) == []


# ---- extra rows and columns, rows of both formats -----------------------------------


def test_provincial_extra_row() -> None:
    t = text("2021", "space").replace(
        "（七）总计", "（八）其中：涉及疫情防控的申请  1  0  0  0  0  0  1\n（七）总计"
    )
    got = read_text(t)
    same(got, source())
    assert len(got.structure) == 1
    f = got.structure[0]
    assert (f.rule, f.table) == ("R13", "三、收到和处理政府信息公开申请情况")
    assert "涉及疫情防控" in f.row and "多出一行" in f.message


def test_subtotal_column() -> None:
    src = source("2021")
    lines = []
    in_t3 = False
    for line in text("2021", "space").splitlines():
        parts = line.split("  ")
        in_t3 = (in_t3 or line.startswith("三、")) and not line.startswith("四、政府")
        if line.startswith("商业企业"):
            line += "  小计"
        elif in_t3 and len(parts) >= 8 and all(p.strip().isdigit() for p in parts[-7:]):
            nums = [int(p) for p in parts[-7:]]
            parts = parts[:-7] + [str(n) for n in nums[:6]] + [str(sum(nums[1:6])), str(nums[6])]
            line = "  ".join(parts)
        lines.append(line)
    got = read_text("\n".join(lines))
    same(got, src)
    assert [(f.rule, f.column) for f in got.structure] == [("R13", "小计")]


def test_single_other_handling_row_in_a_2021_report() -> None:
    t = text("2021", "space")
    lines = [x for x in t.splitlines() if not x.startswith(("2.申请人逾期", "3.其他"))]
    lines = [
        "（六）其他处理  0  0  0  0  0  0  0" if x.startswith("（六）其他处理") else x
        for x in lines
    ]
    got = read_text("\n".join(lines))
    assert got.version == "2021"
    assert all(k[1] not in ("r6_1", "r6_2", "r6_3") for k in got.cells)
    same(got, source(), skip={("T3", "r6_1"), ("T3", "r6_2"), ("T3", "r6_3")})
    assert len(got.structure) == 1 and "混用了两版格式" in got.structure[0].message


def test_three_other_handling_rows_in_a_2019_report() -> None:
    lines = []
    for x in text("2019", "space").splitlines():
        if x.startswith("（六）其他处理"):
            lines += [
                "（六）其他处理  1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请  0  0  0  0  0  0  0",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请  0  0  0  0  0  0  0",
                "3.其他  0  0  0  0  0  0  0",
            ]  # fmt: skip
        else:
            lines.append(x)
    got = read_text("\n".join(lines))
    assert got.version == "2019"
    assert ("T3", "r6", "total") not in got.cells
    same(got, source("2019"), skip={("T3", "r6")})
    assert len(got.structure) == 1 and "混用了两版格式" in got.structure[0].message


def test_three_other_is_a_row_not_the_other_column() -> None:
    src = source("2021")
    t = text("2021", "cells").replace("\t3.其他\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0\n\t0",
                                      "\t3.其他\n\t1\n\t0\n\t0\n\t0\n\t0\n\t2\n\t3")  # fmt: skip
    got = read_text(t)
    assert [got.value(("T3", "r6_3", c.id)) for c in src.format.block("T3").cols] == [
        1, 0, 0, 0, 0, 2, 3,
    ]  # fmt: skip
    assert r13(got) == []


def test_mixed_table_two_headers() -> None:
    t = (
        text("2019", "space")
        .replace("本年新制作数量", "本年制发件数")
        .replace("本年新公开数量", "本年废止件数")
    )
    got = read_text(t)
    assert got.version == "2019"
    assert any("表二混用了两版格式" in m for m in r13(got))


def test_missing_rows_are_named() -> None:
    lines = [x for x in text("2021", "space").splitlines() if not x.startswith("2.重复申请")]
    got = read_text("\n".join(lines))
    assert ("T3", "r5_2", "total") not in got.cells
    assert [f.row for f in got.structure] == ["（五）不予处理 2.重复申请"]


# ---- typos --------------------------------------------------------------------------


def test_ocr_variants_match_by_keys() -> None:
    t = (
        text("2021", "cells")
        .replace("2.没有现成信息需要另行制作", "2.没有现成信息需需要要另行制作")
        .replace("1.本机关不掌握相关政府信息", "1.本机关不掌捤相关政府信息")
        .replace("4.无正当理由大量反复申请", "4.无正当理由大量反复申靖")
    )
    got = read_text(t)
    same(got, source())
    assert r13(got) == []


# ---- run-together digits --------------------------------------------------------------


def _with_row(label: str, printed: str, base: str | None = None) -> str:
    lines = (base or text("2021", "space")).splitlines()
    i = next(n for n, x in enumerate(lines) if label in x)
    labels = [p for p in lines[i].split("  ") if not p.strip().isdigit()]
    lines[i] = "  ".join([*labels, printed])
    return "\n".join(lines)


@pytest.mark.parametrize("printed", ["640020470", "6 4 0 0 2 0 4 7 0", "64 0 0 2 04 70"])
def test_run_together_row_with_one_reading(printed: str) -> None:
    """The cut fits its row's total, and the columns confirm it (the table is consistent)."""
    t = _with_row("1.本机关不掌握相关政府信息", printed)
    t = _with_row("（七）总计", "68  1  0  2  0  4  75", t)
    t = _with_row("一、本年新收政府信息公开申请数量", "68  1  0  2  0  4  75", t)
    got = read_text(t)
    cols = got.format.block("T3").cols
    assert [got.value(("T3", "r4_1", c.id)) for c in cols] == [64, 0, 0, 2, 0, 4, 70]
    assert [f.rule for f in got.structure] == []
    assert [f.rule for f in check(got) if f.rule != "R10"] == []  # (the text says 6 received)


def _t3_keys(report: Report) -> set[tuple[str, str, str]]:
    return {k for k in report.format.keys() if k[0] == "T3"}


def _t3_read(report: Report) -> set[tuple[str, str, str]]:
    return {k for k in report.cells if k[0] == "T3"}


def test_run_together_row_the_columns_refute_is_not_read() -> None:
    """One cut fits the row's own total, but the column sums say otherwise (a blank cell may
    have left no trace): the row is named as unread, never read as a guess."""
    got = read_text(_with_row("1.本机关不掌握相关政府信息", "640020470"))
    assert _t3_read(got) == _t3_keys(got) - {k for k in _t3_keys(got) if k[1] == "r4_1"}
    [f] = got.structure
    assert (f.rule, f.row) == ("READ", "（四）无法提供 1.本机关不掌握相关政府信息")
    assert "64 / 0 / 0 / 2 / 0 / 4 / 70" in f.message
    assert [x.rule for x in check(got) if x.severity is Severity.ERROR] == []


def test_run_together_row_with_several_readings_is_not_guessed() -> None:
    got = read_text(_with_row("1.本机关不掌握相关政府信息", "1121000023"))
    assert _t3_read(got) == _t3_keys(got) - {k for k in _t3_keys(got) if k[1] == "r4_1"}
    [f] = got.structure
    assert (f.rule, f.severity) == ("READ", "unread")  # the reader's limit, not a fault
    assert f.row == "（四）无法提供 1.本机关不掌握相关政府信息"
    assert "种拆法" in f.message and "1121000023" in f.message


def test_run_together_table_four() -> None:
    t = text("2021", "space").replace("  ".join(str(v) for v in T4_ROW), "100120000000000")
    got = read_text(t)
    same(got, source())


def test_too_few_numbers_are_reported() -> None:
    got = read_text(_with_row("（一）予以公开", "3  1"))
    assert ("T3", "r1_open", "natural") not in got.cells
    [f] = got.structure
    assert "应有 7 个数字" in f.message


# ---- parts of the report, title -------------------------------------------------------


def test_part_headings_and_texts() -> None:
    t = text("2021", "space")
    got = read_text(t)
    assert got.texts["1"] == "本年度收到政府信息公开申请6件。"
    assert got.texts["5"] == "问题。" and got.texts["6"] == "无。"
    assert "other" not in got.texts


def test_table_four_before_its_heading_and_variant_titles() -> None:
    t = text("2021", "space")
    head = "四、政府信息公开行政复议、行政诉讼情况"
    lines = t.splitlines()
    i = lines.index(head)
    j = next(n for n, x in enumerate(lines) if x.startswith("五、"))
    body = lines[i + 1 : j]
    lines[i:j] = [*body, "因政府信息公开申请行政复议、提起行政诉讼的情况"]
    t = (
        "\n".join(lines)
        .replace("一、总体情况", "一、概述")
        .replace("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况")
    )
    got = read_text(t)
    same(got, source())
    assert r13(got) == []
    assert got.texts["5"] == "问题。"


def test_missing_part_and_numbered_list_inside_a_part() -> None:
    t = text("2021", "space").replace("六、其他需要报告的事项\n无。", "")
    t = t.replace("问题。", "问题如下。\n一、加强组织领导。\n二、完善制度。")
    got = read_text(t)
    assert [f.row for f in got.structure] == ["六、其他需要报告的事项"]
    assert "一、加强组织领导。" in got.texts["5"]


@pytest.mark.parametrize(
    ("first", "agency", "year"),
    [
        ("# 阜新市生态环境局 2020 年度政府 信息公开工作报告", "阜新市生态环境局", 2020),
        ("某某市人民政府办公室关于2021年度政府信息公开工作年度报告", "某某市人民政府办公室", 2021),
        ("某某县某某局\n2023年政府信息公开工作年度报告", "某某县某某局", 2023),
        ("某某县某某局二〇二三年政府信息公开工作年度报告", "某某县某某局", 2023),
        ("2023年度某某县某某局政府信息公开工作年度报告", "某某县某某局", 2023),
        ("2023年政府信息公开工作年度报告", "某某县某某局", 2023),  # from the signature
    ],
)
def test_title(first: str, agency: str, year: int) -> None:
    lines = text("2021", "space").splitlines()
    t = "\n".join([first, *lines[2:], "", "某某县某某局", "2024年1月20日"])
    got = read_text(t)
    assert (got.agency, got.year) == (agency, year)


def test_year_from_the_period_when_the_title_has_none() -> None:
    lines = text("2021", "space").splitlines()
    t = "\n".join(
        ["政府信息公开工作年度报告", "本报告统计期限为2022年1月1日至2022年12月31日。", *lines[2:]]
    )
    assert read_text(t).year == 2022


# ---- files: encodings, suffixes, errors -----------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(text("2021", "cells").encode(encoding))
    same(read_report(path), source())


@pytest.mark.parametrize(
    ("content", "missing"),
    [
        ("一、总体情况\n本机关2022年工作如下。", "三、收到和处理政府信息公开申请情况"),
        ("", ""),
    ],
)
def test_not_a_report(tmp_path: Path, content: str, missing: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GknbError) as err:
        read_report(path)
    message = str(err.value)
    assert "\n" not in message and "notes.txt" in message
    assert f"未找到“{missing}”表格" in message if missing else "没有文字" in message
    assert not isinstance(err.value, NotAReport)  # a report that cannot be read, or nothing


@pytest.mark.parametrize("kind", ["txt", "html", "xlsx"])
def test_a_file_with_none_of_a_reports_marks_is_not_a_report(tmp_path: Path, kind: str) -> None:
    """A README, a note or a list beside the reports: NotAReport, which a folder check and
    review skip (a report whose tables could not be found stays an unreadable report)."""
    from openpyxl import Workbook

    from gknb.sources import read_any

    note = "各单位报送材料清单：办公室、财务科，共 12 份。"
    path = tmp_path / f"清单.{kind}"
    if kind == "txt":
        path.write_text(note, encoding="utf-8")
    elif kind == "html":
        path.write_text(f"<html><body><p>{note}</p><p>a</p><p>b</p></body></html>", "utf-8")
    else:
        wb = Workbook()
        wb.active.append(["单位", "材料"])
        wb.active.append(["办公室", 3])
        wb.save(path)
    with pytest.raises(NotAReport, match="不是政府信息公开工作年度报告") as err:
        read_any(path)
    assert str(err.value).startswith(path.name)


def test_table_four_missing(tmp_path: Path) -> None:
    t = text("2021", "space")
    t = t[: t.index("四、政府信息公开行政复议")]
    with pytest.raises(GknbError, match="未找到“四、政府信息公开行政复议、行政诉讼情况”表格"):
        read_text(t)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0", "Word 文档（.docx）"),
        ("broken.docx", b"PK\x03\x04 not a zip", "不是有效的 Word 文档"),
        ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
        ("data.bin", b"\x00\x01", "不支持的文件类型"),
        ("binary.txt", b"\x00\x01\x02abc", "不是文本文件"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(GknbError, match=words):
        read_report(path)


def test_blank_cells_in_one_cell_per_line_text() -> None:
    src = source("2021")
    t = text("2021", "cells").replace("\t（一）予以公开\n\t3\n", "\t（一）予以公开\n\t \n")
    got = read_text(t)
    cell = got.cells[("T3", "r1_open", "natural")]
    assert (cell.value, cell.issue) == (0, Issue.BLANK)
    assert got.value(("T3", "r1_open", "commercial")) == src.value(("T3", "r1_open", "commercial"))


def test_scrambled_table_is_one_finding_and_no_wrong_numbers() -> None:
    """Text extracted box by box (pdfminer's default): all labels first, then the numbers
    column by column. Nothing is guessed; one finding says the table could not be read."""
    lines = text("2021", "stream").splitlines()
    start = lines.index("一、本年新收政府信息公开申请数量")
    end = lines.index("四、政府信息公开行政复议、行政诉讼情况")
    block = lines[start:end]
    labels = [x for x in block if x and not x.isdigit()]
    numbers = [x for x in block if x.isdigit()]
    columns = [numbers[i::7] for i in range(7)]
    lines[start:end] = labels + [n for col in columns for n in col]
    got = read_text("\n".join(lines))
    src = source()
    assert _t3_read(got) == set()  # table 三 is not guessed; the other tables are read
    assert {k for k in got.cells if k[0] == "T4"} == {k for k in got.format.keys() if k[0] == "T4"}
    for key, cell in got.cells.items():
        assert cell.value == src.value(key), key
    t3 = [f for f in got.structure if f.table.startswith("三")]
    assert len(t3) == 1 and "次序被打乱" in t3[0].message


def test_ocr_letters_for_digits() -> None:
    got = read_text(_with_row("1.本机关不掌握相关政府信息", "l  O  O  O  O  O  l"))
    cols = got.format.block("T3").cols
    assert [got.value(("T3", "r4_1", c.id)) for c in cols] == [1, 0, 0, 0, 0, 0, 1]
    assert got.cells[("T3", "r4_1", "natural")].issue is None


def test_row_named_just_total() -> None:
    """A report printing （七）总计 as plain 总计 (also the header's column name)."""
    got = read_text(text("2021", "space").replace("（七）总计  5", "总计  5"))
    same(got, source())
    assert r13(got) == []


def test_label_glued_to_its_first_number() -> None:
    t = text("2021", "space").replace(
        "一、本年新收政府信息公开申请数量  5  1", "一、本年新收政府信息公开申请数量5 1"
    )
    got = read_text(t.replace("（七）总计  5  1", "（七）总计5 1"))
    same(got, source())
    assert r13(got) == []
