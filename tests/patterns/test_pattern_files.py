"""One loader, one template syntax, one schema: every shipped file loads, and a bad file stops
the load with one line naming the file, the key and the reason."""
import pytest

from nlp.patterns import PatternError, loader, pattern_names
from nlp.extract.registry import FAMILY_NAMES, families


@pytest.fixture
def pattern_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "PATTERN_DIR", tmp_path)
    loader.load_patterns.cache_clear()
    yield tmp_path
    loader.load_patterns.cache_clear()


def _load(pattern_dir, text):
    (pattern_dir / "fam.yaml").write_text(text, encoding="utf-8")
    return loader.load_patterns("fam")


def test_every_shipped_file_loads_and_every_family_has_one():
    for name in pattern_names():
        loader.load_patterns(name)
    loader.load_context()
    assert set(FAMILY_NAMES) <= set(pattern_names())
    assert [f.name for f in families()] == list(FAMILY_NAMES)


def test_macros_expand_and_case_follows_the_key(pattern_dir):
    data = _load(pattern_dir, "macros: {UNIT: 'm[lL]'}\n"
                              "regex:\n  volume: '<<NUM>>\\s*<<UNIT>>'\n  word_cs: 'PVA'\n"
                              "triggers: ['ml']\n")
    assert data["regex"]["volume"].search("about 3.5 ml of cement")
    assert data["regex"]["word_cs"].search("PVA") and not data["regex"]["word_cs"].search("pva")
    assert data["gate"].search("4 ML") and not data["gate"].search("no unit here")


@pytest.mark.parametrize("text, message", [
    ("regexx:\n  a: 'x'\n", "regexx: unknown key"),
    ("regex:\n  a:\n    - 'ok'\n    - '(unclosed'\n", "regex.a[1]: bad regular expression"),
    ("regex:\n  a: '<<NOPE>> mm'\n", "regex.a: unknown macro <<NOPE>>"),
    ("assemble:\n  agee_years: {policy: first}\n", "assemble: unknown field 'agee_years'"),
    ("assemble:\n  vas_post: {policy: latest}\n", "assemble.vas_post.policy: Input should be"),
    ("assemble:\n  sex: {blocking: [negatd]}\n", "assemble.sex.blocking.0: Input should be"),
    ("columns:\n  - {fields: [sex], match: '(sex'}\n", "columns.0.match: bad regular expression"),
    ("regex: [unclosed\n", "not YAML"),
])
def test_a_bad_file_is_one_line_naming_file_key_and_reason(pattern_dir, text, message):
    with pytest.raises(PatternError) as caught:
        _load(pattern_dir, text)
    where, _, reason = str(caught.value).partition(": ")
    assert where.endswith("/fam.yaml") and reason.startswith(message)
    assert "\n" not in str(caught.value)
