"""Circulated documents with attachments (R-IC-4): a circular carries PDFs or images (type recognised by the
bytes, size bounded, on the server); its recipients and trackers download them, nobody else; at email level
the files go with the email."""

import base64

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from propdesk.api.tests.conftest import bearer
from propdesk.internal import services
from propdesk.internal.models import Circular, CircularAttachment
from propdesk.org.choices import Role
from propdesk.testing.roles import role_user

API = "/api/v1/internal"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def info(world):
    return role_user(Role.INFO_MANAGER, world.center_a, username="info")


def register(info, world, **overrides):
    data = {
        "center": world.center_a,
        "title": "消防检查表",
        "source": "公司品质部",
        "level": "circulate",
        "roles": [Role.TECHNICIAN],
        "files": [("检查表.pdf", PDF)],
    }
    return services.circular_register(actor=info, **{**data, **overrides})


def test_recipients_download_the_file_and_nobody_else(client, office, world, info):
    circular = register(info, world)
    [item] = circular.attachments.all()
    assert (item.name, item.content_type, item.size) == ("检查表.pdf", "application/pdf", len(PDF))
    url = reverse("internal:circular_file", args=[circular.pk, item.pk])
    client.force_login(office.crew.plumber)
    assert "检查表.pdf" in client.get(reverse("internal:circular", args=[circular.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    client.force_login(office.crew.housekeeper)  # not a technician: not a recipient
    assert client.get(url).status_code == 404
    assert bearer(office.crew.tech_b).get(f"{API}/circulars/{circular.pk}/attachments/{item.pk}").status_code == 404
    assert bearer(info).get(f"{API}/circulars/{circular.pk}/attachments/{item.pk}").status_code == 200


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("报告.pdf", b"MZ\x90\x00 not a pdf")], "不是 PDF 或图片"),
        ([("空.pdf", b"")], "是空文件"),
        ([("x.pdf", PDF)] * 6, "附件最多 5 个"),
        ([("大.pdf", PDF + b"0" * (10 * 1024 * 1024))], "超过 10 MB"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_registered(office, world, info, files, message):
    with pytest.raises(ValidationError, match=message):
        register(info, world, files=files)
    assert (Circular.objects.count(), CircularAttachment.objects.count()) == (0, 0)


def test_at_email_level_the_file_is_attached(office, world, info, django_capture_on_commit_callbacks):
    for user in (office.crew.plumber, office.crew.electrician):
        user.email = f"{user.username}@example.com"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        register(info, world, level="email")
    assert len(mail.outbox) == 2
    assert mail.outbox[0].attachments == [("检查表.pdf", PDF, "application/pdf")]


def test_attachments_over_the_api(office, world, info):
    body = {
        "center_id": world.center_a.pk,
        "title": "值班表",
        "source": "行政部",
        "level": "circulate",
        "roles": [Role.TECHNICIAN],
        "attachments": [{"name": "值班表.pdf", "content_base64": base64.b64encode(PDF).decode()}],
    }
    created = bearer(info).post(f"{API}/circulars", body)
    assert created.status_code == 201, created.content
    [item] = created.json()["attachments"]
    assert (item["name"], item["size"]) == ("值班表.pdf", len(PDF))
    bad = {**body, "attachments": [{"name": "a.pdf", "content_base64": base64.b64encode(b"hello").decode()}]}
    assert bearer(info).post(f"{API}/circulars", bad).status_code == 400
    assert (
        bearer(info)
        .post(f"{API}/circulars", {**body, "attachments": [{"name": "a.pdf", "content_base64": "%%"}]})
        .status_code
        == 422
    )
    assert Circular.objects.count() == 1
