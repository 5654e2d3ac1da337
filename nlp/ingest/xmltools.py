"""Safe XML parsing and mixed-content flattening shared by the JATS, PubMed and TEI readers."""
from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

from lxml import etree

from nlp.ingest.document import ReadError

# Elements whose content reads as a separate phrase: a space on each side keeps
# "<title>Methods</title><p>We..." or "<td>5</td><td>6</td>" from gluing together.
_BREAKING = frozenset({"p", "title", "label", "caption", "list-item", "item", "break", "br", "lb", "def-item",
                       "term", "def", "head", "tr", "row", "td", "th", "cell", "figDesc", "list"})
_EXPONENT = re.compile(r"[−\-–+]?\d+")


def parse_xml(data: bytes) -> etree._Element:
    """The root element; never fetches a DTD or external entity, never expands entities."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ReadError(f"not well-formed XML: {syntax_reason(error)}") from None
    if root is None:
        raise ReadError("not well-formed XML: no root element")
    return root


_WHERE = re.compile(r",? *line \d+, column \d+\s*$")


def syntax_reason(error: etree.XMLSyntaxError) -> str:
    """libxml2's reason on one line, where it is in words ("... at line 3, column 7"), without lxml's
    "(<string>, line 1)" suffix."""
    message = (error.msg or str(error) or "").strip()
    message = re.sub(r"\s*\(<string>, line \d+\)\s*$", "", message.splitlines()[0] if message else "")
    message = _WHERE.sub("", message).strip().rstrip(",.") or "syntax error"
    line, column = error.position if error.position else (error.lineno, None)
    if line and column:
        return f"{message} at line {line}, column {column}"
    return f"{message} at line {line}" if line else message


def local_name(node: etree._Element) -> str:
    """Tag without namespace; '' for comments, entities and other non-elements."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def children(node: Optional[etree._Element], name: str) -> list[etree._Element]:
    """Direct child elements with local name ``name``."""
    return [] if node is None else [child for child in node if local_name(child) == name]


def child(node: Optional[etree._Element], name: str) -> Optional[etree._Element]:
    found = children(node, name)
    return found[0] if found else None


def squash(text: str) -> str:
    """Collapse every run of whitespace (newlines, NBSP, thin spaces) to one space."""
    return re.sub(r"\s+", " ", text).strip()


def inline_text(node: Optional[etree._Element], *, cite: Iterable[str] = (), skip: Iterable[str] = (),
                defer: Iterable[str] = (), on_defer: Optional[Callable[[etree._Element], None]] = None) -> str:
    """The text of mixed content on one line.

    ``cite`` elements (citations) are spaced off letters and digits ("tumors [1]", never
    "tumors1"); ``skip`` elements are dropped; ``defer`` elements (figures inside a paragraph)
    are handed to ``on_defer`` instead of being inlined. Superscript numbers after digits become
    exponents ("10^9/L").
    """
    if node is None:
        return ""
    out: list[str] = []
    _flatten(node, out, frozenset(cite), frozenset(skip), frozenset(defer), on_defer)
    return squash("".join(out))


def _flatten(node: etree._Element, out: list[str], cite: frozenset, skip: frozenset, defer: frozenset,
             on_defer: Optional[Callable[[etree._Element], None]]) -> None:
    if node.text:
        out.append(node.text)
    for item in node:
        name = local_name(item)
        if not name or name in skip:
            pass  # comments, unexpanded entity references, dropped elements: their tail only
        elif name in defer:
            if on_defer is not None:
                on_defer(item)
        else:
            inner: list[str] = []
            _flatten(item, inner, cite, skip, defer, on_defer)
            _append(out, "".join(inner), name, _is_citation(item, name, cite))
        if item.tail:
            _append_tail(out, item.tail, _is_citation(item, name, cite))


def _is_citation(item: etree._Element, name: str, cite: frozenset) -> bool:
    # A superscript holding a citation ("tumors<sup><xref>1</xref></sup>") is spaced like one.
    return name in cite or (name == "sup" and any(local_name(d) in cite for d in item.iterdescendants()))


def _last_char(out: list[str]) -> str:
    for piece in reversed(out):
        if piece:
            return piece[-1]
    return ""


def _append(out: list[str], text: str, name: str, citation: bool) -> None:
    if name in _BREAKING:
        out.extend((" ", text, " "))
        return
    before = _last_char(out)
    if citation and text[:1].isalnum() and before.isalnum():
        out.append(" ")
    elif name == "sup" and before.isdigit() and _EXPONENT.fullmatch(text.strip()):
        text = "^" + text.strip()
    out.append(text)


def _append_tail(out: list[str], tail: str, after_cite: bool) -> None:
    if after_cite and tail[:1].isalnum() and _last_char(out).isalnum():
        out.append(" ")
    out.append(tail)


def join_caption(parts: Iterable[str]) -> str:
    """Caption pieces (label, title, text) as one sentence-like run: "Figure 1. MRI of T8. ..."."""
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if text and not re.search(r"[.:;!?]$", text):
            text += "."
        text = f"{text} {part}" if text else part
    return text


class Floats:
    """Figures and tables kept apart from the text flow, placed after the paragraph citing them first."""

    def __init__(self, floats: dict[str, etree._Element]) -> None:
        self._waiting = dict(floats)

    def cited_in(self, node: etree._Element, ref_name: str, ref_attr: str) -> list[etree._Element]:
        found = []
        for ref in node.iter():
            if local_name(ref) != ref_name:
                continue
            for target in (ref.get(ref_attr) or "").split():
                element = self._waiting.pop(target.lstrip("#"), None)
                if element is not None:
                    found.append(element)
        return found

    def remaining(self) -> list[etree._Element]:
        rest = list(self._waiting.values())
        self._waiting.clear()
        return rest
