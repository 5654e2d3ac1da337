"""A local server that answers like NCBI E-utilities (esearch JSON, efetch PubMed XML and PMC JATS)
from articles held in memory, with faults to order (429, 500, a body cut short, XML cut short, a
request that hangs), and a log of every request it was asked."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

PUBMED_DOCTYPE = ('<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN" '
                  '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">')
PMC_DOCTYPE = ('<!DOCTYPE pmc-articleset PUBLIC "-//NLM//DTD ARTICLE SET 2.0//EN" '
               '"https://dtd.nlm.nih.gov/ncbi/pmc/articleset/nlm-articleset-2.0.dtd">')


def pubmed_article(pmid: str, title: str, abstract: str, pmcid: str = "", version: int = 1,
                   year: int = 2020, doi: str = "", publication_type: str = "Case Reports") -> str:
    """A ``PubmedArticle`` as efetch db=pubmed gives it (the parts the reader uses); ``doi``: the
    journal's (by default one of the PMID's own)."""
    doi = doi or f"10.1000/jscr.{pmid}"
    pmc = f'<ArticleId IdType="pmc">{pmcid}</ArticleId>' if pmcid else ""
    return f"""<PubmedArticle>
  <MedlineCitation Owner="NLM" Status="MEDLINE">
    <PMID Version="{version}">{pmid}</PMID>
    <Article PubModel="Print">
      <Journal><JournalIssue CitedMedium="Internet"><PubDate><Year>{year}</Year></PubDate></JournalIssue>
        <Title>Journal of Spine Case Reports</Title></Journal>
      <ArticleTitle>{title}</ArticleTitle>
      <ELocationID EIdType="doi" ValidYN="Y">{doi}</ELocationID>
      <Abstract><AbstractText>{abstract}</AbstractText></Abstract>
      <PublicationTypeList><PublicationType>{publication_type}</PublicationType></PublicationTypeList>
    </Article>
  </MedlineCitation>
  <PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>{pmc}</ArticleIdList></PubmedData>
</PubmedArticle>"""


def jats_article(pmcid: str, pmid: str, title: str, abstract: str, body: list[str] | None) -> str:
    """An ``article`` as efetch db=pmc gives it; ``body`` None: a closed article (front matter only)."""
    if body is None:
        rest = "<!--The publisher of this article does not allow downloading of the full text in XML form.-->"
    else:
        rest = ("<body><sec><title>Case report</title>" + "".join(f"<p>{p}</p>" for p in body)
                + "</sec></body>")
    return f"""<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report">
  <front><journal-meta><journal-title-group><journal-title>Journal of Spine Case Reports</journal-title>
    </journal-title-group></journal-meta>
    <article-meta>
      <article-id pub-id-type="pmid">{pmid}</article-id>
      <article-id pub-id-type="pmcid">{pmcid}</article-id>
      <article-id pub-id-type="doi">10.1000/jscr.{pmid}</article-id>
      <title-group><article-title>{title}</article-title></title-group>
      <pub-date pub-type="epub"><year>2020</year></pub-date>
      <abstract><p>{abstract}</p></abstract>
    </article-meta></front>
  {rest}
</article>"""


class FakeClock:
    """Time that moves only when the client sleeps: the waits are counted, never slept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Request:
    endpoint: str
    params: dict[str, str]

    def ids(self) -> list[str]:
        return [i for i in self.params.get("id", "").split(",") if i]


@dataclass
class FakeEutils:
    """What the server knows and does; tests fill it and read ``requests``."""
    pubmed: dict[str, str] = field(default_factory=dict)       # PMID -> PubmedArticle
    pmc: dict[str, str] = field(default_factory=dict)          # PMCID -> article
    searches: dict[str, list[str]] = field(default_factory=dict)  # query -> PMIDs, PubMed's order
    faults: list[tuple[str, str]] = field(default_factory=list)  # (endpoint prefix, fault), taken in turn
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # ends a "hang"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fetched(self, db: str) -> list[str]:
        """Every id efetch gave from ``db``, by id list or from the history server."""
        out = []
        for request in self.requests:
            if request.endpoint == "efetch" and request.params.get("db") == db and request.params.get("_served"):
                out += request.params["_served"].split(",")
        return out

    def _fault(self, endpoint: str) -> str:
        with self.lock:
            for n, (prefix, fault) in enumerate(self.faults):
                if endpoint.startswith(prefix):
                    del self.faults[n]
                    return fault
        return ""


def _handler(state: FakeEutils) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # a socket read never hangs a test

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._answer(dict(parse_qsl(urlsplit(self.path).query)))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            self._answer(dict(parse_qsl(self.rfile.read(length).decode())))

        def _answer(self, params: dict[str, str]) -> None:
            endpoint = urlsplit(self.path).path.rsplit("/", 1)[-1].removesuffix(".fcgi")
            request = Request(endpoint, params)
            with state.lock:
                state.requests.append(request)
            fault = state._fault(endpoint)
            if fault == "hang":
                state.release.wait(10)
            if fault in ("429", "500", "404"):
                self._send(int(fault), b'{"error":"API rate limit exceeded"}' if fault == "429" else b"Error",
                           {"Retry-After": "2"} if fault == "429" else {})
                return
            if endpoint == "esearch":
                body = self._esearch(params)
            elif endpoint == "efetch":
                body = self._efetch(params, request)
            else:
                self._send(404, b"unknown endpoint")
                return
            if fault == "refused":  # NCBI's own error answer, with HTTP 200
                body = (b'{"esearchresult": {"ERROR": "Invalid query"}}' if endpoint == "esearch" else
                        b"<eFetchResult><ERROR>Cannot retrieve the records</ERROR></eFetchResult>")
            if fault == "truncated":  # whole HTTP, half the XML
                body = body[: len(body) // 2]
            if fault == "cut":  # the connection closes before the body it announced
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 3])
                self.wfile.flush()
                self.close_connection = True
                return
            self._send(200, body)

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _esearch(self, params: dict[str, str]) -> bytes:
            ids = state.searches.get(params.get("term", ""), [])
            start, size = int(params.get("retstart", "0")), int(params.get("retmax", "20"))
            result = {"count": str(len(ids)), "retmax": str(size), "retstart": str(start),
                      "idlist": ids[start:start + size]}
            if params.get("usehistory") == "y":
                result.update(webenv=params.get("WebEnv") or f"WE_{params.get('term', '')}", querykey="1")
            return json.dumps({"header": {"type": "esearch"}, "esearchresult": result}).encode()

        def _efetch(self, params: dict[str, str], request: Request) -> bytes:
            if params.get("WebEnv"):
                ids = state.searches.get(params["WebEnv"].removeprefix("WE_"), [])
                start, size = int(params.get("retstart", "0")), int(params.get("retmax", "20"))
                ids = ids[start:start + size]
            else:
                ids = request.ids()
            db = params.get("db")
            source = state.pubmed if db == "pubmed" else state.pmc
            served = [i for i in ids if i in source]
            request.params["_served"] = ",".join(served)
            items = "\n".join(source[i] for i in served)
            if db == "pubmed":
                return (f'<?xml version="1.0" ?>\n{PUBMED_DOCTYPE}\n'
                        f'<PubmedArticleSet>\n{items}\n</PubmedArticleSet>\n').encode()
            return f'<?xml version="1.0" ?>\n{PMC_DOCTYPE}\n<pmc-articleset>{items}</pmc-articleset>\n'.encode()

    return Handler


class EutilsServer:
    """The server on 127.0.0.1, on a free port, in a thread; ``close()`` stops it."""

    def __init__(self, state: FakeEutils) -> None:
        self.state = state
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/entrez/eutils/"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.state.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
