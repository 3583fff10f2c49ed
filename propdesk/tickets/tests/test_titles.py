"""A ticket recorded without a title takes one from its content: the first line when it fits in 30
characters, else cut after its last sentence (or phrase) within them — never mid-phrase when a boundary is
near, never ending in "，" or any other punctuation."""

import pytest

from propdesk.tickets.services import title_from_content

from .helpers import local, new_ticket


@pytest.mark.parametrize(
    ("content", "title"),
    [
        ("厨房水龙头漏水", "厨房水龙头漏水"),
        ("厨房水龙头漏水。", "厨房水龙头漏水"),
        ("停车场B2区灯不亮，", "停车场B2区灯不亮"),
        ("\n\n  电梯困人！\n详情见附件", "电梯困人"),
        # a sentence ends within the limit: the title is that sentence
        ("业主反映卫生间天花板渗水。楼上住户不在家，请物业联系楼上并尽快派人查看处理", "业主反映卫生间天花板渗水"),
        # only phrases end within it: cut after the last whole phrase, without its comma
        (
            "业主反映卫生间天花板渗水严重，已经滴到地板上了，请尽快派人查看，楼上住户电话打不通",
            "业主反映卫生间天花板渗水严重，已经滴到地板上了",
        ),
        # a phrase ending just after the limit still counts as whole
        (
            "地下车库B2层的照明灯坏了好几盏，晚上很暗，业主担心安全问题，请尽快更换",
            "地下车库B2层的照明灯坏了好几盏，晚上很暗，业主担心安全问题",
        ),
        # no boundary at all: 30 characters
        (
            "业主反映卫生间天花板渗水严重已经滴到地板上了请尽快派人查看楼上住户电话打不通一直没人接",
            "业主反映卫生间天花板渗水严重已经滴到地板上了请尽快派人查看楼",
        ),
    ],
)
def test_title_from_content(content, title):
    assert title_from_content(content) == title
    assert len(title) <= 30


def test_a_recorded_ticket_gets_a_title_that_ends_at_a_phrase(world, clock, reception_a):
    clock.move_to(local(2026, 11, 22, 10, 0))

    ticket = new_ticket(
        reception_a,
        household=world.household_a,
        content="业主来电说卫生间天花板一直在滴水，楼上装修后开始的，已经持续三天了",
    )

    ticket.refresh_from_db()
    assert ticket.title == "业主来电说卫生间天花板一直在滴水，楼上装修后开始的"
