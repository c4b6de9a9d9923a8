"""Workbooks in an agency's own layout (not made from the template): read by their labels."""

import random

import pytest
from openpyxl import Workbook, load_workbook

from gknb import service
from gknb.cli import main
from gknb.errors import GknbError
from gknb.formats import FORMATS, TABLE_TITLES
from gknb.layout import grid
from gknb.synth import consistent_values


def own_layout(path, version="2021", seed=5, changes=None, year=2025):
    """One sheet: a title, then each table under its heading, merged as in the official layout."""
    fmt = FORMATS[version]
    values = consistent_values(fmt, random.Random(seed))
    values.update(changes or {})
    wb = Workbook()
    ws = wb.active
    ws.title = "年报表格"
    ws.append([f"某某县水利局{year}年政府信息公开工作年度报告"])
    row = 3
    for table in ("T2", "T3", "T4"):
        ws.cell(row, 1, TABLE_TITLES[table])
        row += 1
        g = grid(fmt, table)
        for c in g.cells:
            cell = ws.cell(row + c.row, 1 + c.col, values[c.key] if c.key else c.text)
            if c.rowspan > 1 or c.colspan > 1:
                ws.merge_cells(
                    start_row=cell.row, start_column=cell.column,
                    end_row=cell.row + c.rowspan - 1, end_column=cell.column + c.colspan - 1,
                )  # fmt: skip
        row += g.n_rows + 1
    wb.save(path)
    return values


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_every_cell_read_from_an_own_layout(tmp_path, version):
    path = tmp_path / "own.xlsx"
    values = own_layout(path, version, year=2020 if version == "2019" else 2025)
    report = service.read_workbook(path)
    assert report.kind == "report" and report.version == version
    assert {k: report.value(k) for k in FORMATS[version].keys()} == values
    assert report.agency == "某某县水利局"
    assert service.check_file(path).findings == []


def test_findings_and_blanks_in_an_own_layout(tmp_path, capsys):
    path = tmp_path / "own.xlsx"
    key = ("T3", "r1_open", "natural")
    values = own_layout(path)
    wb = load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():  # the clerk typed 予以公开/自然人 one too many and left a blank
        if row[1].value == "（一）予以公开":
            row[3].value = values[key] + 1
        if row[2].value == "2.重复申请":
            row[5].value = None
    wb.save(path)
    assert main(["check", "--json", str(path)]) == 1
    import json

    line = json.loads(capsys.readouterr().out)
    rules = sorted({f["rule"] for f in line["findings"]})
    assert rules == ["R2", "R5a"]
    # the row's total and the column's （七）总计 both miss by 1: the cell they share is named
    (named,) = [f for f in line["findings"] if f["rule"] == "R2"]
    assert named["suspect"] and (named["row"], named["column"]) == ("（一）予以公开", "自然人")
    assert (named["found"], named["expected"]) == (values[key] + 1, values[key])
    assert all(f["cell"] is None for f in line["findings"])


def test_fill_refuses_and_import_converts(tmp_path):
    path = tmp_path / "own.xlsx"
    values = own_layout(path)
    with pytest.raises(GknbError, match="gknb import"):
        service.fill_file(path)
    out = tmp_path / "转换.xlsx"
    assert main(["import", str(path), "-o", str(out)]) == 0
    converted = service.read_workbook(out)
    assert converted.kind == "workbook"
    assert {k: converted.value(k) for k in FORMATS["2021"].keys()} == values


def test_a_workbook_that_is_not_a_report(tmp_path):
    path = tmp_path / "台账.xlsx"
    wb = Workbook()
    wb.active.append(["日期", "来文单位", "事由"])
    wb.save(path)
    result = service.check_file(path)
    assert result.error is not None and "不是用年报助手模板建立的工作簿" in result.error


def test_review_reads_an_own_layout_too(tmp_path):
    from gknb.review.batch import review

    folder = tmp_path / "报告"
    folder.mkdir()
    own_layout(folder / "own.xlsx")
    outcome = review([folder], None, jobs=1)
    (entry,) = outcome.entries
    assert entry.error is None and entry.agency == "某某县水利局" and not entry.has_errors


def test_a_template_stripped_of_its_names_reads_like_the_template(tmp_path):
    """All GK_ names removed: read by labels, without tripping on the help, results and
    last-year sheets, and with the agency and year of its 封面."""

    from support.books import filled_values, filled_workbook

    values = filled_values(seed=2)
    values[("T3", "r1_open", "natural")] += 1  # one slip, to see the same finding both ways
    wb = filled_workbook(values=values, agency="某某县水利局")
    named = tmp_path / "named.xlsx"
    wb.save(named)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    stripped = tmp_path / "stripped.xlsx"
    wb.save(stripped)
    report = service.read_workbook(stripped)
    assert report.kind == "report"
    assert (report.agency, report.year) == ("某某县水利局", 2025)
    mine = [(f.rule, f.row, f.column) for f in service.check_file(stripped).findings]
    theirs = [(f.rule, f.row, f.column) for f in service.check_file(named).findings]
    assert mine == theirs and ("R2", "（一）予以公开", "自然人") in mine
