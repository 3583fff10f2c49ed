"""The Content-Security-Policy allows no inline script or style: no template may contain any.

Data for scripts goes in data-* attributes or a ``<script type="application/json">`` block (json_script).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in ROOT.glob("**/templates/**/*.html"))

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
HTMX_EVAL = re.compile(r"\shx-on[:-]|\shx-vals=['\"](js|javascript):", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.IGNORECASE)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_handlers_or_styles(path):
    text = path.read_text()
    problems = [
        f"{name}: {match.group(0).strip()}"
        for name, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("event handler attribute", EVENT_HANDLER),
            ("htmx code attribute", HTMX_EVAL),
            ("inline style", INLINE_STYLE),
        ]
        for match in pattern.finditer(text)
    ]
    assert problems == []
