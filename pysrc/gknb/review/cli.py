"""`gknb review`: the command. Argument parsing and printing around gknb.review.batch."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from gknb.errors import GknbError

DEFAULT_OUTPUT = "汇总.xlsx"


def cmd_review(args: argparse.Namespace) -> int:
    from gknb.review.batch import review, summary_lines
    from gknb.review.progress import Progress

    if args.jobs is not None and args.jobs < 1:
        raise GknbError("--jobs 应为不小于 1 的整数（同时校验的进程数）。")
    output = Path(args.output) if args.output else None
    if output is None and not args.json:
        output = Path(DEFAULT_OUTPUT)
    outcome = review(
        args.paths,
        output,
        jobs=args.jobs,
        force=args.force,
        json_out=sys.stdout if args.json else None,
        progress=Progress(sys.stderr),
        rollup=Path(args.rollup) if args.rollup else None,
    )
    if outcome.json_broken:  # stdout's reader went away: keep Python quiet about it at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    for e in outcome.entries:
        if e.error is not None:
            name = Path(e.path).name  # the reader's message may start with it: said once
            said = e.error[len(name) :].lstrip("：: ") if e.error.startswith(name) else e.error
            print(f"{e.display}：{said}", file=sys.stderr)
    stream = sys.stderr if args.json else sys.stdout
    for line in summary_lines(outcome):
        print(line, file=stream)
    return outcome.exit_status


def register(sub: Any) -> None:
    p = sub.add_parser(
        "review",
        help="批量校验一个文件夹的年报，生成汇总工作簿",
        description=(
            "校验文件夹（含子文件夹）中的全部年报——工作簿和已发布的报告都可以——"
            "并生成汇总工作簿：总览、问题明细、数据、规则说明。同一机关相邻两个年度的报告"
            "会自动做跨年度校验。"
        ),
    )
    p.add_argument("paths", nargs="+", metavar="文件或文件夹")
    p.add_argument(
        "-o",
        "--output",
        metavar="汇总.xlsx",
        help=f"汇总工作簿的文件名（默认 {DEFAULT_OUTPUT}；只用 --json 时不写汇总）",
    )
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON（同 check --json）")
    p.add_argument("--jobs", type=int, metavar="N", help="同时校验的进程数（默认为 CPU 核数）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的汇总工作簿")
    p.add_argument(
        "--rollup",
        metavar="PLAN.xlsx",
        help="汇总计划：第一个工作表有“上级”“下级”两列，每行一对（文件名或机关名称）；"
        "上级的申请数、复议诉讼数少于下级之和时报 R14",
    )
    p.set_defaults(func=cmd_review)
