"""Shared by the workbook tests. The helper modules beside this file (package_check,
fake_excel) are put on sys.path: with --import-mode=importlib test folders are not."""

from __future__ import annotations

import os
import shutil
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
def soffice() -> str:
    """Skip when LibreOffice is missing, except in CI where its absence is a failure."""
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI 中必须安装 LibreOffice（soffice），见 .ci/run")
        pytest.skip("soffice 未安装（CI 中会安装）")
    return found
