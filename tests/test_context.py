from nlp.context import modifiers


def _flags(sentence: str, target: str, section: str = "case") -> set[str]:
    start = sentence.index(target)
    return modifiers(sentence, start, start + len(target), section)


def test_negation_scopes_forward_until_a_terminator():
    assert "negated" in _flags("There was no cement leakage on CT.", "cement leakage")
    assert "negated" not in _flags("No fever was reported, but cement leakage was seen.", "cement leakage")


def test_backward_negation():
    assert "negated" in _flags("Transfusion was not required.", "Transfusion")


def test_hypothetical_and_recommendation():
    assert "hypothetical" in _flags("If recurrence is suspected we recommend vertebrectomy.", "vertebrectomy")
    assert "hypothetical" in _flags("Radiotherapy is reserved for patients unfit for surgery.", "Radiotherapy")


def test_general_statement_in_discussion_is_review():
    assert "review" in _flags("Vertebroplasty relieves pain in most lesions.", "Vertebroplasty", "discussion")
    assert "review" not in _flags("In our patient, vertebroplasty relieved pain.", "vertebroplasty", "discussion")
    assert "review" not in _flags("Vertebroplasty relieved pain.", "Vertebroplasty", "case")


def test_plain_statement_has_no_modifiers():
    assert _flags("She underwent embolization of the right L1 lumbar artery.", "embolization") == set()


def test_pooled_figures():
    assert "pooled" in _flags("The mean age was 45 years.", "45 years")


def test_without_negates_only_what_follows_closely():
    sentence = "MRI without contrast, obtained after a week of worsening pain, showed a mass at D4."
    assert "negated" not in _flags(sentence, "mass at D4")
    assert "negated" in _flags("He recovered without neurological deficit.", "neurological deficit")


def test_a_patient_reference_covers_its_own_clause_only():
    sentence = ("Sclerotherapy has given healing rates comparable to curettage, "
                "and our case suggests that it is feasible in the spine.")
    assert "review" in _flags(sentence, "curettage", "discussion")
    assert "review" not in _flags("In our case, curettage was avoided.", "curettage", "discussion")


def test_a_relative_bringing_the_patient_is_no_other_experiencer():
    sentence = "A 12-year-old boy was brought by his parents with mid-back pain of six weeks' duration."
    assert "other_person" not in _flags(sentence, "six weeks' duration")
    assert "other_person" in _flags("His mother, 32 years old, was well.", "32 years old")


def test_a_judgement_of_the_patient_is_no_hypothesis():
    sentence = "Because he was considered unfit for anaesthesia, he was treated with radiotherapy, 40 Gy."
    assert "hypothetical" not in _flags(sentence, "40 Gy")
