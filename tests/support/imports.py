"""The import graph of `src/imbplus`, read from the source (every import statement, those
inside functions included: a local import is a dependency too), and the layer picture that
docs/development.md shows.

    python -m tests.support.imports --write    # regenerate the picture in the docs
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "imbplus"
DOCS = ROOT / "docs" / "development.md"
BEGIN, END = "<!-- layers:begin -->", "<!-- layers:end -->"

# Lowest first; a package may import its own layer's foundation modules and anything below.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "__init__",
            "bounds",
            "clock",
            "db",
            "errors",
            "ids",
            "money",
            "paging",
            "pdf",
            "perf",
            "plugin",
            "schema",
            "seller",
            "settings",
        ),
    ),
    ("privacy core", ("privacy",)),
    ("runtime", ("runtime",)),
    ("web framework", ("auth", "web")),
    (
        "domains",
        (
            "staff",
            "customers",
            "notify",
            "processors",
            "devices",
            "telemetry",
            "traffic",
            "shop",
            "billing",
            "shipping",
            "site",
            "surveys",
            "marketing",
            "portal",
            "backup",
            "anonymize",
        ),
    ),
    ("compliance", ("compliance",)),
    ("assembly", ("domains", "models", "adapters", "bootstrap", "app", "demo", "cli", "__main__")),
)
LAYER_OF = {package: i for i, (_name, packages) in enumerate(LAYERS) for package in packages}


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue
        dotted = ".".join(("imbplus", *path.relative_to(PACKAGE).with_suffix("").parts))
        yield dotted.removesuffix(".__init__"), path


def imports_of(path: Path) -> set[str]:
    """Every `imbplus` module `path` imports (`from imbplus.x import y` counts as both
    `imbplus.x` and `imbplus.x.y`, which is a module or a name in it)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("imbplus"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("imbplus"):
            module = str(node.module)
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
    return found


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module (or name)

    @property
    def packages(self) -> tuple[str, str]:
        return package_of(self.source), package_of(self.target)


def edges() -> list[Edge]:
    return [Edge(m, t) for m, path in modules() for t in sorted(imports_of(path))]


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges():
        source, target = edge.packages
        if source != target:
            graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(component)

    sys.setrecursionlimit(10_000)
    for node in sorted(set(graph) | {t for ts in graph.values() for t in ts}):
        if node not in index:
            visit(node)
    return found


def picture() -> str:
    """The layers as a Mermaid flowchart: each layer's packages, and which layers import
    which (an arrow from the importing layer), from the graph as it is."""
    graph = package_graph()
    lines = ["```mermaid", "flowchart BT"]
    for i, (name, packages) in enumerate(LAYERS):
        present = [p for p in packages if (PACKAGE / p).exists() or (PACKAGE / f"{p}.py").exists()]
        label = ", ".join(p for p in present if p not in ("__init__", "__main__"))
        lines.append(f'    L{i}["<b>{name}</b><br/>{label}"]')
    between: set[tuple[int, int]] = set()
    for source, targets in graph.items():
        for target in targets:
            a, b = LAYER_OF.get(source), LAYER_OF.get(target)
            if a is not None and b is not None and a != b:
                between.add((a, b))
    for a, b in sorted(between):
        style = "-->" if a > b else "-.->"  # dotted: an import upwards
        lines.append(f"    L{a} {style} L{b}")
    lines.append("```")
    return "\n".join(lines)


def documented() -> str:
    text = DOCS.read_text()
    return text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()


def write() -> None:
    text = DOCS.read_text()
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{BEGIN}\n{picture()}\n{END}{tail}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    print(picture())
