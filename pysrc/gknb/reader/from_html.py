"""Web pages (.html/.htm) → rows.

Tables come from the markup: each <tr> is a row and each <td>/<th> one cell, once, however
many rows or columns it spans (a spanned cell is not repeated into the cells it covers).
Text outside tables becomes lines at block boundaries and <br>, and goes through the same
line reader as .txt files. Pages that keep the report inside a script string (escaped quotes
``\\"``, ``\\u003c``) or as entity-escaped markup are unpacked and read in place.

Parsed with lxml's HTML parser with network access off; no DTD, no external entities.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from gknb.errors import GknbError
from gknb.reader.from_text import text_rows
from gknb.reader.ir import Row

_BLOCK_TAGS = (
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd section article header footer nav aside main "
    "blockquote pre center address figure figcaption form fieldset hr title caption"
)
BLOCK = frozenset(_BLOCK_TAGS.split(" "))
SKIP = frozenset(
    ("style", "noscript", "template", "head", "iframe", "object", "svg", "math", "select")
)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`', re.S)
_MARKUP = re.compile(r"<\s*(?:table|p|div|tr|td|br|span|h\d)\b", re.I)
_ESCAPED = re.compile(r"\\u003c|\\x3c|<\\/|\\\"|&lt;\s*(?:table|p|tr|td)", re.I)
_BARE_ESCAPES = re.compile(r'=\\"|<\\/|\\u003c', re.I)
_T3_MARK = re.compile(r"勾稽关系|本年新收")
HTML_NESTING = 2048  # libxml2's limit with huge_tree
MAX_DEPTH = 4  # markup unpacked from script strings inside script strings …


def decode_html(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else ""
    if declared in ("gbk", "gb2312", "gb18030", "x-gbk", "cp936"):
        return data.decode("gb18030", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _unescape_js(body: str) -> str:
    try:
        return str(json.loads('"' + body.replace('\\"', '\\"').replace("\\'", "'") + '"'))
    except ValueError:
        pass

    def repl(m: re.Match[str]) -> str:
        c = m.group(1)
        if len(c) > 1:  # \uXXXX or \xXX; a bare \u or \x is the letter, as in JavaScript
            return chr(int(c[1:], 16))
        return {"n": "\n", "t": "\t", "r": "", "b": "", "f": ""}.get(c, c)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", repl, body, flags=re.S)


def markup_in_script(text: str) -> str:
    """HTML kept in the string literals of a script (or a JSON body), unescaped, in order."""
    found: list[str] = []
    for m in _JS_STRING.finditer(text):
        body = next(g for g in m.groups() if g is not None)
        if len(body) < 20:
            continue
        value = _unescape_js(body) if "\\" in body else body
        if _MARKUP.search(value):
            found.append(value)
    return "\n".join(found)


class _Walker:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.lines: list[str] = []  # text outside tables, waiting to be read as text
        self.buf: list[str] = []

    # text flow
    def newline(self) -> None:
        if self.buf:
            self.lines.append("".join(self.buf))
            self.buf = []

    def flush_text(self) -> None:
        self.newline()
        if self.lines:
            self.rows.extend(text_rows("\n".join(self.lines)))
            self.lines = []

    def text(self, s: str | None) -> None:
        if s:
            self.buf.append(s.replace("\n", " ").replace("\r", " ").replace("\t", " "))

    def walk(self, el: Any, depth: int = 0) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower().rsplit("}", 1)[-1]
        if tag in SKIP:
            return
        if tag == "script":
            self.script(el, depth)
            return
        if tag == "table":
            self.flush_text()
            self.table(el, depth)
            return
        if tag == "br":
            self.newline()
            return
        if tag == "textarea":
            self.flush_text()
            self.inner(el.text or "", depth)
            return
        block = tag in BLOCK or tag in ("tr", "td", "th")
        if block:
            self.newline()
        self.text(el.text)
        for child in el:
            self.walk(child, depth)
            self.text(child.tail)
        if block:
            self.newline()

    def inner(self, markup: str, depth: int) -> None:
        if depth >= MAX_DEPTH or not markup.strip():
            return
        root = parse(markup)
        if root is None:
            return
        self.flush_text()
        self.walk(root, depth + 1)
        self.flush_text()

    def script(self, el: Any, depth: int) -> None:
        code = el.text or ""
        if _ESCAPED.search(code) or _MARKUP.search(code):
            self.inner(markup_in_script(code), depth)

    def table(self, table: Any, depth: int) -> None:
        for tr in _rows_of(table):
            cells: list[str] = []
            for td in tr:
                tag = td.tag.lower() if isinstance(td.tag, str) else ""
                if tag not in ("td", "th"):
                    continue
                if _has_table(td) or len(td.text_content()) > 300:
                    # a layout cell holding the report itself: read its content as flow
                    if cells:
                        self.rows.append(Row(tuple(cells), table=True))
                        cells = []
                    self.flush_text()
                    self.walk(td, depth)
                    self.flush_text()
                    continue
                cells.append(_cell_text(td))
            if cells:
                self.rows.append(Row(tuple(cells), table=True))


def _rows_of(table: Any) -> list[Any]:
    rows = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if isinstance(c.tag, str) and c.tag.lower() == "tr")
    return rows


def _has_table(el: Any) -> bool:
    return any(isinstance(x.tag, str) and x.tag.lower() == "table" for x in el.iterdescendants())


def _cell_text(td: Any) -> str:
    parts: list[str] = []

    def go(el: Any) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in SKIP or tag == "script":
            return
        if tag == "br" or tag in BLOCK:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for c in el:
            go(c)
            if c.tail:
                parts.append(c.tail)

    go(td)
    return re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(parts)).strip()


def parse(markup: str) -> Any:
    from lxml import etree
    from lxml import html as lhtml

    parser = lhtml.HTMLParser(
        # huge_tree: pages nested deeper than libxml2's default 256 levels are read (up to 2048)
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )
    markup = _XML_DECL.sub("", markup)
    try:
        return lhtml.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def html_rows(data: bytes, name: str = "报告") -> list[Row]:
    text = decode_html(data)
    if "<script" not in text.lower() and _BARE_ESCAPES.search(text):
        # markup saved with its string escapes (\" \/ \n), e.g. copied out of a script or a
        # JSON response into a text file: undo them and read the markup
        text = _unescape_js(text)
    root = parse(text)
    if root is None:
        raise GknbError(f"{name} 无法解析为网页。请用浏览器打开确认，或把正文复制为 .txt 再试。")
    walker = _Walker()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 3 * HTML_NESTING))  # a frame per level of nesting
    try:
        walker.walk(root)
    finally:
        sys.setrecursionlimit(limit)
    walker.flush_text()
    rows = walker.rows
    if not any(_T3_MARK.search(c) for r in rows for c in r.cells) and _ESCAPED.search(text):
        # a JSON body (an API response saved as a page): the report is in its strings
        walker = _Walker()
        walker.inner(markup_in_script(text), 0)
        if walker.rows:
            return walker.rows
    if not any("<table" in c.lower() for r in rows for c in r.cells):
        return rows
    # markup shown as text (entity-escaped in the page): read it as markup
    walker = _Walker()
    for r in rows:
        joined = "\n".join(r.cells)
        if "<table" in joined.lower():
            walker.inner(joined, 0)
        else:
            walker.rows.append(r)
    return walker.rows
