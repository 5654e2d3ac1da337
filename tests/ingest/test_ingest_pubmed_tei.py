"""PubMed sets and GROBID TEI documents."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp.ingest import read_path
from nlp.ingest.document import ReadError
from nlp.ingest.pubmed import read_pubmed
from nlp.ingest.tei import read_tei
from nlp.ingest.xmltools import parse_xml

PUBMED = b"""<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN"
  "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">
<PubmedArticleSet>
 <PubmedArticle><MedlineCitation><PMID Version="1">11111111</PMID>
  <Article><Journal><JournalIssue><PubDate><Year>2019</Year><Month>05</Month></PubDate></JournalIssue>
   <Title>Journal of Spine Surgery</Title></Journal>
   <ArticleTitle>Aggressive L1 hemangioma treated with ethanol: a case report.</ArticleTitle>
   <ELocationID EIdType="doi" ValidYN="Y">10.1000/jss.1</ELocationID>
   <Abstract>
    <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Hemangiomas with &#946;
      <sub>2</sub> receptors are rare.</AbstractText>
    <AbstractText Label="CASE PRESENTATION" NlmCategory="UNASSIGNED">A 52-year-old woman had L1 pain.</AbstractText>
    <AbstractText Label="FINDINGS" NlmCategory="RESULTS">Pain resolved.</AbstractText>
    <AbstractText Label="CONCLUSIONS" NlmCategory="CONCLUSIONS">Ethanol works.</AbstractText>
   </Abstract>
   <PublicationTypeList><PublicationType>Case Reports</PublicationType></PublicationTypeList>
  </Article></MedlineCitation>
  <PubmedData><ArticleIdList><ArticleId IdType="pmc">PMC999</ArticleId></ArticleIdList></PubmedData>
 </PubmedArticle>
 <PubmedArticle><MedlineCitation><PMID Version="1">22222222</PMID>
  <Article><Journal><JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>
   </JournalIssue><Title>Spine Reviews</Title></Journal>
   <ArticleTitle>Vertebral hemangiomas: a review.</ArticleTitle>
   <Abstract><AbstractText>Hemangiomas are common. Few are aggressive.</AbstractText></Abstract>
  </Article></MedlineCitation>
 </PubmedArticle>
</PubmedArticleSet>
"""


def test_pubmed_set_gives_one_document_per_article(tmp_path: Path, checked) -> None:
    path = tmp_path / "set.xml"
    path.write_bytes(PUBMED)
    first, second = read_path(path)
    for doc in (first, second):
        checked(doc)
    assert (first.id, second.id) == ("11111111", "22222222")
    assert first.text == ("Aggressive L1 hemangioma treated with ethanol: a case report.\n\nBACKGROUND\n\n"
                          "Hemangiomas with β 2 receptors are rare.\n\nCASE PRESENTATION\n\n"
                          "A 52-year-old woman had L1 pain.\n\nFINDINGS\n\nPain resolved.\n\nCONCLUSIONS\n\n"
                          "Ethanol works.")
    assert [(s.kind, s.title) for s in first.sections] == [
        ("title", "Aggressive L1 hemangioma treated with ethanol: a case report."), ("abstract", "Abstract"),
        ("introduction", "BACKGROUND"), ("case", "CASE PRESENTATION"), ("results", "FINDINGS"),
        ("conclusion", "CONCLUSIONS")]
    assert first.metadata == {"format": "pubmed", "pmid": "11111111", "journal": "Journal of Spine Surgery",
                              "year": "2019", "doi": "10.1000/jss.1", "pmcid": "PMC999",
                              "publication_types": "Case Reports", "source": str(path)}
    assert second.text == "Vertebral hemangiomas: a review.\n\nHemangiomas are common. Few are aggressive."
    assert [s.kind for s in second.sections] == ["title", "abstract"]
    assert second.metadata["year"] == "1998"


def test_single_pubmed_article_root() -> None:
    root = parse_xml(PUBMED)
    [doc] = read_pubmed(root[0], "file")
    assert doc.id == "11111111"


def test_empty_pubmed_set_is_refused() -> None:
    with pytest.raises(ReadError, match="no article"):
        read_pubmed(parse_xml(b"<PubmedArticleSet/>"), "x")


TEI = b"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xml:space="preserve" xmlns="http://www.tei-c.org/ns/1.0">
 <teiHeader>
  <fileDesc>
   <titleStmt><title level="a" type="main">Staged treatment of aggressive hemangioma</title></titleStmt>
   <publicationStmt><publisher/><date type="published" when="2020-05-04">4 May 2020</date></publicationStmt>
   <sourceDesc><biblStruct>
    <analytic><title level="a" type="main">Staged treatment of aggressive hemangioma</title></analytic>
    <monogr><title level="j">European Spine Journal</title><imprint><date/></imprint></monogr>
    <idno type="DOI">10.1000/esj.42</idno>
   </biblStruct></sourceDesc>
  </fileDesc>
  <profileDesc><abstract><div><p>We treated a 47-year-old woman in three stages.</p></div></abstract></profileDesc>
 </teiHeader>
 <text>
  <body>
   <div><head n="1">Introduction</head><p>Hemangiomas are common <ref type="bibr" target="#b0">[1]</ref>.</p></div>
   <div><head n="2">Case</head>
    <p>A 47-year-old woman had T8 pain (<ref type="figure" target="#fig_0">Fig. 1</ref>).</p></div>
   <div><head n="2.1">Embolization</head><p>PVA particles were used (<ref type="table" target="#tab_0">Table
    1</ref>).</p></div>
   <div><p>A headless division continues the open section.</p></div>
   <div><head n="3">Discussion</head><p>Radiotherapy was not given.</p>
    <formula xml:id="formula_0">V = 4 mL<label>(1)</label></formula></div>
   <figure xml:id="fig_0"><head/><label>1</label><figDesc>MRI of T8.</figDesc></figure>
   <figure type="table" xml:id="tab_0"><head>Table 1 :</head><label>1</label><figDesc>Doses</figDesc>
    <table><row><cell>Agent</cell><cell>Dose</cell></row><row><cell>PMMA</cell><cell>4 mL</cell></row></table>
    <note>PMMA, polymethylmethacrylate.</note></figure>
  </body>
  <back><div type="references"><listBibl><biblStruct><note type="raw_reference">A cited paper.</note>
  </biblStruct></listBibl></div></back>
 </text>
</TEI>
"""


def test_tei_reads_like_jats(tmp_path: Path, checked) -> None:
    path = tmp_path / "paper.tei.xml"
    path.write_bytes(TEI)
    [doc] = read_path(path)
    checked(doc)
    assert doc.id == "paper" and doc.title == "Staged treatment of aggressive hemangioma"
    assert doc.text.startswith("Staged treatment of aggressive hemangioma\n\nAbstract\n\nWe treated a 47-year-old")
    assert "Hemangiomas are common [1]." in doc.text and "A cited paper" not in doc.text
    figure = doc.text.index("Figure 1. MRI of T8.")
    table = doc.text.index("Table 1. Doses\nAgent | Dose\nPMMA | 4 mL\n\nPMMA, polymethylmethacrylate.")
    assert doc.text.index("T8 pain") < figure < doc.text.index("PVA particles") < table
    assert "V = 4 mL (1)" in doc.text
    assert [(s.kind, s.title) for s in doc.sections] == [
        ("title", "Staged treatment of aggressive hemangioma"), ("abstract", "Abstract"),
        ("introduction", "Introduction"), ("case", "Case"), ("case", "Embolization"), ("discussion", "Discussion")]
    case, embolization = doc.sections[3], doc.sections[4]
    assert case.start < embolization.start < embolization.end <= case.end  # "2.1" nested in "2"
    assert doc.section_at(doc.text.index("headless division")).title == "Embolization"
    assert doc.metadata == {"format": "tei", "doi": "10.1000/esj.42", "journal": "European Spine Journal",
                            "year": "2020", "source": str(path)}


def test_tei_root_is_recognised_in_a_plain_xml_file(tmp_path: Path) -> None:
    path = tmp_path / "grobid_output.xml"
    path.write_bytes(TEI)
    assert read_path(path)[0].metadata["format"] == "tei"


def test_tei_suffix_with_another_root_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wrong.tei.xml"
    path.write_bytes(b"<article><body><p>x</p></body></article>")
    with pytest.raises(ReadError, match=r"^not a TEI document: root element <article>$"):
        read_path(path)


def test_tei_abstract_divisions_with_heads_are_nested() -> None:
    tei = TEI.replace(b"<abstract><div><p>We treated a 47-year-old woman in three stages.</p></div></abstract>",
                      b"<abstract><div><head>Background</head><p>Rare.</p></div>"
                      b"<div><head>Methods</head><p>One case.</p></div></abstract>")
    doc = read_tei(parse_xml(tei), "x")
    assert [(s.kind, s.title) for s in doc.sections][1:4] == [
        ("abstract", "Abstract"), ("introduction", "Background"), ("methods", "Methods")]
