"""Budgets of the published-report reader (issues 6, 13): reading and checking one text report
in-process < 50 ms median, also for a whole report printed as one line without any white space
(the layout-free reader and its digit splitter); 1,000 reports through `gknb check` in one
process < 60 s.

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
sys.path[:0] = [str(HERE.parent / "tests"), str(HERE.parent / "tests" / "reader")]

from timing import median_ms  # noqa: E402

from gknb.reader import read_report, read_text  # noqa: E402
from gknb.rules import check  # noqa: E402
from gknb.synth import consistent_report  # noqa: E402
from support import SEEDS  # noqa: E402

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
        texts.append(L.one_line(report))
    paths = []
    for i in range(COUNT):
        path = folder / f"{i:04d}.{'md' if texts[i % len(texts)].startswith('#') else 'txt'}"
        path.write_text(texts[i % len(texts)], encoding="utf-8")
        paths.append(path)
    return paths


def one_line() -> None:
    """A whole report on one line with no white space, and with white space collapsed: the
    stream reader cuts it into rows and the splitter cuts the digit runs."""
    import reader_layouts as L

    for name, layout in (("one line, no white space", L.one_line), ("collapsed", L.collapsed)):
        times = []
        for seed in range(20):
            report = consistent_report("2021" if seed % 2 else "2019", seed)
            report.agency = f"基准测试局{seed}"
            report.texts = {"1": "本年度工作情况。", "5": "存在问题。", "6": "无。"}
            text = layout(report)
            times.append(median_ms(partial(lambda t: check(read_text(t)), text), 20, warm_up=True))
        times.sort()
        print(
            f"  {name}: median {times[len(times) // 2]:.1f} ms, slowest {times[-1]:.1f} ms "
            f"(read and check, 20 reports of both formats)   budget < 50 ms"
        )


def main() -> None:
    print("reader: read and check one text report in-process, median of 100")
    for path in sorted(SEEDS.glob("*.txt")):
        ms = median_ms(partial(lambda p: check(read_report(p)), path), 100, warm_up=True)
        print(f"  {path.name}: {ms:.1f} ms")
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    parse_only = median_ms(lambda: read_text(text), 100, warm_up=True)
    print(f"  (of which reading alone, seed 000: {parse_only:.1f} ms)   budget < 50 ms")
    one_line()
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
