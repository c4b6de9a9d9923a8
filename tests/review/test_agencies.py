import pytest

from gknb.review.agencies import Pairable, agency_key, duplicates, pair_years


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("赣州市生态环境局", "赣州市 生态环境局"),
        ("赣州市生态环境局", "赣州市\u3000生态环境局 "),
        ("赣州市人民政府办公室", "赣州市政府办公室"),
        ("遵义市卫生健康委员会", "遵义市卫生健康委"),
        ("中共XX市委网信办（XX市互联网信息办公室）", "中共XX市委网信办(XX市互联网信息办公室)"),
        ("阜新市生态环境局", "2020年度阜新市生态环境局"),
        ("阜新市生态环境局", "阜新市生态环境局2020年政府信息公开工作年度报告"),
        ("ＡＢＣ局", "ABC局"),
        ("“智慧城市”办公室", "智慧城市办公室"),
    ],
)
def test_same_agency(a, b):
    assert agency_key(a) == agency_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("市中区生态环境分局", "市中区生态环境局"),
        ("赣州市生态环境局", "南昌市生态环境局"),
        ("XX街道办事处", "XX街道办公室"),
        ("XX市发展和改革委员会", "XX市发展改革委员会"),
        ("XX省教育厅", "XX省教育局"),
        ("XX市委员会办公室", "XX市委办公室"),
    ],
)
def test_different_agencies(a, b):
    assert agency_key(a) != agency_key(b)


def test_no_name_never_pairs():
    assert agency_key("") == ""
    entries = [Pairable(0, "", 2024, True, "a"), Pairable(1, "", 2025, True, "b")]
    assert pair_years(entries) == {}


def test_pairs_consecutive_years_preferring_the_workbook():
    entries = [
        Pairable(0, "k", 2024, False, "a.docx"),
        Pairable(1, "k", 2024, True, "b.xlsx"),
        Pairable(2, "k", 2025, True, "c.xlsx"),
        Pairable(3, "k", 2022, True, "d.xlsx"),  # two years back: no pair
        Pairable(4, "other", 2025, True, "e.xlsx"),
        Pairable(5, "k", None, True, "f.xlsx"),
    ]
    assert pair_years(entries) == {2: 1}
    dup = duplicates(entries)
    assert set(dup) == {0, 1}
