"""A part of a published report the reader could not read is not the report's error: it is a
READ finding (需人工核对) in the checker, the command line, JSON and the review summary, and it
never makes a report fail. Files are read by what they are, whatever their extension."""

from __future__ import annotations

import json
from pathlib import Path

import reader_layouts as L
from openpyxl import load_workbook

from gknb import cli
from gknb.model import Severity, summary_line
from gknb.reader import read_report, read_text, sniff
from gknb.review.batch import review
from gknb.review.summary import STATUS_CHECK
from gknb.rules import RULE_BY_ID, check
from gknb.synth import consistent_report


def _report_text(ambiguous: bool) -> str:
    src = consistent_report("2021", 5)
    src.agency = "某某市某某局"
    src.texts = {"1": "总体情况。", "5": "存在问题。", "6": "本机关未收取信息处理费。"}
    text = L.text_layout(src, "space")
    if ambiguous:  # the row of 1.本机关不掌握… printed as digits with two readings
        lines = text.splitlines()
        i = next(n for n, x in enumerate(lines) if "本机关不掌握" in x)
        lines[i] = "1.本机关不掌握相关政府信息  1121000023"
        text = "\n".join(lines)
    return text


def test_reading_failure_is_its_own_kind() -> None:
    got = read_text(_report_text(True))
    findings = check(got)
    unread = [f for f in findings if f.rule == "READ"]
    assert len(unread) == 1 and unread[0].severity is Severity.UNREAD
    assert "本机关不掌握" in unread[0].row
    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert summary_line(findings) == (
        "错误 0 处，警告 0 处，提示 0 处；另有 1 处无法读取，需人工核对（不计为错误）"
    )
    rule = RULE_BY_ID["READ"]
    assert (rule.severity.zh, rule.title) == ("需人工核对", "无法读取")


def test_cli_and_json_keep_reading_failures_apart(tmp_path: Path, capsys) -> None:
    path = tmp_path / "报告.txt"
    path.write_text(_report_text(True), encoding="utf-8")
    assert cli.main(["check", str(path)]) == 0  # not an error: exit 0
    out = capsys.readouterr().out
    assert "需人工核对 READ" in out and "错误 0 处" in out
    assert cli.main(["check", "--json", str(path)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["severity"]) for f in line["findings"]] == [("READ", "unread")]


def test_review_summary_lists_them_as_to_check(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(_report_text(True), encoding="utf-8")
    (folder / "b.txt").write_text(_report_text(False), encoding="utf-8")
    out = tmp_path / "汇总.xlsx"
    outcome = review([folder], out, jobs=1)
    assert outcome.exit_status == 0
    wb = load_workbook(out)
    rows = {r[0]: r for r in wb["总览"].iter_rows(min_row=2, values_only=True)}
    assert rows["a.txt"][7] == STATUS_CHECK and "1 处无法读取" in rows["a.txt"][8]
    assert rows["a.txt"][4] == 0  # no error counted
    assert rows["b.txt"][7] == "通过"
    details = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in details] == [("READ", "需人工核对")]


# ---- content sniffing ----------------------------------------------------------------------


def _src():
    src = consistent_report("2019", 8)
    src.agency = "某某市某某局"
    src.texts = {"1": "总体情况。", "5": "存在问题。", "6": "无。"}
    return src


def _same_numbers(a, b) -> None:
    assert {k: c.value for k, c in a.cells.items()} == {k: c.value for k, c in b.cells.items()}


def test_files_are_read_by_what_they_are(tmp_path: Path) -> None:
    src = _src()
    cases = {
        "page.txt": L.html_page(src).encode("utf-8"),
        "escaped.txt": L.html_body(src)
        .replace('"', '\\"')
        .replace("</", "<\\/")
        .replace("\n", "\\n")
        .encode("utf-8"),
        "text.html": L.text_layout(src, "cells").encode("utf-8"),
        "noext": L.markdown(src).encode("utf-8"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        _same_numbers(read_report(tmp_path / name), src)
    word = L.write_docx(src, tmp_path / "report.docx")
    renamed = word.rename(tmp_path / "report.txt")
    _same_numbers(read_report(renamed), src)


def test_sniff() -> None:
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"PK\x03\x04rest") == "zip"
    assert sniff(b"\xd0\xcf\x11\xe0") == "ole"
    assert sniff("<p>一</p><table><tr><td>1</td></tr></table>".encode()) == "html"
    assert sniff("| 规章 | 0 | 0 | 0 |\n".encode()) == "text"
