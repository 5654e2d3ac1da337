"""Plain-text case reports: decoded exactly as Python's text mode would read the file."""
from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from nlp.ingest.document import Document, ReadError
from nlp.ingest.sections import sections_from_headings
from nlp.ingest.tables import find_text_tables

# Longest BOM first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MAX_CONTROL_SHARE = 0.05


def detect_encoding(data: bytes) -> str:
    """The encoding to open the file with: BOM, strict UTF-8, cp1252 for Western text, else
    charset-normalizer's guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    if b"\x00" in data:
        raise ReadError("binary data, not text")  # NUL bytes and no UTF-16/32 BOM
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # charset-normalizer misreads short Western text (cp1250, mac_latin2, even cp932 for
    # "37.5°C, µg/L"), so mostly-ASCII letters settle it first: cp1252 covers Latin-1 too.
    if _mostly_ascii_letters(data, "cp1252"):
        return "cp1252"
    best = from_bytes(data).best()
    return best.encoding if best is not None else "latin-1"  # Latin-1 decodes any bytes


def _mostly_ascii_letters(data: bytes, encoding: str) -> bool:
    """Text in a Latin script has few accented letters; Cyrillic or Greek read as cp1252 has many."""
    try:
        letters = [ch for ch in data.decode(encoding) if ch.isalpha()]
    except UnicodeDecodeError:
        return False
    return bool(letters) and sum(not ch.isascii() for ch in letters) <= 0.3 * len(letters)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): ``text`` equals ``open(path, encoding=encoding, newline=None).read()``."""
    encoding = detect_encoding(data)
    try:
        raw = codecs.decode(data, encoding)
    except UnicodeDecodeError:  # a file saying UTF-16 by its BOM that is not
        raise ReadError(f"cannot decode as {encoding}") from None
    # Universal newlines, as text mode reads them; nothing else is changed, so offsets hold.
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise ReadError("binary data, not text")
    return text, encoding


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")
                   and ch not in _ALLOWED_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * max(len(text), 1)


def read_text(data: bytes, doc_id: str) -> Document:
    """A Document from the bytes of a plain-text file."""
    text, encoding = decode_text(data)
    if not text.strip():
        raise ReadError("empty file")
    sections = sections_from_headings(text)
    title = next((s.title for s in sections if s.kind == "title"), "")
    return Document(id=doc_id, text=text, title=title, sections=sections,
                    metadata={"format": "text", "encoding": encoding}, tables=find_text_tables(text))
