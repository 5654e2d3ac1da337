"""Silver spans from a run: every evidence span of every record, labelled with its field
(``combination`` is skipped: its evidence is that of ``treatments``)."""
from __future__ import annotations

from pathlib import Path

from nlp.train.spans import SpanDoc, check_doc, write_spans_jsonl

SKIPPED = frozenset({"combination"})


def silver_docs(run_dir: Path) -> list[SpanDoc]:
    from nlp.dataset.rundir import check_run, iter_records, load_documents, read_text, records_by_document
    run_dir = check_run(Path(run_dir))
    documents = load_documents(run_dir)
    by_document = dict(records_by_document(iter_records(run_dir, documents)))
    docs = []
    for document_id in documents:
        text = read_text(run_dir, document_id)
        if text is None:
            continue
        seen = set()
        for record in by_document.get(document_id, []):
            for name, spans in (record.get("evidence") or {}).items():
                if name in SKIPPED:
                    continue
                for span in spans:
                    start, end = span.get("start"), span.get("end")
                    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) \
                            and text[start:end].strip():
                        seen.add((start, end, name))
        spans = [{"start": s, "end": e, "label": n} for s, e, n in sorted(seen)]
        docs.append(check_doc(SpanDoc(document_id, text, spans), str(run_dir / "texts" / f"{document_id}.txt")))
    return docs


def write_silver(run_dir: Path, out: Path) -> tuple[int, int]:
    """(documents, spans) written to ``out``."""
    docs = silver_docs(run_dir)
    write_spans_jsonl(docs, out)
    return len(docs), sum(len(d.spans) for d in docs)
