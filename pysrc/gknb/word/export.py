"""一键导出Word: the entry point the CLI and the Excel add-in call.

    export_workbook(path, out=None, draft=None, force=False) -> Path

Reads and checks the workbook; stops with ErrorsRemain while it has error findings (unless
force); with a draft writes the tables into a copy of it, otherwise generates the complete
report; saves a new file next to the workbook. python-docx is imported only here, inside the
functions, so `gknb check` never loads it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gknb import __version__
from gknb.errors import GknbError
from gknb.model import Finding, Report, Severity
from gknb.word.style import CONFIG_NAME, WordStyle, missing_fonts, style_from

DRAFT_SUFFIX = ".docx"


class ErrorsRemain(GknbError):
    """The workbook still has error findings; nothing was exported. The CLI lists them and
    exits 1; the ribbon asks 仍有 N 处错误，是否仍然导出？ and calls again with force=True."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.count = len(findings)
        super().__init__(
            f"工作簿仍有 {self.count} 处错误，未导出 Word。请按上面的列表改正后再导出"
            f"（在 Excel 中点“校验”可看到标出的单元格）；确需按现状导出，请加 --force。"
        )


@dataclass(frozen=True)
class WorkbookMeta:
    date: Any  # GK_DATE as read (text, date or None)
    draft: Any  # GK_DRAFT as read


def read_cover(path: Path) -> WorkbookMeta:
    """The two cover cells the export needs besides the Report (成文日期, Word 草稿文件), found
    by their defined names like every other cell of the contract. A light read-only load: the
    Report itself comes from service.read_workbook, whatever reader the core uses."""
    import warnings

    from openpyxl import load_workbook

    from gknb.workbook.contract import BrokenName
    from gknb.workbook.xlsx import OpenpyxlSource

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise GknbError(
            f"{path.name} 已损坏或不是有效的 Excel 工作簿，无法读取（{exc}）。"
        ) from None
    try:
        src = OpenpyxlSource(wb)

        def meta(name: str) -> Any:
            try:
                ref = src.name_ref(name)
            except BrokenName:
                return None
            if ref is None:
                return None
            return src.read(type(ref)(ref.sheet, ref.r1, ref.c1, ref.r1, ref.c1))[0][0]

        return WorkbookMeta(meta("GK_DATE"), meta("GK_DRAFT"))
    finally:
        wb.close()


def format_date(raw: Any, today: dt.date | None = None) -> str:
    """成文日期 as GB/T 9704 prints it: Arabic numerals, month and day not zero-padded."""
    if isinstance(raw, dt.datetime | dt.date):
        return f"{raw.year}年{raw.month}月{raw.day}日"
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 20000 < raw < 80000:
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))  # an Excel date serial
        return format_date(day)
    text = str(raw or "").strip()
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if m:
        return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    if text:
        return text
    return format_date(today or dt.date.today())


def find_draft(path: Path, named: Any) -> Path | None:
    """The draft named on the cover sheet (relative to the workbook's folder), else a .docx
    with the workbook's name beside it."""
    text = str(named or "").strip().strip('"')
    if text:
        draft = Path(text)
        if not draft.is_absolute():
            draft = path.parent / draft
        if not draft.exists():
            raise GknbError(
                f"封面“Word 草稿文件”写的是 {text}，但找不到这个文件。"
                f"请改正路径（可写完整路径），或清空该格直接导出完整报告。"
            )
        return draft
    beside = path.with_suffix(DRAFT_SUFFIX)
    return beside if beside.is_file() else None


def _style_for(path: Path, style: WordStyle | None) -> WordStyle:
    if style is not None:
        return style
    config = path.parent / CONFIG_NAME
    return style_from(config=config) if config.is_file() else WordStyle()


def export_workbook(
    path: Path,
    out: Path | None = None,
    draft: Path | None = None,
    force: bool = False,
    *,
    use_draft: bool = True,
    style: WordStyle | None = None,
    notes: list[str] | None = None,
    on_findings: Callable[[list[Finding]], None] | None = None,
) -> Path:
    """Export the workbook's report as a new .docx and return its path.

    draft: the report draft to write the tables into; default: the one named on the cover
    sheet, else <workbook name>.docx beside the workbook (use_draft=False: none, generate the
    complete report). out: the file to write; default: next to the workbook, named after the
    draft or the workbook with （导出）, never replacing a file. force: export although the
    workbook has errors, and replace an existing out. notes: filled with remarks for the user
    (Chinese). on_findings: called with every finding of the check (warnings included).
    """
    from gknb import service

    path = Path(path)
    if not service.is_workbook(path):
        raise GknbError(f"请给出 Excel 工作簿（.xlsx/.xlsm）：{path.name}")
    report = service.read_workbook(path)  # a user error here is a GknbError in Chinese
    meta = read_cover(path)
    findings = service.check(report)
    if on_findings is not None:
        on_findings(findings)
    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors and not force:
        raise ErrorsRemain(errors)
    unread = [k for k in report.format.keys() if k not in report.cells]
    if unread:
        why = report.structure[0].message if report.structure else "表格结构被改动"
        raise GknbError(f"无法导出：有表格读不出来。{why}")
    style = _style_for(path, style)
    remarks: list[str] = notes if notes is not None else []
    if errors:
        remarks.append(f"注意：工作簿仍有 {len(errors)} 处错误，已按要求照常导出，发布前请改正。")
    how = "指定的草稿"
    if draft is None and use_draft:
        draft = find_draft(path, meta.draft)
        named = str(meta.draft or "").strip()
        how = "封面“Word 草稿文件”写明的草稿" if named else "工作簿旁的同名草稿"
    if draft is not None:
        data, stem = _export_draft(Path(draft), report, style, remarks, how, force)
    else:
        data, stem = _export_complete(path, report, meta, style, remarks)
    missing = missing_fonts(style)
    if missing:
        remarks.append(
            f"本机未安装字体 {'、'.join(missing)}，Word 会用其他字体代替；"
            f"可用 --fonts windows 或 --title-font 宋体 等改用已安装的字体。"
        )
    from gknb.word.package import save_new, save_to

    protect = (path,) if draft is None else (path, Path(draft))
    if out is not None:
        return save_to(data, Path(out), force, protect)
    return save_new(data, path.parent, stem)


def _export_complete(
    path: Path, report: Report, meta: WorkbookMeta, style: WordStyle, remarks: list[str]
) -> tuple[bytes, str]:
    from gknb.word.document import ReportMeta, build_report
    from gknb.word.package import custom_properties, rewrite

    if not report.agency:
        raise GknbError(f"{path.name}：封面“机关名称”未填写，报告标题需要它。请填写后再导出。")
    if report.year is None:
        raise GknbError(f"{path.name}：封面“报告年度”未填写，报告标题需要它。请填写后再导出。")
    if meta.date in (None, ""):
        remarks.append("封面“成文日期”未填写，落款暂用今天的日期，请核对。")
    info = ReportMeta(report.agency, report.year, format_date(meta.date), path.name)
    for num, part in (("一", "1"), ("五", "5"), ("六", "6")):
        if not report.texts.get(part, "").strip():
            remarks.append(f"正文第{num}部分未填写，报告中该部分留有提示文字，请补写。")
    data = build_report(report, info, style)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        data = rewrite(zf, custom_properties(zf, _props(report, path.name, "完整报告")))
    return data, path.stem


def _export_draft(
    draft: Path,
    report: Report,
    style: WordStyle,
    remarks: list[str],
    how: str = "指定的草稿",
    force: bool = False,
) -> tuple[bytes, str]:
    """The draft with the tables written in. A draft whose title names another agency or
    year is refused (unless force): a draft found beside the workbook is not always its own."""
    from gknb.word.draft import fill_draft, title_mismatch
    from gknb.word.package import custom_properties, open_docx, rewrite

    with open_docx(draft) as zf:
        result = fill_draft(zf, draft.name, report.format, report, style)
        parts = {"word/document.xml": result.document_xml}
        parts.update(custom_properties(zf, _props(report, draft.name, "草稿")))
        data = rewrite(zf, parts)
    whose = f"{report.agency or '机关名称未填'} {report.year or '年度未填'}年度"
    wrong = title_mismatch(result.title, report.agency, report.year)
    if wrong and not force:
        raise GknbError(
            f"未导出：{how} {draft} 的标题是“{result.title}”，与工作簿（{whose}）不符（{wrong}）。"
            f"请改用本机关本年度的草稿（--draft 草稿.docx，或在封面“Word 草稿文件”写明），"
            f"或加 --no-draft 生成完整报告；确认无误可加 --force 照常导出。"
        )
    remarks.insert(
        0, f"用的是{how}：{draft}（标题“{result.title or '未找到'}”），草稿中其他文字未改动。"
    )
    if wrong:
        remarks.insert(1, f"注意：草稿与工作簿不符（{wrong}），已按 --force 照常导出。")
    if how == "工作簿旁的同名草稿":
        remarks.insert(1, "不想用这份草稿、要生成完整报告时，加 --no-draft。")
    for num, count in result.replaced.items():
        empty, others = result.placeholders.get(num, 0), result.others.get(num, 0)
        if count:
            what = f"替换了原有的 {count} 个表格"
        elif empty:
            what = f"草稿中的 {empty} 个空表格（占位）已换成法定表格"
        else:
            what = "草稿中原来没有法定表格，已放在标题下"
        if others:
            what += (
                f"；另有 {others} 个表格不是法定表格，保留未动（如是旧表，请在导出的文件中删除）"
            )
        remarks.append(f"第{num}部分：{what}。")
    return data, draft.stem


def _props(report: Report, source: str, mode: str) -> dict[str, str]:
    return {
        "GknbVersion": __version__,
        "GknbFormat": report.format.version,
        "GknbSource": source,
        "GknbMode": mode,
    }
