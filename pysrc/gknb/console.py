"""Printing for the command line: every command's lines go through here."""

from __future__ import annotations

import os
import sys

from gknb.model import Finding, Report


def silence_stdout() -> None:
    """The reader of our output went away (`gknb rules | head -1`): send the rest nowhere, as
    the Python documentation advises for SIGPIPE, and let the command finish."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def out(text: str = "") -> None:
    try:
        print(text, flush=False)
    except BrokenPipeError:
        silence_stdout()


def err(text: str) -> None:
    print(text, file=sys.stderr)


def format_name(report: Report) -> str:
    year = f"{report.year}年度" if report.year else "年度未知"
    return f"{report.agency or '机关名称未填'} · {year} · {report.version}版格式"


BLANKS_SHOWN = 3  # a report with many blank cells lists a few and counts the rest


def print_findings(findings: list[Finding]) -> None:
    table = None
    blanks = 0
    for f in findings:
        if f.table != table:
            _more_blanks(blanks)
            table, blanks = f.table, 0
            out(f"【{table}】")
        if f.rule == "R5a" and not f.settled and len(f.keys) <= 1:  # one blank cell each
            blanks += 1
            if blanks > BLANKS_SHOWN:
                continue
        where = f.cell or "·".join(x for x in (f.row, f.column) if x)
        level = "已核实" if f.settled else f.severity.zh
        out(f"  {level} {f.rule:<4} {where}")
        out(f"      {f.message}")
        if f.settled:
            out(f"      核实理由：{f.settled}")
    _more_blanks(blanks)


def _more_blanks(blanks: int) -> None:
    if blanks > BLANKS_SHOWN:
        out(f"  警告 R5a  ……本表另有 {blanks - BLANKS_SHOWN} 个单元格为空或填了占位符（按 0 计算），"
             f"请都填 0；加 --json 或 --mark 可看到全部。")  # fmt: skip
