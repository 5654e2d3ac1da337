"""From ids to files ``extract`` reads: one document per article, its status in the search log.

For each id: its PubMed record (efetch db=pubmed); where the record links to PMC, the PMC article
(efetch db=pmc). The article's file is ``PMID<pmid>.xml`` (``PMC<n>.xml`` for a PMC article with
no PMID): the JATS full text where PMC gives it, else the PubMed record (title and abstract). One
name per article, whichever it holds, so a rerun that finds the full text replaces the abstract,
and ``extract`` never sees an article twice. The statuses:

- ``fetched``: the JATS full text;
- ``abstract_only``: the PubMed record, the article not being in PMC;
- ``not_open_access``: the PubMed record, PMC holding the article without its full text;
- ``failed``: no file, with the reason (no such id, or the requests failed: a rerun tries again).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from nlp.atomic import write_atomic
from nlp.search.articles import (
    PmcArticle,
    PubmedRecord,
    pmc_articles,
    pubmed_records,
    read_pmc_article,
    read_pubmed_record,
)
from nlp.search.cache import Cache
from nlp.search.eutils import BATCH, Eutils, EutilsError, SearchPage

Article = PubmedRecord | PmcArticle


@dataclass
class Entry:
    """One id's line in ``search.jsonl``."""
    id: str
    status: str = "failed"
    pmid: str = ""
    pmcid: str = ""
    file: str = ""
    reason: str = ""

    def as_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value or key in ("id", "status")}


@dataclass
class _Db:
    """How articles of one database are fetched, split from an answer and read back from the cache."""
    name: str
    split: Callable
    read: Callable[[bytes], Article]
    missing: str  # why an id the answer left out is failed


def _key(article: Article) -> str:
    return article.pmid if isinstance(article, PubmedRecord) else article.pmcid


_PUBMED = _Db("pubmed", pubmed_records, read_pubmed_record, "not in PubMed (no such PMID, or the record was removed)")
_PMC = _Db("pmc", pmc_articles, read_pmc_article, "not in PMC (no such PMCID)")


class Harvest:
    """Articles from the cache, or from E-utilities in batches of 200, each cached as it comes."""

    def __init__(self, client: Eutils, folder: Path, refresh: bool = False) -> None:
        self.client, self.cache, self.refresh = client, Cache(folder), refresh
        self.found: dict[str, dict[str, Article]] = {"pubmed": {}, "pmc": {}}
        self.errors: dict[str, dict[str, str]] = {"pubmed": {}, "pmc": {}}

    def collect(self, db: _Db, keys: Iterable[str], history: SearchPage | None = None,
                offsets: dict[str, int] | None = None) -> None:
        """Every article of ``keys`` into ``found`` (or its reason into ``errors``). With ``history``
        (a fresh search) and ``offsets`` (each id's place in it), a page of the search not on disk
        at all is read from the history server, as NCBI asks for large sets."""
        found, errors = self.found[db.name], self.errors[db.name]
        missing = []
        for key in dict.fromkeys(keys):
            if key in found or key in errors:
                continue
            data = None if self.refresh else self.cache.get(db.name, key)
            if data is None:
                missing.append(key)
            else:
                found[key] = db.read(data)
        requests: list[tuple[list[str], int | None]] = []
        if history is not None and offsets:
            pages: dict[int, list[str]] = {}
            for key in missing:
                pages.setdefault(offsets[key] // BATCH, []).append(key)
            requests = [(ids, page * BATCH if len(ids) == _page_size(page, len(offsets)) else None)
                        for page, ids in sorted(pages.items())]
        else:
            requests = [(missing[i:i + BATCH], None) for i in range(0, len(missing), BATCH)]
        for ids, retstart in requests:
            self._fetch(db, ids, history if retstart is not None else None, retstart)
            left = [key for key in ids if key not in found and key not in errors]
            if retstart is not None and left:  # the history page differed (expired, changed): ask by id
                self._fetch(db, left, None, None)
                left = [key for key in left if key not in found and key not in errors]
            errors.update({key: db.missing for key in left})

    def _fetch(self, db: _Db, ids: list[str], history: SearchPage | None, retstart: int | None) -> None:
        try:
            if history is not None and retstart is not None:
                root = self.client.efetch(db.name, history=history, retstart=retstart, retmax=len(ids))
            else:
                root = self.client.efetch(db.name, ids)
        except EutilsError as error:
            self.errors[db.name].update({key: str(error) for key in ids})
            return
        wanted = set(ids)
        for article in db.split(root):
            key = _key(article)
            if key in wanted and key not in self.found[db.name]:
                self.cache.put(db.name, key, article.version, article.xml)
                self.found[db.name][key] = article


def _page_size(page: int, count: int) -> int:
    """How many of the ``count`` ids the search keeps are on ``page``."""
    return min(BATCH, count - page * BATCH)


def harvest(client: Eutils, folder: Path, ids: list[str], refresh: bool = False,
            history: SearchPage | None = None) -> list[Entry]:
    """The files of ``ids`` (PMIDs, and PMCIDs "PMC123") in ``folder``, and each id's entry.
    ``history``: the fresh search the PMIDs come from, in its order."""
    folder.mkdir(parents=True, exist_ok=True)
    run = Harvest(client, folder, refresh)
    given_pmc = [i for i in ids if i.startswith("PMC")]
    run.collect(_PMC, given_pmc)
    pmids = [i for i in ids if not i.startswith("PMC")]
    offsets = {pmid: n for n, pmid in enumerate(pmids)} if history is not None else None
    run.collect(_PUBMED, pmids, history, offsets)
    run.collect(_PUBMED, [a.pmid for a in run.found["pmc"].values() if a.pmid])
    run.collect(_PMC, [r.pmcid for r in run.found["pubmed"].values() if r.pmcid])
    entries, written = [], {}
    for given in ids:
        entry, name, data = _entry(given, run)
        if name:
            if name in written:
                entry.reason = f"the same article as {written[name]}"
            else:
                written[name] = given
                _write(folder / name, data)
        entries.append(entry)
    return entries


def _entry(given: str, run: Harvest) -> tuple[Entry, str, bytes]:
    """The id's entry, and the name and bytes of its file ("" where none)."""
    pubmed, pmc = run.found["pubmed"], run.found["pmc"]
    if given.startswith("PMC"):
        article = pmc.get(given)
        if article is None:
            return Entry(given, pmcid=given, reason=run.errors["pmc"].get(given, _PMC.missing)), "", b""
        record = pubmed.get(article.pmid)
    else:
        record = pubmed.get(given)
        if record is None:
            return Entry(given, pmid=given, reason=run.errors["pubmed"].get(given, _PUBMED.missing)), "", b""
        article = pmc.get(record.pmcid)
    pmid = record.pmid if record else article.pmid if article else ""
    number = record.pmcid if record and record.pmcid else article.pmcid if article else ""
    entry = Entry(given, pmid=pmid, pmcid=number)
    name = f"PMID{pmid}.xml" if pmid else f"{number}.xml"
    if article is not None and article.full_text:
        entry.status, entry.file = "fetched", name
        return entry, name, article.xml
    if record is None:  # a PMCID whose article has no full text and no PubMed record
        entry.status = "not_open_access"
        entry.reason = f"PMC holds {number} without its full text, and no PubMed record"
        return entry, "", b""
    if not number:
        entry.status, entry.file = "abstract_only", name
    elif article is not None:
        entry.status, entry.file = "not_open_access", name
        entry.reason = f"PMC holds {number} without its full text (the publisher allows no download)"
    elif number in run.errors["pmc"] and run.errors["pmc"][number] != _PMC.missing:
        entry.reason = f"full text of {number}: {run.errors['pmc'][number]}"
        return entry, "", b""
    else:
        entry.status, entry.file = "not_open_access", name
        entry.reason = f"PMC returned no article for {number}"
    return entry, name, record.xml


def _write(path: Path, data: bytes) -> None:
    """Whole, and only when it changed (a rerun leaves unchanged files as they were)."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)
