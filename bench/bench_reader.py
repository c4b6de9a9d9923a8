"""Budgets of the published-report reader (issue 6): reading and checking one text report
in-process < 50 ms median; 1,000 reports through `gknb check` in one process < 60 s.

The 1,000 reports are the five seeds and consistent reports of both formats, written out in
the text layouts the reader understands (one cell per line, space-aligned, one value per
line, Markdown pipe tables), so every layout path is timed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "tests" / "data" / "seeds"
sys.path.insert(0, str(HERE.parent / "tests" / "reader"))

from timing import median_ms  # noqa: E402

from gknb.reader import read_report, read_text  # noqa: E402
from gknb.rules import check  # noqa: E402
from gknb.synth import consistent_report  # noqa: E402

COUNT = 1000


def corpus(folder: Path) -> list[Path]:
    import reader_layouts as L

    texts: list[str] = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for seed in range(20):
        report = consistent_report("2021" if seed % 2 else "2019", seed)
        report.agency = f"基准测试局{seed}"
        report.texts = {"1": "本年度工作情况。", "5": "存在问题。", "6": "无。"}
        texts.append(L.text_layout(report, "cells"))
        texts.append(L.text_layout(report, "space"))
        texts.append(L.text_layout(report, "stream"))
        texts.append(L.markdown(report))
    paths = []
    for i in range(COUNT):
        path = folder / f"{i:04d}.{'md' if texts[i % len(texts)].startswith('#') else 'txt'}"
        path.write_text(texts[i % len(texts)], encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    print("reader: read and check one text report in-process, median of 100")
    for path in sorted(SEEDS.glob("*.txt")):
        ms = median_ms(partial(lambda p: check(read_report(p)), path), 100, warm_up=True)
        print(f"  {path.name}: {ms:.1f} ms")
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    parse_only = median_ms(lambda: read_text(text), 100, warm_up=True)
    print(f"  (of which reading alone, seed 000: {parse_only:.1f} ms)   budget < 50 ms")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        corpus(folder)
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "gknb", "check", "--json", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - t
        lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
        errors = done.stderr.strip().splitlines()
    print(f"reader: {COUNT} reports through one `gknb check --json FOLDER` process")
    print(f"  {elapsed:.1f} s  ({elapsed / COUNT * 1000:.1f} ms per report)   budget < 60 s")
    print(f"  {len(lines)} reports checked, {len(errors)} unreadable")
    if len(lines) != COUNT:
        raise SystemExit(f"expected {COUNT} results: {errors[:3]}")


if __name__ == "__main__":
    main()
