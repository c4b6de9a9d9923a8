"""argparse in Chinese: usage, help, and every error a user can cause, with help columns
aligned by display width (a Chinese character takes two columns in a terminal).

argparse looks its texts up through gettext; the parser swaps in this module's table while
it parses and formats (and only then, so other argparse users in the process are untouched).
Usage errors end with exit code EXIT_USAGE, distinct from 2 (a file could not be read).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

EXIT_USAGE = 4

# argparse's message ids (Python 3.11–3.14) -> Chinese. Values keep the %-placeholders.
MESSAGES: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的值 %r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的%(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有“%(value)s”，可选：%(choices)s",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "没有“%(value)s”，是不是要用 %(closest)s？可选：%(choices)s"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "没有命令“%(parser_name)s”，可选：%(choices)s"
    ),
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "conflicting option string: %s": "选项重复：%s",
    "conflicting option strings: %s": "选项重复：%s",
}

TYPE_NAMES = {"int": "整数", "float": "数字"}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


@contextmanager
def chinese() -> Iterator[None]:
    """argparse's messages in Chinese while the block runs."""
    module: Any = argparse
    saved = module._, module.ngettext
    module._, module.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        module._, module.ngettext = saved


def width(text: str) -> int:
    """Columns the text takes in a terminal (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, columns: int) -> list[str]:
    """Lines of at most `columns` display columns; Chinese breaks anywhere, words do not."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in _tokens(" ".join(paragraph.split())):
            if line and width(line + token) > columns:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> Iterator[str]:
    """Single wide characters, and runs of narrow ones up to and including a space."""
    run = ""
    for ch in text:
        if width(ch) == 2:
            if run:
                yield run
                run = ""
            yield ch
        else:
            run += ch
            if ch == " ":
                yield run
                run = ""
    if run:
        yield run


class Formatter(argparse.HelpFormatter):
    """Help laid out by display width."""

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            get_subactions = getattr(action, "_get_subactions", None)
            if get_subactions is not None:
                self._indent()
                invocations += [self._format_action_invocation(s) for s in get_subactions()]
                self._dedent()
            longest = max(width(i) for i in invocations) + self._current_indent
            self._action_max_length = max(self._action_max_length, longest)

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        if not action.help:
            parts = [f"{indent}{header}\n"]
            lines: list[str] = []
        else:
            lines = _wrap(self._expand_help(action), help_width)
            if width(header) <= action_width:
                pad = " " * (action_width - width(header))
                parts = [f"{indent}{header}{pad}  {lines[0]}\n"]
                lines = lines[1:]
            else:
                parts = [f"{indent}{header}\n"]
            parts += [f"{' ' * help_position}{line}\n" for line in lines]
        get_subactions = getattr(action, "_get_subactions", None)
        if get_subactions is not None:
            self._indent()
            parts += [self._format_action(s) for s in get_subactions()]
            self._dedent()
        return self._join_parts(parts)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrap(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in _wrap(" ".join(text.split()), width))


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Chinese and exits with EXIT_USAGE on a usage error."""

    def __init__(self, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def parse_known_args(  # type: ignore[override]  # typeshed overloads it by namespace type; ours returns a Namespace
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._argv = list(sys.argv[1:] if args is None else args)
        with chinese():
            return super().parse_known_args(args, namespace)

    def parse_args(  # type: ignore[override]  # typeshed overloads it by namespace type; ours returns a Namespace
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with chinese():
            return super().parse_args(args, namespace)

    def format_help(self) -> str:
        with chinese():
            text = super().format_help()
        return text.replace("位置参数:\n", "位置参数：\n").replace("选项:\n", "选项：\n")

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        kind = action.type
        name = TYPE_NAMES.get(getattr(kind, "__name__", ""))
        if name is None or not callable(kind):
            return super()._get_value(action, arg_string)
        try:
            return kind(arg_string)
        except (TypeError, ValueError):
            raise argparse.ArgumentError(action, f"“{arg_string}”不是有效的{name}") from None

    def error(self, message: str) -> NoReturn:
        with chinese():
            self.print_usage(sys.stderr)
        hint = f"用 {self.prog} -h 查看用法。"
        argv: list[str] = getattr(self, "_argv", [])
        stray = [a for a in argv if a.startswith("-") and not a.startswith("--") and "." in a]
        if stray:
            hint += f"以“-”开头的文件名请写成 ./{stray[0]}。"
        self.exit(EXIT_USAGE, f"{self.prog}：错误：{message}。{hint}\n")
