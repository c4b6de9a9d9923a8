"""Consistent (and deliberately broken) report figures, for tests, demos and benchmarks."""

from __future__ import annotations

import random
from collections.abc import Mapping

from gknb.formats import FORMATS, Format, Key, Kind
from gknb.formats.base import T3_CARRY_IN, T3_CARRY_OUT, T3_NEW, T4_PARTS, T4_RESULTS
from gknb.model import Report, ReportKind
from gknb.totals import compute_totals
from gknb.values import parse_value


def consistent_values(fmt: Format, rng: random.Random) -> dict[Key, int | float]:
    """Figures that satisfy every arithmetic rule of the format (R1–R4)."""
    values: dict[Key, int | float] = {}
    for block in fmt.blocks:
        if block.table != "T2":
            continue
        for key in block.keys():
            kind = block.kind(key[2])
            if kind is Kind.AMOUNT:
                values[key] = round(rng.uniform(0, 500), 2) if rng.random() < 0.5 else 0
            elif kind is Kind.SIGNED:
                values[key] = rng.randint(-60, 60)
            else:
                values[key] = rng.choice((0, 0, 1, 3, rng.randint(0, 2000)))
    within = fmt.published_within
    if within is not None:  # keep R9 quiet: published <= total
        for row in within.rows:
            pub = values[within.key(row, within.part)]
            values[within.key(row, within.whole)] = pub + rng.randint(0, 50)
    results, t3 = fmt.results, fmt.t3
    for col in fmt.applicants:
        for r in results:
            values[t3(r, col)] = rng.choice((0, 0, 0, 1, rng.randint(0, 30)))
        handled = sum(values[t3(r, col)] for r in results)
        carry_out = rng.choice((0, 0, 1, rng.randint(0, 5)))
        carry_in = rng.randint(0, int(handled) + carry_out)  # counts: whole numbers
        values[t3(T3_CARRY_OUT, col)] = carry_out
        values[t3(T3_CARRY_IN, col)] = carry_in
        values[t3(T3_NEW, col)] = handled + carry_out - carry_in
    for part in T4_PARTS:
        for result in T4_RESULTS:
            values[fmt.t4(part, result)] = rng.choice((0, 0, 0, 1, rng.randint(0, 4)))
    report = report_from_values(fmt.version, values)
    for change in compute_totals(report):
        assert change.new is not None
        values[change.key] = change.new
    return values


def report_from_values(
    version: str,
    values: Mapping[Key, object],
    year: int | None = None,
    agency: str = "",
) -> Report:
    fmt = FORMATS[version]
    report = Report(version=version, year=year, agency=agency, kind=ReportKind.WORKBOOK)
    for key in fmt.keys():
        raw = values.get(key, 0)
        report.cells[key] = parse_value(raw, fmt.kind(key))
    return report


def consistent_report(version: str, seed: int = 0, year: int | None = None) -> Report:
    rng = random.Random(seed)
    fmt = FORMATS[version]
    year = year if year is not None else fmt.sample_year
    return report_from_values(version, consistent_values(fmt, rng), year=year, agency="测试局")
