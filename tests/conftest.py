import os
import shutil
import sys
from pathlib import Path

import pytest

from gknb.formats import FORMATS
from gknb.synth import consistent_values
from gknb.workbook import template
from gknb.workbook.template import build_workbook

# helper modules beside this file (zipcraft, fuzz_support): with --import-mode=importlib the
# test folders are not on sys.path
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

# The real published seed reports (tests/data/README.md).
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


def needs(tool: str) -> pytest.MarkDecorator:
    """Skip when a tool is missing, except in CI where its absence is a failure."""
    missing = shutil.which(tool) is None and not os.environ.get("CI")
    return pytest.mark.skipif(missing, reason=f"{tool} 未安装（CI 中会安装）")


def write_values(wb, version: str, values: dict) -> None:
    template.write_values(wb, FORMATS[version], values)


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
        import random

        year = year or (2020 if version == "2019" else 2025)
        wb = build_workbook(version, agency=agency, year=year)
        values = consistent_values(FORMATS[version], random.Random(seed))
        values.update(overrides or {})
        write_values(wb, version, values)
        path = tmp_path / name
        wb.save(path)
        return path

    return make
