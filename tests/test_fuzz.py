"""The fuzz and fault suite, bounded for CI (bench/fuzz.py runs thousands of the same cases).

Every input is made here from the product's own consistent reports (tests/fuzz_support.py):
mutated workbooks, documents and texts, and faults around a healthy workbook. What must hold:
no traceback, no exit 3, no hang, bounded memory, the user's file and backups intact, a healthy
neighbour's review result untouched, and check and review reaching the same verdict.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_support
from gknb.errors import GknbError


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    return fuzz_support.make_seeds(tmp_path_factory.mktemp("seeds"))


def test_check_and_review_agree_on_mutated_workbooks(seeds, tmp_path):
    disagreements = []
    for path, what in fuzz_support.mutated_workbooks(seeds, tmp_path, 120, seed=15):
        found = fuzz_support.disagreement(path)
        if found:
            disagreements.append(f"{what}: {found}")
    assert disagreements == []


@pytest.mark.parametrize("block", range(4))
def test_fuzz_cases_in_real_processes(seeds, tmp_path, block):
    rng = random.Random(1000 + block)
    failures = []
    for n in range(block * 5, block * 5 + 5):
        outcome = fuzz_support.run_case(n, seeds, tmp_path, rng)
        if outcome.failed:
            failures.append((outcome.case, outcome.problems, outcome.stderr[-400:]))
    assert failures == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.data(),
    st.text(
        alphabet=st.sampled_from([*"0123456789\t /-—无个件万元=+\r\n", *fuzz_support.CONTROL[:6]]),
        max_size=40,
    ),
)
def test_any_text_inserted_into_a_report_reads_or_says_why(seeds, data, piece):
    from gknb.reader import read_text

    text = seeds["2021.txt"].read_text(encoding="utf-8")
    at = data.draw(st.integers(0, len(text)))
    try:
        read_text(text[:at] + piece + text[at:], "报告.txt")
    except GknbError as exc:
        assert str(exc).strip()
