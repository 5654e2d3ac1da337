from nlp.assemble import assemble
from nlp.extract.base import Candidate

TEXT = "A 66-year-old woman had L1 and L2 lesions. Cement 3 mL at L1 and 6 mL at L2. VAS 8, then 4, then 2."


def _c(field, value, target, section="case", flags=(), confidence=0.9):
    start = TEXT.index(target)
    return Candidate(field, value, start, start + len(target), confidence, section, frozenset(flags))


def test_record_keeps_evidence_and_confidence_for_every_set_field():
    record = assemble("d", 1, [_c("age_years", 66.0, "66-year-old"), _c("sex", "female", "woman"),
                               _c("levels", "L1", "L1 and L2"), _c("levels", "L2", "L1 and L2")], TEXT)
    assert record.age_years == 66 and record.sex == "female" and record.levels == ["L1", "L2"]
    for field in ("age_years", "sex", "levels"):
        spans = record.evidence[field]
        assert spans and all(TEXT[s.start:s.end] == s.text for s in spans)
        assert 0 < record.confidence[field] <= 1
    assert "vas_pre" not in record.evidence


def test_blocked_candidates_are_not_values():
    record = assemble("d", 1, [_c("treatments", "radiotherapy", "VAS 8", flags=["hypothetical"]),
                               _c("treatments", "vertebroplasty", "Cement 3 mL")], TEXT)
    assert record.treatments == ["vertebroplasty"]
    assert record.combination == "vertebroplasty"


def test_total_cement_is_the_sum_of_levels_when_not_stated():
    record = assemble("d", 1, [_c("cement_volumes", {"level": "L1", "ml": 3.0}, "3 mL at L1"),
                               _c("cement_volumes", {"level": "L2", "ml": 6.0}, "6 mL at L2")], TEXT)
    assert record.cement_total_ml == 9


def test_post_treatment_score_is_the_last_reported():
    record = assemble("d", 1, [_c("vas_post", 4.0, "then 4"), _c("vas_post", 2.0, "then 2")], TEXT)
    assert record.vas_post == 2


def test_case_section_beats_discussion():
    record = assemble("d", 1, [_c("age_years", 40.0, "VAS 8", section="discussion"),
                               _c("age_years", 66.0, "66-year-old", section="case")], TEXT)
    assert record.age_years == 66


def test_a_total_for_the_one_treated_vertebra_is_its_volume():
    record = assemble("d", 1, [_c("levels", "L1", "L1 and L2"), _c("cement_total_ml", 3.0, "Cement 3 mL")], TEXT)
    assert [(v.level, v.ml) for v in record.cement_volumes] == [("L1", 3.0)]
    assert {s.text for s in record.evidence["cement_volumes"]} == {"Cement 3 mL", "L1 and L2"}


def test_a_sideless_artery_named_elsewhere_with_its_side_is_one_artery():
    record = assemble("d", 1, [_c("feeder_arteries", {"side": "bilateral", "level": "L1"}, "L1 and L2"),
                               _c("feeder_arteries", {"side": None, "level": "L1"}, "at L1"),
                               _c("feeder_arteries", {"side": None, "level": "L2"}, "at L2")], TEXT)
    assert [(f.side, f.level) for f in record.feeder_arteries] == [("bilateral", "L1"), (None, "L2")]


def test_one_uncued_pain_score_is_the_score_before_treatment():
    score = [_c("vas_pre", 8.0, "VAS 8", flags=["untimed"]), _c("vas_post", 8.0, "VAS 8", flags=["untimed"])]
    record = assemble("d", 1, score, TEXT)
    assert (record.vas_pre, record.vas_post) == (8, None)
    record = assemble("d", 1, score + [_c("vas_post", 2.0, "then 2")], TEXT)
    assert (record.vas_pre, record.vas_post) == (8, 2)
    unchanged = [_c("vas_pre", 6.0, "VAS 8"), _c("vas_post", 6.0, "VAS 8")]  # a "6/6" table cell
    assert assemble("d", 1, unchanged, TEXT).vas_post == 6


def test_bilateral_mention_of_named_left_and_right_arteries_is_no_third():
    record = assemble("d", 1, [_c("feeder_arteries", {"side": "left", "level": "L1"}, "L1 and L2"),
                               _c("feeder_arteries", {"side": "right", "level": "L1"}, "L1 and L2"),
                               _c("feeder_arteries", {"side": "bilateral", "level": "L1"}, "at L1")], TEXT)
    assert sorted(f.side for f in record.feeder_arteries) == ["left", "right"]
