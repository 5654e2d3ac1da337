"""Split a document into its patients.

- A case series in a table: each row is a patient (``nlp.series``); the narrative that names
  one of them ("Patient 5. A 56-year-old woman ...", "in case 2 the feeder was coiled") is
  joined to that row by number.
- Patients told one by one ("Case 1", "Patient 2", "The second patient"): each gets the text
  from its heading on, and the sentences that name it.
- One patient: the whole text. A series told only in pooled figures ("38 patients, mean age
  24.9") or a review: no patient.

A sentence that speaks of the whole series ("PVA particles were used in all cases", "No
recurrence was seen in any of the six patients", "Apart from patient 8, no progression was
seen") is shared by the patients it covers (:class:`Shared`).
"""
from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from nlp.context import BLOCKING
from nlp.extract.base import Candidate, SentenceView
from nlp.extract.registry import complete_rows, patient_fields
from nlp.ingest.document import Document
from nlp.normalize.numbers import ORDINALS, ROMAN, WORD_VALUES
from nlp.series import CaseTable, case_tables
from nlp.series.rules import rules

# a negation near an age or sex ("no history of trauma") does not unsay it
_NOT_STATED = BLOCKING - {"negated"}
_RANGE_SEP = re.compile(r"^\s*(?:to|through|-|–)\s*(?:(?:patients?|cases?)\s*)?$", re.IGNORECASE)
# Section kinds that speak of the disease in general: a patient's story is over there.
_REVIEW_KINDS = {"introduction", "discussion", "conclusion", "references"}
# where the first of patients told one by one stands when only the later ones are numbered
_FIRST_PATIENT_KINDS = {"case", "results", "methods", "other"}
# an anchor's reference stands at the start of its sentence ("Illustrative case (patient 2).")
_ANCHOR_REACH = 30
_HEADING_LENGTH = 60
# an age or sex stated plainly enough to make a patient (the sex named with a noun) ...
_STATED = 0.7
# ... and enough to pair with an age in one sentence ("a 75-year-old female"; not "she")
_PAIRED = 0.6


@dataclass
class CaseSegment:
    """One patient: what its table row states, and what the narrative says of it."""
    index: int
    number: int
    table: list[Candidate] = field(default_factory=list)
    narrative: list[Candidate] = field(default_factory=list)
    lost: bool = False  # lost to follow-up


@dataclass(frozen=True)
class Shared:
    """A statement about the whole series, for every patient but the ``excluded`` numbers."""
    candidate: Candidate
    excluded: frozenset[int] = frozenset()


@dataclass
class CaseSplit:
    segments: list[CaseSegment]
    shared: list[Shared] = field(default_factory=list)
    # why a document has no patient (NO_CASE_REASONS), for the manifest's `reason` column
    reason: str = ""


# review: a review of others' patients; pooled_only: the authors' series told only in pooled
# figures; no_patient: no individual patient told at all
NO_CASE_REASONS = ("review", "pooled_only", "no_patient")


# ---- references to patients ----------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """Patients named at ``start:end`` of a sentence. ``except_`` for "apart from patient 8";
    ``object`` for a reference after a preposition ("PVA in patients 1 and 2"), which owns
    what comes before it."""
    start: int
    end: int
    numbers: frozenset[int]
    except_: bool = False
    object: bool = False


def _number(token: str) -> Optional[int]:
    token = token.lower()
    if token.isdigit():
        return int(token)
    return WORD_VALUES.get(token) or ROMAN.get(token)


def _numbers(text: str) -> set[int]:
    """"1, 2, 3 and 5" -> {1, 2, 3, 5}; "1 to 4" -> {1, 2, 3, 4}."""
    num = rules()["regex"]["patients"]["num"]
    found: set[int] = set()
    previous: Optional[tuple[int, int]] = None  # (value, end)
    for m in num.finditer(text):
        value = _number(m.group(0))
        if value is None:
            continue
        if previous and _RANGE_SEP.match(text[previous[1]:m.start()]) and previous[0] < value <= previous[0] + 50:
            found.update(range(previous[0], value + 1))
        found.add(value)
        previous = (value, m.end())
    return found


def find_refs(text: str) -> list[Ref]:
    """The patients a sentence names, in order."""
    rx = rules()["regex"]["patients"]
    refs = []
    for m in rx["number_ref"].finditer(text):
        numbers = _numbers(m["nums"])
        if numbers:
            refs.append(_ref(text, m.start(), m.end(), numbers))
    for m in rx["ordinal_ref"].finditer(text):
        refs.append(_ref(text, m.start(), m.end(), {ORDINALS[m["ord"].lower()]}))
    for m in rx["letter_ref_cs"].finditer(text):
        refs.append(_ref(text, m.start(), m.end(), {ord(m["letter"]) - ord("A") + 1}))
    return sorted(refs, key=lambda r: r.start)


def _ref(text: str, start: int, end: int, numbers: set[int]) -> Ref:
    rx = rules()["regex"]["patients"]
    lead = text[max(0, start - 60):start]
    exception = rx["except"].search(lead)
    if exception:
        start = start - len(lead) + exception.start()
        tail = rx["except_tail"].match(text, end)
        end = tail.end() if tail else end
    return Ref(start, end, frozenset(numbers), exception is not None, bool(rx["object_lead"].search(lead)))


def _series_wide(text: str, weak: bool) -> bool:
    """A statement about the whole series; ``weak`` admits pronouns ("all had")."""
    rx = rules()["regex"]["patients"]
    patterns = rx["series_wide"] + (rx["series_wide_weak"] if weak else [])
    return any(p.search(text) for p in patterns)


# ---- sentences, paragraphs, blocks ---------------------------------------------------------

@dataclass
class _Sentence:
    view: SentenceView
    refs: list[Ref]
    clauses: list[tuple[int, int]]  # in sentence offsets
    owner: Optional[int] = None     # the patient whose block it lies in


_CLAUSE_BREAK = re.compile(r";|,\s+(?=(?:and|but|whereas|while)\s)")


def _clauses(text: str) -> list[tuple[int, int]]:
    """"In patient 3 the feeder was T7, and in patient 5 T3": each clause names its own."""
    bounds = [m for m in _CLAUSE_BREAK.finditer(text)]
    edges = [0] + [b.end() for b in bounds]
    ends = [b.start() for b in bounds] + [len(text)]
    return list(zip(edges, ends))


def _anchor(sentence: _Sentence) -> Optional[int]:
    """The patient a sentence opens with ("Patient 5.", "Case 3 in detail.", "The second
    patient, ..."); not in a Discussion, where "case 2" may be someone else's."""
    if sentence.view.section in _REVIEW_KINDS:
        return None
    lead = len(sentence.view.text) - len(sentence.view.text.lstrip(" \t#*"))
    refs = sentence.refs
    if refs and refs[0].start - lead <= _ANCHOR_REACH and len(refs[0].numbers) == 1 and not refs[0].except_:
        return next(iter(refs[0].numbers))
    return None


def _paragraph_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _line_start(text: str, offset: int) -> bool:
    return not text[text.rfind("\n", 0, offset) + 1:offset].strip(" \t#*")


def _heading_line(text: str, offset: int) -> bool:
    """A short line of its own ("Case 2", "Patient 3: recurrent lesion"), not a paragraph."""
    return _line_start(text, offset) and _paragraph_end(text, offset) - offset <= _HEADING_LENGTH


def _sentences(document: Document, views: list[SentenceView], skip: list[tuple[int, int]],
               whole_paragraph: bool) -> list[_Sentence]:
    """The narrative's sentences, each with the patient whose block holds it.

    A block starts at a sentence that opens with one patient. A heading line of its own
    runs on to the next such sentence or the Discussion, and so does a paragraph that opens
    with one in a report told case by case (``whole_paragraph`` False); any other runs to
    the end of its paragraph.
    """
    text = document.text
    closers = sorted(s.start for s in document.sections if s.kind in _REVIEW_KINDS)
    out: list[_Sentence] = []
    owner, block_end = None, -1
    for view in views:
        if any(a <= view.start < b for a, b in skip):
            continue
        sentence = _Sentence(view, find_refs(view.text), _clauses(view.text))
        if view.start >= block_end:
            owner = None
        number = _anchor(sentence)
        if number is not None:
            owner = number
            if _heading_line(text, view.start) or (not whole_paragraph and _line_start(text, view.start)):
                block_end = min([len(text)] + [c for c in closers if c > view.start])
            else:
                block_end = _paragraph_end(text, view.start)
        sentence.owner = owner
        out.append(sentence)
    return out


# ---- routing candidates to patients --------------------------------------------------------

@dataclass(frozen=True)
class _Route:
    numbers: frozenset[int] = frozenset()  # the patients it is about
    named: bool = False                    # ... because the sentence names them
    shared: Optional[Shared] = None        # or the series-wide statement it makes


def _route(c: Candidate, sentence: _Sentence) -> _Route:
    """Where a narrative candidate goes."""
    offset = c.start - sentence.view.start
    clause = next(((a, b) for a, b in sentence.clauses if a <= offset < b), (0, len(sentence.view.text)))
    inside = next((r for r in sentence.refs if r.except_ and r.start <= offset < r.end), None)
    if inside is not None:
        return _Route(inside.numbers, named=True)  # "apart from the leak in patient 6": patient 6's leak
    named = [r for r in sentence.refs if clause[0] <= r.start < clause[1] and not r.except_]
    if named:
        return _Route(_nearest(named, offset), named=True)
    shareable = sentence.view.section not in rules()["data"]["no_shared_sections"]
    excepted = frozenset(n for r in sentence.refs if r.except_ for n in r.numbers)
    alone = sentence.owner is None
    if excepted or _series_wide(sentence.view.text[clause[0]:clause[1]], weak=alone) \
            or (alone and ("all_patients" in c.flags or c.field in rules()["data"]["shared_when_unnamed"])):
        return _Route(shared=Shared(c, excepted) if shareable else None)
    # "In patient 3 the T7 artery fed it, and it was occluded with PVA": the clause names no one,
    # its part of the sentence (up to a semicolon) does
    part = _part_of(sentence.view.text, offset)
    named = [r for r in sentence.refs if part[0] <= r.start < part[1] and not r.except_]
    if named:
        return _Route(_nearest(named, offset), named=True)
    return _Route(frozenset() if alone else frozenset({sentence.owner}))


def _part_of(text: str, offset: int) -> tuple[int, int]:
    """The stretch between semicolons that holds ``offset``."""
    start = text.rfind(";", 0, offset) + 1
    end = text.find(";", offset)
    return start, len(text) if end < 0 else end


def _nearest(refs: list[Ref], offset: int) -> frozenset[int]:
    """"PVA in patients 1, 2 and 5 and Onyx in patient 6": a reference after a preposition
    owns what precedes it; one standing as subject ("cases 2 and 4 each received") what follows."""
    after = next((r for r in refs if r.start >= offset), None)
    before = next((r for r in reversed(refs) if r.end <= offset), None)
    if after is not None and after.object:
        return after.numbers
    if before is not None and not before.object:
        return before.numbers
    return (after or before or refs[0]).numbers  # or the reference the value stands inside


def _sentence_of(sentences: list[_Sentence], starts: list[int], offset: int) -> Optional[_Sentence]:
    k = bisect.bisect_right(starts, offset) - 1
    if k < 0:
        return None
    sentence = sentences[k]
    return sentence if offset < sentence.view.end else None


def _distribute(segments: list[CaseSegment], sentences: list[_Sentence],
                candidates: Iterable[Candidate]) -> list[Shared]:
    """Narrative candidates to the patients they are about; series-wide ones are returned."""
    by_number = {s.number: s for s in segments}
    starts = [s.view.start for s in sentences]
    shared = []
    for c in candidates:
        sentence = _sentence_of(sentences, starts, c.start)
        if sentence is None:
            continue
        route = _route(c, sentence)
        if route.shared is not None:
            shared.append(route.shared)
        if route.named:
            # named by number: about those patients, whatever general words surround it
            c = dataclasses.replace(c, flags=c.flags - set(rules()["data"]["named_clears"]))
        for n in route.numbers:
            if n in by_number:
                by_number[n].narrative.append(c)
    return shared


# ---- the three kinds of document -----------------------------------------------------------

def _table_segments(tables: list[CaseTable], candidates: list[Candidate]) -> list[CaseSegment]:
    """One segment per patient row; a later table of the same patients (by number, else by
    position when it has as many rows) adds to them. A footnote speaks of the rows that carry
    its mark ("RTb" -> "b RT given for recurrence at 18 months")."""
    segments: list[CaseSegment] = []
    for t, table in enumerate(tables):
        numbered = all(r.number is not None for r in table.rows)
        for k, row in enumerate(table.rows):
            number = row.number if numbered else k + 1
            target = next((s for s in segments if s.number == number), None) if t else None
            if target is None and t and not numbered and len(table.rows) == len(segments):
                target = segments[k]
            if target is None:
                target = CaseSegment(len(segments) + 1, number)
                segments.append(target)
            target.table.extend(row.candidates)
            target.lost = target.lost or row.lost
            notes = [table.notes[m] for m in row.marks if m in table.notes]
            target.narrative.extend(c for c in candidates for n in notes if n.start <= c.start < n.end)
    for segment in segments:
        segment.table.extend(complete_rows(segment.table))
    return segments


def _from_tables(document: Document, views: list[SentenceView], candidates: list[Candidate],
                 tables: list[CaseTable]) -> CaseSplit:
    segments = _table_segments(tables, candidates)
    spans = [(t.start, t.end) for t in tables]
    narrative = [c for c in candidates if not any(a <= c.start < b for a, b in spans)]
    sentences = _sentences(document, views, spans, whole_paragraph=True)
    return CaseSplit(segments, _distribute(segments, sentences, narrative))


def _from_narrative(document: Document, views: list[SentenceView], candidates: list[Candidate]) -> Optional[CaseSplit]:
    """Patients told one by one, when two or more are named at the start of a sentence."""
    sentences = _sentences(document, views, [], whole_paragraph=False)
    numbers = list(dict.fromkeys(n for s in sentences if (n := _anchor(s)) is not None))
    if 2 in numbers and 1 not in numbers:
        _give_first_patient(sentences)
        numbers.insert(0, 1)
    if len(numbers) < 2:
        return None
    segments = [CaseSegment(i + 1, n) for i, n in enumerate(numbers)]
    return CaseSplit(segments, _distribute(segments, sentences, candidates))


def _give_first_patient(sentences: list[_Sentence]) -> None:
    """"A 45-year-old man ... The second patient, ...": the report's own text before the
    second patient is the first's."""
    for sentence in sentences:
        if sentence.owner is not None:
            break
        if sentence.view.section in _FIRST_PATIENT_KINDS:
            sentence.owner = 1


def _demographics(candidates: list[Candidate], confidence: float) -> list[Candidate]:
    """Stated ages and sexes, outside general or pooled statements."""
    return [c for c in candidates
            if c.field in patient_fields() and c.confidence >= confidence and not (c.flags & _NOT_STATED)]


def describes_a_patient(candidates: list[Candidate], views: list[SentenceView]) -> bool:
    """A patient of its own: an age or sex stated of a person ("a patient", "a woman", "she"
    outside the Introduction and Discussion), or age and sex stated together ("F, 41."; "a
    75-year-old female") - not the "male minnows" and "4 months of age" of a laboratory study."""
    if not _demographics(candidates, _STATED):
        return False
    person = rules()["regex"]["patients"]["person"]
    if any(v.section not in _REVIEW_KINDS and person.search(v.text) for v in views):
        return True
    starts = [v.start for v in views]
    fields_by_sentence: dict[int, set[str]] = {}
    for c in _demographics(candidates, _PAIRED):
        fields_by_sentence.setdefault(bisect.bisect_right(starts, c.start), set()).add(c.field)
    return any(len(fields) == 2 for fields in fields_by_sentence.values())


def says_it_reports_a_case(document: Document, views: list[SentenceView]) -> bool:
    """"...: a case report", "We present a case of ...", in the title, abstract or a case
    section, for the report that never states its patient's age or sex."""
    single = rules()["regex"]["patients"]["single_case"]
    return bool(single.search(document.title)) or any(
        v.section in ("title", "abstract", "case") and single.search(v.text) for v in views)


def tells_one_patient(views: list[SentenceView]) -> bool:
    """A patient told without an age or sex: a sentence of the case that opens with one ("A
    patient with a fracture of ... was treated by ...")."""
    single = rules()["regex"]["patients"]["single_patient"]
    return any(v.section not in _REVIEW_KINDS and single.search(v.text) for v in views)


def pooled_series(views: list[SentenceView]) -> bool:
    """The authors' own series stated by its size ("Eight patients, aged 12 to 56", "38
    patients."): figures about it describe no one patient."""
    rx = rules()["regex"]["patients"]
    for view in views:
        # an Introduction may state the series' size ("Background: ... 213 patients met the
        # inclusion criteria" in a structured abstract); others' series there are literature
        if view.section in _REVIEW_KINDS - {"introduction"} or rx["literature"].search(view.text):
            continue
        for m in rx["cohort"].finditer(view.text):
            n = _number(m["n"])
            if n is not None and n >= 2:
                return True
    return False


def split_cases(document: Document, views: list[SentenceView], candidates: list[Candidate],
                abbreviations: dict[str, str]) -> CaseSplit:
    tables = case_tables(document, abbreviations)
    if tables:
        return _from_tables(document, views, candidates, tables)
    told = _from_narrative(document, views, candidates)
    if told is not None:
        return told
    told_one = describes_a_patient(candidates, views) or says_it_reports_a_case(document, views) \
        or tells_one_patient(views)
    pooled = pooled_series(views)
    if told_one and not pooled:
        return CaseSplit([CaseSegment(1, 1, narrative=list(candidates))])
    return CaseSplit([], reason=_no_case_reason(document, views, pooled))


def _no_case_reason(document: Document, views: list[SentenceView], pooled: bool) -> str:
    review = rules()["regex"]["patients"]["review"]
    if review.search(document.title) or any(v.section in ("title", "abstract") and review.search(v.text)
                                            for v in views):
        return "review"
    return "pooled_only" if pooled else "no_patient"
