import pytest
from hypothesis import given, settings, strategies as st

from nlp.normalize.durations import parse_duration


@pytest.mark.parametrize("text, months", [
    ("1 year", 12), ("6 weeks", 1.38), ("eighteen months", 18), ("two and a half years", 30), ("10 days", 0.33),
    ("3-4 months", 3.5), ("a year", 12), ("half a year", 6), ("a year and a half", 18), ("one and a half years", 18),
    ("1 year and 6 months", 18), ("2 years, 3 months", 27), ("back pain for 2 years", 24),
    ("a 6-week history", 1.38), ("18 mo", 18), ("about 14 days", 0.46), ("48 hours", 0.07),
    ("several months", None), ("a few weeks", None), ("no time here", None), ("500 mL", None),
])
def test_parse_duration(text, months):
    assert parse_duration(text) == months


def test_only_adjacent_quantities_add_up():
    assert parse_duration("pain for 2 years; surgery 3 months later") == 24


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_durations_are_never_negative(text):
    months = parse_duration(text)
    assert months is None or months >= 0


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 500), st.sampled_from(["days", "weeks", "months", "years"]))
def test_unit_factors(n, unit):
    factor = {"days": 1 / 30.44, "weeks": 7 / 30.44, "months": 1, "years": 12}[unit]
    assert parse_duration(f"{n} {unit}") == pytest.approx(n * factor, abs=0.005)


def test_a_fortnight_is_two_weeks():
    assert parse_duration("a fortnight") == parse_duration("two weeks") == 0.46
