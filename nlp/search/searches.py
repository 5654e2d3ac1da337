"""A search (a PubMed query) or a fetch (a list of ids), and its log, ``search.jsonl``.

The log's first line says what was asked: ``{"kind": "search", "query", "mindate", "maxdate",
"max", "date", "count", "ids"}`` (``count``: PubMed's hits; ``ids``: those kept, at most ``max``;
``date``: when PubMed was searched, UTC) or ``{"kind": "fetch", "list", "date", "ids"}``. Then one
line per id, in the search's order: ``{"id", "status", "pmid", "pmcid", "file", "reason"}``
(statuses: :mod:`nlp.search.harvest`). It is written whole at the end; a search killed half-way
leaves the earlier log, and its rerun fetches only what the cache lacks.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from nlp.atomic import write_atomic
from nlp.search import SEARCH_LOG
from nlp.search.cache import Cache
from nlp.search.eutils import ESEARCH_LIMIT, Eutils, SearchPage
from nlp.search.harvest import Entry, harvest


class SearchTooLarge(Exception):
    """More hits than esearch pages through: one line saying how to narrow the search."""


@dataclass
class SearchResult:
    header: dict
    entries: list[Entry]

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for entry in self.entries:
            found[entry.status] = found.get(entry.status, 0) + 1
        return found


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def search(client: Eutils, folder: Path, query: str, *, max_ids: int | None = None, mindate: str = "",
           maxdate: str = "", refresh: bool = False, now: Callable[[], str] = _utc_now) -> SearchResult:
    """Search PubMed for ``query`` and fetch what it finds into ``folder``. The id list is kept in
    the cache: the same search run again asks PubMed nothing that is on disk."""
    params = {"query": query, "mindate": mindate, "maxdate": maxdate, "max": max_ids}
    cache = Cache(folder)
    listing = None if refresh else cache.listing(params)
    history = None
    if listing is None:
        first = client.esearch(query, mindate=mindate, maxdate=maxdate)
        wanted = first.count if max_ids is None else min(first.count, max_ids)
        if wanted > ESEARCH_LIMIT:
            raise SearchTooLarge(f"the query finds {first.count} records; PubMed's esearch pages through "
                                 f"{ESEARCH_LIMIT} at most: narrow it (--mindate/--maxdate) or set --max")
        ids = list(dict.fromkeys(first.ids))[:wanted]
        while len(ids) < wanted:
            page = client.esearch(query, len(ids), mindate=mindate, maxdate=maxdate, history=first)
            seen = set(ids)
            fresh = [i for i in dict.fromkeys(page.ids) if i not in seen]
            if not fresh:  # the result shrank while paging
                break
            ids += fresh[: wanted - len(ids)]
        history = SearchPage(len(ids), ids, first.webenv, first.query_key) if first.webenv else None
        listing = {"date": now(), "count": first.count, "ids": ids}
        folder.mkdir(parents=True, exist_ok=True)
        cache.put_listing(params, listing)
    entries = harvest(client, folder, listing["ids"], refresh, history)
    header = {"kind": "search", **params, "date": listing["date"], "count": listing["count"],
              "ids": len(listing["ids"])}
    return _logged(folder, SearchResult(header, entries))


def fetch(client: Eutils, folder: Path, ids: list[str], source: str, *, refresh: bool = False,
          now: Callable[[], str] = _utc_now) -> SearchResult:
    """Fetch the articles of ``ids`` (PMIDs, PMCIDs) into ``folder``; ``source``: the list's name."""
    entries = harvest(client, folder, ids, refresh)
    return _logged(folder, SearchResult({"kind": "fetch", "list": source, "date": now(), "ids": len(ids)}, entries))


def _logged(folder: Path, result: SearchResult) -> SearchResult:
    lines = [result.header] + [entry.as_json() for entry in result.entries]
    write_atomic(folder / SEARCH_LOG, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode())
    return result
