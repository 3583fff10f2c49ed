"""Browsers ask for /favicon.ico by themselves; it must not be a 404."""


def test_favicon_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
