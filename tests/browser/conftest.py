"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import pytest

from propdesk.testing.browser import CHROMIUM, chromium, has_chromium


def pytest_collection_modifyitems(config, items):
    if has_chromium():
        return
    skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session of these tests (each test closes its pages)."""
    with chromium() as instance:
        yield instance


@pytest.fixture
def login(live_server, browser):
    """Open a page logged in as ``username`` with the given viewport."""
    pages = []

    def _login(username: str, password: str = "pw-123456", viewport=(1280, 900)):
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        page.set_default_timeout(10_000)
        pages.append(page)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _login
    for page in pages:
        page.close()
