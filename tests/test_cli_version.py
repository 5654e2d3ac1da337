"""`caseminer --version` and `-V`: the installed package's version on one line, exit 0."""
from __future__ import annotations

from importlib.metadata import version

import pytest
from typer.testing import CliRunner

from nlp.cli import app


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_installed_version_and_exits_0(flag: str) -> None:
    result = CliRunner().invoke(app, [flag], prog_name="caseminer")
    assert result.exit_code == 0
    assert result.output == f"caseminer {version('caseminer')}\n"
