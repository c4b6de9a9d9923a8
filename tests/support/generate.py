"""Realistic folders of reports for the review benchmark and tests, with known mistakes.

`generate(folder, n)` writes n reports — workbooks of both formats made from the template, and
(when the report reader is installed) published reports as text in the layout of the seeds — for
made-up agencies, some of them with two consecutive years. A share of them gets one single-cell
mistake; the manifest records, for each file, every finding the mistake must cause (rule, cell
or table/row/column). `score` compares a review's findings against it: recall must be 100% and
no error may appear that no mistake explains.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gknb.formats import FORMATS, TABLE_TITLES, Format, Key, format_for_year
from gknb.model import Severity
from gknb.synth import consistent_values, report_from_values
from gknb.totals import compute_totals

MANIFEST = ".manifest.json"  # hidden: a review of the folder skips it

CITIES = (
    "赣州市", "南昌市", "郑州市", "阜新市", "重庆市万州区", "济南市市中区", "成都市武侯区",
    "杭州市西湖区", "苏州市", "洛阳市", "宜春市", "九江市", "开封市", "大连市", "沈阳市和平区",
    "广州市天河区", "长沙市", "岳阳市", "襄阳市", "绵阳市", "遵义市", "曲靖市", "泉州市", "温州市",
)  # fmt: skip
BODIES = (
    "生态环境局", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
    "自然资源和规划局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
    "文化广电旅游局", "卫生健康委员会", "应急管理局", "审计局", "市场监督管理局", "统计局",
    "医疗保障局", "人民政府办公室", "发展和改革委员会", "退役军人事务局", "林业局",
)  # fmt: skip

TEXT_1 = (
    "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、"
    "不公开为例外，持续加强政府信息公开工作。"
)
TEXT_5 = "存在的主要问题：信息公开的及时性有待提高。改进措施：进一步完善信息发布审核机制。"
TEXT_6 = "本机关依据《政府信息公开信息处理费管理办法》收取信息处理费的情况已在上表中如实填报。"


@dataclass(frozen=True)
class Expect:
    """A finding a mistake must cause."""

    rule: str
    severity: str  # error / warning / hint
    cell: str | None  # "sheet!A1" (workbooks)
    table: str
    row: str
    column: str


@dataclass
class Made:
    name: str  # file name inside the folder
    kind: str  # workbook / report
    agency: str
    year: int
    version: str
    mistake: str = ""  # what was changed (empty: a consistent report)
    expect: list[Expect] = field(default_factory=list)


# ---- the figures ---------------------------------------------------------------------------


def _settle_totals(version: str, values: dict[Key, Any]) -> None:
    report = report_from_values(version, values)
    for change in compute_totals(report):
        assert change.new is not None
        values[change.key] = change.new


def follow_on(fmt: Format, earlier: Mapping[Key, Any], rng: random.Random) -> dict[Key, Any]:
    """Consistent figures for the year after `earlier`: 上年结转 = last year's 结转下年度, and
    (2021) 现行有效 = last year's + 本年制发 − 本年废止."""
    values = consistent_values(fmt, rng)
    t3 = fmt.block("T3")
    for col in (c.id for c in t3.cols if c.id != "total"):
        carry_in = earlier[("T3", "carry_out", col)]
        handled = values[("T3", "r7_total", col)]
        carry_out = values[("T3", "carry_out", col)]
        new = handled + carry_out - carry_in
        if new < 0:
            carry_out -= new
            new = 0
        values[("T3", "carry_in", col)] = carry_in
        values[("T3", "carry_out", col)] = carry_out
        values[("T3", "new", col)] = new
    if fmt.version == "2021" and ("T2_1", "regulation", "in_force") in earlier:
        for row in ("regulation", "normative"):
            before = earlier[("T2_1", row, "in_force")]
            issued = values[("T2_1", row, "issued")]
            repealed = min(values[("T2_1", row, "repealed")], before + issued)
            values[("T2_1", row, "repealed")] = repealed
            values[("T2_1", row, "in_force")] = before + issued - repealed
    _settle_totals(fmt.version, values)
    return values


# ---- mistakes ------------------------------------------------------------------------------


def _expect(fmt: Format, kind: str, rule: str, severity: str, key: Key) -> Expect:
    col_label, row_label = Format.col_label, Format.row_label
    from gknb.workbook.contract import template_locations

    cell = template_locations(fmt)[key] if kind == "workbook" else None
    table = TABLE_TITLES[fmt.block(key[0]).table]
    return Expect(rule, severity, cell, table, row_label(fmt, key), col_label(fmt, key))


def _broken_equations(fmt: Format, kind: str, key: Key) -> list[Expect]:
    """What one changed number must cause. In table 三 every cell is the only one shared by
    the sums it belongs to (its row's and its column's), so the one finding names the cell
    itself (疑似), under the rule of the sum the cell is the total of (R1, the balance, last),
    else the first rule.
    A table 四 group is one sum of five cells: any of them could be the wrong one, and the
    finding stays on the group's total."""
    mine = [eq for eq in fmt.equations() if key in eq.lhs or key in eq.rhs]
    if key[0] == "T4" and mine[0].target != key:
        return [_expect(fmt, kind, eq.rule, "error", eq.target) for eq in mine]
    own = [eq.rule for eq in mine if eq.target == key and eq.rule != "R1"]
    rule = own[0] if own else min((eq.rule for eq in mine), key=lambda r: int(r[1:]))
    return [_expect(fmt, kind, rule, "error", key)]


def inject(
    fmt: Format,
    values: dict[Key, Any],
    kind: str,
    rng: random.Random,
    prior: Mapping[Key, Any] | None,
    year: int,
) -> tuple[str, list[Expect], int]:
    """Change one cell (or the year); returns what was done, what it must cause, and the year."""
    choices = ["arith", "arith", "arith", "total", "R5", "R5b", "R5a", "sanity", "R13"]
    if prior is not None:
        has_in_force = ("T2_1", "regulation", "in_force") in prior
        choices += ["R6", "R6"] + (["R8"] if fmt.version == "2021" and has_in_force else [])
        choices.remove("R13")  # the year pairs the two reports
    what = rng.choice(choices)
    inputs = [k for k in fmt.input_keys() if k[0] in ("T3", "T4")]
    if what == "arith":
        key = rng.choice(inputs)
        delta = rng.randint(1, 9)
        values[key] = values[key] + delta
        return f"{key} +{delta}", _broken_equations(fmt, kind, key), year
    if what == "total":
        key = rng.choice(fmt.total_keys())
        delta = rng.choice((-1, 1)) * rng.randint(1, 5)
        if values[key] + delta < 0:
            delta = -delta
        values[key] = values[key] + delta
        return f"{key} {delta:+d}", _broken_equations(fmt, kind, key), year
    if what == "R5":
        key = rng.choice(inputs)
        # in published text a word on a line of its own reads as a row label: use numbers there
        words = ("abc", "若干", "见附件", "1.5") if kind == "workbook" else ("1.5", "2.5")
        values[key] = rng.choice(words)
        return f"{key} = {values[key]!r}", [_expect(fmt, kind, "R5", "error", key)], year
    if what == "R5b":
        key = rng.choice(inputs)
        values[key] = f"{values[key]}件"
        return f"{key} = {values[key]!r}", [_expect(fmt, kind, "R5b", "warning", key)], year
    if what == "R5a":
        zeros = [k for k in inputs if values[k] == 0]
        key = rng.choice(zeros or inputs)
        if values[key] != 0:
            return inject(fmt, values, kind, rng, prior, year)
        values[key] = rng.choice((None, "/", "—", "无")) if kind == "workbook" else "/"
        return f"{key} blank", [_expect(fmt, kind, "R5a", "warning", key)], year
    if what == "sanity":
        if fmt.version == "2021":
            key = ("T2_8", "fee", "amount")
            values[key] = rng.choice((28000, 15000.5, 123456))
            return f"{key} = {values[key]}", [_expect(fmt, kind, "R11", "warning", key)], year
        row = rng.choice(("regulation", "normative"))
        key = ("T2_1", row, "published")
        values[key] = values[("T2_1", row, "total_public")] + rng.randint(1, 20)
        return f"{key} > total", [_expect(fmt, kind, "R9", "warning", key)], year
    if what == "R13":
        wrong = 2020 if fmt.version == "2021" else 2022
        cell = "封面!C4" if kind == "workbook" else None
        return (
            f"year {year} -> {wrong}",
            [Expect("R13", "error", cell, "格式", "格式版本", "")],
            wrong,
        )
    if what == "R6":
        col = rng.choice(fmt.applicants)
        key = ("T3", "carry_in", col)
        delta = rng.randint(1, 4)
        values[key] = values[key] + delta
        return (
            f"{key} +{delta} (last year {prior and prior.get(('T3', 'carry_out', col))})",
            [_expect(fmt, kind, "R6", "warning", key), *_broken_equations(fmt, kind, key)],
            year,
        )
    # R8: more repealed than last year's in force plus issued (R7 follows)
    assert prior is not None
    row = rng.choice(("regulation", "normative"))
    key = ("T2_1", row, "repealed")
    before = prior[("T2_1", row, "in_force")]
    values[key] = before + values[("T2_1", row, "issued")] + rng.randint(1, 5)
    return (
        f"{key} = {values[key]}",
        [
            _expect(fmt, kind, "R8", "warning", key),
            _expect(fmt, kind, "R7", "hint", ("T2_1", row, "in_force")),
        ],
        year,
    )


# ---- files ---------------------------------------------------------------------------------


def write_workbook(
    path: Path, version: str, agency: str, year: int, values: Mapping[Key, Any]
) -> None:
    from gknb.workbook.contract import META
    from gknb.workbook.template import build_workbook, write_values

    fmt = FORMATS[version]
    wb = build_workbook(version, agency=agency, year=year)
    write_values(wb, fmt, {key: values.get(key) for key in fmt.keys()})
    for name, text in (("GK_TEXT_1", TEXT_1), ("GK_TEXT_5", TEXT_5), ("GK_TEXT_6", TEXT_6)):
        sheet, row, col, _ = META[name]
        wb[sheet].cell(row, col).value = text
    wb.save(path)


def report_text(version: str, agency: str, year: int, values: Mapping[Key, Any]) -> str:
    """A published report as text, tables one cell per line and rows apart (like the seeds)."""
    from gknb.formats import SECTION_TITLES
    from gknb.layout import TABLES, grid

    fmt = FORMATS[version]
    lines = [agency, f"{year}年政府信息公开工作年度报告", ""]
    texts = {"一": TEXT_1, "五": TEXT_5, "六": TEXT_6}
    tables = dict(zip(("二", "三", "四"), TABLES, strict=True))
    for num, title in SECTION_TITLES:
        lines.append(f"{num}、{title}")
        if num in texts:
            lines += [texts[num], ""]
            continue
        g = grid(fmt, tables[num])
        for r in range(g.n_rows):
            row = sorted((c for c in g.cells if c.row == r), key=lambda c: c.col)
            for c in row:
                value = values.get(c.key) if c.key is not None else c.text
                lines.append("\t" + ("" if value is None else str(value)))
            lines.append("")
    return "\n".join(lines) + "\n"


def reader_available() -> bool:
    try:
        from gknb.reader import read_report  # noqa: F401
    except ImportError:
        return False
    return True


def _variant(name: str, rng: random.Random, as_report: bool) -> str:
    """Another way a clerk writes the same agency (folded together by agency_key). Spaces only
    in workbooks: in a published title they are layout, and the reader splits on them."""
    options = [
        lambda s: s.replace("人民政府", "政府"),
        lambda s: s[:-3] + "委" if s.endswith("委员会") else s,
    ]
    if not as_report:
        options += [lambda s: s[:3] + " " + s[3:], lambda s: s[:3] + "\u3000" + s[3:]]
    return rng.choice(options)(name)


def plan(n: int, seed: int = 0, pair_rate: float = 0.2) -> list[tuple[str, int, str | None]]:
    """(agency, year, earlier agency spelling or None) for n reports; some agencies twice."""
    rng = random.Random(seed)
    names = [f"{c}{b}" for c in CITIES for b in BODIES]
    rng.shuffle(names)
    out: list[tuple[str, int, str | None]] = []
    i = 0
    while len(out) < n:
        name = names[i % len(names)] + ("" if i < len(names) else f"第{i // len(names)}分局")
        i += 1
        year = rng.choice((2020, 2021, 2024, 2024, 2024, 2025))
        if rng.random() < pair_rate and len(out) + 2 <= n:
            out.append((name, year - 1, None))
            out.append((name, year, name))
        else:
            out.append((name, year, None))
    return out


def _write(
    folder: Path,
    index: int,
    agency: str,
    year: int,
    fmt: Format,
    values: dict[Key, Any],
    rng: random.Random,
    inject_rate: float,
    as_report: bool,
    prior: Mapping[Key, Any] | None,
) -> Made:
    kind = "report" if as_report else "workbook"
    made = Made("", kind, agency, year, fmt.version)
    if rng.random() < inject_rate:
        made.mistake, made.expect, year = inject(fmt, values, kind, rng, prior, year)
    stem = f"{index:05d}_{agency.strip()}"
    if as_report:
        made.name = f"{stem}.txt"
        (folder / made.name).write_text(report_text(fmt.version, agency, year, values), "utf-8")
    else:
        made.name = f"{stem}.xlsx"
        write_workbook(folder / made.name, fmt.version, agency, year, values)
    return made


def _make_group(args: tuple[Any, ...]) -> list[Made]:
    """One agency: one report, or two consecutive years (the earlier one stays consistent)."""
    folder, items, seed, inject_rate, report_rate = args
    folder = Path(folder)
    rng = random.Random(seed)
    made: list[Made] = []
    earlier: dict[Key, Any] | None = None
    for index, agency, year in items:
        fmt = format_for_year(year)
        as_report = rng.random() < report_rate
        if earlier is None:
            values = consistent_values(fmt, rng)
            rate = inject_rate if len(items) == 1 else 0.0
            prior = None
        else:
            values = follow_on(fmt, earlier, rng)
            rate, prior = inject_rate, earlier
            if rng.random() < 0.5:
                agency = _variant(agency, rng, as_report)
        kept = dict(values)
        made.append(_write(folder, index, agency, year, fmt, values, rng, rate, as_report, prior))
        earlier = kept
    return made


def generate(
    folder: Path,
    n: int,
    seed: int = 0,
    *,
    inject_rate: float = 0.3,
    pair_rate: float = 0.2,
    report_rate: float = 0.0,
    jobs: int = 1,
) -> list[Made]:
    """Write n reports into `folder` (and the manifest); returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    if report_rate and not reader_available():
        report_rate = 0.0
    groups: list[list[tuple[int, str, int]]] = []
    for i, (agency, year, earlier) in enumerate(plan(n, seed, pair_rate)):
        if earlier is not None:
            groups[-1].append((i, agency, year))
        else:
            groups.append([(i, agency, year)])
    tasks = [
        (str(folder), items, seed * 1_000_003 + g, inject_rate, report_rate)
        for g, items in enumerate(groups)
    ]
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            made = [m for ms in pool.map(_make_group, tasks, chunksize=8) for m in ms]
    else:
        made = [m for t in tasks for m in _make_group(t)]
    write_manifest(folder, made)
    return made


def write_manifest(folder: Path, made: Sequence[Made]) -> None:
    data = [asdict(m) for m in made]
    (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=0), "utf-8")


def load_manifest(folder: Path) -> list[Made]:
    data = json.loads((folder / MANIFEST).read_text("utf-8"))
    return [Made(**{**d, "expect": [Expect(**e) for e in d["expect"]]}) for d in data]


# ---- scoring -------------------------------------------------------------------------------


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    false_errors: int = 0
    files_with_mistakes: int = 0
    consistent_files: int = 0
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def _matches(e: Expect, f: Mapping[str, Any], kind: str) -> bool:
    if f["rule"] != e.rule:
        return False
    if kind == "workbook" and e.cell is not None:
        return f.get("cell") == e.cell
    return (f["table"], f["row"], f["column"]) == (e.table, e.row, e.column)


def score(
    made: Iterable[Made], findings: Mapping[str, Sequence[Mapping[str, Any]] | None]
) -> Score:
    """findings: file name -> the review's findings (Finding.as_json), None if unreadable."""
    s = Score()
    for m in made:
        got = findings.get(m.name)
        if m.expect:
            s.files_with_mistakes += 1
        else:
            s.consistent_files += 1
        s.expected += len(m.expect)
        if got is None:
            s.unreadable.append(m.name)
            s.missed += [f"{m.name}: {e.rule} {e.cell or e.row}" for e in m.expect]
            continue
        for e in m.expect:
            if any(_matches(e, f, m.kind) for f in got):
                s.found += 1
            else:
                s.missed.append(f"{m.name}: {e.rule} {e.cell or (e.row, e.column)} ({m.mistake})")
        for f in got:
            if f["severity"] != Severity.ERROR.value:
                continue
            if not any(e.severity == Severity.ERROR and _matches(e, f, m.kind) for e in m.expect):
                s.false_errors += 1
                s.false.append(f"{m.name}: {f['rule']} {f.get('cell') or f['row']} {f['message']}")
    return s
