"""The layout rules a newcomer relies on (docs/adr/0003-layout.md), checked so they cannot erode:
the bottom modules import no models, no module is too long to hold in one's head, no import cycle
(function-local imports included), and no feature fences left from the order features merged."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("catalogue", "reviews", "stats", "config")
MAX_LINES = 600


def project_modules() -> dict[str, Path]:
    """Every project module outside migrations, by dotted name."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports anywhere in its body, at the top or inside a function."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from .models import Programme" imports .models; "from . import views" imports .views.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def test_bottom_modules_import_no_models():
    code = (
        "import sys, catalogue.choices, reviews.choices, catalogue.evidence, catalogue.costs, catalogue.search; "
        "print(sorted(m for m in sys.modules if m.endswith('.models') and m.split('.')[0] in {'catalogue', 'reviews'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)  # noqa: S603
    assert result.stdout.strip() == "[]"


def test_no_module_is_longer_than_the_limit():
    long = {
        name: n for name, path in project_modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_import_cycles_even_through_function_local_imports():
    modules = project_modules()
    graph = {name: imported_modules(name, path, set(modules)) for name, path in modules.items()}
    # A package's __init__ re-exporting its own submodules is not a cycle between concepts.
    graph = {name: {t for t in targets if not t.startswith(name + ".")} for name, targets in graph.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target] if target in trail else [node, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("folder", ["catalogue", "reviews", "stats", "config", "templates", "static/css", "static/js"])
def test_no_feature_fences_left(folder):
    fence = re.compile(r"\(issue \d+\)|# end (evidence|workflow|public catalogue)")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".html", ".css", ".js"}
        and "migrations" not in path.parts
        and fence.search(path.read_text())
    ]
    assert offenders == []
