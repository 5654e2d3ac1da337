"""``caseminer search`` and ``caseminer fetch``: the one place caseminer reaches the network, and
only when the user runs them. A PubMed query (or a list of PMIDs and PMCIDs) becomes a folder of
files ``extract`` reads, one per article, with ``search.jsonl`` saying what became of each id.

:mod:`~nlp.search.eutils` talks to NCBI, :mod:`~nlp.search.articles` splits its answers,
:mod:`~nlp.search.cache` keeps them, :mod:`~nlp.search.harvest` turns ids into files and
:mod:`~nlp.search.searches` runs a search or a fetch and writes its log. Nothing heavy is imported
here: ``extract`` reads the names below without loading the network client.
"""
SEARCH_LOG = "search.jsonl"

__all__ = ["SEARCH_LOG"]
