"""The six parts of the report: headings, their order, and the text under each; the title."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gknb.formats import SECTION_TITLES
from gknb.model import Finding, structure_finding
from gknb.reader.tokens import Kind, Tok, squash
from gknb.text import fold

NUMERALS = "一二三四五六七八九十"
TITLES = {str(i + 1): f"{num}、{title}" for i, (num, title) in enumerate(SECTION_TITLES)}
OLD_FEE = "fee"

# what a heading is about, tried in this order (folded fragments)
SUBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (OLD_FEE, ("收费及减免", "收费和减免", "收费与减免", "收费、减免", "收费减免")),
    ("4", ("行政复议", "行政诉讼")),
    ("6", ("其他需要报告", "其他需报告", "其他事项", "其他需要说明")),
    ("5", ("存在的主要问题", "主要问题", "存在问题", "问题及改进", "改进情况", "改进措施", "不足")),
    ("3", ("收到和处理", "依申请", "申请公开", "申请情况", "申请的情况")),
    ("2", ("主动公开",)),
    ("1", ("总体情况", "总体概况", "概述", "概况", "基本情况")),
)
CANONICAL = {
    fold(t)
    for t in (
        *(title for _, title in SECTION_TITLES),
        "总体概况",
        "概述",
        "依申请公开办理情况",
        "政府信息公开工作存在的主要问题及改进情况",
        "因政府信息公开申请行政复议、提起行政诉讼的情况",
        "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "政府信息公开的收费及减免情况",
    )
}
DESCRIBE = {
    OLD_FEE: "旧格式的“政府信息公开的收费及减免情况”部分",
    **{
        k: f"第{SECTION_TITLES[int(k) - 1][0]}部分“{SECTION_TITLES[int(k) - 1][1]}”"
        for k in "123456"
    },
}
_HEAD = re.compile(rf"^([{NUMERALS}]{{1,2}})\s*[、.．]\s*(.+)$")
_SPLIT = re.compile(r"[。：:]")


def subject(title: str) -> str | None:
    f = fold(title)
    for subj, words in SUBJECTS:
        if any(w in f for w in words):
            return subj
    return None


@dataclass
class Heading:
    tok: int
    num: str | None  # "1".."6" as printed, None for an unnumbered title
    subj: str | None  # what it is about: "1".."6", OLD_FEE, None
    title: str  # as printed, without the number
    rest: str = ""  # text printed on the same line after the title

    @property
    def text(self) -> str:
        number = NUMERALS[int(self.num) - 1] + "、" if self.num else ""
        return number + self.title

    @property
    def canonical(self) -> bool:
        return fold(self.title) in CANONICAL


def _numeral(text: str) -> str | None:
    if text in NUMERALS[:9]:
        return str(NUMERALS.index(text) + 1)
    return None


def heading_of(tok: Tok) -> Heading | None:
    """The tok as a part heading (一、总体情况 …), or None."""
    if tok.kind not in (Kind.LABEL, Kind.TEXT):
        return None
    s = squash(tok.text)
    m = _HEAD.match(s)
    if m:
        num = _numeral(m.group(1))
        if num is None:
            return None
        body = m.group(2).strip()
        head, rest = body, ""
        cut = _SPLIT.search(body)
        if cut:
            head, rest = body[: cut.start()], body[cut.end() :].strip()
        if not head or len(fold(head)) > 40:
            return None
        subj = subject(head)
        if rest and subj is None:
            return None  # "一、xxx。..." is a numbered sentence, not a heading
        if tok.kind is Kind.TEXT and not rest:
            return None
        return Heading(tok.index, num, subj, head, rest)
    if tok.kind is not Kind.LABEL or s.startswith(("(", "（")):
        return None
    f = tok.folded
    if f in CANONICAL or (
        "行政复议" in f and "行政诉讼" in f and f.endswith("情况") and len(f) <= 36
    ):
        return Heading(tok.index, None, subject(s), s)
    return None


def choose(heads: list[Heading]) -> list[Heading]:
    """The headings that really start parts: numbers go up; a numbered line inside a part
    (一、… within 五) is a list item, not a part."""
    kept: list[Heading] = []
    last = 0
    for i, h in enumerate(heads):
        if h.num is None:
            kept.append(h)
            continue
        n = int(h.num)
        later_same = any(x.num == h.num and x.subj is not None for x in heads[i + 1 :])
        if h.subj is None and (n != last + 1 or later_same):
            continue
        if n > last:
            kept.append(h)
            last = n
        elif n == last:
            prev = next(x for x in reversed(kept) if x.num == h.num)
            if h.canonical and not prev.canonical:
                kept[kept.index(prev)] = h
    return kept


@dataclass
class Parts:
    findings: list[Finding]
    part_of: dict[int, str]  # heading token -> text part ("1", "5", "6", "other")


def resolve(kept: list[Heading]) -> Parts:
    findings: list[Finding] = []
    for k in "123456":
        about = [h for h in kept if h.subj == k]
        numbered = [h for h in kept if h.num == k]
        present = next((h for h in about if h.num == k), None) or (about[0] if about else None)
        if present is None:
            present = next((h for h in numbered if h.subj is None), None)
        wrong = next((h for h in numbered if h.subj not in (None, k)), None)
        want = TITLES[k]
        if wrong is not None and present is not None:
            where = f"，本报告的这部分写在“{present.text}”下" if present.num != k else ""
            findings.append(
                structure_finding(
                    "正文",
                    want,
                    "",
                    f"第{NUMERALS[int(k) - 1]}部分的标题是“{wrong.text}”，这是"
                    f"{DESCRIBE[wrong.subj or k]}的标题{where}。请把标题改为“{want}”。",
                    expected=want,
                    found=wrong.text,
                )
            )
        elif wrong is not None:
            findings.append(
                structure_finding(
                    "正文",
                    want,
                    "",
                    f"缺少“{want}”部分：编为第{NUMERALS[int(k) - 1]}部分的是“{wrong.text}”，"
                    f"属于{DESCRIBE[wrong.subj or k]}。请按国家格式补上“{want}”并调整编号。",
                    expected=want,
                    found=wrong.text,
                )
            )
        elif present is None:
            findings.append(
                structure_finding(
                    "正文",
                    want,
                    "",
                    f"缺少“{want}”部分。请按国家格式补上这一部分"
                    f"{'（没有需要报告的事项也应写明“无”）' if k == '6' else ''}。",
                    expected=want,
                    found="",
                )
            )
        elif present.num not in (None, k):
            findings.append(
                structure_finding(
                    "正文",
                    want,
                    "",
                    f"缺少“{want}”：这部分内容写在了“{present.text}”下，编号不对。"
                    f"请把它编为第{NUMERALS[int(k) - 1]}部分，标题改为“{want}”。",
                    expected=want,
                    found=present.text,
                )
            )
    part_of: dict[int, str] = {}
    for h in kept:
        key = h.subj if h.subj in ("1", "5", "6") else None
        if key is None and h.subj is None and h.num in ("1", "5", "6"):
            key = h.num
        part_of[h.tok] = key or "other"
    return Parts(findings, part_of)


_TITLE = re.compile(
    r"^(.*?)(\d{4})\s*年\s*度?\s*(?:的)?\s*(.{0,30}?)(?:政府信息公开|政务公开|信息公开)"
)
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")
_CN_DIGIT = str.maketrans("〇零一二三四五六七八九", "00123456789")
_DATE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日$")
_PERIOD = re.compile(
    r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起|开始)?\s*[至到—\-~]+\s*\1\s*年\s*12\s*月\s*31\s*日"
)
_YEAR_OF = re.compile(r"(?<!\d)(20\d{2})\s*年度")
_NO_YEAR_TITLE = re.compile(
    r"^(.{2,40}?)(?:关于)?(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?报告$"
)
_COMPILED_BY = re.compile(r"由\s*([^\s，,。、由]{2,30}?)\s*(?:负责)?(?:编制|编写|起草|编印)")


def signature(toks: list[Tok]) -> str:
    """The agency named above the date at the end of the report (落款)."""
    lines = [squash(t.text).replace(" ", "") for t in toks if t.text and t.kind is Kind.LABEL]
    for n in range(len(lines) - 1, max(len(lines) - 6, 0), -1):
        if _DATE.match(lines[n]) and n > 0:
            name = lines[n - 1]
            if 2 <= len(name) <= 30 and not re.search(r"[，。：:；]", name):
                return name
            return ""
    return ""


def title(toks: list[Tok], stop: int) -> tuple[str, int | None, set[int]]:
    """Agency, year and the tokens that make up the title, from the lines before `stop`."""
    rows: dict[int, list[Tok]] = {}
    for t in toks[:stop]:
        if t.text and t.kind is not Kind.JUNK:
            rows.setdefault(t.row, []).append(t)
    lines = [(squash("".join(t.text for t in ts)), ts) for ts in rows.values()][:12]
    for n in range(len(lines) - 1):  # a title the page wrapped: "…工作年度报" / "告"
        (a, ta), (b, tb) = lines[n], lines[n + 1]
        wrapped = "报告" not in a and len(b) <= 12 and "报告" in (a + b).replace(" ", "")
        if wrapped and _TITLE.match(a.lstrip("#").replace(" ", "")):
            lines[n : n + 2] = [(a + b, ta + tb)]
            break
    for n, (s, ts) in enumerate(lines):
        flat = _CN_YEAR.sub(
            lambda y: y.group(0).translate(_CN_DIGIT), s.lstrip("#").replace(" ", "")
        )
        m = _TITLE.match(flat)
        if not m or "报告" not in s:
            continue
        year = int(m.group(2))
        agency = (m.group(1).strip() or m.group(3).strip()).removesuffix("关于")
        used = {t.index for t in ts}
        if not agency and n > 0:
            p, prev = lines[n - 1]
            if p and len(p) <= 40 and "。" not in p and not p.endswith(("：", ":")):
                agency = p.replace(" ", "")
                used |= {t.index for t in prev}
        return agency or signature(toks), year, used
    # no title line with a year: the agency from a title without one, "由…编制" or the
    # signature; the year from the statistics period, else from "2024年度" in the first lines
    agency, used = "", set()
    for s, ts in lines:
        m = _NO_YEAR_TITLE.match(s.lstrip("#").replace(" ", ""))
        if m:
            agency, used = m.group(1).removesuffix("的"), {t.index for t in ts}
            break
    if not agency:
        for t in toks[:stop]:
            m = _COMPILED_BY.search(t.text)
            if m:
                agency = m.group(1)
                break
    period: int | None = None
    for t in toks:
        m = _PERIOD.search(t.text)
        if m:
            period = int(m.group(1))
            break
    if period is None:
        for s, _ in lines:
            m = _YEAR_OF.search(s)
            if m:
                period = int(m.group(1))
                break
    return agency or signature(toks), period, used
