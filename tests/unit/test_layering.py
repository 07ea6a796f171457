"""The house rules of ARCHITECTURE.md, checked on every run: imports point down only, Qt stays in
the views, the views and the command line build no queries, no import cycles, no module over 400
lines, every package listed for the wheel.

The import graph is read from the source (ast), so imports inside functions and under
``if TYPE_CHECKING:`` count as much as those at the top of a module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import app

ROOT = Path(app.__file__).resolve().parent.parent
APP = ROOT / "app"
MAX_LINES = 400

# Layers from the bottom up: a module may import its own layer's group or a lower layer.
LAYERS: list[tuple[str, ...]] = [
    ("app", "app.__version__", "app.config", "app.resources"),
    ("app.db",),
    ("app.models",),
    ("app.services",),
    ("app.printing", "app.street"),
    ("app.logging_setup", "app.views"),
    ("app.commands",),
    ("app.cli",),
    ("app.__main__",),
]
# Inside app.services, subject packages from the bottom up (the rule of app/services/__init__.py).
SERVICE_RANKS: list[tuple[str, ...]] = [
    ("common",),
    ("admin", "cardreaders"),
    ("population", "grids"),
    ("cases", "certificates", "party"),
    ("engage",),
    ("kiosk", "imports", "sync", "desk", "exports", "reports"),
    ("volunteers",),
    ("setup",),
]
# Inside app.printing: the shared machinery below the document families, which are siblings.
PRINTING_SHARED = ("fonts", "qr", "layout", "page_furniture", "qt_bridge")
QT_BRIDGE = "app.printing.qt_bridge"  # the one module outside the views that may import Qt
NO_QUERIES = ("app.views", "app.commands", "app.cli")  # may not import sqlalchemy


@dataclass(frozen=True, slots=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (or the package, for names that are not modules)
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for p in APP.rglob("*.py")
        if "__pycache__" not in p.parts and "versions" not in p.parts  # Alembic's revision scripts
    }


def _is_package(name: str) -> bool:
    path = modules().get(name)
    return path is not None and path.name == "__init__.py"


def _resolve_relative(source: str, node: ast.ImportFrom) -> str:
    base = source.split(".")
    if not _is_package(source):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join(base + ([node.module] if node.module else []))


@cache
def imports() -> tuple[Import, ...]:
    found: list[Import] = []
    known = modules()
    for source, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found += [Import(source, alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = _resolve_relative(source, node) if node.level else (node.module or "")
                for alias in node.names:
                    child = f"{module}.{alias.name}"
                    found.append(Import(source, child if child in known else module, node.lineno))
    return tuple(found)


def _internal() -> list[Import]:
    return [i for i in imports() if i.target == "app" or i.target.startswith("app.")]


def _layer(name: str) -> tuple[int, str]:
    """(rank, group) of a module: the longest layer prefix that matches."""
    best: tuple[int, str, int] | None = None
    for rank, groups in enumerate(LAYERS):
        for group in groups:
            if (name == group or name.startswith(group + ".")) and (best is None or len(group) > best[2]):
                best = (rank, group, len(group))
    assert best is not None, f"{name} belongs to no layer: add it to LAYERS"
    return best[0], best[1]


def _service_rank(name: str) -> tuple[int, str] | None:
    parts = name.split(".")
    if len(parts) < 3 or parts[:2] != ["app", "services"]:
        return None
    for rank, packages in enumerate(SERVICE_RANKS):
        if parts[2] in packages:
            return rank, parts[2]
    raise AssertionError(f"app.services.{parts[2]} has no rank: add it to SERVICE_RANKS")


def _printing_family(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) < 3 or parts[:2] != ["app", "printing"] or parts[2] in PRINTING_SHARED:
        return None
    return parts[2]


def layering_violations(found: list[Import]) -> list[str]:
    problems = []
    for imp in found:
        where = f"{imp.source}:{imp.line} imports {imp.target}"
        (rank_a, group_a), (rank_b, group_b) = _layer(imp.source), _layer(imp.target)
        if rank_b > rank_a or (rank_b == rank_a and group_a != group_b):
            problems.append(f"{where}: {group_b} is not below {group_a}")
            continue
        ranks = _service_rank(imp.source), _service_rank(imp.target)
        if ranks[0] and ranks[1] and ranks[0][1] != ranks[1][1] and ranks[1][0] >= ranks[0][0]:
            problems.append(f"{where}: services.{ranks[1][1]} is not below services.{ranks[0][1]}")
        family_a, family_b = _printing_family(imp.source), _printing_family(imp.target)
        if group_a == group_b == "app.printing" and family_b and family_b != family_a:
            problems.append(f"{where}: printing.{family_b} is a sibling, not shared machinery")
    return problems


def cycles(found: list[Import]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), plus self-imports."""
    graph: dict[str, set[str]] = {}
    for imp in found:
        if imp.source != imp.target:
            graph.setdefault(imp.source, set()).add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def _roots(name: str) -> str:
    return name.split(".")[0]


def test_imports_point_down_only():
    problems = layering_violations(_internal())
    assert not problems, "imports that point up or sideways:\n" + "\n".join(problems)


def test_no_import_cycles():
    found = cycles(_internal())
    assert not found, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in found)


def test_qt_only_in_the_views():
    outside = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in imports()
        if _roots(i.target) in ("PySide6", "shiboken6")
        and not (i.source.startswith("app.views") or i.source == QT_BRIDGE)
    ]
    assert not outside, "Qt outside the views:\n" + "\n".join(outside)


def test_views_and_commands_build_no_queries():
    offenders = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in imports()
        if _roots(i.target) == "sqlalchemy"
        and any(i.source == p or i.source.startswith(p + ".") for p in NO_QUERIES)
    ]
    assert not offenders, "ask a service instead:\n" + "\n".join(offenders)


def test_everything_but_the_views_imports_without_qt():
    """The static check above, proven by importing: PySide6 made unimportable in a subprocess."""
    names = [
        name
        for name in modules()
        if not name.startswith("app.views")
        and name not in (QT_BRIDGE, "app.__main__")
        and ".migrations" not in name  # Alembic's env.py runs only under Alembic
    ]
    code = "import sys; sys.modules['PySide6'] = None\n" + "\n".join(f"import {n}" for n in sorted(names))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_no_module_over_400_lines():
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text().splitlines())) > MAX_LINES and "migrations" not in name
    }
    assert not long, f"split these along their seams: {long}"


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "app").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    # Folders of data are packages to setuptools as well (each one missing is a warning on every
    # set-up): the street's page templates and every folder under resources/.
    found |= {
        ".".join(("app", *d.relative_to(ROOT / "app").parts))
        for d in (ROOT / "app").rglob("*")
        if d.is_dir() and d.name == "templates"
    }
    found |= {
        ".".join(("yichuang_resources", *d.relative_to(ROOT / "resources").parts))
        for d in (ROOT / "resources").rglob("*")
        if d.is_dir() and "__pycache__" not in d.parts
    }
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"
    assert "yichuang_resources" in listed


# The checks themselves must be able to fail: each bad import below is caught.


def test_the_rules_catch_an_upward_import():
    bad = [Import("app.models.cases", "app.services.cases.workflow", 1)]
    assert layering_violations(bad) == [
        "app.models.cases:1 imports app.services.cases.workflow: app.services is not below app.models"
    ]


def test_the_rules_catch_a_service_reaching_up_or_across():
    up = Import("app.services.cases.intake", "app.services.kiosk.service", 1)
    across = Import("app.services.kiosk.service", "app.services.sync.client", 1)
    sideways = Import("app.printing.boards.pdf", "app.printing.certificates.pdf", 1)
    printing_from_services = Import("app.services.kiosk.service", "app.printing.certificates.renderer", 1)
    problems = layering_violations([up, across, sideways, printing_from_services])
    assert len(problems) == 4


def test_the_rules_catch_a_cycle():
    found = cycles(
        [Import("app.services.a", "app.services.b", 1), Import("app.services.b", "app.services.a", 1)]
    )
    assert found == [["app.services.a", "app.services.b"]]
