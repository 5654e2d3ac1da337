"""Readers for every input format, all yielding :class:`Document`.

``read_path`` picks the reader from the file name and, for XML, from the root element.
"""
from __future__ import annotations

from pathlib import Path

from nlp.ingest.document import Document, ReadError, Section
from nlp.ingest.jats import read_jats
from nlp.ingest.pdf import read_pdf
from nlp.ingest.pubmed import read_pubmed
from nlp.ingest.tei import read_tei
from nlp.ingest.text import read_text
from nlp.ingest.xmltools import local_name, parse_xml

__all__ = ["Document", "ReadError", "Section", "READABLE_SUFFIXES", "document_id_for", "read_path"]

# ".tei.xml" ends in ".xml" and is recognised from its name or its <TEI> root.
READABLE_SUFFIXES: tuple[str, ...] = (".txt", ".xml", ".nxml", ".pdf")
_TEI_SUFFIX = ".tei.xml"


def document_id_for(path: Path) -> str:
    """The file name without its extension ("a.tei.xml" -> "a", "case.v2.txt" -> "case.v2")."""
    name = Path(path).name
    if name.lower().endswith(_TEI_SUFFIX) and len(name) > len(_TEI_SUFFIX):
        return name[: -len(_TEI_SUFFIX)]
    return Path(name).stem


def read_path(path: Path) -> list[Document]:
    """The documents in one file (several for a PubMed set); raises ReadError with a one-line reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise ReadError(f"unsupported file type: {path.suffix or path.name}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error.__class__.__name__}") from None
    if not data.strip():
        raise ReadError("empty file")
    doc_id = document_id_for(path)
    if suffix == ".txt":
        documents = [read_text(data, doc_id)]
    elif suffix == ".pdf":
        documents = [read_pdf(data, doc_id)]
    else:
        documents = _read_xml(data, doc_id, is_tei=path.name.lower().endswith(_TEI_SUFFIX))
    for document in documents:
        document.metadata.setdefault("source", str(path))
    return documents


def _read_xml(data: bytes, doc_id: str, is_tei: bool) -> list[Document]:
    root = parse_xml(data)
    name = local_name(root)
    if is_tei or name == "TEI":
        return [read_tei(root, doc_id)]
    if name in ("PubmedArticleSet", "PubmedArticle"):
        return read_pubmed(root, doc_id)
    return [read_jats(root, doc_id)]
