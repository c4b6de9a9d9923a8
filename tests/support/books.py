"""Workbooks made from the template and filled with consistent figures, for any test."""

from __future__ import annotations

import random
from collections.abc import Mapping

from openpyxl import Workbook

from gknb.formats import FORMATS, Key
from gknb.synth import consistent_values
from gknb.workbook.template import build_workbook, write_values


def filled_values(
    version: str = "2021", seed: int = 1, overrides: Mapping[Key, object] | None = None
) -> dict[Key, object]:
    """Every cell of a consistent report (random.Random(seed)), then the overrides."""
    values: dict[Key, object] = dict(consistent_values(FORMATS[version], random.Random(seed)))
    values.update(overrides or {})
    return values


def filled_workbook(
    version: str = "2021",
    *,
    seed: int = 1,
    overrides: Mapping[Key, object] | None = None,
    values: Mapping[Key, object] | None = None,
    agency: str = "测试局",
    year: int | None = None,
    outside: bool = False,
) -> Workbook:
    """The template of `version` with its cover filled and `values` (default: filled_values of
    `seed` and `overrides`) typed in; `outside=True` types them as text from outside would be."""
    year = year or (2020 if version == "2019" else 2025)
    wb = build_workbook(version, agency=agency, year=year)
    if values is None:
        values = filled_values(version, seed, overrides)
    write_values(wb, FORMATS[version], dict(values), outside=outside)
    return wb
