"""Budgets of the core (DESIGN.md): check one loaded workbook in-process < 20 ms median;
`gknb check FILE` as a whole process < 0.5 s; the process time as a ratio to
`python -c "import openpyxl"`."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
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


def process_s(args: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(args, check=False, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = filled_workbook(Path(tmp))
        wb = open_workbook(path, data_only=True)
        in_process = median_ms(lambda: check(read_book(OpenpyxlSource(wb), str(path))), 200)
        load = median_ms(lambda: open_workbook(path, data_only=True), 20)
        whole = process_s([sys.executable, "-m", "gknb", "check", str(path)])
        baseline = process_s([sys.executable, "-c", "import openpyxl"])
    print("core: check one loaded workbook (read + all rules), median of 200")
    print(f"  {in_process:.2f} ms   (budget < 20 ms)")
    print(f"core: load the workbook file with openpyxl, median of 20: {load:.1f} ms")
    print("core: `gknb check FILE` as a whole process, median of 7")
    print(f"  {whole:.3f} s    (budget < 0.5 s)")
    print(
        f"  ratio to `python -c 'import openpyxl'` ({baseline:.3f} s): {whole / baseline:.2f}x"
        "   (budget <= 1.0x: check reads with calamine, openpyxl only when writing)"
    )


if __name__ == "__main__":
    main()
