"""The English catalogue: pages stay Chinese unless the user picks English; the catalogue is complete."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
# An app with a ``locale`` folder of its own keeps its strings there (``make messages`` writes each string to
# the catalogue nearest to its source file); the project catalogue holds the rest.
APP_PO_FILES = sorted((Path(settings.BASE_DIR) / "propdesk").glob("*/locale/en/LC_MESSAGES/django.po"))
PO_FILES = [PO_FILE, *APP_PO_FILES]
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sd]|%%")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    """The text of one quoted PO line ("…"), with its C escapes resolved."""
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), body)


def parse_po(path: Path) -> list[dict]:
    """A tiny PO reader: one dict per entry with msgctxt, msgid, msgid_plural, msgstr (a list) and flags."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def finish():
        if "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):  # obsolete entries are not part of the catalogue
            continue
        if line.startswith("#"):
            if key is not None and key != "comment":  # a comment after a complete entry starts the next one
                finish()
                entry, key = {}, "comment"
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s", line)
        if match:
            word = match.group(1)
            if word in ("msgctxt", "msgid") and key is not None and key.startswith("msgstr"):
                finish()
                entry = {}
            if word.startswith("msgstr"):
                entry.setdefault("msgstr", []).append(_unquote(line))
                key = "msgstr"
            else:
                entry[word] = _unquote(line)
                key = word
        elif line.startswith('"') and key is not None:
            if key == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            else:
                entry[key] += _unquote(line)
    finish()
    return [e for e in entries if e["msgid"]]  # without the header


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    assert PO_FILE.exists(), f"missing {PO_FILE}: run makemessages -l en"
    return [dict(e, po=path) for path in PO_FILES for e in parse_po(path)]


# --------------------------------------------------------------------------- language choice


@pytest.mark.django_db
def test_pages_are_chinese_by_default_even_for_an_english_browser(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html
    assert "Log in" not in html
    assert response.headers["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_choosing_english_shows_english_pages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get("/login/")
    html = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert "Log in" in html
    assert "Username" in html
    assert "登录" not in html


@pytest.mark.django_db
def test_choosing_chinese_again_switches_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "登录" in html
    assert "Log in" not in html


# --------------------------------------------------------------------------- the catalogue


def test_catalogue_has_no_untranslated_or_fuzzy_entries(catalogue):
    assert len(catalogue) > 100
    untranslated = [e["msgid"] for e in catalogue if not all(s.strip() for s in e.get("msgstr", []))]
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e.get("flags", set())]
    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_have_both_english_forms(catalogue):
    plurals = [e for e in catalogue if "msgid_plural" in e]
    for e in plurals:
        assert len(e["msgstr"]) == 2, e["msgid"]


def test_translations_keep_the_placeholders(catalogue):
    for e in catalogue:
        expected = sorted(set(PLACEHOLDER.findall(e["msgid"])))
        for text in e["msgstr"]:
            assert sorted(set(PLACEHOLDER.findall(text))) == expected, (e["msgid"], text)


def test_translations_use_ascii_punctuation(catalogue):
    full_width = re.compile(r"[\u3000-\u303f\uff00-\uffef“”「」\u4e00-\u9fff]")
    for e in catalogue:
        for text in e["msgstr"]:
            assert not full_width.search(text), (e["msgid"], text)


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """Every entry of the .po is in the committed .mo (compilemessages was run after the last edit)."""
    for path in PO_FILES:
        assert path.with_suffix(".mo").exists(), f"missing {path.with_suffix('.mo')}: run compilemessages -l en"
    with translation.override("en"):
        for e in catalogue:
            if "msgid_plural" in e:
                if "msgctxt" in e:
                    got = [translation.npgettext(e["msgctxt"], e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
                else:
                    got = [translation.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
                assert got == e["msgstr"], e["msgid"]
            elif "msgctxt" in e:
                assert translation.pgettext(e["msgctxt"], e["msgid"]) == e["msgstr"][0], e["msgid"]
            else:
                assert translation.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]


# --------------------------------------------------------------------------- templates

GLUED = re.compile(r"(%\}|\}\})\s*[：]")
BLOCK = re.compile(r"\{% blocktranslate.*?\{% endblocktranslate %\}", re.S)


def test_templates_glue_no_chinese_colon_after_a_translated_label():
    """A colon belongs to the translated string ("人员：" → "Staff: ") or is translated itself
    ({% translate "：" %} → ": "), so that English pages show no full-width colon."""
    base = Path(settings.BASE_DIR) / "propdesk"
    glued = []
    folders = [base / "templates", *sorted(base.glob("*/templates"))]
    for folder in folders:  # every template folder: the apps' and the shared one
        for path in sorted(folder.rglob("*.html")):
            text = BLOCK.sub("", path.read_text(encoding="utf-8"))
            glued += [f"{path.relative_to(base)}: …{m.string[m.start() - 40 : m.end()]}" for m in GLUED.finditer(text)]
    assert glued == []
