"""Roll-up (`gknb review --rollup PLAN.xlsx`): a city's or county's consolidated figures against
the sum of its units' reports.

The plan is a small sheet with two columns, 上级 and 下级: each row says that one report (a file
name, or an agency name) is a unit of another. A consolidated report includes its units, so its
new applications (table 三 “本年新收”, every applicant column) and its review and litigation
cases (table 四, the three totals) cannot be below the sum of its units'; where they are, the
parent gets an R14 finding that lists both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gknb.errors import GknbError
from gknb.model import Unit
from gknb.review.agencies import agency_key
from gknb.text import fold


@dataclass(frozen=True)
class Link:
    parent: str
    child: str
    row: int  # row of the plan sheet, for messages


def read_plan(path: Path) -> list[Link]:
    """The parent-child rows of a plan workbook (first sheet, columns headed 上级 and 下级)."""
    from gknb.workbook.xlsx import open_workbook

    wb = open_workbook(path, data_only=True)
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header_at = None
    for i, row in enumerate(rows[:10]):
        texts = [fold(str(v or "")) for v in row]
        parent = next((j for j, t in enumerate(texts) if "上级" in t), None)
        child = next((j for j, t in enumerate(texts) if "下级" in t), None)
        if parent is not None and child is not None:
            header_at = (i, parent, child)
            break
    if header_at is None:
        raise GknbError(
            f"汇总计划 {path.name} 的第一个工作表应有“上级”和“下级”两列"
            f"（每行写一对：上级报告和它的一个下级单位的报告，填文件名或机关名称）。"
        )
    start, pc, cc = header_at
    links = []
    for n, row in enumerate(rows[start + 1 :], start=start + 2):
        upper = str(row[pc] or "").strip() if pc < len(row) else ""
        lower = str(row[cc] or "").strip() if cc < len(row) else ""
        if not upper and not lower:
            continue
        if not upper or not lower:
            raise GknbError(f"汇总计划 {path.name} 第 {n} 行只填了上级或下级中的一个，请补全。")
        if fold(upper) == fold(lower):
            raise GknbError(f"汇总计划 {path.name} 第 {n} 行的上级和下级是同一个：{upper}。")
        links.append(Link(upper, lower, n))
    if not links:
        raise GknbError(f"汇总计划 {path.name} 中没有上下级关系，请在“上级”“下级”两列下逐行填写。")
    check_cycles(links, path.name)
    return links


def check_cycles(links: Sequence[Link], plan: str) -> None:
    """A unit cannot (directly or through others) be its own parent."""
    children: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for link in links:
        p, c = fold(link.parent), fold(link.child)
        names.setdefault(p, link.parent)
        names.setdefault(c, link.child)
        children.setdefault(p, []).append(c)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in children.get(node, []):
            if state.get(nxt) == 1:
                loop = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                shown = " → ".join(names[n] for n in loop)
                raise GknbError(f"汇总计划 {plan} 有循环：{shown}。请改正上下级关系。")
            if state.get(nxt) is None:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in list(children):
        if state.get(node) is None:
            visit(node, [node])


def match_plan(links: Sequence[Link], reports: Sequence[Unit], plan: str) -> dict[int, list[int]]:
    """Parent index -> child indexes. Names match a file (path, name or stem) or an agency."""

    def find(name: str, row: int) -> int:
        key = fold(name)
        by_file = [
            r.index
            for r in reports
            if key in (fold(r.display), fold(Path(r.display).name), fold(Path(r.display).stem))
        ]
        hits = by_file or [
            r.index for r in reports if r.agency and agency_key(r.agency) == agency_key(name)
        ]
        if not hits:
            raise GknbError(
                f"汇总计划 {plan} 第 {row} 行的“{name}”在所给的文件中找不到"
                f"（按文件名或机关名称查找）。请检查计划或补上这份报告。"
            )
        if len(hits) > 1:
            shown = "、".join(reports[i].display for i in hits)
            raise GknbError(
                f"汇总计划 {plan} 第 {row} 行的“{name}”对应多份报告（{shown}），请改用文件名。"
            )
        return hits[0]

    tree: dict[int, list[int]] = {}
    for link in links:
        parent, child = find(link.parent, link.row), find(link.child, link.row)
        if parent == child:
            raise GknbError(f"汇总计划 {plan} 第 {link.row} 行的上级和下级是同一份报告。")
        tree.setdefault(parent, [])
        if child not in tree[parent]:
            tree[parent].append(child)
    return tree
