"""Workbooks made from the template and filled with consistent figures, for any test."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

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


DAMAGES = ("rename_sheet", "delete_name", "ref_error", "insert_row", "grow_name", "delete_sheet")


def damage_structure(path: Path, damage: str) -> None:
    """Break a saved workbook's structure one way of DAMAGES (table 三 and its name GK_T3; the
    sheet deleted is 表四's), as a clerk or another program might."""
    from openpyxl import load_workbook
    from openpyxl.workbook.defined_name import DefinedName

    wb = load_workbook(path)
    t3 = "三、依申请公开"
    if damage == "rename_sheet":
        wb[t3].title = "申请"
    elif damage == "delete_name":
        del wb.defined_names["GK_T3"]
    elif damage == "ref_error":
        wb.defined_names["GK_T3"] = DefinedName("GK_T3", attr_text="#REF!")
    elif damage == "insert_row":
        wb[t3].insert_rows(10)
    elif damage == "grow_name":
        wb.defined_names["GK_T3"].attr_text = f"'{t3}'!$D$5:$J$30"
    elif damage == "delete_sheet":
        del wb["四、复议诉讼"]
    else:
        raise ValueError(damage)
    wb.save(path)
