"""Readers for every input format, all yielding :class:`Document`.

``read_path`` picks the reader from the file name and, for XML, from the root element.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from nlp.ingest.document import Document, ReadError, Section
from nlp.ingest.jats import read_jats
from nlp.ingest.pdf import read_pdf
from nlp.ingest.pubmed import read_pubmed
from nlp.ingest.tei import read_tei
from nlp.ingest.text import read_text
from nlp.ingest.xmltools import local_name, parse_xml

__all__ = ["Document", "Limits", "ReadError", "Section", "READABLE_SUFFIXES", "document_id_for", "read_path"]

# ".tei.xml" ends in ".xml" and is recognised from its name or its <TEI> root.
READABLE_SUFFIXES: tuple[str, ...] = (".txt", ".xml", ".nxml", ".pdf")
_TEI_SUFFIX = ".tei.xml"
# A lone surrogate (a PDF font mapping a glyph to U+D800, say) cannot be written as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Limits:
    """What reading one input file may cost (``--max-bytes``, ``--max-pages``); time is limited
    from outside, by the worker pool (``--timeout``)."""
    max_bytes: int = 50_000_000
    max_pages: int = 500


def document_id_for(path: Path) -> str:
    """The file name without its extension ("a.tei.xml" -> "a", "case.v2.txt" -> "case.v2")."""
    name = Path(path).name
    if name.lower().endswith(_TEI_SUFFIX) and len(name) > len(_TEI_SUFFIX):
        return name[: -len(_TEI_SUFFIX)]
    return Path(name).stem


def read_path(path: Path, limits: Optional[Limits] = None) -> list[Document]:
    """The documents in one file (several for a PubMed set); raises ReadError with a one-line reason."""
    path = Path(path)
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise ReadError(f"unsupported file type: {path.suffix or path.name}")
    try:
        with path.open("rb") as fh:  # never more than the limit in memory, whatever stat says
            data = fh.read(limits.max_bytes + 1)
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error.__class__.__name__}") from None
    if len(data) > limits.max_bytes:
        size = path.stat().st_size if path.is_file() else 0
        told = str(size) if size > limits.max_bytes else f"more than {limits.max_bytes}"
        raise ReadError(f"file is {told} bytes, over the limit of {limits.max_bytes} (--max-bytes)")
    if not data.strip():
        raise ReadError("empty file")
    doc_id = document_id_for(path)
    if suffix == ".txt":
        documents = [read_text(data, doc_id)]
    elif suffix == ".pdf":
        documents = [read_pdf(data, doc_id, max_pages=limits.max_pages)]
    else:
        documents = _read_xml(data, doc_id, is_tei=path.name.lower().endswith(_TEI_SUFFIX))
    for document in documents:
        document.metadata.setdefault("source", str(path))
        _scrub_surrogates(document)
    return documents


def _scrub_surrogates(document: Document) -> None:
    """Lone surrogates become U+FFFD, one character for one, so offsets hold and the text can be written."""
    def scrub(text: str) -> str:
        return _SURROGATE.sub("\ufffd", text)

    document.text = scrub(document.text)
    document.title = scrub(document.title)
    document.metadata = {scrub(k): scrub(v) for k, v in document.metadata.items()}
    document.sections = [replace(s, title=scrub(s.title)) for s in document.sections]


def _read_xml(data: bytes, doc_id: str, is_tei: bool) -> list[Document]:
    root = parse_xml(data)
    name = local_name(root)
    if is_tei or name == "TEI":
        return [read_tei(root, doc_id)]
    if name in ("PubmedArticleSet", "PubmedArticle"):
        return read_pubmed(root, doc_id)
    return [read_jats(root, doc_id)]
