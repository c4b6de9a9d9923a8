"""Budgets of the core (DESIGN.md): check one loaded workbook in-process < 20 ms median;
`gknb check FILE` as a whole process < 0.5 s; the process time as a ratio to
`python -c "import openpyxl"` (budget <= 1.0x).

Both processes run with compiled bytecode, as installed code does (pip and PyInstaller ship
.pyc; an editable checkout with PYTHONDONTWRITEBYTECODE=1 would otherwise compile gknb from
source on every run and not openpyxl): the bytecode goes to a temporary PYTHONPYCACHEPREFIX,
filled by one untimed run of each. The two commands are timed in turns, so load from other
work on the machine falls on both alike; the ratio is given for wall time and for CPU time
(user + system of the child), which load disturbs less.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from timing import median_ms

from gknb.formats import F2021, Key
from gknb.rules import check
from gknb.synth import consistent_values
from gknb.workbook.reader import read_book
from gknb.workbook.template import build_workbook, write_values
from gknb.workbook.xlsx import OpenpyxlSource, open_workbook


def filled_workbook(folder: Path) -> Path:
    wb = build_workbook("2021", agency="基准测试局", year=2025)
    values: dict[Key, object] = dict(consistent_values(F2021, random.Random(5)))
    values[("T3", "r1_open", "natural")] = "3件"
    write_values(wb, F2021, values)
    path = folder / "基准.xlsx"
    wb.save(path)
    return path


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(args: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process."""
    cpu, wall = child_cpu(), time.perf_counter()
    subprocess.run(args, check=False, capture_output=True, env=env)
    return time.perf_counter() - wall, child_cpu() - cpu


def in_turns(
    commands: Sequence[Sequence[str]], runs: int, cache: Path
) -> list[tuple[float, float]]:
    """Median (wall, cpu) seconds of each command, run in turns after one untimed run each."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    for args in commands:
        run_once(args, env)
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for i, args in enumerate(commands):
            samples[i].append(run_once(args, env))
    return [
        (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for s in samples
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = filled_workbook(Path(tmp))
        wb = open_workbook(path, data_only=True)
        in_process = median_ms(lambda: check(read_book(OpenpyxlSource(wb), str(path))), 200)
        load = median_ms(lambda: open_workbook(path, data_only=True), 20)
        (whole, whole_cpu), (baseline, baseline_cpu) = in_turns(
            [[sys.executable, "-m", "gknb", "check", str(path)],
             [sys.executable, "-c", "import openpyxl"]],
            runs=15, cache=Path(tmp) / "pycache",
        )  # fmt: skip
    print("core: check one loaded workbook (read + all rules), median of 200")
    print(f"  {in_process:.2f} ms   (budget < 20 ms)")
    print(f"core: load the workbook file with openpyxl, median of 20: {load:.1f} ms")
    print("core: `gknb check FILE` as a whole process, median of 15 (compiled bytecode)")
    print(f"  {whole:.3f} s wall, {whole_cpu:.3f} s CPU   (budget < 0.5 s)")
    print(
        f"  ratio to `python -c 'import openpyxl'` ({baseline:.3f} s wall, {baseline_cpu:.3f} s"
        f" CPU): {whole / baseline:.2f}x wall, {whole_cpu / baseline_cpu:.2f}x CPU"
        "   (budget <= 1.0x: check reads with calamine, openpyxl only when writing)"
    )


if __name__ == "__main__":
    main()
