"""The code keeps the shape docs/architecture.md asks for: small modules, short functions, one shape per app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "propdesk"
MODULE_MAX = 500
FUNCTION_MAX = 80
PLUMBING = {"core", "api", "testing", "home", "demo"}
# The apps that hold a domain: every app with models, but the shared plumbing. A new app is one of them at once.
DOMAIN_APPS = sorted(p.parent.name for p in ROOT.glob("*/models.py") if p.parent.name not in PLUMBING)


def test_the_domain_apps_are_found():
    assert {"org", "communities", "notify", "sla", "tickets", "dispatch", "intake", "complaints"} <= set(DOMAIN_APPS)


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
