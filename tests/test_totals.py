from gknb.synth import consistent_report
from gknb.totals import compute_totals
from gknb.values import parse_value


def test_totals_of_a_consistent_report_are_unchanged():
    for version in ("2019", "2021"):
        report = consistent_report(version, 3)
        changes = compute_totals(report)
        assert len(changes) == len(report.format.total_keys())
        assert not [c for c in changes if c.changed]


def test_totals_are_computed_from_inputs_only():
    report = consistent_report("2021", 3)
    for key in report.format.total_keys():
        report.cells[key] = parse_value(None)
    changes = {c.key: c for c in compute_totals(report)}
    fresh = consistent_report("2021", 3)
    for key, change in changes.items():
        assert change.new == fresh.value(key)


def test_an_unreadable_input_blocks_only_its_totals():
    report = consistent_report("2021", 3)
    bad = ("T3", "r1_open", "natural")
    report.cells[bad] = parse_value("abc")
    blocked = {c.key for c in compute_totals(report) if c.new is None}
    assert blocked == {
        ("T3", "r1_open", "total"),
        ("T3", "r7_total", "natural"),
        ("T3", "r7_total", "total"),
    }
