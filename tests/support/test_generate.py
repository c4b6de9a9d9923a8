"""The benchmark's generator and scorer, at a small N: every injected mistake is found with the
right rule and cell, and no consistent report gets an error."""

import io
import json
from pathlib import Path

from gknb.review.batch import review
from support.generate import generate, load_manifest, reader_available, score


def test_generated_folder_scores_full_recall(tmp_path):
    folder = tmp_path / "gen"
    made = generate(folder, 24, seed=3, inject_rate=0.5, pair_rate=0.4, report_rate=0.25)
    assert load_manifest(folder) == made
    assert {m.version for m in made} == {"2019", "2021"}
    assert any(m.expect for m in made) and any(not m.expect for m in made)
    if reader_available():
        assert any(m.kind == "report" for m in made)
    buf = io.StringIO()
    outcome = review([folder], None, jobs=1, json_out=buf)
    assert outcome.rechecked > 0
    findings = {}
    for line in buf.getvalue().splitlines():
        d = json.loads(line)
        findings[Path(d["file"]).name] = d.get("findings")
    result = score(made, findings)
    assert result.missed == []
    assert result.false == []
    assert result.recall == 1.0 and result.expected > 0


def test_score_counts_misses_and_false_errors():
    from support.generate import Expect, Made

    made = [
        Made(
            "a.xlsx",
            "workbook",
            "甲",
            2025,
            "2021",
            "x",
            [Expect("R2", "error", "S!D1", "", "", "")],
        ),
        Made("b.xlsx", "workbook", "乙", 2025, "2021"),
    ]
    error = {
        "rule": "R3",
        "severity": "error",
        "cell": "S!J1",
        "table": "",
        "row": "",
        "column": "",
        "message": "",
    }
    result = score(made, {"a.xlsx": [], "b.xlsx": [error]})
    assert (result.expected, result.found, result.false_errors) == (1, 0, 1)
    assert result.recall == 0.0
