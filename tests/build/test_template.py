"""The committed workbook_template.xlsm is exactly what `python -m gknb.build` makes now."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import openpyxl
import pytest

from gknb.build.__main__ import main, template_bytes
from gknb.build.xlsm import CUSTOMUI_PART
from gknb.formats import FORMATS
from gknb.workbook.contract import SHEETS, defined_names

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbook_template.xlsm"


def test_committed_template_equals_a_fresh_build() -> None:
    fresh = template_bytes("2021")
    assert COMMITTED.exists(), "workbook_template.xlsm is missing"
    committed = COMMITTED.read_bytes()
    assert hashlib.sha256(committed).hexdigest() == hashlib.sha256(fresh).hexdigest(), (
        "workbook_template.xlsm is stale: run `python -m gknb.build workbook_template.xlsm` "
        "and commit the result"
    )


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_template_opens_with_its_contract(version: str) -> None:
    data = template_bytes(version)
    assert data == template_bytes(version)
    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=True)
    assert [(ws.title, ws.sheet_properties.codeName) for ws in wb.worksheets] == list(SHEETS)
    assert wb.code_name == "ThisWorkbook"
    assert set(defined_names(FORMATS[version])) <= set(wb.defined_names)
    assert wb.vba_archive is not None
    assert CUSTOMUI_PART in wb.vba_archive.namelist()


def test_cli_writes_the_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "模板.xlsm"
    assert main([str(out)]) == 0
    assert out.read_bytes() == template_bytes("2021")
    assert "已生成" in capsys.readouterr().out
    assert main([str(tmp_path / "x.xlsx")]) == 1
    assert "xlsm" in capsys.readouterr().err
