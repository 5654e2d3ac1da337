"""The literal sets read off the patterns are kept on disk between runs, and a cache that is stale,
broken or unwritable changes nothing but the time it takes."""
import json
import re

import pytest

from nlp.patterns import prefilter
from nlp.patterns.prefilter import _LiteralCache, required_literals

PATTERNS = [re.compile(r"\b(?:vertebroplasty|kyphoplasty)\b", re.I), re.compile(r"\d+\s*(?:mo|months?)", re.I),
            re.compile(r"\d+(?:\.\d+)?")]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEMINER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_second_start_reads_the_literals_without_parsing_a_pattern(cache_dir, monkeypatch):
    first = _LiteralCache()
    assert [first.literals(p) for p in PATTERNS] == [required_literals(p) for p in PATTERNS]
    first.save()
    assert len(list(cache_dir.glob("literals-*.json"))) == 1

    def no_parse(pattern):
        raise AssertionError(f"parsed {pattern.pattern} again")
    monkeypatch.setattr(prefilter, "required_literals", no_parse)
    second = _LiteralCache()
    assert [second.literals(p) for p in PATTERNS] == [{"vertebroplasty", "kyphoplasty"}, {"mo"}, None]
    assert not second.dirty  # nothing new: nothing written


def test_the_same_source_with_other_flags_is_another_entry(cache_dir):
    cache = _LiteralCache()
    assert cache.literals(re.compile("(?:T|L)1", re.I)) == {"t1", "l1"}
    assert cache.literals(re.compile("T1|L1")) == {"t1", "l1"}
    assert len(cache.entries) == 2


def test_a_broken_cache_file_is_read_as_empty_and_written_anew(cache_dir):
    cache = _LiteralCache()
    cache.path.parent.mkdir(parents=True)
    cache.path.write_text("{not json", encoding="utf-8")
    again = _LiteralCache()
    assert again.entries == {}
    assert again.literals(PATTERNS[0]) == {"vertebroplasty", "kyphoplasty"}
    again.save()
    assert json.loads(again.path.read_text(encoding="utf-8"))


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would be", encoding="utf-8")
    monkeypatch.setenv("CASEMINER_CACHE_DIR", str(blocker / "cache"))
    cache = _LiteralCache()
    assert cache.literals(PATTERNS[0]) == {"vertebroplasty", "kyphoplasty"}
    cache.save()  # no exception, nothing left behind
    assert cache.dirty
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
