import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from tinyrun import write_run  # noqa: E402


@pytest.fixture(scope="module")
def built_run(tmp_path_factory):
    """The tiny run with its tables built."""
    from nlp.dataset import build_tables
    run = write_run(tmp_path_factory.mktemp("run"))
    build_tables(run)
    return run
