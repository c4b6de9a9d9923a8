"""The two national formats, declared once."""

from gknb.formats.base import (
    SECTION_TITLES,
    TABLE_TITLES,
    Block,
    Equation,
    Format,
    InForce,
    Key,
    Kind,
    Line,
    Within,
)
from gknb.formats.f2019 import FORMAT as F2019
from gknb.formats.f2021 import FORMAT as F2021

FORMATS: dict[str, Format] = {"2019": F2019, "2021": F2021}


def format_for_year(year: int) -> Format:
    """2019 format for the 2019 and 2020 reports, 2021 format for 2021 and later."""
    return F2019 if year <= 2020 else F2021


def get_format(version: str) -> Format:
    return FORMATS[version]


__all__ = [
    "F2019",
    "F2021",
    "FORMATS",
    "SECTION_TITLES",
    "TABLE_TITLES",
    "Block",
    "Equation",
    "Format",
    "InForce",
    "Key",
    "Kind",
    "Line",
    "Within",
    "format_for_year",
    "get_format",
]
