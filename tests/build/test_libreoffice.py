"""LibreOffice headless opens the built template and runs the self-test macro of its project.

This proves that every module of the VBA project compiles (LibreOffice runs nothing from a
project with one module that does not compile) and that the code reaches the workbook. It needs
`soffice` (Debian: libreoffice-calc); it is skipped only outside CI when that is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gknb.build.__main__ import template_bytes
from gknb.workbook.contract import SHEETS

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) must be installed in CI")
        pytest.skip("LibreOffice (soffice) is not installed on this machine")
    return exe


def _hex(text: str) -> str:
    return "".join(f"{ord(ch):04X}" for ch in text)


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_selftest_macro_runs_in_libreoffice(tmp_path: Path, version: str) -> None:
    soffice = _soffice()
    book = tmp_path / "年报 模板.xlsm"  # a space and Chinese in the path
    book.write_bytes(template_bytes(version))
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    out = tmp_path / "selftest.txt"
    env = dict(os.environ, GKNB_SELFTEST_OUT=str(out), GKNB_SELFTEST_QUIT="1", HOME=str(tmp_path))
    cmd = [
        soffice,
        "--headless",
        "--invisible",
        "--norestore",
        "--nologo",
        f"-env:UserInstallation={profile.as_uri()}",
        str(book),
        "macro://./VBAProject.SelfTest.GknbSelfTest",
    ]
    try:
        subprocess.run(cmd, env=env, cwd=tmp_path, timeout=180, capture_output=True, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("soffice did not finish: the self-test macro did not run (or did not quit)")
    assert out.exists(), "the self-test macro did not run: the VBA project does not compile"
    result = out.read_text("ascii").strip()
    sheets = " ".join(f"{code}:{_hex(name)}" for name, code in SHEETS)
    assert result == (
        f"gknb-selftest sheets={len(SHEETS)} {sheets} write=gknb-marker restored=yes "
        f"title={_hex('年报助手')} help=shtReadme end"
    )
