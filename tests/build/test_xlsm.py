"""The .xlsm package: parts, content types, relationships, determinism, openpyxl round trip."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from lxml import etree
from oletools.olevba import VBA_Parser

from gknb.build import build_xlsm
from gknb.build.vbaproject import addin_modules
from gknb.build.xlsm import (
    CUSTOMUI_PART,
    CUSTOMUI_REL,
    MACRO_MAIN,
    VBA_CONTENT_TYPE,
    VBA_REL,
    read_codenames,
    saved_xlsx,
)

SHEETS = [("说明", "shtReadme"), ("三、依申请公开", "shtTable3"), ("数据 表", "Sheet3")]


def _xlsx(
    sheets: list[tuple[str, str | None]] = SHEETS, wb_code: str | None = "ThisWorkbook"
) -> bytes:
    wb = openpyxl.Workbook()
    if wb_code:
        wb.code_name = wb_code
    for i, (title, code) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        if code:
            ws.sheet_properties.codeName = code
        ws["A1"] = f"{title} 的数据"
    wb.defined_names["GK_ENGINE"] = openpyxl.workbook.defined_name.DefinedName(
        "GK_ENGINE", attr_text="'说明'!$C$11"
    )
    return saved_xlsx(wb)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rels(xml: bytes) -> dict[str, str]:
    return {el.get("Type"): el.get("Target") for el in etree.fromstring(xml)}


@pytest.fixture(scope="module")
def xlsm() -> bytes:
    return build_xlsm(_xlsx(), [code for _, code in SHEETS])


def test_same_input_same_bytes(xlsm: bytes) -> None:
    again = build_xlsm(_xlsx(), [code for _, code in SHEETS])  # openpyxl stamps a new time
    assert again == xlsm


def test_parts_and_order(xlsm: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(xlsm)) as zf:
        names = zf.namelist()
        infos = zf.infolist()
        assert zf.testzip() is None
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names.index("xl/vbaProject.bin") == names.index("xl/workbook.xml") + 1
    assert names[-1] == CUSTOMUI_PART
    assert len(set(names)) == len(names)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_content_types_and_relationships(xlsm: bytes) -> None:
    parts = _parts(xlsm)
    ct = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {el.get("PartName"): el.get("ContentType") for el in ct if el.get("PartName")}
    assert overrides["/xl/workbook.xml"] == MACRO_MAIN
    assert overrides["/xl/vbaProject.bin"] == VBA_CONTENT_TYPE
    assert _rels(parts["xl/_rels/workbook.xml.rels"])[VBA_REL] == "vbaProject.bin"
    assert _rels(parts["_rels/.rels"])[CUSTOMUI_REL] == CUSTOMUI_PART
    ids = [el.get("Id") for el in etree.fromstring(parts["_rels/.rels"])]
    assert len(ids) == len(set(ids))
    ui = etree.fromstring(parts[CUSTOMUI_PART])
    assert ui.tag == "{http://schemas.microsoft.com/office/2006/01/customui}customUI"


def test_core_properties_are_fixed(xlsm: bytes) -> None:
    core = etree.fromstring(_parts(xlsm)["docProps/core.xml"])
    stamps = {
        el.tag.split("}")[1]: el.text for el in core if el.tag.endswith(("created", "modified"))
    }
    assert stamps == {"created": "2021-09-26T00:00:00Z", "modified": "2021-09-26T00:00:00Z"}
    other = build_xlsm(_xlsx(), timestamp=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    core = etree.fromstring(_parts(other)["docProps/core.xml"])
    assert {el.text for el in core if el.tag.endswith("modified")} == {"2025-01-02T03:04:05Z"}


def test_olevba_sees_every_module(xlsm: bytes) -> None:
    parser = VBA_Parser("book.xlsm", data=xlsm)
    try:
        assert parser.type == "OpenXML"
        found = {s.split("/")[-1]: code for _, s, _, code in parser.extract_macros()}
    finally:
        parser.close()
    expected = ["ThisWorkbook"] + [c for _, c in SHEETS] + [m.name for m in addin_modules()]
    assert sorted(found) == sorted(expected)
    for m in addin_modules():
        assert found[m.name] == m.code


def test_openpyxl_round_trip_keeps_vba_and_ribbon(xlsm: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(xlsm), keep_vba=True)
    assert wb.sheetnames == [t for t, _ in SHEETS]
    assert wb.code_name == "ThisWorkbook"
    assert [ws.sheet_properties.codeName for ws in wb.worksheets] == [c for _, c in SHEETS]
    assert "GK_ENGINE" in wb.defined_names
    wb["说明"]["B2"] = 42
    again = _parts(saved_xlsx(wb))
    original = _parts(xlsm)
    assert again["xl/vbaProject.bin"] == original["xl/vbaProject.bin"]
    assert again[CUSTOMUI_PART] == original[CUSTOMUI_PART]
    assert _rels(again["_rels/.rels"])[CUSTOMUI_REL] == CUSTOMUI_PART
    overrides = {
        el.get("PartName"): el.get("ContentType")
        for el in etree.fromstring(again["[Content_Types].xml"])
        if el.get("PartName")
    }
    assert overrides["/xl/workbook.xml"] == MACRO_MAIN


def test_code_names_are_read_in_sheet_order() -> None:
    assert read_codenames(_xlsx()) == ("ThisWorkbook", SHEETS)


def test_code_names_must_match_and_exist() -> None:
    with pytest.raises(ValueError, match="不一致"):
        build_xlsm(_xlsx(), ["shtReadme", "Sheet3", "shtTable3"])
    with pytest.raises(ValueError, match="codeName"):
        build_xlsm(_xlsx([("说明", "shtReadme"), ("数据", None)]))
    with pytest.raises(ValueError, match="code_name"):
        build_xlsm(_xlsx(wb_code=None))


def test_rebuilding_an_xlsm_replaces_its_parts(xlsm: bytes) -> None:
    twice = build_xlsm(xlsm)
    parts = _parts(twice)
    assert sum(1 for n in parts if n == "xl/vbaProject.bin") == 1
    types = [el.get("Type") for el in etree.fromstring(parts["_rels/.rels"])]
    assert types.count(CUSTOMUI_REL) == 1
    assert twice == build_xlsm(twice)
