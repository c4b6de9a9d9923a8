"""The fuzz and fault suite at scale: many cases of tests/fuzz_support.py, counted. A case is
one mutated input (or a fault around a healthy workbook) through real `gknb` processes: about
one in forty through one command each (check, review, fill, mark, export, text, clear, import, diff,
new --prior), the rest twenty at a time through one `gknb check` and one `gknb review` (a failing
batch is rerun input by input, so each failure is pinned to its case).

    python bench/fuzz.py --cases 5000            # about 20 minutes on 2 cores
    python bench/fuzz.py --cases 200 --seed 3 --jobs 2

Prints, and writes as JSON beside --log: cases run, tracebacks, exit 3, hangs over 10 s,
processes over 500 MB, other problems (a corrupted or lost workbook or backup, a review that
spoiled a healthy neighbour or wrote no summary), the peak memory of any gknb process, and
every failing case with what it printed. Also: of the mutated workbooks, how many get a
different verdict from check and from review (must be 0).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import fuzz_support

BASIC = ("traceback", "exit 3", "hang", "memory")
_SEEDS: dict[str, Path] = {}
_WORK = Path()


def _init(seeds: dict[str, Path], work: Path) -> None:
    global _SEEDS, _WORK
    _SEEDS, _WORK = seeds, work


BATCH = 20  # inputs per batch task


class Row(TypedDict):
    """One case's line in the results (JSON)."""

    case: str
    command: str
    code: int
    seconds: float
    rss_mb: float
    problems: list[str]
    stderr: str


def _as_dict(outcome: fuzz_support.CaseRun) -> Row:
    return {
        "case": outcome.case,
        "command": outcome.command[0] if outcome.command else "",
        "code": outcome.code,
        "seconds": round(outcome.seconds, 2),
        "rss_mb": round(outcome.rss_mb, 1),
        "problems": outcome.problems,
        "stderr": outcome.stderr[-600:] if outcome.failed else "",
    }


def _case(args: tuple[int, int]) -> list[Row]:
    """Task n: one input through one command (one task in three), or a batch of BATCH inputs
    checked and reviewed together."""
    n, seed = args
    rng = random.Random(seed * 1_000_003 + n)
    if n % 3 == 0:
        return [_as_dict(fuzz_support.run_case(n, _SEEDS, _WORK, rng))]
    outcomes = fuzz_support.run_batch(n * BATCH, BATCH, _SEEDS, _WORK, rng)
    return [_as_dict(o) for o in outcomes]


def _agreement(seeds: dict[str, Path], work: Path, count: int, seed: int) -> list[str]:
    found = []
    for path, what in fuzz_support.mutated_workbooks(seeds, work / "agree", count, seed):
        problem = fuzz_support.disagreement(path)
        if problem:
            found.append(f"{what}: {problem}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--agree", type=int, default=None, help="workbooks for check vs review")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "gknb-fuzz.json")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gknb-fuzz-") as tmp:
        work = Path(tmp)
        seeds = fuzz_support.make_seeds(work / "seeds")
        results: list[Row] = []
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.jobs, initializer=_init, initargs=(seeds, work / "cases")) as pool:
            tasks = ((n, args.seed) for n in range(10**9))
            for batch in pool.imap_unordered(_case, tasks):
                results.extend(batch)
                for r in batch:
                    if r["problems"]:
                        print(f"  FAIL {r['case']} {r['problems']}: {str(r['stderr'])[-160:]}")
                if len(results) // 250 != (len(results) - len(batch)) // 250:
                    bad = sum(1 for r in results if r["problems"])
                    print(f"  {len(results)}/{args.cases} cases, {bad} failing", flush=True)
                if len(results) >= args.cases:
                    pool.terminate()
                    break
        agree_n = args.agree if args.agree is not None else max(100, args.cases // 5)
        disagreements = _agreement(seeds, work, agree_n, args.seed)
    kinds: Counter[str] = Counter()
    for r in results:
        for p in r["problems"]:
            kinds[str(p).split(" ")[0] if str(p).startswith(("hang", "memory")) else str(p)] += 1
    commands = Counter(str(r["command"]) for r in results)
    peak = max((r["rss_mb"] for r in results), default=0.0)
    slowest = max((r["seconds"] for r in results), default=0.0)
    failing = [r for r in results if r["problems"]]
    summary = {
        "cases": len(results),
        "tracebacks": kinds["traceback"],
        "exit_3": kinds["exit 3"],
        "hangs_over_10s": kinds["hang"],
        "over_500mb": kinds["memory"],
        "other_problems": {k: v for k, v in kinds.items() if k not in BASIC},
        "peak_rss_mb": round(peak, 1),
        "slowest_case_s": round(slowest, 1),
        "failing_cases": len(failing),
        "commands": dict(commands),
        "check_review_workbooks": agree_n,
        "check_review_disagreements": len(disagreements),
        "seconds": round(time.perf_counter() - started),
    }
    args.log.write_text(
        json.dumps({"summary": summary, "failing": failing, "disagreements": disagreements},
                   ensure_ascii=False, indent=1),
        encoding="utf-8",
    )  # fmt: skip
    for key, value in summary.items():
        print(f"{key:>28}: {value}")
    for r in failing[:30]:
        print(f"- {r['case']} {r['problems']} exit {r['code']}: {str(r['stderr']).strip()[-200:]}")
    for d in disagreements[:10]:
        print("- disagreement:", d[:300])
    print(f"log: {args.log}")


if __name__ == "__main__":
    main()
