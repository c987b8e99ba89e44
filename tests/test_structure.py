"""The shape of the code, read with `ast`: features keep to themselves.

- No feature package imports another feature's routes module (routes are a feature's
  own; what others need lives in its services or at the app level).
- No import cycle between packages under app/ (imports inside functions count too: a
  lazy import hides a cycle, it does not remove it).
- No module over MAX_LINES lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
#: STYLE.md: "no module over ~400 lines".
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = ("app", *path.relative_to(APP).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, package: str | None = None) -> set[str]:
    """Every app module `path` imports, at the top or inside a function. `package`: the
    one relative imports start from (by default, where `path` sits in app/)."""
    found: set[str] = set()
    if package is None:
        package = module_name(path)
        if path.name != "__init__.py":
            package = package.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            # `from app.x import routes` imports the module app.x.routes.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "app" or name.startswith("app.")}


def package_of(name: str) -> str:
    """'app.visits.services' → 'app.visits'; a top-level module is its own package."""
    parts = name.split(".")
    if len(parts) >= 2 and (APP / parts[1]).is_dir():
        return ".".join(parts[:2])
    return name


def existing(name: str) -> bool:
    relative = Path(*name.split(".")[1:]) if "." in name else Path()
    return (APP / relative).with_suffix(".py").is_file() or (
        APP / relative / "__init__.py"
    ).is_file()


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in modules():
        source = package_of(module_name(path))
        targets = {package_of(name) for name in imported_modules(path) if existing(name)}
        graph.setdefault(source, set()).update(targets - {source, "app"})
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            if cycle := visit(target):
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def test_no_feature_imports_another_features_routes():
    crossings = [
        f"{module_name(path)} imports {name}"
        for path in modules()
        for name in imported_modules(path)
        if name.endswith(".routes") and package_of(name) != package_of(module_name(path))
    ]
    assert crossings == []


def test_no_import_cycle_between_packages():
    assert find_cycle(package_graph()) is None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"app.a": {"app.b"}, "app.b": {"app.c"}, "app.c": {"app.a"}}) == [
        "app.a",
        "app.b",
        "app.c",
        "app.a",
    ]
    assert find_cycle({"app.a": {"app.b"}, "app.b": set()}) is None


def test_the_import_reader_sees_lazy_and_relative_imports(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "def f():\n    from app.visits import routes\n    import app.photos.storage\n"
        "from .services import audit\n"
    )
    assert {"app.visits.routes", "app.photos.storage", "app.admin.services"} <= (
        imported_modules(module, package="app.admin")
    )


def test_no_module_is_too_long():
    long = {
        str(path.relative_to(APP)): count
        for path in modules()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
