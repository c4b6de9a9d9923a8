"""`gknb review`: every report in a folder checked, paired across years, summarised.

1. collect the files (folders searched recursively);
2. first pass: check every file in the process pool; each result is streamed into a spool file
   (findings and figures) and only a small `Entry` stays in memory;
3. pair each agency's consecutive years (`agencies.pair_years`) and check the later report of
   each pair again with the earlier one's figures, so R6–R8 run;
4. write the summary workbook to a temp file in the target folder, renamed into place at the
   very end (an interrupted run leaves no half-written summary; an existing summary is only
   replaced with --force), then print the JSON lines (--json).
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import IO, Any, TextIO

from gknb.errors import GknbError
from gknb.files import same_file
from gknb.model import ReportKind, Unit
from gknb.pool import default_jobs
from gknb.review.agencies import Pairable, agency_key, duplicates, pair_years
from gknb.review.progress import Progress
from gknb.review.rollup import Link, match_plan, read_plan
from gknb.review.run import SKIP_OTHER, SKIP_SUMMARY, FileResult, Task, file_pool
from gknb.review.summary import (
    STATUS_CHECK,
    STATUS_ERRORS,
    STATUS_UNREADABLE,
    Entry,
    iter_lines,
    write_summary,
)
from gknb.service import rollup_findings
from gknb.sources import collect

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


@dataclass
class ReviewRun:
    entries: list[Entry]  # in the order the files were found
    output: Path | None
    seconds: float
    worker_rss_kb: int
    rechecked: int  # reports checked again against last year's
    skipped_other: int
    skipped_backup: int
    skipped_summaries: int = 0
    not_reports: list[str] = field(default_factory=list)  # files that are no report (README)
    fallbacks: list[tuple[str, str]] = field(default_factory=list)  # workbooks read by openpyxl
    sheet_rows: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step
    json_broken: bool = False  # the JSON lines' pipe was closed early

    @property
    def exit_status(self) -> int:
        if any(e.error is not None for e in self.entries):
            return EXIT_UNREADABLE
        if any(e.has_errors for e in self.entries):
            return EXIT_FINDINGS
        return EXIT_OK

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e.status == status)


class Spool:
    """Findings and figures of every report, on disk, by offset."""

    def __init__(self) -> None:
        # open for the whole review, closed (and so deleted) by close()
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="gknb-review-")  # noqa: SIM115

    def put(self, result: FileResult) -> int:
        self._file.seek(0, os.SEEK_END)
        offset = self._file.tell()
        record = (result.findings, result.values, result.prior)
        pickle.dump(record, self._file, pickle.HIGHEST_PROTOCOL)
        return offset

    def _load(self, entry: Entry) -> tuple[Any, Any, Any]:
        self._file.seek(entry.offset)
        return pickle.load(self._file)

    def get(self, entry: Entry) -> tuple[Sequence[dict[str, Any]], Sequence[int | float | None]]:
        findings, values, _ = self._load(entry)
        return findings, values

    def prior(self, entry: Entry) -> dict[str, Any]:
        """The report's figures as last year's, for the next year's report of its agency."""
        return self._load(entry)[2]

    def amend(self, entry: Entry, extra: Sequence[dict[str, Any]]) -> int:
        """Store the entry's record again with more findings; returns the new offset."""
        findings, values, prior = self._load(entry)
        self._file.seek(0, os.SEEK_END)
        offset = self._file.tell()
        pickle.dump(([*findings, *extra], values, prior), self._file, pickle.HIGHEST_PROTOCOL)
        return offset

    def close(self) -> None:
        self._file.close()


def check_output(output: Path, force: bool, reviewed: Sequence[Path] = ()) -> None:
    """Refuse, before any work, an output that cannot or must not be written. reviewed: the
    files under review; the output may be one of them only if it is a summary an earlier
    review wrote (then it is not checked, and --force replaces it)."""
    from gknb.files import guard_output, same_file
    from gknb.review.run import is_summary

    if output.suffix.lower() != ".xlsx":
        raise GknbError(f"汇总文件名应以 .xlsx 结尾，例如 -o 汇总.xlsx（现为 {output.name}）。")
    if output.is_dir():
        raise GknbError(f"{output} 是文件夹。请在 -o 后写汇总工作簿的文件名，例如 -o 汇总.xlsx。")
    if output.exists() and not is_summary(output):
        for path in reviewed:
            if same_file(path, output):
                raise GknbError(
                    f"汇总文件 {output} 是要审核的报告之一，不能覆盖。请换一个文件名"
                    f"（例如把汇总写在文件夹外：-o 汇总.xlsx）。"
                )
    guard_output(output, force=force)


def _entry(result: FileResult, display: str, offset: int) -> Entry:
    return Entry(
        index=result.pos,
        path=result.path,
        display=display,
        error=result.error,
        agency=result.agency,
        year=result.year,
        version=result.version,
        kind=result.kind,
        reader=result.reader,
        counts=result.counts,
        has_errors=result.has_errors,
        unread=result.unread,
        offset=offset,
        skipped=result.skipped,
    )


def review(
    inputs: Sequence[str | Path],
    output: Path | None,
    *,
    jobs: int | None = None,
    force: bool = False,
    json_out: TextIO | None = None,
    progress: Progress | None = None,
    context: BaseContext | None = None,
    rollup: Path | None = None,
) -> ReviewRun:
    started = time.perf_counter()
    plan = read_plan(rollup) if rollup is not None else None
    found = collect(inputs)
    if output is not None:
        check_output(output, force, [p for p, _ in found.files])
        if output.exists():  # an earlier summary (check_output allowed it): not a report
            kept = [(p, d) for p, d in found.files if not same_file(p, output)]
            found = found._replace(files=kept)
    if not found.files:
        where = "、".join(str(p) for p in inputs)
        raise GknbError(
            f"在 {where} 中没有找到年报文件（.xlsx、.xlsm、.docx、.pdf、.html、.txt）。"
            f"请检查文件夹是否正确。"
        )
    progress = progress or Progress(enabled=False)
    displays = [d for _, d in found.files]
    entries: list[Entry] = []
    spool = Spool()
    try:
        workers = min(jobs or default_jobs(), len(found.files))
        with file_pool(workers, context) as runner:
            # first pass
            tasks = [Task(i, str(p)) for i, (p, _) in enumerate(found.files)]
            slots: list[Entry | None] = [None] * len(tasks)
            progress.start("校验", len(tasks))
            for done, result in enumerate(runner.run(tasks), start=1):
                slots[result.pos] = _entry(result, displays[result.pos], spool.put(result))
                progress.update(done)
            progress.finish()
            entries = [e for e in slots if e is not None]
            assert len(entries) == len(tasks)
            phases = {"check": time.perf_counter() - started}

            # cross-year pairs: check the later report again against the earlier one
            readable = [
                Pairable(
                    e.index, agency_key(e.agency), e.year, e.kind is ReportKind.WORKBOOK, e.path
                )
                for e in entries
                if e.error is None
            ]
            for index, group in duplicates(readable).items():
                others = [entries[g.index].display for g in group if g.index != index]
                entries[index].notes.append(
                    f"同一机关同一年度还有 {len(others)} 份报告：{'、'.join(others)}"
                )
            pairs = pair_years(readable)
            again = [
                Task(i, entries[i].path, spool.prior(entries[j])) for i, j in sorted(pairs.items())
            ]
            progress.start("跨年度校验", len(again))
            for done, result in enumerate(runner.run(again), start=1):
                notes = entries[result.pos].notes
                entry = _entry(result, displays[result.pos], spool.put(result))
                earlier = entries[pairs[result.pos]]
                entry.notes = [
                    *notes,
                    f"已对照上年报告 {earlier.display}（{earlier.year}年度）做跨年度校验",
                ]
                entries[result.pos] = entry
                progress.update(done)
            progress.finish()
            worker_rss = runner.peak_rss_kb
        phases["cross_year"] = time.perf_counter() - started - sum(phases.values())

        summaries = sum(1 for e in entries if e.skipped == SKIP_SUMMARY)
        not_reports = [e.display for e in entries if e.skipped == SKIP_OTHER]
        entries = [e for e in entries if not e.skipped]
        if not entries:
            found_only = "、".join(
                [*([f"{summaries} 个年报助手生成的汇总工作簿"] if summaries else []),
                 *([f"{len(not_reports)} 个不是年报的文件"] if not_reports else [])]
            )  # fmt: skip
            raise GknbError(f"只找到了{found_only}，没有要校验的年报。")
        if plan is not None and rollup is not None:
            _roll_up(plan, entries, spool, rollup.name)
        outcome = ReviewRun(
            entries=entries,
            output=None,
            seconds=0.0,
            worker_rss_kb=worker_rss,
            rechecked=len(again),
            skipped_other=found.skipped_other,
            skipped_backup=found.skipped_backup,
            skipped_summaries=summaries,
            not_reports=not_reports,
            fallbacks=[(e.display, e.reader) for e in entries if e.reader.startswith("openpyxl")],
            phases=phases,
        )
        if output is not None:
            progress.start("写出汇总", len(entries))
            outcome.sheet_rows = _write_atomic(output, entries, spool, progress)
            progress.finish()
            outcome.output = output
            phases["summary"] = time.perf_counter() - started - sum(phases.values())
        if json_out is not None:
            try:
                for line in iter_lines(entries, spool.get):
                    json_out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
                json_out.flush()
            except BrokenPipeError:  # the reader of the lines went away (| head): stop writing
                outcome.json_broken = True
            phases["json"] = time.perf_counter() - started - sum(phases.values())
    finally:
        progress.close()
        spool.close()
    outcome.seconds = time.perf_counter() - started
    return outcome


def _roll_up(plan: Sequence[Link], entries: list[Entry], spool: Spool, name: str) -> None:
    """Parents against the sum of their units (R14), added to the parents' findings."""
    units = [
        Unit(
            i,
            e.display,
            e.agency,
            e.version,
            None if e.error is not None else tuple(spool.get(e)[1]),
        )
        for i, e in enumerate(entries)
    ]
    for parent, children in match_plan(plan, units, name).items():
        extra, notes = rollup_findings(units[parent], [units[c] for c in children])
        entry = entries[parent]
        entry.notes += notes
        shown = "、".join(entries[c].display for c in children)
        entry.notes.append(f"已与下级单位（{shown}）的报告做汇总对照")
        if extra:
            entry.offset = spool.amend(entry, extra)
            errors, warnings, hints = entry.counts
            entry.counts = (errors, warnings + len(extra), hints)


def _write_atomic(
    output: Path, entries: list[Entry], spool: Spool, progress: Progress
) -> dict[str, int]:
    from gknb.files import write_atomic

    rows: dict[str, int] = {}

    def write(fh: IO[bytes]) -> None:
        rows.update(write_summary(fh, entries, spool.get, progress.update))

    write_atomic(output, write)
    return rows


def summary_lines(outcome: ReviewRun) -> list[str]:
    """What the command prints at the end (Chinese, one fact a line)."""
    n = len(outcome.entries)
    bad = outcome.count(STATUS_ERRORS)
    unreadable = outcome.count(STATUS_UNREADABLE)
    partial = outcome.count(STATUS_CHECK)
    lines = [
        f"已校验 {n} 个文件：通过 {n - bad - unreadable - partial} 份，有错误 {bad} 份，"
        + (f"部分无法读取、需人工核对 {partial} 份，" if partial else "")
        + f"无法读取 {unreadable} 份（用时 {outcome.seconds:.1f} 秒）。"
    ]
    if outcome.rechecked:
        lines.append(f"其中 {outcome.rechecked} 份报告与同一机关上一年度的报告做了跨年度校验。")
    skipped = []
    if outcome.skipped_other:
        skipped.append(f"{outcome.skipped_other} 个其他类型的文件")
    if outcome.skipped_backup:
        skipped.append(f"{outcome.skipped_backup} 个备份文件（*.备份.xlsx）")
    if outcome.skipped_summaries:
        skipped.append(f"{outcome.skipped_summaries} 个以前生成的汇总工作簿")
    if outcome.not_reports:
        names = "、".join(outcome.not_reports[:5]) + ("等" if len(outcome.not_reports) > 5 else "")
        skipped.append(f"{len(outcome.not_reports)} 个不是年报的文件（{names}）")
    if skipped:
        lines.append(f"已跳过 {'和'.join(skipped)}。")
    if outcome.output is not None:
        lines.append(f"汇总已写出：{outcome.output}")
    return lines
