"""Budgets of the frozen engine (installer/): the onedir folder < 80 MB; the cold start of the
frozen `gknb --version` < 0.5 s, and its ratio to `python -c pass`; the 校验 path imports
nothing it does not need (python -X importtime).

    python bench/bench_startup.py [--dist dist/gknb]

Without --dist it uses dist/gknb (bash dev.sh dist), else builds into a temp dir. "Cold" runs
drop the page cache first (as root, where /proc/sys/vm/drop_caches is writable); elsewhere
only warm figures are given. Set GKNB_BENCH_WARM=1 to skip dropping the cache.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DROP_CACHES = Path("/proc/sys/vm/drop_caches")
HEAVY = ("pandas", "numpy", "docx", "pdfplumber", "pdfminer", "PIL", "lxml", "openpyxl", "xlwings")


def can_drop_caches() -> bool:
    return (
        os.environ.get("GKNB_BENCH_WARM") != "1"
        and sys.platform == "linux"
        and os.geteuid() == 0
        and os.access(DROP_CACHES, os.W_OK)
    )


def drop_caches() -> None:
    os.sync()
    DROP_CACHES.write_text("3\n")


def timed(args: Sequence[str | Path], cold: bool, runs: int) -> float:
    """Median wall time of a whole process, in seconds."""
    times = []
    for _ in range(runs):
        if cold:
            drop_caches()
        t = time.perf_counter()
        subprocess.run([str(a) for a in args], capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def build(tmp: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(tmp / "dist"), "--workpath", str(tmp / "build"),
         str(ROOT / "installer" / "gknb.spec")],
        check=True,
    )  # fmt: skip
    return tmp / "dist" / "gknb"


def workbook(folder: Path) -> Path:
    from gknb.formats import F2021
    from gknb.synth import consistent_values
    from gknb.workbook.template import build_workbook, write_values

    wb = build_workbook("2021", agency="基准测试局", year=2025)
    values = consistent_values(F2021, random.Random(5))
    write_values(wb, F2021, values)
    path = folder / "基准 工作簿.xlsx"
    wb.save(path)
    return path


def size_report(dist: Path) -> None:
    files = [p for p in dist.rglob("*") if p.is_file() and not p.is_symlink()]
    total = sum(p.stat().st_size for p in files)
    groups: dict[str, int] = {}
    for p in files:
        parts = p.relative_to(dist).parts
        key = parts[1] if parts[0] == "_internal" and len(parts) > 1 else parts[0]
        groups[key] = groups.get(key, 0) + p.stat().st_size
    print(f"frozen onedir {dist}: {total / 1e6:.1f} MB in {len(files)} files  (budget < 80 MB)")
    top = sorted(groups.items(), key=lambda kv: kv[1], reverse=True)[:10]
    print("  largest: " + ", ".join(f"{k} {v / 1e6:.1f}" for k, v in top))


def importtime(code: str, env: dict[str, str] | None = None) -> tuple[float, dict[str, float]]:
    """Total import time (ms) and the cumulative time of each top-level package loaded."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
    )  # fmt: skip
    tops: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and not m.group(2):  # imported directly by the program, not by another module
            tops[m.group(3)] = tops.get(m.group(3), 0) + int(m.group(1)) / 1000
    return sum(tops.values()), tops


def import_report(book: Path) -> None:
    print("校验 path imports (python -X importtime, development venv):")
    cases = [
        ("gknb check BOOK", f"from gknb.cli import main; main(['check', {str(book)!r}])", None),
        ("import gknb.excel", "import gknb.excel", None),
        ("import xlwings", "import xlwings", None),
        (
            "import xlwings, no pandas/numpy (as frozen)",
            "import sys; sys.modules['pandas'] = sys.modules['numpy'] = None; import xlwings",
            None,
        ),
    ]
    for label, code, env in cases:
        total, tops = importtime(code, env)
        loaded = heavy_loaded(code, env)
        print(f"  {label}: {total:.0f} ms; of {', '.join(HEAVY)}: {', '.join(loaded) or '-'}")
        slow = sorted(tops.items(), key=lambda kv: kv[1], reverse=True)[:4]
        print("    slowest: " + ", ".join(f"{k} {v:.0f} ms" for k, v in slow))


def heavy_loaded(code: str, env: dict[str, str] | None) -> list[str]:
    """Which of HEAVY are in sys.modules once the code has run (wherever they were imported)."""
    probe = (
        code + "\nimport sys\nprint(sorted({m.split('.')[0] for m, v in sys.modules.items() if v}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
    )  # fmt: skip
    found = re.findall(r"'([^']+)'", proc.stdout.strip().splitlines()[-1]) if proc.stdout else []
    return [h for h in HEAVY if h in found]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dist", type=Path, help="the onedir (default dist/gknb, else build one)")
    parser.add_argument("--runs", type=int, default=7)
    args, _ = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="gknb-bench-") as tmp_name:
        tmp = Path(tmp_name)
        dist = args.dist or (ROOT / "dist" / "gknb")
        if not (dist / "gknb").is_file() and not (dist / "gknb.exe").is_file():
            print(f"no build in {dist}: building one (PyInstaller)…")
            dist = build(tmp)
        exe = dist / ("gknb.exe" if sys.platform == "win32" else "gknb")
        excel = dist / ("gknb-excel.exe" if sys.platform == "win32" else "gknb-excel")
        book = workbook(tmp)
        size_report(dist)

        modes = [True, False] if can_drop_caches() else [False]
        for cold in modes:
            label = "cold (page cache dropped)" if cold else "warm"
            version = timed([exe, "--version"], cold, args.runs)
            baseline = timed([sys.executable, "-c", "pass"], cold, args.runs)
            check = timed([exe, "check", book], cold, args.runs)
            check_py = timed([sys.executable, "-m", "gknb", "check", book], cold, args.runs)
            ribbon = timed([excel, "--no-such-option"], cold, args.runs)
            print(f"{label}, median of {args.runs}:")
            print(f"  frozen `gknb --version`      {version:.3f} s  (budget < 0.5 s)")
            print(
                f"  `python -c pass`             {baseline:.3f} s  -> ratio {version / baseline:.1f}x"
            )
            print(f"  frozen `gknb check BOOK`     {check:.3f} s")
            print(f"  `python -m gknb check BOOK`  {check_py:.3f} s")
            print(f"  frozen `gknb-excel --bad`    {ribbon:.3f} s")
        import_report(book)


if __name__ == "__main__":
    main()
