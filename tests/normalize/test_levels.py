import re

import pytest
from hypothesis import given, settings, strategies as st

from nlp.normalize.levels import LEVEL_RE, expand_range, find_levels, normalize_level
from nlp.schema import LEVELS


@pytest.mark.parametrize("token, level", [
    ("D7", "T7"), ("Th4", "T4"), ("T-8", "T8"), ("t12", "T12"), ("L 1", "L1"), ("C5", "C5"), ("S1", "S1"),
    ("T13", None), ("C8", None), ("L6", None), ("S6", None), ("X1", None), ("T", None), ("", None),
])
def test_normalize_level(token, level):
    assert normalize_level(token) == level


def test_expand_range_follows_the_spine():
    assert expand_range("T11", "L1") == ["T11", "T12", "L1"]
    assert expand_range("L1", "T11") == ["T11", "T12", "L1"]
    assert expand_range("C7", "T1") == ["C7", "T1"]
    assert expand_range("L5", "S1") == ["L5", "S1"]
    assert expand_range("D8", "D12") == ["T8", "T9", "T10", "T11", "T12"]
    assert expand_range("T12", "T13") == []


@pytest.mark.parametrize("text, levels", [
    ("T11-L1", [["T11", "T12", "L1"]]), ("T11–L1", [["T11", "T12", "L1"]]), ("T11 to L1", [["T11", "T12", "L1"]]),
    ("from T12 to L3", [["T12", "L1", "L2", "L3"]]), ("L1/2", [["L1", "L2"]]), ("L1-2", [["L1", "L2"]]),
    ("C1-C2", [["C1", "C2"]]), ("C1–2", [["C1", "C2"]]), ("L5-S1", [["L5", "S1"]]),
    ("T5 and T6", [["T5"], ["T6"]]), ("T5, T6 and T7", [["T5"], ["T6"], ["T7"]]),
    ("D9", [["T9"]]), ("Th4", [["T4"]]), ("T-8", [["T8"]]), ("C5", [["C5"]]), ("S1 segment", [["S1"]]),
    ("the L1 vertebral body", [["L1"]]), ("the first lumbar vertebra", [["L1"]]),
    ("twelfth thoracic vertebra", [["T12"]]), ("Second Dorsal Vertebra", [["T2"]]),
    ("the eleventh and twelfth thoracic vertebrae", [["T11", "T12"]]),
    ("first to third lumbar vertebrae", [["L1", "L2", "L3"]]), ("1st lumbar vertebral body", [["L1"]]),
    ("an aggressive T1 haemangioma", [["T1"]]), ("pedicle screws at T1 and T2", [["T1"], ["T2"]]),
    ("T12-13", [["T12"]]), ("L4-2", [["L4"]]),
    ("cervical vertebra 2 to 4", [["C2", "C3", "C4"]]), ("lumbar vertebrae 4 and 5", [["L4", "L5"]]),
    ("thoracic vertebra 11", [["T11"]]), ("lumbar vertebra 3 mm", []), ("cervical vertebra 9", []),
])
def test_finds_vertebrae(text, levels):
    assert [m.levels for m in find_levels(text)] == levels


@pytest.mark.parametrize("text", [
    "T2-weighted", "T1-weighted images", "T2WI", "T1WI", "T1 hypointense", "T2 hyperintense", "T2 signal",
    "T1 and T2 sequences", "T1- and T2-weighted images", "T1/T2-weighted", "T2 STIR", "T1 C+", "T2*",
    "T2: hyperintense", "hypointense on T1 and hyperintense on T2", "bright on both T1 and T2.",
    "bright on T1 and T2.", "CD34", "CD31-positive", "C3 complement", "C1 esterase inhibitor", "S100",
    "PD-L1", "the L1 ligand", "L1CAM", "vitamin D3", "free T4", "Enneking stage S3", "Enneking S2",
    "S3 (aggressive)", "stage T2", "the first lumbar puncture",
])
def test_ignores_false_friends(text):
    assert find_levels(text) == []


def test_offsets_point_at_the_mention():
    text = "An AVH of the first lumbar vertebra (L1) and T11-T12, seen on T2-weighted images."
    assert [(text[m.start:m.end], m.levels) for m in find_levels(text)] == [
        ("first lumbar vertebra", ["L1"]), ("L1", ["L1"]), ("T11-T12", ["T11", "T12"])]


def test_level_re_is_one_case_sensitive_code_without_groups():
    assert re.compile(LEVEL_RE).groups == 0
    assert re.fullmatch(LEVEL_RE, "T11", re.IGNORECASE)
    assert not re.search(LEVEL_RE, "at t11 and l1", re.IGNORECASE)
    assert [m.group() for m in re.finditer(LEVEL_RE, "D9, Th4, T-8; T2-weighted")] == ["D9", "Th4", "T-8"]


def test_every_level_normalises_to_itself_and_dorsal_to_thoracic():
    assert all(normalize_level(level) == level for level in LEVELS)
    assert all(normalize_level(f"D{n}") == f"T{n}" for n in range(1, 13))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LEVELS), st.sampled_from(LEVELS))
def test_expand_range_is_monotone_and_within_levels(a, b):
    levels = expand_range(a, b)
    positions = [LEVELS.index(x) for x in levels]
    assert positions == list(range(positions[0], positions[-1] + 1))
    assert {levels[0], levels[-1]} == {a, b}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("CTDLSh0123456789-–/ tondawegiWI,"), max_size=40) | st.text(max_size=40))
def test_find_levels_never_raises_and_stays_in_the_spine(text):
    for m in find_levels(text):
        assert 0 <= m.start < m.end <= len(text)
        assert m.levels and all(level in LEVELS for level in m.levels)
        assert m.levels == sorted(m.levels, key=LEVELS.index)


@pytest.mark.parametrize("text, expected", [
    ("between the sixth and eighth thoracic vertebrae", ["T6", "T7", "T8"]),
    ("the twelfth thoracic and fifth lumbar vertebrae", ["T12", "L5"]),
    ("a lesion of the atlas", ["C1"]),
    ("the axis vertebra", ["C2"]),
    ("along the long axis of the body", []),
])
def test_ordinal_lists_ranges_and_named_vertebrae(text, expected):
    assert [lv for m in find_levels(text) for lv in m.levels] == expected


def test_signal_in_t1_and_t2_is_no_vertebra():
    text = "a lesion hypointense in T1 and hyperintense in T2 weighted images in the T8 body"
    assert [lv for m in find_levels(text) for lv in m.levels] == ["T8"]
