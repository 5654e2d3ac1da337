"""PMC JATS articles (.nxml): title, abstracts and body as one text with nested sections."""
from __future__ import annotations

import re
from typing import Optional

from lxml import etree

from nlp.ingest.builder import TextBuilder
from nlp.ingest.document import Document, ReadError
from nlp.ingest.kinds import heading_kind, lead_kind, named_kind
from nlp.ingest.table_text import SourceCell, SourceRow, SourceTable
from nlp.ingest.xmltools import Floats, child, children, inline_text, join_caption, local_name

_CITE = ("xref",)
_FLOAT_NAMES = ("fig", "table-wrap", "fig-group", "table-wrap-group", "boxed-text")
# Footnote bodies and supplementary links are no prose; LaTeX source of a formula (its MathML
# alternative is kept) is none either.
_SKIP = ("fn", "supplementary-material", "tex-math")
# Back matter and metadata-like blocks that are no part of the reading text.
_BLOCK_SKIP = frozenset({"title", "label", "ref-list", "fn-group", "supplementary-material", "ack", "notes",
                         "sec-meta", "glossary", "graphic", "media", "object-id"})
_SEC_TYPE_KINDS = {"intro": "introduction", "introduction": "introduction", "methods": "methods",
                   "materials|methods": "methods", "materials": "methods", "subjects": "methods",
                   "cases": "case", "case-report": "case", "results": "results", "discussion": "discussion",
                   "conclusions": "conclusion", "conclusion": "conclusion"}


def read_jats(root: etree._Element, doc_id: str) -> Document:
    """One Document from a parsed JATS ``<article>``."""
    if local_name(root) != "article":
        raise ReadError(f"not a JATS article: root element <{local_name(root) or root.tag}>")
    meta = child(child(root, "front"), "article-meta")
    builder = TextBuilder()
    title = _title(child(child(meta, "title-group"), "article-title"))
    if title:
        with builder.section(title, "title"):
            builder.block(title)
    for abstract in children(meta, "abstract"):
        heading = _title(child(abstract, "title")) or "Abstract"
        with builder.section(heading, "abstract", heading=heading):
            _Body(builder, Floats({})).container(abstract, "abstract")
    floats = Floats({f.get("id"): f for group in children(root, "floats-group") for f in group
                     if local_name(f) in _FLOAT_NAMES and f.get("id")})
    body = _Body(builder, floats)
    body.body(child(root, "body"))
    for element in floats.remaining():
        body.float_block(element)
    text, sections = builder.build()
    if not text:
        raise ReadError("JATS article has no title, abstract or body text")
    metadata = {"format": "jats", **_metadata(root, meta)}
    return Document(id=doc_id, text=text, title=title, sections=sections, metadata=metadata, tables=builder.tables)


class _Body:
    """Writes body content (sections, paragraphs, floats) into a builder."""

    def __init__(self, builder: TextBuilder, floats: Floats) -> None:
        self._builder = builder
        self._floats = floats

    def body(self, body: Optional[etree._Element]) -> None:
        if body is None:
            return
        items = [item for item in body if local_name(item)]
        titled = [i for i, item in enumerate(items) if local_name(item) == "sec" and child(item, "title") is not None]
        # Untitled text before the first titled section (or all of it) gets a section of its own.
        lead = items[:titled[0]] if titled else items
        if lead:
            kind = lead_kind(" ".join(" ".join(item.itertext()) for item in lead), bool(titled))
            with self._builder.section("", kind):
                for item in lead:
                    self.item(item, kind)
        # Top-level sections: one whose title names no kind takes the kind of the one before
        # ("Treatment" after "Case presentation"), as a heading does in plain text.
        previous: Optional[str] = None
        for item in items[len(lead):]:
            if local_name(item) == "sec" and _title(child(item, "title")):
                previous = self.section(item, None, previous)
            else:
                self.item(item, None)

    def container(self, element: etree._Element, kind: Optional[str]) -> None:
        for item in element:
            self.item(item, kind)

    def item(self, item: etree._Element, kind: Optional[str]) -> None:
        name = local_name(item)
        if not name or name in _BLOCK_SKIP:
            return
        if name == "sec":
            self.section(item, kind)
        elif name == "p":
            self.paragraph(item)
        elif name in _FLOAT_NAMES:
            self.float_block(item)
        elif name in ("disp-quote", "statement", "list-item", "def-list"):
            self.container(item, kind)
        elif name == "list":
            for entry in children(item, "list-item"):
                self._builder.block(_inline(entry))
        else:  # disp-formula, preformat, verse-group, ...: their text as a block
            self._builder.block(_inline(item))

    def section(self, sec: etree._Element, context: Optional[str], previous: Optional[str] = None) -> Optional[str]:
        """Write a section; its kind (None for an untitled one, which is part of its parent)."""
        title = _title(child(sec, "title"))
        if not title:
            self.container(sec, context)
            return None
        heading = " ".join(filter(None, (inline_text(child(sec, "label")), title)))
        typed = _SEC_TYPE_KINDS.get((sec.get("sec-type") or "").lower())
        numbered = bool(inline_text(child(sec, "label")))  # "3 Surgery" takes after nothing, as in plain text
        kind = named_kind(title) or typed or heading_kind(title, context or (None if numbered else previous))
        with self._builder.section(title, kind, heading=heading):
            self.container(sec, kind)
        return kind

    def paragraph(self, p: etree._Element) -> None:
        inner: list[etree._Element] = []
        self._builder.block(inline_text(p, cite=_CITE, skip=_SKIP, defer=_FLOAT_NAMES, on_defer=inner.append))
        for element in inner + self._floats.cited_in(p, "xref", "rid"):
            self.float_block(element)

    def float_block(self, element: etree._Element) -> None:
        name = local_name(element)
        if name in ("fig-group", "table-wrap-group", "boxed-text"):
            caption = _caption(element, "")
            if caption:
                self._builder.block(caption)
            self.container(element, None)
            return
        if name == "fig":
            self._builder.block(_caption(element, "Figure"))
            return
        notes = [_inline(note) for foot in element.iter("table-wrap-foot") for note in foot]
        label, caption = _label_and_caption(element, "Table")
        self._builder.table(SourceTable(_table_rows(element), label, caption, notes))


def _inline(element: Optional[etree._Element]) -> str:
    return inline_text(element, cite=_CITE, skip=_SKIP)


def _title(element: Optional[etree._Element]) -> str:
    return inline_text(element, skip=("xref", *_SKIP))  # footnote marks on a title are no words of it


def _caption(element: etree._Element, noun: str) -> str:
    """ "Figure 1. Title. Text" from a float's label and caption."""
    return join_caption(_label_and_caption(element, noun))


def _label_and_caption(element: etree._Element, noun: str) -> tuple[str, str]:
    """("Figure 1", "Title. Text"): a bare label "1" gets its noun."""
    label = inline_text(child(element, "label"))
    if label and noun and re.fullmatch(r"[\dA-Za-z]{1,4}[.:]?", label):
        label = f"{noun} {label}"
    caption = child(element, "caption")
    return label, join_caption([_inline(child(caption, "title"))] + [_inline(p) for p in children(caption, "p")])


def _table_rows(table_wrap: etree._Element) -> list[SourceRow]:
    """Header rows first, then body and foot rows, over every table in the wrap.

    A row is a header row in ``<thead>``, or when all its cells are ``<th>``.
    """
    rows: list[SourceRow] = []
    for table in table_wrap.iter("table"):
        head = [tr for section in children(table, "thead") for tr in children(section, "tr")]
        rest = [tr for tr in table.iter("tr") if tr not in head]
        for tr in head + rest:
            cells = [cell for cell in tr if local_name(cell) in ("td", "th")]
            header = tr in head or bool(cells) and all(local_name(cell) == "th" for cell in cells)
            rows.append(SourceRow([SourceCell(_inline(cell), _span(cell, "rowspan"), _span(cell, "colspan"))
                                   for cell in cells], header))
    return rows


def _span(cell: etree._Element, attribute: str) -> int:
    value = (cell.get(attribute) or "").strip()
    return int(value) if value.isdigit() else 1


def _metadata(root: etree._Element, meta: Optional[etree._Element]) -> dict[str, str]:
    found: dict[str, str] = {}
    front = child(root, "front")
    journal = inline_text(next(front.iter("journal-title"), None)) if front is not None else ""
    if journal:
        found["journal"] = journal
    year = _year(meta)
    if year:
        found["year"] = year
    ids = {(aid.get("pub-id-type") or "").lower(): (aid.text or "").strip() for aid in children(meta, "article-id")}
    for key, kinds in (("pmid", ("pmid",)), ("pmcid", ("pmcid", "pmc")), ("doi", ("doi",))):
        value = next((ids[k] for k in kinds if ids.get(k)), "")
        if value:
            found[key] = f"PMC{value}" if key == "pmcid" and value.isdigit() else value
    if root.get("article-type"):
        found["article_type"] = root.get("article-type")
    return found


def _year(meta: Optional[etree._Element]) -> str:
    """Publication year, electronic or print date first."""
    dates = children(meta, "pub-date")

    def rank(date: etree._Element) -> int:
        kind = (date.get("pub-type") or date.get("publication-format") or date.get("date-type") or "").lower()
        return {"epub": 0, "electronic": 0, "ppub": 1, "print": 1, "pub": 2}.get(kind, 3)

    for date in sorted(dates, key=rank):
        year = (date.findtext("year") or "").strip()
        if re.fullmatch(r"\d{4}", year):
            return year
    return ""
