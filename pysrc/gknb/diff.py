"""`gknb diff A B`: what changed between two versions of the same report, of any kinds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gknb.formats import Key
from gknb.model import Finding, Report
from gknb.text import fmt_num


@dataclass
class Change:
    key: Key
    where: str  # table, row and column labels
    before: object  # raw value in A (None: the cell is not in A)
    after: object


@dataclass
class DiffResult:
    changed_cells: list[Change] = field(default_factory=list)
    appeared: list[Finding] = field(default_factory=list)
    disappeared: list[Finding] = field(default_factory=list)
    format_change: tuple[str, str] | None = None


def _identity(f: Finding) -> tuple[str, str, str, str]:
    # the cell address differs between a workbook and its Word export; labels do not
    return f.rule, f.table, f.row, f.column


def _blank(report: Report, key: Key) -> bool:
    """The cell is not in the report (another format's cell) or holds nothing."""
    cell = report.cells.get(key)
    return cell is None or str(cell.raw if cell.raw is not None else "").strip() == ""


def _same(a: Report, b: Report, key: Key) -> bool:
    ca, cb = a.cells.get(key), b.cells.get(key)
    if _blank(a, key) and _blank(b, key):  # never "空 → 空" (across formats, blank cells)
        return True
    if ca is None or cb is None:
        return False
    if ca.value is not None and ca.value == cb.value:
        return True
    return str(ca.raw or "").strip() == str(cb.raw or "").strip()


def compare(a: Report, b: Report, check: Callable[[Report], list[Finding]]) -> DiffResult:
    """The cells that differ, and the findings (given by `check`) that appeared or went."""
    result = DiffResult()
    if a.version != b.version:
        result.format_change = (a.version, b.version)
    keys_b = set(b.format.keys())
    for key in dict.fromkeys([*a.format.keys(), *b.format.keys()]):
        if _same(a, b, key):
            continue
        fmt = b.format if key in keys_b else a.format  # across formats: the one that has the cell
        where = f"{fmt.table_title(key[0])} {fmt.row_label(key)} / {fmt.col_label(key)}"
        ca, cb = a.cells.get(key), b.cells.get(key)
        result.changed_cells.append(
            Change(key, where, None if ca is None else ca.raw, None if cb is None else cb.raw)
        )
    fa, fb = check(a), check(b)
    ids_a, ids_b = {_identity(f) for f in fa}, {_identity(f) for f in fb}
    result.appeared = [f for f in fb if _identity(f) not in ids_a]
    result.disappeared = [f for f in fa if _identity(f) not in ids_b]
    return result


def _show(value: object) -> str:
    if value is None or value == "":
        return "空"
    return fmt_num(value) if isinstance(value, int | float) else str(value)


def render(result: DiffResult, name_a: str, name_b: str) -> list[str]:
    lines = [f"比较：{name_a} → {name_b}"]
    if result.format_change:
        lines.append(f"格式版本不同：{result.format_change[0]}版 → {result.format_change[1]}版")
    if result.changed_cells:
        lines.append(f"改动的数字（{len(result.changed_cells)} 处）：")
        lines.extend(
            f"  {c.where}：{_show(c.before)} → {_show(c.after)}" for c in result.changed_cells
        )
    else:
        lines.append("数字没有改动。")
    for title, items in (("新出现的问题", result.appeared), ("已消除的问题", result.disappeared)):
        if items:
            lines.append(f"{title}（{len(items)} 处）：")
            lines.extend(
                f"  {f.severity.zh} {f.rule} {f.row} {f.column}：{f.message}" for f in items
            )
    return lines
