"""PMC JATS articles, and the safety of XML parsing."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp.ingest import read_path
from nlp.ingest.document import ReadError
from nlp.ingest.jats import read_jats
from nlp.ingest.xmltools import parse_xml

ARTICLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN"
  "https://jats.nlm.nih.gov/archiving/1.2/JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:mml="http://www.w3.org/1998/Math/MathML"
         article-type="case-report">
 <front>
  <journal-meta><journal-title-group><journal-title>Spine Case Reports</journal-title></journal-title-group>
  </journal-meta>
  <article-meta>
   <article-id pub-id-type="pmid">12345678</article-id>
   <article-id pub-id-type="pmc">7654321</article-id>
   <article-id pub-id-type="doi">10.1000/scr.2020.1</article-id>
   <title-group><article-title>Aggressive vertebral hemangioma of T8<xref ref-type="fn" rid="fn1">*</xref>
   </article-title></title-group>
   <pub-date pub-type="collection"><year>2021</year></pub-date>
   <pub-date pub-type="epub"><day>3</day><month>11</month><year>2020</year></pub-date>
   <abstract>
    <sec><title>Background</title><p>Aggressive hemangiomas are rare.</p></sec>
    <sec><title>Case presentation</title><p>A 47-year-old woman had myelopathy.</p></sec>
   </abstract>
  </article-meta>
 </front>
 <body>
  <p>Vertebral hemangiomas are common benign tumors<xref ref-type="bibr" rid="B1">1</xref>, seen in 10%
  of adults [<xref ref-type="bibr" rid="B2">2</xref>,<xref ref-type="bibr" rid="B3">3</xref>] and in
  autopsy series<sup><xref ref-type="bibr" rid="B4">4</xref></sup>.</p>
  <sec sec-type="cases">
   <title>Case presentation</title>
   <p>A 47-year-old woman had back pain (VAS 7). Platelets were 250 &#x000d7; 10<sup>9</sup>/L.</p>
   <sec>
    <label>2.1</label><title>Operation</title>
    <p>The right T8 intercostal artery was embolized with PVA particles (<xref ref-type="fig" rid="F1">Figure
    1</xref>). Vertebroplasty used 4 mL of PMMA (<xref ref-type="table" rid="T1">Table 1</xref>).</p>
    <p>The volume was <inline-formula><mml:math><mml:mi>V</mml:mi><mml:mo>=</mml:mo><mml:mn>4</mml:mn>
    </mml:math></inline-formula> mL.<fn id="fn2"><p>A footnote that is no prose.</p></fn></p>
   </sec>
   <sec><title>Follow-up</title><p>At 18 months there was no recurrence.</p></sec>
  </sec>
  <sec>
   <title>Discussion</title>
   <p>Radiotherapy is an option<xref ref-type="bibr" rid="B5">5</xref>.</p>
   <sec><title>Limitations</title><p>One patient only.</p></sec>
  </sec>
  <sec><title>Conclusions</title><p>Combined treatment is safe.</p></sec>
 </body>
 <back><ref-list><ref id="B1"><mixed-citation>Cited Paper About Something.</mixed-citation></ref></ref-list></back>
 <floats-group>
  <fig id="F1"><label>Figure 1</label><caption><title>Angiography</title><p>Tumour blush from the right T8
   intercostal artery.</p></caption><graphic xlink:href="f1.jpg"/></fig>
  <table-wrap id="T1"><label>Table 1</label><caption><title>Course of treatment</title></caption>
   <table><tbody><tr><td>Day 1</td><td>Embolization</td></tr><tr><td>Day 2</td><td>Vertebroplasty</td></tr>
   </tbody><thead><tr><th>Day</th><th>Procedure</th></tr></thead></table>
   <table-wrap-foot><fn id="TF1"><p>PVA, polyvinyl alcohol.</p></fn></table-wrap-foot>
  </table-wrap>
 </floats-group>
</article>
"""


@pytest.fixture(scope="module")
def doc():
    return read_jats(parse_xml(ARTICLE), "scr-1")


def test_text_starts_with_title_then_abstract(doc) -> None:
    assert doc.title == "Aggressive vertebral hemangioma of T8"
    assert doc.text.startswith("Aggressive vertebral hemangioma of T8\n\nAbstract\n\nBackground\n\n"
                               "Aggressive hemangiomas are rare.\n\nCase presentation\n\nA 47-year-old")


def test_citations_are_never_glued_to_words(doc) -> None:
    assert "common benign tumors 1, seen in 10% of adults [2,3] and in autopsy series 4." in doc.text
    assert "option 5." in doc.text
    assert "tumors1" not in doc.text and "series4" not in doc.text


def test_inline_markup_reads_naturally(doc) -> None:
    assert "250 × 10^9/L" in doc.text
    assert "The volume was V=4 mL." in doc.text
    assert "footnote" not in doc.text and "Cited Paper" not in doc.text  # no back matter


def test_floats_follow_the_paragraph_citing_them(doc) -> None:
    text = doc.text
    figure = text.index("Figure 1. Angiography. Tumour blush from the right T8 intercostal artery.")
    table = text.index("Table 1. Course of treatment\nDay | Procedure\nDay 1 | Embolization\nDay 2 | Vertebroplasty")
    assert text.index("4 mL of PMMA") < figure < table < text.index("PVA, polyvinyl alcohol.") < text.index(
        "The volume was")
    assert doc.section_at(table).title == "Operation"


def test_sections_are_nested_with_kinds(doc, checked) -> None:
    checked(doc)
    assert [(s.kind, s.title) for s in doc.sections] == [
        ("title", "Aggressive vertebral hemangioma of T8"), ("abstract", "Abstract"),
        ("introduction", "Background"), ("case", "Case presentation"),
        ("introduction", ""),  # untitled text before the first section
        ("case", "Case presentation"), ("case", "Operation"), ("case", "Follow-up"),
        ("discussion", "Discussion"), ("discussion", "Limitations"), ("conclusion", "Conclusions")]
    case, operation = doc.sections[5], doc.sections[6]
    assert case.start < operation.start < operation.end <= case.end
    assert doc.text[operation.start:].startswith("2.1 Operation\n\n")
    assert doc.section_at(doc.text.index("no recurrence")).title == "Follow-up"


def test_metadata(doc) -> None:
    assert doc.metadata == {"format": "jats", "journal": "Spine Case Reports", "year": "2020",
                            "pmid": "12345678", "pmcid": "PMC7654321", "doi": "10.1000/scr.2020.1",
                            "article_type": "case-report"}


def test_untitled_body_of_a_case_report_is_the_case() -> None:
    doc = read_jats(parse_xml(b"<article><front><article-meta><title-group><article-title>Hemangioma"
                              b"</article-title></title-group></article-meta></front><body><p>A 60-year-old man "
                              b"had back pain.</p></body></article>"), "x")
    assert [(s.kind, s.title) for s in doc.sections] == [("title", "Hemangioma"), ("case", "")]


def test_other_root_is_refused() -> None:
    with pytest.raises(ReadError, match=r"^not a JATS article: root element <html>$"):
        read_jats(parse_xml(b"<html><body><p>x</p></body></html>"), "x")


def test_article_without_text_is_refused() -> None:
    with pytest.raises(ReadError, match="no title, abstract or body"):
        read_jats(parse_xml(b"<article><front/></article>"), "x")


# ---- parsing safety: no DTD, no external entity, no network ----------------------------------

def test_external_entity_is_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE article [\n  <!ENTITY xxe SYSTEM "file://{secret}">\n'
            f'  <!ENTITY passwd SYSTEM "file:///etc/passwd">\n]>\n'
            f"<article><front><article-meta><title-group><article-title>Title &xxe; &passwd;</article-title>"
            f"</title-group></article-meta></front><body><p>Body &xxe; text &passwd;.</p></body></article>")
    path = tmp_path / "xxe.nxml"
    path.write_text(data)
    doc = read_path(path)[0]
    assert "TOP-SECRET" not in doc.text and "root:" not in doc.text
    assert "Body text ." in doc.text


def test_external_dtd_is_not_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "article.dtd"
    dtd.write_text('<!ENTITY hidden "FROM-THE-DTD">\n<!ATTLIST article article-type CDATA "from-dtd">\n')
    path = tmp_path / "dtd.nxml"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE article SYSTEM "file://{dtd}">\n'
                    "<article><body><p>A 60-year-old man.</p></body></article>")
    doc = read_path(path)[0]
    assert "FROM-THE-DTD" not in doc.text and "article_type" not in doc.metadata


@pytest.mark.parametrize("data, message", [
    (b"<article><body><p>unclosed</body></article>", r"^not well-formed XML: Opening and ending tag mismatch"),
    (b"\xff\xfe<\x00a\x00", r"^not well-formed XML: "),
    (b"<a>&undefined;</a>", r"^not well-formed XML: "),
    (b"just some words", r"^not well-formed XML: "),
])
def test_malformed_xml_gives_a_one_line_reason(data: bytes, message: str) -> None:
    with pytest.raises(ReadError, match=message) as error:
        parse_xml(data)
    assert "\n" not in str(error.value)
