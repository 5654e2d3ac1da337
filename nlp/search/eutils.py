"""NCBI E-utilities over HTTP: ``esearch`` and ``efetch``, under NCBI's rules.

A thin layer over httpx with tenacity for the retries, rather than Biopython's ``Bio.Entrez``:
Entrez keeps its base URL, its e-mail and its rate limiter in module globals and sleeps with
``time.sleep``, so neither a test server nor a fake clock can stand in without patching it, and it
hands back whatever bytes came (a response cut short is the caller's to find). Here the base URL
comes from the caller or ``CASEMINER_EUTILS_URL`` (a mirror, a test server), the clock and the
sleep are injected, and every answer is checked whole (parsed) before it counts.

NCBI's rules kept: ``tool`` and ``email`` on every request (and ``api_key`` when given); at most
3 requests in any second without a key, 10 with one (retries count); 429 and 5xx answers,
dropped connections and truncated bodies retried with exponential backoff (longer where the
server's ``Retry-After`` says so); results paged from the history server (``usehistory``,
``WebEnv``/``query_key``) in batches of 200 ids.
"""
from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from lxml import etree
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
)

from nlp.ingest import ReadError
from nlp.ingest.xmltools import child, local_name, parse_xml

DEFAULT_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
URL_VARIABLE = "CASEMINER_EUTILS_URL"
TOOL = "caseminer"
BATCH = 200
# What PubMed's esearch pages through at most; beyond it NCBI answers with an error.
ESEARCH_LIMIT = 10_000
_RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})


class EutilsError(Exception):
    """A request that did not succeed (after its retries): one line saying why."""


class _Retry(Exception):
    """A failure worth another try; ``after``: the wait the server asked for, in seconds."""

    def __init__(self, reason: str, after: float = 0.0) -> None:
        super().__init__(reason)
        self.after = after


class RateLimiter:
    """At most ``per_second`` request starts in any one second of ``clock``, waiting with ``sleep``."""

    def __init__(self, per_second: int, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.per_second = per_second
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque(maxlen=per_second)

    def wait(self) -> None:
        if len(self._starts) == self.per_second:
            wait = self._starts[0] + 1.0 - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._starts.append(self._clock())


@dataclass(frozen=True)
class SearchPage:
    count: int            # hits of the query in all
    ids: list[str]        # this page's PMIDs, in PubMed's order
    webenv: str
    query_key: str


def _backoff(state: RetryCallState) -> float:
    """1, 2, 4, 8... seconds (at most 60), or longer where the server asked for it."""
    exc = state.outcome.exception() if state.outcome else None
    after = exc.after if isinstance(exc, _Retry) else 0.0
    return max(min(2.0 ** (state.attempt_number - 1), 60.0), after)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "0")))
    except ValueError:  # an HTTP date: the backoff is long enough
        return 0.0


class Eutils:
    """A session with E-utilities; ``close()`` it (it holds a connection pool)."""

    def __init__(self, email: str, api_key: str | None = None, base_url: str | None = None, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 attempts: int = 5, timeout: float = 60.0) -> None:
        base = base_url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
        self.base_url = base if base.endswith("/") else base + "/"
        self._identity = {"tool": TOOL, "email": email, **({"api_key": api_key} if api_key else {})}
        self._limiter = RateLimiter(10 if api_key else 3, clock, sleep)
        self._sleep = sleep
        self._attempts = attempts
        self._http = httpx.Client(timeout=timeout)
        self.requests = 0  # made, retries included

    def close(self) -> None:
        self._http.close()

    def _post(self, endpoint: str, params: dict[str, str], check: Callable[[bytes], object]) -> object:
        """``check(body)`` of the first whole answer; POST, so that 200 ids fit in any URL limit."""
        def attempt() -> object:
            self._limiter.wait()
            self.requests += 1
            try:
                response = self._http.post(self.base_url + endpoint, data={**params, **self._identity})
            except httpx.TransportError as error:  # refused, reset, timed out, body cut short
                raise _Retry(f"{type(error).__name__}: {error}".rstrip(": ")) from None
            if response.status_code in _RETRIED_STATUS:
                raise _Retry(f"HTTP {response.status_code}", _retry_after(response))
            if response.status_code != 200:
                first = response.text.strip().splitlines()[:1]
                raise EutilsError(f"{endpoint}: HTTP {response.status_code}" + (f": {first[0][:200]}" if first else ""))
            return check(response.content)

        retrying = Retrying(stop=stop_after_attempt(self._attempts), wait=_backoff, sleep=self._sleep,
                            retry=retry_if_exception_type(_Retry), reraise=True)
        try:
            return retrying(attempt)
        except _Retry as error:
            raise EutilsError(f"{endpoint}: {error} (gave up after {self._attempts} tries)") from None

    def esearch(self, term: str, retstart: int = 0, *, mindate: str = "", maxdate: str = "",
                history: SearchPage | None = None) -> SearchPage:
        """One page of PubMed ids for ``term``; the first page puts the result on the history server,
        later pages (``history``: the first) are read from the same WebEnv."""
        params = {"db": "pubmed", "term": term, "retstart": str(retstart), "retmax": str(BATCH),
                  "retmode": "json", "usehistory": "y"}
        if mindate or maxdate:
            params.update(datetype="pdat", mindate=mindate or "1000", maxdate=maxdate or "3000")
        if history is not None:
            params.update(WebEnv=history.webenv, query_key=history.query_key)
        return self._post("esearch.fcgi", params, _search_page)  # type: ignore[return-value]

    def efetch(self, db: str, ids: list[str] | None = None, *, history: SearchPage | None = None,
               retstart: int = 0, retmax: int = BATCH) -> etree._Element:
        """The XML of ``ids`` in ``db`` (pubmed, pmc), or of a page of a search on the history server."""
        params = {"db": db, "retmode": "xml"}
        if ids is not None:
            params["id"] = ",".join(ids)
        elif history is not None:
            params.update(WebEnv=history.webenv, query_key=history.query_key, retstart=str(retstart),
                          retmax=str(retmax))
        return self._post("efetch.fcgi", params, _fetched_xml)  # type: ignore[return-value]


def _search_page(body: bytes) -> SearchPage:
    try:
        result = json.loads(body)["esearchresult"]
    except (ValueError, KeyError, TypeError):
        raise _Retry("esearch answer is not whole JSON (cut short?)") from None
    if "ERROR" in result:
        raise EutilsError(f"esearch: {str(result['ERROR'])[:200]}")
    try:
        return SearchPage(int(result["count"]), [str(i) for i in result.get("idlist", [])],
                          str(result.get("webenv", "")), str(result.get("querykey", "")))
    except (KeyError, ValueError):
        raise _Retry("esearch answer lacks its count") from None


def _fetched_xml(body: bytes) -> etree._Element:
    try:
        root = parse_xml(body)
    except ReadError as error:
        raise _Retry(f"efetch answer is {error} (cut short?)") from None
    if local_name(root) in ("eFetchResult", "ERROR"):  # NCBI's error answer, sent with HTTP 200
        node = root if local_name(root) == "ERROR" else child(root, "ERROR")
        message = (node.text or "").strip() if node is not None else ""
        raise EutilsError(f"efetch: {message[:200] or 'an error answer'}")
    return root
