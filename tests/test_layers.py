"""The folder layout is the architecture: imports run one way, core -> geo -> ingest -> i18n -> ui -> web -> pages."""

from __future__ import annotations

import ast
from pathlib import Path

from core.settings import PROJECT_DIR

# Each layer may import itself and the layers before it, never one after it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("geo",),
    ("ingest",),
    ("i18n",),
    ("ui",),
    ("web",),
    ("app_pages", "navigation", "app"),
)
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}


def _project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level project package) of every import in `path`, lazy ones inside functions included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names if name.split(".")[0] in RANK]
    return found


def _layer_of(path: Path) -> str:
    relative = path.relative_to(PROJECT_DIR)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def project_modules() -> list[Path]:
    """Every module of a layer (tests, benchmarks and tools are outside the layers)."""
    modules = [PROJECT_DIR / f"{name}.py" for name in RANK if (PROJECT_DIR / f"{name}.py").is_file()]
    for package in RANK:
        if (PROJECT_DIR / package).is_dir():
            modules += sorted((PROJECT_DIR / package).rglob("*.py"))
    return modules


def test_every_project_package_is_in_a_layer() -> None:
    packages = {p.name for p in PROJECT_DIR.iterdir() if (p / "__init__.py").is_file()}
    assert packages <= set(RANK), f"add {sorted(packages - set(RANK))} to LAYERS"


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{path.relative_to(PROJECT_DIR)}:{line} imports {name}"
        for path in project_modules()
        for line, name in _project_imports(path)
        if RANK[name] > RANK[_layer_of(path)]
    ]
    assert not upward, "imports that run back up the layers:\n" + "\n".join(upward)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "upward.py"
    module.write_text("def f():\n    from ui import safe\n")
    assert _project_imports(module) == [(2, "ui")]
