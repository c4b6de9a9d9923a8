"""Mutation benchmark: does a single wrong number give an error, and does the error name it?

For consistent reports of both formats (2019, 2021; `gknb.synth.consistent_values`, several
seeds), every input cell of tables 三 and 四 — the cells the arithmetic rules R1–R4 tie together,
totals excluded — is changed on its own by +1, by -1 (where it is above 0) and by +7, and the
report is checked. Each report is checked as the core sees a workbook (figures with cells) and,
with --published, also as a published report (the same figures written as text and read back by
the report reader).

    recall         changes for which at least one error fires                    (target 100%)
    exact          changes for which an error names the changed cell as its cell  (target ≥ 99%)
                   (per table too; in table 四 one input breaks only its group's total, so the
                   bench also counts the changed cell being among an error's cells)
    first          changes for which the first error listed names it
    false errors   errors on the unchanged reports                               (target 0)

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
from pathlib import Path

from gknb import rules
from gknb.formats import FORMATS, Key
from gknb.model import Finding, Report
from gknb.synth import consistent_values, report_from_values

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # support.generate

DELTAS = (1, -1, 7)


def input_cells(version: str) -> list[Key]:
    fmt = FORMATS[version]
    totals = set(fmt.total_keys())
    return [k for k in fmt.keys() if k[0] in ("T3", "T4") and k not in totals]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def core_report(version: str, values: dict[Key, object], year: int) -> Report:
    return report_from_values(version, values, year=year, agency="测试局")


def published_report(version: str, values: dict[Key, object], year: int) -> Report:
    from gknb.reader import read_text
    from support.generate import report_text

    return read_text(report_text(version, "测试局", year, values), "报告.txt")


class Tally:
    def __init__(self) -> None:
        self.changes = self.recalled = self.exact = self.first = 0
        self.reports = self.false_errors = 0
        self.missed: list[str] = []
        self.by_table: Counter[str] = Counter()  # changes per table
        self.exact_by_table: Counter[str] = Counter()
        self.among: Counter[str] = Counter()  # the changed cell is among an error's cells
        self.inexact: Counter[str] = Counter()

    def line(self, name: str) -> str:
        def pct(n: int) -> str:
            return f"{100 * n / self.changes:.2f}%" if self.changes else "-"

        return (
            f"{name:<22} changes {self.changes:>6}  recall {pct(self.recalled):>8}  "
            f"exact {pct(self.exact):>8}  first {pct(self.first):>8}  "
            f"false errors {self.false_errors} on {self.reports} unchanged reports"
        )


def run(
    version: str, seeds: int, build: Callable[[str, dict[Key, object], int], Report], tally: Tally
) -> None:
    fmt = FORMATS[version]
    year = 2020 if version == "2019" else 2025
    cells = input_cells(version)
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
                if not found:
                    tally.missed.append(f"{version} seed {seed} {key} {old}->{old + delta}")
                    continue
                tally.recalled += 1
                tally.by_table[key[0]] += 1
                if any(key in f.keys for f in found):
                    tally.among[key[0]] += 1
                named = [f for f in found if f.keys and f.keys[0] == key]
                if named:
                    tally.exact += 1
                    tally.exact_by_table[key[0]] += 1
                else:
                    tally.inexact[f"{version} {key[0]} {key[1]}"] += 1
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
                print(f"    not named exactly: {what} ({n})")
            for field in ("changes", "recalled", "exact", "first", "reports", "false_errors"):
                setattr(overall, field, getattr(overall, field) + getattr(tally, field))
    print(overall.line("all"))


if __name__ == "__main__":
    main()
