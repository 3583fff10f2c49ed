"""The complaint pages: the register with its filters, the workbench, one complaint with its actions; bad
input is a Chinese message and changes nothing; pages of another center are a 404; the home tiles."""

import pytest
from django.urls import reverse

from propdesk.complaints.models import Complaint
from propdesk.home.navigation import entries_for
from propdesk.tickets.choices import Status

pytestmark = pytest.mark.usefixtures("clock")


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def act(client, user, complaint, action, **data):
    client.force_login(user)
    return client.post(reverse("complaints:act", args=[complaint.pk, action]), data, follow=True)


def texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_register_filters_and_flags(client, record, cast):
    complaint = record()
    response = page(client, cast.reception, reverse("complaints:list"))
    assert response.status_code == 200 and complaint.ticket.number in response.text
    response = page(client, cast.reception, reverse("complaints:list"), responsibility_class="1")
    assert complaint.ticket.number not in response.text
    response = page(client, cast.reception, reverse("complaints:list"), responsibility_class="9", overdue="x")
    assert response.status_code == 200 and "error-box" in response.text
    assert page(client, cast.clerk, reverse("complaints:list")).status_code == 403


def test_the_detail_page_classifies_and_assigns(client, record, cast):
    complaint = record()
    response = page(client, cast.reception, reverse("complaints:detail", args=[complaint.pk]))
    assert response.status_code == 200 and "保存分类" in response.text
    response = act(
        client,
        cast.reception,
        complaint,
        "classify",
        responsibility_class="1",
        validity="valid",
        version=complaint.version,
    )
    assert texts(response) == ["分类已保存"]
    assert "客服助理处理" in response.text
    complaint.refresh_from_db()
    response = act(client, cast.supervisor, complaint, "owner", version=complaint.version)
    assert texts(response) == ["负责人已确定"]
    assert Complaint.objects.get(pk=complaint.pk).owner == cast.assistant


def test_bad_input_is_a_message_and_changes_nothing(client, record, cast):
    complaint = record()
    version = complaint.version
    response = act(client, cast.reception, complaint, "classify", responsibility_class="2", validity="valid")
    assert "二类投诉请选择" in texts(response)[0]
    response = act(client, cast.reception, complaint, "agree", reply_at="明天")
    assert "约定答复时间" in texts(response)[0]
    response = act(
        client, cast.reception, complaint, "classify", responsibility_class="1", validity="valid", version="3"
    )
    assert "已被他人修改" in texts(response)[0]
    response = act(client, cast.reception, complaint, "original", archive_no="A-1")
    assert "资料管理员" in texts(response)[0]
    assert Complaint.objects.get(pk=complaint.pk).version == version
    client.force_login(cast.reception)
    assert client.post(reverse("complaints:act", args=[complaint.pk, "explode"])).status_code == 404
    assert client.get(reverse("complaints:act", args=[complaint.pk, "classify"])).status_code == 405


def test_another_centers_complaint_is_not_found(client, record, cast):
    complaint = record()
    assert page(client, cast.reception_b, reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    response = act(client, cast.reception_b, complaint, "classify", responsibility_class="1", validity="valid")
    assert response.status_code == 404


def test_the_repeat_shows_the_earlier_handling_first(client, record, cast):
    complaint = record()
    act(client, cast.reception, complaint, "spot", content="当场更换灯泡")
    act(
        client,
        cast.reception,
        complaint,
        "reply",
        method="phone",
        content="回访",
        customer_opinion="满意",
        satisfied="yes",
    )
    assert Complaint.objects.get(pk=complaint.pk).ticket.status == Status.RESOLVED
    response = act(client, cast.reception, complaint, "repeat", reason="灯又坏了")
    assert texts(response) == ["已作为重复投诉重新打开，交客服主管处理"]
    text = response.text
    assert "前期处理情况" in text and text.index("前期处理情况") < text.index("投诉记录")
    bench = page(client, cast.supervisor, reverse("complaints:workbench"))
    assert complaint.ticket.number in bench.text and "重复" in bench.text
    assert page(client, cast.reception, reverse("complaints:workbench")).status_code == 403


def test_home_tiles_follow_the_rule_set(cast):
    def urls(user):
        return {entry["url"] for entry in entries_for(user)}

    assert reverse("complaints:list") in urls(cast.reception)
    assert reverse("complaints:workbench") not in urls(cast.reception)
    assert {reverse("complaints:list"), reverse("complaints:workbench")} <= urls(cast.supervisor)
    assert reverse("complaints:list") in urls(cast.quality)
    assert reverse("complaints:list") not in urls(cast.clerk)


def test_the_ticket_page_of_a_complaint_leads_to_its_complaint_page(client, record, cast):
    complaint = record(content="楼道灯坏了一个月没人修")
    client.force_login(cast.reception)

    html = client.get(reverse("tickets:detail", args=[complaint.ticket.pk])).content.decode()

    assert reverse("complaints:detail", args=[complaint.pk]) in html


def test_the_desk_says_a_complaint_looks_like_the_nth_about_the_same_thing(client, world, cast, record, homes):
    from propdesk.complaints.tests.conftest import LIFT
    from propdesk.tickets.choices import Channel, Kind, Source

    record(content=LIFT[0], household=homes[1])
    record(content=LIFT[1], household=homes[2])
    client.force_login(cast.reception)

    response = client.post(
        reverse("intake:record"),
        {
            "household": world.household_a.pk,
            "resident": world.resident_a.pk,
            "channel": Channel.PHONE,
            "source": Source.CUSTOMER,
            "kind": Kind.COMPLAINT,
            "content": LIFT[2],
        },
    )

    html = response.content.decode()
    complaint = Complaint.objects.get(ticket__household=world.household_a)
    assert complaint.same_event_nth == 3
    assert "这看起来是关于同一件事的第 3 宗投诉" in html
    assert reverse("complaints:detail", args=[complaint.pk]) + "#similar" in html


def test_the_desk_says_nothing_of_the_kind_for_a_first_complaint(client, world, cast):
    from propdesk.tickets.choices import Channel, Kind, Source

    client.force_login(cast.reception)
    response = client.post(
        reverse("intake:record"),
        {
            "household": world.household_a.pk,
            "resident": world.resident_a.pk,
            "channel": Channel.PHONE,
            "source": Source.CUSTOMER,
            "kind": Kind.COMPLAINT,
            "content": "物业费收据一直没给我",
        },
    )
    assert "已登记，工单" in response.content.decode()
    assert "同一件事" not in response.content.decode()
