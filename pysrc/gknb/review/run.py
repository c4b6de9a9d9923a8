"""Check many report files in parallel and stream the results.

Workers (a process pool, files in chunks) read and check one file at a time and send back plain
data (`FileResult`, a tuple of str/int/dict/list); no Report or openpyxl object crosses a process
boundary and none is kept. A file that cannot be read, or whose check raises, or whose worker
dies, becomes a result with an error; the run goes on.

Cross-year pairing needs every report's agency and year, so it happens after the first pass: the
later report of each pair is checked again with the earlier report's figures as `prior`
(taken by `service.prior_from` in the first pass and carried as plain data, so the earlier file
is not read again).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, NamedTuple

from gknb.errors import GknbError

# the files a folder is searched for; other files in it are skipped (and counted)
REPORT_SUFFIXES = (".xlsx", ".xlsm", ".docx", ".pdf", ".html", ".htm", ".txt", ".xls", ".doc")
BACKUP_MARK = ".备份"  # gknb fill keeps NAME.备份.xlsx beside the workbook


class Task(NamedTuple):
    index: int
    path: str
    prior: dict[str, Any] | None = None  # last year's figures (Prior fields) to check against


class FileResult(NamedTuple):
    """Everything the parent needs about one checked file, as plain data."""

    index: int
    path: str
    error: str | None = None  # why the file could not be read (None: it was)
    agency: str = ""
    year: int | None = None
    version: str = ""
    kind: str = ""  # "workbook" or "report"
    reader: str = ""  # "calamine", "openpyxl（reason）" or "reader"
    counts: tuple[int, int, int] = (0, 0, 0)  # open errors, warnings, hints
    has_errors: bool = False
    findings: tuple[dict[str, Any], ...] = ()  # Finding.as_json() each
    values: tuple[int | float | None, ...] = ()  # every number, in format.keys() order
    prior: dict[str, Any] | None = None  # this report as last year's figures for the next year
    prior_source: str = ""  # the file whose figures were used as last year's, if any


class Collected(NamedTuple):
    files: list[tuple[Path, str]]  # each file and how the summary shows it
    skipped_other: int  # files of other types in the folders
    skipped_backup: int


def collect(inputs: Sequence[str | Path], exclude: Iterable[Path] = ()) -> Collected:
    """Files to review: given files as they are; folders searched recursively for report files,
    leaving out Excel's ~$ lock files, hidden files and folders, and gknb's backups."""
    excluded = {p.resolve() for p in exclude}
    files: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    other = backup = 0

    def add(path: Path, display: str) -> None:
        key = path.resolve()
        if key in seen or key in excluded:
            return
        seen.add(key)
        files.append((path, display))

    for item in inputs:
        path = Path(item)
        if not path.is_dir():
            add(path, str(path))
            continue
        found = []
        for root, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in names:
                if name.startswith(("~$", ".")):
                    continue
                child = Path(root) / name
                if child.suffix.lower() not in REPORT_SUFFIXES:
                    other += 1
                elif child.stem.endswith(BACKUP_MARK):
                    backup += 1
                else:
                    found.append(child)
        for child in sorted(found, key=lambda p: p.relative_to(path).parts):
            add(child, child.relative_to(path).as_posix())
    return Collected(files, other, backup)


# ---- the work of one file (runs in a worker) -------------------------------------------------


def _read(path: Path) -> tuple[Any, str]:
    from gknb import service

    if service.is_workbook(path):
        from gknb.workbook.calamine import read_workbook

        return read_workbook(path)
    return service.read_any(path), "reader"


def check_one(task: Task) -> FileResult:
    """Read and check one file; never raises (a failure is the result's error)."""
    from gknb import service
    from gknb.model import Prior, Severity
    from gknb.rules import counts

    path = Path(task.path)
    try:
        report, reader = _read(path)
    except GknbError as exc:
        return FileResult(task.index, task.path, error=str(exc))
    except Exception as exc:  # a file no reader anticipated: this file only
        return FileResult(
            task.index, task.path, error=f"{path.name} 无法读取（{type(exc).__name__}: {exc}）。"
        )
    prior_source = ""
    if task.prior is not None:
        report.prior = Prior(**task.prior)
        prior_source = task.prior.get("source", "")
    try:
        findings = service.check(report)
        as_prior = service.prior_from(report)
    except Exception as exc:
        return FileResult(
            task.index,
            task.path,
            error=f"{path.name} 校验时出现内部错误（{type(exc).__name__}: {exc}），"
            f"请把此文件发给技术支持。",
        )
    c = counts(findings)
    return FileResult(
        index=task.index,
        path=task.path,
        agency=report.agency,
        year=report.year,
        version=report.version,
        kind=report.kind,
        reader=reader,
        counts=(c[Severity.ERROR], c[Severity.WARNING], c[Severity.HINT]),
        has_errors=any(f.severity == "error" for f in findings),
        findings=tuple(f.as_json() for f in findings),
        values=tuple(report.value(k) for k in report.format.keys()),
        prior={
            "year": as_prior.year,
            "carry_out": dict(as_prior.carry_out),
            "in_force": dict(as_prior.in_force),
            "source": as_prior.source,
        },
        prior_source=prior_source,
    )


# ---- the pool ---------------------------------------------------------------------------------

_SLOTS: Any = None  # shared array: which file each worker is checking (-1: none)
_SLOT = -1


def _init_worker(slots: Any, counter: Any) -> None:
    global _SLOTS, _SLOT
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with counter.get_lock():
        _SLOT = counter.value % len(slots)
        counter.value += 1
    _SLOTS = slots


def _peak_rss_kb() -> int:
    try:
        import resource
    except ImportError:  # Windows
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def _work(chunk: list[Task]) -> tuple[list[FileResult], int]:
    results = []
    for task in chunk:
        if _SLOTS is not None:
            _SLOTS[_SLOT] = task.index
        results.append(check_one(task))
        if _SLOTS is not None:
            _SLOTS[_SLOT] = -1
    return results, _peak_rss_kb()


def crashed(task: Task) -> FileResult:
    name = Path(task.path).name
    return FileResult(
        task.index,
        task.path,
        error=f"{name} 检查时程序异常退出（文件可能已损坏或过大），请在 Excel/Word 中打开"
        f"并另存一份后再试，或把此文件发给技术支持。",
    )


class Runner:
    """Runs tasks in a process pool (or in this process when jobs == 1) and yields results as
    they come. A worker that dies takes only the file it was checking with it."""

    def __init__(self, jobs: int, context: BaseContext | None = None) -> None:
        self.jobs = max(1, jobs)
        self.context = context or multiprocessing.get_context()
        self.worker_rss_kb = 0
        self._pool: ProcessPoolExecutor | None = None
        self._slots: Any = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        slots = self.context.RawArray("q", [-1] * (workers * 2))
        counter = self.context.Value("i", 0)
        self._slots = slots
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self.context,
            initializer=_init_worker,
            initargs=(slots, counter),
        )

    def run(self, tasks: Sequence[Task]) -> Iterator[FileResult]:
        if not tasks:
            return
        if self.jobs == 1:
            for task in tasks:
                yield check_one(task)
            return
        size = max(1, min(12, math.ceil(len(tasks) / (self.jobs * 6))))
        todo = [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]
        while todo:
            lost = yield from self._round(todo)
            todo = []
            if lost:
                suspects = {i for i in self._slots if i >= 0}
                for task in (t for t in lost if t.index in suspects):
                    yield self._alone(task)
                rest = [t for t in lost if t.index not in suspects]
                if rest and not suspects:  # the culprit is unknown: one file at a time
                    for task in rest:
                        yield self._alone(task)
                    rest = []
                todo = [rest[i : i + size] for i in range(0, len(rest), size)]

    def _round(self, chunks: list[list[Task]]) -> Iterator[FileResult]:
        """Submit every chunk; yield results; return the tasks lost to a broken pool."""
        if self._pool is None:
            self._pool = self._new_pool(self.jobs)
        pending: dict[Future[tuple[list[FileResult], int]], list[Task]] = {
            self._pool.submit(_work, chunk): chunk for chunk in chunks
        }
        lost: list[Task] = []
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = pending.pop(future)
                try:
                    results, rss = future.result()
                except BrokenProcessPool:
                    lost.extend(chunk)
                    continue
                except Exception as exc:  # a result that cannot cross the process boundary
                    for task in chunk:
                        yield FileResult(
                            task.index,
                            task.path,
                            error=f"{Path(task.path).name} 校验时出现内部错误（{exc}），"
                            f"请把此文件发给技术支持。",
                        )
                    continue
                self.worker_rss_kb = max(self.worker_rss_kb, rss)
                yield from results
        if lost:
            assert self._pool is not None
            self._pool.shutdown(wait=True)
            self._pool = None
        return lost

    def _alone(self, task: Task) -> FileResult:
        """Check one file in a pool of its own: if the worker dies again, the file is the cause."""
        pool = self._new_pool(1)
        slots = self._slots
        try:
            results, rss = pool.submit(_work, [task]).result()
            self.worker_rss_kb = max(self.worker_rss_kb, rss)
            return results[0]
        except BrokenProcessPool:
            return crashed(task)
        finally:
            pool.shutdown(wait=True)
            self._slots = slots


def default_jobs() -> int:
    return os.cpu_count() or 1


def run_all(
    tasks: Sequence[Task],
    jobs: int,
    on_result: Callable[[FileResult], None],
    context: BaseContext | None = None,
) -> int:
    """Check every task, calling on_result for each; returns the workers' peak RSS in KiB."""
    with Runner(jobs, context) as runner:
        for result in runner.run(tasks):
            on_result(result)
        return runner.worker_rss_kb
