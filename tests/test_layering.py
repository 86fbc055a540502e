"""The package's imports go down the pipeline only, and no module imports itself round a circle.

Layers, lowest first: the core modules, then ingest → graph → sparql → shacl → network →
export → web → cli. A module may import its own layer and the layers below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ipgraph"
CORE = {"ipgraph", "ipgraph.errors", "ipgraph.paths", "ipgraph.prefixes", "ipgraph.files", "ipgraph.progress"}
LAYERS = ("ingest", "graph", "sparql", "shacl", "network", "export", "web", "cli")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rank(module: str) -> int:
    if module in CORE:
        return -1
    return LAYERS.index(module.split(".")[1])


def imports(path: Path) -> set[str]:
    """Every ipgraph module the file imports, at top level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ipgraph"):
            assert node.level == 0, f"{path}: use absolute imports (from {node.module} …)"
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ipgraph")}
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_is_in_a_known_layer():
    assert all(m in CORE or m.split(".")[1] in LAYERS for m in MODULES), sorted(MODULES)


@pytest.mark.slow
@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_pipeline(module):
    upward = sorted(target for target in imports(MODULES[module]) if rank(target) > rank(module))
    assert not upward, f"{module} imports later stages: {upward}"


def test_no_import_circle():
    graph = {m: {t for t in imports(p) if t in MODULES and t != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
                pytest.fail("import circle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_no_module_over_400_lines():
    """One job per module: none grows past about 400 lines."""
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long
