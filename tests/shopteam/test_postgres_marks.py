"""Every test that runs work at once (the thread harness in tests/threads.py) is marked `postgres`, so that on
SQLite it is skipped and counted in the summary (tests/conftest.py) instead of passing without testing anything."""
import ast
from pathlib import Path

HARNESS = {"run_at_once", "in_background"}
TESTS = Path(__file__).resolve().parents[1]


def marked_postgres(node):
    return any(isinstance(mark, ast.Attribute) and mark.attr == "postgres" for mark in ast.walk(node))


def unmarked_concurrent_tests(source):
    tree = ast.parse(source)
    module_marked = any(isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets)
                        and marked_postgres(node.value) for node in tree.body)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
            continue
        calls = {call.func.id for call in ast.walk(node)
                 if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)}
        if calls & HARNESS and not module_marked and not any(marked_postgres(d) for d in node.decorator_list):
            found.append(node.name)
    return found


def test_every_test_that_runs_work_at_once_is_marked_postgres():
    unmarked = {str(path.relative_to(TESTS)): names for path in sorted(TESTS.rglob("test_*.py"))
                if (names := unmarked_concurrent_tests(path.read_text(encoding="utf-8")))}
    assert unmarked == {}


def test_the_check_finds_an_unmarked_one():
    source = "def test_a():\n    run_at_once(f, g)\n\n@pytest.mark.postgres\ndef test_b():\n    run_at_once(f)\n"
    assert unmarked_concurrent_tests(source) == ["test_a"]
    assert unmarked_concurrent_tests("pytestmark = [pytest.mark.postgres]\n" + source) == []
