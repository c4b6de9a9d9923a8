"""Shared by the workbook tests: checks of a saved workbook package, and LibreOffice to
recalculate and convert workbooks headless. The helper modules beside this file
(package_check, fake_excel) are put on sys.path: with --import-mode=importlib test folders are
not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from package_check import package_problems  # noqa: E402


@pytest.fixture
def package_check() -> Callable[[Path], list[str]]:
    return package_problems


@pytest.fixture
def convert(tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[Path], str], list[Path]]:
    """Convert workbooks with LibreOffice in one run (to "html", "pdf", …); the outputs in
    order. Skips when LibreOffice is missing, except in CI where that is a failure."""
    exe = shutil.which("soffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI 中必须安装 LibreOffice（soffice），见 .ci/run")
        pytest.skip("soffice 未安装（CI 中会安装）")

    def run(books: list[Path], to: str) -> list[Path]:
        work = tmp_path_factory.mktemp("soffice")
        subprocess.run(
            [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
             "--convert-to", to, "--outdir", str(work), *map(str, books)],
            check=True, capture_output=True, timeout=300, env=dict(os.environ, HOME=str(work)),
        )  # fmt: skip
        outs = [work / f"{book.stem}.{to}" for book in books]
        for out in outs:
            assert out.exists(), f"LibreOffice did not convert {out.stem}"
        return outs

    return run
