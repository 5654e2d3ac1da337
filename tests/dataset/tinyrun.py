"""A tiny run folder written by hand: manifest.jsonl, cases.jsonl and texts/, with known counts.

Evidence is given as phrases of the text; the builder finds their offsets.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nlp.schema import CaseRecord, combination_of

TEXT_A = ("Two patients with vertebral hemangioma\n\n"
          "Case 1. A 60-year-old woman had a T12 hemangioma. She underwent embolization with PVA particles "
          "and vertebroplasty with 3 mL of cement. VAS fell from 8 to 2. At 12 months there was no recurrence.\n"
          "Case 2. A 40-year-old man had an L1 lesion treated by vertebroplasty (2.5 mL). VAS 6 before and 1 after. "
          "Cement leakage was seen. Recurrence at 24 months.\n")
TEXT_B = ("=HYPERLINK(\"http://evil.example\")\n\n"
          "A 50-year-old woman with lesions of C5 and T1 <script>alert(1)</script> was treated by "
          "embolization and vertebroplasty. Blood loss was 300 mL. Pain improved from VAS 9 to 3; "
          "she improved.\n")
TEXT_C = "A review of vertebral hemangiomas\n\nMost patients are asymptomatic.\n"
TEXT_E = "An untreated lesion\n\nA 30-year-old man was followed without treatment.\n"


def patient(text: str, case_index: int, values: dict, phrases: dict, confidence: dict | None = None) -> dict:
    """A valid case record whose evidence spans are the given phrases of ``text``."""
    values = dict(values)
    if values.get("treatments"):
        values["combination"] = combination_of(values["treatments"])
        phrases.setdefault("combination", phrases.get("treatments"))
    evidence = {}
    for field, phrase_list in phrases.items():
        if phrase_list is None:
            continue
        spans = []
        for phrase in ([phrase_list] if isinstance(phrase_list, str) else phrase_list):
            start = text.index(phrase)
            spans.append({"start": start, "end": start + len(phrase), "text": phrase})
        evidence[field] = spans
    conf = {field: (confidence or {}).get(field, 0.8) for field in evidence}
    record = CaseRecord(document_id="?", case_index=case_index, evidence=evidence, confidence=conf, **values)
    return record.to_json()


def documents() -> list[dict]:
    """The tiny corpus: a (2 patients), b (1, formula title, markup in text), c (no_case), d (failed),
    e (1 patient, no treatment)."""
    return [
        {"id": "a", "status": "ok", "text": TEXT_A, "title": "Two patients with vertebral hemangioma",
         "doi": "10.1000/a", "pmid": "111", "year": "2020", "journal": "Spine Cases", "patients": [
             patient(TEXT_A, 1, {"age_years": 60, "sex": "female", "levels": ["T12"],
                                 "treatments": ["vertebroplasty", "embolization"], "embolic_agents": ["pva"],
                                 "cement_volumes": [{"level": "T12", "ml": 3}], "cement_total_ml": 3,
                                 "vas_pre": 8, "vas_post": 2, "follow_up_months": 12, "recurrence": False},
                     {"age_years": "60-year-old", "sex": "woman", "levels": "T12 hemangioma",
                      "treatments": ["embolization", "vertebroplasty"], "embolic_agents": "PVA",
                      "cement_volumes": "3 mL", "cement_total_ml": "3 mL", "vas_pre": "VAS fell from 8",
                      "vas_post": "to 2", "follow_up_months": "At 12 months", "recurrence": "no recurrence"},
                     {"vas_pre": 0.3}),
             patient(TEXT_A, 2, {"age_years": 40, "sex": "male", "levels": ["L1"], "treatments": ["vertebroplasty"],
                                 "cement_volumes": [{"level": "L1", "ml": 2.5}], "vas_pre": 6, "vas_post": 1,
                                 "follow_up_months": 24, "recurrence": True, "complications": ["cement_leakage"]},
                     {"age_years": "40-year-old", "sex": "man", "levels": "L1 lesion",
                      "treatments": "treated by vertebroplasty", "cement_volumes": "2.5 mL",
                      "vas_pre": "VAS 6 before", "vas_post": "1 after", "follow_up_months": "24 months",
                      "recurrence": "Recurrence at 24", "complications": "Cement leakage"}),
         ]},
        {"id": "b", "status": "ok", "text": TEXT_B, "title": "=HYPERLINK(\"http://evil.example\")",
         "doi": "", "pmid": "222", "year": "", "journal": "", "patients": [
             patient(TEXT_B, 1, {"age_years": 50, "sex": "female", "levels": ["C5", "T1"],
                                 "treatments": ["embolization", "vertebroplasty"], "blood_loss_ml": 300,
                                 "vas_pre": 9, "vas_post": 3, "outcome": "improved"},
                     {"age_years": "50-year-old", "sex": "woman", "levels": ["C5", "T1 <script>alert(1)</script>"],
                      "treatments": ["embolization", "vertebroplasty"], "blood_loss_ml": "Blood loss was 300 mL",
                      "vas_pre": "VAS 9", "vas_post": "to 3", "outcome": "she improved"}),
         ]},
        {"id": "c", "status": "no_case", "text": TEXT_C, "title": "A review of vertebral hemangiomas",
         "doi": "10.1000/c", "pmid": "", "patients": []},
        {"id": "d", "status": "failed", "text": None, "title": "", "reason": "empty or whitespace-only file",
         "patients": []},
        {"id": "e", "status": "ok", "text": TEXT_E, "title": "An untreated lesion", "patients": [
            patient(TEXT_E, 1, {"age_years": 30, "sex": "male"}, {"age_years": "30-year-old", "sex": "man"})]},
    ]


def write_run(folder: Path, docs: list[dict] | None = None) -> Path:
    """A run folder as caseminer extract leaves it (before its tables)."""
    docs = documents() if docs is None else docs
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "texts").mkdir(exist_ok=True)
    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as manifest, \
            (folder / "cases.jsonl").open("w", encoding="utf-8") as cases:
        for doc in docs:
            text = doc.get("text")
            sha = doc.get("sha256") or (hashlib.sha256(text.encode("utf-8")).hexdigest() if text else "")
            if text is not None:
                (folder / "texts" / f"{doc['id']}.txt").write_text(text, encoding="utf-8", newline="")
            for record in doc["patients"]:
                cases.write(json.dumps({**record, "document_id": doc["id"]}) + "\n")
            manifest.write(json.dumps({
                "source": doc.get("source", f"in/{doc['id']}.txt"), "document_id": doc["id"],
                "status": doc["status"], "cases": len(doc["patients"]), "reason": doc.get("reason", ""),
                "sha256": sha, "title": doc.get("title", ""), "journal": doc.get("journal", ""),
                "year": doc.get("year", ""), "pmid": doc.get("pmid", ""), "doi": doc.get("doi", "")}) + "\n")
    return folder


def record(case_index: int, values: dict) -> dict:
    """A valid case record holding ``values`` (treatments give the combination), without evidence."""
    values = dict(values)
    if values.get("treatments"):
        values["combination"] = combination_of(values["treatments"])
    return CaseRecord(document_id="?", case_index=case_index, **values).to_json()


def records_run(folder: Path, patients: dict[str, list[dict]], years: dict | None = None) -> Path:
    """A run folder whose documents (id -> their patients' values) hold only records: for the
    tables that count and summarise."""
    docs = [{"id": doc_id, "status": "ok", "text": f"Document {doc_id}\n", "title": f"Document {doc_id}",
             "year": str((years or {}).get(doc_id, "")), "pmid": "",
             "patients": [record(i, values) for i, values in enumerate(patient_values, 1)]}
            for doc_id, patient_values in patients.items()]
    return write_run(folder, docs)
