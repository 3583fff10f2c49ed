"""The code keeps the shape docs/architecture.md asks for: small modules, short functions, one shape per app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "propdesk"
MODULE_MAX = 500
FUNCTION_MAX = 80
# The apps that hold a domain (not the shared plumbing: core, api, testing, home, demo).
DOMAIN_APPS = ["org", "communities", "notify", "sla", "tickets", "dispatch", "intake", "complaints", "visitors"]


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path


def test_no_module_is_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MODULE_MAX
    }
    assert long == {}


def test_no_function_is_over_80_lines():
    long = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_MAX:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = length
    assert long == {}


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_every_domain_app_declares_its_permissions_and_has_tests(app):
    folder = ROOT / app
    assert (folder / "permissions.py").exists(), f"{app} has no permissions.py"
    assert (folder / "tests").is_dir()
    assert any((folder / "tests").glob("test_*.py"))
