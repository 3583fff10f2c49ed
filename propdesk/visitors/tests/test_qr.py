"""The invitation's QR code: drawn offline, it encodes only the 6-digit code (no name, room or phone); shown on
the invitation page and its print view and served as SVG by the API — only to the invitation's creator and the
household, and only while the invitation is pending; the gate accepts the code as a scanner types it."""

import datetime as dt

import pytest
import segno
from django.test import Client

from propdesk.api.tests.conftest import bearer
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user
from propdesk.visitors import qr, services
from propdesk.visitors.models import Visit

from .conftest import NOW

pytestmark = pytest.mark.usefixtures("clock")
API = "/api/v1/visitors"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def invitation(world, resident_user_a):
    return services.invite(
        actor=resident_user_a,
        community=world.community_a,
        visitor_name="刘洋",
        room="3-2-1202",
        phone="13912345678",
        valid_from=NOW,
        valid_until=NOW + dt.timedelta(hours=3),
    )


def _matrix(code: str) -> tuple:
    return tuple(tuple(row) for row in segno.make_qr(code, error=qr.ERROR, boost_error=False).matrix)


def test_the_qr_code_holds_the_code_and_nothing_else(invitation):
    svg = qr.svg_document(invitation.code).decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    # The drawn symbol is exactly the one for the bare code: a name or a phone would change the modules.
    assert _matrix(invitation.code) != _matrix(invitation.code + "刘洋")
    drawn = segno.make_qr(invitation.code, error=qr.ERROR, boost_error=False)
    assert drawn.designator == "1-M" and _matrix(invitation.code) == tuple(tuple(r) for r in drawn.matrix)
    for personal in ("刘洋", "13912345678", "1202"):
        assert personal not in svg
    with pytest.raises(ValueError):
        qr.svg_document("刘洋 1202")


def test_the_invitation_page_and_print_view_show_code_and_qr(invitation, resident_user_a):
    client = login(resident_user_a)
    page = client.get(f"/visitors/invitations/{invitation.pk}/").content.decode()
    assert invitation.code in page and 'class="invitation-qr"' in page and "style=" not in page.split("<svg")[1]
    printed = client.get(f"/visitors/invitations/{invitation.pk}/print/").content.decode()
    assert invitation.code in printed and 'class="invitation-qr"' in printed and "刘洋" in printed


def test_other_readers_see_neither_code_nor_qr(world, invitation, guard_a):
    manager = role_user(Role.CENTER_MANAGER, world.center_a)
    page = login(manager).get(f"/visitors/invitations/{invitation.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert invitation.code not in html and "invitation-qr" not in html
    assert bearer(guard_a).get(f"{API}/invitations/{invitation.pk}/qr.svg").status_code == 403
    guard_b = role_user(Role.SECURITY_GUARD, world.center_b)
    assert login(guard_b).get(f"/visitors/invitations/{invitation.pk}/").status_code == 404


def test_the_api_serves_the_svg_while_pending(world, invitation, resident_user_a, guard_a):
    api = login(resident_user_a)  # residents use the API with their portal session
    response = api.get(f"{API}/invitations/{invitation.pk}/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content == qr.svg_document(invitation.code)
    services.check_in_by_code(actor=guard_a, code=invitation.code)
    assert api.get(f"{API}/invitations/{invitation.pk}/qr.svg").status_code == 404
    page = login(resident_user_a).get(f"/visitors/invitations/{invitation.pk}/").content.decode()
    assert "invitation-qr" not in page and "已到访" in page


def test_the_gate_takes_the_code_as_a_scanner_types_it(world, invitation, guard_a):
    # A scanner in keyboard mode types the digits (sometimes with a stray space) and presses Enter.
    response = login(guard_a).post(
        "/visitors/check-in/code/", {"community": world.community_a.pk, "code": f" {invitation.code}\r\n"}
    )
    assert response.status_code == 302
    assert Visit.objects.get().invitation_id == invitation.pk


def test_staff_inviting_on_the_gate_page_land_on_the_invitation_with_its_qr(world, guard_a):
    client = login(guard_a)
    response = client.post(
        "/visitors/invitations/",
        {
            "community": world.community_a.pk,
            "visitor_name": "赵敏",
            "room": "3-2-1202",
            "valid_from": "2026-11-18T10:00",
            "valid_until": "2026-11-18T12:00",
            "people": "1",
            "purpose": "visit",
        },
    )
    assert response.status_code == 302 and "/visitors/invitations/" in response["Location"]
    assert "invitation-qr" in client.get(response["Location"]).content.decode()
