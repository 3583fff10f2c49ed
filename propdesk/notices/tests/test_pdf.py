"""The notice as a PDF: the print page's content, the seal only once sealed, a draft marked as such; for staff
by the notice's rules, for anyone from the public board while it is posted."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from propdesk.core.tests.test_pdf import _text
from propdesk.notices import services
from propdesk.notices.documents import body_blocks, notice_pdf
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user

from .conftest import notice_data

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def real_seal(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 120), (200, 0, 0, 180)).save(buffer, "PNG")
    world.center_a.seal.save("seal.png", ContentFile(buffer.getvalue()), save=True)
    return world.center_a


def _sealed(world, info_a, manager_a, **data):
    notice = services.notice_create(actor=info_a, service_center=world.center_a, data=notice_data(world, **data))
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    notice = services.notice_approve(actor=manager_a, notice=notice, expected_version=None)
    return services.notice_seal(actor=info_a, notice=notice, expected_version=None)


def test_the_body_becomes_paragraphs_list_items_and_tables():
    blocks = body_blocks(
        "<h2>范围</h2><p>第一段<br>换行</p><ul><li>储水</li></ul><table><tr><th>项</th></tr><tr><td>水</td></tr></table>"
    )
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Heading", "Paragraph", "Paragraph", "Paragraph", "Table"]
    assert blocks[3].text == "• 储水" and blocks[4].header == ["项"] and blocks[4].rows == [["水"]]


def test_a_draft_says_draft_and_has_no_seal_a_sealed_notice_has_it(world, info_a, manager_a, real_seal):
    draft = services.notice_create(actor=info_a, service_center=world.center_a, data=notice_data(world))
    data = notice_pdf(draft, compress=False)
    text = _text(data)
    assert data.startswith(b"%PDF-") and "草稿" in text and "关于小区实施车辆使用停车卡的通知" in text
    assert "各位业主" in text and "翠湖服务中心" in text
    assert b"/Subtype /Image" not in data
    sealed = _sealed(world, info_a, manager_a, title="第二份")
    data = notice_pdf(sealed, compress=False)
    assert b"/Subtype /Image" in data and "草稿" not in _text(data) and "不得张贴" not in _text(data)


def test_the_pdf_page_and_api_follow_the_notice_rules(client, world, info_a, manager_a, real_seal):
    notice = _sealed(world, info_a, manager_a)
    client.force_login(info_a)
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert reverse("notices:pdf", args=[notice.pk]) in page
    response = client.get(reverse("notices:pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    api = client.get(f"/api/v1/notices/{notice.pk}/pdf")
    assert api.status_code == 200 and api.content.startswith(b"%PDF-")
    outsider = role_user(Role.INFO_MANAGER, world.center_b, username="info-b")
    client.force_login(outsider)
    assert client.get(reverse("notices:pdf", args=[notice.pk])).status_code == 404
    assert client.get(f"/api/v1/notices/{notice.pk}/pdf").status_code == 404
    client.logout()
    assert client.get(f"/api/v1/notices/{notice.pk}/pdf").status_code == 401


def test_a_posted_notice_is_downloadable_from_the_board_without_login(client, world, info_a, manager_a, real_seal):
    notice = _sealed(world, info_a, manager_a)
    board_url = reverse("notices:board_notice_pdf", args=["cuihu", notice.pk])
    assert client.get(board_url).status_code == 404  # sealed, not yet posted
    services.notice_schedule(actor=info_a, notice=notice, publish_at=None, expected_version=None)
    page = client.get(reverse("notices:board_notice", args=["cuihu", notice.pk])).content.decode()
    assert board_url in page
    response = client.get(board_url)
    assert response.status_code == 200 and b"/Subtype /Image" in notice_pdf(notice, compress=False)
    assert client.get(f"/api/v1/notices/board/cuihu/{notice.pk}/pdf").status_code == 200
    assert client.get(reverse("notices:board_notice_pdf", args=["yunshan", notice.pk])).status_code == 404
    assert client.get(f"/api/v1/notices/board/yunshan/{notice.pk}/pdf").status_code == 404
