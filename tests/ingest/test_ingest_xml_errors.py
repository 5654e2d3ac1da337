"""A broken XML file's one-line reason: libxml2's words, the line and column in words, no lxml noise."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp.ingest import read_path
from nlp.ingest.document import ReadError


def test_broken_xml_reason_names_line_and_column_without_lxml_noise(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(b"<article>\n<body>\n  <p>never closed</body>\n</article>\n")
    with pytest.raises(ReadError) as error:
        read_path(path)
    assert str(error.value) == ("not well-formed XML: Opening and ending tag mismatch: p line 3 and body "
                                "at line 3, column 25")
    assert "<string>" not in str(error.value)
