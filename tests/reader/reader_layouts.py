"""Render a Report as a published report in other layouts, for the reader's round-trip tests.

The tables follow the official merged layout (`gknb.layout.grid`): every merged cell is
written once with its rowspan/colspan (HTML), gridSpan/vMerge (Word), or as one cell followed
by empty ones (Markdown).
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gknb.formats import SECTION_TITLES
from gknb.layout import GridCell, grid
from gknb.model import Report

TABLE_OF_PART = {"二": "T2", "三": "T3", "四": "T4"}
TEXT_OF_PART = {"一": "1", "五": "5", "六": "6"}


def raw_text(report: Report, cell: GridCell) -> str:
    if cell.key is None:
        return cell.text
    c = report.cells.get(cell.key)
    if c is None or c.raw is None:
        return ""
    return str(c.raw)


def rows_of(report: Report, table: str) -> list[list[GridCell]]:
    g = grid(report.format, table)
    rows: list[list[GridCell]] = [[] for _ in range(g.n_rows)]
    for c in g.cells:
        rows[c.row].append(c)
    for r in rows:
        r.sort(key=lambda c: c.col)
    return rows


def title(report: Report) -> str:
    return f"{report.agency}{report.year}年度政府信息公开工作年度报告"


def parts(report: Report) -> Iterator[tuple[str, str | None, str]]:
    """(heading, table id or None, text) for the six parts."""
    for num, name in SECTION_TITLES:
        text = report.texts.get(TEXT_OF_PART.get(num, ""), "") if num in TEXT_OF_PART else ""
        if num == "六" and not text:
            text = "无。"
        yield f"{num}、{name}", TABLE_OF_PART.get(num), text


# ---- HTML --------------------------------------------------------------------------------


def html_table(report: Report, table: str) -> str:
    out = ['<table border="1" cellspacing="0">']
    for row in rows_of(report, table):
        out.append("<tr>")
        for c in row:
            span = ""
            if c.rowspan > 1:
                span += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                span += f' colspan="{c.colspan}"'
            out.append(f"<td{span}>{html.escape(raw_text(report, c))}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def html_body(report: Report) -> str:
    out = [f'<h1 class="title">{html.escape(title(report))}</h1>']
    for heading, table, text in parts(report):
        out.append(f"<p><strong>{html.escape(heading)}</strong></p>")
        if table:
            out.append(html_table(report, table))
        for para in text.split("\n"):
            if para.strip():
                out.append(f"<p>&nbsp;&nbsp;{html.escape(para)}</p>")
    return "\n".join(out)


def html_page(report: Report) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>年报</title></head>'
        f'<body><div class="nav">首页 &gt; 政府信息公开年报</div>{html_body(report)}</body></html>'
    )


def html_in_script(report: Report) -> str:
    """The page of many portals: the report is a JSON string written by a script."""
    body = json.dumps(html_body(report), ensure_ascii=False).replace("<", "\\u003c")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<div id="content"></div><script type="text/javascript">'
        f'var detail = {{"title": "年报", "content": {body}}};'
        'document.getElementById("content").innerHTML = detail.content;</script></body></html>'
    )


# ---- Markdown (PDF-to-Markdown converters) ----------------------------------------------


def md_table(report: Report, table: str) -> list[str]:
    g = grid(report.format, table)
    cells = [["" for _ in range(g.n_cols)] for _ in range(g.n_rows)]
    for c in g.cells:
        cells[c.row][c.col] = raw_text(report, c)
    lines = []
    for i, row in enumerate(cells):
        lines.append("| " + " | ".join(row) + " |")
        if i == 0:
            lines.append("|" + "---|" * g.n_cols)
    return lines


def markdown(report: Report) -> str:
    out = [f"# {title(report)}", ""]
    for heading, table, text in parts(report):
        out += [f"## {heading}", ""]
        if table:
            out += [*md_table(report, table), ""]
        out += [text, ""]
    return "\n".join(out)


# ---- plain text -------------------------------------------------------------------------


def text_layout(report: Report, style: str) -> str:
    """cells: one cell per line with a tab, blank line between rows (Word saved as text);
    tabs: one row per line, cells separated by tabs (a web page copied from the browser);
    space: one row per line, cells two spaces apart (PDF text);
    stream: one cell per line, nothing between rows;
    runs: like space, but the numbers of table 三 and 四 rows printed without separators."""
    out = [report.agency, f"{report.year}年度政府信息公开工作年度报告", ""]
    for heading, table, text in parts(report):
        out.append(heading)
        if table:
            for row in rows_of(report, table):
                texts = [raw_text(report, c) for c in row]
                numbers = [raw_text(report, c) for c in row if c.key]
                labels = [c.text for c in row if not c.key and c.text]
                if style == "cells":
                    out += [f"\t{t}" for t in texts] + [""]
                elif style == "tabs":  # a web page's table copied from the browser
                    out.append("\t".join(texts))
                elif style == "stream":
                    out += [t for t in texts if t]
                elif style == "runs" and table in ("T3", "T4") and numbers:
                    out.append(("  ".join(labels) + "  " if labels else "") + "".join(numbers))
                else:
                    out.append("  ".join(t for t in texts if t))
        out += [text, ""]
    return "\n".join(out)


# ---- Word (python-docx, merged cells) ---------------------------------------------------


def write_docx(report: Report, path: Path) -> Path:
    import docx

    doc = docx.Document()
    doc.add_paragraph(title(report))
    _add_parts(report, doc, "Table Grid")
    doc.save(str(path))
    return path


def _add_parts(report: Report, box: Any, table_style: str | None = None) -> None:
    """Every part's heading, table and text into a document or a table cell (`box`)."""
    for heading, table, text in parts(report):
        box.add_paragraph(heading)
        if table:
            g = grid(report.format, table)
            t = box.add_table(rows=g.n_rows, cols=g.n_cols)
            if table_style:
                t.style = table_style
            for c in g.cells:  # merge first, then write each merged cell once
                if c.rowspan > 1 or c.colspan > 1:
                    t.cell(c.row, c.col).merge(t.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            for c in g.cells:
                t.cell(c.row, c.col).text = raw_text(report, c)
        for para in text.split("\n"):
            if para.strip():
                box.add_paragraph(para)


def html_in_layout_table(report: Report) -> str:
    """Portals that put the whole article in one cell of a page-layout table."""
    return (
        '<html><head><meta charset="utf-8"></head><body><table width="100%"><tr>'
        '<td class="nav">首页</td></tr><tr><td class="article">'
        f"{html_body(report)}</td></tr></table></body></html>"
    )


def write_docx_in_layout_table(report: Report, path: Path) -> Path:
    """A Word file whose whole body sits in a one-cell table, the statutory tables nested."""
    import docx

    doc = docx.Document()
    outer = doc.add_table(rows=1, cols=1).cell(0, 0)
    outer.paragraphs[0].text = title(report)
    _add_parts(report, outer)
    doc.save(str(path))
    return path


# ---- layouts without reliable lines or cells (issue: layout-free reading) ------------------


def one_line(report: Report) -> str:
    """The whole report as one line with every white space removed (a crawler's page text)."""
    return "".join(text_layout(report, "space").split())


def collapsed(report: Report) -> str:
    """Every run of white space, line breaks included, turned into one space."""
    return " ".join(text_layout(report, "space").split())


def _number_rows(report: Report, table: str) -> list[tuple[list[str], list[str]]]:
    """(labels, numbers as printed) of each row of a table, blank cells left out."""
    out = []
    for row in rows_of(report, table):
        labels = [c.text for c in row if not c.key and c.text]
        numbers = [raw_text(report, c) for c in row if c.key]
        out.append((labels, [n for n in numbers if n]))
    return out


def _render(report: Report, row_text: Callable[[str, list[str], list[str]], str]) -> str:
    """The report as text, each table row given by row_text(table, labels, numbers)."""
    out = [report.agency, f"{report.year}年度政府信息公开工作年度报告", ""]
    for heading, table, text in parts(report):
        out.append(heading)
        if table:
            for labels, numbers in _number_rows(report, table):
                out.append(row_text(table, labels, numbers))
        out += [text, ""]
    return "\n".join(out)


def stray_spaces(report: Report, rng: random.Random) -> str:
    """Rows of tables 三 and 四 printed with irregular spacing: some cell boundaries lost
    ("10 0 00 0 1"), some spaces doubled. (Table 二 has no sums that could cut numbers run
    together: it is printed as it should be.)"""

    def row_text(table: str, labels: list[str], numbers: list[str]) -> str:
        text = "  ".join(labels)
        if numbers and table == "T2":
            text += "  " + "  ".join(numbers)
        elif numbers:
            seps = [rng.choice(("", " ", " ", "  ")) for _ in numbers[1:]]
            body = numbers[0] + "".join(s + n for s, n in zip(seps, numbers[1:], strict=True))
            text += "  " + body
        return text

    return _render(report, row_text)


def glued_labels(report: Report) -> str:
    """Labels run straight into their numbers: 规章0 0 0, 一、本年新收政府信息公开申请数量2 3 …"""
    return _render(report, lambda _t, labels, numbers: "".join(labels) + " ".join(numbers))


def glued_items(report: Report) -> str:
    """Each row's item number glued to the previous row's total, as a line-joining converter
    prints it: …信息 7 0 0 0 0 0 72.没有现成信息需要另行制作 1 …"""
    text = _render(report, lambda _t, labels, numbers: "  ".join([*labels, " ".join(numbers)]))
    return re.sub(r"(\d)\n(\d\.)", r"\1\2", text)


def box_order(report: Report, rng: random.Random) -> str:
    """Rows of table 三 out of order, as pdftotext -raw gives a table by its boxes."""
    out = [report.agency, f"{report.year}年度政府信息公开工作年度报告", ""]
    for heading, table, text in parts(report):
        out.append(heading)
        if table:
            rows = [
                "  ".join([*labels, *numbers]) for labels, numbers in _number_rows(report, table)
            ]
            if table == "T3":
                head = [r for r in rows if not re.search(r"\d", r)]
                body = [r for r in rows if re.search(r"\d", r)]
                rng.shuffle(body)
                rows = head + body
            out += rows
        out += [text, ""]
    return "\n".join(out)


def markdown_split(report: Report, rng: random.Random) -> str:
    """Markdown from a PDF converter: each table broken into two pipe tables at a random row,
    table 二's heading printed between its halves, a page footer between the others."""
    out = [f"# {title(report)}", ""]
    for heading, table, text in parts(report):
        if not table:
            out += [f"## {heading}", "", text, ""]
            continue
        lines = md_table(report, table)
        body = [x for x in lines if not x.startswith("|---")]
        cut = rng.randrange(1, len(body))
        sep = "|" + "---|" * (body[0].count("|") - 1)
        first, second = body[:cut], body[cut:]
        between = [f"## {heading}"] if table == "T2" else ["— 3 —"]
        if table != "T2":
            out += [f"## {heading}", ""]
        out += [first[0], sep, *first[1:], "", *between, "", second[0], sep, *second[1:], ""]
        out += [text, ""]
    return "\n".join(out)


def escaped_html(report: Report) -> str:
    """A web page's markup saved into a text file with its string escapes (\\" \\/ \\n)."""
    return html_page(report).replace('"', '\\"').replace("</", "<\\/").replace("\n", "\\n")
