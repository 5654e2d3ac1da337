"""`caseminer extract --help` in an 80-column terminal: it names every output a run writes, and each
option's summary fits on its own line (the detail is in the README)."""
import re

from typer.testing import CliRunner

from nlp.cli import app
from nlp.dataset.runmarker import MARKER
from nlp.run.extract import RUN_OUTPUTS


def extract_help() -> str:
    result = CliRunner().invoke(app, ["extract", "--help"], prog_name="caseminer",
                                env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert result.exit_code == 0, result.output
    return result.output


def test_extract_help_names_every_output():
    shown = " ".join(extract_help().split())  # the description as one line, however it wrapped
    outputs = [name for name in RUN_OUTPUTS if not name.startswith(".")] + [MARKER]  # hidden: kill leftovers
    assert len(outputs) == 15
    assert [name for name in outputs if not re.search(rf"(?<![\w.]){re.escape(name)}\b", shown)] == []


def test_extract_options_take_one_line_each_in_80_columns():
    lines = extract_help().splitlines()
    assert max(len(line) for line in lines) <= 80
    top = next(i for i, line in enumerate(lines) if "─ Options ─" in line)
    bottom = next(i for i in range(top, len(lines)) if lines[i].startswith("╰"))
    rows = lines[top + 1:bottom]
    assert [row for row in rows if not re.match(r"│ [ *]  --", row)] == []  # no row runs onto a second line
    assert len(rows) == 13  # the twelve options and --help


def test_the_command_list_sums_extract_up_in_one_line():
    result = CliRunner().invoke(app, ["--help"], prog_name="caseminer", env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    rows = result.output.splitlines()
    at = next(i for i, row in enumerate(rows) if row.startswith("│ extract "))
    assert rows[at].split(None, 2)[2].rstrip("│ ") == "Extract case records from INPUT... into OUT (a run folder)."
    assert rows[at + 1].startswith("│ restore ")
