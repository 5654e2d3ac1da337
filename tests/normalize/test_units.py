import pytest
from hypothesis import given, settings, strategies as st

from nlp.normalize.units import (Quantity, to_years, find_quantities, parse_quantity, to_gy, to_ml,
                                 to_months, total_dose_gy)


@pytest.mark.parametrize("unit, value", [
    ("ml", 5), ("mL", 5), ("mls", 5), ("cc", 5), ("cm3", 5), ("cm³", 5), ("millilitres", 5), ("milliliter", 5),
    ("L", 5000), ("l", 5000), ("litre", 5000), ("liters", 5000), ("dl", 500), ("dL", 500),
])
def test_volumes_to_ml(unit, value):
    assert to_ml(5, unit) == value


@pytest.mark.parametrize("value, unit, gy", [(30, "Gy", 30), (3000, "cGy", 30), (4500, "rad", 45),
                                              (4500, "rads", 45), (1800, "cGy", 18)])
def test_doses_to_gy(value, unit, gy):
    assert to_gy(value, unit) == gy


@pytest.mark.parametrize("value, unit, months", [
    (10, "days", 0.33), (10, "d", 0.33), (14, "day", 0.46), (6, "weeks", 1.38), (6, "wk", 1.38), (6, "wks", 1.38),
    (18, "months", 18), (18, "mo", 18), (18, "mos", 18), (18, "mo.", 18), (1, "year", 12), (2, "yrs", 24),
    (2, "y", 24), (48, "hours", 0.07),
])
def test_durations_to_months(value, unit, months):
    assert to_months(value, unit) == months


@pytest.mark.parametrize("value, unit, years", [
    (66, "years", 66), (66, "year-old", 66), (3, "months-old", 0.25), (3, "month old", 0.25),
    (6, "weeks", 0.11), (10, "days", 0.03), (18, "mo", 1.5),
])
def test_ages_to_years(value, unit, years):
    assert to_years(value, unit) == years


@pytest.mark.parametrize("convert, unit", [(to_ml, "weeks"), (to_ml, "furlongs"), (to_gy, "mL"),
                                           (to_months, "Gy"), (to_years, "cc"), (to_months, "")])
def test_unknown_or_foreign_units_are_none(convert, unit):
    assert convert(1, unit) is None


@pytest.mark.parametrize("text, quantity", [
    ("approximately 500 mL", (500, "mL")), ("two millilitres", (2, "mL")), ("6 weeks", (6, "week")),
    ("18 mo", (18, "month")), ("30 Gy in 10 fractions", (30, "Gy")), ("a 6-week history", (6, "week")),
    ("EBL 500ml.", (500, "mL")), ("3-5 days", (4, "day")), ("1.5 L", (1.5, "L")),
    ("no volume here", None), ("T12 L1", None), ("at 3 levels", None),
])
def test_parse_quantity(text, quantity):
    assert parse_quantity(text) == quantity


def test_find_quantities_gives_offsets_and_filters_by_kind():
    text = "Bleeding was 800 mL; 30 Gy were given over 2 weeks."
    assert find_quantities(text) == [Quantity(800, "mL", 13, 19), Quantity(30, "Gy", 21, 26),
                                     Quantity(2, "week", 43, 50)]
    assert [q.unit for q in find_quantities(text, "dose")] == ["Gy"]


@pytest.mark.parametrize("text, total", [
    ("30 Gy in 10 fractions", 30), ("10 fractions of 3 Gy", 30), ("3 Gy x 10", 30), ("10 × 3 Gy", 30),
    ("2 Gy per fraction to a total of 40 Gy", 40), ("4000 cGy", 40), ("2 Gy/fraction", None), ("no dose", None),
])
def test_total_dose(text, total):
    assert total_dose_gy(text) == total


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1e5, allow_nan=False))
def test_conversions_scale_linearly(x):
    assert to_ml(x, "L") == pytest.approx(1000 * x)
    assert to_gy(x, "cGy") == pytest.approx(x / 100)
    assert to_months(x, "years") == pytest.approx(12 * x, abs=0.005)
    assert to_months(x, "days") >= 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_quantities_never_raise_and_lie_in_the_text(text):
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text) and q.value >= 0
    total_dose_gy(text)
