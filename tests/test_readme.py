import contextlib
import io
from pathlib import Path

from gknb.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_rule_table_is_generated_from_the_catalogue():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["rules", "--markdown"])
    text = README.read_text(encoding="utf-8")
    start = text.index("| 规则 |")
    end = text.index("<!-- end of rules -->")
    assert text[start:end].strip() == buf.getvalue().strip()
