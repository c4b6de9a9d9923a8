"""`gknb import`: a workbook filled from a published report.

Loaded by gknb.cli on every command, so nothing heavy is imported at module level.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

EXIT_OK = 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import",
        help="从已发布的报告（Word、网页、PDF、文本）生成工作簿",
        description=(
            "读取已发布的年度报告（.docx、.html、.pdf、.txt/.md），把四张表的数字和第一、五、六"
            "部分的文字填进新工作簿，供改正后重新校验、导出。带单位或文字的数字（如“4个”）"
            "按原样保留，校验时会标出。"
        ),
    )
    p.add_argument("report", metavar="报告文件")
    p.add_argument(
        "-o", "--output", required=True, metavar="WORKBOOK.xlsm", help=".xlsm（带按钮）或 .xlsx"
    )
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    p.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from gknb.importer import import_report

    out = Path(args.output)
    result = import_report(Path(args.report), out, force=args.force)
    report = result.report
    year = f"{report.year}年度" if report.year else "年度未识别"
    agency = report.agency or "机关名称未识别"
    print(f"已导入：{out}（{agency} · {year} · {report.version}版格式）")
    print(f"  读入 {result.written} 个数字格，文字部分：{_parts(report.texts)}")
    if result.missing:
        print(f"  有 {result.missing} 个数字格没有读到，已留空，请对照原报告填写。")
    for f in report.structure:
        where = "·".join(x for x in (f.table, f.row, f.column) if x)
        print(f"  读取问题 {where}：{f.message}")
    if not report.agency or not report.year:
        print("  请在“封面”工作表中补填机关名称和报告年度。")
    print(f"下一步：打开工作簿改正，或运行 gknb check {out}")
    return EXIT_OK


def _parts(texts: dict[str, str]) -> str:
    names = {"1": "一", "5": "五", "6": "六"}
    have = [names[p] for p in ("1", "5", "6") if texts.get(p)]
    return "、".join(have) if have else "无"
