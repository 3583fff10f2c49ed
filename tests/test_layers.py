"""The layer contracts of docs/architecture.md hold, and a wrong arrow breaks them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 -- our own venv's console script
        [str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_tree_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "message"),
    [
        ("core/models.py", "import propdesk.org.models", "propdesk.core is not allowed to import propdesk.org"),
        ("sla/models.py", "import propdesk.tickets.models", "propdesk.sla is not allowed to import propdesk.tickets"),
        (
            "tickets/models.py",
            "import propdesk.dispatch.models",
            "propdesk.tickets is not allowed to import propdesk.dispatch",
        ),
        ("org/models.py", "import propdesk.notify.models", "propdesk.org is not allowed to import propdesk.notify"),
        (
            "sla/selectors.py",
            "import propdesk.api.errors",
            "propdesk.sla.selectors is not allowed to import propdesk.api",
        ),
    ],
)
def test_a_wrong_import_in_a_scratch_copy_fails_the_build(tmp_path, module, wrong_import, message):
    """Given a copy of the tree where a lower app imports a higher one, lint-imports fails and names it."""
    shutil.copytree(ROOT / "propdesk", tmp_path / "propdesk", ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "propdesk" / module
    target.write_text(f"{wrong_import}  # noqa\n" + target.read_text(encoding="utf-8"), encoding="utf-8")

    result = _lint(tmp_path)

    assert result.returncode != 0
    assert message in result.stdout
