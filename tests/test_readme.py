import contextlib
import io
from pathlib import Path

from gknb.cli import main
from support.books import filled_workbook

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_rule_table_is_generated_from_the_catalogue():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["rules", "--markdown"])
    text = README.read_text(encoding="utf-8")
    start = text.index("| 规则 |")
    end = text.index("<!-- end of rules -->")
    assert text[start:end].strip() == buf.getvalue().strip()


def _block(after: str, lang: str = "") -> str:
    """The first fenced code block after a line of the README."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"```{lang}\n", text.index(after)) + len(lang) + 4
    return text[start : text.index("```", start)]


def _like(shown: str, actual: str) -> bool:
    """A README line stands for a program line: equal, or its parts around "……" appear in
    order (the first at the start)."""
    parts = shown.split("……")
    if len(parts) == 1:
        return shown == actual
    if not actual.startswith(parts[0]):
        return False
    at = len(parts[0])
    for part in parts[1:]:
        found = actual.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def test_readme_diff_example_is_what_diff_prints(tmp_path, monkeypatch):
    import shutil

    from openpyxl import load_workbook

    from gknb.demo import build_demo

    demo = build_demo(tmp_path / "demo")
    monkeypatch.chdir(tmp_path)
    old, new = Path(f"旧{demo.suffix}"), Path(f"新{demo.suffix}")
    shutil.copy(demo, old)
    wb = load_workbook(old, keep_vba=demo.suffix == ".xlsm")
    ws = wb["三、依申请公开"]
    ws["J8"], ws["H30"] = 10, 1  # the two corrections the example describes
    wb.save(new)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["diff", str(old), str(new)])
    shown = _block("机关改了两个数字后再交上来").replace(".xlsm", demo.suffix).splitlines()
    printed = buf.getvalue().splitlines()
    assert len(shown) == len(printed), printed
    for a, b in zip(shown, printed, strict=True):
        assert _like(a, b), (a, b)


def test_readme_json_example_is_what_check_prints(tmp_path, capsys):
    """D30 (结转下年度继续办理 · 自然人) holds 3 where the column gives 2."""
    import json
    import random

    from gknb.formats import F2021
    from gknb.synth import consistent_values, report_from_values
    from gknb.totals import compute_totals

    values = consistent_values(F2021, random.Random(1))
    shift = 2 - values[("T3", "carry_out", "natural")]  # make the right value 2
    values[("T3", "carry_out", "natural")] = 2
    values[("T3", "new", "natural")] += shift
    if values[("T3", "new", "natural")] < 0:
        values[("T3", "carry_in", "natural")] -= values[("T3", "new", "natural")]
        values[("T3", "new", "natural")] = 0
    for change in compute_totals(report_from_values("2021", values)):
        values[change.key] = change.new
    # the clerk typed 3, and the row total along with it: only the column is out of balance
    values[("T3", "carry_out", "natural")] = 3
    values[("T3", "carry_out", "total")] += 1
    wb = filled_workbook(values=values)
    path = tmp_path / "测试局.xlsx"
    wb.save(path)
    assert main(["check", "--json", str(path)]) == 1
    got = json.loads(capsys.readouterr().out)
    shown = json.loads(_block("**JSON**", "json"))
    for field in ("agency", "year", "format"):
        assert got[field] == shown[field]
    (example,) = shown["findings"]
    mine = next(f for f in got["findings"] if f["cell"] == example["cell"])
    for field, value in example.items():
        assert _like(value, mine[field]) if isinstance(value, str) else mine[field] == value


def test_readme_exit_code_table_is_the_programs():
    import re

    from gknb import cli
    from gknb.cliparse import EXIT_USAGE

    text = README.read_text(encoding="utf-8")
    table = text[text.index("| 退出码 | 含义 |") :].split("\n\n")[0]
    codes = {int(m) for m in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert codes == {
        cli.EXIT_OK,
        cli.EXIT_FINDINGS,
        cli.EXIT_UNREADABLE,
        cli.EXIT_INTERNAL,
        EXIT_USAGE,
        cli.EXIT_CANCELLED,
    }
