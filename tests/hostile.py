"""A folder of hostile inputs for ``caseminer extract``, each with what the run must make of it.

``build(folder, secret)`` writes the files and returns ``{file name: Expect}``. ``secret`` is a
file outside the folder that some XML inputs point at (as an external entity or DTD); its content
must never reach an output. Everything is generated here, in about a second, from fixed seeds.
"""
from __future__ import annotations

import io
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

EXAMPLES = Path(__file__).parents[1] / "corpora" / "examples"

SECRET = "CANARY-7f3a9c-do-not-leak"
PAGES = 3000  # a "PDF with thousands of pages" (blank: it must be refused by --max-pages before reading)
NUMBERS = 100_000


@dataclass(frozen=True)
class Expect:
    status: str  # ok, no_case, failed, skipped
    reason: str = ""  # a piece of the one-line reason of a failed input
    age: Optional[float] = None
    sex: Optional[str] = None
    text: str = ""  # a piece the document text must hold (an accented word read from another encoding)


TWO_CASES = """Two aggressive vertebral hemangiomas

Case reports
Case 1
A {a}-year-old woman presented with back pain. MRI showed a T8 hemangioma. She recovered fully.

Case 2
A {b}-year-old man presented with leg weakness. MRI showed an L2 hemangioma. He improved.
"""


def command() -> list[str]:
    """How a test runs the `caseminer` command of this environment."""
    script = Path(sys.executable).with_name("caseminer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "nlp"]


def report(age: int, sex: str, extra: str = "") -> str:
    """A one-patient case report whose age and sex the pipeline must find."""
    noun, pronoun = ("woman", "She") if sex == "female" else ("man", "He")
    return (f"Aggressive vertebral hemangioma of T8 treated by embolization\n\n"
            f"Case report\n"
            f"A {age}-year-old {noun} presented with back pain for six months{extra}. "
            f"MRI showed a T8 hemangioma. {pronoun} recovered fully.\n")


def jats(body: str, doctype: str = "", title: str = "Vertebral hemangioma of T8") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n'
            f"<article><front><article-meta><title-group><article-title>{title}</article-title>"
            f"</title-group></article-meta></front><body><sec><title>Case report</title><p>{body}</p>"
            f"</sec></body></article>\n").encode("utf-8")


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE article [{entities}]>\n'
            f"<article><body><p>A 45-year-old woman &lol9;</p></body></article>\n").encode("utf-8")


def blank_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(source: bytes, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pubmed(pmid: str, abstract: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<PubmedArticleSet><PubmedArticle><MedlineCitation>'
            f"<PMID>{pmid}</PMID><Article><ArticleTitle>Vertebral hemangioma of T8</ArticleTitle>"
            f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract></Article></MedlineCitation>"
            f"</PubmedArticle></PubmedArticleSet>\n").encode("utf-8")


# File names a shell would act on: if any of them reached a shell, a file named PWNED would appear.
SHELL_NAMES = ("$(touch PWNED).txt", "`touch PWNED`.txt", "a; touch PWNED; b.txt", "it's \"quoted\" & | > <.txt",
               "name with  spaces.txt")


def build(folder: Path, secret: Path) -> dict[str, Expect]:
    """Write the hostile inputs (and good reports beside them) into ``folder``; return what each must give."""
    folder.mkdir(parents=True, exist_ok=True)
    secret.write_text(f"{SECRET}\n", encoding="utf-8")
    rng = random.Random(7)
    files: dict[str, bytes] = {}
    expect: dict[str, Expect] = {}

    def add(name: str, data: bytes, expectation: Expect) -> None:
        files[name], expect[name] = data, expectation

    # Good reports, in every encoding and under every awkward name.
    add("good.txt", report(47, "female").encode("utf-8"), Expect("ok", age=47, sex="female"))
    add("latin1.txt", report(45, "female", " and Ménière disease").encode("latin-1"),
        Expect("ok", age=45, sex="female", text="Ménière"))
    add("utf16.txt", report(52, "male", " after a fall on the Île de Ré").encode("utf-16"),
        Expect("ok", age=52, sex="male", text="Île de Ré"))
    add("cp1252.txt", report(33, "male", " \u2013 “worse at night”").encode("cp1252"),
        Expect("ok", age=33, sex="male", text="“worse at night”"))
    for age, name in enumerate(SHELL_NAMES, start=60):
        add(name, report(age, "male").encode("utf-8"), Expect("ok", age=age, sex="male"))
    add("x" * 251 + ".txt", report(58, "female").encode("utf-8"), Expect("ok", age=58, sex="female"))
    add(os.fsdecode(b"name-not-utf8-\xe9\xff.txt"), report(59, "female").encode("utf-8"),
        Expect("ok", age=59, sex="female"))
    add("report.pdf", (EXAMPLES / "avh_c5_report.pdf").read_bytes(), Expect("ok", age=39, sex="male"))
    add("review.txt", b"Vertebral hemangiomas: a review\n\nIntroduction\nVertebral hemangiomas are common "
        b"benign lesions. Most patients are asymptomatic.\n", Expect("no_case"))

    # XML pointing at a file it was not given: read without the reference, never with its content.
    add("entity.xml", jats("A 41-year-old woman had back pain &xxe; and &passwd;.",
                           f'<!DOCTYPE article [<!ENTITY xxe SYSTEM "file://{secret}">'
                           '<!ENTITY passwd SYSTEM "file:///etc/passwd">]>'),
        Expect("ok", age=41, sex="female"))
    add("parameter-entity.xml", jats("A 42-year-old man had back pain.",
                                     f'<!DOCTYPE article [<!ENTITY % ext SYSTEM "file://{secret}"> %ext;]>'),
        Expect("ok", age=42, sex="male"))
    add("external-dtd.xml", jats("A 43-year-old woman had back pain &fromdtd;.",
                                 f'<!DOCTYPE article SYSTEM "file://{secret}">'),
        Expect("ok", age=43, sex="female"))
    add("network-dtd.xml", jats("A 44-year-old man had back pain.",
                                '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS//EN" "http://127.0.0.1:9/jats.dtd">'),
        Expect("ok", age=44, sex="male"))
    # An id taken from the file's content must not become a path out of the output folder.
    add("pubmed-path.xml", pubmed("../../../../ESCAPED", "A 46-year-old woman had back pain from a T8 "
                                  "hemangioma. She recovered fully."), Expect("ok", age=46, sex="female"))

    # Inputs that must fail, each with a one-line reason.
    add("empty.txt", b"", Expect("failed", "empty"))
    add("whitespace.txt", b" \n\t\r\n  \n", Expect("failed", "empty"))
    add("binary.txt", bytes(rng.randrange(256) for _ in range(4096)), Expect("failed", "binary"))
    add("empty\nwith newline.txt", b"", Expect("failed", "empty"))
    pdf = (EXAMPLES / "avh_c5_report.pdf").read_bytes()
    add("truncated.pdf", pdf[: len(pdf) // 3], Expect("failed", "PDF"))
    add("fake.pdf", report(50, "male").encode("utf-8"), Expect("failed", "not a PDF"))
    add("encrypted.pdf", encrypted_pdf(pdf, "secret"), Expect("failed", "encrypted"))
    add("pages.pdf", blank_pdf(PAGES), Expect("failed", f"{PAGES} pages"))
    add("malformed.xml", b"<?xml version='1.0'?><article><body><p>A 45-year-old woman</body>",
        Expect("failed", "not well-formed XML"))
    add("laughs.xml", billion_laughs(), Expect("failed", "not well-formed XML"))
    words = ["the", "patient", "hemangioma", "pain", "T12", "5", "mL", "VAS", "8/10", "was", "at", "and"]
    line = " ".join(rng.choice(words) for _ in range(1_300_000))[:6_000_000]
    add("long-line.txt", line.encode("utf-8"), Expect("failed", "characters"))
    numbers = "\n".join(str(rng.randrange(10 ** 6)) for _ in range(NUMBERS))
    add("numbers.txt", numbers.encode("utf-8"), Expect("failed", "timed out"))

    # Types caseminer does not read: skipped when met in a folder.
    add("notes.docx", b"PK\x03\x04 not a report", Expect("skipped"))
    add("run-me.sh", b"#!/bin/sh\ntouch PWNED\n", Expect("skipped"))

    for name, data in files.items():
        (folder / name).write_bytes(data)
    return expect
