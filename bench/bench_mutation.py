"""Mutation benchmark: does a single wrong number give an error, and does the error name it?

For consistent reports of both formats (2019, 2021; `gknb.synth.consistent_values`, several
seeds), every input cell of tables 三 and 四 — the cells the arithmetic rules R1–R4 tie together,
totals excluded — is changed on its own by +1, by -1 (where it is above 0) and by +7, and the
report is checked. Each report is checked as the core sees a workbook (figures with cells) and,
with --published, also as a published report (the same figures written as text and read back by
the report reader).

Changes are counted in two kinds, decided from the equations alone (not from the checker):

    pinnable     the changed cell's pattern over the equations (which equations hold it, with
                 which sign) is its own: no other cell, changed alone, breaks the same
                 equations in the same proportions — so the arithmetic can name it (table 三)
    group-only   another cell has the same pattern up to a factor — in table 四 a group's four
                 inputs and its total all sit in that group's one equation and nowhere else —
                 so no checker can say which of them changed; the error can only name the group

    recall          changes for which at least one error fires                      (target 100%)
    exact (pinned)  pinnable changes for which an error names the changed cell as
                    its cell                                                        (target 100%)
    in group        group-only changes for which an error holds the changed cell among
                    its cells and its message lists it with its value (the group's
                    five candidate cells)                                           (target 100%)
    exact (all)     all changes for which an error names the changed cell as its cell
    first           changes for which the first error listed names it
    false errors    errors on the unchanged reports                                 (target 0)

    python bench/bench_mutation.py                  # 2 formats x 5 seeds
    python bench/bench_mutation.py --seeds 20 --published
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from gknb import rules
from gknb.formats import FORMATS, Format, Key
from gknb.model import Finding, Report, Severity
from gknb.synth import consistent_values, report_from_values

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # support.generate

DELTAS = (1, -1, 7)
WHY_GROUP_ONLY = (
    "group-only changes cannot be named exactly: a table 四 group is one equation over five "
    "cells (four inputs and their total), and each of the five, changed alone, breaks only "
    "that equation — by the same amount up to sign — so the figures cannot tell them apart."
)


def input_cells(version: str) -> list[Key]:
    fmt = FORMATS[version]
    totals = set(fmt.total_keys())
    return [k for k in fmt.keys() if k[0] in ("T3", "T4") and k not in totals]


def _patterns(fmt: Format) -> dict[Key, tuple[tuple[int, int], ...]]:
    """Each cell's coefficients over the equations (+1 left side, -1 right side)."""
    eqs = fmt.equations()
    coefs: dict[Key, dict[int, int]] = {}
    for i, eq in enumerate(eqs):
        for side, sign in ((eq.lhs, 1), (eq.rhs, -1)):
            for key in side:
                coefs.setdefault(key, {})[i] = coefs.get(key, {}).get(i, 0) + sign
    return {k: tuple(sorted((i, c) for i, c in v.items() if c)) for k, v in coefs.items()}


def _normalised(pattern: tuple[tuple[int, int], ...]) -> tuple[tuple[int, Fraction], ...]:
    """The pattern up to a factor: scaled so that its first coefficient is 1."""
    if not pattern:
        return ()
    first = pattern[0][1]
    return tuple((i, Fraction(c, first)) for i, c in pattern)


def pinnable_cells(version: str) -> set[Key]:
    """The input cells a single change of which the equations single out (see the docstring)."""
    patterns = _patterns(FORMATS[version])
    seen: Counter[tuple[tuple[int, Fraction], ...]] = Counter(
        _normalised(p) for p in patterns.values()
    )
    return {k for k in input_cells(version) if seen[_normalised(patterns.get(k, ()))] == 1}


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def core_report(version: str, values: dict[Key, object], year: int) -> Report:
    return report_from_values(version, values, year=year, agency="测试局")


def published_report(version: str, values: dict[Key, object], year: int) -> Report:
    from gknb.reader import read_text
    from support.generate import report_text

    return read_text(report_text(version, "测试局", year, values), "报告.txt")


class Tally:
    def __init__(self) -> None:
        self.changes = self.recalled = self.exact = self.first = 0
        self.pinnable = self.pinned = 0  # pinnable changes; of them named exactly
        self.group_only = self.in_group = 0  # group-only changes; of them listed in an error
        self.reports = self.false_errors = 0
        self.missed: list[str] = []
        self.by_table: Counter[str] = Counter()  # changes per table
        self.exact_by_table: Counter[str] = Counter()
        self.among: Counter[str] = Counter()  # the changed cell is among an error's cells
        self.inexact: Counter[str] = Counter()  # pinnable changes not named exactly

    def add(self, other: Tally) -> None:
        for field in ("changes", "recalled", "exact", "first", "pinnable", "pinned",
                      "group_only", "in_group", "reports", "false_errors"):  # fmt: skip
            setattr(self, field, getattr(self, field) + getattr(other, field))

    def line(self, name: str) -> str:
        def pct(n: int, of: int) -> str:
            return f"{100 * n / of:.2f}%" if of else "-"

        return (
            f"{name:<22} changes {self.changes:>6}  recall {pct(self.recalled, self.changes):>8}  "
            f"exact (pinned) {pct(self.pinned, self.pinnable):>8} of {self.pinnable}  "
            f"in group {pct(self.in_group, self.group_only):>8} of {self.group_only}  "
            f"exact (all) {pct(self.exact, self.changes):>8}  "
            f"first {pct(self.first, self.changes):>8}  "
            f"false errors {self.false_errors} on {self.reports} unchanged reports"
        )


def run(
    version: str, seeds: int, build: Callable[[str, dict[Key, object], int], Report], tally: Tally
) -> None:
    fmt = FORMATS[version]
    year = 2020 if version == "2019" else 2025
    cells = input_cells(version)
    pinnable = pinnable_cells(version)
    for seed in range(seeds):
        values: dict[Key, object] = dict(consistent_values(fmt, random.Random(seed)))
        base = build(version, values, year)
        tally.reports += 1
        found = errors(rules.check(base))
        tally.false_errors += len(found)
        for key in cells:
            old = values[key]
            assert isinstance(old, int)
            for delta in DELTAS:
                if old + delta < 0:
                    continue
                changed = {**values, key: old + delta}
                found = errors(rules.check(build(version, changed, year)))
                tally.changes += 1
                if key in pinnable:
                    tally.pinnable += 1
                else:
                    tally.group_only += 1
                if not found:
                    tally.missed.append(f"{version} seed {seed} {key} {old}->{old + delta}")
                    continue
                tally.recalled += 1
                tally.by_table[key[0]] += 1
                if any(key in f.keys for f in found):
                    tally.among[key[0]] += 1
                # named within its group: an error holds the cell and its message lists it
                # with its (changed) value among the group's cells
                listed = f"{fmt.col_label(key).rsplit('·', 1)[-1]} {old + delta}"
                if key not in pinnable and any(
                    key in f.keys and listed in f.message for f in found
                ):
                    tally.in_group += 1
                named = [f for f in found if f.keys and f.keys[0] == key]
                if named:
                    tally.exact += 1
                    tally.exact_by_table[key[0]] += 1
                    if key in pinnable:
                        tally.pinned += 1
                elif key in pinnable:
                    tally.inexact[f"{version} {key[0]} {key[1]} {key[2]}"] += 1
                if found[0].keys and found[0].keys[0] == key:
                    tally.first += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="consistent reports per format")
    parser.add_argument("--published", action="store_true", help="also as published reports")
    args = parser.parse_args()
    kinds: list[tuple[str, Callable[[str, dict[Key, object], int], Report]]] = [
        ("workbook figures", core_report)
    ]
    if args.published:
        kinds.append(("published (text)", published_report))
    overall = Tally()
    for version in ("2019", "2021"):
        pinnable = pinnable_cells(version)
        n = len(input_cells(version))
        print(
            f"{version}: {n} input cells, {len(pinnable)} pinnable, {n - len(pinnable)} group-only"
        )
    for name, build in kinds:
        for version in ("2019", "2021"):
            started = time.perf_counter()
            tally = Tally()
            run(version, args.seeds, build, tally)
            print(tally.line(f"{name} {version}"), f"({time.perf_counter() - started:.1f} s)")
            for table in sorted(tally.by_table):
                n = tally.by_table[table]
                print(
                    f"    {table}: exact {100 * tally.exact_by_table[table] / n:.2f}%, "
                    f"among an error's cells {100 * tally.among[table] / n:.2f}% of {n}"
                )
            for what in tally.missed[:5]:
                print("    no error:", what)
            for what, n in tally.inexact.most_common(5):
                print(f"    pinnable but not named exactly: {what} ({n})")
            overall.add(tally)
    print(overall.line("all"))
    print(WHY_GROUP_ONLY)


if __name__ == "__main__":
    main()
