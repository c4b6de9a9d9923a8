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
    (warning,) = [f for f in report.structure if f.severity == "warning"]
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
