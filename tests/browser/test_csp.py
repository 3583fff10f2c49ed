"""Pages work under the Content-Security-Policy: nothing is refused, htmx swaps, and the little behaviours
that were inline handlers (language switch, confirm, select, print) work from propdesk.js."""

import pytest

from propdesk.api.models import ApiToken
from propdesk.org.choices import Role
from propdesk.testing.factories import build_world, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture
def world(transactional_db):
    world = build_world()
    staff_user("desk1", Role.RECEPTIONIST, center=world.center_a)
    return world


@pytest.fixture
def page(world, login):
    page = login("desk1")
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_the_front_desk_works_under_the_policy(page, live_server):
    response = page.goto(f"{live_server.url}/desk/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#desk-q", "13812345678")
    page.wait_for_selector(".household-card")  # htmx swapped the lookup in
    assert violations(page) == []


def test_the_token_page_selects_the_secret_and_confirms_revocation(page, live_server):
    page.goto(f"{live_server.url}/account/tokens/")
    page.fill("#id_name", "呼叫中心")
    page.click("form button.primary")
    page.wait_for_selector("#new-token")
    secret = page.input_value("#new-token input")
    page.click("#new-token input")
    assert (
        page.evaluate(
            "window.getSelection().toString() || document.activeElement.value.substring("
            "document.activeElement.selectionStart, document.activeElement.selectionEnd)"
        )
        == secret
    )
    # revoking asks first: dismissing keeps the token, accepting revokes it
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("td form button")
    assert ApiToken.objects.get().revoked_at is None
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("td form button")
    assert ApiToken.objects.get().revoked_at is not None
    assert violations(page) == []


def test_the_api_docs_render_under_the_policy(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector("#swagger-ui .information-container", timeout=60_000)  # the whole spec is parsed first
    assert "PropDesk API" in page.inner_text("#swagger-ui")
    assert violations(page) == []


def test_the_login_page_has_no_violations(browser, live_server):
    page = browser.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/login/")
    page.wait_for_load_state("load")
    assert violations(page) == []
    page.close()
