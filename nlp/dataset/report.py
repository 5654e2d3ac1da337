"""``caseminer report OUTDIR``: figures/ and report.html, a self-contained page for reviewers.

The page holds the run's summary tables and figures (inlined as base64 PNGs), then per document
and patient every field with its value, its confidence and its evidence highlighted in the
surrounding text; each value links to its place in the document's text below. Values whose
confidence is below ``flag_below`` are flagged. A run of more than ``split_above`` documents gets
an index page (report.html) and one page per document in report/. Nothing on the pages refers to
anything outside them, and every piece of text is escaped.
"""
from __future__ import annotations

import base64
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Iterator, Optional

import pandas as pd

from nlp.schema import FIELDS, OUTCOME_CODES
from nlp.dataset import REPORT_OUTPUTS
from nlp.dataset.csvio import format_value, open_atomic
from nlp.dataset.fields import NUMBER, REGIONS, SPECS, is_set
from nlp.dataset.figures import FIGURES_DIR, FOREST_MEASURES, write_figures
from nlp.dataset.load import load_table
from nlp.dataset.models import SMALL_SAMPLE
from nlp.dataset.prisma import BOXES, read_prisma
from nlp.dataset.highlight import Mark, highlighted, snippet, span_is_valid
from nlp.dataset.rundir import check_run, iter_records, load_documents, read_text, records_by_document
from nlp.dataset.runmarker import add_outputs

FLAG_BELOW = 0.5
SPLIT_ABOVE = 50
PAGES_DIR = "report"
MAX_FLAGGED_LISTED = 500
SNIPPETS_SHOWN = 3  # evidence spans shown per value; the others fold away

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;margin:0;background:#f6f7f9}
main{max-width:1240px;margin:0 auto;padding:16px 28px 60px;background:#fff}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 6px;border-bottom:2px solid #dfe3ea;padding-bottom:3px}
h3{font-size:15px;margin:18px 0 6px}
.muted,.null{color:#7a8394}.meta{color:#4a5363;font-size:13px;margin:2px 0 10px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #dfe3ea;padding:3px 7px;vertical-align:top;text-align:left}
th{background:#eef1f5;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
table.wide{width:100%}
.fields td.field{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}
.fields td.value{font-weight:600;width:210px;overflow-wrap:anywhere}.fields td.field{width:150px}
.fields td.conf{width:105px;white-space:nowrap}
.fields td.value a{color:#0b57a4;text-decoration:none;border-bottom:1px dotted #0b57a4}
.fields tr.unset td{color:#9aa2b1}.fields tr.unset td.value{font-weight:400}
.fields td.evidence{font-size:12.5px;color:#3a4250}
.fields td.evidence div+div{margin-top:3px;padding-top:3px;border-top:1px dashed #e3e6eb}
mark{background:#fff0a8;padding:0 1px;border-radius:2px}
mark.flag,tr.flag td.value,tr.flag td.conf{background:#ffd9d6}
.badge{display:inline-block;border-radius:8px;padding:0 6px;font-size:11.5px;font-weight:600}
.badge.flag{background:#c62828;color:#fff}.badge.ok{background:#e3f2e7;color:#1e6b34}
.badge.status{background:#e8ecf3;color:#333}.badge.model{background:#ede4f7;color:#5b2d8e}
.conf .bar{display:inline-block;height:6px;background:#7aa6d8;border-radius:3px;vertical-align:middle;margin-left:4px}
tr.flag .conf .bar{background:#c62828}
pre.text{white-space:pre-wrap;word-wrap:break-word;font:12.5px/1.5 ui-monospace,Menlo,Consolas,monospace;
 background:#fbfbfc;border:1px solid #e3e6eb;padding:10px 12px;max-height:560px;overflow:auto}
.anchor{scroll-margin-top:120px}
mark:has(> .anchor:target){outline:3px solid #0b57a4;background:#ffe066}
.scroll{overflow-x:auto}.combos td small{display:block;color:#7a8394;font-size:11px}
.combos td.combo{min-width:170px}.combos th{font-size:12px}
figure{margin:10px 0 22px}figure img{max-width:100%;border:1px solid #e3e6eb}
figcaption{font-size:12.5px;color:#4a5363}
nav.pager{display:flex;justify-content:space-between;font-size:13px;margin:8px 0}
details>summary{cursor:pointer;color:#0b57a4;margin:6px 0}
.doc{margin-top:26px}
"""

FIGURE_CAPTIONS = {
    "patients_per_combination.png": "Patients per treatment combination (documents in brackets).",
    "vas_by_combination.png": "Pain score before and after treatment per combination: medians (large dots, arrow "
                              "from before to after) and each patient (small dots).",
    "prisma.png": "PRISMA 2020 flow diagram of the review (caseminer prisma; prisma.csv holds the counts).",
    "follow_up.png": "Distribution of follow-up over patients with follow-up stated.",
    "levels.png": "Vertebrae involved by the treated lesion, along the spine from C1 to S5.",
    **{f"forest_{measure}.png": f"{title} per combination: the proportion of the patients whose report "
       "addresses it (events/n beside), its exact 95 % interval, and all patients pooled (red); "
       "combinations of fewer than 3 such patients in grey, not ranked."
       for measure, title in FOREST_MEASURES.items()},
}
PUBLICATION_BIAS = ("Case reports carry publication bias: striking successes, rare complications and unusual "
                    "courses are what gets written up, and a series reports the patients its authors chose. "
                    "These rates describe the published cases, not the patients a treatment is offered to; "
                    "they cannot be compared as a trial would compare them, and the pooled row treats "
                    "patients from different reports as one sample. A rate over fewer than "
                    f"{SMALL_SAMPLE} patients is listed but marked and never ranked.")
# the columns of the synthesis tables on the page: rates, then medians
SHOWN_RATES = {"resolved_or_improved": "resolved or improved", "recurrence": "recurrence",
               "any_complication": "any complication"}
SHOWN_MEDIANS = {"vas_change": "VAS change", "follow_up_months": "follow-up, months",
                 "blood_loss_ml": "blood loss, mL", "cement_total_ml": "cement, mL"}


@dataclass
class _Doc:
    """A document of the run; ``records`` is filled only while its section is written."""
    number: int
    row: dict
    patients: int = 0
    treated: int = 0
    flagged: int = 0
    records: list = field(default_factory=list)

    @property
    def document_id(self) -> str:
        return self.row["document_id"]

    @property
    def has_section(self) -> bool:
        return bool(self.patients) or self.row.get("status") in ("ok", "no_case")


@dataclass
class _Flag:
    doc: _Doc
    case_index: int
    name: str
    value: str
    confidence: float


def _page_name(doc: _Doc) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", doc.document_id)[:60].strip("._") or "document"
    return f"{doc.number:04d}-{slug}.html"


def _anchor(doc: _Doc, case: int, name: str, i: int) -> str:
    return f"e{doc.number}-{case}-{name}-{i}"


def _flagged(record: dict, name: str, threshold: float) -> bool:
    confidence = (record.get("confidence") or {}).get(name)
    return is_set(record.get(name)) and confidence is not None and confidence < threshold


def _page_head(title: str) -> str:
    """The start of a page: nothing it loads may come from outside it (the policy says so too)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>\n")


PAGE_TAIL = "\n</main></body></html>\n"


def _page(title: str, body: str) -> str:
    return _page_head(title) + body + PAGE_TAIL


def _num(value, digits: int = 2) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return '<span class="null">–</span>'
    return escape(f"{format_value(round(float(value), digits))}")


def _n(n) -> str:
    return f"<small>n={int(n)}</small>"


def _combinations_table(combinations: pd.DataFrame) -> str:
    if combinations.empty:
        return '<p class="muted">No patient with a treatment.</p>'
    head = ("<tr><th>combination</th><th>patients</th><th>docs</th><th>age, median (IQR)</th><th>female</th>"
            "<th>regions involved</th><th>VAS before → after (medians)</th><th>VAS change (median)</th>"
            "<th>follow-up, months (median)</th><th>recurrence</th><th>complications</th><th>outcome</th>"
            "<th>blood loss, mL (median)</th></tr>")
    rows = []
    for r in combinations.to_dict("records"):
        regions = "<br>".join(f"{region[0].upper()} {_num(r[f'{region}_percent'], 0)}%" for region in REGIONS.values()
                             if r[f"{region}_n"]) or '<span class="null">–</span>'
        outcomes = "<br>".join(f"{escape(c)} {int(r[f'outcome_{c}_n'])}" for c in OUTCOME_CODES
                              if r[f"outcome_{c}_n"]) or '<span class="null">–</span>'
        female = f"{_num(r['female_percent'], 0)}%" if r["sex_n"] else _num(None)
        rows.append(
            f"<tr><td class=combo>{escape(str(r['combination']).replace('+', ' + '))}</td>"
            f"<td class=n>{r['n_patients']}</td><td class=n>{r['n_documents']}</td>"
            f"<td class=n>{_num(r['age_median'], 1)} ({_num(r['age_q1'], 1)}–{_num(r['age_q3'], 1)}) {_n(r['age_n'])}</td>"
            f"<td class=n>{female} {_n(r['sex_n'])}</td>"
            f"<td>{regions} {_n(r['levels_n'])}</td>"
            f"<td class=n>{_num(r['vas_pre_median'], 1)} → {_num(r['vas_post_median'], 1)} "
            f"<small>n={r['vas_pre_n']}/{r['vas_post_n']}</small></td>"
            f"<td class=n>{_num(r['vas_change_median'], 1)} {_n(r['vas_change_n'])}</td>"
            f"<td class=n>{_num(r['follow_up_median_months'], 1)} {_n(r['follow_up_n'])}</td>"
            f"<td class=n>{r['recurrence_n']}/{r['recurrence_n_reported']}</td>"
            f"<td class=n>{r['complications_n']}/{r['complications_n_reported']}</td>"
            f"<td>{outcomes} {_n(r['outcome_n_reported'])}</td>"
            f"<td class=n>{_num(r['blood_loss_median_ml'], 0)} {_n(r['blood_loss_n'])}</td></tr>")
    note = ("<p class=meta>n: the patients a median or percent is taken over (regions: patients with levels "
            "stated; a lesion can involve more than one region). Recurrence and complications: patients "
            "with it / patients whose report says (for complications: names one or says none occurred). "
            "The columns are defined in codebook.md; the full table is combinations.csv.</p>")
    return f"<div class=scroll><table class=\"wide combos\">{head}{''.join(rows)}</table></div>{note}"


def _figures(paths: list[Path]) -> str:
    out = []
    for path in paths:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        caption = FIGURE_CAPTIONS.get(path.name, path.stem)
        out.append(f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
                   f"<figcaption>{escape(caption)} (figures/{escape(path.name)})</figcaption></figure>")
    return "".join(out)


def _prisma_section(outdir: Path) -> str:
    """The PRISMA flow, when ``caseminer prisma`` wrote it into the run; else nothing."""
    counts = read_prisma(outdir)
    figure = outdir / FIGURES_DIR / "prisma.png"
    if counts is None:
        return ""
    rows = "".join(f"<tr><th>{escape(BOXES.get(box, box))}</th><td class=n>{n}</td></tr>" for box, n in counts.items())
    return "\n".join(["<h2>PRISMA 2020 flow</h2>", _figures([figure]) if figure.is_file() else "",
                      f"<table>{rows}</table>"])


def _rate_cell(row: dict) -> str:
    if not row["denominator"]:
        return '<td class=n><span class="null">–</span></td>'
    rank = ('<small>n&lt;3: not ranked</small>' if row["small_sample"]
            else f"<small>rank {row['rank']}</small>" if pd.notna(row["rank"]) else "")
    return (f"<td class=n>{row['events']}/{row['denominator']} · {_num(100 * row['estimate'], 0)}% "
            f"({_num(100 * row['ci_low'], 1)}–{_num(100 * row['ci_high'], 1)}%){rank}</td>")


def _median_cell(row: dict) -> str:
    if not row["denominator"]:
        return '<td class=n><span class="null">–</span></td>'
    small = " <small>n&lt;3</small>" if row["small_sample"] else ""
    return (f"<td class=n>{_num(row['estimate'], 1)} ({_num(row['q1'], 1)} to {_num(row['q3'], 1)}) "
            f"{_n(row['denominator'])}{small}</td>")


def _synthesis_table(synthesis: pd.DataFrame, grouping: str) -> str:
    """One row per group of ``grouping``: the shown rates (events/n, %, exact 95 % interval, rank) and
    medians (IQR)."""
    rows = synthesis[synthesis["grouping"] == grouping]
    if rows.empty:
        return '<p class="muted">No patient with a treatment.</p>'
    head = ("<tr><th>group</th><th>patients</th>"
            + "".join(f"<th>{escape(title)}, % (95 % CI)</th>" for title in SHOWN_RATES.values())
            + "".join(f"<th>{escape(title)}, median (IQR)</th>" for title in SHOWN_MEDIANS.values()) + "</tr>")
    body = []
    for group, measures in rows.groupby("group", sort=False):
        by_measure = {r["measure"]: r for r in measures.to_dict("records")}
        first = next(iter(by_measure.values()))
        small = (' <span class="badge flag">fewer than 3 patients</span>'
                 if first["n_patients"] < SMALL_SAMPLE else "")
        body.append(f"<tr><td class=combo>{escape(str(group).replace('+', ' + '))}{small}</td>"
                    f"<td class=n>{first['n_patients']}</td>"
                    + "".join(_rate_cell(by_measure[m]) for m in SHOWN_RATES)
                    + "".join(_median_cell(by_measure[m]) for m in SHOWN_MEDIANS) + "</tr>")
    return f"<div class=scroll><table class=\"wide combos\">{head}{''.join(body)}</table></div>"


def _synthesis(synthesis: pd.DataFrame, forests: list[Path]) -> str:
    note = ("<p class=meta>Each rate is events / the patients whose report addresses it (an outcome stated; "
            "recurrence stated; complications named or denied), with its exact Clopper-Pearson 95 % "
            "interval. Ranks compare groups of at least 3 such patients (1: the best) by the interval's "
            "limit on the unfavourable side, so that a few patients with a perfect record do not outrank "
            "many with a nearly perfect one. All groups, every "
            "complication code and the Wilson intervals are in synthesis.csv; outcomes.csv holds the "
            "individual patient data (codebook.md, docs/synthesis.md).</p>")
    return "\n".join([f"<p class=meta><strong>Publication bias.</strong> {escape(PUBLICATION_BIAS)}</p>",
                      "<h3>By treatment combination</h3>", _synthesis_table(synthesis, "combination"), note,
                      _figures(forests),
                      "<h3>By diagnosis</h3>", _synthesis_table(synthesis, "diagnosis")])


def _doc_link(doc: _Doc, split: bool) -> str:
    """Where the index (or the single page) links to a document's section."""
    return f"{PAGES_DIR}/{_page_name(doc)}" if split else f"#doc-{doc.number}"


def _summary(outdir: Path, docs: list[_Doc], flags: list[_Flag], combinations: pd.DataFrame,
             synthesis: pd.DataFrame, figures: list[Path], threshold: float, split: bool) -> str:
    statuses = Counter(d.row.get("status", "") for d in docs)
    flagged = sum(d.flagged for d in docs)
    counts = "".join(f"<tr><th>{escape(k)}</th><td class=n>{v}</td></tr>" for k, v in [
        ("documents", len(docs)), *((f"· {s}", n) for s, n in sorted(statuses.items())),
        ("patients (case records)", sum(d.patients for d in docs)),
        ("patients with at least one treatment", sum(d.treated for d in docs)),
        ("treatment combinations", len(combinations)),
        (f"values with confidence below {threshold:g} (flagged)", flagged)])
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"<h1>caseminer report: {escape(outdir.resolve().name)}</h1>",
        f"<p class=meta>Generated {generated} from {escape(str(outdir.resolve()))}. Values with a confidence "
        f"below {threshold:g} are flagged <span class='badge flag'>low</span>; values a trained model filled "
        "or changed (extract --model) carry <span class='badge model'>model</span>. Click a value to see it in "
        "the document's text.</p>",
        "<h2>Summary</h2>", f"<table>{counts}</table>",
        _prisma_section(outdir),
        "<h2>Figures</h2>", _figures([p for p in figures if not p.name.startswith("forest_")]),
        "<h2>Treatment combinations</h2>", _combinations_table(combinations),
        "<h2>Synthesis: outcomes and risks, with their uncertainty</h2>",
        _synthesis(synthesis, [p for p in figures if p.name.startswith("forest_")]),
        "<h2>Flagged values</h2>", _flagged_table(flags, flagged, threshold, split),
        "<h2>Documents</h2>", _documents_table(docs, split)])


def _flagged_table(flags: list[_Flag], total: int, threshold: float, split: bool) -> str:
    if not flags:
        return f'<p class="muted">No value below {threshold:g}.</p>'
    rows = []
    for f in flags:
        href = (f"{PAGES_DIR}/{_page_name(f.doc)}" if split else "") + f"#p{f.doc.number}-{f.case_index}-{f.name}"
        rows.append(f"<tr><td>{escape(f.doc.document_id)}</td><td class=n>{f.case_index}</td>"
                    f"<td class=field>{escape(f.name)}</td><td><a href=\"{escape(href)}\">{escape(f.value)}</a></td>"
                    f"<td class=n>{f.confidence:.2f}</td></tr>")
    more = f"<p class=meta>The first {len(rows)} of {total} are listed.</p>" if total > len(rows) else ""
    return ("<table class=fields><tr><th>document</th><th>patient</th><th>field</th><th>value</th>"
            f"<th>confidence</th></tr>{''.join(rows)}</table>{more}")


def _documents_table(docs: list[_Doc], split: bool) -> str:
    rows = []
    for doc in docs:
        title = escape(doc.row.get("title") or doc.document_id)
        link = f'<a href="{escape(_doc_link(doc, split))}">{title}</a>' if doc.has_section else title
        status = escape(doc.row.get("status", ""))
        note = escape(doc.row.get("reason") or "")
        flag = f'<span class="badge flag">{doc.flagged}</span>' if doc.flagged else ""
        rows.append(f"<tr><td>{escape(doc.document_id)}</td><td>{link}</td><td><span class='badge status'>"
                    f"{status}</span> <span class=muted>{note}</span></td><td class=n>{doc.patients}</td>"
                    f"<td class=n>{flag}</td></tr>")
    return ("<table class=wide><tr><th>id</th><th>title</th><th>status</th><th>patients</th><th>flagged</th></tr>"
            + "".join(rows) + "</table>")


# What a value's "model" badge says on hover (the record's ``model`` entry: extract --model).
MODEL_BADGES = {"filled": "filled by the trained model: the rules gave no value",
                "changed": "changed by the trained model: the rules gave another value"}


def _field_rows(doc: _Doc, record: dict, text: Optional[str], threshold: float) -> tuple[str, list[Mark]]:
    case = record["case_index"]
    confidences = record.get("confidence") or {}
    evidence = record.get("evidence") or {}
    model = record.get("model") or {}
    rows, marks = [], []
    for name in FIELDS:
        value = record.get(name)
        row_id = f"p{doc.number}-{case}-{name}"
        if not is_set(value):
            rows.append(f"<tr class=unset id=\"{row_id}\"><td class=field>{escape(name)}</td>"
                        "<td class=value>not stated</td><td class=conf></td><td class=evidence></td></tr>")
            continue
        flagged = _flagged(record, name, threshold)
        shown = escape(str(format_value(value))).replace("+", "+<wbr>")
        unit = SPECS[name].unit
        if unit and SPECS[name].kind == NUMBER:
            shown += f' <span class="muted">{escape(unit)}</span>'
        snippets, first = [], None
        for i, span in enumerate(evidence.get(name) or []):
            if text is not None and span_is_valid(text, span):
                anchor = _anchor(doc, case, name, i)
                first = first or anchor
                marks.append(Mark(span["start"], span["end"], anchor, f"patient {case} · {name}", flagged))
                snippets.append(f'<div><a href="#{anchor}" title="show in the text">↧</a> '
                                f"{snippet(text, span['start'], span['end'])}</div>")
            else:
                snippets.append(f"<div><mark>{escape(str(span.get('text', '')))}</mark> "
                                "<span class=muted>(not found at its offsets in the text)</span></div>")
        if len(snippets) > SNIPPETS_SHOWN:
            snippets[SNIPPETS_SHOWN:] = [f"<details><summary>{len(snippets) - SNIPPETS_SHOWN} more</summary>"
                                         + "".join(snippets[SNIPPETS_SHOWN:]) + "</details>"]
        value_html = f'<a href="#{first}">{shown}</a>' if first else shown
        if name in model:
            value_html += f' <span class="badge model" title="{MODEL_BADGES[model[name]]}">model</span>'
        confidence = confidences.get(name)
        conf_html = ""
        if confidence is not None:
            badge = ' <span class="badge flag">low</span>' if flagged else ""
            conf_html = (f"{confidence:.2f}<span class=bar style=\"width:{int(40 * confidence)}px\"></span>"
                         f"{badge}")
        rows.append(f"<tr id=\"{row_id}\"{' class=flag' if flagged else ''}><td class=field>{escape(name)}</td>"
                    f"<td class=value>{value_html}</td><td class=\"conf n\">{conf_html}</td>"
                    f"<td class=evidence>{''.join(snippets) or '<span class=muted>no evidence</span>'}</td></tr>")
    table = ("<table class=\"fields wide\"><tr><th>field</th><th>value</th><th>confidence</th>"
             "<th>evidence in its context</th></tr>" + "".join(rows) + "</table>")
    return table, marks


def _document_section(outdir: Path, doc: _Doc, threshold: float) -> str:
    row = doc.row
    text = read_text(outdir, doc.document_id)
    meta = [f"id <code>{escape(doc.document_id)}</code>",
            f"<span class='badge status'>{escape(row.get('status', ''))}</span>"]
    for key, label in (("journal", ""), ("year", ""), ("pmid", "PMID "), ("doi", "DOI ")):
        if row.get(key):
            meta.append(escape(f"{label}{row[key]}"))
    meta.append(f"source {escape(str(row.get('source', '')))}")
    parts = [f'<section class="doc" id="doc-{doc.number}"><h2>{escape(row.get("title") or doc.document_id)}</h2>',
             f"<p class=meta>{' · '.join(meta)}</p>"]
    if row.get("reason"):
        parts.append(f"<p class=muted>{escape(row['reason'])}</p>")
    all_marks: list[Mark] = []
    for record in doc.records:
        flagged = sum(1 for name in FIELDS if _flagged(record, name, threshold))
        badge = f' <span class="badge flag">{flagged} flagged</span>' if flagged else ""
        combination = record.get("combination")
        parts.append(f'<h3 id="doc-{doc.number}-patient-{record["case_index"]}">Patient {record["case_index"]}'
                     f'{badge}</h3><p class=meta>{escape(combination.replace("+", " + ") if combination else "no treatment recorded")}'
                     "</p>")
        table, marks = _field_rows(doc, record, text, threshold)
        parts.append(table)
        all_marks.extend(marks)
    if not doc.records:
        parts.append("<p class=muted>No individual patient in this document.</p>")
    if text is not None:
        parts.append(f"<details open><summary>Document text ({len(text):,} characters); evidence highlighted"
                     "</summary><pre class=text>" + highlighted(text, all_marks) + "</pre></details>")
    parts.append("</section>")
    return "\n".join(parts)


def _documents(outdir: Path, documents: dict) -> Iterator[_Doc]:
    """Documents in manifest order, each with its records (they stream in the same order)."""
    grouped = records_by_document(iter_records(outdir, documents))
    pending = next(grouped, None)
    for number, (document_id, row) in enumerate(documents.items(), 1):
        doc = _Doc(number, row)
        while pending is not None and pending[0] == document_id:
            doc.records.extend(pending[1])
            pending = next(grouped, None)
        yield doc


def _survey(outdir: Path, documents: dict, threshold: float) -> tuple[list[_Doc], list[_Flag]]:
    """First pass: per document its counts, and the flagged values to list (records not kept)."""
    docs, flags = [], []
    for doc in _documents(outdir, documents):
        doc.patients = len(doc.records)
        doc.treated = sum(1 for r in doc.records if r.get("combination"))
        for record in doc.records:
            for name in FIELDS:
                if _flagged(record, name, threshold):
                    doc.flagged += 1
                    if len(flags) < MAX_FLAGGED_LISTED:
                        flags.append(_Flag(doc, record["case_index"], name, str(format_value(record[name])),
                                           record["confidence"][name]))
        doc.records = []
        docs.append(doc)
    return docs, flags


def _sections(outdir: Path, documents: dict, docs: list[_Doc]) -> Iterator[_Doc]:
    """Second pass: the documents again, with their records, one at a time."""
    for doc, again in zip(docs, _documents(outdir, documents)):
        doc.records = again.records
        yield doc
        doc.records = []


def write_report(outdir: Path, flag_below: float = FLAG_BELOW, split_above: int = SPLIT_ABOVE) -> Path:
    """figures/ and report.html (and report/ for a large run) in ``outdir``; returns report.html."""
    outdir = check_run(outdir)
    add_outputs(outdir, REPORT_OUTPUTS)  # first: a new run into the folder then replaces them too
    if not all((outdir / name).exists() for name in ("combinations.csv", "synthesis.csv", "cases.parquet")):
        from nlp.dataset.tables import build_tables
        build_tables(outdir)
    figures = write_figures(outdir)
    combinations = pd.read_csv(outdir / "combinations.csv", keep_default_na=False, na_values=[""])
    synthesis = load_table(outdir, "synthesis")
    documents = load_documents(outdir)
    docs, flags = _survey(outdir, documents, flag_below)
    split = len(docs) > split_above
    pages = outdir / PAGES_DIR
    shutil.rmtree(pages, ignore_errors=True)
    title = f"caseminer report: {outdir.resolve().name}"
    summary = _summary(outdir, docs, flags, combinations, synthesis, figures, flag_below, split)
    if not split:
        with open_atomic(outdir / "report.html") as fh:
            fh.write(_page_head(title) + summary)
            for doc in _sections(outdir, documents, docs):
                if doc.has_section:
                    fh.write(_document_section(outdir, doc, flag_below))
            fh.write(PAGE_TAIL)
        return outdir / "report.html"
    pages.mkdir()
    with_pages = [d for d in docs if d.has_section]
    neighbours = {d.number: (with_pages[i - 1] if i else None, with_pages[i + 1] if i + 1 < len(with_pages) else None)
                  for i, d in enumerate(with_pages)}
    for doc in _sections(outdir, documents, docs):
        if not doc.has_section:
            continue
        before, after = neighbours[doc.number]
        nav = ['<nav class=pager><a href="../report.html">↑ index</a><span>']
        if before:
            nav.append(f'<a href="{escape(_page_name(before))}">← {escape(before.document_id)}</a> ')
        if after:
            nav.append(f' <a href="{escape(_page_name(after))}">{escape(after.document_id)} →</a>')
        nav.append("</span></nav>")
        body = "".join(nav) + _document_section(outdir, doc, flag_below) + "".join(nav)
        with open_atomic(pages / _page_name(doc)) as fh:
            fh.write(_page(f"{doc.document_id} · {title}", body))
    with open_atomic(outdir / "report.html") as fh:
        fh.write(_page(title, summary))
    return outdir / "report.html"
