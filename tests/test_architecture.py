"""The house rules a reader relies on (issue 22): the modules import each other without a
cycle, and Mesa is used only through its public API."""

from __future__ import annotations

import ast
from pathlib import Path

import mesa
from mesa.agentset import AgentSet

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "dashboards")


def modules() -> dict[str, Path]:
    """Every module of the packages, by its dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``name`` imports anywhere: at the top, inside a
    function, or for type hints only (``if TYPE_CHECKING:``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *filter(None, [node.module])])
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:  # a module, and the packages it runs first (but its own)
            while target and not name.startswith(f"{target}.") and target != name:
                if target in known:
                    found.add(target)
                target = target.rpartition(".")[0]
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while (w := stack.pop()) != v:
                group.append(w)
            if group:
                groups.append(sorted([v, *group]))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_the_checker_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_round_a_loop() -> None:
    found = modules()
    graph = {name: imports(name, path, set(found)) for name, path in found.items()}
    assert graph["sim.model"] >= {"sim.networker", "sim.records"}  # the checker sees imports
    assert cycles(graph) == []


def test_mesa_is_used_through_its_public_api() -> None:
    """No private name of Mesa's model, agent or agent sets is read or written, and nothing
    private or experimental is imported from Mesa."""
    model = mesa.Model(rng=1)
    agent = mesa.Agent(model)
    private = {
        attr
        for thing in (model, agent, model.agents, mesa.Model, mesa.Agent, AgentSet)
        for attr in dir(thing)
        if attr.startswith("_") and not attr.endswith("__")
    }
    assert "_agents" in private  # what the check looks for exists
    used = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private:
                used.append(f"{name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mesa"):
                bad = [a.name for a in node.names if a.name.startswith("_")]
                if bad or "experimental" in (node.module or ""):
                    used.append(f"{name}:{node.lineno} from {node.module} import {bad}")
    assert used == []
