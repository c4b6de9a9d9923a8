"""The calamine source gives exactly the Report (and findings) of the openpyxl source."""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from pathlib import Path

import pytest

from gknb import service
from gknb.formats import FORMATS
from gknb.rules import check
from gknb.sources import read_workbook_fast as read_workbook
from gknb.synth import consistent_values
from gknb.workbook.contract import META
from gknb.workbook.template import build_workbook, write_values
from support.books import DAMAGES, damage_structure

T3_PART = "xl/worksheets/sheet5.xml"  # 三、依申请公开 in a workbook openpyxl wrote

# what clerks type into figure cells; calamine reads all of these exactly like openpyxl
FAST_VALUES = (
    None, "", " ", "3", "3.0", " 12 ", "4个", "323.6万", "减51", "增7", "+1036", "/", "—", "无",
    "abc", "１２", "1,234", "\t5", "=SUM(D5:D6)", 3.0, 2.5, -3, -0.0, 1 / 3, True,
    False, 0, 7, 1234567,
)  # fmt: skip
# ... and these it cannot: the source must notice and hand the file to openpyxl
SLOW_VALUES = ("#REF!", "x_x000D_y", 1e20, 12345678901234567, dt.date(2024, 1, 2), dt.time(12, 0))


def snapshot(path: Path) -> tuple[str, list[dict]]:
    """Everything a Report holds, types included (3 and 3.0 differ), and its findings."""
    report = service.read_workbook(path)
    return repr(report), [f.as_json() | {"fp": f.fingerprint} for f in check(report)]


def fast_snapshot(path: Path) -> tuple[tuple[str, list[dict]], str]:
    report, how = read_workbook(path)
    return (repr(report), [f.as_json() | {"fp": f.fingerprint} for f in check(report)]), how


def _book(tmp_path: Path, seed: int, palette: tuple, edges: int = 12) -> Path:
    rng = random.Random(seed)
    version = rng.choice(("2019", "2021"))
    year = rng.choice((2019, 2020)) if version == "2019" else rng.choice((2021, 2025))
    wb = build_workbook(version, agency=rng.choice(("测试局", " 测试局 ", "")), year=year)
    values = consistent_values(FORMATS[version], rng)
    for key in rng.sample(sorted(values), edges):
        values[key] = rng.choice(palette)
    write_values(wb, FORMATS[version], values)
    sheet, row, col, _ = META["GK_TEXT_1"]
    wb[sheet].cell(row, col).value = rng.choice(("本年度收到申请3件。", None, "  "))
    sheet, row, col, _ = META["GK_DATE"]
    wb[sheet].cell(row, col).value = dt.date(2025, 1, 20)  # a date outside the figures
    path = tmp_path / f"edge{seed}.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("seed", range(6))
def test_generated_workbooks_read_identically(tmp_path, seed):
    path = _book(tmp_path, seed, FAST_VALUES)
    fast, how = fast_snapshot(path)
    assert how == "calamine"
    assert fast == snapshot(path)


@pytest.mark.parametrize("seed", range(4))
def test_values_calamine_cannot_represent_fall_back(tmp_path, seed):
    path = _book(tmp_path, seed, FAST_VALUES + SLOW_VALUES * 3)
    fast, how = fast_snapshot(path)
    assert fast == snapshot(path), how


@pytest.mark.parametrize("value", SLOW_VALUES)
def test_each_slow_value_is_noticed(make_book, value):
    path = make_book("2021", overrides={("T3", "r1_open", "natural"): value})
    fast, how = fast_snapshot(path)
    assert how.startswith("openpyxl") and "三、依申请公开!D8" in how, how
    assert fast == snapshot(path)


def test_consistent_workbook_takes_the_fast_path(make_book):
    path = make_book("2021")
    fast, how = fast_snapshot(path)
    assert how == "calamine"
    assert fast == snapshot(path)


def test_date_outside_the_figures_keeps_the_fast_path(tmp_path):
    wb = build_workbook("2021", agency="测试局", year=2025)
    sheet, row, col, _ = META["GK_DATE"]
    wb[sheet].cell(row, col).value = dt.date(2025, 1, 20)
    path = tmp_path / "date.xlsx"
    wb.save(path)
    fast, how = fast_snapshot(path)
    assert how == "calamine"
    assert fast == snapshot(path)


def _patch(path: Path, part: str, ref: str, xml: str) -> None:
    """Replace one cell element of a sheet with hand-written XML (what other writers produce)."""
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename == part:
                text = data.decode("utf-8")
                pattern = rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)'
                text, n = re.subn(pattern, xml, text, count=1, flags=re.S)
                assert n == 1, ref
                data = text.encode("utf-8")
            zf.writestr(info, data)
    out.replace(path)


@pytest.mark.parametrize(
    ("xml", "fast"),
    [
        ('<c r="D8" t="e"><v>#REF!</v></c>', False),  # an error value
        ('<c r="D8" t="n"><v>3.0</v></c>', False),  # openpyxl keeps a float
        ('<c r="D8" t="n"><v>2.5</v></c>', True),
        ('<c r="D8"><v>12</v></c>', True),  # no type: a number
        ('<c r="D8"><f>SUM(E8:F8)</f><v>4</v></c>', True),  # a formula's cached value
        ('<c r="D8"><f>SUM(E8:F8)</f></c>', True),  # a formula never calculated
        ('<c r="D8" t="str"><f>A1</f><v>5件</v></c>', True),
        ('<c r="D8" t="inlineStr"><is><t></t></is></c>', False),  # an empty string
        ('<c r="D8" t="inlineStr"><is><r><t>1</t></r><r><t>2</t></r></is></c>', True),
        ('<c r="D8" t="b"><v>1</v></c>', True),
        ('<c r="D8" t="n"><v>123456789012345678</v></c>', False),  # too long for a float
        ('<c r="D8" t="d"><v>2024-01-02T00:00:00</v></c>', False),
    ],
)
def test_cells_other_writers_produce(make_book, xml, fast):
    path = make_book("2021")
    _patch(path, T3_PART, "D8", xml)
    got, how = fast_snapshot(path)
    assert got == snapshot(path)
    assert (how == "calamine") is fast, how


def test_date_format_on_a_figure(make_book):
    from openpyxl import load_workbook

    path = make_book("2021")
    wb = load_workbook(path)
    wb["三、依申请公开"]["D8"].number_format = 'yyyy"年"m"月"d"日"'
    wb.save(path)
    got, how = fast_snapshot(path)
    assert how.startswith("openpyxl"), how
    assert got == snapshot(path)


def test_cjk_builtin_date_format(make_book):
    """numFmtId 31 (yyyy年m月d日) is a date to calamine but a plain number to openpyxl."""
    path = make_book("2021")
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read(T3_PART).decode("utf-8")
    style = re.search(r'<c r="D8" s="(\d+)"', sheet).group(1)
    with zipfile.ZipFile(path) as zf:
        styles = zf.read("xl/styles.xml").decode("utf-8")
    xfs = styles.index("<cellXfs")
    xf = [m for m in re.finditer(r"<xf [^>]*>", styles) if m.start() > xfs][int(style)]
    patched = re.sub(r'numFmtId="\d+"', 'numFmtId="31"', xf.group(0))
    styles = styles[: xf.start()] + patched + styles[xf.end() :]
    _replace_part(path, "xl/styles.xml", styles.encode("utf-8"))
    got, how = fast_snapshot(path)
    assert how.startswith("openpyxl"), how
    assert got == snapshot(path)


def _replace_part(path: Path, part: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, old in items:
            zf.writestr(info, data if info.filename == part else old)
    out.replace(path)


def test_shared_strings_workbook(make_book, tmp_path):
    """Excel and WPS keep text in sharedStrings.xml (openpyxl writes inline strings)."""
    path = make_book("2021", overrides={("T3", "r1_open", "natural"): "4个"})
    with zipfile.ZipFile(path) as zf:
        items = [(i, zf.read(i.filename)) for i in zf.infolist()]
    strings: list[str] = []

    def to_shared(m: re.Match[str]) -> str:
        strings.append(m.group(3))
        return f'<c r="{m.group(1)}"{m.group(2)} t="s"><v>{len(strings) - 1}</v></c>'

    inline = re.compile(
        r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', re.S
    )
    out = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = inline.sub(to_shared, data.decode("utf-8")).encode("utf-8")
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                    b"</Relationships>",
                )
            zf.writestr(info, data)
        sst = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
        zf.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>',
        )
    assert strings
    got, how = fast_snapshot(out)
    assert how == "calamine"
    assert got == snapshot(out)


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("version", ["2019", "2021"])
def test_damaged_workbooks(make_book, version, damage):
    path = make_book(version)
    damage_structure(path, damage)
    got, _ = fast_snapshot(path)
    assert got == snapshot(path)
    assert any(f["rule"] == "R13" for f in got[1])


def test_settled_findings_survive(make_book):
    path = make_book("2021", overrides={("T3", "r1_open", "natural"): None})
    findings = service.check_file(path).findings
    blank = next(f for f in findings if f.rule == "R5a")
    service.accept(path, [f"R5a@{blank.cell}=确实没有"])
    got, how = fast_snapshot(path)
    assert how == "calamine"
    assert got == snapshot(path)
    assert any(f.get("settled") == "确实没有" for f in got[1])


def test_not_a_workbook_gives_the_same_error(tmp_path):
    from gknb.errors import GknbError

    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(GknbError) as fast:
        read_workbook(path)
    with pytest.raises(GknbError) as slow:
        service.read_workbook(path)
    assert str(fast.value) == str(slow.value)


def test_builtin_date_formats_are_the_ones_openpyxl_reads_as_dates():
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    from gknb.workbook.calamine import BUILTIN_DATES

    want = {
        i
        for i in range(164)
        if (code := builtin_format_code(i)) is not None
        and (is_date_format(code) or is_timedelta_format(code))
    }
    assert want == BUILTIN_DATES


def test_gknb_check_reads_a_template_workbook_without_openpyxl(tmp_path):
    import subprocess
    import sys

    from support.books import filled_workbook

    wb = filled_workbook(seed=1)
    path = tmp_path / "a.xlsx"
    wb.save(path)
    code = (
        "import sys; from gknb import cli; status = cli.main(['check', sys.argv[1]]); "
        "assert 'openpyxl' not in sys.modules, 'openpyxl imported'; sys.exit(status)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "错误 0 处" in done.stdout
