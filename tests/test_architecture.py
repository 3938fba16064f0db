"""The package's plan holds (docs/architecture.md): no import cycle between its modules at import time, no module
longer than 500 lines, no function longer than 100 lines, and each room imports only the rooms below it."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "perr_graph"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 100


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _top_level_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules ``name`` imports when it is imported (not those imported inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue  # imports for the type checker only
        for sub in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(sub, ast.Import):
                found |= {a.name for a in sub.names}
            elif isinstance(sub, ast.ImportFrom):
                base = sub.module or ""
                if sub.level:
                    anchor = package.split(".")[: len(package.split(".")) - sub.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                found.add(base)
                found |= {f"{base}.{a.name}" for a in sub.names}
    return {m for m in found if m in known and m != name}


def test_no_import_cycle():
    modules = _modules()
    graph = nx.DiGraph()
    for name, path in modules.items():
        graph.add_node(name)
        for target in _top_level_imports(name, path, set(modules)):
            if not name.startswith(target + "."):  # a package's own __init__ is imported before its modules
                graph.add_edge(name, target)
    cycles = [c for c in nx.simple_cycles(graph) if len(c) > 1]
    assert not cycles, "import cycles: " + "; ".join(" → ".join([*c, c[0]]) for c in cycles[:5])


def test_modules_and_functions_stay_small():
    long_modules, long_functions = [], []
    for name, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            long_modules.append(f"{name} ({text.count(chr(10))} lines)")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}.{node.name} ({length} lines)")
    assert not long_modules, f"modules over {MAX_MODULE_LINES} lines: {', '.join(long_modules)}"
    assert not long_functions, f"functions over {MAX_FUNCTION_LINES} lines: {', '.join(long_functions)}"


#: the floors of the house, bottom first (docs/architecture.md): a module imports, when it is imported, only from
#: its own floor or the floors below; the command line stands on top of everything
FLOORS = [
    {"errors", "namespaces", "model", "text", "terminal", "pool", "outputs", "i18n", "resources"},
    {"inputs"},
    {"read"},
    {"rdf"},
    {"build", "store"},
    {"sparql", "validation"},
    {"analysis", "remote", "serve", "synth", "draft"},
    {"report"},
    {"commands", "cli"},
]


def _floor(module: str) -> int:
    parts = module.split(".")
    room = parts[1] if len(parts) > 1 else ""
    for n, rooms in enumerate(FLOORS):
        if room in rooms:
            return n
    raise AssertionError(f"{module}: in no floor of FLOORS (docs/architecture.md says where it goes)")


def test_rooms_import_only_downwards():
    modules = _modules()
    upward = [
        f"{name} → {target}"
        for name, path in modules.items()
        if name != "perr_graph"
        for target in _top_level_imports(name, path, set(modules))
        if target != "perr_graph" and _floor(target) > _floor(name)
    ]
    assert not upward, "imports up the house: " + "; ".join(upward)
