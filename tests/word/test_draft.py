"""Draft mode: the user's text stays byte for byte, the outdated tables are replaced, the
result is a new file next to the workbook."""

import re
import zipfile

import pytest
from lxml import etree

from gknb.formats import FORMATS
from gknb.layout import grid
from gknb.word import export_workbook
from gknb.word.draft import part_of_heading
from gknb.word.ooxml import w
from gknb.word.package import read_custom_properties
from gknb.word.tables import paragraph_text, read_grid

STATUTORY = ("第二十条", "申请人情况", "尚未审结")


def _body(docx):
    with zipfile.ZipFile(docx) as zf:
        raw = zf.read("word/document.xml")
    return raw, list(etree.fromstring(raw).find(w("body")))


def _is_statutory(el):
    if el.tag != w("tbl"):
        return False
    text = "".join(paragraph_text(p) for p in el.iter(w("p")))
    return any(s in text for s in STATUTORY)


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_text_kept_byte_for_byte_and_tables_replaced(make_book, make_draft, version):
    book = make_book(version)
    draft = make_draft(book.with_name("草稿.docx"), year=2020 if version == "2019" else 2025)
    out = export_workbook(book, draft=draft)
    assert out == book.parent / "草稿（导出）.docx"
    raw_in, before = _body(draft)
    raw_out, after = _body(out)
    # every element that is not a statutory table is unchanged, in the same order
    kept_in = [etree.tostring(el) for el in before if not _is_statutory(el)]
    kept_out = [etree.tostring(el) for el in after if not _is_statutory(el)]
    assert kept_in == kept_out
    # ... and byte for byte in the file itself
    outside_old_tables = re.sub(
        rb"<w:tbl>.*?</w:tbl>",
        lambda m: b"" if any(x.encode() in m.group(0) for x in STATUTORY) else m.group(0),
        raw_in,
    )
    paragraphs = re.findall(rb"<w:p>.*?</w:p>", outside_old_tables)
    assert len(paragraphs) >= 20
    for para in paragraphs:
        assert para in raw_out
    assert b"999" not in raw_out and b"888" not in raw_out  # the outdated tables are gone
    assert b"12345" in raw_out  # the unrelated table of part 一 is kept
    # one new table under each heading: 二 and 三 where the old ones were, 四 under its heading
    tables = [el for el in after if el.tag == w("tbl")]
    assert len(tables) == 4
    texts = [paragraph_text(el) if el.tag == w("p") else "<table>" for el in after]
    i2 = texts.index("二、主动公开政府信息情况")
    assert texts[i2 + 1] == "<table>"
    i3 = texts.index("三、收到和处理政府信息公开申请情况")
    assert texts[i3 + 1 : i3 + 3] == ["（单位：件）", "<table>"]
    i4 = texts.index("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况")
    assert texts[i4 + 1] == "<table>"
    assert texts[i4 + 2] == "本年度行政复议、行政诉讼情况如下表。"
    # the new tables hold the workbook's numbers in the official layout
    from gknb.service import read_workbook
    from gknb.word.tables import report_text

    report = read_workbook(book)
    fmt = FORMATS[version]
    for tbl, table in zip(tables[1:], ("T2", "T3", "T4"), strict=True):
        cells = {(c.row, c.col): c for c in read_grid(tbl)}
        g = grid(fmt, table)
        assert {(c.row, c.col, c.rowspan, c.colspan) for c in g.cells} == {
            (c.row, c.col, c.rowspan, c.colspan) for c in cells.values()
        }
        for c in g.number_cells():
            assert cells[(c.row, c.col)].text == report_text(report, fmt, c.key)
        # whatever language the draft's styles say, the tables' text is Simplified Chinese
        langs = [r.find(f"{w('rPr')}/{w('lang')}") for r in tbl.iter(w("r"))]
        assert langs and all(x is not None and x.get(w("eastAsia")) == "zh-CN" for x in langs)


def test_other_parts_of_the_draft_copied_unchanged(make_book, make_draft):
    book = make_book("2021")
    draft = make_draft(book.with_name("草稿.docx"))
    out = export_workbook(book, draft=draft)
    with zipfile.ZipFile(draft) as a, zipfile.ZipFile(out) as b:
        changed = {"word/document.xml", "[Content_Types].xml", "_rels/.rels"}
        names_a = a.namelist()
        assert b.namelist()[: len(names_a)] == names_a
        for name in names_a:
            if name not in changed:
                assert a.read(name) == b.read(name), name
    props = read_custom_properties(out)
    assert props["GknbMode"] == "草稿" and props["GknbVersion"]


def test_draft_is_never_overwritten_and_names_are_numbered(make_book, make_draft):
    book = make_book("2021")
    draft = make_draft(book.with_name("草稿.docx"))
    original = draft.read_bytes()
    first = export_workbook(book, draft=draft)
    second = export_workbook(book, draft=draft)
    assert (first.name, second.name) == ("草稿（导出）.docx", "草稿（导出2）.docx")
    assert draft.read_bytes() == original


def test_draft_found_beside_the_workbook(make_book, make_draft):
    book = make_book("2021", name="测试局2025年报.xlsx")
    make_draft(book.with_suffix(".docx"))
    notes = []
    out = export_workbook(book, notes=notes)
    assert out.name == "测试局2025年报（导出）.docx"
    assert any("第二部分：替换了原有的 1 个表格" in n for n in notes)
    assert any("第四部分：草稿中原来没有法定表格" in n for n in notes)
    # the output says which draft it used, and how not to use it
    assert notes[0].startswith("用的是工作簿旁的同名草稿：") and "测试局2025年报.docx" in notes[0]
    assert "--no-draft" in notes[1]
    # --no-draft: the complete report instead
    complete = export_workbook(book, use_draft=False)
    assert complete.name == "测试局2025年报（导出2）.docx"
    assert read_custom_properties(complete)["GknbMode"] == "完整报告"


def test_draft_named_on_the_cover_sheet(make_book, make_draft, set_meta, tmp_path):
    book = make_book("2021")
    folder = tmp_path / "草稿"
    folder.mkdir()
    make_draft(folder / "年报初稿.docx")
    set_meta(book, GK_DRAFT="草稿/年报初稿.docx")  # relative to the workbook
    out = export_workbook(book)
    assert out == book.parent / "年报初稿（导出）.docx"  # saved next to the workbook


def test_table_at_the_end_gets_a_closing_paragraph(make_book, tmp_path):
    from docx import Document

    doc = Document()
    for title in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"):
        doc.add_paragraph(title)
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    draft = tmp_path / "短稿.docx"
    doc.save(draft)
    out = export_workbook(make_book("2021"), draft=draft)
    _, after = _body(out)
    assert [el.tag for el in after[-3:]] == [w("tbl"), w("p"), w("sectPr")]
    assert after[0].tag == w("p") and after[1].tag == w("tbl")


@pytest.mark.parametrize(
    ("text", "num"),
    [
        ("二、主动公开政府信息情况", "二"),
        ("二、 主动公开政府信息情况", "二"),
        ("三、收到和处理政府信息公开申请情况", "三"),
        ("四、政府信息公开行政复议、行政诉讼情况", "四"),
        ("四、因政府信息公开工作被申请行政复议和提起行政诉讼情况", "四"),
        ("五、政府信息公开工作存在的主要问题及改进情况", "五"),
        ("主动公开政府信息情况", "二"),  # numbered by Word's list numbering
        ("因政府信息公开工作被申请行政复议和提起行政诉讼情况", "四"),
        ("四、政府信息公开收费及减免情况", None),  # the old section, not part 四
        ("二是加强政策解读，主动公开政策文件。", None),
        ("三、本年度办理结果", None),
        ("（二）主动公开", None),
    ],
)
def test_heading_variants(text, num):
    assert part_of_heading(text) == num


@pytest.mark.parametrize(
    ("agency", "year", "said"),
    [("另一局", 2025, "草稿是测试局的，工作簿是另一局的"), ("测试局", 2024, "草稿是2025年度的")],
)
def test_a_draft_of_another_agency_or_year_is_refused(make_book, make_draft, agency, year, said):
    """A same-named .docx beside the workbook is not silently somebody else's report."""
    from gknb.errors import GknbError

    book = make_book("2021", name="本局2025年报.xlsx", agency=agency, year=year)
    make_draft(book.with_suffix(".docx"))  # titled 测试局2025年…
    with pytest.raises(GknbError) as exc:
        export_workbook(book)
    message = str(exc.value)
    assert said in message and "--no-draft" in message and "--draft" in message
    assert "工作簿旁的同名草稿" in message
    assert [p.name for p in book.parent.glob("*（导出*")] == []
    notes: list[str] = []
    out = export_workbook(book, force=True, notes=notes)
    assert out.exists() and any("已按 --force 照常导出" in n for n in notes)


def test_a_placeholder_table_is_replaced(make_book, make_draft):
    """An empty table (or one saying 此处插入表格) under 四 is where the table goes."""
    from docx import Document

    book = make_book("2021")
    draft = make_draft(book.with_name("草稿.docx"))
    doc = Document(str(draft))
    heading = next(p for p in doc.paragraphs if p.text.startswith("四、"))
    table = doc.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "此处插入表格"
    heading._p.addnext(table._tbl)
    doc.save(str(draft))
    notes: list[str] = []
    out = export_workbook(book, draft=draft, notes=notes)
    assert any("第四部分：草稿中的 1 个空表格（占位）已换成法定表格" in n for n in notes)
    _, after = _body(out)
    assert not any("此处插入表格" in paragraph_text(p) for el in after for p in el.iter(w("p")))
