from pathlib import Path

import pytest
from pydantic import ValidationError

from nlp.schema import FIELDS, CaseRecord, combination_of, json_schema_text

ROOT = Path(__file__).resolve().parents[1]


def test_committed_json_schema_is_current():
    committed = (ROOT / "docs" / "case_record.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), "run: caseminer schema -o docs/case_record.schema.json"


def test_fields_follow_the_contract_order():
    assert FIELDS[:3] == ("age_years", "sex", "levels")
    assert FIELDS[-5:] == ("recurrence", "complications", "outcome", "complications_reported", "diagnosis")
    assert len(FIELDS) == 22


def test_combination_joins_codes_in_vocabulary_order():
    assert combination_of(["fixation", "embolization", "laminectomy", "vertebroplasty"]) == \
        "embolization+vertebroplasty+laminectomy+fixation"
    assert combination_of([]) is None


def test_record_rejects_codes_outside_the_vocabulary():
    with pytest.raises(ValidationError):
        CaseRecord(document_id="d", case_index=1, levels=["T13"])
    with pytest.raises(ValidationError):
        CaseRecord(document_id="d", case_index=1, treatments=["surgery"])


def test_record_json_puts_identifiers_first():
    record = CaseRecord(document_id="d", case_index=1, age_years=66, sex="female",
                        feeder_arteries=[{"side": "right", "level": "L1"}])
    data = record.to_json()
    assert list(data)[:3] == ["document_id", "case_index", "age_years"]
    assert data["feeder_arteries"] == [{"side": "right", "level": "L1"}]
    assert data["combination"] is None and data["treatments"] == []
