"""R13: the report has the structure of the format its year requires.

READ is its counterpart for published reports: a part the reader could not read (digits run
together with several readings, table text out of order). That is the reader's limit, not the
report's fault: it is never an error, and reviewers see it as 无法读取/需人工核对.
"""

from __future__ import annotations

from collections.abc import Iterator

from gknb.formats import FORMATS, format_for_year
from gknb.model import READING, Finding, Report, structure_finding


def check_reading(report: Report) -> Iterator[Finding]:
    """READ: the parts of a published report its reader could not read."""
    return (f for f in report.structure if f.rule == READING)


def check(report: Report) -> Iterator[Finding]:
    """R13: what the reader found wrong with the structure, and a format that does not fit
    the year."""
    yield from (f for f in report.structure if f.rule != READING)
    if report.year is not None:
        want = format_for_year(report.year)
        if want.version != report.version:
            have = FORMATS[report.version]
            yield structure_finding(
                "格式",
                "格式版本",
                "",
                f"{report.year}年度报告应使用{want.version}版格式（{want.document}，"
                f"用于{want.years}的报告），本报告是{have.version}版格式（{have.document}）。"
                f"请按{want.version}版格式重新填报表格。",
                cell=report.locations.get(("META", "year", "")),
                expected=want.version,
                found=have.version,
            )
