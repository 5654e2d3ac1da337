import re

import pytest
from hypothesis import given, settings, strategies as st

from nlp.normalize.numbers import DIGITS_RE, NUMBER_RE, SINGLE_NUMBER_RE, parse_number


@pytest.mark.parametrize("text, value", [
    ("12", 12), ("12.5", 12.5), ("12,5", 12.5), ("0,500", 0.5), ("1,200", 1200), ("1,234.50", 1234.5),
    (".5", 0.5), ("½", 0.5), ("1½", 1.5), ("1 ½", 1.5),
    ("two", 2), ("eighteen", 18), ("twenty-one", 21), ("Twenty one", 21), ("a hundred", 100),
    ("two hundred and fifty", 250), ("one thousand five hundred", 1500), ("a", 1), ("an", 1),
    ("one and a half", 1.5), ("2 and a half", 2.5), ("half a", 0.5), ("half", 0.5),
    ("3-5", 4), ("3–5", 4), ("3 to 5", 4), ("between 3 and 5", 4), ("three to five", 4), ("1,000-2,000", 1500),
    ("approximately 500", 500), ("about 3", 3), ("around 3", 3), ("~500", 500), ("~ 500", 500),
    ("nearly 2", 2), ("almost 2", 2), ("over 60", 60), ("more than 2", 2), ("<5", 5), ("> 5", 5),
    ("an estimated 800", 800), ("approximately 3-4", 3.5),
])
def test_parses_what_reports_write(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "several", "-5", "12 mL", "bone", "3 and 5", "T12"])
def test_refuses_what_is_not_one_number(text):
    assert parse_number(text) is None


def test_number_re_finds_numbers_in_running_text():
    text = ("The bone often hurt at T12 and CD34 was positive; about 500 mL were lost over 3-5 days, "
            "between 2 and 4 weeks, twenty-one years, one and a half months, 1,200 mL, a 66-year-old")
    found = [m.group() for m in re.finditer(NUMBER_RE, text)]
    assert found == ["500", "3-5", "between 2 and 4", "twenty-one", "one and a half", "1,200", "a", "66"]


def test_fragments_have_no_capturing_groups_and_ignore_outer_flags():
    for fragment in (NUMBER_RE, SINGLE_NUMBER_RE, DIGITS_RE):
        assert re.compile(fragment).groups == 0
    assert re.fullmatch(NUMBER_RE, "Eighteen")
    assert re.fullmatch(rf"(?P<n>{NUMBER_RE})\s*ml", "3 to 5 ml")["n"] == "3 to 5"


def test_single_number_re_does_not_read_a_change_as_a_range():
    assert re.match(SINGLE_NUMBER_RE, "8 to 2").group() == "8"


_SMALL = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
         "fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    """English words for 0 <= n < 1000, as a report would write them."""
    if n < 20:
        return _SMALL[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("" if n % 10 == 0 else "-" + _SMALL[n % 10])
    rest = n % 100
    return _SMALL[n // 100] + " hundred" + ("" if rest == 0 else " and " + _words(rest))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 999))
def test_words_round_trip(n):
    assert parse_number(_words(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1e7, allow_nan=False), st.integers(0, 4), st.booleans())
def test_formatted_floats_round_trip(x, decimals, grouped):
    text = f"{x:,.{decimals}f}" if grouped else f"{x:.{decimals}f}"
    assert parse_number(text) == pytest.approx(float(text.replace(",", "")))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_never_raises_and_every_match_parses(text):
    parse_number(text)
    for m in re.finditer(NUMBER_RE, text):
        assert parse_number(m.group()) is not None
