import random
from pathlib import Path

import pytest

from gknb.formats import FORMATS
from gknb.synth import consistent_values
from support.generate import write_workbook


@pytest.fixture
def book(tmp_path):
    """A workbook in a folder of reports: book(name, version, agency, year, values=..., **edit)."""
    folder = tmp_path / "reports"
    folder.mkdir(exist_ok=True)

    def make(
        name: str,
        version: str = "2021",
        agency: str = "测试局",
        year: int | None = None,
        values: dict | None = None,
        seed: int = 1,
        **overrides,
    ) -> Path:
        year = year or (2020 if version == "2019" else 2025)
        if values is None:
            values = consistent_values(FORMATS[version], random.Random(seed))
        values = {**values, **overrides.get("cells", {})}
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(path, version, agency, year, values)
        return path

    make.folder = folder
    return make
