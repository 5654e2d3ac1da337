"""A family's triggers gate its finder: a sentence with none of them is skipped. The gate must
never lose a value, so on real and written reports no sentence without a trigger gives a
candidate of the family (run ungated to check)."""
import itertools
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from shared_corpus import shared_path  # noqa: E402

from nlp.extract.base import sentence_views  # noqa: E402
from nlp.extract.registry import families  # noqa: E402
from nlp.ingest.text import read_text  # noqa: E402
from nlp.patterns import load_patterns  # noqa: E402
from nlp.pipeline import annotate, build_pipeline  # noqa: E402

pytestmark = pytest.mark.slow
E3C_SAMPLE = 600


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for corpus in ("dev", "real_dev", "maccrobat_dev")
             for p in sorted(shared_path("corpus", corpus, "texts").glob("*.txt"))]
    with shared_path("corpus", "e3c", "cases.jsonl").open(encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in itertools.islice(fh, E3C_SAMPLE)]
    return texts


def test_no_sentence_without_a_trigger_gives_a_candidate():
    nlp = build_pipeline(only=())
    gated = [(fam, load_patterns(fam.name)["gate"]) for fam in families() if load_patterns(fam.name)["gate"]]
    assert gated, "no family has triggers"
    missed = []
    for i, text in enumerate(_texts()):
        doc = annotate(nlp, read_text(text.encode("utf-8"), f"d{i}"))
        for view in sentence_views(doc):
            for fam, gate in gated:
                if not gate.search(view.text):
                    missed += [(fam.name, c.field, view.text[c.start - view.start:c.end - view.start])
                               for c in fam.find(view)]
    assert missed == []
