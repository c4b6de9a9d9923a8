"""`gknb export`: argument parsing and printing around gknb.word.export_workbook.

Loaded by gknb.cli on every command, so nothing heavy is imported at module level.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gknb.model import Severity
from gknb.word.style import CONFIG_NAME, PRESET_HELP, PRESETS, ROLE_OPTIONS

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="导出 Word 报告（表格为国家规定格式）",
        description=(
            "把工作簿导出为 Word 报告。若封面写了“Word 草稿文件”，或工作簿旁有同名 .docx，"
            "就把表格填进草稿的“二、三、四”标题下，另存为新文件；否则生成完整报告。"
            "工作簿仍有错误时不导出（列出错误），加 --force 仍然导出。"
            f"字体也可在工作簿旁的 {CONFIG_NAME} 中设置（[fonts] 一节）。"
        ),
    )
    p.add_argument("file", metavar="工作簿")
    p.add_argument(
        "-o", "--output", metavar="OUT.docx", help="输出文件（默认：工作簿旁，名称加“（导出）”）"
    )
    p.add_argument("--draft", metavar="DRAFT.docx", help="报告草稿（Word 文档）")
    p.add_argument("--no-draft", action="store_true", help="不用草稿，生成完整报告")
    p.add_argument(
        "--force", action="store_true", help="工作簿仍有错误也导出；允许覆盖已存在的输出文件"
    )
    p.add_argument(
        "--fonts", choices=sorted(PRESETS), metavar="方案", help=f"字体方案：{PRESET_HELP}"
    )
    help_text = {
        "body": "正文和表格字体（默认 仿宋）",
        "title": "标题字体（默认 方正小标宋简体）",
        "heading1": "一级标题字体（默认 黑体）",
        "heading2": "二级标题字体（默认 楷体）",
        "page_number": "页码字体（默认 宋体）",
    }
    for field, option in ROLE_OPTIONS.items():
        p.add_argument(option, dest=f"font_{field}", metavar="字体", help=help_text[field])
    p.add_argument("--style", metavar=CONFIG_NAME, help="字体设置文件（TOML，[fonts] 一节）")
    p.set_defaults(func=cmd_export)


def _style(args: argparse.Namespace, workbook: Path) -> Any:
    from gknb.word.style import style_from

    overrides = {field: getattr(args, f"font_{field}") for field in ROLE_OPTIONS}
    config: Path | None = Path(args.style) if args.style else workbook.parent / CONFIG_NAME
    if not args.style and config is not None and not config.is_file():
        config = None
    return style_from(args.fonts, overrides, config)


def cmd_export(args: argparse.Namespace) -> int:
    from gknb.console import err, out, print_findings
    from gknb.model import summary_line
    from gknb.word.export import ErrorsRemain, export_workbook

    path = Path(args.file)
    notes: list[str] = []
    seen: list[Any] = []
    try:
        written = export_workbook(
            path,
            Path(args.output) if args.output else None,
            Path(args.draft) if args.draft else None,
            force=args.force,
            use_draft=not args.no_draft,
            style=_style(args, path),
            notes=notes,
            on_findings=seen.extend,
        )
    except ErrorsRemain as exc:
        out(f"== {path} ==")
        print_findings(exc.findings)
        out(summary_line(seen))
        err(str(exc))
        return EXIT_FINDINGS
    out(f"已导出 Word：{written}")
    for note in notes:
        out(f"  {note}")
    if any(not f.settled for f in seen):
        out(f"  校验：{summary_line(seen)}（明细可用 gknb check {path.name} 查看）")
    return EXIT_OK


def demo_step(path: Path, result: Any) -> None:
    """`gknb demo`'s last step: export the demo workbook as a complete Word report."""
    from gknb.console import out
    from gknb.word.export import export_workbook

    target = path.with_name(f"{path.stem}（导出）.docx")
    notes: list[str] = []
    docx = export_workbook(path, target, force=True, use_draft=False, notes=notes)
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
    why = (
        f"示例中有意留了 {errors} 处错误，演示时照常导出；实际使用时会先列出错误" if errors else ""
    )
    out(f"4. 已导出 Word 报告{f'（{why}）' if why else ''}：{docx}")
