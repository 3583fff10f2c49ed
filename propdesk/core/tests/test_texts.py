"""Texts the system writes are stored as msgid + parameters and read in the reader's language."""

from django.utils import translation
from django.utils.translation import gettext_noop as N_

from propdesk.core import texts
from propdesk.core.texts import Text, t


def test_a_stored_text_reads_in_chinese_and_in_english():
    stored = t(N_("待派单")).dumps()

    with translation.override("zh-hans"):
        assert texts.render(stored) == "待派单"
    with translation.override("en"):
        assert texts.render(stored) == "To dispatch"
    assert texts.render(stored, "en") == "To dispatch"


def test_parameters_are_filled_in_and_may_be_texts_themselves():
    stored = t(N_("已派给：%(name)s"), name=t(N_("待派单"))).dumps()

    loaded = texts.loads(stored)
    assert isinstance(loaded, Text)
    assert loaded.params["name"] == t(N_("待派单"))
    assert texts.render(stored, "zh-hans") == "已派给：待派单"


def test_plain_text_typed_by_a_person_renders_as_itself():
    assert texts.render("水管漏水，请尽快处理") == "水管漏水，请尽快处理"
    assert texts.render('{"m": broken json') == '{"m": broken json'
    assert texts.render("") == ""
    assert texts.render(None) == ""


def test_a_translation_missing_a_placeholder_falls_back_to_the_source(monkeypatch):
    monkeypatch.setattr(texts, "gettext", lambda msgid: "broken %(other)s")
    assert texts.render(t("给 %(name)s", name="张三")) == "给 张三"


def test_odd_parameters_are_stored_as_strings():
    import datetime as dt

    stored = t("%(day)s", day=dt.date(2026, 11, 29)).dumps()
    assert texts.render(stored) == "2026-11-29"


def test_a_choice_label_is_stored_as_its_msgid_and_read_in_the_readers_language():
    from django.utils.translation import gettext_lazy

    stored = t(N_("处理类别：%(a)s → %(b)s"), a=texts.label(gettext_lazy("待派单")), b="x").dumps()
    assert '"a":{"m":"待派单","p":{}}' in stored
    assert texts.render(stored, "en") == "Routing class: To dispatch → x"
    assert texts.render(stored, "zh-hans") == "处理类别：待派单 → x"
    assert texts.label("plain") == "plain"
    assert texts.label(t(N_("待派单"))) == t(N_("待派单"))


def test_shorten_cuts_a_rendered_text_with_an_ellipsis():
    assert texts.shorten("abc", 3) == "abc"
    assert texts.shorten("abcd", 3) == "ab…"
