"""Exit codes and the one-line error every `caseminer` command ends with."""
from __future__ import annotations

from typing import NoReturn

import typer

EXIT_INVALID = 1       # the input given is there but not valid (a review cell, a span file)
EXIT_USAGE = 2         # bad arguments: a path that does not exist, no readable input
EXIT_FAILED_INPUT = 3  # extract: some input failed; everything else was written
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.echo(f"caseminer: {message}", err=True)
    raise typer.Exit(code)
