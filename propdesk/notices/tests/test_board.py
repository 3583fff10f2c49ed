"""The public board's fee schedule and service contacts: kept by the center, checked, shown per community
without login, an expired line not shown."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from propdesk.core.models import Event
from propdesk.notices.models import FeeItem, ServiceContact
from propdesk.notices.services import board
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user

pytestmark = pytest.mark.usefixtures("clock")


def fee(world, community=None, **overrides) -> dict:
    base = {
        "community_id": (community or world.community_a).pk,
        "item": "物业服务费（住宅）",
        "payer": "住宅业主",
        "service_content": "公共区域清洁、秩序维护、绿化养护",
        "service_standard": "二级服务标准",
        "price": "2.50",
        "unit": "元/㎡·月",
        "billing_method": "按建筑面积按月计收",
        "billing_start": "自交房之日起",
        "price_regime": "gov_guided",
        "basis": "《深圳市物业服务收费管理办法》",
        "authority": "深圳市发展和改革委员会",
        "approval_no": "深发改〔2025〕12号",
        "effective_from": "2026-01-01",
    }
    return {**base, **overrides}


def contact(world, community=None, **overrides) -> dict:
    base = {"community_id": (community or world.community_a).pk, "kind": "water", "name": "深圳水务集团",
            "phone": "0755-95599", "hours": "24 小时"}  # fmt: skip
    return {**base, **overrides}


def test_a_board_shows_its_communitys_fees_and_contacts_not_anothers(client, world, info_a):
    info_b = role_user(Role.INFO_MANAGER, world.center_b, username="info-b")
    board.fee_item_save(actor=info_a, service_center=world.center_a, data=fee(world))
    board.fee_item_save(
        actor=info_a, service_center=world.center_a,
        data=fee(world, item="旧停车费", price_regime="market", authority="", approval_no="",
                 effective_from="2025-01-01", effective_until="2025-12-31"),
    )  # fmt: skip
    board.contact_save(actor=info_a, service_center=world.center_a, data=contact(world))
    board.contact_save(actor=info_a, service_center=world.center_a, data=contact(world, name="旧号码", is_active=False))
    board.fee_item_save(
        actor=info_b, service_center=world.center_b, data=fee(world, world.community_b, item="云山停车费")
    )
    board.contact_save(
        actor=info_b, service_center=world.center_b, data=contact(world, world.community_b, name="云山燃气")
    )
    html = client.get(reverse("notices:board", args=["cuihu"])).content.decode()
    assert "物业服务费（住宅）" in html and "2.50" in html and "元/㎡·月" in html and "深发改〔2025〕12号" in html
    assert "深圳市发展和改革委员会" in html and "《深圳市物业服务收费管理办法》" in html and "12358" in html
    assert "深圳水务集团" in html and "0755-95599" in html
    assert "旧停车费" not in html and "旧号码" not in html
    assert "云山停车费" not in html and "云山燃气" not in html
    api = client.get("/api/v1/notices/board/yunshan").json()
    assert [f["item"] for f in api["fees"]] == ["云山停车费"] and [c["name"] for c in api["contacts"]] == ["云山燃气"]
    assert api["price_complaint_line"] == "12358"


def test_the_legal_fields_are_required_and_nothing_is_saved_on_error(world, info_a):
    with pytest.raises(ValidationError) as caught:
        board.fee_item_save(
            actor=info_a, service_center=world.center_a,
            data=fee(world, approval_no="", basis="", price="-1", effective_until="2025-01-01"),
        )  # fmt: skip
    errors = caught.value.message_dict
    assert {"approval_no", "basis", "price"} <= set(errors)
    with pytest.raises(ValidationError) as caught:
        board.fee_item_save(actor=info_a, service_center=world.center_a, data=fee(world, effective_until="2025-01-01"))
    assert "effective_until" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        board.fee_item_save(actor=info_a, service_center=world.center_a, data=fee(world, world.community_b))
    assert "community" in caught.value.message_dict
    assert not FeeItem.objects.exists()


def test_only_the_publishers_keep_the_board_and_each_change_is_an_event(world, info_a):
    receptionist = role_user(Role.RECEPTIONIST, world.center_a, username="desk-a")
    with pytest.raises(PermissionDenied):
        board.contact_save(actor=receptionist, service_center=world.center_a, data=contact(world))
    item = board.contact_save(actor=info_a, service_center=world.center_a, data=contact(world))
    item = board.contact_save(
        actor=info_a, service_center=world.center_a, contact=item, data=contact(world, hours="8:00-18:00"),
        expected_version=0,
    )  # fmt: skip
    assert item.version == 1 and item.hours == "8:00-18:00"
    with pytest.raises(ValidationError):
        board.contact_save(
            actor=info_a, service_center=world.center_a, contact=item, data=contact(world), expected_version=0
        )
    board.contact_delete(actor=info_a, contact=item, expected_version=1)
    assert not ServiceContact.objects.exists()
    verbs = list(Event.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["notices.contact.created", "notices.contact.changed", "notices.contact.deleted"]


def test_the_management_page_and_api(client, world, info_a):
    client.force_login(info_a)
    page = client.get(reverse("notices:board_manage"))
    assert page.status_code == 200 and 'id="fee-form"' in page.content.decode()
    bad = client.post(
        reverse("notices:board_manage"), {"what": "fee", "community": world.community_a.pk, "item": "水费"}
    )
    assert bad.status_code == 400 and 'class="error"' in bad.content.decode() and not FeeItem.objects.exists()
    made = client.post(
        reverse("notices:board_manage"),
        {**fee(world), "what": "fee", "community": world.community_a.pk, "collected_for_others": "on"},
    )
    assert made.status_code == 302
    item = FeeItem.objects.get()
    assert item.collected_for_others and str(item.price) == "2.50"
    edit = client.post(reverse("notices:fee_edit", args=[item.pk]), {**fee(world), "price": "2.80", "version": 0})
    assert edit.status_code == 302 and str(FeeItem.objects.get().price) == "2.80"
    created = client.post(
        "/api/v1/notices/contacts",
        {**contact(world), "service_center_id": world.center_a.pk, "kind": "hotline", "name": "客服热线",
         "phone": "400-800-1234"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    listed = client.get(f"/api/v1/notices/contacts?community_id={world.community_a.pk}").json()
    assert [c["name"] for c in listed] == ["客服热线"]
    gone = client.post(
        f"/api/v1/notices/contacts/{body['id']}/delete", {"expected_version": 5}, content_type="application/json"
    )
    assert gone.status_code == 409
    fees = client.get("/api/v1/notices/fees").json()
    assert fees[0]["price"] in ("2.80", 2.8) and fees[0]["approval_no"] == "深发改〔2025〕12号"


def test_today_decides_what_is_in_force(world, info_a, clock):
    board.fee_item_save(actor=info_a, service_center=world.center_a, data=fee(world, effective_until="2026-11-30"))
    from propdesk.notices.selectors import board_fees

    assert board_fees(community=world.community_a).count() == 1
    assert board_fees(community=world.community_a, today=dt.date(2026, 12, 1)).count() == 0
