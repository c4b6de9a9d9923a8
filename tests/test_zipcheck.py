"""Limits that do not trust the file: a zip whose headers lie, a sheet with millions of rows,
zip features no reader handles. Each is refused with one Chinese sentence, fast, in small memory,
by every command that opens the file."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zipcraft
from gknb import zipcheck
from gknb.errors import GknbError
from gknb.workbook.template import build_workbook

GB = 1 << 30
MEMORY_LIMIT = 900 * 1024 * 1024  # the 1 GB a lying member inflates to does not fit


def run_limited(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """gknb in a child whose address space cannot hold what the bomb inflates to."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    proc = subprocess.run(
        [sys.executable, "-m", "gknb", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        cwd=cwd,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="session")
def gigabyte() -> bytes:
    return zipcraft.zeros_deflated(GB)


@pytest.fixture
def template_book(tmp_path: Path) -> Path:
    path = tmp_path / "本局2025年报.xlsx"
    build_workbook("2021", agency="本局", year=2025).save(path)
    return path


def docx_with(tmp_path: Path, name: str, document: zipcraft.Member) -> Path:
    import docx

    base = tmp_path / "base.docx"
    docx.Document().save(str(base))
    members = [document if m.name == "word/document.xml" else m for m in zipcraft.members_of(base)]
    return zipcraft.write(tmp_path / name, members)


def lying(name: str, raw: bytes, declared: bytes) -> zipcraft.Member:
    """A member that declares `declared` (size and CRC) and holds `raw`."""
    return zipcraft.Member(name, raw, len(declared), zlib.crc32(declared))


def replace_member(src: Path, dest: Path, name: str, new: zipcraft.Member) -> Path:
    return zipcraft.write(dest, [new if m.name == name else m for m in zipcraft.members_of(src)])


def test_docx_declaring_4kb_that_inflates_to_1gb_is_refused(tmp_path, gigabyte):
    bomb = docx_with(tmp_path, "炸弹.docx", lying("word/document.xml", gigabyte, bytes(4096)))
    assert 900_000 < bomb.stat().st_size < 1_200_000
    code, _, err = run_limited("check", str(bomb))
    assert code == 2, err
    assert "炸弹.docx" in err and "实际内容比记录的大小" in err
    assert "Traceback" not in err and "Error" not in err


def test_workbook_that_lies_is_refused_by_check_review_and_fill(tmp_path, gigabyte, template_book):
    sheet = "xl/worksheets/sheet1.xml"
    (tmp_path / "in").mkdir()
    bomb = replace_member(
        template_book, tmp_path / "in" / "炸弹.xlsx", sheet, lying(sheet, gigabyte, bytes(4096))
    )
    healthy = tmp_path / "in" / "好.xlsx"
    healthy.write_bytes(template_book.read_bytes())
    for args in (("check", str(bomb)), ("fill", str(bomb))):
        code, _, err = run_limited(*args)
        assert code == 2 and "实际内容比记录的大小" in err and "Traceback" not in err, err
    code, out, err = run_limited("review", str(tmp_path / "in"), "--json")
    assert code == 2, err
    lines = {Path(item["file"]).name: item for item in map(json.loads, out.splitlines())}
    assert "实际内容比记录的大小" in lines["炸弹.xlsx"]["error"]
    assert "error" not in lines["好.xlsx"] and "findings" in lines["好.xlsx"]


def test_export_refuses_a_lying_draft(tmp_path, gigabyte, make_book):
    book = make_book("2021", name="本局.xlsx")
    draft = docx_with(tmp_path, "草稿.docx", lying("word/document.xml", gigabyte, bytes(4096)))
    code, _, err = run_limited("export", str(book), "--draft", str(draft))
    assert code == 2, err
    assert "草稿.docx" in err and "实际内容比记录的大小" in err and "Traceback" not in err


def _with_rows(src: Path, dest: Path, rows: int) -> Path:
    """The template with `rows` more one-cell rows in its first sheet (small on disk)."""
    sheet = "xl/worksheets/sheet1.xml"
    members = list(zipcraft.members_of(src))
    m = next(m for m in members if m.name == sheet)
    xml = zlib.decompress(m.raw, -15)
    extra = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1000, 1000 + rows)
    )
    xml = xml.replace(b"</sheetData>", extra + b"</sheetData>")
    members = [zipcraft.member(sheet, xml) if x.name == sheet else x for x in members]
    return zipcraft.write(dest, members)


@pytest.mark.parametrize("command", ["check", "fill", "export", "mark"])
def test_a_sheet_with_too_many_rows_is_refused(tmp_path, template_book, command):
    big = _with_rows(template_book, tmp_path / "大.xlsx", zipcheck.MAX_ROWS + 1)
    args = {
        "check": ["check", str(big)],
        "fill": ["fill", str(big)],
        "export": ["export", str(big), "-o", str(tmp_path / "r.docx")],
        "mark": ["check", str(big), "--mark", str(tmp_path / "m.xlsx")],
    }[command]
    code, _, err = run_limited(*args)
    assert code == 2, err
    assert "大.xlsx" in err and f"{zipcheck.MAX_ROWS:,} 行" in err and "Traceback" not in err


def test_rows_and_cells_below_the_cap_are_read(tmp_path, template_book):
    ok = _with_rows(template_book, tmp_path / "ok.xlsx", 2000)
    package = zipcheck.check(ok, zipcheck.WORKBOOK)
    assert package.rows >= 2000 and package.cells >= 2000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"method": zipfile_method}, "不支持的压缩方式")
        for zipfile_method in (12, 14, 9)  # bzip2, lzma, deflate64
    ]
    + [
        ({"version": 255}, "不支持的压缩方式"),  # "zip file version 25.5"
        ({"flags": 1}, "已加密"),
        ({"crc": 12345}, "已损坏"),
    ],
)
def test_zip_features_no_reader_handles(tmp_path, template_book, change, message):
    bad = tmp_path / "坏.xlsx"
    members = [
        zipcraft.lie(m, **change) if m.name == "xl/styles.xml" else m
        for m in zipcraft.members_of(template_book)
    ]
    zipcraft.write(bad, members)
    with pytest.raises(GknbError, match=message):
        zipcheck.check(bad, zipcheck.WORKBOOK)
    code, _, err = run_limited("check", str(bad))
    assert code == 2 and message in err and "Traceback" not in err, err


def test_truncated_and_garbage_members(tmp_path, template_book):
    for i, raw in enumerate((b"", b"\xff" * 50, zipcraft.deflate(b"<x/>" * 100)[:-5])):
        bad = tmp_path / f"坏{i}.xlsx"
        members = [
            zipcraft.Member(m.name, raw, m.size, m.crc) if m.name == "xl/workbook.xml" else m
            for m in zipcraft.members_of(template_book)
        ]
        zipcraft.write(bad, members)
        with pytest.raises(GknbError, match="已损坏"):
            zipcheck.check(bad, zipcheck.WORKBOOK)


def test_counts_match_the_parsed_sheets(template_book):
    import zipfile

    from lxml import etree

    package = zipcheck.check(template_book, zipcheck.WORKBOOK)
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    cells = rows = 0
    with zipfile.ZipFile(template_book) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                root = etree.fromstring(zf.read(name))
                cells += len(root.findall(f".//{main}c"))
                rows += len(root.findall(f".//{main}row"))
    assert (package.cells, package.rows) == (cells, rows)
    assert cells > 100 and "xl/workbook.xml" in package.names


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_counting_does_not_depend_on_where_the_pieces_break(data):
    rng = random.Random(data.draw(st.integers(0, 10_000)))
    parts = [b"<row r='1'>", b"<c r='A1'>", b"<c/>", b"<x:c t='s'>", b"<cols>", b"<col/>", b"x"]
    xml = b"".join(rng.choice(parts) for _ in range(rng.randint(0, 80)))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(xml)), max_size=12)))
    counter = zipcheck._Counter(active=True)
    for a, b in zip([0, *cuts], [*cuts, len(xml)], strict=True):
        counter.feed(xml[a:b])
    assert counter.cells == len(re.findall(rb"<(?:x:)?c[\s/>]", xml))
    assert counter.rows == xml.count(b"<row ")
