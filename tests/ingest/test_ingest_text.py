"""Plain text: decoding, exact offsets, rejection of binary data."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from nlp.ingest import read_path
from nlp.ingest.document import ReadError
from nlp.ingest.text import decode_text, read_text

REPORT = ("Vertébral haemangioma — a case report\n\nCase report\nA 47-year-old woman (“Mme D.”) had pain "
          "graded 7/10; temperature 37.5°C.\n\nDiscussion\nRadiotherapy was not given.\n")


def _read_as_python_does(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, newline=None) as handle:
        return handle.read()


@pytest.mark.parametrize("encoding, data", [
    ("utf-8", REPORT.encode("utf-8")),
    ("utf-8-sig", codecs.BOM_UTF8 + REPORT.encode("utf-8")),
    ("utf-16", REPORT.encode("utf-16")),  # with its BOM
    ("utf-16", codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be")),
    ("utf-32", REPORT.encode("utf-32")),
])
def test_unicode_encodings_give_the_same_text(tmp_path: Path, encoding: str, data: bytes, checked) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    doc = read_path(path)[0]
    assert doc.text == REPORT
    assert doc.metadata["encoding"] == encoding
    assert doc.text == _read_as_python_does(path, doc.metadata["encoding"])
    assert doc.title == "Vertébral haemangioma — a case report"
    assert [s.kind for s in doc.sections] == ["title", "case", "discussion"]
    checked(doc, contiguous=True)


def test_latin1_is_guessed(tmp_path: Path) -> None:
    text = ("Hémangiome vertébral agressif de T8\n\nCas clinique\nUne femme âgée de 47 ans présentait des "
            "douleurs dorsales depuis cinq mois, une paraparésie et une hypoesthésie sous-ombilicale. "
            "L'IRM montrait une lésion hyperintense en T1 et en T2 avec une extension épidurale.\n")
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    doc = read_path(path)[0]
    assert doc.text == text
    assert doc.text == _read_as_python_does(path, doc.metadata["encoding"])


@pytest.mark.parametrize("text", ["Café naïve 37°C\n", "Temperature 37.5°C, Ø 3 cm, µg/L, 10×10^9/L\n",
                                  "Müller J: Wirbelhämangiom Th8, Fallbericht\n"])
def test_short_western_text_is_not_misread(text: str) -> None:
    for encoding in ("latin-1", "cp1252"):
        assert decode_text(text.encode(encoding)) == (text, "cp1252")


def test_other_legacy_encodings_are_guessed() -> None:
    text = "Гемангиома позвонка: клинический случай. Пациентка 47 лет, боль в спине.\n" * 3
    decoded, encoding = decode_text(text.encode("cp1251"))
    assert decoded == text and encoding != "cp1252"


def test_cp1252_quotes_and_dashes(tmp_path: Path) -> None:
    text = "A “typical” lesion – with ‘honeycomb’ trabeculae – was seen at T8 in a 47-year-old woman.\n" * 3
    path = tmp_path / "cp1252.txt"
    path.write_bytes(text.encode("cp1252"))
    assert read_path(path)[0].text == text


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_newlines_as_text_mode_reads_them(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(REPORT.replace("\n", newline).encode("utf-8"))
    doc = read_path(path)[0]
    assert doc.text == REPORT == _read_as_python_does(path, "utf-8")
    case = next(s for s in doc.sections if s.kind == "case")
    assert doc.text[case.start:case.start + 11] == "Case report"


def test_nothing_but_newlines_is_normalised() -> None:
    text = "Title line\n\n\tIndented\u00a0text  with  spaces,\x0cform feed and \u2028 separators.\n"
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")


def test_binary_data_is_refused() -> None:
    with pytest.raises(ReadError, match="^binary data, not text$"):
        read_text(b"PK\x03\x04\x00\x00 zip archive", "x")
    with pytest.raises(ReadError, match="^binary data, not text$"):
        read_text(bytes(range(1, 32)) * 20, "x")


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t ", codecs.BOM_UTF16_LE])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    with pytest.raises(ReadError, match="^empty file$"):
        read_path(path)


def test_short_first_line_without_full_stop_is_the_title() -> None:
    assert read_text(b"Spinal haemangioma\nA 40-year-old man had pain.\n", "x").title == "Spinal haemangioma"
    assert read_text(b"A 40-year-old man had back pain.\nHe improved.\n", "x").title == ""
