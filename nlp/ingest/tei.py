"""GROBID TEI XML: read like JATS (title, abstract, body divisions, figures and tables)."""
from __future__ import annotations

import re
from contextlib import ExitStack
from typing import Optional

from lxml import etree

from nlp.ingest.builder import TextBuilder
from nlp.ingest.document import Document, ReadError
from nlp.ingest.kinds import heading_kind, lead_kind, named_kind
from nlp.ingest.table_text import SourceCell, SourceRow, SourceTable
from nlp.ingest.xmltools import Floats, child, children, inline_text, join_caption, local_name

TEI = "http://www.tei-c.org/ns/1.0"
_NS = {"t": TEI}
_CITE = ("ref",)
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def read_tei(root: etree._Element, doc_id: str) -> Document:
    """One Document from a parsed TEI document (as GROBID writes them)."""
    if local_name(root) != "TEI":
        raise ReadError(f"not a TEI document: root element <{local_name(root) or root.tag}>")
    header = child(root, "teiHeader")
    builder = TextBuilder()
    title = inline_text(root.find("t:teiHeader/t:fileDesc/t:titleStmt/t:title", _NS))
    if title:
        with builder.section(title, "title"):
            builder.block(title)
    abstract = root.find("t:teiHeader/t:profileDesc/t:abstract", _NS)
    if abstract is not None:
        _write_abstract(builder, abstract)
    body = root.find("t:text/t:body", _NS)
    if body is not None:
        _write_body(builder, body)
    text, sections = builder.build()
    if not text:
        raise ReadError("TEI document has no title, abstract or body text")
    metadata = {"format": "tei", **_metadata(header)}
    return Document(id=doc_id, text=text, title=title, sections=sections, metadata=metadata, tables=builder.tables)


def _write_abstract(builder: TextBuilder, abstract: etree._Element) -> None:
    """The abstract; its headed divisions ("Background", ...) are sections nested in it."""
    with builder.section("Abstract", "abstract", heading="Abstract"):
        for div in children(abstract, "div") or [abstract]:
            title = _head(div)
            with ExitStack() as stack:
                if title:
                    kind = named_kind(title) or heading_kind(title, "abstract")
                    stack.enter_context(builder.section(title, kind, heading=title))
                _write_division_content(builder, div, Floats({}))


def _write_body(builder: TextBuilder, body: etree._Element) -> None:
    floats = Floats({f.get(_XML_ID): f for f in children(body, "figure") if f.get(_XML_ID)})
    divs = children(body, "div")
    first_titled = next((i for i, div in enumerate(divs) if _head(div)), len(divs))
    lead = divs[:first_titled]
    if lead:
        kind = lead_kind(" ".join(" ".join(div.itertext()) for div in lead), first_titled < len(divs))
        with builder.section("", kind):
            for div in lead:
                _write_division_content(builder, div, floats)
    # GROBID writes divisions flat; "2.1" under "2" is rebuilt from the head numbers.
    open_divs: list[tuple[tuple[str, ...], str, ExitStack]] = []  # (number, kind, its open section)
    previous: Optional[str] = None  # the kind of the last top-level division
    for div in divs[first_titled:]:
        head, title = child(div, "head"), _head(div)
        if title:
            number = tuple(part for part in (head.get("n") or "").split(".") if part)
            while open_divs and not _holds(open_divs[-1][0], number):
                open_divs.pop()[2].close()
            # A title naming no kind takes its parent's kind; an unnumbered one at the top takes the
            # kind before it, as a heading does in plain text.
            context = open_divs[-1][1] if open_divs else (None if number else previous)
            kind = named_kind(title) or heading_kind(title, context)
            if not open_divs:
                previous = kind
            stack = ExitStack()
            stack.enter_context(builder.section(title, kind, heading=" ".join(filter(None, (head.get("n"), title)))))
            open_divs.append((number, kind, stack))
        _write_division_content(builder, div, floats)  # a headless div goes on the open section
    while open_divs:
        open_divs.pop()[2].close()
    for element in floats.remaining():
        _write_figure(builder, element)


def _head(div: etree._Element) -> str:
    return inline_text(child(div, "head"))


def _holds(parent: tuple[str, ...], number: tuple[str, ...]) -> bool:
    """Whether section ``parent`` ("2") holds section ``number`` ("2.1"); unnumbered ones hold none."""
    return bool(parent) and len(number) > len(parent) and number[:len(parent)] == parent


def _write_division_content(builder: TextBuilder, div: etree._Element, floats: Floats) -> None:
    for item in div:
        name = local_name(item)
        if name in ("", "head", "note"):
            continue  # footnotes are no part of the reading text
        if name == "p":
            builder.block(inline_text(item, cite=_CITE))
            for element in floats.cited_in(item, "ref", "target"):
                _write_figure(builder, element)
        elif name == "figure":
            _write_figure(builder, item)
        elif name == "list":
            for entry in children(item, "item"):
                builder.block(inline_text(entry, cite=_CITE))
        else:  # formula, quote, ...
            builder.block(inline_text(item, cite=_CITE))


def _write_figure(builder: TextBuilder, figure: etree._Element) -> None:
    """ "Table 1. Description" then its rows (cells joined by " | "), then its note."""
    is_table = figure.get("type") == "table"
    name = inline_text(child(figure, "head")).rstrip(" :.")  # GROBID writes "Table 1 :"
    label = inline_text(child(figure, "label"))
    if not name and label:
        name = f"{'Table' if is_table else 'Figure'} {label}"
    description = inline_text(child(figure, "figDesc"), cite=_CITE)
    rows = [SourceRow([SourceCell(inline_text(cell), _span(cell, "rows"), _span(cell, "cols"))
                       for cell in children(row, "cell")], header=row.get("role") == "label")
            for row in children(child(figure, "table"), "row")]
    builder.table(SourceTable(rows, caption=join_caption([name, description]),
                              footnotes=[inline_text(child(figure, "note"))]))


def _span(cell: etree._Element, attribute: str) -> int:
    value = (cell.get(attribute) or "").strip()
    return int(value) if value.isdigit() else 1


def _metadata(header: Optional[etree._Element]) -> dict[str, str]:
    found: dict[str, str] = {}
    if header is None:
        return found
    bibl = header.find("t:fileDesc/t:sourceDesc/t:biblStruct", _NS)
    for idno in bibl.iterfind("t:idno", _NS) if bibl is not None else ():
        key = {"doi": "doi", "pmid": "pmid", "pmcid": "pmcid"}.get((idno.get("type") or "").lower())
        if key and (idno.text or "").strip():
            found.setdefault(key, idno.text.strip())
    journal = inline_text(bibl.find("t:monogr/t:title[@level='j']", _NS)) if bibl is not None else ""
    if journal:
        found["journal"] = journal
    dates = [header.find("t:fileDesc/t:publicationStmt/t:date", _NS)]
    if bibl is not None:
        dates.append(bibl.find("t:monogr/t:imprint/t:date", _NS))
    for date in (d for d in dates if d is not None):
        match = re.search(r"\d{4}", date.get("when") or date.text or "")
        if match:
            found["year"] = match.group(0)
            break
    return found
