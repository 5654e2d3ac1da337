"""Build examples/avh_c5_report.pdf, the bundled PDF example, from the case report text below.

Run from anywhere: ``python corpora/make_example_pdf.py`` (needs fpdf2, a test dependency).
The page has a running head and a page number, as journal PDFs do, so that the reader's
removal of page furniture is exercised on the example too.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF

TITLE = "Aggressive hemangioma of the C5 vertebra: two cases treated by anterior corpectomy"
RUNNING_HEAD = "Example Spine Case Reports 2023; 4: 17-19"
# Core PDF fonts hold Latin-1 only: plain hyphens and "um" rather than en dashes and "µm".
SECTIONS: list[tuple[str, list[str]]] = [
    ("Abstract", [
        "Aggressive vertebral hemangiomas of the cervical spine are rare. We describe two patients with a "
        "C5 lesion compressing the cord, both treated by embolization followed by anterior corpectomy and "
        "reconstruction. Both recovered fully, without recurrence.",
    ]),
    ("Case 1", [
        "A 39-year-old man presented with neck pain for one year and clumsiness of both hands for two months. "
        "He had hyperreflexia in all four limbs and a positive Hoffmann sign; the modified Japanese Orthopaedic "
        "Association (mJOA) score was 13. MRI showed an expansile C5 lesion, bright on T1- and T2-weighted "
        "images, with an anterior epidural component compressing the cord.",
        "The right vertebral artery branches feeding the lesion were embolized with PVA particles. The next "
        "day he underwent C5 corpectomy with an expandable titanium cage and an anterior plate from C4 to C6. "
        "Blood loss was 300 mL. Histology confirmed a cavernous hemangioma. At 30 months the mJOA score was 17 "
        "and MRI showed no recurrence.",
    ]),
    ("Case 2", [
        "A 56-year-old woman had neck and left arm pain for six months, with weakness of the left biceps "
        "(power 4/5). Neck pain was rated 6/10 on the visual analogue scale (VAS). CT showed the polka-dot "
        "pattern of a hemangioma in the C5 body with erosion of the posterior cortex.",
        "After embolization with PVA particles, she underwent C5 corpectomy, reconstruction with a titanium "
        "mesh cage filled with autograft, and anterior plating. Blood loss was 450 mL. Arm pain resolved and "
        "neck pain fell to VAS 1. There was no recurrence at 24 months.",
    ]),
    ("Discussion", [
        "In the cervical spine the vertebral arteries and the small canal make percutaneous cement injection "
        "riskier than in the thoracic spine, and anterior corpectomy allows complete removal of the lesion. "
        "Radiotherapy is an alternative when surgery is contraindicated; neither of our patients received it.",
    ]),
    ("Conclusion", [
        "Embolization followed by anterior corpectomy and reconstruction was effective for aggressive C5 "
        "hemangiomas with myelopathy or radiculopathy.",
    ]),
]


class _CaseReportPDF(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, RUNNING_HEAD, align="R", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, str(self.page_no()), align="C")


def build(path: Path) -> None:
    pdf = _CaseReportPDF(format="A4")
    pdf.set_title(TITLE)
    pdf.set_author("caseminer examples")
    pdf.set_creation_date(datetime(2023, 1, 1, tzinfo=timezone.utc))  # same bytes on every run
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 7, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for heading, paragraphs in SECTIONS:
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        if heading == "Case 2":
            pdf.add_page()  # two pages, so the running head repeats
    pdf.output(str(path))


if __name__ == "__main__":
    build(Path(__file__).parent / "examples" / "avh_c5_report.pdf")
