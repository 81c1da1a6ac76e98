"""The house rules, read from the code (ast), not from anyone's memory of it.

The floors, lowest first. A module may import modules on its own floor or below, never
above, and no chain of imports may lead back to where it started. docs/architecture.md
and each package's docstring say the same in words; this list is the one place the
directions are written down for a machine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from owcf.ingest.platforms import PLATFORMS, SurveyPlatform
from owcf.model.sources import Platform

PACKAGE = Path(__file__).resolve().parent.parent / "owcf"

FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("ground", ("owcf", "owcf.errors", "owcf.resources", "owcf.files")),
    ("model", ("owcf.model",)),
    ("ingest", ("owcf.ingest",)),
    ("stats", ("owcf.stats",)),
    ("progress", ("owcf.progress",)),
    ("publish", ("owcf.publish",)),
    ("share", ("owcf.share",)),
    ("national", ("owcf.national",)),
    ("workspace", ("owcf.workspace",)),
    ("cli", ("owcf.cli", "owcf.__main__")),
]
#: at most this many modules stand flat at the top of owcf/
FLAT_LIMIT = 6


def _modules(root: Path = PACKAGE) -> dict[str, Path]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every owcf module ``path`` imports, wherever the import stands (inside functions
    and under TYPE_CHECKING too: an arrow is an arrow)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "owcf"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "owcf":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return found


def floor_of(module: str) -> int:
    """The floor a module stands on: its longest matching prefix in FLOORS."""
    best, length = None, -1
    for number, (_, prefixes) in enumerate(FLOORS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = number, len(prefix)
    assert best is not None, f"{module} stands on no floor: add it to FLOORS"
    return best


def upward_imports(root: Path = PACKAGE) -> list[str]:
    modules = _modules(root)
    out = []
    for name, path in modules.items():
        for target in sorted(_imports(path, set(modules))):
            if floor_of(target) > floor_of(name):
                out.append(f"{name} ({FLOORS[floor_of(name)][0]}) imports {target} "
                           f"({FLOORS[floor_of(target)][0]})")
    return out


def import_circles(root: Path = PACKAGE) -> list[list[str]]:
    """Every strongly connected set of more than one module (Tarjan's algorithm)."""
    modules = _modules(root)
    graph = {name: sorted(_imports(path, set(modules)) - {name})
             for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for name in graph:
        if name not in index:
            visit(name)
    return circles


def test_no_module_imports_a_floor_above_its_own() -> None:
    assert upward_imports() == []


def test_no_import_circles() -> None:
    assert import_circles() == []


def test_the_checks_catch_a_planted_upward_import_and_circle(tmp_path: Path) -> None:
    """Both checks, run on a copy of owcf with one import planted: a statistics module
    that reaches up to the command line, which already imports it."""
    copy = tmp_path / "owcf"
    for name, path in _modules().items():
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        if name == "owcf.stats.tdist":
            text += "\nfrom owcf.cli.analyse import analyse  # planted\n"
        target.write_text(text, encoding="utf-8")
    assert upward_imports(copy) == [
        "owcf.stats.tdist (stats) imports owcf.cli.analyse (cli)"]
    assert any("owcf.stats.tdist" in circle for circle in import_circles(copy))


def test_few_modules_stand_flat_at_the_top() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(flat) <= FLAT_LIMIT, flat


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_every_package_says_what_it_owns_and_may_import(package: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
    assert doc and len(doc) > 200, f"owcf/{package}/__init__.py needs its docstring"
    assert "import" in doc, f"owcf/{package}'s docstring should say what it may import"


def test_every_platform_name_has_a_platform_module() -> None:
    assert sorted(PLATFORMS) == sorted(Platform.names())
    for name, module in PLATFORMS.items():
        platform: SurveyPlatform = module
        assert name == platform.NAME


@pytest.mark.parametrize("doc", ["README.md", "docs/architecture.md"])
def test_the_layout_tables_name_every_package_and_module(doc: str) -> None:
    """README's layout table and the architecture page match the tree: each package has a
    row naming each of its modules (and sub-packages)."""
    text = (PACKAGE.parent / doc).read_text(encoding="utf-8")
    rows = {line.split("`owcf/", 1)[1].split("/", 1)[0]: line for line in text.splitlines()
            if line.startswith("|") and "`owcf/" in line and "/`" in line}
    missing = []
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        package = init.parent
        row = rows.get(package.name)
        if row is None:
            missing.append(f"owcf/{package.name}/")
            continue
        names = [p.stem for p in package.glob("*.py") if p.stem != "__init__"]
        names += [p.parent.name for p in package.glob("*/__init__.py")]
        missing += [f"owcf/{package.name}/{n}" for n in sorted(names) if f"`{n}" not in row]
    ground = [p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")]
    missing += [f"owcf/{n}.py" for n in ground if f"{n}" not in text]
    assert missing == [], f"{doc} does not name {missing}"
