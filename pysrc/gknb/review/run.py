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

import contextlib
import math
import multiprocessing
import os
import signal
import sys
import time
import zipfile
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, NamedTuple

from gknb.errors import GknbError, NotAReport
from gknb.model import ReportKind, Severity


class Task(NamedTuple):
    pos: int  # position in the list of files
    path: str
    prior: dict[str, Any] | None = None  # last year's figures (Prior fields) to check against


SKIP_SUMMARY = "summary"  # a summary workbook an earlier review wrote
SKIP_OTHER = "other"  # a file with none of a report's marks (errors.NotAReport): a README


class FileResult(NamedTuple):
    """Everything the parent needs about one checked file, as plain data."""

    pos: int
    path: str
    error: str | None = None  # why the file could not be read (None: it was)
    agency: str = ""
    year: int | None = None
    version: str = ""
    kind: ReportKind | None = None  # None: the file could not be read
    reader: str = ""  # "calamine", "openpyxl（reason）" or "reader"
    counts: tuple[int, int, int] = (0, 0, 0)  # open errors, warnings, hints
    has_errors: bool = False
    unread: int = 0  # parts of a published report that could not be read (not errors)
    findings: tuple[dict[str, Any], ...] = ()  # Finding.as_json() each
    values: tuple[int | float | None, ...] = ()  # every number, in format.keys() order
    prior: dict[str, Any] | None = None  # this report as last year's figures for the next year
    prior_source: str = ""  # the file whose figures were used as last year's, if any
    skipped: str = ""  # not a report, left out: SKIP_SUMMARY or SKIP_OTHER ("" for a report)


# ---- the work of one file (runs in a worker) -------------------------------------------------


def _read(path: Path) -> tuple[Any, str]:
    from gknb.sources import read

    return read(path)


def is_summary(path: Path) -> bool:
    """A summary workbook written by gknb review (reviewing a folder twice must not check it)."""
    from gknb.review.summary import SUMMARY_TITLE

    if path.suffix.lower() != ".xlsx":
        return False
    try:  # a bounded read: the member's header may lie about its size
        with zipfile.ZipFile(path) as zf, zf.open("docProps/core.xml") as member:
            core = member.read(64 * 1024)
    except Exception:  # not a zip, no such part, corrupt, unsupported: not a summary
        return False
    return SUMMARY_TITLE.encode("utf-8") in core


def check_one(task: Task) -> FileResult:
    """Read and check one file; never raises (a failure is the result's error), so one file
    cannot spoil the results of the files checked after it in the same worker."""
    try:
        return _check_one(task)
    except MemoryError:
        return FileResult(
            task.pos,
            task.path,
            error=f"{Path(task.path).name} 检查时内存不足（文件可能过大或已损坏），已跳过。"
            f"请在 Excel/Word 中打开并另存一份后再试。",
        )
    except Exception as exc:
        return FileResult(
            task.pos,
            task.path,
            error=f"{Path(task.path).name} 校验时出现内部错误（{type(exc).__name__}: {exc}），"
            f"请把此文件发给技术支持。",
        )


def _check_one(task: Task) -> FileResult:
    from gknb import service
    from gknb.model import Prior, counts

    path = Path(task.path)
    if is_summary(path):  # a summary an earlier review wrote: not a report
        return FileResult(task.pos, task.path, error="汇总工作簿，不是年报", skipped=SKIP_SUMMARY)
    try:
        report, reader = _read(path)
    except NotAReport as exc:
        return FileResult(task.pos, task.path, error=str(exc), skipped=SKIP_OTHER)
    except GknbError as exc:
        return FileResult(task.pos, task.path, error=str(exc))
    except Exception as exc:  # a file no reader anticipated: this file only
        return FileResult(
            task.pos, task.path, error=f"{path.name} 无法读取（{type(exc).__name__}: {exc}）。"
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
            task.pos,
            task.path,
            error=f"{path.name} 校验时出现内部错误（{type(exc).__name__}: {exc}），"
            f"请把此文件发给技术支持。",
        )
    c = counts(findings)
    return FileResult(
        pos=task.pos,
        path=task.path,
        agency=report.agency,
        year=report.year,
        version=report.version,
        kind=report.kind,
        reader=reader,
        counts=(c[Severity.ERROR], c[Severity.WARNING], c[Severity.HINT]),
        has_errors=any(f.severity is Severity.ERROR for f in findings),
        unread=c[Severity.UNREAD],
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

FILE_TIMEOUT = 300.0  # seconds one file may take (a huge scanned PDF) before it is given up


class _Board:
    """Shared memory where each worker posts which file it is on, since when, and its pid; it
    survives the worker, so the parent knows which file killed or hung it."""

    def __init__(self, context: BaseContext, size: int) -> None:
        self.files = context.RawArray("q", [-1] * size)
        self.started = context.RawArray("d", [0.0] * size)
        self.pids = context.RawArray("q", [0] * size)
        self.counter = context.Value("i", 0)

    def busy(self) -> list[tuple[int, int, float]]:
        """(file index, pid, seconds running) of every worker on a file."""
        now = time.time()
        return [
            (self.files[i], self.pids[i], now - self.started[i])
            for i in range(len(self.files))
            if self.files[i] >= 0
        ]

    def kill_all(self) -> None:
        for pid in {p for p in self.pids if p > 0}:
            _kill(pid)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):  # already gone
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))


_BOARD: _Board | None = None
_SLOT = -1


def _init_worker(board: _Board) -> None:
    global _BOARD, _SLOT
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with board.counter.get_lock():
        _SLOT = board.counter.value % len(board.files)
        board.counter.value += 1
    board.pids[_SLOT] = os.getpid()
    _BOARD = board
    _bound_memory()


WORKER_MEMORY = 1024 * 1024 * 1024  # address space a worker may take beyond what it starts with


def _bound_memory() -> None:
    """Cap the worker's address space, so a file that would take gigabytes fails alone (a
    MemoryError becomes its result; if the worker dies instead, only its file is reported)
    rather than starving the machine and the other workers. Where /proc is missing (Windows,
    macOS) the worker runs unbounded."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
    except (ImportError, OSError, ValueError, IndexError):
        return
    limit = pages * resource.getpagesize() + WORKER_MEMORY
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


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
        if _BOARD is not None:
            _BOARD.started[_SLOT] = time.time()
            _BOARD.files[_SLOT] = task.pos
        results.append(check_one(task))
        if _BOARD is not None:
            _BOARD.files[_SLOT] = -1
    return results, _peak_rss_kb()


def _warm() -> None:
    """Import what checking a workbook needs (about 0.3 s, mostly openpyxl)."""
    import gknb.service
    import gknb.workbook.calamine
    import gknb.workbook.reader
    import gknb.workbook.xlsx  # noqa: F401


def crashed(task: Task) -> FileResult:
    name = Path(task.path).name
    return FileResult(
        task.pos,
        task.path,
        error=f"{name} 检查时程序异常退出（文件可能已损坏或过大），请在 Excel/Word 中打开"
        f"并另存一份后再试，或把此文件发给技术支持。",
    )


def timed_out(task: Task, seconds: float) -> FileResult:
    name = Path(task.path).name
    return FileResult(
        task.pos,
        task.path,
        error=f"{name} 检查超过 {seconds:.0f} 秒仍未完成，已跳过（文件可能过大，如扫描版 PDF）。"
        f"请另存为较小的文件，或单独用 gknb check 检查它。",
    )


class Runner:
    """Runs tasks in a process pool (or in this process when jobs == 1) and yields results as
    they come. A worker that dies takes only the file it was checking with it; a file that runs
    longer than `timeout` is given up (its worker is killed)."""

    def __init__(
        self, jobs: int, context: BaseContext | None = None, timeout: float = FILE_TIMEOUT
    ) -> None:
        self.jobs = max(1, jobs)
        self.context = context or multiprocessing.get_context()
        self.timeout = timeout
        self.worker_rss_kb = 0
        self._pool: ProcessPoolExecutor | None = None
        self._board: _Board | None = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None and self._board is not None:
            self._board.kill_all()  # interrupted: do not wait for the files in progress
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _new_pool(self, workers: int) -> tuple[ProcessPoolExecutor, _Board]:
        if self.context.get_start_method() == "fork":
            _warm()  # forked workers share the parent's imports instead of repeating them
        board = _Board(self.context, workers * 4)
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self.context,
            initializer=_init_worker,
            initargs=(board,),
        )
        return pool, board

    def run(self, tasks: Sequence[Task]) -> Iterator[FileResult]:
        if not tasks:
            return
        if self.jobs == 1:
            for task in tasks:
                yield check_one(task)
            return
        size = max(1, min(12, math.ceil(len(tasks) / (self.jobs * 6))))
        by_index = {t.pos: t for t in tasks}
        todo = [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]
        while todo:
            lost, busy, overdue = yield from self._round(todo)
            todo = []
            if not lost:
                break
            for index in overdue:
                yield timed_out(by_index[index], self.timeout)
            suspects = {i for i in busy if i not in overdue}
            for task in (t for t in lost if t.pos in suspects):
                yield self._alone(task)
            rest = [t for t in lost if t.pos not in suspects and t.pos not in overdue]
            if rest and not suspects and not overdue:  # the culprit is unknown: one at a time
                for task in rest:
                    yield self._alone(task)
                rest = []
            todo = [rest[i : i + size] for i in range(0, len(rest), size)]

    def _round(
        self, chunks: list[list[Task]]
    ) -> Generator[FileResult, None, tuple[list[Task], set[int], set[int]]]:
        """Submit every chunk and yield results. Returns the tasks lost to a broken pool, the
        files the workers were on when it broke, and the files given up for taking too long."""
        if self._pool is None:
            self._pool, self._board = self._new_pool(self.jobs)
        board = self._board
        assert board is not None
        pending: dict[Future[tuple[list[FileResult], int]], list[Task]] = {
            self._pool.submit(_work, chunk): chunk for chunk in chunks
        }
        lost: list[Task] = []
        overdue: set[int] = set()
        busy: set[int] = set()
        while pending:
            done, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            if not done:
                for index, pid, seconds in board.busy():
                    if seconds > self.timeout and index not in overdue:
                        overdue.add(index)
                        _kill(pid)
                continue
            for future in done:
                chunk = pending.pop(future)
                try:
                    results, rss = future.result()
                except BrokenProcessPool:
                    if not busy:
                        busy = {index for index, _, _ in board.busy()}
                    lost.extend(chunk)
                    continue
                except Exception as exc:  # a result that cannot cross the process boundary
                    for task in chunk:
                        yield FileResult(
                            task.pos,
                            task.path,
                            error=f"{Path(task.path).name} 校验时出现内部错误（{exc}），"
                            f"请把此文件发给技术支持。",
                        )
                    continue
                self.worker_rss_kb = max(self.worker_rss_kb, rss)
                yield from results
        if lost:
            self.close()
        return lost, busy, overdue

    def _alone(self, task: Task) -> FileResult:
        """Check one file in a pool of its own: if the worker dies again, the file is the cause."""
        pool, board = self._new_pool(1)
        try:
            results, rss = pool.submit(_work, [task]).result(timeout=self.timeout)
            self.worker_rss_kb = max(self.worker_rss_kb, rss)
            return results[0]
        except BrokenProcessPool:
            return crashed(task)
        except TimeoutError:
            board.kill_all()
            return timed_out(task, self.timeout)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def default_jobs() -> int:
    """The CPUs this process may use (a container's limit, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
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
