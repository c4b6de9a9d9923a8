"""The command line's own texts are Chinese, its help columns line up on screen, and a usage
error has its own exit code (4), apart from 2 (a file could not be read)."""

from __future__ import annotations

import argparse
import re

import pytest

from gknb.cli import build_parser, main
from gknb.cliparse import EXIT_USAGE, CommandParser, width

ENGLISH = re.compile(
    r"usage|error:|required|invalid|unrecognized|expected|ambiguous|arguments|choose from"
    r"|show this help|positional|options:|version number",
    re.IGNORECASE,
)

USAGE_ERRORS = [
    (["chek", "a.xlsx"], "没有“chek”"),
    (["new", "x.xlsm"], "缺少必需的参数：--agency, --year"),
    (["new", "x.xlsm", "--agency", "局", "--year", "明年"], "“明年”不是有效的整数"),
    (["review", "--jobs", "两个", "folder"], "“两个”不是有效的整数"),
    (["check", "a.xlsx", "--bogus"], "无法识别的参数：--bogus"),
    (["check", "a.xlsx", "--prior"], "需要一个值"),
    (["export", "a.xlsm", "--fo", "x"], "不明确"),
    (["export", "a.xlsm", "--fonts", "comic"], "没有“comic”"),
    (["check"], "缺少必需的参数：文件"),
]


@pytest.mark.parametrize(("argv", "said"), USAGE_ERRORS)
def test_usage_errors_are_chinese_with_their_own_exit_code(argv, said, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == EXIT_USAGE != 2
    err = capsys.readouterr().err
    assert err.startswith("用法：gknb") and said in err, err
    assert "错误：" in err and "-h 查看用法" in err
    assert not ENGLISH.search(err), err


def test_a_file_name_starting_with_a_dash_gets_a_hint(capsys):
    with pytest.raises(SystemExit):
        main(["check", "-草稿.xlsm"])
    assert "./-草稿.xlsm" in capsys.readouterr().err


def _helps() -> list[tuple[str, str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [("gknb", parser.format_help())] + [
        (name, p.format_help()) for name, p in sub.choices.items()
    ]


def test_every_help_is_chinese():
    for name, text in _helps():
        assert text.startswith("用法："), name
        assert not ENGLISH.search(text), (name, ENGLISH.search(text))
        assert "选项：" in text


def test_help_columns_line_up_on_screen(monkeypatch):
    """The help of each option starts in the same screen column, Chinese metavars included."""
    monkeypatch.setenv("COLUMNS", "100")
    for name, text in _helps():
        columns = set()
        for line in text.splitlines():
            m = re.match(r"^(  -\S.*?|  [^\s-]\S*?)( {2,})(\S.*)$", line)
            if m and not line.startswith("用法"):
                columns.add(width(m.group(1) + m.group(2)))
        assert len(columns) <= 1, (name, columns)


def test_help_and_version_exit_zero(capsys):
    for argv in (["-h"], ["check", "-h"], ["--version"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
    assert "gknb" in capsys.readouterr().out


def test_other_argparse_users_keep_their_language():
    """The Chinese texts are swapped in only while our parser parses and formats."""
    CommandParser(prog="x").format_help()
    plain = argparse.ArgumentParser(prog="y")
    assert "usage: y" in plain.format_usage()
