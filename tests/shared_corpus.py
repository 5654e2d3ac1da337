"""Where the tests find ``../shared``: the folder beside the repository that holds the corpora
and the reference scorer (not shipped with the repository).

``shared_path(*parts)`` skips the calling test (or module) only where the whole ``../shared``
folder is absent, as in a clean clone elsewhere; where ``../shared`` is there but the file or
folder a test needs is not, the test fails and says what is missing, rather than skipping
quietly. Test files in a subfolder of tests/ put tests/ on ``sys.path`` to import it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """``../shared/<parts>``: skip where ../shared is absent, fail where it is present but
    ``parts`` is missing. Call it inside a test or fixture: at module level a failure would
    stop the collection of the whole suite (use the ``shared_corpus_present`` fixture there)."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is not beside the repository ({SHARED})", allow_module_level=True)
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"../shared is present ({SHARED}) but {'/'.join(parts)} is missing from it: "
                    "the shared folder is incomplete or laid out differently", pytrace=False)
    return path


@pytest.fixture(scope="module")
def shared_corpus_present() -> Path:
    """``../shared/corpus``, for ``pytestmark = pytest.mark.usefixtures("shared_corpus_present")``
    (import the fixture into the test module): each test skips where ../shared is absent and
    fails where ../shared has no corpus folder."""
    return shared_path("corpus")
