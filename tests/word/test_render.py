"""Render the exported report with LibreOffice Writer and check the pages: how many, A4, text
inside the 版心, page numbers "— n —" below it (odd pages right, even pages left), and the
header of table 三 repeated where the table continues on a new page."""

import pdfplumber
import pytest

from gknb.demo import build_demo
from gknb.word import export_workbook

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
LEFT, RIGHT, TOP, BOTTOM = 28 * MM, (210 - 26) * MM, 37 * MM, (297 - 35) * MM


def _pages(pdf):
    with pdfplumber.open(pdf) as doc:
        pages = []
        for page in doc.pages:
            words = page.extract_words()
            lines = page.lines + page.rects
            pages.append((page.width, page.height, words, lines))
        return pages


def _check_layout(pages):
    for n, (width, height, words, lines) in enumerate(pages, start=1):
        assert (width, height) == pytest.approx(A4, abs=1)
        body = [w for w in words if w["top"] < BOTTOM]
        footer = [w for w in words if w["top"] >= BOTTOM]
        assert body, f"第 {n} 页没有正文"
        assert min(w["x0"] for w in body) >= LEFT - 1
        assert max(w["x1"] for w in body) <= RIGHT + 16 + 1  # a hanging 。 may stick out
        assert min(w["top"] for w in body) >= TOP - 1
        assert max(w["bottom"] for w in body) <= BOTTOM + 1
        for line in lines:  # table borders stay inside the 版心
            assert line["x0"] >= LEFT - 1.5 and line["x1"] <= RIGHT + 1.5
        assert [w["text"] for w in footer] == ["—", str(n), "—"]
        assert all(BOTTOM < w["top"] < BOTTOM + 12 * MM for w in footer)  # ≈7 mm below
        centre = sum(w["x0"] for w in footer) / 3
        assert (centre > width / 2) == (n % 2 == 1)  # odd pages right, even pages left


def test_demo_report_renders_on_three_pages(tmp_path, render_pdf):
    book = build_demo(tmp_path)
    docx = export_workbook(book, force=True, use_draft=False)
    pages = _pages(render_pdf(docx))
    # title, 一 and table 二 | 三 with its table | 四, 五, 六 and the signature
    assert len(pages) == 3
    _check_layout(pages)
    texts = [" ".join(w["text"] for w in words) for _, _, words, _ in pages]
    assert "示例县生态环境局" in texts[0] and "第二十条第（八）项" in texts[0]
    assert "三、收到和处理政府信息公开申请情况" in texts[1] and "四、结转下年度继续办理" in texts[1]
    assert "行政复议" in texts[2] and "2026年1月20日" in texts[2].replace(" ", "")


def test_2019_report_splits_table_three_with_its_header_repeated(make_book, set_meta, render_pdf):
    book = make_book("2019")
    set_meta(
        book,
        GK_TEXT_1="总体情况。" * 30,
        GK_TEXT_5="问题。" * 20,
        GK_TEXT_6="无。",
        GK_DATE="2021年1月25日",
    )
    docx = export_workbook(book)
    pages = _pages(render_pdf(docx))
    # title and 一 | table 二 (kept whole) and the start of 三 | the rest of 三, 四, 五 | 六
    assert len(pages) == 4
    _check_layout(pages)
    texts = [" ".join(w["text"] for w in words) for _, _, words, _ in pages]
    assert "第二十条第（九）项" in texts[1] and "二、主动公开政府信息情况" in texts[1]
    assert "三、收到和处理政府信息公开申请情况" in texts[1]
    # table 三 continues on page 3 and its three header rows are printed again there
    for page in texts[1:3]:
        assert "申请人情况" in page and "法人或其他组织" in page
    assert "四、结转下年度继续办理" in texts[2]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_table_three_never_leaves_its_last_or_first_rows_alone(
    version, make_book, set_meta, render_pdfs
):
    """Table 三 breaks wherever the text before it ends: over a range of lengths of 三's
    说明文字 (one line more each time, a full cycle of break points), the page it continues on
    holds its header and at least its last three rows, and it starts with at least two."""
    from gknb.formats import FORMATS

    labels = [r.label[:6] for r in FORMATS[version].block("T3").rows]
    docxs = []
    for i, chars in enumerate(range(308, 672, 28)):
        book = make_book(version, name=f"b{i}.xlsx")
        set_meta(
            book,
            GK_TEXT_1="总体情况。" * 60,
            GK_TEXT_3="说" * chars,
            GK_TEXT_5="问题。" * 20,
            GK_DATE="2021年1月25日",
        )
        docxs.append(export_workbook(book, out=book.with_suffix(".docx")))
    split = 0
    for pdf in render_pdfs(docxs):
        texts = ["".join(w["text"] for w in words) for _, _, words, _ in _pages(pdf)]
        first = next(i for i, t in enumerate(texts) if "申请人情况" in t)
        last = next(i for i, t in enumerate(texts) if "四、结转下年度继续办理" in t)
        if first == last:
            continue
        split += 1
        assert last == first + 1
        starts = [label for label in labels if label in texts[first]]
        ends = [label for label in labels if label in texts[last]]
        assert len(starts) >= 2, (pdf, starts)
        assert len(ends) >= 3 and "申请人情况" in texts[last], (pdf, ends)
    assert split >= 8  # the range really moves the break through the table
