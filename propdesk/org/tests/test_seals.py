"""The center's seal: only a real PNG or JPEG of at most 512 KB is kept; print pages embed it."""

import base64

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.demo.seal import seal_png
from propdesk.org.seals import SEAL_MAX_BYTES, seal_data_uri, validate_seal
from propdesk.testing.factories import ServiceCenterFactory

PNG = seal_png(120)


def test_a_png_seal_is_accepted():
    validate_seal(SimpleUploadedFile("seal.png", PNG))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("seal.png", b"GIF89a" + b"\0" * 40),  # a GIF named .png
        ("seal.gif", b"GIF89a" + b"\0" * 40),
        ("seal.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("seal.pdf", b"%PDF-1.4 " + b"\0" * 40),
    ],
)
def test_anything_else_is_refused_with_a_chinese_message(name, data):
    with pytest.raises(ValidationError) as caught:
        validate_seal(SimpleUploadedFile(name, data))
    assert "PNG 或 JPEG" in caught.value.messages[0]


def test_a_seal_over_512_kb_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_seal(SimpleUploadedFile("seal.png", PNG + b"\0" * SEAL_MAX_BYTES))
    assert "512 KB" in caught.value.messages[0]


@pytest.mark.django_db
def test_print_pages_get_the_seal_as_a_data_uri():
    center = ServiceCenterFactory()
    assert seal_data_uri(center) == ""
    center.seal.save("seal.png", ContentFile(PNG), save=True)
    uri = seal_data_uri(center)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == PNG
