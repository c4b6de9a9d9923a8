"""LibreOffice headless opens the built template and runs the self-test macro of its project.

This proves that every module of the VBA project compiles (LibreOffice runs nothing from a
project with one module that does not compile), that the code reaches the workbook and that
the launcher's Chinese texts come from the workbook's hidden names. It needs `soffice`
(Debian: libreoffice-calc); it is skipped only outside CI when that is missing (the
`vba_selftest` fixture in tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from gknb.build.__main__ import template_bytes
from gknb.workbook.contract import SHEETS


def _hex(text: str) -> str:
    return "".join(f"{ord(ch):04X}" for ch in text)


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_selftest_macro_runs_in_libreoffice(
    tmp_path: Path, vba_selftest: Callable[[Path], str], version: str
) -> None:
    book = tmp_path / "年报 模板.xlsm"  # a space and Chinese in the path
    book.write_bytes(template_bytes(version))
    sheets = " ".join(f"{code}:{_hex(name)}" for name, code in SHEETS)
    assert vba_selftest(book) == (
        f"gknb-selftest sheets={len(SHEETS)} {sheets} write=gknb-marker restored=yes "
        f"title={_hex('年报助手')} help=shtReadme cmd=none end"
    )
