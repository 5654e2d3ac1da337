"""``caseminer search`` and ``caseminer fetch``; ``register(app)`` adds them to the caseminer app.

Exit codes: 0 every id fetched (full text, abstract or the record of a closed article); 2 usage
errors (a bad date, an unreadable id list, a search too large to page); 3 some id failed or the
search itself failed (the log says which and why; rerunning the command retries them); 130
interrupted (rerunning it resumes).
"""
from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from nlp.exits import EXIT_FAILED_INPUT, EXIT_INTERRUPTED, fail

_DATE = re.compile(r"\d{4}(?:[/-]\d{1,2}(?:[/-]\d{1,2})?)?")

Out = Annotated[Path, typer.Option("-o", "--out", help="the folder to write the articles and search.jsonl into "
                                   "(an input folder for caseminer extract)")]
Email = Annotated[str, typer.Option("--email", envvar="CASEMINER_EMAIL",
                                    help="your e-mail, sent to NCBI with every request as its rules ask")]
ApiKey = Annotated[str, typer.Option("--api-key", envvar="NCBI_API_KEY",
                                     help="an NCBI API key: 10 requests/s instead of 3")]
Refresh = Annotated[bool, typer.Option("--refresh", help="ask NCBI again for what the folder's .cache/ holds")]


def _date(value: str, option: str) -> str:
    if value and not _DATE.fullmatch(value):
        fail(f"{option} {value!r}: expected YYYY, YYYY/MM or YYYY/MM/DD")
    return value.replace("-", "/")


def _client(email: str, api_key: str, out: Path):
    """The session with NCBI, once the arguments are known to be good."""
    from nlp.dataset.runmarker import MARKER
    from nlp.search.eutils import Eutils
    if out.exists() and not out.is_dir():
        fail(f"{out} is a file, not a folder")
    if (out / MARKER).exists():
        fail(f"{out} holds a caseminer run ({MARKER}): search into a folder of its own, then extract it")
    if not email.strip() or "@" not in email:
        fail(f"--email {email!r}: NCBI asks for a contact e-mail address")
    return Eutils(email.strip(), api_key.strip() or None)


def _report(result, out: Path, requests: int) -> None:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(result.counts().items())) or "none"
    typer.echo(f"{len(result.entries)} ids ({counts}) in {out}; {requests} requests", err=True)
    failed = [e for e in result.entries if e.status == "failed"]
    for entry in failed[:10]:
        typer.echo(f"caseminer: {entry.id}: {entry.reason}", err=True)
    if failed:
        raise typer.Exit(EXIT_FAILED_INPUT)


def search(
    query: Annotated[str, typer.Argument(help="a PubMed query, as typed in PubMed")],
    out: Out,
    email: Email,
    max_ids: Annotated[int | None, typer.Option("--max", min=1, help="keep the first N hits (PubMed's order)")] = None,
    mindate: Annotated[str, typer.Option("--mindate", help="published on or after: YYYY, YYYY/MM or YYYY/MM/DD")] = "",
    maxdate: Annotated[str, typer.Option("--maxdate", help="published on or before: YYYY, YYYY/MM or YYYY/MM/DD")] = "",
    api_key: ApiKey = "",
    refresh: Refresh = False,
) -> None:
    """Search PubMed and fetch every hit into OUT: the PMC full text (JATS) where it is open, else the
    PubMed record; search.jsonl says what became of each id. Rerun to resume."""
    from nlp.search.eutils import EutilsError
    from nlp.search.searches import SearchTooLarge
    from nlp.search.searches import search as run_search
    if not query.strip():
        fail("the query is empty")
    mindate, maxdate = _date(mindate, "--mindate"), _date(maxdate, "--maxdate")
    with closing(_client(email, api_key, out)) as client:
        try:
            result = run_search(client, out, query, max_ids=max_ids, mindate=mindate, maxdate=maxdate,
                                refresh=refresh)
        except SearchTooLarge as exc:
            fail(str(exc))
        except EutilsError as exc:
            fail(f"the search failed: {exc}", EXIT_FAILED_INPUT)
        except KeyboardInterrupt:
            fail("interrupted: run the same command again to resume", EXIT_INTERRUPTED)
        _report(result, out, client.requests)


def fetch(
    pmids: Annotated[Path, typer.Option("--pmids", help="a file of PMIDs or PMCIDs, one a line (# comments and "
                                        "blank lines allowed)")],
    out: Out,
    email: Email,
    api_key: ApiKey = "",
    refresh: Refresh = False,
) -> None:
    """Fetch the articles of a list of PMIDs or PMCIDs into OUT, as search does."""
    from nlp.search.idlist import IdListError, read_id_list
    from nlp.search.searches import fetch as run_fetch
    try:
        ids = read_id_list(pmids)
    except IdListError as exc:
        fail(str(exc))
    with closing(_client(email, api_key, out)) as client:
        try:
            result = run_fetch(client, out, ids, str(pmids), refresh=refresh)
        except KeyboardInterrupt:
            fail("interrupted: run the same command again to resume", EXIT_INTERRUPTED)
        _report(result, out, client.requests)


def register(app: typer.Typer) -> None:
    """Add search and fetch to ``app``."""
    app.command("search", short_help="Search PubMed and fetch every hit into OUT (full text where open).")(search)
    app.command("fetch")(fetch)
