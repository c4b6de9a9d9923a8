"""R1–R4: the arithmetic links inside tables 三 and 四.

Each link is a linear equation over the table's cells (``sum(lhs) == sum(rhs)``). Three things
keep the advice about the cell a clerk should actually change:

- A total left blank in a template workbook (before 填充合计) is taken at its computed value:
  the inputs are judged against the totals 填充合计 would write, and cells.check says once that
  the totals are still to be filled. The links a blank total is the target of are then
  identities and are not reported.
- A finding's expected/found are the value its cell should have and the value it has.
- Localization: a single wrong cell breaks every link it belongs to by the same amount. When
  exactly one cell explains a set of broken links that way (and no other cell could), one
  finding names it as the likely one (疑似), instead of a finding on each total it disturbs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from gknb.formats import Equation, Key
from gknb.model import Finding, Report, Severity
from gknb.rules.common import cell_finding
from gknb.text import fmt_num
from gknb.totals import blank_totals, total_addends

_EPS = 1e-9


@dataclass
class _Link:
    """One equation evaluated on the report, as coefficients over its cells."""

    eq: Equation
    lhs: float  # sum of the left side (blank totals at their computed value)
    rhs: float
    expand: dict[Key, tuple[Key, ...]]  # blank total -> the cells it adds up
    _coefs: dict[Key, int] | None = None

    @property
    def residual(self) -> float:
        return self.lhs - self.rhs

    @property
    def broken(self) -> bool:
        return abs(self.residual) > _EPS

    @property
    def coefs(self) -> dict[Key, int]:
        """cell -> multiplicity (+ on the lhs, - on the rhs), blank totals expanded."""
        if self._coefs is None:
            coefs: dict[Key, int] = {}
            for side, sign in ((self.eq.lhs, 1), (self.eq.rhs, -1)):
                for key in side:
                    for cell in self.expand.get(key, (key,)):
                        coefs[cell] = coefs.get(cell, 0) + sign
            self._coefs = {k: c for k, c in coefs.items() if c}
        return self._coefs


def _number(value: float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _links(report: Report) -> list[_Link]:
    """Every equation whose cells all hold numbers, with blank totals taken at the value of
    the cells they add up; a blank total's own equation (an identity) is left out."""
    fmt = report.format
    blank = blank_totals(report)
    expand = {key: total_addends(fmt, key) for key in blank}
    computed: dict[Key, int | float | None] = {}
    for key, parts in expand.items():
        part_values = [report.value(p) for p in parts]
        computed[key] = None if None in part_values else sum(v or 0 for v in part_values)
    links: list[_Link] = []
    for eq in fmt.equations():
        if eq.target in expand:
            continue  # its own identity, or implied by the links of the cells it adds up
        sides: list[float] = []
        for side in (eq.lhs, eq.rhs):
            total: float = 0
            for key in side:
                value = computed[key] if key in expand else report.value(key)
                if value is None:
                    break
                total += value
            else:
                sides.append(total)
                continue
            break
        if len(sides) == 2:
            links.append(_Link(eq, sides[0], sides[1], expand))
    return links


def _suspects(links: list[_Link]) -> dict[Key, list[_Link]]:
    """Cells that alone explain the broken links they belong to: every link holding the cell
    is broken, all by the same change of the cell, no other such cell shares a link, and
    together they explain every broken link of their table part (else more than one cell is
    wrong there, and each broken link is reported as it is)."""
    by_cell: dict[Key, list[_Link]] = {}
    for link in links:
        for key in link.coefs:
            by_cell.setdefault(key, []).append(link)
    candidates: dict[Key, list[_Link]] = {}
    for link in links:
        if not link.broken:
            continue
        for key in link.coefs:
            if key in candidates:
                continue
            mine = by_cell[key]
            if not all(m.broken for m in mine):
                continue
            changes = {round(m.residual / m.coefs[key], 9) for m in mine}
            if len(changes) == 1:
                candidates[key] = mine
    unique: dict[Key, list[_Link]] = {}
    for key, mine in candidates.items():
        ids = {id(m) for m in mine}
        if not any(
            other != key and any(id(t) in ids for t in theirs)
            for other, theirs in candidates.items()
        ):
            unique[key] = mine
    result: dict[Key, list[_Link]] = {}
    for part in _parts(links, by_cell):
        broken = {id(m) for m in part if m.broken}
        members = {id(m) for m in part}
        named = {key: ms for key, ms in unique.items() if id(ms[0]) in members}
        if broken and broken == {id(m) for ms in named.values() for m in ms}:
            result.update(named)
    return result


def _parts(links: list[_Link], by_cell: dict[Key, list[_Link]]) -> list[list[_Link]]:
    """Links that share cells, directly or through others (table 三 is one part; each group
    of table 四 is one)."""
    parts: list[list[_Link]] = []
    seen: set[int] = set()
    for start in links:
        if id(start) in seen:
            continue
        part, todo = [], [start]
        seen.add(id(start))
        while todo:
            link = todo.pop()
            part.append(link)
            for key in link.coefs:
                for other in by_cell[key]:
                    if id(other) not in seen:
                        seen.add(id(other))
                        todo.append(other)
        parts.append(part)
    return parts


def _message(
    report: Report, eq: Equation, expected: float, found: float, lhs: float, rhs: float
) -> str:
    fmt = report.format
    t = eq.target
    if eq.rule == "R1":
        col = fmt.col_label(t)
        return (
            f"「{col}」列不平衡：第一项加第二项之和为 {fmt_num(_number(rhs))}，"
            f"第三项（七）总计加第四项之和为 {fmt_num(_number(lhs))}，两者应相等。"
            f"请核对本列的新收、上年结转、办理结果和结转下年度数字"
            f"（按此结转下年度继续办理应为 {fmt_num(_number(expected))}）。"
        )
    if eq.rule == "R2":
        return (
            f"{fmt.where(t)}应等于（一）至（六）各项办理结果之和 {fmt_num(_number(expected))}，"
            f"现为 {fmt_num(found)}。请核对各办理结果，或点击“填充合计”重新计算。"
        )
    if eq.rule == "R3":
        return (
            f"「{fmt.row_label(t)}」行的总计应等于自然人和五类法人或其他组织之和 "
            f"{fmt_num(_number(expected))}，现为 {fmt_num(found)}。请核对本行，或点击“填充合计”重新计算。"
        )
    # R4: a group of table 四 is one sum over five cells, each of which, changed alone, breaks
    # only this sum; which one is wrong the figures cannot tell, so all five are named
    group = fmt.col_label(t).rsplit("·", 1)[0]
    cells = "、".join(
        f"{fmt.col_label(k).rsplit('·', 1)[-1]} {fmt_num(report.value(k))}" for k in (*eq.rhs, t)
    )
    return (
        f"{fmt.where(t)}应等于结果维持、结果纠正、其他结果、尚未审结之和 {fmt_num(_number(expected))}，"
        f"现为 {fmt_num(found)}。疑似「{group}」一组至少有一格填错：这五格（{cells}）中任何一格"
        f"填错都会这样，表内的算式分不出是哪一格。请对照原始记录逐一核对这五格；"
        f"若四项无误，总计应为 {fmt_num(_number(expected))}（可点击“填充合计”重新计算）。"
    )


def _disagreement(report: Report, link: _Link) -> str:
    """What one broken link says, in the words of its table."""
    fmt = report.format
    t = link.eq.target
    lhs, rhs = fmt_num(_number(link.lhs)), fmt_num(_number(link.rhs))
    by = f"{'多' if link.residual > 0 else '少'} {fmt_num(_number(abs(link.residual)))}"
    if link.eq.rule == "R1":
        return (
            f"「{fmt.col_label(t)}」列第三项（七）总计加第四项之和（{lhs}）"
            f"比第一项加第二项之和（{rhs}）{by}"
        )
    if link.eq.rule == "R2":
        return f"「{fmt.col_label(t)}」列的（七）总计（{lhs}）比各项办理结果之和（{rhs}）{by}"
    if link.eq.rule == "R3":
        return f"「{fmt.row_label(t)}」行的总计（{lhs}）比各列之和（{rhs}）{by}"
    return f"{fmt.where(t)}（{lhs}）比各项之和（{rhs}）{by}"


def suspect_rule(equations: list[Equation], key: Key) -> str:
    """The rule a named cell is reported under: the sum it is the total of (R2, R3, R4 before
    the balance R1), else the first rule among the sums it is part of."""
    own = sorted((eq.rule for eq in equations if eq.target == key), key=lambda r: r == "R1")
    return own[0] if own else min((eq.rule for eq in equations), key=lambda r: int(r[1:]))


def _suspect_finding(report: Report, key: Key, mine: list[_Link]) -> Finding:
    value = report.value(key)
    assert value is not None
    link = mine[0]
    change = link.residual / link.coefs[key]
    expected = _number(value - change)
    rule = suspect_rule([m.eq for m in mine], key)
    said = "；".join(_disagreement(report, m) for m in mine)
    message = (
        f"疑似本格填错：{report.format.where(key)}现为 {fmt_num(value)}。{said}，"
        f"只有本格同时在这 {len(mine)} 处算式中。若其他格无误，本格应为 {fmt_num(expected)}。"
        f"请核对本格；若本格无误，再核对相关合计。"
    )
    keys = tuple(dict.fromkeys(k for m in mine for k in m.coefs))
    finding = cell_finding(
        report,
        rule,
        Severity.ERROR,
        key,
        expected=expected,
        found=value,
        message=message,
        keys=keys,
    )
    return replace(finding, suspect=True)


def broken_equations(report: Report) -> list[Equation]:
    """The equations R1–R4 that do not hold (blank totals at their computed value, equations
    through an unusable cell not judged), before any cell is named as the likely one."""
    return [link.eq for link in _links(report) if link.broken]


def check(report: Report) -> Iterator[Finding]:
    links = _links(report)
    if not any(link.broken for link in links):
        return
    suspects = _suspects(links)
    explained = {id(m) for mine in suspects.values() for m in mine}
    for key, mine in suspects.items():
        yield _suspect_finding(report, key, mine)
    for link in links:
        if not link.broken or id(link) in explained:
            continue
        t = link.eq.target
        found = report.value(t)
        assert found is not None
        expected = found - link.residual / link.coefs[t]
        yield cell_finding(
            report,
            link.eq.rule,
            Severity.ERROR,
            t,
            expected=_number(expected),
            found=found,
            message=_message(report, link.eq, expected, found, link.lhs, link.rhs),
            keys=(*link.eq.lhs, *link.eq.rhs),
        )
