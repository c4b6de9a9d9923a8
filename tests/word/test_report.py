"""The complete report (no draft): page, fonts on every run and style, every number in the
right cell for both formats, text, signature, page numbers and document properties."""

import zipfile
from dataclasses import replace

import pytest
from docx import Document
from lxml import etree
from openpyxl import load_workbook

from gknb import __version__
from gknb.formats import FORMATS, SECTION_TITLES, TABLE_TITLES
from gknb.layout import grid
from gknb.word import WordStyle, export_workbook
from gknb.word.document import ReportMeta, title_lines
from gknb.word.export import format_date
from gknb.word.ooxml import THEME_ATTRS, w
from gknb.word.package import read_custom_properties
from gknb.word.tables import paragraph_text, read_grid
from gknb.workbook.contract import template_locations
from gknb.workbook.marks import parse_address

TEXT_1 = (
    "2025年，本局认真贯彻条例。\n（一）主动公开情况\n（二）依申请公开情况。全年收到申请若干件。"
)


@pytest.fixture
def book(make_book, set_meta):
    def make(version="2021", overrides=None, **meta):
        path = make_book(version, overrides)
        values = {"GK_TEXT_1": TEXT_1, "GK_TEXT_5": "问题与改进。", "GK_TEXT_6": "无。"}
        values["GK_DATE"] = "2026年1月20日"
        values.update(meta)
        return set_meta(path, **values)

    return make


def _parts(docx):
    with zipfile.ZipFile(docx) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_page_size_and_margins(book):
    out = export_workbook(book())
    section = Document(out).sections[0]
    mm = 36000  # EMU per mm
    assert (round(section.page_width / mm), round(section.page_height / mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(x / mm) for x in margins] == [37, 35, 28, 26]
    assert section.orientation == 0  # portrait: every table fits the 156 mm 版心


def test_every_run_and_style_names_its_east_asian_font(book):
    style = WordStyle(body="仿宋_GB2312", title="宋体", heading2="楷体_GB2312")
    out = export_workbook(book(), style=style)
    parts = _parts(out)
    allowed = set(style.fonts())
    runs = 0
    for name, data in parts.items():
        if not name.endswith(".xml"):
            continue
        text = data.decode("utf-8")
        for bad in ("ja-JP", "Mincho", "明朝", "ゴシック", "MS Gothic"):
            assert bad not in text, (name, bad)
        root = etree.fromstring(data)
        for fonts in root.iter(w("rFonts")):
            for a in THEME_ATTRS:
                assert fonts.get(w(a)) is None, (name, a)
        if name.startswith("word/") and root.tag in (w("document"), w("ftr"), w("hdr")):
            for r in root.iter(w("r")):
                runs += 1
                fonts = r.find(f"{w('rPr')}/{w('rFonts')}")
                assert fonts is not None, name
                lang = r.find(f"{w('rPr')}/{w('lang')}")
                assert lang is not None and lang.get(w("eastAsia")) == "zh-CN", name
                for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
                    assert fonts.get(w(slot)) in allowed, (name, slot, fonts.attrib)
    assert runs > 100
    styles = etree.fromstring(parts["word/styles.xml"])
    for s in styles.iter(w("style")):
        fonts = s.find(f"{w('rPr')}/{w('rFonts')}")
        assert fonts is not None and fonts.get(w("eastAsia")) in allowed, s.get(w("styleId"))
        lang = s.find(f"{w('rPr')}/{w('lang')}")  # Simplified Chinese glyphs in any renderer
        assert lang is not None and lang.get(w("eastAsia")) == "zh-CN", s.get(w("styleId"))
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    assert defaults.find(w("rFonts")).get(w("eastAsia")) == "仿宋_GB2312"
    assert defaults.find(w("lang")).get(w("eastAsia")) == "zh-CN"
    settings = etree.fromstring(parts["word/settings.xml"])
    assert settings.find(w("themeFontLang")).get(w("eastAsia")) == "zh-CN"
    assert not any(n.startswith("word/theme/") for n in parts)  # no theme, no theme fonts


def test_house_style_sizes(book):
    out = export_workbook(book())
    doc = Document(out)
    paras = doc.paragraphs
    title = paras[0]
    assert title.style.name == "Title"
    assert title.text == "测试局2025年政府信息公开工作年度报告"  # fits one line
    assert {r.font.size.pt for r in title.runs} == {22}  # 二号
    assert title.runs[0]._r.rPr.rFonts.get(w("eastAsia")) == "方正小标宋简体"
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing.pt == 28 and normal.line_spacing_rule == 4  # EXACTLY
    assert normal.first_line_indent.pt == 32  # two characters of 三号
    headings = [p for p in paras if p.style.name == "Heading 1"]
    assert [p.text for p in headings] == [f"{n}、{t}" for n, t in SECTION_TITLES]
    for p in headings:
        assert {r._r.rPr.rFonts.get(w("eastAsia")) for r in p.runs} == {"黑体"}
        assert {r.font.size.pt for r in p.runs} == {16}
    level2 = [p for p in paras if p.text.startswith("（")]
    assert level2[0].style.name == "Heading 2" and level2[0].text == "（一）主动公开情况"
    head, tail = level2[1].runs  # heading sentence 楷体, the rest 仿宋
    assert head.text == "（二）依申请公开情况。"
    assert head._r.rPr.rFonts.get(w("eastAsia")) == "楷体"
    assert tail._r.rPr.rFonts.get(w("eastAsia")) == "仿宋"
    body = [p for p in paras if p.text.startswith("2025年，本局")]
    assert body and body[0].style.name == "Normal"


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_every_number_in_the_right_cell(book, version):
    overrides = {("T3", "r4_1", "commercial"): "4个"} if version == "2021" else {}
    if version == "2021":
        overrides[("T2_8", "fee", "amount")] = 323.65
    else:
        overrides[("T2_9", "procurement", "amount")] = 281841.1
        overrides[("T2_5", "license", "change")] = -8
    path = book(version, overrides)
    out = export_workbook(path, force=True)  # "4个" is only a warning; force is harmless
    fmt = FORMATS[version]
    # the workbook, read independently with openpyxl at the template's addresses
    wb = load_workbook(path, data_only=True)
    expected = {}
    for key, address in template_locations(fmt).items():
        sheet, row, col = parse_address(address)
        value = wb[sheet].cell(row, col).value
        expected[key] = value
    doc = etree.fromstring(_parts(out)["word/document.xml"])
    tables = doc.find(w("body")).findall(w("tbl"))
    assert len(tables) == 3
    seen = 0
    for tbl, table in zip(tables, ("T2", "T3", "T4"), strict=True):
        g = grid(fmt, table)
        cells = {(c.row, c.col): c for c in read_grid(tbl)}
        for c in g.number_cells():
            text = cells[(c.row, c.col)].text
            value = expected[c.key]
            if isinstance(value, str):
                assert text == value, c.key
            elif isinstance(value, float) and not value.is_integer():
                assert float(text) == value and text == repr(value), c.key  # decimals kept
            else:
                assert text == str(int(value)), c.key
            seen += 1
    assert seen == sum(1 for _ in fmt.keys())


def test_texts_signature_and_page_numbers(book):
    out = export_workbook(book(GK_DATE="2026-01-05"))
    doc = Document(out)
    texts = [p.text for p in doc.paragraphs]
    assert "问题与改进。" in texts and "无。" in texts
    assert texts[-2:] == ["测试局", "2026年1月5日"]
    agency, date = doc.paragraphs[-2:]
    assert agency.alignment == date.alignment == 2  # right
    # GB/T 9704: the date starts two characters right of the agency (空二字 at the right)
    assert date.paragraph_format.right_indent.pt == 2 * 16
    assert agency.paragraph_format.right_indent.pt == 16 * (2 - 3 + 6 + 2)
    # the tables follow their headings directly
    body = list(doc.element.body)
    for title in TABLE_TITLES.values():
        i = next(i for i, el in enumerate(body) if el.tag == w("p") and paragraph_text(el) == title)
        assert body[i + 1].tag == w("tbl")
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer, jc in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = etree.tostring(p._p, encoding="unicode")
        assert "PAGE" in xml and 'fldCharType="begin"' in xml
        assert p.text == "— 1 —"
        assert p._p.pPr.find(w("jc")).get(w("val")) == jc
        for r in p.runs:
            assert r._r.rPr.rFonts.get(w("eastAsia")) == "宋体"
            assert r.font.size.pt == 14  # 四号


def test_document_properties_name_agency_and_version(book):
    out = export_workbook(book())
    props = Document(out).core_properties
    assert props.title == "测试局2025年政府信息公开工作年度报告"
    assert props.author == "测试局"
    assert __version__ in props.comments
    custom = read_custom_properties(out)
    assert custom["GknbVersion"] == __version__
    assert custom["GknbFormat"] == "2021"
    assert custom["GknbMode"] == "完整报告"


def test_missing_text_leaves_a_visible_prompt_and_a_note(book):
    path = book(GK_TEXT_5=None, GK_DATE=None)
    notes = []
    out = export_workbook(path, notes=notes)
    texts = [p.text for p in Document(out).paragraphs]
    assert any("尚未填写" in t for t in texts)
    assert any("第五部分未填写" in n for n in notes)
    assert any("成文日期" in n for n in notes)


def test_default_name_never_replaces_a_file(book):
    path = book()
    first = export_workbook(path)
    second = export_workbook(path)
    assert first.name == "book（导出）.docx" and second.name == "book（导出2）.docx"
    assert first.parent == path.parent
    assert (first.stat().st_mode & 0o777) != 0o600  # an ordinary file, not a private temp


def test_text_pasted_with_its_heading_is_not_doubled(book):
    out = export_workbook(book(GK_TEXT_6="六、其他需要报告的事项\n本年度未收取信息处理费。"))
    texts = [p.text for p in Document(out).paragraphs]
    assert texts.count("六、其他需要报告的事项") == 1
    assert "本年度未收取信息处理费。" in texts


def test_long_title_breaks_after_the_agency():
    meta = ReportMeta("示例县生态环境局", 2025, "", "")
    assert title_lines(meta, 20) == ["示例县生态环境局", "2025年政府信息公开工作年度报告"]
    assert title_lines(ReportMeta("测试局", 2025, "", ""), 20) == [
        "测试局2025年政府信息公开工作年度报告"
    ]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("2026年1月20日", "2026年1月20日"),
        ("2026-01-05", "2026年1月5日"),
        ("2026/1/5", "2026年1月5日"),
        (46042, "2026年1月20日"),
    ],
)
def test_format_date(raw, text):
    assert format_date(raw) == text


def test_control_characters_in_texts_do_not_break_the_document(tmp_path):
    """Excel keeps control characters (_x000B_ in the file) that XML cannot hold."""
    import io

    from gknb.synth import consistent_report
    from gknb.word.document import build_report

    report = consistent_report("2021")
    report.cells[("T3", "new", "other")] = replace(
        report.cells[("T3", "new", "other")], raw="1\x01"
    )
    report.texts["1"] = "第一段\x0b第二段\x07。\r\n第三段"
    meta = ReportMeta("测试局\x08", 2025, "2026年1月5日", "book.xlsx")
    doc = Document(io.BytesIO(build_report(report, meta, WordStyle())))
    texts = [p.text for p in doc.paragraphs]
    assert "第一段第二段。" in texts and "第三段" in texts and "测试局" in texts


def test_generated_narrative_precedes_tables_three_and_four(tmp_path):
    from docx import Document

    from gknb import service
    from gknb.demo import build_demo
    from gknb.word.export import export_workbook

    path = build_demo(tmp_path / "demo")
    result = service.write_text(path)
    out = export_workbook(path, tmp_path / "out.docx", force=True)
    body = [p.text for p in Document(str(out)).paragraphs]
    assert result.texts["3"] in body and result.texts["4"] in body
    heading3 = body.index("三、收到和处理政府信息公开申请情况")
    assert body.index(result.texts["3"]) == heading3 + 1
