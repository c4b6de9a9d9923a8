"""Web pages as the reader meets them."""

from gknb.reader.from_html import html_rows


def test_page_nested_deeper_than_256_levels_still_has_its_text():
    depth = 300
    page = "<html><body>" + "<div>" * depth + "<p>本机关2025年政府信息公开工作年度报告</p>"
    page += "</div>" * depth + "</body></html>"
    rows = html_rows(page.encode("utf-8"), "深.html")
    assert any("年度报告" in cell for row in rows for cell in row.cells)
