"""The house is one-way: a room imports only from rooms below it, nothing imports a private name
of another module, and the import graph of nlp/ has no cycle (imports inside functions count)."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nlp"

# Bottom first. A module belongs to the layer of its longest matching prefix.
LAYERS = [
    ["nlp", "nlp.schema", "nlp.normalize", "nlp.ids", "nlp.exits"],
    ["nlp.patterns"],
    ["nlp.context"],
    ["nlp.ingest"],
    ["nlp.search"],                     # E-utilities: a query or ids -> files ingest reads
    ["nlp.extract"],
    ["nlp.series"],
    ["nlp.cases"],
    ["nlp.assemble"],
    ["nlp.train"],                      # models: loading, predicting, training
    ["nlp.pipeline", "nlp.records"],
    ["nlp.job", "nlp.engines"],
    ["nlp.dataset"],                    # tables built from a run's records
    ["nlp.run"],
    ["nlp.evaluate", "nlp.dataset.commands", "nlp.train.commands", "nlp.train.silver", "nlp.search.commands"],
    ["nlp.cli", "nlp.__main__"],
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    best, found = -1, None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    assert found is not None, f"{module} is in no layer: add it to LAYERS"
    return found


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import of nlp in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nlp") and node.level == 0:
            found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("nlp")]
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(module: str, names: list[str]) -> list[str]:
    """The modules an import reaches: ``from nlp.x import y`` is nlp.x.y where y is a module."""
    subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    return subs or [module]


def test_no_room_imports_from_a_room_above_it():
    upward = []
    for module, path in MODULES.items():
        for imported, names, line in _imports(path):
            for target in _target(imported, names):
                if _layer(target) > _layer(module):
                    upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} {module} -> {target}")
    assert upward == []


def test_no_private_name_is_taken_from_another_module():
    taken = [f"{path.relative_to(PACKAGE.parent)}:{line} {imported}.{name}"
             for module, path in MODULES.items() for imported, names, line in _imports(path)
             for name in names if name.startswith("_") and not name.endswith("__") and imported != module]
    assert taken == []


def test_the_import_graph_has_no_cycle():
    graph = {m: {t for imported, names, _ in _imports(p) for t in _target(imported, names)
                 if t in MODULES and t != m} for m, p in MODULES.items()}
    # a package's __init__ that re-exports its modules is not a cycle with them
    graph = {m: {t for t in ts if not (m.startswith(t + ".") and MODULES[t].name == "__init__.py")}
             for m, ts in graph.items()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle.extend(trail[trail.index(nxt):] + [node, nxt] if nxt in trail else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, trail + [node]):
                return True
        state[node] = 2
        return False

    for module in sorted(graph):
        if state.get(module) is None and visit(module, []):
            break
    assert cycle == [], " -> ".join(cycle)


@pytest.mark.parametrize("field_name, most", [("age_years", 5)])
def test_a_field_lives_with_its_family(field_name, most):
    """Outside the record model and the tables, a field's name stands only in its family's module
    and pattern file."""
    holders = sorted(str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*")
                     if p.suffix in (".py", ".yaml") and field_name in p.read_text(encoding="utf-8"))
    assert len(holders) <= most, holders
