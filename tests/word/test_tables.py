"""The Word tables against the official layout grids: every merged cell, header repeat, rows
that do not split, alignment and the way values are printed."""

import datetime as dt

import pytest

from gknb.formats import FORMATS, Kind
from gknb.layout import TABLES, grid
from gknb.synth import consistent_report
from gknb.word.ooxml import w
from gknb.word.style import WordStyle
from gknb.word.tables import column_twips, parse_table, printed_text, read_grid, table_xml


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("table", TABLES)
def test_every_merged_cell_matches_the_layout(version, table):
    fmt = FORMATS[version]
    g = grid(fmt, table)
    tbl = parse_table(table_xml(fmt, table, None, WordStyle()))
    got = {(c.row, c.col): c for c in read_grid(tbl)}
    assert set(got) == {(c.row, c.col) for c in g.cells}
    for c in g.cells:
        cell = got[(c.row, c.col)]
        assert (cell.rowspan, cell.colspan) == (c.rowspan, c.colspan), c
        if c.key is None:
            assert cell.text == c.text
    rows = tbl.findall(w("tr"))
    assert len(rows) == g.n_rows
    assert len(tbl.find(w("tblGrid")).findall(w("gridCol"))) == g.n_cols
    for r, tr in enumerate(rows):
        assert tr.find(f"{w('trPr')}/{w('cantSplit')}") is not None  # rows never split
        repeat = tr.find(f"{w('trPr')}/{w('tblHeader')}") is not None
        assert repeat == (r < g.header_rows)  # the header rows repeat on each page
        # every row covers the whole grid: gridSpans add up to the number of columns
        spans = [int(tc.find(f"{w('tcPr')}/{w('gridSpan')}").get(w("val"))) if tc.find(
            f"{w('tcPr')}/{w('gridSpan')}") is not None else 1 for tc in tr.findall(w("tc"))]  # fmt: skip
        assert sum(spans) == g.n_cols


def test_table3_header_and_label_columns_by_name():
    """The spans FORMAT.md spells out, checked by label (not only against the grid)."""
    tbl = parse_table(table_xml(FORMATS["2021"], "T3", None, WordStyle()))
    cells = {c.text: c for c in read_grid(tbl) if c.text}
    corner = next(c for t, c in cells.items() if t.startswith("（本列数据的勾稽关系"))
    assert (corner.row, corner.col, corner.rowspan, corner.colspan) == (0, 0, 3, 3)
    assert (cells["申请人情况"].colspan, cells["申请人情况"].row) == (7, 0)
    assert (cells["法人或其他组织"].colspan, cells["法人或其他组织"].rowspan) == (5, 1)
    assert (cells["自然人"].rowspan, cells["总计"].rowspan) == (2, 2)
    result = cells["三、本年度办理结果"]
    assert (result.col, result.rowspan) == (0, 22)  # （一）…（七）in the 2021 format
    tcpr = result.element.find(w("tcPr"))
    assert tcpr.find(w("textDirection")).get(w("val")) == "tbRl"  # written top to bottom
    assert cells["（三）不予公开"].rowspan == 8
    assert cells["（四）无法提供"].rowspan == 3
    assert cells["（五）不予处理"].rowspan == 5
    assert cells["（六）其他处理"].rowspan == 3
    assert cells["一、本年新收政府信息公开申请数量"].colspan == 3
    assert cells["（一）予以公开"].colspan == 2
    # 2019: a single （六）其他处理 row spanning the two label columns
    tbl19 = parse_table(table_xml(FORMATS["2019"], "T3", None, WordStyle()))
    cells19 = {c.text: c for c in read_grid(tbl19) if c.text}
    assert (cells19["（六）其他处理"].colspan, cells19["（六）其他处理"].rowspan) == (2, 1)
    assert cells19["三、本年度办理结果"].rowspan == 20


def test_table4_two_level_header():
    tbl = parse_table(table_xml(FORMATS["2021"], "T4", None, WordStyle()))
    cells = read_grid(tbl)
    top = [(c.text, c.colspan) for c in cells if c.row == 0]
    assert top == [("行政复议", 5), ("行政诉讼", 10)]
    second = [(c.text, c.colspan, c.rowspan) for c in cells if c.row == 1]
    assert second[:5] == [
        (x, 1, 2) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    ]
    assert second[5:] == [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)]
    assert [c.row for c in cells if c.row == 3] == [3] * 15


def test_table2_blocks_have_full_width_title_rows():
    for version, blocks in (("2021", 4), ("2019", 5)):
        tbl = parse_table(table_xml(FORMATS[version], "T2", None, WordStyle()))
        titles = [c for c in read_grid(tbl) if c.text.startswith("第二十条")]
        assert len(titles) == blocks
        assert all(c.colspan == 4 and c.col == 0 for c in titles)
    tbl = parse_table(table_xml(FORMATS["2021"], "T2", None, WordStyle()))
    fee = next(c for c in read_grid(tbl) if c.text == "本年收费金额（单位：万元）")
    assert fee.colspan == 3


def test_numbers_centred_in_table_font_with_east_asian_slot():
    fmt = FORMATS["2021"]
    report = consistent_report("2021", seed=3)
    tbl = parse_table(table_xml(fmt, "T3", report, WordStyle(body="仿宋_GB2312")))
    g = grid(fmt, "T3")
    by_pos = {(c.row, c.col): c for c in read_grid(tbl)}
    for c in g.number_cells():
        cell = by_pos[(c.row, c.col)]
        assert cell.text == str(report.cells[c.key].raw)
        p = cell.element.find(w("p"))
        assert p.find(f"{w('pPr')}/{w('jc')}").get(w("val")) == "center"
    for r in tbl.iter(w("r")):
        fonts = r.find(f"{w('rPr')}/{w('rFonts')}")
        assert fonts.get(w("eastAsia")) == "仿宋_GB2312"
        assert fonts.get(w("ascii")) == "仿宋_GB2312"
        assert r.find(f"{w('rPr')}/{w('sz')}").get(w("val")) == "21"  # 五号


def test_widths_fill_the_text_width():
    for version in ("2019", "2021"):
        for table in TABLES:
            tbl = parse_table(table_xml(FORMATS[version], table, None, WordStyle(), 8844))
            cols = [int(c.get(w("w"))) for c in tbl.iter(w("gridCol"))]
            assert sum(cols) == 8844
    assert column_twips((45.0, 37.0, 37.0, 37.0), 12000)[0] > 3000


@pytest.mark.parametrize(
    ("raw", "kind", "text"),
    [
        (None, Kind.COUNT, ""),
        (0, Kind.COUNT, "0"),
        (1265, Kind.COUNT, "1265"),
        (3.0, Kind.COUNT, "3"),
        (-8, Kind.SIGNED, "-8"),
        (12.6, Kind.AMOUNT, "12.6"),
        (0.1 + 0.2, Kind.AMOUNT, "0.3"),
        (281841.15, Kind.AMOUNT, "281841.15"),
        (12.0, Kind.AMOUNT, "12"),
        ("12.50", Kind.AMOUNT, "12.50"),  # typed as text: kept as typed
        ("4个", Kind.COUNT, "4个"),
        (" 减51 ", Kind.SIGNED, "减51"),
        ("/", Kind.COUNT, "/"),
        (dt.datetime(2025, 3, 4), Kind.COUNT, "2025-03-04"),
    ],
)
def test_cell_text(raw, kind, text):
    assert printed_text(raw, kind) == text
