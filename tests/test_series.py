"""Tables of patients: layouts, headers, legends, cells. Texts written for these tests."""
import pytest

from nlp.ingest.document import Document, Section
from nlp.series import case_tables
from nlp.extract.cells import Cell, RowState, TableContext
from nlp.extract.outcome import grade_of
from nlp.series.cells import read_cell
from nlp.series.headers import read_column
from nlp.series.legend import read_legend, strip_marks
from nlp.series.rules import rules


def _document(text: str, kind: str = "results") -> Document:
    return Document("t", text, sections=[Section("", kind, 0, len(text))])


def _rows(text: str, kind: str = "results") -> list[dict]:
    """Each patient row as {field: [values]}, after checking every span is in the text."""
    out = []
    for table in case_tables(_document(text, kind), {}):
        for row in table.rows:
            values: dict = {"number": row.number, "lost": row.lost}
            for c in row.candidates:
                assert 0 <= c.start < c.end <= len(text) and text[c.start:c.end].strip()
                if not c.flags & {"negated", "hypothetical"}:
                    values.setdefault(c.field, []).append(c.value)
            out.append(values)
    return out


def _cell(text: str) -> Cell:
    return Cell(text, 0, len(text))


def _read(header: str, text: str, levels=(), legend=None) -> dict:
    found = read_cell(_cell(text), read_column(header, legend or {}), RowState(list(levels)),
                      TableContext(legend or {}))
    return {c.field: c.value for c in found}


# ---- layouts --------------------------------------------------------------------------------

MARKDOWN = """Results
Table 1. Individual data
| No. | Age/Sex | Level | Cement (mL) | FU (mo) | Outcome |
|-----|---------|-------|-------------|---------|---------|
| 1 | 58/F | T9 | 3.5 | 14 | Good |
| 2 | 43/M | L1-L2 | 2.0/2.5 | NA | Excellent |
| Mean | 50.5 | - | 4.0 | 14 | - |
"""

JATS = """Table 2 Patients treated
Case | Age (years) | Sex | Vertebra | EBL (mL) | Outcome
1 | 39 | female | T11 | 650 | improved
2 | 70 | male | L4 | – | unchanged
3 | 52 | female | T2 | 1,100 | worse
"""

TABS = "Pt\tSex/Age\tLevel\tVAS pre/post (mm)\tFU (y)\n1\tM/61\tD7\t85/20\t2\n2\tF/49\tL5\t70/0\t1.5\n"

ALIGNED = """Patient  Age (mo)  Sex  Site   Follow-up (months)
A.B.     8         F    T4     24
C.D.     30        M    L1     18
E.F.     132       F    C6     36
"""

TRANSPOSED = """Variable            Case 1          Case 2            Case 3
Age (years)         66              41                73
Sex                 Female          Male              Female
Level               T10             L3, L4            T6
Blood loss (mL)     300             900               NA
Follow-up (mo)      12              30                6
"""

LISTED = """Results, one line per patient (age/sex, level, VAS before and after, follow-up, relief):
Patient 1: 64/F, L2, VAS 8→3, 10 mo, partial relief
Patient 2: 51/M, T12 and L1, VAS 9→0, 22 mo, complete relief
"""


def test_markdown_table_rows_and_pooled_row():
    rows = _rows(MARKDOWN)
    assert [r["number"] for r in rows] == [1, 2]
    assert rows[0]["age_years"] == [58] and rows[0]["sex"] == ["female"]
    assert rows[0]["cement_volumes"] == [{"level": "T9", "ml": 3.5}]
    assert rows[1]["levels"] == ["L1", "L2"]
    assert rows[1]["cement_volumes"] == [{"level": "L1", "ml": 2.0}, {"level": "L2", "ml": 2.5}]
    assert rows[1]["lost"] and "follow_up_months" not in rows[1]
    assert rows[0]["outcome"] == ["improved"] and rows[1]["outcome"] == ["resolved"]


def test_jats_lines_with_thousands_and_dash():
    rows = _rows(JATS)
    assert [r["number"] for r in rows] == [1, 2, 3]
    assert rows[0]["blood_loss_ml"] == [650] and "blood_loss_ml" not in rows[1]
    assert rows[2]["blood_loss_ml"] == [1100]
    assert [r["outcome"] for r in rows] == [["improved"], ["unchanged"], ["worsened"]]


def test_jats_footnotes_as_blocks_and_a_row_under_merged_header_cells():
    text = ("Table 1. Data\nCase | Treatment | VAS | FU (mo)\npre | post\n1 | RTa | 7 | 12\n2 | LAM | 8 | 20\n\n"
            "RT, radiotherapy; LAM, laminectomy\n\na Given for regrowth.\n\nCase 1 was a woman.")
    (table,) = case_tables(_document(text), {})
    assert [r.number for r in table.rows] == [1, 2]
    assert table.rows[0].marks == {"a"} and table.notes["a"].text == "Given for regrowth"
    assert table.end == text.index("\n\nCase 1 was")


def test_tab_table_scores_out_of_100_and_years():
    rows = _rows(TABS)
    assert rows[0]["sex"] == ["male"] and rows[0]["age_years"] == [61] and rows[0]["levels"] == ["T7"]
    assert (rows[0]["vas_pre"], rows[0]["vas_post"]) == ([8.5], [2.0])
    assert rows[1]["follow_up_months"] == [18]


def test_aligned_table_with_initials_and_age_in_months():
    rows = _rows(ALIGNED)
    assert [r["number"] for r in rows] == [None, None, None]
    assert [r["age_years"] for r in rows] == [[0.67], [2.5], [11]]
    assert rows[2]["levels"] == ["C6"]


def test_a_cell_wrapped_over_two_lines_stays_with_its_patient():
    text = ("Case  Age  Sex  Level  Treatment              FU (mo)\n"
            "1     45   F    T9     Embolization and       12\n"
            "                       laminectomy\n"
            "2     60   M    L2     Vertebroplasty         6\n")
    rows = _rows(text)
    assert [r["number"] for r in rows] == [1, 2]
    assert rows[0]["follow_up_months"] == [12] and rows[1]["levels"] == ["L2"]


def test_transposed_table_one_column_per_patient():
    rows = _rows(TRANSPOSED)
    assert [r["number"] for r in rows] == [1, 2, 3]
    assert rows[1]["levels"] == ["L3", "L4"] and rows[1]["blood_loss_ml"] == [900]
    assert "blood_loss_ml" not in rows[2] and rows[2]["follow_up_months"] == [6]


def test_list_read_with_the_items_its_introduction_names():
    rows = _rows(LISTED)
    assert rows[0]["vas_pre"] == [8] and rows[0]["vas_post"] == [3]
    assert rows[0]["follow_up_months"] == [10] and rows[0]["outcome"] == ["improved"]
    assert rows[1]["levels"] == ["T12", "L1"] and rows[1]["outcome"] == ["resolved"]


def test_prose_paragraphs_opening_with_a_patient_are_no_list():
    text = ("Patient 1. A 40-year-old man, a builder, had pain. MRI showed a lesion, which enhanced.\n"
            "Patient 2. A 52-year-old woman, a teacher, had weakness. CT showed a lesion, which was lytic.\n")
    assert case_tables(_document(text), {}) == []


@pytest.mark.parametrize("text", [
    # sentences set apart by two spaces
    "She was 45.  Her pain was severe and had lasted for months.  MRI showed a lesion at T9 of the spine.\n"
    "Age and sex were noted.  Surgery followed with a laminectomy at that level.  She recovered well.\n"
    "Follow-up was long.  No recurrence was seen at the last visit in the clinic.  VAS was 1.\n",
    # treatment options: no patient column
    "| Treatment | Indication | Risk |\n|---|---|---|\n| Radiotherapy | pain | myelopathy |\n| Surgery | deficit | bleeding |\n",
    # laboratory values of one patient
    "Parameter    Value    Reference\nHaemoglobin    12.1    12-16\nPlatelets    210    150-400\nCRP    4    <5\n",
    # one patient over time
    "| Time | VAS | Frankel |\n|---|---|---|\n| Before | 8 | C |\n| 6 months | 2 | E |\n",
])
def test_tables_of_no_patients(text):
    assert case_tables(_document(text), {}) == []


def test_a_caption_about_our_own_study_is_no_literature():
    text = MARKDOWN.replace("Table 1. Individual data", "Table 1. Patients included in this study")
    assert len(_rows(text)) == 2


def test_cases_from_the_literature_are_not_our_patients():
    text = ("Table 3. Published cases\n| Author (year) | Age/Sex | Level | Outcome |\n|---|---|---|---|\n"
            "| Lee (2012) | 45/F | T5 | Good |\n| Ross (2018) | 60/M | L2 | Poor |\n")
    assert case_tables(_document(text), {}) == []
    assert case_tables(_document(MARKDOWN, "discussion"), {}) == []


# ---- headers --------------------------------------------------------------------------------

@pytest.mark.parametrize("header, fields", [
    ("Age/Sex", {"age_years", "sex"}),
    ("Sex/Age", {"age_years", "sex"}),
    ("VAS pre→post", {"vas_pre", "vas_post"}),
    ("VAS at last visit", {"vas_post"}),
    ("FU (mo)", {"follow_up_months"}),
    ("Status at last FU", {"outcome"}),
    ("Duration of symptoms (weeks)", {"symptom_duration_months"}),
    ("Frankel pre", set()),
    ("EBL (mL)", {"blood_loss_ml"}),
    ("Rec.", {"recurrence"}),
])
def test_header_fields(header, fields):
    assert read_column(header, {}).fields == fields


def test_header_read_through_the_legend_and_units():
    assert read_column("Enn.", {"Enn.": "Enneking stage"}).fields == {"enneking_stage"}
    assert "treatments" in read_column("Tx", {}).fields
    assert read_column("VAS pre (mm)", {}).scale100
    assert read_column("Local control", {}).inverse
    assert read_column("Ethanol (mL)", {}).implies == ("ethanol_ablation",)
    assert read_column("Follow-up (years)", {}).unit == "years"


# ---- legend and marks ----------------------------------------------------------------------

def test_legend_abbreviations_and_footnotes():
    text = ("| Case | Age |\n|---|---|\n| 1 | 50 |\n"
            "LAM, laminectomy; PSF, posterior screw fixation; NA, not available. a Lost to follow-up.\n"
            "* Operated elsewhere.\n\nNext paragraph.")
    legend = read_legend(text, text.index("| 1 | 50 |") + 10, rules()["regex"])
    assert legend.abbreviations == {"LAM": "laminectomy", "PSF": "posterior screw fixation", "NA": "not available"}
    assert {k: v.text for k, v in legend.notes.items()} == {"a": "Lost to follow-up", "*": "Operated elsewhere"}
    note = legend.notes["a"]
    assert text[note.start:note.end] == note.text


@pytest.mark.parametrize("cell, text, marks", [
    ("TAE+LAM, then RTb", "TAE+LAM, then RT", ("b",)),
    ("-a", "-", ("a",)),
    ("NA*", "NA", ("*",)),
    ("S3", "S3", ()),
    ("Good", "Good", ()),
])
def test_footnote_marks_come_off_cells(cell, text, marks):
    stripped = strip_marks(_cell(cell), {"a", "b", "d", "*"}, rules()["regex"]["cell_mark_cs"])
    assert (stripped.text, stripped.marks) == (text, marks)


# ---- cells ---------------------------------------------------------------------------------

@pytest.mark.parametrize("header, text, levels, expected", [
    ("Age", "8 mo", (), {"age_years": 0.67}),
    ("Age (months)", "30", (), {"age_years": 2.5}),
    ("Sex/Age", "M/52", (), {"age_years": 52, "sex": "male"}),
    ("Enneking", "S3", (), {"enneking_stage": 3}),
    ("Enn.", "III", (), {"enneking_stage": 3}),
    ("VAS pre/post", "8→NA", (), {"vas_pre": 8}),
    ("FU (mo)", "3 (then lost to follow-up)", (), {"follow_up_months": 3}),
    ("Follow-up", "2 y", (), {"follow_up_months": 24}),
    ("Cement (mL)", "4.0/3.5", ("L2", "L3"), {"cement_volumes": {"level": "L3", "ml": 3.5}}),
    ("Cement (mL)", "6", ("T11", "T12"), {"cement_total_ml": 6}),
    ("Cement", "T12 4.0; L1 4.5", ("T12", "L1"), {"cement_volumes": {"level": "L1", "ml": 4.5}}),
    ("Transfusion", "None", (), {"transfusion_ml": 0}),
    ("Transfusion", "2", (), {}),
    ("Transfusion (mL)", "600", (), {"transfusion_ml": 600}),
    ("Dose (Gy)", "36", (), {"radiotherapy_dose_gy": 36}),
    ("Radiotherapy", "30 Gy/10 fr", (), {"radiotherapy_dose_gy": 30}),
    ("Rec.", "Y", (), {"recurrence": True}),
    ("Recurrence", "no", (), {"recurrence": False}),
    ("Local control", "Yes", (), {"recurrence": False}),
    ("Local progression", "Not assessed", (), {}),
    ("Outcome", "NA", (), {}),
    ("Response", "Partial", (), {"outcome": "improved"}),
    ("Status", "Died", (), {"outcome": "died"}),
])
def test_cells(header, text, levels, expected):
    found = _read(header, text, levels)
    assert {k: found[k] for k in expected} == expected if expected else found == {}


def test_mm_scale_values_are_divided():
    assert _read("VAS last (mm)", "15")["vas_post"] == pytest.approx(1.5)


def test_outcome_and_recurrence_cells_read_through_the_legend():
    legend = {"G": "good", "E": "excellent", "NR": "no recurrence"}
    assert _read("Outcome", "G", legend=legend) == {"outcome": "improved"}
    assert _read("Recurrence", "NR", legend=legend) == {"recurrence": False}


def test_grades_defined_by_the_legend():
    text = ("| Case | Age | Outcome |\n|---|---|---|\n| 1 | 50 | Good |\n| 2 | 61 | Fair |\n"
            "Good, asymptomatic; Fair, residual pain.\n")
    assert [r["outcome"] for r in _rows(text)] == [["resolved"], ["improved"]]


def test_outcome_grades_as_the_text_defines_them():
    assert grade_of("Good", {"good": "resolved"}) == "resolved"
    assert grade_of("Good", {}) == "improved"
    assert grade_of("no change", {}) == "unchanged"
    assert grade_of("pain-free", {}) == "resolved"


def test_transposed_table_with_lettered_patients():
    from nlp.ingest.document import Document, Section
    text = ("Table 1. Patient data\n"
            "Parameter\tPatient A\tPatient B\n"
            "Age (years)\t48\t72\n"
            "Sex\tFemale\tMale\n"
            "Level\tL2\tT7\n"
            "Cement (mL)\t4\t3\n")
    tables = case_tables(Document("t", text, sections=[Section("Results", "results", 0, len(text))]), {})
    assert len(tables) == 1 and len(tables[0].rows) == 2
