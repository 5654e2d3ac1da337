"""The articles in an efetch answer, one by one: PubMed records by PMID, PMC JATS articles by PMCID.

Each comes back as the bytes of a file the readers of :mod:`nlp.ingest` take: a PubMed record as a
``PubmedArticleSet`` of one ``PubmedArticle``, a PMC article as its ``<article>`` alone (PMC wraps
its answers in a ``<pmc-articleset>``, which the JATS reader does not read).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace

from lxml import etree

from nlp.ingest.xmltools import child, children, local_name, parse_xml

_PMCID = re.compile(r"(?:PMC)?(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class PubmedRecord:
    pmid: str
    version: str
    pmcid: str       # "PMC123" where the record links to PMC, else ""
    xml: bytes


@dataclass(frozen=True)
class PmcArticle:
    pmcid: str
    version: str
    pmid: str
    full_text: bool  # False: PMC holds the record, but its publisher allows no full-text download
    xml: bytes


def pmcid(text: str) -> str:
    """"PMC123" for "PMC123", "pmc123" or "123"; "" for anything else."""
    found = _PMCID.fullmatch(text.strip())
    return f"PMC{found.group(1)}" if found else ""


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", with_tail=False)


def pubmed_records(root: etree._Element) -> list[PubmedRecord]:
    """The journal articles of a ``PubmedArticleSet`` (book records have no reader: left out)."""
    found = []
    for article in children(root, "PubmedArticle") if local_name(root) != "PubmedArticle" else [root]:
        pmid_node = child(child(article, "MedlineCitation"), "PMID")
        pmid = (pmid_node.text or "").strip() if pmid_node is not None else ""
        if not pmid.isdigit():
            continue
        ids = {(aid.get("IdType") or "").lower(): (aid.text or "").strip()
               for aid in children(child(child(article, "PubmedData"), "ArticleIdList"), "ArticleId")}
        record_set = etree.Element("PubmedArticleSet")
        record_set.append(copy.deepcopy(article))
        found.append(PubmedRecord(pmid, (pmid_node.get("Version") or "1").strip(), pmcid(ids.get("pmc", "")),
                                  _xml(record_set)))
    return found


def pmc_articles(root: etree._Element) -> list[PmcArticle]:
    """The articles of a ``pmc-articleset`` (or one ``article``), by the PMCID their front matter gives."""
    found = []
    for article in children(root, "article") if local_name(root) != "article" else [root]:
        meta = child(child(article, "front"), "article-meta")
        ids = {(aid.get("pub-id-type") or "").lower(): (aid.text or "").strip() for aid in children(meta, "article-id")}
        number = pmcid(ids.get("pmcid") or ids.get("pmc") or "")
        if not number:
            continue
        version = ids.get("pmcid-ver", "").rpartition(".")[2]
        body = child(article, "body")
        full_text = body is not None and bool("".join(body.itertext()).strip())
        found.append(PmcArticle(number, version if version.isdigit() else "1", ids.get("pmid", ""), full_text,
                                _xml(article)))
    return found


def read_pubmed_record(data: bytes) -> PubmedRecord:
    """A cached PubMed record back from its bytes (kept as they are)."""
    return replace(pubmed_records(parse_xml(data))[0], xml=data)


def read_pmc_article(data: bytes) -> PmcArticle:
    """A cached PMC article back from its bytes (kept as they are)."""
    return replace(pmc_articles(parse_xml(data))[0], xml=data)
