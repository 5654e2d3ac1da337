"""The run's rooms import downwards only: ids < job < engines < run < cli, with the dataset below
the run; and no module takes another's private name."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

NLP = Path(__file__).parents[2] / "nlp"

# module (file or package under nlp/) -> nlp modules it must not import
FORBIDDEN = {
    "ids.py": ("nlp",),
    "job.py": ("nlp.engines", "nlp.run", "nlp.dataset", "nlp.cli"),
    "engines": ("nlp.run", "nlp.dataset", "nlp.cli"),
    "dataset": ("nlp.run", "nlp.engines", "nlp.job", "nlp.cli"),
    "run": ("nlp.cli",),
}


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names taken from it) for every import in ``path``, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def files(room: str) -> list[Path]:
    return sorted((NLP / room).rglob("*.py")) if (NLP / room).is_dir() else [NLP / room]


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_no_import_against_the_flow(room):
    wrong = [f"{path.relative_to(NLP.parent)} imports {module}"
             for path in files(room) for module, _ in imports(path)
             for prefix in FORBIDDEN[room] if module == prefix or module.startswith(prefix + ".")]
    assert not wrong


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_no_private_name_taken_from_another_module(room):
    wrong = [f"{path.relative_to(NLP.parent)} takes {module}.{name}"
             for path in files(room) for module, names in imports(path) if module.startswith("nlp")
             for name in names if name.startswith("_") and not name.endswith("__")]
    assert not wrong
