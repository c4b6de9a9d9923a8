"""Which reports in a folder belong to the same agency, and which one is last year's.

Agency names are typed by hand (workbooks) or taken from a title (published reports), so the same
agency appears as “赣州市生态环境局”, “赣州市 生态环境局”, “赣州市生态环境局（赣州市环境保护局）” or
“2024年度赣州市人民政府办公室” next to “赣州市政府办公室”. `agency_key` folds only what cannot turn
two different agencies into one:

- Unicode NFKC (full-width letters, digits and brackets become half-width), every kind of white
  space and invisible character removed, bracket styles （）【】〔〕［］ unified to ();
- quotes and the middle dot dropped (they are typography, not part of the name);
- a leading report year (“2024年”, “2024年度”) and a trailing report title
  (“政府信息公开工作年度报告” and its shorter forms) removed: the reader may take them from a title;
- “人民政府” written as “政府” (“XX市政府办公室” is the usual short form of “XX市人民政府办公室”);
- a trailing “委员会” written as “委” (“XX市卫生健康委” is the official short form).

Deliberately *not* folded, because different agencies differ only there:
局/分局 (市中区生态环境分局 is not 市中区生态环境局), 厅/局, 办公室/办/办事处 (“街道办” is a 办事处),
中共/中国共产党, 和 (发展和改革 vs 发展改革), and the place-name prefix (every county has a
生态环境局). Two names that stay different after folding are different agencies: a missed pair only
means the cross-year rules do not run for it; a false pair would raise false warnings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff\u00ad]+")
_BRACKETS = str.maketrans(
    {"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")",
     "[": "(", "]": ")", "〖": "(", "〗": ")"}
)  # fmt: skip
_DROP = re.compile(r"[\"'“”‘’「」『』《》·•・]")
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年度?")
_TRAILING_TITLE = re.compile(
    r"(?:政府信息公开(?:工作)?(?:年度报告|年报)|信息公开(?:工作)?年度报告|(?:工作)?年度报告)$"
)
_TRAILING_YEAR = re.compile(r"(?:19|20)\d{2}年度?$")


def agency_key(name: str | None) -> str:
    """The folded form two spellings of the same agency share ("" when there is no name)."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _INVISIBLE.sub("", text).translate(_BRACKETS)
    text = _DROP.sub("", text)
    text = _LEADING_YEAR.sub("", text)
    text = _TRAILING_TITLE.sub("", text)
    text = _TRAILING_YEAR.sub("", text)
    text = text.replace("人民政府", "政府")
    if text.endswith("委员会"):
        text = text[: -len("委员会")] + "委"
    return text.strip("-_,.，。、:：")


@dataclass(frozen=True)
class Pairable:
    """One readable report, as far as pairing needs it."""

    index: int
    key: str  # agency_key of its agency
    year: int | None
    is_workbook: bool
    path: str


def pair_years(entries: Iterable[Pairable]) -> dict[int, int]:
    """For each report whose agency also has a report for the year before: index -> index of
    that earlier report. When the earlier year has several reports of the agency (a workbook and
    its published version), the workbook is used, then the first by file name."""
    by_key_year: dict[tuple[str, int], list[Pairable]] = {}
    items = [e for e in entries if e.key and e.year is not None]
    for e in items:
        assert e.year is not None
        by_key_year.setdefault((e.key, e.year), []).append(e)
    pairs: dict[int, int] = {}
    for e in items:
        assert e.year is not None
        earlier = by_key_year.get((e.key, e.year - 1))
        if earlier:
            best = min(earlier, key=lambda x: (not x.is_workbook, x.path))
            pairs[e.index] = best.index
    return pairs


def duplicates(entries: Iterable[Pairable]) -> dict[int, Sequence[Pairable]]:
    """Reports that share agency and year with another one: index -> the whole group."""
    groups: dict[tuple[str, int], list[Pairable]] = {}
    for e in entries:
        if e.key and e.year is not None:
            groups.setdefault((e.key, e.year), []).append(e)
    result: dict[int, Sequence[Pairable]] = {}
    for group in groups.values():
        if len(group) > 1:
            for e in group:
                result[e.index] = group
    return result
