"""The codebook: every column of every table, read off the models and the record model."""
import csv

from nlp.dataset.codebook import codebook_rows
from nlp.dataset.models import TABLES, columns_of
from nlp.schema import FIELDS, LEVELS, CaseFields


def test_every_column_of_every_table_has_a_codebook_row():
    rows = {(r["table"], r["column"]) for r in codebook_rows()}
    expected = {(table, column) for table, model in TABLES.items() for column in columns_of(model)}
    assert rows == expected
    assert all(r["meaning"] and r["type"] for r in codebook_rows())


def test_every_column_of_every_written_csv_is_in_the_codebook(built_run):
    with (built_run / "codebook.csv").open(encoding="utf-8", newline="") as fh:
        book = {(r["table"], r["column"]) for r in csv.DictReader(fh)}
    written = [p for p in built_run.glob("*.csv")]
    assert {p.name for p in written} >= {"manifest.csv", "cases.csv", "treatments.csv", "outcomes.csv",
                                         "combinations.csv", "codebook.csv"}
    for path in written:
        with path.open(encoding="utf-8") as fh:
            for column in next(csv.reader(fh)):
                assert (path.name, column) in book, (path.name, column)


def test_record_fields_take_meaning_units_and_codes_from_the_record_model():
    by_key = {(r["table"], r["column"]): r for r in codebook_rows()}
    for name in FIELDS:
        assert by_key[("cases.csv", name)]["meaning"] == CaseFields.model_fields[name].description
    assert by_key[("cases.csv", "vas_pre")]["unit"] == "0-10"
    assert by_key[("cases.csv", "levels")]["codes"] == " ".join(LEVELS)
    assert by_key[("cases.csv", "feeder_arteries")]["type"] == "list of {side, level}"
    assert "<side> <level>" in by_key[("cases.csv", "feeder_arteries")]["csv"]
    assert by_key[("combinations.csv", "female_percent")]["denominator"] == "sex_n"
    assert by_key[("treatments.csv", "cement_volumes")]["meaning"].endswith("on vertebroplasty and kyphoplasty rows only")


def test_codebook_markdown_has_a_section_per_table(built_run):
    text = (built_run / "codebook.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"## {table}" in text
    assert "| age_years | number | years |" in text
