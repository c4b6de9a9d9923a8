"""Benchmark of `gknb review` (DESIGN.md: 300 workbooks reviewed in < 15 s on 2 cores).

For each N the generator (tests/support/generate.py) writes N realistic workbooks of both formats,
some agencies with two consecutive years, and one single-cell mistake in about 30% of them; the
folder is cached under /tmp and reused. A mixed folder adds published reports (text in the
seeds' layout) when the report reader is installed.

The review runs in a child process (so its peak RSS is its own), writing the summary workbook
and JSON lines; the JSON lines are scored against the manifest:
  recall        = injected findings found with the right rule and cell / all injected (must be 100%)
  false errors  = error findings that no injected mistake explains (must be 0)

Also printed: per-file cost, the same review with one worker process (--jobs 1), and the cost of just
opening each file and reading every sheet with python-calamine, the fastest reader available;
peak RSS of the parent and of the workers. Memory must stay flat from N = 300 to N = 3,000.

    python bench/bench_review.py                 # N = 300 and 3000
    python bench/bench_review.py --n 300 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.generate import (
    MANIFEST,
    Score,
    generate,
    load_manifest,
    reader_available,
    score,
)

CACHE = Path(tempfile.gettempdir()) / "gknb-bench-review"
SEED = 11


def folder_for(n: int, report_rate: float) -> Path:
    """Generate once, reuse: the manifest is written last, so a folder with one is complete."""
    folder = CACHE / f"n{n}-seed{SEED}-reports{report_rate:g}"
    if (folder / MANIFEST).exists() and len(load_manifest(folder)) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    print(f"  generating {n} files into {folder} ...", flush=True)
    generate(folder, n, SEED, report_rate=report_rate, jobs=os.cpu_count() or 1)
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def child(folder: str, out: str, jobs: int, lines: str) -> None:
    """Run one review in this (fresh) process and print its figures as JSON."""
    from gknb.review.batch import review

    started = time.perf_counter()
    with open(lines, "w", encoding="utf-8") as fh:
        outcome = review([folder], Path(out) if out else None, jobs=jobs, json_out=fh, force=True)
    wall = time.perf_counter() - started
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    children = kids.ru_maxrss
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu_parent": me.ru_utime + me.ru_stime,
                "cpu_workers": kids.ru_utime + kids.ru_stime,
                "phases": outcome.phases,
                "files": len(outcome.entries),
                "rechecked": outcome.rechecked,
                "fallbacks": len(outcome.fallbacks),
                "fallback_examples": outcome.fallbacks[:3],
                "unreadable": outcome.count("无法读取"),
                "parent_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "worker_rss_kb": max(outcome.worker_rss_kb, children),
                "rows": outcome.sheet_rows,
            },
            ensure_ascii=False,
        )
    )


def run_child(folder: Path, jobs: int, summary: bool = True) -> tuple[dict, Path]:
    work = Path(tempfile.mkdtemp(prefix="gknb-bench-"))
    out = str(work / "汇总.xlsx") if summary else ""
    lines = work / "lines.jsonl"
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), out, str(jobs), str(lines)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"review failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), lines


def calamine_open_ms(folder: Path) -> tuple[float, int]:
    """Per file: open with python-calamine and read every sheet's values (one process)."""
    from python_calamine import CalamineWorkbook

    files = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")
    started = time.perf_counter()
    for p in files:
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
        wb.close()
    return (time.perf_counter() - started) / len(files) * 1000, len(files)


def openpyxl_open_ms(folder: Path, sample: int = 30) -> float:
    from gknb.workbook.xlsx import open_workbook

    files = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")[:sample]
    started = time.perf_counter()
    for p in files:
        open_workbook(p, data_only=True)
    return (time.perf_counter() - started) / len(files) * 1000


def scored(folder: Path, lines: Path) -> Score:
    findings = {}
    for line in lines.read_text("utf-8").splitlines():
        d = json.loads(line)
        findings[Path(d["file"]).name] = d.get("findings")
    return score(load_manifest(folder), findings)


def bench(n: int, jobs: int, report_rate: float, serial: bool) -> bool:
    kind = "workbooks" if not report_rate else f"files ({report_rate:.0%} published reports)"
    print(f"\n== N = {n} {kind}, --jobs {jobs} ==")
    folder = folder_for(n, report_rate)
    stats, lines = run_child(folder, jobs)
    s = scored(folder, lines)
    wall = stats["wall"]
    per_file = wall / n * 1000
    print(f"  review (summary + JSON): {wall:.2f} s   per file {per_file:.2f} ms wall")
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in stats["phases"].items()))
    print(
        f"  CPU time (independent of other load on the machine): workers "
        f"{stats['cpu_workers']:.2f} s = {stats['cpu_workers'] / n * 1000:.2f} ms per file, "
        f"parent {stats['cpu_parent']:.2f} s (imports, spool, summary)"
    )
    print(
        f"  {stats['files']} files, {stats['rechecked']} re-checked across years, "
        f"{stats['unreadable']} unreadable, {stats['fallbacks']} workbooks read by openpyxl "
        f"{stats['fallback_examples'] or ''}"
    )
    print(f"  summary rows: {stats['rows']}")
    print(
        f"  peak RSS: parent {stats['parent_rss_kb'] / 1024:.0f} MiB, "
        f"largest worker {stats['worker_rss_kb'] / 1024:.0f} MiB"
    )
    ok = s.recall == 1.0 and s.false_errors == 0
    print(
        f"  recall {s.recall:.1%} ({s.found}/{s.expected} injected findings, "
        f"{s.files_with_mistakes} files with a mistake)   false errors {s.false_errors} "
        f"({s.consistent_files} consistent files)   {'OK' if ok else 'FAIL'}"
    )
    for m in s.missed[:5]:
        print(f"    missed: {m}")
    for m in s.false[:5]:
        print(f"    false error: {m}")
    if serial:
        one, _ = run_child(folder, 1, summary=False)
        check_ms = one["phases"]["check"] / n * 1000
        open_ms, count = calamine_open_ms(folder)
        print(
            f"  one worker (--jobs 1, checking only): {check_ms:.2f} ms per file; "
            f"calamine open + read all sheets: {open_ms:.2f} ms per file "
            f"({count} workbooks) -> ratio {check_ms / open_ms:.1f}x"
        )
        print(f"  for scale: openpyxl load of one workbook {openpyxl_open_ms(folder):.1f} ms")
    if n == 300 and not report_rate:
        verdict = "OK" if wall < 15 else "OVER BUDGET"
        print(f"  budget: 300 workbooks < 15 s on 2 cores -> {wall:.2f} s {verdict}")
        ok = ok and wall < 15
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder, out, jobs, lines = args.child
        child(folder, out, int(jobs), lines)
        return
    print(f"cache: {CACHE}   cores: {os.cpu_count()}   reader: {reader_available()}")
    ok = True
    for n in args.n:
        ok &= bench(n, args.jobs, 0.0, serial=n <= 300)
    if reader_available():
        ok &= bench(300, args.jobs, 0.3, serial=False)
    else:
        print("\n(published reports skipped: the report reader gknb.reader is not installed)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
