"""Patients of a document: tables joined to their narrative, reports told case by case,
single cases and pooled series. Texts written for these tests."""
import pytest

from nlp.cases import find_refs
from nlp.ingest.document import Document
from nlp.ingest.sections import sections_from_headings
from nlp.pipeline import build_pipeline
from nlp.records import extract_records


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def _records(nlp, text):
    return extract_records(nlp, Document("t", text, sections=sections_from_headings(text)))


SERIES = """Embolisation before surgery for aggressive vertebral haemangioma: four patients

Abstract
Four patients (mean age 52 years) were treated. All improved and none had a recurrence.

Methods
Embolisation used PVA particles in patients 1, 2 and 4 and Onyx in patient 3. All lesions were Enneking stage 3.

Results
Table 1. Patients
| Case | Age/Sex | Level | Treatment | FU (mo) | Outcome |
|---|---|---|---|---|---|
| 1 | 47/F | T7 | TAE + laminectomy | 20 | Good |
| 2 | 62/M | L2 | TAE + corpectomy | 35 | Excellent |
| 3 | 38/F | T11 | TAE + laminectomy | 16 | Good |
| 4 | 55/M | T4 | TAE + laminectomy | NA | NA |
TAE, transarterial embolisation; NA, not available.

Case 3. A 38-year-old woman had had back pain for 5 months before her legs became weak.

Apart from patient 3, who developed a wound infection, there were no complications. No recurrence was seen in any of the patients.

Discussion
Radiotherapy was not used; it may be considered for recurrence.
"""


def test_one_record_per_table_row_in_order(nlp):
    records = _records(nlp, SERIES)
    assert [r.case_index for r in records] == [1, 2, 3, 4]
    assert [r.age_years for r in records] == [47, 62, 38, 55]


def test_narrative_joins_its_row_by_number(nlp):
    third = _records(nlp, SERIES)[2]
    assert third.symptom_duration_months == 5
    assert "infection" in third.complications
    assert all("infection" not in r.complications for i, r in enumerate(_records(nlp, SERIES)) if i != 2)


def test_statements_naming_patients_go_to_them(nlp):
    records = _records(nlp, SERIES)
    assert [r.embolic_agents for r in records] == [["pva"], ["pva"], ["onyx"], ["pva"]]
    assert all(r.enneking_stage == 3 for r in records)


def test_series_statement_skips_a_patient_lost_to_follow_up(nlp):
    records = _records(nlp, SERIES)
    assert [r.recurrence for r in records] == [False, False, False, None]
    assert records[3].outcome is None


def test_narrative_of_rows_outside_any_paragraph_is_ignored(nlp):
    # "Radiotherapy ... may be considered" speaks of nobody
    assert all("radiotherapy" not in r.treatments for r in _records(nlp, SERIES))


CASE_BY_CASE = """Two patients with aggressive vertebral haemangioma

Case 1
A 45-year-old man presented with paraparesis. MRI showed an aggressive haemangioma of T8.

He underwent laminectomy. At 12 months he walked unaided.

Case 2
A 33-year-old woman had back pain for 4 months. CT showed a haemangioma of L3. She was treated with vertebroplasty.

Discussion
In case 1, radiotherapy might have been an option.
"""


def test_case_headings_split_and_keep_their_paragraphs(nlp):
    records = _records(nlp, CASE_BY_CASE)
    assert len(records) == 2
    assert records[0].sex == "male" and records[0].levels == ["T8"] and "laminectomy" in records[0].treatments
    assert records[1].levels == ["L3"] and records[1].treatments == ["vertebroplasty"]
    assert "radiotherapy" not in records[0].treatments


def test_ordinal_patients_in_one_paragraph(nlp):
    text = ("Abstract\nWe report two children. The first patient, a 9-year-old girl with a lesion of L4, "
            "was treated with vertebroplasty. The second patient, a 12-year-old boy with a T10 lesion, "
            "underwent laminectomy.\n")
    records = _records(nlp, text)
    assert [(r.age_years, r.levels) for r in records] == [(9, ["L4"]), (12, ["T10"])]


def test_second_patient_after_an_unnumbered_first(nlp):
    text = ("Case report\nA 45-year-old man had paraparesis from a T8 haemangioma. He underwent laminectomy.\n"
            "The second patient, a 33-year-old woman, had back pain from an L3 haemangioma. "
            "She was treated with vertebroplasty.\n")
    assert [(r.age_years, r.levels) for r in _records(nlp, text)] == [(45, ["T8"]), (33, ["L3"])]


def test_lettered_cases(nlp):
    text = ("Case A\nA 31-year-old woman had a T5 haemangioma.\n\n"
            "Case B\nA 28-year-old woman had a T11 haemangioma.\n")
    assert [r.levels for r in _records(nlp, text)] == [["T5"], ["T11"]]


def test_single_case_report_is_one_record(nlp):
    text = ("Case report\nA 60-year-old woman had back pain. MRI showed a haemangioma of L2.\n\n"
            "Discussion\nIn a series of 12 patients, Patient 1 and Patient 2 of Smith et al. had recurrences.\n")
    assert len(_records(nlp, text)) == 1


def test_an_animal_study_describes_no_patient(nlp):
    text = ("Methods\nTransgenic mice develop deficits from 4 months of age. Only male animals were used. "
            "Tissue was harvested at 12 months.\n")
    assert _records(nlp, text) == []


@pytest.mark.parametrize("text", [
    "Methods\nWe reviewed 24 patients (15 women) irradiated for haemangioma. Mean age was 51 years.\n"
    "Results\nPain improved in 20 of 24 patients. One woman aged 70 had a recurrence.\n",
    "Patients. Eleven patients, aged 14 to 60 years, were treated. Nine were female.\n",
])
def test_pooled_series_gives_no_record(nlp, text):
    assert _records(nlp, text) == []


@pytest.mark.parametrize("text, numbers", [
    ("in patients 1, 2, 3 and 5", [{1, 2, 3, 5}]),
    ("cases 1 to 4 had MRI", [{1, 2, 3, 4}]),
    ("Patients 2–4 were embolised", [{2, 3, 4}]),
    ("Case II was a woman", [{2}]),
    ("the second patient, a boy", [{2}]),
    ("this is the first case report of its kind", []),
    ("two weeks later the patient 2 years older", []),
    ("a case 5 years ago", []),
])
def test_references_to_patients(text, numbers):
    assert [set(r.numbers) for r in find_refs(text)] == numbers


def test_exception_reaches_over_its_relative_clause():
    text = "Apart from patient 2, whose lesion recurred, no patient had a recurrence."
    (ref,) = find_refs(text)
    assert ref.except_ and text[ref.start:ref.end] == "Apart from patient 2, whose lesion recurred"


def test_systematic_review_with_a_youngest_patient_has_no_case():
    from nlp.ingest.text import read_text
    from nlp.pipeline import build_pipeline
    from nlp.records import extract_records
    text = ("Treatment of spinal hemangiomas: a systematic review\n\nAbstract\n"
            "Background: Evidence is scarce. Methods: MEDLINE was searched. Results: Thirty articles "
            "describing 120 patients met the inclusion criteria. Mean age was 44 years.\n\n"
            "Results\nThe youngest patient in the review was a 9-year-old boy with a T4 lesion treated by "
            "laminectomy; the oldest was an 81-year-old woman.\n")
    assert extract_records(build_pipeline(), read_text(text.encode(), "review")) == []


def test_a_series_statement_naming_no_one_about_recurrence_is_everyones():
    from nlp.ingest.text import read_text
    from nlp.pipeline import build_pipeline
    from nlp.records import extract_records
    text = ("Vertebroplasty for vertebral hemangiomas: three cases\n\nResults\n"
            "| Case | Age/Sex | Level | Cement (mL) |\n|---|---|---|---|\n"
            "| 1 | 54/F | T8 | 4.0 |\n| 2 | 61/M | L1 | 5.5 |\n| 3 | 47/F | L2 | 6.0 |\n\n"
            "No recurrence was found on follow-up MRI.\n")
    records = extract_records(build_pipeline(), read_text(text.encode(), "series"))
    assert [r.recurrence for r in records] == [False, False, False]


def test_a_series_statement_on_embolization_holds_for_the_embolised_only():
    from nlp.ingest.text import read_text
    from nlp.pipeline import build_pipeline
    from nlp.records import extract_records
    text = ("Aggressive hemangiomas: three cases\n\nResults\n"
            "| Case | Age/Sex | Level | Treatment |\n|---|---|---|---|\n"
            "| 1 | 54/F | T8 | TAE + laminectomy |\n| 2 | 61/M | L1 | Vertebroplasty |\n"
            "| 3 | 47/F | T4 | TAE + laminectomy |\n"
            "TAE, transarterial embolization.\n\n"
            "Embolization, where performed, used polyvinyl alcohol particles.\n")
    records = extract_records(build_pipeline(), read_text(text.encode(), "series"))
    assert [r.embolic_agents for r in records] == [["pva"], [], ["pva"]]


def test_a_case_report_that_never_states_age_or_sex_still_has_its_patient():
    from nlp.ingest.text import read_text
    from nlp.pipeline import build_pipeline
    from nlp.records import extract_records
    text = ("Embolization and vertebroplasty for an aggressive T9 hemangioma: a case report\n\nCase report\n"
            "MRI revealed an aggressive hemangioma of T9. The lesion was embolized through the left T9 "
            "intercostal artery with PVA particles, and vertebroplasty with 5 mL of PMMA followed.\n")
    records = extract_records(build_pipeline(), read_text(text.encode(), "report"))
    assert len(records) == 1 and records[0].treatments == ["embolization", "vertebroplasty"]


def test_each_clause_names_its_own_patient():
    from nlp.ingest.text import read_text
    from nlp.pipeline import build_pipeline
    from nlp.records import extract_records
    text = ("Embolization before surgery for thoracic hemangiomas\n\nResults\n"
            "| Patient | Age/Sex | Level | Treatment |\n|---|---|---|---|\n"
            "| 1 | 54/F | T7 | TAE + laminectomy |\n| 2 | 61/M | T4 | TAE + laminectomy |\n"
            "TAE, transarterial embolization.\n\n"
            "In patient 1 the lesion was fed by the right T7 intercostal artery, and in patient 2 by the "
            "left T3 and T4 intercostal arteries.\n")
    records = extract_records(build_pipeline(), read_text(text.encode(), "series"))
    assert [[(f.side, f.level) for f in r.feeder_arteries] for r in records] == [
        [("right", "T7")], [("left", "T3"), ("left", "T4")]]


def _extracted(text: str, name: str = "report"):
    from nlp.ingest.text import read_text
    from nlp.pipeline import build_pipeline
    from nlp.records import extract_records
    return extract_records(build_pipeline(), read_text(text.encode(), name))


def test_a_report_calling_itself_a_case_report_of_a_patient_keeps_the_patient():
    records = _extracted("This is a case report of a 58-year-old woman with a painful T11 hemangioma that was "
                       "treated by vertebroplasty.")
    assert [(r.age_years, r.sex) for r in records] == [(58, "female")]


def test_a_patient_told_without_age_or_sex_is_a_patient():
    records = _extracted("A patient with a painful L3 hemangioma was treated by percutaneous vertebroplasty. "
                       "Three months later the pain had resolved.")
    assert len(records) == 1 and records[0].treatments == ["vertebroplasty"]


def test_a_series_in_pooled_figures_stays_without_a_patient():
    assert _extracted("From 2001 to 2019 we collected nine cases of vertebral hemangioma at our centre. The median "
                    "age was 52 years. One patient with a cervical lesion was treated by embolization.") == []


def test_a_case_label_run_on_into_the_text_opens_its_patient():
    records = _extracted("Case 1: 52 yr old woman with back pain; vertebroplasty of T9 was done "
                       "Case 2: 61 year old man with an L2 hemangioma treated by embolization.")
    assert [(r.age_years, r.sex) for r in records] == [(52, "female"), (61, "male")]


@pytest.mark.parametrize("text, reason", [
    ("Spinal hemangiomas: a systematic review\n\nAbstract\nWe searched MEDLINE for reports of vertebral "
     "hemangiomas treated by embolization and found 31 articles.\n", "review"),
    ("Embolization of vertebral hemangiomas\n\nResults\nWe treated eleven patients, aged 24 to 70 years. "
     "Mean blood loss was 600 mL.\n", "pooled_only"),
    ("Imaging of vertebral hemangiomas\n\nVertebral hemangiomas are common benign lesions of the spine, "
     "mostly found by chance on MRI.\n", "no_patient"),
])
def test_a_document_without_a_patient_says_why(text, reason):
    from nlp.ingest.text import read_text
    from nlp.pipeline import build_pipeline
    from nlp.records import extract
    extraction = extract(build_pipeline(), read_text(text.encode(), "doc"))
    assert (extraction.records, extraction.reason) == ([], reason)
