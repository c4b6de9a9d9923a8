"""LibreOffice for the workbook tests: recalculate and convert workbooks headless."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest


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
