"""Check many report files in parallel and stream the results.

Workers (`gknb.pool`: processes, files in chunks) read and check one file at a time and send back
plain data (`FileResult`, a tuple of str/int/dict/list); no Report or openpyxl object crosses a
process boundary and none is kept. A file that cannot be read, or whose check raises, or whose
worker dies or runs out of time, becomes a result with an error; the run goes on.

Cross-year pairing needs every report's agency and year, so it happens after the first pass: the
later report of each pair is checked again with the earlier report's figures as `prior`
(taken by `service.prior_from` in the first pass and carried as plain data, so the earlier file
is not read again).
"""

from __future__ import annotations

import zipfile
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, NamedTuple

from gknb.errors import GknbError, NotAReport
from gknb.model import ReportKind, Severity
from gknb.pool import Pool


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


def _failed(task: Task, why: str) -> FileResult:
    return FileResult(task.pos, task.path, error=f"{Path(task.path).name} {why}")


def failed(task: Task, exc: BaseException) -> FileResult:
    """A fault of the program while checking this file: this file's result only."""
    return _failed(
        task, f"校验时出现内部错误（{type(exc).__name__}: {exc}），请把此文件发给技术支持。"
    )


def check_one(task: Task) -> FileResult:
    """Read and check one file; never raises (a failure is the result's error), so one file
    cannot spoil the results of the files checked after it in the same worker."""
    try:
        return _check_one(task)
    except MemoryError:
        return _failed(
            task,
            "检查时内存不足（文件可能过大或已损坏），已跳过。请在 Excel/Word 中打开并另存一份后再试。",
        )
    except Exception as exc:
        return failed(task, exc)


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
        return _failed(task, f"无法读取（{type(exc).__name__}: {exc}）。")
    prior_source = ""
    if task.prior is not None:
        report.prior = Prior(**task.prior)
        prior_source = task.prior.get("source", "")
    try:
        findings = service.check(report)
        as_prior = service.prior_from(report)
    except Exception as exc:
        return failed(task, exc)
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


# ---- the files through the process pool (gknb.pool) ------------------------------------------

FILE_TIMEOUT = 300.0  # seconds one file may take (a huge scanned PDF) before it is given up


def _warm() -> None:
    """Import what checking a workbook needs (about 0.3 s, mostly openpyxl)."""
    import gknb.service
    import gknb.workbook.calamine
    import gknb.workbook.reader
    import gknb.workbook.xlsx  # noqa: F401


def crashed(task: Task) -> FileResult:
    return _failed(
        task,
        "检查时程序异常退出（文件可能已损坏或过大），请在 Excel/Word 中打开并另存一份后再试，"
        "或把此文件发给技术支持。",
    )


def timed_out(task: Task, seconds: float) -> FileResult:
    return _failed(
        task,
        f"检查超过 {seconds:.0f} 秒仍未完成，已跳过（文件可能过大，如扫描版 PDF）。"
        f"请另存为较小的文件，或单独用 gknb check 检查它。",
    )


def file_pool(
    jobs: int, context: BaseContext | None = None, timeout: float | None = None
) -> Pool[Task, FileResult]:
    """A pool that checks files in `jobs` worker processes (see gknb.pool: a file that crashes
    its worker, hangs or takes too much memory is that file's result only)."""
    return Pool(
        check_one,
        jobs,
        crashed=crashed,
        timed_out=timed_out,
        failed=failed,
        context=context,
        timeout=FILE_TIMEOUT if timeout is None else timeout,
        warm=_warm,
    )
