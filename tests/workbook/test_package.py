"""One reader contract: `gknb check` (openpyxl) and `gknb review` (calamine) give the same
verdict on a damaged workbook — unreadable when a part with table data is damaged, a warning
when the damaged part holds no table data."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest

import zipcraft
from fuzz_support import verdicts
from gknb import service
from gknb.errors import GknbError
from gknb.model import Severity
from gknb.workbook import package


def _replace(src: Path, dest: Path, part: str, data: bytes | None) -> Path:
    members = [
        m if m.name != part else zipcraft.member(part, data)
        for m in zipcraft.members_of(src)
        if m.name != part or data is not None
    ]
    return zipcraft.write(dest, members)


def _part(src: Path, part: str) -> bytes:
    m = next(m for m in zipcraft.members_of(src) if m.name == part)
    return zlib.decompress(m.raw, -15)


@pytest.mark.parametrize(
    ("part", "data"),
    [
        ("docProps/core.xml", b"\x00garbage"),
        ("[Content_Types].xml", b"<Types>"),
        ("[Content_Types].xml", None),
        ("xl/theme/theme1.xml", b"<a:theme"),
        ("xl/styles.xml", None),
        ("docProps/app.xml", b"<Properties>" * 3),
    ],
)
def test_damage_without_table_data_is_a_warning_in_both(make_book, tmp_path, part, data):
    good = make_book("2021", {("T3", "new", "natural"): 999})  # an error that must still be found
    bad = _replace(good, tmp_path / "坏.xlsx", part, data)
    checked, reviewed = verdicts(bad)
    assert checked == reviewed
    assert checked[0] == "read"
    assert ("R13", "warning", "") in checked[1]
    assert any(rule in ("R1", "R3") for rule, severity, _ in checked[1] if severity == "error")
    report = service.read_workbook(bad)
    (warning,) = [f for f in report.structure if f.severity is Severity.WARNING]
    assert part in warning.message and "另存" in warning.message


@pytest.mark.parametrize(
    ("part", "cut"),
    [
        ("xl/worksheets/sheet5.xml", 0.5),  # table 三 cut off half way
        ("xl/workbook.xml", 0.7),
        ("xl/styles.xml", 0.3),
    ],
)
def test_damage_in_a_part_with_table_data_is_unreadable_in_both(make_book, tmp_path, part, cut):
    good = make_book("2021")
    xml = _part(good, part)
    bad = _replace(good, tmp_path / "坏.xlsx", part, xml[: int(len(xml) * cut)])
    checked, reviewed = verdicts(bad)
    assert checked == reviewed
    assert checked[0] == "unreadable" and part in str(checked[1])
    with pytest.raises(GknbError, match="另存"):
        package.inspect(bad)


def test_deep_nesting_in_the_workbook_part_is_refused_by_both(make_book, tmp_path):
    good = make_book("2021")
    xml = _part(good, "xl/workbook.xml")
    deep = xml.replace(b"</workbook>", b"<x>" * 300 + b"</x>" * 300 + b"</workbook>")
    bad = _replace(good, tmp_path / "深.xlsx", "xl/workbook.xml", deep)
    checked, reviewed = verdicts(bad)
    assert checked == reviewed and checked[0] == "unreadable"


def test_healthy_workbook_has_no_damage(make_book):
    assert package.inspect(make_book("2019")) == []
    assert package.holds_data("xl/worksheets/sheet3.xml")
    assert not package.holds_data("docProps/core.xml")


def test_a_defined_name_no_reader_can_place_is_a_finding_in_both(make_book, tmp_path):
    good = make_book("2021")
    xml = _part(good, "xl/workbook.xml")
    odd = re.sub(rb'(<definedName name="GK_T3">)[^<]*', rb"\1\t=1", xml)
    assert odd != xml
    bad = _replace(good, tmp_path / "名称.xlsx", "xl/workbook.xml", odd)
    checked, reviewed = verdicts(bad)
    assert checked == reviewed and checked[0] == "read"
    assert ("R13", "error", "") in checked[1]


# ---- what a file write would drop --------------------------------------------------------------

_SHAPE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
    b' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor>'
    b"<xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>8</xdr:row>"
    b"<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>4</xdr:col><xdr:colOff>0"
    b"</xdr:colOff><xdr:row>12</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    b'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/>'
    b'<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rect"><a:avLst/>'
    b"</a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:p><a:r><a:t>\xe6\x9c\xac\xe6\x9c\xba"
    b"\xe5\x85\xb3\xe8\xaf\xb4\xe6\x98\x8e</a:t></a:r></a:p></xdr:txBody></xdr:sp>"
    b"<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"
)
_SHAPE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
    b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdS1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" '
    b'Target="../drawings/drawing1.xml"/></Relationships>'
)


def _with_text_box(src: Path, dest: Path) -> Path:
    """The workbook with a text box on its first sheet, as Excel writes one (Insert › 文本框)."""
    sheet = _part(src, "xl/worksheets/sheet1.xml")
    if b"xmlns:r=" not in sheet[:600]:
        sheet = sheet.replace(
            b"<worksheet ",
            b'<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships" ',
            1,
        )
    sheet = sheet.replace(b"</worksheet>", b'<drawing r:id="rIdS1"/></worksheet>')
    types = _part(src, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    )
    members = [
        zipcraft.member(m.name, {"xl/worksheets/sheet1.xml": sheet,
                                 "[Content_Types].xml": types}[m.name])
        if m.name in ("xl/worksheets/sheet1.xml", "[Content_Types].xml") else m
        for m in zipcraft.members_of(src)
    ]  # fmt: skip
    members += [
        zipcraft.member("xl/drawings/drawing1.xml", _SHAPE),
        zipcraft.member("xl/worksheets/_rels/sheet1.xml.rels", _SHAPE_RELS),
    ]
    return zipcraft.write(dest, members)


def test_a_write_that_would_drop_a_text_box_leaves_the_workbook_as_it_is(make_book, tmp_path):
    """The file writer drops shapes: 填充合计, 清除标记, 生成说明文字 and an in-place --mark
    refuse with one line instead of rewriting the workbook without the clerk's text box."""
    book = _with_text_box(make_book("2021", {("T3", "new", "total"): None}), tmp_path / "年报.xlsx")
    assert package.objects_in(book) == {"文本框或形状": 1}
    before = book.read_bytes()
    for write in (
        lambda: service.fill_file(book),
        lambda: service.clear_file(book),
        lambda: service.mark_copy(book, book, service.check_file(book).findings),
    ):
        with pytest.raises(GknbError, match=r"文本框或形状.*文件未改动.*年报助手"):
            write()
        assert book.read_bytes() == before
        assert not list(tmp_path.glob("*备份*"))
    # a marked copy is written (without the shape); the workbook itself keeps it
    copy = tmp_path / "年报.已标记.xlsx"
    assert service.mark_copy(book, copy, service.check_file(book).findings) >= 1
    assert package.objects_in(copy) == {} and book.read_bytes() == before


def test_pictures_the_writer_keeps_do_not_stop_a_write(make_book, tmp_path):
    from openpyxl import load_workbook
    from openpyxl.drawing.image import Image
    from PIL import Image as Picture

    path = make_book("2021", {("T3", "new", "total"): None})
    png = tmp_path / "章.png"
    Picture.new("RGB", (40, 40), "red").save(png)
    wb = load_workbook(path)
    wb.worksheets[0].add_image(Image(str(png)), "B9")
    wb.save(path)
    assert package.objects_in(path) == {"图片": 1}
    assert service.fill_file(path).written >= 1
    assert package.objects_in(path) == {"图片": 1}
