"""`gknb import REPORT -o BOOK`, and published reports as last year's figures (--prior)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from gknb.cli import main
from gknb.workbook.contract import META, PRIOR_CARRY_OUT, template_locations
from gknb.workbook.marks import parse_address
from support import SEEDS

SEED_000 = next(SEEDS.glob("000_*.txt"))
SEED_001 = next(SEEDS.glob("001_*.txt"))
SEED_002 = next(SEEDS.glob("002_*.txt"))


def _cell(wb: openpyxl.Workbook, key: tuple[str, str, str], version: str = "2019"):
    from gknb.formats import FORMATS

    sheet, row, col = parse_address(template_locations(FORMATS[version])[key])
    return wb[sheet].cell(row, col).value


def _findings(path: Path, capsys: pytest.CaptureFixture[str]) -> set[tuple[str, str, str]]:
    main(["check", "--json", str(path)])
    line = json.loads(capsys.readouterr().out)
    return {(f["rule"], f["row"], f["column"]) for f in line["findings"]}


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_import_then_check_gives_the_same_findings(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"市中区{suffix}"
    assert main(["import", str(SEED_000), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "已导入" in printed and "市中区生态环境分局" in printed and "2019版" in printed
    assert _findings(out, capsys) == _findings(SEED_000, capsys)

    wb = openpyxl.load_workbook(out)
    assert _cell(wb, ("T2_5", "license", "prev_items")) == 97  # a number stays a number
    assert _cell(wb, ("T2_5", "license", "change")) == "减"  # text as printed, to correct
    assert _cell(wb, ("T2_9", "procurement", "items")) == "4个"
    assert _cell(wb, ("T2_9", "procurement", "amount")) == "323.6万"
    assert _cell(wb, ("T3", "r4_1", "natural")) == 2
    sheet, row, col, _ = META["GK_AGENCY"]
    assert wb[sheet].cell(row, col).value == "市中区生态环境分局"
    sheet, row, col, _ = META["GK_YEAR"]
    assert wb[sheet].cell(row, col).value == 2020
    for part in ("1", "5", "6"):
        sheet, row, col, _ = META[f"GK_TEXT_{part}"]
        assert wb[sheet].cell(row, col).value
    sheet, row, col, _ = META["GK_TEXT_1"]
    assert "本年度有1起申请公开政府信息的情况" in wb[sheet].cell(row, col).value


def test_import_keeps_blanks_blank_and_lists_reading_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "二七.xlsx"
    assert main(["import", str(SEED_002), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.count("读取问题") == 3 and "收费及减免" in printed
    wb = openpyxl.load_workbook(out)
    assert _cell(wb, ("T3", "new", "commercial")) is None
    assert _cell(wb, ("T3", "new", "natural")) == 2
    main(["check", "--json", str(out)])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert {"R2", "R5a"} <= {f["rule"] for f in found}
    # the report left most totals blank: one piece of advice to fill them, and the grand total
    # it printed as 0 is named as the cell to correct (the results add up to 2)
    assert sum("填充合计" in f["message"] and "还是空的" in f["message"] for f in found) == 1
    (named,) = [f for f in found if f.get("suspect")]
    assert (named["row"], named["column"], named["found"], named["expected"]) == (
        "（七）总计",
        "总计",
        0,
        2,
    )


def test_import_never_overwrites_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"mine")
    assert main(["import", str(SEED_001), "-o", str(out)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert out.read_bytes() == b"mine"
    assert main(["import", str(SEED_001), "-o", str(out), "--force"]) == 0
    assert openpyxl.load_workbook(out)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-o", "book.docx"], ".xlsm"),
        (["-o", "book.xlsx", "--force"], "不是政府信息公开工作年度报告"),
    ],
)
def test_import_errors(
    tmp_path: Path, args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("会议纪要\n今天开会。", encoding="utf-8")
    out_args = [a if not a.startswith("book") else str(tmp_path / a) for a in args]
    assert main(["import", str(source), *out_args]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "\n" not in err


def test_check_reports_not_a_report_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.html"
    source.write_text("<html><body><p>会议纪要</p></body></html>", encoding="utf-8")
    assert main(["check", str(source)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "notes.html：不是政府信息公开工作年度报告" in err


def test_check_with_a_published_report_as_prior(
    make_book, capsys: pytest.CaptureFixture[str]
) -> None:
    book = make_book(
        "2021",
        year=2021,
        agency="赣州市生态环境局",  # last year's report must be the same agency's
        overrides={("T3", "carry_in", "natural"): 3},
    )
    main(["check", "--json", "--prior", str(SEED_001), str(book)])
    line = json.loads(capsys.readouterr().out)
    r6 = [f for f in line["findings"] if f["rule"] == "R6"]
    assert any(f["column"] == "自然人" for f in r6)


def test_new_workbook_prefilled_from_last_years_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "2021.xlsx"
    assert main(["new", str(out), "--agency", "赣州市生态环境局", "--year", "2021",
                 "--prior", str(SEED_001)]) == 0  # fmt: skip
    wb = openpyxl.load_workbook(out)
    ws = wb[PRIOR_CARRY_OUT.sheet]
    row = [
        ws.cell(PRIOR_CARRY_OUT.r1, c).value
        for c in range(PRIOR_CARRY_OUT.c1, PRIOR_CARRY_OUT.c2 + 1)
    ]
    assert row == [0, 0, 0, 0, 0, 0, 0]


def _write_layout(layout: str, src, folder: Path) -> Path:
    import reader_layouts as L

    if layout == "docx":
        return L.write_docx(src, folder / "report.docx")
    writers = {
        "html": ("report.html", L.html_page),
        "script": ("report.htm", L.html_in_script),
        "markdown": ("report.md", L.markdown),
        "runs": ("report.txt", lambda r: L.text_layout(r, "runs")),
    }
    name, write = writers[layout]
    path = folder / name
    path.write_text(write(src), encoding="utf-8")
    return path


@pytest.mark.parametrize("layout", ["docx", "html", "script", "markdown", "runs"])
@pytest.mark.parametrize("seed", ["001", "003"])
def test_import_every_layout_into_a_workbook(
    tmp_path: Path, layout: str, seed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Write the seed's numbers in a layout, `gknb import` it, read the workbook back: every
    cell holds the source number (text such as "281841.1 元" as printed)."""
    from gknb.reader import read_report
    from gknb.service import read_workbook

    src = read_report(next(SEEDS.glob(f"{seed}_*.txt")))
    report_file = _write_layout(layout, src, tmp_path)
    book = tmp_path / "book.xlsx"
    assert main(["import", str(report_file), "-o", str(book)]) == 0
    capsys.readouterr()
    got = read_workbook(book)
    assert (got.agency, got.year, got.version) == (src.agency, src.year, src.version)
    for key, cell in src.cells.items():
        mine = got.cells[key]
        assert (mine.value, mine.issue) == (cell.value, cell.issue), key
