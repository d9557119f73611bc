"""No hidden circles: the modules of the project's apps import each other without a cycle, imports inside
functions included (a function-level import hides a circle from Python, not from the reader).

A cycle this test finds is a strongly connected part of the import graph. The ones still being taken apart are
listed in KNOWN; the test fails on any other, and on a known one that has gone (so the list only shrinks)."""
import ast
from pathlib import Path

from django.conf import settings

from tests.shopteam.test_wheel import APPS  # every app of the project, the one list

ROOT = Path(settings.BASE_DIR)
# None left: the last (inventory.importing, staging and tasks) was taken apart in issue 22.
KNOWN: set[frozenset[str]] = set()


def modules():
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name, path, node, known):
    """The project modules that `node` (an import statement in module `name`) names."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
            package = package[:len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target:
            yield target


def import_graph():
    known = modules()
    graph = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {
            target
            for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
            for target in imported(name, path, node, known)
            # A module's own package (`from . import x` inside it) is where it lives, not a dependency.
            if target != name and not name.startswith(target + ".")
        }
    return graph


def cycles(graph):
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return set(found)


def test_the_apps_import_each_other_without_a_cycle_other_than_the_known_ones():
    found = cycles(import_graph())
    assert found - KNOWN == set(), f"new import cycles: {[sorted(cycle) for cycle in found - KNOWN]}"
    assert KNOWN - found == set(), f"gone, remove from KNOWN: {[sorted(cycle) for cycle in KNOWN - found]}"


def test_the_check_sees_a_cycle_made_by_an_import_inside_a_function():
    graph = {"a.services": {"a.tasks"}, "a.tasks": set(), "a.selectors": set()}
    assert cycles(graph) == set()
    graph["a.tasks"].add("a.services")
    assert cycles(graph) == {frozenset({"a.services", "a.tasks"})}
    tree = ast.parse("def f():\n    from .tasks import deliver\n")
    known = {"a.services": Path("a/services.py"), "a.tasks": Path("a/tasks.py")}
    node = tree.body[0].body[0]
    assert list(imported("a.services", Path("a/services.py"), node, known)) == ["a.tasks"]
