"""The seeds' numbers (and consistent reports of both formats) written out in other layouts —
Word (the tool's own export and python-docx), web page, web page inside a script string,
Markdown pipe tables, PDF made by LibreOffice, several text layouts — read back cell by cell."""

from __future__ import annotations

import difflib
import os
import subprocess
import unicodedata
from pathlib import Path

import pytest
import reader_layouts as L

from gknb.model import Issue, Report
from gknb.reader import read_report, read_text
from gknb.reader.from_html import html_rows
from gknb.reader.parse import parse_rows
from gknb.synth import consistent_report
from support import SEEDS, needs

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _synthetic(version: str, seed: int) -> Report:
    report = consistent_report(version, seed)
    report.agency = "某某市某某局"
    new = report.value(("T3", "new", "total"))
    report.texts = {"1": f"本年度共收到政府信息公开申请{new}件。", "5": "存在问题。", "6": "无。"}
    return report


SOURCES: dict[str, Report] = {f.name[:3]: read_report(f) for f in SEED_FILES}
SOURCES.update({f"syn{v}-{s}": _synthetic(v, s) for v in ("2019", "2021") for s in (1, 2)})
HAS_BLANKS = {
    k for k, r in SOURCES.items() if any(c.issue is Issue.BLANK for c in r.cells.values())
}


def _norm(raw: object) -> str:
    text = "" if raw is None else str(raw)
    return "".join(unicodedata.normalize("NFKC", text).split())


def assert_same(src: Report, got: Report, raws: bool = True) -> None:
    assert (got.version, got.year, got.agency) == (src.version, src.year, src.agency)
    assert [f.message for f in got.structure if f.table != "正文"] == []
    for key, cell in src.cells.items():
        mine = got.cells.get(key)
        assert mine is not None, key
        assert (mine.value, mine.issue) == (cell.value, cell.issue), (key, cell.raw, mine.raw)
        if raws and cell.issue is not None:
            assert _norm(mine.raw) == _norm(cell.raw), key
    assert set(got.cells) == set(src.cells)


@pytest.mark.parametrize("name", sorted(SOURCES))
@pytest.mark.parametrize(
    "layout", ["html", "script", "html-layout", "markdown", "cells", "tabs", "docx-layout"]
)
def test_layouts_keep_every_cell(name: str, layout: str, tmp_path: Path) -> None:
    src = SOURCES[name]
    if layout == "html":
        got = parse_rows(html_rows(L.html_page(src).encode("utf-8")))
    elif layout == "html-layout":
        got = parse_rows(html_rows(L.html_in_layout_table(src).encode("utf-8")))
    elif layout == "docx-layout":
        got = read_report(L.write_docx_in_layout_table(src, tmp_path / "nested.docx"))
    elif layout == "script":
        got = parse_rows(html_rows(L.html_in_script(src).encode("utf-8")))
    elif layout == "markdown":
        got = read_text(L.markdown(src))
    else:
        got = read_text(L.text_layout(src, layout))
    assert_same(src, got)


@pytest.mark.parametrize("name", sorted(set(SOURCES) - HAS_BLANKS))
@pytest.mark.parametrize("layout", ["space", "stream"])
def test_text_without_cell_boundaries(name: str, layout: str) -> None:
    """Blank cells cannot survive these layouts, so only reports without blanks."""
    src = SOURCES[name]
    assert_same(src, read_text(L.text_layout(src, layout)))


def _gbk(src: Report) -> bytes:
    page = L.html_page(src).replace('charset="utf-8"', 'charset="gbk"')
    return page.encode("gb18030")


@pytest.mark.parametrize("name", ["000", "syn2021-1"])
def test_html_variants(name: str) -> None:
    """GBK page; markup shown as text; a JSON response saved as a page; a script that writes
    single-quoted markup with escaped slashes."""
    import html
    import json

    src = SOURCES[name]
    body = L.html_body(src)
    assert_same(src, parse_rows(html_rows(_gbk(src))))
    shown = f"<html><body><pre>{html.escape(body)}</pre></body></html>"
    assert_same(src, parse_rows(html_rows(shown.encode("utf-8"))))
    api = json.dumps({"code": 0, "data": {"content": body}}, ensure_ascii=True)
    assert_same(src, parse_rows(html_rows(api.encode("ascii"))))
    quoted = body.replace("'", "\\'").replace("/", "\\/").replace("\n", "\\n")
    page = f"<html><body><script>var s = '{quoted}';</script></body></html>"
    assert_same(src, parse_rows(html_rows(page.encode("utf-8"))))


# ---- run-together digits --------------------------------------------------------------


def _fits(digits: str, groups: int, width: int) -> list[tuple[int, ...]]:
    """Every way to cut the digits into groups×width numbers (no leading zeros) where each
    group's last number is the sum of the others — written independently of the reader."""
    out: list[tuple[int, ...]] = []

    def go(rest: str, acc: list[str]) -> None:
        if len(acc) == groups * width:
            if not rest:
                vals = [int(x) for x in acc]
                blocks = [vals[g * width : (g + 1) * width] for g in range(groups)]
                if all(sum(b[:-1]) == b[-1] for b in blocks):
                    out.append(tuple(vals))
            return
        for n in range(1, len(rest) + 1):
            part = rest[:n]
            if len(part) > 1 and part[0] == "0":
                break
            go(rest[n:], [*acc, part])

    go(digits, [])
    return out


@pytest.mark.parametrize("name", ["000", "001", "003", "004", "syn2019-1", "syn2021-2"])
def test_run_together_rows_read_by_arithmetic(name: str) -> None:
    src = SOURCES[name]
    got = read_text(L.text_layout(src, "runs"))
    fmt = src.format
    reported = {f.row for f in got.structure if f.rule == "READ"}
    for block_id, groups, width in (("T3", 1, 7), ("T4", 3, 5)):
        block = fmt.block(block_id)
        for row in block.rows:
            keys = [(block_id, row.id, c.id) for c in block.cols]
            digits = "".join(str(src.cells[k].raw) for k in keys)
            fits = _fits(digits, groups, width)
            name_ = (f"{row.group} {row.label}" if row.group else row.label) or ""
            if all(k in got.cells for k in keys):
                # read: a cut that fits the row (the one, or the one the columns confirm), and
                # the true numbers
                assert tuple(got.value(k) for k in keys) in fits, row.id
                assert all(got.value(k) == src.value(k) for k in keys), row.id
            else:  # a cut the columns could not confirm, or several cuts: named, not guessed
                assert all(k not in got.cells for k in keys), row.id
                assert any(name_ in r or r in name_ for r in reported), row.id
    if name in ("001", "003", "004"):  # every row of these reads uniquely
        assert got.structure == []


# ---- Word and PDF ---------------------------------------------------------------------

WORD_SOURCES = ["000", "002", "003", "syn2021-1"]


def _export(src: Report, path: Path) -> Path:
    from gknb.word.document import ReportMeta, build_report
    from gknb.word.style import WordStyle

    meta = ReportMeta(src.agency, src.year, "2021年1月20日", "book.xlsx")
    path.write_bytes(build_report(src, meta, WordStyle()))
    return path


@pytest.mark.parametrize("name", WORD_SOURCES)
def test_word_export_read_back(name: str, tmp_path: Path) -> None:
    src = SOURCES[name]
    assert_same(src, read_report(_export(src, tmp_path / "export.docx")))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_python_docx_merged_layout(name: str, tmp_path: Path) -> None:
    src = SOURCES[name]
    got = read_report(L.write_docx(src, tmp_path / "report.docx"))
    assert_same(src, got)
    assert got.texts.get("5") == src.texts.get("5")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    docs = []
    for name in WORD_SOURCES:
        docs.append(L.write_docx(SOURCES[name], folder / f"{name}.own.docx"))
        docs.append(_export(SOURCES[name], folder / f"{name}.export.docx"))
        if name not in HAS_BLANKS:  # a PDF without ruled tables: only text to read
            text = folder / f"{name}.plain.txt"
            text.write_text(L.text_layout(SOURCES[name], "space"), encoding="utf-8")
            docs.append(text)
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), *map(str, docs)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(folder)},
    )  # fmt: skip
    return {p.stem: p for p in folder.glob("*.pdf")}


PDF_CASES = [
    (name, kind)
    for name in WORD_SOURCES
    for kind in ("own", "export", "plain")
    if not (kind == "plain" and name in HAS_BLANKS)  # blanks cannot be printed as plain text
]


@needs("soffice")
@pytest.mark.parametrize(("name", "kind"), PDF_CASES)
def test_pdf_from_word(name: str, kind: str, pdfs: dict[str, Path]) -> None:
    """Word → PDF (ruled tables, read by pdfplumber) and text → PDF (no tables: text only)."""
    src = SOURCES[name]
    got = read_report(pdfs[f"{name}.{kind}"])
    assert_same(src, got, raws=False)
    if src.texts.get("1"):
        # (a full-width comma hanging at a line end may be lost by the PDF text layer)
        ratio = difflib.SequenceMatcher(None, _norm(got.texts["1"]), _norm(src.texts["1"]))
        assert ratio.ratio() > 0.99
        # lines the PDF wrapped mid-sentence are joined again: every line ends a sentence or
        # clause, or is a line of the source (a sub-heading)
        lines = {_norm(x) for x in src.texts["1"].splitlines()}
        for line in got.texts["1"].splitlines():
            assert line.rstrip().endswith(("。", "；", "：")) or _norm(line) in lines, line


def _pdf_texts(pdf: Path) -> dict[str, str]:
    import shutil

    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        texts = {
            "pdfplumber": "\n".join(p.extract_text() for p in doc.pages),
            "pdfplumber-layout": "\n".join(p.extract_text(layout=True) for p in doc.pages),
        }
    if shutil.which("pdftotext"):
        for mode in ("raw", "layout"):
            done = subprocess.run(
                ["pdftotext", f"-{mode}", "-enc", "UTF-8", str(pdf), "-"],
                capture_output=True, check=True,
            )  # fmt: skip
            texts[f"pdftotext-{mode}"] = done.stdout.decode("utf-8")
    return texts


@needs("soffice")
@pytest.mark.parametrize("name", WORD_SOURCES)
def test_text_extracted_from_pdf(name: str, pdfs: dict[str, Path]) -> None:
    """PDF text as extraction tools print it: reading order, layout mode with wide spaces,
    labels wrapped over lines, page footers between rows."""
    src = SOURCES[name]
    for tool, text in _pdf_texts(pdfs[f"{name}.export"]).items():
        got = read_text(text)
        assert (got.agency, got.year) == (src.agency, src.year), tool
        for key, cell in src.cells.items():
            if name == "002" and key not in got.cells:
                continue  # blank cells leave no trace in text: those rows are reported
            assert got.value(key) == cell.value, (tool, key)
        if name == "002":
            assert got.structure
