"""`gknb`: the command line. Argument parsing and printing around gknb.service."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gknb import __version__
from gknb.cliparse import CommandParser
from gknb.console import err, format_name, out, print_findings, silence_stdout
from gknb.errors import GknbError, quiet_libraries
from gknb.files import backup_path
from gknb.model import Report
from gknb.reader import cli as reader_cli
from gknb.review import cli as review_cli
from gknb.word import cli as word_cli

# The exit codes, as the README's table documents them.
EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_CANCELLED = 130  # Ctrl-C


def _expand(paths: Sequence[str]) -> list[Path]:
    """Files as given; a folder gives every report file below it (lock files, hidden files,
    backups and other kinds of files are left out)."""
    from gknb.sources import collect

    return [path for path, _ in collect(paths).files]


def cmd_check(args: argparse.Namespace) -> int:
    from gknb import service
    from gknb.model import summary_line

    paths = _expand(args.files)
    if args.mark and len(paths) != 1:
        raise GknbError("--mark 一次只能标记一个工作簿。")
    prior = Path(args.prior) if args.prior else None
    if args.mark:  # a copy that cannot be written is refused before the report is printed
        service.mark_target(
            paths[0], Path(args.mark), args.force, (prior,) if prior is not None else ()
        )
    if args.accept:
        if len(paths) != 1:
            raise GknbError("--accept 一次只能用于一个工作簿。")
        service.accept(paths[0], args.accept)
        out(f"已记录核实理由：{paths[0]}")
    status = EXIT_OK
    named = {Path(f) for f in args.files}
    for path in paths:
        result = service.check_file(path, prior)
        if result.not_report and path not in named:  # a README or note in a folder
            err(f"{path}：不是年报，已跳过。")
            continue
        if result.error is not None or result.report is None:
            error = result.error or ""
            err(error if error.startswith(path.name) else f"{path}：{error}")
            status = EXIT_UNREADABLE
            continue
        report, findings = result.report, result.findings
        if args.json:
            line = {
                "file": str(path),
                "agency": report.agency,
                "year": report.year,
                "format": report.version,
                "findings": [f.as_json() for f in findings],
            }
            out(json.dumps(line, ensure_ascii=False, default=str))
        else:
            out(f"== {path} ==  {format_name(report)}")
            print_findings(findings)
            out(summary_line(findings))
        if result.has_errors and status == EXIT_OK:
            status = EXIT_FINDINGS
        if args.mark:
            marked = Path(args.mark)
            protect = (prior,) if prior is not None else ()
            count = service.mark_copy(path, marked, findings, force=args.force, protect=protect)
            if not args.json:
                out(f"已标记 {count} 个单元格：{marked}")
    return status


def cmd_fill(args: argparse.Namespace) -> int:
    from gknb import service
    from gknb.text import fmt_num

    path = Path(args.file)
    result = service.fill_file(path)
    fmt = result.report.format
    blocked = [c for c in result.changes if c.new is None]
    for c in result.changes:
        if c.changed:
            where = result.report.locations[c.key]
            old = "空" if c.old in (None, "") else c.old
            out(
                f"  {where}  {fmt.row_label(c.key)} / {fmt.col_label(c.key)}：{old} → {fmt_num(c.new)}"
            )
    for c in blocked:
        bad = ", ".join(result.report.locations.get(k, "?") for k in c.blocked_by)
        out(f"  未计算 {result.report.locations[c.key]}：{bad} 不是有效数字，请先改正")
    if result.written:
        kept = backup_path(path).name
        out(f"已填充 {result.written} 个合计格：{path}（原文件备份为 {kept}）")
    else:
        out(f"合计都已正确，未修改文件：{path}")
    return EXIT_FINDINGS if blocked else EXIT_OK


def cmd_clear(args: argparse.Namespace) -> int:
    from gknb import service

    count = service.clear_file(Path(args.file))
    out(f"已清除 {count} 个单元格的校验标记：{args.file}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from gknb import service
    from gknb.formats import format_for_year

    path = Path(args.file)
    prior = service.new_workbook(
        path, args.agency, args.year, Path(args.prior) if args.prior else None, force=args.force
    )
    fmt = format_for_year(args.year)
    out(f"已新建：{path}（{args.agency} {args.year}年度，{fmt.version}版格式 {fmt.document}）")
    if prior is not None:
        for line in _prior_lines(prior, args.agency, args.year):
            out(line)
    return EXIT_OK


def _prior_lines(prior: Report, agency: str, year: int) -> list[str]:
    """What `new --prior` put into 上年数据, and a warning when it is not last year's own."""
    from gknb import service
    from gknb.model import prior_mismatch
    from gknb.text import fmt_num

    figures = service.prior_from(prior)
    cols = {c.id: c.label for c in prior.format.block("T3").cols}

    def shown(value: int | float | None) -> str:
        return "空" if value is None else fmt_num(value)

    carry = "，".join(f"{cols[c]} {shown(v)}" for c, v in figures.carry_out.items())
    whose = f"{prior.agency or '机关名称不详'} {prior.year or '年度不详'}年度"
    lines = [
        f"已用 {Path(prior.source).name}（{whose}）预填“上年数据”：",
        f"  结转下年度继续办理：{carry}",
    ]
    if figures.in_force:
        names = prior.format.in_force_labels()
        kept = "，".join(f"{names[r]} {shown(v)}" for r, v in figures.in_force.items())
        lines.append(f"  现行有效件数：{kept}")
    this = Report(version=prior.version, year=year, agency=agency)
    wrong = prior_mismatch(this, figures)
    if wrong:
        lines.append(
            f"注意：{wrong}。请换用正确的上年报告重新新建（加 --force），"
            f"或在“上年数据”工作表中改正。"
        )
    return lines


def cmd_text(args: argparse.Namespace) -> int:
    from gknb import service

    result = service.write_text(Path(args.file))
    names = {"3": "三、依申请公开", "4": "四、复议诉讼"}
    for part, text in result.texts.items():
        if part in result.written:
            out(f"已写入“正文”的{names[part]}说明：{text}")
        else:
            out(
                f"“正文”的{names[part]}说明已有您修改过的文字，未覆盖。新生成的文字如下，可复制使用："
            )
            out(f"  {text}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from gknb import diff, service

    a, b = service.load(Path(args.a)), service.load(Path(args.b))
    result = diff.compare(a, b, service.check)
    for line in diff.render(result, args.a, args.b):
        out(line)
    return EXIT_FINDINGS if result.changed_cells else EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from gknb.service import rule_catalogue

    if args.markdown:
        out("| 规则 | 级别 | 名称 | 检查什么 | 提示示例 |")
        out("|---|---|---|---|---|")
        for r in rule_catalogue():
            out(f"| {r.id} | {r.severity.zh} | {r.title} | {r.checks} | {r.example} |")
        return EXIT_OK
    for r in rule_catalogue():
        out(f"{r.id:<4} {r.severity.zh}  {r.title}")
        out(f"      检查：{r.checks}")
        out(f"      示例：{r.example}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from gknb import service
    from gknb.demo import MISTAKES, build_demo
    from gknb.model import summary_line

    folder = Path(args.dir)
    path = build_demo(folder)
    out(f"1. 已生成示例工作簿：{path}")
    out("   其中有意留了几处常见错误：")
    for m in MISTAKES:
        out(f"   - {m}")
    result = service.check_file(path)
    assert result.report is not None
    out(f"2. 校验结果（{format_name(result.report)}）：")
    print_findings(result.findings)
    out(summary_line(result.findings))
    marked = path.with_name(f"{path.stem}.已标记{path.suffix}")
    count = service.mark_copy(path, marked, result.findings, force=True)
    out(f"3. 已写出标记副本（{count} 个单元格标色加批注，明细在“校验结果”工作表）：{marked}")
    word_cli.demo_step(path, result)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="gknb",
        description="政府信息公开年报助手：新建、校验、填充合计、导出政府信息公开工作年度报告。",
        epilog="每个命令的用法：gknb 命令 -h（如 gknb check -h）。",
    )
    parser.add_argument(
        "--version", action="version", version=f"gknb {__version__}", help="显示版本号并退出"
    )
    parser.add_argument("--debug", action="store_true", help="出错时显示技术细节")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("check", help="校验工作簿或已发布的报告")
    p.add_argument("files", nargs="+", metavar="文件", help="工作簿、报告文件或文件夹")
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    p.add_argument("--prior", metavar="上年文件", help="上一年的工作簿或报告（跨年度校验）")
    p.add_argument("--mark", metavar="OUT.xlsx", help="写出一份标记了问题的副本")
    p.add_argument("--force", action="store_true", help="允许覆盖已存在的 --mark 输出文件")
    p.add_argument(
        "--accept",
        action="append",
        metavar="规则@单元格=理由",
        help="把经核实无误的警告或提示标记为已核实，如 R5a@三、依申请公开!D8=确实为0（可重复）",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("fill", help="计算并填写所有合计格")
    p.add_argument("file", metavar="工作簿")
    p.set_defaults(func=cmd_fill)

    p = sub.add_parser("clear", help="清除校验留下的颜色和批注")
    p.add_argument("file", metavar="工作簿")
    p.set_defaults(func=cmd_clear)

    p = sub.add_parser("new", help="新建年报工作簿")
    p.add_argument("file", metavar="文件名", help=".xlsm（带按钮）或 .xlsx（不带宏）")
    p.add_argument("--agency", required=True, metavar="机关名称")
    p.add_argument("--year", required=True, type=int, metavar="年度")
    p.add_argument("--prior", metavar="上年文件", help="用上一年的工作簿或报告预填“上年数据”")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("text", help="根据表格生成第三、四部分的说明文字，写入“正文”")
    p.add_argument("file", metavar="工作簿")
    p.set_defaults(func=cmd_text)

    p = sub.add_parser("diff", help="比较同一报告的两个版本：改了哪些数字，问题增减")
    p.add_argument("a", metavar="旧版本")
    p.add_argument("b", metavar="新版本")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("rules", help="列出全部校验规则")
    p.add_argument("--markdown", action="store_true", help="输出 Markdown 表格")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("demo", help="生成并校验一个示例工作簿")
    p.add_argument(
        "--dir", default="gknb-demo", metavar="文件夹", help="输出文件夹（默认 gknb-demo）"
    )
    p.set_defaults(func=cmd_demo)

    for register in FEATURE_COMMANDS:
        register(sub)
    return parser


# commands that live with their feature: export (Word), import (published reports), review
FEATURE_COMMANDS: tuple[Callable[[Any], None], ...] = (
    word_cli.register,
    reader_cli.register,
    review_cli.register,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    debug = args.debug or os.environ.get("GKNB_DEBUG") == "1"
    quiet_libraries(debug)
    try:
        status = int(args.func(args))
        sys.stdout.flush()
        return status
    except BrokenPipeError:  # output cut short by a reader that stopped reading
        silence_stdout()
        return EXIT_OK
    except GknbError as exc:
        if debug:
            traceback.print_exc()
        err(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        err("已取消。")
        return EXIT_CANCELLED
    except Exception as exc:
        if debug:
            traceback.print_exc()
        err(f"内部错误：{exc}。请加 --debug 重新运行，并把输出发给技术支持。")
        return EXIT_INTERNAL
