"""Declarative description of a national report format.

Everything else (workbook layout, reader, rules, Word tables, importer) is driven from these
declarations, so a new national format is one new module next to this one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

Key = tuple[str, str, str]
"""A number cell: (block id, row id, column id)."""


class Kind(StrEnum):
    COUNT = "count"  # whole number >= 0
    AMOUNT = "amount"  # decimal >= 0
    SIGNED = "signed"  # whole number, may be negative (2019 本年增/减)


@dataclass(frozen=True)
class Line:
    """A row or a column of a block."""

    id: str
    label: str
    group: str = ""  # heading that spans several lines (e.g. （三）不予公开, 未经复议直接起诉)
    section: str = ""  # outer heading (e.g. 三、本年度办理结果, 行政诉讼)
    keys: tuple[str, ...] = ()  # folded fragments that identify the line in published text

    @property
    def match_keys(self) -> tuple[str, ...]:
        from gknb.text import fold

        return self.keys or (fold(self.label),)


@dataclass(frozen=True)
class Block:
    """A rectangle of number cells with its row and column labels."""

    id: str  # defined-name suffix: T2_1 … T3, T4
    table: str  # T2 / T3 / T4
    title: str  # sub-block title row (table 二) or ""
    header: str  # first header cell (信息内容) or ""
    rows: tuple[Line, ...]
    cols: tuple[Line, ...]
    kinds: dict[str, Kind] = field(default_factory=dict)  # column id -> kind (default COUNT)
    spanning_header: bool = False  # one header value spans the grid (2021 二(五)(六)(八))
    total_rows: tuple[str, ...] = ()
    total_cols: tuple[str, ...] = ()

    def kind(self, col: str) -> Kind:
        return self.kinds.get(col, Kind.COUNT)

    def row(self, row_id: str) -> Line:
        return next(r for r in self.rows if r.id == row_id)

    def col(self, col_id: str) -> Line:
        return next(c for c in self.cols if c.id == col_id)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def keys(self) -> Iterator[Key]:
        for r in self.rows:
            for c in self.cols:
                yield (self.id, r.id, c.id)

    def is_total(self, key: Key) -> bool:
        return key[1] in self.total_rows or key[2] in self.total_cols


@dataclass(frozen=True)
class InForce:
    """Table 二(一) counts that carry over from year to year (现行有效 = 上年 + 制发 − 废止):
    the block, its rows, and its three columns. A format that declares it gets R7 and R8."""

    block: str
    rows: tuple[str, ...]
    issued: str
    repealed: str
    in_force: str

    def key(self, row: str, col: str) -> Key:
        return (self.block, row, col)


@dataclass(frozen=True)
class Within:
    """Table 二(一) counts where one column is part of another (本年新公开 within 对外公开总数):
    the block, its rows, and the two columns. A format that declares it gets R9."""

    block: str
    rows: tuple[str, ...]
    part: str
    whole: str

    def key(self, row: str, col: str) -> Key:
        return (self.block, row, col)


@dataclass(frozen=True)
class Equation:
    """``sum(lhs) == sum(rhs)``; the finding is reported on ``target`` (a member of lhs)."""

    rule: str
    lhs: tuple[Key, ...]
    rhs: tuple[Key, ...]
    target: Key


TABLE_TITLES = {
    "T2": "二、主动公开政府信息情况",
    "T3": "三、收到和处理政府信息公开申请情况",
    "T4": "四、政府信息公开行政复议、行政诉讼情况",
}

SECTION_TITLES = (
    ("一", "总体情况"),
    ("二", "主动公开政府信息情况"),
    ("三", "收到和处理政府信息公开申请情况"),
    ("四", "政府信息公开行政复议、行政诉讼情况"),
    ("五", "存在的主要问题及改进情况"),
    ("六", "其他需要报告的事项"),
)


T3_NEW, T3_CARRY_IN, T3_GRAND, T3_CARRY_OUT = "new", "carry_in", "r7_total", "carry_out"
# a result's short name: its heading without the item number or a remark in brackets
_RESULT_NAME = re.compile(r"^（[一二三四五六七八九十]+）|（[^）]*）$")
T3_TOTAL = "total"  # table 三's 总计 column
T4_PARTS = ("rv", "ld", "la")  # 行政复议, 未经复议直接起诉, 复议后起诉
T4_TOTAL = "total"  # the 总计 of each part of table 四


@dataclass(frozen=True, eq=False)
class Format:
    version: str  # "2019" / "2021"
    document: str  # the notice that issued it
    years: str  # human description of the years it is used for
    blocks: tuple[Block, ...]
    sample_year: int  # a report year in this format (demos, generated reports)
    # how this format lays out the table 三 rows other formats lay out differently (its own
    # rows, see formats.across.own_rows), said when a published report mixes two formats
    own_rows_layout: str
    # named parts that some rules check (the rule catalogue names the part each rule needs);
    # None where the format has no such part, and then it has no such rule
    published_within: Within | None = None  # 二(一) 新公开 within 对外公开总数: R9
    in_force: InForce | None = None  # R7, R8, and last year's figures kept for them
    fee_in_wan: Key | None = None  # a fee amount in 万元: R11
    unpaid_fee: Key | None = None  # 表三 requests dropped for unpaid fees: R12
    _formulas: dict[Key, tuple[Key, ...]] = field(default_factory=dict, repr=False)

    @property
    def applicants(self) -> tuple[str, ...]:
        """Table 三's applicant columns (自然人 and the five kinds of organisation)."""
        return tuple(c.id for c in self.block("T3").cols if c.id != T3_TOTAL)

    @property
    def results(self) -> tuple[str, ...]:
        """Table 三's result rows (一) to (六) that （七）总计 adds up."""
        return tuple(r.id for r in self.block("T3").rows if r.section and r.id != T3_GRAND)

    @property
    def organisations(self) -> tuple[Line, ...]:
        """Table 三's five kinds of organisation (the applicant columns grouped as 法人或其他组织)."""
        return tuple(c for c in self.block("T3").cols if c.group)

    def result_groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Table 三's results (一) to (六) by their short names, each with the rows it adds up:
        ("予以公开", ("r1_open",)), ("不予公开", ("r3_1", … "r3_8")), …"""
        groups: dict[str, list[str]] = {}
        for row_id in self.results:
            line = self.block("T3").row(row_id)
            heading = line.group or line.label
            groups.setdefault(_RESULT_NAME.sub("", heading), []).append(row_id)
        return tuple((name, tuple(rows)) for name, rows in groups.items())

    def t4_results(self) -> tuple[tuple[str, str], ...]:
        """Table 四's results by id and printed name: ("uphold", "结果维持"), …"""
        cols = {c.id: c.label for c in self.block("T4").cols}
        return tuple((x, cols[self.t4(T4_PARTS[0], x)[2]]) for x in T4_RESULTS)

    @staticmethod
    def t3(row: str, col: str) -> Key:
        return ("T3", row, col)

    @staticmethod
    def t4(part: str, result: str) -> Key:
        """Table 四's cell for a part (rv/ld/la) and a result (uphold … pending, or total)."""
        return ("T4", "all", f"{part}_{result}")

    def in_force_labels(self) -> dict[str, str]:
        """The carried-over rows of table 二 by id, as printed (规章, 行政规范性文件); empty for a
        format without them."""
        if self.in_force is None:
            return {}
        block = self.block(self.in_force.block)
        return {row: block.row(row).label for row in self.in_force.rows}

    def table_title(self, block_id: str) -> str:
        """The title of the table a block belongs to: 三、收到和处理政府信息公开申请情况."""
        return TABLE_TITLES[self.block(block_id).table]

    def row_label(self, key: Key) -> str:
        """A cell's row as findings name it: the block title or row group, then the row."""
        block = self.block(key[0])
        row = block.row(key[1])
        if block.title:
            return f"{block.title} {row.label}"
        if row.group:
            return f"{row.group} {row.label}"
        return row.label

    def col_label(self, key: Key) -> str:
        """A cell's column as findings name it: 行政诉讼·未经复议直接起诉·结果维持."""
        col = self.block(key[0]).col(key[2])
        parts = [p for p in (col.section, col.group) if p]
        if parts and parts[-1] == col.label:
            parts.pop()
        return "·".join([*dict.fromkeys(parts), col.label])

    def where(self, key: Key) -> str:
        """Human name of a cell: 「（七）总计」行「自然人」列."""
        row, col = self.row_label(key), self.col_label(key)
        return f"「{row}」行「{col}」列" if row else f"「{col}」"

    def block(self, block_id: str) -> Block:
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise KeyError(block_id)

    def has_block(self, block_id: str) -> bool:
        return any(b.id == block_id for b in self.blocks)

    def table_blocks(self, table: str) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.table == table)

    def keys(self) -> Iterator[Key]:
        for b in self.blocks:
            yield from b.keys()

    def kind(self, key: Key) -> Kind:
        return self.block(key[0]).kind(key[2])

    def is_total(self, key: Key) -> bool:
        return self.block(key[0]).is_total(key)

    def input_keys(self) -> list[Key]:
        return [k for k in self.keys() if not self.is_total(k)]

    def total_keys(self) -> list[Key]:
        return [k for k in self.keys() if self.is_total(k)]

    def equations(self) -> list[Equation]:
        """The arithmetic links R1–R4, derived from the declared structure."""
        eqs: list[Equation] = []
        t3, key = self.block("T3"), self.t3
        for c in t3.cols:  # R1 then R2, column by column
            eqs.append(
                Equation(
                    "R1",
                    lhs=(key(T3_CARRY_OUT, c.id), key(T3_GRAND, c.id)),
                    rhs=(key(T3_NEW, c.id), key(T3_CARRY_IN, c.id)),
                    target=key(T3_CARRY_OUT, c.id),
                )
            )
        for c in t3.cols:
            eqs.append(
                Equation(
                    "R2",
                    lhs=(key(T3_GRAND, c.id),),
                    rhs=tuple(key(r, c.id) for r in self.results),
                    target=key(T3_GRAND, c.id),
                )
            )
        for r in t3.rows:
            eqs.append(
                Equation(
                    "R3",
                    lhs=(key(r.id, T3_TOTAL),),
                    rhs=tuple(key(r.id, a) for a in self.applicants),
                    target=key(r.id, T3_TOTAL),
                )
            )
        for part in T4_PARTS:
            eqs.append(
                Equation(
                    "R4",
                    lhs=(self.t4(part, T4_TOTAL),),
                    rhs=tuple(self.t4(part, x) for x in T4_RESULTS),
                    target=self.t4(part, T4_TOTAL),
                )
            )
        return eqs

    def total_formulas(self) -> dict[Key, tuple[Key, ...]]:
        """Every total cell and the input cells it adds up (used by 填充合计), derived from the
        equations whose one left-hand cell is a total: a total among the addends is replaced by
        its own addends, so every total is a sum of input cells only."""
        if self._formulas:
            return self._formulas
        direct: dict[Key, tuple[Key, ...]] = {}
        for eq in self.equations():
            if eq.lhs == (eq.target,) and self.is_total(eq.target):
                direct.setdefault(eq.target, eq.rhs)

        def inputs(key: Key) -> tuple[Key, ...]:
            if key not in direct:
                return (key,)
            return tuple(k for addend in direct[key] for k in inputs(addend))

        self._formulas.update({key: inputs(key) for key in direct})
        return self._formulas


T4_RESULTS = ("uphold", "correct", "other", "pending")


def t3_columns() -> tuple[Line, ...]:
    org = "法人或其他组织"
    return (
        Line("natural", "自然人"),
        Line("commercial", "商业企业", group=org),
        Line("research", "科研机构", group=org),
        Line("public_interest", "社会公益组织", group=org),
        Line("legal_service", "法律服务机构", group=org),
        Line("other", "其他", group=org),
        Line("total", "总计"),
    )


def t3_rows(other_handling: tuple[Line, ...]) -> tuple[Line, ...]:
    res = "三、本年度办理结果"
    g3, g4, g5 = "（三）不予公开", "（四）无法提供", "（五）不予处理"
    return (
        Line("new", "一、本年新收政府信息公开申请数量", keys=("本年新收",)),
        Line("carry_in", "二、上年结转政府信息公开申请数量", keys=("上年结转",)),
        Line("r1_open", "（一）予以公开", section=res, keys=("予以公开",)),
        Line(
            "r2_partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            section=res,
            keys=("部分公开",),
        ),
        Line("r3_1", "1.属于国家秘密", g3, res, ("国家秘密",)),
        Line("r3_2", "2.其他法律行政法规禁止公开", g3, res, ("法规禁止公开", "禁止公开")),
        Line("r3_3", "3.危及“三安全一稳定”", g3, res, ("三安全一稳定", "危及")),
        Line("r3_4", "4.保护第三方合法权益", g3, res, ("第三方合法权益", "第三方")),
        Line("r3_5", "5.属于三类内部事务信息", g3, res, ("内部事务",)),
        Line("r3_6", "6.属于四类过程性信息", g3, res, ("过程性信息", "过程性")),
        Line("r3_7", "7.属于行政执法案卷", g3, res, ("执法案卷",)),
        Line("r3_8", "8.属于行政查询事项", g3, res, ("行政查询",)),
        Line("r4_1", "1.本机关不掌握相关政府信息", g4, res, ("不掌握",)),
        Line("r4_2", "2.没有现成信息需要另行制作", g4, res, ("没有现成信息", "另行制作")),
        Line("r4_3", "3.补正后申请内容仍不明确", g4, res, ("补正后", "仍不明确")),
        Line("r5_1", "1.信访举报投诉类申请", g5, res, ("信访举报投诉", "信访")),
        Line("r5_2", "2.重复申请", g5, res, ("重复申请",)),
        Line("r5_3", "3.要求提供公开出版物", g5, res, ("公开出版物", "出版物")),
        Line("r5_4", "4.无正当理由大量反复申请", g5, res, ("大量反复",)),
        Line(
            "r5_5",
            "5.要求行政机关确认或重新出具已获取信息",
            g5,
            res,
            ("确认或重新出具", "重新出具"),
        ),
        *other_handling,
        Line("r7_total", "（七）总计", section=res, keys=("总计",)),
        Line("carry_out", "四、结转下年度继续办理", keys=("结转下年度",)),
    )


def t4_block() -> Block:
    parts = (
        ("rv", "行政复议", "行政复议"),
        ("ld", "未经复议直接起诉", "行政诉讼"),
        ("la", "复议后起诉", "行政诉讼"),
    )
    labels = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    cols = []
    for prefix, group, section in parts:
        for suffix, label in zip((*T4_RESULTS, T4_TOTAL), labels, strict=True):
            g = "" if prefix == "rv" else group
            cols.append(Line(f"{prefix}_{suffix}", label, group=g, section=section))
    return Block(
        id="T4",
        table="T4",
        title="",
        header="",
        rows=(Line("all", ""),),
        cols=tuple(cols),
        total_cols=tuple(f"{prefix}_{T4_TOTAL}" for prefix, _, _ in parts),
    )
