"""Data flows one way: every import in pysrc/gknb (inside functions too) points to the same
layer or a lower one, and no modules import each other in a circle. Every ignore comment for
mypy names the error it silences and says why."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import gknb

PACKAGE = Path(gknb.__file__).parent

# lowest first; a module belongs to the layer of its longest matching prefix
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("gknb", "gknb.errors", "gknb.text", "gknb.files", "gknb.launch", "gknb.pool", "gknb.formats",
              "gknb.model", "gknb.values", "gknb.layout")),
    ("core", ("gknb.rules", "gknb.totals", "gknb.textgen", "gknb.synth", "gknb.diff")),
    ("adapters", ("gknb.workbook", "gknb.reader", "gknb.word", "gknb.build")),
    ("operations", ("gknb.sources", "gknb.service", "gknb.importer", "gknb.word.export",
                    "gknb.demo", "gknb.sendto")),
    ("front ends", ("gknb.cli", "gknb.console", "gknb.__main__", "gknb.excel", "gknb.review",
                    "gknb.word.cli", "gknb.reader.cli", "gknb.build.__main__")),
)  # fmt: skip


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every gknb module the file imports, at module level or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            for a in node.names:
                full = f"{base}.{a.name}"
                found.add(full if full in known else base)
    return {m for m in found if m in known and m != name}


def layer(name: str) -> int:
    best, rank = "", -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > len(best):
                best, rank = prefix, i
    assert rank >= 0, f"{name} belongs to no layer: add it to LAYERS"
    return rank


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_every_module_has_a_layer():
    for name in modules():
        layer(name)


def test_no_import_points_to_a_higher_layer():
    upward = [
        f"{a} ({LAYERS[layer(a)][0]}) imports {b} ({LAYERS[layer(b)][0]})"
        for a, targets in graph().items()
        for b in targets
        if layer(b) > layer(a)
    ]
    assert upward == []


RULE_ENTRY = ("gknb.service",)  # the one way in to the rule catalogue: check, list, compare


def rules_importers(edges: dict[str, set[str]]) -> list[str]:
    """Modules outside the rules that import them (findings, labels and summaries live in
    the model and the formats; only the service runs or lists the rules)."""

    def in_rules(name: str) -> bool:
        return name == "gknb.rules" or name.startswith("gknb.rules.")

    return sorted(
        f"{a} imports {b}"
        for a, targets in edges.items()
        for b in targets
        if in_rules(b) and not in_rules(a) and a not in RULE_ENTRY
    )


def test_only_the_service_imports_the_rules():
    assert rules_importers(graph()) == []


# the test-data generator leaves the package for test support (it may name the formats)
VERSION_TESTS_ALLOWED = ("gknb.formats", "gknb.review.generate")


def version_tests(name: str, source: str) -> list[str]:
    """Comparisons of a format version with a literal ("2019"): what differs between formats
    belongs to the formats, which the code asks instead."""

    def is_version(node: ast.expr) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "version") or (
            isinstance(node, ast.Name) and node.id == "version"
        )

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            literal = any(isinstance(x, ast.Constant) and isinstance(x.value, str) for x in sides)
            if literal and any(is_version(x) for x in sides):
                found.append(f"{name}:{node.lineno}")
    return sorted(found)


def test_no_module_outside_the_formats_tests_a_version_string():
    found = [
        hit
        for name, path in modules().items()
        if not any(name == p or name.startswith(p + ".") for p in VERSION_TESTS_ALLOWED)
        for hit in version_tests(name, path.read_text(encoding="utf-8"))
    ]
    assert found == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle():
    assert cycles(graph()) == []


def test_the_checks_find_what_they_guard_against():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert layer("gknb.rules.cells") < layer("gknb.service") < layer("gknb.cli")
    assert layer("gknb.word.export") > layer("gknb.word.style")
    assert rules_importers(
        {
            "gknb.service": {"gknb.rules"},
            "gknb.rules.cells": {"gknb.rules.common"},
            "gknb.cli": {"gknb.model"},
            "gknb.diff": {"gknb.rules.common"},
        }
    ) == ["gknb.diff imports gknb.rules.common"]
    assert version_tests(
        "m", 'x = 1 if fmt.version == "2019" else 2\nif version != "2021": pass'
    ) == [
        "m:1",
        "m:2",
    ]
    assert version_tests("m", "same = a.version == b.version") == []


# ---- type checking: every ignore comment for mypy says which error it silences and why -------

ROOT = PACKAGE.parents[1]
_IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<rest>.*)")
_EXPLAINED = re.compile(r"\[[a-z-]+(?:,\s*[a-z-]+)*\]\s+#\s*\S.*")


def unexplained_ignores(source: str) -> list[int]:
    """Lines whose `# type: ignore` comment lacks an error code or a reason after it, as in
    `# type: ignore[attr-defined]  # ctypes.windll exists only on Windows`."""
    bad = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.COMMENT:
            continue
        m = _IGNORE.search(tok.string)
        if m and not _EXPLAINED.fullmatch(m.group("rest")):
            bad.append(tok.start[0])
    return bad


def test_every_type_ignore_names_its_code_and_reason():
    found = {}
    for folder in ("pysrc", "tests", "bench", "installer"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            lines = unexplained_ignores(path.read_text(encoding="utf-8"))
            if lines:
                found[str(path.relative_to(ROOT))] = lines
    assert found == {}


def test_the_ignore_check_finds_what_it_guards_against():
    source = (
        "a = 1  # type: ignore\n"
        "b = 2  # type: ignore[attr-defined]\n"
        "c = 3  # type: ignore  # no code\n"
        "d = 4  # type: ignore[attr-defined]  # only on Windows\n"
        "e = 5  # type: ignore[arg-type, union-attr]  # both from the stub\n"
        "f = '# type: ignore in a string is not a comment'\n"
        "g = 6  #type:ignore[misc]\n"
    )
    assert unexplained_ignores(source) == [1, 2, 3, 7]
