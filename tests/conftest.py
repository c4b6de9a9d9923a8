import os
import shutil
import sys
from pathlib import Path

import pytest

# helper modules beside this file (support/, zipcraft, fuzz_support): with
# --import-mode=importlib the test folders are not on sys.path
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.books import filled_workbook


@pytest.fixture
def make_book(tmp_path):
    """Write a workbook of the given format filled with consistent figures (plus overrides)."""

    def make(
        version: str = "2021",
        overrides: dict | None = None,
        name: str = "book.xlsx",
        seed: int = 1,
        year: int | None = None,
        agency: str = "测试局",
    ) -> Path:
        wb = filled_workbook(version, seed=seed, overrides=overrides, agency=agency, year=year)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


_LO_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


@pytest.fixture
def vba_selftest(tmp_path):
    """Run the template's self-test macro (addin/SelfTest.bas) in LibreOffice headless on an
    .xlsm file and return its result line. Skipped only outside CI when soffice is missing."""
    import subprocess

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) must be installed in CI")
        pytest.skip("LibreOffice (soffice) is not installed on this machine")

    def run(book: Path) -> str:
        work = book.parent
        profile = work / "lo-profile"
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_LO_PROFILE, "utf-8")
        out = work / "selftest.txt"
        out.unlink(missing_ok=True)
        env = dict(os.environ, GKNB_SELFTEST_OUT=str(out), GKNB_SELFTEST_QUIT="1", HOME=str(work))
        cmd = [
            exe,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={profile.as_uri()}",
            str(book),
            "macro://./VBAProject.SelfTest.GknbSelfTest",
        ]
        try:
            subprocess.run(cmd, env=env, cwd=work, timeout=180, capture_output=True, check=False)
        except subprocess.TimeoutExpired:
            pytest.fail("soffice did not finish: the self-test macro did not run (or did not quit)")
        assert out.exists(), "the self-test macro did not run: the VBA project does not compile"
        return out.read_text("ascii").strip()

    return run
