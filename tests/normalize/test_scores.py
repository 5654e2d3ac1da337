import pytest
from hypothesis import given, settings, strategies as st

from nlp.normalize.scores import PainScore, find_pain_scores, pain_score, parse_pain_score


@pytest.mark.parametrize("value, scale, score", [
    (8, "/10", 8), (8, "10", 8), (8, "out of 10", 8), (75, "mm", 7.5), (75, "/100", 7.5), (7, "cm", 7),
    (8, None, 8), (75, None, 7.5), (10, None, 10), (0, None, 0),
    (120, None, None), (12, "/10", None), (-1, None, None), (5, "/5", None),
])
def test_pain_score(value, scale, score):
    assert pain_score(value, scale) == score


@pytest.mark.parametrize("text, score", [
    ("VAS 8/10", 8), ("NRS 7", 7), ("VAS 75 mm", 7.5), ("VAS of 8", 8), ("8 on VAS", 8), ("score of 7/10", 7),
    ("3/10 on the visual analog scale (VAS)", 3), ("visual analogue scale (VAS) score of 80 mm", 8),
    ("pain, which he rated at 7/10", 7), ("VAS decreased from 8 to 2", 8), ("VAS at 6 months was 2", 2),
    ("VAS (0-10) was 8", 8), ("VAS 7-8", 7.5), ("numeric rating scale 6", 6),
    ("JOA score of 12", None), ("the vascular lesion had a nidus", None), ("Pain scores on a scale", None),
    ("VAS decreased in six patients", None), ("the VAS was 110", None),
])
def test_parse_pain_score(text, score):
    assert parse_pain_score(text) == score


def test_find_pain_scores_in_order_with_offsets():
    text = "Pain was VAS 8/10 before and VAS 1/10 after."
    assert find_pain_scores(text) == [PainScore(8, 0, 17), PainScore(1, 29, 37)]


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e3, 1e3, allow_nan=False), st.sampled_from([None, "/10", "/100", "mm", "cm", "out of 10"]))
def test_scores_stay_on_0_to_10(value, scale):
    score = pain_score(value, scale)
    assert score is None or 0 <= score <= 10


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_parse_never_raises(text):
    score = parse_pain_score(text)
    assert score is None or 0 <= score <= 10


@pytest.mark.parametrize("text, value", [
    ("She rated her pain at 80 on a 0–100 mm visual analog scale (VAS).", 8.0),
    ("He rated his pain as 6 on a 0–10 visual analog scale.", 6.0),
    ("Her pain score was nine out of ten on the numerical rating scale.", 9.0),
    ("At six months his pain score was three, and he was back at work.", 3.0),
])
def test_scores_with_the_range_before_the_scale_or_in_words(text, value):
    assert parse_pain_score(text) == value


def test_a_word_number_that_counts_patients_is_no_score():
    assert parse_pain_score("VAS improved in one of the patients.") is None


@pytest.mark.parametrize("text, value", [
    ("He rated his pain at eight on a ten-point visual analog scale.", 8.0),
    ("Her pain was 70 on a 100-mm visual analogue scale.", 7.0),
])
def test_scale_named_as_points_or_millimetres(text, value):
    assert parse_pain_score(text) == value


def test_score_of_ten():
    assert parse_pain_score("She rated her pain 6 of 10 on a numeric rating scale.") == 6.0
