import io
import json
import os
import random
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gknb import cli, sources
from gknb.errors import GknbError, OutputExists
from gknb.formats import FORMATS
from gknb.review import batch, run
from gknb.review.batch import review
from gknb.review.progress import Progress
from gknb.review.summary import (
    DATA_FIXED,
    FINDING_COLUMNS,
    OVERVIEW_COLUMNS,
    RULE_COLUMNS,
    STATUS_FILL,
)
from gknb.rules import RULES
from gknb.synth import consistent_values
from support.books import filled_values
from support.generate import _settle_totals, follow_on


def _values(version="2021", seed=1, **changes):
    return filled_values(version, seed, changes)


def _rows(ws):
    return list(ws.iter_rows(values_only=True))


@pytest.fixture
def mixed(book):
    """A folder with a clean report, two with errors, an unreadable file and a subfolder."""
    book("a_clean.xlsx", agency="甲局")
    bad = _values()
    bad[("T3", "r7_total", "natural")] += 2  # R2 named on the cell (its R1/R3 agree: 疑似)
    bad[("T4", "all", "ld_total")] += 1  # R4
    bad[("T4", "all", "la_total")] += 1  # R4
    book("b_errors.xlsx", agency="乙局", values=bad)
    book("sub/c_2019.xlsx", version="2019", agency="丙局", seed=3)
    fewer = _values(seed=4)
    fewer[("T4", "all", "rv_total")] += 1  # R4
    fewer[("T3", "r1_open", "other")] = "abc"  # R5 (the sums through it are not checked)
    book("d_worse.xlsx", agency="丁局", values=fewer, seed=4)
    (book.folder / "e_broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    (book.folder / "~$a_clean.xlsx").write_bytes(b"lock")
    (book.folder / ".hidden.xlsx").write_bytes(b"hidden")
    (book.folder / "notes.jpg").write_bytes(b"x")
    return book.folder


def test_summary_workbook(mixed, tmp_path):
    out = tmp_path / "汇总.xlsx"
    outcome = review([mixed], out, jobs=1)
    assert outcome.exit_status == 2
    assert outcome.skipped_other == 1
    wb = load_workbook(out)
    assert wb.sheetnames == ["总览", "问题明细", "数据", "规则说明"]

    ws = wb["总览"]
    rows = _rows(ws)
    assert rows[0] == OVERVIEW_COLUMNS
    files = [r[0] for r in rows[1:]]
    assert files == [
        "e_broken.xlsx",
        "b_errors.xlsx",
        "d_worse.xlsx",
        "a_clean.xlsx",
        "sub/c_2019.xlsx",
    ]  # unreadable, most errors first, then the clean ones by name
    assert [r[4] for r in rows[1:]] == [0, 3, 2, 0, 0]
    status = {r[0]: r[7] for r in rows[1:]}
    assert status == {
        "e_broken.xlsx": "无法读取",
        "d_worse.xlsx": "有错误",
        "b_errors.xlsx": "有错误",
        "a_clean.xlsx": "通过",
        "sub/c_2019.xlsx": "通过",
    }
    broken = rows[1]
    assert "损坏" in broken[8] or "不是" in broken[8]
    assert rows[4][1:4] == ("甲局", 2025, "2021版")
    assert rows[5][1:4] == ("丙局", 2020, "2019版")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:I6"
    for row in ws.iter_rows(min_row=2):
        assert row[0].fill.fgColor.rgb[-6:] == STATUS_FILL[row[7].value]

    details = _rows(wb["问题明细"])
    assert details[0] == FINDING_COLUMNS
    by_file = {}
    for r in details[1:]:
        by_file.setdefault(r[9], []).append(r)
    assert set(by_file) == {"b_errors.xlsx", "d_worse.xlsx"}
    assert [r[0] for r in by_file["b_errors.xlsx"]] == ["R2", "R4", "R4"]
    r2 = next(r for r in by_file["b_errors.xlsx"] if r[0] == "R2")
    assert r2[1] == "错误" and r2[5] == "三、依申请公开!D29"
    assert r2[2] == "三、收到和处理政府信息公开申请情况"
    assert isinstance(r2[6], int) and r2[7] == r2[6] + 2
    assert [r[0] for r in details[1:]].index("R5") >= 0
    counts = {r[0]: r[4:7] for r in rows[1:]}
    assert counts["b_errors.xlsx"] == (
        sum(r[1] == "错误" for r in by_file["b_errors.xlsx"]),
        sum(r[1] == "警告" for r in by_file["b_errors.xlsx"]),
        sum(r[1] == "提示" for r in by_file["b_errors.xlsx"]),
    )

    data = _rows(wb["数据"])
    header = data[0]
    assert header[: len(DATA_FIXED)] == DATA_FIXED
    assert len(set(header)) == len(header)
    col = header.index("三·本年新收·自然人")
    assert [r[0] for r in data[1:-1]] == [f for f in files if f != "e_broken.xlsx"]
    reports = data[1:-1]
    assert data[-1][0].startswith("合计")
    assert data[-1][col] == sum(r[col] for r in reports)
    clean = next(r for r in reports if r[0] == "a_clean.xlsx")
    assert clean[col] == _values()[("T3", "new", "natural")]
    only_2019 = header.index("二·规章·本年新制作数量")
    assert next(r for r in reports if r[0] == "a_clean.xlsx")[only_2019] is None
    assert next(r for r in reports if r[0] == "sub/c_2019.xlsx")[only_2019] is not None
    invalid = header.index("三·予以公开·其他")
    assert next(r for r in reports if r[0] == "d_worse.xlsx")[invalid] is None  # "abc"

    rules = _rows(wb["规则说明"])
    assert rules[0] == RULE_COLUMNS
    assert [r[0] for r in rules[1:]] == [r.id for r in RULES]
    assert rules[1][1] == "错误"


def test_unreadable_files_are_listed_and_the_rest_reviewed(book, tmp_path):
    book("ok.xlsx")
    (book.folder / "empty.xlsx").write_bytes(b"")
    (book.folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (book.folder / "report.docx").write_bytes(b"not a docx")
    outcome = review([book.folder], tmp_path / "s.xlsx", jobs=1)
    reasons = {Path(e.path).name: e.error for e in outcome.entries}
    assert reasons["ok.xlsx"] is None
    assert "空文件" in reasons["empty.xlsx"]
    assert ".xlsx" in reasons["old.xls"]  # says what to do
    assert reasons["report.docx"]
    assert outcome.exit_status == 2
    assert outcome.count("无法读取") == 3


def test_a_check_that_raises_is_one_unreadable_file(book, tmp_path, monkeypatch):
    book("a.xlsx")
    book("b.xlsx", seed=2)
    real = run._read

    def flaky(path):
        if path.name == "a.xlsx":
            raise RuntimeError("boom")
        return real(path)

    monkeypatch.setattr(run, "_read", flaky)
    outcome = review([book.folder], None, jobs=1)
    errors = {Path(e.path).name: e.error for e in outcome.entries}
    assert "RuntimeError: boom" in errors["a.xlsx"]
    assert errors["b.xlsx"] is None


def _pair(book, later_changes=None, later_agency="赣州市 政府办公室"):
    fmt = FORMATS["2021"]
    earlier = consistent_values(fmt, random.Random(7))
    later = follow_on(fmt, earlier, random.Random(8))
    for key, delta in (later_changes or {}).items():
        later[key] += delta
    _settle_totals("2021", later)
    book("2024.xlsx", agency="赣州市人民政府办公室", year=2024, values=earlier)
    book("2025.xlsx", agency=later_agency, year=2025, values=later)


def test_cross_year_pair_runs_r6(book, tmp_path):
    # a carried-in figure that is not last year's carried-out one; the table itself balances
    _pair(book, {("T3", "carry_in", "natural"): 2, ("T3", "new", "natural"): -2})
    buf = io.StringIO()
    outcome = review([book.folder], tmp_path / "s.xlsx", jobs=1, json_out=buf)
    assert outcome.rechecked == 1
    lines = {Path(d["file"]).name: d for d in map(json.loads, buf.getvalue().splitlines())}
    later = lines["2025.xlsx"]["findings"]
    assert [(f["rule"], f["cell"]) for f in later] == [
        ("R6", "三、依申请公开!D7"),  # 自然人
        ("R6", "三、依申请公开!J7"),  # 总计
    ]
    assert later[0]["expected"] == later[0]["found"] - 2
    assert "2024年报告" in later[0]["message"]
    assert lines["2024.xlsx"]["findings"] == []
    entry = next(e for e in outcome.entries if e.path.endswith("2025.xlsx"))
    assert any("2024.xlsx" in n for n in entry.notes)
    assert outcome.exit_status == 0  # R6 is a warning


def test_consistent_pair_has_no_cross_year_findings(book):
    _pair(book)
    outcome = review([book.folder], None, jobs=1)
    assert outcome.rechecked == 1
    assert all(e.counts == (0, 0, 0) for e in outcome.entries)


def test_different_agencies_are_not_paired(book):
    _pair(book, {("T3", "carry_in", "natural"): 2}, later_agency="南昌市人民政府办公室")
    outcome = review([book.folder], None, jobs=1)
    assert outcome.rechecked == 0


def test_json_lines_match_check(mixed, capsys):
    buf = io.StringIO()
    review([mixed], None, jobs=1, json_out=buf)
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert len(lines) == 5
    by_name = {Path(d["file"]).name: d for d in lines}
    assert set(by_name["e_broken.xlsx"]) == {"file", "error"}
    path = mixed / "b_errors.xlsx"
    assert cli.main(["check", "--json", str(path)]) == 1
    expected = json.loads(capsys.readouterr().out)
    assert by_name["b_errors.xlsx"] == expected


def test_existing_summary_needs_force(book, tmp_path):
    book("a.xlsx")
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputExists):
        review([book.folder], out, jobs=1)
    assert out.read_bytes() == b"keep me"
    review([book.folder], out, jobs=1, force=True)
    assert load_workbook(out).sheetnames[0] == "总览"


def test_bad_output_names(book, tmp_path):
    book("a.xlsx")
    with pytest.raises(GknbError, match=r"\.xlsx"):
        review([book.folder], tmp_path / "s.csv", jobs=1)
    with pytest.raises(GknbError, match="不存在"):
        review([book.folder], tmp_path / "nowhere" / "s.xlsx", jobs=1)
    (tmp_path / "~$s.xlsx").write_bytes(b"lock")
    with pytest.raises(GknbError, match="Excel 中打开"):
        review([book.folder], tmp_path / "s.xlsx", jobs=1)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".gknb-")]


def test_interrupt_while_writing_leaves_no_summary(book, tmp_path, monkeypatch):
    book("a.xlsx")
    out = tmp_path / "汇总.xlsx"

    def half_written(path, *args, **kwargs):
        path.write(b"half")  # the summary is written into memory first
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "write_summary", half_written)
    with pytest.raises(KeyboardInterrupt):
        review([book.folder], out, jobs=1)
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_interrupt_while_checking_leaves_no_summary(book, tmp_path, monkeypatch):
    book("a.xlsx")
    book("b.xlsx")
    out = tmp_path / "汇总.xlsx"
    real = run.check_one

    def interrupted(task):
        if task.pos == 1:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(run, "check_one", interrupted)
    with pytest.raises(KeyboardInterrupt):
        review([book.folder], out, jobs=1)
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_an_existing_summary_survives_an_interrupt(book, tmp_path, monkeypatch):
    book("a.xlsx")
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"last year's summary")

    def failing(path, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(batch, "write_summary", failing)
    with pytest.raises(RuntimeError):
        review([book.folder], out, jobs=1, force=True)
    assert out.read_bytes() == b"last year's summary"
    assert _leftovers(tmp_path) == []


def _one_bad_file(book, monkeypatch, count: int, bad: str, misbehave) -> dict[str, None]:
    """`count` good workbooks and one more, `bad`, whose check first calls misbehave() (in the
    worker: the tests fork, so the patched check is the workers' too); returns the good files'
    expected errors (none)."""
    for i in range(count):
        book(f"r{i}.xlsx", seed=i, agency=f"局{i}")
    book(bad)
    real = run.check_one

    def check_one(task):
        if task.path.endswith(bad):
            misbehave()
        return real(task)

    monkeypatch.setattr(run, "check_one", check_one)
    return {f"r{i}.xlsx": None for i in range(count)}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to patch the workers")
def test_pool_results_and_a_dying_worker(book, monkeypatch):
    import multiprocessing

    good = _one_bad_file(book, monkeypatch, 7, "crash.xlsx", lambda: os._exit(1))
    outcome = review([book.folder], None, jobs=2, context=multiprocessing.get_context("fork"))
    errors = {Path(e.path).name: e.error for e in outcome.entries}
    assert "异常退出" in errors.pop("crash.xlsx")
    assert errors == good
    assert outcome.worker_rss_kb > 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to patch the workers")
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_that_hangs_is_given_up(book, monkeypatch, jobs):
    """--jobs 1 too: the one worker is a child process, so the per-file time limit holds."""
    import multiprocessing
    import time

    good = _one_bad_file(book, monkeypatch, 3, "hang.xlsx", lambda: time.sleep(60))
    monkeypatch.setattr(run, "FILE_TIMEOUT", 1.5)
    started = time.perf_counter()
    outcome = review([book.folder], None, jobs=jobs, context=multiprocessing.get_context("fork"))
    assert time.perf_counter() - started < 20
    errors = {Path(e.path).name: e.error for e in outcome.entries}
    assert "超过 2 秒" in errors.pop("hang.xlsx")
    assert errors == good
    assert outcome.exit_status == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to patch the workers")
def test_interrupt_does_not_wait_for_a_slow_file(book, monkeypatch, tmp_path):
    import multiprocessing
    import time

    _one_bad_file(book, monkeypatch, 4, "slow.xlsx", lambda: time.sleep(60))

    class Interrupting(Progress):
        def update(self, done, force=False):
            if done >= 2:
                raise KeyboardInterrupt

    out = tmp_path / "汇总.xlsx"
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        review(
            [book.folder],
            out,
            jobs=2,
            progress=Interrupting(enabled=False),
            context=multiprocessing.get_context("fork"),
        )
    assert time.perf_counter() - started < 20
    assert not out.exists()


def test_cli_review(mixed, tmp_path, capsys):
    out = tmp_path / "汇总.xlsx"
    status = cli.main(["review", str(mixed), "-o", str(out), "--jobs", "1"])
    assert status == 2
    captured = capsys.readouterr()
    assert "已校验 5 个文件" in captured.out and str(out) in captured.out
    assert "e_broken.xlsx" in captured.err
    assert "[" not in captured.err  # no progress bar when stderr is not a terminal
    status = cli.main(["review", str(mixed), "-o", str(out), "--jobs", "1"])
    assert status == 2 and "--force" in capsys.readouterr().err
    assert cli.main(["review", str(mixed), "--json", "--jobs", "1"]) == 2
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 5
    assert "已校验" in captured.err


def test_cli_clean_folder_exits_0_and_errors_exit_1(book, tmp_path):
    book("a.xlsx")
    assert cli.main(["review", str(book.folder), "-o", str(tmp_path / "1.xlsx")]) == 0
    bad = _values()
    bad[("T4", "all", "la_total")] += 1
    book("b.xlsx", values=bad)
    assert cli.main(["review", str(book.folder), "-o", str(tmp_path / "2.xlsx")]) == 1


def test_an_earlier_summary_in_the_folder_is_skipped(book):
    book("a.xlsx")
    review([book.folder], book.folder / "汇总.xlsx", jobs=1)
    outcome = review([book.folder], book.folder / "汇总2.xlsx", jobs=1)
    assert [Path(e.path).name for e in outcome.entries] == ["a.xlsx"]
    assert outcome.skipped_summaries == 1
    assert outcome.exit_status == 0


def test_a_readme_in_the_folder_is_no_report_and_is_skipped(book, capsys):
    """A README.md, a note or a list of agencies beside the reports has none of a report's
    marks: it is skipped and named as 不是年报, not counted as an unreadable report; a text
    that is a report but cannot be read stays unreadable."""
    book("a.xlsx")
    (book.folder / "README.md").write_text("# Reports\n\nSent by the offices, 2025.\n")
    (book.folder / "说明.txt").write_text("本文件夹存放各单位报送的材料，共 12 份。\n")
    (book.folder / "坏.txt").write_text("2025年政府信息公开工作年度报告\n一、总体情况\n")
    outcome = review([book.folder], book.folder / "汇总.xlsx", jobs=1)
    assert sorted(Path(e.path).name for e in outcome.entries) == ["a.xlsx", "坏.txt"]
    assert outcome.not_reports == ["README.md", "说明.txt"]
    lines = batch.summary_lines(outcome)
    assert "2 个不是年报的文件（README.md、说明.txt）" in lines[1]
    assert "无法读取 1 份" in lines[0]  # only 坏.txt
    overview = [r[0] for r in _rows(load_workbook(book.folder / "汇总.xlsx")["总览"])]
    assert "README.md" not in overview and "坏.txt" in overview
    (book.folder / "坏.txt").unlink()
    assert cli.main(["review", str(book.folder), "-o", str(book.folder / "汇总.xlsx"),
                     "--force"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert "README.md" not in captured.err and "不是年报的文件（README.md" in captured.out


def test_a_folder_of_no_reports_says_so(tmp_path):
    (tmp_path / "README.md").write_text("# Notes\n")
    with pytest.raises(GknbError, match="只找到了1 个不是年报的文件"):
        review([tmp_path], None, jobs=1)


def test_empty_folder(tmp_path):
    with pytest.raises(GknbError, match="没有找到"):
        review([tmp_path], None, jobs=1)


def test_collect(book, tmp_path):
    book("b.xlsx")
    book("a/c.xlsx")
    book("x.备份.xlsx")
    (book.folder / ".git").mkdir()
    (book.folder / ".git" / "d.xlsx").write_bytes(b"")
    (book.folder / "~$b.xlsx").write_bytes(b"")
    (book.folder / "data.csv").write_text("x")
    out = book.folder / "汇总.xlsx"
    out.write_bytes(b"")
    found = sources.collect([book.folder, book.folder / "b.xlsx"], exclude=[out])
    assert [d for _, d in found.files] == ["a/c.xlsx", "b.xlsx"]
    assert (found.skipped_other, found.skipped_backup) == (1, 1)


def test_progress_bar_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = Progress(stream)
    bar.start("校验", 4)
    for i in range(1, 5):
        bar.update(i, force=True)
    bar.finish()
    text = stream.getvalue()
    assert "\r校验 [" in text and "4/4" in text and text.endswith("\n")
    quiet = io.StringIO()
    Progress(quiet).start("校验", 4)
    assert quiet.getvalue() == ""


def test_a_workbook_with_no_figures_is_not_passed(tmp_path, capsys):
    """A blank template is not a report: 有错误 in the summary, exit 1, like gknb check."""
    from gknb.workbook.template import build_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    build_workbook("2021", agency="空白局", year=2025).save(folder / "空白.xlsx")
    out = tmp_path / "汇总.xlsx"
    assert cli.main(["review", str(folder), "-o", str(out)]) == 1
    rows = _rows(load_workbook(out)["总览"])
    status = rows[1][OVERVIEW_COLUMNS.index("状态")]
    assert status == "有错误"
    details = _rows(load_workbook(out)["问题明细"])
    assert [r[0] for r in details[1:]] == ["R13"]
