"""PubMed/MEDLINE XML (``PubmedArticleSet``): one Document per article, title and abstract."""
from __future__ import annotations

import re
from typing import Optional

from lxml import etree

from nlp.ingest.builder import TextBuilder
from nlp.ingest.document import Document, ReadError
from nlp.ingest.kinds import heading_kind, named_kind
from nlp.ingest.xmltools import child, children, inline_text, local_name


def read_pubmed(root: etree._Element, doc_id: str) -> list[Document]:
    """Documents of a ``PubmedArticleSet`` (or one ``PubmedArticle``); ids are PMIDs.

    ``doc_id`` names an article that has no PMID: ``<doc_id>-<n>``.
    """
    articles = [root] if local_name(root) == "PubmedArticle" else children(root, "PubmedArticle")
    documents = [_article(article, f"{doc_id}-{n}") for n, article in enumerate(articles, 1)]
    documents = [doc for doc in documents if doc is not None]
    if not documents:
        raise ReadError("PubMed XML holds no article with a title or abstract")
    return documents


def _article(article: etree._Element, fallback_id: str) -> Optional[Document]:
    citation = child(article, "MedlineCitation")
    record = child(citation, "Article")
    pmid = (citation.findtext("PMID") or "").strip() if citation is not None else ""
    title = inline_text(child(record, "ArticleTitle")) or inline_text(child(record, "VernacularTitle"))
    builder = TextBuilder()
    if title:
        with builder.section(title, "title"):
            builder.block(title)
    parts = children(child(record, "Abstract"), "AbstractText")
    with builder.section("Abstract", "abstract"):
        for part in parts:
            _abstract_part(builder, part)
    text, sections = builder.build()
    if not text:
        return None
    metadata = {"format": "pubmed", **_metadata(article, record, pmid)}
    return Document(id=pmid or fallback_id, text=text, title=title, sections=sections, metadata=metadata)


def _abstract_part(builder: TextBuilder, part: etree._Element) -> None:
    """One AbstractText; a labelled one ("METHODS") is a heading line and a section of its own."""
    text = inline_text(part)
    label = (part.get("Label") or "").strip()
    if not label:
        builder.block(text)
        return
    category = (part.get("NlmCategory") or "").strip()
    kind = named_kind(label) or named_kind(category) or heading_kind(label, "abstract")
    with builder.section(label, kind, heading=label):
        builder.block(text)


def _metadata(article: etree._Element, record: Optional[etree._Element], pmid: str) -> dict[str, str]:
    found = {"pmid": pmid} if pmid else {}
    journal = child(record, "Journal")
    title = inline_text(child(journal, "Title"))
    if title:
        found["journal"] = title
    year = _year(child(child(journal, "JournalIssue"), "PubDate")) or _year(child(record, "ArticleDate"))
    if year:
        found["year"] = year
    ids = {(aid.get("IdType") or "").lower(): (aid.text or "").strip()
           for aid in children(child(child(article, "PubmedData"), "ArticleIdList"), "ArticleId")}
    locations = {(loc.get("EIdType") or "").lower(): (loc.text or "").strip()
                 for loc in children(record, "ELocationID")}
    doi = locations.get("doi") or ids.get("doi")
    if doi:
        found["doi"] = doi
    if ids.get("pmc"):
        found["pmcid"] = ids["pmc"]
    # "Case Reports", "Review": tells a case report from a paper about no patient in particular.
    types = [inline_text(t) for t in children(child(record, "PublicationTypeList"), "PublicationType")]
    if any(types):
        found["publication_types"] = "; ".join(t for t in types if t)
    return found


def _year(date: Optional[etree._Element]) -> str:
    """Year of a PubDate or ArticleDate, also from a free-form MedlineDate ("1998 Dec-1999 Jan")."""
    if date is None:
        return ""
    text = (date.findtext("Year") or date.findtext("MedlineDate") or "").strip()
    match = re.match(r"\d{4}", text)
    return match.group(0) if match else ""
